"""The geoparser: find the places a text names and resolve each to one gazetteer record.

No language model: spans come from the gazetteer's names matched over the text's words, and each
span is weighed with evidence a careful reader uses:

- capitals, and whether a capital only marks the start of a sentence;
- whether the span is part of a longer proper name: a person ("Oliver Alexander", "Mr Alexander",
  "Alexander said"), an organisation ("Middle East Institute", "Kyiv Independent", "Times of
  Israel") or a credit ("Getty Images Europe");
- whether the name is also a common English word ("Split", "Reading"), which then needs a
  preposition of place or a qualifier ("Reading, Berkshire") to count;
- demonyms ("Syrian forces") name no place.

Each accepted span is then resolved among its candidates by prominence (population and kind), the
countries and first-level regions the document (and its `context`) talks about, "X, Region"
qualifiers, kind hints ("the X air base", "X province") and closeness to the other places mentioned.

Each mention's `score` is the calibrated probability that its marker is right, and each runner-up's
the probability that it would have been (`gazetteer.calibration`).

Speed: one split of the text gives every word; a word's folded key comes from a cache; whole
`Token`s are built only around names; candidates come from an in-memory table of places
(`gazetteer.placetable`); what a document is sure of is worked out once per name.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from gazetteer import wordlists
from gazetteer.calibration import (
    Calibration,
    Recognition,
    Resolution,
    default_calibration,
    recognition_features,
    resolution_features,
    sigmoid,
)
from gazetteer.index import distance_km
from gazetteer.lookup import Candidate, Gazetteer
from gazetteer.normalize import ARTICLE_WORDS, fold_word, fold_word_uncached, normalize_name, strip_article
from gazetteer.places import Mention, Place

MAX_NAME_TOKENS = 6
MAX_CANDIDATES = 24
# Text longer than this is parsed in pieces: memory and time stay linear, offsets stay exact.
CHUNK_CHARS = 200_000

# A word: an abbreviation with full stops ("U.S."), or letters and digits with inner apostrophes.
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_][^\W_]*(?:['’ʼ][^\W_]+)*")
_POSSESSIVE = re.compile(r"['’ʼ]s$", re.IGNORECASE)
_APOSTROPHES = frozenset("'’ʼ")
# _TOKEN with its alternatives' common first character taken out (a quarter faster), captured so
# that splitting by it keeps the words: the same words (a test compares them).
_SPLIT = re.compile(r"([^\W_](?:(?<!\d)\.(?:[^\W\d_]\.)+|[^\W_]*(?:['’ʼ][^\W_]+)*))")
_FIRST = operator.itemgetter(0)
# What may stand between two words of one name: spaces or a hyphen ("al-Qamishli", "Tel Aviv").
_NAME_GAP = re.compile(r"^(?:[ \t\u00a0]+|[-‐‑])$")
_SENTENCE_END = re.compile(r"[.!?:;\n\"“”‘(\[•·|—]\s*$")
_QUALIFIER_GAP = re.compile(r"^,[ \t]+$")
_TITLE_GAPS = frozenset({" ", ". ", ".", "\u00a0", ".\u00a0"})
# Reasons that make a name someone's or something's for the rest of the document. "named after"
# does not: "The News & Observer of Raleigh" or "Riverdale Lukoil" leave Raleigh and Riverdale places.
_ARTICLES = frozenset({"the", "a", "an", "this", "that", "its", "their", "our"})
_OTHER_NAMES = frozenset({"person", "longer name", "organisation"})
# After a place, a public body of that place: "Ohio Department of Health", "Polk County Coroner",
# "Dayton Township", "Fulton Superior Court". The place is still meant (a modifier), not a name.
_PUBLIC_BODY_WORDS = frozenset(fold_word(w) for w in """
department dept board township twp coroner attorney courthouse chamber district superior supreme
circuit legislature senate assembly treasury municipal public health
""".split())
# Names that say they are an administrative area: what follows them is one of its bodies
# ("Kanawha County Commission", "Morrow County Municipal Court"), unless it is a road.
_ADMINISTRATIVE_AREA_WORDS = frozenset(fold_word(w) for w in "county parish borough township".split())
# Prepositions that put what follows on a map ("in", not "of" or "to", which also take people).
_STRONG_LOCATIVES = frozenset(fold_word(w) for w in "in near outside inside across throughout".split())
# After a short name, what makes it a person's: "the Obama administration", "the Obama-era rule".
_PERSON_AFTER = frozenset(fold_word(w) for w in "administration presidency era campaign".split())


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str
    key: str
    capitalised: bool
    sentence_start: bool
    gap: str  # the text between the previous token and this one


@dataclass(slots=True)
class Span:
    """A run of tokens whose words are a name in the gazetteer."""

    first: int
    last: int  # inclusive
    key: str
    numbers: tuple[int, ...]
    feature_hint: frozenset[str] = frozenset()
    qualifier: Span | None = None
    candidates: list[Candidate] = field(default_factory=list)


@dataclass(slots=True)
class Found:
    """A place mention before it becomes a `Mention`: its candidates with their evidence."""

    start: int
    end: int
    text: str
    margin: float  # the chosen place's lead over the runner-up, in score units
    places: list[Place]  # the chosen place, then up to three runner-ups
    recognition: tuple[float, ...]  # calibration features of the span (`calibration.RECOGNITION_FEATURES`)
    resolutions: list[tuple[float, ...]]  # ... of each place (`calibration.RESOLUTION_FEATURES`)
    logits: list[float]  # calibrated log-odds that each place is right

    @property
    def vectors(self) -> list[tuple[float, ...]]:
        """Each place's whole feature vector (`calibration.FEATURES`)."""
        return [self.recognition + r for r in self.resolutions]

    def shifted(self, offset: int) -> Found:
        return Found(self.start + offset, self.end + offset, self.text, self.margin, self.places,
                     self.recognition, self.resolutions, self.logits)


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each piece of evidence moves a candidate, in units of log10(population).

    The defaults were fitted on the development corpora as a whole (`bench/tune_geoparser.py`
    reproduces them); they are few on purpose, so that they cannot learn single documents.
    """

    primary_name: float = 1.5  # the text uses the place's own name, not a foreign spelling of it
    country_present: float = 0.5  # the candidate's country is mentioned in the document
    country_share: float = 4.0  # ... times the share of the document's places in that country
    neighbour_share: float = 0.5  # times the share of the document's places in bordering countries
    region_share: float = 8.0  # times the share of the document's places in its first-level region
    feature_hint: float = 3.0  # "the X air base", "X province", "Mount X"
    qualifier: float = 2.0  # "Tripoli, Lebanon"
    distance: float = 1.8  # per tenfold of distance (beyond 50 km) to the nearest confident place
    confident_margin: float = 1.5  # a mention is an anchor when its best candidate leads by this


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """What a surrounding document says: its countries and regions, its people, its confidently placed
    places."""

    countries: Counter
    people: frozenset[str]
    places: tuple[Place, ...]
    place_keys: frozenset[str]
    regions: Counter = field(default_factory=Counter)


class Tokens(Sequence[Token]):
    """The words of a text, as `Token`s built only when asked for.

    One split of the text by the word pattern gives every word and the gap before it; each word's
    folded key comes from a cache of words seen before (news repeats a small vocabulary). All of it
    runs in a few passes of C code. The name matcher reads `keys` and the accessors below; a whole
    `Token` (its sentence start) is built only for the few words around a name.
    """

    __slots__ = ("_built", "_offsets", "_parts", "_raw", "_text", "capitalised", "keys")

    def __init__(self, text: str):
        self._text = text
        # [gap, word, gap, word, ..., tail]: word i is parts[2i + 1], the text before it parts[2i].
        self._parts: list[str] = _SPLIT.split(text)
        self._raw: list[str] = self._parts[1::2]
        # offsets[2i] is where word i starts, offsets[2i + 1] where its match ends.
        self._offsets: list[int] = list(itertools.accumulate(map(len, self._parts)))
        self.keys: list[str] = list(map(_token_key, self._raw))
        self._built: list[Token | None] | None = None  # made on the first whole token asked for
        # Positions of the words that start with a capital, in order.
        self.capitalised: list[int] = list(itertools.compress(
            range(len(self._raw)), map(str.isupper, map(_FIRST, self._raw))))

    def __len__(self) -> int:
        return len(self._raw)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self._raw)))]
        if i < 0:
            i += len(self._raw)
        if self._built is None:
            self._built = [None] * len(self._raw)
        token = self._built[i]
        if token is None:
            token = self._built[i] = self._build(i)
        return token

    def __iter__(self):
        return (self[i] for i in range(len(self._raw)))

    def start(self, i: int) -> int:
        return self._offsets[2 * i]

    def word(self, i: int) -> str:
        """The i-th word without a possessive ending ("Syria’s" -> "Syria")."""
        return _without_possessive(self._raw[i])

    def end(self, i: int) -> int:
        """Where the i-th word ends (before any possessive ending)."""
        word = self._raw[i]
        if len(word) > 3 and word[-2] in _APOSTROPHES:
            return self._offsets[2 * i] + len(_without_possessive(word))
        return self._offsets[2 * i + 1]

    def is_capitalised(self, i: int) -> bool:
        return self._raw[i][0].isupper()

    def gap(self, i: int) -> str:
        """`tokens[i].gap` without building the token: from the end of the previous word."""
        if not i:
            return self._parts[0]
        previous = self._raw[i - 1]
        if len(previous) > 3 and previous[-2] in _APOSTROPHES:
            return self._text[self.end(i - 1):self._offsets[2 * i]]
        return self._parts[2 * i]

    def sentence_start(self, i: int) -> bool:
        """Whether the i-th word starts a sentence (or the text)."""
        if i == 0:
            return True
        # The gap after the previous match (a sentence may end after "Syria’s.") tells.
        gap = self._parts[2 * i]
        return bool(_SENTENCE_END.search(gap)) or _ends_sentence(self.word(i - 1), self.keys[i - 1], gap)

    def _build(self, i: int) -> Token:
        start = self._offsets[2 * i]
        word = _without_possessive(self._raw[i])
        # Token.gap runs from the end of the previous word, so "’s " separates two names.
        return Token(start, start + len(word), word, self.keys[i], word[0].isupper(), self.sentence_start(i),
                     self.gap(i))


@lru_cache(maxsize=1 << 16)
def _without_possessive(word: str) -> str:
    """"Syria’s" -> "Syria"; short words ("it’s") stay whole."""
    if len(word) > 3 and word[-2] in _APOSTROPHES:
        possessive = _POSSESSIVE.search(word)
        if possessive:
            return word[:-len(possessive.group())]
    return word


@lru_cache(maxsize=1 << 17)
def _token_key(word: str) -> str:
    """A word's key, without a possessive ending ("Syria’s" -> "syria")."""
    if len(word) > 3 and word[-2] in _APOSTROPHES:
        word = _without_possessive(word)
    return fold_word_uncached(word)


