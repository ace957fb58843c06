"""`python -m benchmarks <name>`: the benchmarks, which print figures.

They assert nothing.

- `queries`: every query in queries/ at three database sizes, DuckDB against pandas and SQLite
  computing the same result in the same run, then the pages in headless Chromium (bench.py).
- `load`: N browser sessions clicking pages and filters on one server for T seconds (load.py).
- `protocol`: N sessions speaking Streamlit's websocket protocol (no browser), each opening a
  page and changing a filter every few seconds, for N = 10…200, beside a few real browsers
  (protocol_load.py, client in protocol.py).
- `export`: the presenter kit's images, slides and PDF (export.py).
- `imports`: N plans imported one after another, incremental write against full rebuild
  (bench_imports.py).
- `validate`: checking a plan upload per 10.000 rows at three sizes, before and after
  (--old PATH), and peak memory on upload bombs (bench_validate.py).
- `support`: a support file of 200.000 rows imported (time, peak memory, progress), then 10
  million imported rows: the support queries against a synthetic database of as many
  (bench_support.py).
- `signin`: N sessions pressing sign-in at once with wrong passwords, the throttle's old
  check-then-failure sequence against plans.auth.sign_in, and an unknown name's time against
  a known one's (signin.py).

The benchmarks use the product (`plans`); the product never imports them.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Dispatch to one benchmark; its own options follow its name."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "benchmark",
        choices=(
            "queries",
            "load",
            "protocol",
            "export",
            "imports",
            "support",
            "signin",
            "validate",
        ),
    )
    args, rest = parser.parse_known_args(argv[:1])
    rest = argv[1:]
    if args.benchmark == "queries":
        from benchmarks import bench

        queries = argparse.ArgumentParser(prog="python -m benchmarks queries")
        bench.add_arguments(queries)
        return bench.main(queries.parse_args(rest))
    if args.benchmark == "load":
        from benchmarks import load

        load.main(rest)
        return 0
    if args.benchmark == "protocol":
        from benchmarks import protocol_load

        protocol_load.main(rest)
        return 0
    if args.benchmark == "imports":
        from benchmarks import bench_imports

        bench_imports.main(rest)
        return 0
    if args.benchmark == "validate":
        from benchmarks import bench_validate

        bench_validate.main(rest)
        return 0
    if args.benchmark == "support":
        from benchmarks import bench_support

        bench_support.main(rest)
        return 0
    if args.benchmark == "signin":
        from benchmarks import signin

        signin.main(rest)
        return 0
    from benchmarks import export

    export.main(rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
