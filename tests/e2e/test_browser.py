"""End to end in a real browser: every page renders, filters, downloads, links and the import flow.

Debian's Chromium driven by Playwright against `streamlit run` (fixtures in conftest.py). The tests
share one server; the import test changes its database, so it runs last and undoes its import.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from benchmarks.bench_browser import open_filter
from plans.data import templates

# Skipped where Chromium is missing, except under PLANS_REQUIRE_EXPORT_TOOLS=1 (tests/conftest.py).
pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect

ROOT = Path(__file__).resolve().parents[2]
# every page of the dashboard: a new file in pages/ is tested without a change here
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
# pages without a chart on the seed data (support: the documents hold no support records)
NO_CHART = {"sources", "imports", "import_history", "presenter", "support"}
HY = "Chương trình khuyến công địa phương tỉnh Hưng Yên đến năm 2020"
CHART = '[data-testid="stPlotlyChart"] .main-svg'
METRIC = '[data-testid="stMetricValue"]'


def settled(page) -> None:
    """Wait until the page's script has run: a heading shown and the app no longer running."""
    page.locator("h1").first.wait_for(state="visible")
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning"
    )


def open_page(page, path: str) -> None:
    page.goto(path)
    settled(page)


def wait_chart(page) -> None:
    page.locator(CHART).first.wait_for(state="visible", timeout=30_000)


