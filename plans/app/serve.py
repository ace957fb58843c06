"""The served dashboard's launcher: `streamlit run` with our HTTP limits and our refusal pages.

`python -m plans.app.serve [script] [streamlit options]` runs `streamlit run dashboard.py` (or
the script given) in this process after one change to how Streamlit builds its uvicorn server:
the HTTP protocol is `PlansH11Protocol`, which

- accepts a request head of up to `settings.MAX_URL_BYTES` + `HEADERS_ALLOWANCE` however it
  arrives (h11's own limit, 16 KiB, applies only while a head is still incomplete, so a 70 kB
  link was served when it came in one piece and refused when it came in several: an
  intermittent bare "Invalid HTTP request received.");
- refuses a link longer than `settings.MAX_URL_BYTES` with 414 and a page of ours, every time;
- answers every request it cannot read (too large, malformed) with a page of ours, in
  Vietnamese then English, naming the limit, instead of uvicorn's bare English line.

Streamlit 1.67 builds `uvicorn.Config` itself and reads no option for either (its
`_get_uvicorn_config_kwargs` is the one place), and nothing of the dashboard's own runs before
the first request, so the change has to be made before Streamlit starts: here. The same goes
for `plans.app.deep_links` (a page's link served an index.html that names the server's base)
and `plans.app.static_files` (Streamlit's browser code sent compressed from memory).
"""

from __future__ import annotations

if __name__ == "__main__":
    # Run as the launcher: onto jemalloc before uvicorn, h11 and Babel are imported (0,17 s
    # that the re-executed process would import again); main() does it for other callers.
    from plans.app.allocator import reexec_with_allocator

    reexec_with_allocator()

import html
import os
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from plans import settings
from plans.app.allocator import jemalloc, reexec_with_allocator
from plans.messages import N_, t
from plans.numbers import format_number

# Room for the rest of a request head beside its link (cookies, user agent, the websocket's
# keys): a browser's own are under 8 KiB; 32 KiB leaves a proxy's headers room as well.
HEADERS_ALLOWANCE = 32 * 1024
# After refusing a head that was still arriving, the rest of it is read and dropped for up to
# this long and this much before the connection closes: closing with unread bytes makes the
# kernel reset the connection, and the browser then shows its own error instead of our page.
# Chromium sends links of up to 2 MiB.
DRAIN_SECONDS = 5.0
DRAIN_BYTES = 4 * 1024 * 1024

# Per refusal: the page's title and sentence.
_TEXTS = {
    "url": (N_("http.url.title"), N_("http.url.body")),
    "head": (N_("http.head.title"), N_("http.head.body")),
    "bad": (N_("http.bad.title"), N_("http.bad.body")),
}

Scope = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]
]


def head_limit() -> int:
    """The most bytes of a request head we hold while it is incomplete."""
    return settings.MAX_URL_BYTES + HEADERS_ALLOWANCE


def refusal_page(status: int, url_bytes: int | None = None) -> bytes:
    """The HTML page sent with `status`, Vietnamese first, then English, from the catalogues.

    414: the link is `url_bytes` long, over the limit. 431: the head (link or headers) outgrew
    what we hold before it was complete. Anything else: the request could not be read.
    """
    kind = {414: "url", 431: "head"}.get(status, "bad")
    limit = settings.MAX_URL_BYTES if kind == "url" else head_limit()
    sections, titles = [], []
    for lang in ("vi", "en"):
        fields = {
            "limit": format_number(limit, lang=lang),
            "length": format_number(url_bytes or 0, lang=lang),
        }
        title, body = (html.escape(t(key, lang, **fields)) for key in _TEXTS[kind])
        titles.append(title)
        home = html.escape(t("http.home", lang))
        sections.append(
            f'<section lang="{lang}"><h1>{title}</h1><p>{body}</p>'
            f'<p><a href="{_home_path()}">{home}</a></p></section>'
        )
    page = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{titles[0]}</title>"
        "<style>body{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5}section+section{border-top:1px solid #ccc;margin-top:2rem}</style>"
        f"</head><body>{''.join(sections)}</body></html>"
    )
    return page.encode("utf-8")


def _home_path() -> str:
    """The dashboard's own root, under Streamlit's `server.baseUrlPath` when one is set."""
    from streamlit import config

    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return html.escape(f"/{base}/" if base else "/", quote=True)


