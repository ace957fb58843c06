"""Support records against the plans: the checks of the quality page, the province comparison and
the presenter's programme queries, hand-computed from tests/support_plan_fixture.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import support_plan_fixture as fx

from benchmarks import bench, bench_ports, bench_sqlite
from plans import db
from plans.charts.support_compare import establishment_bars, plan_year_bars, support_plan_bars

MINE = (
    "support_plan_checks",
    "province_support_vs_plan",
    "programme_support_years",
    "programme_support_areas",
    "programme_support_establishments",
)
ALL = {"boundary": "current", "provinces": None, "y0": None, "y1": None, "content_area": None}


@pytest.fixture(scope="module")
def support_db(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fx.with_support_records(built_db, tmp_path_factory.mktemp("plan") / "plans.duckdb")


@pytest.fixture(scope="module")
def sup(support_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = db.connect(support_db, read_only=True)
    yield con
    con.close()


def rows(con: duckdb.DuckDBPyConnection, name: str, *columns: str, **params) -> list[tuple]:
    frame = db.run(con, name, **params)
    return [
        tuple(None if v != v else v for v in row)  # NaN as None, to compare with literals
        for row in frame[list(columns)].itertuples(index=False)
    ]


def test_plan_checks_find_each_kind_once(sup) -> None:
    # fixture lines: 9 (HN-2016-2020 has no yearly cells), 3+4 (4.500 > 000:267's 4.200, line 5
    # cancelled), 7 (KC4 only), 8 (IX.9 not a task of 000); 2 (3.000 of 4.200) and 6 (7.200 of
    # 7.200, 000:277) within the plan
    got = rows(
        sup,
        "support_plan_checks",
        *("programme_id", "year", "task_code", "records", "cancelled_records", "amount_mvnd"),
        *("planned_mvnd", "finding", "source_line"),
        programme_id=None,
    )
    assert [
        (fx.HN16, 2019, None, 1, 0, 600.0, None, "no_plan_year", 9),
        (fx.HN21, 2021, "I.1", 1, 0, 3000.0, 4200.0, None, 2),
        (fx.HN21, 2022, "I.1", 2, 1, 4500.0, 4200.0, "above_plan", 3),
        (fx.HN21, 2023, None, 1, 0, 1500.0, None, "no_task", 7),
        (fx.HN21, 2023, "II.1", 1, 0, 7200.0, 7200.0, None, 6),
        (fx.HN21, 2023, "IX.9", 1, 0, 800.0, None, "task_not_in_plan", 8),
    ] == got


def test_plan_checks_figures_and_import(sup) -> None:
    frame = db.run(sup, "support_plan_checks", programme_id=fx.HN21)
    above = frame[frame["finding"] == "above_plan"].iloc[0]
    assert 300.0 == above["difference_mvnd"]  # 4.500 - 4.200
    assert 107.142857 == pytest.approx(above["executed_pct"])  # 4.500 / 4.200
    assert (fx.FILE, fx.IMPORT, 1) == (above["source_file"], above["import_ids"], above["n_files"])
    assert {fx.HN21} == set(frame["programme_id"])  # the parameter filters


def test_plan_checks_split_by_source_where_the_plan_states_one(support_db, tmp_path) -> None:
    # The plan's 2022 cell of I.1 split by source: 3.000 national, 1.200 provincial. Then
    # the national 2.000 (line 4) is within its 3.000, the provincial 2.500 (line 3) above 1.200.
    path = tmp_path / "split.duckdb"
    path.write_bytes(support_db.read_bytes())
    with db.connect(path, read_only=False) as con:
        con.execute(
            "update budget_amounts set amount_mvnd = 3000, funding_source = 'trung_uong' "
            "where programme_id = $p and task_code = 'I.1' and year = 2022",
            {"p": fx.HN21},
        )
        con.execute(
            "insert into budget_amounts by name select * replace "
            "(1200.0 as amount_mvnd, 'dia_phuong' as funding_source) from budget_amounts "
            "where programme_id = $p and task_code = 'I.1' and year = 2022",
            {"p": fx.HN21},
        )
        got = rows(
            con,
            "support_plan_checks",
            *("year", "task_code", "funding_source", "amount_mvnd", "planned_mvnd", "finding"),
            programme_id=fx.HN21,
        )
    assert [
        (2022, "I.1", "dia_phuong", 2500.0, 1200.0, "above_plan"),
        (2022, "I.1", "trung_uong", 2000.0, 3000.0, None),
    ] == [r for r in got if r[0] == 2022]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # 2021-2023 of HN-2021-2025 (17.000) against the appendix's 50.220 + 50.120 + 50.220;
        # HN-2016-2020's 600 has no budget line to be set against
        pytest.param({}, ("Hà Nội", 3, 17000.0, 150560.0, 11.291180, 600.0), id="all"),
        pytest.param({"boundary": "as_issued"}, ("Hà Nội", 3, 17000.0, 150560.0, 11.291180, 600.0),
                     id="as issued"),
        # KC1 = I.1: 3.000 (2021) + 4.500 (2022) against 4.200 + 4.200 (000:267)
        pytest.param({"content_area": "KC1"}, ("Hà Nội", 2, 7500.0, 8400.0, 89.285714, 600.0),
                     id="KC1"),
        # 2023: 7.200 + 1.500 + 800 against 50.220
        pytest.param({"y0": 2023, "y1": 2023}, ("Hà Nội", 1, 9500.0, 50220.0, 18.916766, 0.0),
                     id="2023"),
    ],
)  # fmt: skip
def test_province_support_vs_plan(sup, params, expected) -> None:
    got = rows(
        sup,
        "province_support_vs_plan",
        *("province", "n_years", "support_mvnd", "planned_mvnd", "support_per_plan_pct"),
        "unpaired_support_mvnd",
        **(ALL | params),
    )
    assert 1 == len(got)
    assert expected == pytest.approx(got[0])


def test_province_support_vs_plan_is_empty_outside_the_records(sup) -> None:
    assert [] == rows(sup, "province_support_vs_plan", "province", **(ALL | {"y0": 2024}))
    assert [] == rows(
        sup, "province_support_vs_plan", "province", **(ALL | {"provinces": ["Hưng Yên"]})
    )


def test_programme_queries(sup) -> None:
    years = rows(
        sup,
        "programme_support_years",
        *("year", "records", "cancelled_records", "amount_mvnd", "planned_mvnd"),
        programme_id=fx.HN21,
    )
    # every year of the plan, those without records at 0
    assert [
        (2021, 1, 0, 3000.0, 50220.0),
        (2022, 2, 1, 4500.0, 50120.0),
        (2023, 3, 0, 9500.0, 50220.0),
        (2024, 0, 0, 0.0, 50120.0),
        (2025, 0, 0, 0.0, 50220.0),
    ] == years
    areas = rows(
        sup, "programme_support_areas", "content_area", "amount_mvnd", "planned_mvnd",
        programme_id=fx.HN21,
    )  # fmt: skip
    # I.1 is KC1, II.1 KC3 (content_area_map), line 7 writes KC4, IX.9 has none
    assert [
        ("KC1", 7500.0, 21000.0),
        ("KC3", 7200.0, 46000.0),
        ("KC4", 1500.0, 144800.0),
        (None, 800.0, None),
    ] == areas
    top = rows(
        sup, "programme_support_establishments", "rank", "establishment", "records",
        "amount_mvnd", programme_id=fx.HN21, limit=2,
    )  # fmt: skip
    # e2: 2.000 + 7.200; e1: 3.000 + 2.500 + 800; e3's 9.000 cancelled, 1.500 left
    assert [(1, fx.BAT_TRANG, 2, 9200.0), (2, fx.PHU_VINH, 3, 6300.0)] == top


def test_programme_queries_without_records(con) -> None:
    assert 0 == int(db.run(con, "programme_support_years", programme_id=fx.HN21)["records"].sum())
    assert db.run(con, "programme_support_areas", programme_id=fx.HN21).empty
    assert db.run(con, "programme_support_establishments", programme_id=fx.HN21, limit=10).empty


@pytest.fixture(scope="module")
def engines(support_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    lite_path = tmp_path_factory.mktemp("plan-lite") / "copy.sqlite"
    bench_sqlite.copy_database(support_db, lite_path)
    con = db.connect(support_db, read_only=True)
    lite = bench_sqlite.connect(lite_path)
    yield {"con": con, "frames": bench_ports.load_frames(con), "lite": lite}
    lite.close()
    con.close()


@pytest.mark.parametrize("name", MINE)
@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="all"),
        pytest.param({"content_area": "KC1", "y0": 2021, "y1": 2022}, id="KC1 2021-2022"),
        pytest.param({"boundary": "as_issued", "limit": 2}, id="as issued, top 2"),
    ],
)
def test_ports_agree_on_cancelled_and_taskless_records(engines, name, params) -> None:
    # the benchmark's seed and synthetic databases hold no cancelled record, no record without
    # a task and no import: this one does
    values = {"programme_id": fx.HN21, "limit": None} | ALL | params
    wanted = {k: values[k] for k in db.query_params(name)}
    expected = db.run(engines["con"], name, **wanted)
    assert len(expected) > 0
    assert "ok" == bench.compare(expected, bench_ports.PORTS[name](engines["frames"], wanted))
    sql, _ = bench_sqlite.sql_for(name)
    assert "ok" == bench.compare(expected, bench_sqlite.run(engines["lite"], sql, wanted))


def test_plan_year_bars_draw_paid_and_planned(sup) -> None:
    years = db.run(sup, "programme_support_years", programme_id=fx.HN21)
    fig = plan_year_bars(years, "t", "vi")
    bars, line = fig.data
    assert [3000.0, 4500.0, 9500.0, 0.0, 0.0] == list(bars.y)
    assert [50220.0, 50120.0, 50220.0, 50120.0, 50220.0] == list(line.y)
    # 3.000 / 50.220, 4.500 / 50.120, 9.500 / 50.220
    assert ("6,0%", "9,0%", "18,9%", "0,0%", "0,0%") == tuple(bars.text)
    assert ("Đã hỗ trợ", "Kế hoạch") == (bars.name, line.name)


def test_establishment_bars_keep_namesakes_apart() -> None:
    import pandas as pd

    top = pd.DataFrame(
        {
            "rank": [1, 2],
            "establishment": ["HTX Mây tre", "HTX Mây tre"],  # two communes, one name
            "commune": ["Xã A", "Xã B"],
            "records": [2, 1],
            "amount_mvnd": [2500.0, 1500.0],
            "share_pct": [62.5, 37.5],
            "beneficiaries": [10, 4],
        }
    )
    fig = establishment_bars(top, "t", "vi")
    assert ("1. HTX Mây tre", "2. HTX Mây tre") == tuple(fig.data[0].y)
    assert "2,5 tỷ đồng · 62,5%" == fig.data[0].text[0]


def test_support_plan_bars_name_the_merger(sup) -> None:
    frame = db.run(sup, "province_support_vs_plan", **ALL)
    frame = frame.assign(summed_from="Hà Nội, Hà Tây")  # as a merged province's row would be
    fig = support_plan_bars(frame, "t", "vi")
    assert ("Hà Nội · cộng Hà Nội, Hà Tây (cũ)",) == tuple(fig.data[0].y)
    assert ("11,3%",) == tuple(fig.data[0].text)  # 17.000 / 150.560
    spec = json.loads(fig.to_json())
    assert 100 == spec["layout"]["shapes"][0]["x0"]  # the line at all that was planned


# --- the pre-aggregates (support_programme_cells, support_programme_establishments) against the
# records: a second file and import in the same groups, and records without an import or a row
SECOND_FILE, SECOND_IMPORT = "bo_sung_2022.xlsx", "20261215-bo-sung"
PREAGGREGATES = ("support_programme_cells", "support_programme_establishments")


@pytest.fixture(scope="module")
def mixed(support_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The fixture's records, plus lines 3-4 again from a second file of another import (rows 7
    and 2, one of them cancelled), line 6 again without an import or a row (as synthetic records
    are) and a new establishment with no beneficiaries written in 2024 (a plan year without
    records so far)."""
    from plans.data.build import derive_support

    folder = tmp_path_factory.mktemp("plan-mixed")
    path = folder / "plans.duckdb"
    path.write_bytes(support_db.read_bytes())
    with db.connect(path, read_only=False) as con:
        con.execute(
            "insert into support_records select * replace ("
            " $file as source_file, $import as import_id,"
            " case source_line when 3 then 7 else 2 end as source_line,"
            " case source_line when 4 then 'cancelled' else status end as status)"
            " from support_records where source_line in (3, 4)",
            {"file": SECOND_FILE, "import": SECOND_IMPORT},
        )
        con.execute(
            "insert into support_records select * replace ("
            " 'synthetic' as source_file, null as import_id, null as source_line)"
            " from support_records where source_line = 6"
        )
        con.execute(
            "insert into support_records select * replace ("
            " 2024 as year, 'II.1' as task_code, $id as establishment_id,"
            " 'HTX Mới' as establishment, null as beneficiaries, 10 as source_line)"
            " from support_records where source_line = 6 and import_id is not null",
            {"id": f"{fx.IMPORT}:e4"},
        )
        derive_support(con)
        con.execute("checkpoint")
    lite_path = folder / "copy.sqlite"
    bench_sqlite.copy_database(path, lite_path)
    con = db.connect(path, read_only=True)
    lite = bench_sqlite.connect(lite_path)
    yield {"con": con, "frames": bench_ports.load_frames(con), "lite": lite}
    lite.close()
    con.close()


