"""`EventStore`: the store file opened, written one blog at a time, and read as frames.

Every SQL query of the read API and the corrections lives here; the frames it returns have the
columns listed in `dashboard.model`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import pandas as pd

from dashboard import settings
from dashboard.model import ENTRY_COLUMNS, PATH_COLUMNS, SOURCE_COLUMNS
from dashboard.settings import default_db_path
from dashboard.store import blogs
from dashboard.store.decisions import ReviewDecisions
from dashboard.store.faults import closed, damaged, open_checked, store_fault
from dashboard.store.readers import ReaderPool, connect_read_only
from dashboard.store.rows import (
    EntryKey,
    EntryRow,
    EventTimeLike,
    PathLike,
    SourceSummary,
    WriteResult,
    category_frame,
    entry_frame,
    insert_entry,
    insert_mentions,
    insert_paths,
    mention_values,
    mentions_frame,
    mentions_select,
    now_iso,
    one_string_each,
    parse_alternatives,
    path_values,
    stored_mention_values,
    stored_path_values,
    typed_entries,
    update_entry,
    upsert_places,
    utc_series,
)
from dashboard.store.schema import (
    TABLES,
    StoreError,
    StoreOutdated,
    StoreReadOnly,
    check_schema,
    migrate,
    transaction,
    words_query,
)
from gazetteer.places import Mention

T = TypeVar("T")


def _delete_mentions(conn: sqlite3.Connection, entry_id: int) -> None:
    """An entry's mentions and the movements between them, before they are written again."""
    conn.execute("DELETE FROM paths WHERE entry_id = ?", (entry_id,))
    conn.execute("DELETE FROM mentions WHERE entry_id = ?", (entry_id,))

# --------------------------------------------------------------------------------------------------
# The store.
# --------------------------------------------------------------------------------------------------


