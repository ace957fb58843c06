"""Chart links and QR codes (plans.present.links): each kit chart reopens on its page and tab."""

from __future__ import annotations

import ast
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from qr_codes import decode
from test_state import CHOICES

from plans.app.state import Filters, from_query_params, to_query_params
from plans.present.deck import KEYS
from plans.present.links import (
    CHARTS,
    DEFAULTS,
    chart_link,
    optional_link,
    printed_lines,
    printed_link,
    qr_png,
)

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://khuyencong.example.vn"
# a reader's view with every filter away from its default, Vietnamese names included
VIEW = to_query_params(
    Filters(
        lang="en",
        provinces=("Hà Nội", "Hưng Yên"),
        programme="HN-2021-2025",
        area_mode="content_area",
        area="KC4",
        year_from=2016,
        year_to=2025,
        boundary="as_issued",
    )
)


@pytest.mark.parametrize(
    ("key", "path", "view"),
    [
        ("sections", "/", None),  # the overview's share bar, by section
        ("years", "/budget", "years"),
        ("areas", "/", None),  # the overview's share bar, by content area
        ("results", "/targets", "pct"),
        ("periods", "/periods", "budget"),
        ("provinces", "/provinces", "shares"),
        ("timeline", "/timeline", None),
        ("support_years", "/support", "years"),
        ("support_areas", "/support", "areas"),
        ("support_top", "/support", "top"),
    ],
)
def test_each_chart_opens_its_page_and_tab(key: str, path: str, view: str | None) -> None:
    parts = urlsplit(chart_link(BASE, key, {"lang": "vi", "prog": "HN-2021-2025"}))
    query = parse_qs(parts.query)
    assert ("https", "khuyencong.example.vn", path) == (parts.scheme, parts.netloc, parts.path)
    assert ([view] if view else None) == query.get("view")
    assert (["vi"], ["HN-2021-2025"]) == (query["lang"], query["prog"])


def test_every_kit_chart_has_a_page() -> None:
    assert set(KEYS) == set(CHARTS)