def no_exception(page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_renders_without_exception(e2e_context, lang: str) -> None:
    # all pages at once, one tab each: the server renders them side by side, which is faster
    tabs = {}
    for name in PAGES:
        tabs[name] = e2e_context.new_page()
        path = "/" if name == "overview" else f"/{name}"
        tabs[name].goto(f"{path}?lang={lang}", wait_until="commit")
    failures = []
    for name, page in tabs.items():
        path = "/" if name == "overview" else f"/{name}"
        try:
            settled(page)
            if name not in NO_CHART:
                wait_chart(page)
            # a deep link is not rerouted to the overview once the server is warm
            assert path == re.sub(r"^https?://[^/]+", "", page.url).split("?")[0]
            no_exception(page)
        except AssertionError as error:
            failures.append(f"{name}: {error}")
        finally:
            page.close()
    assert [] == failures


def test_a_crafted_links_parameter_names_show_as_text(tab) -> None:
    # issue 19, 4: unknown parameter names went into the sidebar notice as Markdown, so a link
    # anyone could send showed a working "sign in again" link and fetched a remote image
    asked: list[str] = []
    tab.route("**/*", lambda route: (asked.append(route.request.url), route.continue_()))
    link = "[Đăng nhập lại](https://evil.example/login)"
    image = "![x](https://evil.example/pixel.png)"
    html = "<img src=https://evil.example/tag.png>"
    query = "&".join(f"{quote(name)}=1" for name in (link, image, html))
    open_page(tab, f"/?{query}")
    notice = tab.locator('[data-testid="stSidebar"] [data-testid="stAlert"]')
    expect(notice).to_be_visible()
    # the names as written (an invisible word joiner keeps "https" from becoming a link)
    shown = notice.inner_text().replace("\u2060", "")
    assert all(name in shown for name in (link, image, html)), shown
    assert 0 == notice.locator("a, img").count()
    tab.wait_for_timeout(500)  # an image request would have been made by now
    assert [] == [url for url in asked if urlsplit(url).hostname == "evil.example"]


def test_sidebar_programme_filter_changes_the_chart(tab) -> None:
    open_page(tab, "/")
    wait_chart(tab)
    title = tab.locator(f"{CHART} .gtitle").first
    before = title.text_content()
    # a change while the server finishes a cold first run can reset widgets (upstream race)
    tab.wait_for_timeout(3000)
    programme = tab.locator(".st-key-p_programme button")
    expect(programme).to_have_text(re.compile("Hà Nội giai đoạn 2021-2025"))
    open_filter(tab, "programme").locator('[data-testid="stSelectbox"]').click()
    tab.get_by_role("option", name=HY).click()
    expect(tab.locator(METRIC).first).to_have_text("8,374 tỷ đồng")
    # the filter's button names the new programme (its widget stays open for another change)
    expect(programme).to_have_text(re.compile("Hưng Yên"))
    expect(title).not_to_have_text(before)
    expect(title).to_contain_text("Hưng Yên")
    no_exception(tab)


def download(page, label: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=label, exact=True).click()
    return Path(info.value.path()).read_bytes()


def test_overview_downloads_csv_and_excel(tab) -> None:
    import openpyxl

    open_page(tab, "/")
    wait_chart(tab)
    data = download(tab, "Tải CSV")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert ["Mã", "Nội dung", "Kinh phí (triệu đồng)", "Tỷ trọng"] == rows[0]
    assert len(rows) > 1
    sheet = openpyxl.load_workbook(io.BytesIO(download(tab, "Tải Excel"))).active
    assert ("Mã", "Nội dung", "Kinh phí (triệu đồng)", "Tỷ trọng") == next(
        sheet.iter_rows(max_row=1, values_only=True)
    )
    assert len(rows) == sheet.max_row


def test_presenter_builds_pptx_and_pdf(tab) -> None:
    from pptx import Presentation

    # a programme with two charts: a full deck is the export benchmark's job, not this test's
    open_page(tab, "/presenter?prog=HN-CNHT-2021")
    tab.get_by_role("button", name="Tạo bộ trình chiếu (PPTX)").click()
    deck = Presentation(io.BytesIO(download(tab, "Tải bộ trình chiếu")))
    assert len(deck.slides) > 1
    tab.get_by_role("button", name="Tạo báo cáo (PDF)").click()
    pdf = download(tab, "Tải báo cáo PDF")
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert "Nguồn" in text
    no_exception(tab)


def test_tabs_and_the_folded_table_draw_on_request(tab) -> None:
    open_page(tab, "/budget")
    wait_chart(tab)
    title = tab.locator(f"{CHART} .gtitle").first
    expect(title).to_contain_text("Cơ cấu kinh phí")
    # the data grid is drawn only once its expander opens
    grids = tab.locator('[data-testid="stDataFrame"]')
    expect(grids).to_have_count(0)
    tab.get_by_text("Số liệu của biểu đồ").first.click()
    expect(grids).to_have_count(1)
    # another view: its chart replaces the first one
    tab.get_by_role("tab", name="Theo năm").click()
    expect(title).to_contain_text("Kinh phí theo năm")
    expect(tab.locator('[data-testid="stPlotlyChart"]')).to_have_count(1)
    no_exception(tab)


def test_url_with_filters_reopens_the_same_view(tab) -> None:
    open_page(tab, "/?prog=HY-2018-2020&lang=en&areas=content_area")
    wait_chart(tab)
    expect(tab.locator(METRIC).first).to_have_text("8.374 billion VND")
    sidebar = tab.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_role("radio", name="English")).to_be_checked()
    expect(sidebar.locator(".st-key-p_area button")).to_have_text(re.compile("Content: All"))
    area = open_filter(tab, "area")
    expect(area.get_by_role("radio", name="Common content areas (Decree 45/2012)")).to_be_checked()
    no_exception(tab)


def test_filters_never_opened_survive_a_page_change(tab) -> None:
    # Closed filters are not drawn, so the browser never reports their values; Streamlit
    # forgot them on a page change (the years fell back to one year: an exception box).
    open_page(tab, "/?prog=HY-2018-2020&y0=2016&y1=2020&prov=H%C6%B0ng%20Y%C3%AAn")
    wait_chart(tab)
    nav = tab.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name="Nguồn văn bản").click()
    expect(tab.locator("h1")).to_have_text("Nguồn văn bản")
    nav.get_by_role("link", name="Tổng quan").click()
    wait_chart(tab)
    expect(tab.locator(".st-key-p_years button")).to_have_text(re.compile("Năm: 2016–2020"))
    expect(tab.locator(".st-key-p_provinces button")).to_have_text(re.compile("Tỉnh: Hưng Yên"))
    expect(tab.locator(METRIC).first).to_have_text("8,374 tỷ đồng")
    assert "y0=2016&y1=2020" in tab.url
    no_exception(tab)


