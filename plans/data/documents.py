"""Reading a decision document itself (Word, PDF with a text layer, text): its appendix table."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from plans.data import reading
from plans.data.notation import words_to_vnd
from plans.data.reading import Count, Problem, _check_cell, _fold, _problem
from plans.messages import N_, t
from plans.numbers import format_number

# A document longer than this is refused before its table is looked for (a decision's appendix
# runs to a few dozen pages; thousands of pages are a wrong file, and would take minutes).
MAX_PAGES = 300
MAX_LINES = 20_000
# A Word file's text parts (word/*.xml) are parsed whole by python-docx (lxml): a decision of a
# hundred pages has 1-3 MB of them. More than this is refused from the zip's directory, before
# any part is unpacked: a few kB of zip can declare gigabytes of XML (the XLSX checks' reason,
# plans.data.reading._xlsx_refused). Pictures (word/media) are not parsed and do not count.
MAX_DOCX_XML_BYTES = 64 * 1024 * 1024
SUFFIXES = (".docx", ".pdf", ".txt", ".md")  # as plans.data.imports.DOCUMENT_SUFFIXES

# The template columns a document's table becomes (plans.data.imports reads them as a plan).
_HEAD = (
    "tinh",
    "ten_chuong_trinh",
    "nam_bat_dau",
    "nam_ket_thuc",
    "so_quyet_dinh",
    "ngay_quyet_dinh",
    "kieu_so",
    "muc",
    "ten_muc",
    "ma_nhiem_vu",
    "tt_in",
    "nhiem_vu",
    "ket_qua",
    "dvt",
)
# tong_bang_chu: the total in words under the table; dong_van_ban: the line read (no template
# column, the plan reader ignores it)
_TAIL = ("chu_tri", "phoi_hop", "tong_bang_chu", "dong_van_ban")

_ROMAN = re.compile(r"^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})\.?$")
_NUMBER_TT = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
_FIGURE = re.compile(r"^\d{1,3}(?:[.,]\d{3})+(?:,\d+)?$|^\d+(?:,\d+)?$")
_COMMA_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_DOT_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_YEAR_LABEL = re.compile(r"^(?:nam\s*)?((?:19|20)\d{2})$")
_TOTAL_WORDS = {"tong", "tong cong", "cong", "tong so"}
_VOWELS = set("aăâeêioôơuưyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
_LEAD = re.compile(r"[-–]?\s*Đơn vị chủ trì\s*:?", re.IGNORECASE)
_COORD = re.compile(r"[-–]?\s*Đơn vị phối hợp\s*:?", re.IGNORECASE)


@dataclass
class _Line:
    """One line of the document as it is shown and cited: a paragraph, or one row of a table."""

    text: str
    cells: list[str] | None = None  # a table row's cells (merged cells once), None = paragraph
    table: int = 0  # which table of the document (DOCX/PDF), 0 for a text file


class _RefusedError(Exception):
    """The document cannot be read; the problem is already reported."""


# ---------------------------------------------------------------------------------------------
# The document's lines, by format.


def _clean(text: str) -> str:
    """A cell's text on one line: paragraph marks and line breaks become spaces."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = re.sub(r"</?p\s*>", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def _join(before: str, after: str) -> str:
    """Two pieces of one text split by a page break or a line wrap, joined as they were written.

    '220-' + '250 gian hàng' -> '220-250 gian hàng'; 'các tỉ' + 'nh phía Bắc' -> 'các tỉnh phía
    Bắc' (no Vietnamese syllable is written without a vowel, so a first word without one is the
    rest of a word cut in two, unless it is a capitalised abbreviation); anything else is
    joined with a space.
    """
    before, after = before.rstrip(), after.strip()
    if not before or not after:
        return before or after
    last = before.split()[-1]
    first = after.split()[0].rstrip(",.;:")
    if before.endswith("-") and len(last) > 1:
        return before + after
    # an abbreviation ('CTĐP') has no vowel either, but it is written in capitals
    if last.isalpha() and first.isalpha() and first.islower() and not (set(first) & _VOWELS):
        return before + after
    return f"{before} {after}"


def _text_lines(data: bytes, problems: list[Problem]) -> list[_Line]:
    if b"\x00" in data:
        problems.append(_problem("error", None, None, "import.nul"))
        raise _RefusedError
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(_problem("error", None, None, "import.encoding", pos=exc.start))
        raise _RefusedError from None
    lines = []
    for raw in text.split("\n"):
        raw = raw.rstrip("\r")
        cells: list[str] | None = None
        if "\t" in raw:
            cells = [_clean(c) for c in raw.split("\t")]
        elif raw.count("|") >= 2:
            inner = raw.strip()
            if re.fullmatch(r"\|?[\s:|-]+\|?", inner):
                cells = []  # a Markdown table's rule line: a row of nothing
            else:
                cells = [_clean(c) for c in inner.strip("|").split("|")]
        lines.append(_Line(raw, cells))
    return lines


