"""Yearly execution from a results report: allocated and disbursed per year and section against
the plan, the document's own rates checked, outputs per year, the pages' new views."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from apptest import chart_table, open_app, open_tab

from benchmarks import bench, bench_ports, bench_sqlite
from plans import db, settings
from plans.charts.budget import execution_chart, execution_data, execution_note
from plans.charts.targets import output_rows, outputs_year_chart, with_year_labels
from plans.data import imports, templates
from plans.data.build import build
from plans.escape import markdown_literal

HN = "HN-2021-2025"  # 000's plan: yearly budget lines per section (000:266-326)
FILE = "thuc_hien_2021_2024.csv"
# The columns as a province's report heads them (mapped by imports.suggest_mapping).
HEADER = [
    "Mã chương trình", "Năm", "Mục", "Chỉ tiêu", "ĐVT", "Đạt được", "Tỷ lệ", "Mục tiêu",
    "Kế hoạch vốn giao (triệu đồng)", "Giải ngân (triệu đồng)", "Tỷ lệ giải ngân (%)",
]  # fmt: skip


def money_row(year: str, section: str, allocated: str, disbursed: str, pct: str) -> list[str]:
    return [HN, year, section, "", "", "", "", "", allocated, disbursed, pct]


def output_row(year: str, achieved: str, pct: str, target: str) -> list[str]:
    return [HN, year, "", "Lớp truyền nghề", "lớp", achieved, pct, target, "", "", ""]


# A test fixture, not a real report: sections I and III of HN-2021-2025 in 2021-2024.
# The plan (budget_lines of 000): section I 6.300 every year; section III 25.300 (2021, 2023,
# 2025) and 25.200 (2022, 2024); I + III = 31.600 / 31.500 a year, 157.800 over 2021-2025, of
# the programme's 250.900 (000:326).
ROWS = [
    HEADER,
    money_row("2021", "I", "6.000", "5.400", "90"),  # 5.400 / 6.000 = 90%
    money_row("2021", "III", "24.000", "21,6 tỷ đồng", "90"),  # 21.600 / 24.000 = 90%
    money_row("2022", "I", "6.300", "6.048", "96"),  # 96%
    money_row("2022", "III", "25.200", "22.680", "90"),  # 90%
    money_row("2023", "I", "6.300", "5.670", "90"),  # 90%
    money_row("2023", "III", "25.000", "23.750", "97,5"),  # 95%, not 97,5%: a finding (row 7)
    money_row("2024", "I", "6.000", "4.500", "75"),  # 75%
    money_row("2024", "III", "25.200", "20.160", "80,0"),  # 80%
    output_row("2021", "60", "100%", "60"),
    output_row("2022", "62", "103,3%", "60"),
    output_row("2023", "58", "96,7%", "60"),
    output_row("2024", "65", "108,3%", "60"),
    # the report's "lũy kế" row: no year, the period's target (000:267: 300 lớp)
    output_row("", "245", "81,7%", "300"),
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def validate(place: dict[str, Path], rows: list[list[str]], name: str = FILE) -> imports.Staged:
    data = templates.to_csv(rows)
    mapping = imports.suggest_mapping(rows[0], "results")
    return imports.validate(
        name, data, mapping=mapping, imports_dir=place["imports"], db_path=place["db"]
    )


@pytest.fixture(scope="module")
def place(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """A copy of the seed database with the fixture report imported (incrementally)."""
    folder = tmp_path_factory.mktemp("execution")
    where = {"db": folder / "plans.duckdb", "imports": folder / "imports", "dir": folder}
    shutil.copy(built_db, where["db"])
    staged = validate(where, ROWS)
    assert [] == [p.message("en") for p in staged.errors]
    where["staged_warnings"] = staged.warnings  # type: ignore[assignment]
    where["summary"] = staged.summary("vi")  # type: ignore[assignment]
    imports.commit(
        staged, templates.to_csv(ROWS), "test", db_path=where["db"], imports_dir=where["imports"]
    )
    yield where


@pytest.fixture()
def con(place: dict[str, Path]):
    connection = db.connect(place["db"], read_only=True)
    yield connection
    connection.close()


# --- reading the report --------------------------------------------------------------------


def test_officials_headers_map_to_the_template_columns_with_their_unit() -> None:
    mapping = imports.suggest_mapping(HEADER, "results")
    assert "nam" == mapping["Năm"]
    assert "muc" == mapping["Mục"]
    assert "von_giao (triệu đồng)" == mapping["Kế hoạch vốn giao (triệu đồng)"]
    assert "giai_ngan (triệu đồng)" == mapping["Giải ngân (triệu đồng)"]
    assert "ty_le_giai_ngan_ghi" == mapping["Tỷ lệ giải ngân (%)"]
    assert (
        "giai_ngan (tỷ đồng)"
        == imports.suggest_mapping(["Giải ngân (tỷ đồng)"], "results")["Giải ngân (tỷ đồng)"]
    )


def test_a_stated_rate_that_does_not_follow_is_a_warning_in_the_users_words(place) -> None:
    warnings = place["staged_warnings"]
    assert [("execution.pct_differs", 7, "Tỷ lệ giải ngân (%)")] == [
        (p.key, p.row, p.column) for p in warnings
    ]
    assert (
        "Tỷ lệ giải ngân ghi 97,5% không khớp với giải ngân / vốn giao (23.750 / 25.000 = "
        "95,00%), kể cả khi làm tròn theo số chữ số đã ghi." == warnings[0].text("vi")
    )
    assert "(23.750 / 25.000 = 95.00%)" in warnings[0].text("en")
    # 8 rows of two figures each; 8 rates stated
    assert "  Thực hiện vốn theo năm: 16 số liệu (2021–2024), 8 tỷ lệ giải ngân ghi trong tệp" in (
        place["summary"].splitlines()
    )


def test_the_stored_rows_say_what_was_written(con) -> None:
    rows = con.execute(
        "select year, section_code, measure, printed_text, amount_mvnd, precision, source_line "
        "from budget_execution where source_file = $f and year = 2021 order by section_code, "
        "measure",
        {"f": FILE},
    ).fetchall()
    assert [
        (2021, "I", "allocated", "6.000", 6000.0, 1.0, "2"),
        (2021, "I", "disbursed", "5.400", 5400.0, 1.0, "2"),
        (2021, "III", "allocated", "24.000", 24000.0, 1.0, "3"),
        # "21,6 tỷ đồng" read as officials write it: 21.600 million, to 100 million
        (2021, "III", "disbursed", "21,6 tỷ đồng", 21600.0, 100.0, "3"),
    ] == rows


# --- the figures year by year ----------------------------------------------------------------


def test_the_programme_years_add_the_two_sections_against_their_own_plan(con) -> None:
    frame = db.run(con, "programme_budget_years", programme_id=HN)
    whole = frame[frame["scope"] == "programme"]
    assert {"section"} == set(whole["basis"]) and {"I, III"} == set(whole["covered"])
    got = whole[
        ["year", "scope_planned_mvnd", "planned_mvnd", "allocated_mvnd", "disbursed_mvnd",
         "cum_planned_mvnd", "cum_allocated_mvnd", "cum_disbursed_mvnd", "period_planned_mvnd"]
    ].astype(float).values.tolist()  # fmt: skip
    nan = float("nan")
    # planned: I + III of the year (000); allocated / disbursed: the two rows of the year
    expected = [
        [2021, 50220, 31600, 30000, 27000, 31600, 30000, 27000, 157800],
        [2022, 50120, 31500, 31500, 28728, 63100, 61500, 55728, 157800],
        [2023, 50220, 31600, 31300, 29420, 94700, 92800, 85148, 157800],
        [2024, 50120, 31500, 31200, 24660, 126200, 124000, 109808, 157800],
        # 2025: the plan only; to date stops after the last year reported
        [2025, 50220, 31600, nan, nan, 157800, nan, nan, 157800],
    ]
    assert pd.DataFrame(expected, dtype=float).equals(pd.DataFrame(got))
    ratios = whole[
        ["allocated_pct_of_planned", "disbursed_pct_of_planned", "disbursed_pct_of_allocated",
         "cum_disbursed_pct_of_period", "cum_disbursed_pct_of_planned"]
    ].head(4).values.tolist()  # fmt: skip
    # 30.000/31.600, 27.000/31.600, 27.000/30.000, 27.000/157.800, 27.000/31.600 ...
    assert [
        [94.936709, 85.443038, 90.0, 17.110266, 85.443038],
        [100.0, 91.2, 91.2, 35.315589, 88.316957],
        [99.050633, 93.101266, 93.99361, 53.959442, 89.913411],
        [99.047619, 78.285714, 79.038462, 69.586819, 87.011094],
    ] == [[round(v, 6) for v in row] for row in ratios]
    # the sum of two sections has no rate of its own in the report
    assert whole["stated_pct_text"].isna().all()


def test_each_section_has_its_own_plan_figures_and_stated_rates(con) -> None:
    frame = db.run(con, "programme_budget_years", programme_id=HN)
    third = frame[(frame["scope"] == "section") & (frame["section_code"] == "III")].head(4)
    assert ["section"] == list(third["basis"].unique()) and third["covered"].isna().all()
    assert [25300, 25200, 25300, 25200] == list(third["planned_mvnd"])
    assert [90.0, 90.0, 95.0, 80.0] == list(third["disbursed_pct_of_allocated"])
    assert ["90%", "90%", "97,5%", "80,0%"] == list(third["stated_pct_text"])
    assert ["ok", "ok", "differs", "ok"] == list(third["stated_status"])
    # III to 2024: 21.600 + 22.680 + 23.750 + 20.160 = 88.190 of 126.300 (000: III)
    last = third.iloc[-1]
    assert (88190.0, 126300.0) == (last["cum_disbursed_mvnd"], last["period_planned_mvnd"])
    assert 69.825812 == round(last["cum_disbursed_pct_of_period"], 6)
    first = frame[(frame["scope"] == "section") & (frame["section_code"] == "I")]
    assert ["90%", "96%", "90%", "75%"] == list(first["stated_pct_text"].head(4))
    assert ["2", "4", "6", "8"] == list(first["source_lines"].head(4))


def test_a_stated_rate_that_does_not_follow_is_a_finding(con) -> None:
    checks = con.execute(
        "select location, year, section_code, stated_pct, computed_pct, status "
        "from percentage_checks where source_file = $f and numerator = 'disbursed' "
        "order by year, section_code",
        {"f": FILE},
    ).fetchall()
    assert 8 == len(checks)  # one per stated rate: no row per year or section multiplied
    assert ("Tỷ lệ giải ngân năm 2023, mục III", 2023, "III", 97.5, 95.0, "differs") == checks[5]
    assert {"ok"} == {c[5] for i, c in enumerate(checks) if i != 5}
    findings = con.execute(
        "select kind, printed_text, stated_value, computed_value, source_line "
        "from reconciliation where source_file = $f",
        {"f": FILE},
    ).fetchall()
    assert [("stated_percentage", "97,5%", 97.5, 95.0, "7")] == findings


def test_programme_budgets_gains_the_figures_to_date(con) -> None:
    row = db.run(con, "programme_budgets", price_year=None).set_index("programme_id").loc[HN]
    assert ("section", "I, III", 2021, 2024) == (
        row["execution_basis"],
        row["execution_covered"],
        row["execution_first_year"],
        row["execution_last_year"],
    )
    assert (126200.0, 124000.0, 109808.0, 157800.0) == (
        row["planned_to_date_mvnd"],
        row["allocated_to_date_mvnd"],
        row["disbursed_to_date_mvnd"],
        row["execution_period_planned_mvnd"],
    )
    # 109.808 / 157.800 and / 126.200
    assert (69.586819, 87.011094) == (
        round(row["disbursed_to_date_pct_of_period"], 6),
        round(row["disbursed_to_date_pct_of_planned"], 6),
    )
    # the whole-period figures are a report's whole-period rows only: none for 2021-2025
    assert pd.isna(row["allocated_mvnd"]) and pd.isna(row["disbursed_mvnd"])


def test_the_2011_2015_whole_period_figures_stay_as_they_are(con) -> None:
    row = db.run(con, "programme_budgets", price_year=None).set_index("programme_id")
    old = row.loc["HN-2011-2015"]
    # 001:5: 86 tỷ planned, 82,155 tỷ allocated, 77,63 tỷ disbursed
    assert (86000.0, 82155.0, 77630.0) == (
        old["planned_mvnd"],
        old["allocated_mvnd"],
        old["disbursed_mvnd"],
    )
    assert pd.isna(old["execution_last_year"])
    checks = con.execute(
        "select numerator, denominator, round(computed_pct, 2), status from percentage_checks "
        "where programme_id = 'HN-2011-2015' and denominator = 'planned' order by numerator"
    ).fetchall()
    assert [("allocated", "planned", 95.53, "ok"), ("disbursed", "planned", 90.27, "differs")] == (
        checks
    )


def test_outputs_year_by_year_against_the_years_and_the_period_target(con) -> None:
    frame = db.run(con, "target_results_by_year", programme_id=HN)
    got = frame[["year", "achieved", "target_point", "cum_achieved", "cum_target",
                 "period_target"]].astype(float).values.tolist()  # fmt: skip
    # 60, 62, 58, 65 lớp of 60 a year; the lũy kế row's target 300 (000:267)
    assert [
        [2021, 60, 60, 60, 60, 300],
        [2022, 62, 60, 122, 120, 300],
        [2023, 58, 60, 180, 180, 300],
        [2024, 65, 60, 245, 240, 300],
    ] == got
    # 245 / 240 and 245 / 300
    assert (102.083333, 81.666667) == (
        round(frame["cum_pct_of_target"].iloc[-1], 6),
        round(frame["cum_pct_of_period_target"].iloc[-1], 6),
    )
    # each year's stated rate checked against achieved / target (62 / 60 = 103,33%: 103,3%)
    statuses = con.execute(
        "select location, status from percentage_checks where source_file = $f "
        "and numerator = 'achieved' order by location",
        {"f": FILE},
    ).fetchall()
    assert ("Kết quả: Lớp truyền nghề (2022)", "ok") in statuses and 5 == len(statuses)


def test_the_ports_agree_on_the_imported_database(place, con) -> None:
    lite_path = place["dir"] / "copy.sqlite"
    bench_sqlite.copy_database(place["db"], lite_path)
    lite = bench_sqlite.connect(lite_path)
    frames = bench_ports.load_frames(con)
    runs = [
        ("execution_years", {}),
        ("programme_budget_years", {"programme_id": HN}),
        ("target_results_by_year", {"programme_id": None}),
        ("percentage_checks", {}),
        ("programme_budgets", {"price_year": None}),
        ("target_page_results", {"programme_id": HN, "content_area": None}),
    ]
    try:
        for name, params in runs:
            expected = db.run(con, name, **params)
            assert len(expected) > 0, name
            assert "ok" == bench.compare(expected, bench_ports.PORTS[name](frames, params)), name
            sql, _ = bench_sqlite.sql_for(name)
            assert "ok" == bench.compare(expected, bench_sqlite.run(lite, sql, params)), name
    finally:
        lite.close()


def test_the_incremental_import_equals_a_full_build(place, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.duckdb"
    build(fresh, settings.DATA_DIR, place["imports"])
    sql = "select * from execution_years order by all"
    with db.connect(fresh, read_only=True) as a, db.connect(place["db"], read_only=True) as b:
        assert a.execute(sql).fetchall() == b.execute(sql).fetchall()


# --- the chart builders ----------------------------------------------------------------------


def test_the_execution_chart_draws_plan_allocated_disbursed_and_the_line(con) -> None:
    years = db.run(con, "programme_budget_years", programme_id=HN)
    fig = execution_chart(years, "t", "vi")
    planned, allocated, disbursed, line = fig.data
    assert [31600, 31500, 31600, 31500, 31600] == list(planned.y)
    assert [30000, 31500, 31300, 31200, None] == list(allocated.y)
    assert [27000, 28728, 29420, 24660, None] == list(disbursed.y)
    assert ("90,0%", "91,2%", "94,0%", "79,0%", "") == disbursed.text  # disbursed / allocated
    assert ("17,1%", "35,3%", "54,0%", "69,6%", "") == line.text  # to date / 157.800
    assert "Giải ngân lũy kế đến 2024: 109,808 tỷ đồng, bằng 69,6% kế hoạch cả giai đoạn " \
        "(157,8 tỷ đồng)" == line.customdata[3]  # fmt: skip
    assert ",." == fig.layout.separators
    third = execution_chart(years, "t", "vi", section="III").data[2]
    # the document's rate beside the computed one, and whether it matches
    assert (
        "<b>2023</b> · Giải ngân: 23,75 tỷ đồng<br>giải ngân / vốn giao (tính): 95,0%"
        "<br>bằng 93,9% kế hoạch<br>văn bản ghi: 97,5% (không khớp)" == third.customdata[2]
    )
    english = execution_chart(years, "t", "en", section="III").data[2]
    assert "the document states: 97,5% (does not match)" in english.customdata[2]


def test_the_execution_table_and_note(con) -> None:
    years = db.run(con, "programme_budget_years", programme_id=HN)
    table = execution_data(years, "vi", "III")
    assert ["2021", "2022", "2023", "2024", "2025"] == list(table["year"])
    assert "97,5% (không khớp)" == table["stated"].iloc[2]
    assert f"{FILE}:7" == table["source"].iloc[2]
    note = execution_note(years, "vi")
    assert "I, III" in note and "157,8 tỷ đồng" in note and "250,9 tỷ đồng" in note
    assert "" == execution_note(years, "vi", "III")  # a section's own rows: nothing to say


def test_the_outputs_chart_and_year_labels(con) -> None:
    outputs = db.run(con, "target_results_by_year", programme_id=HN)
    rows = output_rows(outputs, "Lớp truyền nghề|lớp")
    achieved, targets, line = outputs_year_chart(rows, "t", "vi").data
    assert [60, 62, 58, 65] == list(achieved.y) and [60, 60, 60, 60] == list(targets.y)
    assert ("20%", "40,7%", "60%", "81,7%") == line.text  # to date / 300: 122 / 300 = 40,67%
    assert "văn bản ghi: 103,3%" in achieved.customdata[1]
    results = db.run(con, "target_page_results", programme_id=HN, content_area=None)
    names = list(with_year_labels(results)["indicator"])
    assert "Lớp truyền nghề (2021)" in names and "Lớp truyền nghề" in names


# --- other reports -----------------------------------------------------------------------------


def test_a_report_of_execution_alone_in_billions_for_the_whole_programme(place) -> None:
    header = ["ma_chuong_trinh", "nam", "von_giao (tỷ đồng)", "giai_ngan (tỷ đồng)",
              "ty_le_giai_ngan_ghi"]  # fmt: skip
    rows = [header, ["HY-2018-2020", "2018", "1,5", "1,2", "80"],
            ["HY-2018-2020", "2019", "3,2", "3,04", "95%"]]  # fmt: skip
    data = templates.to_csv(rows)
    where = {"db": place["dir"] / "hy.duckdb", "imports": place["dir"] / "hy_imports"}
    shutil.copy(place["db"], where["db"])
    shutil.copytree(place["imports"], where["imports"])
    staged = imports.validate("hy_2018_2019.csv", data, imports_dir=where["imports"],
                              db_path=where["db"])  # fmt: skip
    assert ("results", "HY-2018-2020", []) == (staged.kind, staged.programme_id, staged.problems)
    imports.commit(staged, data, "test", db_path=where["db"], imports_dir=where["imports"])
    with db.connect(where["db"], read_only=True) as con:
        years = db.run(con, "programme_budget_years", programme_id="HY-2018-2020")
    # 002's plan by year: 1.514, 3.214, 3.646 (8.374 in all)
    assert ["programme"] == list(years["basis"].dropna().unique())
    assert [1514.0, 3214.0, 3646.0] == list(years["planned_mvnd"])
    assert [1500.0, 3200.0] == list(years["allocated_mvnd"].head(2))
    assert ["80%", "95%"] == list(years["stated_pct_text"].head(2))
    assert ["ok", "ok"] == list(years["stated_status"].head(2))
    # 1.500 / 1.514; 4.240 / 8.374 to 2019
    assert 99.075297 == round(years["allocated_pct_of_planned"].iloc[0], 6)
    assert 50.632911 == round(years["cum_disbursed_pct_of_period"].iloc[1], 6)


def rows_with(*cells: list[str]) -> list[list[str]]:
    return [HEADER, *cells]


@pytest.mark.parametrize(
    ("row", "key", "column", "vi"),
    [
        pytest.param(
            money_row("2026", "I", "6.000", "5.400", ""),
            "execution.year_outside",
            "Năm",
            "Năm 2026 nằm ngoài giai đoạn 2021-2025 của chương trình HN-2021-2025.",
            id="year outside the period",
        ),
        pytest.param(
            money_row("năm ngoái", "I", "6.000", "5.400", ""),
            "import.bad_year",
            "Năm",
            "Năm không hợp lệ: 'năm ngoái'.",
            id="unreadable year",
        ),
        pytest.param(
            money_row("2021", "VI", "6.000", "5.400", ""),
            "execution.unknown_section",
            "Mục",
            "Mục 'VI' không có trong kế hoạch của chương trình HN-2021-2025 "
            "(các mục: I, II, III, IV, V).",
            id="unknown section",
        ),
        pytest.param(
            money_row("2021", "I", "6.000", "-5.400", ""),
            "import.negative",
            "Giải ngân (triệu đồng)",
            "Số âm không hợp lệ: '-5.400'.",
            id="negative amount",
        ),
        pytest.param(
            money_row("2021", "I", "sáu tỷ", "5.400", ""),
            "import.not_number",
            "Kế hoạch vốn giao (triệu đồng)",
            "Cần một số (ví dụ 1.234,5 hoặc 2,52 tỷ đồng), gặp 'sáu tỷ'.",
            id="unreadable amount",
        ),
        pytest.param(
            money_row("2021", "I", "5.000-6.000", "5.400", ""),
            "execution.not_one_amount",
            "Kế hoạch vốn giao (triệu đồng)",
            "Cần một số tiền, gặp một khoảng: '5.000-6.000'.",
            id="a range",
        ),
        pytest.param(
            money_row("2025", "I", "", "5.400", "90"),
            "execution.pct_needs_both",
            "Tỷ lệ giải ngân (%)",
            "Tỷ lệ giải ngân cần cả kế hoạch vốn giao và số giải ngân trên cùng dòng.",
            id="a rate without its allocation",
        ),
        pytest.param(
            money_row("2025", "I", "6.000", "5.400", "chín mươi"),
            "import.bad_pct",
            "Tỷ lệ giải ngân (%)",
            "Tỷ lệ phải có dạng 71,2%, gặp 'chín mươi'.",
            id="unreadable rate",
        ),
        pytest.param(
            money_row("2021", "I", "6.000", "5.400", ""),
            "execution.duplicate_stored",
            None,
            f"Số liệu năm 2021, mục I đã có trong cơ sở dữ liệu (từ {FILE}); muốn thay thì gỡ "
            "lần nhập đó trước.",
            id="a year and section already stored",
        ),
        pytest.param(
            [HN, "", "", "", "", "", "", "", "", "", ""],
            "execution.empty_row",
            None,
            "Dòng không có số liệu: cần kết quả đạt được, hoặc vốn giao / giải ngân.",
            id="a row without figures",
        ),
    ],
)
def test_bad_input_is_refused_in_the_users_words_and_nothing_changes(
    place, row: list[str], key: str, column: str | None, vi: str
) -> None:
    before = digest(place["db"])
    stored = sorted(p.name for p in place["imports"].iterdir())
    staged = validate(place, rows_with(row), name="sai.csv")
    assert [(key, 2, column)] == [(p.key, p.row, p.column) for p in staged.errors]
    assert vi == staged.errors[0].text("vi")
    assert staged.errors[0].text("en") != vi  # the English message exists and differs
    assert {} == staged.tables
    assert before == digest(place["db"])
    assert stored == sorted(p.name for p in place["imports"].iterdir())


def test_a_year_and_section_twice_in_one_file_is_refused(place) -> None:
    rows = rows_with(
        money_row("2025", "II", "9.000", "8.000", ""),
        money_row("2025", "II", "9.000", "8.100", ""),
    )
    staged = validate(place, rows, name="hai_lan.csv")
    assert [("execution.duplicate_row", 3)] == [(p.key, p.row) for p in staged.errors]
    assert "Figures for 2025, section II are already on row 2" in staged.errors[0].text("en")


def test_the_2011_2015_whole_period_figures_cannot_be_imported_twice(place) -> None:
    rows = [["ma_chuong_trinh", "von_giao", "giai_ngan"], ["HN-2011-2015", "82.155", "77.630"]]
    staged = imports.validate(
        "lan_hai.csv", templates.to_csv(rows), imports_dir=place["imports"], db_path=place["db"]
    )
    assert ["execution.duplicate_stored"] == [p.key for p in staged.errors]
    assert "cả giai đoạn, toàn chương trình" in staged.errors[0].text("vi")


def test_the_results_template_ends_with_the_execution_columns() -> None:
    assert templates.EXECUTION_HEADER == templates.RESULTS_HEADER[-6:]
    assert ["nam", "muc", "ma_nhiem_vu", "von_giao", "giai_ngan", "ty_le_giai_ngan_ghi"] == (
        templates.EXECUTION_HEADER
    )
    assert imports.column_meaning("von_giao", "vi").startswith("Kế hoạch vốn giao")


# --- the pages -----------------------------------------------------------------------------


@pytest.fixture()
def on_imported(place, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the dashboard at the database holding the fixture report."""
    import streamlit as st

    monkeypatch.setattr(settings, "DB_PATH", place["db"])
    monkeypatch.setattr(settings, "IMPORTS_DIR", place["imports"])
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def titles(at) -> list[str]:
    # the words of each title: where a title is wrapped for a phone (plans.charts.base.fit_narrow)
    return [
        json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ")
        for c in at.get("plotly_chart")
    ]


