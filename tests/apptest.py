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
