"""The frame's answer to a damaged database file: say so plainly and offer the rebuild."""

from __future__ import annotations

import streamlit as st

from plans import settings
from plans.data.build import BuildError, build
from plans.data.imports import write_lock

TEXT = {
    "vi": {
        "title": "Tệp cơ sở dữ liệu bị hỏng",
        "body": "Không mở được tệp cơ sở dữ liệu `{path}`: tệp bị hỏng hoặc không phải tệp "
        "DuckDB. Dữ liệu gốc (thư mục data/ và các lần nhập) không bị ảnh hưởng: bấm nút dưới "
        "đây để dựng lại tệp từ đó.",
        "rebuild": "Dựng lại cơ sở dữ liệu từ data/",
        "building": "Đang dựng lại cơ sở dữ liệu…",
        "failed": "Không dựng lại được:",
    },
    "en": {
        "title": "The database file is damaged",
        "body": "The database file `{path}` cannot be opened: it is damaged or not a DuckDB "
        "file. The source data (the data/ folder and the imports) is not affected: press the "
        "button below to rebuild the file from it.",
        "rebuild": "Rebuild the database from data/",
        "building": "Rebuilding the database…",
        "failed": "The rebuild failed:",
    },
}


def reader_lang() -> str:
    """The reader's language before the sidebar exists: session, then link, then default."""
    for lang in (st.session_state.get("lang"), st.query_params.get("lang"), settings.LANG):
        if lang in TEXT:
            return str(lang)
    return "vi"


def damaged_database() -> None:
    """Explain, offer the rebuild from data/ and the imports, then stop this run."""
    text = TEXT[reader_lang()]
    st.title(text["title"])
    st.error(text["body"].format(path=settings.DB_PATH.name))
    if st.button(text["rebuild"], key="recovery_rebuild", type="primary"):
        with st.spinner(text["building"]):
            try:
                # under the imports' lock: a rebuild never races an import or a removal
                with write_lock(settings.IMPORTS_DIR):
                    build(settings.DB_PATH)
            except BuildError as exc:
                st.error(text["failed"])
                st.code(exc.report(reader_lang()))
                st.stop()
        # a new file: reopen the connection and forget results cached from the old one
        st.cache_data.clear()
        st.cache_resource.clear()
        st.rerun()
    st.stop()
