"""Tables shown to people carry numbers in the reader's format."""

from __future__ import annotations

import pandas as pd

from plans.charts.tables import for_display


def test_vietnamese_table() -> None:
    frame = pd.DataFrame({"key": ["I"], "amount_mvnd": [31500.0], "share_pct": [12.5548]})
    shown = for_display(frame, ["key", "amount_mvnd", "share_pct"], "vi")
    assert ["Mã", "Kinh phí (triệu đồng)", "Tỷ trọng"] == list(shown.columns)
    assert ["I", "31.500", "12,6%"] == shown.iloc[0].tolist()  # 000:266 section I


def test_english_table_and_missing_value() -> None:
    frame = pd.DataFrame({"computed_value": [90.267442, None], "share_pct": [2.232, 50.3388]})
    shown = for_display(frame, ["computed_value", "share_pct"], "en")
    assert ["90.27", "2.2%"] == shown.iloc[0].tolist()
    assert "—" == shown.iloc[1, 0]


def test_a_column_keeps_one_count_of_decimals() -> None:
    frame = pd.DataFrame({"amount_mvnd": [1234.0, 12.345, None], "n": [1.0, 2.5, 3.0]})
    shown = for_display(frame, ["amount_mvnd", "n"], "vi")
    assert ["1.234,00", "12,35", "—"] == shown["Kinh phí (triệu đồng)"].tolist()
    assert ["1,0", "2,5", "3,0"] == shown["n"].tolist()


def test_whole_numbers_stay_whole() -> None:
    frame = pd.DataFrame({"amount_mvnd": [250900.0, 31500.0], "n": [3, 10500]})
    shown = for_display(frame, ["amount_mvnd", "n"], "vi")
    assert ["250.900", "31.500"] == shown["Kinh phí (triệu đồng)"].tolist()
    assert ["3", "10.500"] == shown["n"].tolist()
