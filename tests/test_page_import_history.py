"""The import history page: lists imports, offers the original file, removes an import."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from apptest import open_app

from plans import auth, settings
from plans.data import imports, templates
from plans.data.import_preview import history_frame, original_file

PAGE = "pages/import_history.py"
NEW_ID = "HN-2021-2025-2"
PASSWORD = "mật khẩu của B"
EDITOR_HASH = auth.hash_password(PASSWORD, iterations=1000)  # few rounds: tests stay fast


@pytest.fixture(autouse=True)
def signed_in_store(private_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A private database and imports folder (conftest) with one configured editor."""
    monkeypatch.setenv(auth.ENV_VAR, f"Trần Thị B={EDITOR_HASH}")
    auth.THROTTLE.reset()


@pytest.fixture()
def imported() -> str:
    """The plan template imported once (as the import page would after confirmation)."""
    data = templates.to_csv(templates.plan_rows())
    staged = imports.validate("mau_ke_hoach.csv", data)
    import_id = imports.commit(staged, data, "Trần Thị B")
    st.cache_data.clear()
    st.cache_resource.clear()
    return import_id


def programme_ids() -> list[str]:
    from plans.app.cache import query

    return list(query("filter_choices")["programme_id"])


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        pytest.param("vi", "Chưa có lần nhập nào.", id="vi"),
        pytest.param("en", "No imports yet.", id="en"),
    ],
)
def test_empty_history_says_so(lang: str, text: str) -> None:
    at = open_app(PAGE, lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    assert text == at.info[0].value
    assert not at.button


def test_history_lists_and_removal_removes(imported: str) -> None:
    assert NEW_ID in programme_ids()
    at = open_app(PAGE)
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert [imported] == list(table["Mã lần nhập"])
    assert ["Trần Thị B", "Kế hoạch", NEW_ID, "2"] == [
        table[c].iloc[0] for c in ("Người nhập", "Loại", "Chương trình", "Số cảnh báo")
    ]
    assert imported == at.selectbox(key="history_import").value
    assert not [b for b in at.button if b.key == "history_remove"], "removal needs a sign-in"
    at.text_input(key="auth_name").set_value("Trần Thị B")
    at.text_input(key="auth_password").set_value(PASSWORD)
    at.button(key="auth_sign_in").click().run()
    assert "Đang đăng nhập: **Trần Thị B**" in [m.value for m in at.markdown]
    assert at.button(key="history_remove").disabled, "removal needs the confirmation box"

    at.checkbox(key="history_confirm").check().run()
    at.button(key="history_remove").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [] == imports.list_imports()
    assert imported in at.success[0].value
    assert "Chưa có lần nhập nào." == at.info[0].value
    assert NEW_ID not in programme_ids()


def test_original_file_is_offered_only_to_an_editor(imported: str) -> None:
    path = original_file(settings.IMPORTS_DIR, imported)
    assert templates.to_csv(templates.plan_rows()) == path.read_bytes()
    at = open_app(PAGE, lang="en")
    assert not at.exception, [e.value for e in at.exception]
    # issue 19: an upload may hold what a viewer should not download (a workbook's other sheets)
    assert [] == at.get("download_button"), "a viewer is not offered the original"
    at.text_input(key="auth_name").set_value("Trần Thị B")
    at.text_input(key="auth_password").set_value(PASSWORD)
    at.button(key="auth_sign_in").click().run()
    assert not at.exception, [e.value for e in at.exception]
    # the label reads Markdown: the file name is escaped so it shows as written
    assert r"(mau\_ke\_hoach\.csv)" in at.get("download_button")[0].proto.label


def test_history_frame_is_newest_first() -> None:
    records = [
        {"id": "0001-aaaaaaaa", "when": "2026-01-01T08:00:00+00:00", "warnings": ["x"]},
        {"id": "0002-bbbbbbbb", "when": "2026-01-02T08:00:00+00:00", "warnings": []},
    ]
    frame = history_frame(records, "vi")
    assert ["0002-bbbbbbbb", "0001-aaaaaaaa"] == list(frame["id"])
    assert [0, 1] == list(frame["n_warnings"])
    # stored in UTC, shown in Viet Nam's time (UTC+7) as a reader writes it (the header says so)
    assert "02/01/2026 15:00" == frame["when"].iloc[0]
    assert "2 Jan 2026, 15:00" == history_frame(records, "en")["when"].iloc[0]
