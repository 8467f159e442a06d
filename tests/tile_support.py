"""A map tile server on loopback, for the browser tests and the README's screenshots.

`tile_server` answers /{z}/{x}/{y}.png from any function of (z, x, y). `NaturalEarthTiles` is such a
function that draws raster tiles on the fly, in a light style, from the Natural Earth files the
dashboard ships for its offline basemap (dashboard/static/basemap/): land, coastlines, borders between
countries and first-level regions, and the names of countries, seas and cities. It is how a newsroom
serves its own tiles, at small scale, with nothing fetched from the internet.

Pillow (a dependency of Streamlit) draws the tiles: shapes at twice the size and then scaled down, since
its polygons have no anti-aliasing; names at full size, placed once per zoom over the whole world so
that a name cut by a tile's edge continues in the next tile and no two names overlap.
"""

from __future__ import annotations

import http.server
import io
import json
import math
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

BASEMAP_DIR = Path(__file__).resolve().parent.parent / "dashboard" / "static" / "basemap"
TILE_PATH = re.compile(r"^/(\d{1,2})/(\d+)/(\d+)\.png$")
TILE_PX = 256
MAX_LAT = 85.0511287798  # where Web Mercator's square world ends

TileRenderer = Callable[[int, int, int], bytes]


class TileOutOfRange(ValueError):
    """The tile is not in the world at its zoom (x or y out of 0..2^z - 1, or zoom out of range)."""


@contextmanager
def tile_server(render: TileRenderer) -> Iterator[tuple[str, list[str]]]:
    """Serve `render(z, x, y)` as /{z}/{x}/{y}.png on a free loopback port; yields the XYZ template and
    the paths asked for so far (in order). A path that is not a tile, or a tile outside the world, gets
    a 404; the server thread stops on exit."""
    served: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the standard library names the method
            served.append(self.path)
            match = TILE_PATH.match(self.path)
            try:
                if not match:
                    raise TileOutOfRange(self.path)
                body = render(*(int(part) for part in match.groups()))
            except TileOutOfRange:
                self.send_error(404, "no such tile")
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/{{z}}/{{x}}/{{y}}.png", served
    finally:
        httpd.shutdown()
        httpd.server_close()


# --------------------------------------------------------------------------------------------------
# Tiles drawn from Natural Earth.
# --------------------------------------------------------------------------------------------------

