"""Filters, the entries table and the downloads: the logic on its own, then through AppTest.

The store is written by hand (tests/browser_support.py: four entries of our own naming Damascus,
Homs, Tartus and Syria). AppTest cannot click a table row, but a dataframe's selection state can be
written through `at.session_state`, which is what a click does.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import browser_support as B
import pandas as pd
import pytest
from app_support import run_app
from store_support import undo_decisions, undo_word_index
from streamlit.testing.v1 import AppTest

from dashboard import export
from dashboard.store import SCHEMA_VERSION, EventStore
from dashboard.ui import keys
from dashboard.ui import table as table_ui
from dashboard.view import entries_table, mapdata
from dashboard.view.filters import Filters, apply, country_options, matching_places, place_options

DAMASCUS, HOMS, TARTUS, SYRIA = (B.PLACES[n].place_id for n in ("Damascus", "Homs", "Tartus", "Syria"))
LEBANON = B.Place("gn:272103", "Lebanon", 33.83, 35.83, "A", "PCLI", "LB")
BEIRUT = B.Place("gn:276781", "Beirut", 33.89, 35.5, "P", "PPLC", "LB")


@pytest.fixture
def store_path(tmp_path) -> Path:
    db = tmp_path / "events.db"
    with EventStore(db) as store:
        B.write_blog(store, "small-blog", [*B.small_blog(), B.entry(
            "2024-12-13T12:00:00+00:00", "Flights to Beirut", "Planes left Damascus for Beirut in Lebanon.",
            [B.Caption("A departures board showing KEYWORD-in-caption", "Agency")])],
            places={**B.PLACES, "Lebanon": LEBANON, "Beirut": BEIRUT}, url="https://example.org/blog")
    return db


@pytest.fixture
def frames(store_path) -> tuple[pd.DataFrame, pd.DataFrame]:
    with EventStore(store_path) as store:
        return store.entries(), store.mentions()


def headlines(entries: pd.DataFrame) -> list[str]:
    return entries["headline"].tolist()


# -- the filters on their own ---------------------------------------------------------------------

def test_no_filter_keeps_everything(frames):
    entries, mentions = frames
    kept_entries, kept_mentions = apply(entries, mentions, Filters())
    assert kept_entries is entries and kept_mentions is mentions
    assert not Filters(keyword="  ").active


def keyword(store_path, frames, words: str, **others) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`apply` with a keyword, looked up in the store as the app does."""
    chosen = Filters(keyword=words, **others)
    with EventStore(store_path) as store:
        return apply(*frames, chosen, store.search(chosen.keyword))


def test_keyword_reads_headline_body_and_captions_ignoring_case_and_accents(store_path, frames):
    kept, kept_mentions = keyword(store_path, frames, "HOMS")
    assert headlines(kept) == ["Road to Homs open again", "Quiet morning in Homs"]
    # Every place of a kept entry stays (the keyword filters entries, not places).
    assert set(kept_mentions["place_id"]) == {DAMASCUS, HOMS, SYRIA}
    assert headlines(keyword(store_path, frames, "keyword-IN-caption")[0]) == ["Flights to Beirut"]
    # Every word must appear, in any order; a word also finds the words it starts.
    assert headlines(keyword(store_path, frames, "calm  markets")[0]) == ["Quiet morning in Homs"]
    assert headlines(keyword(store_path, frames, "calm  mark")[0]) == ["Quiet morning in Homs"]
    assert keyword(store_path, frames, "homs tartus")[0].empty
    assert headlines(keyword(store_path, frames, "ȚARȚŪS")[0]) == ["Ships leave Tartus"]
    # Markup, regex and search-syntax characters are text like any other.
    for words in ("<script>.*", 'homs" OR "tartus', "NEAR(homs tartus)", "*", "!!!"):
        assert keyword(store_path, frames, words)[0].empty, words


def test_a_keyword_filter_without_the_stores_answer_is_refused(frames):
    with pytest.raises(ValueError, match="search"):
        apply(*frames, Filters(keyword="homs"))


def test_the_word_index_follows_edits_and_deletions(tmp_path):
    db = tmp_path / "events.db"
    with EventStore(db) as store:
        B.write_blog(store, "blog", B.small_blog())
        assert len(store.search("bakeries")) == 1
        # A newer version of the blog rewrites that entry: the old words go, the new ones come.
        changed = [B.entry(e.time_utc.isoformat(), e.headline.replace("Bakeries", "Markets"), e.body, e.captions)
                   for e in B.small_blog()]
        B.write_blog(store, "blog", changed)
        assert store.search("bakeries") == [] and len(store.search("markets damascus")) == 1
        store._conn.execute("DELETE FROM sources")  # cascades to the entries
        # The index itself forgot them (ids are reused: a stale row would find a later entry).
        assert store._conn.execute("SELECT rowid FROM entry_words WHERE entry_words MATCH 'markets'").fetchall() == []