def tokenize(text: str) -> Tokens:
    return Tokens(text)


def _ends_sentence(previous_text: str, previous_key: str, gap: str) -> bool:
    # "... in Syria. The" ends a sentence; "Mr. Smith" and "U.S. forces" do not.
    return gap.startswith(".") and previous_key not in wordlists.TITLES and "." not in previous_text


class Geoparser:
    """Finds and resolves place mentions with one gazetteer. Thread-safe; reuse one instance."""

    def __init__(self, gazetteer: Gazetteer | None = None, weights: Weights | None = None,
                 calibration: Calibration | None = None):
        self.gazetteer = gazetteer or Gazetteer.default()
        self.weights = weights or Weights()
        self.calibration = calibration or default_calibration()
        self.common_words: dict[str, float] = self.gazetteer.index.common_words
        self.gazetteer.table  # noqa: B018 - loaded now (start-up), not during the first parse
        self._context_cache: dict[str, DocumentContext] = {}
        # Ranked candidates by place numbers: the same names come back document after document.
        self._ranked: dict[tuple[int, ...], list[Candidate]] = {}
        self._lock = threading.Lock()

    # -- public -------------------------------------------------------------------------------

    def parse(self, text: str, context: str | None = None) -> list[Mention]:
        """The places `text` names (see `geoparse`), each with the probability that it is right."""
        return [self._mention(f) for f in self.evidence(text, context)]

    def evidence(self, text: str, context: str | None = None) -> list[Found]:
        """What `parse` decides from: every mention's candidates with their calibration features."""
        if not isinstance(text, str):
            raise TypeError(f"geoparse() needs text, not {type(text).__name__}")
        if not text.strip():
            return []
        outer = self._context(context) if context else None
        if len(text) <= CHUNK_CHARS:
            return self._parse(text, outer)
        return [f.shifted(offset) for offset, piece in _pieces(text) for f in self._parse(piece, outer)]

    @staticmethod
    def _mention(found: Found) -> Mention:
        logits = found.logits
        return Mention(
            start=found.start, end=found.end, text=found.text, place=found.places[0],
            score=round(sigmoid(logits[0]), 4),
            alternatives=tuple((p, round(sigmoid(z), 4)) for p, z in zip(found.places[1:], logits[1:], strict=True)),
        )

    # -- finding ------------------------------------------------------------------------------

    def _parse(self, text: str, outer: DocumentContext | None) -> list[Found]:
        tokens = tokenize(text)
        spans = self._match_spans(tokens)
        people = _people(tokens) | (outer.people if outer else frozenset())
        matched = {s.first for s in spans} | {s.last for s in spans}
        reasons = [self._rejection(s, tokens, people, text, matched) for s in spans]
        # One sense per discourse: a name accepted once ("in Reading") is a place when it opens a
        # sentence too; a name seen inside a person's or an organisation's name ("Oliver Alexander",
        # "Carnegie Endowment") is that person or organisation when it comes back alone.
        places = {s.key for s, r in zip(spans, reasons, strict=True) if r is None}
        if outer is not None:
            places |= outer.place_keys
        named_otherwise = people | {s.key for s, r in zip(spans, reasons, strict=True) if r in _OTHER_NAMES}
        accepted = []
        rescued = set()
        for span, reason in zip(spans, reasons, strict=True):
            if reason == "common word" and span.key in places:
                reason = None
                rescued.add(span.first)
            single = span.first == span.last
            if (reason is None and single and span.key in named_otherwise and self._best_prominence(span) < 6.0
                    and not _placed(tokens, span)):
                reason = "named otherwise"
            if reason is None:
                accepted.append(span)
        _attach_qualifiers(accepted, tokens)
        repeats = Counter(s.key for s in accepted)
        recognitions = [self._recognition(s, tokens, text, s.first in rescued, repeats[s.key]) for s in accepted]
        return self._resolve(accepted, recognitions, tokens, text, outer)

    def _match_spans(self, tokens: Tokens) -> list[Span]:
        """Longest gazetteer names over the words, left to right, starting at a capital."""
        names = self.gazetteer.index.names
        connectors = wordlists.NAME_CONNECTORS
        keys, parts, raw = tokens.keys, tokens._parts, tokens._raw
        spans: list[Span] = []
        n = len(tokens)
        resume = 0  # after a name, the next one starts past its end
        for i in _name_starts(tokens):
            if i < resume:
                continue
            best: tuple | None = None  # (last, key, numbers) of the longest name so far
            found = names.get(keys[i])
            if found is not None:
                best = (i, keys[i], found)
            for j in range(i + 1, min(n, i + MAX_NAME_TOKENS)):
                # The gap between the words, as Token.gap: a possessive ("Syria’s Assad") ends the name.
                gap, previous = parts[2 * j], raw[j - 1]
                if gap != " " and not _NAME_GAP.match(gap) and not (gap == ". " and len(previous) <= 3):
                    break
                if len(previous) > 3 and previous[-2] in _APOSTROPHES and _POSSESSIVE.search(previous):
                    break
                if not raw[j][0].isupper():
                    if keys[j] in connectors:
                        continue  # a name goes on over "of" or "al" but never ends on one
                    break
                key = " ".join(strip_article(keys[i:j + 1]) if keys[i] in ARTICLE_WORDS else keys[i:j + 1])
                found = names.get(key)
                if found is not None:
                    best = (j, key, found)
            if best is not None:
                last, key, found = best
                spans.append(Span(i, last, key, (found,) if isinstance(found, int) else found))
                resume = last + 1
        return spans

    def _rejection(self, span: Span, tokens: Tokens, people: frozenset[str], text: str,
                   matched: set[int]) -> str | None:
        """Why a span is not a place here (a short reason), or None when it is one.

        `matched` holds the positions of tokens that start or end a gazetteer name. Words are read
        through `tokens`' accessors: building whole tokens here was most of the cost.
        """
        index = self.gazetteer.index
        keys = tokens.keys
        f, last = span.first, span.last
        single = f == last
        if span.key in index.demonyms:
            return "demonym"
        if span.key in wordlists.STOPWORDS or (single and keys[f] in wordlists.NOT_PLACE_WORDS):
            return "common word"
        surface = text[tokens.start(f):tokens.end(last)]
        letters = len(surface) if surface.isalpha() else sum(ch.isalpha() for ch in surface)
        # "Va.", "Md.", "Ga.": abbreviations we file, written with their full stop.
        dotted = span.key in index.abbreviations and text.startswith(".", tokens.end(last))
        if letters <= 3 and not (surface.isupper() or "." in surface or dotted):
            return "short word"  # "In", "Or", "Us": short names only count in capitals (US, UK, UAE)
        if letters == 2 and not self._short_code_allowed(span, tokens):
            return "short code"
        # "NATO", "GRU", "APC": organisations, not the towns spelt alike. Nor is an acronym whose
        # letters folding merged ("CCA" is not "Ca.", California) one of the short forms we file.
        if surface.isupper() and letters <= 5 and (
                span.key not in index.abbreviations or len(span.key) < letters) and not _shouting(tokens, span):
            return "acronym"
        b = f - 1 if f > 0 else None  # the word before, and after
        # A surname seen elsewhere is weak evidence against "in Houston" or "near Brampton": a
        # preposition of place, and no possessive, make it the place again.
        if (span.key in people or (single and keys[f] in people)) and not _placed(tokens, span):
            return "person"
        a = last + 1 if last + 1 < len(tokens) else None
        # A title before a name ("Ms. Lee", "Col. Smith") is no abbreviated state ("Ms.", "Col.").
        if (single and keys[f] in wordlists.TITLES and a is not None and tokens.is_capitalised(a)
                and keys[a] not in wordlists.STOPWORDS and tokens.gap(a) in _TITLE_GAPS):
            return "title"
        # "Stevens & Wilkinson", "Marks & Spencer": a firm, unless both sides are well-known places
        # ("Trinidad & Tobago").
        partner = a if a is not None and tokens.gap(a).strip() == "&" else (
            b if b is not None and tokens.gap(f).strip() == "&" else None)
        if partner is not None and tokens.is_capitalised(partner) and not (
                self._key_prominence(keys[partner]) >= 5.5 and self._best_prominence(span) >= 5.5):
            return "organisation"
        first_gap = tokens.gap(f)
        after_gap = tokens.gap(a) if a is not None else ""
        before_key = keys[b] if b is not None else None
        after_key = keys[a] if a is not None else None
        before_capitalised = b is not None and tokens.is_capitalised(b)
        after_capitalised = a is not None and tokens.is_capitalised(a)
        joined_before = b is not None and _NAME_GAP.match(first_gap) is not None
        joined_after = a is not None and _NAME_GAP.match(after_gap) is not None
        # "Russia-Ukraine war", "Asia-Pacific": two places joined by a hyphen stay two places.
        if joined_before and "-" in first_gap and b in matched:
            joined_before = False
        if joined_after and "-" in after_gap and a in matched:
            joined_after = False

        # Part of a longer proper name: "Oliver Alexander", "Mr Alexander", "Getty Images Europe",
        # "Mike de Kock", "Mohammed bin Salman".
        if joined_before and before_key in wordlists.TITLES:
            return "person"
        if joined_before and before_capitalised:
            # (A code such as "A429" or "BC" before a place is no one's first name.)
            before_word = tokens.word(b)
            name_like_before = not (before_word.isupper() or any(ch.isdigit() for ch in before_word))
            if name_like_before and not tokens.sentence_start(f) and not (
                    before_key in wordlists.DESCRIPTORS or before_key in wordlists.STOPWORDS
                    or before_key in index.demonyms):
                return "longer name"
        if (joined_before and not before_capitalised and before_key in wordlists.NAME_PARTICLES
                and f >= 2 and tokens.is_capitalised(f - 2)
                and _NAME_GAP.match(tokens.gap(b)) and keys[f - 2] not in wordlists.STOPWORDS):
            return "longer name"
        # "Times of Israel", "Bank of England": a place inside an organisation's name.
        if (before_key == "of" and f >= 2 and tokens.is_capitalised(f - 2)
                and keys[f - 2] in wordlists.ORGANISATION_WORDS):
            return "named after"
        if joined_after and after_capitalised:
            following = _capitalised_run(tokens, a)
            if following[-1] in wordlists.STREET_WORDS:
                return "named after"
            if keys[last] in _ADMINISTRATIVE_AREA_WORDS or any(
                    k in wordlists.FACILITY_WORDS or k in wordlists.EVENT_WORDS or k in _PUBLIC_BODY_WORDS
                    for k in following):
                pass  # "Damascus Central Prison", "Dubai World Cup", "Ohio Department": the place is still there
            elif any(k in wordlists.ORGANISATION_WORDS for k in following):
                return "organisation"
            elif not (after_key in wordlists.DESCRIPTORS or after_key in wordlists.TITLES
                      or after_key in wordlists.STOPWORDS or after_key in index.demonyms):
                return "named after"  # "Riverdale Lukoil": a business named after the place
        speaks = after_key in wordlists.SPEECH_VERBS and not after_gap.strip()
        if speaks and single and self._best_prominence(span) < 6.0:
            return "person"  # "Alexander said": a person, unless a capital or a country speaks
        if (single and after_key in _PERSON_AFTER and not after_capitalised and after_gap in (" ", "-")
                and self._best_prominence(span) < 6.0):
            return "person"  # "the Obama administration", unless a capital's or a country's

        located = before_key in wordlists.LOCATIVE_PREPOSITIONS and not before_capitalised
        qualified = after_capitalised and _QUALIFIER_GAP.match(after_gap) is not None
        prominence = self._best_prominence(span)
        if single and keys[f] in wordlists.GIVEN_NAMES and not (located or qualified) and prominence < 6.0:
            return "person"  # "Olivia", "Eugene": a first name, unless the text puts it on a map

        # Also a common word: a capital at a sentence's start proves nothing; mid-sentence a capital
        # is good evidence of a name, and given names are weighed above.
        common = self.common_words.get(span.key, 0.0) if single else 0.0
        abbreviated = span.key in index.abbreviations and (dotted or surface.isupper())
        if common and not abbreviated:
            if tokens.sentence_start(f) and not (located or qualified) and prominence < 6.5 + (common - 3.0):
                return "common word"
            if common >= 5.0 and not (located or qualified) and prominence < 5.0:
                return "common word"  # mid-sentence, only the commonest words: "Hope", "Will"
            if before_key in _ARTICLES and prominence < 6.5:
                return "common word"  # "the Centre", "the Royal family": a title, not a place
        return None

    def _recognition(self, span: Span, tokens: Tokens, text: str, rescued: bool, repeats: int) -> Recognition:
        """The evidence an accepted span was recognised on, for the calibrated confidence."""
        keys = tokens.keys
        f, last = span.first, span.last
        b = f - 1 if f > 0 else None
        a = last + 1 if last + 1 < len(tokens) else None
        before_capitalised = b is not None and tokens.is_capitalised(b)
        after_capitalised = a is not None and tokens.is_capitalised(a)
        surface = text[tokens.start(f):tokens.end(last)]
        single = f == last
        return Recognition(
            sentence_start=tokens.sentence_start(f),
            located=b is not None and not before_capitalised and keys[b] in wordlists.LOCATIVE_PREPOSITIONS,
            qualified=after_capitalised and _QUALIFIER_GAP.match(tokens.gap(a)) is not None,
            common=self.common_words.get(span.key, 0.0) if single else 0.0,
            words=last - f + 1,
            upper=surface.isupper(),
            rescued=rescued,
            given_name=single and keys[f] in wordlists.GIVEN_NAMES,
            joined=(before_capitalised and _NAME_GAP.match(tokens.gap(f)) is not None)
            or (after_capitalised and _NAME_GAP.match(tokens.gap(a)) is not None),
            article=b is not None and keys[b] in _ARTICLES,
            short=(len(surface) if surface.isalpha() else sum(ch.isalpha() for ch in surface)) <= 4,
            repeats=repeats,
        )

    def _short_code_allowed(self, span: Span, tokens: Tokens) -> bool:
        """Two-letter codes: countries (US, UK) anywhere; states (IN, PA) only as "City, ST"."""
        for number in span.numbers:
            place, _ = self.gazetteer.place(number)
            if place.is_country:
                return True
        return span.first > 0 and tokens.gap(span.first).startswith(",")

    def _key_prominence(self, key: str) -> float:
        """The prominence of the likeliest place a single word names (-1 when it names none)."""
        numbers = self.gazetteer.index.numbers(key)
        return self.gazetteer.table.prominence(numbers[0]) if numbers else -1.0

    def _best_prominence(self, span: Span) -> float:
        return self.gazetteer.table.prominence(span.numbers[0])

    # -- resolving ----------------------------------------------------------------------------

    def _resolve(self, spans: list[Span], recognitions: list[Recognition], tokens: Tokens, text: str,
                 outer: DocumentContext | None) -> list[Found]:
        if not spans:
            return []
        ranked = self._ranked
        for span in spans:
            span.feature_hint = _feature_hint(tokens, span)
            candidates = ranked.get(span.numbers)
            if candidates is None:
                candidates = self.gazetteer.rank(span.numbers[:MAX_CANDIDATES], limit=0, lean=True)
                with self._lock:
                    if len(ranked) >= 50_000:
                        ranked.clear()
                    ranked[span.numbers] = candidates
            span.candidates = candidates

        w = self.weights
        countries: Counter = Counter(outer.countries) if outer else Counter()
        anchors: dict[str, Place] = {p.place_id: p for p in outer.places} if outer else {}
        regions: Counter = Counter(outer.regions) if outer else Counter()
        votes: dict[str, Counter] = {}  # each name's own votes for regions, left out when it is weighed
        sure: dict[tuple[int, ...], tuple] = {}
        for span in spans:
            found = sure.get(span.numbers)
            if found is None:
                found = sure[span.numbers] = self._sure_of(span)
            country, region, anchor = found
            if country:
                countries[country] += 1
            if region:
                regions[region] += 1
                votes.setdefault(span.key, Counter())[region] += 1
            if anchor is not None:
                anchors[anchor.place_id] = anchor

        scene = _Scene(w, countries, anchors, self.gazetteer.index.neighbours, regions, votes)
        found = []
        recognition_logit = self.calibration.recognition_logit
        # A name said again, with the same hints, scores the same: each is weighed once.
        memo: dict[tuple[str, frozenset[str]], tuple] = {}
        for span, recognition in zip(spans, recognitions, strict=True):
            memo_key = (span.key, span.feature_hint) if span.qualifier is None else None
            weighed = memo.get(memo_key) if memo_key else None
            if weighed is None:
                weighed = self._weigh(span, scene)
                if memo_key:
                    memo[memo_key] = weighed
            margin, places, resolutions, resolution_logits = weighed
            start, end = tokens.start(span.first), tokens.end(span.last)
            seen = recognition_features(recognition)
            chosen = recognition_logit("marker", seen)
            other = recognition_logit("alternative", seen) if len(places) > 1 else 0.0
            logits = [chosen + resolution_logits[0], *(other + z for z in resolution_logits[1:])]
            found.append(Found(start, end, text[start:end], margin, places, seen, resolutions, logits))
        return found

    def _sure_of(self, span: Span) -> tuple[str | None, tuple[str, str] | None, Place | None]:
        """What a span tells for sure whatever its context: the country and the first-level region
        of its best candidate when every close rival is in them too (Tartus the city or the
        province), and its best candidate as a spot when it is no area and its close rivals lie
        within 50 km (a country's point is a convention)."""
        top = span.candidates[0]
        margin = self.weights.confident_margin
        close = [c.place for c in span.candidates if top.score - c.score < margin]
        place = top.place
        country = place.country_code if place.country_code and all(
            p.country_code == place.country_code for p in close) else None
        region = _region(place)
        if region and not all(_region(p) == region for p in close):
            region = None
        anchor = place if not place.is_area and all(
            distance_km(place.latitude, place.longitude, p.latitude, p.longitude) < 50
            for p in close if not p.is_area) else None
        return country, region, anchor

    def _weigh(self, span: Span, scene: _Scene) -> tuple[float, list[Place], list[tuple[float, ...]], list[float]]:
        """The chosen place's margin, the chosen place and its runner-ups, their resolution features,
        and the resolution parts of their calibrated log-odds."""
        scored, region_shares = scene.score(span)
        best_score, best = scored[0][0], scored[0][1]
        runner_up = scored[1][0] if len(scored) > 1 else best_score - 4.0
        margin = best_score - runner_up
        # The largest share of another candidate's country (or region): the first or the second.
        country_rivals = _two_largest({s[1].country_code: s[4] for s in scored})
        region_rivals = _two_largest(region_shares)
        places, resolutions, logits = [], [], []
        logit, top_share, count = self.calibration.resolution_logit, scene.top_share, len(scored)
        for rank, (score, place, prominence, primary, share, hinted, qualifier, near, region) in enumerate(scored[:4]):
            # (positional, in the order of Resolution's fields)
            vector = resolution_features(Resolution(
                place, rank, margin if rank == 0 else score - best_score, count, prominence, primary, share,
                hinted, qualifier, near,
                0.0 if rank == 0 else distance_km(best.latitude, best.longitude, place.latitude, place.longitude),
                _rival(country_rivals, place.country_code), top_share,
                region_shares.get(region, 0.0) if region else 0.0, _rival(region_rivals, region),
            ))
            resolutions.append(vector)
            logits.append(logit("marker" if rank == 0 else "alternative", vector))
            places.append(place)
        return margin, places, resolutions, logits

    def _context(self, context: str) -> DocumentContext:
        with self._lock:
            cached = self._context_cache.get(context)
        if cached is not None:
            return cached
        found: list[Found] = []
        people: set[str] = set()
        for _, piece in _pieces(context):
            found.extend(self._parse(piece, None))
            people |= _people(tokenize(piece))
        countries: Counter = Counter()
        regions: Counter = Counter()
        for f in found:
            if f.places[0].country_code:
                countries[f.places[0].country_code] += 1
            if _sigmoid(f.margin) >= 0.7 and _region(f.places[0]):
                regions[_region(f.places[0])] += 1
        # Sure places: a lead of about 0.85 over the runner-up (a margin's sigmoid of 0.7).
        places = tuple({f.places[0].place_id: f.places[0] for f in found
                        if round(_sigmoid(f.margin), 4) >= 0.7 and not f.places[0].is_area}.values())
        keys = frozenset(normalize_name(f.text) for f in found)
        result = DocumentContext(countries, frozenset(people), places[:200], keys, regions)
        with self._lock:
            if len(self._context_cache) > 32:
                self._context_cache.clear()
            self._context_cache[context] = result  # keyed by the text itself: no hash collisions
        return result


