"""Reading an upload: bytes -> header and rows of text, and the problems found on the way."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plans import settings

# ---------------------------------------------------------------------------------------------
# Messages (Vietnamese first); each problem names the row and column of the uploaded file.

MESSAGES: dict[str, dict[str, str]] = {
    "too_large": {
        "vi": "Tệp {size} MB vượt giới hạn {limit} MB; hãy tách thành nhiều tệp nhỏ hơn.",
        "en": "The file is {size} MB, over the {limit} MB limit; split it into smaller files.",
    },
    "empty": {"vi": "Tệp rỗng.", "en": "The file is empty."},
    "format": {
        "vi": "Chỉ nhận tệp .csv hoặc .xlsx (tệp này: '{name}').",
        "en": "Only .csv or .xlsx files are accepted (this file: '{name}').",
    },
    "encoding": {
        "vi": "Tệp CSV phải mã hóa UTF-8 (có hoặc không có BOM); tệp này không phải UTF-8 "
        "(byte lỗi ở vị trí {pos}). Hãy lưu lại với 'CSV UTF-8'.",
        "en": "CSV files must be UTF-8 (with or without BOM); this one is not (bad byte at "
        "offset {pos}). Save it again as 'CSV UTF-8'.",
    },
    "nul": {
        "vi": "Tệp chứa ký tự NUL: không phải tệp văn bản CSV.",
        "en": "The file contains NUL bytes: it is not a CSV text file.",
    },
    "not_xlsx": {
        "vi": "Tệp .xlsx này không mở được (không phải bảng tính Excel hợp lệ).",
        "en": "This .xlsx file cannot be opened (not a valid Excel workbook).",
    },
    "bad_csv": {"vi": "CSV không đọc được: {error}", "en": "The CSV cannot be read: {error}"},
    "no_header": {"vi": "Không có dòng tiêu đề.", "en": "There is no header row."},
    "missing_column": {
        "vi": "Thiếu cột '{column}' ({meaning}).",
        "en": "Column '{column}' ({meaning}) is missing.",
    },
    "formula": {
        "vi": "Ô chứa công thức '{value}': hãy dán giá trị (Paste Values) thay vì công thức.",
        "en": "The cell holds a formula '{value}': paste values instead of formulas.",
    },
    "script": {
        "vi": "Ô chứa mã script/HTML '{value}': không được nhận.",
        "en": "The cell holds script/HTML '{value}': refused.",
    },
    "not_number": {
        "vi": "Cần một số (ví dụ 1.234,5 hoặc 2,52 tỷ đồng), gặp '{value}'.",
        "en": "Expected a number (e.g. 1.234,5 or 2,52 tỷ đồng), got '{value}'.",
    },
    "negative": {"vi": "Số âm không hợp lệ: '{value}'.", "en": "Negative amount: '{value}'."},
    "absurd": {
        "vi": "Số {value} triệu đồng lớn bất thường (trên {limit} triệu đồng); kiểm tra đơn vị.",
        "en": "{value} million VND is implausibly large (over {limit}); check the unit.",
    },
    "year_outside": {
        "vi": "Cột năm {year} nằm ngoài giai đoạn {start}-{end}.",
        "en": "Year column {year} is outside the period {start}-{end}.",
    },
    "bad_year": {"vi": "Năm không hợp lệ: '{value}'.", "en": "Not a valid year: '{value}'."},
    "missing_meta": {
        "vi": "Thiếu thông tin chương trình '{column}' ({meaning}).",
        "en": "Programme information '{column}' ({meaning}) is missing.",
    },
    "conflicting_meta": {
        "vi": "Cột '{column}' có hai giá trị khác nhau: '{first}' và '{value}'.",
        "en": "Column '{column}' has two different values: '{first}' and '{value}'.",
    },
    "duplicate_task": {
        "vi": "Nhiệm vụ '{task}' đã có ở dòng {first}.",
        "en": "Task '{task}' already appears on row {first}.",
    },
    "task_without_section": {
        "vi": "Nhiệm vụ không thuộc mục nào: thêm cột 'muc'.",
        "en": "The task belongs to no section: fill in 'muc'.",
    },
    "unknown_area": {
        "vi": "Lĩnh vực '{value}' không có trong danh mục KC1-KC9.",
        "en": "Content area '{value}' is not one of KC1-KC9.",
    },
    "no_tasks": {"vi": "Không có dòng nhiệm vụ nào.", "en": "There is no task row."},
    "unknown_programme": {
        "vi": "Chương trình '{value}' chưa có trong cơ sở dữ liệu (các mã: {known}).",
        "en": "Programme '{value}' is not in the database (ids: {known}).",
    },
    "no_results": {"vi": "Không có dòng kết quả nào.", "en": "There is no result row."},
    "bad_pct": {
        "vi": "Tỷ lệ phải có dạng 71,2%, gặp '{value}'.",
        "en": "A percentage looks like 71,2%, got '{value}'.",
    },
    "already_imported": {
        "vi": "Tệp này đã được nhập (lần nhập {id}, {when}).",
        "en": "This file was already imported (import {id}, {when}).",
    },
    "same_name": {
        "vi": "Đã có một lần nhập tệp tên {name} ({id}, {when}, {editor}). Các trang trích dẫn "
        "tệp nhập theo tên nên hai tệp không được trùng tên: đổi tên tệp này (ví dụ {free}), "
        "hoặc xóa lần nhập cũ ở trang «Lịch sử nhập» rồi nhập lại.",
        "en": "A file named {name} was already imported ({id}, {when}, {editor}). Pages cite an "
        "import by its file name, so two imports cannot share one: rename this file (e.g. "
        "{free}), or remove the earlier import on the «Import history» page and import again.",
    },
    # warnings: shown, stored as findings, never blocking
    "header_repeated": {
        "vi": "Dòng tiêu đề lặp lại (trang mới của bảng) — bỏ qua.",
        "en": "Header row repeated (a page break of the table) — skipped.",
    },
    "continuation": {
        "vi": "Dòng không có mã và số liệu — nối vào nội dung của nhiệm vụ {task} ở trên.",
        "en": "Row without code or figures — joined to the text of task {task} above.",
    },
    "same_period": {
        "vi": "Đã có chương trình {existing} cùng tỉnh và giai đoạn; chương trình này lấy mã {id}.",
        "en": "Programme {existing} has the same province and period; this one gets id {id}.",
    },
    "total_differs": {
        "vi": "{where}: văn bản ghi {stated}, cộng các phần được {computed}.",
        "en": "{where}: the table states {stated}, its parts add up to {computed}.",
    },
    "blank_amount": {
        "vi": "Ô kinh phí năm {year} để trống — đọc là 0.",
        "en": "The {year} budget cell is blank — read as 0.",
    },
    "build_failed": {
        "vi": "Dữ liệu nhập không khớp với cơ sở dữ liệu: {error_vi}",
        "en": "The imported data does not fit the database: {error_en}",
    },
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong (error) or worth knowing (warning) about an upload."""

    severity: str  # "error" | "warning"
    row: int | None  # 1-based row of the uploaded sheet (the header is row 1)
    column: str | None
    key: str
    fields: tuple[tuple[str, Any], ...] = ()

    def message(self, lang: str = "vi") -> str:
        """The problem in `lang`, prefixed with where it is."""
        text = MESSAGES[self.key][lang].format(**dict(self.fields))
        where = []
        if self.row is not None:
            where.append(f"dòng {self.row}" if lang == "vi" else f"row {self.row}")
        if self.column:
            where.append(f"cột {self.column}" if lang == "vi" else f"column {self.column}")
        return f"{', '.join(where)}: {text}" if where else text


