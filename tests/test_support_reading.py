"""Reading a support file (plans.data.support): cells, programmes, places, establishments,
duplicates, the plan's budget lines, limits; the staged CSV as the build will load it."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb
import pytest

from plans import db
from plans.data import imports, support
from plans.data.build import SUPPORT_COLUMNS, SUPPORT_RECORDS_DDL
from plans.data.reading import Problem
from plans.data.support import (
    MAX_SUPPORT_ROWS,
    SupportStaging,
    establishment_key,
    is_support_header,
    separate,
    stage_support,
    summary_lines,
    support_column,
)

# The user's own headers, as a khuyến công centre writes its list (mapped by ALIASES).
HEADER = [
    "Mã chương trình",
    "Năm",
    "Ngày quyết định",
    "Số quyết định",
    "Huyện",
    "Xã/phường",
    "Tên cơ sở",
    "Mã số thuế",
    "Mã nhiệm vụ",
    "Lĩnh vực",
    "Kinh phí hỗ trợ (triệu đồng)",
    "Nguồn vốn",
    "Số người hưởng lợi",
    "Trạng thái",
]
AMOUNT = "Kinh phí hỗ trợ (triệu đồng)"


def _row(**cells: str) -> list[str]:
    """One row of HEADER: a 2021 đề án of Phú Vinh's rattan company, task II.1, unless told."""
    base = {
        "Mã chương trình": "HN-2021-2025",
        "Năm": "2021",
        "Ngày quyết định": "15/3/2021",
        "Số quyết định": "123/QĐ-SCT",
        "Huyện": "Huyện Chương Mỹ",
        "Xã/phường": "Xã Phú Nghĩa",
        "Tên cơ sở": "Công ty TNHH Mây tre đan Phú Vinh",
        "Mã số thuế": "",
        "Mã nhiệm vụ": "II.1",
        "Lĩnh vực": "",
        AMOUNT: "250",
        "Nguồn vốn": "KCĐP",
        "Số người hưởng lợi": "30",
        "Trạng thái": "đã nghiệm thu",
    }
    unknown = set(cells) - set(base)
    assert not unknown, unknown
    base.update(cells)
    return [base[h] for h in HEADER]


