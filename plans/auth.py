"""Editor sign-in core: salted password hashes, the configured editors, a failure throttle."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets as _random
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

ALGORITHM = "pbkdf2_sha256"
# OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256; the stored form keeps its own count,
# so raising this later does not invalidate hashes already configured.
ITERATIONS = 600_000
ENV_VAR = "PLANS_EDITORS"
_STORED = re.compile(r"^pbkdf2_sha256\$(\d{1,8})\$([0-9a-f]{16,128})\$([0-9a-f]{64})$")
# Checked when the name is unknown, so a wrong name costs as long as a wrong password and the
# timing does not tell which editor names exist. A fixed salt and digest that no password gives;
# the rounds follow the configured editors (dummy_for), ITERATIONS when there are none.
_DUMMY_SALT = "6f00442a223c42106758b8a36977ee2f"
_DUMMY_DIGEST = "e88706dca8606efed044c05dcd0798a0aae1b77f8e497cc7b3c930350b511454"
_DUMMY = f"{ALGORITHM}${ITERATIONS}${_DUMMY_SALT}${_DUMMY_DIGEST}"


def hash_password(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """The stored form `pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>` of a password."""
    if not password:
        raise ValueError("empty password")
    salt = salt if salt is not None else _random.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{ALGORITHM}${iterations}${salt.hex()}${digest.hex()}"


def is_stored_form(stored: str) -> bool:
    """Whether a configured value looks like a hash_password result."""
    return bool(_STORED.match(stored.strip()))


def verify(password: str, stored: str) -> bool:
    """Whether the password matches the stored form (constant-time comparison)."""
    match = _STORED.match(stored.strip())
    if match is None or not password:
        return False
    iterations, salt, expected = int(match[1]), bytes.fromhex(match[2]), match[3]
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(digest.hex(), expected)


def dummy_for(editors: Mapping[str, str]) -> str:
    """The stored form checked for an unknown name: as many rounds as the editors' hashes have.

    An unknown name must cost what a known one costs. Hashes made at another time may carry
    other counts; the most common one (the larger on a tie) hides the most names.
    """
    counts = Counter(
        int(match[1]) for match in map(_STORED.match, map(str.strip, editors.values())) if match
    )
    if not counts:
        return _DUMMY
    rounds = max(counts, key=lambda n: (counts[n], n))
    return f"{ALGORITHM}${rounds}${_DUMMY_SALT}${_DUMMY_DIGEST}"


def check_editor(name: str, password: str, editors: Mapping[str, str]) -> bool:
    """Whether name and password belong to a configured editor (names compared exactly)."""
    stored = editors.get(name.strip())
    ok = verify(password, stored if stored is not None else dummy_for(editors))
    return ok and stored is not None


def load_editors(
    secrets: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Editors from the secrets' `[editors]` table (name = hash) and env PLANS_EDITORS.

    PLANS_EDITORS reads "name1=hash1;name2=hash2"; it wins over the secrets for a name in both.
    Entries whose value is not a hash_password result are left out (a plain password pasted
    by mistake must never work as one).
    """
    editors: dict[str, str] = {}
    table = (secrets or {}).get("editors") or {}
    if isinstance(table, Mapping):
        editors.update({str(k).strip(): str(v).strip() for k, v in table.items()})
    env = (os.environ if environ is None else environ).get(ENV_VAR, "")
    for item in env.split(";"):
        name, sep, stored = item.partition("=")
        if sep:
            editors[name.strip()] = stored.strip()
    return {name: stored for name, stored in editors.items() if name and is_stored_form(stored)}