def _region(place: Place) -> tuple[str, str] | None:
    """A place's first-level region (country code, admin1 code), when it has one."""
    return (place.country_code, place.admin1_code) if place.admin1_code and place.country_code else None


def _placed(tokens: Tokens, span: Span) -> bool:
    """Whether a preposition of place puts the span on a map ("in Houston"; not "in Houston’s")."""
    b = span.first - 1
    return (b >= 0 and tokens.keys[b] in _STRONG_LOCATIVES and not tokens.is_capitalised(b)
            and tokens.end(span.last) == tokens._offsets[2 * span.last + 1])


def _two_largest(shares: dict) -> tuple:
    """(key of the largest value, the largest value, the second largest value); 0.0 for none."""
    first_key, first, second = None, 0.0, 0.0
    for key, value in shares.items():
        if first_key is None or value > first:
            first_key, first, second = key, value, first if first_key is not None else 0.0
        elif value > second:
            second = value
    return first_key, first, second


def _rival(largest: tuple, own) -> float:
    """The largest share of a key other than `own`."""
    first_key, first, second = largest
    if first_key is None:
        return 0.0
    return second if first_key == own else first


def _first_negated(item: tuple) -> float:
    return -item[0]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@lru_cache(maxsize=100_000)
def _primary_key(name: str) -> str:
    return normalize_name(name)


