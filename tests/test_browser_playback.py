"""Playback in Chromium: press Play, watch the window and the markers move step by step, press Pause;
the map keeps the reader's zoom and centre throughout (only its places layer is swapped).

The server runs `python -m dashboard serve` on a free loopback port against a store of twelve
entries of our own, an hour apart, each naming one or two places.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import browser_support as B
import pytest

from dashboard.store import EventStore
from dashboard.view import mapdata, timeline

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
START = 'input[aria-label="Time window — start"]'
END = 'input[aria-label="Time window — end"]'
ROUTE = ("Damascus", "Homs", "Tartus", "Damascus and Homs", "Tartus", "Homs", "Damascus", "Tartus and Homs",
         "Damascus", "Homs", "Tartus", "Damascus")


def hourly_blog() -> list:
    """Twelve entries, an hour apart, each naming the places of one stop of ROUTE."""
    return [B.entry(f"2024-12-13T{6 + i:02d}:00:00+00:00", f"Hour {i + 1}: news from {stop}",
                    f"Reporters in {stop} described a busy hour.") for i, stop in enumerate(ROUTE)]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> dict:
    db = tmp_path_factory.mktemp("playback") / "events.db"
    with EventStore(db) as events:
        B.write_blog(events, "hourly-blog", hourly_blog())
        data = mapdata.prepare(events.entries(), events.mentions())
    return {"db": db, "data": data, "times": timeline.entry_times(data.entries)}


@pytest.fixture(scope="module")
def server(store) -> Iterator[str]:
    with B.streamlit_server(store["db"]) as url:
        yield url


def window_of(page) -> tuple[int, int]:
    """The slider's two ends, read together (two reads could straddle a step)."""
    start, end = page.evaluate("([a, b]) => [document.querySelector(a).value, document.querySelector(b).value]",
                               [START, END])
    return int(start), int(end)


def expected_places(store: dict, window: tuple[int, int]) -> dict[str, int]:
    times = store["times"]
    places = mapdata.window_places(store["data"], (times[window[0]], times[window[1]]))
    return dict(zip(places["label"], places["count"].astype(int), strict=True))


def test_play_moves_the_window_and_markers_then_pause_keeps_the_view(server, store, chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = B.launch(playwright, chromium_path)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        guard = B.LoopbackGuard()
        page.route("**/*", guard)
        try:
            page.goto(server)
            frame = B.map_frame(page)
            B.wait_idle(page)
            assert window_of(page) == (0, len(store["times"]) - 1)

            # The reader zooms in; that view must survive playback.
            zoom = B.map_view(frame)[0]
            page.frame_locator(B.MAP_FRAME).locator(".leaflet-control-zoom-in").click()
            frame.wait_for_function("(z) => window.map.getZoom() === z + 1", arg=zoom)
            page.wait_for_timeout(500)  # the zoom animation settles
            view = B.map_view(frame)
            frame.evaluate("() => { window.__sameMap = true; }")

            page.get_by_role("button", name="Play", exact=True).click()
            page.get_by_role("button", name="Pause", exact=True).wait_for(timeout=15_000)

            # Record each window the slider shows, and the places the map draws for it.
            seen: list[tuple[int, int]] = []
            layers: dict[tuple[int, int], dict[str, int]] = {}
            for _ in range(300):
                window = window_of(page)
                if not seen or seen[-1] != window:
                    seen.append(window)
                shown = B.layer_places(frame)
                if shown == expected_places(store, window):
                    layers[window] = shown
                if len(seen) >= 5 and seen[-2] in layers:
                    break
                page.wait_for_timeout(100)
            # Play starts over the first tenth of the entries (here one), then moves one entry a step.
            assert seen[0] == (0, 0)
            assert seen[:5] == [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4)], seen
            # The markers followed: every window seen got its own places drawn, and they changed.
            assert all(w in layers for w in seen[:-1]), (seen, layers)
            assert len({tuple(sorted(layers[w])) for w in seen[:-1]}) >= 3

            page.get_by_role("button", name="Pause", exact=True).click()
            page.get_by_role("button", name="Play", exact=True).wait_for(timeout=15_000)
            B.wait_idle(page)
            paused = window_of(page)
            page.wait_for_timeout(2500)  # longer than two steps at the default speed
            assert window_of(page) == paused
            assert B.layer_places(frame) == expected_places(store, paused)

            # The map was never remounted, and kept the reader's zoom and centre.
            assert frame.evaluate("() => window.__sameMap === true")
            assert B.map_view(frame)[0] == view[0] and B.view_shift_px(frame, view) < 1.0
            assert guard.outside == [], f"requests left loopback: {guard.outside}"
        except BaseException:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "playback.png"), full_page=True)
            raise
        finally:
            browser.close()
