"""Build the DuckDB plan database from data/*.csv: validate, load, derive, swap atomically."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from plans import db, settings
from plans.data import provinces
from plans.data.notation import NumberFormatError, parse_amount, parse_number, read_figure
from plans.data.registry import import_dirs, quarantine, quarantine_bad_meta
from plans.data.schema import SPEC_BY_TABLE, SPECS, Column, FileSpec
from plans.data.sources import document_lines, parse_line_refs
from plans.data.targets import parse_targets
from plans.messages import N_, t

# Support records (one row per supported đề án or establishment and funding source): none in
# data/; imports of kind 'support' (plans.data.support, imports/<id>/tables/support_records.csv
# with exactly SUPPORT_COLUMNS) and plans.data.synth fill it. Every queries/support_*.sql runs
# on both. Places are kept as written (district, commune) beside the ward they belong to since
# 1/7/2025 (vietnamadminunits), so a district that no longer exists still counts.
SUPPORT_RECORDS_DDL = """
create table support_records (
    programme_id varchar not null,
    province varchar not null,
    district varchar,
    commune varchar,
    ward_current varchar,
    ward_code varchar,
    year integer not null,
    made_on date,
    task_code varchar,
    content_area varchar,
    establishment varchar not null,
    establishment_id varchar not null,
    establishment_key varchar,
    tax_code varchar,
    funding_source varchar
        check (funding_source in ('trung_uong', 'dia_phuong', 'doi_ung', 'khac')),
    amount_text varchar,
    amount_mvnd double not null check (amount_mvnd >= 0),
    beneficiaries integer check (beneficiaries >= 0),
    status varchar not null default 'approved'
        check (status in ('approved', 'accepted', 'cancelled')),
    decision varchar,
    import_id varchar,
    source_file varchar,
    source_line integer
)
"""
# The columns of support_records, in order, with their DuckDB types: an import's
# tables/support_records.csv has exactly these (read by DuckDB's CSV reader, not row by row).
# province: the province the record was made in (its programme's before 1/7/2025, the
#   successor since); establishment: the name as written on the row; establishment_id: the
#   same establishment across rows, years and imports (tax code, or the same normalised name,
#   establishment_key, in the same ward); content_area: as written on the row (else its task's,
#   content_area_map); status 'cancelled': kept and shown, never summed into amounts.
SUPPORT_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (m.group(1), m.group(2))
    for m in re.finditer(r"^    (\w+) (\w+)", SUPPORT_RECORDS_DDL, re.MULTILINE)
)
# The file an import of kind 'support' keeps its rows in (imports/<id>/tables/<this>): loaded
# by DuckDB's CSV reader with SUPPORT_COLUMNS' types, so it is not one of schema.SPECS.
SUPPORT_FILE = "support_records.csv"
# Pre-aggregates of support_records (queries/<name>.sql, in this order), so the support queries
# stay fast with millions of records; recomputed by derive_support after the table is filled.
SUPPORT_DERIVED: tuple[str, ...] = (
    "support_cells",
    "support_status_cells",
    "support_district_cells",
    "support_year_gaps",
    "support_establishments",
    "support_establishment_cells",
    "support_establishment_bounds",
    "support_establishment_sources",
    "support_programme_cells",
    "support_programme_establishments",
)
# Derived tables, built from queries/<name>.sql in this order (later ones read earlier ones).
DERIVED: tuple[str, ...] = (
    "programme_provinces",
    "programme_content_lists",
    "budget_lines",
    "budget_lines_grouped",
    "budget_shares",
    "total_checks",
    "percentage_checks",
    "reconciliation",
    "target_results",
    "execution_years",
    "programme_budgets",
    *SUPPORT_DERIVED,
)
_LINES = re.compile(r"^\d+(?:-\d+)?(?:;\d+(?:-\d+)?)*$")
MAX_ERRORS = 50
_FILE_LEVEL = {
    "data.missing_file",
    "data.not_utf8",
    "data.empty_file",
    "data.missing_column",
    "data.unknown_column",
    "data.bad_csv",
}


@dataclass(frozen=True)
class DataError:
    """One problem in one cell (or row, or file) of the data directory."""

    file: str
    line: int | None
    column: str | None
    key: str
    fields: tuple[tuple[str, Any], ...] = ()

    def message(self, lang: str | None = None) -> str:
        """The problem as one sentence naming file, line and column, in `lang`."""
        if self.line is None:
            where = self.file
        elif self.column is None:
            where = t("data.where_line", lang, file=self.file, line=self.line)
        else:
            where = t("data.where", lang, file=self.file, line=self.line, column=self.column)
        text = t(self.key, lang, **dict(self.fields))
        return f"{where}: {text}" if where else text  # a problem of no file: the machine's

    def to_record(self) -> dict[str, Any]:
        """The problem as JSON-ready values (kept with a quarantined import)."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "key": self.key,
            "fields": {
                k: v if isinstance(v, int | float | str) else str(v) for k, v in self.fields
            },
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> DataError:
        """The problem to_record wrote (tolerant of a record edited by hand)."""
        fields = record.get("fields") if isinstance(record.get("fields"), dict) else {}
        return cls(
            str(record.get("file", "")),
            record.get("line") if isinstance(record.get("line"), int) else None,
            record.get("column") if isinstance(record.get("column"), str) else None,
            str(record.get("key", N_("quarantine.reason_unknown"))),
            tuple(fields.items()),
        )


class BuildError(Exception):
    """The data directory cannot be built; carries every problem found."""

    def __init__(self, errors: list[DataError]) -> None:
        super().__init__(f"{len(errors)} data errors")
        self.errors = errors

    def report(self, lang: str | None = None) -> str:
        """A readable report: a headline and one line per problem."""
        head = t("data.build_failed", lang, count=len(self.errors))
        return "\n".join([head, *(f"  - {e.message(lang)}" for e in self.errors)])


def _err(
    where: FileSpec | str, line: int | None, column: str | None, key: str, /, **fields: Any
) -> DataError:
    # `where` is a row's own file label (rows of imports) or the spec of a data/ file.
    label = where if isinstance(where, str) else where.label or f"data/{where.path}"
    return DataError(label, line, column, key, tuple(fields.items()))


