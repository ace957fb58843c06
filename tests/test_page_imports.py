"""The import page: preview helpers on the template example, and upload → check → confirm."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from apptest import open_app
from streamlit.testing.v1 import AppTest

from plans import auth, db
from plans.data import imports, templates
from plans.data.import_preview import (
    budget_pivot,
    column_options,
    default_mapping,
    problem_frame,
    section_shares,
    tasks_frame,
    year_column,
)

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/imports.py"
HN = "HN-2021-2025"
NEW_ID = "HN-2021-2025-2"  # the example is Hanoi 2021-2025 again: imports get the next free id
PASSWORD = "mật khẩu của A"
EDITOR_HASH = auth.hash_password(PASSWORD, iterations=1000)  # few rounds: tests stay fast


@pytest.fixture(autouse=True)
def signed_in_store(private_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A private database and imports folder (conftest) with one configured editor."""
    monkeypatch.setenv(auth.ENV_VAR, f"Nguyễn Văn A={EDITOR_HASH}")
    auth.THROTTLE.reset()


@pytest.fixture(scope="module")
def plan_csv() -> bytes:
    return templates.to_csv(templates.plan_rows())


@pytest.fixture(scope="module")
def staged(plan_csv: bytes, tmp_path_factory: pytest.TempPathFactory) -> imports.Staged:
    """The plan template validated once (an empty imports folder of its own)."""
    empty = tmp_path_factory.mktemp("no-imports")
    return imports.validate("mau_ke_hoach.csv", plan_csv, imports_dir=empty)


# --- pure helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "amount", "share"),
    [
        pytest.param("I", 31500, 12.55, id="000:266 section I 31.500/250.900"),
        pytest.param("II", 46000, 18.33, id="000:276 section II 46.000/250.900"),
        pytest.param("III", 126300, 50.34, id="000:284 section III 126.300/250.900"),
        pytest.param("IV", 41500, 16.54, id="000:302 section IV 41.500/250.900"),
        pytest.param("V", 5600, 2.23, id="000:314 section V 5.600/250.900"),
    ],
)
def test_staged_shares_are_the_documents(
    staged: imports.Staged, key: str, amount: float, share: float
) -> None:
    shares = section_shares(staged.tables).set_index("key")
    assert amount == shares.loc[key, "amount_mvnd"]
    assert share == round(shares.loc[key, "share_pct"], 2)


def test_staged_shares_equal_the_stored_programme(staged: imports.Staged, built_db: Path) -> None:
    with db.connect(built_db) as con:
        stored = db.run(con, "programme_shares", programme_id=HN, level="section")
    mine = section_shares(staged.tables)
    assert list(stored["key"]) == list(mine["key"])
    assert list(stored["amount_mvnd"]) == list(mine["amount_mvnd"])
    assert [round(x, 6) for x in stored["share_pct"]] == [round(x, 6) for x in mine["share_pct"]]


@pytest.mark.parametrize(
    ("year", "column", "total"),
    [
        pytest.param("2021", "total_mvnd", 50220, id="000:326 TỔNG 2021 50.220"),
        pytest.param("2022", "total_mvnd", 50120, id="000:326 TỔNG 2022 50.120"),
        pytest.param("2022", "III", 25200, id="000:284 III 2022 25.200"),
        pytest.param("total", "I", 31500, id="000:266 I 31.500"),
        pytest.param("total", "total_mvnd", 250900, id="000:326 TỔNG 250.900"),
    ],
)
def test_budget_pivot_year_by_section(
    staged: imports.Staged, year: str, column: str, total: float
) -> None:
    pivot = budget_pivot(staged.tables).set_index("year")
    assert total == pivot.loc[year, column]


def test_tasks_preview_has_every_task(staged: imports.Staged) -> None:
    tasks = tasks_frame(staged.tables)
    assert 27 == len(tasks)
    assert 250900 == tasks["amount_mvnd"].sum()


