"""Support records: what was paid to which establishments, by province, year and content area."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import query
from plans.app.ui import chart_with_data, filters, view_tabs
from plans.charts.support import area_bars, change_heatmap, province_bars, year_bars
from plans.charts.tables import for_display
from plans.numbers import format_mvnd, format_number

f = filters()
lang = f.lang
T = {
    "vi": {
        "title": "Hỗ trợ cơ sở",
        "intro": (
            "Hồ sơ hỗ trợ từng cơ sở: số hồ sơ, số cơ sở, kinh phí hỗ trợ và số người hưởng lợi, "
            "theo tỉnh, năm và lĩnh vực chung. Trang theo bộ lọc tỉnh, khoảng năm và lĩnh vực "
            "chung; bộ lọc chương trình không áp dụng."
        ),
        "empty": (
            "Chưa có hồ sơ hỗ trợ nào trong cơ sở dữ liệu: các văn bản nguồn là kế hoạch và báo "
            "cáo tổng hợp, không có hồ sơ hỗ trợ từng cơ sở. Trang này hiện số liệu khi bảng "
            "support_records có dữ liệu (ví dụ cơ sở dữ liệu tổng hợp của `python -m plans synth`)."
        ),
        "none": "Không có hồ sơ hỗ trợ nào khớp bộ lọc đã chọn.",
        "section_note": (
            "Bộ lọc theo mục của chương trình không áp dụng cho hồ sơ hỗ trợ; chọn nhóm nội dung "
            "«Lĩnh vực chung» để lọc theo lĩnh vực."
        ),
        "records": "Số hồ sơ",
        "establishments": "Số cơ sở",
        "amount": "Kinh phí hỗ trợ",
        "amount_bn": "Kinh phí hỗ trợ (tỷ đồng)",
        "beneficiaries": "Người hưởng lợi",
        "by_province": "Kinh phí hỗ trợ theo tỉnh",
        "by_year": "Kinh phí hỗ trợ theo năm",
        "changes": "Thay đổi so với năm trước, theo tỉnh",
        "by_area": "Kinh phí hỗ trợ theo lĩnh vực chung",
        "top": "Cơ sở được hỗ trợ nhiều nhất",
        "views": {
            "provinces": "Theo tỉnh",
            "years": "Theo năm",
            "areas": "Theo lĩnh vực",
            "top": "Cơ sở nhận nhiều nhất",
        },
        "limit": "Số cơ sở",
        "caption": (
            "Nguồn: hồ sơ hỗ trợ (support_records). Lĩnh vực của hồ sơ là lĩnh vực của nhiệm "
            "vụ (content_area_map.csv); một cơ sở là một tên cơ sở trong một tỉnh."
        ),
        "caption_change": (
            " Thay đổi so với năm liền trước trong bộ lọc; năm đầu và năm liền sau một năm "
            "không có hồ sơ để trống."
        ),
        "csv": "Tải CSV",
        "no_area": "Chưa xếp lĩnh vực",
        "rank": "Hạng",
        "province": "Tỉnh",
        "establishment": "Cơ sở",
        "records_h": "Số hồ sơ",
        "establishments_h": "Số cơ sở",
        "amount_mvnd": "Kinh phí hỗ trợ (triệu đồng)",
        "beneficiaries_h": "Người hưởng lợi",
        "year": "Năm",
        "prev_amount_mvnd": "Năm trước (triệu đồng)",
        "change_pct": "Thay đổi",
        "content_area": "Lĩnh vực",
        "area_name": "Tên lĩnh vực",
    },
    "en": {
        "title": "Support records",
        "intro": (
            "Support records of individual establishments: how many records and establishments, "
            "the amount paid and the beneficiaries, by province, year and common content area. "
            "The page follows the province, year and content-area filters; the programme filter "
            "does not apply."
        ),
        "empty": (
            "There are no support records in this database yet: the source documents are plans "
            "and summary reports, not records of each establishment supported. The page shows "
            "figures once the support_records table holds data (for example the synthetic "
            "database of `python -m plans synth`)."
        ),
        "none": "No support record matches the chosen filters.",
        "section_note": (
            "The filter by programme section does not apply to support records; choose the "
            "common content areas grouping to filter by content area."
        ),
        "records": "Records",
        "establishments": "Establishments",
        "amount": "Support amount",
        "amount_bn": "Support amount (billion VND)",
        "beneficiaries": "Beneficiaries",
        "by_province": "Support amount by province",
        "by_year": "Support amount by year",
        "changes": "Change on the year before, by province",
        "by_area": "Support amount by common content area",
        "top": "Establishments with the most support",
        "views": {
            "provinces": "By province",
            "years": "By year",
            "areas": "By content area",
            "top": "Top establishments",
        },
        "limit": "Establishments",
        "caption": (
            "Source: support records (support_records). A record's content area is its task's "
            "(content_area_map.csv); an establishment is one establishment name in one province."
        ),
        "caption_change": (
            " Change on the year just before, within the filter; the first year, and a year "
            "after one without records, stay empty."
        ),
        "csv": "Download CSV",
        "no_area": "No content area",
        "rank": "Rank",
        "province": "Province",
        "establishment": "Establishment",
        "records_h": "Records",
        "establishments_h": "Establishments",
        "amount_mvnd": "Support amount (million VND)",
        "beneficiaries_h": "Beneficiaries",
        "year": "Year",
        "prev_amount_mvnd": "Year before (million VND)",
        "change_pct": "Change",
        "content_area": "Content area",
        "area_name": "Content area name",
    },
}[lang]
HEADERS = {
    "rank": T["rank"],
    "province": T["province"],
    "establishment": T["establishment"],
    "records": T["records_h"],
    "establishments": T["establishments_h"],
    "amount_mvnd": T["amount_mvnd"],
    "beneficiaries": T["beneficiaries_h"],
    "year": T["year"],
    "prev_amount_mvnd": T["prev_amount_mvnd"],
    "change_pct": T["change_pct"],
    "content_area": T["content_area"],
    "area_name": T["area_name"],
}

st.title(T["title"])
st.markdown(T["intro"])

# The same four filters for every query; a section code is not a content area of records.
params = {
    "provinces": tuple(f.provinces) or None,
    "y0": f.year_from,
    "y1": f.year_to,
    "content_area": (f.area or None) if f.area_mode == "content_area" else None,
}
if f.area_mode == "section" and f.area:
    st.caption(T["section_note"])

provinces = query("support_by_province", **params)
if provinces.empty:
    everything = query("support_by_province", provinces=None, y0=None, y1=None, content_area=None)
    st.info(T["empty"] if everything.empty else T["none"])
    st.stop()

c1, c2, c3, c4 = st.columns([1, 1, 1.6, 1])
c1.metric(T["records"], format_number(float(provinces["records"].sum()), 0, lang))
c2.metric(T["establishments"], format_number(float(provinces["establishments"].sum()), 0, lang))
amount = float(provinces["amount_mvnd"].sum())
# A metric has little room: the unit in its label, billions to one decimal in the figure
# ("2.550.319,7 billion VND" was cut off at national scale), the exact amount on hover.
c3.metric(T["amount_bn"], format_number(amount / 1000, 1, lang), help=format_mvnd(amount, lang))
c4.metric(T["beneficiaries"], format_number(float(provinces["beneficiaries"].sum()), 0, lang))

view, tab = view_tabs(T["views"], key="support_view")
with tab:
    if view == "provinces":
        chart_with_data(
            province_bars(provinces, T["by_province"], lang),
            provinces,
            ["province", "records", "establishments", "amount_mvnd", "beneficiaries", "share_pct"],
            T["caption"],
            key="support_provinces",
            headers=HEADERS,
        )
    elif view == "years":
        years = query("support_by_year", **params)
        chart_with_data(
            year_bars(years, T["by_year"], lang),
            years.assign(year=years["year"].astype(str)),  # a year, not a number with a mark
            ["year", "records", "amount_mvnd", "beneficiaries"],
            T["caption"] + T["caption_change"],
            key="support_years",
            headers=HEADERS,
        )
        yoy = query("support_yoy", **params)
        chart_with_data(
            change_heatmap(yoy, T["changes"], lang),
            yoy.assign(year=yoy["year"].astype(str)),
            ["province", "year", "amount_mvnd", "prev_amount_mvnd", "change_pct"],
            T["caption"] + T["caption_change"],
            key="support_changes",
            headers=HEADERS,
        )
    elif view == "areas":
        areas = query("support_by_area", **params)
        choices = query("area_choices")
        names = {
            str(row.code): str(getattr(row, f"name_{lang}"))
            for row in choices[choices["mode"] == "content_area"].itertuples(index=False)
        }
        shown_areas = areas.assign(
            area_name=[names.get(str(c), T["no_area"]) for c in areas["content_area"].fillna("")]
        )
        chart_with_data(
            area_bars(areas, names, T["by_area"], lang),
            shown_areas,
            ["content_area", "area_name", "records", "amount_mvnd", "beneficiaries", "share_pct"],
            T["caption"],
            key="support_areas",
            headers=HEADERS,
        )
    else:
        st.subheader(T["top"])
        limit = st.select_slider(
            T["limit"], options=[10, 20, 50, 100], value=20, key="support_limit"
        )
        top = query("support_top_establishments", **params, limit=int(limit))
        columns = ["rank", "province", "establishment", "records", "amount_mvnd", "beneficiaries"]
        st.dataframe(
            for_display(top, columns, lang, HEADERS), hide_index=True, key="support_top_table"
        )
        st.caption(T["caption"])
