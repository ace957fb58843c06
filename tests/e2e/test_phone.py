"""Every page on a phone (390×844, Chromium's mobile emulation): no sideways scrolling, charts
that fit the screen with readable, uncut text, filters within reach, tables that scroll inside.

One browser context for the module, every page opened once; each test saves a screenshot of
the whole page per page to PLANS_SCREENSHOTS (default: the test's tmp_path) for a person to
look at: a measurement cannot tell an overlapping legend from a good one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.bench_browser import open_filter

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
# pages without a chart on the seed data (support: the documents hold no support records)
NO_CHART = {"sources", "imports", "import_history", "presenter", "support"}
CHART = '[data-testid="stPlotlyChart"] .main-svg'
HY = "Chương trình khuyến công địa phương tỉnh Hưng Yên đến năm 2020"
WIDTH, HEIGHT = 390, 844
# A mid-range Android phone's Chrome: Streamlit and plotly see a phone, not a narrow desktop.
USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
# Smallest text a person reads at arm's length on a phone (CSS px; tick labels are 12 on desktop).
READABLE_PX = 10
SLACK_PX = 1  # sub-pixel rounding of boxes

# The page's measurements, in the browser: scroll widths of the document and of Streamlit's
# scroll container (the main section scrolls, not the document), every plotly chart's box and
# its text (font size as drawn: plotly scales bar labels down to fit), and anything in the main
# section that reaches past the screen's edge without an element that scrolls or clips it.
MEASURE_JS = """
() => {
  const box = (el) => el.getBoundingClientRect();
  const scroll = (el) => el ? [el.scrollWidth, el.clientWidth] : null;
  const main = document.querySelector('[data-testid="stMain"]');
  const block = document.querySelector('[data-testid="stMainBlockContainer"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map((chart) => {
    const r = box(chart);
    const texts = [];
    for (const text of chart.querySelectorAll('.main-svg text')) {
      const content = (text.textContent || '').trim();
      const t = box(text);
      const style = getComputedStyle(text);
      if (!content || t.width === 0 || style.display === 'none' || style.visibility === 'hidden'
          || style.opacity === '0') continue;
      const m = text.getScreenCTM();
      const px = parseFloat(style.fontSize) * (m ? Math.hypot(m.a, m.b) : 1);
      texts.push({text: content.slice(0, 60), px: Math.round(px * 10) / 10,
                  left: Math.round(t.left - r.left), right: Math.round(r.right - t.right)});
    }
    return {left: r.left, right: r.right, texts};
  });
  const outside = [];
  for (const el of (block ? block.querySelectorAll('*') : [])) {
    const r = box(el);
    if (r.width === 0 || (r.right <= innerWidth + 1 && r.left >= -1)) continue;
    let held = false;  // inside a table, a tab bar or a chart that scrolls or clips it
    for (let p = el.parentElement; p && p !== block; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible' && box(p).right <= innerWidth + 1
          && box(p).left >= -1) { held = true; break; }
    }
    if (!held) outside.push(`${el.tagName}[${el.getAttribute('data-testid') || ''}] `
      + `${Math.round(r.left)}..${Math.round(r.right)} ${(el.textContent || '').slice(0, 40)}`);
  }
  return {
    width: innerWidth,
    document: scroll(document.scrollingElement),
    main: scroll(main),
    charts,
    outside: outside.slice(0, 5),
  };
}
"""


@pytest.fixture(scope="module")
def phone(e2e_browser, server) -> Iterator:
    """One phone for the module: a browser context with Chromium's mobile emulation."""
    context = e2e_browser.new_context(
        base_url=server.url,
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        user_agent=USER_AGENT,
    )
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture()
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("PLANS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def url(name: str) -> str:
    return "/" if name == "overview" else f"/{name}"


def settled(page) -> None:
    """Wait until the page's script has run: a heading shown and the app no longer running."""
    page.locator("h1").first.wait_for(state="visible")
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning"
    )


def screenshot(page, path: Path) -> None:
    """The whole page: Streamlit scrolls its main section, not the document, so a full-page
    screenshot would show one screen; the viewport is made as tall as the content for it."""
    tall = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0"
    )
    page.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, min(tall, 12_000))})
    page.wait_for_timeout(500)  # Streamlit and plotly lay out again for the new height
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})