@pytest.fixture()
def seed(built_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The seed database read-only (HN-2021-2025 with its tasks and 2021-2025 budget lines)."""
    con = db.connect(built_db, read_only=True)
    yield con
    con.close()


def _copy(built_db: Path, tmp_path: Path, *statements: str) -> Path:
    """A copy of the seed database changed by `statements` (the session database stays)."""
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(built_db, path)
    with db.connect(path, read_only=False) as writer:
        for sql in statements:
            writer.execute(sql)
    return path


# Thái Bình, merged into Hưng Yên on 1/7/2025: a programme of it, for records before and after.
THAI_BINH = (
    "insert into programmes (programme_id, province, kind, title, period_start, period_end) "
    "values ('TB-2021-2025', 'Thái Bình', 'khuyen_cong', 'Chương trình Thái Bình', 2021, 2025)"
)


def _stored(**values: Any) -> str:
    """An insert of one stored (imported) support record: Phú Vinh's 2021 đề án by default."""
    record = {
        "programme_id": "HN-2021-2025",
        "province": "Hà Nội",
        "district": "Huyện Chương Mỹ",
        "commune": "Xã Phú Nghĩa",
        "ward_current": "Xã Phú Nghĩa",
        "ward_code": "10030",
        "year": 2021,
        "task_code": "II.1",
        "establishment": "Công ty TNHH Mây tre đan Phú Vinh",
        "establishment_id": "mst:0101234567",
        "establishment_key": "công ty tnhh mây tre đan phú vinh",
        "tax_code": "0101234567",
        "funding_source": "dia_phuong",
        "amount_text": "250",
        "amount_mvnd": 250,
        "status": "accepted",
        "decision": "123/QĐ-SCT",
        "import_id": "0001-aaaaaaaa",
        "source_file": "ho_tro_cu.csv",
        "source_line": 7,
    } | values
    names = ", ".join(record)
    cells = ", ".join("null" if v is None else repr(v) for v in record.values())
    return f"insert into support_records ({names}) values ({cells})"


def _stage(
    rows: list[list[str]],
    con: duckdb.DuckDBPyConnection | None,
    out: Path,
    header: list[str] | None = None,
) -> tuple[SupportStaging | None, list[Problem]]:
    problems: list[Problem] = []
    staged = stage_support("ho_tro.csv", header or HEADER, iter(rows), problems, con, out)
    return staged, problems


def _records(staged: SupportStaging) -> list[dict[str, str]]:
    with staged.path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def _warnings(problems: list[Problem], key: str) -> list[Problem]:
    return [p for p in problems if p.severity == "warning" and p.key == key]


# ---------------------------------------------------------------------------------------------
# Headers.


@pytest.mark.parametrize(
    ("header", "column", "unit"),
    [
        ("Kinh phí hỗ trợ (triệu đồng)", "kinh_phi", "triệu đồng"),
        ("Kinh phí (tỷ đồng)", "kinh_phi", "tỷ đồng"),
        ("kinh_phi (đồng)", "kinh_phi", "đồng"),
        ("Xã/phường", "xa_phuong", ""),
        ("Xã, phường, thị trấn", "xa_phuong", ""),
        ("Quận/huyện", "huyen", ""),
        ("Tên cơ sở", "co_so", ""),
        ("TÊN DOANH NGHIỆP", "co_so", ""),
        ("Mã số thuế", "ma_so_thue", ""),
        ("MST", "ma_so_thue", ""),
        ("KCQG", "kinh_phi_trung_uong", ""),
        ("Vốn đối ứng", "von_doi_ung", ""),
        ("Số người hưởng lợi", "so_nguoi_huong_loi", ""),
        ("giai_doan", "giai_doan", ""),
        ("Ghi chú bất kỳ khác", "", ""),
    ],
)
def test_users_headers_map_to_the_template(header: str, column: str, unit: str) -> None:
    assert (column, unit) == support_column(header)


def test_a_support_header_is_told_from_a_plan_header() -> None:
    assert is_support_header(HEADER)
    assert is_support_header(support.SUPPORT_HEADER)
    assert not is_support_header(list(imports.COLUMNS))


def test_missing_columns_are_named_in_the_users_words(seed, tmp_path: Path) -> None:
    header = ["Mã chương trình", "Kinh phí", "Xã/phường"]
    staged, problems = _stage([["HN-2021-2025", "5", "Xã Phú Nghĩa"]], seed, tmp_path, header)
    assert staged is None
    [error] = problems
    assert (1, "support_import.missing_columns") == (error.row, error.key)
    vi, en = error.message("vi"), error.message("en")
    assert "năm (nam, 'Năm')" in vi and "tên cơ sở (co_so, 'Tên cơ sở')" in vi
    assert "the year (nam, 'Năm')" in en and "Mã chương trình, Kinh phí, Xã/phường" in en
    assert not (tmp_path / "support_records.csv").exists()


def test_a_programme_way_is_required(seed, tmp_path: Path) -> None:
    header = ["Năm", "Tên cơ sở", "Kinh phí"]
    staged, problems = _stage([["2021", "Cơ sở A", "5"]], seed, tmp_path, header)
    assert staged is None
    assert "ma_chuong_trinh, or tinh with giai_doan" in problems[0].message("en")


# ---------------------------------------------------------------------------------------------
# Cells as officials write them.


@pytest.mark.parametrize(
    ("header", "cell", "mvnd", "printed"),
    [
        (AMOUNT, "250.900", 250900.0, "250.900"),  # thousands dot: million VND
        (AMOUNT, "2,5 tỷ", 2500.0, "2,5 tỷ"),  # a scale word in the cell wins
        (AMOUNT, "150 triệu đồng", 150.0, "150 triệu đồng"),
        ("Kinh phí (tỷ đồng)", "2,52", 2520.0, "2,52 tỷ đồng"),  # the header's unit, kept
        ("Kinh phí (đồng)", "150.000.000", 150.0, "150.000.000 đồng"),
    ],
)
def test_amounts_are_read_as_written(
    seed, tmp_path: Path, header: str, cell: str, mvnd: float, printed: str
) -> None:
    headers = [header if h == AMOUNT else h for h in HEADER]
    staged, problems = _stage([_row(**{AMOUNT: cell})], seed, tmp_path, headers)
    assert [] == _errors(problems)
    [record] = _records(staged)
    assert (mvnd, printed) == (float(record["amount_mvnd"]), record["amount_text"])


# (cells, the key of the error, the user's column it names, words of the vi and en messages)
ERRORS = [
    ({AMOUNT: "-250"}, "import.negative", AMOUNT, "Số âm", "Negative amount"),
    ({AMOUNT: "hai trăm"}, "support_import.bad_amount", AMOUNT, "'hai trăm' không đọc", "cannot"),
    ({AMOUNT: "300-350"}, "support_import.bad_amount", AMOUNT, "khoảng", "no range"),
    ({AMOUNT: ""}, "support_import.no_amount", AMOUNT, "không ghi kinh phí", "no amount"),
    ({AMOUNT: "=SUM(K2:K9)"}, "import.formula", AMOUNT, "công thức", "formula"),
    ({"Năm": "20x1"}, "support_import.bad_year", "Năm", "Năm '20x1'", "Year '20x1'"),
    ({"Năm": "", "Ngày quyết định": ""}, "support_import.no_year", "Năm", "năm", "year"),
    ({"Ngày quyết định": "31/2/2021"}, "support_import.bad_date", "Ngày quyết định", "31/2", "31/2"),
    ({"Ngày quyết định": "15/3/2022"}, "support_import.date_year", "Ngày quyết định", "15/3/2022", "2021"),
    ({"Số người hưởng lợi": "2,5"}, "support_import.bad_beneficiaries", "Số người hưởng lợi", "'2,5'", "whole"),
    ({"Số người hưởng lợi": "-3"}, "support_import.bad_beneficiaries", "Số người hưởng lợi", "'-3'", "whole"),
    ({"Tên cơ sở": ""}, "support_import.no_name", "Tên cơ sở", "tên cơ sở", "establishment name"),
    ({"Mã chương trình": "HN-2021-2026"}, "support_import.programme_unknown", "Mã chương trình", "HN-2021-2025", "Closest: HN-2021-2025"),
    ({"Năm": "2019", "Ngày quyết định": ""}, "support_import.year_outside", "Năm", "2021-2025", "outside"),
]  # fmt: skip


@pytest.mark.parametrize(("cells", "key", "column", "vi", "en"), ERRORS)
def test_each_bad_cell_is_an_error_naming_row_and_column(
    seed, tmp_path: Path, cells: dict[str, str], key: str, column: str, vi: str, en: str
) -> None:
    good = _row(**{"Tên cơ sở": "Cơ sở khác", "Số quyết định": "1/QĐ"})
    staged, problems = _stage([good, _row(**cells)], seed, tmp_path)
    assert staged is None
    [error] = _errors(problems)
    assert (3, column, key) == (error.row, error.column, error.key)
    assert error.message("vi").startswith(f"dòng 3, cột {column}: ") and vi in error.message("vi")
    assert error.message("en").startswith(f"row 3, column {column}: ") and en in error.message("en")
    # nothing is left to store when the file is refused
    assert [] == [p.name for p in tmp_path.iterdir()]


def test_a_formula_read_table_reported_is_not_reported_twice(seed, tmp_path: Path) -> None:
    problems = [Problem("error", 2, AMOUNT, "import.formula", (("value", "=SUM(A1)"),))]
    staged = stage_support(
        "f.csv", HEADER, [_row(**{AMOUNT: "=SUM(A1)"})], problems, seed, tmp_path
    )
    assert staged is None
    assert 1 == len(problems)


def test_dates_years_beneficiaries(seed, tmp_path: Path) -> None:
    rows = [
        _row(**{"Ngày quyết định": "05/04/2021", "Số quyết định": "1"}),
        _row(**{"Ngày quyết định": "5/4/2021", "Số quyết định": "2", "Số người hưởng lợi": ""}),
        _row(**{"Ngày quyết định": "2021-04-05", "Số quyết định": "3", "Số người hưởng lợi": "1.200"}),
        # no year written: the date's year
        _row(**{"Năm": "", "Ngày quyết định": "2021-04-05 00:00:00", "Số quyết định": "4"}),
    ]  # fmt: skip
    staged, problems = _stage(rows, seed, tmp_path)
    assert [] == _errors(problems)
    records = _records(staged)
    assert ["2021-04-05"] * 4 == [r["made_on"] for r in records]
    assert ["2021"] * 4 == [r["year"] for r in records]
    assert ["30", "", "1200", "30"] == [r["beneficiaries"] for r in records]


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("", "approved"),
        ("Đã phê duyệt", "approved"),
        ("phê duyệt", "approved"),
        ("đã nghiệm thu", "accepted"),
        ("Nghiệm thu", "accepted"),
        ("hủy", "cancelled"),
        ("huỷ", "cancelled"),
        ("Đã hủy", "cancelled"),
    ],
)
def test_status_words(seed, tmp_path: Path, written: str, status: str) -> None:
    staged, problems = _stage([_row(**{"Trạng thái": written})], seed, tmp_path)
    assert [] == [p for p in problems if p.key == "support_import.status_unknown"]
    assert status == _records(staged)[0]["status"]


