"""Downloads open in a spreadsheet with Vietnamese intact and no formula run from data."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from plans.present.exports import to_csv_bytes, to_xlsx_bytes

FRAME = pd.DataFrame(
    {"Nội dung": ["Truyền nghề", "=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)"],
     "Kinh phí (triệu đồng)": [21000, 6000, 1000, 2500, 1000]}
)  # fmt: skip


def test_csv_has_bom_header_and_neutralised_formulas() -> None:
    data = to_csv_bytes(FRAME)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig").splitlines()
    assert "Nội dung,Kinh phí (triệu đồng)" == text[0]
    assert "Truyền nghề,21000" == text[1]
    assert text[2].startswith("\"'=HYPERLINK")
    assert ["'+1", "'-2", "'@SUM(A1)"] == [line.split(",")[0] for line in text[3:]]


def test_xlsx_opens_and_holds_the_table() -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(FRAME)))
    sheet = book.active
    assert ("Nội dung", "Kinh phí (triệu đồng)") == tuple(c.value for c in sheet[1])
    assert ("Truyền nghề", 21000) == tuple(c.value for c in sheet[2])
    assert '\'=HYPERLINK("http://x")' == sheet["A3"].value
    assert sheet["A3"].data_type == "s"
