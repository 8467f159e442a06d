"""Helpers for driving the real dashboard: stores written by hand (blogs of our own words, with
hostile text), a Streamlit server on a free loopback port, a request guard that keeps Chromium on
loopback, and readers for the Leaflet map inside the st_folium iframe.

Used by tests/test_app.py, tests/test_browser.py and bench/bench_map.py. Never downloads a browser:
the caller passes the path of an installed Chromium.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from dashboard.model import Caption, Entry
from dashboard.store import EventStore, WriteResult, entry_rows
from gazetteer.places import Mention, Place

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
# The tile providers' hosts (dashboard.ui.map.PROVIDERS): tried when online, aborted here.
TILE_HOSTS = frozenset({"tile.openstreetmap.org", "server.arcgisonline.com"})
_MAP_READY = "() => !!(window.map && window.liveblogMap && window.liveblogMap.current)"


# --------------------------------------------------------------------------------------------------
# Stores written by hand, through the store's own write path.
# --------------------------------------------------------------------------------------------------

PLACES = {
    "Damascus": Place("gn:170654", "Damascus", 33.5102, 36.29128, "P", "PPLC", "SY"),
    "Homs": Place("gn:169577", "Homs", 34.72682, 36.72339, "P", "PPLA", "SY"),
    "Tartus": Place("gn:163345", "Tartus", 34.88902, 35.88659, "P", "PPLA", "SY"),
    "Syria": Place("gn:163843", "Syria", 35.0, 38.0, "A", "PCLI", "SY"),
}
# A runner-up candidate, so the panel has something to say about how a place was chosen.
RUNNER_UP = Place("gn:999001", "Homs Lake", 34.65, 36.55, "H", "LK", "SY")

# Every way text has been seen to turn into markup or script: each payload sets window.__pwned or
# opens a dialog if it ever runs.
HOSTILE_HEADLINE = ('<script>window.__pwned = "headline"</script>Hostile ${window.__pwned = "template"} '
                    '`${alert("tick")}`')
HOSTILE_BODY = ('Seen at <img src=x onerror="window.__pwned = \'img\'; alert(1)"> near Hostileville. '
                '\\` + (window.__pwned = "backslash") + `  [link](javascript:alert(2)) *not bold*')
HOSTILE_CAPTION = Caption('<iframe src="javascript:window.__pwned=\'iframe\'"></iframe> Hostileville at dusk',
                          '<b onmouseover="window.__pwned=\'credit\'">Agency</b>')
HOSTILE_URL = "javascript:window.__pwned='link'"
HOSTILE_PLACE_NAME = 'Hostileville <img src=x onerror="window.__pwned=\'place\'"> ${alert(3)}'
# Out at sea west of Lebanon: on the map of a blog about the Levant, yet apart from every other marker.
HOSTILE_PLACE = Place("test:hostile", HOSTILE_PLACE_NAME, 34.0, 31.0, "P", "PPL", "XX")
HOSTILE_SOURCE = '<script>window.__pwned="source"</script>Hostile blog ${alert(4)}'


def find_mentions(text: str, places: Mapping[str, Place], score: float = 0.9) -> list[Mention]:
    """Every whole occurrence of each name in `text` as a mention of its place (longest names first)."""
    taken: list[tuple[int, int]] = []
    found = []
    for name in sorted(places, key=len, reverse=True):
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if all(end <= a or start >= b for a, b in taken):
                taken.append((start, end))
                found.append(Mention(start, end, name, places[name], score, ((RUNNER_UP, 0.25),)))
            start = text.find(name, end)
    return sorted(found, key=lambda m: m.start)


def entry(when: str, headline: str, body: str, captions: Sequence[Caption] = (), url: str = "") -> Entry:
    """An entry at an ISO time (with its offset), written as a blog would give it."""
    moment = datetime.fromisoformat(when)
    return Entry(time_utc=moment, time_given=moment.strftime("%H:%M"), headline=headline, body=body,
                 captions=tuple(captions), url=url)


def write_blog(store: EventStore, source: str, entries: Sequence[Entry], places: Mapping[str, Place] = PLACES,
               title: str = "", url: str | None = None) -> WriteResult:
    """Store entries under `source` with the mentions of every place name they contain."""
    rows = entry_rows(entries)
    mentions = {row.key: find_mentions(row.entry.text, places) for row in rows}
    return store.write_blog(source=source, title=title, url=url, rows=rows, mentions=mentions)


def small_blog() -> list[Entry]:
    """Four entries of our own, an hour apart, naming Damascus, Homs, Tartus and Syria."""
    return [
        entry("2024-12-13T08:00:00+00:00", "Bakeries in Damascus open early",
              "Bread was on sale in Damascus before dawn, shopkeepers said."),
        entry("2024-12-13T09:00:00+00:00", "Road to Homs open again",
              "Drivers who left Damascus at first light reached Homs by mid-morning.",
              [Caption("Traffic on the road north of Damascus", "Agency photo")]),
        entry("2024-12-13T10:00:00+00:00", "Ships leave Tartus",
              "Two vessels were seen leaving Tartus, officials in Syria said.", url="https://example.org/blog#10"),
        entry("2024-12-13T11:00:00+00:00", "Quiet morning in Homs",
              "Markets in Homs were busy and the roads of Syria calm."),
    ]


def hostile_entry(when: str) -> Entry:
    """An entry whose every field tries to run script, naming a place with a hostile name."""
    return entry(when, HOSTILE_HEADLINE, HOSTILE_BODY, [HOSTILE_CAPTION], url=HOSTILE_URL)


def hostile_places() -> dict[str, Place]:
    """The place names a hostile entry uses: "Hostileville" resolves to a place with a hostile name."""
    return {"Hostileville": HOSTILE_PLACE}


# --------------------------------------------------------------------------------------------------
# The server and the browser.
# --------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerError(RuntimeError):
    """The Streamlit server did not come up; the message ends with its log."""


@contextmanager
def streamlit_server(db_path: Path | None, port: int | None = None, timeout: float = 120.0,
                     extra_env: dict[str, str] | None = None, serve_args: Sequence[str] = (), cwd: Path = PROJECT_ROOT,
                     streamlit_options: Sequence[str] = ("--server.headless", "true", "--browser.gatherUsageStats",
                                                         "false", "--server.fileWatcherType", "none"),
                     ) -> Iterator[str]:
    """Run the dashboard (`python -m dashboard serve`, what `make run` runs) on 127.0.0.1 against
    `db_path` (None: the default store, as `extra_env` places it), from `cwd`; yields the base URL.

    Waits for /_stcore/health; the server process (and only it) is stopped on exit.
    """
    port = port or free_port()
    env = {**os.environ, **(extra_env or {})}
    if db_path is None:
        env.pop("DASHBOARD_DB", None)
    else:
        env["DASHBOARD_DB"] = str(db_path)
    log = tempfile.NamedTemporaryFile(prefix="streamlit-", suffix=".log", delete=False)  # noqa: SIM115
    command = [sys.executable, "-m", "dashboard", "serve", "--address", "127.0.0.1", "--port", str(port),
               *serve_args, *(["--", *streamlit_options] if streamlit_options else [])]
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise ServerError(f"streamlit exited with {process.returncode}:\n{_read(log.name)}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise ServerError(f"streamlit did not answer within {timeout:.0f} s:\n{_read(log.name)}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
        Path(log.name).unlink(missing_ok=True)


def _read(path: str) -> str:
    try:
        return Path(path).read_text(errors="replace")[-4000:]
    except OSError:
        return "(no log)"


@dataclass
class LoopbackGuard:
    """A Playwright route handler: loopback requests go through, anything else is aborted and
    recorded. Map tiles may be tried (the map works without them); they are recorded apart."""

    outside: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)

    def __call__(self, route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname in LOOPBACK_HOSTS:
            route.continue_()
            return
        (self.tiles if parts.hostname in TILE_HOSTS else self.outside).append(url)
        route.abort()


def launch(playwright, chromium_path: str):
    return playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)


def map_frame(page, timeout: float = 60_000):
    """The st_folium iframe's Frame, once its Leaflet map and first places layer exist."""
    page.locator(MAP_FRAME).wait_for(state="attached", timeout=timeout)
    deadline = time.monotonic() + timeout / 1000
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "streamlit_folium" in frame.url:
                try:
                    if frame.evaluate(_MAP_READY):
                        return frame
                except Exception:  # the frame may be navigating
                    pass
        page.wait_for_timeout(50)
    raise TimeoutError("the map did not appear")


