"""Support records from a file, end to end: validate, commit, build, remove, CLI, template, page."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from benchmarks.bench_imports import plan_variant, tables
from plans import settings
from plans.data import imports, support, templates
from plans.data.build import BuildError, build, built_from, data_checksum
from plans.data.reading import iter_table

ROOT = Path(__file__).resolve().parent.parent
HN = "HN-2021-2025"
HEADER = support.SUPPORT_HEADER

# Three records of Hanoi 2021-2025 as a khuyến công centre lists them. Rows 2 and 3 are one
# establishment written two ways (the name in capitals, no tax code on row 3: the same
# normalised name in the same commune); row 4 is a cancelled project of another one.
RECORDS: list[dict[str, str]] = [
    {
        "ma_chuong_trinh": HN,
        "nam": "2022",
        "ngay_quyet_dinh": "15/03/2022",
        "so_quyet_dinh": "12/QĐ-SCT",
        "huyen": "Chương Mỹ",
        "xa_phuong": "Phú Nghĩa",
        "co_so": "Công ty TNHH Mây tre đan Phú Vinh",
        "ma_so_thue": "0101234567",
        "ma_nhiem_vu": "III.1.1",
        "kinh_phi": "250",
        "nguon_von": "KCQG",
        "so_nguoi_huong_loi": "20",
        "trang_thai": "đã nghiệm thu",
    },
    {
        "ma_chuong_trinh": HN,
        "nam": "2023",
        "ngay_quyet_dinh": "10/04/2023",
        "so_quyet_dinh": "30/QĐ-SCT",
        "huyen": "Chương Mỹ",
        "xa_phuong": "Phú Nghĩa",
        "co_so": "CÔNG TY TNHH MÂY TRE ĐAN PHÚ VINH",
        "ma_nhiem_vu": "III.1.1",
        "kinh_phi": "1,2 tỷ",
        "nguon_von": "ngân sách thành phố",
        "trang_thai": "đã phê duyệt",
    },
    {
        "tinh": "Hà Nội",
        "giai_doan": "2021-2025",
        "nam": "2023",
        "so_quyet_dinh": "31/QĐ-SCT",
        "huyen": "Thanh Oai",
        "xa_phuong": "Bình Minh",
        "co_so": "HTX Mây tre Bình Minh",
        "linh_vuc": "KC4",
        "kinh_phi": "150 triệu đồng",
        "nguon_von": "đối ứng",
        "so_nguoi_huong_loi": "5",
        "trang_thai": "hủy",
    },
]
# What they become in support_records: (source_line, year, made_on, funding_source,
# amount_mvnd, status); "1,2 tỷ" is 1.200 triệu đồng.
STORED = [
    (2, 2022, "2022-03-15", "trung_uong", 250.0, "accepted"),
    (3, 2023, "2023-04-10", "dia_phuong", 1200.0, "approved"),
    (4, 2023, None, "doi_ung", 150.0, "cancelled"),
]
# The headers officials write (plans.data.support.ALIASES reads them) for the same columns.
OWN_HEADERS = {
    "ma_chuong_trinh": "Mã chương trình",
    "tinh": "Tỉnh",
    "giai_doan": "Giai đoạn",
    "nam": "Năm",
    "ngay_quyet_dinh": "Ngày quyết định",
    "so_quyet_dinh": "Số quyết định",
    "huyen": "Huyện",
    "xa_phuong": "Xã/phường",
    "co_so": "Tên cơ sở",
    "ma_so_thue": "Mã số thuế",
    "ma_nhiem_vu": "Mã nhiệm vụ",
    "linh_vuc": "Lĩnh vực",
    "kinh_phi": "Kinh phí hỗ trợ (triệu đồng)",
    "nguon_von": "Nguồn vốn",
    "so_nguoi_huong_loi": "Số người hưởng lợi",
    "trang_thai": "Trạng thái",
    "ghi_chu": "Ghi chú",
}


def support_csv(records: list[dict[str, str]], own_headers: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([OWN_HEADERS[c] for c in HEADER] if own_headers else HEADER)
    for record in records:
        writer.writerow([record.get(c, "") for c in HEADER])
    return buffer.getvalue().encode("utf-8")


def support_xlsx(records: list[dict[str, str]]) -> bytes:
    """The records in a workbook with the officials' headers, figures and dates as Excel cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([OWN_HEADERS[c] for c in HEADER])
    for record in records:
        cells: list[Any] = []
        for column in HEADER:
            value = record.get(column, "")
            if column in ("nam", "so_nguoi_huong_loi") and value:
                value = int(value)
            elif column == "kinh_phi" and value.isdigit():
                value = float(value)  # a number cell: read as '250', the same figure
            elif column == "ngay_quyet_dinh" and value:
                value = datetime.strptime(value, "%d/%m/%Y")  # a date cell
            cells.append(value if value != "" else None)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture()
