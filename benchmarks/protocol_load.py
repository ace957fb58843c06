"""Load on one dashboard server from N protocol sessions: a conference hall of phones.

    .venv/bin/python -m benchmarks protocol --sessions 10,25,50,100,200 --seconds 60

Loopback only and bounded in count and time: for each N it starts its own `streamlit run` on a
free 127.0.0.1 port (on a fresh seed build, or `--db`), warms it with one session visiting
every chart page, then N sessions (benchmarks.protocol: Streamlit's websocket and protobuf
messages, no browser) arrive over `--ramp` seconds, each opens a page with charts and changes a
sidebar filter (programme, years or provinces, as a delegate would) every `--think` seconds
until `--seconds` have passed; then all leave and the server is stopped. Prints per N: errors
(exceptions on a page, a closed socket, no answer in 120 s), p50/p95 from a filter change to
the new chart's message (to the end of the run for a view without a chart), server CPU per
interaction, server RSS at its peak, when the sessions have left, and once the server has
dropped their state (`--ttl`, Streamlit's server.disconnectedSessionTTL, 20 s here, and one
visitor after it, whose leaving reaps the expired sessions, and `--idle` seconds more: the
server's PLANS_RELEASE_IDLE_S, after which it drops its shared caches, plans.app.memory);
`--waves` repeats the N sessions. `--envs` compares server environments side by side (e.g. an
allocator: 'PYTHONMALLOC=malloc LD_PRELOAD=...'); `--probe` loads benchmarks/server_probe into
the server and prints where its memory is (anonymous or file-backed, Python's arenas, glibc's,
DuckDB's duckdb_memory()) when warm, when they left and after each wave, and `--probe-actions`
then asks it to clear caches, collect, trim or run SQL to see what each gives back.

A few real Chromium sessions (`--browsers`, at the first N) do the same in the same run, their
websocket frames recorded: what they send is compared with what the protocol sessions send (the
same message, the same widgets) and their times are printed beside the protocol's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.bench import percentile
from benchmarks.bench_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    Server,
    cpu_s,
    filter_change,
    memory_mib,
    new_page,
    start_server,
    stop_server,
    visit,
)
from benchmarks.protocol import ProtocolError, Session
from plans import settings
from plans.data.build import build

# The pages a delegate opens from a link: each draws a chart from the sidebar's filters.
CHART_PAGES = ("overview", "budget", "targets", "periods", "provinces", "support", "timeline")
FILTERS = ("f_programme", "f_programme", "f_years", "f_provinces")


@dataclass(frozen=True)
class Hall:
    """Who is in the room: the link they open and what they choose among.

    "hall" (a sơ kết or tổng kết of one province): everyone opens the presenter's link (the
    dashboard's default programme), then picks among that province's programmes, any years,
    and all provinces or the province itself or a neighbour for comparison. "national" (a
    stress case): any programme of the database, any province, from a bare link.
    """

    name: str
    query: str = ""
    programmes: tuple[str, ...] = ()  # titles to choose among ((): any)
    provinces: tuple[str, ...] = ()  # provinces to choose among ((): any)


def hall_of(db: Path, scenario: str) -> Hall:
    """The room of `scenario` on the database at `db`."""
    if scenario == "national":
        return Hall("national")
    from plans.db import connect, run

    with connect(db, read_only=True) as con:
        programmes = run(con, "filter_choices")
    khuyen_cong = programmes[programmes["kind"] == "khuyen_cong"].sort_values("period_start")
    presenter = khuyen_cong.iloc[-1]  # the dashboard's default view (dashboard.py)
    own = programmes[programmes["province_now"] == presenter["province_now"]]
    provinces = sorted(set(programmes["province_now"]))
    at = provinces.index(presenter["province_now"])
    return Hall(
        "hall",
        query=f"prog={presenter['programme_id']}",
        programmes=tuple(own["title"]),
        provinces=tuple(provinces[max(0, at - 1) : at + 2]),
    )


@dataclass
class Tally:
    """What one N's sessions saw."""

    opens: list[float] = field(default_factory=list)  # seconds to the first chart
    changes: list[float] = field(default_factory=list)  # filter change → chart (or run end)
    charts: int = 0  # changes answered with a chart
    errors: list[str] = field(default_factory=list)
    sent: Counter = field(default_factory=Counter)  # message shapes (see shape())
    bytes_per_change: list[int] = field(default_factory=list)


def shape(kind: str, keys: list[str], page_hash: bool, query: bool) -> str:
    """A rerun message as compared between browsers and protocol sessions."""
    return f"{kind}: widgets {{{', '.join(sorted(keys))}}} page_hash={page_hash} query={query}"


