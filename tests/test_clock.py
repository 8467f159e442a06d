"""The timeline's clock: on "happened", mentions stand at the middle of their event's interval (a week
at most), the slider's stops and the histogram count those times, markers reported after the window
say so, a path stands at its origin's time; the clock is kept in the link and starts its own slider."""

from __future__ import annotations

import pandas as pd
import pytest
from app_support import run_app
from map_support import drawn_places
from word_geoparser import WordGeoparser, blog, entry

from dashboard import corrections
from dashboard.export import rows_from_frames
from dashboard.ingest import ingest_blog
from dashboard.store import EventStore
from dashboard.ui import keys
from dashboard.ui.viewstate import View, parse, seed_timeline, to_params
from dashboard.view import clock, mapdata, timeline

# 4 May 2031 is a Sunday; the convoy's entry tells of Friday morning, the talks' of a coming Tuesday,
# the history's of a year.
ENTRIES = [
    entry(0, "Morning", "Crowds gathered in Aleppo."),
    entry(60, "Convoy", "Trucks left Homs on Friday morning for Tartus."),
    entry(120, "Talks", "Ministers will meet in Cairo on Tuesday."),
    entry(180, "History", "Fighting spread to Latakia in 2011."),
]
T = pd.Timestamp


@pytest.fixture
def stored(tmp_path):
    with EventStore(tmp_path / "events.db") as store:
        ingest_blog(blog(ENTRIES), store, source="test-blog", geoparser=WordGeoparser())
        yield store, store.entries(), corrections.laid_over(store)


def test_the_happened_clock_moves_dated_mentions_to_their_events(stored):
    _, entries, mentions = stored
    reported = clock.on_clock(mentions, happened=False)
    assert (reported["time_utc"] == reported["reported_utc"]).all()
    happened = clock.on_clock(mentions, happened=True)
    at = dict(zip(happened["mention"], happened["time_utc"], strict=True))
    assert at["Homs"] == at["Tartus"] == T("2031-05-02T08:59:59.500Z")  # the middle of Friday morning
    assert at["Cairo"] == T("2031-05-06T11:59:59.500Z")  # a coming event stands at its planned day
    # Undated, or dated too loosely for a timeline ("in 2011"): at the report time.
    assert at["Aleppo"] == T("2031-05-04T09:00Z") and at["Latakia"] == T("2031-05-04T12:00Z")
    assert happened["time_utc"].is_monotonic_increasing
    assert set(happened["reported_utc"]) <= set(entries["time_utc"])


def test_stops_and_histogram_follow_the_clock(stored):
    _, entries, mentions = stored
    data = mapdata.prepare(entries, clock.on_clock(mentions, happened=True))
    events = clock.clock_events(data.entries, data.mentions, happened=True)
    stops = timeline.entry_times(events)
    assert stops[0] == T("2031-05-02T08:59:59.500Z") and stops[-1] == T("2031-05-06T11:59:59.500Z")
    assert set(events["source"]) == {"test-blog"}
    assert clock.clock_events(data.entries, data.mentions, happened=False) is data.entries
    # Friday's window holds the convoy's places, told on Sunday: their markers say so.
    friday = (T("2031-05-02T00:00Z"), T("2031-05-02T23:59Z"))
    places = mapdata.window_places(data, friday)
    assert sorted(places["name"]) == ["Homs", "Ţarţūs"]
    payload = mapdata.layer_payload(data, mapdata.for_drawing(places), reported_after=friday[1])
    assert {p["name"]: p["later"] for p in drawn_places(data, payload)} == {"Homs": "reported Sun 10:00",
                                                                "Ţarţūs": "reported Sun 10:00"}
    # On the reported clock (no reported_after) no marker is marked.
    assert {p["later"] for p in mapdata.layer_payload(data, mapdata.for_drawing(places))["places"]} == {""}


def test_a_path_stands_at_its_origins_time(stored):
    store, _, mentions = stored
    on_report = corrections.paths_laid_over(store.paths(), clock.on_clock(mentions, happened=False))
    on_event = corrections.paths_laid_over(store.paths(), clock.on_clock(mentions, happened=True))
    assert on_report["time_utc"].tolist() == [T("2031-05-04T10:00Z")]
    assert on_event["time_utc"].tolist() == [T("2031-05-02T08:59:59.500Z")]


def test_the_clock_is_kept_in_the_link_and_starts_its_own_slider():
    view, notices = parse({"blog": ["b"], "clock": ["happened"]})
    assert view.happened and notices == []
    assert to_params(view)["clock"] == "happened" and "clock" not in to_params(View(blogs=("b",)))
    state: dict = {}
    seed_timeline(state, view)
    assert state[keys.CLOCK_KEY] == clock.HAPPENED
    bad, notices = parse({"clock": ["tomorrow"]})
    assert not bad.happened and len(notices) == 1 and "clock" in notices[0]
    assert keys.window_key([1], 5) != keys.window_key([1], 5, happened=True)
    assert keys.window_by_time(keys.window_key([1], 5, True, happened=True))


def test_the_app_switches_clock_and_scrubs_to_an_event_before_its_report(stored, monkeypatch):
    store, _, _ = stored
    at = run_app(store.path, monkeypatch, blog="test-blog")
    (switch,) = [r for r in at.radio if r.label == "The map's clock"]
    switch.set_value(clock.HAPPENED).run()
    assert not at.exception and at.query_params["clock"] == clock.HAPPENED
    (window,) = [s for s in at.select_slider if s.label == "Time window"]
    assert window.options[0] == "2 May 2031 08:59:59"  # Friday morning, told on Sunday
    window.set_range(0, 0).run()
    assert not at.exception
    assert at.caption[0].value.startswith("1 entry and 2 places between 2 May 2031 08:59:59")


def test_downloads_on_the_happened_clock_keep_report_times(stored):
    store, entries, mentions = stored
    on_event = rows_from_frames(entries, clock.on_clock(mentions, happened=True), store.sources())
    on_report = rows_from_frames(entries, mentions, store.sources())
    assert on_event == on_report
    assert {r["place"]: r["time"] for r in on_event}["Homs"] == "2031-05-04T10:00:00+00:00"