def _response_headers(body: bytes) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(body)).encode("ascii")),
        (b"cache-control", b"no-store"),
        (b"connection", b"close"),
    ]


def refuse_long_urls(app: ASGIApp) -> ASGIApp:
    """`app`, with every HTTP request whose link is over the limit answered 414 by us.

    A head that arrived in one piece is parsed by h11 whatever its size; this makes the limit
    the same for it as for one that arrived in pieces.
    """

    async def guarded(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            url_bytes = len(scope["raw_path"]) + len(scope["query_string"]) + 1
            if url_bytes > settings.MAX_URL_BYTES:
                body = refusal_page(414, url_bytes)
                headers = _response_headers(body)
                await send({"type": "http.response.start", "status": 414, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await app(scope, receive, send)

    return guarded


class _Connection(h11.Connection):
    """h11's connection, remembering the protocol error it raised (uvicorn drops it)."""

    last_error: h11.RemoteProtocolError | None = None

    def next_event(self) -> Any:
        try:
            return super().next_event()
        except h11.RemoteProtocolError as exc:
            self.last_error = exc
            raise


class PlansH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with our head limit, our link limit and our refusal pages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conn = _Connection(h11.SERVER, max_incomplete_event_size=head_limit())
        self.app = refuse_long_urls(self.app)
        self.drained: int | None = None  # bytes dropped since a refusal; None: not refused

    def data_received(self, data: bytes) -> None:
        if self.drained is None:
            super().data_received(data)
            return
        self.drained += len(data)
        if self.drained > DRAIN_BYTES:
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        """Answer a request h11 could not read: 431 when it outgrew the limit, else 400."""
        error = self.conn.last_error
        status = 431 if error is not None and error.error_status_hint == 431 else 400
        body = refusal_page(status)
        reason = {400: b"Bad Request", 431: b"Request Header Fields Too Large"}[status]
        # h11 lets a server answer a request it refused to parse (uvicorn's own 400 does).
        response = h11.Response(status_code=status, headers=_response_headers(body), reason=reason)
        for event in (response, h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event) or b"")
        # Half-close: our answer is complete, the client may still be sending (see DRAIN_*).
        self.drained = 0
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(DRAIN_SECONDS, self.transport.close)


def install() -> None:
    """Make Streamlit's uvicorn server use `PlansH11Protocol` and our head limit (idempotent)."""
    try:
        from streamlit.web.server.starlette import starlette_server

        original = starlette_server._get_uvicorn_config_kwargs
    except (ImportError, AttributeError) as exc:  # a Streamlit other than requirements.txt's
        raise RuntimeError(
            "plans.app.serve needs the Streamlit pinned in requirements.txt (1.67): "
            "it has no starlette_server._get_uvicorn_config_kwargs"
        ) from exc
    if getattr(original, "plans_installed", False):
        return

    def config_kwargs() -> dict[str, Any]:
        kwargs = original()
        kwargs["http"] = PlansH11Protocol
        kwargs["h11_max_incomplete_event_size"] = head_limit()
        return kwargs

    config_kwargs.plans_installed = True  # type: ignore[attr-defined]
    starlette_server._get_uvicorn_config_kwargs = config_kwargs


def main(argv: list[str] | None = None) -> None:
    """`streamlit run` the dashboard (or the script given first) with our server settings."""
    # first: Python's objects on the system's jemalloc, whose free pages go back to the system
    # (the same command started again, before Streamlit is imported; nothing without jemalloc)
    reexec_with_allocator()
    # what the server starts (kaleido's Chromium, a command) keeps its own allocator
    if os.environ.get("LD_PRELOAD") == jemalloc():
        del os.environ["LD_PRELOAD"]
    from streamlit.web import cli

    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0].startswith("-"):
        args.insert(0, str(settings.ROOT / "dashboard.py"))
    elif not Path(args[0]).suffix == ".py":
        raise SystemExit(
            f"usage: python -m plans.app.serve [script.py] [streamlit options]: {args[0]}"
        )
    install()
    # a link to one page (a chart's QR code) connects without Streamlit's 100 ms probe
    from plans.app import deep_links

    deep_links.install()
    # its browser code compressed once and sent in one piece (plotly's chunk: 4,7 MB -> 1,4 MB)
    from plans.app import static_files

    static_files.install()
    sys.argv = ["streamlit", "run", *args]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
