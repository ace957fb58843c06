"""The framework's floor for the browser benchmark: one page, one plotly chart, nothing else.

The chart is the size of the overview's share bars (ten horizontal bars with text, a title and
axis titles), so the page costs what Streamlit and plotly.js cost and nothing of ours.
"""

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Bare page", layout="wide")

keys = [f"KC{i}" for i in range(1, 11)]
shares = [22.5, 17.1, 14.0, 11.3, 9.8, 8.2, 6.6, 4.9, 3.4, 2.2]
fig = go.Figure(
    go.Bar(
        x=shares,
        y=keys,
        orientation="h",
        text=[f"{s:.1f}%" for s in shares],
        textposition="auto",
    )
)
fig.update_layout(
    title="Bare chart",
    xaxis_title="Share (%)",
    yaxis_title="Key",
    yaxis={"autorange": "reversed"},
    margin={"l": 60, "r": 20, "t": 60, "b": 40},
)
st.plotly_chart(fig, width="stretch")
