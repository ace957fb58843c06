"""Streamlit building blocks shared by the pages: filters, language, a chart with its data."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from plans.app.cache import documents, query
from plans.app.state import Filters
from plans.charts.base import fit_narrow
from plans.charts.budget import funding_labels, funding_share_bars, states_sources
from plans.charts.tables import for_display, headers_for
from plans.data import provinces, sources
from plans.escape import markdown_literal
from plans.messages import t
from plans.present.exports import to_csv_bytes, to_xlsx_bytes


def filters() -> Filters:
    """The view chosen in the sidebar (set by dashboard.py before the page runs)."""
    state = st.session_state.get("filters")
    if state is None:
        # A fresh server whose first visitor opens a deep link (/budget) runs the page alone,
        # as a legacy pages/ page, until some session has run st.navigation: send it through
        # the frame, keeping the link's filters; the frame then opens this page (DEEP_LINK).
        st.session_state[DEEP_LINK] = _running_page()
        st.switch_page("dashboard.py", query_params=st.query_params.to_dict())
    return state


# Vietnamese alphabetical order of names (plans.data.provinces.vietnamese_key).
vietnamese_key = provinces.vietnamese_key


def carry_provinces(
    names: Sequence[str], boundary: str, pairs: Sequence[tuple[str, str]]
) -> list[str]:
    """The chosen provinces carried into another boundary view when the reader switches it.

    `pairs` are (province as issued, province since 1/7/2025) of every programme, as issued in
    the sidebar's order. Into 'current' a name becomes its successor (Thái Bình → Hưng Yên);
    into 'as_issued' a successor becomes the names its programmes were issued by (Hưng Yên →
    Hưng Yên, Thái Bình), so the same programmes stay chosen.
    """
    # in the reader's order of the chosen names
    if boundary == "current":
        successor = dict(pairs)
        wanted = [successor[name] for name in names if name in successor]
    else:
        wanted = [issued for name in names for issued, now in pairs if now == name]
    return list(dict.fromkeys(wanted))


def province_column(boundary: str) -> str:
    """The column of queries/filter_choices.sql that names a programme's province in a boundary
    view: 'province_now' (since 1/7/2025) or 'province' (as issued)."""
    return "province_now" if boundary == "current" else "province"


def chosen_programmes(state: Filters | None = None) -> tuple[str, ...] | None:
    """The programmes of the sidebar's provinces in its boundary view; None when no province is
    chosen (every programme).

    For pages that filter frames by programme: under 'current' Hưng Yên holds the programmes
    issued by Hưng Yên and by Thái Bình (merged into it on 1/7/2025), under 'as_issued' only
    Hưng Yên's own.
    """
    state = state or filters()
    if not state.provinces:
        return None
    programmes = query("filter_choices")
    column = province_column(state.boundary)
    return tuple(programmes.loc[programmes[column].isin(state.provinces), "programme_id"])


DEEP_LINK = "deep_link"
# The sidebar filters' values as the reader chose them (dashboard.py): widget key → value.
CHOSEN = "chosen_filters"


def remember(key: str) -> None:
    """A sidebar filter's on_change: the reader's new value becomes the recorded choice."""
    st.session_state[CHOSEN][key] = st.session_state[key]


def _running_page() -> str | None:
    """Name of the pages/ file whose run called us ('budget'), None if none did."""
    frame = sys._getframe(1)
    while frame is not None:
        path = Path(str(frame.f_globals.get("__file__") or ""))
        if path.parent.name == "pages" and path.suffix == ".py":
            return path.stem
        frame = frame.f_back
    return None


def cite(source_file: str, refs: object = None) -> str:
    """A citation in the reader's language: 'QĐ 4153/QĐ-UBND (17/9/2020), dòng 325'."""
    return sources.cite(source_file, refs, documents(), lang())


def cite_many(files: Any, lines: Any = None) -> str:
    """Citations of several rows, one per document with its lines (plans.data.sources)."""
    return sources.cite_many(files, lines, documents(), lang())


def source_caption(text: str, files: Any = ()) -> None:
    """A chart's source caption; the stored file names of its documents on hover."""
    names = list(dict.fromkeys(str(f) for f in files))
    st.caption(text, help=", ".join(names) if names else None)


def markdown_table(frame: pd.DataFrame) -> None:
    """`st.table` of `frame`, whose texts show as written: st.table reads every cell and the
    row labels as Markdown (an imported indicator's name or unit), st.dataframe does not."""

    def literal(value: object) -> object:
        return markdown_literal(value) if isinstance(value, str) else value

    shown = frame.map(literal)
    shown.index = frame.index.map(literal)
    st.table(shown)


def lang() -> str:
    """The reader's language: 'vi' (default) or 'en'."""
    return filters().lang


