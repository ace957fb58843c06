"""Figure builders of the timeline and data-quality pages: task Gantt chart, findings dumbbell."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from plans.charts.base import PALETTE, data_labels
from plans.data.sources import short_ref
from plans.messages import N_, t
from plans.numbers import format_number, plotly_separators

# The month names of the x axis and of a task's span ('Th3' / 'Mar'), January first.
MONTH_IDS: tuple[str, ...] = (
    N_("charts_timeline.month_1"),
    N_("charts_timeline.month_2"),
    N_("charts_timeline.month_3"),
    N_("charts_timeline.month_4"),
    N_("charts_timeline.month_5"),
    N_("charts_timeline.month_6"),
    N_("charts_timeline.month_7"),
    N_("charts_timeline.month_8"),
    N_("charts_timeline.month_9"),
    N_("charts_timeline.month_10"),
    N_("charts_timeline.month_11"),
    N_("charts_timeline.month_12"),
)
# The x-axis title of a finding by what it measures.
AXIS_IDS: dict[str, str] = {
    "amount_mvnd": N_("charts_timeline.axis_mvnd"),
    "pct": N_("charts_timeline.axis_pct"),
}


# Legend's top under a Gantt chart's plot area: month names (on end on a phone) and axis title.
LEGEND_BELOW_PX = 95


def months(lang: str = "vi") -> tuple[str, ...]:
    """The twelve month names in `lang`, January first."""
    return tuple(t(key, lang) for key in MONTH_IDS)


def _short(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip(" ,;.") + "…"


def _wrap(text: object, width: int = 70) -> str:
    if text is None or text != text:
        return "—"
    return "<br>".join(textwrap.wrap(str(text), width)) or "—"


def month_span(start: int, end: int, lang: str = "vi") -> str:
    """'Th3–Th11' / 'Mar–Nov', or a single month 'Th10' / 'Oct'."""
    names = months(lang)
    if start == end:
        return names[start - 1]
    return f"{names[start - 1]}–{names[end - 1]}"


def task_label(task_code: str, task_name: str, width: int = 48) -> str:
    """The y label of a task: its code (section first, e.g. 'III.6') and a short name."""
    return f"{task_code} · {_short(task_name, width)}"


@data_labels
def timeline_gantt(tasks: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Gantt chart by month: one bar per task from month_start to month_end inclusive.

    One trace per section (colour and legend entry, the section code also in every y label);
    hover gives the printed timing, the lead and the coordinating units.
    """
    timing = t("charts_timeline.timing", lang)
    lead = t("charts_timeline.lead", lang)
    coordinating = t("charts_timeline.coordinating", lang)
    source = t("charts_timeline.source", lang)
    ordered = tasks.sort_values(["task_order"]) if "task_order" in tasks else tasks
    y_order = [
        task_label(c, n) for c, n in zip(ordered["task_code"], ordered["task_name"], strict=True)
    ]
    sections = (
        ordered[["section_code", "section_name", "section_order"]]
        .drop_duplicates("section_code")
        .sort_values("section_order")
    )
    fig = go.Figure()
    for i, (code, name) in enumerate(
        zip(sections["section_code"], sections["section_name"], strict=True)
    ):
        part = ordered[ordered["section_code"] == code]
        starts = [int(m) for m in part["month_start"]]
        ends = [int(m) for m in part["month_end"]]
        spans = [month_span(s, e, lang) for s, e in zip(starts, ends, strict=True)]
        custom = [
            [
                _wrap(row.task_name),
                row.timing_text if isinstance(row.timing_text, str) else "—",
                _wrap(row.lead_unit),
                _wrap(row.coordinating_units),
                short_ref(row.source_file, row.source_lines),
                span,
            ]
            for row, span in zip(part.itertuples(), spans, strict=True)
        ]
        fig.add_trace(
            go.Bar(
                name=f"{code} · {_short(name, 70)}",
                orientation="h",
                # a bar covers whole months: from the start of month_start to the end of month_end
                base=[s - 0.5 for s in starts],
                x=[e - s + 1 for s, e in zip(starts, ends, strict=True)],
                y=[
                    task_label(c, n)
                    for c, n in zip(part["task_code"], part["task_name"], strict=True)
                ],
                text=spans,
                textposition="inside",
                insidetextanchor="middle",
                customdata=custom,
                marker_color=PALETTE[i % len(PALETTE)],
                marker_line={"color": "#333333", "width": 0.5},
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>"
                    f"{timing}: %{{customdata[1]}} (%{{customdata[5]}})<br>"
                    f"{lead}: %{{customdata[2]}}<br>"
                    f"{coordinating}: %{{customdata[3]}}<br>"
                    f"{source}: %{{customdata[4]}}<extra>{code}</extra>"
                ),
            )
        )
    years = tasks["year"].dropna().unique() if "year" in tasks else []
    x_title = (
        t("charts_timeline.months", lang, year=int(years[0]))
        if len(years) == 1
        else t("charts_timeline.months_plain", lang)
    )
    height = 170 + 34 * len(y_order) + 22 * len(sections)
    fig.update_layout(
        title=title,
        barmode="overlay",
        xaxis={
            "title": x_title,
            "range": [0.5, 12.5],
            "tickvals": list(range(1, 13)),
            "ticktext": list(months(lang)),
            "showgrid": False,
            # month boundaries as light lines, so a bar's first and last month read exactly
            "minor": {"tickvals": [m + 0.5 for m in range(0, 13)], "showgrid": True},
        },
        yaxis={
            "title": t("charts_timeline.task", lang),
            "categoryorder": "array",
            "categoryarray": y_order,
            "autorange": "reversed",
        },
        # a fixed distance under the plot, below the month names even where a phone turns
        # them on end (a share of the plot's height put it on the axis title there)
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -LEGEND_BELOW_PX / (height - 100),
            "x": 0,
            "traceorder": "normal",
        },
        height=height,
        margin={"l": 20, "r": 20, "t": 60, "b": 40},
        separators=plotly_separators(lang),
    )
    return fig


