"""Golden: a holdout-like support file of HN-2021-2025 imported through the product, its totals by
province, district, year, content area and source hand-computed; bad input refused per class.

The file is tests/support_fixture.py (37 rows, 30 establishments, 2024 and 2025); test ids and
comments cite its rows as the user sees them (header = row 1). Every expected figure below is the
sum of the fixture's amounts written out, the cancelled row 23 (180) left out.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import support_fixture as fx

from plans import db, settings
from plans.data import imports, support

ROOT = Path(__file__).resolve().parent.parent
ALL = {"boundary": "current", "provinces": None, "y0": None, "y1": None, "content_area": None}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_state(folder: Path) -> dict[str, str]:
    """Every file under the imports folder with its digest (the lock file aside)."""
    if not folder.is_dir():
        return {}
    return {
        str(p.relative_to(folder)): digest(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture(scope="module", params=["csv", "xlsx"])
def golden(
    request: pytest.FixtureRequest, built_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict]:
    """The fixture imported (validate + commit) into a copy of the seed database."""
    place = tmp_path_factory.mktemp(f"golden-{request.param}")
    path, folder = place / "plans.duckdb", place / "imports"
    shutil.copy(built_db, path)
    rows = fx.table()
    data = fx.to_csv(rows) if request.param == "csv" else fx.to_xlsx(rows)
    name = f"ho_tro_2024_2025.{request.param}"
    staged = imports.validate(name, data, imports_dir=folder, db_path=path)
    assert [] == [p.message("en") for p in staged.errors]
    import_id = imports.commit(staged, data, "Nguyễn Văn A", db_path=path, imports_dir=folder)
    con = db.connect(path, read_only=True)
    yield {"con": con, "staged": staged, "id": import_id, "name": name, "path": path}
    con.close()


def run(golden: dict, name: str, **params) -> list[dict]:
    frame = db.run(golden["con"], name, **(ALL | params))
    return frame.to_dict("records")


def record(golden: dict, row: int) -> dict:
    """The stored record of the fixture's row `row` (each row has one source: one record)."""
    cursor = golden["con"].execute(
        "select * from support_records where source_line = $row", {"row": row}
    )
    found = cursor.fetchall()
    assert 1 == len(found), f"row {row}"
    return dict(zip([d[0] for d in cursor.description], found[0], strict=True))


# --- the fixture itself ------------------------------------------------------------------------


def _package_units() -> tuple[set[tuple[str, str]], set[str]]:
    import vietnamadminunits

    path = Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"
    with sqlite3.connect(path) as con:
        legacy = set(
            con.execute(
                "select district, ward from admin_units_legacy where provinceShort = 'Hà Nội'"
            ).fetchall()
        )
        wards = {
            r[0] for r in con.execute("select ward from admin_units where provinceShort = 'Hà Nội'")
        }
    return legacy, wards


def test_the_fixture_names_real_units_of_ha_noi_before_and_since_the_merger() -> None:
    legacy, wards = _package_units()
    for n, r in enumerate(fx.ROWS, start=2):
        if r.district:  # before 1/7/2025: district and commune of the 63-province units
            assert (r.district, r.commune) in legacy, f"row {n}"
        else:  # rows 22 and 25: a ward of since 1/7/2025, no district
            assert r.commune in wards, f"row {n}"
    assert 37 == len(fx.ROWS)


# --- totals -----------------------------------------------------------------------------------


def test_rows_20_21_22_are_recognised_as_earlier_establishments(golden) -> None:
    """Row 20 = row 2 (the name in upper case with a double space, same commune); row 21 = row 3
    (tax code 0109998801, another name); row 22 = row 4 (Xã Nhị Khê, Huyện Thường Tín became
    Xã Thường Tín on 1/7/2025: the same name in the same ward)."""
    for later, earlier in ((20, 2), (21, 3), (22, 4), (23, 5), (33, 16), (7, 6), (36, 35)):
        assert (
            record(golden, earlier)["establishment_id"] == record(golden, later)["establishment_id"]
        ), f"rows {earlier} and {later}"
    # 32 names written, 30 establishments: rows 20 and 21 join rows 2 and 3
    ids = golden["con"].execute("select count(distinct establishment_id) from support_records")
    assert 30 == ids.fetchone()[0]
    # two establishments of one commune stay two (rows 2 and 28, both Xã Phú Nghĩa)
    assert record(golden, 2)["establishment_id"] != record(golden, 28)["establishment_id"]
    # the preview shows the decisions that join rows written differently: 20 (another
    # spelling) to row 2, 21 (another name, the same tax code) to row 3, 22 (the new ward of
    # row 4's merged commune) to row 4, saying which places were taken for one
    matches = {m.row: m for m in golden["staged"].support.matches}
    rules = {row: (m.rule, m.earlier_row) for row, m in matches.items()}
    assert {20: ("name_in_ward", 2), 21: ("tax_code", 3), 22: ("name_in_ward", 4)} == {
        row: rules[row] for row in (20, 21, 22)
    }
    assert (
        "Dòng 22 'Cơ sở tiện gỗ Nguyễn Văn Hùng' là cùng cơ sở với dòng 4 'Cơ sở tiện gỗ Nguyễn"
        " Văn Hùng': cùng tên, cùng xã/phường từ 1/7/2025 (Xã Thường Tín; trước đó Xã Nhị Khê,"
        " Huyện Thường Tín)."
    ) == matches[22].text("vi")
    assert "cùng tên, cùng xã/phường." in matches[20].text("vi")  # one place, written alike


