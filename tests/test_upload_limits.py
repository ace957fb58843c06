"""Issue 19, points 1 and 5: an upload is read within bounds (rows, cell length, a workbook's
unpacked size and texts, checked before openpyxl reads it), and no formula or active content
slips through (the header, every sheet, macros, external links)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from benchmarks.bench_validate import workbook
from plans import settings
from plans.data import imports, reading, templates


def refused(name: str, data: bytes, tmp_path: Path) -> list[imports.Problem]:
    """The errors of an upload checked as the import page checks it (nothing is written)."""
    staged = imports.validate(name, data, imports_dir=tmp_path / "imports")
    assert not (tmp_path / "imports").exists() or not any((tmp_path / "imports").iterdir())
    return staged.errors


def plan_xlsx() -> bytes:
    return templates.to_xlsx(templates.plan_rows())


def rezipped(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The workbook with `parts` added or replaced (written as Excel would: deflated)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info, source.read(info.filename))
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


@pytest.fixture()
def openpyxl_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """openpyxl.load_workbook's calls (it raises: the workbook is not to be read at all)."""
    calls: list[tuple] = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("openpyxl read a workbook that should be refused before")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    return calls


# --- point 5: formulas in the header and on every sheet; macros and external links -----------


def test_a_formula_in_a_csv_header_is_refused_naming_row_1_and_its_column(tmp_path) -> None:
    rows = templates.plan_rows()
    column = rows[0].index("nhiem_vu")
    rows[0][column] = '=HYPERLINK("http://x.example","nhiem_vu")'
    errors = refused("x.csv", templates.to_csv(rows), tmp_path)
    formula = [p for p in errors if p.key == "import.formula"]
    assert [(1, reading.column_letter(column))] == [(p.row, p.column) for p in formula]
    assert formula[0].message("vi").startswith("dòng 1, cột J: Ô chứa công thức")


def test_a_formula_in_an_xlsx_header_is_refused(tmp_path) -> None:
    book = openpyxl.load_workbook(io.BytesIO(plan_xlsx()))
    book.active["B1"] = "=1+1"
    buffer = io.BytesIO()
    book.save(buffer)
    errors = refused("x.xlsx", buffer.getvalue(), tmp_path)
    assert [(1, "B", "import.formula")] == [(p.row, p.column, p.key) for p in errors]


def test_a_negative_figure_and_a_dash_are_still_values() -> None:
    problems: list[reading.Problem] = []
    for value in ("-4.200", "- không -", "+84 24 3825 1234", "a = b"):
        reading._check_cell(value, 2, "x", problems)
    assert [] == problems


def test_a_formula_on_a_second_sheet_is_refused_naming_the_sheet(tmp_path) -> None:
    book = openpyxl.load_workbook(io.BytesIO(plan_xlsx()))
    notes = book.create_sheet("Ghi chú")
    notes["A1"] = "ghi chú"
    notes["B3"] = '=HYPERLINK("http://x.example","bấm")'
    buffer = io.BytesIO()
    book.save(buffer)
    [error] = refused("x.xlsx", buffer.getvalue(), tmp_path)
    assert ("import.formula_on_sheet", 3, "B") == (error.key, error.row, error.column)
    assert "Trang tính 'Ghi chú' có công thức ở ô B3" in error.message("vi")
    assert "Sheet 'Ghi chú' holds a formula in cell B3" in error.message("en")