def _value(session: Session, key: str, rng: random.Random, hall: Hall) -> Any:
    element = session.widgets[key].element
    if key == "f_years":
        low, high = int(element.min), int(element.max)
        first = rng.randint(low, high)
        return [first, rng.randint(first, high)]
    if key == "f_provinces":
        offered = [p for p in hall.provinces if p in element.options] or list(element.options)
        return [] if rng.random() < 0.3 else [rng.choice(offered)]
    offered = [o for o in element.options if o in hall.programmes] or list(element.options)
    return rng.choice(offered)


def _record(session: Session, tally: Tally, key: str) -> None:
    keys = [w.key for w in session.widgets.values() if not w.hidden or w.key in session.opened]
    keys = [k for k in keys if session.widgets[k].kind not in ("button", "button_group")]
    tally.sent[shape("change " + key, keys, True, True)] += 1


async def delegate(
    url: str,
    page: str,
    start_at: float,
    until: float,
    think: tuple[float, float],
    seed: int,
    tally: Tally,
    hall: Hall,
) -> None:
    """One person: arrives, opens a page, changes a filter every few seconds, leaves."""
    rng = random.Random(seed)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    session = Session(url)
    try:
        run = await session.open("" if page == "overview" else page, hall.query)
        tally.opens.append(run.seconds_to_chart or run.seconds)
        while time.monotonic() + think[0] < until:
            await asyncio.sleep(rng.uniform(*think))
            key = rng.choice(FILTERS)
            value = _value(session, key, rng, hall)
            _record(session, tally, key)
            run = await session.change(key, value)
            tally.changes.append(run.seconds_to_chart or run.seconds)
            tally.charts += run.charts > 0
            tally.bytes_per_change.append(run.bytes)
    except (ProtocolError, TimeoutError, OSError) as error:
        tally.errors.append(f"{page}: {type(error).__name__}: {error}")
    finally:
        await session.close()


def warm(url: str, pid: int, hall: Hall) -> dict[str, float]:
    """Every chart page once (caches filled), then one session's serial filter changes: the
    server's CPU per change with nobody else on it."""

    async def go() -> dict[str, float]:
        for page in CHART_PAGES:
            session = Session(url)
            await session.open("" if page == "overview" else page)
            await session.close()
        session = Session(url)
        await session.open("budget", hall.query)
        rng = random.Random(7)
        cpu, n, took = cpu_s(pid), 0, []
        for _ in range(20):
            key = rng.choice(FILTERS)
            run = await session.change(key, _value(session, key, rng, hall))
            took.append(run.seconds)
            n += 1
        spent = cpu_s(pid) - cpu
        await session.close()
        return {"cpu_per_change_s": spent / n, "p50_s": percentile(took, 50)}

    return asyncio.run(go())


def browsers(url: str, pid: int, n: int, until: float, out: dict[str, Any]) -> None:
    """`n` Chromium tabs doing what the protocol sessions do, their websocket frames recorded."""
    from playwright.sync_api import sync_playwright
    from streamlit.proto.BackMsg_pb2 import BackMsg

    frames: list[bytes] = []
    received: list[int] = []
    times: list[float] = []
    errors: list[str] = []
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tabs = []
        for i in range(n):
            _context, tab = new_page(chromium, url)

            def on_ws(ws: Any) -> None:
                ws.on("framesent", lambda f: frames.append(f if isinstance(f, bytes) else b""))
                ws.on("framereceived", lambda f: received.append(len(f)))

            tab.on("websocket", on_ws)
            page = CHART_PAGES[(i + 1) % len(CHART_PAGES)]
            visit(tab, f"/{page}", pid)
            tabs.append((page, tab))
        while time.monotonic() < until:
            for page, tab in tabs:
                try:
                    change = filter_change(tab, page)
                    times.append(change.seconds)
                    if change.exceptions:
                        errors.append(f"browser {page}: exception")
                except Exception as error:  # a browser's time-out: counted, not fatal
                    errors.append(f"browser {page}: {type(error).__name__}")
            time.sleep(3)
        chromium.close()
    shapes: Counter = Counter()
    for data in frames:
        msg = BackMsg()
        msg.ParseFromString(data)
        if msg.WhichOneof("type") != "rerun_script":
            shapes[msg.WhichOneof("type") or "?"] += 1
            continue
        rerun = msg.rerun_script
        keys = [w.id.split("-", 2)[-1] for w in rerun.widget_states.widgets]
        if not keys and rerun.page_name:
            shapes[shape("open", [], False, False)] += 1
        else:
            shapes[
                shape("change", keys, bool(rerun.page_script_hash), bool(rerun.query_string))
            ] += 1
    out.update(times=times, errors=errors, shapes=shapes, frames_in=len(received))


