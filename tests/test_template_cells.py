"""The plan template as officials fill it: qualified cells, TỔNG totals and counts, quantities."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from plans.data import imports, templates
from plans.data.notation import NumberFormatError, read_figure

META = ["tinh", "ten_chuong_trinh", "nam_bat_dau", "nam_ket_thuc"]
FIRST = ["Bắc Ninh", "Kế hoạch khuyến công năm 2025", "2025", "2025"]


@pytest.fixture()
def place(tmp_path: Path, built_db: Path) -> dict[str, Path]:
    """A private database (a copy of the session one) and an empty imports folder."""
    db = tmp_path / "plans.duckdb"
    shutil.copy(built_db, db)
    return {"db": db, "imports": tmp_path / "imports"}


def table(columns: list[str], *rows: list[str]) -> bytes:
    """A template CSV: the programme's information on the first row only."""
    header = [*META, *columns]
    body = [[*(FIRST if k == 0 else [""] * len(META)), *row] for k, row in enumerate(rows)]
    return templates.to_csv([header, *body])


def validate(place: dict[str, Path], name: str, data: bytes, **kw) -> imports.Staged:
    return imports.validate(name, data, imports_dir=place["imports"], **kw)


def commit(place: dict[str, Path], name: str, data: bytes) -> imports.Staged:
    staged = validate(place, name, data)
    assert [] == staged.errors, staged.report("en")
    imports.commit(staged, data, "Nguyễn Văn A", db_path=place["db"], imports_dir=place["imports"])
    return staged


def query(place: dict[str, Path], sql: str, **params) -> list[tuple]:
    with duckdb.connect(str(place["db"]), read_only=True) as con:
        return con.execute(sql, params).fetchall()


# --- every cell form: (value, high end, qualifier, precision) --------------------------------

MONEY = [
    ((162.5, None, "nearly", 0.1), "gần 162,5 triệu đồng", None),
    ((342.0, None, "at_least", 1.0), "hơn 342", None),
    ((375600.0, None, "about", 100.0), "khoảng 375,6 tỷ đồng", None),
    ((10.0, None, "at_least", 1.0), "trên 10", None),
    ((5000.0, None, "at_least", 1000.0), "tối thiểu 5 tỷ đồng", None),
    ((1200.0, None, "at_most", 1.0), "tối đa 1.200", None),
    ((800.0, None, "at_most", 1.0), "không quá 800", None),
    ((300.0, 350.0, "range", 1.0), "300-350", None),
    ((300000.0, 350000.0, "range", 1000.0), "300 – 350 tỷ đồng", None),
    ((300.0, 350.0, "range", 1.0), "300 đến 350", None),
    ((2520.0, None, "exact", 10.0), "2,52", "tỷ đồng"),  # the header's unit applies
    ((262.5, None, "exact", 0.1), "262,5 triệu đồng", "tỷ đồng"),  # the cell's own unit wins
    ((2500.0, None, "exact", 100.0), "2,5 tỷ", None),  # README: ±50 triệu
    ((250900.0, None, "exact", 100.0), "250,9 tỷ đồng", None),  # 000:205
    ((4200.0, None, "exact", 1.0), "4.200", None),  # 000:267, README: ±0,5
    ((380000.0, None, "about", 10000.0), "khoảng 380 tỷ", None),  # after khoảng: rounded
    ((700.0, None, "nearly", 100.0), "gần 700", None),
    ((163400.0, None, "exact", 1e-06), "163.400.000.000 đồng", None),
]


@pytest.mark.parametrize(
    ("expected", "text", "unit"), MONEY, ids=[f"{m[1]} ({m[2]})" for m in MONEY]
)
def test_money_cells_as_officials_write_them(expected, text, unit) -> None:
    figure = read_figure(text, unit)
    assert expected == (figure.value, figure.high, figure.qualifier, figure.precision)


QUANTITY = [
    ((13.0, None, "exact", "đề án"), "13 đề án"),
    ((19.0, None, "exact", ""), "19"),
    ((5.0, 6.0, "about", "lớp"), "khoảng 5 - 6 lớp"),
    ((30.0, None, "at_least", "lượt doanh nghiệp"), "trên 30 lượt doanh nghiệp"),
]


@pytest.mark.parametrize(("expected", "text"), QUANTITY, ids=[q[1] for q in QUANTITY])
def test_quantity_cells(expected, text) -> None:
    figure = read_figure(text, money=False)
    assert expected == (figure.value, figure.high, figure.qualifier, figure.unit)


