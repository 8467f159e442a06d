"""The dashboard: `streamlit run dashboard/app.py`.

Load, cache, slider, map, in that order (the shape of Streamlit's NYC Uber pickups demo): the store
is read once per change of its file, the time window is a slider over the entries' times, the map
shows the window's places, and the panel beside it reads the entry of a clicked place. The logic
lives in dashboard.mapview, dashboard.timeline and dashboard.panel; this script only wires widgets.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import (
    assets,
    corrections,
    entries_table,
    filters,
    histogram,
    mapview,
    panel,
    playback,
    timeline,
    upload,
    viewstate,
)
from dashboard.ingest import IngestError, ingest_file
from dashboard.settings import SAMPLE_BLOG, default_db_path
from dashboard.store import EventStore, StoreError

# Entries listed beside the map before a place is chosen.
LATEST = 30

st.set_page_config(page_title="Live-blog map", layout="wide")
st.title("Live-blog map")


@st.cache_resource(show_spinner=False)
def vendor_assets() -> None:
    """Leaflet and friends into dashboard/static/vendor/, once per server."""
    assets.ensure_vendor()


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


@st.cache_resource(show_spinner="Loading the entries…", max_entries=4)
def load_map_data(path: str, stamp: tuple, source_ids: tuple[int, ...]
                  ) -> tuple[mapview.MapData, list, list, pd.Timedelta]:
    """The chosen sources, prepared for the map, with the slider's stops, their labels and grain.
    Shared, read-only."""
    store = open_store(path)
    sources = load_sources(path, stamp)
    names = dict(zip(sources["source_id"], sources["name"], strict=True))
    mentions = corrections.apply(store.mentions(list(source_ids)), store.corrections(list(source_ids)))
    data = mapview.prepare(store.entries(list(source_ids)), mentions, source_ids,
                           {sid: names.get(sid, str(sid)) for sid in source_ids})
    times, grain = timeline.slider_stops(timeline.entry_times(data.entries))
    return data, times, timeline.time_labels(times), grain


# -- playback and histogram (issue 14): logic in dashboard.playback and dashboard.histogram ---------
@st.cache_resource(show_spinner=False, max_entries=4)
def load_timeline(path: str, stamp: tuple, source_ids: tuple[int, ...]) -> tuple[np.ndarray, pd.DataFrame, dict]:
    """The entry times as int64 ns (playback steps over them), the histogram's counts and each
    source's colour by name. Shared, read-only."""
    data, times, _, _ = load_map_data(path, stamp, source_ids)
    colours = {data.source_names.get(sid, str(sid)): colour for sid, colour in data.source_colours.items()}
    return playback.as_ns(times), histogram.counts_frame(data.entries), colours


def playback_timer(window_key: str, ns: np.ndarray) -> None:
    """Run as a fragment every period while playing: one step, then the whole page follows it (the
    map only swaps its layer, so it keeps its zoom and centre)."""
    if playback.tick(st.session_state, window_key, ns):
        st.rerun()


def show_playback(window_key: str, window: timeline.Window, ns: np.ndarray, counts: pd.DataFrame,
                  colours: dict) -> None:
    """The histogram with the window shaded, then a row of play / pause / step controls, and the timer."""
    playback.defaults(st.session_state)
    playing = bool(st.session_state[playback.PLAYING])
    st.altair_chart(histogram.chart(counts, window, colours), width="stretch")
    toggle, step, kind, speed, loop = st.columns([1.1, 1.1, 2, 2.2, 1], vertical_alignment="center")
    toggle.button("Pause" if playing else "Play", key="playback-toggle", type="primary" if playing else "secondary",
                  on_click=playback.toggle, args=(st.session_state, window_key, ns),
                  help="Move the window forward step by step; a window at the end starts over.")
    step.button("Step", key="playback-once", on_click=playback.step_once, args=(st.session_state, window_key, ns),
                help="One step forward (pauses playback).")
    kind.selectbox("Each step moves", options=list(playback.STEPS), key=playback.STEP_KEY,
                   label_visibility="collapsed", format_func=lambda s: f"step: {s}")
    speed.selectbox("Speed", options=list(playback.SPEEDS), key=playback.SPEED_KEY, label_visibility="collapsed",
                    format_func=lambda s: f"{s}: {playback.SPEEDS[s]:g} s a step")
    loop.checkbox("Loop", key=playback.LOOP_KEY, help="Start over at the end instead of stopping.")
    # Called on every run, playing or not, so the page keeps its shape: an element appearing before the
    # map would remount it and lose the reader's view. This call only arms the timer; it never steps.
    st.session_state[playback.FULL_RUN] = True
    period = playback.period_seconds(st.session_state[playback.SPEED_KEY]) if playing else None
    st.fragment(playback_timer, run_every=period)(window_key, ns)


