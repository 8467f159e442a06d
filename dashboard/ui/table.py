"""The entries table's widgets and the selected entry.

Choosing a row selects that entry: its place is chosen in the panel's place picker, the entry in its
entry picker, and its places are ringed on the map (`dashboard.ui.map.highlight`).
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence

import pandas as pd
import streamlit as st

from dashboard import export
from dashboard.ui.keys import HANDLED_KEY, PAGE_KEY, PLACE_PICKER_KEY, RING_KEY, entry_picker_key
from dashboard.view import entries_table, mapdata
from dashboard.view.timeline import Window


def select_entry(state: MutableMapping, data: mapdata.MapData, entry_id: int, window: Window) -> bool:
    """Select an entry in the panel (before its widgets are drawn); False when it is not shown."""
    found = entries_table.entry_place(data, entry_id, window)
    if found is None:
        return False
    place_id, row = found
    state[PLACE_PICKER_KEY] = place_id
    state[entry_picker_key(place_id)] = row
    return True


def shown_entry_id(state: MutableMapping, data: mapdata.MapData, window: Window) -> int | None:
    """The entry the panel shows, from the pickers' state (for the link); None without a place."""
    place_id = state.get(PLACE_PICKER_KEY)
    if not place_id:
        return None
    row = state.get(entry_picker_key(place_id))
    if row is None:
        code = data.places.index[data.places["place_id"] == place_id]
        rows = mapdata.window_entry_rows(data, window, int(code[0])) if len(code) else []
        if not rows:
            return None
        row = rows[-1]
    return int(data.entries.iloc[int(row)]["entry_id"])


def show_table(data: mapdata.MapData, rows: Sequence[int]) -> int | None:
    """The table; returns the entry id of a row chosen since the last run (None if none was).

    The chosen entry is also kept under RING_KEY (ringed on the map) until the selection is cleared.
    """
    page = 1
    if len(rows) > entries_table.MAX_TABLE_ROWS:
        pages = entries_table.page_count(len(rows))
        if st.session_state.get(PAGE_KEY, 1) > pages:  # the window shrank under the page read
            st.session_state[PAGE_KEY] = pages
        label, pager = st.columns([4, 1], vertical_alignment="center")
        page = int(pager.number_input("Page", min_value=1, max_value=pages, step=1, key=PAGE_KEY,
                                      help=f"{entries_table.MAX_TABLE_ROWS} entries a page, newest first."))
        first, end = entries_table.page_span(len(rows), page)
        label.caption(f"Entries {first + 1:,}–{end:,} of the window's "
                      f"{len(rows):,}, newest first (page {page:,} of {pages:,}).")
    frame = entries_table.table_frame(data, rows, page)
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


def download_buttons(data: mapdata.MapData, rows: Sequence[int], sources: pd.DataFrame,
                     stem: str = entries_table.FILE_STEM) -> None:
    """CSV, GeoJSON and KML of what is shown, named `stem` (`entries_table.file_stem`: the blogs and
    the window); each file is built only when its button is clicked."""
    def build(fmt: str):
        return lambda: export.render(fmt, entries_table.download_rows(data, rows, sources))

    columns = st.columns(len(export.FORMATS))
    for column, fmt in zip(columns, export.FORMATS, strict=True):
        with column:
            st.download_button(f"Download {fmt.upper() if fmt != 'geojson' else 'GeoJSON'}", data=build(fmt),
                               file_name=f"{stem}.{fmt}", mime=export.MEDIA_TYPES[fmt],
                               key=f"download-{fmt}",
                               on_click="ignore", use_container_width=True)
