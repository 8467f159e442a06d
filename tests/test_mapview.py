"""The map's logic over DataFrames shaped like the store's: a window's places, their sizes and
colours, areas drawn as areas, the layer's payload (hostile text stays data), the offline base map,
and clicks traced back to places."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from map_support import drawn_places

from dashboard.ui import assets
from dashboard.ui import map as map_ui
from dashboard.view import legend, mapdata, place_labels, shades
from dashboard.view import markup as H

T0 = pd.Timestamp("2024-12-13 08:00", tz="UTC")
HOSTILE_NAME = '<img src=x onerror="alert(1)"> ${alert(2)} `x` \\` _abc {{ "y" }}'
PLACES = {
    "gn:1": ("Damascus", 33.51, 36.29, "SY", "PPLC", False),
    "gn:2": ("Homs", 34.73, 36.72, "SY", "PPLA", False),
    "gn:3": ("Syria", 35.0, 38.0, "SY", "PCLI", True),
    "gn:4": (HOSTILE_NAME, 34.0, 31.0, "XX", "PPL", False),
    "gn:5": ("Moscow", 55.75, 37.62, "RU", "PPLC", False),
}
# (hours after T0, source, headline, place ids named; a place named twice counts once)
ENTRIES = [
    (0, 1, "Queues in Damascus", ["gn:1", "gn:1"]),
    (1, 1, "Road to Homs", ["gn:1", "gn:2"]),
    (2, 1, "<script>alert(3)</script>", ["gn:4", "gn:3"]),
    (3, 1, "Homs quiet", ["gn:2"]),
    (4, 2, "Kremlin statement", ["gn:5", "gn:1"]),
]


def frames(entries=ENTRIES) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(entries, mentions) as EventStore.entries() and .mentions() return them."""
    erows, mrows = [], []
    for i, (hours, source, headline, named) in enumerate(entries, start=1):
        time = T0 + pd.Timedelta(hours=hours)
        erows.append({"entry_id": i, "source_id": source, "source": f"Blog {source}", "time_utc": time,
                      "time_given": time.strftime("%H:%M"), "is_lead": False, "is_timed": True,
                      "headline": headline, "body": "", "captions": [], "url": ""})
        for position, place_id in enumerate(named):
            name, lat, lon, cc, fcode, area = PLACES[place_id]
            mrows.append({"entry_id": i, "source_id": source, "time_utc": time, "position": position,
                          "start": 0, "end": 1, "mention": name, "place_id": place_id, "place_name": name,
                          "lat": lat, "lon": lon, "country_code": cc, "feature_code": fcode, "is_area": area,
                          "score": 0.9, "alternatives": []})
    columns = ["entry_id", "source_id", "time_utc", "position", "start", "end", "mention", "place_id",
               "place_name", "lat", "lon", "country_code", "feature_code", "is_area", "score", "alternatives"]
    return pd.DataFrame(erows), pd.DataFrame(mrows, columns=columns)


@pytest.fixture
def data() -> mapdata.MapData:
    entries, mentions = frames()
    return mapdata.prepare(entries, mentions, [1, 2], {1: "Blog 1", 2: "Blog 2"})