def rss_mib(pid: int) -> float:
    return memory_mib(pid)["now_mib"]


PROBE = Path(__file__).parent / "server_probe"


def probe(folder: Path | None, label: str, actions: tuple[str, ...] = (), out=print) -> dict:
    """Ask the server's probe (benchmarks/server_probe, `--probe`) where its memory is."""
    if folder is None:
        return {}
    name = f"{time.monotonic_ns()}"
    request = folder / f"{name}.request"
    request.write_text(json.dumps({"label": label, "actions": list(actions)}))
    reply = folder / f"{name}.reply"
    deadline = time.monotonic() + 60
    while not reply.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    if not reply.exists():
        out(f"  probe {label}: no answer")
        return {}
    found = json.loads(reply.read_text())
    if "error" in found:
        out(f"  probe {label}: {found['error']}")
        return found
    roll = found["smaps"]["rollup"]
    glibc, py, duck = found["glibc"], found["pymalloc"], found["duckdb"]
    for action, said in found["actions"].items():
        if len(said) > 8:
            out(f"    {action}: {said}")
    out(
        f"  probe {label}{' after ' + ','.join(actions) if actions else ''}:"
        f" RSS {roll['Rss']:.0f} MiB (anonymous {roll['Anonymous']:.0f},"
        f" file {roll.get('Rss', 0) - roll['Anonymous']:.0f}), sessions {found['sessions']},"
        f" threads {found['threads']}"
    )
    mappings = found["smaps"]["by_mapping"].items()
    out("    mappings: " + ", ".join(f"{k} {v:.0f}" for k, v in mappings))
    out(
        f"    glibc: {glibc['arena count']} arenas, {glibc['sbrk+arenas MiB']:.0f} MiB in them"
        f" ({glibc['in use MiB']:.0f} in use, {glibc['free in arenas MiB']:.0f} free),"
        f" {glibc['mmapped MiB']:.0f} mmapped"
    )
    out(
        f"    pymalloc: {py.get('arenas allocated current')} arenas now"
        f" (highwater {py.get('arenas highwater mark')}), {py.get('Total MiB', 0):.0f} MiB,"
        f" {py.get('bytes in allocated blocks MiB', 0):.0f} in blocks in use"
    )
    if duck:
        out(f"    duckdb: {duck['memory MiB']}, temporary {duck['temporary files']}")
    if jem := found.get("jemalloc"):
        out("    jemalloc MiB: " + ", ".join(f"{k} {v}" for k, v in jem.items()))
    if arrow := found.get("arrow"):
        out(
            f"    pyarrow ({arrow['backend']}): {arrow['allocated MiB']} MiB allocated,"
            f" peak {arrow['peak MiB']}"
        )
    return found


async def crowd(
    url: str,
    n: int,
    seconds: float,
    ramp: float,
    think: tuple[float, float],
    pid: int,
    hall: Hall,
) -> tuple[Tally, float, float]:
    """N delegates at once; returns their tally, the server's peak RSS and CPU used."""
    tally = Tally()
    peak = rss_mib(pid)
    stop = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, rss_mib(pid))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    now = time.monotonic()
    until = now + seconds
    cpu = cpu_s(pid)
    await asyncio.gather(
        *(
            delegate(
                url,
                CHART_PAGES[i % len(CHART_PAGES)],
                now + ramp * i / n,
                until,
                think,
                i,
                tally,
                hall,
            )
            for i in range(n)
        )
    )
    spent = cpu_s(pid) - cpu
    stop.set()
    await sampler
    return tally, peak, spent


def settle_after(url: str, ttl: int, hall: Hall, idle: float = 0) -> None:
    """Wait out the TTL of the sessions that left, then let one visitor come and go, and
    wait for the server's idle release (`idle`, settings.RELEASE_IDLE_S) after them.

    Streamlit keeps a closed session in a TTL cache that is reaped only when it is next written
    to (streamlit.runtime.memory_session_storage), so without a later visitor the sessions of
    the last wave would still be held, however long one waited."""
    time.sleep(ttl + 10)

    async def visitor() -> None:
        session = Session(url)
        await session.open("budget", hall.query)
        await session.close()

    asyncio.run(visitor())
    time.sleep(idle + 5)


