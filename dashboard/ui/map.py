"""The folium side of the map: the fixed base map, its base layers, and the window's places as one layer.

What the layer holds is decided in `dashboard.view.mapdata`; here it becomes folium elements whose
scripts and styles all come from our own server (`dashboard.ui.assets`). The base layers (tile providers
from `xyzservices`, the operator's own tiles, the offline basemap) and their control are drawn by
`static/basemap.js`, which falls back to the offline basemap when no tile loads.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection

import folium
import pandas as pd
import xyzservices
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from dashboard.settings import TileSettings
from dashboard.ui import assets
from dashboard.view import markup as H
from dashboard.view.mapdata import (
    FIT_MAX_ZOOM,
    MAP_MAX_ZOOM,
    Drawing,
    MapData,
    layer_payload,
    once_per_data_set,
    page_kept_json,
)
from dashboard.view.paths import paths_payload
from dashboard.view.shades import MAX_RADIUS_PX
from gazetteer.places import DATA_LICENCE, DATA_LICENCE_URL, DATA_NAME, DATA_URL

# The ring drawn round the places of the entry chosen in the table.
HIGHLIGHT = "#111111"
# The credit for the places layer, shown whatever the base layer; each base layer adds its own while it
# is drawn (Leaflet's attribution control), so the line names only what the reader sees.
PLACES_CREDIT = f"places {H.link(DATA_NAME, DATA_URL)} ({H.link(DATA_LICENCE, DATA_LICENCE_URL)})"
OFFLINE_NAME = "Offline (Natural Earth)"
OFFLINE_ATTRIBUTION = (f"{H.link('Natural Earth', 'https://www.naturalearthdata.com/')} (public domain)"
                       f" | cities {H.link(DATA_NAME, DATA_URL)}")
# Tile providers from xyzservices' registry, by the names DASHBOARD_BASEMAP and the link's layer= use.
# The paper style is Esri's light grey canvas: CARTO's light tiles now ask for a key.
PROVIDERS = {"osm": ("OpenStreetMap", ("OpenStreetMap", "Mapnik")),
             "satellite": ("Satellite (Esri)", ("Esri", "WorldImagery")),
             "paper": ("Paper (Esri light grey)", ("Esri", "WorldGrayCanvas"))}
# How long a tile layer may show nothing before the map switches to the offline basemap.
FALLBACK_MS = 4000


class LocalMap(folium.Map):
    """A folium map whose scripts and stylesheets all come from our own server.

    Bootstrap, Font Awesome, awesome-markers and folium's CDN stylesheet are dropped (so no
    `folium.Icon`): markers are Leaflet div icons and circles styled by `static/places.css`.
    """

    default_js = assets.map_js()
    default_css = assets.map_css()


def tile_layers(tiles: TileSettings) -> list[dict]:
    """The tile layers a reader can choose: the providers', then the operator's own when given."""
    layers = []
    for key, (name, path) in PROVIDERS.items():
        provider = xyzservices.providers
        for part in path:
            provider = provider[part]
        with warnings.catch_warnings():  # a provider's notice (keys, usage policy) is not ours to print
            warnings.simplefilter("ignore")
            url = provider.build_url(fill_subdomain=False)
        layers.append({"key": key, "name": name, "url": url, "attribution": provider.html_attribution,
                       "maxZoom": int(provider.get("max_zoom", 19)), "subdomains": provider.get("subdomains", "abc")})
    if tiles.tiles:
        layers.append({"key": "custom", "name": "Your tiles", "url": tiles.tiles,
                       "attribution": H.text(tiles.attribution or "Map tiles: your own server"),
                       "maxZoom": 19, "subdomains": "abc"})
    return layers


class BaseLayers(MacroElement):
    """The base layers, their control, and the fall-back to the offline basemap (static/basemap.js)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            window.liveblogBasemap.baseLayers({{ this._parent.get_name() }}, {{ this.config }});
        {% endmacro %}
    """)

    def __init__(self, config: dict):
        super().__init__()
        self._name = "BaseLayers"
        self.config = H.js_json(config)


def base_map(bounds: list[list[float]] | None, base_url_path: str = "", tiles: bool = True,
             tile_settings: TileSettings | None = None, view: tuple[int, tuple[float, float]] | None = None,
             layer: str | None = None) -> folium.Map:
    """The fixed base map, framing `bounds` (or opening at a link's `view`, zoom and centre).

    It must not change while the slider moves or the reader pans (a change remounts the map and resets
    the view), so it depends on the chosen sources and the link only. `layer` (a link's) is the base
    layer shown first, else the settings' default; without `tiles`, only the offline basemap is offered.
    """
    settings = tile_settings or TileSettings()
    if view is not None:
        zoom, location = view[0], list(view[1])
    elif bounds is None:
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
    layers = tile_layers(settings) if tiles else []
    offered = {spec["key"] for spec in layers} | {"offline"}
    chosen = next((key for key in (layer, settings.basemap, "osm") if key in offered), "offline")
    fmap.add_child(BaseLayers({
        "layers": layers, "chosen": chosen, "credit": PLACES_CREDIT, "fallbackMs": FALLBACK_MS,
        "minZoom": 2, "maxZoom": MAP_MAX_ZOOM,
        "offline": {"name": OFFLINE_NAME, "attribution": OFFLINE_ATTRIBUTION,
                    "world": "basemap/world.json", "regions": "basemap/regions.json"}}))
    if bounds is not None and view is None:
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

    def __init__(self, payload: dict | str):
        super().__init__()
        self._name = "PlaceLayer"
        self.payload = payload if isinstance(payload, str) else layer_script(payload)

    def render(self, **kwargs) -> None:
        """As `MacroElement.render`, but the script goes into the figure as the text it is: branca would
        compile it as a Jinja template, and lexing its hundreds of kilobytes of data was the largest part
        of what st_folium did in a slider step."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            super().render(**kwargs)  # says what is wrong
            return
        script = self._template.module.__dict__["script"]
        figure.script.add_child(RenderedText(script(self, kwargs)), name=self.get_name())


class RenderedText(Element):
    """Text already rendered, put in a figure as it is (never compiled as a template)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def layer_script(payload: dict) -> str:
    """The payload as the script expression `PlaceLayer` writes: built once per window and shared by
    every session (`dashboard.ui.loaders.load_layer`), as it is the costly part of a slider step."""
    return H.js_json(payload)


# The id of the page's element holding what it keeps of a data set, before its key (`static/places.js`).
PAGE_KEPT_ID = "lbm-kept-"


@once_per_data_set  # a full run (a page opened, a filter set) sends it again
def page_kept_html(data: MapData) -> str | None:
    """What the page keeps of a data set (`mapdata.page_kept_json`: the entries' popup lines, the places'
    own fields) as an element: each window's layer names it by key, and `static/places.js` reads it once
    and keeps it. None when the data set is too big to keep, and each layer carries its own."""
    kept = page_kept_json(data)
    return None if kept is None else H.json_style(PAGE_KEPT_ID + kept[0], kept[1])


def places_payload(data: MapData, drawing: Drawing, new_entries: Collection[int] = (), *,
                   paths: pd.DataFrame | None = None, reported_after: pd.Timestamp | None = None) -> dict:
    """What the places layer draws (`layer_payload`), with `paths` (`dashboard.view.paths.window_paths`)
    as arrows under the places. `new_entries` (entry ids) are marked "new" on their markers and in the
    popups; on the "happened" clock, `reported_after` (the window's end) marks the places reported later."""
    payload = layer_payload(data, drawing, new_entries, reported_after)
    payload["paths"] = paths_payload(paths, data.entries) if paths is not None else []
    return payload


def places_layer(data: MapData, drawing: Drawing, new_entries: Collection[int] = (), *,
                 paths: pd.DataFrame | None = None, reported_after: pd.Timestamp | None = None) -> folium.FeatureGroup:
    """The feature group handed to `st_folium(feature_group_to_add=...)`: swapped without a remount."""
    return group_of(layer_script(places_payload(data, drawing, new_entries, paths=paths,
                                                reported_after=reported_after)))


def group_of(script: str) -> folium.FeatureGroup:
    """A fresh feature group around a prepared `layer_script`: st_folium adds the group to the session's
    own map and renders it, so a group is never shared between sessions, only its script."""
    group = folium.FeatureGroup(name="Places")
    group.add_child(PlaceLayer(script))
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
