"""Importing a plan table or a results report: read, validate, preview, store, remove."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import re
import shutil
import tempfile
import unicodedata
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from plans import settings
from plans.data import provinces, suggest
from plans.data import support as support_io
from plans.data.build import (
    SUPPORT_FILE,
    SUPPORT_RECORDS_DDL,
    BuildError,
    _open_built,
    add_import,
    build,
    built_from,
    check_import,
    current_tables,
    data_checksum,
    ensure_database,
    folder_record,
    load_support_file,
    read_import,
    remove_import,
)
from plans.data.faults import AlreadyImportedError
from plans.data.notation import Figure, NumberFormatError, parse_number, read_figure, words_to_vnd
from plans.data.reading import (
    Count,
    Problem,
    _fold,
    _problem,
    funding_code,
    iter_table,
    read_table,
    row_texts,
)
from plans.data.registry import (
    _registry,
    damaged_imports,
    discard,
    import_dirs,
    list_imports,
    quarantine_bad_meta,
    quarantined,
    unquarantine,
    write_lock,
)
from plans.data.schema import SPECS
from plans.data.support import RowsNotStagedError, SupportStaging
from plans.messages import N_, t
from plans.numbers import format_number, format_pct, format_trimmed

# Re-exported: callers import the whole import flow from this module.
__all__ = [
    "Problem",
    "RowsNotStagedError",
    "Staged",
    "commit",
    "damaged_imports",
    "list_imports",
    "read_table",
    "recover",
    "remove",
    "remove_damaged",
    "restore",
    "row_texts",
    "separate",
    "suggest_mapping",
    "upload_header",
    "validate",
    "write_lock",
]

# The template's columns in order, each with the message saying what it holds (`columns.<name>`
# in the catalogues). A year column stands for every year as NNNN; its message names the year.
COLUMN_MESSAGES: dict[str, str] = {
    "tinh": N_("columns.tinh"),
    "ten_chuong_trinh": N_("columns.ten_chuong_trinh"),
    "nam_bat_dau": N_("columns.nam_bat_dau"),
    "nam_ket_thuc": N_("columns.nam_ket_thuc"),
    "so_quyet_dinh": N_("columns.so_quyet_dinh"),
    "ngay_quyet_dinh": N_("columns.ngay_quyet_dinh"),
    "muc": N_("columns.muc"),
    "ten_muc": N_("columns.ten_muc"),
    "ma_nhiem_vu": N_("columns.ma_nhiem_vu"),
    "nhiem_vu": N_("columns.nhiem_vu"),
    "ket_qua": N_("columns.ket_qua"),
    "dvt": N_("columns.dvt"),
    "linh_vuc": N_("columns.linh_vuc"),
    "chu_tri": N_("columns.chu_tri"),
    "phoi_hop": N_("columns.phoi_hop"),
    "nguon_von": N_("columns.nguon_von"),
    "so_luong_NNNN": N_("columns.so_luong_nnnn"),
    "kinh_phi_NNNN": N_("columns.kinh_phi_nnnn"),
    "so_luong_tong": N_("columns.so_luong_tong"),
    "tong_kinh_phi": N_("columns.tong_kinh_phi"),
    "tong_bang_chu": N_("columns.tong_bang_chu"),
    "ma_chuong_trinh": N_("columns.ma_chuong_trinh"),
    "chi_tieu": N_("columns.chi_tieu"),
    "dat_duoc": N_("columns.dat_duoc"),
    "ty_le_ghi": N_("columns.ty_le_ghi"),
    "muc_tieu": N_("columns.muc_tieu"),
    # a results report's yearly execution (with muc / ma_nhiem_vu for a section or a task)
    "nam": N_("execution.col_nam"),
    "von_giao": N_("execution.col_von_giao"),
    "giai_ngan": N_("execution.col_giai_ngan"),
    "ty_le_giai_ngan_ghi": N_("execution.col_ty_le_giai_ngan_ghi"),
}
COLUMNS: tuple[str, ...] = tuple(COLUMN_MESSAGES)  # the template's columns, in order
_YEAR_OF_COLUMN = re.compile(r"^(kinh_phi|so_luong)_(\d{4})")


def column_meaning(column: str, lang: str) -> str:
    """What a template column holds, in `lang` ('' for no template column).

    A year column names its year: 'kinh_phi_2021' -> 'Kinh phí năm 2021 (triệu đồng; …)'.
    """
    match = _YEAR_OF_COLUMN.match(column)
    name = f"{match.group(1)}_NNNN" if match else column
    if name not in COLUMN_MESSAGES:
        return ""
    key = COLUMN_MESSAGES[name]
    # the bare 'kinh_phi_NNNN' keeps its NNNN, as the list of columns shows it
    return t(key, lang, year=match.group(2) if match else "NNNN")


PLAN_REQUIRED = ("tinh", "ten_chuong_trinh", "nam_bat_dau", "muc", "nhiem_vu")
RESULTS_REQUIRED = ("ma_chuong_trinh", "chi_tieu", "dvt", "dat_duoc")
META = (
    "tinh",
    "ten_chuong_trinh",
    "nam_bat_dau",
    "nam_ket_thuc",
    "so_quyet_dinh",
    "ngay_quyet_dinh",
    "kieu_so",  # the number style: vi (1.050,5; the default) or en_thousands (1,050)
)
NUMBER_STYLES = ("vi", "en_thousands")
TOTAL_WORDS = {"tong", "tong cong", "cong"}
ABSURD_MVND = 10_000_000  # 10 nghìn tỷ đồng for one cell: surely a unit mistake
# A decision itself (Word, PDF with a text layer, its text): plans.data.documents reads it.
DOCUMENT_SUFFIXES = (".docx", ".pdf", ".txt", ".md")
MAX_NAME = 80  # characters of an upload's file name kept (citations name the file by it)
_LONGEST_SUFFIX = 10  # a longer "suffix" is part of the name ("a.b very long words"), not a type


def safe_filename(filename: str, limit: int = MAX_NAME) -> str:
    """An upload's file name as stored and cited: only letters, digits, '.', '-', '_', at most
    `limit` characters, cut in its stem so the extension stays (the original is found by it,
    and by it the file is read again for citations)."""
    name = re.sub(r"[^\w.\-]+", "_", Path(filename).name) or "upload"
    if len(name) <= limit:
        return name
    suffix = Path(name).suffix
    if len(suffix) > _LONGEST_SUFFIX:
        suffix = ""
    return name[: limit - len(suffix)] + suffix


MAX_STORED_WARNINGS = 1000  # warnings an import's meta.json keeps word for word
_YEAR_COL = re.compile(r"^(kinh_phi|so_luong)_(\d{4})(?:\s*\((.*)\))?$")


@dataclass
class Staged:
    """An upload read and validated, with exactly the rows that would be stored."""

    kind: str  # "plan" | "results" | "support"
    filename: str
    checksum: str
    problems: list[Problem] = field(default_factory=list)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    programme_id: str = ""  # a support file's programmes joined by ','
    # A support file's records, staged as the CSV to store (plans.data.support), not as tables
    support: SupportStaging | None = None
    # removes the staged CSV's folder: when the Staged is collected, or once it is stored
    discard: Callable[[], Any] = field(default=lambda: None, repr=False, compare=False)

    @property
    def storable(self) -> bool:
        """Whether there is anything to store: rows read, and no error."""
        return not self.errors and bool(self.tables or self.support)

    @property
    def errors(self) -> list[Problem]:
        """Problems that block the import."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems shown and stored as findings, not blocking."""
        return [p for p in self.problems if p.severity == "warning"]

    def report(self, lang: str = "vi") -> str:
        """The validation report as text (the command line prints it)."""
        head = t(
            "import.report_head",
            lang,
            file=self.filename,
            errors=len(self.errors),
            warnings=len(self.warnings),
        )
        lines = [head]
        tags = {"error": N_("import.tag_error"), "warning": N_("import.tag_warning")}
        for p in self.problems:
            lines.append(f"  {t(tags[p.severity], lang)}: {p.message(lang)}")
        return "\n".join(lines)

    # Warnings the build turns into reconciliation findings once the rows are stored.
    FINDING_KEYS = ("import.total_differs", "import.count_differs", "import.pct_differs")
    SHOWN = 3  # targets and results listed one by one in the summary; the rest are counted

    def summary(self, lang: str = "vi") -> str:
        """What would be stored, as text (--dry-run prints it): the programme, the total and
        its shares by section and content area, the targets, and the findings to come."""
        if self.support is not None:  # its lines open with their own head
            return "\n".join(support_io.summary_lines(self.support, lang))
        if not self.tables:
            return ""
        lines = [t("import.summary_head", lang)]
        for programme in self.tables.get("programmes", []):
            lines.append("  " + self._programme_line(programme, lang))
        if self.kind == "results":
            lines += self._results_lines(lang)
        else:
            lines += self._plan_lines(lang)
        findings = [p for p in self.warnings if p.key in self.FINDING_KEYS]
        lines.append("  " + t("import.summary_findings", lang, count=len(findings)))
        lines += [f"    {p.message(lang)}" for p in findings]
        return "\n".join(lines)

    @staticmethod
    def _programme_line(programme: dict[str, Any], lang: str) -> str:
        start, end = programme["period_start"], programme["period_end"]
        date = programme.get("decision_date") or ""
        decision = " ".join(
            x for x in (programme.get("decision_ref") or "", f"({date})" if date else "") if x
        )
        return t(
            "import.summary_programme",
            lang,
            id=programme["programme_id"],
            province=programme["province"],
            title=programme["title"],
            period=f"{start}-{end}" if start != end else str(start),
            decision=decision or t("import.summary_not_given", lang),
        )

    @staticmethod
    def _area_names(lang: str) -> dict[str, str]:
        """KC1 … KC9 -> name in `lang` (Decree 45/2012's list; {} when the file is not there)."""
        try:
            with (settings.DATA_DIR / "reference" / "content_areas.csv").open(
                encoding="utf-8"
            ) as handle:
                rows = list(csv.DictReader(handle))
        except OSError:
            return {}
        column = "name_en" if lang == "en" else "name_vi"
        return {r["code"]: r[column] for r in rows if r["list_id"] == "ND45-2012"}

    def _shares(
        self, lang: str, amounts: dict[str, float], labels: dict[str, str], total: float
    ) -> list[str]:
        out = []
        for key, amount in amounts.items():
            share = format_pct(100 * amount / total, 1, lang) if total else "—"
            out.append(
                "    "
                + t(
                    "import.summary_share",
                    lang,
                    key=key or "—",
                    label=labels.get(key, key),
                    amount=format_trimmed(amount, 3, lang),
                    share=share,
                )
            )
        return out

    def _plan_lines(self, lang: str) -> list[str]:
        from collections import defaultdict

        from plans.data.build import target_rows

        tables = self.tables
        amounts = tables.get("budget_amounts", [])
        section_of = {r["task_code"]: r["section_code"] for r in tables.get("tasks", [])}
        total = float(sum(a["amount_mvnd"] or 0 for a in amounts))
        stated = next(
            (
                r
                for r in tables.get("stated_totals", [])
                if r["scope"] == "grand"
                and r["year"] in ("", None)
                and r["measure"] == "amount_mvnd"
            ),
            None,
        )
        computed = format_trimmed(total, 3, lang)
        lines = [
            "  "
            + (
                t("import.summary_total", lang, computed=computed, stated=stated["printed_text"])
                if stated
                else t("import.summary_total_unstated", lang, computed=computed)
            )
        ]
        by_section: dict[str, float] = {r["section_code"]: 0.0 for r in tables["sections"]}
        area_of = {r["task_code"]: r["content_area"] for r in tables.get("content_area_map", [])}
        by_area: dict[str, float] = defaultdict(float)
        for a in amounts:
            section = section_of.get(a["task_code"], "")
            by_section[section] = by_section.get(section, 0.0) + (a["amount_mvnd"] or 0)
            by_area[area_of.get(a["task_code"], "")] += a["amount_mvnd"] or 0
        names = {r["section_code"]: r["section_name"] for r in tables["sections"]}
        lines.append("  " + t("import.summary_by_section", lang))
        lines += self._shares(lang, by_section, names, total)
        areas = self._area_names(lang) | {"": t("import.summary_unassigned", lang)}
        ordered = dict(sorted(by_area.items(), key=lambda kv: (kv[0] == "", kv[0])))
        lines.append("  " + t("import.summary_by_area", lang))
        lines += self._shares(lang, ordered, areas, total)
        targets = target_rows(defaultdict(list, tables))
        lines.append("  " + t("import.summary_targets", lang, count=len(targets)))
        for target in targets[: self.SHOWN]:
            where = target["task_code"] or target["goal_code"] or ""
            text = target["quantity_text"]
            lines.append("    " + t("import.summary_target", lang, task=where, text=text))
        if len(targets) > self.SHOWN:
            more = len(targets) - self.SHOWN
            lines.append("    " + t("import.summary_more", lang, count=more))
        return lines

    def _results_lines(self, lang: str) -> list[str]:
        rows = self.tables.get("results", [])
        created = {p["programme_id"] for p in self.tables.get("programmes", [])}
        reported = sorted({r["programme_id"] for r in rows} - created)
        lines = []
        if reported:
            ids = ", ".join(reported)
            lines.append("  " + t("import.summary_results_of", lang, ids=ids))
        lines.append("  " + t("import.summary_results", lang, count=len(rows)))
        for r in rows[: self.SHOWN]:
            pct = re.search(r"(\d+(?:,\d+)?)\s*%", r["stated_pct_text"] or "")
            if r["target_printed"] not in ("", None):
                target = t(
                    "import.summary_target_printed",
                    lang,
                    target=format_trimmed(r["target_printed"], 3, lang),
                )
            elif pct and float(parse_number(pct.group(1))) > 0:
                value = float(parse_number(pct.group(1)))
                half = 0.5 * 10 ** -len(pct.group(1).partition(",")[2])
                low, high = (100 * r["achieved"] / (value + d) for d in (half, -half))
                target = t(
                    "import.summary_target_derived",
                    lang,
                    pct=pct.group(0),
                    low=format_trimmed(low, 0 if low >= 100 else 2, lang),
                    high=format_trimmed(high, 0 if high >= 100 else 2, lang),
                )
            else:
                target = t("import.summary_target_none", lang)
            lines.append(
                "    "
                + t(
                    "import.summary_result",
                    lang,
                    indicator=r["indicator"],
                    achieved=r["achieved_text"],
                    target=target,
                )
            )
        if len(rows) > self.SHOWN:
            more = len(rows) - self.SHOWN
            lines.append("    " + t("import.summary_more", lang, count=more))
        executed = self.tables.get("budget_execution", [])
        if executed:
            years = sorted({r["year"] for r in executed if r["year"]})
            span = f"{years[0]}–{years[-1]}" if years else t("execution.whole_period", lang)
            stated = len(self.tables.get("stated_percentages", []))
            lines.append(
                "  " + t("execution.summary", lang, count=len(executed), years=span, stated=stated)
            )
        return lines