@pytest.mark.usefixtures("on_imported")
def test_the_budget_page_shows_execution_by_year_and_by_section() -> None:
    at = open_app("pages/budget.py", prog=HN)
    assert not at.exception, [e.value for e in at.exception]
    labels = [t.label for t in at.tabs]
    assert ["Cơ cấu", "Theo năm", "Bảng tỷ trọng", "Theo nguồn kinh phí",
            "Thực hiện theo năm"] == labels  # fmt: skip
    open_tab(at, "budget_view", 4)
    assert [
        "Kế hoạch, vốn giao và giải ngân theo năm — HN-2021-2025 · Toàn chương trình"
    ] == titles(at)
    # the sections the report gives, their names cut at 60 characters; a radio's options are
    # Markdown, so the imported names come escaped (issue 19, point 4)
    assert ["Toàn chương trình", *map(markdown_literal, [
        "Mục I: Hỗ trợ phát triển nguồn nhân lực có chất lượng, nâng cao nă…",
        "Mục III: Hỗ trợ phát triển sản phẩm công nghiệp nông thôn tiêu biểu",
    ])] == list(at.radio(key="budget_execution_scope").options)  # fmt: skip
    table = chart_table(at, "budget_execution")
    first = table.iloc[0]
    assert ("2021", "31.600", "30.000", "27.000") == (
        first["Năm"],
        first["Kế hoạch (triệu đồng)"],
        first["Vốn giao (triệu đồng)"],
        first["Giải ngân (triệu đồng)"],
    )
    assert ("90,0%", "17,1%") == (
        first["Giải ngân / vốn giao (tính)"],
        first["Lũy kế / kế hoạch cả giai đoạn"],
    )
    at.radio(key="budget_execution_scope").set_value("III").run()
    assert not at.exception
    table = chart_table(at, "budget_execution")
    assert "97,5% (không khớp)" == table["Tỷ lệ văn bản ghi"].iloc[2]


@pytest.mark.usefixtures("on_imported")
def test_the_targets_page_shows_the_years_of_budget_and_outputs() -> None:
    at = open_app("pages/targets.py", prog=HN, lang="en")
    assert not at.exception, [e.value for e in at.exception]
    assert HN == at.selectbox(key="targets_programme").value
    assert "By year" == at.tabs[-1].label
    open_tab(at, "targets_view", len(at.tabs) - 1)
    assert [
        "Planned, allocated and disbursed by year — HN-2021-2025 · Whole programme",
        "Results by year — Lớp truyền nghề (lớp)",
    ] == titles(at)
    table = chart_table(at, "targets_outputs")
    assert ["2021", "2022", "2023", "2024"] == list(table["Year"])
    assert "81.7%" == table["To date / target of the whole period"].iloc[-1]
