"""Three blogs from different years in Chromium: the years in the slider's labels and the caption,
one histogram lane per blog, and a place filter whose clear button brings the whole map back."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import browser_support as B
import pytest
from test_timeline_app import years_blogs

from dashboard.store import EventStore

pytestmark = pytest.mark.browser

HOMS = B.PLACES["Homs"].place_id


@pytest.fixture
def server(tmp_path) -> Iterator[str]:
    db: Path = tmp_path / "events.db"
    with EventStore(db) as store:
        for name, entries in years_blogs().items():
            B.write_blog(store, name, entries)
    with B.streamlit_server(db) as url:
        yield url


def link(url: str, **params: str) -> str:
    blogs = "&".join(f"blog={name}" for name in years_blogs())
    return f"{url}/?{blogs}" + "".join(f"&{k}={v}" for k, v in params.items())


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not change as expected")
        time.sleep(0.1)


def test_three_years_on_one_timeline_and_a_filter_cleared(server, browser):
    page, frame, guard, dialogs = B.open_app(browser, link(server))
    with B.screenshot_on_failure(page, "three-years"):
        everything = B.layer_places(frame)
        assert set(everything) >= {"Homs", "Damascus", "Tartus"}
        # The slider's ends and the caption carry the years.
        window = page.locator('[data-testid="stSlider"]').filter(has_text="Time window")
        thumbs = [t.inner_text() for t in window.locator('[data-testid="stSliderThumbValue"]').all()]
        assert thumbs == ["4 Mar 2023 11:18", "13 Dec 2025 15:30"], thumbs
        caption = page.get_by_text(re.compile(r"places? between ")).first.inner_text()
        assert "between 4 Mar 2023 11:18 and 13 Dec 2025 15:30 UTC" in caption
        # One lane per blog in the histogram, each named, the year on its time axis.
        chart = page.locator('[data-testid="stVegaLiteChart"] svg').first
        chart.wait_for(timeout=30_000)
        texts = [t.text_content() for t in chart.locator("text").all()]
        assert {"spring-2023", "summer-2024", "winter-2025"} <= set(texts), texts
        assert any(re.search(r"20(2[3-5])", t or "") for t in texts if t not in years_blogs())
        assert "AM" not in " ".join(t or "" for t in texts) and "PM" not in " ".join(t or "" for t in texts)

        # A place filter from a link narrows the map; its clear button brings every place back.
        page.goto(link(server, **{"in": HOMS}))
        frame = B.map_frame(page)
        B.wait_idle(page)
        wait_for(lambda: set(B.layer_places(frame)) < set(everything))
        B.wait_idle(page)
        page.locator(".st-key-clear-filter-place button").first.click()
        wait_for(lambda: B.layer_places(frame) == everything)
        wait_for(lambda: "in=" not in page.evaluate("() => window.location.search"))  # the link forgets it too
    assert guard.outside == [] and dialogs == []
