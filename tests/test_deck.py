"""The presenter kit: chart catalogue headlines from the documents, the PPTX deck and its CLI."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import duckdb
import pytest
import support_plan_fixture as fx
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from qr_codes import decode

from plans import db, settings
from plans.__main__ import main
from plans.present.deck import build_deck, catalog, deck_info
from plans.present.images import renderer
from plans.present.kit import SUPPORT_KEYS
from plans.present.links import chart_link, printed_link

HN21 = "HN-2021-2025"
HN11 = "HN-2011-2015"
# citations name the documents as people know them (plans.data.sources.document_name)
DOC_000 = "QĐ 4153/QĐ-UBND (17/9/2020)"  # 000_a7359d0e26246081.txt
DOC_001 = "QĐ 4892/QĐ-UBND (29/9/2015)"  # 001_e6b8b6afc59054f7.txt


@pytest.fixture(scope="module")
def decks(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Two decks made with one browser: the CLI's (periods, sections) and a results deck."""
    out = tmp_path_factory.mktemp("deck") / "hn21.pptx"
    calls: list[tuple[float, str]] = []
    with pytest.MonkeyPatch.context() as mp, renderer():
        mp.setattr(settings, "DB_PATH", built_db)
        code = main(
            ["deck", "--programme", HN21, "--charts", "periods,sections", "--out", str(out)]
        )
        con = db.connect(built_db)
        try:
            charts = [c for c in catalog(con, HN11, "vi") if c.key == "results"]
            info = deck_info(con, HN11, "vi", day=date(2026, 11, 23))
        finally:
            con.close()
        results = build_deck(charts, info, progress=lambda f, label: calls.append((f, label)))
    return {
        "code": code,
        "cli": Presentation(str(out)),
        "results": Presentation(io.BytesIO(results)),
        "progress": calls,
    }


def _texts(slide: object) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("programme", "lang", "key", "headline"),
    [
        pytest.param(HN21, "vi", "sections", "Mục III chiếm 50,3% kinh phí (126,3 tỷ đồng)",
                     id="000:284 section III 126.300 of 000:326 250.900 vi"),
        pytest.param(HN21, "en", "sections", "Section III takes 50.3% of the budget (126.3 billion VND)",
                     id="000:284 section III 126.300 en"),
        # real: 268.434 / 202.236 triệu in 2025 prices (CPI chain of data/reference/cpi_vietnam.csv
        # to 2025; 2016-2020 spread evenly over its years, 2021-2025 by the appendix's years)
        pytest.param(HN21, "vi", "periods",
                     "Kinh phí 2021-2025 tăng 53,5% so với 2016-2020 theo giá danh nghĩa; "
                     "theo giá năm 2025: tăng 32,7%",
                     id="000:205 250,9 tỷ vs 001:99 163.400.000.000, CPI 2025"),
        pytest.param(HN21, "vi", "areas", "Lĩnh vực KC4 chiếm 57,7% kinh phí (144,8 tỷ đồng)",
                     id="000 appendix KC4 144.800"),
        pytest.param(HN11, "vi", "results",
                     "Giai đoạn 2011-2015 đạt 71,2% kế hoạch đào tạo nghề; 5/11 chỉ tiêu đạt hoặc vượt kế hoạch",
                     id="001:8 trainees 17.800 71,2%"),
        pytest.param(HN11, "en", "results",
                     "2011-2015 reached 71.2% of the vocational-training plan; 5 of 11 targets met or exceeded",
                     id="001:8 trainees 71.2% en"),
        pytest.param("HN-CNHT-2021", "vi", "timeline", "12 nhiệm vụ trong năm 2021, từ tháng 3 đến tháng 12",
                     id="003 task list 12 tasks"),
    ],
)  # fmt: skip
def test_catalog_headline(con: object, programme: str, lang: str, key: str, headline: str) -> None:
    charts = {c.key: c for c in catalog(con, programme, lang)}  # type: ignore[arg-type]
    assert headline == charts[key].headline


