"""Streamlit's browser code answered from memory, compressed once (plans.app.static_files)."""

from __future__ import annotations

import gzip
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import streamlit
from asgi import get
from starlette.staticfiles import StaticFiles
from streamlit.web.server.starlette import starlette_static_routes as routes

from plans import settings
from plans.app import deep_links, static_files, static_hook

STATIC = Path(streamlit.__file__).parent / "static"
JS = STATIC / "static" / "js"
PLOTLY = next(JS.glob("PlotlyChart.*.js"))  # 4,7 MB, the largest bundle a page asks for
RADIO = next(JS.glob("Radio.*.js"))  # a small one (5 KB), asked for by every page
GZIP = [(b"accept-encoding", b"gzip, deflate, br, zstd")]  # what Chromium sends


@pytest.fixture
def handler(monkeypatch):
    """Streamlit's static handler as the launcher builds it (deep_links, then static_files)."""
    monkeypatch.setattr(
        routes, "create_streamlit_static_handler", routes.create_streamlit_static_handler
    )
    monkeypatch.setattr(static_files, "_kept", {})
    monkeypatch.setattr(settings, "STATIC_GZIP", True)
    deep_links.install()
    static_files.install()
    static_files.install()  # a second call changes nothing
    return routes.create_streamlit_static_handler(str(STATIC), None)


def test_plotlys_chunk_goes_compressed_and_unpacks_to_the_file(handler) -> None:
    status, headers, body = get(handler, f"/static/js/{PLOTLY.name}", GZIP)
    assert (200, "gzip") == (status, headers["content-encoding"])
    assert PLOTLY.read_bytes() == gzip.decompress(body)
    assert len(body) < PLOTLY.stat().st_size / 3  # 1,4 of 4,7 MB
    assert str(len(body)) == headers["content-length"]
    # Streamlit's cache headers and type are kept; the tag says "another encoding"
    assert "public, immutable, max-age=31536000" == headers["cache-control"]
    own = get(handler, f"/static/js/{PLOTLY.name}", GZIP, method="HEAD")[1]  # Streamlit's answer
    assert own["content-type"] == headers["content-type"]
    assert own["last-modified"] == headers["last-modified"]
    assert headers["etag"].startswith('W/"')
    assert "Accept-Encoding" == headers["vary"]
    assert "accept-ranges" not in headers  # ranges are of the file, answered from disk


def test_a_second_request_is_answered_from_memory_without_the_disk(handler, monkeypatch) -> None:
    first = get(handler, f"/static/js/{RADIO.name}", GZIP)

    def no_disk(*args, **kwargs):
        raise AssertionError("the file was looked up again")

    # Streamlit's handler (stat, then a file read in pieces) is not asked the second time
    monkeypatch.setattr(StaticFiles, "get_response", no_disk)
    monkeypatch.setattr(static_files, "keep", no_disk)
    assert first == get(handler, f"/static/js/{RADIO.name}", GZIP)
    status, headers, body = get(handler, f"/static/js/{RADIO.name}")  # no gzip: as on disk
    assert (200, RADIO.read_bytes()) == (status, body)
    assert "content-encoding" not in headers


def test_a_browser_without_gzip_gets_the_files_as_they_are(handler) -> None:
    for file in (RADIO, PLOTLY):  # the large one from disk, the small one from memory
        status, headers, body = get(
            handler, f"/static/js/{file.name}", [(b"accept-encoding", b"identity")]
        )
        assert (200, file.read_bytes()) == (status, body)
        assert "content-encoding" not in headers
        assert "public, immutable, max-age=31536000" == headers["cache-control"]
    assert static_files._kept[f"static/js/{PLOTLY.name}"].raw is None  # 4,7 MB not kept twice


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        pytest.param([(b"range", b"bytes=0-99")], 206, id="range"),
        pytest.param([(b"if-modified-since", b"Sat, 01 Jan 2100 00:00:00 GMT")], 304, id="since"),
    ],
)
def test_ranges_and_conditional_requests_are_streamlits_own(handler, extra, status) -> None:
    got, headers, body = get(handler, f"/static/js/{RADIO.name}", GZIP + extra)
    assert status == got
    assert "content-encoding" not in headers
    if status == 206:
        assert RADIO.read_bytes()[:100] == body


