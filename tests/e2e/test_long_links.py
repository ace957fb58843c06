"""Over-long links in Chromium (issue 19, point 6): every page either opens or says why, in words.

A 70 kB link got uvicorn's bare "Invalid HTTP request received." on 3 of 13 pages, by chance
of how the request was cut into pieces. Served by the README's launcher (plans.app.serve), a
link up to the limit opens every page (unknown parameters named in the sidebar notice), and
a longer one gets our page in Vietnamese and English with a way home, on every page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plans import settings
from plans.app.serve import head_limit

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
expect = pytest.importorskip("playwright.sync_api").expect


def path_of(name: str) -> str:
    return "/" if name == "overview" else f"/{name}"


def padded(name: str, url_bytes: int) -> str:
    """The page's link with a junk parameter making it `url_bytes` long in all."""
    head = f"{path_of(name)}?lang=vi&junk="
    return head + "a" * (url_bytes - len(head))


@pytest.mark.parametrize("url_bytes", [70_000, 300_000])
def test_a_link_over_the_limit_gets_our_page_on_every_page(e2e_context, url_bytes: int) -> None:
    tab = e2e_context.new_page()
    try:
        seen = []
        for name in PAGES:
            response = tab.goto(padded(name, url_bytes))
            title = tab.locator("h1").first.inner_text()
            english = tab.locator('section[lang="en"] h1').inner_text()
            seen.append((name, response.status if response else None, title, english))
        expected_title = "Đường dẫn quá dài" if url_bytes < head_limit() else None
        for name, status, title, english in seen:
            assert status in (414, 431), (name, status)
            if expected_title:  # under the head limit the link is always parsed: 414
                assert (414, expected_title, "This link is too long") == (status, title, english)
            else:
                assert title in ("Đường dẫn quá dài", "Yêu cầu quá lớn"), (name, title)
        assert "Invalid HTTP request" not in tab.content()
        # the way home opens the dashboard itself
        tab.get_by_role("link", name="Mở trang chủ bảng điều khiển").click()
        tab.locator('[data-testid="stSidebar"]').wait_for(state="visible")
        assert "/" == re.sub(r"^https?://[^/]+", "", tab.url).split("?")[0], tab.url
    finally:
        tab.close()


def test_a_link_just_under_the_limit_opens_every_page(e2e_context) -> None:
    # all pages at once, one tab each, as test_every_page_renders_without_exception does
    tabs = {name: e2e_context.new_page() for name in PAGES}
    statuses = {}
    for name, tab in tabs.items():
        response = tab.goto(padded(name, settings.MAX_URL_BYTES - 100), wait_until="commit")
        statuses[name] = response.status if response else None
    failures = []
    for name, tab in tabs.items():
        try:
            tab.locator("h1").first.wait_for(state="visible")
            expect(tab.locator('[data-testid="stApp"]')).to_have_attribute(
                "data-test-script-state", "notRunning"
            )
            # the sidebar notice names the unknown parameter: the rest of the link was read
            # (attached, not "visible": a background tab is not laid out)
            notice = tab.locator(
                '[data-testid="stSidebar"] [data-testid="stAlert"]', has_text="junk"
            )
            if not notice.count():
                failures.append(f"{name}: no notice naming the unknown parameter")
            if tab.locator('[data-testid="stException"]').count():
                failures.append(f"{name}: exception")
        except AssertionError as error:
            failures.append(f"{name}: {error}")
        finally:
            tab.close()
    assert ({name: 200 for name in PAGES}, []) == (statuses, failures)
