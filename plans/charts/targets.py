"""Figures and display tables of the targets page and the period comparison (pure, no Streamlit)."""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from plans.charts.base import PALETTE, data_labels
from plans.charts.periods import period_ticks
from plans.data.sources import short_ref
from plans.messages import N_, t
from plans.numbers import (
    format_mvnd_label,
    format_number,
    format_pct,
    format_trimmed,
    plotly_separators,
)

# Achievement status: lower bound of each band in percent of the target, worst first.
STATUS_THRESHOLDS: tuple[tuple[str, float], ...] = (
    ("far_below", 0.0),
    ("below", 50.0),
    ("met", 100.0),
)
STATUS_COLOURS: dict[str, str] = {"far_below": PALETTE[5], "below": PALETTE[1], "met": PALETTE[2]}

# The words of the keys the data uses, as message ids.
STATUS_IDS: dict[str, str] = {
    "far_below": N_("charts_targets.far_below"),
    "below": N_("charts_targets.below"),
    "met": N_("charts_targets.met"),
}
BAND_IDS: dict[str, str] = {
    "far_below": N_("charts_targets.far_below_band"),
    "below": N_("charts_targets.below_band"),
    "met": N_("charts_targets.met_band"),
}
BASIS_IDS: dict[str, str] = {
    "printed": N_("charts_targets.printed"),
    "derived": N_("charts_targets.derived"),
}
TARGET_IDS: dict[str, str] = {
    "printed": N_("charts_targets.target_printed"),
    "derived": N_("charts_targets.target_derived"),
}
# A qualifier in words before a figure ('trên 5.000'); an exact figure or a range has none.
QUALIFIER_IDS: dict[str, str] = {
    "at_least": N_("charts_targets.at_least"),
    "nearly": N_("charts_targets.nearly"),
    "about": N_("charts_targets.about"),
    "at_most": N_("charts_targets.at_most"),
}
REAL_BASIS_IDS: dict[str, str] = {
    "even_spread": N_("charts_targets.basis_even_spread"),
    "yearly_lines": N_("charts_targets.basis_yearly_lines"),
}
MEASURE_IDS: dict[str, str] = {
    "achieved": N_("charts_targets.measure_achieved"),
    "target": N_("charts_targets.measure_target"),
}
KIND_IDS: dict[str, str] = {
    "exact": N_("charts_targets.kind_exact"),
    "at_least": N_("charts_targets.kind_at_least"),
    "about": N_("charts_targets.kind_about"),
    "range": N_("charts_targets.kind_range"),
    "nearly": N_("charts_targets.kind_nearly"),
    "at_most": N_("charts_targets.kind_at_most"),
}

# Symbols for quantities in charts and the period table: compact and language-neutral.
SYMBOLS: dict[str, str] = {
    "exact": "",
    "at_least": "≥ ",
    "at_most": "≤ ",
    "about": "≈ ",
    "nearly": "≈ ",
    "range": "",
}


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _word(ids: dict[str, str], value: object, lang: str, default: str | None = None) -> str:
    """The word of a key of the data (`ids[value]`); `default` for a key without one, or
    KeyError when there is no default."""
    if default is None:
        key = ids[value]
    elif isinstance(value, str) and value in ids:
        key = ids[value]
    else:
        return default
    return t(key, lang)


def quantity(value: float, lang: str = "vi") -> str:
    """A count or small quantity: whole numbers plain, others with up to two decimals."""
    if float(value).is_integer() or abs(value) >= 100:
        return format_number(value, 0, lang)
    return format_trimmed(value, 2, lang)


def qualified(value: float, qualifier: str | None, lang: str = "vi", words: bool = True) -> str:
    """A figure with its qualifier: 'trên 5.000' / 'over 5,000' (words) or '≥ 5.000' (symbols)."""
    prefix = (
        _word(QUALIFIER_IDS, qualifier, lang, "") if words else SYMBOLS.get(qualifier or "", "")
    )
    number = quantity(value, lang)
    if words and prefix:
        return f"{prefix} {number}"
    return f"{prefix}{number}"


def status_of(pct: float) -> str:
    """The status key of an achievement percent ('far_below' < 50 <= 'below' < 100 <= 'met')."""
    status = STATUS_THRESHOLDS[0][0]
    for key, lower in STATUS_THRESHOLDS:
        if pct >= lower:
            status = key
    return status


def _wrap(label: str, width: int = 38, most: int = 2) -> str:
    lines = textwrap.wrap(label, width=width)
    if len(lines) > most:
        lines = [*lines[: most - 1], lines[most - 1][: width - 1] + "…"]
    return "<br>".join(lines)


