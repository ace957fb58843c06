"""Period comparison: a province's programmes side by side: budget, targets, unit cost."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import query
from plans.app.ui import chart_with_data, filters
from plans.charts.targets import (
    budget_periods_chart,
    cited_files,
    comparable_chart,
    comparable_data,
    comparable_table,
    period_budgets,
    unit_cost_table,
)

f = filters()
lang = f.lang
T = {
    "vi": {
        "title": "So sánh giai đoạn",
        "province": "Tỉnh, thành phố",
        "price_year": "Năm giá để quy đổi giá thực",
        "no_province": "Không có chương trình khuyến công nào của các tỉnh đang chọn.",
        "one_period": (
            "{province} mới có một giai đoạn trong dữ liệu ({period}); chưa có gì để so sánh. "
            "Hà Nội có ba giai đoạn."
        ),
        "budget": "Kinh phí kế hoạch theo giai đoạn",
        "budget_chart": "Kinh phí kế hoạch: danh nghĩa và giá năm {year}",
        "budget_caption": (
            "Nguồn: {sources}; CPI: data/reference/cpi_vietnam.csv ({cpi}). Giá thực = kinh phí "
            "mỗi năm × chỉ số giá năm {year} ÷ chỉ số giá năm đó."
        ),
        "even_spread": (
            " Giai đoạn {periods}: văn bản chỉ có tổng kinh phí, không chia theo năm, nên giá "
            "thực tính bằng cách chia đều tổng cho các năm của giai đoạn (giả định)."
        ),
        "missing": (
            " Giai đoạn {period}: chưa có CPI năm {years}, nên không có tổng giá thực; phần "
            "gạch chéo chỉ là giá thực của các năm đã có CPI."
        ),
        "comparable": "Chỉ tiêu so sánh được giữa các giai đoạn",
        "comparable_chart": "Chỉ tiêu các giai đoạn và kết quả 2011-2015",
        "comparable_caption": (
            "Nguồn: {files}; cách ghép chỉ tiêu: data/comparable_targets.csv. ≥ là chỉ tiêu "
            '"trên" một số; chỉ tiêu 2011-2015 suy ra = số đạt ÷ tỷ lệ % văn bản ghi. Hỗ trợ '
            "máy móc: 2011-2020 đếm dự án, 2021-2025 đếm cơ sở."
        ),
        "reasons": "Vì sao các chỉ tiêu này so sánh được",
        "unit_cost": "Chi phí trên một đơn vị đầu ra",
        "unit_cost_caption": (
            "Chỉ tính khi văn bản có dòng kinh phí riêng cho đúng đầu ra đó (kinh phí nhiệm vụ "
            "÷ chỉ tiêu). Văn bản 2011-2015 và 2016-2020 chỉ có tổng kinh phí nên không chia ra "
            "từng nội dung. Nguồn: {files}."
        ),
        "no_unit_cost": "Không giai đoạn nào có kinh phí riêng cho các đầu ra so sánh được.",
        "no_comparable": "Chưa có chỉ tiêu so sánh được cho {province}.",
        "headers": {
            "period_label": "Giai đoạn",
            "planned_mvnd": "Kinh phí danh nghĩa (triệu đồng)",
            "planned_real_mvnd": "Giá thực (triệu đồng)",
            "planned_real_known_mvnd": "Giá thực các năm có CPI (triệu đồng)",
            "cpi_missing_years": "Năm chưa có CPI",
            "basis": "Cách tính giá thực",
            "source": "Nguồn",
            "label_vi": "Chỉ tiêu",
            "measure": "Loại",
            "value_min": "Giá trị",
            "value_max": "Giá trị cao nhất",
            "qualifier": "Kiểu chỉ tiêu",
            "unit": "Đơn vị",
            "target_point": "Chỉ tiêu suy ra",
            "budget_mvnd": "Kinh phí nhiệm vụ (triệu đồng)",
            "unit_cost_mvnd": "Chi phí/đơn vị (triệu đồng)",
            "reason": "Lý do",
        },
    },
    "en": {
        "title": "Period comparison",
        "province": "Province",
        "price_year": "Price year for real terms",
        "no_province": "The chosen provinces have no industrial-extension programme.",
        "one_period": (
            "{province} has only one period in the data ({period}); nothing to compare yet. "
            "Hà Nội has three periods."
        ),
        "budget": "Planned budget by period",
        "budget_chart": "Planned budget: nominal and in {year} prices",
        "budget_caption": (
            "Source: {sources}; CPI: data/reference/cpi_vietnam.csv ({cpi}). Real terms = each "
            "year's amount × price index of {year} ÷ price index of that year."
        ),
        "even_spread": (
            " {periods}: the documents give only a total, not a yearly split, so the real value "
            "spreads the total evenly over the period's years (an assumption)."
        ),
        "missing": (
            " {period}: no CPI for {years} yet, so there is no real total; the hatched bar is "
            "only the real value of the years that have a CPI figure."
        ),
        "comparable": "Targets comparable across periods",
        "comparable_chart": "Targets by period and the 2011-2015 results",
        "comparable_caption": (
            "Source: {files}; how indicators are matched: data/comparable_targets.csv. ≥ marks an "
            '"over" (trên) target; the 2011-2015 derived target = achieved ÷ the stated percent. '
            "Machinery support: 2011-2020 counts projects, 2021-2025 counts facilities."
        ),
        "reasons": "Why these indicators are comparable",
        "unit_cost": "Cost per unit of output",
        "unit_cost_caption": (
            "Only where the document budgets exactly that output on its own line (task budget ÷ "
            "target). The 2011-2015 and 2016-2020 documents give only a programme total, which is "
            "not split by content. Source: {files}."
        ),
        "no_unit_cost": "No period budgets the comparable outputs on their own lines.",
        "no_comparable": "No comparable indicators recorded for {province} yet.",
        "headers": {
            "period_label": "Period",
            "planned_mvnd": "Nominal budget (million VND)",
            "planned_real_mvnd": "Real terms (million VND)",
            "planned_real_known_mvnd": "Real terms, years with CPI (million VND)",
            "cpi_missing_years": "Years without CPI",
            "basis": "Real-terms basis",
            "source": "Source",
            "label_en": "Indicator",
            "measure": "Kind",
            "value_min": "Value",
            "value_max": "Value, highest",
            "qualifier": "Target kind",
            "unit": "Unit",
            "target_point": "Derived target",
            "budget_mvnd": "Task budget (million VND)",
            "unit_cost_mvnd": "Cost per unit (million VND)",
            "reason": "Reason (recorded in Vietnamese)",
        },
    },
}[lang]

st.title(T["title"])
periods_all = query("period_programmes", province=None)
chosen = set(f.provinces) or set(periods_all["province"])
counts = (
    periods_all[periods_all["province"].isin(chosen)]
    .groupby("province", sort=False)["n_periods"]  # the query's Vietnamese order
    .first()
    .sort_values(ascending=False, kind="stable")
)
if counts.empty:
    st.info(T["no_province"])
    st.stop()

years = query("period_price_years")["year"].tolist()
left, right = st.columns(2)
provinces = list(counts.index)
# Opens on the province of the programme chosen in the sidebar (else the one with most periods).
own = periods_all.loc[periods_all["programme_id"] == f.programme, "province"]
start = provinces.index(own.iloc[0]) if len(own) and own.iloc[0] in provinces else 0
province = left.selectbox(T["province"], options=provinces, index=start, key="periods_province")
price_year = right.selectbox(
    T["price_year"], options=years, index=len(years) - 1, key="periods_price_year"
)
periods = query("period_programmes", province=province)
if len(periods) < 2:
    st.info(T["one_period"].format(province=province, period=periods["period_label"].iloc[0]))

# --- budget ------------------------------------------------------------------------------------
st.subheader(T["budget"])
budgets = period_budgets(periods, query("programme_budgets", price_year=price_year), lang)
caption = T["budget_caption"].format(
    sources=cited_files(budgets["budget_source_file"], budgets["budget_source_line"], lang),
    cpi=", ".join(dict.fromkeys(query("period_price_years")["source"])),
    year=price_year,
)
spread = budgets[budgets["real_basis"] == "even_spread"]["period_label"].tolist()
if spread:
    caption += T["even_spread"].format(periods=", ".join(spread))
for _, row in budgets[budgets["cpi_missing_years"].notna()].iterrows():
    caption += T["missing"].format(period=row["period_label"], years=row["cpi_missing_years"])
chart_with_data(
    budget_periods_chart(budgets, T["budget_chart"].format(year=price_year), lang),
    budgets,
    ["period_label", "planned_mvnd", "planned_real_mvnd", "planned_real_known_mvnd",
     "cpi_missing_years", "basis", "source"],
    caption,
    key="periods_budget",
    headers=T["headers"],
)  # fmt: skip

# --- comparable targets ------------------------------------------------------------------------
st.subheader(T["comparable"])
comparable = query("period_comparable", province=province)
if comparable.empty:
    st.info(T["no_comparable"].format(province=province))
    st.stop()
label = "label_vi" if lang == "vi" else "label_en"
files = cited_files(comparable["source_file"], comparable["source_line"], lang)
chart_with_data(
    comparable_chart(comparable, T["comparable_chart"], lang),
    comparable_data(comparable, lang),
    [label, "period_label", "measure", "qualifier", "value_min", "value_max", "unit",
     "target_point", "source"],
    T["comparable_caption"].format(files=files),
    key="periods_comparable",
    headers=T["headers"],
)  # fmt: skip
# st.table wraps long cells; the first column (the indicator) becomes the row label.
wide = comparable_table(comparable, lang)
st.table(wide.set_index(wide.columns[0]))
with st.expander(T["reasons"]):
    st.dataframe(
        comparable[[label, "period_label", "reason"]].rename(columns=T["headers"]),
        hide_index=True,
        key="periods_reasons",
    )

# --- unit cost ---------------------------------------------------------------------------------
st.subheader(T["unit_cost"])
costs = unit_cost_table(comparable, lang)
if costs.empty:
    st.info(T["no_unit_cost"])
else:
    st.table(costs.set_index(costs.columns[0]))
    funded = comparable[comparable["budget_mvnd"].notna()]
    st.caption(
        T["unit_cost_caption"].format(
            files=cited_files(funded["source_file"], funded["source_line"], lang)
        )
    )
