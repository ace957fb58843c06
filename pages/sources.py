"""Sources: the documents' metadata, any figure traced to its lines, a searchable text viewer."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import query
from plans.app.source_view import (
    context_lines,
    figure_label,
    figure_value,
    full_text,
    has_text,
    no_text_notice,
    numbered_block,
    search_lines,
)
from plans.app.ui import filters
from plans.charts.tables import for_display
from plans.data.sources import short_ref
from plans.numbers import format_number

f = filters()
lang = f.lang
T = {
    "vi": {
        "title": "Nguồn văn bản",
        "intro": (
            "Mọi số liệu của bảng điều khiển đều được đọc từ một dòng của một trong các văn bản"
            " dưới đây. Chọn một số liệu để xem dòng văn bản in ra nó."
        ),
        "documents": "Các văn bản",
        "trace": "Tra nguồn một số liệu",
        "programme": "Chương trình",
        "kind": "Loại số liệu",
        "row": "Số liệu",
        "kinds": {
            "budget_line": "Kinh phí nhiệm vụ theo năm",
            "stated_total": "Số tổng văn bản ghi",
            "target": "Chỉ tiêu",
            "result": "Kết quả đã đạt",
        },
        "no_figures": "Chương trình này không có số liệu nào trong phạm vi đang chọn.",
        "printed": "Văn bản in",
        "not_printed": (
            "không in trong văn bản (ô suy ra hoặc ô trống, xem trang Chất lượng dữ liệu)"
        ),
        "value": "Giá trị lưu",
        "source": "Dòng nguồn",
        "lines": "Dòng văn bản (▶ = dòng được dẫn, kèm 2 dòng trước và sau)",
        "viewer": "Đọc văn bản",
        "document": "Văn bản",
        "search": "Tìm trong văn bản",
        "search_help": "Ví dụ: 250,9 tỷ",
        "found": "{n} dòng có “{q}”.",
        "not_found": "Không có dòng nào chứa “{q}”.",
        "full_text": "Toàn văn ({n} dòng)",
        "styles": {"vi": "1.234,5 (kiểu Việt Nam)", "en_thousands": "1,234 (dấu phẩy hàng nghìn)"},
        "headers": {
            "source_file": "Tệp",
            "doc_type": "Loại văn bản",
            "title": "Tên văn bản",
            "issuer": "Cơ quan ban hành",
            "ref_printed": "Số hiệu (như in)",
            "date_printed": "Ngày (như in)",
            "style": "Cách viết số",
            "programme_ids": "Chương trình đọc từ văn bản",
        },
    },
    "en": {
        "title": "Sources",
        "intro": (
            "Every figure of the dashboard is read from a line of one of the documents below."
            " Pick a figure to see the line that prints it."
        ),
        "documents": "The documents",
        "trace": "Trace a figure",
        "programme": "Programme",
        "kind": "Kind of figure",
        "row": "Figure",
        "kinds": {
            "budget_line": "Task budget by year",
            "stated_total": "Stated total",
            "target": "Target",
            "result": "Reported result",
        },
        "no_figures": "This programme has no figures in the chosen view.",
        "printed": "Printed",
        "not_printed": "not printed in the document (a derived or empty cell, see Data quality)",
        "value": "Stored value",
        "source": "Source lines",
        "lines": "Document lines (▶ = cited line, with 2 lines before and after)",
        "viewer": "Read a document",
        "document": "Document",
        "search": "Search the document",
        "search_help": "For example: 250,9 tỷ",
        "found": "{n} lines contain “{q}”.",
        "not_found": "No line contains “{q}”.",
        "full_text": "Full text ({n} lines)",
        "styles": {"vi": "1.234,5 (Vietnamese)", "en_thousands": "1,234 (comma thousands)"},
        "headers": {
            "source_file": "File",
            "doc_type": "Document type",
            "title_en": "Title",
            "issuer": "Issuer",
            "ref_printed": "Reference (as printed)",
            "date_printed": "Date (as printed)",
            "style": "Number notation",
            "programme_ids": "Programmes read from it",
        },
    },
}[lang]

st.title(T["title"])
st.caption(T["intro"])

# The documents -------------------------------------------------------------------------------
st.subheader(T["documents"])
documents = query("source_documents").copy()
documents["style"] = [T["styles"].get(s, s) for s in documents["number_style"]]
documents["programme_ids"] = documents["programme_ids"].fillna("—")
title = "title" if lang == "vi" else "title_en"
columns = [
    "source_file",
    "doc_type",
    title,
    "issuer",
    "ref_printed",
    "date_printed",
    "style",
    "programme_ids",
]
st.dataframe(for_display(documents, columns, lang, T["headers"]), hide_index=True)

# Trace a figure ------------------------------------------------------------------------------
st.subheader(T["trace"])
programmes = query("filter_choices")
if f.provinces:
    programmes = programmes[programmes["province"].isin(f.provinces)]
names = dict(zip(programmes["programme_id"], programmes[title], strict=True))


def keep(key: str, options: list[str], default: str | None = None) -> None:
    """Keep a dependent widget's choice valid when its options change."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else options[0]


