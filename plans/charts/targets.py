"""Figures and display tables of the targets page and the period comparison (pure, no Streamlit)."""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from plans.charts.base import PALETTE
from plans.data.sources import short_ref
from plans.numbers import format_mvnd, format_number, format_pct

# Achievement status: lower bound of each band in percent of the target, worst first.
STATUS_THRESHOLDS: tuple[tuple[str, float], ...] = (
    ("far_below", 0.0),
    ("below", 50.0),
    ("met", 100.0),
)
STATUS_COLOURS: dict[str, str] = {"far_below": PALETTE[5], "below": PALETTE[1], "met": PALETTE[2]}

WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "far_below": "chưa đạt nhiều",
        "below": "chưa đạt",
        "met": "đạt/vượt",
        "far_below_band": "Dưới 50%: chưa đạt nhiều",
        "below_band": "Từ 50% đến dưới 100%: chưa đạt",
        "met_band": "Từ 100% trở lên: đạt/vượt",
        "printed": "chỉ tiêu in trong văn bản",
        "derived": "chỉ tiêu suy ra từ tỷ lệ %",
        "target_printed": "Chỉ tiêu in trong văn bản",
        "target_derived": "Chỉ tiêu suy ra từ tỷ lệ % (khoảng theo độ chính xác của số in)",
        "achieved": "Đã đạt",
        "stated": "Tỷ lệ văn bản ghi",
        "computed": "Tỷ lệ tính lại",
        "plan_line": "kế hoạch (100%)",
        "count_log": "Số lượng theo đơn vị của chỉ tiêu (thang logarit)",
        "pct_axis": "Tỷ lệ đạt so với kế hoạch (%)",
        "indicator": "Chỉ tiêu",
        "unit": "Đơn vị",
        "target": "Kế hoạch",
        "basis": "Cơ sở của kế hoạch",
        "source": "Nguồn",
        "stated_pct": "Tỷ lệ văn bản ghi",
        "achievement_pct": "Tỷ lệ tính lại",
        "status": "Mức đạt",
        "exact": "",
        "at_least": "trên",
        "nearly": "gần",
        "about": "khoảng",
        "at_most": "dưới",
        "nominal": "Danh nghĩa (giá hiện hành)",
        "real": "Giá năm {year}",
        "partial": "Giá năm {year}: chỉ phần các năm đã có CPI",
        "partial_text": "một phần:<br>{value}",
        "no_cpi": "chưa có CPI năm {years}",
        "budget_axis": "Kinh phí kế hoạch (triệu đồng)",
        "period": "Giai đoạn",
        "quantity": "Số lượng",
        "target_bar": "Chỉ tiêu kế hoạch",
        "no_budget": "không có số liệu kinh phí theo nội dung",
        "no_target": "không có chỉ tiêu số lượng cụ thể",
        "cost_formula": "{cost}/{unit} ({budget} ÷ {count} {unit})",
        "mvnd_unit": "triệu đồng",
        "achieved_in": "đã đạt {value}",
        "derived_in": "chỉ tiêu suy ra ≈ {value}",
        "basis_even_spread": "chia đều theo năm",
        "basis_yearly_lines": "theo năm của phụ lục",
        "measure_achieved": "đã đạt",
        "measure_target": "chỉ tiêu",
        "kind_exact": "đúng số",
        "kind_at_least": "trên (≥)",
        "kind_about": "khoảng",
        "kind_range": "từ-đến",
        "kind_nearly": "gần",
        "kind_at_most": "dưới",
    },
    "en": {
        "far_below": "far below target",
        "below": "below target",
        "met": "met or exceeded",
        "far_below_band": "Under 50%: far below target",
        "below_band": "50% to under 100%: below target",
        "met_band": "100% or more: met or exceeded",
        "printed": "target printed in the document",
        "derived": "target derived from the stated %",
        "target_printed": "Target printed in the document",
        "target_derived": "Target derived from the stated % (range from the printed precision)",
        "achieved": "Achieved",
        "stated": "Percent stated in the document",
        "computed": "Recomputed percent",
        "plan_line": "plan (100%)",
        "count_log": "Quantity in the indicator's unit (log scale)",
        "pct_axis": "Achievement against plan (%)",
        "indicator": "Indicator",
        "unit": "Unit",
        "target": "Target",
        "basis": "Target basis",
        "source": "Source",
        "stated_pct": "Stated percent",
        "achievement_pct": "Recomputed percent",
        "status": "Status",
        "exact": "",
        "at_least": "over",
        "nearly": "nearly",
        "about": "about",
        "at_most": "under",
        "nominal": "Nominal (current prices)",
        "real": "{year} prices",
        "partial": "{year} prices: only the years with a CPI figure",
        "partial_text": "partial:<br>{value}",
        "no_cpi": "no CPI for {years} yet",
        "budget_axis": "Planned budget (million VND)",
        "period": "Period",
        "quantity": "Quantity",
        "target_bar": "Target",
        "no_budget": "no budget by content in the documents",
        "no_target": "no numeric target",
        "cost_formula": "{cost}/{unit} ({budget} ÷ {count} {unit})",
        "mvnd_unit": "million VND",
        "achieved_in": "achieved {value}",
        "derived_in": "derived target ≈ {value}",
        "basis_even_spread": "spread evenly",
        "basis_yearly_lines": "yearly appendix",
        "measure_achieved": "achieved",
        "measure_target": "target",
        "kind_exact": "exact",
        "kind_at_least": "over (≥)",
        "kind_about": "about",
        "kind_range": "range",
        "kind_nearly": "nearly",
        "kind_at_most": "under",
    },
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


