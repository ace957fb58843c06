"""The targets table: expected-result text and goals turned into numbers, text kept beside them."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("programme", "code", "unit", "low", "high", "qualifier"),
    [
        pytest.param("HN-2021-2025", "I.1", "lớp", 300, 300, "exact", id="000:267 300 lớp"),
        pytest.param(
            "HN-2021-2025",
            "I.1",
            "lao động",
            10500,
            10500,
            "exact",
            id="000:267 cho 10.500 lao động",
        ),
        pytest.param(
            "HN-2021-2025",
            "III.3",
            "sản phẩm",
            150,
            200,
            "range",
            id="000:297 từ 150 – 200 sản phẩm",
        ),
        pytest.param(
            "HN-2021-2025",
            "MT.1",
            "lượt doanh nghiệp",
            10000,
            None,
            "at_least",
            id="000:72 trên 10.000",
        ),
        pytest.param(
            "HN-2021-2025", "MT.2", "lao động", 60000, 70000, "range", id="000:74 60.000 - 70.000"
        ),
        pytest.param("HN-2021-2025", "MT.3", "%/năm", 6, 8, "range", id="000:76 6-8%/năm"),
        pytest.param(
            "HN-2021-2025", "MT.4", "mẫu", 3500, None, "at_least", id="000:78 trên 3.500 mẫu"
        ),
        pytest.param(
            "HN-2021-2025",
            "MT.5",
            "lượt cán bộ",
            13500,
            13500,
            "exact",
            id="000:83 13.500 lượt cán bộ",
        ),
        pytest.param(
            "HN-2021-2025",
            "III.2",
            "nhà nhập khẩu",
            500,
            700,
            "about",
            id="000:292 khoảng 500 đến 700",
        ),
        pytest.param(
            "HN-2016-2020", "ND.3.1", "lao động", 21000, 21000, "exact", id="001:77 21.000 lao động"
        ),
        pytest.param(
            "HN-2016-2020",
            "ND.3.4.b",
            "lượt doanh nghiệp",
            80,
            100,
            "range",
            id="001:86 80-100 lượt",
        ),
        pytest.param(
            "HN-2016-2020",
            "MT.3",
            "triệu USD",
            400,
            None,
            "at_least",
            id="001:71 trên 400 triệu USD",
        ),
        pytest.param(
            "HY-2018-2020", "I.1", "người", 420, 420, "exact", id="002:265 quantity 420 người"
        ),
        pytest.param(
            "HN-CNHT-2021",
            "III.8",
            "doanh nghiệp",
            5,
            10,
            "range",
            id="003:153 từ 5-10 doanh nghiệp",
        ),
    ],
)
def test_target(programme, code, unit, low, high, qualifier, con) -> None:
    rows = con.execute(
        "select target_min, target_max, qualifier from targets where programme_id = $p "
        "and coalesce(task_code, goal_code) = $c and unit = $u",
        {"p": programme, "c": code, "u": unit},
    ).fetchall()
    assert (low, high, qualifier) in rows


def test_every_target_keeps_its_text(con) -> None:
    rows = con.execute("select quantity_text, source_text, source_kind from targets").fetchall()
    assert len(rows) > 90
    for quantity_text, source_text, kind in rows:
        if kind != "quantity":
            assert quantity_text in source_text


def test_durations_and_dates_are_not_targets(con) -> None:
    units = {r[0] for r in con.execute("select distinct unit from targets").fetchall()}
    assert not units & {"tháng", "ngày", "năm"}
