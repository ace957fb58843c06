"""The launcher's HTTP limits (plans.app.serve): long links and unreadable requests, on a real server.

Issue 19 point 6: a 70 kB link got uvicorn's bare "Invalid HTTP request received." on some
pages and not others, depending on how many pieces the request arrived in (h11 holds at most
16 KiB of an incomplete head). The server here is the README's (`python -m plans.app.serve`)
and the requests come from a raw socket, in one piece or in 1 KiB pieces, so both sides of
that chance are tried every time.
"""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.bench_browser import Server, start_server, stop_server
from plans import settings
from plans.app import serve

ROOT = Path(__file__).resolve().parents[1]
KIB = 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The launcher serving the dashboard; no session opens, so the database is never built."""
    home = tmp_path_factory.mktemp("serve")
    env = {**os.environ, "PLANS_DB": str(home / "plans.duckdb"), "PLANS_IMPORTS_DIR": str(home)}
    started = start_server(ROOT / "dashboard.py", env, home / "streamlit.log")
    try:
        yield started
    finally:
        stop_server(started.process)


def ask(server: Server, request: bytes, piece: int | None) -> tuple[int, str]:
    """Send `request` whole or in `piece`-byte pieces; the status and the body of the answer."""
    port = int(server.url.rsplit(":", 1)[1])
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        try:
            step = piece or len(request)
            for start in range(0, len(request), step):
                sock.sendall(request[start : start + step])
                if piece:
                    time.sleep(0.0005)  # separate segments, as a browser's large head arrives
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before reading it all: the answer is still there
        while chunk := sock.recv(65536):
            answer += chunk
            if b"</html>" in answer:
                break
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body.decode("utf-8", "replace")


def get(query_bytes: int) -> bytes:
    """A browser-like GET of the home page whose link is `query_bytes` long in all."""
    target = "/?x=" + "a" * (query_bytes - len("/?x="))
    return (
        f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: Mozilla/5.0\r\n"
        "Accept: text/html\r\nAccept-Language: vi\r\n\r\n"
    ).encode("ascii")


SERVED = [
    pytest.param(1 * KIB, None, id="1KiB-whole"),
    pytest.param(20 * KIB, 1 * KIB, id="20KiB-in-pieces(h11-alone-refused)"),
    pytest.param(60 * KIB, 1 * KIB, id="60KiB-in-pieces"),
    pytest.param(settings.MAX_URL_BYTES, 1 * KIB, id="at-the-limit-in-pieces"),
]


@pytest.mark.parametrize(("url_bytes", "piece"), SERVED)
def test_links_up_to_the_limit_are_served_however_they_arrive(
    server: Server, url_bytes: int, piece: int | None
) -> None:
    status, body = ask(server, get(url_bytes), piece)
    assert (200, True) == (status, "<title>Streamlit</title>" in body)


# Up to head_limit() a head is always parsed, so a long link gets 414 whichever way it came.
# Beyond it, a head still arriving is refused as it grows (431); one read whole (the server
# reads up to 256 KiB at once) would be parsed and get 414: both are our page.
LONG = [
    pytest.param(70_000, None, 414, "Đường dẫn quá dài", id="70kB-whole"),
    pytest.param(70_000, 1 * KIB, 414, "Đường dẫn quá dài", id="70kB-in-pieces(issue-19-6)"),
    pytest.param(settings.MAX_URL_BYTES + 1, None, 414, "Đường dẫn quá dài", id="limit+1"),
    pytest.param(300_000, 4 * KIB, 431, "Yêu cầu quá lớn", id="300kB-in-pieces"),
    pytest.param(2_000_000, 64 * KIB, 431, "Yêu cầu quá lớn", id="2MB-in-pieces"),
]


@pytest.mark.parametrize(("url_bytes", "piece", "expected_status", "title"), LONG)
def test_longer_links_get_our_page_in_vietnamese_then_english(
    server: Server, url_bytes: int, piece: int | None, expected_status: int, title: str
) -> None:
    status, body = ask(server, get(url_bytes), piece)
    assert expected_status == status
    assert f"<h1>{title}</h1>" in body
    assert body.index('lang="vi"') < body.index('<section lang="en">')
    assert "Invalid HTTP request" not in body
    assert str(ROOT) not in body


def test_the_link_page_names_its_length_and_the_limit_in_the_readers_format(
    server: Server,
) -> None:
    status, body = ask(server, get(70_000), 1 * KIB)
    limit = f"{settings.MAX_URL_BYTES:,}"
    assert (414, True, True) == (
        status,
        f"dài 70.000 byte; bảng điều khiển chỉ mở đường dẫn dài tối đa {limit.replace(',', '.')}"
        in body,
        f"This link is 70,000 bytes long; the dashboard opens links of up to {limit} bytes" in body,
    )
    assert '<a href="/">Mở trang chủ bảng điều khiển</a>' in body


def test_a_request_that_is_not_http_gets_our_page(server: Server) -> None:
    status, body = ask(server, b"GARBAGE \x00\x01 nonsense\r\n\r\n", None)
    assert (400, True, False) == (
        status,
        "<h1>Không đọc được yêu cầu</h1>" in body,
        "Invalid HTTP request" in body,
    )


def test_after_a_refusal_the_server_still_serves(server: Server) -> None:
    ask(server, get(300_000), 4 * KIB)
    assert 200 == ask(server, get(1 * KIB), None)[0]


def test_plain_streamlit_config_is_changed_only_by_install(monkeypatch) -> None:
    from streamlit.web.server.starlette import starlette_server

    monkeypatch.setattr(
        starlette_server, "_get_uvicorn_config_kwargs", starlette_server._get_uvicorn_config_kwargs
    )
    assert "http" not in starlette_server._get_uvicorn_config_kwargs()
    serve.install()
    installed = starlette_server._get_uvicorn_config_kwargs
    serve.install()  # idempotent: not wrapped twice
    kwargs = starlette_server._get_uvicorn_config_kwargs()
    assert (installed, serve.PlansH11Protocol, serve.head_limit()) == (
        starlette_server._get_uvicorn_config_kwargs,
        kwargs["http"],
        kwargs["h11_max_incomplete_event_size"],
    )


@pytest.mark.parametrize("status", [400, 414, 431])
def test_refusal_pages_come_from_both_catalogues(status: int) -> None:
    page = serve.refusal_page(status, 70_000).decode("utf-8")
    assert page.startswith('<!doctype html><html lang="vi">')
    assert (2, [], False) == (
        page.count("<h1>"),
        re.findall(r"\{[a-z_]+\}", page),  # every field filled
        "http." in page,  # no bare message id
    )


def test_refusal_pages_escape_what_they_print(monkeypatch) -> None:
    monkeypatch.setattr(serve, "t", lambda key, lang, **fields: "<img src=x> & " + key)
    page = serve.refusal_page(414, 70_000).decode("utf-8")
    assert ("<img" in page, "&lt;img src=x&gt; &amp; http.url.title" in page) == (False, True)


def test_the_launcher_serves_a_page_link_that_names_the_base(server: Server) -> None:
    # plans.app.deep_links, installed by the launcher: a page's link is told the server's base
    # so the browser does not probe /budget/_stcore/health first (issue 18, first chart)
    request = b"GET /budget HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    root = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    page, home = ask(server, request, None), ask(server, root, None)
    assert ((200, True), (200, False)) == (
        (page[0], "BACKEND_BASE_URL" in page[1]),
        (home[0], "BACKEND_BASE_URL" in home[1]),
    )


def test_the_launcher_runs_the_server_on_jemalloc_where_installed(server: Server) -> None:
    # plans.app.allocator, called first by the launcher: the freed pages of a hall's wave go
    # back to the system (BENCHMARKS.md, "Memory when they leave")
    from plans.app.allocator import jemalloc

    if jemalloc() is None:
        if os.environ.get("PLANS_REQUIRE_EXPORT_TOOLS"):
            pytest.fail("libjemalloc2 is not installed (.ci/run installs it)")
        pytest.skip("libjemalloc2 is not installed: the server runs on Python's allocator")
    maps = Path(f"/proc/{server.process.pid}/maps").read_text()
    environ = Path(f"/proc/{server.process.pid}/environ").read_bytes().split(b"\0")
    assert (True, True) == ("libjemalloc" in maps, b"PYTHONMALLOC=malloc" in environ)


def test_the_launcher_sends_streamlits_bundles_compressed(server: Server) -> None:
    # plans.app.static_files, installed by the launcher: plotly's 4,7 MB chunk goes as gzip
    import gzip
    import urllib.request

    import streamlit

    chunk = next((Path(streamlit.__file__).parent / "static/static/js").glob("PlotlyChart.*.js"))
    request = urllib.request.Request(
        f"{server.url}/static/js/{chunk.name}", headers={"Accept-Encoding": "gzip, br"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        encoding, body = response.headers.get("Content-Encoding"), response.read()
    assert ("gzip", chunk.read_bytes()) == (encoding, gzip.decompress(body))
