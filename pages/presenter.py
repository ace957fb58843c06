"""Presenter kit: pick charts and their order, take them away as PNG/SVG, slides or a PDF."""

from __future__ import annotations

import streamlit as st

from plans.app.cache import charts, deck_info
from plans.app.ui import filters

f = filters()
lang = f.lang
T = {
    "vi": {
        "title": "Bộ công cụ trình bày",
        "intro": "Chọn biểu đồ và thứ tự, rồi tải ảnh (PNG, SVG), bộ trình chiếu PPTX 16:9 hoặc "
        "báo cáo PDF khổ A4. Nội dung theo bộ lọc hiện tại và ngôn ngữ đang chọn.",
        "pick": "Biểu đồ và thứ tự trình bày",
        "none": "Chương trình này chưa có biểu đồ để trình bày.",
        "deck": "Tạo bộ trình chiếu (PPTX)",
        "report": "Tạo báo cáo (PDF)",
        "building": "Đang dựng {what}…",
        "slide": "Trang {i}/{n}: {title}",
        "get_deck": "Tải bộ trình chiếu",
        "get_report": "Tải báo cáo PDF",
        "images": "Ảnh từng biểu đồ",
        "png": "PNG",
        "svg": "SVG",
        "make_images": "Tạo ảnh PNG và SVG",
        "present": "Mở chế độ trình chiếu toàn màn hình",
    },
    "en": {
        "title": "Presenter kit",
        "intro": "Pick charts and their order, then take them away as images (PNG, SVG), a 16:9 "
        "PPTX deck or an A4 PDF report, following the current filters and language.",
        "pick": "Charts, in presentation order",
        "none": "This programme has no chart to present yet.",
        "deck": "Build the slide deck (PPTX)",
        "report": "Build the report (PDF)",
        "building": "Building the {what}…",
        "slide": "Page {i}/{n}: {title}",
        "get_deck": "Download the deck",
        "get_report": "Download the PDF report",
        "images": "Each chart as a picture",
        "png": "PNG",
        "svg": "SVG",
        "make_images": "Make PNG and SVG pictures",
        "present": "Open full-screen presentation mode",
    },
}[lang]

st.title(T["title"])
st.caption(T["intro"])
available = charts(f.programme, lang)
if not available:
    st.info(T["none"])
    st.stop()
by_key = {c.key: c for c in available}
chosen = st.multiselect(
    T["pick"],
    options=list(by_key),
    default=list(by_key),
    format_func=lambda key: by_key[key].title,
    key="presenter_charts",
)
picked = [by_key[k] for k in chosen]
st.page_link("pages/present.py", label=T["present"], icon=":material/slideshow:")


def offer(column, kind: str, label: str, get_label: str, suffix: str, mime: str) -> None:
    """A build button with progress, then the download of what it built (kept across reruns)."""
    if column.button(label, key=f"presenter_{kind}", disabled=not picked):
        bar = column.progress(0.0, text=T["building"].format(what=suffix.upper()))
        info = deck_info(f.programme, lang)
        if kind == "deck":
            from plans.present.deck import build_deck

            # the deck reports (fraction, slide title)
            data = build_deck(picked, info, progress=lambda x, t: bar.progress(min(x, 1.0), str(t)))
        else:
            from plans.present.report import build_report

            # the report reports (charts done, charts in all)
            data = build_report(picked, info, progress=lambda done, n: bar.progress(done / n))
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
offer(left, "deck", T["deck"], T["get_deck"], "pptx",
      "application/vnd.openxmlformats-officedocument.presentationml.presentation")  # fmt: skip
offer(right, "report", T["report"], T["get_report"], "pdf", "application/pdf")

st.subheader(T["images"])
if st.button(T["make_images"], key="presenter_images", disabled=not picked):
    from plans.present.images import baked, render, renderer

    made = {}
    with st.spinner(T["building"].format(what="PNG/SVG")), renderer():
        for chart in picked:
            picture = baked(chart.figure, chart.headline, chart.caption)
            made[chart.key] = (render(picture, "png"), render(picture, "svg"))
    st.session_state["presenter_images_bytes"] = made
for chart in picked:
    images = st.session_state.get("presenter_images_bytes", {}).get(chart.key)
    row = st.columns([4, 1, 1])
    row[0].markdown(f"**{chart.title}** — {chart.headline}")
    if images:
        row[1].download_button(
            T["png"], images[0], f"{chart.key}.png", "image/png", key=f"presenter_png_{chart.key}"
        )
        row[2].download_button(
            T["svg"],
            images[1],
            f"{chart.key}.svg",
            "image/svg+xml",
            key=f"presenter_svg_{chart.key}",
        )
