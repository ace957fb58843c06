"""`python -m benchmarks support`: support records imported from files at scale (issue 17).

(a) A support file of N rows (default 200.000) for Hà Nội 2021-2025 (HN-2021-2025): 40.000
    establishments in the real communes of Hà Nội's rural districts (vietnamadminunits), each
    supported once a year 2021-2025, amounts in officials' notation, funding sources and statuses
    in words, tax codes for four in ten, the rows dated after 1/7/2025 written with the new ward
    and no district. It is imported through the product (imports.validate + commit, the import
    page's and `python -m plans import`'s path) in a child process: wall time, validation and
    commit separately, the child's peak memory (goal <= 1 GiB), and the progress reports.
(b) That import copied into M-1 more import folders (default 50 in all, 10 million rows): each
    copy is a file of Hà Nội's 2011-2015, 2016-2020 or 2021-2025 programme (years moved), with
    establishments of its own, written as commit writes a folder (meta.json with the tables'
    stamp and digest) so the registry lists it; then a full build. The dashboard's support
    queries are timed on that database (p50/p95 over --runs runs, the filters varied from run to
    run) against the same queries on a synthetic database of as many records
    (plans.data.synth), built in the same run (goal: p95 <= 100 ms). Last, one more import of N
    rows into the 10-million-row database (incremental: pre-aggregates recomputed).

Prints figures, asserts nothing. Copies instead of 49 real imports: one real import of 200.000
rows re-reads and re-checks what a copy only repeats, and would make the run hours long.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from benchmarks.bench import fmt_bytes, fmt_s, percentile
from plans import db, settings

ROOT = Path(__file__).resolve().parent.parent
PROGRAMME = "HN-2021-2025"
YEARS = tuple(range(2021, 2026))
MERGER = date(2025, 7, 1)
GOAL_P95_S = 0.100
GOAL_PEAK_BYTES = 2**30
# The copies' programmes: Hà Nội's three periods of data/, with the years they move by.
COPY_PROGRAMMES = (("HN-2021-2025", 0), ("HN-2016-2020", -5), ("HN-2011-2015", -10))
HEADER = [
    "ma_chuong_trinh", "tinh", "giai_doan", "nam", "ngay_quyet_dinh", "so_quyet_dinh", "huyen",
    "xa_phuong", "co_so", "ma_so_thue", "ma_nhiem_vu", "linh_vuc", "kinh_phi", "nguon_von",
    "so_nguoi_huong_loi", "trang_thai", "ghi_chu",
]  # fmt: skip
PREFIXES = ("Công ty TNHH", "Hợp tác xã", "Cơ sở", "Hộ kinh doanh", "Công ty CP")
TRADES = (
    "mây tre đan", "gốm sứ", "sơn mài", "khảm trai", "dệt kim", "chế biến nông sản", "cơ khí",
    "mộc mỹ nghệ", "thêu ren", "tăm hương", "miến dong", "bánh đa", "nón lá", "điêu khắc gỗ",
    "bao bì",
)  # fmt: skip
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLES = ("Văn", "Thị", "Đức", "Minh", "Hữu", "Thanh")
GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Hương", "Khánh", "Lâm",
    "Lan", "Long", "Mai", "Nam", "Phong", "Quang", "Sơn", "Tú",
)  # fmt: skip
# Tasks of HN-2021-2025 that support establishments, weighted as the appendix budgets them.
TASKS = {"II.1": 40, "I.1": 20, "II.2": 8, "III.4.1": 10, "III.3": 5, "IV.3.1": 7, "II.3": 5}
AREAS = ("KC1", "KC3", "KC4", "KC5", "Đào tạo nghề, truyền nghề, nhân cấy nghề")
SOURCES = (("Ngân sách thành phố", 70), ("KCQG", 20), ("Vốn đối ứng của cơ sở", 10))
OutFn = Callable[[str], None]


# --- the file -------------------------------------------------------------------------------


@cache
def communes() -> tuple[tuple[str, str, str], ...]:
    """(district, commune, ward since 1/7/2025) of Hà Nội's rural districts, from the package."""
    import vietnamadminunits
    from vietnamadminunits import convert_address

    path = Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"
    with sqlite3.connect(path) as con:
        rows = con.execute(
            "select district, ward from admin_units_legacy where provinceShort = 'Hà Nội' "
            "and district not like 'Quận %' order by districtCode, wardCode"
        ).fetchall()
    out = []
    for district, commune in rows:
        ward = convert_address(f"{commune}, {district}, Thành phố Hà Nội").ward
        out.append((district, commune, ward or commune))
    return tuple(out)


