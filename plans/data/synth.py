"""A synthetic national database (63 then 34 provinces, the reference periods, support records).

The shape follows the real documents (sections I-V or I-VIII, 25-40 tasks per programme, yearly
budgets of the same order as Hà Nội and Hưng Yên, content-area mix, targets and results); every
row says it is synthetic. Deterministic for a seed. Never shown as real data: the programmes'
note and the documents' titles say "dữ liệu tổng hợp / synthetic".

Periods come from the `periods` reference table. A period starting before 1/7/2025
(plans.data.provinces.MERGER_DATE) has programmes of the first N of the 63 old provinces; one
starting after it has programmes of the 34 new provinces, exactly the successors of those N, each
with a budget of the order of its old members' sum. A programme id is the province's code (as
imports make it, suffixed with X while an earlier name has it), then the period: new Hưng Yên's
HY-2026-2030 beside old Hưng Yên's HY-2021-2025.

The day a support record was made is drawn by hash within its year and stored (made_on): a
record of an old province's programme made on or after 1/7/2025 (the second half of 2025 for
2021-2025) is written under the successor, the province it was made in; every earlier record
under the programme's province.
"""

from __future__ import annotations

import os
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from plans.data import provinces as province_reference
from plans.data.build import derive_support, load_tables, target_rows, write_database
from plans.data.reading import _fold
from plans.data.sources import SYNTHETIC_KIND
from plans.numbers import format_number, format_pct


def _provinces() -> tuple[str, ...]:
    """The 63 province names before 1/7/2025 (plans.data.provinces), in alphabetical order."""
    return tuple(sorted((p.province for p in province_reference.reference()), key=_fold))


PROVINCES: tuple[str, ...] = _provinces()
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


def choose_periods(
    table: list[dict[str, Any]], n: int, latest: int | None = None
) -> tuple[tuple[int, int], ...]:
    """The last `n` periods of the `periods` table that start no later than `latest`.

    Without `latest`, the latest period is the last one starting before 1/7/2025, or, for more
    periods than there are up to it, the n-th of the table: 1-3 give 2021-2025, 2016-2025 and
    2011-2025 (as before 2026-2030 existed), 4 adds 2026-2030, and a later row adds itself.
    """
    listed = sorted((int(r["period_start"]), int(r["period_end"])) for r in table)
    if latest is None:
        before = sum(not province_reference.starts_after_merger(start) for start, _ in listed)
        latest = listed[min(max(n, before), len(listed)) - 1][0] if listed else 0
    upto = [p for p in listed if p[0] <= latest]
    if not 1 <= n <= len(upto):
        found = ", ".join(f"{a}-{b}" for a, b in upto) or "none"
        raise ValueError(
            f"{n} periods asked; the periods table has {len(upto)} up to {latest}: {found}"
        )
    return tuple(upto[-n:])


def successors(old: tuple[str, ...]) -> tuple[str, ...]:
    """The provinces (of the 34) that the old provinces `old` belong to since 1/7/2025."""
    after = {p.province: p.successor for p in province_reference.reference()}
    return tuple(sorted({after[name] for name in old}, key=_fold))


