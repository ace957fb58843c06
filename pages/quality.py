"""Data quality: reconciliation findings with their source lines, checks made, weak spots."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plans.app.cache import query
from plans.app.source_view import (
    cited_snippet,
    context_lines,
    has_text,
    no_text_notice,
    numbered_block,
)
from plans.app.ui import chart_with_data, filters
from plans.charts.tables import for_display
from plans.charts.timeline import findings_dumbbell
from plans.data.sources import short_ref
from plans.numbers import format_number, format_pct

f = filters()
lang = f.lang
T = {
    "vi": {
        "title": "Chất lượng dữ liệu",
        "intro": (
            "Những chỗ số liệu trong văn bản không khớp nhau, kèm dòng văn bản in ra số đó;"
            " các phép đối chiếu đã làm; và những ô, chỉ tiêu cần đọc thận trọng."
        ),
        "all": "Tất cả chương trình",
        "scope_one": "Đang xem: {programme} (chương trình chọn ở thanh bên).",
        "scope_all": "Đang xem: mọi chương trình của các tỉnh đã chọn.",
        "checks": "Các phép đối chiếu",
        "totals": "Số tổng đã đối chiếu",
        "ok": "Khớp",
        "differs": "Lệch",
        "not_checkable": "Không kiểm được",
        "pcts": "Tỷ lệ % đã tính lại",
        "pct_ok": "Tỷ lệ % khớp",
        "pct_differs": "Tỷ lệ % lệch",
        "of": "{share} số đã kiểm",
        "findings": "Chỗ số liệu không khớp",
        "no_findings": "Không có điểm lệch nào trong phạm vi đang xem.",
        "chart": "Số văn bản ghi và số tính lại",
        "caption": (
            "Nguồn: {files}. Mỗi ô một điểm lệch, trục riêng vì đơn vị khác nhau (triệu đồng,"
            " %); số tính lại lấy từ các ô kinh phí hoặc các tổng cấp dưới in trong văn bản."
        ),
        "table": "Chi tiết và dòng văn bản gốc",
        "lines": "Toàn văn các dòng được dẫn",
        "uncertain": "Chỉ tiêu đọc không chắc chắn",
        "no_uncertain": "Không có: mọi chỉ tiêu đều được đọc chắc chắn.",
        "cells": "Ô kinh phí không in trong văn bản",
        "cells_intro": (
            "Ô để trống được đọc là 0; ô không in (trang phụ lục thiếu cột) được suy ra từ tổng"
            " của dòng. Các ô này có trong bảng kinh phí nhưng không phải số văn bản in."
        ),
        "no_cells": "Không có: mọi ô kinh phí đều có số in.",
        "unmapped": "Nhiệm vụ chưa gán lĩnh vực chung",
        "no_unmapped": "Không có: mọi nhiệm vụ đều đã gán lĩnh vực chung (NĐ 45/2012).",
        "discrepancies": "Chỗ văn bản ghi hai cách",
        "discrepancies_intro": (
            "Số hiệu, ngày tháng viết hai cách, chỉ tiêu phần lời khác phụ lục, lỗi trình bày"
            " của bản chuyển đổi: cả hai nơi đều được dẫn."
        ),
        "no_discrepancies": "Không có.",
        "unit_mvnd": "triệu đồng",
        "unit_pct": "%",
        "kinds": {
            "row_total": "Tổng của dòng ≠ tổng các năm",
            "row_quantity_total": "Tổng số lượng của dòng ≠ tổng các năm",
            "section_total": "Tổng của mục ≠ tổng các ô kinh phí",
            "section_year_total": "Số năm của mục ≠ tổng các nhiệm vụ năm đó",
            "section_total_vs_row_totals": "Tổng của mục ≠ tổng các dòng nhiệm vụ",
            "section_total_vs_year_totals": "Tổng của mục ≠ tổng các năm của mục",
            "grand_total": "Tổng cộng ≠ tổng các ô kinh phí",
            "grand_total_vs_section_totals": "Tổng cộng ≠ tổng các mục",
            "grand_total_vs_year_totals": "Tổng cộng ≠ tổng các năm",
            "year_total": "Tổng năm ≠ tổng các ô của năm",
            "year_total_vs_section_year_totals": "Tổng năm ≠ tổng các mục năm đó",
            "text_total": "Tổng ghi ở phần lời ≠ tổng các ô kinh phí",
            "text_year_total": "Số năm ghi ở phần lời ≠ tổng các ô của năm",
            "text_total_vs_text_years": "Tổng ở phần lời ≠ tổng các năm ở phần lời",
            "stated_percentage": "Tỷ lệ % ghi ≠ tỷ lệ tính từ các số được nêu",
        },
        "bases": {"blank": "ô trống, đọc là 0", "derived": "không in, suy ra từ tổng dòng"},
        "disc_kinds": {
            "reference_number": "Số hiệu văn bản",
            "date": "Ngày tháng",
            "narrative_vs_appendix": "Phần lời khác phụ lục",
            "layout_artefact": "Lỗi trình bày bản chuyển đổi",
            "number_format": "Cách viết số",
        },
        "headers": {
            "programme_id": "Chương trình",
            "kind_label": "Loại",
            "unit": "Đơn vị",
            "cited": "Dòng văn bản in",
            "task_code": "Mã",
            "task_name": "Nhiệm vụ",
            "year": "Năm",
            "basis_label": "Cách có số",
            "item_code": "Mã",
            "indicator": "Chỉ tiêu",
            "quantity_text": "Số lượng như văn bản",
            "source_text": "Câu văn",
            "section_code": "Mục",
            "discrepancy_id": "Mã",
            "place": "Nơi thứ nhất",
            "printed": "Văn bản ghi",
            "other_place": "Nơi thứ hai",
            "other_printed": "Văn bản ghi (nơi thứ hai)",
        },
    },
    "en": {
        "title": "Data quality",
        "intro": (
            "Where the documents' figures do not add up, with the line that prints each figure;"
            " the checks made; and the cells and targets to read with care."
        ),
        "all": "All programmes",
        "scope_one": "Showing: {programme} (the programme chosen in the sidebar).",
        "scope_all": "Showing: every programme of the chosen provinces.",
        "checks": "Checks made",
        "totals": "Stated totals checked",
        "ok": "Agree",
        "differs": "Differ",
        "not_checkable": "Not checkable",
        "pcts": "Percentages recomputed",
        "pct_ok": "Percentages agree",
        "pct_differs": "Percentages differ",
        "of": "{share} of those checked",
        "findings": "Where the figures do not add up",
        "no_findings": "No findings in this view.",
        "chart": "Stated and recomputed figures",
        "caption": (
            "Source: {files}. One panel per finding, each on its own scale since the units"
            " differ (million VND, %); recomputed from the printed budget cells or the stated"
            " totals one level down."
        ),
        "table": "Details and the printed source line",
        "lines": "The cited lines in full",
        "uncertain": "Targets read with uncertainty",
        "no_uncertain": "None: every target was read with certainty.",
        "cells": "Budget cells not printed in the document",
        "cells_intro": (
            "Empty cells are read as 0; cells not printed (an appendix page without the column)"
            " are derived from the row total. They are in the budget table but are not"
            " printed figures."
        ),
        "no_cells": "None: every budget cell is printed.",
        "unmapped": "Tasks without a common content area",
        "no_unmapped": "None: every task has a common content area (Decree 45/2012).",
        "discrepancies": "Where the documents say a thing two ways",
        "discrepancies_intro": (
            "Reference numbers and dates written two ways, narrative targets that differ from"
            " the appendix, layout artefacts of the conversion: both places are cited."
        ),
        "no_discrepancies": "None.",
        "unit_mvnd": "million VND",
        "unit_pct": "%",
        "kinds": {
            "row_total": "Row total ≠ sum of years",
            "row_quantity_total": "Row quantity total ≠ sum of years",
            "section_total": "Section total ≠ sum of its budget cells",
            "section_year_total": "Section's year figure ≠ sum of its tasks that year",
            "section_total_vs_row_totals": "Section total ≠ sum of its task rows",
            "section_total_vs_year_totals": "Section total ≠ sum of its years",
            "grand_total": "Grand total ≠ sum of all budget cells",
            "grand_total_vs_section_totals": "Grand total ≠ sum of the sections",
            "grand_total_vs_year_totals": "Grand total ≠ sum of the years",
            "year_total": "Year total ≠ sum of that year's cells",
            "year_total_vs_section_year_totals": "Year total ≠ sum of the sections that year",
            "text_total": "Total in the text ≠ sum of the budget cells",
            "text_year_total": "Year figure in the text ≠ sum of that year's cells",
            "text_total_vs_text_years": "Total in the text ≠ sum of the years in the text",
            "stated_percentage": "Stated percentage ≠ ratio of the figures it names",
        },
        "bases": {"blank": "empty cell, read as 0", "derived": "not printed, from the row total"},
        "disc_kinds": {
            "reference_number": "Reference number",
            "date": "Date",
            "narrative_vs_appendix": "Narrative differs from appendix",
            "layout_artefact": "Layout artefact of the conversion",
            "number_format": "Number notation",
        },
        "headers": {
            "programme_id": "Programme",
            "kind_label": "Kind",
            "unit": "Unit",
            "cited": "Printed source line",
            "task_code": "Code",
            "task_name": "Task",
            "year": "Year",
            "basis_label": "How the figure is known",
            "item_code": "Code",
            "indicator": "Indicator",
            "quantity_text": "Quantity as printed",
            "source_text": "Sentence",
            "section_code": "Section",
            "discrepancy_id": "Id",
            "place": "First place",
            "printed": "Printed",
            "other_place": "Second place",
            "other_printed": "Printed (second place)",
        },
    },
}[lang]
H = T["headers"]

st.title(T["title"])
st.caption(T["intro"])

show_all = st.toggle(T["all"], value=True, key="quality_all")
programme = None if show_all else f.programme
st.caption(T["scope_all"] if show_all else T["scope_one"].format(programme=f.programme))


def in_view(frame: pd.DataFrame) -> pd.DataFrame:
    """With 'all programmes', keep the programmes of the sidebar's provinces."""
    if programme is None and f.provinces and "province" in frame:
        return frame[frame["province"].isin(f.provinces)]
    return frame