# ---------------------------------------------------------------------------------------------
# Column mapping: a user's own headers -> the template's.


# Headers as the documents print them (folded), and the template column each one is.
ALIASES: dict[str, str] = {
    "tinh": "tinh", "tinh/thanh pho": "tinh", "tinh, thanh pho": "tinh",
    "ten chuong trinh": "ten_chuong_trinh", "chuong trinh": "ten_chuong_trinh",
    "tu nam": "nam_bat_dau", "den nam": "nam_ket_thuc",
    "so quyet dinh": "so_quyet_dinh", "ngay quyet dinh": "ngay_quyet_dinh",
    "muc": "muc", "ma muc": "muc", "ten muc": "ten_muc",
    "tt": "ma_nhiem_vu", "stt": "ma_nhiem_vu", "ma nhiem vu": "ma_nhiem_vu",
    "ten nhiem vu, de an": "nhiem_vu", "ten nhiem vu": "nhiem_vu", "noi dung": "nhiem_vu",
    "nhiem vu cong viec": "nhiem_vu", "nhiem vu": "nhiem_vu",
    "ket qua dat duoc": "ket_qua", "ket qua du kien": "ket_qua",
    "ket qua du kien dat duoc": "ket_qua", "dvt": "dvt", "don vi tinh": "dvt",
    "linh vuc": "linh_vuc", "don vi chu tri": "chu_tri", "chu tri": "chu_tri",
    "don vi phoi hop": "phoi_hop", "phoi hop": "phoi_hop",
    "nguon von": "nguon_von", "nguon kinh phi": "nguon_von",
    "tong cong": "tong_kinh_phi", "tong kinh phi": "tong_kinh_phi",
    "ma chuong trinh": "ma_chuong_trinh", "chi tieu": "chi_tieu", "dat duoc": "dat_duoc",
    "ket qua": "dat_duoc", "ty le": "ty_le_ghi", "ty le dat": "ty_le_ghi",
    "muc tieu": "muc_tieu", "ke hoach": "muc_tieu",
    # a results report's yearly execution, as reports head the columns
    "nam": "nam", "nam bao cao": "nam", "nam thuc hien": "nam",
    "ke hoach von giao": "von_giao", "von giao": "von_giao", "ke hoach von": "von_giao",
    "du toan giao": "von_giao", "du toan duoc giao": "von_giao", "kinh phi giao": "von_giao",
    "kinh phi duoc giao": "von_giao", "von duoc giao": "von_giao",
    "giai ngan": "giai_ngan", "da giai ngan": "giai_ngan", "kinh phi giai ngan": "giai_ngan",
    "gia tri giai ngan": "giai_ngan", "so giai ngan": "giai_ngan", "von giai ngan": "giai_ngan",
    "ty le giai ngan": "ty_le_giai_ngan_ghi", "ty le giai ngan ghi": "ty_le_giai_ngan_ghi",
}  # fmt: skip
# Money columns of a results report whose header's unit ("Giải ngân (tỷ đồng)") is kept when
# an alias maps it, so its cells are read in that unit.
EXECUTION_MONEY = ("von_giao", "giai_ngan")
_YEAR_WORDS = re.compile(r"^(?:(kinh phi|so luong)\s*)?(?:nam\s*)?(\d{4})$")


def suggest_mapping(header: list[str], kind: str) -> dict[str, str]:
    """For each column of the upload, the template column it most likely is ('' = ignore).

    Template names map to themselves; headers as documents print them ("Tên nhiệm vụ, đề án",
    "ĐVT", "Năm 2021") map through ALIASES; a bare year is a budget column ("kinh_phi_2021").
    """
    known = set(COLUMNS)
    out: dict[str, str] = {}
    for column in header:
        canonical = _canonical(column)
        base = canonical.split(" (")[0]
        folded = _fold(column.split("(")[0])
        year = _YEAR_WORDS.match(folded)
        if base in known or _YEAR_COL.match(canonical):
            out[column] = canonical
        elif folded in ALIASES:
            out[column] = ALIASES[folded]
            if ALIASES[folded] in EXECUTION_MONEY and " (" in canonical:
                out[column] += " (" + canonical.split(" (", 1)[1]
        elif year:
            measure = "so_luong" if year.group(1) == "so luong" else "kinh_phi"
            unit = canonical.split(" (", 1)[1].rstrip(")") if " (" in canonical else ""
            out[column] = f"{measure}_{year.group(2)}" + (f" ({unit})" if unit else "")
        else:
            out[column] = ""
    return out


def _canonical(header: str) -> str:
    """'Kinh phí 2025 (tỷ đồng)' -> 'kinh_phi_2025 (tỷ đồng)': name folded, unit kept as written."""
    raw_name, _, unit = str(header).partition("(")
    name = _fold(raw_name).replace(" ", "_")
    return f"{name} ({unit.rstrip(')').strip()})" if unit else name


def _apply_mapping(header: list[str], mapping: dict[str, str] | None) -> list[str]:
    if not mapping:
        return [_canonical(h) for h in header]
    return [mapping.get(h, _canonical(h)) or "" for h in header]


def _blank_repeated_headers(
    header: list[str], body: list[list[str]], problems: list[Problem]
) -> None:
    """A header row repeated mid-table (a page break of a scanned table) is blanked, warned."""
    folded = [_fold(h) for h in header]
    for n, cells in enumerate(body, start=2):
        pairs = [
            (_fold(c), folded[i]) for i, c in enumerate(cells) if c.strip() and i < len(folded)
        ]
        if len(pairs) >= 2 and all(a == b for a, b in pairs):
            body[n - 2] = [""] * len(cells)
            problems.append(_problem("warning", n, None, "import.header_repeated"))


# ---------------------------------------------------------------------------------------------
# Plan tables.


def _money_unit(header_unit: str | None) -> str | None:
    """The money unit a column header writes ('tỷ đồng', 'Tỷ', 'trđ'); None = million VND."""
    folded = _fold(header_unit or "")
    if folded.startswith(("ty", "ti")):
        return "tỷ đồng"
    if folded.startswith(("nghin", "ngan")):
        return "nghìn đồng"
    if folded in ("dong", "vnd", "d"):
        return "đồng"
    return None  # 'triệu đồng', 'trđ' or words we do not read: the table's own unit


_MONEY_WORD = re.compile(r"(?:tỷ|tỉ|triệu|nghìn|ngàn|đồng|vnđ|vnd|đ)\s*$", re.IGNORECASE)


def _with_unit(text: str, header_unit: str | None) -> str:
    """A cell's text with its column's unit when it writes none ('2,52' -> '2,52 tỷ đồng').

    Stored so, the printed text says what the stored number is (the build checks the two agree).
    """
    unit = _money_unit(header_unit)
    text = text.strip()
    return f"{text} {unit}" if text and unit and not _MONEY_WORD.search(text) else text


def _amount(cell: str, unit: str | None) -> float:
    """Million VND from a cell as officials write it; a unit in the column header applies."""
    return read_figure(cell, _money_unit(unit)).value


# "25 nhiệm vụ", "(25 nhiệm vụ, đề án)": a stated number of tasks on a TỔNG or a section row
_TASK_COUNT = re.compile(r"(?<![\d.,])(\d+)\s*nhiệm\s+vụ", re.IGNORECASE)


def _read_province(
    written: str, row: int | None, start: int | None, problems: list[Problem]
) -> provinces.Province | None:
    """The reference province a `tinh` cell names, or None when refused (then reported).

    Exact: nothing to say. A known variant ("TP. Hồ Chí Minh", "Thừa Thiên Huế", "Ha Noi") is
    read as its reference name, with a warning. A name the reference does not know is an error
    naming the closest names; so is a province merged on 1/7/2025 named by a plan whose period
    starts after that day (`start`; None = no period to check), which names its successor.
    """
    # NFC first: a name typed with combining marks looks exactly like the reference name
    text = unicodedata.normalize("NFC", str(written)).strip()
    found = provinces.match(text)
    if found.province is None:
        if found.suggestions:
            problems.append(
                _problem(
                    "error",
                    row,
                    "tinh",
                    "import.province_unknown",
                    name=text,
                    names=", ".join(found.suggestions),
                )
            )
        else:
            problems.append(
                _problem("error", row, "tinh", "import.province_unknown_far", name=text)
            )
        return None
    province = found.province
    if (
        start is not None
        and province.status == "merged_2025"
        and provinces.starts_after_merger(start)
    ):
        problems.append(
            _problem(
                "error",
                row,
                "tinh",
                "import.province_merged",
                name=province.province,
                successor=province.successor,
                start=start,
            )
        )
        return None
    if not found.exact:
        problems.append(
            _problem(
                "warning",
                row,
                "tinh",
                "import.province_variant",
                written=str(written).strip(),
                name=province.province,
            )
        )
    return province


def _province_code(province: str) -> str:
    words = [
        w for w in re.split(r"[\s\-]+", _fold(province)) if w and w not in {"tinh", "thanh", "pho"}
    ]
    return "".join(w[0] for w in words).upper() or "XX"


def _has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def _has_columns(header: list[str], required: tuple[str, ...], problems: list[Problem]) -> bool:
    """Every required template column is there; each missing one is reported on row 1."""
    for column in required:
        if column not in header:
            problems.append(
                _problem(
                    "error",
                    1,
                    column,
                    "import.missing_column",
                    column=column,
                    meaning_vi=column_meaning(column, "vi"),
                    meaning_en=column_meaning(column, "en"),
                )
            )
    return not _has_errors(problems)


# Columns of a row that continues the task above (a page break split it), and the task's field.
_CONTINUED = (
    ("nhiem_vu", "task_name"),
    ("ket_qua", "expected_result"),
    ("chu_tri", "lead_unit"),
    ("phoi_hop", "coordinating_units"),
)
# year -> {"kinh_phi" | "so_luong": (column index, unit written in the header or None)}
_YearColumns = dict[int, dict[str, tuple[int, str | None]]]


def _year_columns(header: list[str]) -> _YearColumns:
    """The yearly budget and quantity columns ('kinh_phi_2021 (tỷ đồng)'), by year."""
    year_cols: _YearColumns = {}
    for i, h in enumerate(header):
        match = _YEAR_COL.match(h)
        if match:
            year_cols.setdefault(int(match.group(2)), {})[match.group(1)] = (i, match.group(3))
    return year_cols


def _of_source(line: dict[str, Any], total: dict[str, Any]) -> bool:
    """Whether a budget line counts towards a stated total: a total of one source, its lines."""
    source = total.get("funding_source")
    return not source or line.get("funding_source") == source


