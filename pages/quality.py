"""Data quality: reconciliation findings with their source lines, checks made, weak spots."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plans.app.cache import figure, query
from plans.app.damaged_ui import show_damaged, show_startup
from plans.app.source_view import (
    cited_snippet,
    context_lines,
    has_text,
    no_text_notice,
    numbered_block,
)
from plans.app.ui import (
    chart_with_data,
    chosen_programmes,
    cite,
    cite_many,
    filters,
    source_caption,
)
from plans.charts.budget import funding_label
from plans.charts.tables import for_display
from plans.charts.timeline import findings_dumbbell
from plans.data.sources import short_ref
from plans.escape import markdown_literal
from plans.messages import N_, t
from plans.numbers import format_number, format_pct

f = filters()
lang = f.lang
# What the findings, cells and discrepancies are called (their `kind`/`basis` in the database).
KINDS = {
    "row_total": N_("quality.kind_row_total"),
    "row_quantity_total": N_("quality.kind_row_quantity_total"),
    "section_total": N_("quality.kind_section_total"),
    "section_year_total": N_("quality.kind_section_year_total"),
    "section_total_vs_row_totals": N_("quality.kind_section_total_vs_row_totals"),
    "section_total_vs_year_totals": N_("quality.kind_section_total_vs_year_totals"),
    "grand_total": N_("quality.kind_grand_total"),
    "grand_total_vs_section_totals": N_("quality.kind_grand_total_vs_section_totals"),
    "grand_total_vs_year_totals": N_("quality.kind_grand_total_vs_year_totals"),
    "year_total": N_("quality.kind_year_total"),
    "year_total_vs_section_year_totals": N_("quality.kind_year_total_vs_section_year_totals"),
    "text_total": N_("quality.kind_text_total"),
    "text_year_total": N_("quality.kind_text_year_total"),
    "text_total_vs_text_years": N_("quality.kind_text_total_vs_text_years"),
    "stated_percentage": N_("quality.kind_stated_percentage"),
}
BASES = {
    "blank": N_("quality.basis_blank"),
    "derived": N_("quality.basis_derived"),
}
DISC_KINDS = {
    "reference_number": N_("quality.disc_reference_number"),
    "date": N_("quality.disc_date"),
    "narrative_vs_appendix": N_("quality.disc_narrative_vs_appendix"),
    "layout_artefact": N_("quality.disc_layout_artefact"),
    "number_format": N_("quality.disc_number_format"),
}
UNITS = {"amount_mvnd": N_("quality.unit_mvnd"), "pct": N_("quality.unit_pct")}
H = {
    "programme_id": t("quality.h_programme_id", lang),
    "kind_label": t("quality.h_kind_label", lang),
    "unit": t("quality.h_unit", lang),
    "cited": t("quality.h_cited", lang),
    "task_code": t("quality.h_task_code", lang),
    "task_name": t("quality.h_task_name", lang),
    "year": t("quality.h_year", lang),
    "basis_label": t("quality.h_basis_label", lang),
    "item_code": t("quality.h_item_code", lang),
    "indicator": t("quality.h_indicator", lang),
    "quantity_text": t("quality.h_quantity_text", lang),
    "source_text": t("quality.h_source_text", lang),
    "section_code": t("quality.h_section_code", lang),
    "discrepancy_id": t("quality.h_discrepancy_id", lang),
    "place": t("quality.h_place", lang),
    "printed": t("quality.h_printed", lang),
    "other_place": t("quality.h_other_place", lang),
    "other_printed": t("quality.h_other_printed", lang),
}


def label(ids: dict[str, str], value: str, default: str) -> str:
    """A stored value in the reader's words; `default` for one the page has no words for."""
    key = ids.get(value)
    return t(key, lang) if key else default


def short_refs(files: list[str], lines: list[object]) -> None:
    """A line under a table of short citations: what '000:325' stands for, one per document."""
    first: dict[str, str] = {}
    for name, line in zip(files, lines, strict=True):
        if isinstance(name, str):  # a place that names no document has no citation
            first.setdefault(name, str(line).split(";")[0])
    cited = sorted(first.items())
    refs = "; ".join(f"{short_ref(name, line)} = {cite(name, line)}" for name, line in cited)
    source_caption(t("quality.short_refs", lang, refs=refs), [name for name, _ in cited])


st.title(t("quality.title", lang))
st.caption(t("quality.intro", lang))
# what the start repaired, and the imports set aside because they no longer build
show_startup(lang)
show_damaged(lang)

show_all = st.toggle(t("quality.all", lang), value=True, key="quality_all")
programme = None if show_all else f.programme
st.caption(
    t("quality.scope_all", lang)
    if show_all
    else t("quality.scope_one", lang, programme=f.programme)
)


# the programmes of the sidebar's provinces in its boundary view (None: every programme); under
# the current boundaries Hưng Yên holds Thái Bình's programmes too
in_provinces = chosen_programmes(f)


