"""Figure builders of the targets and period pages: golden figures from the documents.

Ids cite the seed file (000 = Hanoi 2021-2025, 001 = Hanoi 2016-2020 with the 2011-2015
results) and the line the figure is printed on.
"""

from __future__ import annotations

import csv
import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from plans import db, settings
from plans.charts.targets import (
    achievement_chart,
    budget_periods_chart,
    comparable_chart,
    comparable_table,
    period_budgets,
    results_table,
    status_of,
    target_band_chart,
    unit_cost_table,
    untargeted_table,
)

OLD = "HN-2011-2015"
TRAINEES = "Lao động nông thôn được truyền nghề, nhân cấy nghề"
MACHINERY = "Dự án ứng dụng máy móc tiên tiến"
FAIRS = "Lượt doanh nghiệp được hỗ trợ tham gia hội chợ"
INCOME = "Thu nhập bình quân của lao động"


@pytest.fixture()
def results(con) -> pd.DataFrame:
    return db.run(con, "target_page_results", programme_id=OLD, content_area=None)


@pytest.fixture()
def comparable(con) -> pd.DataFrame:
    return db.run(con, "period_comparable", boundary="as_issued", province="Hà Nội")


def budgets_at(con, price_year: int | None, lang: str = "vi") -> pd.DataFrame:
    periods = db.run(con, "period_programmes", boundary="as_issued", province="Hà Nội")
    return period_budgets(periods, db.run(con, "programme_budgets", price_year=price_year), lang)


def point(fig: go.Figure, trace: str, label: str) -> float:
    """The x value of the row `label` (wrapped as the chart wraps it) in the markers so named."""
    for t in fig.data:
        if t.name == trace and isinstance(t, go.Scatter):
            for y, x in zip(t.y, t.x, strict=True):
                if y.replace("<br>", " ") == label:
                    return x
    raise KeyError((trace, label))


def pct_bar(fig: go.Figure, label: str) -> tuple[float, str]:
    """(percent, bar text) of an indicator in the achievement chart, whichever status trace."""
    for t in fig.data:
        if isinstance(t, go.Bar):
            for y, x, text in zip(t.y, t.x, t.text, strict=True):
                if y.replace("<br>", " ") == label:
                    return x, text.replace("\u00a0", "")
    raise KeyError(label)


# --- targets page ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "achieved", "target", "pct", "text"),
    [
        pytest.param(TRAINEES, 17800, 25000, 71.2, "71,2% · chưa đạt", id="001:8 17.800 of 25.000"),
        pytest.param(
            MACHINERY, 38, 120, 31.67, "31,67% · chưa đạt nhiều", id="001:17 38 of 120 projects"
        ),
        pytest.param(FAIRS, 187, 100, 187.0, "187% · đạt/vượt", id="001:21 187 lượt 187%"),
    ],
)
def test_derived_targets(
    label: str, achieved: float, target: float, pct: float, text: str, results
) -> None:
    band = target_band_chart(results, "t", "vi")
    derived = "Chỉ tiêu suy ra từ tỷ lệ % (khoảng theo độ chính xác của số in)"
    assert achieved == point(band, "Đã đạt", label)
    assert target == pytest.approx(point(band, derived, label), abs=0.02)
    shown_pct, shown_text = pct_bar(achievement_chart(results, "t", "vi"), label)
    assert pct == pytest.approx(shown_pct)
    assert text == shown_text


def test_income_against_a_printed_target(results) -> None:  # 001:40
    band = target_band_chart(results, "t", "vi")
    assert 1.8 == point(band, "Chỉ tiêu in trong văn bản", INCOME)
    assert 2 == point(band, "Đã đạt", INCOME)
    pct, text = pct_bar(achievement_chart(results, "t", "vi"), INCOME)
    assert 111.1 == pytest.approx(pct, abs=0.05)
    assert "111,1% · đạt/vượt" == text
    row = results_table(results, "vi").set_index("Chỉ tiêu").loc[INCOME]
    assert ("1,8", "111,1%", "—", "chỉ tiêu in trong văn bản") == (
        row["Kế hoạch"], row["Tỷ lệ tính lại"], row["Tỷ lệ văn bản ghi"], row["Cơ sở của kế hoạch"]
    )  # fmt: skip


