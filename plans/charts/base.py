"""Pure figure builders: DataFrame in, plotly Figure out (no Streamlit, no database)."""

from __future__ import annotations

import functools
import re
import textwrap
import threading
from collections.abc import Callable
from typing import Any, ParamSpec

import pandas as pd
import plotly.graph_objects as go

from plans.escape import plotly_literal
from plans.messages import t
from plans.numbers import format_mvnd_label, format_pct, plotly_separators

# The key the queries give tasks without a content area (budget_shares, budget_lines_grouped);
# a reader sees t("areas.unassigned") in its place, never the key.
UNASSIGNED = "?"

# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
    "#D55E00", "#F0E442", "#000000", "#999999",
)  # fmt: skip


P = ParamSpec("P")
_BUILDING = threading.local()
_MARKUP = re.compile("[&<>]")  # what plotly_literal changes
_PART_ENTITY = re.compile(r"&[#\w]*$")  # an entity cut at the end of a line


def literal_data(value: Any) -> Any:
    """`value` with every text in it made a plotly literal (plans.escape.plotly_literal): a
    frame's or series' string cells and string index, the strings of lists, tuples and dicts'
    values; numbers, column names and anything else unchanged."""
    if isinstance(value, str):
        return plotly_literal(value)
    if isinstance(value, pd.DataFrame):
        texts = [c for c in value.columns if _holds_text(value[c]) and _marked(value[c])]
        index = _literal_index(value.index)
        if not texts and index is value.index:
            return value
        out = value.copy(deep=False)
        for column in texts:
            out[column] = _literal_values(value[column])  # on the frame's own index
        out.index = index
        return out
    if isinstance(value, pd.Series):
        index = _literal_index(value.index)
        if not (_holds_text(value) and _marked(value)):
            return value if index is value.index else value.set_axis(index)
        return _literal_values(value).set_axis(index)
    if isinstance(value, list | tuple):
        return type(value)(literal_data(v) for v in value)
    if isinstance(value, dict):
        return {k: literal_data(v) for k, v in value.items()}
    return value


def _literal_values(series: pd.Series) -> pd.Series:
    """The series with its texts escaped, on its own index."""
    if isinstance(series.dtype, pd.StringDtype):  # the queries' text columns, vectorised
        for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):  # "&" first
            series = series.str.replace(char, entity, regex=False)
        return series
    return series.map(lambda v: plotly_literal(v) if isinstance(v, str) else v)


def _marked(values: pd.Series | pd.Index) -> bool:
    """Whether any text among `values` holds a character plotly reads as markup (most columns
    hold none: they are left as they are, not copied)."""
    if isinstance(values.dtype, pd.StringDtype):
        # the queries' text columns: one vectorised search, not a loop over the cells
        return bool(values.str.contains(_MARKUP.pattern, regex=True).any())
    return any(isinstance(v, str) and _MARKUP.search(v) is not None for v in values)


def _holds_text(values: pd.Series | pd.Index) -> bool:
    return values.dtype == object or isinstance(values.dtype, pd.StringDtype | pd.CategoricalDtype)


def _literal_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex) or not _holds_text(index) or not _marked(index):
        return index
    return index.map(lambda v: plotly_literal(v) if isinstance(v, str) else v)


def data_labels(builder: Callable[P, go.Figure]) -> Callable[P, go.Figure]:
    """A figure builder that shows the texts it is given as written (issue 19, 4).

    Names from an import (programme titles, sections, tasks, units) reach plotly's titles,
    category ticks, legends and hovers, which read markup: `<a href>` opened a tab, `<span
    style>` coloured a name. Every text argument, the title and every string cell of a frame,
    is escaped once here, before the builder adds markup of its own (`<br>`, `<b>`, `<sup>`);
    a builder called by another is given its caller's escaped texts as they are.
    """

    @functools.wraps(builder)
    def build(*args: P.args, **kwargs: P.kwargs) -> go.Figure:
        if getattr(_BUILDING, "depth", 0):
            return builder(*args, **kwargs)
        _BUILDING.depth = 1
        try:
            return builder(
                *(literal_data(a) for a in args), **{k: literal_data(v) for k, v in kwargs.items()}
            )
        finally:
            _BUILDING.depth = 0

    build.data_labels = True  # type: ignore[attr-defined]  # tests/test_escape.py checks every builder
    return build


