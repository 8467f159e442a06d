"""The timeline: the entries' times, the window chosen on them, and the rows inside a window.

Times are UTC `pd.Timestamp`s. A window is inclusive at both ends, so a window from one entry's
time to the same time holds exactly the entries of that moment.
"""

from __future__ import annotations

from calendar import month_abbr
from collections.abc import Sequence
from datetime import UTC, date, datetime

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


# A slider that moves by time has a stop every round stretch of time, entries or not, so that its
# length reads as time: a quiet night and a busy hour take their own lengths.
MAX_TIME_STOPS = 500
_TIME_GRAINS = ("1min", "5min", "15min", "30min", "1h", "3h", "6h", "12h", "1D", "7D")


def time_stops(times: Sequence[pd.Timestamp], max_stops: int = MAX_TIME_STOPS
               ) -> tuple[list[pd.Timestamp], pd.Timedelta]:
    """Stops at every round stretch of time from the first entry's to the last's (the shortest
    stretch that gives at most `max_stops`; weeks at most), and that stretch."""
    if not len(times):
        return [], pd.Timedelta(0)
    first, last = pd.Timestamp(times[0]), pd.Timestamp(times[-1])
    for grain in _TIME_GRAINS:
        start = first.floor(grain) if grain != "7D" else first.floor("D")
        stops = pd.date_range(start, last, freq=grain)
        if len(stops) <= max_stops:
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


# Every time the app shows is UTC on a 24-hour clock, the zone named once beside it ("… UTC").
ZONE = "UTC"


def needs_year(first: pd.Timestamp, last: pd.Timestamp, today: date | None = None) -> bool:
    """Whether labels over first..last carry the year: when the span crosses one, or is not this year."""
    this_year = (today or datetime.now(UTC).date()).year
    return first.year != last.year or first.year != this_year


def time_label(moment: pd.Timestamp, with_date: bool = True, with_year: bool = False) -> str:
    """A short UTC label on a 24-hour clock: "13 Dec 14:05", "13 Dec 2024 14:05" or "14:05"; seconds
    shown only when there are some."""
    if pd.isna(moment):
        return "no time"
    clock = moment.strftime("%H:%M:%S" if moment.second else "%H:%M")
    if not with_date:
        return clock
    return f"{moment.day} {moment.strftime('%b')}{moment.strftime(' %Y') if with_year else ''} {clock}"


# Month names as strftime's %b gives them, read once: calendar.month_abbr formats a date at each look-up.
_MONTHS = tuple(month_abbr)


def time_labels_of(times: Sequence[pd.Timestamp] | pd.Series | pd.DatetimeIndex, with_date: bool = True,
                   with_year: bool = False) -> list[str]:
    """`time_label` of each of `times`, worked out a column at a time: a window's popups label
    thousands of entries at every slider step, where one Timestamp at a time took most of the step."""
    index = pd.DatetimeIndex(times)
    missing = index.isna().tolist()
    fields = [np.nan_to_num(np.asarray(f, dtype=float)).astype(np.int64).tolist()
              for f in (index.day, index.month, index.year, index.hour, index.minute, index.second)]
    labels = []
    for gone, day, month, year, hour, minute, second in zip(missing, *fields, strict=True):
        if gone:
            labels.append("no time")
            continue
        clock = f"{hour:02d}:{minute:02d}:{second:02d}" if second else f"{hour:02d}:{minute:02d}"
        labels.append(f"{day} {_MONTHS[month]}{f' {year}' if with_year else ''} {clock}"
                      if with_date else clock)
    return labels


def label_style(times: Sequence[pd.Timestamp], today: date | None = None) -> dict[str, bool]:
    """How the times of a span are labelled: with the day when it crosses midnight, with the year
    when `needs_year`. The slider, the caption and the histogram all label by it."""
    if not len(times):
        return {"with_date": True, "with_year": False}
    first, last = pd.Timestamp(times[0]), pd.Timestamp(times[-1])
    year = needs_year(first, last, today)
    return {"with_date": year or first.normalize() != last.normalize(), "with_year": year}


def time_labels(times: Sequence[pd.Timestamp], today: date | None = None) -> list[str]:
    """Labels for the slider's stops (`label_style`)."""
    return time_labels_of(times, **label_style(times, today))


def grain_words(grain: pd.Timedelta) -> str:
    """A stop's length in words: "15 minutes", "1 hour", "1 day", "1 week"."""
    for unit, size in (("week", pd.Timedelta("7D")), ("day", pd.Timedelta("1D")), ("hour", pd.Timedelta("1h")),
                       ("minute", pd.Timedelta("1min"))):
        if grain >= size and grain % size == pd.Timedelta(0):
            n = grain // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return str(grain)


def window_words(stops: Sequence[pd.Timestamp], first: int, last: int, grain: pd.Timedelta,
                 cumulative: bool = False, today: date | None = None) -> str:
    """The window as the caption says it, with the same labels as the slider's ends: "between A and B
    UTC", "up to B UTC" (cumulative); with stops of a stretch of time, that the last one counts whole."""
    style = label_style(stops, today)
    end = time_label(stops[last], **style)
    words = f"up to {end} {ZONE}" if cumulative else f"between {time_label(stops[first], **style)} and {end} {ZONE}"
    if grain:
        words += f" (stops of {grain_words(grain)}, the last one whole)"
    return words


def moment_ns(moment: pd.Timestamp) -> np.int64:
    """A moment as int64 nanoseconds UTC, the unit of the sorted time arrays."""
    return np.int64(pd.Timestamp(moment).tz_convert("UTC").value)


def span_bounds(sorted_ns: np.ndarray, start_ns: int, end_ns: int) -> tuple[int, int]:
    """Row positions [lo, hi) of the times (int64 ns, sorted) from start_ns to end_ns, both included,
    by binary search: the one way a time window becomes rows."""
    lo = int(np.searchsorted(sorted_ns, start_ns, side="left"))
    hi = int(np.searchsorted(sorted_ns, end_ns, side="right"))
    return lo, max(lo, hi)


def bounds_in_groups(keys: np.ndarray, groups: np.ndarray, size: int, lo: int, hi: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """For rows grouped and numbered `group * size + row` in sorted `keys` (each group's rows in order),
    where the rows [lo, hi) of each of `groups` start and end in `keys`, by binary search: a window's
    rows (`window_bounds`) within each group at once."""
    firsts = groups.astype(np.int64) * size
    return np.searchsorted(keys, firsts + lo), np.searchsorted(keys, firsts + hi)


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
