"""The map's base layers in Chromium: with no internet the offline basemap shows coastlines and country
names and says it is in use; an operator's own tile server (a fake one on loopback) is drawn, and
switching layers keeps the markers and the view; a link's zoom and centre open the map there.

The store holds the bundled sample, ingested through the real pipeline. The sample never names Egypt
or Cyprus, so their names on the map come from the basemap.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from struct import pack

import browser_support as B
import pytest
import tile_support

from dashboard.ui.map import OFFLINE_NAME

pytestmark = pytest.mark.browser

NOTICE = ".lbm-notice"


def png_tile() -> bytes:
    """A 256x256 PNG of one flat colour, written by hand (no imaging library)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes((200, 120, 40)) * 256 for _ in range(256))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def tile_server() -> Iterator[tuple[str, list[str]]]:
    """A tile server on loopback answering every /{z}/{x}/{y}.png with the same flat tile; yields its
    template and the paths it served."""
    tile = png_tile()
    with tile_support.tile_server(lambda z, x, y: tile) as served:
        yield served


@pytest.fixture(scope="module")
def tiled_server(sample_db, tile_server) -> Iterator[str]:
    template, _ = tile_server
    with B.streamlit_server(sample_db, serve_args=["--tiles", template, "--tiles-attribution",
                                                   "Tiles by the test's own server"]) as url:
        yield url


def test_offline_basemap_shows_coastlines_and_names_and_says_so(sample_server, browser):
    page, frame, guard, _ = B.open_app(browser, sample_server)
    with B.screenshot_on_failure(page, "offline-basemap"):
        notice = frame.locator(NOTICE)
        notice.wait_for(state="visible", timeout=15_000)
        assert "offline basemap" in notice.inner_text()
        for name in ("Egypt", "Cyprus"):
            label = frame.locator(".lbm-label-country", has_text=name)
            label.first.wait_for(state="visible", timeout=15_000)
        # Land and coastlines are drawn (on a canvas) from the files our own server sent.
        drawn = frame.evaluate("""() => {
            const offline = window.map._lbmBase.offline;
            return {onMap: window.map.hasLayer(offline), layers: offline.getLayers().length,
                    sea: window.map.getContainer().classList.contains('lbm-offline')};
        }""")
        assert drawn == {"onMap": True, "layers": 2, "sea": True} or (drawn["onMap"] and drawn["layers"] >= 2)
        attribution = frame.locator(".leaflet-control-attribution").inner_text()
        assert "Natural Earth" in attribution and "OpenStreetMap" not in attribution
        assert guard.tiles, "the default layer tried OpenStreetMap's tiles first"
        assert guard.outside == []


def test_own_tiles_are_drawn_and_switching_layers_keeps_markers_and_view(tiled_server, tile_server, browser):
    template, served = tile_server
    page, frame, guard, _ = B.open_app(browser, tiled_server)
    with B.screenshot_on_failure(page, "own-tiles"):
        origin = template.split("/{z}")[0]
        frame.wait_for_function("""(origin) => Array.from(document.querySelectorAll('img.leaflet-tile-loaded'))
            .some(img => img.src.startsWith(origin))""", arg=origin, timeout=15_000)
        assert served and all(path.endswith(".png") for path in served)
        assert "Tiles by the test's own server" in frame.locator(".leaflet-control-attribution").inner_text()
        assert frame.locator(NOTICE).count() == 0 or frame.locator(NOTICE).inner_text() == ""
        places = B.layer_places(frame)
        view = B.map_view(frame)
        frame.locator(".leaflet-control-layers").hover()
        frame.get_by_label(OFFLINE_NAME).check()
        frame.locator(".lbm-label-country").first.wait_for(state="visible", timeout=15_000)
        assert B.layer_places(frame) == places and B.map_view(frame)[0] == view[0]
        assert B.view_shift_px(frame, view) < 2
        assert frame.locator(".lbm-place, .marker-cluster, .lbm-area").count() > 0
        frame.locator(".leaflet-control-layers").hover()
        frame.get_by_label("Your tiles").check()
        B.wait_idle(page)
        assert B.layer_places(frame) == places and B.view_shift_px(frame, view) < 2
        assert B.map_view(frame)[0] == view[0]
        assert guard.outside == []
        # The chosen layer goes into the link.
        page.wait_for_function("() => window.location.search.includes('layer=custom')", timeout=15_000)


def test_a_link_with_zoom_and_centre_opens_there_and_moves_go_into_the_link(sample_server, browser):
    page, frame, _, _ = B.open_app(browser, sample_server + "/?zoom=9&center=34.7300,36.7100")
    with B.screenshot_on_failure(page, "link-view"):
        zoom, lat, lng = B.map_view(frame)
        assert zoom == 9 and abs(lat - 34.73) < 0.01 and abs(lng - 36.71) < 0.01
        frame.evaluate("() => { window.map.setView([33.5, 36.3], 8, {animate: false}); }")
        page.wait_for_function("() => window.location.search.includes('zoom=8')", timeout=15_000)
        assert "center=33.5000%2C36.3000" in page.url or "center=33.5000,36.3000" in page.url
