"""Province names are listed in Vietnamese alphabetical order, not in byte order."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import duckdb
import pytest

from benchmarks import bench
from plans import db

ROOT = Path(__file__).resolve().parents[1]

# The Vietnamese alphabet (ă, â, đ, ê, ô, ơ, ư are letters of their own), with the Latin letters
# Vietnamese does not use in their Latin places. Tone marks only break ties (ICU's secondary
# level); a space sorts before a hyphen, both before any letter.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # grave, hook, tilde, acute, dot


def vi_key(name: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """An independent oracle for the order of names in a Vietnamese list."""
    primary: list[int] = []
    secondary: list[int] = []
    for base, marks in re.findall(r"(\S|\s)([\u0300-\u036f]*)", unicodedata.normalize("NFD", name)):
        letter = unicodedata.normalize(
            "NFC", base.lower() + "".join(m for m in marks if m in LETTER_MARKS)
        )
        tone = "".join(m for m in marks if m not in LETTER_MARKS)
        primary.append(
            ALPHABET.index(letter) if letter in ALPHABET else (-2 if base == " " else -1)
        )
        secondary.append(TONES.index(tone))
    return tuple(primary), tuple(secondary)


def test_the_oracle_follows_the_dictionary() -> None:
    # the dictionary's order: a < ă < â; d < đ < e; o < ô < ơ; u < ư; tones only break ties
    assert ["Bạc Liêu", "Bắc Giang", "Bến Tre", "Bình Dương", "Bình Định", "Bình Phước"] == sorted(
        ["Bình Phước", "Bình Định", "Bắc Giang", "Bến Tre", "Bạc Liêu", "Bình Dương"], key=vi_key
    )
    assert ["Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Gia Lai"] == sorted(
        ["Đà Nẵng", "Gia Lai", "Cần Thơ", "Cao Bằng", "Cà Mau"], key=vi_key
    )
    assert ["ca", "cà", "cả", "cã", "cá", "cạ"] == sorted(
        ["cạ", "cá", "cã", "cả", "cà", "ca"], key=vi_key
    )


@pytest.fixture(scope="module")
def national(national_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(national_path), read_only=True)
    yield con
    con.close()


def _params(con: duckdb.DuckDBPyConnection, name: str) -> dict:
    params = bench.param_sets(name, bench.context(con))[0][1]
    return {k: None if k in ("province", "provinces") else v for k, v in params.items()}


# (query, the columns sorted before the province: provinces are ordered within their groups);
# timeline_programmes and period_comparable are left to the check of the SQL below: synthetic
# plans have no timetable and no comparable indicators
LISTS = [
    ("filter_choices", []),
    ("programme_list", []),
    ("period_programmes", []),
    ("target_page_programmes", []),
    ("province_shares", []),
    ("province_budget_per_year", []),
    ("support_yoy", []),
    ("province_unit_costs", ["pair_order"]),
]


@pytest.mark.parametrize(("name", "groups"), LISTS, ids=[n for n, _ in LISTS])
def test_provinces_come_in_vietnamese_order(
    national: duckdb.DuckDBPyConnection, name: str, groups: list[str]
) -> None:
    frame = db.run(national, name, **_params(national, name))
    parts = [frame] if not groups else [p for _, p in frame.groupby(groups, sort=False)]
    seen = [list(dict.fromkeys(p["province"])) for p in parts if len(p)]
    assert seen, f"{name} returned no rows to check"
    assert [sorted(s, key=vi_key) for s in seen] == seen


def test_the_sidebar_lists_da_nang_among_the_d_names(national: duckdb.DuckDBPyConnection) -> None:
    provinces = list(dict.fromkeys(db.run(national, "filter_choices")["province"]))
    assert 63 == len(provinces)
    assert "Cần Thơ" == provinces[provinces.index("Đà Nẵng") - 1]
    assert ["An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang"] == provinces[:4]
    assert "Yên Bái" == provinces[-1]


def orders_provinces_by_bytes(sql: str) -> bool:
    """Whether the statement's last `order by` sorts on province without `collate vi`."""
    sql = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    if "order by" not in sql:
        return False
    last = re.split(r"\border by\b", sql)[-1].split(")")[0]
    return bool(re.search(r"\bprovince\b(?!\s+collate\s+vi\b)", last))


@pytest.mark.parametrize(
    ("expected", "sql"),
    [
        (True, "select * from final\norder by province, period_start"),
        (True, "select * from final order by pair_order, province"),
        (False, "select * from final\norder by province collate vi, period_start"),
        (False, "select rank() over (partition by province order by x) from t"),
        (False, "select * from final -- order by province\norder by year"),
    ],
)
def test_the_order_check_itself(expected: bool, sql: str) -> None:
    assert expected == orders_provinces_by_bytes(sql)


def test_every_list_query_orders_provinces_the_vietnamese_way() -> None:
    # The last `order by` of a query decides what the reader sees; build-time tables are read
    # through other queries, so their internal order does not matter.
    byte_ordered = [
        path.stem
        for path in sorted((ROOT / "queries").glob("*.sql"))
        if not bench.is_build_query(path.stem) and orders_provinces_by_bytes(path.read_text())
    ]
    assert [] == byte_ordered


def test_targets_page_names_the_first_programmes_and_the_count(national_path, monkeypatch) -> None:
    # 63 programmes with results: the notice names the first eight (in Vietnamese order) and
    # the count, not all 63
    import streamlit as st
    from apptest import open_app

    from plans import settings

    monkeypatch.setattr(settings, "DB_PATH", national_path)
    st.cache_data.clear()
    at = open_app("pages/targets.py", prog="YB-2021-2025")  # results: 2011-2015 only
    assert not at.exception, [e.value for e in at.exception]
    assert "YB-2011-2015" == at.selectbox(key="targets_programme").value
    first = "AG-2011-2015, BRVT-2011-2015, BL-2011-2015, BG-2011-2015, BK-2011-2015, BN-2011-2015"
    assert f"{first}, BT-2011-2015, BDX-2011-2015 … (63 chương trình)." in at.info[0].value