def test_a_status_word_not_understood_is_a_warning_and_approved(seed, tmp_path: Path) -> None:
    rows = [_row(**{"Trạng thái": "chờ", "Số quyết định": str(n)}) for n in range(3)]
    staged, problems = _stage(rows, seed, tmp_path)
    [warning] = _warnings(problems, "support_import.status_unknown")  # said once per word
    assert (2, "Trạng thái") == (warning.row, warning.column)
    assert "Status 'chờ' not understood; stored as approved" in warning.message("en")
    assert {"approved"} == {r["status"] for r in _records(staged)}


@pytest.mark.parametrize(
    ("written", "source"),
    [
        ("KCQG", "trung_uong"),
        ("Khuyến công quốc gia", "trung_uong"),
        ("ngân sách tỉnh", "dia_phuong"),
        ("KCĐP", "dia_phuong"),
        ("đối ứng", "doi_ung"),
        ("Vốn đối ứng của cơ sở", "doi_ung"),
        ("", ""),
    ],
)
def test_funding_words(seed, tmp_path: Path, written: str, source: str) -> None:
    staged, problems = _stage([_row(**{"Nguồn vốn": written})], seed, tmp_path)
    assert [] == _errors(problems)
    assert source == _records(staged)[0]["funding_source"]


def test_funding_words_read_as_the_plan_import_reads_them() -> None:
    # one table and one reader (plans.data.reading) for plan, results and support imports
    assert imports.funding_code is support.funding_code
    for text in ["Nguồn vốn KCQG", "Vốn đối ứng của doanh nghiệp", "xã hội hóa", "quỹ lạ", ""]:
        assert imports.funding_code(text) == support.funding_code(text)


def test_an_unknown_funding_word_is_a_warning_and_no_source(seed, tmp_path: Path) -> None:
    staged, problems = _stage([_row(**{"Nguồn vốn": "quỹ lạ"})], seed, tmp_path)
    [warning] = _warnings(problems, "support_import.source_unknown")
    assert (2, "Nguồn vốn") == (warning.row, warning.column)
    assert "" == _records(staged)[0]["funding_source"]


@pytest.mark.parametrize(
    ("task", "area", "stored_task", "stored_area"),
    [
        ("II.1", "", "II.1", ""),
        ("2.1", "", "II.1", ""),  # the section's number written as a figure
        ("ii.1.", "", "II.1", ""),
        ("", "KC4", "", "KC4"),
        ("", "kc 3", "", "KC3"),
        ("", "Cung cấp thông tin, tuyên truyền", "", "KC6"),
    ],
)
def test_tasks_and_areas(
    seed, tmp_path: Path, task: str, area: str, stored_task: str, stored_area: str
) -> None:
    staged, problems = _stage([_row(**{"Mã nhiệm vụ": task, "Lĩnh vực": area})], seed, tmp_path)
    assert [] == [p for p in problems if p.key.endswith(("not_in_plan", "area_unknown"))]
    record = _records(staged)[0]
    assert (stored_task, stored_area) == (record["task_code"], record["content_area"])


def test_a_task_not_in_the_plan_is_kept_without_its_code(seed, tmp_path: Path) -> None:
    staged, problems = _stage([_row(**{"Mã nhiệm vụ": "9.9", "Lĩnh vực": "KC2"})], seed, tmp_path)
    [warning] = _warnings(problems, "support_import.task_not_in_plan")
    assert (2, "Mã nhiệm vụ") == (warning.row, warning.column)
    assert "Task '9.9' is not in the plan of HN-2021-2025" in warning.message("en")
    record = _records(staged)[0]
    assert ("", "KC2") == (record["task_code"], record["content_area"])


