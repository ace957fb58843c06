"""Support records from a real file: read, checked, identified and staged as support_records.csv."""

from __future__ import annotations

import csv
import difflib
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from plans.data import provinces
from plans.data.build import SUPPORT_COLUMNS
from plans.data.notation import NumberFormatError, read_figure
from plans.data.reading import Count, Problem, _check_cell, _fold, _problem, funding_code
from plans.messages import N_, t
from plans.numbers import format_mvnd, format_number, format_trimmed

# The template's columns (python -m plans template --kind support), in order.
SUPPORT_HEADER: list[str] = [
    "ma_chuong_trinh", "tinh", "giai_doan", "nam", "ngay_quyet_dinh", "so_quyet_dinh", "huyen",
    "xa_phuong", "co_so", "ma_so_thue", "ma_nhiem_vu", "linh_vuc", "kinh_phi", "nguon_von",
    "so_nguoi_huong_loi", "trang_thai", "ghi_chu",
]  # fmt: skip
# One amount column per funding source instead of kinh_phi + nguon_von: each non-empty cell is a
# record row of its source (kinh_phi, if also given, is then the row's total and is checked).
WIDE_AMOUNTS: dict[str, str] = {
    "kinh_phi_trung_uong": "trung_uong",
    "kinh_phi_dia_phuong": "dia_phuong",
    "von_doi_ung": "doi_ung",
}
# A user's header (folded by _header_key: ASCII, lower case, punctuation as single spaces, the
# unit in brackets left out) -> the template column. The template's own names are keys too.
ALIASES: dict[str, str] = {
    **{c.replace("_", " "): c for c in [*SUPPORT_HEADER, *WIDE_AMOUNTS]},
    "chuong trinh": "ma_chuong_trinh", "ma ct": "ma_chuong_trinh",
    "tinh thanh pho": "tinh", "tinh tp": "tinh", "tinh thanh": "tinh",
    "giai doan": "giai_doan", "giai doan chuong trinh": "giai_doan",
    "nam ho tro": "nam", "nam thuc hien": "nam", "nam ke hoach": "nam", "nam phe duyet": "nam",
    "ngay qd": "ngay_quyet_dinh", "ngay phe duyet": "ngay_quyet_dinh",
    "ngay ban hanh": "ngay_quyet_dinh", "ngay ky": "ngay_quyet_dinh",
    "so qd": "so_quyet_dinh", "quyet dinh": "so_quyet_dinh",
    "so quyet dinh phe duyet": "so_quyet_dinh",
    "quyet dinh phe duyet": "so_quyet_dinh", "so hieu quyet dinh": "so_quyet_dinh",
    "huyen": "huyen", "quan huyen": "huyen", "huyen thi xa": "huyen", "quan huyen thi xa": "huyen",
    "huyen thi xa thanh pho": "huyen", "dia ban huyen": "huyen", "quan": "huyen",
    "xa": "xa_phuong", "phuong": "xa_phuong", "xa phuong": "xa_phuong", "phuong xa": "xa_phuong",
    "xa phuong thi tran": "xa_phuong", "phuong xa thi tran": "xa_phuong", "dia chi": "xa_phuong",
    "ten co so": "co_so", "co so": "co_so", "ten doanh nghiep": "co_so", "doanh nghiep": "co_so",
    "ten co so doanh nghiep": "co_so", "ten doanh nghiep co so": "co_so",
    "co so duoc ho tro": "co_so", "don vi duoc ho tro": "co_so", "don vi thu huong": "co_so",
    "ten co so cong nghiep nong thon": "co_so", "co so cong nghiep nong thon": "co_so",
    "ten don vi thu huong": "co_so", "ten to chuc ca nhan": "co_so",
    "ma so thue": "ma_so_thue", "mst": "ma_so_thue", "ma so doanh nghiep": "ma_so_thue",
    "ma so thue ma so doanh nghiep": "ma_so_thue", "ma doanh nghiep": "ma_so_thue",
    "ma nhiem vu": "ma_nhiem_vu", "ma nv": "ma_nhiem_vu", "stt nhiem vu": "ma_nhiem_vu",
    "linh vuc": "linh_vuc", "linh vuc ho tro": "linh_vuc", "noi dung": "linh_vuc",
    "noi dung ho tro": "linh_vuc", "ma linh vuc": "linh_vuc",
    "kinh phi": "kinh_phi", "kinh phi ho tro": "kinh_phi", "so tien": "kinh_phi",
    "so tien ho tro": "kinh_phi", "kinh phi duoc duyet": "kinh_phi",
    "kinh phi phe duyet": "kinh_phi", "tong kinh phi": "kinh_phi", "tong cong": "kinh_phi",
    "kinh phi khuyen cong": "kinh_phi", "tong kinh phi ho tro": "kinh_phi",
    "kinh phi trung uong": "kinh_phi_trung_uong", "kcqg": "kinh_phi_trung_uong",
    "kinh phi khuyen cong quoc gia": "kinh_phi_trung_uong",
    "khuyen cong quoc gia": "kinh_phi_trung_uong",
    "ngan sach trung uong": "kinh_phi_trung_uong", "nstw": "kinh_phi_trung_uong",
    "kinh phi dia phuong": "kinh_phi_dia_phuong", "kcdp": "kinh_phi_dia_phuong",
    "kinh phi khuyen cong dia phuong": "kinh_phi_dia_phuong",
    "khuyen cong dia phuong": "kinh_phi_dia_phuong",
    "ngan sach dia phuong": "kinh_phi_dia_phuong", "ngan sach tinh": "kinh_phi_dia_phuong",
    "ngan sach thanh pho": "kinh_phi_dia_phuong", "nsdp": "kinh_phi_dia_phuong",
    "doi ung": "von_doi_ung", "kinh phi doi ung": "von_doi_ung",
    "von doi ung cua co so": "von_doi_ung",
    "doi ung cua co so": "von_doi_ung",
    "nguon von": "nguon_von", "nguon kinh phi": "nguon_von", "nguon": "nguon_von",
    "so nguoi huong loi": "so_nguoi_huong_loi", "nguoi huong loi": "so_nguoi_huong_loi",
    "so lao dong": "so_nguoi_huong_loi", "so lao dong huong loi": "so_nguoi_huong_loi",
    "so luong nguoi huong loi": "so_nguoi_huong_loi", "so hoc vien": "so_nguoi_huong_loi",
    "trang thai": "trang_thai", "tinh trang": "trang_thai", "ket qua thuc hien": "trang_thai",
    "ghi chu": "ghi_chu",
}  # fmt: skip
MAX_SUPPORT_ROWS: int = 250_000
MAX_ERRORS = 50  # errors listed one by one; the rest are counted
ABSURD_MVND = 10_000_000  # as plans.data.imports: 10 nghìn tỷ đồng in one cell is a unit slip
PREVIEW_ROWS = 20
MAX_ADDRESS_WARNINGS = 30  # distinct unknown addresses listed; the rest are counted
PROGRESS_EVERY = 5_000
COLUMNS: tuple[str, ...] = tuple(name for name, _type in SUPPORT_COLUMNS)
CSV_NAME = "support_records.csv"


# Status words (folded, punctuation as spaces) -> status.
STATUS_WORDS: dict[str, str] = {
    "": "approved", "approved": "approved", "phe duyet": "approved", "da phe duyet": "approved",
    "duyet": "approved", "da duyet": "approved", "dang thuc hien": "approved",
    "accepted": "accepted", "nghiem thu": "accepted", "da nghiem thu": "accepted",
    "hoan thanh": "accepted", "da hoan thanh": "accepted", "da thanh toan": "accepted",
    "cancelled": "cancelled", "huy": "cancelled", "da huy": "cancelled", "bi huy": "cancelled",
    "khong thuc hien": "cancelled", "dung thuc hien": "cancelled", "huy bo": "cancelled",
    "da huy bo": "cancelled",
}  # fmt: skip

