"""Value objects to rows: how an `Entry`, a `Place` and a `Mention` are keyed, hashed and written.

This is the only place where the shared value objects become SQL rows.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import numpy as np
import pandas as pd

from dashboard.model import EVENT_COLUMNS, MENTION_COLUMNS, REPORT_TIME, Entry
from gazetteer.places import Mention, Place, is_area_kind

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
    # A re-dated blog (another date or zone given): its old entries deleted, and its corrections
    # moved to the new entries or left waiting (`dashboard.store.blogs.replace_entries`).
    replaced: int = 0
    reattached: int = 0
    not_reattached: int = 0
    was_dated: tuple[str, str] | None = None  # the date and zone given before, when they changed


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """A source's state in the store: its places, mentions, and the mentions no place was found for."""

    source_id: int
    entries: int
    places: int
    mentions: int
    unresolved: tuple[str, ...]


def as_utc(moment: datetime) -> datetime:
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
        moment = as_utc(entry.time_utc)
        time_utc = moment.isoformat()
        minute = LEAD_KEY if entry.is_lead else moment.strftime("%Y-%m-%dT%H:%M")
        order = counts[minute] = counts.get(minute, -1) + 1
        rows.append(EntryRow(entry, time_utc, minute, order, _content_hash(entry, time_utc)))
    return list(reversed(rows)) if newest_first else rows


def finite(value: float) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def is_resolved(mention: Mention) -> bool:
    """A mention the map can draw: it has a place with real coordinates."""
    place = mention.place
    return place is not None and finite(place.latitude) and finite(place.longitude)


def place_row(place: Place) -> tuple:
    return (place.place_id, place.geonameid, place.name, float(place.latitude), float(place.longitude),
            place.feature_class, place.feature_code, place.country_code, place.admin1_name,
            int(place.population or 0), place.source)


def alternatives_json(mention: Mention) -> str:
    alternatives = [{**p.as_dict(), "score": float(score)} for p, score in mention.alternatives]
    return json.dumps(alternatives, ensure_ascii=False, allow_nan=False)


def parse_alternatives(stored: str | None) -> list[dict]:
    """The stored JSON list of a mention's runner-ups; damaged text (a hand-edited store) gives []."""
    try:
        parsed = json.loads(stored or "[]")
    except ValueError:
        return []
    return [a for a in parsed if isinstance(a, dict)] if isinstance(parsed, list) else []


def insert_entry(conn: sqlite3.Connection, source_id: int, row: EntryRow) -> int:
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


def update_entry(conn: sqlite3.Connection, entry_id: int, row: EntryRow) -> None:
    conn.execute(
        "UPDATE entries SET time_utc = ?, time_given = ?, is_lead = ?, is_timed = ?, headline = ?, body = ?,"
        " captions_json = ?, url = ?, raw_text = ?, content_hash = ? WHERE entry_id = ?",
        (row.time_utc, *_entry_fields(row), entry_id),
    )


def upsert_places(conn: sqlite3.Connection, mentions: Sequence[Mention]) -> None:
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
                place_row(mention.place),
            )


class EventTimeLike(Protocol):
    """When a mention's event happened (`dashboard.events.EventTime` is one): read, never imported,
    so the store does not depend on the rules that compute it."""

    start: datetime
    end: datetime
    precision: str
    words: str
    expected: bool


def event_values(event: EventTimeLike | None, report_time: str) -> tuple:
    """A mention's event time as the store keeps it; none given: the entry's report time."""
    if event is None:
        return (report_time, report_time, REPORT_TIME, "", 0)
    return (as_utc(event.start).isoformat(), as_utc(event.end).isoformat(), str(event.precision),
            " ".join(str(event.words).split()), int(bool(event.expected)))


def mention_values(mentions: Sequence[Mention], report_time: str,
                   events: Sequence[EventTimeLike] | None = None) -> list[tuple]:
    """One entry's mentions as rows (without ids), in text order: position is the rank in that order.
    `events` holds each mention's event time, in the order of `mentions` (none: the report time)."""
    if events is not None and len(events) != len(mentions):
        raise ValueError(f"{len(mentions)} mentions but {len(events)} event times")
    paired = sorted(zip(mentions, events if events is not None else [None] * len(mentions), strict=True),
                    key=lambda pair: (pair[0].start, pair[0].end))
    return [(position, int(m.start), int(m.end), m.text, m.place.place_id if is_resolved(m) else None,
             float(m.score) if finite(m.score) else None, alternatives_json(m), *event_values(event, report_time))
            for position, (m, event) in enumerate(paired)]