@dataclass
class _PlanReading:
    """One plan table being read: where its columns are, and the rows read so far.

    The steps share it: the programme's period and id are set before the rows are read; each
    row then adds to the sections, tasks, amounts, totals and areas, or to the problems.
    """

    source: str  # the upload's file name, cited by every row
    header: list[str]
    problems: list[Problem]
    index: dict[str, int] = field(init=False)
    units: dict[str, str] = field(init=False)  # column -> unit its header writes ('tỷ đồng')
    year_cols: _YearColumns = field(init=False)
    # what a repeated header row folds to (a page break of a scanned table repeats it)
    header_words: set[str] = field(init=False)
    programme_id: str = ""
    province: str = ""  # the reference name (plans.data.provinces)
    province_printed: str = ""  # the name as the file writes it, where that differs
    style: str = "vi"  # how the file writes numbers (kieu_so): 1.050 or, en_thousands, 1,050
    start: int = 0
    end: int = 0
    valid_areas: set[str] = field(default_factory=set)
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    amounts: list[dict[str, Any]] = field(default_factory=list)
    totals: list[dict[str, Any]] = field(default_factory=list)
    areas: list[dict[str, Any]] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)  # task code -> row that first had it
    current_section: str = ""  # a task row without 'muc' belongs to the section above
    # task code -> funding source -> the row that first gave it (a line per source per task)
    task_sources: dict[str, dict[str, int]] = field(default_factory=dict)
    row_sources: dict[int, str | None] = field(default_factory=dict)  # row -> its nguon_von
    # section -> how many tasks it has so far, task code -> its task: looked up per row, so a
    # row costs the same whether it is the 10th or the 20.000th (a scan of the tasks made a
    # plan of 20.000 unnumbered tasks take 36 s)
    section_tasks: dict[str, int] = field(default_factory=dict)
    task_by_code: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {h: i for i, h in enumerate(self.header) if h}
        self.units = {}
        for i, h in enumerate(self.header):
            # 'tong_kinh_phi (tỷ đồng)': the column by its name; its unit applies to its cells
            name, _, unit = h.partition(" (")
            if unit and not _YEAR_COL.match(h):
                self.index.setdefault(name, i)
                self.units[name] = unit.rstrip(")").strip()
        self.year_cols = _year_columns(self.header)
        self.header_words = {_fold(h) for h in self.header if h} | {
            _fold(c).replace("_", " ") for c in self.header
        }

    def cell(self, cells: list[str], column: str) -> str:
        """A template column's text in one row ('' when the column or the cell is absent)."""
        i = self.index.get(column)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def number(
        self, cells: list[str], n: int, column_index: int, unit: str | None, money: bool = True
    ) -> Figure | None:
        """A cell's figure (million VND, or a quantity), with its qualifier and range; None
        when blank or wrong (then the problem is reported)."""
        text = cells[column_index].strip() if column_index < len(cells) else ""
        if not text:
            return None
        column = self.header[column_index]
        if text[:1] in "-−":
            self.problems.append(_problem("error", n, column, "import.negative", value=text))
            return None
        try:
            value = read_figure(
                text, _money_unit(unit) if money else None, money=money, style=self.style
            )
        except (NumberFormatError, ValueError):
            self.problems.append(_problem("error", n, column, "import.not_number", value=text))
            return None
        if money and max(value.value, value.high or 0) > ABSURD_MVND:
            self.problems.append(
                _problem("error", n, column, "import.absurd", value=text, limit=ABSURD_MVND)
            )
            return None
        return value

    def read_row(self, n: int, cells: list[str]) -> None:
        """Row `n` of the sheet: a total, a section, a continuation or a task (or skipped)."""
        if not any(c.strip() for c in cells):
            return
        # a repeated header: every filled cell one of the header's words (the first that is
        # not ends the check, so a row is folded cell by cell only when it looks like one)
        if all(_fold(c) in self.header_words for c in cells if c.strip()):
            self.problems.append(_problem("warning", n, None, "import.header_repeated"))
            return
        if not any(
            c.strip()
            for i, c in enumerate(cells)
            if i >= len(self.header) or self.header[i] not in META
        ):
            return  # only the programme's information (a document's heading): read by _read_meta
        words = self.cell(cells, "tong_bang_chu")
        if words:
            self.words_total(words, n)
            rest = (*META, "tong_bang_chu", "dong_van_ban")
            if not any(
                c.strip()
                for i, c in enumerate(cells)
                if i >= len(self.header) or self.header[i] not in rest
            ):
                return  # the total in words on a line of its own, under the table
        marks = (len(self.amounts), len(self.totals))  # what this row adds gets its nguon_von
        section = self.cell(cells, "muc")
        task_code = self.cell(cells, "ma_nhiem_vu")
        if self.is_total_row(cells):
            self.stated_totals(cells, n, "grand", "")
        elif section and not task_code:
            self.section_row(cells, n, section)
        elif not task_code and not self.has_figures(cells) and self.tasks:
            self.continuation_row(cells, n)
        else:
            self.task_row(cells, n, section or self.current_section, task_code)
        self.tag_source(cells, n, marks)

    def words_total(self, words: str, n: int) -> None:
        """'Hai trăm năm mươi tỷ, chín trăm triệu đồng': the total in words, a stated total
        (scope 'text') reconciled like the TỔNG row's figure; words that are not a number are
        an error on that row and column."""
        vnd = words_to_vnd(words)
        if vnd is None:
            self.problems.append(
                _problem("error", n, "tong_bang_chu", "import.not_words", value=words)
            )
            return
        row = _total(self.programme_id, "text", "", "", "", words, vnd / 1e6, self.source, n)
        row["note"] = "Tổng cộng viết bằng chữ."
        self.totals.append(row)

    def is_total_row(self, cells: list[str]) -> bool:
        """The TỔNG row: 'Tổng cộng' in 'muc', or (a table without sections) in the task's
        number or, with no number, at the start of its name ('Tổng cộng (25 nhiệm vụ)')."""
        if _fold(self.cell(cells, "muc")) in TOTAL_WORDS:
            return True
        number = _fold(self.cell(cells, "ma_nhiem_vu"))
        name = _fold(self.cell(cells, "nhiem_vu"))
        return number in TOTAL_WORDS or (
            not number and re.match(r"^(?:tong cong|tong|cong)(?:\W|$)", name) is not None
        )

    def has_figures(self, cells: list[str]) -> bool:
        """Whether a row has any yearly figure or a row total."""
        return any(
            (i < len(cells) and cells[i].strip())
            for cols in self.year_cols.values()
            for i, _ in cols.values()
        ) or bool(self.cell(cells, "tong_kinh_phi"))

    def stated_totals(self, cells: list[str], n: int, scope: str, section: str) -> None:
        """The yearly and whole-period totals printed on a section's row or the TỔNG row:
        money, quantities and a stated number of tasks ('25 nhiệm vụ'), each with its
        qualifier, range and printed precision."""
        columns: list[tuple[Any, str, int, str | None]] = []  # (year, measure, index, unit)
        for year, cols in sorted(self.year_cols.items()):
            for kind, measure in (("kinh_phi", "amount_mvnd"), ("so_luong", "quantity")):
                if kind in cols:
                    columns.append((year, measure, *cols[kind]))
        for column, measure in (("tong_kinh_phi", "amount_mvnd"), ("so_luong_tong", "quantity")):
            if column in self.index:
                columns.append(("", measure, self.index[column], self.units.get(column)))
        for year, measure, i, unit in columns:
            money = measure == "amount_mvnd"
            text = cells[i].strip() if i < len(cells) else ""
            if not money and _TASK_COUNT.search(text):
                continue  # a count of tasks in a quantity column: read below
            figure = self.number(cells, n, i, unit, money=money)
            if figure is not None:
                printed = _with_unit(text, unit) if money else text
                row = _total(
                    self.programme_id, scope, section, "", year, printed, figure, self.source, n
                )
                row["measure"] = measure
                self.totals.append(row)
        # the count of tasks, wherever the row writes it: name cells first, then quantity cells
        for column in ("nhiem_vu", "ten_muc", "ma_nhiem_vu", "so_luong_tong"):
            found = _TASK_COUNT.search(self.cell(cells, column))
            if found:
                figure = Figure(float(found.group(1)), None, "exact", 1.0, "nhiệm vụ")
                row = _total(
                    self.programme_id,
                    scope,
                    section,
                    "",
                    "",
                    found.group(0),
                    figure,
                    self.source,
                    n,
                )
                row["measure"] = "task_count"
                self.totals.append(row)
                break

    def add_section(self, section: str, name: str, n: int) -> None:
        """A section, the first time a row names it (a later row does not rename it)."""
        self.sections.setdefault(
            section,
            {
                "programme_id": self.programme_id,
                "section_code": section,
                "section_name": name,
                "source_file": self.source,
                "source_line": str(n),
            },
        )

    def section_row(self, cells: list[str], n: int, section: str) -> None:
        """A row with 'muc' and no task number: the section's name and its printed totals."""
        self.current_section = section
        name = self.cell(cells, "ten_muc") or self.cell(cells, "nhiem_vu") or section
        self.add_section(section, name, n)
        self.stated_totals(cells, n, "section", section)

    def continuation_row(self, cells: list[str], n: int) -> None:
        """A task's text split over two rows by a page break: joined to the task above."""
        last = self.tasks[-1]
        for column, target in _CONTINUED:
            extra = self.cell(cells, column)
            if extra:
                last[target] = f"{last[target]} {extra}".strip()
        last["source_lines"] = f"{last['source_lines']};{n}"
        self.problems.append(
            _problem("warning", n, None, "import.continuation", task=last["task_code"])
        )

    def task_code(self, section: str, task_code: str, n: int = 0) -> str:
        """'I.3' from section 'I' and the printed number '3' (or the task's place in it, warned
        naming row `n`)."""
        number_printed = task_code or str(self.section_tasks.get(section, 0) + 1)
        if not task_code and n:
            self.problems.append(
                _problem(
                    "warning",
                    n,
                    "ma_nhiem_vu",
                    "import.task_numbered",
                    code=f"{section}.{number_printed}",
                )
            )
        if number_printed.startswith(f"{section}."):
            return number_printed
        return f"{section}.{number_printed}"

    def task_row(self, cells: list[str], n: int, section: str, task_code: str) -> None:
        """A task: its row, its content area, its yearly amounts and its printed totals."""
        if not section:
            self.problems.append(_problem("error", n, "muc", "import.task_without_section"))
            return
        self.add_section(section, section, n)
        self.current_section = section
        code = self.task_code(section, task_code, n)
        if self.another_source(cells, n, section, code):
            return  # the task again with another nguon_von: its lines of that source only
        if code in self.seen:
            self.problems.append(
                _problem(
                    "error",
                    n,
                    "ma_nhiem_vu",
                    "import.duplicate_task",
                    task=code,
                    first=self.seen[code],
                )
            )
            return
        self.seen[code] = n
        self.section_tasks[section] = self.section_tasks.get(section, 0) + 1
        self.tasks.append(
            task := {
                "programme_id": self.programme_id,
                "section_code": section,
                "task_code": code,
                # a document reader numbers sub-rows itself ('I.2.1') and keeps the printed '2'
                "task_no_printed": self.cell(cells, "tt_in")
                if "tt_in" in self.index
                else task_code,
                "task_name": self.cell(cells, "nhiem_vu") or code,
                "expected_result": self.cell(cells, "ket_qua"),
                "unit": self.cell(cells, "dvt"),
                "lead_unit": self.cell(cells, "chu_tri"),
                "coordinating_units": self.cell(cells, "phoi_hop"),
                "month_start": "",
                "month_end": "",
                "timing_text": "",
                "source_file": self.source,
                "source_lines": str(n),
            }
        )
        self.task_by_code[code] = task
        self.task_area(cells, n, code)
        for year in range(self.start, self.end + 1):
            self.year_amount(cells, n, code, year)
        self.task_total(cells, n, section, code, "tong_kinh_phi", "amount_mvnd")
        self.task_total(cells, n, section, code, "so_luong_tong", "quantity")

    def funding_source(self, cells: list[str], n: int) -> str | None:
        """Row `n`'s nguon_von as a code ('' = not stated); None for words we do not know.

        Read once per row (the row's amounts and totals all ask): an unknown source is one
        error naming the row and the column, with the words accepted.
        """
        if n not in self.row_sources:
            text = self.cell(cells, "nguon_von")
            code = funding_code(text)
            if code is None:
                self.problems.append(
                    _problem("error", n, "nguon_von", "import.unknown_funding", value=text)
                )
            self.row_sources[n] = code
        return self.row_sources[n]

    def another_source(self, cells: list[str], n: int, section: str, code: str) -> bool:
        """Whether row `n` is a task already read, again with another funding source.

        Officials write a task once per source ("khuyến công quốc gia", then "đối ứng"): one
        task, a budget line per source and year, a row total per source. It counts only when
        every row of the task names its source; the same source twice is an error, and a row
        without a source beside another row of the task stays a duplicate task (task_row).
        """
        source = self.funding_source(cells, n) or ""
        sources = self.task_sources.setdefault(code, {})
        if code not in self.seen:
            sources[source] = n
            return False
        if not source or "" in sources:
            return False
        if source in sources:
            self.problems.append(
                _problem(
                    "error",
                    n,
                    "nguon_von",
                    "import.duplicate_funding",
                    task=code,
                    source=self.cell(cells, "nguon_von"),
                    first=sources[source],
                )
            )
            return True
        sources[source] = n
        task = self.task_by_code[code]
        task["source_lines"] = f"{task['source_lines']};{n}"
        for year in range(self.start, self.end + 1):
            self.year_amount(cells, n, code, year)
        self.task_total(cells, n, section, code, "tong_kinh_phi", "amount_mvnd")
        self.task_total(cells, n, section, code, "so_luong_tong", "quantity")
        return True

    def tag_source(self, cells: list[str], n: int, marks: tuple[int, int]) -> None:
        """The amounts and totals row `n` added carry its funding source (TỔNG per source)."""
        source = self.funding_source(cells, n)
        if not source:
            return
        for row in self.amounts[marks[0] :] + self.totals[marks[1] :]:
            row["funding_source"] = source

    def task_area(self, cells: list[str], n: int, code: str) -> None:
        """The content area (KC1-KC9) the file states for a task, else the suggested one.

        Never silent: a suggestion stored, or a task left without an area, is a warning naming
        the row; the preview shows the suggestion and lets the importer change it.
        """
        area = self.cell(cells, "linh_vuc").upper()
        if area and area not in self.valid_areas:
            self.problems.append(
                _problem("error", n, "linh_vuc", "import.unknown_area", value=area)
            )
            return
        if area:
            self.areas.append(
                {
                    "programme_id": self.programme_id,
                    "task_code": code,
                    "content_area": area,
                    "reason": suggest.IMPORTER_REASON,
                    "assigned_by": "importer",
                }
            )
            return
        task = self.task_by_code[code]
        found = suggest.suggest(task["task_name"], task["expected_result"])
        fields = {
            "task": code,
            "area": found.area or "—",
            "confidence_vi": format_number(found.confidence, 2, "vi"),
            "confidence_en": format_number(found.confidence, 2, "en"),
            "reason_vi": found.explain("vi"),
            "reason_en": found.explain("en"),
        }
        if found.area not in self.valid_areas or found.confidence < suggest.MIN_CONFIDENCE:
            self.problems.append(_problem("warning", n, None, "import.area_unassigned", **fields))
            return
        self.problems.append(_problem("warning", n, None, "import.area_suggested", **fields))
        self.areas.append(
            {
                "programme_id": self.programme_id,
                "task_code": code,
                "content_area": found.area,
                "reason": suggest.SUGGESTED_REASON.format(why=found.reason),
                "assigned_by": "suggested",
            }
        )

    def year_amount(self, cells: list[str], n: int, code: str, year: int) -> None:
        """A task's budget line for one year of the period (a blank cell reads as 0, warned)."""
        cols = self.year_cols.get(year, {})
        amount = quantity = None
        printed_amount = printed_quantity = ""
        if "kinh_phi" in cols:
            i, unit = cols["kinh_phi"]
            # the column's unit kept with the printed figure, qualifier and range with it
            printed_amount = _with_unit(cells[i] if i < len(cells) else "", unit)
            figure = self.number(cells, n, i, unit)
            amount = figure.value if figure else None
        if "so_luong" in cols:
            i, _ = cols["so_luong"]
            printed_quantity = cells[i].strip() if i < len(cells) else ""
            counted = self.number(cells, n, i, None, money=False)
            quantity = counted.value if counted else None
        if "kinh_phi" in cols and not printed_amount:
            column = self.header[cols["kinh_phi"][0]]
            self.problems.append(_problem("warning", n, column, "import.blank_amount", year=year))
        if not self.year_cols:
            return  # a table without year columns has no budget lines
        self.amounts.append(
            {
                "programme_id": self.programme_id,
                "task_code": code,
                "year": year,
                "amount_printed": printed_amount,
                "amount_mvnd": amount or 0,
                "quantity_printed": printed_quantity,
                "quantity": quantity,
                "basis": "printed" if printed_amount else "blank",
                "note": "" if printed_amount else "Ô để trống, đọc là 0.",
                "source_file": self.source,
                "source_line": str(n),
            }
        )

    def task_total(
        self, cells: list[str], n: int, section: str, code: str, column: str, measure: str
    ) -> None:
        """A task's whole-period total as printed (money or quantity; _warn_totals checks money)."""
        text = self.cell(cells, column)
        if column not in self.index or not text:
            return
        money, unit = measure == "amount_mvnd", self.units.get(column)
        value = self.number(cells, n, self.index[column], unit, money=money)
        if value is not None:
            printed = _with_unit(text, unit) if money else text
            row = _total(
                self.programme_id, "task", section, code, "", printed, value, self.source, n
            )
            row["measure"] = measure
            self.totals.append(row)