class ThrottledError(Exception):
    """A sign-in attempt came before the wait after earlier failures was over."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"wait {seconds:.0f} s")
        self.seconds = seconds


class Throttle:
    """Failed sign-ins per name and overall; each failure doubles the wait (1, 2, 4 … 30 s).

    Nothing sleeps: an attempt that comes too early is refused, so a server thread is never
    held. The overall count lets a few failures pass (people mistype) and then slows guessing
    spread over many names. A quiet quarter of an hour forgets old failures.

    Sessions run their sign-ins in threads of their own, so begin() decides and counts under
    one lock: an admitted attempt is a failure until finish() says otherwise, and while its
    password is being checked no other attempt for that name is admitted (nor, past the free
    overall failures, any other attempt at all). check() and failure() are the two halves
    without that guarantee, kept for callers that run one attempt at a time.
    """

    def __init__(
        self,
        base: float = 1.0,
        cap: float = 30.0,
        free_overall: int = 5,
        forget_after: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base, self.cap, self.free_overall = base, cap, free_overall
        self.forget_after, self.clock = forget_after, clock
        self._failures: dict[str, tuple[int, float]] = {}
        self._running: dict[str, int] = {}  # key → password checks begun and not finished
        self._lock = threading.Lock()

    def delay(self, failures: int) -> float:
        """The wait after this many consecutive failures."""
        return 0.0 if failures <= 0 else min(self.cap, self.base * 2 ** (failures - 1))

    def _count(self, key: str, now: float) -> tuple[int, float]:
        count, last = self._failures.get(key, (0, now))
        if now - last > self.forget_after:
            return 0, now
        return count, last

    def _wait(self, key: str, now: float) -> float:
        # under self._lock
        own, own_last = self._count(key, now)
        every, every_last = self._count("", now)
        over = every - self.free_overall
        until = max(own_last + self.delay(own), every_last + self.delay(over))
        seconds = max(0.0, until - now)
        # A check still running already counts as a failure, and its wait is owed until it
        # ends: a hash slowed by load must not let that wait run out beneath it.
        if self._running.get(key):
            seconds = max(seconds, self.delay(own))
        if self._running.get("") and over > 0:
            seconds = max(seconds, self.delay(over))
        return seconds

    def wait(self, name: str) -> float:
        """Seconds before the next attempt for this name is accepted (0 = now)."""
        now = self.clock()
        with self._lock:
            return self._wait(_key(name), now)

    def begin(self, name: str) -> None:
        """Admit one password check for this name, or raise ThrottledError (seconds left).

        The admitted attempt is recorded at once as a failure, for the name and overall, so
        attempts arriving while its password is checked see it; finish() must follow.
        """
        now = self.clock()
        key = _key(name)
        with self._lock:
            seconds = self._wait(key, now)
            if seconds > 0:
                raise ThrottledError(seconds)
            for k in (key, ""):
                count, _ = self._count(k, now)
                self._failures[k] = (count + 1, now)
                self._running[k] = self._running.get(k, 0) + 1

    def finish(self, name: str, ok: bool) -> float:
        """End an attempt begun with begin(); returns the wait it leaves on this name.

        A failure's wait runs from now, when the answer is given. A success clears the name's
        failures and takes back the overall failure begin() counted.
        """
        now = self.clock()
        key = _key(name)
        with self._lock:
            for k in (key, ""):
                left = self._running.get(k, 0) - 1
                if left > 0:
                    self._running[k] = left
                else:
                    self._running.pop(k, None)
            if ok:
                self._failures.pop(key, None)
                every, every_last = self._failures.get("", (0, now))
                if every > 1:
                    self._failures[""] = (every - 1, every_last)
                else:
                    self._failures.pop("", None)
                return 0.0
            for k in (key, ""):
                count, _ = self._count(k, now)
                self._failures[k] = (max(1, count), now)  # max: a reset() while it ran
            return self._wait(key, now)

    def check(self, name: str) -> None:
        """Raise ThrottledError (with the seconds left) when an attempt comes too early."""
        seconds = self.wait(name)
        if seconds > 0:
            raise ThrottledError(seconds)

    def failure(self, name: str) -> float:
        """Record a failed attempt; returns the wait it imposes on this name."""
        now = self.clock()
        with self._lock:
            for key in (_key(name), ""):
                count, _ = self._count(key, now)
                self._failures[key] = (count + 1, now)
        return self.wait(name)

    def success(self, name: str) -> None:
        """A right password clears that name's failures (not the overall count)."""
        with self._lock:
            self._failures.pop(_key(name), None)

    def reset(self) -> None:
        """Forget everything (tests, or an operator's restart)."""
        with self._lock:
            self._failures.clear()
            self._running.clear()


@dataclass(frozen=True)
class SignIn:
    """What one sign-in attempt came to."""

    editor: str | None  # the editor signed in; None when refused or wrong
    seconds: float  # the wait before this name's next attempt (0 after a success)
    checked: bool  # whether the password was checked at all (False: too early)


def sign_in(
    name: str, password: str, editors: Mapping[str, str], throttle: Throttle | None = None
) -> SignIn:
    """One sign-in attempt through the throttle (THROTTLE unless given), safe from any thread."""
    throttle = THROTTLE if throttle is None else throttle
    name = name.strip()
    try:
        throttle.begin(name)
    except ThrottledError as exc:
        return SignIn(None, exc.seconds, False)
    ok = False
    try:
        ok = check_editor(name, password, editors)
    finally:
        # also when checking raised: the attempt was admitted and must not stay running
        seconds = throttle.finish(name, ok)
    return SignIn(name if ok else None, seconds, True)


def _key(name: str) -> str:
    # "" is the overall count; names are case-folded so "An" and "an" share one budget
    return "user:" + name.strip().casefold()


# One throttle per server process: every browser session shares it, so opening a new tab
# does not reset the wait.
THROTTLE = Throttle()
