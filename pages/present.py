"""Presentation mode: one chart at a time, large type, no sidebar, for a 1920x1080 projector."""

from __future__ import annotations

import streamlit as st

from plans import settings
from plans.app.cache import charts
from plans.app.state import to_query_params
from plans.app.ui import filters, presentation_style
from plans.escape import markdown_literal
from plans.messages import t
from plans.present.links import optional_link, printed_link, qr_png

f = filters()
lang = f.lang

presentation_style()  # hides the sidebar and enlarges type (a fixed stylesheet, no user text)
chosen = st.session_state.get("presenter_charts")
available = charts(f.programme, lang)
by_key = {c.key: c for c in available}
slides = [by_key[k] for k in chosen if k in by_key] if chosen else available
if not slides:
    st.info(t("present.none", lang))
    st.stop()
index = st.session_state.get("present_index", 0) % len(slides)
prev, counter, following, leave = st.columns([1, 3, 1, 1])
if prev.button(t("present.prev", lang), key="present_prev", width="stretch"):
    index = (index - 1) % len(slides)
if following.button(t("present.next", lang), key="present_next", width="stretch"):
    index = (index + 1) % len(slides)
st.session_state["present_index"] = index
counter.markdown(f"### {index + 1} / {len(slides)}")
leave.page_link("pages/presenter.py", label=t("present.back", lang), icon=":material/close:")
chart = slides[index]
st.markdown(f"# {markdown_literal(chart.headline)}")
figure = chart.figure
figure.update_layout(
    height=820, font={"size": 22}, title={"font": {"size": 30}}, legend={"font": {"size": 20}}
)
# builders set tick and label sizes for the screen; a projector wants them larger
figure.update_xaxes(tickfont={"size": 20}, title_font={"size": 22})
figure.update_yaxes(tickfont={"size": 20}, title_font={"size": 22})
figure.update_traces(textfont={"size": 20}, selector={"type": "bar"})
# With a public address the room can take the chart along: its QR code beside it, large (a
# fifth of a 1920 px projector), with the session's filters (plans.present.links).
link = optional_link(settings.PUBLIC_URL, chart.key, to_query_params(f))
place = st
if link:
    place, corner = st.columns([4, 1], vertical_alignment="center")
    hint = t("links.qr_hint", lang)
    corner.markdown(f"**{hint}**")
    printed = printed_link(link)
    corner.image(
        qr_png(link),
        width="stretch",
        output_format="PNG",  # a JPEG would blur the modules
        link=link,
        alt=t("links.qr_alt", lang, link=printed),
    )
    corner.markdown(f"[{markdown_literal(printed)}]({link})")
place.plotly_chart(figure, key="present_chart", width="stretch")
place.caption(markdown_literal(chart.caption))
