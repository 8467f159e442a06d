"""Playback: the stepping rule (dashboard.view.playback) on its own, and the controls in the app (AppTest).

The timer itself (st.fragment(run_every=...)) cannot tick in AppTest; the browser test presses play
and watches the map. Here the "Step" button and `tick` prove the same rule drives the slider.
"""

from __future__ import annotations

import pandas as pd
import pytest
from app_support import run_app
from hypothesis import given
from hypothesis import strategies as st

from dashboard.ui import keys
from dashboard.ui import playback as playback_ui
from dashboard.view import playback as P

T0 = pd.Timestamp("2024-12-13T08:00:00Z")


def times_at(*minutes: float) -> list[pd.Timestamp]:
    return [T0 + pd.Timedelta(minutes=m) for m in minutes]


def test_playback_steps_by_day_over_a_blog_of_months():
    """Entries on three days weeks apart: a day's step goes day to day, skipping the empty weeks."""
    days = [T0, T0 + pd.Timedelta("2h"), T0 + pd.Timedelta("30D"), T0 + pd.Timedelta("61D")]
    step = P.step_delta("1 day")
    assert step == pd.Timedelta(days=1) and P.step_delta("1 week") == pd.Timedelta(days=7)
    moved = P.next_window(days, (0, 1), step, loop=False)
    assert moved.window == (2, 2) and moved.playing
    assert moved.span[1] - moved.span[0] == (days[1] - days[0]).value  # the window keeps its length
    assert P.next_window(days, moved.window, step, loop=False, span=moved.span).window == (3, 3)


# -- one entry at a time ----------------------------------------------------------------------------


def test_an_entry_step_moves_both_ends_one_entry():
    times = times_at(0, 1, 2, 3, 4)
    assert P.next_window(times, (0, 1), None, loop=False) == P.Step((1, 2), True)
    assert P.next_window(times, (2, 2), None, loop=False) == P.Step((3, 3), True)


def test_at_the_end_playback_stops_or_loops_keeping_the_width():
    times = times_at(0, 1, 2, 3, 4)
    assert P.next_window(times, (2, 4), None, loop=False) == P.Step((2, 4), False)
    assert P.next_window(times, (2, 4), None, loop=True) == P.Step((0, 2), True)


# -- a stretch of time at a time ---------------------------------------------------------------------


def test_a_time_step_moves_the_window_by_that_time_snapped_to_entries():
    times = times_at(0, 5, 10, 15, 20, 30, 45)
    step = P.next_window(times, (0, 2), pd.Timedelta(minutes=15), loop=False)
    # 08:00-08:10 becomes 08:15-08:25: the entries at 15 and 20 minutes.
    assert step.window == (3, 4) and step.playing
    assert step.span == (P.as_ns(times)[0] + 15 * 60 * 10**9, P.as_ns(times)[2] + 15 * 60 * 10**9)
    # The kept span, not the snapped entries, decides the next step: 08:30-08:40 holds only 08:30.
    assert P.next_window(times, step.window, pd.Timedelta(minutes=15), False, step.span).window == (5, 5)


def test_a_quiet_stretch_is_skipped_in_whole_steps():
    times = times_at(0, 5, 240, 250)
    step = P.next_window(times, (0, 1), pd.Timedelta(minutes=15), loop=False)
    # 08:00-08:05 moves 16 steps of 15 minutes, to 12:00-12:05, the first window holding 12:00.
    assert step.window == (2, 2)
    assert step.span == (P.as_ns(times)[0] + 240 * 60 * 10**9, P.as_ns(times)[1] + 240 * 60 * 10**9)


def test_a_window_shorter_than_the_step_lands_on_the_next_entry():
    times = times_at(0, 1, 61, 62)
    step = P.next_window(times, (0, 0), pd.Timedelta(hours=2), loop=False)
    assert step.window == (1, 1)


def test_a_time_step_at_the_end_stops_or_loops():
    times = times_at(0, 10, 20, 30)
    assert P.next_window(times, (2, 3), pd.Timedelta(minutes=15), loop=False).playing is False
    looped = P.next_window(times, (2, 3), pd.Timedelta(minutes=15), loop=True)
    assert looped.playing and looped.window == (0, 1)


def test_a_stale_span_is_replaced_by_the_window_the_slider_shows():
    times = times_at(0, 10, 20, 30, 40)
    stale = (P.as_ns(times)[3], P.as_ns(times)[4])  # the reader dragged the slider back meanwhile
    assert P.next_window(times, (0, 0), pd.Timedelta(minutes=10), False, stale).window == (1, 1)


