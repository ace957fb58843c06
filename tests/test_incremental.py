"""The write path of imports: a database kept by incremental imports equals a full rebuild."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from benchmarks.bench_imports import plan_variant, tables
from plans import settings
from plans.data import build as build_module
from plans.data import imports, templates
from plans.data.build import BuildError, build, built_from, data_checksum


@pytest.fixture()
def place(tmp_path: Path, built_db: Path) -> dict[str, Path]:
    """A private database (a copy of the session one) and an empty imports folder."""
    db = tmp_path / "plans.duckdb"
    shutil.copy(built_db, db)
    return {"db": db, "imports": tmp_path / "imports", "dir": tmp_path}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def staged(place: dict[str, Path], name: str, data: bytes) -> imports.Staged:
    result = imports.validate(name, data, imports_dir=place["imports"], db_path=place["db"])
    assert [] == [p.message("en") for p in result.errors]
    return result


def store(place: dict[str, Path], name: str, data: bytes) -> str:
    upload = staged(place, name, data)
    return imports.commit(upload, data, "test", db_path=place["db"], imports_dir=place["imports"])


def results_for(programme: str) -> bytes:
    """The template's results report (001, 2011-2015) as a report on `programme`."""
    rows = templates.results_rows("HN-2011-2015")
    at = rows[0].index("ma_chuong_trinh")
    for cells in rows[1:]:
        cells[at] = programme
    return templates.to_csv(rows)


def retitled(rows: list[list[str]], title: str) -> bytes:
    """The same plan under another title (another file, the same province and period)."""
    at = rows[0].index("ten_chuong_trinh")
    for cells in rows[1:]:
        cells[at] = title
    return templates.to_csv(rows)


def leftovers(place: dict[str, Path]) -> list[str]:
    """Files beside the database other than the database and the imports folder."""
    return sorted(
        p.name for p in place["dir"].iterdir() if p.name not in {"plans.duckdb", "imports"}
    )


def assert_equals_full_build(place: dict[str, Path]) -> None:
    fresh = place["dir"] / "fresh" / "plans.duckdb"
    fresh.parent.mkdir(exist_ok=True)
    build(fresh, settings.DATA_DIR, place["imports"])
    expected, got = tables(fresh), tables(place["db"])
    assert sorted(expected) == sorted(got)
    for name in expected:
        assert expected[name][0] == got[name][0], f"columns of {name}"
        assert expected[name][1] == got[name][1], f"rows of {name}"
    assert data_checksum(settings.DATA_DIR, place["imports"]) == built_from(place["db"])
    shutil.rmtree(fresh.parent)


def test_imports_and_removals_give_the_tables_of_a_full_rebuild(place, monkeypatch) -> None:
    # every write below goes the incremental way: a full rebuild would hide a wrong one
    def no_rebuild(*args, **kwargs):
        raise AssertionError("rebuilt in full")

    monkeypatch.setattr(imports, "build", no_rebuild)
    hanoi = store(place, "hanoi.csv", templates.to_csv(templates.plan_rows()))  # same as 000's
    hung_yen = store(place, "hy.csv", templates.to_csv(templates.plan_rows("HY-2018-2020")))
    nam_dinh = store(place, "nd.csv", plan_variant("Nam Định", 2016, "Khuyến công Nam Định"))
    report = store(place, "kq_nd.csv", results_for("ND-2016-2020"))
    assert_equals_full_build(place)
    imports.remove(hung_yen, db_path=place["db"], imports_dir=place["imports"])  # the middle
    store(place, "hy_2.csv", plan_variant("Hưng Yên", 2011, "Khuyến công Hưng Yên 2011"))
    assert_equals_full_build(place)
    imports.remove(report, db_path=place["db"], imports_dir=place["imports"])
    imports.remove(hanoi, db_path=place["db"], imports_dir=place["imports"])
    assert_equals_full_build(place)
    assert [nam_dinh] == [r["id"] for r in imports.list_imports(place["imports"])][:1]
    assert [] == leftovers(place)
    # the dashboard's start sees a current file and leaves it alone
    before = place["db"].stat().st_mtime_ns
    build_module.ensure_database(place["db"], settings.DATA_DIR, place["imports"])
    assert before == place["db"].stat().st_mtime_ns


