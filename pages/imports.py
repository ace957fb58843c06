"""Import: upload a plan table or results report, read the check, preview what is stored, confirm.

Nothing is written before the confirm button. The validated upload is kept in
st.session_state["imports_staged"] as (key, Staged), so reruns (signing in) do not read the
file again; the key holds the file's checksum, the column mapping and the stored
imports, so any change of those validates again.
"""

from __future__ import annotations

import hashlib
import math

import pandas as pd
import streamlit as st

from plans import settings
from plans.app.auth_ui import require_editor
from plans.app.ui import chart_with_data, cite, filters
from plans.charts.base import share_bar
from plans.charts.budget import funding_label
from plans.charts.tables import for_display
from plans.data import templates
from plans.data.faults import explain
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
    template_periods,
)
from plans.data.imports import (
    DOCUMENT_SUFFIXES,
    Staged,
    choose_areas,
    commit,
    damaged_imports,
    list_imports,
    separate,
    upload_header,
    validate,
)
from plans.data.suggest import area_names, preview_rows
from plans.data.support import Match
from plans.escape import markdown_literal
from plans.messages import N_, t
from plans.numbers import format_mvnd, format_number

f = filters()
lang = f.lang
# What a kind of file is called, the progress steps of plans.data.imports.validate.
KINDS = {
    "plan": N_("imports.plan"),
    "results": N_("imports.results"),
    "support": N_("imports.support"),
}
STEPS = {
    "read": N_("imports.step_read"),
    "validate": N_("imports.step_validate"),
    "trial": N_("imports.step_trial"),
    "checked": N_("imports.step_checked"),
    # a support file's (plans.data.support.stage_support)
    "support_rows": N_("imports.step_support_rows"),
    "support_identity": N_("imports.step_support_identity"),
    "support_write": N_("imports.step_support_write"),
    "support_done": N_("imports.step_support_done"),
}
TEMPLATE_KINDS = {
    "plan": N_("imports.tpl_plan"),
    "results": N_("imports.tpl_results"),
    "support": N_("imports.tpl_support"),
}
TEMPLATE_STEMS = {
    "plan": "mau_ke_hoach",
    "results": "mau_bao_cao_ket_qua",
    "support": "mau_ho_tro_co_so",
}
PROBLEM_HEADERS = {
    "row": t("imports.h_row", lang),
    "column": t("imports.h_column", lang),
    "message": t("imports.h_message", lang),
}
FIELD_HEADERS = {"field": t("imports.h_field", lang), "value": t("imports.h_value", lang)}
TASK_HEADERS = {
    "section_code": t("imports.task_section_code", lang),
    "task_code": t("imports.task_code", lang),
    "task_name": t("imports.task_name", lang),
    "expected_result": t("imports.task_expected_result", lang),
    "unit": t("imports.task_unit", lang),
    "content_area": t("imports.task_content_area", lang),
    "amount_mvnd": t("imports.task_amount_mvnd", lang),
    "lead_unit": t("imports.task_lead_unit", lang),
    "coordinating_units": t("imports.task_coordinating_units", lang),
    "source_lines": t("imports.task_source_lines", lang),
}
AREA_HEADERS = {
    "task_code": t("imports.task_code", lang),
    "task_name": t("imports.task_name", lang),
    "content_area": t("imports.area_stored", lang),
    "assigned_by": t("imports.area_assigned_by", lang),
    "suggested": t("imports.area_suggested_h", lang),
    "confidence": t("imports.area_confidence", lang),
    "reason": t("imports.area_reason", lang),
}
PIVOT_HEADERS = {"year": t("imports.h_year", lang), "total_mvnd": t("imports.h_total_mvnd", lang)}
SUPPORT_TOTAL_HEADERS = {
    "programme_id": t("imports.support_programme", lang),
    "year": t("imports.h_year", lang),
    "funding": t("imports.support_funding", lang),
    "records": t("imports.support_records", lang),
    "amount_mvnd": t("imports.support_amount_mvnd", lang),
    "cancelled": t("imports.support_cancelled", lang),
}
SUPPORT_ROW_HEADERS = {
    "source_line": t("imports.support_row", lang),
    "programme_id": t("imports.support_programme", lang),
    "year": t("imports.h_year", lang),
    "establishment": t("imports.support_establishment", lang),
    "establishment_id": t("imports.support_establishment_id", lang),
    "tax_code": t("imports.support_tax_code", lang),
    "district": t("imports.support_district", lang),
    "commune": t("imports.support_commune", lang),
    "ward_current": t("imports.support_ward_current", lang),
    "task_code": t("imports.task_code", lang),
    "content_area": t("imports.task_content_area", lang),
    "funding": t("imports.support_funding", lang),
    "amount_mvnd": t("imports.support_amount_mvnd", lang),
    "beneficiaries": t("imports.support_beneficiaries", lang),
    "status": t("imports.support_status", lang),
    "decision": t("imports.support_decision", lang),
}
MATCH_HEADERS = {
    "row": t("imports.support_row", lang),
    "rule": t("imports.match_rule", lang),
    "name": t("imports.match_name", lang),
    "earlier_name": t("imports.match_earlier_name", lang),
    "earlier": t("imports.match_earlier", lang),
    "separate": t("imports.match_separate", lang),
}
MATCH_RULES = {"tax_code": N_("imports.rule_tax_code"), "name_in_ward": N_("imports.rule_name")}
STATUSES = {
    "approved": N_("imports.status_approved"),
    "accepted": N_("imports.status_accepted"),
    "cancelled": N_("imports.status_cancelled"),
}
MATCHES_SHOWN = 500  # identity decisions in the editor; more are counted (the CLI takes rows)
RESULTS_HEADERS = {
    "programme_id": t("imports.result_programme_id", lang),
    "result_code": t("imports.result_code", lang),
    "content_area": t("imports.result_content_area", lang),
    "indicator": t("imports.result_indicator", lang),
    "unit": t("imports.result_unit", lang),
    "achieved_text": t("imports.result_achieved_text", lang),
    "achieved": t("imports.result_achieved", lang),
    "stated_pct_text": t("imports.result_stated_pct_text", lang),
    "target_text": t("imports.result_target_text", lang),
    "source_line": t("imports.result_source_line", lang),
}


