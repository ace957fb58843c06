"""Cited text of documents without a data/sources copy: imported files, synthetic data."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from apptest import open_app
from streamlit.testing.v1 import AppTest

from plans import db, settings
from plans.__main__ import main
from plans.app.source_view import (
    cited_snippet,
    context_lines,
    full_text,
    no_text_notice,
    search_lines,
)
from plans.data import imports, templates
from plans.data.sources import (
    SEED_FILE_SQL,
    document_text,
    import_folder,
    parse_line_refs,
    short_file,
)

NOTICE_VI = (
    "Văn bản này không có bản chữ để trích dẫn (dữ liệu tổng hợp hoặc tệp nhập không còn lưu)."
)
NOTICE_EN = (
    "This document has no text to cite (synthetic data, or an imported file that is no longer"
    " stored)."
)
ROOT = Path(__file__).resolve().parents[1]
IMPORTED = "HN-2021-2025-2"  # the Hà Nội 2021-2025 template imported again gets a new id
META = (
    "Hà Nội,Chương trình khuyến công thành phố Hà Nội giai đoạn 2021-2025,2021,2025,"
    "4153/QĐ-UBND,17/9/2020"
)


def store(name: str, data: bytes, imports_dir: Path, db_path: Path) -> imports.Staged:
    """Validate and commit an upload as the import page does; the staged rows for checking."""
    staged = imports.validate(name, data, imports_dir=imports_dir)
    assert [] == staged.errors, staged.report("en")
    imports.commit(staged, data, "Nguyễn Văn A", db_path=db_path, imports_dir=imports_dir)
    return staged


@pytest.fixture()
def place(tmp_path: Path, built_db: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A private database and an empty imports folder, the default one for the lookups."""
    db = tmp_path / "plans.duckdb"
    shutil.copy(built_db, db)
    monkeypatch.setattr(settings, "IMPORTS_DIR", tmp_path / "imports")
    return {"db": db, "imports": tmp_path / "imports"}


def cited_rows_match(staged: imports.Staged, lines: tuple[str, ...]) -> list[str]:
    """Tasks whose name is not on the row their source_lines point at (should be none)."""
    return [
        t["task_code"]
        for t in staged.tables["tasks"]
        if not all(
            t["task_name"].split(" ")[0] in lines[n - 1] for n in parse_line_refs(t["source_lines"])
        )
    ]


# --- the line lookup --------------------------------------------------------------------------


def test_csv_import_lines_are_the_files_own_lines(place) -> None:
    data = templates.to_csv(templates.plan_rows())  # UTF-8 with BOM, as the template is offered
    staged = store("ke_hoach.csv", data, place["imports"], place["db"])
    lines = document_text("ke_hoach.csv", IMPORTED)
    assert lines is not None
    assert 34 == len(lines)  # header, 5 sections, 27 tasks, TỔNG
    assert lines[0].startswith("tinh,ten_chuong_trinh,nam_bat_dau")  # BOM decoded away
    assert [] == cited_rows_match(staged, lines)
    i1 = next(
        a for a in staged.tables["budget_amounts"] if (a["task_code"], a["year"]) == ("I.1", 2021)
    )
    assert "3" == i1["source_line"]  # 000:267 "Tổ chức 300 lớp …", 4.200 in 2021
    assert lines[2].startswith(f'{META},I,,I.1,"Tổ chức truyền nghề, nhân cấy nghề"')
    assert ",4.200,4.200,4.200,4.200,4.200,,21.000," in lines[2]
    assert [3] == [n for n, _ in search_lines("ke_hoach.csv", "tổ chức 300 LỚP", None, IMPORTED)]