def open_map(page, url: str, timeout: float = 60_000):
    """`page` at `url` with every request off loopback aborted, once the map shows its places and the app
    is idle: (the map's frame, the request guard)."""
    guard = LoopbackGuard()
    page.route("**/*", guard)
    page.goto(url)
    frame = map_frame(page, timeout=timeout)
    wait_idle(page)
    return frame, guard


def open_app(browser, url: str, height: int = 1000):
    """A page on the app, its request guard and dialog log, once the map shows its places."""
    page = browser.new_page(viewport={"width": 1400, "height": height})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    frame, guard = open_map(page, url)
    # The whole map in view: a marker at the window's edge is scrolled to mid-click otherwise.
    page.locator(MAP_FRAME).evaluate("frame => frame.scrollIntoView({block: 'center'})")
    return page, frame, guard, dialogs


def map_view(frame) -> tuple[int, float, float]:
    """The Leaflet map's zoom and centre, read from the map object itself."""
    zoom, lat, lng = frame.evaluate(
        "() => [window.map.getZoom(), window.map.getCenter().lat, window.map.getCenter().lng]")
    return int(zoom), float(lat), float(lng)


def view_shift_px(frame, view: tuple[int, float, float]) -> float:
    """How far, in screen pixels at the view's zoom, the map's centre now is from `view`'s centre.

    Leaflet re-centres by a fraction of a pixel when its container is resized (a page scrollbar
    coming or going), which is not a change of view.
    """
    zoom, lat, lng = view
    return float(frame.evaluate("""([z, lat, lng]) => window.map.project([lat, lng], z)
        .distanceTo(window.map.project(window.map.getCenter(), z))""", [zoom, lat, lng]))


