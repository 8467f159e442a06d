"""When the event at each named place happened, apart from when the entry reported it.

An entry stamped 15:21 on Friday often tells of earlier things ("fled on Sunday morning", "strikes
overnight", "on 8 December") and of coming ones ("due to meet on Saturday"). For each place mention
this module finds the time expression that governs it and resolves it against the entry's report
time, in the blog's zone, to an `EventTime`: a UTC interval with a precision and the words it came
from. A mention that no expression governs happened at the report time (precision "report").

Which expression governs a mention (the rules the answer keys in tests/fixtures/events/ describe):
1. Expressions are found per sentence (headline and each caption are sentences too).
2. A relative clause set off by commas ("X, who visited Y on Thursday, ...") keeps its expression to
   itself; an expression in the rest of the sentence governs the mentions in the clause.
3. A reporting verb ("said", "told", "confirmed"...) splits off its subject: "Jordan said ministers
   would meet on Saturday" dates the meeting, not Jordan, unless the expression dates the saying
   ("said on Friday").
4. Otherwise the nearest expression in the sentence, preferring one in the same clause.
5. A mention with no expression of its own takes the headline's ("What happened overnight"); a headline
   mention with none takes the time the body gives the same place ("Convoy leaves X" / "left X on
   Friday morning").

Finding expressions is one compiled pattern (fast); `dateparser` is called only on calendar dates the
pattern found ("8 December", "Nov 28"), with the entry's local time as its base. Weekdays, parts of
day, "overnight", "earlier today", "N days ago", "since the weekend", years and clock times ("at 2am
local time": the zone of the place's country) are resolved here, because each needs an interval and a
precision, which dateparser does not give, and some it does not read at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from dashboard.model import Entry
from gazetteer.places import Mention

PRECISIONS = ("minute", "hour", "part of day", "day", "week", "month", "year", "report")


@dataclass(frozen=True, slots=True)
class EventTime:
    """When an event happened: [start, end] in UTC, how precisely, and the words that said so.

    For a mention at its report time, start == end == the entry's time, precision "report", words "".
    `expected` marks an event still to come when it was reported ("due to meet on Saturday").
    """

    start: datetime
    end: datetime
    precision: str
    words: str = ""
    expected: bool = False

    @property
    def is_report_time(self) -> bool:
        return self.precision == "report"


def report_time(entry_time: datetime) -> EventTime:
    return EventTime(entry_time, entry_time, "report")


# --------------------------------------------------------------------------------------------------
# Finding expressions: one pattern of named alternatives, tried left to right.
# --------------------------------------------------------------------------------------------------

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {m: i + 1 for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"))}
_MONTH_ABBR = {m[:3]: n for m, n in _MONTHS.items()} | {"sept": 9}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "few": 3, "several": 4, "couple of": 2}

_WD = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_PART = r"(?:morning|afternoon|evening|night)"
_MON = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
        r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_NUM = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|several|couple of)"
_UNIT = r"(?:day|week|month|year|hour)s?"
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_ZONE_ABBR = {"gmt": "UTC", "utc": "UTC", "bst": "Europe/London", "cet": "Europe/Paris", "cest": "Europe/Paris",
              "eet": "Europe/Athens", "et": "America/New_York", "est": "America/New_York",
              "edt": "America/New_York"}

_EXPRESSION = re.compile(
    r"\b(?:"
    # clock times: "at 2am local time", "at 14:30 GMT", "2.30pm"
    r"(?P<clock>(?P<clocklead>at|around|about|by|from|until)?\s*(?P<hh>\d{1,2})(?:[:.](?P<mm>\d{2}))?\s*"
    r"(?P<ampm>[ap]\.?m\b\.?)?(?:\s*(?P<clockzone>local\s+time|gmt|utc|bst|cest|cet|eet|edt|est|et)\b)?)"
    # calendar dates: "on 8 December 2024", "December 8", "Nov 28", for dateparser
    r"|(?P<date>(?:on\s+)?(?:(?:\d{1,2}(?:st|nd|rd|th)?\s+" + _MON + r"(?:,?\s+" + _YEAR + r")?)"
    r"|(?:" + _MON + r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+" + _YEAR + r")?)))"
    # months: "in July", "last July", "in July 2024", "since March"
    r"|(?P<month>(?P<monthlead>in|since|last|next|this|during|until|by)\s+(?P<monthname>(?:january|february|march"
    r"|april|june|july|august|september|october|november|december))(?:\s+(?P<monthyear>" + _YEAR + r"))?)"
    # years: "in 2011", "since early 2024", "from 2005 to 2008"
    r"|(?P<years>from\s+(?P<y1>" + _YEAR + r")\s+(?:to|until)\s+(?P<y2>" + _YEAR + r"))"
    r"|(?P<year>(?P<yearlead>in|since|during|until|by)\s+(?:(?:early|late|mid-?)\s*)?(?P<yearnum>"
    + _YEAR + r"))(?!\s*-)"
    # weekdays with their modifiers: "on Sunday morning", "late Thursday", "since Monday", "next Tuesday"
    r"|(?P<weekday>(?P<wdlead>on|since|last|next|this|by|until|from|for|late|early|earlier\s+on|later\s+on)?\s*"
    r"(?P<wdname>" + _WD + r")(?:\s+(?P<wdpart>" + _PART + r"))?)"
    # relative days and parts of day
    r"|(?P<rel>earlier\s+today|later\s+today|earlier\s+this\s+" + _PART + r"|later\s+this\s+" + _PART +
    r"|this\s+" + _PART + r"|last\s+night|tonight|overnight|yesterday(?:\s+" + _PART + r")?"
    r"|tomorrow(?:\s+" + _PART + r")?|today|this\s+week(?:end)?|last\s+week(?:end)?|next\s+week(?:end)?"
    r"|(?:over|at|on)\s+the\s+weekend|since\s+the\s+weekend|earlier\s+(?:this|in\s+the)\s+week"
    r"|since\s+the\s+start\s+of\s+the\s+week|last\s+month|next\s+month|this\s+month|last\s+year|next\s+year"
    r"|this\s+year|in\s+(?:recent|the\s+past\s+few|the\s+last\s+few)\s+days|in\s+the\s+coming\s+(?:days|weeks)"
    r"|(?:later|earlier)\s+this\s+(?:week|month))"
    # counted spans: "two days ago", "over the past two days", "in the next few days", "within a week"
    r"|(?P<ago>(?P<agon>" + _NUM + r")\s+(?P<agou>" + _UNIT + r")\s+ago)"
    r"|(?P<past>(?:over|in|during)\s+the\s+(?:past|last)\s+(?P<pastn>" + _NUM + r")\s+(?P<pastu>" + _UNIT + r"))"
    # a span told by its length: "during the 13-year civil war", "in their 12-day offensive" (ending now)
    r"|(?P<lasting>(?:during|throughout|in)\s+(?:the|their|its|his|her|a)\s+(?P<lastn>\d{1,3})-(?P<lastu>day|week|month|year)"
    r"(?:-long|-old)?\s+[a-z]+(?:\s+[a-z]+)?)"
    r"|(?P<next>(?:in|over|within)\s+the\s+(?:next|coming)\s+(?P<nextn>" + _NUM + r")\s+(?P<nextu>" + _UNIT + r"))"
    r")\b",
    re.IGNORECASE)

# A weekday or date is "future" when the clause around it speaks of what is to come.
_FUTURE = re.compile(
    r"\b(?:will|shall|'ll|due\s+to|expected\s+to|is\s+to|are\s+to|set\s+to|scheduled|plans?\s+to|planned|planning"
    r"|going\s+to|would|next|coming|upcoming|tomorrow|to\s+be\s+held|intends?\s+to|hopes?\s+to|ahead\s+of)\b",
    re.IGNORECASE)
_REPORTING = re.compile(
    r"\b(?:said|says|say|told|tells|tell|confirmed|confirms|announced|announces|reported|reports|added|adds"
    r"|stated|states|warned|warns|claimed|claims|insisted|insists|believes?|believed|according\s+to)\b",
    re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’]?\s+(?=[\"'“‘(]?[A-Z0-9])|\n+")
_CLAUSE_BREAK = re.compile(r"\s*(?:[,;:()]|\s[-–—]\s)\s*")
_ASIDE_OPEN = re.compile(r"\s*(?:\(|\s[-–—]\s)\s*$")
_RELATIVE_START = re.compile(r"(?:who|whom|whose|which|where)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    words: str
    groups: dict


def find_expressions(text: str) -> list[_Found]:
    """Candidate time expressions in `text`, left to right (offsets into `text`)."""
    found = []
    for match in _EXPRESSION.finditer(text):
        words = match.group(0).strip()
        if not words:
            continue
        groups = {k: v for k, v in match.groupdict().items() if v is not None}
        if "clock" in groups and not _is_clock(groups):
            continue
        found.append(_Found(match.start(), match.end(), words, groups))
    return found


def _is_clock(groups: dict) -> bool:
    """A number is a clock time with "am"/"pm", a zone, or "at" and minutes ("at 14:30"), never alone."""
    hour, minute = int(groups["hh"]), int(groups.get("mm") or 0)
    if minute >= 60:
        return False
    if groups.get("ampm"):
        return 1 <= hour <= 12
    if groups.get("clockzone") or (groups.get("clocklead") and groups.get("mm")):
        return hour < 24
    return False


# --------------------------------------------------------------------------------------------------
# Resolving one expression to an interval.
# --------------------------------------------------------------------------------------------------

_PART_HOURS = {"morning": (6, 12), "afternoon": (12, 18), "evening": (18, 24), "night": (18, 30)}


@dataclass(frozen=True, slots=True)
class Context:
    """What an expression is resolved against: the report instant and the zones it may be read in."""

    report_utc: datetime
    zone: tzinfo
    future: bool = False
    place_zone: tzinfo | None = None  # the named place's country's zone, for "local time"

    @property
    def local(self) -> datetime:
        return self.report_utc.astimezone(self.zone)


def _at(day: date, hour: float, zone: tzinfo) -> datetime:
    whole = int(hour)
    base = datetime.combine(day, time(0), tzinfo=zone) + timedelta(hours=whole, minutes=round((hour - whole) * 60))
    return base


def _span(day: date, zone: tzinfo, days: int = 1) -> tuple[datetime, datetime]:
    return _at(day, 0, zone), _at(day + timedelta(days=days), 0, zone) - timedelta(seconds=1)


def _count(text: str) -> int:
    text = " ".join(text.lower().split())
    return int(text) if text.isdigit() else _NUMBERS.get(text, 1)


def _weekday_date(name: str, today: date, *, future: bool, lead: str) -> date:
    target = _WEEKDAYS.index(name.lower())
    # "a meeting for Saturday" looks ahead whatever the verb's tense.
    if lead in ("next", "for") or (future and lead not in ("last", "since")):
        ahead = (target - today.weekday()) % 7
        if lead == "next" and ahead == 0:
            ahead = 7
        return today + timedelta(days=ahead)
    back = (today.weekday() - target) % 7
    if lead == "last" and back == 0:
        back = 7
    return today - timedelta(days=back)


def resolve(found: _Found, ctx: Context) -> EventTime | None:
    """The interval an expression names, or None when it names none we can place."""
    g = found.groups
    zone = ctx.zone
    local = ctx.local
    today = local.date()
    words = found.words
    result: tuple[datetime, datetime, str] | None = None
    if "clock" in g:
        result = _resolve_clock(g, ctx)
    elif "date" in g:
        result = _resolve_date(words, ctx)
    elif "month" in g:
        result = _resolve_month(g, ctx)
    elif "years" in g:
        y1, y2 = int(g["y1"]), int(g["y2"])
        if y2 >= y1:
            result = (_at(date(y1, 1, 1), 0, zone), _at(date(y2 + 1, 1, 1), 0, zone) - timedelta(seconds=1), "year")
    elif "year" in g:
        year = int(g["yearnum"])
        start, end = _at(date(year, 1, 1), 0, zone), _at(date(year + 1, 1, 1), 0, zone) - timedelta(seconds=1)
        if g["yearlead"].lower() == "since":
            end = max(start, ctx.report_utc.astimezone(zone))
        result = (start, min(end, max(start, local)) if year == today.year and not ctx.future else end, "year")
    elif "weekday" in g:
        result = _resolve_weekday(g, ctx)
    elif "rel" in g:
        result = _resolve_relative(" ".join(g["rel"].lower().split()), ctx)
    elif "ago" in g:
        n, unit = _count(g["agon"]), g["agou"].lower().rstrip("s")
        if unit == "hour":
            moment = local - timedelta(hours=n)
            result = (moment - timedelta(minutes=30), moment + timedelta(minutes=30), "hour")
        else:
            day = today - timedelta(days=n * {"day": 1, "week": 7, "month": 30, "year": 365}[unit])
            result = (*_span(day, zone), "day") if unit == "day" else (*_span(day, zone, 7), "week")
    elif "past" in g:
        n, unit = _count(g["pastn"]), g["pastu"].lower().rstrip("s")
        back = {"hour": timedelta(hours=n), "day": timedelta(days=n - 1), "week": timedelta(weeks=n),
                "month": timedelta(days=30 * n), "year": timedelta(days=365 * n)}[unit]
        first = local - back if unit == "hour" else _at((local - back).date(), 0, zone)
        result = (first, local, "hour" if unit == "hour" else ("day" if back < timedelta(days=2) else "week"))
    elif "lasting" in g:
        n, unit = int(g["lastn"]), g["lastu"].lower()
        span = {"day": timedelta(days=n), "week": timedelta(weeks=n), "month": timedelta(days=30 * n),
                "year": timedelta(days=365 * n)}[unit]
        result = (local - span, local, {"day": "week", "week": "month", "month": "year", "year": "year"}[unit])
    elif "next" in g:
        n, unit = _count(g["nextn"]), g["nextu"].lower().rstrip("s")
        ahead = {"hour": timedelta(hours=n), "day": timedelta(days=n), "week": timedelta(weeks=n),
                 "month": timedelta(days=30 * n), "year": timedelta(days=365 * n)}[unit]
        result = (local, local + ahead, "week" if ahead > timedelta(days=1) else "day")
    if result is None:
        return None
    start, end, precision = result
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    # Expected: still to come when reported ("due to meet on Saturday", "in the coming days").
    expected = start_utc >= ctx.report_utc and end_utc > ctx.report_utc
    return EventTime(start_utc, end_utc, precision, words, expected=expected)


def _resolve_clock(g: dict, ctx: Context) -> tuple[datetime, datetime, str] | None:
    hour, minute = int(g["hh"]), int(g.get("mm") or 0)
    ampm = (g.get("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    said_zone = (g.get("clockzone") or "").lower()
    if said_zone.startswith("local"):
        zone = ctx.place_zone or ctx.zone
    elif said_zone:
        zone = ZoneInfo(_ZONE_ABBR[said_zone])
    else:
        zone = ctx.zone
    local_report = ctx.report_utc.astimezone(zone)
    moment = datetime.combine(local_report.date(), time(hour, minute), tzinfo=zone)
    # A clock time later than the report is yesterday's, unless the clause speaks of what is to come.
    if moment > local_report and not ctx.future:
        moment -= timedelta(days=1)
    precision = "minute" if g.get("mm") else "hour"
    return moment, moment + (timedelta(minutes=1) if g.get("mm") else timedelta(hours=1)), precision


def _resolve_date(words: str, ctx: Context) -> tuple[datetime, datetime, str] | None:
    day = _parse_calendar(re.sub(r"^on\s+", "", words, flags=re.IGNORECASE), ctx)
    return None if day is None else (*_span(day, ctx.zone), "day")


def _parse_calendar(words: str, ctx: Context) -> date | None:
    import dateparser  # imported on first use: it loads its language data once, then a call costs ~1 ms

    base = ctx.local.replace(tzinfo=None)
    parsed = dateparser.parse(words, languages=["en"], settings={
        "RELATIVE_BASE": base, "PREFER_DATES_FROM": "future" if ctx.future else "past",
        "RETURN_AS_TIMEZONE_AWARE": False, "REQUIRE_PARTS": ["day", "month"]})
    return None if parsed is None else parsed.date()


def _resolve_month(g: dict, ctx: Context) -> tuple[datetime, datetime, str] | None:
    month = _MONTHS[g["monthname"].lower()]
    today = ctx.local.date()
    lead = g["monthlead"].lower()
    if g.get("monthyear"):
        year = int(g["monthyear"])
    elif lead == "next" or (ctx.future and lead not in ("last", "since")):
        year = today.year if month >= today.month else today.year + 1
    else:
        year = today.year if month <= today.month else today.year - 1
        if lead == "last" and month == today.month:
            year -= 1
    first = date(year, month, 1)
    after = date(year + (month == 12), month % 12 + 1, 1)
    start, end = _at(first, 0, ctx.zone), _at(after, 0, ctx.zone) - timedelta(seconds=1)
    if lead == "since":
        end = max(start, ctx.local)
    return start, end, "month"


def _resolve_weekday(g: dict, ctx: Context) -> tuple[datetime, datetime, str]:
    lead = " ".join((g.get("wdlead") or "").lower().split())
    today = ctx.local.date()
    day = _weekday_date(g["wdname"], today, future=ctx.future, lead=lead)
    part = (g.get("wdpart") or "").lower()
    if lead == "since":
        return _at(day, 0, ctx.zone), ctx.local, "week"
    if part:
        first, last = _PART_HOURS[part]
        return _at(day, first, ctx.zone), _at(day, last, ctx.zone) - timedelta(seconds=1), "part of day"
    if lead == "late":
        return _at(day, 18, ctx.zone), _at(day, 24, ctx.zone) - timedelta(seconds=1), "part of day"
    if lead == "early":
        return _at(day, 0, ctx.zone), _at(day, 9, ctx.zone) - timedelta(seconds=1), "part of day"
    return (*_span(day, ctx.zone), "day")


def _resolve_relative(words: str, ctx: Context) -> tuple[datetime, datetime, str] | None:
    local, zone, today = ctx.local, ctx.zone, ctx.local.date()
    monday = today - timedelta(days=today.weekday())
    part_of = re.fullmatch(r"(?:(?:earlier|later)\s+)?this\s+(\w+)|(yesterday|tomorrow)(?:\s+(\w+))?", words)
    if part_of and part_of.group(1):
        first, last = _PART_HOURS[part_of.group(1)]
        start, end = _at(today, first, zone), _at(today, last, zone) - timedelta(seconds=1)
        if words.startswith("earlier"):
            end = min(end, local)
        return start, end, "part of day"
    if part_of:
        day = today + timedelta(days=-1 if part_of.group(2) == "yesterday" else 1)
        if part_of.group(3):
            first, last = _PART_HOURS[part_of.group(3)]
            return _at(day, first, zone), _at(day, last, zone) - timedelta(seconds=1), "part of day"
        return (*_span(day, zone), "day")
    if words in ("last night", "overnight"):
        # The night before the report; a night reported in the evening (and told as to come) is tonight's.
        day = today if (words == "overnight" and ctx.future and local.hour >= 12) else today - timedelta(days=1)
        return _at(day, 18, zone), _at(day, 30, zone), "part of day"
    if words == "tonight":
        return _at(today, 18, zone), _at(today, 30, zone), "part of day"
    if words == "today":
        return (*_span(today, zone), "day")
    if words == "earlier today":
        return _at(today, 0, zone), local, "part of day"
    if words == "later today":
        return local, _at(today, 24, zone) - timedelta(seconds=1), "part of day"
    weeks = {"this week": 0, "last week": -1, "next week": 1}
    if words in weeks:
        first = monday + timedelta(weeks=weeks[words])
        return (*_span(first, zone, 7), "week")
    weekend = {"this weekend": 0, "last weekend": -1, "next weekend": 1}
    saturday = monday + timedelta(days=5)
    if words in weekend or words in ("over the weekend", "at the weekend", "on the weekend"):
        shift = weekend.get(words, 1 if ctx.future else (0 if today >= saturday else -1))
        return (*_span(saturday + timedelta(weeks=shift), zone, 2), "day")
    if words == "since the weekend":
        last_saturday = saturday if today > saturday + timedelta(days=1) else saturday - timedelta(weeks=1)
        return _at(last_saturday, 0, zone), local, "week"
    if words in ("earlier this week", "earlier in the week", "since the start of the week"):
        return _at(monday, 0, zone), local, "week"
    if words == "later this week":
        return local, _span(monday, zone, 7)[1], "week"
    if words in ("earlier this month", "later this month", "this month", "last month", "next month"):
        shift = {"last month": -1, "next month": 1}.get(words, 0)
        year, month = today.year + (today.month - 1 + shift) // 12, (today.month - 1 + shift) % 12 + 1
        first = date(year, month, 1)
        after = date(year + (month == 12), month % 12 + 1, 1)
        start, end = _at(first, 0, zone), _at(after, 0, zone) - timedelta(seconds=1)
        if words == "earlier this month":
            end = local
        elif words == "later this month":
            start = local
        return start, end, "month"
    if words in ("this year", "last year", "next year"):
        year = today.year + {"last year": -1, "next year": 1}.get(words, 0)
        return _at(date(year, 1, 1), 0, zone), _at(date(year + 1, 1, 1), 0, zone) - timedelta(seconds=1), "year"
    if words.startswith("in") and words.endswith("days") and "coming" not in words:
        return _at(today - timedelta(days=4), 0, zone), local, "week"
    if words.startswith("in the coming"):
        return local, local + (timedelta(days=7) if words.endswith("days") else timedelta(weeks=4)), "week"
    return None


# --------------------------------------------------------------------------------------------------
# Which expression governs which mention.
# --------------------------------------------------------------------------------------------------


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, at = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.start() > at:
            spans.append((at, match.start()))
        at = match.end()
    if at < end:
        spans.append((at, end))
    return spans


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """(start, end, is_relative) clauses of a sentence, split at commas, semicolons, dashes, brackets."""
    out, at = [], start
    for match in _CLAUSE_BREAK.finditer(text, start, end):
        out.append((at, match.start()))
        at = match.end()
    out.append((at, end))
    # An aside keeps its expression to itself: a relative clause ("which ...", "who ...") or words set
    # off by dashes or brackets ("In X - taken during their 12-day offensive - crowds ...").
    return [(s, e, bool(_RELATIVE_START.match(text, s) or _ASIDE_OPEN.search(text[max(0, s - 3):s])))
            for s, e in out if e > s]


@dataclass(frozen=True, slots=True)
class _Sentence:
    start: int
    end: int
    expressions: tuple[tuple[_Found, bool], ...]  # with whether the clause around it speaks of the future
    clauses: tuple[tuple[int, int, bool], ...]
    verb: tuple[int, int, int] | None  # reporting verb: (start of its subject's clause, verb start, verb end)


def _analyse(text: str, start: int, end: int, found: Sequence[_Found]) -> _Sentence:
    clauses = tuple(_clauses(text, start, end))
    inside = []
    for f in found:
        if start <= f.start < end:
            clause = next((c for c in clauses if c[0] <= f.start < c[1]), (start, end, False))
            # Tense is read in the clause and the words just before it ("are due to meet ... on Saturday").
            window = text[max(start, clause[0] - 60):f.end]
            inside.append((f, bool(_FUTURE.search(window))))
    verb = None
    match = _REPORTING.search(text, start, end)
    if match:
        clause = next((c for c in clauses if c[0] <= match.start() < c[1]), (start, end, False))
        verb = (clause[0], match.start(), match.end())
    return _Sentence(start, end, tuple(inside), clauses, verb)


_SAYING = "saying"  # the mention is the subject of a reporting verb that no expression dates


def _governing(sentence: _Sentence, position: int) -> tuple[_Found, bool] | str | None:
    """The expression that governs a mention at `position` in `sentence`, with its tense; `_SAYING`
    when the mention is the undated subject of a reporting verb; None when nothing governs it."""
    clause = next((c for c in sentence.clauses if c[0] <= position < c[1]), None)
    candidates = []
    saying = False
    for f, future in sentence.expressions:
        f_clause = next((c for c in sentence.clauses if c[0] <= f.start < c[1]), None)
        # A relative clause keeps its expression to itself.
        if f_clause is not None and f_clause[2] and f_clause != clause:
            continue
        if sentence.verb is not None:
            subject_start, verb_start, verb_end = sentence.verb
            mention_is_subject = subject_start <= position < verb_start
            dates_saying = verb_end <= f.start <= verb_end + 4 or (subject_start <= f.start < verb_start)
            # The subject of "said" is dated only by an expression about the saying, and what is said
            # is not dated by the saying's own expression if it has one of its own.
            if mention_is_subject and not dates_saying:
                saying = True
                continue
        same_clause = clause is not None and f_clause == clause
        candidates.append((not same_clause, abs(f.start - position), f, future))
    if not candidates:
        return _SAYING if saying else None
    _, _, f, future = min(candidates, key=lambda c: (c[0], c[1]))
    return f, future


# --------------------------------------------------------------------------------------------------
# The zone of a place's country, for "local time".
# --------------------------------------------------------------------------------------------------


@cache
def _country_zones() -> dict[str, list[tuple[float, float, str]]]:
    """Country code -> [(lat, lon, zone)] from the IANA zone.tab that the tzdata package ships."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    zones: dict[str, list[tuple[float, float, str]]] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, coords, name = line.split("\t")[:3]
        match = re.fullmatch(r"([+-]\d{4,6})([+-]\d{5,7})", coords)
        if not match:
            continue
        zones.setdefault(code, []).append((_degrees(match.group(1), 2), _degrees(match.group(2), 3), name))
    return zones


