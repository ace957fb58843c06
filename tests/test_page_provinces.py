"""The province-comparison page follows the provinces filter (AppTest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import support_plan_fixture as fx
from apptest import chart_table, open_app, open_tab
from streamlit.testing.v1 import AppTest

from plans import settings

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("app_db")


def open_page(**params: str) -> AppTest:
    at = open_app("pages/provinces.py", **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def series_names(at: AppTest) -> list[str]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    # the words of each name: a legend entry is wrapped for a phone (plans.charts.base.fit_narrow)
    return [trace["name"].replace("<br>", " ") for trace in spec["data"]]


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


# --- the "Hỗ trợ cơ sở" tab: HN-2021-2025 with the records of tests/support_plan_fixture.py ---
SUPPORT_TAB = 4
NONE_IN_FILTER = "Không có hồ sơ hỗ trợ cơ sở nào trong bộ lọc (tỉnh, năm, lĩnh vực chung)."


@pytest.fixture(scope="module")
def support_db(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fx.with_support_records(built_db, tmp_path_factory.mktemp("prov-sup") / "plans.duckdb")


@pytest.fixture()
def support_app(app_db: Path, support_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import streamlit as st

    monkeypatch.setattr(settings, "DB_PATH", support_db)
    st.cache_data.clear()
    st.cache_resource.clear()
    return support_db


def support_tab(**params: str) -> AppTest:
    at = open_page(**params)
    open_tab(at, "provinces_view", SUPPORT_TAB)
    return at


def bars(at: AppTest) -> list[tuple[str, list[str], list[float]]]:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return [(s["layout"]["title"]["text"], s["data"][0]["y"], s["data"][0]["x"]) for s in specs]


def test_support_tab_on_the_seed_database_says_nothing_was_imported() -> None:
    at = support_tab()
    assert "Hỗ trợ cơ sở" == at.tabs[SUPPORT_TAB].label
    assert [] == at.get("plotly_chart")
    assert [i.value for i in at.info][-1].startswith("Chưa nhập danh sách hỗ trợ cơ sở nào.")


@pytest.mark.usefixtures("support_app")
def test_support_tab_shows_support_per_province_and_per_plan() -> None:
    at = support_tab()
    # 17.000 of HN-2021-2025 and 600 of HN-2016-2020, both Hà Nội; line 5's 9.000 cancelled.
    # Per plan: HN-2021-2025's 17.000 of its 2021-2023 lines, 150.560 (= 11,3%)
    assert [
        ("Kinh phí hỗ trợ cơ sở theo tỉnh", ["Hà Nội"], [17600.0]),
        ("Kinh phí hỗ trợ so với kế hoạch cùng năm", ["Hà Nội"], [pytest.approx(11.291180)]),
    ] == bars(at)
    table = chart_table(at, "provinces_support_plan")
    assert ["Hà Nội", "HN-2021-2025", "2021", "2023", "17.000", "150.560", "11,3%", "600"] == list(
        table.iloc[0]
    )
    # both charts cite the imported file their records come from
    captions = [c.value for c in at.caption]
    assert any(c.startswith(f"Nguồn: {fx.FILE} (hồ sơ hỗ trợ đã nhập)") for c in captions), captions


@pytest.mark.usefixtures("support_app")
def test_support_tab_follows_the_content_area_and_the_years() -> None:
    # KC1 (I.1): 3.000 + 2.500 + 2.000 against 4.200 + 4.200 (000:267), and HN-2016-2020's 600
    at = support_tab(areas="content_area", area="KC1", lang="en")
    assert [7500.0 + 600.0] == bars(at)[0][2]
    table = chart_table(at, "provinces_support_plan")
    assert ["7,500", "8,400", "89.3%", "600"] == list(table.iloc[0])[4:]


@pytest.mark.usefixtures("support_app")
@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"prov": "Hưng Yên"}, id="a province without records"),
        pytest.param({"y0": "2024", "y1": "2025"}, id="years without records"),
    ],
)
def test_support_tab_says_when_the_filter_holds_no_record(params: dict[str, str]) -> None:
    at = support_tab(**params)
    assert NONE_IN_FILTER == at.info[-1].value
    assert [] == at.get("plotly_chart")
