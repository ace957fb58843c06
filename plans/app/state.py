"""Dashboard filter state and its URL form: parse, validate against allow-lists, serialise."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from plans.escape import markdown_literal
from plans.messages import N_, t

LANGS: tuple[str, ...] = ("vi", "en")
AREA_MODES: tuple[str, ...] = ("section", "content_area")
# How provinces are counted (queries/programme_provinces.sql): under the province each programme
# belongs to since 1/7/2025 ("theo địa giới hiện nay"), or under the name it was issued by.
BOUNDARIES: tuple[str, ...] = ("current", "as_issued")
# The boundary view as its sidebar button names it ("Địa giới: hiện nay").
BOUNDARY_NAMES = {
    "current": N_("state.boundary_current"),
    "as_issued": N_("state.boundary_as_issued"),
}
_YEAR = re.compile(r"^\d{4}$")
ALL = "all"


@dataclass(frozen=True)
class Choices:
    """What the filters may hold, read from the database."""

    provinces: tuple[str, ...]  # as the programmes were issued
    programmes: tuple[str, ...]
    default_programme: str
    years: tuple[int, int]
    areas: tuple[str, ...] = ()  # content-area codes and section codes both allowed as `area`
    provinces_now: tuple[str, ...] = ()  # the same programmes' provinces since 1/7/2025

    def province_options(self, boundary: str) -> tuple[str, ...]:
        """The provinces a reader may choose in a boundary view."""
        return self.provinces_now if boundary == "current" else self.provinces


@dataclass(frozen=True)
class Filters:
    """One view of the dashboard: what a copied link must reopen."""

    lang: str = "vi"
    provinces: tuple[str, ...] = ()  # names in the `boundary` view
    programme: str = ""
    area_mode: str = "section"
    area: str = ""  # "" = all
    year_from: int = 0
    year_to: int = 0
    boundary: str = "current"
    notices: tuple[str, ...] = field(default=(), compare=False)


def _one(value: str | Sequence[str] | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return value[-1] if value else None


def defaults(choices: Choices) -> Filters:
    """The view a first visit shows: every province (no province chosen), the latest programme."""
    return Filters(
        provinces=(),
        programme=choices.default_programme,
        year_from=choices.years[0],
        year_to=choices.years[1],
    )


def from_query_params(params: Mapping[str, str | Sequence[str]], choices: Choices) -> Filters:
    """Filters from URL parameters; anything unknown or malformed falls back with a notice."""
    state = defaults(choices)
    notices: list[str] = []
    # `view`: the tab a chart's link opens (plans.present.links), read by ui.view_tabs, not here
    known = {"lang", "bounds", "prov", "prog", "areas", "area", "y0", "y1", "page", "view"}
    for key in params:
        if key not in known:
            notices.append(key)

    lang = _one(params.get("lang"))
    if lang is not None:
        if lang in LANGS:
            state = replace(state, lang=lang)
        else:
            notices.append("lang")

    bounds = _one(params.get("bounds"))
    if bounds is not None:
        if bounds in BOUNDARIES:
            state = replace(state, boundary=bounds)
        else:
            notices.append("bounds")

    prov = _one(params.get("prov"))
    if prov is not None:
        wanted = () if prov == ALL else tuple(p for p in prov.split(",") if p)
        allowed = choices.province_options(state.boundary)
        if prov == ALL or (wanted and all(p in allowed for p in wanted)):
            state = replace(state, provinces=wanted)
        else:
            notices.append("prov")

    prog = _one(params.get("prog"))
    if prog is not None:
        if prog in choices.programmes:
            state = replace(state, programme=prog)
        else:
            notices.append("prog")

    mode = _one(params.get("areas"))
    if mode is not None:
        if mode in AREA_MODES:
            state = replace(state, area_mode=mode)
        else:
            notices.append("areas")

    area = _one(params.get("area"))
    if area is not None:
        if area in ("", ALL) or area in choices.areas:
            state = replace(state, area="" if area == ALL else area)
        else:
            notices.append("area")

    low, high = choices.years
    y0, y1 = _one(params.get("y0")), _one(params.get("y1"))
    years = [state.year_from, state.year_to]
    for i, (name, raw) in enumerate((("y0", y0), ("y1", y1))):
        if raw is None:
            continue
        if _YEAR.match(raw) and low <= int(raw) <= high:
            years[i] = int(raw)
        else:
            notices.append(name)
    if years[0] > years[1]:
        notices.extend(n for n in ("y0", "y1") if params.get(n) is not None)
        years = [low, high]
    state = replace(state, year_from=years[0], year_to=years[1])
    return replace(state, notices=tuple(dict.fromkeys(notices)))


def to_query_params(state: Filters) -> dict[str, str]:
    """The URL parameters for a view: every filter, always (a link carries the whole view)."""
    return {
        "lang": state.lang,
        "bounds": state.boundary,
        # Never an empty value: browsers drop "area=" and Streamlit then re-adds the key on
        # every run, which resets all widgets of a st.navigation app. "all" stands for no filter.
        "prov": ",".join(state.provinces) or ALL,
        "prog": state.programme,
        "areas": state.area_mode,
        "area": state.area or ALL,
        "y0": str(state.year_from),
        "y1": str(state.year_to),
    }


# The sidebar shows each filter as a button naming its current value; the widget opens from it.
_NAMED_PROVINCES = 2  # more than this: "An Giang, Bình Dương +3"


def filter_buttons(state: Filters, programme_title: str, area_name: str) -> dict[str, str]:
    """Labels of the sidebar's filter buttons, one per filter: 'Tỉnh: An Giang, Bình Dương +3'.

    The boundary view has its own button ('Địa giới: hiện nay'): the provinces' names are those
    of that view, so the reader sees which one holds before opening the provinces.
    """
    lang = state.lang
    every = t("state.all", lang)
    named = ", ".join(map(markdown_literal, state.provinces[:_NAMED_PROVINCES])) or every
    more = len(state.provinces) - _NAMED_PROVINCES
    if more > 0:
        named += f" +{more}"
    years = str(state.year_from)
    if state.year_to != state.year_from:
        years += f"–{state.year_to}"
    area = f"{state.area} · {area_name}" if state.area else every
    # Labels read Markdown: names from an import must not turn into links or emphasis.
    key = BOUNDARY_NAMES.get(state.boundary, BOUNDARY_NAMES["current"])
    return {
        "boundary": t("state.boundary", lang, boundary=t(key, lang)),
        "provinces": t("state.provinces", lang, provinces=named),
        "programme": markdown_literal(programme_title),  # a title names itself
        "area": t("state.area", lang, area=markdown_literal(area)),
        "years": t("state.years", lang, years=years),
    }


def clamp_years(years: tuple[int, int], bounds: tuple[int, int]) -> tuple[int, int]:
    """A chosen year range kept inside the years the database holds (all of them if it falls out).

    The bounds shrink when an import that brought later years is removed; a slider whose value
    lies outside its range would stop the page.
    """
    low, high = bounds
    first, last = years
    if first > last or last < low or first > high:
        return (low, high)
    return (max(first, low), min(last, high))
