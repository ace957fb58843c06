"""Streamlit building blocks shared by the pages: filters, language, a chart with its data."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from plans.exports import to_csv_bytes, to_xlsx_bytes
from plans.state import Filters
from plans.tables import for_display, headers_for

DOWNLOAD = {
    "vi": {"csv": "Tải CSV", "xlsx": "Tải Excel", "data": "Số liệu của biểu đồ"},
    "en": {"csv": "Download CSV", "xlsx": "Download Excel", "data": "Data behind the chart"},
}


def filters() -> Filters:
    """The view chosen in the sidebar (set by dashboard.py before the page runs)."""
    return st.session_state.get("filters") or Filters()


def lang() -> str:
    """The reader's language: 'vi' (default) or 'en'."""
    return filters().lang


def chart_with_data(
    fig: go.Figure,
    data: pd.DataFrame,
    columns: list[str],
    caption: str,
    key: str,
    headers: dict[str, str] | None = None,
) -> None:
    """A chart, its source caption, the numbers under it and CSV/Excel downloads.

    `headers` maps column names to the reader's labels (in the current language).
    """
    words = DOWNLOAD[lang()]
    st.plotly_chart(fig, key=f"{key}_chart", width="stretch")
    st.caption(caption)
    shown = for_display(data, columns, lang(), headers)
    # Downloads keep raw numbers (for analysis) under the reader's column headers.
    raw = data[columns].rename(columns=headers_for(lang(), headers))
    with st.expander(words["data"], expanded=False):
        st.dataframe(shown, hide_index=True, key=f"{key}_table")
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        words["csv"], to_csv_bytes(raw), f"{key}.csv", "text/csv", key=f"{key}_csv"
    )
    right.download_button(
        words["xlsx"],
        to_xlsx_bytes(raw),
        f"{key}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
    )
