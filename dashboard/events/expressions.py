"""Time expressions in entry text resolved to intervals (found in `dashboard.events.patterns`).

Each family ("on Sunday morning", "overnight", "earlier today", "8 December", "since 2019", "three
days ago", "at 2am local time", "during their 12-day offensive"...) is resolved against the entry's
local time to (start, end, precision), because the map needs an interval and a precision. `dateparser`
was tried for calendar dates and weekdays: it gives a point, not an interval or a precision, does not
read "overnight", "earlier today" or "2am local time", and its first call loads language data for about
0.6 s, which alone took a small blog's ingest past 1.5 times its cost (bench/bench_events.py). The
pattern already holds the day, month and year, so they are read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from dashboard.events.patterns import PART, WEEKDAY, Found
from dashboard.events.zones import zone_named

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {m: i + 1 for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"))}
_MONTH_ABBR = {m[:3]: n for m, n in _MONTHS.items()} | {"sept": 9}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "few": 3, "several": 4, "couple of": 2}

_ZONE_ABBR = {"gmt": "UTC", "utc": "UTC", "bst": "Europe/London", "cet": "Europe/Paris", "cest": "Europe/Paris",
              "eet": "Europe/Athens", "et": "America/New_York", "est": "America/New_York",
              "edt": "America/New_York"}


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
    anchor: date | None = None  # the day told just before, in `zone`, for "the day before", "two days later"

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


@dataclass(frozen=True, slots=True)
class Interval:
    """What an expression names: [start, end] in UTC, how precisely, and whether it was still to come."""

    start: datetime
    end: datetime
    precision: str
    words: str
    expected: bool


def resolve(found: Found, ctx: Context) -> Interval | None:
    """The interval an expression names, or None when it names none we can place."""
    g = found.groups
    zone = ctx.zone
    local = ctx.local
    today = local.date()
    words = found.words
    result: tuple[datetime, datetime, str] | None = None
    if "dayof" in g:
        result = _resolve_on_day(g, ctx)
    elif "clock" in g:
        result = _resolve_clock(g, ctx)
    elif "named" in g:
        result = _resolve_named(g, ctx)
    elif "anaph" in g:
        result = _resolve_counted_from(g, ctx)
    elif "date" in g:
        result = _resolve_date(words, ctx, g.get("datepart") or "", g.get("dateyear"))
        if result is not None and (g.get("datelead") or "").lower() == "since":
            # "since 9 December": from that day to the report
            start, end = result[0], max(result[0], local)
            days = (end - start).days
            result = (start, end, "week" if days <= 7 else ("month" if days <= 31 else "year"))
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
    elif "decade" in g:
        result = _resolve_decade(g, ctx)
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
    return Interval(start_utc, end_utc, precision, words, expected)


# "since December, when X closed the road": the when-clause tells what happened at the start, not over the
# span; the clause runs from the expression to the place, with no break stronger than a comma.
_WHEN_CLAUSE = re.compile(r"\s*,?\s*when\b[^;:.()\[\]]*", re.IGNORECASE)
_SINCE_LEADS = {"monthlead": "in", "wdlead": "on", "datelead": "on", "yearlead": "in"}


def since_start(text: str, found: Found, at: int) -> Found:
    """For a place at `at` in the when-clause that follows "since X" ("since December, when X closed the
    road to Y"), X itself ("in December"); otherwise `found` unchanged."""
    lead = next((k for k in _SINCE_LEADS if (found.groups.get(k) or "").lower() == "since"), None)
    if lead is None or at < found.end or not _WHEN_CLAUSE.fullmatch(text, found.end, at):
        return found
    return Found(found.start, found.end, found.words, {**found.groups, lead: _SINCE_LEADS[lead]})


def _resolve_clock(g: dict, ctx: Context, day: date | None = None) -> tuple[datetime, datetime, str] | None:
    hour, minute = int(g["hh"]), int(g.get("mm") or 0)
    ampm = (g.get("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    said_zone = (g.get("clockzone") or "").lower()
    if said_zone.startswith("local"):
        zone = ctx.place_zone or ctx.zone
    elif g.get("zoneplace"):  # "Washington time": the named place's zone, else a zone named after it
        zone = ctx.place_zone or zone_named(g["zoneplace"]) or ctx.zone
    elif said_zone:
        zone = ZoneInfo(_ZONE_ABBR[said_zone])
    else:
        zone = ctx.zone
    local_report = ctx.report_utc.astimezone(zone)
    moment = datetime.combine(day or local_report.date(), time(hour, minute), tzinfo=zone)
    # A clock time later than the report is yesterday's, unless the clause speaks of what is to come
    # or a day is named beside it.
    if day is None and moment > local_report and not ctx.future:
        moment -= timedelta(days=1)
    precision = "minute" if g.get("mm") else "hour"
    length = timedelta(minutes=1) if g.get("mm") else timedelta(hours=1)
    return moment, moment + length - timedelta(seconds=1), precision


_DATE_LEAD = re.compile(r"^(?:(?:on|since)\s+)?(?:the\s+" + PART + r"\s+of\s+)?(?:" + WEEKDAY + r",?\s+(?:the\s+)?)?",
                        re.IGNORECASE)


def _resolve_date(words: str, ctx: Context, part: str = "", year: str | None = None
                  ) -> tuple[datetime, datetime, str] | None:
    day = _parse_calendar(_DATE_LEAD.sub("", words), ctx, int(year) if year else None)
    if day is None:
        return None
    if part:  # "on the night of 10 December"
        first, last = _PART_HOURS[part.lower()]
        return _at(day, first, ctx.zone), _at(day, last, ctx.zone) - timedelta(seconds=1), "part of day"
    return (*_span(day, ctx.zone), "day")


# Named times of day: the hours they stand for, in the zone the text is read in.
_NAMED_HOURS = {"dawn": (5, 7), "daybreak": (5, 7), "sunrise": (5, 7), "first light": (5, 7), "noon": (12, 13),
                "midday": (12, 13), "midnight": (0, 1), "dusk": (16, 19), "sunset": (16, 19), "nightfall": (17, 20)}


def _resolve_named(g: dict, ctx: Context, day: date | None = None) -> tuple[datetime, datetime, str]:
    """ "at dawn", "shortly after midnight": the last such hours before the report (the next ones when the
    clause speaks of what is to come), or those of `day` when a day is named beside it."""
    word = " ".join(g["namedword"].lower().split())
    first, last = _NAMED_HOURS[word]
    if word == "midnight" and re.match(r"(?:\w+\s+)?before", g["named"], re.IGNORECASE):
        first, last = -1, 0  # "just before midnight" is the end of the day named
        if day is not None:
            day += timedelta(days=1)
    local = ctx.local
    if day is None:
        day = local.date()
        if ctx.future:
            if _at(day, last, ctx.zone) <= local:
                day += timedelta(days=1)
        elif _at(day, first, ctx.zone) > local:
            day -= timedelta(days=1)
    return _at(day, first, ctx.zone), _at(day, last, ctx.zone) - timedelta(seconds=1), "hour"


def _resolve_on_day(g: dict, ctx: Context) -> tuple[datetime, datetime, str] | None:
    """A clock or named time on a named day: the day's date (in the blog's zone) at that time."""
    day_interval = resolve(g["dayof"], ctx)
    if day_interval is None:
        return None
    day = day_interval.start.astimezone(ctx.zone).date()
    if "named" in g:
        return _resolve_named(g, ctx, day)
    return _resolve_clock(g, ctx, day)


def _resolve_counted_from(g: dict, ctx: Context) -> tuple[datetime, datetime, str]:
    """ "the day before", "the following morning", "two days later": counted from the day told just
    before (`ctx.anchor`), or from the report's day when no day was told."""
    anchor = ctx.anchor or ctx.local.date()
    direction = (g.get("anaphdir") or g.get("anaphdir2") or g.get("anaphdir3") or "").lower()
    step = -1 if direction in ("previous", "before", "earlier") else 1
    day = anchor + timedelta(days=step * _count(g.get("anaphn") or "1"))
    unit = (g.get("anaphunit") or "day").lower()
    if unit != "day":
        first, last = _PART_HOURS[unit]
        return _at(day, first, ctx.zone), _at(day, last, ctx.zone) - timedelta(seconds=1), "part of day"
    return (*_span(day, ctx.zone), "day")


_CALENDAR_PARTS = re.compile(r"(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m1>[a-z]+)|(?P<m2>[a-z]+)\.?\s+(?P<d2>\d{1,2}))"
                             r"(?:\D+(?P<y>\d{4}))?", re.IGNORECASE)


def _parse_calendar(words: str, ctx: Context, told_year: int | None = None) -> date | None:
    """ "8 December", "Dec 8, 2024": a day and month, the year given (or told before: "of that year") or the
    nearest one in the tense's direction (a date without a year told in the past is this year's, or last
    year's if still to come). A date that only the other direction puts near the report is that one: told
    on 26 September, "a summit on 5 October was discussed" is nine days ahead, not a year back, and "a
    meeting on 20 September will be reviewed" is last week's."""
    match = _CALENDAR_PARTS.search(words)
    if match is None:
        return None
    name = (match.group("m1") or match.group("m2")).lower()
    month = _MONTHS.get(name) or _MONTH_ABBR.get(name[:4] if name.startswith("sept") else name[:3])
    day_number = int(match.group("d1") or match.group("d2"))
    today = ctx.local.date()
    given = int(match.group("y")) if match.group("y") else told_year
    try:
        if given is not None:
            return date(given, month, day_number)
        ahead, back = _nearest(today, month, day_number, 1), _nearest(today, month, day_number, -1)
    except (ValueError, TypeError):
        return None
    if ahead is None or back is None:
        return ahead or back
    wanted, other = (ahead, back) if ctx.future else (back, ahead)
    if abs((other - today).days) <= _NEAR_OTHER_WAY and abs((wanted - today).days) > _FAR_THIS_WAY:
        return other
    return wanted


# A date without a year is the tense's way from the report, unless that is more than _FAR_THIS_WAY days
# off and the other way is within _NEAR_OTHER_WAY days: news names a date a year away with its year.
_NEAR_OTHER_WAY = 31
_FAR_THIS_WAY = 180


def _nearest(today: date, month: int, day_number: int, step: int) -> date | None:
    """The first `month`/`day_number` on or after (`step` 1) or on or before (-1) `today` (29 February
    may be years off: None if not within a leap cycle)."""
    for offset in range(0, 5):
        year = today.year + step * offset
        try:
            candidate = date(year, month, day_number)
        except ValueError:
            if month == 2 and day_number == 29:
                continue
            raise
        if (candidate >= today) if step > 0 else (candidate <= today):
            return candidate
    return None


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
    # "in early/mid/late December": a third of the month.
    part = (g.get("monthpart") or "").lower().strip(" -")
    if part:
        first, after = {"early": (first, first.replace(day=11)), "mid": (first.replace(day=11), first.replace(day=21)),
                        "late": (first.replace(day=21), after)}[part]
    start, end = _at(first, 0, ctx.zone), _at(after, 0, ctx.zone) - timedelta(seconds=1)
    if lead == "since":
        end = max(start, ctx.local)
    return start, end, "week" if part and lead != "since" else "month"


def _resolve_decade(g: dict, ctx: Context) -> tuple[datetime, datetime, str]:
    """"in the 1990s": its ten years; "the early/mid/late 1990s": a third of them; "since the 1990s": to the
    report."""
    first = int(g["decadenum"])
    part = (g.get("decadepart") or "").lower().strip(" -")
    years = {"early": (first, first + 4), "mid": (first + 3, first + 7), "late": (first + 6, first + 10)}.get(
        part, (first, first + 10))
    start = _at(date(years[0], 1, 1), 0, ctx.zone)
    end = _at(date(years[1], 1, 1), 0, ctx.zone) - timedelta(seconds=1)
    if g["decadelead"].lower() == "since":
        end = max(start, ctx.local)
    return start, end if ctx.future else min(end, max(start, ctx.local)), "year"


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
    if lead.endswith("early hours of"):
        return _at(day, 0, ctx.zone), _at(day, 6, ctx.zone) - timedelta(seconds=1), "part of day"
    if lead in ("late", "late on"):
        return _at(day, 18, ctx.zone), _at(day, 24, ctx.zone) - timedelta(seconds=1), "part of day"
    if lead in ("early", "early on"):
        return _at(day, 0, ctx.zone), _at(day, 9, ctx.zone) - timedelta(seconds=1), "part of day"
    return (*_span(day, ctx.zone), "day")


def _resolve_relative(words: str, ctx: Context) -> tuple[datetime, datetime, str] | None:
    local, zone, today = ctx.local, ctx.zone, ctx.local.date()
    monday = today - timedelta(days=today.weekday())
    rest = re.fullmatch(r"(?:for )?the rest of (?:this|the) (day|week|month|year)", words)
    if rest:  # from the report to the period's end
        unit = rest.group(1)
        if unit == "day":
            after = today + timedelta(days=1)
        elif unit == "week":
            after = monday + timedelta(weeks=1)
        elif unit == "month":
            after = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
        else:
            after = date(today.year + 1, 1, 1)
        return local, _at(after, 0, zone) - timedelta(seconds=1), unit
    part_of = re.fullmatch(r"(?:(?:earlier|later)\s+)?this\s+(morning|afternoon|evening|night)"
                           r"|(yesterday|tomorrow)(?:\s+(\w+))?", words)
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
    if "early hours" in words or words == "early this morning":
        return _at(today, 0, zone), min(_at(today, 6, zone) - timedelta(seconds=1), local), "part of day"
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
    if words in weekend or words in ("over the weekend", "at the weekend", "on the weekend", "for the weekend"):
        # a weekend to come is this week's (on Friday "for the weekend" is tomorrow); one past is the last
        shift = weekend.get(words, 0 if ctx.future else (0 if today >= saturday else -1))
        return (*_span(saturday + timedelta(weeks=shift), zone, 2), "day")
    if words == "since the weekend":
        last_saturday = saturday if today > saturday + timedelta(days=1) else saturday - timedelta(weeks=1)
        return _at(last_saturday, 0, zone), local, "week"
    if words in ("earlier this week", "earlier in the week", "since the start of the week"):
        return _at(monday, 0, zone), local, "week"
    if words == "later this week":
        # Another day of the week than the report's ("later today" tells the rest of today): from tomorrow
        # to Sunday; on a Sunday, what is left of it.
        tomorrow = today + timedelta(days=1)
        if tomorrow.weekday() == 0:
            return local, _span(today, zone)[1], "week"
        return _at(tomorrow, 0, zone), _span(monday, zone, 7)[1], "week"
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
    if words.startswith(("in the coming", "over the coming")):
        # The days after the report's ("in the coming days" is not later today): the rest of the week
        # that starts today, or of the four weeks.
        return (_at(today + timedelta(days=1), 0, zone),
                _span(today, zone, 7 if words.endswith("days") else 28)[1], "week")
    return None
