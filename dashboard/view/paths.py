"""Movements on the map: the paths an entry tells of ("left X for Y"), as arrows in the time window.

A stored path names its ends by the entry's mentions (offsets and words), so it is laid over the
mentions the map shows: a corrected end moves with its mention, and a path is shown only while both
ends pass the filters and its entry is in the window, as the markers are. Plain data for
`static/places.js`, which draws each path as a line with an arrowhead, its popup built as text.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.corrections import paths_laid_over as laid_over
from dashboard.view import markup as H
from dashboard.view.timeline import Window, in_window, time_label


def window_paths(paths: pd.DataFrame, window: Window) -> pd.DataFrame:
    """The laid-over paths whose entry is in the window."""
    return in_window(paths, window) if not paths.empty else paths


__all__ = ["laid_over", "path_name", "paths_payload", "window_paths"]


def path_name(row: Any) -> str:
    """"Homs → Tartus": a path (a row of `laid_over`) in words, plain text."""
    return f"{row.from_place_name} → {row.to_place_name}"


def paths_payload(paths: pd.DataFrame, entries: pd.DataFrame) -> list[dict]:
    """What `static/places.js` draws: each path's ends, its name, and the entry that tells of it.

    Text stays text (the browser sets it as `textContent`); `tip`, read as HTML by Leaflet, is escaped.
    """
    # Only the headlines of the paths' own entries: a window holds a few paths among thousands of entries.
    telling = entries[entries["entry_id"].isin(paths["entry_id"])] if len(paths) else entries.iloc[:0]
    headlines = dict(zip(telling["entry_id"].astype(int), telling["headline"].fillna("").astype(str), strict=True))
    out = []
    for p in paths.itertuples(index=False):
        name = path_name(p)
        out.append({"from": [round(float(p.from_lat), 5), round(float(p.from_lon), 5)],
                    "to": [round(float(p.to_lat), 5), round(float(p.to_lon), 5)],
                    "name": name, "tip": H.text(name), "words": str(p.words),
                    "time": time_label(pd.Timestamp(p.time_utc)), "headline": headlines.get(int(p.entry_id), "")})
    return out
