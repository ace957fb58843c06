"""Golden figures on the budget-allocation and province-comparison chart builders.

Each case id cites the seed file (000 = Hanoi 2021-2025, 002 = Hưng Yên 2018-2020) and the
line the figure is printed on; the frames come from the page's own queries on the built database.
"""

from __future__ import annotations

import pandas as pd
import pytest

from plans import db
from plans.charts.budget import (
    allocation_tree,
    area_share_bars,
    per_year_bars,
    unit_cost_bars,
    year_stack,
)

HN = "HN-2021-2025"
HY = "HY-2018-2020"
# The seed documents as issued (boundary 'as_issued'); the current boundaries' series, which
# carry what they sum and lack across the 1/7/2025 merger, in tests/test_boundary_views.py.
HN_SERIES = "Hà Nội 2021-2025"
HY_SERIES = "Hưng Yên 2018-2020"


def alloc(con, name: str, programme: str, **params: object) -> pd.DataFrame:
    full = {"area_mode": "section", "area": None, "year_from": 2011, "year_to": 2025}
    return db.run(con, name, programme_id=programme, **{**full, **params})


def bar_value(fig, series: str, x: object) -> float:
    """The y of bar `x` in the trace named `series`."""
    trace = next(t for t in fig.data if t.name == series and x in list(t.x))
    return float(trace.y[list(trace.x).index(x)])


def stack_total(fig, year: int) -> float:
    return sum(float(t.y[list(t.x).index(year)]) for t in fig.data if year in list(t.x))


@pytest.mark.parametrize("shape", ["treemap", "sunburst"])
@pytest.mark.parametrize(
    ("expected", "section"),
    [
        pytest.param(31500, "I", id="000:266 section I 31.500"),
        pytest.param(46000, "II", id="000:276 section II 46.000"),
        pytest.param(126300, "III", id="000:284 section III 126.300"),
        pytest.param(41500, "IV", id="000:302 section IV 41.500"),
        pytest.param(5600, "V", id="000:314 section V 5.600"),
    ],
)
def test_tree_section_amounts(expected: int, section: str, shape: str, con) -> None:
    fig = allocation_tree(alloc(con, "budget_alloc_tree", HN), HN, "t", "vi", shape=shape)
    trace = fig.data[0]
    assert expected == trace.values[list(trace.ids).index(f"{HN}/{section}")]


def test_tree_root_and_tasks(con) -> None:
    fig = allocation_tree(alloc(con, "budget_alloc_tree", HN), HN, "t", "vi")
    trace = fig.data[0]
    values = dict(zip(trace.ids, trace.values, strict=True))
    assert 250900 == values[HN]  # 000:326
    assert 21000 == values[f"{HN}/I/I.1"]  # 000:267
    assert f"{HN}/I" == trace.parents[list(trace.ids).index(f"{HN}/I/I.1")]
    # hover text in the reader's notation
    assert "21 tỷ đồng" == trace.customdata[list(trace.ids).index(f"{HN}/I/I.1")][1]


def test_tree_by_content_area_restricted_to_one_area(con) -> None:
    tree = alloc(con, "budget_alloc_tree", HN, area_mode="content_area", area="KC1")
    fig = allocation_tree(tree, HN, "t", "en")
    trace = fig.data[0]
    assert [HN, f"{HN}/KC1", f"{HN}/KC1/I.1"] == list(trace.ids)
    assert 21000 == trace.values[0]  # 000:267


@pytest.mark.parametrize(
    ("expected", "programme", "year"),
    [
        pytest.param(50220, HN, 2021, id="000:326 year 2021 50.220"),
        pytest.param(50120, HN, 2022, id="000:326 year 2022 50.120"),
        pytest.param(1514, HY, 2018, id="002:290 year 2018 1,514"),
        pytest.param(3214, HY, 2019, id="002:290 year 2019 3,214"),
    ],
)
@pytest.mark.parametrize("mode", ["section", "content_area"])
def test_year_stack_totals(expected: int, programme: str, year: int, mode: str, con) -> None:
    fig = year_stack(alloc(con, "budget_alloc_years", programme, area_mode=mode), "t", "vi")
    assert expected == stack_total(fig, year)


