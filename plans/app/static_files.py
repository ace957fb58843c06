"""Streamlit's browser code (/static/) answered from memory, compressed, each file read once."""

from __future__ import annotations

import gzip
import os
import threading
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from plans import settings
from plans.app.static_hook import GetResponse, wrap_get_response

# Why: a first visit to one of our pages fetches about a hundred files, 7,3 MiB (Streamlit's
# main bundle and the 60 it preloads, then a chunk per kind of element as it is first drawn:
# radio, selectbox, metric, download button, plotly's 4,7 MB). Streamlit 1.67 answers each from
# disk: a stat, an open and 64 KiB reads, each handed to a worker thread and back (starlette's
# FileResponse), uncompressed. That was half of the server's CPU for a first visit
# (BENCHMARKS.md, issue 18), and a hall of phones on one Wi-Fi fetches those 7,3 MiB each.
# Streamlit leaves them uncompressed because compressing on every request costs CPU every time
# (its starlette_gzip_middleware); compressed once and kept, they cost it once: a first visit
# is 2,5 MiB, plotly's chunk 1,4 MB. The bundles are named by their content, so what is kept
# never goes stale.
COMPRESSIBLE = frozenset({".js", ".mjs", ".css", ".svg", ".json", ".map", ".txt", ".ttf"})
MIN_BYTES = 1024  # below this gzip's header costs more than it saves
LEVEL = 6  # plotly's chunk: 0,13 s once; level 9 saves 0,2 % more for 1,3 times the time
# Kept as they are on disk (for a browser that does not take gzip, and files gzip cannot
# shrink) only up to this size; a larger one is then served from disk as Streamlit serves it.
RAW_BYTES = 256 * 1024
MARKER = "_plans_static_files"


@dataclass(frozen=True)
class Kept:
    """One static file as it is answered: Streamlit's headers, its bytes, gzip-compressed."""

    headers: tuple[tuple[str, str], ...]
    raw: bytes | None
    gzipped: bytes | None
    # computed once here, not per request
    raw_headers: tuple[tuple[str, str], ...] = ()
    gzip_headers: tuple[tuple[str, str], ...] = ()


# Request path under static/ -> the file as answered. Its bundles are named by their content
# and served "immutable": a file of that name never changes while the server runs. Bounded by
# Streamlit's static folder (26 MB; plotly's chunk is kept compressed only, 1,4 MB).
_kept: dict[str, Kept] = {}
_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip: named (or `*`) with a q above 0."""
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, _, params = item.partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights[name.strip().lower()] = q
    return weights.get("gzip", weights.get("*", 0.0)) > 0


def is_bundle(path: str) -> bool:
    """A file under static/ (Streamlit's hashed bundles), not index.html or a page's link."""
    return PurePosixPath(path.replace("\\", "/")).parts[:1] == ("static",)


def keep(path: str, file: str, headers: tuple[tuple[str, str], ...]) -> Kept:
    """Read `file` once (the first caller; the others wait for it) and keep it for `path`."""
    if (kept := _kept.get(path)) is not None:
        return kept
    with _guard:
        lock = _locks.setdefault(path, threading.Lock())
    # one read and one compression however many delegates open the page at once
    with lock:
        if (kept := _kept.get(path)) is None:
            with open(file, "rb") as handle:
                data = handle.read()
            squeezable = PurePosixPath(path).suffix.lower() in COMPRESSIBLE
            # mtime=0: the same bytes on every start, whatever the clock
            gzipped = (
                gzip.compress(data, LEVEL, mtime=0)
                if squeezable and len(data) >= MIN_BYTES
                else None
            )
            raw = data if len(data) <= RAW_BYTES else None
            vary = (("vary", "Accept-Encoding"),) if gzipped is not None else ()
            kept = Kept(headers, raw, gzipped, headers + vary, gzip_headers(headers))
            _kept[path] = kept
    return kept


def gzip_headers(headers: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Streamlit's headers for a file, as they go with its compressed bytes."""
    # a range of this answer would be a range of the compressed bytes, which Streamlit's
    # handler does not serve: ranges stay with the file itself
    kept = [(k, v) for k, v in headers if k not in ("accept-ranges", "etag")]
    # another encoding of the same file: a weak tag, which still answers If-None-Match
    etag = dict(headers).get("etag")
    if etag:
        kept.append(("etag", etag if etag.startswith("W/") else "W/" + etag))
    return (*kept, ("content-encoding", "gzip"), ("vary", "Accept-Encoding"))


def answer(kept: Kept, accepts: bool) -> tuple[tuple[tuple[str, str], ...], bytes] | None:
    """The headers and body to send for a kept file, or None: serve it from disk."""
    if accepts and kept.gzipped is not None:
        return kept.gzip_headers, kept.gzipped
    if kept.raw is not None:
        return kept.raw_headers, kept.raw
    return None


def install() -> None:
    """Make Streamlit's static file handler answer its bundles from memory, compressed.

    Call before Streamlit builds its server (the launcher, plans.app.serve); a second call
    does nothing, nor does a call with PLANS_STATIC_GZIP=0. Only a full GET of a file under
    static/ is changed; ranges, conditional requests (304), HEAD, index.html, a page's link
    and the health check are answered by Streamlit's handler, with its cache headers.
    """
    if not settings.STATIC_GZIP:
        return
    import anyio.to_thread
    from starlette.datastructures import Headers
    from starlette.responses import FileResponse, Response

    def wrap(served: GetResponse, directory: str) -> GetResponse:
        async def get_response(path: str, scope: MutableMapping[str, Any]) -> Response:
            request = Headers(scope=scope)
            plain = (
                scope.get("method") == "GET"
                and is_bundle(path)
                and not any(h in request for h in ("range", "if-none-match", "if-modified-since"))
            )
            accepts = plain and accepts_gzip(request.get("accept-encoding", ""))
            # known already: no stat, no file, no worker thread (each a wait for the
            # interpreter's lock while a script runs)
            if plain and (kept := _kept.get(path)) is not None:
                if (found := answer(kept, accepts)) is not None:
                    return Response(found[1], 200, dict(found[0]))
            response = await served(path, scope)
            if not (
                plain
                and isinstance(response, FileResponse)
                and response.status_code == 200
                and response.stat_result is not None
                # the file asked for, not the index.html sent for an unknown name: only the
                # folder's own files are kept, so the memory kept is bounded by the folder
                and os.path.normpath(response.path) == os.path.normpath(Path(directory, path))
            ):
                return response
            # Streamlit's headers (type, cache, tag) without the length, which is per body
            headers = tuple(
                (k.lower(), v) for k, v in response.headers.items() if k.lower() != "content-length"
            )
            kept = _kept.get(path) or await anyio.to_thread.run_sync(
                keep, path, str(response.path), headers
            )
            if (found := answer(kept, accepts)) is None:
                return response
            return Response(found[1], 200, dict(found[0]))

        return get_response

    wrap_get_response(MARKER, wrap)
