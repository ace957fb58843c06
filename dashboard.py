"""The frame: page config, shared sidebar, navigation. Run with `streamlit run dashboard.py`."""

from __future__ import annotations

import streamlit as st

from plans import settings
from plans.build import ensure_database

st.set_page_config(page_title="Khuyến công · Kế hoạch và kết quả", page_icon="📊", layout="wide")

# First start on a fresh checkout: build the database from data/ before any page reads it.
with st.spinner("Đang dựng cơ sở dữ liệu lần đầu… / Building the database…"):
    ensure_database(settings.DB_PATH)

st.sidebar.radio(
    "Ngôn ngữ / Language",
    options=["vi", "en"],
    format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code],
    key="lang",
    horizontal=True,
)

pages = [
    st.Page("pages/overview.py", title="Tổng quan / Overview", icon="🏛️", default=True),
]
st.navigation(pages).run()
