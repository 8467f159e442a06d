"""`python -m dashboard serve` started outside the checkout, as an installed copy is: no
.streamlit/config.toml in the folder or the home folder, no store yet. The map's scripts must still
come from our own server and the first visit must show the sample's places from a store in the user
data folder."""

from __future__ import annotations

import urllib.request

import browser_support as B
import pytest

from dashboard.store import EventStore
from dashboard.view import mapdata

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_served_from_any_folder_the_first_visit_maps_the_sample_with_local_scripts(tmp_path, browser):
    home, data_home, folder = tmp_path / "home", tmp_path / "xdg", tmp_path / "elsewhere"
    for path in (home, data_home, folder):
        path.mkdir()
    env = {"HOME": str(home), "XDG_DATA_HOME": str(data_home)}
    # No Streamlit options after --: what the page gets is what `serve` itself passes.
    with B.streamlit_server(None, extra_env=env, cwd=folder, streamlit_options=()) as url:
        with urllib.request.urlopen(f"{url}/app/static/vendor/leaflet/leaflet.js", timeout=10) as response:
            assert response.headers["Content-Type"].startswith(("application/javascript", "text/javascript"))
        scripts: dict[str, int] = {}
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("response", lambda r: scripts.__setitem__(r.url, r.status) if "/app/static/" in r.url else None)
        guard = B.LoopbackGuard()
        page.route("**/*", guard)
        with B.screenshot_on_failure(page, "served-from-any-folder"):
            page.goto(url)
            frame = B.map_frame(page, timeout=120_000)
            B.wait_idle(page)
            db = data_home / "liveblog-map" / "events.db"
            assert db.is_file(), "the store goes to the user data folder"
            with EventStore(db) as store:
                (source_id,) = store.sources()["source_id"]
                data = mapdata.prepare(store.entries([source_id]), store.mentions([source_id]), [source_id])
            times = sorted(data.entries["time_utc"].unique())
            places = mapdata.window_places(data, (times[0], times[-1]))
            expected = dict(zip(places["label"], places["count"].astype(int), strict=True))
            assert len(expected) > 20  # the sample names dozens of places
            assert B.layer_places(frame) == expected
            assert frame.evaluate("() => typeof L === 'object' && typeof L.markerClusterGroup === 'function'")
            loaded = {u.split("/app/static/", 1)[1]: s for u, s in scripts.items()}
            assert loaded.get("vendor/leaflet/leaflet.js") == 200, loaded
            assert loaded.get("vendor/markercluster/leaflet.markercluster.js") == 200, loaded
            assert guard.outside == []
            assert not list(home.rglob("config.toml"))