def _page_views(page: str) -> set[str]:
    """The view ids a page offers: the string keys of its `views` dictionaries."""
    tree = ast.parse((ROOT / "pages" / f"{page}.py").read_text(encoding="utf-8"))
    ids: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "views" for target in node.targets
        ):
            ids |= {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            target = node.targets[0]
            if isinstance(target.value, ast.Name) and target.value.id == "views":
                ids.add(target.slice.value)  # views["execution"] = …
    return ids


@pytest.mark.parametrize("key", sorted(CHARTS))
def test_the_page_and_tab_exist(key: str) -> None:
    chart = CHARTS[key]
    page = chart.page or "overview"  # the default page has the bare address
    assert (ROOT / "pages" / f"{page}.py").is_file()
    if chart.view:
        assert chart.view in _page_views(page)
    else:
        assert set() == _page_views(page)  # a page of one chart: no tabs to choose


def test_the_link_carries_the_readers_view() -> None:
    link = chart_link(BASE + "/", "results", VIEW)
    assert f"{BASE}/targets?" == link.split("?")[0] + "?"  # one slash after the host
    assert {**VIEW, "view": "pct"} == dict(parse_qsl(urlsplit(link).query))
    assert Filters(
        "en", ("Hà Nội", "Hưng Yên"), "HN-2021-2025", "content_area", "KC4", 2016, 2025,
        "as_issued",
    ) == from_query_params(parse_qs(urlsplit(link).query), CHOICES)  # fmt: skip


@pytest.mark.parametrize(
    ("key", "fixed"),
    [
        # the slide groups by section: the reader's content area means nothing among sections
        ("years", {"areas": "section", "area": "all"}),
        ("sections", {"areas": "section", "area": "all"}),
        ("areas", {"areas": "content_area", "area": "KC4"}),
        # the slides count every province as issued
        ("provinces", {"bounds": "as_issued", "prov": "all"}),
        ("periods", {"bounds": "as_issued", "prov": "all"}),
    ],
)
def test_filters_the_slide_fixes_are_fixed_in_the_link(key: str, fixed: dict[str, str]) -> None:
    query = dict(parse_qsl(urlsplit(chart_link(BASE, key, VIEW)).query))
    assert fixed == {name: query[name] for name in fixed}
    assert "en" == query["lang"]


def test_from_query_params_knows_view() -> None:
    state = from_query_params({"prog": "HN-2011-2015", "view": "pct"}, CHOICES)
    assert () == state.notices
    assert "HN-2011-2015" == state.programme


def test_printed_defaults_are_the_states_defaults() -> None:
    assert from_query_params({}, CHOICES) == from_query_params(DEFAULTS, CHOICES)
    assert () == from_query_params(DEFAULTS, CHOICES).notices


def test_the_printed_link_is_short_and_reopens_the_same_view() -> None:
    full = chart_link(BASE, "years", to_query_params(from_query_params({}, CHOICES)))
    printed = printed_link(full)
    assert "khuyencong.example.vn/budget?prog=HN-2021-2025&y0=2011&y1=2025&view=years" == printed
    cli = chart_link(BASE, "results", {"lang": "vi", "prog": "HN-2011-2015"})
    assert "khuyencong.example.vn/targets?prog=HN-2011-2015&view=pct" == printed_link(cli)


@pytest.mark.parametrize("key", sorted(CHARTS))
def test_a_typed_printed_link_opens_what_the_code_opens(key: str) -> None:
    full = chart_link(BASE, key, VIEW)
    printed = printed_link(full)
    # names readable ("Hà+Nội", not "H%C3%A0+N%E1%BB%99i") where the link keeps them
    assert "prov=Hà+Nội,Hưng+Yên" in printed or "prov=" not in printed
    # a phone's browser adds the scheme and encodes the letters; the parameters are the same
    typed = urlsplit("https://" + printed)
    assert from_query_params(parse_qs(urlsplit(full).query), CHOICES) == from_query_params(
        parse_qs(typed.query), CHOICES
    )
    assert parse_qs(urlsplit(full).query).get("view") == parse_qs(typed.query).get("view")


def test_printed_lines_cut_before_separators() -> None:
    lines = printed_lines("khuyencong.example.vn/budget?prog=HN-2021-2025&view=years", 26)
    assert ["khuyencong.example.vn", "/budget?prog=HN-2021-2025", "&view=years"] == lines


def test_no_link_without_address_or_page() -> None:
    assert optional_link("", "years", VIEW) is None
    assert optional_link(None, "years", VIEW) is None
    assert optional_link(BASE, "lines", VIEW) is None  # a chart no page draws
    assert chart_link(BASE, "years", VIEW) == optional_link(BASE, "years", VIEW)
    with pytest.raises(KeyError):
        chart_link(BASE, "lines", VIEW)


def test_the_qr_code_holds_the_whole_link(tmp_path: Path) -> None:
    link = chart_link(BASE, "provinces", VIEW)
    png = tmp_path / "code.png"
    png.write_bytes(qr_png(link))
    assert png.read_bytes().startswith(b"\x89PNG")
    assert [link] == decode(png)


@pytest.mark.parametrize(
    ("key", "prog", "tabs", "tab", "lang"),
    [
        ("years", "HN-2021-2025", "budget_view", "budget.years_tab", "vi"),
        ("results", "HN-2011-2015", "targets_view", "targets.pct_tab", "en"),
        ("provinces", "HN-2021-2025", "provinces_view", "provinces.shares_tab", "vi"),
    ],
)
def test_a_kit_link_opens_its_tab_in_the_dashboard(
    app_db: Path, key: str, prog: str, tabs: str, tab: str, lang: str
) -> None:
    from apptest import open_app

    from plans.messages import t

    link = urlsplit(chart_link(BASE, key, {"lang": lang, "prog": prog}))
    at = open_app(f"pages{link.path}.py", **dict(parse_qsl(link.query)))
    assert not at.exception, [e.value for e in at.exception]
    assert t(tab, lang) == at.session_state[tabs]
    assert tabs != "budget_view" or 1 == len(at.get("plotly_chart"))  # only the open tab drawn
    assert not at.sidebar.warning  # `view` is a known parameter: no notice
