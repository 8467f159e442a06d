"""Time parsing for live blogs, all in one place: time lines, date lines, zones, and days.

One module on purpose, though long: it is the project's one home for reading times, and its parts
(stamps, dates, zones, placing on days) share the same small value types and regexes.

**Time lines.** A time line is a line on its own that states a time of day: ``03:21 PM GMT``,
``15.21 GMT``, ``16.32 BST``, ``15:21``, ``3.21pm``, ``3:21 p.m. ET``, ``1521 GMT``, optionally
with a label (``Posted at 15:21``, ``Updated at 16.45 BST``, ``Published ...``) and a date beside it
(``Sat 10 Sep 2022 18.58 BST``, ``Dec. 13, 2024, 3:21 p.m. ET``, ``15:21 GMT, 13 December 2024``,
``2024-12-13T15:21:00Z``). A time mentioned inside a sentence is never a time line: every word of
the line must belong to the label, the date, the time or its zone. A dotted time with a one-digit
hour (``3.21``) needs a zone, am/pm, a label or a date, so that a bare decimal is not read as a time.
A line shaped like a time whose values are impossible (``25:61 PM GMT``, ``13:05 PM``, 31 February)
is reported as `NotATime`, so that the caller can keep it as text and warn.

**Zones.** Abbreviations that name an offset (GMT, BST, CET, CEST, EET, EEST, MSK, JST, EST, EDT,
PST, PDT...) mean that offset whatever the date. Generic regional names that say "whatever the
clocks there say" (ET, CT, MT, PT, Eastern, Pacific, UK...) resolve through their IANA zone for the
date: ``3:21 p.m. ET`` is UTC-5 in December and UTC-4 in July. Ambiguous abbreviations take one
documented meaning: **IST is India Standard Time (UTC+05:30)**, not Irish Summer Time nor Israel
Standard Time; **CST is US Central Standard Time (UTC-6)**, not China Standard Time. AST is not read
at all (Atlantic or Arabia). ``UTC+3`` / ``GMT-05:00`` offsets are read as written.

**Dates.** ``Friday 13 December 2024``, ``Fri 13 Dec 2024``, ``13th of December``, ``13 December``,
``December 13, 2024``, ``Dec. 13``, ISO ``2024-12-13``. Numeric forms such as 13/12/2024 are not
read: day and month order differ between outlets. A year-less date takes the year that puts it
nearest to a reference date (see `PartialDate.resolve`), so "31 December" next to "1 January 2025"
lands in 2024.

**Days.** `place_on_days` puts clock times on the calendar; its docstring states the rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from itertools import pairwise
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Abbreviations that name a fixed offset, in minutes east of UTC.
FIXED_ZONES: dict[str, int] = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
    "BST": 60, "WEST": 60, "CET": 60, "WAT": 60,
    "CEST": 120, "EET": 120, "CAT": 120, "SAST": 120,
    "EEST": 180, "MSK": 180, "TRT": 180, "EAT": 180, "IDT": 180,
    "GST": 240, "PKT": 300, "IST": 330, "ICT": 420, "WIB": 420,
    "HKT": 480, "SGT": 480, "AWST": 480, "JST": 540, "KST": 540,
    "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300,
    "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
    "AKST": -540, "AKDT": -480, "HST": -600,
}
# Generic names whose offset depends on the date: resolved through the IANA zone.
REGIONAL_ZONES: dict[str, str] = {
    "ET": "America/New_York", "EASTERN": "America/New_York",
    "CT": "America/Chicago", "CENTRAL": "America/Chicago",
    "MT": "America/Denver", "MOUNTAIN": "America/Denver",
    "PT": "America/Los_Angeles", "PACIFIC": "America/Los_Angeles",
    "AKT": "America/Anchorage", "AET": "Australia/Sydney", "UK": "Europe/London",
}

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
           "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Lines longer than this are sentences, not stamps: a cheap guard before the regexes.
_MAX_STAMP_CHARS = 90
# Two entries this close count as "the same moment, slightly out of order" rather than a day apart.
_TOLERANCE = timedelta(hours=1)

_WEEKDAY_RE = (r"(?P<wd>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
               r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?")
_MONTH_RE = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
             r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_YEAR_RE = r"(?:19|20)[0-9]{2}"
_DATE_BODY = rf"""
    (?:{_WEEKDAY_RE},?\s+)?
    (?:
        (?P<d1>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH_RE})\.?(?:,?\s+(?P<y1>{_YEAR_RE}))?
      | (?P<m2>{_MONTH_RE})\.?\s+(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>{_YEAR_RE}))?
      | (?P<y3>{_YEAR_RE})-(?P<mo3>[0-9]{{1,2}})-(?P<d3>[0-9]{{1,2}})
    )"""
_DATE_FULL = re.compile(_DATE_BODY, re.I | re.X)
_DATE_IN_TEXT = re.compile(rf"(?<![0-9A-Za-z]){_DATE_BODY}(?![0-9A-Za-z])", re.I | re.X)

_CLOCK_RE = re.compile(r"""
    (?<![0-9A-Za-z.:])
    (?:
        (?P<h>[0-9]{1,2})(?P<sep>[:.])(?P<m>[0-9]{2})(?:(?P=sep)(?P<s>[0-9]{2}))?
      | (?P<hh>[0-9]{2})(?P<mm>[0-9]{2})                     # 1521 GMT: only with a zone
      | (?P<ho>[0-9]{1,2})(?=\s?[ap]\.?\s?m)                  # 3pm: only with am/pm
    )
    (?:\s?(?P<ampm>[ap])\.?\s?m\.?(?![A-Za-z]))?
    (?![0-9])