def word_of(words: dict[str, str], code: str) -> str:
    """A code ('approved', 'tax_code', 'support') in the reader's words; an unknown one as is."""
    key = words.get(code)
    return t(key, lang) if key else code


@st.cache_data(show_spinner=False)
def _template(kind: str, start: int, end: int, tpl_lang: str, fmt: str) -> bytes:
    """The template file for the choices (plans.data.templates.template_file), or the 2021-2025
    example where that function is missing (an older plans.data.templates)."""
    make = getattr(templates, "template_file", None)
    if make is not None:
        return make(kind, start, end, tpl_lang, fmt)
    return template_files()[f"{kind}_{fmt}"]


st.title(t("imports.title", lang))
st.markdown(t("imports.intro", lang))
damaged = damaged_imports()  # set aside, not stored: named here, handled on the history page
if damaged:
    st.warning(
        t("damaged.elsewhere", lang, ids=", ".join(markdown_literal(r["id"]) for r in damaged))
    )

# --- templates ------------------------------------------------------------------------------
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ONE_YEAR = "one_year"
with st.expander(t("imports.templates", lang), expanded=False):
    periods = [f"{a}-{b}" for a, b in template_periods()]
    c1, c2, c3, c4 = st.columns(4)
    tpl_kind = c1.selectbox(
        t("imports.tpl_kind", lang),
        list(TEMPLATE_KINDS),
        format_func=lambda k: word_of(TEMPLATE_KINDS, k),
        key="imports_tpl_kind",
    )
    tpl_period = c2.selectbox(
        t("imports.tpl_period", lang),
        [*periods, ONE_YEAR],
        index=periods.index("2021-2025") if "2021-2025" in periods else 0,
        format_func=lambda p: t("imports.tpl_one_year", lang) if p == ONE_YEAR else p,
        key="imports_tpl_period",
    )
    if tpl_period == ONE_YEAR:
        year = int(
            c3.number_input(
                t("imports.tpl_year", lang),
                min_value=1990,
                max_value=2100,
                value=2026,
                step=1,
                key="imports_tpl_year",
            )
        )
        start_year = end_year = year
    else:
        start_year, end_year = (int(y) for y in tpl_period.split("-"))
    tpl_lang = c4.selectbox(
        t("imports.tpl_lang", lang),
        ["vi", "en"],
        index=0 if lang == "vi" else 1,
        format_func=lambda code: t("frame.lang_name", code),  # each in its own words
        key="imports_tpl_lang",
    )
    stem = TEMPLATE_STEMS[tpl_kind]
    name = f"{stem}_{start_year}-{end_year}" if start_year != end_year else f"{stem}_{start_year}"
    d1, d2 = st.columns(2)
    for col, fmt in ((d1, "csv"), (d2, "xlsx")):
        try:
            content = _template(tpl_kind, start_year, end_year, tpl_lang, fmt)
        except Exception as exc:  # a period the template cannot carry: say why, no button
            col.warning(markdown_literal(t("imports.tpl_failed", lang, error=exc)))
            continue
        col.download_button(
            t("imports.tpl_download", lang, fmt=fmt.upper()),
            content,
            f"{name}.{fmt}",
            "text/csv" if fmt == "csv" else XLSX,
            key=f"imports_tpl_{fmt}",
        )