def test_csv_rows_numbered_as_the_importer_numbers_them(place) -> None:
    # a blank line above the header and a quoted cell over two lines: file lines ≠ rows
    text = (
        "\n"
        "tinh,ten_chuong_trinh,nam_bat_dau,nam_ket_thuc,muc,ma_nhiem_vu,nhiem_vu,kinh_phi_2024\n"
        "Bắc Ninh,Khuyến công 2024,2024,2024,I,,Đào tạo,\n"
        ',,,,I,1,"Truyền nghề\ncho lao động nông thôn",2.520\n'
        ",,,,I,2,Tập huấn,262\n"
    )
    staged = store("bac_ninh.csv", text.encode("utf-8"), place["imports"], place["db"])
    rows = {t["task_code"]: t["source_lines"] for t in staged.tables["tasks"]}
    assert {"I.1": "3", "I.2": "4"} == rows
    lines = document_text("bac_ninh.csv", "BN-2024")
    assert (
        "tinh,ten_chuong_trinh,nam_bat_dau,nam_ket_thuc,muc,ma_nhiem_vu,nhiem_vu,kinh_phi_2024",
        "Bắc Ninh,Khuyến công 2024,2024,2024,I,,Đào tạo,",
        ',,,,I,1,"Truyền nghề ↵ cho lao động nông thôn",2.520',
        ",,,,I,2,Tập huấn,262",
    ) == lines


def test_xlsx_import_lines_are_the_sheets_rows(place) -> None:
    data = templates.to_xlsx(templates.plan_rows())
    staged = store("ke_hoach.xlsx", data, place["imports"], place["db"])
    lines = document_text("ke_hoach.xlsx", IMPORTED)
    assert lines is not None
    assert 34 == len(lines)  # the first sheet only, not the column guide
    assert lines[0].startswith("tinh\tten_chuong_trinh\tnam_bat_dau")
    assert [] == cited_rows_match(staged, lines)
    # 000:314 section V's stated 5.600, a reconciliation finding of the imported copy too
    section_v = next(
        t
        for t in staged.tables["stated_totals"]
        if (t["scope"], t["section_code"], t["year"]) == ("section", "V", "")
    )
    assert "28" == section_v["source_line"]
    cells = lines[27].split("\t")
    name = "Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công"
    assert ["V", name] == cells[6:8]  # muc, ten_muc
    assert "5.600" == cells[24]  # tong_kinh_phi
    # the quality page's cited cell: the sheet's cells shown with bars, as the scans' tables
    expected = "28: " + META.replace(",", " | ") + " | V | Nâng cao năng lực"
    assert expected == cited_snippet("ke_hoach.xlsx", "28", programme_id=IMPORTED)[: len(expected)]


def test_results_report_lines(place) -> None:
    data = templates.to_csv(templates.results_rows("HN-2011-2015"))
    staged = store("ket_qua.csv", data, place["imports"], place["db"])
    # a results report adds no programme: the registry's programme is the one reported on
    lines = document_text("ket_qua.csv", "HN-2011-2015")
    assert lines is not None
    off = [
        r["result_code"]
        for r in staged.tables["results"]
        if r["indicator"] not in lines[int(r["source_line"]) - 1]
    ]
    assert [] == off
    assert "2" == staged.tables["results"][0]["source_line"]  # 001:8 "Tổ chức 473 lớp"
    expected = '2: HN-2011-2015,"Lớp truyền nghề, nhân cấy nghề",lớp,473 lớp,,,KC1'
    assert expected == cited_snippet("ket_qua.csv", "2", programme_id="HN-2011-2015")


def test_documents_without_text(place) -> None:
    assert document_text("synthetic") is None  # plans.data.synth's documents.source_file
    assert "—" == cited_snippet("synthetic", "1")
    assert [] == context_lines("synthetic", "1")
    assert [] == search_lines("synthetic", "khuyến công")
    assert full_text("synthetic") is None
    assert NOTICE_VI == no_text_notice("vi")
    assert NOTICE_EN == no_text_notice("en")
    # an import whose original file is gone: the rows stay in the database, the text does not
    store("ke_hoach.csv", templates.to_csv(templates.plan_rows()), place["imports"], place["db"])
    folder = import_folder("ke_hoach.csv", IMPORTED, place["imports"])
    assert folder is not None
    (folder / "original.csv").unlink()
    assert document_text("ke_hoach.csv", IMPORTED) is None
    shutil.rmtree(folder)
    assert import_folder("ke_hoach.csv", IMPORTED, place["imports"]) is None


