"""SQLite side of `python -m benchmarks queries`: a DuckDB file copied to SQLite, queried there.

Two ways a query runs on SQLite:
1. `RECORDS_SQL`: the five support aggregations written against the raw `support_records` (the
   contract in the issue), as someone without DuckDB's pre-aggregates would write them; this is the
   baseline for "support aggregations >= 10x faster than SQLite on the same data". Cancelled
   records are left out; a record's content area is its own, else its task's: the filter on it is
   the record's own area or an EXISTS on content_area_map, skipped when $content_area is null
   (40 % faster than a LEFT JOIN for every record); support_by_area and
   support_top_establishments join, as they group or cite by the area;
2. `shim(sql)`: the query file itself through a small dialect shim, then for a few queries an
   `OVERRIDES` rewrite of what the shim cannot express (`union all by name`, `group by all`,
   `unnest(range())`, VALUES with column aliases, a CTE named `values`). The shim:
   - `$name` parameters are kept (sqlite3 binds `$name` from a dict); a list parameter is bound as
     a JSON array and `list_contains(a, x)` becomes `x in (select value from json_each(a))`;
     a list literal `['a', 'b']` becomes the JSON text `'["a", "b"]'`;
   - `expr::type` becomes `cast(expr as type)` (double -> real, varchar -> text, integer and
     bigint -> integer); `'-infinity'::double` becomes -1e999;
   - `any_value(x)` becomes `min(x)`: the queries use it only where x is constant per group;
   - `string_agg([distinct] x, sep [order by k [desc], ...])` becomes the Python aggregate
     `str_agg(x, sep, k, 1 or -1, ...)` / `str_agg_distinct(...)` (SQLite 3.40's group_concat has
     neither ORDER BY nor a separator with DISTINCT);
   - `left(s, n)`, `lpad`, `regexp_extract`, `regexp_replace`, `greatest`, `least` (NULLs
     ignored, as in DuckDB) and `try_cast(x as integer)` are Python functions;
   - `ilike` becomes `like` (SQLite's LIKE ignores case for ASCII letters only);
   - `collate vi` (Vietnamese order of province names) is dropped: rows are compared in any order;
   - an identity CTE `tasks as (select * from tasks)` is dropped (SQLite calls it circular).
Everything else (FILTER, windows, NULLS LAST, NOT MATERIALIZED, true/false) is SQLite 3.40 as is.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from plans import db

# DuckDB column types -> SQLite declared types (affinity); anything else is stored as text.
_TYPES = {
    "BOOLEAN": "INTEGER",
    "TINYINT": "INTEGER",
    "SMALLINT": "INTEGER",
    "INTEGER": "INTEGER",
    "BIGINT": "INTEGER",
    "HUGEINT": "INTEGER",
    "DOUBLE": "REAL",
    "FLOAT": "REAL",
    "VARCHAR": "TEXT",
}
_KEYWORDS = frozenset(
    "select from where and or not in as on by then else when case end exists with union all "
    "distinct having limit join values".split()
)
_CASTS = {"double": "real", "varchar": "text", "integer": "integer", "bigint": "integer"}
COPY_BATCH = 200_000


def duckdb_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The user tables of a DuckDB plan database."""
    rows = con.execute(
        "select table_name from duckdb_tables() "
        "where database_name = current_database() and schema_name = 'main' order by table_name"
    ).fetchall()
    return [r[0] for r in rows]


