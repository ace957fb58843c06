"""Import templates by kind, period and language: their year columns, and that they import."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from plans.data import imports, templates
from plans.data.reading import read_table
from plans.messages import t

ROOT = Path(__file__).resolve().parent.parent
# (period, the example the data holds for it: plan, results)
PERIODS = {
    "2026-2030": (None, None),
    "2026": (None, None),
    "2021-2025": ("HN-2021-2025", None),  # 000_…
    "2018-2020": ("HY-2018-2020", None),  # 002_…
    "2016-2020": (None, None),  # HN-2016-2020 is known by its total only
    "2011-2015": (None, "HN-2011-2015"),  # 001_…: results, no plan table
}
# What an unchanged template without an example may be refused for: it holds no programme yet.
EMPTY = {"import.missing_meta", "import.no_tasks", "import.no_results"}


def header_and_body(name: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    problems: list = []
    header, body = read_table(name, data, problems)
    assert [] == problems
    return header, body


def years_of(header: list[str], prefix: str) -> list[int]:
    return [
        int(h.removeprefix(prefix))
        for h in header
        if h and h.startswith(prefix) and h[-4:].isdigit()
    ]


@pytest.mark.parametrize("fmt", templates.FORMATS)
@pytest.mark.parametrize("kind", ["plan", "results"])
@pytest.mark.parametrize("period", list(PERIODS))
def test_every_template_follows_its_period_and_imports_without_column_errors(
    period: str, kind: str, fmt: str, tmp_path: Path
) -> None:
    start, end = templates.parse_period(period)
    data = templates.template_file(kind, start, end, "vi", fmt)
    name = f"mau_{kind}_{period}.{fmt}"
    header, _body = header_and_body(name, data)
    years = list(range(start, end + 1))
    if kind == "plan":
        assert years == years_of(header, "kinh_phi_")
        assert years == years_of(header, "so_luong_")
    else:
        assert templates.RESULTS_HEADER == header  # no year columns in a results report
    staged = imports.validate(name, data, imports_dir=tmp_path / "imports")
    assert [] == [p.key for p in staged.problems if p.row == 1 or p.key == "import.missing_column"]
    example = PERIODS[period][0 if kind == "plan" else 1]
    if example is not None:
        assert [] == [p.message("en") for p in staged.errors]
        assert example == (staged.programme_id.rsplit("-", 1)[0] if kind == "plan" else example)
    else:
        assert set() == {p.key for p in staged.errors} - EMPTY
        assert set() == {p.column for p in staged.problems if p.column} - set(imports.META)


@pytest.mark.parametrize("period", ["2026-2030", "2026", "2016-2020"])
def test_a_period_without_a_document_carries_no_other_periods_figures(period: str) -> None:
    start, end = templates.parse_period(period)
    header, body = header_and_body(
        "x.csv", templates.template_file("plan", start, end, "vi", "csv")
    )
    # the TỔNG row to fill, with the period; not one figure
    assert [["TỔNG", str(start), str(end)]] == [
        [r[header.index("muc")], r[header.index("nam_bat_dau")], r[header.index("nam_ket_thuc")]]
        for r in body
    ]
    figures = ("kinh_phi_", "so_luong_", "tong_kinh_phi")
    assert {""} == {
        c for r in body for h, c in zip(header, r, strict=False) if h.startswith(figures)
    }


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_workbook_guide_speaks_the_chosen_language_and_shows_the_example(lang: str) -> None:
    book = openpyxl.load_workbook(
        io.BytesIO(templates.template_file("plan", 2026, 2030, lang, "xlsx")), read_only=True
    )
    sheet = t("templates.example_sheet", lang)
    assert ["du_lieu", "huong_dan", sheet] == book.sheetnames
    guide = [list(r) for r in book["huong_dan"].iter_rows(values_only=True)]
    assert [t("templates.column", lang), t("templates.meaning", lang)] == guide[0]
    meanings = {r[0]: r[1] for r in guide[1:] if r and r[0]}
    assert imports.column_meaning("kinh_phi_2026", lang) == meanings["kinh_phi_2026"]
    assert t("templates.example_note", lang, sheet=sheet) in [r[1] for r in guide if r]
    # the example keeps its own years: 000's appendix under 2021-2025, never under 2026-2030
    example = [list(r) for r in book[sheet].iter_rows(values_only=True)]
    assert [2021, 2022, 2023, 2024, 2025] == years_of(example[0], "kinh_phi_")
    assert templates.plan_rows()[1][:8] == [c or "" for c in example[1][:8]]


def test_the_period_templates_keep_the_examples_the_pages_and_tests_use() -> None:
    assert templates.plan_rows() == templates.template_rows_for("plan", 2021, 2025)[0]
    assert templates.plan_rows("HY-2018-2020") == templates.template_rows_for("plan", 2018, 2020)[0]
    results = templates.template_rows_for("results", 2011, 2015)[0]
    # the same report, with the columns that would create its programme
    legacy = templates.results_rows()
    assert len(legacy) == len(results)
    assert [r[:1] + r[5:] for r in results] == legacy


def test_the_support_template_is_its_header_for_any_period() -> None:
    # no example rows: no real support record exists (tests/test_support_import.py: the guide)
    from plans.data.support import SUPPORT_HEADER

    for start, end in ((2021, 2025), (2026, 2030)):
        data = templates.template_file("support", start, end, "vi", "csv")
        assert [SUPPORT_HEADER] == list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("text", ["2030-2026", "26-30", "2026-2040", "", "2026/2030"])
def test_a_bad_period_is_refused(text: str) -> None:
    with pytest.raises(templates.TemplateError) as refused:
        templates.parse_period(text)
    assert "templates.bad_period" == refused.value.key


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plans", *args],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_command_writes_the_template(tmp_path: Path) -> None:
    out = tmp_path / "mau.csv"
    done = cli("template", "--kind", "plan", "--period", "2026", "--lang", "en", "--out", str(out))
    assert 0 == done.returncode, done.stderr
    assert templates.template_file("plan", 2026, 2026, "en", "csv") == out.read_bytes()
    assert "Wrote the plan template for 2026" in done.stdout
    assert "no figures of another period" in done.stdout
    book = tmp_path / "kq.xlsx"
    done = cli("template", "--kind", "results", "--period", "2011-2015", "--out", str(book))
    assert 0 == done.returncode, done.stderr
    _header, body = header_and_body("kq.xlsx", book.read_bytes())
    assert 22 == len(body)  # 001's 22 results (data/results.csv)


@pytest.mark.parametrize(
    ("args", "out_name", "expected"),
    [
        (
            ["--kind", "plan", "--period", "2026-2030x"],
            "mau.csv",
            "Giai đoạn phải có dạng 2026-2030",
        ),
        (["--kind", "plan", "--period", "2026-2030"], "mau.pdf", "tệp .csv hoặc .xlsx, gặp '.pdf'"),
    ],
)
def test_the_command_refuses_what_it_cannot_write(
    args: list[str], out_name: str, expected: str, tmp_path: Path
) -> None:
    out = tmp_path / out_name
    done = cli("template", *args, "--out", str(out))
    assert 1 == done.returncode
    assert expected in done.stderr
    assert not out.exists()
