"""The event store: live-blog entries, the places they mention, in one SQLite file.

Why SQLite (the standard library's `sqlite3`): it is embedded, so there is no server to install or
run; the whole store is one file that a user can copy, back up or delete; every ingest is one
transaction, so a failure half-way leaves the store exactly as it was; and in WAL mode the app can
read the store while an ingest writes to it, each seeing a consistent snapshot.

Identity: an entry is (source, its time to the minute, its order within that minute), so a newer
version of the same blog finds the entries it already holds; the lead, whose time moves with the
blog, is keyed as the lead. Whether an entry changed is decided by a
hash of its content. Entries are never deleted by an ingest: a live blog rarely drops an entry, and an
analyst would rather keep one than lose it silently.

Value objects (`Entry`, `Place`, `Mention`) become rows here and nowhere else. The read API returns
pandas DataFrames with times as `datetime64[ns, UTC]`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from dashboard.liveblog import Entry
from dashboard.settings import default_db_path
from gazetteer.places import Mention, Place

SCHEMA_VERSION = 3
_TABLES = ("sources", "entries", "places", "mentions", "corrections")


class StoreError(Exception):
    """The store cannot be opened, migrated or written: the message is one line, fit for a user."""


# --------------------------------------------------------------------------------------------------
# Schema and migrations. `PRAGMA user_version` holds the schema version; `_MIGRATIONS[v]` takes a
# store from version v to v + 1. A later change appends a step and never edits an old one.
# --------------------------------------------------------------------------------------------------

_SCHEMA_1 = """
CREATE TABLE sources (
    source_id   INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    url         TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL DEFAULT '',
    ingested_at TEXT NOT NULL,          -- first ingest, ISO 8601 UTC
    updated_at  TEXT NOT NULL           -- last ingest that changed something
);
CREATE TABLE entries (
    entry_id        INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL REFERENCES sources(source_id) ON DELETE CASCADE,
    time_utc        TEXT NOT NULL,      -- ISO 8601 UTC
    time_utc_minute TEXT NOT NULL,      -- time_utc cut to the minute, 'lead' for the lead: identity
    minute_order    INTEGER NOT NULL,   -- order within that minute, oldest first
    time_given      TEXT NOT NULL DEFAULT '',
    is_lead         INTEGER NOT NULL CHECK (is_lead IN (0, 1)),
    is_timed        INTEGER NOT NULL CHECK (is_timed IN (0, 1)),
    headline        TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL DEFAULT '',
    captions_json   TEXT NOT NULL DEFAULT '[]',
    url             TEXT NOT NULL DEFAULT '',
    raw_text        TEXT NOT NULL DEFAULT '',
    content_hash    TEXT NOT NULL,
    UNIQUE (source_id, time_utc_minute, minute_order)
);
CREATE INDEX entries_by_time ON entries(source_id, time_utc);
CREATE TABLE places (
    place_id      TEXT PRIMARY KEY,
    geonameid     INTEGER,
    name          TEXT NOT NULL,
    latitude      REAL NOT NULL,
    longitude     REAL NOT NULL,
    feature_class TEXT NOT NULL DEFAULT '',
    feature_code  TEXT NOT NULL DEFAULT '',
    country_code  TEXT NOT NULL DEFAULT '',
    admin1_name   TEXT NOT NULL DEFAULT '',
    population    INTEGER NOT NULL DEFAULT 0,
    source        TEXT NOT NULL DEFAULT ''
);
CREATE TABLE mentions (
    mention_id        INTEGER PRIMARY KEY,
    entry_id          INTEGER NOT NULL REFERENCES entries(entry_id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,  -- the mention's rank in its entry, in text order
    start             INTEGER NOT NULL,  -- offsets into Entry.text
    "end"             INTEGER NOT NULL,
    text              TEXT NOT NULL,
    place_id          TEXT REFERENCES places(place_id),  -- NULL: found but not resolved
    score             REAL,
    alternatives_json TEXT NOT NULL DEFAULT '[]',
    UNIQUE (entry_id, position)
);
CREATE INDEX mentions_by_place ON mentions(place_id);
"""


def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    for statement in _SCHEMA_1.split(";"):
        if statement.strip():
            conn.execute(statement)


# -- version 2: analysts' corrections of places (issue 13) -------------------------------------------
# Keyed by what survives a re-ingest: the source's name, the entry's identity (minute and order, as
# in `entries`) and the mention's offsets and words; never by rowids, which an ingest may renumber.
_SCHEMA_2 = """
CREATE TABLE corrections (
    correction_id INTEGER PRIMARY KEY,
    source        TEXT NOT NULL,
    entry_minute  TEXT NOT NULL,
    minute_order  INTEGER NOT NULL,
    start         INTEGER NOT NULL,
    "end"         INTEGER NOT NULL,
    text          TEXT NOT NULL,
    place_json    TEXT,                 -- the place chosen instead; NULL: "not a place"
    was_place_id  TEXT NOT NULL DEFAULT '',
    was_name      TEXT NOT NULL DEFAULT '',
    author        TEXT NOT NULL,
    created_at    TEXT NOT NULL,        -- ISO 8601 UTC
    UNIQUE (source, entry_minute, minute_order, start, "end", text)
);
"""


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    conn.execute(_SCHEMA_2)


# -- version 3: word search over the entries (issue 14) -----------------------------------------------
# A full-text index (SQLite's FTS5) of each entry's headline, body and caption texts, kept in step
# with `entries` by triggers, so that a keyword filter is one query at any size of store. Contentless:
# it holds the words, not a second copy of the text. Case and accents are folded ("tartus" finds
# "Ţarţūs").
def _caption_text(row: str) -> str:
    """SQL for the caption texts of `row` (new or old): the "text" of each caption, credits aside."""
    # Only objects: json_extract on a bare string item would raise, and with it the whole write.
    return (f"(SELECT coalesce(group_concat(json_extract(value, '$.text'), ' '), '') FROM json_each("
            f"CASE WHEN json_valid({row}.captions_json) THEN {row}.captions_json ELSE '[]' END)"
            " WHERE type = 'object')")


def _words_row(row: str) -> str:
    return f"{row}.entry_id, {row}.headline, {row}.body, {_caption_text(row)}"


_SCHEMA_3 = (
    "CREATE VIRTUAL TABLE entry_words USING fts5(headline, body, captions, content='',"
    " tokenize='unicode61 remove_diacritics 2')",
    f"INSERT INTO entry_words (rowid, headline, body, captions) SELECT {_words_row('entries')} FROM entries",
    "CREATE TRIGGER entry_words_insert AFTER INSERT ON entries BEGIN"
    f" INSERT INTO entry_words (rowid, headline, body, captions) VALUES ({_words_row('new')}); END",
    # A contentless index forgets a row when told the words it had.
    "CREATE TRIGGER entry_words_delete AFTER DELETE ON entries BEGIN"
    f" INSERT INTO entry_words (entry_words, rowid, headline, body, captions) VALUES ('delete', {_words_row('old')});"
    " END",
    "CREATE TRIGGER entry_words_update AFTER UPDATE OF headline, body, captions_json ON entries BEGIN"
    f" INSERT INTO entry_words (entry_words, rowid, headline, body, captions) VALUES ('delete', {_words_row('old')});"
    f" INSERT INTO entry_words (rowid, headline, body, captions) VALUES ({_words_row('new')}); END",
)


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    try:
        for statement in _SCHEMA_3:
            conn.execute(statement)
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc).lower():
            raise StoreError(f"this Python's SQLite has no full-text search (FTS5), which the store needs: "
                             f"{exc}") from exc
        raise


def words_query(words: str) -> str | None:
    """An FTS5 query for "every word given": each word a quoted phrase (so that no character is
    query syntax), matching as a word or the start of one; None when no word has a letter or digit."""
    # Control characters become spaces: FTS5 stops reading a query at a NUL.
    words = re.sub(r"[\x00-\x1f\x7f]", " ", words)
    phrases = ['"' + word.replace('"', '""') + '"*' for word in words.split() if re.search(r"\w", word)]
    return " AND ".join(phrases) or None


_MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_0_to_1, _migrate_1_to_2,
                                                                  _migrate_2_to_3)
assert len(_MIGRATIONS) == SCHEMA_VERSION


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


Migration = Callable[[sqlite3.Connection], None]


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = _MIGRATIONS) -> int:
    """Bring the store to the newest schema, one transaction per step; returns the version reached.

    A file at version 0 that already holds tables is someone else's database: it is left alone.
    """
    target = len(migrations)
    while True:
        with _transaction(conn):
            version = schema_version(conn)
            if version > target:
                raise StoreError(f"the store has schema version {version}, newer than this program's "
                                 f"{target}: upgrade the program")
            if version == target:
                return version
            if version == 0:
                tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
                if tables:
                    raise StoreError("the file is an SQLite database but not an event store")
            migrations[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT; ROLLBACK on any error, KeyboardInterrupt included.

    IMMEDIATE takes the write lock at the start, so two writers queue up instead of one failing
    half-way with "database is locked".
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        # SQLite may already have rolled back by itself (a full disk, say): then there is nothing to undo.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


# --------------------------------------------------------------------------------------------------
# Value objects to rows.
# --------------------------------------------------------------------------------------------------

EntryKey = tuple[str, int]  # (time_utc_minute, minute_order)


@dataclass(frozen=True, slots=True)
class EntryRow:
    """An entry as the store keys and hashes it."""

    entry: Entry
    time_utc: str
    minute: str
    minute_order: int
    content_hash: str

    @property
    def key(self) -> EntryKey:
        return (self.minute, self.minute_order)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"entry time {moment.isoformat()} has no time zone")
    return moment.astimezone(UTC)


def _content_hash(entry: Entry, time_utc: str) -> str:
    """Everything stored about an entry, hashed: a change to any of it is an update."""
    content = [time_utc, entry.time_given, bool(entry.is_lead), bool(entry.is_timed), entry.headline,
               entry.body, [[c.text, c.credit] for c in entry.captions], entry.url, entry.raw_text]
    encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    return hashlib.sha256(encoded).hexdigest()


LEAD_KEY = "lead"


def entry_rows(entries: Sequence[Entry], *, newest_first: bool = False) -> list[EntryRow]:
    """Key the entries of one blog: (minute, order within the minute), in the blog's own order.

    Within a minute the order is the order of writing, oldest first, so an entry added later in an
    already-stored minute takes the next number instead of shifting the ones before it.
    `newest_first` says the entries are listed newest first.

    The lead is keyed as the lead, not by its time: it has no time of its own (it takes the stated
    publication time, or the newest entry's), and that time moves when the blog grows.
    """
    chronological = list(reversed(entries)) if newest_first else list(entries)
    counts: dict[str, int] = {}
    rows: list[EntryRow] = []
    for entry in chronological:
        moment = _utc(entry.time_utc)
        time_utc = moment.isoformat()
        minute = LEAD_KEY if entry.is_lead else moment.strftime("%Y-%m-%dT%H:%M")
        order = counts[minute] = counts.get(minute, -1) + 1
        rows.append(EntryRow(entry, time_utc, minute, order, _content_hash(entry, time_utc)))
    return list(reversed(rows)) if newest_first else rows


def _finite(value: float) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def is_resolved(mention: Mention) -> bool:
    """A mention the map can draw: it has a place with real coordinates."""
    place = mention.place
    return place is not None and _finite(place.latitude) and _finite(place.longitude)


def _place_row(place: Place) -> tuple:
    return (place.place_id, place.geonameid, place.name, float(place.latitude), float(place.longitude),
            place.feature_class, place.feature_code, place.country_code, place.admin1_name,
            int(place.population or 0), place.source)


def _alternatives_json(mention: Mention) -> str:
    alternatives = [
        {"place_id": p.place_id, "name": p.name, "lat": p.latitude, "lon": p.longitude,
         "country_code": p.country_code, "feature_code": p.feature_code, "score": float(score)}
        for p, score in mention.alternatives
    ]
    return json.dumps(alternatives, ensure_ascii=False, allow_nan=False)


def _parse_alternatives(stored: str | None) -> list[dict]:
    """The stored JSON list of a mention's runner-ups; damaged text (a hand-edited store) gives []."""
    try:
        parsed = json.loads(stored or "[]")
    except ValueError:
        return []
    return [a for a in parsed if isinstance(a, dict)] if isinstance(parsed, list) else []


def _insert_entry(conn: sqlite3.Connection, source_id: int, row: EntryRow) -> int:
    cursor = conn.execute(
        "INSERT INTO entries (source_id, time_utc, time_utc_minute, minute_order, time_given, is_lead,"
        " is_timed, headline, body, captions_json, url, raw_text, content_hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (source_id, row.time_utc, row.minute, row.minute_order, *_entry_fields(row)),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _entry_fields(row: EntryRow) -> tuple:
    e = row.entry
    captions = json.dumps([{"text": c.text, "credit": c.credit} for c in e.captions], ensure_ascii=False)
    return (e.time_given, int(bool(e.is_lead)), int(bool(e.is_timed)), e.headline, e.body, captions, e.url,
            e.raw_text, row.content_hash)


def _update_entry(conn: sqlite3.Connection, entry_id: int, row: EntryRow) -> None:
    conn.execute(
        "UPDATE entries SET time_utc = ?, time_given = ?, is_lead = ?, is_timed = ?, headline = ?, body = ?,"
        " captions_json = ?, url = ?, raw_text = ?, content_hash = ? WHERE entry_id = ?",
        (row.time_utc, *_entry_fields(row), entry_id),
    )


def _upsert_places(conn: sqlite3.Connection, mentions: Sequence[Mention]) -> None:
    """Write the places the mentions name; a newer gazetteer may move or rename one: the latest wins."""
    for mention in mentions:
        if is_resolved(mention):
            conn.execute(
                "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(place_id) DO UPDATE SET"
                " geonameid = excluded.geonameid, name = excluded.name, latitude = excluded.latitude,"
                " longitude = excluded.longitude, feature_class = excluded.feature_class,"
                " feature_code = excluded.feature_code, country_code = excluded.country_code,"
                " admin1_name = excluded.admin1_name, population = excluded.population,"
                " source = excluded.source",
                _place_row(mention.place),
            )


def _mention_values(mentions: Sequence[Mention]) -> list[tuple]:
    """One entry's mentions as rows (without ids), in text order: position is the rank in that order."""
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    return [(position, int(m.start), int(m.end), m.text, m.place.place_id if is_resolved(m) else None,
             float(m.score) if _finite(m.score) else None, _alternatives_json(m))
            for position, m in enumerate(ordered)]


def _stored_mention_values(conn: sqlite3.Connection, entry_id: int) -> list[tuple]:
    return conn.execute(
        'SELECT position, start, "end", text, place_id, score, alternatives_json FROM mentions'
        " WHERE entry_id = ? ORDER BY position", (entry_id,)).fetchall()


def _insert_mentions(conn: sqlite3.Connection, entry_id: int, mentions: Sequence[Mention]) -> int:
    """Write one entry's mentions (and the places they name); returns how many were written."""
    _upsert_places(conn, mentions)
    values = _mention_values(mentions)
    conn.executemany(
        'INSERT INTO mentions (entry_id, position, start, "end", text, place_id, score, alternatives_json)'
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(entry_id, *v) for v in values])
    return len(values)


# --------------------------------------------------------------------------------------------------
# The store.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one write of a blog did to the store."""

    source_id: int
    added: int
    updated: int
    unchanged: int
    remapped: int       # unchanged entries whose mentions changed (a re-geoparse with a newer gazetteer)
    missing: int        # entries stored earlier that this version of the blog does not have (kept)
    mentions_written: int


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """A source's state in the store: its places, mentions, and the mentions no place was found for."""

    source_id: int
    entries: int
    places: int
    mentions: int
    unresolved: tuple[str, ...]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _utc_series(values: Sequence[str] | pd.Series) -> pd.Series:
    # Each distinct text parsed once: a mention repeats its entry's time.
    codes, distinct = pd.factorize(pd.Series(values, dtype=object))
    parsed = pd.to_datetime(pd.Series(distinct, dtype=object), utc=True, format="ISO8601")
    times = parsed.astype("datetime64[ns, UTC]").array.take(codes, allow_fill=True)
    return pd.Series(times, index=getattr(values, "index", None), dtype="datetime64[ns, UTC]")


class EventStore:
    """The store file: created and migrated on opening; a context manager that closes it.

    `read_only=True` opens an existing store without creating or migrating it (the app's way).
    One connection is shared by the threads of a process (Streamlit's script runs), guarded by a lock.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else default_db_path()
        self.read_only = read_only
        self._lock = threading.RLock()
        try:
            if read_only:
                if not self.path.is_file():
                    raise StoreError(f"no event store at {self.path}")
                uri = f"{self.path.resolve().as_uri()}?mode=ro"
                self._conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False,
                                             timeout=30)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                             timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from exc
        try:
            self._conn.execute("PRAGMA foreign_keys = ON")
            if read_only:
                version = schema_version(self._conn)
                if version != SCHEMA_VERSION:
                    raise StoreError(f"the store {self.path} has schema version {version}, this program "
                                     f"reads {SCHEMA_VERSION}: open it once for writing to migrate it")
            else:
                self._conn.execute("PRAGMA journal_mode = WAL")
                migrate(self._conn)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StoreError(f"{self.path} is not an event store: {exc}") from exc
        except BaseException:
            self._conn.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        with self._lock:
            return schema_version(self._conn)

    def _query(self, sql: str, params: Sequence | Mapping = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _frame(self, sql: str, params: Sequence, columns: Sequence[str], chunk_rows: int = 20_000) -> pd.DataFrame:
        """A query's rows as a DataFrame, read a chunk at a time: a whole result as Python tuples
        weighed several times the frame (a 100,000-entry blog peaked 400 MB above it)."""
        chunks = []
        with self._lock:
            cursor = self._conn.execute(sql, params)
            while rows := cursor.fetchmany(chunk_rows):
                chunks.append(pd.DataFrame(rows, columns=list(columns)))
        return pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=list(columns))

    # -- writing -----------------------------------------------------------------------------------

    def source_id(self, name: str) -> int | None:
        rows = self._query("SELECT source_id FROM sources WHERE name = ?", (name,))
        return rows[0][0] if rows else None

    def stored_hashes(self, source: str) -> dict[EntryKey, str]:
        """The content hash of every stored entry of a source, by key (empty for a new source)."""
        rows = self._query(
            "SELECT e.time_utc_minute, e.minute_order, e.content_hash FROM entries e"
            " JOIN sources s USING (source_id) WHERE s.name = ?", (source,))
        return {(minute, order): digest for minute, order, digest in rows}

    def write_blog(self, *, source: str, title: str, url: str | None, rows: Sequence[EntryRow],
                   mentions: Mapping[EntryKey, Sequence[Mention]], remap: bool = False) -> WriteResult:
        """Store one version of a blog in one transaction.

        New entries are inserted, entries whose hash changed are updated in place (same entry_id)
        with their mentions replaced. `mentions` must hold the mentions of every new or changed entry;
        with `remap`, unchanged entries that have mentions there get them replaced when they differ.
        Nothing is deleted except a changed entry's old mentions and places no mention names any more.
        """
        if self.read_only:
            raise StoreError("the store is open read-only")
        keys = [row.key for row in rows]
        if len(set(keys)) != len(keys):
            raise StoreError("two entries share a time and an order: the blog was keyed twice")
        with self._lock:
            try:
                with _transaction(self._conn):
                    return self._write_blog(source, title, url, rows, mentions, remap)
            except sqlite3.Error as exc:
                raise StoreError(f"the store {self.path} could not be written: {exc}") from exc

    def _write_blog(self, source: str, title: str, url: str | None, rows: Sequence[EntryRow],
                    mentions: Mapping[EntryKey, Sequence[Mention]], remap: bool) -> WriteResult:
        conn = self._conn
        now = _now()
        changed = False
        found = conn.execute("SELECT source_id, title, url FROM sources WHERE name = ?", (source,)).fetchone()
        if found is None:
            source_id = conn.execute(
                "INSERT INTO sources (name, url, title, ingested_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                (source, url or "", title, now, now)).lastrowid
            assert source_id is not None
            changed = True
        else:
            source_id, old_title, old_url = found
            new_url = old_url if url is None else url
            if (title, new_url) != (old_title, old_url):
                conn.execute("UPDATE sources SET title = ?, url = ? WHERE source_id = ?",
                             (title, new_url, source_id))
                changed = True
        stored = {(minute, order): (entry_id, digest) for entry_id, minute, order, digest in conn.execute(
            "SELECT entry_id, time_utc_minute, minute_order, content_hash FROM entries WHERE source_id = ?",
            (source_id,))}
        added = updated = unchanged = remapped = written = 0
        # The lead, then oldest first: entry ids follow the order of writing whatever the blog's direction.
        for row in sorted(rows, key=lambda r: (not r.entry.is_lead, r.time_utc, r.minute_order)):
            previous = stored.get(row.key)
            if previous is not None and previous[1] == row.content_hash:
                unchanged += 1
                if remap and row.key in mentions:
                    entry_id, found_now = previous[0], mentions[row.key]
                    if _mention_values(found_now) == _stored_mention_values(conn, entry_id):
                        _upsert_places(conn, found_now)  # same mentions; a place's data may be newer
                    else:
                        conn.execute("DELETE FROM mentions WHERE entry_id = ?", (entry_id,))
                        written += _insert_mentions(conn, entry_id, found_now)
                        remapped += 1
                continue
            if row.key not in mentions:
                # Planned against an older state of the store (another ingest ran in between).
                raise StoreError("the store changed during this ingest: run it again")
            if previous is None:
                entry_id = _insert_entry(conn, source_id, row)
                added += 1
            else:
                entry_id = previous[0]
                _update_entry(conn, entry_id, row)
                conn.execute("DELETE FROM mentions WHERE entry_id = ?", (entry_id,))
                updated += 1
            written += _insert_mentions(conn, entry_id, mentions[row.key])
        present = {row.key for row in rows}
        missing = sum(1 for key in stored if key not in present)
        if updated or remapped:
            conn.execute("DELETE FROM places WHERE place_id NOT IN"
                         " (SELECT place_id FROM mentions WHERE place_id IS NOT NULL)")
        if changed or added or updated or remapped:
            conn.execute("UPDATE sources SET updated_at = ? WHERE source_id = ?", (now, source_id))
        return WriteResult(source_id, added, updated, unchanged, remapped, missing, written)

    # -- reading -----------------------------------------------------------------------------------

    def summary(self, source_id: int) -> SourceSummary:
        """Counts for one source: entries, distinct places, resolved mentions, unresolved mention texts."""
        (entries,) = self._query("SELECT count(*) FROM entries WHERE source_id = ?", (source_id,))[0]
        places, mentions = self._query(
            "SELECT count(DISTINCT m.place_id), count(m.place_id) FROM mentions m"
            " JOIN entries e USING (entry_id) WHERE e.source_id = ?", (source_id,))[0]
        unresolved = self._query(
            "SELECT m.text FROM mentions m JOIN entries e USING (entry_id)"
            " WHERE e.source_id = ? AND m.place_id IS NULL ORDER BY e.time_utc, e.entry_id, m.position",
            (source_id,))
        return SourceSummary(source_id, entries, places, mentions, tuple(text for (text,) in unresolved))

    def is_empty(self) -> bool:
        return not self._query("SELECT 1 FROM entries LIMIT 1")

    def sources(self) -> pd.DataFrame:
        """source_id, name, url, title, ingested_at, updated_at, entries; most recently updated first."""
        rows = self._query(
            "SELECT s.source_id, s.name, s.url, s.title, s.ingested_at, s.updated_at, count(e.entry_id)"
            " FROM sources s LEFT JOIN entries e USING (source_id) GROUP BY s.source_id"
            " ORDER BY s.updated_at DESC, s.source_id DESC")
        frame = pd.DataFrame(rows, columns=["source_id", "name", "url", "title", "ingested_at", "updated_at",
                                            "entries"])
        for column in ("ingested_at", "updated_at"):
            frame[column] = _utc_series(frame[column])
        return frame.astype({"source_id": "int64", "entries": "int64"})

    @staticmethod
    def _source_filter(source_ids: Sequence[int] | None, column: str) -> tuple[str, list[int]]:
        if source_ids is None:
            return "", []
        ids = [int(i) for i in source_ids]
        return f" WHERE {column} IN ({', '.join('?' * len(ids))})" if ids else " WHERE 0", ids

    def entries(self, source_ids: Sequence[int] | None = None) -> pd.DataFrame:
        """One row per entry: entry_id, source_id, source, time_utc, time_given, is_lead, is_timed,
        headline, body, captions (list of {"text", "credit"}), url; sorted by time_utc, entry_id."""
        where, params = self._source_filter(source_ids, "e.source_id")
        frame = self._frame(
            "SELECT e.entry_id, e.source_id, s.name, e.time_utc, e.time_given, e.is_lead, e.is_timed,"
            " e.headline, e.body, e.captions_json, e.url FROM entries e JOIN sources s USING (source_id)"
            f"{where} ORDER BY e.time_utc, e.entry_id", params,
            ["entry_id", "source_id", "source", "time_utc", "time_given", "is_lead", "is_timed", "headline", "body",
             "captions", "url"])
        frame["time_utc"] = _utc_series(frame["time_utc"])
        frame["captions"] = pd.Series([json.loads(c) for c in frame["captions"]], index=frame.index,
                                      dtype=object)
        frame = frame.astype({"entry_id": "int64", "source_id": "int64", "is_lead": bool, "is_timed": bool})
        # Times stored as text sort right only while the offsets agree; sort the real times.
        return frame.sort_values(["time_utc", "entry_id"], kind="stable", ignore_index=True)

    def mentions(self, source_ids: Sequence[int] | None = None) -> pd.DataFrame:
        """One row per resolved mention: entry_id, source_id, time_utc, position, start, end, mention,
        place_id, place_name, lat, lon, country_code, feature_code, is_area, score; sorted by time_utc,
        entry_id, position. Unresolved mentions are in `summary`, not here; the runner-up candidates
        are read for the few mentions shown (`with_runner_ups`)."""
        where, params = self._source_filter(source_ids, "e.source_id")
        frame = self._frame(
            'SELECT m.entry_id, e.source_id, e.time_utc, m.position, m.start, m."end", m.text, m.place_id,'
            " p.name, p.latitude, p.longitude, p.country_code, p.feature_code, p.feature_class, m.score"
            " FROM mentions m JOIN entries e USING (entry_id)"
            f" JOIN places p USING (place_id){where} ORDER BY e.time_utc, m.entry_id, m.position", params,
            ["entry_id", "source_id", "time_utc", "position", "start", "end", "mention", "place_id", "place_name",
             "lat", "lon", "country_code", "feature_code", "feature_class", "score"])
        frame["time_utc"] = _utc_series(frame["time_utc"])
        # The one rule for what is an area lives on Place; asked once per kind of place, not per row.
        kinds = frame["feature_class"].astype(str) + "." + frame["feature_code"].astype(str)
        area = {kind: Place("", "", 0.0, 0.0, feature_class=kind.split(".")[0],
                            feature_code=kind.split(".", 1)[1]).is_area for kind in kinds.unique()}
        frame.insert(frame.columns.get_loc("feature_code") + 1, "is_area", kinds.map(area).astype(bool))
        frame = frame.drop(columns="feature_class")
        frame = frame.astype({"entry_id": "int64", "source_id": "int64", "position": "int64",
                              "start": "int64", "end": "int64", "lat": "float64", "lon": "float64",
                              "score": "float64"})
        return frame.sort_values(["time_utc", "entry_id", "position"], kind="stable", ignore_index=True)

    def search(self, words: str, source_ids: Sequence[int] | None = None) -> list[int]:
        """The ids of the entries whose headline, body or captions hold every one of `words`, as a
        word or the start of one ("fuel" finds "fuels"), ignoring case and accents, oldest first."""
        query = words_query(words)
        if query is None:
            return []
        where, params = self._source_filter(source_ids, "source_id")
        # The index is asked once, in a subquery: joined, SQLite would ask it again for every entry.
        try:
            rows = self._query(
                f"SELECT entry_id FROM entries{where}{' AND' if where else ' WHERE'} entry_id IN"
                " (SELECT rowid FROM entry_words WHERE entry_words MATCH ?) ORDER BY time_utc, entry_id",
                [*params, query])
        except sqlite3.Error as exc:
            raise StoreError(f"the word search for {words!r} failed: {exc}") from exc
        return [entry_id for (entry_id,) in rows]

    def with_runner_ups(self, mentions: pd.DataFrame) -> pd.DataFrame:
        """`mentions` (rows of `mentions()`, corrected or not) with an `alternatives` column: each
        mention's runner-up places as the geoparser ranked them ({"place_id", "name", "lat", "lon",
        "country_code", "feature_code", "score"} each, best first); [] for a mention not stored so."""
        entry_ids = sorted({int(e) for e in mentions["entry_id"]})
        stored: dict[tuple[int, int, int, str], list[dict]] = {}
        for first in range(0, len(entry_ids), 500):  # within SQLite's limit on bound parameters
            chunk = entry_ids[first:first + 500]
            for entry_id, start, end, text, raw in self._query(
                    'SELECT entry_id, start, "end", text, alternatives_json FROM mentions'
                    f" WHERE entry_id IN ({', '.join('?' * len(chunk))})", chunk):
                stored[(entry_id, start, end, text)] = _parse_alternatives(raw)
        keys = zip(mentions["entry_id"], mentions["start"], mentions["end"], mentions["mention"], strict=True)
        return mentions.assign(alternatives=pd.Series([stored.get((int(e), int(a), int(b), str(t)), [])
                                                       for e, a, b, t in keys], index=mentions.index, dtype=object))

    def dump(self) -> dict[str, list[tuple]]:
        """Every row of every table, in key order: tests compare it before and after an operation."""
        keys = {"sources": "source_id", "entries": "entry_id", "places": "place_id", "mentions": "mention_id",
                "corrections": "correction_id"}
        dumped = {table: self._query(f"SELECT * FROM {table} ORDER BY {keys[table]}") for table in _TABLES}
        dumped["schema_version"] = [(self.schema_version,)]
        return dumped

    # -- corrections (issue 13): an analyst's choice of place for one mention ----------------------

    def correct_mention(self, entry_id: int, start: int, end: int, text: str, place: Place | None, *,
                        author: str, was: Place | None = None) -> None:
        """Record that the mention [start, end) `text` of an entry is `place` (None: not a place).

        `author` is a free-text name; `was` the place the geoparser had chosen. A later correction of
        the same mention replaces this one. The entry is found by its id now, and the correction is
        stored under the entry's lasting identity, so it survives re-ingesting the blog.
        """
        if self.read_only:
            raise StoreError("the store is open read-only")
        author = " ".join(str(author).split())[:200]
        if not author:
            raise StoreError("say who makes the correction")
        place_json = None
        if place is not None:
            if not (_finite(place.latitude) and _finite(place.longitude)):
                raise StoreError(f"the place {place.name!r} has no coordinates")
            place_json = json.dumps(
                {"place_id": place.place_id, "name": place.name, "lat": float(place.latitude),
                 "lon": float(place.longitude), "feature_class": place.feature_class,
                 "feature_code": place.feature_code, "country_code": place.country_code,
                 "admin1_name": place.admin1_name}, ensure_ascii=False, allow_nan=False)
        with self._lock:
            try:
                with _transaction(self._conn):
                    found = self._conn.execute(
                        "SELECT s.name, e.time_utc_minute, e.minute_order FROM entries e"
                        " JOIN sources s USING (source_id) WHERE e.entry_id = ?", (int(entry_id),)).fetchone()
                    if found is None:
                        raise StoreError(f"no entry {entry_id} in the store")
                    self._conn.execute(
                        'INSERT INTO corrections (source, entry_minute, minute_order, start, "end", text,'
                        " place_json, was_place_id, was_name, author, created_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        ' ON CONFLICT (source, entry_minute, minute_order, start, "end", text) DO UPDATE SET'
                        " place_json = excluded.place_json, author = excluded.author,"
                        " created_at = excluded.created_at",
                        (*found, int(start), int(end), str(text), place_json,
                         was.place_id if was else "", was.name if was else "", author, _now()))
            except sqlite3.Error as exc:
                raise StoreError(f"the store {self.path} could not be written: {exc}") from exc

    def remove_correction(self, entry_id: int, start: int, end: int, text: str) -> bool:
        """Forget the correction of one mention; True when there was one."""
        if self.read_only:
            raise StoreError("the store is open read-only")
        with self._lock:
            try:
                with _transaction(self._conn):
                    cursor = self._conn.execute(
                        'DELETE FROM corrections WHERE (source, entry_minute, minute_order, start, "end", text)'
                        " IN (SELECT s.name, e.time_utc_minute, e.minute_order, ?, ?, ? FROM entries e"
                        " JOIN sources s USING (source_id) WHERE e.entry_id = ?)",
                        (int(start), int(end), str(text), int(entry_id)))
                    return cursor.rowcount > 0
            except sqlite3.Error as exc:
                raise StoreError(f"the store {self.path} could not be written: {exc}") from exc

    def corrections(self, source_ids: Sequence[int] | None = None) -> pd.DataFrame:
        """The corrections of the stored entries: entry_id, source_id, start, end, mention, not_a_place,
        place_id, place_name, lat, lon, country_code, feature_code, is_area, was_place_id, was_name,
        author, created_at. Corrections whose entry is not stored (any more) are left out."""
        where, params = self._source_filter(source_ids, "e.source_id")
        rows = self._query(
            'SELECT e.entry_id, e.source_id, c.start, c."end", c.text, c.place_json, c.was_place_id,'
            " c.was_name, c.author, c.created_at FROM corrections c JOIN sources s ON s.name = c.source"
            " JOIN entries e ON e.source_id = s.source_id AND e.time_utc_minute = c.entry_minute"
            f" AND e.minute_order = c.minute_order{where} ORDER BY e.entry_id, c.start", params)
        records = []
        for entry_id, source_id, start, end, text, place_json, was_id, was_name, author, created in rows:
            place = json.loads(place_json) if place_json else None
            area = place is not None and Place("", "", 0.0, 0.0, feature_class=place.get("feature_class", ""),
                                               feature_code=place.get("feature_code", "")).is_area
            records.append((entry_id, source_id, start, end, text, place is None,
                            place["place_id"] if place else None, place["name"] if place else None,
                            place["lat"] if place else math.nan, place["lon"] if place else math.nan,
                            place.get("country_code", "") if place else "",
                            place.get("feature_code", "") if place else "", area, was_id, was_name, author,
                            created))
        frame = pd.DataFrame(records, columns=[
            "entry_id", "source_id", "start", "end", "mention", "not_a_place", "place_id", "place_name", "lat",
            "lon", "country_code", "feature_code", "is_area", "was_place_id", "was_name", "author",
            "created_at"])
        frame["created_at"] = _utc_series(frame["created_at"])
        return frame.astype({"entry_id": "int64", "source_id": "int64", "start": "int64", "end": "int64",
                             "not_a_place": bool, "is_area": bool, "lat": "float64", "lon": "float64"})
