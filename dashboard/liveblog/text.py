"""From lines to a parsed blog: page furniture, time and date lines, the lead, and the dates
(text rules 1-3 and the date and zone rules of `dashboard.liveblog`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, tzinfo
from datetime import date as Date

from dashboard import settings
from dashboard.liveblog import timeparse as tp
from dashboard.liveblog.compose import compose, is_headline, joined_raw, normalise
from dashboard.liveblog.lines import BAD, BLANK, DATE, FURNITURE, STAMP, TEXT, Line, is_furniture
from dashboard.liveblog.reading import Context, LiveBlogError, quoted
from dashboard.model import Entry, ParsedBlog

# ---------------------------------------------------------------------------------------------
# Lines and their kinds


def _classify(lines: Sequence[Line], ctx: Context) -> None:
    for line in lines:
        ctx.tick()
        if line.stamp is not None:
            line.kind = STAMP
        elif line.mark is not None:
            line.kind = DATE
        elif not line.text:
            line.kind = BLANK
        elif is_furniture(line.text):
            line.kind = FURNITURE
        else:
            found = tp.match_time_line(line.text)
            if found is None:
                found = tp.match_date_line(line.text)
            if isinstance(found, tp.Stamp):
                line.kind, line.stamp = STAMP, found
            elif isinstance(found, tp.DateMark):
                line.kind, line.mark = DATE, found
            elif isinstance(found, tp.NotATime):
                line.kind = BAD
                ctx.warn(line.number, f"{quoted(line.text)} looks like a time or date but is not one "
                                      f"({found.reason}); kept as text")
            else:
                line.kind = TEXT


def _choose_starters(lines: Sequence[Line]) -> list[int]:
    """Indexes of the time lines that start entries (text rule 2 of `dashboard.liveblog`)."""
    stamps = {i: line.stamp for i, line in enumerate(lines) if line.kind == STAMP and line.stamp is not None}
    plain = [i for i, stamp in stamps.items() if stamp.kind == "plain"]
    if plain:
        time_only = [i for i in plain if stamps[i].day is None]
        first_time_only = time_only[0] if time_only else -1
        chosen = [i for i in plain if i >= first_time_only or stamps[i].day is None]
    else:
        labelled = [i for i, stamp in stamps.items() if not stamp.is_page_level]
        kinds = [stamps[i].kind for i in labelled]
        best = max(set(kinds), key=kinds.count) if kinds else None
        chosen = [i for i in labelled if stamps[i].kind == best]
        if len(chosen) < 2:  # one labelled line is the page's own stamp, not a run of entries
            chosen = []
    starters: list[int] = []
    for i in chosen:
        if starters and _repeats(lines, starters[-1], i):
            continue
        starters.append(i)
    return starters


def _repeats(lines: Sequence[Line], earlier: int, later: int) -> bool:
    a, b = lines[earlier].stamp, lines[later].stamp
    assert a is not None and b is not None
    nothing_between = all(line.kind in (BLANK, FURNITURE) for line in lines[earlier + 1:later])
    same = (a.clock, a.zone_text, a.day, a.exact) == (b.clock, b.zone_text, b.day, b.exact)
    return nothing_between and same


# ---------------------------------------------------------------------------------------------
# From lines to a parsed blog


@dataclass(slots=True)
class PageHints:
    """What a page's markup states about itself (HTML meta), or a data file's header."""

    title: str = ""
    published: datetime | None = None
    updated: datetime | None = None


class Dates:
    """Turns partial dates into calendar dates, taking missing years from the text or the caller."""

    def __init__(self, ctx: Context, lines: Sequence[Line], known: Iterable[tp.PartialDate | None]):
        self._ctx, self._lines, self._known = ctx, lines, list(known)
        self._reference: Date | None = None
        self._searched = False

    def _year_reference(self) -> Date | None:
        if not self._searched:
            self._searched = True
            full = next((d for d in self._known if d is not None and d.year is not None), None)
            if full is None:
                full = next((d for line in self._lines if line.kind in (TEXT, BAD)
                             for d in tp.find_dates(line.text) if d.year is not None), None)
            self._reference = full.resolve(None) if full else self._ctx.date
        return self._reference

    def resolve(self, partial: tp.PartialDate, number: int, text: str) -> Date:
        try:
            day = partial.resolve(None if partial.year is not None else self._year_reference())
        except ValueError:
            raise self._ctx.error(f"line {number}: {quoted(text)} gives no year and neither does the rest of "
                                  "the text: give the blog's date", "date") from None
        problem = partial.weekday_problem(day)
        if problem:
            self._ctx.warn(number, f"{problem}; the date is kept as written")
        return day


def no_date(ctx: Context) -> LiveBlogError:
    return ctx.error("no date for the entries: no date line, no date given and none found in the text",
                     "date")


def zones_for(ctx: Context, stamps: Sequence[tp.Stamp]) -> list[tzinfo]:
    zones, fell_back = tp.fill_zones([s.zone for s in stamps], ctx.tz)
    if fell_back:
        ctx.warn(0, "the times name no time zone and none was given: read as UTC")
    return zones


@dataclass(slots=True)
class _Layout:
    """Where things are in a text: entry starts, the lead's metadata, date lines above entries."""

    starters: list[int]
    lead_meta: list[Line]
    date_above: dict[int, Line]
    lead_end: int


