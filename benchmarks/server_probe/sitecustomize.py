"""Benchmark-only probe loaded into the server (PYTHONPATH): where its memory is, on request."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

_DIR = os.environ.get("PLANS_PROBE_DIR")


def _smaps() -> dict[str, object]:
    rollup = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        key, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            rollup[key] = int(value.split()[0]) / 1024
    by_name: dict[str, float] = {}
    name = ""
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            name = head[5] if len(head) > 5 else "[anon]"
            if name.endswith(".so") or ".so." in name:
                name = "[libraries]"
            elif name.startswith("/") and not name.endswith(".duckdb"):
                name = "[other files]"
        elif head[0] == "Rss:":
            by_name[name] = by_name.get(name, 0) + int(head[1]) / 1024
    top = dict(sorted(by_name.items(), key=lambda kv: -kv[1])[:8])
    return {"rollup": rollup, "by_mapping": top}


def _pymalloc() -> dict[str, object]:
    with tempfile.TemporaryFile("w+") as out:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read()
    found = {}
    for key in (
        "arenas allocated total",
        "arenas reclaimed",
        "arenas highwater mark",
        "arenas allocated current",
    ):
        m = re.search(rf"# {key}\s*=\s*([\d,]+)", text)
        if m:
            found[key] = int(m.group(1).replace(",", ""))
    for key in ("bytes in allocated blocks", "bytes in available blocks", "Total"):
        m = re.search(rf"# {key}\s*=\s*([\d,]+)", text) or re.search(
            rf"^{key}\s*=\s*([\d,]+)", text, re.M
        )
        if m:
            found[key + " MiB"] = int(m.group(1).replace(",", "")) / 2**20
    return found


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (n, ctypes.c_size_t)
        for n in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


_libc = ctypes.CDLL("libc.so.6")
_libc.mallinfo2.restype = _Mallinfo2
_libc.fopen.restype = ctypes.c_void_p
_libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
_libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
_libc.fclose.argtypes = [ctypes.c_void_p]


def _glibc() -> dict[str, float]:
    info = _libc.mallinfo2()
    return {
        "sbrk+arenas MiB": info.arena / 2**20,
        "mmapped MiB": info.hblkhd / 2**20,
        "in use MiB": info.uordblks / 2**20,
        "free in arenas MiB": info.fordblks / 2**20,
        "arena count": _arena_count(),
    }


def _arena_count() -> int:
    with tempfile.NamedTemporaryFile("w+", suffix=".xml") as out:
        fp = _libc.fopen(out.name.encode(), b"w")
        _libc.malloc_info(0, fp)
        _libc.fclose(fp)
        return Path(out.name).read_text().count("<heap nr=")


def _duckdb() -> dict[str, object]:
    cache = sys.modules.get("plans.app.cache")
    if cache is None or not cache._OPEN:
        return {}
    _version, con = next(iter(cache._OPEN.values()))
    cur = con.cursor()
    try:
        memory = {
            tag: round(used / 2**20, 1)
            for tag, used, _tmp in cur.sql("select * from duckdb_memory()").fetchall()
            if used
        }
        temp = cur.sql("select count(*), coalesce(sum(size),0) from duckdb_temporary_files()")
        settings = dict(
            cur.sql(
                "select name, value from duckdb_settings() where name in"
                " ('memory_limit','allocator_flush_threshold','allocator_background_threads',"
                "'allocator_bulk_deallocation_flush_threshold','threads')"
            ).fetchall()
        )
        return {"memory MiB": memory, "temporary files": temp.fetchall()[0], "settings": settings}
    finally:
        cur.close()


def _arrow() -> dict[str, object]:
    """pyarrow's memory pool (Streamlit's tables and dataframes go through it)."""
    arrow = sys.modules.get("pyarrow")
    if arrow is None:
        return {}
    pool = arrow.default_memory_pool()
    return {
        "backend": pool.backend_name,
        "allocated MiB": round(pool.bytes_allocated() / 2**20, 1),
        "peak MiB": round(pool.max_memory() / 2**20, 1),
    }


def _jemalloc_purge() -> str:
    """jemalloc's arenas purged now (MALLCTL_ARENAS_ALL = 4096), if the process runs on it."""
    try:
        lib = ctypes.CDLL(None)
        mallctl = lib.mallctl
    except (OSError, AttributeError):
        return "no jemalloc"
    return str(mallctl(b"arena.4096.purge", None, None, None, ctypes.c_size_t(0)))


def _jemalloc() -> dict[str, float]:
    """jemalloc's own figures (MiB), if the process runs on it: what is allocated, in active
    pages, resident, its metadata, and retained (virtual, given back)."""
    try:
        mallctl = ctypes.CDLL(None).mallctl
    except (OSError, AttributeError):
        return {}
    epoch = ctypes.c_uint64(1)
    size = ctypes.c_size_t(8)
    mallctl(b"epoch", None, None, ctypes.byref(epoch), size)
    found = {}
    for name in ("allocated", "active", "resident", "metadata", "mapped", "retained"):
        value = ctypes.c_size_t(0)
        length = ctypes.c_size_t(ctypes.sizeof(value))
        if (
            mallctl(f"stats.{name}".encode(), ctypes.byref(value), ctypes.byref(length), None, 0)
            == 0
        ):
            found[name] = round(value.value / 2**20, 1)
    narenas = ctypes.c_uint(0)
    length = ctypes.c_size_t(ctypes.sizeof(narenas))
    if mallctl(b"arenas.narenas", ctypes.byref(narenas), ctypes.byref(length), None, 0) == 0:
        found["arenas"] = narenas.value
    return found


