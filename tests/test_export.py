"""Exports: each format parsed back (csv, json, xml.etree), odd text intact, never markup."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from word_geoparser import DAMASCUS, SYRIA, WordGeoparser, blog, entry, sample_entries

from dashboard.export import ATTRIBUTION, COLUMNS, export, export_rows, to_csv, to_geojson, to_kml, xml_text
from dashboard.ingest import ingest_blog
from dashboard.model import Caption
from dashboard.store import EventStore

KML = "{http://www.opengis.net/kml/2.2}"
# Quotes, commas, line breaks, markup, a template literal, emoji, a CDATA end, control characters.
NASTY = ('He said "hold", then, \'go\'\nsecond line\r\nthird <script>alert(1)</script> <b>x</b> '
         '${window.x} `tick` \\ ]]> & &amp; 🚀 Ünïcödé \x01\x0b\x1f end')


@pytest.fixture
def store(tmp_path):
    with EventStore(tmp_path / "events.db") as opened:
        yield opened


def ingest(store, entries, *, source="test-blog", url=None):
    return ingest_blog(blog(entries), store, source=source, url=url, geoparser=WordGeoparser())


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_rows_one_per_entry_and_place_in_order(store):
    ingest(store, list(reversed(sample_entries())))
    rows = export_rows(store)
    assert all(tuple(row) == COLUMNS for row in rows)
    keys = [(row["time"], row["entry_id"]) for row in rows]
    assert keys == sorted(keys)
    pairs = [(row["entry_id"], row["place"]) for row in rows]
    assert len(pairs) == len(set(pairs))
    last = [row for row in rows if row["headline"] == "Statement from abroad"]
    # "Damascus" is named twice in that entry: one row, the first mention; the unresolved name is left out.
    assert [row["mention"] for row in last] == ["Moscow", "Kyiv", "Damascus"]
    assert all(isinstance(row["lat"], float) and isinstance(row["lon"], float) for row in rows)
    lead = rows[0]
    assert lead["is_lead"] is True and lead["time"] == "2031-05-04T09:00:00+00:00"
    assert [row["place"] for row in rows if row["entry_id"] == lead["entry_id"]] == ["Syria", "Damascus"]


def test_csv(store):
    ingest(store, sample_entries(), url="https://news.example/live")
    text = export(store, "csv")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    rows = read_csv(text)
    assert len(rows) == len(export_rows(store)) == 10
    first = rows[0]
    # The first exports' columns keep their names, order and values; the new ones come after.
    assert COLUMNS[:16] == ("entry_id", "is_lead", "time", "time_given", "source", "url", "headline", "mention",
                            "place", "lat", "lon", "country_code", "feature_code", "score", "corrected_from",
                            "corrected_by")
    assert {k: first[k] for k in COLUMNS[16:]} == {
        "place_id": "gn:163843", "geonameid": "163843", "place_precision": "country or wider", "reviewed_by": "",
        "reviewed_at": "", "corrected_at": "", "text": first["text"],
        # "leaving Damascus before dawn": the hours before the report's dawn, in UTC.
        "event_start": "2031-05-04T05:00:00+00:00", "event_end": "2031-05-04T06:59:59+00:00",
        "event_precision": "hour", "event_words": "before dawn", "event_expected": "false"}
    assert first["text"].startswith("Talks continue as convoys move north\n\n")
    assert {k: first[k] for k in COLUMNS[:16]} == {
        "entry_id": "1", "is_lead": "true", "time": "2031-05-04T09:00:00+00:00", "time_given": "",
        "source": "test-blog", "url": "https://news.example/live",
        "headline": "Talks continue as convoys move north", "mention": "Syria", "place": "Syria",
        "lat": "35.0", "lon": "38.0", "country_code": "SY", "feature_code": "PCLI", "score": "0.9",
        "corrected_from": "", "corrected_by": ""}
    assert {row["is_lead"] for row in rows[2:]} == {"false"}
    assert rows[2]["time_given"] == "09:12 AM GMT"
    assert all(float(row["lat"]) and float(row["lon"]) for row in rows)


def test_geojson(store):
    ingest(store, sample_entries())
    collection = json.loads(export(store, "geojson"))
    assert collection["type"] == "FeatureCollection"
    assert collection["attribution"] == ATTRIBUTION
    features = collection["features"]
    assert len(features) == 10
    damascus = next(f for f in features if f["properties"]["place"] == "Damascus")
    assert damascus["geometry"] == {"type": "Point", "coordinates": [DAMASCUS.longitude, DAMASCUS.latitude]}
    assert tuple(damascus["properties"]) == COLUMNS
    assert damascus["properties"]["is_lead"] is True
    assert [f["properties"] for f in features] == export_rows(store)


def test_kml(store):
    ingest(store, sample_entries())
    root = ET.fromstring(export(store, "kml"))
    assert root.tag == f"{KML}kml"
    document = root.find(f"{KML}Document")
    assert document.findtext(f"{KML}description") == ATTRIBUTION
    placemarks = document.findall(f"{KML}Placemark")
    assert len(placemarks) == 10
    first = placemarks[0]
    assert first.findtext(f"{KML}name") == "Syria"
    assert first.findtext(f"{KML}TimeSpan/{KML}begin") == "2031-05-04T05:00:00+00:00"  # "before dawn"
    assert first.findtext(f"{KML}Point/{KML}coordinates") == f"{SYRIA.longitude},{SYRIA.latitude}"
    assert "Talks continue as convoys move north" in first.findtext(f"{KML}description")
    data = {d.get("name"): d.findtext(f"{KML}value") for d in first.iter(f"{KML}Data")}
    assert tuple(data) == COLUMNS and data["mention"] == "Syria" and data["is_lead"] == "true"


def test_empty_store_exports_are_valid_and_empty(store):
    assert export(store, "csv") == ",".join(COLUMNS) + "\n"
    assert json.loads(export(store, "geojson"))["features"] == []
    assert ET.fromstring(export(store, "kml")).find(f"{KML}Document/{KML}Placemark") is None
    with pytest.raises(ValueError, match="unknown export format"):
        export(store, "xlsx")


def test_odd_text_survives_every_format(store):
    ingest(store, [entry(1, NASTY, f"Crowds in Damascus. {NASTY}",
                         captions=[Caption(NASTY, NASTY)])], url="https://news.example/?a=1&b=<2>")
    (row,) = export_rows(store)
    assert row["headline"] == NASTY and row["url"] == "https://news.example/?a=1&b=<2>"

    (from_csv,) = read_csv(to_csv([row]))
    assert from_csv["headline"] == NASTY and from_csv["url"] == row["url"]

    text = to_geojson([row])
    assert "<" not in text and ">" not in text  # safe even inside an HTML <script>
    (feature,) = json.loads(text)["features"]
    assert feature["properties"]["headline"] == NASTY

    kml = to_kml([row])
    assert "<script" not in kml and "<b>" not in kml
    placemark = ET.fromstring(kml).find(f"{KML}Document/{KML}Placemark")
    data = {d.get("name"): d.findtext(f"{KML}value") for d in placemark.iter(f"{KML}Data")}
    # XML cannot carry most control characters; carriage returns become newlines, as in any XML parser.
    expected = NASTY.replace("\r\n", "\n").replace("\x01", "").replace("\x0b", "").replace("\x1f", "")
    assert data["headline"] == expected
    assert expected in placemark.findtext(f"{KML}description")
    assert data["url"] == "https://news.example/?a=1&b=<2>"


def test_xml_text_removes_only_what_xml_cannot_carry():
    assert xml_text("a\tb\nc\x00d\x08e\ufffef\ud800g 🚀") == "a\tb\ncdefg 🚀"
    assert xml_text(True) == "true" and xml_text(None) == "" and xml_text(1.5) == "1.5"


def test_source_filter_and_entry_url(store):
    ingest(store, sample_entries(), source="one", url="https://news.example/one")
    second = ingest(store, [entry(600, "Elsewhere", "Reports from Odesa.")], source="two")
    rows = export_rows(store, [second.source_id])
    assert [(r["source"], r["place"], r["url"]) for r in rows] == [("two", "Odesa", "")]
    assert {r["source"] for r in export_rows(store)} == {"one", "two"}


# 4 May 2031 is a Sunday: "on Friday morning" is two days before the report.
TIMED = [entry(60, "Convoy update", "Trucks left Homs on Friday morning. Ministers will meet in Cairo on Tuesday. "
                                    "Crowds gathered in Aleppo.")]


def test_every_format_says_when_the_event_happened(store):
    ingest(store, TIMED)
    rows = {row["place"]: row for row in read_csv(export(store, "csv"))}
    assert tuple(read_csv(export(store, "csv"))[0])[-5:] == ("event_start", "event_end", "event_precision",
                                                             "event_words", "event_expected")
    assert {k: rows["Homs"][k] for k in COLUMNS[-5:]} == {
        "event_start": "2031-05-02T06:00:00+00:00", "event_end": "2031-05-02T11:59:59+00:00",
        "event_precision": "part of day", "event_words": "on Friday morning", "event_expected": "false"}
    assert rows["Cairo"]["event_start"].startswith("2031-05-06") and rows["Cairo"]["event_expected"] == "true"
    assert rows["Aleppo"]["event_start"] == rows["Aleppo"]["event_end"] == rows["Aleppo"]["time"]
    assert rows["Aleppo"]["event_precision"] == "report"

    features = {f["properties"]["place"]: f["properties"] for f in json.loads(export(store, "geojson"))["features"]}
    assert features["Homs"]["event_words"] == "on Friday morning" and features["Cairo"]["event_expected"] is True
    assert features["Homs"]["event_start"] == rows["Homs"]["event_start"]

    placemarks = {p.findtext(f"{KML}name"): p for p in ET.fromstring(export(store, "kml")).iter(f"{KML}Placemark")}
    homs = placemarks["Homs"]
    assert homs.find(f"{KML}TimeStamp") is None
    assert (homs.findtext(f"{KML}TimeSpan/{KML}begin"), homs.findtext(f"{KML}TimeSpan/{KML}end")) == (
        "2031-05-02T06:00:00+00:00", "2031-05-02T11:59:59+00:00")
    # An event at its report time keeps the report's TimeStamp.
    aleppo = placemarks["Aleppo"]
    assert aleppo.find(f"{KML}TimeSpan") is None
    assert aleppo.findtext(f"{KML}TimeStamp/{KML}when") == "2031-05-04T10:00:00+00:00"
