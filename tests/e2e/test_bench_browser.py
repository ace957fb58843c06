"""The browser benchmark runs end to end and returns every figure (values are not judged)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

# Skipped where Chromium is missing, except under PLANS_REQUIRE_EXPORT_TOOLS=1 (tests/conftest.py).
pytestmark = pytest.mark.e2e
pytest.importorskip("playwright.sync_api")


def positive(value: object) -> bool:
    return isinstance(value, float) and math.isfinite(value) and value > 0


def test_browser_bench_on_the_seed_database(built_db: Path) -> None:
    from benchmarks.bench_browser import browser_bench

    lines: list[str] = []
    # pages with a chart and a sidebar filter (the programme; the provinces, none chosen at
    # first), one without a chart; the seed database is both the measured and the start-up
    # reference, so only two dashboards start
    result = browser_bench(
        built_db,
        runs=1,
        out=lines.append,
        pages=["overview", "provinces", "sources"],
        seed_db=built_db,
    )

    assert [] == result["errors"]
    assert {"overview", "provinces", "sources"} == set(result["pages"])
    overview, sources = result["pages"]["overview"], result["pages"]["sources"]
    assert "/" == overview["path"]
    assert "/sources" == sources["path"]
    assert overview["chart"] is True
    assert sources["chart"] is False
    assert None is sources["ratio"]
    assert positive(overview["ratio"])
    for entry in (overview, sources, result["bare"]):
        assert all(positive(entry[key]) for key in ("median_s", "max_s", "run1_s"))
        assert positive(entry["breakdown"]["to_script_start_s"])
    assert 3 == len(result["bare"]["samples_s"])  # one bare visit after each page visit

    assert {"overview", "provinces"} == set(result["filters"])
    # no province chosen means all: the benchmark chooses one, which narrows the comparison
    assert result["filters"]["provinces"]["changed"] is True
    assert "provinces = Hà Nội" == result["filters"]["provinces"]["action"]
    change = result["filters"]["overview"]
    assert change["changed"] is True
    assert change["action"].startswith("programme → ")
    assert positive(change["median_s"])

    for start in result["startup"].values():
        assert positive(start["healthy_s"])
        assert positive(start["first_visit_s"])
    for server in ("dashboard", "bare"):
        assert positive(result["memory"][server]["peak_mib"])
        assert result["memory"][server]["peak_mib"] >= result["memory"][server]["now_mib"]
    assert {"first_chart_ratio", "filter_change_s", "server_peak_mib", "startup_growth"} == set(
        result["goals"]
    )
    assert any(line.lstrip().startswith("overview") for line in lines)
    assert any("sources" in line for line in lines)
