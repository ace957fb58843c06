"""Plan timeline: the tasks of a plan with months of execution as a Gantt chart by month."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import figure, query
from plans.app.ui import chart_with_data, chosen_programmes, cite, filters
from plans.charts.timeline import month_span, timeline_gantt
from plans.data.sources import short_ref
from plans.messages import t
from plans.numbers import format_number

f = filters()
lang = f.lang
HEADERS = {
    "task_code": t("timeline.col_task_code", lang),
    "task_name": t("timeline.col_task_name", lang),
    "timing_text": t("timeline.col_timing_text", lang),
    "months": t("timeline.col_months", lang),
    "n_months": t("timeline.col_n_months", lang),
    "lead_unit": t("timeline.col_lead_unit", lang),
    "coordinating_units": t("timeline.col_coordinating_units", lang),
    "source": t("timeline.col_source", lang),
}

st.title(t("timeline.title", lang))
st.caption(t("timeline.intro", lang))

timed = query("timeline_programmes")
# the programmes of the sidebar's provinces in its boundary view (every one when none is chosen)
in_provinces = chosen_programmes(f)
if in_provinces is not None:
    timed = timed[timed["programme_id"].isin(in_provinces)]
if timed.empty:
    st.info(t("timeline.none", lang))
    st.stop()

titles = dict(
    zip(timed["programme_id"], timed["title" if lang == "vi" else "title_en"], strict=True)
)
options = list(titles)
# Default to the sidebar's programme when it has months, else the first that has.
if st.session_state.get("timeline_programme") not in options:
    st.session_state["timeline_programme"] = f.programme if f.programme in options else options[0]
if f.programme not in options:
    st.info(t("timeline.not_this", lang))
programme = st.selectbox(
    t("timeline.programme", lang),
    options=options,
    format_func=lambda p: f"{p} · {titles[p]}",
    key="timeline_programme",
)

# The sidebar's section applies to the programme it was chosen for; content areas to any.
section = f.area if f.area_mode == "section" and f.area and programme == f.programme else None
area = f.area if f.area_mode == "content_area" and f.area else None
tasks = query("timeline_tasks", programme_id=programme, section_code=section, content_area=area)
if tasks.empty:
    st.info(t("timeline.no_tasks", lang))
    st.stop()

year = int(tasks["year"].iloc[0])
if f.year_from and f.year_to and not f.year_from <= year <= f.year_to:
    st.info(t("timeline.outside", lang, year=year, y0=f.year_from, y1=f.year_to))
    st.stop()

tasks = tasks.copy()
tasks["months"] = [
    month_span(int(s), int(e), lang)
    for s, e in zip(tasks["month_start"], tasks["month_end"], strict=True)
]
tasks["source"] = [
    short_ref(file, lines)
    for file, lines in zip(tasks["source_file"], tasks["source_lines"], strict=True)
]

c1, c2, c3 = st.columns(3)
c1.metric(t("timeline.n_tasks", lang), format_number(len(tasks), 0, lang))
c2.metric(t("timeline.n_sections", lang), format_number(tasks["section_code"].nunique(), 0, lang))
first, last = int(tasks["month_start"].min()), int(tasks["month_end"].max())
c3.metric(
    t("timeline.span", lang),
    t(
        "timeline.span_value",
        lang,
        first=month_span(first, first, lang),
        last=month_span(last, last, lang),
    ),
)

chart_title = t("timeline.chart", lang)
title = f"{chart_title} — {titles[programme]}"
sources = "; ".join(cite(file) for file in sorted(set(tasks["source_file"])))
chart_with_data(
    figure(timeline_gantt, tasks, title, lang),
    tasks,
    [
        "task_code",
        "task_name",
        "timing_text",
        "months",
        "n_months",
        "lead_unit",
        "coordinating_units",
        "source",
    ],
    t("timeline.caption", lang, sources=sources),
    key="timeline_tasks",
    headers=HEADERS,
    files=tasks["source_file"],
)