""", re.X | re.I)
_ZONE_RE = re.compile(
    r"^\s*\(?\s*(?P<z>(?:utc|gmt)\s*[+\-−]\s*[0-9]{1,2}(?::?[0-9]{2})?|[a-z]{1,8})\s*\)?(?:\s+time\b)?",
    re.I)
_OFFSET_RE = re.compile(r"^(?:UTC|GMT)\s*([+\-−])\s*([0-9]{1,2})(?::?([0-9]{2}))?$", re.I)
_LABEL_RE = re.compile(
    r"^(?P<label>(?:(?:first|last)\s+)?(?:posted|updated|published|modified)(?:\s+(?:at|on))?|at)\b\s*:?\s*",
    re.I)
_ISO_RE = re.compile(
    r"^(?P<d>[0-9]{4}-[0-9]{2}-[0-9]{2})[T ](?P<t>[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?)"
    r"\s*(?P<z>Z|[+\-][0-9]{2}:?[0-9]{2})?$", re.I)
_ISO_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ISO_PREFIX_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ]|$)")
_LEFT_JUNK = re.compile(r"(?:[\s,;|·•–—-]|\bat\b)+$", re.I)
_RIGHT_JUNK = re.compile(r"^(?:[\s,;|·•–—-]|\bon\b)+", re.I)
_LINE_END_JUNK = re.compile(r"[\s:;,|·•–—-]+$")
_HAS_DIGIT = re.compile(r"[0-9]").search

StampKind = Literal["plain", "updated", "published"]


def label_kind(label: str) -> StampKind:
    """What a time or date line's label says: 'plain' ("", "posted"), 'updated' or 'published'."""
    if "updated" in label or "modified" in label:
        return "updated"
    if "published" in label:
        return "published"
    return "plain"


