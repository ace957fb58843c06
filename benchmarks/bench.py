"""`python -m benchmarks queries`: query latency at three sizes, DuckDB against pandas and SQLite.

For each size (seed documents; 63 provinces; 63 provinces with N support records) the database
is built in a child process (build time, the child's peak memory, file size); then every query
in queries/ runs with representative parameters (`param_sets`) on a read-only DuckDB connection,
and the same result is computed with pandas (plans/bench_ports.py) and with SQLite
(plans/bench_sqlite.py) in the same run, each compared with DuckDB's rows. Figures are printed
(and written as JSON with --json), never asserted: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from benchmarks import bench_ports, bench_sqlite
from plans import db, settings
from plans.data.build import DERIVED, SUPPORT_DERIVED

ROOT = Path(__file__).resolve().parent.parent
SIZES = ("seed", "national", "national-10m")
SIZE_TEXT = {
    "seed": "the seed documents (data/)",
    "national": "63 provinces x 3 periods, no support records",
    "national-10m": "63 provinces x 3 periods, {records:,} support records",
}
GOAL_P95_S = 0.100
GOAL_RATIO = 10.0
REL_TOL = 1e-9
ABS_TOL = 1e-9  # near zero a relative tolerance means nothing (sums that cancel to 1e-13)
SUPPORT_FILTERED = 5  # provinces in the support queries' "filtered" parameter set
FIXED_PARAMS = {
    # the same value for every query; programme-, year- and province-valued parameters
    # come from the database (see `context`)
    "area_mode": "content_area",
    "area": None,
    "level": "content_area",
    "provinces": None,
    "boundary": "current",  # the dashboard's default view: provinces as since 1/7/2025
    "price_year": None,
    "kind": None,
    "section_code": None,
    "content_area": None,
    "limit": 20,
}
OutFn = Callable[[str], None]


# --- small helpers ---------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile, linear between the closest ranks (numpy's default method)."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * pct / 100
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def fmt_s(seconds: float | None) -> str:
    """0.42 ms, 12.3 ms, 1.23 s, 65 s."""
    if seconds is None:
        return "-"
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 60:
        return f"{seconds:.2f} s"
    return f"{seconds:.0f} s"


def fmt_bytes(n: float | None) -> str:
    if n is None:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def fmt_ratio(r: float | None) -> str:
    if r is None:
        return "-"
    if r >= 10:
        return f"{r:.0f}x"
    return f"{r:.1f}x" if r >= 0.1 else f"{r:.2f}x"


@dataclass
class Timing:
    """Seconds of the counted runs of one engine on one query, and its last result."""

    times: list[float]
    warmup_counted: bool = False  # a single slow run: no separate warm-up
    result: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def p50(self) -> float:
        return percentile(self.times, 50)

    @property
    def p95(self) -> float:
        return percentile(self.times, 95)


def measure(fn: Callable[[], pd.DataFrame], runs: int, budget_s: float | None) -> Timing:
    """One warm-up run, then `runs` counted runs.

    With a time budget (pandas, SQLite, DuckDB build queries) the counted runs stop once the
    budget is spent (at least one); a first run longer than the whole budget is itself the only
    measurement (warmup_counted).
    """
    start = time.perf_counter()
    result = fn()
    first = time.perf_counter() - start
    if budget_s is not None and first > budget_s:
        return Timing([first], warmup_counted=True, result=result)
    times: list[float] = []
    spent = first
    while len(times) < runs and (budget_s is None or not times or spent < budget_s):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        spent += elapsed
    return Timing(times, result=result)


# --- agreement ---------------------------------------------------------------------------


def _normalise(series: pd.Series) -> tuple[str, np.ndarray]:
    """('num', float array with NaN) | ('text', object array with None) | ('null', ...)."""
    missing = series.isna().to_numpy()
    if missing.all():
        return "null", np.full(len(series), np.nan)
    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
        return "num", series.astype("float64").to_numpy(dtype="float64", na_value=np.nan)
    values = series.to_numpy(dtype=object)
    kinds = set(map(type, values[~missing]))
    if all(issubclass(k, int | float | np.integer | np.floating | np.bool_) for k in kinds):
        out = np.full(len(values), np.nan)
        out[~missing] = values[~missing].astype("float64")
        return "num", out
    text = series.astype(str).to_numpy(dtype=object) if kinds != {str} else values.copy()
    text[missing] = None
    return "text", text


def _order(columns: dict[str, tuple[str, np.ndarray]]) -> np.ndarray:
    """Row order by every column: exact columns (text, whole numbers) first, then floats rounded."""
    keys: dict[str, Any] = {}
    exact = [
        c
        for c, (kind, a) in columns.items()
        if kind == "text" or (kind == "num" and np.all(np.isnan(a) | (np.mod(a, 1) == 0)))
    ]
    floats = [c for c, (kind, _) in columns.items() if kind == "num" and c not in exact]
    for c in [*exact, *floats]:
        kind, a = columns[c]
        keys[c] = a if kind == "text" or c in exact else np.round(a, 6)
    if not keys:
        return np.arange(0)
    frame = pd.DataFrame(keys)
    return frame.sort_values(list(keys), na_position="last", kind="mergesort").index.to_numpy()


def _show(v: Any) -> str:
    if isinstance(v, np.floating | float):
        v = float(v)
        if math.isnan(v):
            return "NULL"
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if v is None:
        return "NULL"
    text = str(v)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def compare(expected: pd.DataFrame, got: pd.DataFrame, examples: int = 3) -> str:
    """'ok' when both hold the same rows (any order; floats within REL_TOL), else what differs."""
    want, have = list(expected.columns), list(got.columns)
    if set(want) != set(have) or len(want) != len(have):
        missing = [c for c in want if c not in have]
        extra = [c for c in have if c not in want]
        return f"columns differ: missing {missing}, extra {extra}"
    got = got[want]
    cols_e, cols_g = {}, {}
    for c in want:
        ke, ae = _normalise(expected[c])
        kg, ag = _normalise(got[c])
        if "null" in (ke, kg):  # an all-NULL column takes the other side's kind
            kind = kg if ke == "null" else ke
            if ke == "null":
                ae = np.full(len(ae), np.nan) if kind != "text" else np.full(len(ae), None)
            if kg == "null":
                ag = np.full(len(ag), np.nan) if kind != "text" else np.full(len(ag), None)
            ke = kg = "num" if kind == "null" else kind
        if ke != kg:
            return f"column {c}: {'numbers' if ke == 'num' else 'text'} expected, got " + (
                "numbers" if kg == "num" else "text"
            )
        cols_e[c], cols_g[c] = (ke, ae), (kg, ag)
    if len(expected) != len(got):
        return _row_count_diff(cols_e, cols_g, len(expected), len(got), examples)
    if not len(expected):
        return "ok"
    oe, og = _order(cols_e), _order(cols_g)
    problems: list[str] = []
    n_bad = 0
    for c in want:
        kind, ae = cols_e[c]
        ae = ae[oe]
        ag = cols_g[c][1][og]
        if kind == "num":
            both_nan = np.isnan(ae) & np.isnan(ag)
            with np.errstate(invalid="ignore"):
                close = (ae == ag) | (
                    np.abs(ae - ag)
                    <= np.maximum(REL_TOL * np.maximum(np.abs(ae), np.abs(ag)), ABS_TOL)
                )
            bad = ~(both_nan | close)
        else:
            bad = np.asarray(ae != ag, dtype=bool)
        if bad.any():
            n_bad += int(bad.sum())
            for i in np.flatnonzero(bad)[: max(0, examples - len(problems))]:
                problems.append(f"row {i} {c}: DuckDB {_show(ae[i])}, got {_show(ag[i])}")
    if not n_bad:
        return "ok"
    return f"{n_bad} values differ (rows sorted): " + "; ".join(problems)


def _row_count_diff(
    cols_e: dict[str, tuple[str, np.ndarray]],
    cols_g: dict[str, tuple[str, np.ndarray]],
    n_e: int,
    n_g: int,
    examples: int,
) -> str:
    text = f"{n_e} rows expected, got {n_g}"
    if max(n_e, n_g) > 200_000:
        return text

    def rows(cols: dict[str, tuple[str, np.ndarray]], n: int) -> list[tuple[Any, ...]]:
        arrays = [
            [
                None if (k == "num" and math.isnan(v)) else (round(v, 6) if k == "num" else v)
                for v in a
            ]
            for k, a in cols.values()
        ]
        return [tuple(a[i] for a in arrays) for i in range(n)]

    re_, rg = rows(cols_e, n_e), rows(cols_g, n_g)
    sg, se = set(rg), set(re_)
    missing = [r for r in re_ if r not in sg]
    extra = [r for r in rg if r not in se]
    names = list(cols_e)
    for label, found in (("missing", missing), ("extra", extra)):
        if found:
            shown = "; ".join(
                "(" + ", ".join(f"{n}={_show(v)}" for n, v in zip(names, r, strict=True)) + ")"
                for r in found[:examples]
            )
            text += f"; {len(found)} {label}: {shown}"
    return text


# --- databases ----------------------------------------------------------------------------


def _child_build(kind: str, path: str, records: str, seed: str, imports_dir: str) -> None:
    """Runs in the child process: build one database, print its own seconds as JSON."""
    start = time.perf_counter()
    if kind == "seed":
        from plans.data.build import build

        build(Path(path), settings.DATA_DIR, Path(imports_dir))
    else:
        from plans.data.synth import synthesise

        synthesise(Path(path), 63, 3, int(records), int(seed))
    print(json.dumps({"seconds": time.perf_counter() - start}))


def build_database(size: str, path: Path, records: int, seed: int) -> dict[str, Any]:
    """Build a size's database in a child process: seconds, the child's peak memory, file size.

    The seed size builds from data/ with an empty imports folder (the developer's own imports
    are not part of the benchmark).
    """
    path.unlink(missing_ok=True)
    imports_dir = Path(tempfile.mkdtemp(prefix="bench-imports-"))
    log = path.with_suffix(".build.log")
    kind = "seed" if size == "seed" else "synth"
    n = records if size == "national-10m" else 0
    code = "import sys; from benchmarks.bench import _child_build; _child_build(*sys.argv[1:])"
    cmd = [sys.executable, "-c", code, kind, str(path), str(n), str(seed), str(imports_dir)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    shutil.rmtree(imports_dir, ignore_errors=True)
    text = log.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"building {size} failed (exit {proc.returncode}):\n{text[-2000:]}")
    seconds = json.loads(text.strip().splitlines()[-1])["seconds"]
    return {
        "seconds": seconds,
        "wall_seconds": wall,
        "peak_rss_bytes": usage.ru_maxrss * 1024,  # Linux reports KiB
        "file_bytes": path.stat().st_size,
        "records": n,
    }


def _table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return table in bench_sqlite.duckdb_tables(con)


def context(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Values the representative parameters are drawn from (see `param_sets`)."""
    largest = con.execute(
        """
        with n as (select programme_id, count(*) as n from budget_lines group by programme_id)
        select p.programme_id, p.province, p.period_start, p.period_end
        from programmes as p left join n using (programme_id)
        order by n.n desc nulls last, p.period_end desc, p.programme_id
        limit 1
        """
    ).fetchone()
    timed = con.execute(
        """
        select programme_id from tasks
        where month_start is not null and month_end is not null
        group by programme_id order by count(*) desc, programme_id limit 1
        """
    ).fetchone()
    with_results = con.execute(
        "select programme_id from target_results group by programme_id "
        "order by count(*) desc, programme_id limit 1"
    ).fetchone()
    if _table_exists(con, "support_records"):
        provinces = [
            r[0]
            for r in con.execute(
                # names in the default (current) view: the records' provinces' successors
                "select distinct p.successor from support_records as r "
                "inner join provinces as p using (province) order by 1"
            ).fetchall()
        ]
        last_year = con.execute("select max(year) from support_records").fetchone()[0]
        n_records = con.execute("select count(*) from support_records").fetchone()[0]
    else:
        provinces, last_year, n_records = [], None, None
    if not provinces:
        provinces = [
            r[0]
            for r in con.execute(
                "select distinct p.successor from programmes as r "
                "inner join provinces as p using (province) order by 1"
            ).fetchall()
        ]
    step = max(1, len(provinces) // SUPPORT_FILTERED)
    successor = dict(con.execute("select province, successor from provinces").fetchall())
    return {
        "programme_id": largest[0],
        "province": successor.get(largest[1], largest[1]),
        "period": (largest[2], largest[3]),
        "timed_programme": timed[0] if timed else largest[0],
        "results_programme": with_results[0] if with_results else largest[0],
        "support_provinces": provinces[::step][:SUPPORT_FILTERED],
        "support_last_year": last_year or 2025,
        "support_records": n_records,
    }


def param_sets(name: str, ctx: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Representative parameters of a query: (label, params) pairs.

    - programme_id: the programme with the most budget lines (the largest), except
      timeline_tasks (the programme with the most timed tasks) and target_page_results (the one
      with the most reported results), so their pages are not empty;
    - year_from/year_to: that programme's period without its first year (the filter filters);
    - province: that programme's province; provinces: null (every province);
    - area_mode 'content_area', area null, level 'content_area', price_year null (latest CPI
      year), kind/section_code/content_area null (everything), limit 20;
    - the support aggregations run twice: 'all' (no filter) and 'filtered' (5 provinces spread
      over the alphabet, the last 5 record years, content area 'KC1').
    """
    wanted = db.query_params(name)
    values = dict(FIXED_PARAMS)
    values["programme_id"] = {
        "timeline_tasks": ctx["timed_programme"],
        "target_page_results": ctx["results_programme"],
    }.get(name, ctx["programme_id"])
    values["year_from"] = ctx["period"][0] + 1
    values["year_to"] = ctx["period"][1]
    values["province"] = ctx["province"]
    unknown = wanted - values.keys() - {"y0", "y1"}
    if unknown:
        raise KeyError(f"no representative value for ${', $'.join(sorted(unknown))}")
    if {"y0", "y1"} <= wanted:
        last = ctx["support_last_year"]
        everything = {k: values[k] for k in wanted if k not in ("y0", "y1")} | {
            "y0": None,
            "y1": None,
        }
        filtered = everything | {
            "provinces": ctx["support_provinces"],
            "y0": last - 4,
            "y1": last,
            "content_area": "KC1",
        }
        return [("all", everything), ("filtered", filtered)]
    return [("", {k: values[k] for k in wanted})]


def is_build_query(name: str) -> bool:
    """A query materialised as a table at build and read as that table (no parameters)."""
    return name in DERIVED and not db.query_params(name)


# --- one size -----------------------------------------------------------------------------


@dataclass
class EngineResult:
    """One engine on one query: timing, or 'no port' / an error, and agreement with DuckDB."""

    status: str  # 'ok' | 'no port' | 'error'
    p50: float | None = None
    p95: float | None = None
    runs: int = 0
    warmup_counted: bool = False
    ratio: float | None = None  # p50 / DuckDB p50
    agree: str | None = None
    detail: str | None = None  # why no port / the error / how the SQL was made


@dataclass
class QueryResult:
    name: str
    label: str
    params: dict[str, Any]
    build_query: bool
    rows: int | None = None
    duckdb: EngineResult | None = None
    pandas: EngineResult | None = None
    sqlite: EngineResult | None = None
    sqlite_same_sql: EngineResult | None = None  # support: DuckDB's SQL on the pre-aggregates


def _engine(
    fn: Callable[[], pd.DataFrame],
    runs: int,
    budget: float | None,
    reference: Timing | None,
) -> tuple[EngineResult, Timing | None]:
    try:
        timing = measure(fn, runs, budget)
    except Exception as exc:  # a port's failure is a result to show, not a crash
        return EngineResult("error", detail=f"{type(exc).__name__}: {exc}"[:300]), None
    res = EngineResult(
        "ok", p50=timing.p50, p95=timing.p95, runs=len(timing.times),
        warmup_counted=timing.warmup_counted,
    )  # fmt: skip
    if reference is not None:
        res.ratio = timing.p50 / reference.p50 if reference.p50 > 0 else None
        try:
            res.agree = compare(reference.result, timing.result)
        except Exception as exc:
            res.agree = f"comparison failed: {type(exc).__name__}: {exc}"[:300]
    return res, timing


def bench_queries(
    duck_path: Path,
    sqlite_path: Path,
    frames: bench_ports.Frames,
    runs: int,
    budget: float,
    names: list[str] | None = None,
    out: OutFn = print,
) -> list[QueryResult]:
    """Every query (or `names`) with its parameter sets on the three engines; rows printed live."""
    results: list[QueryResult] = []
    con = db.connect(duck_path, read_only=True)
    lite = bench_sqlite.connect(sqlite_path)
    try:
        ctx = context(con)
        out(_row_header())
        for name in names or db.query_names():
            build_q = is_build_query(name)
            try:
                sets = param_sets(name, ctx)
            except KeyError as exc:
                q = QueryResult(name, "", {}, build_q)
                q.duckdb = EngineResult("error", detail=str(exc))
                results.append(q)
                out(_row(q))
                continue
            for label, params in sets:
                q = QueryResult(name, label, params, build_q)
                q.duckdb, duck = _engine(
                    lambda name=name, params=params: db.run(con, name, **params),
                    runs, budget if build_q else None, None,
                )  # fmt: skip
                if duck is not None:
                    q.rows = len(duck.result)
                q.pandas = _pandas(name, params, frames, runs, budget, duck)
                q.sqlite = _sqlite(name, params, lite, runs, budget, duck, same_sql=False)
                if name in bench_sqlite.RECORDS_SQL:
                    q.sqlite_same_sql = _sqlite(name, params, lite, runs, budget, duck, True)
                results.append(q)
                out(_row(q))
                if duck is not None:
                    duck.result = None  # a 10M-row result is not kept past its row
    finally:
        lite.close()
        con.close()
    return results


def _pandas(
    name: str,
    params: dict[str, Any],
    frames: bench_ports.Frames,
    runs: int,
    budget: float,
    duck: Timing | None,
) -> EngineResult:
    port = bench_ports.PORTS.get(name)
    if port is None:
        return EngineResult("no port", detail=bench_ports.NO_PORT.get(name, "not written yet"))
    return _engine(lambda: port(frames, params), runs, budget, duck)[0]


def _sqlite(
    name: str,
    params: dict[str, Any],
    lite: sqlite3.Connection,
    runs: int,
    budget: float,
    duck: Timing | None,
    same_sql: bool,
) -> EngineResult:
    try:
        if same_sql:
            sql, how = bench_sqlite.shim(db.load_query(name)), "shim"
        else:
            sql, how = bench_sqlite.sql_for(name)
    except Exception as exc:
        return EngineResult("no port", detail=f"shim cannot translate: {exc}")
    if sql is None:
        return EngineResult("no port", detail=how)
    res = _engine(lambda: bench_sqlite.run(lite, sql, params), runs, budget, duck)[0]
    res.detail = res.detail or how
    return res


# --- printing -------------------------------------------------------------------------------

_W = (36, 9, 9, 9, 3, 21, 21, 11)


def _row_header() -> str:
    head = ("query", "params", "DuckDB p50", "p95", "n", "pandas p50 (n) ratio",
            "SQLite p50 (n) ratio", "agree pd/sq")  # fmt: skip
    return "  ".join(h.ljust(w) for h, w in zip(head, _W, strict=True)).rstrip()


def _cell(e: EngineResult | None) -> str:
    if e is None:
        return "-"
    if e.status == "no port":
        return "no port"
    if e.status == "error":
        return "error"
    n = f"({e.runs}{'*' if e.warmup_counted else ''})"
    return f"{fmt_s(e.p50)} {n} {fmt_ratio(e.ratio)}"


def _agree(e: EngineResult | None) -> str:
    if e is None or e.status != "ok":
        return "-"
    return "ok" if e.agree == "ok" else "DIFF"


def _row(q: QueryResult) -> str:
    name = q.name + (" (build)" if q.build_query else "")
    d = q.duckdb
    if d is None or d.status != "ok":
        cells = [name, q.label, "error", "", "", _cell(q.pandas), _cell(q.sqlite), ""]
    else:
        cells = [
            name, q.label, fmt_s(d.p50), fmt_s(d.p95),
            f"{d.runs}{'*' if d.warmup_counted else ''}",
            _cell(q.pandas), _cell(q.sqlite), f"{_agree(q.pandas)}/{_agree(q.sqlite)}",
        ]  # fmt: skip
    return "  ".join(str(c).ljust(w) for c, w in zip(cells, _W, strict=True)).rstrip()


def _notes(results: list[QueryResult]) -> list[str]:
    """Footnotes: errors, missing ports, disagreements, SQLite's way of running each query."""
    lines = []
    for q in results:
        tag = q.name + (f" [{q.label}]" if q.label else "")
        if q.duckdb and q.duckdb.status == "error":
            lines.append(f"{tag}: DuckDB error: {q.duckdb.detail}")
        for engine, e in (("pandas", q.pandas), ("SQLite", q.sqlite)):
            if e is None:
                continue
            if e.status == "error":
                lines.append(f"{tag}: {engine} error: {e.detail}")
            elif e.status == "no port":
                lines.append(f"{tag}: {engine}: no port ({e.detail})")
            elif e.agree not in (None, "ok"):
                lines.append(f"{tag}: {engine} differs from DuckDB: {e.agree}")
    return lines


def print_size(results: list[QueryResult], out: OutFn) -> None:
    """Footnotes and the support comparison of one size (the rows were printed live)."""
    notes = _notes(results)
    if notes:
        out("notes:")
        for line in notes:
            out("  " + line)
    same = [q for q in results if q.sqlite_same_sql is not None]
    if same:
        out(
            "SQLite running DuckDB's own SQL (dialect shim) on the same pre-aggregated tables "
            f"({', '.join(SUPPORT_DERIVED)}), ratio to DuckDB:"
        )
        for q in same:
            e = q.sqlite_same_sql
            agree = _agree(e) if e.status == "ok" else e.detail
            out(f"  {q.name} [{q.label}]: {_cell(e)}  agree {agree}")
            if e.status == "ok" and e.agree != "ok":
                out(f"    differs: {e.agree}")
    how = {}
    for q in results:
        if q.sqlite is not None and q.sqlite.status == "ok":
            how.setdefault(q.sqlite.detail, set()).add(q.name)
    if how:
        out(
            "SQLite statements: "
            + "; ".join(f"{k}: {len(v)} queries" for k, v in sorted(how.items()))
            + (f" (overrides: {', '.join(sorted(how['override']))})" if "override" in how else "")
        )


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    con = duckdb.connect()
    threads = con.execute("select current_setting('threads')").fetchone()[0]
    con.close()
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_bytes": mem,
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "duckdb_threads": threads,
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "sqlite": sqlite3.sqlite_version,
    }


def print_machine(m: dict[str, Any], args: argparse.Namespace, out: OutFn) -> None:
    out(
        f"machine: {m['cpu'] or platform.machine()}, {m['cores']} cores "
        f"({m['cores_usable']} usable), {fmt_bytes(m['memory_bytes'])}, {m['platform']}"
    )
    out(
        f"load average at start: {', '.join(f'{x:.1f}' for x in m['load_average'])} "
        "(a shared machine: read ratios measured side by side, not absolute digits)"
    )
    out(
        f"Python {m['python']}, DuckDB {m['duckdb']} ({m['duckdb_threads']} threads), "
        f"pandas {m['pandas']}, numpy {m['numpy']}, SQLite {m['sqlite']} (single-threaded, "
        "as is pandas)"
    )
    out(
        f"DuckDB: a warm-up run, then {args.runs} counted runs on one read-only connection "
        "(db.run: execute + .df()); p50/p95 over the counted runs."
    )
    out(
        f"pandas/SQLite: a warm-up run, then up to {args.runs} counted runs within "
        f"{args.budget:g} s per query (n in brackets; '*' = one run slower than the budget, "
        "no warm-up); ratio = p50 / DuckDB p50. Build queries ('(build)': materialised at "
        "build, the pages read the table) get the same budget on DuckDB."
    )
    out(
        "agree: rows compared with DuckDB's after sorting, columns by name, floats within "
        f"relative {REL_TOL:g} (absolute {ABS_TOL:g} near zero); pd/sq = pandas/SQLite."
    )


def summary(sizes: list[dict[str, Any]], out: OutFn) -> dict[str, Any]:
    """Goals at the largest size run: dashboard p95 <= 100 ms; support >= 10x pandas/SQLite."""
    if not sizes:
        return {}
    last = sizes[-1]
    results: list[QueryResult] = last["_results"]
    dash = [q for q in results if not q.build_query and q.duckdb and q.duckdb.status == "ok"]
    failed = [q for q in results if q.duckdb is None or q.duckdb.status != "ok"]
    worst = max(dash, key=lambda q: q.duckdb.p95, default=None)
    over = [q for q in dash if q.duckdb.p95 > GOAL_P95_S]
    support = [q for q in results if q.name in bench_sqlite.RECORDS_SQL]
    ratios: dict[str, float | None] = {}
    for engine in ("pandas", "sqlite", "sqlite_same_sql"):
        rs = [getattr(q, engine).ratio for q in support if getattr(q, engine) is not None]
        ratios[engine] = min((r for r in rs if r is not None), default=None)
    disagree = [
        f"{q.name}[{q.label}]/{eng}"
        for sz in sizes
        for q in sz["_results"]
        for eng in ("pandas", "sqlite")
        if getattr(q, eng) is not None
        and getattr(q, eng).status == "ok"
        and getattr(q, eng).agree != "ok"
    ]
    no_port = sorted(
        {
            f"{q.name} ({eng})"
            for q in results
            for eng in ("pandas", "sqlite")
            if getattr(q, eng) is not None and getattr(q, eng).status != "ok"
        }
    )
    out("")
    out(f"== summary (largest size run: {last['size']}) ==")
    met1 = not over and not failed
    if worst is not None:
        out(
            f"goal 1, every dashboard query p95 <= 100 ms: {'met' if met1 else 'NOT met'}; "
            f"worst p95 {fmt_s(worst.duckdb.p95)} ({worst.name}"
            f"{' [' + worst.label + ']' if worst.label else ''})"
            + (
                f"; over: {', '.join(q.name + ' ' + fmt_s(q.duckdb.p95) for q in over)}"
                if over
                else ""
            )
            + (f"; failed: {', '.join(q.name for q in failed)}" if failed else "")
        )
    met2 = bool(support) and all(
        ratios[e] is not None and ratios[e] >= GOAL_RATIO for e in ("pandas", "sqlite")
    )
    out(
        f"goal 2, support aggregations >= 10x faster than pandas and SQLite (from the records): "
        f"{'met' if met2 else 'NOT met'}; smallest ratio pandas {fmt_ratio(ratios['pandas'])}, "
        f"SQLite {fmt_ratio(ratios['sqlite'])}"
    )
    out(
        "  (SQLite running DuckDB's own SQL on the same pre-aggregates: smallest ratio "
        f"{fmt_ratio(ratios['sqlite_same_sql'])})"
    )
    out(f"agreement: {'all ok' if not disagree else 'differences in ' + ', '.join(disagree)}")
    out(f"no port or error at this size: {', '.join(no_port) if no_port else 'none'}")
    return {
        "size": last["size"],
        "goal_dashboard_p95": {
            "met": met1,
            "worst_p95_s": worst.duckdb.p95 if worst else None,
            "worst_query": worst.name if worst else None,
            "over": [q.name for q in over],
            "failed": [q.name for q in failed],
        },
        "goal_support_ratio": {"met": met2, "min_ratio": ratios},
        "disagreements": disagree,
        "no_port_or_error": no_port,
    }


# --- the command ------------------------------------------------------------------------------


def run_size(size: str, args: argparse.Namespace, workdir: Path, out: OutFn) -> dict[str, Any]:
    """Build (or reuse), load, copy, and time every query of one size."""
    path = workdir / f"{size}.duckdb"
    out("")
    text = SIZE_TEXT[size].format(records=args.records)
    out(f"== size {size}: {text} ==")
    if args.reuse and path.exists():
        build = {"seconds": None, "peak_rss_bytes": None, "file_bytes": path.stat().st_size,
                 "reused": True}  # fmt: skip
        out(f"database: reused {path} ({fmt_bytes(build['file_bytes'])}), no build time")
    else:
        out("building ...")
        build = build_database(size, path, args.records, args.seed)
        out(
            f"database build: {fmt_s(build['seconds'])} (child process, peak memory "
            f"{fmt_bytes(build['peak_rss_bytes'])}), file {fmt_bytes(build['file_bytes'])}"
        )
    start = time.perf_counter()
    with db.connect(path, read_only=True) as con:
        frames = bench_ports.load_frames(con)
        counts = {
            t: con.table(t).aggregate("count(*)").fetchall()[0][0]
            for t in ("programmes", "budget_lines", "support_records")
            if _table_exists(con, t)
        }
    load_s = time.perf_counter() - start
    frame_bytes = sum(int(f.memory_usage(deep=True).sum()) for f in frames.values())
    out("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    out(
        f"pandas: {len(frames)} tables loaded in {fmt_s(load_s)} ({fmt_bytes(frame_bytes)} in "
        "DataFrames; not counted in the query times)"
    )
    sqlite_path = workdir / f"{size}.sqlite"
    copy = bench_sqlite.copy_database(path, sqlite_path)
    out(
        f"SQLite: every table copied in {fmt_s(copy['seconds'])} ({copy['rows']:,} rows, file "
        f"{fmt_bytes(copy['bytes'])}, no indexes added, ANALYZE run; not counted in the query "
        "times)"
    )
    results = bench_queries(path, sqlite_path, frames, args.runs, args.budget, out=out)
    del frames
    print_size(results, out)
    return {
        "size": size,
        "description": text,
        "db_path": str(path),
        "build": build,
        "rows": counts,
        "pandas_load": {"seconds": load_s, "bytes": frame_bytes},
        "sqlite_copy": copy,
        "queries": [asdict(q) for q in results],
        "_results": results,
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `queries` sub-command's options (benchmarks/__main__.py)."""
    parser.add_argument(
        "--sizes", default=",".join(SIZES), help=f"comma-separated, of {', '.join(SIZES)}"
    )
    parser.add_argument("--runs", type=int, default=20, help="counted DuckDB runs per query")
    parser.add_argument(
        "--records", type=int, default=10_000_000, help="support records of national-10m"
    )
    parser.add_argument("--seed", type=int, default=1, help="synthetic data seed")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the databases here")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse databases already in --workdir (no build)"
    )
    parser.add_argument(
        "--budget", type=float, default=10.0, help="seconds per query for pandas and SQLite"
    )
    parser.add_argument("--no-browser", action="store_true", help="skip the browser benchmark")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")


def main(args: argparse.Namespace, out: OutFn = print) -> int:
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown or not sizes or args.runs < 1:
        out(f"unknown sizes {unknown}; choose from {', '.join(SIZES)} (and --runs >= 1)")
        return 2
    sizes.sort(key=SIZES.index)
    own_workdir = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="plans-bench-")) if own_workdir else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    m = machine()
    print_machine(m, args, out)
    done: list[dict[str, Any]] = []
    browser: dict[str, Any] | None = None
    try:
        for size in sizes:
            done.append(run_size(size, args, workdir, out))
        figures = summary(done, out)
        if not args.no_browser and done:
            browser = _browser(Path(done[-1]["db_path"]), out)
        out(f"bench process peak memory: {fmt_bytes(_self_peak())}")
        if args.json:
            payload = {
                "machine": m,
                "args": {
                    k: str(v) if isinstance(v, Path) else v
                    for k, v in vars(args).items()
                    if k != "func"
                },
                "sizes": [{k: v for k, v in d.items() if k != "_results"} for d in done],
                "summary": figures,
                "browser": browser,
                "peak_rss_bytes": _self_peak(),
            }
            args.json.write_text(
                json.dumps(payload, indent=1, default=_json_default), encoding="utf-8"
            )
            out(f"figures written to {args.json}")
    finally:
        if own_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _self_peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer | np.floating):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    return str(value)


def _browser(db_path: Path, out: OutFn) -> dict[str, Any] | None:
    """The dashboard pages in a browser, on the largest database (plans/bench_browser.py)."""
    try:
        from benchmarks.bench_browser import browser_bench
    except ImportError as exc:
        out(f"browser benchmark skipped: {exc}")
        return None
    out("")
    out(f"== browser: dashboard pages on {db_path.name} ==")
    return browser_bench(db_path, runs=3, out=out)