def copy_database(duck_path: Path, sqlite_path: Path) -> dict[str, Any]:
    """Copy every table of a DuckDB file into a fresh SQLite file; seconds, rows and size.

    pandas' `to_sql` writes the rows (so no SQL is built here); the declared types follow
    DuckDB's, so integers stay integers (string concatenation of years reads '2011', not
    '2011.0'). No index is added: SQLite builds automatic indexes for joins by itself. ANALYZE
    runs at the end (part of the copy time) so the planner knows the table sizes.
    """
    sqlite_path.unlink(missing_ok=True)
    start = time.perf_counter()
    rows = 0
    with db.connect(duck_path, read_only=True) as con:
        out = sqlite3.connect(sqlite_path)
        try:
            out.execute("pragma journal_mode = off")
            out.execute("pragma synchronous = off")
            for table in duckdb_tables(con):
                rel = con.table(table)
                types = {
                    c: _TYPES.get(str(t), "TEXT")
                    for c, t in zip(rel.columns, rel.types, strict=True)
                }
                reader = rel.to_arrow_reader(COPY_BATCH)
                first = True
                for batch in reader:
                    frame = batch.to_pandas()
                    frame.to_sql(
                        table,
                        out,
                        if_exists="fail" if first else "append",
                        index=False,
                        dtype=types,
                    )
                    rows += len(frame)
                    first = False
                if first:  # an empty table still exists, with its columns
                    rel.limit(0).df().to_sql(table, out, index=False, dtype=types)
            out.commit()
            out.execute("analyze")
            out.commit()
        finally:
            out.close()
    return {
        "seconds": time.perf_counter() - start,
        "rows": rows,
        "bytes": sqlite_path.stat().st_size,
    }


# --- functions SQLite lacks ---------------------------------------------------------------


def _left(text: str | None, n: int | None) -> str | None:
    return None if text is None or n is None else str(text)[: int(n)]


def _lpad(text: Any, width: int | None, fill: str | None) -> str | None:
    if text is None or width is None or fill is None:
        return None
    text = str(text)
    width = int(width)
    if len(text) >= width:
        return text[:width]
    pad = (fill * width)[: width - len(text)]
    return pad + text


@functools.lru_cache(maxsize=256)
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _regexp_extract(text: str | None, pattern: str | None) -> str | None:
    if text is None or pattern is None:
        return None
    match = _pattern(pattern).search(str(text))
    return match.group(0) if match else ""


def _regexp_replace(text: str | None, pattern: str | None, replacement: str | None) -> str | None:
    """DuckDB's regexp_replace: the first match replaced, `\\1` naming a group (as `re` does)."""
    if text is None or pattern is None or replacement is None:
        return None
    return _pattern(pattern).sub(replacement, str(text), count=1)


def _greatest(*values: Any) -> Any:
    """DuckDB's greatest: NULL arguments are ignored (SQLite's max(a, b) would give NULL)."""
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _least(*values: Any) -> Any:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _try_int(value: Any) -> int | None:
    """DuckDB's try_cast(x as integer): NULL where the text is not an integer ('' included)."""
    if value is None:
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


class _StrAgg:
    """string_agg(x, sep order by k1 [desc], ...) as str_agg(x, sep, k1, dir1, ...).

    dir is 1 (asc) or -1 (desc); NULL keys sort last either way (DuckDB's default); ties keep
    the order the rows came in.
    """

    distinct = False

    def __init__(self) -> None:
        self.items: list[tuple[tuple[Any, ...], int, str]] = []
        self.sep = ","
        self.dirs: tuple[int, ...] = ()

    def step(self, value: Any, sep: str, *keys: Any) -> None:
        if value is None:
            return
        self.sep = sep
        self.dirs = tuple(keys[1::2])
        self.items.append((tuple(keys[0::2]), len(self.items), str(value)))

    def _compare(self, a: tuple[Any, ...], b: tuple[Any, ...]) -> int:
        for x, y, direction in zip(a[0], b[0], self.dirs, strict=True):
            if x == y:
                continue
            if x is None or y is None:
                return 1 if x is None else -1
            return direction * (1 if x > y else -1)
        return a[1] - b[1]

    def finalize(self) -> str | None:
        if not self.items:
            return None
        seen: set[str] = set()
        out = []
        for _, _, value in sorted(self.items, key=functools.cmp_to_key(self._compare)):
            if self.distinct and value in seen:
                continue
            seen.add(value)
            out.append(value)
        return self.sep.join(out)


class _StrAggDistinct(_StrAgg):
    distinct = True


