"""Presenter kit: pick charts and their order, take them away as PNG/SVG, slides or a PDF."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import charts, deck_info
from plans.app.state import to_query_params
from plans.app.ui import filters
from plans.escape import markdown_literal
from plans.messages import t

f = filters()
lang = f.lang

st.title(t("presenter.title", lang))
st.caption(t("presenter.intro", lang))
available = charts(f.programme, lang)
if not available:
    st.info(t("presenter.none", lang))
    st.stop()
by_key = {c.key: c for c in available}
chosen = st.multiselect(
    t("presenter.pick", lang),
    options=list(by_key),
    default=list(by_key),
    format_func=lambda key: by_key[key].title,
    key="presenter_charts",
)
picked = [by_key[k] for k in chosen]
st.page_link("pages/present.py", label=t("presenter.present", lang), icon=":material/slideshow:")


def offer(column, kind: str, label: str, get_label: str, suffix: str, mime: str) -> None:
    """A build button with progress, then the download of what it built (kept across reruns)."""
    if column.button(label, key=f"presenter_{kind}", disabled=not picked):
        bar = column.progress(0.0, text=t("presenter.building", lang, what=suffix.upper()))
        info = deck_info(f.programme, lang)
        # with PLANS_PUBLIC_URL, each chart's QR code reopens it with the reader's filters
        view = to_query_params(f)
        if kind == "deck":
            from plans.present.deck import build_deck

            # the deck reports (fraction, slide title)
            data = build_deck(
                picked,
                info,
                progress=lambda x, title: bar.progress(min(x, 1.0), str(title)),
                params=view,
            )
        else:
            from plans.present.report import build_report

            # the report reports (charts done, charts in all)
            data = build_report(
                picked, info, progress=lambda done, n: bar.progress(done / n), params=view
            )
        st.session_state[f"presenter_{kind}_bytes"] = data
    if st.session_state.get(f"presenter_{kind}_bytes"):
        column.download_button(
            get_label,
            st.session_state[f"presenter_{kind}_bytes"],
            f"{f.programme}.{suffix}",
            mime,
            key=f"presenter_{kind}_download",
        )


left, right = st.columns(2)
offer(left, "deck", t("presenter.deck", lang), t("presenter.get_deck", lang), "pptx",
      "application/vnd.openxmlformats-officedocument.presentationml.presentation")  # fmt: skip
offer(right, "report", t("presenter.report", lang), t("presenter.get_report", lang), "pdf",
      "application/pdf")  # fmt: skip

st.subheader(t("presenter.images", lang))
if st.button(t("presenter.make_images", lang), key="presenter_images", disabled=not picked):
    from plans.present.images import baked, render, renderer

    made = {}
    with st.spinner(t("presenter.building", lang, what="PNG/SVG")), renderer():
        for chart in picked:
            picture = baked(chart.figure, chart.headline, chart.caption)
            made[chart.key] = (render(picture, "png"), render(picture, "svg"))
    st.session_state["presenter_images_bytes"] = made
for chart in picked:
    images = st.session_state.get("presenter_images_bytes", {}).get(chart.key)
    row = st.columns([4, 1, 1])
    row[0].markdown(f"**{markdown_literal(chart.title)}** — {markdown_literal(chart.headline)}")
    if images:
        row[1].download_button(
            "PNG", images[0], f"{chart.key}.png", "image/png", key=f"presenter_png_{chart.key}"
        )
        row[2].download_button(
            "SVG",
            images[1],
            f"{chart.key}.svg",
            "image/svg+xml",
            key=f"presenter_svg_{chart.key}",
        )
