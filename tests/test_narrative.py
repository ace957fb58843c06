"""Sentences written from the numbers say what the documents say."""

from __future__ import annotations

from plans import db
from plans.charts.narrative import overview_sentences


def rows(con, programme: str):
    row = db.run(con, "programme_overview", programme_id=programme).iloc[0]
    budgets = db.run(con, "programme_budgets", price_year=None).set_index("programme_id")
    before = budgets.loc[row["previous_id"]] if row["previous_id"] in budgets.index else None
    return row, budgets.loc[programme], before


def test_hanoi_2021_2025_in_vietnamese(con) -> None:
    sentences = overview_sentences(*rows(con, "HN-2021-2025"), "vi")
    assert (
        "Chương trình khuyến công thành phố Hà Nội giai đoạn 2021-2025 dự kiến 250,9 tỷ đồng "
        "cho 27 nhiệm vụ."  # 000:205, 27 budget rows
    ) == sentences[0]
    assert sentences[1].startswith("Lĩnh vực lớn nhất là KC4")
    assert "chiếm 57,7% kinh phí" in sentences[1]
    # 250.900 against 163.400 (001:99): +53,5%; with the 2025 CPI (+3,31 %) also in real terms:
    # 268.434 against 202.236 triệu in 2025 prices (test_deck computes the same pair)
    assert (
        "So với giai đoạn 2016-2020 (163,4 tỷ đồng), kinh phí tăng 53,5% theo giá danh nghĩa; "
        "theo giá năm 2025: tăng 32,7%."
    ) == sentences[2]


def test_hanoi_2016_2020_in_english_has_real_terms(con) -> None:
    sentences = overview_sentences(*rows(con, "HN-2016-2020"), "en")
    assert sentences[0].endswith("plans 163.4 billion VND; the document has no budget table.")
    # 163.400 against 86.000 (001:5): +90,0% nominal
    assert (
        "Against 2011-2015 (86 billion VND), the budget is up 90.0% in nominal terms"
        in (sentences[-1])
    )
    # the latest CPI year is the price year: 202.236 against 125.657 triệu in 2025 prices
    assert sentences[-1].endswith("in 2025 prices: up 60.9%.")
