"""`python -m benchmarks signin`: sign-in attempts under parallel sessions, before and after.

    .venv/bin/python -m benchmarks signin --sessions 20 --seconds 60

Issue 19, point 3. N sessions (threads, as Streamlit runs each session's callbacks) press
sign-in at once, in rounds (a round starts when every session has its answer, and at most one
round per `--interval` seconds), with wrong passwords, for `--seconds`, in three scenarios:
all on one editor's real name; each on an editor's name of its own (N editors configured:
guessing spread over names, the overall budget); each on an unknown name of its own. Each
runs twice in the same process on the same machine, with real PBKDF2-HMAC-SHA256 at 600.000
rounds:

- "before": the sign-in callback's old sequence, reproduced here: Throttle.check(name), then
  the password hashed (an unknown name against the old 1.000-round dummy), then
  Throttle.failure(name). Every session passes check() before any failure is recorded.
- "after": plans.auth.sign_in, which the callback now calls (Throttle.begin/finish).

Prints attempts, passwords checked (attempts accepted by the throttle) and refused, per
minute, and the process CPU seconds spent per minute; then the median time of one sign-in
with an unknown name and with a known name (wrong password), before and after. Asserts
nothing.

With `--protocol`, the same through real Streamlit sessions on loopback: for "before" and
"after" a `streamlit run dashboard.py` of its own (before: the dashboard of `--before-rev`,
taken out of git into a temporary folder; after: this checkout), on a fresh seed build with
the template plan imported and PLANS_EDITORS set; N protocol sessions (benchmarks.protocol)
open the import history page, type a name and a wrong password and press "Sign in" together,
round after round. An answer "wrong name or password" means the password was checked, "wait"
that it was refused. Prints the same figures, with the server's CPU seconds per minute.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plans import auth

# The dummy of the old check_editor: an unknown name was hashed with 1.000 rounds.
OLD_DUMMY = f"{auth.ALGORITHM}$1000${'00' * 16}${'00' * 32}"
EDITOR, PASSWORD = "Nguyễn Văn A", "mật khẩu đúng của biên tập viên"

Attempt = Callable[[str, str, Mapping[str, str], auth.Throttle], auth.SignIn]


def before(
    name: str, password: str, editors: Mapping[str, str], throttle: auth.Throttle
) -> auth.SignIn:
    """The old callback: check, then hash, then record the failure (three steps, no lock)."""
    name = name.strip()
    try:
        throttle.check(name)
    except auth.ThrottledError as exc:
        return auth.SignIn(None, exc.seconds, False)
    stored = editors.get(name)
    ok = auth.verify(password, stored if stored is not None else OLD_DUMMY) and stored is not None
    if ok:
        throttle.success(name)
        return auth.SignIn(name, 0.0, True)
    return auth.SignIn(None, throttle.failure(name), True)


def after(
    name: str, password: str, editors: Mapping[str, str], throttle: auth.Throttle
) -> auth.SignIn:
    """The product's sign-in, as the callback calls it."""
    return auth.sign_in(name, password, editors, throttle)


@dataclass
class Tally:
    """What one run came to."""

    seconds: float = 0.0
    cpu_s: float = 0.0
    rounds: int = 0
    attempts: int = 0
    checked: int = 0
    first_round_checked: int = 0

    def per_minute(self, count: int) -> float:
        return 60.0 * count / self.seconds if self.seconds else 0.0


def run(
    attempt: Attempt,
    names: list[str],
    editors: Mapping[str, str],
    seconds: float,
    interval: float,
) -> Tally:
    """`len(names)` sessions pressing sign-in at once, round after round, for `seconds`."""
    throttle = auth.Throttle()  # the product's defaults, a fresh one per run
    sessions = len(names)
    start_gate, end_gate = threading.Barrier(sessions + 1), threading.Barrier(sessions + 1)
    answers: list[auth.SignIn | None] = [None] * sessions
    stop = threading.Event()

    def session(i: int) -> None:
        guess = 0
        while True:
            start_gate.wait()
            if stop.is_set():
                return
            guess += 1
            answers[i] = attempt(names[i], f"đoán {i}-{guess}", editors, throttle)
            end_gate.wait()

    threads = [threading.Thread(target=session, args=(i,), daemon=True) for i in range(sessions)]
    for thread in threads:
        thread.start()
    tally = Tally()
    began, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() - began < seconds:
        round_began = time.perf_counter()
        start_gate.wait()  # every session presses at once
        end_gate.wait()  # every session has its answer
        done = [a for a in answers if a is not None]
        tally.rounds += 1
        tally.attempts += len(done)
        checked = sum(a.checked for a in done)
        tally.checked += checked
        if tally.rounds == 1:
            tally.first_round_checked = checked
        time.sleep(max(0.0, round_began + interval - time.perf_counter()))
    tally.seconds = time.perf_counter() - began
    tally.cpu_s = time.process_time() - cpu
    stop.set()
    start_gate.wait()
    for thread in threads:
        thread.join(timeout=10)
    return tally


