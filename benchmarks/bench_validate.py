"""`python -m benchmarks validate`: the cost of checking an upload per row, and memory on bombs.

Issue 19, point 1. A plan CSV of N task rows without task numbers (the numbering, the task
totals and their check were per-row scans over the rows before: quadratic) is validated as the
import page does (plans.data.imports.validate, nothing written), at 10.000, 100.000 and
1.000.000 rows, with PLANS_MAX_ROWS raised above N so every row is read and staged; then at
the default limit (20.000), where a larger file costs only the rows up to the refusal. Each
measurement runs in a child process (its peak memory is its own: VmHWM). `--old PATH`
runs the same files against another checkout (PYTHONPATH=PATH) beside it, only at the sizes
given by --old-rows (the old code is quadratic: 10k and 20k rows). Then the bombs: a CSV of a
million rows, an XLSX of 5 million rows (a few hundred kB on disk), an XLSX with one 200 MB
shared string. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_WORKBOOK = (
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="du_lieu" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_TYPES = (
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_RELS = (
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_BOOK_RELS = (
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def workbook(rows: int, shared: list[bytes], row_xml: bytes = b"", numbered: bool = True) -> bytes:
    """An XLSX written part by part (no openpyxl): a header row of shared strings 0..k-1, then
    `rows` copies of `row_xml` (one row's cells, '{n}' the row number), and the text table
    `shared`. Repeated rows deflate to almost nothing, as a bomb's do (unnumbered rows, which
    Excel reads as the next row, all the more)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", _TYPES)
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for text in shared:
                part.write(b"<si><t>")
                for start in range(0, len(text), 1 << 24):
                    part.write(text[start : start + (1 << 24)])
                part.write(b"</t></si>")
            part.write(b"</sst>")
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetData><row r="1">'
            )
            part.write(b"".join(b'<c t="s"><v>%d</v></c>' % i for i in range(len(shared))))
            part.write(b"</row>")
            block: list[bytes] = []
            for n in range(2, rows + 2):
                block.append((b'<row r="%d">' % n if numbered else b"<row>") + row_xml + b"</row>")
                if len(block) == 10_000:
                    part.write(b"".join(block))
                    block = []
            part.write(b"".join(block) + b"</sheetData></worksheet>")
    return out.getvalue()


def plan_csv(rows: int) -> bytes:
    """A one-year plan of `rows` data rows, written as small as it can be (the issue's 20.000
    rows were 180 KB): the programme and section I on the first row, then task rows with a name
    and an amount, their number left empty (the column is there: the tasks are numbered I.1 …
    with a warning each, and each gets a suggested content area)."""
    lines = [
        "tinh,ten_chuong_trinh,nam_bat_dau,nam_ket_thuc,muc,ma_nhiem_vu,nhiem_vu,kinh_phi_2026",
        "Hà Nội,Chương trình khuyến công thử,2026,2026,I,,Hỗ trợ đào tạo nghề,",
    ]
    lines += [f",,,,,,Nv{k + 1},5" for k in range(rows - 1)]
    return ("\n".join(lines) + "\n").encode()


# A child process: validate one file, print seconds, peak memory and what was refused.
_CHILD = """
import json, sys, time
from pathlib import Path
from plans.data import imports
path, folder = Path(sys.argv[1]), sys.argv[2]
data = path.read_bytes()
began = time.process_time()
staged = imports.validate(path.name, data, imports_dir=folder)
seconds = time.process_time() - began
keys = sorted({p.key for p in staged.errors})
# VmHWM, not ru_maxrss: that one keeps the parent's peak across fork and exec
status = Path("/proc/self/status").read_text()
peak = int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM"))) / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "errors": keys}))
"""