def _convert(spec: FileSpec, col: Column, raw: str, line: int, errors: list[DataError]) -> Any:
    """A typed value for one cell, or None after recording why it is unusable."""
    value = raw.strip()
    if value == "":
        if col.required:
            errors.append(_err(spec, line, col.name, "data.required"))
        return None
    try:
        if col.type == "text":
            out: Any = value
        elif col.type in ("int", "year"):
            if not re.fullmatch(r"-?\d+", value):
                if col.type == "year":
                    errors.append(_err(spec, line, col.name, "data.not_year", value=value))
                else:
                    errors.append(_err(spec, line, col.name, "data.not_int", value=value))
                return None
            out = int(value)
            if col.type == "year" and not 1900 <= out <= 2100:
                errors.append(_err(spec, line, col.name, "data.not_year", value=value))
                return None
        elif col.type == "float":
            # Machine columns use a plain decimal point; printed text lives in *_printed columns.
            if not re.fullmatch(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", value):
                errors.append(_err(spec, line, col.name, "data.not_number", value=value))
                return None
            out = float(value)
        elif col.type == "date":
            # ISO dates (2025-10-15) in machine columns; a document's own date stays as text
            try:
                out = date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d\d-\d\d", value) else None
            except ValueError:
                out = None
            if out is None:
                errors.append(_err(spec, line, col.name, "data.not_date", value=value))
                return None
        elif col.type == "lines":
            if not _LINES.match(value):
                errors.append(_err(spec, line, col.name, "data.not_lines", value=value))
                return None
            out = value
        else:  # pragma: no cover - a schema typo, not a data problem
            raise ValueError(col.type)
    except ValueError:  # pragma: no cover - guarded by the regexes above
        errors.append(_err(spec, line, col.name, "data.not_number", value=value))
        return None
    if col.choices and out not in col.choices:
        errors.append(
            _err(spec, line, col.name, "data.choice", value=value, choices="|".join(col.choices))
        )
        return None
    if isinstance(out, (int, float)) and col.type != "year":
        if col.min is not None and col.min >= 0 and out < 0:
            errors.append(_err(spec, line, col.name, "data.negative", value=value))
            return None
        low, high = col.min, col.max
        if (low is not None and out < low) or (high is not None and out > high):
            errors.append(
                _err(spec, line, col.name, "data.out_of_range", value=value, low=low, high=high)
            )
            return None
    return out


def read_file(data_dir: Path, spec: FileSpec, errors: list[DataError]) -> list[dict[str, Any]]:
    """Rows of one CSV file with typed values and their CSV line number (`_line`)."""
    path = data_dir / spec.path
    if not path.is_file():
        errors.append(_err(spec, None, None, "data.missing_file"))
        return []
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        errors.append(_err(spec, line, None, "data.not_utf8", pos=exc.start))
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            errors.append(_err(spec, 1, None, "data.empty_file"))
            return []
        names = [h.strip() for h in header]
        known = [c.name for c in spec.columns]
        for column in spec.columns:
            # An import stored by an earlier version lacks the optional columns added since
            # (they read as empty); a data/ file, edited by hand, must list every column.
            if column.name not in names and (column.required or not spec.label):
                errors.append(_err(spec, 1, column.name, "data.missing_column", name=column.name))
        for name in names:
            if name not in known:
                errors.append(
                    _err(spec, 1, name, "data.unknown_column", name=name, known=", ".join(known))
                )
        if any(e.file == (spec.label or f"data/{spec.path}") and e.line == 1 for e in errors):
            return []
        rows: list[dict[str, Any]] = []
        for cells in reader:
            line = reader.line_num
            if not cells or all(c.strip() == "" for c in cells):
                continue  # blank lines are harmless in a hand-edited file
            if len(cells) != len(names):
                errors.append(
                    _err(spec, line, None, "data.field_count", got=len(cells), want=len(names))
                )
                continue
            cell = dict(zip(names, cells, strict=True))
            row = {
                c.name: _convert(spec, c, cell.get(c.name, ""), line, errors) for c in spec.columns
            }
            row["_line"] = line
            if spec.label:
                row["_file"] = spec.label
            rows.append(row)
    except csv.Error as exc:
        errors.append(_err(spec, reader.line_num, None, "data.bad_csv", error=str(exc)))
        return []
    return rows


def _check_keys(
    spec: FileSpec,
    rows: list[dict[str, Any]],
    errors: list[DataError],
    taken: set[tuple[Any, ...]] = frozenset(),  # type: ignore[assignment]
) -> None:
    """Keys unique among `rows`, and not among `taken` (the keys already in the database)."""
    seen: dict[tuple[Any, ...], int] = {}
    for row in rows:
        key = tuple(row[k] for k in spec.key)
        if key in taken:
            shown = ", ".join(
                f"{k}={v}" for k, v in zip(spec.key, key, strict=True) if v is not None
            )
            errors.append(
                _err(
                    row.get("_file") or spec,
                    row["_line"],
                    spec.key[-1],
                    "data.duplicate_built",
                    key=shown,
                )
            )
        elif key in seen:
            shown = ", ".join(
                f"{k}={v}" for k, v in zip(spec.key, key, strict=True) if v is not None
            )
            errors.append(
                _err(
                    row.get("_file") or spec,
                    row["_line"],
                    None,
                    "data.duplicate",
                    key=shown,
                    first=seen[key],
                )
            )
        else:
            seen[key] = row["_line"]


def _check_refs(
    spec: FileSpec,
    rows: list[dict[str, Any]],
    tables: dict[str, list[dict[str, Any]]],
    errors: list[DataError],
    built: BuiltTables | None = None,
) -> None:
    for here, target, there in spec.refs:
        known = {tuple(r[c] for c in there) for r in tables.get(target, [])}
        if built is not None and rows:  # an import's rows may refer to rows already built
            wanted = {tuple(row[c] for c in here) for row in rows}
            known |= built.key_set(target, there, {v for v in wanted if None not in v})
        for row in rows:
            value = tuple(row[c] for c in here)
            if any(v is None for v in value):
                continue  # optional reference left empty, or already reported
            if value not in known:
                shown = "/".join(str(v) for v in value)
                errors.append(
                    _err(
                        row.get("_file") or spec,
                        row["_line"],
                        here[-1],
                        "data.unknown_ref",
                        value=shown,
                        target=f"{target}.{'/'.join(there)}",
                    )
                )


def _check_source_lines(
    data_dir: Path, tables: dict[str, list[dict[str, Any]]], errors: list[DataError]
) -> None:
    """Every cited source line must exist in the cited document (when the copies are present)."""
    sources_dir = data_dir / "sources"
    for spec in SPECS:
        line_col = next(
            (c.name for c in spec.columns if c.name in ("source_line", "source_lines")), None
        )
        if line_col is None or "source_file" not in {c.name for c in spec.columns}:
            continue
        for row in tables[spec.table]:
            name, refs = row["source_file"], row[line_col]
            if not name or not refs or not (sources_dir / name).is_file():
                continue
            count = len(document_lines(name, sources_dir))
            beyond = [n for n in parse_line_refs(refs) if n > count]
            if beyond:
                errors.append(
                    _err(
                        row.get("_file") or spec,
                        row["_line"],
                        line_col,
                        "data.line_beyond",
                        number=beyond[0],
                        file=name,
                        count=count,
                    )
                )


def _check_semantics(
    tables: dict[str, list[dict[str, Any]]],
    errors: list[DataError],
    context: Mapping[str, list[dict[str, Any]]] | None = None,
) -> None:
    """Checks that span files: years inside periods, printed figures matching their numbers.

    The rows of `tables` are checked; programmes and documents are looked up in `context`
    (default `tables`; an import's check passes the rows already built together with its own).
    """
    context = tables if context is None else context
    periods = {
        p["programme_id"]: (p["period_start"], p["period_end"]) for p in context["programmes"]
    }
    styles = {d["source_file"]: d["number_style"] for d in context["documents"]}
    # a results report's yearly figures and outputs (year empty: the whole period) too
    with_years = (
        "budget_amounts",
        "stated_totals",
        "budget_execution",
        "stated_percentages",
        "results",
    )
    for name in with_years:
        spec = SPEC_BY_TABLE[name]
        for row in tables[name]:
            period = periods.get(row["programme_id"])
            if period and row["year"] is not None and not period[0] <= row["year"] <= period[1]:
                errors.append(
                    _err(
                        row.get("_file") or spec,
                        row["_line"],
                        "year",
                        "data.year_outside",
                        year=row["year"],
                        start=period[0],
                        end=period[1],
                        programme=row["programme_id"],
                    )
                )
    spec = SPEC_BY_TABLE["budget_amounts"]
    for row in tables["budget_amounts"]:
        style = styles.get(row["source_file"], "vi")
        printed = row["amount_printed"]
        if row["basis"] == "printed":
            if not printed:
                errors.append(
                    _err(
                        row.get("_file") or spec,
                        row["_line"],
                        "amount_printed",
                        "data.basis_printed_empty",
                    )
                )
            else:
                _match_printed(spec, row, "amount_printed", "amount_mvnd", style, errors)
        elif printed:
            errors.append(
                _err(
                    row.get("_file") or spec,
                    row["_line"],
                    "amount_printed",
                    "data.basis_blank_nonzero",
                    basis=row["basis"],
                )
            )
        if row["quantity_printed"]:
            _match_printed(spec, row, "quantity_printed", "quantity", style, errors)
    spec = SPEC_BY_TABLE["stated_totals"]
    for row in tables["stated_totals"]:
        style = styles.get(row["source_file"], "vi")
        if row["scope"] != "text":
            _match_printed(spec, row, "printed_text", "stated_value", style, errors)
    spec = SPEC_BY_TABLE["budget_execution"]
    for row in tables["budget_execution"]:
        _match_printed(spec, row, "printed_text", "amount_mvnd", "amount", errors)


def _match_printed(
    spec: FileSpec,
    row: dict[str, Any],
    printed_col: str,
    value_col: str,
    style: str,
    errors: list[DataError],
) -> None:
    """The number a person typed must be what the printed text says (catches editing slips)."""
    printed, value = row[printed_col], row[value_col]
    if printed is None or value is None:
        return
    try:
        # money cells may carry their unit ("2,52 tỷ đồng", "262,5 triệu đồng")
        has_unit = style == "amount" or re.search(r"[^\W\d_]", printed) is not None
        try:
            amount_style = "vi" if style == "amount" else style
            parsed = (
                parse_amount(printed, amount_style)
                if has_unit
                else parse_number(printed, style=style)
            )
        except NumberFormatError:
            # a cell as officials write it: a qualifier, a range (its low end is the value),
            # a quantity's unit ("gần 162,5 triệu đồng", "300-350", "13 đề án", "25 nhiệm vụ")
            money = value_col != "quantity" and row.get("measure", "amount_mvnd") == "amount_mvnd"
            read_style = "vi" if style == "amount" else style
            parsed = read_figure(printed, money=money, style=read_style).value
    except NumberFormatError:
        errors.append(
            _err(
                row.get("_file") or spec,
                row["_line"],
                printed_col,
                "data.printed_unreadable",
                printed=printed,
                style=style,
            )
        )
        return
    if abs(float(parsed) - float(value)) > 1e-9:
        errors.append(
            _err(
                row.get("_file") or spec,
                row["_line"],
                value_col,
                "data.printed_mismatch",
                printed=printed,
                parsed=parsed,
                column=value_col,
                value=value,
            )
        )


def _pct_parts(text: str | None) -> tuple[float | None, int | None]:
    """Percentage and its printed decimals from text such as 'đạt 71,2% kế hoạch'."""
    if not text:
        return None, None
    match = re.search(r"(\d+(?:,\d+)?)\s*%", text)
    if not match:
        return None, None
    number = match.group(1)
    decimals = len(number.split(",")[1]) if "," in number else 0
    return float(parse_number(number)), decimals


_STOP = {
    "với", "cho", "tại", "để", "từ", "của", "đến", "trong", "nhằm", "và", "được", "tham", "có",
    "thu", "đạt", "tương", "là", "về", "dưới", "ở", "hoạt",
}  # fmt: skip


def _indicator(source: str, quantity_text: str, unit: str) -> str:
    """A short label for a target: its unit plus the few words that follow it in the text."""
    at = source.find(quantity_text)
    if at < 0 or not unit or unit.startswith("%"):
        return unit
    tail = source[at + len(quantity_text) :]
    words: list[str] = []
    for word in re.split(r"\s+", tail.strip()):
        clean = "" if word[:1] in "()" else word.rstrip(")")
        # stop at a bracket, a figure, an ellipsis or a linking word: the label is the noun phrase
        if (
            not clean
            or clean.lower() in _STOP
            or len(words) >= 4
            or re.search(r"[(\d*]|\.\.", clean)
        ):
            break
        words.append(clean.rstrip(",.;:"))
        if re.search(r"[,.;:)]$", word):
            break
    return " ".join([unit, *words]).strip()


def target_rows(tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Targets parsed from expected-result cells and goal sentences, each with its source."""
    out: list[dict[str, Any]] = []
    items = [
        (
            "task",
            r["programme_id"],
            r["task_code"],
            None,
            r["expected_result"],
            r["source_file"],
            r["source_lines"],
        )
        for r in tables["tasks"]
        if r["expected_result"]
    ] + [
        (
            "goal",
            r["programme_id"],
            None,
            r["goal_code"],
            r["text"],
            r["source_file"],
            r["source_line"],
        )
        for r in tables["goals"]
    ]
    tasks = {(r["programme_id"], r["task_code"]): r for r in tables["tasks"]}
    for kind, programme, task, goal, text, source_file, lines in items:
        for no, target in enumerate(parse_targets(text), start=1):
            out.append(
                {
                    "programme_id": programme,
                    "source_kind": kind,
                    "task_code": task,
                    "goal_code": goal,
                    "target_no": no,
                    "indicator": _indicator(text, target.quantity_text, target.unit),
                    "unit": target.unit,
                    "target_min": target.min,
                    "target_max": target.max,
                    "qualifier": target.qualifier,
                    "per_unit": target.per,
                    "parse_certain": target.certain,
                    "quantity_text": target.quantity_text,
                    "source_text": text,
                    "source_file": source_file,
                    "source_line": lines,
                }
            )
    # Plan tables with a unit and quantity column (Hưng Yên) state their targets as numbers:
    # the whole period's quantity (so_luong_tong), else each year's (so_luong_YYYY).
    totals = {}
    for row in tables["stated_totals"]:
        if row["scope"] == "task" and row["measure"] == "quantity":
            totals.setdefault((row["programme_id"], row["task_code"]), row)
    for row in totals.values():
        task = tasks[(row["programme_id"], row["task_code"])]
        out.append(
            _quantity_target(
                task, row["printed_text"], row.get("qualifier"), row["stated_value"],
                row.get("stated_max"), 1, task["task_name"], row["source_file"], row["source_line"],
            )
        )  # fmt: skip
    numbered: dict[tuple[str, str], int] = {}
    for row in tables["budget_amounts"]:
        key = (row["programme_id"], row["task_code"])
        if not row["quantity_printed"] or key in totals or row["quantity"] is None:
            continue
        try:
            figure = read_figure(row["quantity_printed"], money=False)
        except NumberFormatError:  # a seed's plain figure always reads; kept as printed
            figure = None
        numbered[key] = numbered.get(key, 0) + 1
        task = tasks[key]
        out.append(
            _quantity_target(
                task, row["quantity_printed"], figure.qualifier if figure else None,
                row["quantity"], figure.high if figure else None, numbered[key],
                f"{task['task_name']} ({row['year']})", row["source_file"], row["source_line"],
            )
        )  # fmt: skip
    return out


def _quantity_target(
    task: dict[str, Any],
    printed: str,
    qualifier: str | None,
    value: float,
    high: float | None,
    number: int,
    indicator: str,
    source_file: str,
    source_line: str,
) -> dict[str, Any]:
    """A target from a quantity cell ("13 đề án", "khoảng 5-6 lớp"): unit from ĐVT or the cell."""
    written = ""
    try:
        written = read_figure(printed, money=False).unit
    except NumberFormatError:
        pass
    unit = (task["unit"] or written).lower()
    qualifier = qualifier or "exact"
    low, top = {
        "at_least": (value, None),
        "at_most": (None, value),
        "nearly": (None, value),
    }.get(qualifier, (value, high if high is not None else value))
    return {
        "programme_id": task["programme_id"],
        "source_kind": "quantity",
        "task_code": task["task_code"],
        "goal_code": None,
        "target_no": number,
        "indicator": indicator,
        "unit": unit,
        "target_min": low,
        "target_max": top,
        "qualifier": qualifier,
        "per_unit": None,
        "parse_certain": True,
        # the cell as printed, with the unit the ĐVT column gives it when it writes none
        "quantity_text": printed if written else f"{printed} {task['unit'] or ''}".strip(),
        "source_text": task["task_name"],
        "source_file": source_file,
        "source_line": source_line,
    }


def load_tables(
    data_dir: Path | None = None,
    imports_dir: Path | None = None,
    extra_imports: tuple[Path, ...] = (),
) -> dict[str, list[dict[str, Any]]]:
    """Read and validate every data file and stored import; raise BuildError listing problems."""
    data_dir = Path(data_dir or settings.DATA_DIR)
    errors: list[DataError] = []
    tables: dict[str, list[dict[str, Any]]] = {}
    unreadable: set[str] = set()
    for spec in SPECS:
        before = len(errors)
        tables[spec.table] = read_file(data_dir, spec, errors)
        if any(e.key in _FILE_LEVEL for e in errors[before:]):
            unreadable.add(spec.table)
    # Imports hold the same files for their own rows (absent files mean no rows of that kind).
    for folder in [*import_dirs(imports_dir), *extra_imports]:
        for spec in SPECS:
            if not (folder / "tables" / spec.path).is_file():
                continue
            labelled = replace(spec, label=f"imports/{folder_id(folder)}/tables/{spec.path}")
            tables[spec.table] += read_file(folder / "tables", labelled, errors)
    _check_tables(tables, errors, data_dir, unreadable)
    if errors:
        raise BuildError(errors[:MAX_ERRORS])
    _add_computed(tables)
    tables["targets"] = target_rows(tables)
    tables["provinces"] = provinces.rows()
    return tables


def _check_tables(
    tables: dict[str, list[dict[str, Any]]],
    errors: list[DataError],
    data_dir: Path,
    unreadable: set[str] | frozenset[str] = frozenset(),
    built: BuiltTables | None = None,
) -> None:
    """Every check of the rows of `tables`: keys, references, semantics, provinces, lines.

    A full build passes every row (`built` None); an import passes only its own rows and the
    tables already built, so its check costs the same however many imports came before.
    Checks added here run on both paths.
    """
    for spec in SPECS:
        rows = tables[spec.table]
        taken: set[tuple[Any, ...]] | frozenset[tuple[Any, ...]] = frozenset()
        if built is not None and rows:
            own = {tuple(r[k] for k in spec.key) for r in rows}
            taken = built.key_set(spec.table, spec.key, own)
        _check_keys(spec, rows, errors, taken)
        # A file that could not be read at all would make every reference to it look wrong.
        if not unreadable & {target for _, target, _ in spec.refs}:
            _check_refs(spec, tables[spec.table], tables, errors, built)
    if not errors:
        context = tables if built is None else built.with_rows(tables)
        _check_semantics(tables, errors, context)
        _check_provinces(tables["programmes"], errors)
        _check_source_lines(data_dir, tables, errors)


def _add_computed(tables: dict[str, list[dict[str, Any]]]) -> None:
    """Columns the build computes from the cells (stored beside what is printed)."""
    for row in tables["results"]:
        row["stated_pct"], row["stated_pct_decimals"] = _pct_parts(row["stated_pct_text"])
    for row in tables["stated_percentages"]:
        row["stated_pct"], row["stated_pct_decimals"] = _pct_parts(row["printed_text"])


def _check_provinces(programmes: list[dict[str, Any]], errors: list[DataError]) -> None:
    """Each programme names a reference province, exactly, and one that existed in its period.

    Imports write the reference name (plans.data.imports matches what the user wrote); a data
    file must too, so one programme never appears under two spellings.
    """
    spec = SPEC_BY_TABLE["programmes"]
    for row in programmes:
        where, line = row.get("_file") or spec, row["_line"]
        found = provinces.match(row["province"])
        if found.province is None:
            names = ", ".join(found.suggestions) or "—"
            errors.append(
                _err(
                    where,
                    line,
                    "province",
                    "data.province_unknown",
                    name=row["province"],
                    names=names,
                )
            )
        elif not found.exact:
            errors.append(
                _err(
                    where,
                    line,
                    "province",
                    "data.province_variant",
                    name=row["province"],
                    reference=found.province.province,
                )
            )
        elif found.province.status == "merged_2025" and provinces.starts_after_merger(
            row["period_start"]
        ):
            errors.append(
                _err(
                    where,
                    line,
                    "province",
                    "data.province_merged",
                    name=row["province"],
                    start=row["period_start"],
                    successor=found.province.successor,
                )
            )


_DUCK_TYPES = {
    "text": "varchar",
    "int": "integer",
    "year": "integer",
    "float": "double",
    "lines": "varchar",
    "date": "date",
}
_PCT_TABLES = ("results", "stated_percentages")
_EXTRA_TYPES = {"_line": "integer", "stated_pct": "double", "stated_pct_decimals": "integer"}


def _frame(spec: FileSpec | None, rows: list[dict[str, Any]]) -> pd.DataFrame:
    # the file a row was read from is for messages only: a table's columns never depend on
    # whether imports exist, so an import added to the built file gives a full build's tables
    frame = pd.DataFrame(rows).drop(columns=["_file"], errors="ignore")
    if spec is not None and frame.empty:
        # an empty file still gives a table with every column the queries read
        computed = ["stated_pct", "stated_pct_decimals"] if spec.table in _PCT_TABLES else []
        frame = pd.DataFrame(columns=[*(c.name for c in spec.columns), "_line", *computed])
    elif spec is not None:
        # rows written by code that predates an optional column (synth) read it as empty
        for column in spec.columns:
            if column.name not in frame.columns:
                frame[column.name] = None
    return frame


def _create(
    con: duckdb.DuckDBPyConnection,
    table: str,
    spec: FileSpec | None,
    rows: list[dict[str, Any]],
    insert: bool = False,
) -> None:
    """Create one base table with explicit column types (not pandas' guesses), or add rows."""
    frame = _frame(spec, rows)
    if spec is not None:
        types = {c.name: _DUCK_TYPES[c.type] for c in spec.columns} | _EXTRA_TYPES
        cols = [c for c in frame.columns]
        select = ", ".join(
            f'cast("{c}" as {types.get(c, "varchar")}) as "{"csv_line" if c == "_line" else c}"'
            for c in cols
        )
    else:
        select = "*"
    con.register("_incoming", frame)
    # table and column names come from our own SPECS, never from an upload's text
    create = f"create table {table} as"  # sql: internal names
    head = f"insert into {table} by name" if insert else create  # sql: internal names
    sql = f"{head} select {select} from _incoming"  # noqa: S608  # sql: internal names
    con.execute(sql)
    con.unregister("_incoming")


# An import folder's digest, by the size and modification time of each of its files: a folder is
# written once and swapped in whole, so a checksum after an import reads only the new folder
# (the stat of the others is what keeps an edited file from being missed).
_FOLDER_DIGESTS: dict[str, tuple[tuple[tuple[str, int, int], ...], bytes]] = {}


def _folder_stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """(path, size, modification time) of each table file of an import folder."""
    stamp: list[tuple[str, int, int]] = []
    tables = os.path.join(folder, "tables")
    try:
        with os.scandir(tables) as entries:  # one listing, not a failed stat per absent file
            present = {entry.name: entry for entry in entries}
    except FileNotFoundError:
        present = {}
    # the support file too: a support import's rows are its only input to the build
    for path in (*(spec.path for spec in SPECS), SUPPORT_FILE):
        entry = present.get(path)
        if entry is not None:
            stat = entry.stat()
        elif "/" in path and path.split("/")[0] in present:
            try:  # a file in a sub-folder (the reference tables, which imports do not write)
                stat = os.stat(os.path.join(tables, path))
            except FileNotFoundError:
                continue
        else:
            continue
        stamp.append((path, stat.st_size, stat.st_mtime_ns))
    return tuple(stamp)


def folder_record(folder: Path) -> dict[str, Any]:
    """What meta.json keeps of an import's table files: their stamp and digest (see below)."""
    stamp = _folder_stamp(folder)
    return {"tables_stamp": [list(s) for s in stamp], "tables_sha256": _read_digest(folder, stamp)}


def _read_digest(folder: Path, stamp: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for path, _size, _mtime in stamp:
        digest.update(path.encode())
        digest.update((folder / "tables" / path).read_bytes())
    return digest.hexdigest()


def _folder_digest(folder: Path) -> bytes:
    """SHA-256 over one import folder's table files (their paths and bytes).

    Read once per process, and not at all while the files are as meta.json recorded them at
    commit (same sizes and times): a process checking 200 imports reads 200 small records,
    not 1.600 table files. A file changed since has another stamp and is read again.
    """
    stamp = _folder_stamp(folder)
    key = str(folder)
    cached = _FOLDER_DIGESTS.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    digest = ""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if tuple(tuple(s) for s in meta.get("tables_stamp", ())) == stamp:
            digest = str(meta.get("tables_sha256", ""))
    except (OSError, ValueError, TypeError):
        pass  # no usable record: the files are read
    value = (
        bytes.fromhex(digest) if len(digest) == 64 else bytes.fromhex(_read_digest(folder, stamp))
    )
    _FOLDER_DIGESTS[key] = (stamp, value)
    return value


def folder_id(folder: Path) -> str:
    """The id of an import folder, stored or being stored ('.incoming-<id>', see imports.commit)."""
    return folder.name.removeprefix(".incoming-")


def data_checksum(
    data_dir: Path, imports_dir: Path | None = None, extra: tuple[Path, ...] = ()
) -> str:
    """SHA-256 over every input of a build: data files, imports, derived queries and schema.

    `extra`: import folders being stored (not yet among the imports), summed as they will be
    once renamed to their id: the checksum of the inputs after the import."""
    digest = hashlib.sha256()
    for spec in SPECS:
        path = data_dir / spec.path
        digest.update(spec.path.encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    for folder in [*import_dirs(imports_dir), *extra]:
        digest.update(folder_id(folder).encode())
        digest.update(_folder_digest(folder))
    for name in DERIVED:
        digest.update(db.load_query(name).encode())
    digest.update(SUPPORT_RECORDS_DDL.encode())
    digest.update(provinces.source().encode())  # a new package version rebuilds
    digest.update(Path(__file__).with_name("schema.py").read_bytes())
    return digest.hexdigest()


def built_from(db_path: Path) -> str | None:
    """The input checksum a database file was built from, or None if it does not say."""
    try:
        with db.connect(db_path, read_only=True) as con:
            return con.execute("select data_sha256 from build_info").fetchone()[0]
    except duckdb.Error:
        return None


# Every table load_tables returns, as a built file holds it.
_BASE_TABLES: tuple[str, ...] = (*(s.table for s in SPECS), "targets", "provinces")
_WITH_PROGRAMME = {s.table for s in SPECS if "programme_id" in {c.name for c in s.columns}} | {
    "targets"
}


class BuiltTables(Mapping[str, list[dict[str, Any]]]):
    """The base tables already built, as load_tables gives them, read from a file on demand.

    An import is checked against these instead of re-reading data/ and every earlier import.
    `programmes` limits the tables that have a programme_id to those programmes. Without a
    connection it serves rows held in memory (load_tables' result, when no current file exists).
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection | None = None,
        rows: Mapping[str, list[dict[str, Any]]] | None = None,
        programmes: tuple[str, ...] | None = None,
    ) -> None:
        self._con = con
        self._rows: dict[str, list[dict[str, Any]]] = dict(rows or {})
        self._programmes = programmes
        self._keys: dict[tuple[Any, ...], set[tuple[Any, ...]]] = {}

    def __getitem__(self, table: str) -> list[dict[str, Any]]:
        if table not in self._rows:
            if self._con is None or table not in _BASE_TABLES:
                raise KeyError(table)
            where, params = self._where(table)
            sql = f'select * from "{table}" {where}'  # noqa: S608  # sql: internal names
            cursor = self._con.execute(sql, params or None)
            names = ["_line" if d[0] == "csv_line" else d[0] for d in cursor.description]
            self._rows[table] = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        return self._rows[table]

    def __iter__(self) -> Iterator[str]:
        return iter(_BASE_TABLES if self._con is not None else self._rows)

    def __len__(self) -> int:
        return len(_BASE_TABLES if self._con is not None else self._rows)

    def _where(
        self, table: str, column: str = "", among: list[Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        conditions, params = [], {}
        if self._programmes is not None and table in _WITH_PROGRAMME:
            conditions.append("programme_id in (select unnest($ids))")
            params["ids"] = list(self._programmes)
        if among is not None:
            conditions.append(f'"{column}" in (select unnest($among))')
            params["among"] = among
        return ("where " + " and ".join(conditions) if conditions else ""), params

    def close(self) -> None:
        """Close the file's connection (rows already read stay readable)."""
        if self._con is not None:
            self._con.close()

    def key_set(
        self,
        table: str,
        columns: tuple[str, ...],
        among: set[tuple[Any, ...]] | None = None,
    ) -> set[tuple[Any, ...]]:
        """The distinct values of `columns` in `table`.

        With `among` (an import's own values), only those sharing a first value with one of
        them are read: a read that does not grow with the table.
        """
        if not columns:
            return set()
        firsts = None if among is None else sorted({k[0] for k in among}, key=repr)
        if firsts is not None and None in firsts:
            firsts = None  # an empty first value matches by tuple only: read them all
        cached = (table, columns, None if firsts is None else tuple(firsts))
        if cached not in self._keys:
            if firsts == []:
                found: set[tuple[Any, ...]] = set()
            elif self._con is None or table in self._rows:
                found = {tuple(r[c] for c in columns) for r in self.get(table, [])}
            else:
                names = ", ".join(f'"{c}"' for c in columns)
                where, params = self._where(table, columns[0], firsts)
                sql = f'select distinct {names} from "{table}" {where}'  # noqa: S608  # sql: internal names
                found = set(self._con.execute(sql, params or None).fetchall())
            self._keys[cached] = found
        return self._keys[cached]

    def with_rows(
        self, tables: Mapping[str, list[dict[str, Any]]]
    ) -> Mapping[str, list[dict[str, Any]]]:
        """These tables with `tables`' rows added (an import's, before they are stored)."""
        return _Joined(self, tables)


class _Joined(Mapping[str, list[dict[str, Any]]]):
    """Built rows followed by new ones, table by table, joined when first asked for."""

    def __init__(self, built: BuiltTables, tables: Mapping[str, list[dict[str, Any]]]) -> None:
        self._built, self._tables = built, tables
        self._joined: dict[str, list[dict[str, Any]]] = {}

    def __getitem__(self, table: str) -> list[dict[str, Any]]:
        if table not in self._joined:
            if table not in self._built and table not in self._tables:
                raise KeyError(table)
            self._joined[table] = [*self._built.get(table, []), *self._tables.get(table, [])]
        return self._joined[table]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._built, *self._tables]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*self._built, *self._tables]))


_TARGET_TYPES = {
    "target_no": "integer",
    "target_min": "double",
    "target_max": "double",
    "parse_certain": "boolean",
}


def _write_targets(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], into: str) -> None:
    """Targets typed as the build stores them; `into` is 'create table targets as' or an insert."""
    frame = pd.DataFrame(rows)
    select = ", ".join(
        f'cast("{c}" as {_TARGET_TYPES.get(c, "varchar")}) as "{c}"' for c in frame.columns
    )
    con.register("_incoming", frame)
    sql = f"{into} select {select} from _incoming"  # noqa: S608  # sql: internal names
    con.execute(sql)
    con.unregister("_incoming")


