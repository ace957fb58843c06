"""Reading an upload: bytes -> header and rows of text, and the problems found on the way."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from plans import settings
from plans.messages import t
from plans.numbers import format_number


class Count(int):
    """A count in a problem's fields, written in the reader's notation ("250.000", "250,000")
    when the message is read; plain ints stay as they are (row numbers, years)."""


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
        fields = {
            name: format_number(value, 0, lang) if isinstance(value, Count) else value
            for name, value in self.fields
        }
        return t(self.key, lang, **fields)

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


# What officials write in a nguon_von cell (folded, punctuation as spaces, the leading "nguồn",
# "vốn", "kinh phí", "từ" dropped) -> the funding source (schema.FUNDING_SOURCES). Plan,
# results and support imports read the same words.
FUNDING_WORDS: dict[str, str] = {
    "trung uong": "trung_uong", "ngan sach trung uong": "trung_uong",
    "ns trung uong": "trung_uong", "nstw": "trung_uong", "quoc gia": "trung_uong",
    "khuyen cong quoc gia": "trung_uong", "kcqg": "trung_uong",
    "ngan sach quoc gia": "trung_uong", "ngan sach nha nuoc trung uong": "trung_uong",
    "dia phuong": "dia_phuong", "khuyen cong dia phuong": "dia_phuong", "kcdp": "dia_phuong",
    "ngan sach dia phuong": "dia_phuong", "nsdp": "dia_phuong", "ngan sach tinh": "dia_phuong",
    "ns tinh": "dia_phuong", "ngan sach thanh pho": "dia_phuong", "ns thanh pho": "dia_phuong",
    "ngan sach tinh thanh pho": "dia_phuong", "ngan sach huyen": "dia_phuong",
    "tinh": "dia_phuong", "thanh pho": "dia_phuong",
    "doi ung": "doi_ung", "doi ung cua co so": "doi_ung", "doi ung cua doanh nghiep": "doi_ung",
    "doi ung cua cac co so": "doi_ung", "doi ung cua to chuc ca nhan": "doi_ung",
    "co so doi ung": "doi_ung", "doanh nghiep doi ung": "doi_ung", "co so": "doi_ung",
    "dong gop cua co so": "doi_ung", "dong gop cua doanh nghiep": "doi_ung",
    "khac": "khac", "hop phap khac": "khac", "huy dong khac": "khac",
    "huy dong hop phap khac": "khac", "xa hoi hoa": "khac",
    "trung_uong": "trung_uong", "dia_phuong": "dia_phuong", "doi_ung": "doi_ung",
}  # fmt: skip
_FUNDING_FILLER = re.compile(r"^(?:(?:nguon|von|kinh phi|tu|cac)\s+)+")


@lru_cache(maxsize=4096)  # a support file repeats a few words over 200.000 rows
def funding_code(text: str) -> str | None:
    """'Vốn đối ứng của cơ sở' -> 'doi_ung'; '' for an empty cell; None for unknown words."""
    if not text.strip():
        return ""
    words = re.sub(r"[^a-z0-9_]+", " ", _fold(text)).strip()
    if words in FUNDING_WORDS:  # the codes themselves and words starting with "nguồn"
        return FUNDING_WORDS[words]
    return FUNDING_WORDS.get(_FUNDING_FILLER.sub("", words).strip().replace("_", " "))


def _check_cell(value: str, row: int, column: str, problems: list[Problem]) -> None:
    # Most cells hold none of the characters either pattern needs ('=', '<', ':', or a leading
    # '+', '@', '-'): skipped without a regular expression, which a 200.000-row file feels.
    if not ("=" in value or "<" in value or ":" in value) and value.lstrip()[:1] not in (
        "+",
        "@",
        "-",
    ):
        return
    stripped = value.strip()
    if stripped.startswith("=") or re.match(r"^[+@-]\s*[A-Za-z(]+\(", stripped):
        problems.append(_problem("error", row, column, "import.formula", value=stripped[:40]))
    elif re.search(r"<\s*script|javascript:|<\s*iframe|on\w+\s*=", stripped, re.IGNORECASE):
        problems.append(_problem("error", row, column, "import.script", value=stripped[:40]))


def upload_fits(data: bytes, problems: list[Problem], limit: int | None = None) -> bool:
    """Not over the size limit (`limit` bytes, default PLANS_MAX_UPLOAD_MB) and not empty
    (else the problem is reported): checked first."""
    limit = settings.MAX_UPLOAD_BYTES if limit is None else limit
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


# The rows of iter_table: a generator, so a caller that stops early closes the file (close()).
Rows = Generator[list[str], None, None]


def _no_rows() -> Rows:
    yield from ()


def iter_table(
    name: str, data: bytes, problems: list[Problem], limit: int | None = None
) -> tuple[list[str], Rows]:
    """Header and rows of the first sheet of a CSV or XLSX upload, the rows read one at a time.

    The same checks as read_table (size, NUL bytes, encoding, formulas and script in cells,
    blank rows above the header skipped so the header is row 1), for files too large to hold
    as a list of rows: a CSV is decoded and split as it is read, an XLSX read with openpyxl's
    read-only mode. The rows come in order, blank ones included, so the k-th is row k + 1.
    A fault found on the way (a broken quote on row 90.000) is reported into `problems` and
    ends the rows: the caller checks `problems` after consuming them. `limit`: the byte
    limit (default PLANS_MAX_UPLOAD_MB).
    """
    if not upload_fits(data, problems, limit):
        return [], _no_rows()
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        if b"\x00" in data:
            problems.append(_problem("error", None, None, "import.nul"))
            return [], _no_rows()
        bad = _utf8_error(data)
        if bad is not None:
            problems.append(_problem("error", None, None, "import.encoding", pos=bad))
            return [], _no_rows()
        raw = _csv_records(data, problems)
    elif suffix == ".xlsx":
        if not zipfile.is_zipfile(io.BytesIO(data)):
            problems.append(_problem("error", None, None, "import.not_xlsx"))
            return [], _no_rows()
        opened = _xlsx_records(data, problems)
        if opened is None:
            return [], _no_rows()
        raw = opened
    else:
        problems.append(_problem("error", None, None, "import.format", name=name))
        return [], _no_rows()
    for first in raw:
        if any(c.strip() for c in first):
            header = [h.strip() for h in first]
            return header, _checked(header, raw, problems)
    problems.append(_problem("error", None, None, "import.no_header"))
    return [], _no_rows()


def _checked(header: list[str], raw: Iterator[list[str]], problems: list[Problem]) -> Rows:
    """The rows under the header, each cell checked for formulas and script (row 2 first)."""
    for n, cells in enumerate(raw, start=2):
        for column, value in zip(header, cells, strict=False):
            _check_cell(value, n, column, problems)
        yield cells


def _utf8_error(data: bytes) -> int | None:
    """The byte offset of the first byte that is not UTF-8, or None: read in slices, so a
    large file is checked without a second copy of it as text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view, step = memoryview(data), 1 << 20
    for start in range(0, len(data), step):
        try:
            decoder.decode(view[start : start + step], final=start + step >= len(data))
        except UnicodeDecodeError as exc:
            return start + exc.start
    return None


