"""Shareable views: the view in the URL's query parameters, read back forgivingly; through AppTest,
a link opens the same view, and bad or stale parameters give notices, never an error page."""

from __future__ import annotations

from pathlib import Path

import browser_support as B
import pandas as pd
import pytest
from app_support import run_app
from streamlit.testing.v1 import AppTest

from dashboard.store import EventStore
from dashboard.ui import viewstate
from dashboard.ui.viewstate import View, parse, time_param, to_params, window_value
from dashboard.view.filters import Filters

DAMASCUS, HOMS, TARTUS = (B.PLACES[n].place_id for n in ("Damascus", "Homs", "Tartus"))
TIMES = [pd.Timestamp(f"2024-12-13T{h:02d}:00Z") for h in (8, 9, 10, 11)]


def params_of(view: View) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in to_params(view).items()}


def test_a_view_round_trips_through_its_parameters():
    view = View(blogs=("small-blog", "other <blog>"), start=TIMES[1], end=TIMES[2],
                filters=Filters(keyword="homs road", place=HOMS, country="SY", min_score=0.25), place=TARTUS,
                entry=12)
    assert to_params(view)["from"] == "2024-12-13T09:00Z"
    assert parse(params_of(view)) == (view, [])
    assert to_params(View()) == {}
    assert parse({}) == (View(), [])
    assert time_param(pd.Timestamp("2024-12-13T09:00:05+02:00")) == "2024-12-13T07:00:05Z"


@pytest.mark.parametrize(("params", "words"), [
    ({"from": ["yesterday"]}, "is not a time"),
    ({"from": ["2024-12-13T10:00Z"], "to": ["2024-12-13T09:00Z"]}, "after its 'to'"),
    ({"min_score": ["2"]}, "between 0 and 1"),
    ({"min_score": ["nan"]}, "between 0 and 1"),
    ({"country": ["<script>"]}, "two-letter"),
    ({"entry": ["12; DROP TABLE entries"]}, "not an entry number"),
])
def test_bad_parameters_fall_back_with_a_notice(params, words):
    view, notices = parse(params)
    assert view == View() and len(notices) == 1 and words in notices[0]


def test_window_value_maps_times_to_slider_stops():
    notices: list[str] = []
    assert window_value(None, TIMES, notices) == (0, 3)
    assert window_value(View(start=TIMES[1], end=TIMES[2]), TIMES, notices) == (1, 2)
    # Times between stops take the stops inside the window.
    assert window_value(View(start=TIMES[1] - pd.Timedelta(minutes=5)), TIMES, notices) == (1, 3)
    assert notices == []
    assert window_value(View(start=pd.Timestamp("2030-01-01T00:00Z")), TIMES, notices) == (0, 3)
    assert len(notices) == 1 and "whole span" in notices[0]


def test_the_slider_mode_and_cumulative_switch_are_in_the_link():
    view = View(blogs=("small-blog",), by_time=True, cumulative=True)
    assert to_params(view) == {"blog": ["small-blog"], "by": "time", "upto": "1"}
    assert parse(params_of(view)) == (view, [])
    read, notices = parse({"by": ["minutes"], "upto": ["yes"]})
    assert (read.by_time, read.cumulative) == (False, False)
    assert len(notices) == 2 and "by='minutes'" in notices[0] and "upto='yes'" in notices[1]


# -- through the app --------------------------------------------------------------------------------

@pytest.fixture
def store_path(tmp_path) -> Path:
    db = tmp_path / "events.db"
    with EventStore(db) as store:
        B.write_blog(store, B.HOSTILE_SOURCE, [B.hostile_entry("2024-12-12T18:00:00+00:00")],
                     places=B.hostile_places())
        B.write_blog(store, "small-blog", B.small_blog())
    return db


def open_link(db: Path, monkeypatch, params: dict[str, str | list[str]]) -> AppTest:
    return run_app(db, monkeypatch, **params)