def _name(k: int) -> str:
    """Establishment k's name: distinct for every k below 90.000 (mixed radix)."""
    k, given = divmod(k, len(GIVEN))
    k, middle = divmod(k, len(MIDDLES))
    k, surname = divmod(k, len(SURNAMES))
    k, trade = divmod(k, len(TRADES))
    prefix = PREFIXES[k % len(PREFIXES)]
    person = f"{SURNAMES[surname]} {MIDDLES[middle]} {GIVEN[given]}"
    return f"{prefix} {TRADES[trade]} {person}" + (f" {k // len(PREFIXES) + 1}" if k >= 5 else "")


def _amount(rng: random.Random) -> tuple[float, str]:
    """An amount in million VND and as an official writes it."""
    value = round(rng.lognormvariate(4.6, 0.6), 1 if rng.random() < 0.3 else 0)
    if value.is_integer():
        text = f"{int(value):,}".replace(",", ".")
    else:
        text = f"{value:.1f}".replace(".", ",")
    return value, text + (" triệu đồng" if rng.random() < 0.1 else "")


def support_rows(
    rows: int, seed: int = 1, first: int = 0, decisions: str = "QĐ-SCT"
) -> list[list[str]]:
    """The header and `rows` rows; establishments numbered from `first`, decisions numbered
    "<n>/<decisions>" (another file's own: no row of it repeats a stored record)."""
    rng = random.Random(seed)
    places = communes()
    establishments = max(1, rows // len(YEARS))
    sources = [s for s, w in SOURCES for _ in range(w)]
    tasks = [t for t, w in TASKS.items() for _ in range(w)]
    out = [list(HEADER)]
    for i in range(rows):
        e, round_ = i % establishments, i // establishments
        k = first + e
        year = YEARS[round_ % len(YEARS)]
        district, commune, ward = places[(k * 7919) % len(places)]
        made = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        after = made >= MERGER
        name = _name(k)
        if rng.random() < 0.1:  # written another way: case, a double space
            name = name.upper() if rng.random() < 0.5 else name.replace(" ", "  ", 1)
        area_only = rng.random() < 0.1
        status = "Đã nghiệm thu" if year < 2025 else "Đã phê duyệt"
        if rng.random() < 0.01:
            status = "Hủy"
        _, amount = _amount(rng)
        out.append(
            [
                PROGRAMME,
                "Hà Nội",
                "2021-2025",
                str(year),
                made.strftime("%d/%m/%Y"),
                f"{100 + made.month * 31 + made.day}/{decisions}",
                "" if after else district,
                ward if after else commune,
                name,
                f"01{k:08d}" if k % 5 < 2 else "",
                "" if area_only else rng.choice(tasks),
                rng.choice(AREAS) if area_only else "",
                amount,
                rng.choice(sources),
                str(rng.randint(3, 60)) if rng.random() < 0.8 else "",
                status,
                "",
            ]
        )
    return out


def write_file(
    path: Path, rows: int, seed: int = 1, first: int = 0, decisions: str = "QĐ-SCT"
) -> int:
    """Write the CSV (UTF-8 with a BOM, as Excel saves it); its size in bytes."""
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerows(support_rows(rows, seed, first, decisions))
    return path.stat().st_size


# --- one import in a child process ----------------------------------------------------------


def _child_import(file: str, db_path: str, imports_dir: str) -> None:
    """Runs in the child: validate and commit one file; prints its figures as JSON."""
    import resource

    from plans.data import imports

    data = Path(file).read_bytes()
    reports: list[tuple[float, float, str]] = []
    began = time.perf_counter()

    def progress(fraction: float, step: str) -> None:
        reports.append((time.perf_counter() - began, fraction, step))

    staged = imports.validate(
        Path(file).name,
        data,
        imports_dir=Path(imports_dir),
        db_path=Path(db_path),
        progress=progress,
    )
    validated = time.perf_counter()
    peak_validate = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    figures: dict[str, Any] = {
        "validate_s": validated - began,
        "peak_validate_bytes": peak_validate,
        "progress": len(reports),
        "progress_steps": sorted({r[2] for r in reports}),
        "progress_max_gap_s": max(
            (b[0] - a[0] for a, b in itertools.pairwise(reports)), default=None
        ),
        "errors": [p.message("en") for p in staged.errors[:5]],
        "warnings": len(staged.warnings),
    }
    if not staged.errors:
        import_id = imports.commit(
            staged, data, "bench", db_path=Path(db_path), imports_dir=Path(imports_dir)
        )
        figures["commit_s"] = time.perf_counter() - validated
        figures["import_id"] = import_id
    print(json.dumps(figures))


def import_file(file: Path, db_path: Path, imports_dir: Path) -> dict[str, Any]:
    """Import `file` in a child process: its figures, wall time and peak memory."""
    code = "from benchmarks.bench_support import _child_import as f; import sys; f(*sys.argv[1:])"
    cmd = [sys.executable, "-c", code, str(file), str(db_path), str(imports_dir)]
    return _child(cmd, file.with_suffix(".log"))


def _child(cmd: list[str], log: Path) -> dict[str, Any]:
    """Run a child writing JSON on its last line: that, its wall time and its peak memory."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    began = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - began
    text = log.read_text(encoding="utf-8", errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed:\n{text[-3000:]}")
    figures = json.loads(text.strip().splitlines()[-1])
    return figures | {"wall_s": wall, "peak_bytes": usage.ru_maxrss * 1024}


def _child_build(kind: str, path: str, imports_dir: str, records: str, seed: str) -> None:
    """Runs in the child: a full build from data/ and the imports, or a synthetic database."""
    began = time.perf_counter()
    if kind == "imports":
        from plans.data.build import build

        build(Path(path), settings.DATA_DIR, Path(imports_dir))
    else:
        from plans.data.synth import synthesise

        synthesise(Path(path), 63, 3, int(records), int(seed))
    print(json.dumps({"seconds": time.perf_counter() - began}))


def build_child(kind: str, path: Path, imports_dir: Path, records: int, seed: int) -> dict:
    code = "from benchmarks.bench_support import _child_build as f; import sys; f(*sys.argv[1:])"
    cmd = [sys.executable, "-c", code, kind, str(path), str(imports_dir), str(records), str(seed)]
    figures = _child(cmd, path.with_suffix(".build.log"))
    return figures | {"file_bytes": path.stat().st_size}


# --- copies of the import ------------------------------------------------------------------


def copy_import(source: Path, imports_dir: Path, number: int, copy: int) -> dict[str, Any]:
    """Import folder `number`: the rows of `source` as another programme's, new establishments.

    Written as commit writes a folder (tables, original, meta.json with the tables' stamp and
    digest), so the registry lists it and a build loads it. The original is a hard link to the
    real import's file (the build never reads it).
    """
    import duckdb

    from plans.data.build import SUPPORT_COLUMNS, folder_record

    programme, shift = COPY_PROGRAMMES[copy % len(COPY_PROGRAMMES)]
    meta = json.loads((source / "meta.json").read_text(encoding="utf-8"))
    checksum = hashlib.sha256(f"{meta['checksum']} copy {copy}".encode()).hexdigest()
    import_id = f"{number:04d}-{checksum[:8]}"
    filename = f"ho_tro_{copy:02d}.csv"
    tmp = Path(tempfile.mkdtemp(prefix=".incoming-", dir=imports_dir))
    (tmp / "tables").mkdir()
    columns = {name: kind for name, kind in SUPPORT_COLUMNS}
    changed = {
        "programme_id": f"'{programme}'",
        "year": f"year + ({shift})",
        "made_on": f"cast(made_on + to_years({shift}) as date)",
        "establishment_id": f"establishment_id || '~{copy}'",
        "decision": f"decision || '-{copy}'",
        "import_id": "null",
        "source_file": f"'{filename}'",
    }
    select = ", ".join(f"{changed.get(c, c)} as {c}" for c in columns)
    src = source / "tables" / "support_records.csv"
    dst = tmp / "tables" / "support_records.csv"
    types = "{" + ", ".join(f"'{c}': '{t}'" for c, t in columns.items()) + "}"
    with duckdb.connect() as con:
        con.execute(
            f"copy (select {select} from read_csv('{src}', header = true, columns = {types})) "  # noqa: S608  # sql: internal names
            f"to '{dst}' (header, delimiter ',')"
        )
    original = next(source.glob("original.*"))
    os.link(original, tmp / original.name)
    record = {
        **meta,
        "id": import_id,
        "filename": filename,
        "checksum": checksum,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "programme_id": programme,
        **folder_record(tmp),
    }
    (tmp / "meta.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, imports_dir / import_id)
    return record


# --- the queries ------------------------------------------------------------------------------


def support_queries() -> list[str]:
    """The dashboard's support queries: queries/*support*.sql that take parameters."""
    from plans.data.build import DERIVED

    return [
        n
        for n in db.query_names()
        if "support" in n and not (n in DERIVED and not db.query_params(n))
    ]


def filter_sets(con: Any) -> list[tuple[str, dict[str, Any]]]:
    """Filters as the support page sets them, varied: (label, values by parameter name)."""
    provinces = [
        r[0]
        for r in con.execute(
            "select distinct p.successor from support_records as r "
            "inner join provinces as p using (province) order by 1"
        ).fetchall()
    ]
    last = con.execute("select max(year) from support_records").fetchone()[0] or 2025
    some = provinces[:: max(1, len(provinces) // 5)][:5]
    # the programme pages' queries: the three programmes with the most records, in turn
    programmes = [
        r[0]
        for r in con.execute(
            "select programme_id from support_records group by 1 order by count(*) desc, 1 limit 3"
        ).fetchall()
    ] or [None]
    base = {"boundary": "current", "provinces": None, "y0": None, "y1": None, "limit": 20}
    sets = [
        ("all", base),
        ("as issued", base | {"boundary": "as_issued"}),
        ("5 years", base | {"y0": last - 4, "y1": last}),
        ("one year", base | {"y0": last - 1, "y1": last - 1}),
        ("KC3", base | {"content_area": "KC3"}),
        ("provinces", base | {"provinces": some}),
        ("provinces+years+KC1", base | {"provinces": some, "y0": last - 4, "content_area": "KC1"}),
    ]
    return [
        (label, values | {"programme_id": programmes[k % len(programmes)]})
        for k, (label, values) in enumerate(sets)
    ]


def _params(name: str, values: dict[str, Any]) -> dict[str, Any]:
    wanted = db.query_params(name)
    return {k: values.get(k) for k in wanted}


def time_queries(path: Path, runs: int) -> dict[str, dict[str, Any]]:
    """Each support query `runs` times, the filters cycling through filter_sets (one warm-up
    run of each first): p50, p95, the slowest filter."""
    out: dict[str, dict[str, Any]] = {}
    with db.connect(path, read_only=True) as con:
        sets = filter_sets(con)
        for name in support_queries():
            variants = []
            for label, values in sets:
                params = _params(name, values)
                if params not in [v[1] for v in variants]:
                    variants.append((label, params))
            for _, params in variants:
                db.run(con, name, **params)
            times: list[tuple[float, str]] = []
            for k in range(runs):
                label, params = variants[k % len(variants)]
                began = time.perf_counter()
                db.run(con, name, **params)
                times.append((time.perf_counter() - began, label))
            seconds = [t for t, _ in times]
            worst = max(times)
            out[name] = {
                "p50": percentile(seconds, 50),
                "p95": percentile(seconds, 95),
                "max": worst[0],
                "slowest": worst[1],
                "filters": len(variants),
                "runs": runs,
            }
    return out


# --- the run --------------------------------------------------------------------------------


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _counts(path: Path) -> dict[str, int]:
    with db.connect(path, read_only=True) as con:
        return {
            "records": con.execute("select count(*) from support_records").fetchone()[0],
            "establishments": con.execute(
                "select count(distinct establishment_id) from support_records"
            ).fetchone()[0],
        }


def _print_import(label: str, f: dict[str, Any], out: OutFn) -> None:
    if f.get("errors"):
        out(f"{label}: REFUSED: {'; '.join(f['errors'])}")
        return
    peak = f["peak_bytes"]
    out(
        f"{label}: wall {fmt_s(f['wall_s'])} (child process), validation and staging "
        f"{fmt_s(f['validate_s'])}, commit {fmt_s(f.get('commit_s'))}; peak memory "
        f"{fmt_bytes(peak)} (validation {fmt_bytes(f['peak_validate_bytes'])}; goal <= 1 GiB: "
        f"{'met' if peak <= GOAL_PEAK_BYTES else 'NOT met'}); {f['warnings']} warnings"
    )
    gap = f["progress_max_gap_s"]
    out(
        f"  progress reported {f['progress']} times (steps: {', '.join(f['progress_steps'])}); "
        f"longest gap between two reports {fmt_s(gap)}"
    )


def run(args: argparse.Namespace, workdir: Path, out: OutFn = print) -> dict[str, Any]:
    """The whole benchmark in `workdir`; the figures."""
    from plans.data.build import build

    figures: dict[str, Any] = {"load_start": os.getloadavg()}
    out(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average at start {_load()}"
    )
    imports_dir, db_path = workdir / "imports", workdir / "plans.duckdb"
    imports_dir.mkdir(parents=True)
    build(db_path, settings.DATA_DIR, imports_dir)
    # (a) one real import
    file = workdir / "ho_tro_2021_2025.csv"
    began = time.perf_counter()
    size = write_file(file, args.rows, args.seed)
    out(
        f"support file: {args.rows:,} rows, {fmt_bytes(size)}, "
        f"{len(communes())} communes of Hà Nội, written in {fmt_s(time.perf_counter() - began)}"
    )
    first = import_file(file, db_path, imports_dir)
    figures["import"] = first
    _print_import(f"import of {args.rows:,} rows", first, out)
    if first.get("errors"):
        return figures
    # (b) M-1 copies, a full build
    source = imports_dir / first["import_id"]
    began = time.perf_counter()
    for copy in range(1, args.imports):
        copy_import(source, imports_dir, copy + 1, copy)
    out(
        f"{args.imports - 1} copies of the import folder written in "
        f"{fmt_s(time.perf_counter() - began)} ({args.imports} imports)"
    )
    big = workdir / "imported.duckdb"
    built = build_child("imports", big, imports_dir, 0, args.seed)
    counts = _counts(big)
    figures["build_imported"] = built | counts
    out(
        f"full build from {args.imports} imports: {fmt_s(built['seconds'])}, peak memory "
        f"{fmt_bytes(built['peak_bytes'])}, file {fmt_bytes(built['file_bytes'])}; "
        f"{counts['records']:,} records, {counts['establishments']:,} establishments"
    )
    synth = workdir / "synthetic.duckdb"
    made = build_child("synth", synth, imports_dir, counts["records"], args.seed)
    figures["build_synthetic"] = made | _counts(synth)
    out(
        f"synthetic database of {counts['records']:,} records: {fmt_s(made['seconds'])}, "
        f"peak memory {fmt_bytes(made['peak_bytes'])}, file {fmt_bytes(made['file_bytes'])}"
    )
    out(f"load average before the queries {_load()}")
    imported_q = time_queries(big, args.runs)
    synthetic_q = time_queries(synth, args.runs)
    figures["queries"] = {"imported": imported_q, "synthetic": synthetic_q}
    _print_queries(imported_q, synthetic_q, args.runs, out)
    # (c) one more import into the 10-million-row database
    shutil.copy(big, db_path)
    more = workdir / "ho_tro_them.csv"
    # half its establishments known from the first import (matched by tax code or name), its
    # decisions its own
    write_file(more, args.rows, args.seed + 1, max(1, args.rows // 10), "QĐ-UBND")
    out(f"load average before the last import {_load()}")
    last = import_file(more, db_path, imports_dir)
    figures["import_into_large"] = last
    _print_import(
        f"one more import of {args.rows:,} rows into {counts['records']:,} records", last, out
    )
    figures["load_end"] = os.getloadavg()
    out(f"load average at the end {_load()}")
    return figures


def _print_queries(
    imported: dict[str, dict[str, Any]],
    synthetic: dict[str, dict[str, Any]],
    runs: int,
    out: OutFn,
) -> None:
    out("")
    out(f"support queries, {runs} runs each, filters varied run by run (p95 goal <= 100 ms):")
    head = ("query", "imported p50", "p95", "synthetic p50", "p95", "p95 ratio", "slowest filter")
    widths = (34, 13, 10, 14, 10, 10, 22)
    out("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip())
    over = []
    for name in imported:
        i, s = imported[name], synthetic.get(name)
        ratio = f"{i['p95'] / s['p95']:.2f}x" if s and s["p95"] > 0 else "-"
        cells = (
            name, fmt_s(i["p50"]), fmt_s(i["p95"]), fmt_s(s["p50"]) if s else "-",
            fmt_s(s["p95"]) if s else "-", ratio, i["slowest"],
        )  # fmt: skip
        out("  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        over += [
            f"{name} ({db_})"
            for db_, f in (("imported", i), ("synthetic", s))
            if f and f["p95"] > GOAL_P95_S
        ]
    out(f"goal p95 <= 100 ms: {'met' if not over else 'NOT met: ' + ', '.join(over)}")


def main(argv: list[str] | None = None) -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks support", description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000, help="rows of one file (200.000)")
    parser.add_argument("--imports", type=int, default=50, help="import folders in all (50)")
    parser.add_argument("--runs", type=int, default=30, help="runs of each query (30)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="2.000 rows, 3 imports, 10 runs")
    parser.add_argument("--workdir", type=Path, help="where to work (default: a temporary dir)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.imports, args.runs = 2_000, 3, 10
    args.imports = max(1, args.imports)
    if args.workdir:
        shutil.rmtree(args.workdir, ignore_errors=True)
        args.workdir.mkdir(parents=True)
        figures = run(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-support-") as workdir:
            figures = run(args, Path(workdir))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")
