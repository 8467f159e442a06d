"""The timeline: the entries' times, the window chosen on them, and the rows inside a window.

Times are UTC `pd.Timestamp`s. A window is inclusive at both ends, so a window from one entry's
time to the same time holds exactly the entries of that moment.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

Window = tuple[pd.Timestamp, pd.Timestamp]


def entry_times(entries: pd.DataFrame, column: str = "time_utc") -> list[pd.Timestamp]:
    """The sorted distinct times of the entries (entries without a time are left out)."""
    times = pd.DatetimeIndex(entries[column].dropna().unique()).sort_values()
    return list(times)


# A slider with one stop per entry stays quick up to a few thousand stops; a store of 100,000
# entries would give the browser 100,000 (1.7 s a step, measured). Past this many, stops are the
# starts of minutes, then of 5 or 15 minutes, hours..., and a window runs to the end of its last one.
MAX_STOPS = 2_000
_GRAINS = ("1min", "5min", "15min", "1h", "6h", "1D")


def slider_stops(times: Sequence[pd.Timestamp]) -> tuple[list[pd.Timestamp], pd.Timedelta]:
    """The slider's stops over the sorted entry `times`, and their grain (zero: one stop an entry)."""
    if len(times) <= MAX_STOPS:
        return list(times), pd.Timedelta(0)
    index = pd.DatetimeIndex(times)
    for grain in _GRAINS:
        stops = index.floor(grain).unique()
        if len(stops) <= MAX_STOPS:
            break
    return list(stops), pd.Timedelta(grain)


def window_between(stops: Sequence[pd.Timestamp], first: int, last: int, grain: pd.Timedelta) -> Window:
    """The window from stop `first` to the end of stop `last` (inclusive, as every window is)."""
    end = stops[last] + grain - pd.Timedelta(1, "ns") if grain else stops[last]
    return stops[first], end


def full_window(times: Sequence[pd.Timestamp]) -> Window:
    """The window over the whole span: the default."""
    if not len(times):
        raise ValueError("no entry has a time")
    return times[0], times[-1]


def time_label(moment: pd.Timestamp, with_date: bool = True) -> str:
    """A short UTC label: "13 Dec 14:05" (or "14:05"), seconds shown only when there are some."""
    if pd.isna(moment):
        return "no time"
    clock = moment.strftime("%H:%M:%S" if moment.second else "%H:%M")
    return f"{moment.day} {moment.strftime('%b')} {clock}" if with_date else clock


def time_labels(times: Sequence[pd.Timestamp]) -> list[str]:
    """Labels for the slider's stops: with the day when the span crosses midnight."""
    spans_days = len(times) > 0 and times[0].normalize() != times[-1].normalize()
    return [time_label(t, with_date=spans_days) for t in times]


def moment_ns(moment: pd.Timestamp) -> np.int64:
    """A moment as int64 nanoseconds UTC, the unit of the sorted time arrays."""
    return np.int64(pd.Timestamp(moment).tz_convert("UTC").value)


def span_bounds(sorted_ns: np.ndarray, start_ns: int, end_ns: int) -> tuple[int, int]:
    """Row positions [lo, hi) of the times (int64 ns, sorted) from start_ns to end_ns, both included,
    by binary search: the one way a time window becomes rows."""
    lo = int(np.searchsorted(sorted_ns, start_ns, side="left"))
    hi = int(np.searchsorted(sorted_ns, end_ns, side="right"))
    return lo, max(lo, hi)


def window_bounds(sorted_ns: np.ndarray, window: Window) -> tuple[int, int]:
    """Row positions [lo, hi) of the times (int64 ns, sorted) inside the window."""
    return span_bounds(sorted_ns, moment_ns(window[0]), moment_ns(window[1]))


def in_window(frame: pd.DataFrame, window: Window, column: str = "time_utc") -> pd.DataFrame:
    """The rows of `frame` (sorted by `column`) whose time is inside the window."""
    times = frame[column]
    if len(times) and not times.is_monotonic_increasing:
        raise ValueError(f"rows must be sorted by {column}")
    ns = times.to_numpy(dtype="datetime64[ns]").view("int64")
    lo, hi = window_bounds(ns, window)
    return frame.iloc[lo:hi]
