"""Load on one dashboard server: N browser sessions switching pages and programmes for T seconds.

Loopback only and bounded: starts its own `streamlit run` on a free 127.0.0.1 port (on a fresh
database build in a temporary folder), one headless Debian Chromium with one context per session,
and stops both at the end. Prints figures, no assertions:

    PYTHONPATH=. .venv/bin/python benchmarks/load.py --sessions 25 --seconds 60

Errors are exception boxes on a page and navigations that fail or time out (should be 0).
Time to chart runs from the start of a navigation to the first plotly SVG being visible; pages
without a chart for the chosen programme count as "ready" when their script has finished
(and stayed finished for a second, which is not counted).
The browsers share the machine with the server, so read the figures as an upper bound.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = [
    "",
    "budget",
    "targets",
    "periods",
    "provinces",
    "timeline",
    "quality",
    "sources",
    "imports",
    "import_history",
    "presenter",
    "present",
]
PROGRAMMES = ["HN-2021-2025", "HN-2016-2020", "HN-2011-2015", "HN-CNHT-2021", "HY-2018-2020"]
CHART = '[data-testid="stPlotlyChart"] .main-svg'
# a chart, or a placeholder shown while the plotly bundle loads lazily
PLOT = '[data-testid="stPlotlyChart"], [data-testid="stSkeleton"]'
TIMEOUT_MS = 90_000
SETTLE_S = 1.0


@dataclass
class Tally:
    """What all sessions saw."""

    chart_s: list[float] = field(default_factory=list)
    ready_s: list[float] = field(default_factory=list)
    navigations: int = 0
    exceptions: int = 0
    failures: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mib(pid: int) -> float:
    """Resident memory of one process: psutil if installed, else /proc/<pid>/status."""
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(home: Path) -> tuple[subprocess.Popen, str]:
    from plans import settings
    from plans.build import build

    db = home / "plans.duckdb"
    build(db, settings.DATA_DIR)
    (home / "imports").mkdir()
    port = free_port()
    env = {**os.environ, "PLANS_DB": str(db), "PLANS_IMPORTS_DIR": str(home / "imports")}
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "streamlit"),
            *("run", "dashboard.py", "--server.headless", "true"),
            *("--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"),
            *("--server.port", str(port)),
        ],
        cwd=ROOT,
        env=env,
        stdout=(home / "streamlit.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return process, url
        except OSError:
            time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    raise TimeoutError("the server did not become healthy in 60 s")


async def navigate(page, path: str, tally: Tally) -> None:
    """Open one page; record time to chart (or to ready) and any error."""
    start = time.perf_counter()
    tally.navigations += 1
    try:
        await page.goto(path, wait_until="commit", timeout=TIMEOUT_MS)
        await page.locator("h1").first.wait_for(state="visible", timeout=TIMEOUT_MS)
        # A page may run its script twice (the URL is written back), so "no chart" is only
        # believed after the script has stayed finished, chartless, for a settle window.
        app = page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
        chart = page.locator(CHART).first
        quiet_since = None
        while True:
            if await chart.is_visible():
                tally.chart_s.append(time.perf_counter() - start)
                break
            idle = await app.count() and not await page.locator(PLOT).count()
            now = time.perf_counter()
            if not idle:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= SETTLE_S:
                tally.ready_s.append(quiet_since - start)
                break
            if now - start > TIMEOUT_MS / 1000:
                raise TimeoutError("no chart and the script never settled")
            await asyncio.sleep(0.1)
        found = await page.locator('[data-testid="stException"]').count()
        if found:
            tally.exceptions += found
            tally.failures.append(f"exception on {path}")
    except Exception as error:  # a failed or timed-out navigation is what we count
        tally.failures.append(f"{path}: {type(error).__name__}: {str(error).splitlines()[0]}")


async def session(browser, url: str, index: int, until: float, tally: Tally) -> None:
    """One visitor: its own context (own cookies, own Streamlit sessions), random walk."""
    rng = random.Random(index)
    context = await browser.new_context(base_url=url, viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    await asyncio.sleep(index * 0.2)  # visitors arrive over a few seconds, not in one instant
    try:
        while time.monotonic() < until:
            name = rng.choice(PAGES)
            lang = rng.choice(["vi", "en"])
            await navigate(page, f"/{name}?prog={rng.choice(PROGRAMMES)}&lang={lang}", tally)
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


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="plans-load-") as tmp:
        process, url = start_server(Path(tmp))
        samples: list[float] = []
        stop_sampling = threading.Event()

        def sample() -> None:
            while not stop_sampling.is_set():
                samples.append(rss_mib(process.pid))
                stop_sampling.wait(1.0)

        sampler = threading.Thread(target=sample, daemon=True)
        tally = Tally()
        try:
            idle = rss_mib(process.pid)
            cpu_before = cpu_s(process.pid)
            sampler.start()
            started = time.perf_counter()
            asyncio.run(run(url, args.sessions, args.seconds, tally))
            wall = time.perf_counter() - started
            server_cpu = cpu_s(process.pid) - cpu_before
        finally:
            stop_sampling.set()
            process.send_signal(signal.SIGTERM)  # only the server this script started
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    charts, ready = tally.chart_s, tally.ready_s
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"sessions: {args.sessions}, duration: {args.seconds:.0f} s (wall {wall:.0f} s)")
    # the server's share of the machine tells whether it or the browsers were the bottleneck
    print(
        f"server CPU: {server_cpu:.0f} s in {wall:.0f} s wall "
        f"({100 * server_cpu / wall:.0f}% of one core; the browsers had the rest)"
    )
    print(f"navigations: {tally.navigations} ({tally.navigations / wall:.1f}/s)")
    print(f"errors: {len(tally.failures)} (exception boxes: {tally.exceptions})")
    for failure in tally.failures[:10]:
        print(f"  {failure}")
    print(
        f"time to chart, {len(charts)} navigations: p50 {percentile(charts, 50):.2f} s, "
        f"p95 {percentile(charts, 95):.2f} s, max {max(charts, default=float('nan')):.2f} s"
    )
    print(
        f"time to ready (pages without a chart), {len(ready)} navigations: "
        f"p50 {percentile(ready, 50):.2f} s, p95 {percentile(ready, 95):.2f} s"
    )
    print(
        f"server RSS: idle {idle:.0f} MiB, peak {max(samples, default=idle):.0f} MiB, "
        f"end {samples[-1] if samples else idle:.0f} MiB ({len(samples)} samples, 1/s)"
    )


if __name__ == "__main__":
    main()