def generate_tables(
    provinces: int = 63, periods: int = 3, seed: int = 1, latest: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Rows for every base table (same shape as data/), deterministic for `seed`.

    The old provinces' programmes draw from one random generator in a fixed order (province
    scale, task count, then each task's area, quantity and amounts, then results): the order is
    part of the output. The new provinces' programmes draw from a second generator afterwards,
    so adding a period after 1/7/2025 leaves the earlier periods' rows as they were.
    """
    rng = random.Random(seed)
    tables = _empty_tables(load_tables())  # content areas, CPI, periods, provinces: real tables
    chosen = choose_periods(tables["periods"], periods, latest)
    before = [p for p in chosen if not _after_merger(p)]
    after = [p for p in chosen if _after_merger(p)]
    first_period = min(int(r["period_start"]) for r in tables["periods"])
    codes = _codes()
    old = PROVINCES[:provinces]
    scales: dict[str, float] = {}
    line = 0
    for province in old:
        scales[province] = rng.uniform(0.05, 1.0) * (8 if province in BIG_CITIES else 1)
        for start, end in before:
            line += 1
            programme = _Programme(f"{codes[province]}-{start}-{end}", province, start, end, line)
            _add_plan(tables, rng, programme, scales[province], start == first_period)
    if after:
        new_rng = random.Random(f"{seed}-after-merger")
        for province, scale in _new_scales(old, scales, new_rng).items():
            for start, end in after:
                line += 1
                pid = f"{codes[province]}-{start}-{end}"
                programme = _Programme(pid, province, start, end, line)
                _add_plan(tables, new_rng, programme, scale, start == first_period)
    _number_rows(tables)
    tables["targets"] = target_rows(tables)
    return tables


BIG_CITIES = ("Hà Nội", "Hồ Chí Minh")  # eight times the budget of a province


def _after_merger(period: tuple[int, int]) -> bool:
    return province_reference.starts_after_merger(period[0])


def _codes() -> dict[str, str]:
    """Every reference name's code for programme ids, made in the order of PROVINCES.

    The 34 new names are names of the 63, so a new province keeps its old code, and its ids
    differ from its old programmes' by their period only.
    """
    used: set[str] = set()
    return {province: _unique_code(province, used) for province in PROVINCES}


def _new_scales(
    old: tuple[str, ...], scales: dict[str, float], rng: random.Random
) -> dict[str, float]:
    """The scale of each successor of `old`: about its members' sum (±20 %).

    A member not among `old` has no scale yet: it is drawn here like an old province's.
    """
    scales = dict(scales)  # the old provinces' own scales stay theirs
    members: dict[str, list[str]] = {}
    for p in province_reference.reference():
        members.setdefault(p.successor, []).append(p.province)
    out = {}
    for province in successors(old):
        total = 0.0
        for member in sorted(members[province], key=_fold):
            if member not in scales:
                scales[member] = rng.uniform(0.05, 1.0) * (8 if member in BIG_CITIES else 1)
            total += scales[member]
        out[province] = total * rng.uniform(0.8, 1.2)
    return out


def _add_plan(
    tables: dict[str, list[dict[str, Any]]],
    rng: random.Random,
    programme: _Programme,
    scale: float,
    with_results: bool,
) -> None:
    """One programme: its row, sections, 25-40 tasks with budgets, and results if reported."""
    _add_programme(tables, programme)
    n_tasks = rng.randint(25, 40)
    _add_sections(tables, programme)
    first_task, first_amount = len(tables["tasks"]), len(tables["budget_amounts"])
    for number in range(1, n_tasks + 1):
        _add_task(tables, rng, programme, number, n_tasks, scale)
    if with_results:
        _add_results(tables, rng, programme)
    _add_execution(
        tables,
        programme,
        tables["tasks"][first_task:],
        tables["budget_amounts"][first_amount:],
    )


def _empty_tables(reference: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The reference tables, the one synthetic document every row cites, and empty base tables."""
    tables: dict[str, list[dict[str, Any]]] = {
        name: reference[name]
        for name in ("content_area_lists", "content_areas", "cpi", "periods", "provinces")
    } | {
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
            "assigned_by": None,
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


# Yearly execution is reported for the years before this one (a report comes after its year).
EXECUTION_UNTIL = 2024


def _add_execution(
    tables: dict[str, list[dict[str, Any]]],
    programme: _Programme,
    tasks: list[dict[str, Any]],
    amounts: list[dict[str, Any]],
) -> None:
    """Allocated and disbursed per reported year, with the stated disbursement rate, from the
    programme's own `tasks` and budget `amounts`.

    Drawn from a generator of the programme's own (its id), not the shared one, so the rows
    every other table had before stay as they were. A programme of an even source line reports
    its whole programme; one of an odd line, each section (as a report by section does).
    """
    rng = random.Random(f"execution:{programme.pid}")
    by_section = programme.line % 2 == 1
    sections = {task["task_code"]: task["section_code"] for task in tasks}
    planned: dict[tuple[int, str], float] = {}
    for row in amounts:
        key = (row["year"], sections[row["task_code"]] if by_section else "")
        planned[key] = planned.get(key, 0.0) + row["amount_mvnd"]
    for (year, code), amount in sorted(planned.items()):
        section = code or None
        if year > EXECUTION_UNTIL:
            continue
        allocated = round(amount * rng.uniform(0.85, 1.0))
        disbursed = round(allocated * rng.uniform(0.75, 1.0))
        common = {
            "programme_id": programme.pid,
            "source_file": SOURCE,
            "source_line": str(programme.line),
            "year": year,
            "section_code": section,
            "task_code": None,
        }
        for measure, value in (("allocated", allocated), ("disbursed", disbursed)):
            tables["budget_execution"].append(
                {
                    **common,
                    "measure": measure,
                    "printed_text": format_number(value, 0, "vi"),
                    "amount_mvnd": float(value),
                    "precision": 1.0,
                }
            )
        pct = round(100.0 * disbursed / allocated, 1) if allocated else 0.0
        where = f"mục {section}" if section else "toàn chương trình"
        tables["stated_percentages"].append(
            {
                **common,
                "location": f"Giải ngân / vốn giao năm {year}, {where} (tổng hợp)",
                "location_en": f"Disbursed / allocated {year}, {section or 'programme'} "
                "(synthetic)",
                "numerator": "disbursed",
                "denominator": "allocated",
                "printed_text": format_pct(pct, 1, "vi"),
                "context": "Dữ liệu tổng hợp / synthetic",
                "note": "tổng hợp / synthetic",
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
# Each record also draws its day within its year (stored as made_on); one
# made on or after the merger date names the successor of its programme's province (itself for
# the 34), and the date is compared per record against one value, so no join grows with records.
SUPPORT_SQL = """
insert into support_records by name
with merger as (
    select max(changed_on) as merger_date from provinces
),
numbered_programmes as (
    select
        row_number() over (order by p.programme_id) - 1 as k,
        p.programme_id,
        p.province,
        r.successor,
        p.period_start,
        p.period_end,
        t.n_tasks
    from programmes as p
    join provinces as r on r.province = p.province
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
),
drawn as (
    select
        d.i,
        p.programme_id,
        p.province,
        p.successor,
        p.period_start + (hash(d.i, $seed, 2) % (p.period_end - p.period_start + 1))::integer
            as year,
        t.task_code
    from draws as d
    join numbered_programmes as p on p.k = d.k
    join numbered_tasks as t
        on t.programme_id = p.programme_id and t.j = hash(d.i, $seed, 6) % p.n_tasks
),
dated as (
    select
        *,
        make_date(year, 1, 1) + (
            hash(i, $seed, 7) % date_diff('day', make_date(year, 1, 1), make_date(year + 1, 1, 1))
        )::integer as made_on
    from drawn
)
select
    d.programme_id,
    case when d.made_on >= m.merger_date then d.successor else d.province end as province,
    'Huyện ' || (1 + (hash(d.i, $seed, 1) % 12))::varchar as district,
    d.year,
    d.made_on,
    d.task_code,
    'Cơ sở ' || (hash(d.i, $seed, 3) % 200000)::varchar as establishment,
    -- one establishment per (province written, name), as the support queries always counted
    'synth:' || (case when d.made_on >= m.merger_date then d.successor else d.province end)
        || ':' || (hash(d.i, $seed, 3) % 200000)::varchar as establishment_id,
    round(5 + (hash(d.i, $seed, 4) % 50000) / 100.0, 1) as amount_mvnd,
    (1 + hash(d.i, $seed, 5) % 60)::integer as beneficiaries,
    -- khuyến công quốc gia for one record in five, the province's own budget for the rest
    case when hash(d.i, $seed, 8) % 5 = 0 then 'trung_uong' else 'dia_phuong' end
        as funding_source,
    case when d.year < 2025 then 'accepted' else 'approved' end as status,
    'synthetic' as source_file
from dated as d
cross join merger as m
order by d.i
"""


def synthesise(
    db_path: Path,
    provinces: int = 63,
    periods: int = 3,
    records: int = 0,
    seed: int = 1,
    latest: int | None = None,
) -> dict[str, int]:
    """Write a synthetic database at `db_path` (atomically), with `records` support records.

    `periods` and `latest` choose the periods as choose_periods does (raises ValueError for more
    periods than the table has).
    """
    tables = generate_tables(provinces, periods, seed, latest)
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
