"""The README's screenshots of the map, made again from the bundled sample:

    .venv/bin/python docs/make_screenshots.py [--chromium PATH] [--out-dir docs]

- docs/screenshot-offline.png: no internet. Every request that leaves loopback is aborted, so the
  map's default tiles (OpenStreetMap) fail and it falls back to the offline basemap, saying so.
- docs/screenshot-tiles.png: an operator's own tiles (`serve --tiles URL --tiles-attribution TEXT`),
  here from a tile server on loopback that draws them from the Natural Earth files the dashboard ships
  (tests/tile_support.py), since the machine that makes these screenshots may have no internet.

The sample is ingested through the real pipeline into a temporary store, served by `python -m
dashboard serve` on a free loopback port, and shown in Debian's Chromium (headless, as the browser
tests drive it), opened by a shared link at one view of the sample's region.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard.ingest import ingest_file  # noqa: E402
from dashboard.settings import SAMPLE_BLOG  # noqa: E402
from dashboard.store import EventStore  # noqa: E402
from tests import browser_support as B  # noqa: E402
from tests.conftest import find_chromium  # noqa: E402
from tests.tile_support import NaturalEarthTiles, tile_server  # noqa: E402

# The sample (named, so that the page opens on it without saying which it chose) over Lebanon, western
# Syria and the tip of Cyprus, at the zoom from which the markers carry their names.
VIEW = "?blog=sample-liveblog&zoom=7&center=34.3000,35.5000"
VIEWPORT = {"width": 1280, "height": 1000}  # the title, the time window and the whole map
TILES_CREDIT = "Tiles drawn locally from Natural Earth"
NOTICE = ".lbm-notice"
ALL_TILES_LOADED = """(origin) => {
    const tiles = Array.from(document.querySelectorAll('img.leaflet-tile'));
    return tiles.length > 0
        && tiles.every(t => t.src.startsWith(origin) && t.classList.contains('leaflet-tile-loaded'));
}"""


class ScreenshotError(RuntimeError):
    """The page did not show what the screenshot is meant to show."""


def open_view(browser, url: str) -> tuple[object, object, B.LoopbackGuard]:
    """A page on the app at VIEW, with every request off loopback aborted, once the map shows its places."""
    page = browser.new_page(viewport=VIEWPORT)
    frame, guard = B.open_map(page, url + "/" + VIEW)
    return page, frame, guard


def settle(page, frame) -> None:
    """Let reruns, label placement and Leaflet's tile fade finish before the picture is taken."""
    B.wait_idle(page)
    frame.locator(".lbm-label-place").first.wait_for(state="visible", timeout=15_000)
    page.wait_for_timeout(800)
    B.wait_idle(page)


def save(page, path: Path) -> None:
    box = page.locator(B.MAP_FRAME).bounding_box()
    if box is None or box["y"] < 0 or box["y"] + box["height"] > VIEWPORT["height"]:
        raise ScreenshotError(f"the map does not fit in the {VIEWPORT['width']}x{VIEWPORT['height']} page: {box}")
    page.screenshot(path=str(path), scale="css")
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
          f"{VIEWPORT['width']}x{VIEWPORT['height']}, {path.stat().st_size / 1024:.0f} KB")


def offline_shot(browser, url: str, path: Path) -> None:
    page, frame, guard = open_view(browser, url)
    notice = frame.locator(NOTICE)
    notice.wait_for(state="visible", timeout=20_000)
    if "offline basemap" not in notice.inner_text():
        raise ScreenshotError(f"the map's notice says {notice.inner_text()!r}, not that the offline basemap is in use")
    frame.locator(".lbm-label-country").first.wait_for(state="visible", timeout=15_000)
    settle(page, frame)
    if guard.outside:
        raise ScreenshotError(f"the page asked for something off loopback: {guard.outside[0]}")
    save(page, path)
    page.close()


def tiles_shot(browser, url: str, template: str, path: Path) -> None:
    page, frame, guard = open_view(browser, url)
    frame.wait_for_function(ALL_TILES_LOADED, arg=template.split("/{z}")[0], timeout=60_000)
    settle(page, frame)
    frame.wait_for_function(ALL_TILES_LOADED, arg=template.split("/{z}")[0], timeout=60_000)
    notice = frame.locator(NOTICE)
    if notice.count() and notice.inner_text().strip():
        raise ScreenshotError(f"the map fell back from the tiles: {notice.inner_text()!r}")
    if TILES_CREDIT not in frame.locator(".leaflet-control-attribution").inner_text():
        raise ScreenshotError("the map does not credit the tiles")
    if guard.outside or guard.tiles:
        raise ScreenshotError(f"the page asked for something off loopback: {(guard.outside + guard.tiles)[0]}")
    save(page, path)
    page.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chromium", help="the Chromium to drive (default: Debian's /usr/bin/chromium)")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "docs", help="where the PNG files go")
    args = parser.parse_args(argv)
    chromium = args.chromium or find_chromium()
    if not chromium or not Path(chromium).exists():
        print("error: Chromium not found (apt-get install -y chromium, or pass --chromium PATH)", file=sys.stderr)
        return 2
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="liveblog-shots-") as tmp:
        db = Path(tmp) / "events.db"
        with EventStore(db) as events:
            ingest_file(SAMPLE_BLOG, events)
        with sync_playwright() as playwright:
            browser = B.launch(playwright, chromium)
            try:
                with B.streamlit_server(db) as url:
                    offline_shot(browser, url, args.out_dir / "screenshot-offline.png")
                with tile_server(NaturalEarthTiles()) as (template, _), \
                        B.streamlit_server(db, serve_args=["--tiles", template,
                                                           "--tiles-attribution", TILES_CREDIT]) as url:
                    tiles_shot(browser, url, template, args.out_dir / "screenshot-tiles.png")
            except (ScreenshotError, B.ServerError, TimeoutError, PlaywrightError) as error:
                print(f"error: {str(error).splitlines()[0]}", file=sys.stderr)
                return 1
            finally:
                browser.close()
    print(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
