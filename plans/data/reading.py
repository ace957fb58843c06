"""Reading an upload: bytes -> header and rows of text, and the problems found on the way."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Generator
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
    name: str, data: bytes, problems: list[Problem], max_rows: int | None = None
) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the first sheet of a CSV or XLSX upload (text cells).

    The rows are read as iter_table reads them, at most `max_rows` data rows (default
    PLANS_MAX_ROWS): a longer file is refused on the first row over, the rest left unread.
    Nothing (`[], []`) when the file cannot be read to its end.
    """
    limit = settings.MAX_ROWS if max_rows is None else max_rows
    header, rows = iter_table(name, data, problems, max_rows=limit)
    before = len(problems)
    try:
        body = list(rows)
    finally:
        rows.close()
    if any(p.key in _STOPPED for p in problems[before:]):
        return [], []
    return header, body


# Problems that end the reading of a file part way (its rows are not all there).
_STOPPED = frozenset(
    ("import.bad_csv", "import.not_xlsx", "import.too_many_rows", "import.cell_too_long")
)

# The rows of iter_table: a generator, so a caller that stops early closes the file (close()).
Rows = Generator[list[str], None, None]


def _no_rows() -> Rows:
    yield from ()


class _Position:
    """The sheet row last read (the header is row 1), for a fault the reader finds in the next."""

    row: int = 0


def iter_table(
    name: str,
    data: bytes,
    problems: list[Problem],
    limit: int | None = None,
    max_rows: int | None = None,
) -> tuple[list[str], Rows]:
    """Header and rows of the first sheet of a CSV or XLSX upload, the rows read one at a time.

    The same checks as read_table (size, NUL bytes, encoding, formulas and script in every
    cell and in the header, cells over PLANS_MAX_CELL_CHARS, blank rows above the header
    skipped so the header is row 1), for files too large to hold as a list of rows: a CSV is
    decoded and split as it is read, an XLSX read with openpyxl's read-only mode once its
    parts are checked (no macros or external links, unpacked sizes and texts bounded,
    formulas on its other sheets). The rows come in order, blank ones included, so the k-th
    is row k + 1. A fault found on the way (a broken quote on row 90.000) is reported into
    `problems` and ends the rows: the caller checks `problems` after consuming them.
    `limit`: the byte limit (default PLANS_MAX_UPLOAD_MB); `max_rows`: more data rows than
    this (or twice as many rows, blank ones included) end the rows with an error; None: no
    limit (a support file counts its own).
    """
    if not upload_fits(data, problems, limit):
        return [], _no_rows()
    suffix = Path(name).suffix.lower()
    at = _Position()
    if suffix == ".csv":
        if b"\x00" in data:
            problems.append(_problem("error", None, None, "import.nul"))
            return [], _no_rows()
        bad = _utf8_error(data)
        if bad is not None:
            problems.append(_problem("error", None, None, "import.encoding", pos=bad))
            return [], _no_rows()
        raw = _csv_records(data, problems, at)
    elif suffix == ".xlsx":
        if not zipfile.is_zipfile(io.BytesIO(data)):
            problems.append(_problem("error", None, None, "import.not_xlsx"))
            return [], _no_rows()
        opened = _xlsx_records(data, problems, limit, max_rows)
        if opened is None:
            return [], _no_rows()
        raw = opened
    else:
        problems.append(_problem("error", None, None, "import.format", name=name))
        return [], _no_rows()
    skipped = 0
    for first in raw:
        if any(c.strip() for c in first):
            at.row = 1
            if not _header_fits(first, problems):
                raw.close()
                return [], _no_rows()
            header = [h.strip() for h in first]
            return header, _checked(header, raw, problems, max_rows, at)
        skipped += 1
        if max_rows is not None and skipped > 2 * max_rows:
            break  # a sheet of blank rows: as many as the rows allowed, and no header
    raw.close()
    problems.append(_problem("error", None, None, "import.no_header"))
    return [], _no_rows()


def column_letter(index: int) -> str:
    """The spreadsheet's name of the 0-based column `index`: 0 -> 'A', 27 -> 'AB'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _header_fits(first: list[str], problems: list[Problem]) -> bool:
    """The header row's cells checked as every other cell (a formula or script there is refused
    naming row 1 and the column's letter); False when a cell is over the length limit."""
    for i, value in enumerate(first):
        if len(value) > settings.MAX_CELL_CHARS:
            problems.append(
                _problem(
                    "error",
                    1,
                    column_letter(i),
                    "import.cell_too_long",
                    limit=Count(settings.MAX_CELL_CHARS),
                )
            )
            return False
        _check_cell(value, 1, column_letter(i), problems)
    return True