@data_labels
def share_bar(shares: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Horizontal bars of budget shares; hover and labels in the reader's number format."""
    text = [
        f"{format_pct(p, 1, lang)} · {format_mvnd_label(a, lang)}"
        for p, a in zip(shares["share_pct"], shares["amount_mvnd"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=shares["share_pct"],
            # the key of tasks without a content area ('?') in the reader's words
            y=shares["key"].replace({UNASSIGNED: t("areas.unassigned", lang)}),
            orientation="h",
            text=text,
            textposition="auto",
            customdata=shares["label"],
            hovertemplate="%{y}: %{customdata}<br>%{text}<extra></extra>",
            marker_color=[PALETTE[i % len(PALETTE)] for i in range(len(shares))],
        )
    )
    fig.update_layout(
        title=title,
        xaxis_title=t("charts_base.share", lang),
        yaxis_title=t("charts_base.key", lang),
        yaxis={"autorange": "reversed"},
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        separators=plotly_separators(lang),
    )
    return fig


# A chart on a phone is ~358 CSS px wide (390 less the page's padding), on a desktop 1000-1400,
# and one figure serves both: plotly neither wraps a line nor shrinks it to fit, so a line
# longer than a phone holds is cut at the chart's edge. The longest lines are wrapped to what
# a phone holds (a desktop shows the same words on one more line).
TITLE_CHARS = 40  # bold 16 px (Streamlit's chart theme): ~8 px a character
TITLE_LINE_PX = 22  # one more line of title
LINE_CHARS = 44  # 12-14 px text across the chart: legend entries, axis and panel titles
TICK_CHARS = 24  # category labels beside horizontal bars, which leave the bars the rest
READABLE_PX = 10  # text plotly would shrink below this (to fit a bar, a box) is hidden instead


def wrap(text: str, width: int, most: int | None = None) -> str:
    """`text` broken into lines of at most `width` characters (plotly's `<br>`), its own line
    breaks kept; a `<sup>` line stays `<sup>` on each of its lines. With `most`, the last
    line kept ends with '…'. Wrapping wrapped text gives it back unchanged."""
    lines: list[str] = []
    for line in str(text).split("<br>"):
        sup = line.startswith("<sup>") and line.endswith("</sup>")
        words = line[5:-6] if sup else line
        pieces = textwrap.wrap(words, width, break_long_words=False) or [words]
        lines += [f"<sup>{p}</sup>" for p in pieces] if sup else pieces
    if most is not None and len(lines) > most:
        # an escaped name's entity (plotly_literal's "&lt;") is not cut in two: "&l…" would show
        cut = _PART_ENTITY.sub("", lines[most - 1][: width - 1])
        lines = [*lines[: most - 1], cut.rstrip(" ,;.") + "…"]
    return "<br>".join(lines)


def fit_narrow(fig: go.Figure) -> go.Figure:
    """The figure made readable on a phone as well as a desktop (in place; returns it).

    Long titles, legend entries, axis titles and subplot titles wrapped; the category labels
    of horizontal bars wrapped into two lines beside a margin that grows to hold them; text
    that would be shrunk below READABLE_PX to fit its bar or box is shown on hover only.
    """
    # A figure shared from the dashboard's cache (plans.app.cache.figure) has been fitted once;
    # fitting it again on every rerun of every session cost ~6% of a page's rerun.
    if getattr(fig, "_fitted_narrow", False):
        return fig
    layout = fig.layout
    if layout.title.text:
        title = wrap(layout.title.text, TITLE_CHARS)
        added = title.count("<br>") - layout.title.text.count("<br>")
        if added:
            # centred in the top margin, a taller title reached down onto the panel titles or
            # a legend above the plot: it hangs from the top, the margin grown by its new lines
            top = layout.margin.t if layout.margin.t is not None else 100
            fig.update_layout(
                title={"text": title, "yref": "container", "y": 1, "yanchor": "top"},
                title_pad_t=16,
                margin_t=top + TITLE_LINE_PX * added,
            )
    for trace in fig.data:
        name = getattr(trace, "name", None)
        if name and trace.showlegend is not False:
            trace.name = wrap(name, LINE_CHARS)
    _wrap_bar_categories(fig)
    fig.for_each_xaxis(
        lambda axis: (
            axis.update(title_text=wrap(axis.title.text, LINE_CHARS)) if axis.title.text else None
        )
    )
    for note in layout.annotations:
        # make_subplots' panel titles: centred over their panel, at the paper's top
        if note.text and note.xref == "paper" and note.yanchor == "bottom" and not note.showarrow:
            note.text = wrap(note.text, max(12, round(LINE_CHARS * _panel_share(fig, note))))
    if layout.uniformtext.minsize is None:
        fig.update_layout(uniformtext={"minsize": READABLE_PX, "mode": "hide"})
    fig._fitted_narrow = True  # plotly keeps attributes starting with "_" off the figure's JSON
    return fig


def _panel_share(fig: go.Figure, note: object) -> float:
    """The share of the figure's width of the panel a subplot title stands over."""
    for name in fig.layout:
        axis = fig.layout[name]
        if name.startswith("xaxis") and axis.domain and axis.domain[0] <= note.x <= axis.domain[1]:
            return axis.domain[1] - axis.domain[0]
    return 1.0


def _wrap_bar_categories(fig: go.Figure) -> None:
    """Two-line labels for the long categories of horizontal bars (the data keep the names)."""
    by_axis: dict[str, list[str]] = {}
    for trace in fig.data:
        if trace.type == "bar" and trace.orientation == "h" and trace.y is not None:
            names = [str(y) for y in trace.y]
            by_axis.setdefault(trace.yaxis or "y", []).extend(names)
    for ref, names in by_axis.items():
        names = list(dict.fromkeys(names))
        if max(len(n) for n in names) <= TICK_CHARS:
            continue
        axis = fig.layout["yaxis" + ref[1:]]
        if axis.type not in (None, "-", "category") or axis.tickmode == "array":
            continue
        axis.update(
            tickmode="array",
            tickvals=names,
            ticktext=[wrap(n, TICK_CHARS, most=2) for n in names],
            automargin=True,
        )
