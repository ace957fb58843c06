"""Faults of a write (issue 19, point 6): a message in the user's language and an exit code.

Real processes where the fault is real: two `python -m plans import` at once, and a file-size
limit (RLIMIT_FSIZE, what a full disk looks like to a writer: EFBIG). A read-only file cannot be
made for root (the tests' user in CI), so that one is raised where the file would be written.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from plans import settings
from plans.__main__ import main
from plans.data import faults, imports, templates

ROOT = Path(__file__).resolve().parent.parent
DISK_FULL_VI = "Không ghi được: ổ đĩa của máy chủ đã đầy"
READ_ONLY_VI = "Không ghi được: máy chủ không cho phép ghi"


@pytest.fixture()
def place(tmp_path: Path, built_db: Path) -> dict[str, Path]:
    """A private database (a copy of the session one), an empty imports folder, a plan file."""
    db = tmp_path / "plans.duckdb"
    shutil.copy(built_db, db)
    upload = tmp_path / "ke_hoach.csv"
    upload.write_bytes(templates.to_csv(templates.plan_rows()))
    return {"db": db, "imports": tmp_path / "imports", "file": upload, "home": tmp_path}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(place: dict[str, Path], *args: str, **kw) -> subprocess.Popen:
    env = {
        **os.environ,
        "PLANS_DB": str(place["db"]),
        "PLANS_IMPORTS_DIR": str(place["imports"]),
        "PYTHONUNBUFFERED": "1",  # the report is read line by line while the process waits
        "PLANS_TRACEBACK": "0",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "plans", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def leftovers(place: dict[str, Path]) -> list[str]:
    """Anything a write left behind: temporary database files and half-written imports."""
    found = [p.name for p in place["home"].glob(".plans.duckdb.*")]
    if place["imports"].exists():
        found += [p.name for p in place["imports"].iterdir() if p.name.startswith(".incoming")]
    return found


def test_the_second_of_two_imports_at_once_is_told_it_was_already_imported(place) -> None:
    # Both processes check the file while the imports' lock is held (as by a third writer),
    # so both pass validation and wait at the commit; the second one to get the lock finds
    # the file stored and used to die with "ValueError: already imported as 0001-…"
    place["imports"].mkdir()
    with (place["imports"] / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        runs = [cli(place, "import", str(place["file"]), "--editor", n) for n in ("A", "B")]
        for run in runs:  # each prints its report before it asks for the lock
            assert run.stdout is not None
            assert "0 lỗi" in run.stdout.readline()
        time.sleep(1.0)  # past the report: both are waiting for the lock now
        fcntl.flock(lock, fcntl.LOCK_UN)
    done = [(run.wait(timeout=120), run.stdout.read(), run.stderr.read()) for run in runs]
    assert [0, 1] == sorted(code for code, _, _ in done)
    [(_, _, refused)] = [(c, out, err) for c, out, err in done if c == 1]
    [record] = imports.list_imports(place["imports"])
    assert f"Tệp này đã được nhập (lần nhập {record['id']}, {record['when']})." in refused
    assert "Traceback" not in refused and str(place["home"]) not in refused
    assert [] == leftovers(place)


def test_the_report_command_builds_only_when_no_other_writer_holds_the_lock(place) -> None:
    # `plans report` and `plans deck` build a missing database themselves; they did it without
    # the imports' lock, so a dashboard starting meanwhile (its recovery removes a writer's
    # `.plans.duckdb.*.tmp`) or an import could meet the build half-way
    place["db"].unlink()
    place["imports"].mkdir()
    with (place["imports"] / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run = cli(place, "report", "--programme", "KHONG-CO", "--out", str(place["home"] / "r.pdf"))
        deadline = time.monotonic() + 5.0  # the old code had begun its build well within this
        written: list[str] = []
        while time.monotonic() < deadline and run.poll() is None and not written:
            written = [p.name for p in place["home"].glob("*plans.duckdb*")]
            time.sleep(0.05)
        assert ([], None) == (written, run.poll())  # waiting for the lock, nothing written
        fcntl.flock(lock, fcntl.LOCK_UN)
    code, err = run.wait(timeout=300), run.stderr.read()
    assert (1, True, True) == (code, "KHONG-CO" in err, place["db"].exists())
    assert [] == leftovers(place)


def test_a_full_disk_is_said_plainly_with_its_exit_code_and_nothing_changes(place) -> None:
    # a file-size limit below the database's size: copying it for the import fails with EFBIG
    # ("File too large"), as on a full disk; Python ignores SIGXFSZ, so the write raises
    before = digest(place["db"])
    limit = place["db"].stat().st_size // 2

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    run = cli(place, "import", str(place["file"]), preexec_fn=small_files)
    _, err = run.communicate(timeout=120)
    assert faults.EXIT_IOERR == run.returncode
    assert err.strip().startswith(DISK_FULL_VI), err
    assert "Traceback" not in err and "Errno" not in err and str(place["home"]) not in err
    assert before == digest(place["db"])
    assert [] == imports.list_imports(place["imports"])
    assert [] == leftovers(place)


def test_a_full_disk_in_english(place) -> None:
    limit = place["db"].stat().st_size // 2
    run = cli(
        place,
        "--lang",
        "en",
        "import",
        str(place["file"]),
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )
    _, err = run.communicate(timeout=120)
    assert faults.EXIT_IOERR == run.returncode
    assert err.strip().startswith("Could not write: the server's disk is full"), err


def test_a_read_only_database_file_is_said_plainly(place, monkeypatch, capsys) -> None:
    # root may write any file, so the refusal is raised where the database file is copied
    from plans.data import build as build_module

    def refused(src, dst, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(settings, "DB_PATH", place["db"])
    monkeypatch.setattr(settings, "IMPORTS_DIR", place["imports"])
    monkeypatch.setattr(build_module.shutil, "copyfile", refused)
    before = digest(place["db"])
    assert faults.EXIT_NOPERM == main(["import", str(place["file"])])
    err = capsys.readouterr().err
    assert err.strip().startswith(READ_ONLY_VI), err
    assert "Permission denied" not in err and str(place["home"]) not in err
    assert before == digest(place["db"])
    assert [] == imports.list_imports(place["imports"])


@pytest.mark.parametrize(
    ("fault", "code", "start"),
    [
        pytest.param(OSError(errno.ENOSPC, "No space left on device", "/srv/x"), faults.EXIT_IOERR, DISK_FULL_VI, id="ENOSPC"),
        pytest.param(OSError(errno.EFBIG, "File too large", "/srv/x"), faults.EXIT_IOERR, DISK_FULL_VI, id="EFBIG"),
        pytest.param(OSError(errno.EROFS, "Read-only file system", "/srv/x"), faults.EXIT_NOPERM, READ_ONLY_VI, id="EROFS"),
        pytest.param(duckdb.IOException("IO Error: Could not write file \"/srv/x\": No space left on device"), faults.EXIT_IOERR, DISK_FULL_VI, id="duckdb full"),
        pytest.param(duckdb.IOException("IO Error: Cannot open file \"/srv/x\": Permission denied"), faults.EXIT_NOPERM, READ_ONLY_VI, id="duckdb denied"),
        pytest.param(duckdb.OutOfMemoryException("could not allocate"), faults.EXIT_TEMPFAIL, "Không đủ bộ nhớ", id="memory"),
        pytest.param(RuntimeError("/srv/plans/secret.py line 3"), faults.EXIT_SOFTWARE, "Đã xảy ra lỗi ngoài dự kiến", id="anything else"),
    ],
)  # fmt: skip
def test_each_fault_has_its_message_and_code_and_no_path(fault, code: int, start: str) -> None:
    explained = faults.explain(fault, "vi")
    assert (code, True) == (explained.code, explained.message.startswith(start))
    assert "/srv" not in explained.message


def test_an_unexpected_fault_is_logged_with_its_traceback(caplog) -> None:
    try:
        raise RuntimeError("boom at /srv/plans")
    except RuntimeError as exc:
        faults.explain(exc, "en", "import")
    [record] = caplog.records
    assert ("plans", "import failed", True) == (
        record.name,
        record.getMessage(),
        record.exc_info is not None,
    )
