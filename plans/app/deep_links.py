"""A link to one page (/budget) connects at once: its index.html tells the browser the base."""

from __future__ import annotations

from collections.abc import MutableMapping
from functools import cache
from pathlib import Path
from typing import Any

from plans.app.static_hook import GetResponse, wrap_get_response

# Opened at /budget, Streamlit 1.67's browser code does not know whether /budget is a page or
# the server's base path: it asks /budget/_stcore/health (404), waits 100 ms and then asks
# /_stcore/health. Every visit by a link to a page (a chart's QR code, a shared view) lost
# those 100 ms before its script could start (BENCHMARKS.md, issue 18). The browser code asks
# no question when `window.__streamlit.BACKEND_BASE_URL` is set: the page's own URL without
# its last segment is the base, as every page of st.navigation is one segment below it. A
# host that embeds the app and set it already keeps its own value.
SCRIPT = (
    "<script>window.__streamlit = Object.assign("
    '{BACKEND_BASE_URL: new URL(".", window.location.href).href}, window.__streamlit);'
    "</script>"
)
MARKER = "_plans_deep_links"


def is_page_link(path: str) -> bool:
    """Whether a request path under the static files names one page ("budget"): not the root
    (".", whose base is its own URL, even at a base path visited without its last slash), a
    file ("index.html") or anything deeper down."""
    name = path.strip("/")
    return bool(name) and not any(c in name for c in "/\\.")


@cache
def page_html(index_path: str) -> bytes:
    """Streamlit's index.html with SCRIPT first in its head (before its own module script)."""
    text = Path(index_path).read_text(encoding="utf-8")
    head = text.index("<head>") + len("<head>")
    return (text[:head] + SCRIPT + text[head:]).encode("utf-8")


def install() -> None:
    """Make Streamlit's static file handler serve page links with SCRIPT in index.html.

    Call before Streamlit builds its server (the launcher, plans.app.serve); a second call
    does nothing. Only the index.html that Streamlit sends in place of a missing file (a
    page's URL) is changed; files, the root and the health check are served as they were.
    """
    from starlette.responses import FileResponse, Response

    def wrap(served: GetResponse, directory: str) -> GetResponse:
        index = str(Path(directory) / "index.html")

        async def get_response(path: str, scope: MutableMapping[str, Any]) -> Response:
            response = await served(path, scope)
            if (
                isinstance(response, FileResponse)
                and str(response.path) == index
                and is_page_link(path)
            ):
                # the same status and cache headers (no-cache), the new body's own length
                drop = {"content-length", "etag", "last-modified"}
                headers = {k: v for k, v in response.headers.items() if k.lower() not in drop}
                return Response(page_html(index), response.status_code, headers)
            return response

        return get_response

    wrap_get_response(MARKER, wrap)
