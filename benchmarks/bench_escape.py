"""What escaping a figure builder's texts costs (issue 19, point 4): plans.charts.base.literal_data
on the national province-share frame, with nothing to escape and with one marked column.

    .venv/bin/python -m benchmarks.bench_escape            (prints milliseconds, best of 5)
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from plans import db
from plans.charts.base import literal_data
from plans.data.synth import synthesise


def best_ms(run: Callable[[], object], rounds: int = 5, each: int = 40) -> float:
    """The fastest round's mean, in milliseconds (the machine is shared: the least disturbed)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(each):
            run()
        best = min(best, (time.perf_counter() - start) / each * 1000)
    return best


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "national.duckdb"
        synthesise(path, provinces=63, periods=3, records=2000, seed=5)
        con = db.connect(path, read_only=True)
        shares = db.run(con, "province_shares", boundary="current", provinces=None)
        con.close()
    marked = shares.assign(series_label=shares["series_label"] + " <b>x</b> & y")
    rows, columns = shares.shape
    print(f"province_shares: {rows} rows, {columns} columns")
    print(f"nothing to escape: {best_ms(lambda: literal_data(shares)):.2f} ms")
    print(f"one column marked: {best_ms(lambda: literal_data(marked)):.2f} ms")


if __name__ == "__main__":
    main()