def _separators(lang: str) -> str:
    return ",." if lang == "vi" else ".,"


def quantity(value: float, lang: str = "vi") -> str:
    """A count or small quantity: whole numbers plain, others with up to two decimals."""
    if float(value).is_integer() or abs(value) >= 100:
        return format_number(value, 0, lang)
    text = format_number(value, 2, lang)
    mark = "," if lang == "vi" else "."
    return text.rstrip("0").rstrip(mark)


def qualified(value: float, qualifier: str | None, lang: str = "vi", words: bool = True) -> str:
    """A figure with its qualifier: 'trên 5.000' / 'over 5,000' (words) or '≥ 5.000' (symbols)."""
    prefix = (
        WORDS[lang].get(qualifier or "exact", "") if words else SYMBOLS.get(qualifier or "", "")
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
        text = format_number(pct, 2, lang)
        mark = "," if lang == "vi" else "."
        return text.rstrip("0").rstrip(mark) + "%"
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


def target_band_chart(results: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Achieved (marker) against the target interval target_min..target_max, one row each.

    Traces 0 and 1 are the bands of printed and derived targets (base = target_min, x = width;
    a point target has width 0), traces 2 and 3 their target points (| printed, ◇ derived),
    trace 4 the achieved figures. Log scale: the indicators count different things, from
    2 models to 17.800 trainees.
    """
    w = WORDS[lang]
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
                name=w[f"target_{basis}"],
                y=[n for n, keep in zip(names, part, strict=True) if keep],
                base=rows.loc[part, "target_min"].tolist(),
                x=(rows.loc[part, "target_max"] - rows.loc[part, "target_min"]).tolist(),
                orientation="h",
                width=0.55,
                marker={"color": colour, "opacity": 0.45, "pattern": {"shape": pattern}},
                customdata=[target_text(r, lang) for _, r in rows[part].iterrows()],
                hovertemplate="%{y}<br>" + w["target"] + ": %{customdata}<extra></extra>",
                legendgroup=basis,
                showlegend=False,
            )
        )
    for basis, _colour, _pattern, symbol in kinds:
        part = rows["target_basis"] == basis
        fig.add_trace(
            go.Scatter(
                name=w[f"target_{basis}"],
                y=[n for n, keep in zip(names, part, strict=True) if keep],
                x=rows.loc[part, "target_point"].tolist(),
                mode="markers",
                marker={"symbol": symbol, "size": 18, "color": PALETTE[0], "line": {"width": 2}},
                customdata=[target_text(r, lang) for _, r in rows[part].iterrows()],
                hovertemplate="%{y}<br>" + w["target"] + ": %{customdata}<extra></extra>",
                legendgroup=basis,
            )
        )
    achieved_text = [
        f"{qualified(a, q, lang)} {u}"
        for a, q, u in zip(rows["achieved"], rows["achieved_qualifier"], rows["unit"], strict=True)
    ]
    fig.add_trace(
        go.Scatter(
            name=w["achieved"],
            y=names,
            x=rows["achieved"].tolist(),
            mode="markers+text",
            marker={"symbol": "circle", "size": 11, "color": PALETTE[7]},
            text=achieved_text,
            textposition="top center",
            hovertemplate="%{y}<br>" + w["achieved"] + ": %{text}<extra></extra>",
        )
    )
    values = [*rows["achieved"], *rows["target_min"], *rows["target_max"]]
    low = min([v for v in values if v > 0] or [1.0])
    high = max(values or [10.0])
    fig.update_layout(
        title=title,
        xaxis={
            "title": w["count_log"],
            "type": "log",
            "range": [math.log10(low / 5), math.log10(high * 3)],
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
        separators=_separators(lang),
    )
    return fig


def achievement_chart(results: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Achievement percent bars, one trace per status band (legend = thresholds), text on bars.

    The last trace marks the percent the document states, beside the recomputed bar.
    """
    w = WORDS[lang]
    rows = with_targets(results)
    names = [_wrap(n) for n in rows[_name_column(lang)]]
    statuses = [status_of(p) for p in rows["achievement_pct"]]
    fig = go.Figure()
    for key, _lower in STATUS_THRESHOLDS:
        keep = [s == key for s in statuses]
        pcts = rows.loc[keep, "achievement_pct"].tolist()
        fig.add_trace(
            go.Bar(
                name=w[f"{key}_band"],
                y=[n for n, k in zip(names, keep, strict=True) if k],
                x=pcts,
                orientation="h",
                marker={"color": STATUS_COLOURS[key]},
                # no-break spaces keep the label clear of the stated-percent marker
                text=[f"\u00a0\u00a0\u00a0{pct_text(p, lang)} · {w[key]}" for p in pcts],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}<br>" + w["computed"] + ": %{text}<extra></extra>",
            )
        )
    stated = rows["stated_pct"].notna()
    fig.add_trace(
        go.Scatter(
            name=w["stated"],
            y=[n for n, k in zip(names, stated, strict=True) if k],
            x=rows.loc[stated, "stated_pct"].tolist(),
            mode="markers",
            marker={"symbol": "diamond", "size": 9, "color": PALETTE[7]},
            customdata=[pct_text(p, lang) for p in rows.loc[stated, "stated_pct"]],
            hovertemplate="%{y}<br>" + w["stated"] + ": %{customdata}<extra></extra>",
        )
    )
    top = max([100.0, *rows["achievement_pct"].dropna().tolist()])
    fig.add_vline(x=100, line_dash="dash", line_color=PALETTE[8], layer="below")
    fig.add_annotation(
        x=100, y=1.0, yref="paper", text=w["plan_line"], showarrow=False, yanchor="bottom"
    )
    fig.update_layout(
        title=title,
        xaxis={"title": w["pct_axis"], "range": [0, top * 1.3], "ticksuffix": "%"},
        yaxis={"title": None, "autorange": "reversed", "categoryorder": "array",
               "categoryarray": names},
        barmode="overlay",
        height=max(320, 60 + 52 * len(rows)) + BOTTOM_LEGEND_PX,
        margin={"l": 10, "r": 20, "t": 70, "b": 40 + BOTTOM_LEGEND_PX},
        legend=BOTTOM_LEGEND,
        separators=_separators(lang),
    )  # fmt: skip
    return fig


def results_data(results: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The numbers behind the target charts (raw, for downloads), basis and source as text."""
    rows = with_targets(results)
    return rows.assign(
        basis=[WORDS[lang][b] for b in rows["target_basis"]],
        status=[WORDS[lang][status_of(p)] for p in rows["achievement_pct"]],
        source=[
            short_ref(f, ln) for f, ln in zip(rows["source_file"], rows["source_line"], strict=True)
        ],
    )


def results_table(results: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Results with a target as text for the reader: achieved, target range, both percents."""
    w = WORDS[lang]
    rows = with_targets(results)
    return pd.DataFrame(
        {
            w["indicator"]: rows[_name_column(lang)],
            w["unit"]: rows["unit"],
            w["achieved"]: [
                qualified(a, q, lang)
                for a, q in zip(rows["achieved"], rows["achieved_qualifier"], strict=True)
            ],
            w["target"]: [target_text(r, lang) for _, r in rows.iterrows()],
            w["achievement_pct"]: [pct_text(p, lang) for p in rows["achievement_pct"]],
            w["stated_pct"]: [
                "—" if _missing(p) else pct_text(p, lang) for p in rows["stated_pct"]
            ],
            w["status"]: [w[status_of(p)] for p in rows["achievement_pct"]],
            w["basis"]: [w[b] for b in rows["target_basis"]],
            w["source"]: [
                short_ref(f, ln)
                for f, ln in zip(rows["source_file"], rows["source_line"], strict=True)
            ],
        }
    )


def untargeted_table(results: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Results reported without any target to compare with, as text for the reader."""
    w = WORDS[lang]
    rows = results[results["target_basis"].isna()].reset_index(drop=True)
    return pd.DataFrame(
        {
            w["indicator"]: rows[_name_column(lang)],
            w["unit"]: rows["unit"],
            w["achieved"]: [
                qualified(a, q, lang)
                for a, q in zip(rows["achieved"], rows["achieved_qualifier"], strict=True)
            ],
            w["source"]: [
                short_ref(f, ln)
                for f, ln in zip(rows["source_file"], rows["source_line"], strict=True)
            ],
        }
    )


# --- period comparison -------------------------------------------------------------------------


def budget_periods_chart(budgets: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Planned budget per period: nominal, in constant prices, and the known part where CPI ends.

    `budgets` is programme_budgets with a `period_label` column, one row per period. Trace 0 is
    nominal, trace 1 real (None where a year lacks CPI), trace 2 the real value of the years
    that have a CPI figure, only for the periods whose full real total is unknown.
    """
    w = WORDS[lang]
    year = int(budgets["price_year"].iloc[0]) if len(budgets) else 0
    periods = budgets["period_label"].tolist()
    real = [None if _missing(v) else v for v in budgets["planned_real_mvnd"]]
    partial = [
        k if r is None and not _missing(k) else None
        for r, k in zip(real, budgets["planned_real_known_mvnd"], strict=True)
    ]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            name=w["nominal"],
            x=periods,
            y=budgets["planned_mvnd"].tolist(),
            marker={"color": PALETTE[8]},
            text=[format_mvnd(v, lang) for v in budgets["planned_mvnd"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}<br>%{text}<extra></extra>",
            offsetgroup="nominal",
        )
    )
    fig.add_trace(
        go.Bar(
            name=w["real"].format(year=year),
            x=periods,
            y=real,
            marker={"color": PALETTE[0]},
            text=["" if v is None else format_mvnd(v, lang) for v in real],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}<br>%{text}<extra></extra>",
            offsetgroup="real",
        )
    )
    if any(v is not None for v in partial):
        fig.add_trace(
            go.Bar(
                name=w["partial"].format(year=year),
                x=periods,
                y=partial,
                marker={
                    "color": "white",
                    "line": {"color": PALETTE[0], "width": 2},
                    "pattern": {"shape": "/", "fgcolor": PALETTE[0]},
                },
                text=[
                    "" if v is None else w["partial_text"].format(value=format_mvnd(v, lang))
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
    top = max([0.0, *[v for v in budgets["planned_mvnd"] if not _missing(v)],
               *[v for v in real if v is not None]])  # fmt: skip
    for period, missing, value in zip(
        periods, budgets["cpi_missing_years"], budgets["planned_mvnd"], strict=True
    ):
        if _missing(missing) or not missing:
            continue
        fig.add_annotation(
            x=period,
            y=(value if not _missing(value) else 0) + 0.22 * top,
            text="⚠ " + w["no_cpi"].format(years=str(missing).replace(",", ", ")),
            showarrow=False,
            xshift=28,
            font={"color": PALETTE[5]},
        )
    fig.update_layout(
        title=title,
        xaxis={"title": w["period"], "type": "category"},
        yaxis={
            "title": w["budget_axis"],
            "range": [0, top * 1.35 if top else 1],
            "exponentformat": "none",
            "tickformat": ",~r",
        },
        barmode="group",
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        legend={"orientation": "h", "y": -0.2},
        separators=_separators(lang),
    )
    return fig


def _labels(comparable: pd.DataFrame, lang: str) -> pd.Series:
    column = "label_vi" if lang == "vi" else "label_en"
    return comparable.groupby("comparable_indicator", sort=False)[column].first()


def _panel_title(comparable: pd.DataFrame, key: str, label: str) -> str:
    units = comparable.loc[comparable["comparable_indicator"] == key, "unit"].dropna().unique()
    return f"{label} ({units[0]})" if len(units) == 1 else label


def comparable_chart(comparable: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """One panel per comparable indicator: each period's target, and what 2011-2015 achieved.

    In each panel (in indicator order) trace 1 holds printed targets, trace 2 derived targets
    (hatched, same slot), trace 3 achieved figures; x is the period. Units may change between
    periods (projects vs facilities): a panel with one unit names it in its title, otherwise
    every bar's text carries its unit.
    """
    w = WORDS[lang]
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
                t = target.iloc[0]
                if _missing(t["value_max"]) or t["value_max"] == t["value_min"]:
                    value, shown_text = (
                        t["value_min"],
                        qualified(t["value_min"], t["qualifier"], lang, words=False),
                    )
                else:
                    value = (t["value_min"] + t["value_max"]) / 2
                    shown_text = (
                        f"{quantity(t['value_min'], lang)}–{quantity(t['value_max'], lang)}"
                    )
                printed = (value, f"{shown_text}{suffix(t['unit'])}", short_ref(
                    t["source_file"], t["source_line"]))  # fmt: skip
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
            "target_printed": ({"color": PALETTE[0]}, "target", w["target_bar"]),
            "target_derived": (
                {"color": "white", "line": {"color": PALETTE[0], "width": 1.5},
                 "pattern": {"shape": "/", "fgcolor": PALETTE[0]}},
                "target",
                w["target_derived"],
            ),
            "achieved": ({"color": PALETTE[1]}, "achieved", w["achieved"]),
        }  # fmt: skip
        for name, points in traces.items():
            marker, group, legend = styles[name]
            has_data = any(v is not None for v, _, _ in points)
            fig.add_trace(
                go.Bar(
                    name=legend,
                    x=periods,
                    y=[v for v, _, _ in points],
                    text=[t for _, t, _ in points],
                    customdata=[r for _, _, r in points],
                    textposition="outside",
                    constraintext="none",
                    textfont={"size": 11},
                    cliponaxis=False,
                    marker=marker,
                    offsetgroup=group,
                    legendgroup=name,
                    showlegend=has_data and name not in shown,
                    hovertemplate="%{x}: %{text}<br>" + w["source"] + " %{customdata}"
                    "<extra></extra>",
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
        fig.update_yaxes(title_text=w["quantity"], row=row, col=1)
    fig.update_layout(
        title=title,
        barmode="group",
        height=120 + 340 * rows_n,
        bargap=0.1,
        margin={"l": 60, "r": 20, "t": 100, "b": 40},
        legend={"orientation": "h", "y": -0.08},
        separators=_separators(lang),
    )
    fig.update_annotations(font_size=13)
    return fig


def comparable_table(comparable: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Indicators × periods as text: '17.800 lao động (chỉ tiêu suy ra ≈ 25.000)', '≥ 7.000 …'."""
    w = WORDS[lang]
    labels = _labels(comparable, lang)
    periods = list(dict.fromkeys(comparable.sort_values("period_start")["period_label"]))
    out = []
    for key, label in labels.items():
        part = comparable[comparable["comparable_indicator"] == key]
        row = {w["indicator"]: label}
        for period in periods:
            cell = part[part["period_label"] == period]
            if cell.empty or _missing(cell.iloc[0]["measure"]):
                row[period] = "—"
                continue
            c = cell.iloc[0]
            text = f"{qualified(c['value_min'], c['qualifier'], lang, words=False)} {c['unit']}"
            if c["measure"] == "achieved":
                text = w["achieved_in"].format(value=text)
                if c["target_basis"] == "derived":
                    text += f" ({w['derived_in'].format(value=quantity(c['target_point'], lang))})"
            row[period] = text
        out.append(row)
    return pd.DataFrame(out)


def unit_cost_table(comparable: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Cost per unit of output for the indicators some period funds by task, per period.

    Periods without a budget for that output say so rather than splitting a programme total.
    """
    w = WORDS[lang]
    funded = comparable.groupby("comparable_indicator", sort=False)["budget_task_code"].apply(
        lambda codes: codes.notna().any()
    )
    labels = _labels(comparable, lang)
    periods = list(dict.fromkeys(comparable.sort_values("period_start")["period_label"]))
    out = []
    for key in [k for k in labels.index if funded[k]]:
        part = comparable[comparable["comparable_indicator"] == key]
        row = {w["indicator"]: labels[key]}
        for period in periods:
            cell = part[part["period_label"] == period]
            if cell.empty:
                row[period] = "—"
                continue
            c = cell.iloc[0]
            cost = c["unit_cost_mvnd"]
            if _missing(c["budget_mvnd"]):
                row[period] = w["no_budget"]
            elif _missing(cost):
                row[period] = w["no_target"]
            else:
                shown = format_number(cost, 1 if cost < 100 else 0, lang)
                row[period] = w["cost_formula"].format(
                    cost=f"{shown} {w['mvnd_unit']}",
                    unit=c["unit"],
                    budget=f"{format_number(c['budget_mvnd'], 0, lang)} {w['mvnd_unit']}",
                    count=quantity(c["value_min"], lang),
                )
        out.append(row)
    return pd.DataFrame(out)


def period_budgets(periods: pd.DataFrame, budgets: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """programme_budgets rows of the given periods, in period order, with label and source."""
    keep = periods[["programme_id", "period_label", "budget_source_file", "budget_source_line"]]
    out = keep.merge(budgets, on="programme_id", how="left")
    w = WORDS[lang]
    out["basis"] = [w.get(f"basis_{b}", "—") for b in out["real_basis"]]
    out["source"] = [
        short_ref(f, ln)
        for f, ln in zip(out["budget_source_file"], out["budget_source_line"], strict=True)
    ]
    return out


def comparable_data(comparable: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The numbers behind the comparable-targets chart, kinds in words, source as 'file:line'."""
    w = WORDS[lang]
    return comparable.assign(
        measure=[w.get(f"measure_{m}", "—") for m in comparable["measure"]],
        qualifier=[w.get(f"kind_{q}", "—") for q in comparable["qualifier"]],
        source=[
            short_ref(f, ln)
            for f, ln in zip(comparable["source_file"], comparable["source_line"], strict=True)
        ],
    )


def cited_files(files: pd.Series, lines: pd.Series, lang: str = "vi") -> str:
    """'001_….txt (dòng 5, 99), 000_….txt (dòng 205)': each source file with its cited lines."""
    word = "dòng" if lang == "vi" else "lines"
    cited: dict[str, list[str]] = {}
    for name, line in zip(files, lines, strict=True):
        cited.setdefault(str(name), [])
        if str(line) not in cited[str(name)]:
            cited[str(name)].append(str(line))
    return ", ".join(f"{name} ({word} {', '.join(ls)})" for name, ls in cited.items())