left, middle = st.columns(2)
keep("sources_programme", list(names), f.programme)
programme = left.selectbox(
    T["programme"],
    options=list(names),
    format_func=lambda p: f"{p} · {names[p]}",
    key="sources_programme",
)
# The sidebar's section applies to the programme it was chosen for.
section = f.area if f.area_mode == "section" and f.area and programme == f.programme else None
figures = query(
    "source_figures",
    programme_id=programme,
    kind=None,
    year_from=f.year_from or None,
    year_to=f.year_to or None,
    section_code=section,
)
kinds = [k for k in T["kinds"] if k in set(figures["kind"])]
if not kinds:
    st.info(T["no_figures"])
else:
    keep("sources_kind", kinds)
    kind = middle.selectbox(
        T["kind"], options=kinds, format_func=T["kinds"].get, key="sources_kind"
    )
    rows = figures[figures["kind"] == kind]
    labels = {r["figure_id"]: figure_label(r, lang) for r in rows.to_dict("records")}
    keep("sources_row", list(labels))
    chosen = st.selectbox(T["row"], options=list(labels), format_func=labels.get, key="sources_row")
    row = rows[rows["figure_id"] == chosen].iloc[0].to_dict()
    printed = row["printed_text"] if isinstance(row["printed_text"], str) else None
    c1, c2, c3 = st.columns(3)
    c1.markdown(f"**{T['printed']}**  \n" + (f"`{printed}`" if printed else T["not_printed"]))
    c2.markdown(f"**{T['value']}**  \n{figure_value(row, lang)}")
    c3.markdown(f"**{T['source']}**  \n`{short_ref(row['source_file'], row['source_line'])}`")
    if has_text(row["source_file"], programme):
        st.caption(f"{T['lines']} — {row['source_file']}")
        block = context_lines(row["source_file"], row["source_line"], 2, programme_id=programme)
        st.code(numbered_block(block, spaced=True), language=None, wrap_lines=True)
    else:
        st.info(no_text_notice(lang))

# Document viewer -----------------------------------------------------------------------------
st.subheader(T["viewer"])
files = list(documents["source_file"])
titles = dict(zip(documents["source_file"], documents[title], strict=True))
default_file = next(
    (
        s
        for s, ids in zip(documents["source_file"], documents["programme_ids"], strict=True)
        # the list, not the text: "HN-2021-2025" is inside "HN-2021-2025-2" (a re-import)
        if isinstance(ids, str) and programme in ids.split(", ")
    ),
    files[0],
)
keep("sources_document", files, default_file)
document = st.selectbox(
    T["document"],
    options=files,
    format_func=lambda s: f"{s} · {titles[s]}",
    key="sources_document",
)
# The chosen programme tells apart two imports of one file name (plans.data.sources.import_folder).
readers = dict(zip(documents["source_file"], documents["programme_ids"], strict=True))
owner = programme if programme in str(readers[document]).split(", ") else None
lines = full_text(document, owner)
if lines is None:
    st.info(no_text_notice(lang))
else:
    wanted = st.text_input(T["search"], key="sources_search", placeholder=T["search_help"])
    if wanted.strip():
        matches = search_lines(document, wanted, programme_id=owner)
        if matches:
            st.caption(T["found"].format(n=format_number(len(matches), 0, lang), q=wanted.strip()))
            st.code(numbered_block(matches, spaced=True), language=None, wrap_lines=True)
        else:
            st.info(T["not_found"].format(q=wanted.strip()))
    with st.expander(T["full_text"].format(n=format_number(len(lines), 0, lang))):
        st.code(numbered_block(lines), language=None, wrap_lines=True, height=600)
