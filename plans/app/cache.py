"""Streamlit caches: one read-only connection per database file version, results by parameters."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from plans import db, settings
from plans.app.state import Choices
from plans.charts.base import fit_narrow
from plans.data.build import BuildError
from plans.data.imports import RecoveryReport, recover
from plans.data.provinces import vietnamese_key


def _version(db_path: str) -> int:
    # The build replaces the file (os.replace): a new inode and mtime mean new contents, so
    # caches keyed on them never serve the old file after an import or a removal.
    try:
        stat = os.stat(db_path)
    except FileNotFoundError:
        return 0
    return stat.st_ino ^ stat.st_mtime_ns


logger = logging.getLogger(__name__)
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
    if _ensure(db_path).failed is not None and not Path(db_path).is_file():
        raise DatabaseDamagedError(db_path)
    try:
        con = _connection(db_path, _version(db_path))
    except duckdb.Error as exc:
        raise DatabaseDamagedError(db_path) from exc
    _OPENED.add(db_path)
    return con


# The files this process has built or opened: the frame shows no "building" spinner for them
# (on every run it was one more element for the browser to draw and take away).
_OPENED: set[str] = set()


def opened(db_path: str) -> bool:
    """Whether this process has already opened `db_path` (its start-up build is done)."""
    return db_path in _OPENED


@st.cache_resource(show_spinner=False)
def _ensure(db_path: str) -> Startup:
    # once per process: clean what a killed writer left, set damaged imports aside, and build
    # when data/ or the imports changed since the file was made (imports.recover)
    try:
        return Startup(recover(settings.IMPORTS_DIR, Path(db_path)), None)
    except BuildError as exc:
        # data/ itself does not build: the file as it is serves (or, if none, the damaged
        # database page offers the rebuild and shows why); the data-quality page says so
        logger.error("start-up build failed: %s", exc.report("en"))
        return Startup(RecoveryReport(), exc)


@dataclass(frozen=True)
class Startup:
    """What the start of this process found (shown on the data-quality page)."""

    report: RecoveryReport
    failed: BuildError | None


def startup() -> Startup:
    """The recovery report of this process's start, and the build's refusal if there was one."""
    return _ensure(str(settings.DB_PATH))


# st.cache_resource, not st.cache_data: cache_data hands every reader a copy by unpickling the
# stored frame, several per rerun of every page; query() gives each reader a shallow copy
# instead, which pandas' copy-on-write keeps apart from the cached frame whatever the page does
# to it (a column assigned, a frame filtered or renamed).
@st.cache_resource(show_spinner=False, max_entries=512)
def _cached(
    db_path: str, version: int, name: str, params: tuple[tuple[str, Any], ...]
) -> pd.DataFrame:
    # A cursor per query: DuckDB refuses one connection shared by concurrent sessions.
    cursor = _connection(db_path, version).cursor()
    try:
        return db.run(cursor, name, **dict(params))
    finally:
        cursor.close()


# When a page last read the shared caches (time.monotonic()): plans.app.memory drops them once
# nobody has for a while. A plain float assignment: no lock on the pages' path.
_last_read = time.monotonic()


def last_read() -> float:
    """time.monotonic() of the last read of the shared result, figure or chart caches."""
    return _last_read


def _read() -> None:
    global _last_read
    _last_read = time.monotonic()


def clear_shared() -> None:
    """Empty the caches every session shares (results, figures, the presenter's charts).

    What they hold is rebuilt on the next read; the connection, the start-up report and the
    sidebar's choices (small, read on every rerun) stay."""
    _cached.clear()
    _charts.clear()
    with _FIGURES_LOCK:
        _FIGURES.clear()


def query(name: str, **params: Any) -> pd.DataFrame:
    """Result of queries/<name>.sql for these parameters, cached per database file version."""
    _read()
    path = str(settings.DB_PATH)
    connection(path)
    return _cached(path, _version(path), name, tuple(sorted(params.items()))).copy(deep=False)


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
    _read()
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


# Built figures by their inputs, shared by every session: a filter change that comes back to a
# view someone has seen (a hall of delegates on the presenter's programme) skips the chart
# builder, most of a page's rerun (BENCHMARKS.md, issue 18). Bounded like the results above.
_FIGURES: OrderedDict[tuple[Any, ...], go.Figure] = OrderedDict()
_FIGURES_LOCK = threading.Lock()
FIGURE_ENTRIES = 512


def _fingerprint(value: Any) -> Any:
    """A hashable stand-in for a builder's argument: frames by their whole content."""
    if isinstance(value, pd.DataFrame | pd.Series):
        # The pickled frame holds every cell, label and type: equal bytes, equal frames. Ten
        # times faster than pandas' row hashes on these small frames (0,15 against 1,3 ms); two
        # equal frames laid out differently in memory only miss the cache.
        return (type(value).__name__, hashlib.blake2b(pickle.dumps(value, 5)).hexdigest())
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, tuple | list):
        return (type(value).__name__, tuple(_fingerprint(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((k, _fingerprint(v)) for k, v in value.items()))
    raise TypeError(f"figure(): cannot key a cached figure on {type(value).__name__}")


def figure(builder: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
    """builder(*args, **kwargs), built once per distinct input and then shared (read-only).

    The arguments are keyed by content (a frame by every cell, its columns and types), so a
    frame filtered or changed in any way builds anew. The figure returned is the cached one:
    callers that change a figure after building it must build it themselves.
    """
    key = (
        builder.__module__,
        builder.__qualname__,
        tuple(_fingerprint(a) for a in args),
        tuple((k, _fingerprint(v)) for k, v in sorted(kwargs.items())),
    )
    _read()
    with _FIGURES_LOCK:
        found = _FIGURES.get(key)
        if found is not None:
            _FIGURES.move_to_end(key)
            return found
    built = fit_narrow(builder(*args, **kwargs))
    with _FIGURES_LOCK:
        _FIGURES[key] = built
        while len(_FIGURES) > FIGURE_ENTRIES:
            _FIGURES.popitem(last=False)
    return built


@dataclass(frozen=True)
class Sidebar:
    """What the sidebar's filters offer, computed once per database file version."""

    choices: Choices
    # (province as issued, province since 1/7/2025) of every programme, in the sidebar's
    # order: how chosen provinces carry over when the reader switches the boundary view
    pairs: tuple[tuple[str, str], ...]


@st.cache_resource(show_spinner=False, max_entries=4)
def _sidebar(db_path: str, version: int) -> Sidebar:
    programmes = _cached(db_path, version, "filter_choices", ())
    areas = _cached(db_path, version, "area_choices", ())
    khuyen_cong = programmes[programmes["kind"] == "khuyen_cong"].sort_values("period_start")
    choices = Choices(
        provinces=tuple(dict.fromkeys(programmes["province"])),
        programmes=tuple(programmes["programme_id"]),
        default_programme=str(khuyen_cong.iloc[-1]["programme_id"]),
        years=(int(programmes["first_year"].min()), int(programmes["last_year"].max())),
        areas=tuple(dict.fromkeys(areas["code"])),
        provinces_now=tuple(sorted(set(programmes["province_now"]), key=vietnamese_key)),
    )
    pairs = tuple(
        dict.fromkeys(zip(programmes["province"], programmes["province_now"], strict=True))
    )
    return Sidebar(choices, pairs)


def sidebar() -> Sidebar:
    """The sidebar's choices for the current database file (the frame reads them every run:
    computed from the programme and area lists once, not on every rerun of every session)."""
    path = str(settings.DB_PATH)
    connection(path)
    return _sidebar(path, _version(path))


# The sidebar's two lists, shared read-only by every session: callers must not change them.
@st.cache_resource(show_spinner=False, max_entries=256)
def _titles(
    db_path: str, version: int, column: str, provinces: tuple[str, ...], lang: str
) -> dict[str, str]:
    programmes = _cached(db_path, version, "filter_choices", ())
    shown = programmes[programmes[column].isin(provinces)]
    title = shown["title" if lang == "vi" else "title_en"]
    return dict(zip(shown["programme_id"], title, strict=True))


def programme_titles(column: str, provinces: tuple[str, ...], lang: str) -> dict[str, str]:
    """Programme id → title in `lang`, of the programmes whose `column` (province_now or
    province, queries/filter_choices.sql) is one of `provinces`, in the sidebar's order."""
    path = str(settings.DB_PATH)
    return _titles(path, _version(path), column, provinces, lang)


@st.cache_resource(show_spinner=False, max_entries=256)
def _area_names(db_path: str, version: int, mode: str, programme: str, lang: str) -> dict[str, str]:
    areas = _cached(db_path, version, "area_choices", ())
    if mode == "section":
        own = areas[(areas["mode"] == "section") & (areas["programme_id"] == programme)]
    else:
        own = areas[areas["mode"] == "content_area"]
    return dict(zip(own["code"], own["name_vi" if lang == "vi" else "name_en"], strict=True))


def area_names(mode: str, programme: str, lang: str) -> dict[str, str]:
    """Area code → name in `lang`: the programme's own sections, or the common content areas."""
    path = str(settings.DB_PATH)
    return _area_names(path, _version(path), mode, programme, lang)
