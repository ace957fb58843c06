"""The synthetic national database: same schema, deterministic, every query and page works on it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import streamlit as st
from apptest import open_app

from plans import db, settings
from plans.build import ensure_database
from plans.synth import synthesise


@pytest.fixture(scope="module")
def synth_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "national.duckdb"
    synthesise(path, provinces=4, periods=3, records=5000, seed=7)
    return path


def test_shape(synth_db: Path) -> None:
    with duckdb.connect(str(synth_db), read_only=True) as con:
        assert (4, 12) == con.execute(
            "select count(distinct province), count(*) from programmes"
        ).fetchone()
        per_programme = con.execute(
            "select count(distinct task_code) from budget_lines group by programme_id"
        ).fetchall()
        assert all(25 <= n <= 40 for (n,) in per_programme)
        assert 5000 == con.execute("select count(*) from support_records").fetchone()[0]
        assert con.execute("select count(*) from target_results").fetchone()[0] > 0


def test_deterministic_for_a_seed(synth_db: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.duckdb"
    synthesise(again, provinces=4, periods=3, records=5000, seed=7)
    query = "select * from budget_lines order by all"
    support = "select * from support_records order by all"
    with (
        duckdb.connect(str(synth_db), read_only=True) as a,
        duckdb.connect(str(again), read_only=True) as b,
    ):
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
        assert a.execute(support).fetchall() == b.execute(support).fetchall()


@pytest.mark.parametrize("name", db.query_names())
def test_every_query_runs_on_it(name: str, synth_db: Path) -> None:
    with db.connect(synth_db) as con:
        db.run(con, name, **{p: None for p in db.query_params(name)})


def test_start_up_leaves_it_alone(synth_db: Path) -> None:
    before = synth_db.stat().st_mtime_ns
    ensure_database(synth_db)
    assert before == synth_db.stat().st_mtime_ns


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/budget.py", "pages/provinces.py",
                                  "pages/periods.py", "pages/quality.py",
                                  "pages/support.py"])  # fmt: skip
def test_pages_work_on_it(page: str, synth_db: Path, monkeypatch) -> None:
    monkeypatch.setattr(settings, "DB_PATH", synth_db)
    st.cache_data.clear()
    at = open_app(page)
    assert not at.exception, [e.value for e in at.exception]
