"""The dashboard in Chromium: open it, scrub the timeline with the keyboard, click a marker, read the
entry; hostile text shows as text and runs nothing; nothing but map tiles leaves loopback.

The server runs `python -m dashboard serve` on a free loopback port against a temporary store
holding the bundled sample (ingested through the real pipeline), one hostile entry added to it, and
an older hostile blog. A screenshot goes to test-artifacts/ when a test fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import browser_support as B
import pandas as pd
import pytest

from dashboard.ingest import ingest_file
from dashboard.settings import SAMPLE_BLOG
from dashboard.store import EventStore
from dashboard.view import mapdata

pytestmark = pytest.mark.browser

START = 'input[aria-label="Time window — start"]'
PLACE_STARTS_WITH = """(name) => document.querySelector('input[aria-label="Place"]').value.startsWith(name)"""
PWNED = "() => typeof window.__pwned === 'undefined'"
# Elements the payloads would create if any of them were read as markup.
INJECTED = """() => document.querySelectorAll(
    'img[src="x"], iframe[src^="javascript"], a[href^="javascript"], b[onmouseover]').length"""


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> dict:
    """The store the server reads, and what the test expects of it."""
    db = tmp_path_factory.mktemp("browser") / "events.db"
    with EventStore(db) as events:
        B.write_blog(events, B.HOSTILE_SOURCE, [B.hostile_entry("2024-12-01T09:00:00+00:00")],
                     places=B.hostile_places())
        report = ingest_file(SAMPLE_BLOG, events)
        sample = events.sources().set_index("source_id").loc[report.source_id]
        times = events.entries([report.source_id])["time_utc"]
        # The hostile entry lands inside the sample's day, on a minute of its own.
        moment = (times.min() + (times.max() - times.min()) / 2).floor("min") + pd.Timedelta(seconds=1)
        B.write_blog(events, sample["name"], [B.hostile_entry(moment.isoformat())], places=B.hostile_places(),
                     title=sample["title"])
        data = mapdata.prepare(events.entries([report.source_id]), events.mentions([report.source_id]),
                               [report.source_id])
    return {"db": db, "data": data, "times": sorted(data.entries["time_utc"].unique())}


@pytest.fixture(scope="module")
def server(store) -> Iterator[str]:
    with B.streamlit_server(store["db"]) as url:
        yield url


def expected_places(data: mapdata.MapData, window) -> dict[str, int]:
    places = mapdata.window_places(data, window)
    return dict(zip(places["label"], places["count"].astype(int), strict=True))


def wait_for_places(page, frame, expected: dict[str, int], timeout_s: float = 20) -> dict[str, int]:
    shown: dict[str, int] = {}
    for _ in range(int(timeout_s * 10)):
        shown = B.layer_places(frame)
        if shown == expected:
            break
        page.wait_for_timeout(100)
    return shown


def visible_marker(page, frame_locator, exclude: str):
    """A place marker (not a cluster) lying inside the map, other than `exclude`."""
    box = page.locator(B.MAP_FRAME).bounding_box()
    markers = frame_locator.locator(".lbm-place")
    for i in range(markers.count()):
        marker = markers.nth(i)
        name = marker.inner_text()
        rect = marker.bounding_box()
        if exclude in name or rect is None:
            continue
        # Playwright gives boxes in the page's coordinates, frames included.
        cx, cy = rect["x"] + rect["width"] / 2, rect["y"] + rect["height"] / 2
        # Clear of the map's edges and its zoom buttons (top left).
        inside_x = box["x"] + 60 < cx < box["x"] + box["width"] - 20
        if inside_x and box["y"] + 90 < cy < box["y"] + box["height"] - 40:
            return marker, name
    raise AssertionError("no place marker stands alone inside the map")


def test_scrub_the_timeline_then_click_a_marker(server, store, browser):
    page, frame, guard, dialogs = B.open_app(browser, server)
    with B.screenshot_on_failure(page, "scrub-and-click"):
        data, times = store["data"], store["times"]
        start = expected_places(data, (times[0], times[-1]))
        assert wait_for_places(page, frame, start) == start

        # The reader zooms in: that view must survive the slider (a remounted map would lose it).
        zoom = B.map_view(frame)[0]
        frame_locator = page.frame_locator(B.MAP_FRAME)
        frame_locator.locator(".leaflet-control-zoom-in").click()
        frame.wait_for_function("(z) => window.map.getZoom() === z + 1", arg=zoom)
        page.wait_for_timeout(500)  # the zoom animation settles
        view = B.map_view(frame)
        frame.evaluate("() => { window.__sameMap = true; }")

        # Step the window's start with the keyboard until a place leaves the map.
        steps = next(k for k in range(1, len(times))
                     if set(expected_places(data, (times[k], times[-1]))) != set(start))
        page.locator(START).focus()
        for _ in range(steps):
            page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => document.querySelector('{START}').value === '{steps}'")
        B.wait_idle(page)
        expected = expected_places(data, (times[steps], times[-1]))
        assert wait_for_places(page, frame, expected) == expected
        assert set(expected) < set(start)
        # The layers taken off the map are let go (streamlit-folium's own list kept every one of them).
        assert B.layer_serial(frame) >= 2 and frame.evaluate("() => window.feature_group.length") == 1
        # The map kept its zoom and centre: only the layer was swapped.
        assert frame.evaluate("() => window.__sameMap === true")
        assert B.map_view(frame)[0] == view[0] and B.view_shift_px(frame, view) < 1.0

        # Click a lone marker: its popup lists its entries, the panel shows the newest of them.
        marker, name = visible_marker(page, frame_locator, exclude="Hostileville")
        serial = B.layer_serial(frame)
        marker.click()
        popup = frame_locator.locator(".lbm-popup")
        popup.wait_for()
        assert popup.locator(".lbm-popup-title").inner_text() == name
        newest = popup.locator(".lbm-popup-headline").first.inner_text()
        page.locator(".lbm-entry h3").wait_for(timeout=15_000)
        B.wait_idle(page)
        assert page.locator(".lbm-entry h3").inner_text() == newest
        assert page.locator('input[aria-label="Place"]').input_value().startswith(name)
        # The rerun that the click caused left the layer (and its open popup) alone.
        assert B.layer_serial(frame) == serial and popup.count() == 1

        # Another place picked beside the map, then the same marker clicked again: it is chosen again.
        place_picker = page.locator('input[aria-label="Place"]')
        place_picker.click()
        other = page.get_by_role("option").filter(has_not_text=name).first
        other_name = other.inner_text()
        other.click()
        B.wait_idle(page)
        assert place_picker.input_value() == other_name
        marker.click()
        page.wait_for_function(PLACE_STARTS_WITH, arg=name, timeout=15_000)

        assert dialogs == [] and frame.evaluate(PWNED) and page.evaluate(PWNED)
        assert guard.outside == [], f"requests left loopback: {guard.outside}"


def test_hostile_entry_shows_as_text_and_runs_nothing(server, browser):
    page, frame, guard, dialogs = B.open_app(browser, server)
    with B.screenshot_on_failure(page, "hostile"):
        latest = page.locator("ol.lbm-latest").inner_text()
        assert B.HOSTILE_HEADLINE in latest

        frame_locator = page.frame_locator(B.MAP_FRAME)
        marker = frame_locator.locator(".lbm-place").filter(has_text="Hostileville")
        marker.hover()
        assert frame_locator.locator(".leaflet-tooltip").inner_text() == B.HOSTILE_PLACE_NAME
        marker.click()
        popup = frame_locator.locator(".lbm-popup")
        popup.wait_for()
        assert popup.locator(".lbm-popup-title").inner_text() == B.HOSTILE_PLACE_NAME
        assert popup.locator(".lbm-popup-headline").first.inner_text() == B.HOSTILE_HEADLINE

        entry = page.locator(".lbm-entry")
        entry.wait_for(timeout=15_000)
        B.wait_idle(page)
        assert entry.locator("h3").inner_text() == B.HOSTILE_HEADLINE
        text = entry.inner_text()
        assert B.HOSTILE_CAPTION.text in text and B.HOSTILE_CAPTION.credit in text
        assert 'onerror="window.__pwned = \'img\'' in text
        assert "[link](javascript:alert(2)) *not bold*" in text
        # The source is linked; the entry's javascript: address is not.
        assert entry.locator("a").count() == 0 or all(
            href.startswith("http") for href in entry.locator("a").evaluate_all("as => as.map(a => a.href)"))

        # Show the hostile blog too: its name is text in the picker and the legend.
        page.locator('[data-testid="stMultiSelect"]').click()
        page.get_by_role("option", name=B.HOSTILE_SOURCE).click()
        page.keyboard.press("Escape")
        B.wait_idle(page)
        page.locator(".lbm-legend", has_text=B.HOSTILE_SOURCE).wait_for()
        frame = B.map_frame(page)

        for where in (page, frame):
            assert where.evaluate(PWNED)
            assert where.evaluate(INJECTED) == 0
        assert dialogs == []
        assert guard.outside == [], f"requests left loopback: {guard.outside}"


# Every places layer the map's frame is handed, as sent (streamlit-folium's render message), in every frame.
RECORD_LAYERS = """window.__layersSent = [];
window.addEventListener("message", (event) => {
    const args = event.data && event.data.type === "streamlit:render" && event.data.args;
    if (args && args.feature_group) window.__layersSent.push(args.feature_group);
});"""


def popup_lines_shown(frame_locator) -> list[tuple[str, str, str]]:
    """The open popup's entries: (time, headline, source) each, as the reader sees them."""
    items = frame_locator.locator(".lbm-popup .lbm-popup-entry")
    items.first.wait_for()
    return [(item.locator(".lbm-popup-time").inner_text(), item.locator(".lbm-popup-headline").inner_text(),
             item.locator(".lbm-popup-source").inner_text() if item.locator(".lbm-popup-source").count() else "")
            for item in items.all()]