def _name_column(lang: str) -> str:
    return "indicator" if lang == "vi" else "indicator_en"


def pct_text(pct: float, lang: str = "vi") -> str:
    """A percent as precise as it is: '71,2%', '31,67%', '187%'; otherwise one decimal."""
    if abs(pct - round(pct, 2)) < 1e-9:
        return t("numbers.percent", lang, value=format_trimmed(pct, 2, lang))
    return format_pct(pct, 1, lang)


def _bounds(low: float, high: float, lang: str) -> str:
    # Whole numbers where they tell the bounds apart, else two decimals for both.
    if min(low, high) >= 100 and format_number(low, 0, lang) != format_number(high, 0, lang):
        return f"{format_number(low, 0, lang)}–{format_number(high, 0, lang)}"
    return f"{format_number(low, 2, lang)}–{format_number(high, 2, lang)}"


def target_text(row: pd.Series, lang: str = "vi") -> str:
    """The target as a reader sees it: '1,8' or '≈ 25.000 (24.982–25.018)' for a derived one."""
    if _missing(row["target_basis"]):
        return "—"
    low, high, point = row["target_min"], row["target_max"], row["target_point"]
    if row["target_basis"] == "derived":
        return f"≈ {quantity(point, lang)} ({_bounds(low, high, lang)})"
    if low == high:
        return quantity(low, lang)
    return f"{quantity(low, lang)}–{quantity(high, lang)}"


def with_targets(results: pd.DataFrame) -> pd.DataFrame:
    """The results that have a target (printed or derived), in document order."""
    return results[results["target_basis"].notna()].reset_index(drop=True)


