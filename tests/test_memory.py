"""Memory handed back when the dashboard is idle (plans.app.memory): the shared caches dropped,
free heap pages returned to the system on a real process, the release made once per quiet spell,
and the launcher's allocator (plans.app.allocator)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from plans import db
from plans.app import allocator, cache, memory

ROOT = Path(__file__).resolve().parent.parent


def _child(code: str, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


# 100 MiB of small objects freed under one still alive: the C allocator cannot shrink its heap
# from the top, so only malloc_trim hands the freed pages in between back.
FREED_UNDER_A_LIVE_ONE = """
import json
from plans.app import memory
held = [bytes(500) for _ in range(200_000)]
top = bytes(500)
del held
before = memory.rss_mib()
trimmed = memory.trim()
print(json.dumps({"trimmed": trimmed, "before": before, "after": memory.rss_mib()}))
"""


def test_trim_hands_freed_heap_pages_back_to_the_system() -> None:
    env = {**os.environ, "PYTHONMALLOC": "malloc"}
    env.pop("LD_PRELOAD", None)
    found = _child(FREED_UNDER_A_LIVE_ONE, env)
    assert found["trimmed"]
    assert found["before"] - found["after"] > 50, found


@pytest.mark.usefixtures("app_db")
def test_release_drops_the_shared_caches_and_they_fill_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs = []
    real_run = db.run
    monkeypatch.setattr(
        db, "run", lambda con, name, **p: runs.append(name) or real_run(con, name, **p)
    )
    cache.clear_shared()
    first = cache.query("filter_choices")
    cache.query("filter_choices")
    cache.figure(lambda frame: go.Figure(go.Bar(y=frame["programme_id"])), first)
    assert (["filter_choices"], 1) == (runs, len(cache._FIGURES))
    memory.release()
    assert 0 == len(cache._FIGURES)
    again = cache.query("filter_choices")  # read anew from the database, the same rows
    assert ["filter_choices", "filter_choices"] == runs
    pd.testing.assert_frame_equal(first, again)


def test_a_read_marks_the_caches_as_in_use() -> None:
    before = cache.last_read()
    time.sleep(0.01)
    cache.figure(lambda: go.Figure())
    assert cache.last_read() > before


def test_the_release_is_due_once_per_quiet_spell_after_a_read() -> None:
    read = [5.0]
    releaser = memory.Releaser(idle_s=10, last_read=lambda: read[0])
    releaser._done_at = 0.0
    assert (False, True) == (releaser.due(10.0), releaser.due(15.0))
    releaser._done_at = 15.0  # released then: nobody has read since
    assert not releaser.due(100.0)
    read[0] = 120.0  # a visitor, then quiet again
    assert (False, True) == (releaser.due(125.0), releaser.due(130.0))


def test_the_thread_releases_after_the_quiet_spell_and_not_again() -> None:
    released = threading.Event()
    calls = []

    def release() -> tuple[float, float]:
        calls.append(time.monotonic())
        released.set()
        return 0.0, 0.0

    read = [time.monotonic() + 0.01]  # read just after the releaser starts
    releaser = memory.Releaser(idle_s=0.1, every_s=0.02, release=release, last_read=lambda: read[0])
    thread = threading.Thread(target=releaser.run, daemon=True)
    thread.start()
    try:
        assert released.wait(5)
        assert calls[0] - read[0] >= 0.1  # not before the caches had been idle that long
        time.sleep(0.3)  # idle still, nothing read: no second release
        assert 1 == len(calls) == releaser.releases
    finally:
        releaser.stop()
        thread.join(5)


def test_no_releaser_when_the_setting_is_zero() -> None:
    assert memory.start(idle_s=0) is None


def test_the_allocator_environment_defers_to_one_chosen_already() -> None:
    chosen = allocator.allocator_env({"PYTHONMALLOC": "pymalloc", "X": "1"}, "libjemalloc.so.2")
    assert {"PYTHONMALLOC": "pymalloc", "X": "1"} == chosen
    preloaded = allocator.allocator_env({"LD_PRELOAD": "libtcmalloc.so"}, "libjemalloc.so.2")
    assert {"LD_PRELOAD": "libtcmalloc.so"} == preloaded
    plain = allocator.allocator_env({"X": "1"}, "libjemalloc.so.2")
    assert ("malloc", "libjemalloc.so.2", "1") == (
        plain["PYTHONMALLOC"],
        plain["LD_PRELOAD"],
        plain["X"],
    )
    assert "background_thread:true" in plain["MALLOC_CONF"]


REEXEC = """
import json, os
from plans.app import allocator
allocator.reexec_with_allocator()
maps = open("/proc/self/maps").read()
print(json.dumps({"pythonmalloc": os.environ.get("PYTHONMALLOC"), "jemalloc": "jemalloc" in maps}))
"""


@pytest.mark.skipif(allocator.jemalloc() is None, reason="no jemalloc on this system")
def test_the_launcher_restarts_itself_on_jemalloc() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONMALLOC", "LD_PRELOAD")}
    assert {"pythonmalloc": "malloc", "jemalloc": True} == _child(REEXEC, env)
