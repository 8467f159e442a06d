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
   Friday morning"); a photo caption is one scene, dated by the narrowest time (a day at most) the body
   gives any of its places.

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
from functools import cache

from dashboard.events.expressions import Context, Interval, place_zone, resolve
from dashboard.events.patterns import Found, find_expressions
from dashboard.model import Entry
from gazetteer.places import Mention, Place

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


# A weekday or date is "future" when the clause around it speaks of what is to come.
_FUTURE = re.compile(
    r"\b(?:will|shall|'ll|due\s+(?:to|on|in|for|by)|set\s+for|slated|expected\s+to|is\s+to|are\s+to|set\s+to|scheduled|plans?\s+to|planned|planning"
    r"|going\s+to|would|next|coming|upcoming|tomorrow|to\s+be\s+held|intends?\s+to|hopes?\s+to|ahead\s+of"
    # A possible event is a coming one, as the keys' rules have it ("talks could start on Tuesday", "may
    # resume next week"): its future day, marked expected. "could have", "may have" look back, and "could
    # hear" or "could see" tells what was perceived; a capital "May" is the month.
    r"|(?:could|might|(?-i:may))(?:\s+(?:well|yet|still|soon|also|even))?\s+(?!have\b|not\s+have\b|hear\b|see\b"
    r"|feel\b|smell\b|only\b|be\s+(?:heard|seen|felt)\b)[a-z]+)\b",
    re.IGNORECASE)
# "could hear blasts on Tuesday": what was perceived, in the past.
_COULD_PERCEIVE = re.compile(r"\bcould(?:\s+not|n['’]t)?\s+(?:hear|see|feel|smell|only|be\s+(?:heard|seen|felt))\b",
                             re.IGNORECASE)
# A headline tells what is to come with "to" and a verb ("Cairo to host talks on Monday", "Talks to resume").
_HEADLINE_FUTURE = re.compile(
    r"\bto\s+(?:be\s+\w+|host|hold|meet|visit|begin|start|open|resume|reopen|restart|close|end|sign|vote|attend"
    r"|join|hear|decide|launch|face|speak|address|discuss|seek|receive|send|deliver|release|lift|impose|extend"
    r"|expire|convene|publish|unveil|announce|present|testify|hand|free|stay|remain|get|travel|fly|return|leave)\b",
    re.IGNORECASE)
_REPORTING = re.compile(
    r"\b(?:said|says|say|told|tells|tell|confirmed|confirms|announced|announces|reported|reports|added|adds"
    r"|stated|states|warned|warns|claimed|claims|insisted|insists|believes?|believed|according\s+to)\b",
    re.IGNORECASE)
# A clause told in the present ("Aleppo is quiet now") keeps to the report time: an expression in
# another clause of the sentence ("Rebels took Homs on Tuesday; ...") does not reach it.
_SAYS = frozenset({"says", "say", "tells", "tell", "confirms", "announces", "reports", "adds", "states", "warns",
                   "claims", "insists"})
_PRESENT = re.compile(r"\b(?:is|are|remains?|now|currently|at\s+present|continues?\s+to)\b", re.IGNORECASE)
_PAST = re.compile(
    r"\b(?:was|were|had|has|have|did|\w{3,}ed|said|met|went|came|took|held|left|fled|flew|fell|hit|struck|saw|began"
    r"|gave|made|told|spoke|ran|sent|got|won|lost|brought|built|drove|rode|broke|stood|sat|became|found|led|shot)\b",
    re.IGNORECASE)
# The present simple with a day names what is to come ("meets in Vienna on Monday", "the summit is on
# Saturday"): in a body clause with no verb in the past, a weekday or date looks ahead.
_PRESENT_SIMPLE = re.compile(
    r"\b(?:is|are|(?:meet|gather|hold|host|visit|travel|begin|start|open|resume|head|arrive|vote|speak|return|reopen"
    r"|close|end|expire|convene|attend|join|sign|leave|hear|rule|decide|face|play|mark|launch|unveil|publish)s?"
    r"|takes?\s+place|flies|fly|goes|go|gives?|addresses|address)\b", re.IGNORECASE)
