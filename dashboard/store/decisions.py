"""Analysts' decisions in the store: corrections of one mention, review decisions (one action for
every mention of the same words) and mentions an analyst added. A mixin of `EventStore` (its
connection, lock and read helpers); the tables are described
in `dashboard.store.schema`."""

from __future__ import annotations

import json
import math
import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from dashboard.model import CORRECTION_COLUMNS
from dashboard.store.faults import store_fault
from dashboard.store.rows import finite, now_iso, utc_series
from dashboard.store.schema import StoreError, transaction
from gazetteer.places import Place, is_area_kind


class ReviewDecisions:
    """The decisions' writes and reads; mixed into `EventStore`."""

    path: Path
    read_only: bool
    _conn: sqlite3.Connection

    def _query(self, sql: str, params: Sequence | Mapping = ()) -> list[tuple]:
        raise NotImplementedError

    @staticmethod
    def _source_filter(source_ids: Sequence[int] | None, column: str) -> tuple[str, list[int]]:
        raise NotImplementedError

    def _write(self, action, *args):  # EventStore's: one write transaction
        raise NotImplementedError

    def _refuse_writes(self) -> None:  # EventStore's: StoreReadOnly when opened read-only
        raise NotImplementedError

    def _identities(self, entry_ids: Sequence[int]) -> list[tuple[str, str, int]]:
        ids = sorted({int(e) for e in entry_ids})
        found: list[tuple[str, str, int]] = []
        for first in range(0, len(ids), 500):
            chunk = ids[first:first + 500]
            found += self._query(
                "SELECT s.name, e.time_utc_minute, e.minute_order FROM entries e JOIN sources s USING (source_id)"
                f" WHERE e.entry_id IN ({', '.join('?' * len(chunk))})", chunk)
        if len(found) != len(ids):
            raise StoreError("some of the entries are no longer in the store: reload the page")
        return found

    def decide(self, words: str, action: str, place: Place | None, *, author: str,
               entry_ids: Sequence[int] = (), everywhere: bool = False, was: Place | None = None) -> str:
        """Settle every mention of `words` at once: `action` is "confirm", "place" (with `place`) or
        "not-a-place". Kept for each of `entry_ids` (the entries of the blog whose mentions have those
        words), or, with `everywhere`, for the words in all blogs, present and future. A decision
        replaces an earlier one for the same words and entry. Returns the batch id that `undo` takes."""
        from dashboard.corrections import ACTIONS, ADD, CHOOSE, words_key

        if action not in ACTIONS or action == ADD:
            raise StoreError(f"unknown review action {action!r}")
        if action == CHOOSE and place is None:
            raise StoreError("choose or pin the place first")
        key = words_key(words)
        if not key:
            raise StoreError("the words to decide on are empty")
        author, place_json = self._author(author), self._place_json(place if action == CHOOSE else None)
        targets = [("", "", -1)] if everywhere else self._identities(entry_ids)
        if not targets:
            raise StoreError("no entry of the blog has these words")
        batch, now = uuid.uuid4().hex, now_iso()
        self._write(_execute_all, [(
            'INSERT INTO decisions (batch, source, entry_minute, minute_order, words, start, "end", action,'
            " place_json, was_place_id, was_name, author, created_at) VALUES (?, ?, ?, ?, ?, -1, -1, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (source, entry_minute, minute_order, words, start) DO UPDATE SET batch = excluded.batch,"
            " action = excluded.action, place_json = excluded.place_json, author = excluded.author,"
            " created_at = excluded.created_at",
            (batch, *target, key, action, place_json, was.place_id if was else "", was.name if was else "",
             author, now)) for target in targets])
        return batch

    def add_mention(self, entry_id: int, start: int, end: int, words: str, place: Place, *, author: str) -> str:
        """Keep a mention the geoparser missed: the words at [start, end) of the entry's text are `place`.
        Kept like a correction (under the entry's lasting identity); returns the batch id for `undo`."""
        from dashboard.corrections import ADD, words_key

        key = words_key(words)
        if not key or int(end) <= int(start):
            raise StoreError("say which words of the entry name the place")
        author, place_json = self._author(author), self._place_json(place)
        (target,) = self._identities([entry_id])
        batch = uuid.uuid4().hex
        self._write(_execute_all, [(
            'INSERT INTO decisions (batch, source, entry_minute, minute_order, words, start, "end", action,'
            " place_json, author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (source, entry_minute, minute_order, words, start) DO UPDATE SET batch = excluded.batch,"
            ' "end" = excluded."end", place_json = excluded.place_json, author = excluded.author,'
            " created_at = excluded.created_at",
            (batch, *target, key, int(start), int(end), ADD, place_json, author, now_iso()))])
        return batch

    def undo(self, batch: str) -> bool:
        """Remove the decisions of one action (`decide`, `add_mention`); True when there were some."""
        before = self._query("SELECT count(*) FROM decisions WHERE batch = ?", (str(batch),))[0][0]
        self._write(_execute_all, [("DELETE FROM decisions WHERE batch = ?", (str(batch),))])
        return before > 0

    @staticmethod
    def _author(author: str) -> str:
        author = " ".join(str(author).split())[:200]
        if not author:
            raise StoreError("say who makes the decision (your name)")
        return author

    @staticmethod
    def _place_json(place: Place | None) -> str | None:
        if place is None:
            return None
        if not (finite(place.latitude) and finite(place.longitude)):
            raise StoreError(f"the place {place.name!r} has no coordinates")
        return json.dumps(place.as_dict(), ensure_ascii=False, allow_nan=False)

    def decisions(self, source_ids: Sequence[int] | None = None) -> pd.DataFrame:
        """The review decisions that bear on the sources: those made in their blogs, for entries still
        stored (`scope` "blog", with `entry_id`), and those made in all blogs (`scope` "all",
        `entry_id` -1). Columns: batch, scope, entry_id, source_id, words, start, end, action,
        place_id, place_name, lat, lon, country_code, feature_code, feature_class, was_place_id,
        was_name, author, created_at."""
        where, params = self._source_filter(source_ids, "e.source_id")
        rows = self._query(
            'SELECT d.batch, \'blog\', e.entry_id, e.source_id, d.words, d.start, d."end", d.action, d.place_json,'
            " d.was_place_id, d.was_name, d.author, d.created_at FROM decisions d"
            " JOIN sources s ON s.name = d.source JOIN entries e ON e.source_id = s.source_id"
            f" AND e.time_utc_minute = d.entry_minute AND e.minute_order = d.minute_order{where}", params)
        rows += self._query(
            'SELECT batch, \'all\', -1, -1, words, start, "end", action, place_json, was_place_id, was_name,'
            " author, created_at FROM decisions WHERE source = ''")
        columns = ["batch", "scope", "entry_id", "source_id", "words", "start", "end", "action", "place_id",
                   "place_name", "lat", "lon", "country_code", "feature_code", "feature_class", "was_place_id",
                   "was_name", "author", "created_at"]
        records = []
        for batch, scope, entry_id, source_id, words, start, end, action, place_json, was_id, was_name, author, \
                created in rows:
            place = json.loads(place_json) if place_json else {}
            records.append((batch, scope, entry_id, source_id, words, start, end, action, place.get("place_id"),
                            place.get("name"), place.get("lat", math.nan), place.get("lon", math.nan),
                            place.get("country_code", ""), place.get("feature_code", ""),
                            place.get("feature_class", ""), was_id, was_name, author, created))
        frame = pd.DataFrame(records, columns=columns)
        created = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
        frame["created_at"] = created.astype("datetime64[ns, UTC]")
        return frame.astype({"entry_id": "int64", "source_id": "int64", "start": "int64", "end": "int64",
                             "lat": "float64", "lon": "float64"})

    # -- corrections: an analyst's choice of place for one mention ----------------------

    def correct_mention(self, entry_id: int, start: int, end: int, text: str, place: Place | None, *,
                        author: str, was: Place | None = None) -> None:
        """Record that the mention [start, end) `text` of an entry is `place` (None: not a place).

        `author` is a free-text name; `was` the place the geoparser had chosen. A later correction of
        the same mention replaces this one. The entry is found by its id now, and the correction is
        stored under the entry's lasting identity, so it survives re-ingesting the blog.
        """
        self._refuse_writes()
        author = " ".join(str(author).split())[:200]
        if not author:
            raise StoreError("say who makes the correction")
        place_json = None
        if place is not None:
            if not (finite(place.latitude) and finite(place.longitude)):
                raise StoreError(f"the place {place.name!r} has no coordinates")
            place_json = json.dumps(place.as_dict(), ensure_ascii=False, allow_nan=False)
        with self._lock:
            try:
                with transaction(self._conn):
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
                         was.place_id if was else "", was.name if was else "", author, now_iso()))
            except sqlite3.Error as exc:
                raise store_fault(exc, self.path) from exc

    def remove_correction(self, entry_id: int, start: int, end: int, text: str) -> bool:
        """Forget the correction of one mention; True when there was one."""
        self._refuse_writes()
        with self._lock:
            try:
                with transaction(self._conn):
                    cursor = self._conn.execute(
                        'DELETE FROM corrections WHERE (source, entry_minute, minute_order, start, "end", text)'
                        " IN (SELECT s.name, e.time_utc_minute, e.minute_order, ?, ?, ? FROM entries e"
                        " JOIN sources s USING (source_id) WHERE e.entry_id = ?)",
                        (int(start), int(end), str(text), int(entry_id)))
                    return cursor.rowcount > 0
            except sqlite3.Error as exc:
                raise store_fault(exc, self.path) from exc

    def corrections(self, source_ids: Sequence[int] | None = None) -> pd.DataFrame:
        """The corrections of the stored entries (`CORRECTION_COLUMNS`); corrections whose entry is not
        stored (any more) are left out."""
        where, params = self._source_filter(source_ids, "e.source_id")
        rows = self._query(
            'SELECT e.entry_id, e.source_id, c.start, c."end", c.text, c.place_json, c.was_place_id,'
            " c.was_name, c.author, c.created_at FROM corrections c JOIN sources s ON s.name = c.source"
            " JOIN entries e ON e.source_id = s.source_id AND e.time_utc_minute = c.entry_minute"
            f" AND e.minute_order = c.minute_order{where} ORDER BY e.entry_id, c.start", params)
        records = []
        for entry_id, source_id, start, end, text, place_json, was_id, was_name, author, created in rows:
            place = json.loads(place_json) if place_json else None
            area = place is not None and is_area_kind(place.get("feature_class", ""), place.get("feature_code", ""))
            records.append((entry_id, source_id, start, end, text, place is None,
                            place["place_id"] if place else None, place["name"] if place else None,
                            place["lat"] if place else math.nan, place["lon"] if place else math.nan,
                            place.get("country_code", "") if place else "",
                            place.get("feature_code", "") if place else "", area, was_id, was_name, author,
                            created))
        frame = pd.DataFrame(records, columns=list(CORRECTION_COLUMNS))
        frame["created_at"] = utc_series(frame["created_at"])
        return frame.astype({"entry_id": "int64", "source_id": "int64", "start": "int64", "end": "int64",
                             "not_a_place": bool, "is_area": bool, "lat": "float64", "lon": "float64"})


def _execute_all(conn: sqlite3.Connection, statements: Sequence[tuple[str, Sequence]]) -> None:
    """The statements of one decision, in one transaction (`EventStore._write` opens it)."""
    for sql, params in statements:
        conn.execute(sql, params)