# A legend under the x-axis title at any chart height: placed from the bottom of the figure (not
# a fraction of the plot, which put it on the axis title when a programme has 2-3 results),
# in a margin grown by the room it needs (two lines when the labels wrap).
BOTTOM_LEGEND_PX = 60
BOTTOM_LEGEND = {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"}


def _towards_middle(value: float, span: tuple[float, float]) -> str:
    """A label's position above a point on a log axis spanning `span` (log10): to the left of
    a point in the right half, to the right of one in the left half."""
    if not value or value != value or value <= 0:
        return "top center"
    share = (math.log10(value) - span[0]) / (span[1] - span[0])
    return "top left" if share > 0.5 else "top right"


@data_labels
def target_band_chart(results: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Achieved (marker) against the target interval target_min..target_max, one row each.

    Traces 0 and 1 are the bands of printed and derived targets (base = target_min, x = width;
    a point target has width 0), traces 2 and 3 their target points (| printed, ◇ derived),
    trace 4 the achieved figures. Log scale: the indicators count different things, from
    2 models to 17.800 trainees.
    """
    target, achieved = t("charts_targets.target", lang), t("charts_targets.achieved", lang)
    rows = with_targets(results)
    names = [_wrap(n) for n in rows[_name_column(lang)]]
    fig = go.Figure()
    kinds = (
        ("printed", PALETTE[0], "", "line-ns"),
        ("derived", PALETTE[4], "/", "diamond-tall-open"),
    )
    for basis, colour, pattern, _symbol in kinds:
        part = rows["target_basis"] == basis
        fig.add_trace(
            go.Bar(
                name=_word(TARGET_IDS, basis, lang),
                y=[n for n, keep in zip(names, part, strict=True) if keep],
                base=rows.loc[part, "target_min"].tolist(),
                x=(rows.loc[part, "target_max"] - rows.loc[part, "target_min"]).tolist(),
                orientation="h",
                width=0.55,
                marker={"color": colour, "opacity": 0.45, "pattern": {"shape": pattern}},
                customdata=[target_text(r, lang) for _, r in rows[part].iterrows()],
                hovertemplate="%{y}<br>" + target + ": %{customdata}<extra></extra>",
                legendgroup=basis,
                showlegend=False,
            )
        )
    for basis, _colour, _pattern, symbol in kinds:
        part = rows["target_basis"] == basis
        fig.add_trace(
            go.Scatter(
                name=_word(TARGET_IDS, basis, lang),
                y=[n for n, keep in zip(names, part, strict=True) if keep],
                x=rows.loc[part, "target_point"].tolist(),
                mode="markers",
                marker={"symbol": symbol, "size": 18, "color": PALETTE[0], "line": {"width": 2}},
                customdata=[target_text(r, lang) for _, r in rows[part].iterrows()],
                hovertemplate="%{y}<br>" + target + ": %{customdata}<extra></extra>",
                legendgroup=basis,
            )
        )
    achieved_text = [
        f"{qualified(a, q, lang)} {u}"
        for a, q, u in zip(rows["achieved"], rows["achieved_qualifier"], rows["unit"], strict=True)
    ]
    values = [*rows["achieved"], *rows["target_min"], *rows["target_max"]]
    low = min([v for v in values if v > 0] or [1.0])
    high = max(values or [10.0])
    span = (math.log10(low / 5), math.log10(high * 3))
    fig.add_trace(
        go.Scatter(
            name=achieved,
            y=names,
            x=rows["achieved"].tolist(),
            mode="markers+text",
            marker={"symbol": "circle", "size": 11, "color": PALETTE[7]},
            text=achieved_text,
            # towards the middle of the axis: centred on a point near the end, a label ran
            # past the chart's edge on a phone
            textposition=[_towards_middle(a, span) for a in rows["achieved"]],
            hovertemplate="%{y}<br>" + achieved + ": %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        xaxis={
            "title": t("charts_targets.count_log", lang),
            "type": "log",
            "range": list(span),
            "dtick": 1,
            "exponentformat": "none",
            "tickformat": ",~r",
        },
        yaxis={
            "title": None,
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": names,
        },
        barmode="overlay",
        height=max(320, 60 + 52 * len(rows)) + BOTTOM_LEGEND_PX,
        margin={"l": 10, "r": 20, "t": 60, "b": 40 + BOTTOM_LEGEND_PX},
        legend=BOTTOM_LEGEND,
        separators=plotly_separators(lang),
    )
    return fig


@data_labels
def achievement_chart(results: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Achievement percent bars, one trace per status band (legend = thresholds), text on bars.

    The last trace marks the percent the document states, beside the recomputed bar.
    """
    computed, stated_word = t("charts_targets.computed", lang), t("charts_targets.stated", lang)
    rows = with_targets(results)
    names = [_wrap(n) for n in rows[_name_column(lang)]]
    statuses = [status_of(p) for p in rows["achievement_pct"]]
    fig = go.Figure()
    for status, _lower in STATUS_THRESHOLDS:
        keep = [s == status for s in statuses]
        pcts = rows.loc[keep, "achievement_pct"].tolist()
        word = _word(STATUS_IDS, status, lang)
        fig.add_trace(
            go.Bar(
                name=_word(BAND_IDS, status, lang),
                y=[n for n, k in zip(names, keep, strict=True) if k],
                x=pcts,
                orientation="h",
                marker={"color": STATUS_COLOURS[status]},
                # no-break spaces keep the label clear of the stated-percent marker
                text=[f"\u00a0\u00a0\u00a0{pct_text(p, lang)} · {word}" for p in pcts],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}<br>" + computed + ": %{text}<extra></extra>",
            )
        )
    stated = rows["stated_pct"].notna()
    fig.add_trace(
        go.Scatter(
            name=stated_word,
            y=[n for n, k in zip(names, stated, strict=True) if k],
            x=rows.loc[stated, "stated_pct"].tolist(),
            mode="markers",
            marker={"symbol": "diamond", "size": 9, "color": PALETTE[7]},
            customdata=[pct_text(p, lang) for p in rows.loc[stated, "stated_pct"]],
            hovertemplate="%{y}<br>" + stated_word + ": %{customdata}<extra></extra>",
        )
    )
    top = max([100.0, *rows["achievement_pct"].dropna().tolist()])
    fig.add_vline(x=100, line_dash="dash", line_color=PALETTE[8], layer="below")
    fig.add_annotation(
        x=100,
        y=1.0,
        yref="paper",
        text=t("charts_targets.plan_line", lang),
        showarrow=False,
        yanchor="bottom",
    )
    fig.update_layout(
        title=title,
        xaxis={"title": t("charts_targets.pct_axis", lang), "range": [0, top * 1.3],
               "ticksuffix": "%"},
        yaxis={"title": None, "autorange": "reversed", "categoryorder": "array",
               "categoryarray": names},
        barmode="overlay",
        height=max(320, 60 + 52 * len(rows)) + BOTTOM_LEGEND_PX,
        margin={"l": 10, "r": 20, "t": 70, "b": 40 + BOTTOM_LEGEND_PX},
        legend=BOTTOM_LEGEND,
        separators=plotly_separators(lang),
    )  # fmt: skip
    return fig


def results_data(results: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The numbers behind the target charts (raw, for downloads), basis and source as text."""
    rows = with_targets(results)
    return rows.assign(
        basis=[_word(BASIS_IDS, b, lang) for b in rows["target_basis"]],
        status=[_word(STATUS_IDS, status_of(p), lang) for p in rows["achievement_pct"]],
        source=[
            short_ref(f, ln) for f, ln in zip(rows["source_file"], rows["source_line"], strict=True)
        ],
    )


def results_table(results: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Results with a target as text for the reader: achieved, target range, both percents."""
    rows = with_targets(results)
    return pd.DataFrame(
        {
            t("charts_targets.indicator", lang): rows[_name_column(lang)],
            t("charts_targets.unit", lang): rows["unit"],
            t("charts_targets.achieved", lang): [
                qualified(a, q, lang)
                for a, q in zip(rows["achieved"], rows["achieved_qualifier"], strict=True)
            ],
            t("charts_targets.target", lang): [target_text(r, lang) for _, r in rows.iterrows()],
            t("charts_targets.achievement_pct", lang): [
                pct_text(p, lang) for p in rows["achievement_pct"]
            ],
            t("charts_targets.stated_pct", lang): [
                "—" if _missing(p) else pct_text(p, lang) for p in rows["stated_pct"]
            ],
            t("charts_targets.status", lang): [
                _word(STATUS_IDS, status_of(p), lang) for p in rows["achievement_pct"]
            ],
            t("charts_targets.basis", lang): [
                _word(BASIS_IDS, b, lang) for b in rows["target_basis"]
            ],
            t("charts_targets.source", lang): [
                short_ref(f, ln)
                for f, ln in zip(rows["source_file"], rows["source_line"], strict=True)
            ],
        }
    )


def untargeted_table(results: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Results reported without any target to compare with, as text for the reader."""
    rows = results[results["target_basis"].isna()].reset_index(drop=True)
    return pd.DataFrame(
        {
            t("charts_targets.indicator", lang): rows[_name_column(lang)],
            t("charts_targets.unit", lang): rows["unit"],
            t("charts_targets.achieved", lang): [
                qualified(a, q, lang)
                for a, q in zip(rows["achieved"], rows["achieved_qualifier"], strict=True)
            ],
            t("charts_targets.source", lang): [
                short_ref(f, ln)
                for f, ln in zip(rows["source_file"], rows["source_line"], strict=True)
            ],
        }
    )


# --- period comparison -------------------------------------------------------------------------


@data_labels
def budget_periods_chart(budgets: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Planned budget per period: nominal, in constant prices, and the known part where CPI ends.

    `budgets` is programme_budgets with a `period_label` column, one row per period. Trace 0 is
    nominal (None for a period without a programme), trace 1 real (None where a year lacks
    CPI), trace 2 the real value of the years that have a CPI figure, only for the periods whose
    full real total is unknown. With a `note` column (plans.charts.periods.period_sums: what a
    period sums, what it lacks, or that it has no programme) each period's axis text carries it.
    """
    year = int(budgets["price_year"].iloc[0]) if len(budgets) else 0
    periods = budgets["period_label"].tolist()
    nominal = [None if _missing(v) else v for v in budgets["planned_mvnd"]]
    real = [None if _missing(v) else v for v in budgets["planned_real_mvnd"]]
    partial = [
        k if r is None and not _missing(k) else None
        for r, k in zip(real, budgets["planned_real_known_mvnd"], strict=True)
    ]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            name=t("charts_targets.nominal", lang),
            x=periods,
            y=nominal,
            marker={"color": PALETTE[8]},
            text=["" if v is None else format_mvnd_label(v, lang) for v in nominal],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}<br>%{text}<extra></extra>",
            offsetgroup="nominal",
        )
    )
    fig.add_trace(
        go.Bar(
            name=t("charts_targets.real", lang, year=year),
            x=periods,
            y=real,
            marker={"color": PALETTE[0]},
            text=["" if v is None else format_mvnd_label(v, lang) for v in real],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}<br>%{text}<extra></extra>",
            offsetgroup="real",
        )
    )
    if any(v is not None for v in partial):
        fig.add_trace(
            go.Bar(
                name=t("charts_targets.partial", lang, year=year),
                x=periods,
                y=partial,
                marker={
                    "color": "white",
                    "line": {"color": PALETTE[0], "width": 2},
                    "pattern": {"shape": "/", "fgcolor": PALETTE[0]},
                },
                text=[
                    ""
                    if v is None
                    else t("charts_targets.partial_text", lang, value=format_mvnd_label(v, lang))
                    for v in partial
                ],
                textposition="outside",
                textangle=0,
                constraintext="none",
                cliponaxis=False,
                hovertemplate="%{x}<br>%{text}<extra></extra>",
                offsetgroup="real",
            )
        )
    top = max([0.0, *[v for v in nominal if v is not None],
               *[v for v in real if v is not None]])  # fmt: skip
    for period, missing, value in zip(
        periods, budgets["cpi_missing_years"], budgets["planned_mvnd"], strict=True
    ):
        if _missing(missing) or not missing:
            continue
        fig.add_annotation(
            x=period,
            y=(value if not _missing(value) else 0) + 0.22 * top,
            text="⚠ " + t("charts_targets.no_cpi", lang, years=str(missing).replace(",", ", ")),
            showarrow=False,
            xshift=28,
            font={"color": PALETTE[5]},
        )
    xaxis: dict[str, object] = {"title": t("charts_targets.period", lang), "type": "category"}
    legend: dict[str, object] = {"orientation": "h", "y": -0.2}
    bottom = 40
    if "note" in budgets.columns:
        ticks = period_ticks(budgets)
        xaxis |= {"tickmode": "array", "tickvals": periods, "ticktext": ticks}
        # the notes' lines under the axis, then the legend in a margin grown to hold both
        lines = max([tick.count("<br>") for tick in ticks] or [0])
        bottom = 80 + 16 * lines + BOTTOM_LEGEND_PX
        legend = dict(BOTTOM_LEGEND)
    fig.update_layout(
        title=title,
        xaxis=xaxis,
        yaxis={
            "title": t("charts_targets.budget_axis", lang),
            "range": [0, top * 1.35 if top else 1],
            "exponentformat": "none",
            "tickformat": ",~r",
        },
        barmode="group",
        margin={"l": 60, "r": 20, "t": 60, "b": bottom},
        legend=legend,
        separators=plotly_separators(lang),
    )
    return fig


