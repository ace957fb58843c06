"""The load script runs end to end on a real server and browser (a short, small run)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

# Skipped where Chromium is missing, except under PLANS_REQUIRE_EXPORT_TOOLS=1 (tests/conftest.py).
pytestmark = pytest.mark.e2e
pytest.importorskip("playwright.async_api")

ROOT = Path(__file__).resolve().parents[2]


def test_two_sessions_click_around_without_errors() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "load", "--sessions", "2", "--seconds", "8"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert 0 == done.returncode, done.stderr[-2000:]
    out = done.stdout
    assert "errors: 0 (exception boxes: 0)" in out, out
    assert re.search(r"first load \(open the link, overview chart\), 2 sessions: p50 \d", out), out
    actions = int(re.search(r"first loads and actions: (\d+)", out).group(1))
    assert actions > 2  # both sessions acted after opening the app
    assert re.search(r"server RSS: idle \d+ MiB, peak \(VmHWM\) \d+ MiB", out), out
