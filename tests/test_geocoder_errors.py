"""Bad queries to the local geocoder raise geopy's query error, which is still a ValueError.

A small index built from the GeoNames fixture keeps these fast; the default index is not needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from geopy.exc import GeocoderQueryError, GeopyError
from geopy.point import Point

from gazetteer import Gazetteer, LocalGeocoder
from gazetteer.build import build_index
from gazetteer.errors import InvalidPoint, InvalidQuery

SAMPLE = Path(__file__).parent / "fixtures" / "geonames" / "sample-geonames.txt"


@pytest.fixture(scope="module")
def geocoder(tmp_path_factory) -> LocalGeocoder:
    index = tmp_path_factory.mktemp("index") / "index.sqlite"
    build_index(index, geonames_files=[SAMPLE], with_default=False, log=lambda _: None)
    return LocalGeocoder(Gazetteer(index))


def test_the_error_classes_are_geopys_and_value_errors():
    for error in (InvalidQuery, InvalidPoint):
        assert issubclass(error, GeocoderQueryError) and issubclass(error, GeopyError)
        assert issubclass(error, ValueError)
    assert issubclass(InvalidPoint, InvalidQuery)


def test_good_queries_still_answer(geocoder):
    assert geocoder.geocode("Tartous").raw["name"] == "Tartus"
    assert geocoder.geocode("Tartus", country_codes=("sy",), location_bias=Point(34.9, 35.9), limit=2)
    assert geocoder.geocode("Nowhere At All") is None
    assert geocoder.geocode("\x00\x01\x02") is None  # text, naming nothing
    assert geocoder.reverse("33.5, 36.3").raw["name"] == "Damascus"


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_an_empty_query_is_an_error(geocoder, query):
    with pytest.raises(InvalidQuery, match="empty"):
        geocoder.geocode(query)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"query": "a" * 10_000}, "too long"),
    ({"query": 42}, "must be text"),
    ({"query": "Tartus", "limit": 0}, "limit"),
    ({"query": "Tartus", "limit": -3}, "limit"),
    ({"query": "Tartus", "limit": "3"}, "limit"),
    ({"query": "Tartus", "country_codes": 963}, "country_codes"),
    ({"query": "Tartus", "country_codes": ["SY", None]}, "country_codes"),
])
def test_bad_parameters_are_query_errors(geocoder, kwargs, match):
    query = kwargs.pop("query")
    with pytest.raises(InvalidQuery, match=match) as raised:
        geocoder.geocode(query, exactly_one=False, **kwargs)
    assert isinstance(raised.value, GeocoderQueryError) and isinstance(raised.value, ValueError)


@pytest.mark.parametrize("point", [
    (123.0, 400.0), (91, 0), (0, -181), (float("nan"), 10.0), "not a point", ("north", "east"), "95, 10",
])
def test_bad_points_are_query_errors(geocoder, point):
    with pytest.raises(InvalidPoint):
        geocoder.reverse(point)
    with pytest.raises(InvalidPoint):
        geocoder.geocode("Tartus", location_bias=point)


def test_reverse_needs_a_point(geocoder):
    with pytest.raises(InvalidPoint, match="needs a point"):
        geocoder.reverse(None)


def test_the_gazetteer_raises_the_same_errors(geocoder):
    gazetteer = geocoder.gazetteer
    with pytest.raises(InvalidPoint, match="out of range"):
        gazetteer.reverse(-91.0, 0.0)
    with pytest.raises(InvalidQuery, match="too long"):
        gazetteer.candidates("x" * 1000)
    with pytest.raises(ValueError):  # what callers caught before
        gazetteer.candidates(None)


def test_geoparsing_does_not_import_geopy_and_its_errors_still_come_when_raised(tmp_path):
    # geopy (with requests and urllib3) is about 0.4 s of start-up that geoparsing never needs.
    import subprocess
    import sys

    index = tmp_path / "index.sqlite"
    build_index(index, geonames_files=[SAMPLE], with_default=False, log=lambda _: None)
    script = f"""
import sys
from gazetteer import Gazetteer, geoparse
import gazetteer.batch, gazetteer.cli, gazetteer.geoparser
assert "geopy" not in sys.modules, "imported geopy"
try:
    Gazetteer({str(index)!r}).candidates("x" * 1000)
except ValueError as err:
    from geopy.exc import GeocoderQueryError
    from gazetteer.errors import InvalidQuery
    assert isinstance(err, InvalidQuery) and isinstance(err, GeocoderQueryError), type(err).__mro__
else:
    raise AssertionError("a name too long was answered")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
