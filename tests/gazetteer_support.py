"""Helpers shared by the gazetteer tests."""

from __future__ import annotations

from typing import Protocol

from gazetteer.index import distance_km


class HasPoint(Protocol):
    latitude: float
    longitude: float


def km_from(found: HasPoint | None, lat: float, lon: float) -> float:
    """Distance from a Place or a geopy Location to a point; fails clearly when nothing was found."""
    assert found is not None, "no place found"
    return distance_km(found.latitude, found.longitude, lat, lon)