def _derive(con: duckdb.DuckDBPyConnection, create: str, names: tuple[str, ...] = DERIVED) -> None:
    """The derived tables from queries/<name>.sql, in DERIVED's order (later read earlier)."""
    params = {"programme_budgets": {"price_year": None}}
    for name in names:
        sql = db.load_query(name).strip().rstrip(";")
        try:
            # a reviewed query file under our own name; its $params stay bound
            statement = f"{create} {name} as {sql}"  # sql: internal names
            con.execute(statement, params.get(name) or None)
        except duckdb.Error as exc:
            raise RuntimeError(f"query {name}: {exc}") from exc


def _derive_programmes(con: duckdb.DuckDBPyConnection, programmes: tuple[str, ...]) -> None:
    """The derived rows of these programmes again, the others' rows left as they are.

    Every derived table but the support pre-aggregates has a programme's rows computed from
    that programme's base rows and the reference tables only (tests/test_incremental.py holds
    the result equal to a full build). So the queries run on a scratch database in memory that
    holds just those rows, and their result replaces the programmes' rows in the file: the cost
    of an import stays that of its own programme, however many came before.
    """
    if not programmes:
        return
    ids = {"ids": list(programmes)}
    derived = set(DERIVED)
    home = con.execute("select current_database()").fetchone()[0]
    tables = [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables"
            " where table_catalog = current_database() and table_schema = 'main'"
        ).fetchall()
        if name not in derived and name != "build_info"
    ]
    con.execute("attach ':memory:' as scratch")
    try:
        for table in tables:
            columns = {d[0] for d in con.execute(f'select * from "{table}" limit 0').description}  # noqa: S608  # sql: internal names
            where = (
                " where programme_id in (select unnest($ids))" if "programme_id" in columns else ""
            )
            copy = f'create table scratch."{table}" as select * from "{home}"."{table}"{where}'  # noqa: S608  # sql: internal names
            con.execute(copy, ids if where else None)
        con.execute("use scratch")  # the queries name their tables unqualified
        try:
            _derive(con, "create table", _IMPORT_DERIVED)
        finally:
            con.execute(f'use "{home}"')  # sql: internal names
        for name in _IMPORT_DERIVED:
            drop = f'delete from "{home}"."{name}" where programme_id in (select unnest($ids))'  # noqa: S608  # sql: internal names
            con.execute(drop, ids)
            fill = f'insert into "{home}"."{name}" select * from scratch."{name}"'  # noqa: S608  # sql: internal names
            con.execute(fill)
    finally:
        con.execute("detach scratch")