def one_n(
    n: int,
    args: argparse.Namespace,
    db: Path,
    home: Path,
    with_browsers: int,
    hall: Hall,
    app: Path = ROOT / "dashboard.py",
    extra_env: str = "",
) -> dict:
    """Start a server, warm it, run N sessions (and browsers), measure, stop it."""
    imports = home / f"imports-{n}"
    imports.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "PLANS_DB": str(db),
        "PLANS_IMPORTS_DIR": str(imports),
        "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(args.ttl),
        "PLANS_RELEASE_IDLE_S": str(args.idle),
        **dict(pair.split("=", 1) for pair in extra_env.split()),
    }
    folder = None
    if args.probe:
        folder = Path(tempfile.mkdtemp(prefix="probe-", dir=home))
        env["PLANS_PROBE_DIR"] = str(folder)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROBE), env.get("PYTHONPATH")]))
    if extra_env:
        print(f"  server environment: {extra_env}")
    log = home / f"streamlit-{n}-{len(list(home.glob('streamlit-*.log')))}.log"
    server: Server = start_server(app, env, log)
    pid = server.process.pid
    try:
        quiet = warm(server.url, pid, hall)
        rss_before = rss_mib(pid)
        probe(folder, "warm")
        seen: dict[str, Any] = {}
        thread = None
        if with_browsers:
            until = time.monotonic() + args.seconds
            thread = threading.Thread(
                target=browsers, args=(server.url, pid, with_browsers, until, seen), daemon=True
            )
            thread.start()
        client_cpu = time.process_time()
        started = time.monotonic()
        tally, peak, spent = asyncio.run(
            crowd(server.url, n, args.seconds, args.ramp, tuple(args.think), pid, hall)
        )
        wall = time.monotonic() - started
        client_cpu = time.process_time() - client_cpu
        if thread is not None:
            thread.join(timeout=300)
        rss_left = rss_mib(pid)
        probe(folder, "wave 1 left")
        settle_after(server.url, args.ttl, hall, args.idle)
        rss_dropped = rss_mib(pid)
        probe(folder, "wave 1 after the TTL")
        # Later waves of N: memory the first wave's sessions left behind is reused, not added
        # to, if their peaks and what stays after their TTL do not grow wave after wave.
        waves = []
        for _ in range(args.waves - 1):
            more, wave_peak, _spent = asyncio.run(
                crowd(server.url, n, args.seconds, args.ramp, tuple(args.think), pid, hall)
            )
            wave_left = rss_mib(pid)
            settle_after(server.url, args.ttl, hall, args.idle)
            probe(folder, f"wave {len(waves) + 2} after the TTL")
            waves.append(
                {
                    "errors": len(more.errors),
                    "rss_peak_mib": wave_peak,
                    "rss_left_mib": wave_left,
                    "rss_dropped_mib": rss_mib(pid),
                }
            )
        for action in args.probe_actions:  # what each release would give back, in turn
            probe(folder, "then", tuple(action.split("|")))
    finally:
        stop_server(server.process)
    interactions = len(tally.opens) + len(tally.changes)
    return {
        "n": n,
        "app": str(app),
        "scenario": hall.name,
        "errors": tally.errors,
        "opens": tally.opens,
        "changes": tally.changes,
        "charts": tally.charts,
        "bytes_per_change": tally.bytes_per_change,
        "sent": tally.sent,
        "cpu_s": spent,
        "wall_s": wall,
        "cpu_per_interaction_s": spent / interactions if interactions else float("nan"),
        "client_cpu_s": client_cpu,
        "quiet": quiet,
        "rss_before_mib": rss_before,
        "rss_peak_mib": peak,
        "rss_left_mib": rss_left,
        "rss_dropped_mib": rss_dropped,
        "waves": waves,
        "browsers": seen,
    }


def _s(values: list[float], q: float) -> str:
    return f"{percentile(values, q):.2f} s" if values else "—"


