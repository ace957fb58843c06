"""The build: atomic, repeatable, and precise about malformed data (file, line, column)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from plans.data import build as build_module
from plans.data.build import BuildError, build, load_tables

ROOT = Path(__file__).resolve().parent.parent


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def all_tables(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [
            r[0]
            for r in con.execute("select table_name from duckdb_tables() order by 1").fetchall()
        ]
        return {n: con.execute(f'select * from "{n}" order by all').fetchall() for n in names}


def errors_of(data_dir: Path, lang: str = "vi") -> list[str]:
    with pytest.raises(BuildError) as info:
        load_tables(data_dir)
    return [e.message(lang) for e in info.value.errors]


def test_build_is_repeatable(tmp_path: Path) -> None:
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    build(first)
    build(second)
    tables = all_tables(first)
    assert {"programmes", "budget_lines", "budget_shares", "targets", "target_results",
            "programme_budgets", "reconciliation"} <= set(tables)  # fmt: skip
    assert tables == all_tables(second)


def test_failed_build_leaves_previous_file_intact(tmp_path: Path, data_copy: Path) -> None:
    db = tmp_path / "plans.duckdb"
    build(db, data_copy)
    before = digest(db)
    edit(
        data_copy / "budget_amounts.csv",
        "HN-2021-2025,I.1,2021,4.200,4200",
        "HN-2021-2025,I.1,2021,4.200,abc",
    )
    with pytest.raises(BuildError):
        build(db, data_copy)
    assert before == digest(db)
    assert [db] == list(tmp_path.glob("plans.duckdb*"))  # no temporary file left behind


def test_crash_while_writing_leaves_previous_file_intact(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "plans.duckdb"
    build(db)
    before = digest(db)

    def crash(tables, path, checksum):  # writes half a database, then dies
        con = duckdb.connect(str(path))
        con.execute("create table programmes as select 1 as half_written")
        con.close()
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "write_database", crash)
    with pytest.raises(OSError, match="disk full"):
        build(db)
    assert before == digest(db)
    assert [db] == sorted(tmp_path.iterdir())


def test_start_rebuilds_a_database_older_than_the_data(tmp_path: Path, data_copy: Path) -> None:
    db = tmp_path / "plans.duckdb"
    build(db, data_copy)
    edit(data_copy / "programmes.csv", '"250,9 tỷ đồng",250900,', '"250,9 tỷ đồng",250900.0,')
    build_module.ensure_database(db, data_copy)
    assert build_module.data_checksum(data_copy) == build_module.built_from(db)


def test_start_leaves_a_foreign_database_alone(tmp_path: Path) -> None:
    db = tmp_path / "other.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table programmes as select 1 as x")
    before = digest(db)
    build_module.ensure_database(db)
    assert before == digest(db)


def test_dashboard_start_builds_missing_database(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "plans.duckdb"
    assert db == build_module.ensure_database(db)
    assert db.exists()
    mtime = db.stat().st_mtime_ns
    build_module.ensure_database(db)  # present: not rebuilt at every start
    assert mtime == db.stat().st_mtime_ns


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        pytest.param(
            "budget_amounts.csv", "HN-2021-2025,I.1,2021,4.200,4200", "HN-2021-2025,I.1,2021,4.200,4.2OO",
            "data/budget_amounts.csv, dòng 2, cột amount_mvnd: cần một số (dấu chấm thập phân, ví dụ 1234.5), gặp '4.2OO'",
            id="text in a number column",
        ),
        pytest.param(
            "budget_amounts.csv", "HN-2021-2025,I.1,2021,4.200,4200", "HN-2021-2025,I.1,2021,4.200,4300",
            "data/budget_amounts.csv, dòng 2, cột amount_mvnd: số in '4.200' đọc được 4200, nhưng cột amount_mvnd ghi 4300.0",
            id="number differs from the printed text",
        ),
        pytest.param(
            "budget_amounts.csv", "HN-2021-2025,I.1,2021,4.200,4200", "HN-2021-2025,I.1,2021,4.200,-4200",
            "data/budget_amounts.csv, dòng 2, cột amount_mvnd: không được âm: -4200",
            id="negative amount",
        ),
        pytest.param(
            "budget_amounts.csv", "HN-2021-2025,I.1,2021,", "HN-2021-2025,I.1,2031,",
            "data/budget_amounts.csv, dòng 2, cột year: năm 2031 nằm ngoài giai đoạn 2021-2025 của chương trình HN-2021-2025",
            id="year outside the period",
        ),
        pytest.param(
            "budget_amounts.csv", "HN-2021-2025,I.1,2021,", "HN-2021-2025,I.9,2021,",
            "data/budget_amounts.csv, dòng 2, cột task_code: 'HN-2021-2025/I.9' không có trong tasks.programme_id/task_code",
            id="unknown task",
        ),
        pytest.param(
            "budget_amounts.csv", "HN-2021-2025,I.1,2022,", "HN-2021-2025,I.1,2021,",
            "data/budget_amounts.csv, dòng 3: trùng khóa programme_id=HN-2021-2025, task_code=I.1, year=2021 (đã có ở dòng 2)",
            id="duplicate task-year",
        ),
        pytest.param(
            "budget_amounts.csv", "programme_id,task_code,year,", "programme_id,task,year,",
            "data/budget_amounts.csv, dòng 1, cột task_code: thiếu cột 'task_code'",
            id="missing column",
        ),
        pytest.param(
            "content_area_map.csv", "HN-2021-2025,I.1,KC1,", "HN-2021-2025,I.1,KC10,",
            "data/content_area_map.csv, dòng 2, cột content_area: 'KC10' không có trong content_areas.code",
            id="unknown content area",
        ),
        pytest.param(
            "programmes.csv", ",khuyen_cong,", ",khuyen-cong,",
            "data/programmes.csv, dòng 2, cột kind: giá trị 'khuyen-cong' không thuộc khuyen_cong|cong_nghiep_ho_tro",
            id="value outside the allowed list",
        ),
        pytest.param(
            "results.csv", "001_e6b8b6afc59054f7.txt,8\n", "001_e6b8b6afc59054f7.txt,800\n",
            "data/results.csv, dòng 2, cột source_line: dòng nguồn 800 vượt quá cuối văn bản 001_e6b8b6afc59054f7.txt (117 dòng)",
            id="source line beyond the document",
        ),
        pytest.param(
            "tasks.csv", "HN-2021-2025,I,I.1,1,", "HN-2021-2025,I,I.1,1,\"unclosed,",
            "data/tasks.csv, dòng",
            id="broken quoting",
        ),
    ],
)  # fmt: skip
def test_malformed_data_is_named_precisely(file, old, new, expected, data_copy: Path) -> None:
    edit(data_copy / file, old, new)
    messages = errors_of(data_copy)
    assert any(m.startswith(expected) for m in messages), messages


def test_messages_in_english(data_copy: Path) -> None:
    edit(
        data_copy / "budget_amounts.csv",
        "HN-2021-2025,I.1,2021,4.200,4200",
        "HN-2021-2025,I.1,2021,4.200,x",
    )
    assert [
        "data/budget_amounts.csv, line 2, column amount_mvnd: expected a number (decimal point, e.g. 1234.5), got 'x'"
    ] == errors_of(data_copy, "en")


def test_not_utf8_is_refused(data_copy: Path) -> None:
    path = data_copy / "sections.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1258", errors="replace"))
    messages = errors_of(data_copy)
    assert 1 == len(messages)
    assert messages[0].startswith("data/sections.csv, dòng 2: tệp không phải UTF-8"), messages


def test_missing_file_and_empty_file(data_copy: Path) -> None:
    (data_copy / "goals.csv").unlink()
    (data_copy / "priority_areas.csv").write_text("", encoding="utf-8")
    messages = errors_of(data_copy)
    assert "data/goals.csv: không tìm thấy tệp dữ liệu" in messages
    assert "data/priority_areas.csv, dòng 1: tệp rỗng, thiếu dòng tiêu đề" in messages


def test_csv_with_bom_is_accepted(data_copy: Path) -> None:
    path = data_copy / "sections.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert 18 == len(load_tables(data_copy)["sections"])


def run_cli(
    *args: str, env_extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "plans", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_cli_build_reports_counts(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    done = run_cli("build", "--db", str(db))
    assert 0 == done.returncode, done.stderr
    assert f"Đã dựng {db}: 5 chương trình, 186 dòng kinh phí" in done.stdout
    assert db.exists()


def test_cli_build_uses_environment_override(tmp_path: Path) -> None:
    db = tmp_path / "env.duckdb"
    done = run_cli("--lang", "en", "build", env_extra={"PLANS_DB": str(db)})
    assert 0 == done.returncode, done.stderr
    assert f"Built {db}: 5 programmes" in done.stdout


def test_cli_build_fails_with_message_and_exit_code(tmp_path: Path, data_copy: Path) -> None:
    edit(
        data_copy / "stated_totals.csv",
        ",amount_mvnd,21.000,21000,",
        ",amount_mvnd,21.000,21.000,1,x",
    )
    db = tmp_path / "x.duckdb"
    done = run_cli("build", "--db", str(db), "--data", str(data_copy))
    assert 1 == done.returncode
    assert "Không dựng được cơ sở dữ liệu" in done.stderr
    # the edit adds one cell to a row of the header's width (columns are added over time)
    header = (data_copy / "stated_totals.csv").read_text(encoding="utf-8").split("\n")[0]
    width = len(header.split(","))
    wanted = f"data/stated_totals.csv, dòng 2: dòng có {width + 1} ô, tiêu đề có {width} cột"
    assert wanted in done.stderr
    assert "Traceback" not in done.stderr
    assert not db.exists()
