"""Funding sources: the nguon_von column read, stored per line, reconciled, shared and drawn."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from apptest import chart_table, open_app, open_tab

from plans import db, settings
from plans.charts.budget import (
    FUNDING_COLOURS,
    funding_share_bars,
    province_funding_bars,
    states_sources,
)
from plans.data import imports, templates

PROGRAMME = "HN-2026-2027"
HEADER = [
    "tinh", "ten_chuong_trinh", "nam_bat_dau", "nam_ket_thuc", "muc", "ten_muc", "ma_nhiem_vu",
    "nhiem_vu", "dvt", "linh_vuc", "kinh_phi_2026", "kinh_phi_2027", "tong_kinh_phi", "nguon_von",
]  # fmt: skip
META = ["Hà Nội", "Chương trình khuyến công thử 2026-2027", "2026", "2027"]


def plan_rows() -> list[list[str]]:
    """A plan whose task I.1 has a row per source, with a TỔNG per source (row n = index + 1).

    Hand sums: trung_uong 300 + 300 = 600, doi_ung 100 + 100 = 200, dia_phuong 200 + 200 = 400,
    not stated 50 + 50 = 100; all 1.300. The TỔNG of đối ứng says 250 (row 9): a finding.
    """
    return [
        HEADER,
        [*META, "I", "Đào tạo", "", "", "", "", "", "", "", ""],  # row 2
        [*META, "I", "", "1", "Đào tạo nghề", "lớp", "KC1", "300", "300", "600", "Khuyến công quốc gia"],
        [*META, "I", "", "1", "Đào tạo nghề", "lớp", "KC1", "100", "100", "200", "Vốn đối ứng của cơ sở"],
        [*META, "I", "", "2", "Tập huấn", "lớp", "KC1", "50", "50", "100", ""],  # row 5
        [*META, "II", "Trình diễn", "", "", "", "", "", "", "", ""],
        [*META, "II", "", "1", "Mô hình trình diễn", "mô hình", "KC2", "200", "200", "400", "ngân sách tỉnh"],
        [*META, "TỔNG", "", "", "", "", "", "300", "300", "600", "khuyến công quốc gia"],  # row 8
        [*META, "TỔNG", "", "", "", "", "", "100", "100", "250", "đối ứng"],  # row 9
        [*META, "TỔNG", "", "", "", "", "", "650", "650", "1.300", ""],  # row 10
    ]  # fmt: skip


@pytest.fixture()
def place(tmp_path: Path, built_db: Path) -> dict[str, Path]:
    """A private database (a copy of the session one) and an empty imports folder."""
    path = tmp_path / "plans.duckdb"
    shutil.copy(built_db, path)
    return {"db": path, "imports": tmp_path / "imports"}


@pytest.fixture()
def imported(place: dict[str, Path]) -> dict[str, Path]:
    """The plan above imported into the private database."""
    data = templates.to_csv(plan_rows())
    staged = imports.validate("nguon_von.csv", data, imports_dir=place["imports"])
    assert [] == staged.errors, staged.report("en")
    imports.commit(staged, data, "Nguyễn Văn A", db_path=place["db"], imports_dir=place["imports"])
    return place


@pytest.fixture()
def con(imported: dict[str, Path]) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = db.connect(imported["db"], read_only=True)
    yield connection
    connection.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- reading nguon_von -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Khuyến công quốc gia", "trung_uong"),
        ("Ngân sách trung ương", "trung_uong"),
        ("Nguồn kinh phí khuyến công quốc gia", "trung_uong"),
        ("KCQG", "trung_uong"),
        ("khuyến công địa phương", "dia_phuong"),
        ("Ngân sách tỉnh/thành phố", "dia_phuong"),
        ("ngân sách thành phố", "dia_phuong"),
        ("Đối ứng", "doi_ung"),
        ("Vốn đối ứng của cơ sở", "doi_ung"),
        ("vốn đối ứng của doanh nghiệp", "doi_ung"),
        ("Khác", "khac"),
        ("Nguồn khác", "khac"),
        ("nguồn vốn khác", "khac"),
        ("trung_uong", "trung_uong"),
        ("", ""),
        ("quỹ ABC", None),
        ("ngân sách", None),
    ],
)
def test_the_words_officials_write_give_the_funding_source(written: str, code: str | None) -> None:
    assert code == imports.funding_code(written)


def test_nguon_von_is_a_template_column_with_its_meaning_and_aliases() -> None:
    assert "nguon_von" in imports.COLUMNS
    assert imports.column_meaning("nguon_von", "vi").startswith("Nguồn kinh phí của dòng")
    assert imports.column_meaning("nguon_von", "en").startswith("Funding source of the row")
    mapping = imports.suggest_mapping(["Nguồn vốn", "Nguồn kinh phí"], "plan")
    assert {"Nguồn vốn": "nguon_von", "Nguồn kinh phí": "nguon_von"} == mapping
    assert "nguon_von" == templates.plan_rows()[0][-1]  # the template offers it, empty below


def test_a_task_on_two_rows_with_two_sources_is_one_task_with_a_line_per_source(place) -> None:
    staged = imports.validate(
        "nguon_von.csv", templates.to_csv(plan_rows()), imports_dir=place["imports"]
    )
    assert [] == staged.errors
    tasks = staged.tables["tasks"]
    assert ["I.1", "I.2", "II.1"] == [t["task_code"] for t in tasks]
    assert "3;4" == tasks[0]["source_lines"]  # both rows cited
    lines = [
        (a["task_code"], a["year"], a.get("funding_source", ""), a["amount_mvnd"])
        for a in staged.tables["budget_amounts"]
    ]
    assert [
        ("I.1", 2026, "trung_uong", 300.0),
        ("I.1", 2027, "trung_uong", 300.0),
        ("I.1", 2026, "doi_ung", 100.0),
        ("I.1", 2027, "doi_ung", 100.0),
        ("I.2", 2026, "", 50.0),
        ("I.2", 2027, "", 50.0),
        ("II.1", 2026, "dia_phuong", 200.0),
        ("II.1", 2027, "dia_phuong", 200.0),
    ] == lines
    grand = [
        (t["source_line"], t["year"], t.get("funding_source", ""), t["stated_value"])
        for t in staged.tables["stated_totals"]
        if t["scope"] == "grand"
    ]
    assert [
        ("8", 2026, "trung_uong", 300.0),
        ("8", 2027, "trung_uong", 300.0),
        ("8", "", "trung_uong", 600.0),
        ("9", 2026, "doi_ung", 100.0),
        ("9", 2027, "doi_ung", 100.0),
        ("9", "", "doi_ung", 250.0),
        ("10", 2026, "", 650.0),
        ("10", 2027, "", 650.0),
        ("10", "", "", 1300.0),
    ] == grand
    # only the đối ứng TỔNG does not add up (row 9: 250 against 100 + 100)
    differs = [p for p in staged.warnings if p.key == "import.total_differs"]
    assert [9] == [p.row for p in differs]


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        pytest.param(
            3, 13, "quỹ ABC",
            "dòng 4, cột nguon_von: Không rõ nguồn kinh phí 'quỹ ABC'",
            id="unknown words",
        ),
        pytest.param(
            3, 13, "ngân sách trung ương",
            "dòng 4, cột nguon_von: Nhiệm vụ 'I.1' đã có một dòng nguồn 'ngân sách trung ương' ở dòng 3",
            id="the same source twice",
        ),
        pytest.param(
            3, 13, "",
            "dòng 4, cột ma_nhiem_vu: Nhiệm vụ 'I.1' đã có ở dòng 3",
            id="a second row without a source is a duplicate task",
        ),
    ],
)  # fmt: skip
def test_bad_funding_rows_are_refused_naming_row_and_column(
    place, row: int, column: int, value: str, message: str
) -> None:
    rows = plan_rows()
    rows[row][column] = value
    before = digest(place["db"])
    data = templates.to_csv(rows)
    staged = imports.validate("nguon_von.csv", data, imports_dir=place["imports"])
    assert {} == staged.tables  # nothing to store
    assert any(p.message("vi").startswith(message) for p in staged.errors), staged.report("vi")
    with pytest.raises(ValueError):
        imports.commit(staged, data, "A", db_path=place["db"], imports_dir=place["imports"])
    assert before == digest(place["db"])


# --- what is stored and reconciled ---------------------------------------------------------


def test_the_stored_lines_carry_their_source_and_the_seed_lines_none(con) -> None:
    rows = con.execute(
        "select task_code, year, funding_source, amount_mvnd from budget_lines "
        "where programme_id = $p order by task_code, year, funding_source",
        {"p": PROGRAMME},
    ).fetchall()
    assert [
        ("I.1", 2026, "doi_ung", 100.0),
        ("I.1", 2026, "trung_uong", 300.0),
        ("I.1", 2027, "doi_ung", 100.0),
        ("I.1", 2027, "trung_uong", 300.0),
        ("I.2", 2026, None, 50.0),
        ("I.2", 2027, None, 50.0),
        ("II.1", 2026, "dia_phuong", 200.0),
        ("II.1", 2027, "dia_phuong", 200.0),
    ] == rows
    # data/: the appendices name one source for the whole table (000:264 "từ nguồn ngân sách
    # thành phố"), no line states its own
    seeds = con.execute(
        "select count(*), count(funding_source) from budget_lines where programme_id <> $p",
        {"p": PROGRAMME},
    ).fetchone()
    assert (186, 0) == seeds
    # the programme's stated total is the TỔNG of all sources (row 10), not a source's (8, 9)
    stated = con.execute(
        "select stated_total_mvnd from programmes where programme_id = $p", {"p": PROGRAMME}
    ).fetchone()
    assert (1300.0,) == stated


def test_a_total_per_source_is_reconciled_with_the_lines_of_that_source(con) -> None:
    checks = con.execute(
        "select location, parts_basis, status, computed_value from total_checks "
        "where programme_id = $p and scope in ('task', 'grand') and year is null "
        "order by csv_line, parts_basis",
        {"p": PROGRAMME},
    ).fetchall()
    assert [
        ("Mục I, nhiệm vụ I.1, cột Tổng cộng, nguồn khuyến công quốc gia", "lines", "ok", 600.0),
        ("Mục I, nhiệm vụ I.1, cột Tổng cộng, nguồn đối ứng của cơ sở", "lines", "ok", 200.0),
        ("Mục I, nhiệm vụ I.2, cột Tổng cộng", "lines", "ok", 100.0),
        (
            "Mục II, nhiệm vụ II.1, cột Tổng cộng, nguồn khuyến công địa phương",
            "lines",
            "ok",
            400.0,
        ),
        ("Dòng Tổng cộng, cột Tổng cộng, nguồn khuyến công quốc gia", "lines", "ok", 600.0),
        (
            "Dòng Tổng cộng, cột Tổng cộng, nguồn khuyến công quốc gia",
            "stated_parts",
            "ok",
            600.0,
        ),
        ("Dòng Tổng cộng, cột Tổng cộng, nguồn đối ứng của cơ sở", "lines", "differs", 200.0),
        (
            "Dòng Tổng cộng, cột Tổng cộng, nguồn đối ứng của cơ sở",
            "stated_parts",
            "differs",
            200.0,
        ),
        ("Dòng Tổng cộng, cột Tổng cộng", "lines", "ok", 1300.0),
        ("Dòng Tổng cộng, cột Tổng cộng", "stated_parts", "ok", 1300.0),
    ] == checks
    findings = con.execute(
        "select location_en, stated_value, computed_value, source_line from reconciliation "
        "where programme_id = $p order by kind",
        {"p": PROGRAMME},
    ).fetchall()
    assert [
        ("Total row, total column, establishments' own contribution", 250.0, 200.0, "9"),
        ("Total row, total column, establishments' own contribution", 250.0, 200.0, "9"),
    ] == findings


def test_the_shares_by_source_add_up_to_100_with_not_stated_as_a_row(con) -> None:
    shares = db.run(con, "funding_shares", programme_id=PROGRAMME, year_from=None, year_to=None)
    got = [
        (None if s != s else s, a, round(p, 6), n)
        for s, a, p, n in shares[["funding_source", "amount_mvnd", "share_pct", "n_lines"]]
        .astype(object)
        .itertuples(index=False)
    ]
    assert [
        ("trung_uong", 600.0, round(100 * 600 / 1300, 6), 2),  # 46,153846 %
        ("dia_phuong", 400.0, round(100 * 400 / 1300, 6), 2),
        ("doi_ung", 200.0, round(100 * 200 / 1300, 6), 2),
        (None, 100.0, round(100 * 100 / 1300, 6), 2),
    ] == got
    assert 100.0 == pytest.approx(shares["share_pct"].sum())
    assert {6} == set(shares["n_stated_lines"])
    one_year = db.run(con, "funding_shares", programme_id=PROGRAMME, year_from=2027, year_to=2027)
    assert [300.0, 200.0, 100.0, 50.0] == list(one_year["amount_mvnd"])
    seed = db.run(con, "funding_shares", programme_id="HN-2021-2025", year_from=None, year_to=None)
    assert [(100.0, 0)] == list(zip(seed["share_pct"], seed["n_stated_lines"], strict=True))
    assert not states_sources(seed)


def test_the_province_comparison_splits_each_series_by_source(con) -> None:
    shares = db.run(con, "province_funding_shares", boundary="current", provinces=["Hà Nội"])
    mine = shares[shares["series_label"] == "Hà Nội 2026-2027"]
    assert [600.0, 400.0, 200.0, 100.0] == list(mine["amount_mvnd"])
    seed = shares[shares["series_label"] == "Hà Nội 2021-2025"]
    assert [100.0] == list(seed["share_pct"])  # not stated: the whole series
    assert 0 == int(seed["n_stated_lines"].iloc[0])


# --- the chart builders ----------------------------------------------------------------------


def test_funding_share_bars_label_each_source_in_the_readers_numbers() -> None:
    shares = pd.DataFrame(
        {
            "funding_source": ["trung_uong", "doi_ung", None],
            "amount_mvnd": [1500.0, 250.5, 749.5],
            "share_pct": [60.0, 10.02, 29.98],
        }
    )
    fig = funding_share_bars(shares, "Cơ cấu", "vi")
    bar = fig.data[0]
    assert ("Khuyến công quốc gia", "Đối ứng của cơ sở", "Không ghi nguồn") == tuple(bar.y)
    assert (60.0, 10.02, 29.98) == tuple(bar.x)
    assert ("60,0% · 1,5 tỷ đồng", "10,0% · 250,5 triệu đồng", "30,0% · 749,5 triệu đồng") == tuple(
        bar.text
    )
    colours = (FUNDING_COLOURS["trung_uong"], FUNDING_COLOURS["doi_ung"], FUNDING_COLOURS[None])
    assert colours == tuple(bar.marker.color)
    english = funding_share_bars(shares, "Budget", "en").data[0]
    assert "60.0% · 1.5 billion VND" == english.text[0]
    assert "Source not stated" == english.y[2]


def test_province_funding_bars_stack_one_trace_per_source() -> None:
    shares = pd.DataFrame(
        {
            "series_label": ["A 2021-2025", "A 2021-2025", "B 2021-2025"],
            "funding_source": ["dia_phuong", None, None],
            "amount_mvnd": [750.0, 250.0, 100.0],
            "share_pct": [75.0, 25.0, 100.0],
            "summed_from": [None, None, "B, C (old)"],
            "missing_from": [None, None, None],
        }
    )
    fig = province_funding_bars(shares, "Tỷ trọng", "vi")
    assert ["Khuyến công địa phương", "Không ghi nguồn"] == [trace.name for trace in fig.data]
    assert "stack" == fig.layout.barmode
    assert (75.0,) == tuple(fig.data[0].x)
    assert ("25,0%", "100,0%") == tuple(fig.data[1].text)
    assert ("A 2021-2025", "B 2021-2025 · cộng B, C (old) (cũ)") == tuple(fig.data[1].y)


# --- the pages, on a database holding the imported plan ------------------------------------


@pytest.fixture()
def pages_db(imported: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """The dashboard on the private database with the import (caches emptied)."""
    import streamlit as st

    monkeypatch.setattr(settings, "DB_PATH", imported["db"])
    monkeypatch.setattr(settings, "IMPORTS_DIR", imported["imports"])
    st.cache_data.clear()
    st.cache_resource.clear()
    return imported


def _open(page: str, **params: str):
    at = open_app(page, **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def _bars(at, key_index: int = -1) -> dict:
    return json.loads(at.get("plotly_chart")[key_index].proto.spec)


NOT_SPLIT = "Văn bản không ghi nguồn kinh phí theo dòng."


@pytest.mark.usefixtures("pages_db")
def test_overview_shows_the_sources_or_says_the_document_has_none() -> None:
    at = _open("pages/overview.py", prog=PROGRAMME)
    assert "Nguồn kinh phí" in [h.value for h in at.subheader]
    bars = _bars(at)["data"][0]
    assert ["Khuyến công quốc gia", "Khuyến công địa phương", "Đối ứng của cơ sở"] == bars["y"][:3]
    table = chart_table(at, "overview_funding")
    assert ["46,2%", "30,8%", "15,4%", "7,7%"] == list(table["Tỷ trọng"])
    at = _open("pages/overview.py", prog="HN-2021-2025")
    assert NOT_SPLIT in [c.value for c in at.caption]
    assert 1 == len(at.get("plotly_chart"))  # the content-area shares only


@pytest.mark.usefixtures("pages_db")
def test_budget_page_has_a_funding_tab() -> None:
    at = _open("pages/budget.py", prog=PROGRAMME, y0="2026", y1="2027")
    open_tab(at, "budget_view", 3)
    spec = _bars(at)
    assert spec["layout"]["title"]["text"].startswith("Kinh phí HN-2026-2027 theo nguồn")
    assert [600.0 / 13, 400.0 / 13, 200.0 / 13, 100.0 / 13] == pytest.approx(spec["data"][0]["x"])
    at = _open("pages/budget.py", prog=PROGRAMME, y0="2027", y1="2027", lang="en")
    open_tab(at, "budget_view", 3)
    table = chart_table(at, "budget_funding")
    assert ["300", "200", "100", "50"] == list(table["Budget (million VND)"])
    at = _open("pages/budget.py", prog="HN-2021-2025")  # the default is the newest import
    open_tab(at, "budget_view", 3)
    assert [NOT_SPLIT] == [i.value for i in at.info]
    assert not at.get("plotly_chart")


@pytest.mark.usefixtures("pages_db")
def test_province_page_compares_the_sources_of_every_series() -> None:
    at = _open("pages/provinces.py", prov="Hà Nội")
    open_tab(at, "provinces_view", 3)
    spec = _bars(at)
    names = [trace["name"] for trace in spec["data"]]
    assert ["Khuyến công quốc gia", "Khuyến công địa phương", "Đối ứng của cơ sở"] == names[:3]
    assert "Không ghi nguồn" == names[3]
    # the seed programme states no source: its whole bar is "not stated"
    not_stated = spec["data"][3]
    assert {"Hà Nội 2021-2025": 100.0, "Hà Nội 2026-2027": pytest.approx(100 / 13)} == dict(
        zip(not_stated["y"], not_stated["x"], strict=True)
    )
    at = _open("pages/provinces.py", prov="Hưng Yên")
    open_tab(at, "provinces_view", 3)
    assert "Các văn bản được so sánh không ghi nguồn kinh phí theo dòng." in [
        i.value for i in at.info
    ]
    assert not at.get("plotly_chart")


# --- the benchmarks' ports, on lines that state their sources -------------------------------


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("budget_lines", {}),
        ("total_checks", {}),
        ("funding_shares", {"programme_id": PROGRAMME, "year_from": None, "year_to": None}),
        ("funding_shares", {"programme_id": PROGRAMME, "year_from": 2027, "year_to": None}),
        ("province_funding_shares", {"boundary": "current", "provinces": None}),
        ("province_funding_shares", {"boundary": "as_issued", "provinces": ["Hà Nội"]}),
    ],
)
def test_the_pandas_and_sqlite_ports_agree_on_a_plan_with_sources(
    imported: dict[str, Path], tmp_path: Path, name: str, params: dict
) -> None:
    from benchmarks import bench, bench_ports, bench_sqlite

    lite_path = tmp_path / "copy.sqlite"
    bench_sqlite.copy_database(imported["db"], lite_path)
    with db.connect(imported["db"], read_only=True) as duck:
        expected = db.run(duck, name, **params)
        frames = bench_ports.load_frames(duck)
    assert expected["funding_source"].notna().any()  # the sources are there to compare
    lite = bench_sqlite.connect(lite_path)
    try:
        sql, _ = bench_sqlite.sql_for(name)
        got_sqlite = bench_sqlite.run(lite, sql, params)
    finally:
        lite.close()
    assert "ok" == bench.compare(expected, bench_ports.PORTS[name](frames, params))
    assert "ok" == bench.compare(expected, got_sqlite)
