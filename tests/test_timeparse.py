"""Time lines, date lines, zones and days: dashboard/liveblog/timeparse.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.liveblog import timeparse as tp


def offset_minutes(stamp: tp.Stamp, on: date = date(2024, 12, 13)) -> int:
    assert stamp.zone is not None
    moment = datetime.combine(on, stamp.clock, tzinfo=stamp.zone)
    offset = moment.utcoffset()
    assert offset is not None
    return int(offset.total_seconds() // 60)


@pytest.mark.parametrize(("line", "clock", "offset"), [
    ("03:21 PM GMT", time(15, 21), 0),           # The Telegraph
    ("15.21 GMT", time(15, 21), 0),              # The Guardian, winter
    ("16.32 BST", time(16, 32), 60),             # The Guardian, summer
    ("3.21pm", time(15, 21), None),
    ("15:21", time(15, 21), None),
    ("3:21 p.m. ET", time(15, 21), -300),        # New York in December
    ("9:05 a.m. PT", time(9, 5), -480),
    ("12:05 am", time(0, 5), None),
    ("12:30 PM", time(12, 30), None),
    ("1521 GMT", time(15, 21), 0),
    ("3pm CET", time(15, 0), 60),
    ("18:00 CEST", time(18, 0), 120),
    ("20:00 EET", time(20, 0), 120),
    ("10:00 MSK", time(10, 0), 180),
    ("7.30pm IST", time(19, 30), 330),           # IST is India Standard Time, as documented
    ("09:00 JST", time(9, 0), 540),
    ("10:00 EST", time(10, 0), -300),
    ("10:00 EDT", time(10, 0), -240),            # a -DT name means its offset, whatever the date
    ("15:21 UTC+3", time(15, 21), 180),
    ("15:21 GMT-05:30", time(15, 21), -330),
    ("3:21 PM (ET)", time(15, 21), -300),
    ("15:21:30 UTC", time(15, 21, 30), 0),
])
def test_time_lines(line, clock, offset):
    stamp = tp.match_time_line(line)
    assert isinstance(stamp, tp.Stamp)
    assert stamp.clock == clock
    if offset is None:
        assert stamp.zone is None
    else:
        assert offset_minutes(stamp) == offset
    assert stamp.text == line


@pytest.mark.parametrize(("line", "label"), [
    ("Posted at 15:21", "posted"),
    ("Updated at 16.45 BST", "updated"),
    ("Updated: 3:40 p.m. ET", "updated"),
    ("Published 07:30 GMT", "published"),
    ("First published on Fri 13 Dec 2024 07.46 GMT", "first published"),
    ("Last updated 13 December 2024 16:00", "last updated"),
])
def test_labelled_time_lines(line, label):
    stamp = tp.match_time_line(line)
    assert isinstance(stamp, tp.Stamp)
    assert stamp.label == label
    assert stamp.kind == ("plain" if label == "posted" else "updated" if "updated" in label else "published")


@pytest.mark.parametrize(("line", "day", "clock"), [
    ("Sat 10 Sep 2022 18.58 BST", date(2022, 9, 10), time(18, 58)),
    ("Dec. 13, 2024, 3:21 p.m. ET", date(2024, 12, 13), time(15, 21)),
    ("3:21 p.m. ET, December 13, 2024", date(2024, 12, 13), time(15, 21)),
    ("15:21 GMT, 13 December 2024", date(2024, 12, 13), time(15, 21)),
    ("Friday 13 December 2024 at 15:21 GMT", date(2024, 12, 13), time(15, 21)),
    ("2024-12-13 15:21", date(2024, 12, 13), time(15, 21)),
])
def test_time_lines_with_a_date(line, day, clock):
    stamp = tp.match_time_line(line)
    assert isinstance(stamp, tp.Stamp)
    assert stamp.day is not None and stamp.day.resolve(None) == day
    assert stamp.clock == clock


def test_iso_instant_is_exact():
    stamp = tp.match_time_line("2024-12-13T15:21:00+01:00")
    assert isinstance(stamp, tp.Stamp)
    assert stamp.exact == datetime(2024, 12, 13, 14, 21, tzinfo=UTC)


def test_year_less_date_beside_a_time():
    stamp = tp.match_time_line("Posted at 15:21 13 Dec")
    assert isinstance(stamp, tp.Stamp)
    assert stamp.day == tp.PartialDate(12, 13, None)


@pytest.mark.parametrize("line", [
    "The meeting starts at 15:21 GMT",
    "15:21 GMT the meeting starts",
    "Troops arrived at 3pm, officials said",
    "3.21",            # a one-digit dotted number alone is not read as a time
    "2024",
    "3 amendments",
    "15:21 Syria time",  # an unknown zone word makes it a sentence fragment
    "",
    "Updated",
    "x" * 300 + " 15:21",
])
def test_not_time_lines(line):
    assert tp.match_time_line(line) is None


@pytest.mark.parametrize(("line", "reason"), [
    ("25:61 PM GMT", "no such time"),
    ("13:05 PM", "hour 13"),
    ("00:30 AM", "hour 0"),
    ("24:00", "no such time"),
    ("31 February 2024 15:00", "no such date"),
])
def test_impossible_times(line, reason):
    found = tp.match_time_line(line)
    assert isinstance(found, tp.NotATime)
    assert reason in found.reason


@pytest.mark.parametrize(("line", "expected"), [
    ("Friday 13 December 2024", tp.PartialDate(12, 13, 2024, 4)),
    ("Fri 13 Dec 2024", tp.PartialDate(12, 13, 2024, 4)),
    ("13 December", tp.PartialDate(12, 13, None)),
    ("13th of December 2024", tp.PartialDate(12, 13, 2024)),
    ("December 13, 2024", tp.PartialDate(12, 13, 2024)),
    ("Friday, December 13, 2024", tp.PartialDate(12, 13, 2024, 4)),
    ("Dec. 13", tp.PartialDate(12, 13, None)),
    ("2024-12-13", tp.PartialDate(12, 13, 2024)),
    ("Sept 9", tp.PartialDate(9, 9, None)),
])
def test_date_lines(line, expected):
    mark = tp.match_date_line(line)
    assert isinstance(mark, tp.DateMark)
    assert mark.day == expected


def test_labelled_date_line_and_impossible_date():
    mark = tp.match_date_line("Published: 13 December 2024")
    assert isinstance(mark, tp.DateMark) and mark.label == "published"
    assert isinstance(tp.match_date_line("30 February 2024"), tp.NotATime)
    assert tp.match_date_line("On 13 December 2024 the talks began") is None
    assert tp.match_date_line("13/12/2024") is None  # numeric dates are ambiguous: not read


def test_find_dates_inside_sentences():
    found = tp.find_dates("Published on 13 December 2024; updated Dec 14, 2024 and 2024-12-15.")
    assert [d.resolve(None) for d in found] == [date(2024, 12, 13), date(2024, 12, 14), date(2024, 12, 15)]


def test_year_less_dates_take_the_nearest_year():
    assert tp.PartialDate(12, 31).resolve(date(2025, 1, 1)) == date(2024, 12, 31)
    assert tp.PartialDate(1, 2).resolve(date(2024, 12, 30)) == date(2025, 1, 2)
    assert tp.PartialDate(2, 29).resolve(date(2023, 6, 1)) == date(2024, 2, 29)
    with pytest.raises(ValueError):
        tp.PartialDate(12, 13).resolve(None)


def test_weekday_problem_names_the_real_weekday():
    assert tp.PartialDate(12, 13, 2024, 4).weekday_problem(date(2024, 12, 13)) == ""
    assert "Friday" in tp.PartialDate(12, 14, 2024, 4).weekday_problem(date(2024, 12, 14))


def test_regional_zones_follow_daylight_saving():
    et = tp.zone_from_abbreviation("ET")
    assert et is not None
    winter = tp.local_instant(date(2024, 12, 13), time(15, 21), et)
    assert winter == datetime(2024, 12, 13, 20, 21, tzinfo=UTC)
    assert tp.local_instant(date(2024, 7, 4), time(15, 21), et) == datetime(2024, 7, 4, 19, 21, tzinfo=UTC)
    pt = tp.zone_from_abbreviation("pt")
    assert tp.local_instant(date(2024, 7, 4), time(9, 0), pt) == datetime(2024, 7, 4, 16, 0, tzinfo=UTC)


def test_zone_names():
    assert tp.zone_from_name("Europe/London") == ZoneInfo("Europe/London")
    assert tp.zone_from_name("GMT") == UTC
    assert tp.zone_from_abbreviation("AST") is None  # ambiguous: not read
    for bad in ("Mars/Olympus", "", "../etc/passwd"):
        with pytest.raises(ValueError, match="unknown time zone"):
            tp.zone_from_name(bad)


def test_time_values_for_data_files():
    exact = tp.parse_time_value("2024-12-13T15:21:00Z")
    assert isinstance(exact, tp.Stamp) and exact.exact == datetime(2024, 12, 13, 15, 21, tzinfo=UTC)
    naive = tp.parse_time_value("2024-12-13 15:21")
    assert isinstance(naive, tp.Stamp) and naive.exact is None and naive.zone is None
    bare_date = tp.parse_time_value("2024-12-13")
    assert isinstance(bare_date, tp.Stamp) and not bare_date.has_clock
    written = tp.parse_time_value("03:21 PM GMT")
    assert isinstance(written, tp.Stamp) and written.clock == time(15, 21)
    assert isinstance(tp.parse_time_value("2024-13-40"), tp.NotATime)
    assert tp.parse_time_value("soon") is None


def test_fill_zones():
    bst = tp.zone_from_abbreviation("BST")
    assert tp.fill_zones([None, bst, None], None) == ([bst, bst, bst], False)
    london = ZoneInfo("Europe/London")
    assert tp.fill_zones([None, bst], london) == ([london, bst], False)
    assert tp.fill_zones([None, None], None) == ([UTC, UTC], True)


def slots(*clocks: str, zone=UTC) -> list[tp.Slot]:
    return [tp.Slot(time.fromisoformat(c), zone) for c in clocks]


def days_of(moments: list[datetime]) -> list[int]:
    return [m.day for m in moments]


def test_newest_first_across_midnight():
    moments, newest_first = tp.place_on_days(slots("00:40", "23:55", "23:10"), first_day=date(2024, 12, 14))
    assert newest_first
    assert days_of(moments) == [14, 13, 13]


def test_oldest_first_across_midnight():
    run = slots("22:30", "23:15", "00:05", "01:20")
    moments, newest_first = tp.place_on_days(run, first_day=date(2024, 12, 13))
    assert not newest_first
    assert days_of(moments) == [13, 13, 14, 14]


def test_small_disorder_stays_on_the_same_day():
    run = slots("15:00", "14:40", "14:45", "14:10")
    moments, newest_first = tp.place_on_days(run, first_day=date(2024, 12, 13))
    assert newest_first
    assert days_of(moments) == [13, 13, 13, 13]


def test_a_dated_entry_re_anchors_and_earlier_ones_walk_back():
    run = slots("09:00", "08:00", "23:00", "22:00")
    run[2] = tp.Slot(time(23, 0), UTC, day=date(2024, 12, 12))
    moments, _ = tp.place_on_days(run)
    assert [m.isoformat() for m in moments] == [
        "2024-12-13T09:00:00+00:00", "2024-12-13T08:00:00+00:00",
        "2024-12-12T23:00:00+00:00", "2024-12-12T22:00:00+00:00"]


def test_fallback_anchors():
    run = slots("00:40", "23:55", "23:10")
    published = datetime(2024, 12, 13, 22, 0, tzinfo=UTC)
    moments, _ = tp.place_on_days(run, fallback=tp.Anchor("oldest", published.date(), published))
    assert days_of(moments) == [14, 13, 13]
    updated = datetime(2024, 12, 14, 1, 0, tzinfo=UTC)
    moments, _ = tp.place_on_days(run, fallback=tp.Anchor("newest", updated.date(), updated))
    assert days_of(moments) == [14, 13, 13]
    moments, _ = tp.place_on_days(run, fallback=tp.Anchor("newest", date(2024, 12, 14)))
    assert days_of(moments) == [14, 13, 13]
    with pytest.raises(tp.NoDateError):
        tp.place_on_days(run)


def test_first_day_follows_the_entry_zone():
    et = tp.zone_from_abbreviation("ET")
    moments, _ = tp.place_on_days(slots("23:30", "22:00", zone=et), first_day=date(2024, 12, 13))
    assert moments[0] == datetime(2024, 12, 14, 4, 30, tzinfo=UTC)  # 23:30 in New York is 04:30 UTC next day


def test_detect_order_with_ties_defaults_to_newest_first():
    assert tp.detect_newest_first(slots("10:00"), date(2024, 1, 1))
    assert tp.detect_newest_first(slots("10:00", "10:00"), date(2024, 1, 1))
    assert not tp.detect_newest_first(slots("10:00", "11:00", "12:00"), date(2024, 1, 1))


@given(st.integers(0, 23), st.integers(0, 59), st.sampled_from(["GMT", "BST", "ET", "CEST", ""]))
def test_written_times_round_trip(hour, minute, zone):
    for written in (f"{hour:02d}:{minute:02d} {zone}", f"{(hour - 1) % 12 + 1}:{minute:02d} "
                                                        f"{'AM' if hour < 12 else 'PM'} {zone}"):
        stamp = tp.match_time_line(written)
        assert isinstance(stamp, tp.Stamp), written
        assert stamp.clock == time(hour, minute)
        assert (stamp.zone is None) == (zone == "")


@given(st.text(max_size=120))
@settings(max_examples=300)
def test_any_line_reads_without_crashing(line):
    assert isinstance(tp.match_time_line(line), tp.Stamp | tp.NotATime | type(None))
    assert isinstance(tp.match_date_line(line), tp.DateMark | tp.NotATime | type(None))
    assert isinstance(tp.parse_time_value(line), tp.Stamp | tp.NotATime | type(None))


@given(st.lists(st.tuples(st.integers(0, 23), st.integers(0, 59)), min_size=1, max_size=30),
       st.dates(date(2000, 1, 1), date(2099, 12, 31)))
def test_placed_entries_follow_their_clock_and_order(clocks, first_day):
    run = [tp.Slot(time(h, m), UTC) for h, m in clocks]
    moments, newest_first = tp.place_on_days(run, first_day=first_day)
    assert [m.time() for m in moments] == [time(h, m) for h, m in clocks]
    assert moments[0].date() == first_day
    step = -1 if newest_first else 1
    for a, b in pairwise(moments):
        assert step * (b - a) >= -timedelta(hours=1)
        assert abs(b - a) < timedelta(days=1)