def view_of(at: AppTest) -> tuple:
    """What the page shows: blogs, window caption, filters, place, entry picked."""
    caption = next(c.value for c in at.caption if " between " in c.value)
    return (tuple(at.multiselect[0].value), caption, at.text_input(key="filter-q").value,
            at.selectbox(key="filter-country").value, at.selectbox(key="place").value,
            at.selectbox(key=f"entry-{HOMS}").value if at.selectbox(key="place").value == HOMS else None)


def test_the_url_follows_the_view_and_a_link_restores_it(store_path, monkeypatch):
    at = open_link(store_path, monkeypatch, {})
    assert dict(at.query_params) == {"blog": "small-blog"}  # the default view: a bare link
    at.text_input(key="filter-q").input("homs").run()
    at.select_slider[0].set_range(1, 2).run()
    assert next(c.value for c in at.caption if " between " in c.value).startswith("1 entry")
    at.select_slider[0].set_range(1, 3).run()
    at.selectbox(key="place").select(HOMS).run()
    at.selectbox(key=f"entry-{HOMS}").select_index(1).run()
    shown = view_of(at)
    assert shown[1].startswith("2 entries") and shown[4] == HOMS and shown[5] is not None
    link = dict(at.query_params)
    assert link["q"] == "homs" and link["from"] == "2024-12-13T09:00Z" and "to" not in link
    assert link["place"] == HOMS and link["entry"].isdigit()
    # A fresh session opened on that link shows the same view, without notices.
    fresh = open_link(store_path, monkeypatch, link)
    assert view_of(fresh) == shown
    assert not fresh.warning


def test_stale_and_bad_links_fall_back_with_notices(store_path, monkeypatch):
    at = open_link(store_path, monkeypatch, {
        "blog": "a blog nobody stored", "from": "not a time", "in": "gn:0", "country": "ZZ",
        "place": "gn:404", "entry": "999999", "min_score": "<script>alert(1)</script>"})
    notices = [w.value for w in at.warning]
    assert len(notices) == 7, notices
    assert any("does not hold" in n for n in notices) and any("entry 999999" in n for n in notices)
    # The default view: the newest blog, the whole window, no filter, nothing selected.
    with EventStore(store_path) as store:
        newest = int(store.sources()["source_id"].iloc[0])
    assert at.multiselect[0].value == [newest]
    caption = next(c.value for c in at.caption if " between " in c.value)
    assert caption.startswith("4 entries and 4 places")
    assert at.selectbox(key="place").value is None and at.selectbox(key="filter-place").value is None
    assert not at.error and not at.exception
    # The notices are shown once: the next run is quiet, and the URL now holds the default view.
    at.run()
    assert not at.warning
    assert "entry" not in at.query_params and "in" not in at.query_params


def test_a_link_to_an_entry_selects_it(store_path, monkeypatch):
    with EventStore(store_path) as store:
        entries = store.entries()
    ships = int(entries.loc[entries["headline"] == "Ships leave Tartus", "entry_id"].iloc[0])
    at = open_link(store_path, monkeypatch, {"blog": "small-blog", "entry": str(ships)})
    assert at.selectbox(key="place").value == TARTUS
    assert not at.warning


def test_the_maps_zoom_centre_and_layer_go_into_the_link_and_come_back():
    view = viewstate.View(zoom=8, center=(34.73, 36.71), layer="satellite")
    params = viewstate.to_params(view)
    assert params == {"zoom": "8", "center": "34.7300,36.7100", "layer": "satellite"}
    back, notices = viewstate.parse({name: [value] for name, value in params.items()})
    assert (back.zoom, back.center, back.layer, notices) == (8, (34.73, 36.71), "satellite", [])


def test_a_bad_map_view_in_a_link_falls_back_with_notices():
    view, notices = viewstate.parse({"zoom": ["40"], "center": ["north,east"], "layer": ["moon"]})
    assert (view.zoom, view.center, view.layer) == (None, None, None)
    assert len(notices) == 3 and all("using the default" in n for n in notices)
    alone, _ = viewstate.parse({"zoom": ["7"]})  # a zoom without a centre is no view
    assert (alone.zoom, alone.center) == (None, None)


