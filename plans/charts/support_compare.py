"""Figure builders that set support records against plans: per year, establishment, province."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from plans.charts.base import PALETTE, data_labels
from plans.charts.budget import series_names
from plans.charts.support import ranked_layout, year_bars
from plans.messages import t
from plans.numbers import (
    format_mvnd,
    format_mvnd_label,
    format_number,
    format_pct,
)

PLAN_COLOUR = PALETTE[1]  # Okabe-Ito orange beside the blue of what was paid


def _known(value: object) -> bool:
    return value is not None and value == value  # NaN is not equal to itself


def _title(title: str) -> dict[str, object]:
    return {"text": title, "x": 0, "xanchor": "left"}


def _count(value: float, word: str, lang: str) -> str:
    return f"{format_number(float(value), 0, lang)} {word}"


@data_labels
def plan_year_bars(years: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """A programme's support per year (the support page's year bars) with its plan's budget of
    each year as a line; each bar is labelled with the share of the year's plan it reached.

    `years` has one row per year: year, records, amount_mvnd, beneficiaries, planned_mvnd and
    executed_pct (queries/programme_support_years.sql); a year without a plan has no label.
    """
    fig = year_bars(years, title, lang)
    frame = years.sort_values("year").reset_index(drop=True)
    # year_bars sorts by year too, so the labels follow its bars
    fig.update_traces(
        name=t("charts_support_compare.paid", lang),
        showlegend=True,
        text=[format_pct(float(p), 1, lang) if _known(p) else "" for p in frame["executed_pct"]],
        selector={"type": "bar"},
    )
    planned = [float(p) if _known(p) else None for p in frame["planned_mvnd"]]
    fig.add_trace(
        go.Scatter(
            x=frame["year"].astype(int).tolist(),
            y=planned,
            name=t("charts_support_compare.planned", lang),
            mode="lines+markers",
            line={"color": PLAN_COLOUR, "width": 3},
            marker={"size": 10, "color": PLAN_COLOUR},
            customdata=[format_mvnd(p, lang) if p is not None else "" for p in planned],
            hovertemplate="<b>%{x}</b>: %{customdata}<extra>%{fullData.name}</extra>",
        )
    )
    fig.update_layout(
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        margin={"t": 90},
    )
    return fig


@data_labels
def establishment_bars(top: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Horizontal bars of the establishments supported most, the largest at the top.

    `top` has one row per establishment: rank, establishment, commune, records, amount_mvnd,
    share_pct, beneficiaries (queries/programme_support_establishments.sql, in rank order).
    Each bar is named with its rank, so two establishments of the same name stay two bars.
    """
    records = t("charts_support.records", lang)
    beneficiaries = t("charts_support.beneficiaries", lang)
    names = [f"{int(r)}. {e}" for r, e in zip(top["rank"], top["establishment"], strict=True)]
    places = [str(c) if _known(c) else "" for c in top.get("commune", [None] * len(top))]
    fig = go.Figure(
        go.Bar(
            x=top["amount_mvnd"].tolist(),
            y=names,
            orientation="h",
            marker={"color": PALETTE[0]},
            text=[
                f"{format_mvnd_label(a, lang)} · {format_pct(s, 1, lang)}"
                for a, s in zip(top["amount_mvnd"], top["share_pct"], strict=True)
            ],
            textposition="auto",
            customdata=[
                [format_mvnd(a, lang), _count(r, records, lang), _count(b, beneficiaries, lang), c]
                for a, r, b, c in zip(
                    top["amount_mvnd"], top["records"], top["beneficiaries"], places, strict=True
                )
            ],
            hovertemplate="<b>%{y}</b> %{customdata[3]}<br>%{customdata[0]}<br>"
            "%{customdata[1]} · %{customdata[2]}<extra></extra>",
        )
    )
    ranked_layout(
        fig,
        title,
        {"title": t("charts_support.amount", lang), "tickformat": ",.0f"},
        t("charts_support_compare.establishment", lang),
        len(top),
        lang,
        row_px=28,
        left=160,
    )
    return fig


@data_labels
def support_plan_bars(vs_plan: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Horizontal bars of the support paid per planned budget in each province (in percent),
    with a line at 100 % (all that was planned).

    `vs_plan` has one row per province: province, support_mvnd, planned_mvnd,
    support_per_plan_pct, first_year, last_year, and summed_from / missing_from said beside the
    province's name (queries/province_support_vs_plan.sql, already in order).
    """
    paid = t("charts_support_compare.paid", lang)
    planned = t("charts_support_compare.planned", lang)
    pct = [float(p) if _known(p) else None for p in vs_plan["support_per_plan_pct"]]
    fig = go.Figure(
        go.Bar(
            x=pct,
            y=series_names(vs_plan, lang, "province").tolist(),
            orientation="h",
            marker={"color": PALETTE[0]},
            text=[format_pct(p, 1, lang) if p is not None else "" for p in pct],
            textposition="auto",
            customdata=[
                [
                    f"{paid}: {format_mvnd(s, lang)}",
                    f"{planned}: {format_mvnd(b, lang)}",
                    t("charts_support_compare.years", lang, first=int(y0), last=int(y1)),
                ]
                for s, b, y0, y1 in zip(
                    vs_plan["support_mvnd"],
                    vs_plan["planned_mvnd"],
                    vs_plan["first_year"],
                    vs_plan["last_year"],
                    strict=True,
                )
            ],
            hovertemplate="<b>%{y}</b>: %{text}<br>%{customdata[0]}<br>%{customdata[1]}"
            "<br>%{customdata[2]}<extra></extra>",
        )
    )
    fig.add_vline(x=100, line={"color": PLAN_COLOUR, "width": 2, "dash": "dash"})
    ranked_layout(
        fig,
        title,
        {"title": t("charts_support_compare.per_plan", lang), "ticksuffix": "%"},
        t("charts_support.province", lang),
        len(vs_plan),
        lang,
    )
    return fig
