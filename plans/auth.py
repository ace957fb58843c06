"""Editor sign-in core: salted password hashes, the configured editors, a failure throttle."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets as _random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

ALGORITHM = "pbkdf2_sha256"
# OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256; the stored form keeps its own count,
# so raising this later does not invalidate hashes already configured.
ITERATIONS = 600_000
ENV_VAR = "PLANS_EDITORS"
_STORED = re.compile(r"^pbkdf2_sha256\$(\d{1,8})\$([0-9a-f]{16,128})\$([0-9a-f]{64})$")
# Checked when the name is unknown, so a wrong name costs as long as a wrong password and the
# timing does not tell which editor names exist.
_DUMMY = f"{ALGORITHM}$1000${'00' * 16}${'00' * 32}"


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


def check_editor(name: str, password: str, editors: Mapping[str, str]) -> bool:
    """Whether name and password belong to a configured editor (names compared exactly)."""
    stored = editors.get(name.strip())
    ok = verify(password, stored if stored is not None else _DUMMY)
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

    Nothing sleeps: check() refuses an attempt that comes too early, so a server thread is
    never held. The overall count lets a few failures pass (people mistype) and then slows
    guessing spread over many names. A quiet quarter of an hour forgets old failures.
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
        self._lock = threading.Lock()

    def delay(self, failures: int) -> float:
        """The wait after this many consecutive failures."""
        return 0.0 if failures <= 0 else min(self.cap, self.base * 2 ** (failures - 1))

    def _count(self, key: str, now: float) -> tuple[int, float]:
        count, last = self._failures.get(key, (0, now))
        if now - last > self.forget_after:
            return 0, now
        return count, last

    def wait(self, name: str) -> float:
        """Seconds before the next attempt for this name is accepted (0 = now)."""
        now = self.clock()
        with self._lock:
            own, own_last = self._count(_key(name), now)
            every, every_last = self._count("", now)
        until = max(own_last + self.delay(own), every_last + self.delay(every - self.free_overall))
        return max(0.0, until - now)

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


def _key(name: str) -> str:
    # "" is the overall count; names are case-folded so "An" and "an" share one budget
    return "user:" + name.strip().casefold()


# One throttle per server process: every browser session shares it, so opening a new tab
# does not reset the wait.
THROTTLE = Throttle()
