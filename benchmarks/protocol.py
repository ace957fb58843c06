"""A Streamlit client that speaks the browser's protocol: a websocket of protobuf messages.

A browser tab costs ~2.7 CPU-s to open the app and draws every element it is sent; on the two
cores that also run the server, 25 of them measured the browsers, not the server
(BENCHMARKS.md, issue 7). This client does what a tab does on the wire and nothing else: it
opens `/_stcore/stream` with the same subprotocol and Origin, sends the same `BackMsg`s
(`rerun_script` with the query string, the page's script hash, the state of every widget it has
"mounted" and the hashes of cached messages) and reads the `ForwardMsg`s the server answers
with, keeping the widgets it was sent so that it can change one as a person would.

What a browser would send was read off Chromium's own frames (tests/e2e/test_protocol.py
compares them): a widget inside a closed popover is not mounted, so its state is sent only
once the popover has been opened (here: once the client has changed that filter); a selectbox
or radio sends the option's label, a range slider its two values, a multiselect its labels;
a page switch sends the target page's script hash with an empty query string.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

# Widget elements whose state a browser reports, by their Element field name.
WIDGETS = ("radio", "selectbox", "slider", "multiselect", "button", "checkbox", "button_group")
SUCCESS = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR


class ProtocolError(RuntimeError):
    """The server answered with an exception, a compile error, a closed socket or nothing."""


@dataclass
class Widget:
    """One widget element as the server sent it: its id, kind and what a browser would send."""

    key: str
    id: str
    kind: str
    element: Any  # the widget's protobuf message (Radio, Selectbox, …)
    hidden: bool  # inside a popover: a browser mounts it only once the popover is opened

    def state(self, value: Any = None) -> WidgetState:
        """The WidgetState a browser sends for this widget: its current value, or `value`."""
        ws = WidgetState(id=self.id)
        el = self.element
        if self.kind in ("radio", "selectbox"):
            if value is None:
                value = el.options[el.default] if len(el.options) else ""
            ws.string_value = value
        elif self.kind == "slider":
            values = list(value if value is not None else (el.value or el.default))
            ws.double_array_value.data.extend(float(v) for v in values)
        elif self.kind == "multiselect":
            labels = value if value is not None else [el.options[i] for i in el.default]
            ws.string_array_value.data.extend(labels)
        elif self.kind == "checkbox":
            ws.bool_value = bool(el.default if value is None else value)
        else:  # buttons are triggers: sent only when pressed
            ws.trigger_value = bool(value)
        return ws


@dataclass
class Run:
    """What the server sent for one rerun."""

    seconds_to_chart: float | None = None  # from the request to the first plotly chart
    seconds: float = 0.0  # from the request to the end of the (last) script run
    messages: int = 0
    bytes: int = 0
    charts: int = 0
    exceptions: list[str] = field(default_factory=list)


class Session:
    """One browser tab's websocket session, without the browser."""

    def __init__(self, base_url: str, timeout_s: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.ws: ClientConnection | None = None
        self.query_string = ""
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # url path ("budget") → page script hash
        self.widgets: dict[str, Widget] = {}  # key → the latest run's widget
        self.opened: set[str] = set()  # popover widgets the client has used (mounted)
        self.values: dict[str, Any] = {}  # key → the value the client last set
        # cacheable messages received, by hash (the browser's message cache)
        self._cache: dict[str, bytes] = {}
        self._blocks: dict[tuple[int, ...], str] = {}

    async def open(self, path: str = "", query: str = "") -> Run:
        """Connect as a tab opening `base_url/path?query` and wait for the page to finish."""
        url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.ws = await connect(
            url,
            subprotocols=["streamlit"],
            origin=self.base_url,
            max_size=None,
            compression=None,
            open_timeout=self.timeout_s,
            ping_interval=None,
        )
        self.query_string = query
        return await self._rerun(page_name=path.strip("/"), first=True)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def change(self, key: str, value: Any) -> Run:
        """Change one widget (a sidebar filter: its popover is opened first) and wait."""
        if key not in self.widgets:
            raise ProtocolError(f"no widget {key!r} on this page")
        self.opened.add(key)
        self.values[key] = value
        return await self._rerun()

    async def switch(self, page: str) -> Run:
        """Follow a sidebar link to `page` ("budget"), as the browser's navigation does."""
        self.page_hash = self.pages[page]
        self.query_string = ""
        return await self._rerun()

    def _mounted(self) -> list[WidgetState]:
        states = []
        for key, widget in self.widgets.items():
            if widget.hidden and key not in self.opened:
                continue
            if widget.kind in ("button", "button_group"):
                continue  # triggers: a browser sends them only when pressed
            states.append(widget.state(self.values.get(key)))
        return states

    async def _rerun(self, page_name: str = "", first: bool = False) -> Run:
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query_string
        if first:
            rerun.page_name = page_name
            rerun.widget_states.SetInParent()
        else:
            rerun.widget_states.widgets.extend(self._mounted())
            rerun.page_script_hash = self.page_hash
            rerun.cached_message_hashes.extend(self._cache)
        ctx = rerun.context_info
        ctx.timezone, ctx.timezone_offset, ctx.locale = "Asia/Ho_Chi_Minh", -420, "vi-VN"
        ctx.url = f"{self.base_url}/{page_name}"
        ctx.is_embedded, ctx.color_scheme = False, "light"
        assert self.ws is not None
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        return await asyncio.wait_for(self._read(started), self.timeout_s)

    async def _read(self, started: float) -> Run:
        """Read until a script run has finished and the session is idle."""
        run = Run()
        finished = False
        seen: dict[str, Widget] = {}
        assert self.ws is not None
        while True:
            try:
                data = await self.ws.recv()
            except Exception as exc:  # the socket closed under us
                raise ProtocolError(f"websocket closed: {exc}") from exc
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            run.messages += 1
            run.bytes += len(data)
            kind = fwd.WhichOneof("type")
            if kind == "ref_hash":
                # the server sent only the hash of a message we said we hold: use ours
                data = self._cache[fwd.ref_hash]
                fwd = ForwardMsg()
                fwd.ParseFromString(data)
                kind = fwd.WhichOneof("type")
            elif fwd.metadata.cacheable and fwd.hash:
                self._cache[fwd.hash] = data
            if kind == "new_session":
                # every (re)run starts with one: its elements replace the last run's
                seen = {}
                self._blocks = {}
                finished = False
                self.page_hash = fwd.new_session.page_script_hash or self.page_hash
            elif kind == "navigation":
                self.page_hash = fwd.navigation.page_script_hash or self.page_hash
                for page in fwd.navigation.app_pages:
                    self.pages[page.url_pathname] = page.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = fwd.page_info_changed.query_string
            elif kind == "delta":
                self._delta(fwd, run, seen, started)
            elif kind == "script_finished":
                if fwd.script_finished == COMPILE_ERROR:
                    raise ProtocolError("the script did not compile")
                if fwd.script_finished == SUCCESS:
                    finished = True
            elif kind == "session_status_changed":
                if finished and not fwd.session_status_changed.script_is_running:
                    run.seconds = time.perf_counter() - started
                    self.widgets = seen
                    if run.exceptions:
                        raise ProtocolError("; ".join(run.exceptions))
                    return run
            elif kind == "page_not_found":
                raise ProtocolError(f"page not found: {fwd.page_not_found.page_name}")

    def _delta(self, fwd: ForwardMsg, run: Run, seen: dict[str, Widget], started: float) -> None:
        path = tuple(fwd.metadata.delta_path)
        delta = fwd.delta
        which = delta.WhichOneof("type")
        if which == "add_block":
            self._blocks[path] = delta.add_block.WhichOneof("type") or ""
            return
        if which != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "plotly_chart":
            run.charts += 1
            if run.seconds_to_chart is None:
                run.seconds_to_chart = time.perf_counter() - started
        elif kind == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind in WIDGETS:
            proto = getattr(element, kind)
            key = proto.id.split("-", 2)[-1] if proto.id.startswith("$$ID-") else proto.id
            hidden = any(self._blocks.get(path[:i]) == "popover" for i in range(1, len(path)))
            seen[key] = Widget(key, proto.id, kind, proto, hidden)