# -- analyst tools (issue 13): logic in dashboard.filters, viewstate, entries_table, upload, corrections
@st.cache_resource(show_spinner=False, max_entries=8)
def load_filtered(path: str, stamp: tuple, source_ids: tuple[int, ...], chosen: filters.Filters) -> mapview.MapData:
    """The chosen sources after the filters, prepared for the map. Shared, read-only."""
    data, _, _, _ = load_map_data(path, stamp, source_ids)
    if not chosen.active:
        return data
    matches = open_store(path).search(chosen.keyword, source_ids) if chosen.keyword else None
    entries, mentions = filters.apply(data.entries, data.mentions, chosen, matches)
    return mapview.prepare(entries, mentions, source_ids, data.source_names)


@st.cache_resource(show_spinner=False, max_entries=4)
def load_filter_options(path: str, stamp: tuple, source_ids: tuple[int, ...]) -> tuple[dict, dict]:
    """The filters' choices, place_id -> label and country code -> label, of all the chosen entries."""
    data, _, _, _ = load_map_data(path, stamp, source_ids)
    return filters.place_options(data.mentions), filters.country_options(data.mentions)


@st.cache_data(show_spinner=False, max_entries=8)
def load_corrections(path: str, stamp: tuple, source_ids: tuple[int, ...]) -> pd.DataFrame:
    return open_store(path).corrections(list(source_ids))


# -- load -----------------------------------------------------------------------------------------
vendor_assets()
db_path = default_db_path()
try:
    store = open_store(str(db_path))
    if store.is_empty():
        with st.spinner("First run: reading the sample live blog into the event store…"):
            ingest_file(SAMPLE_BLOG, store)
except (StoreError, IngestError) as exc:
    st.error("The event store could not be opened or filled with the sample live blog.")
    st.code(str(exc), language=None)  # verbatim: the message may quote the blog's own text
    st.stop()

# A shared link's view, read on a session's first run; its notices go in a box of fixed place.
link, notices = viewstate.first_run_view(st.session_state, st.query_params)
notice_box = st.container()
if upload.upload_form(store):
    st.rerun()  # show the blog just added

stamp = store_stamp(db_path)
sources = load_sources(str(db_path), stamp)
names = dict(zip(sources["source_id"].astype(int), sources["name"].astype(str), strict=True))
newest = int(sources["source_id"].iloc[0])  # the store lists the most recently ingested first
chosen = viewstate.blog_picker(names, newest, link, notices, select=st.session_state.pop(upload.SELECT_KEY, None))
if not chosen:
    st.info("Choose a live blog to map.")
    st.stop()
data, times, labels, grain = load_map_data(str(db_path), stamp, tuple(chosen))
if not times:
    st.info("The chosen blogs have no entries yet.")
    st.stop()
# Filters (sidebar): the map, the table and the downloads show what passes them; the slider and the
# base map stay those of all the entries, so a filter never resets the window or the map's view.
place_choices, country_choices = load_filter_options(str(db_path), stamp, tuple(chosen))
if link is not None:
    viewstate.seed_filters(st.session_state, link, list(place_choices), list(country_choices), notices)
chosen_filters = filters.filter_widgets(place_choices, country_choices)
try:
    all_data, data = data, load_filtered(str(db_path), stamp, tuple(chosen), chosen_filters)
except StoreError as exc:  # the keyword search failed: say so, and show the rest of the filters
    notice_box.error("The keyword search failed, so the map leaves the keyword out.")
    notice_box.code(str(exc), language=None)  # verbatim: the message quotes the keyword
    chosen_filters = dataclasses.replace(chosen_filters, keyword="")
    all_data, data = data, load_filtered(str(db_path), stamp, tuple(chosen), chosen_filters)

# -- slider ---------------------------------------------------------------------------------------
window_key = f"window-{'-'.join(map(str, chosen))}-{len(times)}"
if len(times) > 1:
    first, last = st.select_slider(  # playback moves it through its key
        "Time window", options=range(len(times)), value=viewstate.window_value(link, times, notices),
        format_func=labels.__getitem__,
        key=window_key,
        help="Times are UTC. Drag either end, or focus a handle and use the arrow keys to step one entry "
             "(one minute or more when there are thousands of entries).")
else:
    first = last = 0
window = timeline.window_between(times, first, last, grain)
places = mapview.window_places(data, window)
window_rows = mapview.window_entry_rows(data, window)
st.caption(f"{panel.counted(len(window_rows), 'entry', 'entries')} and "
           f"{panel.counted(len(places), 'place', 'places')} between {timeline.time_label(window[0])} and "
           f"{timeline.time_label(window[1])} UTC.")

