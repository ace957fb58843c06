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