def measure(
    path: Path, code: Path, env: dict[str, str], timeout: float
) -> dict[str, object] | None:
    """CPU seconds, peak MB and error keys of validating `path` with the checkout `code`."""
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as folder:
        env = os.environ | env | {"PYTHONPATH": str(code), "PLANS_IMPORTS_DIR": folder}
        try:
            done = subprocess.run(
                [sys.executable, "-c", _CHILD, str(path), folder],
                cwd=code,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return None
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _fmt(value: float, digits: int = 2) -> str:
    """A figure the Vietnamese way: 1.234,56."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks validate", description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--old", type=Path, help="another checkout, measured beside this one")
    parser.add_argument("--old-rows", type=int, nargs="+", default=[10_000, 20_000])
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per measurement")
    parser.add_argument("--old-timeout", type=float, default=300, help="the old code's cap")
    parser.add_argument(
        "--raised-max", type=int, default=100_000, help="the largest N staged in full"
    )
    parser.add_argument("--no-bombs", action="store_true")
    args = parser.parse_args(argv)
    print(f"# {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-validate-files-") as scratch:
        files = Path(scratch)
        sizes = sorted(set(args.rows) | set(args.old_rows if args.old else []))
        print("\n## Plan CSV, task rows without numbers: CPU s per 10.000 rows (peak MB)")
        print("| rows | file MB | this checkout, limit raised | at the default limit |"
              + (" old checkout |" if args.old else ""))  # fmt: skip
        print("|---:|---:|---:|---:|" + ("---:|" if args.old else ""))
        for rows in sizes:
            path = files / f"plan_{rows}.csv"
            path.write_bytes(plan_csv(rows))
            cells = [f"{rows:,}".replace(",", "."), _fmt(path.stat().st_size / 2**20, 1)]
            raised = (
                measure(path, ROOT, {"PLANS_MAX_ROWS": str(rows + 10)}, args.timeout)
                if rows <= args.raised_max
                else "skipped"
            )
            capped = measure(path, ROOT, {}, args.timeout)
            for result in (raised, capped):
                if result == "skipped":
                    cells.append("—")
                elif result is None:
                    cells.append(f"over {_fmt(args.timeout, 0)} s (stopped)")
                else:
                    per = float(result["seconds"]) / rows * 10_000
                    refused = " refused" if "import.too_many_rows" in result["errors"] else ""
                    cells.append(f"{_fmt(per)} s ({_fmt(float(result['peak_mb']), 0)} MB){refused}")
            if args.old:
                old = (
                    measure(path, args.old, {}, args.old_timeout) if rows in args.old_rows else None
                )
                cells.append(
                    "—"
                    if rows not in args.old_rows
                    else f"over {_fmt(args.old_timeout, 0)} s (stopped)"
                    if old is None
                    else f"{_fmt(float(old['seconds']) / rows * 10_000)} s "
                    f"({_fmt(float(old['peak_mb']), 0)} MB)"
                )
            print("| " + " | ".join(cells) + " |", flush=True)
            path.unlink()
        if args.no_bombs:
            return
        print("\n## Bombs: CPU s, peak MB, what the check said")
        print("| file | on disk | this checkout | old checkout |")
        print("|---|---:|---:|---:|")
        header = [f"cot{i}".encode() for i in range(3)]
        bombs = {
            "CSV, 1.000.000 rows": ("million.csv", lambda: plan_csv(1_000_000)),
            "XLSX, 5.000.000 rows": (
                "five_million.xlsx",
                lambda: workbook(5_000_000, header, b"<c><v>1</v></c>", numbered=False),
            ),
            "XLSX, one 200 MB shared string": (
                "shared.xlsx",
                lambda: workbook(1, [*header, b"x" * (200 * 2**20)], b'<c t="s"><v>3</v></c>'),
            ),
        }
        for label, (name, make) in bombs.items():
            path = files / name
            path.write_bytes(make())
            cells = [label, f"{_fmt(path.stat().st_size / 1024, 0)} kB"]
            for code in (ROOT, args.old):
                if code is None:
                    cells.append("—")
                    continue
                cap = args.timeout if code == ROOT else args.old_timeout
                result = measure(path, code, {}, cap)
                cells.append(
                    f"over {_fmt(cap, 0)} s (stopped)"
                    if result is None
                    else f"{_fmt(float(result['seconds']))} s, "
                    f"{_fmt(float(result['peak_mb']), 0)} MB, "
                    f"{', '.join(result['errors']) or 'no error'}"
                )
            print("| " + " | ".join(cells) + " |", flush=True)
            path.unlink()
