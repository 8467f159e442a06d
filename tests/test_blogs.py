"""Blogs as wholes: listed, renamed, deleted, and re-dated by ingesting again with another date or zone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cli_support import run, use_word_geoparser
from word_geoparser import DAMASCUS_MD

from dashboard.store import EventStore, StoreError
from dashboard.store.schema import MIGRATIONS, migrate

# A blog with time lines but no date line of its own: its day comes from --date. Our own words.
UNDATED = """\
Harbour towns: live

Ferries and lorries are moving again along the coast.

09:10 GMT
Damascus road open
The road from Damascus to the coast reopened at dawn, drivers said.

11:45 GMT
Port busy in Latakia
Cranes in Latakia unloaded grain, and a ferry left for Beirut.

13:20 GMT
Queue at the border
Cars queued for hours at the crossing towards Lebanon.
"""

# A second blog, so that deleting one is seen to leave the other alone.
OTHER = """\
Northern roads

Wednesday 4 March 2026

08:00 GMT
Snow near Aleppo
Snow closed the road north of Aleppo overnight.

10:30 GMT
Ploughs out
Ploughs cleared the way from Aleppo to Homs by mid-morning.
"""



@pytest.fixture(autouse=True)
def word_geoparser(monkeypatch):
    return use_word_geoparser(monkeypatch)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "events.db"


@pytest.fixture
def files(tmp_path) -> tuple[Path, Path]:
    harbour, roads = tmp_path / "harbour.txt", tmp_path / "roads.txt"
    harbour.write_text(UNDATED, encoding="utf-8")
    roads.write_text(OTHER, encoding="utf-8")
    return harbour, roads


def correct_damascus(store: EventStore) -> None:
    """An analyst's correction: the Damascus of the first timed entry is the one in Maryland."""
    mentions = store.mentions()
    entries = store.entries()
    first = entries[~entries["is_lead"]].iloc[0]
    row = mentions[(mentions["entry_id"] == first["entry_id"]) & (mentions["mention"] == "Damascus")].iloc[0]
    store.correct_mention(int(row["entry_id"]), int(row["start"]), int(row["end"]), "Damascus", DAMASCUS_MD,
                          author="tester")


def test_ingesting_again_with_another_date_replaces_the_entries_and_keeps_the_correction(db, files):
    harbour, _ = files
    assert run(["ingest", str(harbour), "--date", "2024-12-12", "--db", str(db)])[0] == 0
    with EventStore(db) as store:
        correct_damascus(store)
    code, out, err = run(["ingest", str(harbour), "--date", "2024-12-13", "--db", str(db)])
    assert code == 0, err
    assert "re-dated (was 2024-12-12, no zone given): 3 earlier entries replaced" in out
    assert "1 re-attached, 0 whose words are gone" in out
    assert "not in this version (kept)" not in out
    with EventStore(db) as store:
        entries = store.entries()
        timed = entries[~entries["is_lead"]]
        assert len(entries) == 4 and len(timed) == 3
        assert {t.date().isoformat() for t in timed["time_utc"]} == {"2024-12-13"}
        fixes = store.corrections()
        assert len(fixes) == 1 and fixes.iloc[0]["place_id"] == DAMASCUS_MD.place_id
        assert fixes.iloc[0]["entry_id"] == timed.iloc[0]["entry_id"]
        # No row is left over from the first date: no mention of a deleted entry, no stray correction.
        assert store._query("SELECT count(*) FROM mentions WHERE entry_id NOT IN (SELECT entry_id FROM entries)") \
            == [(0,)]
        assert store._query("SELECT count(*) FROM corrections") == [(1,)]
        assert len(store.search("dawn")) == 1
        [blog] = store.blogs()
        assert (blog.date_used, blog.zone_used, blog.entries) == ("2024-12-13", "", 4)