def num(value: float) -> str:
    return format_number(int(value), 0, lang)


# Checks made ---------------------------------------------------------------------------------
st.subheader(T["checks"])
counts = in_view(query("quality_check_counts", programme_id=programme))
totals = counts[counts["family"] == "total"][["n_checks", "n_ok", "n_differs", "n_not_checkable"]]
pcts = counts[counts["family"] == "percentage"][["n_checks", "n_ok", "n_differs"]]
t_sum, p_sum = totals.sum(), pcts.sum()


def share(part: float, whole: float) -> str | None:
    return T["of"].format(share=format_pct(100 * part / whole, 1, lang)) if whole else None


# The share is context, not a change: no arrow, no green/red.
plain = {"delta_color": "off", "delta_arrow": "off"}
c = st.columns(4)
c[0].metric(T["totals"], num(t_sum["n_checks"]))
c[1].metric(T["ok"], num(t_sum["n_ok"]), share(t_sum["n_ok"], t_sum["n_checks"]), **plain)
c[2].metric(
    T["differs"], num(t_sum["n_differs"]), share(t_sum["n_differs"], t_sum["n_checks"]), **plain
)
c[3].metric(
    T["not_checkable"],
    num(t_sum["n_not_checkable"]),
    share(t_sum["n_not_checkable"], t_sum["n_checks"]),
    **plain,
)
c = st.columns(4)
c[0].metric(T["pcts"], num(p_sum["n_checks"]))
c[1].metric(T["pct_ok"], num(p_sum["n_ok"]), share(p_sum["n_ok"], p_sum["n_checks"]), **plain)
c[2].metric(
    T["pct_differs"], num(p_sum["n_differs"]), share(p_sum["n_differs"], p_sum["n_checks"]), **plain
)