def test_the_merged_commune_decision_of_row_22_can_be_undone(
    built_db: Path, tmp_path: Path
) -> None:
    # the importer says row 22 is another establishment than row 4: stored apart, 31 in all
    path, folder = tmp_path / "plans.duckdb", tmp_path / "imports"
    shutil.copy(built_db, path)
    data = fx.to_csv(fx.table())
    staged = imports.validate("ho_tro.csv", data, imports_dir=folder, db_path=path)
    imports.separate(staged, [22])
    assert 22 not in {m.row for m in staged.support.matches}
    assert {20, 21} <= {m.row for m in staged.support.matches}  # the others stand
    imports.commit(staged, data, "test", db_path=path, imports_dir=folder)
    con = duckdb.connect(str(path), read_only=True)
    try:
        ids = dict(
            con.execute(
                "select source_line, establishment_id from support_records"
                " where source_line in (4, 22)"
            ).fetchall()
        )
        count = con.execute("select count(distinct establishment_id) from support_records")
        assert 31 == count.fetchone()[0]
    finally:
        con.close()
    assert ids[4] != ids[22]


def test_row_22_counts_under_the_ward_row_4_belongs_to_since_the_merger(golden) -> None:
    before, after = record(golden, 4), record(golden, 22)
    assert "Xã Thường Tín" == before["ward_current"] == after["ward_current"]
    assert before["ward_code"] == after["ward_code"]
    assert "Huyện Thường Tín" == before["district"]
    assert after["district"] is None  # not written: since 1/7/2025 there are no districts
    assert "Xã Nhị Khê" == before["commune"]


def test_by_province_hanoi_rows_2_to_38(golden) -> None:
    """Hà Nội: 36 records (37 rows, row 23 cancelled), 30 establishments.
    amount 2632 (2024) + 2141 (2025) = 4773; beneficiaries 338 + 236 = 574 (below)."""
    (hanoi,) = run(golden, "support_by_province")
    assert "Hà Nội" == hanoi["province"]
    assert 36 == hanoi["records"]
    assert 30 == hanoi["establishments"]
    assert 4773.0 == pytest.approx(hanoi["amount_mvnd"])
    assert 574 == hanoi["beneficiaries"]
    assert 100.0 == pytest.approx(hanoi["share_pct"])


def test_by_year_rows_2_19_and_20_38(golden) -> None:
    # 2024, rows 2-19: 150 + 200 + 85,5 + 120 + 300 + 450,5 + 96 + 175 + 130,5 + 160 + 45 + 210
    #   + 38,5 + 72 + 140 + 115 + 60 + 84 = 2632; beneficiaries 25 + 40 + 12 + 35 + 30 + 30 + 18
    #   + 15 + 20 + 22 + 25 + 16 + 14 + 8 + 28 = 338 (rows 7, 12, 14 write none)
    # 2025, rows 20-38 without row 23: 110 + 250 + 95,5 + 125 + 90 + 55 + 64,5 + 42 + 135 + 30
    #   + 165 + 78 + 66 + 145 + 280 + 320 + 50 + 40 = 2141; beneficiaries 30 + 35 + 10 + 12 + 9
    #   + 20 + 15 + 14 + 26 + 22 + 12 + 25 + 6 = 236
    got = {
        r["year"]: (r["records"], r["amount_mvnd"], r["beneficiaries"])
        for r in run(golden, "support_by_year")
    }
    assert [2024, 2025] == sorted(got)
    assert (18, pytest.approx(2632.0), 338) == got[2024]
    assert (18, pytest.approx(2141.0), 236) == got[2025]