def test_another_zone_replaces_too_and_the_same_date_adds_nothing(db, files):
    harbour, _ = files
    run(["ingest", str(harbour), "--date", "2024-12-13", "--db", str(db)])
    code, out, _ = run(["ingest", str(harbour), "--date", "2024-12-13", "--db", str(db)])
    assert "0 added, 0 updated, 4 unchanged" in out and "re-dated" not in out
    # The times say GMT, so another zone changes no time: nothing is added and nothing is lost.
    code, out, _ = run(["ingest", str(harbour), "--date", "2024-12-13", "--tz", "Asia/Damascus", "--db", str(db)])
    assert code == 0 and "re-dated (was 2024-12-13, no zone given): 0 earlier entries replaced" in out
    with EventStore(db) as store:
        assert len(store.entries()) == 4
        assert store.blogs()[0].zone_used == "Asia/Damascus"


def test_a_blog_stored_before_dates_were_recorded_is_recorded_not_replaced(db, files):
    harbour, _ = files
    run(["ingest", str(harbour), "--date", "2024-12-12", "--db", str(db)])
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE sources SET date_used = NULL, zone_used = NULL")
    with EventStore(db) as store:
        assert store.blogs()[0].date_used is None
    _, out, _ = run(["ingest", str(harbour), "--date", "2024-12-13", "--db", str(db)])
    assert "re-dated" not in out and "3 stored entries are not in this version (kept)" in out
    with EventStore(db) as store:
        assert store.blogs()[0].date_used == "2024-12-13"


def test_blogs_lists_each_blog(db, files):
    harbour, roads = files
    run(["ingest", str(harbour), "--date", "2024-12-13", "--tz", "Europe/London", "--url",
         "https://news.example/harbour", "--db", str(db)])
    run(["ingest", str(roads), "--db", str(db)])
    code, out, err = run(["blogs", "--db", str(db)])
    assert code == 0, err
    assert "harbour: 4 entries, 2024-12-13 09:10 to 2024-12-13 13:20 UTC" in out
    assert "url: https://news.example/harbour" in out
    assert "date and zone given: 2024-12-13, Europe/London; last ingest " in out
    assert "roads: 3 entries, 2026-03-04 08:00 to 2026-03-04 10:30 UTC" in out
    assert "date and zone given: no date given, no zone given" in out
    assert out.index("roads:") < out.index("harbour:")  # most recently ingested first


def test_blogs_rename_moves_the_corrections_with_the_blog(db, files):
    harbour, roads = files
    run(["ingest", str(harbour), "--date", "2024-12-13", "--db", str(db)])
    run(["ingest", str(roads), "--db", str(db)])
    with EventStore(db) as store:
        correct_damascus(store)
    code, out, err = run(["blogs", "rename", "harbour", "Coast  live", "--db", str(db)])
    assert code == 0, err
    assert "renamed 'harbour' to 'Coast live'" in out
    with EventStore(db) as store:
        assert sorted(b.name for b in store.blogs()) == ["Coast live", "roads"]
        assert len(store.corrections()) == 1
    code, _, err = run(["blogs", "rename", "roads", "Coast live", "--db", str(db)])
    assert code == 1 and "already in the store" in err
    code, _, err = run(["blogs", "rename", "nothing", "x", "--db", str(db)])
    assert code == 1 and "no blog named 'nothing'" in err


def test_blogs_delete_asks_and_leaves_nothing_of_the_blog(db, files):
    harbour, roads = files
    run(["ingest", str(harbour), "--date", "2024-12-13", "--db", str(db)])
    run(["ingest", str(roads), "--db", str(db)])
    with EventStore(db) as store:
        correct_damascus(store)
        harbour_id = store.source_id("harbour")
        doomed = set(store.entries([harbour_id])["entry_id"])
    before = EventStore(db).dump()
    code, out, _ = run(["blogs", "delete", "harbour", "--db", str(db)], answer="n\n")
    assert code == 1 and "nothing deleted" in out
    assert EventStore(db).dump() == before

    code, out, err = run(["blogs", "delete", "harbour", "--yes", "--db", str(db)])
    assert code == 0, err
    assert "deleted 'harbour': 4 entries" in out and "1 corrections" in out
    with EventStore(db) as store:
        assert store.source_id("harbour") is None
        assert store._query("SELECT count(*) FROM entries WHERE source_id = ?", (harbour_id,)) == [(0,)]
        assert store._query("SELECT count(*) FROM mentions WHERE entry_id NOT IN (SELECT entry_id FROM entries)") \
            == [(0,)]
        assert store._query("SELECT count(*) FROM corrections") == [(0,)]
        word_rows = {rowid for (rowid,) in store._query("SELECT rowid FROM entry_words")}
        assert not word_rows & doomed
        assert store.search("ferry") == [] and len(store.search("aleppo")) == 2
        # The other blog and the places it names stay; places only the deleted blog named are gone.
        assert [b.name for b in store.blogs()] == ["roads"]
        assert {p for (p,) in store._query("SELECT name FROM places")} == {"Aleppo", "Homs"}

    code, out, _ = run(["blogs", "delete", "harbour", "--db", str(db)], answer="y\n")
    assert code == 1


