"""When each mention's event happened, stored: computed at ingest (one blog, a batch), kept through
re-ingest, edits and corrections, read back as the mentions frame's event columns, and given the
report time when an older store is migrated."""

from __future__ import annotations

import dataclasses
import io
import sqlite3
from datetime import UTC, datetime

import pandas as pd
import pytest
from batch_support import logical_dump
from store_support import back_to_version
from word_geoparser import DAMASCUS_MD, WordGeoparser, blog, entry, sample_entries

import dashboard.ingest
from dashboard import corrections
from dashboard.cli import main
from dashboard.ingest import ingest_blog
from dashboard.store import SCHEMA_VERSION, EventStore
from dashboard.store.schema import MIGRATIONS, _migrate_add_event_times

# 4 May 2031, the entries' day, is a Sunday.
CONVOY = entry(60, "Convoy update", "Trucks left Homs on Friday morning. Ministers will meet in Cairo on Tuesday. "
                                    "Crowds gathered in Aleppo.")


def utc(*parts: int) -> pd.Timestamp:
    return pd.Timestamp(datetime(*parts, tzinfo=UTC))


def ingest(store: EventStore, entries, **kw):
    return ingest_blog(blog(entries), store, source="test-blog", geoparser=WordGeoparser(), **kw)


@pytest.fixture
def store(tmp_path):
    with EventStore(tmp_path / "events.db") as opened:
        yield opened


def by_mention(store: EventStore) -> dict[str, dict]:
    frame = store.mentions()
    return {m["mention"]: m for m in frame.to_dict("records")}


def test_each_mention_is_stored_with_when_its_event_happened(store):
    ingest(store, [CONVOY])
    found = by_mention(store)
    homs, cairo, aleppo = found["Homs"], found["Cairo"], found["Aleppo"]
    assert (homs["event_start"], homs["event_end"]) == (utc(2031, 5, 2, 6), utc(2031, 5, 2, 11, 59, 59))
    assert (homs["event_precision"], homs["event_words"], homs["event_expected"]) == (
        "part of day", "on Friday morning", False)
    # A coming event: its future day, marked as expected.
    assert cairo["event_start"].date() == datetime(2031, 5, 6).date() and cairo["event_expected"]
    # No expression governs it: both ends are the entry's time, precision "report".
    assert aleppo["event_start"] == aleppo["event_end"] == aleppo["time_utc"] == utc(2031, 5, 4, 10)
    assert (aleppo["event_precision"], aleppo["event_words"], aleppo["event_expected"]) == ("report", "", False)
    frame = store.mentions()
    assert str(frame["event_start"].dtype) == str(frame["event_end"].dtype) == "datetime64[ns, UTC]"
    assert frame["event_expected"].dtype == bool


def test_times_are_read_in_the_blogs_zone(store):
    # Time lines that name no zone were read in the zone the ingest was given: "Friday morning" in
    # Damascus starts three hours before it does in UTC.
    unzoned = dataclasses.replace(CONVOY, time_given="13:00")
    ingest(store, [unzoned], tz="Asia/Damascus")
    assert by_mention(store)["Homs"]["event_start"] == utc(2031, 5, 2, 3)


def test_an_edited_entry_gets_its_times_again_and_a_repeated_ingest_writes_nothing(store):
    ingest(store, [CONVOY])
    before = store.dump()
    assert ingest(store, [CONVOY]).unchanged == 1 and store.dump() == before
    edited = entry(60, "Convoy update", "Trucks left Homs overnight. Crowds gathered in Aleppo.")
    assert ingest(store, [edited]).updated == 1
    homs = by_mention(store)["Homs"]
    assert homs["event_words"] == "overnight" and homs["event_start"] < homs["time_utc"]
    assert set(by_mention(store)) == {"Homs", "Aleppo"}


def test_corrections_and_review_decisions_keep_the_event_time(store):
    ingest(store, [entry(60, "Damascus", "Shelling hit Damascus on Friday morning.")])
    frame = store.mentions()
    body = frame[frame["start"] > 10].iloc[0]
    store.correct_mention(int(body["entry_id"]), int(body["start"]), int(body["end"]), "Damascus", DAMASCUS_MD,
                          author="Ana")
    laid = corrections.laid_over(store)
    moved = laid[laid["start"] == body["start"]].iloc[0]
    assert moved["place_id"] == DAMASCUS_MD.place_id and moved["corrected_by"] == "Ana"
    assert (moved["event_start"], moved["event_words"]) == (body["event_start"], "on Friday morning")


def test_an_older_store_migrates_with_report_times_and_a_reparse_computes_them(tmp_path):
    path = tmp_path / "old.db"
    with EventStore(path) as filled:
        ingest(filled, [*sample_entries(), CONVOY])
    conn = sqlite3.connect(path, isolation_level=None)
    back_to_version(conn, MIGRATIONS.index(_migrate_add_event_times))
    conn.close()
    with EventStore(path) as migrated:
        assert migrated.schema_version == SCHEMA_VERSION
        frame = migrated.mentions()
        assert set(frame["event_precision"]) == {"report"} and set(frame["event_words"]) == {""}
        assert (frame["event_start"] == frame["time_utc"]).all() and (frame["event_end"] == frame["time_utc"]).all()
        # Unchanged entries stay as they are; a reparse computes what the migration could not.
        assert ingest(migrated, [*sample_entries(), CONVOY]).unchanged == 6
        assert by_mention(migrated)["Homs"]["event_precision"] == "report"
        report = ingest(migrated, [*sample_entries(), CONVOY], reparse=True)
        assert report.remapped == 3  # the convoy entry, the sample's "this morning" and its "before dawn"
        assert by_mention(migrated)["Homs"]["event_words"] == "on Friday morning"


def test_a_fault_in_the_rules_keeps_the_places_at_the_report_time_with_a_warning(store, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("rules broke")

    monkeypatch.setattr("dashboard.events.entry_event_times", broken)
    report = ingest(store, [CONVOY])
    assert report.mentions == 3 and set(store.mentions()["event_precision"]) == {"report"}
    assert any("kept at the report time" in w and "rules broke" in w for w in report.warnings)


TIMED_BLOG = """\
Coast live

Sunday 4 May 2031

Reporters follow the ports.

04:10 PM GMT

Ferries leave

The ferry from Beirut reached Latakia on Friday evening.
"""


def test_a_batch_stores_event_times_as_one_ingest_does(tmp_path, monkeypatch):
    monkeypatch.setattr(dashboard.ingest, "default_geoparser", lambda: WordGeoparser())
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "coast.txt").write_text(TIMED_BLOG, encoding="utf-8")
    (folder / "other.txt").write_text(TIMED_BLOG.replace("Coast", "Harbour"), encoding="utf-8")
    batch_db, single_db = tmp_path / "batch.db", tmp_path / "single.db"
    out = io.StringIO()
    assert main(["ingest", str(folder), "--db", str(batch_db), "--jobs", "1"], stdout=out, stderr=io.StringIO()) == 0
    for name in ("coast", "other"):
        assert main(["ingest", str(folder / f"{name}.txt"), "--db", str(single_db)], stdout=out,
                    stderr=io.StringIO()) == 0
    dump = logical_dump(batch_db)
    assert dump["mentions"] == logical_dump(single_db)["mentions"]
    timed = [row for row in dump["mentions"] if row[6] == "Latakia"]
    assert len(timed) == 2 and {row[-3:] for row in timed} == {("part of day", "on Friday evening", 0)}
