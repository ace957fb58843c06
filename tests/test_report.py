"""The printable report: pages, Vietnamese text, figures from the documents, footer, command line."""

from __future__ import annotations

import re
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
import support_plan_fixture as fx
from qr_codes import decode

from plans import db, settings
from plans.__main__ import main
from plans.charts import base as figures
from plans.charts import tables
from plans.present import images
from plans.present.kit import SUPPORT_KEYS, Chart, DeckInfo
from plans.present.links import chart_link, printed_link
from plans.present.report import build_report

PID = "HN-2021-2025"
SOURCE = "000_a7359d0e26246081.txt"
HEADLINE_SECTIONS = {
    "vi": "Mục III chiếm 50,3% kinh phí của chương trình giai đoạn 2021-2025",
    "en": "Section III takes 50.3% of the 2021-2025 programme's budget",
}
HEADLINE_LINES = {
    "vi": "Kinh phí từng nhiệm vụ theo năm, xếp theo lĩnh vực chung",
    "en": "Every task's budget per year, by common content area",
}
TASK_HEADERS = {
    "vi": {"task_code": "Mã nhiệm vụ", "task_name": "Nhiệm vụ", "year": "Năm"},
    "en": {"task_code": "Task code", "task_name": "Task", "year": "Year"},
}


@pytest.fixture(scope="module", autouse=True)
def one_browser() -> Iterator[None]:
    """One kaleido browser for the whole module (2,5 s to start, 0,2 s per picture)."""
    with images.renderer():
        yield


def _charts(built_db: Path, lang: str) -> list[Chart]:
    """Three charts from the real database: sections, content areas, and a long task table."""
    con = db.connect(built_db, read_only=True)
    try:
        sections = db.run(con, "programme_shares", programme_id=PID, level="section")
        areas = db.run(con, "programme_shares", programme_id=PID, level="content_area")
        lines = db.run(con, "budget_lines")
    finally:
        con.close()
    lines = lines[lines["programme_id"] == PID].sort_values(["content_area", "task_code", "year"])
    share_columns = ["key", "label", "amount_mvnd", "share_pct"]
    caption = {"vi": "Nguồn: ", "en": "Source: "}[lang] + f"{SOURCE} (284-326)"
    return [
        Chart(
            "sections",
            {"vi": "Cơ cấu kinh phí theo mục", "en": "Budget by section"}[lang],
            HEADLINE_SECTIONS[lang],
            caption,
            figures.share_bar(sections, "", lang),
            tables.for_display(sections, share_columns, lang),
        ),
        Chart(
            "areas",
            {"vi": "Kinh phí theo lĩnh vực chung", "en": "Budget by content area"}[lang],
            {"vi": "Lĩnh vực KC4 chiếm 57,7% kinh phí", "en": "Area KC4 takes 57.7%"}[lang],
            caption,
            figures.share_bar(areas, "", lang),
            tables.for_display(areas, share_columns, lang),
        ),
        Chart(
            "lines",
            {"vi": "Kinh phí từng nhiệm vụ", "en": "Budget of every task"}[lang],
            HEADLINE_LINES[lang],
            caption,
            figures.share_bar(areas, "", lang),
            tables.for_display(
                lines,
                ["content_area", "task_code", "task_name", "year", "amount_mvnd"],
                lang,
                TASK_HEADERS[lang],
            ),
        ),
    ]


def _info(lang: str) -> DeckInfo:
    return DeckInfo(
        programme_id=PID,
        title={
            "vi": "Chương trình khuyến công thành phố Hà Nội giai đoạn 2021-2025",
            "en": "Hanoi industrial-extension programme 2021-2025",
        }[lang],
        province="Hà Nội",
        period="2021-2025",
        date="23/11/2026",
        sources={"vi": "Nguồn: ", "en": "Source: "}[lang] + SOURCE,
        lang=lang,
    )