def test_an_upload_validated_before_another_was_stored_is_refused_at_commit(place) -> None:
    # two editors validate plans of one province and period at once: both get the id -2
    first = templates.to_csv(templates.plan_rows("HY-2018-2020"))
    second = retitled(templates.plan_rows("HY-2018-2020"), "Khuyến công Hưng Yên (bản khác)")
    one, other = staged(place, "a.csv", first), staged(place, "b.csv", second)
    assert one.programme_id == other.programme_id
    imports.commit(one, first, "test", db_path=place["db"], imports_dir=place["imports"])
    before = digest(place["db"])
    with pytest.raises(BuildError) as caught:
        imports.commit(other, second, "test", db_path=place["db"], imports_dir=place["imports"])
    assert "data.duplicate_built" in {e.key for e in caught.value.errors}
    assert before == digest(place["db"])
    assert 1 == len(imports.list_imports(place["imports"]))
    assert [] == leftovers(place)
    assert [] == [p.name for p in place["imports"].iterdir() if p.name.startswith(".incoming")]


@pytest.mark.parametrize("step", ["_derive", "_retarget", "_create"])
def test_a_crash_while_writing_an_import_leaves_the_file_as_it_was(
    place, monkeypatch, step
) -> None:
    data = templates.to_csv(templates.plan_rows("HY-2018-2020"))
    upload = staged(place, "hy.csv", data)
    before = digest(place["db"])

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(build_module, step, crash)
    with pytest.raises(OSError, match="disk full"):
        imports.commit(upload, data, "test", db_path=place["db"], imports_dir=place["imports"])
    assert before == digest(place["db"])
    assert [] == leftovers(place)
    assert [] == imports.list_imports(place["imports"])


def test_a_crash_while_removing_leaves_the_file_and_the_import(place, monkeypatch) -> None:
    import_id = store(place, "hy.csv", templates.to_csv(templates.plan_rows("HY-2018-2020")))
    before = digest(place["db"])

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "_derive", crash)
    with pytest.raises(OSError, match="disk full"):
        imports.remove(import_id, db_path=place["db"], imports_dir=place["imports"])
    assert before == digest(place["db"])
    assert [import_id] == [r["id"] for r in imports.list_imports(place["imports"])]
    assert [] == leftovers(place)


@pytest.mark.parametrize("incremental", [True, False], ids=["incremental", "full rebuild"])
def test_a_plan_that_a_report_refers_to_cannot_be_removed(place, incremental) -> None:
    plan = store(place, "nd.csv", plan_variant("Nam Định", 2016, "Khuyến công Nam Định"))
    store(place, "kq_nd.csv", results_for("ND-2016-2020"))
    before = digest(place["db"])
    with pytest.raises(BuildError) as caught:
        imports.remove(
            plan, db_path=place["db"], imports_dir=place["imports"], incremental=incremental
        )
    assert {"data.unknown_ref"} == {e.key for e in caught.value.errors}
    assert before == digest(place["db"])
    assert 2 == len(imports.list_imports(place["imports"]))


def test_a_stale_database_is_rebuilt_in_full(place) -> None:
    # a file built from other inputs (here: no stamp matches) is never patched
    store(place, "hy.csv", templates.to_csv(templates.plan_rows("HY-2018-2020")))
    other = place["dir"] / "other_imports"
    shutil.copytree(place["imports"], other)
    data = plan_variant("Nam Định", 2016, "Khuyến công Nam Định")
    upload = imports.validate("nd.csv", data, imports_dir=other, db_path=place["db"])
    shutil.rmtree(other / imports.list_imports(other)[0]["id"])  # the file no longer says so
    imports.commit(upload, data, "test", db_path=place["db"], imports_dir=other)
    place["imports"] = other
    assert_equals_full_build(place)