# --- sign-in, then upload -------------------------------------------------------------------
# Reading and checking a file takes the server's time and memory: only a signed-in editor may
# send one. A viewer sees the steps, the templates and the sign-in form, not the uploader.
st.subheader(t("imports.upload_head", lang))
# the recorded editor is the signed-in one: no free-text name can be typed in
editor = require_editor(lang) or ""
if not editor:
    st.caption(t("imports.sign_in_to_upload", lang))
limit_mb = settings.MAX_UPLOAD_BYTES / 2**20
support_mb = settings.MAX_SUPPORT_BYTES / 2**20
uploaded = None
if editor:
    uploaded = st.file_uploader(
        t("imports.upload", lang),
        # a plan table, or the decision itself (plans.data.documents reads it)
        type=["csv", "xlsx", *(suffix.lstrip(".") for suffix in DOCUMENT_SUFFIXES)],
        key="imports_file",
        help=" ".join(
            (
                t(
                    "imports.upload_help",
                    lang,
                    limit=format_number(limit_mb, 0 if limit_mb >= 1 else 1, lang),
                ),
                t(
                    "imports.upload_help_support",
                    lang,
                    support=format_number(support_mb, 0 if support_mb >= 1 else 1, lang),
                ),
            )
        ),
        # the browser refuses larger files at once (a support file's limit, the larger one);
        # plans.data.imports checks the exact limit of each kind again
        max_upload_size=max(1, math.ceil(max(limit_mb, support_mb))),
    )
done = st.session_state.get("imports_done")


def is_document(name: str) -> bool:
    """A decision document (Word, PDF, text) rather than a table in the template."""
    return any(name.lower().endswith(suffix) for suffix in DOCUMENT_SUFFIXES)


# What a document's heading may not print, asked for on the page (template column names).
GIVEN_FIELDS = {
    "tinh": N_("imports.given_tinh"),
    "ten_chuong_trinh": N_("imports.given_ten_chuong_trinh"),
    "nam_bat_dau": N_("imports.given_nam_bat_dau"),
    "nam_ket_thuc": N_("imports.given_nam_ket_thuc"),
    "so_quyet_dinh": N_("imports.given_so_quyet_dinh"),
}


