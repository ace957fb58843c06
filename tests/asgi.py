"""One HTTP request through an ASGI app in this process, as uvicorn would hand it over."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def get(
    app: Any,
    path: str,
    headers: list[tuple[bytes, bytes]] | tuple = (),
    method: str = "GET",
    query: bytes = b"",
) -> tuple[int, dict[str, str], bytes]:
    """`method path?query` with `headers` through `app`: its status, headers and body."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"127.0.0.1"), *headers],
    }
    sent: list[dict] = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict:
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the client stays: the response ends by itself
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    # in a thread of its own: after the browser tests, Playwright's sync API keeps an event loop
    # running in this one, where asyncio.run refuses to start
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = sent[0]
    got = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], got, body
