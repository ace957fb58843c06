"""The benchmark's own correctness: percentiles, the agreement check, the pandas and SQLite ports.

The ports are checked against DuckDB on the seed database and on a tiny synthetic one, for every
query with a port, with the benchmark's representative parameters. No timing is asserted.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks import bench, bench_ports, bench_sqlite
from benchmarks.__main__ import main
from plans import db
from plans.data.synth import synthesise

NAMES = db.query_names()


@pytest.fixture(scope="module")
def seed(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The seed database with its SQLite copy and DataFrames."""
    yield from _engines(built_db, tmp_path_factory.mktemp("bench-seed"))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """3 provinces, 1 period, 2000 support records."""
    folder = tmp_path_factory.mktemp("bench-tiny")
    path = folder / "tiny.duckdb"
    synthesise(path, 3, 1, records=2000)
    yield from _engines(path, folder)


def _engines(path: Path, folder: Path) -> Iterator[dict]:
    sqlite_path = folder / "copy.sqlite"
    bench_sqlite.copy_database(path, sqlite_path)
    con = db.connect(path, read_only=True)
    lite = bench_sqlite.connect(sqlite_path)
    try:
        yield {
            "con": con,
            "frames": bench_ports.load_frames(con),
            "lite": lite,
            "ctx": bench.context(con),
        }
    finally:
        lite.close()
        con.close()


def _agreement(engines: dict, name: str) -> list[tuple[str, str, str]]:
    """(param set, engine, comparison) for every parameter set and every port of a query."""
    out = []
    for label, params in bench.param_sets(name, engines["ctx"]):
        expected = db.run(engines["con"], name, **params)
        port = bench_ports.PORTS.get(name)
        if port is not None:
            out.append((label, "pandas", bench.compare(expected, port(engines["frames"], params))))
        sql, _ = bench_sqlite.sql_for(name)
        if sql is not None:  # None: a build step SQLite is not asked to run (NOT_ON_SQLITE)
            got = bench_sqlite.run(engines["lite"], sql, params)
            out.append((label, "sqlite", bench.compare(expected, got)))
        if name in bench_sqlite.RECORDS_SQL:  # DuckDB's own SQL on the pre-aggregates too
            got = bench_sqlite.run(engines["lite"], bench_sqlite.shim(db.load_query(name)), params)
            out.append((label, "sqlite-same-sql", bench.compare(expected, got)))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_ports_agree_with_duckdb_on_the_seed_database(seed: dict, name: str) -> None:
    results = _agreement(seed, name)
    assert [(label, engine, "ok") for label, engine, _ in results] == results


@pytest.mark.parametrize("name", NAMES)
def test_ports_agree_with_duckdb_on_a_tiny_synthetic_database(tiny: dict, name: str) -> None:
    results = _agreement(tiny, name)
    assert [(label, engine, "ok") for label, engine, _ in results] == results


def test_only_build_steps_skip_sqlite() -> None:
    from plans.data.build import DERIVED, SUPPORT_DERIVED

    build_only = set(DERIVED) - set(SUPPORT_DERIVED)
    assert set() == set(bench_sqlite.NOT_ON_SQLITE) - build_only
    for name in bench_sqlite.NOT_ON_SQLITE:
        assert (None, bench_sqlite.NOT_ON_SQLITE[name]) == bench_sqlite.sql_for(name)


def test_the_tiny_database_gives_the_support_ports_rows_to_compare(tiny: dict) -> None:
    # otherwise the agreement above would compare empty results
    for name in bench_sqlite.RECORDS_SQL:
        for _, params in bench.param_sets(name, tiny["ctx"]):
            assert 0 < len(db.run(tiny["con"], name, **params)), name


def test_every_support_aggregation_has_a_pandas_and_a_records_sqlite_port() -> None:
    support = {
        "support_by_province",
        "support_by_year",
        "support_by_area",
        "support_top_establishments",
        "support_yoy",
    }
    assert support == set(bench_sqlite.RECORDS_SQL)
    assert support <= set(bench_ports.PORTS)


@pytest.mark.parametrize(
    ("values", "pct", "expected"),
    [
        ([5.0, 1.0, 3.0, 2.0, 4.0], 50, 3.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 95, 4.8),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([7.0], 95, 7.0),
        ([1.0, 2.0], 0, 1.0),
        ([1.0, 2.0], 100, 2.0),
    ],
)
def test_percentile_interpolates_between_closest_ranks(values, pct, expected) -> None:
    assert expected == pytest.approx(bench.percentile(values, pct))
    assert float(np.percentile(values, pct)) == pytest.approx(bench.percentile(values, pct))


