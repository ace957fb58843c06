"""The period-comparison page: price year and province choices change what is shown (AppTest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apptest import chart_table, open_app, open_tab
from streamlit.testing.v1 import AppTest

from plans.escape import markdown_literal

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("app_db")


def open_page(**params: str) -> AppTest:
    at = open_app("pages/periods.py", **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_titles(at: AppTest) -> list[str]:
    # the words of each title: where a title is wrapped for a phone (plans.charts.base.fit_narrow)
    return [
        json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ")
        for c in at.get("plotly_chart")
    ]


def budget_table(at: AppTest):
    return chart_table(at, "periods_budget").set_index("Giai đoạn")


def test_price_year_changes_the_real_budget() -> None:
    # the latest CPI year (2025, data/reference/cpi_vietnam.csv) is the default price year
    at = open_page()
    assert 2025 == at.selectbox(key="periods_price_year").value
    assert "Kinh phí kế hoạch: danh nghĩa và giá năm 2025" == chart_titles(at)[0]
    before = budget_table(at)
    # 000:205 250,9 tỷ; 001:99 163.400.000.000; 001:5 86 tỷ; 2026-2030 listed, no programme yet
    assert ["86.000", "163.400", "250.900", "—"] == list(before["Kinh phí danh nghĩa (triệu đồng)"])
    real = "Giá thực (triệu đồng)"
    # with 2025's CPI the 2021-2025 real total is complete: the appendix's years (000:284-326)
    # in 2025 prices, 268.434 triệu (as the deck's headline, tests/test_deck.py)
    assert "268.434,23" == before.loc["2021-2025", real]
    assert before.loc["2021-2025", "Năm chưa có CPI"] is None
    assert "chưa có chương trình" == before.loc["2026-2030", "Ghi chú"]
    at.selectbox(key="periods_price_year").set_value(2015).run()
    assert not at.exception
    assert "Kinh phí kế hoạch: danh nghĩa và giá năm 2015" == chart_titles(at)[0]
    after = budget_table(at)
    assert before.loc["2011-2015", real] != after.loc["2011-2015", real]
    assert "chia đều theo năm" == after.loc["2011-2015", "Cách tính giá thực"]


def test_targets_and_unit_costs_side_by_side() -> None:
    at = open_page()
    assert [] == at.table  # the budget's view first: the targets are a tab of their own
    open_tab(at, "periods_view", 2)
    # st.table reads Markdown: its texts come escaped (plans.app.ui.markdown_table)
    wide, costs = (t.value for t in at.table)
    trained, firms = (
        markdown_literal(name)
        for name in (
            "Lao động nông thôn được truyền nghề",
            "Lượt doanh nghiệp, cơ sở CNNT được hỗ trợ",
        )
    )
    assert markdown_literal("21.000 lao động") == wide.loc[trained, "2016-2020"]
    assert markdown_literal("≥ 10.000 lượt doanh nghiệp") == wide.loc[firms, "2021-2025"]
    trainees = costs.loc[trained]
    assert "không có số liệu kinh phí theo nội dung" == trainees["2016-2020"]
    assert trainees["2021-2025"].startswith(markdown_literal("2,0 triệu đồng/lao động"))  # 000:267


def test_province_with_one_period_says_so() -> None:
    at = open_page(lang="en")
    assert "Hà Nội" == at.selectbox(key="periods_province").value
    assert not at.info
    at.selectbox(key="periods_province").set_value("Hưng Yên").run()
    assert not at.exception
    assert "only one period" in at.info[0].value
    # every period from its first programme on: the 2018-2020 plan counts in 2016-2020, and
    # under today's boundaries Hưng Yên (new) also holds Thái Bình, which has no programme here
    table = chart_table(at, "periods_budget").set_index("Period")
    assert ["2016-2020", "2021-2025", "2026-2030"] == list(table.index)
    assert "HY-2018-2020" == table.loc["2016-2020", "Programmes"]
    assert "without former Thái Bình" == table.loc["2016-2020", "Note"]
    assert "no programme yet" == table.loc["2021-2025", "Note"]


def test_opens_on_the_province_of_the_sidebar_programme() -> None:
    # Hà Nội has the most periods and comes first; a reader who chose Hưng Yên's programme in
    # the sidebar expects Hưng Yên here
    at = open_page(prog="HY-2018-2020")
    assert "Hưng Yên" == at.selectbox(key="periods_province").value
    assert ["Hà Nội", "Hưng Yên"] == at.selectbox(key="periods_province").options
    assert "only one period" in open_page(prog="HY-2018-2020", lang="en").info[0].value


def test_one_view_at_a_time_each_with_its_own_chart() -> None:
    # three charts at once kept the browser busy before the first appeared (BENCHMARKS.md)
    at = open_page()
    assert ["Kinh phí kế hoạch theo giai đoạn", "Kinh phí theo nội dung khuyến công",
            "Chỉ tiêu so sánh được giữa các giai đoạn"] == [tab.label for tab in at.tabs]  # fmt: skip
    seen = []
    for index in range(3):
        open_tab(at, "periods_view", index)
        titles = chart_titles(at)
        assert 1 == len(titles), titles
        seen.append(titles[0])
    assert "Kinh phí kế hoạch: danh nghĩa và giá năm 2025" == seen[0]
    assert 3 == len(set(seen))
    # on the targets' view the reasons for each comparison are drawn once their expander opens
    assert not at.dataframe
    at.session_state["periods_reasons_open"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    reasons = at.dataframe[0].value
    assert ["Chỉ tiêu", "Giai đoạn", "Lý do"] == list(reasons.columns)