# -- map ------------------------------------------------------------------------------------------
map_column, panel_column = st.columns([3, 2], gap="medium")
# The entries table and downloads sit under the map but run first: a row chosen there (or the link's
# entry) selects its entry in the panel's pickers before they are drawn, and is ringed on the map.
with st.container():
    picked = entries_table.show_table(data, window_rows)
    entries_table.download_buttons(data, window_rows, sources)
if link is not None:
    viewstate.select_from_link(st.session_state, link, data, places["place_id"].tolist(), window, notices)
if picked is not None:
    entries_table.select_entry(st.session_state, data, picked, window)
with map_column:
    base = mapview.base_map(mapview.map_bounds(all_data), base_url_path=st.get_option("server.baseUrlPath") or "")
    drawing = mapview.for_drawing(places)  # past MAX_POINT_MARKERS points, the less named go by grid cell
    layer = entries_table.highlight(mapview.places_layer(data, drawing), data,
                                    st.session_state.get(entries_table.RING_KEY))
    returned = st_folium(base, key="map", feature_group_to_add=layer,
                         returned_objects=["last_object_clicked", "last_object_clicked_tooltip"],
                         height=560, use_container_width=True)
    st.html(mapview.legend_html(data, drawing))
    if len(times) > 1:  # issue 14: under the map, so that the map keeps its place on the page
        show_playback(window_key, window, *load_timeline(str(db_path), stamp, tuple(chosen)))

# A click is acted on once: st_folium keeps returning the last click on every rerun.
click = (returned or {}).get("last_object_clicked_tooltip"), str((returned or {}).get("last_object_clicked"))
if click != st.session_state.get("handled_click"):
    st.session_state["handled_click"] = click
    clicked = mapview.clicked_place(returned, places)
    if clicked is not None:
        st.session_state["place"] = clicked

# -- entry panel ----------------------------------------------------------------------------------
with panel_column:
    by_id = places.set_index("place_id")
    if st.session_state.get("place") not in by_id.index:
        st.session_state["place"] = None
    # The places drawn one by one (and the one chosen); those summed up by grid cell are found through
    # the sidebar's "Place named" filter.
    listed = drawing.places
    if st.session_state["place"] is not None and st.session_state["place"] not in set(listed["place_id"]):
        listed = pd.concat([listed, places[places["place_id"] == st.session_state["place"]]])
    options = dict(zip(listed["place_id"], map(panel.place_option, listed["label"], listed["count"]), strict=True))
    place_id = st.selectbox("Place", options=list(options), key="place", format_func=options.__getitem__,
                            placeholder="Click a marker, or choose a place")
    if place_id is None:
        st.caption("The latest entries in the window. Click a marker to read the entries that name "
                   "its place.")
        st.html(panel.PANEL_CSS + panel.entries_list_html(data.entries.iloc[window_rows[::-1][:LATEST]],
                                                          data.mentions))
    else:
        rows = mapview.window_entry_rows(data, window, int(by_id.at[place_id, "code"]))[::-1]
        row = rows[0]
        if len(rows) > 1:
            entry_key = f"entry-{place_id}"
            if st.session_state.get(entry_key) not in rows:  # the window moved past the entry read last
                st.session_state.pop(entry_key, None)
            row = st.selectbox(f"Entry ({len(rows)} name this place, newest first)", options=rows,
                               key=entry_key, format_func=lambda r: panel.entry_option(data.entries.iloc[r]))
        entry = data.entries.iloc[row]
        mentions = store.with_runner_ups(data.mentions[data.mentions["entry_id"] == entry["entry_id"]])
        source = sources[sources["source_id"] == entry["source_id"]]
        source_row = source.iloc[0].to_dict() if len(source) else None
        st.html(panel.PANEL_CSS + panel.entry_html(entry, mentions, source_row, chosen_place=place_id))
        fixes = load_corrections(str(db_path), stamp, tuple(chosen))  # issue 13: corrected places
        if not corrections.entry_corrections(fixes, entry["entry_id"]).empty:
            st.html(corrections.notes_html(corrections.entry_corrections(fixes, entry["entry_id"])))
        with st.expander("How the places were found", expanded=False):
            st.html(panel.PANEL_CSS + panel.resolution_html(mentions))
        if corrections.correction_form(store, int(entry["entry_id"]), mentions, fixes):
            st.rerun()  # the store changed: the map, table and panel follow the correction

# -- the link (issue 13): the view just drawn goes in the page's URL; a link's notices are shown ---
viewstate.write_url(st.query_params, viewstate.View(
    blogs=tuple(names[i] for i in chosen), start=window[0] if first > 0 else None,
    end=window[1] if last < len(times) - 1 else None, filters=chosen_filters,
    place=st.session_state.get(entries_table.PLACE_PICKER_KEY),
    entry=entries_table.shown_entry_id(st.session_state, data, window)))
for notice in notices:
    notice_box.warning(notice)
