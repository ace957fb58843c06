"""Static images of figures (PNG at slide resolution, SVG), rendered server-side by kaleido."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from contextlib import contextmanager

import plotly.graph_objects as go

from plans.escape import plotly_literal

# Debian's Chromium: kaleido finds it itself, the variable makes the choice explicit.
os.environ.setdefault("BROWSER_PATH", "/usr/bin/chromium")

SLIDE = {"width": 1600, "height": 900}  # 16:9; PNG is written at scale 2 (3200 x 1800)
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"  # fonts with Vietnamese diacritics

_running = False


@contextmanager
def renderer() -> Iterator[None]:
    """Keep one browser for a batch of images (0,2 s each instead of 2,5 s)."""
    global _running
    import kaleido

    if _running:
        yield
        return
    kaleido.start_sync_server()
    _running = True
    try:
        yield
    finally:
        kaleido.stop_sync_server()
        _running = False


def baked(fig: go.Figure, title: str | None, caption: str) -> go.Figure:
    """A copy of `fig` with its title and source caption written into the picture itself.

    `title` and `caption` are plain text (a deck's chart title, a headline), escaped here for
    plotly; `title` None keeps the figure's own, which its builder already made a plotly label
    (escaped names, its own line breaks): escaped again, it would show "&lt;" and "<br>".
    """
    out = copy.deepcopy(fig)
    # an x-axis drawn on top (the national heatmap, ranked bars) puts its labels and title
    # between the plot and the picture's title: room for them, or the title covers them
    top_axis = any(axis.side == "top" for axis in out.select_xaxes())
    out.update_layout(
        # the title and caption name programmes, sections and documents: shown as written
        title={
            "text": (fig.layout.title.text or "") if title is None else plotly_literal(title),
            "font": {"size": 28},
        },
        font={"family": FONT, "size": 18},
        margin={"t": 190 if top_axis else 110, "b": 150, "l": 90, "r": 40},
        paper_bgcolor="white",
    )
    out.add_annotation(
        text=plotly_literal(caption),
        xref="paper",
        yref="paper",
        x=0,
        y=-0.2,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": 14, "color": "#444444"},
    )
    return out


def render(fig: go.Figure, fmt: str = "png", scale: float = 2) -> bytes:
    """Bytes of the figure as PNG or SVG at slide size."""
    import kaleido

    if fmt not in ("png", "svg"):
        raise ValueError(fmt)
    opts = {"format": fmt, **SLIDE, "scale": scale if fmt == "png" else 1}
    with renderer():
        return kaleido.calc_fig_sync(fig, opts=opts)
