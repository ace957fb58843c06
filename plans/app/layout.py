"""The frame's stylesheet for narrow screens: what a phone needs that Streamlit does not do."""

from __future__ import annotations

import streamlit as st

# Static CSS (no reader's text), only under a phone's width: a desktop is left as it was.
# - A filter's widget is set wider than the sidebar (dashboard.WIDGET_PX, 420 px) so that
#   whole programme titles show; on a 390 px screen that ran past the edge.
# - Plotly's toolbar shows on touch without a hover and covers the chart's title; zoom and
#   pan by its buttons do not suit a finger (the page's own buttons give the picture).
# - Presentation mode (plans.app.ui.presentation_style) sets type for a 1920x1080 projector:
#   on a phone its headline and its chart's title (30 px) are brought back to a phone's size.
_PHONE_CSS = """
<style>
@media (max-width: 640px) {
  [data-testid="stPopoverBody"] {max-width: calc(100vw - 1rem) !important;}
  [data-testid="stPopoverBody"] [data-testid="stElementContainer"],
  [data-testid="stPopoverBody"] [data-testid="stElementContainer"] > div {
    max-width: 100% !important;
  }
  [data-testid="stPlotlyChart"] .modebar-container {display: none !important;}
  [data-testid="stMain"]:has(.st-key-present_chart) h1 {font-size: 1.75rem !important;}
  [data-testid="stMain"]:has(.st-key-present_chart) p,
  [data-testid="stMain"]:has(.st-key-present_chart) button {font-size: 1rem !important;}
  .st-key-present_chart .gtitle {font-size: 16px !important;}
}
</style>
"""


def phone_style() -> None:
    """Add the narrow-screen stylesheet to the page (once per run, from dashboard.py)."""
    st.html(_PHONE_CSS)
