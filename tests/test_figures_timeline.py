"""Golden figures on the timeline Gantt chart and the data-quality findings chart.

Case ids cite the seed file and line (003 = Hanoi supporting-industry plan 2021, 000 = Hanoi
2021-2025, 001 = Hanoi 2016-2020 with the 2011-2015 results, 002 = Hưng Yên to 2020).
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from plans import db
from plans.charts.base import PALETTE
from plans.charts.timeline import findings_dumbbell, month_span, timeline_gantt

CNHT = "HN-CNHT-2021"


@pytest.fixture()
def tasks(con):
    return db.run(con, "timeline_tasks", programme_id=CNHT, section_code=None, content_area=None)


@pytest.fixture()
def findings(con):
    return db.run(con, "quality_findings", programme_id=None)


def bars(fig: go.Figure) -> dict[str, tuple[int, int]]:
    """Task code -> (first month, last month) read back from the bars' base and length."""
    out = {}
    for trace in fig.data:
        for base, length, label in zip(trace.base, trace.x, trace.y, strict=True):
            first = base + 0.5
            out[label.split(" · ")[0]] = (int(first), int(first + length - 1))
    return out


@pytest.mark.parametrize(
    ("expected", "task"),
    [
        pytest.param((3, 11), "I.1", id="003:88 task 1 Từ tháng 3 đến tháng 11"),
        pytest.param((10, 10), "I.2", id="003:95 task 2 Tháng 10"),
        pytest.param((10, 10), "I.3", id="003:104 task 3 Tháng 10"),
        pytest.param((4, 11), "I.4", id="003:112 task 4 Từ tháng 4 đến tháng 11"),
        pytest.param((5, 10), "II.5", id="003:126 task 5 Từ tháng 5 đến tháng 10"),
        pytest.param((4, 11), "IV.9", id="003:168 task 9 Từ tháng 4 đến tháng 11"),
        pytest.param((9, 9), "V.11", id="003:189 task 11 Tháng 9"),
        pytest.param((12, 12), "V.12", id="003:196 task 12 Tháng 12"),
    ],
)
def test_bar_spans_months_inclusive(expected: tuple[int, int], task: str, tasks) -> None:
    assert expected == bars(timeline_gantt(tasks, "t", "vi"))[task]


def test_twelve_bars_in_five_sections(tasks) -> None:
    fig = timeline_gantt(tasks, "t", "vi")
    assert 12 == sum(len(trace.y) for trace in fig.data)
    assert ["I", "II", "III", "IV", "V"] == [trace.name.split(" · ")[0] for trace in fig.data]
    assert list(PALETTE[:5]) == [trace.marker.color for trace in fig.data]


def test_tasks_ordered_by_number_with_section_in_label(tasks) -> None:
    fig = timeline_gantt(tasks, "t", "vi")
    codes = [label.split(" · ")[0] for label in fig.layout.yaxis.categoryarray]
    assert ["I.1", "I.2", "I.3", "I.4", "II.5", "III.6", "III.7", "III.8", "IV.9", "V.10",
            "V.11", "V.12"] == codes  # fmt: skip
    assert "reversed" == fig.layout.yaxis.autorange


def test_legend_names_the_sections(tasks) -> None:
    fig = timeline_gantt(tasks, "t", "vi")
    assert "V · Quản lý Chương trình" == fig.data[4].name  # 003:173


@pytest.mark.parametrize(
    ("lang", "first", "last", "axis"),
    [("vi", "Th1", "Th12", "Tháng (năm 2021)"), ("en", "Jan", "Dec", "Month (2021)")],
)
def test_month_axis_in_the_reader_language(lang, first, last, axis, tasks) -> None:
    fig = timeline_gantt(tasks, "t", lang)
    ticks = fig.layout.xaxis.ticktext
    assert (first, last, 12) == (ticks[0], ticks[-1], len(ticks))
    assert axis == fig.layout.xaxis.title.text
    assert (0.5, 12.5) == tuple(fig.layout.xaxis.range)


def test_hover_carries_timing_lead_and_coordinating_units(tasks) -> None:
    fig = timeline_gantt(tasks, "t", "en")
    first = fig.data[0].customdata[0]
    assert "Từ tháng 3 đến tháng 11" == first[1]  # 003:88, as printed
    assert "Sở Công Thương" == first[2]  # 003:89
    assert "Sở Khoa học và Công nghệ" in first[3]  # 003:90
    assert "Lead" in fig.data[0].hovertemplate and "Coordinating" in fig.data[0].hovertemplate


@pytest.mark.parametrize(
    ("expected", "start", "end", "lang"),
    [("Th3–Th11", 3, 11, "vi"), ("Th10", 10, 10, "vi"), ("Mar–Nov", 3, 11, "en"),
     ("Dec", 12, 12, "en")],
)  # fmt: skip
def test_month_span(expected: str, start: int, end: int, lang: str) -> None:
    assert expected == month_span(start, end, lang)


def panel(fig: go.Figure, ref: str) -> tuple[float, float, str]:
    """(stated, computed, panel title) of the finding cited as `ref` (e.g. '000:325')."""
    titles = [a.text for a in fig.layout.annotations]
    i = next(n for n, text in enumerate(titles) if text.startswith(ref + " "))
    stated = [t.x[0] for t in fig.data if t.legendgroup == "stated"]
    computed = [t.x[0] for t in fig.data if t.legendgroup == "computed"]
    return stated[i], computed[i], titles[i]


@pytest.mark.parametrize(
    ("stated", "computed", "ref", "difference"),
    [
        pytest.param(2500, 3000, "000:325", "-500 triệu đồng", id="000:325 V.4 2.500 vs 3.000"),
        pytest.param(5600, 5100, "000:314", "+500 triệu đồng", id="000:314 V 5.600 vs 5.100"),
        pytest.param(3696, 3646, "002:168", "+50 triệu đồng", id="002:168 3.696 vs 3.646"),
        pytest.param(8374, 8424, "002:162", "-50 triệu đồng", id="002:162 8.374 vs 8.424"),
        pytest.param(94.5, 90.27, "001:5", "+4,23 điểm %", id="001:5 94,5% vs 77,63/86"),
    ],
)
def test_findings_stated_vs_computed(stated, computed, ref, difference, findings) -> None:
    fig = findings_dumbbell(findings, "t", "vi")
    got_stated, got_computed, title = panel(fig, ref)
    assert stated == pytest.approx(got_stated)
    assert computed == pytest.approx(got_computed, abs=0.005)
    assert title.endswith(f"chênh lệch {difference}")


def test_findings_chart_has_one_panel_per_finding_and_a_legend(findings) -> None:
    fig = findings_dumbbell(findings, "t", "en")
    assert 5 == len(fig.layout.annotations)
    legend = [t.name for t in fig.data if t.showlegend]
    assert ["Stated", "Recomputed"] == legend
    # shape as well as colour tells stated from recomputed
    symbols = {t.legendgroup: t.marker.symbol for t in fig.data if t.legendgroup}
    assert {"stated": "circle", "computed": "diamond"} == symbols
    assert ".," == fig.layout.separators
    json.loads(fig.to_json())  # serialisable for st.plotly_chart
