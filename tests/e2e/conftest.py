"""Fixtures for the browser tests: one `streamlit run` server per session, one headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.bench_browser import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server

ROOT = Path(__file__).resolve().parents[2]
CHART = '[data-testid="stPlotlyChart"] .main-svg'
# The editor the import test signs in as (plans.auth: only editors may import or remove).
EDITOR = ("Kiểm thử e2e", "mat-khau-e2e")


def pytest_configure(config) -> None:
    # Playwright's `expect` waits 5 s by default, separately from the context's timeout: on a
    # two-core CI machine rendering 13 pages at once, a page's script may run longer than that
    # (CI failed so on the budget page), so assertions wait as long as locators do.
    try:
        from playwright.sync_api import expect
    except ImportError:
        return
    expect.set_options(timeout=30_000)


@dataclass(frozen=True)
class Server:
    """A running dashboard: its base URL, process and the folders it writes to."""

    url: str
    process: subprocess.Popen
    db: Path
    imports_dir: Path


@contextmanager
def dashboard(built_db: Path, home: Path) -> Iterator[Server]:
    """`streamlit run dashboard.py` on a free loopback port, on a private copy of the database."""
    db = home / "plans.duckdb"
    shutil.copy(built_db, db)
    imports_dir = home / "imports"
    imports_dir.mkdir()
    env = {**os.environ, "PLANS_DB": str(db), "PLANS_IMPORTS_DIR": str(imports_dir)}
    try:
        from plans.auth import ENV_VAR, hash_password

        env[ENV_VAR] = f"{EDITOR[0]}={hash_password(EDITOR[1], iterations=1_000)}"
    except ImportError:  # a version without sign-in: the page asks for a name instead
        pass
    # the benchmark's own start and stop: same flags, a free loopback port, ready at /health
    started = start_server(ROOT / "dashboard.py", env, home / "streamlit.log")
    try:
        yield Server(started.url, started.process, db, imports_dir)
    finally:
        stop_server(started.process)


@pytest.fixture(scope="session")
def server(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The session's server, shared by the tests (warmed by `e2e_browser`)."""
    with dashboard(built_db, tmp_path_factory.mktemp("e2e")) as started:
        yield started


@pytest.fixture()
def fresh_server(built_db: Path, tmp_path: Path) -> Iterator[Server]:
    """A server of its own that no browser has visited yet."""
    with dashboard(built_db, tmp_path) as started:
        yield started


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    """The session's one Playwright and headless Debian Chromium: a second `sync_playwright()`
    in the same thread refuses to start while this one runs, so every test uses this one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def e2e_browser(chromium, server: Server) -> Iterator:
    """One headless Debian Chromium (not pytest-playwright's `browser`, whose names would
    parametrize every test by browser); the server is warmed by one visit to "/" first.

    The warm-up visit builds the caches and runs `st.navigation` once before any test opens a
    page by its path (a fresh server's first deep link is its own test in test_browser.py).
    """
    page = chromium.new_page()
    page.goto(server.url + "/")
    page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
    page.close()
    yield chromium


@pytest.fixture(scope="session")
def editor() -> tuple[str, str]:
    """Name and password of the editor configured on the server."""
    return EDITOR


@pytest.fixture(scope="session")
def e2e_context(e2e_browser, server: Server) -> Iterator:
    """One browser context for the session: its HTTP cache saves ~2 s of assets per page load.

    Every page load (goto) still opens its own Streamlit session, so tests do not share state.
    """
    context = e2e_browser.new_context(
        base_url=server.url, viewport={"width": 1400, "height": 1000}, accept_downloads=True
    )
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture()
def tab(e2e_context) -> Iterator:
    """A new tab per test."""
    page = e2e_context.new_page()
    yield page
    page.close()