_QUOTE = re.compile(r"[\"“”]")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’]?\s+(?=[\"'“‘(]?[A-Z0-9])|\n+")
_CLAUSE_BREAK = re.compile(r"\s*(?:[,;:()]|\s[-–—]\s)\s*")
_ASIDE_OPEN = re.compile(r"\s*(?:\(|\s[-–—]\s)\s*$")
_RELATIVE_START = re.compile(r"(?:who|whom|whose|which|where)\b", re.IGNORECASE)
# A relative pronoun inside a clause, after a noun: "which" and "who" always; "that" only before a verb
# ("a hospital that was bombed"), since "that" before a noun starts what was said or thought ("said
# that the city fell on Monday"); "so that", "now that" join clauses.
_RELATIVE_INSIDE = re.compile(
    r"(?<![,;:(])(?<!\bso)(?<!\bnow)(?<!\bsuch)\s(?:who|whom|whose|which|that(?=\s+(?:was|were|is|are|has|have|had|will"
    r"|would|could|can|may|might|\w{3,}ed|made|ran|held|took|hit|struck|saw|began|gave|sent|brought|built|led|houses"
    r"|lies|stands|runs|links)\b))\b", re.IGNORECASE)


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
    # A relative clause without commas ("the hospital that was bombed on Wednesday", "factories in X
    # which made parts until last month are ...") runs from its pronoun to the clause's end.
    split: list[tuple[int, int, bool]] = []
    for s, e in out:
        match = _RELATIVE_INSIDE.search(text, s, e)
        if match and match.start() > s:
            split += [(s, match.start(), False), (match.start() + 1, e, True)]
        else:
            split.append((s, e, False))
    # An aside keeps its expression to itself: a relative clause ("which ...", "who ...") or words set
    # off by dashes or brackets ("In X - taken during their 12-day offensive - crowds ...").
    marked = [(s, e, relative or bool(_RELATIVE_START.match(text, s) or _ASIDE_OPEN.search(text[max(0, s - 3):s])))
              for s, e, relative in split if e > s]
    return _subject_asides(text, marked)


# The start of a predicate: a finite verb, perhaps after an adverb ("..., is now calm", "..., still holds").
_FINITE_START = re.compile(
    r"\s*(?:(?:now|still|also|already|currently|today|again)\s+)?(?:is|are|was|were|has|have|had|remains?|stays?"
    r"|will|would|could|can|may|might|must|lies|sits|stands|looks|seems|appears|holds?)\b", re.IGNORECASE)


def _has_verb(words: str) -> bool:
    return bool(_any_verb().search(words))


@cache
def _any_verb() -> re.Pattern[str]:
    """One pattern for a verb of any tense (one search instead of five, on every clause)."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in (_PAST, _PRESENT, _PRESENT_SIMPLE, _FUTURE, _PERFECT)),
                      re.IGNORECASE)


def _subject_asides(text: str, clauses: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    """Subject, aside, predicate: "Homs, shelled on Sunday, is calm now", "Tartus, a port built in 1924, has
    reopened". Words between commas after a subject with no verb of its own, when a finite verb follows,
    describe the subject (a reduced relative clause or an apposition): they keep their expression to
    themselves, as a relative clause does."""
    out = list(clauses)
    for i in range(1, len(out) - 1):
        (a_start, a_end, a_rel), (b_start, b_end, _), (c_start, _, c_rel) = out[i - 1], out[i], out[i + 1]
        if a_rel or c_rel or _has_verb(text[a_start:a_end]) or not _FINITE_START.match(text, c_start):
            continue
        if text[a_end:b_start].strip() != ",":
            continue
        out[i] = (b_start, b_end, True)
    return out


@dataclass(frozen=True, slots=True)
class _Sentence:
    start: int
    end: int
    expressions: tuple[tuple[Found, bool], ...]  # with whether the clause around it speaks of the future
    clauses: tuple[tuple[int, int, bool], ...]
    verb: tuple[int, int, int] | None  # reporting verb: (start of its subject's clause, verb start, verb end)
    kind: str = "body"  # headline, body or caption


def _analyse(text: str, start: int, end: int, found: Sequence[Found], kind: str = "body") -> _Sentence:
    clauses = tuple(_clauses(text, start, end))
    inside = []
    for f in found:
        if start <= f.start < end:
            clause = next((c for c in clauses if c[0] <= f.start < c[1]), (start, end, False))
            # Tense is read in the clause and the words just before it ("are due to meet ... on Saturday"),
            # but not across a quotation's end: '"We will stay," he said on Monday' tells of Monday.
            look_back = max(start, clause[0] - 60)
            quotes = list(_QUOTE.finditer(text, look_back, f.start))
            window = text[quotes[-1].end() if quotes else look_back:f.end]
            # "a meeting for Saturday" looks ahead whatever the verb's tense.
            future = bool(_FUTURE.search(window)) or (f.groups.get("wdlead") or "").lower() == "for" or (
                kind == "headline" and bool(_HEADLINE_FUTURE.search(text, start, end)))
            if not future and kind == "body" and ("weekday" in f.groups or "date" in f.groups):
                own_clause = text[clause[0]:clause[1]]
                future = bool(_PRESENT_SIMPLE.search(own_clause)) and not _PAST.search(own_clause) and not (
                    _COULD_PERCEIVE.search(own_clause))
            inside.append((f, future))
    verb = None
    # A capitalised "States", "Reports" or "Claims" is a name ("the United States"), not a verb; only
    # "According to" starts a sentence.
    match = next((m for m in _REPORTING.finditer(text, start, end)
                  if not m.group(0)[0].isupper() or m.group(0).lower().startswith("according")), None)
    if match:
        clause = next((c for c in clauses if c[0] <= match.start() < c[1]), (start, end, False))
        verb = (_subject_start(text, clauses, clause, match.start()), match.start(), match.end())
        if match.group(0).lower().startswith("according"):
            # "According to officials in Beirut, ...": the source follows the words, up to the clause's end.
            verb = (match.end(), clause[1], clause[1])
    return _Sentence(start, end, tuple(inside), clauses, verb, kind)


def _subject_start(text: str, clauses: Sequence[tuple[int, int, bool]], clause: tuple[int, int, bool],
                   verb_start: int) -> int:
    """Where the subject of a reporting verb starts: its clause's start, or, when the verb opens its clause
    after a name or title set off by commas ("X's minister, Jane Doe, said ..."), the clause before that."""
    at = clauses.index(clause) if clause in clauses else -1
    if at < 2 or text[clause[0]:verb_start].strip():
        return clause[0]
    apposition = clauses[at - 1]
    words = text[apposition[0]:apposition[1]]
    # A quotation before the verb is what was said ('"We stay," said the envoy'), not its subject.
    if len(words.split()) > 6 or _PAST.search(words) or _PRESENT.search(words) or _QUOTE.search(
            text, clauses[at - 2][0], apposition[1]):
        return clause[0]
    return clauses[at - 2][0]


def _event_place(sentence: _Sentence, f: Found, mention: Mention, mentions: Sequence[Mention]) -> Place | None:
    """Where "local time" is local: the place named nearest the expression in its clause, else in its
    sentence ("Drones from Russia hit Odesa at 2am local time" is Odesa's 2am for both places); for
    "X time", the place X."""
    clause = next((c for c in sentence.clauses if c[0] <= f.start < c[1]), (sentence.start, sentence.end, False))
    nearby = [m for m in mentions if m.place is not None and sentence.start <= m.start < sentence.end]
    if not nearby or "clockzone" not in f.groups:
        return mention.place
    if f.groups.get("zoneplace"):  # "11pm Washington time": the place the expression names
        named = [m for m in nearby if f.start <= m.start < f.end]
        return named[0].place if named else None
    best = min(nearby, key=lambda m: (not clause[0] <= m.start < clause[1], abs(m.start - f.start)))
    return best.place


_SAYING = "saying"  # the mention is the subject of a reporting verb that no expression dates


def _dates_saying(text: str, verb: tuple[int, int, int], f: Found) -> bool:
    """Whether `f` tells when the saying was: just after the verb and its object, before what was said
    ("told reporters on Wednesday that ..."), or before the verb in its subject's clause."""
    subject_start, verb_start, verb_end = verb
    if subject_start <= f.start < verb_start:
        return True
    between = text[verb_end:f.start]
    # The object is a few words with no verb of its own ("reporters", "the US envoy", "in a statement");
    # a verb there starts what was said ("says Moscow launched drones overnight").
    return f.start >= verb_end and len(between.split()) <= 5 and not _PAST.search(between) and not (
        _FUTURE.search(between) or re.search(r"[,;:\"“”]|\b(?:that|how|whether|if|what|when|where|why)\b", between,
                                              re.IGNORECASE))


_CONTRAST = re.compile(r"\b(?:but|while|whereas|although|though|yet)\b", re.IGNORECASE)


def _present_clause(text: str, clause: tuple[int, int, bool], position: int) -> bool:
    """Whether the part of the clause around `position` (split at "but", "while"...) is told in the present."""
    start, end = clause[0], clause[1]
    for match in _CONTRAST.finditer(text, start, end):
        if match.start() <= position:
            start = match.end()
        else:
            end = match.start()
            break
    words = text[start:end]
    return bool(_PRESENT.search(words)) and not _PAST.search(words) and not _FUTURE.search(words)


# Words that open a clause or phrase of their own within a stretch without commas: a contrast ("but",
# "while") or a subordinate clause or phrase ("after the strikes on Monday", "since the truce agreed on 10
# October"). "since Monday" and "shortly after midnight" are expressions themselves, not openers.
# "and" opens a clause of its own before a finite verb ("rebels took Homs on Tuesday and are now in Aleppo").
_OPENER = re.compile(r"\b(?:but|while|whereas|although|though|yet|after|since|following|despite|before|until|when"
                     r"|because|once|and(?=\s+(?:(?:now|still|also|already)\s+)?(?:is|are|has|have|remains?|stays?)\b))\b",
                     re.IGNORECASE)
# A date in passing that describes a thing, not the event: a noun with a past participle and the
# expression after it ("the truce agreed on 10 October", "a bridge built in 1998"), when a finite verb
# follows ("... still holds in Homs") or a preposition stands before it ("despite the truce agreed on ...").
_ATTRIBUTIVE = re.compile(
    r"\b(?:the|a|an|this|that|its|their|his|her)\s+(?:[\w-]+\s+){0,2}?(?:\w{3,}ed|built|made|held|signed|drawn"
    r"|begun|shown|known|taken|given|seen|broken|struck|set|laid|brought|fought|written|won)\s+"
    r"(?=(?:on|in|at|during|by|last|earlier|since|back|late|early)\b)", re.IGNORECASE)
# (Not "after" or "since": "after the road opened on Monday" is a clause of its own, with a finite verb.)
_PREPOSITION_BEFORE = re.compile(r"\b(?:despite|under|of|with|against|for|than|like|to|into|about|over)\s+$",
                                 re.IGNORECASE)
_OF_BEFORE = re.compile(r"\b(?:of|despite)\s*$", re.IGNORECASE)
_STILL = re.compile(r"\s*\bstill\s+\w+s\b", re.IGNORECASE)
# The present perfect tells of now ("Aleppo has been quiet", "Homs has reopened its markets").
_PERFECT = re.compile(
    r"\b(?:has|have|['’]ve|['’]s(?=\s+been))\s+(?:(?:not|never|now|already|also|still|just|long|recently|\w+ly)\s+)*"
    r"(?:been\s+(?:(?:\w+ly|not|never)\s+)?)?[\w-]+", re.IGNORECASE)
_FILLER = re.compile(r"\b(?:and|but|then|so|also|only|even|just|until|by|from|again)\b|[^\w]+", re.IGNORECASE)
_NOW = "now"  # the mention's own clause is told in the present or present perfect and has no expression


def _part(text: str, sentence: _Sentence, clause: tuple[int, int, bool], position: int) -> tuple[int, int]:
    """The stretch of `clause` around `position` between openers ("but", "after", "since"...)."""
    start, end = clause[0], clause[1]
    for match in _OPENER.finditer(text, start, end):
        if any(f.start <= match.start() < f.end for f, _ in sentence.expressions):
            continue
        if match.start() <= position:
            start = match.end()
        else:
            end = match.start()
            break
    return start, end


def _tense_region(text: str, sentence: _Sentence, clause: tuple[int, int, bool],
                  part: tuple[int, int]) -> tuple[int, int]:
    """Where the verb that tells of the mention's event is: its own part, or, for a subject or a fronted
    phrase with no verb ("In Odesa, residents are sheltering", "Homs, shelled on Sunday, is calm"), the
    first part of the next clause that is no aside, else the last part of the clause before."""
    if _has_verb(text[part[0]:part[1]]):
        return part
    at = sentence.clauses.index(clause)
    for c in sentence.clauses[at + 1:]:
        if not c[2]:
            return _part(text, sentence, c, c[0])
    for c in reversed(sentence.clauses[:at]):
        if not c[2]:
            return _part(text, sentence, c, c[1] - 1)
    return part


# Verbs of a state that holds now ("fighting continues in X", "the city lies in ruins").
_GOES_ON = re.compile(r"\b(?:continues|rages|persists|stays|lies\s+in|goes\s+on|drags\s+on)\b", re.IGNORECASE)


def _now(words: str, headline: bool = False) -> bool:
    """Told in the present or the present perfect, with nothing in the past or to come. A headline tells
    past events in the present perfect and the simple present ("Rebels have taken X", "Envoy holds talks
    in X", "Fighting rages in X"): there only "is", "are", "remains", "now" tell of now."""
    if headline:
        return bool(_PRESENT.search(words)) and not _PAST.search(words) and not _FUTURE.search(words)
    rest = _PERFECT.sub(" ", words)
    present = rest != words or bool(_PRESENT.search(rest) or _STILL.search(rest) or _GOES_ON.search(rest))
    return present and not _PAST.search(rest) and not _FUTURE.search(words)


def _attributive(text: str, clause: tuple[int, int, bool], f: Found) -> tuple[int, int] | None:
    """The span of a noun and its participle that `f` dates ("the truce agreed on 10 October"), or of a
    noun that a possessive time names after "of" ("the victims of Tuesday's strike"), if so."""
    if text[f.end:f.end + 2] in ("'s", "’s") and _OF_BEFORE.search(text, clause[0], f.start):
        return f.start, clause[1]
    head = None
    for match in _ATTRIBUTIVE.finditer(text, clause[0], f.end):
        if match.end() > f.start:
            break
        between = text[match.end():f.start]
        if len(between.split()) <= 5 and not _has_verb(between) and not re.search(r"[,;:]", between):
            head = match
    if head is None:
        return None
    follows = f.end < clause[1] and bool(_FINITE_START.match(text, f.end) or _STILL.match(text, f.end))
    if follows or _PREPOSITION_BEFORE.search(text, clause[0], head.start()):
        return head.start(), f.end
    return None


def _blank(text: str, start: int, end: int, spans: Sequence[tuple[int, int]]) -> str:
    words = text[start:end]
    for s, e in spans:
        if start <= s < end:
            words = words[:s - start] + " " * (min(e, end) - s) + words[min(e, end) - start:]
    return words


def _fronted(text: str, f_clause: tuple[int, int, bool] | None, f: Found, clause: tuple[int, int, bool]) -> bool:
    """A clause that is only the expression, before the mention's ("Over the weekend, rebels have taken Homs")."""
    if f_clause is None or f_clause[2] or f_clause[1] > clause[0]:
        return False
    rest = text[f_clause[0]:f.start] + text[f.end:f_clause[1]]
    return not _FILLER.sub("", rest).strip()


def _clause_of(sentence: _Sentence, position: int) -> tuple[int, int, bool]:
    return next((c for c in sentence.clauses if c[0] <= position < c[1]), (sentence.start, sentence.end, False))


def _clause_before(sentence: _Sentence, clause: tuple[int, int, bool]) -> tuple[int, int, bool] | None:
    at = sentence.clauses.index(clause)
    return sentence.clauses[at - 1] if at > 0 else None


def _governing(text: str, sentence: _Sentence, position: int) -> tuple[Found, bool] | str | None:
    """The expression that governs a mention at `position` in `sentence`, with its tense; `_SAYING`
    when the mention is the undated subject of a reporting verb; `_NOW` when the mention's own clause
    is told in the present or present perfect and has no expression of its own; None when nothing
    governs it."""
    clause = next((c for c in sentence.clauses if c[0] <= position < c[1]), None)
    now, present, own, attributive = False, False, [], []
    if clause is not None and sentence.kind == "caption":
        # A photo caption tells the scene in the present ("A family unloads a van in Homs"): its tense is
        # the photo's, not the report's, so it is dated as a scene (`_caption_scene`).
        present = _present_clause(text, clause, position)
    elif clause is not None:
        # Moved report-time pairs: an expression governs the places of its own clause. A clause told in
        # the present or present perfect ("X, which was shelled on Sunday, is now calm", "Aleppo is calm
        # after the strikes on Monday", "...; Aleppo has been quiet") is not reached by the expression of
        # another clause, of a subordinate phrase or of an aside.
        part = _part(text, sentence, clause, position)
        region = _tense_region(text, sentence, clause, part)
        attributive = [span for f, _ in sentence.expressions
                       if (span := _attributive(text, _clause_of(sentence, f.start), f)) is not None
                       and not span[0] <= position < span[1]]
        now = _now(_blank(text, *region, attributive), headline=sentence.kind == "headline")
        own = [part, region]
    candidates = []
    saying = False
    for f, future in sentence.expressions:
        f_clause = next((c for c in sentence.clauses if c[0] <= f.start < c[1]), None)
        # A relative clause keeps its expression to itself.
        if f_clause is not None and f_clause[2] and f_clause != clause:
            continue
        if present and f_clause != clause:
            continue
        mention_is_subject = dates_saying = False
        if sentence.verb is not None:
            subject_start, verb_start, _ = sentence.verb
            mention_is_subject = subject_start <= position < verb_start
            # A saying is told after it happened: an expression that looks ahead is about what was said.
            dates_saying = not future and _dates_saying(text, sentence.verb, f)
        if any(a[0] <= f.start < a[1] for a in attributive):
            continue  # it dates a thing named in passing, not the event
        if now and not any(r[0] <= f.start < r[1] for r in own) and not _fronted(text, f_clause, f, clause) and not (
                dates_saying and not mention_is_subject):
            # What was said in the present is told as of the saying ("Homs has fallen, rebels said on Sunday").
            continue
        # The subject of "said" is dated only by an expression about the saying, and what is said is not
        # dated by the saying's own expression if it has one of its own.
        if sentence.verb is not None and mention_is_subject and not dates_saying:
            saying = True
            continue
        # A fronted expression set off by a comma ("On Sunday, rebels entered X, and by Monday ...") belongs to
        # the clause right after it.
        same_clause = clause is not None and (f_clause == clause or (
            _fronted(text, f_clause, f, clause) and _clause_before(sentence, clause) == f_clause))
        candidates.append((not same_clause, abs(f.start - position), f, future))
    if not candidates:
        return _SAYING if saying else (_NOW if now else None)
    _, _, f, future = min(candidates, key=lambda c: (c[0], c[1]))
    if now and not future and _CURRENT.fullmatch(" ".join(f.words.lower().split())) and not _PERFECT.search(
            text, *own[1]):
        # A state told in the present in the current period ("Homs is quiet this morning", "Kyiv is without
        # power today") holds now: the report time, not the whole morning or day.
        return _NOW
    return f, future


# Periods that hold the report: a present state in them is told as now.
_CURRENT = re.compile(r"(?:today|this\s+(?:morning|afternoon|evening|week|month|year)|tonight|now)")


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
        for s, e in _sentences(text, start, end):
            sentences.append(_analyse(text, s, e, found, kind))
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
        chosen = _governing(text, sentence, mention.start)
        if chosen is None:
            return None
        if chosen == _NOW:  # told as now: no other clause's time, nor the headline's, reaches it
            told_now.add(id(mention))
            return report
        if chosen == _SAYING:  # dated by the saying, which is the report
            content = _governing(text, replace(sentence, verb=None), mention.start)
            if isinstance(content, tuple):
                told = resolved(mention, sentence, *content)
                if told is not None:
                    said[id(mention)] = told
            return report
        return resolved(mention, sentence, *chosen)

    def resolved(mention: Mention, sentence: _Sentence, f: Found, future: bool) -> EventTime | None:
        place = _event_place(sentence, f, mention, mentions)
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
        future = bool(_FUTURE.search(text, headline[0], headline[1]) or _HEADLINE_FUTURE.search(text, *headline))
        headline_time = _event(resolve(head_found[0], Context(entry.time_utc, zone, future=future)))
    body = next(((s, e) for s, e, kind in parts if kind == "body"), (0, 0))
    body_sentences = _sentences(text, *body)
    lede = (body[0], body_sentences[min(1, len(body_sentences) - 1)][1]) if body_sentences else (0, 0)
    times = [own(m) for m in mentions]
    # The body's first sentence often names the headline's place by a common noun ("Homs falls" / "Rebels
    # took the city on Sunday"): when it names no place at all, its first expression dates the headline's.
    first_sentence_time = None
    opening = next((s for s in sentences if body[0] <= s.start < body[1]), None)
    if opening is not None and opening.expressions and not _mentions_in(mentions, opening.start, opening.end):
        f, future = opening.expressions[0]
        first_sentence_time = _event(resolve(f, Context(entry.time_utc, zone, future=future)))
    body_sentences_analysed = [s for s in sentences if body[0] <= s.start < body[1]]
    _sayings_told_twice(text, body_sentences_analysed, mentions, times, entry.time_utc, zone)
    _journeys_told_again(text, body_sentences_analysed, mentions, times)
    body_dated = {_place_key(m) for m, t in zip(mentions, times, strict=True)
                  if t is not None and not t.is_report_time and body[0] <= m.start < body[1]}

    def _looks_ahead(mention: Mention) -> bool:
        sentence = next((s for s in sentences if s.start <= mention.start < s.end), None)
        return sentence is not None and bool(_FUTURE.search(text, sentence.start, sentence.end))

    out = []
    for mention, time_ in zip(mentions, times, strict=True):
        in_headline = headline is not None and headline[0] <= mention.start < headline[1]
        if time_ is None and in_headline and not head_found:
            # A headline without a time of its own sums up the entry's opening (news puts the headline's
            # event in the first sentences): take the time the body's first two sentences give the same
            # place ("Convoy leaves X" / "A convoy left X on Friday morning").
            key = _place_key(mention)
            # A headline that reports a saying ("Three dead in X, council says") tells what was said: the
            # opening's speaker "X's council" stands for the place of what it said.
            # Headlines tell a saying in the present ("says", "warns"); "Convoy reported near X" is passive.
            reported = headline_sentence is not None and headline_sentence.verb is not None and text[
                headline_sentence.verb[1]:headline_sentence.verb[2]].lower() in _SAYS
            time_ = next((said.get(id(m), t) if reported else t for m, t in zip(mentions, times, strict=True)
                          if t is not None and id(m) not in told_now and lede[0] <= m.start < lede[1]
                          and _place_key(m) == key), None)
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


# Words that stand before a speaker's name, or for no one in particular: not names that tie two sayings.
_NOT_NAMES = frozenset({"The", "Mr", "Mrs", "Ms", "Dr", "Sir", "President", "Prime", "Minister", "Foreign",
                        "Officials", "Official", "Sources", "Source", "Analysts", "Experts", "Witnesses", "Residents",
                        "Spokesman", "Spokeswoman", "Spokesperson", "She", "They", "But", "And", "His", "Her",
                        "Their", "Its", "This", "That", "According"})
_NAME = re.compile(r"\b[A-Z][\w'’-]{2,}")


def _mentions_in(mentions: Sequence[Mention], start: int, end: int) -> list[int]:
    return [i for i, m in enumerate(mentions) if start <= m.start < end]


def _sayings_told_twice(text: str, sentences: Sequence[_Sentence], mentions: Sequence[Mention],
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
            if not future and _dates_saying(text, sentence.verb, f):
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


def _journeys_told_again(text: str, sentences: Sequence[_Sentence], mentions: Sequence[Mention],
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
