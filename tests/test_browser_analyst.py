"""The analyst tools in Chromium: filter by keyword, open a shared view's URL in a fresh page, download
the GeoJSON, upload a blog and see its markers (and hostile uploads refused), correct a place and see
the marker move.

Each test gets its own store (four entries of our own, tests/browser_support.py) and server, since
uploads and corrections write to it. A screenshot goes to test-artifacts/ when a test fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import browser_support as B
import pytest
from app_support import UPLOAD_BLOG

from dashboard import corrections
from dashboard.store import EventStore
from dashboard.view import mapdata
from dashboard.view.filters import Filters, apply

pytestmark = pytest.mark.browser

PWNED = "() => typeof window.__pwned === 'undefined'"


@pytest.fixture
def db(small_blog_db) -> Path:
    return small_blog_db


@pytest.fixture
def server(db) -> Iterator[str]:
    with B.streamlit_server(db) as url:
        yield url


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    frame, guard = B.open_map(page, url)
    return page, frame, guard


def expected_places(db: Path, filters: Filters | None = None) -> dict[str, int]:
    """The places the map should show over the whole span: the store's, corrected and filtered."""
    filters = filters or Filters()
    with EventStore(db) as store:
        mentions = corrections.apply(store.mentions(), store.corrections())
        data = mapdata.prepare(*apply(store.entries(), mentions, filters, store.search(filters.keyword)))
    window = (data.entries["time_utc"].min(), data.entries["time_utc"].max())
    places = mapdata.window_places(data, window)
    return dict(zip(places["label"], places["count"].astype(int), strict=True))


def wait_for_places(page, frame, expected: dict[str, int], timeout_s: float = 30) -> dict[str, int]:
    shown: dict[str, int] = {}
    for _ in range(int(timeout_s * 10)):
        try:
            shown = B.layer_places(frame)
        except Exception:  # the frame is being replaced
            frame = B.map_frame(page)
            continue
        if shown == expected:
            break
        page.wait_for_timeout(100)
    return shown