# Words of a name written short or long alike (after lower case and punctuation dropped).
_NAME_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"(?<!\w){short}(?!\w)"), long)
    for short, long in (
        (r"c\s?ty", "công ty"),
        (r"ctcp", "công ty cổ phần"),
        (r"cty\s?cp|công ty cp", "công ty cổ phần"),
        (r"htx", "hợp tác xã"),
        (r"dntn", "doanh nghiệp tư nhân"),
        (r"mtv", "một thành viên"),
        (r"tm\s?dv", "thương mại dịch vụ"),
        (r"sx", "sản xuất"),
        (r"cs", "cơ sở"),
    )
)
_TAX_CODE = re.compile(r"^(\d{10})(?:-(\d{3}))?$")
_DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_YEAR = re.compile(r"^(?:năm\s*)?(\d{4})$", re.IGNORECASE)
_PERIOD = re.compile(r"(\d{4})\s*(?:-|–|—|đến|tới)\s*(\d{4})")
_AREA_CODE = re.compile(r"^kc\s*0?([1-9])\b")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
# the support page's columns a row must have (a programme way and an amount: see _Columns)
_REQUIRED_MESSAGES: dict[str, str] = {
    "nam": N_("support_import.need_nam"),
    "co_so": N_("support_import.need_co_so"),
    "kinh_phi": N_("support_import.need_kinh_phi"),
    "ma_chuong_trinh": N_("support_import.need_programme"),
}
_SOURCE_MESSAGES: dict[str | None, str] = {
    "trung_uong": N_("funding.trung_uong"),
    "dia_phuong": N_("funding.dia_phuong"),
    "doi_ung": N_("funding.doi_ung"),
    "khac": N_("funding.khac"),
    None: N_("funding.not_stated"),
}


def _say(key: str, lang: str) -> str:
    """A message chosen at run time (its possible ids are N_ literals where it is chosen)."""
    return t(key, lang)


def _header_key(header: str) -> tuple[str, str]:
    """'Kinh phí hỗ trợ (triệu đồng)' -> ('kinh phi ho tro', 'triệu đồng'); the template's own
    'kinh_phi (tỷ đồng)' -> ('kinh phi', 'tỷ đồng')."""
    name, _, unit = str(header).partition("(")
    key = re.sub(r"[^a-z0-9]+", " ", _fold(name)).strip()
    return key, unit.rstrip(") ").strip()


def support_column(header: str) -> tuple[str, str]:
    """The template column a user's header is ('' = none) and the unit its brackets write."""
    key, unit = _header_key(header)
    return ALIASES.get(key, ""), unit


def is_support_header(header: list[str]) -> bool:
    """A support file: after mapping its headers, it names the establishment (co_so)."""
    return any(support_column(h)[0] == "co_so" for h in header if h)


# Cached: a 250.000-row file names each establishment many times (the caches are bounded).
@lru_cache(maxsize=1 << 17)
def establishment_key(name: str) -> str:
    """The normalised name: 'CÔNG TY TNHH MÂY TRE ĐAN PHÚ VINH' = 'Cty TNHH Mây tre đan Phú Vinh'.

    NFC and case-folded, punctuation and quotes dropped, spaces collapsed, the common short
    forms written long (Cty -> công ty, HTX -> hợp tác xã); tone marks are kept, since they tell
    names apart ('Phú Vinh' is not 'Phù Vinh').
    """
    text = unicodedata.normalize("NFC", str(name)).casefold()
    text = re.sub(r"[^\w\s]|_", " ", text.replace("&", " "))
    text = " ".join(text.split())
    for pattern, long in _NAME_WORDS:
        text = pattern.sub(long, text)
    return text


def tax_code(text: str) -> tuple[str | None, str]:
    """A tax code as written -> (code, what happened): 'ok', 'empty', 'padded', 'bad'.

    Ten digits, or thirteen as '0101234567-001'; spaces and dots between digits are dropped.
    Nine digits are read with the leading 0 a spreadsheet drops from a number cell.
    """
    raw = re.sub(r"[\s.]", "", str(text))
    if not raw:
        return None, "empty"
    if re.fullmatch(r"\d{9}(?:-\d{3})?", raw):
        return "0" + raw, "padded"
    if _TAX_CODE.fullmatch(raw):
        return raw, "ok"
    return None, "bad"


@lru_cache(maxsize=256)
def _money_unit(header_unit: str) -> str | None:
    """The money unit a column header writes ('tỷ đồng', 'Tỷ', 'đồng'); None = million VND."""
    folded = _fold(header_unit)
    if folded.startswith(("ty", "ti")):
        return "tỷ đồng"
    if folded.startswith(("nghin", "ngan")):
        return "nghìn đồng"
    if folded in ("dong", "vnd", "d"):
        return "đồng"
    return None


_MONEY_WORD = re.compile(r"(?:tỷ|tỉ|triệu|nghìn|ngàn|đồng|vnđ|vnd|đ)\s*$", re.IGNORECASE)


def _place_of(ward_code: str | None, commune: str, district: str, province: str) -> str:
    """Where an establishment is, for identity: its ward since 1/7/2025 when the package knows
    it, else the commune and district as written (folded) in the province of today (a record's
    province is its programme's before 1/7/2025 and the successor since: one place for both)."""
    if ward_code:
        return ward_code
    known = provinces.by_name()
    today = known[province].successor if province in known else province
    return "~" + "|".join(" ".join(_fold(x or "").split()) for x in (commune, district, today))


def _written_place(commune: str, district: str) -> str:
    """The commune and district as a row writes them, for a person: 'Xã Nhị Khê, Huyện Thường
    Tín' ('Xã Thường Tín' without a district)."""
    return ", ".join(" ".join(x.split()) for x in (commune, district) if x and x.strip())


def _written_key(written: str) -> str:
    # the same place written in another case or spacing is the same variant
    return " ".join(_fold(written).split())


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Match:
    """One identity decision for the preview: rows joined to an earlier establishment.

    Every row written exactly as `row` (same name, tax code and place) follows the decision;
    `separate` undoes it for them.
    """

    row: int  # the user's row (header = row 1): the first row written this way
    rule: str  # 'tax_code' | 'name_in_ward'
    name: str  # the establishment as this row writes it
    earlier_name: str  # as the earlier row or stored record writes it
    establishment_id: str
    earlier_row: int | None = None  # a row of this file
    earlier_import: str | None = None  # or a stored import: its id, file and row
    earlier_file: str | None = None
    earlier_line: int | None = None
    # the commune and district as each row writes them, where the two differ (a commune merged
    # on 1/7/2025 written by its old name on one row and by its new ward on the other)
    place: str | None = None
    earlier_place: str | None = None

    def text(self, lang: str = "vi") -> str:
        """The decision in words: 'Dòng 7 'CÔNG TY …' = dòng 3 'Công ty …': cùng tên, cùng xã'."""
        rule = {
            "tax_code": N_("support_import.rule_tax_code"),
            "name_in_ward": N_("support_import.rule_name_in_ward"),
        }[self.rule]
        said = _say(rule, lang)
        if self.rule == "name_in_ward" and _written_key(self.place or "") != _written_key(
            self.earlier_place or ""
        ):
            said = t(
                "support_import.rule_name_in_merged_ward",
                lang,
                place=self.place or "",
                earlier_place=self.earlier_place or "",
            )
        if self.earlier_import:
            return t(
                "support_import.match_import",
                lang,
                row=self.row,
                name=self.name,
                earlier_name=self.earlier_name,
                import_id=self.earlier_import,
                file=self.earlier_file or "",
                line=self.earlier_line or "",
                rule=said,
            )
        return t(
            "support_import.match_row",
            lang,
            row=self.row,
            name=self.name,
            earlier_name=self.earlier_name,
            earlier_row=self.earlier_row,
            rule=said,
        )


@dataclass
class SupportStaging:
    """An upload of support records read and checked, its rows already written to `path`."""

    path: Path  # out_dir/support_records.csv: the SUPPORT_COLUMNS header, import_id empty
    rows: int  # record rows written (a row with wide amounts gives one per source)
    programmes: tuple[str, ...]
    filename: str = ""  # the upload's name, as source_file
    matches: list[Match] = field(default_factory=list)
    # per programme, year, funding_source: records, amount_mvnd (not cancelled), cancelled,
    # cancelled_mvnd
    totals: list[dict[str, Any]] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)  # the first stored rows
    file_rows: int = 0  # rows of the user's file read as records
    establishments: int = 0  # distinct establishment_id
    establishments_known: int = 0  # of them, recognised from stored imports
    # per programme and year: this file's support (not cancelled), earlier imports', the plan's
    reconciliation: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Problem] = field(default_factory=list)  # the warnings of reconciliation
    known_ids: frozenset[str] = frozenset()  # establishment ids seen in stored imports

    @property
    def establishments_new(self) -> int:
        """Establishments seen for the first time."""
        return self.establishments - self.establishments_known


# ---------------------------------------------------------------------------------------------
# Columns and cells.


