"""`python -m benchmarks.bench_recovery [--imports N]`: what recovery at start and the re-check
of originals cost (issue 19, points 2 and 7). Prints figures, asserts nothing.

N plans are imported into a fresh database and imports folder (bench_imports.plans); then:
recover() with nothing to find (every start pays it), recover() after one import's task table
was spoiled (it is set aside and the rest rebuilt), listing the damaged imports (each page run
of the history and data-quality pages), and citing an import's original: its first citation
(hashed) and the next (the hash kept while the file's size and time are unchanged).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_imports import plans
from plans import settings
from plans.data import imports, sources
from plans.data.build import build, ensure_database
from plans.data.registry import damaged_imports


def _ms(run: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_recovery")
    parser.add_argument("--imports", type=int, default=50)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-recovery-"))
    db, folder = work / "plans.duckdb", work / "imports"
    try:
        build(db, settings.DATA_DIR, folder)
        ids = []
        for name, data in plans(args.imports):
            staged = imports.validate(name, data, imports_dir=folder, db_path=db)
            ids.append(imports.commit(staged, data, "bench", db_path=db, imports_dir=folder))
        print(f"{args.imports} imports stored")
        print(f"recover(), nothing to find: {_ms(lambda: imports.recover(folder, db)):.1f} ms")
        # what the start paid before: the stale-file check alone
        print(f"ensure_database() alone: {_ms(lambda: ensure_database(db, None, folder)):.1f} ms")
        print(f"damaged_imports(), none: {_ms(lambda: damaged_imports(folder), 20):.2f} ms")
        (folder / ids[0] / "tables" / "tasks.csv").write_text("rác\n", encoding="utf-8")
        start = time.perf_counter()
        report = imports.recover(folder, db)
        spent = time.perf_counter() - start
        print(
            f"recover(), one import spoiled: {spent:.2f} s "
            f"(set aside {report.quarantined}, rebuilt {report.rebuilt})"
        )
        print(f"damaged_imports(), one: {_ms(lambda: damaged_imports(folder), 20):.2f} ms")
        second = folder / ids[1]
        original = next(second.glob("original.*"))
        start = time.perf_counter()
        sources.import_lines(second)
        first_ms = (time.perf_counter() - start) * 1000
        print(
            f"first citation of an original ({original.stat().st_size / 1000:.0f} kB, hashed): "
            f"{first_ms:.2f} ms; next: {_ms(lambda: sources.import_lines(second), 50):.3f} ms"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