def test_the_reader_s_map_view_replaces_the_link_s_once_they_move():
    state: dict = {}
    assert viewstate.link_map_view(state, viewstate.View(zoom=6, center=(35.0, 36.0))) == ((6, (35.0, 36.0)), None)
    assert viewstate.link_map_view(state, None) == ((6, (35.0, 36.0)), None)  # kept for the session
    first = {"zoom": 6, "center": {"lat": 35.0, "lng": 36.0}, "selected_layers": []}
    assert viewstate.reader_map_view(state, first) == ((6, (35.0, 36.0)), None)
    moved = {"zoom": 9, "center": {"lat": 33.51, "lng": 36.29},
             "selected_layers": [{"name": "offline", "url": "basemap"}]}
    assert viewstate.reader_map_view(state, moved) == ((9, (33.51, 36.29)), "offline")


def test_a_default_map_view_leaves_the_link_bare():
    state: dict = {}
    viewstate.link_map_view(state, viewstate.View())
    assert viewstate.reader_map_view(state, {"zoom": 4, "center": {"lat": 45.0, "lng": 35.0}}) == (None, None)


# -- hostile links: strict rules and ranges ------------------------------------------------------------

@pytest.mark.parametrize(("params", "words"), [
    ({"entry": ["²³"]}, "not an entry number"),           # str.isdigit() takes it, int() does not
    ({"entry": ["١٢"]}, "not an entry number"),           # digits of another script
    ({"entry": ["9" * 40]}, "not an entry number"),
    ({"from": ["1000-01-01"]}, "outside the times"),       # before pandas' nanosecond range
    ({"to": ["9999-12-31T23:59"]}, "outside the times"),   # after it
    ({"from": ["now"]}, "is not a time"),                  # pandas reads it, a link must not
    ({"from": ["٢٠٢٤-١٢-١٣"]}, "is not a time"),
    ({"to": ["2024-12-13T09:00+99:00"]}, "is not a time"),
])
def test_hostile_parameters_fall_back_with_a_notice(params, words):
    view, notices = parse(params)
    assert view == View() and len(notices) == 1 and words in notices[0], notices
    assert window_value(view, TIMES, []) == (0, 3)


@pytest.mark.parametrize(("params", "words"), [
    ({"entry": "²³"}, "not an entry number"),
    ({"from": "1000-01-01"}, "outside the times"),
    ({"to": "9999-12-31T23:59"}, "outside the times"),
    ({"from": "2024-12-13T09:00Z", "to": "9999-12-31T23:59"}, "outside the times"),
])
def test_a_hostile_link_shows_the_default_view_with_a_notice(store_path, monkeypatch, params, words):
    at = open_link(store_path, monkeypatch, {"blog": "small-blog", **params})
    assert not at.exception and not at.error
    notices = [w.value for w in at.warning]
    assert len(notices) == 1 and words in notices[0], notices
    caption = next(c.value for c in at.caption if " between " in c.value)
    # The readable end of a window is kept; otherwise the whole span.
    assert caption.startswith("3 entries" if "from" in params and "to" in params else "4 entries and 4 places")
    assert at.selectbox(key="place").value is None


def test_a_link_without_blogs_names_the_blog_it_opens(store_path, monkeypatch):
    at = open_link(store_path, monkeypatch, {"q": "homs", "zoom": "8", "center": "34.7,36.7"})
    assert not at.exception and not at.error
    notices = [w.value for w in at.warning]
    assert notices == ["This link names no blog, so it opens the newest one: small-blog."], notices
    # The link the page writes back names it, so a copy of it opens the same blog whatever is added later.
    assert at.query_params["blog"] == "small-blog"
    at.run()
    assert not at.warning
    # A bare link is the default view: nothing to say; a link naming its blog neither.
    assert not open_link(store_path, monkeypatch, {}).warning
    assert not open_link(store_path, monkeypatch, {"blog": "small-blog", "q": "homs"}).warning