# Findings ------------------------------------------------------------------------------------
st.subheader(T["findings"])
findings = in_view(query("quality_findings", programme_id=programme)).copy()
if findings.empty:
    st.success(T["no_findings"])
else:
    findings["kind_label"] = [T["kinds"].get(k, k) for k in findings["kind"]]
    findings["unit"] = [
        {"amount_mvnd": T["unit_mvnd"], "pct": T["unit_pct"]}.get(m, "")
        for m in findings["measure"]
    ]
    findings["source"] = [
        short_ref(a, b)
        for a, b in zip(findings["source_file"], findings["source_line"], strict=True)
    ]
    findings["cited"] = [
        cited_snippet(a, b, programme_id=p)
        for a, b, p in zip(
            findings["source_file"], findings["source_line"], findings["programme_id"], strict=True
        )
    ]
    location = "location" if lang == "vi" else "location_en"
    numbers = [
        "programme_id",
        location,
        "kind_label",
        "printed_text",
        "stated_value",
        "computed_value",
        "difference",
        "unit",
        "source",
    ]
    files = ", ".join(sorted(set(findings["source_file"])))
    chart_with_data(
        findings_dumbbell(findings, T["chart"], lang),
        findings,
        numbers,
        T["caption"].format(files=files),
        key="quality_findings",
        headers=H,
    )
    st.markdown(f"**{T['table']}**")
    columns = ["source", location, "kind_label", "printed_text", "cited", "note"]
    st.dataframe(
        for_display(findings, columns, lang, H), hide_index=True, key="quality_findings_detail"
    )
    with st.expander(T["lines"]):
        for row in findings.to_dict("records"):
            st.markdown(f"**{row['source']}** · {row[location]} · {row['kind_label']}")
            if has_text(row["source_file"], row["programme_id"]):
                block = context_lines(
                    row["source_file"], row["source_line"], 0, programme_id=row["programme_id"]
                )
                st.code(numbered_block(block), language=None, wrap_lines=True)
            else:
                st.info(no_text_notice(lang))

