"""`Gazetteer`: ranked candidate places for a name, from the local index."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gazetteer import errors
from gazetteer.errors import DamagedIndex
from gazetteer.index import PlaceIndex, distance_km
from gazetteer.normalize import normalize_name
from gazetteer.places import Place
from gazetteer.placetable import PlaceTable

MAX_QUERY_LENGTH = 300
# How much a place loses per tenfold of distance from `near`, in units of log10(population).
NEAR_WEIGHT = 1.5
NEAR_SCALE_KM = 25.0


_LEADING_WORDS = frozenset(normalize_name(w) for w in (
    "the north south east west northern southern eastern western central upper lower greater old "
    "downtown northeast northwest southeast southwest"
).split())
_TRAILING_KIND_WORDS = frozenset(normalize_name(w) for w in (
    "river lake county township twp parish province region state city district governorate oblast "
    "mountains valley creek"
).split())
_PEOPLE_SUFFIXES = tuple((normalize_name(a) if a else "", b) for a, b in (
    ("ians", "ia"), ("ian", "ia"), ("ans", "a"), ("an", "a"), ("ns", ""), ("n", ""), ("s", "")))


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place a name may denote, with its score (higher is likelier) and base prominence."""

    place: Place
    score: float
    prominence: float


class Gazetteer:
    """Names to places. `Gazetteer.default()` is the shared default index (built on first use)."""

    _default: Gazetteer | None = None
    _default_lock = threading.Lock()

    def __init__(self, index: PlaceIndex | str | Path):
        self.index = index if isinstance(index, PlaceIndex) else PlaceIndex(index)
        self._table: PlaceTable | None = None
        self._table_lock = threading.Lock()

    @property
    def table(self) -> PlaceTable:
        """All places in memory (loaded on first use): what ranking candidates reads."""
        if self._table is None:
            with self._table_lock:
                if self._table is None:
                    self._table = PlaceTable(self.index)
        return self._table

    def place(self, number: int) -> tuple[Place, float]:
        """The place numbered `number` and its prominence, from memory: a lean `Place`, without
        the alternate names (`index.place` reads those from the file)."""
        return self.table.place(number)

    @classmethod
    def default(cls) -> Gazetteer:
        with cls._default_lock:
            if cls._default is None:
                from gazetteer.build import ensure_index

                try:
                    cls._default = cls(ensure_index())
                except DamagedIndex:  # damage the quick check cannot see (a spoilt stored blob): our cache
                    cls._default = cls(ensure_index(rebuild=True))
            return cls._default

    def candidates(self, name: str, country: str | Iterable[str] | None = None,
                   near: tuple[float, float] | None = None, limit: int = 10) -> list[Place]:
        """Places called `name`, best first. `country` restricts to ISO codes; `near` ranks by distance."""
        return [c.place for c in self.scored_candidates(name, country=country, near=near, limit=limit)]

    def scored_candidates(self, name: str, country: str | Iterable[str] | None = None,
                          near: tuple[float, float] | None = None, limit: int = 10) -> list[Candidate]:
        key = self._key(name)
        numbers = self.index.numbers(key)
        if not numbers:
            numbers = self._looser_numbers(key)
        demonym = self.index.demonyms.get(key)
        if demonym is not None and demonym not in numbers:
            numbers = (*numbers, demonym)  # "Syrian" -> Syria, "Texan" -> Texas, after any place really called so
        return self.rank(numbers, country=country, near=near, limit=limit)

    def _looser_numbers(self, key: str) -> tuple[int, ...]:
        """Names news writes around a gazetteer name: "the X", "southern X", "X River", "Xans"."""
        words = key.split()
        tries = []
        if len(words) > 1:
            if words[0] in _LEADING_WORDS:
                tries.append(" ".join(words[1:]))
            if words[-1] in _TRAILING_KIND_WORDS:
                tries.append(" ".join(words[:-1]))
        for variant in tries:
            if found := self.index.numbers(variant):
                return found
        # "Iowans", "Georgian", "South Ossetian": the region or country a people word comes from.
        for suffix, replacement in _PEOPLE_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix) + 2:
                stem = key[: -len(suffix)] + replacement
                areas = tuple(n for n in self.index.numbers(stem) if self.index.place(n)[0].is_area)
                if areas:
                    return areas
        return ()

    def rank(self, numbers: Iterable[int], country: str | Iterable[str] | None = None,
             near: tuple[float, float] | None = None, limit: int = 10, lean: bool = False) -> list[Candidate]:
        """Candidates for place numbers, best first. `lean` places come from memory, without their
        alternate names (what the geoparser needs, many times faster)."""
        countries = _country_set(country)
        if lean and not countries and near is None:
            # The geoparser's way, a few thousand times in a first pass: each place's score is its
            # prominence, in one comprehension.
            found = [Candidate(place, round(weight, 4), weight) for place, weight in map(self.table.place, numbers)]
            found.sort(key=_negated_score)
            return found[:limit] if limit else found
        found = []
        place_of = self.table.place if lean else self.index.place
        for number in numbers:
            place, weight = place_of(number)
            if countries and place.country_code not in countries:
                continue
            score = weight
            if near is not None:
                d = distance_km(near[0], near[1], place.latitude, place.longitude)
                score -= NEAR_WEIGHT * math.log10(1 + d / NEAR_SCALE_KM)
            found.append(Candidate(place, round(score, 4), weight))
        found.sort(key=_negated_score)
        return found[:limit] if limit else found

    def numbers_for_key(self, key: str) -> tuple[int, ...]:
        """Place numbers for an already normalised name (the geoparser's fast path)."""
        return self.index.numbers(key)

    def demonym_place(self, word: str) -> Place | None:
        """The place a demonym refers to: a country ("Syrian" -> Syria) or another place ("Texan" -> Texas)."""
        number = self.index.demonyms.get(normalize_name(word))
        return self.index.place(number)[0] if number else None

    def reverse(self, latitude: float, longitude: float) -> Place | None:
        """The nearest populated place (or, far from any, the nearest place of any kind)."""
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise errors.InvalidPoint(f"coordinates out of range: {latitude}, {longitude}")
        for radius in (0.1, 0.3, 1.0, 3.0, 10.0, 45.0):
            nearby = self.index.places_near(latitude, longitude, radius)
            populated = [p for p, _ in nearby if p.feature_class == "P"] or [p for p, _ in nearby]
            if populated:
                return min(populated, key=lambda p: distance_km(latitude, longitude, p.latitude, p.longitude))
        return None

    @staticmethod
    def _key(name: str) -> str:
        if not isinstance(name, str):
            raise errors.InvalidQuery(f"a place name must be text, not {type(name).__name__}")
        if len(name) > MAX_QUERY_LENGTH:
            raise errors.InvalidQuery(
                f"a place name of {len(name)} characters is too long (at most {MAX_QUERY_LENGTH})")
        return normalize_name(name)


def _negated_score(candidate: Candidate) -> float:
    return -candidate.score


def _country_set(country: str | Iterable[str] | None) -> set[str]:
    if country is None:
        return set()
    codes = [country] if isinstance(country, str) else list(country)
    return {c.strip().upper() for c in codes if c and c.strip()}
