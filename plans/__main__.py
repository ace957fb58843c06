"""Command line: `python -m plans build [--db PATH] [--data DIR] [--lang vi|en]`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from plans import settings
from plans.data import faults, imports
from plans.data.build import BuildError, build
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
    p_import = sub.add_parser(
        "import",
        help="import a plan table, results report or support records (CSV/XLSX), or a decision"
        " document (DOCX, PDF with a text layer, TXT/MD)",
    )
    p_import.add_argument("file", type=Path)
    p_import.add_argument(
        "--kind",
        choices=("plan", "results", "support"),
        default=None,
        help="what the file holds (default: from its columns)",
    )
    p_import.add_argument(
        "--separate",
        default="",
        metavar="ROW[,ROW]",
        help="support records: rows whose establishment is not the earlier one the check"
        " recognised (the summary lists these decisions)",
    )
    # what a decision document's heading may not print (the document's own words win)
    p_import.add_argument("--province", default="", help="province, e.g. 'Hà Nội'")
    p_import.add_argument("--period", default="", help="period, e.g. 2021-2025 (or 2021)")
    p_import.add_argument("--title", default="", help="the programme's title")
    p_import.add_argument("--decision", default="", help="decision number, e.g. 4153/QĐ-UBND")
    p_import.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    p_import.add_argument("--editor", default=os.environ.get("USER", "cli"), help="who imports")
    sub.add_parser("imports", help="list the stored imports")
    p_remove = sub.add_parser("remove", help="remove one import and rebuild without it")
    p_remove.add_argument("import_id")
    p_template = sub.add_parser("template", help="write an import template (CSV or XLSX)")
    p_template.add_argument("--kind", choices=("plan", "results", "support"), default="plan")
    p_template.add_argument("--period", required=True, help="2026-2030, or 2026 for one year")
    # Own dest, as for report: a sub-parser default would overwrite the top-level --lang.
    p_template.add_argument("--lang", dest="template_lang", choices=("vi", "en"), default=None)
    p_template.add_argument("--out", type=Path, required=True, help="the .csv or .xlsx to write")
    p_hash = sub.add_parser("hash-password", help="print the stored form of an editor's password")
    p_hash.add_argument(
        "--iterations", type=int, default=None, help="PBKDF2 rounds (default 600000)"
    )
    p_deck = sub.add_parser("deck", help="write a programme's slides (PPTX) from the database")
    p_deck.add_argument("--programme", required=True, help="programme id, e.g. HN-2021-2025")
    p_deck.add_argument("--charts", default="", help="chart keys in slide order (default all)")
    p_deck.add_argument("--lang", dest="deck_lang", choices=("vi", "en"), default=None)
    p_deck.add_argument("--out", type=Path, required=True, help="the PPTX file to write")
    p_report = sub.add_parser("report", help="write a programme's printable PDF report")
    p_report.add_argument("--programme", required=True, help="programme id, e.g. HN-2021-2025")
    p_report.add_argument("--charts", default="", help="chart keys, comma-separated (default all)")
    # Own dest: a sub-parser default would overwrite the top-level --lang.
    p_report.add_argument("--lang", dest="report_lang", choices=("vi", "en"), default=None)
    p_report.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    p_synth = sub.add_parser("synth", help="write a synthetic national database (scale tests)")
    p_synth.add_argument(
        "--provinces",
        type=int,
        default=63,
        help="the first N of the 63 provinces (alphabetical) before 1/7/2025; after it, their"
        " successors among the 34 (default 63)",
    )
    p_synth.add_argument(
        "--periods",
        type=int,
        default=3,
        help="the last N periods of data/reference/periods.csv up to --latest (default 3 ="
        " 2011-2025; 4 adds 2026-2030)",
    )
    p_synth.add_argument(
        "--latest",
        type=int,
        default=None,
        help="start year of the latest period written (default: 2021-2025, or later ones when"
        " --periods asks for more)",
    )
    p_synth.add_argument("--records", type=int, default=0, help="support records (up to 10M)")
    p_synth.add_argument("--seed", type=int, default=1)
    p_synth.add_argument("--db", type=Path, required=True)
    args = parser.parse_args(argv)
    # faults.explain logs a fault's traceback; at the prompt it is shown only when asked for
    shown = logging.ERROR if os.environ.get("PLANS_TRACEBACK") == "1" else logging.CRITICAL + 1
    logging.basicConfig(level=shown, format="%(name)s: %(message)s")
    try:
        return _command(args, p_import, p_synth)
    except KeyboardInterrupt:
        return 130  # the shell's code for Ctrl-C; a write in progress was rolled back
    except Exception as exc:
        # a traceback names the server's files and helps no one at the prompt: the message
        # says what happened and what to do, the log (stderr with PLANS_TRACEBACK=1) the rest
        explained = faults.explain(exc, args.lang, args.command)
        print(explained.message, file=sys.stderr)
        return explained.code


def _command(
    args: argparse.Namespace, p_import: argparse.ArgumentParser, p_synth: argparse.ArgumentParser
) -> int:
    """Run the parsed sub-command; its faults go up to main's single handler."""
    if args.command == "import":
        given = _given(args.province, args.period, args.title, args.decision)
        try:
            separate = [int(row) for row in args.separate.split(",") if row.strip()]
        except ValueError:
            p_import.error(f"--separate: {args.separate!r}")
        return _import(args.file, args.dry_run, args.editor, args.lang, given, args.kind, separate)
    if args.command == "template":
        return _template(args.kind, args.period, args.template_lang or args.lang, args.out)
    if args.command == "imports":
        for record in imports.list_imports():
            print(
                f"{record['id']}  {record['when']}  {record['editor']}  {record['kind']}  "
                f"{record['programme_id']}  {record['filename']}"
            )
        return 0
    if args.command == "remove":
        try:
            imports.remove(args.import_id)
        except KeyError:
            print(t("data.no_import", args.lang, id=args.import_id), file=sys.stderr)
            return 1
        print(t("data.removed", args.lang, id=args.import_id))
        return 0
    if args.command == "report":
        from plans.present import report

        keys = [key.strip() for key in args.charts.split(",") if key.strip()] or None
        return report.cli(args.programme, keys, args.report_lang or args.lang, args.out)
    if args.command == "deck":
        from plans.present.deck import (
            write_deck,  # python-pptx and kaleido load only for this command
        )

        code, message = write_deck(
            settings.DB_PATH, args.programme, args.charts, args.deck_lang or args.lang, args.out
        )
        print(message, file=sys.stderr if code else sys.stdout)
        return code
    if args.command == "hash-password":
        return _hash_password(args.iterations)
    if args.command == "synth":
        from plans.data.synth import synthesise

        try:
            counts = synthesise(
                args.db, args.provinces, args.periods, args.records, args.seed, args.latest
            )
        except ValueError as exc:  # more periods than the table has
            p_synth.error(str(exc))
        print(", ".join(f"{k}={v}" for k, v in counts.items()), f"-> {args.db}")
        return 0
    if args.command == "build":
        try:
            # under the imports' lock: a start's recovery never takes its file for a leftover
            with imports.write_lock(settings.IMPORTS_DIR):
                counts = build(args.db, args.data)
        except BuildError as exc:
            print(exc.report(args.lang), file=sys.stderr)
            return 1
        print(t("data.build_ok", args.lang, path=args.db, **counts))
    return 0


