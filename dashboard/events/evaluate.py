"""Score event times and paths against hand-written answer keys (`python -m dashboard evaluate-events`).

Keys are CSV files with their rules at the top as `#` lines (tests/fixtures/events/):
- times: `entry_time_utc, place, event_start, event_end, precision`; `lead` names the blog's
  introduction; a place with one row has that time at every naming in the entry, otherwise one row per
  naming in text order; `report` means at report time, `unknown` is not scored.
- paths: `entry_time_utc, from, to`.

Figures:
- timed pairs right: the key's days (in the blog's zone) overlap the interval, and the interval is no
  longer than the key's span (at least a day: "on Sunday" may be the whole day);
- report-time pairs moved: the interval does not hold the report instant;
- paths: precision and recall of (entry, from, to), names compared as written or as resolved.

The blog is parsed by `dashboard.liveblog` and geoparsed as `dashboard.ingest` does (the whole blog as
context). No store is written: event times are computed from the entries and mentions directly.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path as FilePath

from dashboard.events.eventtime import EventTime, entry_event_times
from dashboard.events.movements import Path, find_paths
from dashboard.model import Entry, ParsedBlog
from gazetteer.places import Mention

Geoparser = Callable[[str, "str | None"], "list[Mention]"]
TIME_COLUMNS = ("entry_time_utc", "place", "event_start", "event_end", "precision")
PATH_COLUMNS = ("entry_time_utc", "from", "to")


class KeyError_(ValueError):
    """An answer key that cannot be read; the message is one line naming the file and row."""


@dataclass(frozen=True, slots=True)
class TimeRow:
    entry: str
    place: str
    start: date | None
    end: date | None
    precision: str


@dataclass(frozen=True, slots=True)
class EntryResult:
    """One entry's mentions with their event times, and its paths."""

    key: str
    entry: Entry
    mentions: tuple[Mention, ...]
    times: tuple[EventTime, ...]
    paths: tuple[Path, ...]


@dataclass
class Score:
    timed: int = 0
    timed_right: int = 0
    report: int = 0
    moved: int = 0
    paths_found: int = 0
    paths_right: int = 0
    paths_key: int = 0
    not_found: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def timed_share(self) -> float:
        return self.timed_right / self.timed if self.timed else 1.0

    @property
    def moved_share(self) -> float:
        return self.moved / self.report if self.report else 0.0

    @property
    def path_precision(self) -> float:
        return self.paths_right / self.paths_found if self.paths_found else 1.0

    @property
    def path_recall(self) -> float:
        return self.paths_right / self.paths_key if self.paths_key else 1.0

    def lines(self, *, details: bool = False) -> list[str]:
        out = [f"timed pairs right: {self.timed_right}/{self.timed} = {self.timed_share:.1%}",
               f"report-time pairs moved: {self.moved}/{self.report} = {self.moved_share:.1%}",
               f"paths: precision {self.paths_right}/{self.paths_found} = {self.path_precision:.2f}, "
               f"recall {self.paths_right}/{self.paths_key} = {self.path_recall:.2f}",
               f"key names the geoparser did not find: {len(self.not_found)}"]
        if details:
            out.extend("  not found: " + n for n in self.not_found)
            out.extend("  " + e for e in self.errors)
        return out


def _rows(path: FilePath, columns: Sequence[str]) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as exc:
        raise KeyError_(f"{path}: cannot read the key ({exc})") from exc
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)), skipinitialspace=True)
    if tuple(c.strip() for c in reader.fieldnames or ()) != tuple(columns):
        raise KeyError_(f"{path}: the key's columns must be {', '.join(columns)}")
    return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in reader]


def read_time_key(path: FilePath) -> list[TimeRow]:
    out = []
    for number, row in enumerate(_rows(path, TIME_COLUMNS), start=1):
        precision = row["precision"]
        try:
            start = date.fromisoformat(row["event_start"]) if row["event_start"] else None
            end = date.fromisoformat(row["event_end"]) if row["event_end"] else None
        except ValueError as exc:
            raise KeyError_(f"{path}: row {number}: {exc}") from exc
        if precision not in ("report", "unknown") and (start is None or end is None or end < start):
            raise KeyError_(f"{path}: row {number}: a timed row needs event_start <= event_end")
        out.append(TimeRow(_entry_key_text(row["entry_time_utc"]), row["place"], start, end, precision))
    return out


def read_path_key(path: FilePath) -> list[tuple[str, str, str]]:
    return [(_entry_key_text(r["entry_time_utc"]), r["from"], r["to"]) for r in _rows(path, PATH_COLUMNS)]


def _entry_key_text(text: str) -> str:
    if text.lower() == "lead":
        return "lead"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise KeyError_(f"not an entry time: {text!r}") from exc
    return entry_key(moment if moment.tzinfo else moment.replace(tzinfo=UTC), False)


def entry_key(time_utc: datetime, is_lead: bool) -> str:
    return "lead" if is_lead else time_utc.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def blog_zone(parsed: ParsedBlog, given: tzinfo | None) -> tzinfo:
    """The zone the entries were read in: the one their time lines name, else --tz, else UTC."""
    from dashboard.liveblog.timeparse import Stamp, match_time_line

    for entry in parsed.entries:
        stamp = match_time_line(entry.time_given) if entry.time_given else None
        if isinstance(stamp, Stamp) and stamp.zone is not None:
            return stamp.zone
    return given or UTC