def given_fields() -> dict[str, str]:
    """The fields for what a document's heading does not print; only those filled are given."""
    with st.expander(t("imports.given", lang), expanded=True):
        st.caption(t("imports.given_help", lang))
        grid = st.columns(len(GIVEN_FIELDS))
        values = {
            column: grid[i].text_input(t(key, lang), key=f"imports_given_{column}").strip()
            for i, (column, key) in enumerate(GIVEN_FIELDS.items())
        }
    return {column: value for column, value in values.items() if value}


def run(name: str, data: bytes) -> None:
    """The flow for one uploaded file: mapping, check, report, preview, confirm."""
    staged_before = st.session_state.get("imports_staged")
    checksum = hashlib.sha256(data).hexdigest()
    if st.session_state.get("imports_seen") != checksum:
        # another file: its columns and its tasks' areas get fresh choices
        for key in [
            k for k in st.session_state if str(k).startswith(("imports_map_", "imports_area_"))
        ]:
            del st.session_state[key]
        st.session_state["imports_seen"] = checksum
    if done and done["checksum"] == checksum:
        # the file just imported is still in the uploader: say so instead of "already imported"
        st.success(t("imports.done", lang, id=done["id"], programme=done["programme"]))
        return
    st.session_state.pop("imports_done", None)

    document = is_document(name)
    given = given_fields() if document else {}
    # a document's columns are found by its reader: no mapping to choose; nor a support
    # file's, whose officials' headers are read by their aliases (plans.data.support)
    header, guessed = ([], None) if document else upload_header(name, data)
    mapping: dict[str, str] = {}
    if guessed == "support":
        st.caption(t("imports.support_detected", lang))
    elif header:
        _kind, suggested = default_mapping(header)
        unmatched = any(v == IGNORE for v in suggested.values())
        with st.expander(t("imports.mapping", lang), expanded=unmatched):
            st.caption(t("imports.mapping_help", lang))
            options = column_options(header, suggested)
            grid = st.columns(3)
            for i, column in enumerate(header):
                label = (
                    markdown_literal(column)
                    if column.strip()
                    else t("imports.column_n", lang, n=i + 1)
                )
                default = suggested.get(column, IGNORE)
                mapping[column] = grid[i % 3].selectbox(
                    label,
                    options,
                    index=options.index(default) if default in options else len(options) - 1,
                    format_func=lambda c: t("imports.ignore", lang) if c == IGNORE else c,
                    help=column_meaning(default, lang) or None,
                    key=f"imports_map_{i}",
                )
            twice = duplicate_targets(mapping)
            if twice:
                # a year column keeps the unit its header writes: the file's own words
                names = ", ".join(map(markdown_literal, twice))
                st.warning(t("imports.duplicates", lang, names=names))

    key = (
        checksum,
        tuple(mapping.items()),
        tuple(given.items()),
        tuple(r["id"] for r in list_imports()),
    )
    if staged_before is not None and staged_before[0] == key:
        staged = staged_before[1]
        st.status(
            t("imports.checked", lang) if not staged.errors else t("imports.check_failed", lang),
            state="complete" if not staged.errors else "error",
        )
    else:
        with st.status(t("imports.checking", lang), expanded=True) as status:
            bar = st.progress(0.0, text=t("imports.step_read", lang))
            staged = validate(
                name,
                data,
                mapping=mapping or None,
                progress=lambda fraction, step: bar.progress(fraction, text=step_text(step)),
                given=given or None,
            )
            bar.progress(1.0, text=t("imports.step_done", lang))
            status.update(
                label=t("imports.checked", lang)
                if not staged.errors
                else t("imports.check_failed", lang),
                state="complete" if not staged.errors else "error",
                expanded=False,
            )
        st.session_state["imports_staged"] = (key, staged)

    if staged.tables and staged.kind == "plan":
        # the importer's areas, applied before the report counts what is still unanswered
        choose_areas(staged, area_choices(staged))
    report(staged)
    if staged.support is not None:
        support_preview(staged)
    elif staged.tables:
        preview(staged)
    confirm(staged, data)


def area_key(task_code: str) -> str:
    return f"imports_area_{task_code}"


