"""The period comparison across the 1/7/2025 merger: a merged province against its predecessors.

The database is the seed data plus Vĩnh Long (new) = Bến Tre + Trà Vinh + Vĩnh Long (old)
(tests/merged_fixture.py): 2016-2020 all three by stated totals, 2021-2025 Bến Tre and Vĩnh Long
with appendices and Trà Vinh without a programme, 2026-2030 Vĩnh Long. Every figure the queries
and builders give is checked against pandas over the base tables (programmes, provinces, periods,
budget_lines, cpi), computed here without the SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from apptest import chart_table, open_app, open_tab
from merged_fixture import merged_tables, write_merged

from plans import db, settings
from plans.charts.periods import (
    area_period_notes,
    area_shares_chart,
    area_shares_data,
    comparable_by_issuer,
    period_notes,
    period_sums,
)
from plans.charts.targets import budget_periods_chart, period_budgets
from plans.data.build import write_database

ROOT = Path(__file__).resolve().parent.parent
VL = "Vĩnh Long"


@pytest.fixture(scope="module")
def merged_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_merged(tmp_path_factory.mktemp("merged") / "merged.duckdb")


@pytest.fixture()
def mcon(merged_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = db.connect(merged_path, read_only=True)
    yield connection
    connection.close()


# --- the oracle: pandas over the base tables ------------------------------------------------------


def base(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    return con.execute(f"select * from {table}").df()  # sql: test's own names


def cpi_chain(con: duckdb.DuckDBPyConnection) -> dict[int, float]:
    """Price index by year, 2010 = 1, each year the previous one x (1 + change)."""
    index = {2010: 1.0}
    for row in base(con, "cpi").sort_values("year").itertuples():
        index[int(row.year)] = index[int(row.year) - 1] * (1 + row.cpi_change_pct / 100)
    return index


def placed(con: duckdb.DuckDBPyConnection, boundary: str) -> pd.DataFrame:
    """Programmes of kind khuyen_cong with the province of the view and the period they fall in."""
    p = base(con, "programmes")
    p = p[p["kind"] == "khuyen_cong"].merge(
        base(con, "provinces")[["province", "successor"]], on="province"
    )
    p["view"] = p["successor"] if boundary == "current" else p["province"]
    periods = base(con, "periods")
    p["in_start"] = [
        int(periods[(periods["period_start"] <= s) & (s <= periods["period_end"])]
            ["period_start"].iloc[0])
        for s in p["period_start"]
    ]  # fmt: skip
    return p


def real_of(con: duckdb.DuckDBPyConnection, pid: str, price_year: int) -> float | None:
    """A programme's planned budget in prices of `price_year`: its appendix's years, else its
    stated total spread evenly over its years; None when a year has no CPI figure."""
    index = cpi_chain(con)
    lines = base(con, "budget_lines")
    own = lines[lines["programme_id"] == pid]
    if own.empty:
        p = base(con, "programmes").set_index("programme_id").loc[pid]
        years = range(int(p["period_start"]), int(p["period_end"]) + 1)
        yearly = {y: p["stated_total_mvnd"] / len(years) for y in years}
    else:
        yearly = own.groupby("year")["amount_mvnd"].sum().to_dict()
    if any(y not in index for y in yearly):
        return None
    return sum(a * index[price_year] / index[y] for y, a in yearly.items())


def sums(con: duckdb.DuckDBPyConnection, boundary: str, province: str, price_year: int):
    totals = db.run(con, "period_totals", boundary=boundary, province=province)
    programmes = db.run(con, "period_programmes", boundary=boundary, province=province)
    budgets = period_budgets(programmes, db.run(con, "programme_budgets", price_year=price_year))
    return totals, period_sums(totals, budgets, "vi").set_index("period_label")


# --- which programmes each period sums --------------------------------------------------------------


def test_vinh_long_now_sums_its_three_predecessors_and_names_the_one_missing(mcon) -> None:
    totals = db.run(mcon, "period_totals", boundary="current", province=VL).set_index(
        "period_label"
    )
    assert ["2016-2020", "2021-2025", "2026-2030"] == list(totals.index)
    assert [3, 2, 1] == list(totals["n_programmes"])
    assert "Bến Tre, Trà Vinh, Vĩnh Long" == totals.loc["2016-2020", "summed_from"]
    assert pd.isna(totals.loc["2016-2020", "missing_from"])
    assert "Bến Tre, Vĩnh Long" == totals.loc["2021-2025", "summed_from"]
    assert "Trà Vinh" == totals.loc["2021-2025", "missing_from"]
    # 2026-2030: the new province's own programme, after the merger nothing can be missing
    assert pd.isna(totals.loc["2026-2030", "summed_from"])
    assert pd.isna(totals.loc["2026-2030", "missing_from"])
    assert "Bến Tre, Trà Vinh, Vĩnh Long" == totals.loc["2026-2030", "members"]


def test_the_sums_follow_the_reference_mapping(mcon) -> None:
    # every programme of the view's province, by the provinces table, and nothing else
    oracle = placed(mcon, "current")
    found = db.run(mcon, "period_totals", boundary="current", province=None)
    for _, row in found[found["n_programmes"] > 0].iterrows():
        mine = oracle[
            (oracle["view"] == row["province"]) & (oracle["in_start"] == row["period_start"])
        ]
        assert sorted(mine["programme_id"]) == row["programme_ids"].split(", ")
    assert set(oracle["view"]) == set(found["province"])


def test_as_issued_keeps_every_province_under_its_own_name(mcon) -> None:
    found = db.run(mcon, "period_totals", boundary="as_issued", province=None)
    assert {"Bến Tre", "Trà Vinh", VL, "Hà Nội", "Hưng Yên"} == set(found["province"])
    assert found["summed_from"].isna().all()
    assert found["missing_from"].isna().all()
    trv = found[found["province"] == "Trà Vinh"].set_index("period_label")
    assert [1, 0, 0] == list(trv["n_programmes"])  # 2016-2020 only; later periods listed empty


def test_periods_come_from_the_periods_table_with_2026_2030_listed_empty(con) -> None:
    # the seed database: Hà Nội has no 2026-2030 programme; the period is listed anyway, from
    # data/reference/periods.csv line 5
    hanoi = db.run(con, "period_totals", boundary="current", province="Hà Nội")
    assert ["2011-2015", "2016-2020", "2021-2025", "2026-2030"] == list(hanoi["period_label"])
    assert [1, 1, 1, 0] == list(hanoi["n_programmes"])
    # Hưng Yên (new) = Hưng Yên + Thái Bình: its 2018-2020 plan counts in 2016-2020, without
    # Thái Bình's
    hy = db.run(con, "period_totals", boundary="current", province="Hưng Yên").set_index(
        "period_label"
    )
    assert ["2016-2020", "2021-2025", "2026-2030"] == list(hy.index)
    assert "HY-2018-2020" == hy.loc["2016-2020", "programme_ids"]
    assert "Thái Bình" == hy.loc["2016-2020", "missing_from"]
    assert pd.isna(hy.loc["2016-2020", "summed_from"])  # one province, its own name


def test_a_new_period_is_a_row_of_data_not_code(tmp_path: Path) -> None:
    tables = merged_tables()
    tables["periods"].append({**tables["periods"][-1], "period_start": 2031, "period_end": 2035})
    path = tmp_path / "next.duckdb"
    write_database(tables, path, checksum="next period")
    with db.connect(path) as c:
        hanoi = db.run(c, "period_totals", boundary="current", province="Hà Nội")
    assert "2031-2035" == hanoi["period_label"].iloc[-1]
    assert 0 == hanoi["n_programmes"].iloc[-1]


def test_a_programme_outside_every_period_is_a_period_of_its_own(tmp_path: Path) -> None:
    tables = merged_tables()
    late = next(r for r in tables["programmes"] if r["programme_id"] == "BT-2016-2020")
    tables["programmes"].append(
        {**late, "programme_id": "VL-2031-2033", "province": VL, "period_start": 2031,
         "period_end": 2033}
    )  # fmt: skip
    path = tmp_path / "late.duckdb"
    write_database(tables, path, checksum="late")
    with db.connect(path) as c:
        found = db.run(c, "period_totals", boundary="current", province=VL)
        listed = db.run(c, "period_programmes", boundary="current", province=VL)
    assert "2031-2033" == found["period_label"].iloc[-1]
    assert "VL-2031-2033" == found["programme_ids"].iloc[-1]
    assert "2031-2033" == listed.set_index("programme_id").loc["VL-2031-2033", "in_period_label"]


# --- budgets: nominal and real -----------------------------------------------------------------


@pytest.mark.parametrize("price_year", [2025, 2015])
def test_period_budgets_are_the_sums_of_their_programmes(mcon, price_year: int) -> None:
    _, found = sums(mcon, "current", VL, price_year)
    oracle = placed(mcon, "current")
    mine = oracle[oracle["view"] == VL]
    for start, part in mine.groupby("in_start"):
        label = f"{start}-{start + 4}"
        assert part["stated_total_mvnd"].sum() == pytest.approx(found.loc[label, "planned_mvnd"])
        reals = [real_of(mcon, pid, price_year) for pid in part["programme_id"]]
        if any(r is None for r in reals):
            assert pd.isna(found.loc[label, "planned_real_mvnd"])
        else:
            assert sum(reals) == pytest.approx(found.loc[label, "planned_real_mvnd"], rel=1e-12)
    # 40.000 + 30.000 + 20.000 (stated totals), 25.090 + 8.374 (appendices)
    assert [90000.0, 33464.0, 75270.0] == list(found["planned_mvnd"])


def test_years_after_the_last_cpi_year_stay_flagged(mcon) -> None:
    _, found = sums(mcon, "current", VL, 2025)
    assert "2026,2027,2028,2029,2030" == found.loc["2026-2030", "cpi_missing_years"]
    assert pd.isna(found.loc["2026-2030", "planned_real_mvnd"])
    # 2021-2025 is complete now that 2025 has a CPI figure
    assert pd.isna(found.loc["2021-2025", "cpi_missing_years"])
    assert "even_spread" == found.loc["2016-2020", "real_basis"]


def test_a_period_without_a_programme_has_no_amounts(con) -> None:
    _, found = sums(con, "current", "Hà Nội", 2025)
    assert pd.isna(found.loc["2026-2030", "planned_mvnd"])
    assert "chưa có chương trình" == found.loc["2026-2030", "note"]


def test_the_budget_chart_says_what_each_period_sums_and_lacks(mcon) -> None:
    _, found = sums(mcon, "current", VL, 2025)
    fig = budget_periods_chart(found.reset_index(), "t", "vi")
    assert [90000.0, 33464.0, 75270.0] == list(fig.data[0].y)
    ticks = [tick.replace("<br>", " ") for tick in fig.layout.xaxis.ticktext]
    assert "2016-2020 cộng Bến Tre, Trà Vinh, Vĩnh Long (cũ)" == ticks[0]
    assert "2021-2025 cộng Bến Tre, Vĩnh Long (cũ) thiếu Trà Vinh (cũ)" == ticks[1]
    assert "2026-2030" == ticks[2]
    assert ("2016-2020", "2021-2025", "2026-2030") == fig.layout.xaxis.tickvals


def test_the_notes_are_words_of_the_catalogue() -> None:
    assert ["chưa có chương trình"] == period_notes(0, None, "Bến Tre", "vi")
    assert ["without former Trà Vinh"] == period_notes(2, None, "Trà Vinh", "en")


# --- content areas -------------------------------------------------------------------------------


def area_oracle(con, boundary: str, province: str, price_year: int) -> pd.DataFrame:
    """Amounts and shares of each content area per period, from budget_lines."""
    index = cpi_chain(con)
    lines = base(con, "budget_lines").merge(
        placed(con, boundary)[["programme_id", "view", "in_start"]], on="programme_id"
    )
    lines = lines[lines["view"] == province].copy()
    lines["real"] = [
        a * index[price_year] / index[y] if y in index else float("nan")
        for a, y in zip(lines["amount_mvnd"], lines["year"], strict=True)
    ]
    out = (
        lines.groupby(["in_start", "content_area"], dropna=False)
        .agg(amount=("amount_mvnd", "sum"), real=("real", lambda s: s.sum(min_count=len(s))))
        .reset_index()
    )
    total = out.groupby("in_start")[["amount", "real"]].transform(lambda s: s.sum(min_count=len(s)))
    out["share"] = 100 * out["amount"] / total["amount"]
    out["share_real"] = 100 * out["real"] / total["real"]
    return out.set_index(["in_start", "content_area"])


@pytest.mark.parametrize("price_year", [2025, 2012])
def test_area_shares_sum_the_lines_of_the_period(mcon, price_year: int) -> None:
    found = db.run(
        mcon, "period_area_shares", boundary="current", province=VL, price_year=price_year
    ).set_index(["period_start", "content_area"])
    oracle = area_oracle(mcon, "current", VL, price_year)
    assert sorted(oracle.index) == sorted(found.index)
    for key, row in oracle.iterrows():
        got = found.loc[key]
        assert row["amount"] == pytest.approx(got["amount_mvnd"])
        assert row["share"] == pytest.approx(got["share_pct"])
        if pd.isna(row["real"]):
            assert pd.isna(got["amount_real_mvnd"]) and pd.isna(got["share_real_pct"])
        else:
            assert row["real"] == pytest.approx(got["amount_real_mvnd"], rel=1e-12)
            assert row["share_real"] == pytest.approx(got["share_real_pct"], rel=1e-12)
    # 2016-2020 holds only stated totals: no lines, no shares
    assert 2016 not in found.index.get_level_values(0)


def test_area_shares_name_the_provinces_of_their_lines(mcon) -> None:
    found = db.run(mcon, "period_area_shares", boundary="current", province=VL, price_year=None)
    by_period = found.drop_duplicates("period_label").set_index("period_label")
    assert "Bến Tre, Vĩnh Long" == by_period.loc["2021-2025", "summed_from"]
    assert "Trà Vinh" == by_period.loc["2021-2025", "missing_from"]
    assert "2026,2027,2028,2029,2030" == by_period.loc["2026-2030", "cpi_missing_years"]
    # issued 20/12/2025, after Decree 235/2025 took effect: read with Decree 45/2012's list
    assert not by_period.loc["2026-2030", "list_known"]
    assert "235/2025/NĐ-CP" == by_period.loc["2026-2030", "decree_in_force"]
    assert by_period.loc["2021-2025", "list_known"]


def test_area_real_amounts_add_up_to_the_programmes_real_budgets(mcon) -> None:
    # the same CPI rule as programme_budgets: the real lines of a period add up to the real
    # budgets of its programmes with appendices
    found = db.run(mcon, "period_area_shares", boundary="current", province=VL, price_year=2025)
    budgets = db.run(mcon, "programme_budgets", price_year=2025).set_index("programme_id")
    expected = budgets.loc[["BT-2021-2025", "VL-2021-2025"], "planned_real_mvnd"].sum()
    part = found[found["period_label"] == "2021-2025"]
    assert expected == pytest.approx(part["amount_real_mvnd"].sum(), rel=1e-12)
    assert 100.0 == pytest.approx(part["share_pct"].sum())


def _cte(name: str, cte: str) -> str:
    sql = db.load_query(name)
    found = re.search(rf"\b{cte} as \((.*?)\n\),", sql, re.S)
    assert found, f"{name} has no {cte} CTE"
    return found.group(1)


@pytest.mark.parametrize("cte", ["cpi_index", "price"])
def test_area_shares_deflate_with_the_programme_budgets_rule_word_for_word(cte: str) -> None:
    assert _cte("programme_budgets", cte) == _cte("period_area_shares", cte)


def test_the_area_chart_draws_each_period_and_flags_missing_cpi(mcon) -> None:
    totals = db.run(mcon, "period_totals", boundary="current", province=VL)
    shares = db.run(mcon, "period_area_shares", boundary="current", province=VL, price_year=None)
    fig = area_shares_chart(shares, totals, "t", "vi")
    kc4 = [tr for tr in fig.data if tr.name.startswith("KC4 ")]
    assert 2 == len(kc4)  # nominal, real
    oracle = area_oracle(mcon, "current", VL, 2025)
    assert [None, oracle.loc[(2021, "KC4"), "share"], oracle.loc[(2026, "KC4"), "share"]] == [
        None if v is None else pytest.approx(v) for v in kc4[0].y
    ]
    assert kc4[1].y[2] is None  # 2026-2030 in 2025 prices: no CPI for 2026-2030
    assert ["⚠ chưa có CPI năm 2026, 2027, 2028, 2029, 2030"] == [
        a.text.replace("<br>", " ") for a in fig.layout.annotations if a.text.startswith("⚠")
    ]
    ticks = [tick.replace("<br>", " ") for tick in fig.layout.xaxis.ticktext]
    assert ticks[0].startswith("2016-2020 không có kinh phí theo nhiệm vụ")
    assert "2021-2025 cộng Bến Tre, Vĩnh Long (cũ) thiếu Trà Vinh (cũ)" == ticks[1]
    notes = area_period_notes(shares, totals, "en")
    expected = [
        "no budget by task",
        "sum of former Bến Tre, Vĩnh Long; without former Trà Vinh",
        "",
    ]
    assert expected == list(notes)


def test_the_area_data_names_areas_in_the_reader_language(mcon) -> None:
    shares = db.run(mcon, "period_area_shares", boundary="current", province=VL, price_year=None)
    data = area_shares_data(shares, "en")
    assert data["area"].iloc[0].startswith("KC1 · Vocational training")
    assert "without former Trà Vinh" in data["note"].iloc[0]


def test_comparable_rows_of_several_provinces_keep_their_names() -> None:
    rows = pd.DataFrame(
        {"period_label": ["2021-2025", "2021-2025", "2026-2030"],
         "province_as_issued": ["Bến Tre", "Vĩnh Long", "Vĩnh Long"]}
    )  # fmt: skip
    labels = list(comparable_by_issuer(rows, "vi")["period_label"])
    assert ["2021-2025 · Bến Tre (cũ)", "2021-2025 · Vĩnh Long (cũ)", "2026-2030"] == labels


# --- the page ------------------------------------------------------------------------------------


@pytest.fixture()
def merged_app(merged_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import streamlit as st

    monkeypatch.setattr(settings, "DB_PATH", merged_path)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield merged_path
    st.cache_data.clear()
    st.cache_resource.clear()


def test_page_shows_the_predecessors_summed_under_todays_boundaries(merged_app) -> None:
    at = open_app("pages/periods.py", prog="HN-2021-2025")
    assert not at.exception, [e.value for e in at.exception]
    assert ["Hà Nội", VL, "Hưng Yên"] == at.selectbox(key="periods_province").options
    at.selectbox(key="periods_province").set_value(VL).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Vĩnh Long gồm Bến Tre, Trà Vinh, Vĩnh Long (cũ)" in c.value for c in at.caption)
    table = chart_table(at, "periods_budget").set_index("Giai đoạn")
    assert ["90.000", "33.464", "75.270"] == list(table["Kinh phí danh nghĩa (triệu đồng)"])
    assert "cộng Bến Tre, Trà Vinh, Vĩnh Long (cũ)" == table.loc["2016-2020", "Ghi chú"]
    assert "cộng Bến Tre, Vĩnh Long (cũ); thiếu Trà Vinh (cũ)" == table.loc["2021-2025", "Ghi chú"]
    open_tab(at, "periods_view", 1)  # the content areas: which list of areas each period used
    assert any("Nghị định 235/2025/NĐ-CP" in c.value for c in at.caption)


def test_page_areas_table_gives_shares_in_both_terms(merged_app) -> None:
    at = open_app("pages/periods.py", prog="VL-2026-2030")
    assert VL == at.selectbox(key="periods_province").value
    open_tab(at, "periods_view", 1)
    areas = chart_table(at, "periods_areas")
    assert ["2021-2025", "2026-2030"] == list(dict.fromkeys(areas["Giai đoạn"]))
    kc4 = areas[areas["Nội dung khuyến công"].str.startswith("KC4 ")].set_index("Giai đoạn")
    assert "57,7%" == kc4.loc["2026-2030", "Tỷ trọng danh nghĩa (%)"]  # 000 appendix KC4 share
    assert "—" == kc4.loc["2026-2030", "Tỷ trọng giá thực (%)"]


def test_page_as_issued_lists_the_old_provinces_on_their_own(merged_app) -> None:
    at = open_app("pages/periods.py", bounds="as_issued", prog="TV-2016-2020", lang="en")
    assert not at.exception, [e.value for e in at.exception]
    box = at.selectbox(key="periods_province")
    assert "Trà Vinh" == box.value
    assert {"Bến Tre", "Trà Vinh", VL} <= set(box.options)
    assert "only one period" in at.info[0].value
    table = chart_table(at, "periods_budget")
    assert ["2016-2020", "2021-2025", "2026-2030"] == list(table["Period"])
    assert ["", "no programme yet", "no programme yet"] == list(table["Note"])
    box.set_value(VL).run()
    assert any("only part of today's Vĩnh Long" in c.value for c in at.caption)
