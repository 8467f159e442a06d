"""Playback: the time window moving forward by itself, one step at a time.

The window is a pair of positions (first, last) in the sorted entry times, the slider's own value.
A step moves it forward either by one entry or by a stretch of time (15 minutes, an hour...); the
window keeps its width. At the end it loops back to the start or stops. Everything here is plain
functions on positions and times, so the app only wires widgets and a timer to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.view.timeline import span_bounds

# What one step moves the window by: "entry" (the next entry), or a stretch of time.
STEPS: dict[str, pd.Timedelta | None] = {
    "1 entry": None,
    "5 minutes": pd.Timedelta(minutes=5),
    "15 minutes": pd.Timedelta(minutes=15),
    "1 hour": pd.Timedelta(hours=1),
    "6 hours": pd.Timedelta(hours=6),
    "1 day": pd.Timedelta(days=1),
    "1 week": pd.Timedelta(days=7),
}


# Seconds between two steps, by the speed's name.
SPEEDS: dict[str, float] = {"slow": 2.0, "normal": 1.0, "fast": 0.5}


DEFAULT_STEP = "1 entry"


DEFAULT_SPEED = "normal"


# A window over every entry has nowhere to move: playback then starts over this share of the entries.
START_SHARE = 0.1


Positions = tuple[int, int]


# A window as times: (start, end), int64 nanoseconds UTC, both ends included.
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Step:
    """Where one step leads: the new window (positions), whether playback goes on after it, and the
    window as times when stepping by a stretch of time (kept between steps, since snapping to
    entries would otherwise wear the window's length away across quiet stretches)."""

    window: Positions
    playing: bool
    span: Span | None = None


def as_ns(times: Sequence[pd.Timestamp] | np.ndarray) -> np.ndarray:
    """Sorted entry times as int64 nanoseconds UTC."""
    if isinstance(times, np.ndarray) and times.dtype == np.int64:
        return times
    return pd.DatetimeIndex(times).as_unit("ns").asi8


def _check(n: int, window: Positions) -> Positions:
    first, last = (int(w) for w in window)
    if n <= 0:
        raise ValueError("no entry times to play through")
    if not 0 <= first <= last < n:
        raise ValueError(f"window {window} is not inside 0..{n - 1}")
    return first, last


def start_window(n: int, window: Positions) -> Positions:
    """The window playback starts from when play is pressed.

    A window that already ends at the last entry starts over from the first one with the same
    width; a window over every entry (the slider's default) becomes the first tenth of the entries.
    """
    first, last = _check(n, window)
    if last < n - 1:
        return first, last
    width = last - first
    if first == 0:
        width = max(0, int(n * START_SHARE) - 1)
    return 0, min(width, n - 1)


def snap(ns: np.ndarray, span: Span) -> Positions | None:
    """The positions of the first and last entries inside a time span, or None if it holds none."""
    lo, hi = span_bounds(ns, span[0], span[1])
    return (lo, hi - 1) if lo < hi else None


def next_window(times: Sequence[pd.Timestamp] | np.ndarray, window: Positions, step: pd.Timedelta | None,
                loop: bool, span: Span | None = None) -> Step:
    """The window one step after `window` over the sorted, distinct entry `times`.

    `step` None moves both ends one entry on. A Timedelta moves the window's times on by it (the
    `span` of the previous step, when it still matches `window`; else the window's own times),
    skipping ahead whole steps over a stretch with no entry, so that playback never stalls. At the
    end, `loop` goes back to a window of the same width at the start; otherwise the window stays
    where it is and playback stops.
    """
    ns = as_ns(times)
    n = len(ns)
    first, last = _check(n, window)
    if step is None:
        if last >= n - 1:
            return Step((0, min(last - first, n - 1)), True) if loop else Step((first, last), False)
        return Step((first + 1, last + 1), True)

    delta = int(step.value)
    if delta <= 0:
        raise ValueError("a playback step must move forward")
    if span is None or snap(ns, span) != (first, last):
        span = (int(ns[first]), int(ns[last]))
    start, end = span
    after = span_bounds(ns, end, end)[1]  # the first entry past the window
    if after >= n:
        if not loop:
            return Step((first, last), False, span)
        looped = (int(ns[0]), int(ns[0]) + end - start)
        return Step(snap(ns, looped) or (0, 0), True, looped)
    # Whole steps until the window's end reaches the next entry (one step when it is near).
    k = max(1, -(-(int(ns[after]) - end) // delta))
    moved = (start + k * delta, end + k * delta)
    positions = snap(ns, moved)
    if positions is None:  # the window is shorter than the step and hopped over the entry: land on it
        moved = (int(ns[after]) - (end - start), int(ns[after]))
        positions = snap(ns, moved)
    assert positions is not None
    return Step(positions, True, moved)


def period_seconds(speed: str) -> float:
    """Seconds between steps for a speed's name."""
    try:
        return SPEEDS[speed]
    except KeyError:
        raise ValueError(f"unknown speed {speed!r}: one of {', '.join(SPEEDS)}") from None


def step_delta(name: str) -> pd.Timedelta | None:
    """The step's stretch of time (None: one entry) for a step's name."""
    try:
        return STEPS[name]
    except KeyError:
        raise ValueError(f"unknown step {name!r}: one of {', '.join(STEPS)}") from None


# --------------------------------------------------------------------------------------------------
# The controls' state. The app keeps it in st.session_state; these take any mutable mapping, so the
# button callbacks and the timer's tick are plain functions (tested with a dict).
# --------------------------------------------------------------------------------------------------
