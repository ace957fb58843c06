"""The two boundary views of the province comparisons: 'current' (theo địa giới hiện nay) and
'as_issued' (như văn bản), on databases that hold an old province's programme beside its
successor's.

The seed database gets two imported plans of the 2018-2020 period written in the template from
the Hưng Yên table (002_3a0caad79bab0308.txt, lines 162-290): one of Thái Bình (merged into Hưng
Yên on 1/7/2025, Nghị quyết 202/2025/QH15) with every amount doubled, one of Bến Tre (merged
into Vĩnh Long with Trà Vinh) with every amount tripled, quantities unchanged. The expected
figures are computed with pandas from the base tables (programmes, budget_lines) and the pinned
63 → 34 mapping (plans.data.provinces), not from the queries.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import streamlit as st
from apptest import open_app
from test_vietnamese_order import vi_key

from plans import db, settings
from plans.charts.budget import (
    area_share_bars,
    boundary_label,
    per_year_bars,
    series_names,
    unit_cost_bars,
)
from plans.charts.support import province_bars
from plans.data import imports, templates
from plans.data.provinces import reference
from plans.data.synth import synthesise

SUCCESSOR = {p.province: p.successor for p in reference()}
MEMBERS = {s: sorted(p for p, n in SUCCESSOR.items() if n == s) for s in set(SUCCESSOR.values())}
# the imported plans: province -> factor on every amount of 002's table
SCALE = {"Thái Bình": 2, "Bến Tre": 3}
HY_TOTAL = 8374  # 002:290, the TỔNG row of Hưng Yên 2018-2020
QUERIES = ("province_shares", "province_budget_per_year", "province_unit_costs")


def _scaled(value: str, factor: int) -> str:
    """A template amount ('1.514', the documents' notation) times `factor`, written the same way."""
    if not value:
        return value
    return f"{int(value.replace('.', '')) * factor:,}".replace(",", ".")


def plan_of(province: str, factor: int) -> list[list[str]]:
    """002's plan in the template, as if `province` had issued it with amounts x `factor`."""
    header, *rows = templates.plan_rows("HY-2018-2020")
    money = [i for i, c in enumerate(header) if c.startswith("kinh_phi") or c == "tong_kinh_phi"]
    out = [header]
    for row in rows:
        row = list(row)
        row[header.index("tinh")] = province
        row[header.index("ten_chuong_trinh")] = f"Chương trình khuyến công tỉnh {province} đến 2020"
        row[header.index("so_quyet_dinh")] = f"{factor}00/QĐ-UBND"
        for i in money:
            row[i] = _scaled(row[i], factor)
        out.append(row)
    return out


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory, built_db: Path) -> dict:
    """The seed database with the two imported plans (built through the import path)."""
    folder = tmp_path_factory.mktemp("merged")
    path, imports_dir = folder / "plans.duckdb", folder / "imports"
    shutil.copy(built_db, path)
    ids = {}
    for n, (province, factor) in enumerate(SCALE.items()):
        data = templates.to_csv(plan_of(province, factor))
        staged = imports.validate(f"plan_{n}.csv", data, imports_dir=imports_dir)
        assert [] == staged.errors, staged.report("en")
        imports.commit(staged, data, "Kiểm thử", db_path=path, imports_dir=imports_dir)
        ids[province] = staged.programme_id
    return {"db": path, "imports": imports_dir, "ids": ids}


def run(path: Path, name: str, **params: object) -> pd.DataFrame:
    with db.connect(path, read_only=True) as con:
        return db.run(con, name, **params)


