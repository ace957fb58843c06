"""Support records: the support_* queries against a direct count of the records, the figure
builders, and the page on the seed database (no records) and on a synthetic one (AppTest)."""

from __future__ import annotations

import json
import shutil
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
    district_bars,
    province_bars,
    source_bars,
    source_refs,
    year_bars,
    year_changes,
)
from plans.data.build import derive_support
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


def records_of(path: Path, cancelled: bool = False) -> pd.DataFrame:
    """Every record with its content area (its own, else its task's), read directly (the
    independent side); cancelled records only when asked (no other query counts them)."""
    with duckdb.connect(str(path), read_only=True) as con:
        frame = con.execute(
            "select r.* exclude (content_area),"
            " coalesce(r.content_area, m.content_area) as content_area"
            " from support_records as r"
            " left join content_area_map as m using (programme_id, task_code)"
        ).df()
    frame = frame.astype({"district": object, "funding_source": object, "source_file": object})
    frame = (
        frame.astype(object)
        .where(frame.notna(), None)
        .astype({"year": "int64", "amount_mvnd": "float64", "beneficiaries": "float64"})
    )
    return frame if cancelled else frame[frame["status"] != "cancelled"].reset_index(drop=True)


@pytest.fixture(scope="module")
def small_records(small_db: Path) -> pd.DataFrame:
    return records_of(small_db)


# --- records as imports write them ------------------------------------------------------------
# Bắc Giang's programme 2021-2025 (successor since 1/7/2025: Bắc Ninh), in two imports: the first
# file written before the merger (districts, communes), the second since (no district; the
# records under Bắc Ninh). One establishment written in two ways across the years (same id), one
# with a content area of its own over its task's, a row naming an area and no task, funding
# sources of every kind and one not written, beneficiaries not written, two cancelled đề án (one
# the latest record of its establishment, under another name).
FIRST = ("0001-aaaaaaaa", "ho_tro_bac_giang.csv")
SECOND = ("0002-bbbbbbbb", "ho_tro_2025.xlsx")
IMPORTED = [
    # (import, line, province, district, commune, ward_current, year, made_on, task, area,
    #  establishment, establishment_id, source, amount, beneficiaries, status)
    (FIRST, 2, "Bắc Giang", "Huyện Lục Nam", "Xã Bảo Đài", "Xã Bảo Đài", 2023, "2023-03-15",
     "I.4", None, "Công ty TNHH Mây tre đan Phú Vinh", "imp:pv", "trung_uong", 250.9, 30, "accepted"),
    (FIRST, 3, "Bắc Giang", "Huyện Lục Nam", "Xã Bảo Đài", "Xã Bảo Đài", 2023, "2023-03-15",
     "I.4", None, "Công ty TNHH Mây tre đan Phú Vinh", "imp:pv", "dia_phuong", 100.0, None, "accepted"),
    (FIRST, 4, "Bắc Giang", "Huyện Việt Yên", "Xã Vân Hà", None, 2023, "2023-05-02",
     None, "KC4", "Hợp tác xã Gốm Thổ Hà", "imp:th", "dia_phuong", 80.0, 12, "accepted"),
    (FIRST, 5, "Bắc Giang", "Huyện Việt Yên", None, None, 2024, None,
     "II.9", "KC3", "Cơ sở Rèn Đa Hội", "imp:dh", "trung_uong", 60.0, 8, "approved"),
    (FIRST, 6, "Bắc Giang", "Huyện Việt Yên", None, None, 2024, None,
     "I.5", None, "Cơ sở Rèn Đa Hội", "imp:dh", "dia_phuong", 45.5, 4, "cancelled"),
    (SECOND, 2, "Bắc Ninh", None, "Xã Bảo Đài", "Xã Lục Nam", 2025, "2025-09-10",
     None, "KC1", "CÔNG TY TNHH MÂY TRE ĐAN PHÚ VINH", "imp:pv", "trung_uong", 300.0, 40, "approved"),
    (SECOND, 3, "Bắc Ninh", None, "Phường Vân Hà", None, 2025, "2025-08-01",
     None, "KC4", "Hợp tác xã Gốm Thổ Hà", "imp:th", None, 20.0, None, "approved"),
    (SECOND, 4, "Bắc Ninh", None, None, None, 2025, None,
     None, "KC5", "Cơ sở Sơn mài Hạ Thái", "imp:ht", "khac", 15.0, 3, "approved"),
    (SECOND, 5, "Bắc Ninh", None, None, None, 2025, "2025-10-01",
     None, "KC3", "Cơ sở rèn Đa Hội (đã hủy)", "imp:dh", "dia_phuong", 70.0, 6, "cancelled"),
]  # fmt: skip