def area_choices(staged: Staged) -> dict[str, str]:
    """The areas chosen in the preview's boxes so far (drawn on an earlier run)."""
    return {
        task["task_code"]: st.session_state[area_key(task["task_code"])]
        for task in staged.tables.get("tasks", [])
        if area_key(task["task_code"]) in st.session_state
    }


ASSIGNED_BY = {
    "importer": N_("imports.assigned_importer"),
    "suggested": N_("imports.assigned_suggested"),
    "": N_("imports.assigned_none"),
}


def chosen_by(assigned_by: str) -> str:
    """Who chose a task's area, in the reader's words."""
    key = ASSIGNED_BY.get(assigned_by, ASSIGNED_BY[""])
    return t(key, lang)


def areas_editor(staged: Staged) -> None:
    """Each task's suggested content area, its reason and confidence, and a box to change it."""
    st.markdown("**" + t("imports.areas", lang) + "**")
    st.caption(t("imports.areas_help", lang))
    rows = pd.DataFrame(preview_rows(staged.tables, lang))
    names = area_names()
    unassigned = t("areas.unassigned", lang)
    shown = rows.assign(
        content_area=[a or unassigned for a in rows["content_area"]],
        assigned_by=[chosen_by(b) for b in rows["assigned_by"]],
        suggested=[a or "—" for a in rows["suggested"]],
    )
    st.dataframe(
        for_display(
            shown,
            [
                *("task_code", "task_name", "content_area", "assigned_by"),
                *("suggested", "confidence", "reason"),
            ],
            lang,
            AREA_HEADERS,
        ),
        hide_index=True,
        key="imports_areas_table",
    )
    options = ["", *names]
    with st.expander(t("imports.areas_change", lang), expanded=False):
        grid = st.columns(3)
        for i, row in enumerate(rows.itertuples()):
            current = row.content_area if row.content_area in names else ""
            grid[i % 3].selectbox(
                f"{row.task_code} · {markdown_literal(row.task_name, limit=60)}",
                options,
                index=options.index(current),
                format_func=lambda code: f"{code} · {names[code]}" if code else unassigned,
                key=area_key(row.task_code),
            )


def step_text(step: str) -> str:
    """A progress step of the check in the reader's words."""
    key = STEPS.get(step, N_("imports.step_other"))
    return t(key, lang)


def report(staged: Staged) -> None:
    """Counts, then errors and warnings listed by row and column, in the reader's language."""
    st.subheader(t("imports.report", lang))
    c1, c2, c3 = st.columns(3)
    key = KINDS[staged.kind]
    c1.metric(t("imports.kind", lang), t(key, lang))
    c2.metric(t("imports.errors", lang), format_number(len(staged.errors), 0, lang))
    c3.metric(t("imports.warnings", lang), format_number(len(staged.warnings), 0, lang))
    if staged.errors:
        st.error(t("imports.has_errors", lang, n=format_number(len(staged.errors), 0, lang)))
        # tables, not Markdown: text from the file is shown as it is, never interpreted
        st.dataframe(
            problem_frame(staged.errors, lang).rename(columns=PROBLEM_HEADERS),
            hide_index=True,
            key="imports_errors",
        )
    else:
        st.success(t("imports.no_errors", lang))
    if staged.warnings:
        st.warning(t("imports.warning_list", lang))
        st.dataframe(
            problem_frame(staged.warnings, lang).rename(columns=PROBLEM_HEADERS),
            hide_index=True,
            key="imports_warnings",
        )


