"""The geoparser's fast paths give what the plain ways give: tokens, distances, places from memory;
and the scene's evidence from a document's other names."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gazetteer import wordlists
from gazetteer.index import distance_km
from gazetteer.lookup import Candidate
from gazetteer.normalize import fold_word
from gazetteer.places import Place
from gazetteer.scene import Scene, Spots, Weights
from gazetteer.spans import Span
from gazetteer.tokens import Token, tokenize

_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_][^\W_]*(?:['’ʼ][^\W_]+)*")
_POSSESSIVE = re.compile(r"['’ʼ]s$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;\n\"“”‘(\[•·|—]\s*$")


def plain_tokens(text: str) -> list[Token]:
    """Every word as a Token, one after the other: what the lazy `Tokens` must agree with."""
    tokens: list[Token] = []
    previous_end = 0
    for match in _WORD.finditer(text):
        start, end = match.span()
        word = match.group()
        possessive = _POSSESSIVE.search(word)
        if possessive and len(word) > 3:
            end -= len(possessive.group())
            word = word[: len(word) - len(possessive.group())]
        gap = text[previous_end:start]
        sentence_start = not tokens or bool(_SENTENCE_END.search(gap)) or (
            gap.startswith(".") and tokens[-1].key not in wordlists.TITLES and "." not in tokens[-1].text)
        tokens.append(Token(start, end, word, fold_word(word), word[:1].isupper(), sentence_start,
                            text[tokens[-1].end if tokens else 0:start]))
        previous_end = match.end()
    return tokens


TEXTS = st.text(alphabet=st.sampled_from(list("Syria’s U.S. al-Qmishi Mr. ,.;:’'\n\t İıﬁé\u0301ʼSS(—")),
                max_size=200) | st.text(max_size=120)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_lazy_tokens_are_the_plain_tokens(text):
    tokens = tokenize(text)
    expected = plain_tokens(text)
    assert list(tokens) == expected
    assert tokens.keys == [t.key for t in expected]
    assert tokens.capitalised == [i for i, t in enumerate(expected) if t.capitalised]
    for i, t in enumerate(expected):
        assert (tokens.start(i), tokens.end(i), tokens.word(i), tokens.gap(i)) == (t.start, t.end, t.text, t.gap)
        assert tokens.is_capitalised(i) == t.capitalised


def test_tokens_slice_and_index_from_the_end():
    tokens = tokenize("Crowds filled Damascus’s squares. Then Homs.")
    assert [t.text for t in tokens[1:3]] == ["filled", "Damascus"]
    assert tokens[-1].text == "Homs" and not tokens[-1].sentence_start and tokens[-2].sentence_start


def test_nearest_spot_is_the_least_distance():
    rng = random.Random(7)
    spots = [Place(f"p{i}", "x", rng.uniform(-89, 89), rng.uniform(-180, 180)) for i in range(30)]
    nearest = Spots(spots)
    for _ in range(200):
        place = Place("q", "y", rng.uniform(-90, 90), rng.uniform(-180, 180))
        exclude = {f"p{rng.randrange(30)}" for _ in range(3)}
        expected = min(distance_km(place.latitude, place.longitude, s.latitude, s.longitude)
                       for s in spots if s.place_id not in exclude)
        assert nearest.nearest(place, exclude) == expected
    assert Spots([]).nearest(spots[0], set()) is None
    assert Spots(spots[:1]).nearest(spots[1], {"p0"}) is None


@pytest.mark.slow
def test_places_from_memory_are_the_index_rows():
    from gazetteer.lookup import Gazetteer

    gazetteer = Gazetteer.default()
    size = len(gazetteer.table)
    assert size == len(gazetteer.index)
    rng = random.Random(3)
    for number in [1, size, *(rng.randint(1, size) for _ in range(300))]:
        lean, weight = gazetteer.place(number)
        full, full_weight = gazetteer.index.place(number)
        assert lean == full and weight == full_weight
        assert (lean.asciiname, lean.admin1_code, lean.source) == (full.asciiname, full.admin1_code, full.source)
        assert gazetteer.table.prominence(number) == weight
    for number in (0, size + 1):
        with pytest.raises(KeyError):
            gazetteer.place(number)


def test_a_names_own_mentions_do_not_vote_for_its_country():
    # A document that says "Harbourton" three times and names one place in Canada: when Harbourton
    # is weighed, its own three (Irish-leaning) votes are left out, so Canada is all the evidence.
    irish = Place("t:1", "Harbourton", 53.3, -6.2, country_code="IE", population=500_000)
    canadian = Place("t:2", "Harbourton", 45.0, -75.0, country_code="CA", population=5_000)
    span = Span(0, 0, "harbourton", (1, 2), candidates=[Candidate(irish, 5.7, 5.7), Candidate(canadian, 3.7, 3.7)])
    scene = Scene(Weights(), Counter({"IE": 3, "CA": 1}), {}, {}, country_votes={"harbourton": Counter({"IE": 3})})
    scored, _ = scene.score(span)
    shares = {place.country_code: share for _, place, _, _, share, *_ in scored}
    assert shares == {"IE": 0.0, "CA": 1.0}
    counted = Scene(Weights(), Counter({"IE": 3, "CA": 1}), {}, {})
    assert {p.country_code: share for _, p, _, _, share, *_ in counted.score(span)[0]} == {"IE": 0.75, "CA": 0.25}


def test_distance_to_the_documents_places_spares_wide_areas_of_several_countries():
    # A document about towns on one coast names "Eastwater", both a small town some 3,000 km inland
    # and an ocean whose conventional point lies 3,000 km offshore. Distance to the document's sure
    # places counts against the town, not against the ocean, whose point is no place to measure
    # from (whether or not "eastwater" is also a common word: the scene does not ask).
    coast = Place("t:0", "Port Sable", 40.0, -74.0, country_code="US", population=200_000)
    town = Place("t:1", "Eastwater", 41.0, -110.0, country_code="US", population=20_000)
    ocean = Place("t:2", "Eastwater", 30.0, -40.0, feature_class="H", feature_code="OCN")
    region = Place("t:3", "Eastwater", 30.0, -40.0, feature_class="A", feature_code="ADM1", country_code="PT")
    span = Span(0, 0, "eastwater", (1, 2, 3),
                candidates=[Candidate(p, 4.0, 4.0) for p in (town, ocean, region)])
    unmoved = 4.0 + Weights().primary_name  # (each is named by its own name)
    scene = Scene(Weights(), Counter(), {coast.place_id: coast}, {})
    scored = {place.place_id: (score, near) for score, place, _, _, _, _, _, near, _ in scene.score(span)[0]}
    assert scored["t:2"] == (unmoved, None)  # the ocean pays nothing, and no distance is reported
    assert scored["t:1"][1] > 2500 and scored["t:3"][1] > 2500  # the one-country places are far ...
    assert scored["t:1"][0] < unmoved - 2 and scored["t:3"][0] < unmoved - 2  # ... and pay for it


def test_words_met_before_and_new_ones_get_the_same_keys_past_the_cache_limit(monkeypatch):
    from gazetteer import tokens as tokens_module

    monkeypatch.setattr(tokens_module, "_FOLDED_LIMIT", 6)
    monkeypatch.setattr(tokens_module, "_folded", {})
    texts = ["Khaki quilts in Qamishli’s souk", "Khaki tents, O’Brien’s quilts and Ţarţūs",
             "The souk reopened. Troops left Deerfield", "Khaki quilts in Qamishli’s souk"]
    for text in texts:
        tokens = tokenize(text)
        assert tokens.keys == [t.key for t in plain_tokens(text)]
        assert len(tokens_module._folded) <= 6 + len(set(tokens._raw))