def mercator(lon: float, lat: float) -> tuple[float, float]:
    """A point's place on the Web Mercator square, both coordinates from 0 to 1 (y downwards)."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))  # longitude is not wrapped: see _shapes
    return (lon + 180.0) / 360.0, (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0


@dataclass(frozen=True)
class TileStyle:
    """Colours (RGB) and line widths (CSS pixels) of a light map."""

    water: tuple[int, int, int] = (197, 214, 228)
    land: tuple[int, int, int] = (245, 243, 238)
    coast: tuple[int, int, int] = (150, 172, 192)
    border: tuple[int, int, int] = (150, 150, 150)
    region: tuple[int, int, int] = (218, 215, 208)
    country_text: tuple[int, int, int] = (120, 114, 124)
    sea_text: tuple[int, int, int] = (84, 118, 150)
    city_text: tuple[int, int, int] = (95, 95, 95)
    coast_width: float = 0.8
    border_width: float = 1.0
    region_width: float = 0.6
    region_min_zoom: int = 5


@dataclass(frozen=True)
class _Label:
    text: str
    kind: str  # country, sea or city
    x: float  # Web Mercator, 0..1
    y: float
    min_zoom: int
    capital: bool = False


@dataclass(frozen=True)
class _Shape:
    rings: tuple[tuple[tuple[float, float], ...], ...]  # Web Mercator; for land, the outer ring first
    box: tuple[float, float, float, float]


def _shapes(rings: list[list[list[float]]]) -> list[_Shape]:
    """A polygon (outer ring first) or a line on the Web Mercator square. A ring that crosses the
    antimeridian (a jump from 180 to -180 degrees) is carried on past the square's edge rather than
    drawn back across the world, with a copy one world over so that the other side has it too."""
    projected = []
    for ring in rings:
        shift, previous, points = 0.0, None, []
        for lon, lat in ring:
            if previous is not None and abs(lon - previous) > 180:
                shift += 360 if lon < previous else -360
            previous = lon
            points.append(mercator(lon + shift, lat))
        projected.append(tuple(points))
    xs = [x for ring in projected for x, _ in ring]
    ys = [y for ring in projected for _, y in ring]
    box = (min(xs), min(ys), max(xs), max(ys))
    shapes = [_Shape(tuple(projected), box)]
    for offset in ((1.0,) if box[0] < 0 else ()) + ((-1.0,) if box[2] > 1 else ()):
        shapes.append(_Shape(tuple(tuple((x + offset, y) for x, y in ring) for ring in projected),
                             (box[0] + offset, box[1], box[2] + offset, box[3])))
    return shapes


def _country_min_zoom(area: float) -> int:
    # Large countries are named from the world view on, small ones once there is room for the name.
    return 2 if area >= 40 else 3 if area >= 3 else 4 if area >= 0.4 else 6


_CITY_MIN_ZOOM = {1: 5, 2: 5, 3: 6, 4: 7}  # rank 1 is a capital, then by population


@dataclass
class NaturalEarthTiles:
    """Raster tiles of the dashboard's own Natural Earth files; call with (z, x, y) for PNG bytes.

    Tiles are kept once drawn (a screenshot asks for a few dozen)."""

    style: TileStyle = field(default_factory=TileStyle)
    basemap_dir: Path = BASEMAP_DIR
    max_zoom: int = 12
    supersample: int = 2
    _cache: dict[tuple[int, int, int], bytes] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _placed_by_zoom: dict[int, list] = field(default_factory=dict, repr=False)

    def __call__(self, z: int, x: int, y: int) -> bytes:
        if not 0 <= z <= self.max_zoom or not (0 <= x < 2**z and 0 <= y < 2**z):
            raise TileOutOfRange(f"{z}/{x}/{y}")
        with self._lock:  # one tile at a time: drawing holds the interpreter anyway
            key = (z, x, y)
            if key not in self._cache:
                self._cache[key] = self._png(z, x, y)
            return self._cache[key]

    # The data, read once.

    @cached_property
    def _world(self) -> dict:
        return json.loads((self.basemap_dir / "world.json").read_text(encoding="utf-8"))

    @cached_property
    def _land(self) -> list[_Shape]:
        return [shape for f in self._world["features"] if f["properties"]["kind"] == "land"
                for polygon in f["geometry"]["coordinates"] for shape in _shapes(polygon)]

    @cached_property
    def _borders(self) -> list[_Shape]:
        return [shape for f in self._world["features"] if f["properties"]["kind"] == "border"
                for line in f["geometry"]["coordinates"] for shape in _shapes([line])]

    @cached_property
    def _regions(self) -> list[_Shape]:
        regions = json.loads((self.basemap_dir / "regions.json").read_text(encoding="utf-8"))
        return [shape for f in regions["features"] for line in f["geometry"]["coordinates"]
                for shape in _shapes([line])]

    @cached_property
    def _labels(self) -> list[_Label]:
        """Every name, most important first: countries by size, then oceans, seas, cities by rank."""
        found = []
        for f in self._world["features"]:
            p = f["properties"]
            if p["kind"] not in ("country", "sea", "city"):
                continue
            x, y = mercator(*f["geometry"]["coordinates"])
            if p["kind"] == "country":
                found.append((0, -p["area"], _Label(p["name"], "country", x, y, _country_min_zoom(p["area"]))))
            elif p["kind"] == "sea":
                found.append((1, 0 if p["ocean"] else 1, _Label(p["name"], "sea", x, y, 2 if p["ocean"] else 4)))
            else:
                found.append((2, p["rank"], _Label(p["name"], "city", x, y, _CITY_MIN_ZOOM.get(p["rank"], 7),
                                                   capital=p["rank"] == 1)))
        return [label for *_, label in sorted(found, key=lambda item: item[:2])]

    @cached_property
    def _fonts(self) -> dict[str, object]:
        from PIL import ImageFont

        def font(name: str, size: int):
            try:
                return ImageFont.truetype(name, size)
            except OSError:  # no DejaVu on this machine: Pillow's own font, same size
                return ImageFont.load_default(size)

        return {"country": font("DejaVuSans.ttf", 12), "sea": font("DejaVuSans-Oblique.ttf", 11),
                "city": font("DejaVuSans.ttf", 11), "capital": font("DejaVuSans-Bold.ttf", 11)}

    def _font(self, label: _Label):
        return self._fonts["capital" if label.capital else label.kind]

    # Placing names: once per zoom, over the whole world, in pixels of that zoom.

    def _label_box(self, label: _Label, z: int) -> tuple[float, float, float, float]:
        size = TILE_PX * 2**z
        _, top, right, bottom = self._font(label).getbbox(label.text)
        px, py = label.x * size, label.y * size
        if label.kind == "city":  # a dot, then the name to its right
            return px - 3, py - (bottom - top) / 2 - 2, px + 6 + right + 2, py + (bottom - top) / 2 + 2
        return px - right / 2 - 2, py - (bottom - top) / 2 - 2, px + right / 2 + 2, py + (bottom - top) / 2 + 2

    def _placed(self, z: int) -> list[tuple[_Label, tuple[float, float, float, float]]]:
        cache = self._placed_by_zoom
        if z not in cache:
            placed: list[tuple[_Label, tuple[float, float, float, float]]] = []
            for label in self._labels:
                if z < label.min_zoom:
                    continue
                box = self._label_box(label, z)
                if all(box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3] for _, b in placed):
                    placed.append((label, box))
            cache[z] = placed
        return cache[z]

    # Drawing one tile.

    def _png(self, z: int, x: int, y: int) -> bytes:
        from PIL import Image, ImageDraw

        s = self.style
        k = self.supersample
        scale = TILE_PX * k * 2**z  # Web Mercator units -> pixels of this drawing
        margin = 4 / (TILE_PX * 2**z)
        tile_box = (x / 2**z - margin, y / 2**z - margin, (x + 1) / 2**z + margin, (y + 1) / 2**z + margin)

        def near(shapes: list[_Shape]) -> list[_Shape]:
            return [sh for sh in shapes if not (sh.box[2] < tile_box[0] or sh.box[0] > tile_box[2]
                                                or sh.box[3] < tile_box[1] or sh.box[1] > tile_box[3])]

        def pixels(ring: tuple[tuple[float, float], ...]) -> list[tuple[float, float]]:
            return [(mx * scale - x * TILE_PX * k, my * scale - y * TILE_PX * k) for mx, my in ring]

        image = Image.new("RGB", (TILE_PX * k, TILE_PX * k), s.water)
        draw = ImageDraw.Draw(image)
        land = near(self._land)
        for shape in land:
            draw.polygon(pixels(shape.rings[0]), fill=s.land)
            for hole in shape.rings[1:]:
                draw.polygon(pixels(hole), fill=s.water)
        if z >= s.region_min_zoom:
            for shape in near(self._regions):
                draw.line(pixels(shape.rings[0]), fill=s.region, width=max(1, round(s.region_width * k)))
        for shape in land:
            for ring in shape.rings:
                draw.line(pixels(ring), fill=s.coast, width=max(1, round(s.coast_width * k)))
        for shape in near(self._borders):
            draw.line(pixels(shape.rings[0]), fill=s.border, width=max(1, round(s.border_width * k)),
                      joint="curve")
        image = image.resize((TILE_PX, TILE_PX), Image.Resampling.LANCZOS)
        self._draw_names(ImageDraw.Draw(image), z, x, y)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()

    def _draw_names(self, draw, z: int, x: int, y: int) -> None:
        s = self.style
        left, top = x * TILE_PX, y * TILE_PX
        halo = (255, 255, 255)
        for label, box in self._placed(z):
            if box[2] < left or box[0] > left + TILE_PX or box[3] < top or box[1] > top + TILE_PX:
                continue
            font = self._font(label)
            px, py = label.x * TILE_PX * 2**z - left, label.y * TILE_PX * 2**z - top
            if label.kind == "city":
                draw.ellipse((px - 2.5, py - 2.5, px + 2.5, py + 2.5), fill=s.city_text, outline=halo)
                draw.text((px + 6, py), label.text, font=font, fill=s.city_text, anchor="lm",
                          stroke_width=2, stroke_fill=halo)
            else:
                colour = s.country_text if label.kind == "country" else s.sea_text
                draw.text((px, py), label.text, font=font, fill=colour, anchor="mm",
                          stroke_width=2, stroke_fill=halo if label.kind == "country" else s.water)
