"""Blogs as wholes: listed with what their ingests were given, renamed, deleted, and re-dated.

A re-dated blog (ingested again with another date or zone for the times that name none) has new
entry keys, since an entry is keyed by its time: its old entries are deleted instead of kept beside
the new, and the analysts' corrections follow their entries by position (the n-th timed entry of the
old version is the n-th of the new) and the mention's words. Functions on an open connection, run
inside the caller's transaction (`EventStore` holds the lock and the transaction).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from dashboard.store.rows import LEAD_KEY, EntryKey, EntryRow
from dashboard.store.schema import StoreError


@dataclass(frozen=True, slots=True)
class BlogInfo:
    """One blog in the store, as `python -m dashboard blogs` and the app's Blogs panel list it.

    `date_used` and `zone_used` are what the last ingest was given for times that name no date or zone
    ("" none given, None not recorded: stored before the store kept them); `last_ingest_at` is the
    last ingest that changed it (one that changes nothing writes nothing)."""

    source_id: int
    name: str
    url: str
    title: str
    entries: int
    first: datetime | None
    last: datetime | None
    date_used: str | None
    zone_used: str | None
    ingested_at: datetime
    last_ingest_at: datetime


@dataclass(frozen=True, slots=True)
class Deleted:
    """What deleting a blog removed."""

    entries: int
    mentions: int
    corrections: int
    decisions: int = 0  # review decisions made for this blog (those made for all blogs stay)


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def list_blogs(conn: sqlite3.Connection) -> list[BlogInfo]:
    """Every blog, most recently ingested first."""
    rows = conn.execute(
        "SELECT s.source_id, s.name, s.url, s.title, count(e.entry_id), min(e.time_utc), max(e.time_utc),"
        " s.date_used, s.zone_used, s.ingested_at, s.updated_at"
        " FROM sources s LEFT JOIN entries e ON e.source_id = s.source_id AND e.is_lead = 0"
        " GROUP BY s.source_id ORDER BY 11 DESC, s.source_id DESC").fetchall()
    counts = dict(conn.execute("SELECT source_id, count(*) FROM entries GROUP BY source_id").fetchall())
    return [BlogInfo(sid, name, url, title, counts.get(sid, 0), _moment(first), _moment(last), date_used,
                     zone_used, _moment(ingested), _moment(last_ingest))  # type: ignore[arg-type]
            for sid, name, url, title, _, first, last, date_used, zone_used, ingested, last_ingest in rows]


def rename(conn: sqlite3.Connection, old: str, new: str) -> None:
    """Give a blog another name; its corrections, kept under the name, follow it."""
    new = " ".join(new.split())
    if not new:
        raise StoreError("the new name is empty")
    if conn.execute("SELECT 1 FROM sources WHERE name = ?", (old,)).fetchone() is None:
        raise StoreError(f"no blog named {old!r} in the store")
    if new != old and conn.execute("SELECT 1 FROM sources WHERE name = ?", (new,)).fetchone() is not None:
        raise StoreError(f"a blog named {new!r} is already in the store")
    conn.execute("UPDATE sources SET name = ? WHERE name = ?", (new, old))
    conn.execute("UPDATE OR REPLACE corrections SET source = ? WHERE source = ?", (new, old))
    conn.execute("UPDATE OR REPLACE decisions SET source = ? WHERE source = ?", (new, old))


def delete(conn: sqlite3.Connection, name: str) -> Deleted:
    """Remove a blog: its entries (and with them their mentions and word-index rows), its corrections
    and the review decisions made for it (never those made for all blogs, kept under source ''), and
    the places nothing names any more."""
    found = conn.execute("SELECT source_id FROM sources WHERE name = ?", (name,)).fetchone()
    if found is None:
        raise StoreError(f"no blog named {name!r} in the store")
    (source_id,) = found
    mentions = conn.execute("SELECT count(*) FROM mentions JOIN entries USING (entry_id) WHERE source_id = ?",
                            (source_id,)).fetchone()[0]
    # Mentions go first, explicitly: the cascade needs foreign keys on, which a connection may not have.
    conn.execute("DELETE FROM mentions WHERE entry_id IN (SELECT entry_id FROM entries WHERE source_id = ?)",
                 (source_id,))
    entries = conn.execute("DELETE FROM entries WHERE source_id = ?", (source_id,)).rowcount
    corrections = conn.execute("DELETE FROM corrections WHERE source = ?", (name,)).rowcount
    decisions = conn.execute("DELETE FROM decisions WHERE source = ?", (name,)).rowcount if name else 0
    conn.execute("DELETE FROM sources WHERE source_id = ?", (source_id,))
    drop_unnamed_places(conn)
    return Deleted(entries, mentions, corrections, decisions)


def drop_unnamed_places(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM places WHERE place_id NOT IN (SELECT place_id FROM mentions WHERE place_id IS NOT NULL)")


@dataclass(frozen=True, slots=True)
class Replaced:
    """What re-dating a blog did: entries of the old version deleted, corrections moved or left behind."""

    entries: int
    reattached: int
    not_reattached: int


def replace_entries(conn: sqlite3.Connection, source: str, source_id: int, rows: Sequence[EntryRow]) -> Replaced:
    """Delete the stored entries of a blog that `rows` (its new version) do not have, moving their
    corrections to the entry at the same position among the timed entries, at the mention's words."""
    stored = conn.execute(
        "SELECT entry_id, time_utc_minute, minute_order FROM entries WHERE source_id = ? AND is_lead = 0"
        " ORDER BY time_utc, minute_order, entry_id", (source_id,)).fetchall()
    present = {row.key for row in rows}
    position = {(minute, order): k for k, (_, minute, order) in enumerate(stored)}
    timed = sorted((row for row in rows if not row.entry.is_lead), key=lambda r: (r.time_utc, r.minute_order))
    reattached = lost = 0
    for cid, minute, order, start, end, text in conn.execute(
            'SELECT correction_id, entry_minute, minute_order, start, "end", text FROM corrections'
            " WHERE source = ? AND entry_minute != ?", (source, LEAD_KEY)).fetchall():
        key: EntryKey = (minute, order)
        if key in present or key not in position:
            continue  # its entry stays, or it was already waiting for an entry that is gone
        k = position[key]
        moved = _at_words(timed[k], start, end, text) if k < len(timed) else None
        if moved is None:
            lost += 1
            continue
        conn.execute('UPDATE OR REPLACE corrections SET entry_minute = ?, minute_order = ?, start = ?, "end" = ?'
                     " WHERE correction_id = ?", (*timed[k].key, *moved, cid))
        reattached += 1
    # Review decisions made for one entry follow it the same way, by its words (kept folded: spacing and
    # case); a mention an analyst added also takes the words' new offsets.
    for did, minute, order, words, start in conn.execute(
            "SELECT decision_id, entry_minute, minute_order, words, start FROM decisions"
            " WHERE source = ? AND entry_minute NOT IN ('', ?)", (source, LEAD_KEY)).fetchall():
        key = (minute, order)
        if key in present or key not in position:
            continue
        k = position[key]
        found = timed[k].entry.text.casefold().find(words) if k < len(timed) else -1
        if found < 0:
            lost += 1
            continue
        offsets = (found, found + len(words)) if start >= 0 else (-1, -1)
        conn.execute('UPDATE OR REPLACE decisions SET entry_minute = ?, minute_order = ?, start = ?, "end" = ?'
                     " WHERE decision_id = ?", (*timed[k].key, *offsets, did))
        reattached += 1
    gone = [entry_id for entry_id, minute, order in stored if (minute, order) not in present]
    for first in range(0, len(gone), 500):  # within SQLite's limit on bound parameters
        chunk = gone[first:first + 500]
        marks = ", ".join("?" * len(chunk))
        conn.execute(f"DELETE FROM mentions WHERE entry_id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM entries WHERE entry_id IN ({marks})", chunk)
    if gone:
        drop_unnamed_places(conn)
    return Replaced(len(gone), reattached, lost)


def _at_words(row: EntryRow, start: int, end: int, words: str) -> tuple[int, int] | None:
    """Where the words of a corrected mention are in the new entry: the same offsets when they still
    read so, else their first occurrence; None when the entry no longer has them."""
    text = row.entry.text
    if text[start:end] == words:
        return start, end
    found = text.find(words)
    return (found, found + len(words)) if found >= 0 else None
