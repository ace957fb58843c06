"""The support page on imported records: cancelled đề án said, districts, funding sources and the
files' rows cited (AppTest on a database holding only the rows of tests/test_support.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from apptest import chart_table, open_app, open_tab
from streamlit.testing.v1 import AppTest
from test_support import VIEWS, add_imported

from plans import settings
from plans.data.synth import synthesise


@pytest.fixture(scope="module")
def imported_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three provinces' plans, no synthetic record, the two imports' rows."""
    path = tmp_path_factory.mktemp("support_page") / "imported.duckdb"
    synthesise(path, provinces=3, periods=2, records=0, seed=11)
    add_imported(path)
    return path


@pytest.fixture()
def imported_app(imported_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(settings, "DB_PATH", imported_path)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield imported_path
    st.cache_data.clear()
    st.cache_resource.clear()


pytestmark = pytest.mark.usefixtures("imported_app")


def open_page(**params: str) -> AppTest:
    at = open_app("pages/support.py", **params)
    assert not at.exception, [(e.value, e.stack_trace) for e in at.exception]
    return at


def show(at: AppTest, view: str) -> None:
    open_tab(at, "support_view", VIEWS.index(view))


def bars(at: AppTest) -> list[str]:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"]


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_the_page_counts_the_imports_and_says_what_was_cancelled() -> None:
    at = open_page()
    # 7 records counted (825,9 triệu: the hand figures of tests/test_support.py), 4
    # establishments under Bắc Ninh; the two cancelled đề án (45,5 + 70,0) said, not summed
    assert ["7", "4", "0,8", "93"] == [m.value for m in at.metric]
    assert "825,9 triệu đồng" == at.metric[2].help
    said = captions(at)
    assert (
        "2 đề án đã hủy (115,5 triệu đồng) trong bộ lọc: không tính vào số hồ sơ, số cơ sở và "
        "kinh phí." in said
    )
    # the records cite their files, in the order they were imported
    assert any(c.startswith("Nguồn: ho_tro_bac_giang.csv; ho_tro_2025.xlsx (hồ sơ") for c in said)
    # the bar sums old Bắc Giang's records; old Bắc Ninh has none before the merger
    assert ["Bắc Ninh · cộng Bắc Giang (cũ) · thiếu Bắc Ninh (cũ)"] == bars(at)


def test_districts_sources_and_the_rows_of_each_establishment() -> None:
    at = open_page()
    show(at, "districts")
    assert [
        "Huyện Lục Nam (Bắc Giang cũ)",
        "Xã Lục Nam (không ghi huyện)",
        "Huyện Việt Yên (Bắc Giang cũ)",
        "Phường Vân Hà (không ghi huyện)",
        "Không ghi huyện, xã",
    ] == bars(at)
    assert any("không còn cấp huyện" in c for c in captions(at))
    table = chart_table(at, "support_districts")
    assert ["2", "1", "2", "1", "1"] == list(table["Số hồ sơ"])
    show(at, "sources")
    assert ["Khuyến công quốc gia", "Khuyến công địa phương", "Nguồn khác", "Không ghi nguồn"] == (
        bars(at)
    )
    show(at, "top")
    top = at.dataframe[-1].value
    # each establishment under the name of its latest record, with the rows it comes from
    assert "CÔNG TY TNHH MÂY TRE ĐAN PHÚ VINH" == top.iloc[0]["Cơ sở"]
    assert "ho_tro_2025.xlsx, dòng 2; ho_tro_bac_giang.csv, dòng 2, 3" == top.iloc[0]["Nguồn"]
    assert "ho_tro_bac_giang.csv, dòng 5" == top.iloc[2]["Nguồn"]
    assert "Bắc Giang, Bắc Ninh" == top.iloc[0]["Tỉnh ghi trên hồ sơ"]


def test_a_filter_holding_only_a_cancelled_record_says_so() -> None:
    # 2025, KC3: only the second file's row 5, cancelled (70,0 triệu): nothing to draw, but the
    # page says it is there
    at = open_page(lang="en", areas="content_area", area="KC3", y0="2025")
    assert "No support record matches the chosen filters." == at.info[0].value
    assert 0 == len(at.metric)
    assert any(c.startswith("Cancelled projects in the filter: 1 (70 million VND)") for c in (
        captions(at)
    ))  # fmt: skip