def _pdf_pages(pdf: Path) -> tuple[int, list[str]]:
    """Page count from the PNGs pdftoppm renders, and each page's text from pdftotext."""
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(pdf.with_suffix(""))], check=True)
    pngs = sorted(pdf.parent.glob(pdf.stem + "-*.png"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True).stdout
    pages = text.decode("utf-8").split("\f")[:-1]  # pdftotext ends every page with a form feed
    return len(pngs), [re.sub(r"\s+", " ", page) for page in pages]


@pytest.fixture(scope="module")
def vi_report(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, list[str]]:
    calls: list[tuple[int, int]] = []
    data = build_report(_charts(built_db, "vi"), _info("vi"), progress=lambda *a: calls.append(a))
    assert [(1, 3), (2, 3), (3, 3)] == calls
    pdf = tmp_path_factory.mktemp("report") / "vi.pdf"
    pdf.write_bytes(data)
    return _pdf_pages(pdf)


def test_report_has_cover_chart_pages_and_matching_page_count(vi_report) -> None:
    n_png, pages = vi_report
    assert len(pages) == n_png
    assert n_png >= 5  # cover, two chart pages, the long table over at least two pages
    assert "Chương trình khuyến công thành phố Hà Nội giai đoạn 2021-2025" in pages[0]
    assert "Tài liệu nguồn" in pages[0]
    assert f"Trang 1 / {n_png}" in pages[0]
    assert f"Trang {n_png} / {n_png}" in pages[-1]
    assert all(f"Nguồn: {SOURCE}" in page for page in pages)  # footer on every page


def test_headlines_with_diacritics_are_text(vi_report) -> None:
    text = " ".join(vi_report[1])
    assert HEADLINE_SECTIONS["vi"] in text
    assert HEADLINE_LINES["vi"] in text


@pytest.mark.parametrize(
    "figure",
    [
        pytest.param("126.300", id="000:284 section III 126.300"),
        pytest.param("50,3%", id="000:284/326 section III share 50,3%"),
        pytest.param("31.500", id="000:266 section I 31.500"),
    ],
)
def test_table_figures_from_the_documents(vi_report, figure: str) -> None:
    assert figure in vi_report[1][1]  # the sections chart page


def test_long_table_continues_with_its_header(vi_report) -> None:
    pages = vi_report[1]
    table_pages = [p for p in pages if "I.1" in p or "III.1" in p]
    assert len(table_pages) >= 2
    assert all("Mã nhiệm vụ" in page and "Nhiệm vụ" in page for page in table_pages)


def test_english_report_footer_and_headline(built_db: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "en.pdf"
    pdf.write_bytes(build_report(_charts(built_db, "en")[:2], _info("en")))
    n_png, pages = _pdf_pages(pdf)
    assert 3 == n_png
    assert "Page 1 of 3" in pages[0]
    assert HEADLINE_SECTIONS["en"] in pages[1]
    assert "126,300" in pages[1] and "50.3%" in pages[1]


@pytest.fixture()
def fake_deck(built_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """plans.present.deck is another module's; the command line is tested against a stand-in."""
    deck = types.ModuleType("plans.present.deck")
    deck.catalog = lambda con, pid, lang, price_year=None: _charts(built_db, lang)[:1]
    deck.deck_info = lambda con, pid, lang: _info(lang)
    monkeypatch.setitem(sys.modules, "plans.present.deck", deck)
    monkeypatch.setattr(settings, "DB_PATH", built_db)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--programme", "XX-0000"], "XX-0000", id="unknown programme"),
        pytest.param(["--programme", PID, "--charts", "nope"], "nope", id="unknown chart"),
    ],
)
def test_cli_refuses_unknown_names(fake_deck, capsys, tmp_path: Path, args, message) -> None:
    out = tmp_path / "r.pdf"
    assert 1 == main(["report", *args, "--out", str(out)])
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_cli_writes_the_report(fake_deck, capsys, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    args = ["report", "--programme", PID, "--charts", "sections", "--lang", "en", "--out", str(out)]
    assert 0 == main(args)
    assert out.read_bytes().startswith(b"%PDF")
    n_png, pages = _pdf_pages(out)
    assert 2 == n_png
    assert "Page 2 of 2" in pages[1]


# --- support pages: HN-2021-2025 with the records of tests/support_plan_fixture.py ------------


def test_support_pages_with_their_numbers(built_db: Path, tmp_path: Path) -> None:
    from plans.present.deck import catalog, deck_info

    path = fx.with_support_records(built_db, tmp_path / "plans.duckdb")
    con = db.connect(path, read_only=True)
    try:
        charts = [c for c in catalog(con, PID, "vi") if c.key in SUPPORT_KEYS]
        info = deck_info(con, PID, "vi")
    finally:
        con.close()
    pdf = tmp_path / "support.pdf"
    pdf.write_bytes(build_report(charts, info))
    n_png, pages = _pdf_pages(pdf)
    assert 4 == n_png  # the cover and one page per support chart
    years, areas, top = pages[1:]
    # 17.000 paid of 150.560 planned in 2021-2023 (tests/support_plan_fixture.py)
    assert "6 hồ sơ hỗ trợ, 17 tỷ đồng: bằng 11,3% kinh phí kế hoạch các năm 2021-2023" in years
    # 2022: 2.500 + 2.000 of 50.120 (line 5's cancelled 9.000 counted, never summed)
    assert all(f in years for f in ("4.500", "50.120", "9,0%", "Hồ sơ đã hủy"))
    assert "9.000" not in years
    assert all(f in areas for f in ("KC1", "7.500", "44,1%", "21.000"))
    assert all(f in top for f in ("HTX Gốm sứ Bát Tràng", "9.200", "54,1%"))


def test_cli_says_why_a_programme_has_no_support_page(
    built_db: Path, monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path
) -> None:
    monkeypatch.setattr(settings, "DB_PATH", built_db)  # the seed database: no support records
    out = tmp_path / "r.pdf"
    assert 1 == main(["report", "--programme", PID, "--charts", "support_top", "--out", str(out)])
    assert (
        "HN-2021-2025 chưa có hồ sơ hỗ trợ cơ sở nào (chưa hủy) nên không có trang hỗ trợ."
        in capsys.readouterr().err
    )
    assert not out.exists()


# --- QR codes: each chart page opens its chart on the public dashboard (plans.present.links) ---

BASE = "https://khuyencong.example.vn"


def _page_codes(pdf: Path) -> tuple[list[list[str]], list[str]]:
    """Per page: the QR codes zbarimg reads at 150 dpi (a print scanned), and the page's text
    without whitespace (a printed link wraps over lines)."""
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(pdf), str(pdf.with_suffix(""))], check=True
    )
    pngs = sorted(pdf.parent.glob(pdf.stem + "-*.png"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True).stdout
    pages = [re.sub(r"\s+", "", page) for page in text.decode("utf-8").split("\f")[:-1]]
    return [decode(png) for png in pngs], pages


def test_every_chart_page_has_the_qr_code_of_its_chart(built_db: Path, tmp_path: Path) -> None:
    view = {"lang": "vi", "prov": "Hà Nội,Hưng Yên", "prog": PID, "y0": "2021", "y1": "2025"}
    pdf = tmp_path / "qr.pdf"
    pdf.write_bytes(
        build_report(_charts(built_db, "vi"), _info("vi"), public_url=BASE, params=view)
    )
    codes, pages = _page_codes(pdf)
    sections, areas = (chart_link(BASE, key, view) for key in ("sections", "areas"))
    # cover; sections; areas; the task table's pages ("lines": no page of the dashboard draws it)
    assert [[], [sections], [areas]] == codes[:3]
    assert all([] == found for found in codes[3:]) and len(codes) >= 5
    assert printed_link(sections) in pages[1] and printed_link(areas) in pages[2]
    assert "Hà+Nội,Hưng+Yên" in printed_link(sections)
    assert "Quétđểxemtrênđiệnthoại" in pages[1]
    assert HEADLINE_SECTIONS["vi"].replace(" ", "") in pages[1]  # the code on its chart's page


def test_no_code_and_no_link_without_a_public_address(
    built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "PUBLIC_URL", "")
    pdf = tmp_path / "bare.pdf"
    pdf.write_bytes(build_report(_charts(built_db, "vi")[:1], _info("vi")))
    codes, pages = _page_codes(pdf)
    assert [[], []] == codes
    assert not any("khuyencong" in page or "Quét" in page for page in pages)


def test_cli_report_codes_open_the_programme_in_its_language(
    fake_deck, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(settings, "PUBLIC_URL", BASE)
    out = tmp_path / "r.pdf"
    args = ["report", "--programme", PID, "--charts", "sections", "--lang", "en", "--out", str(out)]
    assert 0 == main(args)
    codes, pages = _page_codes(out)
    assert [[], [f"{BASE}/?lang=en&prog={PID}&areas=section"]] == codes
    assert "Scantoopenonyourphone" in pages[1]
