"""The one hook into Streamlit's static file handler, shared by deep_links and static_files."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

GetResponse = Callable[[str, MutableMapping[str, Any]], Awaitable[Any]]
MARKERS = "_plans_static_hooks"  # on the factory: the names of the wraps already made


def wrap_get_response(name: str, wrap: Callable[[GetResponse, str], GetResponse]) -> None:
    """Make Streamlit's static handler factory wrap each handler's `get_response` with
    `wrap(served, directory)`; once per `name` however often it is called or in what order.

    Streamlit 1.67 builds the handler when its server starts (`create_streamlit_static_handler`)
    and offers no hook; the handler's `get_response(path, scope)` is the one place where the
    file it chose is known and the answer not yet sent.
    """
    from streamlit.web.server.starlette import starlette_static_routes as routes

    original = routes.create_streamlit_static_handler
    made: frozenset[str] = getattr(original, MARKERS, frozenset())
    if name in made:
        return

    def create(directory: str, base_url: str | None) -> Any:
        handler = original(directory, base_url)
        handler.get_response = wrap(handler.get_response, directory)
        return handler

    setattr(create, MARKERS, made | {name})
    routes.create_streamlit_static_handler = create


def wrapped(name: str) -> bool:
    """Whether `name`'s wrap is in Streamlit's factory now."""
    from streamlit.web.server.starlette import starlette_static_routes as routes

    return name in getattr(routes.create_streamlit_static_handler, MARKERS, frozenset())
