"""The store's schema and its migrations, and the one way a write transaction is opened.

`PRAGMA user_version` holds the schema version; each migration takes a store one version up. A later
change appends a step and never edits an old one.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

SCHEMA_VERSION = 8
TABLES = ("sources", "entries", "places", "mentions", "corrections", "decisions", "paths")


class StoreError(Exception):
    """The store cannot be opened, migrated or written: the message is one line, fit for a user."""


class StoreOutdated(StoreError):
    """The store's schema is older than this program's: a writer's opening migrates it."""


class StoreBusy(StoreError):
    """Another process holds the store's write lock for longer than the bounded wait."""


class StoreReadOnly(StoreError):
    """A write asked of a store opened read-only, or of a file this user cannot write."""


class StoreDamaged(StoreError):
    """The store file is damaged (corrupt pages, cut short, tables missing)."""


# --------------------------------------------------------------------------------------------------
# Schema and migrations. `PRAGMA user_version` holds the schema version; `MIGRATIONS[v]` takes a
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


# -- version 2: analysts' corrections of places --------------------------------------------------------
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


# -- version 3: word search over the entries -------------------------------------------------------------
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


# -- review decisions: one action for every mention of the same words, and mentions added by hand -----
# A decision "in this blog" is kept per entry, under the entry's lasting identity (source name, minute
# and order, as corrections are) and the words (spacing and case folded); one "in all blogs" is kept by
# the words alone (source '' and entry_minute ''). `batch` ties the rows of one action, so that undo
# removes them together. An added mention ("add") also keeps its offsets; every other row has -1.
_SCHEMA_DECISIONS = """
CREATE TABLE decisions (
    decision_id   INTEGER PRIMARY KEY,
    batch         TEXT NOT NULL,
    source        TEXT NOT NULL,        -- '': in all blogs
    entry_minute  TEXT NOT NULL,        -- '': every entry
    minute_order  INTEGER NOT NULL,
    words         TEXT NOT NULL,
    start         INTEGER NOT NULL DEFAULT -1,
    "end"         INTEGER NOT NULL DEFAULT -1,
    action        TEXT NOT NULL CHECK (action IN ('confirm', 'place', 'not-a-place', 'add')),
    place_json    TEXT,                 -- the place chosen, pinned or added (NULL otherwise)
    was_place_id  TEXT NOT NULL DEFAULT '',
    was_name      TEXT NOT NULL DEFAULT '',
    author        TEXT NOT NULL,
    created_at    TEXT NOT NULL,        -- ISO 8601 UTC
    UNIQUE (source, entry_minute, minute_order, words, start)
);
CREATE INDEX decisions_by_batch ON decisions(batch);
"""


def _migrate_add_decisions(conn: sqlite3.Connection) -> None:
    for statement in _SCHEMA_DECISIONS.split(";"):
        if statement.strip():
            conn.execute(statement)


# -- version 5: each blog's date and zone ---------------------------------------------------------------------
# The date and zone an ingest was given for times that name none: an ingest given another date or zone
# replaces the blog's entries instead of adding the re-dated ones beside them. NULL: not recorded (a
# blog stored before this version), '' none given.
_BLOG_DATES = ("date_used", "zone_used")


def _add_columns(conn: sqlite3.Connection, table: str, columns: Sequence[tuple[str, str]]) -> None:
    """Add each (name, type) column `table` lacks. A column already there (a store whose version number
    was taken back by hand) is kept as it is."""
    present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    for column, kind in columns:
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def _migrate_add_blog_dates(conn: sqlite3.Connection) -> None:
    _add_columns(conn, "sources", [(column, "TEXT") for column in _BLOG_DATES])


# -- version 6: a followed page's validators ---------------------------------------------------------------
# The ETag and Last-Modified of the page a blog was last ingested from (`follow`), kept with the blog so that
# a later run asks the server whether the page changed (If-None-Match / If-Modified-Since) instead of
# fetching it whole. NULL: none known. Deleting the blog forgets them, so its next follow fetches the page.
_PAGE_VALIDATORS = ("page_etag", "page_last_modified")


def _migrate_add_page_validators(conn: sqlite3.Connection) -> None:
    _add_columns(conn, "sources", [(column, "TEXT") for column in _PAGE_VALIDATORS])


