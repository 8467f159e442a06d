"""The event store: schema and migrations, entry identity, writes in one transaction, the read API."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from word_geoparser import (
    DAMASCUS,
    DAMASCUS_MD,
    SYRIA,
    WordGeoparser,
    entry,
    sample_entries,
)

from dashboard.model import Caption
from dashboard.store import SCHEMA_VERSION, EventStore, StoreError, entry_rows
from dashboard.store.schema import MIGRATIONS, migrate, schema_version


def write(store: EventStore, entries, *, source: str = "blog", title: str = "Title", url: str | None = None,
          newest_first: bool = False):
    rows = entry_rows(entries, newest_first=newest_first)
    geoparse = WordGeoparser()
    stored = store.stored_hashes(source)
    mentions = {r.key: geoparse(r.entry.text, None) for r in rows if stored.get(r.key) != r.content_hash}
    return store.write_blog(source=source, title=title, url=url, rows=rows, mentions=mentions)


@pytest.fixture
def store(tmp_path):
    with EventStore(tmp_path / "events.db") as opened:
        yield opened


# -- schema and migrations ---------------------------------------------------------------------------

def test_new_store_has_schema_and_wal(tmp_path):
    path = tmp_path / "sub" / "events.db"
    with EventStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.is_empty()
        assert store.dump() == {"sources": [], "entries": [], "places": [], "mentions": [], "corrections": [],
                                "decisions": [], "paths": [], "schema_version": [(SCHEMA_VERSION,)]}
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    # The word index (a virtual table) keeps its words in tables of its own.
    assert {t for t in tables if not t.startswith("entry_words_")} == {
        "sources", "entries", "places", "mentions", "corrections", "decisions", "entry_words", "paths"}
    conn.close()


def test_reopening_keeps_data(tmp_path):
    path = tmp_path / "events.db"
    with EventStore(path) as store:
        write(store, sample_entries())
        before = store.dump()
    with EventStore(path) as store:
        assert store.dump() == before


def test_migration_step_applies_to_an_existing_store(tmp_path):
    """A later schema change appends a step: an old store migrates and keeps its rows."""
    path = tmp_path / "events.db"
    with EventStore(path) as store:
        write(store, sample_entries())
        before = store.dump()

    def add_note_column(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE sources ADD COLUMN note TEXT NOT NULL DEFAULT ''")

    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, [*MIGRATIONS, add_note_column]) == SCHEMA_VERSION + 1
    assert schema_version(conn) == SCHEMA_VERSION + 1
    rows = conn.execute("SELECT * FROM sources").fetchall()
    assert [row[:-1] for row in rows] == before["sources"] and all(row[-1] == "" for row in rows)
    assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == len(before["entries"])
    conn.close()


def test_failed_migration_step_rolls_back(tmp_path):
    path = tmp_path / "events.db"
    EventStore(path).close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("step failed")

    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(RuntimeError):
        migrate(conn, [*MIGRATIONS, broken])
    assert schema_version(conn) == SCHEMA_VERSION
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'half_done'").fetchall()
    conn.close()


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "events.db"
    EventStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        EventStore(path)
    conn = sqlite3.connect(path)
    assert schema_version(conn) == SCHEMA_VERSION + 5
    conn.close()


def test_someone_elses_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not an event store"):
        EventStore(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]
    assert schema_version(conn) == 0
    conn.close()


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.txt"
    content = b"these are plain notes, not a database\n" * 100
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not an event store"):
        EventStore(path)
    assert path.read_bytes() == content


def test_read_only_store_reads_but_never_writes(tmp_path):
    path = tmp_path / "events.db"
    with pytest.raises(StoreError, match="no event store"):
        EventStore(path, read_only=True)
    assert not path.exists()
    with EventStore(path) as store:
        write(store, sample_entries())
        before = store.dump()
    with EventStore(path, read_only=True) as reader:
        assert reader.dump() == before
        assert len(reader.entries()) == len(sample_entries())
        with pytest.raises(StoreError, match="read-only"):
            write(reader, [entry(99, "Another update")])
    with EventStore(path) as store:
        assert store.dump() == before


def test_reader_beside_writer(tmp_path):
    """WAL: a reader opened before a write sees the write once it is committed."""
    path = tmp_path / "events.db"
    writer = EventStore(path)
    write(writer, sample_entries()[:2])
    reader = EventStore(path, read_only=True)
    assert len(reader.entries()) == 2
    write(writer, sample_entries())
    assert len(reader.entries()) == len(sample_entries())
    reader.close()
    writer.close()


# -- entry identity ----------------------------------------------------------------------------------

def test_entry_keys_are_minute_and_order_within_the_minute():
    rows = entry_rows(sample_entries())
    assert [r.key for r in rows] == [("lead", 0), ("2031-05-04T09:12", 0),
                                     ("2031-05-04T09:30", 0), ("2031-05-04T09:30", 1),
                                     ("2031-05-04T09:47", 0)]
    assert rows[0].time_utc == "2031-05-04T09:00:00+00:00"


def test_keys_do_not_depend_on_the_blogs_direction():
    oldest_first = entry_rows(sample_entries())
    newest_first = entry_rows(list(reversed(sample_entries())), newest_first=True)
    assert {r.key: r.content_hash for r in oldest_first} == {r.key: r.content_hash for r in newest_first}


def test_a_later_entry_in_a_stored_minute_takes_the_next_order():
    """A newest-first blog puts a new entry on top: it must not shift the entries already stored."""
    before = entry_rows(list(reversed(sample_entries())), newest_first=True)
    later = entry(30, "A third update in that minute", "More news.", seconds=50)
    after = entry_rows([later, *reversed(sample_entries())], newest_first=True)
    old = {r.key: r.content_hash for r in before}
    new = {r.key: r.content_hash for r in after}
    assert all(new[key] == digest for key, digest in old.items())
    assert set(new) - set(old) == {("2031-05-04T09:30", 2)}


def test_the_lead_is_keyed_as_the_lead_whatever_its_time():
    """An untimed lead takes the newest entry's time: it must stay the same entry as the blog grows."""
    lead = entry(0, "The lead", is_lead=True)
    timed = entry(0, "Timed, same minute as the lead")
    first = entry_rows([lead, timed])
    assert [r.key for r in first] == [("lead", 0), ("2031-05-04T09:00", 0)]
    later_lead = dataclasses.replace(lead, time_utc=lead.time_utc + timedelta(minutes=40))
    second = entry_rows([later_lead, timed, entry(40, "Newer")])
    assert second[0].key == ("lead", 0) and second[0].content_hash != first[0].content_hash


