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
countries the document (and its `context`) talks about, "X, Region" qualifiers, kind hints ("the X
air base", "X province") and closeness to the other places mentioned.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass, field

from gazetteer import wordlists
from gazetteer.index import distance_km
from gazetteer.lookup import Candidate, Gazetteer
from gazetteer.normalize import fold_word, strip_article
from gazetteer.places import Mention, Place

MAX_NAME_TOKENS = 6
MAX_CANDIDATES = 24
# Text longer than this is parsed in pieces: memory and time stay linear, offsets stay exact.
CHUNK_CHARS = 200_000

_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_][^\W_]*(?:['’ʼ][^\W_]+)*")
_POSSESSIVE = re.compile(r"['’ʼ]s$", re.IGNORECASE)
# What may stand between two words of one name: spaces or a hyphen ("al-Qamishli", "Tel Aviv").
_NAME_GAP = re.compile(r"^(?:[ \t\u00a0]+|[-‐‑])$")
_SENTENCE_END = re.compile(r"[.!?:;\n\"“”‘(\[•·|—]\s*$")
_QUALIFIER_GAP = re.compile(r"^,[ \t]+$")
_OTHER_NAMES = frozenset({"person", "longer name", "organisation"})


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


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """What a surrounding document says: its countries, its people, its confidently placed places."""

    countries: Counter
    people: frozenset[str]
    places: tuple[Place, ...]


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    previous_end = 0
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        word = match.group()
        possessive = _POSSESSIVE.search(word)
        if possessive and len(word) > 3:
            end -= len(possessive.group())
            word = word[: len(word) - len(possessive.group())]
        gap = text[previous_end:start]
        sentence_start = not tokens or bool(_SENTENCE_END.search(gap)) or _ends_sentence(tokens[-1], gap)
        tokens.append(Token(start, end, word, fold_word(word), word[:1].isupper(), sentence_start,
                            text[tokens[-1].end if tokens else 0:start]))
        previous_end = match.end()
    return tokens


def _ends_sentence(previous: Token, gap: str) -> bool:
    # "... in Syria. The" ends a sentence; "Mr. Smith" and "U.S. forces" do not.
    return gap.startswith(".") and previous.key not in wordlists.TITLES and "." not in previous.text


class Geoparser:
    """Finds and resolves place mentions with one gazetteer. Thread-safe; reuse one instance."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or Gazetteer.default()
        self.common_words: dict[str, float] = self.gazetteer.index.common_words
        self._context_cache: dict[int, DocumentContext] = {}
        self._lock = threading.Lock()

    # -- public -------------------------------------------------------------------------------

    def parse(self, text: str, context: str | None = None) -> list[Mention]:
        if not isinstance(text, str):
            raise TypeError(f"geoparse() needs text, not {type(text).__name__}")
        if not text.strip():
            return []
        outer = self._context(context) if context else None
        if len(text) <= CHUNK_CHARS:
            return self._parse(text, outer)
        mentions: list[Mention] = []
        for offset, piece in _pieces(text):
            for m in self._parse(piece, outer):
                mentions.append(Mention(m.start + offset, m.end + offset, m.text, m.place, m.score,
                                        m.alternatives))
        return mentions

    # -- finding ------------------------------------------------------------------------------

    def _parse(self, text: str, outer: DocumentContext | None) -> list[Mention]:
        tokens = tokenize(text)
        spans = self._match_spans(tokens)
        people = _people(tokens) | (outer.people if outer else frozenset())
        reasons = [self._rejection(s, tokens, people, text) for s in spans]
        # A name seen inside a person's or an organisation's name ("Oliver Alexander", "Carnegie
        # Endowment") is that person or organisation when it comes back alone ("Alexander said").
        named_otherwise = people | {s.key for s, r in zip(spans, reasons, strict=True) if r in _OTHER_NAMES}
        accepted = [s for s, r in zip(spans, reasons, strict=True) if r is None and not (
            s.first == s.last and s.key in named_otherwise and self._best_prominence(s) < 6.0)]
        _attach_qualifiers(accepted, tokens)
        return self._resolve(accepted, tokens, text, outer)

    def _match_spans(self, tokens: list[Token]) -> list[Span]:
        """Longest gazetteer names over the words, left to right, starting at a capital."""
        numbers_for = self.gazetteer.numbers_for_key
        spans: list[Span] = []
        i, n = 0, len(tokens)
        while i < n:
            token = tokens[i]
            starts_name = token.capitalised or (
                token.key in wordlists.ARTICLES and i + 1 < n and tokens[i + 1].capitalised
            )
            if not starts_name:
                i += 1
                continue
            best: Span | None = None
            keys = [token.key]
            for j in range(i, min(n, i + MAX_NAME_TOKENS)):
                if j > i:
                    gap = _gap(tokens, j)
                    if not _NAME_GAP.match(gap) and not (gap == ". " and len(tokens[j - 1].text) <= 3):
                        break
                    keys.append(tokens[j].key)
                    if not (tokens[j].capitalised or tokens[j].key in wordlists.NAME_CONNECTORS):
                        break
                if not tokens[j].capitalised and j > i and tokens[j].key in wordlists.NAME_CONNECTORS:
                    continue  # a name never ends on "of" or "al"
                key = " ".join(strip_article(keys))
                numbers = numbers_for(key)
                if numbers:
                    best = Span(i, j, key, numbers)
            if best is not None:
                spans.append(best)
                i = best.last + 1
            else:
                i += 1
        return spans

    def _rejection(self, span: Span, tokens: list[Token], people: frozenset[str], text: str) -> str | None:
        """Why a span is not a place here (a short reason), or None when it is one."""
        index = self.gazetteer.index
        first, last = tokens[span.first], tokens[span.last]
        surface = text[first.start:last.end]
        single = span.first == span.last
        if span.key in index.demonyms:
            return "demonym"
        if span.key in wordlists.STOPWORDS or (single and first.key in wordlists.NOT_PLACE_WORDS):
            return "common word"
        letters = sum(ch.isalpha() for ch in surface)
        if letters <= 3 and not (surface.isupper() or "." in surface):
            return "short word"  # "In", "Or", "Us": short names only count in capitals (US, UK, UAE)
        if letters == 2 and not self._short_code_allowed(span, tokens):
            return "short code"
        if span.key in people or (single and first.key in people):
            return "person"
        before = tokens[span.first - 1] if span.first > 0 else None
        after = tokens[span.last + 1] if span.last + 1 < len(tokens) else None
        joined_before = before is not None and _NAME_GAP.match(first.gap) is not None
        joined_after = after is not None and _NAME_GAP.match(after.gap) is not None

        # Part of a longer proper name: "Oliver Alexander", "Mr Alexander", "Getty Images Europe".
        if joined_before and before.key in wordlists.TITLES:
            return "person"
        if joined_before and before.capitalised and not first.sentence_start and not (
                before.key in wordlists.DESCRIPTORS or before.key in wordlists.STOPWORDS
                or before.key in index.demonyms):
            return "longer name"
        # "Times of Israel", "Bank of England": a place inside an organisation's name.
        if (before is not None and before.key == "of" and span.first >= 2
                and tokens[span.first - 2].capitalised
                and tokens[span.first - 2].key in wordlists.ORGANISATION_WORDS):
            return "organisation"
        if joined_after and after.capitalised:
            following = [t.key for t in tokens[span.last + 1: span.last + 4]]
            if any(k in wordlists.FACILITY_WORDS for k in following):
                pass  # "Damascus Central Prison": a place inside a facility's name is still there
            elif any(k in wordlists.ORGANISATION_WORDS for k in following[:2]):
                return "organisation"
            elif not (after.key in wordlists.DESCRIPTORS or after.key in wordlists.TITLES
                      or after.key in wordlists.STOPWORDS or after.key in index.demonyms):
                return "longer name"
        speaks = after is not None and after.key in wordlists.SPEECH_VERBS and not after.gap.strip()
        if speaks and single and self._best_prominence(span) < 6.0:
            return "person"  # "Alexander said": a person, unless a capital or a country speaks

        # Also a common word: a capital at a sentence's start proves nothing.
        common = self.common_words.get(span.key, 0.0) if single else 0.0
        if common:
            prominence = self._best_prominence(span)
            if first.sentence_start and prominence < 6.5 + (common - 3.0):
                return "common word"
            located = before is not None and before.key in wordlists.LOCATIVE_PREPOSITIONS
            qualified = (after is not None and after.capitalised
                         and _QUALIFIER_GAP.match(after.gap) is not None)
            if not (located or qualified) and prominence < 5.0 + common:
                return "common word"
        return None

    def _short_code_allowed(self, span: Span, tokens: list[Token]) -> bool:
        """Two-letter codes: countries (US, UK) anywhere; states (IN, PA) only as "City, ST"."""
        for number in span.numbers:
            place, _ = self.gazetteer.index.place(number)
            if place.feature_code.startswith("PCL"):
                return True
        return span.first > 0 and _gap(tokens, span.first).startswith(",")

    def _best_prominence(self, span: Span) -> float:
        return self.gazetteer.index.place(span.numbers[0])[1]

    # -- resolving ----------------------------------------------------------------------------

    def _resolve(self, spans: list[Span], tokens: list[Token], text: str,
                 outer: DocumentContext | None) -> list[Mention]:
        if not spans:
            return []
        rank = self.gazetteer.rank
        for span in spans:
            span.feature_hint = _feature_hint(tokens, span)
            span.candidates = rank(span.numbers[:MAX_CANDIDATES], limit=0)

        countries: Counter = Counter(outer.countries) if outer else Counter()
        anchors: list[Place] = list(outer.places) if outer else []
        for span in spans:
            top = span.candidates[0]
            confident = len(span.candidates) == 1 or top.score - span.candidates[1].score >= 1.5
            if top.place.feature_code.startswith("PCL"):
                countries[top.place.country_code] += 2
            elif confident and top.place.country_code:
                countries[top.place.country_code] += 1
            if confident:
                anchors.append(top.place)

        total = sum(countries.values()) or 1
        mentions = []
        for span in spans:
            scored = []
            for c in span.candidates:
                place = c.place
                score = c.prominence
                share = countries.get(place.country_code, 0) / total
                if share:
                    score += 1.0 + 3.0 * share
                if span.feature_hint and place.feature_code in span.feature_hint:
                    score += 3.0
                if span.qualifier is not None and _within(place, span.qualifier):
                    score += 5.0
                near = _nearest(place, anchors, exclude=span.candidates)
                if near is not None:
                    score -= 0.8 * math.log10(1 + near / 50.0)
                scored.append((score, place))
            scored.sort(key=lambda s: -s[0])
            best_score, best = scored[0]
            runner_up = scored[1][0] if len(scored) > 1 else best_score - 4.0
            confidence = 1.0 / (1.0 + math.exp(-(best_score - runner_up)))
            first, last = tokens[span.first], tokens[span.last]
            mentions.append(Mention(
                start=first.start, end=last.end, text=text[first.start:last.end], place=best,
                score=round(confidence, 4),
                alternatives=tuple((p, round(s, 3)) for s, p in scored[1:4]),
            ))
        return mentions

    def _context(self, context: str) -> DocumentContext:
        key = hash(context)
        with self._lock:
            cached = self._context_cache.get(key)
        if cached is not None:
            return cached
        mentions = self._parse(context, None) if len(context) <= CHUNK_CHARS else [
            m for _, piece in _pieces(context) for m in self._parse(piece, None)]
        tokens = tokenize(context[:CHUNK_CHARS])
        countries: Counter = Counter()
        for m in mentions:
            if m.place.country_code:
                countries[m.place.country_code] += 2 if m.place.feature_code.startswith("PCL") else 1
        places = tuple(m.place for m in mentions if m.score >= 0.8 and not m.place.is_area)
        result = DocumentContext(countries, _people(tokens), places[:200])
        with self._lock:
            if len(self._context_cache) > 32:
                self._context_cache.clear()
            self._context_cache[key] = result
        return result


def _gap(tokens: list[Token], j: int) -> str:
    """The text between token j-1 and token j."""
    return tokens[j].gap


def _people(tokens: list[Token]) -> frozenset[str]:
    """Surnames the text uses for people: the word after a title ("Mr Alexander") or after a
    given name ("Charles Lister"). They stay people for the rest of the document."""
    people = set()
    for previous, token in itertools.pairwise(tokens):
        if not (token.capitalised and previous.capitalised) or _NAME_GAP.match(token.gap) is None:
            continue
        if previous.key in wordlists.TITLES or previous.key in wordlists.GIVEN_NAMES:
            people.add(token.key)
    return frozenset(people)


def _attach_qualifiers(spans: list[Span], tokens: list[Token]) -> None:
    """"Tripoli, Lebanon" or "Paris, Texas": the second name qualifies the first."""
    for a, b in itertools.pairwise(spans):
        if b.first == a.last + 1 and _QUALIFIER_GAP.match(_gap(tokens, b.first)):
            a.qualifier = b


def _within(place: Place, qualifier: Span) -> bool:
    for c in qualifier.candidates[:5]:
        q = c.place
        if q.feature_code.startswith("PCL") and place.country_code == q.country_code:
            return True
        if q.feature_code == "ADM1" and place.country_code == q.country_code and (
                place.admin1_name == q.name or (place.admin1_code and place.admin1_code == q.admin1_code)):
            return True
    return False


def _feature_hint(tokens: list[Token], span: Span) -> frozenset[str]:
    words = " ".join(t.key for t in tokens[span.last + 1: span.last + 3])
    before = tokens[span.first - 1].key if span.first > 0 else ""
    codes: set[str] = set()
    for phrase, hinted in wordlists.FEATURE_HINTS_AFTER.items():
        if words == phrase or words.startswith(phrase + " "):
            codes |= hinted
    codes |= wordlists.FEATURE_HINTS_BEFORE.get(before, frozenset())
    return frozenset(codes)


def _nearest(place: Place, anchors: list[Place], exclude: list[Candidate]) -> float | None:
    if not anchors:
        return None
    own = {c.place.place_id for c in exclude}
    distances = [distance_km(place.latitude, place.longitude, a.latitude, a.longitude)
                 for a in anchors if a.place_id not in own]
    return min(distances) if distances else None


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