@pytest.mark.parametrize(
    ("header", "column"),
    [
        pytest.param("kinh_phi_2021", "kinh_phi_2021", id="template"),
        pytest.param("Kinh phí 2021", "kinh_phi_2021", id="spaces and diacritics"),
        pytest.param("Kinh phí năm 2022 (tỷ đồng)", "kinh_phi_2022 (tỷ đồng)", id="unit kept"),
        pytest.param("Số lượng 2023", "so_luong_2023", id="quantity"),
        pytest.param("Ghi chú", "", id="not a year column"),
    ],
)
def test_year_columns_are_recognised(header: str, column: str) -> None:
    assert column == year_column(header)


def test_template_header_maps_to_itself(plan_csv: bytes) -> None:
    header, _ = imports.read_table("t.csv", plan_csv, [])
    kind, mapping = default_mapping(header)
    assert "plan" == kind
    assert {h: h for h in header} == mapping
    options = column_options(header, mapping)
    assert "kinh_phi_2025" in options and "tinh" in options and "" == options[-1]


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        pytest.param(["ten_nhiem_vu", "dat_duoc", "ty_le_ghi"], "results", id="achieved"),
        pytest.param(["nam", "ma_nhiem_vu", "Kế hoạch vốn giao", "Giải ngân (tỷ đồng)"],
                     "results", id="yearly execution alone"),
        pytest.param(["nam", "ten_nhiem_vu", "Tỷ lệ giải ngân"], "results", id="stated rate"),
        pytest.param(["ten_nhiem_vu", "Kinh phí 2021", "Kinh phí 2022"], "plan", id="plan"),
    ],
)  # fmt: skip
def test_the_kind_is_guessed_from_the_columns_only_results_have(header, kind: str) -> None:
    assert kind == default_mapping(header)[0]


def test_problems_listed_by_row_and_column() -> None:
    problem = imports.Problem("error", 7, "kinh_phi_2021", "import.negative", (("value", "-5"),))
    frame = problem_frame([problem], "en")
    assert ["7", "kinh_phi_2021"] == [frame.loc[0, "row"], frame.loc[0, "column"]]
    assert frame.loc[0, "message"].endswith("Negative amount: '-5'.")


# --- the page -------------------------------------------------------------------------------


