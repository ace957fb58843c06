"""Load on one dashboard server: N browser sessions clicking pages and filters for T seconds.

Loopback only and bounded: starts its own `streamlit run` on a free 127.0.0.1 port (on a fresh
database build in a temporary folder), one headless Debian Chromium with one context per session,
and stops both at the end. Prints figures, no assertions:

    PYTHONPATH=. .venv/bin/python benchmarks/load.py --sessions 25 --seconds 60

Each session loads the app once (as a person opens the link), then, for T seconds, acts as a
person does: switches page with the sidebar links (7 in 10 actions) or picks another programme
in the sidebar (3 in 10), waits for the page, reads it for 1-4 s, and acts again.
Errors are exception boxes on a page and actions that fail or time out (must be 0).
Time to chart runs from the click to the script having finished with a plotly chart visible;
pages without a chart for the chosen programme count as "ready" when their script has finished
and stayed finished for a second (not counted). The browsers share the machine with the server,
so read the times as an upper bound.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from plans import bench, settings
from plans.bench_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    Server,
    cpu_s,
    memory_mib,
    start_server,
    stop_server,
)
from plans.build import build

# a chart, or a placeholder shown while the plotly bundle loads lazily
CHART = '[data-testid="stPlotlyChart"] .main-svg'
PLOT = '[data-testid="stPlotlyChart"], [data-testid="stSkeleton"]'
SELECT = '[data-testid="stSidebar"] [data-testid="stSelectbox"]'
TIMEOUT_MS = 90_000
THINK_S = (1.0, 4.0)
# Every change of the app's script state, with its time, kept in the page (cheaper and exacter
# than polling: a run that starts and ends between two polls is still seen).
RECORD_STATES = """
window.__states = [];
new MutationObserver((changes) => {
  for (const change of changes) {
    window.__states.push([change.target.getAttribute("data-test-script-state"), performance.now()]);
  }
}).observe(document, {
  subtree: true, attributes: true, attributeFilter: ["data-test-script-state"]
});
"""
RAN_SINCE = "(t0) => window.__states.some(([s, t]) => s === 'running' && t >= t0)"
SETTLE_S = 1.0


@dataclass
class Tally:
    """What all sessions saw."""

    chart_s: list[float] = field(default_factory=list)
    first_s: list[float] = field(default_factory=list)
    ready_s: list[float] = field(default_factory=list)
    navigations: int = 0
    exceptions: int = 0
    failures: list[str] = field(default_factory=list)


def percentile(values: list[float], q: float) -> float:
    """plans.bench's percentile, NaN when nothing was measured (e.g. every action failed)."""
    return bench.percentile(values, q) if values else float("nan")


def start_dashboard(home: Path) -> Server:
    """A fresh seed database in `home` and `streamlit run dashboard.py` on it."""
    db = home / "plans.duckdb"
    build(db, settings.DATA_DIR)
    (home / "imports").mkdir()
    env = {**os.environ, "PLANS_DB": str(db), "PLANS_IMPORTS_DIR": str(home / "imports")}
    return start_server(ROOT / "dashboard.py", env, home / "streamlit.log")


async def settle(page, start: float, since: float, tally: Tally, where: str) -> tuple[str, float]:
    """Wait for the run to finish with a chart (or settle without one): ("chart"|"ready", s)."""
    app = page.locator('[data-testid="stApp"]')
    try:
        # the browser records every change of the script state (RECORD_STATES): wait until a
        # run has started since the action; a click that changes nothing starts none
        await page.wait_for_function(RAN_SINCE, arg=since, timeout=3000)
    except Exception:
        pass
    chart = page.locator(CHART).first
    quiet_since = None
    while True:
        idle = await app.get_attribute("data-test-script-state") == "notRunning"
        # A page may run its script twice (the URL is written back), so "no chart" is only
        # believed after the script has stayed finished, chartless, for a settle window.
        if idle and await chart.is_visible():
            result = ("chart", time.perf_counter() - start)
            break
        idle = idle and not await page.locator(PLOT).count()
        now = time.perf_counter()
        if not idle:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= SETTLE_S:
            result = ("ready", quiet_since - start)
            break
        if now - start > TIMEOUT_MS / 1000:
            raise TimeoutError("no chart and the script never settled")
        await asyncio.sleep(0.05)
    found = await page.locator('[data-testid="stException"]').count()
    if found:
        tally.exceptions += found
        tally.failures.append(f"exception on {where}")
    return result


