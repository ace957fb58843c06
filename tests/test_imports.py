"""Importing plan tables and results reports: golden equality, bad input, removal, concurrency."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from plans import settings
from plans.data import imports, templates
from plans.data.build import build

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def place(tmp_path: Path, built_db: Path) -> dict[str, Path]:
    """A private database (a copy of the session one) and an empty imports folder."""
    db = tmp_path / "plans.duckdb"
    shutil.copy(built_db, db)
    return {"db": db, "imports": tmp_path / "imports"}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def plan_csv() -> bytes:
    return templates.to_csv(templates.plan_rows())


def run(place: dict[str, Path], name: str, data: bytes, **kw) -> imports.Staged:
    return imports.validate(name, data, imports_dir=place["imports"], **kw)


def store(place: dict[str, Path], name: str, data: bytes, editor: str = "Nguyễn Văn A") -> str:
    staged = run(place, name, data)
    assert not staged.errors, staged.report("en")
    return imports.commit(staged, data, editor, db_path=place["db"], imports_dir=place["imports"])


def shares(db: Path, programme: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select level, key, amount_mvnd, round(share_pct, 6) from budget_shares "
            "where programme_id = $p order by level, key",
            {"p": programme},
        ).fetchall()


# --- golden: a source table written in the template gives the built-in figures -------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_hanoi_2021_2025_through_the_template_gives_the_same_figures(fmt, place) -> None:
    rows = templates.plan_rows("HN-2021-2025")
    data = templates.to_csv(rows) if fmt == "csv" else templates.to_xlsx(rows)
    staged = run(place, f"ha_noi.{fmt}", data)
    assert [] == staged.errors
    assert "HN-2021-2025-2" == staged.programme_id  # same province and period: a new id, warned
    store(place, f"ha_noi.{fmt}", data)
    assert shares(place["db"], "HN-2021-2025") == shares(place["db"], "HN-2021-2025-2")
    with duckdb.connect(str(place["db"]), read_only=True) as con:
        found = con.execute(
            "select location, stated_value, computed_value from reconciliation "
            "where programme_id = 'HN-2021-2025-2' order by location"
        ).fetchall()
        # the two findings of 000:314 and 000:325, found again in the imported copy
        assert [("Mục V, cột Tổng cộng", 5600.0, 5100.0),
                ("Mục V, nhiệm vụ V.4, cột Tổng cộng", 2500.0, 3000.0)] == found  # fmt: skip
        year = con.execute(
            "select sum(amount_mvnd) from budget_lines where programme_id = 'HN-2021-2025-2' "
            "and year = 2021"
        ).fetchone()[0]
        assert 50220 == year  # 000:326


def test_hung_yen_through_the_template(place) -> None:
    data = templates.to_csv(templates.plan_rows("HY-2018-2020"))
    staged = run(place, "hung_yen.csv", data)
    # only the same-province-and-period notice: every stated table total of 002 adds up
    assert ["import.same_period"] == [
        p.key for p in staged.warnings if p.key != "import.blank_amount"
    ]
    store(place, "hung_yen.csv", data)
    assert shares(place["db"], "HY-2018-2020") == shares(place["db"], "HY-2018-2020-2")


def test_results_report_through_the_template(place) -> None:
    data = templates.to_csv(templates.results_rows("HN-2011-2015"))
    staged = run(place, "ket_qua.csv", data)
    assert [] == staged.errors
    assert "results" == staged.kind
    store(place, "ket_qua.csv", data)
    with duckdb.connect(str(place["db"]), read_only=True) as con:
        pct = con.execute(
            "select achievement_pct, target_basis from target_results "
            "where programme_id = 'HN-2011-2015' and source_file = 'ket_qua.csv' "
            "and indicator like 'Lao động nông thôn được truyền nghề%'"
        ).fetchone()
    assert (71.2, "derived") == (pytest.approx(pct[0]), pct[1])  # 001:8


# --- officials' cells ------------------------------------------------------------------------


def test_cells_as_officials_write_them(place) -> None:
    rows = [
        ["tinh", "ten_chuong_trinh", "nam_bat_dau", "nam_ket_thuc", "muc", "ma_nhiem_vu",
         "nhiem_vu", "ket_qua", "kinh_phi_2024", "kinh_phi_2025 (tỷ đồng)", "tong_kinh_phi"],
        ["Bắc Ninh", "Chương trình khuyến công 2024-2025", "2024", "2025", "I", "", "Đào tạo", "",
         "", "", ""],
        ["", "", "", "", "I", "1", "Truyền nghề", "150 – 200 học viên", "2,52 tỉ đồng", "1,5",
         "4.020"],
        ["", "", "", "", "", "", "(tiếp) cho lao động nông thôn", "", "", "", ""],
        ["tinh", "ten_chuong_trinh", "nam_bat_dau", "nam_ket_thuc", "muc", "ma_nhiem_vu",
         "nhiem_vu", "ket_qua", "kinh_phi_2024", "kinh_phi_2025 (tỷ đồng)", "tong_kinh_phi"],
        ["", "", "", "", "I", "2", "Tập huấn", "khoảng 30 lớp", "262,5 triệu đồng", "", "262,5"],
    ]  # fmt: skip
    staged = run(place, "bac_ninh.csv", templates.to_csv(rows))
    assert [] == staged.errors, staged.report("en")
    amounts = {
        (a["task_code"], a["year"]): a["amount_mvnd"] for a in staged.tables["budget_amounts"]
    }
    assert 2520.0 == amounts[("I.1", 2024)]  # "2,52 tỉ đồng"
    assert 1500.0 == amounts[("I.1", 2025)]  # 1,5 in a tỷ đồng column
    assert 262.5 == amounts[("I.2", 2024)]
    assert 0 == amounts[("I.2", 2025)]  # blank, with a warning
    task = staged.tables["tasks"][0]
    assert "Truyền nghề (tiếp) cho lao động nông thôn" == task["task_name"]
    keys = [p.key for p in staged.warnings]
    assert {"import.continuation", "import.header_repeated", "import.blank_amount"} <= set(keys)
    assert "BN-2024-2025" == staged.programme_id


# --- bad input: a clear message, and the database byte-for-byte unchanged ---------------------


def _xlsx_with_formula() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    rows = templates.plan_rows()[:3]
    for row in rows:
        sheet.append(row)
    sheet["S3"] = "=SUM(1,2)"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _replace_cell(column: str, value: str, row: int = 2) -> bytes:
    rows = templates.plan_rows()
    rows[row][rows[0].index(column)] = value
    return templates.to_csv(rows)


BAD = [
    pytest.param("x.csv", "Xin chào".encode("cp1258"), "Tệp CSV phải mã hóa UTF-8", id="wrong encoding"),
    pytest.param("x.csv", b"", "Tệp rỗng.", id="empty file"),
    pytest.param("x.csv", b"tinh,nhiem_vu\nA,B\n", "dòng 1, cột muc: Thiếu cột 'muc'", id="missing column"),
    pytest.param("x.csv", _replace_cell("kinh_phi_2021", "bốn nghìn", 2), "dòng 3, cột kinh_phi_2021: Cần một số", id="text in a number column"),
    pytest.param("x.csv", _replace_cell("kinh_phi_2021", "-4.200", 2), "dòng 3, cột kinh_phi_2021: Số âm không hợp lệ", id="negative amount"),
    pytest.param("x.csv", _replace_cell("kinh_phi_2021", "99.000.000.000", 2), "lớn bất thường", id="absurd amount"),
    pytest.param("x.csv", _replace_cell("ma_nhiem_vu", "I.1", 3), "dòng 4, cột ma_nhiem_vu: Nhiệm vụ 'I.1' đã có ở dòng 3", id="duplicate task"),
    pytest.param("x.csv", templates.to_csv([[c.replace("kinh_phi_2025", "kinh_phi_2031") for c in r] for r in templates.plan_rows()]), "Cột năm 2031 nằm ngoài giai đoạn 2021-2025", id="year outside the period"),
    pytest.param("x.csv", _replace_cell("nhiem_vu", "=HYPERLINK(\"http://x\")", 2), "Ô chứa công thức", id="formula in a CSV cell"),
    pytest.param("x.xlsx", _xlsx_with_formula(), "Ô chứa công thức '=SUM(1,2)'", id="formula in an XLSX cell"),
    pytest.param("x.csv", _replace_cell("ket_qua", "<script>alert(1)</script>", 2), "Ô chứa mã script/HTML", id="script in a cell"),
    pytest.param("x.xlsx", b"PK not really a zip", "Tệp .xlsx này không mở được", id="xlsx that is not a zip"),
    pytest.param("x.csv", b"tinh,muc\x00\n", "Tệp chứa ký tự NUL", id="csv with NUL bytes"),
    pytest.param("x.doc", b"\xd0\xcf\x11\xe0", "Chỉ nhận tệp .csv, .xlsx, .docx, .pdf", id="other format"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "expected"), BAD)
def test_bad_input_is_refused_with_a_message(name, data, expected, place) -> None:
    before = digest(place["db"])
    staged = run(place, name, data)
    messages = [p.message("vi") for p in staged.errors]
    assert any(expected in m for m in messages), messages
    with pytest.raises(ValueError):
        imports.commit(staged, data, "x", db_path=place["db"], imports_dir=place["imports"])
    assert before == digest(place["db"])
    assert not place["imports"].exists() or not any(place["imports"].iterdir())


def test_a_50_mb_file_is_refused_before_reading(place) -> None:
    data = b"tinh,muc\n" + b"x" * (50 * 1024 * 1024)
    staged = run(place, "big.csv", data)
    assert ["Tệp 50,0 MB vượt giới hạn 20 MB; hãy tách thành nhiều tệp nhỏ hơn."] == [
        p.message("vi").replace("50.0", "50,0") for p in staged.errors
    ]


def test_messages_in_english(place) -> None:
    staged = run(place, "x.csv", _replace_cell("kinh_phi_2021", "-1", 2))
    assert "row 3, column kinh_phi_2021: Negative amount: '-1'." in [
        p.message("en") for p in staged.errors
    ]


# --- history: re-import detected, removal restores, concurrent imports consistent -----------


def test_same_file_twice_is_detected(place) -> None:
    data = plan_csv()
    first = store(place, "a.csv", data)
    staged = run(place, "a-copy.csv", data)
    assert [f"Tệp này đã được nhập (lần nhập {first}"] == [
        p.message("vi")[: len(first) + 31] for p in staged.errors
    ]


def test_a_second_file_of_the_same_name_is_refused_by_name(place) -> None:
    data = plan_csv()
    first = store(place, "ke_hoach.csv", data, editor="Trần Thị B")
    other = data.decode("utf-8").replace("Hà Nội", "Hưng Yên").encode("utf-8")
    before = sorted(p.name for p in place["imports"].iterdir())
    staged = run(place, "ke_hoach.csv", other)
    [problem] = staged.errors
    when = imports.list_imports(place["imports"])[0]["when"]
    assert (
        f"Đã có một lần nhập tệp tên ke_hoach.csv ({first}, {when}, Trần Thị B). Các trang "
        "trích dẫn tệp nhập theo tên nên hai tệp không được trùng tên: đổi tên tệp này (ví dụ "
        "ke_hoach_2.csv), hoặc xóa lần nhập cũ ở trang «Lịch sử nhập» rồi nhập lại."
    ) == problem.message("vi")
    assert problem.message("en").startswith("A file named ke_hoach.csv was already imported")
    assert before == sorted(p.name for p in place["imports"].iterdir())  # nothing written
    # the suggested name goes through
    assert store(place, "ke_hoach_2.csv", other) != first


def test_removal_restores_the_database(place) -> None:
    def tables(db: Path) -> dict[str, list]:
        with duckdb.connect(str(db), read_only=True) as con:
            names = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
            return {
                n: con.execute(f'select * from "{n}" order by all').fetchall()
                for n in names
                if n != "build_info"
            }

    build(place["db"], imports_dir=place["imports"])
    before = tables(place["db"])
    import_id = store(place, "a.csv", plan_csv(), editor="Trần Thị B")
    record = imports.list_imports(place["imports"])[0]
    assert (import_id, "Trần Thị B", "a.csv") == (
        record["id"],
        record["editor"],
        record["filename"],
    )
    assert (place["imports"] / import_id / "original.csv").read_bytes() == plan_csv()
    assert before != tables(place["db"])
    imports.remove(import_id, db_path=place["db"], imports_dir=place["imports"])
    assert before == tables(place["db"])
    assert [] == imports.list_imports(place["imports"])


def test_two_imports_at_once_leave_a_consistent_database(place) -> None:
    first = templates.to_csv(templates.plan_rows("HY-2018-2020"))
    second = templates.to_csv(templates.results_rows("HN-2011-2015"))
    errors: list[BaseException] = []

    def go(name: str, data: bytes) -> None:
        try:
            store(place, name, data)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=go, args=a) for a in (("hy.csv", first), ("kq.csv", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [] == errors
    assert 2 == len(imports.list_imports(place["imports"]))
    with duckdb.connect(str(place["db"]), read_only=True) as con:
        assert (
            1
            == con.execute(
                "select count(*) from programmes where programme_id = 'HY-2018-2020-2'"
            ).fetchone()[0]
        )
        assert (
            con.execute("select count(*) from results where source_file = 'kq.csv'").fetchone()[0]
            > 20
        )


# --- command line -----------------------------------------------------------------------------


def cli(place: dict[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "PLANS_DB": str(place["db"]), "PLANS_IMPORTS_DIR": str(place["imports"])}
    return subprocess.run([sys.executable, "-m", "plans", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip


def test_cli_dry_run_import_list_remove(place, tmp_path: Path) -> None:
    path = tmp_path / "ha_noi.csv"
    path.write_bytes(plan_csv())
    before = digest(place["db"])
    done = cli(place, "import", str(path), "--dry-run")
    assert 0 == done.returncode, done.stderr
    assert "ha_noi.csv: 0 lỗi, 2 cảnh báo" in done.stdout
    assert before == digest(place["db"])
    done = cli(place, "import", str(path), "--editor", "Lê C")
    assert 0 == done.returncode, done.stderr
    listed = cli(place, "imports").stdout
    assert "Lê C" in listed and "HN-2021-2025-2" in listed
    import_id = listed.split()[0]
    assert 0 == cli(place, "remove", import_id).returncode
    assert "" == cli(place, "imports").stdout


def test_cli_refuses_bad_file_with_exit_code(place, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(_replace_cell("kinh_phi_2021", "abc", 2))
    before = digest(place["db"])
    done = cli(place, "import", str(path))
    assert 1 == done.returncode
    assert "LỖI: dòng 3, cột kinh_phi_2021: Cần một số" in done.stdout
    assert before == digest(place["db"])


# --- properties: never an unhandled exception, never a partial write --------------------------

CELLS = st.sampled_from(["", "1.234,5", "2,52 tỉ đồng", "abc", "-5", "=1+1", "150 – 200", "trên 10",
                         "I", "1", "TỔNG", "Hà Nội", "2021", "x" * 40])  # fmt: skip


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(CELLS, min_size=1, max_size=12), min_size=1, max_size=8))
def test_validator_never_raises_on_arbitrary_tables(place, body) -> None:
    rows = [templates.plan_rows()[0], *body]
    staged = run(place, "fuzz.csv", templates.to_csv(rows))
    if staged.errors:
        assert {} == staged.tables
    assert not place["imports"].exists() or not any(place["imports"].iterdir())


def test_dashboard_caches_see_an_import_without_a_restart(place, monkeypatch) -> None:
    import streamlit

    from plans.app import cache

    monkeypatch.setattr(settings, "DB_PATH", place["db"])
    monkeypatch.setattr(settings, "IMPORTS_DIR", place["imports"])
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()
    before = set(cache.query("filter_choices")["programme_id"])
    store(place, "hy.csv", templates.to_csv(templates.plan_rows("HY-2018-2020")))
    after = set(cache.query("filter_choices")["programme_id"])
    assert {"HY-2018-2020-2"} == after - before


def test_headers_as_documents_print_them_are_mapped() -> None:
    header = ["TT", "Tên nhiệm vụ, đề án", "Kết quả đạt được", "Năm 2021", "Năm 2022 (tỷ đồng)",
              "Tổng cộng", "Đơn vị chủ trì", "ĐVT", "Ghi chú"]  # fmt: skip
    assert {
        "TT": "ma_nhiem_vu", "Tên nhiệm vụ, đề án": "nhiem_vu", "Kết quả đạt được": "ket_qua",
        "Năm 2021": "kinh_phi_2021", "Năm 2022 (tỷ đồng)": "kinh_phi_2022 (tỷ đồng)",
        "Tổng cộng": "tong_kinh_phi", "Đơn vị chủ trì": "chu_tri", "ĐVT": "dvt", "Ghi chú": "",
    } == imports.suggest_mapping(header, "plan")  # fmt: skip


def test_a_users_own_headers_import_through_the_mapping(place) -> None:
    rows = templates.plan_rows("HY-2018-2020")
    own = {"tinh": "Tỉnh", "nhiem_vu": "Tên nhiệm vụ", "tong_kinh_phi": "Tổng cộng", "dvt": "ĐVT"}
    rows[0] = [own.get(c, c) for c in rows[0]]
    data = templates.to_csv(rows)
    mapping = imports.suggest_mapping(rows[0], "plan")
    staged = run(place, "hy_own.csv", data, mapping=mapping)
    assert [] == staged.errors, staged.report("en")
    assert 17 == len(staged.tables["tasks"])  # 002:265-289
