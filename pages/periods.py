"""Period comparison: a province's programmes side by side: budget, targets, unit cost."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import query
from plans.app.ui import chart_with_data, cite_many, filters, source_caption
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
label = "label_vi" if lang == "vi" else "label_en"
HEADERS = {
    "period_label": t("periods.col_period_label", lang),
    "planned_mvnd": t("periods.col_planned_mvnd", lang),
    "planned_real_mvnd": t("periods.col_planned_real_mvnd", lang),
    "planned_real_known_mvnd": t("periods.col_planned_real_known_mvnd", lang),
    "cpi_missing_years": t("periods.col_cpi_missing_years", lang),
    "basis": t("periods.col_basis", lang),
    "source": t("periods.col_source", lang),
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
periods_all = query("period_programmes", province=None)
chosen = set(f.provinces) or set(periods_all["province"])
counts = (
    periods_all[periods_all["province"].isin(chosen)]
    .groupby("province", sort=False)["n_periods"]  # the query's Vietnamese order
    .first()
    .sort_values(ascending=False, kind="stable")
)
if counts.empty:
    st.info(t("periods.no_province", lang))
    st.stop()

years = query("period_price_years")["year"].tolist()
left, right = st.columns(2)
provinces = list(counts.index)
# Opens on the province of the programme chosen in the sidebar (else the one with most periods).
own = periods_all.loc[periods_all["programme_id"] == f.programme, "province"]
start = provinces.index(own.iloc[0]) if len(own) and own.iloc[0] in provinces else 0
province = left.selectbox(
    t("periods.province", lang), options=provinces, index=start, key="periods_province"
)
price_year = right.selectbox(
    t("periods.price_year", lang), options=years, index=len(years) - 1, key="periods_price_year"
)
periods = query("period_programmes", province=province)
if len(periods) < 2:
    period = periods["period_label"].iloc[0]
    st.info(t("periods.one_period", lang, province=province, period=period))

# --- budget ------------------------------------------------------------------------------------
st.subheader(t("periods.budget", lang))
budgets = period_budgets(periods, query("programme_budgets", price_year=price_year), lang)
caption = t(
    "periods.budget_caption",
    lang,
    sources=cite_many(budgets["budget_source_file"], budgets["budget_source_line"]),
    cpi=", ".join(dict.fromkeys(query("period_price_years")["source"])),
    year=price_year,
)
spread = budgets[budgets["real_basis"] == "even_spread"]["period_label"].tolist()
if spread:
    caption += t("periods.even_spread", lang, periods=", ".join(spread))
for _, row in budgets[budgets["cpi_missing_years"].notna()].iterrows():
    caption += t(
        "periods.missing", lang, period=row["period_label"], years=row["cpi_missing_years"]
    )
chart_with_data(
    budget_periods_chart(budgets, t("periods.budget_chart", lang, year=price_year), lang),
    budgets,
    ["period_label", "planned_mvnd", "planned_real_mvnd", "planned_real_known_mvnd",
     "cpi_missing_years", "basis", "source"],
    caption,
    key="periods_budget",
    headers=HEADERS, files=budgets["budget_source_file"],
)  # fmt: skip

# --- comparable targets ------------------------------------------------------------------------
st.subheader(t("periods.comparable", lang))
comparable = query("period_comparable", province=province)
if comparable.empty:
    st.info(t("periods.no_comparable", lang, province=province))
    st.stop()
sources = cite_many(comparable["source_file"], comparable["source_line"])
chart_with_data(
    comparable_chart(comparable, t("periods.comparable_chart", lang), lang),
    comparable_data(comparable, lang),
    [label, "period_label", "measure", "qualifier", "value_min", "value_max", "unit",
     "target_point", "source"],
    t("periods.comparable_caption", lang, sources=sources),
    key="periods_comparable",
    headers=HEADERS, files=comparable["source_file"],
)  # fmt: skip
# st.table wraps long cells; the first column (the indicator) becomes the row label.
wide = comparable_table(comparable, lang)
st.table(wide.set_index(wide.columns[0]))
with st.expander(t("periods.reasons", lang)):
    st.dataframe(
        comparable[[label, "period_label", "reason"]].rename(columns=HEADERS),
        hide_index=True,
        key="periods_reasons",
    )

# --- unit cost ---------------------------------------------------------------------------------
st.subheader(t("periods.unit_cost", lang))
costs = unit_cost_table(comparable, lang)
if costs.empty:
    st.info(t("periods.no_unit_cost", lang))
else:
    st.table(costs.set_index(costs.columns[0]))
    funded = comparable[comparable["budget_mvnd"].notna()]
    source_caption(
        t(
            "periods.unit_cost_caption",
            lang,
            sources=cite_many(funded["source_file"], funded["source_line"]),
        ),
        funded["source_file"],
    )
