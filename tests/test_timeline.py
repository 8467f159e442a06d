"""The timeline: the slider's stops, their labels, and which rows a window holds."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.view import timeline


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def frame(times: list[str | None]) -> pd.DataFrame:
    values = pd.Series([ts(t) if t else pd.NaT for t in times], dtype="datetime64[ns, UTC]")
    return pd.DataFrame({"time_utc": values, "n": range(len(times))})


def test_entry_times_are_sorted_distinct_and_skip_missing():
    times = timeline.entry_times(frame(["2024-12-13 10:00", None, "2024-12-13 08:00", "2024-12-13 10:00"]))
    assert times == [ts("2024-12-13 08:00"), ts("2024-12-13 10:00")]


def test_full_window_spans_everything_and_needs_a_time():
    times = [ts("2024-12-13 08:00"), ts("2024-12-13 09:00"), ts("2024-12-14 01:00")]
    assert timeline.full_window(times) == (times[0], times[-1])
    with pytest.raises(ValueError):
        timeline.full_window([])


def test_time_labels():
    assert timeline.time_label(ts("2024-12-03 09:05")) == "3 Dec 09:05"
    assert timeline.time_label(ts("2024-12-03 00:30:15"), with_date=False) == "00:30:15"
    assert timeline.time_label(pd.NaT) == "no time"
    assert timeline.time_label(ts("2024-12-03 21:05"), with_year=True) == "3 Dec 2024 21:05"  # 24 hours
    this_year = date(2024, 12, 20)
    one_day = [ts("2024-12-13 08:00"), ts("2024-12-13 09:30")]
    assert timeline.time_labels(one_day, today=this_year) == ["08:00", "09:30"]
    two_days = [ts("2024-12-13 23:00"), ts("2024-12-14 01:00")]
    assert timeline.time_labels(two_days, today=this_year) == ["13 Dec 23:00", "14 Dec 01:00"]


def test_times_labelled_a_column_at_a_time_read_as_one_at_a_time():
    rng = np.random.default_rng(7)
    seconds = rng.integers(0, 3 * 365 * 86400, 300) * np.where(rng.random(300) < 0.5, 60, 1)  # half on the minute
    times = pd.Series(pd.to_datetime(1_700_000_000 + seconds, unit="s", utc=True))
    times.iloc[[3, 50]] = pd.NaT
    for style in ({}, {"with_date": False}, {"with_year": True}):
        assert timeline.time_labels_of(times, **style) == [timeline.time_label(t, **style) for t in times]
    assert timeline.time_labels_of(times.iloc[:0]) == []


def test_labels_carry_the_year_across_years_or_in_another_year():
    three_years = [ts("2023-03-04 11:18"), ts("2024-06-01 09:00"), ts("2025-12-13 15:30")]
    assert timeline.time_labels(three_years, today=date(2025, 12, 20)) == [
        "4 Mar 2023 11:18", "1 Jun 2024 09:00", "13 Dec 2025 15:30"]
    last_year = [ts("2024-12-13 08:00"), ts("2024-12-13 09:30")]
    assert timeline.time_labels(last_year, today=date(2025, 1, 2)) == ["13 Dec 2024 08:00", "13 Dec 2024 09:30"]


def test_the_caption_names_the_window_as_the_slider_does():
    stops = [ts("2023-03-04 11:15"), ts("2024-06-01 09:00"), ts("2025-12-13 13:45")]
    today = date(2025, 12, 20)
    assert timeline.window_words(stops, 0, 2, pd.Timedelta(0), today=today) == \
        "between 4 Mar 2023 11:15 and 13 Dec 2025 13:45 UTC"
    labels = timeline.time_labels(stops, today=today)
    words = timeline.window_words(stops, 1, 2, pd.Timedelta("15min"), today=today)
    assert words.startswith(f"between {labels[1]} and {labels[2]} UTC") and "stops of 15 minutes" in words
    assert timeline.window_words(stops, 1, 2, pd.Timedelta(0), cumulative=True, today=today) == \
        "up to 13 Dec 2025 13:45 UTC"
    assert [timeline.grain_words(pd.Timedelta(g)) for g in ("1min", "15min", "1h", "6h", "1D", "7D")] == [
        "1 minute", "15 minutes", "1 hour", "6 hours", "1 day", "1 week"]


def test_time_stops_are_round_stretches_of_time_entries_or_not():
    # A busy hour and a quiet week: by entry they take the same length, by time the week is longer.
    times = [ts("2024-12-01 10:00"), ts("2024-12-01 10:20"), ts("2024-12-01 10:40"), ts("2024-12-08 10:00")]
    stops, grain = timeline.time_stops(times)
    assert grain == pd.Timedelta("30min") and len(stops) <= timeline.MAX_TIME_STOPS
    assert stops[0] == ts("2024-12-01 10:00") and stops[-1] == ts("2024-12-08 10:00")
    assert all(b - a == grain for a, b in itertools.pairwise(stops))
    years, grain = timeline.time_stops([ts("2023-03-04 11:18"), ts("2025-12-13 15:30")])
    assert grain == pd.Timedelta("7D") and years[0] <= ts("2023-03-04 11:18")
    start, end = timeline.window_between(years, 0, len(years) - 1, grain)
    assert start <= ts("2023-03-04 11:18") and end >= ts("2025-12-13 15:30")
    assert timeline.time_stops([]) == ([], pd.Timedelta(0))


def test_window_is_inclusive_at_both_ends():
    rows = frame(["2024-12-13 08:00", "2024-12-13 09:00", "2024-12-13 09:00", "2024-12-13 10:00"])
    inside = timeline.in_window(rows, (ts("2024-12-13 09:00"), ts("2024-12-13 09:00")))
    assert inside["n"].tolist() == [1, 2]
    everything = timeline.in_window(rows, (ts("2024-12-13 08:00"), ts("2024-12-13 10:00")))
    assert everything["n"].tolist() == [0, 1, 2, 3]
    assert timeline.in_window(rows, (ts("2024-12-13 08:30"), ts("2024-12-13 08:45"))).empty


def test_window_moves_with_its_ends():
    rows = frame([f"2024-12-13 {h:02d}:00" for h in range(8, 14)])
    times = timeline.entry_times(rows)
    seen = [timeline.in_window(rows, (times[i], times[-1]))["n"].tolist() for i in range(len(times))]
    assert seen == [list(range(i, 6)) for i in range(6)]


def test_window_bounds_on_nanoseconds_and_other_time_zones():
    ns = np.array([ts("2024-12-13 08:00").value, ts("2024-12-13 09:00").value], dtype=np.int64)
    paris = pd.Timestamp("2024-12-13 10:00", tz="Europe/Paris")  # 09:00 UTC
    assert timeline.window_bounds(ns, (ts("2024-12-13 08:00"), paris)) == (0, 2)
    assert timeline.window_bounds(ns, (ts("2024-12-13 10:00"), ts("2024-12-13 08:00"))) == (2, 2)


def test_unsorted_rows_are_refused():
    with pytest.raises(ValueError):
        timeline.in_window(frame(["2024-12-13 10:00", "2024-12-13 08:00"]),
                           (ts("2024-12-13 08:00"), ts("2024-12-13 10:00")))


def test_slider_stops_are_entries_until_there_are_too_many():
    few = list(pd.date_range("2024-12-13 08:00", periods=50, freq="7min", tz="UTC"))
    stops, grain = timeline.slider_stops(few)
    assert stops == few and grain == pd.Timedelta(0)
    assert timeline.window_between(stops, 3, 5, grain) == (few[3], few[5])


def test_many_entries_give_coarser_stops_and_windows_that_keep_their_last_minute():
    many = list(pd.date_range("2024-12-13", periods=100_000, freq="6s", tz="UTC"))
    stops, grain = timeline.slider_stops(many)
    assert len(stops) <= timeline.MAX_STOPS
    assert grain >= pd.Timedelta("1min")
    start, end = timeline.window_between(stops, 0, len(stops) - 1, grain)
    assert start <= many[0] and end >= many[-1]  # the full window still holds every entry
    frame = pd.DataFrame({"time_utc": many})
    assert len(timeline.in_window(frame, (start, end))) == len(many)
