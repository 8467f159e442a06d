"""What the app reads from the store, cached: each loader runs once per change of the store file.

Past `settings.text_in_store_entries()` entries in the chosen blogs, the entries are held without their
bodies and captions, which are read from the store for what is shown (`mapdata.with_text`).

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
from dashboard.view import filters, histogram, mapdata, playback, timeline
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


@st.cache_resource(show_spinner=False)
def open_store(path: str) -> EventStore:
    return EventStore(path)


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
def load_map_data(path: str, stamp: tuple, source_ids: tuple[int, ...]
                  ) -> tuple[mapdata.MapData, list, list, pd.Timedelta]:
    """The chosen sources, prepared for the map, with the slider's stops, their labels and grain."""
    store = open_store(path)
    sources = load_sources(path, stamp)
    names = dict(zip(sources["source_id"], sources["name"], strict=True))
    sizes = dict(zip(sources["source_id"], sources["entries"], strict=True))
    text_in_store = sum(int(sizes.get(sid, 0)) for sid in source_ids) > settings.text_in_store_entries()
    entries = store.entries(list(source_ids), with_text=not text_in_store)
    mentions = corrections.laid_over(store, list(source_ids), _with_added_text(store, source_ids, entries)
                                     if text_in_store else entries)
    data = mapdata.prepare(entries, mentions, source_ids, {sid: names.get(sid, str(sid)) for sid in source_ids},
                           read_text=store.entries_by_id if text_in_store else None)
    times, grain = timeline.slider_stops(timeline.entry_times(data.entries))
    return data, times, timeline.time_labels(times), grain


def _with_added_text(store: EventStore, source_ids: tuple[int, ...], entries: pd.DataFrame) -> pd.DataFrame:
    """`entries` (read without their text) with the text of those an analyst added a mention to: an
    added mention is laid over only where its words still are in its entry."""
    decisions = store.decisions(list(source_ids))
    added = decisions.loc[decisions["action"] == corrections.ADD, "entry_id"] if not decisions.empty else []
    if not len(added):
        return entries
    chosen = entries["entry_id"].isin({int(e) for e in added})
    full = store.entries_by_id(entries.loc[chosen, "entry_id"].tolist()).set_index("entry_id")
    out = entries.copy()
    for column in ("body", "captions"):
        out.loc[chosen, column] = full[column].reindex(out.loc[chosen, "entry_id"]).to_numpy()
    return out


@st.cache_resource(show_spinner=False, max_entries=8)
def load_stops(path: str, stamp: tuple, source_ids: tuple[int, ...], by_time: bool
               ) -> tuple[list, list, pd.Timedelta]:
    """The slider's stops, their labels and grain: the entries' own times, or round stretches of time."""
    data, times, labels, grain = load_map_data(path, stamp, source_ids)
    if not by_time:
        return times, labels, grain
    stops, grain = timeline.time_stops(timeline.entry_times(data.entries))
    return stops, timeline.time_labels(stops), grain


@st.cache_resource(show_spinner=False, max_entries=4)
def load_timeline(path: str, stamp: tuple, source_ids: tuple[int, ...], by_time: bool = False
                  ) -> tuple[np.ndarray, pd.DataFrame, dict]:
    """The slider's stops as int64 ns (playback steps over them), the histogram's counts and each
    source's colour by name."""
    data, _, _, _ = load_map_data(path, stamp, source_ids)
    times, _, _ = load_stops(path, stamp, source_ids, by_time)
    colours = {data.source_names.get(sid, str(sid)): colour for sid, colour in data.source_colours.items()}
    return playback.as_ns(times), histogram.counts_frame(data.entries), colours


@st.cache_resource(show_spinner=False, max_entries=8)
def load_filtered(path: str, stamp: tuple, source_ids: tuple[int, ...], chosen: filters.Filters) -> mapdata.MapData:
    """The chosen sources after the filters, prepared for the map."""
    data, _, _, _ = load_map_data(path, stamp, source_ids)
    if not chosen.active:
        return data
    matches = open_store(path).search(chosen.keyword, source_ids) if chosen.keyword else None
    entries, mentions = filters.apply(data.entries, data.mentions, chosen, matches)
    return mapdata.prepare(entries, mentions, source_ids, data.source_names, data.read_text)


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
