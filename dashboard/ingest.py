"""The ingest pipeline: a live blog in, its entries and the places they name stored.

parse (dashboard.liveblog) -> key and hash the entries (dashboard.store) -> geoparse only the new or
changed ones, each with the whole blog as context -> when each mention's event happened
(dashboard.events, in the blog's zone) and the movements between places -> one short write transaction.

Geoparsing runs before the transaction opens, so the store's write lock is held only for the
writes, and a failure anywhere before the commit leaves the store as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from dashboard import settings
from dashboard.liveblog import LiveBlogError, parse_liveblog
from dashboard.store import EntryKey, EntryRow, EventStore, StoreError, entry_rows

if TYPE_CHECKING:
    from datetime import tzinfo

    from dashboard.events import EventTime
    from dashboard.events import Path as MovementPath
    from dashboard.model import Entry, ParsedBlog
    from gazetteer.places import Mention

Geoparser = Callable[[str, "str | None"], "list[Mention]"]


class IngestError(Exception):
    """A blog was rejected or could not be stored; the store is unchanged. The message is one line.

    `field` names what the user can change ("date", "zone", "encoding", "source"), as
    `LiveBlogError.field`: the command line and the app each say how, in their own words."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingest did, and the state of its source afterwards.

    `added`, `updated`, `unchanged` count this version's entries; `missing` counts entries stored
    from an earlier version that this one no longer has: they are kept, never deleted. `places`,
    `mentions` and `unresolved` describe the whole source after the ingest; `mentions_written` is
    what this ingest wrote.
    """

    source: str
    source_id: int
    added: int
    updated: int
    unchanged: int
    missing: int
    places: int
    mentions: int
    mentions_written: int
    unresolved: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    remapped: int = 0
    # Ingested again with another date or zone: the earlier entries were replaced, not kept.
    replaced: int = 0
    reattached: int = 0
    not_reattached: int = 0
    was_dated: tuple[str, str] | None = None

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.remapped)

    def lines(self) -> list[str]:
        """The report in plain lines, as the CLI prints it."""
        out = [f"source {self.source!r} (id {self.source_id}): {self.added} added, {self.updated} updated, "
               f"{self.unchanged} unchanged entries"]
        if self.remapped:
            out.append(f"  {self.remapped} unchanged entries had their places recomputed")
        if self.was_dated is not None:
            was = dated_text(*self.was_dated)
            out.append(f"  re-dated (was {was}): {self.replaced} earlier entries replaced; corrections: "
                       f"{self.reattached} re-attached, {self.not_reattached} whose words are gone (kept aside)")
        if self.missing:
            out.append(f"  {self.missing} stored entries are not in this version (kept)")
        out.append(f"  {self.places} places, {self.mentions} mentions mapped "
                   f"({self.mentions_written} mentions written now)")
        if self.unresolved:
            out.append(f"  {len(self.unresolved)} mentions not resolved to a place: "
                       + ", ".join(one_line(u) for u in self.unresolved))
        out.extend(f"  warning: {one_line(w)}" for w in self.warnings)
        return out


def one_line(message: object) -> str:
    return " ".join(str(message).split())


def dated_text(date_used: str | None, zone_used: str | None) -> str:
    """The date and zone an ingest was given, in words: "2024-12-13, Europe/London", "no date, UTC"."""
    if date_used is None:
        return "not recorded"
    return f"{date_used or 'no date given'}, {zone_used or 'no zone given'}"


def zone_name(tz: tzinfo | str | None) -> str:
    """A zone as the store records it: its name as given (an IANA name), "" for none."""
    return one_line(tz) if tz is not None else ""


def blog_context(entries: Sequence[Entry]) -> str:
    """What each entry is geoparsed against: the whole blog. A place named plainly in one entry
    settles an ambiguous name in another. One string object, so a geoparser may cache what it
    derives from it."""
    return "\n\n".join(e.text for e in entries)


def default_geoparser() -> Geoparser:
    """The real geoparser, imported only when an ingest needs it (its index is large)."""
    try:
        from gazetteer import geoparse
    except ImportError as exc:
        raise IngestError(f"the geoparser is not available: {one_line(exc)}") from exc
    return geoparse


def load_blog(path: str | os.PathLike[str], *, date: Date | None = None, tz: tzinfo | str | None = None,
              encoding: str | None = None) -> ParsedBlog:
    """Read and parse one live-blog file; a rejection becomes an IngestError naming the file.

    The parser checks the size cap before reading, the encoding, and that the file is text.
    """
    from dashboard.liveblog import read_liveblog

    try:
        # The path as given names the file in messages (its extension still tells the format).
        return read_liveblog(path, filename=str(path), date=date, tz=tz, encoding=encoding)
    except LiveBlogError as exc:
        raise IngestError(one_line(exc), exc.field) from exc


def ingest_file(path: str | os.PathLike[str], store: EventStore, *, date: Date | None = None,
                tz: tzinfo | str | None = None, source: str | None = None, url: str | None = None,
                encoding: str | None = None, geoparser: Geoparser | None = None,
                reparse: bool = False) -> IngestReport:
    """Parse a live-blog file and store it; the source name defaults to the file's stem."""
    parsed = load_blog(path, date=date, tz=tz, encoding=encoding)
    try:
        return ingest_blog(parsed, store, source=source or Path(path).stem, url=url, geoparser=geoparser,
                           reparse=reparse, date=date, tz=tz)
    except IngestError as exc:
        raise IngestError(f"{path}: {exc}", exc.field) from exc


