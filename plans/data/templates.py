"""Import templates (CSV, XLSX) for a chosen kind and period, with an example from a document."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from plans.data.build import load_tables
from plans.data.imports import _achieved, column_meaning
from plans.data.notation import NumberFormatError
from plans.messages import N_, t

EXAMPLE_PROGRAMME = "HN-2021-2025"  # 000_…: the Hanoi 2021-2025 appendix
RESULTS_EXAMPLE = "HN-2011-2015"  # 001_…: the 2011-2015 evaluation, the one results report
KINDS = ("plan", "results", "support")
FORMATS = ("csv", "xlsx")
# A results report's yearly execution, after its outputs: a year, a section or task (both empty:
# the whole programme), the amount allocated and disbursed (kế hoạch vốn giao, giải ngân) and
# the report's own disbursement rate; rows may give outputs, execution or both.
EXECUTION_HEADER = ["nam", "muc", "ma_nhiem_vu", "von_giao", "giai_ngan", "ty_le_giai_ngan_ghi"]
# The results template's columns: a known programme's id, or what creates one (tinh … nam_ket_thuc)
RESULTS_HEADER = [
    "ma_chuong_trinh",
    "tinh",
    "ten_chuong_trinh",
    "nam_bat_dau",
    "nam_ket_thuc",
    "chi_tieu",
    "dvt",
    "dat_duoc",
    "ty_le_ghi",
    "muc_tieu",
    "linh_vuc",
    *EXECUTION_HEADER,
]


# What each column of the support template holds (plans.data.support.SUPPORT_HEADER, then the
# optional amount columns per funding source, support.WIDE_AMOUNTS), for the workbook's guide.
SUPPORT_COLUMN_MESSAGES: dict[str, str] = {
    "ma_chuong_trinh": N_("support_columns.ma_chuong_trinh"),
    "tinh": N_("support_columns.tinh"),
    "giai_doan": N_("support_columns.giai_doan"),
    "nam": N_("support_columns.nam"),
    "ngay_quyet_dinh": N_("support_columns.ngay_quyet_dinh"),
    "so_quyet_dinh": N_("support_columns.so_quyet_dinh"),
    "huyen": N_("support_columns.huyen"),
    "xa_phuong": N_("support_columns.xa_phuong"),
    "co_so": N_("support_columns.co_so"),
    "ma_so_thue": N_("support_columns.ma_so_thue"),
    "ma_nhiem_vu": N_("support_columns.ma_nhiem_vu"),
    "linh_vuc": N_("support_columns.linh_vuc"),
    "kinh_phi": N_("support_columns.kinh_phi"),
    "nguon_von": N_("support_columns.nguon_von"),
    "so_nguoi_huong_loi": N_("support_columns.so_nguoi_huong_loi"),
    "trang_thai": N_("support_columns.trang_thai"),
    "ghi_chu": N_("support_columns.ghi_chu"),
    "kinh_phi_trung_uong": N_("support_columns.kinh_phi_trung_uong"),
    "kinh_phi_dia_phuong": N_("support_columns.kinh_phi_dia_phuong"),
    "von_doi_ung": N_("support_columns.von_doi_ung"),
}


def support_column_meaning(column: str, lang: str) -> str:
    """What a support template column holds, in `lang` ('' for no such column)."""
    key = SUPPORT_COLUMN_MESSAGES.get(column)
    return t(key, lang) if key else ""


class TemplateError(ValueError):
    """A template that cannot be written (unknown kind or format, bad period), with its message."""

    def __init__(self, key: str, **fields: Any) -> None:
        super().__init__(key)
        self.key, self.fields = key, fields

    def message(self, lang: str = "vi") -> str:
        """What is wrong, in `lang`."""
        return t(self.key, lang, **self.fields)


def plan_header(years: list[int]) -> list[str]:
    """The plan template's columns for these years (so_luong_YYYY, kinh_phi_YYYY for each)."""
    return [
        "tinh",
        "ten_chuong_trinh",
        "nam_bat_dau",
        "nam_ket_thuc",
        "so_quyet_dinh",
        "ngay_quyet_dinh",
        "muc",
        "ten_muc",
        "ma_nhiem_vu",
        "nhiem_vu",
        "ket_qua",
        "dvt",
        "linh_vuc",
        *[f"so_luong_{y}" for y in years],
        *[f"kinh_phi_{y}" for y in years],
        "so_luong_tong",
        "tong_kinh_phi",
        "chu_tri",
        "phoi_hop",
        "nguon_von",  # optional: who pays the row (empty = not stated); the example says nothing
    ]


