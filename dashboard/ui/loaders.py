"""What the app reads from the store, cached: each loader runs once per commit to the store.

Past `settings.text_in_store_entries()` entries in the chosen blogs, the entries are held without their
bodies and captions, which are read from the store for what is shown (`compact.with_text`).

Every loader takes the store's path and its `store_stamp`, so a write (an ingest, a correction)
changes the key and the next run reads afresh; reruns that change only widgets read nothing.
The results are shared by every session and must be treated as read-only.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import inspect
import sys
import threading
from collections.abc import Callable, Sequence
from functools import cache, partial, wraps
from pathlib import Path
from typing import TypeVar

import folium
import numpy as np
import pandas as pd
import streamlit as st

from dashboard import corrections, settings
from dashboard.store import EventStore
from dashboard.store.readers import commit_stamp
from dashboard.ui import assets
from dashboard.ui import map as map_ui
from dashboard.ui.sized_cache import SizedCache
from dashboard.view import clock, compact, filters, histogram, legend, mapdata, paths, playback, timeline
from dashboard.view.timeline import Window
from gazetteer import Gazetteer
from gazetteer.build import index_is_current

# A window's places and the layer, legend and histogram drawn from them are shared by every session that shows the same
# blogs, filters and window (readers of one story scrub over the same stops); each step of each reader
# adds an entry, so the caches are bounded to what a few busy readers step through: this many windows of
# each kind, and `settings.window_cache_bytes()` in all (`window_cache`).
WINDOW_CACHE_ENTRIES = 256
T = TypeVar("T")


def give_back_freed_memory() -> None:
    """Hand the memory freed by a big piece of work back to the system (glibc's `malloc_trim`): after a
    million entries were read, the read's freed chunks stayed in the process as a few hundred MB, and
    the windows made after it then raised the server's peak above the read's own. Nothing elsewhere."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    # Texts are Arrow strings, whose buffers come from Arrow's own allocator, which keeps what is freed for
    # later (a million entries' read left 30 MB there).
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None:
        pyarrow.default_memory_pool().release_unused()


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): the allocator keeps what it keeps
        return None


def shared(**options: object) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """`st.cache_resource(**options)` keyed by the arguments' values, defaults included. Streamlit keys a
    cached call by the arguments as they were passed, so `f(a, b)` and `f(a, b, False)` were two
    entries of one result: the filter options, asking for the data set without its clock, made the
    server load a million-entry store twice and hold both."""
    def decorate(func: Callable[..., T]) -> Callable[..., T]:
        cached = st.cache_resource(**options)(func)
        signature = inspect.signature(func)

        @wraps(func)
        def call(*args: object, **kwargs: object) -> T:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return cached(*bound.args)

        call.clear = cached.clear  # type: ignore[attr-defined]
        return call

    return decorate


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


def warm_place_index() -> None:
    """Load the gazetteer's index (its names, some 40-60 MB) in the background, once per server, when it
    is built: called once a page has read the store and drawn its map. Loaded before, it added to the
    server's peak, which a big store's load sets; loaded at the first search, that search waited for it.
    A search that comes while it loads waits for it (`Gazetteer.default` holds a lock); an index not
    built yet is left to the first search, which builds it, as without `serve`."""
    _place_index_loader()


@st.cache_resource(show_spinner=False)
def _place_index_loader() -> threading.Thread | None:
    # Once per server: asking whether the index is current reads its sources' fingerprints (10 ms a run).
    if not index_is_current():
        return None
    loader = threading.Thread(target=Gazetteer.default, name="place-index", daemon=True)
    loader.start()
    return loader


def open_store(path: str) -> EventStore:
    """The store, one per server process: opened read-only (SQLite's mode=ro, every write refused) when
    the app serves readers only (`settings.read_only`), else to write, which migrates an older store."""
    return _open_store(path, settings.read_only())


@st.cache_resource(show_spinner=False)
def _open_store(path: str, read_only: bool) -> EventStore:
    return EventStore(path, read_only=read_only)


