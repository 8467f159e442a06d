"""Trusting markers: confidence in words and number, the precision class, review decisions that settle
every mention of the same words (in a blog or in all blogs), undo, added mentions, surviving a
re-ingest; the review queue's groups and the summary per blog; exports of places and corrections."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import browser_support as B
import pytest
import streamlit as st
from app_support import run_app
from map_support import drawn_places
from review_support import JORDAN, PLACES, doubtful_blog, write_doubtful
from word_geoparser import DAMASCUS_MD, WordGeoparser, blog, sample_entries

from dashboard import corrections as trust
from dashboard.cli import main
from dashboard.export import COLUMNS, CORRECTION_COLUMNS, export
from dashboard.ingest import ingest_blog
from dashboard.model import Caption
from dashboard.store import EventStore, StoreError, entry_rows
from dashboard.view import mapdata, panel, review


@pytest.fixture
def store(tmp_path):
    with EventStore(tmp_path / "events.db") as opened:
        write_doubtful(opened)
        yield opened


def jordan_entries(store: EventStore) -> list[int]:
    mentions = store.mentions()
    return sorted({int(e) for e in mentions.loc[mentions["mention"] == "Jordan", "entry_id"]})


# -- how sure ---------------------------------------------------------------------------------------

def test_confidence_in_words_and_number_with_one_threshold():
    assert trust.confidence_text(0.82) == "likely 0.82"
    assert trust.confidence_text(0.41) == "check this 0.41"
    assert trust.confidence_text(trust.DOUBT_BELOW) == f"likely {trust.DOUBT_BELOW:.2f}"
    assert trust.confidence_text(0.41, reviewed=True) == "reviewed 0.41"
    assert trust.confidence_text(10.06) == "not scored" and trust.confidence_text(None) == "not scored"
    assert trust.is_doubtful(0.41) and not trust.is_doubtful(0.41, reviewed=True) and not trust.is_doubtful(0.9)


@pytest.mark.parametrize(("code", "cls", "expected"), [
    ("PCLI", "A", "country or wider"), ("CONT", "L", "country or wider"), ("SEA", "H", "country or wider"),
    ("PPLA", "P", "town"), ("PPLC", "", "town"), ("ADM1", "A", "region"), ("ADM2", "", "region"),
    ("LK", "H", "region"), ("AIRP", "S", "site"), ("BDG", "S", "site"), ("", "", "site"), ("ST", "R", "town"),
])
def test_precision_class_from_the_feature_code(code, cls, expected):
    assert trust.precision_class(code, cls) == expected


def test_markers_carry_confidence_precision_and_doubt(store):
    data = mapdata.prepare(store.entries(), trust.laid_over(store))
    window = (data.entries["time_utc"].min(), data.entries["time_utc"].max())
    drawing = mapdata.for_drawing(mapdata.window_places(data, window))
    payload = {p["name"]: p for p in drawn_places(data, mapdata.layer_payload(data, drawing))}
    assert payload["Jordan"]["doubt"] and payload["Jordan"]["sure"] == "check this 0.41"
    assert payload["Jordan"]["prec"] == "country or wider"
    assert not payload["Homs"]["doubt"] and payload["Homs"]["sure"] == "likely 0.90"
    assert payload["Homs"]["prec"] == "town"


# -- the queue ------------------------------------------------------------------------------------------

def test_queue_groups_doubtful_words_worst_first_with_context(store):
    groups = review.doubtful_groups(store.entries(), trust.laid_over(store))
    assert [g.shown for g in groups] == ["Jordan"]
    jordan = groups[0]
    assert (jordan.mentions, len(jordan.entry_ids), jordan.precision) == (2, 2, "country or wider")
    assert jordan.label == ("“Jordan”: 2 mentions in 2 entries, placed at Jordan, JO (country or wider), "
                            "check this 0.41")
    assert jordan.contexts[0] == ("", "Jordan", "Peters said talks in Damascus went on.")
    assert "<b>Jordan</b>" in review.group_html(jordan)


def test_not_a_place_once_settles_the_group_and_undo_brings_it_back(store):
    before = trust.laid_over(store)
    batch = store.decide("jordan ", trust.NOT_PLACE, None, author="Ana", entry_ids=jordan_entries(store))
    after = trust.laid_over(store)
    assert "Jordan" not in set(after["mention"]) and len(after) == len(before) - 2
    assert review.doubtful_groups(store.entries(), after) == []
    assert store.undo(batch) and not store.undo(batch)
    assert trust.laid_over(store)["mention"].tolist() == before["mention"].tolist()


def test_choose_and_confirm_mark_reviewed(store):
    ids = jordan_entries(store)
    store.decide("Jordan", trust.CHOOSE, DAMASCUS_MD, author="Bo", entry_ids=ids[:1],
                 was=JORDAN)
    store.decide("Jordan", trust.CONFIRM, None, author="Cy", entry_ids=ids[1:])
    laid = trust.laid_over(store).set_index("entry_id")
    moved, kept = laid.loc[ids[0]], laid.loc[ids[1]]
    moved = moved[moved["mention"] == "Jordan"].iloc[0]
    kept = kept[kept["mention"] == "Jordan"].iloc[0]
    assert (moved["place_id"], moved["corrected_from"], moved["reviewed_by"], moved["score"]) == (
        DAMASCUS_MD.place_id, "Jordan", "Bo", 1.0)
    assert (kept["place_id"], kept["reviewed_by"], kept["score"]) == (JORDAN.place_id, "Cy", 0.41)
    # The confirmed marker is reviewed (no longer doubtful) on the map.
    data = mapdata.prepare(store.entries(), trust.laid_over(store))
    assert bool(data.places.set_index("place_id").at[JORDAN.place_id, "reviewed"])


def test_a_decision_in_all_blogs_reaches_other_blogs_and_later_ones(store):
    store.decide("Jordan", trust.NOT_PLACE, None, author="Ana", everywhere=True)
    write_doubtful(store, "another-blog")  # a blog added after the decision
    assert "Jordan" not in set(trust.laid_over(store)["mention"])
    # A decision for this blog is more specific than one for all blogs.
    first = int(store.sources().set_index("name").at["doubt-blog", "source_id"])
    store.decide("Jordan", trust.CONFIRM, None, author="Bo",
                 entry_ids=[e for e in jordan_entries(store) if int(store.entries().set_index("entry_id").at[
                     e, "source_id"]) == first])
    laid = trust.laid_over(store)
    assert laid.loc[laid["mention"] == "Jordan", "source_id"].tolist() == [first, first]


def test_decisions_and_added_mentions_survive_reingest(store):
    ids = jordan_entries(store)
    store.decide("Jordan", trust.NOT_PLACE, None, author="Ana", entry_ids=ids)
    entries = store.entries()
    tartus_entry = entries[entries["headline"] == "Ships leave Tartus"].iloc[0]
    text = trust.entry_text(tartus_entry)
    start = text.index("Baniyas")
    store.add_mention(int(tartus_entry["entry_id"]), start, start + 7, "Baniyas",
                      trust.pinned_place("Baniyas", 35.18, 35.95), author="Ana")
    before = trust.laid_over(store)
    assert "Baniyas" in set(before["mention"])
    write_doubtful(store)  # the same blog again
    # An edited entry: text before the added words moves them; the decision is found by identity + words.
    edited = doubtful_blog()
    edited[2] = B.entry("2024-12-13T10:00:00+00:00", "Ships leave Tartus", "Later: two ships left Tartus, near "
                        "Baniyas.", [Caption("The harbour at =SUM(A1)", "")])
    edited[1] = B.entry("2024-12-13T09:00:00+00:00", "More from Homs", "Update: Jordan said the road to Homs was open.")
    rows = entry_rows(edited)
    mentions = {row.key: [B.Mention(m.start, m.end, m.text, m.place, 0.41 if m.text == "Jordan" else 0.9)
                          for m in B.find_mentions(row.entry.text, PLACES)] for row in rows}
    assert store.write_blog(source="doubt-blog", title="", url=None, rows=rows, mentions=mentions).updated == 2
    after = trust.laid_over(store)
    assert "Jordan" not in set(after["mention"])
    baniyas = after[after["mention"] == "Baniyas"].iloc[0]
    assert trust.entry_text(store.entries().set_index("entry_id").loc[int(baniyas["entry_id"])])[
        int(baniyas["start"]):int(baniyas["end"])] == "Baniyas"


def test_bad_decisions_are_refused(store):
    before = store.dump()
    with pytest.raises(StoreError, match="your name"):
        store.decide("Jordan", trust.NOT_PLACE, None, author=" ", entry_ids=jordan_entries(store))
    with pytest.raises(StoreError, match="choose or pin"):
        store.decide("Jordan", trust.CHOOSE, None, author="Ana", entry_ids=jordan_entries(store))
    with pytest.raises(StoreError, match="no longer"):
        store.decide("Jordan", trust.NOT_PLACE, None, author="Ana", entry_ids=[10**9])
    with pytest.raises(ValueError, match="not a point"):
        trust.pinned_place("x", 95.0, 0.0)
    with pytest.raises(ValueError, match="two numbers"):
        trust.parse_point("33.5")
    assert trust.parse_point("33.51, 36.29") == (33.51, 36.29)
    assert store.dump() == before


def test_review_summary_per_blog(store):
    counts = {1: store.summary(1).mentions}
    fresh = review.review_summary(counts, trust.laid_over(store)).iloc[0]
    assert (fresh["doubtful"], fresh["reviewed"], fresh["corrected"]) == (2, 0, 0)
    store.decide("Jordan", trust.NOT_PLACE, None, author="Ana", entry_ids=jordan_entries(store)[:1])
    store.decide("Jordan", trust.CONFIRM, None, author="Ana", entry_ids=jordan_entries(store)[1:])
    row = review.review_summary(counts, trust.laid_over(store)).iloc[0]
    assert (row["doubtful"], row["reviewed"], row["corrected"]) == (0, 1, 1)
    assert review.summary_line(row, "doubt-blog").startswith("doubt-blog: 4 markers, 0 doubtful, 1 reviewed")


def test_panel_runner_ups_on_the_same_scale_and_never_the_chosen_place(store):
    mentions = store.with_runner_ups(trust.laid_over(store))
    rows = panel.resolution_rows(mentions[mentions["mention"] == "Homs"])
    assert rows[0][4] == "likely 0.90" and rows[0][5] == "Homs Lake, SY (LK) check this 0.25"
    entry_id = int(mentions.loc[mentions["mention"] == "Homs", "entry_id"].iloc[0])
    m = mentions[(mentions["mention"] == "Homs") & (mentions["entry_id"] == entry_id)].iloc[0]
    store.correct_mention(entry_id, int(m["start"]), int(m["end"]), "Homs", B.RUNNER_UP, author="Ana")
    fixed = store.with_runner_ups(trust.laid_over(store))
    row = panel.resolution_rows(fixed[(fixed["entry_id"] == entry_id) & (fixed["mention"] == "Homs")])[0]
    assert row[1].startswith("Homs Lake") and row[5] == "none" and row[4] == "reviewed 1.00"


# -- exports ----------------------------------------------------------------------------------------

def test_exports_leave_not_a_place_out_and_list_it_with_who_and_when(store):
    store.decide("Jordan", trust.NOT_PLACE, None, author="=Ana", entry_ids=jordan_entries(store))
    places = list(csv.DictReader(io.StringIO(export(store, "csv"), newline="")))
    assert places and "Jordan" not in {r["mention"] for r in places}
    assert tuple(places[0]) == COLUMNS and {r["place_precision"] for r in places} == {"town"}
    fixes = list(csv.DictReader(io.StringIO(export(store, "csv", what="corrections"), newline="")))
    assert tuple(fixes[0]) == CORRECTION_COLUMNS
    assert [(r["mention"], r["decision"], r["corrected_by"]) for r in fixes] == [
        ("jordan", "not-a-place", "'=Ana")] * 2
    assert all(r["corrected_at"].endswith("+00:00") and r["lat"] == "" for r in fixes)
    collection = json.loads(export(store, "geojson", what="corrections"))
    assert [f["geometry"] for f in collection["features"]] == [None, None]
    ET.fromstring(export(store, "kml", what="corrections"))
    with pytest.raises(ValueError, match="unknown export"):
        export(store, "csv", what="people")


def test_csv_guards_formula_text_and_keeps_numbers(store):
    text = export(store, "csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(COLUMNS)
    for row in rows[1:]:
        for column, cell in zip(COLUMNS, row, strict=True):
            if column in ("lat", "lon", "score", "entry_id", "geonameid"):
                assert cell == "" or float(cell) == float(cell)  # a plain number
            else:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    guarded = [r for r in csv.DictReader(io.StringIO(text, newline="")) if "SUM" in r["text"]]
    assert guarded and all(r["text"].startswith("Ships leave") for r in guarded)
    from dashboard.export import to_csv

    row = dict.fromkeys(COLUMNS, "")
    row.update({"headline": "=HYPERLINK(1)", "mention": "+1", "place": "-x", "source": "@a", "url": "\tb",
                "time_given": "\rc", "lat": -33.9, "lon": -18.4, "score": 0.5})
    out = next(csv.DictReader(io.StringIO(to_csv([row]), newline="")))
    assert [out[c] for c in ("headline", "mention", "place", "source", "url", "time_given")] == [
        "'=HYPERLINK(1)", "'+1", "'-x", "'@a", "'\tb", "'\rc"]
    assert (out["lat"], out["lon"]) == ("-33.9", "-18.4")


def test_geojson_and_kml_carry_the_same_names(store):
    collection = json.loads(export(store, "geojson"))
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert tuple(feature["properties"]) == COLUMNS
    root = ET.fromstring(export(store, "kml"))
    names = [d.get("name") for d in root.iter("{http://www.opengis.net/kml/2.2}Data")]
    assert tuple(names[:len(COLUMNS)]) == COLUMNS


def test_cli_exports_corrections_and_tells_the_review_summary(store, tmp_path):
    store.decide("Jordan", trust.NOT_PLACE, None, author="Ana", entry_ids=jordan_entries(store))
    out, err = io.StringIO(), io.StringIO()
    assert main(["export", "--format", "csv", "--what", "corrections", "--db", str(store.path)],
                stdout=out, stderr=err) == 0
    assert "not-a-place" in out.getvalue() and "Ana" in out.getvalue()
    info = io.StringIO()
    assert main(["info", "--db", str(store.path)], stdout=info, stderr=err) == 0
    assert "review: 3 markers, 0 doubtful, 0 reviewed, 2 corrected" in info.getvalue()


def test_ingested_blog_keeps_every_decision(tmp_path):
    with EventStore(tmp_path / "events.db") as store:
        ingest_blog(blog(sample_entries()), store, source="test-blog", geoparser=WordGeoparser())
        mentions = store.mentions()
        ids = sorted({int(e) for e in mentions.loc[mentions["mention"] == "Damascus", "entry_id"]})
        store.decide("Damascus", trust.CHOOSE, DAMASCUS_MD, author="Ana", entry_ids=ids)
        before = trust.laid_over(store)
        # Re-ingested twice: as it is, and geoparsed again (its mentions written afresh).
        ingest_blog(blog(sample_entries()), store, source="test-blog", geoparser=WordGeoparser())
        ingest_blog(blog(sample_entries()), store, source="test-blog", geoparser=WordGeoparser(), reparse=True)
        after = trust.laid_over(store)
        assert after[["entry_id", "mention", "place_id", "reviewed_by"]].equals(
            before[["entry_id", "mention", "place_id", "reviewed_by"]])
        assert set(after.loc[after["mention"] == "Damascus", "place_id"]) == {DAMASCUS_MD.place_id}


# -- through the app --------------------------------------------------------------------------------

def test_app_review_queue_settles_a_group(tmp_path, monkeypatch):
    db = tmp_path / "events.db"
    with EventStore(db) as store:
        write_doubtful(store)
    at = run_app(db, monkeypatch)
    # The queue is worked out when asked for, not by every page.
    assert not [s for s in at.selectbox if s.key == "review-group"]
    assert any(e.label == "Review doubtful places" for e in at.expander)
    at.button(key="review-find").click().run()
    group = at.selectbox(key="review-group")
    assert group.options[0].startswith("“Jordan”: 2 mentions in 2 entries")
    assert any(e.label.startswith("Review doubtful places (1 group") for e in at.expander)
    assert any("doubt-blog: 4 markers, 2 doubtful, 0 reviewed, 0 corrected" in c.value for c in at.caption)
    at.radio(key="review-action").set_value(trust.NOT_PLACE).run()
    assert at.button(key="review-apply").disabled  # no name yet
    at.text_input(key="review-author").input("Ana").run()
    assert any(c.value.startswith("Will take every “Jordan” in 2 entries") for c in at.caption)
    # The decision is stored by the button's callback, before the run: that one run draws the map and the
    # panel without "Jordan", and the page is not run a second time (which replaced the panel's boxes).
    reruns = []
    real_rerun = st.rerun
    monkeypatch.setattr(st, "rerun", lambda *args, **kwargs: reruns.append(args) or real_rerun(*args, **kwargs))
    at.button(key="review-apply").click().run()
    assert not at.exception
    assert "Jordan · 2 entries" not in at.selectbox(key="place").options
    assert any(s.value.startswith("Done. Take every “Jordan”") for s in at.success)
    undo = [b for b in at.button if b.key and b.key.startswith("undo-")]
    assert len(undo) == 1
    undo[0].click().run()
    assert any(o.startswith("Jordan") for o in at.selectbox(key="place").options)
    assert reruns == []


def test_app_review_decision_refused_by_the_store_says_so(tmp_path, monkeypatch):
    db = tmp_path / "events.db"
    with EventStore(db) as store:
        write_doubtful(store)
    at = run_app(db, monkeypatch)

    def refuse(*args, **kwargs):
        raise StoreError("database is locked")

    monkeypatch.setattr(EventStore, "decide", refuse)
    at.button(key="review-find").click().run()
    at.radio(key="review-action").set_value(trust.NOT_PLACE).run()
    at.text_input(key="review-author").input("Ana").run()
    at.button(key="review-apply").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["The decision was not saved."]
    assert any(c.value == "database is locked" for c in at.code)
    assert not any(s.value.startswith("Done.") for s in at.success)
    assert any(o.startswith("Jordan") for o in at.selectbox(key="place").options)
    at.run()  # said once, on the run after the click
    assert not at.error
