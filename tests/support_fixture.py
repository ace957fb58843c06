"""A holdout-like support file for HN-2021-2025: 37 rows, 30 establishments, 2024 and 2025.

Written as a khuyến công centre keeps its list of approved đề án (one row per đề án and funding
source), in officials' notation: bare million-VND figures ("150", "85,5"), "120 triệu đồng",
funding sources in words ("Ngân sách thành phố", "KCQG", "Vốn đối ứng của cơ sở"), statuses in
words. Every district and commune is a real unit of Hà Nội before 1/7/2025 in the pinned
vietnamadminunits data (tests/test_support_golden.py checks it); the two rows dated after the
merger write the ward of since 1/7/2025 and no district, as a decision of September 2025 does.

The rows the golden test cites (the user's row numbers: header = row 1):
- rows 2 and 20: one establishment written twice, "Công ty TNHH Mây tre đan Phú Vinh" and
  "CÔNG TY TNHH  MÂY TRE ĐAN PHÚ VINH" (case, a double space), Xã Phú Nghĩa, Huyện Chương Mỹ;
- rows 3 and 21: one establishment by its tax code 0109998801 under two names (a cooperative
  become a company);
- row 23: a cancelled đề án ("Hủy", 180) of an establishment accepted in 2024 (row 5);
- rows 4 and 22: Xã Nhị Khê, Huyện Thường Tín in 2024; on 12/9/2025 the same establishment
  written in Xã Thường Tín (Nhị Khê's ward since 1/7/2025) without a district;
- row 25: a new establishment after the merger, in Xã Dương Hòa without a district;
- rows 6-7 and 35-36: a đề án with two funding sources (KCQG and the establishment's own share);
- rows 19 and 26: a content area written instead of a task (by name, and as KC5).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import NamedTuple

HEADER = [
    "ma_chuong_trinh", "tinh", "giai_doan", "nam", "ngay_quyet_dinh", "so_quyet_dinh", "huyen",
    "xa_phuong", "co_so", "ma_so_thue", "ma_nhiem_vu", "linh_vuc", "kinh_phi", "nguon_von",
    "so_nguoi_huong_loi", "trang_thai", "ghi_chu",
]  # fmt: skip
PROGRAMME = "HN-2021-2025"

CITY = "Ngân sách thành phố"  # -> dia_phuong
KCQG = "KCQG"  # khuyến công quốc gia -> trung_uong
OWN = "Vốn đối ứng của cơ sở"  # -> doi_ung
# decisions: (number, date written)
D124 = ("125/QĐ-SCT", "15/03/2024")
D824 = ("610/QĐ-SCT", "20/08/2024")
D325 = ("88/QĐ-SCT", "10/03/2025")
D925 = ("1025/QĐ-SCT", "12/09/2025")  # after 1/7/2025: the new wards, no districts


class Row(NamedTuple):
    """One row of the file, as written (amount and beneficiaries as text)."""

    year: int
    decision: tuple[str, str]
    district: str
    commune: str
    name: str
    tax: str
    task: str
    area: str
    amount: str
    source: str
    beneficiaries: str
    status: str


# fmt: off
ROWS: list[Row] = [
    # 2024 ------------------------------------------------------------------------- row
    Row(2024, D124, "Huyện Chương Mỹ", "Xã Phú Nghĩa", "Công ty TNHH Mây tre đan Phú Vinh", "", "II.1", "", "150", CITY, "25", "Đã nghiệm thu"),  # 2  E1
    Row(2024, D124, "Huyện Gia Lâm", "Xã Bát Tràng", "Hợp tác xã Gốm sứ Bát Tràng", "0109998801", "II.1", "", "200", KCQG, "40", "Đã nghiệm thu"),  # 3  E2
    Row(2024, D824, "Huyện Thường Tín", "Xã Nhị Khê", "Cơ sở tiện gỗ Nguyễn Văn Hùng", "", "II.1", "", "85,5", CITY, "12", "Đã nghiệm thu"),  # 4  E3
    Row(2024, D124, "Huyện Thường Tín", "Xã Duyên Thái", "Cơ sở sơn mài Trần Văn Lâm", "", "I.1", "", "120 triệu đồng", CITY, "35", "Đã nghiệm thu"),  # 5  E4
    Row(2024, D124, "Huyện Phú Xuyên", "Xã Chuyên Mỹ", "Công ty CP Khảm trai Chuyên Mỹ", "", "II.2", "", "300", KCQG, "30", "Đã nghiệm thu"),  # 6  E5
    Row(2024, D124, "Huyện Phú Xuyên", "Xã Chuyên Mỹ", "Công ty CP Khảm trai Chuyên Mỹ", "", "II.2", "", "450,5", OWN, "", "Đã nghiệm thu"),  # 7  E5
    Row(2024, D124, "Huyện Phú Xuyên", "Xã Phú Túc", "Hợp tác xã Mây tre Phú Túc", "", "I.1", "", "96", CITY, "30", "Đã nghiệm thu"),  # 8  E6
    Row(2024, D824, "Huyện Hoài Đức", "Xã La Phù", "Công ty TNHH Dệt kim La Phù", "", "II.1", "", "175", CITY, "18", "Đã nghiệm thu"),  # 9  E8
    Row(2024, D824, "Huyện Hoài Đức", "Xã Dương Liễu", "Cơ sở chế biến nông sản Dương Liễu", "", "II.1", "", "130,5", CITY, "15", "Đã nghiệm thu"),  # 10 E9
    Row(2024, D824, "Huyện Thanh Oai", "Xã Thanh Thùy", "Công ty TNHH Cơ khí Thanh Thùy", "", "II.1", "", "160", CITY, "20", "Đã nghiệm thu"),  # 11 E11
    Row(2024, D124, "Huyện Chương Mỹ", "Xã Trường Yên", "Công ty TNHH Thủ công mỹ nghệ Trường Yên", "", "III.4.1", "", "45", CITY, "", "Đã nghiệm thu"),  # 12 E15
    Row(2024, D824, "Huyện Gia Lâm", "Xã Dương Xá", "Công ty TNHH Bao bì Dương Xá", "", "II.1", "", "210", KCQG, "22", "Đã nghiệm thu"),  # 13 E17
    Row(2024, D124, "Huyện Thường Tín", "Xã Duyên Thái", "Cơ sở sơn mài Lê Thị Hoa", "", "III.4.1", "", "38,5", CITY, "", "Đã nghiệm thu"),  # 14 E20
    Row(2024, D824, "Huyện Ứng Hòa", "Xã Trường Thịnh", "Công ty TNHH Mây tre Trường Thịnh", "", "I.1", "", "72", CITY, "25", "Đã nghiệm thu"),  # 15 E22
    Row(2024, D824, "Huyện Ứng Hòa", "Xã Quảng Phú Cầu", "Cơ sở tăm hương Quảng Phú Cầu", "", "II.1", "", "140", CITY, "16", "Đã nghiệm thu"),  # 16 E23
    Row(2024, D824, "Huyện Quốc Oai", "Xã Sài Sơn", "Cơ sở chế biến gỗ Sài Sơn", "", "II.1", "", "115", CITY, "14", "Đã nghiệm thu"),  # 17 E25
    Row(2024, D124, "Huyện Hoài Đức", "Xã Sơn Đồng", "Cơ sở điêu khắc Sơn Đồng", "", "IV.3.1", "", "60", CITY, "8", "Đã nghiệm thu"),  # 18 E27
    Row(2024, D824, "Huyện Thanh Oai", "Xã Bình Minh", "Cơ sở mây tre Bình Minh", "", "", "Đào tạo nghề, truyền nghề, nhân cấy nghề", "84", CITY, "28", "Đã nghiệm thu"),  # 19 E29
    # 2025 ------------------------------------------------------------------------------
    Row(2025, D325, "Huyện Chương Mỹ", "Xã Phú Nghĩa", "CÔNG TY TNHH  MÂY TRE ĐAN PHÚ VINH", "", "I.1", "", "110", CITY, "30", "Đã phê duyệt"),  # 20 E1
    Row(2025, D325, "Huyện Gia Lâm", "Xã Bát Tràng", "Công ty TNHH Gốm Bát Tràng Xanh", "0109998801", "II.1", "", "250", KCQG, "35", "Phê duyệt"),  # 21 E2
    Row(2025, D925, "", "Xã Thường Tín", "Cơ sở tiện gỗ Nguyễn Văn Hùng", "", "II.1", "", "95,5", CITY, "10", "Đã phê duyệt"),  # 22 E3
    Row(2025, D325, "Huyện Thường Tín", "Xã Duyên Thái", "Cơ sở sơn mài Trần Văn Lâm", "", "II.1", "", "180", CITY, "20", "Hủy"),  # 23 E4
    Row(2025, D325, "Huyện Phú Xuyên", "Xã Vân Từ", "Cơ sở mộc Vân Từ", "", "II.1", "", "125", CITY, "12", ""),  # 24 E7
    Row(2025, D925, "", "Xã Dương Hòa", "Hộ kinh doanh miến dong Cát Quế", "", "II.1", "", "90", CITY, "9", "Đã phê duyệt"),  # 25 E10
    Row(2025, D325, "Huyện Thanh Oai", "Xã Phương Trung", "Cơ sở nón lá Chuông", "", "", "KC5", "55", CITY, "", "Đã phê duyệt"),  # 26 E12
    Row(2025, D325, "Huyện Thanh Oai", "Xã Cự Khê", "Cơ sở bánh đa Cự Khê", "", "I.1", "", "64,5", CITY, "20", "Đã phê duyệt"),  # 27 E13
    Row(2025, D325, "Huyện Chương Mỹ", "Xã Phú Nghĩa", "Hợp tác xã Mây tre giang đan Phú Nghĩa", "", "III.4.1", "", "42", CITY, "", "Đã phê duyệt"),  # 28 E14
    Row(2025, D325, "Huyện Chương Mỹ", "Thị trấn Chúc Sơn", "Cơ sở tre trúc Chúc Sơn", "", "II.1", "", "135", KCQG, "15", "Đã phê duyệt"),  # 29 E16
    Row(2025, D325, "Huyện Gia Lâm", "Xã Bát Tràng", "Cơ sở gốm mỹ nghệ Minh Đức", "", "III.3", "", "30", CITY, "", "Đã phê duyệt"),  # 30 E18
    Row(2025, D325, "Huyện Thường Tín", "Xã Nhị Khê", "Công ty TNHH Điêu khắc gỗ Nhị Khê", "", "II.1", "", "165", CITY, "14", "Đã phê duyệt"),  # 31 E19
    Row(2025, D325, "Huyện Thường Tín", "Xã Quất Động", "Cơ sở thêu ren Quất Động", "", "I.1", "", "78", CITY, "26", "Đã phê duyệt"),  # 32 E21
    Row(2025, D325, "Huyện Ứng Hòa", "Xã Quảng Phú Cầu", "Cơ sở tăm hương Quảng Phú Cầu", "", "I.1", "", "66", CITY, "22", "Đã phê duyệt"),  # 33 E23
    Row(2025, D325, "Huyện Quốc Oai", "Xã Phú Cát", "Hợp tác xã Nông sản Phú Cát", "", "II.1", "", "145", CITY, "12", "Đã phê duyệt"),  # 34 E24
    Row(2025, D325, "Huyện Hoài Đức", "Xã Dương Liễu", "Công ty TNHH Thực phẩm Dương Liễu Xanh", "", "II.2", "", "280", KCQG, "25", "Đã phê duyệt"),  # 35 E26
    Row(2025, D325, "Huyện Hoài Đức", "Xã Dương Liễu", "Công ty TNHH Thực phẩm Dương Liễu Xanh", "", "II.2", "", "320", OWN, "", "Đã phê duyệt"),  # 36 E26
    Row(2025, D325, "Huyện Phú Xuyên", "Xã Chuyên Mỹ", "Cơ sở khảm trai Phạm Văn Tú", "", "IV.3.1", "", "50", CITY, "6", "Đã phê duyệt"),  # 37 E28
    Row(2025, D325, "Huyện Ứng Hòa", "Xã Trường Thịnh", "Cơ sở mây tre đan Trường Thịnh", "", "III.4.1", "", "40", CITY, "", "Đã phê duyệt"),  # 38 E30
]
# fmt: on


def table(rows: list[Row] | None = None) -> list[list[str]]:
    """The header and the rows as text cells, as a CSV holds them."""
    out = [list(HEADER)]
    for r in ROWS if rows is None else rows:
        number, date = r.decision
        out.append(
            [
                PROGRAMME, "Hà Nội", "2021-2025", str(r.year), date, number, r.district,
                r.commune, r.name, r.tax, r.task, r.area, r.amount, r.source, r.beneficiaries,
                r.status, "",
            ]
        )  # fmt: skip
    return out


def to_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 with a BOM, as Excel saves 'CSV UTF-8'."""
    from plans.data import templates

    return templates.to_csv(rows)


def _excel_cell(column: str, text: str) -> object:
    """A cell as an official's workbook holds it: numbers and dates typed, the rest text."""
    if not text:
        return None
    if column in ("nam", "so_nguoi_huong_loi"):
        return int(text)
    if column == "ma_so_thue":
        return text  # a tax code is text (its leading zero)
    if column == "kinh_phi" and text.replace(",", "").isdigit():
        return float(text.replace(",", ".")) if "," in text else int(text)
    if column == "ngay_quyet_dinh":
        day, month, year = map(int, text.split("/"))
        return dt.datetime(year, month, day)
    return text


def to_xlsx(rows: list[list[str]]) -> bytes:
    """The same table as a workbook: amounts, years and beneficiaries as numbers, dates as
    dates (what a sheet typed in Excel holds), text elsewhere."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách hỗ trợ"
    header = rows[0]
    sheet.append(header)
    for cells in rows[1:]:
        sheet.append([_excel_cell(c, v) for c, v in zip(header, cells, strict=True)])
    for cell in sheet["E"][1:]:
        cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
