"""What presenters take away: the charts of a view, each with its headline, source and data."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

# The slides of a programme's support records (support_records), last in the catalogue
# (plans.present.deck.KEYS): none for a programme without records not cancelled, and the deck
# and report commands then say so (deck.support_none, report.support_none).
SUPPORT_KEYS = ("support_years", "support_areas", "support_top")


@dataclass(frozen=True)
class Chart:
    """One chart ready for a slide, a report page or a picture."""

    key: str  # stable id, e.g. "budget_sections"
    title: str  # in the chosen language
    headline: str  # one sentence written from the numbers, in the chosen language
    caption: str  # the source documents as people know them, with their lines
    figure: go.Figure
    table: pd.DataFrame  # the numbers behind it, already formatted for the reader


@dataclass(frozen=True)
class DeckInfo:
    """The title slide and footer of a deck or report."""

    programme_id: str
    title: str
    province: str
    period: str
    date: str  # the day the deck is made, in the reader's format
    sources: str  # the source documents, for every slide's footer
    lang: str = "vi"
