"""A stable page in Chromium: another visitor adding a blog never remounts the reader's map.

Going from one stored blog to two brings the blog picker: it has its place above the map from the start,
so the map stays the same element, with the reader's zoom."""

from __future__ import annotations

import browser_support as B
import pytest

from dashboard.store import EventStore

pytestmark = pytest.mark.browser


def test_a_blog_added_by_another_process_keeps_the_readers_map_and_zoom(small_blog_db, browser):
    with B.streamlit_server(small_blog_db) as url:
        page, frame, guard, dialogs = B.open_app(browser, url)
        with B.screenshot_on_failure(page, "stable-page"):
            assert page.get_by_text("Live blogs", exact=True).count() == 0  # one blog: nothing to pick
            zoom_in = page.frame_locator(B.MAP_FRAME).locator(".leaflet-control-zoom-in")
            zoom = B.map_view(frame)[0]
            zoom_in.click()
            frame.wait_for_function("(z) => window.map.getZoom() === z + 1", arg=zoom)
            page.wait_for_timeout(800)  # the animation settles and the app's rerun (the map reported its view)
            B.wait_idle(page)
            frame.evaluate("() => { window.__sameMap = true; }")

            # Another process stores a second blog; the reader's next move reruns the page, which finds it.
            with EventStore(small_blog_db) as store:
                B.write_blog(store, "harbour-blog", [B.entry("2024-12-13T12:00:00+00:00", "Boats back in Tartus",
                                                             "Fishing boats came back to Tartus at noon.")])
            zoom_in.click()
            frame.wait_for_function("(z) => window.map.getZoom() === z + 2", arg=zoom)
            page.get_by_text("Live blogs", exact=True).wait_for(timeout=20_000)
            B.wait_idle(page)
            page.wait_for_timeout(1000)  # a remounted map would have been drawn by now

            frame = B.map_frame(page)
            assert frame.evaluate("() => window.__sameMap === true"), "the map was remounted"
            assert B.map_view(frame)[0] == zoom + 2
            assert dialogs == [] and guard.outside == []