def test_by_district_as_written_and_the_wards_of_rows_22_and_25(golden) -> None:
    expected = {
        # (district, ward): (records, amount) — the rows and their amounts
        ("Huyện Phú Xuyên", None): (5, 1021.5),  # 6, 7, 8, 24, 37: 300 + 450,5 + 96 + 125 + 50
        ("Huyện Hoài Đức", None): (5, 965.5),  # 9, 10, 18, 35, 36: 175 + 130,5 + 60 + 280 + 320
        ("Huyện Gia Lâm", None): (4, 690.0),  # 3, 13, 21, 30: 200 + 210 + 250 + 30
        ("Huyện Thường Tín", None): (5, 487.0),  # 4, 5, 14, 31, 32: 85,5 + 120 + 38,5 + 165 + 78
        ("Huyện Chương Mỹ", None): (5, 482.0),  # 2, 12, 20, 28, 29: 150 + 45 + 110 + 42 + 135
        ("Huyện Thanh Oai", None): (4, 363.5),  # 11, 19, 26, 27: 160 + 84 + 55 + 64,5
        ("Huyện Ứng Hòa", None): (4, 318.0),  # 15, 16, 33, 38: 72 + 140 + 66 + 40
        ("Huyện Quốc Oai", None): (2, 260.0),  # 17, 34: 115 + 145
        (None, "Xã Thường Tín"): (1, 95.5),  # 22 (after 1/7/2025, no district)
        (None, "Xã Dương Hòa"): (1, 90.0),  # 25 (after 1/7/2025, no district)
    }  # sum: 1021,5 + 965,5 + 690 + 487 + 482 + 363,5 + 318 + 260 + 95,5 + 90 = 4773
    # row 23 (Huyện Thường Tín, cancelled, 180) is in none of them

    def none(v):
        return None if v is None or v != v else v

    rows = run(golden, "support_by_district")
    got = {(none(r["district"]), none(r["ward"])): (r["records"], r["amount_mvnd"]) for r in rows}
    assert expected.keys() == got.keys()
    for key, (records, amount) in expected.items():
        assert records == got[key][0], key
        assert amount == pytest.approx(got[key][1]), key
    assert {"Hà Nội"} == {r["province"] for r in rows}
    # the largest district first: Phú Xuyên, 1021,5 of 4773 = 21,4 %
    assert "Huyện Phú Xuyên" == rows[0]["district"]
    assert 100 * 1021.5 / 4773 == pytest.approx(rows[0]["share_pct"])


def test_by_area_tasks_and_areas_written_rows_19_and_26(golden) -> None:
    expected = {
        # I.1 rows 5, 8, 15, 20, 27, 32, 33 and row 19 ("Đào tạo nghề, …" written):
        # 120 + 96 + 72 + 84 + 110 + 64,5 + 78 + 66 = 690,5
        "KC1": (8, 690.5),
        # II.1 and II.2, 20 rows: 150 + 200 + 85,5 + 300 + 450,5 + 175 + 130,5 + 160 + 210 + 140
        #   + 115 + 250 + 95,5 + 125 + 90 + 135 + 165 + 145 + 280 + 320 = 3722
        "KC3": (20, 3722.0),
        # III.4.1 rows 12, 14, 28, 38 and III.3 row 30: 45 + 38,5 + 42 + 40 + 30 = 195,5
        "KC4": (5, 195.5),
        # IV.3.1 rows 18, 37 and row 26 ("KC5" written): 60 + 50 + 55 = 165
        "KC5": (3, 165.0),
    }  # 690,5 + 3722 + 195,5 + 165 = 4773
    got = {
        r["content_area"]: (r["records"], r["amount_mvnd"]) for r in run(golden, "support_by_area")
    }
    assert expected.keys() == got.keys()
    for area, (records, amount) in expected.items():
        assert records == got[area][0], area
        assert amount == pytest.approx(got[area][1]), area
    kc3 = run(golden, "support_by_year", content_area="KC3")
    # KC3 by year: 2024 rows 2, 3, 4, 6, 7, 9, 10, 11, 13, 16, 17: 150 + 200 + 85,5 + 300 + 450,5
    #   + 175 + 130,5 + 160 + 210 + 140 + 115 = 2116,5; 2025: 3722 - 2116,5 = 1605,5
    assert [2116.5, 1605.5] == pytest.approx([r["amount_mvnd"] for r in kc3])


