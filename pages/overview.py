"""Overview: one programme's headline figures, budget shares and reconciliation findings."""

from __future__ import annotations

import streamlit as st

from plans.cache import query
from plans.figures import share_bar
from plans.numbers import format_mvnd, format_number
from plans.tables import for_display

lang = st.session_state.get("lang", "vi")
T = {
    "vi": {
        "title": "Tổng quan chương trình",
        "programme": "Chương trình",
        "level": "Chia theo",
        "section": "Mục của chương trình",
        "content_area": "Lĩnh vực chung (NĐ 45/2012)",
        "total": "Tổng kinh phí (văn bản)",
        "tasks": "Số nhiệm vụ có kinh phí",
        "findings": "Điểm lệch số liệu",
        "chart": "Cơ cấu kinh phí",
        "caption": "Nguồn: {file}, dòng {line}; tỷ trọng tính từ các dòng kinh phí của phụ lục.",
        "no_lines": "Chương trình này không có bảng kinh phí chi tiết.",
        "recon": "Chỗ số liệu văn bản không khớp",
        "none": "Không có điểm lệch.",
    },
    "en": {
        "title": "Programme overview",
        "programme": "Programme",
        "level": "Split by",
        "section": "Programme's own sections",
        "content_area": "Common content areas (Decree 45/2012)",
        "total": "Total budget (as stated)",
        "tasks": "Tasks with a budget",
        "findings": "Reconciliation findings",
        "chart": "Budget structure",
        "caption": "Source: {file}, line {line}; shares computed from the appendix budget lines.",
        "no_lines": "This programme has no detailed budget table.",
        "recon": "Where the document's figures do not add up",
        "none": "No findings.",
    },
}[lang]

st.title(T["title"])
programmes = query("programme_list")
title_col = "title" if lang == "vi" else "title_en"
labels = dict(zip(programmes["programme_id"], programmes[title_col], strict=True))
# Default: the newest khuyến công programme, the one a leader most likely opens the page for.
newest = programmes[programmes["kind"] == "khuyen_cong"].sort_values("period_start").iloc[-1]
options = list(labels)
programme_id = st.selectbox(
    T["programme"],
    options=options,
    index=options.index(newest["programme_id"]),
    format_func=labels.get,
    key="overview_programme",
)
row = programmes.set_index("programme_id").loc[programme_id]

c1, c2, c3 = st.columns(3)
total = row["stated_total_mvnd"]
c1.metric(T["total"], format_mvnd(total, lang) if total == total else "—")
c2.metric(T["tasks"], format_number(int(row["n_tasks"]), 0, lang))
c3.metric(T["findings"], format_number(int(row["n_findings"]), 0, lang))

level = st.radio(
    T["level"],
    ["section", "content_area"],
    format_func=T.get,
    key="overview_level",
    horizontal=True,
)
shares = query("programme_shares", programme_id=programme_id, level=level)
if shares.empty:
    st.info(T["no_lines"])
else:
    st.plotly_chart(share_bar(shares, f"{T['chart']} — {labels[programme_id]}", lang))
    st.caption(T["caption"].format(file=row["source_file"], line=row["source_line"]))
    columns = ["key", "label", "amount_mvnd", "share_pct"]
    st.dataframe(for_display(shares, columns, lang), hide_index=True)

st.subheader(T["recon"])
findings = query("programme_findings", programme_id=programme_id)
if findings.empty:
    st.success(T["none"])
else:
    findings["source"] = findings["source_file"].str[:3] + ":" + findings["source_line"]
    columns = [
        "location" if lang == "vi" else "location_en",
        "printed_text",
        "stated_value",
        "computed_value",
        "difference",
        "source",
        "note",
    ]
    st.dataframe(for_display(findings, columns, lang), hide_index=True)
