"""Import templates (CSV, XLSX) filled with an example taken from a source document."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from plans.data.build import load_tables
from plans.data.imports import column_meaning
from plans.messages import t

EXAMPLE_PROGRAMME = "HN-2021-2025"  # 000_…: the Hanoi 2021-2025 appendix


def plan_rows(
    programme_id: str = EXAMPLE_PROGRAMME, data_dir: Path | None = None
) -> list[list[str]]:
    """A programme's appendix in the plan template: header, section rows, task rows, TỔNG."""
    tables = load_tables(data_dir)
    programme = next(p for p in tables["programmes"] if p["programme_id"] == programme_id)
    years = list(range(programme["period_start"], programme["period_end"] + 1))
    header = [
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
    ]
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
    programme_id: str = "HN-2011-2015", data_dir: Path | None = None
) -> list[list[str]]:
    """A results report in the results template, from the 2011-2015 evaluation (001_…)."""
    tables = load_tables(data_dir)
    header = ["ma_chuong_trinh", "chi_tieu", "dvt", "dat_duoc", "ty_le_ghi", "muc_tieu", "linh_vuc"]
    rows = [header]
    for r in (r for r in tables["results"] if r["programme_id"] == programme_id):
        pct = ""
        if r["stated_pct_text"]:
            import re

            found = re.search(r"\d+(?:,\d+)?%", r["stated_pct_text"])
            pct = found.group(0) if found else ""
        rows.append(
            [
                programme_id,
                r["indicator"],
                r["unit"],
                r["achieved_text"],
                pct,
                _vi(r["target_printed"]) if r["target_printed"] not in (None, "") else "",
                r["content_area"] or "",
            ]
        )
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 CSV with a BOM (opens in Excel with the diacritics intact)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[list[str]]) -> bytes:
    """A workbook: the table on the first sheet, every column explained (vi, en) on the second."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "du_lieu"
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    # The guide speaks both languages side by side: one template serves every reader.
    guide = book.create_sheet("huong_dan")
    guide.append(
        [
            " / ".join((t("templates.column", "vi"), t("templates.column", "en"))),
            t("templates.meaning", "vi"),
            t("templates.meaning", "en"),
        ]
    )
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in rows[0]:
        guide.append([column, column_meaning(column, "vi"), column_meaning(column, "en")])
    guide.append([])
    guide.append(["", t("templates.rows_note", "vi"), t("templates.rows_note", "en")])
    # how to write a province: the import reads it against the 63/34 reference (provinces.match)
    guide.append(["tinh", t("templates.province_note", "vi"), t("templates.province_note", "en")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