def test_by_source_the_words_of_the_nguon_von_column(golden) -> None:
    expected = {
        # "KCQG", rows 3, 6, 13, 21, 29, 35: 200 + 300 + 210 + 250 + 135 + 280 = 1375
        "trung_uong": (6, 1375.0),
        # "Ngân sách thành phố", the 28 other rows: 4773 - 1375 - 770,5 = 2627,5
        "dia_phuong": (28, 2627.5),
        # "Vốn đối ứng của cơ sở", rows 7 and 36: 450,5 + 320 = 770,5
        "doi_ung": (2, 770.5),
    }
    got = {
        r["funding_source"]: (r["records"], r["amount_mvnd"])
        for r in run(golden, "support_by_source")
    }
    assert expected.keys() == got.keys()
    for source, (records, amount) in expected.items():
        assert records == got[source][0], source
        assert amount == pytest.approx(got[source][1]), source


def test_status_counts_the_cancelled_row_23(golden) -> None:
    # accepted: rows 2-19 ("Đã nghiệm thu"), 2632; approved: rows 20-38 but 23 ("Đã phê duyệt",
    # "Phê duyệt", row 24 empty), 2141; cancelled: row 23 ("Hủy"), 180
    got = {
        r["status"]: (r["records"], r["amount_mvnd"]) for r in run(golden, "support_status_counts")
    }
    assert {"accepted": (18, 2632.0), "approved": (18, 2141.0), "cancelled": (1, 180.0)} == {
        k: (n, pytest.approx(a)) for k, (n, a) in got.items()
    }
    assert "cancelled" == record(golden, 23)["status"]
    assert 180.0 == record(golden, 23)["amount_mvnd"]


def test_amounts_are_read_in_officials_notation_rows_4_5_7(golden) -> None:
    assert (85.5, "85,5") == (record(golden, 4)["amount_mvnd"], record(golden, 4)["amount_text"])
    assert 120.0 == record(golden, 5)["amount_mvnd"]  # "120 triệu đồng"
    assert 450.5 == record(golden, 7)["amount_mvnd"]
    assert record(golden, 7)["beneficiaries"] is None  # not written: null, not 0


def test_the_records_cite_the_file_and_the_import(golden) -> None:
    got = (
        golden["con"]
        .execute("select distinct import_id, source_file from support_records")
        .fetchall()
    )
    assert [(golden["id"], golden["name"])] == got
    lines = (
        golden["con"]
        .execute("select min(source_line), max(source_line), count(*) from support_records")
        .fetchone()
    )
    assert (2, 38, 37) == lines


# --- bad input ---------------------------------------------------------------------------------


@pytest.fixture()
def place(tmp_path: Path, built_db: Path) -> dict[str, Path]:
    """A private database with the golden file already imported, and its imports folder."""
    path, folder = tmp_path / "plans.duckdb", tmp_path / "imports"
    shutil.copy(built_db, path)
    data = fx.to_csv(fx.table())
    staged = imports.validate("ho_tro.csv", data, imports_dir=folder, db_path=path)
    imports.commit(staged, data, "test", db_path=path, imports_dir=folder)
    return {"db": path, "imports": folder}


def _amended() -> list[list[str]]:
    """The fixture sent again as an amended list (decisions "…-BS"): none of its rows repeats a
    stored record, so a bad row is the file's only error."""
    rows = fx.table()
    at = fx.HEADER.index("so_quyet_dinh")
    for cells in rows[1:]:
        cells[at] += "-BS"
    return rows


def _changed(row: int, **cells: str) -> bytes:
    """The amended fixture with row `row`'s cells (template columns) changed."""
    rows = _amended()
    for column, value in cells.items():
        rows[row - 1][fx.HEADER.index(column)] = value
    return fx.to_csv(rows)


BAD = [
    # (id, row, changes, the column as the file writes it, words of the message in vi, in en)
    ("negative-amount-row-9", 9, {"kinh_phi": "-175"}, "kinh_phi", ["-175"], ["-175"]),
    (
        "unknown-programme-row-12",
        12,
        {"ma_chuong_trinh": "HN-2031-2035"},
        "ma_chuong_trinh",
        ["HN-2031-2035"],
        ["HN-2031-2035"],
    ),
    (
        "year-outside-the-period-row-30",
        30,
        {"nam": "2026", "ngay_quyet_dinh": "10/03/2026"},
        "nam",
        ["2026", "2021", "2025"],
        ["2026", "2021", "2025"],
    ),
]


def assert_nothing_stored(place: dict[str, Path], before_db: str, before: dict) -> None:
    assert before_db == digest(place["db"])
    assert before == folder_state(place["imports"])


