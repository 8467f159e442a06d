"""Corrections: stored with who and when under the mention's lasting identity, surviving re-ingest,
laid over the mentions for the map, the table and the exports; the store of the previous schema
migrates; and through AppTest, the analyst corrects a place from the entry panel."""

from __future__ import annotations

import json
import sqlite3

import browser_support as B
import pytest
import streamlit as st
from app_support import run_app
from store_support import undo_decisions, undo_word_index
from word_geoparser import DAMASCUS, DAMASCUS_MD, WordGeoparser, blog, entry, sample_entries

from dashboard import corrections
from dashboard.export import export, export_rows
from dashboard.ingest import ingest_blog
from dashboard.store import SCHEMA_VERSION, EventStore, StoreError
from dashboard.store.schema import MIGRATIONS, migrate
from dashboard.view import panel


def ingest(store: EventStore, entries, **kw):
    return ingest_blog(blog(entries), store, source="test-blog", geoparser=WordGeoparser(), **kw)


def damascus_mention(store: EventStore, headline: str = "Statement from abroad"):
    entries, mentions = store.entries(), store.mentions()
    entry_id = int(entries.loc[entries["headline"] == headline, "entry_id"].iloc[0])
    own = mentions[(mentions["entry_id"] == entry_id) & (mentions["mention"] == "Damascus")]
    return entry_id, own.iloc[0]


@pytest.fixture
def store(tmp_path):
    with EventStore(tmp_path / "events.db") as opened:
        ingest(opened, sample_entries())
        yield opened


def test_a_store_of_the_previous_version_migrates(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, MIGRATIONS[:SCHEMA_VERSION - 1]) == SCHEMA_VERSION - 1
    conn.close()
    with EventStore(path) as old:  # an empty store of the previous version
        assert old.schema_version == SCHEMA_VERSION
    # A version-1 store holding data keeps every row through the migration.
    path = tmp_path / "filled.db"
    with EventStore(path) as filled:
        ingest(filled, sample_entries())
        before = filled.dump()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE corrections")
    undo_decisions(conn)
    undo_word_index(conn)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    with EventStore(path) as migrated:
        after = migrated.dump()
        assert after == before and after["corrections"] == [] and migrated.schema_version == SCHEMA_VERSION


def test_a_correction_moves_the_place_and_says_from_what(store):
    entry_id, mention = damascus_mention(store)
    store.correct_mention(entry_id, int(mention["start"]), int(mention["end"]), "Damascus", DAMASCUS_MD,
                          author="  Ana  Analyst ", was=DAMASCUS)
    fixes = store.corrections()
    assert len(fixes) == 1
    fix = fixes.iloc[0]
    assert (fix["author"], fix["was_name"], fix["place_name"], fix["country_code"]) == (
        "Ana Analyst", "Damascus", "Damascus", "US")
    assert fix["created_at"].tzinfo is not None
    mentions = corrections.apply(store.mentions(), fixes)
    moved = mentions[(mentions["entry_id"] == entry_id) & (mentions["start"] == mention["start"])].iloc[0]
    assert (moved["place_id"], moved["lat"], moved["corrected_from"], moved["corrected_by"]) == (
        DAMASCUS_MD.place_id, DAMASCUS_MD.latitude, "Damascus", "Ana Analyst")
    assert moved["score"] == 1.0
    # Other mentions of the same place elsewhere keep theirs.
    assert (mentions.loc[mentions["entry_id"] != entry_id, "place_id"] == DAMASCUS.place_id).any()
    note = panel.notes_html(corrections.entry_corrections(fixes, entry_id))
    assert "corrected from Damascus to Damascus, US" in note and "Ana Analyst" in note


def test_not_a_place_leaves_the_mention_out(store):
    entry_id, mention = damascus_mention(store)
    before = len(store.mentions())
    store.correct_mention(entry_id, int(mention["start"]), int(mention["end"]), "Damascus", None, author="Bo")
    mentions = corrections.apply(store.mentions(), store.corrections())
    assert len(mentions) == before - 1
    assert panel.note_lines(store.corrections())[0].startswith("“Damascus” is not a place")
    assert store.remove_correction(entry_id, int(mention["start"]), int(mention["end"]), "Damascus")
    assert store.corrections().empty and not store.remove_correction(entry_id, 0, 1, "x")


def test_corrections_survive_reingest_and_flow_into_exports(store):
    entry_id, mention = damascus_mention(store)
    store.correct_mention(entry_id, int(mention["start"]), int(mention["end"]), "Damascus", DAMASCUS_MD,
                          author="Ana")
    # The same blog again, then a version whose entry text changed after the mention (an update).
    ingest(store, sample_entries())
    changed = [*sample_entries()[:-1], entry(47, "Statement from abroad", sample_entries()[-1].body + " More later.")]
    report = ingest(store, changed)
    assert report.updated == 1
    assert len(store.corrections()) == 1
    rows = [r for r in export_rows(store) if r["entry_id"] == entry_id and r["mention"] == "Damascus"]
    # The entry names Damascus twice: the corrected mention is in Maryland, the other stays in Syria.
    assert [(r["country_code"], r["corrected_from"], r["corrected_by"]) for r in rows] == [
        ("US", "Damascus", "Ana"), ("SY", "", "")]
    geojson = json.loads(export(store, "geojson"))
    moved = [f for f in geojson["features"] if f["properties"]["corrected_by"] == "Ana"]
    assert moved[0]["geometry"]["coordinates"] == [DAMASCUS_MD.longitude, DAMASCUS_MD.latitude]


def test_bad_corrections_are_refused(store):
    entry_id, _ = damascus_mention(store)
    before = store.dump()
    with pytest.raises(StoreError, match="who"):
        store.correct_mention(entry_id, 0, 8, "Damascus", None, author="   ")
    with pytest.raises(StoreError, match="no entry"):
        store.correct_mention(10**9, 0, 8, "Damascus", None, author="Ana")
    assert store.dump() == before


