"""Province comparison: khuyến công budgets of the provinces on the common content areas."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import query
from plans.app.ui import chart_with_data, filters, view_tabs
from plans.charts.budget import (
    area_share_bars,
    many_series,
    per_year_bars,
    period_labels,
    unit_cost_bars,
)

f = filters()
lang = f.lang
T = {
    "vi": {
        "title": "So sánh tỉnh",
        "intro": (
            "So sánh các chương trình khuyến công có bảng kinh phí chi tiết, mỗi tỉnh một giai "
            "đoạn. Các giai đoạn không trùng nhau và dài ngắn khác nhau, nên trang so sánh tỷ "
            "trọng, kinh phí bình quân mỗi năm và chi phí trên một đơn vị đầu ra. Trang so sánh "
            "cả giai đoạn của mỗi chương trình: bộ lọc chương trình và khoảng năm không áp dụng. "
            "Khi có nhiều tỉnh, trang so sánh từng giai đoạn một (chọn ở ô Giai đoạn)."
        ),
        "none": "Các tỉnh đã chọn không có chương trình khuyến công nào có bảng kinh phí chi tiết.",
        "one": (
            "Chỉ có một tỉnh, giai đoạn có bảng kinh phí chi tiết trong các tỉnh đã chọn "
            "({series}); hãy chọn thêm tỉnh để so sánh."
        ),
        "shares": "Tỷ trọng kinh phí theo lĩnh vực chung",
        "shares_tab": "Tỷ trọng theo lĩnh vực",
        "per_year_tab": "Bình quân mỗi năm",
        "unit_costs_tab": "Chi phí trên đơn vị",
        "per_year": "Kinh phí bình quân mỗi năm",
        "unit_costs": "Chi phí kế hoạch trên một đơn vị đầu ra",
        "unit_intro": (
            "Kinh phí cả giai đoạn của một nhiệm vụ chia cho số lượng chính nhiệm vụ đó đặt ra "
            "(cột kết quả dự kiến hoặc cột số lượng). Chỉ tính những cặp rõ ràng: đào tạo nghề "
            "(KC1) trên số người được đào tạo, và hỗ trợ máy móc thiết bị (KC3) trên số cơ sở "
            "được hỗ trợ. Đây là mức kế hoạch, không phải chi thực tế."
        ),
        "no_costs": "Không có cặp kinh phí – số lượng nào đủ rõ để tính ở các tỉnh đã chọn.",
        "caption": "Nguồn: {files} (phụ lục kinh phí).",
        "period": "Giai đoạn",
        "all_periods": "Tất cả các giai đoạn",
        "caption_area": (
            " Tỷ trọng tính từ các ô kinh phí. Lĩnh vực chung (NĐ 45/2012) là cách xếp nhiệm vụ "
            "vào lĩnh vực của bộ dữ liệu "
            "(content_area_map.csv)."
        ),
        "caption_year": " Tổng kinh phí = tổng các ô kinh phí; số năm = độ dài giai đoạn.",
        "caption_cost": " Dòng nguồn của kinh phí và của số lượng ở hai cột cuối bảng.",
        "series_label": "Tỉnh, giai đoạn",
        "programme_ids": "Chương trình",
        "content_area": "Lĩnh vực",
        "area_name": "Tên lĩnh vực",
        "n_years": "Số năm",
        "total_mvnd": "Tổng kinh phí (triệu đồng)",
        "per_year_mvnd": "Bình quân (triệu đồng/năm)",
        "pair_label": "Cặp so sánh",
        "task_code": "Nhiệm vụ",
        "task_name": "Tên nhiệm vụ",
        "quantity": "Số lượng",
        "unit": "Đơn vị",
        "quantity_text": "Số lượng như văn bản ghi",
        "unit_cost_mvnd": "Triệu đồng / đơn vị",
        "budget_source": "Nguồn kinh phí",
        "quantity_source": "Nguồn số lượng",
    },
    "en": {
        "title": "Province comparison",
        "intro": (
            "The khuyến công programmes with a detailed budget table, one period per province. "
            "The periods do not overlap and differ in length, so the page compares shares, the "
            "average budget per year and the cost per unit of output. Each programme is compared "
            "over its whole period: the programme and year filters do not apply here. With many "
            "provinces the page compares one period at a time (chosen under Period)."
        ),
        "none": "No khuyến công programme with a detailed budget table in the chosen provinces.",
        "one": (
            "Only one province and period with a detailed budget table among the chosen "
            "provinces ({series}); choose more provinces to compare."
        ),
        "shares": "Budget shares by common content area",
        "shares_tab": "Shares by content area",
        "per_year_tab": "Average per year",
        "unit_costs_tab": "Cost per unit",
        "per_year": "Average budget per year",
        "unit_costs": "Planned cost per unit of output",
        "unit_intro": (
            "A task's budget over the whole period divided by the quantity printed for that "
            "same task (expected-result or quantity column). Only clear pairs are computed: "
            "vocational training (KC1) per person trained, and machinery support (KC3) per "
            "establishment supported. These are planned amounts, not spending."
        ),
        "no_costs": "No budget–quantity pair is clear enough to compute in the chosen provinces.",
        "caption": "Source: {files} (budget appendix).",
        "period": "Period",
        "all_periods": "All periods",
        "caption_area": (
            " Shares computed from the budget cells. The common content areas (Decree 45/2012) "
            "are this dataset's mapping of tasks "
            "(content_area_map.csv)."
        ),
        "caption_year": " Total = sum of the budget cells; years = length of the period.",
        "caption_cost": " The source lines of the budget and of the quantity are in the table.",
        "series_label": "Province, period",
        "programme_ids": "Programme",
        "content_area": "Content area",
        "area_name": "Content area name",
        "n_years": "Years",
        "total_mvnd": "Total budget (million VND)",
        "per_year_mvnd": "Average (million VND per year)",
        "pair_label": "Pair",
        "task_code": "Task",
        "task_name": "Task name",
        "quantity": "Quantity",
        "unit": "Unit",
        "quantity_text": "Quantity as printed",
        "unit_cost_mvnd": "Million VND per unit",
        "budget_source": "Budget source",
        "quantity_source": "Quantity source",
    },
}[lang]
HEADERS = {
    k: T[k]
    for k in (
        "series_label",
        "programme_ids",
        "content_area",
        "area_name",
        "n_years",
        "total_mvnd",
        "per_year_mvnd",
        "pair_label",
        "task_code",
        "task_name",
        "quantity",
        "unit",
        "quantity_text",
        "unit_cost_mvnd",
        "budget_source",
        "quantity_source",
    )
}
suffix = "_vi" if lang == "vi" else "_en"

st.title(T["title"])
st.markdown(T["intro"])

provinces = tuple(f.provinces) or None
shares = query("province_shares", provinces=provinces)
if shares.empty:
    st.info(T["none"])
    st.stop()
periods = sorted(set(period_labels(shares)))
period = ALL = ""
if many_series(shares) and len(periods) > 1:
    # Many provinces: one period at a time reads better (63 rows, not 189); all on request.
    if st.session_state.get("provinces_period") not in {ALL, *periods}:
        st.session_state["provinces_period"] = periods[-1]
    # three periods and "all": buttons in a row read at a glance (and need no drop-down)
    period = st.radio(
        T["period"],
        options=[*periods, ALL],
        format_func=lambda p: p or T["all_periods"],
        key="provinces_period",
        horizontal=True,
    )


def in_period(frame):
    """The rows of the chosen period (all when none is chosen)."""
    return frame[period_labels(frame) == period] if period else frame


shares = in_period(shares)
series = list(dict.fromkeys(shares["series_label"]))
if len(series) < 2:
    st.info(T["one"].format(series=series[0]))
files = ", ".join(sorted({x for s in shares["source_files"].dropna() for x in s.split(", ")}))
caption = T["caption"].format(files=files)

view, tab = view_tabs(
    {"shares": T["shares_tab"], "per_year": T["per_year_tab"], "unit_costs": T["unit_costs_tab"]},
    key="provinces_view",
)
with tab:
    if view == "shares":
        chart_with_data(
            area_share_bars(shares, T["shares"], lang),
            shares.assign(area_name=shares[f"area_name{suffix}"]),
            ["series_label", "content_area", "area_name", "amount_mvnd", "share_pct"],
            caption + T["caption_area"],
            key="provinces_shares",
            headers=HEADERS,
        )
    elif view == "per_year":
        per_year = in_period(query("province_budget_per_year", provinces=provinces))
        chart_with_data(
            per_year_bars(per_year, T["per_year"], lang),
            per_year,
            ["series_label", "programme_ids", "n_years", "total_mvnd", "per_year_mvnd"],
            caption + T["caption_year"],
            key="provinces_per_year",
            headers=HEADERS,
        )
    else:
        st.markdown(T["unit_intro"])
        costs = in_period(query("province_unit_costs", provinces=provinces))
        if costs.empty:
            st.info(T["no_costs"])
        else:
            chart_with_data(
                unit_cost_bars(costs, T["unit_costs"], lang),
                costs.assign(pair_label=costs[f"pair_label{suffix}"]),
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
                T["caption"].format(files=", ".join(sorted(costs["source_file"].unique())))
                + T["caption_cost"],
                key="provinces_unit_costs",
                headers=HEADERS,
            )
