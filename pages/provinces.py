"""Province comparison: khuyến công budgets of the provinces on the common content areas."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import figure, query
from plans.app.ui import chart_with_data, cite_many, filters, view_tabs
from plans.charts.budget import (
    area_share_bars,
    funding_labels,
    many_series,
    per_year_bars,
    period_labels,
    province_funding_bars,
    series_names,
    series_without_areas,
    states_sources,
    unit_cost_bars,
)
from plans.charts.support import province_bars
from plans.charts.support_compare import support_plan_bars
from plans.messages import t

f = filters()
lang = f.lang
HEADERS = {
    "series_label": t("provinces.series_label", lang),
    "programme_ids": t("provinces.programme_ids", lang),
    "content_area": t("provinces.content_area", lang),
    "area_name": t("provinces.area_name", lang),
    "n_years": t("provinces.n_years", lang),
    "total_mvnd": t("provinces.total_mvnd", lang),
    "per_year_mvnd": t("provinces.per_year_mvnd", lang),
    "pair_label": t("provinces.pair_label", lang),
    "task_code": t("provinces.task_code", lang),
    "task_name": t("provinces.task_name", lang),
    "quantity": t("provinces.quantity", lang),
    "unit": t("provinces.unit", lang),
    "quantity_text": t("provinces.quantity_text", lang),
    "unit_cost_mvnd": t("provinces.unit_cost_mvnd", lang),
    "budget_source": t("provinces.budget_source", lang),
    "quantity_source": t("provinces.quantity_source", lang),
}
suffix = "_vi" if lang == "vi" else "_en"

st.title(t("provinces.title", lang))
st.markdown(t("provinces.intro", lang))
# which boundary view the series follow (the sidebar's "Địa giới")
st.caption(
    t("provinces.boundary_current", lang)
    if f.boundary == "current"
    else t("provinces.boundary_as_issued", lang)
)

# the sidebar's provinces are names of its boundary view, as the queries group them
scope = {"boundary": f.boundary, "provinces": tuple(f.provinces) or None}
shares = query("province_shares", **scope)
if shares.empty:
    st.info(t("provinces.none", lang))
    st.stop()
periods = sorted(set(period_labels(shares)))
period = ALL = ""
if many_series(shares) and len(periods) > 1:
    # Many provinces: one period at a time reads better (63 rows, not 189); all on request.
    if st.session_state.get("provinces_period") not in {ALL, *periods}:
        st.session_state["provinces_period"] = periods[-1]
    # three periods and "all": buttons in a row read at a glance (and need no drop-down)
    all_periods = t("provinces.all_periods", lang)
    period = st.radio(
        t("provinces.period", lang),
        options=[*periods, ALL],
        format_func=lambda p: p or all_periods,
        key="provinces_period",
        horizontal=True,
    )


def in_period(frame):
    """The rows of the chosen period (all when none is chosen)."""
    return frame[period_labels(frame) == period] if period else frame


def named(frame):
    """The rows for a table: each series under the name its chart gives it (what it sums and
    what it lacks across the 1/7/2025 merger)."""
    return frame.assign(series_label=series_names(frame, lang))


shares = in_period(shares)
series = list(dict.fromkeys(series_names(shares, lang)))
if len(series) < 2:
    st.info(t("provinces.one", lang, series=series[0]))
unassigned = series_without_areas(shares, lang)
if unassigned:
    # a plan imported without content areas: say why its shares are missing
    st.info(t("provinces.no_areas", lang, series=", ".join(unassigned)))
files = {x for s in shares["source_files"].dropna() for x in s.split(", ")}
caption = t("provinces.caption", lang, sources=cite_many(sorted(files)))

views = {
    "shares": t("provinces.shares_tab", lang),
    "per_year": t("provinces.per_year_tab", lang),
    "unit_costs": t("provinces.unit_costs_tab", lang),
    "funding": t("funding.tab", lang),
    "support": t("provinces.support_tab", lang),
}
view, tab = view_tabs(views, key="provinces_view")
with tab:
    if view == "shares":
        chart_with_data(
            figure(area_share_bars, shares, t("provinces.shares", lang), lang),
            named(shares).assign(area_name=shares[f"area_name{suffix}"]),
            ["series_label", "content_area", "area_name", "amount_mvnd", "share_pct"],
            caption + t("provinces.caption_area", lang),
            key="provinces_shares",
            headers=HEADERS,
            files=files,
        )
    elif view == "per_year":
        per_year = in_period(query("province_budget_per_year", **scope))
        chart_with_data(
            figure(per_year_bars, per_year, t("provinces.per_year", lang), lang),
            named(per_year),
            ["series_label", "programme_ids", "n_years", "total_mvnd", "per_year_mvnd"],
            caption + t("provinces.caption_year", lang),
            key="provinces_per_year",
            headers=HEADERS,
            files=files,
        )
    elif view == "funding":
        funding = in_period(query("province_funding_shares", **scope))
        if states_sources(funding):
            chart_with_data(
                figure(province_funding_bars, funding, t("funding.provinces_chart", lang), lang),
                named(funding).assign(funding_label=funding_labels(funding, lang)),
                ["series_label", "funding_label", "amount_mvnd", "share_pct", "n_lines"],
                caption + t("funding.provinces_caption", lang),
                key="provinces_funding",
                headers=HEADERS
                | {
                    "funding_label": t("funding.source", lang),
                    "n_lines": t("funding.n_lines", lang),
                },
                files=files,
            )
        else:
            st.info(t("funding.not_split_any", lang))
    elif view == "support":
        st.markdown(t("provinces.support_intro", lang))
        # the support page's filters: the sidebar's years and content area (a section code is
        # not a content area of records), the period buttons above are the plans' own
        support_scope = scope | {
            "y0": f.year_from or None,
            "y1": f.year_to or None,
            "content_area": (f.area or None) if f.area_mode == "content_area" else None,
        }
        if f.area_mode == "section" and f.area:
            st.caption(t("provinces.support_section_note", lang))
        paid = query("support_by_province", **support_scope)
        if paid.empty:
            anything = query(
                "support_by_province",
                boundary=f.boundary,
                provinces=None,
                y0=None,
                y1=None,
                content_area=None,
            )
            st.info(
                t("provinces.support_empty", lang)
                if anything.empty
                else t("provinces.support_none", lang)
            )
        else:
            # imported records are cited by their files, as on the support page; synthetic
            # records by the table they come from
            support_list = query("support_sources", **support_scope)
            support_files = list(
                dict.fromkeys(
                    str(name)
                    for name in support_list.loc[
                        support_list["import_id"].notna(), "source_file"
                    ].dropna()
                )
            )
            support_headers = {
                "province": t("provinces.support_province", lang),
                "records": t("provinces.support_records", lang),
                "establishments": t("provinces.support_establishments", lang),
                "amount_mvnd": t("provinces.support_amount", lang),
                "beneficiaries": t("provinces.support_beneficiaries", lang),
                "programme_ids": t("provinces.programme_ids", lang),
                "first_year": t("provinces.support_first_year", lang),
                "last_year": t("provinces.support_last_year", lang),
                "support_mvnd": t("provinces.support_amount", lang),
                "planned_mvnd": t("provinces.support_planned", lang),
                "support_per_plan_pct": t("provinces.support_per_plan", lang),
                "unpaired_support_mvnd": t("provinces.support_unpaired_h", lang),
            }
            chart_with_data(
                figure(province_bars, paid, t("provinces.support_chart", lang), lang),
                # each province under the name its bar gives it (what it sums across the merger)
                paid.assign(province=series_names(paid, lang, "province")),
                [
                    *("province", "records", "establishments", "amount_mvnd"),
                    *("beneficiaries", "share_pct"),
                ],
                t("provinces.support_caption", lang, sources=cite_many(support_files))
                if support_files
                else t("support.caption", lang),
                key="provinces_support",
                headers=support_headers,
                files=support_files,
            )
            st.subheader(t("provinces.support_vs_plan", lang))
            vs_plan = query("province_support_vs_plan", **support_scope)
            if vs_plan.empty:
                st.info(t("provinces.support_no_plan", lang))
            else:
                plan_files = sorted(
                    {x for s in vs_plan["source_files"].dropna() for x in s.split(", ")}
                )
                # a year is a label, not a quantity: no thousands separator
                shown = vs_plan.assign(
                    province=series_names(vs_plan, lang, "province"),
                    first_year=vs_plan["first_year"].astype(str),
                    last_year=vs_plan["last_year"].astype(str),
                )
                chart_with_data(
                    figure(support_plan_bars, vs_plan, t("provinces.support_vs_plan", lang), lang),
                    shown,
                    [
                        *("province", "programme_ids", "first_year", "last_year"),
                        *("support_mvnd", "planned_mvnd", "support_per_plan_pct"),
                        "unpaired_support_mvnd",
                    ],
                    t("provinces.support_plan_caption", lang, sources=cite_many(plan_files)),
                    key="provinces_support_plan",
                    headers=support_headers,
                    files=plan_files,
                )
    else:
        st.markdown(t("provinces.unit_intro", lang))
        costs = in_period(query("province_unit_costs", **scope))
        if costs.empty:
            st.info(t("provinces.no_costs", lang))
        else:
            chart_with_data(
                figure(unit_cost_bars, costs, t("provinces.unit_costs", lang), lang),
                named(costs).assign(pair_label=costs[f"pair_label{suffix}"]),
                [
                    "pair_label",
                    "series_label",
                    "task_code",
                    "task_name",
                    "amount_mvnd",
                    "quantity",
                    "unit",
                    "quantity_text",
                    "unit_cost_mvnd",
                    "budget_source",
                    "quantity_source",
                ],
                t(
                    "provinces.caption",
                    lang,
                    sources=cite_many(sorted(set(costs["source_file"]))),
                )
                + t("provinces.caption_cost", lang),
                key="provinces_unit_costs",
                headers=HEADERS,
                files=files,
            )