def stored_mention_values(conn: sqlite3.Connection, entry_id: int) -> list[tuple]:
    return conn.execute(
        'SELECT position, start, "end", text, place_id, score, alternatives_json, event_start, event_end,'
        " event_precision, event_words, event_expected FROM mentions WHERE entry_id = ? ORDER BY position",
        (entry_id,)).fetchall()


def insert_mentions(conn: sqlite3.Connection, entry_id: int, mentions: Sequence[Mention], report_time: str,
                    events: Sequence[EventTimeLike] | None = None) -> int:
    """Write one entry's mentions (and the places they name) with their event times; returns how
    many were written. `report_time` is the entry's time (ISO 8601 UTC), for mentions without one."""
    upsert_places(conn, mentions)
    values = mention_values(mentions, report_time, events)
    conn.executemany(
        'INSERT INTO mentions (entry_id, position, start, "end", text, place_id, score, alternatives_json,'
        " event_start, event_end, event_precision, event_words, event_expected)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(entry_id, *v) for v in values])
    return len(values)


class PathLike(Protocol):
    """A movement between two of an entry's mentions (`dashboard.events.Path` is one)."""

    origin: Mention
    destination: Mention
    words: str


def path_values(paths: Sequence[PathLike]) -> list[tuple]:
    """One entry's movements between resolved places as rows (without ids), in the order found."""
    kept = [p for p in paths if is_resolved(p.origin) and is_resolved(p.destination)]
    return [(position, int(p.origin.start), int(p.origin.end), p.origin.text, p.origin.place.place_id,
             int(p.destination.start), int(p.destination.end), p.destination.text, p.destination.place.place_id,
             " ".join(str(p.words).split()))
            for position, p in enumerate(kept)]


def stored_path_values(conn: sqlite3.Connection, entry_id: int) -> list[tuple]:
    return conn.execute(
        'SELECT position, from_start, from_end, from_text, from_place_id, to_start, to_end, to_text, to_place_id,'
        " words FROM paths WHERE entry_id = ? ORDER BY position", (entry_id,)).fetchall()


def insert_paths(conn: sqlite3.Connection, entry_id: int, paths: Sequence[PathLike]) -> int:
    """Write one entry's movements (after its mentions, which wrote the places); returns how many."""
    values = path_values(paths)
    conn.executemany(
        "INSERT INTO paths (entry_id, position, from_start, from_end, from_text, from_place_id, to_start, to_end,"
        " to_text, to_place_id, words) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(entry_id, *v) for v in values])
    return len(values)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def utc_series(values: Sequence[str] | pd.Series) -> pd.Series:
    if isinstance(getattr(values, "dtype", None), pd.DatetimeTZDtype):  # already parsed (`category_frame`)
        return pd.Series(values).dt.tz_convert("UTC")
    # Each distinct text parsed once: a mention repeats its entry's time.
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):  # already coded: parse the categories
        codes, distinct = values.cat.codes.to_numpy(), values.cat.categories.to_numpy(dtype=object)
    else:
        codes, distinct = pd.factorize(pd.Series(values, dtype=object))
    parsed = pd.to_datetime(pd.Series(distinct, dtype=object), utc=True, format="ISO8601")
    times = parsed.astype("datetime64[ns, UTC]").array.take(codes, allow_fill=True)
    return pd.Series(times, index=values.index if isinstance(values, pd.Series) else None, dtype="datetime64[ns, UTC]")


def mentions_select(where: str, events: bool) -> tuple[str, list[str], tuple[str, ...]]:
    """The query of the resolved mentions (`EventStore.mentions`) under `where`, its columns and the ones
    that repeat a few texts; without `events`, the event columns are left out."""
    event_sql = (", coalesce(m.event_start, e.time_utc), coalesce(m.event_end, e.time_utc), m.event_precision,"
                 " m.event_words, m.event_expected") if events else ""
    sql = ('SELECT m.entry_id, e.source_id, e.time_utc, m.position, m.start, m."end", m.text, m.place_id,'
           " p.name, p.latitude, p.longitude, p.country_code, p.feature_code, p.feature_class, m.score"
           f"{event_sql} FROM mentions m JOIN entries e USING (entry_id)"
           f" JOIN places p USING (place_id){where} ORDER BY e.time_utc, m.entry_id, m.position")
    columns = ["entry_id", "source_id", "time_utc", "position", "start", "end", "mention", "place_id",
               "place_name", "lat", "lon", "country_code", "feature_code", "feature_class", "score",
               *(EVENT_COLUMNS if events else ())]
    shared = ("time_utc", "mention", "place_id", "place_name", "country_code", "feature_code", "feature_class",
              *(("event_precision", "event_words") if events else ()))
    return sql, columns, shared


def category_frame(cursor: sqlite3.Cursor, columns: Sequence[str], shared: Sequence[str], kinds: Mapping[str, str],
                   chunk_rows: int = 20_000) -> pd.DataFrame:
    """A query's rows (`cursor`) as a DataFrame whose `shared` columns are categories and whose others
    have the numpy types `kinds` gives (NULL as NaN in a float column), or, for a kind "utc", are times
    (`utc_series`), or for a kind "text", texts of their own (a headline, a URL) held once per distinct
    text within a chunk: each chunk's texts are coded, its times parsed and its numbers typed as they
    arrive, so that no column of a row's own strings or of wider numbers is ever built (a million
    entries' 2.4 million mentions as strings took the reading 800 MB above what they weigh so; their
    times, a million distinct texts, took 300 MB more as categories)."""
    parts: dict[str, list[np.ndarray]] = {column: [] for column in columns}
    known: dict[str, dict[object, int]] = {column: {} for column in shared if kinds.get(column) != "utc"}
    while rows := cursor.fetchmany(chunk_rows):
        for column, values in zip(columns, zip(*rows, strict=True), strict=True):
            if kinds.get(column) == "utc":
                parts[column].append(utc_series(values).to_numpy(dtype="datetime64[ns]"))
                continue
            if kinds.get(column) == "text":  # mostly distinct: not worth a category, but SQLite's copies go
                codes, distinct = pd.factorize(np.array(values, dtype=object), use_na_sentinel=False)
                parts[column].append(np.asarray(distinct, dtype=object).take(codes))
                continue
            if column not in known:
                parts[column].append(np.array(values, dtype=kinds.get(column)))
                continue
            codes, distinct = pd.factorize(np.array(values, dtype=object))
            lookup = known[column]
            # The chunk's codes as the whole column's; -1 (NULL) stays -1.
            whole = np.array([*(lookup.setdefault(text, len(lookup)) for text in distinct), -1], dtype=np.int32)
            parts[column].append(whole[codes])
        del rows  # the chunk's tuples go before the next chunk is fetched, not after
    data = {}
    for column in columns:
        if kinds.get(column) == "utc":
            values = np.concatenate(parts.pop(column)) if parts[column] else np.array([], dtype="datetime64[ns]")
            data[column] = pd.Series(values, dtype="datetime64[ns]").dt.tz_localize("UTC")
            continue
        values = np.concatenate(parts.pop(column)) if parts[column] else np.array([], dtype=object)
        if column in known:
            values = pd.Categorical.from_codes(values.astype(np.int32),
                                               categories=pd.Index(list(known[column]), dtype="str"))
        data[column] = values
    return pd.DataFrame(data)


def typed_entries(cursor: sqlite3.Cursor, columns: Sequence[str]) -> pd.DataFrame:
    """The entries a query reads (`columns`: `ENTRY_COLUMNS`), typed chunk by chunk as they are read
    (`category_frame`), as the mentions are: a million entries read as frames of Python rows and
    concatenated took the process 230 MB up, 350 MB at the read's peak. The source's name and the time
    as given come as texts, one string per distinct text, as the rest of the app reads them."""
    kinds = {"entry_id": "int64", "source_id": "int64", "is_lead": "bool", "is_timed": "bool", "time_utc": "utc",
             **{c: "text" for c in ("headline", "body", "captions", "url")}}
    frame = category_frame(cursor, columns, ("source", "time_given"), kinds)
    for column in ("source", "time_given"):
        coded = frame[column].array
        texts = np.array([*coded.categories.to_numpy(dtype=object), None], dtype=object)
        frame[column] = texts.take(coded.codes)  # a NULL's code, -1, takes the None
    return frame


def entry_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Entries as read (`ENTRY_COLUMNS`, their times as text or parsed, captions as JSON) as the store
    gives them: times parsed, captions as lists, sorted by time_utc, entry_id."""
    frame["time_utc"] = utc_series(frame["time_utc"])
    # Parsed once per distinct text: entries without captions share one (read-only) empty list.
    parsed = {c: json.loads(c) for c in frame["captions"].unique()}
    frame["captions"] = pd.Series([parsed[c] for c in frame["captions"]], index=frame.index, dtype=object)
    frame = frame.astype({"entry_id": "int64", "source_id": "int64", "is_lead": bool, "is_timed": bool})
    # Times stored as text sort right only while the offsets agree; sort the real times (a copy of
    # every column, made only when the store's order was not already that).
    times, ids = frame["time_utc"].to_numpy(dtype="datetime64[ns]"), frame["entry_id"].to_numpy()
    later, tied = times[1:] > times[:-1], times[1:] == times[:-1]
    if bool(np.all(later | (tied & (ids[1:] > ids[:-1])))):
        return frame.reset_index(drop=True)
    return frame.sort_values(["time_utc", "entry_id"], kind="stable", ignore_index=True)


def one_string_each(chunk: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """`chunk` with each of `columns` holding one string per distinct text: SQLite hands over a new
    string for every row (a million mentions' names weighed 60 MB as copies, 8 MB as references)."""
    for column in columns:
        codes, distinct = pd.factorize(chunk[column], use_na_sentinel=False)
        chunk[column] = pd.Series(distinct, dtype=object).to_numpy().take(codes)
    return chunk


def _texts(column: pd.Series) -> pd.Series:
    """A column as texts: categories stay categories (their codes are the texts'), others as str."""
    return column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype(str)


def mentions_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The mentions as read (`EventStore.mentions`' query) made `MENTION_COLUMNS` (without the event
    columns when the query left them out): times as UTC
    timestamps, `is_area` from the place's kind, typed columns, sorted by time_utc, entry_id, position."""
    events = "event_start" in frame  # left out of a big store's map (`EventStore.mentions(events=False)`)
    for column in ("time_utc", "event_start", "event_end") if events else ("time_utc",):
        frame[column] = utc_series(frame[column])
    if events:
        frame["event_expected"] = frame["event_expected"].astype(bool)
    # The one rule for what is an area is gazetteer.places.is_area_kind; asked once per kind of place, not
    # per row (and without a string per row: a million mentions made 150 MB of them).
    classes, class_names = pd.factorize(_texts(frame["feature_class"]))
    codes, code_names = pd.factorize(_texts(frame["feature_code"]))
    width = max(1, len(code_names))
    kinds, at = np.unique(classes.astype(np.int64) * width + codes, return_inverse=True)
    area = np.array([is_area_kind(class_names[k // width], code_names[k % width]) for k in kinds], dtype=bool)
    frame["is_area"] = area[at]
    # Ids and offsets as 64-bit integers, unless read as 32-bit ones (`EventStore.mentions(categories=True)`).
    integers = {c: "int32" if frame[c].dtype == np.int32 else "int64"
                for c in ("entry_id", "source_id", "position", "start", "end")}
    frame = frame[[c for c in MENTION_COLUMNS if events or c not in EVENT_COLUMNS]].astype(
        {**integers, "lat": "float64", "lon": "float64", "score": "float64", "is_area": bool})
    # Times stored as text sort right only while the offsets agree; sort the real times (a copy only
    # when the order changes: SQLite's order is nearly always already the one wanted).
    order = np.lexsort((frame["position"].to_numpy(), frame["entry_id"].to_numpy(),
                        frame["time_utc"].to_numpy(dtype="datetime64[ns]")))
    if not np.array_equal(order, np.arange(len(frame))):
        frame = frame.take(order)
    return frame.reset_index(drop=True)