def test_control_characters_in_a_keyword_are_spaces_not_errors(store_path):
    with EventStore(store_path) as store:
        assert len(store.search("homs\x00")) == 2
        assert store.search("\x00homs\x1f road\x7f") == store.search("homs road") != []
        assert store.search("\x00") == []


def test_captions_stored_in_an_odd_shape_do_not_block_the_word_index(tmp_path):
    db = tmp_path / "events.db"
    with EventStore(db) as store:
        B.write_blog(store, "blog", B.small_blog())
    with sqlite3.connect(db) as raw:  # hand-edited: captions as bare strings, or one object
        raw.execute("""UPDATE entries SET captions_json = '["a bare photo caption"]' WHERE entry_id = 1""")
        raw.execute("""UPDATE entries SET captions_json = '{"text": "one object"}' WHERE entry_id = 2""")
        undo_decisions(raw)
        undo_word_index(raw)
        raw.execute("PRAGMA user_version = 2")
    with EventStore(db) as store:  # the migration reads them, and later edits go through
        assert store.schema_version == SCHEMA_VERSION and len(store.search("homs")) == 2
        store._conn.execute("UPDATE entries SET headline = 'Renamed' WHERE entry_id = 1")
        assert len(store.search("renamed")) == 1


def test_place_country_and_score_filter_places(frames):
    entries, mentions = frames
    kept, kept_mentions = apply(entries, mentions, Filters(place=TARTUS))
    assert headlines(kept) == ["Ships leave Tartus"] and set(kept_mentions["place_id"]) == {TARTUS}
    kept, kept_mentions = apply(entries, mentions, Filters(country="lb"))
    assert headlines(kept) == ["Flights to Beirut"]
    assert set(kept_mentions["place_name"]) == {"Beirut", "Lebanon"}
    mentions = mentions.assign(score=[0.3 if p == SYRIA else 0.9 for p in mentions["place_id"]])
    kept, kept_mentions = apply(entries, mentions, Filters(min_score=0.5))
    assert SYRIA not in set(kept_mentions["place_id"]) and len(kept) == 5
    assert apply(entries, mentions, Filters(min_score=0.95))[0].empty


def test_filters_combine(store_path, frames):
    kept, kept_mentions = keyword(store_path, frames, "damascus", country="SY", place=HOMS)
    assert headlines(kept) == ["Road to Homs open again"] and set(kept_mentions["place_id"]) == {HOMS}


def test_filter_values_are_checked():
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(ValueError):
            Filters(min_score=bad)
    f = Filters(keyword="  a \n b ", country=" sy ", place=" ")
    assert (f.keyword, f.country, f.place) == ("a b", "SY", None)


def test_options_name_places_and_countries(frames):
    _, mentions = frames
    assert list(place_options(mentions).values()) == ["Beirut (LB)", "Damascus (SY)", "Homs (SY)", "Lebanon (LB)",
                                                      "Syria (SY)", "Tartus (SY)"]
    assert country_options(mentions) == {"LB": "Lebanon (LB)", "SY": "Syria (SY)"}


def test_matching_places_are_bounded_found_by_word_starts_and_keep_the_chosen_one():
    places = {"p1": "Ar-Raqqah (SY)", "p2": "Ḥamāh (SY)", "p3": "Homs (SY)", "p4": "Tell Hamad (SY)",
              "p5": "Beirut (LB)"}
    assert matching_places(places, "", 2) == ({"p1": "Ar-Raqqah (SY)", "p2": "Ḥamāh (SY)"}, 5)
    assert matching_places(places, "ham", 10) == ({"p2": "Ḥamāh (SY)", "p4": "Tell Hamad (SY)"}, 2)
    assert matching_places(places, "HAM", 1) == ({"p2": "Ḥamāh (SY)"}, 2)
    assert matching_places(places, "tell ha", 10) == ({"p4": "Tell Hamad (SY)"}, 1)
    assert matching_places(places, "amah", 10) == ({}, 0)  # word starts only, not any substring
    assert matching_places(places, "raqq", 10)[0] == {"p1": "Ar-Raqqah (SY)"}
    # The chosen place (from a link, or chosen before the search) stays a choice; an unknown one does not.
    assert matching_places(places, "beir", 10, chosen="p3") == ({"p5": "Beirut (LB)", "p3": "Homs (SY)"}, 1)
    assert matching_places(places, "", 1, chosen="p5") == ({"p1": "Ar-Raqqah (SY)", "p5": "Beirut (LB)"}, 5)
    assert matching_places(places, "beir", 10, chosen="gone") == ({"p5": "Beirut (LB)"}, 1)


