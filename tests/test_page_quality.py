"""The data-quality page: checks counted from the database, findings by programme, weak spots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import support_plan_fixture as fx
from apptest import open_app
from streamlit.testing.v1 import AppTest

from plans import db, settings

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("app_db")


def open_page(**params: str) -> AppTest:
    at = open_app("pages/quality.py", **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def panel_refs(at: AppTest) -> list[str]:
    """The source references that title the findings chart's panels ('000:325', …)."""
    layout = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]
    return [a["text"].split(" ")[0] for a in layout["annotations"]]


@pytest.mark.parametrize(
    ("expected", "programme", "family"),
    [
        pytest.param((164, 159, 4, 1), None, "total", id="all stated totals"),
        pytest.param((82, 80, 2, 0), "HN-2021-2025", "total", id="000 totals, 2 differ"),
        pytest.param((81, 79, 2, 0), "HY-2018-2020", "total", id="002 totals, 2 differ"),
        pytest.param((1, 0, 0, 1), "HN-2016-2020", "total", id="001:99 163,4 tỷ no parts"),
        pytest.param((2, 1, 1, 0), None, "percentage", id="001:5 95,53% ok 94,5% differs"),
    ],
)
def test_check_counts_from_the_database(expected, programme, family, con) -> None:
    counts = db.run(con, "quality_check_counts", programme_id=programme)
    rows = counts[counts["family"] == family]
    got = tuple(int(rows[c].sum()) for c in ("n_checks", "n_ok", "n_differs", "n_not_checkable"))
    assert expected == got
    table = "total_checks" if family == "total" else "percentage_checks"
    where = "where programme_id = $p" if programme else "where $p is null"
    assert (
        expected[0]
        == con.execute(f"select count(*) from {table} {where}", {"p": programme}).fetchone()[0]
    )


def test_all_programmes_by_default() -> None:
    at = open_page()
    assert at.toggle(key="quality_all").value
    assert ["164", "159", "4", "1", "2", "1", "1"] == [m.value for m in at.metric]
    # the last three count stated percentages, not a rate of agreement
    assert ["Tỷ lệ % đã tính lại", "Tỷ lệ % khớp", "Tỷ lệ % lệch"] == [m.label for m in at.metric][
        4:
    ]
    assert ["001:5", "000:314", "000:325", "002:162", "002:168"] == panel_refs(at)


def test_toggle_off_follows_the_sidebar_programme() -> None:
    at = open_page(prog="HY-2018-2020")
    at.toggle(key="quality_all").set_value(False).run()
    assert not at.exception
    assert ["81", "79", "2", "0"] == [m.value for m in at.metric[:4]]
    assert ["002:162", "002:168"] == panel_refs(at)  # 8.374 vs 8.424, 3.696 vs 3.646


def test_province_filter_applies_to_all_programmes() -> None:
    at = open_page(prov="Hưng Yên", lang="en")
    assert "81" == at.metric[0].value
    assert ["002:162", "002:168"] == panel_refs(at)


def test_weak_spots_are_listed_or_said_to_be_none() -> None:
    at = open_page()
    texts = [m.value for m in at.markdown]
    assert "Không có: mọi chỉ tiêu đều được đọc chắc chắn." in texts  # no parse_certain = false
    assert "Không có: mọi nhiệm vụ đều đã gán lĩnh vực chung (NĐ 45/2012)." in texts
    tables = [d.value for d in at.dataframe]
    cells = next(t for t in tables if "Cách có số" in t.columns)
    assert 20 == len(cells)  # 002:270-289: 9 blank and 11 derived cells
    discrepancies = next(t for t in tables if "Nơi thứ hai" in t.columns)
    assert 15 == len(discrepancies)
    assert "000:262" == discrepancies.iloc[0]["Nơi thứ hai"]  # D01: 4153 vs 4159/QĐ-UBND


# --- support records against the plan: the records of tests/support_plan_fixture.py ----------