@pytest.mark.parametrize("text", ["bốn nghìn", "350-300", "hơn 300-350", "15 triệu USD", "gần"])
def test_cells_that_are_no_figure_are_refused(text) -> None:
    with pytest.raises(NumberFormatError):
        read_figure(text)


# --- through the import: stored with the printed text ---------------------------------------

COLUMNS = ["muc", "ma_nhiem_vu", "nhiem_vu", "dvt", "so_luong_2025", "kinh_phi_2025",
           "so_luong_tong", "tong_kinh_phi"]  # fmt: skip


def test_qualified_cells_are_stored_with_number_and_printed_text(place) -> None:
    data = table(
        COLUMNS,
        ["I", "", "Đào tạo nghề", "", "", "khoảng 375,6 tỷ đồng", "", "300-350 tỷ đồng"],
        ["I", "1", "Truyền nghề", "", "", "gần 162,5 triệu đồng", "", ""],
        ["I", "2", "Tập huấn", "", "", "hơn 342", "", ""],
    )
    staged = validate(place, "dinh_luong.csv", data)
    assert [] == staged.errors, staged.report("en")
    amounts = {a["task_code"]: a for a in staged.tables["budget_amounts"]}
    assert (162.5, "gần 162,5 triệu đồng") == (
        amounts["I.1"]["amount_mvnd"],
        amounts["I.1"]["amount_printed"],
    )
    assert (342.0, "hơn 342") == (amounts["I.2"]["amount_mvnd"], amounts["I.2"]["amount_printed"])
    totals = {(s["scope"], s["year"]): s for s in staged.tables["stated_totals"]}
    year = totals[("section", 2025)]
    assert ("about", 375600.0, None, 100.0) == (
        year["qualifier"],
        year["stated_value"],
        year["stated_max"],
        year["precision"],
    )
    period = totals[("section", "")]
    assert ("range", 300000.0, 350000.0) == (
        period["qualifier"],
        period["stated_value"],
        period["stated_max"],
    )


# --- TỔNG: stated total filled, stated count reconciled ---------------------------------------


def _count_table(stated: str, tasks: int) -> bytes:
    rows = [["I", "", "Hỗ trợ cơ sở", "", "", "", "", ""]]
    rows += [["I", str(k), f"Nhiệm vụ {k}", "", "", "10", "", "10"] for k in range(1, tasks + 1)]
    rows.append(["TỔNG", "", f"Tổng cộng ({stated})", "", "", f"{tasks * 10}", "", "0,24 tỷ"])
    return table(COLUMNS, *rows)


def test_tong_row_fills_the_stated_total_and_a_wrong_count_is_a_finding(place) -> None:
    staged = commit(place, "dem_nhiem_vu.csv", _count_table("25 nhiệm vụ", 24))
    programme = staged.programme_id
    assert ["import.count_differs"] == [
        p.key for p in staged.warnings if p.key.endswith("_differs")
    ]
    assert [(240.0, "0,24 tỷ")] == query(
        place,
        "select stated_total_mvnd, stated_total_printed from programmes where programme_id = $p",
        p=programme,
    )
    found = query(
        place,
        "select kind, location, stated_value, computed_value from reconciliation "
        "where programme_id = $p",
        p=programme,
    )
    assert [("task_count", "Dòng Tổng cộng, số nhiệm vụ", 25.0, 24.0)] == found


def test_a_count_that_adds_up_is_no_finding(place) -> None:
    staged = validate(place, "dem_dung.csv", _count_table("24 nhiệm vụ", 24))
    assert [] == [p.key for p in staged.warnings if p.key.endswith("_differs")]
    [count] = [s for s in staged.tables["stated_totals"] if s["measure"] == "task_count"]
    assert (24.0, "24 nhiệm vụ", "grand") == (
        count["stated_value"],
        count["printed_text"],
        count["scope"],
    )


# --- the unit in a column header together with a TỔNG row (the user's example) ----------------


