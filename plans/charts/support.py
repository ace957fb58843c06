"""Figure builders of the support-records page (pure plotly): provinces, years, areas, places."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from plans.charts.base import PALETTE, data_labels
from plans.charts.budget import FUNDING_COLOURS, funding_label, series_names
from plans.messages import t
from plans.numbers import (
    format_mvnd,
    format_mvnd_label,
    format_number,
    format_pct,
    plotly_separators,
)

NO_AREA = "—"  # how a record whose task has no content area is labelled on the axis
# The places a district chart draws at most (the largest amounts); the table under it has all.
DISTRICT_BARS = 30
# Okabe-Ito vermillion (fall) through white to blue (rise): readable without colour vision.
CHANGE_SCALE = ((0.0, "#D55E00"), (0.5, "#FFFFFF"), (1.0, "#0072B2"))


def _title(title: str) -> dict[str, object]:
    return {"text": title, "x": 0, "xanchor": "left"}


def ranked_layout(
    fig: go.Figure,
    title: str,
    xaxis: dict[str, object],
    y_title: str,
    rows: int,
    lang: str,
    *,
    least: int = 320,
    row_px: int = 24,
    left: int = 140,
) -> None:
    """The layout of a chart of horizontal bars ranked from the top: the first row on top, a
    height that grows with the rows, a margin that grows with the names, labels that do not
    fit hidden rather than shrunk."""
    fig.update_layout(
        title=_title(title),
        xaxis=xaxis,
        yaxis={"title": y_title, "autorange": "reversed", "automargin": True},
        height=max(least, row_px * rows + 140),
        margin={"l": left, "r": 20, "t": 60, "b": 40},
        separators=plotly_separators(lang),
        uniformtext={"minsize": 9, "mode": "hide"},
    )


def _count(value: float, word: str, lang: str) -> str:
    # nothing for a count not written (beneficiaries of imported records may be NULL)
    if value is None or pd.isna(value):
        return ""
    return f"{format_number(float(value), 0, lang)} {word}"


def _signed_pct(value: float, lang: str) -> str:
    return ("+" if value > 0 else "") + format_pct(value, 1, lang)


def year_changes(years: pd.DataFrame) -> pd.DataFrame:
    """Each year's amount beside the year before (null when that year has no records) and the
    change in percent (null when there is no previous amount or it is 0), as support_yoy does
    per province."""
    frame = years.sort_values("year").reset_index(drop=True)
    previous = dict(zip(frame["year"].astype(int) + 1, frame["amount_mvnd"], strict=True))
    prev = [previous.get(int(y)) for y in frame["year"]]
    change = [
        100.0 * (a - p) / p if p is not None and p != 0 else None
        for a, p in zip(frame["amount_mvnd"], prev, strict=True)
    ]
    return frame.assign(
        prev_amount_mvnd=pd.Series(prev, dtype="float64"),
        change_pct=pd.Series(change, dtype="float64"),
    )


@data_labels
def province_bars(provinces: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Horizontal bars of the support amount per province, largest at the top.

    `provinces` has one row per province: province, records, establishments, amount_mvnd,
    beneficiaries, share_pct, and optionally summed_from, missing_from, said beside the
    province's name (queries/support_by_province.sql, already in order).
    """
    records = t("charts_support.records", lang)
    establishments = t("charts_support.establishments", lang)
    beneficiaries = t("charts_support.beneficiaries", lang)
    fig = go.Figure(
        go.Bar(
            x=provinces["amount_mvnd"].tolist(),
            y=series_names(provinces, lang, "province").tolist(),
            orientation="h",
            marker={"color": PALETTE[0]},
            # one decimal of its unit (40.708,4 tỷ đồng), as every chart label; the hover exact
            text=[
                f"{format_mvnd_label(a, lang)} · {format_pct(s, 1, lang)}"
                for a, s in zip(provinces["amount_mvnd"], provinces["share_pct"], strict=True)
            ],
            textposition="auto",
            customdata=[
                [
                    _count(r, records, lang),
                    _count(e, establishments, lang),
                    _count(b, beneficiaries, lang),
                    f"{format_mvnd(a, lang)} · {format_pct(s, 1, lang)}",
                ]
                for r, e, b, a, s in zip(
                    provinces["records"],
                    provinces["establishments"],
                    provinces["beneficiaries"],
                    provinces["amount_mvnd"],
                    provinces["share_pct"],
                    strict=True,
                )
            ],
            hovertemplate="<b>%{y}</b><br>%{customdata[3]}<br>%{customdata[0]} · "
            "%{customdata[1]}<br>%{customdata[2]}<extra></extra>",
        )
    )
    # a name with its boundary notes ("· cộng Thái Bình (cũ)") is longer than the margin
    ranked_layout(
        fig,
        title,
        {"title": t("charts_support.amount", lang), "tickformat": ",.0f"},
        t("charts_support.province", lang),
        len(provinces),
        lang,
    )
    return fig