def _sessions() -> int | None:
    with contextlib.suppress(Exception):
        from streamlit.runtime import Runtime

        mgr = Runtime.instance()._session_mgr
        return len(mgr.list_sessions())
    return None


def _cache_sizes() -> dict[str, int]:
    found: dict[str, int] = {}
    with contextlib.suppress(Exception):
        found["figures"] = len(sys.modules["plans.app.cache"]._FIGURES)
    with contextlib.suppress(Exception):
        from streamlit.runtime.caching.cache_resource_api import _resource_caches

        for key, cache in _resource_caches._function_caches.items():
            found["resource " + key[-40:]] = len(cache._mem_cache)
    with contextlib.suppress(Exception):
        from streamlit.runtime.caching.cache_data_api import _data_caches

        for key, cache in _data_caches._function_caches.items():
            found["data " + key[-40:]] = len(cache._mem_cache)
    return found


def _act(action: str) -> str:
    if action == "trim":
        return str(_libc.malloc_trim(0))
    if action.startswith("sleep:"):
        time.sleep(float(action[6:]))
        return "ok"
    if action == "gc":
        return str(gc.collect())
    if action == "arrow":
        import pyarrow

        pyarrow.default_memory_pool().release_unused()
        return "ok"
    if action == "purge":
        return _jemalloc_purge()
    if action == "types":  # the most numerous live objects, and what the caches hold
        counts: dict[str, int] = {}
        for obj in gc.get_objects():
            name = type(obj).__name__
            counts[name] = counts.get(name, 0) + 1
        top = sorted(counts.items(), key=lambda kv: -kv[1])[:12]
        return (
            f"{sum(counts.values())} tracked; "
            + ", ".join(f"{k} {v}" for k, v in top)
            + (f"; caches {_cache_sizes()}")
        )
    if action == "clear-results":
        sys.modules["plans.app.cache"]._cached.clear()
        return "ok"
    if action == "clear-figures":
        sys.modules["plans.app.cache"]._FIGURES.clear()
        return "ok"
    if action == "clear-data":
        import streamlit as st

        st.cache_data.clear()
        return "ok"
    if action.startswith("sql:"):
        cache = sys.modules["plans.app.cache"]
        _version, con = next(iter(cache._OPEN.values()))
        cur = con.cursor()
        try:
            cur.execute(action[4:])
        finally:
            cur.close()
        return "ok"
    return "?"


def _traced(label: str) -> str | None:
    """With PLANS_PROBE_TRACEMALLOC=1: tracing starts at "warm"; later reports name the lines
    whose allocations since then are still alive (what a wave left behind), largest first."""
    if not os.environ.get("PLANS_PROBE_TRACEMALLOC"):
        return None
    import tracemalloc

    if label == "warm":
        tracemalloc.start(12)
        return "started"
    if not tracemalloc.is_tracing():
        return None
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__)]
    )
    total = sum(s.size for s in snapshot.statistics("filename"))
    top = snapshot.statistics("traceback")[:12]
    lines = [f"{total / 2**20:.1f} MiB alive since warm"]
    for stat in top:
        frames = [
            f"{Path(f.filename).parent.name}/{Path(f.filename).name}:{f.lineno}"
            for f in stat.traceback
            if "site-packages/streamlit/runtime/scriptrunner" not in f.filename
        ][-6:]
        lines.append(f"{stat.size / 2**20:.2f} MiB {stat.count}x " + " < ".join(reversed(frames)))
    return "\n      ".join(lines)


def report(label: str, actions: list[str]) -> dict[str, object]:
    done = {a: _act(a) for a in actions}
    if (traced := _traced(label)) is not None:
        done["tracemalloc"] = traced
    return {
        "label": label,
        "actions": done,
        "threads": threading.active_count(),
        "sessions": _sessions(),
        "smaps": _smaps(),
        "pymalloc": _pymalloc(),
        "glibc": _glibc(),
        "duckdb": _duckdb(),
        "arrow": _arrow(),
        "jemalloc": _jemalloc(),
    }


def _loop(folder: Path) -> None:
    while True:
        for request in sorted(folder.glob("*.request")):
            try:
                ask = json.loads(request.read_text())
                request.unlink()
                reply = report(ask["label"], ask.get("actions", []))
            except Exception as error:  # the probe must never take the server down
                reply = {"error": repr(error)}
            tmp = request.with_suffix(".tmp")
            tmp.write_text(json.dumps(reply, default=str))
            tmp.rename(request.with_suffix(".reply"))
        time.sleep(0.2)


# the server, started as `streamlit run` or through the launcher (plans.app.serve, whose
# command line names it in `-c`'s code: sys.orig_argv), not the tools it starts
if _DIR and any(n in " ".join(sys.orig_argv) for n in ("streamlit", "plans.app.serve")):
    threading.Thread(target=_loop, args=(Path(_DIR),), daemon=True, name="probe").start()
