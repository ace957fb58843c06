"""Import: upload a plan table or results report, read the check, preview what is stored, confirm.

Nothing is written before the confirm button. The validated upload is kept in
st.session_state["imports_staged"] as (key, Staged), so reruns (signing in) do not read the
file again; the key holds the file's checksum, the column mapping and the stored
imports, so any change of those validates again.
"""

from __future__ import annotations

import hashlib
import math

import streamlit as st

from plans import settings
from plans.app.auth_ui import require_editor
from plans.app.ui import chart_with_data, filters
from plans.charts.base import share_bar
from plans.charts.tables import for_display
from plans.data.import_preview import (
    IGNORE,
    PROGRAMME_FIELDS,
    budget_pivot,
    column_meaning,
    column_options,
    default_mapping,
    duplicate_targets,
    problem_frame,
    programme_frame,
    results_frame,
    section_shares,
    tasks_frame,
    template_files,
)
from plans.data.imports import Staged, commit, list_imports, read_table, validate
from plans.messages import escape_markdown
from plans.numbers import format_mvnd, format_number

f = filters()
lang = f.lang
T = {
    "vi": {
        "title": "Nhập dữ liệu",
        "intro": "Tải lên bảng kế hoạch (phụ lục kinh phí) hoặc báo cáo kết quả theo mẫu. "
        "Các bước: tải tệp → ghép cột → kiểm tra → xem trước → xác nhận. "
        "Không có gì được lưu trước khi bấm xác nhận.",
        "templates": "Tệp mẫu (điền sẵn ví dụ từ văn bản gốc)",
        "tpl_plan": "Mẫu kế hoạch",
        "tpl_results": "Mẫu báo cáo kết quả",
        "upload": "Tệp kế hoạch hoặc báo cáo kết quả (.csv, .xlsx)",
        "upload_help": "Tối đa {limit} MB. CSV phải mã hóa UTF-8; với Excel, chỉ trang đầu "
        "được đọc; số viết kiểu Việt Nam (1.234,5).",
        "no_file": "Chưa có tệp. Tải một tệp mẫu ở trên, điền số liệu rồi tải lên.",
        "mapping": "Ghép cột của tệp với cột của mẫu",
        "mapping_help": "Mỗi cột của tệp được ghép với một cột của mẫu; chọn "
        '"(bỏ qua)" cho cột không cần đọc.',
        "ignore": "(bỏ qua)",
        "column_n": "(cột {n} không có tên)",
        "duplicates": "Nhiều cột của tệp cùng ghép vào: {names}. Chỉ cột cuối được đọc.",
        "checking": "Đang đọc và kiểm tra tệp…",
        "checked": "Đã đọc và kiểm tra tệp",
        "check_failed": "Tệp có lỗi",
        "step_read": "Đọc tệp…",
        "step_validate": "Kiểm tra từng dòng…",
        "step_trial": "Thử dựng cơ sở dữ liệu với tệp này…",
        "step_checked": "Đã kiểm tra",
        "step_other": "Đang kiểm tra…",
        "step_done": "Xong",
        "report": "Kết quả kiểm tra",
        "kind": "Loại tệp",
        "plan": "Kế hoạch",
        "results": "Báo cáo kết quả",
        "errors": "Lỗi (chặn việc nhập)",
        "warnings": "Cảnh báo (không chặn)",
        "has_errors": "Tệp có {n} lỗi: sửa tệp rồi tải lên lại. Chưa có gì được lưu.",
        "no_errors": "Không có lỗi.",
        "warning_list": "Cảnh báo: sẽ được lưu thành điểm lệch số liệu (trang Chất lượng dữ liệu).",
        "headers": {"row": "Dòng", "column": "Cột", "message": "Nội dung"},
        "preview": "Xem trước: đúng những gì sẽ được lưu",
        "programme": "Chương trình",
        "field_headers": {"field": "Trường", "value": "Giá trị"},
        "n_tasks": "Số nhiệm vụ",
        "n_sections": "Số mục",
        "total": "Tổng các dòng kinh phí",
        "programme_id": "Mã chương trình",
        "tasks": "Nhiệm vụ",
        "task_headers": {
            "section_code": "Mục",
            "task_code": "Mã",
            "task_name": "Nhiệm vụ",
            "expected_result": "Kết quả dự kiến",
            "unit": "Đơn vị tính",
            "content_area": "Lĩnh vực",
            "amount_mvnd": "Kinh phí cả giai đoạn (triệu đồng)",
            "lead_unit": "Chủ trì",
            "coordinating_units": "Phối hợp",
            "source_lines": "Dòng trong tệp",
        },
        "pivot": "Kinh phí theo năm và mục (triệu đồng)",
        "pivot_headers": {"year": "Năm", "total_mvnd": "Tổng"},
        "total_row": "Tổng",
        "no_amounts": "Tệp không có cột kinh phí theo năm: sẽ không có dòng kinh phí.",
        "shares": "Cơ cấu kinh phí theo mục (tính từ các dòng sẽ lưu)",
        "shares_caption": "Nguồn: {file} (tệp nhập, chưa lưu); tỷ trọng tính từ các dòng kinh "
        "phí của tệp.",
        "results_table": "Kết quả sẽ lưu",
        "results_headers": {
            "programme_id": "Chương trình",
            "result_code": "Mã",
            "content_area": "Lĩnh vực",
            "indicator": "Chỉ tiêu",
            "unit": "Đơn vị tính",
            "achieved_text": "Đạt được (văn bản)",
            "achieved": "Đạt được",
            "stated_pct_text": "Tỷ lệ ghi",
            "target_text": "Mục tiêu",
            "source_line": "Dòng trong tệp",
        },
        "confirm_head": "Xác nhận",
        "editor": "Người nhập (được ghi lại cùng lần nhập): **{name}**",
        "confirm": "Xác nhận nhập vào cơ sở dữ liệu",
        "need_editor": "Đăng nhập với tư cách người biên tập để xác nhận.",
        "blocked": "Không thể nhập khi tệp còn lỗi.",
        "writing": "Đang lưu và dựng lại cơ sở dữ liệu…",
        "failed": "Không nhập được; cơ sở dữ liệu không thay đổi. Lý do: {error}",
        "done": "Đã nhập: lần nhập {id}, chương trình {programme}. Chương trình đã có trong "
        "bộ lọc của mọi trang; xem hoặc gỡ lần nhập ở trang Lịch sử nhập.",
    },
    "en": {
        "title": "Import data",
        "intro": "Upload a plan table (budget appendix) or a results report in the template. "
        "Steps: upload → map columns → check → preview → confirm. "
        "Nothing is stored before you confirm.",
        "templates": "Templates (filled with an example from the source documents)",
        "tpl_plan": "Plan template",
        "tpl_results": "Results template",
        "upload": "Plan table or results report (.csv, .xlsx)",
        "upload_help": "At most {limit} MB. CSV must be UTF-8; of a workbook only the first "
        "sheet is read; numbers the Vietnamese way (1.234,5).",
        "no_file": "No file yet. Download a template above, fill it in, then upload it.",
        "mapping": "Match the file's columns to the template's",
        "mapping_help": "Each column of the file is matched to a template column; choose "
        '"(ignore)" for a column that should not be read.',
        "ignore": "(ignore)",
        "column_n": "(column {n} has no name)",
        "duplicates": "Several columns of the file are matched to: {names}. Only the last is read.",
        "checking": "Reading and checking the file…",
        "checked": "File read and checked",
        "check_failed": "The file has errors",
        "step_read": "Reading the file…",
        "step_validate": "Checking every row…",
        "step_trial": "Trying a database build with this file…",
        "step_checked": "Checked",
        "step_other": "Checking…",
        "step_done": "Done",
        "report": "Check report",
        "kind": "Kind of file",
        "plan": "Plan",
        "results": "Results report",
        "errors": "Errors (block the import)",
        "warnings": "Warnings (do not block)",
        "has_errors": "The file has {n} errors: fix the file and upload it again. "
        "Nothing has been stored.",
        "no_errors": "No errors.",
        "warning_list": "Warnings: they will be stored as findings (Data quality page).",
        "headers": {"row": "Row", "column": "Column", "message": "Message"},
        "preview": "Preview: exactly what will be stored",
        "programme": "Programme",
        "field_headers": {"field": "Field", "value": "Value"},
        "n_tasks": "Tasks",
        "n_sections": "Sections",
        "total": "Sum of the budget lines",
        "programme_id": "Programme id",
        "tasks": "Tasks",
        "task_headers": {
            "section_code": "Section",
            "task_code": "Code",
            "task_name": "Task",
            "expected_result": "Expected result",
            "unit": "Unit",
            "content_area": "Content area",
            "amount_mvnd": "Budget over the period (million VND)",
            "lead_unit": "Lead unit",
            "coordinating_units": "Coordinating units",
            "source_lines": "Rows in the file",
        },
        "pivot": "Budget by year and section (million VND)",
        "pivot_headers": {"year": "Year", "total_mvnd": "Total"},
        "total_row": "Total",
        "no_amounts": "The file has no yearly budget columns: no budget lines will be stored.",
        "shares": "Budget structure by section (from the lines to be stored)",
        "shares_caption": "Source: {file} (uploaded file, not stored yet); shares computed from "
        "the file's budget lines.",
        "results_table": "Results to be stored",
        "results_headers": {
            "programme_id": "Programme",
            "result_code": "Code",
            "content_area": "Content area",
            "indicator": "Indicator",
            "unit": "Unit",
            "achieved_text": "Achieved (as written)",
            "achieved": "Achieved",
            "stated_pct_text": "Stated percentage",
            "target_text": "Target",
            "source_line": "Row in the file",
        },
        "confirm_head": "Confirm",
        "editor": "Editor (recorded with the import): **{name}**",
        "confirm": "Confirm the import into the database",
        "need_editor": "Sign in as an editor to confirm.",
        "blocked": "The file cannot be imported while it has errors.",
        "writing": "Storing and rebuilding the database…",
        "failed": "The import failed; the database is unchanged. Reason: {error}",
        "done": "Imported: import {id}, programme {programme}. The programme is now in every "
        "page's filter; see or remove the import on the Import history page.",
    },
}[lang]


