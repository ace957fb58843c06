"""The frame: page config, shared sidebar filters kept in the URL, navigation."""

from __future__ import annotations

import streamlit as st

from plans import settings
from plans.app.cache import (
    DatabaseDamagedError,
    area_names,
    connection,
    opened,
    programme_titles,
    sidebar,
)
from plans.app.layout import phone_style
from plans.app.memory import start as release_when_idle
from plans.app.state import (
    AREA_MODES,
    BOUNDARIES,
    Filters,
    clamp_years,
    filter_buttons,
    from_query_params,
    to_query_params,
)
from plans.app.ui import (
    CHOSEN,
    DEEP_LINK,
    carry_provinces,
    province_column,
    remember,
    sync_url,
)
from plans.escape import markdown_literal
from plans.messages import N_, t

# Before the sidebar (and so the reader's language) exists: the title stays Vietnamese.
st.set_page_config(
    page_title=t("frame.page_title", "vi"), page_icon=":material/bar_chart:", layout="wide"
)
phone_style()  # narrow screens: filters, charts and presentation mode fit a phone

# First start (or data/ changed since the last build): build the database before any page
# reads it. Cached per process, so later reruns cost nothing.
try:
    if opened(str(settings.DB_PATH)):
        connection(str(settings.DB_PATH))  # built: no spinner (a transient element) on a visit
    else:
        # before the sidebar: the reader's language is not known yet, so both are shown
        with st.spinner(" / ".join(t("frame.building_db", code) for code in ("vi", "en"))):
            connection(str(settings.DB_PATH))
except DatabaseDamagedError:
    from plans.app.recovery import damaged_database

    damaged_database()  # a clear message and a rebuild button instead of a stack trace; stops

# once per process: the shared caches dropped and memory handed back when nobody has read them
# for a while (plans.app.memory, settings.RELEASE_IDLE_S)
release_when_idle()

# the filters' choices, computed once per database file (plans.app.cache.sidebar)
offered = sidebar()
choices = offered.choices
PROVINCE_PAIRS = offered.pairs

# The URL is read once per session; afterwards the reader's choices are kept in CHOSEN.
first_run = "url_state" not in st.session_state
if first_run:
    start = from_query_params(st.query_params.to_dict(), choices)
    st.session_state["url_state"] = start
    st.session_state["lang"] = start.lang
    st.session_state[CHOSEN] = {
        "f_boundary": start.boundary,
        "f_provinces": list(start.provinces),
        "f_programme": start.programme,
        "f_area_mode": start.area_mode,
        "f_area": start.area,
        "f_years": (start.year_from, start.year_to),
    }

side = st.sidebar
lang = side.radio(
    " / ".join(t("frame.lang", code) for code in ("vi", "en")),
    options=["vi", "en"],
    # each language named in its own words: "Tiếng Việt", "English"
    format_func=lambda code: t("frame.lang_name", code),
    key="lang",
    horizontal=True,
)
side.subheader(t("frame.filters", lang))
# Each filter is a button naming its current value ("Tỉnh: Tất cả"); its widget opens from it.
# A closed popover's widgets are not drawn: the filters cost the first chart nothing (the
# always-open widgets were 0,4-0,5 s of browser work per visit, BENCHMARKS.md). Nor does the
# browser send back the value of a filter never opened, and on a page change Streamlit then
# forgets it: so the frame keeps the choices itself (each widget records its change, every
# run sets the widgets from the record, so the view is known before the widgets exist).
chosen = st.session_state[CHOSEN]
if chosen.get("f_boundary") not in BOUNDARIES:
    chosen["f_boundary"] = "current"
boundary = chosen["f_boundary"]
# the provinces are names of the chosen boundary view, and so is the programme list
options = choices.province_options(boundary)
provinces = [p for p in chosen["f_provinces"] if p in options]
chosen["f_provinces"] = provinces
titles = programme_titles(province_column(boundary), tuple(provinces or options), lang)
if chosen["f_programme"] not in titles:
    chosen["f_programme"] = next(iter(titles))
names = area_names(chosen["f_area_mode"], chosen["f_programme"], lang)
if chosen["f_area"] not in {"", *names}:
    chosen["f_area"] = ""
low, high = choices.years
chosen["f_years"] = clamp_years(tuple(chosen["f_years"]), choices.years)
for key, value in chosen.items():
    st.session_state[key] = list(value) if key == "f_provinces" else value
state = Filters(
    lang,
    tuple(provinces),
    chosen["f_programme"],
    chosen["f_area_mode"],
    chosen["f_area"],
    *chosen["f_years"],
    boundary=boundary,
)
WIDGET_PX = 420  # an open filter is wider than the sidebar: whole programme titles show
URL_NAME_CHARS = 80  # a link's parameter name can be any length: the notice shows its start
# The two ways of grouping content areas (the area_mode filter's options).
AREA_MODE_NAMES = {"section": N_("frame.section"), "content_area": N_("frame.content_area")}


def area_mode_name(mode: str) -> str:
    """The area_mode filter's option in the reader's language."""
    key = AREA_MODE_NAMES[mode]
    return t(key, lang)


# The two boundary views (Filters.boundary): provinces since 1/7/2025, or as each was issued.
BOUNDARY_OPTIONS = {
    "current": N_("frame.boundary_current"),
    "as_issued": N_("frame.boundary_as_issued"),
}


def boundary_name(view: str) -> str:
    """The boundary filter's option in the reader's language."""
    key = BOUNDARY_OPTIONS[view]
    return t(key, lang)