def data_downloads(raw: pd.DataFrame, key: str, left: Any = st, right: Any = st) -> None:
    """CSV and Excel download buttons for `raw` (files named after `key`)."""
    language = lang()
    # The files are written when a button is clicked, not on every run: building a workbook
    # took most of a page's script time (475 of ~700 ms on the support page, 10M records).
    # "ignore": a download needs no rerun of the page.
    left.download_button(
        t("ui.csv", language),
        lambda: to_csv_bytes(raw),
        f"{key}.csv",
        "text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )
    right.download_button(
        t("ui.xlsx", language),
        lambda: to_xlsx_bytes(raw),
        f"{key}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
    )


def chart_with_data(
    fig: go.Figure,
    data: pd.DataFrame,
    columns: list[str],
    caption: str,
    key: str,
    headers: dict[str, str] | None = None,
    files: Any = (),
) -> None:
    """A chart, its source caption, the numbers under it and CSV/Excel downloads.

    `headers` maps column names to the reader's labels (in the current language); `files` are
    the stored file names of the documents the caption cites, shown on hover.
    """
    language = lang()
    st.plotly_chart(fit_narrow(fig), key=f"{key}_chart", width="stretch")
    source_caption(caption, files)
    # Downloads keep raw numbers (for analysis) under the reader's column headers.
    raw = data[columns].rename(columns=headers_for(language, headers))
    # The table is drawn only once its expander is opened (one rerun): a data grid under every
    # chart, even folded, cost the browser about a third of a second before the first chart.
    table = st.expander(t("ui.data", language), key=f"{key}_data", on_change="rerun")
    if table.open:
        shown = for_display(data, columns, language, headers)
        table.dataframe(shown, hide_index=True, key=f"{key}_table")
    # one row that wraps: columns stack on a phone, a button a row
    row = st.container(horizontal=True, gap="small")
    data_downloads(raw, key, row, row)
    # Pictures are rendered on request: a browser render per chart on every view would be slow.
    images = st.session_state.get(f"{key}_images")
    if images is None:
        if row.button(t("ui.image", language), key=f"{key}_image"):
            from plans.present.images import baked, render, renderer

            with st.spinner(t("ui.rendering", language)), renderer():
                shown_fig = baked(fig, None, caption)  # the chart's own title
                images = (render(shown_fig, "png"), render(shown_fig, "svg"))
            st.session_state[f"{key}_images"] = images
    if images is not None:
        row.download_button("PNG", images[0], f"{key}.png", "image/png", key=f"{key}_png")
        row.download_button("SVG", images[1], f"{key}.svg", "image/svg+xml", key=f"{key}_svg")


LINKED_VIEW = "linked_view_read"  # session_state: the link's `view` parameter has been used


def view_tabs(views: dict[str, str], key: str) -> tuple[str, Any]:
    """Tabs of which only the chosen one is computed and drawn; returns (view id, its tab).

    `views` maps a view id to its label in the reader's language. A page with several charts
    shows one view at a time: every chart drawn at once kept the browser busy for about a
    second before the first one appeared (and again after each filter change). Switching tabs
    reruns the page; the view is kept when the language changes.

    A link's `view=<id>` (a chart's QR code, plans.present.links) opens that tab on the first
    tabbed page of the session, the one the link opened; an id the page lacks is ignored.
    """
    labels = list(views.values())
    remembered = f"{key}_view"
    if st.session_state.get(key) not in labels:
        linked = ""
        if not st.session_state.get(LINKED_VIEW):
            # Once per session: the URL keeps `view` (deleting a parameter resets every widget,
            # see sync_url), and the next tabbed page must not open a tab of the same name.
            st.session_state[LINKED_VIEW] = True
            linked = st.query_params.get("view", "")
        chosen = st.session_state.get(remembered, linked)
        st.session_state[key] = views.get(chosen, labels[0])
    tabs = st.tabs(labels, key=key, on_change="rerun")
    for view, tab in zip(views, tabs, strict=True):
        if tab.open:
            st.session_state[remembered] = view
            return view, tab
    return next(iter(views)), tabs[0]  # not reached: one tab is always open


def sync_url(wanted: dict[str, str], first_run: bool) -> None:
    """Write the view into the URL's query string without upsetting the browser.

    Streamlit 1.67 makes the browser reset every widget of a st.navigation app when the
    query string is replaced or a key deleted (st.query_params.from_dict, del), when a key is
    added after a session's first run, or when the first run changes a value the link already
    had. So the first run only adds missing keys, later runs only change values; nothing is
    ever deleted (unknown parameters stay, a notice has said they were ignored).
    """
    changed = {}
    for key, value in wanted.items():
        present = key in st.query_params
        if first_run and present:
            continue  # an invalid value is corrected on the next run instead
        if st.query_params.get(key) != value:
            changed[key] = value
    if changed:
        # one message for all of them: a message per key (eight on a link's first visit) cost
        # the server ~6 ms each before the page's first element
        st.query_params.update(changed)


_PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"] {display: none !important;}
.block-container {max-width: 100% !important; padding: 1.5rem 2rem !important;}
h1 {font-size: 3rem !important;}
p, li, button {font-size: 1.4rem !important;}
</style>
"""


def presentation_style() -> None:
    """Full-screen look for a projector: no sidebar, no header, large type (static CSS only)."""
    st.html(_PRESENTATION_CSS)


def funding_chart(
    funding: pd.DataFrame, title: str, caption: str, key: str, source_file: str, lang: str
) -> bool:
    """A programme's shares by funding source with its data, where lines state a source.

    False (nothing drawn) when no line states one: the page says so in its own words.
    """
    if not states_sources(funding):
        return False
    chart_with_data(
        funding_share_bars(funding, title, lang),
        funding.assign(funding_label=funding_labels(funding, lang)),
        ["funding_label", "amount_mvnd", "share_pct", "n_lines"],
        caption,
        key=key,
        headers={"funding_label": t("funding.source", lang), "n_lines": t("funding.n_lines", lang)},
        files=[source_file],
    )
    return True
