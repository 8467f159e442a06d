"""Exports of the mapped places: CSV, GeoJSON and KML, shared by the CLI and the app's downloads, and
Parquet (the CLI's, to a file) with the CSV's rows and columns, typed.

One row per (entry, place), in a stable order (time, entry, mention position); when an entry names
a place twice the first mention is kept. Only resolved mentions are exported: the ones no place was
found for are reported by the ingest. Analysts' corrections (dashboard.corrections) are applied: a
corrected mention is exported at its corrected place, with who corrected it and from what; a
mention marked "not a place" is left out.

Every format is built by a serialiser that knows its escaping (the csv module, json, ElementTree):
text from a live blog is data and leaves here exactly as it came in, never as markup.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

import pandas as pd

from dashboard import corrections as corrections_
from dashboard.model import REPORT_TIME
from dashboard.store import EventStore
from gazetteer.places import DATA_ATTRIBUTION

ATTRIBUTION = DATA_ATTRIBUTION
# The first sixteen columns are those of the first exports, in their order: readers depend on them.
COLUMNS = ("entry_id", "is_lead", "time", "time_given", "source", "url", "headline", "mention", "place",
           "lat", "lon", "country_code", "feature_code", "score", "corrected_from", "corrected_by",
           "place_id", "geonameid", "place_precision", "reviewed_by", "reviewed_at", "corrected_at", "text",
           # When the event happened (ISO 8601 UTC; both equal `time` for an event at its report time), how
           # precisely ("report" then), the words it was read from, and whether it was still to come.
           "event_start", "event_end", "event_precision", "event_words", "event_expected")
# The corrections export: every correction and review decision, "not a place" included, with who and when.
CORRECTION_COLUMNS = ("entry_id", "time", "source", "headline", "mention", "decision", "scope", "place",
                      "lat", "lon", "country_code", "feature_code", "place_id", "geonameid", "place_precision",
                      "corrected_from", "corrected_by", "corrected_at")
FORMATS = ("csv", "geojson", "kml")
# Binary formats: written to a file only (the command line's --out), never offered as text.
BINARY_FORMATS = ("parquet",)
ALL_FORMATS = FORMATS + BINARY_FORMATS
WHAT = ("places", "corrections", "paths")
# The paths export: one row per movement an entry tells of, both ends with their names and coordinates.
PATH_COLUMNS = ("entry_id", "time", "source", "headline", "from_place", "from_lat", "from_lon", "from_place_id",
                "to_place", "to_lat", "to_lon", "to_place_id", "words", "url")
KML_NAMESPACE = "http://www.opengis.net/kml/2.2"


def export_rows(store: EventStore, source_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """The rows every format is made of: dicts with COLUMNS as keys, in export order.

    `time` is ISO 8601 UTC text, `is_lead` a bool, `lat`/`lon`/`score` floats (score may be None).
    `url` is the entry's own link, else its source's.
    """
    entries = store.entries(source_ids)
    mentions = corrections_.laid_over(store, source_ids, entries)
    if mentions.empty:
        return []
    return rows_from_frames(entries, mentions, store.sources())


def rows_from_frames(entries: pd.DataFrame, mentions: pd.DataFrame, sources: pd.DataFrame) -> list[dict[str, Any]]:
    """Export rows from the store's frames as the app holds them (already filtered, corrected, cut to
    a time window): `entries` and `mentions` as `EventStore.entries` / `mentions` give them, with
    `corrections.apply`'s columns when there are corrections; `sources` as `EventStore.sources`."""
    if mentions.empty:
        return []
    if "reported_utc" in mentions:  # the map's mentions on the "happened" clock: exports keep report times
        mentions = mentions.assign(time_utc=mentions["reported_utc"])
    entries = entries.set_index("entry_id")
    source_urls = sources.set_index("source_id")["url"].to_dict()
    mentions = mentions.sort_values(["time_utc", "entry_id", "start"], kind="stable")
    first = mentions.drop_duplicates(["entry_id", "place_id"], keep="first")
    rows: list[dict[str, Any]] = []
    texts: dict[int, str] = {}
    for m in first.itertuples(index=False):
        entry = entries.loc[m.entry_id]
        rows.append({
            "entry_id": int(m.entry_id),
            "is_lead": bool(entry["is_lead"]),
            "time": _iso(m.time_utc),
            "time_given": entry["time_given"],
            "source": entry["source"],
            "url": entry["url"] or source_urls.get(int(m.source_id), "") or "",
            "headline": entry["headline"],
            "mention": m.mention,
            "place": m.place_name,
            "lat": float(m.lat),
            "lon": float(m.lon),
            "country_code": m.country_code,
            "feature_code": m.feature_code,
            "score": None if pd.isna(m.score) else float(m.score),
            "corrected_from": str(getattr(m, "corrected_from", "") or ""),
            "corrected_by": str(getattr(m, "corrected_by", "") or ""),
            "place_id": str(m.place_id),
            "geonameid": corrections_.geonameid_of(m.place_id),
            "place_precision": corrections_.precision_class(str(m.feature_code), _class_of(m)),
            "reviewed_by": str(getattr(m, "reviewed_by", "") or ""),
            "reviewed_at": _iso_or_blank(getattr(m, "reviewed_at", None)),
            "corrected_at": _iso_or_blank(getattr(m, "corrected_at", None)),
            "text": texts.setdefault(int(m.entry_id), corrections_.entry_text(entry)),
            **_event_fields(m),
        })
    return rows


