"""What an upload would store, as tables for the import page: column choices, preview, shares."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from plans.data.imports import COLUMNS, EXECUTION_MONEY, Problem, suggest_mapping
from plans.data.imports import column_meaning as column_meaning  # re-exported for the import page
from plans.messages import LANGS, N_, t
from plans.numbers import format_when

# The template columns a user column can be mapped to (the year columns depend on the file).
TEMPLATE_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if not c.endswith("NNNN"))
IGNORE = ""  # mapping value meaning "do not read this column"

# "Kinh phí 2021", "kinh_phi_2021", "Kinh phí năm 2021 (tỷ đồng)", "Số lượng 2022" …
_YEAR_HEADER = re.compile(r"^(kinh[ _]?phi|so[ _]?luong)[ _]*(?:nam[ _]*)?(\d{4})\s*(\(.*\))?$")


def _fold(text: str) -> str:
    """Lower-case ASCII form of a header ('Kinh phí 2021' -> 'kinh phi 2021')."""
    text = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", text).strip().lower()


def year_column(header: str) -> str:
    """The template year column a user header names ('' if none), keeping a unit in brackets.

    'Kinh phí 2021 (tỷ đồng)' -> 'kinh_phi_2021 (tỷ đồng)': plans.data.imports reads the unit from
    the brackets, so a column in billions is converted to million VND.
    """
    match = _YEAR_HEADER.match(_fold(header))
    if not match:
        return ""
    base = "kinh_phi" if match.group(1).startswith("kinh") else "so_luong"
    _, bracket, unit = str(header).partition("(")
    unit = f" ({unit.rstrip(')').strip()})" if bracket else ""
    return f"{base}_{match.group(2)}{unit}"


# Template columns only a results report has: one of them makes an upload a results report.
RESULTS_ONLY = frozenset({"dat_duoc", *EXECUTION_MONEY, "ty_le_giai_ngan_ghi"})


def default_mapping(header: list[str]) -> tuple[str, dict[str, str]]:
    """The likely kind ('plan' | 'results') and, per user column, the template column it is.

    plans.data.imports.suggest_mapping first; year columns it does not recognise (spaces, a unit in
    brackets) are then recognised here.
    """
    mapping = suggest_mapping(header, "plan")
    # a report of the year's execution alone (allocated, disbursed) has no achieved column but
    # is a results report all the same; a money column keeps its unit: "giai_ngan (tỷ đồng)"
    named = {value.split(" (")[0] for value in mapping.values() if value}
    kind = "results" if named & RESULTS_ONLY else "plan"
    if kind == "results":
        mapping = suggest_mapping(header, kind)
    return kind, {h: mapping.get(h) or year_column(h) for h in header}


def column_options(header: list[str], mapping: dict[str, str]) -> list[str]:
    """Choices for each user column: template columns, the year columns present, then ignore."""
    years = [year_column(h) for h in header] + [v for v in mapping.values() if v]
    extra = [y for y in dict.fromkeys(years) if y and y not in TEMPLATE_COLUMNS]
    return [*TEMPLATE_COLUMNS, *sorted(extra), IGNORE]


def duplicate_targets(mapping: dict[str, str]) -> list[str]:
    """Template columns chosen for more than one user column (only one of them would be read)."""
    chosen = [v for v in mapping.values() if v]
    return sorted({v for v in chosen if chosen.count(v) > 1})


def problem_frame(problems: Iterable[Problem], lang: str) -> pd.DataFrame:
    """One row per problem: row and column of the uploaded sheet, what is wrong in `lang`."""
    rows = [
        {
            "row": "" if p.row is None else str(p.row),
            "column": p.column or "",
            "message": p.text(lang),
        }
        for p in problems
    ]
    return pd.DataFrame(rows, columns=["row", "column", "message"])


def programme_frame(tables: dict[str, list[dict[str, Any]]]) -> pd.DataFrame:
    """The programme row that would be stored, as field/value pairs (text)."""
    fields = [
        "programme_id", "province", "province_printed", "title", "period_start", "period_end",
        "decision_ref", "decision_date", "source_file", "note",
    ]  # fmt: skip
    rows = tables.get("programmes", [])
    if not rows:
        return pd.DataFrame(columns=["field", "value"])
    row = rows[0]
    return pd.DataFrame(
        [{"field": f, "value": "" if row.get(f) is None else str(row.get(f))} for f in fields]
    )


# The programme row's fields in the reader's words (programme_frame's `field`).
_PROGRAMME_FIELD_MESSAGES: dict[str, str] = {
    "programme_id": N_("import_preview.field_programme_id"),
    "province": N_("import_preview.field_province"),
    "province_printed": N_("import_preview.field_province_printed"),
    "title": N_("import_preview.field_title"),
    "period_start": N_("import_preview.field_period_start"),
    "period_end": N_("import_preview.field_period_end"),
    "decision_ref": N_("import_preview.field_decision_ref"),
    "decision_date": N_("import_preview.field_decision_date"),
    "source_file": N_("import_preview.field_source_file"),
    "note": N_("import_preview.field_note"),
}


def programme_fields(lang: str) -> dict[str, str]:
    """programme_frame's field names -> the reader's words in `lang`."""
    return {name: t(key, lang) for name, key in _PROGRAMME_FIELD_MESSAGES.items()}


class _ProgrammeFields(Mapping[str, dict[str, str]]):
    """`PROGRAMME_FIELDS[lang]` = `programme_fields(lang)`, read from the catalogues when asked."""

    def __getitem__(self, lang: str) -> dict[str, str]:
        if lang not in LANGS:
            raise KeyError(lang)
        return programme_fields(lang)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)


# Kept for the import page, which maps the field column with `PROGRAMME_FIELDS[lang]`.
PROGRAMME_FIELDS: Mapping[str, dict[str, str]] = _ProgrammeFields()


def tasks_frame(tables: dict[str, list[dict[str, Any]]]) -> pd.DataFrame:
    """The task rows that would be stored, with their content area and budget over the period."""
    areas = {m["task_code"]: m["content_area"] for m in tables.get("content_area_map", [])}
    budget: dict[str, float] = {}
    for a in tables.get("budget_amounts", []):
        budget[a["task_code"]] = budget.get(a["task_code"], 0.0) + float(a["amount_mvnd"] or 0)
    rows = [
        {
            "section_code": t["section_code"],
            "task_code": t["task_code"],
            "task_name": t["task_name"],
            "expected_result": t["expected_result"],
            "unit": t["unit"],
            "content_area": areas.get(t["task_code"], ""),
            "amount_mvnd": budget.get(t["task_code"]),
            "lead_unit": t["lead_unit"],
            "coordinating_units": t["coordinating_units"],
            "source_lines": t["source_lines"],
        }
        for t in tables.get("tasks", [])
    ]
    columns = [
        "section_code", "task_code", "task_name", "expected_result", "unit", "content_area",
        "amount_mvnd", "lead_unit", "coordinating_units", "source_lines",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    frame["amount_mvnd"] = frame["amount_mvnd"].astype(float)
    return frame


def budget_pivot(tables: dict[str, list[dict[str, Any]]]) -> pd.DataFrame:
    """Budget lines summed as year (rows) × section (columns) in million VND, with totals.

    The first column `year` is text (a year is not a quantity to format); the last row is
    'total' and the last column `total_mvnd`.
    """
    section_of = {t["task_code"]: t["section_code"] for t in tables.get("tasks", [])}
    sections = list(dict.fromkeys(t["section_code"] for t in tables.get("tasks", [])))
    amounts = tables.get("budget_amounts", [])
    if not amounts:
        return pd.DataFrame(columns=["year", *sections, "total_mvnd"])
    years = sorted({int(a["year"]) for a in amounts})
    cells = {(y, s): 0.0 for y in years for s in sections}
    for a in amounts:
        cells[(int(a["year"]), section_of[a["task_code"]])] += float(a["amount_mvnd"] or 0)
    rows = [
        {"year": str(y), **{s: cells[(y, s)] for s in sections}, "total_mvnd": 0.0} for y in years
    ]
    rows.append({"year": "total", **{s: sum(cells[(y, s)] for y in years) for s in sections}})
    frame = pd.DataFrame(rows, columns=["year", *sections, "total_mvnd"])
    frame["total_mvnd"] = frame[sections].sum(axis=1)
    return frame


def section_shares(tables: dict[str, list[dict[str, Any]]]) -> pd.DataFrame:
    """Each section's share of the staged budget lines: key, label, amount_mvnd, share_pct.

    Same columns as queries/programme_shares.sql, so plans.charts.base.share_bar draws it.
    """
    names = {s["section_code"]: s["section_name"] for s in tables.get("sections", [])}
    section_of = {t["task_code"]: t["section_code"] for t in tables.get("tasks", [])}
    totals: dict[str, float] = {}
    for a in tables.get("budget_amounts", []):
        section = section_of[a["task_code"]]
        totals[section] = totals.get(section, 0.0) + float(a["amount_mvnd"] or 0)
    whole = sum(totals.values())
    rows = [
        {
            "key": code,
            "label": names.get(code, code),
            "amount_mvnd": amount,
            "share_pct": 100 * amount / whole if whole else None,
        }
        for code, amount in totals.items()
    ]
    frame = pd.DataFrame(rows, columns=["key", "label", "amount_mvnd", "share_pct"])
    return frame.astype({"amount_mvnd": float, "share_pct": float})


def results_frame(tables: dict[str, list[dict[str, Any]]]) -> pd.DataFrame:
    """The results rows that would be stored (a results report's preview)."""
    columns = [
        "programme_id", "result_code", "content_area", "indicator", "unit", "achieved_text",
        "achieved", "stated_pct_text", "target_text", "source_line",
    ]  # fmt: skip
    frame = pd.DataFrame(tables.get("results", []))
    if frame.empty:
        return pd.DataFrame(columns=columns)
    return frame[columns]


def original_file(imports_dir: Path, import_id: str) -> Path | None:
    """The file an import was made from (`<imports_dir>/<id>/original.csv|xlsx`), if kept."""
    folder = Path(imports_dir) / import_id
    for suffix in (".csv", ".xlsx"):
        path = folder / f"original{suffix}"
        if path.is_file():
            return path
    return None


def history_frame(records: list[dict[str, Any]], lang: str = "vi") -> pd.DataFrame:
    """One row per stored import, newest first: id, when, editor, kind, file, programme, warnings.

    The moment is stored in UTC and shown in Viet Nam's time in the reader's notation.

    Warnings are counted (`n_warnings`); their text stays in the import's meta.json.
    """
    columns = ["id", "when", "editor", "kind", "filename", "programme_id", "n_warnings"]
    rows = [
        {
            "id": r["id"],
            "when": format_when(r["when"], lang) if r.get("when") else "",
            "editor": r.get("editor", ""),
            "kind": r.get("kind", ""),
            "filename": r.get("filename", ""),
            "programme_id": r.get("programme_id", ""),
            "n_warnings": len(r.get("warnings") or []),
        }
        for r in reversed(records)
    ]
    return pd.DataFrame(rows, columns=columns).astype({"n_warnings": int})


def template_files() -> dict[str, bytes]:
    """The four download templates (plan/results × CSV/XLSX), filled with the examples."""
    from plans.data import templates

    plan, results = templates.plan_rows(), templates.results_rows()
    return {
        "plan_csv": templates.to_csv(plan),
        "plan_xlsx": templates.to_xlsx(plan),
        "results_csv": templates.to_csv(results),
        "results_xlsx": templates.to_xlsx(results),
    }


def template_periods(data_dir: Path | None = None) -> list[tuple[int, int]]:
    """The periods a template can be asked for: those of data/reference/periods.csv."""
    import csv

    from plans import settings

    path = Path(data_dir or settings.DATA_DIR) / "reference" / "periods.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [(int(r["period_start"]), int(r["period_end"])) for r in csv.DictReader(handle)]
