"""Movements between two named places ("from X to Y", "left X for Y", "flew from X to Y and then to Z").

A path needs both ends named as resolved places in one sentence: an origin marked as such ("from X",
"left X", "fled X", "X towards Y") and a destination after a word of direction ("to", "towards",
"into", "for" after a verb of leaving). "to" counts only where something moves: after an origin
("from X to Y") or a verb of movement ("flew to Y"). Not paths: a road or line named by its ends ("the
road from X to Y", "the X to Y highway"), a border "between X and Y", a person's origin ("a man from
X's old town"), and an adjective made from a place ("Moscow-controlled", "US-backed").

Coordinated destinations ("to the bases in X and Y") give one path each; "and then to Z", "then on to
Z", "and on to Z" continue the trip from the previous stop, even when no origin was told ("flew to Y and
on to Z"). Once an origin is told, "reached Y", "entered Y", "docked in Y" in a coordinated clause name
the destination ("left X at dawn and reached Y"), which may also come first after a verb of arriving
("docked in Y after crossing from X", "arrived in Y from X").
The destination may come first ("flew to Y from X"), be "bound for" or "arrived in" (once an origin is
told), or follow where the movers are after a comma ("seen in X, heading towards Y"); "across the
border from X into Y" is a trip, not a border named by its ends. Told first, the destination also takes an
origin told after taking off ("landed in Y after taking off from X"), after "entered Y from X", or in a
trip named by it ("drivers who reached Y said the drive from X ...").
Not destinations: a source ("according to officials in Y") and what is wished or planned ("try to join
family in Y", "plan to stay in Y"). A person "from X" ("a refugee from X, reached Y") is no origin unless
a verb of movement carries them or the destination follows at once ("moved families from X to Y").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gazetteer.places import Mention


@dataclass(frozen=True, slots=True)
class Path:
    """A movement from one named place to another, with the words that told it."""

    origin: Mention
    destination: Mention
    words: str


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’]?\s+(?=[\"'“‘(]?[A-Z0-9])|\n+")
_ORIGIN_WORD = re.compile(r"\b(?:from|out\s+of)\s+$", re.IGNORECASE)
_LEAVE_VERB = re.compile(
    r"\b(?:left|leave|leaves|leaving|fled|flee|flees|fleeing|evacuated|evacuate|evacuating|abandoned|quit"
    r"|departed|depart|departs|departing|vacated)\s+$", re.IGNORECASE)
_MOTION = re.compile(
    r"\b(?:mov|fl[eoy]|flight|flown|travel|head|withdr|evacuat|return|cross|dr[io]v|sail|march|advanc|transfer"
    r"|relocat|redeploy|went|go(?:es|ing)?\b|sent|send|truck|ship|deport|airlift|bus(?:es|ed|sed)?\b|transport"
    r"|pull|retreat|escap|brought|bring|carr|deliver|arriv|reach|bound|pour|convoy|rout|deploy|dispatch|push)",
    re.IGNORECASE)
# "arrived in Y", "landed at Y" name a destination too, when an origin is told ("Having left X, ... arrived in Y").
# "left X ... and reached Y", "fled X and entered Y", "left X and docked in Y": the destination of a trip
# whose origin is told, in a clause coordinated with the leaving.
_ARRIVE_AT = r"arrived|arrives|arriving|landed|lands|landing|docked|docks|docking"  # ... in/at Y
_REACH = r"reached|reaches|reaching|entered|enters|entering"  # ... Y
_DIRECTION = re.compile(rf"\b(?:towards?|into|onto|to|for|(?:{_ARRIVE_AT})\s+(?:in|at)|{_REACH})\b", re.IGNORECASE)
# The destination told before its origin: "docked in Y after crossing from X", "arrived in Y from X",
# "entered Y from X".
_ARRIVAL = re.compile(
    rf"\b(?:{_ARRIVE_AT}|{_REACH}|returned|returns|returning"
    r"|(?:pulled|sailed|steamed)\s+into)(?:\s+(?:back\s+)?(?:in|at|into|to))?\s+", re.IGNORECASE)
# ... with what was crossed between: "docked in Y after crossing the Red Sea from X", "landed in Y after a
# flight over the desert from X", "landed in Y after taking off from X".
_AFTER_TRIP = re.compile(
    r"\s*(?:[\w-]+\s+){0,3}?(?:[\w-]+)?,?\s*after\s+(?:(?:a|an|the|their|its|his|her)\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:\w+ing|journey|trip|crossing|voyage|flight|drive|passage)\s+"
    r"(?:(?:across|over|through|off|out|away)\s+)?(?:(?:the|a|an)\s+(?:[\w'’-]+\s+){1,3})?", re.IGNORECASE)
# "and then on to Z", "then on to Z", "and on to Z", "then travelled to Z", "were flown on to Z", "would take
# them on to Z": the trip goes on from the last stop.
_CHAIN = re.compile(r"(?:\bthen\s+(?:[a-z]+\s+){0,2}|\b[a-z]+\s+on\s+|,\s*on\s+)$", re.IGNORECASE)
_ROUTE_NOUN = re.compile(r"\b(?:road|roads|highway|motorway|route|railway|line|pipeline|border|corridor)\s+$",
                         re.IGNORECASE)
# "spent the night on the road from X", "had been on the road from X since dawn", "after two days on the road
# from X": the movers travelled it.
_TRAVELLING = re.compile(
    r"(?:\bspen(?:t|d|ds|ding)\s+(?:[\w'’-]+\s+){0,4}?|\b(?:has|have|had)\s+been\s+|\bafter\s+(?:[\w'’-]+\s+){0,3}?"
    r"(?:days?|nights?|hours?|weeks?)\s+)on\s+the\s+roads?\s+$", re.IGNORECASE)
_ROUTE_AFTER = re.compile(r"^\s*(?:highway|motorway|road|railway|route|pipeline|line|border)\b", re.IGNORECASE)
# Words that open a clause of their own; with punctuation and dashes, where a movement's words stop.
_CLAUSE_WORD = re.compile(r"\b(?:said|says|but|while|where|when|because|although|after|before)\b", re.IGNORECASE)
_STOP = re.compile(r"[,;:()\"“”]|\s[-–—]\s|" + _CLAUSE_WORD.pattern, re.IGNORECASE)
_NOT_REACHED = re.compile(r"\b(?:with|a|an|talks?|deal|agreement|accord|truce|ceasefire|record|deadlock|stage"
                          r"|level|phase|market|politics|service|office|race|war|conflict|round|final)\b",
                          re.IGNORECASE)
_SET_OUT = re.compile(r"\b(?:set\s+(?:off|out|sail)|sail(?:ed|s|ing)?|head(?:ed|s|ing)?|took\s+off|takes\s+off"
                      r"|depart(?:ed|s|ing)?|steam(?:ed|s|ing)?)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_MEMBERSHIP = re.compile(r"\bmembers?(?:\s+states?)?\s+of\b", re.IGNORECASE)
# "according to officials in Y" names a source, not a destination; "try to join family in Y", "plan to stay
# in Y", "hope to return": "to" after a verb of intending or trying opens a verb (what is wished, not a
# trip told), as does "in order to".
_NOT_DIRECTION = re.compile(
    r"\b(?:according|(?:in\s+)?order|so\s+as|tr(?:y|ies|ied|ying)|plan(?:s|ned|ning)?|want(?:s|ed|ing)?"
    r"|hop(?:e|es|ed|ing)|wish(?:es|ed|ing)?|seek(?:s|ing)?|sought|intend(?:s|ed|ing)?|decid(?:e|es|ed|ing)"
    r"|cho(?:ose|oses|se|sen|osing)|aim(?:s|ed|ing)?|need(?:s|ed|ing)?|(?:un)?able|likely|refus(?:e|es|ed|ing)"
    r"|agree(?:s|d|ing)?|prefer(?:s|red|ring)?|expect(?:s|ed|ing)?|struggl(?:e|es|ed|ing)|manag(?:e|es|ed|ing)"
    r"|fail(?:s|ed|ing)?|allowed|forced|urged|asked|told)\s+$", re.IGNORECASE)
# A person "from X" tells where someone comes from ("a refugee from X, reached Y", "people from X told us"),
# unless a verb of movement carries them in the same clause ("flew people from X, most of them to Y") or the
# trip's destination follows at once ("civilians from X to Y").
_PERSON_FROM = re.compile(
    r"\b(?:refugees?|people|persons?|man|men|woman|women|family|families|residents?|natives?|child|children"
    r"|boys?|girls?|students?|pensioners?|mothers?|fathers?|sons?|daughters?|citizens?|locals?|villagers?"
    r"|volunteers?|doctors?|nurses?|teachers?|survivors?)\s+from$", re.IGNORECASE)
_STRAIGHT_ON = re.compile(r"\s*(?:[\w-]+\s+){0,2}?(?:to|into|towards?)\b", re.IGNORECASE)
# "the drive from X", "their journey from X": a trip named by its origin, whose destination a verb of
# arriving told before ("Drivers who reached Y said the drive from X took a day").
_TRIP_NOUN = re.compile(r"\b(?:drive|journey|trip|trek|walk|ride|flight|voyage|crossing|passage)\s+$", re.IGNORECASE)
# Words that may stand between a direction word and its place: "to the naval and air bases in X".
_NP_WORDS = 8


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > at:
            spans.append((at, match.start()))
        at = match.end()
    if at < len(text):
        spans.append((at, len(text)))
    return spans


def _is_adjective(text: str, mention: Mention) -> bool:
    """ "Moscow-controlled", "US-backed": a place turned into a word about something else ("X-bound" is a
    destination)."""
    return bool(re.match(r"-[A-Za-z]", text[mention.end:mention.end + 2])) and not _bound_for(text, mention)


def _bound_for(text: str, mention: Mention) -> bool:
    return bool(re.match(r"-bound\b", text[mention.end:mention.end + 7], re.IGNORECASE))


def _np_reaches(text: str, start: int, mention: Mention) -> bool:
    """Whether `mention` is the head of the noun phrase that starts at `start` (a few words, no break)."""
    if mention.start < start:
        return False
    between = text[start:mention.start]
    return not _STOP.search(between) and len(between.split()) <= _NP_WORDS


def find_paths(text: str, mentions: Sequence[Mention]) -> list[Path]:
    """The movements `text` tells of between its resolved, mapped mentions (in text order, no repeats)."""
    usable = sorted((m for m in mentions if m.place is not None and not _is_adjective(text, m)),
                    key=lambda m: m.start)
    paths: list[Path] = []
    seen: set[tuple[str, str]] = set()
    for s_start, s_end in _sentences(text):
        here = [m for m in usable if s_start <= m.start < s_end]
        if len(here) < 2:
            continue
        for origin, destination, words_end in _sentence_paths(text, s_start, s_end, here):
            key = (origin.place.place_id, destination.place.place_id)
            if key in seen or key[0] == key[1] or _called_off(text, s_start, s_end, origin.start, words_end):
                continue
            seen.add(key)
            paths.append(Path(origin, destination, " ".join(text[origin.start:words_end].split())))
    return paths


# A trip that did not happen: "flights from X to Y were cancelled", "cancelled the ferry from X to Y",
# "no trains between ..." (said of the trip itself, in its own clause).
_CALLED_OFF_AFTER = re.compile(r"[^,;:.]*?\b(?:(?:were|was|have\s+been|has\s+been|had\s+been|are|is|being)\s+"
                               r"(?:\w+ly\s+)?(?:cancell?ed|suspended|grounded|called\s+off|scrapped|halted|"
                               r"postponed|turned\s+back)|did\s+not\s+(?:leave|go|take\s+off|sail|fly))\b",
                               re.IGNORECASE)
_CALLED_OFF_BEFORE = re.compile(r"\b(?:cancell?ed|cancell?ing|suspended|suspending|grounded|scrapped|no)\s+"
                                r"(?:[\w-]+\s+){0,3}$", re.IGNORECASE)


def _called_off(text: str, s_start: int, s_end: int, start: int, words_end: int) -> bool:
    """Whether the trip from `start` to `words_end` is said not to have happened (cancelled, suspended)."""
    return bool(_CALLED_OFF_AFTER.match(text, words_end, s_end)
                or _CALLED_OFF_BEFORE.search(text[max(s_start, start - 40):start]))


def _origins(text: str, s_start: int, here: list[Mention]) -> list[tuple[Mention, int, bool]]:
    """(origin mention, where the words marking it start, whether it is a road's end)."""
    out = []
    for m in here:
        before = text[max(s_start, m.start - 80):m.start]
        # "from X", "from the airport in X", "left X", "fled the capital, X" (a few words apart, no break)
        for marker in (r"\b(?:from|out\s+of)\b", r"\b(?:left|leave|leaves|leaving|fled|flee|flees|fleeing|evacuated"
                                                  r"|evacuate|evacuating|abandoned|departed|depart|departs|vacated|quit|quitting)\b"):
            found = list(re.finditer(marker, before, re.IGNORECASE))
            if not found:
                continue
            last = found[-1]
            after_marker = m.start - len(before) + last.end()
            if not _np_reaches(text, after_marker, m):
                continue
            # "a man from X's old town": where a person comes from, not a trip.
            if text[m.end:m.end + 2] in ("'s", "’s"):
                continue
            marker_at = m.start - len(before) + last.start()
            # "a refugee from X, reached Y": where a person comes from, not a trip's start.
            if _PERSON_FROM.search(text, max(s_start, marker_at - 30), after_marker) and not _STRAIGHT_ON.match(
                    text, m.end) and not _MOTION.search(_STOP.split(text[s_start:marker_at])[-1]):
                continue
            # "from X to Y" with X not a place we know: Y is the destination, not an origin.
            if re.search(r"\b(?:to|into|towards?)\b", text[after_marker:m.start], re.IGNORECASE):
                continue
            # Members of a body come "from" it, not out of a place: "envoys from the member states of X",
            # "heads of government from the members of X".
            if _MEMBERSHIP.search(text[after_marker:m.start]):
                continue
            marker_start = m.start - len(before) + last.start()
            # "the road from X to Y" names a road; only a verb of movement further on makes it a trip
            # ("convoys on the roads from X, heading towards Y").
            # Going "across the border from X into Y" is a trip whatever the verb: a border is crossed.
            # Time spent "on the road from X to Y" is time travelling it; waiting or queuing there is not.
            lead = text[max(s_start, marker_start - 60):marker_start]
            route = bool(_ROUTE_NOUN.search(lead[-30:])) and not re.search(
                r"\b(?:across|over)\s+the\s+border\s+$", lead[-30:], re.IGNORECASE) and not _TRAVELLING.search(lead)
            # Only the first place of the phrase is the origin ("from the airport in X near Y": X).
            if any(o.start >= after_marker and o.start < m.start for o in here):
                continue
            out.append((m, marker_start, route))
            break
    return out


def _destinations(text: str, s_end: int, here: list[Mention], after: int, marker: int,
                  leave_verb: bool, route: bool = False) -> list[tuple[Mention, bool, int]]:
    """(destination, continues-from-previous, end of words) after position `after` (the origin's end);
    `marker` is where the words marking the origin start ("from", "left")."""
    out: list[tuple[Mention, bool, int]] = []
    for match in _DIRECTION.finditer(text, after, s_end):
        word = match.group(0).lower()
        if word in ("to", "towards", "toward") and _NOT_DIRECTION.search(text, max(after, match.start() - 20),
                                                                          match.start()):
            continue
        # "for" names a destination after leaving ("left X for Y"), "bound for", or a setting out ("sailed
        # out of X for Y", "set off from X for Y").
        if word == "for" and not leave_verb and not re.search(r"\bbound\s+$", text[max(after, match.start() - 7):
                                                                                 match.start()], re.IGNORECASE) \
                and not _SET_OUT.search(text, max(0, marker - 30), marker):
            continue
        lead = text[after:match.start()]
        if route and not _MOTION.search(lead):
            continue
        marked = text[marker:match.start()]
        # "and then on to Z", "then travelled to Z": the trip goes on from the last stop.
        chained = bool(out) and bool(_CHAIN.search(text, max(after, match.start() - 30), match.start()))
        if word == "to" and not chained and not _MOTION.search(marked) and not re.search(
                r"\b(?:from|out\s+of)\b", marked, re.IGNORECASE):
            continue
        head = next((m for m in here if _np_reaches(text, match.end(), m)), None)
        if head is None:
            continue
        # "reached Y", "entered Y" name a place reached, not "entered talks with Y" or "reached a deal in Y".
        if word.startswith(("reach", "enter")) and _NOT_REACHED.search(text, match.end(), head.start):
            continue
        if _ROUTE_AFTER.match(text, head.end):
            continue
        if any(d[0] is head for d in out):
            continue
        out.append((head, chained, head.end))
        # Coordinated places: "to the bases in X and Y", "towards X and the port of Y", and a list closed by
        # "and" ("for X, Y, Z and W"); a comma alone is not a list ("to X, Y's capital", "to Lviv, Ukraine").
        at = head.end
        listed = _comma_list(text, s_end, here, at)
        if listed:
            out.extend((m, False, m.end) for m in listed)
            at = listed[-1].end
        while True:
            conj = re.match(r"\s*(?:,\s*)?and\s+(?!then\b)", text[at:s_end])
            if conj is None:
                # Words between the head and "and" that name no place: "the air base near X and the port at Y".
                gap = re.match(r"[^,;:.]{0,60}?\s+and\s+(?!then\b)", text[at:s_end])
                if gap is None or _DIRECTION.search(gap.group(0)):
                    break
                conj = gap
            start = at + conj.end()
            nxt = next((m for m in here if m.start >= start and _np_reaches(text, start, m)), None)
            # "to X, and a plane would take them on to Y": a place after a direction word of its own is
            # another leg, not one of a list.
            if nxt is None or _DIRECTION.search(text, start, nxt.start):
                break
            out.append((nxt, False, nxt.end))
            at = nxt.end
    return out


def _comma_list(text: str, s_end: int, here: list[Mention], at: int) -> list[Mention]:
    """The places after `at` of a list "X, Y, Z and W" (Y and Z), when "and" or "or" and a place close it."""
    items: list[Mention] = []
    while True:
        comma = re.match(r",\s*(?!and\b|or\b)", text[at:s_end])
        if comma is None:
            break
        start = at + comma.end()
        nxt = next((m for m in here if m.start >= start and len(text[start:m.start].split()) <= 2
                    and _np_reaches(text, start, m)), None)
        if nxt is None:
            break
        items.append(nxt)
        at = nxt.end
    closed = re.match(r",?\s*(?:and|or)\s+", text[at:s_end])
    if not items or closed is None:
        return []
    start = at + closed.end()
    return items if any(m.start >= start and _np_reaches(text, start, m) for m in here) else []


def _destination_before(text: str, s_start: int, here: list[Mention], origin: Mention,
                        marker_start: int, origin_markers: dict[int, int] | None = None) -> Mention | None:
    """The destination told before its origin, right after a verb of movement: "flew to Y from X",
    "returned to Y from X on Monday", "crossed into Y from X"."""
    if not re.match(r"(?:from|out\s+of)\b", text[marker_start:], re.IGNORECASE):
        return None
    for m in reversed([m for m in here if m.end <= marker_start]):
        # Coordinated origins share the destination told before them: "into Y from X and from W".
        if origin_markers and id(m) in origin_markers and re.fullmatch(r"\s*,?\s*(?:and|or)?\s*",
                                                                        text[m.end:marker_start]):
            marker_start = origin_markers[id(m)]
            continue
        gap = text[m.end:marker_start]
        arrival = list(_ARRIVAL.finditer(text, max(s_start, m.start - 60), m.start))
        arrived = bool(arrival) and _np_reaches(text, arrival[-1].end(), m)
        if arrived and _AFTER_TRIP.fullmatch(gap):
            return m  # "docked in Y after crossing from X"
        if arrived and _TRIP_NOUN.search(text, max(m.end, marker_start - 12), marker_start) and not re.search(
                r"[;:]", gap):
            return m  # "drivers who reached Y said the drive from X ..."
        if len(gap.split()) > 2 or _STOP.search(gap):
            return None
        if arrived:
            return m  # "arrived in Y from X"
        direction = list(re.finditer(r"\b(?:to|into|towards?)\b", text[max(s_start, m.start - 60):m.start],
                                     re.IGNORECASE))
        if not direction:
            continue
        at = max(s_start, m.start - 60) + direction[-1].start()
        # The verb is the words after the last break: "X, the head of Y, flew to Z from W".
        verb = _STOP.split(text[max(s_start, at - 30):at])[-1]
        reaches = _np_reaches(text, at + len(direction[-1].group(0)) + 1, m)
        if reaches and _MOTION.search(verb):
            return m
        return None
    return None


# After a stop, the trip goes on: "flew to Y and on to Z", "travelled to Y on Monday, then on to Z".
_GOES_ON = re.compile(r"(?:\s+[\w-]+){0,3}?\s*,?\s*(?:and\s+)?(?:then\s+(?:[a-z]+\s+)?(?:on\s+)?|on\s+)(?:to|into)\s+",
                      re.IGNORECASE)


def _chained_stops(text: str, s_start: int, here: list[Mention]):
    """A chain without an origin: a stop reached by a verb of movement ("flew to Y"), and the trip going on
    from it ("and on to Z"), gives Y to Z."""
    for stop in here:
        lead = text[max(s_start, stop.start - 60):stop.start]
        direction = list(re.finditer(r"\b(?:to|into)\s+", lead, re.IGNORECASE))
        if not direction:
            continue
        at = max(s_start, stop.start - 60) + direction[-1].start()
        verb = _STOP.split(text[max(s_start, at - 30):at])[-1]
        if not _MOTION.search(verb) or not _np_reaches(text, at + len(direction[-1].group(0)), stop):
            continue
        goes_on = _GOES_ON.match(text, stop.end)
        if goes_on is None or _CLAUSE_WORD.search(text, stop.end, goes_on.end()):
            continue
        nxt = next((m for m in here if _np_reaches(text, goes_on.end(), m)), None)
        if nxt is not None:
            yield stop, nxt, nxt.end


def _sentence_paths(text: str, s_start: int, s_end: int, here: list[Mention]):
    yield from _origin_paths(text, s_start, s_end, here)
    yield from _chained_stops(text, s_start, here)


def _origin_paths(text: str, s_start: int, s_end: int, here: list[Mention]):
    origins = _origins(text, s_start, here)
    # "X towards Y": a place followed by (a verb of movement and) "towards"; after a comma only with the
    # verb ("seen in X, heading towards Y", "on the road to X, reportedly heading towards Y": where the
    # movers are is where they set out from).
    for m in here:
        # ... with the verb's helpers and adverbs between ("at X is now moving north towards Y").
        lead = re.match(r"(,?)\s+((?:[\w-]+\s+){0,4}?)(?:towards?|bound\s+for)\b", text[m.end:m.end + 60],
                        re.IGNORECASE)
        if lead and (_MOTION.search(lead.group(2)) or (not lead.group(1) and not lead.group(2).strip())):
            origins.append((m, m.start, False))
    if not origins:
        return
    origins.sort(key=lambda o: o[0].start)
    between_pair = re.compile(r"\bbetween\s+$", re.IGNORECASE)
    for origin, marker_start, route in origins:
        if between_pair.search(text[max(s_start, origin.start - 20):origin.start]):
            continue
        leave_verb = bool(_LEAVE_VERB.search(text[max(s_start, marker_start - 1):origin.start]) or
                          re.match(r"(?:left|leav|fle|evacuat|depart|abandon|vacat|quit)", text[marker_start:],
                                   re.IGNORECASE))
        # A "from" before the verb ("From X, he flew to Y") reads from the origin to the sentence's end.
        previous = origin
        told = False
        for destination, chained, words_end in _destinations(text, s_end, here, origin.end, marker_start, leave_verb,
                                                                route):
            if destination is origin:
                continue
            start = previous if chained else origin
            told = True
            yield start, destination, words_end
            previous = destination
        if not told and not route:
            before = _destination_before(text, s_start, here, origin, marker_start,
                                         {id(o): start for o, start, _ in origins})
            # "an X-bound ship left Y": the destination named as the movers' adjective.
            bound = next((m for m in here if m is not origin and _bound_for(text, m)), None)
            if before is not None:
                yield origin, before, origin.end
            elif bound is not None:
                yield origin, bound, origin.end
