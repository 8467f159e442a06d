"""The entries table under the map, the selected entry, and the downloads of what is shown.

The table lists the window's entries (after the filters): time, headline, places, source. Choosing a
row selects that entry: its place is chosen in the panel's place picker, the entry in its entry
picker, and its places are ringed on the map. The downloads (CSV, GeoJSON, KML) hold the same
(entry, place) pairs the map shows, built by dashboard.export like `python -m dashboard export`.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence

import folium
import pandas as pd

from dashboard import export, mapview, panel
from dashboard.timeline import Window

# Session keys: the table's selection acted on last, the entry ringed on the map, the place picker.
HANDLED_KEY = "table-handled"
RING_KEY = "table-entry"
PLACE_PICKER_KEY = "place"
HIGHLIGHT = "#111111"
FILE_STEM = "liveblog-places"


def entry_picker_key(place_id: str) -> str:
    """The session key of the panel's entry picker for a place (as dashboard/app.py names it)."""
    return f"entry-{place_id}"


# The table lists the window's entries a page of this many at a time, newest first: a window of
# 100,000 entries would otherwise rebuild and ship a 100,000-row table at every step of the slider.
MAX_TABLE_ROWS = 500
PAGE_KEY = "table-page"


def page_count(rows: int) -> int:
    """How many pages of MAX_TABLE_ROWS the table has for `rows` entries (at least one)."""
    return max(1, -(-rows // MAX_TABLE_ROWS))


def page_span(rows: int, page: int) -> tuple[int, int]:
    """[first, end) of page `page` (from 1; a page past either end is the nearest page) among `rows`
    entries listed newest first."""
    first = (min(max(1, page), page_count(rows)) - 1) * MAX_TABLE_ROWS
    return first, min(first + MAX_TABLE_ROWS, rows)


def table_frame(data: mapview.MapData, rows: Sequence[int], page: int = 1) -> pd.DataFrame:
    """The table for rows of `data.entries`, newest first, page `page` (`page_span`): entry_id, time,
    headline, places, source."""
    first, end = page_span(len(rows), page)
    chosen = data.entries.iloc[list(rows)[::-1][first:end]]
    named = panel.places_named([int(i) for i in chosen["entry_id"]], data.mentions)
    return pd.DataFrame({
        "entry_id": chosen["entry_id"].astype(int).to_numpy(),
        "time": [f"{pd.Timestamp(t).strftime('%d %b %H:%M')} UTC" for t in chosen["time_utc"]],
        "headline": chosen["headline"].fillna("").astype(str).to_numpy(),
        "places": [", ".join(named.get(int(i), [])) for i in chosen["entry_id"]],
        "source": chosen["source"].astype(str).to_numpy(),
    })


def entry_place(data: mapview.MapData, entry_id: int, window: Window) -> tuple[str, int] | None:
    """Where the panel shows an entry: (place_id, row of data.entries), the place being the first
    point (else area) the entry names in text order; None when the entry is not in the window."""
    rows = data.entries.index[data.entries["entry_id"] == int(entry_id)]
    if not len(rows) or int(rows[0]) not in mapview.window_entry_rows(data, window):
        return None
    mentions = data.mentions[data.mentions["entry_id"] == int(entry_id)].sort_values(["is_area", "start"])
    if mentions.empty:
        return None
    return str(mentions.iloc[0]["place_id"]), int(rows[0])


def select_entry(state: MutableMapping, data: mapview.MapData, entry_id: int, window: Window) -> bool:
    """Select an entry in the panel (before its widgets are drawn); False when it is not shown."""
    found = entry_place(data, entry_id, window)
    if found is None:
        return False
    place_id, row = found
    state[PLACE_PICKER_KEY] = place_id
    state[entry_picker_key(place_id)] = row
    return True


def shown_entry_id(state: MutableMapping, data: mapview.MapData, window: Window) -> int | None:
    """The entry the panel shows, from the pickers' state (for the link); None without a place."""
    place_id = state.get(PLACE_PICKER_KEY)
    if not place_id:
        return None
    row = state.get(entry_picker_key(place_id))
    if row is None:
        code = data.places.index[data.places["place_id"] == place_id]
        rows = mapview.window_entry_rows(data, window, int(code[0])) if len(code) else []
        if not rows:
            return None
        row = rows[-1]
    return int(data.entries.iloc[int(row)]["entry_id"])


def highlight(group: folium.FeatureGroup, data: mapview.MapData, entry_id: int | None) -> folium.FeatureGroup:
    """Ring the places of the selected entry on the places layer (rings take no clicks)."""
    if entry_id is None:
        return group
    mentions = data.mentions[data.mentions["entry_id"] == int(entry_id)].drop_duplicates("place_id")
    for m in mentions.itertuples(index=False):
        folium.CircleMarker([float(m.lat), float(m.lon)], radius=mapview.MAX_RADIUS_PX + 4, color=HIGHLIGHT,
                            weight=3, fill=False, dash_array="4 4", interactive=False,
                            class_name="lbm-selected").add_to(group)
    return group


def download_rows(data: mapview.MapData, rows: Sequence[int], sources: pd.DataFrame) -> list[dict]:
    """The export rows of what is shown: the entries at `rows` and their (filtered, corrected) places."""
    entries = data.entries.iloc[list(rows)]
    mentions = data.mentions[data.mentions["entry_id"].isin(entries["entry_id"])]
    return export.rows_from_frames(entries, mentions, sources)


# --------------------------------------------------------------------------------------------------
# Widgets.
# --------------------------------------------------------------------------------------------------


def show_table(data: mapview.MapData, rows: Sequence[int]) -> int | None:
    """The table; returns the entry id of a row chosen since the last run (None if none was).

    The chosen entry is also kept under RING_KEY (ringed on the map) until the selection is cleared.
    """
    import streamlit as st

    page = 1
    if len(rows) > MAX_TABLE_ROWS:
        pages = page_count(len(rows))
        if st.session_state.get(PAGE_KEY, 1) > pages:  # the window shrank under the page read
            st.session_state[PAGE_KEY] = pages
        label, pager = st.columns([4, 1], vertical_alignment="center")
        page = int(pager.number_input("Page", min_value=1, max_value=pages, step=1, key=PAGE_KEY,
                                      help=f"{MAX_TABLE_ROWS} entries a page, newest first."))
        first, end = page_span(len(rows), page)
        label.caption(f"Entries {first + 1:,}–{end:,} of the window's "
                      f"{len(rows):,}, newest first (page {page:,} of {pages:,}).")
    frame = table_frame(data, rows, page)
    # Keyed by what is listed: when the window or the filters change, the old selection (a row
    # number) would point at another entry, so the table starts afresh.
    key = f"entries-table-{hash(tuple(frame['entry_id']))}"
    event = st.dataframe(frame, key=key, on_select="rerun", selection_mode="single-row", hide_index=True,
                         column_order=["time", "headline", "places", "source"], height=300,
                         column_config={"time": st.column_config.TextColumn("Time", width="small"),
                                        "headline": st.column_config.TextColumn("Headline", width="large"),
                                        "places": st.column_config.TextColumn("Places"),
                                        "source": st.column_config.TextColumn("Source", width="small")})
    picked = list(getattr(getattr(event, "selection", None), "rows", None) or [])
    chosen = (key, int(frame.iloc[picked[0]]["entry_id"])) if picked and picked[0] < len(frame) else None
    if chosen == st.session_state.get(HANDLED_KEY):
        return None
    st.session_state[HANDLED_KEY] = chosen
    if chosen is None:  # the selection was cleared, or the table changed under it
        st.session_state.pop(RING_KEY, None)
        return None
    st.session_state[RING_KEY] = chosen[1]
    return chosen[1]


def download_buttons(data: mapview.MapData, rows: Sequence[int], sources: pd.DataFrame) -> None:
    """CSV, GeoJSON and KML of what is shown; each file is built only when its button is clicked."""
    import streamlit as st

    def build(fmt: str):
        return lambda: export.render(fmt, download_rows(data, rows, sources))

    columns = st.columns(len(export.FORMATS))
    for column, fmt in zip(columns, export.FORMATS, strict=True):
        with column:
            st.download_button(f"Download {fmt.upper() if fmt != 'geojson' else 'GeoJSON'}", data=build(fmt),
                               file_name=f"{FILE_STEM}.{fmt}", mime=export.MEDIA_TYPES[fmt], key=f"download-{fmt}",
                               on_click="ignore", use_container_width=True)