def imported_frame() -> pd.DataFrame:
    keys = ["import", "source_line", "province", "district", "commune", "ward_current", "year",
            "made_on", "task_code", "content_area", "establishment", "establishment_id",
            "funding_source", "amount_mvnd", "beneficiaries", "status"]  # fmt: skip
    frame = pd.DataFrame(IMPORTED, columns=keys, dtype=object)
    return frame.assign(
        programme_id="BG-2021-2025",
        import_id=[i for i, _ in frame["import"]],
        source_file=[f for _, f in frame["import"]],
        amount_text=[str(a) for a in frame["amount_mvnd"]],
    ).drop(columns="import")


def add_imported(path: Path) -> None:
    """Write the imported rows into the database at `path` and recompute the pre-aggregates."""
    rows = imported_frame()  # noqa: F841 (read by DuckDB below)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "insert into support_records by name select * replace ("
            " made_on::date as made_on, year::integer as year,"
            " beneficiaries::integer as beneficiaries, source_line::integer as source_line,"
            " amount_mvnd::double as amount_mvnd) from rows"
        )
        derive_support(con)


@pytest.fixture(scope="module")
def mixed_db(small_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small synthetic database with the imported rows added."""
    path = tmp_path_factory.mktemp("support_mixed") / "mixed.duckdb"
    shutil.copyfile(small_db, path)
    add_imported(path)
    return path


@pytest.fixture(scope="module")
def imported_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three provinces' plans and only the imported rows (figures computed by hand below)."""
    path = _db(tmp_path_factory, "support_imported", provinces=3, periods=2, records=0, seed=11)
    add_imported(path)
    return path


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
    """records, amount and beneficiaries per group; beneficiaries null when none is written."""
    out = (
        frame.groupby(keys, dropna=False)
        .agg(
            records=("amount_mvnd", "size"),
            amount_mvnd=("amount_mvnd", "sum"),
            beneficiaries=("beneficiaries", "sum"),
            _written=("beneficiaries", "count"),
        )
        .reset_index()
    )
    out["beneficiaries"] = out["beneficiaries"].where(out["_written"] > 0)
    return out.drop(columns="_written")


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
    # an establishment is its establishment_id, counted once in each row it has records in
    counts = rows.drop_duplicates(["province", "establishment_id"]).groupby("province").size()
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


def shown_as(records: pd.DataFrame) -> pd.DataFrame:
    """Each establishment's name and province as shown: those written on its most recent record
    (latest year, decision date, import, row; then the name), indexed by establishment_id."""
    written = records["written"] if "written" in records else records["province"]
    order = records.assign(written=written).sort_values(
        ["year", "made_on", "import_id", "source_line", "establishment", "written"],
        ascending=[False, False, False, False, True, True],
        na_position="last",
    )
    return order.drop_duplicates("establishment_id").set_index("establishment_id")[
        ["establishment", "written"]
    ]


def _lines(rows: pd.DataFrame) -> pd.DataFrame:
    """Per establishment, the files of its records and each file's row numbers, as the top
    query gives them (computed for all establishments at once: one group per establishment
    was most of the suite's time)."""
    cited = rows[rows["source_line"].notna()]
    if cited.empty:
        return pd.DataFrame(columns=["source_files", "source_lines"])
    cited = cited.assign(
        _no_area=cited["content_area"].isna(),
        _area=cited["content_area"].fillna(""),
        _line=cited["source_line"].astype(int).astype(str),
    )
    # the rows cell by cell (year, province written, area), ascending within a cell
    cited = cited.sort_values(
        ["establishment_id", "source_file", "year", "written", "_no_area", "_area", "source_line"]
    )
    per_file = cited.groupby(["establishment_id", "source_file"], sort=True)["_line"].agg(";".join)
    per_file = per_file.reset_index()
    return per_file.groupby("establishment_id", sort=False).agg(
        source_files=("source_file", "/".join), source_lines=("_line", "/".join)
    )


def expected_top(
    records: pd.DataFrame, limit: int | None, shown: pd.DataFrame | None = None, **f: object
) -> pd.DataFrame:
    """The top establishments of records `in_view`; ties in the order of the province and name
    each is shown under (its most recent record, over all its records: `shown_as`, which a
    caller with many cases computes once), then its id."""
    if "written" not in records:
        records = records.assign(written=records["province"])
    shown = shown_as(records) if shown is None else shown
    rows = chosen(records, **f)
    totals = sums(rows, ["establishment_id"])
    totals = totals.assign(
        establishment=totals["establishment_id"].map(shown["establishment"]),
        shown_province=totals["establishment_id"].map(shown["written"]),
    )
    frame = by_amount(totals, ["shown_province", "establishment", "establishment_id"])
    frame = frame.head(limit) if limit is not None else frame
    frame.insert(0, "rank", range(1, len(frame) + 1))
    ranked = rows[rows["establishment_id"].isin(frame["establishment_id"])]
    for column, of in [("province", "province"), ("province_written", "written")]:
        named = ranked.groupby("establishment_id")[of].agg(lambda v: _names(set(v)))
        frame[column] = frame["establishment_id"].map(named)
    refs = _lines(ranked)
    for column in ["source_files", "source_lines"]:
        frame[column] = [refs[column].get(i) for i in frame["establishment_id"]]
    columns = ["rank", "province", "establishment", "records", "amount_mvnd", "beneficiaries",
               "province_written", "establishment_id", "source_files", "source_lines"]  # fmt: skip
    return frame[columns]


def _ward(rows: pd.DataFrame) -> pd.Series:
    """The ward a record without a district is counted under: since 1/7/2025, else as written."""
    ward = [
        (w if w is not None else c) if d is None else None
        for d, w, c in zip(rows["district"], rows["ward_current"], rows["commune"], strict=True)
    ]
    return pd.Series(ward, index=rows.index, dtype=object)


def _vi_or_last(value: object) -> tuple[bool, object]:
    return (value is None, vi_key(value) if value is not None else ())


def expected_by_district(records: pd.DataFrame, boundary: str = "as_issued", **f) -> pd.DataFrame:
    rows = chosen(records, **f)
    if "written" not in rows:
        rows = rows.assign(written=rows["province"])
    rows = rows.assign(ward=_ward(rows))
    frame = sums(rows, ["province", "written", "district", "ward"])
    frame = frame.rename(columns={"written": "province_written"}).astype(
        {"district": object, "ward": object}
    )
    frame = (
        frame.astype(object)
        .where(frame.notna(), None)
        .astype({"records": "int64", "amount_mvnd": "float64", "beneficiaries": "float64"})
    )
    frame = with_share(frame)
    in_province = frame.groupby("province")["amount_mvnd"].transform("sum")
    frame["province_share_pct"] = 100 * frame["amount_mvnd"] / in_province
    order = sorted(
        frame.index,
        key=lambda i: (
            vi_key(frame.at[i, "province"]),
            -round(frame.at[i, "amount_mvnd"], 6),
            vi_key(frame.at[i, "province_written"]),
            _vi_or_last(frame.at[i, "district"]),
            _vi_or_last(frame.at[i, "ward"]),
        ),
    )
    columns = ["province", "province_written", "district", "ward", "records", "amount_mvnd",
               "beneficiaries", "share_pct", "province_share_pct"]  # fmt: skip
    return frame.loc[order, columns].reset_index(drop=True)


SOURCES = ["trung_uong", "dia_phuong", "doi_ung", "khac", None]
STATUSES = ["approved", "accepted", "cancelled"]


def expected_by_source(records: pd.DataFrame, boundary: str = "as_issued", **f) -> pd.DataFrame:
    frame = with_share(sums(chosen(records, **f), ["funding_source"]))
    frame["funding_source"] = (
        frame["funding_source"].astype(object).where(frame["funding_source"].notna(), None)
    )
    frame["_order"] = frame["funding_source"].map(SOURCES.index)
    return frame.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def expected_status_counts(every: pd.DataFrame, boundary: str = "as_issued", **f) -> pd.DataFrame:
    """From every record, cancelled ones too."""
    frame = sums(chosen(every, **f), ["status"])[["status", "records", "amount_mvnd"]]
    frame["_order"] = frame["status"].map(STATUSES.index)
    return frame.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def expected_sources(every: pd.DataFrame, boundary: str = "as_issued", **f) -> pd.DataFrame:
    """From every record, cancelled ones too."""
    rows = chosen(every, **f)
    rows = rows.assign(
        counted=(rows["status"] != "cancelled").astype(int),
        cancelled=(rows["status"] == "cancelled").astype(int),
        _import=rows["import_id"].map(lambda i: "" if i is None else str(i)),
    )
    frame = (
        rows.groupby(["_import", "source_file"], dropna=False)
        .agg(
            import_id=("import_id", "first"),
            records=("counted", "sum"),
            cancelled=("cancelled", "sum"),
        )
        .reset_index()
        .sort_values(["_import", "source_file"])
    )
    return frame[["import_id", "source_file", "records", "cancelled"]].reset_index(drop=True)


EXPECTED = {
    "support_by_province": expected_by_province,
    "support_by_year": expected_by_year,
    "support_by_area": expected_by_area,
    "support_yoy": expected_yoy,
    "support_by_district": expected_by_district,
    "support_by_source": expected_by_source,
}
# These count every record, cancelled ones too.
EXPECTED_EVERY = {
    "support_status_counts": expected_status_counts,
    "support_sources": expected_sources,
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


def check_against_records(path: Path, name: str, boundary: str) -> None:
    """Every filter case of one query against the records of the database at `path`."""
    counted = records_of(path)
    expect = EXPECTED.get(name) or EXPECTED_EVERY[name]
    records = in_view(counted if name in EXPECTED else records_of(path, cancelled=True), boundary)
    for written_case in small_cases(counted):
        case = view_case(written_case, boundary)
        params = {k: case.get(k) for k in FILTERS}
        expected = expect(records, boundary, **case)
        assert_same(expected, run(path, name, boundary=boundary, **params))


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("name", sorted(EXPECTED | EXPECTED_EVERY))
def test_aggregates_match_the_records(name: str, boundary: str, small_db: Path) -> None:
    check_against_records(small_db, name, boundary)


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("name", sorted(EXPECTED | EXPECTED_EVERY))
def test_aggregates_match_the_records_with_imported_rows(
    name: str, boundary: str, mixed_db: Path
) -> None:
    check_against_records(mixed_db, name, boundary)


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("limit", [1, 7, None])
def test_top_establishments_match_the_records_with_imported_rows(
    limit, boundary: str, mixed_db: Path
) -> None:
    counted = records_of(mixed_db)
    records = in_view(counted, boundary)
    for written_case in [*small_cases(counted), {"provinces": ["Bắc Giang"]}]:
        case = view_case(written_case, boundary)
        params = {k: case.get(k) for k in FILTERS}
        got = run(mixed_db, "support_top_establishments", boundary=boundary, **params, limit=limit)
        assert_same(expected_top(records, limit, **case), got)


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


ALL = {"provinces": None, "y0": None, "y1": None, "content_area": None}


def rows_of(frame: pd.DataFrame, columns: list[str]) -> list[list[object]]:
    """The rows of `frame` as lists, NULLs as None and amounts to 1 đồng."""
    out = []
    for row in frame[columns].astype(object).itertuples(index=False):
        out.append([None if pd.isna(v) else (round(v, 6) if isinstance(v, float) else v)
                    for v in row])  # fmt: skip
    return out


def test_imported_rows_by_province_by_hand(imported_db: Path) -> None:
    # Counted: every row but the two cancelled (45,5 and 70,0). Under the current boundaries
    # all is Bắc Ninh's: 250,9 + 100 + 80 + 60 + 300 + 20 + 15 = 825,9 million in 7 records, 4
    # establishments (Phú Vinh, Thổ Hà, Đa Hội by its 2024 record, Hạ Thái), beneficiaries
    # 30 + 12 + 8 + 40 + 3 = 93; it sums old Bắc Giang's records and has none of old Bắc Ninh's
    # before the merger.
    now = run(imported_db, "support_by_province", boundary="current", **ALL)
    columns = ["province", "records", "establishments", "amount_mvnd", "beneficiaries",
               "share_pct", "summed_from", "missing_from"]  # fmt: skip
    assert [["Bắc Ninh", 7, 4, 825.9, 93, 100.0, "Bắc Giang", "Bắc Ninh"]] == rows_of(now, columns)
    # As issued: Bắc Giang rows 2-5 of the first file (490,9; Phú Vinh, Thổ Hà, Đa Hội) and
    # Bắc Ninh rows 2-4 of the second (335,0; Phú Vinh, Thổ Hà, Hạ Thái): Phú Vinh and Thổ Hà
    # count in both rows. Shares 490,9 / 825,9 = 59,438 % and 335 / 825,9 = 40,562 %.
    issued = run(imported_db, "support_by_province", boundary="as_issued", **ALL)
    assert [
        ["Bắc Giang", 4, 3, 490.9, 50, round(100 * 490.9 / 825.9, 6), None, None],
        ["Bắc Ninh", 3, 3, 335.0, 43, round(100 * 335.0 / 825.9, 6), None, None],
    ] == rows_of(issued, columns)
    # an establishment's only 2023 rows: one record in Bắc Giang's 2023 file counted once
    years = run(imported_db, "support_by_province", boundary="current", provinces=None, y0=2023,
                y1=2023, content_area=None)  # fmt: skip
    assert [[3, 2, 430.9]] == rows_of(years, ["records", "establishments", "amount_mvnd"])


def test_imported_rows_by_year_area_source_and_status_by_hand(imported_db: Path) -> None:
    years = run(imported_db, "support_by_year", boundary="current", **ALL)
    # 2023: rows 2, 3, 4 of the first file; 2024: row 5 (row 6 is cancelled); 2025: the second
    assert [[2023, 3, 430.9, 42], [2024, 1, 60.0, 8], [2025, 3, 335.0, 43]] == rows_of(
        years, ["year", "records", "amount_mvnd", "beneficiaries"]
    )
    # KC1: rows 2, 3 by their task I.4 and the second file's row 2 by its own area; KC3: row 5
    # by its own area (its task II.9 is KC4's); KC4: row 4 and the second file's row 3 (no
    # task); KC5: the second file's row 4
    areas = run(imported_db, "support_by_area", boundary="current", **ALL)
    assert [["KC1", 3, 650.9, 70], ["KC3", 1, 60.0, 8], ["KC4", 2, 100.0, 12],
            ["KC5", 1, 15.0, 3]] == rows_of(
        areas, ["content_area", "records", "amount_mvnd", "beneficiaries"]
    )  # fmt: skip
    # trung_uong 250,9 + 60 + 300; dia_phuong 100 + 80; khac 15; not written 20 (no
    # beneficiaries written on it: null, not 0)
    sources = run(imported_db, "support_by_source", boundary="current", **ALL)
    assert [
        ["trung_uong", 3, 610.9, 78, round(100 * 610.9 / 825.9, 6)],
        ["dia_phuong", 2, 180.0, 12, round(100 * 180 / 825.9, 6)],
        ["khac", 1, 15.0, 3, round(100 * 15 / 825.9, 6)],
        [None, 1, 20.0, None, round(100 * 20 / 825.9, 6)],
    ] == rows_of(
        sources, ["funding_source", "records", "amount_mvnd", "beneficiaries", "share_pct"]
    )
    status = run(imported_db, "support_status_counts", boundary="current", **ALL)
    # approved 60 + 300 + 20 + 15; accepted 250,9 + 100 + 80; cancelled 45,5 + 70
    assert [["approved", 4, 395.0], ["accepted", 3, 430.9], ["cancelled", 2, 115.5]] == rows_of(
        status, ["status", "records", "amount_mvnd"]
    )
    files = run(imported_db, "support_sources", boundary="current", **ALL)
    assert [[*FIRST, 4, 1], [*SECOND, 3, 1]] == rows_of(
        files, ["import_id", "source_file", "records", "cancelled"]
    )
    only_2025 = run(imported_db, "support_status_counts", boundary="as_issued",
                    provinces=["Bắc Ninh"], y0=None, y1=None, content_area="KC3")  # fmt: skip
    assert [["cancelled", 1, 70.0]] == rows_of(only_2025, ["status", "records", "amount_mvnd"])


def test_imported_rows_by_district_by_hand(imported_db: Path) -> None:
    columns = ["province", "province_written", "district", "ward", "records", "amount_mvnd",
               "beneficiaries", "share_pct", "province_share_pct"]  # fmt: skip
    got = rows_of(run(imported_db, "support_by_district", boundary="current", **ALL), columns)
    # one province now: old Bắc Giang's districts kept apart and said whose they were; the
    # records since 1/7/2025 have no district: by their ward since then (row 2: Xã Lục Nam),
    # else the commune as written (row 3), else nothing written (row 4)
    # (Huyện Việt Yên: the first file's row 4, 80,0, and row 5, 60,0; its row 6 is cancelled)
    pct = [round(100 * a / 825.9, 6) for a in (350.9, 300.0, 140.0, 20.0, 15.0)]
    assert [
        ["Bắc Ninh", "Bắc Giang", "Huyện Lục Nam", None, 2, 350.9, 30, pct[0], pct[0]],
        ["Bắc Ninh", "Bắc Ninh", None, "Xã Lục Nam", 1, 300.0, 40, pct[1], pct[1]],
        ["Bắc Ninh", "Bắc Giang", "Huyện Việt Yên", None, 2, 140.0, 20, pct[2], pct[2]],
        ["Bắc Ninh", "Bắc Ninh", None, "Phường Vân Hà", 1, 20.0, None, pct[3], pct[3]],
        ["Bắc Ninh", "Bắc Ninh", None, None, 1, 15.0, 3, pct[4], pct[4]],
    ] == got
    issued = run(imported_db, "support_by_district", boundary="as_issued", **ALL)
    # as issued each province's share: Lục Nam 350,9 of Bắc Giang's 490,9
    lục_nam = issued[issued["district"] == "Huyện Lục Nam"].iloc[0]
    assert round(100 * 350.9 / 490.9, 6) == round(lục_nam["province_share_pct"], 6)
    assert ["Bắc Giang", "Bắc Giang", "Bắc Ninh", "Bắc Ninh", "Bắc Ninh"] == list(
        issued["province"]
    )


def test_imported_establishments_by_hand(imported_db: Path) -> None:
    columns = ["rank", "province", "establishment", "records", "amount_mvnd", "beneficiaries",
               "province_written", "establishment_id", "source_files", "source_lines"]  # fmt: skip
    top = run(imported_db, "support_top_establishments", boundary="current", **ALL, limit=None)
    # Phú Vinh: 250,9 + 100 + 300 under the name of its latest record (2025, capitals); Đa Hội
    # under its 2024 name (its 2025 record is cancelled); the rows of each file, '/' between files
    assert [
        [1, "Bắc Ninh", "CÔNG TY TNHH MÂY TRE ĐAN PHÚ VINH", 3, 650.9, 70, "Bắc Giang, Bắc Ninh",
         "imp:pv", "ho_tro_2025.xlsx/ho_tro_bac_giang.csv", "2/2;3"],
        [2, "Bắc Ninh", "Hợp tác xã Gốm Thổ Hà", 2, 100.0, 12, "Bắc Giang, Bắc Ninh", "imp:th",
         "ho_tro_2025.xlsx/ho_tro_bac_giang.csv", "3/4"],
        [3, "Bắc Ninh", "Cơ sở Rèn Đa Hội", 1, 60.0, 8, "Bắc Giang", "imp:dh",
         "ho_tro_bac_giang.csv", "5"],
        [4, "Bắc Ninh", "Cơ sở Sơn mài Hạ Thái", 1, 15.0, 3, "Bắc Ninh", "imp:ht",
         "ho_tro_2025.xlsx", "4"],
    ] == rows_of(top, columns)  # fmt: skip
    # as issued, Bắc Giang alone: only the records written there are summed and cited
    old = run(imported_db, "support_top_establishments", boundary="as_issued",
              provinces=["Bắc Giang"], y0=None, y1=None, content_area=None, limit=2)  # fmt: skip
    assert [[1, "Bắc Giang", 350.9, "Bắc Giang", "ho_tro_bac_giang.csv", "2;3"],
            [2, "Bắc Giang", 80.0, "Bắc Giang", "ho_tro_bac_giang.csv", "4"]] == rows_of(
        old, ["rank", "province", "amount_mvnd", "province_written", "source_files", "source_lines"]
    )  # fmt: skip
    with duckdb.connect(str(imported_db), read_only=True) as con:
        shown = con.execute(
            "select establishment_id, establishment, province, names_written"
            " from support_establishments order by establishment_no"
        ).fetchall()
    # numbered in the order of the province and name shown (bytes: "CÔ" < "Cơ" < "Hợ"): Bắc
    # Giang's Đa Hội first; Phú Vinh was written under two names
    assert [
        ("imp:dh", "Cơ sở Rèn Đa Hội", "Bắc Giang", 1),
        ("imp:pv", "CÔNG TY TNHH MÂY TRE ĐAN PHÚ VINH", "Bắc Ninh", 2),
        ("imp:ht", "Cơ sở Sơn mài Hạ Thái", "Bắc Ninh", 1),
        ("imp:th", "Hợp tác xã Gốm Thổ Hà", "Bắc Ninh", 1),
    ] == shown


def test_top_establishments_by_their_totals(large_db: Path) -> None:
    # Many records in the filter: the query sums only the establishments whose total can reach
    # the top; the result must still be the exact top.
    assert f"> {BOUNDED_FROM}" in db.load_query("support_top_establishments")
    records = records_of(large_db)
    provinces = sorted(str(p) for p in records["province"].unique())
    largest_area = str(records["content_area"].value_counts().idxmax())
    cases = [{}, {"y0": 2022}, {"content_area": largest_area}, {"provinces": provinces[:1]}]
    shown = shown_as(records)
    for case in cases:
        assert BOUNDED_FROM < len(chosen(records, **case)), case  # the path under test
        for limit in (1, 20, 100):
            params = {k: case.get(k) for k in FILTERS}
            got = run(large_db, "support_top_establishments", boundary="as_issued", **params,
                      limit=limit)  # fmt: skip
            assert_same(expected_top(records, limit, shown, **case), got)
    # under the current boundaries the chosen successor reads its written provinces' rows
    now = in_view(records, "current")
    successor = SUCCESSOR[provinces[0]]
    got = run(large_db, "support_top_establishments", boundary="current", provinces=[successor],
              y0=None, y1=None, content_area=None, limit=20)  # fmt: skip
    assert_same(expected_top(now, 20, provinces=[successor]), got)


@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_top_establishments_bounded_path_on_every_filter(boundary: str, mixed_db: Path) -> None:
    # The bounded path (leaders by total, by year and by area; the floor; the bounds of the
    # total, the area and the year) on every filter case of the small database: the query with
    # the path taken from 0 records on and 3 leaders per province (10 x $limit), so that the
    # leaders are a few establishments only and the floor prunes.
    sql = db.load_query("support_top_establishments")
    for text in (f"> {BOUNDED_FROM}", f"<= {BOUNDED_FROM}", "greatest(300,"):
        assert text in sql, text
    bounded = (
        sql.replace(f"> {BOUNDED_FROM}", "> 0")
        .replace(f"<= {BOUNDED_FROM}", "<= 0")
        .replace("greatest(300,", "greatest(3,")
    )
    counted = records_of(mixed_db)
    records = in_view(counted, boundary)
    shown = shown_as(records)
    years = sorted(int(y) for y in counted["year"].unique())
    one_year = [{"y0": y, "y1": y} for y in years[::2]]
    with db.connect(mixed_db) as con:
        for written_case in [*small_cases(counted), *one_year, {"provinces": ["Bắc Giang"]}]:
            case = view_case(written_case, boundary)
            for limit in (1, 7, None):
                params = {k: case.get(k) for k in FILTERS} | {"boundary": boundary, "limit": limit}
                got = con.execute(bounded, params).df()
                assert_same(expected_top(records, limit, shown, **case), got)


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


DISTRICTS = pd.DataFrame(
    {
        "province": ["Bắc Ninh"] * 4,
        "province_written": ["Bắc Giang", "Bắc Ninh", "Bắc Ninh", "Bắc Ninh"],
        "district": ["Huyện Lục Nam", None, None, "Huyện Tiên Du"],
        "ward": [None, "Xã Lục Nam", None, None],
        "records": [2, 1, 1, 3],
        "amount_mvnd": [350.9, 300.0, 15.0, 1234.5],
        "beneficiaries": [30.0, 40.0, None, 7.0],
        "share_pct": [17.5, 15.0, 0.75, 66.75],
        "province_share_pct": [17.5, 15.0, 0.75, 66.75],
    }
)


def test_district_bars_name_each_place_and_draw_the_largest_first() -> None:
    bar = district_bars(DISTRICTS, "Theo huyện", "vi").data[0]
    # old Bắc Giang's district under Bắc Ninh says whose it was; a record without a district
    # by its ward since 1/7/2025; none written at all said so
    assert ["Huyện Tiên Du", "Huyện Lục Nam (Bắc Giang cũ)", "Xã Lục Nam (không ghi huyện)",
            "Không ghi huyện, xã"] == list(bar.y)  # fmt: skip
    assert [1234.5, 350.9, 300.0, 15.0] == list(bar.x)
    assert "1,2 tỷ đồng · 66,8%" == bar.text[0]  # 1.234,5 triệu to one decimal of a tỷ
    assert "1,235 tỷ đồng · 66,8%" == bar.customdata[0][0]  # the hover: up to three decimals
    assert "66,8% kinh phí của tỉnh" == bar.customdata[0][1]
    assert "" == bar.customdata[3][3]  # no beneficiaries written: nothing, not "0"
    en = district_bars(DISTRICTS, "By district", "en").data[0]
    assert "Huyện Lục Nam (former Bắc Giang)" == en.y[1]
    assert 2 == len(district_bars(DISTRICTS, "x", "vi", limit=2).data[0].y)
    # several provinces: each place with its province
    two = DISTRICTS.assign(
        province=["Bắc Ninh", "Bắc Ninh", "Hà Nội", "Hà Nội"],
        province_written=["Bắc Giang", "Bắc Ninh", "Hà Nội", "Hà Nội"],
    )
    assert "Huyện Tiên Du · Hà Nội" == district_bars(two, "x", "vi").data[0].y[0]


def test_source_bars_name_each_source_and_its_share() -> None:
    sources = pd.DataFrame(
        {
            "funding_source": ["trung_uong", "dia_phuong", None],
            "records": [3, 2, 1],
            "amount_mvnd": [610.9, 180.0, 20.0],
            "beneficiaries": [78.0, 12.0, None],
            "share_pct": [75.38, 22.21, 2.47],
        }
    )
    bar = source_bars(sources, "Theo nguồn vốn", "vi").data[0]
    assert ["Khuyến công quốc gia", "Khuyến công địa phương", "Không ghi nguồn"] == list(bar.y)
    assert [610.9, 180.0, 20.0] == list(bar.x)
    assert ["75,4% · 610,9 triệu đồng", "22,2% · 180,0 triệu đồng", "2,5% · 20,0 triệu đồng"] == (
        list(bar.text)
    )
    assert ["3 hồ sơ", "78 người hưởng lợi"] == list(bar.customdata[0][1:])
    assert "" == bar.customdata[2][2]
    assert "#0072B2" == bar.marker.color[0]  # the funding colours of every page
    assert "Source not stated" == source_bars(sources, "x", "en").data[0].y[2]


def test_source_refs_split_the_files_and_sort_their_rows() -> None:
    assert (["a.csv", "b.xlsx"], ["2;3;17", "4"]) == source_refs("a.csv/b.xlsx", "17;2;3;2/4")
    assert ([], []) == source_refs(None, None)


# --- the page --------------------------------------------------------------------------------


VIEWS = ["provinces", "years", "areas", "districts", "sources", "top"]


def open_page(**params: str) -> AppTest:
    at = open_app("pages/support.py", **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def show(at: AppTest, view: str) -> None:
    """Open one of the page's tabs, as a click on it does."""
    open_tab(at, "support_view", VIEWS.index(view))


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
    assert (["Theo tỉnh", "Theo năm", "Theo lĩnh vực", "Theo huyện", "Theo nguồn vốn",
             "Cơ sở nhận nhiều nhất"] if lang == "vi"
            else ["By province", "By year", "By content area", "By district", "By funding source",
                  "Top establishments"]) == [t.label for t in at.tabs]  # fmt: skip
    for view, charts in (("years", 2), ("areas", 1), ("districts", 1), ("sources", 1), ("top", 0)):
        show(at, view)
        assert charts == len(at.get("plotly_chart")), view
    # synthetic records: the table is named, nothing is cancelled
    captions = [c.value for c in at.caption]
    assert any("(support_records)" in c for c in captions)
    assert not any(("đã hủy" if lang == "vi" else "cancelled") in c for c in captions)
    records, amount = len(small_records), small_records["amount_mvnd"].sum()
    assert format_number(records, 0, lang) == at.metric[0].value
    # synthetic establishments are province-qualified: one id per (province written, name)
    establishments = len(small_records.drop_duplicates(["establishment_id"]))
    assert establishments == len(small_records.drop_duplicates(["province", "establishment"]))
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
