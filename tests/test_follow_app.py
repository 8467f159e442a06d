"""Following a page in the app: the window across an update, the map's frame, and the sidebar form
(under Streamlit's AppTest, with a page served on loopback)."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from app_support import run_app
from follow_support import FIRST, SECOND, SHAPES, TITLE, live_server
from word_geoparser import WordGeoparser

import dashboard.ingest
from dashboard.store import EventStore
from dashboard.ui import keys
from dashboard.ui.follow import carry_window, kept_bounds, pollers, remember_window


def stops(*minutes: int) -> list[pd.Timestamp]:
    return [pd.Timestamp("2025-03-04 06:00", tz="UTC") + pd.Timedelta(minutes=m) for m in minutes]


def test_a_window_at_the_end_moves_on_to_the_new_entries():
    state: dict = {}
    before = stops(0, 10, 20, 30)
    remember_window(state, "window-1-4", [1], before, 1, 3)
    after = stops(0, 10, 20, 30, 40, 50)
    assert carry_window(state, "window-1-6", [1], after)
    assert state["window-1-6"] == (1, 5)


def test_a_window_elsewhere_stays_put():
    state: dict = {}
    remember_window(state, "window-1-4", [1], stops(0, 10, 20, 30), 0, 2)
    assert carry_window(state, "window-1-6", [1], stops(0, 10, 20, 30, 40, 50))
    assert state["window-1-6"] == (0, 2)


def test_other_blogs_or_the_same_slider_are_left_alone():
    state: dict = {}
    remember_window(state, "window-1-4", [1], stops(0, 10, 20, 30), 0, 3)
    assert not carry_window(state, "window-2-6", [2], stops(0, 10, 20, 30, 40, 50))
    assert not carry_window(state, "window-1-4", [1], stops(0, 10, 20, 30))
    assert "window-2-6" not in state and "window-1-4" not in state


def test_the_maps_frame_is_kept_for_the_same_blogs():
    state: dict = {}
    first = [[35.0, 23.0], [38.0, 26.0]]
    assert kept_bounds(state, [1], None) is None
    assert kept_bounds(state, [1], first) == first  # a first place frames the map
    assert kept_bounds(state, [1], [[30.0, 20.0], [41.0, 29.0]]) == first
    assert kept_bounds(state, [2], [[1.0, 2.0], [3.0, 4.0]]) == [[1.0, 2.0], [3.0, 4.0]]


@pytest.fixture
def geoparser(monkeypatch):
    words = WordGeoparser()
    monkeypatch.setattr(dashboard.ingest, "default_geoparser", lambda: words)
    return words


def submit(at, url: str, name: str = ""):
    at.text_input(key=keys.FOLLOW_URL_KEY).input(url)
    at.text_input(key=keys.FOLLOW_NAME_KEY).input(name)
    next(b for b in at.button if b.label == "Follow").click()
    return at.run()


def test_following_from_the_sidebar_polls_in_the_background(small_blog_db, monkeypatch, geoparser):
    monkeypatch.setenv("DASHBOARD_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("DASHBOARD_FOLLOW_EVERY", "0.2")
    render, content_type = SHAPES["html"]
    try:
        with live_server() as server:
            server.serve("/live", render(FIRST), content_type)
            at = submit(run_app(small_blog_db, monkeypatch), server.url("/live"))
            assert not at.exception and not at.error
            with EventStore(small_blog_db) as store:
                followed = store.source_id(TITLE)
            assert followed is not None
            assert at.session_state[keys.BLOGS_KEY] == [followed]  # the page followed is shown
            server.serve("/live", render(SECOND), content_type)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with EventStore(small_blog_db) as store:
                    if len(store.entries([store.source_id(TITLE)])) == 6:
                        break
                time.sleep(0.1)
            else:
                pytest.fail("the background poller did not store the new entries")
            (poller,) = pollers().pollers(small_blog_db)
            assert poller.last is not None and poller.last.ok
            # Stopping from the app.
            at.run()
            next(b for b in at.button if b.label == "Stop following").click()
            at.run()
            assert pollers().pollers(small_blog_db) == []
    finally:
        pollers().stop_all()


@pytest.mark.parametrize(("url", "why"), [("file:///etc/passwd", "only http and https"),
                                          ("http://127.0.0.1:9/live", "loopback address")])
def test_the_app_refuses_unsafe_pages(small_blog_db, monkeypatch, geoparser, url, why):
    monkeypatch.delenv("DASHBOARD_ALLOW_PRIVATE_URLS", raising=False)
    at = submit(run_app(small_blog_db, monkeypatch), url)
    assert [e.value for e in at.error] == ["That page cannot be followed."]
    assert why in "".join(c.value for c in at.code)
    assert pollers().pollers(small_blog_db) == []
