"""Robustness: no SQL from user text, escaped output, upload limits, damaged files, killed imports.

Bad uploads (an .xlsx that is not a zip, a CSV with NUL bytes, a 50 MB file) are refused with a
message in tests/test_imports.py (test_bad_input_is_refused_with_a_message,
test_a_50_mb_file_is_refused_before_reading); they are not repeated here.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from apptest import open_app

from plans import auth, db, settings
from plans.app.state import Choices, from_query_params
from plans.data import imports, templates
from plans.data.build import ensure_database, import_dirs

ROOT = Path(__file__).resolve().parent.parent
PY_FILES = [
    *sorted([*ROOT.joinpath("plans").rglob("*.py"), *ROOT.joinpath("pages").glob("*.py")]),
    ROOT / "dashboard.py",
]
MARKER = "# sql: internal names"
SQL = re.compile(
    r"\b(select\b.*\bfrom|insert\s+into|update\s+\w+\s+set|delete\s+from|create\s+(or\s+replace\s+)?"
    r"(table|view)|drop\s+(table|view)|alter\s+table|copy\s+\w+|attach\b|pragma\b)",
    re.IGNORECASE | re.DOTALL,
)
SQL_CALLS = {"execute", "executemany", "sql", "query", "from_query"}


def _text(node: ast.AST) -> str:
    """The literal parts of a string-building expression."""
    return " ".join(
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )


def _built_strings(tree: ast.AST) -> list[ast.AST]:
    """f-strings, str.format calls, % formatting and + concatenation involving strings."""
    found: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and any(
            isinstance(v, ast.FormattedValue) for v in node.values
        ):
            found.append(node)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant)
        ):
            found.append(node)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
            if any(
                isinstance(side, ast.Constant | ast.JoinedStr) for side in (node.left, node.right)
            ):
                found.append(node)
    return found


def string_built_sql(path: Path) -> list[str]:
    """Lines of a file that build SQL from values, without the reviewed-names marker."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    suspects: list[ast.AST] = [n for n in _built_strings(tree) if SQL.search(_text(n))]
    # anything built (not a plain literal or a loaded query) passed straight to execute/sql
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SQL_CALLS
            and node.args
            and isinstance(node.args[0], ast.JoinedStr | ast.BinOp)
        ):
            suspects.append(node.args[0])
    bad = []
    for node in suspects:
        span = lines[node.lineno - 1 : node.end_lineno]
        if not any(MARKER in line for line in span):
            where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
            bad.append(f"{where}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    return sorted(set(bad))


@pytest.mark.parametrize("path", PY_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_sql_is_built_from_text(path: Path) -> None:
    assert [] == string_built_sql(path)


@pytest.mark.parametrize(
    "snippet",
    [
        pytest.param("con.execute(f\"select * from t where name = '{name}'\")", id="f-string"),
        pytest.param('con.execute("select * from t where id = " + x)', id="concatenation"),
        pytest.param('q = "delete from t where id = {}".format(x)', id="format"),
        pytest.param('q = "select a from t where b = %s" % x', id="percent"),
        pytest.param('con.sql(f"{q}")', id="anything built into sql()"),
    ],
)
def test_scanner_catches_string_built_sql(snippet: str, tmp_path: Path) -> None:
    path = tmp_path / "scanned.py"
    path.write_text(snippet + "\n", encoding="utf-8")
    assert 1 == len(string_built_sql(path))
    path.write_text(f"{snippet}  {MARKER}\n", encoding="utf-8")
    assert [] == string_built_sql(path)


def test_only_build_carries_the_internal_names_marker() -> None:
    marked = {p.name for p in PY_FILES if MARKER in p.read_text(encoding="utf-8")}
    assert {"build.py"} == marked


@pytest.mark.parametrize("path", sorted((ROOT / "queries").glob("*.sql")), ids=lambda p: p.name)
def test_queries_bind_named_parameters_only(path: Path) -> None:
    body = "\n".join(line.split("--", 1)[0] for line in path.read_text().splitlines())
    body = re.sub(r"'(?:[^']|'')*'", "''", body)  # a '?' inside a string literal is text
    assert not re.search(r"\?|%s|%\(|\{[a-z_]+\}", body), "only $name parameters are bound"


def test_pages_hold_no_sql() -> None:
    for path in [*ROOT.joinpath("pages").glob("*.py"), ROOT / "dashboard.py"]:
        text = path.read_text(encoding="utf-8")
        assert "import duckdb" not in text and ".execute(" not in text, path.name


@pytest.mark.parametrize(
    "name",
    ["../secrets", "programme_list; drop table x", "Programme_List", "", "a b", "x/../y"],
)
def test_query_names_are_checked(name: str) -> None:
    with pytest.raises(ValueError):
        db.load_query.__wrapped__(name)


def test_url_identifiers_fall_back_to_allowed_values() -> None:
    choices = Choices(
        ("Hà Nội",), ("HN-2021-2025",), "HN-2021-2025", (2016, 2025), ("I",), ("Hà Nội",)
    )
    state = from_query_params(
        {"prog": "x'; drop table programmes; --", "area": "I' or 1=1", "lang": "fr"}, choices
    )
    assert ("HN-2021-2025", "", "vi") == (state.programme, state.area, state.lang)
    assert {"prog", "area", "lang"} <= set(state.notices)


# --- escaped output ----------------------------------------------------------------------------


def test_no_html_is_rendered_unescaped() -> None:
    for path in PY_FILES:
        assert "unsafe_allow_html" not in path.read_text(encoding="utf-8"), path.name


def test_st_html_only_renders_the_static_stylesheets() -> None:
    calls = []
    for path in PY_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "html"
            ):
                calls.append((path.name, ast.unparse(node.args[0])))
    # presentation mode's and the phone's (plans.app.layout), each a constant: no reader's text
    assert [("layout.py", "_PHONE_CSS"), ("ui.py", "_PRESENTATION_CSS")] == sorted(calls)
    for module, name in (("layout.py", "_PHONE_CSS"), ("ui.py", "_PRESENTATION_CSS")):
        tree = ast.parse((ROOT / "plans" / "app" / module).read_text(encoding="utf-8"))
        [value] = [
            n.value
            for n in tree.body
            if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == name
        ]
        assert isinstance(value, ast.Constant) and isinstance(value.value, str), "a constant"


# --- uploads -----------------------------------------------------------------------------------


def test_server_upload_limit_matches_the_import_limit() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # the larger limit, a support file's: any other upload is held to its own again on reading
    largest = max(settings.MAX_UPLOAD_BYTES, settings.MAX_SUPPORT_BYTES)
    assert largest / 2**20 == config["server"]["maxUploadSize"]


def test_served_config_names_only_options_streamlit_knows() -> None:
    # A misspelt option is ignored by Streamlit without a word: the speed-ups measured in
    # BENCHMARKS.md (no file watcher, no full collection after each run) would silently go.
    from streamlit import config as streamlit_config

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    names = [f"{section}.{name}" for section, values in config.items() for name in values]
    assert [] == [n for n in names if n not in streamlit_config._config_options_template]
    assert "none" == config["server"]["fileWatcherType"]
    assert False is config["runner"]["postScriptGC"]


# --- faults ------------------------------------------------------------------------------------


@pytest.fixture()
def private(built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A private database copy and imports folder; caches emptied around the test."""
    copy = tmp_path / "plans.duckdb"
    shutil.copy(built_db, copy)
    monkeypatch.setattr(settings, "DB_PATH", copy)
    monkeypatch.setattr(settings, "IMPORTS_DIR", tmp_path / "imports")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield {"db": copy, "imports": tmp_path / "imports"}
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize(
    ("lang", "text", "button"),
    [
        pytest.param("vi", "Tệp cơ sở dữ liệu bị hỏng", "Dựng lại cơ sở dữ liệu từ data/", id="vi"),
        pytest.param(
            "en", "The database file is damaged", "Rebuild the database from data/", id="en"
        ),
    ],
)
def test_damaged_database_says_so_and_rebuilds(
    private: dict[str, Path], lang: str, text: str, button: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the rebuild writes: a signed-in editor's (issue 19, point 8)
    monkeypatch.setenv(auth.ENV_VAR, f"Biên tập={auth.hash_password('mật khẩu', iterations=1000)}")
    auth.THROTTLE.reset()
    private["db"].write_bytes(os.urandom(64 * 1024))
    at = open_app(None, lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    assert text == at.title[0].value
    assert settings.DB_PATH.name in at.error[0].value
    assert not [b for b in at.button if b.key == "recovery_rebuild"], "a viewer cannot rebuild"
    assert 1 == len(at.info), "a viewer is asked to tell an editor"
    at.text_input(key="auth_name").set_value("Biên tập")
    at.text_input(key="auth_password").set_value("mật khẩu")
    at.button(key="auth_sign_in").click().run()
    assert button == at.button(key="recovery_rebuild").label

    at.button(key="recovery_rebuild").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    with duckdb.connect(str(private["db"]), read_only=True) as con:
        assert 5 == con.execute("select count(*) from programmes").fetchone()[0]
    assert at.metric, "the overview is back"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _big_plan() -> bytes:
    """The plan template with its task rows repeated under new codes, so the build takes a while."""
    rows = templates.plan_rows()
    header, body = rows[0], rows[1:]
    code = header.index("ma_nhiem_vu")
    tasks = [r for r in body if r[code] and "." in r[code]]
    extra = []
    for n in range(1, 40):
        for row in tasks:
            copy = list(row)
            copy[code] = f"{row[code]}.{n}"
            extra.append(copy)
    return templates.to_csv([header, *body, *extra])


def test_killed_import_leaves_the_database_as_it_was(private: dict[str, Path]) -> None:
    source = private["db"].parent / "big.csv"
    source.write_bytes(_big_plan())
    before = _digest(private["db"])
    env = os.environ | {
        "PLANS_DB": str(private["db"]),
        "PLANS_IMPORTS_DIR": str(private["imports"]),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "plans", "import", str(source), "--editor", "tester"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    seen = ""
    deadline = time.monotonic() + 30
    try:
        # kill once the new database is being written beside the old one
        while process.poll() is None and time.monotonic() < deadline:
            temps = list(private["db"].parent.glob(f".{private['db'].name}.*.tmp"))
            if temps:
                seen = temps[0].name
                break
            time.sleep(0.002)
    finally:
        process.send_signal(signal.SIGKILL)
        out, err = process.communicate()
    assert seen, f"the import ended before the build could be caught: {out!r} {err!r}"
    assert -signal.SIGKILL == process.returncode

    assert before == _digest(private["db"]), "the database file is byte for byte the old one"
    listed = subprocess.run(
        [sys.executable, "-m", "plans", "imports"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    stored = imports.list_imports(private["imports"])
    assert len(listed) == len(stored) <= 1, "nothing, or the one whole import"
    for record in stored:
        assert "tester" == record["editor"] and record["id"] in listed[0]

    # a half-made folder named with a dot is never read, even with a meta.json inside
    half = private["imports"] / ".incoming-killed"
    half.mkdir(parents=True, exist_ok=True)
    (half / "meta.json").write_text("{")
    assert half not in import_dirs(private["imports"])

    ensure_database(private["db"], settings.DATA_DIR, private["imports"])
    with duckdb.connect(str(private["db"]), read_only=True) as con:
        ids = {r[0] for r in con.execute("select programme_id from programmes").fetchall()}
    assert (6 if stored else 5) == len(ids)
    # the lock died with the process: the next writer is not blocked
    for record in stored:
        imports.remove(record["id"], db_path=private["db"], imports_dir=private["imports"])
    assert [] == imports.list_imports(private["imports"])