def test_an_unknown_area_is_a_warning(seed, tmp_path: Path) -> None:
    staged, problems = _stage([_row(**{"Lĩnh vực": "Du lịch"})], seed, tmp_path)
    [warning] = _warnings(problems, "support_import.area_unknown")
    assert "Lĩnh vực 'Du lịch'" in warning.message("vi")
    assert "" == _records(staged)[0]["content_area"]


def test_wide_amount_columns_give_a_record_per_source(seed, tmp_path: Path) -> None:
    header = ["ma_chuong_trinh", "nam", "co_so", "Tổng kinh phí", "KCQG", "KCĐP", "Vốn đối ứng"]
    rows = [["HN-2021-2025", "2021", "Cơ sở A", "200", "100", "50", ""]]
    staged, problems = _stage(rows, seed, tmp_path, header)
    assert 2 == staged.rows
    records = _records(staged)
    assert [("trung_uong", "100.0"), ("dia_phuong", "50.0")] == [
        (r["funding_source"], r["amount_mvnd"]) for r in records
    ]
    [warning] = _warnings(problems, "support_import.total_differs")  # 200 written, 150 summed
    assert (2, "Tổng kinh phí") == (warning.row, warning.column)
    assert "'200'" in warning.message("vi") and "150" in warning.message("vi")


# ---------------------------------------------------------------------------------------------
# Programmes.


def _province_rows(**cells: str) -> tuple[list[str], list[list[str]]]:
    header = ["Tỉnh", "Giai đoạn", "Năm", "Tên cơ sở", "Kinh phí"]
    base = {"Tỉnh": "Hà Nội", "Giai đoạn": "", "Năm": "2021", "Tên cơ sở": "Cơ sở A"}
    base |= {"Kinh phí": "5"} | cells
    return header, [[base[h] for h in header]]


@pytest.mark.parametrize(
    ("cells", "programme"),
    [
        ({}, "HN-2021-2025"),  # the khuyến công programme holding 2021, not HN-CNHT-2021
        ({"Tỉnh": "TP. Hà Nội", "Năm": "2018"}, "HN-2016-2020"),
        ({"Tỉnh": "Thành phố Hà Nội", "Giai đoạn": "2016 - 2020", "Năm": "2017"}, "HN-2016-2020"),
        ({"Tỉnh": "Hưng Yên", "Năm": "2019"}, "HY-2018-2020"),
    ],
)
def test_a_programme_by_province_and_period(
    seed, tmp_path: Path, cells: dict[str, str], programme: str
) -> None:
    header, rows = _province_rows(**cells)
    staged, problems = _stage(rows, seed, tmp_path, header)
    assert [] == _errors(problems)
    assert (programme,) == staged.programmes


@pytest.mark.parametrize(
    ("cells", "key", "column", "en"),
    [
        ({"Tỉnh": "Xyzzy"}, "support_import.programme_unknown_far", "Tỉnh", "'Xyzzy'"),
        ({"Tỉnh": "Hà Nam"}, "support_import.no_programme_in_year", "Tỉnh", "(there are: —)"),
        ({"Năm": "2030"}, "support_import.no_programme_in_year", "Tỉnh", "2030"),
        ({"Giai đoạn": "2026-2030"}, "support_import.period_unknown", "Giai đoạn", "2026-2030"),
        ({"Giai đoạn": "năm năm"}, "support_import.bad_period", "Giai đoạn", "2021-2025"),
        ({"Tỉnh": ""}, "support_import.no_programme", "Tỉnh", "Neither"),
    ],
)
def test_a_programme_not_found(
    seed, tmp_path: Path, cells: dict[str, str], key: str, column: str, en: str
) -> None:
    header, rows = _province_rows(**cells)
    staged, problems = _stage(rows, seed, tmp_path, header)
    assert staged is None
    [error] = _errors(problems)
    assert (2, column, key) == (error.row, error.column, error.key)
    assert en in error.message("en")


def test_two_programmes_holding_the_year_ask_for_the_period(built_db, tmp_path: Path) -> None:
    path = _copy(
        built_db,
        tmp_path,
        "insert into programmes (programme_id, province, kind, title, period_start, period_end)"
        " values ('HN-2024-2026', 'Hà Nội', 'khuyen_cong', 'Kế hoạch bổ sung', 2024, 2026)",
    )
    header, rows = _province_rows(**{"Năm": "2025"})
    with db.connect(path, read_only=True) as con:
        staged, problems = _stage(rows, con, tmp_path / "out", header)
    assert staged is None
    [error] = _errors(problems)
    assert "support_import.two_programmes" == error.key
    assert "HN-2021-2025, HN-2024-2026" in error.message("vi") and "giai_doan" in error.message(
        "vi"
    )


def test_without_a_database_every_programme_is_unknown(tmp_path: Path) -> None:
    staged, problems = _stage([_row()], None, tmp_path)
    assert staged is None
    assert ["support_import.programme_unknown_far"] == [p.key for p in _errors(problems)]


def test_an_unknown_programme_is_said_once(seed, tmp_path: Path) -> None:
    rows = [_row(**{"Mã chương trình": "XX-1", "Số quyết định": str(n)}) for n in range(5)]
    staged, problems = _stage(rows, seed, tmp_path)
    assert staged is None
    assert [2] == [p.row for p in _errors(problems)]


# ---------------------------------------------------------------------------------------------
# Places: the ward since 1/7/2025, the province a record was made in.