def _event_fields(mention: Any) -> dict[str, Any]:
    """The event columns of a mention row; a frame without them (read before they were stored) is at
    its report time."""
    start = getattr(mention, "event_start", None)
    if start is None or pd.isna(start):
        return {"event_start": _iso(mention.time_utc), "event_end": _iso(mention.time_utc),
                "event_precision": REPORT_TIME, "event_words": "", "event_expected": False}
    return {"event_start": _iso(pd.Timestamp(start)), "event_end": _iso(pd.Timestamp(mention.event_end)),
            "event_precision": str(mention.event_precision), "event_words": str(mention.event_words or ""),
            "event_expected": bool(mention.event_expected)}


def path_rows(store: EventStore, source_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """The movements the entries tell of, as dicts with PATH_COLUMNS, in time order: each end at the
    place its mention has after corrections and review (a path whose end is "not a place" is left out)."""
    entries = store.entries(source_ids)
    laid = corrections_.paths_laid_over(store.paths(source_ids),
                                        corrections_.laid_over(store, source_ids, entries))
    if laid.empty:
        return []
    by_id = entries.set_index("entry_id")
    source_urls = store.sources().set_index("source_id")["url"].to_dict()
    rows = []
    for p in laid.itertuples(index=False):
        entry = by_id.loc[p.entry_id]
        rows.append({"entry_id": int(p.entry_id), "time": _iso(p.time_utc), "source": entry["source"],
                     "headline": entry["headline"], "from_place": p.from_place_name, "from_lat": float(p.from_lat),
                     "from_lon": float(p.from_lon), "from_place_id": str(p.from_place_id),
                     "to_place": p.to_place_name, "to_lat": float(p.to_lat), "to_lon": float(p.to_lon),
                     "to_place_id": str(p.to_place_id), "words": p.words,
                     "url": entry["url"] or source_urls.get(int(p.source_id), "") or ""})
    return rows


def _class_of(mention: Any) -> str:
    # The store's mention frames carry whether a place is an area, not its feature class.
    return "A" if bool(getattr(mention, "is_area", False)) else ""


def _iso_or_blank(moment: Any) -> str:
    return "" if moment is None or pd.isna(moment) else _iso(pd.Timestamp(moment))


def correction_rows(store: EventStore, source_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """Every correction and review decision bearing on the sources, as dicts with CORRECTION_COLUMNS:
    one row per corrected mention, per entry a blog's decision covers, per added mention, and one
    per decision made in all blogs (no entry). "not a place" rows have no coordinates."""
    entries = store.entries(source_ids).set_index("entry_id")
    rows: list[dict[str, Any]] = []

    def entry_fields(entry_id: int) -> dict[str, Any]:
        if entry_id not in entries.index:
            return {"entry_id": None, "time": "", "source": "(all blogs)", "headline": ""}
        e = entries.loc[entry_id]
        return {"entry_id": int(entry_id), "time": _iso(e["time_utc"]), "source": e["source"],
                "headline": e["headline"]}

    def place_fields(c: Any, not_a_place: bool) -> dict[str, Any]:
        if not_a_place:
            return {"place": "", "lat": None, "lon": None, "country_code": "", "feature_code": "",
                    "place_id": "", "geonameid": None, "place_precision": ""}
        return {"place": c.place_name, "lat": float(c.lat), "lon": float(c.lon), "country_code": c.country_code,
                "feature_code": c.feature_code, "place_id": c.place_id,
                "geonameid": corrections_.geonameid_of(c.place_id),
                "place_precision": corrections_.precision_class(str(c.feature_code),
                                                                 str(getattr(c, "feature_class", "") or ""))}

    for c in store.corrections(source_ids).itertuples(index=False):
        rows.append({**entry_fields(int(c.entry_id)), "mention": c.mention,
                     "decision": corrections_.NOT_A_PLACE if c.not_a_place else "correction", "scope": "mention",
                     **place_fields(c, bool(c.not_a_place)), "corrected_from": c.was_name,
                     "corrected_by": c.author, "corrected_at": _iso_or_blank(c.created_at)})
    decisions = store.decisions(source_ids).sort_values(["created_at", "entry_id"], kind="stable")
    for d in decisions.itertuples(index=False):
        rows.append({**entry_fields(int(d.entry_id)), "mention": d.words, "decision": d.action,
                     "scope": "all blogs" if d.scope == "all" else "blog",
                     **place_fields(d, d.action in (corrections_.NOT_PLACE, corrections_.CONFIRM)),
                     "corrected_from": d.was_name, "corrected_by": d.author,
                     "corrected_at": _iso_or_blank(d.created_at)})
    return rows


def _iso(moment: pd.Timestamp) -> str:
    """2024-12-13T15:21:00+00:00: seconds always, fractions only when there are any."""
    return moment.to_pydatetime().isoformat()


def _csv_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    """A CSV cell: text a spreadsheet would run as a formula gets a leading apostrophe; numbers,
    booleans and blanks are written as they are."""
    text = _csv_value(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] = COLUMNS) -> str:
    """CSV with a header of `columns`; quoting by the csv module (commas, quotes, newlines survive)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # The csv module quotes a field holding a line break only when the break is in `lineterminator`:
    # a lone carriage return would go out bare and split the row when read back, so such rows are
    # written with every field quoted.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    for row in rows:
        cells = [_csv_cell(row[c]) for c in columns]
        (quoted if any("\r" in cell for cell in cells) else writer).writerow(cells)
    return out.getvalue()


# Escaped so the JSON can sit inside an HTML page's <script> without ending it; still plain JSON.
_JSON_HTML_CHARS = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def _point(row: dict[str, Any]) -> dict | None:
    # A movement is a line from one end to the other.
    if "from_lat" in row:
        return {"type": "LineString",
                "coordinates": [[row["from_lon"], row["from_lat"]], [row["to_lon"], row["to_lat"]]]}
    # A row with no coordinates ("not a place") is a Feature with a null geometry (RFC 7946, 3.2).
    if row["lat"] is None or row["lon"] is None:
        return None
    return {"type": "Point", "coordinates": [row["lon"], row["lat"]]}


def to_geojson(rows: Sequence[dict[str, Any]], columns: Sequence[str] = COLUMNS) -> str:
    """A GeoJSON FeatureCollection of Points ([lon, lat]), or LineStrings for paths, with the rows as
    properties."""
    header = json.dumps({"type": "FeatureCollection", "attribution": ATTRIBUTION})
    features = [
        json.dumps({"type": "Feature", "geometry": _point(row), "properties": {c: row[c] for c in columns}},
                   ensure_ascii=True, allow_nan=False, separators=(",", ":"))
        for row in rows
    ]
    # One feature a line: compact, yet a diff or a glance shows one place per line.
    text = header[:-1] + ', "features": [\n' + ",\n".join(features) + "\n]}\n"
    return re.sub("[<>&]", lambda m: _JSON_HTML_CHARS[m.group(0)], text)


# XML 1.0 allows tab, newline and carriage return among the control characters, and no surrogates
# nor U+FFFE/U+FFFF; carriage returns are folded into newlines because an XML parser would anyway.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: Any) -> str:
    """Text fit for an XML document: the characters XML cannot carry are removed."""
    text = _csv_value(value).replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("", text)


def _describe(row: dict[str, Any]) -> str:
    """A plain-text description: when, the headline, what the text said, where it is placed."""
    when = f"{row['time_given']} ({row['time']})" if row.get("time_given") else row["time"]
    lines = [when + (" - lead" if row.get("is_lead") else "")]
    if row["headline"]:
        lines.append(row["headline"])
    if "from_place" in row:
        lines.append(f"From {row['from_place']} to {row['to_place']}: {row['words']}")
    else:
        lines.append(f"Mentioned as: {row['mention']}")
    if row.get("place"):
        lines.append(f"Placed at: {row['place']} ({row['country_code'] or '-'}, {row['feature_code'] or '-'})")
    if "decision" in row:
        lines.append(f"Decision: {row['decision']} by {row['corrected_by']}, {row['corrected_at']}")
    lines.append(f"Source: {row['source']}" + (f" {row['url']}" if row.get("url") else ""))
    return "\n".join(lines)


def to_kml(rows: Sequence[dict[str, Any]], columns: Sequence[str] = COLUMNS) -> str:
    """KML 2.2: one Placemark per row (name, description, TimeStamp or TimeSpan, ExtendedData, a Point or
    a path's LineString):
    a TimeSpan of when the event happened when the text dates it, else the TimeStamp of its report.

    The description is plain text, escaped by ElementTree; ExtendedData carries every column as is.
    """
    ET.register_namespace("", KML_NAMESPACE)

    def sub(parent: ET.Element, tag: str, text: Any = None) -> ET.Element:
        element = ET.SubElement(parent, f"{{{KML_NAMESPACE}}}{tag}")
        if text is not None:
            element.text = xml_text(text)
        return element

    kml = ET.Element(f"{{{KML_NAMESPACE}}}kml")
    document = sub(kml, "Document")
    sub(document, "name", "Live-blog places")
    sub(document, "description", ATTRIBUTION)
    for row in rows:
        placemark = sub(document, "Placemark")
        sub(placemark, "name", f"{row['from_place']} → {row['to_place']}" if "from_place" in row
            else row["place"] or row["mention"])
        sub(placemark, "description", _describe(row))
        if row.get("event_precision", REPORT_TIME) != REPORT_TIME:
            # When the event happened, for a viewer's time slider; the report time is in ExtendedData.
            span = sub(placemark, "TimeSpan")
            sub(span, "begin", row["event_start"])
            sub(span, "end", row["event_end"])
        elif row["time"]:
            sub(sub(placemark, "TimeStamp"), "when", row["time"])
        extended = sub(placemark, "ExtendedData")
        for column in columns:
            data = sub(extended, "Data")
            data.set("name", column)
            sub(data, "value", row[column])
        if "from_lat" in row:
            sub(sub(placemark, "LineString"), "coordinates",
                f"{row['from_lon']!r},{row['from_lat']!r} {row['to_lon']!r},{row['to_lat']!r}")
        elif row["lat"] is not None and row["lon"] is not None:
            sub(sub(placemark, "Point"), "coordinates", f"{row['lon']!r},{row['lat']!r}")
    ET.indent(kml, space=" ")
    return ET.tostring(kml, encoding="unicode", xml_declaration=True) + "\n"


WRITERS = {"csv": to_csv, "geojson": to_geojson, "kml": to_kml}
MEDIA_TYPES = {"csv": "text/csv", "geojson": "application/geo+json",
               "kml": "application/vnd.google-earth.kml+xml"}


def render(fmt: str, rows: Sequence[dict[str, Any]], columns: Sequence[str] = COLUMNS) -> str:
    """Export rows in one of FORMATS."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return WRITERS[fmt](rows, columns)


def export(store: EventStore, fmt: str, source_ids: Sequence[int] | None = None, what: str = "places") -> str:
    """The store's places (or, with what="corrections", its corrections and decisions; with what="paths",
    the movements its entries tell of) in one of FORMATS."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if what == "corrections":
        return render(fmt, correction_rows(store, source_ids), CORRECTION_COLUMNS)
    if what == "paths":
        return render(fmt, path_rows(store, source_ids), PATH_COLUMNS)
    if what != "places":
        raise ValueError(f"unknown export {what!r}: choose one of {', '.join(WHAT)}")
    return render(fmt, export_rows(store, source_ids))


# --------------------------------------------------------------------------------------------------
# Parquet: the same rows and columns as the CSV, with types a reader keeps (pandas, DuckDB, Spark,
# QGIS): times as UTC timestamps, coordinates and scores as doubles, ids as nullable integers.
# --------------------------------------------------------------------------------------------------

TIMESTAMP_COLUMNS = frozenset({"time", "reviewed_at", "corrected_at", "event_start", "event_end"})
INTEGER_COLUMNS = frozenset({"entry_id", "geonameid"})
FLOAT_COLUMNS = frozenset({"lat", "lon", "score", "from_lat", "from_lon", "to_lat", "to_lon"})
BOOLEAN_COLUMNS = frozenset({"is_lead", "event_expected"})


def typed_frame(rows: Sequence[dict[str, Any]], columns: Sequence[str] = COLUMNS) -> pd.DataFrame:
    """The export rows as a DataFrame of typed columns; blank times and missing numbers are nulls."""
    raw = pd.DataFrame([[row[c] for c in columns] for row in rows], columns=list(columns), dtype=object)
    typed = {}
    for column in columns:
        values = raw[column]
        if column in TIMESTAMP_COLUMNS:
            typed[column] = pd.to_datetime(values.replace("", None), utc=True, format="ISO8601").astype(
                "datetime64[us, UTC]")
        elif column in INTEGER_COLUMNS:
            typed[column] = values.astype("Int64")
        elif column in FLOAT_COLUMNS:
            typed[column] = values.astype("float64")
        elif column in BOOLEAN_COLUMNS:
            typed[column] = values.astype("bool")
        else:
            typed[column] = values.astype("string")
    return pd.DataFrame(typed, columns=list(columns))


def to_parquet(rows: Sequence[dict[str, Any]], columns: Sequence[str] = COLUMNS) -> bytes:
    """A Parquet file of the rows (see `typed_frame`), with the place data's credit in its metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(typed_frame(rows, columns), preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"attribution": ATTRIBUTION.encode()})
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def export_binary(store: EventStore, fmt: str, source_ids: Sequence[int] | None = None,
                  what: str = "places") -> bytes:
    """The store's places (or its corrections and decisions) in one of BINARY_FORMATS."""
    if fmt not in BINARY_FORMATS:
        raise ValueError(f"unknown binary export format {fmt!r}: choose one of {', '.join(BINARY_FORMATS)}")
    if what == "corrections":
        return to_parquet(correction_rows(store, source_ids), CORRECTION_COLUMNS)
    if what == "paths":
        return to_parquet(path_rows(store, source_ids), PATH_COLUMNS)
    if what != "places":
        raise ValueError(f"unknown export {what!r}: choose one of {', '.join(WHAT)}")
    return to_parquet(export_rows(store, source_ids))
