"""The loopback tile server (tests/tile_support.py) that the basemap's browser test and the README's
screenshots use: tiles drawn from the dashboard's own Natural Earth files put land and sea where they
are, and the server answers only for tiles in the world."""

from __future__ import annotations

import io
import math
import urllib.error
import urllib.request

import pytest
from PIL import Image
from tile_support import NaturalEarthTiles, TileOutOfRange, TileStyle, mercator, tile_server


@pytest.fixture(scope="module")
def tiles() -> NaturalEarthTiles:
    return NaturalEarthTiles()


def pixel_at(tiles: NaturalEarthTiles, z: int, lon: float, lat: float) -> tuple[int, int, int]:
    """The colour the tile at zoom z draws at a point."""
    x, y = mercator(lon, lat)
    tx, ty = int(x * 2**z), int(y * 2**z)
    image = Image.open(io.BytesIO(tiles(z, tx, ty))).convert("RGB")
    return image.getpixel((int((x * 2**z - tx) * 256), int((y * 2**z - ty) * 256)))


def nearest(colour: tuple[int, int, int]) -> str:
    """Land or water, whichever colour of the style is nearer (a line may pass close by)."""
    style = TileStyle()
    return min(("land", "water"), key=lambda name: math.dist(colour, getattr(style, name)))


@pytest.mark.parametrize(("where", "lon", "lat", "expected"), [
    ("the Syrian desert", 38.5, 34.5, "land"),
    ("the Sahara", 5.0, 25.0, "land"),
    ("the middle of Cyprus", 33.0, 35.05, "land"),
    ("the sea between Cyprus and Lebanon", 34.5, 34.5, "water"),
    ("the Gulf of Aqaba", 34.75, 28.8, "water"),
    ("the Atlantic", -30.0, 30.0, "water"),
])
def test_land_and_sea_are_drawn_where_natural_earth_has_them(tiles, where, lon, lat, expected):
    assert nearest(pixel_at(tiles, 7, lon, lat)) == expected, where


def test_land_across_the_antimeridian_is_not_smeared_over_the_world(tiles):
    """Russia's far east crosses 180 degrees: the Arctic Ocean north of Scandinavia stays sea."""
    assert nearest(pixel_at(tiles, 3, 20.0, 75.0)) == "water"
    assert nearest(pixel_at(tiles, 5, 177.0, 66.0)) == "land"  # Chukotka, on the far side of the line


def test_a_tile_is_a_256_pixel_png_and_is_kept_once_drawn(tiles):
    png = tiles(6, 38, 25)
    assert png.startswith(b"\x89PNG") and Image.open(io.BytesIO(png)).size == (256, 256)
    assert tiles(6, 38, 25) is png


@pytest.mark.parametrize("zxy", [(2, 4, 0), (2, 0, 4), (2, -1, 0), (13, 0, 0)])
def test_tiles_outside_the_world_are_refused(tiles, zxy):
    with pytest.raises(TileOutOfRange):
        tiles(*zxy)


def test_the_server_serves_tiles_and_refuses_what_is_not_one(tiles):
    with tile_server(tiles) as (template, served):
        assert template.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(template.format(z=1, x=1, y=0), timeout=10) as response:
            assert response.headers["Content-Type"] == "image/png"
            assert response.read() == tiles(1, 1, 0)
        for bad in (template.format(z=1, x=2, y=0), template.replace("{z}/{x}/{y}.png", "robots.txt")):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(bad, timeout=10)
            assert refused.value.code == 404
        assert served == ["/1/1/0.png", "/1/2/0.png", "/robots.txt"]
