"""A synthetic national database (63 provinces, 3 periods, support records) for scale tests.

The shape follows the real documents (sections I-V or I-VIII, 25-40 tasks per programme, yearly
budgets of the same order as Hà Nội and Hưng Yên, content-area mix, targets and results); every
row says it is synthetic. Deterministic for a seed. Never shown as real data: the programmes'
note and the documents' titles say "dữ liệu tổng hợp / synthetic".
"""

from __future__ import annotations

import os
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from plans.data.build import derive_support, load_tables, target_rows, write_database
from plans.data.sources import SYNTHETIC_KIND

PROVINCES: tuple[str, ...] = (
    "An Giang",
    "Bà Rịa - Vũng Tàu",
    "Bắc Giang",
    "Bắc Kạn",
    "Bạc Liêu",
    "Bắc Ninh",
    "Bến Tre",
    "Bình Định",
    "Bình Dương",
    "Bình Phước",
    "Bình Thuận",
    "Cà Mau",
    "Cần Thơ",
    "Cao Bằng",
    "Đà Nẵng",
    "Đắk Lắk",
    "Đắk Nông",
    "Điện Biên",
    "Đồng Nai",
    "Đồng Tháp",
    "Gia Lai",
    "Hà Giang",
    "Hà Nam",
    "Hà Nội",
    "Hà Tĩnh",
    "Hải Dương",
    "Hải Phòng",
    "Hậu Giang",
    "Hòa Bình",
    "Hưng Yên",
    "Khánh Hòa",
    "Kiên Giang",
    "Kon Tum",
    "Lai Châu",
    "Lâm Đồng",
    "Lạng Sơn",
    "Lào Cai",
    "Long An",
    "Nam Định",
    "Nghệ An",
    "Ninh Bình",
    "Ninh Thuận",
    "Phú Thọ",
    "Phú Yên",
    "Quảng Bình",
    "Quảng Nam",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sóc Trăng",
    "Sơn La",
    "Tây Ninh",
    "Thái Bình",
    "Thái Nguyên",
    "Thanh Hóa",
    "Thừa Thiên Huế",
    "Tiền Giang",
    "TP. Hồ Chí Minh",
    "Trà Vinh",
    "Tuyên Quang",
    "Vĩnh Long",
    "Vĩnh Phúc",
    "Yên Bái",
)
PERIODS: tuple[tuple[int, int], ...] = ((2011, 2015), (2016, 2020), (2021, 2025))
# Content-area weights from the real appendices (Hà Nội 2021-2025 and Hưng Yên to 2020).
AREA_WEIGHTS = {"KC1": 8, "KC2": 5, "KC3": 25, "KC4": 40, "KC5": 6, "KC6": 4, "KC7": 8, "KC9": 4}
UNITS = {
    "KC1": "lao động",
    "KC2": "lớp",
    "KC3": "cơ sở",
    "KC4": "lượt doanh nghiệp",
    "KC5": "cơ sở",
    "KC6": "tin, bài",
    "KC7": "cụm",
    "KC9": "đoàn",
}
SOURCE = "synthetic"


def _code(province: str) -> str:
    from plans.data.imports import _province_code

    return _province_code(province)


# The base tables a synthetic database fills, in addition to the real reference tables.
GENERATED = (
    "programmes",
    "sections",
    "tasks",
    "budget_amounts",
    "stated_totals",
    "goals",
    "results",
    "budget_execution",
    "stated_percentages",
    "content_area_map",
    "priority_areas",
    "document_discrepancies",
    "comparable_targets",
)
SECTIONS = ("I", "II", "III", "IV", "V")


@dataclass(frozen=True)
class _Programme:
    """One synthetic programme being generated: what its rows repeat."""

    pid: str
    province: str
    start: int
    end: int
    line: int  # the one "source line" every row of the programme cites


def generate_tables(
    provinces: int = 63, periods: int = 3, seed: int = 1
) -> dict[str, list[dict[str, Any]]]:
    """Rows for every base table (same shape as data/), deterministic for `seed`.

    The steps draw from one random generator in a fixed order (province scale, task count,
    then each task's area, quantity and amounts, then results): the order is part of the output.
    """
    rng = random.Random(seed)
    tables = _empty_tables(load_tables())  # content areas and CPI are real reference tables
    line = 0
    used: set[str] = set()
    for province in PROVINCES[:provinces]:
        code = _unique_code(province, used)
        scale = rng.uniform(0.05, 1.0) * (8 if province in ("Hà Nội", "TP. Hồ Chí Minh") else 1)
        for start, end in PERIODS[-periods:]:
            line += 1
            programme = _Programme(f"{code}-{start}-{end}", province, start, end, line)
            _add_programme(tables, programme)
            n_tasks = rng.randint(25, 40)
            _add_sections(tables, programme)
            for number in range(1, n_tasks + 1):
                _add_task(tables, rng, programme, number, n_tasks, scale)
            if start == 2011:
                _add_results(tables, rng, programme)
    _number_rows(tables)
    tables["targets"] = target_rows(tables)
    return tables


