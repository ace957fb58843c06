"""Memory given back when the dashboard goes quiet: shared caches dropped, the heap trimmed."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from plans import settings
from plans.app import cache

logger = logging.getLogger(__name__)

# Where the memory of a wave of 100 sessions stays after they leave (BENCHMARKS.md, "Memory
# when they leave"): not in DuckDB (its buffers stay at 7 MiB, the file is read, not mapped)
# nor in the sessions (they hold ~5 MiB between them), but in the shared caches the wave
# filled (~25 MiB) and in free memory the allocators keep: Python's own allocator returns an
# arena of 1 MiB only once every object in it is gone, and after a wave 30 of them are not.
# With Python's objects on jemalloc instead (plans.app.allocator, for the launcher) the pages
# that empty go back too.


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None  # glibc's; not musl's or macOS's


def trim() -> bool:
    """glibc's malloc_trim(0): the free pages of every malloc arena back to the system.

    False where the C library has no malloc_trim (then the memory stays for reuse)."""
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


def rss_mib() -> float:
    """This process's resident memory, in MiB (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def release() -> tuple[float, float]:
    """Drop the shared caches, collect cycles, trim the heap; RSS in MiB before and after."""
    before = rss_mib()
    cache.clear_shared()
    gc.collect()  # a cached frame's blocks and weak references are cycles: gc frees them
    trim()
    return before, rss_mib()


@dataclass
class Releaser:
    """Calls `release` once each time the caches have been read and then left unread for
    `idle_s` seconds: after a hall's delegates leave, not while anyone is clicking."""

    idle_s: float
    every_s: float = 5.0
    release: Callable[[], tuple[float, float]] = release
    last_read: Callable[[], float] = cache.last_read
    releases: int = 0
    _done_at: float = field(default_factory=time.monotonic)
    _stop: threading.Event = field(default_factory=threading.Event)

    def due(self, now: float) -> bool:
        """Read since the last release, and not read for idle_s."""
        read = self.last_read()
        return read > self._done_at and now - read >= self.idle_s

    def run(self) -> None:
        while not self._stop.wait(self.every_s):
            if self.due(time.monotonic()):
                before, after = self.release()
                self._done_at = time.monotonic()
                self.releases += 1
                logger.info("idle: caches dropped, RSS %.0f → %.0f MiB", before, after)

    def stop(self) -> None:
        self._stop.set()


_STARTED: Releaser | None = None
_LOCK = threading.Lock()


def start(idle_s: float | None = None) -> Releaser | None:
    """Once per process: a daemon thread that releases memory when the dashboard is idle.

    Cheap to call on every rerun (dashboard.py does); None when PLANS_RELEASE_IDLE_S is 0."""
    global _STARTED
    idle = settings.RELEASE_IDLE_S if idle_s is None else idle_s
    if idle <= 0:
        return None
    with _LOCK:
        if _STARTED is None:
            _STARTED = Releaser(idle, every_s=min(5.0, idle / 4))
            threading.Thread(target=_STARTED.run, name="plans-release", daemon=True).start()
        return _STARTED