_Meta = dict[str, tuple[str, int]]  # column -> (value, row it was first read on)


def _read_meta(plan: _PlanReading, body: list[list[str]]) -> _Meta | None:
    """The programme's information, repeated on every row; None if it is missing or differs."""
    meta: _Meta = {}
    for n, cells in enumerate(body, start=2):
        for column in META:
            value = plan.cell(cells, column)
            if column in meta and meta[column][0] == value:
                continue  # the same information again (folded once, on the row that gave it)
            # a cell holding the column's own name is a repeated header, not information
            if not value or _fold(value).replace(" ", "_") == column:
                continue
            if column in meta and meta[column][0] != value:
                plan.problems.append(
                    _problem(
                        "error",
                        n,
                        column,
                        "import.conflicting_meta",
                        column=column,
                        first=meta[column][0],
                        value=value,
                    )
                )
            meta.setdefault(column, (value, n))
    for column in ("tinh", "ten_chuong_trinh", "nam_bat_dau"):
        if column not in meta:
            plan.problems.append(
                _problem(
                    "error",
                    None,
                    column,
                    "import.missing_meta",
                    column=column,
                    meaning_vi=column_meaning(column, "vi"),
                    meaning_en=column_meaning(column, "en"),
                )
            )
    return None if _has_errors(plan.problems) else meta


def _period(plan: _PlanReading, meta: _Meta) -> tuple[int, int] | None:
    """First and last year; None if they are not years or a year column is outside them."""
    start_text = meta["nam_bat_dau"][0]
    end_text = meta.get("nam_ket_thuc", (start_text, 0))[0]  # blank: a one-year plan
    try:
        start, end = int(start_text), int(end_text)
        if not (1990 <= start <= end <= 2100):
            raise ValueError
    except ValueError:
        plan.problems.append(
            _problem(
                "error",
                meta["nam_bat_dau"][1],
                "nam_bat_dau",
                "import.bad_year",
                value=f"{start_text}-{end_text}",
            )
        )
        return None
    for year, cols in plan.year_cols.items():
        if not start <= year <= end:
            for _kind, (i, _) in cols.items():
                plan.problems.append(
                    _problem(
                        "error",
                        1,
                        plan.header[i],
                        "import.year_outside",
                        year=year,
                        start=start,
                        end=end,
                    )
                )
    return None if _has_errors(plan.problems) else (start, end)


def _programme_id(
    province: str,
    start: int,
    end: int,
    existing: dict[str, list[dict[str, Any]]],
    problems: list[Problem],
) -> str:
    """'HN-2021-2025' (a one-year plan 'HN-2021'), suffixed -2, -3 … while the id is taken.

    Another programme of the same province and period is likely the same plan imported again
    under another file: a warning, not an error (a revised plan is a new programme).
    """
    taken = {p["programme_id"] for p in existing.get("programmes", [])}
    code = (
        f"{_province_code(province)}-{start}-{end}"
        if start != end
        else f"{_province_code(province)}-{start}"
    )
    programme_id, k = code, 2
    while programme_id in taken:
        programme_id, k = f"{code}-{k}", k + 1
    same = [
        p["programme_id"]
        for p in existing.get("programmes", [])
        if p["province"] == province and (p["period_start"], p["period_end"]) == (start, end)
    ]
    if same:
        problems.append(
            _problem("warning", None, None, "import.same_period", existing=same[0], id=programme_id)
        )
    return programme_id


def stage_plan(
    filename: str,
    header: list[str],
    body: list[list[str]],
    problems: list[Problem],
    existing: dict[str, list[dict[str, Any]]],
) -> dict[str, list[dict[str, Any]]]:
    """The rows a plan table becomes, in the shape of data/ (documents … stated_totals).

    Empty when anything is an error (the problems say what); warnings do not stop it.
    """
    if not _has_columns(header, PLAN_REQUIRED, problems):
        return {}
    plan = _PlanReading(filename, header, problems)
    meta = _read_meta(plan, body)
    period = _period(plan, meta) if meta is not None else None
    if meta is None or period is None:
        return {}
    plan.start, plan.end = period
    style, style_row = meta.get("kieu_so", ("vi", 0))
    if style not in NUMBER_STYLES:
        problems.append(
            _problem(
                "error", style_row, "kieu_so", "import.bad_style", value=style,
                styles=", ".join(NUMBER_STYLES),
            )
        )  # fmt: skip
        return {}
    plan.style = style
    written, row = meta["tinh"]
    found = _read_province(written, row, plan.start, problems)
    # refused: the rows are still read, so every problem of the file is reported at once
    plan.province = found.province if found else written
    if found is not None and found.province != unicodedata.normalize("NFC", written):
        plan.province_printed = written
    plan.programme_id = _programme_id(plan.province, *period, existing, problems)
    plan.valid_areas = {a["code"] for a in existing.get("content_areas", [])}
    if not any(plan.cell(cells, "muc") for cells in body):
        # no section code anywhere: the whole table is one section, named by the title
        plan.current_section = "I"
        plan.add_section("I", meta["ten_chuong_trinh"][0], meta["ten_chuong_trinh"][1])
        problems.append(_problem("warning", None, "muc", "import.one_section", code="I"))
    for n, cells in enumerate(body, start=2):
        plan.read_row(n, cells)
    if not plan.tasks:
        problems.append(_problem("error", None, None, "import.no_tasks"))
    if _has_errors(problems):
        return {}
    _warn_totals(plan.amounts, plan.tasks, plan.totals, problems)
    return _plan_tables(plan, meta)


def _in_users_words(
    problems: list[Problem], written: list[str], header: list[str]
) -> list[Problem]:
    """Problems naming a template column ('tong_kinh_phi') renamed to the user's header
    ('Tổng cộng (tỷ đồng)'): the file the user holds is the one they must find it in."""
    names: dict[str, str] = {}
    for own, template in zip(written, header, strict=False):
        if template:
            names.setdefault(template, str(own).strip())
            names.setdefault(template.partition(" (")[0], str(own).strip())
    return [
        replace(p, column=names[p.column]) if names.get(p.column or "") else p for p in problems
    ]


# A stored column of a trial-built row -> the template column its figure was read from.
_TRIAL_COLUMNS: dict[str, dict[str, str]] = {
    "tasks": {"task_name": "nhiem_vu", "expected_result": "ket_qua", "unit": "dvt"},
    "content_area_map": {"content_area": "linh_vuc"},
    "budget_execution": {"year": "nam", "section_code": "muc", "task_code": "ma_nhiem_vu"},
    "stated_percentages": {"printed_text": "ty_le_giai_ngan_ghi", "year": "nam"},
    "results": {"year": "nam"},
}


def _trial_problem(error: Any, folder: Path, tables: dict[str, list[dict[str, Any]]]) -> Problem:
    """A trial build's error about the staged rows, placed on the user's row and column.

    The trial folder's files are ours, not the user's: the message names the row of the
    upload the stored row was read from, and the template column, never the internal file.
    """
    fields = dict(error.fields)
    key = error.key  # a data.* id, chosen and marked where the build made the error
    texts = {lang: t(key, lang, **fields) for lang in ("vi", "en")}
    label = f"imports/{folder.name}/tables/"
    if not str(error.file).startswith(label) or error.line is None:
        return _problem(
            "error",
            None,
            None,
            "import.build_failed",
            error_vi=error.message("vi"),
            error_en=error.message("en"),
        )
    path = str(error.file)[len(label) :]
    table = next((s.table for s in SPECS if s.path == path), "")
    row_at: dict[int, dict[str, Any]] = {}
    with (folder / "tables" / path).open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for k, _cells in enumerate(reader):
            if k < len(tables.get(table, [])):
                row_at[reader.line_num] = tables[table][k]
    stored = row_at.get(error.line, {})
    cited = re.match(r"\d+", str(stored.get("source_line") or stored.get("source_lines") or ""))
    column = _TRIAL_COLUMNS.get(table, {}).get(str(error.column))
    if table in ("budget_amounts", "stated_totals") and stored:
        quantity = "quantity" in str(error.column) or stored.get("measure") == "quantity"
        year = stored.get("year")
        if stored.get("measure") != "task_count":
            stem = "so_luong" if quantity else "kinh_phi"
            column = (
                f"{stem}_{year}" if year else ("so_luong_tong" if quantity else "tong_kinh_phi")
            )
    return _problem(
        "error",
        int(cited.group(0)) if cited else None,
        column,
        "import.build_failed",
        error_vi=texts["vi"],
        error_en=texts["en"],
    )


def _grand_total(plan: _PlanReading) -> dict[str, Any] | None:
    """The TỔNG row's whole-period money total (all sources), the programme's stated total."""
    return next(
        (
            row
            for row in plan.totals
            if (row["scope"], row["year"], row["measure"]) == ("grand", "", "amount_mvnd")
            and not row.get("funding_source")
        ),
        None,
    )


def _plan_tables(plan: _PlanReading, meta: _Meta) -> dict[str, list[dict[str, Any]]]:
    """The tables one plan becomes: its document, its programme, and the rows read."""
    title = meta["ten_chuong_trinh"][0]
    grand = _grand_total(plan)
    decision_ref = meta.get("so_quyet_dinh", ("", 0))[0]
    decision_date = meta.get("ngay_quyet_dinh", ("", 0))[0]
    return {
        "documents": [
            {
                "source_file": plan.source,
                "doc_type": "Tệp nhập",
                "title": title,
                "title_en": title,
                "issuer": meta["tinh"][0],  # as written: the document's own words
                "ref_printed": decision_ref,
                "date_printed": decision_date,
                "number_style": plan.style,
                "source_line": meta["ten_chuong_trinh"][1],
            }
        ],
        "programmes": [
            {
                "programme_id": plan.programme_id,
                "province": plan.province,
                "province_printed": plan.province_printed,
                "kind": "khuyen_cong",
                "title": title,
                "title_en": title,
                "period_start": plan.start,
                "period_end": plan.end,
                "decision_ref": decision_ref,
                "decision_date": decision_date,
                "stated_total_printed": grand["printed_text"] if grand else "",
                "stated_total_mvnd": grand["stated_value"] if grand else "",
                "source_file": plan.source,
                "source_line": str(meta["ten_chuong_trinh"][1]),
                "note": "Nhập từ tệp.",
            }
        ],
        "sections": list(plan.sections.values()),
        "tasks": plan.tasks,
        "budget_amounts": plan.amounts,
        "stated_totals": plan.totals,
        "content_area_map": plan.areas,
    }


def _total(
    programme: str,
    scope: str,
    section: str,
    task: str,
    year: Any,
    printed: str,
    value: float | Figure,
    source: str,
    line: int,
) -> dict[str, Any]:
    """A stated_totals row; a Figure brings its qualifier, range end and printed precision."""
    figure = value if isinstance(value, Figure) else Figure(float(value), None, "exact", 1.0)
    return {
        "programme_id": programme,
        "scope": scope,
        "section_code": section,
        "task_code": task,
        "year": year,
        "measure": "amount_mvnd",
        "printed_text": printed.strip(),
        "stated_value": figure.value,
        "precision": figure.precision,
        "note": "",
        "source_file": source,
        "source_line": str(line),
        "qualifier": figure.qualifier,
        "stated_max": figure.high,
    }