@dataclass
class _Columns:
    """Where the template's columns are in the user's file, their units and their own headers."""

    index: dict[str, int]
    written: dict[str, str]  # template column -> the user's header
    units: dict[str, str]  # amount column -> its header's money unit ('' = million VND)
    wide: list[tuple[int, str, str]]  # (index, source, header) of wide amount columns
    header_at: dict[int, str]  # index of a read column -> the user's header

    @classmethod
    def of(cls, header: list[str]) -> _Columns:
        index: dict[str, int] = {}
        written: dict[str, str] = {}
        units: dict[str, str] = {}
        for i, h in enumerate(header):
            if not h:
                continue
            column, unit = support_column(h)
            if column and column not in index:  # a second column of the same meaning: the first
                index[column] = i
                written[column] = str(h).strip()
                units[column] = unit
        wide = [(index[c], s, written[c]) for c, s in WIDE_AMOUNTS.items() if c in index]
        return cls(index, written, units, wide, {i: written[c] for c, i in index.items()})

    def missing(self) -> list[str]:
        need = ["nam", "co_so"]
        if "kinh_phi" not in self.index and not self.wide:
            need.append("kinh_phi")
        if "ma_chuong_trinh" not in self.index and "tinh" not in self.index:
            need.append("ma_chuong_trinh")
        return [c for c in need if c not in self.index]

    def cell(self, cells: list[str], column: str) -> str:
        """A template column's text in one row, spaces collapsed ('' when absent)."""
        i = self.index.get(column)
        if i is None or i >= len(cells):
            return ""
        text = cells[i] if isinstance(cells[i], str) else str(cells[i])
        text = text.strip()
        return " ".join(text.split()) if "  " in text or "\n" in text or "\t" in text else text

    def name(self, column: str) -> str:
        return self.written.get(column, column)


class _RefusedError(Exception):
    """A cell that makes its row an error (already reported)."""


@lru_cache(maxsize=256)
def _status(text: str) -> str | None:
    """approved | accepted | cancelled for a status cell; None for words not understood."""
    return STATUS_WORDS.get(" ".join(re.sub(r"[^a-z]+", " ", _fold(text)).split()))


@lru_cache(maxsize=1 << 14)
def _read_date(text: str) -> date | None:
    match = _DATE_DMY.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _DATE_ISO.fullmatch(text)
        if not match:
            raise ValueError(text)
        year, month, day = (int(g) for g in match.groups())
    return date(year, month, day)  # ValueError on 31/2


@lru_cache(maxsize=1 << 16)
def _amount(text: str, unit: str) -> tuple[float, str]:
    """Million VND from a cell as officials write it, and the text stored as printed (with
    its column's unit when the cell writes none, so the text says what the number is)."""
    figure = read_figure(text, _money_unit(unit))
    if figure.qualifier != "exact":
        raise ValueError("not exact")
    money = _money_unit(unit)
    printed = f"{text} {money}" if money and not _MONEY_WORD.search(text) else text
    return figure.value, printed


# ---------------------------------------------------------------------------------------------
# Programmes, places and tasks known to the database.


@dataclass
class _Known:
    """What the built database says, read once: programmes, tasks, areas."""

    programmes: dict[str, dict[str, Any]]  # id -> province, kind, period_start, period_end
    tasks: dict[str, set[str]]  # programme -> task codes
    areas: dict[str, str]  # folded area name or code -> code

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection | None) -> _Known:
        from plans.data import suggest

        areas: dict[str, str] = {}
        for code, name in suggest.area_names().items():
            areas[code.lower()] = code
            areas[" ".join(re.sub(r"[^a-z0-9]+", " ", _fold(name)).split())] = code
        if con is None:
            return cls({}, {}, areas)
        by_name = provinces.by_name()
        programmes = {
            r[0]: {
                "province": r[1],
                "kind": r[2],
                "start": int(r[3]),
                "end": int(r[4]),
                # the province a record is made in since 1/7/2025 (itself for the 34)
                "successor": by_name[r[1]].successor if r[1] in by_name else r[1],
            }
            for r in con.execute(
                "select programme_id, province, kind, period_start, period_end from programmes"
            ).fetchall()
        }
        tasks: dict[str, set[str]] = defaultdict(set)
        for programme, task in con.execute(
            "select programme_id, task_code from tasks where task_code is not null"
        ).fetchall():
            tasks[programme].add(task)
        return cls(programmes, dict(tasks), areas)


_ADDRESS_CACHE_MAX = 200_000


class _Places:
    """Communes as written -> the ward since 1/7/2025 (vietnamadminunits), one call per place."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str, str, str], tuple[str | None, str | None]] = {}
        # unknown place -> [first row, rows, text shown]
        self.unknown: dict[tuple[str, str, str, str], list[Any]] = {}

    def ward(
        self, commune: str, district: str, issued: str, current: str, row: int
    ) -> tuple[str | None, str | None]:
        """(ward name, ward code) since 1/7/2025, or (None, None) when the package has none."""
        if not commune:
            return None, None
        key = (commune, district, issued, current)
        found = self.cache.get(key)
        if found is None:
            found = self._look_up(commune, district, issued, current)
            if len(self.cache) < _ADDRESS_CACHE_MAX:
                self.cache[key] = found
        if found[1] is None:
            entry = self.unknown.get(key)
            if entry is None:
                shown = ", ".join(x for x in (commune, district, issued) if x)
                self.unknown[key] = [row, 1, shown]
            else:
                entry[1] += 1
        return found

    @staticmethod
    def _look_up(
        commune: str, district: str, issued: str, current: str
    ) -> tuple[str | None, str | None]:
        # Imported here: the package reads its datasets on import (as plans.data.provinces).
        from vietnamadminunits import ParseMode, convert_address, parse_address

        try:
            if district:
                # a district is written: an address before 1/7/2025, in the province as issued
                unit = convert_address(f"{commune}, {district}, {issued}")
            else:
                # no district: the two-level address since 1/7/2025, in the province of today
                unit = parse_address(f"{commune}, {current}", mode=ParseMode.FROM_2025)
        except Exception:  # the package raises on names it cannot split: not found
            return None, None
        if not getattr(unit, "ward_code", None) or not getattr(unit, "ward", None):
            return None, None
        return unit.ward, unit.ward_code


def _task_code(written: str, tasks: set[str]) -> str | None:
    """The plan's code of a task as written: 'I.2.3' as is, '1.2' as 'I.2', 'ii.1.' as 'II.1'."""
    code = written.strip().rstrip(".").replace(" ", "")
    if code in tasks:
        return code
    parts = code.split(".")
    head = parts[0].upper()
    if head.isdigit() and 1 <= int(head) <= len(_ROMAN):
        head = _ROMAN[int(head) - 1]
    candidate = ".".join([head, *parts[1:]])
    return candidate if candidate in tasks else None


# ---------------------------------------------------------------------------------------------
# Establishments: the same tax code, or the same normalised name in the same place.


class _Identity:
    """Variants of establishments (name, tax code, place as written) joined by the two rules.

    A node is one variant; nodes are joined (union-find, the earlier node the root) by the
    same tax code or the same key in the same place, never when that joins two tax codes.
    """

    def __init__(self, problems: Callable[[Problem], None]) -> None:
        self.say = problems
        self.nodes: dict[tuple[str, str, str, str], int] = {}
        self.parent: list[int] = []
        self.first_row: list[int] = []
        self.name: list[str] = []
        self.key: list[str] = []
        self.tax: list[str | None] = []  # the node's own tax code
        self.place: list[str] = []
        self.written: list[str] = []  # the commune and district as the node's rows write them
        self.root_tax: dict[int, str] = {}  # a component's tax code (at most one)
        self.by_tax: dict[str, int] = {}
        self.by_name: dict[tuple[str, str], int] = {}
        self.joins: list[tuple[int, int, str]] = []  # (node, earlier node, rule)
        self.conflicts: set[tuple[int, int]] = set()

    def find(self, node: int) -> int:
        parent = self.parent
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    def _union(self, node: int, earlier: int, rule: str) -> bool:
        a, b = self.find(node), self.find(earlier)
        if a == b:
            return True
        tax_a, tax_b = self.root_tax.get(a), self.root_tax.get(b)
        if tax_a and tax_b and tax_a != tax_b:
            return False
        root, child = min(a, b), max(a, b)
        self.parent[child] = root
        if tax_a or tax_b:
            self.root_tax[root] = tax_a or tax_b  # type: ignore[assignment]
        self.root_tax.pop(child, None)
        self.joins.append((node, earlier, rule))
        return True

    def add(
        self, name: str, key: str, tax: str | None, place: str, row: int, written: str = ""
    ) -> int:
        """The node of a row's establishment (a new variant is joined where the rules say).

        `written` is the commune and district as the row writes them: a row written under a
        commune merged on 1/7/2025 and one under its new ward are the same place but two
        variants, so the join between them is a decision the preview shows and can undo."""
        signature = (name, tax or "", place, _written_key(written))
        node = self.nodes.get(signature)
        if node is not None:
            return node
        node = len(self.parent)
        self.nodes[signature] = node
        self.parent.append(node)
        self.first_row.append(row)
        self.name.append(name)
        self.key.append(key)
        self.tax.append(tax)
        self.place.append(place)
        self.written.append(written)
        if tax:
            self.root_tax[node] = tax
            earlier = self.by_tax.setdefault(tax, node)
            if earlier != node:
                self._union(node, earlier, "tax_code")
        earlier = self.by_name.setdefault((place, key), node)
        if earlier != node and not self._union(node, earlier, "name_in_ward"):
            pair = (self.find(node), self.find(earlier))
            if pair not in self.conflicts:
                self.conflicts.add(pair)
                other = self.root_tax.get(self.find(earlier), "")
                self.say(
                    _problem(
                        "warning",
                        row,
                        None,
                        "support_import.tax_conflict",
                        name=name,
                        earlier=self.first_row[earlier],
                        tax=tax or "",
                        earlier_tax=other,
                    )
                )
        return node


