"""Which time expression governs each place an entry names, within one sentence.

A sentence is split into clauses (at commas, semicolons, dashes, brackets, and before a relative pronoun),
each clause into parts (at "but", "after", "since"... and "and" before a finite verb), and the tense of
the part around a place is read: an expression governs the places of its own clause, and a clause told
in the present or present perfect with no expression of its own stays at the report time (`NOW`). The
rules are listed in `dashboard.events.eventtime`, which applies them across the sentences of an entry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from dashboard.events.patterns import Found
from dashboard.events.tense import (
    COULD_PERCEIVE,
    FUTURE,
    HEADLINE_FUTURE,
    PAST,
    PRESENT,
    PRESENT_SIMPLE,
    REPORTING,
    SPEECH_ACT,
    looks_ahead,
)
from gazetteer.places import Mention, Place

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
    r"|left|fled|flew|fell|went|came|drove|rode|broke|shot|got|won|lost"
    r"|lies|stands|runs|links)\b))\b", re.IGNORECASE)


# The main clause's finite verb after a relative clause without commas (not one joined by "and"/"or",
# which goes on the relative clause: "that was shelled and has closed").
_MAIN_VERB_RESUMES = re.compile(r"(?<!\band)(?<!\bor)\s(?:is|are|was|were|has|have|had|remains?|will)\s",
                                re.IGNORECASE)


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
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
            # ...unless the main clause's verb comes back after the relative clause's own ("the convoy that
            # left X on Sunday has arrived in Y": Y is told by "has arrived", not by "left ... on Sunday").
            own_verb = _any_verb().search(text, match.end(), e)
            resumed = _MAIN_VERB_RESUMES.search(text, own_verb.end(), e) if own_verb else None
            if resumed:
                split += [(s, match.start(), False), (match.start() + 1, resumed.start(), True),
                          (resumed.start() + 1, e, False)]
            else:
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
    return re.compile("|".join(f"(?:{p.pattern})" for p in (PAST, PRESENT, PRESENT_SIMPLE, FUTURE, _PERFECT)),
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
class Sentence:
    start: int
    end: int
    expressions: tuple[tuple[Found, bool], ...]  # with whether the clause around it speaks of the future
    clauses: tuple[tuple[int, int, bool], ...]
    verb: tuple[int, int, int] | None  # reporting verb: (start of its subject's clause, verb start, verb end)
    kind: str = "body"  # headline, body or caption


def analyse(text: str, start: int, end: int, found: Sequence[Found], kind: str = "body") -> Sentence:
    clauses = tuple(_clauses(text, start, end))
    inside = []
    for f in found:
        if start <= f.start < end and not ("agoafter" in f.groups and not _counted_from_now(text, start, end, f)):
            clause = next((c for c in clauses if c[0] <= f.start < c[1]), (start, end, False))
            # Tense is read in the clause and the words just before it ("are due to meet ... on Saturday"),
            # but not across a quotation's end: '"We will stay," he said on Monday' tells of Monday.
            look_back = max(start, clause[0] - 60)
            quotes = list(_QUOTE.finditer(text, look_back, f.start))
            window = text[quotes[-1].end() if quotes else look_back:f.end]
            # "a meeting for Saturday" looks ahead whatever the verb's tense.
            at = f.end - len(window)
            future = looks_ahead(window, clause[0] - at, f.start - at) or (
                f.groups.get("wdlead") or "").lower() == "for" or (
                kind == "headline" and bool(HEADLINE_FUTURE.search(text, start, end)))
            if not future and kind == "body" and ("weekday" in f.groups or "date" in f.groups):
                own_clause = text[clause[0]:clause[1]]
                future = bool(PRESENT_SIMPLE.search(own_clause)) and not PAST.search(own_clause) and not (
                    COULD_PERCEIVE.search(own_clause))
            inside.append((f, future))
    verb = None
    # A capitalised "States", "Reports" or "Claims" is a name ("the United States"), not a verb; only
    # "According to" starts a sentence.
    match = next((m for m in REPORTING.finditer(text, start, end)
                  if not m.group(0)[0].isupper() or m.group(0).lower().startswith("according")), None)
    if match is None:
        # An offer or a pledge is a saying too, when no verb of saying tells the sentence: "X has offered to
        # host talks next week" dates the talks, while X's offer is the report's.
        match = next((m for m in SPEECH_ACT.finditer(text, start, end) if not m.group(0)[0].isupper()), None)
    if match:
        clause = next((c for c in clauses if c[0] <= match.start() < c[1]), (start, end, False))
        verb = (_subject_start(text, clauses, clause, match.start()), match.start(), match.end())
        if match.group(0).lower().startswith("according"):
            # "According to officials in Beirut, ...": the source follows the words, up to the clause's end.
            verb = (match.end(), clause[1], clause[1])
    return Sentence(start, end, tuple(inside), clauses, verb, kind)


def _counted_from_now(text: str, start: int, end: int, f: Found) -> bool:
    """Whether "nine days after X" counts back from the report: the rest of its sentence is told as now
    ("Families are leaving, nine days after fighting broke out"), not in the past ("Rebels took Homs two
    days after Aleppo fell", counted from the fall)."""
    rest = text[start:f.end - len(f.words)]  # before its count ("nine days")
    if not rest.strip(" ,"):  # fronted: "Nine days after the truce, X is calm" is told by what follows it
        comma = text.find(",", f.end, end)
        rest = text[comma + 1:end] if comma >= 0 else ""
    return bool(rest.strip()) and _now(rest)


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
    if len(words.split()) > 6 or PAST.search(words) or PRESENT.search(words) or _QUOTE.search(
            text, clauses[at - 2][0], apposition[1]):
        return clause[0]
    return clauses[at - 2][0]


def event_place(sentence: Sentence, f: Found, mention: Mention, mentions: Sequence[Mention]) -> Place | None:
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


SAYING = "saying"  # the mention is the subject of a reporting verb that no expression dates


def dates_saying(text: str, verb: tuple[int, int, int], f: Found) -> bool:
    """Whether `f` tells when the saying was: just after the verb and its object, before what was said
    ("told reporters on Wednesday that ..."), or before the verb in its subject's clause."""
    subject_start, verb_start, verb_end = verb
    if subject_start <= f.start < verb_start:
        return True
    between = text[verb_end:f.start]
    # The object is a few words with no verb of its own ("reporters", "the US envoy", "in a statement");
    # a verb there starts what was said ("says Moscow launched drones overnight").
    return f.start >= verb_end and len(between.split()) <= 5 and not PAST.search(between) and not (
        FUTURE.search(between) or re.search(r"[,;:\"“”]|\b(?:that|how|whether|if|what|when|where|why)\b", between,
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
    return bool(PRESENT.search(words)) and not PAST.search(words) and not FUTURE.search(words)


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
NOW = "now"  # the mention's own clause is told in the present or present perfect and has no expression


def _part(text: str, sentence: Sentence, clause: tuple[int, int, bool], position: int) -> tuple[int, int]:
    """The stretch of `clause` around `position` between openers ("but", "after", "since"...)."""
    start, end = clause[0], clause[1]
    for match in _OPENER.finditer(text, start, end):
        # "since Monday" is an expression, not an opener; "nine days after X" opens a clause at "after".
        if any(f.start <= match.start() < f.end and not (f.start == match.start() and "agoafter" in f.groups)
               for f, _ in sentence.expressions):
            continue
        if match.start() <= position:
            start = match.end()
        else:
            end = match.start()
            break
    return start, end


# The start of an apposition: a noun phrase set off by a comma after the noun it names.
_APPOSITION = re.compile(r"(?:the|a|an|its|their|his|her|one\s+of)\s", re.IGNORECASE)


def _tense_region(text: str, sentence: Sentence, clause: tuple[int, int, bool],
                  part: tuple[int, int]) -> tuple[int, int]:
    """Where the verb that tells of the mention's event is: its own part, or, for a subject or a fronted
    phrase with no verb ("In Odesa, residents are sheltering", "Homs, shelled on Sunday, is calm"), the
    first part of the next clause that is no aside, else the last part of the clause before."""
    if _has_verb(text[part[0]:part[1]]):
        return part
    at = sentence.clauses.index(clause)
    # An apposition after a told clause ("Rebels have shelled the airport, the main hub in X, calling it
    # ...") names more of that clause's object: its verb is the clause before, not the phrase after.
    if at > 0 and _APPOSITION.match(text, clause[0]):
        before = sentence.clauses[at - 1]
        if not before[2] and _has_verb(text[before[0]:before[1]]):
            return _part(text, sentence, before, before[1] - 1)
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
    # "next", "coming" before a noun name a thing to come ("waiting for the next sailing"), not the verb's
    # tense; "next week" is an expression of its own, which governs its clause anyway.
    verbs = _NEXT_THING.sub(" ", words)
    if headline:
        return bool(PRESENT.search(words)) and not PAST.search(words) and not FUTURE.search(verbs)
    rest = _PERFECT.sub(" ", words)
    present = rest != words or bool(PRESENT.search(rest) or _STILL.search(rest) or _GOES_ON.search(rest))
    return present and not PAST.search(rest) and not FUTURE.search(verbs)


_NEXT_THING = re.compile(r"\b(?:the|a|an|its|their|his|her)\s+(?:next|coming|upcoming)\b", re.IGNORECASE)


def tells_now(text: str, sentence: Sentence) -> bool:
    """Whether a part of the sentence is told in the present ("..., and drivers say the queue now runs for
    miles")."""
    return any(_now(text[s:e]) for c in sentence.clauses for s, e in _parts_of(text, sentence, c))


def _parts_of(text: str, sentence: Sentence, clause: tuple[int, int, bool]) -> list[tuple[int, int]]:
    out, at = [], clause[0]
    while at < clause[1]:
        part = _part(text, sentence, clause, at)
        out.append(part)
        at = max(part[1], at) + 1
    return out


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


def _clause_of(sentence: Sentence, position: int) -> tuple[int, int, bool]:
    return next((c for c in sentence.clauses if c[0] <= position < c[1]), (sentence.start, sentence.end, False))


def _clause_before(sentence: Sentence, clause: tuple[int, int, bool]) -> tuple[int, int, bool] | None:
    at = sentence.clauses.index(clause)
    return sentence.clauses[at - 1] if at > 0 else None


def governing(text: str, sentence: Sentence, position: int) -> tuple[Found, bool] | str | None:
    """The expression that governs a mention at `position` in `sentence`, with its tense; `SAYING`
    when the mention is the undated subject of a reporting verb; `NOW` when the mention's own clause
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
    # The subject of a headline's "says" is dated by the saying, the report, even with no expression in the
    # headline ("Egypt says a diplomat was killed": the saying is now, whatever the time of what was said).
    verb = sentence.verb
    saying = sentence.kind == "headline" and verb is not None and verb[0] <= position < verb[1]
    # The subject of an offer or a pledge in its own clause ("X has offered to host talks next week, a diplomat
    # says") is dated by the act, not by the time of what is offered.
    act = None if clause is None else SPEECH_ACT.search(text, clause[0], clause[1])
    if act is not None and not (clause[0] <= position < act.start()):
        act = None
    for f, future in sentence.expressions:
        if act is not None and f.start >= act.end():
            saying = True
            continue
        f_clause = next((c for c in sentence.clauses if c[0] <= f.start < c[1]), None)
        # A relative clause keeps its expression to itself.
        if f_clause is not None and f_clause[2] and f_clause != clause:
            continue
        if present and f_clause != clause:
            continue
        mention_is_subject = about_saying = False
        if sentence.verb is not None:
            subject_start, verb_start, _ = sentence.verb
            mention_is_subject = subject_start <= position < verb_start
            # A saying is told after it happened: an expression that looks ahead is about what was said.
            about_saying = not future and dates_saying(text, sentence.verb, f)
        if any(a[0] <= f.start < a[1] for a in attributive):
            continue  # it dates a thing named in passing, not the event
        # A clause told as now is reached only by its own expression, a fronted one ("Over the weekend,
        # rebels have taken X"), or one that dates the saying of what it tells ("X has fallen, rebels said
        # on Sunday": what was said in the present is told as of the saying).
        if now and not any(r[0] <= f.start < r[1] for r in own) and not _fronted(text, f_clause, f, clause) and not (
                about_saying and not mention_is_subject):
            continue
        # The subject of "said" is dated only by an expression about the saying, and what is said is not
        # dated by the saying's own expression if it has one of its own.
        if sentence.verb is not None and mention_is_subject and not about_saying:
            saying = True
            continue
        # A fronted expression set off by a comma ("On Sunday, rebels entered X, and by Monday ...") belongs to
        # the clause right after it.
        same_clause = clause is not None and (f_clause == clause or (
            _fronted(text, f_clause, f, clause) and _clause_before(sentence, clause) == f_clause))
        candidates.append((not same_clause, abs(f.start - position), f, future))
    if not candidates:
        return SAYING if saying else (NOW if now else None)
    _, _, f, future = min(candidates, key=lambda c: (c[0], c[1]))
    if now and not future and _CURRENT.fullmatch(" ".join(f.words.lower().split())) and not _PERFECT.search(
            text, *own[1]):
        # A state told in the present in the current period ("Homs is quiet this morning", "Kyiv is without
        # power today") holds now: the report time, not the whole morning or day.
        return NOW
    return f, future


# Periods that hold the report: a present state in them is told as now.
_CURRENT = re.compile(r"(?:today|this\s+(?:morning|afternoon|evening|week|month|year)|tonight|now)")

