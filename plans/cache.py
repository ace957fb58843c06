"""Streamlit caches: one read-only connection per process, query results keyed by parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from plans import db, settings
from plans.build import ensure_database


@st.cache_resource(show_spinner=False)
def connection(db_path: str) -> duckdb.DuckDBPyConnection:
    """The process-wide read-only connection (the file is built first if missing or stale)."""
    ensure_database(Path(db_path))
    return db.connect(Path(db_path), read_only=True)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(db_path: str, name: str, params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    # A cursor per query: DuckDB refuses one connection shared by concurrent sessions.
    cursor = connection(db_path).cursor()
    try:
        return db.run(cursor, name, **dict(params))
    finally:
        cursor.close()


def query(name: str, **params: Any) -> pd.DataFrame:
    """Result of queries/<name>.sql for these parameters, cached per database file."""
    return _cached(str(settings.DB_PATH), name, tuple(sorted(params.items())))