# ---------------------------------------------------------------------------------------------
# Staging.


@dataclass
class _Reading:
    """One support file being read (pass 1): its columns, the problems, the running totals."""

    filename: str
    columns: _Columns
    known: _Known
    problems: list[Problem]
    identity: _Identity
    errors: int = 0  # errors found (listed up to MAX_ERRORS)
    places: _Places = field(default_factory=_Places)
    resolved: dict[tuple[str, str, str, int], str | None] = field(default_factory=dict)
    reported: set[tuple[str, ...]] = field(default_factory=set)  # warnings said once per value
    formula_rows: set[int] = field(default_factory=set)  # rows read_table already refused
    unassigned: list[int] = field(default_factory=list)  # [first row, count]

    def error(self, row: int | None, column: str | None, key: str, **fields: Any) -> None:
        self.errors += 1
        if self.errors <= MAX_ERRORS:
            self.problems.append(_problem("error", row, column, key, **fields))

    def count_the_rest(self) -> None:
        """Errors past the first MAX_ERRORS are counted in one last problem."""
        if self.errors > MAX_ERRORS:
            self.problems.append(
                _problem(
                    "error",
                    None,
                    None,
                    "support_import.more_errors",
                    count=Count(self.errors - MAX_ERRORS),
                    shown=MAX_ERRORS,
                )
            )

    def warn(self, row: int | None, column: str | None, key: str, **fields: Any) -> None:
        self.problems.append(_problem("warning", row, column, key, **fields))

    def warn_once(self, what: tuple[str, ...], row: int, column: str, key: str, **kw: Any) -> None:
        if what not in self.reported:
            self.reported.add(what)
            self.warn(row, column, key, **kw)

    # -- the programme ------------------------------------------------------------------------

    def programme(self, cells: list[str], row: int, year: int) -> str | None:
        c = self.columns
        written_id = c.cell(cells, "ma_chuong_trinh")
        province = c.cell(cells, "tinh")
        period = c.cell(cells, "giai_doan")
        key = (written_id, province, period, year)
        if key in self.resolved:
            found = self.resolved[key]
            if found is None:
                raise _RefusedError
            return found
        found = self._programme(written_id, province, period, year, row)
        self.resolved[key] = found
        if found is None:
            raise _RefusedError
        return found

    def _programme(
        self, written_id: str, province: str, period: str, year: int, row: int
    ) -> str | None:
        c, programmes = self.columns, self.known.programmes
        if written_id:
            wanted = written_id.upper()
            found = next((p for p in programmes if p.upper() == wanted), None)
            if found is None:
                near = difflib.get_close_matches(wanted, list(programmes), n=3, cutoff=0.4)
                self._unknown(row, c.name("ma_chuong_trinh"), written_id, near)
                return None
            return self._in_period(found, year, row)
        if not province:
            self.error(row, c.name("tinh"), N_("support_import.no_programme"))
            return None
        match = provinces.match(unicodedata.normalize("NFC", province))
        if match.province is None:
            self._unknown(row, c.name("tinh"), province, list(match.suggestions))
            return None
        name = match.province.province
        own = {p: v for p, v in programmes.items() if v["province"] == name}
        # a province may also have supporting-industry plans: support is khuyến công's first
        if any(v["kind"] == "khuyen_cong" for v in own.values()):
            own = {p: v for p, v in own.items() if v["kind"] == "khuyen_cong"}
        if period:
            span = _PERIOD.search(period)
            if span is None:
                self.error(row, c.name("giai_doan"), N_("support_import.bad_period"), value=period)
                return None
            start, end = int(span.group(1)), int(span.group(2))
            chosen = [p for p, v in own.items() if (v["start"], v["end"]) == (start, end)]
            if not chosen:
                listed = self._periods(own)
                self.error(
                    row,
                    c.name("giai_doan"),
                    N_("support_import.period_unknown"),
                    province=name,
                    period=f"{start}-{end}",
                    programmes=listed,
                )
                return None
            return self._in_period(chosen[0], year, row)
        chosen = [p for p, v in own.items() if v["start"] <= year <= v["end"]]
        if len(chosen) > 1:
            self.error(
                row,
                c.name("tinh"),
                N_("support_import.two_programmes"),
                province=name,
                year=year,
                programmes=", ".join(sorted(chosen)),
            )
            return None
        if not chosen:
            self.error(
                row,
                c.name("tinh"),
                N_("support_import.no_programme_in_year"),
                province=name,
                year=year,
                programmes=self._periods(own),
            )
            return None
        return chosen[0]

    @staticmethod
    def _periods(own: dict[str, dict[str, Any]]) -> str:
        return ", ".join(f"{p} ({v['start']}-{v['end']})" for p, v in sorted(own.items())) or "—"

    def _unknown(self, row: int, column: str, value: str, near: list[str]) -> None:
        if near:
            self.error(
                row,
                column,
                N_("support_import.programme_unknown"),
                value=value,
                names=", ".join(near),
            )
        else:
            self.error(row, column, N_("support_import.programme_unknown_far"), value=value)

    def _in_period(self, programme: str, year: int, row: int) -> str | None:
        v = self.known.programmes[programme]
        if not v["start"] <= year <= v["end"]:
            self.error(
                row,
                self.columns.name("nam"),
                N_("support_import.year_outside"),
                year=year,
                programme=programme,
                start=v["start"],
                end=v["end"],
            )
            return None
        return programme

    # -- one row -------------------------------------------------------------------------------

    def amounts(self, cells: list[str], row: int) -> list[tuple[str | None, float, str, str]]:
        """(funding source, million VND, text as printed, column) of a row's amounts."""
        c = self.columns
        out: list[tuple[str | None, float, str, str]] = []
        bad = False
        if c.wide:
            for i, source, header in c.wide:
                text = " ".join(str(cells[i]).split()) if i < len(cells) else ""
                column = next(k for k, v in c.written.items() if v == header)
                value = self._figure(text, c.units.get(column, ""), row, header)
                if value is False:
                    bad = True
                elif value is not None and value[0] > 0:  # a 0 of a source is no record
                    out.append((source, value[0], value[1], header))
            total_text = c.cell(cells, "kinh_phi")
            if total_text and not bad:
                total = self._figure(
                    total_text, c.units.get("kinh_phi", ""), row, c.name("kinh_phi")
                )
                if total is False:
                    bad = True
                elif total is not None:
                    parts = sum(Decimal(str(v)) for _s, v, _p, _h in out)
                    if abs(Decimal(str(total[0])) - parts) > Decimal("0.0005"):
                        self.warn(
                            row,
                            c.name("kinh_phi"),
                            N_("support_import.total_differs"),
                            total=total_text,
                            parts=format_trimmed(float(parts), 3, "vi"),
                        )
        else:
            text = c.cell(cells, "kinh_phi")
            value = self._figure(text, c.units.get("kinh_phi", ""), row, c.name("kinh_phi"))
            if value is False:
                bad = True
            elif value is not None:
                source = self.source(cells, row)
                out.append((source, value[0], value[1], c.name("kinh_phi")))
        if bad:
            raise _RefusedError
        if not out:
            column = c.name("kinh_phi") if "kinh_phi" in c.index else c.wide[0][2]
            self.error(row, column, N_("support_import.no_amount"))
            raise _RefusedError
        return out

    def _figure(
        self, text: str, unit: str, row: int, column: str
    ) -> tuple[float, str] | bool | None:
        """(million VND, printed) of a money cell; None when empty; False when refused."""
        if not text:
            return None
        if text[:1] in "-−":
            self.error(row, column, N_("import.negative"), value=text)
            return False
        try:
            value, printed = _amount(text, unit)
        except (NumberFormatError, ValueError):
            self.error(row, column, N_("support_import.bad_amount"), value=_cut(text))
            return False
        if value > ABSURD_MVND:
            self.error(row, column, N_("import.absurd"), value=text, limit=ABSURD_MVND)
            return False
        return value, printed

    def source(self, cells: list[str], row: int) -> str | None:
        text = self.columns.cell(cells, "nguon_von")
        code = funding_code(text)
        if code is None:
            self.warn_once(
                ("source", text),
                row,
                self.columns.name("nguon_von"),
                N_("support_import.source_unknown"),
                value=_cut(text),
            )
        return code or None

    def year(self, cells: list[str], row: int, made_on: date | None) -> int:
        c = self.columns
        text = c.cell(cells, "nam")
        if not text:
            if made_on is not None:
                return made_on.year  # the date says the year
            self.error(row, c.name("nam"), N_("support_import.no_year"))
            raise _RefusedError
        match = _YEAR.fullmatch(text.replace(".", "").replace(",", ""))
        if match is None or not 1990 <= int(match.group(1)) <= 2100:
            self.error(row, c.name("nam"), N_("support_import.bad_year"), value=_cut(text))
            raise _RefusedError
        year = int(match.group(1))
        if made_on is not None and made_on.year != year:
            self.error(
                row,
                c.name("ngay_quyet_dinh"),
                N_("support_import.date_year"),
                date=f"{made_on.day}/{made_on.month}/{made_on.year}",
                year=year,
            )
            raise _RefusedError
        return year

    def made_on(self, cells: list[str], row: int) -> date | None:
        text = self.columns.cell(cells, "ngay_quyet_dinh")
        if not text:
            return None
        try:
            return _read_date(text)
        except ValueError:
            self.error(
                row,
                self.columns.name("ngay_quyet_dinh"),
                N_("support_import.bad_date"),
                value=_cut(text),
            )
            raise _RefusedError from None

    def beneficiaries(self, cells: list[str], row: int) -> int | None:
        text = self.columns.cell(cells, "so_nguoi_huong_loi")
        if not text:
            return None
        if text.isdigit():  # the usual cell, read without the notation parser
            return int(text)
        try:
            figure = read_figure(text, money=False)
            whole = figure.value == int(figure.value) and figure.qualifier == "exact"
        except (NumberFormatError, ValueError):
            whole = False
        if text[:1] in "-−" or not whole:
            self.error(
                row,
                self.columns.name("so_nguoi_huong_loi"),
                N_("support_import.bad_beneficiaries"),
                value=_cut(text),
            )
            raise _RefusedError
        return int(figure.value)

    def status(self, cells: list[str], row: int) -> str:
        text = self.columns.cell(cells, "trang_thai")
        status = _status(text)
        if status is None:
            # kept as approved (what an empty cell means) and said, once per word
            self.warn_once(
                ("status", text),
                row,
                self.columns.name("trang_thai"),
                N_("support_import.status_unknown"),
                value=_cut(text),
            )
            return "approved"
        return status

    def task_and_area(
        self, cells: list[str], row: int, programme: str
    ) -> tuple[str | None, str | None]:
        c = self.columns
        written_task = c.cell(cells, "ma_nhiem_vu")
        written_area = c.cell(cells, "linh_vuc")
        task = None
        if written_task:
            task = _task_code(written_task, self.known.tasks.get(programme, set()))
            if task is None:
                # Not in the plan: the row is kept with no task (its area, if written, still
                # counts). Stored as null rather than as written, because task_code joins the
                # plan's tasks and content_area_map: a code the plan lacks would stand for a task
                # that does not exist. The written code stays in this warning and in the file.
                self.warn_once(
                    ("task", programme, written_task),
                    row,
                    c.name("ma_nhiem_vu"),
                    N_("support_import.task_not_in_plan"),
                    code=_cut(written_task),
                    programme=programme,
                )
        area = None
        if written_area:
            folded = " ".join(re.sub(r"[^a-z0-9]+", " ", _fold(written_area)).split())
            code = _AREA_CODE.match(folded)
            area = f"KC{code.group(1)}" if code else self.known.areas.get(folded)
            if area is None:
                self.warn_once(
                    ("area", written_area),
                    row,
                    c.name("linh_vuc"),
                    N_("support_import.area_unknown"),
                    value=_cut(written_area),
                )
        if task is None and area is None:
            if self.unassigned:
                self.unassigned[1] += 1
            else:
                self.unassigned[:] = [row, 1]
        return task, area

    def tax(self, cells: list[str], row: int) -> str | None:
        text = self.columns.cell(cells, "ma_so_thue")
        code, how = tax_code(text)
        column = self.columns.name("ma_so_thue")
        if how == "padded":
            self.warn(row, column, N_("support_import.tax_code_padded"), value=text, code=code)
        elif how == "bad":
            self.warn(row, column, N_("support_import.tax_code_bad"), value=_cut(text))
        return code


