"""Import history: who imported what and when, the original files, removal of an import."""

from __future__ import annotations

import streamlit as st

from plans import settings
from plans.app.auth_ui import require_editor
from plans.app.ui import filters
from plans.charts.tables import for_display
from plans.data.import_preview import history_frame, original_file
from plans.data.imports import list_imports, remove
from plans.messages import escape_markdown

f = filters()
lang = f.lang
T = {
    "vi": {
        "title": "Lịch sử nhập",
        "intro": "Mỗi lần nhập được lưu nguyên vẹn (tệp gốc, các bảng, người nhập, thời điểm). "
        "Gỡ một lần nhập sẽ dựng lại cơ sở dữ liệu không có nó.",
        "empty": "Chưa có lần nhập nào.",
        "headers": {
            "id": "Mã lần nhập",
            "when": "Thời điểm (UTC)",
            "editor": "Người nhập",
            "kind": "Loại",
            "filename": "Tệp",
            "programme_id": "Chương trình",
            "n_warnings": "Số cảnh báo",
        },
        "kinds": {"plan": "Kế hoạch", "results": "Báo cáo kết quả"},
        "choose": "Lần nhập",
        "warnings": "Cảnh báo khi nhập (đã lưu thành điểm lệch số liệu)",
        "no_warnings": "Lần nhập này không có cảnh báo.",
        "message": "Nội dung",
        "original": "Tải tệp gốc ({name})",
        "no_original": "Không tìm thấy tệp gốc của lần nhập này.",
        "remove_head": "Gỡ lần nhập",
        "confirm": "Tôi hiểu: gỡ lần nhập {id} sẽ xóa chương trình {programme} khỏi mọi trang.",
        "remove": "Gỡ lần nhập",
        "removing": "Đang gỡ và dựng lại cơ sở dữ liệu…",
        "failed": "Không gỡ được; cơ sở dữ liệu không thay đổi. Lý do: {error}",
        "removed": "Đã gỡ lần nhập {id}.",
    },
    "en": {
        "title": "Import history",
        "intro": "Every import is kept whole (original file, tables, editor, time). Removing an "
        "import rebuilds the database without it.",
        "empty": "No imports yet.",
        "headers": {
            "id": "Import id",
            "when": "When (UTC)",
            "editor": "Editor",
            "kind": "Kind",
            "filename": "File",
            "programme_id": "Programme",
            "n_warnings": "Warnings",
        },
        "kinds": {"plan": "Plan", "results": "Results report"},
        "choose": "Import",
        "warnings": "Warnings at import (stored as findings; recorded in Vietnamese)",
        "no_warnings": "This import had no warnings.",
        "message": "Message",
        "original": "Download the original file ({name})",
        "no_original": "The original file of this import was not found.",
        "remove_head": "Remove an import",
        "confirm": "I understand: removing import {id} takes programme {programme} off every page.",
        "remove": "Remove the import",
        "removing": "Removing and rebuilding the database…",
        "failed": "The removal failed; the database is unchanged. Reason: {error}",
        "removed": "Import {id} removed.",
    },
}[lang]

st.title(T["title"])
st.markdown(T["intro"])
removed = st.session_state.pop("history_removed", None)
if removed:
    st.success(T["removed"].format(id=removed))

records = list_imports()
if not records:
    st.info(T["empty"])
else:
    history = history_frame(records)
    history["kind"] = history["kind"].map(lambda k: T["kinds"].get(k, k))
    st.dataframe(
        for_display(history, list(history.columns), lang, T["headers"]),
        hide_index=True,
        key="history_table",
    )
    by_id = {r["id"]: r for r in records}
    chosen = st.selectbox(
        T["choose"],
        options=list(history["id"]),
        format_func=lambda i: f"{i} · {by_id[i]['filename']} · {by_id[i]['programme_id']}",
        key="history_import",
    )
    record = by_id[chosen]

    warnings = record.get("warnings") or []
    st.markdown(f"**{T['warnings']}**")
    if warnings:
        # a table, not Markdown: text from the uploaded file is shown as it is
        st.dataframe({T["message"]: warnings}, hide_index=True, key="history_warnings")
    else:
        st.caption(T["no_warnings"])

    path = original_file(settings.IMPORTS_DIR, chosen)
    if path is None:
        st.caption(T["no_original"])
    else:
        suffix = path.suffix.lstrip(".")
        mime = (
            "text/csv"
            if suffix == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        st.download_button(
            T["original"].format(name=escape_markdown(record["filename"])),
            path.read_bytes(),
            f"{chosen}-{record['filename']}",
            mime,
            key="history_original",
        )

    st.subheader(T["remove_head"])
    # removal writes: only a signed-in editor sees the confirmation and the button
    if require_editor(lang) is None:
        st.stop()
    sure = st.checkbox(
        T["confirm"].format(id=chosen, programme=escape_markdown(record["programme_id"])),
        key="history_confirm",
    )
    if st.button(T["remove"], key="history_remove", type="primary", disabled=not sure):
        with st.status(T["removing"], expanded=True) as status:
            try:
                remove(chosen)
            except Exception as exc:  # any failure leaves the database as it was
                status.update(state="error")
                st.error(escape_markdown(T["failed"].format(error=exc)))
            else:
                status.update(state="complete")
                st.session_state["history_removed"] = chosen
                st.session_state.pop("history_confirm", None)
                # the database file was replaced: reopen the connection, forget cached results
                st.cache_data.clear()
                st.cache_resource.clear()
                st.rerun()