def store_stamp(path: Path) -> tuple:
    """Changes when a write to the store commits (an ingest, a correction, by this process or another),
    and only then: the key of every cache below (`readers.commit_stamp`)."""
    return (commit_stamp(path, settings.STORE_BUSY_SECONDS),)


@st.cache_data(show_spinner=False, max_entries=8)
def load_sources(path: str, stamp: tuple) -> pd.DataFrame:
    return open_store(path).sources()


@st.cache_data(show_spinner=False, max_entries=8)
def load_blogs(path: str, stamp: tuple) -> list:
    """Each blog with its span and the date and zone its ingest was given (the Blogs panel)."""
    return open_store(path).blogs()


@shared(show_spinner="Loading the entries…", max_entries=4)
def load_map_data(path: str, stamp: tuple, source_ids: tuple[int, ...], happened: bool = False
                  ) -> tuple[mapdata.MapData, list, list, pd.Timedelta]:
    """The chosen sources, prepared for the map on the chosen clock (`dashboard.view.clock`), with the
    slider's stops, their labels and grain."""
    store = open_store(path)
    sources = load_sources(path, stamp)
    names = dict(zip(sources["source_id"], sources["name"], strict=True))
    sizes = dict(zip(sources["source_id"], sources["entries"], strict=True))
    text_in_store = sum(int(sizes.get(sid, 0)) for sid in source_ids) > settings.text_in_store_entries()
    entries = store.entries(list(source_ids), with_text=not text_in_store)
    if text_in_store:  # what reading a million entries freed (150 MB) goes back before the mentions are read
        give_back_freed_memory()
    readable = _with_added_text(store, source_ids, entries) if text_in_store else entries
    if text_in_store:  # the mentions held compact, their whole rows read for the entries shown
        read = store.mentions(list(source_ids), events=happened, categories=True)
        mentions = compact.compact_mentions(clock.on_clock(corrections.laid_over(
            store, list(source_ids), readable, mentions=read), happened))
        del read
        give_back_freed_memory()  # the read's chunks and the whole rows (200 MB), before the pairs are made
    else:
        mentions = clock.on_clock(corrections.laid_over(store, list(source_ids), readable), happened)
    data = mapdata.prepare(entries, mentions, source_ids, {sid: names.get(sid, str(sid)) for sid in source_ids},
                           read_text=store.entries_by_id if text_in_store else None,
                           read_mentions=partial(_mentions_of, store, source_ids, happened) if text_in_store else None)
    times, grain = timeline.slider_stops(timeline.entry_times(clock.clock_events(data.entries, data.mentions,
                                                                                 happened)))
    if text_in_store:
        give_back_freed_memory()
    return data, times, timeline.time_labels(times), grain


def _mentions_of(store: EventStore, source_ids: tuple[int, ...], happened: bool, entry_ids: Sequence[int]
                 ) -> pd.DataFrame:
    """The whole rows of these entries' mentions, laid over and on the clock as `load_map_data`'s."""
    mentions = store.mentions_of(entry_ids)
    laid = corrections.laid_over(store, list(source_ids), store.entries_by_id(entry_ids), mentions=mentions)
    return clock.on_clock(laid, happened)


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


@shared(show_spinner=False, max_entries=8)
def load_stops(path: str, stamp: tuple, source_ids: tuple[int, ...], by_time: bool, happened: bool = False
               ) -> tuple[list, list, pd.Timedelta]:
    """The slider's stops, their labels and grain: the entries' own times (or their events' on the
    "happened" clock), or round stretches of time."""
    data, times, labels, grain = load_map_data(path, stamp, source_ids, happened)
    if not by_time:
        return times, labels, grain
    stops, grain = timeline.time_stops(timeline.entry_times(clock.clock_events(data.entries, data.mentions, happened)))
    return stops, timeline.time_labels(stops), grain