def _layout(lines: list[Line]) -> _Layout:
    """Date lines: in the lead they date the blog; directly above an entry they date that entry;
    elsewhere they are text. Time lines that start no entry are lead metadata, or else dropped."""
    starters = _choose_starters(lines)
    starter_set = set(starters)
    first = starters[0] if starters else len(lines)
    lead_meta: list[Line] = []
    date_above: dict[int, Line] = {}
    for i, line in enumerate(lines):
        if line.kind == DATE:
            if i < first:
                lead_meta.append(line)
                continue
            following = next((j for j in range(i + 1, len(lines))
                              if lines[j].kind not in (BLANK, FURNITURE)), None)
            if following in starter_set and following not in date_above:
                date_above[following] = line
            elif not line.mark or not line.mark.label:
                line.kind = TEXT
        elif line.kind == STAMP and i not in starter_set and i < first:
            lead_meta.append(line)
    return _Layout(starters, lead_meta, date_above, first)


@dataclass(slots=True)
class _Anchors:
    first_day: Date | None = None
    published: datetime | None = None
    fallbacks: list[tp.Anchor] = field(default_factory=list)


def _lead_anchors(layout: _Layout, hints: PageHints, dates: Dates, zone_of: dict[int, tzinfo],
                  ctx: Context) -> _Anchors:
    """What the lead says about the calendar: an unlabelled date (or date and time) names the first
    entry's day; "Published"/"Updated" lines give the publication time and weaker hints."""
    found = _Anchors(published=hints.published)
    if hints.published is not None:
        found.fallbacks.append(tp.Anchor("oldest", hints.published.date(), hints.published))
    for line in layout.lead_meta:
        stamp, mark = line.stamp, line.mark
        partial = stamp.day if stamp else mark.day if mark else None
        instant = None
        if stamp is not None and stamp.has_clock and (partial is not None or stamp.exact is not None):
            instant = stamp.exact or tp.local_instant(dates.resolve(partial, line.number, stamp.text),
                                                      stamp.clock, zone_of[id(line)])
        if instant is not None:
            day = instant.astimezone(zone_of[id(line)]).date()
        elif partial is not None:
            day = dates.resolve(partial, line.number, line.text)
        else:
            continue  # a time with no date ("Updated at 16.45") says nothing about the calendar
        kind = tp.label_kind(stamp.label if stamp else mark.label if mark else "")
        if kind == "plain":
            found.first_day = day
        elif kind == "published":
            if instant is not None and found.published is None:
                found.published = instant
            found.fallbacks.append(tp.Anchor("oldest", day, instant))
        else:
            found.fallbacks.append(tp.Anchor("newest", day, instant))
    if hints.updated is not None:
        found.fallbacks.append(tp.Anchor("newest", hints.updated.date(), hints.updated))
    if found.first_day is None:
        found.first_day = ctx.date
    return found


# A page's badge ("Live", "Breaking"): a label on the page, never its title.
_BADGE = re.compile(r"(?:live(?: now| updates?| blog)?|breaking(?: news)?|updated?|new|latest|just in|developing"
                    r"|as it happened)[!.]?", re.I)
# A key-event summary's relative time ("3h ago", "45 min ago"): such lines, and the line they head,
# summarise entries further down; they are not the lead.
_AGO = re.compile(r"[0-9]+ ?(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?) ago\b", re.I)


def _lead_lines(lines: Sequence[Line], end: int) -> list[Line]:
    """The lead's lines, without badges and key-event summaries."""
    kept: list[Line] = []
    after_ago = False
    for line in lines[:end]:
        if line.kind == BLANK:
            kept.append(line)
            continue
        if _AGO.match(line.text):
            after_ago = not _AGO.sub("", line.text, count=1).strip(" -–—·:|")  # a bare "3h ago" heads the next line
            continue
        if after_ago and line.kind in (TEXT, BAD):
            after_ago = False
            continue
        after_ago = False
        if line.kind in (TEXT, BAD, FURNITURE) and not _BADGE.fullmatch(line.text):
            kept.append(line)
    return kept


def _title_and_lead(lines: list[Line], layout: _Layout, hints: PageHints) -> tuple[str, list[Line]]:
    """The page title (the hint, else the first line when it reads like a title) and the lead's lines."""
    lead_lines = _lead_lines(lines, layout.lead_end)
    title = hints.title
    head = next((line for line in lead_lines if line.kind in (TEXT, BAD)), None)
    if head is not None:
        if not title and head.kind == TEXT and is_headline(head.text):
            title = head.text
            lead_lines.remove(head)
        elif title and _same_title(head.text, title):
            lead_lines.remove(head)
    return title, lead_lines


