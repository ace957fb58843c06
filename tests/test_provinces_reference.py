"""The provinces before and since 1/7/2025 (plans.data.provinces) and how the build uses them.

The oracle of the merges is the list of Nghị quyết 202/2025/QH15 (Điều 1, khoản 1-23), typed
here as the test's expectation; the product takes its reference from the package, never from it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from plans import db
from plans.data import provinces
from plans.data.build import BuildError, build

# Nghị quyết 202/2025/QH15: the new province (its name) and the provinces merged into it.
MERGES = {
    "Tuyên Quang": {"Tuyên Quang", "Hà Giang"},
    "Lào Cai": {"Lào Cai", "Yên Bái"},
    "Thái Nguyên": {"Thái Nguyên", "Bắc Kạn"},
    "Phú Thọ": {"Phú Thọ", "Vĩnh Phúc", "Hòa Bình"},
    "Bắc Ninh": {"Bắc Ninh", "Bắc Giang"},
    "Hưng Yên": {"Hưng Yên", "Thái Bình"},
    "Hải Phòng": {"Hải Phòng", "Hải Dương"},
    "Ninh Bình": {"Ninh Bình", "Hà Nam", "Nam Định"},
    "Quảng Trị": {"Quảng Trị", "Quảng Bình"},
    "Đà Nẵng": {"Đà Nẵng", "Quảng Nam"},
    "Quảng Ngãi": {"Quảng Ngãi", "Kon Tum"},
    "Gia Lai": {"Gia Lai", "Bình Định"},
    "Khánh Hòa": {"Khánh Hòa", "Ninh Thuận"},
    "Lâm Đồng": {"Lâm Đồng", "Đắk Nông", "Bình Thuận"},
    "Đắk Lắk": {"Đắk Lắk", "Phú Yên"},
    "Hồ Chí Minh": {"Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"},
    "Đồng Nai": {"Đồng Nai", "Bình Phước"},
    "Tây Ninh": {"Tây Ninh", "Long An"},
    "Cần Thơ": {"Cần Thơ", "Sóc Trăng", "Hậu Giang"},
    "Vĩnh Long": {"Vĩnh Long", "Bến Tre", "Trà Vinh"},
    "Đồng Tháp": {"Đồng Tháp", "Tiền Giang"},
    "Cà Mau": {"Cà Mau", "Bạc Liêu"},
    "An Giang": {"An Giang", "Kiên Giang"},
}
UNCHANGED = {
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Cao Bằng",
}  # fmt: skip


def test_the_23_merges_of_resolution_202_2025() -> None:
    merged: dict[str, set[str]] = {}
    for p in provinces.reference():
        if p.status != "unchanged":
            merged.setdefault(p.successor, set()).add(p.province)
    assert MERGES == merged


def test_63_names_11_unchanged_23_new_29_gone() -> None:
    rows = provinces.reference()
    assert 63 == len({p.province for p in rows})
    assert UNCHANGED == {p.province for p in rows if p.status == "unchanged"}
    assert set(MERGES) == {p.province for p in rows if p.status == "new_2025"}
    gone = {p.province for p in rows if p.status == "merged_2025"}
    assert 29 == len(gone)
    assert 34 == len({p.successor for p in rows})
    # every old name belongs to exactly one of the 34, and the 34 to themselves
    assert all(by.successor == by.province for by in rows if by.status != "merged_2025")


@pytest.mark.parametrize(
    ("name", "code", "code_before", "successor_code"),
    [
        pytest.param("Gia Lai", "52", "64", "52", id="Gia Lai takes Bình Định's code 52"),
        pytest.param("Bình Định", "52", "52", "52", id="Bình Định merged into Gia Lai"),
        pytest.param("Hà Nội", "01", "01", "01", id="Hà Nội unchanged"),
        pytest.param("Thái Bình", "34", "34", "33", id="Thái Bình into Hưng Yên 33"),
    ],
)
def test_codes_before_and_since(
    name: str, code: str, code_before: str, successor_code: str
) -> None:
    p = provinces.by_name()[name]
    assert (code, code_before, successor_code) == (p.code, p.code_before, p.successor_code)


@pytest.mark.parametrize(
    ("written", "expected", "exact"),
    [
        ("Hà Nội", "Hà Nội", True),
        ("TP. Hồ Chí Minh", "Hồ Chí Minh", False),
        ("Thành phố Hồ Chí Minh", "Hồ Chí Minh", False),
        ("TP HCM", "Hồ Chí Minh", False),
        ("Thừa Thiên Huế", "Huế", False),
        ("Ha Noi", "Hà Nội", False),
        ("tỉnh Bình Định", "Bình Định", False),
        ("Hoà Bình", "Hòa Bình", False),  # the other place of the tone mark
        ("Thanh Hoá", "Thanh Hóa", False),
        ("Dak Lak", "Đắk Lắk", False),
    ],
)
def test_spelling_variants_are_matched(written: str, expected: str, exact: bool) -> None:
    found = provinces.match(written)
    assert (expected, exact) == (found.province.province, found.exact)


@pytest.mark.parametrize(
    ("written", "suggested"),
    [
        pytest.param("Hà Tây", "Hà Tĩnh", id="Hà Tây (merged into Hà Nội in 2008) is no province"),
        pytest.param("Quảng", "Quảng Trị", id="a fragment"),
        pytest.param("Xyz", None, id="nothing near"),
    ],
)
def test_unknown_names_are_refused_with_the_closest(written: str, suggested: str | None) -> None:
    found = provinces.match(written)
    assert found.province is None
    if suggested is None:
        assert () == found.suggestions
    else:
        assert suggested in found.suggestions


def test_the_database_holds_the_reference_and_both_views(con) -> None:
    assert 63 == con.execute("select count(*) from provinces").fetchone()[0]
    assert (
        provinces.source() == con.execute("select any_value(source) from provinces").fetchone()[0]
    )
    rows = con.execute(
        "select boundary, province, province_as_issued, before_merger, members "
        "from programme_provinces where programme_id = 'HY-2018-2020' order by boundary"
    ).fetchall()
    # 002: the Hưng Yên programme to 2020, of the old Hưng Yên, now part of the new one
    assert [
        ("as_issued", "Hưng Yên", "Hưng Yên", True, ["Hưng Yên", "Thái Bình"]),
        ("current", "Hưng Yên", "Hưng Yên", True, ["Hưng Yên", "Thái Bình"]),
    ] == rows
    assert 2 * 5 == con.execute("select count(*) from programme_provinces").fetchone()[0]


def _with_programme(data_copy: Path, province: str, start: int, end: int) -> None:
    """Rename the Hưng Yên programme of data/ (002) to another province and period."""
    path = data_copy / "programmes.csv"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("HY-2018-2020,"))
    new = line.replace("HY-2018-2020,Hưng Yên,", f"HY-2018-2020,{province},", 1).replace(
        ",2018,2020,", f",{start},{end},", 1
    )
    path.write_text(text.replace(line, new), encoding="utf-8")
    for name in ("budget_amounts.csv", "stated_totals.csv"):  # years must stay in the period
        table = data_copy / name
        keep = [
            x
            for x in table.read_text(encoding="utf-8").splitlines()
            if not x.startswith("HY-2018-2020,")
        ]
        table.write_text("\n".join(keep) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("province", "start", "end", "expected"),
    [
        pytest.param(
            "Hà Tây", 2018, 2020, "tỉnh “Hà Tây” không có trong danh mục", id="unknown name"
        ),
        pytest.param(
            "TP. Hồ Chí Minh", 2018, 2020, "ghi là “Hồ Chí Minh”", id="a variant in data/"
        ),
        pytest.param(
            "Thái Bình",
            2026,
            2030,
            "đã hợp nhất vào Hưng Yên từ 1/7/2025: chương trình bắt đầu năm 2026",
            id="Thái Bình 2026-2030 no longer exists",
        ),
    ],
)
def test_build_refuses_a_province_it_cannot_place(
    data_copy: Path, tmp_path: Path, province: str, start: int, end: int, expected: str
) -> None:
    _with_programme(data_copy, province, start, end)
    target = tmp_path / "plans.duckdb"
    with pytest.raises(BuildError) as caught:
        build(target, data_copy, tmp_path / "imports")
    report = caught.value.report("vi")
    assert "data/programmes.csv, dòng 5, cột province" in report
    assert expected in report
    assert not target.exists()


def test_an_old_province_before_the_merger_builds(data_copy: Path, tmp_path: Path) -> None:
    _with_programme(data_copy, "Thái Bình", 2018, 2020)
    target = tmp_path / "plans.duckdb"
    build(target, data_copy, tmp_path / "imports")
    with db.connect(target) as con:
        rows = con.execute(
            "select boundary, province from programme_provinces "
            "where programme_id = 'HY-2018-2020' order by boundary"
        ).fetchall()
    assert [("as_issued", "Thái Bình"), ("current", "Hưng Yên")] == rows


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(
            "2025,3.31,National Statistics Office of Viet Nam (annual average CPI; "
            "announced 5/1/2026)",
            id="shared/reference/cpi_vietnam.csv 2025",
        )
    ],
)
def test_cpi_has_2025(line: str, con) -> None:
    ours = Path(__file__).resolve().parents[1] / "data" / "reference" / "cpi_vietnam.csv"
    assert line in ours.read_text(encoding="utf-8").splitlines()
    assert 2025 == con.execute("select max(year) from cpi").fetchone()[0]