def preview(staged: Staged) -> None:
    """Exactly the rows that would be stored."""
    st.subheader(t("imports.preview", lang))
    programme_id = markdown_literal(staged.programme_id)
    st.markdown(t("imports.programme_id", lang) + f": **{programme_id}**")
    tables = staged.tables
    if staged.kind == "results":
        results = results_frame(tables)
        st.markdown("**" + t("imports.results_table", lang) + "**")
        st.dataframe(
            for_display(results, list(results.columns), lang, RESULTS_HEADERS),
            hide_index=True,
            key="imports_results",
        )
        return
    tasks = tasks_frame(tables)
    pivot = budget_pivot(tables)
    c1, c2, c3 = st.columns(3)
    c1.metric(t("imports.n_tasks", lang), format_number(len(tasks), 0, lang))
    c2.metric(
        t("imports.n_sections", lang), format_number(len(tables.get("sections", [])), 0, lang)
    )
    if not pivot.empty:
        c3.metric(t("imports.total", lang), format_mvnd(float(pivot["total_mvnd"].iloc[-1]), lang))
    st.markdown("**" + t("imports.programme", lang) + "**")
    programme = programme_frame(tables)
    programme["field"] = programme["field"].map(PROGRAMME_FIELDS[lang])
    st.dataframe(
        programme.rename(columns=FIELD_HEADERS),
        hide_index=True,
        key="imports_programme",
    )
    st.markdown("**" + t("imports.tasks", lang) + "**")
    tasks["content_area"] = tasks["content_area"].replace({"": t("areas.unassigned", lang)})
    st.dataframe(
        for_display(tasks, list(tasks.columns), lang, TASK_HEADERS),
        hide_index=True,
        key="imports_tasks",
    )
    areas_editor(staged)
    if pivot.empty:
        st.info(t("imports.no_amounts", lang))
        return
    st.markdown("**" + t("imports.pivot", lang) + "**")
    pivot["year"] = pivot["year"].replace({"total": t("imports.total_row", lang)})
    st.dataframe(
        for_display(pivot, list(pivot.columns), lang, PIVOT_HEADERS),
        hide_index=True,
        key="imports_pivot",
    )
    shares = section_shares(tables)
    chart_with_data(
        share_bar(shares, t("imports.shares", lang), lang),
        shares,
        ["key", "label", "amount_mvnd", "share_pct"],
        t("imports.shares_caption", lang, file=cite(staged.filename)),
        key="imports_shares",
    )


def support_preview(staged: Staged) -> None:
    """A support file: its totals by year and source, its first rows as they will be stored,
    and each establishment recognised as an earlier one, with a box to say it is not."""
    staging = staged.support
    assert staging is not None
    st.subheader(t("imports.preview", lang))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("imports.support_records", lang), format_number(staging.rows, 0, lang))
    c2.metric(t("imports.support_new", lang), format_number(staging.establishments_new, 0, lang))
    c3.metric(
        t("imports.support_known", lang), format_number(staging.establishments_known, 0, lang)
    )
    st.markdown(t("imports.programme_id", lang) + f": **{markdown_literal(staged.programme_id)}**")
    totals = pd.DataFrame(staging.totals)
    if not totals.empty:
        st.markdown("**" + t("imports.support_totals", lang) + "**")
        totals["funding"] = [funding_label(code, lang) for code in totals["funding_source"]]
        totals["year"] = totals["year"].astype(str)  # a year, not a quantity: "2021"
        st.dataframe(
            for_display(totals, list(SUPPORT_TOTAL_HEADERS), lang, SUPPORT_TOTAL_HEADERS),
            hide_index=True,
            key="imports_support_totals",
        )
        st.caption(t("imports.support_totals_caption", lang))
    shown = pd.DataFrame(staging.preview)
    if not shown.empty:
        st.markdown(
            "**"
            + t("imports.support_first_rows", lang, n=format_number(len(shown), 0, lang))
            + "**"
        )
        shown["funding"] = [funding_label(code, lang) for code in shown["funding_source"]]
        shown["status"] = [word_of(STATUSES, s) for s in shown["status"]]
        for column in ("year", "source_line"):  # numbers that name, not amounts: "2021", "12"
            shown[column] = shown[column].astype(str)
        columns = [c for c in SUPPORT_ROW_HEADERS if c in shown.columns]
        st.dataframe(
            for_display(shown, columns, lang, SUPPORT_ROW_HEADERS),
            hide_index=True,
            key="imports_support_rows",
        )
    matches_editor(staging.matches)