def test_unit_in_header_with_a_tong_row_end_to_end(place) -> None:
    columns = ["muc", "ma_nhiem_vu", "nhiem_vu", "kinh_phi_2025 (tỷ đồng)",
               "tong_kinh_phi (tỷ đồng)"]  # fmt: skip
    data = table(
        columns,
        ["I", "", "Đào tạo", "", ""],
        ["I", "1", "Truyền nghề", "1,5", "1,5"],
        ["I", "2", "Tập huấn", "1,02", "1,02"],
        ["TỔNG", "", "", "2,52", "2,52"],
    )
    before = query(place, "select count(*) from reconciliation")
    staged = commit(place, "don_vi_tieu_de.csv", data)
    programme = staged.programme_id
    checks = query(
        place,
        "select kind, printed_text, stated_value, computed_value, status from total_checks "
        "where programme_id = $p and scope = 'grand' and parts_basis = 'lines' order by kind",
        p=programme,
    )
    assert [
        ("grand_total", "2,52 tỷ đồng", 2520.0, 2520.0, "ok"),
        ("year_total", "2,52 tỷ đồng", 2520.0, 2520.0, "ok"),
    ] == checks
    assert before == query(place, "select count(*) from reconciliation")
    assert [(2520.0, "2,52 tỷ đồng")] == query(
        place,
        "select stated_total_mvnd, stated_total_printed from programmes where programme_id = $p",
        p=programme,
    )


# --- planned quantities become targets --------------------------------------------------------


def test_planned_quantities_become_targets(place) -> None:
    data = table(
        COLUMNS,
        ["I", "", "Đề án", "", "", "", "", ""],
        ["I", "1", "Xây dựng mô hình trình diễn", "", "13 đề án", "500", "", "500"],
        ["I", "2", "Hỗ trợ máy móc thiết bị", "đề án", "", "600", "khoảng 19", "600"],
        ["I", "3", "Đào tạo nghề", "lớp", "", "100", "300-350", "100"],
    )
    staged = commit(place, "so_luong.csv", data)
    targets = query(
        place,
        "select task_code, unit, target_min, target_max, qualifier, quantity_text, source_file, "
        "source_line from targets where programme_id = $p and source_kind = 'quantity' "
        "order by task_code",
        p=staged.programme_id,
    )
    assert [
        ("I.1", "đề án", 13.0, 13.0, "exact", "13 đề án", "so_luong.csv", "3"),
        ("I.2", "đề án", 19.0, 19.0, "about", "khoảng 19 đề án", "so_luong.csv", "4"),
        ("I.3", "lớp", 300.0, 350.0, "range", "300-350 lớp", "so_luong.csv", "5"),
    ] == targets


# --- tolerance by printed precision, qualifiers read as they say -------------------------------


@pytest.mark.parametrize(
    ("finding", "stated", "parts"),
    [
        (False, "2,5 tỷ", ["1.270", "1.270"]),  # 40 triệu off: within ±50 triệu
        (True, "2,5 tỷ", ["1.280", "1.280"]),  # 60 triệu off
        (False, "4.200", ["2.100", "2.100,4"]),  # ±0,5
        (True, "4.200", ["2.100", "2.100,6"]),
        (False, "khoảng 380 tỷ", ["188.000", "188.000"]),  # 376 tỷ: rounds to 380
        (True, "gần 1.000", ["510", "510"]),  # nearly: at most 1.000
        (False, "gần 1.000", ["450", "460"]),  # 910 is just under 1.000
        (True, "gần 1.000", ["200", "200"]),  # 400 does not round to 1.000
        (True, "hơn 342", ["150", "150"]),  # more than 342: 300 is not
        (False, "hơn 342", ["200", "150"]),
        (False, "300-350", ["160", "160"]),
        (True, "300-350", ["180", "180"]),
        (True, "tối đa 1.000", ["600", "600"]),
    ],
    ids=lambda v: str(v),
)
def test_a_total_is_read_with_its_precision_and_qualifier(place, finding, stated, parts) -> None:
    data = table(
        COLUMNS,
        ["I", "", "Mục", "", "", "", "", stated],
        ["I", "1", "Nhiệm vụ 1", "", "", parts[0], "", ""],
        ["I", "2", "Nhiệm vụ 2", "", "", parts[1], "", ""],
    )
    staged = commit(place, "dung_sai.csv", data)
    warned = [p.key for p in staged.warnings if p.key == "import.total_differs"]
    found = query(
        place,
        "select count(*) from reconciliation where programme_id = $p and kind = 'section_total'",
        p=staged.programme_id,
    )
    assert (finding, finding) == (bool(warned), bool(found[0][0]))


# --- messages name the user's row and the column as the user wrote it -------------------------


