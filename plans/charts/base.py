"""Pure figure builders: DataFrame in, plotly Figure out (no Streamlit, no database)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

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