class NoDateError(ValueError):
    """Nothing pins the entries to a calendar day (no date line, no date given, none in the text)."""


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date as written; `year` is None when the text left it out."""

    month: int
    day: int
    year: int | None = None
    weekday: int | None = None  # 0 = Monday, when the text names the day of the week

    def resolve(self, near: date | None) -> date:
        """The calendar date. A year-less date takes the year that puts it nearest to `near`.

        Raises ValueError when the year is missing and there is nothing to take it from.
        """
        if self.year is not None:
            return date(self.year, self.month, self.day)
        if near is None:
            raise ValueError("the date has no year")
        candidates = []
        for year in (near.year - 1, near.year, near.year + 1):
            try:
                candidates.append(date(year, self.month, self.day))
            except ValueError:  # 29 February outside a leap year
                continue
        if not candidates:
            raise ValueError("no such date near the reference year")
        return min(candidates, key=lambda d: abs((d - near).days))

    def weekday_problem(self, resolved: date) -> str:
        """'' when the named weekday (if any) fits `resolved`, else a short explanation."""
        if self.weekday is None or resolved.weekday() == self.weekday:
            return ""
        return (f"{resolved.isoformat()} is a {_WEEKDAY_NAMES[resolved.weekday()]}, "
                f"not a {_WEEKDAY_NAMES[self.weekday]}")


@dataclass(frozen=True, slots=True)
class Stamp:
    """A time line (or a CSV/JSON time value) read into its parts."""

    text: str                      # the line as written, spaces collapsed
    clock: time                    # wall-clock time in `zone`
    zone: tzinfo | None = None     # None: the line names no zone
    zone_text: str = ""            # the zone as written ("GMT", "p.m. ET" gives "ET")
    day: PartialDate | None = None  # a date on the same line
    label: str = ""                # "", "posted", "updated", "published", "first published"...
    exact: datetime | None = None  # an absolute instant in UTC (ISO with offset, HTML datetime)
    has_clock: bool = True         # False for a bare date given where a time was expected

    @property
    def kind(self) -> StampKind:
        """'plain' (no label, "Posted at", "At"), 'updated' or 'published'."""
        return label_kind(self.label)

    @property
    def is_page_level(self) -> bool:
        """True for labels that describe the page rather than an entry ("First published", "Last updated")."""
        return self.label.startswith(("first", "last"))


@dataclass(frozen=True, slots=True)
class DateMark:
    """A date line: a line that is nothing but a date (and perhaps a label)."""

    text: str
    day: PartialDate
    label: str = ""


@dataclass(frozen=True, slots=True)
class NotATime:
    """A line shaped like a time or date whose values are impossible: it stays text."""

    text: str
    reason: str


def clean_line(line: str) -> str:
    """The line with zero-width characters removed and runs of white space collapsed."""
    line = line.replace("\u200b", "").replace("\ufeff", "").replace("\u2060", "")
    return " ".join(line.split())


@lru_cache(maxsize=256)
def zone_from_abbreviation(token: str) -> tzinfo | None:
    """The zone an abbreviation or offset names ("GMT", "ET", "UTC+3"), or None if it names none."""
    text = " ".join(token.split()).upper().replace("−", "-")
    offset = _OFFSET_RE.match(text)
    if offset:
        sign, hours, minutes = offset.groups()
        total = int(hours) * 60 + int(minutes or 0)
        if int(hours) > 14 or int(minutes or 0) >= 60:
            return None
        total = -total if sign == "-" else total
        return timezone(timedelta(minutes=total), text) if total else UTC
    if text in FIXED_ZONES:
        minutes = FIXED_ZONES[text]
        return timezone(timedelta(minutes=minutes), text) if minutes else UTC
    if text in REGIONAL_ZONES:
        return ZoneInfo(REGIONAL_ZONES[text])
    return None


def zone_from_name(name: str) -> tzinfo:
    """An IANA zone ("Europe/London") or one of the abbreviations above. Raises ValueError."""
    cleaned = name.strip()
    abbreviation = zone_from_abbreviation(cleaned) if cleaned else None
    if abbreviation is not None:
        return abbreviation
    try:
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Europe/London)") from None


def _partial_date(match: re.Match[str]) -> PartialDate | NotATime:
    month_name = match["m1"] or match["m2"]
    month = _MONTHS[month_name[:3].lower()] if month_name else int(match["mo3"])
    day = int(match["d1"] or match["d2"] or match["d3"])
    year_text = match["y1"] or match["y2"] or match["y3"]
    year = int(year_text) if year_text else None
    weekday = _WEEKDAYS[match["wd"][:3].lower()] if match["wd"] else None
    try:
        date(year if year is not None else 2000, month, day)  # 2000 is a leap year: 29 Feb is fine
    except ValueError:
        return NotATime(match.group(0), "no such date")
    return PartialDate(month, day, year, weekday)


class _NotADate:
    """Marker: the text beside a clock is something other than a date."""


_NOT_A_DATE = _NotADate()


def _date_part(text: str) -> PartialDate | NotATime | _NotADate | None:
    if not text:
        return None
    match = _DATE_FULL.fullmatch(text)
    return _partial_date(match) if match else _NOT_A_DATE


def split_label(text: str) -> tuple[str, str]:
    """("posted", "15:21") from "Posted at 15:21": the label (lower case, '' if none) and the rest."""
    match = _LABEL_RE.match(text)
    if not match:
        return "", text
    label = " ".join(match["label"].lower().split())
    label = re.sub(r" (?:at|on)$", "", label)
    return ("" if label == "at" else label), text[match.end():]


def _take_zone(after: str) -> tuple[str, tzinfo | None, str]:
    match = _ZONE_RE.match(after)
    if match:
        zone = zone_from_abbreviation(match["z"])
        if zone is not None:
            return match["z"], zone, after[match.end():]
    return "", None, after


def _iso_stamp(text: str, label: str) -> Stamp | NotATime | None:
    match = _ISO_RE.match(text)
    if not match:
        return None
    try:
        moment = datetime.fromisoformat(f"{match['d']}T{match['t']}{match['z'] or ''}")
    except ValueError:
        return NotATime(text, "no such date or time")
    day = PartialDate(moment.month, moment.day, moment.year)
    if moment.tzinfo is None:
        return Stamp(text, moment.time(), day=day, label=label)
    return Stamp(text, moment.time(), zone=moment.tzinfo, zone_text=match["z"], day=day, label=label,
                 exact=moment.astimezone(UTC))


def _stamp_from_clock(text: str, label: str, rest: str, match: re.Match[str]) -> Stamp | NotATime | None:
    zone_text, zone, after = _take_zone(rest[match.end():])
    before = _LEFT_JUNK.sub("", rest[:match.start()])
    after = _RIGHT_JUNK.sub("", after)
    left, right = _date_part(before), _date_part(after)
    if isinstance(left, _NotADate) or isinstance(right, _NotADate) or (left and right):
        return None
    day = left or right
    ampm = (match["ampm"] or "").lower()
    if match["h"] is not None:
        hour, minute, second = int(match["h"]), int(match["m"]), int(match["s"] or 0)
        if match["sep"] == "." and len(match["h"]) < 2 and not (zone or ampm or label or day):
            return None  # "3.21" alone is more likely a number than a time
    elif match["hh"] is not None:
        if zone is None:
            return None  # four digits alone are a year or a number
        hour, minute, second = int(match["hh"]), int(match["mm"]), 0
    else:
        if not ampm:
            return None
        hour, minute, second = int(match["ho"]), 0, 0
    problem = ""
    if hour > 23 or minute > 59 or second > 59:
        problem = "no such time of day"
    elif ampm and not 1 <= hour <= 12:
        problem = f"hour {hour} with {ampm.upper()}M"
    if isinstance(day, NotATime):
        problem = problem or day.reason
    if problem:
        return NotATime(text, problem)
    if ampm == "a" and hour == 12:
        hour = 0
    elif ampm == "p" and hour != 12:
        hour += 12
    assert not isinstance(day, NotATime)
    return Stamp(text, time(hour, minute, second), zone=zone, zone_text=zone_text, day=day, label=label)


def match_time_line(line: str) -> Stamp | NotATime | None:
    """Read `line` as a time line: a Stamp, NotATime (time-shaped but impossible), or None."""
    if len(line) > 2 * _MAX_STAMP_CHARS or not _HAS_DIGIT(line):
        return None  # cheap guards first: most lines of a blog are long sentences
    text = _LINE_END_JUNK.sub("", clean_line(line))
    if not text or len(text) > _MAX_STAMP_CHARS:
        return None
    label, rest = split_label(text)
    iso = _iso_stamp(rest, label)
    if iso is not None:
        return iso
    for match in _CLOCK_RE.finditer(rest):
        found = _stamp_from_clock(text, label, rest, match)
        if found is not None:
            return found
    return None


def match_date_line(line: str) -> DateMark | NotATime | None:
    """Read `line` as a date line ("Friday 13 December 2024", "Published: 13 Dec 2024")."""
    if len(line) > 2 * _MAX_STAMP_CHARS or not _HAS_DIGIT(line):
        return None
    text = _LINE_END_JUNK.sub("", clean_line(line)).rstrip(".")
    if not text or len(text) > _MAX_STAMP_CHARS:
        return None
    label, rest = split_label(text)
    match = _DATE_FULL.fullmatch(rest)
    if not match:
        return None
    day = _partial_date(match)
    if isinstance(day, NotATime):
        return NotATime(text, day.reason)
    return DateMark(text, day, label)


def find_dates(text: str) -> list[PartialDate]:
    """Dates written anywhere in `text` (inside sentences too), in order; impossible ones skipped."""
    found = []
    for match in _DATE_IN_TEXT.finditer(text):
        day = _partial_date(match)
        if isinstance(day, PartialDate):
            found.append(day)
    return found


def parse_instant(value: str) -> datetime | None:
    """An ISO 8601 date-time as an aware datetime (naive ones are left naive), or None."""
    text = value.strip()
    if not _ISO_PREFIX_RE.match(text):
        return None
    try:
        return datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None


def parse_time_value(value: str) -> Stamp | NotATime | None:
    """A time given as data (a CSV cell, a JSON value, an HTML datetime attribute).

    ISO 8601 first (``2024-12-13T15:21:00Z``, ``2024-12-13 15:21``, ``2024-12-13``), then any
    time-line form (``03:21 PM GMT``, ``Dec 13, 2024 3:21 p.m. ET``). A bare ISO date gives a
    Stamp at 00:00 with ``has_clock=False``.
    """
    text = clean_line(value)
    if _ISO_DATE_RE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return NotATime(text, "no such date")
        return Stamp(text, time(0, 0), day=PartialDate(day.month, day.day, day.year), has_clock=False)
    moment = parse_instant(text) if len(text) <= 40 else None
    if moment is not None:
        day = PartialDate(moment.month, moment.day, moment.year)
        clock = moment.time().replace(tzinfo=None)
        if moment.tzinfo is None:
            return Stamp(text, clock, day=day)
        return Stamp(text, clock, zone=moment.tzinfo, day=day, exact=moment.astimezone(UTC))
    return match_time_line(text)


def fill_zones(zones: Sequence[tzinfo | None], given: tzinfo | None) -> tuple[list[tzinfo], bool]:
    """A zone for every stamp: its own, else `given`, else its nearest zoned neighbour, else UTC.

    Neighbours are searched backwards first (a blog that names its zone once, at the top, means it
    for what follows). The flag is True when some stamp fell back to UTC for want of anything else.
    """
    filled: list[tzinfo | None] = list(zones)
    if given is not None:
        return [z if z is not None else given for z in filled], False
    last: tzinfo | None = None
    for i, zone in enumerate(filled):
        if zone is None:
            filled[i] = last
        else:
            last = zone
    following: tzinfo | None = None
    for i in range(len(filled) - 1, -1, -1):
        if zones[i] is not None:
            following = zones[i]
        elif filled[i] is None:
            filled[i] = following
    fell_back = any(z is None for z in filled)
    return [z if z is not None else UTC for z in filled], fell_back


@dataclass(frozen=True, slots=True)
class Slot:
    """One timed entry as `place_on_days` sees it."""

    clock: time
    zone: tzinfo
    day: date | None = None        # a date the text gives this very entry
    exact: datetime | None = None  # an absolute instant (aware)


@dataclass(frozen=True, slots=True)
class Anchor:
    """A weaker hint at the calendar, used only when no entry carries its own date.

    'first': the first entry in reading order is on `day`; 'oldest': the earliest entry is on `day`
    (or, with `instant`, is the first moment at or after it, within an hour); 'newest': the latest
    entry is on `day` (or the last moment at or before `instant`, within an hour).
    """

    kind: Literal["first", "oldest", "newest"]
    day: date
    instant: datetime | None = None


def local_instant(day: date, clock: time, zone: tzinfo) -> datetime:
    """The UTC instant of `clock` on `day` in `zone` (DST-aware for IANA zones)."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def _instant(slot: Slot, day: date) -> datetime:
    return slot.exact if slot.exact is not None else local_instant(day, slot.clock, slot.zone)


