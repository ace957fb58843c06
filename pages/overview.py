"""Overview: the chosen programme's headline figures, change on the previous period, shares."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import query
from plans.app.ui import chart_with_data, filters
from plans.charts.base import share_bar
from plans.charts.narrative import overview_sentences
from plans.charts.tables import for_display
from plans.data.sources import short_ref
from plans.numbers import format_mvnd, format_number, format_pct

f = filters()
lang = f.lang
T = {
    "vi": {
        "title": "Tổng quan chương trình",
        "total": "Tổng kinh phí (văn bản)",
        "tasks": "Số nhiệm vụ có kinh phí",
        "largest": "Lĩnh vực lớn nhất",
        "change": "Thay đổi, danh nghĩa",
        "change_real": "Thay đổi, giá {year}",
        "change_help": "Kinh phí kế hoạch so với giai đoạn trước ({previous}), giá hiện hành.",
        "change_real_help": (
            "Kinh phí kế hoạch so với giai đoạn trước ({previous}), cả hai quy về giá năm {year} "
            "theo CPI."
        ),
        "chart": "Cơ cấu kinh phí",
        "caption": "Nguồn: {file} (phụ lục kinh phí); tỷ trọng tính từ các dòng kinh phí.",
        "no_lines": "Chương trình này không có bảng kinh phí chi tiết trong văn bản.",
        "recon": "Chỗ số liệu văn bản không khớp",
        "none": "Không có điểm lệch.",
        "unknown": "chưa có",
    },
    "en": {
        "title": "Programme overview",
        "total": "Total budget (as stated)",
        "tasks": "Tasks with a budget",
        "largest": "Largest content area",
        "change": "Change, nominal",
        "change_real": "Change, {year} prices",
        "change_help": "Planned budget against the previous period ({previous}), current prices.",
        "change_real_help": (
            "Planned budget against the previous period ({previous}), both in {year} prices (CPI)."
        ),
        "chart": "Budget structure",
        "caption": "Source: {file} (budget appendix); shares computed from the budget lines.",
        "no_lines": "The document of this programme has no detailed budget table.",
        "recon": "Where the document's figures do not add up",
        "none": "No findings.",
        "unknown": "n/a",
    },
}[lang]

row = query("programme_overview", programme_id=f.programme).iloc[0]
budgets = query("programme_budgets", price_year=None).set_index("programme_id")
title = row["title"] if lang == "vi" else row["title_en"]
st.title(T["title"])
st.subheader(title)

this = budgets.loc[f.programme]
before = budgets.loc[row["previous_id"]] if row["previous_id"] in budgets.index else None


def change(now: float, then: float | None) -> str:
    if then is None or then != then or now != now or not then:
        return T["unknown"]
    return format_pct(100 * (now - then) / then, 1, lang)


c1, c2, c3, c4, c5 = st.columns(5)
total = row["stated_total_mvnd"]
c1.metric(T["total"], format_mvnd(total, lang) if total == total else T["unknown"])
c2.metric(T["tasks"], format_number(int(row["n_tasks"] or 0), 0, lang))
if row["largest_area"] is not None and row["largest_area"] == row["largest_area"]:
    c3.metric(
        T["largest"],
        f"{row['largest_area']} · {format_pct(row['largest_area_share_pct'], 1, lang)}",
        help=row["largest_area_label"],
    )
else:
    c3.metric(T["largest"], T["unknown"])
then_nominal = before["planned_mvnd"] if before is not None else None
then_real = before["planned_real_mvnd"] if before is not None else None
# Short labels (five metrics share the row; longer ones were cut off), the comparison on hover.
previous = row["previous_id"] if before is not None else "—"
year = int(this["price_year"])
c4.metric(
    T["change"],
    change(this["planned_mvnd"], then_nominal),
    help=T["change_help"].format(previous=previous),
)
c5.metric(
    T["change_real"].format(year=year),
    change(this["planned_real_mvnd"], then_real),
    help=T["change_real_help"].format(previous=previous, year=year),
)

for sentence in overview_sentences(row, this, before, lang):
    st.markdown(f"- {sentence}")

shares = query("programme_shares", programme_id=f.programme, level=f.area_mode)
if shares.empty:
    st.info(T["no_lines"])
else:
    chart_with_data(
        share_bar(shares, f"{T['chart']} — {title}", lang),
        shares,
        ["key", "label", "amount_mvnd", "share_pct"],
        T["caption"].format(file=row["source_file"]),
        key="overview_shares",
    )

st.subheader(T["recon"])
findings = query("programme_findings", programme_id=f.programme)
if findings.empty:
    st.success(T["none"])
else:
    findings["source"] = [
        short_ref(a, b)
        for a, b in zip(findings["source_file"], findings["source_line"], strict=True)
    ]
    location = "location" if lang == "vi" else "location_en"
    columns = [location, "printed_text", "stated_value", "computed_value", "difference", "source"]
    st.dataframe(for_display(findings, [*columns, "note"], lang), hide_index=True)