@pytest.mark.parametrize("name", MINE + PREAGGREGATES)
@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="all"),
        pytest.param({"y0": 2022, "y1": 2022, "limit": 1}, id="2022, top 1"),
        pytest.param({"programme_id": fx.HN16, "content_area": "KC1"}, id="HN16 KC1"),
    ],
)
def test_ports_agree_across_files_imports_and_synthetic_records(mixed, name, params) -> None:
    values = {"programme_id": fx.HN21, "limit": None} | ALL | params
    wanted = {k: values[k] for k in db.query_params(name)}
    cases = [wanted]
    if name == "support_plan_checks":
        cases.append({"programme_id": None})  # every programme
    for case in cases:
        expected = db.run(mixed["con"], name, **case)
        assert len(expected) > 0
        assert "ok" == bench.compare(expected, bench_ports.PORTS[name](mixed["frames"], case))
        sql, _ = bench_sqlite.sql_for(name)
        assert "ok" == bench.compare(expected, bench_sqlite.run(mixed["lite"], sql, case))


def test_plan_checks_cite_the_first_file_of_several(mixed) -> None:
    got = rows(
        mixed["con"],
        "support_plan_checks",
        *("year", "task_code", "records", "cancelled_records", "amount_mvnd", "n_files"),
        *("import_ids", "source_file", "source_line"),
        programme_id=fx.HN21,
    )
    both = f"{fx.IMPORT}, {SECOND_IMPORT}"
    # 2022 I.1: lines 3 and 4 of each file, line 4 of the second cancelled; the second file's
    # name comes first, its lowest row is 2 (the cancelled one: a citation names every record)
    assert (2022, "I.1", 3, 2, 7000.0, 2, both, SECOND_FILE, 2) in got
    # 2023 II.1: line 6 and its copy without an import or a row
    assert (2023, "II.1", 2, 0, 14400.0, 2, fx.IMPORT, fx.FILE, 6) in got


def test_programme_queries_across_files(mixed) -> None:
    years = rows(
        mixed["con"],
        "programme_support_years",
        *("year", "records", "cancelled_records", "amount_mvnd", "beneficiaries", "support_files"),
        programme_id=fx.HN21,
    )
    assert (2022, 3, 2, 7000.0, 42, f"{SECOND_FILE}, {fx.FILE}") == years[1]
    assert (2024, 1, 0, 7200.0, 0, fx.FILE) == years[3]
    top = rows(
        mixed["con"],
        "programme_support_establishments",
        *("rank", "establishment_id", "records", "amount_mvnd", "beneficiaries"),
        programme_id=fx.HN21,
        limit=None,
    )
    # e2: 2.000 + 7.200 twice (line 4's copy cancelled); e1 6.300 + 2.500; e4 7.200; e3 1.500
    assert [
        (1, f"{fx.IMPORT}:e2", 3, 16400.0, 92),
        (2, f"{fx.IMPORT}:e1", 4, 8800.0, 50),
        (3, f"{fx.IMPORT}:e4", 1, 7200.0, 0),
        (4, f"{fx.IMPORT}:e3", 1, 1500.0, 8),
    ] == top
