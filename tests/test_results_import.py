"""Results reports: a stated % checked against its figures; a report creating its programme;
the --dry-run summary of what would be stored."""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from benchmarks import bench, bench_ports, bench_sqlite
from plans import db
from plans.data import imports, templates
from plans.data.build import build
from plans.numbers import format_pct, format_trimmed

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["ma_chuong_trinh", "chi_tieu", "dvt", "dat_duoc", "ty_le_ghi", "muc_tieu"]


@pytest.fixture()
def place(tmp_path: Path, built_db: Path) -> dict[str, Path]:
    """A private database (a copy of the session one) and an empty imports folder."""
    db = tmp_path / "plans.duckdb"
    shutil.copy(built_db, db)
    return {"db": db, "imports": tmp_path / "imports"}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(place: dict[str, Path], name: str, data: bytes, **kw) -> imports.Staged:
    return imports.validate(name, data, imports_dir=place["imports"], **kw)


def store(place: dict[str, Path], staged: imports.Staged, data: bytes, **kw) -> str:
    assert [] == staged.errors, staged.report("en")
    return imports.commit(
        staged, data, "Nguyễn Văn A", db_path=place["db"], imports_dir=place["imports"], **kw
    )


def query(db: Path, sql: str, **params) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


# --- a stated percentage that does not follow from the figures -------------------------------


@pytest.mark.parametrize(
    ("achieved", "pct", "target", "differs"),
    [
        ("17.800", "71,2%", "25.000", False),  # 71,2 exactly
        ("17.800", "71,2%", "24.990", False),  # 71,228: within ±0,05 of 71,2
        ("17.800", "71,2%", "24.900", True),  # 71,486
        ("40", "80%", "50", False),
        ("40", "81%", "50", True),  # 80: beyond ±0,5 of 81
        ("40", "80,0%", "50", False),
        ("40", "80,4%", "50", True),  # 80 beyond ±0,05 of 80,4 (the printed decimal counts)
        ("40", "80,06%", "50", True),  # beyond ±0,005 of 80,06
    ],
)
def test_a_stated_percentage_is_checked_within_half_a_unit_of_its_printed_digits(
    achieved: str, pct: str, target: str, differs: bool, place
) -> None:
    rows = [HEADER, ["HN-2011-2015", "Lớp học", "lớp", achieved, pct, target]]
    staged = run(place, "kq.csv", templates.to_csv(rows))
    assert [] == staged.errors
    found = [p for p in staged.warnings if p.key == "import.pct_differs"]
    assert differs == bool(found)
    if found:
        assert (2, "ty_le_ghi") == (found[0].row, found[0].column)


def test_a_percentage_that_does_not_follow_is_a_warning_and_then_a_finding(place) -> None:
    rows = [
        HEADER,
        ["HN-2011-2015", "Lớp truyền nghề", "lớp", "40 lớp", "80%", "50"],
        ["HN-2011-2015", "Lao động được truyền nghề", "lao động", "1.200", "75%", "1.500"],
    ]
    data = templates.to_csv(rows)
    staged = run(place, "kq_sai.csv", data)
    found = [p for p in staged.warnings if p.key == "import.pct_differs"]
    assert ["dòng 3, cột ty_le_ghi"] == [p.place("vi") for p in found]
    assert (
        "Tỷ lệ ghi 75% không khớp với số đạt được / mục tiêu (1.200 / 1.500 = 80,00%), kể cả khi "
        "làm tròn theo số chữ số đã ghi." == found[0].text("vi")
    )
    assert "(1.200 / 1.500 = 80.00%)" in found[0].text("en")
    # the summary lists it among the findings to come
    assert "    dòng 3, cột ty_le_ghi: Tỷ lệ ghi 75%" in staged.summary("vi")
    store(place, staged, data)
    checks = query(
        place["db"],
        "select location, numerator, denominator, stated_pct, computed_pct, status, source_line "
        "from percentage_checks where source_file = 'kq_sai.csv' order by source_line",
    )
    assert [
        ("Kết quả: Lớp truyền nghề", "achieved", "target", 80.0, 80.0, "ok", "2"),
        ("Kết quả: Lao động được truyền nghề", "achieved", "target", 75.0, 80.0, "differs", "3"),
    ] == checks
    # the data-quality page reads the reconciliation table (queries/quality_findings.sql)
    findings = query(
        place["db"],
        "select programme_id, kind, measure, printed_text, stated_value, computed_value, "
        "tolerance, source_line from reconciliation where source_file = 'kq_sai.csv'",
    )
    assert [("HN-2011-2015", "stated_percentage", "pct", "75%", 75.0, 80.0, 0.5, "3")] == findings
    # the benchmarks' pandas port and the SQLite shim compute the same checks
    lite_path = place["db"].with_suffix(".sqlite")
    bench_sqlite.copy_database(place["db"], lite_path)
    with db.connect(place["db"], read_only=True) as con:
        expected = db.run(con, "percentage_checks")
        frames = bench_ports.load_frames(con)
    assert "ok" == bench.compare(expected, bench_ports.percentage_checks(frames, {}))
    sql, _ = bench_sqlite.sql_for("percentage_checks")
    if sql is not None:  # None: a build step the shim is not asked to run
        lite = bench_sqlite.connect(lite_path)
        try:
            assert "ok" == bench.compare(expected, bench_sqlite.run(lite, sql, {}))
        finally:
            lite.close()


