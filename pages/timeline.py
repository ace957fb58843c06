"""Plan timeline: the tasks of a plan with months of execution as a Gantt chart by month."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import query
from plans.app.ui import chart_with_data, filters
from plans.charts.timeline import month_span, timeline_gantt
from plans.data.sources import short_ref
from plans.numbers import format_number

f = filters()
lang = f.lang
T = {
    "vi": {
        "title": "Tiến độ kế hoạch",
        "intro": (
            "Các nhiệm vụ của kế hoạch theo tháng thực hiện, tô màu theo mục; di chuột lên thanh"
            " để xem đơn vị chủ trì và phối hợp."
        ),
        "programme": "Kế hoạch có tiến độ theo tháng",
        "none": "Không có chương trình nào trong các tỉnh đã chọn có tiến độ theo tháng.",
        "not_this": (
            "Chương trình đang chọn ở thanh bên không ghi tháng thực hiện cho các nhiệm vụ;"
            " trang này hiển thị kế hoạch có tiến độ theo tháng."
        ),
        "no_tasks": "Không có nhiệm vụ nào của kế hoạch này thuộc nội dung đã chọn.",
        "outside": "Kế hoạch này thuộc năm {year}, ngoài khoảng năm đã chọn ({y0}–{y1}).",
        "chart": "Tiến độ thực hiện các nhiệm vụ",
        "caption": (
            "Nguồn: {file} (Danh mục nhiệm vụ: cột thời gian thực hiện, đơn vị chủ trì, phối"
            " hợp). Mỗi thanh phủ trọn các tháng từ tháng bắt đầu đến tháng kết thúc."
        ),
        "n_tasks": "Số nhiệm vụ",
        "n_sections": "Số mục",
        "span": "Thời gian",
        "span_value": "{first} – {last}",
        "headers": {
            "task_code": "Mã",
            "task_name": "Nhiệm vụ",
            "timing_text": "Thời gian (như văn bản in)",
            "months": "Các tháng",
            "n_months": "Số tháng",
            "lead_unit": "Đơn vị chủ trì",
            "coordinating_units": "Đơn vị phối hợp",
            "source": "Dòng nguồn",
        },
    },
    "en": {
        "title": "Plan timeline",
        "intro": (
            "The plan's tasks by month of execution, coloured by section; hover over a bar for"
            " the lead and coordinating units."
        ),
        "programme": "Plan with monthly timing",
        "none": "No programme of the chosen provinces gives months of execution.",
        "not_this": (
            "The programme chosen in the sidebar gives no months for its tasks; this page shows"
            " a plan that does."
        ),
        "no_tasks": "No task of this plan belongs to the chosen content.",
        "outside": "This plan is for {year}, outside the chosen years ({y0}–{y1}).",
        "chart": "Timing of the tasks",
        "caption": (
            "Source: {file} (task list: timing, lead and coordinating units columns). Each bar"
            " covers whole months, from the start month to the end month."
        ),
        "n_tasks": "Tasks",
        "n_sections": "Sections",
        "span": "Period",
        "span_value": "{first} – {last}",
        "headers": {
            "task_code": "Code",
            "task_name": "Task",
            "timing_text": "Timing (as printed)",
            "months": "Months",
            "n_months": "Number of months",
            "lead_unit": "Lead unit",
            "coordinating_units": "Coordinating units",
            "source": "Source lines",
        },
    },
}[lang]

st.title(T["title"])
st.caption(T["intro"])

timed = query("timeline_programmes")
if f.provinces:
    timed = timed[timed["province"].isin(f.provinces)]
if timed.empty:
    st.info(T["none"])
    st.stop()

titles = dict(
    zip(timed["programme_id"], timed["title" if lang == "vi" else "title_en"], strict=True)
)
options = list(titles)
# Default to the sidebar's programme when it has months, else the first that has.
if st.session_state.get("timeline_programme") not in options:
    st.session_state["timeline_programme"] = f.programme if f.programme in options else options[0]
if f.programme not in options:
    st.info(T["not_this"])
programme = st.selectbox(
    T["programme"],
    options=options,
    format_func=lambda p: f"{p} · {titles[p]}",
    key="timeline_programme",
)

# The sidebar's section applies to the programme it was chosen for; content areas to any.
section = f.area if f.area_mode == "section" and f.area and programme == f.programme else None
area = f.area if f.area_mode == "content_area" and f.area else None
tasks = query("timeline_tasks", programme_id=programme, section_code=section, content_area=area)
if tasks.empty:
    st.info(T["no_tasks"])
    st.stop()

year = int(tasks["year"].iloc[0])
if f.year_from and f.year_to and not f.year_from <= year <= f.year_to:
    st.info(T["outside"].format(year=year, y0=f.year_from, y1=f.year_to))
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
c1.metric(T["n_tasks"], format_number(len(tasks), 0, lang))
c2.metric(T["n_sections"], format_number(tasks["section_code"].nunique(), 0, lang))
c3.metric(
    T["span"],
    T["span_value"].format(
        first=month_span(int(tasks["month_start"].min()), int(tasks["month_start"].min()), lang),
        last=month_span(int(tasks["month_end"].max()), int(tasks["month_end"].max()), lang),
    ),
)

title = f"{T['chart']} — {titles[programme]}"
chart_with_data(
    timeline_gantt(tasks, title, lang),
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
    T["caption"].format(file=", ".join(sorted(set(tasks["source_file"])))),
    key="timeline_tasks",
    headers=T["headers"],
)