def test_derived_band_spans_the_printed_precision(results) -> None:  # 001:8 "71,2%"
    band = target_band_chart(results, "t", "vi")
    derived = band.data[1]
    i = [y.replace("<br>", " ") for y in derived.y].index(TRAINEES)
    assert 17800 / 0.7125 == pytest.approx(derived.base[i])
    assert 17800 / 0.7115 - 17800 / 0.7125 == pytest.approx(derived.x[i])
    row = results_table(results, "vi").set_index("Chỉ tiêu").loc[TRAINEES]
    assert "≈ 25.000 (24.982–25.018)" == row["Kế hoạch"]
    assert ("71,2%", "71,2%") == (row["Tỷ lệ tính lại"], row["Tỷ lệ văn bản ghi"])


@pytest.mark.parametrize(
    ("pct", "status"),
    [(0, "far_below"), (49.99, "far_below"), (50, "below"), (99.99, "below"), (100, "met"),
     (187, "met")],
)  # fmt: skip
def test_status_thresholds(pct: float, status: str) -> None:
    assert status == status_of(pct)


def test_legend_names_the_thresholds(results) -> None:
    names = [t.name for t in achievement_chart(results, "t", "en").data]
    assert [
        "Under 50%: far below target",
        "50% to under 100%: below target",
        "100% or more: met or exceeded",
        "Percent stated in the document",
    ] == names


@pytest.mark.parametrize("chart", [target_band_chart, achievement_chart])
@pytest.mark.parametrize("rows", [2, 11])
def test_legend_sits_below_the_axis_title_at_any_height(chart, rows: int, results) -> None:
    # placed from the figure's bottom in a grown margin: as a fraction of the plot it landed on
    # the x-axis title when a programme had two or three results
    fig = chart(results.head(rows), "t", "vi")
    assert ("container", 0, "bottom") == (
        fig.layout.legend.yref,
        fig.layout.legend.y,
        fig.layout.legend.yanchor,
    )
    assert 100 == fig.layout.margin.b
    assert fig.layout.height >= 380


def test_results_without_target_are_listed_apart(results) -> None:
    assert 11 == len(results_table(results, "vi"))
    others = untargeted_table(results, "vi").set_index("Chỉ tiêu")
    assert 11 == len(others)
    assert "gần 700" == others.loc["Đại biểu dự hội thảo", "Đã đạt"]  # 001:14
    assert "trên 5.000" == others.loc["Lượt doanh nghiệp, cơ sở CNNT được hỗ trợ", "Đã đạt"]


def test_english_table_uses_english_names(results) -> None:
    table = results_table(results, "en").set_index("Indicator")
    assert "≈ 25,000 (24,982–25,018)" == table.loc["Rural workers trained in crafts", "Target"]


# --- period comparison -------------------------------------------------------------------------


def cpi_index() -> dict[int, float]:
    with open(settings.DATA_DIR / "reference" / "cpi_vietnam.csv", encoding="utf-8-sig") as fh:
        rows = sorted((int(r["year"]), float(r["cpi_change_pct"])) for r in csv.DictReader(fh))
    index, level = {2010: 1.0}, 1.0
    for year, change in rows:
        level *= 1 + change / 100
        index[year] = level
    return index


def test_nominal_budgets_per_period(con) -> None:  # 001:5 86 tỷ, 001:99, 000:205
    fig = budget_periods_chart(budgets_at(con, None), "t", "vi")
    assert ("2011-2015", "2016-2020", "2021-2025") == fig.data[0].x
    assert (86000, 163400, 250900) == fig.data[0].y
    # one rounding rule for labels: one decimal of the unit on every bar (46,0 beside 126,3)
    assert ("86,0 tỷ đồng", "163,4 tỷ đồng", "250,9 tỷ đồng") == fig.data[0].text


def test_real_budget_2011_2015_in_2015_prices(con) -> None:
    index = cpi_index()
    expected = sum(17200 * index[2015] / index[y] for y in range(2011, 2016))
    fig = budget_periods_chart(budgets_at(con, 2015), "t", "vi")
    assert expected == pytest.approx(fig.data[1].y[0])
    assert "Giá năm 2015" == fig.data[1].name


def test_missing_cpi_year_leaves_a_gap_and_says_so(con_cpi_to_2024) -> None:
    # as before the 2025 CPI was announced: the 2021-2025 real total cannot be complete
    budgets = budgets_at(con_cpi_to_2024, 2024)
    fig = budget_periods_chart(budgets, "t", "vi")
    assert fig.data[1].y[2] is None  # 2021-2025: no CPI for 2025
    known = budgets.set_index("period_label").loc["2021-2025", "planned_real_known_mvnd"]
    assert (None, None, known) == fig.data[2].y
    assert ["⚠ chưa có CPI năm 2025"] == [a.text for a in fig.layout.annotations]