def test_the_trial_names_the_users_row_never_an_internal_file(place, monkeypatch) -> None:
    # a reader slip (an id already taken) is caught by the trial against the built file
    monkeypatch.setattr(imports, "_programme_id", lambda *args: "HN-2021-2025")
    upload = imports.validate(
        "hanoi.csv",
        templates.to_csv(templates.plan_rows()),
        imports_dir=place["imports"],
        db_path=place["db"],
    )
    assert upload.errors and not upload.tables
    for problem in upload.errors:
        text = problem.message("vi")
        assert problem.row is not None, text
        assert "imports/" not in text and "trial" not in text, text
    assert any("HN-2021-2025" in p.message("vi") for p in upload.errors)


def test_checksum_trusts_the_recorded_digest_only_while_the_files_are_unchanged(place) -> None:
    """meta.json records each import's table files (sizes, times, digest) so a checksum need not
    read them; the recorded digest is the files' own, and an edited file is read again."""
    import_id = store(place, "ke_hoach.csv", templates.to_csv(templates.plan_rows()))
    folder = place["imports"] / import_id
    data_dir = settings.DATA_DIR
    recorded = data_checksum(data_dir, place["imports"])
    build_module._FOLDER_DIGESTS.clear()
    (folder / "meta.json").write_text(  # the record gone: the files are read instead
        (folder / "meta.json").read_text(encoding="utf-8").replace("tables_sha256", "x"),
        encoding="utf-8",
    )
    assert recorded == data_checksum(data_dir, place["imports"])
    tasks = folder / "tables" / "tasks.csv"
    tasks.write_bytes(tasks.read_bytes() + b"\n")
    assert recorded != data_checksum(data_dir, place["imports"])


def test_checks_and_writes_bound_duckdbs_memory_and_leave_no_spill_behind(
    place, monkeypatch
) -> None:
    # an import into millions of support records is checked against them and recomputes their
    # pre-aggregates: both connections are bounded (PLANS_WRITE_MEMORY_MB), so DuckDB spills
    # or caches less instead of taking the server's memory; a small bound still gives the
    # tables of a full build
    import support_fixture as fx

    monkeypatch.setattr(settings, "WRITE_MEMORY_MB", 48)
    opened: list[tuple[bool, str]] = []
    writer = build_module._writer

    def spy(path: Path, read_only: bool = False):
        con = writer(path, read_only=read_only)
        limit = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
        opened.append((read_only, limit))
        return con

    monkeypatch.setattr(build_module, "_writer", spy)
    store(place, "ho_tro.csv", fx.to_csv(fx.table()))
    # the check against the built file (read-only: half), then the import's one writing
    # connection
    assert [(True, "22.8 MiB"), (False, "45.7 MiB")] == opened
    opened.clear()
    assert_equals_full_build(place)  # the full build writes with the same bound
    assert [(False, "45.7 MiB")] * 2 == opened  # its tables, then its support records
    assert [] == leftovers(place)


def test_running_out_of_the_memory_bound_is_a_message_and_the_file_stays(place, monkeypatch):
    # an operator DuckDB cannot spill, out of the bound mid-import: the import is refused with
    # a message naming the setting, the database and the imports folder as they were
    import duckdb
    import support_fixture as fx

    data = fx.to_csv(fx.table())
    upload = staged(place, "ho_tro.csv", data)
    before = digest(place["db"])

    def exhausted(con) -> None:
        raise duckdb.OutOfMemoryException("could not allocate block of size 256.0 KiB")

    monkeypatch.setattr(build_module, "derive_support", exhausted)
    with pytest.raises(BuildError) as caught:
        imports.commit(upload, data, "test", db_path=place["db"], imports_dir=place["imports"])
    assert caught.value.report("vi").endswith(
        "không đủ bộ nhớ để ghi cơ sở dữ liệu trong giới hạn 1024 MB; tệp cũ vẫn giữ nguyên."
        " Người vận hành máy chủ có thể tăng PLANS_WRITE_MEMORY_MB rồi thử lại."
    ), caught.value.report("vi")
    assert "Traceback" not in caught.value.report("en")
    assert before == digest(place["db"])
    assert [] == imports.list_imports(place["imports"])
    assert [] == leftovers(place)