def _labels(comparable: pd.DataFrame, lang: str) -> pd.Series:
    column = "label_vi" if lang == "vi" else "label_en"
    return comparable.groupby("comparable_indicator", sort=False)[column].first()


def _panel_title(comparable: pd.DataFrame, key: str, label: str) -> str:
    units = comparable.loc[comparable["comparable_indicator"] == key, "unit"].dropna().unique()
    return f"{label} ({units[0]})" if len(units) == 1 else label


@data_labels
def comparable_chart(comparable: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """One panel per comparable indicator: each period's target, and what 2011-2015 achieved.

    In each panel (in indicator order) trace 1 holds printed targets, trace 2 derived targets
    (hatched, same slot), trace 3 achieved figures; x is the period. Units may change between
    periods (projects vs facilities): a panel with one unit names it in its title, otherwise
    every bar's text carries its unit.
    """
    target_bar, target_derived = (
        t("charts_targets.target_bar", lang),
        t("charts_targets.target_derived", lang),
    )
    achieved_word, source = t("charts_targets.achieved", lang), t("charts_targets.source", lang)
    labels = _labels(comparable, lang)
    periods = list(dict.fromkeys(comparable.sort_values("period_start")["period_label"]))
    # two panels a row: wide enough for the figures written over the bars
    cols = max(1, min(2, len(labels)))
    rows_n = max(1, math.ceil(len(labels) / cols))
    fig = make_subplots(
        rows=rows_n,
        cols=cols,
        subplot_titles=[_wrap(_panel_title(comparable, k, v), 60) for k, v in labels.items()],
        horizontal_spacing=0.08,
        vertical_spacing=0.22 if rows_n > 1 else 0.1,
    )
    shown: set[str] = set()
    for n, key in enumerate(labels.index):
        row, col = n // cols + 1, n % cols + 1
        part = comparable[comparable["comparable_indicator"] == key]
        by_period = {p: part[part["period_label"] == p] for p in periods}
        one_unit = part["unit"].dropna().nunique() == 1

        def suffix(unit: str, one_unit: bool = one_unit) -> str:
            return "" if one_unit else f"<br>{unit}"

        traces: dict[str, list[tuple[float | None, str, str]]] = {
            "target_printed": [],
            "target_derived": [],
            "achieved": [],
        }
        for period in periods:
            rows = by_period[period]
            target = rows[rows["measure"] == "target"]
            got = rows[rows["measure"] == "achieved"]
            printed = derived = achieved = (None, "", "")
            if len(target):
                aim = target.iloc[0]
                if _missing(aim["value_max"]) or aim["value_max"] == aim["value_min"]:
                    value, shown_text = (
                        aim["value_min"],
                        qualified(aim["value_min"], aim["qualifier"], lang, words=False),
                    )
                else:
                    value = (aim["value_min"] + aim["value_max"]) / 2
                    shown_text = (
                        f"{quantity(aim['value_min'], lang)}–{quantity(aim['value_max'], lang)}"
                    )
                printed = (value, f"{shown_text}{suffix(aim['unit'])}", short_ref(
                    aim["source_file"], aim["source_line"]))  # fmt: skip
            if len(got):
                g = got.iloc[0]
                ref = short_ref(g["source_file"], g["source_line"])
                text = qualified(g["value_min"], g["qualifier"], lang, words=False)
                achieved = (g["value_min"], f"{text}{suffix(g['unit'])}", ref)
                if g["target_basis"] == "derived":
                    point = g["target_point"]
                    derived = (point, f"≈ {quantity(point, lang)}{suffix(g['unit'])}", ref)
                elif g["target_basis"] == "printed":
                    printed = (g["target_point"], quantity(g["target_point"], lang), ref)
            traces["target_printed"].append(printed)
            traces["target_derived"].append(derived)
            traces["achieved"].append(achieved)
        styles = {
            "target_printed": ({"color": PALETTE[0]}, "target", target_bar),
            "target_derived": (
                {"color": "white", "line": {"color": PALETTE[0], "width": 1.5},
                 "pattern": {"shape": "/", "fgcolor": PALETTE[0]}},
                "target",
                target_derived,
            ),
            "achieved": ({"color": PALETTE[1]}, "achieved", achieved_word),
        }  # fmt: skip
        for name, points in traces.items():
            marker, group, legend = styles[name]
            has_data = any(v is not None for v, _, _ in points)
            fig.add_trace(
                go.Bar(
                    name=legend,
                    x=periods,
                    y=[v for v, _, _ in points],
                    text=[text for _, text, _ in points],
                    customdata=[r for _, _, r in points],
                    textposition="outside",
                    constraintext="none",
                    textfont={"size": 11},
                    cliponaxis=False,
                    marker=marker,
                    offsetgroup=group,
                    legendgroup=name,
                    showlegend=has_data and name not in shown,
                    hovertemplate="%{x}: %{text}<br>" + source + " %{customdata}<extra></extra>",
                ),
                row=row,
                col=col,
            )
            if has_data:
                shown.add(name)
        tops = [v for pts in traces.values() for v, _, _ in pts if v is not None]
        fig.update_yaxes(
            range=[0, 1.35 * max(tops or [1])],
            exponentformat="none",
            tickformat=",~r",
            row=row,
            col=col,
        )
    for row in range(1, rows_n + 1):
        fig.update_yaxes(title_text=t("charts_targets.quantity", lang), row=row, col=1)
    fig.update_layout(
        title=title,
        barmode="group",
        height=120 + 340 * rows_n,
        bargap=0.1,
        margin={"l": 60, "r": 20, "t": 100, "b": 40},
        legend={"orientation": "h", "y": -0.08},
        separators=plotly_separators(lang),
    )
    fig.update_annotations(font_size=13)
    return fig


def comparable_table(comparable: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Indicators × periods as text: '17.800 lao động (chỉ tiêu suy ra ≈ 25.000)', '≥ 7.000 …'."""
    labels = _labels(comparable, lang)
    periods = list(dict.fromkeys(comparable.sort_values("period_start")["period_label"]))
    out = []
    for key, label in labels.items():
        part = comparable[comparable["comparable_indicator"] == key]
        row = {t("charts_targets.indicator", lang): label}
        for period in periods:
            cell = part[part["period_label"] == period]
            if cell.empty or _missing(cell.iloc[0]["measure"]):
                row[period] = "—"
                continue
            c = cell.iloc[0]
            text = f"{qualified(c['value_min'], c['qualifier'], lang, words=False)} {c['unit']}"
            if c["measure"] == "achieved":
                text = t("charts_targets.achieved_in", lang, value=text)
                if c["target_basis"] == "derived":
                    derived = t(
                        "charts_targets.derived_in", lang, value=quantity(c["target_point"], lang)
                    )
                    text += f" ({derived})"
            row[period] = text
        out.append(row)
    return pd.DataFrame(out)


def unit_cost_table(comparable: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Cost per unit of output for the indicators some period funds by task, per period.

    Periods without a budget for that output say so rather than splitting a programme total.
    """
    mvnd_unit = t("charts_targets.mvnd_unit", lang)
    funded = comparable.groupby("comparable_indicator", sort=False)["budget_task_code"].apply(
        lambda codes: codes.notna().any()
    )
    labels = _labels(comparable, lang)
    periods = list(dict.fromkeys(comparable.sort_values("period_start")["period_label"]))
    out = []
    for key in [k for k in labels.index if funded[k]]:
        part = comparable[comparable["comparable_indicator"] == key]
        row = {t("charts_targets.indicator", lang): labels[key]}
        for period in periods:
            cell = part[part["period_label"] == period]
            if cell.empty:
                row[period] = "—"
                continue
            c = cell.iloc[0]
            cost = c["unit_cost_mvnd"]
            if _missing(c["budget_mvnd"]):
                row[period] = t("charts_targets.no_budget", lang)
            elif _missing(cost):
                row[period] = t("charts_targets.no_target", lang)
            else:
                shown = format_number(cost, 1 if cost < 100 else 0, lang)
                row[period] = t(
                    "charts_targets.cost_formula",
                    lang,
                    cost=f"{shown} {mvnd_unit}",
                    unit=c["unit"],
                    budget=f"{format_number(c['budget_mvnd'], 0, lang)} {mvnd_unit}",
                    count=quantity(c["value_min"], lang),
                )
        out.append(row)
    return pd.DataFrame(out)


def period_budgets(periods: pd.DataFrame, budgets: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """programme_budgets rows of the given periods, in period order, with label and source (and
    the period each belongs to, in_period_start, where period_programmes gives it)."""
    columns = ["programme_id", "period_label", "budget_source_file", "budget_source_line"]
    keep = periods[columns + [c for c in ("in_period_start",) if c in periods.columns]]
    out = keep.merge(budgets, on="programme_id", how="left")
    out["basis"] = [_word(REAL_BASIS_IDS, b, lang, "—") for b in out["real_basis"]]
    out["source"] = [
        short_ref(f, ln)
        for f, ln in zip(out["budget_source_file"], out["budget_source_line"], strict=True)
    ]
    return out


def comparable_data(comparable: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The numbers behind the comparable-targets chart, kinds in words, source as 'file:line'."""
    return comparable.assign(
        measure=[_word(MEASURE_IDS, m, lang, "—") for m in comparable["measure"]],
        qualifier=[_word(KIND_IDS, q, lang, "—") for q in comparable["qualifier"]],
        source=[
            short_ref(f, ln)
            for f, ln in zip(comparable["source_file"], comparable["source_line"], strict=True)
        ],
    )


# --- outputs year by year (queries/target_results_by_year.sql) -------------------------------


def with_year_labels(results: pd.DataFrame) -> pd.DataFrame:
    """Results with a yearly output's year in its indicator's name ('Lớp truyền nghề (2021)'),
    so the same indicator of several years stays several rows in the charts and tables."""
    if "year" not in results.columns:
        return results
    years = results["year"]
    out = results.copy()
    for column in ("indicator", "indicator_en"):
        out[column] = [
            name if _missing(year) or year is pd.NA else f"{name} ({int(year)})"
            for name, year in zip(results[column], years, strict=True)
        ]
    return out


def output_indicators(outputs: pd.DataFrame, lang: str = "vi") -> dict[str, str]:
    """The indicators of a yearly report (key: indicator and unit as written) with labels."""
    name = _name_column(lang)
    seen: dict[str, str] = {}
    for row in outputs.itertuples():
        key = f"{row.indicator}|{row.unit}"
        seen.setdefault(key, f"{getattr(row, name)} ({row.unit})")
    return seen


def output_rows(outputs: pd.DataFrame, key: str) -> pd.DataFrame:
    """The rows of one indicator (output_indicators' key), in year order."""
    rows = outputs[(outputs["indicator"] + "|" + outputs["unit"]) == key]
    return rows.sort_values(["year", "source_file", "source_line"]).reset_index(drop=True)


def _or_none(value: object) -> float | None:
    return None if _missing(value) or value is pd.NA else float(value)  # type: ignore[arg-type]


@data_labels
def outputs_year_chart(rows: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """One indicator's outputs per year (bars) against each year's target (markers), and the
    outputs to date as a share of the period target (line, right axis; of the yearly targets
    to date when no period target is written).

    Trace 0 the achieved bars, trace 1 the yearly targets, trace 2 the line. The bar's hover
    gives the achievement computed and the percentage the report states.
    """
    x = rows["year"].astype(int).tolist()
    unit = str(rows["unit"].iloc[0]) if len(rows) else ""
    achieved, target = t("execution.outputs_achieved", lang), t("execution.outputs_target", lang)
    hover = []
    for _, row in rows.iterrows():
        parts = [
            f"<b>{int(row['year'])}</b> · {achieved}: {quantity(row['achieved'], lang)} {unit}"
        ]
        if _or_none(row["achievement_pct"]) is not None:
            parts.append(
                t("execution.outputs_pct", lang, pct=pct_text(row["achievement_pct"], lang))
            )
        if _or_none(row["stated_pct"]) is not None:
            parts.append(t("execution.outputs_stated", lang, pct=pct_text(row["stated_pct"], lang)))
        hover.append("<br>".join(parts))
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Bar(
            x=x,
            y=rows["achieved"].astype(float).tolist(),
            name=achieved,
            marker={"color": PALETTE[0]},
            text=[quantity(v, lang) for v in rows["achieved"]],
            textposition="outside",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
        ),
        secondary_y=False,
    )
    targets = [_or_none(v) for v in rows["target_point"]]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=targets,
            name=target,
            mode="markers",
            marker={"symbol": "line-ew", "size": 28, "line": {"width": 3, "color": PALETTE[7]}},
            customdata=["—" if v is None else quantity(v, lang) for v in targets],
            hovertemplate=f"%{{x}} · {target}: %{{customdata}} {unit}<extra></extra>",
        ),
        secondary_y=False,
    )
    period = bool(len(rows)) and _or_none(rows["period_target"].iloc[0]) is not None
    column = "cum_pct_of_period_target" if period else "cum_pct_of_target"
    key = N_("execution.outputs_cum_period") if period else N_("execution.outputs_cum_years")
    line = [_or_none(v) for v in rows[column]]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=line,
            name=t(key, lang),
            mode="lines+markers+text",
            line={"color": PALETTE[5], "width": 3},
            text=["" if v is None else pct_text(v, lang) for v in line],
            textposition="top center",
            hovertemplate="%{x}: %{text}<extra></extra>",
        ),
        secondary_y=True,
    )
    top = max([100.0, *[v for v in line if v is not None]])
    fig.update_layout(
        title=title,
        barmode="overlay",
        xaxis={"title": t("execution.axis_year", lang), "dtick": 1, "type": "linear"},
        legend=BOTTOM_LEGEND,
        margin={"l": 60, "r": 60, "t": 70, "b": 40 + BOTTOM_LEGEND_PX},
        separators=plotly_separators(lang),
    )
    fig.update_yaxes(title_text=unit, tickformat=",~r", rangemode="tozero", secondary_y=False)
    fig.update_yaxes(
        title_text=t("execution.axis_cum_outputs", lang),
        ticksuffix="%",
        range=[0, top * 1.15],
        showgrid=False,
        secondary_y=True,
    )
    return fig


def outputs_year_data(rows: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The numbers behind the outputs chart, with the year as a label and the row cited."""
    return rows.assign(
        year=rows["year"].astype(int).astype(str),
        cum_period_pct=rows["cum_pct_of_period_target"],  # _pct: shown as a percentage
        source=[
            short_ref(f, ln) for f, ln in zip(rows["source_file"], rows["source_line"], strict=True)
        ],
    )


# The columns of the table under the outputs chart (outputs_year_data), in order.
OUTPUT_COLUMNS: tuple[str, ...] = (
    "year",
    "achieved",
    "target_point",
    "achievement_pct",
    "stated_pct",
    "cum_achieved",
    "cum_target",
    "period_target",
    "cum_period_pct",
    "source",
)


def output_headers(lang: str = "vi") -> dict[str, str]:
    """The reader's headers of OUTPUT_COLUMNS."""
    return {
        "year": t("execution.col_year", lang),
        "achieved": t("execution.outputs_achieved", lang),
        "target_point": t("execution.outputs_target", lang),
        "achievement_pct": t("execution.col_output_pct", lang),
        "stated_pct": t("execution.col_output_stated", lang),
        "cum_achieved": t("execution.col_cum_achieved", lang),
        "cum_target": t("execution.col_cum_target", lang),
        "period_target": t("execution.col_period_target", lang),
        "cum_period_pct": t("execution.col_cum_period_pct", lang),
        "source": t("execution.col_source", lang),
    }
