"""plans.app.ui.view_tabs: only the open tab is drawn, and it stays open across a language change."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def script() -> None:
    import streamlit as st

    from plans.app.ui import view_tabs

    views = {
        "vi": {"years": "Theo năm", "areas": "Theo lĩnh vực"},
        "en": {"years": "By year", "areas": "By area"},
    }[st.session_state.get("test_lang", "vi")]
    view, tab = view_tabs(views, key="demo")
    tab.markdown(f"drawn: {view}")


def test_first_tab_open_and_only_it_drawn() -> None:
    at = AppTest.from_function(script).run()
    assert ["drawn: years"] == [m.value for m in at.markdown]
    assert ["Theo năm", "Theo lĩnh vực"] == [t.label for t in at.tabs]


def test_a_click_on_a_tab_draws_that_tab_only() -> None:
    at = AppTest.from_function(script).run()
    at.session_state["demo"] = "Theo lĩnh vực"  # what a click on the tab sets
    at.run()
    assert ["drawn: areas"] == [m.value for m in at.markdown]


def test_the_open_tab_stays_open_when_the_language_changes() -> None:
    at = AppTest.from_function(script).run()
    at.session_state["demo"] = "Theo lĩnh vực"
    at.run()
    at.session_state["test_lang"] = "en"
    at.run()
    assert not at.exception
    assert ["drawn: areas"] == [m.value for m in at.markdown]
    assert "By area" == at.session_state["demo"]


def linked_script() -> None:
    """Two pages with tabs of the same names: the second one visited after the first."""
    import streamlit as st

    from plans.app.ui import view_tabs

    views = {"years": "Theo năm", "areas": "Theo lĩnh vực", "top": "Lớn nhất"}
    key = "second" if st.session_state.get("on_second_page") else "demo"
    view, tab = view_tabs(views, key=key)
    tab.markdown(f"drawn: {view}")


def test_a_links_view_opens_its_tab() -> None:
    at = AppTest.from_function(linked_script)
    at.query_params["view"] = "areas"  # what a chart's QR code opens (plans.present.links)
    at.run()
    assert ["drawn: areas"] == [m.value for m in at.markdown]
    assert "Theo lĩnh vực" == at.session_state["demo"]


def test_a_view_the_page_lacks_opens_the_first_tab() -> None:
    at = AppTest.from_function(linked_script)
    at.query_params["view"] = "shares"
    at.run()
    assert not at.exception
    assert ["drawn: years"] == [m.value for m in at.markdown]


def test_the_links_view_opens_once_then_the_readers_choice_holds() -> None:
    at = AppTest.from_function(linked_script)
    at.query_params["view"] = "areas"
    at.run()
    at.session_state["demo"] = "Lớn nhất"  # the reader clicks another tab
    at.run()
    assert ["drawn: top"] == [m.value for m in at.markdown]
    assert "areas" == at.query_params["view"]  # never deleted (plans.app.ui.sync_url)
    # the next page with tabs opens on its first tab, not on the link's name
    at.session_state["on_second_page"] = True
    at.run()
    assert ["drawn: years"] == [m.value for m in at.markdown]
