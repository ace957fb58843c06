"""URL state: a copied link reopens the view; anything unknown falls back with a notice."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.app.state import (
    Choices,
    Filters,
    clamp_years,
    defaults,
    filter_buttons,
    from_query_params,
    to_query_params,
)

CHOICES = Choices(
    provinces=("Hà Nội", "Hưng Yên"),
    programmes=("HN-2011-2015", "HN-2016-2020", "HN-2021-2025", "HY-2018-2020"),
    default_programme="HN-2021-2025",
    years=(2011, 2025),
    areas=("KC1", "KC4", "I", "II"),
    provinces_now=("Hà Nội", "Hưng Yên"),
)


def test_empty_url_gives_defaults() -> None:
    state = from_query_params({}, CHOICES)
    assert defaults(CHOICES) == state
    assert () == state.notices
    assert () == state.provinces  # none chosen = every province
    assert "all" == to_query_params(state)["prov"]


def test_round_trip() -> None:
    view = Filters(
        lang="en",
        provinces=("Hưng Yên",),
        programme="HY-2018-2020",
        area_mode="content_area",
        area="KC4",
        year_from=2018,
        year_to=2020,
    )
    params = to_query_params(view)
    assert {"lang": "en", "bounds": "current", "prov": "Hưng Yên", "prog": "HY-2018-2020", "areas": "content_area",
            "area": "KC4", "y0": "2018", "y1": "2020"} == params  # fmt: skip
    assert view == from_query_params(params, CHOICES)


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"lang": "fr"}, ["lang"]),
        ({"prog": "HN-1999"}, ["prog"]),
        ({"prov": "Hà Nội,Atlantis"}, ["prov"]),
        ({"areas": "sections"}, ["areas"]),
        ({"area": "KC99"}, ["area"]),
        ({"y0": "20x5"}, ["y0"]),
        ({"y1": "2099"}, ["y1"]),
        ({"y0": "2020", "y1": "2012"}, ["y0", "y1"]),
        ({"utm_source": "mail"}, ["utm_source"]),
        ({"prov": ""}, ["prov"]),
        ({"prog": "'; drop table programmes; --"}, ["prog"]),
    ],
)
def test_bad_parameters_fall_back_with_notice(params: dict[str, str], bad: list[str]) -> None:
    state = from_query_params(params, CHOICES)
    assert bad == list(state.notices)
    assert defaults(CHOICES) == state


@given(st.dictionaries(st.text(max_size=8), st.text(max_size=30), max_size=6))
def test_any_url_gives_a_valid_state(params: dict[str, str]) -> None:
    state = from_query_params(params, CHOICES)
    assert state.lang in ("vi", "en")
    assert state.programme in CHOICES.programmes
    assert set(state.provinces) <= set(CHOICES.provinces)
    assert 2011 <= state.year_from <= state.year_to <= 2025
    assert state.area in ("", *CHOICES.areas)


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (
            Filters(programme="HN-2021-2025", year_from=2011, year_to=2025),
            {"provinces": "Tỉnh: Tất cả", "area": "Nội dung: Tất cả", "years": "Năm: 2011–2025"},
        ),
        (
            Filters(provinces=("Hà Nội",), area="KC4", year_from=2020, year_to=2020),
            {"provinces": "Tỉnh: Hà Nội", "area": "Nội dung: KC4 · Hội chợ", "years": "Năm: 2020"},
        ),
        (
            Filters(lang="en", provinces=("An Giang", "Bình Dương", "Cà Mau", "Đà Nẵng"),
                    year_from=2016, year_to=2020),
            {"provinces": "Provinces: An Giang, Bình Dương +2", "area": "Content: All",
             "years": "Years: 2016–2020"},
        ),
    ],
)  # fmt: skip
def test_filter_buttons_name_each_filter_and_its_value(view: Filters, expected) -> None:
    labels = filter_buttons(view, "Chương trình Hà Nội", "Hội chợ")
    assert expected == {k: labels[k] for k in expected}
    assert "Chương trình Hà Nội" == labels["programme"]  # a title names itself


def test_filter_buttons_escape_markdown_in_names() -> None:
    # names from an import: a label reads Markdown, so "*" or "[x](y)" must stay literal
    labels = filter_buttons(Filters(provinces=("Tỉnh *A*",)), "[Kế hoạch](http://x)", "")
    assert r"Tỉnh: Tỉnh \*A\*" == labels["provinces"]
    # plans.escape.markdown_literal: every punctuation mark, and a word joiner after "http"
    assert "\\[Kế hoạch\\]\\(http\u2060\\:\\/\\/x\\)" == labels["programme"]


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        ((2016, 2020), (2016, 2020)),  # inside: unchanged
        ((2021, 2030), (2021, 2025)),  # the later years' import was removed: cut to 2025
        ((2026, 2030), (2011, 2025)),  # nothing left inside: every year
        ((2005, 2012), (2011, 2012)),
    ],
)
def test_clamp_years_keeps_the_range_inside_the_database(years, expected) -> None:
    assert expected == clamp_years(years, (2011, 2025))


def test_boundary_view_in_the_url() -> None:
    """A link keeps the boundary view; provinces are checked against that view's names."""
    choices = Choices(
        provinces=("Hà Nội", "Thái Bình"),
        programmes=("HN-2021-2025", "TB-2021-2025"),
        default_programme="HN-2021-2025",
        years=(2021, 2025),
        provinces_now=("Hà Nội", "Hưng Yên"),
    )
    assert "current" == defaults(choices).boundary
    assert "current" == to_query_params(defaults(choices))["bounds"]
    issued = from_query_params({"bounds": "as_issued", "prov": "Thái Bình"}, choices)
    assert ("as_issued", ("Thái Bình",), ()) == (issued.boundary, issued.provinces, issued.notices)
    assert issued == from_query_params(to_query_params(issued), choices)
    # Thái Bình is no province since 1/7/2025: in the current view the name falls back
    now = from_query_params({"bounds": "current", "prov": "Thái Bình"}, choices)
    assert ((), ("prov",)) == (now.provinces, now.notices)
    bad = from_query_params({"bounds": "1=1"}, choices)
    assert ("current", ("bounds",)) == (bad.boundary, bad.notices)
