"""Importing a plan or a results report that names a province: matched, warned or refused.

A province cell is read against the reference (plans.data.provinces, from vietnamadminunits):
the exact name is stored as is; a known variant is stored as the reference name with the name
as written kept and a warning; an unknown name is refused with the closest names; a plan
starting after 1/7/2025 that names a province merged on that day is refused, naming the
successor. A refusal stores nothing: the database file is byte-for-byte unchanged and no
import folder is left behind.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest
from apptest import open_as_editor

from plans.data import imports, provinces, templates
from plans.data.import_preview import programme_frame
from plans.messages import t

EXAMPLE_START = 2021  # templates.plan_rows() is HN-2021-2025 (000_…)


@pytest.fixture()
def place(tmp_path: Path, built_db: Path) -> dict[str, Path]:
    """A private database (a copy of the session one) and an empty imports folder."""
    db = tmp_path / "plans.duckdb"
    shutil.copy(built_db, db)
    return {"db": db, "imports": tmp_path / "imports"}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def plan(province: str, start: int = EXAMPLE_START) -> bytes:
    """The template's example plan, as `province`'s, moved to the period starting in `start`."""
    rows = templates.plan_rows()
    shift = start - EXAMPLE_START
    header = [
        re.sub(r"^(kinh_phi|so_luong)_(\d{4})", lambda m: f"{m[1]}_{int(m[2]) + shift}", c)
        for c in rows[0]
    ]
    where = {c: header.index(c) for c in ("tinh", "nam_bat_dau", "nam_ket_thuc")}
    body = []
    for cells in rows[1:]:
        cells = list(cells)
        cells[where["tinh"]] = province
        cells[where["nam_bat_dau"]] = str(start)
        cells[where["nam_ket_thuc"]] = str(start + 4)
        body.append(cells)
    return templates.to_csv([header, *body])


def results(province: str, programme: str = "HN-2011-2015") -> bytes:
    """The results template's example with a `tinh` column naming `province` on every row."""
    rows = templates.results_rows()
    out = [["tinh", *rows[0]]]
    out += [[province, programme, *cells[1:]] for cells in rows[1:]]
    return templates.to_csv(out)


def run(place: dict[str, Path], name: str, data: bytes) -> imports.Staged:
    return imports.validate(name, data, imports_dir=place["imports"])


def store(place: dict[str, Path], name: str, data: bytes) -> str:
    staged = run(place, name, data)
    assert [] == staged.errors, staged.report("en")
    return imports.commit(staged, data, "Nguyễn Văn A", db_path=place["db"],
                          imports_dir=place["imports"])  # fmt: skip


def refused(place: dict[str, Path], name: str, data: bytes) -> imports.Staged:
    """Validate and try to commit: refused, nothing stored, the database file unchanged."""
    before = digest(place["db"])
    folders = (
        sorted(p.name for p in place["imports"].iterdir()) if place["imports"].exists() else []
    )
    staged = run(place, name, data)
    assert staged.errors
    assert {} == staged.tables
    with pytest.raises(ValueError):
        imports.commit(staged, data, "x", db_path=place["db"], imports_dir=place["imports"])
    assert before == digest(place["db"])
    after = sorted(p.name for p in place["imports"].iterdir()) if place["imports"].exists() else []
    assert folders == after  # no import folder, no half-written .incoming-… left behind
    return staged


def province_problems(staged: imports.Staged, lang: str = "vi") -> list[str]:
    return [p.message(lang) for p in staged.problems if p.key.startswith("import.province")]


def stored_programme(db: Path, programme_id: str) -> tuple:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select p.province, p.province_printed, d.issuer from programmes p "
            "join documents d using (source_file) where p.programme_id = $p",
            {"p": programme_id},
        ).fetchone()


# --- unknown names: refused with the closest names, row and column of the user's file -----------


UNKNOWN = [
    pytest.param(
        "Hà Tây",
        "dòng 2, cột tinh: Không nhận ra tỉnh “Hà Tây”: tên này không có trong danh mục 63 tỉnh, "
        "thành phố trước và 34 tỉnh, thành phố từ 1/7/2025. Tên gần nhất: Hà Nam, Hà Tĩnh, Tây "
        "Ninh. Hãy ghi tên như trong danh mục (ví dụ “Hồ Chí Minh”, “Huế”).",
        id="Hà Tây (dissolved 2008, not in the reference)",
    ),
    pytest.param(
        "Atlantis",
        "dòng 2, cột tinh: Không nhận ra tỉnh “Atlantis”: tên này không có trong danh mục 63 "
        "tỉnh, thành phố trước và 34 tỉnh, thành phố từ 1/7/2025. Tên gần nhất: Gia Lai, Tây "
        "Ninh, Lạng Sơn. Hãy ghi tên như trong danh mục (ví dụ “Hồ Chí Minh”, “Huế”).",
        id="Atlantis",
    ),
    pytest.param(
        "Paris",
        "dòng 2, cột tinh: Không nhận ra tỉnh “Paris”: tên này không có trong danh mục 63 tỉnh, "
        "thành phố trước và 34 tỉnh, thành phố từ 1/7/2025, và không có tên nào gần giống. Hãy "
        "ghi tên như trong danh mục (ví dụ “Hồ Chí Minh”, “Huế”).",
        id="Paris (nothing close)",
    ),
]