def plan_rows(
    programme_id: str = EXAMPLE_PROGRAMME,
    data_dir: Path | None = None,
    tables: dict[str, list[dict[str, Any]]] | None = None,
) -> list[list[str]]:
    """A programme's appendix in the plan template: header, section rows, task rows, TỔNG."""
    tables = tables if tables is not None else load_tables(data_dir)
    programme = next(p for p in tables["programmes"] if p["programme_id"] == programme_id)
    years = list(range(programme["period_start"], programme["period_end"] + 1))
    header = plan_header(years)
    amounts = {
        (a["task_code"], a["year"]): a
        for a in tables["budget_amounts"]
        if a["programme_id"] == programme_id
    }
    totals = [row for row in tables["stated_totals"] if row["programme_id"] == programme_id]
    areas = {
        m["task_code"]: m["content_area"]
        for m in tables["content_area_map"]
        if m["programme_id"] == programme_id
    }

    def stated(
        scope: str,
        section: str = "",
        task: str = "",
        year: Any = None,
        measure: str = "amount_mvnd",
    ) -> str:
        for total in totals:
            if (total["scope"], total["measure"]) != (scope, measure):
                continue
            where = (total["section_code"] or "", total["task_code"] or "", total["year"])
            if where == (section, task, year):
                # the template speaks one notation: Vietnamese (1.100, not the appendix's 1,100)
                return _vi(total["stated_value"])
        return ""

    def meta() -> list[str]:
        return [
            programme["province"],
            programme["title"],
            str(programme["period_start"]),
            str(programme["period_end"]),
            programme["decision_ref"] or "",
            programme["decision_date"] or "",
        ]

    rows = [header]
    for section in (s for s in tables["sections"] if s["programme_id"] == programme_id):
        code = section["section_code"]
        rows.append(
            [
                *meta(),
                code,
                section["section_name"],
                "",
                "",
                "",
                "",
                "",
                *["" for _ in years],
                *[stated("section", code, "", y) for y in years],
                "",
                stated("section", code),
                "",
                "",
            ]
        )
        for task in (
            row
            for row in tables["tasks"]
            if row["programme_id"] == programme_id and row["section_code"] == code
        ):
            tc = task["task_code"]
            cells = [amounts.get((tc, y), {}) for y in years]
            rows.append(
                [
                    *meta(),
                    code,
                    "",
                    tc,
                    task["task_name"],
                    task["expected_result"] or "",
                    task["unit"] or "",
                    areas.get(tc, ""),
                    *[c.get("quantity_printed") or "" for c in cells],
                    *[_vi(c.get("amount_mvnd")) if c else "" for c in cells],
                    stated("task", code, tc, None, "quantity"),
                    stated("task", code, tc),
                    task["lead_unit"] or "",
                    task["coordinating_units"] or "",
                ]
            )
    rows.append(
        [
            *meta(),
            "TỔNG",
            "",
            "",
            "",
            "",
            "",
            "",
            *["" for _ in years],
            *[stated("grand", "", "", y) for y in years],
            "",
            stated("grand"),
            "",
            "",
        ]
    )
    return rows


def _vi(value: Any) -> str:
    """A number the Vietnamese way, as an official would type it (4200 -> 4.200)."""
    if value in (None, ""):
        return ""
    number = float(value)
    whole = f"{abs(number):,.0f}".replace(",", ".") if number.is_integer() else f"{number:,.3f}"
    if not number.is_integer():
        whole = whole.rstrip("0").replace(",", " ").replace(".", ",").replace(" ", ".")
    return ("-" if number < 0 else "") + whole


