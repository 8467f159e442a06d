"""Evidence about a name found in a text, read from the words around it: the people a text names,
shouting, qualifiers ("Tripoli, Lebanon"), kind hints ("the X air base")."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from gazetteer import wordlists
from gazetteer.lookup import Candidate
from gazetteer.normalize import fold_word, normalize_name
from gazetteer.places import Place
from gazetteer.tokens import Tokens

MAX_NAME_TOKENS = 6
# What may stand between two words of one name: spaces or a hyphen ("al-Qamishli", "Tel Aviv").
NAME_GAP = re.compile(r"^(?:[ \t\u00a0]+|[-‐‑])$")
QUALIFIER_GAP = re.compile(r"^,[ \t]+$")
# Prepositions that put what follows on a map ("in", not "of" or "to", which also take people).
STRONG_LOCATIVES = frozenset(fold_word(w) for w in "in near outside inside across throughout".split())
@dataclass(slots=True)
class Span:
    """A run of tokens whose words are a name in the gazetteer."""

    first: int
    last: int  # inclusive
    key: str
    numbers: tuple[int, ...]
    feature_hint: frozenset[str] = frozenset()
    listed_area: bool = False  # "Cook" in "Cook and DuPage counties": the list names it an area
    kind_word: int | None = None  # where a kind word joined to the name sits ("River" in "Harlow River")
    qualifier: Span | None = None
    candidates: list[Candidate] = field(default_factory=list)


@lru_cache(maxsize=100_000)
def primary_key(name: str) -> str:
    return normalize_name(name)



def name_starts(tokens: Tokens) -> list[int]:
    """Where a name may start: a capitalised word, or an article before one ("al-Qamishli")."""
    starts = []
    for i in tokens.capitalised:
        if i > 0 and (not starts or starts[-1] != i - 1) and tokens.keys[i - 1] in wordlists.ARTICLES:
            starts.append(i - 1)
        starts.append(i)
    return starts


def capitalised_run(tokens: Tokens, start: int) -> list[str]:
    """Keys of the capitalised words from `start` on that are joined into one name."""
    keys = []
    for i in range(start, min(len(tokens), start + MAX_NAME_TOKENS)):
        if keys and NAME_GAP.match(tokens.gap(i)) is None:
            break
        key = tokens.keys[i]
        if not (tokens.is_capitalised(i) or key in wordlists.NAME_CONNECTORS):
            break
        keys.append(key)
    return keys


def shouting(tokens: Tokens, span: Span) -> bool:
    """True when the span's line is written in capitals ("SAN ANTONIO (AP) —")."""
    nearby = [tokens.word(i) for i in range(max(0, span.first - 3), min(len(tokens), span.last + 4))]
    words = [w for w in nearby if len(w) > 1]
    return len(words) >= 3 and all(w.isupper() for w in words)


# What follows a dateline's place: "CAIRO - On...", "RALEIGH, N.C. (AP)", "TIJUANA & SAN DIEGO",
# "BEIRUT (AP)".
_DATELINE_AFTER = re.compile(r"\s*[,(&\-–—]")


def dateline(tokens: Tokens, span: Span, text: str) -> bool:
    """True when the span is a news dateline's place: in capitals, opening a sentence (the text,
    or after a headline), and followed by a dateline's separator ("CAIRO -", "BEIRUT (AP)") or by
    the body's first capitalised word ("SAN ANTONIO Turner Sports...")."""
    f, last = span.first, span.last
    surface = text[tokens.start(f):tokens.end(last)]
    if not surface.isupper() or sum(ch.isalpha() for ch in surface) < 3 or not tokens.sentence_start(f):
        return False
    if last + 1 >= len(tokens):
        return False
    after = text[tokens.end(last):tokens.start(last + 1)]
    if _DATELINE_AFTER.match(after):
        return True
    following = tokens.word(last + 1)
    return after == " " and following[0].isupper() and not following.isupper()


def people_named(tokens: Tokens) -> frozenset[str]:
    """Surnames the text uses for people: the word after a title ("Mr Alexander") or after a
    given name ("Charles Lister"). They stay people for the rest of the document."""
    people = set()
    for before, i in itertools.pairwise(tokens.capitalised):
        if before != i - 1:
            continue
        gap = tokens.gap(i)
        if gap == ". " and len(tokens.word(before)) == 1:
            # "Tyrise M. Bell", "John F. Kennedy": a capitalised name, an initial, a surname.
            if before > 0 and tokens.is_capitalised(before - 1) and tokens.gap(before) == " ":
                people.add(tokens.keys[i])
            continue
        if NAME_GAP.match(gap) is None:
            continue
        previous = tokens.keys[before]
        if previous in wordlists.TITLES or previous in wordlists.GIVEN_NAMES:
            people.add(tokens.keys[i])
    return frozenset(people)


def attach_qualifiers(spans: list[Span], tokens: Tokens) -> None:
    """"Tripoli, Lebanon" or "Paris, Texas": the second name qualifies the first."""
    for a, b in itertools.pairwise(spans):
        if b.first == a.last + 1 and QUALIFIER_GAP.match(tokens.gap(b.first)):
            a.qualifier = b


def within(place: Place, qualifier: Span) -> bool:
    for c in qualifier.candidates[:5]:
        q = c.place
        if q.is_country and place.country_code == q.country_code:
            return True
        if q.feature_code == "ADM1" and place.country_code == q.country_code and (
                place.admin1_name == q.name or (place.admin1_code and place.admin1_code == q.admin1_code)):
            return True
    return False


def feature_hint(tokens: Tokens, span: Span) -> frozenset[str]:
    """The feature codes the words around a span hint at, or its own kind word ("Lake Brennan")."""
    before = tokens.keys[span.first - 1] if span.first > 0 else ""
    after = span.last + 1
    if span.kind_word is not None:
        before, after = (tokens.keys[span.first], len(tokens)) if span.kind_word == span.first else ("", span.last)
    if (after >= len(tokens) or tokens.keys[after] not in _HINT_FIRST_WORDS) and \
            before not in wordlists.FEATURE_HINTS_BEFORE:
        return NO_HINT
    return hinted_codes(" ".join(tokens.keys[after:after + 2]), before)


NO_HINT: frozenset[str] = frozenset()


_HINT_FIRST_WORDS = frozenset(phrase.split(" ")[0] for phrase in wordlists.FEATURE_HINTS_AFTER)


@lru_cache(maxsize=1 << 15)
def hinted_codes(following: str, before: str) -> frozenset[str]:
    """Feature codes hinted by the words after a name ("air base") and the word before ("Mount")."""
    codes: set[str] = set()
    for phrase, hinted in wordlists.FEATURE_HINTS_AFTER.items():
        if following == phrase or following.startswith(phrase + " "):
            codes |= hinted
    codes |= wordlists.FEATURE_HINTS_BEFORE.get(before, frozenset())
    return frozenset(codes)


def placed(tokens: Tokens, span: Span) -> bool:
    """Whether a preposition of place puts the span on a map ("in Houston"; not "in Houston’s")."""
    b = span.first - 1
    return (b >= 0 and tokens.keys[b] in STRONG_LOCATIVES and not tokens.is_capitalised(b)
            and tokens.end(span.last) == tokens._offsets[2 * span.last + 1])