# a cell starting as a formula does ('=', '+A(', '@', '-B(') or holding markup, in a joined row
_SUSPECT = re.compile(r"(?:^|\x1f)\s*[=+@-]|<|javascript:|on\w+\s*=", re.IGNORECASE)


def _records_of(reading: _Reading, cells: list[str], row: int) -> list[list[Any]]:
    """The record rows (SUPPORT_COLUMNS order, the node in establishment_id) of one file row."""
    c = reading.columns
    # what reading._check_cell refuses (a formula, markup) is looked for in the whole row at
    # once, then cell by cell; read_table has checked the rows it read (formula_rows)
    if row in reading.formula_rows:
        raise _RefusedError  # refused already: its other cells are not read as values
    if _SUSPECT.search("\x1f".join(map(str, cells))):
        for i, value in enumerate(cells):
            column = c.header_at.get(i)
            if column is None:
                continue
            before = len(reading.problems)
            _check_cell(str(value), row, column, reading.problems)
            if len(reading.problems) > before:
                reading.errors += 1
                if reading.errors > MAX_ERRORS:
                    reading.problems.pop()
                raise _RefusedError
    name = c.cell(cells, "co_so")
    failed = False
    if not name:
        reading.error(row, c.name("co_so"), N_("support_import.no_name"))
        failed = True
    try:
        made_on = reading.made_on(cells, row)
    except _RefusedError:
        made_on, failed = None, True
    try:
        year = reading.year(cells, row, made_on)
        programme = reading.programme(cells, row, year)
    except _RefusedError:
        failed, year, programme = True, 0, None
    try:
        amounts = reading.amounts(cells, row)
    except _RefusedError:
        failed, amounts = True, []
    try:
        beneficiaries = reading.beneficiaries(cells, row)
    except _RefusedError:
        failed, beneficiaries = True, None
    if failed or programme is None:
        raise _RefusedError
    status = reading.status(cells, row)
    task, area = reading.task_and_area(cells, row, programme)
    tax = reading.tax(cells, row)
    issued = reading.known.programmes[programme]["province"]
    successor = reading.known.programmes[programme]["successor"]
    made_in = successor if made_on is not None and made_on >= provinces.MERGER_DATE else issued
    district = c.cell(cells, "huyen")
    commune = c.cell(cells, "xa_phuong")
    ward, ward_code = reading.places.ward(commune, district, issued, successor, row)
    key = establishment_key(name)
    node = reading.identity.add(
        unicodedata.normalize("NFC", name),
        key,
        tax,
        _place_of(ward_code, commune, district, made_in),
        row,
        _written_place(commune, district),
    )
    decision = c.cell(cells, "so_quyet_dinh") or None
    out = []
    for source, amount, printed, _column in amounts:
        out.append(
            [
                programme,
                made_in,
                district or None,
                commune or None,
                ward,
                ward_code,
                year,
                made_on.isoformat() if made_on else None,
                task,
                area,
                name,
                node,
                key,
                tax,
                source,
                printed,
                amount,
                beneficiaries,
                status,
                decision,
                None,
                reading.filename,
                row,
            ]
        )
    return out


_COL = {name: i for i, name in enumerate(COLUMNS)}


def _rows_counted(rows: Iterable[list[str]], reading: _Reading) -> Iterator[tuple[int, list[str]]]:
    """The non-blank data rows with their row numbers; stops at MAX_SUPPORT_ROWS + 1."""
    seen = 0
    for row, cells in enumerate(rows, start=2):
        if not any(str(c).strip() for c in cells):
            continue
        seen += 1
        if seen > MAX_SUPPORT_ROWS:
            reading.errors += 1
            reading.problems.append(
                _problem(
                    "error",
                    row,
                    None,
                    "support_import.too_many_rows",
                    limit=Count(MAX_SUPPORT_ROWS),
                )
            )
            return
        yield row, cells


