"""The frame's answer to a damaged database file: say so plainly and offer editors the rebuild."""

from __future__ import annotations

import logging

import streamlit as st

from plans import settings
from plans.app.auth_ui import require_editor
from plans.data.build import BuildError, build
from plans.data.faults import explain
from plans.data.imports import write_lock
from plans.messages import LANGS, t

logger = logging.getLogger(__name__)


def reader_lang() -> str:
    """The reader's language before the sidebar exists: session, then link, then default."""
    for lang in (st.session_state.get("lang"), st.query_params.get("lang"), settings.LANG):
        if lang in LANGS:
            return str(lang)
    return "vi"


def damaged_database() -> None:
    """Explain; a signed-in editor may rebuild from data/ and the imports; then stop this run.

    The rebuild writes (a full build, minutes at national scale), so it is an editor's, like an
    import: a viewer reads the message and is asked to tell an editor."""
    lang = reader_lang()
    st.title(t("recovery.title", lang))
    st.error(t("recovery.body", lang, path=settings.DB_PATH.name))
    st.info(t("recovery.ask_editor", lang))
    editor = require_editor(lang)
    if editor is None:
        st.stop()
    if st.button(t("recovery.rebuild", lang), key="recovery_rebuild", type="primary"):
        with st.spinner(t("recovery.building", lang)):
            try:
                # under the imports' lock: a rebuild never races an import or a removal
                with write_lock(settings.IMPORTS_DIR):
                    logger.warning("rebuild of the damaged database asked by %s", editor)
                    build(settings.DB_PATH, set_aside=True)  # a damaged import is set aside
            except BuildError as exc:
                st.error(t("recovery.failed", lang))
                st.code(exc.report(reader_lang()))
                st.stop()
            except Exception as exc:  # a full disk, a read-only file: said, never the path
                st.error(t("recovery.failed", lang))
                st.error(explain(exc, lang, "rebuild").message)
                st.stop()
        # a new file: reopen the connection and forget results cached from the old one
        st.cache_data.clear()
        st.cache_resource.clear()
        st.rerun()
    st.stop()
