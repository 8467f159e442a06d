"""The dashboard: `streamlit run dashboard/app.py`.

Load, cache, slider, map, in that order (the shape of Streamlit's NYC Uber pickups demo): the store
is read once per change of its file, the time window is a slider over the entries' times, the map
shows the window's places, and the panel beside it reads the entry of a clicked place. The logic
lives in dashboard.mapview, dashboard.timeline and dashboard.panel; this script only wires widgets.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import assets, mapview, panel, timeline
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
def load_map_data(path: str, stamp: tuple, source_ids: tuple[int, ...]) -> tuple[mapview.MapData, list, list]:
    """The chosen sources, prepared for the map, with the slider's stops. Shared, read-only."""
    store = open_store(path)
    sources = load_sources(path, stamp)
    names = dict(zip(sources["source_id"], sources["name"], strict=True))
    data = mapview.prepare(store.entries(list(source_ids)), store.mentions(list(source_ids)), source_ids,
                           {sid: names.get(sid, str(sid)) for sid in source_ids})
    times = timeline.entry_times(data.entries)
    return data, times, timeline.time_labels(times)


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

stamp = store_stamp(db_path)
sources = load_sources(str(db_path), stamp)
names = dict(zip(sources["source_id"].astype(int), sources["name"].astype(str), strict=True))
newest = int(sources["source_id"].iloc[0])  # the store lists the most recently ingested first
if len(sources) > 1:
    chosen = st.multiselect("Live blogs", options=list(names), default=[newest],
                            format_func=names.__getitem__,
                            help="Several blogs are drawn together, each in its own colour.")
else:
    chosen = [newest]
if not chosen:
    st.info("Choose a live blog to map.")
    st.stop()
data, times, labels = load_map_data(str(db_path), stamp, tuple(chosen))
if not times:
    st.info("The chosen blogs have no entries yet.")
    st.stop()

# -- slider ---------------------------------------------------------------------------------------
if len(times) > 1:
    first, last = st.select_slider(
        "Time window", options=range(len(times)), value=(0, len(times) - 1), format_func=labels.__getitem__,
        key=f"window-{'-'.join(map(str, chosen))}-{len(times)}",
        help="Times are UTC. Drag either end, or focus a handle and use the arrow keys to step one entry.")
else:
    first = last = 0
window = (times[first], times[last])
places = mapview.window_places(data, window)
window_rows = mapview.window_entry_rows(data, window)
st.caption(f"{panel.counted(len(window_rows), 'entry', 'entries')} and "
           f"{panel.counted(len(places), 'place', 'places')} between {timeline.time_label(window[0])} and "
           f"{timeline.time_label(window[1])} UTC.")

# -- map ------------------------------------------------------------------------------------------
map_column, panel_column = st.columns([3, 2], gap="medium")
with map_column:
    base = mapview.base_map(mapview.map_bounds(data), base_url_path=st.get_option("server.baseUrlPath") or "")
    returned = st_folium(base, key="map", feature_group_to_add=mapview.places_layer(data, places),
                         returned_objects=["last_object_clicked", "last_object_clicked_tooltip"],
                         height=560, use_container_width=True)
    st.html(mapview.legend_html(data, places))

# A click is acted on once: st_folium keeps returning the last click on every rerun.
click = (returned or {}).get("last_object_clicked_tooltip"), str((returned or {}).get("last_object_clicked"))
if click != st.session_state.get("handled_click"):
    st.session_state["handled_click"] = click
    clicked = mapview.clicked_place(returned, places)
    if clicked is not None:
        st.session_state["place"] = clicked

# -- entry panel ----------------------------------------------------------------------------------
with panel_column:
    place_ids = places["place_id"].tolist()
    if st.session_state.get("place") not in place_ids:
        st.session_state["place"] = None
    by_id = places.set_index("place_id")
    place_id = st.selectbox(
        "Place", options=place_ids, key="place", placeholder="Click a marker, or choose a place",
        format_func=lambda pid: panel.place_option(by_id.at[pid, "label"], by_id.at[pid, "count"]))
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
        mentions = data.mentions[data.mentions["entry_id"] == entry["entry_id"]]
        source = sources[sources["source_id"] == entry["source_id"]]
        source_row = source.iloc[0].to_dict() if len(source) else None
        st.html(panel.PANEL_CSS + panel.entry_html(entry, mentions, source_row, chosen_place=place_id))
        with st.expander("How the places were found", expanded=False):
            st.html(panel.PANEL_CSS + panel.resolution_html(mentions))
