"""The budget-allocation page follows the frame's filters and its own chart choice (AppTest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apptest import open_app, open_tab
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("app_db")


def open_page(**params: str) -> AppTest:
    at = open_app("pages/budget.py", **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def share_table(at: AppTest):
    open_tab(at, "budget_view", 2)  # the share table's tab
    return at.dataframe[-1].value


def test_programme_and_area_filters_change_the_share_table() -> None:
    at = open_page(lang="en")
    table = share_table(at)
    assert ["I", "II", "III", "IV", "V"] == list(table["Code"])
    assert "31,500" == table["Stated (million VND)"].iloc[0]  # 000:266
    assert "250.9 billion VND" == at.metric[0].value  # 000:326
    at = open_page(lang="en", prog="HY-2018-2020", area="III")
    table = share_table(at)
    assert ["III"] == list(table["Code"])
    assert "100.0%" == table["Share"].iloc[0]
    assert "44.8%" == table["Share of the programme"].iloc[0]  # 002:269 3,750/8,374
    assert "3,750" == table["Stated (million VND)"].iloc[0]


def test_chart_shape_choice_switches_treemap_to_sunburst() -> None:
    at = open_page()
    first = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "treemap" == first["data"][0]["type"]
    at.radio(key="budget_shape").set_value("sunburst").run()
    first = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "sunburst" == first["data"][0]["type"]


@pytest.mark.parametrize(
    ("programme", "stated"),
    [
        pytest.param("HN-2011-2015", "86 tỷ đồng", id="001:5 86 tỷ"),
        pytest.param("HN-2016-2020", "163,4 tỷ đồng", id="001:99 163.400.000.000 đồng"),
    ],
)
def test_programme_without_lines_shows_the_stated_total_only(programme: str, stated: str) -> None:
    at = open_page(prog=programme)
    assert at.info, "a notice says the document has no budget table"
    assert stated == at.metric[0].value
    assert not at.get("plotly_chart")


def test_years_outside_the_programme_say_so() -> None:
    at = open_page(y0="2011", y1="2015")
    assert "2021-2025" in at.info[0].value
    assert not at.get("plotly_chart")


def test_each_view_draws_its_own_chart() -> None:
    at = open_page()
    assert ["Cơ cấu", "Theo năm", "Bảng tỷ trọng", "Theo nguồn kinh phí"] == [
        t.label for t in at.tabs
    ]
    assert 1 == len(at.get("plotly_chart"))  # the structure only: one chart at a time
    open_tab(at, "budget_view", 1)
    charts = at.get("plotly_chart")
    assert 1 == len(charts)
    spec = json.loads(charts[0].proto.spec)
    assert spec["layout"]["title"]["text"].startswith("Kinh phí theo năm")
    # 2021-2025 by section: one bar series per section, five years each
    assert ["I", "II", "III", "IV", "V"] == [t["name"].split(" ")[0] for t in spec["data"][:5]]
    open_tab(at, "budget_view", 2)
    assert not at.get("plotly_chart")
