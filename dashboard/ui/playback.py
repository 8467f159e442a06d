"""Playback's controls: their state, the timer's tick, and the widgets under the map.

The app keeps the state in st.session_state; the state functions take any mutable mapping, so the
button callbacks and the timer's tick are plain functions (tested with a dict). The window's
arithmetic is `dashboard.view.playback`.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import numpy as np
import pyarrow as pa
import streamlit as st

from dashboard.ui.keys import (
    CLOCK_KEY,
    CUMULATIVE_KEY,
    FULL_RUN,
    LOOP_KEY,
    PLAYING,
    SLIDER_MODE_KEY,
    SPAN_KEY,
    SPEED_KEY,
    STEP_KEY,
)
from dashboard.ui.viewstate import BY_ENTRY, BY_TIME
from dashboard.view.clock import CLOCKS, HAPPENED, REPORTED
from dashboard.view.playback import (
    DEFAULT_SPEED,
    DEFAULT_STEP,
    SPEEDS,
    STEPS,
    next_window,
    period_seconds,
    start_window,
    step_delta,
)


def defaults(state: MutableMapping[str, Any]) -> None:
    """Give the controls their starting values (paused, one entry at a time, normal speed, no loop)."""
    state.setdefault(PLAYING, False)
    state.setdefault(STEP_KEY, DEFAULT_STEP)
    state.setdefault(SPEED_KEY, DEFAULT_SPEED)
    state.setdefault(LOOP_KEY, False)


def advance(state: MutableMapping[str, Any], window_key: str, ns: np.ndarray) -> bool:
    """Move the window in `state[window_key]` one step, as the step and loop controls say.

    Returns whether playback goes on; stops it (and says False) at the end without a loop.
    """
    step = next_window(ns, tuple(state[window_key]), step_delta(state.get(STEP_KEY, DEFAULT_STEP)),
                       bool(state.get(LOOP_KEY, False)), state.get(SPAN_KEY))
    state[window_key] = step.window
    state[SPAN_KEY] = step.span
    if not step.playing:
        state[PLAYING] = False
    return step.playing


def toggle(state: MutableMapping[str, Any], window_key: str, ns: np.ndarray) -> None:
    """Play or pause. Play starts from `start_window` (a window at the end starts over)."""
    if state.get(PLAYING):
        state[PLAYING] = False
        return
    state[window_key] = start_window(len(ns), tuple(state[window_key]))
    state[SPAN_KEY] = None
    state[PLAYING] = True


def step_once(state: MutableMapping[str, Any], window_key: str, ns: np.ndarray) -> None:
    """The "Step" button: pause and move one step; a window at the end starts over (`start_window`)."""
    state[PLAYING] = False
    window = tuple(state[window_key])
    if window[1] >= len(ns) - 1:
        state[window_key] = start_window(len(ns), window)
        state[SPAN_KEY] = None
    else:
        advance(state, window_key, ns)


def tick(state: MutableMapping[str, Any], window_key: str, ns: np.ndarray) -> bool:
    """The timer: one step while playing. Returns whether it stepped (or stopped at the end): the
    app then reruns to show it.

    The full script calls the timer fragment once as it draws the page, with FULL_RUN set: that
    call only arms the timer, so a rerun never steps by itself.
    """
    if state.pop(FULL_RUN, False) or not state.get(PLAYING):
        return False
    advance(state, window_key, ns)
    return True



# --------------------------------------------------------------------------------------------------
# Widgets.
# --------------------------------------------------------------------------------------------------


def timeline_choice(state: MutableMapping[str, Any]) -> tuple[bool, bool]:
    """Whether the slider moves by time (else by entry), and whether the map is cumulative: read before
    the slider is drawn, from the state of the controls drawn under the map (`timeline_controls`)."""
    return state.get(SLIDER_MODE_KEY, BY_ENTRY) == BY_TIME, bool(state.get(CUMULATIVE_KEY, False))


def clock_choice(state: MutableMapping[str, Any]) -> bool:
    """Whether the timeline follows when events happened (else when they were reported): read before
    the slider is drawn, from the switch drawn under the map (`timeline_controls`)."""
    return state.get(CLOCK_KEY, REPORTED) == HAPPENED


def timeline_controls() -> tuple[bool, bool]:
    """Under the histogram: whether the slider moves by time (else by entry), and whether the map is
    cumulative. (Drawn there, not above the slider: right under the blog picker they closed its
    open list in Chromium, one time in two.)"""
    mode_column, clock_column, cumulative_column = st.columns([3, 3, 2], vertical_alignment="center")
    mode = mode_column.radio(
        "The slider moves", options=[BY_ENTRY, BY_TIME], key=SLIDER_MODE_KEY, horizontal=True,
        help="By entry: one stop per entry, so a quiet night and a busy hour take the same length. "
             "By time: a stop every round stretch of time, so its length reads as time.")
    clock_column.radio(
        "The map's clock", options=list(CLOCKS), key=CLOCK_KEY, horizontal=True,
        help="Reported: places at the time of the entry that names them. Happened: at the time the text "
             "says the event happened (\"on Sunday morning\", \"two days ago\"); a marker whose entry came "
             "later says when it was reported.")
    cumulative = cumulative_column.toggle("Cumulative", key=CUMULATIVE_KEY,
                                          help="Show everything from the first entry up to the window's end.")
    return mode == BY_TIME, bool(cumulative)


def playback_timer(window_key: str, ns: np.ndarray) -> None:
    """Run as a fragment every period while playing: one step, then the whole page follows it (the
    map only swaps its layer, so it keeps its zoom and centre)."""
    if tick(st.session_state, window_key, ns):
        st.rerun()


def arrow_datasets(spec: dict) -> dict:
    """The spec with its named datasets (rows as dicts: the window's band) as Arrow tables, which Streamlit
    ships as they are: from rows it builds a pandas frame first, a twentieth of a slider step for one row."""
    datasets = {name: pa.Table.from_pylist(rows) if isinstance(rows, list) else rows
                for name, rows in spec.get("datasets", {}).items()}
    return {**spec, "datasets": datasets} if datasets else spec


def show_histogram(chart: dict) -> None:
    """The histogram with the window shaded (`chart`, its Vega-Lite spec: `histogram.chart`): drawn by the
    window's fragment, as the band moves with every step."""
    st.vega_lite_chart(arrow_datasets(chart), width="stretch")


def show_playback(window_key: str, ns: np.ndarray) -> None:
    """Under the histogram: a row of play / pause / step controls, the timeline's switches, and the timer.

    Drawn by the full run, outside the window's fragment: none of them changes with the window, and
    sent again at every slider step they were most of the step's elements. A click on them reruns the
    whole page (the window they move, the label of Play / Pause)."""
    defaults(st.session_state)
    playing = bool(st.session_state[PLAYING])
    toggle_column, step_column, kind, speed, loop = st.columns([1.1, 1.1, 2, 2.2, 1], vertical_alignment="center")
    toggle_column.button("Pause" if playing else "Play", key="playback-toggle",
                         type="primary" if playing else "secondary", on_click=toggle,
                         args=(st.session_state, window_key, ns),
                         help="Move the window forward step by step; a window at the end starts over.")
    step_column.button("Step", key="playback-once", on_click=step_once, args=(st.session_state, window_key, ns),
                       help="One step forward (pauses playback).")
    kind.selectbox("Each step moves", options=list(STEPS), key=STEP_KEY,
                   label_visibility="collapsed", format_func=lambda s: f"step: {s}")
    speed.selectbox("Speed", options=list(SPEEDS), key=SPEED_KEY, label_visibility="collapsed",
                    format_func=lambda s: f"{s}: {SPEEDS[s]:g} s a step")
    loop.checkbox("Loop", key=LOOP_KEY, help="Start over at the end instead of stopping.")
    timeline_controls()
    # Called on every full run, playing or not, so the page keeps its shape: an element appearing before
    # the map would remount it and lose the reader's view. This call only arms the timer; it never steps.
    st.session_state[FULL_RUN] = True
    period = period_seconds(st.session_state[SPEED_KEY]) if playing else None
    st.fragment(playback_timer, run_every=period)(window_key, ns)
