"""Following a page in the app: the window across an update, the map's frame, and the sidebar form
(under Streamlit's AppTest, with a page served on loopback)."""

from __future__ import annotations

import time

import browser_support as B
import pandas as pd
import pytest
from app_support import run_app
from follow_support import FIRST, SECOND, SHAPES, TITLE, live_server
from word_geoparser import WordGeoparser

import dashboard.ingest
from dashboard.store import EventStore
from dashboard.ui import keys
from dashboard.ui.follow import carry_window, kept_bounds, mark_seen, new_entries, pollers, remember_window


def stops(*minutes: int) -> list[pd.Timestamp]:
    return [pd.Timestamp("2025-03-04 06:00", tz="UTC") + pd.Timedelta(minutes=m) for m in minutes]


def test_a_window_at_the_end_moves_on_to_the_new_entries():
    state: dict = {}
    before = stops(0, 10, 20, 30)
    remember_window(state, "window-1-4", [1], before, 1, 3)
    after = stops(0, 10, 20, 30, 40, 50)
    assert carry_window(state, "window-1-6", [1], after) == (1, 5)


def test_a_window_elsewhere_stays_put():
    state: dict = {}
    remember_window(state, "window-1-4", [1], stops(0, 10, 20, 30), 0, 2)
    assert carry_window(state, "window-1-6", [1], stops(0, 10, 20, 30, 40, 50)) == (0, 2)


def test_other_blogs_or_the_same_slider_are_left_alone():
    state: dict = {}
    remember_window(state, "window-1-4", [1], stops(0, 10, 20, 30), 0, 3)
    assert carry_window(state, "window-2-6", [2], stops(0, 10, 20, 30, 40, 50)) is None
    assert carry_window(state, "window-1-4", [1], stops(0, 10, 20, 30)) is None
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
            # A worker child loads the place index before it parses: seconds on a loaded machine.
            deadline = time.monotonic() + 90
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


def test_entries_that_arrive_are_new_until_opened_or_marked_seen():
    state: dict = {}
    assert new_entries(state, [1], [10, 11]) == frozenset()  # the first look sees everything
    assert new_entries(state, [1], [10, 11, 12, 13]) == {12, 13}
    assert new_entries(state, [1], [10, 11, 12, 13, 14]) == {12, 13, 14}  # still unseen, and one more
    assert mark_seen(state, [13]) and not mark_seen(state, [13]) and not mark_seen(state, [10])
    assert new_entries(state, [1], [10, 11, 12, 13, 14]) == {12, 14}
    assert new_entries(state, [1], [10, 11, 14]) == {14}  # an entry deleted meanwhile is forgotten
    assert mark_seen(state) and new_entries(state, [1], [10, 11, 14]) == frozenset()
    # Another choice of blogs is a first look again.
    assert new_entries(state, [1, 2], [10, 11, 14, 20]) == frozenset()


def latest_list(at) -> str:
    """The panel's list of the latest entries, without its stylesheet."""
    html = next(h.value for h in at.html if 'class="lbm-latest"' in h.value)
    return html[html.index('<ol class="lbm-latest">'):]


def new_marks(at) -> list[bool]:
    """For each entry of the panel's list, newest first: whether it is marked new."""
    return ['class="lbm-new"' in item for item in latest_list(at).split("<li>")[1:]]


def test_the_app_marks_arrived_entries_new_in_the_list_until_the_reader_opens_them(small_blog_db, monkeypatch):
    at = run_app(small_blog_db, monkeypatch)
    assert new_marks(at) == [False] * 4
    grown = [
        *B.small_blog(),
        B.entry("2024-12-13T12:00:00+00:00", "Ferry <b>sails</b> from Tartus", "A ferry left Tartus at noon."),
        B.entry("2024-12-13T12:30:00+00:00", "Buses back in Homs", "Buses ran again in Homs.")]
    with EventStore(small_blog_db) as store:
        B.write_blog(store, "small-blog", grown)
    at.run()
    assert not at.exception
    assert new_marks(at) == [True, True, False, False, False, False]
    listed = latest_list(at)
    assert "Ferry &lt;b&gt;sails&lt;/b&gt;" in listed and "<b>" not in listed  # the headline stays text
    assert any("2 entries arrived" in c.value for c in at.caption)
    assert at.select_slider[0].value == (0, 5)  # the window was at the end: it moved on to the new entries
    # Opening Tartus shows its newest entry, the ferry: it is seen, the Homs buses stay new.
    at.selectbox(key=keys.PLACE_PICKER_KEY).select(B.PLACES["Tartus"].place_id).run()
    at.button(key=f"clear-{keys.PLACE_PICKER_KEY}").click().run()
    assert new_marks(at) == [True, False, False, False, False, False]
    at.button(key="follow-mark-seen").click().run()
    assert new_marks(at) == [False] * 6
    assert not any("arrived since" in c.value for c in at.caption)
