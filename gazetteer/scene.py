"""What a document talks about, for resolving its names: the countries and first-level regions of
its places and the places it is sure of (`Scene`), and distances to them (`Spots`)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from gazetteer.places import Place
from gazetteer.spans import Span, primary_key, within


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each piece of evidence moves a candidate, in units of log10(population).

    The defaults were fitted on the development corpora as a whole (`bench/tune_geoparser.py`
    reproduces them); they are few on purpose, so that they cannot learn single documents.
    """

    primary_name: float = 1.5  # the text uses the place's own name, not a foreign spelling of it
    country_present: float = 0.5  # the candidate's country is mentioned in the document
    country_share: float = 2.0  # ... times the share of the document's places in that country
    neighbour_share: float = 0.5  # times the share of the document's places in bordering countries
    region_share: float = 4.0  # times the share of the document's places in its first-level region
    feature_hint: float = 3.0  # "the X air base", "X province", "Mount X"
    qualifier: float = 3.5  # "Tripoli, Lebanon"
    distance: float = 1.8  # per tenfold of distance (beyond 50 km) to the nearest confident place
    confident_margin: float = 1.5  # a mention is an anchor when its best candidate leads by this
    read_vote: float = 0.25  # a name's first reading votes for its region, as this share of a sure place


def region_of(place: Place) -> tuple[str, str] | None:
    """A place's first-level region (country code, admin1 code), when it has one."""
    return (place.country_code, place.admin1_code) if place.admin1_code and place.country_code else None


def two_largest(shares: dict) -> tuple:
    """(key of the largest value, the largest value, the second largest value); 0.0 for none."""
    first_key, first, second = None, 0.0, 0.0
    for key, value in shares.items():
        if first_key is None or value > first:
            first_key, first, second = key, value, first if first_key is not None else 0.0
        elif value > second:
            second = value
    return first_key, first, second


def rival_share(largest: tuple, own) -> float:
    """The largest share of a key other than `own`."""
    first_key, first, second = largest
    if first_key is None:
        return 0.0
    return second if first_key == own else first


def first_negated(item: tuple) -> float:
    return -item[0]


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


_UNSET = object()


class Scene:
    """What a document says that weighs its candidates: the countries it is sure of, and its spots
    (places sure within 50 km), each counted once."""

    def __init__(self, weights: Weights, countries: Counter, anchors: dict[str, Place],
                 neighbours: dict[str, frozenset[str]], regions: Counter | None = None,
                 votes: dict[str, Counter] | None = None, country_votes: dict[str, Counter] | None = None):
        self.weights = weights
        self.countries = countries
        self.total = sum(countries.values()) or 1
        self.regions = regions or Counter()
        self.regions_total = sum(self.regions.values())
        self.votes = votes or {}
        # Each name's own votes for countries: a name said ten times ("Dublin") must not make its
        # likeliest country the document's by itself, any more than its region.
        self.country_votes = country_votes or {}
        self.spots = Spots(list(anchors.values()))
        self.neighbours = neighbours
        self._nearest: dict[tuple[str, str], float | None] = {}
        self._bordering: dict[str, int] = {}

    def score(self, span: Span) -> tuple[list[tuple], dict[tuple[str, str], float]]:
        """The span's candidates, best first, each with what weighed for it: (score in context, place,
        prominence, own name?, country share, kind hinted?, qualifier fits?, km to the nearest sure
        place (None for none, or for an area of several countries), first-level region); and the
        regions' shares."""
        w, countries, total = self.weights, self.countries, self.total
        own_countries = self.country_votes.get(span.key)
        others = total - sum(own_countries.values()) if own_countries else total
        key = span.key
        nearest, neighbours, bordering_count = self._nearest, self.neighbours, self._bordering
        own: set[str] | None = None
        region_shares = self.region_shares(span)
        region_weight = w.region_share if region_shares else 0.0
        hints, qualifier = span.feature_hint, span.qualifier
        has_spots = bool(self.spots)
        # An area spanning several countries (a sea, a continent, the Middle East) has no point that
        # distance could be measured from: its GeoNames point is a convention, thousands of km from
        # the places on its shores, so distance neither counts against it nor reaches the
        # calibration. So too when its name is also a common word ("Atlantic", "Pacific"): measured,
        # a US story's ocean went to the small towns of that name inland.
        scored = []
        for c in span.candidates:
            place = c.place
            score = c.prominence
            name = place.name
            # (asciiname is the very same string as name for nearly every place)
            primary = primary_key(name) == key or (
                place.asciiname is not name and primary_key(place.asciiname) == key)
            if primary:
                score += w.primary_name
            cc = place.country_code
            share = ((countries.get(cc, 0) - (own_countries.get(cc, 0) if own_countries else 0)) / others
                     if others > 0 else 0.0)
            if share:
                score += w.country_present + w.country_share * share
            bordering = neighbours.get(cc)
            if bordering:
                count = bordering_count.get(cc)
                if count is None:
                    count = bordering_count[cc] = sum(countries.get(n, 0) for n in bordering)
                score += w.neighbour_share * count / total
            region = (cc, place.admin1_code) if place.admin1_code and cc else None  # region_of(place)
            if region_weight:
                region_share = region_shares.get(region, 0.0)
                if region_share:
                    score += region_weight * region_share
            hinted = bool(hints) and place.feature_code in hints
            if hinted:
                score += w.feature_hint
            qualified = qualifier is not None and within(place, qualifier)
            if qualified:
                score += w.qualifier
            if has_spots:
                cache_key = (place.place_id, key)
                near = nearest.get(cache_key, _UNSET)
                if near is _UNSET:
                    if own is None:
                        own = {c.place.place_id for c in span.candidates}
                    near = nearest[cache_key] = self.spots.nearest(place, own)
                if near is not None and (cc or not place.is_area):
                    score -= w.distance * math.log10(1 + near / 50.0)
                else:
                    near = None
            else:
                near = None
            scored.append((score, place, c.prominence, primary, share, hinted, qualified, near, region))
        scored.sort(key=first_negated)
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
                    for r in map(region_of, (c.place for c in span.candidates)) if r}
        # The name's own votes do not count: one mention cannot confirm its own reading.
        total = self.regions_total - sum(own.values())
        if not total:
            return {}
        return {r: (self.regions.get(r, 0) - own.get(r, 0)) / total
                for r in map(region_of, (c.place for c in span.candidates)) if r}


class Spots:
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
