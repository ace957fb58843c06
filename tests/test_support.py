"""Support records: the support_* queries against a direct count of the records, the figure
builders, and the page on the seed database (no records) and on a synthetic one (AppTest)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import streamlit as st
from apptest import open_app, open_tab
from streamlit.testing.v1 import AppTest
from test_vietnamese_order import vi_key

from plans import db, settings
from plans.charts.support import (
    NO_AREA,
    area_bars,
    change_heatmap,
    province_bars,
    year_bars,
    year_changes,
)
from plans.data.provinces import reference
from plans.data.synth import synthesise
from plans.numbers import format_mvnd, format_number

FILTERS = ("provinces", "y0", "y1", "content_area")
BOUNDARIES = ("as_issued", "current")
# The 63 → 34 mapping of the pinned reference (Nghị quyết 202/2025/QH15), read independently of
# the SQL: each written province's successor since 1/7/2025, and each successor's old provinces.
SUCCESSOR = {p.province: p.successor for p in reference()}
MEMBERS = {s: sorted(p for p, n in SUCCESSOR.items() if n == s) for s in set(SUCCESSOR.values())}
MERGER_YEAR = 2025
# Above this many records in the filter support_top_establishments takes the bounded path.
BOUNDED_FROM = 100_000


def _db(tmp_path_factory: pytest.TempPathFactory, name: str, **kw: int) -> Path:
    path = tmp_path_factory.mktemp(name) / f"{name}.duckdb"
    synthesise(path, **kw)
    return path


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _db(tmp_path_factory, "support", provinces=3, periods=2, records=4000, seed=11)


@pytest.fixture(scope="module")
def large_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # enough records for the top-establishments query to prune by the establishments' totals
    return _db(tmp_path_factory, "support_large", provinces=2, periods=1, records=360_000, seed=5)


def records_of(path: Path) -> pd.DataFrame:
    """Every record with its content area, read directly (the independent side)."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select r.*, m.content_area from support_records as r "
            "left join content_area_map as m using (programme_id, task_code)"
        ).df()


@pytest.fixture(scope="module")
def small_records(small_db: Path) -> pd.DataFrame:
    return records_of(small_db)


def run(path: Path, name: str, **params: object) -> pd.DataFrame:
    with db.connect(path) as con:
        return db.run(con, name, **params)


def in_view(records: pd.DataFrame, boundary: str) -> pd.DataFrame:
    """The records with `province` the name they count under in the boundary view and `written`
    the name on them: under 'current' the written province's successor."""
    written = records["province"]
    province = written.map(SUCCESSOR) if boundary == "current" else written
    return records.assign(province=province, written=written)


def view_case(case: dict[str, object], boundary: str) -> dict[str, object]:
    """A filter of written names as the reader chooses it in the boundary view."""
    if boundary != "current" or case.get("provinces") is None:
        return case
    names = list(dict.fromkeys(SUCCESSOR[p] for p in case["provinces"]))
    return {**case, "provinces": names}


def chosen(records: pd.DataFrame, provinces=None, y0=None, y1=None, content_area=None):
    keep = pd.Series(True, index=records.index)
    if provinces is not None:
        keep &= records["province"].isin(list(provinces))
    if y0 is not None:
        keep &= records["year"] >= y0
    if y1 is not None:
        keep &= records["year"] <= y1
    if content_area is not None:
        keep &= records["content_area"] == content_area
    return records[keep]