def _csv_records(data: bytes, problems: list[Problem]) -> Iterator[list[str]]:
    """A CSV's records, decoded and split as they are read (the same reader as read_table)."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    try:
        yield from csv.reader(text, strict=True)
    except csv.Error as exc:
        problems.append(_problem("error", None, None, "import.bad_csv", error=str(exc)))
    finally:
        text.close()


def _xlsx_records(data: bytes, problems: list[Problem]) -> Iterator[list[str]] | None:
    """An XLSX's first sheet row by row as text cells (read-only mode); None if not a workbook."""
    import openpyxl  # imported here: only XLSX uploads need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
    except Exception:  # any failure to open is the same message to the user
        problems.append(_problem("error", None, None, "import.not_xlsx"))
        return None

    def records() -> Iterator[list[str]]:
        try:
            for row in sheet.iter_rows():
                yield ["" if v is None else str(v) for v in _xlsx_values(row)]
        except Exception:  # a sheet damaged past its first rows: the same message
            problems.append(_problem("error", None, None, "import.not_xlsx"))
        finally:
            book.close()

    return records()


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
    rows = [_xlsx_values(row) for row in sheet.iter_rows()]
    book.close()
    return rows


def _xlsx_values(row: tuple[Any, ...]) -> list[Any]:
    """One sheet row's values as the import reads them: a formula as '=…', a number the
    Vietnamese way (so one parser reads every cell), anything else as it is."""
    values = []
    for cell in row:
        value = cell.value
        if getattr(cell, "data_type", None) == "f" and value is not None:
            value = str(value) if str(value).startswith("=") else f"={value}"
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value).replace(".", ",")
        values.append(value)
    return values