def _name_starts(tokens: Tokens) -> list[int]:
    """Where a name may start: a capitalised word, or an article before one ("al-Qamishli")."""
    starts = []
    for i in tokens.capitalised:
        if i > 0 and (not starts or starts[-1] != i - 1) and tokens.keys[i - 1] in wordlists.ARTICLES:
            starts.append(i - 1)
        starts.append(i)
    return starts


def _capitalised_run(tokens: Tokens, start: int) -> list[str]:
    """Keys of the capitalised words from `start` on that are joined into one name."""
    keys = []
    for i in range(start, min(len(tokens), start + MAX_NAME_TOKENS)):
        if keys and _NAME_GAP.match(tokens.gap(i)) is None:
            break
        key = tokens.keys[i]
        if not (tokens.is_capitalised(i) or key in wordlists.NAME_CONNECTORS):
            break
        keys.append(key)
    return keys


def _shouting(tokens: Tokens, span: Span) -> bool:
    """True when the span's line is written in capitals ("SAN ANTONIO (AP) —")."""
    nearby = [tokens.word(i) for i in range(max(0, span.first - 3), min(len(tokens), span.last + 4))]
    words = [w for w in nearby if len(w) > 1]
    return len(words) >= 3 and all(w.isupper() for w in words)


def _people(tokens: Tokens) -> frozenset[str]:
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
        if _NAME_GAP.match(gap) is None:
            continue
        previous = tokens.keys[before]
        if previous in wordlists.TITLES or previous in wordlists.GIVEN_NAMES:
            people.add(tokens.keys[i])
    return frozenset(people)