@pytest.mark.parametrize(
    ("programme", "keys"),
    [
        pytest.param(HN21, ["sections", "years", "areas", "periods", "provinces"], id=HN21),
        pytest.param(
            HN11, ["results", "periods", "provinces"], id="HN-2011-2015 results, no lines"
        ),
        pytest.param(
            "HY-2018-2020", ["sections", "years", "areas", "provinces"], id="HY one period"
        ),
        pytest.param("HN-CNHT-2021", ["provinces", "timeline"], id="HN-CNHT-2021 months only"),
    ],
)
def test_catalog_keys(con: object, programme: str, keys: list[str]) -> None:
    assert keys == [c.key for c in catalog(con, programme, "vi")]  # type: ignore[arg-type]


def test_catalog_captions_and_tables(con: object) -> None:
    charts = {c.key: c for c in catalog(con, HN21, "vi")}  # type: ignore[arg-type]
    assert "dòng 266, 276, 284, 302, 314" in charts["sections"].caption
    assert f"Nguồn: {DOC_000}, dòng 266, 276, 284, 302, 314" in charts["sections"].caption
    assert f"{DOC_001}, dòng 5, 99; {DOC_000}, dòng 205" in charts["periods"].caption
    assert ["III", "126.300", "50,3%"] == [
        charts["sections"].table.iloc[2][c] for c in ("Mã", "Kinh phí (triệu đồng)", "Tỷ trọng")
    ]


@pytest.mark.parametrize(
    ("lang", "expected"), [("vi", "23/11/2026"), ("en", "23 Nov 2026")], ids=["vi", "en"]
)
def test_deck_info(con: object, lang: str, expected: str) -> None:
    info = deck_info(con, HN21, lang, day=date(2026, 11, 23))  # type: ignore[arg-type]
    assert expected == info.date
    assert "2021-2025" == info.period
    assert "Hà Nội" == info.province
    expected_sources = {
        "vi": f"Nguồn: {DOC_000}",
        "en": "Source: Decision 4153/QĐ-UBND (17/9/2020)",
    }
    assert expected_sources[lang] == info.sources


