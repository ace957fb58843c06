"""Shared fixtures: a plan database built once per test session from data/."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

# Tests never see the developer's own imports: an empty imports folder unless a test makes one.
os.environ["PLANS_IMPORTS_DIR"] = tempfile.mkdtemp(prefix="plans-imports-")
# A message id missing from the catalogues fails the test that asks for it (plans.messages).
os.environ["PLANS_STRICT_MESSAGES"] = "1"

from plans import db, settings
from plans.data.build import build

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real DuckDB file built from the project's data directory."""
    path = tmp_path_factory.mktemp("db") / "plans.duckdb"
    build(path, settings.DATA_DIR)
    return path


@pytest.fixture(scope="session")
def national_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small national database: 63 provinces x 3 periods (plans.data.synth), 2000 support records."""
    from plans.data.synth import synthesise

    path = tmp_path_factory.mktemp("national") / "national.duckdb"
    synthesise(path, provinces=63, periods=3, records=2000, seed=5)
    return path


@pytest.fixture()
def con(built_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, as the dashboard holds."""
    connection = db.connect(built_db, read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def cpi_to_2024_db(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed database as it was before the 2025 CPI was announced: CPI known to 2024 only."""
    path = tmp_path_factory.mktemp("cpi2024") / "plans.duckdb"
    shutil.copyfile(built_db, path)
    with db.connect(path, read_only=False) as writer:
        writer.execute("delete from cpi where year > 2024")
    return path


@pytest.fixture()
def con_cpi_to_2024(cpi_to_2024_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to that database (queries run on it; its derived tables do not)."""
    connection = db.connect(cpi_to_2024_db, read_only=True)
    yield connection
    connection.close()


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, target)
    return target


@pytest.fixture()
def app_db(built_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the dashboard at the session database, with Streamlit's caches emptied."""
    import streamlit as st

    monkeypatch.setattr(settings, "DB_PATH", built_db)
    st.cache_data.clear()
    st.cache_resource.clear()
    return built_db


EXPORT_TESTS = {"test_deck.py", "test_report.py"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Export tests need Chromium and poppler-utils: skipped where missing, never in CI.

    .ci/run installs both and sets PLANS_REQUIRE_EXPORT_TOOLS=1, so there they always run.
    """
    missing = [t for t in ("chromium", "pdftoppm") if shutil.which(t) is None]
    if not missing or os.environ.get("PLANS_REQUIRE_EXPORT_TOOLS") == "1":
        return
    skip = pytest.mark.skip(
        reason=f"needs {', '.join(missing)} (apt-get install chromium poppler-utils)"
    )
    for item in items:
        if (
            item.path.name in EXPORT_TESTS
            or item.get_closest_marker("export")
            or item.get_closest_marker("e2e")
        ):
            item.add_marker(skip)


@pytest.fixture()
def private_store(built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the session database and an empty imports folder: writes never leak."""
    import streamlit as st

    copy = tmp_path / "plans.duckdb"
    shutil.copy(built_db, copy)
    monkeypatch.setattr(settings, "DB_PATH", copy)
    monkeypatch.setattr(settings, "IMPORTS_DIR", tmp_path / "imports")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield copy
    st.cache_data.clear()
    st.cache_resource.clear()
