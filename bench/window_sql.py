"""Window queries: what the app shows of a time window, answered by SQL where the entries are.

A store too big to hold in memory (`settings.QUERY_PATH_ENTRIES`) is asked, for the chosen blogs, a
time window and the filters, for: the places named in the window with how many entries name each,
the latest of them and the newest few (the map); the window's entries a page at a time, newest first
(the table and the panel); the entries per bin of time (the histogram); the slider's stops and the
filters' choices. The answers are those the in-memory arrays give (`dashboard.view.mapdata`), exactly:
an entry names a place once however often its text does, and the filters keep the mentions that pass.

Times are stored as ISO 8601 text in UTC (`datetime.isoformat`, microseconds only when there are
some), which sorts as time sorts; a window's bounds are written the same way, so that a range on
`entries_by_time` selects the window without reading a row outside it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd

from dashboard.store.schema import words_query


@dataclass(frozen=True)
class Scope:
    """Which entries and mentions an answer counts: the blogs, the window (inclusive; None for the
    whole span) and the filters (`dashboard.view.filters.Filters`' fields)."""

    source_ids: tuple[int, ...]
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    keyword: str = ""
    place: str | None = None
    country: str | None = None
    min_score: float = 0.0

    @property
    def on_places(self) -> bool:
        return bool(self.place or self.country or self.min_score > 0)


def _iso(moment: pd.Timestamp, *, up: bool) -> str:
    """`moment` as the store writes times, at microseconds (rounded up for a start, down for an end)."""
    ns = int(pd.Timestamp(moment).tz_convert("UTC").value)
    micros = -(-ns // 1000) if up else ns // 1000
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)).isoformat()


def _entry_conditions(scope: Scope) -> tuple[list[str], list[object]]:
    """WHERE terms on `e` (entries) for the blogs, the window and the keyword."""
    ids = [int(i) for i in scope.source_ids]
    terms = [f"e.source_id IN ({', '.join('?' * len(ids))})" if ids else "0"]
    params: list[object] = list(ids)
    if scope.start is not None:
        terms.append("e.time_utc >= ?")
        params.append(_iso(scope.start, up=True))
    if scope.end is not None:
        terms.append("e.time_utc <= ?")
        params.append(_iso(scope.end, up=False))
    if scope.keyword:
        query = words_query(scope.keyword)
        if query is None:
            terms.append("0")
        else:
            # The word index is asked once, in a subquery (joined, SQLite would ask it for every entry).
            terms.append("e.entry_id IN (SELECT rowid FROM entry_words WHERE entry_words MATCH ?)")
            params.append(query)
    return terms, params


def _mention_conditions(scope: Scope) -> tuple[list[str], list[object]]:
    """WHERE terms on `m` (mentions) and `p` (places) for the place filters."""
    terms, params = ["m.place_id IS NOT NULL"], []
    if scope.place:
        terms.append("m.place_id = ?")
        params.append(scope.place)
    if scope.country:
        terms.append("upper(p.country_code) = ?")
        params.append(scope.country.upper())
    if scope.min_score > 0:
        terms.append("coalesce(m.score, -1.0) >= ?")
        params.append(float(scope.min_score))
    return terms, params


def _pairs(scope: Scope) -> tuple[str, list[object]]:
    """SQL for the distinct (entry, place) pairs in scope, with the entry's time and source."""
    entry_terms, entry_params = _entry_conditions(scope)
    mention_terms, mention_params = _mention_conditions(scope)
    sql = ("SELECT DISTINCT e.entry_id AS entry_id, e.source_id AS source_id, e.time_utc AS time_utc,"
           " m.place_id AS place_id FROM entries e INDEXED BY entries_by_time"
           " JOIN mentions m INDEXED BY mentions_by_entry_place ON m.entry_id = e.entry_id"
           " JOIN places p ON p.place_id = m.place_id"
           f" WHERE {' AND '.join(entry_terms + mention_terms)}")
    return sql, entry_params + mention_params


def _entries(scope: Scope, placed: bool = True) -> tuple[str, list[object]]:
    """SQL for the entries in scope, each once: entry_id, source_id, time_utc. `placed`: only those
    naming a place that passes the filters (what the map and the table show); else every entry of the
    blogs in the window (what the slider and the histogram span), the filters left out."""
    if placed:
        pairs, params = _pairs(scope)
        return f"SELECT DISTINCT entry_id, source_id, time_utc FROM ({pairs})", params
    terms, params = _entry_conditions(Scope(scope.source_ids, scope.start, scope.end))
    return (f"SELECT e.entry_id AS entry_id, e.source_id AS source_id, e.time_utc AS time_utc FROM entries e"
            f" INDEXED BY entries_by_time WHERE {' AND '.join(terms)}", params)