def test_a_commune_merged_in_2025_is_one_ward_before_and_after(seed, tmp_path: Path) -> None:
    # Phường Hàng Bạc (quận Hoàn Kiếm) became part of Phường Hoàn Kiếm on 1/7/2025: a 2021
    # record written with the old commune and district, a 2025 one with the new ward alone.
    rows = [
        _row(**{"Huyện": "Quận Hoàn Kiếm", "Xã/phường": "Phường Hàng Bạc",
                "Tên cơ sở": "HTX Gốm Hàng Bạc"}),
        _row(**{"Năm": "2025", "Ngày quyết định": "1/8/2025", "Huyện": "",
                "Xã/phường": "Phường Hoàn Kiếm", "Tên cơ sở": "Hợp tác xã gốm Hàng Bạc"}),
    ]  # fmt: skip
    staged, problems = _stage(rows, seed, tmp_path)
    assert [] == _warnings(problems, "support_import.address_unknown")
    records = _records(staged)
    assert [("Phường Hoàn Kiếm", "00070")] * 2 == [
        (r["ward_current"], r["ward_code"]) for r in records
    ]
    assert ["Phường Hàng Bạc", "Phường Hoàn Kiếm"] == [r["commune"] for r in records]
    assert ["Quận Hoàn Kiếm", ""] == [r["district"] for r in records]
    # the same establishment: the same normalised name in the same ward
    assert 1 == len({r["establishment_id"] for r in records})
    [match] = staged.matches
    assert (3, "name_in_ward", 2) == (match.row, match.rule, match.earlier_row)
    assert ("Hợp tác xã gốm Hàng Bạc", "HTX Gốm Hàng Bạc") == (match.name, match.earlier_name)


def test_a_merged_province_records_under_its_successor_from_1_7_2025(
    built_db, tmp_path: Path
) -> None:
    path = _copy(built_db, tmp_path, THAI_BINH)
    rows = [
        _row(**{"Mã chương trình": "TB-2021-2025", "Năm": "2025", "Ngày quyết định": "30/6/2025",
                "Huyện": "Thành phố Thái Bình", "Xã/phường": "Phường Lê Hồng Phong",
                "Mã nhiệm vụ": "", "Tên cơ sở": "Cơ sở chiếu cói An Lộc"}),
        _row(**{"Mã chương trình": "TB-2021-2025", "Năm": "2025", "Ngày quyết định": "1/7/2025",
                "Huyện": "", "Xã/phường": "Phường Thái Bình", "Mã nhiệm vụ": "",
                "Tên cơ sở": "CƠ SỞ CHIẾU CÓI AN LỘC", "Số quyết định": "2"}),
    ]  # fmt: skip
    with db.connect(path, read_only=True) as con:
        staged, problems = _stage(rows, con, tmp_path / "out")
    assert [] == _errors(problems)
    records = _records(staged)
    # made on 30/6/2025 in Thái Bình; on 1/7/2025 in Hưng Yên, which Thái Bình joined
    assert ["Thái Bình", "Hưng Yên"] == [r["province"] for r in records]
    assert [("Phường Thái Bình", "13225")] * 2 == [
        (r["ward_current"], r["ward_code"]) for r in records
    ]
    assert 1 == len({r["establishment_id"] for r in records})


def test_an_unknown_address_is_kept_and_warned_once(seed, tmp_path: Path) -> None:
    rows = [_row(**{"Xã/phường": "Xã Không Có", "Số quyết định": str(n)}) for n in range(3)] + [
        _row(**{"Số quyết định": "known"})
    ]
    staged, problems = _stage(rows, seed, tmp_path)
    [warning] = _warnings(problems, "support_import.address_unknown")
    assert (2, "Xã/phường") == (warning.row, warning.column)
    vi = warning.message("vi")
    assert "'Xã Không Có, Huyện Chương Mỹ, Hà Nội'" in vi and "(3 dòng)" in vi
    assert "vietnamadminunits" in vi
    records = _records(staged)
    assert ["", "", "", "10030"] == [r["ward_code"] for r in records]
    assert "Xã Không Có" == records[0]["commune"]


def test_the_package_is_asked_once_per_distinct_place(
    seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, ...]] = []
    look_up = support._Places._look_up

    def counting(*args: str) -> tuple[str | None, str | None]:
        asked.append(args)
        return look_up(*args)

    monkeypatch.setattr(support._Places, "_look_up", staticmethod(counting))
    rows = [_row(**{"Số quyết định": str(n)}) for n in range(40)]
    rows += [_row(**{"Xã/phường": "Xã Phú Nam An", "Số quyết định": str(n)}) for n in range(40)]
    _stage(rows, seed, tmp_path)
    assert 2 == len(asked)


# ---------------------------------------------------------------------------------------------
# Establishments.


def test_establishment_keys() -> None:
    key = "công ty tnhh mây tre đan phú vinh"
    for name in [
        "Công ty TNHH Mây tre đan Phú Vinh",
        "CÔNG TY TNHH MÂY TRE ĐAN PHÚ VINH",
        "  Công   ty TNHH  Mây tre đan \u201cPhú Vinh\u201d ",
        "Cty TNHH Mây tre đan Phú Vinh",
        "C.ty TNHH mây tre đan Phú Vinh.",
        "Công ty TNHH Mây tre đan Phu\u0301 Vinh",  # the tone mark typed as a combining mark
    ]:
        assert key == establishment_key(name), name
    assert "hợp tác xã gốm bát tràng" == establishment_key("HTX Gốm Bát Tràng")
    assert key != establishment_key("Công ty TNHH Mây tre đan Phù Vinh")  # another name