@pytest.mark.parametrize(
    ("panel", "achieved", "derived", "targets"),
    [
        pytest.param(0, 17800, 25000, (None, 21000, 10500), id="001:8,77 000:267 trainees"),
        pytest.param(1, 5000, None, (None, 7000, 10000), id="001:41,69 000:72 enterprises"),
        pytest.param(2, 1000, None, (None, 2500, 3500), id="001:42,73 000:78 new designs"),
        pytest.param(3, 38, 120, (None, 50, 120), id="001:17,83 000:277 machinery"),
    ],
)
def test_comparable_targets_per_period(
    panel: int, achieved: float, derived: float | None, targets: tuple, comparable
) -> None:
    fig = comparable_chart(comparable, "t", "vi")
    printed, hatched, got = fig.data[3 * panel : 3 * panel + 3]
    assert targets == printed.y
    assert achieved == got.y[0]
    if derived is None:
        assert hatched.y[0] is None
    else:
        assert derived == pytest.approx(hatched.y[0], abs=0.02)


def test_at_least_targets_show_the_sign(comparable) -> None:
    fig = comparable_chart(comparable, "t", "vi")
    assert ("", "≥ 7.000", "≥ 10.000") == fig.data[3].text
    table = comparable_table(comparable, "vi").set_index("Chỉ tiêu")
    assert "≥ 2.500 mẫu" == table.loc["Mẫu sản phẩm mới", "2016-2020"]
    assert "120 cơ sở" == table.loc["Hỗ trợ ứng dụng máy móc tiên tiến", "2021-2025"]


@pytest.mark.parametrize(
    ("label", "period", "expected"),
    [
        pytest.param(
            "Lao động nông thôn được truyền nghề",
            "2021-2025",
            "2,0 triệu đồng/lao động (21.000 triệu đồng ÷ 10.500 lao động)",
            id="000:267 21.000/10.500",
        ),
        pytest.param(
            "Hỗ trợ ứng dụng máy móc tiên tiến",
            "2021-2025",
            "300 triệu đồng/cơ sở (36.000 triệu đồng ÷ 120 cơ sở)",
            id="000:277 36.000/120",
        ),
        pytest.param(
            "Lao động nông thôn được truyền nghề",
            "2011-2015",
            "không có số liệu kinh phí theo nội dung",
            id="001 no budget by task 2011-2015",
        ),
        pytest.param(
            "Hỗ trợ ứng dụng máy móc tiên tiến",
            "2016-2020",
            "không có số liệu kinh phí theo nội dung",
            id="001 no budget by task 2016-2020",
        ),
    ],
)
def test_unit_costs(label: str, period: str, expected: str, comparable) -> None:
    table = unit_cost_table(comparable, "vi").set_index("Chỉ tiêu")
    assert expected == table.loc[label, period]


def test_unit_cost_values(comparable) -> None:
    costs = comparable.dropna(subset=["unit_cost_mvnd"]).set_index("comparable_indicator")
    assert {"trainees": 2.0, "machinery_support": 300.0} == costs["unit_cost_mvnd"].to_dict()


def test_every_mapping_row_finds_exactly_one_figure(con) -> None:
    mapping = con.execute("select count(*) from comparable_targets").fetchone()[0]
    found = db.run(con, "period_comparable", boundary="as_issued", province=None)
    assert mapping == len(found)
    assert found["measure"].notna().all()
    # the 2011-2015 rows agree with the link results.csv itself records
    linked = con.execute(
        "select count(*) from comparable_targets as m join results as r using (programme_id, "
        "result_code) where r.comparable_indicator is distinct from m.comparable_indicator"
    ).fetchone()[0]
    assert 0 == linked


def test_labels_agree_within_an_indicator(con) -> None:
    rows = con.execute(
        "select comparable_indicator from comparable_targets group by 1 "
        "having count(distinct label_vi) > 1 or count(distinct label_en) > 1"
    ).fetchall()
    assert [] == rows


def test_charts_follow_the_language(con_cpi_to_2024, comparable) -> None:
    fig = budget_periods_chart(budgets_at(con_cpi_to_2024, 2024, "en"), "t", "en")
    assert ".," == fig.layout.separators
    assert ("86.0 billion VND", "163.4 billion VND", "250.9 billion VND") == fig.data[0].text
    assert ["⚠ no CPI for 2025 yet"] == [a.text for a in fig.layout.annotations]
    assert not math.isnan(comparable_chart(comparable, "t", "en").data[0].y[1])