def layer_places(frame) -> dict[str, int]:
    """The places of the layer the map shows now: label -> entries naming it."""
    return dict(frame.evaluate("() => window.liveblogMap.current.placeCounts"))


# How many places layers the map's frame has made so far (`static/places.js`), and whether it has made one
# after the n-th: a step is answered when the count grows.
LAYER_SERIAL = "() => (window.liveblogMap || {serial: 0}).serial"
LAYER_AFTER = "(n) => (window.liveblogMap || {serial: 0}).serial > n"


def layer_serial(frame) -> int:
    """How many places layers the page has evaluated so far."""
    return int(frame.evaluate(LAYER_SERIAL))


def wait_for_layer_after(frame, serial: int, timeout: float = 30_000, polling: float | str = "raf") -> None:
    """Wait until the map's frame has made a places layer after the `serial`-th (a step's answer)."""
    frame.wait_for_function(LAYER_AFTER, arg=serial, timeout=timeout, polling=polling)


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until the Streamlit script is not running (reruns settle)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)


def click_download(page, button: str, timeout: float = 30_000):
    """Click a download button and return Playwright's Download.

    The app reruns once after the map reports its first view, which may replace a button clicked at
    that moment: the click is made when the script is idle, and once more if no download began."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in (1, 2):
        wait_idle(page)
        try:
            with page.expect_download(timeout=timeout / 2 if attempt == 1 else timeout) as info:
                page.get_by_role("button", name=button).click()
            return info.value
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@contextmanager
def screenshot_on_failure(page, name: str) -> Iterator[None]:
    """A full-page screenshot in test-artifacts/ when the block fails, to see what the test saw."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        raise
