"""Command line: `python -m plans build [--db PATH] [--data DIR] [--lang vi|en]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from plans import settings
from plans.build import BuildError, build
from plans.messages import t


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the sub-command, return the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m plans", description=__doc__)
    parser.add_argument("--lang", choices=("vi", "en"), default=settings.LANG)
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="build the DuckDB plan database from data/")
    p_build.add_argument(
        "--db",
        type=Path,
        default=settings.DB_PATH,
        help=f"output file (default {settings.DB_PATH}, env PLANS_DB)",
    )
    p_build.add_argument(
        "--data", type=Path, default=settings.DATA_DIR, help="data directory (env PLANS_DATA_DIR)"
    )
    args = parser.parse_args(argv)
    if args.command == "build":
        try:
            counts = build(args.db, args.data)
        except BuildError as exc:
            print(exc.report(args.lang), file=sys.stderr)
            return 1
        print(t("build_ok", args.lang, path=args.db, **counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