def _fixed(slot: Slot) -> datetime | None:
    if slot.exact is not None:
        return slot.exact
    return local_instant(slot.day, slot.clock, slot.zone) if slot.day is not None else None


def detect_newest_first(slots: Sequence[Slot], hint: date) -> bool:
    """True when the entries run newest first, judged from consecutive pairs of times.

    Pairs with dates compare as instants; pairs of bare clock times compare around the clock face,
    so that a step across midnight (23:55 then 00:40) counts as 45 minutes on, not 23 hours back.
    A tie (or a single entry) counts as newest first, the usual live-blog layout.
    """
    votes = 0
    for a, b in pairwise(slots):
        fixed_a, fixed_b = _fixed(a), _fixed(b)
        if fixed_a is not None and fixed_b is not None:
            step = (fixed_b - fixed_a).total_seconds()
            votes += (step > 0) - (step < 0)
            continue
        minutes_a = _instant(a, hint).hour * 60 + _instant(a, hint).minute
        minutes_b = _instant(b, hint).hour * 60 + _instant(b, hint).minute
        forward = (minutes_b - minutes_a) % 1440
        if forward:
            votes += 1 if forward < 720 else -1
    return votes <= 0


def _next_to(previous: datetime, slot: Slot, later: bool) -> datetime:
    """`slot` on the day that puts it nearest `previous` on the expected side (an hour's slack)."""
    base = previous.astimezone(slot.zone).date()
    sign = 1 if later else -1
    best: tuple[timedelta, datetime] | None = None
    for offset in (-1, 0, 1):
        moment = local_instant(base + timedelta(days=offset), slot.clock, slot.zone)
        gap = sign * (moment - previous)
        if gap >= -_TOLERANCE and (best is None or gap < best[0]):
            best = (gap, moment)
    assert best is not None  # three days apart, one of them is always on the expected side
    return best[1]