def results_rows(
    programme_id: str = RESULTS_EXAMPLE,
    data_dir: Path | None = None,
    tables: dict[str, list[dict[str, Any]]] | None = None,
    programme_columns: bool = False,
) -> list[list[str]]:
    """A results report in the results template, from the 2011-2015 evaluation (001_…).

    `programme_columns` adds the columns that create a programme a database lacks (tinh,
    ten_chuong_trinh, nam_bat_dau, nam_ket_thuc: RESULTS_HEADER), filled from the programme.
    """
    tables = tables if tables is not None else load_tables(data_dir)
    programme = next(p for p in tables["programmes"] if p["programme_id"] == programme_id)
    header = ["ma_chuong_trinh", "chi_tieu", "dvt", "dat_duoc", "ty_le_ghi", "muc_tieu", "linh_vuc"]
    rows = [RESULTS_HEADER if programme_columns else [*header, *EXECUTION_HEADER]]
    for r in (r for r in tables["results"] if r["programme_id"] == programme_id):
        pct = ""
        if r["stated_pct_text"]:
            found = re.search(r"\d+(?:,\d+)?%", r["stated_pct_text"])
            pct = found.group(0) if found else ""
        about = [
            programme["province"],
            programme["title"],
            str(programme["period_start"]),
            str(programme["period_end"]),
        ]
        achieved = r["achieved_text"]
        if _first_figure(achieved) != float(r["achieved"]):
            # '01 cuộc bình chọn … và 4 cuộc thi' is 5 in data/ (1 + 4, its note says): the
            # example writes the figure data/ holds, as an official fills the column
            achieved = f"{_vi(r['achieved'])} {r['unit']}"
        rows.append(
            [
                programme_id,
                *(about if programme_columns else []),
                r["indicator"],
                r["unit"],
                achieved,
                pct,
                _vi(r["target_printed"]) if r["target_printed"] not in (None, "") else "",
                r["content_area"] or "",
                # the 2011-2015 evaluation gives no yearly figures: the execution columns at the
                # end stay empty (unwritten, so each line reads as the evaluation's own)
            ]
        )
    return rows


def _first_figure(text: str) -> float | None:
    """The figure the import reads from a dat_duoc cell (its first number), None if none."""
    try:
        return _achieved(text)[0]
    except NumberFormatError:
        return None


def parse_period(text: str) -> tuple[int, int]:
    """'2026-2030' -> (2026, 2030); '2026' (a one-year plan) -> (2026, 2026)."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-–]\s*(\d{4}))?\s*", text or "")
    if match is None:
        raise TemplateError(N_("templates.bad_period"), value=text)
    start, end = int(match.group(1)), int(match.group(2) or match.group(1))
    if not 1990 <= start <= end <= 2100 or end - start > 10:
        raise TemplateError(N_("templates.bad_period"), value=text)
    return start, end


def format_of(path: Path) -> str:
    """'csv' or 'xlsx' from the file name to write; TemplateError for any other."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise TemplateError(N_("templates.bad_format"), value=path.suffix or path.name)
    return fmt


def example_programme(
    kind: str, start: int, end: int, tables: dict[str, list[dict[str, Any]]]
) -> str | None:
    """The data's programme of exactly this period that can be the example, if any.

    A plan example needs a khuyến công appendix (tasks); a results example, a results report.
    The preferred ones (000's plan, 001's results) win where several fit.
    """
    having = {
        "plan": {r["programme_id"] for r in tables["tasks"]},
        "results": {r["programme_id"] for r in tables["results"]},
    }[kind]
    fits = [
        p["programme_id"]
        for p in tables["programmes"]
        if (p["period_start"], p["period_end"]) == (start, end)
        and p["kind"] == "khuyen_cong"
        and p["programme_id"] in having
    ]
    preferred = EXAMPLE_PROGRAMME if kind == "plan" else RESULTS_EXAMPLE
    return preferred if preferred in fits else (fits[0] if fits else None)


def blank_rows(kind: str, start: int, end: int) -> list[list[str]]:
    """A template of a period no document of the data has: the header and, for a plan, the
    TỔNG row to fill (with the period), never another period's figures under these years."""
    if kind == "results":
        return [list(RESULTS_HEADER)]
    header = plan_header(list(range(start, end + 1)))
    total = ["" for _ in header]
    total[header.index("nam_bat_dau")] = str(start)
    total[header.index("nam_ket_thuc")] = str(end)
    total[header.index("muc")] = "TỔNG"
    return [header, total]


