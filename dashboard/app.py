"""The dashboard: `python -m dashboard serve` (or `streamlit run dashboard/app.py`).

Load, cache, slider, map, in that order (the shape of Streamlit's NYC Uber pickups demo): the store
is read once per commit to it (`dashboard.ui.loaders`), the time window is a slider over the
entries' times, the map shows the window's places, and the panel beside it reads the entry of a
clicked place. What to show is decided in `dashboard.view`; the widgets are in `dashboard.ui`; this
script only wires them, top to bottom.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import corrections, datafiles
from dashboard.ingest import IngestError, ingest_file
from dashboard.settings import default_db_path, read_only, tile_settings
from dashboard.store import StoreError
from dashboard.ui import assets, keys, loaders, playback, sidebar, table, upload, viewstate
from dashboard.ui import blogs as blogs_ui
from dashboard.ui import follow as follow_ui
from dashboard.ui import map as map_ui
from dashboard.ui import review as review_ui
from dashboard.ui.corrections import add_missed_form, correction_form
from dashboard.view import compact, entries_table, mapdata, panel, timeline

# Entries listed beside the map before a place is chosen.
LATEST = 30

st.set_page_config(page_title="Live-blog map", layout="wide")
assets.page_style()  # phones and touch screens
st.title("Live-blog map")
shown_box = st.empty()  # the blogs shown, named once they are chosen

# -- load -----------------------------------------------------------------------------------------
loaders.vendor_assets()
db_path = default_db_path()
# Serving readers only (`serve --read-only`): the store is opened read-only and no control that would
# change it (upload, follow, blogs, corrections, review) is drawn.
editing = not read_only()
try:
    store = loaders.open_store(str(db_path))
    if store.is_empty() and not editing:
        st.info("The event store holds no live blog yet.")
        st.stop()
    if store.is_empty():
        loaders.place_index()  # says it is building the index when it is, before the sample's message
        with st.spinner("First run: reading the sample live blog into the event store…"):
            ingest_file(datafiles.sample_blog(), store)
except (StoreError, IngestError, datafiles.MissingDataFile) as exc:
    st.error("The event store could not be opened or filled with the sample live blog.")
    st.code(str(exc), language=None)  # verbatim: the message may quote the blog's own text
    st.stop()

# A shared link's view, read on a session's first run; its notices go in a box of fixed place.
link, notices = viewstate.first_run_view(st.session_state, st.query_params)
link_map_view, link_layer = viewstate.link_map_view(st.session_state, link)
tiles = tile_settings()
if link is not None:
    notices.extend(tiles.problems)
notice_box = st.container()
if editing:
    upload.upload_form(db_path)  # in the ingest worker: the page reruns itself when the blog is stored
if editing and follow_ui.follow_form(store, db_path):
    st.rerun()  # show the page just followed

stamp = loaders.store_stamp(db_path)
follow_ui.live_updates(db_path, stamp)  # followed pages: their status, and a rerun when entries arrive
if editing and blogs_ui.blogs_panel(store, loaders.load_blogs(str(db_path), stamp)):
    st.rerun()  # a blog renamed or deleted
sources = loaders.load_sources(str(db_path), stamp)
names = dict(zip(sources["source_id"].astype(int), sources["name"].astype(str), strict=True))
newest = int(sources["source_id"].iloc[0])  # the store lists the most recently ingested first
chosen = viewstate.blog_picker(names, newest, link, notices, select=st.session_state.pop(keys.UPLOAD_SELECT_KEY, None))
if not chosen:
    st.info("Choose a live blog to map.")
    st.stop()
blogs_ui.name_page([names[i] for i in chosen])
shown_box.html(blogs_ui.shown_html([names[i] for i in chosen]))
if link is not None:
    viewstate.seed_timeline(st.session_state, link)
by_time, _ = playback.timeline_choice(st.session_state)  # its widget is under the map
happened = playback.clock_choice(st.session_state)  # the timeline follows when events happened
data, _, _, _ = loaders.load_map_data(str(db_path), stamp, tuple(chosen), happened)
times, labels, grain = loaders.load_stops(str(db_path), stamp, tuple(chosen), by_time, happened)
if not times:
    st.info("The chosen blogs have no entries yet.")
    st.stop()
# Filters (sidebar): the map, the table and the downloads show what passes them; the slider and the
# base map stay those of all the entries, so a filter never resets the window or the map's view.
place_choices, country_choices = loaders.load_filter_options(str(db_path), stamp, tuple(chosen))
if link is not None:
    viewstate.seed_filters(st.session_state, link, list(place_choices), list(country_choices), notices)
window_key = keys.window_key(chosen, len(times), by_time, happened)
chosen_filters = sidebar.filter_widgets(place_choices, country_choices, window_key)
try:
    all_data, data = data, loaders.load_filtered(str(db_path), stamp, tuple(chosen), chosen_filters, happened)
except StoreError as exc:  # the keyword search failed: say so, and show the rest of the filters
    notice_box.error("The keyword search failed, so the map leaves the keyword out.")
    notice_box.code(str(exc), language=None)  # verbatim: the message quotes the keyword
    chosen_filters = dataclasses.replace(chosen_filters, keyword="")
    all_data, data = data, loaders.load_filtered(str(db_path), stamp, tuple(chosen), chosen_filters, happened)
# What no window changes (the popups' entry lines, the places' own fields) goes to the page once per
# data set, outside the window's fragment; a window's layer refers to it (`map_ui.page_kept_html`).
if (kept := map_ui.page_kept_html(data)) is not None:
    st.html(kept)

# -- the window: slider, caption, table, map and panel ------------------------------------------------
# A fragment: moving the slider (or clicking a marker, choosing in the panel or the table) reruns only
# this, reading the names above as the last full run left them; the sidebar, the blog picker, the
# uploads, the playback controls and the review queue stay as they are. A change that reaches beyond
# the window (a correction saved, the slider's mode, the store written by anyone) reruns the whole app.
# The fragment draws into the columns and the box below them, made here by the full run, so that what
# does not change with the window (the playback controls under the map) is drawn by the full run alone,
# in its place under the fragment's map, and is not sent again at every step.
window_box = st.container()  # the slider and its caption
map_column, panel_column = st.columns([3, 2], gap="medium")
table_box = st.container()  # the entries table and the downloads, under the map and the panel


@st.fragment
def window_view(link_once: list[viewstate.View]) -> None:
    # The link is read on a session's first run only, but a fragment rerun is called with the arguments
    # of the last full run: the link is handed over in a list that the first call empties.
    link = link_once.pop() if link_once else None
    _, cumulative = playback.timeline_choice(st.session_state)  # its switches rerun the whole page
    if loaders.store_stamp(db_path) != stamp:
        st.rerun()  # the store changed since (another session's blog, a followed page): all of the page follows
    # -- slider -----------------------------------------------------------------------------------
    if len(times) > 1:
        # New entries make a new slider: it starts from the window shown last (moved on if it was at the end).
        carried = follow_ui.carry_window(st.session_state, window_key, chosen, times)
        first, last = st.select_slider(  # playback moves it through its key
            "Time window", options=range(len(times)),
            value=carried or viewstate.window_value(link, times, notices),
            format_func=labels.__getitem__,
            key=window_key,
            help="Times are UTC, on a 24-hour clock. Drag either end, or focus a handle and use the arrow keys "
                 "to step one stop (an entry, or a stretch of time when the slider moves by time).")
    else:
        first = last = 0
    follow_ui.remember_window(st.session_state, window_key, chosen, times, first, last)
    window = timeline.window_between(times, first, last, grain)
    if cumulative:  # everything up to the window's end
        window = (times[0], window[1])
    places, drawing, window_rows = loaders.load_window(str(db_path), stamp, tuple(chosen), chosen_filters, window,
                                                          happened)
    st.caption(f"{panel.counted(len(window_rows), 'entry', 'entries')} and "
               f"{panel.counted(len(places), 'place', 'places')} "
               f"{timeline.window_words(times, first, last, grain, cumulative)}.")

    # -- map --------------------------------------------------------------------------------------
    # The entries table and downloads sit under the map but run first: a row chosen there (or the link's
    # entry) selects its entry in the panel's pickers before they are drawn, and is ringed on the map.
    with table_box:
        picked = table.show_table(data, window_rows)
        table.download_buttons(data, window_rows, sources,
                               entries_table.file_stem([names[i] for i in chosen], window))
    if link is not None:
        viewstate.select_from_link(st.session_state, link, data, places["place_id"].tolist(), window, notices)
    if picked is not None:
        table.select_entry(st.session_state, data, picked, window)
    if (followed := st.session_state.pop(keys.FOLLOW_ENTRY_KEY, None)) is not None:  # after a correction
        review_ui.follow_entry(st.session_state, data, followed, window)
    fresh = follow_ui.new_entries(st.session_state, chosen, all_data.entries["entry_id"])  # marked "new"
    with map_column:
        base = map_ui.base_map(follow_ui.kept_bounds(st.session_state, chosen, mapdata.map_bounds(all_data)),
                               base_url_path=st.get_option("server.baseUrlPath") or "",
                               tile_settings=tiles, view=link_map_view, layer=link_layer)
        layer = loaders.load_layer(str(db_path), stamp, tuple(chosen), chosen_filters, window,
                                   st.session_state.get(keys.RING_KEY), happened, fresh)
        returned = st_folium(base, key=keys.MAP_KEY, feature_group_to_add=layer,
                             returned_objects=["last_object_clicked", "last_object_clicked_tooltip", "zoom",
                                               "center", "selected_layers"],
                             height=560, use_container_width=True,
                             # The map renders itself for st_folium anyway; rendering its figure first
                             # as well drew the whole base map twice in every step.
                             render=False)
        st.html(loaders.load_legend(str(db_path), stamp, tuple(chosen), chosen_filters, window, happened))
        if len(times) > 1:  # under the map, so that the map keeps its place on the page
            playback.show_histogram(loaders.load_histogram(str(db_path), stamp, tuple(chosen), by_time, window,
                                                           happened))

    # A click is acted on once: st_folium keeps returning the last click on every rerun.
    click = (returned or {}).get("last_object_clicked_tooltip"), str((returned or {}).get("last_object_clicked"))
    if click != st.session_state.get(keys.HANDLED_CLICK_KEY):
        st.session_state[keys.HANDLED_CLICK_KEY] = click
        clicked = mapdata.clicked_place(returned, places)
        if clicked is not None:
            st.session_state[keys.PLACE_PICKER_KEY] = clicked

    # -- entry panel ------------------------------------------------------------------------------
    with panel_column:
        review_ui.show_saved_message()
        by_id = places.set_index("place_id")
        if st.session_state.get(keys.PLACE_PICKER_KEY) not in by_id.index:
            st.session_state[keys.PLACE_PICKER_KEY] = None
        # The places drawn one by one (and the one chosen); those summed up by grid cell are found through
        # the sidebar's "Place named" filter.
        listed = drawing.places
        shown_place = st.session_state[keys.PLACE_PICKER_KEY]
        if shown_place is not None and shown_place not in set(listed["place_id"]):
            listed = pd.concat([listed, places[places["place_id"] == shown_place]])
        options = dict(zip(listed["place_id"], map(panel.place_option, listed["label"], listed["count"]),
                           strict=True))
        picker_column, clear_column = st.columns([8, 1], vertical_alignment="bottom")
        place_id = picker_column.selectbox("Place", options=list(options), key=keys.PLACE_PICKER_KEY,
                                           format_func=options.__getitem__,
                                           placeholder="Click a marker, or choose a place")
        sidebar.clear_button(clear_column, keys.PLACE_PICKER_KEY, "no place chosen")
        if place_id is None:
            st.caption("The latest entries in the window. Click a marker to read the entries that name "
                       "its place.")
            st.html(panel.PANEL_CSS + panel.entries_list_html(data.entries.iloc[window_rows[::-1][:LATEST]],
                                                              data.mentions, fresh))
            follow_ui.new_entries_note(fresh)
        else:
            rows = mapdata.window_entry_rows(data, window, int(by_id.at[place_id, "code"]))[::-1]
            row = rows[0]
            if len(rows) > 1:
                entry_key = keys.entry_picker_key(place_id)
                if st.session_state.get(entry_key) not in rows:  # the window moved past the entry read last
                    st.session_state.pop(entry_key, None)
                row = st.selectbox(f"Entry ({len(rows)} name this place, newest first)", options=rows,
                                   key=entry_key, format_func=lambda r: panel.entry_option(data.entries.iloc[r]))
            entry = compact.with_text(data, data.entries.iloc[[row]]).iloc[0]  # a big store keeps the text
            follow_ui.mark_seen(st.session_state, [int(entry["entry_id"])])  # its "new" mark goes on the next run
            mentions = store.with_runner_ups(compact.mentions_of(data, [int(entry["entry_id"])]))
            source = sources[sources["source_id"] == entry["source_id"]]
            source_row = source.iloc[0].to_dict() if len(source) else None
            st.html(panel.PANEL_CSS + panel.entry_html(entry, mentions, source_row, chosen_place=place_id))
            fixes = loaders.load_corrections(str(db_path), stamp, tuple(chosen))
            if not corrections.entry_corrections(fixes, entry["entry_id"]).empty:
                st.html(panel.notes_html(corrections.entry_corrections(fixes, entry["entry_id"])))
            with st.expander("How the places were found", expanded=False):
                st.html(panel.PANEL_CSS + panel.resolution_html(mentions))
            if editing:  # a save is stored before the next run, which then shows all of the page changed
                correction_form(store, int(entry["entry_id"]), mentions, fixes)
                add_missed_form(store, entry.to_dict(), mapdata.map_bounds(all_data))

    # -- the link: the view just drawn goes in the page's URL -----------------------------------------
    map_view, map_layer = viewstate.reader_map_view(st.session_state, returned)
    viewstate.write_url(st.query_params, viewstate.View(
        blogs=tuple(names[i] for i in chosen), start=window[0] if first > 0 and not cumulative else None,
        end=window[1] if last < len(times) - 1 else None, filters=chosen_filters, happened=happened,
        place=st.session_state.get(keys.PLACE_PICKER_KEY),
        entry=table.shown_entry_id(st.session_state, data, window), by_time=by_time, cumulative=cumulative,
        zoom=map_view[0] if map_view else None, center=map_view[1] if map_view else None, layer=map_layer))


with window_box:
    window_view([link] if link is not None else [])
if len(times) > 1:
    with map_column:  # under the fragment's map and histogram
        ns, _, _ = loaders.load_timeline(str(db_path), stamp, tuple(chosen), by_time, happened)
        playback.show_playback(window_key, ns)

# -- review queue: the doubtful places of the chosen blogs, settled a group at a time ------------------
if editing:  # worked out once asked for: its counts only then
    review_ui.review_queue(store, all_data, chosen, names,
                           lambda: loaders.load_mention_counts(str(db_path), stamp, tuple(chosen)),
                           loaders.load_decisions(str(db_path), stamp, tuple(chosen)))
    loaders.warm_place_index()  # for the searches of the review and the corrections, after the store's load

# -- a link's notices (the window's are gathered on the full run that reads the link) ----------------
for notice in notices:
    notice_box.warning(notice)
