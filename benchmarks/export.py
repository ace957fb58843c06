"""Export speed: a deck of 8 charts and the same 8 charts as a PDF report, on this machine.

Prints figures (no assertions): `python -m benchmarks export [--runs 3]`. Results go into
BENCHMARKS.md. Timings are wall-clock on a shared machine: read the ratios, not the digits.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import duckdb

from plans import db, settings
from plans.data.build import ensure_database
from plans.present.deck import build_deck, catalog, deck_info
from plans.present.images import render, renderer
from plans.present.report import build_report


def eight_charts(con: duckdb.DuckDBPyConnection) -> list:
    """Eight charts from three programmes (no single programme has eight yet)."""
    charts = catalog(con, "HN-2021-2025", "vi")  # sections, years, areas, periods, provinces
    charts += [c for c in catalog(con, "HN-2011-2015", "vi") if c.key == "results"]
    charts += [c for c in catalog(con, "HN-CNHT-2021", "vi") if c.key == "timeline"]
    charts += [c for c in catalog(con, "HY-2018-2020", "vi") if c.key == "sections"]
    return charts[:8]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks export")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    ensure_database(settings.DB_PATH)
    con = db.connect(settings.DB_PATH, read_only=True)
    charts = eight_charts(con)
    info = deck_info(con, "HN-2021-2025", "vi")
    print(f"machine: {platform.processor() or platform.machine()}, {platform.python_version()}")
    print(f"charts: {len(charts)} ({', '.join(c.key for c in charts)})")

    with renderer():
        singles = []
        for chart in charts:
            t = time.perf_counter()
            render(chart.figure, "png")
            singles.append(time.perf_counter() - t)
        decks, reports = [], []
        for _ in range(args.runs):
            t = time.perf_counter()
            deck = build_deck(charts, info)
            decks.append(time.perf_counter() - t)
            t = time.perf_counter()
            pdf = build_report(charts, info)
            reports.append(time.perf_counter() - t)
    print(f"first PNG, including the browser start: {singles[0]:.2f} s")
    print(f"one PNG (3200x1800), median of {len(singles)}: {statistics.median(singles):.3f} s")
    print(f"deck of 8 charts, median of {args.runs}: {statistics.median(decks):.2f} s, "
          f"{len(deck) / 1e6:.1f} MB")  # fmt: skip
    print(f"PDF report of 8 charts, median of {args.runs}: {statistics.median(reports):.2f} s, "
          f"{len(pdf) / 1e6:.1f} MB")  # fmt: skip
    print(f"deck / one image: {statistics.median(decks) / statistics.median(singles):.1f}x")


if __name__ == "__main__":
    main()