def window_places(conn: sqlite3.Connection, scope: Scope, listed: int) -> pd.DataFrame:
    """One row per place named in scope: place_id, count (entries), latest (time text), source_id and
    entry_id of the latest entry, and `listed` (the ids of the newest `listed` entries, newest first)."""
    pairs, params = _pairs(scope)
    rows = conn.execute(
        f"WITH pairs AS ({pairs}), ranked AS (SELECT place_id, entry_id, source_id, time_utc,"
        " row_number() OVER (PARTITION BY place_id ORDER BY time_utc DESC, entry_id DESC) AS rank,"
        " count(*) OVER (PARTITION BY place_id) AS count FROM pairs)"
        " SELECT place_id, count, time_utc, source_id, entry_id, rank FROM ranked WHERE rank <= ?"
        " ORDER BY place_id, rank", [*params, max(1, int(listed))]).fetchall()
    out: dict[str, dict] = {}
    for place_id, count, time_utc, source_id, entry_id, rank in rows:
        if rank == 1:
            out[place_id] = {"place_id": place_id, "count": count, "latest": time_utc, "source_id": source_id,
                             "entry_id": entry_id, "listed": []}
        if rank <= listed:
            out[place_id]["listed"].append(entry_id)
    return pd.DataFrame(list(out.values()),
                        columns=["place_id", "count", "latest", "source_id", "entry_id", "listed"])


def place_rows(conn: sqlite3.Connection, scope: Scope) -> pd.DataFrame:
    """Every place named in scope (the window left out: the whole span), with the least score of its
    mentions there: place_id, place_name, lat, lon, country_code, feature_code, feature_class, score."""
    entry_terms, entry_params = _entry_conditions(scope)
    mention_terms, mention_params = _mention_conditions(scope)
    rows = conn.execute(
        "SELECT p.place_id, p.name, p.latitude, p.longitude, p.country_code, p.feature_code, p.feature_class,"
        " min(m.score) FROM entries e INDEXED BY entries_by_time"
        " JOIN mentions m INDEXED BY mentions_by_entry_place ON m.entry_id = e.entry_id"
        f" JOIN places p ON p.place_id = m.place_id WHERE {' AND '.join(entry_terms + mention_terms)}"
        " GROUP BY p.place_id", entry_params + mention_params).fetchall()
    return pd.DataFrame(rows, columns=["place_id", "place_name", "lat", "lon", "country_code", "feature_code",
                                       "feature_class", "score"])


def count_entries(conn: sqlite3.Connection, scope: Scope, place_id: str | None = None) -> int:
    """How many entries are in scope (naming `place_id`, if given)."""
    sql, params = _entries(scope if place_id is None else _with_place(scope, place_id))
    return int(conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])


def _with_place(scope: Scope, place_id: str) -> Scope:
    """The scope narrowed to the entries naming `place_id` (past the filters, which still apply)."""
    if scope.place is not None and scope.place != place_id:
        return Scope((), scope.start, scope.end)  # nothing names two places as "the" place
    return Scope(scope.source_ids, scope.start, scope.end, scope.keyword, place_id, scope.country, scope.min_score)


def entry_ids(conn: sqlite3.Connection, scope: Scope, offset: int = 0, limit: int = -1,
              place_id: str | None = None) -> list[int]:
    """The ids of the entries in scope (naming `place_id`, if given), newest first, from `offset`."""
    sql, params = _entries(scope if place_id is None else _with_place(scope, place_id))
    rows = conn.execute(f"{sql} ORDER BY time_utc DESC, entry_id DESC LIMIT ? OFFSET ?",
                        [*params, int(limit), int(offset)]).fetchall()
    return [entry_id for (entry_id,) in rows]


def entry_times(conn: sqlite3.Connection, scope: Scope) -> list[str]:
    """The distinct times (text) of every entry of the blogs in the window, oldest first."""
    sql, params = _entries(scope, placed=False)
    return [t for (t,) in conn.execute(f"SELECT DISTINCT time_utc FROM ({sql}) ORDER BY time_utc", params)]


def binned_counts(conn: sqlite3.Connection, scope: Scope, origin: pd.Timestamp, width: pd.Timedelta
                  ) -> pd.DataFrame:
    """Every entry of the blogs in the window per source and bin of `width` from `origin`: source_id,
    bin, count, first (time text of the source's first entry, for the order of lanes of equal size)."""
    sql, params = _entries(scope, placed=False)
    origin_s = int(pd.Timestamp(origin).tz_convert("UTC").value // 1_000_000_000)
    width_s = int(pd.Timedelta(width).total_seconds())
    rows = conn.execute(
        f"SELECT source_id, (unixepoch(time_utc) - ?) / ? AS bin, count(*), min(time_utc) FROM ({sql})"
        " GROUP BY source_id, bin", [origin_s, width_s, *params]).fetchall()
    return pd.DataFrame(rows, columns=["source_id", "bin", "count", "first"])


def time_span(conn: sqlite3.Connection, scope: Scope) -> tuple[str, str] | None:
    """The first and last times (text) of every entry of the blogs in the window, None when none."""
    sql, params = _entries(scope, placed=False)
    first, last = conn.execute(f"SELECT min(time_utc), max(time_utc) FROM ({sql})", params).fetchone()
    return None if first is None else (first, last)


def entry_rows(conn: sqlite3.Connection, ids: Sequence[int]) -> list[tuple]:
    """The entries with these ids (ENTRY_COLUMNS, captions as stored JSON), in no particular order."""
    found: list[tuple] = []
    ids = [int(i) for i in ids]
    for first in range(0, len(ids), 500):  # within SQLite's limit on bound parameters
        chunk = ids[first:first + 500]
        found += conn.execute(
            "SELECT e.entry_id, e.source_id, s.name, e.time_utc, e.time_given, e.is_lead, e.is_timed,"
            " e.headline, e.body, e.captions_json, e.url FROM entries e JOIN sources s USING (source_id)"
            f" WHERE e.entry_id IN ({', '.join('?' * len(chunk))})", chunk).fetchall()
    return found