def fold_sidebar(page) -> None:
    """Close the sidebar if open (the browser remembers it open from an earlier page)."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    if sidebar.get_attribute("data-collapsed") == "false":
        page.get_by_role("button", name="Collapse sidebar").click()
    expect(sidebar).to_have_attribute("data-collapsed", "true")


def problems(name: str, measured: dict) -> list[str]:
    """What is wrong with a page's measurements, in words (empty when it fits a phone)."""
    found = []
    for where in ("document", "main"):
        scroll_width, client_width = measured[where] or (0, 0)
        if scroll_width > client_width + SLACK_PX:
            found.append(f"{name}: {where} scrolls sideways ({scroll_width} > {client_width} px)")
    found += [f"{name}: past the screen's edge: {what}" for what in measured["outside"]]
    for i, chart in enumerate(measured["charts"]):
        if chart["left"] < -SLACK_PX or chart["right"] > measured["width"] + SLACK_PX:
            found.append(f"{name}: chart {i} spans {chart['left']:.0f}..{chart['right']:.0f} px")
        for text in chart["texts"]:
            if text["px"] < READABLE_PX:
                found.append(f"{name}: chart {i} text at {text['px']} px: {text['text']!r}")
            if min(text["left"], text["right"]) < -SLACK_PX:
                found.append(
                    f"{name}: chart {i} text cut ({text['left']}, {text['right']} px "
                    f"from the edges): {text['text']!r}"
                )
    return found


def test_every_page_fits_a_phone(phone, shots: Path) -> None:
    failures = []
    for name in PAGES:
        page = phone.new_page()
        try:
            page.goto(url(name))
            settled(page)
            if name not in NO_CHART:
                page.locator(CHART).first.wait_for(state="visible")
            failures += problems(name, page.evaluate(MEASURE_JS))
            screenshot(page, shots / f"phone_{name}.png")
        finally:
            page.close()
    assert [] == failures, "\n".join(failures)


def test_filters_are_reachable_and_change_the_chart(phone, shots: Path) -> None:
    page = phone.new_page()
    page.goto("/")
    settled(page)
    title = page.locator(f"{CHART} .gtitle").first
    before = title.text_content()
    sidebar = page.locator('[data-testid="stSidebar"]')
    # on a phone the sidebar starts folded: its control in the header opens it over the page
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    body = open_filter(page, "programme")
    left, right = page.evaluate(
        "(el) => { const r = el.getBoundingClientRect(); return [r.left, r.right]; }",
        body.element_handle(),
    )
    assert (True, True) == (left >= -SLACK_PX, right <= WIDTH + SLACK_PX), (left, right)
    body.locator('[data-testid="stSelectbox"]').click()
    page.get_by_role("option", name=HY).click()
    expect(page.locator(".st-key-p_programme button")).to_have_text(re.compile("Hưng Yên"))
    screenshot(page, shots / "phone_filter_open.png")
    page.keyboard.press("Escape")
    fold_sidebar(page)  # back to the page, its chart in the new programme
    expect(title).to_contain_text("Hưng Yên")
    expect(title).not_to_have_text(before)
    page.close()


def test_a_chart_table_fits_and_scrolls_inside(phone, shots: Path) -> None:
    page = phone.new_page()
    page.goto("/budget")
    settled(page)
    page.locator(CHART).first.wait_for(state="visible")
    fold_sidebar(page)
    page.get_by_text("Số liệu của biểu đồ").first.click()
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(state="visible")
    grid.scroll_into_view_if_needed()
    left, right = page.evaluate(
        "(el) => { const r = el.getBoundingClientRect(); return [r.left, r.right]; }",
        grid.element_handle(),
    )
    assert (True, True) == (left >= -SLACK_PX, right <= WIDTH + SLACK_PX), (left, right)
    scroller = grid.locator(".dvn-scroller")
    wider, shown = scroller.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert wider > shown  # the columns do not fit a phone: the grid scrolls, not the page
    # a sideways swipe over the table moves the table, not the page
    grid.hover()
    page.mouse.wheel(200, 0)
    expect(scroller).not_to_have_js_property("scrollLeft", 0)
    measured = page.evaluate(MEASURE_JS)
    assert [] == [f for f in problems("budget", measured) if "sideways" in f]
    screenshot(page, shots / "phone_table.png")
    page.close()
