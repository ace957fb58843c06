"""Period comparison: a province's programmes side by side across the 1/7/2025 merger: budget,
content areas, targets, unit cost."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import figure, query
from plans.app.ui import (
    chart_with_data,
    cite_many,
    filters,
    markdown_table,
    source_caption,
    view_tabs,
)
from plans.charts.periods import (
    area_shares_chart,
    area_shares_data,
    comparable_by_issuer,
    period_sums,
)
from plans.charts.targets import (
    budget_periods_chart,
    comparable_chart,
    comparable_data,
    comparable_table,
    period_budgets,
    unit_cost_table,
)
from plans.messages import t

f = filters()
lang = f.lang
boundary = f.boundary
label = "label_vi" if lang == "vi" else "label_en"
HEADERS = {
    "period_label": t("periods.col_period_label", lang),
    "planned_mvnd": t("periods.col_planned_mvnd", lang),
    "planned_real_mvnd": t("periods.col_planned_real_mvnd", lang),
    "planned_real_known_mvnd": t("periods.col_planned_real_known_mvnd", lang),
    "cpi_missing_years": t("periods.col_cpi_missing_years", lang),
    "basis": t("periods.col_basis", lang),
    "source": t("periods.col_source", lang),
    "note": t("periods.col_note", lang),
    "programme_ids": t("periods.col_programmes", lang),
    "area": t("periods.col_area", lang),
    "amount_mvnd": t("periods.col_amount_mvnd", lang),
    "amount_real_mvnd": t("periods.col_amount_real_mvnd", lang),
    "share_pct": t("periods.col_share_pct", lang),
    "share_real_pct": t("periods.col_share_real_pct", lang),
    label: t("periods.col_indicator", lang),
    "measure": t("periods.col_measure", lang),
    "value_min": t("periods.col_value_min", lang),
    "value_max": t("periods.col_value_max", lang),
    "qualifier": t("periods.col_qualifier", lang),
    "unit": t("periods.col_unit", lang),
    "target_point": t("periods.col_target_point", lang),
    "budget_mvnd": t("periods.col_budget_mvnd", lang),
    "unit_cost_mvnd": t("periods.col_unit_cost_mvnd", lang),
    "reason": t("periods.col_reason", lang),
}

st.title(t("periods.title", lang))
# Provinces in the sidebar's view: the successors since 1/7/2025, or the names as issued.
programmes_all = query("period_programmes", boundary=boundary, province=None)
chosen = set(f.provinces) or set(programmes_all["province"])
counts = (
    programmes_all[programmes_all["province"].isin(chosen)]
    .groupby("province", sort=False)["n_periods"]  # the query's Vietnamese order
    .first()
    .sort_values(ascending=False, kind="stable")
)
if counts.empty:
    st.info(t("periods.no_province", lang))
    st.stop()

prices = query("period_price_years")
years = prices["year"].tolist()
left, right = st.columns(2)
provinces = list(counts.index)
# Opens on the province of the programme chosen in the sidebar (else the one with most periods).
own = programmes_all.loc[programmes_all["programme_id"] == f.programme, "province"]
start = provinces.index(own.iloc[0]) if len(own) and own.iloc[0] in provinces else 0
province = left.selectbox(
    t("periods.province", lang), options=provinces, index=start, key="periods_province"
)
# The latest CPI year by default: the real terms of every period with a CPI figure for each year.
price_year = right.selectbox(
    t("periods.price_year", lang), options=years, index=len(years) - 1, key="periods_price_year"
)
totals = query("period_totals", boundary=boundary, province=province)
programmes = query("period_programmes", boundary=boundary, province=province)
members = totals["members"].iloc[0]
if boundary == "current" and int(totals["n_members"].iloc[0]) > 1:
    st.caption(t("periods.view_current", lang, province=province, members=members))
held = totals[totals["n_programmes"] > 0]
if boundary == "as_issued" and held["before_merger"].any() and not held["before_merger"].all():
    # one name on both sides of 1/7/2025 (Vĩnh Long): before it, only the old province of that name
    if int(totals["n_members"].iloc[0]) > 1:
        st.caption(t("periods.view_as_issued", lang, province=province, members=members))
if len(held) < 2:
    st.info(
        t("periods.one_period_only", lang, province=province, period=held["period_label"].iloc[0])
    )

# One view at a time (plans.app.ui.view_tabs): three charts and two tables drawn at once kept
# the browser busy before the first chart appeared (1,36-1,42x the bare page, BENCHMARKS.md).
views = {
    "budget": t("periods.budget", lang),
    "areas": t("periods.areas", lang),
    "comparable": t("periods.comparable", lang),
}
by_programme = period_budgets(programmes, query("programme_budgets", price_year=price_year), lang)
view, tab = view_tabs(views, key="periods_view")
with tab:
    if view == "budget":
        budgets = period_sums(totals, by_programme, lang)
        caption = t(
            "periods.budget_caption",
            lang,
            sources=cite_many(
                by_programme["budget_source_file"], by_programme["budget_source_line"]
            ),
            cpi=", ".join(dict.fromkeys(prices["source"])),
            year=price_year,
        )
        spread = budgets[budgets["real_basis"].fillna("").str.contains("even_spread")][
            "period_label"
        ]
        if len(spread):
            caption += t("periods.even_spread", lang, periods=", ".join(spread))
        for _, row in budgets[budgets["cpi_missing_years"].notna()].iterrows():
            caption += t(
                "periods.missing",
                lang,
                period=row["period_label"],
                years=row["cpi_missing_years"].replace(",", ", "),
            )
        if budgets["summed_from"].notna().any() or budgets["missing_from"].notna().any():
            caption += t("periods.summed_caption", lang)
        chart_with_data(
            figure(
                budget_periods_chart,
                budgets,
                t("periods.budget_chart", lang, year=price_year),
                lang,
            ),
            budgets,
            ["period_label", "planned_mvnd", "planned_real_mvnd", "planned_real_known_mvnd",
             "cpi_missing_years", "basis", "note", "programme_ids", "source"],
            caption,
            key="periods_budget",
            headers=HEADERS, files=by_programme["budget_source_file"],
        )  # fmt: skip

    elif view == "areas":
        shares = query(
            "period_area_shares", boundary=boundary, province=province, price_year=price_year
        )
        if shares.empty:
            st.info(t("periods.no_areas", lang, province=province))
        else:
            split = by_programme[by_programme["real_basis"] == "yearly_lines"]
            area_caption = t(
                "periods.areas_caption",
                lang,
                sources=cite_many(split["budget_source_file"]),
                year=price_year,
            )
            if shares["summed_from"].notna().any() or shares["missing_from"].notna().any():
                area_caption += t("periods.areas_summed_caption", lang)
            chart_with_data(
                figure(
                    area_shares_chart,
                    shares,
                    totals,
                    t("periods.areas_chart", lang, year=price_year),
                    lang,
                ),
                area_shares_data(shares, lang),
                ["period_label", "area", "amount_mvnd", "share_pct", "amount_real_mvnd",
                 "share_real_pct", "cpi_missing_years", "note", "programme_ids"],
                area_caption,
                key="periods_areas",
                headers=HEADERS, files=split["budget_source_file"],
            )  # fmt: skip
            unknown = shares[~shares["list_known"].astype(bool)].drop_duplicates("period_label")
            for _, row in unknown.iterrows():
                st.caption(
                    t(
                        "periods.list_unknown",
                        lang,
                        period=row["period_label"],
                        decree=row["decree_in_force"],
                        read=row["decree_read"],
                    )
                )

    else:  # comparable targets, then what a unit of each cost
        comparable = comparable_by_issuer(
            query("period_comparable", boundary=boundary, province=province), lang
        )
        if comparable.empty:
            st.info(t("periods.no_comparable", lang, province=province))
            st.stop()
        sources = cite_many(comparable["source_file"], comparable["source_line"])
        chart_with_data(
            figure(comparable_chart, comparable, t("periods.comparable_chart", lang), lang),
            comparable_data(comparable, lang),
            [label, "period_label", "measure", "qualifier", "value_min", "value_max", "unit",
             "target_point", "source"],
            t("periods.comparable_caption", lang, sources=sources),
            key="periods_comparable",
            headers=HEADERS, files=comparable["source_file"],
        )  # fmt: skip
        # st.table wraps long cells; the first column (the indicator) becomes the row label.
        wide = comparable_table(comparable, lang)
        markdown_table(wide.set_index(wide.columns[0]))
        # Drawn once opened (one rerun), like the tables under the charts (ui.chart_with_data).
        reasons = st.expander(
            t("periods.reasons", lang), key="periods_reasons_open", on_change="rerun"
        )
        if reasons.open:
            reasons.dataframe(
                comparable[[label, "period_label", "reason"]].rename(columns=HEADERS),
                hide_index=True,
                key="periods_reasons",
            )

        st.subheader(t("periods.unit_cost", lang))
        costs = unit_cost_table(comparable, lang)
        if costs.empty:
            st.info(t("periods.no_unit_cost", lang))
        else:
            markdown_table(costs.set_index(costs.columns[0]))
            funded = comparable[comparable["budget_mvnd"].notna()]
            source_caption(
                t(
                    "periods.unit_cost_caption",
                    lang,
                    sources=cite_many(funded["source_file"], funded["source_line"]),
                ),
                funded["source_file"],
            )