@st.cache_data(show_spinner=False)
def _templates() -> dict[str, bytes]:
    return template_files()


st.title(T["title"])
st.markdown(T["intro"])

# --- templates ------------------------------------------------------------------------------
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
with st.expander(T["templates"], expanded=False):
    files = _templates()
    cols = st.columns(4)
    for col, (name, label, stem) in zip(
        cols,
        [
            ("plan_csv", f"{T['tpl_plan']} (CSV)", "mau_ke_hoach"),
            ("plan_xlsx", f"{T['tpl_plan']} (Excel)", "mau_ke_hoach"),
            ("results_csv", f"{T['tpl_results']} (CSV)", "mau_bao_cao_ket_qua"),
            ("results_xlsx", f"{T['tpl_results']} (Excel)", "mau_bao_cao_ket_qua"),
        ],
        strict=True,
    ):
        suffix = name.split("_")[1]
        col.download_button(
            label,
            files[name],
            f"{stem}.{suffix}",
            "text/csv" if suffix == "csv" else XLSX,
            key=f"imports_tpl_{name}",
        )

# --- upload ---------------------------------------------------------------------------------
limit_mb = settings.MAX_UPLOAD_BYTES / 2**20
uploaded = st.file_uploader(
    T["upload"],
    type=["csv", "xlsx"],
    key="imports_file",
    help=T["upload_help"].format(limit=format_number(limit_mb, 0 if limit_mb >= 1 else 1, lang)),
    # the browser refuses larger files at once; plans.data.imports checks the exact limit again
    max_upload_size=max(1, math.ceil(limit_mb)),
)
done = st.session_state.get("imports_done")