def _attach_qualifiers(spans: list[Span], tokens: Tokens) -> None:
    """"Tripoli, Lebanon" or "Paris, Texas": the second name qualifies the first."""
    for a, b in itertools.pairwise(spans):
        if b.first == a.last + 1 and _QUALIFIER_GAP.match(tokens.gap(b.first)):
            a.qualifier = b


def _within(place: Place, qualifier: Span) -> bool:
    for c in qualifier.candidates[:5]:
        q = c.place
        if q.is_country and place.country_code == q.country_code:
            return True
        if q.feature_code == "ADM1" and place.country_code == q.country_code and (
                place.admin1_name == q.name or (place.admin1_code and place.admin1_code == q.admin1_code)):
            return True
    return False


def _feature_hint(tokens: Tokens, span: Span) -> frozenset[str]:
    before = tokens.keys[span.first - 1] if span.first > 0 else ""
    after = span.last + 1
    if (after >= len(tokens) or tokens.keys[after] not in _HINT_FIRST_WORDS) and \
            before not in wordlists.FEATURE_HINTS_BEFORE:
        return _NO_HINT
    return _hinted_codes(" ".join(tokens.keys[after:after + 2]), before)


_NO_HINT: frozenset[str] = frozenset()
_HINT_FIRST_WORDS = frozenset(phrase.split(" ")[0] for phrase in wordlists.FEATURE_HINTS_AFTER)