def base(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The base tables, read directly: khuyến công programmes with budget lines, and the lines."""
    with duckdb.connect(str(path), read_only=True) as con:
        programmes = con.execute("select * from programmes where kind = 'khuyen_cong'").df()
        lines = con.execute("select * from budget_lines").df()
    return programmes[programmes["programme_id"].isin(lines["programme_id"])], lines


def in_view(programmes: pd.DataFrame, boundary: str) -> pd.DataFrame:
    """Each programme with the province it counts under in the boundary view."""
    issued = programmes["province"]
    view = issued.map(SUCCESSOR) if boundary == "current" else issued
    return programmes.assign(view=view)


def expected_per_year(path: Path, boundary: str) -> pd.DataFrame:
    """Total, per year and the two notes of each (province in the view, period), by pandas."""
    programmes, lines = base(path)
    totals = lines.groupby("programme_id")["amount_mvnd"].sum().rename("lines_mvnd")
    frame = in_view(programmes, boundary).join(totals, on="programme_id")
    rows = []
    for (view, start, end), group in frame.groupby(["view", "period_start", "period_end"]):
        issued = sorted(set(group["province"]), key=vi_key)
        current = boundary == "current"
        lacking = [m for m in MEMBERS.get(view, [view]) if m not in issued]
        rows.append(
            {
                "series_label": f"{view} {start}-{end}",
                "total_mvnd": group["lines_mvnd"].sum(),
                "per_year_mvnd": group["lines_mvnd"].sum() / (end - start + 1),
                "summed_from": ", ".join(issued) if current and issued != [view] else None,
                "missing_from": ", ".join(lacking)
                if current and start < 2025 and lacking
                else None,
            }
        )
    return pd.DataFrame(rows).set_index("series_label")


def test_the_imports_are_old_provinces_of_merged_ones(merged) -> None:
    # the premise of every test below (Nghị quyết 202/2025/QH15)
    assert ("Hưng Yên", "Vĩnh Long") == (SUCCESSOR["Thái Bình"], SUCCESSOR["Bến Tre"])
    assert ["Bến Tre", "Trà Vinh", "Vĩnh Long"] == sorted(MEMBERS["Vĩnh Long"], key=vi_key)


@pytest.mark.parametrize("boundary", ["current", "as_issued"])
def test_totals_per_series_follow_the_view(merged, boundary: str) -> None:
    expected = expected_per_year(merged["db"], boundary)
    got = run(merged["db"], "province_budget_per_year", boundary=boundary, provinces=None)
    got = got.set_index("series_label")
    assert sorted(expected.index) == sorted(got.index)
    for column in ("total_mvnd", "per_year_mvnd"):
        pd.testing.assert_series_equal(
            expected[column], got.loc[expected.index, column], check_names=False, rtol=1e-12
        )
    for column in ("summed_from", "missing_from"):
        want = [None if v is None or v != v else v for v in expected[column]]
        have = [None if v is None or v != v else v for v in got.loc[expected.index, column]]
        assert want == have, column


def test_hung_yen_now_is_hung_yen_and_thai_binh_summed(merged) -> None:
    # 002:290 8.374 of Hưng Yên + 2 x 8.374 of the Thái Bình import
    got = run(merged["db"], "province_budget_per_year", boundary="current", provinces=None)
    row = got.set_index("series_label").loc["Hưng Yên 2018-2020"]
    assert 3 * HY_TOTAL == pytest.approx(row["total_mvnd"])
    assert HY_TOTAL == pytest.approx(row["per_year_mvnd"])  # 25.122 / 3 years
    assert f"HY-2018-2020, {merged['ids']['Thái Bình']}" == row["programme_ids"]
    assert ("Hưng Yên, Thái Bình", None) == (row["summed_from"], none(row["missing_from"]))
    # Vĩnh Long holds Bến Tre's plan only: the sum says whom it lacks
    row = got.set_index("series_label").loc["Vĩnh Long 2018-2020"]
    assert 3 * HY_TOTAL == pytest.approx(row["total_mvnd"])
    assert ("Bến Tre", "Trà Vinh, Vĩnh Long") == (row["summed_from"], row["missing_from"])
    # Hà Nội kept its boundaries: nothing to say
    row = got.set_index("series_label").loc["Hà Nội 2021-2025"]
    assert (None, None) == (none(row["summed_from"]), none(row["missing_from"]))


def none(value: object) -> object:
    return None if value is None or value != value else value


def test_as_issued_keeps_each_programme_under_its_own_name(merged) -> None:
    got = run(merged["db"], "province_budget_per_year", boundary="as_issued", provinces=None)
    totals = dict(zip(got["series_label"], got["total_mvnd"], strict=True))
    assert {
        "Bến Tre 2018-2020": 3 * HY_TOTAL,
        "Hà Nội 2021-2025": 250900,  # 000:326
        "Hưng Yên 2018-2020": HY_TOTAL,
        "Thái Bình 2018-2020": 2 * HY_TOTAL,
    } == pytest.approx(totals)
    assert got["summed_from"].isna().all() and got["missing_from"].isna().all()


def test_the_provinces_filter_takes_names_of_the_view(merged) -> None:
    for name in QUERIES:
        now = run(merged["db"], name, boundary="current", provinces=["Hưng Yên"])
        assert {"Hưng Yên 2018-2020"} == set(now["series_label"]), name
        # Thái Bình is no province since 1/7/2025: no series under that name
        assert run(merged["db"], name, boundary="current", provinces=["Thái Bình"]).empty, name
        issued = run(merged["db"], name, boundary="as_issued", provinces=["Thái Bình"])
        assert {"Thái Bình 2018-2020"} == set(issued["series_label"]), name


def test_content_area_shares_of_the_summed_series(merged) -> None:
    programmes, lines = base(merged["db"])
    now = in_view(programmes, "current")
    ids = now.loc[(now["view"] == "Hưng Yên") & (now["period_start"] == 2018), "programme_id"]
    amounts = lines[lines["programme_id"].isin(ids)].groupby("content_area")["amount_mvnd"].sum()
    shares = run(merged["db"], "province_shares", boundary="current", provinces=["Hưng Yên"])
    # the nine areas of the list the plans are read with (ND45-2012), each once
    assert [f"KC{i}" for i in range(1, 10)] == list(shares["content_area"])
    got = shares.set_index("content_area")
    assert 3 * 504 == pytest.approx(got.loc["KC1", "amount_mvnd"])  # 002:265, 1 + 2 times
    for area, amount in amounts.items():
        assert amount == pytest.approx(got.loc[area, "amount_mvnd"]), area
        assert 100 * amount / amounts.sum() == pytest.approx(got.loc[area, "share_pct"]), area
    # the shares are Hưng Yên's own: the two plans have the same mix
    alone = run(merged["db"], "province_shares", boundary="as_issued", provinces=["Hưng Yên"])
    assert list(alone["share_pct"]) == pytest.approx(list(shares["share_pct"]))
    assert {"Hưng Yên, Thái Bình"} == set(shares["summed_from"])


def test_unit_costs_stay_each_tasks_own(merged) -> None:
    costs = run(merged["db"], "province_unit_costs", boundary="current", provinces=["Hưng Yên"])
    trainees = costs[costs["pair"] == "trainees"].set_index("programme_id")["unit_cost_mvnd"]
    # 002:265 504/420 người = 1,2; the Thái Bình import 1.008/420 = 2,4: not summed, not averaged
    assert {"HY-2018-2020": 1.2, merged["ids"]["Thái Bình"]: 2.4} == pytest.approx(
        trainees.to_dict()
    )
    assert {"Hưng Yên, Thái Bình"} == set(costs["summed_from"])


def test_charts_say_what_a_series_sums_and_lacks(merged) -> None:
    per_year = run(merged["db"], "province_budget_per_year", boundary="current", provinces=None)
    fig = per_year_bars(per_year, "t", "vi")
    bars = {t.x[0]: t.y[0] for t in fig.data}
    assert 3 * HY_TOTAL / 3 == pytest.approx(
        bars["Hưng Yên 2018-2020 · cộng Hưng Yên, Thái Bình (cũ)"]
    )
    assert HY_TOTAL == pytest.approx(
        bars["Vĩnh Long 2018-2020 · cộng Bến Tre (cũ) · thiếu Trà Vinh, Vĩnh Long (cũ)"]
    )
    assert 50180 == pytest.approx(bars["Hà Nội 2021-2025"])  # 000:326 250.900 / 5
    english = {t.name for t in per_year_bars(per_year, "t", "en").data}
    assert "Vĩnh Long 2018-2020 · sum of former Bến Tre · without former Trà Vinh, Vĩnh Long" in (
        english
    )
    shares = run(merged["db"], "province_shares", boundary="current", provinces=None)
    names = [t.name for t in area_share_bars(shares, "t", "vi").data]
    assert "Hưng Yên 2018-2020 · cộng Hưng Yên, Thái Bình (cũ)" in names
    costs = run(merged["db"], "province_unit_costs", boundary="current", provinces=None)
    assert "Hưng Yên 2018-2020 · cộng Hưng Yên, Thái Bình (cũ)" in {
        t.name for t in unit_cost_bars(costs, "t", "vi").data
    }
    # as issued the names are the series' own
    issued = run(merged["db"], "province_budget_per_year", boundary="as_issued", provinces=None)
    assert list(issued["series_label"]) == [t.x[0] for t in per_year_bars(issued, "t", "vi").data]


def test_boundary_label_without_notes_is_the_label() -> None:
    assert "Hà Nội 2021-2025" == boundary_label("Hà Nội 2021-2025", None, float("nan"), "vi")
    assert "Gia Lai 2021-2025 · cộng Bình Định, Gia Lai (cũ)" == boundary_label(
        "Gia Lai 2021-2025", "Bình Định, Gia Lai", None, "vi"
    )
    frame = pd.DataFrame({"series_label": ["A 2021-2025"]})  # a frame without the notes
    assert ["A 2021-2025"] == list(series_names(frame, "vi"))


# --- issue 15: a period holding only a plan without content areas --------------------------


def test_a_series_without_content_areas_shows_no_share_instead_of_failing(con) -> None:
    shares = db.run(con, "province_shares", boundary="as_issued", provinces=None)
    # Hưng Yên's plan as if none of its tasks had a content area: every amount 0, no share
    hy = shares["series_label"] == "Hưng Yên 2018-2020"
    empty = shares.assign(
        amount_mvnd=shares["amount_mvnd"].where(~hy, 0.0),
        share_pct=shares["share_pct"].where(~hy, float("nan")),
    )
    fig = area_share_bars(empty[hy], "t", "vi")  # one period alone: the page's default view
    assert ["không có số liệu"] * 9 == list(fig.data[0].text)
    assert ["not available"] * 9 == list(area_share_bars(empty[hy], "t", "en").data[0].text)
    fig = area_share_bars(empty, "t", "vi")
    hn = next(t for t in fig.data if t.name == "Hà Nội 2021-2025")
    assert "8,4%" == hn.text[0]  # 000:267 21.000 / 250.900: the other series unchanged
    # beyond MANY_SERIES the heatmap says the same in its cells
    many = pd.concat(
        [empty.assign(series_label=empty["series_label"] + f" #{i}") for i in range(4)]
    )
    heat = area_share_bars(many, "t", "vi").data[0]
    row = list(heat.y).index("Hưng Yên 2018-2020 #0")
    assert ["không có số liệu"] * 9 == list(heat.text[row])


# --- a synthetic national database with the 2026-2030 period --------------------------------


@pytest.fixture(scope="module")
def national_2030(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six old provinces (An Giang .. Bắc Ninh) for 2011-2025, their five successors 2026-2030."""
    path = tmp_path_factory.mktemp("national2030") / "plans.duckdb"
    synthesise(path, provinces=6, periods=4, records=3000, seed=3)
    return path


def test_successors_beside_their_predecessors(national_2030: Path) -> None:
    expected = expected_per_year(national_2030, "current")
    got = run(national_2030, "province_budget_per_year", boundary="current", provinces=None)
    got = got.set_index("series_label")
    assert sorted(expected.index) == sorted(got.index)
    pd.testing.assert_series_equal(
        expected["total_mvnd"], got.loc[expected.index, "total_mvnd"], check_names=False
    )
    # Bắc Ninh (new) = Bắc Giang + Bắc Ninh before 1/7/2025, its own programme after
    assert "Bắc Giang, Bắc Ninh" == got.loc["Bắc Ninh 2021-2025", "summed_from"]
    assert none(got.loc["Bắc Ninh 2026-2030", "summed_from"]) is None
    # Hồ Chí Minh 2021-2025 holds only Bà Rịa - Vũng Tàu's programme
    assert "Bình Dương, Hồ Chí Minh" == got.loc["Hồ Chí Minh 2021-2025", "missing_from"]
    assert none(got.loc["Hồ Chí Minh 2026-2030", "missing_from"]) is None
    # as issued the 2021-2025 programmes of Bắc Giang and Bắc Ninh stay apart
    issued = run(national_2030, "province_budget_per_year", boundary="as_issued", provinces=None)
    assert {"Bắc Giang 2021-2025", "Bắc Ninh 2021-2025", "Bắc Ninh 2026-2030"} <= set(
        issued["series_label"]
    )


def test_support_records_count_under_the_successor(national_2030: Path) -> None:
    with duckdb.connect(str(national_2030), read_only=True) as con:
        records = con.execute("select province, year, amount_mvnd from support_records").df()
    records = records.assign(now=records["province"].map(SUCCESSOR))
    expected = records.groupby("now")["amount_mvnd"].sum()
    got = run(national_2030, "support_by_province", boundary="current", provinces=None,
              y0=None, y1=None, content_area=None)  # fmt: skip
    assert sorted(expected.index) == sorted(got["province"])
    for row in got.itertuples(index=False):
        assert expected[row.province] == pytest.approx(row.amount_mvnd), row.province
    # the bars name what they sum; before the merger Bạc Liêu alone stands for Cà Mau
    labels = list(province_bars(got, "t", "vi").data[0].y)
    assert "Cà Mau · cộng Bạc Liêu (cũ) · thiếu Cà Mau (cũ)" in labels
    # records from 2026 are the new provinces' own: nothing to say
    later = run(national_2030, "support_by_province", boundary="current", provinces=None,
                y0=2026, y1=None, content_area=None)  # fmt: skip
    assert later["summed_from"].isna().all() and later["missing_from"].isna().all()


# --- the sidebar and the pages (AppTest) ------------------------------------------------------


@pytest.fixture()
def merged_app(merged, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(settings, "DB_PATH", merged["db"])
    monkeypatch.setattr(settings, "IMPORTS_DIR", merged["imports"])
    st.cache_data.clear()
    st.cache_resource.clear()
    yield merged
    st.cache_data.clear()
    st.cache_resource.clear()


def series_of(at) -> list[str]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    # the words of each legend entry: wrapped for a phone (plans.charts.base.fit_narrow)
    return [trace["name"].replace("<br>", " ") for trace in spec["data"]]


HY_TITLE = "Chương trình khuyến công địa phương tỉnh Hưng Yên đến năm 2020"  # 002, programmes.csv
TB_TITLE = "Chương trình khuyến công tỉnh Thái Bình đến 2020"  # the import (plan_of)


def buttons(at) -> list[str]:
    """The labels of the sidebar's filter buttons."""
    return [b.proto.popover.label for b in at.sidebar.get("popover")]


def through_the_frame(at) -> None:
    """Run again as a browser does after a sidebar change: the frame, then the page.

    AppTest reruns the page script alone, where a browser reruns dashboard.py (st.navigation)
    and with it the sidebar. Forgetting the frame's view sends the page through the frame, as a
    first visitor's deep link does (plans.app.ui.filters), so the sidebar is drawn again from
    the choices it recorded.
    """
    del at.session_state["filters"]
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def open_page(page: str, **params: str):
    at = open_app(page, **params)
    assert not at.exception, [e.value for e in at.exception]
    through_the_frame(at)  # the sidebar's widgets in the tree
    return at


def test_switching_the_view_changes_the_compared_series(merged_app) -> None:
    at = open_page("pages/provinces.py", prov="Hưng Yên")
    assert ["Hưng Yên 2018-2020 · cộng Hưng Yên, Thái Bình (cũ)"] == series_of(at)
    thai_binh = merged_app["ids"]["Thái Bình"]
    # the sidebar's programmes follow: Thái Bình's plan is new Hưng Yên's
    assert {HY_TITLE, TB_TITLE} == set(at.selectbox(key="f_programme").options)

    at.radio(key="f_boundary").set_value("as_issued")
    through_the_frame(at)
    # Hưng Yên carried over as the names its programmes were issued by
    assert ["Hưng Yên", "Thái Bình"] == at.multiselect(key="f_provinces").value
    assert ["Hưng Yên 2018-2020", "Thái Bình 2018-2020"] == series_of(at)
    assert ("as_issued", "Hưng Yên,Thái Bình") == (
        at.query_params["bounds"],
        at.query_params["prov"],
    )
    assert "Địa giới: như văn bản" in buttons(at)

    at.multiselect(key="f_provinces").set_value(["Thái Bình"])
    through_the_frame(at)
    assert [TB_TITLE] == at.selectbox(key="f_programme").options
    assert thai_binh == at.selectbox(key="f_programme").value
    assert ["Thái Bình 2018-2020"] == series_of(at)
    at.radio(key="f_boundary").set_value("current")
    through_the_frame(at)
    assert ["Hưng Yên"] == at.multiselect(key="f_provinces").value  # back to its successor
    assert ["Hưng Yên 2018-2020 · cộng Hưng Yên, Thái Bình (cũ)"] == series_of(at)


def test_a_link_keeps_the_view(merged_app) -> None:
    at = open_page("pages/provinces.py", bounds="as_issued", prov="Thái Bình")
    assert not at.sidebar.warning
    assert "as_issued" == at.radio(key="f_boundary").value
    assert ["Thái Bình 2018-2020"] == series_of(at)
    assert {"bounds": "as_issued", "prov": "Thái Bình"}.items() <= dict(at.query_params).items()
    assert "Địa giới: như văn bản" == buttons(at)[0]  # the first filter: the names depend on it
    # a name of the other view falls back with a notice
    at = open_page("pages/provinces.py", bounds="current", prov="Thái Bình")
    assert "prov" in at.sidebar.warning[0].value
    assert "current" == at.radio(key="f_boundary").value


def test_the_button_names_the_view() -> None:
    from plans.app.state import Filters, filter_buttons

    assert "Địa giới: hiện nay" == filter_buttons(Filters(), "", "")["boundary"]
    issued = Filters(lang="en", boundary="as_issued")
    assert "Boundaries: as issued" == filter_buttons(issued, "", "")["boundary"]


def test_pages_filtering_programmes_follow_the_view(merged_app) -> None:
    thai_binh = merged_app["ids"]["Thái Bình"]
    at = open_app("pages/sources.py", prov="Hưng Yên")
    assert not at.exception, [e.value for e in at.exception]
    options = at.selectbox(key="sources_programme").options
    assert {"HY-2018-2020", thai_binh} == {o.split(" · ")[0] for o in options}
    at = open_app("pages/sources.py", prov="Hưng Yên", bounds="as_issued")
    options = at.selectbox(key="sources_programme").options
    assert ["HY-2018-2020"] == [o.split(" · ")[0] for o in options]


def test_quality_counts_the_programmes_of_the_view(merged_app) -> None:
    def checks(**params: str) -> int:
        at = open_app("pages/quality.py", **params)
        assert not at.exception, [e.value for e in at.exception]
        return int(at.metric[0].value.replace(".", ""))

    hung_yen = checks(prov="Hưng Yên", bounds="as_issued")
    assert 81 == hung_yen  # 002's own checks (tests/test_page_quality.py)
    thai_binh = checks(prov="Thái Bình", bounds="as_issued")
    assert thai_binh > 0
    # under the current boundaries new Hưng Yên holds both programmes' checks
    assert hung_yen + thai_binh == checks(prov="Hưng Yên")
