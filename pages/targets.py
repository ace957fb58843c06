"""Targets and results: each reported result against its target, percent achieved and status."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import figure, query
from plans.app.ui import chart_with_data, cite, cite_many, filters, view_tabs
from plans.charts.budget import (
    EXECUTION_COLUMNS,
    execution_chart,
    execution_data,
    execution_headers,
    execution_note,
    has_execution,
)
from plans.charts.targets import (
    OUTPUT_COLUMNS,
    achievement_chart,
    output_headers,
    output_indicators,
    output_rows,
    outputs_year_chart,
    outputs_year_data,
    results_data,
    results_table,
    target_band_chart,
    untargeted_table,
    with_targets,
    with_year_labels,
)
from plans.messages import t
from plans.numbers import format_number

f = filters()
lang = f.lang
name = "indicator" if lang == "vi" else "indicator_en"
HEADERS = {
    name: t("targets.col_indicator", lang),
    "unit": t("targets.col_unit", lang),
    "achieved": t("targets.col_achieved", lang),
    "target_min": t("targets.col_target_min", lang),
    "target_max": t("targets.col_target_max", lang),
    "target_point": t("targets.col_target_point", lang),
    "basis": t("targets.col_basis", lang),
    "status": t("targets.col_status", lang),
    "achievement_pct": t("targets.col_achievement_pct", lang),
    "stated_pct": t("targets.col_stated_pct", lang),
    "source": t("targets.col_source", lang),
}

st.title(t("targets.title", lang))
programmes = query("target_page_programmes")
with_results = programmes[programmes["n_results"] > 0]
titles = dict(
    zip(
        programmes["programme_id"],
        programmes["title" if lang == "vi" else "title_en"],
        strict=True,
    )
)
if with_results.empty:
    st.info(t("targets.none_at_all", lang))
    st.stop()

options = list(with_results["programme_id"])
# The sidebar's programme if it has results; else the latest one of its province that has
# (Yên Bái 2021-2025 → Yên Bái 2011-2015), else the first.
province = programmes.loc[programmes["programme_id"] == f.programme, "province"]
same = with_results[with_results["province"].isin(province)].sort_values("period_start")
default = (
    f.programme
    if f.programme in options
    else (same["programme_id"].iloc[-1] if len(same) else options[0])
)
programme = st.selectbox(
    t("targets.programme", lang),
    options=options,
    index=options.index(default),
    format_func=lambda pid: f"{pid} · {titles[pid]}",
    key="targets_programme",
)
if f.programme not in options:
    # at national scale the list would run to 63 programmes: the first ones and the count
    listed = ", ".join(options[:8]) + (
        " " + t("targets.more", lang, n=len(options)) if len(options) > 8 else ""
    )
    st.info(t("targets.no_results", lang, chosen=f.programme, with_results=listed, shown=programme))

# Results carry common content areas (KC codes), not the sections of a plan.
area = f.area if f.area_mode == "content_area" and f.area else None
# a yearly report's outputs carry their year in their name: one row per indicator and year
results = with_year_labels(query("target_page_results", programme_id=programme, content_area=area))
if area:
    st.caption(t("targets.area_note", lang, area=area))
if results.empty:
    st.info(t("targets.area_empty", lang, area=area))
    st.stop()

targeted = with_targets(results)
c1, c2, c3 = st.columns(3)
c1.metric(t("targets.n_results", lang), format_number(len(results), 0, lang))
c2.metric(t("targets.n_targets", lang), format_number(len(targeted), 0, lang))
met = int((targeted["achievement_pct"] >= 100).sum())
c3.metric(t("targets.n_met", lang), format_number(met, 0, lang))

# The documents the results come from, as people know them (their stored names on hover).
sources = "; ".join(cite(file) for file in dict.fromkeys(results["source_file"]))
data = results_data(results, lang)
views = {
    "band": t("targets.band_tab", lang),
    "pct": t("targets.pct_tab", lang),
    "tables": t("targets.tables_tab", lang),
}
if targeted.empty:
    views = {"tables": t("targets.tables_tab", lang)}  # nothing to chart: the results as a table
# plan against execution year by year, where a report gives yearly figures or outputs
execution = query("programme_budget_years", programme_id=programme)
outputs = query("target_results_by_year", programme_id=programme)
if has_execution(execution) or not outputs.empty:
    views["years"] = t("execution.years_tab", lang)
view, tab = view_tabs(views, key="targets_view")
with tab:
    if view == "band":
        chart_title = t("targets.band_chart", lang)
        chart_with_data(
            figure(target_band_chart, results, f"{chart_title} — {programme}", lang),
            data,
            [name, "unit", "achieved", "target_min", "target_point", "target_max", "basis",
             "source"],
            t("targets.band_caption", lang, sources=sources),
            key="targets_band",
            headers=HEADERS, files=results["source_file"],
        )  # fmt: skip
    elif view == "pct":
        chart_title = t("targets.pct_chart", lang)
        chart_with_data(
            figure(achievement_chart, results, f"{chart_title} — {programme}", lang),
            data,
            [name, "achievement_pct", "stated_pct", "status", "basis", "source"],
            t("targets.pct_caption", lang, sources=sources),
            key="targets_pct",
            headers=HEADERS,
            files=results["source_file"],
        )
    elif view == "years":
        if has_execution(execution):
            st.subheader(t("execution.budget_heading", lang))
            shown = execution_data(execution, lang)
            reports = list(shown["source_file"].dropna().unique())
            chart_with_data(
                figure(
                    execution_chart,
                    execution,
                    t(
                        "execution.chart_title",
                        lang,
                        prog=programme,
                        scope=t("execution.scope_label_programme", lang),
                    ),
                    lang,
                ),
                shown,
                list(EXECUTION_COLUMNS),
                " ".join(
                    filter(
                        None,
                        [
                            execution_note(execution, lang),
                            t("execution.targets_caption", lang, reports=cite_many(reports)),
                        ],
                    )
                ),
                key="targets_execution",
                headers=execution_headers(lang),
                files=reports,
            )
        if not outputs.empty:
            st.subheader(t("execution.outputs_heading", lang))
            indicators = output_indicators(outputs, lang)
            chosen = st.selectbox(
                t("execution.outputs_indicator", lang),
                options=list(indicators),
                format_func=indicators.get,
                key="targets_output",
            )
            rows = output_rows(outputs, chosen)
            chart_with_data(
                figure(
                    outputs_year_chart,
                    rows,
                    t("execution.outputs_title", lang, indicator=indicators[chosen]),
                    lang,
                ),
                outputs_year_data(rows, lang),
                list(OUTPUT_COLUMNS),
                t("execution.outputs_caption", lang, sources=cite_many(rows["source_file"])),
                key="targets_outputs",
                headers=output_headers(lang),
                files=rows["source_file"],
            )
    else:
        if not targeted.empty:
            st.subheader(t("targets.table", lang))
            table = results_table(results, lang)
            height = 36 * (len(table) + 1) + 3
            st.dataframe(table, hide_index=True, key="targets_table", height=height)
        st.subheader(t("targets.untargeted", lang))
        st.caption(t("targets.untargeted_caption", lang))
        others = untargeted_table(results, lang)
        height = 36 * (len(others) + 1) + 3
        st.dataframe(others, hide_index=True, key="targets_untargeted", height=height)