def test_the_same_name_in_the_same_commune_is_one_establishment(seed, tmp_path: Path) -> None:
    rows = [
        _row(),
        _row(**{"Năm": "2022", "Ngày quyết định": "", "Tên cơ sở": "CÔNG TY TNHH MÂY TRE ĐAN PHÚ VINH",
                "Huyện": "Chương Mỹ", "Xã/phường": "Phú Nghĩa"}),
        _row(**{"Năm": "2023", "Ngày quyết định": "", "Tên cơ sở": "Công ty TNHH Mây tre đan Phú Vinh"}),
        # the same name in another commune (its ward since 1/7/2025 another): another one
        _row(**{"Xã/phường": "Thị trấn Chúc Sơn", "Số quyết định": "9"}),
    ]  # fmt: skip
    staged, problems = _stage(rows, seed, tmp_path)
    assert [] == _errors(problems)
    ids = [r["establishment_id"] for r in _records(staged)]
    assert ids[0] == ids[1] == ids[2] != ids[3]
    assert "ten:10030:công ty tnhh mây tre đan phú vinh" == ids[0]
    # row 4 written exactly as row 2, in the same place: no decision to show for it
    assert [(3, "name_in_ward", 2)] == [(m.row, m.rule, m.earlier_row) for m in staged.matches]
    assert (2, 2, 0) == (
        staged.establishments,
        staged.establishments_new,
        staged.establishments_known,
    )


def test_the_same_tax_code_is_one_establishment(seed, tmp_path: Path) -> None:
    rows = [
        _row(**{"Mã số thuế": "0101234567"}),
        _row(**{"Năm": "2022", "Ngày quyết định": "", "Mã số thuế": "0101 234 567",
                "Tên cơ sở": "Phú Vinh Rattan Co., Ltd", "Xã/phường": "Xã Đông Sơn"}),
        _row(**{"Mã số thuế": "101234567", "Số quyết định": "8"}),  # Excel dropped the 0
    ]  # fmt: skip
    staged, problems = _stage(rows, seed, tmp_path)
    records = _records(staged)
    assert {"mst:0101234567"} == {r["establishment_id"] for r in records}
    assert ["0101234567"] * 3 == [r["tax_code"] for r in records]
    assert [(3, "tax_code", 2)] == [(m.row, m.rule, m.earlier_row) for m in staged.matches]
    [padded] = _warnings(problems, "support_import.tax_code_padded")
    assert (4, "Mã số thuế") == (padded.row, padded.column)


def test_two_tax_codes_for_one_name_in_one_commune_are_two_establishments(
    seed, tmp_path: Path
) -> None:
    rows = [
        _row(**{"Mã số thuế": "0101234567"}),
        _row(**{"Mã số thuế": "0109999999", "Số quyết định": "2"}),
        _row(**{"Mã số thuế": "abc", "Số quyết định": "3"}),
    ]
    staged, problems = _stage(rows, seed, tmp_path)
    ids = [r["establishment_id"] for r in _records(staged)]
    assert ["mst:0101234567", "mst:0109999999", "mst:0101234567"] == ids
    [conflict] = _warnings(problems, "support_import.tax_conflict")
    assert 3 == conflict.row
    assert "0109999999" in conflict.message("vi") and "0101234567" in conflict.message("vi")
    [bad] = _warnings(problems, "support_import.tax_code_bad")
    assert (4, "Mã số thuế") == (bad.row, bad.column)


def test_separate_undoes_a_decision(seed, tmp_path: Path) -> None:
    rows = [
        _row(),
        _row(**{"Năm": "2022", "Ngày quyết định": "", "Tên cơ sở": "Cty TNHH Mây tre đan Phú Vinh"}),
        _row(**{"Năm": "2023", "Ngày quyết định": "", "Tên cơ sở": "Cty TNHH Mây tre đan Phú Vinh"}),
    ]  # fmt: skip
    staged, _problems = _stage(rows, seed, tmp_path)
    assert [3] == [m.row for m in staged.matches]
    base = "ten:10030:công ty tnhh mây tre đan phú vinh"
    separate(staged, [3])
    ids = [r["establishment_id"] for r in _records(staged)]
    # rows 3 and 4 are written alike: they leave together, under the first one's row
    assert [base, f"{base}#r3", f"{base}#r3"] == ids
    assert [] == staged.matches
    assert 2 == staged.establishments
    assert f"{base}#r3" == staged.preview[1]["establishment_id"]
    with pytest.raises(ValueError, match="99"):
        separate(staged, [99])


# ---------------------------------------------------------------------------------------------
# Duplicates, stored imports.


def test_a_row_repeated_in_the_file_is_an_error_naming_both(seed, tmp_path: Path) -> None:
    rows = [
        _row(),
        _row(**{"Số quyết định": "2"}),
        _row(**{"Tên cơ sở": "CÔNG TY TNHH MÂY TRE ĐAN PHÚ VINH"}),
    ]
    staged, problems = _stage(rows, seed, tmp_path)
    assert staged is None
    [error] = _errors(problems)
    assert (4, "support_import.duplicate_row") == (error.row, error.key)
    assert "dòng 4: Trùng dòng 2" in error.message("vi")
    assert "row 4: Repeats row 2" in error.message("en")
    assert [] == [p.name for p in tmp_path.iterdir()]


def test_a_row_repeating_a_stored_record_names_the_import(built_db, tmp_path: Path) -> None:
    path = _copy(built_db, tmp_path, _stored())
    rows = [_row(**{"Mã số thuế": "0101234567"}), _row(**{"Năm": "2022", "Ngày quyết định": ""})]
    with db.connect(path, read_only=True) as con:
        staged, problems = _stage(rows, con, tmp_path / "out")
    assert staged is None
    [error] = _errors(problems)
    assert (2, "support_import.duplicate_stored") == (error.row, error.key)
    assert "lần nhập 0001-aaaaaaaa, tệp ho_tro_cu.csv, dòng 7" in error.message("vi")
    assert "import 0001-aaaaaaaa, file ho_tro_cu.csv, row 7" in error.message("en")