def test_year_stack_keeps_only_the_chosen_years(con) -> None:
    years = alloc(con, "budget_alloc_years", HN, year_from=2022, year_to=2023)
    fig = year_stack(years, "t", "en")
    assert {2022, 2023} == {x for t in fig.data for x in t.x}
    assert ["50,120", "50,220"] == [a.text for a in fig.layout.annotations]  # 000:326


def test_share_table_sets_stated_beside_computed(con) -> None:
    shares = alloc(con, "budget_alloc_shares", HN).set_index("key")
    assert 31500 == shares.loc["I", "stated_mvnd"] == shares.loc["I", "amount_mvnd"]  # 000:266
    assert "000:266" == shares.loc["I", "stated_source"]
    partial = alloc(con, "budget_alloc_shares", HN, year_to=2022)
    assert partial["stated_mvnd"].isna().all()  # a whole-period total is not set against 2 years


@pytest.mark.parametrize(
    ("expected_pct", "series"),
    [
        pytest.param(8.37, HN_SERIES, id="000:267 KC1 21.000/250.900 = 8,37%"),
        pytest.param(6.02, HY_SERIES, id="002:265 KC1 504/8,374 = 6,02%"),
    ],
)
def test_province_kc1_share(expected_pct: float, series: str, con) -> None:
    fig = area_share_bars(
        db.run(con, "province_shares", boundary="as_issued", provinces=None), "t", "vi"
    )
    assert expected_pct == pytest.approx(bar_value(fig, series, "KC1"), abs=0.005)


def test_province_shares_state_the_differing_periods(con) -> None:
    fig = area_share_bars(
        db.run(con, "province_shares", boundary="as_issued", provinces=None), "t", "en"
    )
    assert [HN_SERIES, HY_SERIES] == [t.name for t in fig.data]
    assert "Hà Nội 2021-2025 (5 years); Hưng Yên 2018-2020 (3 years)" in fig.layout.title.text


def test_province_filter_keeps_one_series(con) -> None:
    fig = area_share_bars(
        db.run(con, "province_shares", boundary="as_issued", provinces=("Hưng Yên",)), "t", "vi"
    )
    assert [HY_SERIES] == [t.name for t in fig.data]
    assert "<sup>" not in fig.layout.title.text  # one period: nothing differs


@pytest.mark.parametrize(
    ("expected", "text", "series"),
    [
        pytest.param(50180, "50.180 triệu đồng/năm", HN_SERIES, id="000:326 250.900/5 = 50.180"),
        pytest.param(8374 / 3, "2.791,3 triệu đồng/năm", HY_SERIES, id="002:290 8,374/3 = 2.791,3"),
    ],
)
def test_average_per_year(expected: float, text: str, series: str, con) -> None:
    fig = per_year_bars(
        db.run(con, "province_budget_per_year", boundary="as_issued", provinces=None), "t", "vi"
    )
    assert expected == pytest.approx(bar_value(fig, series, series))
    assert text == next(t for t in fig.data if t.name == series).text[0]


@pytest.mark.parametrize(
    ("expected", "pair", "series", "task"),
    [
        pytest.param(2.0, "trainees", HN_SERIES, "I.1", id="000:267 21.000/10.500 lao động"),
        pytest.param(1.2, "trainees", HY_SERIES, "I.1", id="002:265 504/420 người"),
        pytest.param(300, "machinery", HN_SERIES, "II.1", id="000:277 36.000/120 cơ sở"),
        pytest.param(150, "machinery", HY_SERIES, "III.2", id="002:271 3,150/21 cơ sở"),
    ],
)
def test_unit_costs(expected: float, pair: str, series: str, task: str, con) -> None:
    costs = db.run(con, "province_unit_costs", boundary="as_issued", provinces=None)
    fig = unit_cost_bars(costs, "t", "vi")
    panel = "x" if pair == "trainees" else "x2"
    trace = next(t for t in fig.data if t.name == series and t.xaxis == panel)
    assert expected == pytest.approx(trace.y[0])
    assert task == trace.customdata[0][0]
    row = costs[(costs["pair"] == pair) & (costs["series_label"] == series)]
    assert 1 == len(row)  # one task per pair and programme: no area-level mixing