def in_view(frame: pd.DataFrame) -> pd.DataFrame:
    """With 'all programmes', keep the programmes of the sidebar's provinces."""
    if programme is None and in_provinces is not None and "programme_id" in frame:
        return frame[frame["programme_id"].isin(in_provinces)]
    return frame


def num(value: float) -> str:
    return format_number(int(value), 0, lang)


# Checks made ---------------------------------------------------------------------------------
st.subheader(t("quality.checks", lang))
counts = in_view(query("quality_check_counts", programme_id=programme))
totals = counts[counts["family"] == "total"][["n_checks", "n_ok", "n_differs", "n_not_checkable"]]
pcts = counts[counts["family"] == "percentage"][["n_checks", "n_ok", "n_differs"]]
t_sum, p_sum = totals.sum(), pcts.sum()


def share(part: float, whole: float) -> str | None:
    return t("quality.of", lang, share=format_pct(100 * part / whole, 1, lang)) if whole else None


# The share is context, not a change: no arrow, no green/red.
plain = {"delta_color": "off", "delta_arrow": "off"}
c = st.columns(4)
c[0].metric(t("quality.totals", lang), num(t_sum["n_checks"]))
c[1].metric(
    t("quality.ok", lang), num(t_sum["n_ok"]), share(t_sum["n_ok"], t_sum["n_checks"]), **plain
)
c[2].metric(
    t("quality.differs", lang),
    num(t_sum["n_differs"]),
    share(t_sum["n_differs"], t_sum["n_checks"]),
    **plain,
)
c[3].metric(
    t("quality.not_checkable", lang),
    num(t_sum["n_not_checkable"]),
    share(t_sum["n_not_checkable"], t_sum["n_checks"]),
    **plain,
)
c = st.columns(4)
c[0].metric(t("quality.pcts", lang), num(p_sum["n_checks"]))
c[1].metric(
    t("quality.pct_ok", lang), num(p_sum["n_ok"]), share(p_sum["n_ok"], p_sum["n_checks"]), **plain
)
c[2].metric(
    t("quality.pct_differs", lang),
    num(p_sum["n_differs"]),
    share(p_sum["n_differs"], p_sum["n_checks"]),
    **plain,
)

# Findings ------------------------------------------------------------------------------------
st.subheader(t("quality.findings", lang))
findings = in_view(query("quality_findings", programme_id=programme)).copy()
if findings.empty:
    st.success(t("quality.no_findings", lang))
else:
    findings["kind_label"] = [label(KINDS, k, k) for k in findings["kind"]]
    findings["unit"] = [label(UNITS, m, "") for m in findings["measure"]]
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
    # one citation per document, the documents in the order of their numbers
    ordered = findings.sort_values("source_file", kind="stable")
    files = cite_many(ordered["source_file"], ordered["source_line"])
    chart_with_data(
        figure(findings_dumbbell, findings, t("quality.chart", lang), lang),
        findings,
        numbers,
        t("quality.caption", lang, files=files),
        key="quality_findings",
        headers=H,
        files=findings["source_file"],
    )
    st.markdown("**" + t("quality.table", lang) + "**")
    columns = ["source", location, "kind_label", "printed_text", "cited", "note"]
    st.dataframe(
        for_display(findings, columns, lang, H), hide_index=True, key="quality_findings_detail"
    )
    short_refs(list(findings["source_file"]), list(findings["source_line"]))
    with st.expander(t("quality.lines", lang)):
        for row in findings.to_dict("records"):
            where = markdown_literal(row[location])  # an import's section and task names
            st.markdown(f"**{markdown_literal(row['source'])}** · {where} · {row['kind_label']}")
            if has_text(row["source_file"], row["programme_id"]):
                block = context_lines(
                    row["source_file"], row["source_line"], 0, programme_id=row["programme_id"]
                )
                st.code(numbered_block(block), language=None, wrap_lines=True)
            else:
                st.info(no_text_notice(lang, row["source_file"], row["programme_id"]))

# Uncertain parses ----------------------------------------------------------------------------
st.subheader(t("quality.uncertain", lang))
uncertain = in_view(query("quality_uncertain_targets", programme_id=programme)).copy()
if uncertain.empty:
    st.write(t("quality.no_uncertain", lang))
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
    short_refs(list(uncertain["source_file"]), list(uncertain["source_line"]))

st.subheader(t("quality.cells", lang))
cells = in_view(query("quality_unprinted_cells", programme_id=programme)).copy()
if cells.empty:
    st.write(t("quality.no_cells", lang))
else:
    st.caption(t("quality.cells_intro", lang))
    cells["basis_label"] = [label(BASES, b, b) for b in cells["basis"]]
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
    short_refs(list(cells["source_file"]), list(cells["source_line"]))

st.subheader(t("quality.unmapped", lang))
unmapped = in_view(query("quality_unmapped_tasks", programme_id=programme)).copy()
if unmapped.empty:
    st.write(t("quality.no_unmapped", lang))