def test_messages_name_the_users_header(place) -> None:
    header = [*META, "Mục", "TT", "Tên nhiệm vụ", "Năm 2025 (tỷ đồng)", "Tổng cộng"]
    rows = [
        header,
        [*FIRST, "I", "1", "Truyền nghề", "một tỷ", "1.000"],
    ]
    data = templates.to_csv(rows)
    staged = validate(place, "tieu_de.csv", data, mapping=imports.suggest_mapping(header, "plan"))
    assert ["dòng 2, cột Năm 2025 (tỷ đồng): Cần một số (ví dụ 1.234,5 hoặc 2,52 tỷ đồng), "
            "gặp 'một tỷ'."] == [p.message("vi") for p in staged.errors]  # fmt: skip


def test_no_section_and_no_number_are_warned_with_row_and_column(place) -> None:
    header = [*META, "muc", "ma_nhiem_vu", "nhiem_vu", "kinh_phi_2025"]
    rows = [
        header,
        [*FIRST, "", "", "Truyền nghề", "100"],
        ["", "", "", "", "", "", "Tập huấn", "200"],
        ["", "", "", "", "", "", "Tổng cộng", "300"],
    ]
    staged = validate(place, "khong_muc.csv", templates.to_csv(rows))
    assert [] == staged.errors, staged.report("en")
    assert [
        "cột muc: Bảng không ghi mục nào: cả bảng được đọc là một mục (I).",
        "dòng 2, cột ma_nhiem_vu: Dòng nhiệm vụ không có số thứ tự: đánh số I.1.",
        "dòng 3, cột ma_nhiem_vu: Dòng nhiệm vụ không có số thứ tự: đánh số I.2.",
    ] == [
        p.message("vi")
        for p in staged.warnings
        if p.key in ("import.one_section", "import.task_numbered")
    ]
    assert ["I.1", "I.2"] == [task["task_code"] for task in staged.tables["tasks"]]
    assert [("grand", 2025, 300.0)] == [
        (s["scope"], s["year"], s["stated_value"]) for s in staged.tables["stated_totals"]
    ]


def test_a_trial_build_error_names_the_users_row_not_an_internal_file(place) -> None:
    from plans.data.build import BuildError, load_tables

    columns = ["muc", "ma_nhiem_vu", "nhiem_vu", "kinh_phi_2025 (tỷ đồng)"]
    staged = validate(
        place, "thu.csv", table(columns, ["I", "1", "A", "1,5"], ["TỔNG", "", "", "1,5"])
    )
    staged.tables["stated_totals"][0]["printed_text"] = "1,5"  # the unit lost, as before the fix
    folder = place["imports"].parent / "trial"
    imports._write_tables(folder, staged.tables)
    with pytest.raises(BuildError) as caught:
        load_tables(imports_dir=place["imports"], extra_imports=(folder,))
    [message] = [imports._trial_problem(e, folder, staged.tables).message("vi")
                 for e in caught.value.errors]  # fmt: skip
    assert message.startswith("dòng 3, cột kinh_phi_2025: Dữ liệu nhập không khớp")
    assert "imports/" not in message


def test_total_in_words_column_is_a_stated_total_and_bad_words_name_row_and_column(
    tmp_path,
) -> None:
    """tong_bang_chu (the "(Bằng chữ: …)" line) is stored like 000:328; words that are no number
    are refused on their row and column."""
    from plans.data import templates

    rows = templates.plan_rows()
    header = [*rows[0], "tong_bang_chu"]
    width = len(rows[0])  # example rows may stop before the last (empty) columns
    body = [[*r, *[""] * (width - len(r)), ""] for r in rows[1:]]
    body[-1][-1] = "Hai trăm năm mươi tỷ, chín trăm triệu đồng"  # the TỔNG row
    staged = imports.validate(
        "bang_chu.csv", templates.to_csv([header, *body]), imports_dir=tmp_path / "imports"
    )
    assert [] == staged.errors
    text = [r for r in staged.tables["stated_totals"] if r["scope"] == "text"]
    assert [("Hai trăm năm mươi tỷ, chín trăm triệu đồng", 250900.0)] == [
        (r["printed_text"], r["stated_value"]) for r in text
    ]
    body[-1][-1] = "Hai trăm năm mươi tỷ đồng chẵn và nhiều"
    staged = imports.validate(
        "bang_chu_2.csv", templates.to_csv([header, *body]), imports_dir=tmp_path / "imports"
    )
    assert [(len(rows), "tong_bang_chu")] == [(p.row, p.column) for p in staged.errors]
