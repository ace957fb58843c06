"""What presenters take away: the charts of a view, each with its headline, source and data."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go


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