def stage_support(
    filename: str,
    header: list[str],
    rows: Iterable[list[str]],
    problems: list[Problem],
    con: duckdb.DuckDBPyConnection | None,
    out_dir: Path,
    progress: Callable[[float, str], None] | None = None,
) -> SupportStaging | None:
    """Read support rows (the first is row 2 of the sheet) into out_dir/support_records.csv.

    `header` is the file's own header (or already the template's names: both are read);
    problems name the columns as `header` writes them. None when any error was found (then no
    file is left); warnings are added to `problems` and do not stop it. Rows are read once
    and written as they come (a draft), then written again with their establishments' ids.
    """
    say = progress or (lambda _fraction, _step: None)
    columns = _Columns.of(header)
    missing = columns.missing()
    if missing:
        problems.append(
            _problem(
                "error",
                1,
                None,
                "support_import.missing_columns",
                need_vi="; ".join(_say(_REQUIRED_MESSAGES[m], "vi") for m in missing),
                need_en="; ".join(_say(_REQUIRED_MESSAGES[m], "en") for m in missing),
                found=_cut(", ".join(h for h in header if h) or "—", 300),
            )
        )
        return None
    reading = _Reading(filename, columns, _Known.read(con), problems, _Identity(problems.append))
    reading.errors = sum(1 for p in problems if p.severity == "error")
    reading.formula_rows = {
        p.row for p in problems if p.key in ("import.formula", "import.script") and p.row
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / CSV_NAME
    draft = out_dir / f".{CSV_NAME}.draft"
    total = len(rows) if hasattr(rows, "__len__") else MAX_SUPPORT_ROWS  # type: ignore[arg-type]
    # programme, year, source -> [records not cancelled, their amount, cancelled, their amount]
    sums: dict[tuple[str, int, str | None], list[float]] = defaultdict(lambda: [0, 0.0, 0, 0.0])
    # programme, year, task ('' = none), source -> amount not cancelled (the plan's check)
    task_sums: dict[tuple[str, int, str, str | None], float] = defaultdict(float)
    staging = SupportStaging(path=path, rows=0, programmes=(), filename=filename)
    try:
        with draft.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            for n, (row, cells) in enumerate(_rows_counted(rows, reading), start=1):
                if n % PROGRESS_EVERY == 0:
                    say(min(0.7, 0.7 * n / max(total, 1)), "support_rows")
                try:
                    records = _records_of(reading, cells, row)
                except _RefusedError:
                    continue
                staging.file_rows += 1
                if reading.errors:
                    continue  # refused anyway: the rest is read for its problems only
                for record in records:
                    writer.writerow(_csv_values(record))
                    staging.rows += 1
                    programme, year = record[_COL["programme_id"]], record[_COL["year"]]
                    source, amount = record[_COL["funding_source"]], record[_COL["amount_mvnd"]]
                    cell = sums[(programme, year, source)]
                    if record[_COL["status"]] == "cancelled":
                        cell[2] += 1
                        cell[3] += amount
                    else:
                        cell[0] += 1
                        cell[1] += amount
                        task = record[_COL["task_code"]] or ""
                        task_sums[(programme, year, task, source)] += amount
        if not reading.errors and staging.rows == 0:
            reading.error(None, None, N_("support_import.no_rows"))
        if reading.errors:
            reading.count_the_rest()
            return None
        staging.programmes = tuple(sorted({key[0] for key in sums}))
        _warn_places(reading)
        if reading.unassigned:
            first, count = reading.unassigned
            reading.warn(first, None, N_("support_import.no_task_or_area"), count=count)
        say(0.75, "support_identity")
        stored = _Stored.read(con, reading.identity, list(staging.programmes))
        final = _final_ids(reading.identity, stored, problems)
        say(0.8, "support_write")
        if not _write_final(draft, staging, reading, final, stored):
            reading.count_the_rest()
            return None
        staging.matches = _matches(reading.identity, final)
        staging.totals = [
            {
                "programme_id": p,
                "year": y,
                "funding_source": s,
                "records": int(v[0] + v[2]),
                "amount_mvnd": v[1],
                "cancelled": int(v[2]),
                "cancelled_mvnd": v[3],
            }
            for (p, y, s), v in sorted(sums.items(), key=lambda kv: (*kv[0][:2], kv[0][2] or "~"))
        ]
        before = len(problems)
        staging.reconciliation = _reconcile(con, task_sums, reading)
        staging.findings = [p for p in problems[before:] if p.severity == "warning"]
        say(1.0, "support_done")
        return staging
    finally:
        draft.unlink(missing_ok=True)
        if reading.errors:
            path.unlink(missing_ok=True)


def _warn_places(reading: _Reading) -> None:
    """One warning per address the package does not know, with its first row and count."""
    source = provinces.source()
    column = reading.columns.name("xa_phuong")
    unknown = sorted(reading.places.unknown.values(), key=lambda e: e[0])
    for first, count, shown in unknown[:MAX_ADDRESS_WARNINGS]:
        reading.warn(
            first,
            column,
            N_("support_import.address_unknown"),
            address=_cut(shown, 90),
            source=source,
            count=count,
        )
    if len(unknown) > MAX_ADDRESS_WARNINGS:
        rest = unknown[MAX_ADDRESS_WARNINGS:]
        reading.warn(
            None,
            column,
            N_("support_import.address_more"),
            count=len(rest),
            rows=sum(e[1] for e in rest),
        )


# ---------------------------------------------------------------------------------------------
# Stored imports: their establishments, and their records of the file's establishments.


@dataclass(frozen=True)
class _StoredEstablishment:
    establishment_id: str
    name: str
    tax: str | None
    import_id: str
    source_file: str
    source_line: int

    @property
    def order(self) -> tuple[str, int, str]:
        return (self.import_id, self.source_line, self.establishment_id)


# Only the file's tax codes and names are asked for, grouped in SQL: one row per tax code, or
# per name, place and tax code, however many records are stored (synthetic ones have no
# import). Of several stored establishments written alike (kept apart by an importer, or the
# benchmark's copies), the earliest is the one a row is matched to (_final_ids), so only it is
# read: 2 million establishments written alike once took 2 GiB here.
_STORED_SQL = """
select {what}, arg_min(establishment_id, (import_id, source_line)) as establishment_id, tax_code,
    arg_min(establishment, (import_id, source_line)) as name,
    min(import_id) as import_id,
    arg_min(source_file, (import_id, source_line)) as source_file,
    arg_min(source_line, (import_id, source_line)) as source_line
from support_records
where import_id is not null and {column} in (select unnest($values))
group by all
"""


@dataclass
class _Stored:
    """What stored imports know of the file's tax codes and names."""

    con: duckdb.DuckDBPyConnection | None
    programmes: list[str]
    by_tax: dict[str, _StoredEstablishment] = field(default_factory=dict)
    by_name: dict[tuple[str, str], list[_StoredEstablishment]] = field(default_factory=dict)
    _any: bool | None = None

    @classmethod
    def read(
        cls, con: duckdb.DuckDBPyConnection | None, identity: _Identity, programmes: list[str]
    ) -> _Stored:
        stored = cls(con, programmes)
        if con is None or not identity.parent:
            return stored
        taxes = list(identity.by_tax)
        if taxes and stored.any_imported():
            sql = _STORED_SQL.format(what="tax_code as k", column="tax_code")
            for tax, *rest in con.execute(sql, {"values": taxes}).fetchall():
                found = _StoredEstablishment(rest[0], rest[2], rest[1], *rest[3:])
                if tax not in stored.by_tax or found.order < stored.by_tax[tax].order:
                    stored.by_tax[tax] = found
        if not stored.any_imported():
            return stored
        keys = list({key for _place, key in identity.by_name})
        what = "establishment_key, ward_code, commune, district, province"
        sql = _STORED_SQL.format(what=what, column="establishment_key")
        for key, ward_code, commune, district, province, *rest in con.execute(
            sql, {"values": keys}
        ).fetchall():
            place = _place_of(ward_code, commune or "", district or "", province or "")
            stored.by_name.setdefault((place, key), []).append(
                _StoredEstablishment(rest[0], rest[2], rest[1], *rest[3:])
            )
        return stored

    def any_imported(self) -> bool:
        """Whether any stored record comes from an import (synthetic ones do not)."""
        if self.con is None:
            return False
        if self._any is None:
            query = "select exists (select 1 from support_records where import_id is not null)"
            self._any = bool(self.con.execute(query).fetchone()[0])  # type: ignore[index]
        return self._any

    def records(self, ids: set[str], wanted: set[int]) -> dict[int, tuple[str, str, int]]:
        """Stored records of these establishments in the file's programmes that repeat one of
        the file's (`wanted`: their duplicate keys): key -> (import id, file, row) of the
        first (by import, then row).

        Streamed in batches and kept only when the file has the key: the establishments of a
        file may have millions of stored records (4,2 GiB when they were all fetched)."""
        if self.con is None or not ids or not wanted:
            return {}
        out: dict[int, tuple[str, str, int]] = {}
        cursor = self.con.execute(
            """
            select programme_id, year, establishment_id, task_code, content_area, funding_source,
                amount_mvnd, decision, import_id, source_file, source_line
            from support_records
            where import_id is not null
                and establishment_id in (select unnest($ids))
                and programme_id in (select unnest($programmes))
            """,
            {"ids": sorted(ids), "programmes": self.programmes},
        )
        while batch := cursor.fetchmany(50_000):
            for r in batch:
                key = _duplicate_key(*r[:8])
                if key in wanted:
                    found = (r[8], r[9], r[10])
                    if key not in out or (found[0], found[2]) < (out[key][0], out[key][2]):
                        out[key] = found
        return out


def _duplicate_key(
    programme: str,
    year: int,
    establishment_id: str,
    task: str | None,
    area: str | None,
    source: str | None,
    amount: float,
    decision: str | None,
) -> int:
    """A record's identity for duplicates (hashed: bounded memory for 250.000 rows)."""
    words = " ".join((decision or "").casefold().split())
    return hash(
        (
            programme,
            int(year),
            establishment_id,
            task or "",
            area or "",
            source or "",
            round(float(amount), 6),
            words,
        )
    )


# root node -> (establishment_id, the stored establishment it is (or None), rule, node matched)
_Final = dict[int, tuple[str, _StoredEstablishment | None, str, int]]


def _final_ids(identity: _Identity, stored: _Stored, problems: list[Problem]) -> _Final:
    """Each component's establishment_id: the earliest matching stored establishment's id;
    else 'mst:<tax code>', or 'ten:<place>:<key>' of its first variant."""
    candidates: dict[int, list[tuple[tuple[str, int, str], int, str, _StoredEstablishment]]] = (
        defaultdict(list)
    )
    for node in range(len(identity.parent)):
        root = identity.find(node)
        tax = identity.root_tax.get(root)
        own = identity.tax[node]
        if own and own in stored.by_tax:
            est = stored.by_tax[own]
            candidates[root].append((est.order, node, "tax_code", est))
        for est in stored.by_name.get((identity.place[node], identity.key[node]), []):
            if tax and est.tax and est.tax != tax:
                problems.append(
                    _problem(
                        "warning",
                        identity.first_row[node],
                        None,
                        "support_import.tax_conflict_stored",
                        name=identity.name[node],
                        tax=tax,
                        earlier_tax=est.tax,
                        import_id=est.import_id,
                        file=est.source_file,
                        line=est.source_line,
                    )
                )
                continue
            candidates[root].append((est.order, node, "name_in_ward", est))
    final: _Final = {}
    for node in range(len(identity.parent)):
        root = identity.find(node)
        if root in final:
            continue
        if candidates.get(root):
            _order, matched, rule, est = min(candidates[root], key=lambda c: (c[0], c[1]))
            final[root] = (est.establishment_id, est, rule, matched)
        elif identity.root_tax.get(root):
            final[root] = (f"mst:{identity.root_tax[root]}", None, "", root)
        else:
            final[root] = (f"ten:{identity.place[root]}:{identity.key[root]}", None, "", root)
    return final


_KEY_COLUMNS = tuple(
    _COL[c]
    for c in (
        "programme_id",
        "year",
        "establishment_id",
        "task_code",
        "content_area",
        "funding_source",
        "amount_mvnd",
        "decision",
    )
)


def _write_final(
    draft: Path, staging: SupportStaging, reading: _Reading, final: _Final, stored: _Stored
) -> bool:
    """Pass 2: the draft's rows with their establishments' ids, checked for duplicates within
    the file and against stored records; False (nothing left) when any is found."""
    known = {v[1].establishment_id for v in final.values() if v[1] is not None}
    find = reading.identity.find
    seen: dict[int, int] = {}
    est = _COL["establishment_id"]

    def keys() -> Iterator[int]:
        # the file's duplicate keys of records of known establishments, read before the
        # stored records so that only those that repeat one are kept
        with draft.open(encoding="utf-8", newline="") as source:
            for record in csv.reader(source):
                record[est] = final[find(int(record[est]))][0]
                if record[est] in known:
                    yield _duplicate_key(*(record[i] for i in _KEY_COLUMNS))

    earlier = stored.records(known, set(keys()) if known else set())

    def records() -> Iterator[list[Any]]:
        with draft.open(encoding="utf-8", newline="") as source:
            for record in csv.reader(source):  # text: '' for null, as it is written again
                record[est] = final[find(int(record[est]))][0]
                row = int(record[_COL["source_line"]])
                key = _duplicate_key(*(record[i] for i in _KEY_COLUMNS))
                first = seen.setdefault(key, row)
                if first != row:
                    reading.error(row, None, N_("support_import.duplicate_row"), earlier=first)
                elif key in earlier:
                    import_id, file, line = earlier[key]
                    reading.error(
                        row,
                        None,
                        N_("support_import.duplicate_stored"),
                        import_id=import_id,
                        file=file,
                        line=line,
                    )
                yield record

    _store(staging, records(), known)
    if reading.errors:
        staging.path.unlink(missing_ok=True)
        return False
    staging.known_ids = frozenset(known)
    return True


def _store(staging: SupportStaging, records: Iterable[list[str]], known: set[str]) -> None:
    """Write the records (as text) to staging.path, whole or not at all, with the preview
    (typed values) and the counts of establishments."""
    est = _COL["establishment_id"]
    ids: set[str] = set()
    staging.preview = []
    tmp = staging.path.with_name(f".{staging.path.name}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as target:
            writer = csv.writer(target)
            writer.writerow(COLUMNS)
            for record in records:
                ids.add(record[est])
                writer.writerow(record)
                if len(staging.preview) < PREVIEW_ROWS:
                    typed = list(record)
                    _typed(typed)
                    staging.preview.append(dict(zip(COLUMNS, typed, strict=True)))
        os.replace(tmp, staging.path)
    finally:
        tmp.unlink(missing_ok=True)
    staging.establishments = len(ids)
    staging.establishments_known = len(ids & known)


def _typed(record: list[Any]) -> None:
    """A stored row read back as text: empty cells to None, numbers to numbers."""
    for i, value in enumerate(record):
        if value == "":
            record[i] = None
    for column in ("year", "source_line", "beneficiaries"):
        if record[_COL[column]] is not None:
            record[_COL[column]] = int(record[_COL[column]])
    record[_COL["amount_mvnd"]] = float(record[_COL["amount_mvnd"]])


def _csv_values(record: list[Any]) -> list[Any]:
    return ["" if v is None else v for v in record]


def _matches(identity: _Identity, final: _Final) -> list[Match]:
    """The identity decisions, by row: variants joined within the file, and to stored imports."""
    out = []
    for node, earlier, rule in identity.joins:
        out.append(
            Match(
                row=identity.first_row[node],
                rule=rule,
                name=identity.name[node],
                earlier_name=identity.name[earlier],
                establishment_id=final[identity.find(node)][0],
                earlier_row=identity.first_row[earlier],
                place=identity.written[node],
                earlier_place=identity.written[earlier],
            )
        )
    for establishment_id, est, rule, node in final.values():
        if est is not None:
            out.append(
                Match(
                    row=identity.first_row[node],
                    rule=rule,
                    name=identity.name[node],
                    earlier_name=est.name,
                    establishment_id=establishment_id,
                    earlier_import=est.import_id,
                    earlier_file=est.source_file,
                    earlier_line=est.source_line,
                )
            )
    return sorted(out, key=lambda m: (m.row, m.earlier_import or "", m.earlier_row or 0))


# ---------------------------------------------------------------------------------------------
# The plan's budget lines against the support of each year and task.


def _mvnd(value: float) -> str:
    # the figures of a finding, Vietnamese notation in both languages (as import warnings)
    return format_trimmed(value, 3, "vi")


def _reconcile(
    con: duckdb.DuckDBPyConnection | None,
    task_sums: dict[tuple[str, int, str, str | None], float],
    reading: _Reading,
) -> list[dict[str, Any]]:
    """Warnings where support (this file's and stored imports', cancelled left out) is above
    the plan's budget lines of its year, its task, or its task's source where the plan names
    one; and per programme and year the three figures.

    The plan's lines are the state's budget: the establishments' own contribution (đối ứng)
    is compared only where the plan has lines of that source.
    """
    if con is None or not task_sums:
        return []
    programmes = sorted({k[0] for k in task_sums})
    args = {"programmes": programmes}
    plan: dict[tuple[str, int, str, str | None], float] = defaultdict(float)
    for p, y, task, source, amount in con.execute(
        """
        select programme_id, year, task_code, funding_source, sum(amount_mvnd)
        from budget_amounts
        where programme_id in (select unnest($programmes)) and amount_mvnd is not null
        group by all
        """,
        args,
    ).fetchall():
        plan[(p, int(y), task or "", source)] += float(amount)
    earlier: dict[tuple[str, int, str, str | None], float] = defaultdict(float)
    for p, y, task, source, amount in con.execute(
        """
        select programme_id, year, task_code, funding_source, sum(amount_mvnd)
        from support_records
        where import_id is not null and status <> 'cancelled'
            and programme_id in (select unnest($programmes))
        group by all
        """,
        args,
    ).fetchall():
        earlier[(p, int(y), task or "", source)] += float(amount)
    column = reading.columns.name("nam")
    out = []
    for p, y in sorted({(k[0], k[1]) for k in task_sums}):
        lines = {k: v for k, v in plan.items() if k[:2] == (p, y)}
        own_sources = {k[3] for k in lines}

        def counted(source: str | None, own: set[str | None] = own_sources) -> bool:
            return source != "doi_ung" or "doi_ung" in own

        here = sum(v for k, v in task_sums.items() if k[:2] == (p, y) and counted(k[3]))
        before = sum(v for k, v in earlier.items() if k[:2] == (p, y) and counted(k[3]))
        planned = sum(lines.values()) if lines else None
        out.append(
            {
                "programme_id": p,
                "year": y,
                "support_mvnd": here,
                "earlier_mvnd": before,
                "plan_mvnd": planned,
            }
        )
        if planned is None:
            reading.warn(None, column, N_("support_import.year_unbudgeted"), programme=p, year=y)
            continue
        if here + before > planned + 0.0005:
            reading.warn(
                None,
                column,
                N_("support_import.above_plan_year"),
                programme=p,
                year=y,
                support=_mvnd(here + before),
                file=_mvnd(here),
                earlier=_mvnd(before),
                plan=_mvnd(planned),
            )
        tasks = sorted({k[2] for k in task_sums if k[:2] == (p, y) and k[2]})
        for task in tasks:
            mine = {s: v for k, v in task_sums.items() if k[:3] == (p, y, task) for s in [k[3]]}
            old = {s: v for k, v in earlier.items() if k[:3] == (p, y, task) for s in [k[3]]}
            budget = {k[3]: v for k, v in lines.items() if k[2] == task}
            spent = sum(v for s, v in mine.items() if counted(s))
            spent_before = sum(v for s, v in old.items() if counted(s))
            if not budget:
                reading.warn(
                    None,
                    column,
                    N_("support_import.task_unbudgeted"),
                    programme=p,
                    year=y,
                    task=task,
                    support=_mvnd(spent),
                )
                continue
            if spent + spent_before > sum(budget.values()) + 0.0005:
                reading.warn(
                    None,
                    column,
                    N_("support_import.above_plan_task"),
                    programme=p,
                    year=y,
                    task=task,
                    support=_mvnd(spent + spent_before),
                    file=_mvnd(spent),
                    earlier=_mvnd(spent_before),
                    plan=_mvnd(sum(budget.values())),
                )
            for source, planned_source in sorted(budget.items(), key=lambda kv: kv[0] or ""):
                if source is None:  # a line of no stated source: the task's total says it
                    continue
                total = mine.get(source, 0.0) + old.get(source, 0.0)
                if total > planned_source + 0.0005:
                    reading.warn(
                        None,
                        column,
                        N_("support_import.above_plan_source"),
                        programme=p,
                        year=y,
                        task=task,
                        source_vi=_say(_SOURCE_MESSAGES[source], "vi"),
                        source_en=_say(_SOURCE_MESSAGES[source], "en"),
                        support=_mvnd(total),
                        plan=_mvnd(planned_source),
                    )
    return out


# ---------------------------------------------------------------------------------------------
# After staging: undoing identity decisions, and the summary.


def _signature(record: dict[str, Any] | list[Any]) -> tuple[str, str, str, str]:
    """A stored row's variant (name, tax code, place, place as written), as _Identity.add
    made it."""
    get = record.get if isinstance(record, dict) else (lambda c: record[_COL[c]])
    commune, district = get("commune") or "", get("district") or ""
    return (
        unicodedata.normalize("NFC", get("establishment") or ""),
        get("tax_code") or "",
        _place_of(get("ward_code"), commune, district, get("province") or ""),
        _written_key(_written_place(commune, district)),
    )


class RowsNotStagedError(ValueError):
    """Rows asked to be kept apart that the staged file does not hold (`rows`, the user's)."""

    def __init__(self, rows: list[int]) -> None:
        super().__init__(f"rows not staged: {rows}")
        self.rows = rows

    def text(self, lang: str = "vi") -> str:
        """The refusal in the reader's words, naming the rows."""
        return t("support_import.separate_not_staged", lang, rows=", ".join(map(str, self.rows)))


def separate(staging: SupportStaging, rows: Iterable[int]) -> None:
    """Undo the identity decisions of these rows (the user's row numbers): every row written
    as one of them (same name, tax code and place) becomes an establishment of its own,
    '<id>#r<its first row>'; the staged CSV is rewritten. RowsNotStagedError on a row not staged."""
    chosen = set(rows)
    if not chosen:
        return
    variants: set[tuple[str, str, str, str]] = set()
    found: set[int] = set()

    line = _COL["source_line"]

    def read() -> Iterator[list[str]]:
        with staging.path.open(encoding="utf-8", newline="") as source:
            reader = csv.reader(source)
            next(reader)
            yield from reader

    for record in read():
        if int(record[line]) in chosen:
            found.add(int(record[line]))
            variants.add(_signature(record))
    if found != chosen:
        raise RowsNotStagedError(sorted(chosen - found))
    first: dict[tuple[str, str, str, str], int] = {}
    est = _COL["establishment_id"]

    def rewritten() -> Iterator[list[Any]]:
        for record in read():
            variant = _signature(record)
            if variant in variants:
                row = first.setdefault(variant, int(record[line]))
                record[est] = f"{record[est].split('#r')[0]}#r{row}"
            yield record

    _store(staging, rewritten(), set(staging.known_ids))
    # a decision is undone when either side of it was separated (rows name their variants)
    undone = set(first.values())
    staging.matches = [
        m for m in staging.matches if m.row not in undone and m.earlier_row not in undone
    ]


def summary_lines(staging: SupportStaging, lang: str) -> list[str]:
    """What --dry-run prints about a staged support file: programmes, records, establishments,
    totals by year and source (cancelled apart), how it stands against the plan, findings."""
    lines = [
        t("support_import.summary_head", lang, file=staging.filename),
        "  " + t("support_import.summary_programmes", lang, ids=", ".join(staging.programmes)),
        "  "
        + t(
            "support_import.summary_records",
            lang,
            records=format_number(staging.rows, 0, lang),
            rows=format_number(staging.file_rows, 0, lang),
        ),
        "  "
        + t(
            "support_import.summary_establishments",
            lang,
            count=format_number(staging.establishments, 0, lang),
            new=format_number(staging.establishments_new, 0, lang),
            known=format_number(staging.establishments_known, 0, lang),
            matches=format_number(len(staging.matches), 0, lang),
        ),
    ]
    for match in staging.matches[:SUMMARY_SHOWN]:
        lines.append("    " + match.text(lang))
    if len(staging.matches) > SUMMARY_SHOWN:
        lines.append(
            "    "
            + t("support_import.summary_more", lang, count=len(staging.matches) - SUMMARY_SHOWN)
        )
    lines.append("  " + t("support_import.summary_totals", lang))
    for r in staging.totals:
        line = t(
            "support_import.summary_total",
            lang,
            programme=r["programme_id"],
            year=r["year"],
            source=_say(_SOURCE_MESSAGES[r["funding_source"]], lang),
            records=format_number(r["records"], 0, lang),
            amount=format_mvnd(r["amount_mvnd"], lang),
        )
        if r["cancelled"]:
            line += " " + t(
                "support_import.summary_cancelled",
                lang,
                count=format_number(r["cancelled"], 0, lang),
                amount=format_mvnd(r["cancelled_mvnd"], lang),
            )
        lines.append("    " + line)
    for r in staging.reconciliation:
        if r["plan_mvnd"] is None:
            continue
        lines.append(
            "  "
            + t(
                "support_import.summary_plan",
                lang,
                programme=r["programme_id"],
                year=r["year"],
                support=format_mvnd(r["support_mvnd"], lang),
                earlier=format_mvnd(r["earlier_mvnd"], lang),
                plan=format_mvnd(r["plan_mvnd"], lang),
            )
        )
    lines.append("  " + t("support_import.summary_findings", lang, count=len(staging.findings)))
    lines += [f"    {p.message(lang)}" for p in staging.findings[:SUMMARY_SHOWN]]
    if len(staging.findings) > SUMMARY_SHOWN:
        lines.append(
            "    "
            + t("support_import.summary_more", lang, count=len(staging.findings) - SUMMARY_SHOWN)
        )
    return lines


SUMMARY_SHOWN = 5  # matches and findings listed one by one in the summary; the rest are counted
