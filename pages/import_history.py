"""Import history: who imported what and when, the original files, removal of an import."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plans import settings
from plans.app.auth_ui import require_editor
from plans.app.damaged_ui import damaged_actions, show_damaged
from plans.app.ui import filters
from plans.charts.tables import for_display
from plans.data.faults import explain
from plans.data.import_preview import history_frame, original_file
from plans.data.imports import list_imports, remove
from plans.data.sources import original_intact
from plans.escape import markdown_literal
from plans.messages import N_, t

f = filters()
lang = f.lang
HEADERS = {
    "id": t("import_history.h_id", lang),
    "when": t("import_history.h_when", lang),
    "editor": t("import_history.h_editor", lang),
    "kind": t("import_history.h_kind", lang),
    "filename": t("import_history.h_filename", lang),
    "programme_id": t("import_history.h_programme_id", lang),
    "n_warnings": t("import_history.h_n_warnings", lang),
    "records": t("import_history.h_records", lang),
}
KINDS = {
    "plan": N_("import_history.kind_plan"),
    "results": N_("import_history.kind_results"),
    "support": N_("import_history.kind_support"),
}


def kind_label(kind: str) -> str:
    """An import's kind in the reader's words (an unknown kind as it is stored)."""
    key = KINDS.get(kind)
    return t(key, lang) if key else kind


st.title(t("import_history.title", lang))
st.markdown(t("import_history.intro", lang))
removed = st.session_state.pop("history_removed", None)
if removed:
    st.success(t("import_history.removed", lang, id=removed))

# damaged imports, set aside: named with their reason (the database was built without them)
damaged = show_damaged(lang)
editor: str | None = None

records = list_imports()
if not records:
    st.info(t("import_history.empty", lang))
else:
    history = history_frame(records, lang)
    history["kind"] = history["kind"].map(kind_label)
    by_id = {r["id"]: r for r in records}
    # a support file's record count (meta.json 'records'), and all its warnings: meta.json
    # keeps the first ones word for word and counts the rest ('warnings_total')
    history["records"] = pd.to_numeric(  # a number where there is one: "200.000", else "—"
        pd.Series([by_id[i].get("records") for i in history["id"]], dtype=object),
        errors="coerce",
    )
    history["n_warnings"] = [
        by_id[i].get("warnings_total", n)
        for i, n in zip(history["id"], history["n_warnings"], strict=True)
    ]
    st.dataframe(
        for_display(history, list(history.columns), lang, HEADERS),
        hide_index=True,
        key="history_table",
    )
    chosen = st.selectbox(
        t("import_history.choose", lang),
        options=list(history["id"]),
        format_func=lambda i: f"{i} · {by_id[i]['filename']} · {by_id[i]['programme_id']}",
        key="history_import",
    )
    record = by_id[chosen]

    warnings = record.get("warnings") or []
    st.markdown("**" + t("import_history.warnings", lang) + "**")
    if warnings:
        # a table, not Markdown: text from the uploaded file is shown as it is
        st.dataframe(
            {t("import_history.message", lang): warnings}, hide_index=True, key="history_warnings"
        )
    else:
        st.caption(t("import_history.no_warnings", lang))

    # The original file and the removal are an editor's: an upload may hold what a viewer
    # should not download (a workbook's other sheets), and removal writes.
    st.subheader(t("import_history.editor_head", lang))
    editor = require_editor(lang)  # also the damaged imports' editor, below
    if editor is None:
        st.caption(t("import_history.editor_only", lang))
        st.stop()
    path = original_file(settings.IMPORTS_DIR, chosen)
    if path is None:
        st.caption(t("import_history.no_original", lang))
    elif not original_intact(path.parent):  # edited since the import: not the file imported
        st.warning(t("source_view.original_changed", lang))
    else:
        suffix = path.suffix.lstrip(".")
        mime = (
            "text/csv"
            if suffix == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        st.download_button(
            t("import_history.original", lang, name=markdown_literal(record["filename"])),
            path.read_bytes(),
            f"{chosen}-{record['filename']}",
            mime,
            key="history_original",
        )

    st.subheader(t("import_history.remove_head", lang))
    sure = st.checkbox(
        t(
            "import_history.confirm",
            lang,
            id=chosen,
            programme=markdown_literal(record["programme_id"]),
        ),
        key="history_confirm",
    )
    if st.button(
        t("import_history.remove", lang), key="history_remove", type="primary", disabled=not sure
    ):
        with st.status(t("import_history.removing", lang), expanded=True) as status:
            try:
                remove(chosen)
            except Exception as exc:  # any failure leaves the database as it was
                status.update(state="error")
                # the reader's words, not the exception's (it names the server's files)
                reason = explain(exc, lang, "remove").message
                st.error(markdown_literal(t("import_history.failed", lang, error=reason)))
            else:
                status.update(state="complete")
                st.session_state["history_removed"] = chosen
                st.session_state.pop("history_confirm", None)
                # the database file was replaced: reopen the connection, forget cached results
                st.cache_data.clear()
                st.cache_resource.clear()
                st.rerun()

# restoring or removing a damaged import: an editor's (signed in above when imports are listed)
if damaged and editor is None:
    editor = require_editor(lang)
damaged_actions(lang, damaged, editor)