# --- a results report that creates its programme ---------------------------------------------


def without_programme(data_dir: Path, programme: str) -> None:
    """Drop a programme and every row naming it from a copy of data/."""
    for path in data_dir.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        if not rows or "programme_id" not in rows[0]:
            continue
        keep = [r for r in rows if r["programme_id"] != programme]
        if len(keep) < len(rows):
            out = io.StringIO()
            writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(keep)
            path.write_text(out.getvalue(), encoding="utf-8")


def report_2011_2015(code: str = "") -> bytes:
    """001's 2011-2015 results (data/results.csv) as a file giving province, title and period."""
    rows = templates.results_rows("HN-2011-2015", programme_columns=True)
    return templates.to_csv([rows[0], *[[code, *r[1:]] for r in rows[1:]]])


DERIVED = (
    "select indicator, unit, target_basis, round(target_min, 6), round(target_max, 6), "
    "round(target_point, 6), achieved, stated_pct from target_results "
    "where programme_id = 'HN-2011-2015' and source_file = $file order by indicator"
)


@pytest.mark.parametrize("code", ["", "HN-2011-2015"], ids=["code blank", "code unknown here"])
def test_a_report_creates_its_programme_with_derived_targets_as_in_data(
    code: str, data_copy: Path, tmp_path: Path, built_db: Path
) -> None:
    without_programme(data_copy, "HN-2011-2015")
    place = {"db": tmp_path / "p.duckdb", "imports": tmp_path / "imports"}
    build(place["db"], data_copy, place["imports"])
    assert [] == query(place["db"], "select * from programmes where programme_id like 'HN-2011%'")
    data = report_2011_2015(code)
    staged = run(place, "ket_qua_2011_2015.csv", data, data_dir=data_copy)
    assert ["import.results_programme_created"] == [p.key for p in staged.warnings]
    assert "HN-2011-2015" == staged.programme_id  # the id a plan of Hà Nội 2011-2015 would get
    import_id = store(place, staged, data, data_dir=data_copy)
    assert [("Hà Nội", 2011, 2015, "ket_qua_2011_2015.csv")] == query(
        place["db"],
        "select province, period_start, period_end, source_file from programmes "
        "where programme_id = 'HN-2011-2015'",
    )
    imported = query(place["db"], DERIVED, file="ket_qua_2011_2015.csv")
    seeded = query(built_db, DERIVED, file="001_e6b8b6afc59054f7.txt")
    assert seeded == imported  # every target, printed or derived, as data/ holds them
    trainees = next(r for r in imported if r[0].startswith("Lao động nông thôn được truyền"))
    # 001:8-9: 17.800 lao động "đạt 71,2% kế hoạch" -> a target of 24.983-25.018, derived
    assert ("derived", 24983, 25018) == (trainees[2], math.ceil(trainees[3]), round(trainees[4]))
    imports.remove(import_id, db_path=place["db"], data_dir=data_copy, imports_dir=place["imports"])
    assert [] == query(place["db"], "select * from programmes where programme_id like 'HN-2011%'")


def test_a_report_naming_no_code_goes_to_the_one_programme_of_its_province_and_period(
    place,
) -> None:
    staged = run(place, "kq.csv", report_2011_2015(""))
    assert ["import.results_programme_found"] == [p.key for p in staged.warnings]
    assert "programmes" not in staged.tables
    assert {"HN-2011-2015"} == {r["programme_id"] for r in staged.tables["results"]}


def test_an_unknown_programme_without_what_creates_one_is_still_refused(place) -> None:
    rows = [HEADER, ["XX-2011-2015", "Lớp học", "lớp", "40", "", ""]]
    before = digest(place["db"])
    staged = run(place, "kq.csv", templates.to_csv(rows))
    assert [("import.unknown_programme", 2, "ma_chuong_trinh")] == [
        (p.key, p.row, p.column) for p in staged.errors
    ]
    assert {} == staged.tables
    assert before == digest(place["db"])