def pick(page, label: str, option: str) -> None:
    """Choose an option of a Streamlit selectbox by its label. Typed when the app is idle, and once more
    if a rerun (the map reporting its view) closed the list meanwhile."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in (1, 2):
        B.wait_idle(page)
        box = page.locator(f'input[aria-label="{label}"]')
        box.scroll_into_view_if_needed()
        box.click()
        box.press_sequentially(option.strip("“”").split("”")[0])  # the picker narrows to what is typed
        try:
            page.get_by_role("option").filter(has_text=option).first.click(timeout=15_000 if attempt == 1 else 30_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    B.wait_idle(page)


def test_filter_share_and_download(server, db, browser, tmp_path):
    page, frame, guard = open_page(browser, server)
    with B.screenshot_on_failure(page, "analyst-filter-share-download"):
        everything = expected_places(db)
        assert wait_for_places(page, frame, everything) == everything
        keyword = page.locator('input[aria-label="Keyword"]')
        keyword.fill("tartus")
        keyword.press("Enter")
        B.wait_idle(page)
        filtered = expected_places(db, Filters(keyword="tartus"))
        assert set(filtered) < set(everything)
        assert wait_for_places(page, frame, filtered) == filtered
        pick(page, "Place", "Tartus")
        page.wait_for_function("() => window.location.search.includes('place=')")
        link = page.url
        assert "q=tartus" in link

        # The shared link in a fresh page: the same filter, place and markers.
        fresh, fresh_frame, fresh_guard = open_page(browser, link)
        assert fresh.locator('input[aria-label="Keyword"]').input_value() == "tartus"
        assert fresh.locator('input[aria-label="Place"]').input_value().startswith("Tartus")
        assert wait_for_places(fresh, fresh_frame, filtered) == filtered
        assert fresh.locator(".lbm-entry h3").inner_text() == "Ships leave Tartus"
        assert fresh.locator('[data-testid="stAlert"]').count() == 0  # no notice: the link was good

        # The GeoJSON download holds what is shown.
        saved = tmp_path / "shown.geojson"
        B.click_download(fresh, "Download GeoJSON").save_as(saved)
        collection = json.loads(saved.read_text())
        assert collection["type"] == "FeatureCollection" and "GeoNames" in collection["attribution"]
        assert {f["properties"]["headline"] for f in collection["features"]} == {"Ships leave Tartus"}
        assert sorted(f["properties"]["place"] for f in collection["features"]) == ["Syria", "Tartus"]
        assert guard.outside == [] and fresh_guard.outside == []


def test_upload_a_blog_and_refuse_hostile_ones(server, db, browser, tmp_path):
    page, frame, guard = open_page(browser, server)
    with B.screenshot_on_failure(page, "analyst-upload"):
        with EventStore(db) as store:
            before = store.dump()
        page.get_by_text("Add a live blog").click()
        dropzone = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
        # A file over the cap is refused by the uploader itself; a binary one by the parser.
        big = tmp_path / "big.txt"
        big.write_bytes(b"a" * (50 * 2**20))
        dropzone.set_input_files(str(big))
        page.get_by_text("20.0MB", exact=False).first.wait_for(timeout=15_000)
        binary = tmp_path / "photo.txt"
        binary.write_bytes(bytes(range(256)) * 64)
        dropzone.set_input_files(str(binary))
        # The file must have reached the server before the form is sent (a loaded machine is slow).
        page.get_by_text("photo.txt").first.wait_for(timeout=30_000)
        page.get_by_role("button", name="Add to the map").click()
        page.get_by_text("The blog was not added; the store is unchanged.").wait_for(timeout=30_000)
        assert "looks binary" in page.locator('[data-testid="stCode"]').last.inner_text()
        with EventStore(db) as store:
            assert store.dump() == before

        blog = tmp_path / "aid-convoys.txt"
        blog.write_text(UPLOAD_BLOG)
        dropzone.set_input_files(str(blog))
        page.get_by_text("aid-convoys.txt").first.wait_for(timeout=30_000)
        page.get_by_role("button", name="Add to the map").click()
        page.get_by_text("Added to the map.").wait_for(timeout=120_000)
        B.wait_idle(page)
        frame = B.map_frame(page)
        with EventStore(db) as store:
            new = store.sources()
            assert new["name"].iloc[0] == "aid-convoys"
            data = mapdata.prepare(store.entries([int(new["source_id"].iloc[0])]),
                                   store.mentions([int(new["source_id"].iloc[0])]))
        window = (data.entries["time_utc"].min(), data.entries["time_utc"].max())
        places = mapdata.window_places(data, window)
        expected = dict(zip(places["label"], places["count"].astype(int), strict=True))
        assert "Latakia" in expected
        assert wait_for_places(page, frame, expected) == expected
        assert page.evaluate(PWNED) and guard.outside == []


def test_correct_a_place_and_the_marker_moves(server, db, browser):
    page, frame, guard = open_page(browser, server)
    with B.screenshot_on_failure(page, "analyst-correct"):
        before = expected_places(db)
        assert before["Syria"] == 2 and "Homs Lake" not in before
        pick(page, "Place", "Syria")
        page.get_by_text("Correct a place").click()
        pick(page, "Mention", "“Syria” at Syria")
        pick(page, "Place instead", "Homs Lake")
        name = page.locator('input[aria-label="Your name"]')
        name.fill("Ana")
        name.press("Enter")
        B.wait_idle(page)
        page.get_by_role("button", name="Save the correction").click()
        # The marker moves: Syria loses the entry, Homs Lake (the runner-up chosen) gains it.
        moved = {**before, "Syria": 1, "Homs Lake": 1}
        assert wait_for_places(page, frame, moved) == moved
        assert expected_places(db) == moved
        with EventStore(db) as store:
            assert store.corrections()["author"].tolist() == ["Ana"]
        assert guard.outside == []