def run(name: str, data: bytes) -> None:
    """The flow for one uploaded file: mapping, check, report, preview, confirm."""
    staged_before = st.session_state.get("imports_staged")
    checksum = hashlib.sha256(data).hexdigest()
    if st.session_state.get("imports_seen") != checksum:
        # another file: its columns get fresh choices
        for key in [k for k in st.session_state if str(k).startswith("imports_map_")]:
            del st.session_state[key]
        st.session_state["imports_seen"] = checksum
    if done and done["checksum"] == checksum:
        # the file just imported is still in the uploader: say so instead of "already imported"
        st.success(T["done"].format(id=done["id"], programme=done["programme"]))
        return
    st.session_state.pop("imports_done", None)

    header, _ = read_table(name, data, [])
    mapping: dict[str, str] = {}
    if header:
        _kind, suggested = default_mapping(header)
        unmatched = any(v == IGNORE for v in suggested.values())
        with st.expander(T["mapping"], expanded=unmatched):
            st.caption(T["mapping_help"])
            options = column_options(header, suggested)
            grid = st.columns(3)
            for i, column in enumerate(header):
                label = escape_markdown(column) if column.strip() else T["column_n"].format(n=i + 1)
                default = suggested.get(column, IGNORE)
                mapping[column] = grid[i % 3].selectbox(
                    label,
                    options,
                    index=options.index(default) if default in options else len(options) - 1,
                    format_func=lambda c: T["ignore"] if c == IGNORE else c,
                    help=column_meaning(default, lang) or None,
                    key=f"imports_map_{i}",
                )
            twice = duplicate_targets(mapping)
            if twice:
                st.warning(T["duplicates"].format(names=", ".join(twice)))

    key = (checksum, tuple(mapping.items()), tuple(r["id"] for r in list_imports()))
    if staged_before is not None and staged_before[0] == key:
        staged = staged_before[1]
        st.status(
            T["checked"] if not staged.errors else T["check_failed"],
            state="complete" if not staged.errors else "error",
        )
    else:
        with st.status(T["checking"], expanded=True) as status:
            bar = st.progress(0.0, text=T["step_read"])
            staged = validate(
                name,
                data,
                mapping=mapping or None,
                progress=lambda fraction, step: bar.progress(
                    fraction, text=T.get(f"step_{step}", T["step_other"])
                ),
            )
            bar.progress(1.0, text=T["step_done"])
            status.update(
                label=T["checked"] if not staged.errors else T["check_failed"],
                state="complete" if not staged.errors else "error",
                expanded=False,
            )
        st.session_state["imports_staged"] = (key, staged)

    report(staged)
    if staged.tables:
        preview(staged)
    confirm(staged, data)