def test_a_fresh_servers_first_visitor_lands_on_the_linked_page(e2e_browser, fresh_server) -> None:
    # Until one session has run st.navigation, Streamlit runs a linked pages/ file alone (its
    # legacy pages/ mode): the first visitor after a restart went to the overview instead.
    context = e2e_browser.new_context(
        base_url=fresh_server.url, viewport={"width": 1400, "height": 1000}
    )
    context.set_default_timeout(60_000)
    try:
        page = context.new_page()
        open_page(page, "/budget?prog=HY-2018-2020&lang=en&areas=content_area")
        wait_chart(page)
        assert "/budget" == re.sub(r"^https?://[^/]+", "", page.url).split("?")[0]
        expect(page.locator("h1").first).to_have_text("Budget allocation")
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar.get_by_role("radio", name="English")).to_be_checked()
        area = open_filter(page, "area")
        expect(
            area.get_by_role("radio", name="Common content areas (Decree 45/2012)")
        ).to_be_checked()
        assert "prog=HY-2018-2020" in page.url
        no_exception(page)
    finally:
        context.close()


def sign_in(page, editor: tuple[str, str]) -> None:
    """Sign in with the editor configured on the server (plans.app.auth_ui's form)."""
    page.get_by_label("Tên người biên tập").fill(editor[0])
    page.get_by_label("Mật khẩu").fill(editor[1])
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.get_by_text(f"Đang đăng nhập: {editor[0]}")).to_be_visible()


def test_import_template_then_remove_it(tab, editor: tuple[str, str], tmp_path: Path) -> None:
    upload = tmp_path / "mau_ke_hoach.csv"
    upload.write_bytes(templates.to_csv(templates.plan_rows("HY-2018-2020")))
    open_page(tab, "/imports")
    # issue 19: only a signed-in editor is offered the uploader
    expect(tab.locator('input[type="file"]')).to_have_count(0)
    sign_in(tab, editor)
    tab.locator('input[type="file"]').set_input_files(upload)
    tab.get_by_text("Xác nhận", exact=True).wait_for(timeout=60_000)
    confirm = tab.get_by_role("button", name="Xác nhận nhập vào cơ sở dữ liệu")
    expect(confirm).to_be_enabled(timeout=60_000)
    confirm.click()
    done = tab.get_by_text(re.compile(r"Đã nhập: lần nhập \d{4}-[0-9a-f]{8}, chương trình "))
    expect(done).to_be_visible(timeout=60_000)
    import_id = re.search(r"\d{4}-[0-9a-f]{8}", done.text_content()).group()
    assert "HY-2018-2020-2" in done.text_content()

    # the new programme is in the sidebar list of every page (shown by its title)
    open_filter(tab, "programme").locator('[data-testid="stSelectbox"]').click()
    expect(tab.get_by_role("option", name=HY)).to_have_count(2)
    tab.keyboard.press("Escape")
    tab.keyboard.press("Escape")  # the list, then the filter

    # by the sidebar link, not the URL: a new page load is a new session, signed out
    nav = tab.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name="Lịch sử nhập").click()
    expect(tab.locator("h1")).to_have_text("Lịch sử nhập")
    sure = tab.get_by_text(f"gỡ lần nhập {import_id} sẽ xóa chương trình HY-2018-2020-2")
    expect(sure).to_be_visible()
    sure.click()
    remove = tab.get_by_role("button", name="Gỡ lần nhập", exact=True)
    expect(remove).to_be_enabled()
    remove.click()
    expect(tab.get_by_text(f"Đã gỡ lần nhập {import_id}.")).to_be_visible(timeout=60_000)
    expect(tab.get_by_text("Chưa có lần nhập nào.")).to_be_visible()
    no_exception(tab)


