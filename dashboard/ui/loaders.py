"""What the app reads from the store, cached: each loader runs once per change of the store file.

Every loader takes the store's path and its `store_stamp`, so a write (an ingest, a correction)
changes the key and the next run reads afresh; reruns that change only widgets read nothing.
The results are shared by every session and must be treated as read-only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import corrections, settings
from dashboard.store import EventStore
from dashboard.ui import assets
from dashboard.view import clock, filters, histogram, mapdata, playback, timeline
from gazetteer import Gazetteer
from gazetteer.build import index_is_current


@st.cache_resource(show_spinner=False)
def vendor_assets() -> None:
    """Leaflet and friends into dashboard/static/vendor/, once per server."""
    assets.ensure_vendor()


def place_index() -> None:
    """Build the gazetteer's index when it is missing or stale, saying so with the time so far.

    `serve` does this before the server answers; `streamlit run` leaves it to the first visit.
    """
    if index_is_current():
        return  # loading it is quick: the ingest that follows does
    with st.spinner("Building the place index (first run, about 40 s)…", show_time=True):
        Gazetteer.default()


def open_store(path: str) -> EventStore:
    """The store, one per server process: opened read-only (SQLite's mode=ro, every write refused) when
    the app serves readers only (`settings.read_only`), else to write, which migrates an older store."""
    return _open_store(path, settings.read_only())


@st.cache_resource(show_spinner=False)
def _open_store(path: str, read_only: bool) -> EventStore:
    return EventStore(path, read_only=read_only)


def store_stamp(path: Path) -> tuple:
    """Changes whenever the store file (or its write-ahead log) does: the key of every cache below."""
    stamp = []
    for file in (path, path.with_name(path.name + "-wal")):
        stat = file.stat() if file.exists() else None
        stamp.append((stat.st_mtime_ns, stat.st_size) if stat else None)
    return tuple(stamp)


@st.cache_data(show_spinner=False, max_entries=8)
def load_sources(path: str, stamp: tuple) -> pd.DataFrame:
    return open_store(path).sources()


@st.cache_data(show_spinner=False, max_entries=8)
def load_blogs(path: str, stamp: tuple) -> list:
    """Each blog with its span and the date and zone its ingest was given (the Blogs panel)."""
    return open_store(path).blogs()


@st.cache_resource(show_spinner="Loading the entries…", max_entries=4)
def load_map_data(path: str, stamp: tuple, source_ids: tuple[int, ...], happened: bool = False
                  ) -> tuple[mapdata.MapData, list, list, pd.Timedelta]:
    """The chosen sources, prepared for the map on the chosen clock (`dashboard.view.clock`), with the
    slider's stops, their labels and grain."""
    store = open_store(path)
    sources = load_sources(path, stamp)
    names = dict(zip(sources["source_id"], sources["name"], strict=True))
    entries = store.entries(list(source_ids))
    mentions = clock.on_clock(corrections.laid_over(store, list(source_ids), entries), happened)
    data = mapdata.prepare(entries, mentions, source_ids,
                           {sid: names.get(sid, str(sid)) for sid in source_ids})
    times, grain = timeline.slider_stops(timeline.entry_times(clock.clock_events(data.entries, data.mentions,
                                                                                 happened)))
    return data, times, timeline.time_labels(times), grain


@st.cache_resource(show_spinner=False, max_entries=8)
def load_stops(path: str, stamp: tuple, source_ids: tuple[int, ...], by_time: bool, happened: bool = False
               ) -> tuple[list, list, pd.Timedelta]:
    """The slider's stops, their labels and grain: the entries' own times (or their events' on the
    "happened" clock), or round stretches of time."""
    data, times, labels, grain = load_map_data(path, stamp, source_ids, happened)
    if not by_time:
        return times, labels, grain
    stops, grain = timeline.time_stops(timeline.entry_times(clock.clock_events(data.entries, data.mentions, happened)))
    return stops, timeline.time_labels(stops), grain


@st.cache_resource(show_spinner=False, max_entries=4)
def load_timeline(path: str, stamp: tuple, source_ids: tuple[int, ...], by_time: bool = False, happened: bool = False
                  ) -> tuple[np.ndarray, pd.DataFrame, dict]:
    """The slider's stops as int64 ns (playback steps over them), the histogram's counts (entries, or
    on the "happened" clock the times they give their places) and each source's colour by name."""
    data, _, _, _ = load_map_data(path, stamp, source_ids, happened)
    times, _, _ = load_stops(path, stamp, source_ids, by_time, happened)
    colours = {data.source_names.get(sid, str(sid)): colour for sid, colour in data.source_colours.items()}
    return (playback.as_ns(times), histogram.counts_frame(clock.clock_events(data.entries, data.mentions, happened)),
            colours)


@st.cache_resource(show_spinner=False, max_entries=8)
def load_filtered(path: str, stamp: tuple, source_ids: tuple[int, ...], chosen: filters.Filters,
                  happened: bool = False) -> mapdata.MapData:
    """The chosen sources after the filters, prepared for the map on the chosen clock."""
    data, _, _, _ = load_map_data(path, stamp, source_ids, happened)
    if not chosen.active:
        return data
    matches = open_store(path).search(chosen.keyword, source_ids) if chosen.keyword else None
    entries, mentions = filters.apply(data.entries, data.mentions, chosen, matches)
    return mapdata.prepare(entries, mentions, source_ids, data.source_names)


@st.cache_resource(show_spinner=False, max_entries=4)
def load_paths(path: str, stamp: tuple, source_ids: tuple[int, ...]) -> pd.DataFrame:
    """The movements the chosen sources' entries tell of, as stored (`dashboard.view.paths` lays them
    over the mentions shown)."""
    return open_store(path).paths(list(source_ids))


@st.cache_resource(show_spinner=False, max_entries=4)
def load_filter_options(path: str, stamp: tuple, source_ids: tuple[int, ...]) -> tuple[dict, dict]:
    """The filters' choices, place_id -> label and country code -> label, of all the chosen entries."""
    data, _, _, _ = load_map_data(path, stamp, source_ids)
    return filters.place_options(data.mentions), filters.country_options(data.mentions)


@st.cache_data(show_spinner=False, max_entries=8)
def load_corrections(path: str, stamp: tuple, source_ids: tuple[int, ...]) -> pd.DataFrame:
    return open_store(path).corrections(list(source_ids))


@st.cache_data(show_spinner=False, max_entries=8)
def load_decisions(path: str, stamp: tuple, source_ids: tuple[int, ...]) -> pd.DataFrame:
    return open_store(path).decisions(list(source_ids))


@st.cache_data(show_spinner=False, max_entries=8)
def load_mention_counts(path: str, stamp: tuple, source_ids: tuple[int, ...]) -> dict[int, int]:
    """How many placed mentions the store holds per blog, before corrections (the review summary)."""
    store = open_store(path)
    return {int(sid): store.summary(int(sid)).mentions for sid in source_ids}