def report(staged: Staged) -> None:
    """Counts, then errors and warnings listed by row and column, in the reader's language."""
    st.subheader(T["report"])
    c1, c2, c3 = st.columns(3)
    c1.metric(T["kind"], T[staged.kind])
    c2.metric(T["errors"], format_number(len(staged.errors), 0, lang))
    c3.metric(T["warnings"], format_number(len(staged.warnings), 0, lang))
    if staged.errors:
        st.error(T["has_errors"].format(n=format_number(len(staged.errors), 0, lang)))
        # tables, not Markdown: text from the file is shown as it is, never interpreted
        st.dataframe(
            problem_frame(staged.errors, lang).rename(columns=T["headers"]),
            hide_index=True,
            key="imports_errors",
        )
    else:
        st.success(T["no_errors"])
    if staged.warnings:
        st.warning(T["warning_list"])
        st.dataframe(
            problem_frame(staged.warnings, lang).rename(columns=T["headers"]),
            hide_index=True,
            key="imports_warnings",
        )


def preview(staged: Staged) -> None:
    """Exactly the rows that would be stored."""
    st.subheader(T["preview"])
    st.markdown(f"{T['programme_id']}: **{escape_markdown(staged.programme_id)}**")
    tables = staged.tables
    if staged.kind == "results":
        results = results_frame(tables)
        st.markdown(f"**{T['results_table']}**")
        st.dataframe(
            for_display(results, list(results.columns), lang, T["results_headers"]),
            hide_index=True,
            key="imports_results",
        )
        return
    tasks = tasks_frame(tables)
    pivot = budget_pivot(tables)
    c1, c2, c3 = st.columns(3)
    c1.metric(T["n_tasks"], format_number(len(tasks), 0, lang))
    c2.metric(T["n_sections"], format_number(len(tables.get("sections", [])), 0, lang))
    if not pivot.empty:
        c3.metric(T["total"], format_mvnd(float(pivot["total_mvnd"].iloc[-1]), lang))
    st.markdown(f"**{T['programme']}**")
    programme = programme_frame(tables)
    programme["field"] = programme["field"].map(PROGRAMME_FIELDS[lang])
    st.dataframe(
        programme.rename(columns=T["field_headers"]),
        hide_index=True,
        key="imports_programme",
    )
    st.markdown(f"**{T['tasks']}**")
    st.dataframe(
        for_display(tasks, list(tasks.columns), lang, T["task_headers"]),
        hide_index=True,
        key="imports_tasks",
    )
    if pivot.empty:
        st.info(T["no_amounts"])
        return
    st.markdown(f"**{T['pivot']}**")
    pivot["year"] = pivot["year"].replace({"total": T["total_row"]})
    st.dataframe(
        for_display(pivot, list(pivot.columns), lang, T["pivot_headers"]),
        hide_index=True,
        key="imports_pivot",
    )
    shares = section_shares(tables)
    chart_with_data(
        share_bar(shares, T["shares"], lang),
        shares,
        ["key", "label", "amount_mvnd", "share_pct"],
        T["shares_caption"].format(file=staged.filename),
        key="imports_shares",
    )