def _shift_days(moments: list[datetime], slots: Sequence[Slot], days: int) -> list[datetime]:
    return [local_instant(m.astimezone(s.zone).date() + timedelta(days=days), s.clock, s.zone)
            for m, s in zip(moments, slots, strict=True)]


def _shift_for(anchor: Anchor, moments: list[datetime], slots: Sequence[Slot]) -> int:
    day = timedelta(days=1)
    if anchor.kind == "oldest":
        index = min(range(len(moments)), key=moments.__getitem__)
        if anchor.instant is not None:
            return math.ceil((anchor.instant - _TOLERANCE - moments[index]) / day)
    elif anchor.kind == "newest":
        index = max(range(len(moments)), key=moments.__getitem__)
        if anchor.instant is not None:
            return math.floor((anchor.instant + _TOLERANCE - moments[index]) / day)
    else:
        index = 0
    return (anchor.day - moments[index].astimezone(slots[index].zone).date()).days


def place_on_days(slots: Sequence[Slot], *, first_day: date | None = None,
                  fallback: Anchor | None = None) -> tuple[list[datetime], bool]:
    """UTC instants for timed entries in reading order, and whether they run newest first.

    The rules, in order:

    1. An entry with an exact instant or a date of its own (a date on its time line, or a date
       line directly above it) is on that date.
    2. `first_day` (a date line in the lead, or the caller's date) is the day of the first entry in
       reading order, unless that entry has a date of its own.
    3. Every other entry is placed next to its neighbour in reading order: on the neighbour's day,
       or the day before or after, whichever puts it nearest on the side the blog's order expects
       (earlier for newest-first blogs, later for oldest-first), allowing an hour of disorder. So a
       newest-first 00:40, 23:55, 23:10 anchored on 14 December gives 14, 13, 13 December, and an
       oldest-first 23:10, 23:55, 00:40 anchored on 13 December gives 13, 13, 14 December. Entries
       before the first dated one are placed backwards from it the same way.
    4. When nothing above dates any entry, `fallback` shifts the whole run by whole days (see
       `Anchor`); without one, NoDateError.
    """
    if not slots:
        return [], True
    hint = first_day or next((s.day for s in slots if s.day), None) or (
        fallback.day if fallback else date(2000, 1, 1))
    newest_first = detect_newest_first(slots, hint)
    forward_is_later = not newest_first
    fixed = [_fixed(s) for s in slots]
    if fixed[0] is None and first_day is not None:
        fixed[0] = local_instant(first_day, slots[0].clock, slots[0].zone)
    start = next((i for i, moment in enumerate(fixed) if moment is not None), None)
    shift = start is None
    if start is None:
        if fallback is None:
            raise NoDateError("no date for the entries")
        start = 0
        fixed[0] = local_instant(fallback.day, slots[0].clock, slots[0].zone)
    moments: list[datetime | None] = [None] * len(slots)
    moments[start] = fixed[start]
    for i in range(start + 1, len(slots)):
        previous = moments[i - 1]
        assert previous is not None
        moments[i] = fixed[i] or _next_to(previous, slots[i], later=forward_is_later)
    for i in range(start - 1, -1, -1):
        following = moments[i + 1]
        assert following is not None
        moments[i] = fixed[i] or _next_to(following, slots[i], later=not forward_is_later)
    placed = [m for m in moments if m is not None]
    if shift and fallback is not None:
        placed = _shift_days(placed, slots, _shift_for(fallback, placed, slots))
    return placed, newest_first