# -- the table and the downloads on their own ----------------------------------------------------

def test_table_and_downloads_show_the_window(frames, store_path):
    entries, mentions = frames
    data = mapdata.prepare(*keyword(store_path, (entries, mentions), "homs"))
    window = (pd.Timestamp("2024-12-13T09:00Z"), pd.Timestamp("2024-12-13T11:00Z"))
    rows = mapdata.window_entry_rows(data, window)
    table = entries_table.table_frame(data, rows)
    assert table["headline"].tolist() == ["Quiet morning in Homs", "Road to Homs open again"]  # newest first
    assert table["time"].tolist() == ["13 Dec 2024 11:00 UTC", "13 Dec 2024 09:00 UTC"]  # not this year
    assert table["places"].tolist() == ["Homs, Syria", "Homs, Damascus"]
    assert set(table["source"]) == {"small-blog"}
    with EventStore(store_path) as store:
        sources = store.sources()
    got = entries_table.download_rows(data, rows, sources)
    assert [(r["headline"], r["place"]) for r in got] == [
        ("Road to Homs open again", "Homs"), ("Road to Homs open again", "Damascus"),
        ("Quiet morning in Homs", "Homs"), ("Quiet morning in Homs", "Syria")]
    geojson = json.loads(export.render("geojson", got))
    assert geojson["attribution"] == export.ATTRIBUTION and len(geojson["features"]) == 4
    assert len(list(csv.DictReader(io.StringIO(export.render("csv", got))))) == 4
    kml = ET.fromstring(export.render("kml", got).split("\n", 1)[1])
    assert export.ATTRIBUTION in ET.tostring(kml, encoding="unicode")


def test_a_row_selects_its_entry(frames):
    data = mapdata.prepare(*frames)
    window = (data.entries["time_utc"].min(), data.entries["time_utc"].max())
    state: dict = {}
    road = int(data.entries.loc[data.entries["headline"] == "Road to Homs open again", "entry_id"].iloc[0])
    assert table_ui.select_entry(state, data, road, window)
    # The first point the entry names (its headline names Homs), and the entry's row in the picker.
    assert state["place"] == HOMS
    assert int(data.entries.iloc[state[f"entry-{HOMS}"]]["entry_id"]) == road
    assert table_ui.shown_entry_id(state, data, window) == road
    early = (window[0], window[0])
    assert not table_ui.select_entry({}, data, road, early)  # outside the window: nothing chosen
    assert not table_ui.select_entry({}, data, 10**9, window)


# -- through the app --------------------------------------------------------------------------------

def caption_counts(at: AppTest) -> str:
    return next(c.value for c in at.caption if " between " in c.value)


def panel_text(at: AppTest) -> str:
    shown = "\n".join(h.value for h in at.html if '<div class="lbm-entry">' in h.value)
    return html.unescape(re.sub(r"<[^>]*>", "", shown))


def table(at: AppTest) -> pd.DataFrame:
    return next(d for d in at.dataframe if d.key and d.key.startswith("entries-table")).value


def test_app_filters_drive_map_table_and_downloads(store_path, monkeypatch):
    at = run_app(store_path, monkeypatch)
    assert caption_counts(at).startswith("5 entries and 6 places")
    assert len(table(at)) == 5
    # What is shown, in three formats (the review queue adds the corrections' download after them).
    assert [b.label for b in at.get("download_button")][:3] == ["Download CSV", "Download GeoJSON", "Download KML"]
    at.text_input(key="filter-q").input("homs").run()
    assert caption_counts(at).startswith("2 entries and 3 places")
    assert table(at)["headline"].tolist() == ["Quiet morning in Homs", "Road to Homs open again"]
    assert sorted(at.selectbox(key="place").options) == ["Damascus · 1 entry", "Homs · 2 entries",
                                                         "Syria · 1 entry"]
    # With the time window: the filters and the window combine.
    at.select_slider[0].set_range(0, 1).run()
    assert caption_counts(at).startswith("1 entry and 2 places")
    at.text_input(key="filter-q").input("").run()
    at.selectbox(key="filter-country").select("LB").run()
    at.select_slider[0].set_range(0, 4).run()
    assert caption_counts(at).startswith("1 entry and 2 places")
    assert table(at)["places"].tolist() == ["Beirut, Lebanon"]
    at.selectbox(key="filter-country").select(None).run()
    at.slider(key="filter-score").set_value(0.95).run()
    assert caption_counts(at).startswith("0 entries and 0 places")
    assert not at.exception


