"""`python -m benchmarks imports`: the cost of one import as imports accumulate (issue 15).

N distinct plans (the plan template's Hanoi 2021-2025 appendix under other provinces, periods
and titles) are imported one after another into a fresh database and imports folder, each
validated and committed as the import page does. The product writes an import into a copy of
the current file (plans.data.build.add_import); the full rebuild (commit(incremental=False),
the upload checked against data/ and every import read afresh) is measured beside it at the
same points, on a scratch copy of the same state. Then one import in the middle is removed.
Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import platform
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from plans import settings
from plans.data import imports, provinces, templates
from plans.data.build import build, built_from, data_checksum

PERIODS = ((2016, 2020), (2011, 2015), (2006, 2010), (2001, 2005))
_YEAR_COLUMN = re.compile(r"^(kinh_phi|so_luong)_(\d{4})$")


def plan_variant(province: str, start: int, title: str) -> bytes:
    """The template's five-year plan as `province`'s plan for start..start+4, titled `title`."""
    rows = templates.plan_rows()
    header, body = rows[0], rows[1:]
    shift = start - int(body[0][header.index("nam_bat_dau")])
    header = [
        f"{m.group(1)}_{int(m.group(2)) + shift}" if (m := _YEAR_COLUMN.match(h)) else h
        for h in header
    ]
    at = {name: header.index(name) for name in ("tinh", "ten_chuong_trinh")}
    years = header.index("nam_bat_dau"), header.index("nam_ket_thuc")
    for cells in body:
        cells[at["tinh"]], cells[at["ten_chuong_trinh"]] = province, title
        cells[years[0]], cells[years[1]] = str(start), str(start + 4)
    return templates.to_csv([header, *body])


def plans(count: int) -> list[tuple[str, bytes]]:
    """`count` distinct plans: every province of the 63 in one period, then the next period."""
    names = [p.province for p in provinces.reference()]
    out = []
    for k in range(count):
        province = names[k % len(names)]
        start, end = PERIODS[(k // len(names)) % len(PERIODS)]
        title = f"Chương trình khuyến công {province} giai đoạn {start}-{end} (thử {k + 1})"
        out.append((f"plan_{k + 1:04d}.csv", plan_variant(province, start, title)))
    return out


def _timed(step: Callable[[], object]) -> float:
    began = time.perf_counter()
    step()
    return time.perf_counter() - began


def _import(name: str, data: bytes, db: Path, folder: Path, incremental: bool = True) -> float:
    """Seconds to validate and commit one upload (the full path checks against data/ afresh)."""

    def go() -> None:
        # the full path: no current file to check against, so data/ and the imports are read
        checked_against = db if incremental else db.with_name("absent.duckdb")
        staged = imports.validate(name, data, imports_dir=folder, db_path=checked_against)
        if staged.errors:
            raise RuntimeError(staged.report("en"))
        imports.commit(
            staged, data, "bench", db_path=db, imports_dir=folder, incremental=incremental
        )

    return _timed(go)


def _scratch(db: Path, folder: Path, into: Path) -> tuple[Path, Path]:
    """A copy of the database and the imports folder, for the full path at the same state."""
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    shutil.copy(db, into / db.name)
    shutil.copytree(folder, into / folder.name, ignore=shutil.ignore_patterns(".lock"))
    return into / db.name, into / folder.name


def _same_sum(value: object) -> object:
    # a sum of doubles depends on the order DuckDB adds them in (a table appended to is
    # scanned in more pieces than one written at once): equal to 12 significant digits
    return float(f"{value:.12g}") if isinstance(value, float) else value


def tables(db: Path) -> dict[str, tuple[list[tuple[str, str]], list[str]]]:
    """Every table of a database file: its columns with their types, its rows sorted."""
    with duckdb.connect(str(db), read_only=True) as con:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        out = {}
        for name in names:
            relation = con.table(name)
            columns = list(zip(relation.columns, map(str, relation.types), strict=True))
            rows = [tuple(map(_same_sum, r)) for r in relation.fetchall()]
            out[name] = (columns, sorted(map(repr, rows)))
        return out


def run(count: int, checkpoints: list[int], workdir: Path) -> None:
    """Import `count` plans, print the figures at `checkpoints` and for one removal."""
    db, folder = workdir / "plans.duckdb", workdir / "imports"
    folder.mkdir(parents=True)
    build(db, settings.DATA_DIR, folder)
    uploads = plans(count)
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {count} plans")
    incremental: list[float] = []
    full: dict[int, float] = {}
    for k, (name, data) in enumerate(uploads, start=1):
        if k in checkpoints:
            scratch_db, scratch_imports = _scratch(db, folder, workdir / "scratch")
            full[k] = _import(name, data, scratch_db, scratch_imports, incremental=False)
        incremental.append(_import(name, data, db, folder))
        if k % 25 == 0:
            print(f"  {k} imported, last {incremental[-1]:.2f} s", flush=True)
    size = db.stat().st_size / 2**20
    print(f"database file after {count} imports: {size:.1f} MiB")
    print("import   incremental (validate + commit)   full rebuild")
    for k in checkpoints:
        print(f"{k:>6}   {incremental[k - 1]:>8.2f} s {'':>22} {full[k]:>8.2f} s")
    last = checkpoints[-1]
    print(
        f"ratio {last}th / 1st: incremental {incremental[last - 1] / incremental[0]:.2f}x, "
        f"full rebuild {full[last] / full[1]:.2f}x"
    )
    head, tail = incremental[:10], incremental[-10:]
    print(
        f"median of imports 1-10: {statistics.median(head):.2f} s, "
        f"of the last 10: {statistics.median(tail):.2f} s "
        f"({statistics.median(tail) / statistics.median(head):.2f}x)"
    )
    middle = imports.list_imports(folder)[count // 2]["id"]
    scratch_db, scratch_imports = _scratch(db, folder, workdir / "scratch")
    slow = _timed(
        lambda: imports.remove(
            middle, db_path=scratch_db, imports_dir=scratch_imports, incremental=False
        )
    )
    fast = _timed(lambda: imports.remove(middle, db_path=db, imports_dir=folder))
    print(f"remove import {middle} of {count}: incremental {fast:.2f} s, full rebuild {slow:.2f} s")
    fresh = workdir / "fresh.duckdb"
    build(fresh, settings.DATA_DIR, folder)
    same = tables(db) == tables(fresh) and built_from(db) == data_checksum(
        settings.DATA_DIR, folder
    )
    print(f"tables equal a full rebuild after the removal: {'yes' if same else 'NO'}")


def main(argv: list[str] | None = None) -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks imports", description=__doc__)
    parser.add_argument("--count", type=int, default=200, help="plans to import (default 200)")
    parser.add_argument("--workdir", type=Path, help="where to work (default: a temporary dir)")
    args = parser.parse_args(argv)
    count = max(2, args.count)
    checkpoints = sorted({1, min(50, count), count})
    if args.workdir:
        shutil.rmtree(args.workdir, ignore_errors=True)
        run(count, checkpoints, args.workdir)
        return
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as workdir:
        run(count, checkpoints, Path(workdir))