def _problem(severity: str, row: int | None, column: str | None, key: str, /, **kw: Any) -> Problem:
    return Problem(severity, row, column, key, tuple(kw.items()))


# ---------------------------------------------------------------------------------------------
# Reading: bytes -> header + rows of text, refusing what is not what it claims to be.


def _fold(text: str) -> str:
    """Lower-case ASCII form of a header or keyword: 'Tổng cộng' -> 'tong cong'."""
    text = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", text).strip().lower()


def _check_cell(value: str, row: int, column: str, problems: list[Problem]) -> None:
    stripped = value.strip()
    if stripped.startswith("=") or re.match(r"^[+@-]\s*[A-Za-z(]+\(", stripped):
        problems.append(_problem("error", row, column, "formula", value=stripped[:40]))
    elif re.search(r"<\s*script|javascript:|<\s*iframe|on\w+\s*=", stripped, re.IGNORECASE):
        problems.append(_problem("error", row, column, "script", value=stripped[:40]))


def read_table(
    name: str, data: bytes, problems: list[Problem]
) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the first sheet of a CSV or XLSX upload (text cells)."""
    limit = settings.MAX_UPLOAD_BYTES
    if len(data) > limit:
        size = round(len(data) / 1024 / 1024, 1)
        problems.append(_problem("error", None, None, "too_large", size=size, limit=limit // 2**20))
        return [], []
    if not data.strip():
        problems.append(_problem("error", None, None, "empty"))
        return [], []
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        problems.append(_problem("error", None, None, "format", name=name))
        return [], []
    if suffix == ".csv":
        if b"\x00" in data:
            problems.append(_problem("error", None, None, "nul"))
            return [], []
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problems.append(_problem("error", None, None, "encoding", pos=exc.start))
            return [], []
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        except csv.Error as exc:
            problems.append(_problem("error", None, None, "bad_csv", error=str(exc)))
            return [], []
    elif suffix == ".xlsx":
        if not zipfile.is_zipfile(io.BytesIO(data)):
            problems.append(_problem("error", None, None, "not_xlsx"))
            return [], []
        rows = _xlsx_rows(data, problems)
        if rows is None:
            return [], []
    else:
        problems.append(_problem("error", None, None, "format", name=name))
        return [], []
    rows = [[("" if c is None else str(c)) for c in r] for r in rows]
    rows = rows[_blank_above_header(rows) :]
    if not rows:
        problems.append(_problem("error", None, None, "no_header"))
        return [], []
    header = [h.strip() for h in rows[0]]
    body = rows[1:]
    for i, cells in enumerate(body, start=2):
        for column, value in zip(header, cells, strict=False):
            _check_cell(value, i, column, problems)
    return header, body


def _blank_above_header(rows: list[list[str]]) -> int:
    """How many blank rows precede the header: they are skipped, so the header is row 1."""
    skipped = 0
    while skipped < len(rows) and not any(c.strip() for c in rows[skipped]):
        skipped += 1
    return skipped


# One cited row is one line of the viewer: a line break inside a cell is shown, not followed.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def row_texts(name: str, data: bytes) -> list[str]:
    """An imported file's rows as text, numbered as read_table numbers them (index 0 = row 1).

    The sources and quality pages cite an import's rows by the row numbers stored in its
    source_line, so this reads the file exactly as the import did: a CSV decoded as UTF-8 with or
    without BOM, split into records by the same csv reader, each shown as the file's own text
    (a line break inside a quoted cell as ' ↵ '); an XLSX's first sheet, its cells joined by tabs.
    Raises ValueError when the file cannot be read that way.
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        text = data.decode("utf-8-sig")  # UnicodeDecodeError is a ValueError
        # the same line splitting as read_table's StringIO, so record k spans the same lines
        physical = list(io.StringIO(text, newline=""))
        reader = csv.reader(physical, strict=True)
        cells: list[list[str]] = []
        texts: list[str] = []
        start = 0
        try:
            for record in reader:
                raw = "".join(physical[start : reader.line_num]).rstrip("\r\n")
                cells.append(record)
                texts.append(_LINE_BREAK.sub(" ↵ ", raw))
                start = reader.line_num
        except csv.Error as exc:
            raise ValueError(str(exc)) from exc
    elif suffix == ".xlsx":
        rows = _xlsx_rows(data, [])
        if rows is None:
            raise ValueError("not a readable workbook")
        cells = [[("" if c is None else str(c)) for c in r] for r in rows]
        texts = ["\t".join(_LINE_BREAK.sub(" ↵ ", c) for c in r).rstrip("\t") for r in cells]
    else:
        raise ValueError(f"not a CSV or XLSX file: {name!r}")
    return texts[_blank_above_header(cells) :]


def _xlsx_rows(data: bytes, problems: list[Problem]) -> list[list[Any]] | None:
    import openpyxl  # imported here: only XLSX uploads need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # any failure to open is the same message to the user
        problems.append(_problem("error", None, None, "not_xlsx"))
        return None
    sheet = book.worksheets[0]
    rows: list[list[Any]] = []
    for row in sheet.iter_rows():
        values = []
        for cell in row:
            value = cell.value
            if getattr(cell, "data_type", None) == "f" and value is not None:
                value = str(value) if str(value).startswith("=") else f"={value}"
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            # numbers from Excel are written the Vietnamese way so one parser reads all cells
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value).replace(".", ",")
            values.append(value)
        rows.append(values)
    book.close()
    return rows