def test_content_hash_sees_every_stored_field():
    base = entry(5, "Headline", "Body", captions=[Caption("Caption", "Credit")])
    variants = [
        entry(5, "Headline!", "Body", captions=[Caption("Caption", "Credit")]),
        entry(5, "Headline", "Body.", captions=[Caption("Caption", "Credit")]),
        entry(5, "Headline", "Body", captions=[Caption("Caption", "Other credit")]),
        entry(5, "Headline", "Body", captions=[Caption("Caption", "Credit")], seconds=20),
        entry(5, "Headline", "Body", captions=[Caption("Caption", "Credit")], is_lead=True),
    ]
    digest = entry_rows([base])[0].content_hash
    assert digest == entry_rows([entry(5, "Headline", "Body", captions=[Caption("Caption", "Credit")])])[0] \
        .content_hash
    assert all(entry_rows([v])[0].content_hash != digest for v in variants)


def test_times_without_a_zone_are_refused():
    naive = dataclasses.replace(entry(0, "x"), time_utc=datetime(2031, 5, 4))
    with pytest.raises(ValueError, match="no time zone"):
        entry_rows([naive])


def test_times_in_another_zone_are_stored_in_utc(store):
    from zoneinfo import ZoneInfo

    local = dataclasses.replace(entry(0, "Local time"),
                                time_utc=datetime(2031, 5, 4, 12, 15, tzinfo=ZoneInfo("Asia/Damascus")))
    write(store, [local])
    frame = store.entries()
    assert frame["time_utc"].iloc[0] == pd.Timestamp("2031-05-04T09:15:00Z")


# -- writing -----------------------------------------------------------------------------------------

def test_write_counts_and_rewrite_changes_nothing(store):
    result = write(store, sample_entries())
    assert (result.added, result.updated, result.unchanged, result.missing) == (5, 0, 0, 0)
    before = store.dump()
    again = write(store, sample_entries())
    assert (again.added, again.updated, again.unchanged, again.missing) == (0, 0, 5, 0)
    assert store.dump() == before


