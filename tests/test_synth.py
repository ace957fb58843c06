"""The synthetic national database: same schema, deterministic, every query and page works on it."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from apptest import open_app, open_tab

from plans import db, settings
from plans.data.build import ensure_database
from plans.data.synth import synthesise


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


ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES)
def test_pages_work_on_it(page: str, synth_db: Path, monkeypatch) -> None:
    monkeypatch.setattr(settings, "DB_PATH", synth_db)
    st.cache_data.clear()
    at = open_app(page)
    assert not at.exception, [e.value for e in at.exception]


def test_many_provinces_are_compared_one_period_at_a_time(synth_db: Path, monkeypatch) -> None:
    # 4 provinces x 3 periods = 12 series, more than a legend can tell apart (MANY_SERIES = 6)
    monkeypatch.setattr(settings, "DB_PATH", synth_db)
    st.cache_data.clear()
    at = open_app("pages/provinces.py")
    period = at.radio(key="provinces_period")
    assert "2021-2025" == period.value  # the latest period first
    assert ["2011-2015", "2016-2020", "2021-2025", "Tất cả các giai đoạn"] == period.options
    shares = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    assert 4 * ["bar"] == [t["type"] for t in shares]  # four series: one coloured bar each
    period.set_value("").run()  # all periods
    assert not at.exception
    shares = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    assert ["heatmap"] == [t["type"] for t in shares]
    assert 12 == len(shares[0]["y"])  # a row per province and period
    # per year: one ranked trace per period, every series once
    open_tab(at, "provinces_view", 1)  # average per year
    per_year = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    assert ["2011-2015", "2016-2020", "2021-2025"] == [t["name"] for t in per_year]


def test_targets_open_on_the_sidebar_provinces_results(synth_db: Path, monkeypatch) -> None:
    # results exist for 2011-2015 only; the sidebar's programme is a 2021-2025 one
    monkeypatch.setattr(settings, "DB_PATH", synth_db)
    st.cache_data.clear()
    at = open_app("pages/targets.py", prog="BG-2021-2025", lang="en")
    assert "BG-2011-2015" == at.selectbox(key="targets_programme").value
    listed = "AG-2011-2015, BRVT-2011-2015, BG-2011-2015, BK-2011-2015"
    assert f"Programmes with results: {listed}. Showing BG-2011-2015." in at.info[0].value