def parse_lines(lines: list[Line], ctx: Context, hints: PageHints) -> ParsedBlog:
    _classify(lines, ctx)
    if not any(line.kind in (TEXT, BAD) for line in lines):
        raise ctx.error("no text: nothing but page furniture and time lines")
    layout = _layout(lines)
    starters, date_above = layout.starters, layout.date_above
    if len(starters) > settings.MAX_ENTRIES:
        raise ctx.over("entries", settings.MAX_ENTRIES)
    position = {id(line): i for i, line in enumerate(lines)}
    if starters:
        layout.lead_end = min([starters[0], *(position[id(line)] for line in date_above.values())])

    stamped = sorted([*(line for line in layout.lead_meta if line.stamp), *(lines[i] for i in starters)],
                     key=lambda line: position[id(line)])
    zones = zones_for(ctx, [line.stamp for line in stamped if line.stamp is not None])
    zone_of = {id(line): zone for line, zone in zip(stamped, zones, strict=True)}
    known = [line.stamp.day if line.stamp else line.mark.day if line.mark else None
             for line in [*layout.lead_meta, *(lines[i] for i in starters), *date_above.values()]]
    dates = Dates(ctx, lines, known)
    anchors = _lead_anchors(layout, hints, dates, zone_of, ctx)
    title, lead_lines = _title_and_lead(lines, layout, hints)
    lead_text = [line.text for line in lead_lines if line.kind in (TEXT, BAD)][:50]
    text_dates = [d for text in (title, *lead_text) for d in tp.find_dates(text) if d.year is not None]
    if text_dates:
        anchors.fallbacks.append(tp.Anchor("first", text_dates[0].resolve(None)))
    fallback = anchors.fallbacks[0] if anchors.fallbacks else None

    if not starters:
        return _untimed(lines, ctx, title, anchors.published, anchors.first_day, fallback)

    slots = []
    for index in starters:
        stamp = lines[index].stamp
        assert stamp is not None
        own, own_line = stamp.day, lines[index]
        if own is None and index in date_above:
            own_line = date_above[index]
            own = own_line.mark.day if own_line.mark else None
        day = dates.resolve(own, own_line.number, own_line.text) if own and stamp.exact is None else None
        slots.append(tp.Slot(stamp.clock, zone_of[id(lines[index])], day, stamp.exact))
    try:
        moments, newest_first = tp.place_on_days(slots, first_day=anchors.first_day, fallback=fallback)
    except tp.NoDateError:
        raise no_date(ctx) from None

    region_starts = [position[id(date_above[i])] if i in date_above else i for i in starters]
    entries: list[Entry] = []
    for k, index in enumerate(starters):
        end = region_starts[k + 1] if k + 1 < len(starters) else len(lines)
        headline, body, captions = compose(lines[index + 1:end], take_headline=True)
        stamp = lines[index].stamp
        assert stamp is not None
        entries.append(Entry(moments[k], stamp.text, headline, body, captions, is_timed=stamp.has_clock,
                             raw_text=joined_raw(lines[region_starts[k]:end])))

    _, lead_body, lead_captions = compose(lead_lines, take_headline=False)
    published = anchors.published
    if title or lead_body or lead_captions:
        given = ""
        if published is not None and hints.published is None:
            given = next((line.stamp.text for line in layout.lead_meta
                          if line.stamp and line.stamp.kind == "published"), "")
        lead = Entry(published if published is not None else max(moments), given, title, lead_body,
                     lead_captions, is_lead=True, is_timed=published is not None,
                     raw_text=joined_raw(lines[:layout.lead_end]))
        entries.insert(0, lead)
    return ParsedBlog(title, tuple(entries), tuple(ctx.warnings), published, newest_first)


def _same_title(line: str, title: str) -> bool:
    a, b = normalise(line), normalise(title)
    return bool(a) and (a == b or b.startswith(a + " |") or b.startswith(a + " -"))


def _untimed(lines: list[Line], ctx: Context, title: str, published: datetime | None,
             first_day: Date | None, fallback: tp.Anchor | None) -> ParsedBlog:
    """A text with no time line: one untimed entry, at the publication time or 00:00 on its date."""
    if published is not None:
        moment = published
    else:
        day = first_day or (fallback.day if fallback else None)
        if day is None:
            raise no_date(ctx)
        moment = tp.local_instant(day, time(0, 0), ctx.tz or UTC)
    headline, body, captions = compose(lines, take_headline=True)
    ctx.warn(0, "no time lines: the whole text is kept as one untimed entry")
    entry = Entry(moment, "", headline, body, captions, is_timed=False, raw_text=joined_raw(lines))
    return ParsedBlog(title or headline, (entry,), tuple(ctx.warnings), published, True)