def switch_boundary() -> None:
    """The boundary filter's on_change: record the view and carry the chosen provinces over
    (Thái Bình becomes Hưng Yên, Hưng Yên the names its programmes were issued by)."""
    record = st.session_state[CHOSEN]
    view = st.session_state["f_boundary"]
    if view != record["f_boundary"]:
        record["f_provinces"] = carry_provinces(record["f_provinces"], view, PROVINCE_PAIRS)
    record["f_boundary"] = view


buttons = filter_buttons(state, titles[state.programme], names.get(state.area, ""))

with side.popover(buttons["boundary"], icon=":material/merge:", width="stretch", key="p_boundary"):
    st.radio(
        t("frame.boundary", lang),
        options=list(BOUNDARIES),
        format_func=boundary_name,
        key="f_boundary",
        on_change=switch_boundary,
        help=t("frame.boundary_help", lang),
        width=WIDGET_PX,
    )
with side.popover(buttons["provinces"], icon=":material/map:", width="stretch", key="p_provinces"):
    # None chosen = every province: 63 chips would be unreadable (and slow to draw).
    st.multiselect(
        t("frame.provinces", lang),
        options=list(options),
        key="f_provinces",
        on_change=remember,
        args=("f_provinces",),
        placeholder=t("frame.all_provinces", lang),
        width=WIDGET_PX,
    )
with side.popover(
    buttons["programme"], icon=":material/description:", width="stretch", key="p_programme"
):
    st.selectbox(
        t("frame.programme", lang),
        options=list(titles),
        format_func=titles.get,
        key="f_programme",
        on_change=remember,
        args=("f_programme",),
        width=WIDGET_PX,
    )
with side.popover(buttons["area"], icon=":material/category:", width="stretch", key="p_area"):
    st.radio(
        t("frame.area_mode", lang),
        options=list(AREA_MODES),
        format_func=area_mode_name,
        key="f_area_mode",
        on_change=remember,
        args=("f_area_mode",),
    )
    st.selectbox(
        t("frame.area", lang),
        options=["", *names],
        format_func=lambda code: t("frame.all", lang) if code == "" else f"{code} · {names[code]}",
        key="f_area",
        on_change=remember,
        args=("f_area",),
        width=WIDGET_PX,
    )
with side.popover(
    buttons["years"], icon=":material/calendar_month:", width="stretch", key="p_years"
):
    st.slider(
        t("frame.years", lang),
        min_value=low,
        max_value=high,
        key="f_years",
        on_change=remember,
        args=("f_years",),
        width=WIDGET_PX,
    )

st.session_state["filters"] = state
notices = st.session_state["url_state"].notices
if notices:
    # the names are the link's own (anyone can write a link): shown as text, never as Markdown
    shown = ", ".join(markdown_literal(name, limit=URL_NAME_CHARS) for name in notices)
    side.warning(t("frame.notice", lang, names=shown))
sync_url(to_query_params(state), first_run)

NAV = {
    "overview": t("frame.nav_overview", lang),
    "budget": t("frame.nav_budget", lang),
    "targets": t("frame.nav_targets", lang),
    "periods": t("frame.nav_periods", lang),
    "provinces": t("frame.nav_provinces", lang),
    "support": t("frame.nav_support", lang),
    "timeline": t("frame.nav_timeline", lang),
    "quality": t("frame.nav_quality", lang),
    "sources": t("frame.nav_sources", lang),
    "imports": t("frame.nav_imports", lang),
    "import_history": t("frame.nav_import_history", lang),
    "presenter": t("frame.nav_presenter", lang),
    "present": t("frame.nav_present", lang),
}
# Material icons ship with Streamlit's own font: emoji need a font the machine may lack.
ICONS = {
    "overview": ":material/dashboard:",
    "budget": ":material/account_balance:",
    "targets": ":material/flag:",
    "periods": ":material/timeline:",
    "provinces": ":material/map:",
    "support": ":material/storefront:",
    "timeline": ":material/calendar_month:",
    "quality": ":material/fact_check:",
    "sources": ":material/description:",
    "imports": ":material/upload_file:",
    "import_history": ":material/history:",
    "presenter": ":material/co_present:",
    "present": ":material/slideshow:",
}
# Pages grouped by what a reader comes for: thirteen links in one list were too many (and
# Streamlit folds a list over twelve behind "View more"); every group stays open.
SECTIONS = {
    "browse": t("frame.group_browse", lang),
    "compare": t("frame.group_compare", lang),
    "data": t("frame.group_data", lang),
    "present": t("frame.group_present", lang),
}
GROUPS = {
    "browse": ("overview", "budget", "targets", "timeline"),
    "compare": ("periods", "provinces", "support"),
    "data": ("quality", "sources", "imports", "import_history"),
    "present": ("presenter", "present"),
}
# The pages are made once per session and language: st.Page resolves its file's path on the
# disk, 13 of them were ~5% of a rerun. Kept per session, not shared: st.navigation marks the
# page it runs on the object itself.
made = st.session_state.get("nav_pages")
if made is None or made[0] != lang:
    made = (
        lang,
        {
            name: st.Page(
                f"pages/{name}.py", title=NAV[name], icon=ICONS[name], default=name == "overview"
            )
            for names in GROUPS.values()
            for name in names
        },
    )
    st.session_state["nav_pages"] = made
by_name = made[1]
pages = {SECTIONS[group]: [by_name[name] for name in names] for group, names in GROUPS.items()}
navigation = st.navigation(pages, expanded=True)
# The first visitor of a fresh server who opened /budget came here from the bare page
# (plans.app.ui.filters): open the page the link asked for, with its filters.
asked = st.session_state.pop(DEEP_LINK, None)
if asked in by_name:
    st.switch_page(by_name[asked], query_params=st.query_params.to_dict())
navigation.run()