def test_candidates_are_runner_ups_then_the_search():
    mention = {"place_id": "gn:1", "mention": "Homs", "alternatives": [
        {"place_id": "gn:2", "name": "Homs Lake", "lat": 34.6, "lon": 36.5, "country_code": "SY",
         "feature_code": "LK", "score": 0.2}, {"broken": True}]}
    found = corrections.candidates(mention, "", lambda name: pytest.fail("searched without a query"))
    assert [p.place_id for p in found] == ["gn:2"]
    searched = corrections.candidates(mention, " homs ", lambda name: [B.PLACES["Homs"], B.RUNNER_UP])
    assert [p.name for p in searched] == ["Homs Lake", "Homs", "Homs Lake"][: len(searched)]


# -- through the app --------------------------------------------------------------------------------

def test_app_corrects_a_place_from_the_panel(small_blog_db, monkeypatch):
    db = small_blog_db
    at = run_app(db, monkeypatch)
    tartus = B.PLACES["Tartus"].place_id
    at.selectbox(key="place").select(tartus).run()
    form = next(s for s in at.selectbox if s.key and s.key.startswith("fix-") and s.key.endswith("-choice"))
    # The place it has now is the default; "Not a place" is one choice among the others.
    assert form.options[0] == "Tartus (SY), as now" and "Not a place" in form.options
    assert any("Homs Lake" in o for o in form.options)
    save = next(b for b in at.button if b.key and b.key.endswith("-save") and b.key.startswith("fix-"))
    assert save.disabled  # nothing chosen yet, and no name
    # The name is asked for up front.
    assert any("Your name is required" in c.value for c in at.caption)
    form.select(B.RUNNER_UP.place_id).run()
    # Before Save, the form says what it will do.
    assert any(c.value.startswith("Will move “Tartus” in this entry from Tartus (SY) to Homs Lake")
               for c in at.caption)
    author = next(t for t in at.text_input if t.key and t.key.startswith("fix-") and t.key.endswith("-author"))
    author.input("<b>Ana</b>").run()
    save = next(b for b in at.button if b.key and b.key.endswith("-save") and b.key.startswith("fix-"))
    # Stored by the button's callback before the run: that one run shows the change, and the page is not
    # run again (a second run replaced the panel's boxes under a reader using them).
    reruns = []
    real_rerun = st.rerun
    monkeypatch.setattr(st, "rerun", lambda *args, **kwargs: reruns.append(args) or real_rerun(*args, **kwargs))
    save.click().run()
    assert not at.exception and not at.error
    assert reruns == []
    # After Save: a confirmation, and the reader is still on the same entry.
    assert any(s.value.startswith("Saved. Move “Tartus”") for s in at.success)
    assert any("Ships leave" in h.value for h in at.html if "lbm-entry" in h.value)
    with EventStore(db) as after:
        fixes = after.corrections()
    assert fixes["place_name"].tolist() == ["Homs Lake"] and fixes["author"].tolist() == ["<b>Ana</b>"]
    # The map's places follow (the headline's "Tartus" was corrected; the body's still names Tartus).
    labels = at.selectbox(key="place").options
    assert "Homs Lake · 1 entry" in labels and "Tartus · 1 entry" in labels
    at.selectbox(key="place").select(B.RUNNER_UP.place_id).run()
    notes = "\n".join(h.value for h in at.html if "lbm-corrections" in h.value)
    assert "corrected from Tartus to Homs Lake, SY" in notes
    assert "&lt;b&gt;Ana&lt;/b&gt;" in notes and "<b>Ana" not in notes
    # The name is remembered for the session: another entry's form starts with it.
    at.selectbox(key="place").select(B.PLACES["Homs"].place_id).run()
    other = next(t for t in at.text_input if t.key and t.key.startswith("fix-") and t.key.endswith("-author"))
    assert other.value == "<b>Ana</b>"


def test_app_correction_refused_by_the_store_says_so_once(small_blog_db, monkeypatch):
    at = run_app(small_blog_db, monkeypatch)
    at.selectbox(key="place").select(B.PLACES["Tartus"].place_id).run()

    def refuse(*args, **kwargs):
        raise StoreError("database is locked")

    monkeypatch.setattr(EventStore, "correct_mention", refuse)
    form = next(s for s in at.selectbox if s.key and s.key.startswith("fix-") and s.key.endswith("-choice"))
    form.select(B.RUNNER_UP.place_id).run()
    author = next(t for t in at.text_input if t.key and t.key.startswith("fix-") and t.key.endswith("-author"))
    author.input("Ana").run()
    next(b for b in at.button if b.key and b.key.endswith("-save") and b.key.startswith("fix-")).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["The correction was not saved."]
    assert any(c.value == "database is locked" for c in at.code)
    assert not any(s.value.startswith("Saved.") for s in at.success)
    with EventStore(small_blog_db) as after:
        assert after.corrections().empty
    at.run()  # said once, on the run after the click
    assert not at.error


def test_who_reviewed_is_read_per_category_as_it_was_per_row():
    import pandas as pd

    texts = ["", "ann", None, "", "bob", "nan", " "]
    for column in (pd.Series(texts, dtype=object), pd.Series(texts, dtype="category"),
                   pd.Series(texts, dtype="category").iloc[[1, 0, 2]]):
        assert corrections.named(column, missing=True).tolist() == (column.astype(str) != "").tolist()
        assert corrections.named(column, missing=False).tolist() == (column.fillna("").astype(str) != "").tolist()
    assert not corrections.named("", missing=True)  # a column the mentions do not have
