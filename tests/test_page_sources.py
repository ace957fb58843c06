"""The sources page: a figure traced to its printed line, the documents searchable by text."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest import open_app
from streamlit.testing.v1 import AppTest

from plans.app.source_view import (
    context_lines,
    figure_label,
    numbered_block,
    search_lines,
)
from plans.data.sources import short_ref

ROOT = Path(__file__).resolve().parent.parent
HN = "000_a7359d0e26246081.txt"


pytestmark = pytest.mark.usefixtures("app_db")


def open_page(**params: str) -> AppTest:
    at = open_app("pages/sources.py", **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def cited(at: AppTest) -> list[str]:
    """The ▶-marked lines of the traced figure's source block."""
    return [ln for ln in at.code[0].value.splitlines() if ln.startswith("▶")]


def test_changing_the_row_changes_the_source_line() -> None:
    at = open_page()
    assert "HN-2021-2025" == at.selectbox(key="sources_programme").value
    assert "budget_line" == at.selectbox(key="sources_kind").value
    assert "I.1/2021" == at.selectbox(key="sources_row").value
    lines = cited(at)
    assert 1 == len(lines)
    assert lines[0].startswith("▶ 267 │") and "Tổ chức 300 lớp" in lines[0]  # 000:267
    value = next(m.value for m in at.markdown if m.value.startswith("**Giá trị lưu**"))
    assert value.endswith("4.200 triệu đồng")
    at.selectbox(key="sources_row").set_value("V.4/2021").run()
    lines = cited(at)
    assert lines[0].startswith("▶ 325 │") and "Quản lý hoạt động khuyến công" in lines[0]
    assert "  323 │" in at.code[0].value  # two lines of context before


def test_changing_the_programme_and_kind() -> None:
    at = open_page(lang="en")
    at.selectbox(key="sources_programme").set_value("HN-2011-2015").run()
    assert ["Reported result"] == at.selectbox(key="sources_kind").options
    assert (
        "1.1.a · Lớp truyền nghề, nhân cấy nghề · 473 lớp"
        == at.selectbox(key="sources_row").options[0]
    )
    assert cited(at)[0].startswith("▶  8 │")  # 001:8 "Tổ chức 473 lớp"


def test_search_finds_the_stated_total_line() -> None:
    at = open_page()
    assert HN == at.selectbox(key="sources_document").value
    at.text_input(key="sources_search").input("250,9 tỷ").run()
    found = at.code[1].value
    assert found.lstrip().startswith("205 │")  # 000:205 "dự kiến là 250,9 tỷ đồng"
    assert "1 dòng có “250,9 tỷ”." in [c.value for c in at.caption]


@pytest.mark.parametrize(
    ("expected", "row"),
    [
        pytest.param(
            "I.1 · 2021 · 4.200 triệu đồng",
            {
                "kind": "budget_line",
                "item_code": "I.1",
                "year": 2021,
                "value": 4200.0,
                "unit": "mvnd",
            },
            id="000:267 I.1 2021",
        ),
        pytest.param(
            "Mục V · cả giai đoạn · 5.600 triệu đồng",
            {
                "kind": "stated_total",
                "item_code": "V",
                "item_name": "section",
                "year": None,
                "value": 5600.0,
                "unit": "mvnd",
            },
            id="000:314 section V",
        ),
        pytest.param(
            "MT.2 · khoảng 60.000-75.000 lao động nông thôn",
            {
                "kind": "target",
                "item_code": "MT.2",
                "printed_text": "khoảng 60.000-75.000 lao động nông thôn",
                "value": 60000.0,
                "value_max": 75000.0,
                "unit": "lao động",
            },
            id="001:70 MT.2",
        ),
    ],
)
def test_figure_labels(expected: str, row: dict) -> None:
    assert expected == figure_label(row, "vi")


def test_context_lines_mark_the_cited_line() -> None:
    rows = context_lines(HN, "325", around=2)
    assert [323, 324, 325, 326, 327] == [n for n, _, _ in rows]
    assert [325] == [n for n, _, is_cited in rows if is_cited]
    block = numbered_block([(8, "a", True), (12, "b", True)])
    assert "▶  8 │ a\n    …\n▶ 12 │ b" == block


def test_search_is_case_insensitive() -> None:
    assert [205] == [n for n, _ in search_lines(HN, "250,9 TỶ")]
    assert [] == search_lines(HN, "   ")
    assert "000:269;273" == short_ref(HN, "269;273")
