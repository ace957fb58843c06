"""queries/*.sql follow the house style and run with bound parameters only."""

from __future__ import annotations

import re

import pytest

from plans import db

NAMES = db.query_names()


def test_there_are_queries() -> None:
    assert {"budget_lines", "budget_shares", "reconciliation", "target_results",
            "programme_budgets"} <= set(NAMES)  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_header_says_what_grain_params_sources(name: str) -> None:
    header = [ln for ln in db.load_query(name).splitlines() if ln.startswith("--")]
    text = "\n".join(header)
    assert header[0].startswith(f"-- {name}:"), header[0]
    for word in ("grain:", "params:", "sources:"):
        assert word in text, (name, word)


@pytest.mark.parametrize("name", NAMES)
def test_lowercase_sql_ending_in_final(name: str) -> None:
    body = "\n".join(ln.split("--", 1)[0] for ln in db.load_query(name).splitlines())
    code = re.sub(r"'[^']*'", "''", body)  # string literals may hold any case
    assert not re.search(r"\b(SELECT|FROM|WHERE|JOIN|GROUP BY|ORDER BY|WITH)\b", code), name
    assert re.search(r"select \* from final\s*(order by [^;]*)?$", code.strip()), name


@pytest.mark.parametrize("name", NAMES)
def test_params_in_header_match_params_used(name: str) -> None:
    header = next(ln for ln in db.load_query(name).splitlines() if ln.startswith("-- params:"))
    declared = set(re.findall(r"\$([a-z_][a-z0-9_]*)", header))
    assert declared == db.query_params(name)


@pytest.mark.parametrize("name", NAMES)
def test_every_query_runs_on_the_database(name: str, con) -> None:
    params = {p: None for p in db.query_params(name)}
    frame = db.run(con, name, **params)
    assert len(frame.columns) > 0


def test_run_refuses_missing_or_extra_parameters(con) -> None:
    with pytest.raises(TypeError, match="missing"):
        db.run(con, "programme_budgets")
    with pytest.raises(TypeError, match="unexpected"):
        db.run(con, "budget_lines", year=2021)


@pytest.mark.parametrize("bad", ["../etc/passwd", "Budget", "budget_lines;drop", ""])
def test_query_names_are_checked(bad: str) -> None:
    with pytest.raises(ValueError):
        db.load_query(bad)


def test_parameter_is_bound_not_spliced(con) -> None:
    # A hostile value is just a value: no table is dropped, the query simply finds nothing.
    frame = db.run(con, "programme_budgets", price_year=2020)
    assert 5 == len(frame)
    with pytest.raises(Exception):  # noqa: B017 - DuckDB refuses a text where a year is expected
        db.run(con, "programme_budgets", price_year="2020; drop table programmes")
    assert 5 == con.execute("select count(*) from programmes").fetchone()[0]