def test_two_imports_of_one_file_name_follow_the_programme(place) -> None:
    store("ke_hoach.csv", templates.to_csv(templates.plan_rows()), place["imports"], place["db"])
    first = import_folder("ke_hoach.csv", None, place["imports"])
    assert first is not None
    # a second folder of the same name, as only copying folders by hand can make
    second = place["imports"] / "0002-00000000"
    second.mkdir()
    (second / "original.csv").write_text("tinh\nBắc Ninh\n", encoding="utf-8")
    meta = json.loads((first / "meta.json").read_text(encoding="utf-8"))
    # the checksum of its own original: an original that does not match it is never cited
    checksum = hashlib.sha256((second / "original.csv").read_bytes()).hexdigest()
    meta.update(id=second.name, programme_id="BN-2024", checksum=checksum)
    (second / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    assert first == import_folder("ke_hoach.csv", IMPORTED, place["imports"])
    assert second == import_folder("ke_hoach.csv", "BN-2024", place["imports"])
    assert second == import_folder("ke_hoach.csv", None, place["imports"])  # the newest
    assert ("tinh", "Bắc Ninh") == document_text("ke_hoach.csv", "BN-2024")


# --- the pages on a synthetic database --------------------------------------------------------


@pytest.fixture(scope="module")
def synth_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m plans synth` with two provinces, one period and no support records."""
    path = tmp_path_factory.mktemp("synth") / "small.duckdb"
    args = ["synth", "--provinces", "2", "--periods", "1", "--records", "0", "--db", str(path)]
    assert 0 == main(args)
    return path


@pytest.fixture()
def synth_app(synth_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(settings, "DB_PATH", synth_db)
    st.cache_data.clear()
    st.cache_resource.clear()
    return synth_db


def opened(page: str, **params: str) -> AppTest:
    at = open_app(page, **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(("lang", "notice"), [("vi", NOTICE_VI), ("en", NOTICE_EN)])
def test_sources_page_on_synthetic_data_says_there_is_no_text(synth_app, lang, notice) -> None:
    at = opened("pages/sources.py", lang=lang)
    # the figure is still traced (label, value), its lines and the viewer replaced by the notice
    assert at.selectbox(key="sources_row").value
    assert [notice, notice] == [i.value for i in at.info]
    assert not at.code


def test_quality_page_on_synthetic_data(synth_app) -> None:
    # synthetic data states no totals, so there are no findings whose lines could be cited
    at = opened("pages/quality.py")
    assert "Không có điểm lệch nào trong phạm vi đang xem." == at.success[0].value


# --- the pages on a database with an imported plan --------------------------------------------


@pytest.fixture()
def imported_plan(private_store: Path) -> Path:
    """The plan template imported (conftest's private database and imports folder)."""
    data = templates.to_csv(templates.plan_rows())
    store("ke_hoach.csv", data, settings.IMPORTS_DIR, private_store)
    st.cache_data.clear()
    st.cache_resource.clear()
    return private_store


def test_pages_show_the_imported_rows(imported_plan) -> None:
    at = opened("pages/sources.py", prog=IMPORTED)
    assert "I.1/2021" == at.selectbox(key="sources_row").value
    # the imported file's row 3 (its own CSV text), with rows 1-2 and 4-5 around it
    block = at.code[0].value
    cited = [ln for ln in block.splitlines() if ln.startswith("▶")]
    prefix = f"▶ 3 │ {META},I,,I.1,"
    assert [prefix] == [c[: len(prefix)] for c in cited]
    assert "Tổ chức 300 lớp truyền nghề" in cited[0]
    assert [1, 2, 3, 4, 5] == [int(ln[1:3]) for ln in block.splitlines() if "│" in ln]
    assert "Dòng văn bản (▶ = dòng được dẫn, kèm 2 dòng trước và sau) — ke_hoach.csv" in [
        c.value for c in at.caption
    ]
    # the viewer opens the imported file; search and full text read its rows
    assert "ke_hoach.csv" == at.selectbox(key="sources_document").value
    at.text_input(key="sources_search").input("300 lớp").run()
    assert "1 dòng có “300 lớp”." in [c.value for c in at.caption]
    assert at.code[1].value.startswith(f"  3 │ {META},I,,I.1")
    assert at.code[2].value.startswith("   1 │ tinh,ten_chuong_trinh")  # 34 rows, header first
    assert not at.info

    at = opened("pages/quality.py", prog=IMPORTED)
    at.toggle(key="quality_all").set_value(False).run()
    detail = next(d.value for d in at.dataframe if "Dòng văn bản in" in d.value.columns)
    # 000:314 and 000:325 found again in the import: its rows 28 and 33, as the file has them
    shown = [c[: len(META) + 4] for c in detail["Dòng văn bản in"]]
    assert [f"28: {META}", f"33: {META}"] == shown
    rows = [c.value[: len(META) + 7] for c in at.code]  # "The cited lines in full"
    assert [f"▶ 28 │ {META}", f"▶ 33 │ {META}"] == rows
    assert not at.info


def test_pages_when_the_imported_file_is_gone(imported_plan) -> None:
    folder = import_folder("ke_hoach.csv", IMPORTED)
    assert folder is not None
    (folder / "original.csv").unlink()
    at = opened("pages/sources.py", prog=IMPORTED, lang="en")
    assert [NOTICE_EN, NOTICE_EN] == [i.value for i in at.info]

    at = opened("pages/quality.py", prog=IMPORTED)
    at.toggle(key="quality_all").set_value(False).run()
    assert not at.exception
    detail = next(d.value for d in at.dataframe if "Dòng văn bản in" in d.value.columns)
    assert ["—", "—"] == list(detail["Dòng văn bản in"])
    assert [NOTICE_VI, NOTICE_VI] == [i.value for i in at.info]  # one per finding


# --- how a citation names its document ----------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "source_file"),
    [
        ("000", "000_a7359d0e26246081.txt"),  # a seed document: its number
        ("004", "004_fbbc7ec95eace374.txt"),
        ("ke_hoach.csv", "ke_hoach.csv"),  # an import: its own name, not "ke_"
        ("123_ke_hoach.xlsx", "123_ke_hoach.xlsx"),
        ("000_notes.txt", "000_notes.txt"),  # not a seed name: kept whole
    ],
)
def test_short_file_in_python_and_in_the_queries(expected: str, source_file: str) -> None:
    assert expected == short_file(source_file)
    with duckdb.connect() as con:
        sql = "select regexp_replace($f, $p, '\\1')"
        assert expected == con.execute(sql, {"f": source_file, "p": SEED_FILE_SQL}).fetchone()[0]


def test_every_query_cites_with_the_same_pattern() -> None:
    found = []
    for path in sorted((ROOT / "queries").glob("*.sql")):
        text = path.read_text()
        assert "left(" not in text.replace("left join", "").replace("left outer join", ""), path
        found += re.findall(r"regexp_replace\(\w+\.source_file, '([^']*)', '\\1'\)", text)
    assert 3 == len(found)  # budget_alloc_shares (1), province_unit_costs (2)
    assert {SEED_FILE_SQL} == set(found)


def test_citations_of_an_import_name_the_file(imported_plan) -> None:
    con = db.connect(imported_plan, read_only=True)
    try:
        shares = db.run(
            con,
            "budget_alloc_shares",
            programme_id=IMPORTED,
            area_mode="section",
            area=None,
            year_from=None,
            year_to=None,
        )
    finally:
        con.close()
    stated = list(shares["stated_source"].dropna())
    assert stated, "the template states section totals"
    assert [] == [s for s in stated if not re.fullmatch(r"ke_hoach\.csv:\d+", s)]


def test_the_viewer_opens_the_programmes_own_document(private_store: Path) -> None:
    # an import whose name sorts before the seed files holds HN-2021-2025-2; the viewer of
    # HN-2021-2025 must still open 000_….txt, the document that programme was read from
    store(
        "00-ke_hoach.csv",
        templates.to_csv(templates.plan_rows()),
        settings.IMPORTS_DIR,
        private_store,
    )
    st.cache_data.clear()
    st.cache_resource.clear()
    at = opened("pages/sources.py", prog="HN-2021-2025")
    assert "000_a7359d0e26246081.txt" == at.selectbox(key="sources_document").value
    at = opened("pages/sources.py", prog=IMPORTED)
    assert "00-ke_hoach.csv" == at.selectbox(key="sources_document").value