def test_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        bench.percentile([], 50)


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "province": ["Hà Nội", "Hưng Yên", "An Giang"],
            "records": [3, 2, 1],
            "amount_mvnd": [1234.5, 0.1 + 0.2, 7.0],
            "share_pct": [None, 50.0, 25.0],
        }
    )


def test_compare_accepts_another_row_order_column_order_and_float_noise() -> None:
    other = _frame().iloc[[2, 0, 1]][["share_pct", "amount_mvnd", "records", "province"]]
    other = other.assign(amount_mvnd=other["amount_mvnd"] * (1 + 1e-12))
    assert "ok" == bench.compare(_frame(), other)


def test_compare_accepts_integers_as_floats_and_booleans_as_0_or_1() -> None:
    a = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "flag": [True, False]})
    b = pd.DataFrame({"n": [1.0, None], "flag": [1, 0]}, dtype=object)
    assert "ok" == bench.compare(a, b)


def test_compare_reports_a_changed_value() -> None:
    changed = _frame()
    changed.loc[1, "amount_mvnd"] = 0.3 * (1 + 1e-6)
    result = bench.compare(_frame(), changed)
    assert result.startswith("1 values differ")
    assert "amount_mvnd" in result


def test_compare_reports_a_changed_text_and_a_null() -> None:
    changed = _frame()
    changed.loc[0, "province"] = "Ha Noi"
    changed.loc[1, "share_pct"] = None
    result = bench.compare(_frame(), changed)
    assert result.startswith("2 values differ")


def test_compare_reports_a_missing_row() -> None:
    result = bench.compare(_frame(), _frame().iloc[:2])
    assert result.startswith("3 rows expected, got 2")
    assert "1 missing" in result and "An Giang" in result


def test_compare_reports_missing_columns() -> None:
    result = bench.compare(_frame(), _frame().drop(columns=["share_pct"]))
    assert "columns differ: missing ['share_pct'], extra []" == result


def test_compare_reports_text_against_numbers() -> None:
    a = pd.DataFrame({"period_label": ["2021-2025"]})
    b = pd.DataFrame({"period_label": [2021.0]})
    assert bench.compare(a, b).startswith("column period_label: text expected")


def test_the_sqlite_shim_runs_duckdb_idioms(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    with sqlite3.connect(path) as setup:
        setup.execute("create table t (g text, v integer, s text)")
        setup.executemany(
            "insert into t values (?, ?, ?)",
            [("a", 2, "12x"), ("a", 1, "3"), ("b", 5, None), ("a", 2, "12x")],
        )
    sql = bench_sqlite.shim(
        """
        -- a comment
        select
            g,
            sum(v)::double as total,
            string_agg(v::varchar, ', ' order by v desc) as listed,
            string_agg(distinct s, ';' order by s) as distinct_s,
            any_value(left(g, 1)) as first_letter,
            lpad(g, 3, '0') as padded,
            try_cast(regexp_extract(any_value(s), '^[0-9]+') as integer) as leading
        from t
        where $names is null or list_contains($names, g)
        group by g
        order by g
        """
    )
    lite = bench_sqlite.connect(path)
    try:
        rows = bench_sqlite.run(lite, sql, {"names": ["a", "b"]})
        only_b = bench_sqlite.run(lite, sql, {"names": ["b"]})
    finally:
        lite.close()
    assert [
        ["a", 5.0, "2, 2, 1", "12x;3", "a", "00a", 12],
        ["b", 5.0, "5", None, "b", "00b", None],
    ] == rows.astype(object).where(rows.notna(), None).values.tolist()
    assert ["b"] == only_b["g"].tolist()


def test_the_command_runs_every_query_on_the_seed_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_json = tmp_path / "bench.json"
    code = main(
        [
            "queries",
            "--sizes",
            "seed",
            "--runs",
            "2",
            "--budget",
            "1",
            "--no-browser",
            "--workdir",
            str(tmp_path),
            "--json",
            str(out_json),
        ]
    )
    printed = capsys.readouterr().out
    assert 0 == code
    rows = [line.split()[0] for line in printed.splitlines() if line.split()]
    assert [] == [name for name in NAMES if name not in rows]
    assert "== summary (largest size run: seed) ==" in printed
    figures = json.loads(out_json.read_text(encoding="utf-8"))
    queries = figures["sizes"][0]["queries"]
    assert set(NAMES) == {q["name"] for q in queries}
    # a query without a port says so in its row and in a note, never with a number
    for q in queries:
        if q["pandas"]["status"] == "no port":
            row = next(line for line in printed.splitlines() if line.startswith(q["name"] + " "))
            assert "no port" in row
            assert f"{q['name']}: pandas: no port (" in printed
    for q in queries:
        assert "ok" == q["duckdb"]["status"], q["name"]
        assert 2 == q["duckdb"]["runs"] or q["build_query"], q["name"]