@pytest.mark.parametrize(
    ("row", "cells", "column", "vi", "en"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_a_bad_row_is_refused_naming_row_and_column_and_nothing_is_stored(
    place, row: int, cells: dict, column: str, vi: list[str], en: list[str]
) -> None:
    before_db, before = digest(place["db"]), folder_state(place["imports"])
    data = _changed(row, **cells)
    staged = imports.validate(
        "ho_tro_sai.csv", data, imports_dir=place["imports"], db_path=place["db"]
    )
    assert 1 == len(staged.errors), staged.report("en")
    (error,) = staged.errors
    assert (row, column) == (error.row, error.column)
    for lang, words in (("vi", vi), ("en", en)):
        text = error.message(lang)
        where = {"vi": (f"dòng {row}", f"cột {column}"), "en": (f"row {row}", f"column {column}")}
        for part in (*where[lang], *words):
            assert part.lower() in text.lower(), (lang, text)
        assert "imports/" not in text and "support_records" not in text, text
    with pytest.raises(ValueError):
        imports.commit(staged, data, "test", db_path=place["db"], imports_dir=place["imports"])
    assert_nothing_stored(place, before_db, before)


def test_a_bad_row_in_the_users_own_headers_is_named_by_that_header(place) -> None:
    """The message names the column as the file writes it ('Kinh phí hỗ trợ (triệu đồng)')."""
    rows = _amended()
    own = {
        "co_so": "Tên cơ sở",
        "xa_phuong": "Xã/phường",
        "kinh_phi": "Kinh phí hỗ trợ (triệu đồng)",
    }
    rows[0] = [own.get(c, c) for c in rows[0]]
    rows[8][fx.HEADER.index("kinh_phi")] = "-175"
    before_db, before = digest(place["db"]), folder_state(place["imports"])
    staged = imports.validate(
        "ho_tro_cot.csv", fx.to_csv(rows), imports_dir=place["imports"], db_path=place["db"]
    )
    assert [(9, "Kinh phí hỗ trợ (triệu đồng)")] == [(p.row, p.column) for p in staged.errors]
    assert "Kinh phí hỗ trợ (triệu đồng)" in staged.errors[0].message("vi")
    assert_nothing_stored(place, before_db, before)


def _million_rows() -> bytes:
    """1.000.000 data rows of the minimal columns (about 33 MB: under the support byte limit,
    so the row limit is what refuses it)."""
    head = "ma_chuong_trinh,nam,co_so,kinh_phi\n"
    body = "".join(f"HN-2021-2025,2024,Cơ sở {i},{10 + i % 90}\n" for i in range(1_000_000))
    return (head + body).encode("utf-8")


def test_a_file_of_a_million_rows_is_refused_at_the_row_limit_and_nothing_is_stored(place) -> None:
    data = _million_rows()
    assert len(data) < settings.MAX_SUPPORT_BYTES  # the rows, not the bytes, are over the limit
    before_db, before = digest(place["db"]), folder_state(place["imports"])
    began = time.perf_counter()
    staged = imports.validate(
        "mot_trieu_dong.csv", data, imports_dir=place["imports"], db_path=place["db"]
    )
    seconds = time.perf_counter() - began
    limit = support.MAX_SUPPORT_ROWS
    (error,) = [p for p in staged.errors if p.key == "support_import.too_many_rows"]
    assert limit + 2 == error.row  # the first row over the limit (the header is row 1)
    for lang in ("vi", "en"):
        text = error.message(lang)
        assert f"{limit:,}".replace(",", "." if lang == "vi" else ",") in text, text
    assert staged.support is None
    assert_nothing_stored(place, before_db, before)
    print(f"1.000.000 rows refused in {seconds:.1f} s")


def test_the_command_line_refuses_a_bad_file_and_stores_nothing(place, tmp_path: Path) -> None:
    file = tmp_path / "ho_tro_am.csv"
    file.write_bytes(_changed(9, kinh_phi="-175"))
    before_db, before = digest(place["db"]), folder_state(place["imports"])
    env = {
        "PLANS_DB": str(place["db"]),
        "PLANS_IMPORTS_DIR": str(place["imports"]),
        "PLANS_STRICT_MESSAGES": "1",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-m", "plans", "import", str(file)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert 0 != done.returncode
    said = done.stdout + done.stderr
    assert "dòng 9" in said and "kinh_phi" in said and "-175" in said, said
    assert_nothing_stored(place, before_db, before)
    with duckdb.connect(str(place["db"]), read_only=True) as con:
        assert 37 == con.execute("select count(*) from support_records").fetchone()[0]