def test_an_establishment_of_a_stored_import_is_recognised(built_db, tmp_path: Path) -> None:
    path = _copy(built_db, tmp_path, _stored(), _stored(
        establishment="Cơ sở gốm Minh Long", establishment_id="ten:10030:cơ sở gốm minh long",
        establishment_key="cơ sở gốm minh long", tax_code=None, source_line=8,
    ))  # fmt: skip
    rows = [
        # a later year of the stored company, found by its name (no tax code written)
        _row(**{"Năm": "2022", "Ngày quyết định": "", "Tên cơ sở": "CTY TNHH MÂY TRE ĐAN PHÚ VINH"}),
        _row(**{"Năm": "2022", "Ngày quyết định": "", "Tên cơ sở": "CS gốm Minh Long"}),
        _row(**{"Năm": "2022", "Ngày quyết định": "", "Tên cơ sở": "Cơ sở mới"}),
    ]  # fmt: skip
    with db.connect(path, read_only=True) as con:
        staged, problems = _stage(rows, con, tmp_path / "out")
    assert [] == _errors(problems)
    ids = [r["establishment_id"] for r in _records(staged)]
    assert ["mst:0101234567", "ten:10030:cơ sở gốm minh long"] == ids[:2]
    assert (3, 1, 2) == (
        staged.establishments,
        staged.establishments_new,
        staged.establishments_known,
    )
    first, second = staged.matches
    assert (2, "name_in_ward", "0001-aaaaaaaa", 7) == (
        first.row, first.rule, first.earlier_import, first.earlier_line
    )  # fmt: skip
    assert "Công ty TNHH Mây tre đan Phú Vinh" == first.earlier_name
    assert "Row 2 'CTY TNHH MÂY TRE ĐAN PHÚ VINH' is the establishment" in first.text("en")
    assert (3, 8) == (second.row, second.earlier_line)


def test_a_stored_name_with_another_tax_code_is_another_establishment(
    built_db, tmp_path: Path
) -> None:
    path = _copy(built_db, tmp_path, _stored())
    rows = [_row(**{"Mã số thuế": "0109999999", "Năm": "2022", "Ngày quyết định": ""})]
    with db.connect(path, read_only=True) as con:
        staged, problems = _stage(rows, con, tmp_path / "out")
    assert ["mst:0109999999"] == [r["establishment_id"] for r in _records(staged)]
    [warning] = _warnings(problems, "support_import.tax_conflict_stored")
    assert "0001-aaaaaaaa" in warning.message("en")


# ---------------------------------------------------------------------------------------------
# The plan's budget lines.


def test_support_above_the_task_budget_is_a_finding(built_db, tmp_path: Path) -> None:
    # HN-2021-2025 budgets 7.200 triệu đồng for II.1 in 2021 (budget_amounts, line 277 of the
    # decision). Stored 300 + this file's 7.000 = 7.300 > 7.200; the cancelled 5.000 is not
    # counted, nor is the establishments' own 1.000 (đối ứng: not in the plan's lines).
    path = _copy(built_db, tmp_path, _stored(amount_mvnd=300, amount_text="300"))
    rows = [
        _row(**{AMOUNT: "7.000", "Số quyết định": "1", "Tên cơ sở": "Cơ sở A"}),
        _row(**{AMOUNT: "5.000", "Trạng thái": "đã hủy", "Số quyết định": "2"}),
        _row(**{AMOUNT: "1.000", "Nguồn vốn": "đối ứng", "Số quyết định": "3"}),
    ]
    with db.connect(path, read_only=True) as con:
        staged, problems = _stage(rows, con, tmp_path / "out")
    [finding] = _warnings(problems, "support_import.above_plan_task")
    assert finding in staged.findings
    vi = finding.message("vi")
    assert "nhiệm vụ II.1: hỗ trợ 7.300 triệu đồng (tệp này 7.000, các lần nhập trước 300)" in vi
    assert "vượt kế hoạch 7.200 triệu đồng" in vi
    assert "above the plan's 7.200 million VND" in finding.message("en")
    # the year as a whole (50.220 planned in 2021) is not exceeded
    assert [] == _warnings(problems, "support_import.above_plan_year")
    [year] = staged.reconciliation
    assert (7000.0, 300.0, 50220.0) == (
        year["support_mvnd"],
        year["earlier_mvnd"],
        year["plan_mvnd"],
    )
    # totals for the preview: per source, cancelled apart (hand-summed from the three rows)
    assert [
        ("dia_phuong", 2, 7000.0, 1, 5000.0),
        ("doi_ung", 1, 1000.0, 0, 0.0),
    ] == [
        (r["funding_source"], r["records"], r["amount_mvnd"], r["cancelled"], r["cancelled_mvnd"])
        for r in staged.totals
    ]


def test_a_year_or_task_without_budget_lines_is_a_finding(built_db, tmp_path: Path) -> None:
    path = _copy(
        built_db,
        tmp_path,
        "delete from budget_amounts where programme_id = 'HN-2021-2025' and year = 2023",
        "delete from budget_amounts where programme_id = 'HN-2021-2025' and year = 2022"
        " and task_code = 'II.1'",
    )
    rows = [
        _row(**{"Năm": "2023", "Ngày quyết định": ""}),
        _row(**{"Năm": "2022", "Ngày quyết định": ""}),
    ]
    with db.connect(path, read_only=True) as con:
        staged, problems = _stage(rows, con, tmp_path / "out")
    [year] = _warnings(problems, "support_import.year_unbudgeted")
    assert "HN-2021-2025 has no budget lines for 2023" in year.message("en")
    [task] = _warnings(problems, "support_import.task_unbudgeted")
    assert "task II.1 has no planned budget that year; the file gives 250" in task.message("en")
    assert {year, task} <= set(staged.findings)


