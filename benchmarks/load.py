"""Load on one dashboard server: N browser sessions clicking pages and filters for T seconds.

Loopback only and bounded: starts its own `streamlit run` on a free 127.0.0.1 port (on a fresh
database build in a temporary folder), one headless Debian Chromium with one context per session,
and stops both at the end. Prints figures, no assertions:

    .venv/bin/python -m benchmarks load --sessions 25 --seconds 60

Each session loads the app once (as a person opens the link), then, for T seconds, acts as a
person does: switches page with the sidebar links (7 in 10 actions) or picks another programme
in the sidebar's programme filter (3 in 10), waits for the page, reads it for 1-4 s, and acts
again. Every tab is its own Streamlit session (its own websocket); by default the tabs share one
HTTP cache, as a returning visitor's browser holds the app's scripts (--cold: a browser context
each).
Errors are exception boxes on a page and actions that fail or get no answer in 240 s (must be 0).
Time to chart runs from the click to the script having finished with a plotly chart visible;
pages without a chart for the chosen programme count as "ready" when their script has finished
and stayed finished for a second (not counted).

The browsers stand in for 25 people's own computers but share this machine's cores with the
server: each opening of the app costs a tab ~2.7 CPU-s of script parsing and drawing. They run
at a lower priority (--browser-nice, default 10) so the server gets the CPU it would have if
they were elsewhere; the times seen in the browsers are still an upper bound.
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

from benchmarks import bench
from benchmarks.bench_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FILTER_BUTTON,
    POPOVER_BODY,
    ROOT,
    Server,
    cpu_s,
    memory_mib,
    start_server,
    stop_server,
)
from plans import settings
from plans.data.build import build

# a chart, or a placeholder shown while the plotly bundle loads lazily
CHART = '[data-testid="stPlotlyChart"] .main-svg'
PLOT = '[data-testid="stPlotlyChart"], [data-testid="stSkeleton"]'
# Slow is not failed: on 2 cores the 25 browsers queue for the CPU. An action counts as an error
# when it fails, shows an exception, or has no answer after this long.
TIMEOUT_MS = 240_000
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
    """benchmarks.bench's percentile, NaN when nothing was measured (e.g. every action failed)."""
    return bench.percentile(values, q) if values else float("nan")


def start_dashboard(home: Path) -> Server:
    """A fresh seed database in `home` and `streamlit run dashboard.py` on it."""
    db = home / "plans.duckdb"
    build(db, settings.DATA_DIR)
    (home / "imports").mkdir()
    env = {**os.environ, "PLANS_DB": str(db), "PLANS_IMPORTS_DIR": str(home / "imports")}
    return start_server(ROOT / "dashboard.py", env, home / "streamlit.log")


# Done: the script finished with a chart on screen, or finished without one and stayed so for
# settleMs. Evaluated inside the page every POLL_MS (one call per wait: polling from Python, 25
# sessions x 3 look-ups every 50 ms, kept the browsers' CPU busy with messages, not with pages).
DONE_JS = """
([since, settleMs, chartSel, plotSel]) => {
  const w = window.__wait || (window.__wait = {});
  if (w.since !== since) { w.since = since; w.quiet = null; }
  const app = document.querySelector('[data-testid="stApp"]');
  const now = performance.now();
  const idle = app && app.getAttribute('data-test-script-state') === 'notRunning';
  const chart = [...document.querySelectorAll(chartSel)].some((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  });
  // a page may run its script twice (the URL is written back): "no chart" is believed only
  // after the script has stayed finished, chartless, for the settle window
  if (idle && chart) return {kind: 'chart', ms: now - since};
  const plot = document.querySelector(plotSel);
  if (!idle || plot) { w.quiet = null; return false; }
  if (w.quiet === null) w.quiet = now;
  return now - w.quiet >= settleMs ? {kind: 'ready', ms: w.quiet - since} : false;
}
"""
POLL_MS = 100


async def settle(page, since: float, tally: Tally, where: str) -> tuple[str, float]:
    """Wait for the run to finish with a chart (or settle without one): ("chart"|"ready", s),
    timed in the page from `since` (its performance.now() at the action; 0 = navigation)."""
    try:
        # the browser records every change of the script state (RECORD_STATES): wait until a
        # run has started since the action; a click that changes nothing starts none
        await page.wait_for_function(RAN_SINCE, arg=since, polling=POLL_MS, timeout=3000)
    except Exception:
        pass
    try:
        done = await page.wait_for_function(
            DONE_JS, arg=[since, SETTLE_S * 1000, CHART, PLOT], polling=POLL_MS, timeout=TIMEOUT_MS
        )
    except Exception as error:
        raise TimeoutError("no chart and the script never settled") from error
    result = await done.json_value()
    found = await page.locator('[data-testid="stException"]').count()
    if found:
        tally.exceptions += found
        tally.failures.append(f"exception on {where}")
    return result["kind"], result["ms"] / 1000


async def open_list(page, select):
    """Open a selectbox's list; its options. A click right after the page changed may only
    focus the field (the bench's experience too): press Escape and click again."""
    options = page.get_by_role("option")
    for _ in range(5):
        await select.locator('button[aria-haspopup="listbox"]').click(timeout=TIMEOUT_MS)
        try:
            await options.first.wait_for(state="visible", timeout=20_000)
            return options
        except Exception:
            await page.keyboard.press("Escape")
    raise TimeoutError("the list never opened")