@given(st.lists(st.integers(0, 10_000), min_size=2, max_size=40, unique=True),
       st.sampled_from([*P.STEPS.values()]), st.booleans(), st.data())
def test_every_step_moves_forward_or_ends(minutes, delta, loop, draw):
    times = times_at(*sorted(minutes))
    first = draw.draw(st.integers(0, len(times) - 1))
    last = draw.draw(st.integers(first, len(times) - 1))
    step = P.next_window(times, (first, last), delta, loop)
    new_first, new_last = step.window
    assert 0 <= new_first <= new_last < len(times)
    if last < len(times) - 1:
        assert step.playing and new_last > last and new_first >= first
    elif loop:
        assert step.playing and new_first == 0
    else:
        assert not step.playing and step.window == (first, last)


def test_bad_windows_and_names_are_clear_errors():
    times = times_at(0, 1)
    with pytest.raises(ValueError, match="not inside"):
        P.next_window(times, (1, 2), None, False)
    with pytest.raises(ValueError, match="no entry times"):
        P.next_window([], (0, 0), None, False)
    with pytest.raises(ValueError, match="forward"):
        P.next_window(times, (0, 0), pd.Timedelta(0), False)
    with pytest.raises(ValueError, match="unknown speed"):
        P.period_seconds("warp")
    with pytest.raises(ValueError, match="unknown step"):
        P.step_delta("fortnight")


def test_play_starts_from_a_window_that_can_move():
    assert P.start_window(100, (0, 99)) == (0, 9)   # the whole span: the first tenth
    assert P.start_window(100, (60, 99)) == (0, 39)  # at the end: start over, same width
    assert P.start_window(100, (5, 20)) == (5, 20)   # elsewhere: from where it is
    assert P.start_window(3, (0, 2)) == (0, 0)


# -- the controls' state ----------------------------------------------------------------------------


def test_toggle_and_tick_drive_the_window_until_the_end():
    ns = P.as_ns(times_at(0, 1, 2, 3))
    state: dict = {"w": (1, 2)}
    playback_ui.defaults(state)
    playback_ui.toggle(state, "w", ns)
    assert state[keys.PLAYING] and state["w"] == (1, 2)
    state[keys.FULL_RUN] = True
    assert not playback_ui.tick(state, "w", ns) and state["w"] == (1, 2)  # the full run only arms the timer
    assert playback_ui.tick(state, "w", ns) and state["w"] == (2, 3)
    assert playback_ui.tick(state, "w", ns) and state["w"] == (2, 3) and not state[keys.PLAYING]  # stopped at the end
    assert not playback_ui.tick(state, "w", ns)  # paused: nothing moves
    state[keys.LOOP_KEY] = True
    playback_ui.toggle(state, "w", ns)
    assert state["w"] == (0, 1) and state[keys.PLAYING]
    playback_ui.toggle(state, "w", ns)
    assert not state[keys.PLAYING]


# -- in the app -------------------------------------------------------------------------------------


def test_the_controls_move_the_slider(small_blog_db, monkeypatch):
    at = run_app(small_blog_db, monkeypatch)
    assert not at.exception
    slider = at.select_slider[0]
    assert slider.value == (0, 3)
    assert at.button(key="playback-toggle").label == "Play"
    assert at.selectbox(key=keys.STEP_KEY).value == P.DEFAULT_STEP

    # Step from the whole span: it starts over (the first tenth, at least one entry), then moves on.
    at.button(key="playback-once").click().run()
    assert at.select_slider[0].value == (0, 0)
    at.button(key="playback-once").click().run()
    assert at.select_slider[0].value == (1, 1)
    assert sorted(at.selectbox(key="place").options) == ["Damascus · 1 entry", "Homs · 1 entry"]

    # An hour a step: the entries are an hour apart.
    at.select_slider[0].set_range(0, 1).run()
    at.selectbox(key=keys.STEP_KEY).select("1 hour").run()
    at.button(key="playback-once").click().run()
    assert at.select_slider[0].value == (1, 2)

    # Play arms the timer and turns the button into Pause; pause stops it.
    at.button(key="playback-toggle").click().run()
    assert not at.exception
    assert at.session_state[keys.PLAYING] and at.button(key="playback-toggle").label == "Pause"
    assert at.select_slider[0].value == (1, 2)  # the full rerun did not step by itself
    at.button(key="playback-toggle").click().run()
    assert not at.session_state[keys.PLAYING] and at.button(key="playback-toggle").label == "Play"