@pytest.mark.parametrize(
    ("parts", "key"),
    [
        pytest.param({"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}, "import.xlsx_macros",
                     id="vbaProject.bin"),
        pytest.param({"xl/activeX/activeX1.xml": b"<ax/>"}, "import.xlsx_macros", id="ActiveX"),
        pytest.param({"xl/externalLinks/externalLink1.xml": b"<externalLink/>"},
                     "import.xlsx_external", id="external link"),
        pytest.param({"xl/connections.xml": b"<connections/>"}, "import.xlsx_external",
                     id="data connection"),
    ],
)  # fmt: skip
def test_a_workbook_with_active_content_is_refused_before_reading(
    parts, key, tmp_path, openpyxl_calls
) -> None:
    data = rezipped(plan_xlsx(), parts)
    assert [key] == [p.key for p in refused("x.xlsx", data, tmp_path)]
    assert [] == openpyxl_calls


def test_a_macro_enabled_content_type_is_refused(tmp_path) -> None:
    with zipfile.ZipFile(io.BytesIO(plan_xlsx())) as book:
        types = book.read("[Content_Types].xml")
    macro = types.replace(
        b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"
    )  # what Excel writes for an .xlsm renamed .xlsx
    assert macro != types
    data = rezipped(plan_xlsx(), {"[Content_Types].xml": macro})
    assert ["import.xlsx_macros"] == [p.key for p in refused("x.xlsx", data, tmp_path)]
    message = refused("x.xlsx", data, tmp_path)[0].message("en")
    assert "macros" in message and "refused" in message


# --- point 1: rows, cell lengths and a workbook's sizes, refused early ------------------------


def many_rows(count: int) -> bytes:
    """The plan template with `count` more task rows (numbered, so they are valid tasks)."""
    rows = templates.plan_rows()
    header, body = rows[0], rows[1:]
    code = header.index("ma_nhiem_vu")
    task = next(r for r in body if r[code] == "I.1")
    extra = [[f"I.9.{k}" if i == code else c for i, c in enumerate(task)] for k in range(count)]
    return templates.to_csv([header, *body, *extra])


def test_too_many_rows_are_refused_without_reading_the_rest(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(settings, "MAX_ROWS", 40)
    read = []
    records = reading._csv_records

    def counted(*args, **kwargs):
        for record in records(*args, **kwargs):
            read.append(1)
            yield record

    monkeypatch.setattr(reading, "_csv_records", counted)
    errors = refused("x.csv", many_rows(5_000), tmp_path)
    assert [("import.too_many_rows", 42)] == [(p.key, p.row) for p in errors]
    assert "Tệp có hơn 40 dòng dữ liệu" in errors[0].message("vi")
    # the header and 41 rows (the reading of the upload sniffing its kind stops at the header)
    assert len(read) <= 2 + 42, len(read)


def test_the_row_limit_says_its_number_as_a_reader_writes_it(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(settings, "MAX_ROWS", 20_000)
    problems: list[reading.Problem] = []
    _header, rows = reading.iter_table("x.csv", many_rows(20_010), problems, max_rows=20_000)
    assert 20_000 == len(list(rows))
    [error] = problems
    assert "more than 20,000 data rows" in error.message("en")
    assert "hơn 20.000 dòng" in error.message("vi")


def test_a_cell_too_long_is_refused_naming_its_row_and_column(tmp_path) -> None:
    rows = templates.plan_rows()
    rows[2][rows[0].index("ket_qua")] = "x" * (settings.MAX_CELL_CHARS + 1)
    errors = refused("x.csv", templates.to_csv(rows), tmp_path)
    assert [("import.cell_too_long", 3, "ket_qua")] == [(p.key, p.row, p.column) for p in errors]
    assert "dòng 3, cột ket_qua: Ô dài hơn 10.000 ký tự" in errors[0].message("vi")


def test_a_cell_past_the_csv_readers_own_limit_names_its_row(tmp_path) -> None:
    rows = templates.plan_rows()
    rows[2][rows[0].index("ket_qua")] = "x" * 200_000  # csv.field_size_limit() is 131.072
    errors = refused("x.csv", templates.to_csv(rows), tmp_path)
    assert [("import.cell_too_long", 3)] == [(p.key, p.row) for p in errors]


def shared_strings_with(text_bytes: int) -> bytes:
    """A workbook whose text table holds a header's words and one text of `text_bytes` letters
    (written part by part, as a bomb is: a few kB on disk)."""
    shared = [b"tinh", b"muc", b"x" * text_bytes]
    return workbook(3, shared, b'<c t="s"><v>2</v></c>')


def test_the_workbooks_written_by_hand_are_read_when_within_bounds() -> None:
    problems: list[reading.Problem] = []
    header, rows = reading.iter_table("x.xlsx", shared_strings_with(10), problems)
    assert (["tinh", "muc", "x" * 10], [["x" * 10]] * 3) == (header, list(rows))
    assert [] == problems


def test_a_shared_strings_bomb_is_refused_before_openpyxl_reads_it(
    tmp_path, monkeypatch, openpyxl_calls
) -> None:
    monkeypatch.setattr(settings, "MAX_SHARED_STRINGS_BYTES", 2**20)
    data = shared_strings_with(3 * 2**20)  # 3 MB of one letter: a few kB zipped
    assert len(data) < 100_000
    [error] = refused("x.xlsx", data, tmp_path)
    assert "import.xlsx_shared_strings" == error.key
    assert [] == openpyxl_calls
    assert "sharedStrings.xml" in error.message("en") and "over the 1 MB limit" in error.message(
        "en"
    )


def test_one_text_longer_than_a_cell_is_refused_before_openpyxl_reads_it(
    tmp_path, openpyxl_calls
) -> None:
    data = shared_strings_with(100 * settings.MAX_CELL_CHARS)  # 1 MB: under the size limits
    [error] = refused("x.xlsx", data, tmp_path)
    assert "import.xlsx_long_text" == error.key
    assert [] == openpyxl_calls
    assert "longer than 10,000 characters" in error.message("en")


def test_a_workbook_unpacking_too_large_is_refused_before_reading(
    tmp_path, monkeypatch, openpyxl_calls
) -> None:
    # 10 kB for a plan's 20 MB limit, 33 kB for a support file's 64 MB
    monkeypatch.setattr(settings, "XLSX_UNPACK_RATIO", 0.0005)
    data = shared_strings_with(60_000)
    [error] = refused("x.xlsx", data, tmp_path)
    assert "import.xlsx_unpacked" == error.key
    assert [] == openpyxl_calls


# --- point 1: staging is linear: the rows read so far are not scanned again for each row -----


class _Scans(list):
    """A list that counts how often it is iterated over."""

    scans = 0

    def __iter__(self):
        type(self).scans += 1
        return super().__iter__()


def test_staging_does_not_scan_the_tasks_or_budget_lines_per_row(tmp_path, monkeypatch) -> None:
    # before: each unnumbered task counted its section's tasks, each stated total summed every
    # budget line (20.000 rows: 36 s); now a constant number of passes, whatever the rows
    from benchmarks.bench_validate import plan_csv

    original = imports._PlanReading.__post_init__

    def counted(self) -> None:
        original(self)
        self.tasks, self.amounts = _Scans(), _Scans()

    monkeypatch.setattr(imports._PlanReading, "__post_init__", counted)
    _Scans.scans = 0
    staged = imports.validate("x.csv", plan_csv(300), imports_dir=tmp_path / "imports")
    assert [] == staged.errors, staged.report("en")
    assert 299 == len(staged.tables["tasks"])
    assert _Scans.scans < 30, _Scans.scans


def test_a_sheet_of_too_many_rows_is_refused_before_openpyxl_reads_it(
    tmp_path, monkeypatch, openpyxl_calls
) -> None:
    # openpyxl parses a whole sheet on opening when it declares no dimension: 5 million rows
    # of a few bytes each (a few hundred kB zipped) took minutes
    monkeypatch.setattr(settings, "MAX_ROWS", 10)
    monkeypatch.setattr(reading, "_ANY_SHEET_ROWS", 100)  # before the kind is known
    data = workbook(1_000, [b"tinh", b"muc"], b'<c t="s"><v>0</v></c>')
    [error] = refused("x.xlsx", data, tmp_path)
    assert "import.xlsx_too_many_rows" == error.key
    assert [] == openpyxl_calls
    assert "more than 10 data rows" in error.message("en")


def test_a_sheet_may_hold_a_whole_support_file() -> None:
    from plans.data import support

    assert 2 * support.MAX_SUPPORT_ROWS <= reading._ANY_SHEET_ROWS