def _accepts(total: dict[str, Any], computed: float, tolerance: float) -> bool:
    """Whether a computed sum agrees with a stated total, read with its qualifier.

    The rule (queries/total_checks.sql applies the same): exact and "khoảng" within
    `tolerance` (half a unit of the printed precision; after "khoảng" trailing zeros are
    rounding); a range from its low end to its high end; "hơn/trên/tối thiểu X" at least X;
    "tối đa/không quá/dưới X" at most X; "gần X" at most X and not below what rounds to X
    (half a unit of its last significant digit: "gần 1.000" is 500 to 1.000).
    """
    value, high = total["stated_value"], total.get("stated_max")
    qualifier = total.get("qualifier") or "exact"
    low_ok = None if qualifier == "at_most" else value - tolerance
    high_ok = {
        "at_least": None,
        "nearly": value + tolerance - total["precision"] / 2,
    }.get(qualifier, (high if high is not None else value) + tolerance)
    return (low_ok is None or computed >= low_ok - 1e-9) and (
        high_ok is None or computed <= high_ok + 1e-9
    )


def _warn_totals(
    amounts: list[dict[str, Any]],
    tasks: list[dict[str, Any]],
    totals: list[dict[str, Any]],
    problems: list[Problem],
) -> None:
    """Stated totals that do not add up: warnings now, reconciliation findings once stored."""
    section_of = {t["task_code"]: t["section_code"] for t in tasks}
    # What each stated total is checked against, summed in one pass over the budget lines (in
    # their order, so each sum is the one a scan per total gave): a scan of every line per total
    # made the check quadratic, a task total on each of 20.000 rows read 20.000² lines.
    tasks_in = Counter(t["section_code"] for t in tasks)
    sums: dict[tuple[str, Any, Any, Any], list[float]] = {}
    for a in amounts:
        source = a.get("funding_source")
        for scope in (("task", a["task_code"]), ("section", section_of.get(a["task_code"])), ("",)):
            for year in (a["year"], ""):
                for of_source in (None, source) if source else (None,):
                    entry = sums.setdefault((*scope, year, of_source), [0, 0])
                    entry[0] += a["amount_mvnd"]
                    entry[1] += 1
    for total in totals:
        if total["measure"] == "task_count":
            counted = tasks_in[total["section_code"]] if total["scope"] == "section" else len(tasks)
            if not _accepts(total, counted, total["precision"] / 2):
                problems.append(
                    _problem(
                        "warning",
                        int(total["source_line"]),
                        None,
                        "import.count_differs",
                        where=total["section_code"] if total["scope"] == "section" else "TỔNG",
                        stated=total["printed_text"],
                        counted=counted,
                    )
                )
            continue
        if total["measure"] != "amount_mvnd":
            continue
        scope = (
            (total["scope"], total[f"{total['scope']}_code"])
            if total["scope"] in ("task", "section")
            else ("",)
        )
        key = (*scope, total["year"], total.get("funding_source") or None)
        summed, lines = sums.get(key, (0, 0))
        # half a unit of the printed precision: "2,5 tỷ" tolerates ±50 triệu, "4.200" ±0,5
        if lines and not _accepts(total, summed, total["precision"] / 2):
            where = " ".join(
                str(x) for x in (total["section_code"], total["task_code"], total["year"]) if x
            )
            problems.append(
                _problem(
                    "warning",
                    int(total["source_line"]),
                    None,
                    "import.total_differs",
                    where=where or "TỔNG",
                    stated=total["printed_text"],
                    computed=format_number(summed, 0 if float(summed).is_integer() else 1),
                )
            )


# ---------------------------------------------------------------------------------------------
# Results reports.

_QUALIFIERS = {"gan": "nearly", "tren": "at_least", "hon": "at_least", "khoang": "about"}