def test_a_report_with_part_of_what_creates_a_programme_says_what_is_missing(place) -> None:
    header = ["ma_chuong_trinh", "tinh", "ten_chuong_trinh", "nam_bat_dau", *HEADER[1:]]
    rows = [header, ["", "Bắc Ninh", "", "", "Lớp học", "lớp", "40", "", ""]]
    staged = run(place, "kq.csv", templates.to_csv(rows))
    assert [
        ("import.missing_meta", "ten_chuong_trinh"),
        ("import.missing_meta", "nam_bat_dau"),
    ] == [(p.key, p.column) for p in staged.errors]


# --- the --dry-run summary ---------------------------------------------------------------------


def test_the_summary_of_000s_template_gives_its_total_and_section_shares(place, built_db) -> None:
    staged = run(place, "ha_noi.csv", templates.to_csv(templates.plan_rows()))
    summary = staged.summary("vi")
    assert "  Chương trình HN-2021-2025-2: Hà Nội · " in summary
    assert "giai đoạn 2021-2025 · quyết định 4153/QĐ-UBND (17/9/2020)" in summary
    # 000:326: the grand total, from the cells and as the TỔNG row prints it
    assert "  Tổng kinh phí: 250.900 triệu đồng cộng từ các ô; dòng TỔNG ghi 250.900" in summary
    shares = query(
        built_db,
        "select key, amount_mvnd, share_pct from budget_shares "
        "where programme_id = 'HN-2021-2025' and level = 'section' order by key",
    )
    assert 5 == len(shares)
    for key, amount, share in shares:
        line = f"triệu đồng ({format_pct(share, 1)})"
        assert any(
            s.startswith(f"    {key} ") and s.endswith(f"{format_trimmed(amount, 3)} {line}")
            for s in summary.splitlines()
        ), (key, summary)
    assert "    III Hỗ trợ phát triển sản phẩm công nghiệp nông thôn tiêu biểu: 126.300 triệu " \
        "đồng (50,3%)" in summary  # fmt: skip
    assert "  Theo lĩnh vực:" in summary and "    KC4 " in summary
    assert "  Phát hiện khi đọc tệp (thành phát hiện đối chiếu khi lưu): 1" in summary  # 000:325


def test_the_dry_run_prints_the_summary_and_stores_nothing(place, tmp_path: Path) -> None:
    path = tmp_path / "ha_noi.csv"
    path.write_bytes(templates.to_csv(templates.plan_rows()))
    before = digest(place["db"])
    env = {**os.environ, "PLANS_DB": str(place["db"]), "PLANS_IMPORTS_DIR": str(place["imports"])}
    done = subprocess.run(
        [sys.executable, "-m", "plans", "--lang", "en", "import", str(path), "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == done.returncode, done.stderr
    assert "Would store:" in done.stdout
    assert "Total budget: 250,900 million VND added up from the cells" in done.stdout
    assert "By section:" in done.stdout and "By content area:" in done.stdout
    assert before == digest(place["db"])
    assert not any(place["imports"].glob("0*"))


def test_the_summary_of_a_results_report_gives_its_targets() -> None:
    staged = imports.validate("kq.csv", report_2011_2015("HN-2011-2015"))
    summary = staged.summary("vi")
    assert "  Kết quả của chương trình đã có: HN-2011-2015" in summary
    assert "  Kết quả: 22 chỉ tiêu" in summary
    assert (
        "    Lao động nông thôn được truyền nghề, nhân cấy nghề: 17.800 lao động; mục tiêu suy "
        "ra từ 71,2%: 24.982–25.018" in summary
    )


# --- outputs of one year (the template's nam column) --------------------------------------------


def test_an_output_of_one_year_keeps_its_year_and_one_outside_the_period_is_refused(
    place,
) -> None:
    header = [*HEADER, "nam"]
    rows = [header, ["HN-2011-2015", "Lớp truyền nghề", "lớp", "95", "", "", "2013"]]
    staged = run(place, "kq_2013.csv", templates.to_csv(rows))
    assert [] == staged.problems
    assert [2013] == [r["year"] for r in staged.tables["results"]]
    rows[1][-1] = "2016"  # after 2011-2015
    before = digest(place["db"])
    staged = run(place, "kq_2016.csv", templates.to_csv(rows))
    assert [("execution.year_outside", 2, "nam")] == [
        (p.key, p.row, p.column) for p in staged.errors
    ]
    assert "Year 2016 is outside the period 2011-2015 of programme HN-2011-2015." == (
        staged.errors[0].text("en")
    )
    assert before == digest(place["db"])