def ingest_blog(parsed: ParsedBlog, store: EventStore, *, source: str | None = None, url: str | None = None,
                geoparser: Geoparser | None = None, reparse: bool = False, date: Date | None = None,
                tz: tzinfo | str | None = None) -> IngestReport:
    """Store a parsed blog under `source` (default: `parsed.source_name`) in one transaction.

    Only new and changed entries are geoparsed, unless `reparse` asks for every entry (after the
    gazetteer improved): then unchanged entries whose places differ get them replaced too. `date` and
    `tz` are what the blog was parsed with: a blog stored with another date or zone is replaced.
    """
    name = one_line(source or parsed.source_name or "")
    if not name:
        raise IngestError("the blog has no source name: give one", "source")
    entries = list(parsed.entries)
    if not entries:
        raise IngestError("the blog has no entries")
    try:
        rows = entry_rows(entries, newest_first=parsed.newest_first)
    except ValueError as exc:
        raise IngestError(one_line(exc)) from exc
    try:
        stored = store.stored_hashes(name)
    except StoreError as exc:
        raise IngestError(one_line(exc)) from exc
    todo = [row for row in rows if reparse or stored.get(row.key) != row.content_hash]
    mentions: dict[EntryKey, Sequence[Mention]] = {}
    warnings = [one_line(w) for w in parsed.warnings]
    if todo:
        parse = geoparser or default_geoparser()
        context = blog_context(entries)
        for row in todo:
            try:
                mentions[row.key] = list(parse(row.entry.text, context))
            except MemoryError:
                raise  # not the entry's fault: the process is out of memory (the ingest worker says so)
            except Exception as exc:
                raise IngestError("the geoparser failed on the entry at "
                                  f"{row.entry.time_given or row.time_utc}: {one_line(exc)}") from exc
    events = event_times(parsed, todo, mentions, tz, warnings)
    moves = movements(todo, mentions, warnings)
    try:
        result = store.write_blog(source=name, title=one_line(parsed.title or ""), url=url, rows=rows,
                                  mentions=mentions, remap=reparse, event_times=events, paths=moves,
                                  date_used=date.isoformat() if date else "", zone_used=zone_name(tz))
        summary = store.summary(result.source_id)
    except StoreError as exc:
        raise IngestError(one_line(exc)) from exc
    return IngestReport(
        source=name, source_id=result.source_id, added=result.added, updated=result.updated,
        unchanged=result.unchanged, missing=result.missing, places=summary.places, mentions=summary.mentions,
        mentions_written=result.mentions_written, unresolved=list(summary.unresolved),
        warnings=warnings, remapped=result.remapped, replaced=result.replaced,
        reattached=result.reattached, not_reattached=result.not_reattached, was_dated=result.was_dated)


