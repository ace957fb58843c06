"""Connections to the plan database and named SQL queries from queries/*.sql."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from plans import settings

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def connect(path: Path | None = None, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the plan database; read-only unless a writer asks otherwise."""
    return duckdb.connect(str(path or settings.DB_PATH), read_only=read_only)


def query_names(queries_dir: Path | None = None) -> list[str]:
    """Names of all queries, i.e. the file names in queries/ without .sql."""
    return sorted(p.stem for p in (queries_dir or settings.QUERIES_DIR).glob("*.sql"))


@cache
def load_query(name: str, queries_dir: Path | None = None) -> str:
    """Text of queries/<name>.sql; the name is checked so no path can be smuggled in."""
    if not _NAME.match(name):
        raise ValueError(f"invalid query name: {name!r}")
    path = (queries_dir or settings.QUERIES_DIR) / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no such query: {name}")
    return path.read_text(encoding="utf-8")


def query_params(name: str) -> set[str]:
    """The $parameters a query expects (ignoring those in -- comments)."""
    sql = "\n".join(line.split("--", 1)[0] for line in load_query(name).splitlines())
    return set(re.findall(r"\$([a-z_][a-z0-9_]*)", sql))


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run a named query with bound parameters and return its result."""
    expected = query_params(name)
    missing, extra = expected - params.keys(), params.keys() - expected
    if missing or extra:
        raise TypeError(f"query {name}: missing {sorted(missing)}, unexpected {sorted(extra)}")
    return con.execute(load_query(name), params or None).df()