def test_app_choosing_a_row_selects_the_entry(store_path, monkeypatch):
    at = run_app(store_path, monkeypatch)
    listed = table(at)
    row = listed.index[listed["headline"] == "Ships leave Tartus"][0]
    key = next(d.key for d in at.dataframe if d.key and d.key.startswith("entries-table"))
    at.session_state[key] = {"selection": {"rows": [int(row)], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.selectbox(key="place").value == TARTUS
    assert "Ships leave Tartus" in panel_text(at)
    assert at.session_state[keys.RING_KEY] == int(listed.loc[row, "entry_id"])
    # Another row: the panel follows (the place picker too, to a place that entry names).
    row = listed.index[listed["headline"] == "Road to Homs open again"][0]
    at.session_state[key] = {"selection": {"rows": [int(row)], "columns": [], "cells": []}}
    at.run()
    assert at.selectbox(key="place").value == HOMS
    picker = at.selectbox(key=f"entry-{HOMS}")
    assert picker.format_func(picker.value) == "13 Dec 09:00  Road to Homs open again"
    assert "Road to Homs open again" in panel_text(at) and "Quiet morning" not in panel_text(at)


def test_the_table_lists_at_most_the_newest_rows(frames, monkeypatch):
    data = mapdata.prepare(*frames)
    rows = list(range(len(data.entries)))
    monkeypatch.setattr(entries_table, "MAX_TABLE_ROWS", 2)
    table = entries_table.table_frame(data, rows)
    newest_first = data.entries.iloc[rows[::-1]]["entry_id"].astype(int).tolist()
    assert table["entry_id"].tolist() == newest_first[:2]
    # Further pages go on where the last stopped; a page past the end shows the last one.
    pages = entries_table.page_count(len(rows))
    assert pages == (len(rows) + 1) // 2
    listed = [i for page in range(1, pages + 1) for i in entries_table.table_frame(data, rows, page)["entry_id"]]
    assert listed == newest_first
    assert entries_table.table_frame(data, rows, pages + 5)["entry_id"].tolist() == newest_first[(pages - 1) * 2:]


def test_a_step_that_lists_the_same_rows_takes_the_page_made_before(frames, monkeypatch):
    data = mapdata.prepare(*frames)
    rows = list(range(len(data.entries)))
    monkeypatch.setattr(entries_table, "MAX_TABLE_ROWS", 2)
    page = entries_table.table_frame(data, rows)
    # The window's start moved on: its newest two rows, the page, are the same.
    assert entries_table.table_frame(data, rows[1:]) is page
    assert entries_table.table_frame(data, rows[:-1]) is not page  # its end moved: other rows
    assert entries_table.table_frame(data, rows[:-1])["entry_id"].tolist() == \
        data.entries.iloc[rows[:-1][::-1][:2]]["entry_id"].astype(int).tolist()
    # Only the last few pages are kept.
    monkeypatch.setattr(entries_table, "MAX_TABLE_ROWS", 1)
    monkeypatch.setattr(entries_table, "TABLE_PAGES_KEPT", 2)
    assert len(rows) > 2
    for end in range(1, len(rows) + 1):
        entries_table.table_frame(data, rows[:end])
    assert len(entries_table._made_pages(data)[1]) == 2


def test_the_table_pages_through_a_long_window(store_path, monkeypatch):
    monkeypatch.setattr(entries_table, "MAX_TABLE_ROWS", 2)
    at = run_app(store_path, monkeypatch)
    first = table(at)
    assert len(first) == 2
    pager = at.number_input(key=keys.PAGE_KEY)
    assert pager.value == 1 and pager.max == entries_table.page_count(len(B.small_blog()) + 1)
    pager.set_value(2).run()
    second = table(at)
    assert len(second) == 2 and not set(second["entry_id"]) & set(first["entry_id"])
    assert any("Entries 3–4 of the window's" in c.value for c in at.caption)


def test_a_store_from_before_the_word_index_gets_one_when_opened(tmp_path):
    db = tmp_path / "events.db"
    with EventStore(db) as store:
        B.write_blog(store, "blog", B.small_blog())
    # Back to schema version 2, as a store written before the index was.
    with sqlite3.connect(db) as raw:
        undo_decisions(raw)
        undo_word_index(raw)
        raw.execute("PRAGMA user_version = 2")
    with EventStore(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert len(store.search("tartus")) == 1 and len(store.search("homs")) == 2
