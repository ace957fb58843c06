"""Importing a plan table or a results report: read, validate, preview, store, remove."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plans import settings
from plans.data.build import BuildError, build, load_tables
from plans.data.notation import NumberFormatError, parse_amount, parse_number
from plans.data.reading import Problem, _fold, _problem, read_table, row_texts
from plans.data.registry import _registry, list_imports, write_lock
from plans.data.schema import SPECS
from plans.messages import N_, t
from plans.numbers import format_number

# Re-exported: callers import the whole import flow from this module.
__all__ = [
    "Problem",
    "Staged",
    "commit",
    "list_imports",
    "read_table",
    "remove",
    "row_texts",
    "suggest_mapping",
    "validate",
    "write_lock",
]

COLUMN_MEANINGS: dict[str, tuple[str, str]] = {
    "tinh": ("Tỉnh, thành phố ban hành", "Province"),
    "ten_chuong_trinh": ("Tên chương trình / kế hoạch", "Programme title"),
    "nam_bat_dau": ("Năm bắt đầu (hoặc năm của kế hoạch năm)", "First year (or the plan's year)"),
    "nam_ket_thuc": ("Năm kết thúc (để trống nếu kế hoạch một năm)", "Last year (blank: one year)"),
    "so_quyet_dinh": ("Số quyết định", "Decision number"),
    "ngay_quyet_dinh": ("Ngày quyết định", "Decision date"),
    "muc": ("Mã mục (I, II, …); dòng 'TỔNG' cho tổng cộng", "Section code (I, II, …); 'TỔNG'"),
    "ten_muc": ("Tên mục (trên dòng của mục)", "Section name (on the section's row)"),
    "ma_nhiem_vu": ("Mã nhiệm vụ (1, 2, … hoặc I.1)", "Task number (1, 2, … or I.1)"),
    "nhiem_vu": ("Tên nhiệm vụ", "Task name"),
    "ket_qua": ("Kết quả dự kiến (chữ, ví dụ '300 lớp cho 10.500 lao động')", "Expected result"),
    "dvt": ("Đơn vị tính của số lượng", "Unit of the quantity"),
    "linh_vuc": ("Lĩnh vực chung KC1-KC9 (không bắt buộc)", "Common content area KC1-KC9"),
    "chu_tri": ("Đơn vị chủ trì", "Lead unit"),
    "phoi_hop": ("Đơn vị phối hợp", "Coordinating units"),
    "so_luong_NNNN": ("Số lượng năm NNNN", "Quantity in year NNNN"),
    "kinh_phi_NNNN": (
        "Kinh phí năm NNNN (triệu đồng; có thể ghi '2,52 tỷ đồng')",
        "Budget in year NNNN (million VND; '2,52 tỷ đồng' accepted)",
    ),
    "so_luong_tong": ("Tổng số lượng (như văn bản ghi)", "Total quantity (as printed)"),
    "tong_kinh_phi": ("Tổng kinh phí của dòng (như văn bản ghi)", "Row total (as printed)"),
    "ma_chuong_trinh": ("Mã chương trình đã có (ví dụ HN-2011-2015)", "Existing programme id"),
    "chi_tieu": ("Chỉ tiêu / kết quả", "Indicator"),
    "dat_duoc": ("Kết quả đạt được (ví dụ '17.800', 'gần 700')", "Achieved ('gần 700' accepted)"),
    "ty_le_ghi": ("Tỷ lệ văn bản ghi, ví dụ '71,2%'", "Stated percentage, e.g. '71,2%'"),
    "muc_tieu": ("Mục tiêu (nếu văn bản ghi)", "Target (if printed)"),
}

PLAN_REQUIRED = ("tinh", "ten_chuong_trinh", "nam_bat_dau", "muc", "nhiem_vu")
RESULTS_REQUIRED = ("ma_chuong_trinh", "chi_tieu", "dvt", "dat_duoc")
META = (
    "tinh",
    "ten_chuong_trinh",
    "nam_bat_dau",
    "nam_ket_thuc",
    "so_quyet_dinh",
    "ngay_quyet_dinh",
)
TOTAL_WORDS = {"tong", "tong cong", "cong"}
ABSURD_MVND = 10_000_000  # 10 nghìn tỷ đồng for one cell: surely a unit mistake
_YEAR_COL = re.compile(r"^(kinh_phi|so_luong)_(\d{4})(?:\s*\((.*)\))?$")


@dataclass
class Staged:
    """An upload read and validated, with exactly the rows that would be stored."""

    kind: str  # "plan" | "results"
    filename: str
    checksum: str
    problems: list[Problem] = field(default_factory=list)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    programme_id: str = ""

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
    "tong cong": "tong_kinh_phi", "tong kinh phi": "tong_kinh_phi",
    "ma chuong trinh": "ma_chuong_trinh", "chi tieu": "chi_tieu", "dat duoc": "dat_duoc",
    "ket qua": "dat_duoc", "ty le": "ty_le_ghi", "ty le dat": "ty_le_ghi",
    "muc tieu": "muc_tieu", "ke hoach": "muc_tieu",
}  # fmt: skip
_YEAR_WORDS = re.compile(r"^(?:(kinh phi|so luong)\s*)?(?:nam\s*)?(\d{4})$")


def suggest_mapping(header: list[str], kind: str) -> dict[str, str]:
    """For each column of the upload, the template column it most likely is ('' = ignore).

    Template names map to themselves; headers as documents print them ("Tên nhiệm vụ, đề án",
    "ĐVT", "Năm 2021") map through ALIASES; a bare year is a budget column ("kinh_phi_2021").
    """
    known = set(COLUMN_MEANINGS)
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


def _amount(cell: str, unit: str | None) -> float:
    """Million VND from a cell as officials write it; a unit in the column header applies."""
    text = cell.strip()
    if re.search(r"[a-zA-ZÀ-ỹ]", text):
        return parse_amount(text)
    value = float(parse_number(text))
    if unit and _fold(unit).startswith(("ty", "ti")):
        return value * 1000
    return value


def _province_code(province: str) -> str:
    words = [
        w for w in re.split(r"[\s\-]+", _fold(province)) if w and w not in {"tinh", "thanh", "pho"}
    ]
    return "".join(w[0] for w in words).upper() or "XX"


def _has_columns(header: list[str], required: tuple[str, ...], problems: list[Problem]) -> bool:
    """Every required template column is there; each missing one is reported on row 1."""
    for column in required:
        if column not in header:
            meaning = COLUMN_MEANINGS[column][0]
            problems.append(
                _problem(
                    "error", 1, column, "import.missing_column", column=column, meaning=meaning
                )
            )
    return not any(p.severity == "error" for p in problems)


def stage_plan(
    filename: str,
    header: list[str],
    body: list[list[str]],
    problems: list[Problem],
    existing: dict[str, list[dict[str, Any]]],
) -> dict[str, list[dict[str, Any]]]:
    """The rows a plan table becomes, in the shape of data/ (documents … stated_totals)."""
    if not _has_columns(header, PLAN_REQUIRED, problems):
        return {}
    index = {h: i for i, h in enumerate(header) if h}
    year_cols: dict[int, dict[str, tuple[int, str | None]]] = {}
    for i, h in enumerate(header):
        match = _YEAR_COL.match(h)
        if match:
            year_cols.setdefault(int(match.group(2)), {})[match.group(1)] = (i, match.group(3))

    def cell(cells: list[str], column: str) -> str:
        i = index.get(column)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    meta: dict[str, tuple[str, int]] = {}
    for n, cells in enumerate(body, start=2):
        for column in META:
            value = cell(cells, column)
            if not value or _fold(value).replace(" ", "_") == column:
                continue
            if column in meta and meta[column][0] != value:
                problems.append(
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
            problems.append(
                _problem(
                    "error",
                    None,
                    column,
                    "import.missing_meta",
                    column=column,
                    meaning=COLUMN_MEANINGS[column][0],
                )
            )
    if any(p.severity == "error" for p in problems):
        return {}
    start_text = meta["nam_bat_dau"][0]
    end_text = meta.get("nam_ket_thuc", (start_text, 0))[0]
    try:
        start, end = int(start_text), int(end_text)
        if not (1990 <= start <= end <= 2100):
            raise ValueError
    except ValueError:
        problems.append(
            _problem(
                "error",
                meta["nam_bat_dau"][1],
                "nam_bat_dau",
                "import.bad_year",
                value=f"{start_text}-{end_text}",
            )
        )
        return {}
    for year, cols in year_cols.items():
        if not start <= year <= end:
            for _kind, (i, _) in cols.items():
                problems.append(
                    _problem(
                        "error",
                        1,
                        header[i],
                        "import.year_outside",
                        year=year,
                        start=start,
                        end=end,
                    )
                )
    if any(p.severity == "error" for p in problems):
        return {}

    province = meta["tinh"][0]
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
    source = filename
    header_folded = {_fold(h) for h in header if h}
    sections: dict[str, dict[str, Any]] = {}
    tasks: list[dict[str, Any]] = []
    amounts: list[dict[str, Any]] = []
    totals: list[dict[str, Any]] = []
    areas: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    current_section = ""
    valid_areas = {a["code"] for a in existing.get("content_areas", [])}

    def number(cells: list[str], n: int, column_index: int, unit: str | None) -> float | None:
        text = cells[column_index].strip() if column_index < len(cells) else ""
        if not text:
            return None
        try:
            value = _amount(text, unit)
        except (NumberFormatError, ValueError):
            problems.append(
                _problem("error", n, header[column_index], "import.not_number", value=text)
            )
            return None
        if value < 0:
            problems.append(
                _problem("error", n, header[column_index], "import.negative", value=text)
            )
            return None
        if value > ABSURD_MVND:
            problems.append(
                _problem(
                    "error", n, header[column_index], "import.absurd", value=text, limit=ABSURD_MVND
                )
            )
            return None
        return value

    for n, cells in enumerate(body, start=2):
        if not any(c.strip() for c in cells):
            continue
        folded = {_fold(c) for c in cells if c.strip()}
        if folded and folded <= header_folded | {_fold(c).replace("_", " ") for c in header}:
            problems.append(_problem("warning", n, None, "import.header_repeated"))
            continue
        section = cell(cells, "muc")
        task_code = cell(cells, "ma_nhiem_vu")
        has_figures = any(
            (i < len(cells) and cells[i].strip())
            for cols in year_cols.values()
            for i, _ in cols.values()
        ) or bool(cell(cells, "tong_kinh_phi"))
        if _fold(section) in TOTAL_WORDS:
            for year, cols in sorted(year_cols.items()):
                if "kinh_phi" in cols:
                    i, unit = cols["kinh_phi"]
                    value = number(cells, n, i, unit)
                    if value is not None:
                        totals.append(
                            _total(programme_id, "grand", "", "", year, cells[i], value, source, n)
                        )
            if "tong_kinh_phi" in index:
                value = number(cells, n, index["tong_kinh_phi"], None)
                if value is not None:
                    text = cell(cells, "tong_kinh_phi")
                    totals.append(_total(programme_id, "grand", "", "", "", text, value, source, n))
            continue
        if section and not task_code:
            current_section = section
            name = cell(cells, "ten_muc") or cell(cells, "nhiem_vu") or section
            sections.setdefault(
                section,
                {
                    "programme_id": programme_id,
                    "section_code": section,
                    "section_name": name,
                    "source_file": source,
                    "source_line": str(n),
                },
            )
            for year, cols in sorted(year_cols.items()):
                if "kinh_phi" in cols:
                    i, unit = cols["kinh_phi"]
                    value = number(cells, n, i, unit)
                    if value is not None:
                        totals.append(
                            _total(
                                programme_id,
                                "section",
                                section,
                                "",
                                year,
                                cells[i],
                                value,
                                source,
                                n,
                            )
                        )
            if "tong_kinh_phi" in index:
                value = number(cells, n, index["tong_kinh_phi"], None)
                if value is not None:
                    text = cell(cells, "tong_kinh_phi")
                    totals.append(
                        _total(programme_id, "section", section, "", "", text, value, source, n)
                    )
            continue
        if not task_code and not has_figures and tasks:
            # a task's text split over two rows by a page break: join it to the task above
            last = tasks[-1]
            for column, target in (
                ("nhiem_vu", "task_name"),
                ("ket_qua", "expected_result"),
                ("chu_tri", "lead_unit"),
                ("phoi_hop", "coordinating_units"),
            ):
                extra = cell(cells, column)
                if extra:
                    last[target] = f"{last[target]} {extra}".strip()
            last["source_lines"] = f"{last['source_lines']};{n}"
            problems.append(
                _problem("warning", n, None, "import.continuation", task=last["task_code"])
            )
            continue
        section = section or current_section
        if not section:
            problems.append(_problem("error", n, "muc", "import.task_without_section"))
            continue
        if section not in sections:
            sections[section] = {
                "programme_id": programme_id,
                "section_code": section,
                "section_name": section,
                "source_file": source,
                "source_line": str(n),
            }
        current_section = section
        number_printed = task_code or str(
            len([t for t in tasks if t["section_code"] == section]) + 1
        )
        code_text = (
            number_printed
            if number_printed.startswith(f"{section}.")
            else f"{section}.{number_printed}"
        )
        if code_text in seen:
            problems.append(
                _problem(
                    "error",
                    n,
                    "ma_nhiem_vu",
                    "import.duplicate_task",
                    task=code_text,
                    first=seen[code_text],
                )
            )
            continue
        seen[code_text] = n
        tasks.append(
            {
                "programme_id": programme_id,
                "section_code": section,
                "task_code": code_text,
                "task_no_printed": task_code,
                "task_name": cell(cells, "nhiem_vu") or code_text,
                "expected_result": cell(cells, "ket_qua"),
                "unit": cell(cells, "dvt"),
                "lead_unit": cell(cells, "chu_tri"),
                "coordinating_units": cell(cells, "phoi_hop"),
                "month_start": "",
                "month_end": "",
                "timing_text": "",
                "source_file": source,
                "source_lines": str(n),
            }
        )
        area = cell(cells, "linh_vuc").upper()
        if area:
            if area in valid_areas:
                areas.append(
                    {
                        "programme_id": programme_id,
                        "task_code": code_text,
                        "content_area": area,
                        "reason": "Người nhập chọn / chosen by the importer",
                    }
                )
            else:
                problems.append(_problem("error", n, "linh_vuc", "import.unknown_area", value=area))
        for year in range(start, end + 1):
            cols = year_cols.get(year, {})
            amount = quantity = None
            printed_amount = printed_quantity = ""
            if "kinh_phi" in cols:
                i, unit = cols["kinh_phi"]
                printed_amount = cells[i].strip() if i < len(cells) else ""
                amount = number(cells, n, i, unit)
                if printed_amount and unit and not re.search(r"[^\W\d_]", printed_amount):
                    printed_amount = f"{printed_amount} {unit}"  # the column's unit, kept with it
            if "so_luong" in cols:
                i, _ = cols["so_luong"]
                printed_quantity = cells[i].strip() if i < len(cells) else ""
                quantity = number(cells, n, i, None)
            if "kinh_phi" in cols and not printed_amount:
                problems.append(
                    _problem(
                        "warning", n, header[cols["kinh_phi"][0]], "import.blank_amount", year=year
                    )
                )
            if year_cols:
                amounts.append(
                    {
                        "programme_id": programme_id,
                        "task_code": code_text,
                        "year": year,
                        "amount_printed": printed_amount,
                        "amount_mvnd": amount or 0,
                        "quantity_printed": printed_quantity,
                        "quantity": quantity,
                        "basis": "printed" if printed_amount else "blank",
                        "note": "" if printed_amount else "Ô để trống, đọc là 0.",
                        "source_file": source,
                        "source_line": str(n),
                    }
                )
        if "tong_kinh_phi" in index and cell(cells, "tong_kinh_phi"):
            value = number(cells, n, index["tong_kinh_phi"], None)
            if value is not None:
                totals.append(
                    _total(
                        programme_id,
                        "task",
                        section,
                        code_text,
                        "",
                        cell(cells, "tong_kinh_phi"),
                        value,
                        source,
                        n,
                    )
                )
        if "so_luong_tong" in index and cell(cells, "so_luong_tong"):
            value = number(cells, n, index["so_luong_tong"], None)
            if value is not None:
                row = _total(
                    programme_id,
                    "task",
                    section,
                    code_text,
                    "",
                    cell(cells, "so_luong_tong"),
                    value,
                    source,
                    n,
                )
                row["measure"] = "quantity"
                totals.append(row)
    if not tasks:
        problems.append(_problem("error", None, None, "import.no_tasks"))
    if any(p.severity == "error" for p in problems):
        return {}
    _warn_totals(amounts, tasks, totals, problems)
    title = meta["ten_chuong_trinh"][0]
    return {
        "documents": [
            {
                "source_file": source,
                "doc_type": "Tệp nhập",
                "title": title,
                "title_en": title,
                "issuer": province,
                "ref_printed": meta.get("so_quyet_dinh", ("", 0))[0],
                "date_printed": meta.get("ngay_quyet_dinh", ("", 0))[0],
                "number_style": "vi",
                "source_line": meta["ten_chuong_trinh"][1],
            }
        ],
        "programmes": [
            {
                "programme_id": programme_id,
                "province": province,
                "kind": "khuyen_cong",
                "title": title,
                "title_en": title,
                "period_start": start,
                "period_end": end,
                "decision_ref": meta.get("so_quyet_dinh", ("", 0))[0],
                "decision_date": meta.get("ngay_quyet_dinh", ("", 0))[0],
                "stated_total_printed": "",
                "stated_total_mvnd": "",
                "source_file": source,
                "source_line": str(meta["ten_chuong_trinh"][1]),
                "note": "Nhập từ tệp.",
            }
        ],
        "sections": list(sections.values()),
        "tasks": tasks,
        "budget_amounts": amounts,
        "stated_totals": totals,
        "content_area_map": areas,
    }


def _total(
    programme: str,
    scope: str,
    section: str,
    task: str,
    year: Any,
    printed: str,
    value: float,
    source: str,
    line: int,
) -> dict[str, Any]:
    return {
        "programme_id": programme,
        "scope": scope,
        "section_code": section,
        "task_code": task,
        "year": year,
        "measure": "amount_mvnd",
        "printed_text": printed.strip(),
        "stated_value": value,
        "precision": 1,
        "note": "",
        "source_file": source,
        "source_line": str(line),
    }


def _warn_totals(
    amounts: list[dict[str, Any]],
    tasks: list[dict[str, Any]],
    totals: list[dict[str, Any]],
    problems: list[Problem],
) -> None:
    """Stated totals that do not add up: warnings now, reconciliation findings once stored."""
    section_of = {t["task_code"]: t["section_code"] for t in tasks}
    for total in totals:
        if total["measure"] != "amount_mvnd":
            continue
        parts = [
            a["amount_mvnd"]
            for a in amounts
            if (total["scope"] != "task" or a["task_code"] == total["task_code"])
            and (total["scope"] != "section" or section_of[a["task_code"]] == total["section_code"])
            and (total["year"] == "" or a["year"] == total["year"])
        ]
        if parts and abs(sum(parts) - total["stated_value"]) > 0.5:
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
                    computed=format_number(sum(parts), 0 if float(sum(parts)).is_integer() else 1),
                )
            )


# ---------------------------------------------------------------------------------------------
# Results reports.

_QUALIFIERS = {"gan": "nearly", "tren": "at_least", "hon": "at_least", "khoang": "about"}


def stage_results(
    filename: str,
    header: list[str],
    body: list[list[str]],
    problems: list[Problem],
    existing: dict[str, list[dict[str, Any]]],
) -> dict[str, list[dict[str, Any]]]:
    """The rows a results report becomes: one results row per indicator."""
    if not _has_columns(header, RESULTS_REQUIRED, problems):
        return {}
    index = {h: i for i, h in enumerate(header) if h}
    known = {p["programme_id"] for p in existing.get("programmes", [])}
    taken = {(r["programme_id"], r["result_code"]) for r in existing.get("results", [])}
    rows: list[dict[str, Any]] = []
    programme = ""
    for n, cells in enumerate(body, start=2):

        def cell(column: str, cells: list[str] = cells) -> str:
            i = index.get(column)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        if not any(c.strip() for c in cells):
            continue
        if {_fold(c) for c in cells if c.strip()} <= {_fold(h) for h in header}:
            problems.append(_problem("warning", n, None, "import.header_repeated"))
            continue
        programme = cell("ma_chuong_trinh")
        if programme not in known:
            problems.append(
                _problem(
                    "error",
                    n,
                    "ma_chuong_trinh",
                    "import.unknown_programme",
                    value=programme,
                    known=", ".join(sorted(known)),
                )
            )
            continue
        achieved_text = cell("dat_duoc")
        match = re.match(r"^\s*(gần|trên|hơn|khoảng)?\s*(.+)$", achieved_text, re.IGNORECASE)
        qualifier = _QUALIFIERS.get(_fold(match.group(1) or ""), "exact") if match else "exact"
        rest = match.group(2) if match else ""
        figure = re.search(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?", rest)
        try:
            if figure is None or rest.lstrip().startswith("-"):
                raise NumberFormatError(achieved_text, "not_a_number")
            achieved = float(parse_number(figure.group(0)))
        except NumberFormatError:
            problems.append(
                _problem("error", n, "dat_duoc", "import.not_number", value=achieved_text)
            )
            continue
        pct_text = cell("ty_le_ghi")
        if pct_text and not re.fullmatch(r"\d+(?:,\d+)?\s*%", pct_text):
            problems.append(_problem("error", n, "ty_le_ghi", "import.bad_pct", value=pct_text))
            continue
        target_text = cell("muc_tieu")
        target = ""
        if target_text:
            try:
                target = float(parse_number(target_text))
            except NumberFormatError:
                problems.append(
                    _problem("error", n, "muc_tieu", "import.not_number", value=target_text)
                )
                continue
        code = f"N{n}"
        while (programme, code) in taken:
            code += "'"
        rows.append(
            {
                "programme_id": programme,
                "result_code": code,
                "content_area": cell("linh_vuc").upper(),
                "indicator": cell("chi_tieu"),
                "indicator_en": cell("chi_tieu"),
                "unit": cell("dvt"),
                "achieved_text": achieved_text,
                "achieved": achieved,
                "achieved_qualifier": qualifier,
                "stated_pct_text": pct_text,
                "target_text": target_text,
                "target_printed": target,
                "comparable_indicator": "",
                "note": "Nhập từ báo cáo kết quả.",
                "source_file": filename,
                "source_line": str(n),
            }
        )
    if not rows and not any(p.severity == "error" for p in problems):
        problems.append(_problem("error", None, None, "import.no_results"))
    if any(p.severity == "error" for p in problems):
        return {}
    return {
        "documents": [
            {
                "source_file": filename,
                "doc_type": "Báo cáo kết quả (tệp nhập)",
                "title": filename,
                "title_en": filename,
                "issuer": "Tệp nhập / imported file",
                "ref_printed": "",
                "date_printed": "",
                "number_style": "vi",
                "source_line": 1,
            }
        ],
        "results": rows,
    }


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
) -> Staged:
    """Read and check an upload; nothing is written. `kind` None = guess from the columns."""
    imports_dir = Path(imports_dir or settings.IMPORTS_DIR)
    say = progress or (lambda _fraction, _step: None)
    checksum = hashlib.sha256(data).hexdigest()
    safe_name = re.sub(r"[^\w.\-]+", "_", Path(filename).name)[:80] or "upload"
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
    header, body = read_table(filename, data, staged.problems)
    if staged.errors:
        return staged
    _blank_repeated_headers(header, body, staged.problems)
    header = _apply_mapping(header, mapping)
    if kind is None:
        staged.kind = "results" if "dat_duoc" in header else "plan"
    say(0.4, "validate")
    try:
        existing = load_tables(data_dir, imports_dir)
    except BuildError:
        existing = {}
    stage = stage_results if staged.kind == "results" else stage_plan
    staged.tables = stage(safe_name, header, body, staged.problems, existing)
    if staged.kind == "plan" and staged.tables:
        staged.programme_id = staged.tables["programmes"][0]["programme_id"]
    elif staged.tables:
        staged.programme_id = staged.tables["results"][0]["programme_id"]
    if staged.tables:
        # The stored rows must build together with everything else: try it now, not at commit.
        say(0.6, "trial")
        with tempfile.TemporaryDirectory(prefix="plans-trial-") as trial:
            folder = Path(trial) / "trial"
            _write_tables(folder, staged.tables)
            try:
                load_tables(data_dir, imports_dir, extra_imports=(folder,))
            except BuildError as exc:
                for error in exc.errors:
                    staged.problems.append(
                        _problem(
                            "error",
                            None,
                            None,
                            "import.build_failed",
                            error_vi=error.message("vi"),
                            error_en=error.message("en"),
                        )
                    )
                staged.tables = {}
    say(0.7, "checked")
    return staged


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


def commit(
    staged: Staged,
    data: bytes,
    editor: str,
    db_path: Path | None = None,
    data_dir: Path | None = None,
    imports_dir: Path | None = None,
) -> str:
    """Store a validated upload and rebuild the database; all or nothing. Returns the import id."""
    if staged.errors or not staged.tables:
        raise ValueError("cannot commit an upload with errors")
    imports_dir = Path(imports_dir or settings.IMPORTS_DIR)
    with write_lock(imports_dir):
        # checked again under the lock: two uploads of one file at once store it once
        for record in _registry(imports_dir):
            if record["checksum"] == staged.checksum:
                raise ValueError(f"already imported as {record['id']}")
        number = 1 + max((int(r["id"].split("-")[0]) for r in _registry(imports_dir)), default=0)
        import_id = f"{number:04d}-{staged.checksum[:8]}"
        folder = imports_dir / import_id
        tmp = Path(tempfile.mkdtemp(prefix=".incoming-", dir=imports_dir))
        try:
            _write_tables(tmp, staged.tables)
            (tmp / f"original{Path(staged.filename).suffix.lower()}").write_bytes(data)
            meta = {
                "id": import_id,
                "kind": staged.kind,
                "filename": staged.filename,
                "checksum": staged.checksum,
                "editor": editor,
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "programme_id": staged.programme_id,
                "warnings": [p.message("vi") for p in staged.warnings],
            }
            (tmp / "meta.json").write_text(
                json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8"
            )
            os.replace(tmp, folder)  # the import exists whole or not at all
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        try:
            build(db_path, data_dir, imports_dir)
        except Exception:
            shutil.rmtree(folder, ignore_errors=True)  # the database was not swapped: undo
            raise
    return import_id


def remove(
    import_id: str,
    db_path: Path | None = None,
    data_dir: Path | None = None,
    imports_dir: Path | None = None,
) -> None:
    """Remove one import as a whole and rebuild the database without it."""
    imports_dir = Path(imports_dir or settings.IMPORTS_DIR)
    if not re.fullmatch(r"\d{4}-[0-9a-f]{8}", import_id):
        raise KeyError(import_id)
    with write_lock(imports_dir):
        folder = imports_dir / import_id
        if not (folder / "meta.json").is_file():
            raise KeyError(import_id)
        parked = imports_dir / f".removing-{import_id}"
        os.replace(folder, parked)
        try:
            build(db_path, data_dir, imports_dir)
        except Exception:
            os.replace(parked, folder)  # put it back: the database still holds it
            raise
        shutil.rmtree(parked, ignore_errors=True)