def window(first: int, last: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    return T0 + pd.Timedelta(hours=first), T0 + pd.Timedelta(hours=last)


def test_one_row_per_place_in_the_window_with_entry_counts(data):
    places = mapdata.window_places(data, window(0, 4))
    assert sorted(places["place_id"]) == ["gn:1", "gn:2", "gn:3", "gn:4", "gn:5"]
    counts = dict(zip(places["place_id"], places["count"], strict=True))
    assert counts == {"gn:1": 3, "gn:2": 2, "gn:3": 1, "gn:4": 1, "gn:5": 1}
    assert places["count"].is_monotonic_decreasing


def test_the_window_decides_which_places_show(data):
    assert sorted(mapdata.window_places(data, window(0, 1))["place_id"]) == ["gn:1", "gn:2"]
    assert sorted(mapdata.window_places(data, window(3, 3))["place_id"]) == ["gn:2"]
    assert mapdata.window_places(data, (T0 - pd.Timedelta(days=1), T0 - pd.Timedelta(hours=1))).empty
    assert mapdata.window_entry_rows(data, window(1, 3)) == [1, 2, 3]
    homs = int(mapdata.window_places(data, window(0, 4)).set_index("place_id").at["gn:2", "code"])
    assert mapdata.window_entry_rows(data, window(0, 4), homs) == [1, 3]


def test_popup_lists_newest_entries_first_and_counts_the_rest(data):
    places = mapdata.window_places(data, window(0, 4), popup_entries=2).set_index("place_id")
    headlines = data.entries["headline"]
    assert [headlines[r] for r in places.at["gn:1", "listed"]] == ["Kremlin statement", "Road to Homs"]
    assert places.at["gn:1", "more"] == 1 and places.at["gn:2", "more"] == 0


def test_size_grows_with_entries_and_colour_with_recency(data):
    assert shades.radii_px(np.array([1, 2, 4, 16, 10_000])).tolist() == [6, 10, 14, 22, 26]
    everything = mapdata.window_places(data, window(0, 4)).set_index("place_id")
    assert everything.at["gn:1", "radius"] > everything.at["gn:2", "radius"] > everything.at["gn:5", "radius"]
    places = mapdata.window_places(data, window(0, 3)).set_index("place_id")
    # Homs was last named at the window's end, Damascus an hour before: Homs is darker.
    assert places.at["gn:2", "recency"] == 1.0
    assert places.at["gn:1", "recency"] == pytest.approx(1 / 3)

    def lightness(colour: str) -> int:
        return sum(int(colour[i:i + 2], 16) for i in (1, 3, 5))

    assert lightness(places.at["gn:2", "fill"]) < lightness(places.at["gn:1", "fill"])
    assert places.at["gn:2", "fill"] == shades.PALETTE[0]


def test_sources_get_their_own_colours(data):
    places = mapdata.window_places(data, window(0, 4)).set_index("place_id")
    assert places.at["gn:5", "stroke"] == shades.PALETTE[1]  # named only by source 2
    assert places.at["gn:1", "stroke"] == shades.PALETTE[1]  # named last by source 2
    assert places.at["gn:2", "stroke"] == shades.PALETTE[0]


def test_areas_are_drawn_as_wide_circles_not_pins(data):
    places = mapdata.window_places(data, window(0, 4)).set_index("place_id")
    assert bool(places.at["gn:3", "is_area"]) and places.at["gn:3", "area_m"] > 100_000
    assert places.at["gn:1", "area_m"] == 0
    payload = mapdata.layer_payload(data, mapdata.for_drawing(places.reset_index()))
    by_name = {p["name"]: p for p in drawn_places(data, payload)}
    assert by_name["Syria"]["area"] == places.at["gn:3", "area_m"] and by_name["Homs"]["area"] == 0
    assert legend.area_summary(places.reset_index()) == [("Syria", 1)]
    shown = legend.legend_html(data, mapdata.for_drawing(places.reset_index()))
    assert "Syria (1)" in shown and "Blog 2" in shown


def test_places_named_by_new_entries_are_marked_new(data):
    places = mapdata.window_places(data, window(0, 4))
    drawing = mapdata.for_drawing(places)
    assert not any(p["new"] for p in mapdata.layer_payload(data, drawing)["places"])
    newest = data.entries.iloc[-1]
    named = set(data.mentions.loc[data.mentions["entry_id"] == newest["entry_id"], "place_name"])
    payload = mapdata.layer_payload(data, drawing, {int(newest["entry_id"])})
    assert named and {p["name"] for p in drawn_places(data, payload) if p["new"]} == named
    # Its popups list it among their entries, marked by its row.
    assert payload["fresh"] == [len(data.entries) - 1]
    assert mapdata.popup_lines(data)[payload["fresh"][0]][1] == newest["headline"]


def test_area_sizes_follow_the_country():
    syria, lebanon, russia = (mapdata.area_radius_m("PCLI", cc) for cc in ("SY", "LB", "RU"))
    assert lebanon < syria < russia <= mapdata.COUNTRY_RADIUS_BOUNDS_M[1]
    assert 200_000 < syria < 300_000
    assert mapdata.area_radius_m("ADM1") == mapdata.AREA_RADIUS_M["ADM1"]
    assert mapdata.area_radius_m("PCLI", "??") > 0


def decode_payload(js: str) -> dict:
    literal = re.search(r"placeLayer\(JSON\.parse\(('.*?')\)\)", js).group(1)
    return json.loads(json.loads('"' + literal[1:-1].replace('"', '\\"') + '"'))


def test_layer_is_one_element_with_one_feature_per_place_and_hostile_text_as_data(data):
    from streamlit_folium import _get_feature_group_string

    places = mapdata.window_places(data, window(0, 4))
    group = map_ui.places_layer(data, mapdata.for_drawing(places))
    assert len(group._children) == 1
    js = _get_feature_group_string(group, map_ui.base_map(mapdata.map_bounds(data)))
    payload = decode_payload(js)
    assert len(payload["places"]) == len(places) == 5
    hostile = next(p for p in drawn_places(data, payload) if p["label"].startswith("<img"))
    assert hostile["name"] == HOSTILE_NAME and hostile["label"] == HOSTILE_NAME
    assert hostile["tip"] == H.text(HOSTILE_NAME)
    lines = mapdata.popup_lines(data)
    assert [lines[row][1] for row in hostile["entries"]] == ["<script>alert(3)</script>"]
    assert payload["multi"] is True and lines[0][2].startswith("Blog")
    # Nothing of the text is left where the generated script could act on it.
    call = js[js.index("placeLayer("):]
    for dangerous in ("<img", "<script", "${", "`", "{{"):
        assert dangerous not in call


def test_a_windows_layer_names_what_the_page_keeps_and_holds_no_entry_text(data):
    payload = mapdata.layer_payload(data, mapdata.for_drawing(mapdata.window_places(data, window(0, 4))))
    key, text = mapdata.page_kept_json(data)
    assert payload["kept"] == key and "entries" not in payload
    assert json.loads(text) == {"lines": mapdata.popup_lines(data), "places": mapdata.place_fields(data)}
    # A window's place gives its code for what is its own (where, name, area, how sure).
    assert all("code" in p and "lat" not in p and "name" not in p for p in payload["places"])
    sent = json.dumps(payload)
    for headline in data.entries["headline"]:
        assert json.dumps(headline)[1:-1] not in sent
    # Each popup lists its entries by row of the data set, newest first, as its lines are kept.
    homs = next(p for p in drawn_places(data, payload) if p["name"] == "Homs")
    assert [mapdata.popup_lines(data)[row][1] for row in homs["entries"]] == ["Homs quiet", "Road to Homs"]
    # Other entries, other lines and another key: a page never reads one data set's lines for another.
    other = mapdata.prepare(*frames(ENTRIES[:3]))
    assert mapdata.page_kept_json(other)[0] != key


def test_what_the_page_keeps_reaches_it_as_inert_json_in_a_style_element():
    data = mapdata.prepare(*frames([*ENTRIES, (5, 1, "A */ comment & </style> end", ["gn:2"])]))
    html = map_ui.page_kept_html(data)
    key, text = mapdata.page_kept_json(data)
    match = re.fullmatch(r'<style id="lbm-kept-([0-9a-f]+)">/\*(.*)\*/</style>', html, re.DOTALL)
    assert match and match.group(1) == key
    # Nothing in it can end the element or its comment: the JSON carries <, >, & and * as escapes.
    for closing in ("<", ">", "&", "*"):
        assert closing not in match.group(2)
    assert json.loads(match.group(2)) == json.loads(text)
    assert json.loads(match.group(2))["lines"][2:] == [["13 Dec 10:00", "<script>alert(3)</script>", "Blog 1"],
                                              ["13 Dec 11:00", "Homs quiet", "Blog 1"],
                                              ["13 Dec 12:00", "Kremlin statement", "Blog 2"],
                                              ["13 Dec 13:00", "A */ comment & </style> end", "Blog 1"]]


def test_past_the_kept_size_each_layer_carries_the_lines_and_fields_it_shows(data, monkeypatch):
    monkeypatch.setattr(mapdata, "PAGE_KEPT_ENTRIES", len(data.entries) - 1)
    data = dataclasses.replace(data)  # a data set of its own: nothing worked out for the shared one is kept
    payload = mapdata.layer_payload(data, mapdata.for_drawing(mapdata.window_places(data, window(1, 3))))
    assert map_ui.page_kept_html(data) is None and "kept" not in payload
    assert {p["name"] for p in payload["places"]} == {"Homs", HOSTILE_NAME, "Syria", "Damascus"}
    listed = {row for p in payload["places"] for row in p["entries"]}
    # Only the listed entries were labelled: no line was made for every entry of the data set.
    assert not any("popup_lines" in name for name in vars(data))
    assert payload["entries"] == {row: mapdata.popup_lines(data)[row] for row in listed}
    assert listed == {1, 2, 3}


def test_past_the_kept_size_a_popup_lists_fewer_entries_and_counts_the_rest(monkeypatch):
    # Damascus named by eight entries an hour apart, Homs by one.
    entries = [(hour, 1, f"Damascus, hour {hour}", ["gn:1"]) for hour in range(8)] + [(8, 1, "Homs", ["gn:2"])]
    small = mapdata.prepare(*frames(entries))
    assert mapdata.popup_size(small) == mapdata.POPUP_ENTRIES
    monkeypatch.setattr(mapdata, "PAGE_KEPT_ENTRIES", len(entries) - 1)
    big = mapdata.prepare(*frames(entries))
    assert mapdata.popup_size(big) == mapdata.BIG_POPUP_ENTRIES < 8
    payload = mapdata.layer_payload(big, mapdata.for_drawing(mapdata.window_places(big, window(0, 8))))
    damascus = next(p for p in payload["places"] if p["label"].startswith("Damascus"))
    # The latest few, newest first; the others counted for the panel; only their lines are sent.
    assert [payload["entries"][row][1] for row in damascus["entries"]] == [
        f"Damascus, hour {hour}" for hour in range(7, 7 - mapdata.BIG_POPUP_ENTRIES, -1)]
    assert damascus["n"] == 8 and damascus["more"] == 8 - mapdata.BIG_POPUP_ENTRIES
    assert len(payload["entries"]) == mapdata.BIG_POPUP_ENTRIES + 1
    # An explicit size still wins.
    places = mapdata.window_places(big, window(0, 8), popup_entries=5).set_index("place_id")
    assert len(places.at["gn:1", "listed"]) == 5


def test_layer_goes_into_the_page_as_its_text_without_being_compiled_as_a_template(data, monkeypatch):
    """The layer's script (hundreds of kilobytes on a big window) is put in the figure as it is: the same
    script on the whole page and in st_folium's swapped layer, and no Jinja template made of it."""
    from jinja2 import Environment
    from streamlit_folium import _get_feature_group_string

    script = map_ui.layer_script(map_ui.places_payload(data, mapdata.for_drawing(
        mapdata.window_places(data, window(0, 4)))))
    compiled: list[str] = []
    original = Environment.from_string

    def watched(self, source, *args, **kwargs):
        compiled.append(str(source))
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(Environment, "from_string", watched)
    fmap = map_ui.base_map(mapdata.map_bounds(data))
    js = _get_feature_group_string(map_ui.group_of(script), fmap)
    page = fmap.get_root().render()
    assert script in js and script in page
    assert not [source for source in compiled if script in source]
    # Text that looks like a template stays text.
    assert map_ui.RenderedText('{{ "x" }} {% if y %}').render() == '{{ "x" }} {% if y %}'


def test_layer_script_builds_text_with_textcontent_only():
    script = (assets.STATIC_DIR / "places.js").read_text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "eval(" not in script
    assert "textContent" in script


def test_base_map_loads_only_our_own_files(data):
    fmap = map_ui.base_map(mapdata.map_bounds(data))
    links = [url for _, url in fmap.default_js + fmap.default_css]
    assert links and all(url.startswith("/app/static/") for url in links)
    for url in links:
        assert (assets.STATIC_DIR / url.removeprefix("/app/static/")).parent.name in (
            "static", "leaflet", "markercluster", "jquery")
    rendered = fmap.get_root().render()
    sources = re.findall(r'(?:src|href)="([^"]+)"', rendered)
    assert all(s.startswith("/app/static/") for s in sources), sources
    assert "bootstrap" not in rendered.lower() and "font-awesome" not in rendered.lower()
    assert fmap.options["maxZoom"] == mapdata.MAP_MAX_ZOOM and not fmap.options.get("preferCanvas")
    assert "openstreetmap.org" in rendered and "GeoNames" in rendered
    # Framed without animation: a zoom animation started while the iframe is being sized never ends,
    # and Leaflet then ignores every later zoom.
    assert re.search(r'fitBounds\(\s*\[\[[^]]+\], \[[^]]+\]\],\s*\{[^}]*"animate": false', rendered)


def test_base_map_follows_a_base_url_path():
    fmap = map_ui.base_map(None, base_url_path="/maps/")
    assert all(url.startswith("/maps/app/static/") for _, url in fmap.default_js)


def test_framing_uses_points_not_country_centres(data):
    assert mapdata.map_bounds(data) == [[33.51, 31.0], [55.75, 37.62]]
    entries, mentions = frames([(0, 1, "Only a country", ["gn:3"])])
    assert mapdata.map_bounds(mapdata.prepare(entries, mentions)) == [[35.0, 38.0], [35.0, 38.0]]
    empty = mapdata.prepare(*frames([(0, 1, "Nowhere", [])]))
    assert mapdata.map_bounds(empty) is None and mapdata.window_places(empty, window(0, 0)).empty


def test_base_map_is_the_same_whatever_the_window(data):
    """The component's identity hangs on the base map: it must not depend on the window."""
    from streamlit_folium import _get_map_string, generate_js_hash

    bounds = mapdata.map_bounds(data)
    hashes = {generate_js_hash(_get_map_string(map_ui.base_map(bounds)), "map") for _ in range(3)}
    assert len(hashes) == 1


def test_labels_are_unique_per_window():
    labels = place_labels.unique_labels(["Tripoli", "Tripoli", "Homs", "Al Hadir", "Al Hadir", " "],
                                   ["LB", "LY", "SY", "SY", "SY", ""])
    assert labels == ["Tripoli (LB)", "Tripoli (LY)", "Homs", "Al Hadir (SY) #1", "Al Hadir (SY) #2",
                      "(unnamed place)"]


def test_a_windows_labels_and_fills_are_those_worked_out_place_by_place():
    rng = np.random.default_rng(5)
    # Names that repeat, across countries and within one, one written as another's label, one blank.
    names = ["Tripoli", "Tripoli", "Homs", "Al  Hadir", "Al Hadir", " ", "Tripoli (LB)", "Springfield"] * 3
    ccs = ["LB", "LY", "SY", "SY", "SY", "", "LB", "US"] * 3
    cleaned = place_labels.clean_names(names)
    for size in (0, 1, 3, 8, 24):
        for _ in range(20):
            codes = rng.choice(len(names), size=size, replace=False)
            assert place_labels.labels_of(*cleaned, np.array(ccs, dtype=object), codes) == place_labels.unique_labels(
                [names[c] for c in codes], [ccs[c] for c in codes])
    recency = np.r_[rng.random(200), 0.0, 1.0, -0.5, 1.5, 0.01, 0.99, np.nan]
    hues = [("#b3261e", "#1d5fa6")[i % 2] for i in range(len(recency))]
    assert shades.recency_fills(hues, recency) == [shades.recency_fill(h, r) for h, r in zip(hues, recency,
                                                                                              strict=True)]


def test_clicks_are_traced_back_to_places(data):
    places = mapdata.window_places(data, window(0, 4))
    hit = {"last_object_clicked_tooltip": "Homs", "last_object_clicked": {"lat": 34.73, "lng": 36.72}}
    assert mapdata.clicked_place(hit, places) == "gn:2"
    assert mapdata.clicked_place({"last_object_clicked_tooltip": HOSTILE_NAME}, places) == "gn:4"
    cluster = {"last_object_clicked_tooltip": "3 places here: click to zoom in"}
    assert mapdata.clicked_place(cluster, places) is None
    nothing = {"last_object_clicked_tooltip": None, "last_object_clicked": None}
    assert mapdata.clicked_place(nothing, places) is None
    assert mapdata.clicked_place(None, places) is None


def test_a_click_on_a_shared_label_goes_to_the_nearest_place():
    twins = pd.DataFrame({"label": ["Twin", "Twin"], "place_id": ["a", "b"], "lat": [10.0, 20.0],
                          "lon": [10.0, 20.0]})
    assert mapdata.clicked_place({"last_object_clicked_tooltip": "Twin",
                                  "last_object_clicked": {"lat": 19.0, "lng": 19.5}}, twins) == "b"


def test_vendor_assets_are_copied_once(tmp_path):
    placed = assets.ensure_vendor(tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in placed}
    assert {"leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/images/marker-icon.png",
            "markercluster/leaflet.markercluster.js", "jquery/jquery.min.js"} <= names
    before = {p: p.stat().st_mtime_ns for p in placed}
    assets.ensure_vendor(tmp_path)
    assert {p: p.stat().st_mtime_ns for p in placed} == before
    assert not list(Path(tmp_path).rglob("*.part"))
    for _, url in assets.map_js() + assets.map_css():
        relative = url.removeprefix("/app/static/")
        assert relative.startswith("vendor/") or (assets.STATIC_DIR / relative).is_file()


def crowded_places(points: int, areas: int = 2) -> pd.DataFrame:
    """`window_places`-shaped rows: `points` cities on a 0.1° grid (biggest first) and a few areas."""
    rows = [{"place_id": f"p{i}", "label": f"Town {i}", "lat": 30 + (i % 60) * 0.1, "lon": 30 + (i // 60) * 0.1,
             "is_area": False, "count": points - i} for i in range(points)]
    rows += [{"place_id": f"a{i}", "label": f"Land {i}", "lat": 35.0, "lon": 40.0, "is_area": True, "count": 1}
             for i in range(areas)]
    return pd.DataFrame(rows).sort_values("count", ascending=False, kind="stable", ignore_index=True)


def test_few_places_are_all_drawn_one_by_one():
    places = crowded_places(50)
    drawing = mapdata.for_drawing(places, max_points=50)
    assert drawing.places.equals(places) and drawing.cells.empty and drawing.summed_up == 0


def test_past_the_limit_the_less_named_points_are_summed_up_by_grid_cell():
    places = crowded_places(3_000)
    drawing = mapdata.for_drawing(places, max_points=1_000, max_cells=40)
    points = drawing.places[~drawing.places["is_area"]]
    # The most named points and every area are drawn; nothing is lost or counted twice.
    assert len(points) == 1_000 and set(points["label"]) == {f"Town {i}" for i in range(1_000)}
    assert drawing.places["is_area"].sum() == 2
    assert drawing.summed_up == 2_000 == drawing.cells["places"].sum()
    assert drawing.cells["count"].sum() == sum(3_000 - i for i in range(1_000, 3_000))
    assert 0 < len(drawing.cells) <= 40 and drawing.cell_deg in mapdata.CELL_SIZES_DEG
    # A cell's centre lies among its places; its list names the most named first.
    assert drawing.cells["lat"].between(30, 36).all() and drawing.cells["lon"].between(30, 35).all()
    for top in drawing.cells["top"]:
        counts = [n for _, n in top]
        assert counts == sorted(counts, reverse=True) and len(top) <= mapdata.CELL_TOP_PLACES


def test_summed_up_places_reach_the_layer_and_the_legend(data):
    places = mapdata.window_places(data, window(0, 4))
    payload = mapdata.layer_payload(data, mapdata.for_drawing(places))
    assert payload["cells"] == []
    crowded = crowded_places(mapdata.MAX_POINT_MARKERS + 500).assign(
        name=lambda f: f["label"], country_code="SY", feature_code="PPL", area_m=lambda f: f["is_area"] * 90_000,
        fill="#ffffff",
        stroke="#b3261e", radius=6, listed=[[] for _ in range(mapdata.MAX_POINT_MARKERS + 502)], more=0)
    payload = mapdata.layer_payload(data, mapdata.for_drawing(crowded))
    assert len([p for p in payload["places"] if not p["area"]]) == mapdata.MAX_POINT_MARKERS
    assert sum(c["places"] for c in payload["cells"]) == 500
    assert all(c["more"] == c["places"] - len(c["top"]) for c in payload["cells"])
    assert "500 less named places summed up" in legend.legend_html(data, mapdata.for_drawing(crowded))


def test_tile_settings_default_to_osm_and_to_the_operator_s_tiles_when_given():
    from dashboard.settings import tile_settings

    assert tile_settings({}).basemap == "osm"
    own = tile_settings({"DASHBOARD_TILES": "http://127.0.0.1:9/{z}/{x}/{y}.png",
                         "DASHBOARD_TILES_ATTRIBUTION": "Our  tiles"})
    assert (own.basemap, own.attribution, own.problems) == ("custom", "Our tiles", ())
    assert tile_settings({"DASHBOARD_BASEMAP": "Satellite"}).basemap == "satellite"
    bad = tile_settings({"DASHBOARD_BASEMAP": "custom", "DASHBOARD_TILES": "ftp://nowhere"})
    assert bad.basemap == "osm" and bad.tiles is None and len(bad.problems) == 2


def test_base_layers_offer_providers_own_tiles_and_the_offline_basemap():
    from dashboard.settings import TileSettings

    own = TileSettings(basemap="custom", tiles="http://127.0.0.1:9/{z}/{x}/{y}.png",
                       attribution="<b>Ours</b>")
    layers = map_ui.tile_layers(own)
    assert [layer["key"] for layer in layers] == ["osm", "satellite", "paper", "custom"]
    assert layers[-1]["attribution"] == "&lt;b&gt;Ours&lt;/b&gt;"  # the operator's text stays text
    rendered = map_ui.base_map(None, tile_settings=own, layer="offline").get_root().render()
    assert '"chosen": "offline"' in rendered or '"chosen":"offline"' in rendered
    assert "basemap/world.json" in rendered and "Natural Earth" in rendered
    assert map_ui.tile_layers(TileSettings())[0]["url"].startswith("https://tile.openstreetmap.org/")


def test_the_offline_basemap_files_hold_land_borders_names_and_regions():
    import json

    from dashboard.settings import BASEMAP_DIR

    world = json.loads((BASEMAP_DIR / "world.json").read_text(encoding="utf-8"))
    kinds = {f["properties"]["kind"] for f in world["features"]}
    assert kinds == {"land", "border", "country", "sea", "city"}
    names = {f["properties"]["name"] for f in world["features"] if f["properties"]["kind"] == "country"}
    assert {"Egypt", "Cyprus", "Syria", "Lebanon"} <= names
    regions = json.loads((BASEMAP_DIR / "regions.json").read_text(encoding="utf-8"))
    assert any(f["properties"]["country"] == "SYR" for f in regions["features"])


def test_layer_places_read_from_the_data_set_say_what_the_window_s_own_columns_say(data):
    """A place's fixed fields (where, name, area, how sure) come from a table worked out once per data
    set, found by the place's row: the same as reading them from the window's own columns."""
    drawing = mapdata.for_drawing(mapdata.window_places(data, window(0, 4)))
    by_code = mapdata.layer_payload(data, drawing)
    by_hand = mapdata.layer_payload(data, mapdata.Drawing(drawing.places.drop(columns="code"), drawing.cells,
                                                         drawing.cell_deg))
    drawn = [{k: v for k, v in place.items() if k != "code"} for place in drawn_places(data, by_code)]
    assert drawn == by_hand["places"] and by_code["kept"] == by_hand["kept"]
    assert {p["name"] for p in by_hand["places"]} == {"Damascus", "Homs", "Syria", HOSTILE_NAME, "Moscow"}


def test_what_is_worked_out_once_per_data_set_does_not_keep_the_data_set_alive(data):
    import gc
    import weakref

    own = dataclasses.replace(data)
    lines, fields, kept = mapdata.popup_lines(own), mapdata.place_fields(own), map_ui.page_kept_html(own)
    assert mapdata.popup_lines(own) is lines and mapdata.place_fields(own) is fields  # worked out once
    assert map_ui.page_kept_html(own) is kept
    gone = weakref.ref(own)
    del own
    gc.collect()
    assert gone() is None


def test_entries_already_in_order_are_kept_and_others_sorted():
    entries, mentions = frames()
    kept = mapdata.prepare(entries, mentions)
    assert kept.entries is entries  # the store's order: not copied
    shuffled = entries.iloc[[3, 0, 4, 1, 2]]
    for given in (shuffled, shuffled.reset_index(drop=True), entries.set_axis(range(5, 10))):
        pd.testing.assert_frame_equal(mapdata.prepare(given, mentions).entries, entries)


def test_a_windows_places_are_those_counted_place_by_place():
    """Each place's count, latest entry and popup rows, found by binary search in the pairs grouped by
    place, are what a plain pass over the window's own pairs gives, whatever the window."""
    rng = np.random.default_rng(11)
    ids = [f"gn:{i}" for i in range(1, 6)]
    entries = [(h, 1, f"Entry {h}", list(rng.choice(ids, size=rng.integers(1, 4)))) for h in range(60)]
    data = mapdata.prepare(*frames(entries), [1], {1: "Blog 1"})
    for first, last in [(0, 59), (1, 59), (10, 12), (30, 30), (59, 59), *rng.integers(0, 60, size=(20, 2))]:
        first, last = sorted((int(first), int(last)))
        places = mapdata.window_places(data, window(first, last), popup_entries=3)
        # The window's (entry row, place) pairs, newest entry first.
        pairs = [(row, pid) for row in range(last, first - 1, -1) for pid in dict.fromkeys(entries[row][3])]
        expected = {pid: [row for row, p in pairs if p == pid] for pid in dict.fromkeys(p for _, p in pairs)}
        assert set(places["place_id"]) == set(expected)
        for place in places.itertuples():
            rows = expected[place.place_id]
            assert place.count == len(rows) and place.more == max(len(rows) - 3, 0)
            assert list(place.listed) == rows[:3]
            assert place.latest == (T0 + pd.Timedelta(hours=rows[0])).value


def test_grid_cells_sum_up_their_places_as_a_grouping_by_cell_does():
    places = crowded_places(3_000)
    drawing = mapdata.for_drawing(places, max_points=1_000, max_cells=300)
    rest = places[~places["is_area"]].iloc[1_000:]
    size = drawing.cell_deg
    cell = np.floor(rest["lat"] / size).astype(int) * 100_000 + np.floor(rest["lon"] / size).astype(int)
    grouped = rest.assign(cell=cell.to_numpy(), wlat=rest["lat"] * rest["count"], wlon=rest["lon"] * rest["count"])
    sums = grouped.groupby("cell", sort=False).agg(wlat=("wlat", "sum"), wlon=("wlon", "sum"), count=("count", "sum"),
                                                   places=("label", "size"))
    expected = {(round(r.wlat / r.count, 9), round(r.wlon / r.count, 9)): (int(r.places), int(r.count))
                for r in sums.itertuples()}
    got = {(round(c.lat, 9), round(c.lon, 9)): (int(c.places), int(c.count)) for c in drawing.cells.itertuples()}
    assert got == expected
    for top in drawing.cells["top"]:  # the most named of each cell, in the order the window ranks them
        assert top == sorted(top, key=lambda pair: -pair[1]) and len(top) <= mapdata.CELL_TOP_PLACES