def _empty_tables(reference: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The reference tables, the one synthetic document every row cites, and empty base tables."""
    tables: dict[str, list[dict[str, Any]]] = {
        "content_areas": reference["content_areas"],
        "cpi": reference["cpi"],
        "documents": [
            {
                "source_file": SOURCE,
                "doc_type": SYNTHETIC_KIND,
                "title": "Dữ liệu tổng hợp",
                "title_en": "Synthetic data",
                "issuer": "plans.data.synth",
                "ref_printed": "",
                "date_printed": "",
                "number_style": "vi",
                "source_line": 1,
            }
        ],
    }
    for name in GENERATED:
        tables.setdefault(name, [])
    return tables


def _unique_code(province: str, used: set[str]) -> str:
    """The province's code as imports make it, suffixed with X while another province has it."""
    code = _code(province)
    while code in used:
        code += "X"
    used.add(code)
    return code


def _add_programme(tables: dict[str, list[dict[str, Any]]], programme: _Programme) -> None:
    p = programme
    tables["programmes"].append(
        {
            "programme_id": p.pid,
            "province": p.province,
            "kind": "khuyen_cong",
            "title": f"Chương trình khuyến công {p.province} {p.start}-{p.end} (tổng hợp)",
            "title_en": f"{p.province} industrial extension {p.start}-{p.end} (synthetic)",
            "period_start": p.start,
            "period_end": p.end,
            "decision_ref": "",
            "decision_date": "",
            "stated_total_printed": "",
            "stated_total_mvnd": None,
            "source_file": SOURCE,
            "source_line": str(p.line),
            "note": "Dữ liệu tổng hợp / synthetic",
        }
    )


def _add_sections(tables: dict[str, list[dict[str, Any]]], programme: _Programme) -> None:
    for s in SECTIONS:
        tables["sections"].append(
            {
                "programme_id": programme.pid,
                "section_code": s,
                "section_name": f"Mục {s}",
                "source_file": SOURCE,
                "source_line": str(programme.line),
            }
        )


def _add_task(
    tables: dict[str, list[dict[str, Any]]],
    rng: random.Random,
    programme: _Programme,
    number: int,
    n_tasks: int,
    scale: float,
) -> None:
    """Task `number` of `n_tasks`: its row, its content area, and its budget in every year."""
    # the tasks fill the sections in order, in about equal shares
    section = SECTIONS[min((number - 1) * len(SECTIONS) // n_tasks, len(SECTIONS) - 1)]
    area = rng.choices(list(AREA_WEIGHTS), list(AREA_WEIGHTS.values()))[0]
    task = f"{section}.{number}"
    quantity = rng.randint(5, 500)
    tables["tasks"].append(
        {
            "programme_id": programme.pid,
            "section_code": section,
            "task_code": task,
            "task_no_printed": str(number),
            "task_name": f"Nhiệm vụ {task} ({area})",
            "expected_result": f"Hỗ trợ {quantity} {UNITS[area]}",
            "unit": UNITS[area],
            "lead_unit": "Sở Công Thương",
            "coordinating_units": "",
            "month_start": None,
            "month_end": None,
            "timing_text": "",
            "source_file": SOURCE,
            "source_lines": str(programme.line),
        }
    )
    tables["content_area_map"].append(
        {
            "programme_id": programme.pid,
            "task_code": task,
            "content_area": area,
            "reason": "tổng hợp / synthetic",
        }
    )
    _add_amounts(tables, rng, programme, task, scale)


def _add_amounts(
    tables: dict[str, list[dict[str, Any]]],
    rng: random.Random,
    programme: _Programme,
    task: str,
    scale: float,
) -> None:
    """A task's yearly budget: one lognormal size for the task, then ±20 % in each year."""
    base = round(rng.lognormvariate(5.5, 1.0) * scale, 0) + 10
    for year in range(programme.start, programme.end + 1):
        amount = round(base * rng.uniform(0.8, 1.2), 0)
        tables["budget_amounts"].append(
            {
                "programme_id": programme.pid,
                "task_code": task,
                "year": year,
                "amount_printed": "",
                "amount_mvnd": amount,
                "quantity_printed": "",
                "quantity": None,
                "basis": "derived",
                "note": "tổng hợp / synthetic",
                "source_file": SOURCE,
                "source_line": str(programme.line),
            }
        )


def _add_results(
    tables: dict[str, list[dict[str, Any]]], rng: random.Random, programme: _Programme
) -> None:
    """Three reported results (as the 2011-2015 evaluation reports them) for a first-period plan."""
    for i, area in enumerate(("KC1", "KC3", "KC4")):
        achieved = rng.randint(20, 20000)
        pct = round(rng.uniform(20, 180), 1)
        tables["results"].append(
            {
                "programme_id": programme.pid,
                "result_code": f"S{i}",
                "content_area": area,
                "indicator": f"Kết quả {UNITS[area]}",
                "indicator_en": f"Result {area}",
                "unit": UNITS[area],
                "achieved_text": str(achieved),
                "achieved": achieved,
                "achieved_qualifier": "exact",
                "stated_pct_text": f"đạt {pct}%".replace(".", ","),
                "target_text": "",
                "target_printed": None,
                "comparable_indicator": "",
                "note": "tổng hợp / synthetic",
                "source_file": SOURCE,
                "source_line": str(programme.line),
                "stated_pct": pct,
                "stated_pct_decimals": 1,
            }
        )


def _number_rows(tables: dict[str, list[dict[str, Any]]]) -> None:
    for rows in tables.values():
        for i, row in enumerate(rows, start=2):
            row.setdefault("_line", i)  # the order key real rows get from their CSV line


# Fills the empty support_records table of the build. Each record draws its programme and then one
# of that programme's tasks; the task is found by its number within the programme (an equality
# join), not by trying every task of the programme, so 10 million records take minutes, not hours.
SUPPORT_SQL = """
insert into support_records
with numbered_programmes as (
    select
        row_number() over (order by p.programme_id) - 1 as k,
        p.programme_id,
        p.province,
        p.period_start,
        p.period_end,
        t.n_tasks
    from programmes as p
    join (select programme_id, count(*) as n_tasks from tasks group by programme_id) as t
        using (programme_id)
),
numbered_tasks as (
    select
        programme_id,
        task_code,
        row_number() over (partition by programme_id order by task_code) - 1 as j
    from tasks
),
draws as (
    select i, hash(i, $seed, 0) % (select count(*) from programmes) as k
    from range($n) as r(i)
)
select
    p.programme_id,
    p.province,
    'Huyện ' || (1 + (hash(d.i, $seed, 1) % 12))::varchar as district,
    p.period_start + (hash(d.i, $seed, 2) % (p.period_end - p.period_start + 1))::integer as year,
    t.task_code,
    'Cơ sở ' || (hash(d.i, $seed, 3) % 200000)::varchar as establishment,
    round(5 + (hash(d.i, $seed, 4) % 50000) / 100.0, 1) as amount_mvnd,
    (1 + hash(d.i, $seed, 5) % 60)::integer as beneficiaries
from draws as d
join numbered_programmes as p on p.k = d.k
join numbered_tasks as t
    on t.programme_id = p.programme_id and t.j = hash(d.i, $seed, 6) % p.n_tasks
order by d.i
"""


def synthesise(
    db_path: Path, provinces: int = 63, periods: int = 3, records: int = 0, seed: int = 1
) -> dict[str, int]:
    """Write a synthetic database at `db_path` (atomically), with `records` support records."""
    tables = generate_tables(provinces, periods, seed)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        write_database(tables, tmp, checksum="synthetic")
        con = duckdb.connect(str(tmp))
        try:
            con.execute(SUPPORT_SQL, {"n": records, "seed": seed})
            derive_support(con)  # the pre-aggregates the support queries read
            # no data_sha256 here: the dashboard's start-up never rebuilds this file from data/
            con.execute("drop table build_info")
            con.execute(
                "create table build_info as select 'plans.data.synth' as generator, $seed as seed",
                {"seed": seed},
            )
            con.execute("checkpoint")
            counts = {
                "programmes": con.execute("select count(*) from programmes").fetchone()[0],
                "budget_lines": con.execute("select count(*) from budget_lines").fetchone()[0],
                "support_records": con.execute("select count(*) from support_records").fetchone()[
                    0
                ],
            }
        finally:
            con.close()
        os.replace(tmp, db_path)
    finally:
        tmp.unlink(missing_ok=True)
    return counts