def _given(province: str, period: str, title: str, decision: str) -> dict[str, str]:
    """The --province --period --title --decision options as template columns (blank: left out)."""
    start, _, end = period.strip().partition("-")
    given = {
        "tinh": province.strip(),
        "ten_chuong_trinh": title.strip(),
        "nam_bat_dau": start.strip(),
        "nam_ket_thuc": (end or start).strip(),
        "so_quyet_dinh": decision.strip(),
    }
    return {column: value for column, value in given.items() if value}


def _import(
    path: Path,
    dry_run: bool,
    editor: str,
    lang: str,
    given: dict[str, str] | None = None,
    kind: str | None = None,
    separate: list[int] | None = None,
) -> int:
    """Validate a file, print the report, store it unless --dry-run or errors.

    A support file's summary is printed either way: it lists the establishments recognised
    as earlier ones, which --separate undoes (by row) before anything is stored.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"{path}: {exc.strerror}", file=sys.stderr)
        return 1
    staged = imports.validate(path.name, data, kind=kind, given=given or None)
    print(staged.report(lang))
    if staged.errors:
        return 1
    if separate:
        if staged.support is None:
            print(t("import.separate_not_support", lang), file=sys.stderr)
            return 1
        try:
            imports.separate(staged, separate)
        except imports.RowsNotStagedError as exc:
            print(exc.text(lang), file=sys.stderr)
            return 1
    if dry_run or staged.support is not None:
        print(staged.summary(lang))  # what would be stored, as the preview shows it
    if dry_run:
        return 0
    try:
        import_id = imports.commit(staged, data, editor)
    except BuildError as exc:  # another import came in since: the rows no longer fit
        print(exc.report(lang), file=sys.stderr)
        return 1
    print(t("data.imported", lang, id=import_id, programme=staged.programme_id))
    return 0


def _template(kind: str, period: str, lang: str, out: Path) -> int:
    """Write the template of a kind and period; say what it holds (a blank one says why)."""
    from plans.data import templates

    try:
        start, end = templates.parse_period(period)
        fmt = templates.format_of(out)
        rows, example = templates.template_rows_for(kind, start, end)
        data = (
            templates.to_csv(rows)
            if fmt == "csv"
            else templates.to_xlsx(rows, lang=lang, example=example, kind=kind)
        )
        out.write_bytes(data)
    except templates.TemplateError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{out}: {exc.strerror}", file=sys.stderr)
        return 1
    label = f"{start}-{end}" if start != end else str(start)
    print(t("templates.written", lang, path=out, kind=kind, period=label, rows=len(rows) - 1))
    if kind == "support":  # a header and a guide, no invented records (templates.support_rows)
        print(t("templates.written_support", lang))
    if example is not None:
        sheet = t("templates.example_sheet", lang)
        if fmt == "xlsx":
            print(t("templates.written_blank_xlsx", lang, period=label, sheet=sheet))
        else:
            print(t("templates.written_blank_csv", lang, period=label, sheet=sheet))
    return 0


def _hash_password(iterations: int | None) -> int:
    """Read a password twice without echo; print the line an operator puts in the secrets."""
    from getpass import getpass

    from plans.auth import ITERATIONS, hash_password

    password = getpass("Password: ")
    if not password or password != getpass("Again: "):
        print("The two passwords are empty or differ.", file=sys.stderr)
        return 1
    print(hash_password(password, iterations=iterations or ITERATIONS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