def sent_payload(script: str) -> dict:
    """The payload in a places layer's script as sent (`dashboard.ui.map.PlaceLayer`)."""
    literal = re.search(r"placeLayer\(JSON\.parse\(('.*?')\)\)", script).group(1)
    return json.loads(json.loads('"' + literal[1:-1].replace('"', '\\"') + '"'))


def test_layers_name_what_the_page_keeps_after_steps_and_a_change_of_blogs(server, store, browser):
    """A slider step sends the window's places by code and the rows of their entries, not the entries'
    text: the markers and popups read the rest from what the page was sent once for the blogs shown,
    after several steps and again after another blog is added to the map."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(RECORD_LAYERS)  # in the map's frame too, from its start
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    frame, guard = B.open_map(page, server)
    page.locator(B.MAP_FRAME).evaluate("frame => frame.scrollIntoView({block: 'center'})")
    with B.screenshot_on_failure(page, "popup-lines"):
        data, times = store["data"], store["times"]
        frame_locator = page.frame_locator(B.MAP_FRAME)
        page.locator(START).focus()
        for step in range(1, 4):
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"() => document.querySelector('{START}').value === '{step}'")
            B.wait_idle(page)
        window = (times[3], times[-1])
        expected = expected_places(data, window)
        assert wait_for_places(page, frame, expected) == expected
        sent = [sent_payload(script) for script in frame.evaluate("() => window.__layersSent")]
        assert len(sent) >= 4  # the first window's layer and one for each step
        headlines = {h for h in data.entries["headline"] if h}
        for payload in sent:
            assert "entries" not in payload and payload["kept"] == sent[0]["kept"]
            assert not headlines & {str(v) for place in payload["places"] for v in place.values()}
            assert all("code" in place and "name" not in place for place in payload["places"])

        # A lone marker's popup lists its window's entries, newest first, as the page keeps them.
        marker, name = visible_marker(page, frame_locator, exclude="Hostileville")
        marker.click()
        listed = mapdata.window_places(data, window).set_index("label").at[name, "listed"]
        lines = mapdata.popup_lines(data)
        assert popup_lines_shown(frame_locator) == [(lines[row][0], lines[row][1] or "(no headline)", "")
                                                    for row in listed]
        B.wait_idle(page)

        # Another blog on the map too: other lines, each naming its blog, read by the same popups.
        page.locator('input[aria-label="Live blogs"]').click()
        page.get_by_role("option").filter(has_text="Hostile blog").click()
        page.keyboard.press("Escape")
        B.wait_idle(page)
        frame = B.map_frame(page)
        frame.wait_for_function("(label) => window.liveblogMap.current.placeCounts[label] === 2",
                                arg=B.HOSTILE_PLACE_NAME, timeout=20_000)
        frame_locator.locator(".lbm-place").filter(has_text="Hostileville").click()
        sample_name = next(iter(data.source_names.values()))
        assert [line[1:] for line in popup_lines_shown(frame_locator)] == [
            (B.HOSTILE_HEADLINE, sample_name), (B.HOSTILE_HEADLINE, B.HOSTILE_SOURCE)]
        latest = sent_payload(frame.evaluate("() => window.__layersSent.at(-1)"))
        assert latest["multi"] and latest["kept"] != sent[0]["kept"] and "entries" not in latest
        assert dialogs == [] and frame.evaluate(PWNED) and page.evaluate(PWNED)
        assert guard.outside == []