# ---------------------------------------------------------------------------------------------
# Limits, the staged file, the summary.


def test_more_rows_than_the_limit_stops_reading_early(
    seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert 250_000 == MAX_SUPPORT_ROWS
    monkeypatch.setattr(support, "MAX_SUPPORT_ROWS", 100)
    read = 0

    def rows() -> Iterator[list[str]]:  # a file of a million rows, made as it is read
        nonlocal read
        for n in range(1_000_000):
            read += 1
            yield _row(**{"Số quyết định": str(n)})

    problems: list[Problem] = []
    staged = stage_support("lon.csv", HEADER, rows(), problems, seed, tmp_path)
    assert staged is None
    assert 101 == read  # row 102 of the sheet is never asked for
    [error] = _errors(problems)
    assert (102, "support_import.too_many_rows") == (error.row, error.key)
    assert "hơn 100 dòng dữ liệu: đã dừng đọc" in error.message("vi")
    assert [] == [p.name for p in tmp_path.iterdir()]


def test_errors_are_listed_up_to_fifty_then_counted(seed, tmp_path: Path) -> None:
    rows = [_row(**{AMOUNT: "-1", "Số quyết định": str(n)}) for n in range(60)]
    staged, problems = _stage(rows, seed, tmp_path)
    assert staged is None
    errors = _errors(problems)
    assert 51 == len(errors)
    assert "And 10 more errors (only the first 50 are listed)." == errors[-1].message("en")


def test_the_count_of_further_errors_is_in_the_readers_notation(seed, tmp_path: Path) -> None:
    rows = [_row(**{AMOUNT: "-1", "Số quyết định": str(n)}) for n in range(1_100)]
    _staged, problems = _stage(rows, seed, tmp_path)
    last = _errors(problems)[-1]
    assert ("Và 1.050 lỗi khác (chỉ liệt kê 50 lỗi đầu).", "And 1,050 more errors") == (
        last.message("vi"),
        last.message("en")[: len("And 1,050 more errors")],
    )


def test_the_staged_file_loads_as_support_records(seed, tmp_path: Path) -> None:
    rows = [_row(), _row(**{"Năm": "2022", "Ngày quyết định": "", "Số người hưởng lợi": ""})]
    staged, _problems = _stage(rows, seed, tmp_path)
    with staged.path.open(encoding="utf-8") as handle:
        assert [name for name, _type in SUPPORT_COLUMNS] == next(csv.reader(handle))
    con = duckdb.connect()
    con.execute(SUPPORT_RECORDS_DDL)
    types = {name: kind for name, kind in SUPPORT_COLUMNS}
    con.execute(
        "insert into support_records select * from read_csv($path, header = true, columns = $types)",
        {"path": str(staged.path), "types": types},
    )
    got = con.execute(
        "select year, made_on::varchar, amount_mvnd, beneficiaries, status, import_id,"
        " source_file, source_line from support_records order by source_line"
    ).fetchall()
    assert [
        (2021, "2021-03-15", 250.0, 30, "accepted", None, "ho_tro.csv", 2),
        (2022, None, 250.0, None, "accepted", None, "ho_tro.csv", 3),
    ] == got
    assert 2 == len(staged.preview) and 250.0 == staged.preview[0]["amount_mvnd"]


def test_progress_is_said_while_reading(seed, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(support, "PROGRESS_EVERY", 2)
    said: list[tuple[float, str]] = []
    rows = [_row(**{"Số quyết định": str(n)}) for n in range(5)]
    stage_support("p.csv", HEADER, rows, [], seed, tmp_path, lambda f, s: said.append((f, s)))
    steps = [s for _f, s in said]
    assert ["support_rows", "support_rows"] == steps[:2]
    assert "support_done" == steps[-1] and 1.0 == said[-1][0]
    assert all(a <= b for (a, _s), (b, _t) in pairwise(said))


def test_summary_lines(seed, tmp_path: Path) -> None:
    rows = [
        _row(),
        _row(**{"Năm": "2022", "Ngày quyết định": "", "Tên cơ sở": "CÔNG TY TNHH MÂY TRE ĐAN PHÚ VINH",
                AMOUNT: "1,2 tỷ"}),
        _row(**{"Tên cơ sở": "Cơ sở B", "Trạng thái": "hủy", AMOUNT: "300", "Nguồn vốn": "KCQG"}),
    ]  # fmt: skip
    staged, _problems = _stage(rows, seed, tmp_path)
    vi = "\n".join(summary_lines(staged, "vi"))
    assert "Chương trình: HN-2021-2025" in vi
    assert "3 bản ghi hỗ trợ từ 3 dòng của tệp" in vi
    assert "2 cơ sở: 2 mới, 0 đã có trong các lần nhập trước; 1 quyết định" in vi
    assert "HN-2021-2025 năm 2022, Khuyến công địa phương: 1 bản ghi, 1,2 tỷ đồng" in vi
    assert "(đã hủy: 1 bản ghi, 300 triệu đồng, không cộng vào kinh phí)" in vi
    en = "\n".join(summary_lines(staged, "en"))
    assert "HN-2021-2025 2021, Provincial khuyến công funds: 1 records, 250 million VND" in en
    assert "Findings against the plan: 0" in en