async def act(page, rng: random.Random, tally: Tally) -> None:
    """One user action inside the app: switch page by the sidebar link, or change programme."""
    tally.navigations += 1
    where = "?"
    try:
        if rng.random() < 0.7:
            links = page.locator('[data-testid="stSidebarNav"] a')
            link = links.nth(rng.randrange(await links.count()))
            where = f"link {await link.text_content()}"
            since = await page.evaluate("performance.now()")
            start = time.perf_counter()
            await link.click(timeout=TIMEOUT_MS)
        else:
            where = "programme select"
            start = time.perf_counter()
            await page.locator(SELECT).first.click(timeout=TIMEOUT_MS)
            options = page.get_by_role("option")
            await options.first.wait_for(timeout=TIMEOUT_MS)
            option = options.nth(rng.randrange(await options.count()))
            where = f"programme {await option.text_content()}"
            since = await page.evaluate("performance.now()")
            start = time.perf_counter()  # from the choice, not from opening the list
            await option.click(timeout=TIMEOUT_MS)
        kind, seconds = await settle(page, start, since, tally, where)
        (tally.chart_s if kind == "chart" else tally.ready_s).append(seconds)
    except Exception as error:  # a failed or timed-out action is what we count
        tally.failures.append(f"{where}: {type(error).__name__}: {str(error).splitlines()[0]}")


async def session(browser, url: str, index: int, until: float, tally: Tally) -> None:
    """One visitor: own context (own Streamlit session); loads the app once, then clicks around."""
    rng = random.Random(index)
    context = await browser.new_context(base_url=url, viewport={"width": 1280, "height": 900})
    await context.add_init_script(RECORD_STATES)
    page = await context.new_page()
    await asyncio.sleep(index * 0.4)  # visitors arrive over ten seconds, not in one instant
    try:
        tally.navigations += 1
        start = time.perf_counter()
        try:
            await page.goto(f"/?lang={rng.choice(['vi', 'en'])}", timeout=TIMEOUT_MS)
            tally.first_s.append((await settle(page, start, 0.0, tally, "first load"))[1])
        except Exception as error:
            tally.failures.append(f"first load: {type(error).__name__}: {error}".splitlines()[0])
            return
        while time.monotonic() < until:
            await act(page, rng, tally)
            # a person reads the chart before the next click
            await asyncio.sleep(rng.uniform(THINK_S[0], THINK_S[1]))
    finally:
        await context.close()


async def run(url: str, sessions: int, seconds: float, tally: Tally) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # warm-up: a fresh server routes its first deep link to the overview (README)
        warm = await browser.new_page()
        await warm.goto(url + "/")
        await warm.locator(CHART).first.wait_for(state="visible", timeout=TIMEOUT_MS)
        await warm.close()
        until = time.monotonic() + seconds
        await asyncio.gather(*(session(browser, url, i, until, tally) for i in range(sessions)))
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="plans-load-") as tmp:
        server = start_dashboard(Path(tmp))
        process, url = server.process, server.url
        samples: list[float] = []
        stop_sampling = threading.Event()

        def sample() -> None:
            while not stop_sampling.is_set():
                samples.append(memory_mib(process.pid)["now_mib"])
                stop_sampling.wait(1.0)

        sampler = threading.Thread(target=sample, daemon=True)
        tally = Tally()
        try:
            idle = memory_mib(process.pid)["now_mib"]
            cpu_before = cpu_s(process.pid)
            sampler.start()
            started = time.perf_counter()
            asyncio.run(run(url, args.sessions, args.seconds, tally))
            wall = time.perf_counter() - started
            server_cpu = cpu_s(process.pid) - cpu_before
            peak = memory_mib(process.pid)["peak_mib"]
        finally:
            stop_sampling.set()
            stop_server(process)  # only the server this script started

    charts, ready, first = tally.chart_s, tally.ready_s, tally.first_s
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"sessions: {args.sessions}, duration: {args.seconds:.0f} s (wall {wall:.0f} s)")
    # the server's share of the machine tells whether it or the browsers were the bottleneck
    print(
        f"server CPU: {server_cpu:.0f} s in {wall:.0f} s wall "
        f"({100 * server_cpu / wall:.0f}% of one core; the browsers had the rest)"
    )
    print(f"first loads and actions: {tally.navigations} ({tally.navigations / wall:.1f}/s)")
    print(f"errors: {len(tally.failures)} (exception boxes: {tally.exceptions})")
    for failure in tally.failures[:10]:
        print(f"  {failure}")
    print(
        f"first load (open the link, overview chart), {len(first)} sessions: "
        f"p50 {percentile(first, 50):.2f} s, p95 {percentile(first, 95):.2f} s"
    )
    print(
        f"time to chart after a click, {len(charts)} actions: p50 {percentile(charts, 50):.2f} s, "
        f"p95 {percentile(charts, 95):.2f} s, max {max(charts, default=float('nan')):.2f} s"
    )
    print(
        f"time to ready (pages without a chart), {len(ready)} actions: "
        f"p50 {percentile(ready, 50):.2f} s, p95 {percentile(ready, 95):.2f} s"
    )
    print(
        f"server RSS: idle {idle:.0f} MiB, peak (VmHWM) {peak:.0f} MiB, "
        f"end {samples[-1] if samples else idle:.0f} MiB ({len(samples)} samples, 1/s)"
    )
    print(
        "load average at the end (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
    )


if __name__ == "__main__":
    main()
