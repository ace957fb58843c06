"""Figure builders of the budget-allocation and province-comparison pages (pure plotly)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from plans.charts.base import PALETTE, data_labels
from plans.messages import N_, t
from plans.numbers import (
    format_mvnd,
    format_mvnd_label,
    format_number,
    format_pct,
    plotly_separators,
)

# Bar fill patterns beside the colours, so series stay apart without colour vision.
PATTERNS: tuple[str, ...] = ("", "/", ".", "x", "\\", "+", "-", "|")
# Up to this many province-period series a chart draws one coloured series each; beyond (63
# provinces x 3 periods) a legend of colours is unreadable and hundreds of plotly traces kept
# the browser busy for seconds, so the charts switch to a heatmap, ranked bars and box plots.
MANY_SERIES = 6
# A sequential scale for shares (light = small), colour-blind safe (ColorBrewer Blues).
SHARE_SCALE: tuple[tuple[float, str], ...] = (
    (0.0, "#F7FBFF"), (0.25, "#C6DBEF"), (0.5, "#6BAED6"), (0.75, "#2171B5"), (1.0, "#08306B"),
)  # fmt: skip
ROW_PX = 22  # height of one province-period row in the many-series charts
CELL_TEXT_ROWS = 30  # a heatmap writes each cell's share up to this many rows


def _given(value: object) -> bool:
    """A text cell that holds something (not None, NaN or "")."""
    return isinstance(value, str) and value != ""


def boundary_label(label: str, summed_from: object, missing_from: object, lang: str) -> str:
    """A series as a reader sees it across the 1/7/2025 merger: 'Vĩnh Long 2021-2025 · cộng Bến
    Tre, Trà Vinh, Vĩnh Long (cũ)', '… · thiếu Trà Vinh (cũ)', or the label itself.

    `summed_from` and `missing_from` are the queries' columns (null when there is nothing to say):
    the old provinces summed into the series and those of its successor it lacks.
    """
    notes = [label]
    if _given(summed_from):
        notes.append(t("charts_budget.summed_from", lang, provinces=summed_from))
    if _given(missing_from):
        notes.append(t("charts_budget.missing_from", lang, provinces=missing_from))
    return " · ".join(notes)


def series_names(frame: pd.DataFrame, lang: str, column: str = "series_label") -> pd.Series:
    """Each row's `column` with its boundary notes (boundary_label); as is without the notes'
    columns."""
    if "summed_from" not in frame.columns and "missing_from" not in frame.columns:
        return frame[column].astype(str)
    summed = frame["summed_from"] if "summed_from" in frame.columns else [None] * len(frame)
    missing = frame["missing_from"] if "missing_from" in frame.columns else [None] * len(frame)
    names = [
        boundary_label(str(label), s, m, lang)
        for label, s, m in zip(frame[column], summed, missing, strict=True)
    ]
    return pd.Series(names, index=frame.index, dtype="object")


def _named(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`frame` with each series_label carrying its boundary notes (series_names)."""
    return frame.assign(series_label=series_names(frame, lang))


def _share_text(value: object, lang: str) -> str:
    """A share as a label, or 'not available' when the series has no amount on the common areas
    (a plan without content areas: its share is NaN)."""
    if value is None or value != value:
        return t("charts_budget.no_share", lang)
    return format_pct(float(value), 1, lang)


def series_without_areas(shares: pd.DataFrame, lang: str = "vi") -> list[str]:
    """The series (as their charts name them) with no amount on any content area: their tasks
    have no area assigned, so no share can be computed (queries/province_shares.sql gives NaN)."""
    named = _named(shares, lang)
    known = named.groupby("series_label", sort=False)["share_pct"].apply(
        lambda shares_pct: shares_pct.notna().any()
    )
    return [str(label) for label, has in known.items() if not has]


def _amount(value: float, lang: str) -> str:
    """Million VND as the tables print them: whole millions, one decimal when there is one."""
    decimals = 0 if float(value).is_integer() else 1
    return format_number(float(value), decimals, lang)


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _title(title: str, subtitle: str = "") -> dict[str, object]:
    text = f"{title}<br><sup>{subtitle}</sup>" if subtitle else title
    return {"text": text, "x": 0, "xanchor": "left"}


def _localised(frame: pd.DataFrame, base: str, lang: str) -> pd.Series:
    """`<base>_vi` / `<base>_en` by the reader's language, or `<base>` itself."""
    column = f"{base}_{lang}"
    return frame[column] if column in frame.columns else frame[base]