def sums(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return (
        frame.groupby(keys, dropna=False)
        .agg(
            records=("amount_mvnd", "size"),
            amount_mvnd=("amount_mvnd", "sum"),
            beneficiaries=("beneficiaries", "sum"),
        )
        .reset_index()
    )


def with_share(frame: pd.DataFrame) -> pd.DataFrame:
    total = frame["amount_mvnd"].sum()
    return frame.assign(share_pct=100 * frame["amount_mvnd"] / total if total else float("nan"))


def by_amount(frame: pd.DataFrame, ties: list[str]) -> pd.DataFrame:
    # amounts compared at 1 đồng, as the queries do, then the names
    order = frame.assign(_key=-frame["amount_mvnd"].round(6)).sort_values(["_key", *ties])
    return order.drop(columns="_key").reset_index(drop=True)


def _names(names) -> str:
    return ", ".join(sorted(names, key=vi_key))


def expected_by_province(records: pd.DataFrame, boundary: str = "as_issued", **f) -> pd.DataFrame:
    rows = chosen(records, **f)
    totals = sums(rows, ["province"])
    # an establishment is a (written province, name): one in Thái Bình is not one in Hưng Yên
    counts = rows.drop_duplicates(["written", "establishment"]).groupby("province").size()
    frame = with_share(totals.merge(counts.rename("establishments").reset_index(), on="province"))
    summed, missing = [], []
    current = boundary == "current"
    for province in frame["province"]:
        own = rows[rows["province"] == province]
        # an old province's record: another name than the row's, or the row's own name before
        # the merger year (records made since 1/7/2025 are written under the successor)
        early = own["year"] < MERGER_YEAR
        old = set(own.loc[(own["written"] != province) | early, "written"])
        summed.append(_names(old) if current and old and old != {province} else None)
        lacking = [m for m in MEMBERS.get(province, []) if m not in old]
        missing.append(_names(lacking) if current and early.any() and lacking else None)
    frame = frame.assign(summed_from=summed, missing_from=missing)
    columns = ["province", "records", "establishments", "amount_mvnd", "beneficiaries", "share_pct",
               "summed_from", "missing_from"]  # fmt: skip
    return by_amount(frame[columns], ["province"])


def expected_by_year(records: pd.DataFrame, boundary: str = "as_issued", **f) -> pd.DataFrame:
    return sums(chosen(records, **f), ["year"]).sort_values("year").reset_index(drop=True)


def expected_by_area(records: pd.DataFrame, boundary: str = "as_issued", **f) -> pd.DataFrame:
    frame = with_share(sums(chosen(records, **f), ["content_area"]))
    return frame.sort_values("content_area", na_position="last").reset_index(drop=True)


def expected_yoy(records: pd.DataFrame, boundary: str = "as_issued", **f) -> pd.DataFrame:
    yearly = sums(chosen(records, **f), ["province", "year"])[["province", "year", "amount_mvnd"]]
    before = yearly.assign(year=yearly["year"] + 1).rename(
        columns={"amount_mvnd": "prev_amount_mvnd"}
    )
    frame = yearly.merge(before, on=["province", "year"], how="left")
    prev = frame["prev_amount_mvnd"]
    frame["change_pct"] = (100 * (frame["amount_mvnd"] - prev) / prev).where(prev != 0)
    return frame.sort_values(["province", "year"]).reset_index(drop=True)


def expected_top(records: pd.DataFrame, limit: int | None, **f: object) -> pd.DataFrame:
    """The top establishments of records `in_view`; ties in the order of the written names."""
    rows = chosen(records, **f)
    if "written" not in rows:
        rows = rows.assign(written=rows["province"])
    totals = sums(rows, ["written", "establishment"])
    view = rows.drop_duplicates("written").set_index("written")["province"]
    frame = by_amount(totals, ["written", "establishment"])
    frame = frame.head(limit) if limit is not None else frame
    frame.insert(0, "rank", range(1, len(frame) + 1))
    frame.insert(1, "province", frame["written"].map(view))
    frame = frame.rename(columns={"written": "province_written"})
    columns = ["rank", "province", "establishment", "records", "amount_mvnd", "beneficiaries",
               "province_written"]  # fmt: skip
    return frame[columns]


EXPECTED = {
    "support_by_province": expected_by_province,
    "support_by_year": expected_by_year,
    "support_by_area": expected_by_area,
    "support_yoy": expected_yoy,
}


def assert_same(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    """Same columns and rows in the same order; sums of doubles within a relative 1e-9."""
    assert list(expected.columns) == list(got.columns)
    assert len(expected) == len(got)
    for column in expected.columns:
        want, have = expected[column].reset_index(drop=True), got[column].reset_index(drop=True)
        if pd.api.types.is_float_dtype(want) or pd.api.types.is_float_dtype(have):
            pd.testing.assert_series_equal(
                want.astype("float64"), have.astype("float64"), rtol=1e-9, check_names=False
            )
        else:
            assert [None if v is pd.NA or v != v else v for v in want] == [
                None if v is pd.NA or v != v else v for v in have
            ], column


def small_cases(records: pd.DataFrame) -> list[dict[str, object]]:
    provinces = sorted(str(p) for p in records["province"].unique())
    years = sorted(int(y) for y in records["year"].unique())
    return [
        {},
        {"provinces": provinces[:1]},
        {"provinces": tuple(provinces[1:])},  # the page passes a tuple
        {"y0": years[2], "y1": years[5]},
        {"y0": years[3], "y1": years[3]},
        {"y0": years[4]},
        {"y1": years[1]},
        {"content_area": "KC3"},
        {"provinces": provinces[1:2], "y0": years[1], "y1": years[6], "content_area": "KC4"},
        {"content_area": "KC8"},  # no task of the synthetic plans is mapped to KC8
        {"provinces": []},
    ]


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_aggregates_match_the_records(
    name: str, boundary: str, small_db: Path, small_records
) -> None:
    records = in_view(small_records, boundary)
    for written_case in small_cases(small_records):
        case = view_case(written_case, boundary)
        params = {k: case.get(k) for k in FILTERS}
        expected = EXPECTED[name](records, boundary, **case)
        assert_same(expected, run(small_db, name, boundary=boundary, **params))


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("limit", [1, 7, 20, None])
def test_top_establishments_match_the_records(
    limit, boundary: str, small_db: Path, small_records
) -> None:
    records = in_view(small_records, boundary)
    for written_case in small_cases(small_records):
        case = view_case(written_case, boundary)
        params = {k: case.get(k) for k in FILTERS}
        got = run(small_db, "support_top_establishments", boundary=boundary, **params, limit=limit)
        assert_same(expected_top(records, limit, **case), got)


def test_top_establishments_by_their_totals(large_db: Path) -> None:
    # Many records in the filter: the query sums only the establishments whose total can reach
    # the top; the result must still be the exact top.
    assert f"> {BOUNDED_FROM}" in db.load_query("support_top_establishments")
    records = records_of(large_db)
    provinces = sorted(str(p) for p in records["province"].unique())
    largest_area = str(records["content_area"].value_counts().idxmax())
    cases = [{}, {"y0": 2022}, {"content_area": largest_area}, {"provinces": provinces[:1]}]
    for case in cases:
        assert BOUNDED_FROM < len(chosen(records, **case)), case  # the path under test
        for limit in (1, 20, 100):
            params = {k: case.get(k) for k in FILTERS}
            got = run(large_db, "support_top_establishments", boundary="as_issued", **params,
                      limit=limit)  # fmt: skip
            assert_same(expected_top(records, limit, **case), got)
    # under the current boundaries the chosen successor reads its written provinces' rows
    now = in_view(records, "current")
    successor = SUCCESSOR[provinces[0]]
    got = run(large_db, "support_top_establishments", boundary="current", provinces=[successor],
              y0=None, y1=None, content_area=None, limit=20)  # fmt: skip
    assert_same(expected_top(now, 20, provinces=[successor]), got)


def test_filters_narrow_the_results(small_db: Path, small_records) -> None:
    everything = run(small_db, "support_by_province", boundary="as_issued", provinces=None, y0=None, y1=None,
                     content_area=None)  # fmt: skip
    one = everything["province"].iloc[-1]
    alone = run(small_db, "support_by_province", boundary="as_issued", provinces=[one], y0=None, y1=None,
                content_area=None)  # fmt: skip
    assert [one] == list(alone["province"])
    assert 100.0 == pytest.approx(alone["share_pct"].iloc[0])
    same = everything.set_index("province").loc[one]
    assert same["records"] == alone["records"].iloc[0]
    assert same["establishments"] == alone["establishments"].iloc[0]

    years = run(
        small_db,
        "support_by_year",
        boundary="as_issued",
        provinces=None,
        y0=2018,
        y1=2019,
        content_area=None,
    )
    assert [2018, 2019] == list(years["year"])
    areas = run(small_db, "support_by_area", boundary="as_issued", provinces=None, y0=None, y1=None,
                content_area="KC3")  # fmt: skip
    assert ["KC3"] == list(areas["content_area"])
    top5 = run(small_db, "support_top_establishments", boundary="as_issued", provinces=None, y0=None, y1=None,
               content_area=None, limit=5)  # fmt: skip
    top20 = run(small_db, "support_top_establishments", boundary="as_issued", provinces=None, y0=None, y1=None,
                content_area=None, limit=20)  # fmt: skip
    assert [1, 2, 3, 4, 5] == list(top5["rank"])
    pd.testing.assert_frame_equal(top20.head(5), top5)


def test_year_changes_agree_with_support_yoy(small_db: Path, small_records) -> None:
    province = sorted(small_records["province"].unique())[0]
    params = {"boundary": "as_issued", "provinces": [province], "y0": None, "y1": None,
              "content_area": "KC4"}  # fmt: skip
    yoy = run(small_db, "support_yoy", **params)
    mine = year_changes(run(small_db, "support_by_year", **params))
    assert_same(yoy[["year", "prev_amount_mvnd", "change_pct"]],
                mine[["year", "prev_amount_mvnd", "change_pct"]])  # fmt: skip


def test_seed_database_has_no_records_and_every_query_runs(con) -> None:
    assert 0 == con.execute("select count(*) from support_records").fetchone()[0]
    for name in [n for n in db.query_names() if n.startswith("support_")]:
        frame = db.run(con, name, **{p: None for p in db.query_params(name)})
        assert frame.empty, name


# --- figure builders -------------------------------------------------------------------------

PROVINCES = pd.DataFrame(
    {
        "province": ["Hà Nội", "Hưng Yên"],
        "records": [30, 10],
        "establishments": [25, 9],
        "amount_mvnd": [1500.0, 500.0],
        "beneficiaries": [400, 120],
        "share_pct": [75.0, 25.0],
    }
)
YEARS = pd.DataFrame(
    {
        "year": [2019, 2020, 2022],
        "records": [4, 6, 2],
        "amount_mvnd": [200.0, 250.0, 100.0],
        "beneficiaries": [40, 60, 20],
    }
)


def test_province_bars_show_amounts_and_shares() -> None:
    fig = province_bars(PROVINCES, "Kinh phí", "vi")
    bar = fig.data[0]
    assert ["Hà Nội", "Hưng Yên"] == list(bar.y)
    assert [1500.0, 500.0] == list(bar.x)
    assert "1,5 tỷ đồng · 75,0%" == bar.text[0]
    assert ["30 hồ sơ", "25 cơ sở", "400 người hưởng lợi"] == list(bar.customdata[0][:3])
    assert "1.5 billion VND · 75.0%" == province_bars(PROVINCES, "x", "en").data[0].text[0]


def test_province_bars_round_the_label_and_keep_the_hover_exact() -> None:
    # a national total such as 40.708.437 million VND: the bar reads 40.708,4 tỷ
    frame = PROVINCES.assign(amount_mvnd=[40_708_437.0, 500.0])
    bar = province_bars(frame, "Kinh phí", "vi").data[0]
    assert "40.708,4 tỷ đồng · 75,0%" == bar.text[0]
    assert "40.708,437 tỷ đồng · 75,0%" == bar.customdata[0][3]


def test_year_bars_label_the_change_on_the_year_before() -> None:
    bar = year_bars(YEARS, "Theo năm", "vi").data[0]
    assert [2019, 2020, 2022] == list(bar.x)
    # 2021 has no records, so 2022 has no previous year to compare with
    assert ["", "+25,0%", ""] == list(bar.text)
    assert ["", "+25.0%", ""] == list(year_bars(YEARS, "By year", "en").data[0].text)
    changes = year_changes(YEARS)
    assert [None, 200.0, None] == [None if v != v else v for v in changes["prev_amount_mvnd"]]


def test_change_heatmap_leaves_years_without_a_previous_one_empty() -> None:
    yoy = pd.DataFrame(
        {
            "province": ["Hà Nội", "Hà Nội", "Hưng Yên"],
            "year": [2020, 2021, 2021],
            "amount_mvnd": [100.0, 80.0, 50.0],
            "prev_amount_mvnd": [None, 100.0, None],
            "change_pct": [None, -20.0, None],
        }
    )
    heat = change_heatmap(yoy, "Thay đổi", "vi").data[0]
    assert ["Hà Nội", "Hưng Yên"] == list(heat.y)
    assert [2020, 2021] == list(heat.x)
    assert [[None, -20.0], [None, None]] == [list(r) for r in heat.z]
    assert "-20,0%" == heat.text[0][1]
    assert (-20.0, 20.0) == (heat.zmin, heat.zmax)  # symmetric around no change


def test_area_bars_name_and_colour_each_area() -> None:
    areas = pd.DataFrame(
        {
            "content_area": ["KC1", "KC4", None],
            "records": [5, 3, 1],
            "amount_mvnd": [100.0, 300.0, 100.0],
            "beneficiaries": [10, 30, 5],
            "share_pct": [20.0, 60.0, 20.0],
        }
    )
    names = {"KC1": "Đào tạo nghề", "KC4": "Xúc tiến thương mại"}
    bar = area_bars(areas, names, "Theo lĩnh vực", "vi").data[0]
    assert ["KC1", "KC4", NO_AREA] == list(bar.x)
    assert [100.0, 300.0, 100.0] == list(bar.y)
    assert ["20,0%", "60,0%", "20,0%"] == list(bar.text)
    assert ["Đào tạo nghề", "Xúc tiến thương mại", "Chưa xếp lĩnh vực"] == [
        c[0] for c in bar.customdata
    ]
    assert "#0072B2" == bar.marker.color[0]  # KC1 keeps the first colour on every chart
    assert "#CC79A7" == bar.marker.color[1]  # KC4 the fourth


# --- the page --------------------------------------------------------------------------------


def open_page(**params: str) -> AppTest:
    at = open_app("pages/support.py", **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def show(at: AppTest, view: str) -> None:
    """Open one of the page's tabs, as a click on it does."""
    open_tab(at, "support_view", ["provinces", "years", "areas", "top"].index(view))


@pytest.mark.usefixtures("app_db")
@pytest.mark.parametrize(
    ("lang", "words"),
    [("vi", "Chưa có hồ sơ hỗ trợ"), ("en", "There are no support records")],
)
def test_page_on_the_seed_database_says_there_are_no_records(lang: str, words: str) -> None:
    at = open_page(lang=lang)
    assert words in at.info[0].value
    assert 0 == len(at.get("plotly_chart"))
    assert 0 == len(at.metric)


@pytest.fixture()
def synthetic_app(small_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(settings, "DB_PATH", small_db)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield small_db
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.usefixtures("synthetic_app")
@pytest.mark.parametrize(("lang", "title"), [("vi", "Hỗ trợ cơ sở"), ("en", "Support records")])
def test_page_shows_the_records(lang: str, title: str, small_records) -> None:
    at = open_page(lang=lang)
    assert title == at.title[0].value
    assert not at.info
    # one view at a time: by province first, then the tabs by year (two charts) and by area
    assert 1 == len(at.get("plotly_chart"))
    assert (["Theo tỉnh", "Theo năm", "Theo lĩnh vực", "Cơ sở nhận nhiều nhất"] if lang == "vi"
            else ["By province", "By year", "By content area", "Top establishments"]) == [
        t.label for t in at.tabs
    ]  # fmt: skip
    for view, charts in (("years", 2), ("areas", 1), ("top", 0)):
        show(at, view)
        assert charts == len(at.get("plotly_chart")), view
    records, amount = len(small_records), small_records["amount_mvnd"].sum()
    assert format_number(records, 0, lang) == at.metric[0].value
    establishments = len(small_records.drop_duplicates(["province", "establishment"]))
    assert format_number(establishments, 0, lang) == at.metric[1].value
    assert format_number(amount / 1000, 1, lang) == at.metric[2].value  # to 0,1 tỷ
    assert ("Kinh phí hỗ trợ (tỷ đồng)" if lang == "vi" else "Support amount (billion VND)") == (
        at.metric[2].label
    )
    assert format_mvnd(amount, lang) == at.metric[2].help
    top = at.dataframe[-1].value
    assert 20 == len(top)
    # the current boundaries (the default): an establishment under its province's successor,
    # with the province written on its records beside it
    first = expected_top(in_view(small_records, "current"), 1).iloc[0]
    establishment, written = ("Cơ sở", "Tỉnh ghi trên hồ sơ") if lang == "vi" else (
        "Establishment", "Province on the records")  # fmt: skip
    assert (first["establishment"], first["province_written"]) == (
        top.iloc[0][establishment],
        top.iloc[0][written],
    )


@pytest.mark.usefixtures("synthetic_app")
def test_page_follows_the_filters_and_the_limit(small_records) -> None:
    # as issued: the province written on the records
    province = sorted(small_records["province"].unique())[1]
    at = open_page(lang="en", bounds="as_issued", prov=province, areas="content_area",
                   area="KC3", y0="2018")  # fmt: skip
    rows = chosen(small_records, provinces=[province], y0=2018, content_area="KC3")
    assert format_number(len(rows), 0, "en") == at.metric[0].value
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [province] == spec["data"][0]["y"]
    show(at, "top")
    at.select_slider(key="support_limit").set_value(10).run()
    assert not at.exception
    top = at.dataframe[-1].value
    assert min(10, len(rows.drop_duplicates("establishment"))) == len(top)

    # a programme section is not a content area of records: the filter does not apply
    at = open_page(lang="en", bounds="as_issued", prov=province, areas="section", area="I")
    assert format_number(len(chosen(small_records, provinces=[province])), 0, "en") == (
        at.metric[0].value
    )
    assert any("does not apply" in c.value for c in at.caption)

    # the current boundaries: the province's successor holds the records of all its old
    # provinces, and its bar says which were summed and which have none
    successor = SUCCESSOR[province]
    at = open_page(lang="en", prov=successor, areas="content_area", area="KC3", y0="2018")
    now = in_view(small_records, "current")
    rows = chosen(now, provinces=[successor], y0=2018, content_area="KC3")
    assert format_number(len(rows), 0, "en") == at.metric[0].value
    expected = expected_by_province(now, "current", provinces=[successor], y0=2018,
                                    content_area="KC3").iloc[0]  # fmt: skip
    label = successor
    if expected["summed_from"] is not None:
        label += f" · sum of former {expected['summed_from']}"
    if expected["missing_from"] is not None:
        label += f" · without former {expected['missing_from']}"
    assert province != successor and label != successor  # a merged province: something to say
    assert [label] == json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"]