@shared(show_spinner=False, max_entries=4)
def load_timeline(path: str, stamp: tuple, source_ids: tuple[int, ...], by_time: bool = False, happened: bool = False
                  ) -> tuple[np.ndarray, pd.DataFrame, dict]:
    """The slider's stops as int64 ns (playback steps over them), the histogram's counts (entries, or
    on the "happened" clock the times they give their places) and each source's colour by name."""
    data, _, _, _ = load_map_data(path, stamp, source_ids, happened)
    times, _, _ = load_stops(path, stamp, source_ids, by_time, happened)
    colours = {data.source_names.get(sid, str(sid)): colour for sid, colour in data.source_colours.items()}
    return (playback.as_ns(times), histogram.counts_frame(clock.clock_events(data.entries, data.mentions, happened)),
            colours)


@shared(show_spinner=False, max_entries=8)
def load_histogram_base(path: str, stamp: tuple, source_ids: tuple[int, ...], by_time: bool,
                        happened: bool = False) -> tuple[dict, str]:
    """The histogram under the map as a Vega-Lite spec, built once per blogs (building and validating the
    Altair chart took more of a slider step than anything else), with the name of the dataset of its
    shaded window, which `load_histogram` swaps for each window."""
    _, counts, colours = load_timeline(path, stamp, source_ids, by_time, happened)
    times, _, _ = load_stops(path, stamp, source_ids, by_time, happened)
    spec = histogram.chart(counts, (times[0], times[-1]), colours).to_dict()
    # Altair's default theme gives the view a 300 px size, which st.altair_chart leaves out (it converts
    # under no theme); without it the chart takes the container's width and its own height, as before.
    view = spec.get("config", {}).get("view", {})
    for default in ("continuousWidth", "continuousHeight"):
        view.pop(default, None)
    if "config" in spec and not view:
        spec["config"].pop("view", None)
        if not spec["config"]:
            del spec["config"]
    # The first layer is the shaded window (`histogram.chart`); the window's edges read the same data.
    band = spec["layer"][0]["data"]["name"]
    # The counts never change with the window: written into their layers, so that a step hands Streamlit
    # only the band's one row to convert to Arrow (converting the counts was most of the chart's step).
    datasets = spec.pop("datasets")
    for layer in spec["layer"]:
        name = layer.get("data", {}).get("name")
        if name is not None and name != band:
            layer["data"] = {"values": datasets[name]}
    spec["datasets"] = {band: datasets[band]}
    return spec, band