def template_file(kind: str, start: int, end: int, lang: str, fmt: str) -> bytes:
    """The template of `kind` for the period start-end as a CSV or XLSX file.

    A period with an example in the data (2021-2025 plan: 000; 2018-2020 plan: 002; 2011-2015
    results: 001) carries it; any other gets the header (its own year columns) and the TỔNG
    row, and the workbook shows the example on a sheet of its own, under its own years. The
    workbook's guide speaks `lang`. The support template is its header alone (see
    support_rows). Raises TemplateError for an unknown kind or format, or a bad period.
    """
    template_rows, example = template_rows_for(kind, start, end)
    if fmt == "csv":
        return to_csv(template_rows)
    if fmt != "xlsx":
        raise TemplateError(N_("templates.bad_format"), value=fmt)
    return to_xlsx(template_rows, lang=lang, example=example, kind=kind)


def support_rows() -> list[list[str]]:
    """The support template: the header, one row per record to fill, for any period.

    No example rows: unlike a plan (000's appendix is a real one), the data holds no real
    support record, and invented establishments and amounts in a template get imported by
    mistake or copied as if they were facts. The workbook's guide says what each column
    takes instead (the words officials write: "2,5 tỷ", "KCQG", "đã nghiệm thu").
    """
    from plans.data.support import SUPPORT_HEADER

    return [list(SUPPORT_HEADER)]


def template_rows_for(
    kind: str, start: int, end: int, data_dir: Path | None = None
) -> tuple[list[list[str]], list[list[str]] | None]:
    """The template's rows, and (for a period without one) the example to show beside it."""
    if kind not in KINDS:
        raise TemplateError(N_("templates.bad_kind"), value=kind)
    if not 1990 <= start <= end <= 2100:
        raise TemplateError(N_("templates.bad_period"), value=f"{start}-{end}")
    if kind == "support":
        return support_rows(), None
    tables = load_tables(data_dir)
    found = example_programme(kind, start, end, tables)
    if kind == "plan":
        if found is not None:
            return plan_rows(found, tables=tables), None
        return blank_rows(kind, start, end), plan_rows(EXAMPLE_PROGRAMME, tables=tables)
    if found is not None:
        return results_rows(found, tables=tables, programme_columns=True), None
    example = results_rows(RESULTS_EXAMPLE, tables=tables, programme_columns=True)
    return blank_rows(kind, start, end), example


def to_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 CSV with a BOM (opens in Excel with the diacritics intact)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(
    rows: list[list[str]],
    lang: str | None = None,
    example: list[list[str]] | None = None,
    kind: str = "plan",
) -> bytes:
    """A workbook: the table on the first sheet, every column explained on the second.

    `lang` None: the guide in Vietnamese and English side by side (one file for every reader);
    'vi' or 'en': in that language. `example`: a filled example of another period, on a third
    sheet of its own (the import reads the first sheet only).
    """
    import openpyxl
    from openpyxl.styles import Font

    langs = ("vi", "en") if lang is None else (lang,)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "du_lieu"
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    guide = book.create_sheet("huong_dan")
    guide.append(
        [
            " / ".join(t("templates.column", x) for x in langs),
            *[t("templates.meaning", x) for x in langs],
        ]
    )
    for cell in guide[1]:
        cell.font = Font(bold=True)
    if kind == "support":
        from plans.data.support import WIDE_AMOUNTS

        # the optional amount columns per source are explained too (not in the header: one
        # file writes either kinh_phi + nguon_von or these)
        for column in [*rows[0], *WIDE_AMOUNTS]:
            guide.append([column, *[support_column_meaning(column, x) for x in langs]])
    else:
        for column in rows[0]:
            guide.append([column, *[column_meaning(column, x) for x in langs]])
    guide.append([])
    if kind == "support":
        guide.append(["", *[t("templates.support_note", x) for x in langs]])
    elif kind == "results":
        guide.append(["ma_chuong_trinh", *[t("templates.results_note", x) for x in langs]])
    else:
        guide.append(["", *[t("templates.rows_note", x) for x in langs]])
    # how to write a province: the import reads it against the 63/34 reference (provinces.match)
    guide.append(["tinh", *[t("templates.province_note", x) for x in langs]])
    if example is not None:
        name = t("templates.example_sheet", langs[0])
        guide.append(["", *[t("templates.example_note", x, sheet=name) for x in langs]])
        shown = book.create_sheet(name)
        for row in example:
            shown.append(row)
        for cell in shown[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