def _by_group(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in the groups' document order, so colours match across the page's charts."""
    if "group_order" in frame.columns:
        return frame.sort_values("group_order", kind="stable")
    return frame


def _group_colours(keys: list[str]) -> dict[str, str]:
    """A colour per group: content areas by their number (KC1 is always the same colour across
    programmes), sections by their order."""
    colours = {}
    for i, key in enumerate(dict.fromkeys(keys)):
        number = key[2:] if key.startswith("KC") else ""
        index = int(number) - 1 if number.isdigit() else i
        colours[key] = PALETTE[index % len(PALETTE)]
    return colours


def _series_style(labels: list[str]) -> dict[str, tuple[str, str]]:
    """Colour and pattern per series, in the order given (the queries sort them)."""
    return {
        label: (PALETTE[i % len(PALETTE)], PATTERNS[i % len(PATTERNS)])
        for i, label in enumerate(dict.fromkeys(labels))
    }


@data_labels
def allocation_tree(
    tree: pd.DataFrame,
    root_label: str,
    title: str,
    lang: str = "vi",
    shape: str = "treemap",
) -> go.Figure:
    """Programme → section or content area → task, sized by budget; click a box to drill down.

    `tree` has one row per task: programme_id, group_key, group_label_vi/_en (or group_label),
    task_code, task_name, amount_mvnd (queries/budget_alloc_tree.sql). `shape` is "treemap" or
    "sunburst".
    """
    of_root = t("charts_budget.of_root", lang)
    tree = _by_group(tree).assign(group_label=lambda f: _localised(f, "group_label", lang))
    total = float(tree["amount_mvnd"].sum())
    root = str(tree["programme_id"].iloc[0]) if len(tree) else root_label
    ids, labels, parents, values, custom = [root], [root_label], [""], [total], []
    custom.append([root_label, format_mvnd(total, lang), format_pct(100.0, 1, lang)])
    groups = tree.groupby("group_key", sort=False)
    for key, rows in groups:
        amount = float(rows["amount_mvnd"].sum())
        ids.append(f"{root}/{key}")
        labels.append(str(key))
        parents.append(root)
        values.append(amount)
        share = format_pct(100.0 * amount / total, 1, lang) if total else "—"
        name = _short(rows["group_label"].iloc[0])
        custom.append([name, format_mvnd(amount, lang), f"{share} {of_root}"])
    for row in tree.itertuples(index=False):
        amount = float(row.amount_mvnd)
        ids.append(f"{root}/{row.group_key}/{row.task_code}")
        labels.append(str(row.task_code))
        parents.append(f"{root}/{row.group_key}")
        values.append(amount)
        share = format_pct(100.0 * amount / total, 1, lang) if total else "—"
        custom.append([_short(row.task_name), format_mvnd(amount, lang), f"{share} {of_root}"])
    trace_type = go.Sunburst if shape == "sunburst" else go.Treemap
    trace = trace_type(
        ids=ids,
        labels=labels,
        parents=parents,
        values=values,
        branchvalues="total",
        customdata=custom,
        texttemplate="<b>%{label}</b><br>%{customdata[1]}",
        hovertemplate="<b>%{label}</b> · %{customdata[0]}<br>%{customdata[1]} · %{customdata[2]}"
        "<extra></extra>",
        maxdepth=3,
    )
    fig = go.Figure(trace)
    colours = _group_colours([str(k) for k in tree["group_key"]])
    # Each branch keeps its group's colour, so a task is seen under its section or area.
    branch = ["#FFFFFF"] + [colours[i.split("/")[1]] for i in ids[1:]]
    fig.update_traces(marker={"colors": branch})
    fig.update_layout(
        title=_title(title),
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        separators=plotly_separators(lang),
        height=560,
    )
    return fig


@data_labels
def year_stack(years: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Budget per year stacked by section or content area, with each year's total on top.

    `years` has one row per year and group: year, group_key, group_label_vi/_en (or
    group_label), amount_mvnd (queries/budget_alloc_years.sql).
    """
    years = _by_group(years).assign(group_label=lambda f: _localised(f, "group_label", lang))
    fig = go.Figure()
    colours = _group_colours([str(k) for k in years["group_key"]])
    for key, rows in years.groupby("group_key", sort=False):
        label = _short(rows["group_label"].iloc[0], 60)
        fig.add_bar(
            x=rows["year"].astype(int).tolist(),
            y=rows["amount_mvnd"].tolist(),
            name=str(key),
            marker={"color": colours[str(key)]},
            customdata=[[label, format_mvnd(a, lang)] for a in rows["amount_mvnd"]],
            hovertemplate=f"<b>{key}</b> · %{{customdata[0]}}<br>%{{x}}: %{{customdata[1]}}"
            "<extra></extra>",
        )
    totals = years.groupby("year", sort=True)["amount_mvnd"].sum()
    for year, amount in totals.items():
        fig.add_annotation(
            x=int(year),
            y=float(amount),
            text=_amount(float(amount), lang),
            showarrow=False,
            yshift=10,
            font={"size": 12},
        )
    fig.update_layout(
        title=_title(title),
        barmode="stack",
        xaxis={"title": t("charts_budget.year", lang), "dtick": 1, "type": "linear"},
        # full figures with the reader's separators, not plotly's "50k"
        yaxis={"title": t("charts_budget.amount", lang), "tickformat": ",.0f"},
        legend_title_text="",
        margin={"l": 60, "r": 20, "t": 70, "b": 40},
        separators=plotly_separators(lang),
    )
    return fig


def _period_parts(frame: pd.DataFrame, lang: str) -> str:
    periods = frame.drop_duplicates("series_label")
    spans = (int(row.period_end - row.period_start + 1) for row in periods.itertuples())
    years = (t("charts_budget.years", lang, n=n) for n in spans)
    return "; ".join(
        f"{label} ({span})" for label, span in zip(periods["series_label"], years, strict=True)
    )


def period_labels(frame: pd.DataFrame) -> pd.Series:
    """'2016-2020' for each row's period_start and period_end."""
    return (
        frame["period_start"].astype(int).astype(str)
        + "-"
        + frame["period_end"].astype(int).astype(str)
    )


def _many_note(frame: pd.DataFrame, lang: str, mixed_note: str = "") -> str:
    """How many programmes a national chart holds, and of which period(s); `mixed_note` is
    added only when the periods differ."""
    n = frame["series_label"].nunique()
    periods = sorted(set(period_labels(frame)))
    if len(periods) == 1:
        return t("charts_budget.many_one", lang, n=n, period=periods[0])
    return t("charts_budget.many_mixed", lang, n=n, k=len(periods)) + mixed_note


def many_series(frame: pd.DataFrame) -> bool:
    """Whether `frame` holds more province-period series than a legend can tell apart."""
    return frame["series_label"].nunique() > MANY_SERIES


def _rows_height(n: int) -> int:
    return max(420, ROW_PX * n + 180)


@data_labels
def area_share_bars(shares: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Each province-period's share of budget per common content area: grouped bars, or a
    heatmap (a row per series) beyond MANY_SERIES series.

    `shares` has one row per series and content area: series_label, period_start, period_end,
    content_area, area_name_vi/_en (or area_name), amount_mvnd, share_pct, and optionally
    summed_from, missing_from, said beside the series' name (queries/province_shares.sql). A
    series without amounts on the common areas has no share: its bars say so.
    """
    shares = _named(shares, lang).assign(area_name=lambda f: _localised(f, "area_name", lang))
    if many_series(shares):
        return _area_share_heatmap(shares, title, lang)
    style = _series_style(shares["series_label"].tolist())
    fig = go.Figure()
    for label, rows in shares.groupby("series_label", sort=False):
        colour, pattern = style[str(label)]
        fig.add_bar(
            x=rows["content_area"].tolist(),
            y=rows["share_pct"].tolist(),
            name=str(label),
            marker={"color": colour, "pattern": {"shape": pattern}},
            text=[_share_text(p, lang) for p in rows["share_pct"]],
            textposition="outside",
            customdata=[
                [_short(n, 60), format_mvnd(a, lang)]
                for n, a in zip(rows["area_name"], rows["amount_mvnd"], strict=True)
            ],
            hovertemplate=f"<b>{label}</b><br>%{{x}} · %{{customdata[0]}}<br>"
            "%{text} · %{customdata[1]}<extra></extra>",
        )
    distinct = shares.drop_duplicates(["period_start", "period_end"])
    subtitle = (
        t("charts_budget.period_note", lang, parts=_period_parts(shares, lang))
        if len(distinct) > 1
        else ""
    )
    fig.update_layout(
        title=_title(title, subtitle),
        barmode="group",
        xaxis_title=t("charts_budget.area", lang),
        yaxis={"title": t("charts_budget.share", lang), "tickformat": ",.0f"},
        legend={"title": {"text": t("charts_budget.series", lang)}, "orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 20, "t": 80, "b": 40},
        separators=plotly_separators(lang),
        uniformtext={"minsize": 9, "mode": "hide"},
    )
    return fig


def _area_share_heatmap(shares: pd.DataFrame, title: str, lang: str) -> go.Figure:
    """Series (rows, in the query's order) by content area, coloured and labelled by share."""
    series = list(dict.fromkeys(shares["series_label"]))
    areas = list(dict.fromkeys(shares["content_area"]))
    cells = shares.set_index(["series_label", "content_area"]).reindex(
        pd.MultiIndex.from_product([series, areas])
    )
    shape = (len(series), len(areas))
    # the query lists every area for every series; a missing cell stays empty
    z = [[None if v != v else float(v) for v in row] for row in
         cells["share_pct"].to_numpy(dtype="float64").reshape(shape)]  # fmt: skip
    text = [[_share_text(v, lang) for v in row] for row in z]
    names = [_short(n, 60) if isinstance(n, str) else "" for n in cells["area_name"]]
    amounts = [format_mvnd(float(a), lang) if a == a else "" for a in cells["amount_mvnd"]]
    flat = [list(pair) for pair in zip(names, amounts, strict=True)]
    custom = [flat[r * len(areas) : (r + 1) * len(areas)] for r in range(len(series))]
    fig = go.Figure(
        go.Heatmap(
            x=areas,
            y=series,
            z=z,
            text=text,
            # the share in each cell while the rows are few; at 63 provinces hundreds of cell
            # labels cost the browser about 0.4 s, and colour, hover and the table tell it
            texttemplate="%{text}" if len(series) <= CELL_TEXT_ROWS else None,
            customdata=custom,
            colorscale=[list(stop) for stop in SHARE_SCALE],
            zmin=0,
            colorbar={"title": {"text": "%"}},
            hoverongaps=False,
            hovertemplate="<b>%{y}</b><br>%{x} · %{customdata[0]}<br>%{text} · "
            "%{customdata[1]}<extra></extra>",
        )
    )
    fig.update_layout(
        title=_title(title, _many_note(shares, lang, t("charts_budget.many_lengths", lang))),
        xaxis={"title": t("charts_budget.area", lang), "side": "top", "type": "category"},
        yaxis={
            "title": t("charts_budget.series", lang),
            "autorange": "reversed",
            "type": "category",
        },
        height=_rows_height(len(series)),
        margin={"l": 60, "r": 20, "t": 120, "b": 40},
        separators=plotly_separators(lang),
    )
    return fig


@data_labels
def per_year_bars(per_year: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """One bar per province-period: total budget divided by the years of its period; beyond
    MANY_SERIES series, horizontal bars ranked largest first, coloured by period.

    `per_year` has one row per series: series_label, period_start, period_end, n_years,
    total_mvnd, per_year_mvnd, and optionally summed_from, missing_from, said beside the series'
    name (queries/province_budget_per_year.sql).
    """
    per_year = _named(per_year, lang)
    if many_series(per_year):
        return _ranked_per_year(per_year, title, lang)
    unit = t("charts_budget.per_year_unit", lang)
    style = _series_style(per_year["series_label"].tolist())
    fig = go.Figure()
    for row in per_year.itertuples(index=False):
        colour, pattern = style[str(row.series_label)]
        fig.add_bar(
            x=[row.series_label],
            y=[row.per_year_mvnd],
            name=str(row.series_label),
            marker={"color": colour, "pattern": {"shape": pattern}},
            text=[f"{_amount(row.per_year_mvnd, lang)} {unit}"],
            textposition="outside",
            customdata=[
                [format_mvnd(row.total_mvnd, lang), t("charts_budget.years", lang, n=row.n_years)]
            ],
            hovertemplate="<b>%{x}</b><br>%{text}<br>= %{customdata[0]} / %{customdata[1]}"
            "<extra></extra>",
        )
    subtitle = t("charts_budget.per_year_note", lang, parts=_period_parts(per_year, lang))
    top = float(per_year["per_year_mvnd"].max()) if len(per_year) else 0.0
    fig.update_layout(
        title=_title(title, subtitle),
        xaxis_title=t("charts_budget.series", lang),
        yaxis={
            "title": t("charts_budget.per_year", lang),
            "range": [0, top * 1.15 if top else 1],
            "tickformat": ",.0f",
        },
        showlegend=False,
        margin={"l": 60, "r": 20, "t": 80, "b": 40},
        separators=plotly_separators(lang),
    )
    return fig


def _ranked_per_year(per_year: pd.DataFrame, title: str, lang: str) -> go.Figure:
    """Horizontal bars, largest average first, one trace (colour) per period."""
    unit = t("charts_budget.per_year_unit", lang)
    frame = per_year.assign(period=period_labels(per_year)).sort_values(
        ["per_year_mvnd", "series_label"], ascending=[False, True], kind="stable"
    )
    fig = go.Figure()
    for i, (period, rows) in enumerate(frame.groupby("period", sort=True)):
        fig.add_bar(
            x=rows["per_year_mvnd"].tolist(),
            y=rows["series_label"].tolist(),
            orientation="h",
            name=str(period),
            marker={"color": PALETTE[i % len(PALETTE)], "pattern": {"shape": PATTERNS[i]}},
            text=[f"{_amount(v, lang)} {unit}" for v in rows["per_year_mvnd"]],
            textposition="auto",
            customdata=[
                [format_mvnd(total, lang), t("charts_budget.years", lang, n=n)]
                for total, n in zip(rows["total_mvnd"], rows["n_years"], strict=True)
            ],
            hovertemplate="<b>%{y}</b><br>%{text}<br>= %{customdata[0]} / %{customdata[1]}"
            "<extra></extra>",
        )
    fig.update_layout(
        title=_title(title, _many_note(frame, lang) + t("charts_budget.many_per_year", lang)),
        xaxis={"title": t("charts_budget.per_year", lang), "tickformat": ",.0f", "side": "top"},
        yaxis={
            "title": t("charts_budget.series", lang),
            "categoryorder": "array",
            "categoryarray": frame["series_label"].tolist(),
            "autorange": "reversed",
        },
        legend={"title": {"text": t("charts_budget.period", lang)}, "orientation": "h",
                "y": 1.0, "x": 1.0, "xanchor": "right", "yanchor": "bottom"},
        height=_rows_height(len(frame)),
        margin={"l": 60, "r": 20, "t": 120, "b": 40},
        separators=plotly_separators(lang),
        uniformtext={"minsize": 9, "mode": "hide"},
    )  # fmt: skip
    return fig


@data_labels
def unit_cost_bars(costs: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Planned million VND per unit of output, one panel per pair (their scales differ); beyond
    MANY_SERIES series, each panel shows the spread over the provinces, a box per period.

    `costs` has one row per pair, series and task: pair, pair_label_vi/_en (or pair_label),
    series_label, task_code, amount_mvnd, quantity, unit, unit_cost_mvnd, and optionally
    summed_from, missing_from, said beside the series' name (queries/province_unit_costs.sql).
    """
    costs = _named(costs, lang).assign(pair_label=lambda f: _localised(f, "pair_label", lang))
    if many_series(costs):
        return _unit_cost_boxes(costs, title, lang)
    million = t("charts_budget.million", lang)
    style = _series_style(costs["series_label"].tolist())
    pairs = list(dict.fromkeys(costs["pair"]))
    titles = [str(costs.loc[costs["pair"] == p, "pair_label"].iloc[0]) for p in pairs]
    fig = make_subplots(rows=1, cols=max(len(pairs), 1), subplot_titles=titles or None)
    shown: set[str] = set()
    for col, pair in enumerate(pairs, start=1):
        rows = costs[costs["pair"] == pair]
        for row in rows.itertuples(index=False):
            colour, pattern = style[str(row.series_label)]
            detail = t(
                "charts_budget.per_unit",
                lang,
                amount=_amount(row.amount_mvnd, lang),
                qty=_amount(row.quantity, lang),
                unit=row.unit,
                cost=_amount(row.unit_cost_mvnd, lang),
            )
            fig.add_bar(
                x=[row.series_label],
                y=[row.unit_cost_mvnd],
                name=str(row.series_label),
                legendgroup=str(row.series_label),
                showlegend=row.series_label not in shown,
                marker={"color": colour, "pattern": {"shape": pattern}},
                text=[f"{_amount(row.unit_cost_mvnd, lang)} {million}"],
                textposition="outside",
                customdata=[[row.task_code, detail]],
                hovertemplate="<b>%{x}</b> · %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
                row=1,
                col=col,
            )
            shown.add(str(row.series_label))
        top = float(rows["unit_cost_mvnd"].max())
        fig.update_yaxes(range=[0, top * 1.2], tickformat=",.1~f", row=1, col=col)
    fig.update_yaxes(title_text=t("charts_budget.unit_cost", lang), row=1, col=1)
    fig.update_layout(
        title=_title(title),
        legend={"title": {"text": t("charts_budget.series", lang)}, "orientation": "h", "y": -0.15},
        margin={"l": 60, "r": 20, "t": 90, "b": 40},
        separators=plotly_separators(lang),
    )
    return fig


def _per_unit_text(row: object, lang: str) -> str:
    return t(
        "charts_budget.per_unit",
        lang,
        amount=_amount(row.amount_mvnd, lang),
        qty=_amount(row.quantity, lang),
        unit=row.unit,
        cost=_amount(row.unit_cost_mvnd, lang),
    )


def _unit_cost_boxes(costs: pd.DataFrame, title: str, lang: str) -> go.Figure:
    """A panel per pair; in each, a box of the tasks' unit costs per period, every task a dot."""
    costs = costs.assign(period=period_labels(costs))
    pairs = list(dict.fromkeys(costs["pair"]))
    titles = [str(costs.loc[costs["pair"] == p, "pair_label"].iloc[0]) for p in pairs]
    fig = make_subplots(rows=1, cols=len(pairs), subplot_titles=titles)
    periods = sorted(costs["period"].unique())
    for col, pair in enumerate(pairs, start=1):
        for i, period in enumerate(periods):
            rows = costs[(costs["pair"] == pair) & (costs["period"] == period)]
            if rows.empty:
                continue
            fig.add_box(
                x=[period] * len(rows),
                y=rows["unit_cost_mvnd"].tolist(),
                name=period,
                legendgroup=period,
                showlegend=col == 1,
                marker={"color": PALETTE[i % len(PALETTE)], "size": 5},
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                customdata=[
                    [f"{r.series_label} · {r.task_code}", _per_unit_text(r, lang)]
                    for r in rows.itertuples(index=False)
                ],
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
                row=1,
                col=col,
            )
        fig.update_yaxes(rangemode="tozero", tickformat=",.1~f", row=1, col=col)
    fig.update_yaxes(title_text=t("charts_budget.unit_cost", lang), row=1, col=1)
    fig.update_layout(
        title=_title(title, t("charts_budget.many_costs", lang)),
        legend={"title": {"text": t("charts_budget.period", lang)}, "orientation": "h", "y": -0.15},
        margin={"l": 60, "r": 20, "t": 100, "b": 40},
        separators=plotly_separators(lang),
    )
    return fig


# --- funding sources -------------------------------------------------------------------------

# A fixed Okabe-Ito colour per funding source (the same on every page), 'not stated' in grey.
FUNDING_COLOURS: dict[str | None, str] = {
    "trung_uong": PALETTE[0],
    "dia_phuong": PALETTE[1],
    "doi_ung": PALETTE[2],
    "khac": PALETTE[3],
    None: PALETTE[8],
}
FUNDING_LABELS: dict[str | None, str] = {
    "trung_uong": N_("funding.trung_uong"),
    "dia_phuong": N_("funding.dia_phuong"),
    "doi_ung": N_("funding.doi_ung"),
    "khac": N_("funding.khac"),
    None: N_("funding.not_stated"),
}


def _source(code: object) -> str | None:
    """A funding_source cell as a code (None for not stated: NULL, NaN or '')."""
    return code if isinstance(code, str) and code in FUNDING_LABELS else None


def funding_label(code: object, lang: str = "vi") -> str:
    """'Khuyến công quốc gia' for 'trung_uong'; 'Không ghi nguồn' for a line that does not say."""
    key = FUNDING_LABELS[_source(code)]
    return t(key, lang)


def funding_labels(frame: pd.DataFrame, lang: str = "vi") -> pd.Series:
    """Each row's funding source in words (funding_label)."""
    return pd.Series(
        [funding_label(code, lang) for code in frame["funding_source"]],
        index=frame.index,
        dtype="object",
    )


def states_sources(frame: pd.DataFrame) -> bool:
    """Whether any line behind `frame` states its funding source (a split worth drawing)."""
    return bool(len(frame)) and any(_source(code) for code in frame["funding_source"])


@data_labels
def funding_share_bars(shares: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """One programme's budget by funding source: a bar per source, 'not stated' included.

    `shares` is queries/funding_shares.sql (funding_source, amount_mvnd, share_pct), in its
    order; each bar says its share and amount in the reader's notation.
    """
    codes = [_source(code) for code in shares["funding_source"]]
    labels = [funding_label(code, lang) for code in codes]
    fig = go.Figure(
        go.Bar(
            x=shares["share_pct"].tolist(),
            y=labels,
            orientation="h",
            text=[
                f"{_share_text(p, lang)} · {format_mvnd_label(a, lang)}"
                for p, a in zip(shares["share_pct"], shares["amount_mvnd"], strict=True)
            ],
            textposition="auto",
            marker={"color": [FUNDING_COLOURS[code] for code in codes]},
            hovertemplate="%{y}<br>%{text}<extra></extra>",
        )
    )
    fig.update_layout(
        title=_title(title),
        xaxis={
            "title": t("charts_budget.share", lang),
            "tickformat": ",.0f",
            "rangemode": "tozero",
        },
        yaxis={"title": t("funding.source", lang), "autorange": "reversed"},
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        separators=plotly_separators(lang),
    )
    return fig


@data_labels
def province_funding_bars(shares: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Each province-period's budget by funding source: a stacked bar of 100 % per series.

    `shares` is queries/province_funding_shares.sql (series_label, funding_source, amount_mvnd,
    share_pct, summed_from, missing_from); a series is named with its boundary notes. One trace
    per source in the queries' order, so the colours and the legend are the same everywhere.
    """
    shares = _named(shares, lang)
    series = list(dict.fromkeys(shares["series_label"]))
    codes = shares["funding_source"].map(_source)
    fig = go.Figure()
    for code in FUNDING_LABELS:
        rows = shares[(codes == code) if code is not None else codes.isna()]
        if rows.empty:
            continue
        label = funding_label(code, lang)
        fig.add_bar(
            x=rows["share_pct"].tolist(),
            y=rows["series_label"].tolist(),
            name=label,
            orientation="h",
            marker={"color": FUNDING_COLOURS[code]},
            text=[_share_text(p, lang) for p in rows["share_pct"]],
            textposition="inside",
            customdata=[format_mvnd(a, lang) for a in rows["amount_mvnd"]],
            hovertemplate=f"<b>%{{y}}</b><br>{label}: %{{text}} · %{{customdata}}<extra></extra>",
        )
    fig.update_layout(
        title=_title(title),
        barmode="stack",
        height=_rows_height(len(series)) if len(series) > MANY_SERIES else None,
        xaxis={"title": t("charts_budget.share", lang), "tickformat": ",.0f", "range": [0, 100]},
        yaxis={"title": t("charts_budget.series", lang), "autorange": "reversed"},
        legend={"title": {"text": t("funding.source", lang)}, "orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        separators=plotly_separators(lang),
        uniformtext={"minsize": 9, "mode": "hide"},
    )
    return fig


# --- yearly execution: plan, allocated and disbursed (queries/programme_budget_years.sql) -----

# A stated rate's check (percentage_checks.status) in the reader's words.
CHECK_IDS: dict[str, str] = {
    "ok": N_("execution.check_ok"),
    "differs": N_("execution.check_differs"),
    "not_checkable": N_("execution.check_not_checkable"),
}
# The three bars of a year: the plan of what the figures cover, allocated, disbursed.
EXECUTION_BARS: tuple[tuple[str, str, str, str], ...] = (
    ("planned_mvnd", N_("execution.planned"), PALETTE[8], ""),
    ("allocated_mvnd", N_("execution.allocated"), PALETTE[0], "/"),
    ("disbursed_mvnd", N_("execution.disbursed"), PALETTE[2], ""),
)


def _number(value: object) -> float | None:
    """A figure of the frame, or None for a missing one (NaN, NA, None)."""
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return float(value)  # type: ignore[arg-type]


def execution_scope(years: pd.DataFrame, section: str | None = None) -> pd.DataFrame:
    """The rows of one scope, in year order: the programme (`section` None or '') or a section."""
    if section:
        rows = years[(years["scope"] == "section") & (years["section_code"] == section)]
    else:
        rows = years[years["scope"] == "programme"]
    return rows.sort_values("year").reset_index(drop=True)


def has_execution(years: pd.DataFrame) -> bool:
    """Whether any year of the programme has an allocated or disbursed figure."""
    return bool(len(years)) and bool(years["has_figures"].fillna(False).astype(bool).any())


def execution_scopes(years: pd.DataFrame, lang: str = "vi") -> dict[str, str]:
    """The scopes a reader may choose ('' = the whole programme, then each section reported)
    with their labels."""
    scopes = {"": t("execution.scope_label_programme", lang)}
    sections = years[(years["scope"] == "section")].drop_duplicates("section_code")
    for row in sections.itertuples():
        name = row.section_name if _given(row.section_name) else ""
        scopes[str(row.section_code)] = t(
            "execution.scope_label_section", lang, code=row.section_code, name=_short(name, 60)
        )
    return scopes


def _pct_or_dash(value: object, lang: str) -> str:
    number = _number(value)
    return "—" if number is None else format_pct(number, 1, lang)


def _check_word(status: object, lang: str) -> str:
    if not _given(status):
        return ""
    key = CHECK_IDS[str(status)]
    return t(key, lang)


def stated_rate(row: pd.Series, lang: str = "vi") -> str:
    """The document's own disbursement rate beside its check: '97,5% (không khớp)', or ''."""
    if not _given(row.get("stated_pct_text")):
        return ""
    return t(
        "execution.stated_value",
        lang,
        stated=row["stated_pct_text"],
        check=_check_word(row.get("stated_status"), lang),
    )


@data_labels
def execution_chart(
    years: pd.DataFrame, title: str, lang: str = "vi", section: str | None = None
) -> go.Figure:
    """Plan, allocated and disbursed of each year (bars), and disbursed to date as a share of
    the period plan (line, right axis), for one scope of queries/programme_budget_years.sql.

    Traces 0-2 are the bars (planned of what the figures cover, allocated, disbursed), trace 3
    the line. The disbursed bar's hover gives the rate computed (disbursed / allocated and
    / planned) and, where the report states one, its own rate with whether it matches.
    """
    rows = execution_scope(years, section)
    x = rows["year"].astype(int).tolist()
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for column, key, colour, pattern in EXECUTION_BARS:
        name = t(key, lang)
        hover = []
        for _, row in rows.iterrows():
            amount = _number(row[column])
            shown = "—" if amount is None else format_mvnd(amount, lang)
            parts = [f"<b>{int(row['year'])}</b> · {name}: {shown}"]
            if column == "allocated_mvnd" and amount is not None:
                parts.append(
                    t(
                        "execution.hover_of_plan",
                        lang,
                        pct=_pct_or_dash(row["allocated_pct_of_planned"], lang),
                    )
                )
            if column == "disbursed_mvnd" and amount is not None:
                parts.append(
                    t(
                        "execution.hover_rate",
                        lang,
                        pct=_pct_or_dash(row["disbursed_pct_of_allocated"], lang),
                    )
                )
                parts.append(
                    t(
                        "execution.hover_of_plan",
                        lang,
                        pct=_pct_or_dash(row["disbursed_pct_of_planned"], lang),
                    )
                )
                stated = stated_rate(row, lang)
                if stated:
                    parts.append(t("execution.hover_stated", lang, stated=stated))
            hover.append("<br>".join(parts))
        values = [_number(v) for v in rows[column]]
        # the disbursed bar carries its computed rate, as a reader reads it off first
        rates = [_pct_or_dash(p, lang) for p in rows["disbursed_pct_of_allocated"]]
        labels = [r if v is not None else "" for r, v in zip(rates, values, strict=True)]
        fig.add_trace(
            go.Bar(
                x=x,
                y=values,
                name=name,
                marker={"color": colour, "pattern": {"shape": pattern}},
                text=labels if column == "disbursed_mvnd" else None,
                textposition="outside",
                customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
            ),
            secondary_y=False,
        )
    cum_name = t("execution.cum_line", lang)
    cum_hover, cum_text = [], []
    for _, row in rows.iterrows():
        to_date, plan = _number(row["cum_disbursed_mvnd"]), _number(row["period_planned_mvnd"])
        pct = _pct_or_dash(row["cum_disbursed_pct_of_period"], lang)
        cum_text.append("" if _number(row["cum_disbursed_pct_of_period"]) is None else pct)
        cum_hover.append(
            ""
            if to_date is None
            else t(
                "execution.hover_cum",
                lang,
                year=int(row["year"]),
                amount=format_mvnd(to_date, lang),
                pct=pct,
                plan="—" if plan is None else format_mvnd(plan, lang),
            )
        )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[_number(v) for v in rows["cum_disbursed_pct_of_period"]],
            name=cum_name,
            mode="lines+markers+text",
            line={"color": PALETTE[5], "width": 3},
            marker={"size": 9},
            text=cum_text,
            textposition="top center",
            customdata=cum_hover,
            hovertemplate="%{customdata}<extra></extra>",
        ),
        secondary_y=True,
    )
    top = max([100.0, *[v for v in map(_number, rows["cum_disbursed_pct_of_period"]) if v]])
    fig.update_layout(
        title=_title(title),
        barmode="group",
        xaxis={"title": t("charts_budget.year", lang), "dtick": 1, "type": "linear"},
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 60, "t": 70, "b": 80},
        separators=plotly_separators(lang),
    )
    fig.update_yaxes(
        title_text=t("charts_budget.amount", lang), tickformat=",.0f", secondary_y=False
    )
    fig.update_yaxes(
        title_text=t("execution.axis_cum", lang),
        ticksuffix="%",
        range=[0, top * 1.15],
        showgrid=False,
        secondary_y=True,
    )
    return fig


def execution_data(
    years: pd.DataFrame, lang: str = "vi", section: str | None = None
) -> pd.DataFrame:
    """The numbers behind the execution chart for one scope, with the stated rate and its check
    as text and the report's rows cited (for the table under the chart and its downloads)."""
    rows = execution_scope(years, section)
    return rows.assign(
        year=rows["year"].astype(int).astype(str),  # a year is a label, not an amount
        # the ratios under names ending in _pct: tables show them as percentages
        allocated_plan_pct=rows["allocated_pct_of_planned"],
        disbursed_plan_pct=rows["disbursed_pct_of_planned"],
        rate_pct=rows["disbursed_pct_of_allocated"],
        cum_period_pct=rows["cum_disbursed_pct_of_period"],
        stated=[stated_rate(row, lang) or "—" for _, row in rows.iterrows()],
        source=[
            f"{f}:{ln}" if _given(f) and _given(ln) else "—"
            for f, ln in zip(rows["source_file"], rows["source_lines"], strict=True)
        ],
    )


def execution_note(years: pd.DataFrame, lang: str = "vi", section: str | None = None) -> str:
    """What the figures are compared with: the plan of exactly what the report covers.

    '' when the scope's own rows are reported (or nothing is); else a sentence naming the
    sections or tasks added up and the plan they are set against, beside the scope's whole.
    """
    rows = execution_scope(years, section)
    reported = rows[rows["has_figures"].fillna(False).astype(bool)]
    if reported.empty or not _given(reported["covered"].iloc[0]):
        return ""
    whole = reported["scope_planned_mvnd"].sum(min_count=1)
    return t(
        "execution.note_covered",
        lang,
        covered=reported["covered"].iloc[0],
        plan=format_mvnd(float(reported["period_planned_mvnd"].iloc[0]), lang),
        total=format_mvnd(float(whole), lang) if _number(whole) is not None else "—",
    )


# The columns of the table under the execution chart (execution_data), in order.
EXECUTION_COLUMNS: tuple[str, ...] = (
    "year",
    "planned_mvnd",
    "allocated_mvnd",
    "disbursed_mvnd",
    "allocated_plan_pct",
    "disbursed_plan_pct",
    "rate_pct",
    "stated",
    "cum_disbursed_mvnd",
    "cum_period_pct",
    "source",
)


def execution_headers(lang: str = "vi") -> dict[str, str]:
    """The reader's headers of EXECUTION_COLUMNS."""
    return {
        "year": t("execution.col_year", lang),
        "planned_mvnd": t("execution.col_planned", lang),
        "allocated_mvnd": t("execution.col_allocated", lang),
        "disbursed_mvnd": t("execution.col_disbursed", lang),
        "allocated_plan_pct": t("execution.col_allocated_pct", lang),
        "disbursed_plan_pct": t("execution.col_disbursed_plan_pct", lang),
        "rate_pct": t("execution.col_rate", lang),
        "stated": t("execution.col_stated", lang),
        "cum_disbursed_mvnd": t("execution.col_cum", lang),
        "cum_period_pct": t("execution.col_cum_pct", lang),
        "source": t("execution.col_source", lang),
    }