def sign_in_ms(
    attempt: Attempt, names: tuple[str, str], editors: Mapping[str, str], repeat: int
) -> tuple[float, float]:
    """Median milliseconds of one wrong-password sign-in for each of two names.

    Taken in turns (a fresh throttle each), so load from elsewhere on the machine weighs on
    both alike.
    """
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for name, into in zip(names, times, strict=True):
            throttle = auth.Throttle()
            began = time.perf_counter()
            attempt(name, "sai mật khẩu", editors, throttle)
            into.append(1000 * (time.perf_counter() - began))
    return statistics.median(times[0]), statistics.median(times[1])


def _protocol_classes() -> tuple[type, type]:
    # imported here: the thread benchmark needs neither websockets nor Streamlit's protobufs
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    from benchmarks.protocol import Session, Widget

    class SignInSession(Session):
        """A protocol session that also types into text inputs, presses a button, and keeps
        the alerts (st.error) of the last run."""

        def __init__(self, base_url: str) -> None:
            super().__init__(base_url)
            self.pressed: set[str] = set()
            self.alerts: list[str] = []

        def _mounted(self) -> list[WidgetState]:
            states = []
            for key, widget in self.widgets.items():
                if widget.kind == "text_input":
                    state = WidgetState(id=widget.id)
                    state.string_value = str(self.values.get(key, ""))
                    states.append(state)
                elif widget.kind in ("button", "button_group"):
                    if key in self.pressed:
                        states.append(widget.state(True))
                elif not widget.hidden or key in self.opened:
                    states.append(widget.state(self.values.get(key)))
            return states

        def _delta(self, fwd: Any, run: Any, seen: dict[str, Widget], started: float) -> None:
            super()._delta(fwd, run, seen, started)
            if fwd.delta.WhichOneof("type") != "new_element":
                return
            element = fwd.delta.new_element
            kind = element.WhichOneof("type")
            if kind == "text_input":
                proto = element.text_input
                key = proto.id.split("-", 2)[-1] if proto.id.startswith("$$ID-") else proto.id
                seen[key] = Widget(key, proto.id, kind, proto, False)
            elif kind == "alert":
                self.alerts.append(element.alert.body)

        async def press(self, name: str, password: str) -> str:
            """Type name and password, press "Sign in"; the error shown ("" if none)."""
            self.values.update(auth_name=name, auth_password=password)
            self.pressed = {"auth_sign_in"}
            self.alerts = []
            try:
                await self._rerun()
            finally:
                self.pressed = set()
            return " ".join(self.alerts)

    return SignInSession, Widget


def _protocol_run(url: str, pid: int, names: list[str], seconds: float, interval: float) -> Tally:
    """Sessions on the server at `url` pressing sign-in at once, round after round."""
    from benchmarks.bench_browser import cpu_s
    from plans.messages import t

    session_class, _ = _protocol_classes()
    # the answers' words before the seconds, in either language the page may speak
    langs = ("vi", "en")
    wrong = tuple(t("auth_ui.wrong", lang, seconds="\0").partition("\0")[0] for lang in langs)
    wait = tuple(t("auth_ui.wait", lang, seconds="\0").partition("\0")[0] for lang in langs)

    async def go() -> Tally:
        sessions = [session_class(url) for _ in names]
        await asyncio.gather(*(s.open("import_history") for s in sessions))
        tally = Tally()
        began, cpu = time.perf_counter(), cpu_s(pid)
        guess = 0
        while time.perf_counter() - began < seconds:
            round_began = time.perf_counter()
            guess += 1
            pairs = enumerate(zip(sessions, names, strict=True))
            answers = await asyncio.gather(
                *(s.press(n, f"đoán {i}-{guess}") for i, (s, n) in pairs)
            )
            unknown = [a for a in answers if not a.startswith(wrong + wait)]
            if unknown:
                raise RuntimeError(f"an answer neither wrong nor wait: {unknown[0]!r}")
            checked = sum(a.startswith(wrong) for a in answers)
            tally.rounds += 1
            tally.attempts += len(answers)
            tally.checked += checked
            if tally.rounds == 1:
                tally.first_round_checked = checked
            await asyncio.sleep(max(0.0, round_began + interval - time.perf_counter()))
        tally.seconds = time.perf_counter() - began
        tally.cpu_s = cpu_s(pid) - cpu
        await asyncio.gather(*(s.close() for s in sessions))
        return tally

    return asyncio.run(go())


