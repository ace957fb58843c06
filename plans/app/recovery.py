"""The frame's answer to a damaged database file: say so plainly and offer the rebuild."""

from __future__ import annotations

import streamlit as st

from plans import settings
from plans.data.build import BuildError, build
from plans.data.imports import write_lock
from plans.messages import LANGS, t


def reader_lang() -> str:
    """The reader's language before the sidebar exists: session, then link, then default."""
    for lang in (st.session_state.get("lang"), st.query_params.get("lang"), settings.LANG):
        if lang in LANGS:
            return str(lang)
    return "vi"


def damaged_database() -> None:
    """Explain, offer the rebuild from data/ and the imports, then stop this run."""
    lang = reader_lang()
    st.title(t("recovery.title", lang))
    st.error(t("recovery.body", lang, path=settings.DB_PATH.name))
    if st.button(t("recovery.rebuild", lang), key="recovery_rebuild", type="primary"):
        with st.spinner(t("recovery.building", lang)):
            try:
                # under the imports' lock: a rebuild never races an import or a removal
                with write_lock(settings.IMPORTS_DIR):
                    build(settings.DB_PATH)
            except BuildError as exc:
                st.error(t("recovery.failed", lang))
                st.code(exc.report(reader_lang()))
                st.stop()
        # a new file: reopen the connection and forget results cached from the old one
        st.cache_data.clear()
        st.cache_resource.clear()
        st.rerun()
    st.stop()
