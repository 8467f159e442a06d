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
   The saying is dated by an expression just after the verb and its object ("told reporters on
   Wednesday"), never by one that looks ahead; "according to" names its source after it.
4. Otherwise the nearest expression in the sentence, preferring one in the same clause. An expression
   governs the places of its own clause: a clause told in the present or present perfect ("Aleppo is
   quiet now", "Homs has reopened its markets") keeps the report time unless it has an expression of its
   own (or one fronted before it: "Over the weekend, ..."); neither another clause's expression, nor a
   subordinate phrase's ("is calm after the strikes on Monday"), nor an aside's ("Homs, shelled on
   Sunday, is calm now"), nor the headline's reaches it. What was said in the present is told as of a
   dated saying ("Homs has fallen, rebels said on Sunday").
   A date in passing that describes a thing ("the truce agreed on 10 October", "a bridge built in 1998")
   dates only the places inside that phrase.
5. Across sentences: a saying told twice by the same speaker takes the dated telling's time; a journey
   told again (a sentence of travel naming a place of a dated journey before it) takes the journey's.
6. A mention with no expression of its own takes the headline's ("What happened overnight"), unless the
   body dates the same place elsewhere (then the naming is of another event told without a time) and the
   naming does not look ahead to a coming event the headline announces; a headline
   mention with none takes the time the body gives the same place ("Convoy leaves X" / "left X on
   Friday morning"), or the report time when the opening sentence that shares the headline's words tells
   the place as now ("X without power" / "X is still without power"); a photo caption is one scene,
   dated by the narrowest time (a day at most) the body gives any of its places.

Coming events take their future time, marked expected: "will meet on Monday", "due on Saturday", a
timetable in the present ("meets in Vienna on Monday"), a headline with "to" and a verb ("X to host talks
on Monday"), and a possible event ("talks could restart on Tuesday", "may resume next week"), which the
keys' rules count as coming; "might have", "could hear" look back.

Expressions are found in `dashboard.events.patterns` and resolved to intervals in `dashboard.events.expressions`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo

from dashboard.events.clauses import (
    NOW,
    SAYING,
    Sentence,
    analyse,
    dates_saying,
    event_place,
    governing,
    split_sentences,
    tells_now,
)
from dashboard.events.expressions import Context, Interval, resolve, since_start
from dashboard.events.patterns import Found, find_expressions
from dashboard.events.tense import FUTURE, HEADLINE_FUTURE, SAYS
from dashboard.events.zones import place_zone
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


def _event(interval: Interval | None) -> EventTime | None:
    if interval is None:
        return None
    return EventTime(interval.start, interval.end, interval.precision, interval.words, interval.expected)


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
    for start, end, kind in parts:
        for s, e in split_sentences(text, start, end):
            sentences.append(analyse(text, s, e, found, kind))
    headline = next(((s, e) for s, e, kind in parts if kind == "headline"), None)

    # The time of what a speaker said, for a place named as the speaker ("X's council says three died
    # on Wednesday"): a headline reporting the same saying tells of what was said ("Three dead in X,
    # council says").
    said: dict[int, EventTime] = {}
    # Namings told as now: a headline's event is told in the opening's other namings ("Rebels seize X" /
    # "Rebels are in X after taking it on Sunday" does not make the seizing now).
    told_now: set[int] = set()

    def own(mention: Mention) -> EventTime | None:
        sentence = next((s for s in sentences if s.start <= mention.start < s.end), None)
        if sentence is None:
            return None
        chosen = governing(text, sentence, mention.start)
        if chosen is None:
            return None
        if chosen == NOW:  # told as now: no other clause's time, nor the headline's, reaches it
            told_now.add(id(mention))
            return report
        if chosen == SAYING:  # dated by the saying, which is the report
            content = governing(text, replace(sentence, verb=None), mention.start)
            if isinstance(content, tuple):
                told = resolved(mention, sentence, *content)
                if told is not None:
                    said[id(mention)] = told
            return report
        return resolved(mention, sentence, *chosen)

    def resolved(mention: Mention, sentence: Sentence, f: Found, future: bool) -> EventTime | None:
        f = since_start(text, f, mention.start)
        place = event_place(sentence, f, mention, mentions)
        ctx = Context(entry.time_utc, zone, future=future,
                      place_zone=place_zone(place.country_code, place.latitude, place.longitude) if place else None,
                      anchor=anchor(f))
        return _event(resolve(f, ctx))

    tenses = {id(f): future for s in sentences for f, future in s.expressions}

    def anchor(f: Found) -> date | None:
        """For "the day before", "two days later": the day the nearest expression before it tells (itself
        perhaps counted from the one before it: "two days later ... the following morning")."""
        if "anaph" not in f.groups:
            return None
        before = [g for g in found if g.end <= f.start]
        if not before:
            return None
        previous = before[-1]
        told = resolve(previous, Context(entry.time_utc, zone, future=tenses.get(id(previous), False),
                                         anchor=anchor(previous)))
        return None if told is None else told.start.astimezone(zone).date()

    headline_time = None
    headline_sentence = None if headline is None else next((s for s in sentences if s.start == headline[0]), None)
    head_found = [] if headline is None else [f for f in found if headline[0] <= f.start < headline[1]]
    if headline is not None and head_found:
        future = bool(FUTURE.search(text, headline[0], headline[1]) or HEADLINE_FUTURE.search(text, *headline))
        headline_time = _event(resolve(head_found[0], Context(entry.time_utc, zone, future=future)))
    body = next(((s, e) for s, e, kind in parts if kind == "body"), (0, 0))
    body_sentences = split_sentences(text, *body)
    lede = (body[0], body_sentences[min(1, len(body_sentences) - 1)][1]) if body_sentences else (0, 0)
    times = [own(m) for m in mentions]
    # The body's first sentence often names the headline's place by a common noun ("Homs falls" / "Rebels
    # took the city on Sunday"): when it names no place at all, its first expression dates the headline's.
    first_sentence_time = None
    opening = next((s for s in sentences if body[0] <= s.start < body[1]), None)
    if opening is not None and opening.expressions and not _mentions_in(mentions, opening.start, opening.end):
        f, future = opening.expressions[0]
        first_sentence_time = _event(resolve(f, Context(entry.time_utc, zone, future=future)))
    # Words of the places' names tie no sentence to the headline's event ("Talks between X and Y" / "Radio
    # in X reported ...").
    names = frozenset(w for m in mentions for w in _WORD.findall(m.text.lower()))
    headline_looks_ahead = headline is not None and bool(
        FUTURE.search(text, headline[0], headline[1]) or HEADLINE_FUTURE.search(text, *headline))
    opening_coming = None
    if opening is not None:
        coming = next((f for f, future in opening.expressions if future), None)
        opening_coming = None if coming is None else _event(resolve(coming, Context(entry.time_utc, zone, future=True)))
    body_sentences_analysed = [s for s in sentences if body[0] <= s.start < body[1]]
    _sayings_told_twice(text, body_sentences_analysed, mentions, times, entry.time_utc, zone)
    _journeys_told_again(text, body_sentences_analysed, mentions, times)
    body_dated = {_place_key(m) for m, t in zip(mentions, times, strict=True)
                  if t is not None and not t.is_report_time and body[0] <= m.start < body[1]}

    def _looks_ahead(mention: Mention) -> bool:
        sentence = next((s for s in sentences if s.start <= mention.start < s.end), None)
        return sentence is not None and bool(FUTURE.search(text, sentence.start, sentence.end))

    out = []
    for mention, time_ in zip(mentions, times, strict=True):
        in_headline = headline is not None and headline[0] <= mention.start < headline[1]
        if time_ is None and in_headline and not head_found:
            # A headline without a time of its own sums up the entry's opening (news puts the headline's
            # event in the first sentences): take the time the body's first two sentences give the same
            # place ("Convoy leaves X" / "A convoy left X on Friday morning").
            # A headline that reports a saying ("Three dead in X, council says") or shares the words of what
            # was said ("X: hospital shut" / "Doctors in X say the hospital closed on Sunday", "X to send
            # buses" / "X said it would send buses next week") tells what was said: the opening's
            # speaker "X's council" stands for the place of what it said. Headlines tell a saying in the
            # present ("says", "warns"); "Convoy reported near X" is passive.
            reported = headline_sentence is not None and headline_sentence.verb is not None and text[
                headline_sentence.verb[1]:headline_sentence.verb[2]].lower() in SAYS
            # The same place, perhaps named otherwise resolved ("X airport" in the headline, "the airport at
            # X" in the body).
            namings = [(m, t) for m, t in zip(mentions, times, strict=True)
                       if lede[0] <= m.start < lede[1] and _same_place(m, mention)]
            # When the opening names the place twice, once dated and once as now or undated ("Drones hit X's
            # grid on Tuesday. X is still without power." under "X without power"), the headline sums up
            # the sentence that shares its words.
            echoed = _echoed(text, headline, namings, sentences, names) if len(namings) > 1 else None
            if echoed is not None:
                namings = [echoed]
            elif namings and opening is not None and not opening.start <= namings[0][0].start < opening.end and (
                    _shared_words(text, headline, namings[0][0], sentences, names) == 0 and tells_now(text, opening)):
                # The headline sums up the opening sentence: when that sentence tells something as now and
                # does not name the place, a later naming in words that share none of the headline's
                # ("Crowds queue at X's border" / "Buses pulled in overnight, and the line now stretches for
                # miles. About 2,000 people crossed into X on Sunday") is told of another event there.
                namings = []
            shares = bool(namings) and _shared_words(text, headline, namings[0][0], sentences, names) > 0
            tells_said = reported or shares
            # A naming counted back from now ("Families are leaving X, nine days after fighting broke out in
            # Y") is the background of a sentence told as now, which the headline sums up.
            if namings and (id(namings[0][0]) in told_now or namings[0][1] is None
                            or _COUNTED_BACK.search(namings[0][1].words)):
                time_ = said.get(id(namings[0][0])) if tells_said else None
                time_ = time_ or report
            else:
                time_ = next((said.get(id(m), t) if tells_said else t for m, t in namings
                              if t is not None and id(m) not in told_now), None)
            if time_ is None and not namings and opening is not None:
                # A place the opening does not name, in a headline that shares the opening sentence's words,
                # is where that sentence's event happened ("Citizens leave through X" / "Its citizens left Y
                # by bus for X's capital yesterday"): the time the sentence gives its places.
                # "X to evacuate its citizens" / "A first group is due to leave Y on Wednesday": the coming
                # event the opening announces.
                # (Not when the sentence tells a place as now: its main event is now, and a dated place is
                # of a phrase within it, "X has fired missiles, a reply to the bombing of Y early on Sunday".)
                here = _mentions_in(mentions, opening.start, opening.end)
                told = [t for i in here if (t := times[i]) is not None and not t.is_report_time]
                if told and _shares_headline(text, headline, opening, names) and not any(
                        id(mentions[i]) in told_now for i in here):
                    time_ = told[0]
                elif headline_looks_ahead and _shares_headline(text, headline, opening, names):
                    time_ = opening_coming
            if time_ is None:
                time_ = first_sentence_time
        # The headline's time governs a body naming only when the body gives that place no time of its own
        # (then the naming is of another event, told without a time), or when the naming looks ahead to
        # the coming event the headline announces ("... is expected to attend").
        if time_ is None and headline_time is not None and not in_headline and not _in_caption(parts, mention) and (
                _place_key(mention) not in body_dated or (headline_time.expected and _looks_ahead(mention))):
            time_ = headline_time
        out.append(time_ or report)
    for start, end, kind in parts:
        if kind == "caption":
            _caption_scene(mentions, times, out, (start, end), body, headline_time or report)
    return out


_WORD = re.compile(r"[a-z]{4,}")
_COUNTED_BACK = re.compile(r"\s(?:after|since)$", re.IGNORECASE)
# Words that tie no two sentences to one event: reporting verbs and common small words.
_NOT_SHARED = frozenset({"said", "says", "told", "tells", "reported", "reports", "according", "with", "from", "that",
                         "this", "these", "those", "their", "they", "them", "there", "were", "have", "been", "will",
                         "would", "after", "before", "into", "over", "about", "more", "than", "some", "when", "what",
                         "which", "while", "also", "other", "between", "near", "across", "through", "against",
                         "during", "within", "without", "under", "where"})


def _same_place(a: Mention, b: Mention) -> bool:
    return _place_key(a) == _place_key(b) or a.text.casefold() == b.text.casefold()


def _shared_words(text: str, headline: tuple[int, int], mention: Mention, sentences: Sequence[Sentence],
                  names: frozenset[str]) -> int:
    """How many words (of four letters or more, places' names aside) the mention's sentence shares with the
    headline."""
    wanted = set(_WORD.findall(text[headline[0]:headline[1]].lower()))
    sentence = next((s for s in sentences if s.start <= mention.start < s.end), None)
    words = set(_WORD.findall(text[sentence.start:sentence.end].lower())) if sentence else set()
    return len(wanted & words - set(_WORD.findall(mention.text.lower())) - _NOT_SHARED - names)


def _shares_headline(text: str, headline: tuple[int, int], sentence: Sentence, names: frozenset[str]) -> bool:
    wanted = set(_WORD.findall(text[headline[0]:headline[1]].lower()))
    return bool(wanted & set(_WORD.findall(text[sentence.start:sentence.end].lower())) - _NOT_SHARED - names)


def _echoed(text: str, headline: tuple[int, int], namings: Sequence[tuple[Mention, EventTime | None]],
            sentences: Sequence[Sentence], names: frozenset[str]) -> tuple[Mention, EventTime | None] | None:
    """The one naming whose sentence shares the most words with the headline, if one does."""
    scored = [(_shared_words(text, headline, m, sentences, names), m, t) for m, t in namings]
    best = max(score for score, _, _ in scored)
    top = [(m, t) for score, m, t in scored if score == best]
    return top[0] if best > 0 and len(top) == 1 else None


# Words that stand before a speaker's name, or for no one in particular: not names that tie two sayings.
_NOT_NAMES = frozenset({"The", "Mr", "Mrs", "Ms", "Dr", "Sir", "President", "Prime", "Minister", "Foreign",
                        "Officials", "Official", "Sources", "Source", "Analysts", "Experts", "Witnesses", "Residents",
                        "Spokesman", "Spokeswoman", "Spokesperson", "She", "They", "But", "And", "His", "Her",
                        "Their", "Its", "This", "That", "According"})
_NAME = re.compile(r"\b[A-Z][\w'’-]{2,}")


def _mentions_in(mentions: Sequence[Mention], start: int, end: int) -> list[int]:
    return [i for i, m in enumerate(mentions) if start <= m.start < end]


def _sayings_told_twice(text: str, sentences: Sequence[Sentence], mentions: Sequence[Mention],
                        times: list[EventTime | None], report_utc: datetime, zone: tzinfo) -> None:
    """The same saying told twice, first in summary, then quoted with its time ("X will hold firm,
    Erdogan told Blinken." / '"We will hold firm," Mr Erdogan told Blinken late Thursday.'): a sentence
    whose reporting verb no expression dates, and that has no expression at all, takes the time of a
    saying by a speaker of the same name that an expression does date. `times` is updated in place."""
    dated: list[tuple[set[str], EventTime]] = []
    for sentence in sentences:
        if sentence.verb is None:
            continue
        for f, future in sentence.expressions:
            if not future and dates_saying(text, sentence.verb, f):
                when = _event(resolve(f, Context(report_utc, zone)))
                if when is not None:
                    dated.append((_speaker_names(text, sentence.verb), when))
                break
    if not dated:
        return
    for sentence in sentences:
        if sentence.verb is None or sentence.expressions:
            continue
        names = _speaker_names(text, sentence.verb)
        when = next((t for other, t in dated if names & other), None)
        if when is None:
            continue
        for i in _mentions_in(mentions, sentence.start, sentence.end):
            if times[i] is None:
                times[i] = when


def _speaker_names(text: str, verb: tuple[int, int, int]) -> set[str]:
    return {w for w in _NAME.findall(text, verb[0], verb[1]) if w not in _NOT_NAMES}


# A journey told again ("fled X on Sunday morning" ... "From X, he flew to Y and then to Z" ... "this was his
# second trip to Z"): a sentence with no time of its own that tells of travel and names a place of a dated
# journey told before in the entry is the same journey, and its places take that time. The speaker of a
# reporting verb is not part of it ("Officials in X said the convoy had left Y").
_JOURNEY = re.compile(
    r"\b(?:fle[de]|flees|fleeing|flew|flown|fly|flies|flying|flights?|left|leaves?|leaving|travel\w*|trips?"
    r"|journey\w*|visit\w*|drove|driven|arriv\w+|escap\w+|evacuat\w+|withdr\w+|head(?:ed|ing|s)?|return\w*"
    r"|went|gone|sail\w*|march\w*|deport\w*)\b", re.IGNORECASE)


def _journeys_told_again(text: str, sentences: Sequence[Sentence], mentions: Sequence[Mention],
                         times: list[EventTime | None]) -> None:
    journeys: dict[str, EventTime] = {}
    for sentence in sentences:
        if not _JOURNEY.search(text, sentence.start, sentence.end):
            continue
        here = _mentions_in(mentions, sentence.start, sentence.end)
        if sentence.verb is not None:
            subject = (sentence.verb[0], sentence.verb[1])
            here = [i for i in here if not subject[0] <= mentions[i].start < subject[1]]
        if not sentence.expressions:
            when = next((journeys[_place_key(mentions[i])] for i in here if _place_key(mentions[i]) in journeys),
                        None)
            if when is None:
                continue
            for i in here:
                if times[i] is None:
                    times[i] = when
        for i in here:
            t = times[i]
            if t is not None and not t.is_report_time and not t.expected:
                journeys.setdefault(_place_key(mentions[i]), t)


_SCENE_PRECISIONS = ("minute", "hour", "part of day", "day")


def _in_caption(parts: Sequence[tuple[int, int, str]], mention: Mention) -> bool:
    return any(kind == "caption" and start <= mention.start < end for start, end, kind in parts)


def _caption_scene(mentions: Sequence[Mention], own: Sequence[EventTime | None], out: list[EventTime],
                   caption: tuple[int, int], body: tuple[int, int], fallback: EventTime) -> None:
    """A photo caption shows one scene, mostly one the body tells ("Families arrive in X" under "families
    returned to X on Monday"). Its places without a time of their own take the scene's: the narrowest
    time, at most a day long, that the body gives the first naming of any of the caption's places (a
    photo is taken at one moment, so a span of years in the body is background, not the scene);
    otherwise the headline's time, else the report's. `out` is updated in place."""
    undated = [i for i, m in enumerate(mentions) if caption[0] <= m.start < caption[1] and own[i] is None]
    if not undated:
        return
    scene = []
    for i in undated:
        key = _place_key(mentions[i])
        first = next((j for j, m in enumerate(mentions) if body[0] <= m.start < body[1] and _place_key(m) == key),
                     None)
        if first is not None and out[first].precision in _SCENE_PRECISIONS:
            scene.append(out[first])
    chosen = min(scene, key=lambda t: t.end - t.start) if scene else fallback
    for i in undated:
        out[i] = chosen


def _place_key(mention: Mention) -> str:
    return mention.place.place_id if mention.place is not None else mention.text.casefold()
