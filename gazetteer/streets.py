"""Streets named in a text: "Royal Street", "Hampton Avenue", "14th St.", "North Jackson Highway".

The gazetteer has no streets, yet news places events on them, and a street lies in the town the
text is about. This module only finds where a street's name is written; the geoparser places it
at a town the same text names (`Geoparser._place_streets`).

A street here is one to three name words (capitalised, or an ordinal such as "22nd") joined by
spaces or hyphens, then a road word ("Street", "St.", "Avenue", "Road"...), then perhaps a
direction ("Eglinton Avenue West"). Not streets: a road word inside a longer place name the
gazetteer has ("East St. Louis"), "St." before a name (a saint: "St. Paul"), roads named after an
administrative area ("Cass County Road": the county is what such a text places), and streets whose
name stands for an industry or a government ("Wall Street", "Downing Street").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gazetteer import wordlists
from gazetteer.normalize import fold_word
from gazetteer.tokens import POSSESSIVE, Tokens

# Words that end a street's name. Abbreviations count only with their full stop ("St.", "Ave.").
_ROADS = "street avenue road boulevard drive lane parkway highway".split()
_ABBREVIATED = "st ave rd blvd".split()
ROAD_WORDS = frozenset(map(fold_word, _ROADS))
ROAD_ABBREVIATIONS = frozenset(map(fold_word, _ABBREVIATED))
# The same words as a street's name writes them: the geoparser looks for these plain substrings
# before it looks for any street (most texts name none).
ROAD_SURFACES = tuple(w.capitalize() for w in _ROADS) + tuple(f"{w.capitalize()}." for w in _ABBREVIATED)

# A direction after the road word belongs to the street's name ("Eglinton Avenue West").
_DIRECTIONS = frozenset(fold_word(w) for w in "north south east west nw ne sw se".split())

# Streets whose name, in news, stands for something else: finance, a government, the press, the
# advertising trade. General knowledge, not any text's words.
_FIGURATIVE = frozenset({
    fold_word("wall") + " " + fold_word("street"), fold_word("downing") + " " + fold_word("street"),
    fold_word("fleet") + " " + fold_word("street"), fold_word("madison") + " " + fold_word("avenue"),
})

# Words that do not start a street's name even when capitalised: the administrative areas whose
# roads name the area ("County Road 12"), and interstates.
_NOT_NAME_WORDS = frozenset(fold_word(w) for w in "county parish borough township interstate state".split())

_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)$", re.IGNORECASE)

MAX_NAME_WORDS = 3


@dataclass(frozen=True, slots=True)
class Street:
    """A street's name in the text: its first and last word (inclusive), and its road word."""

    first: int
    last: int
    road: int


def find_streets(tokens: Tokens) -> list[Street]:
    """Every street name the text writes, in order."""
    keys, raw = tokens.keys, tokens._raw
    n = len(raw)
    streets: list[Street] = []
    for road in tokens.capitalised:
        key = keys[road]
        if key not in ROAD_WORDS and key not in ROAD_ABBREVIATIONS:
            continue
        if road == 0 or tokens.gap(road) != " ":
            continue
        after = tokens.gap(road + 1) if road + 1 < n else ""
        if key in ROAD_ABBREVIATIONS:
            # "St." before a capitalised word is a saint ("St. Paul"); "Ave" without its stop, a word.
            if not after.startswith("."):
                continue
            if after in (". ", ".") and road + 1 < n and tokens.is_capitalised(road + 1) and \
                    keys[road + 1] not in _DIRECTIONS and not tokens.sentence_start(road + 1):
                continue
        elif after == " " and road + 1 < n and tokens.is_capitalised(road + 1) and keys[road + 1] not in _DIRECTIONS:
            continue  # a longer name: "Kansas Highway Patrol", "Elm Street Bridge"
        first = _name_start(tokens, road)
        if first is None:
            continue
        last = road
        if road + 1 < n and after in (" ", ". ") and keys[road + 1] in _DIRECTIONS and tokens.is_capitalised(road + 1) \
                and (after == " " or key in ROAD_ABBREVIATIONS):
            last = road + 1
        if any(keys[k] in _NOT_NAME_WORDS for k in range(first, road)):
            continue
        if " ".join(keys[first:road + 1]) in _FIGURATIVE:
            continue
        streets.append(Street(first, last, road))
    return streets


def _name_start(tokens: Tokens, road: int) -> int | None:
    """The first word of the name before a road word, or None when no name word comes before it."""
    keys, raw = tokens.keys, tokens._raw
    first = None
    k = road - 1
    while k >= 0 and road - k <= MAX_NAME_WORDS:
        word = raw[k]
        name_word = (word[0].isupper() or _ORDINAL.match(word)) and not POSSESSIVE.search(word)
        if not name_word or (keys[k] in wordlists.STOPWORDS and keys[k] not in _DIRECTIONS_IN_NAMES):
            break
        if keys[k] in wordlists.TITLES or keys[k] in wordlists.NOT_PLACE_WORDS:
            break
        first = k
        if tokens.sentence_start(k) or tokens.gap(k) not in (" ", "-"):
            break
        k -= 1
    return first


# Directions are stopwords at a sentence's start, but a name's first word before a road word
# ("North Fourth Street", "West End Avenue").
_DIRECTIONS_IN_NAMES = frozenset(fold_word(w) for w in "north south east west".split())