@pytest.mark.parametrize(("written", "expected"), UNKNOWN)
def test_an_unknown_province_is_refused_with_the_closest_names(place, written, expected) -> None:
    staged = refused(place, "tinh_la.csv", plan(written))
    assert [expected] == province_problems(staged)
    # an import message: the user's row and column, never an internal path or a build message
    assert not any(re.search(r"imports/|tables/|\.csv:", m) for m in province_problems(staged))
    assert all(p.key.startswith("import.") for p in staged.problems)


def test_an_unknown_province_in_english(place) -> None:
    staged = refused(place, "ha_tay.csv", plan("Hà Tây"))
    assert [
        "row 2, column tinh: Province “Hà Tây” is not recognised: it is neither one of the 63 "
        "provinces and cities before 1/7/2025 nor of the 34 since. Closest names: Hà Nam, Hà "
        "Tĩnh, Tây Ninh. Write the name as the reference does (e.g. “Hồ Chí Minh”, “Huế”)."
    ] == province_problems(staged, "en")


def test_the_suggestions_are_the_references_closest_names(place) -> None:
    staged = refused(place, "ha_tay.csv", plan("Hà Tây"))
    [problem] = [p for p in staged.errors if p.key == "import.province_unknown"]
    assert ", ".join(provinces.closest("Hà Tây")) == dict(problem.fields)["names"]


def test_other_problems_of_the_file_are_reported_with_the_province(place) -> None:
    rows = templates.plan_rows()
    rows = [[("Atlantis" if c == "Hà Nội" else c) for c in r] for r in rows]
    rows[2][rows[0].index("kinh_phi_2021")] = "-5"
    staged = refused(place, "hai_loi.csv", templates.to_csv(rows))
    assert {"import.province_unknown", "import.negative"} == {p.key for p in staged.errors}


# --- a plan after 1/7/2025 of a province that no longer exists ------------------------------------


MERGED = [
    pytest.param("Bình Định", "Gia Lai", id="Bình Định 2026-2030 -> Gia Lai"),
    pytest.param("Thái Bình", "Hưng Yên", id="Thái Bình 2026-2030 -> Hưng Yên"),
    pytest.param("Bến Tre", "Vĩnh Long", id="Bến Tre 2026-2030 -> Vĩnh Long"),
    pytest.param("Bà Rịa - Vũng Tàu", "Hồ Chí Minh", id="Bà Rịa - Vũng Tàu 2026-2030 -> HCM"),
]


@pytest.mark.parametrize(("written", "successor"), MERGED)
def test_a_merged_province_after_the_merger_is_refused_naming_its_successor(
    place, written, successor
) -> None:
    staged = refused(place, "sau_sap_nhap.csv", plan(written, 2026))
    assert [
        f"dòng 2, cột tinh: {written} đã hợp nhất vào {successor} từ 1/7/2025 (Nghị quyết "
        f"202/2025/QH15): kế hoạch bắt đầu năm 2026 là của {successor}, hãy ghi “{successor}”."
    ] == province_problems(staged)


def test_binh_dinh_2026_in_english(place) -> None:
    staged = refused(place, "binh_dinh.csv", plan("Bình Định", 2026))
    assert [
        "row 2, column tinh: Bình Định was merged into Gia Lai on 1/7/2025 (Resolution "
        "202/2025/QH15): a plan starting in 2026 is Gia Lai's; write “Gia Lai”."
    ] == province_problems(staged, "en")


def test_a_variant_of_a_merged_province_after_the_merger_is_refused_not_warned(place) -> None:
    staged = refused(place, "tinh_binh_dinh.csv", plan("Tỉnh Bình Định", 2026))
    assert ["import.province_merged"] == [
        p.key for p in staged.problems if p.key.startswith("import.province")
    ]
    assert "Bình Định đã hợp nhất vào Gia Lai từ 1/7/2025" in province_problems(staged)[0]


def test_the_successor_2026_2030_is_accepted(place) -> None:
    # the control of the refusal above: the same plan under the successor's name goes through
    programme = store(place, "gia_lai.csv", plan("Gia Lai", 2026))
    assert programme
    assert ("Gia Lai", None, "Gia Lai") == stored_programme(place["db"], "GL-2026-2030")


