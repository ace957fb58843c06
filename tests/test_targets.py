"""Tests for plans.data.targets: quantified targets read from expected-result cells and goal sentences."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.data.targets import KNOWN_UNITS, QUALIFIERS, Target, parse_targets, target_summary

# (unit, min, max, qualifier, per, certain): everything a caller reads from a Target except text.
Row = tuple[str, float | None, float | None, str, str | None, bool]


def exact(value: float, unit: str, per: str | None = None, certain: bool = True) -> Row:
    return (unit, value, value, "exact", per, certain)


def between(low: float, high: float, unit: str, per: str | None = None) -> Row:
    return (unit, low, high, "range", per, True)


def about(low: float, unit: str, high: float | None = None, per: str | None = None) -> Row:
    return (unit, low, low if high is None else high, "about", per, True)


def at_least(value: float, unit: str) -> Row:
    return (unit, value, None, "at_least", None, True)


def at_most(value: float, unit: str) -> Row:
    return (unit, None, value, "at_most", None, True)


def nearly(value: float, unit: str) -> Row:
    return (unit, None, value, "nearly", None, True)


def rows(text: str) -> list[Row]:
    return [(t.unit, t.min, t.max, t.qualifier, t.per, t.certain) for t in parse_targets(text)]


# Phrases copied from /work/shared/seeds; ids cite "<file prefix>:<line>".
DOCUMENT_CASES = [
    pytest.param(
        "Tổ chức 300 lớp truyền nghề, cấy nghề dưới 3 tháng cho 10.500 lao động nông thôn với các"
        " nghề như: Dệt may, da giày, chế biến thực phẩm, thủ công mỹ nghệ, cơ khí... Kết thúc các"
        " khóa truyền nghề, cấy nghề, trên 80% số lao động có việc làm.",
        [exact(300, "lớp"), exact(10500, "lao động"), at_least(80, "%")],
        id="000:267 300 lớp cho 10.500 lao động, dưới 3 tháng skipped",
    ),
    pytest.param(
        "Tổ chức 80 lớp tập huấn cho khoảng 8.000 lượt cán bộ lãnh đạo, quản lý các cơ sở công"
        " nghiệp nông thôn với các nội dung: Khởi sự doanh nghiệp, hội nhập kinh tế quốc tế, thiết"
        " kế mẫu mã sản phẩm, quản trị doanh nghiệp, quản trị kinh doanh và marketing; thời gian dự"
        " kiến 2 ngày/lớp.",
        [exact(80, "lớp"), about(8000, "lượt cán bộ")],
        id="000:268 80 lớp, khoảng 8.000 lượt cán bộ, 2 ngày/lớp skipped",
    ),
    pytest.param(
        "Tổ chức 05 hội nghị kết nối cung cầu nguyên liệu đầu vào ngành thủ công mỹ nghệ giữa Hà"
        " Nội và các tỉnh phía Bắc, thu hút khoảng 500 - 600 doanh nghiệp, cơ sở công nghiệp nông"
        " thôn Hà Nội",
        [exact(5, "hội nghị"), about(500, "doanh nghiệp", 600)],
        id="000:269 05 hội nghị, khoảng 500 - 600 doanh nghiệp",
    ),
    pytest.param(
        "thu hút khoảng 500- 600 doanh nghiệp",
        [about(500, "doanh nghiệp", 600)],
        id="000:99 khoảng 500- 600 doanh nghiệp",
    ),
    pytest.param(
        "Tổ chức 15-20 Hội nghị, hội thảo, diễn đàn chuyên đề",
        [between(15, 20, "hội nghị")],
        id="000:274 15-20 Hội nghị capitalised unit",
    ),
    pytest.param(
        "cấp Thành phố từ 150 – 200 sản phẩm.",
        [between(150, 200, "sản phẩm")],
        id="000:297 từ 150 – 200 sản phẩm (en dash)",
    ),
    pytest.param(
        "Hỗ trợ xây dựng và đăng ký nhãn hiệu cho 150 - 200 sản phẩm công nghiệp nông thôn",
        [between(150, 200, "sản phẩm")],
        id="000:161 150 - 200 sản phẩm",
    ),
    pytest.param(
        "Trên 10.000 lượt doanh nghiệp, cơ sở công nghiệp nông thôn trên địa bàn Thành phố được hỗ"
        " trợ từ Chương trình khuyến công.",
        [at_least(10000, "lượt doanh nghiệp")],
        id="000:72 Trên 10.000 lượt doanh nghiệp",
    ),
    pytest.param(
        "Thông qua Chương trình khuyến công 60.000 - 70.000 lao động nông thôn có việc làm.",
        [between(60000, 70000, "lao động")],
        id="000:74 60.000 - 70.000 lao động nông thôn",
    ),
    pytest.param(
        "tăng trưởng bình quân 6-8%/năm.",
        [between(6, 8, "%/năm", per="năm")],
        id="000:76 6-8%/năm",
    ),
    pytest.param(
        "Tạo ra trên 3.500 mẫu sản phẩm thủ công mỹ nghệ",
        [at_least(3500, "mẫu")],
        id="000:78 trên 3.500 mẫu sản phẩm",
    ),
    pytest.param(
        "Tập huấn, hướng dẫn cho 13.500 lượt cán bộ quản lý",
        [exact(13500, "lượt cán bộ")],
        id="000:83 13.500 lượt cán bộ",
    ),
    pytest.param(
        "Hỗ trợ 120 cơ sở sản xuất công nghiệp nông thôn",
        [exact(120, "cơ sở")],
        id="000:277 120 cơ sở sản xuất",
    ),
    pytest.param(
        "Hỗ trợ xây dựng được 5 mô hình trình diễn kỹ thuật",
        [exact(5, "mô hình")],
        id="000:282 5 mô hình",
    ),
    pytest.param(
        "Với mục tiêu mời khoảng 500 đến 700 nhà nhập khẩu nước ngoài",
        [about(500, "nhà nhập khẩu", 700)],
        id="000:292 khoảng 500 đến 700 nhà nhập khẩu",
    ),
    pytest.param(
        "Với mục tiêu mỗi năm có khoảng 500 đến 700 nhà nhập khẩu nước ngoài",
        [about(500, "nhà nhập khẩu", 700, per="năm")],
        id="000:127 mỗi năm có khoảng 500 đến 700",
    ),
    pytest.param(
        "Hỗ trợ từ 350 đến 400 lượt doanh nghiệp, cơ sở sản xuất hàng thủ công mỹ nghệ, công"
        " nghiệp nông thôn xuất khẩu tham gia Hội chợ quốc tế chuyên ngành (định hướng vào các hội"
        " chợ tại Paris - Pháp, Frankfurt - Đức, Tokyo - Nhật Bản, Hồng Kông - Trung Quốc, Nga, Mỹ,"
        " một số nước nhóm EU, G7...)",
        [between(350, 400, "lượt doanh nghiệp")],
        id="000:300 từ 350 đến 400 lượt doanh nghiệp, G7 skipped",
    ),
    pytest.param(
        "Tổ chức 05 cuộc thi Thiết kế mẫu sản phẩm thủ công mỹ nghệ (01 cuộc thi/năm) thu hút các"
        " tổ chức, cá nhân tham dự, với 1500-1800 mẫu sản phẩm mới được tạo ra. Có từ 400 đến 500"
        " sản phẩm mới được UBND Thành phố công nhận đạt giải.",
        [
            exact(5, "cuộc thi"),
            exact(1, "cuộc thi", per="năm"),
            between(1500, 1800, "mẫu"),
            between(400, 500, "sản phẩm"),
        ],
        id="000:306 05 cuộc thi, 01 cuộc thi/năm as a rate, 1500-1800 mẫu, từ 400 đến 500",
    ),
    pytest.param(
        "Hỗ trợ 100 -150 lượt doanh nghiệp tham gia hội chợ quốc tế hàng thủ công mỹ nghệ - Hội"
        " chợ Lifestyle Vietnam hàng năm (từ 20-30 lượt doanh nghiệp/ năm)",
        [between(100, 150, "lượt doanh nghiệp"), between(20, 30, "lượt doanh nghiệp", per="năm")],
        id="000:135 100 -150 lượt doanh nghiệp, từ 20-30 lượt doanh nghiệp/ năm",
    ),
    pytest.param(
        "Hỗ trợ thuê tư vấn, trợ giúp 150-200 lượt cơ sở công nghiệp nông thôn:",
        [between(150, 200, "lượt cơ sở")],
        id="000:159 150-200 lượt cơ sở",
    ),
    pytest.param(
        "tổ chức 10 lớp tập huấn cho 700 lượt cán bộ làm công tác khuyến công (cấp huyện, cấp xã,"
        " hội, hiệp hội, tổ chức chính trị - xã hội) về chuyên môn, nghiệp vụ, chế độ chính sách;"
        " thời gian 01 ngày.",
        [exact(10, "lớp"), exact(700, "lượt cán bộ")],
        id="000:177 10 lớp, 700 lượt cán bộ, thời gian 01 ngày skipped",
    ),
    pytest.param(
        "15-20 lượt cán bộ làm công tác khuyến công",
        [between(15, 20, "lượt cán bộ")],
        id="000:319 15-20 lượt cán bộ",
    ),
    pytest.param(
        "Tổ chức 10 đoàn khảo sát, chia sẻ, học tập kinh nghiệm trong nước về tổ chức triển khai"
        " hoạt động khuyến công (02 đoàn/1 năm).",
        [exact(10, "đoàn"), exact(2, "đoàn", per="năm")],
        id="000:181 10 đoàn, 02 đoàn/1 năm as a rate",
    ),
    pytest.param(
        "dự kiến là 250,9 tỷ đồng từ nguồn ngân sách Thành phố",
        [exact(250.9, "tỷ đồng")],
        id="000:205 250,9 tỷ đồng decimal comma",
    ),
    pytest.param(
        "Tổ chức 05 kỳ hội chợ quốc tế chuyên ngành thủ công mỹ nghệ tại Thành phố Hà Nội; quy mô"
        " mỗi hội chợ từ 400 – 600 gian hàng phục vụ thị trường xuất khẩu",
        [exact(5, "hội chợ"), between(400, 600, "gian hàng", per="hội chợ")],
        id="000:285 05 kỳ hội chợ, mỗi hội chợ từ 400 – 600 gian hàng",
    ),
    pytest.param(
        "Tổ chức 05 kỳ hội chợ hàng lưu niệm chất lượng cao Thủ đô quy mô mỗi hội chợ từ 220-",
        [exact(5, "hội chợ")],
        id="000:286 row split by a page break: dangling từ 220- skipped",
    ),
    pytest.param(
        "quy mô mỗi hội chợ từ 220-250 gian hàng phục vụ khách hàng trong nước",
        [between(220, 250, "gian hàng", per="hội chợ")],
        id="000:286+290 split row joined: mỗi hội chợ từ 220-250 gian hàng",
    ),
    pytest.param(
        "hàng gia dụng quy mô mỗi hội chợ từ 250-300 gian hàng, phục vụ nhu cầu thị trường",
        [between(250, 300, "gian hàng", per="hội chợ")],
        id="000:291 mỗi hội chợ từ 250-300 gian hàng",
    ),
    pytest.param(
        "Quy mô mỗi triển lãm từ 100 đến 150 gian hàng và các khu trưng bày giới thiệu sản phẩm"
        " mẫu.",
        [between(100, 150, "gian hàng", per="triển lãm")],
        id="000:307 Quy mô mỗi triển lãm từ 100 đến 150 gian hàng",
    ),
    pytest.param(
        "Tổ chức 05 kỳ triển lãm các sản phẩm",
        [exact(5, "triển lãm")],
        id="000:307 05 kỳ triển lãm",
    ),
    pytest.param(
        "(Hai năm tổ chức 1 lần)",
        [exact(1, "lần")],
        id="000:131 1 lần",
    ),
    pytest.param(
        "Số: 3355/QĐ-UBND",
        [],
        id="002:3 document number",
    ),
    pytest.param(
        "theo tiêu chí được quy định tại quyết định số 920/QĐ-BCT ngày 16/4/2019 của Bộ Công Thương.",
        [],
        id="000:145 số 920/QĐ-BCT ngày 16/4/2019",
    ),
    pytest.param(
        "Căn cứ Nghị định số 45/2012/NĐ-CP ngày 20/5/2012 của Chính phủ về khuyến công;",
        [],
        id="000:11 decree number and date",
    ),
    pytest.param(
        "Khuyến công thành phố Hà Nội giai đoạn 2021-2025",
        [],
        id="000:52 giai đoạn 2021-2025",
    ),
    pytest.param(
        "Trong giai đoạn 2021 - 2025, tập trung phát triển hoạt động khuyến công",
        [],
        id="000:87 giai đoạn 2021 - 2025",
    ),
    pytest.param(
        "thực hiện chế độ báo cáo định kỳ 06 tháng và đột xuất",
        [],
        id="000:215 06 tháng is a duration",
    ),
    pytest.param("32027 - 10", [], id="000:38 reversed range from a scan stamp"),
    pytest.param("12/2020", [], id="000:80 month/year"),
    pytest.param("1.1. Tổ chức truyền nghề, nhân cấy nghề", [], id="000:91 enumerator 1.1."),
    pytest.param("1. Mục tiêu chung", [], id="000:62 enumerator 1."),
    pytest.param("Điều 1. Phê duyệt Chương trình Khuyến công", [], id="000:21 Điều 1."),
    pytest.param(
        "(Ban hành kèm theo Quyết định số ~~4153~~ /QĐ-UBND",
        [],
        id="000:54 struck-out decision number",
    ),
    pytest.param("ngày ~~17~~ / 9 /2020 của UBND", [], id="000:56 struck-out date"),
    pytest.param(
        "2.500\ttỉnh, thành phố trực thuộc Trung ương.",
        [],
        id="000:273 a unit never crosses a table tab",
    ),
    pytest.param(
        "1\tĐào tạo nghề, truyền nghề tại chỗ gắn với cơ sở CNNT\tNgười\t105\t126",
        [],
        id="002:265 table index and bare cells",
    ),
    pytest.param(
        "Phát hành ấn phẩm hướng dẫn áp dụng các quy chuẩn, tiêu chuẩn chuyên ngành.",
        [],
        id="000:275 no number",
    ),
    pytest.param(
        "Qua 5 năm triển khai, Thành phố giao dự toán ngân sách cho Sở Công Thương 82,155 tỷ"
        " đồng, đạt 95,53% kế hoạch",
        [exact(82.155, "tỷ đồng"), exact(95.53, "%")],
        id="001:5 5 năm skipped, 82,155 tỷ đồng, 95,53%",
    ),
    pytest.param(
        "(Ban hành kèm theo Quyết định số: 4892/QĐ-UBND ngày 29/9/2015 của UBND Thành phố Hà Nội)",
        [],
        id="001:3 decision number and date",
    ),
    pytest.param(
        "Tổ chức 473 lớp truyền nghề, nhân cấy nghề cho 17.800 lao động nông thôn (đạt 71,2% kế"
        " hoạch)",
        [exact(473, "lớp"), exact(17800, "lao động"), exact(71.2, "%")],
        id="001:8 473 lớp, 17.800 lao động, 71,2%",
    ),
    pytest.param(
        "Đặc biệt từ năm 2012-2015 đã cấy nghề cho 250 làng thuần nông",
        [exact(250, "làng")],
        id="001:8 từ năm 2012-2015 skipped, 250 làng thuần nông",
    ),
    pytest.param(
        "giảm từ 50 người xuống còn 35 người/lớp theo quy định chung của Thành phố",
        [exact(50, "người"), exact(35, "người", per="lớp")],
        id="001:9 từ 50 người xuống is a change, 35 người/lớp",
    ),
    pytest.param(
        "thu hút gần 700 đại biểu đến từ các làng nghề",
        [nearly(700, "đại biểu")],
        id="001:14 gần 700 đại biểu",
    ),
    pytest.param(
        "với tổng số 2.642 gian hàng của trên 1.000 doanh nghiệp, cơ sở sản xuất của Hà Nội và"
        " gần 40 tỉnh, thành phố trong cả nước; thu hút trên 2.000 nhà nhập khẩu đến từ hơn 30"
        " quốc gia và vùng lãnh thổ",
        [
            exact(2642, "gian hàng"),
            at_least(1000, "doanh nghiệp"),
            nearly(40, "tỉnh"),
            at_least(2000, "nhà nhập khẩu"),
            at_least(30, "quốc gia"),
        ],
        id="001:20 trên 2.000 nhà nhập khẩu, hơn 30 quốc gia",
    ),
    pytest.param(
        "trị giá trên 15 triệu USD",
        [at_least(15, "triệu USD")],
        id="001:20 trên 15 triệu USD",
    ),
    pytest.param(
        "giá trị bình quân 50.000USD/doanh nghiệp/năm",
        [exact(50000, "USD", per="doanh nghiệp/năm")],
        id="001:21 50.000USD/doanh nghiệp/năm glued unit, chained rate",
    ),
    pytest.param(
        "mỗi doanh nghiệp được hỗ trợ thiết kế từ 02 đến 05 mẫu sản phẩm mới, đã có gần 100 mẫu"
        " sản phẩm thủ công mỹ nghệ mới",
        [between(2, 5, "mẫu", per="doanh nghiệp"), nearly(100, "mẫu")],
        id="001:24 mỗi doanh nghiệp … từ 02 đến 05 mẫu, gần 100 mẫu",
    ),
    pytest.param(
        "Tổ chức 01 cuộc bình chọn sản phẩm CNNT tiêu biểu cấp Thành phố và 4 cuộc thi thiết kế",
        [exact(1, "cuộc bình chọn"), exact(4, "cuộc thi")],
        id="001:24 01 cuộc bình chọn, 4 cuộc thi",
    ),
    pytest.param(
        "Đã có trên 5.000 lượt khách",
        [at_least(5000, "lượt khách")],
        id="001:27 trên 5.000 lượt khách",
    ),
    pytest.param(
        "Tổ chức 03 đoàn với 30 cán bộ đi tham quan",
        [exact(3, "đoàn"), exact(30, "cán bộ")],
        id="001:35 03 đoàn với 30 cán bộ",
    ),
    pytest.param(
        "giai đoạn 2011-2015 đạt trên 10%/năm",
        [("%/năm", 10, None, "at_least", "năm", True)],
        id="001:38 trên 10%/năm",
    ),
    pytest.param(
        "chiếm từ 25-30% tổng giá trị sản xuất công nghiệp toàn Thành phố, giá trị xuất khẩu ước"
        " đạt gần 1 tỷ USD (riêng nhóm hàng thủ công mỹ nghệ đạt kim ngạch trên 200 triệu USD năm"
        " 2015)",
        [between(25, 30, "%"), nearly(1, "tỷ USD"), at_least(200, "triệu USD")],
        id="001:40 từ 25-30%, gần 1 tỷ USD, trên 200 triệu USD năm 2015",
    ),
    pytest.param(
        "Thu nhập bình quân đạt 2 triệu đồng/người/tháng",
        [exact(2, "triệu đồng", per="người/tháng")],
        id="001:40 2 triệu đồng/người/tháng",
    ),
    pytest.param(
        "tăng trưởng sản xuất bình quân từ 5-15%/năm",
        [between(5, 15, "%/năm", per="năm")],
        id="001:41 từ 5-15%/năm",
    ),
    pytest.param(
        "Gần 50.000 lao động nông thôn được tạo việc làm",
        [nearly(50000, "lao động")],
        id="001:43 Gần 50.000 lao động capitalised qualifier",
    ),
    pytest.param(
        "đưa tổng số làng nghề Hà Nội năm 2015 là 1.350 làng có nghề.",
        [exact(1350, "làng")],
        id="001:44 năm 2015 skipped, 1.350 làng",
    ),
    pytest.param(
        "rất lớn (trên 100.000 đơn vị)",
        [at_least(100000, "đơn vị")],
        id="001:48 trên 100.000 đơn vị",
    ),
    pytest.param(
        "(khoảng 5% tổng số doanh nghiệp",
        [about(5, "%")],
        id="001:48 khoảng 5%",
    ),
    pytest.param(
        "còn mỏng (20 người), địa bàn hoạt động rộng (18 huyện, thị xã, 3 quận, 1.350 làng nghề)",
        [exact(20, "người"), exact(18, "huyện"), exact(3, "quận"), exact(1350, "làng nghề")],
        id="001:52 20 người, 18 huyện, 3 quận, 1.350 làng nghề",
    ),
    pytest.param(
        "ban hành từ năm 2012 thay thế Nghị định số 134/2004/NĐ-CP, đến năm 2014 mới có Thông tư",
        [],
        id="001:56 years and decree number",
    ),
    pytest.param(
        "hỗ trợ đào tạo nghề theo Chương trình 1956, hỗ trợ doanh nghiệp",
        [],
        id="001:55 programme name 1956",
    ),
    pytest.param(
        "Trên 7.000 lượt doanh nghiệp, cơ sở CNNT",
        [at_least(7000, "lượt doanh nghiệp")],
        id="001:69 Trên 7.000 lượt doanh nghiệp",
    ),
    pytest.param(
        "Thông qua Chương trình khuyến công tạo việc làm cho khoảng 60.000-75.000 lao động nông"
        " thôn.",
        [about(60000, "lao động", 75000)],
        id="001:70 khoảng 60.000-75.000 lao động nông thôn",
    ),
    pytest.param(
        "Kim ngạch xuất khẩu nhóm hàng thủ công mỹ nghệ tăng bình quân 12-15%/năm, năm 2020 đạt"
        " kim ngạch trên 400 triệu USD.",
        [between(12, 15, "%/năm", per="năm"), at_least(400, "triệu USD")],
        id="001:71 12-15%/năm, năm 2020 skipped, trên 400 triệu USD",
    ),
    pytest.param(
        "phấn đấu trên 250 làng thuần nông được truyền nghề tiểu thủ công nghiệp, góp phần hình"
        " thành thêm 100 làng nghề mới.",
        [at_least(250, "làng"), exact(100, "làng nghề")],
        id="001:74 trên 250 làng thuần nông, 100 làng nghề",
    ),
    pytest.param(
        "Hỗ trợ tổ chức 600 lớp truyền nghề, nhân cấy nghề, thời gian dưới 03 tháng gắn với các"
        " doanh nghiệp, cơ sở CNNT cụ thể để tạo việc làm và thu nhập ổn định cho 21.000 lao động"
        " nông thôn.",
        [exact(600, "lớp"), exact(21000, "lao động")],
        id="001:77 600 lớp, dưới 03 tháng skipped, 21.000 lao động",
    ),
    pytest.param(
        "Hỗ trợ tổ chức 50 lớp tập huấn (dưới 6 ngày) về quản lý, quản trị, thiết kế mẫu, thị"
        " trường, tài chính, bán hàng, xuất nhập khẩu... cho 5.000 lượt lãnh đạo, cán bộ quản lý",
        [exact(50, "lớp"), exact(5000, "lượt lãnh đạo")],
        id="001:79 50 lớp, dưới 6 ngày skipped, 5.000 lượt lãnh đạo",
    ),
    pytest.param(
        "Hỗ trợ: 80-100 lượt doanh nghiệp, cơ sở sản xuất",
        [between(80, 100, "lượt doanh nghiệp")],
        id="001:86 Hỗ trợ: 80-100 lượt doanh nghiệp",
    ),
    pytest.param(
        "Hỗ trợ 8 huyện, thị xã tổ chức hội chợ triển lãm",
        [exact(8, "huyện")],
        id="001:87 8 huyện",
    ),
    pytest.param(
        "dự kiến 163.400.000.000 đồng (Bằng chữ: Một trăm sáu mươi ba tỷ, bốn trăm triệu đồng)",
        [exact(163400000000, "đồng")],
        id="001:99 163.400.000.000 đồng",
    ),
    pytest.param(
        "Hỗ trợ tổ chức đào tạo nghề cho khoảng 420 lao động (tương đương 12 lớp) cho các cơ sở"
        " công nghiệp nông thôn (CNNT); tập huấn bồi dưỡng kiến thức khởi sự doanh nghiệp, nâng cao"
        " năng lực quản lý, năng lực áp dụng sản xuất sạch hơn cho khoảng 300 học viên (tương đương"
        " 03 lớp)",
        [
            about(420, "lao động"),
            exact(12, "lớp"),
            about(300, "học viên"),
            exact(3, "lớp"),
        ],
        id="002:72 khoảng 420 lao động (tương đương 12 lớp)",
    ),
    pytest.param(
        "hỗ trợ thành lập khoảng 30\n\ndoanh nghiệp hoạt động trong lĩnh vực",
        [about(30, "doanh nghiệp")],
        id="002:72+74 khoảng 30 doanh nghiệp across a page break",
    ),
    pytest.param(
        "hỗ trợ lập quy hoạch chi tiết cho tối thiểu 02 cụm công nghiệp (CCN); hỗ trợ đầu tư hạ"
        " tầng kỹ thuật cho tối thiểu 02 CCN",
        [at_least(2, "cụm công nghiệp"), at_least(2, "cụm công nghiệp")],
        id="002:74 tối thiểu 02 cụm công nghiệp (CCN), tối thiểu 02 CCN",
    ),
    pytest.param(
        "hỗ trợ xây dựng, đăng ký bảo hộ nhãn hiệu cho 06 cơ sở công nghiệp nông thôn",
        [exact(6, "cơ sở")],
        id="002:74 06 cơ sở công nghiệp nông thôn",
    ),
    pytest.param(
        "Hỗ trợ xây dựng 01 hệ thống xử lý ô nhiễm môi trường tại cụm công nghiệp; Hỗ trợ xây dựng"
        " 02 hệ thống xử lý ô nhiễm môi trường tại cơ sở công nghiệp nông thôn, lồng ghép với Đề án"
        " bảo vệ môi trường, phòng chống biến đổi khí hậu tỉnh Hưng Yên giai đoạn 2016-2020, định"
        " hướng đến năm 2025.",
        [exact(1, "hệ thống"), exact(2, "hệ thống")],
        id="002:76 01 hệ thống, 02 hệ thống, periods skipped",
    ),
    pytest.param(
        "dự kiến là **8.374 triệu đồng**.",
        [exact(8374, "triệu đồng")],
        id="002:162 8.374 triệu đồng in bold",
    ),
    pytest.param(
        "năng lực áp dụng sản xuất sạch hơn trong công nghiệp (100 người/lớp)",
        [exact(100, "người", per="lớp")],
        id="002:267 100 người/lớp",
    ),
    pytest.param("Hưng Yên, ngày 27 tháng 12 năm 2017", [], id="002:5 date in words"),
    pytest.param(
        "quản trị sản xuất (dự kiến khoảng: 05 lớp, 350 lượt học viên, thời gian học 7 ngày).",
        [about(5, "lớp"), about(350, "lượt học viên")],
        id="003:125 khoảng: applies to the list, thời gian học 7 ngày skipped",
    ),
    pytest.param(
        "Có khoảng 900 doanh nghiệp hoạt động trong các lĩnh vực CNHT tại Hà Nội. Trong đó, có"
        " khoảng 300 doanh nghiệp",
        [about(900, "doanh nghiệp"), about(300, "doanh nghiệp")],
        id="003:12 khoảng 900 doanh nghiệp",
    ),
    pytest.param(
        "chiếm khoảng 16% giá trị sản xuất công nghiệp ngành công nghiệp chế biến, chế tạo Hà Nội;"
        " chỉ số phát triển công nghiệp lĩnh vực CNHT hàng năm tăng trên 11%.",
        [about(16, "%"), at_least(11, "%")],
        id="003:13 khoảng 16%, tăng trên 11%",
    ),
    pytest.param(
        "bao gồm 03 lĩnh vực chủ chốt là",
        [exact(3, "lĩnh vực")],
        id="003:7 03 lĩnh vực",
    ),
    pytest.param(
        "Tổ chức Hội chợ có quy mô khoảng 250 gian hàng",
        [about(250, "gian hàng")],
        id="003:18 khoảng 250 gian hàng",
    ),
    pytest.param(
        "(dự kiến từ 10 - 15 doanh nghiệp được tư vấn, hỗ trợ)",
        [between(10, 15, "doanh nghiệp")],
        id="003:87 dự kiến từ 10 - 15 doanh nghiệp",
    ),
    pytest.param(
        "(dự kiến khoảng 10 doanh nghiệp)",
        [about(10, "doanh nghiệp")],
        id="003:146 dự kiến khoảng 10 doanh nghiệp",
    ),
    pytest.param(
        "(dự kiến từ 5-10 doanh nghiệp)",
        [between(5, 10, "doanh nghiệp")],
        id="003:153 dự kiến từ 5-10 doanh nghiệp",
    ),
    pytest.param(
        "(gắn với tình hình phòng chống dịch Covid 19)",
        [],
        id="003:42 Covid 19",
    ),
    pytest.param(
        "Thực hiện Nghị định số 111/2015/NĐ-CP ngày 03/11/2015 của Chính phủ",
        [],
        id="003:3 111/2015/NĐ-CP ngày 03/11/2015",
    ),
    pytest.param(
        "Tổ chức Hội nghị tổng kết, đánh giá chương trình CNHT năm 2021, xây dựng kế hoạch năm"
        " 2022.",
        [],
        id="003:33 năm 2021, năm 2022",
    ),
    pytest.param("Từ tháng 3 đến tháng 11", [], id="003:88 month range"),
    pytest.param(
        "(Kèm theo Kế hoạch số 49/KH-UBND ngày 01 tháng 3 năm 2021 của UBND thành phố)",
        [],
        id="003:70 ngày 01 tháng 3 năm 2021",
    ),
    pytest.param("38367 C1607", [], id="004:47 scan stamp glued to letters and digits"),
]


@pytest.mark.parametrize(("text", "expected"), DOCUMENT_CASES)
def test_parse_targets_document_phrases(text: str, expected: list[Row]) -> None:
    assert expected == rows(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("tối đa 5 lớp", [at_most(5, "lớp")], id="tối đa"),
        pytest.param("không quá 5 lớp", [at_most(5, "lớp")], id="không quá"),
        pytest.param("dưới 100 doanh nghiệp", [at_most(100, "doanh nghiệp")], id="dưới"),
        pytest.param("không dưới 10 lớp", [at_least(10, "lớp")], id="không dưới"),
        pytest.param("ít nhất 3 lớp", [at_least(3, "lớp")], id="ít nhất"),
        pytest.param("Hơn 30 quốc gia", [at_least(30, "quốc gia")], id="Hơn capitalised"),
        pytest.param("từ 50 lớp", [at_least(50, "lớp")], id="từ alone is at_least"),
        pytest.param("xấp xỉ 200 đại biểu", [about(200, "đại biểu")], id="xấp xỉ"),
        pytest.param("KHOẢNG 200 ĐẠI BIỂU", [about(200, "đại biểu")], id="upper case"),
        pytest.param("mỗi năm 2 hội chợ", [exact(2, "hội chợ", per="năm")], id="mỗi năm small"),
        pytest.param("1,5 lớp", [exact(1.5, "lớp")], id="decimal comma"),
        pytest.param(
            "12 chuyên gia",
            [exact(12, "chuyên", certain=False)],
            id="unknown unit is the next word, uncertain",
        ),
        pytest.param("tăng 5-3 lớp", [], id="reversed range"),
        pytest.param("dịch Covid-19 lan rộng", [], id="Covid-19 hyphenated"),
        pytest.param("theo ISO 9001 mới", [], id="after an acronym"),
        pytest.param("2.1. Nội dung", [], id="enumerator 2.1."),
        pytest.param("cuối câu 5.", [], id="no word after the figure"),
        pytest.param("", [], id="empty"),
    ],
)
def test_parse_targets_rules(text: str, expected: list[Row]) -> None:
    assert expected == rows(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "thu hút khoảng 500 - 600 doanh nghiệp, cơ sở",
            ["khoảng 500 - 600 doanh nghiệp"],
            id="000:269 qualifier, range and unit",
        ),
        pytest.param("bình quân 6-8%/năm.", ["6-8%/năm"], id="000:76 rate included"),
        pytest.param(
            "Tổ chức 300 lớp truyền nghề, cấy nghề dưới 3 tháng cho 10.500 lao động nông thôn với",
            ["300 lớp", "10.500 lao động nông thôn"],
            id="000:267 full unit phrase kept",
        ),
        pytest.param(
            "(dự kiến khoảng: 05 lớp, 350 lượt học viên, thời gian học 7 ngày).",
            ["khoảng: 05 lớp", "350 lượt học viên"],
            id="003:125 list",
        ),
        pytest.param(
            "hoạt động khuyến công (02 đoàn/1 năm).",
            ["02 đoàn/1 năm"],
            id="000:181 rate with a count",
        ),
        pytest.param(
            "quy mô mỗi hội chợ từ 400 – 600 gian hàng phục vụ",
            ["từ 400 – 600 gian hàng"],
            id="000:285 mỗi lead-in not included",
        ),
        pytest.param("12 chuyên gia", ["12 chuyên"], id="uncertain unit word"),
    ],
)
def test_quantity_text(text: str, expected: list[str]) -> None:
    assert expected == [t.quantity_text for t in parse_targets(text)]


def test_quantity_text_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "khoảng 8.000 lượt cán bộ")
    assert ["khoảng 8.000 lượt cán bộ"] == [t.quantity_text for t in parse_targets(decomposed)]


def _target(
    unit: str, low: float | None, high: float | None, qualifier: str, per: str | None = None
) -> Target:
    return Target("", unit, low, high, qualifier, True, per)


@pytest.mark.parametrize(
    ("expected", "target", "lang"),
    [
        pytest.param("150–200 sản phẩm", _target("sản phẩm", 150, 200, "range"), "vi", id="range"),
        pytest.param(
            "≥ 10.000 lượt doanh nghiệp",
            _target("lượt doanh nghiệp", 10000, None, "at_least"),
            "vi",
            id="at least",
        ),
        pytest.param(
            "≥ 10,000 lượt doanh nghiệp",
            _target("lượt doanh nghiệp", 10000, None, "at_least"),
            "en",
            id="at least en",
        ),
        pytest.param(
            "≈ 8.000 lượt cán bộ", _target("lượt cán bộ", 8000, 8000, "about"), "vi", id="about"
        ),
        pytest.param(
            "≈ 500–600 doanh nghiệp",
            _target("doanh nghiệp", 500, 600, "about"),
            "vi",
            id="about a range",
        ),
        pytest.param("≲ 700 đại biểu", _target("đại biểu", None, 700, "nearly"), "vi", id="nearly"),
        pytest.param("≤ 5 lớp", _target("lớp", None, 5, "at_most"), "vi", id="at most"),
        pytest.param("300 lớp", _target("lớp", 300, 300, "exact"), "vi", id="exact"),
        pytest.param("≥ 80%", _target("%", 80, None, "at_least"), "vi", id="percent has no gap"),
        pytest.param("31,67%", _target("%", 31.67, 31.67, "exact"), "vi", id="decimals kept"),
        pytest.param("31.67%", _target("%", 31.67, 31.67, "exact"), "en", id="decimals kept en"),
        pytest.param(
            "6–8%/năm", _target("%/năm", 6, 8, "range", per="năm"), "vi", id="rate not repeated"
        ),
        pytest.param(
            "100 người/lớp", _target("người", 100, 100, "exact", per="lớp"), "vi", id="per"
        ),
        pytest.param(
            "400–600 gian hàng/hội chợ",
            _target("gian hàng", 400, 600, "range", per="hội chợ"),
            "vi",
            id="per item",
        ),
    ],
)
def test_target_summary(expected: str, target: Target, lang: str) -> None:
    assert expected == target_summary(target, lang)


def test_target_summary_from_parse() -> None:
    text = "Trên 10.000 lượt doanh nghiệp, cấp Thành phố từ 150 – 200 sản phẩm"
    expected = ["≥ 10.000 lượt doanh nghiệp", "150–200 sản phẩm"]
    assert expected == [target_summary(t) for t in parse_targets(text)]


def test_target_summary_rejects_unbounded() -> None:
    with pytest.raises(ValueError, match="without bounds"):
        target_summary(_target("lớp", None, None, "exact"))


# Fragments that exercise the parser's branches far more often than arbitrary text does.
_FRAGMENTS = st.sampled_from(
    (
        "khoảng|khoảng:|trên|Trên|từ|đến|gần|dưới|mỗi|-|–|%|/|/ năm|năm|ngày|tháng|giai đoạn|lớp"
        "|lượt doanh nghiệp|hội chợ|gian hàng|Covid|G7|ISO|(|)|,|.|:|;|\t|\n|5|05|500|1.000"
        "|60.000|31,67|2021|16/4/2019|920/QĐ-BCT|1.1.|xuống|USD|triệu USD|chuyên gia"
    ).split("|")
)
_PHRASES = st.lists(_FRAGMENTS, max_size=25).map(" ".join) | st.lists(_FRAGMENTS).map("".join)


def _check_invariants(text: str) -> None:
    normalised = unicodedata.normalize("NFC", text)
    for target in parse_targets(text):
        if target.min is not None and target.max is not None:
            assert target.min <= target.max
        assert target.min is not None or target.max is not None
        assert target.qualifier in QUALIFIERS
        assert target.quantity_text in normalised
        assert target.certain == (target.unit in KNOWN_UNITS or target.unit.startswith("%"))
        target_summary(target)


@given(st.text())
def test_parse_targets_never_raises_on_arbitrary_text(text: str) -> None:
    _check_invariants(text)


@given(_PHRASES)
def test_parse_targets_invariants_on_document_like_text(text: str) -> None:
    _check_invariants(text)
