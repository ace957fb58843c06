"""The province-comparison page follows the provinces filter (AppTest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apptest import chart_table, open_app, open_tab
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("app_db")


def open_page(**params: str) -> AppTest:
    at = open_app("pages/provinces.py", **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def series_names(at: AppTest) -> list[str]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return [trace["name"] for trace in spec["data"]]


# Under the current boundaries (the default) the 2018-2020 programme of Hưng Yên (002) is new
# Hưng Yên's, which also holds former Thái Bình (Nghị quyết 202/2025/QH15): the series says that
# Thái Bình's programme is not in it.
HY_NOW = "Hưng Yên 2018-2020 · without former Thái Bình"


def test_provinces_filter_changes_the_compared_series() -> None:
    at = open_page(lang="en")
    assert ["Hà Nội 2021-2025", HY_NOW] == series_names(at)
    title = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]
    assert "The periods differ" in title
    assert not at.info
    open_tab(at, "provinces_view", 2)  # cost per unit
    costs = chart_table(at, "provinces_unit_costs")
    assert ["000:267", "002:265", "000:277", "002:271"] == list(costs["Budget source"])
    assert ["2.0", "1.2", "300.0", "150.0"] == list(
        costs["Million VND per unit"]
    )  # one count of decimals

    at = open_page(lang="en", prov="Hưng Yên")
    assert [HY_NOW] == series_names(at)
    assert HY_NOW in at.info[0].value  # one series: nothing to compare with
    open_tab(at, "provinces_view", 2)
    costs = chart_table(at, "provinces_unit_costs")
    assert ["002:265", "002:271"] == list(costs["Budget source"])

    # as issued: the programme under the name it was issued by, nothing to say about the merger
    at = open_page(lang="en", bounds="as_issued", prov="Hưng Yên")
    assert ["Hưng Yên 2018-2020"] == series_names(at)
    assert not at.sidebar.warning  # Hưng Yên is a name of both views
