"""Sources: the documents' metadata, any figure traced to its lines, a searchable text viewer."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import documents as document_rows
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
from plans.app.ui import chosen_programmes, cite, filters, source_caption
from plans.charts.tables import for_display
from plans.data.sources import document_name, short_ref
from plans.escape import markdown_literal
from plans.messages import N_, t
from plans.numbers import format_number

f = filters()
lang = f.lang
# The kinds of figure, in the order the page offers them (plans queries' `kind`).
KINDS = {
    "budget_line": N_("sources_page.kind_budget_line"),
    "stated_total": N_("sources_page.kind_stated_total"),
    "target": N_("sources_page.kind_target"),
    "result": N_("sources_page.kind_result"),
}
STYLES = {"vi": N_("sources_page.style_vi"), "en_thousands": N_("sources_page.style_en_thousands")}
title = "title" if lang == "vi" else "title_en"
HEADERS = {
    "name": t("sources_page.h_name", lang),
    "source_file": t("sources_page.h_source_file", lang),
    "doc_type": t("sources_page.h_doc_type", lang),
    title: t("sources_page.h_title", lang),
    "issuer": t("sources_page.h_issuer", lang),
    "ref_printed": t("sources_page.h_ref_printed", lang),
    "date_printed": t("sources_page.h_date_printed", lang),
    "style": t("sources_page.h_style", lang),
    "programme_ids": t("sources_page.h_programme_ids", lang),
}


def style_label(style: str) -> str:
    """A document's number notation in the reader's words (an unknown one as it is stored)."""
    key = STYLES.get(style)
    return t(key, lang) if key else style


def as_printed(text: str) -> str:
    """A figure's text as the document printed it, in code type; a backtick in it would close
    the code span and let the rest be read as Markdown, so such a text is escaped instead."""
    return f"`{text}`" if "`" not in text else markdown_literal(text)


def kind_label(kind: str) -> str:
    key = KINDS[kind]
    return t(key, lang)


st.title(t("sources_page.title", lang))
st.caption(t("sources_page.intro", lang))

# The documents -------------------------------------------------------------------------------
st.subheader(t("sources_page.documents", lang))
documents = query("source_documents").copy()
cited_as = document_rows()
documents["name"] = [document_name(s, cited_as, lang) for s in documents["source_file"]]
documents["style"] = [style_label(s) for s in documents["number_style"]]
documents["programme_ids"] = documents["programme_ids"].fillna("—")
columns = [
    "name",
    "source_file",
    "doc_type",
    title,
    "issuer",
    "ref_printed",
    "date_printed",
    "style",
    "programme_ids",
]
st.dataframe(for_display(documents, columns, lang, HEADERS), hide_index=True)

# Trace a figure ------------------------------------------------------------------------------
st.subheader(t("sources_page.trace", lang))
programmes = query("filter_choices")
# the programmes of the sidebar's provinces in its boundary view (every one when none is chosen)
in_provinces = chosen_programmes(f)
if in_provinces is not None:
    programmes = programmes[programmes["programme_id"].isin(in_provinces)]
names = dict(zip(programmes["programme_id"], programmes[title], strict=True))


def keep(key: str, options: list[str], default: str | None = None) -> None:
    """Keep a dependent widget's choice valid when its options change."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else options[0]


left, middle = st.columns(2)
keep("sources_programme", list(names), f.programme)
programme = left.selectbox(
    t("sources_page.programme", lang),
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
kinds = [k for k in KINDS if k in set(figures["kind"])]
if not kinds:
    st.info(t("sources_page.no_figures", lang))
else:
    keep("sources_kind", kinds)
    kind = middle.selectbox(
        t("sources_page.kind", lang), options=kinds, format_func=kind_label, key="sources_kind"
    )
    rows = figures[figures["kind"] == kind]
    labels = {r["figure_id"]: figure_label(r, lang) for r in rows.to_dict("records")}
    keep("sources_row", list(labels))
    chosen = st.selectbox(
        t("sources_page.row", lang), options=list(labels), format_func=labels.get, key="sources_row"
    )
    row = rows[rows["figure_id"] == chosen].iloc[0].to_dict()
    printed = row["printed_text"] if isinstance(row["printed_text"], str) else None
    c1, c2, c3 = st.columns(3)
    c1.markdown(
        "**"
        + t("sources_page.printed", lang)
        + "**  \n"
        + (as_printed(printed) if printed else t("sources_page.not_printed", lang))
    )
    # the unit is an import's own words (its dvt column)
    value = figure_value({**row, "unit": markdown_literal(row["unit"] or "")}, lang)
    c2.markdown("**" + t("sources_page.value", lang) + f"**  \n{value}")
    ref = short_ref(row["source_file"], row["source_line"])
    c3.markdown("**" + t("sources_page.source", lang) + f"**  \n`{ref}`")
    if has_text(row["source_file"], programme):
        source_caption(
            t("sources_page.lines", lang) + " — " + cite(row["source_file"]), [row["source_file"]]
        )
        block = context_lines(row["source_file"], row["source_line"], 2, programme_id=programme)
        st.code(numbered_block(block, spaced=True), language=None, wrap_lines=True)
    else:
        st.info(no_text_notice(lang, row["source_file"], programme))

# Document viewer -----------------------------------------------------------------------------
st.subheader(t("sources_page.viewer", lang))
files = list(documents["source_file"])
titles = dict(zip(documents["source_file"], documents[title], strict=True))
names_of = dict(zip(documents["source_file"], documents["name"], strict=True))


def document_label(source_file: str) -> str:
    """A document as it is cited, its stored file name, its title (an import: file, title)."""
    name = names_of[source_file]
    cited = f"{name} · " if name != source_file else ""
    return f"{cited}{source_file} · {titles[source_file]}"


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
    t("sources_page.document", lang),
    options=files,
    format_func=document_label,
    key="sources_document",
)
# The chosen programme tells apart two imports of one file name (plans.data.sources.import_folder).
readers = dict(zip(documents["source_file"], documents["programme_ids"], strict=True))
owner = programme if programme in str(readers[document]).split(", ") else None
lines = full_text(document, owner)
if lines is None:
    st.info(no_text_notice(lang, document, owner))
else:
    wanted = st.text_input(
        t("sources_page.search", lang),
        key="sources_search",
        placeholder=t("sources_page.search_help", lang),
    )
    if wanted.strip():
        matches = search_lines(document, wanted, programme_id=owner)
        if matches:
            st.caption(
                t(
                    "sources_page.found",
                    lang,
                    n=format_number(len(matches), 0, lang),
                    q=wanted.strip(),
                )
            )
            st.code(numbered_block(matches, spaced=True), language=None, wrap_lines=True)
        else:
            st.info(t("sources_page.not_found", lang, q=wanted.strip()))
    with st.expander(t("sources_page.full_text", lang, n=format_number(len(lines), 0, lang))):
        st.code(numbered_block(lines), language=None, wrap_lines=True, height=600)
