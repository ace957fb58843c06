"""The plan timeline page: the plan with months, following the sidebar's programme and content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apptest import open_app
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("app_db")


def open_page(**params: str) -> AppTest:
    at = open_app("pages/timeline.py", **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def spec(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def test_defaults_to_the_plan_with_months() -> None:
    at = open_page()  # the default programme (HN-2021-2025) gives no months
    assert "HN-CNHT-2021" == at.selectbox(key="timeline_programme").value
    assert at.info, "the page says why another plan is shown"
    assert ["12", "5", "Th3 – Th12"] == [m.value for m in at.metric]  # 003:88 … 003:196


def test_chosen_plan_with_months_is_shown_without_a_notice() -> None:
    at = open_page(prog="HN-CNHT-2021", lang="en")
    assert not at.info
    figure = spec(at)
    assert figure["layout"]["title"]["text"].startswith("Timing of the tasks")
    assert "Jan" == figure["layout"]["xaxis"]["ticktext"][0]


@pytest.mark.parametrize(
    ("expected_tasks", "expected_sections", "params"),
    [
        pytest.param("3", ["III"], {"areas": "content_area", "area": "KC3"}, id="KC3 III.6-8"),
        pytest.param("2", ["V"], {"areas": "content_area", "area": "KC9"}, id="KC9 V.10 V.12"),
        pytest.param("4", ["I"], {"prog": "HN-CNHT-2021", "area": "I"}, id="section I 003:79"),
    ],
)
def test_content_filter_changes_the_bars(expected_tasks, expected_sections, params) -> None:
    at = open_page(**params)
    assert expected_tasks == at.metric[0].value
    names = [trace["name"].split(" · ")[0] for trace in spec(at)["data"]]
    assert expected_sections == names


def test_year_range_without_the_plan_year_says_so() -> None:
    at = open_page(y0="2011", y1="2015")
    assert "2021" in at.info[-1].value
    assert not at.get("plotly_chart")