def test_the_weak_tag_it_sent_is_answered_with_304(handler) -> None:
    _, headers, _ = get(handler, f"/static/js/{RADIO.name}", GZIP)
    status, _, body = get(
        handler, f"/static/js/{RADIO.name}", [*GZIP, (b"if-none-match", headers["etag"].encode())]
    )
    assert (304, b"") == (status, body)


def test_an_unknown_name_gets_index_html_and_nothing_is_kept(handler) -> None:
    for n in range(3):
        status, headers, body = get(handler, f"/static/js/nothing-{n}.js", GZIP)
        assert (200, (STATIC / "index.html").read_bytes()) == (status, body)
        assert "content-encoding" not in headers
    assert {} == static_files._kept  # memory is bounded by the folder's own files


@pytest.mark.parametrize("path", ["/", "/index.html", "/budget"])
def test_the_page_itself_is_served_as_before(handler, path: str) -> None:
    status, headers, body = get(handler, path, GZIP)
    assert 200 == status
    assert "content-encoding" not in headers
    assert b'<script type="module"' in body
    assert "no-cache" == headers["cache-control"]


def test_head_is_streamlits_own(handler) -> None:
    status, headers, body = get(handler, f"/static/js/{RADIO.name}", GZIP, method="HEAD")
    assert (200, b"") == (status, body)
    assert "content-encoding" not in headers


def test_a_crowd_asking_at_once_reads_and_compresses_once(monkeypatch) -> None:
    monkeypatch.setattr(static_files, "_kept", {})
    calls = []
    compress = gzip.compress

    def counted(data: bytes, *args, **kwargs) -> bytes:
        calls.append(len(data))
        return compress(data, *args, **kwargs)

    monkeypatch.setattr(static_files.gzip, "compress", counted)
    start = threading.Barrier(16)

    def ask(_: int) -> static_files.Kept:
        start.wait()
        return static_files.keep(f"static/js/{PLOTLY.name}", str(PLOTLY), (("x", "y"),))

    with ThreadPoolExecutor(16) as pool:
        kept = list(pool.map(ask, range(16)))
    assert [PLOTLY.stat().st_size] == calls
    assert all(k is kept[0] for k in kept)


def test_each_hook_is_made_once_whatever_the_order(handler) -> None:
    deep_links.install()  # again, after static_files wrapped the factory
    static_files.install()
    handler = routes.create_streamlit_static_handler(str(STATIC), None)
    _, _, page = get(handler, "/budget", GZIP)
    assert 1 == page.count(deep_links.SCRIPT.encode())
    assert static_hook.wrapped(deep_links.MARKER) and static_hook.wrapped(static_files.MARKER)


def test_switched_off_it_changes_nothing(monkeypatch) -> None:
    monkeypatch.setattr(
        routes, "create_streamlit_static_handler", routes.create_streamlit_static_handler
    )
    before = routes.create_streamlit_static_handler
    monkeypatch.setattr(settings, "STATIC_GZIP", False)
    static_files.install()
    assert before is routes.create_streamlit_static_handler


@pytest.mark.parametrize(
    ("header", "accepted"),
    [("gzip, deflate, br, zstd", True), ("GZIP", True), ("br;q=1.0, gzip;q=0.8", True),
     ("*", True), ("identity", False), ("", False), ("gzip;q=0", False),
     ("gzip;q=0, *", False), ("br, *;q=0.1", True), ("gzip;q=x", False)],
)  # fmt: skip
def test_which_accept_encodings_take_gzip(header: str, accepted: bool) -> None:
    assert accepted == static_files.accepts_gzip(header)


@pytest.mark.parametrize(
    ("path", "bundle"),
    [("static/js/Radio.BWQwdNIB.js", True), ("static/css/index.css", True),
     ("index.html", False), ("budget", False), ("_stcore/health", False), ("favicon.png", False)],
)  # fmt: skip
def test_which_paths_are_bundles(path: str, bundle: bool) -> None:
    assert bundle == static_files.is_bundle(path)