@data_labels
def year_bars(years: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """The support amount per year, each bar labelled with its change on the year before.

    `years` has one row per year: year, records, amount_mvnd, beneficiaries
    (queries/support_by_year.sql).
    """
    records = t("charts_support.records", lang)
    beneficiaries = t("charts_support.beneficiaries", lang)
    change = t("charts_support.change", lang)
    frame = year_changes(years)
    labels = [
        _signed_pct(c, lang) if c == c else ""
        for c in frame["change_pct"]  # NaN: no change
    ]
    fig = go.Figure(
        go.Bar(
            x=frame["year"].astype(int).tolist(),
            y=frame["amount_mvnd"].tolist(),
            marker={"color": PALETTE[0]},
            text=labels,
            textposition="outside",
            customdata=[
                [
                    format_mvnd(a, lang),
                    _count(r, records, lang),
                    _count(b, beneficiaries, lang),
                    f"{label} {change}" if label else "",
                ]
                for a, r, b, label in zip(
                    frame["amount_mvnd"],
                    frame["records"],
                    frame["beneficiaries"],
                    labels,
                    strict=True,
                )
            ],
            hovertemplate="<b>%{x}</b>: %{customdata[0]}<br>%{customdata[1]} · %{customdata[2]}"
            "<br>%{customdata[3]}<extra></extra>",
        )
    )
    fig.update_layout(
        title=_title(title),
        xaxis={"title": t("charts_support.year", lang), "dtick": 1, "tickformat": "d"},
        yaxis={"title": t("charts_support.amount", lang), "tickformat": ",.0f"},
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        separators=plotly_separators(lang),
    )
    return fig


@data_labels
def change_heatmap(yoy: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Provinces by year, coloured by the change of the amount on the year before.

    `yoy` has one row per province and year: province, year, amount_mvnd, prev_amount_mvnd,
    change_pct (queries/support_yoy.sql). Cells without a previous year stay empty; the colour
    scale is symmetric around 0 so a rise and a fall of the same size look alike in strength.
    """
    change = t("charts_support.change", lang)
    grid = yoy.pivot(index="province", columns="year", values="change_pct")
    provinces = list(dict.fromkeys(yoy["province"]))
    grid = grid.reindex(index=provinces)
    years = [int(y) for y in grid.columns]
    z = [[None if v != v else float(v) for v in row] for row in grid.to_numpy(dtype="float64")]
    text = [["" if v is None else _signed_pct(v, lang) for v in row] for row in z]
    extent = max((abs(v) for row in z for v in row if v is not None), default=1.0) or 1.0
    fig = go.Figure(
        go.Heatmap(
            x=years,
            y=provinces,
            z=z,
            text=text,
            colorscale=[list(stop) for stop in CHANGE_SCALE],
            zmin=-extent,
            zmax=extent,
            colorbar={"title": {"text": "%"}},
            hoverongaps=False,
            hovertemplate="<b>%{y}</b> %{x}: %{text} " + change + "<extra></extra>",
        )
    )
    fig.update_layout(
        title=_title(title),
        xaxis={"title": t("charts_support.year", lang), "dtick": 1, "tickformat": "d"},
        yaxis={"title": t("charts_support.province", lang), "autorange": "reversed"},
        height=max(320, 20 * len(provinces) + 140),
        margin={"l": 140, "r": 20, "t": 60, "b": 40},
        separators=plotly_separators(lang),
    )
    return fig


@data_labels
def area_bars(
    areas: pd.DataFrame, names: dict[str, str], title: str, lang: str = "vi"
) -> go.Figure:
    """The support amount per common content area, with its share; `names` maps a code to its
    name in the reader's language (the content_areas reference table).

    `areas` has one row per content area: content_area (null = no content area), records,
    amount_mvnd, beneficiaries, share_pct (queries/support_by_area.sql).
    """
    records = t("charts_support.records", lang)
    beneficiaries = t("charts_support.beneficiaries", lang)
    no_area = t("charts_support.no_area", lang)
    codes = [NO_AREA if c is None or c != c else str(c) for c in areas["content_area"]]
    colours = []
    for i, code in enumerate(codes):
        number = code[2:] if code.startswith("KC") else ""
        # a content area keeps its colour on every chart (KC1 is always the first colour)
        colours.append(PALETTE[(int(number) - 1 if number.isdigit() else i) % len(PALETTE)])
    fig = go.Figure(
        go.Bar(
            x=codes,
            y=areas["amount_mvnd"].tolist(),
            marker={"color": colours},
            text=[format_pct(s, 1, lang) for s in areas["share_pct"]],
            textposition="outside",
            customdata=[
                [
                    names.get(code, no_area),
                    format_mvnd(a, lang),
                    _count(r, records, lang),
                    _count(b, beneficiaries, lang),
                ]
                for code, a, r, b in zip(
                    codes,
                    areas["amount_mvnd"],
                    areas["records"],
                    areas["beneficiaries"],
                    strict=True,
                )
            ],
            hovertemplate="<b>%{x}</b> · %{customdata[0]}<br>%{customdata[1]} · %{text}"
            "<br>%{customdata[2]} · %{customdata[3]}<extra></extra>",
        )
    )
    fig.update_layout(
        title=_title(title),
        xaxis={"title": t("charts_support.area", lang), "type": "category"},
        yaxis={"title": t("charts_support.amount", lang), "tickformat": ",.0f"},
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        separators=plotly_separators(lang),
    )
    return fig


def _text(value: object) -> str | None:
    """A text cell, None for NULL, NaN or ''."""
    return value if isinstance(value, str) and value else None


def place_label(row: dict[str, object], lang: str = "vi") -> str:
    """A place of queries/support_by_district.sql in words: the district as written (with the
    old province it belonged to when the row counts under another one), else the ward since
    1/7/2025 of a record without a district, else that nothing was written."""
    district, ward = _text(row.get("district")), _text(row.get("ward"))
    province, written = _text(row.get("province")), _text(row.get("province_written"))
    if district is not None:
        if written is not None and written != province:
            return t("charts_support.district_of", lang, district=district, province=written)
        return district
    if ward is not None:
        return t("charts_support.ward_no_district", lang, ward=ward)
    return t("charts_support.no_place", lang)


def place_labels(districts: pd.DataFrame, lang: str = "vi") -> list[str]:
    """Each row's place_label; with the province beside it when the rows hold several."""
    several = districts["province"].nunique() > 1
    labels = []
    for row in districts.to_dict("records"):
        label = place_label(row, lang)
        labels.append(f"{label} · {row['province']}" if several else label)
    return labels


@data_labels
def district_bars(
    districts: pd.DataFrame, title: str, lang: str = "vi", limit: int = DISTRICT_BARS
) -> go.Figure:
    """Horizontal bars of the support amount per place, largest at the top, at most `limit`.

    `districts` is queries/support_by_district.sql: province, province_written, district, ward,
    records, amount_mvnd, beneficiaries, share_pct, province_share_pct. Each bar reads its
    amount and share of the filter; the hover adds its share of its province.
    """
    records = t("charts_support.records", lang)
    beneficiaries = t("charts_support.beneficiaries", lang)
    labels = place_labels(districts, lang)
    frame = districts.assign(_label=labels, _order=districts["amount_mvnd"].round(6))
    frame = frame.sort_values("_order", ascending=False, kind="stable").head(limit)
    fig = go.Figure(
        go.Bar(
            x=frame["amount_mvnd"].tolist(),
            y=frame["_label"].tolist(),
            orientation="h",
            marker={"color": PALETTE[0]},
            text=[
                f"{format_mvnd_label(a, lang)} · {format_pct(s, 1, lang)}"
                for a, s in zip(frame["amount_mvnd"], frame["share_pct"], strict=True)
            ],
            textposition="auto",
            customdata=[
                [
                    f"{format_mvnd(a, lang)} · {format_pct(s, 1, lang)}",
                    t("charts_support.in_province", lang, pct=format_pct(ps, 1, lang)),
                    _count(r, records, lang),
                    _count(b, beneficiaries, lang),
                ]
                for a, s, ps, r, b in zip(
                    frame["amount_mvnd"],
                    frame["share_pct"],
                    frame["province_share_pct"],
                    frame["records"],
                    frame["beneficiaries"],
                    strict=True,
                )
            ],
            hovertemplate="<b>%{y}</b><br>%{customdata[0]}<br>%{customdata[1]}"
            "<br>%{customdata[2]} · %{customdata[3]}<extra></extra>",
        )
    )
    ranked_layout(
        fig,
        title,
        {"title": t("charts_support.amount", lang), "tickformat": ",.0f"},
        t("charts_support.district", lang),
        len(frame),
        lang,
    )
    return fig


@data_labels
def source_bars(sources: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """The support amount per funding source (queries/support_by_source.sql, in its order):
    one bar each, with its share and amount; a source not written is a bar of its own."""
    records = t("charts_support.records", lang)
    beneficiaries = t("charts_support.beneficiaries", lang)
    codes = [_text(c) for c in sources["funding_source"]]
    fig = go.Figure(
        go.Bar(
            x=sources["amount_mvnd"].tolist(),
            y=[funding_label(c, lang) for c in codes],
            orientation="h",
            marker={"color": [FUNDING_COLOURS.get(c, FUNDING_COLOURS[None]) for c in codes]},
            text=[
                f"{format_pct(s, 1, lang)} · {format_mvnd_label(a, lang)}"
                for a, s in zip(sources["amount_mvnd"], sources["share_pct"], strict=True)
            ],
            textposition="auto",
            customdata=[
                [
                    format_mvnd(a, lang),
                    _count(r, records, lang),
                    _count(b, beneficiaries, lang),
                ]
                for a, r, b in zip(
                    sources["amount_mvnd"],
                    sources["records"],
                    sources["beneficiaries"],
                    strict=True,
                )
            ],
            hovertemplate="<b>%{y}</b>: %{customdata[0]}<br>%{customdata[1]} · %{customdata[2]}"
            "<extra></extra>",
        )
    )
    ranked_layout(
        fig,
        title,
        {"title": t("charts_support.amount", lang), "tickformat": ",.0f"},
        t("charts_support.source", lang),
        len(sources),
        lang,
        least=260,
        row_px=40,
    )
    return fig


def source_refs(files: object, lines: object) -> tuple[list[str], list[str]]:
    """The files and, for each, its row numbers ascending ('2;3;17'), from the source_files and
    source_lines of queries/support_top_establishments.sql ('/' between files); empty when the
    records have no rows (synthetic records). For plans.data.sources.cite_many."""
    names, rows = _text(files), _text(lines)
    if names is None or rows is None:
        return [], []
    out = []
    for part in rows.split("/"):
        numbers = sorted({int(n) for n in part.split(";") if n.strip().isdigit()})
        out.append(";".join(str(n) for n in numbers))
    return names.split("/"), out
