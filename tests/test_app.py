"""The dashboard renders on the built database: every page, both languages (Streamlit AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from plans import settings

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


pytestmark = pytest.mark.usefixtures("app_db")


def start(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.query_params.update(params)
    return at.run()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(page: str, lang: str) -> None:
    at = start(lang=lang)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]


# AppTest (Streamlit 1.67) drops the frame's own widgets from the element tree after a rerun
# under st.navigation, so frame filters are driven through the URL, as a copied link would.
def test_overview_follows_the_programme_filter() -> None:
    at = start()
    assert "250,9 tỷ đồng" == at.metric[0].value  # 000:205
    assert "27" == at.metric[1].value
    assert "KC4 · 57,7%" == at.metric[2].value
    assert "53,5%" == at.metric[3].value  # 250.900 vs 163.400 (001:99)
    assert "Thay đổi, danh nghĩa" == at.metric[3].label
    assert "Kinh phí kế hoạch so với giai đoạn trước (HN-2016-2020), giá hiện hành." == (
        at.metric[3].help
    )
    at = start(prog="HY-2018-2020")
    assert "8,374 tỷ đồng" == at.metric[0].value  # 002:162
    assert "17" == at.metric[1].value
    assert not at.exception


def test_overview_in_english() -> None:
    at = start(lang="en")
    assert "250.9 billion VND" == at.metric[0].value
    assert "Programme overview" == at.title[0].value
    # the price year is the latest CPI year: 2025 since data/reference/cpi_vietnam.csv has it
    assert ["Change, nominal", "Change, 2025 prices"] == [m.label for m in at.metric[3:5]]


def test_link_reopens_the_same_view() -> None:
    at = start(prog="HY-2018-2020", areas="content_area", lang="en")
    assert "HY-2018-2020" == at.selectbox(key="f_programme").value
    assert "content_area" == at.radio(key="f_area_mode").value
    assert "8.374 billion VND" == at.metric[0].value
    assert not at.sidebar.warning
    # the frame writes the view back into the URL
    assert {"prog": "HY-2018-2020", "areas": "content_area", "lang": "en", "y0": "2011",
            "y1": "2025", "prov": "all", "area": "all", "bounds": "current"} == at.query_params  # fmt: skip


def test_malformed_link_falls_back_with_a_notice() -> None:
    at = start(prog="HN-1999", y0="20x5", lang="xx", extra="1")
    assert not at.exception
    assert "HN-2021-2025" == at.selectbox(key="f_programme").value
    warning = at.sidebar.warning[0].value
    for name in ("prog", "y0", "lang", "extra"):
        assert name in warning


def test_missing_database_is_built_on_first_start(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "fresh" / "plans.duckdb"
    monkeypatch.setattr(settings, "DB_PATH", db)
    at = start()
    assert not at.exception
    assert db.exists()


def _frame_constant(name: str) -> object:
    """A literal assigned in dashboard.py (read, not run: the frame is a Streamlit script)."""
    import ast

    tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            return ast.literal_eval(node.value)
    raise LookupError(name)


def test_navigation_groups_hold_every_page_once() -> None:
    groups = _frame_constant("GROUPS")
    listed = [name for names in groups.values() for name in names]
    assert sorted(Path(p).stem for p in PAGES) == sorted(listed)
    assert len(set(listed)) == len(listed)
    # no group is long enough for Streamlit to fold it
    assert all(len(names) <= 10 for names in groups.values())
