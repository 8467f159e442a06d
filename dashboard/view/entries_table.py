"""The entries table under the map, as data: its pages and rows, where an entry is shown, what
is downloaded.

The table lists the window's entries (after the filters): time, headline, places, source. The
downloads (CSV, GeoJSON, KML) hold the same (entry, place) pairs the map shows, built by
dashboard.export like `python -m dashboard export`. The widgets are in `dashboard.ui.table`.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import pandas as pd

from dashboard import export
from dashboard.view import compact, mapdata, panel
from dashboard.view.timeline import ZONE, Window, label_style, time_labels_of

FILE_STEM = "liveblog-places"


def blogs_stem(blog_names: Sequence[str]) -> str:
    """The blogs part of a download's name: "harbour-towns", "a_and_2_more"; letters, digits, '-' and
    '_' only, so that any system takes it."""
    def slug(text: str) -> str:
        return re.sub(r"[^\w]+", "-", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
                      ).strip("-_").lower()[:40] or FILE_STEM

    names = [slug(n) for n in blog_names] or [FILE_STEM]
    return names[0] if len(names) == 1 else f"{names[0]}_and_{len(names) - 1}_more"


def file_stem(blog_names: Sequence[str], window: Window) -> str:
    """A download's name, after the blogs and the window shown: "harbour-towns_2024-12-13T0800-1130",
    "a_and_2_more_2024-12-13-2025-01-02"."""
    blogs = blogs_stem(blog_names)
    start, end = (pd.Timestamp(t).tz_convert("UTC") for t in window)
    if start.normalize() == end.normalize():
        span = f"{start:%Y-%m-%dT%H%M}-{end:%H%M}"
    else:
        span = f"{start:%Y-%m-%dT%H%M}-{end:%Y-%m-%dT%H%M}"
    return f"{blogs}_{span}"


# The table lists the window's entries a page of this many at a time, newest first: a window of
# 100,000 entries would otherwise rebuild and ship a 100,000-row table at every step of the slider.
MAX_TABLE_ROWS = 500


def page_count(rows: int) -> int:
    """How many pages of MAX_TABLE_ROWS the table has for `rows` entries (at least one)."""
    return max(1, -(-rows // MAX_TABLE_ROWS))


def page_span(rows: int, page: int) -> tuple[int, int]:
    """[first, end) of page `page` (from 1; a page past either end is the nearest page) among `rows`
    entries listed newest first."""
    first = (min(max(1, page), page_count(rows)) - 1) * MAX_TABLE_ROWS
    return first, min(first + MAX_TABLE_ROWS, rows)


@mapdata.once_per_data_set
def _time_style(data: mapdata.MapData) -> dict:
    """How the table labels times: as the slider labels the whole span (with the year when it needs
    one), always with the day. Worked out once per MapData."""
    span = data.entries["time_utc"].dropna()
    return {**label_style([span.min(), span.max()] if len(span) else []), "with_date": True}


def time_texts(data: mapdata.MapData, rows: Sequence[int]) -> list[str]:
    """The times of rows of `data.entries` as the table shows them. Only the rows of a page are labelled:
    labelling every entry once per MapData took half a minute and 200 MB at a million entries."""
    style = _time_style(data)
    return [f"{label} {ZONE}" for label in time_labels_of(data.entries["time_utc"].iloc[list(rows)], **style)]


def places_texts(data: mapdata.MapData, rows: Sequence[int]) -> list[str]:
    """The places each of these rows of `data.entries` names, in text order, as the table shows them."""
    ids = [int(i) for i in data.entries["entry_id"].to_numpy()[list(rows)]]
    named = panel.places_named(ids, data.mentions)
    return [", ".join(named.get(i, [])) for i in ids]


# The table's pages last made for a data set, by the rows they list: a slider step that leaves the page as
# it was (the start handle moved while the newest entries stay, a marker clicked, a place chosen) takes it
# as it is. Labelling a page's times and places took ~10 ms of every step.
TABLE_PAGES_KEPT = 8


@mapdata.once_per_data_set
def _made_pages(data: mapdata.MapData) -> tuple[threading.Lock, OrderedDict[bytes, pd.DataFrame]]:
    return threading.Lock(), OrderedDict()


def table_frame(data: mapdata.MapData, rows: Sequence[int], page: int = 1) -> pd.DataFrame:
    """The table for rows of `data.entries`, newest first, page `page` (`page_span`): entry_id, time,
    headline, places, source. Shared by the steps and sessions that list the same rows: not to be changed."""
    first, end = page_span(len(rows), page)
    shown = np.asarray(rows, dtype=np.int64)[::-1][first:end]
    key = shown.tobytes()
    lock, made = _made_pages(data)
    with lock:
        frame = made.get(key)
        if frame is not None:
            made.move_to_end(key)
            return frame
    frame = _page_frame(data, shown.tolist())
    with lock:
        made[key] = frame
        while len(made) > TABLE_PAGES_KEPT:
            made.popitem(last=False)
    return frame


def _page_frame(data: mapdata.MapData, shown: list[int]) -> pd.DataFrame:
    chosen = data.entries[["entry_id", "headline", "source"]].iloc[shown]  # not the bodies: a page at each step
    return pd.DataFrame({
        "entry_id": chosen["entry_id"].astype(int).to_numpy(),
        "time": time_texts(data, shown),
        "headline": chosen["headline"].fillna("").astype(str).to_numpy(),
        "places": places_texts(data, shown),
        "source": chosen["source"].astype(str).to_numpy(),
    })


def entry_place(data: mapdata.MapData, entry_id: int, window: Window) -> tuple[str, int] | None:
    """Where the panel shows an entry: (place_id, row of data.entries), the place being the first
    point (else area) the entry names in text order; None when the entry is not in the window."""
    rows = data.entries.index[data.entries["entry_id"] == int(entry_id)]
    if not len(rows) or int(rows[0]) not in mapdata.window_entry_rows(data, window):
        return None
    mentions = data.mentions[data.mentions["entry_id"] == int(entry_id)].sort_values(["is_area", "start"])
    if mentions.empty:
        return None
    return str(mentions.iloc[0]["place_id"]), int(rows[0])


def download_rows(data: mapdata.MapData, rows: Sequence[int], sources: pd.DataFrame) -> list[dict]:
    """The export rows of what is shown: the entries at `rows` and their (filtered, corrected) places."""
    entries = compact.with_text(data, data.entries.iloc[np.asarray(rows, dtype=np.int64)])
    mentions = compact.mentions_of(data, entries["entry_id"].astype(int).tolist())
    return export.rows_from_frames(entries, mentions, sources)


# --------------------------------------------------------------------------------------------------
# Widgets.
# --------------------------------------------------------------------------------------------------