def test_thai_binh_2021_2025_is_accepted_and_read_under_hung_yen_today(place) -> None:
    staged = run(place, "thai_binh.csv", plan("Thái Bình", 2021))
    assert [] == province_problems(staged)
    assert "TB-2021-2025" == staged.programme_id
    store(place, "thai_binh.csv", plan("Thái Bình", 2021))
    assert ("Thái Bình", None, "Thái Bình") == stored_programme(place["db"], "TB-2021-2025")
    with duckdb.connect(str(place["db"]), read_only=True) as con:
        views = con.execute(
            "select boundary, province from programme_provinces "
            "where programme_id = 'TB-2021-2025' order by boundary"
        ).fetchall()
    assert [("as_issued", "Thái Bình"), ("current", "Hưng Yên")] == views


def test_a_plan_starting_in_2025_still_names_an_old_province(place) -> None:
    # 1/1/2025 is before 1/7/2025: a 2025-2029 plan is an old province's (starts_after_merger)
    staged = run(place, "binh_dinh_2025.csv", plan("Bình Định", 2025))
    assert [] == staged.errors, staged.report("en")


# --- variants: stored under the reference name, the written name kept, a warning -----------------


def test_tp_ho_chi_minh_is_stored_as_ho_chi_minh_with_the_printed_name_kept(place) -> None:
    data = plan("TP. Hồ Chí Minh")
    staged = run(place, "tphcm.csv", data)
    assert [] == staged.errors, staged.report("en")
    assert [
        "dòng 2, cột tinh: Tỉnh “TP. Hồ Chí Minh” đọc là Hồ Chí Minh (tên trong danh mục tỉnh, "
        "thành phố): chương trình được lưu với tên Hồ Chí Minh, tên như tệp ghi vẫn được giữ."
    ] == province_problems(staged)
    assert (
        "warning" == next(p for p in staged.problems if p.key == "import.province_variant").severity
    )
    assert "HCM-2021-2025" == staged.programme_id  # the code of the reference name, not "THCM"
    [row] = staged.tables["programmes"]
    assert ("Hồ Chí Minh", "TP. Hồ Chí Minh") == (row["province"], row["province_printed"])
    import_id = store(place, "tphcm.csv", data)
    assert ("Hồ Chí Minh", "TP. Hồ Chí Minh", "TP. Hồ Chí Minh") == stored_programme(
        place["db"], "HCM-2021-2025"
    )
    # the warning is kept with the import, as every warning is
    [record] = imports.list_imports(place["imports"])
    assert import_id == record["id"]
    assert any("đọc là Hồ Chí Minh" in w for w in record["warnings"])


VARIANTS = [
    pytest.param("Thừa Thiên Huế", "Huế", id="Thừa Thiên Huế -> Huế"),
    pytest.param("Ha Noi", "Hà Nội", id="Ha Noi (no diacritics) -> Hà Nội"),
    pytest.param("Thành phố Hà Nội", "Hà Nội", id="Thành phố Hà Nội -> Hà Nội"),
    pytest.param("Tỉnh Thái Bình", "Thái Bình", id="Tỉnh Thái Bình -> Thái Bình"),
    pytest.param("Hoà Bình", "Hòa Bình", id="Hoà Bình (old tone mark) -> Hòa Bình"),
]


@pytest.mark.parametrize(("written", "reference"), VARIANTS)
def test_a_known_variant_is_read_as_the_reference_name(place, written, reference) -> None:
    staged = run(place, "bien_the.csv", plan(written))
    assert [] == staged.errors, staged.report("en")
    [warning] = [p for p in staged.warnings if p.key == "import.province_variant"]
    assert (2, "tinh") == (warning.row, warning.column)
    assert f"đọc là {reference}" in warning.message("vi")
    [row] = staged.tables["programmes"]
    assert (reference, written) == (row["province"], row["province_printed"])
    assert written == staged.tables["documents"][0]["issuer"]


def test_an_exact_name_is_stored_as_is_without_a_warning(place) -> None:
    staged = run(place, "hung_yen.csv", plan("Hưng Yên"))
    assert [] == province_problems(staged)
    [row] = staged.tables["programmes"]
    assert ("Hưng Yên", "") == (row["province"], row["province_printed"])


def test_a_name_typed_with_combining_marks_is_the_exact_name(place) -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Hưng Yên")
    assert decomposed != "Hưng Yên"
    staged = run(place, "nfd.csv", plan(decomposed))
    assert [] == province_problems(staged)
    assert "Hưng Yên" == staged.tables["programmes"][0]["province"]