def event_times(parsed: ParsedBlog, rows: Sequence[EntryRow], mentions: Mapping[EntryKey, Sequence[Mention]],
                tz: tzinfo | str | None, warnings: list[str]) -> dict[EntryKey, list[EventTime]]:
    """When the event at each mention of `rows` happened, read in the zone the entries were read in.

    An entry whose text the rules cannot read keeps its mentions at the report time, with a warning:
    the places are still worth storing."""
    from dashboard.events import entry_event_times
    from dashboard.events.evaluate import blog_zone
    from dashboard.liveblog.timeparse import zone_from_name

    given = None
    if isinstance(tz, str) and tz.strip():
        try:
            given = zone_from_name(tz)
        except ValueError:
            given = None  # the parser has already said so; the entries' own zones, else UTC
    elif tz is not None and not isinstance(tz, str):
        given = tz
    zone = blog_zone(parsed, given)
    out: dict[EntryKey, list[EventTime]] = {}
    for row in rows:
        try:
            out[row.key] = entry_event_times(row.entry, mentions[row.key], zone)
        except Exception as exc:  # a fault in the rules must not cost the entry its places
            warnings.append(f"when the events of the entry at {row.entry.time_given or row.time_utc} happened "
                            f"could not be read ({one_line(exc)}): they are kept at the report time")
    return out


def movements(rows: Sequence[EntryRow], mentions: Mapping[EntryKey, Sequence[Mention]],
              warnings: list[str]) -> dict[EntryKey, list[MovementPath]]:
    """The movements each entry of `rows` tells of between two of its places ("left X for Y")."""
    from dashboard.events import find_paths

    out: dict[EntryKey, list[MovementPath]] = {}
    for row in rows:
        try:
            out[row.key] = find_paths(row.entry.text, mentions[row.key])
        except Exception as exc:  # a fault in the rules must not cost the entry its places
            warnings.append(f"the movements of the entry at {row.entry.time_given or row.time_utc} could not be "
                            f"read ({one_line(exc)}): none stored")
    return out


# --------------------------------------------------------------------------------------------------
# A blog uploaded or pasted in the app: the same pipeline with a progress callback. Every rejection
# (empty, binary, over the input cap, not UTF-8, no date, an unknown zone, no source name...) is an
# IngestError with a one-line message, raised before the store's one write transaction.
# --------------------------------------------------------------------------------------------------

Progress = Callable[[float, str], None]


MAX_SOURCE_CHARS = 200


def _no_progress(fraction: float, message: str) -> None:
    pass


def source_name(given: str, filename: str) -> str:
    """The source name: the one given, else the file's stem ("pasted text" has none: an error)."""
    name = one_line(given)[:MAX_SOURCE_CHARS] or one_line(PurePath(filename).stem if filename else "")
    if not name:
        raise IngestError("give the blog a source name", "source")
    return name


def parse_upload(data: bytes | str, *, filename: str = "", date: Date | None = None, tz: str = "") -> ParsedBlog:
    """Parse an uploaded file (bytes) or pasted text; a rejection becomes an IngestError."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > settings.MAX_INPUT_BYTES:
        size, cap = len(data) / 2**20, settings.MAX_INPUT_BYTES / 2**20
        raise IngestError(f"{filename or 'the text'}: {size:.1f} MB is over the {cap:.0f} MB limit")
    try:
        return parse_liveblog(data, filename=filename or "pasted text", date=date, tz=one_line(tz) or None)
    except LiveBlogError as exc:
        raise IngestError(one_line(exc), exc.field) from exc
    except UnicodeError as exc:  # text that cannot be encoded (lone surrogates) is not a blog either
        raise IngestError(f"{filename or 'the text'}: not valid text ({one_line(exc)})") from exc


def ingest_upload(store: EventStore, data: bytes | str, *, filename: str = "", source: str = "",
                  date: Date | None = None, tz: str = "", url: str | None = None,
                  geoparser: Geoparser | None = None, progress: Progress = _no_progress) -> IngestReport:
    """Parse, geoparse and store one uploaded blog; `progress(fraction, message)` follows the work."""
    name = source_name(source, filename)
    progress(0.02, "Reading the blog…")
    parsed = parse_upload(data, filename=filename, date=date, tz=tz)
    total = max(1, len(parsed.entries))
    progress(0.1, f"Finding places in {total} entries…")
    parse = geoparser or default_geoparser()
    done = 0

    def counted(text: str, context: str | None):
        nonlocal done
        found = parse(text, context)
        done += 1
        progress(0.1 + 0.85 * min(1.0, done / total), f"Finding places: {done} of {total} entries")
        return found

    report = ingest_blog(parsed, store, source=name, url=url, geoparser=counted, date=date, tz=one_line(tz) or None)
    progress(1.0, "Stored.")
    return report


def report_text(report: IngestReport) -> str:
    """What an upload did, in one plain paragraph."""
    return " ".join(report.lines())


# --------------------------------------------------------------------------------------------------
# Widgets.
# --------------------------------------------------------------------------------------------------