# -- version 7: event times, when the event at each mention happened, apart from when the entry reported it -------
# An interval in UTC (ISO 8601 text, as entries.time_utc), its precision ("minute", "hour", "part of day",
# "day", "week", "month", "year", or "report": at the report time), the words it was read from, and
# whether it was still to come when reported. Mentions stored before this version get their entry's
# report time: the rules need the blog's zone, which older stores did not keep; `ingest --reparse`
# computes them.
_EVENT_COLUMNS = (("event_start", "TEXT"), ("event_end", "TEXT"),
                  ("event_precision", "TEXT NOT NULL DEFAULT 'report'"), ("event_words", "TEXT NOT NULL DEFAULT ''"),
                  ("event_expected", "INTEGER NOT NULL DEFAULT 0 CHECK (event_expected IN (0, 1))"))


def _migrate_add_event_times(conn: sqlite3.Connection) -> None:
    _add_columns(conn, "mentions", _EVENT_COLUMNS)
    reported = "(SELECT time_utc FROM entries e WHERE e.entry_id = mentions.entry_id)"
    conn.execute(f"UPDATE mentions SET event_start = {reported}, event_end = {reported}, event_precision = 'report',"
                 " event_words = '', event_expected = 0 WHERE event_start IS NULL")


# -- version 8: movements, paths between two places an entry names ("left X for Y", "from X to Y") ----------------
# Each end is one of the entry's mentions, kept by its offsets and words as a correction keys a mention,
# so a correction of either end moves the path's end with it. Written and deleted with the entry's
# mentions. Stores from before this version have no paths until their blogs are ingested with --reparse.
_SCHEMA_PATHS = """
CREATE TABLE IF NOT EXISTS paths (
    path_id       INTEGER PRIMARY KEY,
    entry_id      INTEGER NOT NULL REFERENCES entries(entry_id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,     -- the path's order within its entry
    from_start    INTEGER NOT NULL,     -- the origin's mention: offsets into Entry.text and words
    from_end      INTEGER NOT NULL,
    from_text     TEXT NOT NULL,
    from_place_id TEXT NOT NULL REFERENCES places(place_id),
    to_start      INTEGER NOT NULL,     -- the destination's mention
    to_end        INTEGER NOT NULL,
    to_text       TEXT NOT NULL,
    to_place_id   TEXT NOT NULL REFERENCES places(place_id),
    words         TEXT NOT NULL,        -- the words that tell the movement
    UNIQUE (entry_id, position)
)
"""


def _migrate_add_paths(conn: sqlite3.Connection) -> None:
    # A table already there (a store whose version number was taken back by hand) is kept as it is.
    conn.execute(_SCHEMA_PATHS)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_0_to_1, _migrate_1_to_2,
                                                                  _migrate_2_to_3, _migrate_add_decisions,
                                                                  _migrate_add_blog_dates, _migrate_add_page_validators,
                                                                  _migrate_add_event_times, _migrate_add_paths)
assert len(MIGRATIONS) == SCHEMA_VERSION


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


Migration = Callable[[sqlite3.Connection], None]


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the store to the newest schema, one transaction per step; returns the version reached.

    A file at version 0 that already holds tables is someone else's database: it is left alone.
    A store already at the newest version is not locked: opening it never waits for a writer.
    """
    target = len(migrations)
    if schema_version(conn) == target:
        return target
    while True:
        with transaction(conn):
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


def check_schema(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """The store's schema version, when this program can read the store as it is; reads only.

    Raises StoreError for a newer schema or someone else's database, StoreOutdated for an older
    schema, and a StoreError naming the damage when a table of the current schema is missing.
    """
    version = schema_version(conn)
    if version > target:
        raise StoreError(f"the store has schema version {version}, newer than this program's "
                         f"{target}: upgrade the program")
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if version == 0 and tables:
        raise StoreError("the file is an SQLite database but not an event store")
    if version < target:
        raise StoreOutdated(f"the store has schema version {version}, older than this program's {target}")
    missing = [table for table in TABLES if table not in tables]
    if missing:
        raise StoreDamaged(f"the store is damaged: its tables {', '.join(missing)} are missing; restore a copy "
                         "or export what is readable")
    return version


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
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

