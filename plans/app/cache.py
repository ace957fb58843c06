"""Streamlit caches: one read-only connection per database file version, results by parameters."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from plans import db, settings
from plans.data.build import ensure_database


def _version(db_path: str) -> int:
    # The build replaces the file (os.replace): a new inode and mtime mean new contents, so
    # caches keyed on them never serve the old file after an import or a removal.
    try:
        stat = os.stat(db_path)
    except FileNotFoundError:
        return 0
    return stat.st_ino ^ stat.st_mtime_ns


_OPEN: dict[str, tuple[int, duckdb.DuckDBPyConnection]] = {}
_LOCK = threading.Lock()


def _connection(db_path: str, version: int) -> duckdb.DuckDBPyConnection:
    # One connection per file version. The previous one is closed first: DuckDB shares one
    # database instance per path inside a process, so an open old connection would keep
    # serving the replaced file to the new one.
    with _LOCK:
        current = _OPEN.get(db_path)
        if current is not None and current[0] == version:
            return current[1]
        if current is not None:
            current[1].close()
        con = db.connect(Path(db_path), read_only=True)
        _OPEN[db_path] = (version, con)
        return con


class DatabaseDamagedError(Exception):
    """The database file exists but DuckDB cannot open it (the frame offers a rebuild)."""


def connection(db_path: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current file (built first if missing or stale)."""
    _ensure(db_path)
    try:
        return _connection(db_path, _version(db_path))
    except duckdb.Error as exc:
        raise DatabaseDamagedError(db_path) from exc


@st.cache_resource(show_spinner=False)
def _ensure(db_path: str) -> None:
    # once per process: building when data/ or the imports changed since the file was made
    ensure_database(Path(db_path))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(
    db_path: str, version: int, name: str, params: tuple[tuple[str, Any], ...]
) -> pd.DataFrame:
    # A cursor per query: DuckDB refuses one connection shared by concurrent sessions.
    cursor = _connection(db_path, version).cursor()
    try:
        return db.run(cursor, name, **dict(params))
    finally:
        cursor.close()


def query(name: str, **params: Any) -> pd.DataFrame:
    """Result of queries/<name>.sql for these parameters, cached per database file version."""
    path = str(settings.DB_PATH)
    connection(path)
    return _cached(path, _version(path), name, tuple(sorted(params.items())))


def documents() -> dict[str, dict[str, Any]]:
    """Each document's row of the documents table, by its stored file name (for citations)."""
    frame = query("source_documents")
    return {str(row["source_file"]): row for row in frame.to_dict("records")}


@st.cache_data(show_spinner=False, max_entries=32)
def _charts(db_path: str, version: int, programme_id: str, lang: str) -> list[Any]:
    from plans.present.deck import catalog

    cursor = _connection(db_path, version).cursor()
    try:
        return catalog(cursor, programme_id, lang)
    finally:
        cursor.close()


def charts(programme_id: str, lang: str) -> list[Any]:
    """The presenter's charts of one programme (present.deck.catalog), cached per file version."""
    path = str(settings.DB_PATH)
    connection(path)
    return _charts(path, _version(path), programme_id, lang)


def deck_info(programme_id: str, lang: str) -> Any:
    """Title-slide facts of one programme (plans.present.deck.deck_info)."""
    from plans.present.deck import deck_info as build_info

    path = str(settings.DB_PATH)
    cursor = connection(path).cursor()
    try:
        return build_info(cursor, programme_id, lang)
    finally:
        cursor.close()
