"""Presenter kit and presentation mode follow the chosen programme and charts (AppTest)."""

from __future__ import annotations

import pytest
from apptest import open_app

pytestmark = pytest.mark.usefixtures("app_db")


def test_presentation_mode_steps_through_the_charts() -> None:
    at = open_app("pages/present.py", prog="HN-2021-2025")
    assert not at.exception, [e.value for e in at.exception]
    first_headline = at.markdown[1].value
    total = at.markdown[0].value.split("/ ")[1]
    assert "### 1 / " + total == at.markdown[0].value
    at.button(key="present_next").click().run()
    assert "### 2 / " + total == at.markdown[0].value
    assert first_headline != at.markdown[1].value
    at.button(key="present_prev").click().run()
    assert first_headline == at.markdown[1].value


def test_presenter_lists_the_chosen_charts_in_order() -> None:
    at = open_app("pages/presenter.py", prog="HN-2021-2025")
    assert not at.exception, [e.value for e in at.exception]
    keys = at.multiselect(key="presenter_charts").value
    assert len(keys) >= 3
    at.multiselect(key="presenter_charts").set_value([keys[1], keys[0]]).run()
    titles = [m.value for m in at.markdown if m.value.startswith("**")]
    assert 2 == len(titles)


@pytest.mark.export
def test_every_chart_offers_png_and_svg_on_request() -> None:
    at = open_app("pages/overview.py")
    assert not at.exception
    at.button(key="overview_shares_image").click().run()
    assert not at.exception, [e.value for e in at.exception]
    png, svg = at.session_state["overview_shares_images"]
    assert png.startswith(b"\x89PNG")
    assert b"<svg" in svg[:500] and "Cơ cấu kinh phí".encode() in svg  # title baked in, diacritics