def test_a_plan_made_against_an_older_store_is_refused(store):
    """If another ingest changed an entry between planning and writing, the write stops whole."""
    write(store, sample_entries()[:2])
    before = store.dump()
    rows = entry_rows([*sample_entries()[:1], entry(12, "Changed meanwhile")])
    with pytest.raises(StoreError, match="changed during"):
        store.write_blog(source="blog", title="Title", url=None, rows=rows, mentions={})
    assert store.dump() == before


def test_duplicate_keys_are_refused(store):
    rows = entry_rows(sample_entries())
    with pytest.raises(StoreError, match="share a time"):
        store.write_blog(source="blog", title="", url=None, rows=[rows[0], rows[0]], mentions={})
    assert store.is_empty()


def test_html_and_script_are_stored_as_text(store):
    nasty = entry(3, "<script>alert('x')</script> & <b>bold</b>", "Body with <img src=x onerror=alert(1)> "
                  "near Damascus, ${danger} `tick` \\ and ]]> end",
                  captions=[Caption("<iframe src='//example.invalid'></iframe>", "<i>credit</i>")])
    write(store, [nasty])
    frame = store.entries()
    assert frame["headline"].iloc[0] == nasty.headline
    assert frame["body"].iloc[0] == nasty.body
    assert frame["captions"].iloc[0] == [{"text": nasty.captions[0].text, "credit": "<i>credit</i>"}]
    mentions = store.mentions()
    assert list(mentions["mention"]) == ["Damascus"]


def test_source_url_and_title_are_kept_and_updated(store):
    write(store, sample_entries(), url="https://news.example/blog", title="First title")
    write(store, sample_entries(), url=None, title="First title")  # no URL given: keep the old one
    sources = store.sources()
    assert sources["url"].tolist() == ["https://news.example/blog"]
    write(store, sample_entries(), url="https://news.example/blog2", title="New title")
    sources = store.sources()
    assert sources[["url", "title"]].values.tolist() == [["https://news.example/blog2", "New title"]]


# -- reading -----------------------------------------------------------------------------------------

ENTRY_COLUMNS = ["entry_id", "source_id", "source", "time_utc", "time_given", "is_lead", "is_timed",
                 "headline", "body", "captions", "url"]
MENTION_COLUMNS = ["entry_id", "source_id", "time_utc", "position", "start", "end", "mention", "place_id",
                   "place_name", "lat", "lon", "country_code", "feature_code", "is_area", "score", "event_start",
                   "event_end", "event_precision", "event_words", "event_expected"]
SOURCE_COLUMNS = ["source_id", "name", "url", "title", "ingested_at", "updated_at", "entries"]


def test_empty_frames_have_their_columns(store):
    assert list(store.sources().columns) == SOURCE_COLUMNS
    assert list(store.entries().columns) == ENTRY_COLUMNS
    assert list(store.mentions().columns) == MENTION_COLUMNS
    assert str(store.entries()["time_utc"].dtype) == "datetime64[ns, UTC]"
    assert str(store.mentions()["time_utc"].dtype) == "datetime64[ns, UTC]"


def test_entries_frame(store):
    write(store, list(reversed(sample_entries())), newest_first=True)
    frame = store.entries()
    assert list(frame.columns) == ENTRY_COLUMNS
    assert str(frame["time_utc"].dtype) == "datetime64[ns, UTC]"
    assert frame["time_utc"].is_monotonic_increasing
    assert frame["headline"].tolist() == [e.headline for e in sample_entries()]
    assert frame["is_lead"].tolist() == [True, False, False, False, False]
    assert frame["is_lead"].dtype == bool
    assert frame["captions"].iloc[1] == [{"text": "A crane at the quay in Latakia", "credit": "Agency"}]
    assert frame["captions"].iloc[0] == []
    assert set(frame["source"]) == {"blog"}