def match_key() -> str:
    return "imports_support_matches"


def matches_editor(matches: list[Match]) -> None:
    """The identity decisions, each with a box 'không phải cùng một cơ sở' (applied at commit)."""
    st.markdown("**" + t("imports.matches", lang) + "**")
    if not matches:
        st.caption(t("imports.no_matches", lang))
        return
    st.caption(t("imports.matches_help", lang))
    shown = matches[:MATCHES_SHOWN]
    frame = pd.DataFrame(
        {
            "row": [m.row for m in shown],
            "rule": [word_of(MATCH_RULES, m.rule) for m in shown],
            "name": [m.name for m in shown],
            "earlier_name": [m.earlier_name for m in shown],
            "earlier": [earlier_place(m) for m in shown],
            "separate": [False] * len(shown),
        }
    )
    st.data_editor(
        frame.rename(columns=MATCH_HEADERS),
        hide_index=True,
        disabled=[MATCH_HEADERS[c] for c in ("row", "rule", "name", "earlier_name", "earlier")],
        column_config={
            MATCH_HEADERS["separate"]: st.column_config.CheckboxColumn(
                MATCH_HEADERS["separate"], default=False
            )
        },
        key=match_key(),
    )
    if len(matches) > MATCHES_SHOWN:
        st.caption(
            t(
                "imports.matches_more",
                lang,
                shown=format_number(MATCHES_SHOWN, 0, lang),
                n=format_number(len(matches), 0, lang),
            )
        )


def earlier_place(match: Match) -> str:
    """Where the earlier establishment was read: a row of this file, or a stored import's."""
    if match.earlier_import:
        return t(
            "imports.match_in_import",
            lang,
            id=match.earlier_import,
            file=match.earlier_file or "",
            line=match.earlier_line or "",
        )
    return t("imports.match_in_file", lang, row=match.earlier_row or "")


def separated_rows(staged: Staged) -> list[int]:
    """The rows whose box 'không phải cùng một cơ sở' is ticked (the editor's edits so far)."""
    if staged.support is None:
        return []
    edits = st.session_state.get(match_key(), {}).get("edited_rows", {})
    column = MATCH_HEADERS["separate"]
    shown = staged.support.matches[:MATCHES_SHOWN]
    return [
        shown[int(i)].row
        for i, change in edits.items()
        if change.get(column) and int(i) < len(shown)
    ]


def confirm(staged: Staged, data: bytes) -> None:
    """The editor's sign-in and the confirm button; only here is anything written."""
    st.subheader(t("imports.confirm_head", lang))
    # only a signed-in editor has an upload to confirm (the sign-in above the uploader)
    st.markdown(t("imports.editor", lang, name=markdown_literal(editor)))
    blocked = not staged.storable
    clicked = st.button(
        t("imports.confirm", lang), key="imports_confirm", type="primary", disabled=blocked
    )
    if blocked:
        st.caption(t("imports.blocked", lang))
    if not clicked:
        return
    with st.status(t("imports.writing", lang), expanded=True) as status:
        bar = st.progress(0.2, text=t("imports.writing", lang))
        try:
            rows = separated_rows(staged)
            if rows:  # the importer said these are other establishments: undone before storing
                separate(staged, rows)
            import_id = commit(staged, data, editor)
        except Exception as exc:  # any failure leaves the database as it was
            status.update(state="error", expanded=True)
            # in the reader's words (rows that no longer fit, a full disk), never the
            # exception's own text: it names the server's files (the log keeps it)
            reason = explain(exc, lang, "import").message
            st.error(markdown_literal(t("imports.failed", lang, error=reason)))
            return
        bar.progress(1.0, text=t("imports.step_done", lang))
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


if not editor:
    pass  # the sign-in form above says what to do
elif uploaded is None:
    st.session_state.pop("imports_done", None)
    st.info(t("imports.no_file", lang))
else:
    run(uploaded.name, uploaded.getvalue())
