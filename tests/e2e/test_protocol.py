"""The protocol load client (benchmarks/protocol.py) against a real server, and against Chromium:
it must ask for what a browser asks for, or its load figures would measure something else."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from benchmarks.bench_browser import change_programme, new_page, visit
from benchmarks.protocol import ProtocolError, Session

pytestmark = pytest.mark.e2e
pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
CHART = '[data-testid="stPlotlyChart"] .main-svg'
# pages/*.py names as Streamlit's navigation knows them (the overview is the default page: "")
CHART_PAGES = ("", "budget", "targets", "periods", "provinces", "support", "timeline")


def _run(coro):
    # in a thread of its own: Playwright's sync API keeps an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_a_protocol_session_opens_every_chart_page_with_its_chart(server) -> None:
    async def go() -> dict[str, int]:
        charts = {}
        for page in CHART_PAGES:
            session = Session(server.url)
            run = await session.open(page)
            charts[page] = run.charts
            await session.close()
        return charts

    charts = _run(go())
    # the seed database holds no support records: the support page says so, without a chart
    assert ["support"] == [page for page, n in charts.items() if n < 1], charts


def test_a_filter_change_reruns_with_the_new_programme_in_the_url(server) -> None:
    async def go() -> tuple[str, str, int]:
        session = Session(server.url)
        await session.open("budget")
        before = parse_qs(session.query_string)["prog"][0]
        options = list(session.widgets["f_programme"].element.options)
        # the Hưng Yên programme has a budget table: its chart must come back
        run = await session.change("f_programme", next(o for o in options if "Hưng Yên" in o))
        after = parse_qs(session.query_string)["prog"][0]
        await session.close()
        return before, after, run.charts

    before, after, charts = _run(go())
    assert ("HN-2021-2025", "HY-2018-2020", 1) == (before, after, charts)


def test_an_unknown_widget_is_refused_by_the_client(server) -> None:
    async def go() -> None:
        session = Session(server.url)
        await session.open("budget")
        try:
            await session.change("no_such_widget", "x")
        finally:
            await session.close()

    with pytest.raises(ProtocolError, match="no_such_widget"):
        _run(go())


def test_the_client_sends_the_browsers_message_for_the_same_change(server, e2e_browser) -> None:
    """Chromium changes the programme on /budget; the client makes the same change: the two
    rerun_script messages name the same widgets (ids), values, page and query string."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    frames: list[bytes] = []
    context, tab = new_page(e2e_browser, server.url)
    try:
        tab.on("websocket", lambda ws: ws.on("framesent", lambda f: frames.append(f)))
        visit(tab, "/budget", server.process.pid)
        tab.locator(CHART).first.wait_for(state="visible")
        opened = len(frames)
        label = change_programme(tab, 0).removeprefix("programme → ")
        tab.wait_for_timeout(1500)
    finally:
        context.close()
    browser = BackMsg()
    browser.ParseFromString(frames[opened])
    assert "rerun_script" == browser.WhichOneof("type")

    sent: list[bytes] = []

    async def go() -> None:
        session = Session(server.url)
        await session.open("budget")
        real_send = session.ws.send

        async def spy(data: bytes) -> None:
            sent.append(data)
            await real_send(data)

        session.ws.send = spy
        await session.change("f_programme", label)
        await session.close()

    _run(go())
    ours = BackMsg()
    ours.ParseFromString(sent[0])

    def essentials(msg: BackMsg) -> tuple:
        rerun = msg.rerun_script
        widgets = sorted(
            (w.id, w.WhichOneof("value"), str(w).strip()) for w in rerun.widget_states.widgets
        )
        return rerun.page_script_hash, rerun.query_string, widgets

    assert essentials(browser) == essentials(ours)


def test_the_load_benchmark_runs_small_without_errors() -> None:
    done = subprocess.run(
        [
            sys.executable,
            *("-m", "benchmarks", "protocol", "--sessions", "3", "--seconds", "8"),
            *("--ramp", "1", "--think", "1", "2", "--ttl", "1", "--browsers", "1"),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert 0 == done.returncode, done.stderr[-2000:]
    out = done.stdout
    assert "errors: 0" in out, out
    changes = int(re.search(r"filter change → chart: .*\((\d+) changes", out).group(1))
    assert changes >= 3, out  # every session changed a filter at least once
    assert re.search(r"server RSS: \d+ MiB warm, peak \d+", out), out
    assert "what the browsers sent" in out, out
