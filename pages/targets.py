"""Targets and results: each reported result against its target, percent achieved and status."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import query
from plans.app.ui import chart_with_data, filters, view_tabs
from plans.charts.targets import (
    achievement_chart,
    results_data,
    results_table,
    target_band_chart,
    untargeted_table,
    with_targets,
)
from plans.numbers import format_number

f = filters()
lang = f.lang
T = {
    "vi": {
        "title": "Chỉ tiêu và kết quả",
        "programme": "Chương trình có báo cáo kết quả",
        "no_results": (
            "Chương trình đang chọn ở thanh bên ({chosen}) chưa có báo cáo kết quả trong các văn "
            "bản. Chương trình có kết quả: {with_results}. Trang đang hiển thị {shown}."
        ),
        "more": "… ({n} chương trình)",
        "none_at_all": "Chưa có chương trình nào có báo cáo kết quả trong các văn bản.",
        "area_note": "Đang lọc theo lĩnh vực {area}.",
        "area_empty": "Lĩnh vực {area} không có kết quả nào của chương trình này.",
        "n_results": "Số kết quả báo cáo",
        "n_targets": "Có chỉ tiêu để so sánh",
        "n_met": "Đạt/vượt kế hoạch",
        "band_chart": "Kết quả đạt được so với chỉ tiêu",
        "pct_chart": "Tỷ lệ đạt so với kế hoạch",
        "band_caption": (
            "Nguồn: {files} (phần đánh giá kết quả). ◇ chỉ tiêu suy ra = số đạt ÷ tỷ lệ % văn "
            "bản ghi; khoảng của nó theo độ chính xác của số in (71,2% nghĩa là 71,15–71,25%) "
            "là dải nhạt phía sau, thường hẹp hơn dấu. | chỉ tiêu in trong văn bản. ● số đã đạt. "
            "Trục ngang thang logarit vì các chỉ tiêu đếm những thứ khác nhau."
        ),
        "pct_caption": (
            "Nguồn: {files}. Ngưỡng màu: dưới 50% chưa đạt nhiều; từ 50% đến dưới 100% chưa "
            "đạt; từ 100% trở lên đạt/vượt (mức đạt cũng ghi bằng chữ trên từng thanh). "
            'Dấu ◆ là tỷ lệ văn bản ghi ("đạt X% kế hoạch").'
        ),
        "table": "Bảng kết quả có chỉ tiêu",
        "band_tab": "Đạt so với chỉ tiêu",
        "pct_tab": "Tỷ lệ đạt",
        "tables_tab": "Bảng kết quả",
        "untargeted": "Kết quả không có chỉ tiêu để so sánh",
        "untargeted_caption": "Văn bản chỉ nêu số đạt được, không nêu kế hoạch hay tỷ lệ %.",
        "headers": {
            "indicator": "Chỉ tiêu",
            "unit": "Đơn vị",
            "achieved": "Đã đạt",
            "target_min": "Kế hoạch thấp nhất",
            "target_max": "Kế hoạch cao nhất",
            "target_point": "Kế hoạch",
            "basis": "Cơ sở của chỉ tiêu",
            "status": "Mức đạt",
            "achievement_pct": "Tỷ lệ tính lại",
            "stated_pct": "Tỷ lệ văn bản ghi",
            "source": "Nguồn",
        },
    },
    "en": {
        "title": "Targets and results",
        "programme": "Programme with reported results",
        "no_results": (
            "The programme chosen in the sidebar ({chosen}) has no reported results in the "
            "documents. Programmes with results: {with_results}. Showing {shown}."
        ),
        "more": "… ({n} programmes)",
        "none_at_all": "No programme has reported results in the documents yet.",
        "area_note": "Filtered to content area {area}.",
        "area_empty": "Content area {area} has no results in this programme.",
        "n_results": "Reported results",
        "n_targets": "With a target to compare",
        "n_met": "Met or exceeded",
        "band_chart": "Achieved against target",
        "pct_chart": "Achievement against plan",
        "band_caption": (
            "Source: {files} (results assessment). ◇ derived target = achieved ÷ the stated "
            "percent; its range from the printed precision (71.2% means 71.15-71.25%) is the "
            "pale band behind it, usually narrower than the marker. | target printed in the "
            "document. ● achieved. Log scale, because the indicators count different things."
        ),
        "pct_caption": (
            "Source: {files}. Colour thresholds: under 50% far below target; 50% to under 100% "
            "below target; 100% or more met or exceeded (the status is also written on each "
            'bar). ◆ marks the percent the document states ("đạt X% kế hoạch").'
        ),
        "table": "Results with a target",
        "band_tab": "Achieved vs target",
        "pct_tab": "Achievement %",
        "tables_tab": "Result tables",
        "untargeted": "Results without a target to compare",
        "untargeted_caption": "The document gives only the achieved figure, no plan or percent.",
        "headers": {
            "indicator_en": "Indicator",
            "unit": "Unit",
            "achieved": "Achieved",
            "target_min": "Target, lowest",
            "target_max": "Target, highest",
            "target_point": "Target",
            "basis": "Target basis",
            "status": "Status",
            "achievement_pct": "Recomputed percent",
            "stated_pct": "Stated percent",
            "source": "Source",
        },
    },
}[lang]

st.title(T["title"])
programmes = query("target_page_programmes")
with_results = programmes[programmes["n_results"] > 0]
titles = dict(
    zip(
        programmes["programme_id"],
        programmes["title" if lang == "vi" else "title_en"],
        strict=True,
    )
)
if with_results.empty:
    st.info(T["none_at_all"])
    st.stop()

options = list(with_results["programme_id"])
# The sidebar's programme if it has results; else the latest one of its province that has
# (Yên Bái 2021-2025 → Yên Bái 2011-2015), else the first.
province = programmes.loc[programmes["programme_id"] == f.programme, "province"]
same = with_results[with_results["province"].isin(province)].sort_values("period_start")
default = (
    f.programme
    if f.programme in options
    else (same["programme_id"].iloc[-1] if len(same) else options[0])
)
programme = st.selectbox(
    T["programme"],
    options=options,
    index=options.index(default),
    format_func=lambda pid: f"{pid} · {titles[pid]}",
    key="targets_programme",
)
if f.programme not in options:
    # at national scale the list would run to 63 programmes: the first ones and the count
    listed = ", ".join(options[:8]) + (
        " " + T["more"].format(n=len(options)) if len(options) > 8 else ""
    )
    st.info(T["no_results"].format(chosen=f.programme, with_results=listed, shown=programme))

# Results carry common content areas (KC codes), not the sections of a plan.
area = f.area if f.area_mode == "content_area" and f.area else None
results = query("target_page_results", programme_id=programme, content_area=area)
if area:
    st.caption(T["area_note"].format(area=area))
if results.empty:
    st.info(T["area_empty"].format(area=area))
    st.stop()

targeted = with_targets(results)
c1, c2, c3 = st.columns(3)
c1.metric(T["n_results"], format_number(len(results), 0, lang))
c2.metric(T["n_targets"], format_number(len(targeted), 0, lang))
c3.metric(T["n_met"], format_number(int((targeted["achievement_pct"] >= 100).sum()), 0, lang))

files = ", ".join(dict.fromkeys(results["source_file"]))
name = "indicator" if lang == "vi" else "indicator_en"
data = results_data(results, lang)
views = {"band": T["band_tab"], "pct": T["pct_tab"], "tables": T["tables_tab"]}
if targeted.empty:
    views = {"tables": T["tables_tab"]}  # nothing to chart: the results as a table
view, tab = view_tabs(views, key="targets_view")
with tab:
    if view == "band":
        chart_with_data(
            target_band_chart(results, f"{T['band_chart']} — {programme}", lang),
            data,
            [name, "unit", "achieved", "target_min", "target_point", "target_max", "basis",
             "source"],
            T["band_caption"].format(files=files),
            key="targets_band",
            headers=T["headers"],
        )  # fmt: skip
    elif view == "pct":
        chart_with_data(
            achievement_chart(results, f"{T['pct_chart']} — {programme}", lang),
            data,
            [name, "achievement_pct", "stated_pct", "status", "basis", "source"],
            T["pct_caption"].format(files=files),
            key="targets_pct",
            headers=T["headers"],
        )
    else:
        if not targeted.empty:
            st.subheader(T["table"])
            table = results_table(results, lang)
            height = 36 * (len(table) + 1) + 3
            st.dataframe(table, hide_index=True, key="targets_table", height=height)
        st.subheader(T["untargeted"])
        st.caption(T["untargeted_caption"])
        others = untargeted_table(results, lang)
        height = 36 * (len(others) + 1) + 3
        st.dataframe(others, hide_index=True, key="targets_untargeted", height=height)
