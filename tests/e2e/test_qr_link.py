"""A delegate's phone in a real browser: the QR code of a slide opens the same chart live.

The deck is built with the test server's address as its public address (PLANS_PUBLIC_URL), the
code read back from the slide with zbarimg, and the decoded link opened in Chromium.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from qr_codes import decode

from plans import db
from plans.messages import t
from plans.present.deck import build_deck, catalog, deck_info

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect

CHART = '[data-testid="stPlotlyChart"] .main-svg'


def _slide_links(built_db: Path, programme: str, lang: str, key: str, base: str, tmp: Path):
    """The links the QR codes of the deck's one chart slide hold."""
    con = db.connect(built_db, read_only=True)
    try:
        [chart] = [c for c in catalog(con, programme, lang) if c.key == key]
        info = deck_info(con, programme, lang)
    finally:
        con.close()
    prs = Presentation(io.BytesIO(build_deck([chart], info, public_url=base)))
    found = []
    for i, shape in enumerate(list(prs.slides)[1].shapes):
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
            png = tmp / f"{key}-{i}.png"
            png.write_bytes(shape.image.blob)
            found += decode(png)
    return found


@pytest.mark.parametrize(
    ("programme", "lang", "key", "tab_label", "title"),
    [
        pytest.param("HN-2021-2025", "vi", "years", t("budget.years_tab", "vi"),
                     t("budget.stack", "vi", level=t("budget.section", "vi"), prog="HN-2021-2025"),
                     id="budget by year, vi"),
        pytest.param("HN-2011-2015", "en", "results", t("targets.pct_tab", "en"),
                     t("targets.pct_chart", "en") + " — HN-2011-2015", id="achievement %, en"),
    ],
)  # fmt: skip
def test_a_slides_qr_code_opens_its_chart(
    built_db: Path,
    server,
    e2e_context,
    tmp_path: Path,
    programme: str,
    lang: str,
    key: str,
    tab_label: str,
    title: str,
) -> None:
    [link] = _slide_links(built_db, programme, lang, key, server.url, tmp_path)
    assert link.startswith(server.url + "/") and f"prog={programme}" in link
    page = e2e_context.new_page()  # the phone: a visitor of its own, nothing remembered
    try:
        page.goto(link)
        chart = page.locator(CHART).first
        chart.wait_for(state="visible", timeout=60_000)
        expect(page.get_by_role("tab", name=tab_label)).to_have_attribute("aria-selected", "true")
        # a long title wraps (<br>): the words, whatever the breaks between them
        words = re.compile(r"\s*".join(re.escape(word) for word in title.split()))
        expect(page.locator(f"{CHART} .gtitle").first).to_have_text(words)
        expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(1)
        # the slide's language, and no notice about the link's parameters
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar.get_by_role("radio", name=t("frame.lang_name", lang))).to_be_checked()
        expect(sidebar.locator('[data-testid="stAlert"]')).to_have_count(0)
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    finally:
        page.close()