def load_histogram(path: str, stamp: tuple, source_ids: tuple[int, ...], by_time: bool, window: Window,
                   happened: bool = False) -> dict:
    """The histogram's spec (`load_histogram_base`) with `window` shaded: a new spec sharing the rest."""
    spec, band = load_histogram_base(path, stamp, source_ids, by_time, happened)
    row = histogram.window_frame(window).iloc[0]
    # As Altair writes the band's row: instants as milliseconds since the epoch (`histogram.chart`).
    start, end = (pd.Timestamp(row[edge]).value // 1_000_000 for edge in ("start", "end"))
    values = [{"start": start, "end": end, "label": str(row["label"])}]
    return {**spec, "datasets": {**spec["datasets"], band: values}}


@shared(show_spinner=False, max_entries=8)
def load_filtered(path: str, stamp: tuple, source_ids: tuple[int, ...], chosen: filters.Filters,
                  happened: bool = False) -> mapdata.MapData:
    """The chosen sources after the filters, prepared for the map on the chosen clock."""
    data, _, _, _ = load_map_data(path, stamp, source_ids, happened)
    if not chosen.active:
        return data
    matches = open_store(path).search(chosen.keyword, source_ids) if chosen.keyword else None
    entries, mentions = filters.apply(data.entries, data.mentions, chosen, matches)
    return mapdata.prepare(entries, mentions, source_ids, data.source_names, data.read_text, data.read_mentions)


@st.cache_resource(show_spinner=False)
def window_cache() -> SizedCache:
    """The server's window caches (`load_window`, `load_layer_script`, `load_legend`), one budget for all:
    bounded by weight as well as by count, as a window of 20,000 places weighs several MB."""
    return SizedCache(3 * WINDOW_CACHE_ENTRIES, settings.window_cache_bytes())


def load_window(path: str, stamp: tuple, source_ids: tuple[int, ...], chosen: filters.Filters, window: Window,
                happened: bool = False) -> tuple[pd.DataFrame, mapdata.Drawing, np.ndarray]:
    """The window's places (`window_places`), how they are drawn (`for_drawing`: past MAX_POINT_MARKERS
    points the less named go by grid cell) and its entries' rows, oldest first (an array: every step's
    window is kept, and a million rows as a list weighed 36 MB a window)."""
    def make() -> tuple[pd.DataFrame, mapdata.Drawing, np.ndarray]:
        data = load_filtered(path, stamp, source_ids, chosen, happened)
        places = mapdata.window_places(data, window)
        made = places, mapdata.for_drawing(places), mapdata.window_entry_array(data, window)
        if len(data.entries) > settings.text_in_store_entries():  # a big window's scratch arrays
            give_back_freed_memory()
        return made

    return window_cache().get(("window", path, stamp, source_ids, chosen, window, happened), make)


def load_layer_script(path: str, stamp: tuple, source_ids: tuple[int, ...], chosen: filters.Filters,
                      window: Window, happened: bool = False, fresh: frozenset[int] = frozenset()) -> str:
    """The places layer's script for the window (`dashboard.ui.map.layer_script`), built once: its places,
    its movements as arrows, on the "happened" clock the places reported after the window, and the
    places of entries `fresh` to a reader marked new (none, for most readers, who then share it)."""
    def make() -> str:
        data = load_filtered(path, stamp, source_ids, chosen, happened)
        _, drawing, _ = load_window(path, stamp, source_ids, chosen, window, happened)
        moves = paths.window_paths(load_laid_paths(path, stamp, source_ids, chosen, happened), window)
        return map_ui.layer_script(map_ui.places_payload(data, drawing, fresh, paths=moves,
                                                         reported_after=window[1] if happened else None))

    return window_cache().get(("layer", path, stamp, source_ids, chosen, window, happened, fresh), make)


def load_layer(path: str, stamp: tuple, source_ids: tuple[int, ...], chosen: filters.Filters, window: Window,
               ring: int | None = None, happened: bool = False,
               fresh: frozenset[int] = frozenset()) -> folium.FeatureGroup:
    """The feature group for `st_folium`: the window's shared layer script in a group of this session's
    own, with the places of the entry chosen in the table (`ring`) ringed."""
    data = load_filtered(path, stamp, source_ids, chosen, happened)
    layer = map_ui.group_of(load_layer_script(path, stamp, source_ids, chosen, window, happened, fresh))
    return map_ui.highlight(layer, data, ring)


def load_legend(path: str, stamp: tuple, source_ids: tuple[int, ...], chosen: filters.Filters,
                window: Window, happened: bool = False) -> str:
    """The legend under the map for the window (`legend.legend_html`)."""
    def make() -> str:
        data = load_filtered(path, stamp, source_ids, chosen, happened)
        _, drawing, _ = load_window(path, stamp, source_ids, chosen, window, happened)
        return legend.legend_html(data, drawing)

    return window_cache().get(("legend", path, stamp, source_ids, chosen, window, happened), make)


@st.cache_resource(show_spinner=False, max_entries=4)
def load_paths(path: str, stamp: tuple, source_ids: tuple[int, ...]) -> pd.DataFrame:
    """The movements the chosen sources' entries tell of, as stored (`dashboard.view.paths` lays them
    over the mentions shown)."""
    return open_store(path).paths(list(source_ids))


@shared(show_spinner=False, max_entries=8)
def load_laid_paths(path: str, stamp: tuple, source_ids: tuple[int, ...], chosen: filters.Filters,
                    happened: bool = False) -> pd.DataFrame:
    """The movements laid over the mentions shown (`paths.laid_over`): once per blogs, filters and clock,
    not for every window (`paths.window_paths` keeps a window's): laying them over reads every mention
    (2.4 million for a million entries)."""
    data = load_filtered(path, stamp, source_ids, chosen, happened)
    return paths.laid_over(load_paths(path, stamp, source_ids), data.mentions)


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
    return open_store(path).placed_mention_counts(source_ids)
