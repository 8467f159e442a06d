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

One module on purpose, though long: the `Geoparser` class's recognition and resolution steps share
its gazetteer, weights and calibration. The pieces that stand alone are `gazetteer.tokens` (words),
`gazetteer.spans` (evidence around a name) and `gazetteer.scene` (what a document is about).

Speed: one split of the text gives every word; a word's folded key comes from a cache; whole
`Token`s are built only around names; candidates come from an in-memory table of places
(`gazetteer.placetable`); what a document is sure of is worked out once per name.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

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
from gazetteer.normalize import ARTICLE_WORDS, fold_word, normalize_name, strip_article
from gazetteer.places import Mention, Place
from gazetteer.scene import Scene, Weights, logistic, region_of, rival_share, two_largest
from gazetteer.spans import (
    MAX_NAME_TOKENS,
    NAME_GAP,
    QUALIFIER_GAP,
    STRONG_LOCATIVES,
    Span,
    attach_qualifiers,
    capitalised_run,
    dateline,
    feature_hint,
    name_starts,
    people_named,
    placed,
    primary_key,
    shouting,
)
from gazetteer.streets import ROAD_ABBREVIATIONS, ROAD_SURFACES, Street, find_streets
from gazetteer.tokens import APOSTROPHES, POSSESSIVE, Tokens, tokenize

MAX_CANDIDATES = 24


# Text longer than this is parsed in pieces: memory and time stay linear, offsets stay exact.
CHUNK_CHARS = 200_000


_TITLE_GAPS = frozenset({" ", ". ", ".", "\u00a0", ".\u00a0"})


_ARTICLES = frozenset({"the", "a", "an", "this", "that", "its", "their", "our"})
_UNREAD = object()


# Reasons that make a name someone's or something's for the rest of the document. "named after"
# does not: "The News & Observer of Raleigh" or "Riverdale Lukoil" leave Raleigh and Riverdale
# places; nor, but for a hamlet's name, does "organisation" (below).
_OTHER_NAMES = frozenset({"person", "longer name"})


# The prominence (about log10 of the population, with a bonus for the kind of place) of a town
# whose name stays a place when an organisation is named after it (fitted on the development
# corpora as a whole: above it, nearly every later lone mention is the town).
_TOWN_PROMINENCE = 4.5


# After a place, a public body of that place: "Ohio Department of Health", "Polk County Coroner",
# "Dayton Township", "Fulton Superior Court", "Kansas Highway Patrol", "Dublin City Manager", "Athens
# Parks and Recreation". The place is still meant (a modifier), not a name.
_PUBLIC_BODY_WORDS = frozenset(fold_word(w) for w in """
department dept board township twp coroner attorney courthouse chamber district superior supreme
circuit legislature senate assembly treasury municipal public health patrol guard magistrate
magistrates division services recreation parks manager commissioner commissioners administrator
""".split())


# The levels of a town's schools: "Norfolk High School", "East Bank Middle School".
_SCHOOL_LEVEL_WORDS = frozenset(fold_word(w) for w in "high middle elementary junior senior primary secondary".split())


# Names that say they are an administrative area: what follows them is one of its bodies
# ("Kanawha County Commission", "Morrow County Municipal Court"), unless it is a road.
_ADMINISTRATIVE_AREA_WORDS = frozenset(fold_word(w) for w in "county parish borough township".split())


# Words that make what goes before them a road: "Cass County Road 12", "Polk County Highway".
_ROAD_WORDS = frozenset(fold_word(w) for w in """
street st avenue ave road rd boulevard blvd lane drive way parkway highway hwy route line pike
""".split())


# Prepositions that put an area on a map: "within the EU".
_AREA_LOCATIVES = STRONG_LOCATIVES | {fold_word("within")}
# Before a three-letter name written in lower case (Qom, Van): the prepositions of place, but not those
# that also name what a thing is of or about ("of", "off", "over").
_SHORT_NAME_LOCATIVES = wordlists.LOCATIVE_PREPOSITIONS - {fold_word(w) for w in ("of", "off", "over")}


# Plural area words, and their singular in the gazetteer's names: "Cook and DuPage counties".
_AREA_PLURALS = {fold_word(plural): fold_word(singular) for plural, singular in (
    ("counties", "county"), ("parishes", "parish"), ("boroughs", "borough"), ("townships", "township"))}
# (Looked for as plain substrings first: a regular expression over every text cost 7% of the time.)
_AREA_PLURAL_ENDINGS = ("ounties", "arishes", "oroughs", "ownships")
_LIST_WORDS = frozenset(fold_word(w) for w in ("and", "or"))


# Kind words that belong to the name they follow or precede when the gazetteer lacks the whole
# name ("Harlow River", "Lake Brennan", "Gulf of Aden"): general geography, not any text's names.
_KIND_AFTER = frozenset(fold_word(w) for w in """
county parish province river lake mountains mountain island islands gulf strait bay creek valley
peninsula canal reservoir
""".split())
_KIND_BEFORE = frozenset(fold_word(w) for w in "lake mount gulf strait isle island bay river".split())
_KIND_OF = frozenset({fold_word("of")})