def test_mentions_frame(store):
    write(store, sample_entries())
    frame = store.mentions()
    assert list(frame.columns) == MENTION_COLUMNS
    last = frame[frame["entry_id"] == frame["entry_id"].max()]
    # Unresolved names are not in the frame (they have no coordinates); the summary lists them.
    assert last["mention"].tolist() == ["Moscow", "Kyiv", "Damascus", "Damascus"]
    assert last["position"].tolist() == [0, 1, 2, 3]
    text = sample_entries()[-1].text
    assert all(text[s:e] == m for s, e, m in zip(last["start"], last["end"], last["mention"], strict=True))
    damascus = frame[frame["place_id"] == DAMASCUS.place_id].iloc[0]
    assert (damascus["lat"], damascus["lon"], damascus["country_code"]) == (DAMASCUS.latitude,
                                                                            DAMASCUS.longitude, "SY")
    runner_ups = store.with_runner_ups(frame[frame["place_id"] == DAMASCUS.place_id])
    # A runner-up is stored in the place's one dict form (Place.as_dict) with its score.
    assert runner_ups["alternatives"].iloc[0] == [{**DAMASCUS_MD.as_dict(), "score": 0.1}]
    assert runner_ups["alternatives"].iloc[0][0] | {"place_id": DAMASCUS_MD.place_id, "name": "Damascus",
                                                   "lat": DAMASCUS_MD.latitude, "lon": DAMASCUS_MD.longitude,
                                                   "country_code": "US", "feature_code": "PPL", "score": 0.1
                                                   } == runner_ups["alternatives"].iloc[0][0]
    syria = frame[frame["place_id"] == SYRIA.place_id].iloc[0]
    assert bool(syria["is_area"]) and not bool(damascus["is_area"])
    assert frame["is_area"].dtype == bool
    assert frame[["time_utc", "entry_id", "position"]].equals(
        frame[["time_utc", "entry_id", "position"]].sort_values(["time_utc", "entry_id", "position"]))


def test_summary_lists_unresolved_mentions(store):
    result = write(store, sample_entries())
    summary = store.summary(result.source_id)
    assert summary.unresolved == ("Nowhereville",)
    assert summary.entries == 5
    assert summary.mentions == len(store.mentions())
    assert summary.places == store.mentions()["place_id"].nunique()


def test_placed_mention_counts_are_the_summaries_counts(store):
    first = write(store, sample_entries(), source="first")
    second = write(store, [entry(60 * 24, "Next day", "Shelling near Odesa and in Nowhereville.")], source="second")
    counts = store.placed_mention_counts([first.source_id, second.source_id, 999])
    assert counts == {first.source_id: store.summary(first.source_id).mentions,
                      second.source_id: store.summary(second.source_id).mentions, 999: 0}
    assert counts[second.source_id] == 1 and store.placed_mention_counts([]) == {}


def test_sources_frame_and_filters(store):
    first = write(store, sample_entries(), source="first")
    later = [entry(60 * 24 + m, "Next day", "Fighting reported near Homs and Odesa.") for m in (0, 5)]
    second = write(store, later, source="second", url="https://news.example/2")
    sources = store.sources()
    assert list(sources.columns) == SOURCE_COLUMNS
    assert sources["name"].tolist() == ["second", "first"]
    assert dict(zip(sources["name"], sources["entries"], strict=True)) == {"first": 5, "second": 2}
    assert str(sources["ingested_at"].dtype) == "datetime64[ns, UTC]"
    now = pd.Timestamp(datetime.now(UTC))
    assert (abs(sources["ingested_at"] - now) < timedelta(minutes=5)).all()
    assert set(store.entries([second.source_id])["source"]) == {"second"}
    assert set(store.mentions([first.source_id])["source_id"]) == {first.source_id}
    assert store.entries([]).empty and store.mentions([]).empty
    assert len(store.entries()) == 7
    assert store.source_id("second") == second.source_id and store.source_id("none") is None


def test_runner_ups_are_read_for_the_mentions_shown_and_damage_gives_none(store):
    write(store, sample_entries())
    frame = store.mentions()
    shown = store.with_runner_ups(frame.iloc[[0, len(frame) - 1]])
    assert list(shown.index) == [0, len(frame) - 1] and shown["alternatives"].map(type).eq(list).all()
    assert store.with_runner_ups(frame.iloc[0:0])["alternatives"].tolist() == []
    # A damaged cell (hand-edited store, cut-off write) shows no runner-ups rather than failing.
    with sqlite3.connect(store.path) as raw:
        raw.execute("UPDATE mentions SET alternatives_json = '[{\"name\": '")
    assert store.with_runner_ups(frame)["alternatives"].tolist() == [[]] * len(frame)
