"""Run the dashboard under Streamlit's AppTest the way a visitor follows a link."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def open_app(page: str | None = None, **params: str):
    """Run the dashboard like a visitor following a link: URL parameters, then a page."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.query_params.update(params)
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at
