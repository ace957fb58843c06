"""The period comparison across the 1/7/2025 merger: periods summed over old provinces (pure)."""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from plans.charts.base import PALETTE, data_labels
from plans.messages import t
from plans.numbers import format_mvnd_label, format_pct, plotly_separators

# A share under this many percent carries no text on its bar segment (it would not fit).
SHARE_TEXT_MIN_PCT = 4.0


def _given(value: object) -> bool:
    """A text cell that holds something (not None, NaN or "")."""
    return isinstance(value, str) and value != ""


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def period_notes(
    n_programmes: object, summed_from: object, missing_from: object, lang: str = "vi"
) -> list[str]:
    """What a period's figure is: 'chưa có chương trình', or 'cộng Bến Tre, Trà Vinh, Vĩnh Long
    (cũ)' and 'thiếu Trà Vinh (cũ)' (the queries' summed_from / missing_from)."""
    if not n_programmes:
        return [t("charts_periods.no_programme", lang)]
    notes = []
    if _given(summed_from):
        notes.append(t("charts_budget.summed_from", lang, provinces=summed_from))
    if _given(missing_from):
        notes.append(t("charts_budget.missing_from", lang, provinces=missing_from))
    return notes


def _join_years(values: pd.Series) -> str | None:
    years = sorted({y for v in values if _given(v) for y in str(v).split(",")})
    return ",".join(years) or None


def _sum_known(values: pd.Series) -> float:
    known = [v for v in values if not _missing(v)]
    return float(sum(known)) if known else math.nan