def test_import_a_support_file_see_it_on_the_support_page_then_remove_it(
    tab, editor: tuple[str, str], tmp_path: Path
) -> None:
    # the golden support file (tests/support_fixture.py): its identity decisions in the
    # preview, then the support page on its records, then the removal leaves the page empty
    import support_fixture as fx

    upload = tmp_path / "ho_tro_2024_2025.csv"
    upload.write_bytes(fx.to_csv(fx.table()))
    open_page(tab, "/imports")
    sign_in(tab, editor)  # only a signed-in editor is offered the uploader
    tab.locator('input[type="file"]').set_input_files(upload)
    tab.get_by_text("Xác nhận", exact=True).wait_for(timeout=60_000)
    # the identity decisions (rows 20, 21, 22: a grid drawn on a canvas, its words tested in
    # tests/test_support_golden.py) under their heading
    expect(tab.get_by_text("Cơ sở được nhận là cùng một cơ sở")).to_be_visible()
    confirm = tab.get_by_role("button", name="Xác nhận nhập vào cơ sở dữ liệu")
    expect(confirm).to_be_enabled(timeout=60_000)
    confirm.click()
    done = tab.get_by_text(re.compile(r"Đã nhập: lần nhập \d{4}-[0-9a-f]{8}, chương trình "))
    expect(done).to_be_visible(timeout=120_000)
    import_id = re.search(r"\d{4}-[0-9a-f]{8}", done.text_content()).group()

    nav = tab.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name="Hỗ trợ cơ sở").click()
    expect(tab.locator("h1")).to_have_text("Hỗ trợ cơ sở")
    wait_chart(tab)
    # 36 records counted (row 23 cancelled), 30 establishments, 4.773 triệu, 574 beneficiaries
    expect(tab.locator(METRIC)).to_have_text(["36", "30", "4,8", "574"])
    expect(tab.get_by_text(f"Nguồn: {upload.name} (hồ sơ hỗ trợ đã nhập)")).to_be_visible()
    no_exception(tab)

    nav.get_by_role("link", name="Lịch sử nhập").click()
    expect(tab.locator("h1")).to_have_text("Lịch sử nhập")
    sure = tab.get_by_text(re.compile(f"gỡ lần nhập {import_id}"))
    expect(sure).to_be_visible()
    sure.click()
    remove = tab.get_by_role("button", name="Gỡ lần nhập", exact=True)
    expect(remove).to_be_enabled()
    remove.click()
    expect(tab.get_by_text(f"Đã gỡ lần nhập {import_id}.")).to_be_visible(timeout=120_000)
    nav.get_by_role("link", name="Hỗ trợ cơ sở").click()
    expect(tab.locator("h1")).to_have_text("Hỗ trợ cơ sở")
    expect(tab.locator(METRIC)).to_have_count(0)
    no_exception(tab)


def test_readers_see_no_developer_options(e2e_context) -> None:
    # .streamlit/config.toml: toolbarMode "viewer" — no Deploy button, no rerun or clear-cache.
    page = e2e_context.new_page()
    open_page(page, "/")
    wait_chart(page)
    expect(page.locator('[data-testid="stAppDeployButton"]')).to_have_count(0)
    menu = page.locator('[data-testid="stMainMenu"]')
    if menu.count():
        menu.first.click()
        popover = page.locator('[data-testid="stMainMenuPopover"]')
        expect(popover).to_be_visible()
        expect(popover.get_by_text(re.compile("Rerun|Clear cache"))).to_have_count(0)
        page.keyboard.press("Escape")
    page.close()