class EventStore(ReviewDecisions):
    """The store file: created and migrated on opening; a context manager that closes it.

    `read_only=True` opens an existing store with SQLite's `mode=ro`: no write, no lock, no migration
    (a reader never waits for a writer, and a read-only file can be read). `for_reading` adds the
    one-off migration of an older store. Opening checks the file's header and schema; a writer waits
    `settings.STORE_BUSY_SECONDS` for another writer's lock at most. Every SQLite failure becomes a
    one-line StoreError that names it (`dashboard.store.faults`).
    Writes go through one connection, shared by the threads of a process (Streamlit's script runs) and
    guarded by a lock; reads go through a few read-only connections of their own (`ReaderPool`), so a
    write waiting for another process's lock holds up no reader. A store opened read-only refuses every
    write with StoreReadOnly.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else default_db_path()
        self.read_only = read_only
        self._lock = threading.RLock()
        if read_only and not self.path.is_file():
            raise StoreError(f"no event store at {self.path}")
        self._readers: ReaderPool | None = None
        self._key = open_checked(self.path)
        try:
            if read_only:
                self._conn = connect_read_only(self.path, settings.STORE_BUSY_SECONDS)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                             timeout=settings.STORE_BUSY_SECONDS)
        except (OSError, sqlite3.Error) as exc:
            closed(self._key)
            raise store_fault(exc, self.path) from exc
        try:
            self._conn.execute("PRAGMA foreign_keys = ON")
            if not read_only:
                # Set once, when the store is made: asking again would lock a store another process writes.
                if self._conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    self._conn.execute("PRAGMA journal_mode = WAL")
                migrate(self._conn)
            check_schema(self._conn)
        except sqlite3.Error as exc:
            self.close()
            raise store_fault(exc, self.path) from exc
        except StoreError as exc:
            self.close()
            raise type(exc)(f"{self.path}: {exc}") from exc
        except BaseException:
            self.close()
            raise
        self._readers = ReaderPool(self.path, settings.STORE_READERS, settings.STORE_BUSY_SECONDS)

    def _refuse_writes(self) -> None:
        """Every write path calls this first: a read-only store says so before it touches anything."""
        if self.read_only:
            raise StoreReadOnly(f"the store {self.path} is open read-only here: nothing may change it")

    @classmethod
    def for_reading(cls, path: str | os.PathLike[str] | None = None) -> EventStore:
        """An existing store, read-only; an older schema is first migrated, once, by opening it to write."""
        try:
            return cls(path, read_only=True)
        except StoreOutdated as outdated:
            try:
                cls(path).close()
            except StoreError as exc:
                raise StoreError(f"{outdated}, and it cannot be migrated here: {exc}") from exc
            return cls(path, read_only=True)

    def check(self) -> None:
        """SQLite's quick_check of the whole file; a StoreError naming the first problem found."""
        try:
            with self._readers.borrow() as conn:
                problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
        except sqlite3.Error as exc:
            raise store_fault(exc, self.path) from exc
        if problems != ["ok"]:
            raise damaged(self.path, f"quick_check found {'; '.join(' '.join(p.split()) for p in problems)}")

    # -- lifecycle ---------------------------------------------------------------------------------

    def close(self) -> None:
        if self._readers is not None:
            self._readers.close()
        with self._lock:
            if self._key:
                closed(self._key)
                self._key = ""
            self._conn.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self._query("PRAGMA user_version")[0][0]

    def _query(self, sql: str, params: Sequence | Mapping = ()) -> list[tuple]:
        try:
            with self._readers.borrow() as conn:
                return conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise store_fault(exc, self.path) from exc

    def _frame(self, sql: str, params: Sequence, columns: Sequence[str], chunk_rows: int = 20_000,
               shared: Sequence[str] = ()) -> pd.DataFrame:
        """A query's rows as a DataFrame, read a chunk at a time: a whole result as Python tuples
        weighed several times the frame (a 100,000-entry blog peaked 400 MB above it).

        The `shared` columns repeat a few texts (a place's name, a country code): SQLite hands over a
        new string for every row, so each chunk's copies are replaced by one string per distinct text
        (a million mentions' names weighed 60 MB as copies, 8 MB as references)."""
        chunks = []
        try:
            with self._readers.borrow() as conn:
                cursor = conn.execute(sql, params)
                while rows := cursor.fetchmany(chunk_rows):
                    chunks.append(one_string_each(pd.DataFrame(rows, columns=list(columns)), shared))
        except sqlite3.Error as exc:
            raise store_fault(exc, self.path) from exc
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
                   mentions: Mapping[EntryKey, Sequence[Mention]], remap: bool = False,
                   date_used: str = "", zone_used: str = "",
                   event_times: Mapping[EntryKey, Sequence[EventTimeLike]] | None = None,
                   paths: Mapping[EntryKey, Sequence[PathLike]] | None = None) -> WriteResult:
        """Store one version of a blog in one transaction.

        New entries are inserted, entries whose hash changed are updated in place (same entry_id)
        with their mentions replaced. `mentions` must hold the mentions of every new or changed entry;
        with `remap`, unchanged entries that have mentions there get them replaced when they differ.
        `event_times` holds, for an entry of `mentions`, when each of its mentions' events happened (in
        the same order); an entry without them has its mentions at its report time. `paths` holds an
        entry's movements between two of its mentions; they are written and replaced with the mentions.
        Nothing is deleted except a changed entry's old mentions and places no mention names any more,
        unless the blog was stored with another `date_used` or `zone_used` (what the ingest was given for
        times that name no date or zone): then this version replaces the old one (`blogs.replace_entries`).
        """
        self._refuse_writes()
        keys = [row.key for row in rows]
        if len(set(keys)) != len(keys):
            raise StoreError("two entries share a time and an order: the blog was keyed twice")
        with self._lock:
            try:
                with transaction(self._conn):
                    return self._write_blog(source, title, url, rows, mentions, remap, (date_used, zone_used),
                                            event_times or {}, paths or {})
            except sqlite3.Error as exc:
                raise store_fault(exc, self.path) from exc

    def _write_blog(self, source: str, title: str, url: str | None, rows: Sequence[EntryRow],
                    mentions: Mapping[EntryKey, Sequence[Mention]], remap: bool,
                    dated: tuple[str, str], event_times: Mapping[EntryKey, Sequence[EventTimeLike]],
                    paths: Mapping[EntryKey, Sequence[PathLike]]) -> WriteResult:
        conn = self._conn
        now = now_iso()
        changed = False
        replaced = blogs.Replaced(0, 0, 0)
        was_dated = None
        found = conn.execute("SELECT source_id, title, url, date_used, zone_used FROM sources WHERE name = ?",
                             (source,)).fetchone()
        if found is None:
            source_id = conn.execute(
                "INSERT INTO sources (name, url, title, ingested_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                (source, url or "", title, now, now)).lastrowid
            assert source_id is not None
            changed = True
        else:
            source_id, old_title, old_url, old_date, old_zone = found
            new_url = old_url if url is None else url
            if (title, new_url) != (old_title, old_url):
                conn.execute("UPDATE sources SET title = ?, url = ? WHERE source_id = ?",
                             (title, new_url, source_id))
                changed = True
            # Not recorded (stored before the store kept them): this ingest records them, as before it adds.
            if old_date is not None and (old_date, old_zone or "") != dated:
                was_dated = (old_date, old_zone or "")
                replaced = blogs.replace_entries(conn, source, source_id, rows)
                changed = changed or bool(replaced.entries)
        if found is None or (found[3], found[4] or "") != dated:
            conn.execute("UPDATE sources SET date_used = ?, zone_used = ? WHERE source_id = ?", (*dated, source_id))
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
                    entry_id, found_now, events = previous[0], mentions[row.key], event_times.get(row.key)
                    moves = paths.get(row.key, ())
                    if (mention_values(found_now, row.time_utc, events) == stored_mention_values(conn, entry_id)
                            and path_values(moves) == stored_path_values(conn, entry_id)):
                        upsert_places(conn, found_now)  # same mentions; a place's data may be newer
                    else:
                        _delete_mentions(conn, entry_id)
                        written += insert_mentions(conn, entry_id, found_now, row.time_utc, events)
                        insert_paths(conn, entry_id, moves)
                        remapped += 1
                continue
            if row.key not in mentions:
                # Planned against an older state of the store (another ingest ran in between).
                raise StoreError("the store changed during this ingest: run it again")
            if previous is None:
                entry_id = insert_entry(conn, source_id, row)
                added += 1
            else:
                entry_id = previous[0]
                update_entry(conn, entry_id, row)
                _delete_mentions(conn, entry_id)
                updated += 1
            written += insert_mentions(conn, entry_id, mentions[row.key], row.time_utc, event_times.get(row.key))
            insert_paths(conn, entry_id, paths.get(row.key, ()))
        present = {row.key for row in rows}
        missing = sum(1 for key in stored if key not in present)
        if updated or remapped:
            conn.execute("DELETE FROM places WHERE place_id NOT IN"
                         " (SELECT place_id FROM mentions WHERE place_id IS NOT NULL)")
        # An ingest that changes nothing writes nothing, not even its time: the store stays byte for byte.
        if changed or added or updated or remapped:
            conn.execute("UPDATE sources SET updated_at = ? WHERE source_id = ?", (now, source_id))
        return WriteResult(source_id, added, updated, unchanged, remapped, missing, written, replaced.entries,
                           replaced.reattached, replaced.not_reattached, was_dated)

    # -- a followed page's validators ------------------------------------------------------------

    def followed_page(self, url: str, source: str | None = None) -> tuple[str, str | None, str | None] | None:
        """The blog last ingested from `url` (the one named `source`, when given): its name, and the ETag
        and Last-Modified kept with it (None when none were); None when no blog came from `url`."""
        sql = "SELECT name, page_etag, page_last_modified FROM sources WHERE url = ?"
        params: tuple = (url,)
        if source is not None:
            sql, params = sql + " AND name = ?", (url, source)
        rows = self._query(sql + " ORDER BY updated_at DESC, source_id DESC LIMIT 1", params)
        return (rows[0][0], rows[0][1], rows[0][2]) if rows else None

    def set_page_validators(self, source: str, etag: str | None, last_modified: str | None) -> None:
        """Keep the ETag and Last-Modified of the page the blog `source` was just ingested from."""
        self._write(lambda conn: conn.execute(
            "UPDATE sources SET page_etag = ?, page_last_modified = ? WHERE name = ?", (etag, last_modified, source)))

    # -- blogs as wholes ---------------------------------------------------------------------------

    def _write(self, action: Callable[..., T], *args: object) -> T:
        """Run `action(connection, *args)` in one write transaction."""
        self._refuse_writes()
        with self._lock:
            try:
                with transaction(self._conn):
                    return action(self._conn, *args)
            except sqlite3.Error as exc:
                raise store_fault(exc, self.path) from exc

    def blogs(self) -> list[blogs.BlogInfo]:
        """Every blog with its entries, time span, the date and zone its last ingest was given, and
        when it was ingested; most recently ingested first."""
        try:
            with self._readers.borrow() as conn:
                return blogs.list_blogs(conn)
        except sqlite3.Error as exc:
            raise store_fault(exc, self.path) from exc

    def rename_blog(self, old: str, new: str) -> None:
        """Rename a blog (its corrections follow it); a StoreError if there is none or the name is taken."""
        self._write(blogs.rename, old, new)

    def delete_blog(self, name: str) -> blogs.Deleted:
        """Delete a blog with its entries, mentions, word-index rows and corrections, in one transaction."""
        return self._write(blogs.delete, name)

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

    def placed_mention_counts(self, source_ids: Sequence[int]) -> dict[int, int]:
        """`summary(i).mentions` of each source in one query, without summary()'s slow counts and texts."""
        ids = [int(i) for i in source_ids]
        rows = self._query("SELECT e.source_id, count(m.place_id) FROM mentions m JOIN entries e USING (entry_id)"
                           f" WHERE e.source_id IN ({','.join('?' * len(ids))}) GROUP BY e.source_id", ids)
        return {**dict.fromkeys(ids, 0), **{int(source_id): int(count) for source_id, count in rows}}

    def is_empty(self) -> bool:
        return not self._query("SELECT 1 FROM entries LIMIT 1")

    def sources(self) -> pd.DataFrame:
        """One row per blog (`SOURCE_COLUMNS`), most recently updated first."""
        rows = self._query(
            "SELECT s.source_id, s.name, s.url, s.title, s.ingested_at, s.updated_at, count(e.entry_id)"
            " FROM sources s LEFT JOIN entries e USING (source_id) GROUP BY s.source_id"
            " ORDER BY s.updated_at DESC, s.source_id DESC")
        frame = pd.DataFrame(rows, columns=list(SOURCE_COLUMNS))
        for column in ("ingested_at", "updated_at"):
            frame[column] = utc_series(frame[column])
        return frame.astype({"source_id": "int64", "entries": "int64"})

    @staticmethod
    def _source_filter(source_ids: Sequence[int] | None, column: str) -> tuple[str, list[int]]:
        if source_ids is None:
            return "", []
        ids = [int(i) for i in source_ids]
        return f" WHERE {column} IN ({', '.join('?' * len(ids))})" if ids else " WHERE 0", ids

    def entries(self, source_ids: Sequence[int] | None = None, *, with_text: bool = True) -> pd.DataFrame:
        """One row per entry (`ENTRY_COLUMNS`), sorted by time_utc, entry_id. Without `with_text`, the
        bodies and captions stay in the store ('' and [] here: `entries_by_id` reads them)."""
        where, params = self._source_filter(source_ids, "e.source_id")
        text = "e.body, e.captions_json" if with_text else "'', '[]'"
        sql = ("SELECT e.entry_id, e.source_id, s.name, e.time_utc, e.time_given, e.is_lead, e.is_timed,"
               f" e.headline, {text}, e.url FROM entries e JOIN sources s USING (source_id)"
               f"{where} ORDER BY e.time_utc, e.entry_id")
        try:
            with self._readers.borrow() as conn:
                return entry_frame(typed_entries(conn.execute(sql, params), ENTRY_COLUMNS))
        except sqlite3.Error as exc:
            raise store_fault(exc, self.path) from exc

    def entries_by_id(self, entry_ids: Sequence[int]) -> pd.DataFrame:
        """The entries with these ids, as `entries()` gives them with their text (sorted by time_utc,
        entry_id; an id not stored is left out)."""
        ids = sorted({int(i) for i in entry_ids})
        rows: list[tuple] = []
        for first in range(0, len(ids), 500):  # within SQLite's limit on bound parameters
            chunk = ids[first:first + 500]
            rows += self._query(
                "SELECT e.entry_id, e.source_id, s.name, e.time_utc, e.time_given, e.is_lead, e.is_timed,"
                " e.headline, e.body, e.captions_json, e.url FROM entries e JOIN sources s USING (source_id)"
                f" WHERE e.entry_id IN ({', '.join('?' * len(chunk))})", chunk)
        return entry_frame(pd.DataFrame(rows, columns=list(ENTRY_COLUMNS)))

    def mentions(self, source_ids: Sequence[int] | None = None, *, events: bool = True,
                 categories: bool = False) -> pd.DataFrame:
        """One row per resolved mention (`MENTION_COLUMNS`), sorted by time_utc, entry_id, position.
        Unresolved mentions are in `summary`, not here; the runner-up candidates
        are read for the few mentions shown (`with_runner_ups`). Without `events`, the event columns are
        left out, and with `categories` the texts that repeat (words, places, codes) are categories: a
        big store's map holds its mentions so and reads the rest for the entries shown (`mentions_of`)."""
        return self._mentions_where(*self._source_filter(source_ids, "e.source_id"), events, categories)

    def mentions_of(self, entry_ids: Sequence[int]) -> pd.DataFrame:
        """The mentions of these entries, as `mentions()` gives them."""
        ids = sorted({int(i) for i in entry_ids})
        chunks = [self._mentions_where(f" WHERE m.entry_id IN ({', '.join('?' * len(chunk))})", chunk, True)
                  for chunk in (ids[first:first + 500] for first in range(0, max(1, len(ids)), 500))]
        return chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True).sort_values(
            ["time_utc", "entry_id", "position"], kind="stable", ignore_index=True)

    def _mentions_where(self, where: str, params: Sequence, events: bool, categories: bool = False) -> pd.DataFrame:
        sql, columns, shared = mentions_select(where, events)
        if categories:  # ids and offsets fit 32 bits; NULL scores are NaN
            kinds = {**{c: "int32" for c in ("entry_id", "source_id", "position", "start", "end")},
                     **{c: "float64" for c in ("lat", "lon", "score")},
                     **{c: "utc" for c in ("time_utc", "event_start", "event_end")}}
            try:
                with self._readers.borrow() as conn:
                    return mentions_frame(category_frame(conn.execute(sql, params), columns, shared, kinds))
            except sqlite3.Error as exc:
                raise store_fault(exc, self.path) from exc
        return mentions_frame(self._frame(sql, params, columns, shared=shared))

    def paths(self, source_ids: Sequence[int] | None = None) -> pd.DataFrame:
        """One row per stored movement (`PATH_COLUMNS`), sorted by time_utc, entry_id, position. The
        ends' places are those the geoparser chose: `dashboard.view.paths` lays corrections over them."""
        where, params = self._source_filter(source_ids, "e.source_id")
        frame = self._frame(
            "SELECT p.entry_id, e.source_id, e.time_utc, p.position, p.from_start, p.from_end, p.from_text,"
            " p.from_place_id, p.to_start, p.to_end, p.to_text, p.to_place_id, p.words"
            f" FROM paths p JOIN entries e USING (entry_id){where} ORDER BY e.time_utc, p.entry_id, p.position",
            params, PATH_COLUMNS)
        frame["time_utc"] = utc_series(frame["time_utc"])
        frame = frame.astype({c: "int64" for c in ("entry_id", "source_id", "position", "from_start", "from_end",
                                                   "to_start", "to_end")})
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
            with self._readers.borrow() as conn:
                rows = conn.execute(
                    f"SELECT entry_id FROM entries{where}{' AND' if where else ' WHERE'} entry_id IN"
                    " (SELECT rowid FROM entry_words WHERE entry_words MATCH ?) ORDER BY time_utc, entry_id",
                    [*params, query]).fetchall()
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", None) != sqlite3.SQLITE_ERROR:  # not the query: the file
                raise store_fault(exc, self.path) from exc
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
                stored[(entry_id, start, end, text)] = parse_alternatives(raw)
        keys = zip(mentions["entry_id"], mentions["start"], mentions["end"], mentions["mention"], strict=True)
        return mentions.assign(alternatives=pd.Series([stored.get((int(e), int(a), int(b), str(t)), [])
                                                       for e, a, b, t in keys], index=mentions.index, dtype=object))

    def dump(self) -> dict[str, list[tuple]]:
        """Every row of every table, in key order: tests compare it before and after an operation."""
        keys = {"sources": "source_id", "entries": "entry_id", "places": "place_id", "mentions": "mention_id",
                "corrections": "correction_id", "decisions": "decision_id", "paths": "path_id"}
        dumped = {table: self._query(f"SELECT * FROM {table} ORDER BY {keys[table]}") for table in TABLES}
        dumped["schema_version"] = [(self.schema_version,)]
        return dumped