def _decimals(value: float) -> int:
    for decimals in (0, 1):
        if round(value, decimals) == round(value, 6):
            return decimals
    return 2


def _measure_text(value: float, measure: str, lang: str, signed: bool = False) -> str:
    shown = format_number(value, _decimals(value), lang)
    if signed and round(value, 6) > 0:
        shown = "+" + shown
    if measure == "pct":
        # a difference of percentages is in percentage points
        if signed:
            return f"{shown} " + t("charts_timeline.pp", lang)
        return f"{shown}%"
    if measure == "amount_mvnd":
        return f"{shown} " + t("charts_timeline.mvnd", lang)
    return shown


@data_labels
def findings_dumbbell(findings: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Stated against recomputed figure, one panel per finding (each on its own scale, since
    findings mix million VND and percentages), the difference in every panel title."""
    difference = t("charts_timeline.difference", lang)
    location = "location" if lang == "vi" else "location_en"
    n = max(len(findings), 1)
    titles = [
        f"{short_ref(row.source_file, row.source_line)} · {getattr(row, location)} — "
        f"{difference} {_measure_text(row.difference, row.measure, lang, signed=True)}"
        for row in findings.itertuples()
    ]
    # room between panels for one panel's axis title and the next panel's title
    fig = make_subplots(rows=n, cols=1, subplot_titles=titles or None, vertical_spacing=0.7 / n)
    for i, row in enumerate(findings.itertuples(), start=1):
        stated, computed = float(row.stated_value), float(row.computed_value)
        gap = abs(stated - computed) or abs(stated) * 0.05 or 1.0
        low, high = min(stated, computed), max(stated, computed)
        fig.add_trace(
            go.Scatter(
                x=[stated, computed],
                y=[0, 0],
                mode="lines",
                line={"color": "#999999", "width": 3},
                hoverinfo="skip",
                showlegend=False,
            ),
            row=i,
            col=1,
        )
        for group, key, value, colour, symbol in (
            ("stated", N_("charts_timeline.stated"), stated, PALETTE[0], "circle"),
            ("computed", N_("charts_timeline.computed"), computed, PALETTE[5], "diamond"),
        ):
            text = _measure_text(value, row.measure, lang)
            name = t(key, lang)
            fig.add_trace(
                go.Scatter(
                    x=[value],
                    y=[0],
                    mode="markers+text",
                    name=name,
                    legendgroup=group,
                    showlegend=i == 1,
                    marker={"color": colour, "symbol": symbol, "size": 16},
                    text=[f"{name}: {text}"],
                    # above and below the line, not beside it: side by side the two labels
                    # ran past a phone's edge (the panel is ~5 gaps wide, a label ~180 px)
                    textposition="top center" if group == "stated" else "bottom center",
                    hovertemplate=f"{name}: {text}<extra></extra>",
                ),
                row=i,
                col=1,
            )
        key = AXIS_IDS.get(row.measure, N_("charts_timeline.axis_other"))
        fig.update_xaxes(
            range=[low - 2.2 * gap, high + 2.2 * gap],
            title_text=t(key, lang),
            title_standoff=4,
            tickformat=",~f",
            row=i,
            col=1,
        )
        fig.update_yaxes(visible=False, range=[-1, 1], row=i, col=1)
    fig.update_layout(
        title=title,
        height=160 + 170 * n,
        # under the last panel: at the top right it covered the first panel's title on a phone
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        margin={"l": 20, "r": 20, "t": 90, "b": 70},
        separators=plotly_separators(lang),
    )
    return fig
