"""Python's objects on the system's jemalloc (for the launcher): free pages go back."""

from __future__ import annotations

import ctypes.util
import os
import sys
from collections.abc import Mapping

# Python's own allocator returns an arena of 1 MiB only once every object in it is gone: after a
# wave of 100 sessions 30 of them are not (BENCHMARKS.md, "Memory when they leave"). With
# Python's objects on jemalloc (PYTHONMALLOC=malloc and jemalloc preloaded, both before the
# interpreter starts) each page that empties goes back within a second or so, at no
# cost in CPU; on glibc's malloc it did too after malloc_trim, but each change cost ~15 % more
# CPU, so without jemalloc the server stays on Python's allocator.
JEMALLOC_CONF = (
    # a thread of jemalloc's own returns free pages: without it that happens only when the
    # process allocates or frees, so an idle server would keep them
    "background_thread:true,"
    # pages unused for 1 s are handed back at once (MADV_DONTNEED), not kept "muzzy"
    "dirty_decay_ms:1000,muzzy_decay_ms:0"
)


def jemalloc() -> str | None:
    """The name of the system's jemalloc library (Debian: libjemalloc2), None if absent."""
    return ctypes.util.find_library("jemalloc")


def allocator_env(environ: Mapping[str, str], library: str | None = None) -> dict[str, str]:
    """`environ` with Python's objects on jemalloc (`library`, default: the system's), or as
    it is when there is no jemalloc or whoever starts the server chose an allocator already
    (PYTHONMALLOC or LD_PRELOAD set: theirs wins)."""
    library = library or jemalloc()
    if library is None or "PYTHONMALLOC" in environ or "LD_PRELOAD" in environ:
        return dict(environ)
    return {
        **environ,
        "PYTHONMALLOC": "malloc",
        "LD_PRELOAD": library,
        "MALLOC_CONF": environ.get("MALLOC_CONF", JEMALLOC_CONF),
    }


def reexec_with_allocator() -> None:
    """For the launcher, first thing: start this same command again under allocator_env.

    PYTHONMALLOC and LD_PRELOAD are read only when the process starts, so one that did not
    get them replaces itself (os.execve: the same PID, nothing run twice if called before any
    work); returns at once when they are set or there is no jemalloc."""
    env = allocator_env(os.environ)
    if env == dict(os.environ):
        return
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)