def test_blogs_delete_confirmed_at_the_prompt(db, files):
    harbour, _ = files
    run(["ingest", str(harbour), "--date", "2024-12-13", "--db", str(db)])
    code, out, _ = run(["blogs", "delete", "harbour", "--db", str(db)], answer="yes\n")
    assert code == 0 and "Delete 'harbour' and its 4 entries" in out
    code, out, _ = run(["blogs", "--db", str(db)])
    assert out.strip() == "no blogs yet"


def test_a_version_3_store_gets_the_date_and_zone_columns(tmp_path):
    conn = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    migrate(conn, MIGRATIONS[:3])
    conn.execute("INSERT INTO sources (name, ingested_at, updated_at) VALUES ('old', '2024-01-01T00:00:00+00:00',"
                 " '2024-02-01T00:00:00+00:00')")
    conn.close()
    with EventStore(tmp_path / "old.db") as store:
        [blog] = store.blogs()
        assert (blog.date_used, blog.zone_used, blog.last_ingest_at.month) == (None, None, 2)


def test_rename_and_delete_refuse_a_read_only_store(db, files):
    harbour, _ = files
    run(["ingest", str(harbour), "--date", "2024-12-13", "--db", str(db)])
    with EventStore(db, read_only=True) as store, pytest.raises(StoreError, match="read-only"):
        store.delete_blog("harbour")


def test_review_decisions_follow_rename_and_re_dating_and_go_with_their_blog_only(db, files):
    """A decision made for one blog moves with its rename and its re-dated entries and is deleted with
    it; one made for all blogs outlives the blog."""
    harbour, roads = files
    run(["ingest", str(harbour), "--date", "2024-12-12", "--db", str(db)])
    run(["ingest", str(roads), "--db", str(db)])
    with EventStore(db) as store:
        harbour_entries = store.entries([store.source_id("harbour")])
        named = store.mentions([store.source_id("harbour")])
        damascus = named[named["mention"] == "Damascus"]
        store.decide("Damascus", "not-a-place", None, author="tester", entry_ids=list(damascus["entry_id"]))
        store.decide("Aleppo", "confirm", None, author="tester", everywhere=True)
        blog_only = store._query("SELECT count(*) FROM decisions WHERE source = 'harbour'")[0][0]
        assert blog_only == len(set(damascus["entry_id"])) >= 1 and len(harbour_entries) == 4

    code, out, err = run(["ingest", str(harbour), "--date", "2024-12-13", "--db", str(db)])
    assert code == 0, err
    with EventStore(db) as store:
        kept = store.decisions([store.source_id("harbour")])
        assert set(kept[kept["scope"] == "blog"]["entry_id"]) <= set(store.entries()["entry_id"])
        assert len(kept[kept["scope"] == "blog"]) == blog_only  # re-attached to the re-dated entries

    assert run(["blogs", "rename", "harbour", "coast", "--db", str(db)])[0] == 0
    with EventStore(db) as store:
        assert store._query("SELECT count(*) FROM decisions WHERE source = 'coast'") == [(blog_only,)]

    code, out, err = run(["blogs", "delete", "coast", "--yes", "--db", str(db)])
    assert code == 0 and f"{blog_only} review decisions" in out, err
    with EventStore(db) as store:
        assert store._query("SELECT source, words FROM decisions") == [("", "aleppo")]