def _checked(
    header: list[str],
    raw: Generator[list[str], None, None],
    problems: list[Problem],
    max_rows: int | None = None,
    at: _Position | None = None,
) -> Rows:
    """The rows under the header, each cell checked for its length, formulas and script
    (row 2 first); at most `max_rows` data rows (None: no limit), then an error ends them."""
    at = at or _Position()
    longest = settings.MAX_CELL_CHARS
    names = [h or column_letter(i) for i, h in enumerate(header)]
    filled = 0
    try:
        for n, cells in enumerate(raw, start=2):
            at.row = n
            for i, value in enumerate(cells):
                column = names[i] if i < len(names) else column_letter(i)
                if len(value) > longest:
                    problems.append(
                        _problem("error", n, column, "import.cell_too_long", limit=Count(longest))
                    )
                    return
                _check_cell(value, n, column, problems)
            if max_rows is not None:
                if any(c.strip() for c in cells):
                    filled += 1
                if filled > max_rows or n - 1 > 2 * max_rows:
                    problems.append(
                        _problem("error", n, None, "import.too_many_rows", limit=Count(max_rows))
                    )
                    return
            yield cells
    finally:
        raw.close()


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


def _csv_records(
    data: bytes, problems: list[Problem], at: _Position | None = None
) -> Generator[list[str], None, None]:
    """A CSV's records, decoded and split as they are read (the same reader as row_texts)."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    try:
        yield from csv.reader(text, strict=True)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            # a cell past the csv module's own limit (131.072 characters), far over ours
            row = (at.row + 1) if at is not None else None
            limit = Count(settings.MAX_CELL_CHARS)
            problems.append(_problem("error", row, None, "import.cell_too_long", limit=limit))
        else:
            problems.append(_problem("error", None, None, "import.bad_csv", error=str(exc)))
    finally:
        text.close()


# Parts of a workbook that run or fetch something when Excel opens it: macros (vbaProject.bin,
# a macro-enabled content type, ActiveX controls), and links to other files or data sources
# (external links, data connections, which Excel refreshes).
_MACRO_PARTS = re.compile(r"(?:^|/)vbaProject\.bin$|^xl/activeX/|^xl/macrosheets/", re.I)
_EXTERNAL_PARTS = re.compile(r"^xl/externalLinks/|^xl/connections\.xml$", re.I)
# A formula element of a sheet's XML (<f>, <f t="shared" …/>, with or without a prefix).
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)([0-9]+)"')
_CHUNK = 1 << 20


def _megabytes(size: int) -> Count:
    return Count(-(-size // 2**20))  # rounded up: 200,1 MB is over a 200 MB limit


def _xlsx_refused(book: zipfile.ZipFile, problems: list[Problem], limit: int | None) -> bool:
    """Whether a workbook is refused from its parts alone, before openpyxl reads any of them:
    macros or external links, more unpacked bytes than PLANS_XLSX_UNPACK_RATIO times the byte
    limit, a text table (sharedStrings.xml) over PLANS_MAX_SHARED_STRINGS_MB, or a text longer
    than a cell may be anywhere in it. The sizes are those the zip declares: zipfile never
    unpacks more than that (a part that would is a damaged file)."""
    infos = book.infolist()
    names = [info.filename for info in infos]
    types = next((info for info in infos if info.filename == "[Content_Types].xml"), None)
    macro_type = (
        types is not None
        and types.file_size < _CHUNK
        and b"macroEnabled" in book.read(types.filename)
    )
    if macro_type or any(_MACRO_PARTS.search(name) for name in names):
        problems.append(_problem("error", None, None, "import.xlsx_macros"))
        return True
    if any(_EXTERNAL_PARTS.search(name) for name in names):
        problems.append(_problem("error", None, None, "import.xlsx_external"))
        return True
    unpacked = sum(info.file_size for info in infos)
    bound = int(
        settings.XLSX_UNPACK_RATIO * (settings.MAX_UPLOAD_BYTES if limit is None else limit)
    )
    if unpacked > bound:
        problems.append(
            _problem(
                "error",
                None,
                None,
                "import.xlsx_unpacked",
                size=_megabytes(unpacked),
                limit=_megabytes(bound),
            )
        )
        return True
    shared = next((i for i in infos if i.filename.lower() == "xl/sharedstrings.xml"), None)
    if shared is not None and shared.file_size > settings.MAX_SHARED_STRINGS_BYTES:
        problems.append(
            _problem(
                "error",
                None,
                None,
                "import.xlsx_shared_strings",
                size=_megabytes(shared.file_size),
                limit=_megabytes(settings.MAX_SHARED_STRINGS_BYTES),
            )
        )
        return True
    if shared is not None and _scan_part(book, shared.filename, b"</si>").long:
        problems.append(
            _problem(
                "error", None, None, "import.xlsx_long_text", limit=Count(settings.MAX_CELL_CHARS)
            )
        )
        return True
    return False


@dataclass
class _Scan:
    """What the scan of one XML part of a workbook found."""

    long: bool = False  # a text or an element longer than a cell may be
    rows: int = 0  # its <row> elements (counted until the cap)
    formula: str | None = None  # the first formula's cell ('B3'; '' when it names none)


def _scan_part(book: zipfile.ZipFile, name: str, element_end: bytes, cap: int = 0) -> _Scan:
    """One XML part of a workbook read in slices, never whole: whether a text in it (the bytes
    between two tags) or one element (up to each `element_end`) is longer than a cell may be,
    how many rows it has, and where its first formula is. It stops at a text too long or at
    more rows than `cap` (0: no cap). openpyxl holds a text whole (a 200 MB string took
    2,3 GB) and, when a sheet declares no dimension, parses all of it on opening (a 5 million
    rows sheet took minutes): refused here first."""
    # a character is at most 6 bytes as XML ('&quot;'); an element has some markup besides
    most = 6 * settings.MAX_CELL_CHARS + 4096
    found = _Scan()
    text_run = element_run = 0  # bytes since the last '<', since the last element_end
    tail = b""
    with book.open(name) as part:
        while chunk := part.read(_CHUNK):
            pieces = chunk.split(b"<")
            if len(pieces) == 1:
                text_run += len(chunk)
            else:
                found.long = text_run + len(pieces[0]) > most or max(map(len, pieces)) > most
                text_run = len(pieces[-1])
            elements = chunk.split(element_end)
            if len(elements) == 1:
                element_run += len(chunk)
            else:
                inner = max(map(len, elements[1:-1]), default=0)
                found.long |= element_run + len(elements[0]) > most or inner > most
                element_run = len(elements[-1])
            found.long |= text_run > most or element_run > most
            found.rows += chunk.count(b"<row") + chunk.count(b":row ") + chunk.count(b":row>")
            if found.long or (cap and found.rows > cap):
                return found
            if found.formula is None:
                window = tail + chunk
                formula = _FORMULA_TAG.search(window)
                if formula:
                    # the cell the formula is in: the last cell opened before it
                    cells = list(_CELL_REF.finditer(window, 0, formula.start()))
                    found.formula = (
                        (cells[-1].group(1) + cells[-1].group(2)).decode() if cells else ""
                    )
                tail = window[-4096:]
    return found


# The worksheets of a workbook (the parts openpyxl reads row by row).
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.I)
# Rows any sheet may have when the caller gives no row limit (a support file's header is read
# before its kind is known): twice a support file's 250.000 (plans.data.support).
_ANY_SHEET_ROWS = 500_000


def _xlsx_records(
    data: bytes,
    problems: list[Problem],
    limit: int | None = None,
    max_rows: int | None = None,
) -> Generator[list[str], None, None] | None:
    """An XLSX's first sheet row by row as text cells (read-only mode), once the workbook's
    parts are checked (_xlsx_refused), its sheets scanned (texts, rows: at most twice
    `max_rows`) and its other sheets found to hold no formula; None if refused or not a
    workbook."""
    import openpyxl  # imported here: only XLSX uploads need it

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        problems.append(_problem("error", None, None, "import.not_xlsx"))
        return None
    cap = 2 * max_rows + 1 if max_rows is not None else _ANY_SHEET_ROWS
    try:
        if _xlsx_refused(archive, problems, limit):
            return None
        scans: dict[str, _Scan] = {}
        for info in archive.infolist():
            if not _SHEET_PART.match(info.filename):
                continue
            scan = scans[info.filename] = _scan_part(archive, info.filename, b"</c>", cap)
            if scan.long:
                longest = Count(settings.MAX_CELL_CHARS)
                problems.append(
                    _problem("error", None, None, "import.xlsx_long_text", limit=longest)
                )
                return None
            if scan.rows > cap:
                rows = Count(max_rows if max_rows is not None else cap // 2)
                problems.append(
                    _problem("error", None, None, "import.xlsx_too_many_rows", limit=rows)
                )
                return None
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheets = book.worksheets
        sheet = sheets[0]
        for other in sheets[1:]:
            scan = scans.get(other._worksheet_path.lstrip("/"), _Scan())
            if scan.formula is None:
                continue
            ref = re.match(r"([A-Z]*)([0-9]*)", scan.formula)
            row = int(ref.group(2)) if ref and ref.group(2) else None
            column = ref.group(1) if ref and ref.group(1) else None
            problems.append(
                _problem(
                    "error",
                    row,
                    column,
                    "import.formula_on_sheet",
                    sheet=other.title,
                    cell=scan.formula or "?",
                )
            )
            book.close()
            return None
    except Exception:  # any failure to open is the same message to the user
        problems.append(_problem("error", None, None, "import.not_xlsx"))
        return None
    finally:
        archive.close()

    def records() -> Generator[list[str], None, None]:
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
