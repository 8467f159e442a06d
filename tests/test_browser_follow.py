"""Following a live page in Chromium: the app follows a page served on loopback; when the page grows,
the new entry appears on the map and in the list without a reload, marked new, and the reader's zoom is
kept.

The app runs with DASHBOARD_FOLLOW_EVERY=2 and DASHBOARD_ALLOW_PRIVATE_URLS=1 (the page is on
loopback) and the real geoparser.
"""

from __future__ import annotations

import time

import browser_support as B
import pytest
from follow_support import FIRST, SECOND, SHAPES, live_server

pytestmark = pytest.mark.browser


def wait_for(check, timeout: float, page, *, settled: bool = False) -> None:
    """Poll `check` until it holds. Before the first followed entries arrive the map may be replaced
    under the check (the blog picker changes): unless `settled`, a frame detached mid-check is a miss."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except PlaywrightError:
            if settled:
                raise
        page.wait_for_timeout(250)
    raise AssertionError(f"not within {timeout:.0f} s")


def names_thessaloniki(frame) -> bool:
    """Whether the map draws Thessaloniki (GeoNames writes it Thessaloníki)."""
    return any(label.startswith("Thessalon") for label in B.layer_places(frame))


def test_a_followed_page_updates_without_a_reload(small_blog_db, chromium_path):
    from playwright.sync_api import sync_playwright

    render, content_type = SHAPES["jsonld"]
    env = {"DASHBOARD_FOLLOW_EVERY": "2", "DASHBOARD_ALLOW_PRIVATE_URLS": "1"}
    with live_server() as site, B.streamlit_server(small_blog_db, extra_env=env) as url, \
            sync_playwright() as playwright:
        site.serve("/live", render(FIRST), content_type)
        browser = B.launch(playwright, chromium_path)
        page, frame, guard, dialogs = B.open_app(browser, url)
        with B.screenshot_on_failure(page, "follow"):
            page.get_by_text("Follow a live page").click()
            page.get_by_label("Address of the live page").fill(site.url("/live"))
            page.get_by_role("button", name="Follow", exact=True).click()
            # The page is read at once and shown: its places on the map.
            wait_for(lambda: "Piraeus" in B.layer_places(B.map_frame(page)), 90, page)
            B.wait_idle(page)
            frame = B.map_frame(page)
            assert not names_thessaloniki(frame)
            page.locator(B.MAP_FRAME).evaluate("frame => frame.scrollIntoView({block: 'center'})")

            # The reader zooms in; the update must keep that view, in the same page and map.
            zoom = B.map_view(frame)[0]
            page.frame_locator(B.MAP_FRAME).locator(".leaflet-control-zoom-in").click()
            frame.wait_for_function("(z) => window.map.getZoom() === z + 1", arg=zoom)
            page.wait_for_timeout(500)  # the zoom animation settles
            view = B.map_view(frame)
            frame.evaluate("() => { window.__sameMap = true; }")
            page.evaluate("() => { window.__samePage = true; }")

            site.serve("/live", render(SECOND), content_type)
            wait_for(lambda: names_thessaloniki(frame), 30, page, settled=True)  # the same map, kept
            page.get_by_text("Coastguard on alert in Thessaloniki").first.wait_for(timeout=10_000)
            # What arrived is marked new, on the map and in the panel's list; what was there is not.
            marked = frame.evaluate("() => window.liveblogMap.current.placeNew")
            assert any(marked[label] for label in marked if label.startswith("Thessalon")), marked
            assert not marked.get("Piraeus"), marked
            assert page.locator(".lbm-latest li", has_text="Coastguard on alert in Thessaloniki").locator(
                ".lbm-new").count() == 1
            assert page.get_by_text("Following Ferry strike live").count() == 1
            assert page.get_by_text("last checked").count() >= 1

            assert page.evaluate("() => window.__samePage === true"), "the page was reloaded"
            assert frame.evaluate("() => window.__sameMap === true"), "the map was remounted"
            assert B.map_view(frame)[0] == view[0] and B.view_shift_px(frame, view) < 1.0
            assert dialogs == [] and guard.outside == []
        browser.close()
