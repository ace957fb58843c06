"""Budget allocation: one programme's budget by section or content area, by task and by year."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import query
from plans.app.ui import chart_with_data, data_downloads, filters, view_tabs
from plans.charts.budget import allocation_tree, year_stack
from plans.charts.tables import for_display, headers_for
from plans.numbers import format_mvnd

f = filters()
lang = f.lang
T = {
    "vi": {
        "title": "Phân bổ kinh phí",
        "shape": "Dạng biểu đồ phân cấp",
        "treemap": "Ô chữ nhật (treemap)",
        "sunburst": "Vòng tròn (sunburst)",
        "no_lines": (
            "Văn bản của chương trình này không có bảng kinh phí chi tiết theo nhiệm vụ, "
            "nên không thể phân bổ theo mục, lĩnh vực hay năm. Chỉ có tổng kinh phí văn bản ghi."
        ),
        "stated": "Tổng kinh phí (văn bản ghi)",
        "not_stated": "Văn bản không ghi tổng kinh phí.",
        "stated_from": "Nguồn: {file}, dòng {line}.",
        "no_years": (
            "Chương trình có kinh phí các năm {start}-{end}; khoảng năm đã chọn ({y0}-{y1}) "
            "không có năm nào trong đó."
        ),
        "computed": "Kinh phí tính từ các dòng ({y0}-{y1})",
        "filtered": "Trong đó: {area}",
        "years_note": "Khoảng năm đã chọn chỉ gồm {n}/{total} năm của chương trình.",
        "tree": "Cơ cấu kinh phí theo {level} và nhiệm vụ — {prog}, {y0}-{y1}",
        "tree_hint": "Bấm vào một ô để xem chi tiết các nhiệm vụ; bấm lại ô gốc để quay lại.",
        "stack": "Kinh phí theo năm, chia theo {level} — {prog}",
        "section": "mục",
        "content_area": "lĩnh vực chung",
        "caption": "Nguồn: {file} (phụ lục kinh phí). Số liệu tính từ các ô kinh phí theo năm.",
        "caption_area": (
            " Lĩnh vực chung (NĐ 45/2012) là cách xếp nhiệm vụ vào lĩnh vực của bộ dữ liệu "
            "(content_area_map.csv), không phải của văn bản."
        ),
        "caption_derived": (
            " Có {n} ô không in trong văn bản, được suy ra từ tổng của dòng (xem data/README.md)."
        ),
        "shares": "Bảng tỷ trọng",
        "tree_tab": "Cơ cấu",
        "years_tab": "Theo năm",
        "shares_caption": "Tỷ trọng tính trên tổng đã lọc.",
        "shares_stated": (
            " Cột \u201cSố văn bản ghi\u201d là tổng mục in trong văn bản (cột Tổng cộng), "
            "đặt cạnh số tính lại từ các dòng."
        ),
        "shares_partial": (
            " Tổng mục của văn bản là của cả giai đoạn, nên chỉ so khi chọn đủ các năm."
        ),
        "shares_area": " Văn bản không in tổng theo lĩnh vực chung, nên không có số để so.",
        "group_key": "Mã nhóm",
        "task_code": "Nhiệm vụ",
        "task_name": "Tên nhiệm vụ",
        "source_line": "Dòng nguồn",
        "year": "Năm",
        "programme_share_pct": "Tỷ trọng trong chương trình",
        "stated_mvnd": "Số văn bản ghi (triệu đồng)",
        "difference_mvnd": "Chênh lệch (văn bản − tính lại)",
        "stated_source": "Nguồn số văn bản",
        "label": "Nội dung",
        "empty": "Không có dòng kinh phí nào của {area} trong các năm đã chọn.",
    },
    "en": {
        "title": "Budget allocation",
        "shape": "Hierarchical chart",
        "treemap": "Rectangles (treemap)",
        "sunburst": "Rings (sunburst)",
        "no_lines": (
            "The document of this programme has no budget table by task, so it cannot be split "
            "by section, content area or year. Only the total it states is known."
        ),
        "stated": "Total budget (as stated)",
        "not_stated": "The document states no total budget.",
        "stated_from": "Source: {file}, line {line}.",
        "no_years": (
            "The programme has budget lines for {start}-{end}; the chosen years ({y0}-{y1}) "
            "contain none of them."
        ),
        "computed": "Budget from the lines ({y0}-{y1})",
        "filtered": "Of which: {area}",
        "years_note": "The chosen years cover only {n} of the programme's {total} years.",
        "tree": "Budget by {level} and task — {prog}, {y0}-{y1}",
        "tree_hint": "Click a box to see its tasks; click the root box to go back.",
        "stack": "Budget per year by {level} — {prog}",
        "section": "section",
        "content_area": "common content area",
        "caption": "Source: {file} (budget appendix). Figures computed from the yearly cells.",
        "caption_area": (
            " The common content areas (Decree 45/2012) are this dataset's mapping of tasks "
            "(content_area_map.csv), not the document's."
        ),
        "caption_derived": (
            " {n} cells are not printed in the document and are derived from the row total "
            "(see data/README.md)."
        ),
        "shares": "Share table",
        "tree_tab": "Structure",
        "years_tab": "By year",
        "shares_caption": "Shares of the filtered total.",
        "shares_stated": (
            " \u201cStated\u201d is the section total the document prints (total column), "
            "beside the figure recomputed from the lines."
        ),
        "shares_partial": (
            " The document's section totals cover the whole period, so they are compared only "
            "when all its years are chosen."
        ),
        "shares_area": " The document prints no totals by common content area to compare with.",
        "group_key": "Group",
        "task_code": "Task",
        "task_name": "Task name",
        "source_line": "Source line",
        "year": "Year",
        "programme_share_pct": "Share of the programme",
        "stated_mvnd": "Stated (million VND)",
        "difference_mvnd": "Difference (stated − recomputed)",
        "stated_source": "Source of the stated figure",
        "label": "Item",
        "empty": "No budget line of {area} falls in the chosen years.",
    },
}[lang]
HEADERS = {
    k: T[k]
    for k in (
        "group_key",
        "task_code",
        "task_name",
        "source_line",
        "year",
        "programme_share_pct",
        "stated_mvnd",
        "difference_mvnd",
        "stated_source",
        "label",
    )
}

st.title(T["title"])
info = query(
    "budget_alloc_programme", programme_id=f.programme, year_from=f.year_from, year_to=f.year_to
).iloc[0]
st.subheader(info["title"] if lang == "vi" else info["title_en"])

if info["n_lines"] == 0:
    st.info(T["no_lines"])
    stated = info["stated_total_mvnd"]
    if stated == stated and stated is not None:
        st.metric(T["stated"], format_mvnd(stated, lang), help=info["stated_total_printed"])
        st.caption(T["stated_from"].format(file=info["source_file"], line=info["source_line"]))
    else:
        st.caption(T["not_stated"])
    st.stop()

if info["range_years"] == 0:
    st.info(
        T["no_years"].format(
            start=info["period_start"], end=info["period_end"], y0=f.year_from, y1=f.year_to
        )
    )
    st.stop()

params = {
    "programme_id": f.programme,
    "area_mode": f.area_mode,
    "area": f.area or None,
    "year_from": f.year_from,
    "year_to": f.year_to,
}
tree = query("budget_alloc_tree", **params)
years = query("budget_alloc_years", **params)
shares = query("budget_alloc_shares", **params)
if tree.empty:
    st.info(T["empty"].format(area=f.area))
    st.stop()
y0, y1 = int(tree["first_year"].min()), int(tree["last_year"].max())
n_years = int(info["period_end"] - info["period_start"] + 1)
label = "label_vi" if lang == "vi" else "label_en"

c1, c2, c3 = st.columns(3)
c1.metric(T["computed"].format(y0=y0, y1=y1), format_mvnd(info["range_total_mvnd"], lang))
if f.area:
    c2.metric(
        T["filtered"].format(area=f.area),
        format_mvnd(tree["amount_mvnd"].sum(), lang),
        help=str(shares[label].iloc[0]) if len(shares) else None,
    )
stated = info["stated_total_mvnd"]
if stated == stated and stated is not None:
    c3.metric(T["stated"], format_mvnd(stated, lang), help=info["stated_total_printed"])
if int(info["range_years"]) < n_years:
    st.caption(T["years_note"].format(n=int(info["range_years"]), total=n_years))

caption = T["caption"].format(file=info["source_file"])
if f.area_mode == "content_area":
    caption += T["caption_area"]
derived = int(years["n_derived_cells"].sum())
if derived:
    caption += T["caption_derived"].format(n=derived)

level = T[f.area_mode]
view, tab = view_tabs(
    {"tree": T["tree_tab"], "years": T["years_tab"], "shares": T["shares"]}, key="budget_view"
)
with tab:
    if view == "tree":
        shape = st.radio(
            T["shape"],
            options=["treemap", "sunburst"],
            format_func=T.get,
            horizontal=True,
            key="budget_shape",
        )
        st.caption(T["tree_hint"])
        tree_fig = allocation_tree(
            tree,
            f.programme,
            T["tree"].format(level=level, prog=f.programme, y0=y0, y1=y1),
            lang,
            shape=shape,
        )
        chart_with_data(
            tree_fig,
            tree.assign(label=tree["group_label_vi" if lang == "vi" else "group_label_en"]),
            ["group_key", "label", "task_code", "task_name", "amount_mvnd", "source_line"],
            caption,
            key="budget_tree",
            headers=HEADERS,
        )
    elif view == "years":
        stack_fig = year_stack(years, T["stack"].format(level=level, prog=f.programme), lang)
        chart_with_data(
            stack_fig,
            # a year is a label, not an amount: no thousands separator
            years.assign(
                label=years["group_label_vi" if lang == "vi" else "group_label_en"],
                year=years["year"].astype(str),
            ),
            ["year", "group_key", "label", "amount_mvnd"],
            caption,
            key="budget_years",
            headers={**HEADERS, "group_key": T["group_key"]},
        )
    else:
        shares = shares.assign(label=shares[label])
        columns = ["key", "label", "amount_mvnd", "share_pct"]
        if f.area:
            columns.append("programme_share_pct")
        if f.area_mode == "section":
            # the document prints totals by section only; by content area nothing to set beside
            columns += ["stated_mvnd", "difference_mvnd", "stated_source"]
        shown = for_display(shares, columns, lang, HEADERS)
        st.dataframe(shown, hide_index=True, key="budget_shares")
        note = T["shares_caption"]
        if f.area_mode == "content_area":
            note += T["shares_area"]
        else:
            note += T["shares_stated"]
            if int(info["range_years"]) < n_years:
                note += T["shares_partial"]
        st.caption(f"{note} {caption}")
        raw = shares[columns].rename(columns=headers_for(lang, HEADERS))
        left, right, _ = st.columns([1, 1, 4])
        data_downloads(raw, "budget_shares", left, right)
