"""Clearable filters (one click each) and "Reset view", through AppTest and as plain callbacks."""

from __future__ import annotations

import re

import browser_support as B
import pytest
from app_support import run_app

from dashboard.store import EventStore
from dashboard.ui import keys, sidebar

DAMASCUS, HOMS = (B.PLACES[n].place_id for n in ("Damascus", "Homs"))


@pytest.fixture
def small_db(tmp_path):
    db = tmp_path / "events.db"
    with EventStore(db) as store:
        B.write_blog(store, "small-blog", B.small_blog())
    return db


def counts(at) -> str:
    caption = next(c.value for c in at.caption if " between " in c.value)
    return re.match(r"\d+ entr(?:y|ies) and \d+ places?", caption).group(0)


def test_reset_view_clears_every_filter_the_place_and_the_window():
    state = {keys.KEYWORD_KEY: "homs", keys.PLACE_KEY: HOMS, keys.COUNTRY_KEY: "SY", keys.SCORE_KEY: 0.5,
             keys.PLACE_PICKER_KEY: DAMASCUS, keys.RING_KEY: 3, "window-1-4": (1, 2)}
    sidebar.reset_view(state, "window-1-4")
    assert state == {keys.KEYWORD_KEY: "", keys.PLACE_SEARCH_KEY: "", keys.PLACE_KEY: None, keys.COUNTRY_KEY: None,
                     keys.SCORE_KEY: 0.0, keys.PLACE_PICKER_KEY: None}


def test_each_filter_clears_with_one_click_and_reset_view_clears_all(small_db, monkeypatch):
    at = run_app(small_db, monkeypatch)
    everything = counts(at)
    assert at.button(key=f"clear-{keys.PLACE_KEY}").disabled  # nothing to clear yet
    at.selectbox(key=keys.PLACE_KEY).select(HOMS).run()
    assert counts(at) != everything
    at.button(key=f"clear-{keys.PLACE_KEY}").click().run()
    assert at.selectbox(key=keys.PLACE_KEY).value is None and counts(at) == everything

    at.selectbox(key=keys.COUNTRY_KEY).select("SY").run()
    at.button(key=f"clear-{keys.COUNTRY_KEY}").click().run()
    assert at.selectbox(key=keys.COUNTRY_KEY).value is None

    at.selectbox(key=keys.PLACE_PICKER_KEY).select(DAMASCUS).run()
    at.button(key=f"clear-{keys.PLACE_PICKER_KEY}").click().run()
    assert at.selectbox(key=keys.PLACE_PICKER_KEY).value is None

    at.text_input(key=keys.KEYWORD_KEY).input("tartus").run()
    at.selectbox(key=keys.PLACE_KEY).select(DAMASCUS).run()
    at.slider(key=keys.SCORE_KEY).set_value(0.5).run()
    at.select_slider[0].set_range(1, 2).run()
    at.button(key="reset-view").click().run()
    assert not at.exception
    assert (at.text_input(key=keys.KEYWORD_KEY).value, at.selectbox(key=keys.PLACE_KEY).value,
            at.slider(key=keys.SCORE_KEY).value) == ("", None, 0.0)
    assert at.select_slider[0].value == (0, 3) and counts(at) == everything
    assert set(at.query_params) == {"blog"}  # the link is the default view's again


def test_too_many_places_to_list_are_found_by_name_and_a_link_s_place_stays_listed(small_db, monkeypatch):
    at = run_app(small_db, monkeypatch)
    every = at.selectbox(key=keys.PLACE_KEY).options
    assert len(every) > 2
    assert all(t.key != keys.PLACE_SEARCH_KEY for t in at.text_input)  # few places: all listed, no search box
    monkeypatch.setattr(sidebar, "PLACE_FILTER_OPTIONS", 2)
    at.run()
    assert len(at.selectbox(key=keys.PLACE_KEY).options) == 2
    assert any(f"of {len(every)} places are listed" in c.value for c in at.caption)
    at.text_input(key=keys.PLACE_SEARCH_KEY).input("hom").run()
    assert at.selectbox(key=keys.PLACE_KEY).options == [o for o in every if o.startswith("Homs")]
    at.selectbox(key=keys.PLACE_KEY).select(HOMS).run()
    everything_of_homs = counts(at)
    at.text_input(key=keys.PLACE_SEARCH_KEY).input("damas").run()  # the chosen place stays listed and chosen
    assert at.selectbox(key=keys.PLACE_KEY).value == HOMS and counts(at) == everything_of_homs
    at.button(key="reset-view").click().run()
    assert (at.text_input(key=keys.PLACE_SEARCH_KEY).value, at.selectbox(key=keys.PLACE_KEY).value) == ("", None)
