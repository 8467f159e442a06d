"""Movements as paths: stored at ingest with the entry's mentions, their ends following corrections
and filters, cut to the time window, drawn as arrows (the map's payload), and exported with
`export --what paths` (CSV with both ends, GeoJSON and KML LineStrings)."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from cli_support import run
from store_support import back_to_version
from streamlit_folium import _get_feature_group_string
from word_geoparser import AMMAN, HOMS, TARTUS, WordGeoparser, blog, entry

from dashboard import corrections
from dashboard.export import PATH_COLUMNS, export, path_rows
from dashboard.ingest import ingest_blog
from dashboard.store import SCHEMA_VERSION, EventStore
from dashboard.ui import map as map_ui
from dashboard.view import mapdata, paths

KML = "{http://www.opengis.net/kml/2.2}"
CONVOY = entry(60, "Convoy on the move", "Trucks left Homs on Friday morning for Tartus. Crowds gathered in Aleppo.")
LATER = entry(300, "Flight", "A plane flew from Beirut to Amman.")


def ingest(store: EventStore, entries, **kw):
    return ingest_blog(blog(entries), store, source="test-blog", geoparser=WordGeoparser(), **kw)


@pytest.fixture
def store(tmp_path):
    with EventStore(tmp_path / "events.db") as opened:
        ingest(opened, [CONVOY, LATER])
        yield opened


def test_movements_are_stored_with_their_entry_and_words(store):
    frame = store.paths()
    assert frame[["from_mention", "to_mention", "from_place_id", "to_place_id"]].values.tolist() == [
        ["Homs", "Tartus", HOMS.place_id, TARTUS.place_id], ["Beirut", "Amman", "gn:276781", AMMAN.place_id]]
    assert frame["words"].iloc[0] == "Homs on Friday morning for Tartus"
    text = CONVOY.text
    first = frame.iloc[0]
    assert text[first["from_start"]:first["from_end"]] == "Homs" and text[first["to_start"]:first["to_end"]] == "Tartus"
    assert str(frame["time_utc"].dtype) == "datetime64[ns, UTC]"


def test_an_edit_replaces_the_entrys_paths_and_a_repeat_writes_nothing(store):
    before = store.dump()
    ingest(store, [CONVOY, LATER])
    assert store.dump() == before
    ingest(store, [entry(60, "Convoy on the move", "Trucks waited in Homs. Crowds gathered in Aleppo."), LATER])
    assert store.paths()["from_mention"].tolist() == ["Beirut"]


def test_an_older_store_gets_its_paths_from_a_reparse(tmp_path):
    path = tmp_path / "old.db"
    with EventStore(path) as filled:
        ingest(filled, [CONVOY])
    conn = sqlite3.connect(path, isolation_level=None)
    back_to_version(conn, SCHEMA_VERSION - 1)
    conn.close()
    with EventStore(path) as migrated:
        assert migrated.paths().empty
        assert ingest(migrated, [CONVOY], reparse=True).remapped == 1
        assert migrated.paths()["to_mention"].tolist() == ["Tartus"]


def test_a_paths_ends_follow_corrections_and_filters(store):
    mentions = corrections.laid_over(store)
    laid = corrections.paths_laid_over(store.paths(), mentions)
    assert [paths.path_name(p) for p in laid.itertuples()] == ["Homs → Ţarţūs", "Beirut → Amman"]
    # An end corrected to another place moves there; one that is "not a place" takes its path away.
    entry_id, start = int(store.paths()["entry_id"].iloc[0]), int(store.paths()["to_start"].iloc[0])
    store.correct_mention(entry_id, start, start + len("Tartus"), "Tartus", AMMAN, author="Ana")
    laid = corrections.paths_laid_over(store.paths(), corrections.laid_over(store))
    assert laid["to_place_name"].tolist() == ["Amman", "Amman"]
    beirut = store.paths().iloc[1]
    store.correct_mention(int(beirut["entry_id"]), int(beirut["from_start"]), int(beirut["from_end"]), "Beirut",
                          None, author="Ana")
    laid = corrections.paths_laid_over(store.paths(), corrections.laid_over(store))
    assert laid["from_place_name"].tolist() == ["Homs"]
    # A filter that leaves one end out leaves the path out, as it does the marker.
    without_homs = mentions[mentions["place_id"] != HOMS.place_id]
    assert corrections.paths_laid_over(store.paths(), without_homs)["from_place_name"].tolist() == ["Beirut"]


def test_the_window_cuts_paths_as_it_cuts_markers(store):
    laid = corrections.paths_laid_over(store.paths(), corrections.laid_over(store))
    morning = (pd.Timestamp("2031-05-04T09:30Z"), pd.Timestamp("2031-05-04T12:00Z"))
    assert paths.window_paths(laid, morning)["to_place_name"].tolist() == ["Ţarţūs"]
    assert paths.window_paths(laid, (pd.Timestamp("2031-05-05T00:00Z"), pd.Timestamp("2031-05-06T00:00Z"))).empty


def test_the_map_layer_carries_the_windows_arrows_as_text(store):
    data = mapdata.prepare(store.entries(), corrections.laid_over(store))
    laid = corrections.paths_laid_over(store.paths(), data.mentions)
    payload = paths.paths_payload(laid, data.entries)
    assert payload[0] == {"from": [HOMS.latitude, HOMS.longitude], "to": [TARTUS.latitude, TARTUS.longitude],
                          "name": "Homs → Ţarţūs", "tip": "Homs → Ţarţūs", "words": "Homs on Friday morning for Tartus",
                          "time": "4 May 10:00", "headline": "Convoy on the move"}
    whole = (data.entries["time_utc"].min(), data.entries["time_utc"].max())
    group = map_ui.places_layer(data, mapdata.for_drawing(mapdata.window_places(data, whole)), paths=laid)
    js = _get_feature_group_string(group, map_ui.base_map(mapdata.map_bounds(data)))
    literal = re.search(r"placeLayer\(JSON\.parse\(('.*?')\)\)", js).group(1)
    drawn = json.loads(json.loads('"' + literal[1:-1].replace('"', '\\"') + '"'))
    assert drawn["paths"] == payload and len(drawn["places"]) == 5
    # Without paths given, the layer draws none.
    assert "paths\":[]" in _get_feature_group_string(map_ui.places_layer(data, mapdata.for_drawing(
        mapdata.window_places(data, whole))), map_ui.base_map(None)).replace("\\", "")


def test_the_arrows_tooltip_is_escaped():
    laid = pd.DataFrame([{"entry_id": 1, "time_utc": pd.Timestamp("2031-05-04T10:00Z"), "words": "<b>x</b>",
                          "from_place_name": "<img src=x onerror=alert(1)>", "from_lat": 1.0, "from_lon": 2.0,
                          "to_place_name": "B", "to_lat": 3.0, "to_lon": 4.0}])
    (item,) = paths.paths_payload(laid, pd.DataFrame({"entry_id": [1], "headline": ["<i>h</i>"]}))
    assert "<img" not in item["tip"] and "&lt;img" in item["tip"]
    assert item["words"] == "<b>x</b>" and item["headline"] == "<i>h</i>"  # text, set as textContent


def test_export_paths_in_every_format(store):
    rows = list(csv.DictReader(io.StringIO(export(store, "csv", what="paths"), newline="")))
    assert tuple(rows[0]) == PATH_COLUMNS and len(rows) == len(path_rows(store)) == 2
    assert {k: rows[0][k] for k in ("time", "from_place", "from_lat", "from_lon", "to_place", "to_lat", "to_lon",
                                    "words")} == {
        "time": "2031-05-04T10:00:00+00:00", "from_place": "Homs", "from_lat": repr(HOMS.latitude),
        "from_lon": repr(HOMS.longitude), "to_place": "Ţarţūs", "to_lat": repr(TARTUS.latitude),
        "to_lon": repr(TARTUS.longitude), "words": "Homs on Friday morning for Tartus"}
    (first, _) = json.loads(export(store, "geojson", what="paths"))["features"]
    assert first["geometry"] == {"type": "LineString", "coordinates": [[HOMS.longitude, HOMS.latitude],
                                                                       [TARTUS.longitude, TARTUS.latitude]]}
    assert tuple(first["properties"]) == PATH_COLUMNS
    placemark = ET.fromstring(export(store, "kml", what="paths")).find(f"{KML}Document/{KML}Placemark")
    assert placemark.findtext(f"{KML}name") == "Homs → Ţarţūs"
    assert placemark.findtext(f"{KML}LineString/{KML}coordinates") == (
        f"{HOMS.longitude!r},{HOMS.latitude!r} {TARTUS.longitude!r},{TARTUS.latitude!r}")
    assert placemark.findtext(f"{KML}TimeStamp/{KML}when") == "2031-05-04T10:00:00+00:00"


def test_the_command_exports_paths(store, tmp_path):
    code, out, err = run(["export", "--db", str(store.path), "--format", "csv", "--what", "paths"])
    assert code == 0, err
    assert out.splitlines()[0] == ",".join(PATH_COLUMNS) and len(out.splitlines()) == 3