def confirm(staged: Staged, data: bytes) -> None:
    """The editor's sign-in and the confirm button; only here is anything written."""
    st.subheader(T["confirm_head"])
    # the recorded editor is the signed-in one: no free-text name can be typed in
    editor = require_editor(lang) or ""
    if editor:
        st.markdown(T["editor"].format(name=escape_markdown(editor)))
    blocked = bool(staged.errors) or not staged.tables
    clicked = st.button(
        T["confirm"],
        key="imports_confirm",
        type="primary",
        disabled=blocked or not editor,
    )
    if blocked:
        st.caption(T["blocked"])
    elif not editor:
        st.caption(T["need_editor"])
    if not clicked:
        return
    with st.status(T["writing"], expanded=True) as status:
        bar = st.progress(0.2, text=T["writing"])
        try:
            import_id = commit(staged, data, editor)
        except Exception as exc:  # any failure leaves the database as it was
            status.update(state="error", expanded=True)
            st.error(escape_markdown(T["failed"].format(error=exc)))
            return
        bar.progress(1.0, text=T["step_done"])
    st.session_state["imports_done"] = {
        "id": import_id,
        "programme": staged.programme_id,
        "checksum": staged.checksum,
    }
    st.session_state.pop("imports_staged", None)
    # the database file was replaced: reopen the connection and forget cached query results
    st.cache_data.clear()
    st.cache_resource.clear()
    st.rerun()


if uploaded is None:
    st.session_state.pop("imports_done", None)
    st.info(T["no_file"])
else:
    run(uploaded.name, uploaded.getvalue())
