"""A page's link is served Streamlit's index.html naming the base; everything else as it was."""

from __future__ import annotations

from pathlib import Path

import asgi
import pytest
import streamlit
from streamlit.web.server.starlette import starlette_static_routes as routes

from plans.app import deep_links, static_hook

STATIC = Path(streamlit.__file__).parent / "static"


def get(handler, path: str) -> tuple[int, dict[str, str], bytes]:
    """One GET through the ASGI handler, with a link's query: status, headers, body."""
    return asgi.get(handler, path, query=b"prog=YB-2021-2025")


@pytest.fixture
def handler(monkeypatch):
    # install() replaces Streamlit's factory: restored after the test
    monkeypatch.setattr(
        routes, "create_streamlit_static_handler", routes.create_streamlit_static_handler
    )
    deep_links.install()
    deep_links.install()  # a second call changes nothing
    return routes.create_streamlit_static_handler(str(STATIC), None)


def test_a_page_link_names_the_base_before_streamlits_own_script(handler) -> None:
    index = (STATIC / "index.html").read_bytes()
    status, headers, body = get(handler, "/budget")
    assert 200 == status
    assert deep_links.SCRIPT.encode() in body
    assert body.index(deep_links.SCRIPT.encode()) < body.index(b'<script type="module"')
    assert index == body.replace(deep_links.SCRIPT.encode(), b"")  # nothing else changed
    assert str(len(body)) == headers["content-length"]
    assert "no-cache" == headers["cache-control"]  # as Streamlit sends index.html


@pytest.mark.parametrize("path", ["/", "/a/b", "/index.html"])
def test_the_root_a_deeper_path_and_the_file_itself_are_served_as_they_were(
    handler, path: str
) -> None:
    status, _, body = get(handler, path)
    assert (200, (STATIC / "index.html").read_bytes()) == (status, body)


def test_static_files_are_served_as_they_were(handler) -> None:
    name = next((STATIC / "static" / "js").glob("index.*.js")).name
    status, _, body = get(handler, f"/static/js/{name}")
    assert (200, (STATIC / "static" / "js" / name).read_bytes()) == (status, body)


def test_install_is_made_once(handler) -> None:
    assert static_hook.wrapped(deep_links.MARKER)


@pytest.mark.parametrize(
    ("path", "page"),
    [("budget", True), ("/import_history", True), (".", False), ("", False),
     ("index.html", False), ("a/b", False)],
)  # fmt: skip
def test_which_paths_are_page_links(path: str, page: bool) -> None:
    assert page == deep_links.is_page_link(path)
