"""The timeline's clock in Chromium: on "happened", the window a day before an entry shows the place of
the event it tells of, marked as reported later, with the arrow of the movement it tells."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import browser_support as B
import pytest

from dashboard.ingest import ingest_blog
from dashboard.model import ParsedBlog
from dashboard.store import EventStore

pytestmark = pytest.mark.browser

END = 'input[aria-label="Time window — end"]'
# 14 December 2024 is a Saturday: "on Friday" is the day before the convoy's entry.
ENTRIES = (
    B.entry("2024-12-13T08:00:00+00:00", "Bakeries open early", "Queues formed outside bakeries in Damascus."),
    B.entry("2024-12-14T10:00:00+00:00", "Convoy story", "A convoy left Homs on Friday for Tartus."),
    B.entry("2024-12-14T12:00:00+00:00", "Crowds in the capital", "Crowds gathered in Damascus at midday."),
)


def geoparse(text: str, context: str | None = None):
    return B.find_mentions(text, B.PLACES)


@pytest.fixture
def server(tmp_path) -> Iterator[str]:
    db: Path = tmp_path / "events.db"
    with EventStore(db) as store:
        ingest_blog(ParsedBlog("Clock test", ENTRIES, (), None, False, "clock-blog"), store, source="clock-blog",
                    geoparser=geoparse)
    with B.streamlit_server(db) as url:
        yield url


def wait_for(condition, timeout: float = 30.0) -> None:
    """Until `condition()` holds; a map frame replaced under the check (the clock's switch may swap the
    map) is a miss, not a failure."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except Exception:  # the frame was detached mid-check
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not change as expected")
        time.sleep(0.1)


def current(page, script: str):
    """`script` evaluated in the map frame the page shows now."""
    return B.map_frame(page).evaluate(script)


def test_the_happened_clock_shows_an_event_the_day_before_its_report_with_its_arrow(server, browser):
    page, frame, guard, dialogs = B.open_app(browser, f"{server}/?blog=clock-blog")
    with B.screenshot_on_failure(page, "clock"):
        assert set(B.layer_places(frame)) == {"Damascus", "Homs", "Tartus"}
        page.get_by_text("happened", exact=True).click()
        B.wait_idle(page)
        wait_for(lambda: "clock=happened" in page.evaluate("() => window.location.search"))
        # The stops are now the events' times: Friday 08:00, Friday (the convoy, told on Saturday), Saturday
        # 12:00. One step back from the end: the window closes on Friday, the day before the report.
        wait_for(lambda: page.locator(END).count() == 1)  # the slider of the new clock replaced the old one
        page.locator(END).focus()
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(f"() => document.querySelector('{END}').value === '1'")
        B.wait_idle(page)
        wait_for(lambda: B.layer_places(B.map_frame(page)) == {"Damascus": 1, "Homs": 1, "Tartus": 1})
        later = current(page, "() => window.liveblogMap.current.placeLater")
        assert later["Homs"] == "reported Sat 10:00" and later["Damascus"] == ""
        assert current(page, "() => window.liveblogMap.current.pathNames") == ["Homs → Tartus"]
        frame = B.map_frame(page)
        frame.wait_for_selector(".lbm-path")
        assert frame.locator(".lbm-arrowhead").count() == 1

        # On the reported clock, a window closing on Friday shows only what was reported by then.
        page.get_by_text("reported", exact=True).click()
        B.wait_idle(page)
        wait_for(lambda: "clock=" not in page.evaluate("() => window.location.search"))
        wait_for(lambda: page.locator(END).count() == 1)
        page.locator(END).focus()
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(f"() => document.querySelector('{END}').value === '0'")
        B.wait_idle(page)
        wait_for(lambda: B.layer_places(B.map_frame(page)) == {"Damascus": 1})
        assert current(page, "() => window.liveblogMap.current.pathNames") == []
    assert guard.outside == [] and dialogs == []