@lru_cache(maxsize=1 << 15)
def _hinted_codes(following: str, before: str) -> frozenset[str]:
    """Feature codes hinted by the words after a name ("air base") and the word before ("Mount")."""
    codes: set[str] = set()
    for phrase, hinted in wordlists.FEATURE_HINTS_AFTER.items():
        if following == phrase or following.startswith(phrase + " "):
            codes |= hinted
    codes |= wordlists.FEATURE_HINTS_BEFORE.get(before, frozenset())
    return frozenset(codes)


_UNSET = object()


class _Scene:
    """What a document says that weighs its candidates: the countries it is sure of, and its spots
    (places sure within 50 km), each counted once."""

    def __init__(self, weights: Weights, countries: Counter, anchors: dict[str, Place],
                 neighbours: dict[str, frozenset[str]], regions: Counter | None = None,
                 votes: dict[str, Counter] | None = None):
        self.weights = weights
        self.countries = countries
        self.total = sum(countries.values()) or 1
        self.regions = regions or Counter()
        self.regions_total = sum(self.regions.values())
        self.votes = votes or {}
        self.spots = _Spots(list(anchors.values()))
        self.neighbours = neighbours
        self._nearest: dict[tuple[str, str], float | None] = {}
        self._bordering: dict[str, int] = {}

    def score(self, span: Span) -> tuple[list[tuple], dict[tuple[str, str], float]]:
        """The span's candidates, best first, each with what weighed for it: (score in context, place,
        prominence, own name?, country share, kind hinted?, qualifier fits?, km to the nearest sure
        place, first-level region); and the regions' shares."""
        w, countries, total = self.weights, self.countries, self.total
        key = span.key
        nearest, neighbours, bordering_count = self._nearest, self.neighbours, self._bordering
        own: set[str] | None = None
        region_shares = self.region_shares(span)
        region_weight = w.region_share if region_shares else 0.0
        hints, qualifier = span.feature_hint, span.qualifier
        has_spots = bool(self.spots)
        scored = []
        for c in span.candidates:
            place = c.place
            score = c.prominence
            name = place.name
            # (asciiname is the very same string as name for nearly every place)
            primary = _primary_key(name) == key or (
                place.asciiname is not name and _primary_key(place.asciiname) == key)
            if primary:
                score += w.primary_name
            cc = place.country_code
            share = countries.get(cc, 0) / total
            if share:
                score += w.country_present + w.country_share * share
            bordering = neighbours.get(cc)
            if bordering:
                count = bordering_count.get(cc)
                if count is None:
                    count = bordering_count[cc] = sum(countries.get(n, 0) for n in bordering)
                score += w.neighbour_share * count / total
            region = (cc, place.admin1_code) if place.admin1_code and cc else None  # _region(place)
            if region_weight:
                region_share = region_shares.get(region, 0.0)
                if region_share:
                    score += region_weight * region_share
            hinted = bool(hints) and place.feature_code in hints
            if hinted:
                score += w.feature_hint
            qualified = qualifier is not None and _within(place, qualifier)
            if qualified:
                score += w.qualifier
            if has_spots:
                cache_key = (place.place_id, key)
                near = nearest.get(cache_key, _UNSET)
                if near is _UNSET:
                    if own is None:
                        own = {c.place.place_id for c in span.candidates}
                    near = nearest[cache_key] = self.spots.nearest(place, own)
                if near is not None:
                    score -= w.distance * math.log10(1 + near / 50.0)
            else:
                near = None
            scored.append((score, place, c.prominence, primary, share, hinted, qualified, near, region))
        scored.sort(key=_first_negated)
        return scored, region_shares

    @property
    def top_share(self) -> float:
        """The largest share of the document's sure places in one country."""
        return max(self.countries.values(), default=0) / self.total

    def region_shares(self, span: Span) -> dict[tuple[str, str], float]:
        """The share of the document's other sure places in each first-level region of the span's
        candidates."""
        own = self.votes.get(span.key)
        if own is None:
            if not self.regions_total:
                return {}
            return {r: self.regions.get(r, 0) / self.regions_total
                    for r in map(_region, (c.place for c in span.candidates)) if r}
        # The name's own votes do not count: one mention cannot confirm its own reading.
        total = self.regions_total - sum(own.values())
        if not total:
            return {}
        return {r: (self.regions.get(r, 0) - own.get(r, 0)) / total
                for r in map(_region, (c.place for c in span.candidates)) if r}