def analyse(parsed: ParsedBlog, zone: tzinfo, geoparser: Geoparser) -> list[EntryResult]:
    """Each entry's mentions (geoparsed with the whole blog as context), event times and paths."""
    context = "\n\n".join(e.text for e in parsed.entries)
    out = []
    for entry in parsed.entries:
        mentions = tuple(geoparser(entry.text, context))
        out.append(EntryResult(entry_key(entry.time_utc, entry.is_lead), entry, mentions,
                               tuple(entry_event_times(entry, mentions, zone)),
                               tuple(find_paths(entry.text, mentions))))
    return out


def _same_name(name: str, mention: Mention) -> bool:
    wanted = name.casefold()
    return mention.text.casefold() == wanted or (mention.place is not None and mention.place.name.casefold() == wanted)


def score(results: Sequence[EntryResult], time_key: Sequence[TimeRow], path_key: Sequence[tuple[str, str, str]],
          zone: tzinfo) -> Score:
    result = Score()
    by_entry: dict[str, list[EntryResult]] = defaultdict(list)
    for r in results:
        by_entry[r.key].append(r)
    groups: dict[tuple[str, str], list[TimeRow]] = defaultdict(list)
    for row in time_key:
        groups[(row.entry, row.place.casefold())].append(row)
    for (entry, _name), rows in groups.items():
        found = [(r, m, t) for r in by_entry.get(entry, []) for m, t in zip(r.mentions, r.times, strict=True)
                 if m.text.casefold() == rows[0].place.casefold()]
        if not found:
            result.not_found.append(f"{entry} {rows[0].place}")
            continue
        if len(rows) > 1 and len(rows) != len(found):
            result.errors.append(f"{entry} {rows[0].place}: the key has {len(rows)} rows, "
                                 f"the geoparser found {len(found)} namings (scored in order)")
        for index, (r, mention, event) in enumerate(found):
            if len(rows) > 1 and index >= len(rows):
                break
            row = rows[0] if len(rows) == 1 else rows[index]
            _score_pair(result, row, r.entry, mention, event, zone)
    found_paths = {(r.key, p.origin.text.casefold(), p.destination.text.casefold()): p
                   for r in results for p in r.paths}
    key_paths = {(e, a.casefold(), b.casefold()) for e, a, b in path_key}
    result.paths_key = len(key_paths)
    result.paths_found = len(found_paths)
    for key, p in found_paths.items():
        right = any(k[0] == key[0] and _same_name(k[1], p.origin) and _same_name(k[2], p.destination)
                    for k in key_paths)
        result.paths_right += right
        if not right:
            result.errors.append(f"path not in the key: {key[0]} {p.origin.text} -> {p.destination.text} "
                                 f"({p.words!r})")
    for k in key_paths:
        if not any(f[0] == k[0] and _same_name(k[1], p.origin) and _same_name(k[2], p.destination)
                   for f, p in found_paths.items()):
            result.errors.append(f"path missed: {k[0]} {k[1]} -> {k[2]}")
    return result


def _score_pair(result: Score, row: TimeRow, entry: Entry, mention: Mention, event: EventTime,
                zone: tzinfo) -> None:
    where = f"{row.entry} {mention.text}@{mention.start}"
    if row.precision == "unknown":
        return
    if row.precision == "report":
        result.report += 1
        if not event.start <= entry.time_utc <= event.end:
            result.moved += 1
            result.errors.append(f"moved: {where} to {_show(event, zone)}")
        return
    assert row.start is not None and row.end is not None
    result.timed += 1
    first, last = event.start.astimezone(zone).date(), event.end.astimezone(zone).date()
    overlaps = first <= row.end and row.start <= last
    allowed = max(timedelta(days=1), timedelta(days=(row.end - row.start).days + 1))
    if overlaps and event.end - event.start <= allowed:
        result.timed_right += 1
    else:
        result.errors.append(f"wrong: {where} key {row.start}..{row.end} ({row.precision}), got {_show(event, zone)}")


def _show(event: EventTime, zone: tzinfo) -> str:
    start, end = event.start.astimezone(zone), event.end.astimezone(zone)
    words = f" from {event.words!r}" if event.words else ""
    return f"{start:%Y-%m-%d %H:%M}..{end:%Y-%m-%d %H:%M} ({event.precision}){words}"


def evaluate(time_key: FilePath, blog: FilePath, *, day: date | None = None, tz: tzinfo | str | None = None,
             path_key: FilePath | None = None, geoparser: Geoparser | None = None) -> Score:
    """Read the keys and the blog, compute event times and paths, and score them.

    The paths key defaults to the times key's name with `-times` replaced by `-paths`, when it exists.
    """
    from dashboard.ingest import default_geoparser, load_blog
    from dashboard.liveblog.timeparse import zone_from_name

    rows = read_time_key(time_key)
    if path_key is None:
        guess = time_key.with_name(time_key.name.replace("-times", "-paths"))
        path_key = guess if guess != time_key and guess.is_file() else None
    paths = read_path_key(path_key) if path_key is not None else []
    zone_given = zone_from_name(tz) if isinstance(tz, str) else tz
    parsed = load_blog(blog, date=day, tz=zone_given)
    zone = blog_zone(parsed, zone_given)
    results = analyse(parsed, zone, geoparser or default_geoparser())
    return score(results, rows, paths, zone)
