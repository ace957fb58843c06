"""The dashboard renders on the built database: every page, both languages (Streamlit AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from plans import settings

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


@pytest.fixture(autouse=True)
def fresh_caches(built_db: Path, monkeypatch) -> None:
    monkeypatch.setattr(settings, "DB_PATH", built_db)
    st.cache_data.clear()
    st.cache_resource.clear()


def start(lang: str = "vi") -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.session_state["lang"] = lang
    return at.run()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(page: str, lang: str) -> None:
    at = start(lang)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]


def test_overview_follows_the_programme_choice() -> None:
    at = start("vi")
    assert "250,9 tỷ đồng" == at.metric[0].value  # 000:205
    assert "27" == at.metric[1].value
    at.selectbox(key="overview_programme").set_value("HY-2018-2020").run()
    assert "8,374 tỷ đồng" == at.metric[0].value  # 002:162
    assert "17" == at.metric[1].value
    assert not at.exception


def test_overview_in_english_formats_numbers_the_english_way() -> None:
    at = start("en")
    assert "250.9 billion VND" == at.metric[0].value


def test_missing_database_is_built_on_first_start(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "fresh" / "plans.duckdb"
    monkeypatch.setattr(settings, "DB_PATH", db)
    at = start("vi")
    assert not at.exception
    assert db.exists()