def period_sums(totals: pd.DataFrame, budgets: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """One row per period of `totals` (queries/period_totals.sql) with the budgets of its
    programmes summed: `budgets` is period_budgets (plans.charts.targets) of period_programmes
    rows, which carry in_period_start.

    planned_mvnd sums every programme; planned_real_mvnd only when each has its full real total
    (else NaN, and planned_real_known_mvnd sums the known parts); cpi_missing_years joins the
    programmes' years without a CPI figure. A period with no programme has NaN amounts and says
    so in `note`; `note` also names what was summed and what is missing.
    """
    price_year = int(budgets["price_year"].max()) if budgets["price_year"].notna().any() else 0
    rows = []
    for _, period in totals.iterrows():
        part = budgets[budgets["in_period_start"] == period["period_start"]]
        held = len(part) > 0
        complete = held and part["planned_real_mvnd"].notna().all()
        bases = sorted({b for b in part["real_basis"] if _given(b)})
        rows.append(
            {
                "province": period["province"],
                "period_start": period["period_start"],
                "period_label": period["period_label"],
                "n_programmes": int(period["n_programmes"]),
                "programme_ids": period["programme_ids"],
                "summed_from": period["summed_from"],
                "missing_from": period["missing_from"],
                "planned_mvnd": _sum_known(part["planned_mvnd"]) if held else math.nan,
                "planned_real_mvnd": float(part["planned_real_mvnd"].sum())
                if complete
                else math.nan,
                "planned_real_known_mvnd": _sum_known(part["planned_real_known_mvnd"]),
                "cpi_missing_years": _join_years(part["cpi_missing_years"]),
                "real_basis": ",".join(bases) or None,
                "basis": ", ".join(dict.fromkeys(part["basis"])) if held else "—",
                "source": "; ".join(dict.fromkeys(part["source"])) if held else "—",
                "note": "; ".join(
                    period_notes(
                        period["n_programmes"], period["summed_from"], period["missing_from"], lang
                    )
                ),
                "price_year": price_year,
            }
        )
    return pd.DataFrame(rows)


def period_ticks(frame: pd.DataFrame) -> list[str]:
    """The x-axis text of each period: its label, then its notes on lines of their own."""
    return [
        "<br>".join([label, *_wrapped(note)]) if _given(note) else label
        for label, note in zip(frame["period_label"], frame["note"], strict=True)
    ]


def _wrapped(note: str, width: int = 26) -> list[str]:
    return [line for part in note.split("; ") for line in textwrap.wrap(part, width)]


def _area_key(list_id: object, code: object) -> tuple[str, str]:
    return (str(list_id), "" if _missing(code) else str(code))


def area_names(shares: pd.DataFrame, lang: str = "vi") -> pd.Series:
    """Each row's content area as a reader names it: 'KC1 · Đào tạo nghề, …' (or 'not assigned')."""
    column = "area_name_vi" if lang == "vi" else "area_name_en"
    names = []
    for code, name in zip(shares["content_area"], shares[column], strict=True):
        if _missing(code):
            names.append(t("charts_periods.unassigned", lang))
        elif _given(name):
            names.append(f"{code} · {name}")
        else:
            names.append(str(code))
    return pd.Series(names, index=shares.index, dtype="object")


def area_period_notes(shares: pd.DataFrame, totals: pd.DataFrame, lang: str = "vi") -> pd.Series:
    """Per period of `totals`: what its shares are of: no programme, no budget by task, or the
    provinces as issued summed and those missing (the share series' own columns)."""
    notes = []
    for _, period in totals.iterrows():
        part = shares[shares["period_start"] == period["period_start"]]
        if not period["n_programmes"]:
            notes.append(t("charts_periods.no_programme", lang))
        elif part.empty:
            notes.append(t("charts_periods.no_lines", lang))
        else:
            first = part.iloc[0]
            notes.append(
                "; ".join(period_notes(1, first["summed_from"], first["missing_from"], lang))
            )
    return pd.Series(notes, index=totals.index, dtype="object")


@data_labels
def area_shares_chart(
    shares: pd.DataFrame, totals: pd.DataFrame, title: str, lang: str = "vi"
) -> go.Figure:
    """Each content area's share of a period's budget lines: nominal (left), real (right).

    `shares` is queries/period_area_shares.sql, `totals` queries/period_totals.sql (the periods
    on the x-axis, with or without lines). One stacked bar per period and panel, one trace per
    content area and panel (the area's legend entry shared, the real panel's traces second);
    y = share_pct / share_real_pct (None where a period has no figure), hover the amount. A
    period whose real shares are unknown (a year without CPI) is flagged in the real panel.
    """
    year = int(shares["price_year"].iloc[0]) if len(shares) else 0
    periods = totals["period_label"].tolist()
    ticks = period_ticks(totals.assign(note=area_period_notes(shares, totals, lang)))
    names = area_names(shares, lang)
    keys = list(
        dict.fromkeys(
            _area_key(r.list_id, r.content_area)
            for r in shares.sort_values(["area_order", "list_id"]).itertuples()
        )
    )
    row_key = [
        _area_key(a, c) for a, c in zip(shares["list_id"], shares["content_area"], strict=True)
    ]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.06,
        subplot_titles=[
            t("charts_periods.nominal_panel", lang),
            t("charts_periods.real_panel", lang, year=year),
        ],
    )
    for n, key in enumerate(keys):
        part = shares[[k == key for k in row_key]]
        by_period = part.set_index("period_label")
        name = names[part.index[0]]
        colour = PALETTE[n % len(PALETTE)]
        for col, (share, amount) in enumerate(
            (("share_pct", "amount_mvnd"), ("share_real_pct", "amount_real_mvnd")), start=1
        ):
            values = [
                None
                if p not in by_period.index or _missing(by_period.loc[p, share])
                else float(by_period.loc[p, share])
                for p in periods
            ]
            amounts = [
                ""
                if p not in by_period.index or _missing(by_period.loc[p, amount])
                else format_mvnd_label(float(by_period.loc[p, amount]), lang)
                for p in periods
            ]
            fig.add_trace(
                go.Bar(
                    name=name,
                    x=periods,
                    y=values,
                    text=[
                        format_pct(v, 1, lang) if v is not None and v >= SHARE_TEXT_MIN_PCT else ""
                        for v in values
                    ],
                    textposition="inside",
                    customdata=[
                        [format_pct(v, 1, lang) if v is not None else "—", a]
                        for v, a in zip(values, amounts, strict=True)
                    ],
                    hovertemplate="%{x}<br>"
                    + name
                    + "<br>%{customdata[0]} · %{customdata[1]}<extra></extra>",
                    marker={"color": colour},
                    legendgroup=name,
                    showlegend=col == 1,
                ),
                row=1,
                col=col,
            )
    flagged = (
        shares.dropna(subset=["cpi_missing_years"])
        .drop_duplicates("period_label")
        .set_index("period_label")["cpi_missing_years"]
    )
    for period in periods:
        if period in flagged.index:
            years = str(flagged[period]).replace(",", ", ")
            text = "⚠ " + t("charts_targets.no_cpi", lang, years=years)
            fig.add_annotation(
                x=period,
                y=50,
                xref="x2",
                yref="y2",
                text="<br>".join(textwrap.wrap(text, 18)),
                showarrow=False,
                font={"color": PALETTE[5]},
            )
    for col in (1, 2):
        fig.update_xaxes(
            type="category",
            categoryorder="array",
            categoryarray=periods,
            tickmode="array",
            tickvals=periods,
            ticktext=ticks,
            # plotly's own angle: level where the periods fit side by side (a desktop), turned
            # where they would overlap (a phone's half-width panel)
            row=1,
            col=col,
        )
    fig.update_yaxes(title_text=t("charts_periods.share_axis", lang), range=[0, 100], row=1, col=1)
    fig.update_yaxes(range=[0, 100], ticksuffix="%", row=1, col=2)
    fig.update_yaxes(ticksuffix="%", row=1, col=1)
    fig.update_layout(
        title=title,
        barmode="stack",
        height=800,  # room for the periods turned on end in a phone's half-width panels
        margin={"l": 60, "r": 20, "t": 90, "b": 200},
        # a share too thin for its text shows it on hover only
        uniformtext={"minsize": 10, "mode": "hide"},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"},
        separators=plotly_separators(lang),
    )
    return fig


def area_shares_data(shares: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The numbers behind the content-area chart (raw, for downloads), area and notes in words."""
    notes = [
        "; ".join(period_notes(1, s, m, lang))
        for s, m in zip(shares["summed_from"], shares["missing_from"], strict=True)
    ]
    return shares.assign(area=area_names(shares, lang), note=notes)


def comparable_by_issuer(comparable: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """period_comparable rows with a period that holds programmes of several provinces as issued
    labelled by each ('2021-2025 · Bến Tre (cũ)'), so none hides behind another's figure."""
    if comparable.empty:
        return comparable
    several = comparable.groupby("period_label")["province_as_issued"].transform("nunique") > 1
    labels = [
        t("charts_periods.period_of", lang, period=p, province=s) if many else p
        for p, s, many in zip(
            comparable["period_label"], comparable["province_as_issued"], several, strict=True
        )
    ]
    return comparable.assign(period_label=labels)