async def choose(page, select, rng: random.Random) -> float:
    """Pick a random option the list shows; returns the page's clock at the choice. The list
    is virtualised and closes when the page reruns: a choice that does not take is tried
    again from a freshly opened list."""
    for _ in range(3):
        options = (await open_list(page, select)).filter(visible=True)
        option = options.nth(rng.randrange(max(await options.count(), 1)))
        since = await page.evaluate("performance.now()")  # from the choice, not the list
        try:
            await option.click(timeout=20_000)
            return since
        except Exception:
            await page.keyboard.press("Escape")
    raise TimeoutError("no option of the list could be chosen")


async def act(page, rng: random.Random, tally: Tally) -> None:
    """One user action inside the app: switch page by the sidebar link, or change programme."""
    tally.navigations += 1
    where = "?"
    try:
        nav = page.locator('[data-testid="stSidebarNav"]')
        if not await nav.is_visible():
            # presentation mode hides the sidebar: leave it by its own exit link, as a person does
            where = "exit presentation mode"
            since = await page.evaluate("performance.now()")
            await page.locator('[data-testid="stPageLink"] a').first.click(timeout=TIMEOUT_MS)
        elif rng.random() < 0.7:
            links = nav.locator("a")
            link = links.nth(rng.randrange(await links.count()))
            where = f"link {await link.text_content()}"
            since = await page.evaluate("performance.now()")
            await link.click(timeout=TIMEOUT_MS)
        else:
            where = "programme filter"
            body = page.locator(POPOVER_BODY).filter(visible=True)
            if not await body.count():  # the programme filter opens from its sidebar button
                await page.locator(FILTER_BUTTON.format(name="programme")).click(timeout=TIMEOUT_MS)
                await body.first.wait_for(state="visible", timeout=TIMEOUT_MS)
            where = "programme select"
            since = await choose(page, body.first.locator('[data-testid="stSelectbox"]'), rng)
            where = "programme"
        kind, seconds = await settle(page, since, tally, where)
        (tally.chart_s if kind == "chart" else tally.ready_s).append(seconds)
    except Exception as error:  # a failed or timed-out action is what we count
        tally.failures.append(f"{where}: {type(error).__name__}: {str(error).splitlines()[0]}")


async def session(context, index: int, seconds: float, tally: Tally) -> None:
    """One visitor: own tab, so own Streamlit session (one websocket each, whatever the
    context); loads the app once, then clicks around."""
    rng = random.Random(index)
    page = await context.new_page()
    await asyncio.sleep(index * 0.4)  # visitors arrive over ten seconds, not in one instant
    try:
        tally.navigations += 1
        try:
            await page.goto(f"/?lang={rng.choice(['vi', 'en'])}", timeout=TIMEOUT_MS)
            # timed from the navigation's start (the page's performance.now() origin)
            tally.first_s.append((await settle(page, 0.0, tally, "first load"))[1])
        except Exception as error:
            tally.failures.append(f"first load: {type(error).__name__}: {error}".splitlines()[0])
            return
        until = time.monotonic() + seconds  # a minute of use after the app has opened
        while time.monotonic() < until:
            await act(page, rng, tally)
            # a person reads the chart before the next click
            await asyncio.sleep(rng.uniform(THINK_S[0], THINK_S[1]))
    finally:
        await page.close()


async def run(url: str, sessions: int, seconds: float, tally: Tally, cold: bool) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        # Shared memory in /dev/shm (tmpfs), not files in /tmp: Playwright's default
        # --disable-dev-shm-usage put every tab's frames through the disk-backed /tmp.
        browser = await p.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            ignore_default_args=["--disable-dev-shm-usage"],
        )

        async def new_context():
            viewport = {"width": 1280, "height": 900}
            context = await browser.new_context(base_url=url, viewport=viewport)
            await context.add_init_script(RECORD_STATES)
            return context

        # Returning visitors (default): the tabs share one HTTP cache, filled by the warm-up
        # visit, as a person's browser keeps the app's 10 MB of scripts. --cold: a context per
        # visitor, every one downloading and compiling the scripts (25 of them saturate 2 cores
        # with browser work before the server is measured at all).
        shared = await new_context()
        warm = await shared.new_page()
        # warm-up: a fresh server routes its first deep link to the overview (README)
        await warm.goto("/")
        await warm.locator(CHART).first.wait_for(state="visible", timeout=TIMEOUT_MS)
        await warm.close()
        contexts = [await new_context() for _ in range(sessions)] if cold else [shared] * sessions
        await asyncio.gather(*(session(c, i, seconds, tally) for i, c in enumerate(contexts)))
        for context in {id(c): c for c in contexts}.values():
            await context.close()
        await browser.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks load")
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--cold", action="store_true", help="a browser context (no shared HTTP cache) per visitor"
    )
    parser.add_argument(
        "--browser-nice", type=int, default=10, help="niceness of the browsers (0: the server's)"
    )
    args = parser.parse_args(argv)

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
            # after the server started: the browsers (Playwright's driver and Chromium, started
            # from here) inherit the lower priority, the server keeps its own
            os.nice(args.browser_nice)
            asyncio.run(run(url, args.sessions, args.seconds, tally, args.cold))
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