def place(tmp_path: Path, built_db: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A private database (a copy of the session one), an empty imports folder, and a temporary
    folder of its own (so a staging left behind would be seen)."""
    db = tmp_path / "plans.duckdb"
    shutil.copy(built_db, db)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return {"db": db, "imports": tmp_path / "imports", "dir": tmp_path, "tmp": scratch}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check(place: dict[str, Path], name: str, data: bytes, **kw: Any) -> imports.Staged:
    return imports.validate(name, data, imports_dir=place["imports"], db_path=place["db"], **kw)


def store(place: dict[str, Path], name: str, data: bytes, **kw: Any) -> str:
    staged = check(place, name, data, **kw)
    assert [] == [p.message("en") for p in staged.errors]
    return imports.commit(staged, data, "test", db_path=place["db"], imports_dir=place["imports"])


def remove(place: dict[str, Path], import_id: str) -> None:
    imports.remove(import_id, db_path=place["db"], imports_dir=place["imports"])


def stored(db: Path, columns: str = "*", where: str = "true") -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        sql = f"select {columns} from support_records where {where} order by import_id, source_line"  # sql: the test's own
        return con.execute(sql).fetchall()


def one(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def folder_listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def assert_equals_full_build(place: dict[str, Path]) -> None:
    """The incrementally kept file has the tables, table by table, of a full build."""
    fresh = place["dir"] / "fresh" / "plans.duckdb"
    fresh.parent.mkdir(exist_ok=True)
    build(fresh, settings.DATA_DIR, place["imports"])
    expected, got = tables(fresh), tables(place["db"])
    assert sorted(expected) == sorted(got)
    for name in expected:
        assert expected[name][0] == got[name][0], f"columns of {name}"
        assert expected[name][1] == got[name][1], f"rows of {name}"
    assert data_checksum(settings.DATA_DIR, place["imports"]) == built_from(place["db"])
    shutil.rmtree(fresh.parent)


# --- validate, commit, remove -------------------------------------------------------------------


def test_a_support_file_goes_in_with_its_rows_and_leaves_with_them(place) -> None:
    before, tables_before = digest(place["db"]), tables(place["db"])
    data = support_csv(RECORDS)
    staged = check(place, "ho_tro_2022_2023.csv", data)
    assert "support" == staged.kind
    assert [] == [p.message("en") for p in staged.errors]
    assert HN == staged.programme_id
    assert 3 == staged.support.rows
    # checking wrote nothing: the database file byte for byte, no import folder
    assert before == digest(place["db"])
    assert [] == folder_listing(place["imports"])

    import_id = store(place, "ho_tro_2022_2023.csv", data)
    rows = stored(
        place["db"], "import_id, source_file, source_line, year, made_on, funding_source,"
        " amount_mvnd, status, establishment_id",
    )  # fmt: skip
    assert [(import_id, "ho_tro_2022_2023.csv")] * 3 == [r[:2] for r in rows]
    made = [(r[2], r[3], r[4] and r[4].isoformat(), r[5], r[6], r[7]) for r in rows]
    assert STORED == made
    # rows 2 and 3 are one establishment (capitals, same commune); row 4 another
    assert rows[0][8] == rows[1][8] != rows[2][8]
    # the pre-aggregates: 250 (2022, trung_uong) and 1.200 (2023, dia_phuong) by hand; the
    # cancelled 150 of row 4 is kept in support_records but summed nowhere
    cells = one(
        place["db"],
        "select year, funding_source, records, amount_mvnd from support_cells order by year",
    )
    assert [(2022, "trung_uong", 1, 250.0), (2023, "dia_phuong", 1, 1200.0)] == cells
    establishments = one(
        place["db"], "select records, names_written, amount_mvnd from support_establishments"
    )
    assert [(2, 2, 1450.0)] == establishments  # 250 + 1.200 under two spellings
    meta = json.loads((place["imports"] / import_id / "meta.json").read_text(encoding="utf-8"))
    assert ("support", HN, 3) == (meta["kind"], meta["programme_id"], meta["records"])
    assert (place["imports"] / import_id / "tables" / "support_records.csv").is_file()
    del staged  # the staging of a check goes with it; the one stored went at commit
    assert [] == [p.name for p in place["tmp"].iterdir()], "no staging left behind"

    remove(place, import_id)
    assert tables_before == tables(place["db"])


def test_an_xlsx_with_the_officials_own_headers_stores_the_same_records(place) -> None:
    data = support_xlsx(RECORDS)
    header, rows = iter_table("ho_tro.xlsx", data, [])
    rows.close()
    assert support.is_support_header(header)
    store(place, "ho_tro.xlsx", data)
    rows = stored(place["db"], "source_line, year, made_on, funding_source, amount_mvnd, status")
    assert STORED == [(r[0], r[1], r[2] and r[2].isoformat(), *r[3:]) for r in rows]
    assert {"ho_tro.xlsx"} == {r[0] for r in stored(place["db"], "source_file")}


def test_imports_and_removals_of_support_records_equal_a_full_build(place, monkeypatch) -> None:
    # every write below goes the incremental way: a full rebuild would hide a wrong one
    def no_rebuild(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("rebuilt in full")

    monkeypatch.setattr(imports, "build", no_rebuild)
    nam_dinh = store(place, "nd.csv", plan_variant("Nam Định", 2021, "Khuyến công Nam Định"))
    hanoi = store(place, "hn.csv", support_csv(RECORDS))
    nd_records = [
        {**r, "ma_chuong_trinh": "ND-2021-2025", "tinh": "", "giai_doan": "", "huyen": "Ý Yên",
         "xa_phuong": "Yên Tiến", "ma_so_thue": ""}
        for r in RECORDS
    ]  # fmt: skip
    nd_support = store(place, "nd_ho_tro.csv", support_csv(nd_records))
    assert_equals_full_build(place)
    remove(place, hanoi)
    assert_equals_full_build(place)
    store(place, "hn_again.csv", support_csv(RECORDS[:2]))  # another file of the same records
    assert_equals_full_build(place)
    assert 5 == len(stored(place["db"]))
    # the plan its support records belong to stays while they are stored
    before = digest(place["db"])
    with pytest.raises(BuildError) as refused:
        remove(place, nam_dinh)
    assert {"data.support_orphan"} == {e.key for e in refused.value.errors}
    assert nd_support in refused.value.report("vi")
    assert before == digest(place["db"])
    remove(place, nd_support)
    remove(place, nam_dinh)
    assert_equals_full_build(place)


def test_the_inputs_checksum_reads_the_support_file(place) -> None:
    import_id = store(place, "hn.csv", support_csv(RECORDS))
    before = data_checksum(settings.DATA_DIR, place["imports"])
    path = place["imports"] / import_id / "tables" / "support_records.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",250.0,", ",260.0,"), "utf-8")
    assert before != data_checksum(settings.DATA_DIR, place["imports"])


def test_an_unreadable_support_file_stops_the_build_naming_the_import(place) -> None:
    import_id = store(place, "hn.csv", support_csv(RECORDS))
    path = place["imports"] / import_id / "tables" / "support_records.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",1200.0,", ",một nghìn,")  # line 3 of the stored file
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fresh = place["dir"] / "fresh.duckdb"
    with pytest.raises(BuildError) as failed:
        build(fresh, settings.DATA_DIR, place["imports"])
    [error] = failed.value.errors
    assert ("data.support_unreadable", 3, "amount_mvnd") == (error.key, error.line, error.column)
    for lang in ("vi", "en"):
        text = failed.value.report(lang)
        assert import_id in text
        assert str(place["dir"]) not in text, "never a path on the server"
    assert not fresh.exists()


# --- bad input ---------------------------------------------------------------------------------


def _with(row: int, **cells: str) -> list[dict[str, str]]:
    """RECORDS with the cells of sheet row `row` (header = row 1) changed."""
    changed = [dict(r) for r in RECORDS]
    changed[row - 2].update(cells)
    return changed


@pytest.mark.parametrize(
    ("records", "row", "column", "words_vi", "words_en"),
    [
        pytest.param(_with(3, kinh_phi="-1.200"), 3, "Kinh phí hỗ trợ (triệu đồng)", "-1.200",
                     "-1.200", id="negative amount"),
        pytest.param(_with(2, ma_chuong_trinh="HN-2031-2035"), 2, "Mã chương trình",
                     "HN-2031-2035", "HN-2031-2035", id="unknown programme"),
        pytest.param(_with(3, nam="2027", ngay_quyet_dinh=""), 3, "Năm", "2027", "2027",
                     id="year outside the period"),
        pytest.param(_with(4, co_so=""), 4, "Tên cơ sở", "", "", id="no establishment"),
    ],
)  # fmt: skip
def test_a_bad_cell_is_refused_naming_its_row_and_column(
    place, records: list[dict[str, str]], row: int, column: str, words_vi: str, words_en: str
) -> None:
    before = digest(place["db"])
    staged = check(place, "ho_tro.csv", support_csv(records, own_headers=True))
    assert staged.errors
    [error] = [p for p in staged.errors if p.row == row]
    assert column == error.column  # the user's own header, not the template's name
    vi, en = error.message("vi"), error.message("en")
    assert vi.startswith(f"dòng {row}, cột {column}") and en.startswith(f"row {row}, column")
    assert words_vi in vi and words_en in en and vi != en
    assert staged.support is None
    with pytest.raises(ValueError):
        imports.commit(staged, b"", "test", db_path=place["db"], imports_dir=place["imports"])
    assert before == digest(place["db"])
    assert [] == folder_listing(place["imports"])
    assert [] == [p.name for p in place["tmp"].iterdir()], "no staging left behind"


def test_a_record_already_stored_is_refused(place) -> None:
    store(place, "hn.csv", support_csv(RECORDS))
    before = digest(place["db"])
    staged = check(place, "hn_lai.csv", support_csv(RECORDS[:1]))  # the same record again
    assert [2] == [p.row for p in staged.errors]
    assert before == digest(place["db"])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_more_rows_than_the_limit_are_refused(place, monkeypatch, fmt: str) -> None:
    # The limit lowered to 2 rows (250.000 would take a minute to read in a test): the
    # third record is one too many, whichever way the file is read.
    monkeypatch.setattr(support, "MAX_SUPPORT_ROWS", 2)
    before = digest(place["db"])
    data = support_csv(RECORDS) if fmt == "csv" else support_xlsx(RECORDS)
    staged = check(place, f"ho_tro.{fmt}", data)
    assert ["support_import.too_many_rows"] == [p.key for p in staged.errors]
    assert 4 == staged.errors[0].row  # the first row over the limit
    assert "2" in staged.errors[0].message("vi") and "2" in staged.errors[0].message("en")
    assert before == digest(place["db"])
    assert [] == folder_listing(place["imports"])


def test_one_row_over_the_real_limit_is_refused_before_the_rows_are_read(place) -> None:
    # 250.001 records (37 MB, under the byte limit): counted before any is read as a record,
    # so the refusal takes about a second, not the minute reading 250.000 rows would
    line = support_csv(RECORDS[:1]).split(b"\n")[1] + b"\n"
    data = b",".join(h.encode() for h in HEADER) + b"\n" + line * (support.MAX_SUPPORT_ROWS + 1)
    assert len(data) < settings.MAX_SUPPORT_BYTES
    before = digest(place["db"])
    staged = check(place, "qua_nhieu.csv", data)
    assert ["support_import.too_many_rows"] == [p.key for p in staged.errors]
    assert 250_002 == staged.errors[0].row  # the header is row 1: the 250.001st record
    # the limit in the reader's notation, in each language
    assert "250.000" in staged.errors[0].text("vi") and "250,000" in staged.errors[0].text("en")
    assert before == digest(place["db"])
    assert [] == folder_listing(place["imports"])


def test_a_file_of_a_million_rows_is_refused_before_it_is_read(place) -> None:
    # 1.000.000 rows of ~90 bytes: over the 64 MB a support file may have (PLANS_MAX_SUPPORT_MB)
    line = support_csv(RECORDS[:1]).split(b"\n")[1] + b"\n"
    data = b",".join(h.encode() for h in HEADER) + b"\n" + line * 1_000_000
    assert len(data) > settings.MAX_SUPPORT_BYTES
    before = digest(place["db"])
    staged = check(place, "mot_trieu_dong.csv", data)
    [error] = staged.errors
    assert "import.too_large" == error.key
    assert settings.MAX_SUPPORT_BYTES // 2**20 == dict(error.fields)["limit"]
    assert before == digest(place["db"])


def test_a_plan_over_the_plan_limit_is_refused_though_a_support_file_may_be_that_large(
    place, monkeypatch
) -> None:
    # 2 KB for plans, 64 MB for support files: the support CSV of 1 KB … 2 KB passes, a plan
    # of the same size does not
    monkeypatch.setattr(settings, "MAX_UPLOAD_BYTES", 512)
    data = support_csv(RECORDS)
    assert 512 < len(data) < settings.MAX_SUPPORT_BYTES
    assert [] == check(place, "ho_tro.csv", data).errors
    plan = templates.to_csv(templates.plan_rows())
    assert ["import.too_large"] == [p.key for p in check(place, "ke_hoach.csv", plan).errors]


# --- the template ------------------------------------------------------------------------------


def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plans", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_support_template_is_its_header_and_a_guide(tmp_path: Path) -> None:
    out = tmp_path / "mau_ho_tro.csv"
    done = cli("template", "--kind", "support", "--period", "2021-2025", "--out", str(out))
    assert 0 == done.returncode, done.stderr
    assert [HEADER] == list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert "không có dòng ví dụ" in done.stdout  # no invented records
    book = tmp_path / "mau_ho_tro.xlsx"
    done = cli("template", "--kind", "support", "--period", "2026-2030", "--lang", "en",
               "--out", str(book))  # fmt: skip
    assert 0 == done.returncode, done.stderr
    workbook = openpyxl.load_workbook(book)
    assert [HEADER] == [list(r) for r in workbook["du_lieu"].iter_rows(values_only=True)]
    guide: dict[str, str] = {}  # each column's first line (notes under the table name some)
    for name, meaning, *_ in workbook["huong_dan"].iter_rows(values_only=True):
        guide.setdefault(name or "", meaning)
    for column in [*HEADER, *support.WIDE_AMOUNTS]:
        assert templates.support_column_meaning(column, "en") == guide[column]
    # the guide speaks the language asked for (the default one: Vietnamese)
    assert templates.support_column_meaning("co_so", "vi").startswith("Tên cơ sở")
    assert templates.support_column_meaning("co_so", "en").startswith("The supported")
    # the template itself reads as a support file with no rows yet
    header, rows = iter_table("mau.csv", out.read_bytes(), [])
    assert support.is_support_header(header) and [] == list(rows)


# --- the command line --------------------------------------------------------------------------


def test_the_command_checks_stores_and_undoes_an_identity_decision(place) -> None:
    env = {"PLANS_DB": str(place["db"]), "PLANS_IMPORTS_DIR": str(place["imports"])}
    path = place["dir"] / "ho_tro.csv"
    path.write_bytes(support_csv(RECORDS))
    before = digest(place["db"])
    done = cli("--lang", "en", "import", str(path), "--dry-run", **env)
    assert 0 == done.returncode, done.stderr
    assert "ho_tro.csv: 0 errors" in done.stdout
    summary = support.summary_lines(check(place, "ho_tro.csv", path.read_bytes()).support, "en")
    assert summary[0] in done.stdout and summary[-1] in done.stdout
    assert before == digest(place["db"])
    assert [] == folder_listing(place["imports"])

    # a row the file does not hold: refused in the reader's words, nothing stored
    done = cli("import", str(path), "--kind", "support", "--separate", "3,99", **env)
    assert 1 == done.returncode
    assert "Không có dòng 99 trong tệp đã kiểm tra" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "rows not staged" not in done.stderr
    assert before == digest(place["db"])
    assert [] == folder_listing(place["imports"])

    # row 3 is another establishment than row 2, says the importer: stored apart
    done = cli("import", str(path), "--kind", "support", "--separate", "3", **env)
    assert 0 == done.returncode, done.stderr
    first, second, _third = (r[0] for r in stored(place["db"], "establishment_id"))
    assert first != second
    [record] = imports.list_imports(place["imports"])
    assert record["id"] in done.stdout

    bad = place["dir"] / "sai.csv"
    bad.write_bytes(support_csv(_with(2, kinh_phi="-5")))
    before = digest(place["db"])
    done = cli("import", str(bad), **env)
    assert 1 == done.returncode
    assert "dòng 2" in done.stdout
    assert before == digest(place["db"])


# --- the page ----------------------------------------------------------------------------------


def test_the_page_previews_a_support_file_and_stores_it_with_a_decision_undone(
    private_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apptest import open_app

    from plans import auth

    password = "mật khẩu của A"
    monkeypatch.setenv(
        auth.ENV_VAR, f"Nguyễn Văn A={auth.hash_password(password, iterations=1000)}"
    )
    auth.THROTTLE.reset()
    at = open_app("pages/imports.py")
    # only a signed-in editor is offered the uploader
    at.text_input(key="auth_name").set_value("Nguyễn Văn A")
    at.text_input(key="auth_password").set_value(password)
    at.button(key="auth_sign_in").click().run()
    at.file_uploader(key="imports_file").set_value(
        ("ho_tro.csv", support_csv(RECORDS), "text/csv")
    ).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert "Hồ sơ hỗ trợ cơ sở" == metrics["Loại tệp"]
    assert "3" == metrics["Số hồ sơ"]
    totals = next(d.value for d in at.dataframe if "Trong đó đã hủy" in d.value.columns)
    # 1,2 tỷ = 1.200 triệu đồng, in the Vietnamese notation
    assert ["250", "1.200", "0"] == list(totals["Kinh phí (triệu đồng, không tính hồ sơ hủy)"])
    [editor] = at.data_editor
    assert [3] == list(editor.value["Dòng"])
    at.session_state["imports_support_matches"] = {
        "edited_rows": {0: {"Không phải cùng một cơ sở": True}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="imports_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    [record] = imports.list_imports()
    assert ("support", HN, 3) == (record["kind"], record["programme_id"], record["records"])
    # read as the app reads (its open connection is to the file before the import: DuckDB
    # shares one instance per path in a process, so a plain connect would see that file)
    from plans.app.cache import connection

    ids = (
        connection(str(private_store))
        .execute("select establishment_id from support_records order by source_line")
        .fetchall()
    )
    assert ids[0] != ids[1], "the ticked decision was undone before storing"
    history = open_app("pages/import_history.py")
    shown = history.dataframe[0].value
    assert ["Hồ sơ hỗ trợ cơ sở"] == list(shown["Loại"]) and ["3"] == list(shown["Số hồ sơ"])
