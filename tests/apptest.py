"""Run the dashboard under Streamlit's AppTest the way a visitor follows a link."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def open_app(page: str | None = None, **params: str):
    """Run the dashboard like a visitor following a link: URL parameters, then a page."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.query_params.update(params)
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def chart_table(at, key: str):
    """The data table under chart `key` (plans.app.ui.chart_with_data), opened as a reader opens it.

    The table is drawn only once its expander is open, which reruns the page; open the tables
    one at a time (the one open expander holding a table is the one returned).
    """
    at.session_state[f"{key}_data"] = True
    at.run()
    labels = ("Số liệu của biểu đồ", "Data behind the chart")
    tables = [d for e in at.expander if e.label in labels for d in e.dataframe]
    assert 1 == len(tables), f"{len(tables)} open chart tables"
    return tables[0].value


def open_tab(at, key: str, index: int) -> None:
    """Open tab `index` of the page's view tabs `key` (plans.app.ui.view_tabs), as a click does."""
    at.session_state[key] = at.tabs[index].label
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def open_as_editor(page: str, monkeypatch, **params: str):
    """The page opened by a signed-in editor (one configured for the test, with a cheap hash):
    only an editor is offered the import page's uploader."""
    from plans import auth

    name, password = "Người thử", "mật khẩu thử"
    monkeypatch.setenv(auth.ENV_VAR, f"{name}={auth.hash_password(password, iterations=1000)}")
    auth.THROTTLE.reset()
    at = open_app(page, **params)
    at.text_input(key="auth_name").set_value(name)
    at.text_input(key="auth_password").set_value(password)
    at.button(key="auth_sign_in").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at