def _degrees(text: str, width: int) -> float:
    sign = -1 if text[0] == "-" else 1
    digits = text[1:]
    value = int(digits[:width]) + int(digits[width:width + 2]) / 60
    if len(digits) > width + 2:
        value += int(digits[width + 2:]) / 3600
    return sign * value


def place_zone(country_code: str, lat: float | None = None, lon: float | None = None) -> tzinfo | None:
    """The zone of a country (the one whose principal city is nearest the place, for countries with several)."""
    options = _country_zones().get((country_code or "").upper())
    if not options:
        return None
    if lat is None or lon is None or len(options) == 1:
        return ZoneInfo(options[0][2])
    best = min(options, key=lambda o: math.hypot(o[0] - lat, (o[1] - lon) * math.cos(math.radians(lat))))
    return ZoneInfo(best[2])


# --------------------------------------------------------------------------------------------------
# An entry's mentions, each with its event time.
# --------------------------------------------------------------------------------------------------


def _parts(entry: Entry) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the headline, body and each caption within `entry.text`."""
    out, at = [], 0
    pieces = [("headline", entry.headline), ("body", entry.body), *(("caption", c.text) for c in entry.captions)]
    for kind, piece in pieces:
        if not piece:
            continue
        out.append((at, at + len(piece), kind))
        at += len(piece) + 2
    return out


def entry_event_times(entry: Entry, mentions: Sequence[Mention], zone: tzinfo) -> list[EventTime]:
    """The event time of each mention (same order), resolved against the entry's report time in `zone`."""
    text = entry.text
    found = find_expressions(text)
    report = report_time(entry.time_utc)
    if not found:
        return [report] * len(mentions)
    parts = _parts(entry)
    sentences = []
    for start, end, _kind in parts:
        for s, e in _sentences(text, start, end):
            sentences.append(_analyse(text, s, e, found))
    headline = next(((s, e) for s, e, kind in parts if kind == "headline"), None)

    def own(mention: Mention) -> EventTime | None:
        sentence = next((s for s in sentences if s.start <= mention.start < s.end), None)
        if sentence is None:
            return None
        chosen = _governing(sentence, mention.start)
        if chosen is None:
            return None
        if chosen == _SAYING:  # dated by the saying, which is the report
            return report
        f, future = chosen
        place = mention.place
        ctx = Context(entry.time_utc, zone, future=future,
                      place_zone=place_zone(place.country_code, place.latitude, place.longitude) if place else None)
        return resolve(f, ctx)

    headline_time = None
    head_found = [] if headline is None else [f for f in found if headline[0] <= f.start < headline[1]]
    if headline is not None and head_found:
        future = bool(_FUTURE.search(text, headline[0], headline[1]))
        headline_time = resolve(head_found[0], Context(entry.time_utc, zone, future=future))
    body = next(((s, e) for s, e, kind in parts if kind == "body"), (0, 0))
    body_sentences = _sentences(text, *body)
    lede = (body[0], body_sentences[min(1, len(body_sentences) - 1)][1]) if body_sentences else (0, 0)
    times = [own(m) for m in mentions]
    out = []
    for mention, time_ in zip(mentions, times, strict=True):
        in_headline = headline is not None and headline[0] <= mention.start < headline[1]
        if time_ is None and in_headline and not head_found:
            # A headline without a time of its own sums up the entry's opening (news puts the headline's
            # event in the first sentences): take the time the body's first two sentences give the same
            # place ("Convoy leaves X" / "A convoy left X on Friday morning").
            key = _place_key(mention)
            time_ = next((t for m, t in zip(mentions, times, strict=True)
                          if t is not None and lede[0] <= m.start < lede[1] and _place_key(m) == key), None)
        if time_ is None and headline_time is not None and not in_headline:
            time_ = headline_time
        out.append(time_ or report)
    return out


def _place_key(mention: Mention) -> str:
    return mention.place.place_id if mention.place is not None else mention.text.casefold()