def _achieved(text: str) -> tuple[float, str]:
    """'gần 700' -> (700.0, 'nearly'); raises NumberFormatError when no figure is written."""
    match = re.match(r"^\s*(gần|trên|hơn|khoảng)?\s*(.+)$", text, re.IGNORECASE)
    qualifier = _QUALIFIERS.get(_fold(match.group(1) or ""), "exact") if match else "exact"
    rest = match.group(2) if match else ""
    figure = re.search(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?", rest)
    if figure is None or rest.lstrip().startswith("-"):
        raise NumberFormatError(text, "not_a_number")
    return float(parse_number(figure.group(0))), qualifier


@dataclass
class _ResultsReading:
    """One results report being read: its columns, the programmes and result codes known."""

    source: str  # the upload's file name, cited by every row
    header: list[str]
    problems: list[Problem]
    known: set[str]  # programme ids a result may belong to
    taken: set[tuple[str, str]]  # (programme id, result code) already stored
    # programme id -> (its province, the year its period starts), for a `tinh` cell to match
    programmes: dict[str, tuple[str, int]] = field(default_factory=dict)
    index: dict[str, int] = field(init=False)
    header_words: set[str] = field(init=False)
    # (name as written, programme id) -> whether it was accepted: each is reported once
    provinces_read: dict[tuple[str, str], bool] = field(default_factory=dict)
    # The programme a row without a known ma_chuong_trinh reports on: one the file's tinh,
    # ten_chuong_trinh and period create (or find); None = the file does not say (then such a
    # row is an unknown programme); '' = it says, but wrongly (already reported).
    from_file: str | None = None
    created: list[dict[str, Any]] = field(default_factory=list)  # the programme row staged
    # Yearly execution (kế hoạch vốn giao, giải ngân of a year, a section or a task):
    # programme id -> its period; -> {section code folded: code}; -> {task code folded: (code,
    # its section)}; the (programme, year, section, task) already stored -> their file
    periods: dict[str, tuple[int, int]] = field(default_factory=dict)
    sections: dict[str, dict[str, str]] = field(default_factory=dict)
    tasks: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    stored_execution: dict[tuple[Any, ...], str] = field(default_factory=dict)
    executed: list[dict[str, Any]] = field(default_factory=list)  # budget_execution rows
    percentages: list[dict[str, Any]] = field(default_factory=list)  # stated_percentages rows
    execution_rows: dict[tuple[Any, ...], int] = field(default_factory=dict)  # key -> its row
    # template money column -> (its index, the unit its header writes or None)
    money_columns: dict[str, tuple[int, str | None]] = field(init=False)

    def __post_init__(self) -> None:
        self.index = {h: i for i, h in enumerate(self.header) if h}
        self.header_words = {_fold(h) for h in self.header}
        self.money_columns = {}
        for i, h in enumerate(self.header):
            base, _, unit = (h or "").partition(" (")
            if base in EXECUTION_MONEY and base not in self.money_columns:
                self.money_columns[base] = (i, unit.rstrip(")").strip() or None)

    def programme_from_file(
        self, body: list[list[str]], existing: dict[str, list[dict[str, Any]]]
    ) -> None:
        """The programme the rows without a known ma_chuong_trinh report on, from the file.

        Like 001's 2011-2015 results, whose plan was never published in detail: the file gives
        tinh, ten_chuong_trinh, nam_bat_dau and nam_ket_thuc (blank: one year) on its rows, as a
        plan does. The one programme of that province and period is found; none, it is created
        (an id as a plan's would get); several, the file must say which (ma_chuong_trinh).
        """
        meta: _Meta = {}
        for n, cells in enumerate(body, start=2):
            if self.cell(cells, "ma_chuong_trinh") in self.known or not any(
                c.strip() for c in cells
            ):
                continue
            for column in META:
                value = self.cell(cells, column)
                if not value or _fold(value).replace(" ", "_") == column:
                    continue  # blank, or a repeated header row
                if column in meta and meta[column][0] != value:
                    self.problems.append(
                        _problem(
                            "error",
                            n,
                            column,
                            "import.conflicting_meta",
                            column=column,
                            first=meta[column][0],
                            value=value,
                        )
                    )
                meta.setdefault(column, (value, n))
        needed = ("tinh", "ten_chuong_trinh", "nam_bat_dau")
        if not any(column in meta for column in needed):
            return  # nothing to create a programme from: such rows name an unknown programme
        self.from_file = ""
        for column in needed:
            if column not in meta:
                self.problems.append(
                    _problem(
                        "error",
                        None,
                        column,
                        "import.missing_meta",
                        column=column,
                        meaning_vi=column_meaning(column, "vi"),
                        meaning_en=column_meaning(column, "en"),
                    )
                )
        if _has_errors(self.problems):
            return
        start_text, row = meta["nam_bat_dau"]
        end_text = meta.get("nam_ket_thuc", (start_text, row))[0]
        try:
            start, end = int(start_text), int(end_text)
            if not 1990 <= start <= end <= 2100:
                raise ValueError
        except ValueError:
            self.problems.append(
                _problem(
                    "error", row, "nam_bat_dau", "import.bad_year", value=f"{start_text}-{end_text}"
                )
            )
            return
        written, province_row = meta["tinh"]
        found = _read_province(written, province_row, start, self.problems)
        if found is None:
            return
        same = [
            p["programme_id"]
            for p in existing.get("programmes", [])
            if p["province"] == found.province
            and (int(p["period_start"]), int(p["period_end"])) == (start, end)
        ]
        period = f"{start}-{end}" if start != end else str(start)
        if len(same) > 1:
            self.problems.append(
                _problem(
                    "error",
                    province_row,
                    "ma_chuong_trinh",
                    "import.programme_ambiguous",
                    province=found.province,
                    period=period,
                    ids=", ".join(sorted(same)),
                )
            )
            return
        if same:
            self.from_file = same[0]
            self.problems.append(
                _problem("warning", None, None, "import.results_programme_found", id=same[0])
            )
            return
        self.from_file = _programme_id(found.province, start, end, existing, self.problems)
        title, title_row = meta["ten_chuong_trinh"]
        self.created.append(
            {
                "programme_id": self.from_file,
                "province": found.province,
                "province_printed": written
                if found.province != unicodedata.normalize("NFC", written)
                else "",
                "kind": "khuyen_cong",
                "title": title,
                "title_en": title,
                "period_start": start,
                "period_end": end,
                "decision_ref": meta.get("so_quyet_dinh", ("", 0))[0],
                "decision_date": meta.get("ngay_quyet_dinh", ("", 0))[0],
                "stated_total_printed": "",
                "stated_total_mvnd": "",
                "source_file": self.source,
                "source_line": str(title_row),
                "note": "Tạo từ báo cáo kết quả nhập từ tệp (không có bảng kế hoạch).",
            }
        )
        self.problems.append(
            _problem(
                "warning",
                None,
                None,
                "import.results_programme_created",
                id=self.from_file,
                province=found.province,
                period=period,
            )
        )

    def cell(self, cells: list[str], column: str) -> str:
        """A template column's text in one row ('' when the column or the cell is absent)."""
        i = self.index.get(column)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def province_ok(self, n: int, written: str, programme: str) -> bool:
        """A `tinh` cell, where the report has one, names the programme's province.

        Read as a plan's is (_read_province, with the programme's period); since 1/7/2025 the
        successor reports on an old province's programme, so either name is accepted. Each
        name is reported once per programme, on the first row that writes it.
        """
        if not written:
            return True
        seen = (written, programme)
        if seen in self.provinces_read:
            return self.provinces_read[seen]
        own, start = self.programmes.get(programme, ("", None))
        found = _read_province(written, n, start, self.problems)
        ok = found is not None
        if found is not None and own in provinces.by_name():
            successor = provinces.by_name()[own].successor
            if found.province not in (own, successor):
                self.problems.append(
                    _problem(
                        "error",
                        n,
                        "tinh",
                        "import.province_not_programme",
                        name=found.province,
                        programme=programme,
                        province=own,
                    )
                )
                ok = False
        self.provinces_read[seen] = ok
        return ok

    def target(self, n: int, text: str) -> float | str | None:
        """The target as a number ('' when none is printed); None if it is not one (reported)."""
        try:
            return float(parse_number(text)) if text else ""
        except NumberFormatError:
            self.problems.append(_problem("error", n, "muc_tieu", "import.not_number", value=text))
            return None

    def check_pct(
        self, n: int, pct_text: str, achieved: tuple[str, float], target: tuple[str, float]
    ) -> None:
        """A stated percentage must follow from dat_duoc / muc_tieu within half a unit of its
        printed precision ('71,2%': ±0,05); one that does not is a warning now and, once
        stored, a finding (queries/percentage_checks.sql checks the stored row the same way)."""
        number = pct_text.rstrip("% ")
        stated = float(parse_number(number))
        decimals = len(number.partition(",")[2])
        if target[1] <= 0:
            return  # nothing to divide by: the check says 'not_checkable'
        computed = 100.0 * achieved[1] / target[1]
        if abs(stated - computed) > 0.5 * 10**-decimals + 1e-9:
            shown = max(2, decimals + 1)
            self.problems.append(
                _problem(
                    "warning",
                    n,
                    "ty_le_ghi",
                    "import.pct_differs",
                    stated=pct_text,
                    computed_vi=format_pct(computed, shown, "vi"),
                    computed_en=format_pct(computed, shown, "en"),
                    achieved=achieved[0],
                    target=target[0],
                )
            )

    # --- yearly execution ------------------------------------------------------------------

    def period_of(self, programme: str) -> tuple[int, int] | None:
        """The period of a known programme, or of the one the file creates."""
        if programme in self.periods:
            return self.periods[programme]
        made = next((p for p in self.created if p["programme_id"] == programme), None)
        return (int(made["period_start"]), int(made["period_end"])) if made else None

    def year_of(self, n: int, cells: list[str], programme: str) -> tuple[bool, int | None]:
        """The row's `nam` (None: the whole period); False when it is wrong (then reported)."""
        text = self.cell(cells, "nam")
        if not text:
            return True, None
        match = re.fullmatch(r"(?:năm\s*)?(\d{4})", text, re.IGNORECASE)
        if match is None:
            self.problems.append(_problem("error", n, "nam", "import.bad_year", value=text))
            return False, None
        year, period = int(match.group(1)), self.period_of(programme)
        if period is not None and not period[0] <= year <= period[1]:
            self.problems.append(
                _problem(
                    "error",
                    n,
                    "nam",
                    "execution.year_outside",
                    year=year,
                    start=period[0],
                    end=period[1],
                    programme=programme,
                )
            )
            return False, None
        return True, year

    def scope_of(
        self, n: int, cells: list[str], programme: str
    ) -> tuple[bool, str | None, str | None]:
        """(ok, section, task) a row's figures are of: its muc and ma_nhiem_vu, both empty =
        the whole programme. A ma_nhiem_vu naming a section (an STT column of I, II, …) is the
        section; a task in another section than the row's muc, or a code the plan does not
        have, is an error naming the codes it has."""
        section, task = self.cell(cells, "muc"), self.cell(cells, "ma_nhiem_vu")
        sections, tasks = self.sections.get(programme, {}), self.tasks.get(programme, {})
        if task:
            found = tasks.get(task.upper())
            if found is None and not section and task.upper() in sections:
                return True, sections[task.upper()], None
            if found is None:
                known = ", ".join(code for code, _ in tasks.values()) or "—"
                self.problems.append(
                    _problem(
                        "error",
                        n,
                        "ma_nhiem_vu",
                        "execution.unknown_task",
                        value=task,
                        programme=programme,
                        known=known,
                    )
                )
                return False, None, None
            if section and sections.get(section.upper()) != found[1]:
                self.problems.append(
                    _problem(
                        "error",
                        n,
                        "ma_nhiem_vu",
                        "execution.task_not_in_section",
                        task=found[0],
                        section=section,
                        own=found[1],
                    )
                )
                return False, None, None
            return True, found[1], found[0]
        if section:
            if section.upper() not in sections:
                known = ", ".join(sections.values()) or "—"
                self.problems.append(
                    _problem(
                        "error",
                        n,
                        "muc",
                        "execution.unknown_section",
                        value=section,
                        programme=programme,
                        known=known,
                    )
                )
                return False, None, None
            return True, sections[section.upper()], None
        return True, None, None

    def money(self, n: int, cells: list[str], column: str) -> tuple[bool, dict[str, Any] | None]:
        """A von_giao / giai_ngan cell as officials write it ("6.300", "21,6 tỷ đồng", a bare
        figure in its header's unit): its printed text, million VND and precision; None when
        empty; False when it is not one amount of money (then reported)."""
        text = self.money_text(cells, column)
        unit = self.money_columns.get(column, (None, None))[1]
        if not text:
            return True, None
        if text.startswith("-"):
            self.problems.append(_problem("error", n, column, "import.negative", value=text))
            return False, None
        try:
            figure = read_figure(text, _money_unit(unit))
        except NumberFormatError:
            self.problems.append(_problem("error", n, column, "import.not_number", value=text))
            return False, None
        if figure.high is not None:  # "5.000-6.000": a range says two amounts, not one
            self.problems.append(
                _problem("error", n, column, "execution.not_one_amount", value=text)
            )
            return False, None
        if figure.value > ABSURD_MVND:
            self.problems.append(
                _problem("error", n, column, "import.absurd", value=text, limit=ABSURD_MVND)
            )
            return False, None
        return True, {
            "printed_text": _with_unit(text, unit),
            "amount_mvnd": figure.value,
            "precision": max(figure.precision, 1e-9),
        }

    def money_text(self, cells: list[str], column: str) -> str:
        """The text of a money column in one row ('' when absent or empty)."""
        at = self.money_columns.get(column, (None, None))[0]
        return cells[at].strip() if at is not None and at < len(cells) else ""

    @staticmethod
    def scope_words(section: str | None, task: str | None, lang: str) -> str:
        """'mục I', 'nhiệm vụ I.1' or 'toàn chương trình', in `lang`."""
        if task:
            return t("execution.scope_task", lang, code=task)
        if section:
            return t("execution.scope_section", lang, code=section)
        return t("execution.scope_programme", lang)

    def execution(self, n: int, cells: list[str], programme: str, year: int | None) -> bool:
        """The row's allocated and disbursed figures (and its stated disbursement rate) as
        budget_execution and stated_percentages rows; False when the row is wrong (reported).

        One row per programme, year, section and task, in the file and against what is
        stored. A stated rate must follow from giải ngân / vốn giao within half a unit of its
        printed digits; one that does not is a warning now and, stored, a finding
        (queries/percentage_checks.sql checks the stored row the same way)."""
        ok, section, task = self.scope_of(n, cells, programme)
        if not ok:
            return False
        figures = {}
        for column, measure in (("von_giao", "allocated"), ("giai_ngan", "disbursed")):
            read, figure = self.money(n, cells, column)
            if not read:
                return False
            if figure is not None:
                figures[measure] = (column, figure)
        key = (programme, year, section, task)
        words = {f"scope_{x}": self.scope_words(section, task, x) for x in ("vi", "en")}
        when = {f"when_{x}": self.when_words(year, x) for x in ("vi", "en")}
        if key in self.execution_rows:
            self.problems.append(
                _problem(
                    "error",
                    n,
                    None,
                    "execution.duplicate_row",
                    first=self.execution_rows[key],
                    **when,
                    **words,
                )
            )
            return False
        if key in self.stored_execution:
            self.problems.append(
                _problem(
                    "error",
                    n,
                    None,
                    "execution.duplicate_stored",
                    source=self.stored_execution[key],
                    **when,
                    **words,
                )
            )
            return False
        pct_text = self.cell(cells, "ty_le_giai_ngan_ghi")
        if pct_text and not re.fullmatch(r"\d+(?:,\d+)?\s*%?", pct_text):
            self.problems.append(
                _problem("error", n, "ty_le_giai_ngan_ghi", "import.bad_pct", value=pct_text)
            )
            return False
        if pct_text and len(figures) < 2:
            self.problems.append(
                _problem("error", n, "ty_le_giai_ngan_ghi", "execution.pct_needs_both")
            )
            return False
        self.execution_rows[key] = n
        for measure, (_column, figure) in figures.items():
            self.executed.append(
                {
                    "programme_id": programme,
                    "measure": measure,
                    **figure,
                    "source_file": self.source,
                    "source_line": str(n),
                    "year": year,
                    "section_code": section,
                    "task_code": task,
                }
            )
        if pct_text:
            self.stated_rate(n, pct_text, figures, key)
        return True

    @staticmethod
    def when_words(year: int | None, lang: str) -> str:
        """'năm 2021' or 'cả giai đoạn', in `lang`."""
        if year is None:
            return t("execution.whole_period", lang)
        return t("execution.in_year", lang, year=year)

    def stated_rate(
        self,
        n: int,
        pct_text: str,
        figures: dict[str, tuple[str, dict[str, Any]]],
        key: tuple[Any, ...],
    ) -> None:
        """The row's "Tỷ lệ giải ngân (%)" as a stated percentage of giải ngân / vốn giao."""
        programme, year, section, task = key
        # the header's "(%)" written into the figure, so the stored text reads as a percentage
        printed = pct_text if "%" in pct_text else f"{pct_text}%"
        number = printed.rstrip("% ")
        stated = float(parse_number(number))
        decimals = len(number.partition(",")[2])
        allocated = figures["allocated"][1]
        disbursed = figures["disbursed"][1]
        if allocated["amount_mvnd"] > 0:
            computed = 100.0 * disbursed["amount_mvnd"] / allocated["amount_mvnd"]
            if abs(stated - computed) > 0.5 * 10**-decimals + 1e-9:
                shown = max(2, decimals + 1)
                self.problems.append(
                    _problem(
                        "warning",
                        n,
                        "ty_le_giai_ngan_ghi",
                        "execution.pct_differs",
                        stated=printed,
                        computed_vi=format_pct(computed, shown, "vi"),
                        computed_en=format_pct(computed, shown, "en"),
                        disbursed=disbursed["printed_text"],
                        allocated=allocated["printed_text"],
                    )
                )
        place = {
            lang: t(
                "execution.location",
                lang,
                when=self.when_words(year, lang),
                scope=self.scope_words(section, task, lang),
            )
            for lang in ("vi", "en")
        }
        self.percentages.append(
            {
                "programme_id": programme,
                "location": place["vi"],
                "location_en": place["en"],
                "numerator": "disbursed",
                "denominator": "allocated",
                "printed_text": printed,
                "context": t(
                    "execution.context",
                    "vi",
                    allocated=allocated["printed_text"],
                    disbursed=disbursed["printed_text"],
                    pct=printed,
                ),
                "note": "",
                "source_file": self.source,
                "source_line": str(n),
                "year": year,
                "section_code": section,
                "task_code": task,
            }
        )

    def row(self, n: int, cells: list[str]) -> dict[str, Any] | None:
        """The results row that sheet row `n` becomes; None if blank or wrong (then reported)."""
        if not any(c.strip() for c in cells):
            return None
        if {_fold(c) for c in cells if c.strip()} <= self.header_words:
            self.problems.append(_problem("warning", n, None, "import.header_repeated"))
            return None
        programme = self.cell(cells, "ma_chuong_trinh")
        if programme in self.known:
            if not self.province_ok(n, self.cell(cells, "tinh"), programme):
                return None
        elif self.from_file:
            programme = self.from_file  # created or found from the file's tinh, title, period
        elif self.from_file == "":
            return None  # the file's programme information is wrong: reported once
        else:
            self.problems.append(
                _problem(
                    "error",
                    n,
                    "ma_chuong_trinh",
                    "import.unknown_programme",
                    value=programme,
                    known=", ".join(sorted(self.known)),
                )
            )
            return None
        read, year = self.year_of(n, cells, programme)
        if not read:
            return None
        if self.money_columns:
            # a row of yearly execution; with an indicator or a figure achieved, an output too
            has_money = any(self.money_text(cells, c) for c in self.money_columns)
            if has_money and not self.execution(n, cells, programme, year):
                return None
            if not (self.cell(cells, "chi_tieu") or self.cell(cells, "dat_duoc")):
                if not has_money:
                    self.problems.append(_problem("error", n, None, "execution.empty_row"))
                return None
        achieved_text = self.cell(cells, "dat_duoc")
        try:
            achieved, qualifier = _achieved(achieved_text)
        except NumberFormatError:
            self.problems.append(
                _problem("error", n, "dat_duoc", "import.not_number", value=achieved_text)
            )
            return None
        pct_text = self.cell(cells, "ty_le_ghi")
        if pct_text and not re.fullmatch(r"\d+(?:,\d+)?\s*%", pct_text):
            self.problems.append(
                _problem("error", n, "ty_le_ghi", "import.bad_pct", value=pct_text)
            )
            return None
        target_text = self.cell(cells, "muc_tieu")
        target = self.target(n, target_text)
        if target is None:
            return None
        if pct_text and isinstance(target, float):
            self.check_pct(n, pct_text, (achieved_text, achieved), (target_text, target))
        code = f"N{n}"
        while (programme, code) in self.taken:  # a code an earlier import of the report took
            code += "'"
        return {
            "programme_id": programme,
            "result_code": code,
            "content_area": self.cell(cells, "linh_vuc").upper(),
            "indicator": self.cell(cells, "chi_tieu"),
            "indicator_en": self.cell(cells, "chi_tieu"),
            "unit": self.cell(cells, "dvt"),
            "achieved_text": achieved_text,
            "achieved": achieved,
            "achieved_qualifier": qualifier,
            "stated_pct_text": pct_text,
            "target_text": target_text,
            "target_printed": target,
            "comparable_indicator": "",
            "note": "Nhập từ báo cáo kết quả.",
            "source_file": self.source,
            "source_line": str(n),
            "year": year,
        }


def stage_results(
    filename: str,
    header: list[str],
    body: list[list[str]],
    problems: list[Problem],
    existing: dict[str, list[dict[str, Any]]],
) -> dict[str, list[dict[str, Any]]]:
    """The rows a results report becomes: one results row per indicator, and the programme
    (with its document) when the file creates it from its tinh, title and period columns."""
    # ma_chuong_trinh may be left out by a report that gives what creates its programme instead
    creates = {"tinh", "ten_chuong_trinh", "nam_bat_dau"} <= set(header)
    # a report of yearly execution alone (vốn giao, giải ngân) needs no output columns
    needed = RESULTS_REQUIRED
    if _reports_execution(header) and not {"chi_tieu", "dat_duoc"} & set(header):
        needed = ("ma_chuong_trinh",)
    required = tuple(c for c in needed if not (creates and c == "ma_chuong_trinh"))
    if not _has_columns(header, required, problems):
        return {}
    programmes = existing.get("programmes", [])
    report = _ResultsReading(
        filename,
        header,
        problems,
        known={p["programme_id"] for p in programmes},
        taken={(r["programme_id"], r["result_code"]) for r in existing.get("results", [])},
        programmes={p["programme_id"]: (p["province"], int(p["period_start"])) for p in programmes},
        periods={
            p["programme_id"]: (int(p["period_start"]), int(p["period_end"])) for p in programmes
        },
    )
    if _reports_execution(header):
        _known_scopes(report, existing)
    report.programme_from_file(body, existing)
    rows = [row for n, cells in enumerate(body, start=2) if (row := report.row(n, cells))]
    if not rows and not report.executed and not _has_errors(problems):
        problems.append(_problem("error", None, None, "import.no_results"))
    if _has_errors(problems):
        return {}
    created = {"programmes": report.created} if report.created else {}
    # the yearly execution read, where the report gives it
    execution = {"budget_execution": report.executed} if report.executed else {}
    if report.percentages:
        execution["stated_percentages"] = report.percentages
    return {
        "documents": [
            {
                "source_file": filename,
                "doc_type": "Báo cáo kết quả (tệp nhập)",
                "title": report.created[0]["title"] if report.created else filename,
                "title_en": report.created[0]["title"] if report.created else filename,
                "issuer": "Tệp nhập / imported file",
                "ref_printed": "",
                "date_printed": "",
                "number_style": "vi",
                "source_line": 1,
            }
        ],
        **created,
        "results": rows,
        **execution,
    }


def _reports_execution(header: list[str]) -> bool:
    """Whether a (mapped) header has a yearly-execution money column (von_giao, giai_ngan)."""
    return any((h or "").partition(" (")[0] in EXECUTION_MONEY for h in header)


def _known_scopes(report: _ResultsReading, existing: dict[str, list[dict[str, Any]]]) -> None:
    """The sections and tasks a row's muc / ma_nhiem_vu may name (matched in capitals), and the
    yearly figures already stored (a second report of the same year and scope is refused)."""
    for row in existing.get("sections", []):
        codes = report.sections.setdefault(row["programme_id"], {})
        codes[str(row["section_code"]).upper()] = row["section_code"]
    for row in existing.get("tasks", []):
        codes = report.tasks.setdefault(row["programme_id"], {})
        codes[str(row["task_code"]).upper()] = (row["task_code"], row["section_code"])
    for row in existing.get("budget_execution", []):
        key = (row["programme_id"], row.get("year"), row.get("section_code"), row.get("task_code"))
        report.stored_execution.setdefault(key, row["source_file"])


# ---------------------------------------------------------------------------------------------
# The whole flow: validate (no writes), commit (lock, store, rebuild), list, remove.


def validate(
    filename: str,
    data: bytes,
    mapping: dict[str, str] | None = None,
    kind: str | None = None,
    data_dir: Path | None = None,
    imports_dir: Path | None = None,
    progress: Callable[[float, str], None] | None = None,
    given: dict[str, str] | None = None,
    db_path: Path | None = None,
) -> Staged:
    """Read and check an upload; nothing is written. `kind` None = guess from the columns.

    The upload is checked against the database file `db_path` when it is the build of data/
    and the stored imports (else against them read afresh), so its cost does not grow with the
    imports before it.

    `given` holds what the user typed for a decision document whose heading does not print it
    (template column names: tinh, ten_chuong_trinh, nam_bat_dau, nam_ket_thuc, so_quyet_dinh).
    """
    imports_dir = Path(imports_dir or settings.IMPORTS_DIR)
    say = progress or (lambda _fraction, _step: None)
    checksum = hashlib.sha256(data).hexdigest()
    safe_name = safe_filename(filename)
    staged = Staged(kind=kind or "plan", filename=safe_name, checksum=checksum)
    say(0.1, "read")
    registry = _registry(imports_dir)
    for record in registry:
        if record["checksum"] == checksum:
            staged.problems.append(
                _problem(
                    "error",
                    None,
                    None,
                    "import.already_imported",
                    id=record["id"],
                    when=record["when"],
                )
            )
            return staged
    # Pages cite an import by its file name: a second file of the same name would make its
    # citations ambiguous (and its tables clash with the first one's at the trial build).
    earlier = next((r for r in registry if r["filename"] == safe_name), None)
    if earlier is not None:
        taken = {record["filename"] for record in registry}
        stem, suffix = Path(safe_name).stem, Path(safe_name).suffix
        free = next(
            f"{stem}_{n}{suffix}" for n in range(2, 10_000) if f"{stem}_{n}{suffix}" not in taken
        )
        staged.problems.append(
            _problem(
                "error",
                None,
                None,
                "import.same_name",
                name=safe_name,
                id=earlier["id"],
                when=earlier["when"],
                editor=earlier.get("editor", "?"),
                free=free,
            )
        )
        return staged
    if Path(filename).suffix.lower() in DOCUMENT_SUFFIXES:
        from plans.data import documents  # python-docx and pdfplumber load only for documents

        header, body = documents.read_document(filename, data, staged.problems, given or {})
    elif kind in (None, "support"):
        # A support file may be far larger than a plan (200.000 rows): its rows are read as
        # they come, under its own size limit, once the header says it is one.
        header, rows = iter_table(filename, data, sniffed := [], _largest_upload())
        # over even a support file's limit: refused as that, whatever the file is
        too_large = any(p.key == "import.too_large" for p in sniffed)
        if kind == "support" or too_large or (not sniffed and _is_support(header, mapping)):
            staged.problems += sniffed
            if staged.errors:
                return staged
            say(0.15, "validate")
            if Path(filename).suffix.lower() == ".csv":
                if _too_many_rows(data, staged.problems):
                    return staged
                # about one row a line (a line break inside a cell counts twice): the bar's scale
                rows = _Counted(rows, data.count(b"\n"))
            return _validate_support(
                staged, header, rows, mapping, data_dir, imports_dir, db_path, say
            )
        rows.close()  # the file is read again below, as a plan's always was
        header, body = read_table(filename, data, staged.problems)
    else:
        header, body = read_table(filename, data, staged.problems)
    if staged.errors:
        return staged
    _blank_repeated_headers(header, body, staged.problems)
    written, header = header, _apply_mapping(header, mapping)  # written: the user's own headers
    staging_from = len(staged.problems)
    if kind is None:
        staged.kind = "results" if "dat_duoc" in header or _reports_execution(header) else "plan"
    say(0.4, "validate")
    # what is built is the cache of everything validated before (closed after the trial)
    existing = current_tables(db_path, data_dir, imports_dir)
    # A source document of data/ (000_….txt sent back as a province's own copy) has the name the
    # pages cite it by: a second one would make its citations ambiguous, as for two imports.
    documents_held = {d["source_file"] for d in existing.get("documents", [])}
    if safe_name in documents_held:
        existing.close()
        stem, suffix = Path(safe_name).stem, Path(safe_name).suffix
        free = next(
            f"{stem}_{n}{suffix}"
            for n in range(2, 10_000)
            if f"{stem}_{n}{suffix}" not in documents_held
        )
        staged.problems.append(
            _problem("error", None, None, "import.same_name_as_document", name=safe_name, free=free)
        )
        return staged
    stage = stage_results if staged.kind == "results" else stage_plan
    staged.tables = stage(safe_name, header, body, staged.problems, existing)
    if staged.kind == "plan" and staged.tables:
        staged.programme_id = staged.tables["programmes"][0]["programme_id"]
    elif staged.tables:
        # a report of yearly execution alone has no results rows
        first = staged.tables["results"] or staged.tables["budget_execution"]
        staged.programme_id = first[0]["programme_id"]
    if staged.tables:
        # The stored rows must build together with everything else: try it now, not at commit.
        say(0.6, "trial")
        with tempfile.TemporaryDirectory(prefix="plans-trial-") as trial:
            folder = Path(trial) / "trial"
            _write_tables(folder, staged.tables)
            # the upload's rows alone, read back as commit will store them, against what is
            # built: a full build's checks without re-reading data/ and every earlier import
            rows, errors = read_import(folder)
            errors = errors or check_import(rows, existing, data_dir)
            for error in errors:
                staged.problems.append(_trial_problem(error, folder, staged.tables))
            if errors:
                staged.tables = {}
    existing.close()
    # every message of the staging names the column as the user's file wrote it
    staged.problems[staging_from:] = _in_users_words(
        staged.problems[staging_from:], written, header
    )
    say(0.7, "checked")
    return staged


class _Counted:
    """Rows read as they come, with about how many there are (stage_support's progress)."""

    def __init__(self, rows: Iterable[list[str]], about: int) -> None:
        self._rows, self._about = rows, about

    def __iter__(self) -> Iterator[list[str]]:
        return iter(self._rows)

    def __len__(self) -> int:
        return self._about


def _too_many_rows(data: bytes, problems: list[Problem]) -> bool:
    """Whether a support CSV has more rows than one file may (reported as stage_support does).

    Counted before any row is read as a record: refusing a 300.000-row file after reading
    250.000 of them would take a minute. A file with fewer lines than the limit cannot be over
    it (a record takes a line at least), so only a larger one is split into records here.
    """
    limit = support_io.MAX_SUPPORT_ROWS
    if data.count(b"\n") <= limit:
        return False
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    seen, row, header = 0, 1, False
    try:
        for cells in csv.reader(text, strict=True):
            blank = not any(c.strip() for c in cells)
            if not header:  # blank rows above the header are not rows: the header is row 1
                header = not blank
                continue
            row += 1
            if blank:
                continue
            seen += 1
            if seen > limit:
                problems.append(
                    _problem("error", row, None, "support_import.too_many_rows", limit=Count(limit))
                )
                return True
    except csv.Error:
        return False  # reported by the reading itself, on the row where it happens
    finally:
        text.close()
    return False


def _largest_upload() -> int:
    """The byte limit of any upload before its header is read: a support file's, when larger."""
    return max(settings.MAX_UPLOAD_BYTES, settings.MAX_SUPPORT_BYTES)


def support_columns(header: list[str], mapping: dict[str, str] | None = None) -> list[str]:
    """A support file's header as stage_support reads it: the file's own headers (its reader
    maps officials' words through support.ALIASES itself, and names the columns as the file
    writes them), except where the importer's mapping chose a support column."""
    known = {*support_io.SUPPORT_HEADER, *support_io.WIDE_AMOUNTS}
    chosen = mapping or {}
    return [
        chosen[column] if chosen.get(column, "").partition(" (")[0] in known else column
        for column in header
    ]


def _is_support(header: list[str], mapping: dict[str, str] | None) -> bool:
    return bool(header) and support_io.is_support_header(support_columns(header, mapping))


def upload_header(name: str, data: bytes) -> tuple[list[str], str | None]:
    """A CSV or XLSX upload's header row (as written), and 'support' when it is a support file
    (None: a plan or results table, or a file whose header cannot be read). Reads one row."""
    header, rows = iter_table(name, data, problems := [], _largest_upload())
    rows.close()
    if problems or not header:
        return [], None
    return header, ("support" if _is_support(header, None) else None)


@contextmanager
def _built_database(
    db_path: Path | None, data_dir: Path | None, imports_dir: Path, problems: list[Problem]
) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A read-only connection to the database of data/ and the stored imports as they are.

    The file itself when it is their build; else a build of them into a temporary file, so a
    check never writes the database file. None (with the problem reported) when they cannot
    be built at all: a support file is checked against the programmes, budgets and records
    stored, and cannot be checked without them.
    """
    data_dir = Path(data_dir or settings.DATA_DIR)
    con = _open_built(Path(db_path or settings.DB_PATH), data_checksum(data_dir, imports_dir))
    if con is not None:
        try:
            yield con
        finally:
            con.close()
        return
    with tempfile.TemporaryDirectory(prefix="plans-check-") as scratch:
        path = Path(scratch) / "plans.duckdb"
        try:
            build(path, data_dir, imports_dir)
        except BuildError as exc:
            problems.append(
                _problem(
                    "error",
                    None,
                    None,
                    "import.support_no_database",
                    error_vi=exc.report("vi"),
                    error_en=exc.report("en"),
                )
            )
            yield None
            return
        con = duckdb.connect(str(path), read_only=True)
        try:
            yield con
        finally:
            con.close()


def _validate_support(
    staged: Staged,
    written: list[str],
    rows: Iterable[list[str]],
    mapping: dict[str, str] | None,
    data_dir: Path | None,
    imports_dir: Path,
    db_path: Path | None,
    say: Callable[[float, str], None],
) -> Staged:
    """validate() for a file of support records: staged as the CSV commit will store."""
    staged.kind = "support"
    header = support_columns(written, mapping)
    staging_from = len(staged.problems)
    out_dir = Path(tempfile.mkdtemp(prefix="plans-support-"))
    try:
        staging = _stage_support(staged, header, rows, data_dir, imports_dir, db_path, say, out_dir)
    except BaseException:
        shutil.rmtree(out_dir, ignore_errors=True)
        raise
    if staging is None or staged.errors:
        shutil.rmtree(out_dir, ignore_errors=True)
    else:
        staged.support = staging
        staged.programme_id = ",".join(staging.programmes)
        # the staged file lives as long as the Staged that holds it (a page keeps it across
        # reruns until it is committed or another file is chosen)
        staged.discard = weakref.finalize(staged, shutil.rmtree, out_dir, True)
    staged.problems[staging_from:] = _in_users_words(
        staged.problems[staging_from:], written, header
    )
    say(1.0, "checked")
    return staged


def _stage_support(
    staged: Staged,
    header: list[str],
    rows: Iterable[list[str]],
    data_dir: Path | None,
    imports_dir: Path,
    db_path: Path | None,
    say: Callable[[float, str], None],
    out_dir: Path,
) -> SupportStaging | None:
    """The rows staged into `out_dir`, checked against what is built; None when refused."""
    staging = None
    with _built_database(db_path, data_dir, imports_dir, staged.problems) as con:
        if con is not None:
            documents_held = {
                r[0] for r in con.execute("select source_file from documents").fetchall()
            }
            if staged.filename in documents_held:
                stem, suffix = Path(staged.filename).stem, Path(staged.filename).suffix
                free = next(
                    f"{stem}_{n}{suffix}"
                    for n in range(2, 10_000)
                    if f"{stem}_{n}{suffix}" not in documents_held
                )
                staged.problems.append(
                    _problem(
                        "error",
                        None,
                        None,
                        "import.same_name_as_document",
                        name=staged.filename,
                        free=free,
                    )
                )
            else:
                staging = support_io.stage_support(
                    staged.filename,
                    header,
                    rows,
                    staged.problems,
                    con,
                    out_dir,
                    # the rows are most of the work: they fill the bar from 15 % to 95 %
                    progress=lambda fraction, step: say(0.15 + 0.8 * fraction, step),
                )
    # A fault of the file found after the staging read its last row (a broken quote at the
    # end) is in the problems too: any error refuses it, whatever stage_support returned.
    if staging is not None and not staged.errors:
        # No trial build as for plans: support records are not checked row by row by the
        # build (not in schema.SPECS), only loaded by DuckDB's CSV reader with the column types
        # and the table's checks. That load is tried here, on the staged file, into a table
        # in memory: what commit stores will load, and the database file is not opened to
        # write (the programmes and earlier records were read above, read-only).
        say(0.96, "trial")
        with duckdb.connect() as trial:
            trial.execute(SUPPORT_RECORDS_DDL)
            try:
                load_support_file(trial, staging.path, "", staged.filename)
            except BuildError as exc:
                staged.problems += [
                    _problem(
                        "error",
                        None,
                        None,
                        "import.build_failed",
                        error_vi=e.message("vi"),
                        error_en=e.message("en"),
                    )
                    for e in exc.errors
                ]
    return staging


def separate(staged: Staged, rows: Iterable[int]) -> None:
    """Undo the preview's identity decisions of these rows of a support file (each row's
    establishment then stands alone); RowsNotStagedError (a ValueError) for a row not in it."""
    if staged.support is None:
        raise ValueError(t("import.separate_not_support", "vi"))
    support_io.separate(staged.support, rows)


def choose_areas(staged: Staged, choices: dict[str, str]) -> None:
    """Apply the importer's content areas from the preview (task code -> area code, '' = none).

    Each chosen area is stored as the importer's choice (assigned_by 'importer'); a task chosen
    as '' keeps no area. Unknown tasks or codes raise ValueError before anything changes.
    """
    rows = staged.tables.get("content_area_map", [])
    tasks = {task["task_code"] for task in staged.tables.get("tasks", [])}
    known = suggest.area_names()
    for task, area in choices.items():
        if task not in tasks:
            raise ValueError(t("import.choice_unknown_task", "vi", task=task))
        if area and area not in known:
            raise ValueError(t("import.choice_unknown_area", "vi", task=task, value=area))
    programme = staged.programme_id
    by_task = {row["task_code"]: row for row in rows}
    for task, area in choices.items():
        current = by_task.get(task)
        if current is not None and current["content_area"] == area:
            continue  # unchanged: the suggestion (or the file's area) stays as it was stored
        by_task.pop(task, None)
        if area:
            by_task[task] = {
                "programme_id": programme,
                "task_code": task,
                "content_area": area,
                "reason": suggest.IMPORTER_REASON,
                "assigned_by": "importer",
            }
    order = [task["task_code"] for task in staged.tables.get("tasks", [])]
    staged.tables["content_area_map"] = [by_task[c] for c in order if c in by_task]
    # the warnings about a suggestion are answered for the tasks the importer chose
    answered = {t for t in choices if by_task.get(t, {}).get("assigned_by") == "importer"}
    staged.problems = [
        p
        for p in staged.problems
        if p.key not in ("import.area_suggested", "import.area_unassigned")
        or dict(p.fields).get("task") not in answered
    ]


def _write_tables(folder: Path, tables: dict[str, list[dict[str, Any]]]) -> None:
    by_table = {s.table: s for s in SPECS}
    for table, rows in tables.items():
        spec = by_table[table]
        path = folder / "tables" / spec.path
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, [c.name for c in spec.columns], lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {
                        c.name: ("" if row.get(c.name) is None else row.get(c.name))
                        for c in spec.columns
                    }
                )


def _next_number(imports_dir: Path, registry: list[dict[str, Any]]) -> int:
    """The next import's number: after every stored and every quarantined import (a restored
    one keeps its id, so no two may share one)."""
    numbers = [int(str(r["id"]).split("-")[0]) for r in registry if str(r["id"])[:4].isdigit()]
    numbers += [int(r["id"][:4]) for r in quarantined(imports_dir) if r["id"][:4].isdigit()]
    return 1 + max(numbers, default=0)


def commit(
    staged: Staged,
    data: bytes,
    editor: str,
    db_path: Path | None = None,
    data_dir: Path | None = None,
    imports_dir: Path | None = None,
    incremental: bool = True,
) -> str:
    """Store a validated upload and update the database; all or nothing. Returns the import id.

    The upload's rows go into a copy of the current database file, swapped in whole
    (build.add_import); `incremental` False, or a file that is not the build of the inputs
    as they were, rebuilds everything instead (build.build). The folder is written as
    '.incoming-<id>' and takes its name only once the database holds it: the history never
    lists an import the database lacks, and a process killed before that leaves no import
    (recover() finishes the rename when the swap was made, else drops the folder).
    """
    if not staged.storable:
        raise ValueError("cannot commit an upload with errors")
    imports_dir = Path(imports_dir or settings.IMPORTS_DIR)
    data_dir = Path(data_dir or settings.DATA_DIR)
    db_path = Path(db_path or settings.DB_PATH)
    with write_lock(imports_dir):
        _clean_leftovers(imports_dir, db_path, data_dir, RecoveryReport())
        # checked again under the lock: two uploads of one file at once store it once
        registry = _registry(imports_dir)
        for record in registry:
            if record["checksum"] == staged.checksum:
                raise AlreadyImportedError(record["id"], record["when"])
        import_id = f"{_next_number(imports_dir, registry):04d}-{staged.checksum[:8]}"
        folder = imports_dir / import_id
        before = data_checksum(data_dir, imports_dir)  # the inputs the current file was built from
        tmp = imports_dir / f".incoming-{import_id}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        try:
            _write_tables(tmp, staged.tables)
            extra: dict[str, Any] = {}
            if staged.support is not None:
                (tmp / "tables").mkdir(parents=True, exist_ok=True)
                # copied, not moved: a commit that fails leaves the staging to try again
                shutil.copyfile(staged.support.path, tmp / "tables" / SUPPORT_FILE)
                extra = {"records": staged.support.rows, "warnings_total": len(staged.warnings)}
            (tmp / f"original{Path(staged.filename).suffix.lower()}").write_bytes(data)
            meta = {
                "id": import_id,
                "kind": staged.kind,
                "filename": staged.filename,
                "checksum": staged.checksum,
                "editor": editor,
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "programme_id": staged.programme_id,
                # a support file may warn on every one of 200.000 rows: meta.json, read at
                # every listing, keeps the first ones (warnings_total counts them all)
                "warnings": [p.message("vi") for p in staged.warnings[:MAX_STORED_WARNINGS]],
                **extra,
                # the table files' sizes, times and digest: a later checksum need not read them
                **folder_record(tmp),
            }
            (tmp / "meta.json").write_text(
                json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8"
            )
            if not (incremental and add_import(tmp, before, db_path, data_dir, imports_dir)):
                build(db_path, data_dir, imports_dir, extra=(tmp,))
            os.replace(tmp, folder)  # the database holds it: now the import exists
        finally:
            shutil.rmtree(tmp, ignore_errors=True)  # a failure: the database was not swapped
    staged.discard()  # a support file's staged copy: stored now
    return import_id


def remove(
    import_id: str,
    db_path: Path | None = None,
    data_dir: Path | None = None,
    imports_dir: Path | None = None,
    incremental: bool = True,
) -> None:
    """Remove one import as a whole: its rows leave a copy of the database file, swapped in.

    `incremental` False, or a file that is not the build of the inputs, rebuilds instead.
    """
    imports_dir = Path(imports_dir or settings.IMPORTS_DIR)
    data_dir = Path(data_dir or settings.DATA_DIR)
    if not re.fullmatch(r"\d{4}-[0-9a-f]{8}", import_id):
        raise KeyError(import_id)
    with write_lock(imports_dir):
        _clean_leftovers(imports_dir, Path(db_path or settings.DB_PATH), data_dir, RecoveryReport())
        folder = imports_dir / import_id
        if folder not in import_dirs(imports_dir):
            raise KeyError(import_id)
        parked = imports_dir / f".removing-{import_id}"
        before = data_checksum(data_dir, imports_dir)
        os.replace(folder, parked)
        try:
            if not (incremental and remove_import(parked, before, db_path, data_dir, imports_dir)):
                build(db_path, data_dir, imports_dir)
        except Exception:
            os.replace(parked, folder)  # put it back: the database still holds it
            raise
        shutil.rmtree(parked, ignore_errors=True)


# --- damaged imports and recovery at start -----------------------------------------------------

logger = logging.getLogger(__name__)


@dataclass
class RecoveryReport:
    """What recover() found and did: temporary files removed, half-made imports finished or
    dropped, removals completed, imports set aside, and whether the database was rebuilt."""

    temporary: list[str] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    rebuilt: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.temporary
            or self.finished
            or self.dropped
            or self.removed
            or self.quarantined
            or self.rebuilt
        )

    def lines(self, lang: str | None = None, literal: Callable[[str], str] = str) -> list[str]:
        """One sentence per kind of thing found, in `lang` (empty when nothing was); each id
        passed through `literal` (a page shows folder names from the disk as text only)."""

        def ids(names: list[str]) -> str:
            return ", ".join(literal(name) for name in names)

        out: list[str] = []
        if self.temporary:
            count = format_number(len(self.temporary), 0, lang or "vi")
            out.append(t("recover.temporary", lang, count=count))
        if self.finished:
            out.append(t("recover.finished", lang, ids=ids(self.finished)))
        if self.dropped:
            out.append(t("recover.dropped", lang, ids=ids(self.dropped)))
        if self.removed:
            out.append(t("recover.removed", lang, ids=ids(self.removed)))
        if self.quarantined:
            out.append(t("recover.quarantined", lang, ids=ids(self.quarantined)))
        if self.rebuilt:
            out.append(t("recover.rebuilt", lang))
        return out


def _clean_leftovers(
    imports_dir: Path, db_path: Path, data_dir: Path, report: RecoveryReport
) -> None:
    """What a writer killed mid-way left (the caller holds the write lock, so none is at work)."""
    # temporary database files of a build or an import, and DuckDB's logs beside them
    parent = db_path.parent
    if parent.is_dir():
        for path in sorted(parent.glob(f".{db_path.name}.*.tmp*")):
            if path.is_file():
                path.unlink(missing_ok=True)
                report.temporary.append(path.name)
            elif path.is_dir():  # DuckDB's spill folder of a killed writer
                shutil.rmtree(path, ignore_errors=True)
                report.temporary.append(path.name)
        wal = Path(f"{db_path}.wal")
        if wal.is_file():
            # no writer of ours writes the file in place: a log beside it is a crashed
            # read-write session's. Without it the file is as last checkpointed (whole); with
            # it every import would rebuild in full, and a rebuilt file would meet a stale log.
            wal.unlink()
            report.temporary.append(wal.name)
    if not imports_dir.is_dir():
        return
    for path in sorted(imports_dir.iterdir()):
        name = path.name
        if name.startswith(".removing-"):
            # the editor asked for the removal: it is completed (the file is rebuilt if stale)
            shutil.rmtree(path, ignore_errors=True)
            report.removed.append(name.removeprefix(".removing-"))
        elif name.startswith(".incoming-"):
            import_id = name.removeprefix(".incoming-")
            target = imports_dir / import_id
            swapped = (
                re.fullmatch(r"\d{4}-[0-9a-f]{8}", import_id) is not None
                and not target.exists()
                and (path / "meta.json").is_file()
                and db_path.is_file()
                and built_from(db_path) == data_checksum(data_dir, imports_dir, (path,))
            )
            if swapped:  # killed between the swap and the rename: the database holds it
                os.replace(path, target)
                report.finished.append(import_id)
            else:  # killed before the swap: the import never was
                shutil.rmtree(path, ignore_errors=True)
                report.dropped.append(import_id)


def _file_version(path: Path) -> tuple[int, int] | None:
    # a build replaces the file (os.replace): another inode and time say it was rebuilt
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def recover(
    imports_dir: Path | None = None, db_path: Path | None = None, data_dir: Path | None = None
) -> RecoveryReport:
    """At start: clean what a killed writer left, set damaged imports aside, and build the
    database when it is missing or not the build of the imports as they now are. Logged."""
    imports_dir = Path(imports_dir or settings.IMPORTS_DIR)
    db_path = Path(db_path or settings.DB_PATH)
    data_dir = Path(data_dir or settings.DATA_DIR)
    report = RecoveryReport()
    with write_lock(imports_dir):
        _clean_leftovers(imports_dir, db_path, data_dir, report)
        aside = {r["id"] for r in quarantined(imports_dir)}
        report.quarantined += quarantine_bad_meta(imports_dir)
        before = _file_version(db_path)
        try:
            ensure_database(db_path, data_dir, imports_dir)
        finally:
            report.quarantined += sorted(
                r["id"]
                for r in quarantined(imports_dir)
                if r["id"] not in aside and r["id"] not in report.quarantined
            )
            after = _file_version(db_path)
            # a first start builds a file that was not there: normal, not a repair to report
            report.rebuilt = before is not None and after is not None and after != before
    for line in report.lines("en"):
        logger.warning("recovery: %s", line)
    return report


def restore(
    name: str,
    db_path: Path | None = None,
    data_dir: Path | None = None,
    imports_dir: Path | None = None,
) -> bool:
    """Put a quarantined import back and rebuild: True when it is built again, False when it
    is still damaged (back in quarantine, with the new reason). KeyError for no such import."""
    imports_dir = Path(imports_dir or settings.IMPORTS_DIR)
    with write_lock(imports_dir):
        folder = unquarantine(imports_dir, name)
        build(db_path, data_dir, imports_dir, set_aside=True)
        return folder.is_dir()


def remove_damaged(name: str, imports_dir: Path | None = None) -> None:
    """Delete a damaged import for good (the database never held it). KeyError if none."""
    imports_dir = Path(imports_dir or settings.IMPORTS_DIR)
    with write_lock(imports_dir):
        discard(imports_dir, name)
