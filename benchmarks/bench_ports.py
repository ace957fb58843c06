"""pandas ports of the queries in queries/, for `python -m benchmarks queries` (same rows).

Each port takes the database's tables as DataFrames (`frames`, loaded once per size with
`load_frames`) and the query's parameters, and returns the query's result: the same columns in
the same order, the same rows (the benchmark's agreement check compares them after sorting).

Ports read the same tables the SQL reads: a dashboard query reads the tables materialised at
build (budget_lines, budget_shares, ...), a build query (budget_lines, total_checks, ...) the base
tables. The exception is the support aggregations: the SQL reads pre-aggregates built for it
(plans.data.build.SUPPORT_DERIVED); their ports compute from the raw support_records joined with
content_area_map, as the contract defines them and as one would in pandas (the ports of the
pre-aggregates themselves too): cancelled records left out (but by support_status_counts and
support_sources), a record's content area its own, else its task's, an establishment its
establishment_id. A port filters the records on province and year first and joins the content
areas only when it needs them.

SQL semantics kept on purpose: groups include NULL keys (dropna=False), a sum over no non-null
value is NULL (min_count=1), `=` never matches NULL, string_agg skips NULLs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from benchmarks.bench_sqlite import duckdb_tables
from plans.data.build import SUPPORT_DERIVED
from plans.data.provinces import vietnamese_key
from plans.data.sources import SEED_FILE_SQL

Frames = dict[str, pd.DataFrame]
Port = Callable[[Frames, dict[str, Any]], pd.DataFrame]

# The support pre-aggregates are never read by a port (their ports compute them from the records).
NOT_LOADED = frozenset(SUPPORT_DERIVED)


def load_frames(con: duckdb.DuckDBPyConnection) -> Frames:
    """Every table a port may read, as DataFrames (DuckDB's own .df() conversion)."""
    return {t: con.table(t).df() for t in duckdb_tables(con) if t not in NOT_LOADED}


# --- helpers ----------------------------------------------------------------------------------


def _eq(series: pd.Series, value: Any) -> pd.Series:
    """series = value as SQL filters it: NULL never matches."""
    return series.eq(value).fillna(False).astype(bool)


def _opt(frame: pd.DataFrame, column: str, value: Any) -> pd.DataFrame:
    """`$value is null or column = $value`."""
    return frame if value is None else frame[_eq(frame[column], value)]


def _in_years(year: pd.Series, y0: Any, y1: Any) -> pd.Series:
    mask = pd.Series(True, index=year.index)
    if y0 is not None:
        mask &= (year >= y0).fillna(False).astype(bool)
    if y1 is not None:
        mask &= (year <= y1).fillna(False).astype(bool)
    return mask


def _str_agg(values: Iterable[Any], sep: str, distinct: bool = False) -> Any:
    """string_agg over values already in the wanted order; NULLs skipped, NULL when none."""
    out: list[str] = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            continue
        s = _sql_text(v)
        if distinct and s in out:
            continue
        out.append(s)
    return sep.join(out) if out else None


def _sum(series: pd.Series) -> Any:
    return series.sum(min_count=1)


def _nullif0(series: pd.Series) -> pd.Series:
    return series.where(series != 0)


def _concat(*parts: pd.Series | str) -> pd.Series:
    """SQL `a || b`: NULL when any part is NULL; numbers as their SQL text (2021, not 2021.0)."""
    index = next(p.index for p in parts if isinstance(p, pd.Series))
    out = pd.Series("", index=index, dtype=object)
    null = pd.Series(False, index=index)
    for part in parts:
        if isinstance(part, str):
            out = out + part
            continue
        null |= part.isna()
        text = part.astype(object).where(part.notna(), "")
        out = out + text.map(_sql_text)
    return out.where(~null, None)


def _sql_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _short_file(series: pd.Series) -> pd.Series:
    # the seed number of `NNN_<hash>.txt`, an import's whole file name (as the queries do)
    return (
        series.astype(object)
        .where(series.notna(), None)
        .str.replace(SEED_FILE_SQL, r"\1", regex=True)
    )


def _coalesce(*series: pd.Series | Any) -> pd.Series:
    out = series[0]
    for s in series[1:]:
        out = out.where(out.notna(), s)
    return out


def _group(frame: pd.DataFrame, keys: list[str]) -> Any:
    return frame.groupby(keys, dropna=False, sort=False)


def _null_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


# --- boundary views (provinces as issued or as since 1/7/2025) -------------------------------

# `collate vi`: the product's own Vietnamese sort key (as ICU's `vi` collation orders names)
_vi_key = vietnamese_key


def _vi_join(values: Iterable[Any]) -> Any:
    """string_agg(distinct x, ', ' order by x collate vi)."""
    names = {v for v in values if isinstance(v, str)}
    return ", ".join(sorted(names, key=_vi_key)) if names else None


def _names(f: Frames, boundary: str) -> dict[str, str]:
    """The name each written province counts under in the boundary view (the `names` CTE)."""
    pr = f["provinces"]
    view = pr["successor"] if boundary == "current" else pr["province"]
    return dict(zip(pr["province"], view, strict=True))


def _members(f: Frames) -> dict[str, list[str]]:
    """Every successor's old provinces (`provinces as r on r.successor = ...`)."""
    pr = f["provinces"][["province", "successor"]].dropna()
    return {k: list(g["province"]) for k, g in pr.groupby("successor", sort=False)}


def _missing(f: Frames, boundary: str, series: pd.DataFrame, held: pd.Series) -> pd.Series:
    """missing_from of each series: the successor's old provinces it holds nothing of, for a
    series before the merger under 'current' (`held`: the set of names each series holds)."""
    if boundary != "current":
        return pd.Series(None, index=series.index, dtype=object)
    members = _members(f)
    out = []
    for province, before, names in zip(
        series["province"], series["before_merger"], held, strict=True
    ):
        before = isinstance(before, bool | np.bool_) and bool(before)
        gone = [m for m in members.get(province, []) if m not in names] if before else []
        out.append(_vi_join(gone))
    return pd.Series(out, index=series.index, dtype=object)


def _summed_from(boundary: str, series: pd.DataFrame, names: pd.Series) -> pd.Series:
    """`case when $boundary = 'current' and names != province then names end`."""
    keep = (names != series["province"]) & names.notna() & (boundary == "current")
    return names.where(keep, None).astype(object)


# --- support aggregations (from the records) --------------------------------------------------


def _with_area(r: pd.DataFrame, f: Frames) -> pd.DataFrame:
    """Records with their content area: the one written on them, else their task's."""
    m = f["content_area_map"][["programme_id", "task_code", "content_area"]]
    r = r.merge(m, on=["programme_id", "task_code"], how="left", suffixes=("", "_task"))
    # a NULL task_code never matches (SQL `using`); pandas would match NaN keys with NaN keys
    task = r["content_area_task"].where(r["task_code"].notna(), None)
    return r.assign(content_area=_coalesce(r["content_area"], task)).drop(
        columns="content_area_task"
    )


def _counted(f: Frames) -> pd.DataFrame:
    """The support records every amount and count is summed over: all but the cancelled."""
    r = f["support_records"]
    return r[r["status"] != "cancelled"]


def _records(
    f: Frames,
    p: dict[str, Any],
    need_area: bool,
    by_written: bool = False,
    cancelled: bool = False,
) -> pd.DataFrame:
    """Support records in the filter, `province` in the boundary view and `written` the name on
    the record; with their content area when asked or filtered on; cancelled ones only when
    asked. The chosen provinces are names in the view; `by_written`: turned into the written
    names they hold first (as support_top_establishments does), else matched against each
    record's name in the view."""
    r = f["support_records"] if cancelled else _counted(f)
    names = _names(f, p.get("boundary", "current"))
    mask = _in_years(r["year"], p.get("y0"), p.get("y1"))
    if p.get("provinces") is not None:
        if by_written:
            chosen = [w for w, v in names.items() if v in set(p["provinces"])]
            mask &= r["province"].isin(chosen)
        else:
            view = r["province"].map(names).fillna(r["province"])
            mask &= view.isin(p["provinces"])
    r = r[mask]
    r = r.assign(written=r["province"], province=r["province"].map(names).fillna(r["province"]))
    if need_area or p.get("content_area") is not None:
        r = _opt(_with_area(r, f), "content_area", p.get("content_area"))
    return r


def _merger_year(f: Frames) -> Any:
    """The year of 1/7/2025 (max(provinces.changed_on)); None when no date is known."""
    last = pd.to_datetime(f["provinces"]["changed_on"]).max()
    return None if pd.isna(last) else int(last.year)


def support_by_province(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    boundary = p.get("boundary", "current")
    r = _records(f, p, need_area=False)
    merger_year = _merger_year(f)
    before = (
        (r["year"] < merger_year if merger_year is not None else pd.Series(False, index=r.index))
        .fillna(False)
        .astype(bool)
    )
    g = r.groupby("province", sort=False)
    # an establishment is its establishment_id, once in each row it has records in
    est = r[["province", "establishment_id"]].drop_duplicates()
    out = pd.DataFrame(
        {
            "records": g.size(),
            "establishments": est.groupby("province", sort=False).size(),
            "amount_mvnd": g["amount_mvnd"].sum(),
            "beneficiaries": g["beneficiaries"].sum(min_count=1),
            "before_merger": before.groupby(r["province"], sort=False).any(),
        }
    )
    # the old provinces a row holds records of: another name, or its own before the merger year
    old = r[(r["written"] != r["province"]) | before][["province", "written"]].drop_duplicates()
    og = old.groupby("province", sort=False)["written"]
    out["old_names"] = og.agg(_vi_join)
    out["held"] = og.agg(set)
    out = out.reset_index()
    out["held"] = out["held"].map(lambda h: h if isinstance(h, set) else set())
    total = out["amount_mvnd"].sum()
    out["share_pct"] = 100 * out["amount_mvnd"] / total if total else np.nan
    out["summed_from"] = _summed_from(boundary, out, out["old_names"])
    out["missing_from"] = _missing(f, boundary, out, out["held"])
    out["_order"] = out["amount_mvnd"].round(6)
    out = out.sort_values(["_order", "province"], ascending=[False, True])
    cols = [
        "province", "records", "establishments", "amount_mvnd", "beneficiaries", "share_pct",
        "summed_from", "missing_from",
    ]  # fmt: skip
    return out[cols].reset_index(drop=True)


def support_by_year(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _records(f, p, need_area=False)
    return _totals(r.groupby("year"))


def support_by_area(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _records(f, p, need_area=True)
    out = _with_share(_totals(_group(r, ["content_area"])))
    return out.sort_values("content_area", na_position="last").reset_index(drop=True)


def support_by_source(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _records(f, p, need_area=False)
    return _with_share(_totals(_group(r, ["funding_source"])))


def _district_places(r: pd.DataFrame) -> pd.DataFrame:
    """`ward`: for a record without a district, its ward since 1/7/2025, else its commune."""
    ward = _coalesce(r["ward_current"], r["commune"]).where(r["district"].isna(), None)
    return r.assign(ward=ward)


def support_by_district(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _district_places(_records(f, p, need_area=False))
    out = _totals(_group(r, ["province", "written", "district", "ward"]))
    out = _with_share(out.rename(columns={"written": "province_written"}))
    province = out.groupby("province")["amount_mvnd"].transform("sum")
    out["province_share_pct"] = 100 * out["amount_mvnd"] / _nullif0(province)
    return out


def support_status_counts(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _records(f, p, need_area=False, cancelled=True)
    g = r.groupby("status")
    return pd.DataFrame({"records": g.size(), "amount_mvnd": g["amount_mvnd"].sum()}).reset_index()


def support_sources(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _records(f, p, need_area=False, cancelled=True)
    r = r.assign(
        counted=(r["status"] != "cancelled").astype(int),
        cancelled=(r["status"] == "cancelled").astype(int),
    )
    g = _group(r, ["import_id", "source_file"])
    return pd.DataFrame(
        {"records": g["counted"].sum(), "cancelled": g["cancelled"].sum()}
    ).reset_index()


def _shown(f: Frames) -> pd.DataFrame:
    """support_establishments: each establishment's number, the name and province written on
    its most recent record, its totals (see the query's header for the order)."""
    r = _counted(f)
    order = r.sort_values(
        ["year", "made_on", "import_id", "source_line", "establishment", "province"],
        ascending=[False, False, False, False, True, True],
        na_position="last",
        kind="stable",
    )
    latest = order.drop_duplicates("establishment_id")[
        ["establishment_id", "establishment", "province"]
    ]
    g = r.groupby("establishment_id")
    totals = pd.DataFrame(
        {
            "records": g.size(),
            "names_written": g["establishment"].nunique(),
            "amount_mvnd": g["amount_mvnd"].sum(),
            "beneficiaries": g["beneficiaries"].sum(min_count=1),
        }
    ).reset_index()
    out = totals.merge(latest, on="establishment_id").sort_values(
        ["province", "establishment", "establishment_id"]
    )
    out.insert(0, "establishment_no", np.arange(1, len(out) + 1))
    cols = [
        "establishment_no", "establishment_id", "establishment", "province", "records",
        "names_written", "amount_mvnd", "beneficiaries",
    ]  # fmt: skip
    return out[cols].reset_index(drop=True)


def support_top_establishments(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _records(f, p, need_area=False, by_written=True)
    shown = _shown(f).set_index("establishment_id")
    out = _totals(r.groupby("establishment_id", sort=False))
    out["establishment_no"] = out["establishment_id"].map(shown["establishment_no"])
    out["_order"] = out["amount_mvnd"].round(6)
    out = out.sort_values(["_order", "establishment_no"], ascending=[False, True])
    if p.get("limit") is not None:
        out = out.head(int(p["limit"]))
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out["establishment"] = out["establishment_id"].map(shown["establishment"])
    placed = r.groupby("establishment_id")
    out["province"] = out["establishment_id"].map(placed["province"].agg(_vi_join))
    out["province_written"] = out["establishment_id"].map(placed["written"].agg(_vi_join))
    # the rows each file holds, cell by cell (year, province written, area), as the SQL joins
    cited = _with_area(r[r["establishment_id"].isin(out["establishment_id"])], f)
    cited = cited[cited["source_line"].notna()]
    cited = cited.assign(_area_null=cited["content_area"].isna()).sort_values(
        ["year", "written", "_area_null", "content_area", "source_line"]
    )
    refs: dict[Any, tuple[str, str]] = {}
    for ident, part in cited.groupby("establishment_id", sort=False):
        files = sorted(part["source_file"].dropna().unique())
        lines = [
            ";".join(str(int(v)) for v in part.loc[part["source_file"] == name, "source_line"])
            for name in files
        ]
        refs[ident] = ("/".join(files), "/".join(lines))
    out["source_files"] = out["establishment_id"].map(lambda i: refs.get(i, (None, None))[0])
    out["source_lines"] = out["establishment_id"].map(lambda i: refs.get(i, (None, None))[1])
    cols = [
        "rank", "province", "establishment", "records", "amount_mvnd", "beneficiaries",
        "province_written", "establishment_id", "source_files", "source_lines",
    ]  # fmt: skip
    return out[cols]


def support_yoy(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _records(f, p, need_area=False)
    y = r.groupby(["province", "year"])["amount_mvnd"].sum().reset_index()
    prev = y.rename(columns={"amount_mvnd": "prev_amount_mvnd"})
    prev["year"] = prev["year"] + 1
    out = y.merge(prev, on=["province", "year"], how="left")
    out["change_pct"] = (
        100 * (out["amount_mvnd"] - out["prev_amount_mvnd"]) / _nullif0(out["prev_amount_mvnd"])
    )
    return out.sort_values(["province", "year"]).reset_index(drop=True)


def _totals(g: Any) -> pd.DataFrame:
    """records, amount_mvnd and beneficiaries of each group, the keys as columns."""
    return pd.DataFrame(
        {
            "records": g.size(),
            "amount_mvnd": g["amount_mvnd"].sum(),
            "beneficiaries": g["beneficiaries"].sum(min_count=1),
        }
    ).reset_index()


def _with_share(out: pd.DataFrame) -> pd.DataFrame:
    total = out["amount_mvnd"].sum()
    return out.assign(share_pct=100 * out["amount_mvnd"] / total if total else np.nan)


def support_cells(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _with_area(_counted(f), f)
    return _totals(_group(r, ["province", "year", "content_area", "funding_source"]))


def support_status_cells(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _with_area(f["support_records"], f)
    g = _group(r, ["province", "year", "content_area", "status", "import_id", "source_file"])
    return pd.DataFrame({"records": g.size(), "amount_mvnd": g["amount_mvnd"].sum()}).reset_index()


def support_district_cells(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _district_places(_with_area(_counted(f), f))
    return _totals(_group(r, ["province", "district", "ward", "year", "content_area"]))


def support_establishments(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    return _shown(f)


def _numbered(f: Frames) -> pd.DataFrame:
    """The counted records with their area and their establishment's number."""
    ids = _shown(f)[["establishment_no", "establishment_id"]]
    return _with_area(_counted(f), f).merge(ids, on="establishment_id")


def support_establishment_cells(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _numbered(f)
    return _totals(_group(r, ["establishment_no", "province", "content_area", "year"]))


def support_establishment_sources(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _numbered(f)
    r = r[r["source_line"].notna()].sort_values("source_line")
    keys = ["establishment_no", "province", "content_area", "year", "source_file"]
    lines = _group(r, keys)["source_line"].agg(lambda v: ";".join(str(int(x)) for x in v))
    return lines.rename("source_lines").reset_index()


def support_establishment_bounds(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    out = support_establishment_cells(f, p)
    out["bound_mvnd"] = out.groupby("establishment_no")["amount_mvnd"].transform("sum")
    out["area_bound_mvnd"] = _group(out, ["establishment_no", "content_area"])[
        "amount_mvnd"
    ].transform("sum")
    out["year_bound_mvnd"] = out.groupby(["establishment_no", "year"])["amount_mvnd"].transform(
        "sum"
    )
    # ranked on the amount rounded to 1 đồng, as the SQL does (float sums differ in the last
    # bit), among the establishments with records in each province (and year, and area)
    for rank, bound, within in (
        ("bound_rank", "bound_mvnd", ["province"]),
        ("year_rank", "year_bound_mvnd", ["province", "year"]),
        ("area_rank", "area_bound_mvnd", ["province", "content_area"]),
    ):
        keys = ["establishment_no", *within]
        est = out.drop_duplicates(keys)[[*keys, bound]]
        est = est.assign(rounded=est[bound].round(6)).sort_values(
            [*within, "rounded", "establishment_no"],
            ascending=[*(True for _ in within), False, True],
        )
        est[rank] = _group(est, within).cumcount() + 1
        # a NULL area is one partition of its own, as SQL's `partition by` has it
        out = out.merge(est[[*keys, rank]], on=keys)
    return out


def support_year_gaps(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _with_area(_counted(f), f)
    successor = _names(f, "current")
    parts = []
    for boundary in ("as_issued", "current"):
        placed = r
        if boundary == "current":
            placed = r.assign(province=r["province"].map(successor).fillna(r["province"]))
        for per_area, keys in (
            (False, ["province", "establishment_id"]),
            (True, ["province", "establishment_id", "content_area"]),
        ):
            d = placed[[*keys, "year"]].drop_duplicates().sort_values([*keys, "year"])
            d["prev_year"] = _group(d, keys)["year"].shift(1)
            group_keys = (
                ["province", "content_area", "year", "prev_year"]
                if per_area
                else ["province", "year", "prev_year"]
            )
            counts = _group(d, group_keys).size().rename("establishments").reset_index()
            counts["per_area"] = per_area
            counts["boundary"] = boundary
            if not per_area:
                counts["content_area"] = None
            parts.append(counts)
    out = pd.concat(parts, ignore_index=True)
    cols = ["boundary", "province", "per_area", "content_area", "year", "prev_year",
            "establishments"]  # fmt: skip
    return out[cols]


def support_programme_cells(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    # every record, cancelled ones too; the content area as written (no content_area_map)
    keys = ["programme_id", "year", "task_code", "funding_source", "content_area", "status",
            "import_id", "source_file"]  # fmt: skip
    g = _group(f["support_records"], keys)
    out = _totals(g)
    out["source_line"] = g["source_line"].min().to_numpy()
    return out


def support_programme_establishments(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    g = _counted(f).groupby(["programme_id", "establishment_id"])
    out = pd.DataFrame(
        {
            "establishment": g["establishment"].min(),
            "district": g["district"].min(),
            "commune": g["commune"].min(),
            "records": g.size(),
            "amount_mvnd": g["amount_mvnd"].sum(),
            "beneficiaries": g["beneficiaries"].sum(min_count=1),
            "first_year": g["year"].min(),
            "last_year": g["year"].max(),
        }
    ).reset_index()
    total = out.groupby("programme_id")["amount_mvnd"].transform("sum")
    out["share_pct"] = 100.0 * out["amount_mvnd"] / _nullif0(total)
    out["_order"] = out["amount_mvnd"].round(6)
    out = out.sort_values(["programme_id", "_order", "establishment_id"],
                          ascending=[True, False, True])  # fmt: skip
    out["rank"] = out.groupby("programme_id").cumcount() + 1
    cols = [
        "programme_id", "rank", "establishment_id", "establishment", "district", "commune",
        "records", "amount_mvnd", "share_pct", "beneficiaries", "first_year", "last_year",
    ]  # fmt: skip
    return out[cols]


# --- budget and programme queries -------------------------------------------------------------


def area_choices(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    lists = f["content_area_lists"]
    known = lists[_eq(lists["list_known"], "yes")].sort_values("valid_from", ascending=False)
    ca, s = f["content_areas"], f["sections"]
    ca = ca[_eq(ca["list_id"], known["list_id"].iloc[0])]  # the latest list the data holds
    common = pd.DataFrame(
        {
            "mode": "content_area",
            "programme_id": None,
            "code": ca["code"],
            "name_vi": ca["name_vi"],
            "name_en": ca["name_en"],
            "sort_key": ca["code"],
        }
    )
    own = pd.DataFrame(
        {
            "mode": "section",
            "programme_id": s["programme_id"],
            "code": s["section_code"],
            "name_vi": s["section_name"],
            "name_en": s["section_name"],
            "sort_key": s["csv_line"].astype(str).str.zfill(6).str[:6],
        }
    )
    out = pd.concat([common, own], ignore_index=True)
    return out.sort_values(["mode", "programme_id", "sort_key"]).reset_index(drop=True)


def budget_alloc_programme(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    chosen = _opt(f["programmes"], "programme_id", p["programme_id"])
    bl = f["budget_lines"]
    inrange = bl[_in_years(bl["year"], p["year_from"], p["year_to"])]
    g = bl.groupby("programme_id")
    lines = pd.DataFrame({"n_lines": g.size(), "lines_total_mvnd": g["amount_mvnd"].sum()})
    gr = inrange.groupby("programme_id")
    lines["range_total_mvnd"] = gr["amount_mvnd"].sum(min_count=1)
    lines["range_years"] = gr["year"].nunique()
    out = chosen.merge(lines.reset_index(), on="programme_id", how="left")
    out["n_lines"] = out["n_lines"].fillna(0)
    out["range_years"] = out["range_years"].fillna(0)
    cols = [
        "programme_id", "province", "title", "title_en", "period_start", "period_end",
        "stated_total_mvnd", "stated_total_printed", "source_file", "source_line", "n_lines",
        "lines_total_mvnd", "range_total_mvnd", "range_years",
    ]  # fmt: skip
    return out[cols].sort_values("programme_id").reset_index(drop=True)


def _grouped(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    g = f["budget_lines_grouped"]
    g = g[_eq(g["mode"], p["area_mode"] or "section")]
    g = _opt(g, "programme_id", p["programme_id"])
    return g[_in_years(g["year"], p["year_from"], p["year_to"])]


def budget_alloc_shares(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    g = _grouped(f, p)
    gg = _group(g, ["programme_id", "group_key"])
    totals = pd.DataFrame(
        {
            "label_vi": gg["group_label_vi"].first(),
            "label_en": gg["group_label_en"].first(),
            "sort_order": gg["group_order"].first(),
            "amount_mvnd": gg["amount_mvnd"].sum(min_count=1),
            "source_file": gg["source_file"].first(),
        }
    ).reset_index()
    totals = totals.rename(columns={"group_key": "key"})
    per_prog = _group(totals, ["programme_id"])["amount_mvnd"].transform("sum")
    totals["programme_share_pct"] = 100.0 * totals["amount_mvnd"] / _nullif0(per_prog)
    filtered = _opt(totals, "key", p["area"]).copy()
    per_prog = _group(filtered, ["programme_id"])["amount_mvnd"].transform("sum")
    filtered["share_pct"] = 100.0 * filtered["amount_mvnd"] / _nullif0(per_prog)
    st = f["stated_totals"].merge(
        f["programmes"][["programme_id", "period_start", "period_end"]], on="programme_id"
    )
    keep = _eq(st["scope"], "section") & st["year"].isna() & _eq(st["measure"], "amount_mvnd")
    keep &= st["funding_source"].isna()
    if (p["area_mode"] or "section") != "section":
        keep &= False
    if p["year_from"] is not None:
        keep &= (st["period_start"] >= p["year_from"]).fillna(False).astype(bool)
    if p["year_to"] is not None:
        keep &= (st["period_end"] <= p["year_to"]).fillna(False).astype(bool)
    st = st[keep]
    stated = pd.DataFrame(
        {
            "programme_id": st["programme_id"],
            "key": st["section_code"],
            "stated_mvnd": st["stated_value"],
            "stated_printed": st["printed_text"],
            "stated_source": _concat(_short_file(st["source_file"]), ":", st["source_line"]),
        }
    )
    stated = stated[stated["key"].notna()]
    out = filtered.merge(stated, on=["programme_id", "key"], how="left")
    out["difference_mvnd"] = out["stated_mvnd"] - out["amount_mvnd"]
    cols = [
        "programme_id", "key", "label_vi", "label_en", "sort_order", "amount_mvnd", "share_pct",
        "programme_share_pct", "stated_mvnd", "stated_printed", "difference_mvnd",
        "stated_source", "source_file",
    ]  # fmt: skip
    return out[cols].sort_values(["programme_id", "sort_order"]).reset_index(drop=True)


def budget_alloc_tree(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    g = _opt(_grouped(f, p), "group_key", p["area"])
    keys = ["programme_id", "group_key", "section_code", "task_code"]
    gg = _group(g, keys)
    out = pd.DataFrame(
        {
            "group_label_vi": gg["group_label_vi"].first(),
            "group_label_en": gg["group_label_en"].first(),
            "group_order": gg["group_order"].first(),
            "task_name": gg["task_name"].first(),
            "task_order": gg["task_order"].first(),
            "first_year": gg["year"].min(),
            "last_year": gg["year"].max(),
            "amount_mvnd": gg["amount_mvnd"].sum(min_count=1),
            "source_file": gg["source_file"].first(),
            "source_line": gg["source_line"].agg(
                lambda s: _str_agg(sorted(s.dropna().unique()), ";")
            ),
        }
    ).reset_index()
    cols = [
        "programme_id", "group_key", "group_label_vi", "group_label_en", "group_order",
        "section_code", "task_code", "task_name", "task_order", "first_year", "last_year",
        "amount_mvnd", "source_file", "source_line",
    ]  # fmt: skip
    return (
        out[cols].sort_values(["programme_id", "group_order", "task_order"]).reset_index(drop=True)
    )


def budget_alloc_years(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    g = _opt(_grouped(f, p), "group_key", p["area"])
    g = g.assign(_derived=_eq(g["amount_basis"], "derived").astype(int))
    gg = _group(g, ["programme_id", "year", "group_key"])
    out = pd.DataFrame(
        {
            "group_label_vi": gg["group_label_vi"].first(),
            "group_label_en": gg["group_label_en"].first(),
            "group_order": gg["group_order"].first(),
            "amount_mvnd": gg["amount_mvnd"].sum(min_count=1),
            "n_derived_cells": gg["_derived"].sum(),
            "source_file": gg["source_file"].first(),
        }
    ).reset_index()
    cols = [
        "programme_id", "year", "group_key", "group_label_vi", "group_label_en", "group_order",
        "amount_mvnd", "n_derived_cells", "source_file",
    ]  # fmt: skip
    return out[cols].sort_values(["programme_id", "year", "group_order"]).reset_index(drop=True)


def budget_lines(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    a = f["budget_amounts"]
    t = f["tasks"][["programme_id", "task_code", "section_code", "task_name", "unit", "csv_line"]]
    s = f["sections"][["programme_id", "section_code", "section_name", "csv_line"]]
    m = f["content_area_map"][["programme_id", "task_code", "content_area"]]
    out = a.merge(t.rename(columns={"csv_line": "task_order"}), on=["programme_id", "task_code"])
    out = out.merge(
        s.rename(columns={"csv_line": "section_order"}), on=["programme_id", "section_code"]
    )
    out = out.merge(m, on=["programme_id", "task_code"], how="left")
    out = out.rename(columns={"basis": "amount_basis", "unit": "quantity_unit"})
    cols = [
        "programme_id", "section_code", "section_name", "task_code", "task_name",
        "content_area", "year", "amount_mvnd", "amount_printed", "amount_basis",
        "funding_source", "quantity", "quantity_unit", "source_file", "source_line",
        "section_order", "task_order",
    ]  # fmt: skip
    keys = ["programme_id", "section_order", "task_order", "year", "funding_source"]
    return out[cols].sort_values(keys)


def budget_lines_grouped(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    bl = f["budget_lines"]
    by_section = bl.copy()
    by_section.insert(0, "mode", "section")
    by_section["group_key"] = bl["section_code"]
    by_section["group_label_vi"] = bl["section_name"]
    by_section["group_label_en"] = bl["section_name"]
    by_section["group_order"] = bl["section_order"]
    a = f["content_areas"][["code", "name_vi", "name_en", "csv_line"]]
    joined = bl.merge(a, left_on="content_area", right_on="code", how="left")
    by_area = bl.copy()
    by_area.insert(0, "mode", "content_area")
    by_area["group_key"] = bl["content_area"].fillna("?").to_numpy()
    by_area["group_label_vi"] = joined["name_vi"].fillna("Chưa gán lĩnh vực").to_numpy()
    by_area["group_label_en"] = joined["name_en"].fillna("No content area").to_numpy()
    by_area["group_order"] = joined["csv_line"].fillna(999).to_numpy()
    return pd.concat([by_section, by_area], ignore_index=True)


def budget_shares(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    bl = f["budget_lines"]
    gs = _group(bl, ["programme_id", "section_code"])
    by_section = pd.DataFrame(
        {"label": gs["section_name"].first(), "amount_mvnd": gs["amount_mvnd"].sum(min_count=1)}
    ).reset_index()
    by_section = by_section.rename(columns={"section_code": "key"})
    by_section["level"] = "section"
    a = f["content_areas"][["code", "name_vi"]]
    j = bl.merge(a, left_on="content_area", right_on="code", how="left")
    j["key"] = j["content_area"].fillna("?")
    ga = _group(j, ["programme_id", "key"])
    by_area = pd.DataFrame(
        {"label": ga["name_vi"].first(), "amount_mvnd": ga["amount_mvnd"].sum(min_count=1)}
    ).reset_index()
    by_area["label"] = by_area["label"].fillna("Chưa gán lĩnh vực")
    by_area["level"] = "content_area"
    out = pd.concat([by_section, by_area], ignore_index=True)
    total = _group(out, ["programme_id", "level"])["amount_mvnd"].transform("sum")
    out["share_pct"] = 100.0 * out["amount_mvnd"] / _nullif0(total)
    cols = ["programme_id", "level", "key", "label", "amount_mvnd", "share_pct"]
    return out[cols].sort_values(["programme_id", "level", "key"]).reset_index(drop=True)


def filter_choices(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    g = f["budget_lines"].groupby("programme_id")["year"]
    years = pd.DataFrame({"first_year": g.min(), "last_year": g.max()}).reset_index()
    years["_has"] = True
    out = f["programmes"].merge(years, on="programme_id", how="left")
    out["first_year"] = _coalesce(out["first_year"], out["period_start"])
    out["last_year"] = _coalesce(out["last_year"], out["period_end"])
    out["has_lines"] = out["_has"].notna()
    pp = f["programme_provinces"]
    now = pp[_eq(pp["boundary"], "current")][["programme_id", "province"]]
    out = out.merge(now.rename(columns={"province": "province_now"}), on="programme_id")
    cols = [
        "programme_id", "province", "province_now", "kind", "title", "title_en", "period_start",
        "period_end", "first_year", "last_year", "has_lines",
    ]  # fmt: skip
    return out[cols].sort_values(["province", "period_start", "programme_id"])


def percentage_checks(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    sp = f["stated_percentages"]
    # the figures of the percentage's own year, section and task (null matching null, as
    # `is not distinct from`: pandas merges missing keys with missing keys)
    scope = ["year", "section_code", "task_code"]
    be = f["budget_execution"][["programme_id", "measure", "amount_mvnd", *scope]]
    out = sp.merge(
        be.rename(columns={"measure": "numerator", "amount_mvnd": "_num"}),
        on=["programme_id", "numerator", *scope],
    ).merge(
        be.rename(columns={"measure": "denominator", "amount_mvnd": "_den"}),
        on=["programme_id", "denominator", *scope],
    )
    num, den = out["_num"].astype(float), out["_den"].astype(float)
    stated = out["stated_pct"].astype(float)
    out["computed_pct"] = 100.0 * num / _nullif0(den)
    out["difference"] = stated - out["computed_pct"]
    out["tolerance"] = 0.5 * np.power(10.0, -out["stated_pct_decimals"].astype(float))
    ok = (stated - 100.0 * num / den).abs() <= out["tolerance"] + 1e-9
    out["status"] = np.where(
        den.isna() | (den == 0), "not_checkable", np.where(ok.fillna(False), "ok", "differs")
    )
    cols = [
        "programme_id", "location", "location_en", "numerator", "denominator", "printed_text",
        "stated_pct", "computed_pct", "difference", "tolerance", "status", "context", "note",
        "source_file", "source_line", "year", "section_code", "task_code",
    ]  # fmt: skip
    # results printing both a target and a percentage: achieved / target
    r = f["results"]
    r = r[r["stated_pct"].notna() & r["target_printed"].notna()].copy()
    ach, tgt = r["achieved"].astype(float), r["target_printed"].astype(float)
    rstated = r["stated_pct"].astype(float)
    year = _concat(" (", r["year"], ")").fillna("")
    r["location"] = "Kết quả: " + r["indicator"] + year
    r["location_en"] = "Result: " + r["indicator_en"] + year
    r["section_code"], r["task_code"] = None, None
    r["numerator"], r["denominator"] = "achieved", "target"
    r["printed_text"] = r["stated_pct_text"]
    r["computed_pct"] = 100.0 * ach / _nullif0(tgt)
    r["difference"] = rstated - r["computed_pct"]
    r["tolerance"] = 0.5 * np.power(10.0, -r["stated_pct_decimals"].astype(float))
    rok = (rstated - 100.0 * ach / _nullif0(tgt)).abs() <= r["tolerance"] + 1e-9
    r["status"] = np.where(tgt == 0, "not_checkable", np.where(rok.fillna(False), "ok", "differs"))
    r["context"] = r["achieved_text"] + " / " + r["target_text"].fillna("")
    both = pd.concat([out[cols], r[cols]], ignore_index=True) if len(r) else out[cols]
    return both.sort_values(["programme_id", "location"])


def period_comparable(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    pr = f["programmes"][["programme_id", "period_start", "period_end"]]
    mapping = (
        f["comparable_targets"]
        .merge(pr, on="programme_id")
        .merge(_in_view(f, p["boundary"]), on="programme_id")
    )
    mapping = _opt(mapping, "province", p["province"])
    key = ["comparable_indicator", "programme_id"]
    r = f["target_results"].drop(columns=["comparable_indicator"])
    ach = mapping[[*key, "result_code"]].merge(r, on=["programme_id", "result_code"])
    achieved = pd.DataFrame(
        {
            "comparable_indicator": ach["comparable_indicator"],
            "programme_id": ach["programme_id"],
            "measure": "achieved",
            "value_min": ach["achieved"],
            "value_max": ach["achieved"],
            "qualifier": ach["achieved_qualifier"],
            "unit": ach["unit"],
            "value_text": ach["achieved_text"],
            "target_basis": ach["target_basis"],
            "target_min": ach["target_min"],
            "target_max": ach["target_max"],
            "target_point": ach["target_point"],
            "achievement_pct": ach["achievement_pct"],
            "stated_pct": ach["stated_pct"],
        }
    )
    t = f["targets"]
    pl = mapping[[*key, "target_unit", "task_code", "goal_code"]].merge(
        t,
        left_on=["programme_id", "target_unit"],
        right_on=["programme_id", "unit"],
        suffixes=("_m", ""),
    )
    hit = (pl["task_code"].notna() & (pl["task_code"] == pl["task_code_m"])) | (
        pl["goal_code"].notna() & (pl["goal_code"] == pl["goal_code_m"])
    )
    pl = pl[hit.fillna(False).astype(bool)]
    planned = pd.DataFrame(
        {
            "comparable_indicator": pl["comparable_indicator"],
            "programme_id": pl["programme_id"],
            "measure": "target",
            "value_min": pl["target_min"],
            "value_max": pl["target_max"],
            "qualifier": pl["qualifier"],
            "unit": pl["unit"],
            "value_text": pl["quantity_text"],
            "target_basis": None,
            "target_min": np.nan,
            "target_max": np.nan,
            "target_point": np.nan,
            "achievement_pct": np.nan,
            "stated_pct": np.nan,
        }
    )
    bl = f["budget_lines"][["programme_id", "task_code", "amount_mvnd"]]
    bud = mapping[[*key, "budget_task_code"]].merge(
        bl, left_on=["programme_id", "budget_task_code"], right_on=["programme_id", "task_code"]
    )
    budgets = _group(bud, key)["amount_mvnd"].sum(min_count=1).rename("budget_mvnd").reset_index()
    values = pd.concat([achieved, planned], ignore_index=True)
    out = mapping.merge(values, on=key, how="left", suffixes=("_map", "")).merge(
        budgets, on=key, how="left"
    )
    out["period_label"] = _concat(out["period_start"], "-", out["period_end"])
    vmin, vmax = out["value_min"].astype(float), out["value_max"].astype(float)
    exact = _eq(out["qualifier"], "exact") & (vmin == vmax) & (vmin > 0)
    out["unit_cost_mvnd"] = (out["budget_mvnd"] / vmin).where(exact)
    out["indicator_order"] = _group(out, ["comparable_indicator"])["csv_line"].transform("min")
    cols = [
        "comparable_indicator", "label_vi", "label_en", "programme_id", "province",
        "province_as_issued", "period_start", "period_end", "period_label", "measure",
        "value_min", "value_max",
        "qualifier", "unit", "value_text", "target_basis", "target_min", "target_max",
        "target_point", "achievement_pct", "stated_pct", "budget_task_code", "budget_mvnd",
        "unit_cost_mvnd", "reason", "source_file", "source_line", "indicator_order",
    ]  # fmt: skip
    return out[cols].sort_values(["indicator_order", "province", "period_start"])


def period_price_years(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    return f["cpi"][["year", "cpi_change_pct", "source"]].sort_values("year")


def _in_view(f: Frames, boundary: str) -> pd.DataFrame:
    """programme_id, province (in the boundary view) and province_as_issued."""
    pp = f["programme_provinces"]
    return pp[_eq(pp["boundary"], boundary)][["programme_id", "province", "province_as_issued"]]


def _in_periods(f: Frames, programmes: pd.DataFrame) -> pd.DataFrame:
    """programme_id, in_period_start, in_period_end: the listed period a programme's first year
    falls in, else a period of its own years (queries/period_programmes.sql)."""
    periods = f["periods"][["period_start", "period_end"]]
    pairs = programmes[["programme_id", "period_start", "period_end"]].merge(
        periods, how="cross", suffixes=("", "_r")
    )
    inside = pairs[
        (pairs["period_start_r"] <= pairs["period_start"])
        & (pairs["period_start"] <= pairs["period_end_r"])
    ]
    listed = _group(inside, ["programme_id"])[["period_start_r", "period_end_r"]].max()
    out = programmes[["programme_id", "period_start", "period_end"]].merge(
        listed.reset_index(), on="programme_id", how="left"
    )
    own = out[out["period_start_r"].isna()]
    own_end = _group(own, ["period_start"])["period_end"].transform("max")
    out["in_period_start"] = out["period_start_r"].fillna(out["period_start"]).astype("int64")
    out["in_period_end"] = out["period_end_r"].fillna(own_end).astype("int64")
    return out[["programme_id", "in_period_start", "in_period_end"]]


def period_programmes(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    pr = f["programmes"]
    view = _in_view(f, p["boundary"]).rename(columns={"province": "province_view"})
    periods = pr[_eq(pr["kind"], "khuyen_cong")].merge(view, on="programme_id")
    periods = _opt(periods, "province_view", p["province"])
    periods = periods.merge(_in_periods(f, periods), on="programme_id")
    be = _whole_period(f["budget_execution"])
    planned = be[_eq(be["measure"], "planned")][["programme_id", "source_file", "source_line"]]
    out = periods.merge(planned, on="programme_id", how="left", suffixes=("", "_b"))
    out["province"] = out["province_view"]
    out["period_label"] = _concat(out["period_start"], "-", out["period_end"])
    out["in_period_label"] = _concat(out["in_period_start"], "-", out["in_period_end"])
    out["budget_source_file"] = _coalesce(out["source_file_b"], out["source_file"])
    out["budget_source_line"] = _coalesce(out["source_line_b"], out["source_line"])
    out["n_periods"] = _group(out, ["province"])["in_period_start"].transform("nunique")
    cols = [
        "programme_id", "province", "province_as_issued", "period_start", "period_end",
        "period_label", "in_period_start", "in_period_end", "in_period_label", "title",
        "title_en", "stated_total_mvnd", "budget_source_file", "budget_source_line",
        "n_periods",
    ]  # fmt: skip
    return out[cols].sort_values(["province", "period_start", "programme_id"])


def programme_budgets(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    cpi = f["cpi"].sort_values("year")
    idx = np.exp(np.log1p(cpi["cpi_change_pct"].astype(float) / 100).cumsum())
    cpi_index = pd.concat(
        [
            pd.DataFrame({"year": [2010], "idx": [1.0]}),
            pd.DataFrame({"year": cpi["year"].to_numpy(), "idx": idx.to_numpy()}),
        ],
        ignore_index=True,
    )
    price_year = p["price_year"] if p["price_year"] is not None else cpi["year"].max()
    bl, pr, be = f["budget_lines"], f["programmes"], _whole_period(f["budget_execution"])
    y1 = bl.groupby(["programme_id", "year"])["amount_mvnd"].sum(min_count=1).reset_index()
    y1["real_basis"] = "yearly_lines"
    planned = be[_eq(be["measure"], "planned")][["programme_id", "amount_mvnd"]]
    pe = pr.merge(planned, on="programme_id", how="left")
    pe["amount_x"] = _coalesce(pe["amount_mvnd"], pe["stated_total_mvnd"])
    pe = pe[~pe["programme_id"].isin(bl["programme_id"]) & pe["amount_x"].notna()]
    spread = [
        (row.programme_id, year, row.amount_x / (row.period_end - row.period_start + 1))
        for row in pe.itertuples()
        for year in range(int(row.period_start), int(row.period_end) + 1)
    ]
    y2 = pd.DataFrame(spread, columns=["programme_id", "year", "amount_mvnd"])
    y2["real_basis"] = "even_spread"
    yearly = pd.concat([y1, y2], ignore_index=True)
    yearly = yearly.merge(cpi_index.rename(columns={"idx": "_yi"}), on="year", how="left")
    pi = cpi_index.loc[cpi_index["year"] == price_year, "idx"]
    yearly["_pi"] = pi.iloc[0] if len(pi) else np.nan
    yearly["_real"] = yearly["amount_mvnd"] * yearly["_pi"] / yearly["_yi"]
    yearly["_missing"] = yearly["_yi"].isna() | yearly["_pi"].isna()
    yearly = yearly.sort_values(["programme_id", "year"])
    yearly["_missing_year"] = yearly["year"].where(yearly["_missing"])
    g = yearly.groupby("programme_id")
    real = pd.DataFrame(
        {
            "real_basis": g["real_basis"].first(),
            "real_known_mvnd": g["_real"].sum(min_count=1),
            "cpi_missing_years": g["_missing_year"].agg(lambda s: _str_agg(s, ",")),
        }
    ).reset_index()
    real["_price_year"] = price_year
    execution = pd.DataFrame(
        {
            m + "_mvnd": be[_eq(be["measure"], m)].groupby("programme_id")["amount_mvnd"].max()
            for m in ("planned", "allocated", "disbursed")
        }
    )
    execution.index.name = "programme_id"
    execution = execution.reset_index()
    lines = bl.groupby("programme_id")["amount_mvnd"].sum(min_count=1).rename("lines_total_mvnd")
    out = (
        pr.merge(execution, on="programme_id", how="left")
        .merge(lines.reset_index(), on="programme_id", how="left")
        .merge(real, on="programme_id", how="left")
    )
    planned_mvnd = _coalesce(out["planned_mvnd"], out["stated_total_mvnd"], out["lines_total_mvnd"])
    out["planned_basis"] = np.select(
        [
            out["planned_mvnd"].notna(),
            out["stated_total_mvnd"].notna(),
            out["lines_total_mvnd"].notna(),
        ],
        ["execution_report", "stated_total", "budget_lines"],
        default=None,
    )
    out["planned_mvnd"] = planned_mvnd
    denominator = _nullif0(planned_mvnd.astype(float))
    out["allocated_pct_of_planned"] = 100.0 * out["allocated_mvnd"] / denominator
    out["disbursed_pct_of_planned"] = 100.0 * out["disbursed_mvnd"] / denominator
    out["disbursed_pct_of_allocated"] = (
        100.0 * out["disbursed_mvnd"] / _nullif0(out["allocated_mvnd"].astype(float))
    )
    out["planned_real_mvnd"] = out["real_known_mvnd"].where(out["cpi_missing_years"].isna())
    out["planned_real_known_mvnd"] = out["real_known_mvnd"]
    out["price_year"] = _coalesce(out["_price_year"], price_year)
    out = out.merge(_to_date(f["execution_years"]), on="programme_id", how="left")
    cols = [
        "programme_id", "province", "period_start", "period_end", "planned_mvnd",
        "planned_basis", "stated_total_mvnd", "lines_total_mvnd", "allocated_mvnd",
        "disbursed_mvnd", "allocated_pct_of_planned", "disbursed_pct_of_planned",
        "disbursed_pct_of_allocated", "planned_real_mvnd", "planned_real_known_mvnd",
        "cpi_missing_years", "real_basis", "price_year", *TO_DATE,
    ]  # fmt: skip
    return out[cols].sort_values("programme_id")


# programme_budgets' columns of the yearly figures up to the last year reported.
TO_DATE = [
    "execution_basis", "execution_covered", "execution_first_year", "execution_last_year",
    "planned_to_date_mvnd", "allocated_to_date_mvnd", "disbursed_to_date_mvnd",
    "execution_period_planned_mvnd", "disbursed_to_date_pct_of_planned",
    "disbursed_to_date_pct_of_period",
]  # fmt: skip


def _whole_period(be: pd.DataFrame) -> pd.DataFrame:
    """budget_execution's whole-period rows (no year, section or task)."""
    return be[be["year"].isna() & be["section_code"].isna() & be["task_code"].isna()]


def _to_date(x: pd.DataFrame) -> pd.DataFrame:
    """The programme scope of execution_years at its last year reported."""
    x = x[_eq(x["scope"], "programme")]
    reported = x[x["allocated_mvnd"].notna() | x["disbursed_mvnd"].notna()]
    span = reported.groupby("programme_id")["year"].agg(["min", "max"]).reset_index()
    span.columns = ["programme_id", "execution_first_year", "execution_last_year"]
    last = x.merge(
        span, left_on=["programme_id", "year"], right_on=["programme_id", "execution_last_year"]
    )
    last = last.rename(
        columns={
            "basis": "execution_basis",
            "covered": "execution_covered",
            "cum_planned_mvnd": "planned_to_date_mvnd",
            "cum_allocated_mvnd": "allocated_to_date_mvnd",
            "cum_disbursed_mvnd": "disbursed_to_date_mvnd",
            "period_planned_mvnd": "execution_period_planned_mvnd",
            "cum_disbursed_pct_of_planned": "disbursed_to_date_pct_of_planned",
            "cum_disbursed_pct_of_period": "disbursed_to_date_pct_of_period",
        }
    )
    return last[["programme_id", *TO_DATE]]


# --- yearly execution (queries/execution_years.sql and the queries reading it) ---------------

_SCOPE_KEY = ["programme_id", "scope", "scope_code"]
EXECUTION_YEARS_COLUMNS = [
    "programme_id", "scope", "section_code", "section_order", "year", "basis", "covered",
    "scope_planned_mvnd", "planned_mvnd", "allocated_mvnd", "disbursed_mvnd",
    "allocated_pct_of_planned", "disbursed_pct_of_planned", "disbursed_pct_of_allocated",
    "stated_pct_text", "stated_disbursed_pct_of_allocated", "stated_status", "cum_planned_mvnd",
    "cum_allocated_mvnd", "cum_disbursed_mvnd", "period_planned_mvnd",
    "cum_disbursed_pct_of_planned", "cum_disbursed_pct_of_allocated",
    "cum_disbursed_pct_of_period", "last_reported_year", "source_file", "source_lines",
]  # fmt: skip


def _scope_key(frame: pd.DataFrame) -> pd.Series:
    """programme, scope and scope code as one text key (a missing code as '')."""
    return frame["programme_id"] + "|" + frame["scope"] + "|" + frame["scope_code"].fillna("")


def execution_years(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    be = f["budget_execution"]
    be = be[be["year"].notna() & be["measure"].isin(["allocated", "disbursed"])]
    tasks = f["tasks"][["programme_id", "task_code", "section_code", "csv_line"]]
    r = be.merge(
        tasks.rename(columns={"section_code": "_task_section", "csv_line": "_task_order"}),
        on=["programme_id", "task_code"],
        how="left",
    )
    r["section_code"] = _coalesce(r["section_code"], r["_task_section"])
    r["level"] = np.where(r["task_code"].notna(), 2, np.where(r["section_code"].notna(), 1, 0))
    whole = r.assign(scope="programme", scope_code=None)
    parts = r[r["level"] >= 1].assign(scope="section", scope_code=lambda x: x["section_code"])
    scoped = pd.concat([whole, parts], ignore_index=True)
    scoped["_key"] = _scope_key(scoped)
    level = scoped.groupby("_key")["level"].min().rename("_level").reset_index()
    kept = scoped.merge(level, on="_key")
    kept = kept[kept["level"] == kept["_level"]]
    # the plan of what the kept rows cover
    covered = kept.drop_duplicates(["_key", "section_code", "task_code"])
    bl = f["budget_lines"]
    pairs = covered[["_key", "programme_id", "level", "section_code", "task_code"]].merge(
        bl[["programme_id", "section_code", "task_code", "year", "amount_mvnd"]],
        on="programme_id",
        suffixes=("", "_b"),
    )
    hit = (
        (pairs["level"] == 0)
        | ((pairs["level"] == 1) & _eq(pairs["section_code_b"], pairs["section_code"]))
        | ((pairs["level"] == 2) & _eq(pairs["task_code_b"], pairs["task_code"]))
    )
    planned = (
        pairs[hit].groupby(["_key", "year"])["amount_mvnd"].sum(min_count=1).rename("planned_mvnd")
    )
    # each scope's whole plan: the programme's, and the reported sections'
    whole_plan = bl.groupby(["programme_id", "year"])["amount_mvnd"].sum(min_count=1).reset_index()
    whole_plan = whole_plan.assign(scope="programme", scope_code=None)
    sections_reported = kept.loc[kept["scope"] == "section", ["programme_id", "scope_code"]]
    section_plan = (
        bl.merge(
            sections_reported.drop_duplicates(),
            left_on=["programme_id", "section_code"],
            right_on=["programme_id", "scope_code"],
        )
        .groupby(["programme_id", "scope_code", "year"])["amount_mvnd"]
        .sum(min_count=1)
        .reset_index()
        .assign(scope="section")
    )
    scope_plan = pd.concat([whole_plan, section_plan], ignore_index=True)
    scope_plan["_key"] = _scope_key(scope_plan)
    scope_plan = scope_plan.rename(columns={"amount_mvnd": "scope_planned_mvnd"})
    g = kept.groupby(["_key", "year"])
    figures = pd.DataFrame(
        {
            "allocated_mvnd": kept[kept["measure"] == "allocated"]
            .groupby(["_key", "year"])["amount_mvnd"]
            .sum(min_count=1),
            "disbursed_mvnd": kept[kept["measure"] == "disbursed"]
            .groupby(["_key", "year"])["amount_mvnd"]
            .sum(min_count=1),
            "_n": g.size(),
        }
    ).reset_index()
    cited_rows = kept.drop_duplicates(["_key", "year", "source_file", "source_line"]).copy()
    cited_rows["_line"] = pd.to_numeric(cited_rows["source_line"], errors="coerce")
    cited_rows = cited_rows.sort_values(["_line", "source_line"], na_position="last")
    cg = cited_rows.groupby(["_key", "year"], sort=False)
    cited = pd.DataFrame(
        {
            "source_file": cg["source_file"].min(),
            "source_lines": cg["source_line"].agg(lambda v: _str_agg(v, ";")),
        }
    ).reset_index()
    # the sections or tasks summed where they are not the scope's own rows
    finer = covered[covered["level"] > np.where(covered["scope"] == "programme", 0, 1)]
    finer = finer.merge(
        f["sections"][["programme_id", "section_code", "csv_line"]].rename(
            columns={"csv_line": "_section_order"}
        ),
        on=["programme_id", "section_code"],
        how="left",
    ).sort_values(["_section_order", "_task_order"], na_position="last")
    codes = (
        finer.assign(_code=_coalesce(finer["task_code"], finer["section_code"]))
        .groupby("_key", sort=False)["_code"]
        .agg(lambda v: _str_agg(v, ", "))
        .rename("covered")
        .reset_index()
    )
    pc = f["percentage_checks"]
    pc = pc[
        _eq(pc["numerator"], "disbursed")
        & _eq(pc["denominator"], "allocated")
        & pc["year"].notna()
        & pc["task_code"].isna()
    ]
    stated = (
        _group(pc, ["programme_id", "year", "section_code"])
        .agg(
            stated_pct_text=("printed_text", "min"),
            stated_disbursed_pct_of_allocated=("stated_pct", "min"),
            stated_status=("status", "min"),
        )
        .reset_index()
    )
    spine = pd.concat(
        [
            scope_plan[[*_SCOPE_KEY, "_key", "year"]],
            kept.drop_duplicates(["_key", "year"])[[*_SCOPE_KEY, "_key", "year"]],
        ],
        ignore_index=True,
    ).drop_duplicates(["_key", "year"])
    out = (
        spine.merge(level, on="_key", how="left")
        .merge(scope_plan[["_key", "year", "scope_planned_mvnd"]], on=["_key", "year"], how="left")
        .merge(planned.reset_index(), on=["_key", "year"], how="left")
        .merge(figures, on=["_key", "year"], how="left")
        .merge(codes, on="_key", how="left")
        .merge(cited, on=["_key", "year"], how="left")
    )
    out["section_code"] = out["scope_code"]
    sections = f["sections"][["programme_id", "section_code", "csv_line"]]
    out = out.merge(
        sections.rename(columns={"csv_line": "section_order"}),
        on=["programme_id", "section_code"],
        how="left",
    )
    out["basis"] = out["_level"].map({0: "programme", 1: "section", 2: "task"})
    out["planned_mvnd"] = out["planned_mvnd"].where(
        out["_level"].notna(), out["scope_planned_mvnd"]
    )
    own = np.where(out["scope"] == "programme", 0, 1)
    out = out.merge(stated, on=["programme_id", "year", "section_code"], how="left")
    for column in ("stated_pct_text", "stated_disbursed_pct_of_allocated", "stated_status"):
        out[column] = out[column].where(out["_level"] == own)
    out["last_reported_year"] = (
        out["year"].where(out["_n"].notna()).groupby(out["_key"]).transform("max")
    )
    out = out.sort_values(["_key", "year"])
    sums = out.groupby("_key")
    reported = out["year"] <= out["last_reported_year"]
    # a sum over no figure is NULL, as SQL's: cumsum of NaN only stays NaN
    for column, into in (
        ("allocated_mvnd", "cum_allocated_mvnd"),
        ("disbursed_mvnd", "cum_disbursed_mvnd"),
        ("planned_mvnd", "cum_planned_mvnd"),
    ):
        running = sums[column].transform(lambda s: s.fillna(0).cumsum())
        seen = sums[column].transform(lambda s: s.notna().cumsum()) > 0
        out[into] = running.where(seen)
    for into in ("cum_allocated_mvnd", "cum_disbursed_mvnd"):
        out[into] = out[into].where(reported)
    out["period_planned_mvnd"] = sums["planned_mvnd"].transform(lambda s: s.sum(min_count=1))
    plan, alloc = _nullif0(out["planned_mvnd"].astype(float)), out["allocated_mvnd"].astype(float)
    out["allocated_pct_of_planned"] = 100.0 * alloc / plan
    out["disbursed_pct_of_planned"] = 100.0 * out["disbursed_mvnd"] / plan
    out["disbursed_pct_of_allocated"] = 100.0 * out["disbursed_mvnd"] / _nullif0(alloc)
    cum = out["cum_disbursed_mvnd"].astype(float)
    out["cum_disbursed_pct_of_planned"] = 100.0 * cum / _nullif0(out["cum_planned_mvnd"])
    out["cum_disbursed_pct_of_allocated"] = 100.0 * cum / _nullif0(out["cum_allocated_mvnd"])
    out["cum_disbursed_pct_of_period"] = 100.0 * cum / _nullif0(out["period_planned_mvnd"])
    return out[EXECUTION_YEARS_COLUMNS].sort_values(
        ["programme_id", "scope", "section_order", "year"]
    )


def programme_budget_years(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    x = _opt(f["execution_years"], "programme_id", p["programme_id"])
    sections = f["sections"][["programme_id", "section_code", "section_name"]]
    out = x.merge(sections, on=["programme_id", "section_code"], how="left")
    out["has_figures"] = out["last_reported_year"].notna()
    cols = [
        "programme_id", "scope", "section_code", "section_name", "year", "basis", "covered",
        "scope_planned_mvnd", "planned_mvnd", "allocated_mvnd", "disbursed_mvnd",
        "allocated_pct_of_planned", "disbursed_pct_of_planned", "disbursed_pct_of_allocated",
        "stated_pct_text", "stated_disbursed_pct_of_allocated", "stated_status",
        "cum_planned_mvnd", "cum_allocated_mvnd", "cum_disbursed_mvnd", "period_planned_mvnd",
        "cum_disbursed_pct_of_planned", "cum_disbursed_pct_of_allocated",
        "cum_disbursed_pct_of_period", "last_reported_year", "has_figures", "source_file",
        "source_lines", "section_order",
    ]  # fmt: skip
    return out[cols].sort_values(["programme_id", "scope", "section_order", "year"])


def target_results_by_year(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    tr = _opt(f["target_results"], "programme_id", p["programme_id"])
    key = ["programme_id", "indicator", "unit"]
    period = (
        tr[tr["year"].isna() & tr["target_point"].notna()]
        .groupby(key)["target_point"]
        .max()
        .rename("period_target")
        .reset_index()
    )
    y = tr[tr["year"].notna()].sort_values([*key, "year", "source_file", "source_line"]).copy()
    g = y.groupby(key, sort=False)
    y["cum_achieved"] = g["achieved"].cumsum()
    targets = y["target_point"].astype(float)
    all_given = g["target_point"].transform(lambda s: s.isna().cumsum()) == 0
    y["cum_target"] = targets.fillna(0).groupby([y[k] for k in key]).cumsum().where(all_given)
    y["indicator_order"] = g["source_line"].transform(
        lambda s: pd.to_numeric(s, errors="coerce").min()
    )
    out = y.merge(period, on=key, how="left")
    out["cum_pct_of_target"] = 100.0 * out["cum_achieved"] / _nullif0(out["cum_target"])
    out["cum_pct_of_period_target"] = 100.0 * out["cum_achieved"] / _nullif0(out["period_target"])
    cols = [
        "programme_id", "result_code", "content_area", "indicator", "indicator_en", "unit",
        "year", "achieved", "achieved_qualifier", "achieved_text", "target_basis",
        "target_point", "achievement_pct", "stated_pct", "stated_pct_text", "cum_achieved",
        "cum_target", "cum_pct_of_target", "period_target", "cum_pct_of_period_target",
        "indicator_order", "source_file", "source_line",
    ]  # fmt: skip
    return out[cols].sort_values(
        ["programme_id", "indicator_order", "indicator", "unit", "year", "source_file",
         "source_line"]
    )  # fmt: skip


def programme_findings(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _opt(f["reconciliation"], "programme_id", p["programme_id"])
    cols = [
        "programme_id", "location", "location_en", "kind", "printed_text", "stated_value",
        "computed_value", "difference", "note", "source_file", "source_line",
    ]  # fmt: skip
    return r[cols].sort_values(["programme_id", "source_file", "source_line"])


def programme_list(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    g = f["budget_lines"].groupby("programme_id")
    lines = pd.DataFrame(
        {"n_tasks": g["task_code"].nunique(), "lines_total_mvnd": g["amount_mvnd"].sum()}
    ).reset_index()
    findings = f["reconciliation"].groupby("programme_id").size().rename("n_findings")
    out = (
        f["programmes"]
        .merge(lines, on="programme_id", how="left")
        .merge(findings.reset_index(), on="programme_id", how="left")
    )
    out["n_tasks"] = out["n_tasks"].fillna(0)
    out["n_findings"] = out["n_findings"].fillna(0)
    cols = [
        "programme_id", "province", "kind", "title", "title_en", "period_start", "period_end",
        "decision_ref", "decision_date", "stated_total_mvnd", "lines_total_mvnd", "n_tasks",
        "n_findings", "source_file", "source_line",
    ]  # fmt: skip
    return out[cols].sort_values(["province", "period_start", "programme_id"])


def programme_overview(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    pr = f["programmes"]
    chosen = pr[_eq(pr["programme_id"], p["programme_id"])]
    cols = [
        "programme_id", "province", "title", "title_en", "period_start", "period_end",
        "stated_total_mvnd", "source_file", "source_line", "n_tasks", "lines_total_mvnd",
        "largest_area", "largest_area_label", "largest_area_share_pct", "largest_area_mvnd",
        "unassigned_share_pct", "previous_id", "previous_start", "previous_end", "across_merger",
        "decree_in_force",
        "content_list_known", "decree_read",
    ]  # fmt: skip
    if chosen.empty:
        return _null_frame(cols)
    c = chosen.iloc[0]
    pp = f["programme_provinces"]
    issued = pp[_eq(pp["boundary"], "as_issued")].set_index("programme_id")
    me = issued.loc[c["programme_id"]]
    cand = pr[
        _eq(pr["kind"], c["kind"])
        & (pr["period_end"] < c["period_start"]).fillna(False).astype(bool)
        & (pr["programme_id"] != c["programme_id"])
    ]
    cand = cand.assign(
        _before=cand["programme_id"].map(issued["before_merger"]),
        _successor=cand["programme_id"].map(issued["successor"]),
    )
    prev = cand[
        _eq(cand["province"], c["province"])
        & ((cand["_before"] == me["before_merger"]) | (me["status"] == "unchanged"))
    ].sort_values(["period_end", "period_start", "programme_id"], ascending=[False, True, True])
    across = (
        not me["before_merger"]
        and me["status"] == "new_2025"
        and bool((cand["_before"].astype(bool) & (cand["_successor"] == me["successor"])).any())
    )
    bl = f["budget_lines"]
    lines = bl[_eq(bl["programme_id"], p["programme_id"])]
    bs = f["budget_shares"]
    areas = bs[_eq(bs["programme_id"], p["programme_id"]) & _eq(bs["level"], "content_area")]
    largest = areas[areas["key"] != "?"]  # '?' = tasks without a content area, never the largest
    largest = largest.assign(_neg=-largest["amount_mvnd"]).sort_values(["_neg", "key"])
    row = {k: c[k] for k in cols[:9]}
    row["n_tasks"] = lines["task_code"].nunique()
    row["lines_total_mvnd"] = _sum(lines["amount_mvnd"])
    g = largest.iloc[0] if len(largest) else None
    row["largest_area"] = None if g is None else g["key"]
    row["largest_area_label"] = None if g is None else g["label"]
    row["largest_area_share_pct"] = None if g is None else g["share_pct"]
    row["largest_area_mvnd"] = None if g is None else g["amount_mvnd"]
    row["unassigned_share_pct"] = float(areas.loc[areas["key"] == "?", "share_pct"].sum())
    v = prev.iloc[0] if len(prev) else None
    row["previous_id"] = None if v is None else v["programme_id"]
    row["previous_start"] = None if v is None else v["period_start"]
    row["previous_end"] = None if v is None else v["period_end"]
    row["across_merger"] = across
    lists = f["programme_content_lists"].set_index("programme_id")
    k = lists.loc[c["programme_id"]] if c["programme_id"] in lists.index else None
    row["decree_in_force"] = None if k is None else k["decree_in_force"]
    row["content_list_known"] = None if k is None else k["list_known"]
    row["decree_read"] = None if k is None else k["decree_read"]
    return pd.DataFrame([row], columns=cols)


def programme_shares(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    bs = f["budget_shares"]
    s = bs[_eq(bs["programme_id"], p["programme_id"]) & _eq(bs["level"], p["level"])]
    return s[["key", "label", "amount_mvnd", "share_pct"]].sort_values("key")


def _chosen_kc(f: Frames, p: dict[str, Any], with_lines: bool) -> pd.DataFrame:
    """Khuyến công programmes under their province in the boundary view (programme_provinces):
    `province` in that view, `province_as_issued`, `before_merger`; `$provinces` on the view."""
    pr = f["programmes"]
    mask = _eq(pr["kind"], "khuyen_cong")
    if with_lines:
        mask &= pr["programme_id"].isin(f["budget_lines"]["programme_id"])
    pp = f["programme_provinces"]
    view = pp[_eq(pp["boundary"], p["boundary"])][
        ["programme_id", "province", "province_as_issued", "before_merger"]
    ]
    out = pr[mask].drop(columns=["province"]).merge(view, on="programme_id")
    if p["provinces"] is not None:
        out = out[out["province"].isin(p["provinces"])]
    return out


def _series_sums(f: Frames, p: dict[str, Any], chosen: pd.DataFrame) -> pd.DataFrame:
    """summed_from and missing_from of each (province, period) series of `chosen`: the
    provinces as issued it sums, and the successor's old provinces it has no programme of."""
    keys = ["province", "period_start", "period_end"]
    g = _group(chosen, keys)["province_as_issued"]
    out = pd.DataFrame(
        {
            "issued_names": g.agg(_vi_join),
            "held": g.agg(set),
            "before_merger": _group(chosen, keys)["before_merger"].max(),
        }
    ).reset_index()
    out["summed_from"] = _summed_from(p["boundary"], out, out["issued_names"])
    out["missing_from"] = _missing(f, p["boundary"], out, out["held"])
    return out[[*keys, "summed_from", "missing_from"]]


def _series_label(frame: pd.DataFrame) -> pd.Series:
    return _concat(frame["province"], " ", frame["period_start"], "-", frame["period_end"])


def province_budget_per_year(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    chosen = _chosen_kc(f, p, with_lines=True)[
        [
            "programme_id", "province", "province_as_issued", "before_merger", "period_start",
            "period_end", "stated_total_mvnd",
        ]
    ]  # fmt: skip
    g = f["budget_lines"].groupby("programme_id")
    lines = pd.DataFrame(
        {
            "lines_total_mvnd": g["amount_mvnd"].sum(min_count=1),
            "source_file": g["source_file"].first(),
        }
    ).reset_index()
    j = chosen.merge(lines, on="programme_id").sort_values("programme_id")
    keys = ["province", "period_start", "period_end"]
    gg = _group(j, keys)
    out = pd.DataFrame(
        {
            "programme_ids": gg["programme_id"].agg(lambda s: _str_agg(s, ", ")),
            "total_mvnd": gg["lines_total_mvnd"].sum(min_count=1),
            "stated_total_mvnd": gg["stated_total_mvnd"].sum(min_count=1),
            "source_files": gg["source_file"].agg(
                lambda s: _str_agg(sorted(s.dropna().unique()), ", ")
            ),
        }
    ).reset_index()
    out = out.merge(_series_sums(f, p, j), on=keys, how="left")
    out["series_label"] = _series_label(out)
    out["n_years"] = out["period_end"] - out["period_start"] + 1
    out["per_year_mvnd"] = out["total_mvnd"] / out["n_years"]
    cols = [
        "series_label", "province", "period_start", "period_end", "programme_ids", "n_years",
        "total_mvnd", "stated_total_mvnd", "per_year_mvnd", "summed_from", "missing_from",
        "source_files",
    ]  # fmt: skip
    return out[cols].sort_values(["province", "period_start"])


def province_shares(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    keys = ["province", "period_start", "period_end"]
    lists = f["programme_content_lists"][["programme_id", "list_id"]]
    chosen = (
        _chosen_kc(f, p, with_lines=True)[
            ["programme_id", *keys, "province_as_issued", "before_merger"]
        ]
        .merge(lists, on="programme_id")
        .sort_values("programme_id")
    )
    series = (
        _group(chosen, keys)["programme_id"]
        .agg(lambda s: _str_agg(s, ", "))
        .rename("programme_ids")
        .reset_index()
    )
    series["series_label"] = _series_label(series)
    series = series.merge(_series_sums(f, p, chosen), on=keys, how="left")
    bl = f["budget_lines"][["programme_id", "content_area", "amount_mvnd", "source_file"]]
    j = bl.merge(chosen[["programme_id", *keys]], on="programme_id")
    ga = _group(j, [*keys, "content_area"])
    amounts = pd.DataFrame(
        {
            "amount_mvnd": ga["amount_mvnd"].sum(min_count=1),
            "source_files": ga["source_file"].agg(
                lambda s: _str_agg(sorted(s.dropna().unique()), ", ")
            ),
        }
    ).reset_index()
    amounts = amounts[amounts["content_area"].notna()]
    # the codes of every list the series' programmes are read with; a code in two lists is
    # named as the later list (valid_from) names it
    ca = f["content_areas"].rename(
        columns={
            "code": "content_area",
            "name_vi": "area_name_vi",
            "name_en": "area_name_en",
            "csv_line": "area_order",
        }
    )[["list_id", "content_area", "area_name_vi", "area_name_en", "area_order"]]
    valid = f["content_area_lists"][["list_id", "valid_from"]]
    areas = (
        chosen[[*keys, "list_id"]]
        .drop_duplicates()
        .merge(ca, on="list_id")
        .merge(valid, on="list_id")
        .sort_values("valid_from", ascending=False, kind="stable")
        .drop_duplicates([*keys, "content_area"])
        .drop(columns=["list_id", "valid_from"])
    )
    grid = series.merge(areas, on=keys)
    out = grid.merge(amounts, on=[*keys, "content_area"], how="left")
    out["amount_mvnd"] = out["amount_mvnd"].fillna(0.0)
    total = _group(out, ["series_label"])["amount_mvnd"].transform("sum")
    out["share_pct"] = 100.0 * out["amount_mvnd"] / _nullif0(total)
    cols = [
        "series_label", "province", "period_start", "period_end", "programme_ids",
        "content_area", "area_name_vi", "area_name_en", "area_order", "amount_mvnd",
        "share_pct", "summed_from", "missing_from", "source_files",
    ]  # fmt: skip
    return out[cols].sort_values(["province", "period_start", "area_order"])


_PAIRS = (
    (1, "trainees", "KC1", ("lao động", "người", "học viên"), None,
     "Đào tạo nghề, truyền nghề: triệu đồng/người", "Vocational training: million VND/trainee"),
    (2, "machinery", "KC3", ("cơ sở",), "máy móc thiết bị",
     "Hỗ trợ máy móc thiết bị: triệu đồng/cơ sở", "Machinery support: million VND/establishment"),
)  # fmt: skip


# funding_shares / province_funding_shares: the order of a funding source (null = not stated).
_SOURCE_ORDER = {"trung_uong": 1, "dia_phuong": 2, "doi_ung": 3, "khac": 4}


def _by_source(lines: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """amount_mvnd, n_lines, share_pct and n_stated_lines of each group and funding source."""
    g = lines.groupby([*keys, "funding_source"], dropna=False)
    out = pd.DataFrame(
        {"amount_mvnd": g["amount_mvnd"].sum(min_count=1), "n_lines": g.size()}
    ).reset_index()
    out["source_order"] = out["funding_source"].map(_SOURCE_ORDER).fillna(5).astype("int64")
    total = _group(out, keys)["amount_mvnd"].transform("sum")
    out["share_pct"] = 100.0 * out["amount_mvnd"] / _nullif0(total)
    stated = out["n_lines"].where(out["funding_source"].notna(), 0)
    out["n_stated_lines"] = _group(out.assign(_s=stated), keys)["_s"].transform("sum")
    return out


def funding_shares(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    bl = f["budget_lines"]
    mine = _eq(bl["programme_id"], p["programme_id"])
    lines = bl[mine & _in_years(bl["year"], p["year_from"], p["year_to"])]
    out = _by_source(lines, ["programme_id"])
    cols = [
        "programme_id", "funding_source", "source_order", "amount_mvnd", "share_pct", "n_lines",
        "n_stated_lines",
    ]  # fmt: skip
    return out[cols].sort_values("source_order")


def province_funding_shares(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    keys = ["province", "period_start", "period_end"]
    chosen = _chosen_kc(f, p, with_lines=True)[
        ["programme_id", *keys, "province_as_issued", "before_merger"]
    ].sort_values("programme_id")
    series = (
        _group(chosen, keys)["programme_id"]
        .agg(lambda s: _str_agg(s, ", "))
        .rename("programme_ids")
        .reset_index()
    )
    series["series_label"] = _series_label(series)
    series = series.merge(_series_sums(f, p, chosen), on=keys, how="left")
    bl = f["budget_lines"][["programme_id", "funding_source", "amount_mvnd", "source_file"]]
    j = bl.merge(chosen[["programme_id", *keys]], on="programme_id")
    out = _by_source(j, keys)
    files = (
        j.groupby([*keys, "funding_source"], dropna=False)["source_file"]
        .agg(lambda s: _str_agg(sorted(s.dropna().unique()), ", "))
        .rename("source_files")
        .reset_index()
    )
    out = series.merge(out, on=keys).merge(files, on=[*keys, "funding_source"], how="left")
    cols = [
        "series_label", "province", "period_start", "period_end", "programme_ids",
        "funding_source", "source_order", "amount_mvnd", "share_pct", "n_lines",
        "n_stated_lines", "summed_from", "missing_from", "source_files",
    ]  # fmt: skip
    return out[cols].sort_values(["province", "period_start", "source_order"])


def province_unit_costs(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    full = _chosen_kc(f, p, with_lines=False)
    chosen = full[["programme_id", "province", "period_start", "period_end"]]
    # series are labelled from the programmes with budget lines, as the other comparisons sum
    with_lines = full[full["programme_id"].isin(f["budget_lines"]["programme_id"])]
    sums = _series_sums(f, p, with_lines)
    bl = f["budget_lines"].merge(chosen[["programme_id"]], on="programme_id")
    g = _group(bl, ["programme_id", "task_code"])
    tasks = pd.DataFrame(
        {
            "task_name": g["task_name"].first(),
            "content_area": g["content_area"].first(),
            "amount_mvnd": g["amount_mvnd"].sum(min_count=1),
            "source_file": g["source_file"].first(),
            "budget_line": g["source_line"].agg(
                lambda s: _str_agg(sorted(s.dropna().unique()), ";")
            ),
        }
    ).reset_index()
    t = f["targets"]
    t = t[t["source_kind"].isin(["task", "quantity"])][
        [
            "programme_id",
            "task_code",
            "target_min",
            "unit",
            "qualifier",
            "quantity_text",
            "source_line",
        ]
    ].rename(columns={"target_min": "quantity", "source_line": "target_line"})
    parts = []
    for order, pair, area, units, pattern, label_vi, label_en in _PAIRS:
        mt = tasks[_eq(tasks["content_area"], area) & tasks["task_name"].notna()]
        if pattern is not None:
            mt = mt[mt["task_name"].str.lower().str.contains(pattern, regex=False)]
        m = mt.merge(t[t["unit"].isin(units)], on=["programme_id", "task_code"])
        m["n_matches"] = _group(m, ["programme_id", "task_code"])["unit"].transform("size")
        m["pair_order"], m["pair"] = order, pair
        m["pair_label_vi"], m["pair_label_en"] = label_vi, label_en
        parts.append(m)
    m = pd.concat(parts, ignore_index=True)
    out = m.merge(chosen, on="programme_id")
    keep = (
        (out["n_matches"] == 1)
        & out["qualifier"].isin(["exact", "about"])
        & (out["quantity"] > 0).fillna(False).astype(bool)
    )
    out = out[keep].merge(sums, on=["province", "period_start", "period_end"])
    out["series_label"] = _series_label(out)
    out["unit_cost_mvnd"] = out["amount_mvnd"] / out["quantity"]
    out["budget_source"] = _concat(_short_file(out["source_file"]), ":", out["budget_line"])
    out["quantity_source"] = _concat(_short_file(out["source_file"]), ":", out["target_line"])
    cols = [
        "series_label", "province", "period_start", "period_end", "programme_id", "pair_order",
        "pair", "pair_label_vi", "pair_label_en", "task_code", "task_name", "content_area",
        "amount_mvnd", "quantity", "unit", "qualifier", "quantity_text", "unit_cost_mvnd",
        "budget_source", "quantity_source", "summed_from", "missing_from", "source_file",
    ]  # fmt: skip
    return out[cols].sort_values(["pair_order", "province", "period_start", "task_code"])


# --- quality, sources, targets, timeline -----------------------------------------------------


def quality_check_counts(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    checks = pd.concat(
        [
            f["total_checks"][["programme_id", "status"]].assign(family="total"),
            f["percentage_checks"][["programme_id", "status"]].assign(family="percentage"),
        ],
        ignore_index=True,
    )
    j = checks.merge(f["programmes"][["programme_id", "province"]], on="programme_id")
    j = _opt(j, "programme_id", p["programme_id"])
    for status in ("ok", "differs", "not_checkable"):
        j["n_" + status] = _eq(j["status"], status).astype(int)
    g = _group(j, ["programme_id", "province", "family"])
    out = pd.DataFrame(
        {
            "n_checks": g.size(),
            "n_ok": g["n_ok"].sum(),
            "n_differs": g["n_differs"].sum(),
            "n_not_checkable": g["n_not_checkable"].sum(),
        }
    ).reset_index()
    return out.sort_values(["programme_id", "family"])


def quality_discrepancies(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    d = f["document_discrepancies"]
    if p["programme_id"] is not None:
        pr = f["programmes"]
        files = pr.loc[_eq(pr["programme_id"], p["programme_id"]), "source_file"].dropna()
        d = d[d["source_file"].isin(files) | d["other_file"].isin(files)]
    cols = [
        "discrepancy_id", "kind", "source_file", "source_line", "printed", "other_file",
        "other_line", "other_printed", "note",
    ]  # fmt: skip
    return d[cols].sort_values("discrepancy_id")


def quality_findings(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _opt(f["reconciliation"], "programme_id", p["programme_id"])
    j = r.merge(f["programmes"][["programme_id", "province"]], on="programme_id")
    cols = [
        "programme_id", "province", "location", "location_en", "kind", "measure", "parts_basis",
        "printed_text", "stated_value", "computed_value", "difference", "tolerance", "note",
        "source_file", "source_line",
    ]  # fmt: skip
    return j[cols].sort_values(["programme_id", "source_file", "source_line", "kind"])


def quality_uncertain_targets(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    t = f["targets"]
    t = _opt(t[_eq(t["parse_certain"], False)], "programme_id", p["programme_id"])
    j = t.merge(f["programmes"][["programme_id", "province"]], on="programme_id")
    j["item_code"] = _coalesce(j["task_code"], j["goal_code"])
    cols = [
        "programme_id", "province", "item_code", "indicator", "unit", "target_min",
        "target_max", "qualifier", "quantity_text", "source_text", "source_file", "source_line",
    ]  # fmt: skip
    return j[cols].sort_values(["programme_id", "source_file", "item_code"])


def quality_unmapped_tasks(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    keep = ["programme_id", "task_code", "content_area", "assigned_by", "reason"]
    m = f["content_area_map"][keep]
    t = f["tasks"].merge(m, on=["programme_id", "task_code"], how="left")
    suggested = (t["assigned_by"] == "suggested").fillna(False).astype(bool)
    t = _opt(t[t["content_area"].isna() | suggested], "programme_id", p["programme_id"])
    suggested = (t["assigned_by"] == "suggested").fillna(False).astype(bool)
    t = t.assign(
        suggested_area=t["content_area"].where(suggested, None),
        suggested_reason=t["reason"].where(suggested, None),
    )
    j = t.merge(f["programmes"][["programme_id", "province"]], on="programme_id")
    cols = [
        "programme_id", "province", "section_code", "task_code", "task_name", "suggested_area",
        "suggested_reason", "source_file", "source_lines",
    ]  # fmt: skip
    return j[cols].sort_values(["programme_id", "task_code"])


def quality_unprinted_cells(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    a = f["budget_amounts"]
    c = _opt(a[a["basis"].isin(["blank", "derived"])], "programme_id", p["programme_id"])
    t = f["tasks"][["programme_id", "task_code", "section_code", "task_name", "csv_line"]]
    j = c.merge(t.rename(columns={"csv_line": "task_order"}), on=["programme_id", "task_code"])
    j = j.merge(f["programmes"][["programme_id", "province"]], on="programme_id")
    cols = [
        "programme_id", "province", "section_code", "task_code", "task_name", "year", "basis",
        "amount_mvnd", "note", "source_file", "source_line", "task_order",
    ]  # fmt: skip
    return j[cols].sort_values(["programme_id", "task_order", "year"])


def reconciliation(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    cols = [
        "programme_id", "location", "location_en", "kind", "measure", "parts_basis",
        "printed_text", "stated_value", "computed_value", "difference", "tolerance", "note",
        "source_file", "source_line",
    ]  # fmt: skip
    tc = f["total_checks"]
    totals = tc[_eq(tc["status"], "differs")][cols]
    pc = f["percentage_checks"]
    pc = pc[_eq(pc["status"], "differs")]
    pct = pd.DataFrame(
        {
            "programme_id": pc["programme_id"],
            "location": pc["location"],
            "location_en": pc["location_en"],
            "kind": "stated_percentage",
            "measure": "pct",
            "parts_basis": _concat(pc["numerator"], "/", pc["denominator"]),
            "printed_text": pc["printed_text"],
            "stated_value": pc["stated_pct"],
            "computed_value": pc["computed_pct"],
            "difference": pc["difference"],
            "tolerance": pc["tolerance"],
            "note": pc["note"],
            "source_file": pc["source_file"],
            "source_line": pc["source_line"],
        }
    )
    out = pd.concat([totals, pct], ignore_index=True)
    return out.sort_values(["programme_id", "source_file", "source_line", "kind"])


def source_documents(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    pr = f["programmes"].sort_values(["period_start", "programme_id"])
    read_from = (
        pr.groupby("source_file")["programme_id"]
        .agg(lambda s: _str_agg(s, ", "))
        .rename("programme_ids")
        .reset_index()
    )
    out = f["documents"].merge(read_from, on="source_file", how="left")
    cols = [
        "source_file", "doc_type", "title", "title_en", "issuer", "ref_printed",
        "date_printed", "number_style", "source_line", "programme_ids",
    ]  # fmt: skip
    return out[cols].sort_values("source_file")


_LEADING_INT = re.compile(r"^[0-9]+")


def _leading_int(series: pd.Series) -> pd.Series:
    """try_cast(regexp_extract(x, '^[0-9]+') as integer)."""
    extracted = (
        series.astype(object)
        .where(series.notna(), None)
        .map(
            lambda s: (
                None if s is None else (m.group(0) if (m := _LEADING_INT.match(str(s))) else "")
            )
        )
    )
    return pd.to_numeric(extracted.replace("", None), errors="coerce")


def source_figures(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    bl = f["budget_lines"]
    budget = pd.DataFrame(
        {
            "programme_id": bl["programme_id"],
            "kind": "budget_line",
            "figure_id": _concat(bl["task_code"], "/", bl["year"]),
            "section_code": bl["section_code"],
            "item_code": bl["task_code"],
            "item_name": bl["task_name"],
            "year": bl["year"],
            "value": bl["amount_mvnd"],
            "value_max": np.nan,
            "unit": "mvnd",
            "printed_text": bl["amount_printed"],
            "basis": bl["amount_basis"],
            "source_file": bl["source_file"],
            "source_line": bl["source_line"],
            "sort_key": bl["section_order"] * 1000000 + bl["task_order"] * 10000 + bl["year"],
        }
    )
    st = f["stated_totals"]
    totals = pd.DataFrame(
        {
            "programme_id": st["programme_id"],
            "kind": "stated_total",
            "figure_id": _concat("total/", st["csv_line"]),
            "section_code": st["section_code"],
            "item_code": _coalesce(st["task_code"], st["section_code"], st["scope"]),
            "item_name": st["scope"],
            "year": st["year"],
            "value": st["stated_value"],
            "value_max": np.nan,
            "unit": st["measure"].where(~_eq(st["measure"], "amount_mvnd"), "mvnd"),
            "printed_text": st["printed_text"],
            "basis": st["scope"],
            "source_file": st["source_file"],
            "source_line": st["source_line"],
            "sort_key": st["csv_line"],
        }
    )
    g = f["targets"].merge(
        f["tasks"][["programme_id", "task_code", "section_code"]],
        on=["programme_id", "task_code"],
        how="left",
    )
    item = _coalesce(g["task_code"], g["goal_code"])
    targets = pd.DataFrame(
        {
            "programme_id": g["programme_id"],
            "kind": "target",
            "figure_id": _concat(g["source_kind"], "/", item, "/", g["target_no"]),
            "section_code": g["section_code"],
            "item_code": item,
            "item_name": g["indicator"],
            "year": np.nan,
            "value": g["target_min"],
            "value_max": g["target_max"],
            "unit": g["unit"],
            "printed_text": g["quantity_text"],
            "basis": g["qualifier"],
            "source_file": g["source_file"],
            "source_line": g["source_line"],
            "sort_key": _leading_int(g["source_line"]) * 100 + g["target_no"],
        }
    )
    r = f["target_results"]
    results = pd.DataFrame(
        {
            "programme_id": r["programme_id"],
            "kind": "result",
            "figure_id": r["result_code"],
            "section_code": None,
            "item_code": r["result_code"],
            "item_name": r["indicator"],
            "year": np.nan,
            "value": r["achieved"],
            "value_max": np.nan,
            "unit": r["unit"],
            "printed_text": r["achieved_text"],
            "basis": r["target_basis"],
            "source_file": r["source_file"],
            "source_line": r["source_line"],
            "sort_key": _leading_int(r["source_line"]),
        }
    )
    parts = [x for x in (budget, totals, targets, results) if len(x)]
    out = pd.concat(parts, ignore_index=True) if parts else budget
    out = _opt(out, "programme_id", p["programme_id"])
    out = _opt(out, "kind", p["kind"])
    year = out["year"].astype(float)
    if p["year_from"] is not None:
        out = out[(year.isna() | (year >= p["year_from"])).to_numpy()]
        year = out["year"].astype(float)
    if p["year_to"] is not None:
        out = out[(year.isna() | (year <= p["year_to"])).to_numpy()]
    out = _opt(out, "section_code", p["section_code"])
    return out.sort_values(["programme_id", "kind", "sort_key", "figure_id"])


def target_page_programmes(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    g = f["target_results"].groupby("programme_id")
    counts = pd.DataFrame(
        {"n_results": g.size(), "n_with_target": g["target_basis"].count()}
    ).reset_index()
    out = f["programmes"].merge(counts, on="programme_id", how="left")
    out["n_results"] = out["n_results"].fillna(0)
    out["n_with_target"] = out["n_with_target"].fillna(0)
    cols = [
        "programme_id", "province", "title", "title_en", "period_start", "period_end",
        "n_results", "n_with_target",
    ]  # fmt: skip
    return out[cols].sort_values(["province", "period_start", "programme_id"])


def target_page_results(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _opt(f["target_results"], "programme_id", p["programme_id"])
    r = _opt(r, "content_area", p["content_area"]).copy()
    r["has_target"] = r["target_basis"].notna()
    cols = [
        "programme_id", "result_code", "content_area", "indicator", "indicator_en", "unit",
        "achieved", "achieved_qualifier", "achieved_text", "target_basis", "target_min",
        "target_max", "target_point", "target_text", "achievement_pct", "stated_pct",
        "stated_pct_text", "note", "source_file", "source_line", "has_target", "year",
    ]  # fmt: skip
    return r[cols].sort_values(["programme_id", "result_code"])


def target_results(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = f["results"].copy()
    printed = r["target_printed"].astype(float)
    stated = r["stated_pct"].astype(float)
    achieved = r["achieved"].astype(float)
    is_printed = printed.notna()
    is_derived = ~is_printed & (stated > 0).fillna(False).astype(bool)
    r["target_basis"] = np.select([is_printed, is_derived], ["printed", "derived"], default=None)
    half = 0.5 * np.power(10.0, -r["stated_pct_decimals"].astype(float).fillna(0))
    r["target_min"] = np.where(
        is_printed, printed, np.where(is_derived, 100.0 * achieved / (stated + half), np.nan)
    )
    r["target_max"] = np.where(
        is_printed, printed, np.where(is_derived, 100.0 * achieved / (stated - half), np.nan)
    )
    r["target_point"] = np.where(
        is_printed, printed, np.where(is_derived, 100.0 * achieved / stated, np.nan)
    )
    r["achievement_pct"] = np.where(
        is_printed, 100.0 * achieved / _nullif0(printed), np.where(is_derived, stated, np.nan)
    )
    cols = [
        "programme_id", "result_code", "content_area", "indicator", "indicator_en", "unit",
        "comparable_indicator", "target_basis", "target_min", "target_max", "target_point",
        "achieved", "achieved_qualifier", "achievement_pct", "stated_pct", "stated_pct_text",
        "achieved_text", "target_text", "note", "source_file", "source_line", "year",
    ]  # fmt: skip
    return r[cols].sort_values(["programme_id", "result_code"])


def timeline_programmes(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    t = f["tasks"]
    timed = t[t["month_start"].notna() & t["month_end"].notna()]
    counts = timed.groupby("programme_id").size().rename("n_tasks").reset_index()
    out = f["programmes"].merge(counts, on="programme_id")
    cols = [
        "programme_id", "province", "title", "title_en", "period_start", "period_end",
        "source_file", "n_tasks",
    ]  # fmt: skip
    return out[cols].sort_values(["province", "period_start", "programme_id"])


def timeline_tasks(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    t = f["tasks"]
    t = t[t["month_start"].notna() & t["month_end"].notna()]
    t = _opt(_opt(t, "programme_id", p["programme_id"]), "section_code", p["section_code"])
    j = t.merge(
        f["programmes"][["programme_id", "period_start"]].rename(columns={"period_start": "year"}),
        on="programme_id",
    )
    s = f["sections"][["programme_id", "section_code", "section_name", "csv_line"]]
    j = j.merge(
        s.rename(columns={"csv_line": "section_order"}), on=["programme_id", "section_code"]
    )
    m = f["content_area_map"][["programme_id", "task_code", "content_area"]]
    j = j.merge(m, on=["programme_id", "task_code"], how="left")
    j = _opt(j, "content_area", p["content_area"])
    j["n_months"] = j["month_end"] - j["month_start"] + 1
    j = j.rename(columns={"csv_line": "task_order"})
    cols = [
        "programme_id", "year", "section_code", "section_name", "section_order", "task_code",
        "task_no_printed", "task_name", "content_area", "month_start", "month_end", "n_months",
        "timing_text", "lead_unit", "coordinating_units", "source_file", "source_lines",
        "task_order",
    ]  # fmt: skip
    return j[cols].sort_values(["programme_id", "task_order"])


_ST_COLS = [
    "programme_id", "scope", "section_code", "task_code", "year", "measure", "printed_text",
    "stated_value", "precision", "note", "source_file", "source_line", "csv_line",
    "funding_source", "qualifier", "stated_max",
]  # fmt: skip


def _lines_kind(st: pd.DataFrame) -> np.ndarray:
    year = st["year"].notna()
    return np.select(
        [
            _eq(st["scope"], "task") & _eq(st["measure"], "quantity"),
            _eq(st["scope"], "task"),
            _eq(st["scope"], "section") & year,
            _eq(st["scope"], "section"),
            _eq(st["scope"], "grand") & year,
            _eq(st["scope"], "grand"),
            year,
        ],
        ["row_quantity_total", "row_total", "section_year_total", "section_total", "year_total",
         "grand_total", "text_year_total"],
        default="text_total",
    )  # fmt: skip


# The words total_checks.sql adds to a location for a total of one funding source.
_SOURCE_VI = {
    "trung_uong": ", nguồn khuyến công quốc gia",
    "dia_phuong": ", nguồn khuyến công địa phương",
    "doi_ung": ", nguồn đối ứng của cơ sở",
    "khac": ", nguồn khác",
}
_SOURCE_EN = {
    "trung_uong": ", national khuyến công funds",
    "dia_phuong": ", provincial khuyến công funds",
    "doi_ung": ", establishments' own contribution",
    "khac": ", other sources",
}


def total_checks(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    st = f["stated_totals"][_ST_COLS].reset_index(drop=True)
    st["_st"] = np.arange(len(st))
    bl = f["budget_lines"][
        ["programme_id", "task_code", "section_code", "year", "amount_mvnd", "quantity",
         "funding_source"]
    ]  # fmt: skip
    # vs_lines: each stated total against the task-year cells it covers
    j = st.merge(bl, on="programme_id", suffixes=("", "_l"))
    hit = (
        (~_eq(j["scope"], "task") | _eq(j["task_code_l"], j["task_code"]))
        & (~_eq(j["scope"], "section") | _eq(j["section_code_l"], j["section_code"]))
        & (j["year"].isna() | _eq(j["year_l"], j["year"]))
        & (j["funding_source"].isna() | _eq(j["funding_source_l"], j["funding_source"]))
    )
    j = j[hit.to_numpy()]
    j = j.assign(_value=np.where(_eq(j["measure"], "quantity"), j["quantity"], j["amount_mvnd"]))
    g = j.groupby("_st")
    lines = st[~_eq(st["measure"], "task_count").to_numpy()].copy()
    lines["computed_value"] = g["_value"].sum(min_count=1).reindex(lines["_st"]).to_numpy()
    lines["n_parts"] = g["year_l"].count().reindex(lines["_st"]).fillna(0).to_numpy()
    lines["parts_basis"] = "lines"
    lines["tolerance"] = lines["precision"] / 2
    lines["kind"] = _lines_kind(lines)
    lines["computed_value"] = lines["computed_value"].where(lines["n_parts"] != 0)
    lines["computed_min"] = lines["computed_max"] = lines["computed_value"]
    # vs_tasks: a stated number of tasks against the tasks counted
    counts = st[_eq(st["measure"], "task_count").to_numpy()].copy()
    tk = f["tasks"][["programme_id", "section_code"]]
    counts["computed_value"] = [
        float(((tk["programme_id"] == prog) & (sc != "section" or tk["section_code"] == sec)).sum())
        for prog, sc, sec in zip(
            counts["programme_id"], counts["scope"], counts["section_code"], strict=True
        )
    ]
    counts["n_parts"] = counts["computed_value"]
    counts["computed_min"] = counts["computed_max"] = counts["computed_value"]
    counts["parts_basis"] = "tasks"
    counts["tolerance"] = counts["precision"] / 2
    counts["kind"] = np.where(_eq(counts["scope"], "section"), "section_task_count", "task_count")
    # vs_parts: each stated total against the stated totals one level down
    pr = st.merge(
        st[["programme_id", "measure", "scope", "section_code", "year", "precision",
            "stated_value", "funding_source", "qualifier", "stated_max"]],
        on=["programme_id", "measure"],
        suffixes=("", "_c"),
    )  # fmt: skip
    pr = pr[_eq(pr["measure"], "amount_mvnd")]
    # child.funding_source is not distinct from parent.funding_source
    fs, fc = pr["funding_source"], pr["funding_source_c"]
    pr = pr[(_eq(fs, fc) | (fs.isna() & fc.isna())).to_numpy()]
    ps, cs = pr["scope"], pr["scope_c"]
    py, cy = pr["year"], pr["year_c"]
    same_section = _eq(pr["section_code_c"], pr["section_code"])
    rule = (
        (_eq(ps, "section") & py.isna() & _eq(cs, "task") & same_section)
        | (_eq(ps, "section") & py.isna() & _eq(cs, "section") & same_section & cy.notna())
        | (_eq(ps, "grand") & py.isna() & _eq(cs, "section") & cy.isna())
        | (_eq(ps, "grand") & py.isna() & _eq(cs, "grand") & cy.notna())
        | (_eq(ps, "grand") & py.notna() & _eq(cs, "section") & _eq(cy, py))
        | (_eq(ps, "text") & py.isna() & _eq(cs, "text") & cy.notna())
    )
    pr = pr[rule.to_numpy()].copy()
    ps, cs, py = pr["scope"], pr["scope_c"], pr["year"]
    pr["kind"] = np.select(
        [
            _eq(ps, "section") & _eq(cs, "task"),
            _eq(ps, "section"),
            _eq(ps, "grand") & py.isna() & _eq(cs, "section"),
            _eq(ps, "grand") & py.isna(),
            _eq(ps, "grand"),
        ],
        ["section_total_vs_row_totals", "section_total_vs_year_totals",
         "grand_total_vs_section_totals", "grand_total_vs_year_totals",
         "year_total_vs_section_year_totals"],
        default="text_total_vs_text_years",
    )  # fmt: skip
    pr["_half_child"] = pr["precision_c"] / 2
    # the interval a qualified part stands for ("gần 700": 600-700; "hơn 342": 342 or more)
    cq = pr["qualifier_c"].fillna("exact")
    pr["_min_c"] = np.select(
        [_eq(cq, "nearly"), _eq(cq, "at_most")],
        [pr["stated_value_c"] - pr["precision_c"] / 2, 0.0],
        default=pr["stated_value_c"],
    )
    pr["_max_c"] = pr["stated_max_c"].fillna(pr["stated_value_c"]).where(~_eq(cq, "at_least"))
    g = _group(pr, ["_st", "kind"])
    parts = pd.DataFrame(
        {
            "_half_child": g["_half_child"].sum(min_count=1),
            "computed_value": g["stated_value_c"].sum(min_count=1),
            "computed_min": g["_min_c"].sum(min_count=1),
            "computed_max": g["_max_c"].sum(min_count=1).where(g["_max_c"].count() == g.size()),
            "n_parts": g.size(),
        }
    ).reset_index()
    parts = parts.merge(st, on="_st")
    parts["tolerance"] = parts["precision"] / 2 + parts["_half_child"]
    parts["parts_basis"] = "stated_parts"
    pg = f["programmes"]
    n_years = pd.Series(
        (pg["period_end"] - pg["period_start"] + 1).to_numpy(), index=pg["programme_id"]
    )
    n_sections = f["budget_lines"].groupby("programme_id")["section_code"].nunique()
    n_tasks = f["budget_lines"].groupby(["programme_id", "section_code"])["task_code"].nunique()
    parts = parts[parts["programme_id"].isin(n_years.index)]
    years_of = parts["programme_id"].map(n_years)
    sections_of = parts["programme_id"].map(n_sections)
    tasks_of = pd.Series(
        [n_tasks.get((a, b)) for a, b in zip(parts["programme_id"], parts["section_code"],
                                             strict=True)],
        index=parts.index,
        dtype=float,
    )  # fmt: skip
    complete = (
        (_eq(parts["kind"], "section_total_vs_row_totals") & (parts["n_parts"] == tasks_of))
        | (
            parts["kind"].isin(
                ["section_total_vs_year_totals", "grand_total_vs_year_totals",
                 "text_total_vs_text_years"]
            )
            & (parts["n_parts"] == years_of)
        )
        | (
            parts["kind"].isin(
                ["grand_total_vs_section_totals", "year_total_vs_section_year_totals"]
            )
            & (parts["n_parts"] == sections_of)
        )
    )  # fmt: skip
    parts = parts[complete.fillna(False).astype(bool).to_numpy()]
    checks = pd.concat([lines, parts, counts], ignore_index=True)
    scope, year = checks["scope"], checks["year"]
    section, task = checks["section_code"], checks["task_code"]

    def with_year(prefix: str, otherwise: str) -> pd.Series:
        return _coalesce(_concat(prefix, year), otherwise)

    checks["location"] = np.select(
        [_eq(scope, "task"), _eq(scope, "section"), _eq(scope, "grand")],
        [
            _concat("Mục ", section, ", nhiệm vụ ", task, ", cột Tổng cộng"),
            _concat("Mục ", section, with_year(", năm ", ", cột Tổng cộng")),
            _concat("Dòng Tổng cộng", with_year(", năm ", ", cột Tổng cộng")),
        ],
        default=_concat("Phần lời", with_year(", kinh phí năm ", ", tổng kinh phí")),
    )
    counted = _eq(checks["measure"], "task_count")
    checks["location"] = np.where(
        counted,
        np.where(_eq(scope, "section"), _concat("Mục ", section, ", số nhiệm vụ"),
                 "Dòng Tổng cộng, số nhiệm vụ"),
        checks["location"],
    )  # fmt: skip
    checks["location"] = checks["location"] + checks["funding_source"].map(_SOURCE_VI).fillna("")
    checks["location_en"] = np.select(
        [_eq(scope, "task"), _eq(scope, "section"), _eq(scope, "grand")],
        [
            _concat("Section ", section, ", task ", task, ", total column"),
            _concat("Section ", section, with_year(", year ", ", total column")),
            _concat("Total row", with_year(", year ", ", total column")),
        ],
        default=_concat("Text", with_year(", budget for ", ", total budget")),
    )
    checks["location_en"] = np.where(
        counted,
        np.where(_eq(scope, "section"), _concat("Section ", section, ", number of tasks"),
                 "Total row, number of tasks"),
        checks["location_en"],
    )  # fmt: skip
    en = checks["funding_source"].map(_SOURCE_EN).fillna("")
    checks["location_en"] = checks["location_en"] + en
    stated = checks["stated_value"].astype(float)
    computed = checks["computed_value"].astype(float)
    checks["difference"] = stated - computed
    # the sum's interval meets the interval the qualified stated figure accepts
    q = checks["qualifier"].fillna("exact")
    tol, prec = checks["tolerance"].astype(float), checks["precision"].astype(float)
    accept_min = (stated - tol).where(~_eq(q, "at_most"))
    accept_max = checks["stated_max"].astype(float).fillna(stated) + tol
    accept_max = accept_max.where(~_eq(q, "nearly"), stated + tol - prec / 2)
    accept_max = accept_max.where(~_eq(q, "at_least"))
    cmin, cmax = checks["computed_min"].astype(float), checks["computed_max"].astype(float)
    ok = (accept_min.isna() | cmax.isna() | (cmax >= accept_min - 1e-9)) & (
        accept_max.isna() | (cmin <= accept_max + 1e-9)
    )
    checks["qualifier"] = q
    checks["status"] = np.where(
        computed.isna(), "not_checkable", np.where(ok.astype(bool), "ok", "differs")
    )
    cols = [
        "programme_id", "location", "location_en", "kind", "scope", "section_code", "task_code",
        "year", "measure", "funding_source", "parts_basis", "printed_text", "qualifier",
        "stated_value", "stated_max", "computed_value", "difference", "tolerance", "n_parts",
        "status", "note", "source_file", "source_line", "csv_line",
    ]  # fmt: skip
    return checks[cols].sort_values(["programme_id", "csv_line", "parts_basis", "kind"])


# --- support against the plan (issue 17: quality page, province comparison, presenter kit) ----


def _active(r: pd.DataFrame) -> pd.Series:
    """Records not cancelled (status is never NULL: the table's default is 'approved')."""
    return ~_eq(r["status"], "cancelled")


def support_plan_checks(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _opt(f["support_records"], "programme_id", p["programme_id"])
    ba = _opt(f["budget_amounts"], "programme_id", p["programme_id"])
    plan_keys = ["programme_id", "task_code", "year"]
    cells = (
        _group(ba, [*plan_keys, "funding_source"])["amount_mvnd"]
        .sum(min_count=1)
        .rename("planned_mvnd")
        .reset_index()
    )
    split = (
        cells.assign(by_source=cells["funding_source"].notna())
        .groupby(plan_keys, sort=False)["by_source"]
        .any()
        .reset_index()
    )
    r = r.merge(split, on=plan_keys, how="left")
    # `=` never matches NULL: a record without a task is never split by source
    by_source = r["by_source"].astype("boolean").fillna(False).astype(bool) & r["task_code"].notna()
    r = r.assign(
        source_key=r["funding_source"].where(by_source, None).astype(object),
        active=_active(r),
    )
    r = r.assign(paid=r["amount_mvnd"].where(r["active"]))
    keys = ["programme_id", "year", "task_code", "source_key"]
    g = _group(r, keys)
    groups = pd.DataFrame(
        {
            "records": g["active"].sum(),
            "cancelled_records": g["active"].agg(lambda s: int((~s).sum())),
            "amount_mvnd": g["paid"].sum(min_count=1).fillna(0.0),
            "n_files": g["source_file"].nunique(),
            "import_ids": g["import_id"].agg(lambda s: _str_agg(sorted(s.dropna().unique()), ", ")),
        }
    ).reset_index()
    firsts = (
        _group(r, [*keys, "source_file"])["source_line"]
        .min()
        .reset_index()
        .sort_values("source_file", na_position="last", kind="stable")
        .drop_duplicates(keys)
    )
    plan_years = cells[["programme_id", "year"]].drop_duplicates().assign(plan_year=True)
    tasks = f["tasks"][["programme_id", "task_code", "task_name"]].assign(in_plan=True)
    out = groups.merge(plan_years, on=["programme_id", "year"], how="left")
    out = out.merge(tasks, on=["programme_id", "task_code"], how="left")
    out = out.merge(
        cells.rename(columns={"funding_source": "source_key"}),
        on=["programme_id", "task_code", "year", "source_key"],
        how="left",
    )
    out = out.merge(firsts, on=keys, how="left")
    plan_year = out["plan_year"].astype("boolean").fillna(False).astype(bool)
    in_plan = out["in_plan"].astype("boolean").fillna(False).astype(bool)
    planned = out["planned_mvnd"].fillna(0.0).where(plan_year & in_plan)
    amount = out["amount_mvnd"].astype(float)
    out["planned_mvnd"] = planned
    out["difference_mvnd"] = amount - planned
    out["executed_pct"] = 100.0 * amount / _nullif0(planned)
    finding = np.select(
        [
            out["records"] == 0,
            ~plan_year,
            out["task_code"].isna(),
            planned.isna(),
            (amount.round(6) > planned.round(6)).fillna(False).astype(bool),
        ],
        [None, "no_plan_year", "no_task", "task_not_in_plan", "above_plan"],
        default=None,
    )
    out["finding"] = pd.Series(finding, index=out.index, dtype=object)
    out = out.rename(columns={"source_key": "funding_source"})
    cols = [
        "programme_id", "year", "task_code", "task_name", "funding_source", "records",
        "cancelled_records", "amount_mvnd", "planned_mvnd", "difference_mvnd", "executed_pct",
        "finding", "n_files", "import_ids", "source_file", "source_line",
    ]  # fmt: skip
    return out[cols].sort_values(
        ["programme_id", "year", "task_code", "funding_source"], na_position="first"
    )


def _support_areas(f: Frames, r: pd.DataFrame) -> pd.Series:
    """Each record's content area: the one written on it, else its task's (content_area_map)."""
    m = f["content_area_map"][["programme_id", "task_code", "content_area"]].rename(
        columns={"content_area": "mapped"}
    )
    j = r[["programme_id", "task_code"]].merge(m, on=["programme_id", "task_code"], how="left")
    # a record without a task matches no mapping (`=` never matches NULL)
    mapped = j["mapped"].where(r["task_code"].notna().to_numpy()).to_numpy()
    return r["content_area"].where(r["content_area"].notna(), pd.Series(mapped, index=r.index))


def province_support_vs_plan(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    boundary = p["boundary"]
    chosen = _chosen_kc(f, p, with_lines=False)[
        ["programme_id", "province", "province_as_issued", "before_merger"]
    ]
    r = f["support_records"]
    r = r[_active(r) & _in_years(r["year"], p["y0"], p["y1"])]
    r = r[r["programme_id"].isin(chosen["programme_id"])]
    r = r.assign(content_area=_support_areas(f, r))
    r = _opt(r, "content_area", p["content_area"])
    g = r.groupby(["programme_id", "year"])
    paid = pd.DataFrame({"records": g.size(), "support_mvnd": g["amount_mvnd"].sum()}).reset_index()
    bl = f["budget_lines"]
    bl = bl[
        _in_years(bl["year"], p["y0"], p["y1"]) & bl["programme_id"].isin(chosen["programme_id"])
    ]
    bl = _opt(bl, "content_area", p["content_area"])
    gb = bl.groupby(["programme_id", "year"])
    planned = pd.DataFrame(
        {"planned_mvnd": gb["amount_mvnd"].sum(min_count=1), "source_file": gb["source_file"].min()}
    ).reset_index()
    pairs = paid.merge(planned, on=["programme_id", "year"]).merge(chosen, on="programme_id")
    both = paid.merge(planned[["programme_id", "year"]], on=["programme_id", "year"], how="left",
                      indicator=True)  # fmt: skip
    lone = both[both["_merge"] == "left_only"].merge(chosen, on="programme_id")
    unpaired = lone.groupby("province")["support_mvnd"].sum().rename("unpaired_support_mvnd")
    gp = pairs.groupby("province", sort=False)
    out = pd.DataFrame(
        {
            "programme_ids": gp["programme_id"].agg(lambda s: _str_agg(sorted(s.unique()), ", ")),
            "n_years": gp["year"].nunique(),
            "first_year": gp["year"].min(),
            "last_year": gp["year"].max(),
            "records": gp["records"].sum(),
            "support_mvnd": gp["support_mvnd"].sum(),
            "planned_mvnd": gp["planned_mvnd"].sum(min_count=1),
            "issued_names": gp["province_as_issued"].agg(_vi_join),
            "held": gp["province_as_issued"].agg(set),
            "before_merger": gp["before_merger"].any(),
            "source_files": gp["source_file"].agg(
                lambda s: _str_agg(sorted(s.dropna().unique()), ", ")
            ),
        }
    ).reset_index()
    out["support_per_plan_pct"] = 100.0 * out["support_mvnd"] / _nullif0(out["planned_mvnd"])
    out["unpaired_support_mvnd"] = out["province"].map(unpaired).fillna(0.0)
    out["summed_from"] = _summed_from(boundary, out, out["issued_names"])
    out["missing_from"] = _missing(f, boundary, out, out["held"])
    cols = [
        "province", "programme_ids", "n_years", "first_year", "last_year", "records",
        "support_mvnd", "planned_mvnd", "support_per_plan_pct", "unpaired_support_mvnd",
        "summed_from", "missing_from", "source_files",
    ]  # fmt: skip
    return out[cols].sort_values(
        ["support_per_plan_pct", "province"], ascending=[False, True], na_position="last"
    )


def programme_support_years(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _opt(f["support_records"], "programme_id", p["programme_id"])
    r = r.assign(active=_active(r))
    r = r.assign(
        paid=r["amount_mvnd"].where(r["active"]), people=r["beneficiaries"].where(r["active"])
    )
    g = r.groupby("year")
    paid = pd.DataFrame(
        {
            "records": g["active"].sum(),
            "cancelled_records": g["active"].agg(lambda s: int((~s).sum())),
            "amount_mvnd": g["paid"].sum(min_count=1),
            "beneficiaries": g["people"].sum(min_count=1),
            "support_files": g["source_file"].agg(
                lambda s: _str_agg(sorted(s.dropna().unique()), ", ")
            ),
        }
    )
    bl = _opt(f["budget_lines"], "programme_id", p["programme_id"])
    gb = bl.groupby("year")
    planned = pd.DataFrame(
        {"planned_mvnd": gb["amount_mvnd"].sum(min_count=1), "source_file": gb["source_file"].min()}
    )
    out = paid.join(planned, how="outer").reset_index()
    for column in ("records", "cancelled_records", "amount_mvnd", "beneficiaries"):
        out[column] = out[column].fillna(0)
    out["executed_pct"] = 100.0 * out["amount_mvnd"] / _nullif0(out["planned_mvnd"])
    cols = [
        "year", "records", "cancelled_records", "amount_mvnd", "beneficiaries", "planned_mvnd",
        "executed_pct", "source_file", "support_files",
    ]  # fmt: skip
    return out[cols].sort_values("year")


def programme_support_areas(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _opt(f["support_records"], "programme_id", p["programme_id"])
    r = r[_active(r)]
    r = r.assign(content_area=_support_areas(f, r))
    g = r.groupby("content_area", dropna=False)
    out = pd.DataFrame(
        {
            "records": g.size(),
            "amount_mvnd": g["amount_mvnd"].sum(),
            "beneficiaries": g["beneficiaries"].sum(),
        }
    ).reset_index()
    total = out["amount_mvnd"].sum()
    out["share_pct"] = 100.0 * out["amount_mvnd"] / total if total else np.nan
    bl = _opt(f["budget_lines"], "programme_id", p["programme_id"])
    bl = bl[bl["content_area"].notna()]
    planned = bl.groupby("content_area")["amount_mvnd"].sum(min_count=1).rename("planned_mvnd")
    out["planned_mvnd"] = out["content_area"].map(planned)
    cols = ["content_area", "records", "amount_mvnd", "beneficiaries", "share_pct", "planned_mvnd"]
    return out[cols].sort_values("content_area", na_position="last")


def programme_support_establishments(f: Frames, p: dict[str, Any]) -> pd.DataFrame:
    r = _opt(f["support_records"], "programme_id", p["programme_id"])
    r = r[_active(r)]
    g = r.groupby("establishment_id")
    out = pd.DataFrame(
        {
            "establishment": g["establishment"].min(),
            "district": g["district"].min(),
            "commune": g["commune"].min(),
            "records": g.size(),
            "amount_mvnd": g["amount_mvnd"].sum(),
            "beneficiaries": g["beneficiaries"].sum(),
            "first_year": g["year"].min(),
            "last_year": g["year"].max(),
        }
    ).reset_index()
    total = out["amount_mvnd"].sum()
    out["share_pct"] = 100.0 * out["amount_mvnd"] / total if total else np.nan
    out["_order"] = out["amount_mvnd"].round(6)
    out = out.sort_values(["_order", "establishment_id"], ascending=[False, True])
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    if p["limit"] is not None:
        out = out[out["rank"] <= int(p["limit"])]
    cols = [
        "rank", "establishment_id", "establishment", "district", "commune", "records",
        "amount_mvnd", "share_pct", "beneficiaries", "first_year", "last_year",
    ]  # fmt: skip
    return out[cols]


PORTS: dict[str, Port] = {
    fn.__name__: fn
    for fn in (
        area_choices,
        budget_alloc_programme,
        budget_alloc_shares,
        budget_alloc_tree,
        budget_alloc_years,
        budget_lines,
        budget_lines_grouped,
        budget_shares,
        execution_years,
        filter_choices,
        funding_shares,
        percentage_checks,
        period_comparable,
        period_price_years,
        period_programmes,
        programme_budgets,
        programme_budget_years,
        programme_findings,
        programme_list,
        programme_overview,
        programme_shares,
        programme_support_areas,
        programme_support_establishments,
        programme_support_years,
        province_budget_per_year,
        province_shares,
        province_funding_shares,
        province_support_vs_plan,
        province_unit_costs,
        quality_check_counts,
        quality_discrepancies,
        quality_findings,
        quality_uncertain_targets,
        quality_unmapped_tasks,
        quality_unprinted_cells,
        reconciliation,
        source_documents,
        source_figures,
        support_by_area,
        support_by_district,
        support_by_province,
        support_by_source,
        support_by_year,
        support_cells,
        support_district_cells,
        support_plan_checks,
        support_programme_cells,
        support_programme_establishments,
        support_establishment_bounds,
        support_establishment_cells,
        support_establishment_sources,
        support_establishments,
        support_sources,
        support_status_cells,
        support_status_counts,
        support_top_establishments,
        support_year_gaps,
        support_yoy,
        target_page_programmes,
        target_page_results,
        target_results,
        target_results_by_year,
        timeline_programmes,
        timeline_tasks,
        total_checks,
    )
}
# Why a query has no pandas port (printed in the benchmark instead of a number).
NO_PORT: dict[str, str] = {}
