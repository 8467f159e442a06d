"""A crowded window in Chromium: more places than the map draws one by one. The most named are markers,
the rest are grey tiles by grid cell whose popups list their places; the legend says so, the panel's
place picker is left alone by a click on a tile, and the entries table pages.

The server runs `python -m dashboard serve` against a store of our own: one entry a minute, each
naming one of a grid of made-up places, MAX_POINT_MARKERS + 300 of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import browser_support as B
import pytest

from dashboard.model import Entry
from dashboard.store import EventStore, entry_rows
from dashboard.view import entries_table, mapdata
from gazetteer.places import Mention, Place

pytestmark = pytest.mark.browser

PLACES = mapdata.MAX_POINT_MARKERS + 300


def grid_blog() -> tuple[list[Entry], dict[tuple, list[Mention]]]:
    """PLACES entries, a minute apart; the i-th names place i (a 0.05° grid over Syria) once, and
    the first hundred places are named again, so they are the most named."""
    start = datetime(2024, 12, 13, 6, 0, tzinfo=UTC)
    places = [Place(f"test:grid{i}", f"Gridtown {i:04d}", 32.5 + (i % 60) * 0.05, 36.0 + (i // 60) * 0.05,
                    "P", "PPL", "SY") for i in range(PLACES)]
    named = [*range(PLACES), *range(100)]
    entries, found = [], []
    for minute, i in enumerate(named):
        headline = f"Report from {places[i].name}"
        entries.append(Entry(time_utc=start + timedelta(minutes=minute), time_given="", headline=headline,
                             body="A short report of our own."))
        at = headline.index("Gridtown")
        found.append([Mention(at, at + len(places[i].name), places[i].name, places[i], 0.9)])
    rows = entry_rows(entries)
    return entries, {row.key: mentions for row, mentions in zip(rows, found, strict=True)}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("crowded") / "events.db"
    entries, mentions = grid_blog()
    with EventStore(db) as store:
        store.write_blog(source="grid-blog", title="", url=None, rows=entry_rows(entries), mentions=mentions)
    with B.streamlit_server(db) as url:
        yield url


def test_a_crowded_window_sums_up_the_less_named_places_by_grid_cell(server, browser):
    page, frame, guard, _ = B.open_app(browser, server, height=1100)
    with B.screenshot_on_failure(page, "crowded"):
        # The most named places are drawn one by one; the others are in the tiles' counts.
        drawn = B.layer_places(frame)
        assert len(drawn) == mapdata.MAX_POINT_MARKERS
        assert all(drawn[f"Gridtown {i:04d}"] == 2 for i in range(100))
        counts = frame.evaluate("() => Array.from(document.querySelectorAll('.lbm-cell-tile'), t => t.textContent)")
        assert counts and sum(int(c) for c in counts) == PLACES - mapdata.MAX_POINT_MARKERS
        assert "300 less named places summed up" in page.inner_text("body")

        # A tile's popup lists its places, as text; the panel's choice of place stays empty.
        frame.locator(".lbm-cell").first.click()
        popup = frame.locator(".leaflet-popup-content")
        popup.wait_for(timeout=10_000)
        assert "around here" in popup.inner_text() and "Gridtown" in popup.inner_text()
        B.wait_idle(page)
        assert "The latest entries in the window" in page.inner_text("body")  # no place chosen

        # The entries table pages: the window holds more entries than a page.
        pages = entries_table.page_count(PLACES + 100)
        assert pages > 1
        assert f"page 1 of {pages}" in page.inner_text("body")
        assert guard.outside == [], f"requests left loopback: {guard.outside}"