def sign_in(at: AppTest) -> AppTest:
    """Sign in as the configured editor: only a signed-in editor is offered the uploader."""
    at.text_input(key="auth_name").set_value("Nguyễn Văn A")
    at.text_input(key="auth_password").set_value(PASSWORD)
    at.button(key="auth_sign_in").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    if not [b for b in at.button if b.key == "auth_sign_out"]:
        sign_in(at)
    at.file_uploader(key="imports_file").set_value((name, data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest, header: str):
    """The first table with this column header (AppTest keeps no key on dataframes)."""
    return next(d.value for d in at.dataframe if header in d.value.columns)


def programme_ids() -> list[str]:
    from plans.app.cache import query

    return list(query("filter_choices")["programme_id"])


def test_a_viewer_sees_the_steps_and_templates_not_the_uploader() -> None:
    # issue 19: checking an upload takes the server's time; a visitor who is not signed in
    # cannot send one (nor tie up the server with a crafted file)
    at = open_app(PAGE, lang="en")
    assert not at.exception, [e.value for e in at.exception]
    assert [] == at.get("file_uploader")
    assert any("Steps:" in m.value for m in at.markdown), "the steps are shown"
    assert at.get("download_button"), "the templates are there to download"
    assert at.button(key="auth_sign_in"), "the sign-in form is offered"
    sign_in(at)
    assert 1 == len(at.get("file_uploader"))


def test_upload_preview_confirm_adds_the_programme(plan_csv: bytes) -> None:
    at = upload(open_app(PAGE), "mau_ke_hoach.csv", plan_csv)
    assert not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert "0" == metrics["Lỗi (chặn việc nhập)"]
    assert "2" == metrics["Cảnh báo (không chặn)"]  # same period as HN-2021-2025; 000:322 V.4
    assert "27" == metrics["Số nhiệm vụ"]
    assert "250,9 tỷ đồng" == metrics["Tổng các dòng kinh phí"]  # 000:326
    assert 27 == len(table(at, "Nhiệm vụ"))
    assert NEW_ID not in programme_ids()
    assert not at.button(key="imports_confirm").disabled
    assert [] == imports.list_imports(), "nothing is written before confirmation"
    at.button(key="imports_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]

    [record] = imports.list_imports()
    assert ("Nguyễn Văn A", NEW_ID, "plan") == (
        record["editor"],
        record["programme_id"],
        record["kind"],
    )
    assert record["id"] in at.success[0].value and NEW_ID in at.success[0].value
    assert NEW_ID in programme_ids()
    # a new visitor can open the imported programme on the overview page
    overview = open_app(None, prog=NEW_ID)
    assert NEW_ID == overview.selectbox(key="f_programme").value
    assert "27" == overview.metric[1].value


def test_a_refused_write_is_said_in_the_readers_words(plan_csv: bytes, monkeypatch) -> None:
    # DuckDB out of its memory bound while the import is written: the page gives the build's
    # message (which setting), not "1 data errors", and nothing is stored
    import duckdb

    from plans.data import build as build_module

    def exhausted(*args, **kwargs) -> None:
        raise duckdb.OutOfMemoryException("could not allocate block of size 256.0 KiB")

    monkeypatch.setattr(build_module, "_derive_programmes", exhausted)
    at = upload(open_app(PAGE), "mau_ke_hoach.csv", plan_csv)
    at.button(key="imports_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    [shown] = [e.value for e in at.error]
    error = shown.replace("\\", "")  # escaped for Markdown on the page
    assert error.startswith("Không nhập được; cơ sở dữ liệu không thay đổi. Lý do: "), error
    assert "tăng PLANS_WRITE_MEMORY_MB rồi thử lại." in error, error
    assert "data errors" not in error
    assert [] == imports.list_imports()
    assert NEW_ID not in programme_ids()


def test_same_file_again_is_refused(plan_csv: bytes) -> None:
    first = imports.validate("mau_ke_hoach.csv", plan_csv)
    imports.commit(first, plan_csv, "tester")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = upload(open_app(PAGE, lang="en"), "copy.csv", plan_csv)
    assert "already imported" in table(at, "Message").iloc[0]["Message"]
    assert at.button(key="imports_confirm").disabled


def test_errors_block_and_file_text_is_shown_as_text(plan_csv: bytes) -> None:
    text = plan_csv.decode("utf-8-sig").replace(
        "Tổ chức truyền nghề, nhân cấy nghề", "<script>alert(1)</script>", 1
    )
    at = upload(open_app(PAGE, lang="en"), "bad.csv", text.encode())
    errors = table(at, "Message")
    assert ["3"] == list(errors["Row"])  # the first task row under the header and section I
    assert "script/HTML" in errors["Message"].iloc[0]
    assert at.button(key="imports_confirm").disabled
    assert not at.get("plotly_chart"), "no preview of a file with errors"


def test_xlsx_template_previews_in_english() -> None:
    data = templates.to_xlsx(templates.plan_rows())
    at = sign_in(open_app(PAGE, lang="en"))
    at.file_uploader(key="imports_file").set_value(("template.xlsx", data, "application/xlsx"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert "27" == metrics["Tasks"]
    assert "250.9 billion VND" == metrics["Sum of the budget lines"]
    pivot = table(at, "Year")
    assert "250,900" == pivot["Total"].iloc[-1]  # 000:326


def test_mapping_renamed_column_back() -> None:
    rows = templates.plan_rows()
    rows[0] = ["Cột B" if c == "nhiem_vu" else c for c in rows[0]]
    at = upload(open_app(PAGE, lang="en"), "renamed.csv", templates.to_csv(rows))
    assert "Column 'nhiem_vu'" in table(at, "Message").iloc[0]["Message"]
    i = rows[0].index("Cột B")
    at.selectbox(key=f"imports_map_{i}").set_value("nhiem_vu").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "27" == {m.label: m.value for m in at.metric}["Tasks"]


# --- issue 15: documents, the template choice, the suggested areas -------------------------


def test_a_document_upload_asks_for_what_its_heading_may_not_print() -> None:
    pytest.importorskip("plans.data.documents", reason="plans.data.documents not written yet")
    text = (ROOT / "data" / "sources").glob("000_*.txt")
    data = next(text).read_bytes()
    at = sign_in(open_app(PAGE, lang="en"))
    at.file_uploader(key="imports_file").set_value(("quyet_dinh.txt", data, "text/plain")).run()
    assert not at.exception, [e.value for e in at.exception]
    labels = {w.label for w in at.text_input}
    assert {"Province", "Programme title", "From year", "To year", "Decision number"} <= labels
    assert not [s for s in at.selectbox if str(s.key).startswith("imports_map_")], (
        "a document's columns are found by its reader, not mapped by hand"
    )


def test_template_choice_offers_periods_one_year_and_language() -> None:
    at = open_app(PAGE, lang="en")
    period = at.selectbox(key="imports_tpl_period")
    # the periods of data/reference/periods.csv, then a one-year plan
    assert ["2011-2015", "2016-2020", "2021-2025", "2026-2030", "One-year plan"] == period.options
    assert "2021-2025" == period.value
    period.set_value("one_year").run()
    assert not at.exception, [e.value for e in at.exception]
    assert 2026 == at.number_input(key="imports_tpl_year").value
    at.selectbox(key="imports_tpl_kind").set_value("results").run()
    at.selectbox(key="imports_tpl_lang").set_value("vi").run()
    assert not at.exception, [e.value for e in at.exception]


def _plan_without_areas() -> bytes:
    rows = templates.plan_rows()
    i = rows[0].index("linh_vuc")
    return templates.to_csv([[c for j, c in enumerate(r) if j != i] for r in rows])


def test_preview_shows_suggested_areas_and_the_importer_changes_one() -> None:
    at = upload(open_app(PAGE, lang="en"), "khong_linh_vuc.csv", _plan_without_areas())
    areas = table(at, "Suggestion")
    assert 27 == len(areas)
    first = areas.iloc[0]
    # 000:267 "Tổ chức truyền nghề, nhân cấy nghề" is KC1 in data/content_area_map.csv line 2
    assert ("I.1", "KC1", "KC1", "automatic suggestion") == (
        areas.iloc[0, 0],
        first["Suggestion"],
        first["Area to be stored"],
        first["Chosen by"],
    )
    assert first["Why suggested"].startswith("like ")
    box = at.selectbox(key="imports_area_I.1")
    assert "KC1" == box.value
    box.set_value("KC2").run()
    assert not at.exception, [e.value for e in at.exception]
    areas = table(at, "Suggestion")
    assert ("KC2", "the importer") == (
        areas.iloc[0]["Area to be stored"],
        areas.iloc[0]["Chosen by"],
    )
    at.selectbox(key="imports_area_I.2.1").set_value("").run()
    assert "No content area assigned" == table(at, "Suggestion").iloc[1]["Area to be stored"]

    at.button(key="imports_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    [record] = imports.list_imports()
    from plans.app.cache import query

    # the data-quality list: tasks no person gave an area (none, or a suggested one)
    listed = query("quality_unmapped_tasks", programme_id=record["programme_id"])
    areas = dict(zip(listed["task_code"], listed["suggested_area"], strict=True))
    assert "I.1" not in areas, "the importer's choice is not listed"
    assert areas["I.2.1"] is None or areas["I.2.1"] != areas["I.2.1"]  # none: left unassigned
    assert "KC2" == areas["I.2.2"]
    assert 26 == len(listed)