def connect(path: Path) -> sqlite3.Connection:
    """Open a SQLite copy read-only with the functions the shim needs.

    The page cache and memory map are large enough to hold the 10M-record file, so SQLite is
    measured on warm data, as DuckDB and pandas are.
    """
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    # PRAGMA values cannot be bound; both statements are written out
    con.execute("pragma cache_size = -524288")  # 512 MiB page cache
    con.execute("pragma mmap_size = 4294967296")  # up to 4 GiB memory-mapped
    con.create_function("sql_left", 2, _left, deterministic=True)
    con.create_function("lpad", 3, _lpad, deterministic=True)
    con.create_function("regexp_extract", 2, _regexp_extract, deterministic=True)
    con.create_function("regexp_replace", 3, _regexp_replace, deterministic=True)
    con.create_function("try_int", 1, _try_int, deterministic=True)
    con.create_function("greatest", -1, _greatest, deterministic=True)
    con.create_function("least", -1, _least, deterministic=True)
    con.create_aggregate("str_agg", -1, _StrAgg)
    con.create_aggregate("str_agg_distinct", -1, _StrAggDistinct)
    return con


# --- the dialect shim -------------------------------------------------------------------


def _strip_comments(sql: str) -> str:
    """Drop -- comments outside string literals."""
    out = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "'":
            j = i + 1
            while j < n:
                if sql[j] == "'" and (j + 1 >= n or sql[j + 1] != "'"):
                    break
                j += 2 if sql[j] == "'" else 1
            out.append(sql[i : j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _close_paren(sql: str, open_at: int) -> int:
    """Index of the parenthesis closing the one at `open_at` (string literals skipped)."""
    depth = 0
    i = open_at
    in_str = False
    while i < len(sql):
        c = sql[i]
        if in_str:
            if c == "'":
                in_str = False
        elif c == "'":
            in_str = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced parenthesis at {open_at}")


def _open_paren(sql: str, close_at: int) -> int:
    depth = 0
    in_str = False
    for i in range(close_at, -1, -1):
        c = sql[i]
        if in_str:
            if c == "'":
                in_str = False
        elif c == "'":
            in_str = True
        elif c == ")":
            depth += 1
        elif c == "(":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError(f"unbalanced parenthesis at {close_at}")


def _split_top(text: str, sep_pattern: str) -> list[str]:
    """Split at a pattern that occurs outside parentheses and string literals."""
    parts: list[str] = []
    depth, start, i, in_str = 0, 0, 0, False
    regex = re.compile(sep_pattern, re.IGNORECASE)
    while i < len(text):
        c = text[i]
        if in_str:
            in_str = c != "'"
        elif c == "'":
            in_str = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0:
            match = regex.match(text, i)
            word = sep_pattern[0].isalpha()  # a keyword must not end another word
            if match and not (word and i and (text[i - 1].isalnum() or text[i - 1] == "_")):
                parts.append(text[start:i])
                i = start = match.end()
                continue
        i += 1
    parts.append(text[start:])
    return parts


def _rewrite_calls(sql: str, name: str, rewrite: Any) -> str:
    """Replace every call `name(args)` by rewrite(args_text) (innermost last is fine here)."""
    pattern = re.compile(rf"\b{name}\s*\(", re.IGNORECASE)
    while True:
        match = pattern.search(sql)
        if not match:
            return sql
        open_at = match.end() - 1
        close_at = _close_paren(sql, open_at)
        sql = sql[: match.start()] + rewrite(sql[open_at + 1 : close_at]) + sql[close_at + 1 :]


def _string_agg(args: str) -> str:
    body = args.strip()
    distinct = bool(re.match(r"distinct\b", body, re.IGNORECASE))
    if distinct:
        body = body[len("distinct") :].strip()
    head, *order = _split_top(body, r"order\s+by\b")
    value, sep = (part.strip() for part in _split_top(head, ","))
    keys: list[str] = []
    for key in _split_top(order[0], ",") if order else []:
        key = re.sub(r"\s+asc\s*$", "", key.strip(), flags=re.IGNORECASE)
        desc = re.search(r"\s+desc\s*$", key, re.IGNORECASE)
        keys += [key[: desc.start()], "-1"] if desc else [key, "1"]
    fn = "str_agg_distinct" if distinct else "str_agg"
    return fn + "(" + ", ".join([value, sep, *keys]) + ")"


def _try_cast(args: str) -> str:
    expr, typ = _split_top(args, r"as\b")
    if typ.strip().lower() not in ("integer", "bigint"):
        raise ValueError(f"try_cast to {typ.strip()} has no SQLite port")
    return "try_int(" + expr.strip() + ")"


def _casts(sql: str) -> str:
    """expr::type -> cast(expr as type), walking back over a call, a literal or a name."""
    pattern = re.compile(r"::\s*([a-z]+)", re.IGNORECASE)
    while True:
        match = pattern.search(sql)
        if not match:
            return sql
        typ = match.group(1).lower()
        end = match.start()
        if sql[end - 1] == ")":
            start = _open_paren(sql, end - 1)
            # a function call (`sum(x)::bigint`), not a keyword before a parenthesis
            name = re.search(r"[A-Za-z_][A-Za-z0-9_]*$", sql[:start])
            if name and name.group(0).lower() not in _KEYWORDS:
                start = name.start()
        elif sql[end - 1] == "'":
            start = sql.rfind("'", 0, end - 1)
        else:
            name = re.search(r"[A-Za-z0-9_.$]+$", sql[:end])
            start = name.start() if name else end
        expr = sql[start:end]
        if typ == "double" and expr.strip("'").lower() in ("-infinity", "infinity"):
            replacement = "-1e999" if expr.startswith("'-") else "1e999"
        else:
            replacement = "cast(" + expr + " as " + _CASTS[typ] + ")"
        sql = sql[:start] + replacement + sql[match.end() :]


def _list_literal(match: re.Match[str]) -> str:
    items = re.findall(r"'((?:[^']|'')*)'", match.group(0))
    text = json.dumps([i.replace("''", "'") for i in items], ensure_ascii=False)
    return "'" + text.replace("'", "''") + "'"


def shim(sql: str) -> str:
    """DuckDB SQL of a query file -> SQLite SQL (see the module docstring for the rules)."""
    sql = _strip_comments(sql)
    # `tasks as (select * from tasks)`: DuckDB reads the table, SQLite sees a circular CTE;
    # such an identity CTE changes nothing, so it is dropped
    sql = re.sub(r"\bwith\s+(\w+)\s+as\s*\(\s*select\s+\*\s+from\s+\1\s*\)\s*,", "with ", sql)
    sql = re.sub(r",\s*(\w+)\s+as\s*\(\s*select\s+\*\s+from\s+\1\s*\)", "", sql)
    sql = re.sub(r"\[\s*'(?:[^']|'')*'(?:\s*,\s*'(?:[^']|'')*')*\s*\]", _list_literal, sql)
    sql = re.sub(
        r"\blist_contains\(\s*([$\w.]+)\s*,\s*([$\w.]+)\s*\)",
        r"(\2 in (select value from json_each(\1)))",
        sql,
    )
    sql = re.sub(r"\bany_value\s*\(", "min(", sql, flags=re.IGNORECASE)
    sql = re.sub(r"\bleft\s*\(", "sql_left(", sql, flags=re.IGNORECASE)
    sql = re.sub(r"\bilike\b", "like", sql, flags=re.IGNORECASE)
    sql = re.sub(r"\s+collate\s+vi\b", "", sql, flags=re.IGNORECASE)
    sql = _rewrite_calls(sql, "string_agg", _string_agg)
    sql = _rewrite_calls(sql, "try_cast", _try_cast)
    return _casts(sql)


def bind(params: dict[str, Any]) -> dict[str, Any]:
    """DuckDB parameters -> sqlite3 ones: lists as JSON arrays (read with json_each)."""
    return {
        k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | tuple) else v
        for k, v in params.items()
    }


# Build steps SQLite is not asked to run, and why. Only tables materialised at build (never a
# dashboard query) may be here: tests/test_bench.py holds that.
NOT_ON_SQLITE: dict[str, str] = {
    "programme_provinces": "build step over the 63-row provinces table; its `members` column "
    "is a DuckDB list, which SQLite has no type for",
    "programme_content_lists": "build step over the content-area lists: dates parsed with "
    "try_strptime and picked with max_by/min_by, which SQLite does not have",
}


def sql_for(name: str) -> tuple[str | None, str]:
    """The SQLite statement for a query and how it was made ('records', 'override', 'shim');
    None and the reason for a build step SQLite is not asked to run (NOT_ON_SQLITE)."""
    if name in NOT_ON_SQLITE:
        return None, NOT_ON_SQLITE[name]
    if name in RECORDS_SQL:
        return RECORDS_SQL[name], "records"
    sql = shim(db.load_query(name))
    if name in OVERRIDES:
        return OVERRIDES[name](sql), "override"
    return sql, "shim"


def run(con: sqlite3.Connection, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    """Run one statement and return its rows as a DataFrame (as DuckDB's .df() does)."""
    cur = con.execute(sql, bind(params))
    columns = [d[0] for d in cur.description]
    return pd.DataFrame.from_records(cur.fetchall(), columns=columns)


# --- the support aggregations from the records ---------------------------------------------

RECORDS_SQL: dict[str, str] = {
    "support_by_province": """
with names as (
    -- the name each written province counts under in the boundary view
    select
        province as written,
        case when $boundary = 'current' then successor else province end as province
    from provinces
),
records as (
    select
        coalesce(n.province, r.province) as province,
        r.province as written,
        r.establishment_id,
        r.year,
        r.amount_mvnd,
        r.beneficiaries
    from support_records as r
    left join names as n on n.written = r.province
    where
        ($provinces is null or coalesce(n.province, r.province) in (
            select value from json_each($provinces)
        ))
        and r.status != 'cancelled'
        and ($y0 is null or r.year >= $y0)
        and ($y1 is null or r.year <= $y1)
        and ($content_area is null or r.content_area = $content_area or (
            r.content_area is null and exists (
                select 1 from content_area_map as m
                where
                    m.programme_id = r.programme_id
                    and m.task_code = r.task_code
                    and m.content_area = $content_area
            )
        ))
),
merger as (
    select cast(substr(cast(max(changed_on) as text), 1, 4) as integer) as merger_year
    from provinces
),
totals as (
    select
        r.province,
        count(*) as records,
        count(distinct r.establishment_id) as establishments,
        sum(r.amount_mvnd) as amount_mvnd,
        sum(r.beneficiaries) as beneficiaries,
        max(case when r.year < m.merger_year then 1 else 0 end) = 1 as before_merger
    from records as r
    cross join merger as m
    group by r.province
),
old as (
    -- the old provinces a row holds records of: another name, or its own before the merger
    select distinct r.province, r.written
    from records as r
    cross join merger as m
    where r.written != r.province or r.year < m.merger_year
),
old_names as (
    select province, str_agg(written, ', ', written, 1) as old_names
    from old
    group by province
),
missing as (
    select t.province, str_agg(p.province, ', ', p.province, 1) as missing_from
    from totals as t
    inner join provinces as p on p.successor = t.province
    where
        $boundary = 'current'
        and t.before_merger
        and not exists (
            select 1 from old as o where o.province = t.province and o.written = p.province
        )
    group by t.province
)
select
    t.province,
    t.records,
    t.establishments,
    t.amount_mvnd,
    t.beneficiaries,
    100.0 * t.amount_mvnd / nullif(sum(t.amount_mvnd) over (), 0) as share_pct,
    case
        when $boundary = 'current' and o.old_names != t.province then o.old_names
    end as summed_from,
    x.missing_from
from totals as t
left join old_names as o on o.province = t.province
left join missing as x on x.province = t.province
order by t.amount_mvnd desc, t.province
""",
    "support_by_year": """
with names as (
    -- the name each written province counts under in the boundary view
    select
        province as written,
        case when $boundary = 'current' then successor else province end as province
    from provinces
),
records as (
    select
        coalesce(n.province, r.province) as province,
        r.province as written,
        r.establishment_id,
        r.year,
        r.amount_mvnd,
        r.beneficiaries
    from support_records as r
    left join names as n on n.written = r.province
    where
        ($provinces is null or coalesce(n.province, r.province) in (
            select value from json_each($provinces)
        ))
        and r.status != 'cancelled'
        and ($y0 is null or r.year >= $y0)
        and ($y1 is null or r.year <= $y1)
        and ($content_area is null or r.content_area = $content_area or (
            r.content_area is null and exists (
                select 1 from content_area_map as m
                where
                    m.programme_id = r.programme_id
                    and m.task_code = r.task_code
                    and m.content_area = $content_area
            )
        ))
)

select
    year,
    count(*) as records,
    sum(amount_mvnd) as amount_mvnd,
    sum(beneficiaries) as beneficiaries
from records
group by year
order by year
""",
    "support_by_area": """
with names as (
    -- the name each written province counts under in the boundary view
    select
        province as written,
        case when $boundary = 'current' then successor else province end as province
    from provinces
),
records as (
    select
        coalesce(n.province, r.province) as province,
        r.province as written,
        r.establishment_id,
        r.year,
        coalesce(r.content_area, m.content_area) as content_area,
        r.amount_mvnd,
        r.beneficiaries
    from support_records as r
    left join content_area_map as m
        on m.programme_id = r.programme_id and m.task_code = r.task_code
    left join names as n on n.written = r.province
    where
        ($provinces is null or coalesce(n.province, r.province) in (
            select value from json_each($provinces)
        ))
        and r.status != 'cancelled'
        and ($y0 is null or r.year >= $y0)
        and ($y1 is null or r.year <= $y1)
        and ($content_area is null or coalesce(r.content_area, m.content_area) = $content_area)
),
areas as (
    select
        content_area,
        count(*) as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries) as beneficiaries
    from records
    group by content_area
)
select *, 100.0 * amount_mvnd / nullif(sum(amount_mvnd) over (), 0) as share_pct
from areas
order by content_area is null, content_area
""",
    "support_top_establishments": """
with names as (
    -- the name each written province counts under in the boundary view
    select
        province as written,
        case when $boundary = 'current' then successor else province end as province
    from provinces
),
counted as (
    select * from support_records where status != 'cancelled'
),
shown as (
    -- each establishment under the name written on its most recent record
    select
        establishment_id,
        establishment,
        row_number() over (order by province, establishment, establishment_id) as establishment_no
    from (
        select
            establishment_id,
            establishment,
            province,
            row_number() over (
                partition by establishment_id
                order by
                    year desc, made_on desc nulls last, import_id desc nulls last,
                    source_line desc nulls last, establishment, province
            ) as recency
        from counted
    )
    where recency = 1
),
records as (
    select
        coalesce(n.province, r.province) as province,
        r.province as written,
        r.establishment_id,
        r.year,
        coalesce(r.content_area, m.content_area) as content_area,
        r.source_file,
        r.source_line,
        r.amount_mvnd,
        r.beneficiaries
    from counted as r
    left join content_area_map as m
        on m.programme_id = r.programme_id and m.task_code = r.task_code
    left join names as n on n.written = r.province
    where
        ($provinces is null or r.province in (
            select written from names where province in (select value from json_each($provinces))
        ))
        and ($y0 is null or r.year >= $y0)
        and ($y1 is null or r.year <= $y1)
        and ($content_area is null or coalesce(r.content_area, m.content_area) = $content_area)
),
sums as (
    select
        establishment_id,
        count(*) as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries) as beneficiaries,
        str_agg_distinct(province, ', ', province, 1) as province,
        str_agg_distinct(written, ', ', written, 1) as province_written
    from records
    group by establishment_id
),
ranked as (
    select
        row_number() over (order by round(s.amount_mvnd, 6) desc, e.establishment_no) as rank,
        s.*,
        e.establishment
    from sums as s
    inner join shown as e on e.establishment_id = s.establishment_id
),
cells as (
    -- a file's rows cell by cell (year, province written, area), as the pre-aggregate has them
    select
        establishment_id, source_file, year, written, content_area,
        str_agg(cast(source_line as text), ';', source_line, 1) as lines
    from records
    where source_line is not null
    group by establishment_id, source_file, year, written, content_area
),
files as (
    select
        establishment_id,
        source_file,
        str_agg(lines, ';', year, 1, written, 1, content_area, 1) as lines
    from cells
    group by establishment_id, source_file
),
refs as (
    select
        establishment_id,
        str_agg(source_file, '/', source_file, 1) as source_files,
        str_agg(lines, '/', source_file, 1) as source_lines
    from files
    group by establishment_id
)
select
    r.rank, r.province, r.establishment, r.records, r.amount_mvnd, r.beneficiaries,
    r.province_written, r.establishment_id, f.source_files, f.source_lines
from ranked as r
left join refs as f on f.establishment_id = r.establishment_id
where $limit is null or r.rank <= $limit
order by r.rank
""",
    "support_yoy": """
with names as (
    -- the name each written province counts under in the boundary view
    select
        province as written,
        case when $boundary = 'current' then successor else province end as province
    from provinces
),
records as (
    select
        coalesce(n.province, r.province) as province,
        r.province as written,
        r.establishment_id,
        r.year,
        r.amount_mvnd,
        r.beneficiaries
    from support_records as r
    left join names as n on n.written = r.province
    where
        ($provinces is null or coalesce(n.province, r.province) in (
            select value from json_each($provinces)
        ))
        and r.status != 'cancelled'
        and ($y0 is null or r.year >= $y0)
        and ($y1 is null or r.year <= $y1)
        and ($content_area is null or r.content_area = $content_area or (
            r.content_area is null and exists (
                select 1 from content_area_map as m
                where
                    m.programme_id = r.programme_id
                    and m.task_code = r.task_code
                    and m.content_area = $content_area
            )
        ))
),
yearly as (
    select province, year, sum(amount_mvnd) as amount_mvnd
    from records
    group by province, year
)
select
    y.province,
    y.year,
    y.amount_mvnd,
    p.amount_mvnd as prev_amount_mvnd,
    100.0 * (y.amount_mvnd - p.amount_mvnd) / nullif(p.amount_mvnd, 0) as change_pct
from yearly as y
left join yearly as p on p.province = y.province and p.year = y.year - 1
order by y.province, y.year
""",
}


# --- hand translations where the shim is not enough -----------------------------------------


def _union_by_name(sql: str) -> str:
    # both branches list the same columns in the same order (mode, l.*, group_*)
    return sql.replace("union all by name", "union all")


def _values_cte(sql: str) -> str:
    # `values` is a keyword in SQLite: the CTE of that name is renamed
    return re.sub(r"\bvalues as \(", "vals as (", sql).replace("join values as", "join vals as")


def _lateral_range(sql: str) -> str:
    # `cross join lateral (select unnest(range(a, b + 1)) as year)`: the years come from a
    # recursive CTE over the span of every programme instead
    years = (
        "with recursive all_years(year) as ("
        " values ((select min(period_start) from programmes))"
        " union all"
        " select year + 1 from all_years where year < (select max(period_end) from programmes)"
        "),"
    )
    sql = re.sub(r"^\s*with\b", lambda _: years, sql, count=1)
    return re.sub(
        r"cross join lateral \(select unnest\(range\(p\.period_start, p\.period_end \+ 1\)\) "
        r"as year\) as y",
        "inner join all_years as y on y.year between p.period_start and p.period_end",
        sql,
    )


def _values_alias(sql: str) -> str:
    # `select * from (values ...) as t (a, b)`: SQLite names VALUES columns column1..; the CTE
    # takes the names instead: `pairs(a, b) as (values ...)`
    match = re.search(
        r"(\w+) as \(\s*select \* from \(\s*(values\b.*?)\)\s*as t \(([^)]*)\)\s*\)", sql, re.S
    )
    if not match:
        raise ValueError("no `(values ...) as t (...)` to rewrite")
    cte = match.group(1) + "(" + match.group(3) + ") as (" + match.group(2) + ")"
    return sql[: match.start()] + cte + sql[match.end() :]


def _group_by_all(sql: str) -> str:
    # `group by all` spelled out (the grouped columns of vs_lines and vs_parts) and
    # `select * exclude (...)` as `select *`: the next CTE names its columns anyway
    stated = (
        "programme_id, scope, section_code, task_code, year, measure, printed_text, "
        "stated_value, precision, note, source_file, source_line, csv_line"
    )
    st_cols = ", ".join("st." + c for c in stated.split(", "))
    r_cols = ", ".join("r." + c for c in stated.split(", ")) + ", r.parts_basis, r.kind"
    first = sql.index("group by all")
    sql = sql[:first] + "group by " + st_cols + sql[first + len("group by all") :]
    sql = sql.replace("group by all", "group by " + r_cols, 1)
    return sql.replace("select * exclude (n_years, n_sections, n_tasks)", "select *")


# Applied after the shim, for what it cannot express.
OVERRIDES: dict[str, Callable[[str], str]] = {
    "budget_lines_grouped": _union_by_name,
    "period_comparable": _values_cte,
    "programme_budgets": _lateral_range,
    "province_unit_costs": _values_alias,
    "total_checks": _group_by_all,
}
