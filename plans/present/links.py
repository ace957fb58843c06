"""Links that reopen a kit chart live on the public dashboard, and their QR codes."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit

import segno


@dataclass(frozen=True)
class ChartView:
    """Where the dashboard draws a kit chart: a page, its tab, the filters the chart fixes."""

    page: str  # the page's URL path (dashboard.py: st.Page of pages/<page>.py); "" = overview
    view: str | None = None  # the view id of the page's view_tabs; None: a page of one chart
    # Filters the kit's builder fixes whatever the sidebar says (plans.present.deck): a link
    # that kept the reader's value would open another chart than the slide shows.
    fixed: Mapping[str, str] = field(default_factory=dict)


# Each chart of plans.present.deck.KEYS and the page that draws the same figure from the same
# query (pages/*.py). The deck charts ignore the sidebar's years and areas except where fixed.
CHARTS: dict[str, ChartView] = {
    # the overview's share bar (programme_shares) at the section level
    "sections": ChartView("", fixed={"areas": "section"}),
    # budget page, tab "by year": the stack of year_stack, by section as on the slide
    "years": ChartView("budget", "years", {"areas": "section"}),
    # the overview's share bar at the content-area level
    "areas": ChartView("", fixed={"areas": "content_area"}),
    # targets page, tab "achievement %": achievement_chart
    "results": ChartView("targets", "pct"),
    # the period page's budget tab, on the programme's own province; the slide counts it as
    # issued and never sums the old provinces of a merger, so neither does the link
    "periods": ChartView("periods", "budget", {"bounds": "as_issued", "prov": "all"}),
    # province comparison, tab "shares": every province as issued, as on the slide
    "provinces": ChartView("provinces", "shares", {"bounds": "as_issued", "prov": "all"}),
    # the timeline page opens on the sidebar's programme
    "timeline": ChartView("timeline"),
    # the support page's tabs by year, by content area and of the top establishments
    "support_years": ChartView("support", "years"),
    "support_areas": ChartView("support", "areas"),
    "support_top": ChartView("support", "top"),
}

# The values plans.app.state.from_query_params gives a filter the URL leaves out: a printed
# link may drop them and still reopen the same view (this room may not import plans.app;
# tests/test_links.py holds the two together).
DEFAULTS: dict[str, str] = {
    "lang": "vi",
    "bounds": "current",
    "prov": "all",
    "areas": "section",
    "area": "all",
}
PRINTED_SAFE = ",-._~"  # kept as typed: commas between provinces, and the id characters


def chart_link(base_url: str, chart_key: str, params: Mapping[str, str]) -> str:
    """The dashboard URL that opens `chart_key` with the view `params` (URL filter names).

    `params` are plans.app.state.to_query_params of the reader's filters on the page side, or
    just {"lang", "prog"} from the command line. Raises KeyError for a chart no page draws.
    """
    chart = CHARTS[chart_key]
    query = {**params, **chart.fixed}
    fixed_mode = chart.fixed.get("areas")
    if fixed_mode and params.get("areas", DEFAULTS["areas"]) != fixed_mode and "area" in query:
        # a section code means nothing among content areas (and the reverse): all of them
        query["area"] = "all"
    if chart.view:
        query["view"] = chart.view  # last: ui.view_tabs reads it, the frame never writes it
    return f"{base_url.rstrip('/')}/{chart.page}?{urlencode(query, safe=',')}"


def optional_link(base_url: str | None, chart_key: str, params: Mapping[str, str]) -> str | None:
    """chart_link, or None where there is no public address or no page draws the chart."""
    if not base_url or chart_key not in CHARTS:
        return None
    return chart_link(base_url, chart_key, params)


def _readable(value: str) -> str:
    # letters stay letters ("Hà+Nội", not "H%C3%A0+N%E1%BB%99i"): a phone's browser encodes
    # them again when the link is typed
    return "".join(c if c.isalnum() or c in PRINTED_SAFE else quote_plus(c) for c in value)


def printed_link(link: str) -> str:
    """The link as a slide prints it: no scheme, no filter at its default, letters unescaped.

    'khuyencong.example.vn/budget?prog=HN-2021-2025&view=years': typed into a phone it opens
    the same view as the full link the QR code holds.
    """
    parts = urlsplit(link)
    kept = [(k, v) for k, v in parse_qsl(parts.query) if DEFAULTS.get(k) != v]
    query = "&".join(f"{_readable(k)}={_readable(v)}" for k, v in kept)
    return parts.netloc + parts.path + (f"?{query}" if query else "")


def printed_lines(text: str, width: int) -> list[str]:
    """A printed link cut before '/', '?' and '&' into lines of about `width` characters.

    A URL has no spaces: left to the slide or page it breaks mid-word, or not at all.
    """
    pieces: list[str] = []
    for char in text:
        if char in "/?&" and pieces:
            pieces.append(char)
        elif pieces:
            pieces[-1] += char
        else:
            pieces.append(char)
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + len(piece) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return lines


def qr_png(link: str, scale: int = 10) -> bytes:
    """A PNG QR code of `link` (segno; error level M survives a blurred projector or print).

    The border of 4 modules is the quiet zone the standard asks for; without it phones miss
    codes set on a coloured or busy background. Never a Micro QR: few phone cameras read them.
    """
    out = io.BytesIO()
    segno.make(link, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
