"""The targets page: programme choice, the no-results notice and the content-area filter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apptest import open_app, open_tab
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("app_db")


def open_page(**params: str) -> AppTest:
    at = open_app("pages/targets.py", **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest, which: str):
    open_tab(at, "targets_view", len(at.tabs) - 1)  # the result tables: with a target, without
    return at.dataframe[{"targets_table": -2, "targets_untargeted": -1}[which]].value


def test_programme_without_results_says_so_and_shows_the_one_with_results() -> None:
    at = open_page(prog="HN-2021-2025")
    assert "HN-2011-2015" == at.selectbox(key="targets_programme").value
    notice = at.info[0].value
    assert "HN-2021-2025" in notice and "HN-2011-2015" in notice
    assert ["22", "11", "5"] == [m.value for m in at.metric]  # 001:8-44
    # the words of each title (wrapped for a phone by plans.charts.base.fit_narrow)
    titles = [
        json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ")
        for c in at.get("plotly_chart")
    ]
    assert ["Kết quả đạt được so với chỉ tiêu — HN-2011-2015"] == titles  # one view at a time
    open_tab(at, "targets_view", 1)
    # the words of each title (wrapped for a phone by plans.charts.base.fit_narrow)
    titles = [
        json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ")
        for c in at.get("plotly_chart")
    ]
    assert ["Tỷ lệ đạt so với kế hoạch — HN-2011-2015"] == titles


def test_programme_with_results_shows_no_notice() -> None:
    at = open_page(prog="HN-2011-2015", lang="en")
    assert not at.info
    assert "Targets and results" == at.title[0].value


def test_content_area_filter_narrows_the_results() -> None:
    at = open_page(prog="HN-2011-2015")
    assert "22" == at.metric[0].value
    assert 11 == len(table(at, "targets_untargeted"))
    at = open_page(prog="HN-2011-2015", areas="content_area", area="KC1")
    assert ["4", "1", "0"] == [m.value for m in at.metric]
    shown = table(at, "targets_table")
    assert ["Lao động nông thôn được truyền nghề, nhân cấy nghề"] == list(shown["Chỉ tiêu"])
    assert "≈ 25.000 (24.982–25.018)" == shown["Kế hoạch"].iloc[0]  # 001:8 17.800 at 71,2%
    untargeted = table(at, "targets_untargeted")
    assert ["473", "420", "gần 100"] == list(untargeted["Đã đạt"])  # 001:8, 31, 44