def many(frame: pd.DataFrame, copies: int = 4) -> pd.DataFrame:
    """The seed series repeated under other labels: more series than MANY_SERIES, same figures."""
    parts = [
        frame.assign(series_label=frame["series_label"] + ("" if i == 0 else f" #{i}"))
        for i in range(copies)
    ]
    return pd.concat(parts, ignore_index=True)


def test_many_series_shares_become_one_heatmap(con) -> None:
    shares = many(db.run(con, "province_shares", boundary="as_issued", provinces=None))
    fig = area_share_bars(shares, "t", "vi")
    assert ["heatmap"] == [t.type for t in fig.data]  # one trace, not one per series
    heat = fig.data[0]
    assert 8 == len(heat.y)
    row, col = list(heat.y).index(HN_SERIES), list(heat.x).index("KC1")
    assert 8.37 == pytest.approx(heat.z[row][col], abs=0.005)  # 000:267 21.000/250.900
    assert "8,4%" == heat.text[row][col]
    assert "%{text}" == heat.texttemplate  # 8 rows: each cell written out
    # at national scale (63 provinces) the cells keep their text for hover only
    lots = many(db.run(con, "province_shares", boundary="as_issued", provinces=None), copies=20)
    assert area_share_bars(lots, "t", "vi").data[0].texttemplate is None
    note = "8 chương trình của 2 giai đoạn. Giai đoạn dài ngắn khác nhau: so sánh tỷ trọng."
    assert note in fig.layout.title.text
    # one period, as the provinces page shows them: no note on lengths
    one = lots[lots["period_start"] == 2021]
    text = area_share_bars(one, "t", "vi").layout.title.text
    assert "20 chương trình, giai đoạn 2021-2025." in text
    assert "dài ngắn" not in text


def test_many_series_per_year_ranked_largest_first(con) -> None:
    per_year = many(db.run(con, "province_budget_per_year", boundary="as_issued", provinces=None))
    fig = per_year_bars(per_year, "t", "vi")
    # one trace per period, bars ranked: Hà Nội's 50.180 (000:326) above Hưng Yên's 2.791,3
    assert ["2018-2020", "2021-2025"] == [t.name for t in fig.data]
    order = list(fig.layout.yaxis.categoryarray)
    assert order.index(HN_SERIES) < order.index(HY_SERIES)
    hn = next(t for t in fig.data if t.name == "2021-2025")
    assert 50180 == pytest.approx(hn.x[list(hn.y).index(HN_SERIES)])
    assert "8 programmes over 2 periods. Largest first; total divided by the years." in (
        per_year_bars(per_year, "t", "en").layout.title.text
    )


def test_many_series_unit_costs_as_boxes_per_period(con) -> None:
    costs = many(db.run(con, "province_unit_costs", boundary="as_issued", provinces=None))
    fig = unit_cost_bars(costs, "t", "vi")
    assert {"box"} == {t.type for t in fig.data}
    trainees_2021 = next(t for t in fig.data if t.xaxis == "x" and t.name == "2021-2025")
    assert [2.0] * 4 == list(trainees_2021.y)  # 000:267 21.000/10.500, in each of 4 copies
    machinery_2018 = next(t for t in fig.data if t.xaxis == "x2" and t.name == "2018-2020")
    assert [150.0] * 4 == list(machinery_2018.y)  # 002:271 3,150/21


def test_a_picture_leaves_room_for_an_axis_drawn_on_top(con) -> None:
    # the national heatmap puts its area axis on top: the picture's title went over its title
    from plans.present.images import baked

    lots = many(db.run(con, "province_shares", boundary="as_issued", provinces=None), copies=20)
    heatmap = baked(area_share_bars(lots, "t", "vi"), "t", "nguồn")
    bars = baked(
        area_share_bars(
            db.run(con, "province_shares", boundary="as_issued", provinces=None), "t", "vi"
        ),
        "t",
        "",
    )
    assert (190, 110) == (heatmap.layout.margin.t, bars.layout.margin.t)
