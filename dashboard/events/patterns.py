"""Finding time expressions in entry text: one compiled pattern of named alternatives.

Each alternative is a family ("on Sunday morning", "overnight", "earlier today", "8 December", "since
2019", "in the 1990s", "three days ago", "at 2am local time", "at dawn", "the day before"...); its named groups are what
`dashboard.events.expressions` reads to resolve it to an interval. A clock or named time beside a day
("at 9pm on Thursday") is joined to it here, as one expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
PART = r"(?:morning|afternoon|evening|night)"
_MON = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
        r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_NUM = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|several|couple of)"
_UNIT = r"(?:day|week|month|year|hour)s?"
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"

_EXPRESSION = re.compile(
    r"\b(?:"
    # calendar dates: "on 8 December 2024", "December 8", "Nov 28"
    # ("on the night of 10 December", "on Tuesday, 10 December")
    r"(?P<date>(?:(?P<datelead>on|since)\s+)?(?:the\s+(?P<datepart>" + PART + r")\s+of\s+)?"
    r"(?:" + WEEKDAY + r",?\s+(?:the\s+)?)?"
    r"(?:(?:\d{1,2}(?:st|nd|rd|th)?\s+" + _MON + r"(?:,?\s+" + _YEAR + r")?)"
    r"|(?:" + _MON + r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+" + _YEAR + r")?))"
    # "on 10 November of 2020", "on 10 November of that year" (the year told before it)
    r"(?:\s+of\s+" + _YEAR + r"\b|\s+(?:of\s+)?(?P<datethat>that|the\s+same)\s+year\b)?)"
    # months: "in July", "last July", "in July 2024", "since March"
    r"|(?P<month>(?P<monthlead>in|since|last|next|this|during|until|by)\s+(?P<monthpart>(?:early|mid|late)\b-?\s*)?(?P<monthname>(?:january|february|march"
    r"|april|(?-i:May)|june|july|august|september|october|november|december))(?:\s+(?P<monthyear>" + _YEAR + r"))?)"
    # years: "in 2011", "since early 2024", "from 2005 to 2008"
    r"|(?P<years>from\s+(?P<y1>" + _YEAR + r")\s+(?:to|until)\s+(?P<y2>" + _YEAR + r"))"
    r"|(?P<year>(?P<yearlead>in|since|during|until|by)\s+(?:(?:early|late|mid-?)\s*)?(?P<yearnum>"
    + _YEAR + r"))(?!\s*-)"
    # decades: "in the 1990s", "during the early 2000s"
    r"|(?P<decade>(?P<decadelead>in|since|during|throughout|until|by)\s+the\s+(?P<decadepart>(?:early|late|mid)\b-?\s*)?"
    r"(?P<decadenum>(?:19[0-9]|20[0-4])0)['’]?s)"
    # weekdays with their modifiers: "on Sunday morning", "late Thursday", "since Monday", "next Tuesday"
    r"|(?P<weekday>(?P<wdlead>on|since|last|next|this|by|until|from|for|(?:in\s+)?the\s+early\s+hours\s+of|late\s+on"
    r"|early\s+on|late|early|earlier\s+on|later\s+on)?\s*"
    r"(?P<wdname>" + WEEKDAY + r")(?:\s+(?P<wdpart>" + PART + r"))?)"
    # relative days and parts of day
    # "in the early hours" and "early this morning": the hours after midnight
    r"|(?P<rel>(?:in\s+)?the\s+early\s+hours(?:\s+of\s+(?:this\s+morning|today))?|early\s+this\s+morning"
    r"|earlier\s+today|later\s+today|earlier\s+this\s+" + PART + r"|later\s+this\s+" + PART +
    r"|this\s+" + PART + r"|last\s+night|tonight|overnight|yesterday(?:\s+" + PART + r")?"
    r"|tomorrow(?:\s+" + PART + r")?|today|this\s+week(?:end)?|last\s+week(?:end)?|next\s+week(?:end)?"
    r"|(?:over|at|on|for)\s+the\s+weekend|since\s+the\s+weekend|earlier\s+(?:this|in\s+the)\s+week"
    r"|since\s+the\s+start\s+of\s+the\s+week|last\s+month|next\s+month|this\s+month|last\s+year|next\s+year"
    r"|this\s+year|in\s+(?:recent|the\s+past\s+few|the\s+last\s+few)\s+days|(?:in|over)\s+the\s+coming\s+(?:days|weeks)"
    r"|(?:later|earlier)\s+this\s+(?:week|month)"
    # what is left of a period, from the report on: "for the rest of this week", "the rest of the day"
    r"|(?:for\s+)?the\s+rest\s+of\s+(?:this|the)\s+(?:day|week|month|year))"
    # named times of day: "at dawn", "shortly after midnight", "around noon"
    r"|(?P<named>(?:(?:shortly|just|soon)\s+)?(?:at|around|before|after|by)\s+(?P<namedword>dawn|daybreak|sunrise"
    r"|first\s+light|noon|midday|midnight|dusk|sunset|nightfall)\b"
    # ... but not a noun's modifier: "after midday prayers", "a midnight deadline"
    r"(?!\s+(?!(?:on|in|at|and|or|as|when|while|the|a|an|local|today|yesterday|tomorrow|this|that|near|with|from|to"
    r"|by|after|before)\b)[a-z]+))"
    # days counted from the day told before: "the day before", "the following morning", "two days later"
    r"|(?P<anaph>the\s+(?P<anaphdir>previous|following|next)\s+(?P<anaphunit>day|morning|afternoon|evening|night)"
    r"|the\s+day\s+(?P<anaphdir2>before|after)(?!\s+(?:the|a|an|his|her|its|their)\b)"
    r"|(?P<anaphn>a|one|two|three|four|five|six|\d)\s+days?\s+(?P<anaphdir3>earlier|later))"
    # counted spans: "two days ago", "over the past two days", "in the next few days", "within a week"
    # ... and counted back from now to what followed: "nine days after fighting broke out", "a week since the
    # truce" (kept only where the rest of the sentence is told as now: `clauses.analyse`)
    r"|(?P<ago>(?P<agon>" + _NUM + r")\s+(?P<agou>" + _UNIT + r")\s+(?:ago|(?P<agoafter>after|since)))"
    r"|(?P<past>(?:over|in|during)\s+the\s+(?:past|last)\s+(?P<pastn>" + _NUM + r")\s+(?P<pastu>" + _UNIT + r"))"
    # a span told by its length: "during the 13-year civil war", "in their 12-day offensive" (ending now)
    r"|(?P<lasting>(?:during|throughout|in)\s+(?:the|their|its|his|her|a)\s+(?P<lastn>\d{1,3})-(?P<lastu>day|week|month|year)"
    r"(?:-long|-old)?\s+[a-z]+(?:\s+[a-z]+)?)"
    r"|(?P<next>(?:in|over|within)\s+the\s+(?:next|coming)\s+(?P<nextn>" + _NUM + r")\s+(?P<nextu>" + _UNIT + r"))"
    # clock times, tried last so that "15 January" and "3 days ago" are not taken for one: "at 2am local
    # time", "at 14:30 GMT", "2.30pm", "at 11pm Washington time"
    r"|(?P<clock>(?:(?P<clocklead>at|around|about|by|from|until)\s*)?(?P<hh>\d{1,2})(?:[:.](?P<mm>\d{2}))?\s*"
    r"(?P<ampm>[ap]\.?m\b\.?)?(?:\s*(?P<clockzone>local\s+time|gmt|utc|bst|cest|cet|eet|edt|est|et"
    # a place's own clock: "at 11pm Washington time", "9am New York time" (the name capitalised)
    r"|(?P<zoneplace>(?-i:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?))\s+time)\b)?)"
    r")\b",
    re.IGNORECASE)

@dataclass(frozen=True, slots=True)
class Found:
    start: int
    end: int
    words: str
    groups: dict


# Every expression holds one of these words or a digit. Trying the long pattern only near them (most
# of a live blog holds none) keeps finding as cheap as before the pattern grew: the same matches, as
# `test_finding_near_the_words_is_finding_everywhere` checks.
_TRIGGER = re.compile(
    r"\d|\b(?:" + WEEKDAY + r"|" + _MON + r"|to(?:day|night|morrow)|yesterday|overnight|night|morning|afternoon|evening"
    r"|weeks?|months?|years?|hours|dawn|daybreak|sunrise|light|noon|midday|midnight|dusk|sunset|nightfall|days?|coming"
    r"|past|last|next|recent|weekend)\b", re.IGNORECASE)
_REACH = 48  # characters an expression may start before its first such word ("in the early hours of")


def find_expressions(text: str) -> list[Found]:
    """Candidate time expressions in `text`, left to right (offsets into `text`)."""
    return _with_that_year(text, _with_days(text, [f for window in _windows(text) for f in _scan(text, *window)]))


def _year_named(f: Found) -> int | None:
    """The one year an expression names ("in 2020", "in March 2020", "on 3 May 2020"), if any."""
    g = f.groups
    if "year" in g and g["yearlead"].lower() in ("in", "during"):
        return int(g["yearnum"])
    if "month" in g and g.get("monthyear"):
        return int(g["monthyear"])
    if "date" in g and not g.get("datethat"):
        year = re.search(r"\b" + _YEAR + r"\b", f.words)
        return int(year.group(0)) if year else None
    return None


def _with_that_year(text: str, found: list[Found]) -> list[Found]:
    """ "on 10 November of that year": the year is the one told last before it in the same paragraph
    ("the war of 2020, which ended on 10 November of that year"); kept as the group `dateyear`."""
    out: list[Found] = []
    for f in found:
        if f.groups.get("datethat"):
            told = next((y for g in reversed(out) if "\n" not in text[g.end:f.start]
                         and (y := _year_named(g)) is not None), None)
            if told is not None:
                f = Found(f.start, f.end, f.words, {**f.groups, "dateyear": str(told)})
        out.append(f)
    return out


def _windows(text: str) -> list[tuple[int, int]]:
    """Stretches of `text` around the trigger words, merged where they meet."""
    out: list[tuple[int, int]] = []
    for trigger in _TRIGGER.finditer(text):
        start, end = max(0, trigger.start() - _REACH), min(len(text), trigger.end() + _REACH)
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _scan(text: str, start: int, end: int) -> list[Found]:
    found = []
    for match in _EXPRESSION.finditer(text, start, end):
        if match.end() >= end and end < len(text):  # may run on past the window: read it again in full
            match = _EXPRESSION.match(text, match.start())
            if match is None:
                continue
        words = match.group(0).strip()
        if not words:
            continue
        groups = {k: v for k, v in match.groupdict().items() if v is not None}
        if "clock" in groups and not _is_clock(groups):
            continue
        if _FIRST_TIME.search(text, max(0, match.start() - 30), match.start()) or _COMPARED.search(
                text, max(0, match.start() - 30), match.start()):
            continue
        # "nine days after X": the expression stands where its subordinate clause starts, at "after", so
        # that the clause before it is a part of its own (`clauses._part`).
        first = match.start("agoafter") if "agoafter" in groups else match.start()
        found.append(Found(first, match.end(), words, groups))
    return found


# "for the first time since 2011", "the last time since March": the expression dates the time before,
# not the event told, which is now.
_FIRST_TIME = re.compile(r"\b(?:first|last|only)\s+time\s+$", re.IGNORECASE)


# "shorter than earlier in the week", "calmer than on Monday": the time of what is compared with, not of the
# event told ("more than two days ago" counts, and stays).
_COMPARED = re.compile(r"\b(?!(?:more|less|fewer)\b)\w+\s+than\s+$", re.IGNORECASE)


_DAY_KINDS = ("weekday", "date", "rel")
_BESIDE = re.compile(r"\s*(?:,\s*|on\s+)?")


def _with_days(text: str, found: list[Found]) -> list[Found]:
    """A clock or named time beside a day ("at 9pm on Thursday", "on Tuesday at dawn", "at 04:30 local
    time on 9 December") is one expression: the time of that day, not of the report's."""
    out: list[Found] = []
    for f in found:
        previous = out[-1] if out else None
        if previous is not None and _BESIDE.fullmatch(text, previous.end, f.start):
            pair = [(previous, f)] if _is_time_of_day(previous) and _is_day(f) else (
                [(f, previous)] if _is_time_of_day(f) and _is_day(previous) else [])
            if pair:
                moment, day_found = pair[0]
                out[-1] = Found(previous.start, f.end, text[previous.start:f.end],
                                {**moment.groups, "dayof": day_found})
                continue
        out.append(f)
    return out


def _is_time_of_day(f: Found) -> bool:
    return ("clock" in f.groups or "named" in f.groups) and "dayof" not in f.groups


def _is_day(f: Found) -> bool:
    if "weekday" in f.groups:
        return not f.groups.get("wdpart") and (f.groups.get("wdlead") or "").lower() not in ("since", "until", "from")
    if "date" in f.groups:
        return not f.groups.get("datepart")
    rel = " ".join(f.groups.get("rel", "").lower().split())
    return rel in ("yesterday", "today", "tomorrow")


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