def protocol(
    args: argparse.Namespace, scenarios: dict[str, list[str]], editors: Mapping[str, str]
) -> None:
    """The scenarios through real Streamlit sessions, the old dashboard's server and this one's."""
    from benchmarks.bench_browser import ROOT, start_server, stop_server
    from plans import settings
    from plans.data import imports, templates
    from plans.data.build import build

    print(f"# the same through {args.sessions} Streamlit protocol sessions on the history page")
    with tempfile.TemporaryDirectory(prefix="plans-signin-") as tmp:
        home = Path(tmp)
        db, folder = home / "plans.duckdb", home / "imports"
        build(db, settings.DATA_DIR, folder)
        data = templates.to_csv(templates.plan_rows())
        staged = imports.validate("mau_ke_hoach.csv", data, imports_dir=folder, db_path=db)
        imports.commit(staged, data, "bench", db_path=db, imports_dir=folder)
        old = home / "before"
        old.mkdir()
        archive = subprocess.run(
            ["git", "archive", args.before_rev], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        env = {
            **os.environ,
            "PLANS_DB": str(db),
            "PLANS_IMPORTS_DIR": str(folder),
            auth.ENV_VAR: ";".join(f"{name}={stored}" for name, stored in editors.items()),
        }
        print(_HEADER)
        for scenario, names in scenarios.items():
            for label, app in (
                (f"before ({args.before_rev})", old / "dashboard.py"),
                ("after", ROOT / "dashboard.py"),
            ):
                server = start_server(
                    app, env, home / f"streamlit-{len(list(home.glob('*.log')))}.log"
                )
                try:
                    tally = _protocol_run(
                        server.url, server.process.pid, names, args.seconds, args.interval
                    )
                finally:
                    stop_server(server.process)
                _row(scenario, label, tally, args.sessions)


def _vi(value: float, digits: int = 0) -> str:
    # Vietnamese style, as in BENCHMARKS.md: 1.234,5
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


_HEADER = (
    f"{'scenario':<28} {'logic':<17} {'rounds':>6} {'1st round':>9} {'attempts/min':>12} "
    f"{'checked/min':>11} {'refused/min':>11} {'CPU s/min':>9}"
)


def _row(scenario: str, label: str, tally: Tally, sessions: int) -> None:
    print(
        f"{scenario:<28} {label:<17} {tally.rounds:>6} "
        f"{f'{tally.first_round_checked}/{sessions}':>9} "
        f"{_vi(tally.per_minute(tally.attempts), 1):>12} "
        f"{_vi(tally.per_minute(tally.checked), 1):>11} "
        f"{_vi(tally.per_minute(tally.attempts - tally.checked), 1):>11} "
        f"{_vi(60 * tally.cpu_s / tally.seconds, 1):>9}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    """Run the scenarios before and after and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks signin", description=__doc__)
    parser.add_argument("--sessions", type=int, default=20, help="sessions pressing at once")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each run")
    parser.add_argument(
        "--interval", type=float, default=1.0, help="at most one round per this many seconds"
    )
    parser.add_argument("--repeat", type=int, default=11, help="sign-ins timed per median")
    parser.add_argument(
        "--protocol", action="store_true", help="also through Streamlit sessions on loopback"
    )
    parser.add_argument(
        "--before-rev",
        default="62d3980",
        help="the git revision whose dashboard is 'before' in --protocol (the last one without"
        " the atomic throttle)",
    )
    parser.add_argument(
        "--only-protocol", action="store_true", help="skip the thread-level runs and timings"
    )
    args = parser.parse_args(argv)

    stored = auth.hash_password(PASSWORD)  # auth.ITERATIONS rounds
    # one stored form for all: each check still runs its own PBKDF2
    colleagues = [f"Biên tập viên {i + 1}" for i in range(args.sessions)]
    editors = {EDITOR: stored, **dict.fromkeys(colleagues, stored)}
    print(
        f"# sign-in under {args.sessions} parallel sessions, {_vi(args.seconds)} s per run, "
        f"PBKDF2-SHA256 {_vi(auth.ITERATIONS)} rounds; {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} CPUs"
    )
    scenarios = {
        "one name (the editor's)": [EDITOR] * args.sessions,
        "an editor's name per session": colleagues,
        "an unknown name per session": [f"người đoán {i + 1}" for i in range(args.sessions)],
    }
    if not args.only_protocol:
        print(_HEADER)
        for scenario, names in scenarios.items():
            for label, attempt in (("before", before), ("after", after)):
                tally = run(attempt, names, editors, args.seconds, args.interval)
                _row(scenario, label, tally, args.sessions)
        print(f"# one wrong-password sign-in, median of {args.repeat} (ms)")
        for label, attempt in (("before", before), ("after", after)):
            unknown, known = sign_in_ms(attempt, ("không có tên này", EDITOR), editors, args.repeat)
            print(
                f"{label:<7} unknown name {_vi(unknown, 1):>8} ms"
                f"   known name {_vi(known, 1):>8} ms",
                flush=True,
            )
    if args.protocol or args.only_protocol:
        protocol(args, scenarios, editors)


if __name__ == "__main__":
    main()
