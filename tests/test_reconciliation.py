"""Every place where a document's stated figure does not follow from its parts, asserted one by one.

The expected list is the whole list: a new finding or a lost one fails the test.
"""

from __future__ import annotations

import pytest

EXPECTED = [
    # (programme, location as the document names it, kind, stated, computed, file:line)
    pytest.param(
        "HN-2011-2015", "Giải ngân / kế hoạch (mục I)", "stated_percentage", 94.5, 90.27, "001:5",
        id="001:5 giải ngân 77,63 tỷ 'đạt 94,5%' of 86 tỷ is 90,27%",
    ),
    pytest.param(
        "HN-2021-2025", "Mục V, cột Tổng cộng", "section_total_vs_row_totals", 5600, 5100, "000:314",
        id="000:314 section V total 5.600 vs its row totals 5.100",
    ),
    pytest.param(
        "HN-2021-2025", "Mục V, nhiệm vụ V.4, cột Tổng cộng", "row_total", 2500, 3000, "000:325",
        id="000:325 task V.4 total 2.500 vs 5 x 600",
    ),
    pytest.param(
        "HY-2018-2020", "Phần lời, tổng kinh phí", "text_total_vs_text_years", 8374, 8424, "002:162",
        id="002:162 text total 8.374 vs 1.514+3.214+3.696",
    ),
    pytest.param(
        "HY-2018-2020", "Phần lời, kinh phí năm 2020", "text_year_total", 3696, 3646, "002:168",
        id="002:168 text 2020 3.696 vs appendix lines 3.646",
    ),
]  # fmt: skip

FILES = {"000": "000_a7359d0e26246081.txt", "001": "001_e6b8b6afc59054f7.txt",
         "002": "002_3a0caad79bab0308.txt"}  # fmt: skip


@pytest.mark.parametrize(("programme", "location", "kind", "stated", "computed", "where"), EXPECTED)
def test_finding(programme, location, kind, stated, computed, where, con) -> None:
    short, line = where.split(":")
    rows = con.execute(
        "select stated_value, computed_value, difference, source_file, source_line "
        "from reconciliation where programme_id = $p and location = $l and kind = $k",
        {"p": programme, "l": location, "k": kind},
    ).fetchall()
    assert 1 == len(rows)
    got_stated, got_computed, difference, source_file, source_line = rows[0]
    assert stated == pytest.approx(got_stated)
    assert computed == pytest.approx(got_computed, abs=0.005)
    assert stated - computed == pytest.approx(difference, abs=0.005)
    assert (FILES[short], line) == (source_file, source_line)


def test_no_other_findings(con) -> None:
    found = con.execute(
        "select programme_id, location, kind from reconciliation order by all"
    ).fetchall()
    expected = sorted((p.values[0], p.values[1], p.values[2]) for p in EXPECTED)
    assert expected == found


def test_every_stated_total_was_checked(con) -> None:
    # Only the 2016-2020 total (001:99) has no parts to compare: its appendix is not attached.
    unchecked = con.execute(
        "select programme_id, source_line from total_checks where status = 'not_checkable'"
    ).fetchall()
    assert [("HN-2016-2020", "99")] == unchecked
    checked = con.execute("select count(*) from total_checks where status = 'ok'").fetchone()[0]
    assert checked > 150


def test_rounded_text_total_is_within_printed_precision(con) -> None:
    # 000:205 "250,9 tỷ đồng" is precise to 0,1 tỷ: it agrees with the appendix's 250.900.
    status, tolerance = con.execute(
        "select status, tolerance from total_checks where programme_id = 'HN-2021-2025' "
        "and source_line = '205'"
    ).fetchone()
    assert ("ok", 50) == (status, tolerance)


def test_allocated_percentage_follows_from_its_figures(con) -> None:
    # 001:5 "82,155 tỷ đồng, đạt 95,53% kế hoạch" of 86 tỷ: 95,529% rounds to 95,53%.
    status, computed = con.execute(
        "select status, computed_pct from percentage_checks where numerator = 'allocated'"
    ).fetchone()
    assert "ok" == status
    assert 95.53 == pytest.approx(computed, abs=0.005)


def test_percentage_finding_explains_what_the_figure_matches(con) -> None:
    note = con.execute(
        "select note from reconciliation where kind = 'stated_percentage'"
    ).fetchone()[0]
    assert "94,49%" in note
