"""The review queue in Chromium: a name wrongly placed in two entries at a low score is found in the
queue and marked "not a place" once (both markers go); a place the geoparser missed is pinned by a
click on a map (its marker comes); a decision is undone (the marker returns); a reload keeps the
decisions; the places CSV carries the precision class and the corrections CSV the reviewer's name."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import browser_support as B
import pytest
from review_support import write_doubtful

from dashboard.store import EventStore

pytestmark = pytest.mark.browser

# The README's picture of the queue, taken again when REVIEW_SCREENSHOT names a file to write.
SHOT_ENV = "REVIEW_SCREENSHOT"


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "events.db"
    with EventStore(path) as store:
        write_doubtful(store)
    return path


@pytest.fixture
def server(db) -> Iterator[str]:
    with B.streamlit_server(db) as url:
        yield url


def places_now(page) -> dict[str, int] | None:
    """The places layer of the main map (the one st_folium frame that holds a places layer)."""
    for frame in page.frames:
        if "streamlit_folium" not in frame.url:
            continue
        try:
            if frame.evaluate("() => !!(window.liveblogMap && window.liveblogMap.current)"):
                return B.layer_places(frame)
        except Exception:  # the frame is being replaced
            continue
    return None


def wait_until(page, test, timeout_s: float = 30):
    shown = None
    for _ in range(int(timeout_s * 10)):
        shown = places_now(page)
        if shown is not None and test(shown):
            return shown
        page.wait_for_timeout(100)
    raise AssertionError(f"the map shows {shown}")


def download(page, name: str, tmp_path: Path) -> list[dict[str, str]]:
    done = B.click_download(page, name)
    saved = tmp_path / done.suggested_filename
    done.save_as(saved)
    return list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"), newline="")))


def test_review_queue_not_a_place_pin_undo_reload_and_downloads(server, db, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1300}, accept_downloads=True)
    _, guard = B.open_map(page, server)
    with B.screenshot_on_failure(page, "review-queue"):
        first = wait_until(page, lambda shown: shown.get("Jordan") == 2)
        assert "Baniyas" not in first

        # The queue: "Jordan", two mentions, placed at the country; marked "not a place" once.
        page.get_by_text("Review doubtful places").click()
        page.get_by_role("button", name="Find the doubtful places").click()  # worked out when asked for
        B.wait_idle(page)
        group = page.locator('input[aria-label="Doubtful words"]')
        if not group.is_visible():  # the rerun drew the section closed
            page.get_by_text("Review doubtful places").click()
        group.wait_for()
        assert group.input_value().startswith("“Jordan”: 2 mentions in 2 entries")
        page.get_by_text("Not a place", exact=True).click()
        B.wait_idle(page)
        name = page.locator('input[aria-label="Your name"]')
        name.fill("Ana Analyst")
        name.press("Enter")
        B.wait_idle(page)
        if os.environ.get(SHOT_ENV):
            page.locator('[data-testid="stExpander"]').filter(has_text="Review doubtful places").screenshot(
                path=os.environ[SHOT_ENV])
        page.get_by_role("button", name="Apply the decision").click()
        B.wait_idle(page)
        wait_until(page, lambda shown: "Jordan" not in shown and shown.get("Tartus") == 1)

        # A missing place, pinned by a click on the map, under the entry that names it.
        # The decision was stored before the run that drew the map without it: that run is the last, so once
        # it is over no other replaces the panel's box while its list is open.
        B.wait_idle(page)
        box = page.locator('input[aria-label="Place"]')
        box.click()
        box.press_sequentially("Tartus")
        page.get_by_role("option").filter(has_text="Tartus").first.click()
        B.wait_idle(page)
        page.get_by_text("Add a place the geoparser missed").click()
        words = page.locator('input[aria-label="Words in this entry"]')
        words.fill("Baniyas")
        words.press("Enter")
        B.wait_idle(page)
        page.get_by_text("Pinning it on the map").click()
        B.wait_idle(page)
        pin_map = page.locator(B.MAP_FRAME).nth(1)
        pin_map.scroll_into_view_if_needed()
        page.wait_for_timeout(1500)  # the map inside the frame draws
        pin_map.click(position={"x": 200, "y": 160})
        page.get_by_text("Pinned at").wait_for(timeout=30_000)
        B.wait_idle(page)
        # The name given in the queue is remembered for the session.
        names = page.locator('input[aria-label="Your name"]')
        assert "Ana Analyst" in [names.nth(i).input_value() for i in range(names.count())]
        page.get_by_role("button", name="Add the place").click()
        B.wait_idle(page)
        page.get_by_text("Added. Add “Baniyas”", exact=False).wait_for(timeout=30_000)
        wait_until(page, lambda shown: shown.get("Baniyas") == 1)

        # Undo the "not a place" decision: Jordan comes back.
        expander = page.locator('[data-testid="stExpander"]').filter(has_text="Review doubtful places")
        if not expander.get_by_role("button", name="Undo").first.is_visible():
            page.get_by_text("Review doubtful places").click()
        row = expander.locator('[data-testid="stHorizontalBlock"]').filter(has_text="not a place")
        row.get_by_role("button", name="Undo").click()
        B.wait_idle(page)
        wait_until(page, lambda shown: shown.get("Jordan") == 2 and shown.get("Baniyas") == 1)

        # A reload keeps the decisions (the pinned place stays; the undone one stays undone).
        page.reload()
        B.map_frame(page)
        B.wait_idle(page)
        wait_until(page, lambda shown: shown.get("Jordan") == 2 and shown.get("Baniyas") == 1)

        # Downloads: the places CSV with the precision class, the corrections CSV with the name.
        places = download(page, "Download CSV", tmp_path)
        assert {r["place"]: r["place_precision"] for r in places}["Tartus"] == "town"
        assert {r["mention"]: r["place_precision"] for r in places}["Baniyas"] == "site"
        page.get_by_text("Review doubtful places").click()
        fixes = download(page, "Download corrections CSV", tmp_path)
        assert [(r["mention"], r["decision"], r["corrected_by"]) for r in fixes] == [("baniyas", "add", "Ana Analyst")]
        assert guard.outside == []
