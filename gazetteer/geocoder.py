"""`LocalGeocoder`: a geopy geocoder over the local gazetteer. No network, ever.

Anything that takes a geopy geocoder takes this one:

    >>> from gazetteer import LocalGeocoder
    >>> LocalGeocoder().geocode("Tartus").point

A bad query (empty, a point out of range, a parameter of the wrong kind) raises geopy's
`GeocoderQueryError`, as a web geocoder would; the classes (gazetteer.errors) are `ValueError`s too.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from gazetteer.errors import InvalidPoint, InvalidQuery
from gazetteer.lookup import Candidate, Gazetteer


class LocalGeocoder(Geocoder):
    """A geopy `Geocoder` backed by the offline index. Parameter names follow Nominatim and Photon."""

    def __init__(self, gazetteer: Gazetteer | None = None, *, timeout=DEFAULT_SENTINEL,
                 user_agent: str | None = "liveblog-map"):
        super().__init__(timeout=timeout, user_agent=user_agent)
        self._gazetteer = gazetteer

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = Gazetteer.default()
        return self._gazetteer

    def geocode(self, query: str, *, exactly_one: bool = True, timeout=DEFAULT_SENTINEL,
                limit: int | None = None, country_codes: str | Iterable[str] | None = None,
                location_bias=None) -> Location | list[Location] | None:
        """Places called `query`: the best one, or a list (best first); None when there is none.

        `country_codes` restricts the search ("SY" or ["SY", "LB"]); `location_bias` prefers places
        near a point: `(lat, lon)`, a geopy `Point` or a "lat, lon" string.
        """
        if isinstance(query, str) and not query.strip():
            raise InvalidQuery("an empty query names no place")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise InvalidQuery(f"limit must be a whole number from 1, not {limit!r}")
        near = _as_point(location_bias)
        found = self.gazetteer.scored_candidates(query, country=_country_codes(country_codes), near=near,
                                                 limit=1 if exactly_one else (limit or 10))
        locations = [_location(c) for c in found]
        if exactly_one:
            return locations[0] if locations else None
        return locations or None

    def reverse(self, query, *, exactly_one: bool = True, timeout=DEFAULT_SENTINEL
                ) -> Location | list[Location] | None:
        """The nearest populated place to a point (`(lat, lon)`, a `Point` or "lat, lon")."""
        point = _as_point(query)
        if point is None:
            raise InvalidPoint("reverse() needs a point")
        place = self.gazetteer.reverse(*point)
        if place is None:
            return None
        location = _location(Candidate(place, 0.0, 0.0))
        return location if exactly_one else [location]


def _as_point(value) -> tuple[float, float] | None:
    if value is None:
        return None
    try:
        if isinstance(value, (tuple, list)) and len(value) == 2:
            lat, lon = (float(v) for v in value)
        else:
            with warnings.catch_warnings():  # geopy warns before it refuses "95, 10": our error says it all
                warnings.simplefilter("ignore", UserWarning)
                point = value if isinstance(value, Point) else Point(value)
            lat, lon = point.latitude, point.longitude
    except (TypeError, ValueError) as err:
        raise InvalidPoint(f"not a point: {value!r} (give (lat, lon), a geopy Point or 'lat, lon')") from err
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # (NaN fails too)
        raise InvalidPoint(f"coordinates out of range: {lat}, {lon}")
    return (lat, lon)


def _country_codes(value) -> list[str] | None:
    if value is None:
        return None
    codes = [value] if isinstance(value, str) else list(value) if isinstance(value, Iterable) else None
    if codes is None or not all(isinstance(code, str) for code in codes):
        raise InvalidQuery(f"country_codes must be an ISO code or a list of them, not {value!r}")
    return codes


def _location(candidate: Candidate) -> Location:
    p = candidate.place
    raw = {**p.as_dict(), "asciiname": p.asciiname, "source": p.source, "score": candidate.score}
    return Location(p.address, (p.latitude, p.longitude, 0), raw)