def test_cli_deck_slides(decks: dict[str, object]) -> None:
    prs = decks["cli"]
    assert 0 == decks["code"]
    assert 3 == len(prs.slides)  # type: ignore[attr-defined]
    assert 13.333 == round(prs.slide_width.inches, 3)  # type: ignore[attr-defined]
    title, periods, sections = prs.slides  # type: ignore[attr-defined]
    texts = _texts(title)
    assert "Chương trình khuyến công thành phố Hà Nội giai đoạn 2021-2025" in texts
    assert "2021-2025" in texts
    # --charts order: periods first, then sections
    assert (
        "Kinh phí 2021-2025 tăng 53,5% so với 2016-2020 theo giá danh nghĩa; "
        "theo giá năm 2025: tăng 32,7%"
    ) == _texts(periods)[0]
    assert "Mục III chiếm 50,3% kinh phí (126,3 tỷ đồng)" == _texts(sections)[0]
    for slide in (periods, sections):
        kinds = [s.shape_type for s in slide.shapes]
        assert MSO_SHAPE_TYPE.PICTURE in kinds
        footer = _texts(slide)[-1]
        assert DOC_000 in footer and footer.startswith("Nguồn:")
        pic = next(s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
        assert pic.image.blob.startswith(b"\x89PNG")
    assert "DejaVu Sans" == sections.shapes[0].text_frame.paragraphs[0].runs[0].font.name


def test_results_deck(decks: dict[str, object]) -> None:
    prs = decks["results"]
    assert 2 == len(prs.slides)  # type: ignore[attr-defined]
    title, results = prs.slides  # type: ignore[attr-defined]
    assert "23/11/2026" in _texts(title)
    assert _texts(results)[0].startswith("Giai đoạn 2011-2015 đạt 71,2% kế hoạch đào tạo nghề")
    assert DOC_001 in _texts(results)[-1]
    assert [0.5, 1.0] == [f for f, _ in decks["progress"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--programme", HN21, "--charts", "sections,bogus"],
                     "Không có biểu đồ bogus cho HN-2021-2025. Các biểu đồ có: sections, years, "
                     "areas, periods, provinces", id="unknown chart"),
        pytest.param(["--programme", HN11, "--charts", "sections", "--lang", "en"],
                     "No chart sections for HN-2011-2015. The charts available: results, periods, "
                     "provinces", id="chart without data en"),
        pytest.param(["--programme", "XX-1"], "Không có chương trình XX-1.", id="unknown programme"),
    ],
)  # fmt: skip
def test_cli_deck_errors(
    built_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.setattr(settings, "DB_PATH", built_db)
    out = tmp_path / "x.pptx"
    assert 1 == main(["deck", *args, "--out", str(out)])
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_national_provinces_slide_is_one_period_and_one_sentence(national_path) -> None:
    # 63 provinces x 3 periods: the slide shows the latest period (as the page opens) and says
    # which content area most programmes favour, not 63 clauses
    with duckdb.connect(str(national_path), read_only=True) as con:
        shares = db.run(con, "province_shares", boundary="as_issued", provinces=None)
        [chart] = [c for c in catalog(con, "YB-2021-2025", "vi") if c.key == "provinces"]
    latest = shares[shares["period_start"] == 2021]
    tops = latest.loc[latest.groupby("series_label")["share_pct"].idxmax(), "content_area"]
    key, k = tops.value_counts().index[0], int(tops.value_counts().iloc[0])
    assert 63 == len(tops)
    assert f"{k}/63 chương trình giai đoạn 2021-2025 dành tỷ trọng lớn nhất cho {key}" == (
        chart.headline
    )
    assert chart.title.endswith("so sánh tỉnh, giai đoạn 2021-2025")
    assert 63 == len(chart.figure.data[0].y)  # the heatmap: one row per province


def test_deck_info_leaves_out_what_a_document_does_not_print(national_path) -> None:
    # synthetic documents have no number and no date: said to be synthetic, no dangling date
    with duckdb.connect(str(national_path), read_only=True) as con:
        info = deck_info(con, "YB-2021-2025", "vi", day=date(2026, 11, 23))
    assert "Nguồn: dữ liệu tổng hợp (synthetic)" == info.sources


# --- support slides: HN-2021-2025 with the records of tests/support_plan_fixture.py ------------


@pytest.fixture(scope="module")
def support_db(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fx.with_support_records(built_db, tmp_path_factory.mktemp("deck-sup") / "plans.duckdb")


def _support_charts(path: Path, programme: str, lang: str = "vi") -> dict[str, object]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {c.key: c for c in catalog(con, programme, lang)}


@pytest.mark.parametrize(
    ("lang", "key", "headline"),
    [
        # 6 records not cancelled, 17.000 (fx.PAID_HN21) of 50.220 + 50.120 + 50.220 = 11,3%
        pytest.param("vi", "support_years",
                     "6 hồ sơ hỗ trợ, 17 tỷ đồng: bằng 11,3% kinh phí kế hoạch các năm 2021-2023",
                     id="years vi"),
        pytest.param("en", "support_years",
                     "6 support records, 17 billion VND: 11.3% of the planned budget of 2021-2023",
                     id="years en"),
        # KC1 = I.1: 3.000 + 2.500 + 2.000 = 7.500 of 17.000
        pytest.param("vi", "support_areas", "Lĩnh vực KC1 nhận 44,1% kinh phí hỗ trợ (7,5 tỷ đồng)",
                     id="areas"),
        # Bát Tràng: 2.000 + 7.200 = 9.200; the three establishments hold all of it
        pytest.param("vi", "support_top",
                     "3 cơ sở nhận 100,0% kinh phí hỗ trợ; nhiều nhất: HTX Gốm sứ Bát Tràng "
                     "(9,2 tỷ đồng)", id="top"),
    ],
)  # fmt: skip
def test_support_slide_headlines(support_db: Path, lang: str, key: str, headline: str) -> None:
    assert headline == _support_charts(support_db, HN21, lang)[key].headline


def test_support_slides_come_last_with_the_records_figures(support_db: Path) -> None:
    charts = _support_charts(support_db, HN21)
    assert ["sections", "years", "areas", "periods", "provinces", *SUPPORT_KEYS] == list(charts)
    bars, plan = charts["support_years"].figure.data
    assert [3000.0, 4500.0, 9500.0, 0.0, 0.0] == list(bars.y)  # line 5's cancelled 9.000 left out
    assert [50220.0, 50120.0, 50220.0, 50120.0, 50220.0] == list(plan.y)
    areas = charts["support_areas"].figure.data[0]
    assert (["KC1", "KC3", "KC4", "—"], [7500.0, 7200.0, 1500.0, 800.0]) == (
        list(areas.x),
        list(areas.y),
    )
    top = charts["support_top"].figure.data[0]
    assert [9200.0, 6300.0, 1500.0] == list(top.x)
    year_2022 = charts["support_years"].table.iloc[1]
    assert ["2022", "2", "1", "4.500", "50.120", "9,0%"] == list(year_2022)
    assert f"Nguồn: danh sách hỗ trợ cơ sở đã nhập ({fx.FILE}); kế hoạch: {DOC_000}" in (
        charts["support_years"].caption
    )


def test_no_support_slides_without_records(con: object, support_db: Path) -> None:
    seed = {c.key for c in catalog(con, HN21, "vi")}  # type: ignore[arg-type]
    assert set() == seed & set(SUPPORT_KEYS)
    # HY-2018-2020 has no record in the copy either
    assert set() == set(_support_charts(support_db, "HY-2018-2020")) & set(SUPPORT_KEYS)
    # HN-2016-2020's one record (line 9): slides, said to have no yearly plan
    older = _support_charts(support_db, "HN-2016-2020")
    headline = (
        "1 hồ sơ hỗ trợ cơ sở, tổng 600 triệu đồng (2019); kế hoạch không ghi kinh phí từng năm"
    )
    assert headline == older["support_years"].headline


def test_support_slides_in_the_deck(support_db: Path) -> None:
    charts = _support_charts(support_db, HN21)
    with duckdb.connect(str(support_db), read_only=True) as con:
        info = deck_info(con, HN21, "vi", day=date(2026, 12, 2))
    prs = Presentation(io.BytesIO(build_deck([charts[k] for k in SUPPORT_KEYS], info)))
    assert 4 == len(prs.slides)
    for slide, key in zip(list(prs.slides)[1:], SUPPORT_KEYS, strict=True):
        texts = _texts(slide)
        assert charts[key].headline == texts[0]  # type: ignore[attr-defined]
        assert fx.FILE in texts[-1] and texts[-1].startswith("Nguồn:")
        assert MSO_SHAPE_TYPE.PICTURE in [s.shape_type for s in slide.shapes]


def test_cli_says_why_a_programme_has_no_support_slides(
    built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setattr(settings, "DB_PATH", built_db)
    out = tmp_path / "x.pptx"
    assert 1 == main(["deck", "--programme", HN11, "--charts", "support_years", "--out", str(out)])
    assert (
        "Không có biểu đồ support_years cho HN-2011-2015. Các biểu đồ có: results, periods, "
        "provinces HN-2011-2015 chưa có hồ sơ hỗ trợ cơ sở nào (chưa hủy) nên không có trang "
        "hỗ trợ."
    ) in capsys.readouterr().err
    assert not out.exists()


# --- QR codes: each chart slide opens its chart on the public dashboard (plans.present.links) --

BASE = "https://khuyencong.example.vn"


@pytest.fixture(scope="module")
def qr_decks(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Every chart of HN-2021-2025 with a public address and a reader's filters; the CLI's deck
    with PLANS_PUBLIC_URL set; a deck without it."""
    out = tmp_path_factory.mktemp("qr") / "cli.pptx"
    view = {"lang": "vi", "bounds": "current", "prov": "Hà Nội", "prog": HN21,
            "areas": "section", "area": "all", "y0": "2021", "y1": "2025"}  # fmt: skip
    with pytest.MonkeyPatch.context() as mp, renderer():
        mp.setattr(settings, "DB_PATH", built_db)
        con = db.connect(built_db, read_only=True)
        try:
            charts = catalog(con, HN21, "vi")
            info = deck_info(con, HN21, "vi", day=date(2026, 11, 23))
        finally:
            con.close()
        full = build_deck(charts, info, public_url=BASE + "/", params=view)
        mp.setattr(settings, "PUBLIC_URL", "")
        bare = build_deck(charts[:2], info)  # the setting's default: no address
        mp.setattr(settings, "PUBLIC_URL", BASE)
        code = main(["deck", "--programme", HN11, "--charts", "results", "--out", str(out)])
    return {
        "charts": charts,
        "view": view,
        "full": Presentation(io.BytesIO(full)),
        "bare": Presentation(io.BytesIO(bare)),
        "cli": Presentation(str(out)),
        "code": code,
    }


def _codes(slide: object, tmp_path: Path) -> dict[str, object]:
    """The slide's pictures by what zbarimg reads in them: {link: picture, "": the others}."""
    found: dict[str, object] = {}
    for i, shape in enumerate(slide.shapes):  # type: ignore[attr-defined]
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
            png = tmp_path / f"picture-{i}.png"
            png.write_bytes(shape.image.blob)
            for link in decode(png) or [""]:
                found[link] = shape
    return found


def test_every_chart_slide_has_the_qr_code_of_its_chart(qr_decks, tmp_path: Path) -> None:
    prs, charts = qr_decks["full"], qr_decks["charts"]
    assert {"sections", "years", "areas", "periods", "provinces"} <= {c.key for c in charts}
    for slide, chart in zip(list(prs.slides)[1:], charts, strict=True):
        link = chart_link(BASE, chart.key, qr_decks["view"])
        codes = _codes(slide, tmp_path)
        assert {link, ""} == set(codes), chart.key  # the code and the chart's own picture
        texts = [text.replace("\n", "") for text in _texts(slide)]
        assert printed_link(link) in texts
        assert "Quét để xem trên điện thoại" in texts
        assert chart.headline == texts[0] and texts[-1].startswith("Nguồn:")
        # in the corner: right of the chart's picture, above the footer, inside the slide
        code, picture = codes[link], codes[""]
        assert code.left >= picture.left + picture.width
        assert code.left + code.width <= prs.slide_width
        footer = [s for s in slide.shapes if s.has_text_frame][-1]
        printed = next(s for s in slide.shapes if s.has_text_frame and
                       s.text_frame.text.replace("\n", "") == printed_link(link))  # fmt: skip
        assert code.top + code.height <= printed.top
        assert printed.top + printed.height <= footer.top
        assert printed.left >= picture.left + picture.width


def test_the_cli_deck_opens_the_programme_in_its_language(qr_decks, tmp_path: Path) -> None:
    assert 0 == qr_decks["code"]
    [slide] = list(qr_decks["cli"].slides)[1:]
    link = chart_link(BASE, "results", {"lang": "vi", "prog": HN11})
    assert {link, ""} == set(_codes(slide, tmp_path))
    assert f"{BASE}/targets?lang=vi&prog={HN11}&view=pct" == link


def test_no_code_and_no_link_without_a_public_address(qr_decks, tmp_path: Path) -> None:
    for slide in list(qr_decks["bare"].slides)[1:]:
        assert {""} == set(_codes(slide, tmp_path))
        assert 1 == [s.shape_type for s in slide.shapes].count(MSO_SHAPE_TYPE.PICTURE)
        texts = " ".join(_texts(slide))
        assert "khuyencong" not in texts and "Quét" not in texts
        assert 3 == len(slide.shapes)  # headline, picture, footer: as before the codes