def _writer(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection of a build or an import to `path`, its memory bounded
    (settings.WRITE_MEMORY_MB): what does not fit spills to a folder beside the file (removed
    on close) when writing; a check that only reads gets half, and keeps fewer blocks of the
    file cached."""
    mb = settings.WRITE_MEMORY_MB // 2 if read_only else settings.WRITE_MEMORY_MB
    return duckdb.connect(str(path), read_only=read_only, config={"memory_limit": f"{mb}MB"})


def _out_of_memory() -> BuildError:
    # an operator DuckDB cannot spill ran out of the bound: a message naming the setting
    return BuildError(
        [DataError("", None, None, N_("data.out_of_memory"), (("mb", settings.WRITE_MEMORY_MB),))]
    )


def write_database(tables: dict[str, list[dict[str, Any]]], path: Path, checksum: str) -> None:
    """Write all tables into a fresh file at `path` (which must not exist yet)."""
    con = _writer(path)
    try:
        for spec in SPECS:
            _create(con, spec.table, spec, tables[spec.table])
        _write_targets(con, tables["targets"], "create table targets as")
        _create(con, "provinces", None, tables["provinces"])
        con.execute(SUPPORT_RECORDS_DDL)
        _derive(con, "create table")
        con.execute(
            "create table build_info as select $checksum as data_sha256", {"checksum": checksum}
        )
        con.execute("checkpoint")
    finally:
        con.close()


def derive_support(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute the support pre-aggregates from support_records (after it was filled)."""
    for name in SUPPORT_DERIVED:
        sql = db.load_query(name).strip().rstrip(";")
        con.execute(f"create or replace table {name} as {sql}")  # sql: internal names


def write_support(path: Path, folders: tuple[Path, ...]) -> None:
    """Load these import folders' support records into the fresh file at `path` (after
    write_database), in order, then their pre-aggregates: as add_import does one by one, so a
    full build equals the imports made one after another. BuildError for one that cannot be."""
    if not folders:
        return
    con = _writer(path)
    try:
        for folder in folders:
            load_support(con, folder)
        orphans = _support_orphans(con)
        if orphans:
            raise BuildError(orphans)
        derive_support(con)
        con.execute("checkpoint")
    finally:
        con.close()


def support_folders(imports_dir: Path | None) -> tuple[Path, ...]:
    """The stored imports that hold support records, in the order they were made."""
    return tuple(f for f in import_dirs(imports_dir) if (f / "tables" / SUPPORT_FILE).is_file())


def import_id_of(folder: Path) -> str:
    """An import's id as its meta.json records it (the folder may be parked '.removing-<id>')."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        return str(meta["id"])
    except (OSError, ValueError, KeyError, TypeError):
        return folder.name.removeprefix(".removing-").removeprefix(".incoming-")


# DuckDB's reader names the line and the column of a value it cannot read (its message also
# names the file by its path on the server, which is never shown: the import is named instead).
_CSV_LINE = re.compile(r"Line: (\d+)")
_CSV_COLUMN = re.compile(r'column "(\w+)"')


def load_support(con: duckdb.DuckDBPyConnection, folder: Path) -> int:
    """Add one import folder's support records to support_records; returns how many.

    The file is read by DuckDB with SUPPORT_COLUMNS' types (no Python per row: a full build
    loads millions this way) and the table's own checks; import_id is set to the import's id
    (the file leaves it empty). A file that cannot be read so is a BuildError naming the
    import, the line and the column, never a path on the server; nothing is added then.
    """
    import_id = import_id_of(folder)
    label = f"imports/{import_id}/tables/{SUPPORT_FILE}"
    return load_support_file(con, folder / "tables" / SUPPORT_FILE, import_id, label)


def load_support_file(
    con: duckdb.DuckDBPyConnection, path: Path, import_id: str, label: str
) -> int:
    """load_support for a file anywhere (an upload's staged rows are tried this way): `label`
    names it in the errors."""
    expected = ",".join(name for name, _ in SUPPORT_COLUMNS)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            first = handle.readline().rstrip("\r\n").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError):
        first = None
    if first != expected:
        # another header would load values under the wrong columns without a word
        raise BuildError([_err(label, 1, None, "data.support_header", id=import_id)])
    columns = ", ".join(f"'{name}': '{kind}'" for name, kind in SUPPORT_COLUMNS)
    before = con.execute("select count(*) from support_records").fetchone()[0]
    sql = (
        "insert into support_records by name select * replace ($id as import_id) "  # noqa: S608  # sql: internal names
        f"from read_csv($path, header = true, auto_detect = false, columns = {{{columns}}}, "
        "delim = ',', quote = '\"', escape = '\"', dateformat = '%Y-%m-%d')"
    )
    try:
        con.execute(sql, {"id": import_id, "path": str(path)})
    except duckdb.Error as exc:
        text = str(exc)
        line, column = _CSV_LINE.search(text), _CSV_COLUMN.search(text)
        raise BuildError(
            [
                _err(
                    label,
                    int(line.group(1)) if line else None,
                    column.group(1) if column else None,
                    "data.support_unreadable",
                    id=import_id,
                )
            ]
        ) from None
    return con.execute("select count(*) from support_records").fetchone()[0] - before


def _support_orphans(con: duckdb.DuckDBPyConnection) -> list[DataError]:
    """Support records whose programme is not built (its plan's import was removed)."""
    rows = con.execute(
        "select import_id, programme_id, min(source_line) from support_records"
        " where programme_id not in (select programme_id from programmes)"
        " group by all order by all limit $most",
        {"most": MAX_ERRORS},
    ).fetchall()
    return [
        _err(
            f"imports/{import_id}/tables/{SUPPORT_FILE}",
            None,
            "programme_id",
            "data.support_orphan",
            id=import_id or "—",
            programme=programme,
            line=line,
        )
        for import_id, programme, line in rows
    ]


def build(
    db_path: Path | None = None,
    data_dir: Path | None = None,
    imports_dir: Path | None = None,
    extra: tuple[Path, ...] = (),
    set_aside: bool = False,
) -> dict[str, int]:
    """Validate data/ and the imports, build the database beside `db_path`, swap it in.

    `extra`: import folders being stored (imports.commit), built as the last imports.
    `set_aside`: a stored import the build's problems name (a table file that no longer reads,
    rows that no longer fit) is quarantined with them and the build runs on without it, so one
    damaged folder never stops the rest; problems of data/ or of `extra` still raise. Without it
    (an import or a removal that falls back to a full build) any problem refuses, as before.
    """
    db_path = Path(db_path or settings.DB_PATH)
    data_dir = Path(data_dir or settings.DATA_DIR)
    imports_dir = Path(imports_dir or settings.IMPORTS_DIR)
    if set_aside:
        quarantine_bad_meta(imports_dir)
    while True:
        try:
            return _build_once(db_path, data_dir, imports_dir, extra)
        except BuildError as exc:
            # each round sets at least one import aside, so this ends
            if not set_aside or not _set_aside(imports_dir, exc.errors):
                raise


def _set_aside(imports_dir: Path, errors: list[DataError]) -> list[str]:
    """Quarantine the stored imports that `errors` name, each with its own problems."""
    stored = {folder.name: folder for folder in import_dirs(imports_dir)}
    named: dict[str, list[DataError]] = {}
    for error in errors:
        parts = error.file.split("/")
        if len(parts) > 1 and parts[0] == "imports" and parts[1] in stored:
            named.setdefault(parts[1], []).append(error)
    return [
        quarantine(
            imports_dir,
            stored[name],
            N_("quarantine.build_failed"),
            {"count": len(found)},
            [e.to_record() for e in found],
        )
        for name, found in named.items()
    ]


def _build_once(
    db_path: Path, data_dir: Path, imports_dir: Path, extra: tuple[Path, ...]
) -> dict[str, int]:
    tables = load_tables(data_dir, imports_dir, extra)  # raises before anything is written
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # DuckDB wants to create the file itself
    try:
        checksum = data_checksum(data_dir, imports_dir, extra)
        supports = tuple(f for f in extra if (f / "tables" / SUPPORT_FILE).is_file())
        try:
            write_database(tables, tmp, checksum)
            write_support(tmp, support_folders(imports_dir) + supports)
        except duckdb.OutOfMemoryException as exc:
            raise _out_of_memory() from exc
        os.replace(tmp, db_path)  # atomic on one filesystem: readers see old or new, never half
    finally:
        for leftover in (tmp, Path(f"{tmp}.wal")):
            leftover.unlink(missing_ok=True)
    with db.connect(db_path) as con:
        counts = {
            "programmes": con.execute("select count(*) from programmes").fetchone()[0],
            "lines": con.execute("select count(*) from budget_lines").fetchone()[0],
            "targets": con.execute("select count(*) from targets").fetchone()[0],
            "findings": con.execute("select count(*) from reconciliation").fetchone()[0],
        }
    return counts


def damage_lines(record: dict[str, Any], lang: str | None = None) -> list[str]:
    """Why a damaged import was set aside (registry.damaged_imports' record), in `lang`: the
    reason, then each of the build's problems that named it."""
    fields = record.get("fields") if isinstance(record.get("fields"), dict) else {}
    key = str(record.get("key"))
    try:
        head = t(key, lang, **fields)
    except (KeyError, IndexError, ValueError):
        head = t("quarantine.reason_unknown", lang)  # a reason.json edited by hand
    problems = [
        DataError.from_record(e).message(lang)
        for e in record.get("errors") or ()
        if isinstance(e, dict)
    ]
    return [head, *problems]


def ensure_database(
    db_path: Path | None = None, data_dir: Path | None = None, imports_dir: Path | None = None
) -> Path:
    """Build the database when it is missing or older than data/ (dashboard start-up).

    A file built from other inputs (a different checksum) is rebuilt, so a `git pull` that
    changes data or queries never serves stale tables. A file with no build_info (made by
    another tool) is left alone. A damaged import is set aside (build's `set_aside`).
    """
    db_path = Path(db_path or settings.DB_PATH)
    data_dir = Path(data_dir or settings.DATA_DIR)
    imports_dir = Path(imports_dir or settings.IMPORTS_DIR)
    if not db_path.exists():
        build(db_path, data_dir, imports_dir, set_aside=True)
        return db_path
    stamp = built_from(db_path)
    if stamp is not None and stamp != data_checksum(data_dir, imports_dir):
        build(db_path, data_dir, imports_dir, set_aside=True)
    return db_path


def ensure_database_locked(
    db_path: Path | None = None, data_dir: Path | None = None, imports_dir: Path | None = None
) -> Path:
    """`ensure_database` under the imports' write lock, for the commands that build on their own
    (`plans deck`, `plans report`): a dashboard starting meanwhile (its recovery removes a
    writer's temporary files, plans.data.imports.recover) or an import then waits for the build
    instead of meeting it half-way. Not for callers already holding the lock (flock would wait
    on itself)."""
    from plans.data.registry import write_lock

    imports_dir = Path(imports_dir or settings.IMPORTS_DIR)
    with write_lock(imports_dir):
        return ensure_database(db_path, data_dir, imports_dir)


# ---------------------------------------------------------------------------------------------
# The write path of imports: one import added to or removed from the built file, not a rebuild.
# The current file is the cache of everything already validated: an import's rows are read and
# checked alone against it, then written into a copy of it that is swapped in whole, so the cost
# of an import does not grow with the imports before it. When the file is not the build of the
# inputs as they were (missing, stale, foreign, written by another tool) the callers build().


# The derived tables recomputed per programme. The support pre-aggregates are not among them:
# only an import of support records (or its removal) changes them, recomputed whole then.
_IMPORT_DERIVED = tuple(name for name in DERIVED if name not in SUPPORT_DERIVED)


def _open_built(
    db_path: Path, checksum: str, read_only: bool = True
) -> duckdb.DuckDBPyConnection | None:
    """A connection to `db_path` when it is the build of the inputs summed by `checksum`."""
    if not db_path.is_file() or Path(f"{db_path}.wal").exists():
        return None  # a file with unwritten changes beside it is not what build_info says
    try:
        con = _writer(db_path, read_only=read_only)
    except duckdb.Error:
        return None
    try:
        stamps = con.execute("select data_sha256 from build_info").fetchall()
    except duckdb.Error:
        stamps = []
    if [(checksum,)] != stamps:
        con.close()
        return None
    return con


def current_tables(
    db_path: Path | None = None, data_dir: Path | None = None, imports_dir: Path | None = None
) -> BuiltTables:
    """What is built so far, to check an upload against (the caller closes it).

    The database file when it is the build of data/ and the imports as they are now; otherwise
    load_tables (no rows when that fails: the upload's check then reports it).
    """
    data_dir = Path(data_dir or settings.DATA_DIR)
    con = _open_built(Path(db_path or settings.DB_PATH), data_checksum(data_dir, imports_dir))
    if con is not None:
        return BuiltTables(con)
    try:
        return BuiltTables(rows=load_tables(data_dir, imports_dir))
    except BuildError:
        return BuiltTables(rows={})


def read_import(folder: Path) -> tuple[dict[str, list[dict[str, Any]]], list[DataError]]:
    """The rows of one import folder (typed as load_tables reads them) and the problems found."""
    errors: list[DataError] = []
    tables: dict[str, list[dict[str, Any]]] = {}
    for spec in SPECS:
        if not (folder / "tables" / spec.path).is_file():
            tables[spec.table] = []  # absent files mean no rows of that kind
            continue
        labelled = replace(spec, label=f"imports/{folder_id(folder)}/tables/{spec.path}")
        tables[spec.table] = read_file(folder / "tables", labelled, errors)
    return tables, errors


def check_import(
    tables: dict[str, list[dict[str, Any]]], built: BuiltTables, data_dir: Path | None = None
) -> list[DataError]:
    """The problems of an import's rows together with what is built: a full build's checks."""
    errors: list[DataError] = []
    _check_tables(tables, errors, Path(data_dir or settings.DATA_DIR), built=built)
    return errors[:MAX_ERRORS]


def _programme_ids(tables: Mapping[str, list[dict[str, Any]]]) -> tuple[str, ...]:
    found = {r["programme_id"] for n in _WITH_PROGRAMME for r in tables.get(n, [])}
    return tuple(sorted(found - {None}))


def _retarget(con: duckdb.DuckDBPyConnection, programmes: tuple[str, ...]) -> None:
    """The targets of these programmes again from their rows, as target_rows gives them."""
    if not programmes:
        return
    ids = {"ids": list(programmes)}
    con.execute("delete from targets where programme_id in (select unnest($ids))", ids)
    rows = target_rows(BuiltTables(con, programmes=programmes))  # type: ignore[arg-type]
    if rows:
        _write_targets(con, rows, "insert into targets by name")


def _delete_rows(
    con: duckdb.DuckDBPyConnection, spec: FileSpec, rows: list[dict[str, Any]]
) -> None:
    """Delete the rows with these rows' keys (keys are unique over every file, as checked)."""
    types = {c.name: _DUCK_TYPES[c.type] for c in spec.columns}
    keys = [{k: r[k] for k in spec.key} for r in rows]
    select = ", ".join(f'cast("{k}" as {types[k]}) as "{k}"' for k in spec.key)
    con.register("_incoming", pd.DataFrame(keys, columns=list(spec.key)))
    staged = f"create or replace temp table _gone as select {select} from _incoming"  # noqa: S608  # sql: internal names
    con.execute(staged)
    con.unregister("_incoming")
    match = " and ".join(f'g."{k}" is not distinct from "{spec.table}"."{k}"' for k in spec.key)
    delete = f'delete from "{spec.table}" where exists (select 1 from _gone g where {match})'  # noqa: S608  # sql: internal names
    con.execute(delete)
    con.execute("drop table _gone")


def _dangling(con: duckdb.DuckDBPyConnection, emptied: set[str]) -> list[DataError]:
    """Rows left referring to rows just deleted (a results report on a removed plan)."""
    errors: list[DataError] = []
    for spec in SPECS:
        has_source = "source_file" in {c.name for c in spec.columns}
        for here, target, there in spec.refs:
            if target not in emptied:
                continue
            cols = ", ".join(f't."{c}"' for c in here)
            source = ", t.source_file" if has_source else ", null"
            found = " and ".join(f'x."{b}" = t."{a}"' for a, b in zip(here, there, strict=True))
            given = " and ".join(f't."{c}" is not null' for c in here)
            sql = (
                f'select {cols}, t.csv_line{source} from "{spec.table}" t where {given} '  # noqa: S608  # sql: internal names
                f'and not exists (select 1 from "{target}" x where {found}) limit {MAX_ERRORS}'
            )
            for row in con.execute(sql).fetchall():
                *value, line, source_file = row
                errors.append(
                    _err(
                        source_file or spec,
                        line,
                        here[-1],
                        "data.unknown_ref",
                        value="/".join(str(v) for v in value),
                        target=f"{target}.{'/'.join(there)}",
                    )
                )
    return errors[:MAX_ERRORS]


def _rewrite(
    db_path: Path,
    before: str,
    after: str,
    change: Callable[[duckdb.DuckDBPyConnection], None],
) -> bool:
    """Apply `change` to a copy of the file built from `before`, stamp it `after`, swap it in.

    False (nothing written) when the file is not the build of `before`. The copy sits beside
    the file, so os.replace swaps it in whole: readers see the old file or the new, a failure
    leaves the old one byte for byte, and no temporary file stays behind.
    """
    if not db_path.is_file():
        return False
    fd, tmp_name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(db_path, tmp)
        # checked on the copy itself: what it says is what is changed and swapped in
        copy = _open_built(tmp, before, read_only=False)
        if copy is None:
            return False
        try:
            change(copy)
            copy.execute("update build_info set data_sha256 = $after", {"after": after})
            copy.execute("checkpoint")
        except duckdb.OutOfMemoryException as exc:
            raise _out_of_memory() from exc
        finally:
            copy.close()
        os.replace(tmp, db_path)  # atomic on one filesystem
        return True
    finally:
        for leftover in (tmp, Path(f"{tmp}.wal")):
            leftover.unlink(missing_ok=True)


def add_import(
    folder: Path,
    before: str,
    db_path: Path | None = None,
    data_dir: Path | None = None,
    imports_dir: Path | None = None,
) -> bool:
    """Add one stored import (`folder`, already in `imports_dir`) to the built file.

    `before` is data_checksum of the inputs without it; a folder still named '.incoming-<id>'
    (imports.commit renames it once the file is swapped) counts as the import `<id>`. Its rows
    are checked against the file
    (again: another import may have come in since its upload was validated), inserted typed
    as build() writes them; its programmes' targets and every derived table are recomputed.
    Raises BuildError (nothing written) for rows that do not fit; False when the file is not
    the build of `before` (the caller builds in full).
    """
    db_path = Path(db_path or settings.DB_PATH)
    data_dir = Path(data_dir or settings.DATA_DIR)
    tables, errors = read_import(folder)
    if errors:
        raise BuildError(errors[:MAX_ERRORS])
    support = (folder / "tables" / SUPPORT_FILE).is_file()

    def change(con: duckdb.DuckDBPyConnection) -> None:
        found = check_import(tables, BuiltTables(con), data_dir)
        if found:
            raise BuildError(found)
        _add_computed(tables)
        for spec in SPECS:
            if tables[spec.table]:
                _create(con, spec.table, spec, tables[spec.table], insert=True)
        _retarget(con, _programme_ids(tables))
        _derive_programmes(con, _programme_ids(tables))
        if support:
            # support records as a full build loads them (load_support), then every
            # pre-aggregate again: they sum over all records, not per programme
            load_support(con, folder)
            orphans = _support_orphans(con)
            if orphans:
                raise BuildError(orphans)
            derive_support(con)

    extra = (folder,) if folder.name.startswith(".incoming-") else ()
    return _rewrite(db_path, before, data_checksum(data_dir, imports_dir, extra), change)


def remove_import(
    folder: Path,
    before: str,
    db_path: Path | None = None,
    data_dir: Path | None = None,
    imports_dir: Path | None = None,
) -> bool:
    """Remove one import's rows (read from `folder`, already out of `imports_dir`) from the file.

    `before` is data_checksum of the inputs with it. Rows are found by their keys; rows of
    other imports left referring to them refuse the removal (BuildError, nothing written), as
    a full build would. False when the file is not the build of `before` or the folder cannot
    be read (the caller builds in full).
    """
    db_path = Path(db_path or settings.DB_PATH)
    data_dir = Path(data_dir or settings.DATA_DIR)
    tables, errors = read_import(folder)
    if errors:
        return False
    support = (folder / "tables" / SUPPORT_FILE).is_file()
    import_id = import_id_of(folder)

    def change(con: duckdb.DuckDBPyConnection) -> None:
        for spec in SPECS:
            if tables[spec.table]:
                _delete_rows(con, spec, tables[spec.table])
        found = _dangling(con, {name for name, rows in tables.items() if rows})
        if support:
            # the build set import_id from the folder's id: that is how its rows are found
            con.execute("delete from support_records where import_id = $id", {"id": import_id})
        elif tables["programmes"]:
            # a plan whose programme support records of another import belong to stays
            found += _support_orphans(con)
        if found:
            raise BuildError(found[:MAX_ERRORS])
        _retarget(con, _programme_ids(tables))
        _derive_programmes(con, _programme_ids(tables))
        if support:
            derive_support(con)

    return _rewrite(db_path, before, data_checksum(data_dir, imports_dir), change)