# After a building, the staff that make it stand for the government in it ("White House aides",
# "Pentagon officials", "Kremlin spokesman").
_STAFF_WORDS = frozenset(fold_word(w) for w in """
aide aides staff staffer staffers official officials spokesman spokeswoman spokesperson press chief
chiefs strategist counsel adviser advisers advisor advisors lawyer lawyers
""".split())
_BY = fold_word("by")


# After a short name, what makes it a person's: "the Obama administration", "the Obama-era rule".
_PERSON_AFTER = frozenset(fold_word(w) for w in "administration presidency era campaign".split())


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
class DocumentContext:
    """What a surrounding document says: its countries and regions, its people, its confidently placed
    places."""

    countries: Counter
    people: frozenset[str]
    places: tuple[Place, ...]
    place_keys: frozenset[str]
    regions: Counter = field(default_factory=Counter)


class Geoparser:
    """Finds and resolves place mentions with one gazetteer. Thread-safe; reuse one instance."""

    def __init__(self, gazetteer: Gazetteer | None = None, weights: Weights | None = None,
                 calibration: Calibration | None = None):
        self.gazetteer = gazetteer or Gazetteer.default()
        self.weights = weights or Weights()
        self.calibration = calibration or default_calibration()
        self.common_words: dict[str, float] = self.gazetteer.index.common_words
        self.gazetteer.table  # noqa: B018 - loaded now (start-up), not during the first parse
        # The names' lookup, bound once: the name matcher asks it at every capitalised word.
        self._look = self.gazetteer.index.names.look
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

    def rejections(self, text: str) -> list[tuple[int, int, str | None]]:
        """Every gazetteer name the text holds, as (start, end, why it is not a place here), the
        reason None where it is taken for one on its own evidence (before one sense per discourse):
        what the error classes of `bench/tune_geoparser.py --misses` are read from."""
        tokens = tokenize(text)
        spans = self._match_spans(tokens)
        people = people_named(tokens)
        matched = {s.first for s in spans} | {s.last for s in spans}
        return [(tokens.start(s.first), tokens.end(s.last),
                 None if s.listed_area else self._rejection(s, tokens, people, text, matched)) for s in spans]

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
        people = people_named(tokens) | (outer.people if outer else frozenset())
        matched = {s.first for s in spans} | {s.last for s in spans}
        # An area a plural names ("Swift and Wilkin counties") needs no more evidence: the plural
        # says what the capitalised words are, even a surname's or a common word's.
        reasons = [None if s.listed_area else self._rejection(s, tokens, people, text, matched) for s in spans]
        # One sense per discourse: a name accepted once ("in Reading") is a place when it opens a
        # sentence too; a name seen inside a person's or an organisation's name ("Oliver Alexander",
        # "Carnegie Endowment") is that person or organisation when it comes back alone.
        places = {s.key for s, r in zip(spans, reasons, strict=True) if r is None}
        if outer is not None:
            places |= outer.place_keys
        # An organisation named after a town ("Arlington Chamber of Commerce") leaves the town a
        # place when it comes back alone ("a Columbia woman"): only a hamlet's name, seen mostly
        # in its namesakes ("Carnegie Endowment"), becomes the organisation's.
        # A first name is a person's only where the document does not put the same name on a map
        # ("in Nelson", "near Nelson": "the Nelson office" is then the town's); a weaker preposition
        # proves nothing for a name ("to Lucy", "of Sarah").
        mapped = {s.key for s, r in zip(spans, reasons, strict=True) if r is None and placed(tokens, s)}
        named_otherwise = people | {s.key for s, r in zip(spans, reasons, strict=True) if r in _OTHER_NAMES or (
            r == "organisation" and self._best_prominence(s) < _TOWN_PROMINENCE) or (
            r == "given name" and s.key not in mapped)}
        accepted = []
        rescued = set()
        for span, reason in zip(spans, reasons, strict=True):
            if (reason == "common word" and span.key in places) or (reason == "given name" and span.key in mapped):
                reason = None
                rescued.add(span.first)
            single = span.first == span.last
            if (reason is None and single and span.key in named_otherwise and self._best_prominence(span) < 6.0
                    and not placed(tokens, span)):
                reason = "named otherwise"
            if reason is None:
                accepted.append(span)
        attach_qualifiers(accepted, tokens)
        repeats = Counter(s.key for s in accepted)
        recognitions = [self._recognition(s, tokens, text, s.first in rescued, repeats[s.key]) for s in accepted]
        found = self._resolve(accepted, recognitions, tokens, text, outer)
        if any(word in text for word in ROAD_SURFACES):
            found = self._place_streets(found, spans, tokens, text)
        return found

    def _match_spans(self, tokens: Tokens) -> list[Span]:
        """Longest gazetteer names over the words, left to right, starting at a capital."""
        keys, parts, raw = tokens.keys, tokens._parts, tokens._raw
        spans: list[Span] = []
        n = len(tokens)
        resume = 0  # after a name, the next one starts past its end
        text = tokens._text
        listed = self._listed_areas(tokens) if any(e in text for e in _AREA_PLURAL_ENDINGS) else {}
        for i in name_starts(tokens):
            if i < resume:
                continue
            if i in listed:
                last, key, found = listed[i]
                spans.append(Span(i, last, key, found, listed_area=True))
                resume = last + 1
                continue
            best = self._longest_name(tokens, i)
            kind_word = None
            if keys[i] in _KIND_BEFORE and (best is None or best[0] == i):
                # Span boundaries: "Lake Brennan", "Gulf of Aden", "Mount Hermon" when the gazetteer
                # lacks the whole name: the kind word and the name after it are one span, whose
                # places are the name's, with the kind as a hint ("Lake" prefers lakes).
                inner = i + 2 if i + 2 < n and keys[i + 1] in _KIND_OF and parts[2 * i + 2] == " " else i + 1
                if inner < n and parts[2 * inner] == " " and raw[inner][0].isupper():
                    named = self._longest_name(tokens, inner)
                    if named is not None:
                        best, kind_word = (named[0], " ".join(keys[i:named[0] + 1]), named[2]), i
            if best is not None:
                last, key, found = best
                following = last + 1
                if (kind_word is None and following < n and keys[following] in _KIND_AFTER
                        and parts[2 * following] == " " and raw[following][0].isupper()
                        and not POSSESSIVE.search(raw[last])):
                    # Span boundaries: "Harlow River", "Dunmore Islands", "Adams County" when the
                    # gazetteer lacks the whole name: the kind word belongs to the name.
                    last, key, kind_word = following, f"{key} {keys[following]}", following
                spans.append(Span(i, last, key, (found,) if isinstance(found, int) else found, kind_word=kind_word))
                resume = last + 1
        return spans

    def _longest_name(self, tokens: Tokens, i: int) -> tuple[int, str, int | tuple[int, ...]] | None:
        """The longest gazetteer name that starts at word i, as (its last word, its key, its place
        numbers), or None."""
        look = self._look
        first = tokens.keys[i]
        found, longer = look(first)
        best: tuple | None = None if found is None else (i, first, found)  # the longest name so far
        # No name goes on from these words: no longer one to look for (most capitalised words). An
        # article's next words are looked up without it, "al-Qamishli" as "qamishli".
        if not longer and first not in ARTICLE_WORDS:
            return best
        connectors = wordlists.NAME_CONNECTORS
        keys, parts, raw = tokens.keys, tokens._parts, tokens._raw
        n = len(raw)
        for j in range(i + 1, min(n, i + MAX_NAME_TOKENS)):
            # The gap between the words, as Token.gap: a possessive ("Syria’s Assad") ends the name.
            gap, previous = parts[2 * j], raw[j - 1]
            # ("W.Va.": initials joined by full stops are one name.)
            if gap != " " and not NAME_GAP.match(gap) and not (gap == ". " and len(previous) <= 3) and not (
                    gap == "." and len(previous) == 1):
                break
            if len(previous) > 3 and previous[-2] in APOSTROPHES and POSSESSIVE.search(previous):
                break
            if not raw[j][0].isupper():
                if keys[j] in connectors:
                    continue  # a name goes on over "of" or "al" but never ends on one
                break
            key = " ".join(strip_article(keys[i:j + 1]) if keys[i] in ARTICLE_WORDS else keys[i:j + 1])
            found, longer = look(key)
            if found is not None:
                best = (j, key, found)
            if not longer:
                break
        return best

    def _listed_areas(self, tokens: Tokens) -> dict[int, tuple[int, str, tuple[int, ...]]]:
        """Names listed bare before a plural area word ("Cook and DuPage counties", "Caddo,
        Bossier and Webster parishes"): where each starts, with its last word, its key as the
        area ("cook county") and the gazetteer's places of that key. Names of one or two words."""
        keys, names = tokens.keys, self.gazetteer.index.names
        found: dict[int, tuple[int, str, tuple[int, ...]]] = {}
        for k in range(1, len(tokens)):
            singular = _AREA_PLURALS.get(keys[k])
            if singular is None or tokens.is_capitalised(k):
                continue
            last = k - 1
            while last >= 0 and tokens.is_capitalised(last) and tokens.gap(last + 1) in (" ", ", "):
                # The longest name of one or two words before the list's separator or the plural.
                two_words = (last >= 1 and tokens.is_capitalised(last - 1) and tokens.gap(last) == " "
                             and f"{keys[last - 1]} {keys[last]} {singular}" in names)
                first = last - 1 if two_words else last
                key = " ".join(keys[first:last + 1]) + " " + singular
                numbers = names.get(key)
                if numbers is None:
                    break
                found[first] = (last, key, (numbers,) if isinstance(numbers, int) else numbers)
                gap = tokens.gap(first)
                if first == 0 or not (gap == ", " or (gap == " " and keys[first - 1] in _LIST_WORDS)):
                    break
                last = first - 1 if gap == ", " else first - 2  # over the comma, or over "and"
                if gap == " " and last >= 0 and tokens.gap(first - 1) not in (" ", ", "):
                    break
        return found

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
        surface = text[tokens.start(f):tokens.end(last)]
        initials = self._dotted_initials(span, surface)
        # ("B.C." folds onto the key of "BBC": written with full stops it is the province.)
        if (span.key in wordlists.STOPWORDS and not initials) or (single and keys[f] in wordlists.NOT_PLACE_WORDS) or (
                not single and " ".join(keys[f:last + 1]) in wordlists.NOT_PLACE_NAMES):
            return "common word"
        # A dateline's place ("CAIRO - ...", "SAN ANTONIO Turner Sports...") is where the story
        # was filed: a town of some size, whatever its capitals or the words after it suggest.
        if dateline(tokens, span, text) and self._best_prominence(span) >= _TOWN_PROMINENCE:
            return None
        letters = len(surface) if surface.isalpha() else sum(ch.isalpha() for ch in surface)
        # "Va.", "Md.", "Ga.": abbreviations we file, written with their full stop.
        dotted = span.key in index.abbreviations and text.startswith(".", tokens.end(last))
        if letters <= 3 and not (surface.isupper() or "." in surface or dotted or (
                letters == 3 and keys[f] not in wordlists.GIVEN_NAMES and self._moved_or_placed(tokens, f)
                and self._best_prominence(span) >= _TOWN_PROMINENCE)):
            # "In", "Or", "Us": short names only count in capitals (US, UK, UAE); a three-letter town
            # of some size (Qom, Van, Ufa), not a given name, counts where a preposition of place or movement puts it on
            # the map (smaller ones were mostly given names and words on the development corpora).
            return "short word"
        # Initials with full stops between them count only as the initials of their place ("M.D."
        # after a name, a degree, is not Maryland even where "City, ST" would allow a state).
        if letters == 2 and not (initials or ("." not in surface.rstrip(".")
                                              and self._short_code_allowed(span, tokens))):
            return "short code"
        # "NATO", "GRU", "APC": organisations, not the towns spelt alike. Nor is an acronym whose
        # letters folding merged ("CCA" is not "Ca.", California) one of the short forms we file.
        if surface.isupper() and letters <= 5 and (
                span.key not in index.abbreviations or len(span.key) < letters) and not shouting(tokens, span):
            return "acronym"
        b = f - 1 if f > 0 else None  # the word before, and after
        # A surname seen elsewhere is weak evidence against "in Houston" or "near Brampton": a
        # preposition of place, and no possessive, make it the place again.
        if (span.key in people or (single and keys[f] in people)) and not placed(tokens, span):
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
        joined_before = b is not None and NAME_GAP.match(first_gap) is not None
        joined_after = a is not None and NAME_GAP.match(after_gap) is not None
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
            # Span boundaries: a country, a first-level region or a county straight after a town's
            # name is the town's qualifier written without its comma ("Tamworth New
            # South Wales", "Dayton Montgomery County"), not a longer name.
            area_after_place = (b in matched and first_gap == " "
                                and self._key_prominence(before_key) >= _TOWN_PROMINENCE
                                and self._area_by_its_name(span.key, span.numbers, keys[last]))
            if name_like_before and not tokens.sentence_start(f) and not area_after_place and not (
                    before_key in wordlists.DESCRIPTORS or before_key in wordlists.STOPWORDS
                    or before_key in index.demonyms):
                return "longer name"
        if (joined_before and not before_capitalised and before_key in wordlists.NAME_PARTICLES
                and f >= 2 and tokens.is_capitalised(f - 2)
                and NAME_GAP.match(tokens.gap(b)) and keys[f - 2] not in wordlists.STOPWORDS):
            return "longer name"
        # "Times of Israel", "Bank of England": a place inside an organisation's name.
        # A country's or a first-level region's body ("Pakistan Army", "Bank of Canada", "Texas
        # Republicans") still names the country or region; its media ("Times of Israel") do not.
        if (before_key == "of" and f >= 2 and tokens.is_capitalised(f - 2)
                and keys[f - 2] in wordlists.ORGANISATION_WORDS
                and not (keys[f - 2] not in wordlists.MEDIA_WORDS and self._national(span))):
            return "named after"
        # "Chamber of Commerce", "Secretary of State", "Department of Labor": a common word after a
        # title, a body or a common word and "of" is what the name is of, not a place (unless a
        # large one); after a surname ("Dana Tauber of Nelson") it is where someone is from.
        if (single and before_key == "of" and f >= 2 and tokens.is_capitalised(f - 2)
                and tokens.gap(f - 1) == " " and tokens.gap(f) == " " and not tokens.sentence_start(f - 2)
                and self.common_words.get(span.key, 0.0) and (
                    keys[f - 2] in self.common_words or keys[f - 2] in wordlists.TITLES
                    or keys[f - 2] in wordlists.ORGANISATION_WORDS or keys[f - 2] in _PUBLIC_BODY_WORDS)
                and self._best_prominence(span) < 5.0):
            return "named after"
        if joined_after and after_capitalised and not (after_gap == " " and a in matched and self._town(span)
                                                       and self._area_at(tokens, a)):
            following = capitalised_run(tokens, a)
            national = self._national(span)
            national_body = national and not any(k in wordlists.MEDIA_WORDS for k in following)
            # A street or building named after the place ("Wichita Street", "Huntsville High School"),
            # but not one of the place's own bodies: an area's name is a street's only before a road
            # word ("Cass County Road" but "Cass County Circuit Court", "Licking County Public
            # Library"), and a public body or facility word before the last word makes a body of
            # the place ("Bridgeport Superior Court", "Tbilisi City Court").
            # A school by its level ("Huntsville High School", "Glen Carbon Elementary") is the town's.
            if following[-1] in wordlists.STREET_WORDS and not (
                    (keys[last] in _ADMINISTRATIVE_AREA_WORDS and following[0] not in _ROAD_WORDS)
                    or following[0] in _SCHOOL_LEVEL_WORDS
                    or any(k in _PUBLIC_BODY_WORDS or k in wordlists.FACILITY_WORDS for k in following[:-1])):
                return "named after"
            if keys[last] in _ADMINISTRATIVE_AREA_WORDS or following[0] in _SCHOOL_LEVEL_WORDS or any(
                    k in wordlists.FACILITY_WORDS or k in wordlists.EVENT_WORDS or k in _PUBLIC_BODY_WORDS
                    for k in following):
                pass  # "Damascus Central Prison", "Dubai World Cup", "Ohio Department": the place is still there
            elif any(k in wordlists.ORGANISATION_WORDS for k in following):
                # Organisations named after places: a town's own institutions ("Millbrook Garden
                # Society", "Eastfield Youth Center") stand in the town, so the town is meant; its
                # media, businesses, teams and armed groups ("Millbrook Gazette") do not name it, nor
                # does an institution named after a hamlet's name, most often a person's.
                if not national_body and not (self._town(span) and not any(
                        k in wordlists.MEDIA_WORDS or k in wordlists.BUSINESS_WORDS for k in following)):
                    return "organisation"
            elif not (after_key in wordlists.DESCRIPTORS or after_key in wordlists.TITLES
                      or after_key in wordlists.STOPWORDS or after_key in index.demonyms
                      or (national_body and national == "country")):
                # "Riverdale Lukoil": a business named after the place. Not after a country ("US
                # Trade Representative", "Malta Government Stock"): its names are its bodies'.
                return "named after"
        speaks = after_key in wordlists.SPEECH_VERBS and not after_gap.strip()
        if (speaks or (after_key in _STAFF_WORDS and not after_capitalised and after_gap == " ")
                or POSSESSIVE.search(tokens._raw[last])
                or (before_key in _ARTICLES and f >= 2 and keys[f - 2] == _BY and not tokens.is_capitalised(f - 2))
                ) and self._seat_of_power(span):
            # "the Kremlin said", "White House aides", "the White House's decision", "denied by the
            # Kremlin": the government that sits there, not the building.
            return "organisation"
        if speaks and single and self._best_prominence(span) < 6.0:
            return "person"  # "Alexander said": a person, unless a capital or a country speaks
        if (single and after_key in _PERSON_AFTER and not after_capitalised and after_gap in (" ", "-")
                and self._best_prominence(span) < 6.0):
            return "person"  # "the Obama administration", unless a capital's or a country's

        located = before_key in wordlists.LOCATIVE_PREPOSITIONS and not before_capitalised
        # A preposition of place before the article puts a word that stands alone on a map ("in the
        # Split harbour"; not "in the Chapel of ..." or "in the Junior High ...").
        located_past_article = (
            before_key in _ARTICLES and f >= 2 and keys[f - 2] in STRONG_LOCATIVES and not tokens.is_capitalised(f - 2)
            and not ((joined_after and after_capitalised) or after_key in wordlists.NAME_CONNECTORS)
            and not POSSESSIVE.search(tokens._raw[last]))
        qualified = after_capitalised and QUALIFIER_GAP.match(after_gap) is not None
        prominence = self._best_prominence(span)
        if single and keys[f] in wordlists.GIVEN_NAMES and not (located or qualified) and prominence < 6.0:
            return "given name"  # "Olivia", "Eugene": a first name, unless the text puts it on a map

        # Also a common word: a capital at a sentence's start proves nothing; mid-sentence a capital
        # is good evidence of a name, and given names are weighed above.
        common = self.common_words.get(span.key, 0.0) if single else 0.0
        abbreviated = span.key in index.abbreviations and (dotted or surface.isupper())
        if common and not abbreviated:
            # A common word numbered ("Pack 12", "Section 3B", "Route 9") is a designation, not a place,
            # even after a preposition of place ("in Section 3B").
            if after_gap == " " and any(ch.isdigit() for ch in tokens._raw[a]) and prominence < 6.5:
                return "common word"
            if tokens.sentence_start(f) and not (located or qualified) and prominence < 6.5 + (common - 3.0):
                return "common word"
            # Mid-sentence, a capital is weak evidence for a common word ("Congress", "Route 9",
            # "Pack 12", "Hope"): any word of the list needs a preposition of place or a qualifier
            # unless its place is a large one (chosen on the development corpora as a whole).
            if not (located or qualified) and prominence < 5.0:
                return "common word"
            # "the Centre", "the Royal family": a title, not a place.
            if before_key in _ARTICLES and prominence < 6.5 and not located_past_article:
                return "common word"
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
            qualified=after_capitalised and QUALIFIER_GAP.match(tokens.gap(a)) is not None,
            common=self.common_words.get(span.key, 0.0) if single else 0.0,
            words=last - f + 1,
            upper=surface.isupper(),
            rescued=rescued,
            given_name=single and keys[f] in wordlists.GIVEN_NAMES,
            joined=(before_capitalised and NAME_GAP.match(tokens.gap(f)) is not None)
            or (after_capitalised and NAME_GAP.match(tokens.gap(a)) is not None),
            article=b is not None and keys[b] in _ARTICLES,
            short=(len(surface) if surface.isalpha() else sum(ch.isalpha() for ch in surface)) <= 4,
            repeats=repeats,
        )

    def _place_streets(self, found: list[Found], spans: list[Span], tokens: Tokens, text: str) -> list[Found]:
        """The streets the text names (`gazetteer.streets`), each placed at the town the text names
        nearest before it (else after it), among the places found that it is sure of. A street inside a longer
        gazetteer name ("East St. Louis") stays that name; a place inside a street's name ("Royal"
        in "Royal Street", "Victoria" in "Victoria St.") is the street's name, not a place."""
        streets = [s for s in find_streets(tokens) if not any(
            g.first <= s.road <= g.last and (g.last > s.last or g.first <= s.first) for g in spans)]
        if not streets:
            return found
        bounds = [(tokens.start(s.first), self._street_end(s, tokens, text)) for s in streets]
        kept = [f for f in found if not any(f.start < end and start < f.end for start, end in bounds)]
        towns = [f for f in kept if f.places[0].feature_class == "P"]
        if not towns:
            return kept
        # The town a street is in is one the document is sure of, in the country it talks about
        # most: the nearest name before may be a street's namesake far away ("Chartres"). Where it
        # is sure of none there, a town of that country still beats a sure one abroad: the street's
        # town is at stake, not whether the document's towns are well placed.
        sure = [f for f in towns if f.logits[0] >= 0.0] or towns
        leading = Counter(f.places[0].country_code for f in kept).most_common(1)[0][0]
        towns = ([f for f in sure if f.places[0].country_code == leading]
                 or [f for f in towns if f.places[0].country_code == leading] or sure)
        logit = self.calibration
        for street, (start, end) in zip(streets, bounds, strict=True):
            before = [f for f in towns if f.end <= start]
            town_found = before[-1] if before else next(f for f in towns if f.start >= end)
            town = town_found.places[0]
            surface = text[start:end]
            place = Place(
                place_id=f"street:{town.place_id}:{normalize_name(surface)}", name=surface,
                latitude=town.latitude, longitude=town.longitude, feature_class="R", feature_code="ST",
                country_code=town.country_code, admin1_code=town.admin1_code, admin1_name=town.admin1_name,
                source="street")
            seen = recognition_features(self._street_recognition(street, tokens, surface))
            resolution = town_found.resolutions[0]
            z = logit.recognition_logit("marker", seen) + logit.resolution_logit("marker", resolution)
            kept.append(Found(start, end, surface, town_found.margin, [place], seen, [resolution], [z]))
        kept.sort(key=lambda f: f.start)
        return kept

    @staticmethod
    def _street_end(street: Street, tokens: Tokens, text: str) -> int:
        """Where a street's name ends: with the full stop of an abbreviated road word ("Victoria St.")."""
        end = tokens.end(street.last)
        if street.last == street.road and tokens.keys[street.road] in ROAD_ABBREVIATIONS and text.startswith(".", end):
            end += 1
        return end

    @staticmethod
    def _street_recognition(street: Street, tokens: Tokens, surface: str) -> Recognition:
        keys = tokens.keys
        b = street.first - 1
        return Recognition(
            sentence_start=tokens.sentence_start(street.first),
            located=b >= 0 and not tokens.is_capitalised(b) and keys[b] in wordlists.LOCATIVE_PREPOSITIONS,
            qualified=False, common=0.0, words=street.last - street.first + 1, upper=surface.isupper(),
            rescued=False, given_name=False, joined=False, article=b >= 0 and keys[b] in _ARTICLES,
            short=False, repeats=1, street=True)

    @staticmethod
    def _moved_or_placed(tokens: Tokens, first: int) -> bool:
        """Whether the word before token `first` is a lower-case preposition of place or movement
        ("in", "to", "from", "near"...; not "of", which names what a thing is of)."""
        b = first - 1
        return b >= 0 and tokens.keys[b] in _SHORT_NAME_LOCATIVES and not tokens.is_capitalised(b)

    def _short_code_allowed(self, span: Span, tokens: Tokens) -> bool:
        """Two-letter codes: countries (US, UK) anywhere; unions of countries (EU) where a
        preposition of place puts them on a map ("in the EU": elsewhere, "EU officials said", they
        are an actor); states (IN, PA) only as "City, ST"."""
        for number in span.numbers:
            place, _ = self.gazetteer.place(number)
            if place.is_country:
                return True
            if (place.feature_code == "RGN" and not place.country_code
                    and _initials_of(place.name) == span.key.replace(" ", "")):
                b = span.first - 1
                if b >= 1 and tokens.keys[b] in _ARTICLES:
                    b -= 1
                if b >= 0 and tokens.keys[b] in _AREA_LOCATIVES and not tokens.is_capitalised(b):
                    return True
        return span.first > 0 and tokens.gap(span.first).startswith(",")

    def _dotted_initials(self, span: Span, surface: str) -> bool:
        """Whether the span is a filed abbreviation written as initials with full stops between
        them ("N.J.", "B.C.", "W.Va.", "D.C.") that stand for the words of its place's name.
        A degree or title written alike ("M.D.", "D.O.") is not: its letters are not the initials
        of the words of the place it folds onto (Maryland)."""
        if "." not in surface.rstrip(".") or span.key not in self.gazetteer.index.abbreviations:
            return False
        letters = "".join(part[:1] for part in surface.split(".") if part).lower()
        for number in span.numbers[:3]:
            place, _ = self.gazetteer.place(number)
            if _initials_of(place.name) == letters or surface in place.name:
                return True
        return False

    def _national(self, span: Span) -> str | None:
        """"country" or "region" when the span's likeliest place is a country or a first-level
        region, else None."""
        place, _ = self.gazetteer.place(span.numbers[0])
        if place.is_country:
            return "country"
        return "region" if place.feature_code == "ADM1" else None

    def _area_by_its_name(self, key: str, numbers: tuple[int, ...], last_key: str) -> bool:
        """Whether a name is a country's, a first-level region's or a county's, written as its own
        name ("Miss", "Act" and "Moon" are also short or foreign names of regions)."""
        place = self.gazetteer.place(numbers[0])[0]
        return (place.is_country or place.feature_code == "ADM1" or last_key in _ADMINISTRATIVE_AREA_WORDS) and \
            key.startswith(primary_key(place.name))

    def _area_at(self, tokens: Tokens, i: int) -> bool:
        """Whether the longest name from word i is an area's by its own name (`_area_by_its_name`)."""
        named = self._longest_name(tokens, i)
        if named is None:
            return False
        last, key, numbers = named
        return self._area_by_its_name(key, (numbers,) if isinstance(numbers, int) else numbers, tokens.keys[last])

    def _seat_of_power(self, span: Span) -> bool:
        """Whether one of the span's places is a building (GeoNames' BLDG: the White House, the
        Kremlin, the Pentagon), which news names for the body that sits in it."""
        return any(self.gazetteer.place(n)[0].feature_code == "BLDG" for n in span.numbers[:MAX_CANDIDATES])

    def _town(self, span: Span) -> bool:
        """Whether the span's likeliest place is a town (no hamlet, whose name is most often a
        person's, and no wider region)."""
        return (self.gazetteer.place(span.numbers[0])[0].feature_class == "P"
                and self._best_prominence(span) >= _TOWN_PROMINENCE)

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
            span.feature_hint = feature_hint(tokens, span)
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
        country_votes: dict[str, Counter] = {}  # ... and for countries
        sure: dict[tuple[int, ...], tuple] = {}
        for span in spans:
            found = sure.get(span.numbers)
            if found is None:
                found = sure[span.numbers] = self._sure_of(span)
            country, region, anchor = found
            if country:
                countries[country] += 1
                country_votes.setdefault(span.key, Counter())[country] += 1
            if region:
                regions[region] += 1
                votes.setdefault(span.key, Counter())[region] += 1
            if anchor is not None:
                anchors[anchor.place_id] = anchor

        scene = Scene(w, countries, anchors, self.gazetteer.index.neighbours, regions, votes, country_votes)
        if w.read_vote:
            scene = self._second_reading(spans, sure, scene, anchors, regions, votes)
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

    def _second_reading(self, spans: list[Span], sure: dict[tuple[int, ...], tuple], scene: Scene,
                        anchors: dict[str, Place], regions: Counter, votes: dict[str, Counter]) -> Scene:
        """The scene again, where each name with no sure region also votes, lightly, for the region
        of its first reading: "Huntsville" and "Walker County" each have homonyms in Alabama and in
        Texas, so neither is sure, but five such names that all read best in Texas are evidence for
        Texas that one sure place alone would be. A name's own vote still does not count for it."""
        weight = self.weights.read_vote
        read: Counter = Counter()
        read_votes: dict[str, Counter] = {}
        first: dict[tuple[int, ...], tuple[str, str] | None] = {}
        for span in spans:
            if sure[span.numbers][1] is not None:
                continue
            memo_key = span.numbers if span.qualifier is None and not span.feature_hint else None
            region = first.get(memo_key, _UNREAD) if memo_key else _UNREAD
            if region is _UNREAD:
                region = region_of(scene.score(span)[0][0][1])
                if memo_key:
                    first[memo_key] = region
            if region:
                read[region] += weight
                read_votes.setdefault(span.key, Counter())[region] += weight
        if not read:
            return scene
        for key, own in votes.items():
            read_votes.setdefault(key, Counter()).update(own)
        return Scene(self.weights, scene.countries, anchors, self.gazetteer.index.neighbours, regions + read,
                     read_votes, scene.country_votes)

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
        region = region_of(place)
        # A first-level region chosen by name ("Virginia") is its own region's evidence even where
        # towns named after it come close: they are rivals for the name, not for the region.
        if region and place.feature_code != "ADM1" and not all(region_of(p) == region for p in close):
            region = None
        anchor = place if not place.is_area and all(
            distance_km(place.latitude, place.longitude, p.latitude, p.longitude) < 50
            for p in close if not p.is_area) else None
        return country, region, anchor

    def _weigh(self, span: Span, scene: Scene) -> tuple[float, list[Place], list[tuple[float, ...]], list[float]]:
        """The chosen place's margin, the chosen place and its runner-ups, their resolution features,
        and the resolution parts of their calibrated log-odds."""
        scored, region_shares = scene.score(span)
        best_score, best = scored[0][0], scored[0][1]
        runner_up = scored[1][0] if len(scored) > 1 else best_score - 4.0
        margin = best_score - runner_up
        # The largest share of another candidate's country (or region): the first or the second.
        country_rivals = two_largest({s[1].country_code: s[4] for s in scored})
        region_rivals = two_largest(region_shares)
        places, resolutions, logits = [], [], []
        logit, top_share, count = self.calibration.resolution_logit, scene.top_share, len(scored)
        for rank, (score, place, prominence, primary, share, hinted, qualifier, near, region) in enumerate(scored[:4]):
            # (positional, in the order of Resolution's fields)
            vector = resolution_features(Resolution(
                place, rank, margin if rank == 0 else score - best_score, count, prominence, primary, share,
                hinted, qualifier, near,
                0.0 if rank == 0 else distance_km(best.latitude, best.longitude, place.latitude, place.longitude),
                rival_share(country_rivals, place.country_code), top_share,
                region_shares.get(region, 0.0) if region else 0.0, rival_share(region_rivals, region),
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
            people |= people_named(tokenize(piece))
        countries: Counter = Counter()
        regions: Counter = Counter()
        for f in found:
            if f.places[0].country_code:
                countries[f.places[0].country_code] += 1
            if logistic(f.margin) >= 0.7 and region_of(f.places[0]):
                regions[region_of(f.places[0])] += 1
        # Sure places: a lead of about 0.85 over the runner-up (a margin's sigmoid of 0.7).
        places = tuple({f.places[0].place_id: f.places[0] for f in found
                        if round(logistic(f.margin), 4) >= 0.7 and not f.places[0].is_area}.values())
        keys = frozenset(normalize_name(f.text) for f in found)
        result = DocumentContext(countries, frozenset(people), places[:200], keys, regions)
        with self._lock:
            if len(self._context_cache) > 32:
                self._context_cache.clear()
            self._context_cache[context] = result  # keyed by the text itself: no hash collisions
        return result


def _initials_of(name: str) -> str:
    """The initials of a name's words, lower case, without its connectors: "New Jersey" -> "nj",
    "Newfoundland and Labrador" -> "nl"."""
    return "".join(w[0] for w in name.lower().replace("-", " ").split()
                   if w not in _INITIAL_CONNECTORS and w[0].isalpha())


_INITIAL_CONNECTORS = frozenset({"of", "and", "the", "de", "du", "la"})


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