def report(result: dict, out=print) -> None:
    n = result["n"]
    out(f"N = {n} sessions ({result['scenario']}), {result['wall_s']:.0f} s, {result['app']}")
    out(
        f"  errors: {len(result['errors'])}"
        + (f" ({result['errors'][:3]})" if result["errors"] else "")
    )
    out(
        f"  first chart: p50 {_s(result['opens'], 50)}, p95 {_s(result['opens'], 95)}"
        f" ({len(result['opens'])} opens)"
    )
    out(
        f"  filter change → chart: p50 {_s(result['changes'], 50)}, p95 {_s(result['changes'], 95)}"
        f" ({len(result['changes'])} changes, {result['charts']} with a chart,"
        f" {len(result['changes']) / result['wall_s']:.1f}/s)"
    )
    out(
        f"  server CPU: {result['cpu_s']:.1f} s in {result['wall_s']:.0f} s"
        f" ({100 * result['cpu_s'] / result['wall_s']:.0f}% of one core),"
        f" {result['cpu_per_interaction_s']:.3f} s per interaction;"
        f" alone: {result['quiet']['cpu_per_change_s']:.3f} s per filter change"
    )
    out(
        f"  server RSS: {result['rss_before_mib']:.0f} MiB warm,"
        f" peak {result['rss_peak_mib']:.0f}, {result['rss_left_mib']:.0f} when they left,"
        f" {result['rss_dropped_mib']:.0f} after the TTL and one more visitor"
    )
    for i, wave in enumerate(result["waves"], start=2):
        out(
            f"  wave {i} of {n}: errors {wave['errors']}, RSS peak {wave['rss_peak_mib']:.0f},"
            f" {wave['rss_left_mib']:.0f} when they left,"
            f" {wave['rss_dropped_mib']:.0f} after the TTL"
        )
    out(f"  client CPU (all {n} sessions, this process): {result['client_cpu_s']:.1f} s")
    seen = result["browsers"]
    if seen:
        out(
            f"  browsers alongside: {len(seen['times'])} filter changes,"
            f" p50 {_s(seen['times'], 50)}, p95 {_s(seen['times'], 95)},"
            f" errors {len(seen['errors'])}"
        )
        out("  what the browsers sent (rerun_script, by shape):")
        for s, count in seen["shapes"].most_common():
            out(f"    {count:4d}  {s}")
        out("  what the protocol sessions sent (by shape, first 6):")
        for s, count in result["sent"].most_common(6):
            out(f"    {count:4d}  {s}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks protocol", description=__doc__)
    parser.add_argument("--sessions", default="10,25,50,100,200")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--ramp", type=float, default=10.0, help="arrivals spread over this")
    parser.add_argument("--think", type=float, nargs=2, default=(3.0, 6.0))
    parser.add_argument("--ttl", type=int, default=20, help="server.disconnectedSessionTTL")
    parser.add_argument(
        "--idle",
        type=float,
        default=15.0,
        help="PLANS_RELEASE_IDLE_S for the server; measured this long after the last visitor",
    )
    parser.add_argument(
        "--waves", type=int, default=1, help="N sessions this many times, one after the other"
    )
    parser.add_argument("--browsers", type=int, default=2, help="Chromium tabs at the first N")
    parser.add_argument(
        "--scenario",
        choices=("hall", "national"),
        default="hall",
        help="hall: the presenter's link, that province's programmes; national: any (Hall)",
    )
    parser.add_argument(
        "--apps",
        default="",
        help="dashboard.py files to compare, comma-separated (e.g. an earlier checkout's)",
    )
    parser.add_argument("--db", type=Path, default=None, help="a built database (default: seeds)")
    parser.add_argument(
        "--envs",
        nargs="*",
        default=[""],
        help="server environments to compare, each 'K=V K2=V2' ('' the plain one)",
    )
    parser.add_argument(
        "--probe", action="store_true", help="print where the server's memory is (server_probe)"
    )
    parser.add_argument(
        "--probe-actions",
        nargs="*",
        default=[],
        help="after the waves, ask the probe to do these in turn"
        " (trim, gc, arrow, purge, 'sql:...'; '|' joins)",
    )
    args = parser.parse_args(argv)
    ns = [int(x) for x in args.sessions.split(",")]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()};"
        f" load average at start {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    with tempfile.TemporaryDirectory(prefix="plans-protocol-") as tmp:
        home = Path(tmp)
        db = args.db
        if db is None:
            db = home / "plans.duckdb"
            build(db, settings.DATA_DIR, home / "imports")
        hall = hall_of(db, args.scenario)
        print(
            f"scenario {hall.name}: link ?{hall.query or '(none)'}; programmes chosen among"
            f" {len(hall.programmes) or 'all'}, provinces among {len(hall.provinces) or 'all'}"
        )
        apps = [Path(a).resolve() for a in args.apps.split(",")] if args.apps else [None]
        for i, n in enumerate(ns):
            for app in apps:  # side by side in one run: an earlier checkout's dashboard, this one
                for extra in args.envs:
                    kept = {"app": app} if app else {}
                    browsers_now = args.browsers if i == 0 else 0
                    report(one_n(n, args, db, home, browsers_now, hall, **kept, extra_env=extra))