def test_the_preview_shows_the_province_as_written() -> None:
    tables = {"programmes": [{"province": "Huế", "province_printed": "Thừa Thiên Huế"}]}
    frame = programme_frame(tables).set_index("field")["value"]
    assert ("Huế", "Thừa Thiên Huế") == (frame["province"], frame["province_printed"])


def test_the_xlsx_template_says_how_to_write_a_province() -> None:
    import io

    book = openpyxl.load_workbook(io.BytesIO(templates.to_xlsx(templates.plan_rows())))
    notes = [r for r in book["huong_dan"].iter_rows(values_only=True) if r[0] == "tinh"]
    assert 2 == len(notes)  # the column's meaning, then how to write a province
    assert "“Thừa Thiên Huế”" in notes[1][1] and "“Gia Lai”" in notes[1][1]
    assert "“Thừa Thiên Huế”" in notes[1][2] and "“Gia Lai”" in notes[1][2]


# --- results reports that name a province ----------------------------------------------------------


def test_results_naming_the_programmes_province_as_a_variant_are_stored_warned_once(place) -> None:
    data = results("Ha Noi")
    staged = run(place, "kq_ha_noi.csv", data)
    assert [] == staged.errors, staged.report("en")
    assert [
        "dòng 2, cột tinh: Tỉnh “Ha Noi” đọc là Hà Nội (tên trong danh mục tỉnh, thành phố): "
        "chương trình được lưu với tên Hà Nội, tên như tệp ghi vẫn được giữ."
    ] == province_problems(staged)  # once for the report, not once per row
    store(place, "kq_ha_noi.csv", data)


def test_results_naming_an_unknown_province_are_refused(place) -> None:
    staged = refused(place, "kq_ha_tay.csv", results("Hà Tây"))
    assert ["import.province_unknown"] == [p.key for p in staged.errors]
    assert "Tên gần nhất: Hà Nam, Hà Tĩnh, Tây Ninh" in staged.errors[0].message("vi")


def test_results_naming_another_province_are_refused(place) -> None:
    staged = refused(place, "kq_hung_yen.csv", results("Hưng Yên"))
    assert [
        "dòng 2, cột tinh: Dòng này ghi tỉnh Hưng Yên, nhưng chương trình HN-2011-2015 là của "
        "Hà Nội."
    ] == province_problems(staged)


def test_results_of_an_old_province_may_name_its_successor(place) -> None:
    store(place, "thai_binh.csv", plan("Thái Bình", 2021))
    staged = run(place, "kq_thai_binh.csv", results("Hưng Yên", "TB-2021-2025"))
    assert [] == staged.errors, staged.report("en")


def test_results_of_a_2026_programme_naming_a_merged_province_are_refused(place) -> None:
    store(place, "gia_lai.csv", plan("Gia Lai", 2026))
    staged = refused(place, "kq_binh_dinh.csv", results("Bình Định", "GL-2026-2030"))
    assert ["import.province_merged"] == [p.key for p in staged.errors]
    assert "Bình Định đã hợp nhất vào Gia Lai từ 1/7/2025" in staged.errors[0].message("vi")


# --- the import page shows the new messages ---------------------------------------------------


def _page_upload(name: str, data: bytes, monkeypatch: pytest.MonkeyPatch, lang: str = "vi"):
    at = open_as_editor("pages/imports.py", monkeypatch, lang=lang)
    at.file_uploader(key="imports_file").set_value((name, data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_page_refuses_binh_dinh_2026_naming_gia_lai(private_store, monkeypatch) -> None:
    at = _page_upload("binh_dinh.csv", plan("Bình Định", 2026), monkeypatch)
    [errors] = [d.value for d in at.dataframe if t("imports.h_message", "vi") in d.value.columns]
    row = errors[errors[t("imports.h_column", "vi")] == "tinh"].iloc[0]
    assert "2" == row[t("imports.h_row", "vi")]
    assert row[t("imports.h_message", "vi")].startswith(
        "Bình Định đã hợp nhất vào Gia Lai từ 1/7/2025"
    )
    assert at.button(key="imports_confirm").disabled


def test_the_page_warns_of_a_variant_and_previews_the_name_as_written(
    private_store, monkeypatch
) -> None:
    at = _page_upload("tphcm.csv", plan("TP. Hồ Chí Minh"), monkeypatch, lang="en")
    tables = [" ".join(str(v) for v in d.value.to_numpy().ravel()) for d in at.dataframe]
    assert any("read as Hồ Chí Minh" in t for t in tables)
    assert any("Hồ Chí Minh" in t and "TP. Hồ Chí Minh" in t and "HCM-2021-2025" in t
               for t in tables)  # fmt: skip
