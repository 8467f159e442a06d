"""The folium side of the map: the fixed base map and the window's places as one layer on it.

What the layer holds is decided in `dashboard.view.mapdata`; here it becomes folium elements whose
scripts and styles all come from our own server (`dashboard.ui.assets`).
"""

from __future__ import annotations

import folium
from branca.element import MacroElement
from folium.template import Template

from dashboard.ui import assets
from dashboard.view import markup as H
from dashboard.view.mapdata import FIT_MAX_ZOOM, MAP_MAX_ZOOM, MAX_RADIUS_PX, Drawing, MapData, layer_payload
from gazetteer.places import DATA_LICENCE, DATA_LICENCE_URL, DATA_NAME, DATA_URL

# The ring drawn round the places of the entry chosen in the table.
HIGHLIGHT = "#111111"
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
# Short enough for one line under a narrow map (a second line covered the scale bar).
ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
               f' | places {H.link(DATA_NAME, DATA_URL)} ({H.link(DATA_LICENCE, DATA_LICENCE_URL)})')


class LocalMap(folium.Map):
    """A folium map whose scripts and stylesheets all come from our own server.

    Bootstrap, Font Awesome, awesome-markers and folium's CDN stylesheet are dropped (so no
    `folium.Icon`): markers are Leaflet div icons and circles styled by `static/places.css`.
    """

    default_js = assets.map_js()
    default_css = assets.map_css()


def base_map(bounds: list[list[float]] | None, base_url_path: str = "", tiles: bool = True) -> folium.Map:
    """The fixed base map, framing `bounds`. It must not change while the slider moves (a change
    remounts the map and resets the view), so it depends on the chosen sources only."""
    if bounds is None:
        location, zoom = [20.0, 0.0], 2
    else:
        (south, west), (north, east) = bounds
        location, zoom = [(south + north) / 2, (west + east) / 2], 6
    fmap = LocalMap(location=location, zoom_start=zoom, tiles=None, control_scale=True,
                    min_zoom=2, max_zoom=MAP_MAX_ZOOM)
    # Leaflet.markercluster needs the map's own maxZoom when no tile layer has loaded to give one.
    fmap.options["maxZoom"] = MAP_MAX_ZOOM
    fmap.options["minZoom"] = 2
    fmap.default_js = assets.map_js(base_url_path)
    fmap.default_css = assets.map_css(base_url_path)
    if tiles:
        # Tried when online; offline the tiles fail quietly and the layers show on a plain background.
        folium.TileLayer(TILE_URL, attr=ATTRIBUTION, name="OpenStreetMap", max_zoom=19,
                         min_zoom=2).add_to(fmap)
    if bounds is not None:
        framing = folium.FitBounds(bounds, padding=(30, 30), max_zoom=FIT_MAX_ZOOM)
        # Not animated: the map is drawn while its iframe is still being sized, where a zoom animation
        # never gets its `transitionend` and Leaflet then ignores every later zoom (buttons included).
        framing.options["animate"] = False
        fmap.add_child(framing)
    return fmap


class PlaceLayer(MacroElement):
    """The window's places as one element: a JSON payload handed to `liveblogMap.placeLayer`."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = window.liveblogMap.placeLayer({{ this.payload }});
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, payload: dict):
        super().__init__()
        self._name = "PlaceLayer"
        self.payload = H.js_json(payload)


def places_layer(data: MapData, drawing: Drawing) -> folium.FeatureGroup:
    """The feature group handed to `st_folium(feature_group_to_add=...)`: swapped without a remount."""
    group = folium.FeatureGroup(name="Places")
    group.add_child(PlaceLayer(layer_payload(data, drawing)))
    return group


def highlight(group: folium.FeatureGroup, data: MapData, entry_id: int | None) -> folium.FeatureGroup:
    """Ring the places of the selected entry on the places layer (rings take no clicks)."""
    if entry_id is None:
        return group
    mentions = data.mentions[data.mentions["entry_id"] == int(entry_id)].drop_duplicates("place_id")
    for m in mentions.itertuples(index=False):
        folium.CircleMarker([float(m.lat), float(m.lon)], radius=MAX_RADIUS_PX + 4, color=HIGHLIGHT,
                            weight=3, fill=False, dash_array="4 4", interactive=False,
                            class_name="lbm-selected").add_to(group)
    return group
