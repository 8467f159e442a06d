"""The local geocoder: the places conflict news names, found offline, as geopy returns them.

Reference points are the real places (from atlases), not read back from our own data.
"""

from __future__ import annotations

import pytest
from gazetteer_support import km_from
from geopy.exc import GeocoderQueryError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from gazetteer import Gazetteer, LocalGeocoder

pytestmark = pytest.mark.slow

DAMASCUS = (33.5138, 36.2765)
KHMEIMIM_AIR_BASE = (35.4011, 35.9487)
TARTUS = (34.8890, 35.8866)
QAMISHLI = (37.0522, 41.2314)
ALEPPO = (36.2021, 37.1343)
MOUNT_HERMON = (33.4163, 35.8571)
SEDNAYA_TOWN = (33.6983, 36.3719)
HADER_QUNEITRA = (33.2833, 35.7733)
TRIPOLI_LIBYA = (32.8872, 13.1913)


@pytest.fixture(scope="module")
def geocoder() -> LocalGeocoder:
    return LocalGeocoder()


@pytest.mark.parametrize(("name", "where"), [
    ("Khmeimim", KHMEIMIM_AIR_BASE), ("Hmeimim", KHMEIMIM_AIR_BASE), ("Tartus", TARTUS),
    ("Ţarţūs", TARTUS), ("Qamishli", QAMISHLI), ("Al-Qamishli", QAMISHLI), ("Damascus", DAMASCUS),
    ("Aleppo", ALEPPO), ("Mount Hermon", MOUNT_HERMON),
])
def test_alone_within_5_km(geocoder, name, where):
    location = geocoder.geocode(name)
    assert km_from(location, *where) <= 5, location.raw


def test_sednaya_town_or_prison(geocoder):
    assert km_from(geocoder.geocode("Sednaya"), *SEDNAYA_TOWN) <= 8


def test_tripoli_alone_is_the_capital_of_libya(geocoder):
    location = geocoder.geocode("Tripoli")
    assert location.raw["country_code"] == "LY"
    assert km_from(location, *TRIPOLI_LIBYA) <= 10


@pytest.mark.parametrize("bias", [(33.1, 35.8), Point(33.1, 35.8), "33.1, 35.8"])
def test_hader_near_the_golan(geocoder, bias):
    location = geocoder.geocode("Hader", location_bias=bias)
    assert km_from(location, *HADER_QUNEITRA) <= 5


def test_country_codes_restrict(geocoder):
    found = geocoder.geocode("Tripoli", exactly_one=False, country_codes=["LB"])
    assert found and all(loc.raw["country_code"] == "LB" for loc in found)


def test_it_is_a_geopy_geocoder(geocoder):
    assert isinstance(geocoder, Geocoder)
    geocode = RateLimiter(geocoder.geocode, min_delay_seconds=0)
    location = geocode("Damascus")
    assert isinstance(location, Location)
    assert location.point.latitude == pytest.approx(location.latitude)
    assert "SY" in location.address
    several = geocoder.geocode("Damascus", exactly_one=False, limit=3)
    assert 1 < len(several) <= 3


def test_reverse_gives_the_nearest_town(geocoder):
    location = geocoder.reverse((33.51, 36.29))
    assert location.raw["name"] == "Damascus"
    with pytest.raises(GeocoderQueryError):
        geocoder.reverse((123.0, 400.0))


def test_a_famous_summit_beats_a_hamlet():
    best = Gazetteer.default().candidates("Mount Hermon")[0]
    assert best.country_code in {"SY", "LB", "IL"}


def test_bad_input_is_empty_or_a_clear_error(geocoder):
    with pytest.raises(GeocoderQueryError, match="empty"):
        geocoder.geocode("")
    assert geocoder.geocode("\x00\x01\x02") is None
    assert geocoder.geocode("Xqzzvplace Nowhere") is None
    with pytest.raises(GeocoderQueryError, match="too long"):
        geocoder.geocode("a" * 10_000)
    with pytest.raises(ValueError, match="point"):  # (the same errors are ValueErrors too)
        geocoder.geocode("Damascus", location_bias="not a point")
