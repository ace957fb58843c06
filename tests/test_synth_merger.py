"""The synthetic database across 1/7/2025: 63 provinces to 2025, their 34 successors for 2026-2030.

The oracle of the merges is Nghị quyết 202/2025/QH15 as tests/test_provinces_reference.py types
it (MERGES, UNCHANGED); the figures are recomputed with pandas from the base tables (programmes,
budget_amounts, support_records) and compared with what the derived tables and queries say.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
import streamlit as st
from apptest import open_app
from test_provinces_reference import MERGES, UNCHANGED

from plans import db, settings
from plans.__main__ import main
from plans.data import provinces
from plans.data.build import load_tables
from plans.data.synth import PROVINCES, choose_periods, generate_tables, successors, synthesise

SEED = 5
# old province -> its province since 1/7/2025, from the resolution (not from the package)
SUCCESSOR = {old: new for new, olds in MERGES.items() for old in olds} | {
    name: name for name in UNCHANGED
}
ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`synth --provinces 63 --periods 4`: 63 x 3 programmes to 2025, 34 for 2026-2030."""
    path = tmp_path_factory.mktemp("synth4") / "national.duckdb"
    synthesise(path, provinces=63, periods=4, records=40000, seed=SEED)
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight old provinces (An Giang … Bình Định) and their seven successors for 2026-2030."""
    path = tmp_path_factory.mktemp("synth4small") / "small.duckdb"
    synthesise(path, provinces=8, periods=4, records=3000, seed=SEED)
    return path


def frame(path: Path, sql: str, **params: object) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or None).df()


# --- which periods and which provinces -------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "n", "latest"),
    [
        pytest.param(((2021, 2025),), 1, None, id="1 = 2021-2025 as before 2026-2030 existed"),
        pytest.param(((2016, 2020), (2021, 2025)), 2, None, id="2 = 2016-2025"),
        pytest.param(((2011, 2015), (2016, 2020), (2021, 2025)), 3, None, id="3 = 2011-2025"),
        pytest.param(
            ((2011, 2015), (2016, 2020), (2021, 2025), (2026, 2030)), 4, None, id="4 = all four"
        ),
        pytest.param(((2026, 2030),), 1, 2026, id="1 up to 2026 = 2026-2030"),
        pytest.param(((2011, 2015), (2016, 2020)), 2, 2016, id="2 up to 2016"),
    ],
)
def test_periods_come_from_the_periods_table(expected, n: int, latest: int | None) -> None:
    assert expected == choose_periods(load_tables()["periods"], n, latest)


def test_a_new_row_of_the_periods_table_is_a_new_period() -> None:
    table = [*load_tables()["periods"], {"period_start": 2031, "period_end": 2035}]
    assert (2026, 2030) == choose_periods(table, 5)[-2]
    assert (2031, 2035) == choose_periods(table, 5)[-1]
    assert ((2021, 2025),) == choose_periods(table, 1)  # the default stays before the merger


@pytest.mark.parametrize("n", [0, 5])
def test_more_periods_than_the_table_has_is_refused(n: int) -> None:
    with pytest.raises(ValueError, match="periods asked"):
        choose_periods(load_tables()["periods"], n)


def test_the_cli_refuses_a_fifth_period(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["synth", "--periods", "5", "--db", str(tmp_path / "x.duckdb")])
    assert 2 == exit_.value.code
    assert "5 periods asked; the periods table has 4 up to 2026" in capsys.readouterr().err
    assert not (tmp_path / "x.duckdb").exists()


def programmes_by_period(tables) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for row in tables["programmes"]:
        out.setdefault(row["period_start"], []).append(row["province"])
    return out


def test_63_provinces_give_the_34_for_2026_2030() -> None:
    by_period = programmes_by_period(generate_tables(63, 4, SEED))
    assert [2011, 2016, 2021, 2026] == sorted(by_period)
    for start in (2011, 2016, 2021):
        assert sorted(SUCCESSOR) == sorted(by_period[start])  # each of the 63 once
    assert 34 == len(by_period[2026])
    assert set(MERGES) | UNCHANGED == set(by_period[2026])


@pytest.mark.parametrize(
    ("expected", "n"),
    [
        pytest.param(["An Giang"], 1, id="An Giang -> An Giang"),
        pytest.param(
            ["An Giang", "Bắc Ninh", "Cà Mau", "Hồ Chí Minh", "Thái Nguyên"],
            5,
            id="AG BRVT BG BK BL -> 5 successors",
        ),
        pytest.param(
            ["An Giang", "Bắc Ninh", "Hồ Chí Minh", "Thái Nguyên"],
            4,
            id="Bà Rịa - Vũng Tàu alone still gives Hồ Chí Minh",
        ),
    ],
)
def test_2026_2030_is_exactly_the_successors(expected: list[str], n: int) -> None:
    by_period = programmes_by_period(generate_tables(n, 4, SEED))
    assert PROVINCES[:n] == tuple(by_period[2021])
    assert sorted(expected) == sorted(by_period[2026])
    assert sorted({SUCCESSOR[p] for p in PROVINCES[:n]}) == sorted(expected)
    assert sorted(expected) == sorted(successors(PROVINCES[:n]))


def test_hung_yen_and_thai_binh_give_one_new_hung_yen() -> None:
    n = PROVINCES.index("Thái Bình") + 1  # the first n include Hưng Yên and Thái Bình
    assert "Hưng Yên" in PROVINCES[:n]
    tables = generate_tables(n, 4, SEED)
    ids = [
        (r["programme_id"], r["province"])
        for r in tables["programmes"]
        if r["province"] in ("Hưng Yên", "Thái Bình")
    ]
    new = [pid for pid, province in ids if pid.endswith("2026-2030")]
    assert ["HY-2026-2030"] == new
    # old Hưng Yên's ids differ from the new one's by the period only; Thái Bình has none after
    assert {"HY-2011-2015", "HY-2016-2020", "HY-2021-2025", "HY-2026-2030"} == {
        pid for pid, province in ids if province == "Hưng Yên"
    }
    assert {"TB-2011-2015", "TB-2016-2020", "TB-2021-2025"} == {
        pid for pid, province in ids if province == "Thái Bình"
    }


def test_programme_ids_are_unique_across_the_merger() -> None:
    ids = [r["programme_id"] for r in generate_tables(63, 4, SEED)["programmes"]]
    assert 63 * 3 + 34 == len(ids)
    assert len(ids) == len(set(ids))


def test_no_merged_province_has_a_programme_after_the_merger() -> None:
    # the build refuses such a plan (data.province_merged); synth never writes one
    gone = {p.province for p in provinces.reference() if p.status == "merged_2025"}
    rows = generate_tables(63, 4, SEED)["programmes"]
    assert set() == {r["province"] for r in rows if r["period_start"] >= 2026} & gone


def test_adding_2026_2030_leaves_the_earlier_periods_as_they_were() -> None:
    three, four = generate_tables(20, 3, SEED), generate_tables(20, 4, SEED)
    for table in ("programmes", "tasks", "budget_amounts", "results", "content_area_map"):
        before = [r for r in four[table] if not str(r["programme_id"]).endswith("2026-2030")]
        assert three[table] == before, table


def test_every_row_says_synthetic() -> None:
    tables = generate_tables(8, 4, SEED)
    assert {"Dữ liệu tổng hợp / synthetic"} == {r["note"] for r in tables["programmes"]}
    assert {"synthetic"} == {
        r["source_file"] for name in ("programmes", "tasks", "budget_amounts") for r in tables[name]
    }
    assert all("(tổng hợp)" in r["title"] for r in tables["programmes"])


# --- the merger in the database --------------------------------------------------------------


def test_every_2026_2030_province_has_the_members_of_the_resolution(national: Path) -> None:
    got = frame(
        national,
        """
        select pp.province, pp.members from programme_provinces as pp
        join programmes as p using (programme_id)
        where pp.boundary = 'current' and p.period_start = 2026
        """,
    )
    expected = {new: olds for new, olds in MERGES.items()} | {n: {n} for n in UNCHANGED}
    assert expected == {r.province: set(r.members) for r in got.itertuples()}


def base_totals(path: Path) -> pd.DataFrame:
    """Budget per old province (as issued) and period, from the base tables only."""
    programmes = frame(path, "select programme_id, province, period_start from programmes")
    amounts = frame(path, "select programme_id, amount_mvnd from budget_amounts")
    merged = amounts.merge(programmes, on="programme_id")
    return merged.groupby(["province", "period_start"], as_index=False)["amount_mvnd"].sum()


def current_totals(path: Path) -> pd.DataFrame:
    """Budget per province under the current boundaries, through programme_provinces."""
    return frame(
        path,
        """
        select pp.province, p.period_start, sum(b.amount_mvnd) as amount_mvnd
        from budget_lines as b
        join programme_provinces as pp
            on pp.programme_id = b.programme_id and pp.boundary = 'current'
        join programmes as p on p.programme_id = b.programme_id
        group by all
        """,
    )


@pytest.mark.parametrize(
    ("new", "members"),
    [
        pytest.param("Hưng Yên", ("Hưng Yên", "Thái Bình"), id="NQ 202/2025 Hưng Yên = HY + TB"),
        pytest.param("Gia Lai", ("Gia Lai", "Bình Định"), id="NQ 202/2025 Gia Lai = GL + BĐ"),
        pytest.param(
            "Vĩnh Long",
            ("Vĩnh Long", "Bến Tre", "Trà Vinh"),
            id="NQ 202/2025 Vĩnh Long = VL + BT + TV",
        ),
    ],
)
def test_a_new_province_is_the_sum_of_its_members(new: str, members, national: Path) -> None:
    base = base_totals(national)
    current = current_totals(national).set_index(["province", "period_start"])["amount_mvnd"]
    for start in (2011, 2016, 2021):
        of_members = base[(base.province.isin(members)) & (base.period_start == start)]
        assert len(members) == len(of_members)  # every member has its programme
        assert of_members.amount_mvnd.sum() == pytest.approx(current[(new, start)])
    # 2026-2030: one programme, the new province's own
    own = base[(base.province == new) & (base.period_start == 2026)].amount_mvnd.sum()
    assert own == pytest.approx(current[(new, 2026)])


def test_every_current_total_is_its_members_sum(national: Path) -> None:
    base = base_totals(national)
    base["province"] = base.province.map(SUCCESSOR)
    expected = base.groupby(["province", "period_start"])["amount_mvnd"].sum()
    got = current_totals(national).set_index(["province", "period_start"])["amount_mvnd"]
    assert 34 * 4 == len(got)
    pd.testing.assert_series_equal(expected.sort_index(), got.sort_index(), check_dtype=False)


def test_a_new_provinces_budget_is_of_the_order_of_its_members(national: Path) -> None:
    totals = current_totals(national).pivot(
        index="province", columns="period_start", values="amount_mvnd"
    )
    ratio = totals[2026] / totals[2021]  # the new plan against its members' 2021-2025 plans
    # one plan of 25-40 lognormal tasks varies, but never by a factor of three, and about 1
    # in the middle: a scale of one member only would put the merged ones near 1/2 or 1/3
    assert ratio.between(1 / 3, 3).all(), ratio.sort_values()
    assert 0.7 <= ratio.median() <= 1.4


# --- support records follow the new provinces from 1/7/2025 ----------------------------------


def records(path: Path) -> pd.DataFrame:
    return frame(
        path,
        """
        select r.*, p.province as issued_by, p.period_start
        from support_records as r join programmes as p using (programme_id)
        """,
    )


def test_records_name_the_programmes_province_before_the_merger(national: Path) -> None:
    got = records(national)
    before = got[got.year < 2025]
    assert len(before) > 0
    assert (before.province == before.issued_by).all()


def test_records_of_2026_on_name_a_new_province(national: Path) -> None:
    got = records(national)
    after = got[got.year >= 2026]
    assert len(after) > 0
    assert set(after.province) <= set(MERGES) | UNCHANGED
    assert (after.province == after.issued_by).all()


def test_records_of_2025_name_the_successor_in_about_half_the_year(national: Path) -> None:
    got = records(national)
    year = got[(got.year == 2025) & (got.period_start == 2021)]
    gone = year[year.issued_by.map(SUCCESSOR) != year.issued_by]  # the 29 merged provinces
    moved = gone.province != gone.issued_by
    # every 2025 record is the old province's or its successor's, never another's
    assert (
        (year.province == year.issued_by) | (year.province == year.issued_by.map(SUCCESSOR))
    ).all()
    # 184 of 2025's 365 days are on or after 1/7/2025; drawn by hash for about 1,000 records
    assert 0.45 <= moved.mean() <= 0.56, moved.mean()
    # a province that kept its name keeps every record
    kept = year[year.issued_by.map(SUCCESSOR) == year.issued_by]
    assert (kept.province == kept.issued_by).all()


def test_the_support_pre_aggregates_are_rebuilt_after_filling(national: Path) -> None:
    expected = records(national).groupby(["province", "year"])["amount_mvnd"].sum()
    got = frame(
        national,
        "select province, year, sum(amount_mvnd) as amount_mvnd from support_cells group by all",
    ).set_index(["province", "year"])["amount_mvnd"]
    pd.testing.assert_series_equal(
        expected.sort_index(), got.sort_index(), check_dtype=False, check_names=False
    )
    assert "Hưng Yên" in got.loc[(slice(None), 2026)].index  # the new province's records too


def test_deterministic_across_the_merger(small: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.duckdb"
    synthesise(again, provinces=8, periods=4, records=3000, seed=SEED)
    for sql in (
        "select * from budget_lines order by all",
        "select * from support_records order by all",
    ):
        assert frame(small, sql).equals(frame(again, sql))


# --- every query and page on a --periods 4 database ------------------------------------------


@pytest.mark.parametrize("name", db.query_names())
def test_every_query_runs_on_it(name: str, small: Path) -> None:
    with db.connect(small) as con:
        db.run(con, name, **{p: None for p in db.query_params(name)})


@pytest.mark.parametrize("bounds", ["current", "as_issued"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_work_on_it(page: str, bounds: str, small: Path, monkeypatch) -> None:
    monkeypatch.setattr(settings, "DB_PATH", small)
    st.cache_data.clear()
    at = open_app(page, bounds=bounds)
    assert not at.exception, [e.value for e in at.exception]


# --- the same figures through the comparison queries ($boundary) -----------------------------


def run(path: Path, name: str, **params: object) -> pd.DataFrame:
    with db.connect(path, read_only=True) as con:
        return db.run(con, name, **params)


# the members as a chart names them, in Vietnamese order
SUMMED_FROM = {"Hưng Yên": "Hưng Yên, Thái Bình", "Gia Lai": "Bình Định, Gia Lai"}
MERGED_PAIRS = [
    pytest.param("Hưng Yên", ("Hưng Yên", "Thái Bình"), id="NQ 202/2025 Hưng Yên = HY + TB"),
    pytest.param("Gia Lai", ("Gia Lai", "Bình Định"), id="NQ 202/2025 Gia Lai = GL + BĐ"),
]


@pytest.mark.parametrize(("new", "members"), MERGED_PAIRS)
def test_province_shares_sum_the_members_under_current(new: str, members, national: Path) -> None:
    base = base_totals(national)
    got = run(national, "province_shares", boundary="current", provinces=[new])
    series = got.groupby("period_start").agg(
        amount_mvnd=("amount_mvnd", "sum"),
        summed_from=("summed_from", "first"),
        missing_from=("missing_from", "first"),
    )
    assert [2011, 2016, 2021, 2026] == list(series.index)
    for start in (2011, 2016, 2021):
        expected = base[base.province.isin(members) & (base.period_start == start)].amount_mvnd
        assert expected.sum() == pytest.approx(series.amount_mvnd[start])
        assert SUMMED_FROM[new] == series.summed_from[start]
        assert series.missing_from.isna()[start]  # both members have their programme
    own = base[(base.province == new) & (base.period_start == 2026)].amount_mvnd.sum()
    assert own == pytest.approx(series.amount_mvnd[2026])
    assert series.summed_from.isna()[2026]  # one province under its own name


@pytest.mark.parametrize(("new", "members"), MERGED_PAIRS)
def test_province_shares_keep_the_members_apart_as_issued(new: str, members, national) -> None:
    base = base_totals(national).set_index(["province", "period_start"]).amount_mvnd
    got = run(national, "province_shares", boundary="as_issued", provinces=list(members))
    series = got.groupby(["province", "period_start"]).amount_mvnd.sum()
    expected = base.loc[list(members)]
    pd.testing.assert_series_equal(
        expected.sort_index(), series.sort_index(), check_dtype=False, check_names=False
    )
    assert got.summed_from.isna().all() and got.missing_from.isna().all()


def test_province_shares_say_which_member_is_missing(small: Path) -> None:
    # of Hồ Chí Minh's three old provinces the first 8 hold only Bà Rịa - Vũng Tàu
    got = run(small, "province_shares", boundary="current", provinces=["Hồ Chí Minh"])
    series = got.groupby("period_start")[["summed_from", "missing_from"]].first()
    assert "Bà Rịa - Vũng Tàu" == series.summed_from[2021]
    assert "Bình Dương, Hồ Chí Minh" == series.missing_from[2021]
    assert series.missing_from.isna()[2026]  # after the merger the new province is whole


@pytest.mark.parametrize(("new", "members"), MERGED_PAIRS)
def test_period_programmes_of_a_new_province(new: str, members, national: Path) -> None:
    programmes = frame(national, "select programme_id, province, period_start from programmes")
    expected = programmes[
        programmes.province.isin(members) & (programmes.period_start < 2026)
        | (programmes.province == new) & (programmes.period_start == 2026)
    ]
    got = run(national, "period_programmes", boundary="current", province=new)
    assert sorted(expected.programme_id) == sorted(got.programme_id)
    assert {new} == set(got.province)
    assert {4} == set(got.n_periods)
    assert {"2011-2015", "2016-2020", "2021-2025", "2026-2030"} == set(got.in_period_label)