else:
    unmapped["source"] = [
        short_ref(a, b)
        for a, b in zip(unmapped["source_file"], unmapped["source_lines"], strict=True)
    ]
    # a suggested area is listed as such: no person chose it yet
    unassigned = t("areas.unassigned", lang)
    unmapped["area_state"] = [
        t("quality.area_suggested", lang, area=a) if isinstance(a, str) and a else unassigned
        for a in unmapped["suggested_area"]
    ]
    unmapped["suggested_reason"] = unmapped["suggested_reason"].fillna("")
    st.dataframe(
        for_display(
            unmapped,
            [
                *("programme_id", "section_code", "task_code", "task_name", "area_state"),
                *("suggested_reason", "source"),
            ],
            lang,
            H
            | {
                "area_state": t("quality.h_area_state", lang),
                "suggested_reason": t("quality.h_suggested_reason", lang),
            },
        ),
        hide_index=True,
    )
    short_refs(list(unmapped["source_file"]), list(unmapped["source_lines"]))

# Textual discrepancies -----------------------------------------------------------------------
st.subheader(t("quality.discrepancies", lang))
discrepancies = query("quality_discrepancies", programme_id=programme).copy()
if discrepancies.empty:
    st.write(t("quality.no_discrepancies", lang))
else:
    st.caption(t("quality.discrepancies_intro", lang))
    discrepancies["kind_label"] = [label(DISC_KINDS, k, k) for k in discrepancies["kind"]]
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
    short_refs(
        [*discrepancies["source_file"], *discrepancies["other_file"]],
        [*discrepancies["source_line"], *discrepancies["other_line"]],
    )

# Support records against the plan -------------------------------------------------------------
# What support_plan_checks finds when records are set against the plan's cells (its `finding`).
SUPPORT_FINDINGS = {
    "above_plan": N_("quality.support_above_plan"),
    "no_plan_year": N_("quality.support_no_plan_year"),
    "no_task": N_("quality.support_no_task"),
    "task_not_in_plan": N_("quality.support_task_not_in_plan"),
}
st.subheader(t("quality.support", lang))
plan_checks = in_view(query("support_plan_checks", programme_id=programme))
support_findings = plan_checks[plan_checks["finding"].notna()].copy()
if plan_checks.empty:
    st.write(t("quality.support_no_records", lang))
elif support_findings.empty:
    st.write(t("quality.support_ok", lang, n=num(len(plan_checks))))
else:
    st.caption(t("quality.support_intro", lang))
    kinds = support_findings["finding"].value_counts()
    st.markdown(
        "\n".join(
            f"- {t(key, lang)}: {num(kinds[kind])}"
            for kind, key in SUPPORT_FINDINGS.items()
            if kind in kinds
        )
    )
    support_findings["finding_label"] = [
        label(SUPPORT_FINDINGS, k, k) for k in support_findings["finding"]
    ]
    support_findings["source_label"] = [
        funding_label(s, lang) if isinstance(s, str) else None
        for s in support_findings["funding_source"]
    ]

    def cited_import(name: object, line: object, n_files: int) -> str:
        """The group's first record as its import names it: 'ho_tro.csv, dòng 5' (+ files)."""
        # plans.data.synth writes 'synthetic' as its records' file: said in words
        if not isinstance(name, str) or name == "synthetic":
            text = t("sources.synthetic", lang)
        else:
            text = cite(name, None if line != line or line is None else str(int(line)))
        more = int(n_files) - 1
        return text + t("quality.support_more_files", lang, n=more) if more > 0 else text

    support_findings["cited"] = [
        cited_import(a, b, n)
        for a, b, n in zip(
            support_findings["source_file"],
            support_findings["source_line"],
            support_findings["n_files"],
            strict=True,
        )
    ]
    # a year is a label, not a quantity: no thousands separator; no task, no source: a dash
    support_findings["year"] = support_findings["year"].astype(str)
    support_findings["task_code"] = support_findings["task_code"].fillna("—")
    support_findings["source_label"] = support_findings["source_label"].fillna("—")
    st.dataframe(
        for_display(
            support_findings,
            [
                *("programme_id", "year", "task_code", "source_label", "finding_label"),
                *("records", "cancelled_records", "amount_mvnd", "planned_mvnd"),
                *("difference_mvnd", "executed_pct", "cited", "import_ids"),
            ],
            lang,
            H
            | {
                "source_label": t("quality.support_h_source", lang),
                "finding_label": t("quality.support_h_finding", lang),
                "records": t("quality.support_h_records", lang),
                "cancelled_records": t("quality.support_h_cancelled", lang),
                "amount_mvnd": t("quality.support_h_amount", lang),
                "planned_mvnd": t("quality.support_h_planned", lang),
                "difference_mvnd": t("quality.support_h_difference", lang),
                "executed_pct": t("quality.support_h_executed", lang),
                "cited": t("quality.support_h_cited", lang),
                "import_ids": t("quality.support_h_imports", lang),
            },
        ),
        hide_index=True,
        key="quality_support",
    )