# Uncertain parses ----------------------------------------------------------------------------
st.subheader(T["uncertain"])
uncertain = in_view(query("quality_uncertain_targets", programme_id=programme)).copy()
if uncertain.empty:
    st.write(T["no_uncertain"])
else:
    uncertain["source"] = [
        short_ref(a, b)
        for a, b in zip(uncertain["source_file"], uncertain["source_line"], strict=True)
    ]
    st.dataframe(
        for_display(
            uncertain,
            ["programme_id", "item_code", "indicator", "quantity_text", "source_text", "source"],
            lang,
            H,
        ),
        hide_index=True,
    )

st.subheader(T["cells"])
cells = in_view(query("quality_unprinted_cells", programme_id=programme)).copy()
if cells.empty:
    st.write(T["no_cells"])
else:
    st.caption(T["cells_intro"])
    cells["basis_label"] = [T["bases"].get(b, b) for b in cells["basis"]]
    cells["source"] = [
        short_ref(a, b) for a, b in zip(cells["source_file"], cells["source_line"], strict=True)
    ]
    columns = [
        "programme_id",
        "task_code",
        "year",
        "basis_label",
        "amount_mvnd",
        "source",
        "task_name",
        "note",
    ]
    # a year is a label, not a quantity: no thousands separator
    cells["year"] = cells["year"].astype(str)
    st.dataframe(for_display(cells, columns, lang, H), hide_index=True, key="quality_cells")

st.subheader(T["unmapped"])
unmapped = in_view(query("quality_unmapped_tasks", programme_id=programme)).copy()
if unmapped.empty:
    st.write(T["no_unmapped"])
else:
    unmapped["source"] = [
        short_ref(a, b)
        for a, b in zip(unmapped["source_file"], unmapped["source_lines"], strict=True)
    ]
    st.dataframe(
        for_display(
            unmapped, ["programme_id", "section_code", "task_code", "task_name", "source"], lang, H
        ),
        hide_index=True,
    )

# Textual discrepancies -----------------------------------------------------------------------
st.subheader(T["discrepancies"])
discrepancies = query("quality_discrepancies", programme_id=programme).copy()
if discrepancies.empty:
    st.write(T["no_discrepancies"])
else:
    st.caption(T["discrepancies_intro"])
    discrepancies["kind_label"] = [T["disc_kinds"].get(k, k) for k in discrepancies["kind"]]
    discrepancies["place"] = [
        short_ref(a, b)
        for a, b in zip(discrepancies["source_file"], discrepancies["source_line"], strict=True)
    ]
    discrepancies["other_place"] = [
        short_ref(a, b)
        for a, b in zip(discrepancies["other_file"], discrepancies["other_line"], strict=True)
    ]
    columns = [
        "discrepancy_id",
        "kind_label",
        "place",
        "printed",
        "other_place",
        "other_printed",
        "note",
    ]
    st.dataframe(
        for_display(discrepancies, columns, lang, H), hide_index=True, key="quality_discrepancies"
    )
