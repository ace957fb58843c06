"""A programme imported with markup in every name shows the markup as text on every page.

Issue 19, 4: imported titles, section and task names went into Streamlit's Markdown (links,
images, bold) and into plotly's label markup (`<a href>` opened a tab, `<span style>` coloured
text). A server on a database holding such an import; each page opened on that programme.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from test_browser import CHART, NO_CHART, PAGES, no_exception, open_page, wait_chart
from test_escape import HOSTILE_ID, hostile_plan_rows, hostile_results_rows

from benchmarks.bench_browser import start_server, stop_server
from plans import settings
from plans.data import imports, templates
from plans.data.build import build

pytestmark = pytest.mark.e2e
pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
EVIL = "evil.example"
# Texts of the import that must show as written: none holds a space, so no wrapping splits one.
LITERAL = (
    "**đậm**",
    "[Bấm](https://evil.example/a)",
    "<b>in_đậm</b>",
    "<i>nghiêng</i>",
    "<i>lớp</i>",
)
# What the markup would have made of them, in the page or inside a chart's svg.
RENDERED = """() => {
  const evil = (v) => !!v && v.includes("evil.example");
  const found = [];
  const MARKED = /^(đậm|in_đậm|nghiêng|lớp|CT|đỏ)$/;
  for (const a of document.querySelectorAll("a")) {
    const href = a.getAttribute("href") || a.getAttributeNS("http://www.w3.org/1999/xlink", "href");
    if (evil(href)) found.push("link " + href);
  }
  for (const img of document.querySelectorAll("img, image")) {
    const src = img.getAttribute("src") || img.getAttribute("href");
    if (evil(src)) found.push("image " + src);
  }
  for (const e of document.querySelectorAll("strong, em, b, i")) {
    if (MARKED.test(e.textContent.trim())) found.push(e.tagName + " " + e.textContent);
  }
  for (const e of document.querySelectorAll(".main-svg tspan[style]")) {
    if (MARKED.test(e.textContent.trim())) {
      found.push("styled " + e.getAttribute("style") + " " + e.textContent);
    }
  }
  for (const e of document.querySelectorAll(".main-svg a")) found.push("svg link " + e.textContent);
  return found;
}"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A dashboard on the seed data plus the hostile programme and a results report of it,
    imported as an editor would."""
    home = tmp_path_factory.mktemp("hostile")
    db, imports_dir = home / "plans.duckdb", home / "imports"
    build(db, settings.DATA_DIR)
    for name, rows in (
        ("ke_hoach.csv", hostile_plan_rows()),
        ("ket_qua.csv", hostile_results_rows()),
    ):
        data = templates.to_csv(rows)
        staged = imports.validate(name, data, imports_dir=imports_dir, db_path=db)
        assert staged.storable, staged.problems
        imports.commit(staged, data, "Kiểm thử", db_path=db, imports_dir=imports_dir)
    env = {**os.environ, "PLANS_DB": str(db), "PLANS_IMPORTS_DIR": str(imports_dir)}
    started = start_server(ROOT / "dashboard.py", env, home / "streamlit.log")
    try:
        yield started.url
    finally:
        stop_server(started.process)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def hostile_context(chromium, hostile_server: str) -> Iterator:
    context = chromium.new_context(
        base_url=hostile_server, viewport={"width": 1400, "height": 1000}
    )
    context.set_default_timeout(60_000)
    warm = context.new_page()
    open_page(warm, "/")
    warm.close()
    yield context
    context.close()


# Every page on the whole programme; the budget page's other views (one tab is drawn at a time)
# and its first section, whose code is the file's own (the sidebar's button and the page's
# metric name it); the periods page's targets (st.table reads Markdown in its cells).
SECTION = "I**đậm**"
VISITS = [
    *((name, "") for name in PAGES),
    *(("budget", f"view={view}") for view in ("years", "shares")),
    ("budget", f"area={quote(SECTION)}"),
    ("periods", "view=comparable"),
]
# Pages that name the hostile programme in their own body, not only in the sidebar's button:
# there the literal text must show (a page could pass by showing nothing).
NAMED_IN_BODY = {"overview", "budget", "targets"}


@pytest.mark.parametrize(
    ("name", "extra"), [pytest.param(n, e, id=f"{n}-{e}" if e else n) for n, e in VISITS]
)
def test_hostile_names_show_as_text(hostile_context, name: str, extra: str) -> None:
    # before: the overview's headline and the budget page's subheader rendered the names'
    # Markdown (links to evil.example, bold) and the charts' titles and ticks their tags
    page = hostile_context.new_page()
    asked: list[str] = []
    page.route("**/*", lambda route: (asked.append(route.request.url), route.continue_()))
    try:
        path = "/" if name == "overview" else f"/{name}"
        area = "" if extra.startswith("area=") else "&area=all"
        open_page(page, f"{path}?prog={HOSTILE_ID}&areas=section{area}&{extra}")
        if name not in NO_CHART and not extra.endswith(("shares", "comparable")):
            wait_chart(page)
        page.wait_for_timeout(1000)  # late images and charts
        no_exception(page)
        assert [] == page.evaluate(RENDERED)
        assert [] == [url for url in asked if urlsplit(url).hostname == EVIL]
        # shown, not dropped: the sidebar's programme button names it on every page, the
        # body of the pages that show the programme names it too (a title, a chart, a table)
        body = page.locator('[data-testid="stMain"]').text_content()
        svg = " ".join(page.locator(CHART).all_text_contents())
        side = page.locator('[data-testid="stSidebar"]').text_content()
        shown = (body + svg).replace("\u2060", "")
        assert any(literal in side.replace("\u2060", "") for literal in LITERAL[:2]), side
        if name in NAMED_IN_BODY:
            assert any(literal in shown for literal in LITERAL), shown
        if extra.startswith("area="):  # the section was taken, not refused with a notice
            assert 0 == page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]').count()
            assert SECTION in page.locator(".st-key-p_area button").text_content()
    finally:
        page.close()


def test_hovers_and_option_lists_show_hostile_names_as_text(hostile_context) -> None:
    # what only shows on request: a bar's hover label (the section's name), and the sidebar's
    # list of programmes (the hostile title among them)
    from benchmarks.bench_browser import open_filter

    page = hostile_context.new_page()
    asked: list[str] = []
    page.route("**/*", lambda route: (asked.append(route.request.url), route.continue_()))
    try:
        open_page(page, f"/?prog={HOSTILE_ID}&areas=section&area=all")
        wait_chart(page)
        page.locator(f"{CHART} .bars .point path").first.hover(force=True)
        hover = page.locator(".hoverlayer .hovertext")
        hover.first.wait_for(state="attached")
        assert "**đậm**" in " ".join(hover.all_text_contents())
        assert [] == page.evaluate(RENDERED)

        open_filter(page, "programme").locator('[data-testid="stSelectbox"]').click()
        options = page.get_by_role("option")
        options.first.wait_for()
        assert any("**đậm**" in text for text in options.all_text_contents())
        assert [] == page.evaluate(RENDERED)
        assert [] == [url for url in asked if urlsplit(url).hostname == EVIL]
    finally:
        page.close()