class _Spots:
    """The places a document is sure of, with their trigonometry done once: the nearest of them to
    a candidate, as `distance_km` would give it, in a fraction of the time."""

    __slots__ = ("_spots",)

    def __bool__(self) -> bool:
        return bool(self._spots)

    def __init__(self, places: list[Place]):
        self._spots = []
        for p in places:
            lat = math.radians(p.latitude)
            self._spots.append((p.place_id, lat, math.cos(lat), p.longitude))

    def nearest(self, place: Place, exclude: set[str]) -> float | None:
        """Km to the nearest spot that is not one of `exclude` (the candidate's rivals), or None."""
        if not self._spots:
            return None
        p1 = math.radians(place.latitude)
        cos1 = math.cos(p1)
        lon1 = place.longitude
        sin, radians = math.sin, math.radians
        least = None
        # distance_km's haversine term; the distance grows with it, so its least gives the least.
        for place_id, p2, cos2, lon2 in self._spots:
            if place_id in exclude:
                continue
            north_south = sin((p2 - p1) / 2) ** 2
            if least is not None and north_south >= least:
                continue  # the whole term is at least this much: no nearer
            h = north_south + cos1 * cos2 * sin(radians(lon2 - lon1) / 2) ** 2
            if least is None or h < least:
                least = h
        if least is None:
            return None
        return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(least)))


def _pieces(text: str):
    """Split long text at paragraph or line breaks near CHUNK_CHARS, keeping offsets."""
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK_CHARS)
        if end < len(text):
            cut = text.rfind("\n", start + CHUNK_CHARS // 2, end)
            end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end


_default_parser: Geoparser | None = None
_default_lock = threading.Lock()


def default_geoparser() -> Geoparser:
    global _default_parser
    with _default_lock:
        if _default_parser is None:
            _default_parser = Geoparser()
        return _default_parser


def geoparse(text: str, context: str | None = None, *, gazetteer: Gazetteer | None = None) -> list[Mention]:
    """The places `text` names, in order, with offsets into `text` and runner-up candidates.

    `context` is the surrounding document (for a live-blog entry, the whole blog): it tells which
    countries are in play and which names are people.
    """
    parser = Geoparser(gazetteer) if gazetteer is not None else default_geoparser()
    return parser.parse(text, context)
