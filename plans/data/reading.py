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
from plans.messages import t


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
        place = self.place(lang)
        return f"{place}: {self.text(lang)}" if place else self.text(lang)

    def text(self, lang: str = "vi") -> str:
        """What is wrong, without where."""
        return t(self.key, lang, **dict(self.fields))

    def place(self, lang: str = "vi") -> str:
        """Where it is: 'dòng 7, cột kinh_phi_2021' ('' for the whole file)."""
        where = []
        if self.row is not None:
            where.append(t("import.where_row", lang, row=self.row))
        if self.column:
            where.append(t("import.where_column", lang, column=self.column))
        return ", ".join(where)


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
        problems.append(_problem("error", row, column, "import.formula", value=stripped[:40]))
    elif re.search(r"<\s*script|javascript:|<\s*iframe|on\w+\s*=", stripped, re.IGNORECASE):
        problems.append(_problem("error", row, column, "import.script", value=stripped[:40]))


def upload_fits(data: bytes, problems: list[Problem]) -> bool:
    """Not over the size limit and not empty (else the problem is reported): checked first."""
    limit = settings.MAX_UPLOAD_BYTES
    if len(data) > limit:
        size = round(len(data) / 1024 / 1024, 1)
        problems.append(
            _problem("error", None, None, "import.too_large", size=size, limit=limit // 2**20)
        )
        return False
    if not data.strip():
        problems.append(_problem("error", None, None, "import.empty"))
        return False
    return True


def read_table(
    name: str, data: bytes, problems: list[Problem]
) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the first sheet of a CSV or XLSX upload (text cells)."""
    if not upload_fits(data, problems):
        return [], []
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        problems.append(_problem("error", None, None, "import.format", name=name))
        return [], []
    if suffix == ".csv":
        if b"\x00" in data:
            problems.append(_problem("error", None, None, "import.nul"))
            return [], []
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problems.append(_problem("error", None, None, "import.encoding", pos=exc.start))
            return [], []
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        except csv.Error as exc:
            problems.append(_problem("error", None, None, "import.bad_csv", error=str(exc)))
            return [], []
    elif suffix == ".xlsx":
        if not zipfile.is_zipfile(io.BytesIO(data)):
            problems.append(_problem("error", None, None, "import.not_xlsx"))
            return [], []
        rows = _xlsx_rows(data, problems)
        if rows is None:
            return [], []
    else:
        problems.append(_problem("error", None, None, "import.format", name=name))
        return [], []
    rows = [[("" if c is None else str(c)) for c in r] for r in rows]
    rows = rows[_blank_above_header(rows) :]
    if not rows:
        problems.append(_problem("error", None, None, "import.no_header"))
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
    else:  # a decision document's lines: plans.data.documents.row_texts (it reads this module)
        raise ValueError(f"not a CSV or XLSX file: {name!r}")
    return texts[_blank_above_header(cells) :]


def _xlsx_rows(data: bytes, problems: list[Problem]) -> list[list[Any]] | None:
    import openpyxl  # imported here: only XLSX uploads need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # any failure to open is the same message to the user
        problems.append(_problem("error", None, None, "import.not_xlsx"))
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
