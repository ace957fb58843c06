"""A database with a merged province across the 1/7/2025 merger (test fixture builder)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import duckdb

from plans.data.build import load_tables, write_database

HN21 = "HN-2021-2025"
HY18 = "HY-2018-2020"


def _programme(
    tables: dict[str, list[dict[str, Any]]],
    template: str | None,
    pid: str,
    province: str,
    period: tuple[int, int],
    decided: str,
    scale: float = 1.0,
    shift: int = 0,
    stated: float | None = None,
) -> None:
    """A programme of `province` copying `template`'s tasks and budget cells (amounts x scale,
    years + shift), or, without a template, one known only by its stated total."""
    first = next(r for r in tables["programmes"] if r["programme_id"] == (template or HN21))
    row = copy.deepcopy(first)
    row.update(
        programme_id=pid,
        province=province,
        province_printed=None,
        period_start=period[0],
        period_end=period[1],
        decision_ref=f"{pid}/QĐ-UBND",
        decision_date=decided,
        title=f"Chương trình khuyến công {province} {period[0]}-{period[1]}",
        title_en=f"{province} industrial-extension programme {period[0]}-{period[1]}",
        stated_total_mvnd=stated,
        stated_total_printed=None if stated is None else f"{stated} triệu đồng",
        note=None,
    )
    tables["programmes"].append(row)
    if template is None:
        return
    for name in ("sections", "tasks", "content_area_map"):
        tables[name] += [
            {**copy.deepcopy(r), "programme_id": pid}
            for r in tables[name]
            if r["programme_id"] == template
        ]
    tables["budget_amounts"] += [
        {**copy.deepcopy(r), "programme_id": pid, "year": r["year"] + shift,
         "amount_mvnd": r["amount_mvnd"] * scale}
        for r in tables["budget_amounts"]
        if r["programme_id"] == template
    ]  # fmt: skip


def merged_tables() -> dict[str, list[dict[str, Any]]]:
    """The seed data plus Vĩnh Long (new) = Bến Tre + Trà Vinh + Vĩnh Long (old):
    2016-2020 all three by stated totals only; 2021-2025 Bến Tre (Hà Nội's appendix x 0.1) and
    Vĩnh Long (Hưng Yên's 2018-2020 appendix moved to 2021-2023), Trà Vinh none; 2026-2030 Vĩnh
    Long (Hà Nội's appendix x 0.3, five years later, issued after Decree 235/2025 took effect)."""
    tables = load_tables()
    _programme(tables, None, "BT-2016-2020", "Bến Tre", (2016, 2020), "10/12/2015", stated=40000)
    _programme(tables, None, "TV-2016-2020", "Trà Vinh", (2016, 2020), "11/12/2015", stated=30000)
    _programme(tables, None, "VL-2016-2020", "Vĩnh Long", (2016, 2020), "12/12/2015", stated=20000)
    _programme(tables, HN21, "BT-2021-2025", "Bến Tre", (2021, 2025), "15/12/2020", 0.1, 0, 25090)
    _programme(tables, HY18, "VL-2021-2025", "Vĩnh Long", (2021, 2023), "20/12/2020", 1.0, 3, 8374)
    _programme(tables, HN21, "VL-2026-2030", "Vĩnh Long", (2026, 2030), "20/12/2025", 0.3, 5, 75270)
    return tables


def write_merged(path: Path) -> Path:
    """Write merged_tables() at `path`, marked as not built from data/ (never rebuilt)."""
    write_database(merged_tables(), path, checksum="merged fixture")
    con = duckdb.connect(str(path))
    try:
        con.execute("drop table build_info")
        con.execute("create table build_info as select 'tests/merged_fixture' as generator")
        con.execute("checkpoint")
    finally:
        con.close()
    return path
