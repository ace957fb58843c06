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


def test_presentation_mode_shows_the_charts_qr_code_with_the_sessions_filters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from plans import settings
    from plans.escape import markdown_literal
    from plans.present.links import chart_link, printed_link

    monkeypatch.setattr(settings, "PUBLIC_URL", "https://khuyencong.example.vn")
    at = open_app("pages/present.py", prog="HN-2021-2025", lang="en", y0="2021", y1="2025")
    assert not at.exception, [e.value for e in at.exception]
    [image] = at.get("image")
    view = {"lang": "en", "bounds": "current", "prov": "all", "prog": "HN-2021-2025",
            "areas": "section", "area": "all", "y0": "2021", "y1": "2025"}  # fmt: skip
    link = chart_link("https://khuyencong.example.vn", "sections", view)  # the first chart
    assert link == image.proto.link  # a tap on the code opens it too
    assert image.proto.imgs[0].url.endswith(".png")  # a JPEG would blur the modules
    assert f"QR code that opens the chart on the dashboard: {printed_link(link)}" == (
        image.proto.imgs[0].alt
    )
    texts = [m.value for m in at.markdown]
    assert "**Scan to open on your phone**" in texts
    assert f"[{markdown_literal(printed_link(link))}]({link})" in texts
    at.button(key="present_next").click().run()
    [image] = at.get("image")
    assert chart_link("https://khuyencong.example.vn", "years", view) == image.proto.link


def test_presentation_mode_without_a_public_address_has_no_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from plans import settings

    monkeypatch.setattr(settings, "PUBLIC_URL", "")
    at = open_app("pages/present.py", prog="HN-2021-2025")
    assert not at.exception, [e.value for e in at.exception]
    assert not at.get("image")
    assert not [m.value for m in at.markdown if "Quét" in m.value or "khuyencong" in m.value]


@pytest.mark.export
def test_the_presenters_deck_codes_carry_the_readers_filters(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    import io

    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE
    from qr_codes import decode

    from plans import settings
    from plans.present.links import chart_link

    monkeypatch.setattr(settings, "PUBLIC_URL", "https://khuyencong.example.vn")
    at = open_app("pages/presenter.py", prog="HN-2021-2025", y0="2022", y1="2024")
    at.multiselect(key="presenter_charts").set_value(["years"]).run()
    at.button(key="presenter_deck").click().run()
    assert not at.exception, [e.value for e in at.exception]
    prs = Presentation(io.BytesIO(at.session_state["presenter_deck_bytes"]))
    found = []
    for i, shape in enumerate(list(prs.slides)[1].shapes):
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
            (tmp_path / f"{i}.png").write_bytes(shape.image.blob)
            found += decode(tmp_path / f"{i}.png")
    view = {"lang": "vi", "bounds": "current", "prov": "all", "prog": "HN-2021-2025",
            "areas": "section", "area": "all", "y0": "2022", "y1": "2024"}  # fmt: skip
    assert [chart_link("https://khuyencong.example.vn", "years", view)] == found