def _docx_lines(name: str, data: bytes, problems: list[Problem]) -> list[_Line]:
    """A Word file's paragraphs and table rows in document order, merged cells read once."""
    refused = _problem("error", None, None, "documents.not_docx", name=name)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        problems.append(refused)
        raise _RefusedError
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        xml = sum(i.file_size for i in book.infolist() if i.filename.lower().endswith(".xml"))
    if xml > MAX_DOCX_XML_BYTES:
        problems.append(
            _problem(
                "error",
                None,
                None,
                "documents.docx_unpacked",
                size=Count(-(-xml // 2**20)),  # MB rounded up: 64,1 is over 64
                limit=Count(MAX_DOCX_XML_BYTES // 2**20),
            )
        )
        raise _RefusedError
    import docx  # python-docx loads only for Word files
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # any failure to open is the same message to the user
        problems.append(refused)
        raise _RefusedError from None
    body = document.element.body
    breaks = body.xpath(".//w:br[@w:type='page'] | .//w:lastRenderedPageBreak")
    paged = bool(breaks)
    page, table_no = 1, 0
    lines: list[_Line] = []

    def page_breaks(element: object) -> int:
        return len(element.xpath(".//w:br[@w:type='page'] | .//w:lastRenderedPageBreak"))

    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = _clean("".join(node.text or "" for node in child.iter(qn("w:t"))))
            if child.xpath("./w:pPr/w:pageBreakBefore"):
                page += 1
            lines.append(_Line(text))
            page += page_breaks(child)
        elif child.tag == qn("w:tbl"):
            table_no += 1
            for row_no, tr in enumerate(child.iterchildren(qn("w:tr")), start=1):
                cells = []
                for tc in tr.iterchildren(qn("w:tc")):
                    merge = tc.xpath("./w:tcPr/w:vMerge")
                    continued = bool(merge) and merge[0].get(qn("w:val")) in (None, "continue")
                    paragraphs = [
                        "".join(node.text or "" for node in p.iter(qn("w:t")))
                        for p in tc.iterchildren(qn("w:p"))
                    ]
                    # a cell merged with the one above holds nothing of its own
                    cells.append("" if continued else _clean(" ".join(paragraphs)))
                where = (
                    t("documents.where_page", "vi", page=page, table=table_no, row=row_no)
                    if paged
                    else t("documents.where_table", "vi", table=table_no, row=row_no)
                )
                lines.append(_Line(f"{where} {' | '.join(cells)}", cells, table_no))
                page += page_breaks(tr)
    return lines


def _pdf_lines(name: str, data: bytes, problems: list[Problem]) -> list[_Line]:
    """A PDF's text lines and table rows page by page, top to bottom."""
    if not data.lstrip().startswith(b"%PDF"):
        problems.append(_problem("error", None, None, "documents.pdf_damaged", name=name))
        raise _RefusedError
    import pdfplumber  # loads only for PDF files

    lines: list[_Line] = []
    table_no = 0
    chars = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                problems.append(
                    _problem(
                        "error",
                        None,
                        None,
                        "documents.too_many_pages",
                        pages=Count(len(pdf.pages)),
                        limit=MAX_PAGES,
                    )
                )
                raise _RefusedError
            for page_no, page in enumerate(pdf.pages, start=1):
                chars += len(page.chars)
                tables = page.find_tables()
                boxes = [tb.bbox for tb in tables]

                def outside(obj: dict, boxes: list = boxes) -> bool:
                    x = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
                    y = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
                    return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

                items: list[tuple[float, int, object]] = []
                for k, tb in enumerate(tables):
                    items.append((tb.bbox[1], k, tb))
                for text_line in page.filter(outside).extract_text_lines():
                    items.append((text_line["top"], -1, text_line["text"]))
                for _top, _k, item in sorted(items, key=lambda x: (x[0], x[1])):
                    if isinstance(item, str):
                        lines.append(_Line(_clean(item)))
                        continue
                    table_no += 1
                    for row_no, row in enumerate(item.extract(), start=1):
                        cells = [_pdf_cell(c) for c in row]
                        where = t(
                            "documents.where_page", "vi", page=page_no, table=table_no, row=row_no
                        )
                        lines.append(_Line(f"{where} {' | '.join(cells)}", cells, table_no))
    except _RefusedError:
        raise
    except Exception as exc:  # pdfminer raises many kinds for a damaged or locked file
        key = N_("documents.pdf_damaged")
        seen: BaseException | None = exc
        while seen is not None:
            if "password" in type(seen).__name__.lower() or "encrypt" in str(seen).lower():
                key = N_("documents.pdf_password")
            seen = seen.__cause__ or seen.__context__
        problems.append(_problem("error", None, None, key, name=name))
        raise _RefusedError from None
    if chars == 0:
        problems.append(_problem("error", None, None, "documents.pdf_scan", name=name))
        raise _RefusedError
    return lines


def _pdf_cell(text: str | None) -> str:
    """A PDF table cell's text: its wrapped lines joined as they were written."""
    joined = ""
    for part in str(text or "").split("\n"):
        joined = _join(joined, part)
    return _clean(joined)


def _lines(name: str, data: bytes, problems: list[Problem]) -> list[_Line]:
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        return _docx_lines(name, data, problems)
    if suffix == ".pdf":
        return _pdf_lines(name, data, problems)
    return _text_lines(data, problems)


def render_lines(name: str, data: bytes) -> list[str]:
    """The document's lines as the sources page shows and cites them (index 0 = line 1).

    A text file: its own lines. A Word file or a PDF: line 1 names the rendering, then one line
    per paragraph and per table row, the cells joined by ' | ', each row prefixed with where it
    was read ('[Trang 2 · Bảng 1 · Dòng 5]'). Raises ValueError when the file cannot be read.
    """
    problems: list[Problem] = []
    try:
        lines = _lines(name, data, problems)
    except _RefusedError:
        raise ValueError(problems[0].message("en") if problems else name) from None
    texts = [line.text for line in lines]
    if Path(name).suffix.lower() in (".docx", ".pdf"):
        texts.insert(0, t("documents.rendering_head", "vi", name=Path(name).name))
    return texts


def row_texts(name: str, data: bytes) -> list[str]:
    """An imported file's lines as cited: a decision document's (render_lines), else its rows.

    CSV and XLSX rows come from plans.data.reading.row_texts; this module stands above it.
    """
    if Path(name).suffix.lower() in SUFFIXES:
        return render_lines(name, data)
    return reading.row_texts(name, data)


# ---------------------------------------------------------------------------------------------
# The appendix table: its header, then its rows read by their shape.


def _kind(label: str) -> str:
    """What a header cell announces: tt, name, result, dvt, units, lead, coord, budget, …"""
    folded = _fold(label).strip(" .:")
    if folded in ("tt", "stt", "so tt"):
        return "tt"
    if folded.startswith(("ten nhiem vu", "noi dung", "nhiem vu", "ten de an", "hoat dong")):
        return "name"
    if folded in ("dvt", "don vi tinh"):
        return "dvt"
    if folded.startswith("ket qua") or folded.startswith("du kien ket qua"):
        return "result"
    if folded.startswith("don vi chu tri") and "phoi hop" in folded:
        return "units"
    if folded.startswith(("don vi chu tri", "chu tri")):
        return "lead"
    if folded.startswith(("don vi phoi hop", "phoi hop")):
        return "coord"
    if "kinh phi" in folded or _YEAR_LABEL.match(folded) or folded in _TOTAL_WORDS:
        return "budget"
    return "other" if folded else ""


def _is_header(cells: list[str]) -> bool:
    kinds = [_kind(c) for c in cells]
    return "tt" in kinds and "name" in kinds


def _is_figure(cell: str) -> bool:
    return bool(_FIGURE.match(cell.strip()))


@dataclass
class _Table:
    """The appendix table's layout, from its header rows."""

    first_line: int  # line of its first header row
    lead_kinds: list[str]  # kinds of the columns before the figures (TT, name, result …)
    lead_labels: list[str]  # those columns' headings as printed
    trail_kinds: list[str]  # kinds of the text columns after them (units …)
    years: list[int]
    year_line: int
    has_total: bool
    unit: str | None  # a unit other than triệu đồng written in the header ('tỷ đồng')
    grid: dict[int, tuple[str, int | None]] = field(default_factory=dict)  # quantity layout
    width: int = 0


def _header_rows(lines: list[_Line], start: int) -> list[int]:
    """The header rows from `start`: the 'TT …' row and the rows of years and measures below."""
    rows = [start]
    k = start + 1
    while k < len(lines):
        cells = lines[k].cells
        if cells is None and not lines[k].text.strip():
            k += 1
            continue
        if cells is None or any(_is_figure(c) for c in cells) or not any(c for c in cells):
            break
        folded = [_fold(c) for c in cells if c]
        if not all(_kind(c) in ("budget", "tt", "name", "result", "units", "") or
                   _fold(c) in ("so luong", "kinh phi") or _fold(c).startswith("kinh phi")
                   for c in cells if c) or not folded:  # fmt: skip
            break
        rows.append(k)
        k += 1
    return rows


def _table_layout(lines: list[_Line], start: int) -> tuple[_Table, list[int]]:
    rows = _header_rows(lines, start)
    first = lines[start].cells or []
    kinds = [_kind(c) for c in first]
    # the figures start at the first budget heading or year column of any header row
    numeric = [i for i, k in enumerate(kinds) if k == "budget"] + [
        i
        for k in rows
        for i, c in enumerate(lines[k].cells or [])
        if _YEAR_LABEL.match(_fold(c).strip(" .:"))
    ]
    budget_at = min(numeric, default=len(kinds))
    lead = kinds[:budget_at]
    trail = [k for k in kinds[budget_at + 1 :] if k not in ("", "budget", "tt", "name", "result")]
    years: list[tuple[int, int]] = []
    year_line = start
    has_total = False
    unit = None
    grid: dict[int, tuple[str, int | None]] = {}
    for k in rows:
        for i, cell in enumerate(lines[k].cells or []):
            folded = _fold(cell).strip(" .:")
            match = _YEAR_LABEL.match(folded)
            if match:
                years.append((i, int(match.group(1))))
                year_line = k
            if folded in _TOTAL_WORDS:
                has_total = True
            if "(ty dong)" in folded or "(ti dong)" in folded:
                unit = "tỷ đồng"
    years.sort()
    # a row of 'Số lượng | Kinh phí' under the years: two columns per year, read by position
    measures = [
        (i, _fold(c))
        for k in rows
        for i, c in enumerate(lines[k].cells or [])
        if _fold(c) == "so luong" or _fold(c).startswith("kinh phi")
    ]
    quantity_cols = [i for i, f in measures if f == "so luong"]
    if quantity_cols:
        spans = [(i, year) for i, year in years]
        total_at = next(
            (
                i
                for k in rows
                for i, c in enumerate(lines[k].cells or [])
                if _fold(c).strip(" .:") in _TOTAL_WORDS
            ),
            None,
        )
        if total_at is not None:
            spans.append((total_at, None))
        spans.sort()
        for i, measure in measures:
            owner = [year for at, year in spans if at <= i]
            if owner or spans:
                which = owner[-1] if owner else spans[0][1]
                grid[i] = ("so_luong" if measure == "so luong" else "kinh_phi", which)
    width = max((len(lines[k].cells or []) for k in rows), default=0)
    table = _Table(
        first_line=start,
        lead_kinds=lead,
        lead_labels=first[:budget_at],
        trail_kinds=trail or ["units"],
        years=sorted({year for _, year in years}),
        year_line=year_line,
        has_total=has_total,
        unit=unit,
        grid=grid,
        width=width,
    )
    return table, rows


@dataclass(eq=False)
class _Rec:
    """One row of the table as read: a section, a task (or a sub-row of one), or the total."""

    kind: str  # "section" | "task" | "total"
    line: int
    section: str = ""
    tt: str = ""
    name: str = ""
    result: str = ""
    dvt: str = ""
    units: str = ""
    amounts: dict[int | None, str] = field(default_factory=dict)  # year (None = total) -> text
    quantities: dict[int | None, str] = field(default_factory=dict)
    parent: _Rec | None = None  # a sub-row: the numbered task it belongs to
    subs: list[_Rec] = field(default_factory=list)


@dataclass
class _Reading:
    """The table's rows being read, and the problems found on the way."""

    table: _Table
    problems: list[Problem]
    style: str  # "vi" or "en_thousands" (the Hưng Yên appendix writes 1,050)
    recs: list[_Rec] = field(default_factory=list)
    continuations: list[int] = field(default_factory=list)  # lines joined to the row above
    section: str = ""
    after_break: bool = False
    pending_units: str = ""  # units a continuation row holds for the next task

    def figure(self, text: str) -> str:
        text = text.strip()
        return text  # as printed: the plan reader reads it in the document's style (kieu_so)

    def last_task(self) -> _Rec | None:
        for rec in reversed(self.recs):
            if rec.kind == "task" and rec.section == self.section:
                return rec.parent or rec
            if rec.kind == "section":
                return None
        return None

    def split(self, cells: list[str]) -> tuple[dict[str, str], list[str], bool] | None:
        """Texts by kind, the figures in year order (then the total), and whether the row reads.

        Shape: the text cells before the run of figures are TT, name, result (as the header's
        first row orders them); the run is one amount per year and then the row total; the text
        cells after it are the units. The header above the figures may be shifted (the copies
        of scanned tables are), the shape is not.
        """
        # the TT cell ('1', '2') is a number too, not a figure of the run
        skip = 1 if self.table.lead_kinds[:1] == ["tt"] else 0
        figures = [i for i, c in enumerate(cells) if i >= skip and _is_figure(c)]
        texts: dict[str, str] = {}
        if not figures:
            lead, trail = cells[: len(self.table.lead_kinds)], []
            rest = [c for c in cells[len(self.table.lead_kinds) :] if c]
            if rest:
                trail = [" ".join(rest)]
            run: list[str] = []
        else:
            lead, trail = cells[: figures[0]], cells[figures[-1] + 1 :]
            run = cells[figures[0] : figures[-1] + 1]
            # blank year cells before the first figure, where the row keeps its columns
            blanks = len(lead) - len(self.table.lead_kinds)
            if 0 < blanks and not any(lead[len(self.table.lead_kinds) :]):
                if blanks + len(run) == len(self.table.years) + 1:
                    run = [""] * blanks + run
                    lead = lead[: len(self.table.lead_kinds)]
        for kind, text in zip(self.table.lead_kinds, lead, strict=False):
            if text:
                texts[kind] = _join(texts.get(kind, ""), text)
        extra = [c for c in lead[len(self.table.lead_kinds) :] if c]
        if extra:
            texts["result"] = _join(texts.get("result", ""), " ".join(extra))
        for kind, text in zip(self.table.trail_kinds, [c for c in trail if c], strict=False):
            texts[kind] = _join(texts.get(kind, ""), text)
        return texts, run, True

    def read(self, n: int, cells: list[str]) -> None:
        """Line `n`, one data row of the table."""
        if self.table.grid:
            self.read_grid(n, cells)
            return
        texts, run, _ = self.split(cells)
        years = self.table.years
        tt = texts.get("tt", "").strip()
        name = texts.get("name", "")
        if _fold(tt).strip(" .:") in _TOTAL_WORDS or (
            not tt and _fold(name).strip(" .:") in _TOTAL_WORDS
        ):
            rec = _Rec("total", n)
            self.amounts(rec, run, n)
            self.recs.append(rec)
            return
        if not run:
            self.continue_row(n, texts)
            return
        figures = [c for c in run if c]
        expected = len(years) + 1 if self.table.has_total else len(years)
        if len(figures) == 1 and not (tt or name or texts.get("result")):
            # 000:273 — a page break repeats the total of the row below alone: not a budget line
            self.problems.append(
                _problem(
                    "warning",
                    n,
                    None,
                    "documents.lone_total",
                    value=figures[0],
                )
            )
            self.continue_row(n, texts)
            return
        if len(run) != expected or (tt and not (_ROMAN.match(tt) or _NUMBER_TT.match(tt))):
            self.uncertain(n)
            return
        if _ROMAN.match(tt):
            self.section = tt.rstrip(".")
            rec = _Rec("section", n, section=self.section, name=name)
        else:
            rec = _Rec(
                "task",
                n,
                section=self.section,
                tt=tt.rstrip("."),
                name=name,
                result=texts.get("result", ""),
                dvt=texts.get("dvt", ""),
                units=self.units_of(texts),
            )
            if not tt:
                parent = self.last_task()
                if parent is not None:
                    rec.parent = parent
                    continued = name and (self.after_break or name[0].islower())
                    if continued:
                        # a sub-row's name cell after a page break, or starting in lower case
                        # (a name never does): the rest of the numbered task's name
                        parent.name = _join(parent.name, name)
                        self.problems.append(
                            _problem(
                                "warning", n, None, "documents.name_continued", line=parent.line
                            )
                        )
                    rec.name = "" if continued else name
                    parent.subs.append(rec)
        self.amounts(rec, run, n)
        self.recs.append(rec)
        self.after_break = False

    def read_grid(self, n: int, cells: list[str]) -> None:
        """A row of a table with 'Số lượng | Kinh phí' per year: every cell by its column."""
        width = self.table.width
        last = max((i for i, c in enumerate(cells) if c), default=-1)
        if last >= width:  # more columns than the header: a column was lost or shifted
            self.uncertain(n)
            return
        lead = len(self.table.lead_kinds)
        texts: dict[str, str] = {}
        for kind, text in zip(self.table.lead_kinds, cells[:lead], strict=False):
            if text:
                texts[kind] = text
        tt = texts.get("tt", "")
        name = texts.get("name", "")
        figures: dict[tuple[str, int | None], str] = {}
        for i, (measure, year) in self.table.grid.items():
            if i < len(cells) and cells[i]:
                if not _is_figure(cells[i]):
                    self.uncertain(n)
                    return
                figures[(measure, year)] = self.figure(cells[i])
        is_total = _fold(tt).strip(" .:") in _TOTAL_WORDS or (
            not tt and _fold(name).strip(" .:") in _TOTAL_WORDS
        )
        if not figures and not is_total:
            self.continue_row(n, texts)
            return
        if is_total or _ROMAN.match(tt):
            rec = _Rec("total", n) if is_total else _Rec("section", n, section=tt.rstrip("."))
            if not is_total:
                self.section = rec.section
                rec.name = name
            # 002:264 — a section row prints its amounts in the quantity columns
            for year in [*self.table.years, None]:
                amount = figures.get(("kinh_phi", year), "")
                quantity = figures.get(("so_luong", year), "")
                if not amount and quantity:
                    amount = quantity
                    self.problems.append(
                        _problem(
                            "warning",
                            n,
                            None,
                            "documents.quantity_as_amount",
                            value=quantity,
                            year=year or "Tổng cộng",
                        )
                    )
                if amount:
                    rec.amounts[year] = amount
            self.recs.append(rec)
            return
        rec = _Rec(
            "task",
            n,
            section=self.section,
            tt=tt.rstrip("."),
            name=name,
            result=texts.get("result", ""),
            dvt=texts.get("dvt", ""),
        )
        if not tt:
            parent = self.last_task()
            if parent is not None:
                rec.parent = parent
                parent.subs.append(rec)
                rec.name = name
        for (measure, year), text in figures.items():
            (rec.amounts if measure == "kinh_phi" else rec.quantities)[year] = text
        self.recs.append(rec)

    def units_of(self, texts: dict[str, str]) -> str:
        units = texts.get("units", "")
        if not units and self.pending_units:
            units, self.pending_units = self.pending_units, ""
        lead, coord = texts.get("lead", ""), texts.get("coord", "")
        if lead or coord:
            units = f"Đơn vị chủ trì: {lead} - Đơn vị phối hợp: {coord}"
        return units

    def amounts(self, rec: _Rec, run: list[str], n: int) -> None:
        years = self.table.years
        for year, text in zip(years, run, strict=False):
            if text:
                rec.amounts[year] = self.figure(text)
        if len(run) > len(years) and run[len(years)]:
            rec.amounts[None] = self.figure(run[len(years)])

    def uncertain(self, n: int) -> None:
        self.problems.append(_problem("warning", n, None, "documents.uncertain_row"))

    def continue_row(self, n: int, texts: dict[str, str]) -> None:
        """A row without a number and without figures: the rest of the row above."""
        last = self.recs[-1] if self.recs else None
        if last is None:
            return
        if last.kind == "task":
            self.continuations.append(n)
        owner = last.parent or last
        if texts.get("name"):
            owner.name = _join(owner.name, texts["name"])
        if texts.get("result"):
            last.result = _join(last.result, texts["result"])
        units = texts.get("units", "")
        if units:
            marker = _LEAD.search(units)
            if marker and _LEAD.search(last.units):
                # the row above has its lead unit already: what follows it is the next task's
                head, tail = units[: marker.start()], units[marker.start() :]
                if head.strip():
                    last.units = _join(last.units, head)
                self.pending_units = tail.strip()
            else:
                last.units = _join(last.units, units)


def _units(text: str) -> tuple[str, str]:
    """'- Đơn vị chủ trì: Sở Công Thương - Đơn vị phối hợp: UBND …' -> (lead, coordinating)."""
    lead = _LEAD.search(text)
    coord = _COORD.search(text)
    tidy = " .;,-–"
    if not lead and not coord:
        return text.strip(tidy), ""
    lead_text = text[lead.end() : coord.start() if coord else len(text)] if lead else ""
    coord_text = text[coord.end() :] if coord else ""
    return lead_text.strip(tidy), coord_text.strip(" .;")


# ---------------------------------------------------------------------------------------------
# The heading: programme, province, period and decision where the document prints them.

_TITLE = re.compile(
    r"(chương trình\s+khuyến công\b.*?(?:giai đoạn\s*\d{4}\s*[-–]\s*\d{4}|đến năm\s*\d{4}))",
    re.IGNORECASE,
)
_PERIOD = re.compile(r"giai đoạn\s*((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})", re.IGNORECASE)
_UNTIL = re.compile(r"đến năm\s*((?:19|20)\d{2})", re.IGNORECASE)
_ATTACHED = re.compile(
    r"kèm theo\s+Quyết định số\s*(\d+)\s*/\s*(QĐ-[A-ZĐ]+)\s*,?\s*ngày\s*(\d{1,2})\s*"
    r"(?:/|tháng)\s*(\d{1,2})\s*(?:/|năm)\s*(\d{4})",
    re.IGNORECASE,
)
_OWN_NUMBER = re.compile(r"^\s*Số\s*:\s*(\d+)\s*/\s*(QĐ-[A-ZĐ]+)", re.IGNORECASE)
_OWN_DATE = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.IGNORECASE)


def _plain(text: str) -> str:
    """A heading line without the Markdown marks of the text copies (**, ~~)."""
    return " ".join(re.sub(r"[*~]+", "", text).split())


def _province_in(title: str) -> str:
    """'… thành phố Hà Nội giai đoạn …' -> 'Hà Nội' (the capitalised words after the word)."""
    match = re.search(r"\b(thành phố|tỉnh|TP\.)\s+", title, re.IGNORECASE)
    if not match:
        return ""
    words = []
    for word in title[match.end() :].split():
        if not word[0].isupper():
            break
        words.append(word.strip(",.;()"))
    return " ".join(words)


def _heading(lines: list[_Line], before: int) -> dict[str, tuple[str, int]]:
    """Programme information printed above line `before` (index), each with its line number."""
    found: dict[str, tuple[str, int]] = {}
    texts = [(k + 1, _plain(line.text)) for k, line in enumerate(lines[:before]) if not line.cells]
    texts = [(n, text) for n, text in texts if text]
    for j, (n, text) in enumerate(texts):
        for candidate in (text, f"{text} {texts[j + 1][1]}" if j + 1 < len(texts) else ""):
            match = _TITLE.search(candidate) if candidate else None
            if match and "ten_chuong_trinh" not in found:
                if match.start() > len(text):  # the title starts on the next line
                    n = texts[j + 1][0]
                title = match.group(1)
                title = "Chương trình" + title[len("chương trình") :]
                found["ten_chuong_trinh"] = (title, n)
                province = _province_in(title)
                if province:
                    found["tinh"] = (province, n)
                period = _PERIOD.search(title)
                if period:
                    found["nam_bat_dau"] = (period.group(1), n)
                    found["nam_ket_thuc"] = (period.group(2), n)
                else:
                    until = _UNTIL.search(title)
                    if until:
                        found["_den_nam"] = (until.group(1), n)
                break
        own = _OWN_NUMBER.match(text)
        if own and "so_quyet_dinh" not in found:
            found["so_quyet_dinh"] = (f"{own.group(1)}/{own.group(2)}", n)
            for m, later in texts[j : j + 3]:
                date = _OWN_DATE.search(later)
                if date:
                    day, month, year = (int(x) for x in date.groups())
                    found["ngay_quyet_dinh"] = (f"{day}/{month}/{year}", m)
                    break
    return found


def _attached(lines: list[_Line]) -> list[tuple[str, str, int]]:
    """Every 'kèm theo Quyết định số …' of the document: (number, date, line)."""
    out = []
    texts = [(k + 1, _plain(line.text)) for k, line in enumerate(lines) if not line.cells]
    texts = [(n, text) for n, text in texts if text]
    for j, (n, text) in enumerate(texts):
        window = " ".join(x for _, x in texts[j : j + 3])
        match = _ATTACHED.search(window)
        if match and match.start() < len(text):
            number, kind, day, month, year = match.groups()
            out.append((f"{number}/{kind.upper()}", f"{int(day)}/{int(month)}/{year}", n))
    return out


# ---------------------------------------------------------------------------------------------
# A total written in words: "(Bằng chữ: Hai trăm năm mươi tỷ, chín trăm triệu đồng)".

# ---------------------------------------------------------------------------------------------
# The whole reading.


def read_document(
    filename: str, data: bytes, problems: list[Problem], given: dict[str, str]
) -> tuple[list[str], list[list[str]]]:
    """A decision document's appendix table as a template-shaped header and body.

    body[k] is the document's line k+2 (text) or rendering line k+2 (DOCX/PDF, render_lines), so
    the plan reader's row numbers are the lines the sources page cites. Errors go to `problems`
    (and ([], []) is returned); warnings say what was read in a way worth checking.
    """
    if not reading.upload_fits(data, problems):
        return [], []
    try:
        lines = _lines(filename, data, problems)
    except _RefusedError:
        return [], []
    if len(lines) > MAX_LINES:
        problems.append(
            _problem(
                "error",
                None,
                None,
                "documents.too_many_lines",
                lines=Count(len(lines)),
                limit=Count(MAX_LINES),
            )
        )
        return [], []
    if Path(filename).suffix.lower() in (".docx", ".pdf"):
        lines.insert(0, _Line(""))  # rendering line 1 names the rendering (render_lines)
    try:
        return _read(lines, problems, given or {})
    except _RefusedError:
        return [], []


def _read(
    lines: list[_Line], problems: list[Problem], given: dict[str, str]
) -> tuple[list[str], list[list[str]]]:
    start = next((k for k, line in enumerate(lines) if line.cells and _is_header(line.cells)), None)
    if start is None:
        problems.append(_problem("error", None, None, "documents.no_table"))
        raise _RefusedError
    table, header_rows = _table_layout(lines, start)
    if not table.years:
        problems.append(_problem("error", start + 1, None, "documents.no_years"))
        raise _RefusedError
    meta = _meta(lines, start, table, problems, given)
    figures = [c.strip() for line in lines[start:] if line.cells for c in line.cells]
    comma = any(_COMMA_THOUSANDS.match(c) for c in figures)
    dot = any(_DOT_THOUSANDS.match(c) for c in figures)
    style = "en_thousands" if comma and not dot else "vi"
    if style == "en_thousands":
        problems.append(_problem("warning", None, None, "documents.comma_thousands"))
        meta["kieu_so"] = (style, 0)  # stored as the document's number style, figures as printed
    reading = _Reading(table, problems, style)
    header_words = {_fold(c) for k in header_rows for c in lines[k].cells or [] if c}
    skip = set(header_rows)
    total_seen = False
    end = len(lines)
    for k in range(start, len(lines)):
        line = lines[k]
        n = k + 1
        if k in skip:
            continue
        if line.cells is None:
            text = _plain(line.text)
            if not text or re.fullmatch(r"[\d\s/\-–]{1,12}", text):
                continue  # a blank line, a page break or a page number between table pages
            end = k
            break
        cells = line.cells
        if not any(cells):
            continue
        if _is_header(cells):
            # the header printed again on a new page: skipped with the rows of years below it
            again = _header_rows(lines, k)
            skip.update(again)
            reading.after_break = True
            problems.append(_problem("warning", n, None, "import.header_repeated"))
            continue
        folded = {_fold(c) for c in cells if c}
        if folded <= header_words and not any(_is_figure(c) for c in cells):
            reading.after_break = True
            continue  # a stray row of the repeated header (years, measures)
        for label, text in zip(table.lead_labels, cells, strict=False):
            _check_cell(text, n, label, problems)
        reading.read(n, cells)
        if reading.recs and reading.recs[-1].kind == "total":
            total_seen = True
            end = k + 1
            break
    if reading.pending_units and reading.recs:
        reading.recs[-1].units = _join(reading.recs[-1].units, reading.pending_units)
    if not any(rec.kind == "task" for rec in reading.recs):
        problems.append(_problem("error", start + 1, None, "documents.no_table"))
        raise _RefusedError
    words = _words_total(lines, end, reading.recs if total_seen else [], problems)
    return _body(lines, table, reading, meta, words)


def _meta(
    lines: list[_Line],
    start: int,
    table: _Table,
    problems: list[Problem],
    given: dict[str, str],
) -> dict[str, tuple[str, int]]:
    """The programme's information: printed in the heading, else given, else an error."""
    found = _heading(lines, start)
    attached = _attached(lines)
    if "so_quyet_dinh" not in found and attached:
        number, date, n = attached[0]
        found["so_quyet_dinh"] = (number, n)
        found["ngay_quyet_dinh"] = (date, n)
    chosen = found.get("so_quyet_dinh", ("", 0))[0]
    others = [(number, n) for number, _date, n in attached if number != chosen]
    if chosen and others:
        where = found["so_quyet_dinh"][1]
        numbers = ", ".join(x for x, _ in others)
        at = ", ".join(str(m) for _, m in others)
        problems.append(
            _problem(
                "warning", where, None, "documents.decision_differs", number=chosen,
                others=numbers, lines=at,
            )
        )  # fmt: skip
    table_years = (table.years[0], table.years[-1])
    period = given.get("nam_bat_dau"), given.get("nam_ket_thuc")
    for column in ("tinh", "ten_chuong_trinh", "nam_bat_dau", "nam_ket_thuc", "so_quyet_dinh",
                   "ngay_quyet_dinh"):  # fmt: skip
        value = str(given.get(column) or "").strip()
        if not value:
            continue
        if column in found and _fold(found[column][0]) != _fold(value):
            problems.append(
                _problem(
                    "warning",
                    found[column][1],
                    column,
                    "documents.given_differs",
                    printed=found[column][0],
                    given=value,
                )
            )
        elif column not in found:
            found[column] = (value, start + 1)
    if "nam_bat_dau" not in found and "_den_nam" in found and not any(period):
        # 'đến năm 2020' and the table's years 2018-2020: the period is what the table covers
        until = int(found["_den_nam"][0])
        if table_years[1] == until:
            found["nam_bat_dau"] = (str(table_years[0]), table.year_line + 1)
            found["nam_ket_thuc"] = (str(until), found["_den_nam"][1])
    found.pop("_den_nam", None)
    missing = {
        "tinh": N_("documents.missing_province"),
        "ten_chuong_trinh": N_("documents.missing_title"),
        "nam_bat_dau": N_("documents.missing_period"),
    }
    for column, key in missing.items():
        if column not in found:
            problems.append(_problem("error", None, column, key))
    if any(column not in found for column in missing):
        raise _RefusedError
    if "nam_ket_thuc" in found and "nam_bat_dau" in found:
        start_year, end_year = int(found["nam_bat_dau"][0]), int(found["nam_ket_thuc"][0])
        if table_years[0] < start_year or table_years[1] > end_year:
            problems.append(
                _problem(
                    "error",
                    table.year_line + 1,
                    None,
                    "documents.years_not_period",
                    years=", ".join(str(y) for y in table.years),
                    start=start_year,
                    end=end_year,
                    line=found["nam_bat_dau"][1],
                )
            )
            raise _RefusedError
    return found


def _words_total(
    lines: list[_Line], end: int, recs: list[_Rec], problems: list[Problem]
) -> tuple[int, str] | None:
    """'(Bằng chữ: …)' under the table: read and compared with the TỔNG row, never dropped.

    Returns (its line, the words) for the plan reader to store as a stated total in words.
    """
    total = next((rec for rec in recs if rec.kind == "total"), None)
    for k in range(end, min(end + 8, len(lines))):
        text = _plain(lines[k].text)
        match = re.match(r"^\(?\s*b[ằả]ng chữ\s*:\s*(.*?)\)?\s*$", text, re.IGNORECASE)
        if not match:
            continue
        words = match.group(1).strip()
        vnd = words_to_vnd(words)
        if vnd is None:
            problems.append(_problem("warning", k + 1, None, "documents.words_unread", text=words))
            return None
        mvnd = vnd / 1_000_000
        value = format_number(mvnd, 0 if float(mvnd).is_integer() else 3)
        printed = total.amounts.get(None, "") if total else ""
        if printed:
            from plans.data.notation import parse_number

            stated = float(parse_number(printed, "en_thousands" if "," in printed else "vi"))
            agrees = abs(stated - mvnd) <= 0.5
            key = N_("documents.words_total") if agrees else N_("documents.words_differ")
            problems.append(
                _problem(
                    "warning",
                    k + 1,
                    None,
                    key,
                    text=words,
                    value=value,
                    total=printed,
                    line=total.line,
                )
            )
        else:
            problems.append(
                _problem("warning", k + 1, None, "documents.words_alone", text=words, value=value)
            )
        return k + 1, words
    return None


def _body(
    lines: list[_Line],
    table: _Table,
    reading: _Reading,
    meta: dict[str, tuple[str, int]],
    words: tuple[int, str] | None = None,
) -> tuple[list[str], list[list[str]]]:
    years = table.years
    quantities = bool(table.grid)
    unit = f" ({table.unit})" if table.unit else ""
    # the total column carries no unit: its cells are written with it ('25 tỷ đồng')
    columns = [*_HEAD, *(f"kinh_phi_{y}{unit}" for y in years), "tong_kinh_phi"]
    if quantities:
        columns += [*(f"so_luong_{y}" for y in years), "so_luong_tong"]
    columns += list(_TAIL)
    at = {c.split(" (")[0]: i for i, c in enumerate(columns)}
    body = [[""] * len(columns) for _ in range(max(len(lines) - 1, 0))]

    def row(n: int) -> list[str]:
        return body[n - 2]

    for column, (value, n) in meta.items():
        target = n if n >= 2 else table.first_line + 1
        row(target)[at[column]] = value
    for rec in reading.recs:
        cells = row(rec.line)
        cells[at["dong_van_ban"]] = str(rec.line)
        for year, text in rec.amounts.items():
            key = "tong_kinh_phi" if year is None else f"kinh_phi_{year}"
            value = text
            if year is None and table.unit:
                value = f"{text} {table.unit}"
            cells[at[key]] = value
        for year, text in rec.quantities.items():
            cells[at["so_luong_tong" if year is None else f"so_luong_{year}"]] = text
        if rec.kind == "total":
            cells[at["muc"]] = "TỔNG"
            continue
        if rec.kind == "section":
            cells[at["muc"]] = rec.section
            cells[at["ten_muc"]] = rec.name or rec.section
            continue
        owner = rec.parent or rec
        cells[at["muc"]] = rec.section
        if owner.tt and owner.subs:
            k = 1 if rec is owner else owner.subs.index(rec) + 2
            cells[at["ma_nhiem_vu"]] = f"{rec.section}.{owner.tt}.{k}"
            cells[at["tt_in"]] = owner.tt if rec is owner else ""
        elif rec.tt:
            cells[at["ma_nhiem_vu"]] = f"{rec.section}.{rec.tt}"
            cells[at["tt_in"]] = rec.tt
        cells[at["nhiem_vu"]] = rec.name or owner.name
        cells[at["ket_qua"]] = rec.result
        cells[at["dvt"]] = rec.dvt
        lead, coord = _units(rec.units)
        cells[at["chu_tri"]] = lead
        cells[at["phoi_hop"]] = coord
    for n in reading.continuations:
        # cited on the task above by the plan reader (its text is joined here already)
        row(n)[at["dong_van_ban"]] = str(n)
    if words is not None:
        row(words[0])[at["tong_bang_chu"]] = words[1]  # stored as the total in words
    return columns, body