@pytest.fixture(scope="module")
def support_db(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fx.with_support_records(built_db, tmp_path_factory.mktemp("qual-sup") / "plans.duckdb")


@pytest.fixture()
def support_app(app_db: Path, support_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import streamlit as st

    monkeypatch.setattr(settings, "DB_PATH", support_db)
    st.cache_data.clear()
    st.cache_resource.clear()
    return support_db


def support_table(at: AppTest):
    [table] = [d.value for d in at.dataframe if "Phát hiện" in d.value.columns]
    return table


def test_support_section_on_the_seed_database() -> None:
    at = open_page()
    assert "Hỗ trợ cơ sở so với kế hoạch" in [h.value for h in at.subheader]
    assert "Chưa có hồ sơ hỗ trợ cơ sở nào để đối chiếu với kế hoạch." in [
        m.value for m in at.markdown
    ]


@pytest.mark.usefixtures("support_app")
def test_support_findings_are_listed_with_their_figures_and_rows() -> None:
    at = open_page()
    assert (
        "- Hỗ trợ vượt kinh phí kế hoạch của nhiệm vụ trong năm: 1\n"
        "- Năm kế hoạch không ghi kinh phí: 1\n"
        "- Hồ sơ chỉ ghi lĩnh vực, không ghi nhiệm vụ: 1\n"
        "- Nhiệm vụ không có trong kế hoạch: 1"
    ) in [m.value for m in at.markdown]
    table = support_table(at)
    # fixture lines 9, 3 (+4, 5 cancelled), 7, 8; the two groups within the plan are not listed
    assert ["HN-2016-2020", "HN-2021-2025", "HN-2021-2025", "HN-2021-2025"] == list(
        table["Chương trình"]
    )
    above = table.iloc[1]
    # 2.500 + 2.000 against 000:267's 4.200: 300 above, 107,1%
    assert ["2022", "I.1", "2", "1", "4.500", "4.200", "300", "107,1%"] == [
        above[c]
        for c in (
            *("Năm", "Mã", "Số hồ sơ", "Hồ sơ đã hủy", "Đã hỗ trợ (triệu đồng)"),
            *("Kế hoạch (triệu đồng)", "Chênh lệch (triệu đồng)", "So với kế hoạch"),
        )
    ]
    assert f"{fx.FILE}, dòng 3" == above["Tệp nhập, dòng đầu"]
    assert fx.IMPORT == above["Lần nhập"]
    assert ["—", "—"] == [table.iloc[2]["Mã"], table.iloc[2]["Kế hoạch (triệu đồng)"]]  # line 7


@pytest.mark.usefixtures("support_app")
def test_support_findings_follow_the_programme_and_the_provinces() -> None:
    at = open_page(prog="HN-2016-2020")
    at.toggle(key="quality_all").set_value(False).run()
    assert not at.exception
    assert ["2019"] == list(support_table(at)["Năm"])  # line 9 alone
    at = open_page(prov="Hưng Yên")
    assert "Chưa có hồ sơ hỗ trợ cơ sở nào để đối chiếu với kế hoạch." in [
        m.value for m in at.markdown
    ]


def test_support_within_the_plan_is_said_to_be(
    app_db: Path, support_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    from plans.data.build import derive_support

    # only lines 2 (3.000 of 4.200), 5 (cancelled: counted, not a finding) and 6 (7.200 of 7.200)
    path = tmp_path / "plans.duckdb"
    path.write_bytes(support_db.read_bytes())
    with db.connect(path, read_only=False) as writer:
        writer.execute("delete from support_records where source_line not in (2, 5, 6)")
        derive_support(writer)
    monkeypatch.setattr(settings, "DB_PATH", path)
    st.cache_data.clear()
    at = open_page()
    texts = [m.value for m in at.markdown]
    assert "Không có: 3 nhóm hồ sơ hỗ trợ đều nằm trong kinh phí kế hoạch." in texts
    assert [] == [d for d in at.dataframe if "Phát hiện" in d.value.columns]
