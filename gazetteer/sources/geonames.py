"""GeoNames dump files: the main table (allCountries.txt, XX.txt, cities500.txt, zipped or not),
admin1CodesASCII.txt and alternateNamesV2.txt. Our curated file (gazetteer/data/curated.tsv) uses
the same column layout, with two columns of our own after GeoNames' nineteen.

A malformed line raises `GeoNamesFormatError` naming the file and line: a truncated download must not
quietly become a smaller gazetteer.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from gazetteer.places import Place

MAIN_COLUMNS = 19
FEATURE_CLASSES = frozenset("AHLPRSTUV")


class GeoNamesFormatError(ValueError):
    """A GeoNames file that cannot be read: the message names the file and line."""


@contextmanager
def open_text(path: Path) -> Iterator[IO[str]]:
    """Open a .txt file, or the .txt member of a GeoNames .zip, as UTF-8 text."""
    if path.suffix.lower() == ".zip":
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as err:
            raise GeoNamesFormatError(f"{path}: not a readable zip file ({err})") from err
        with archive:
            members = [n for n in archive.namelist() if n.endswith(".txt") and "readme" not in n.lower()]
            if not members:
                raise GeoNamesFormatError(f"{path}: the zip file holds no .txt file")
            with archive.open(members[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    else:
        with open(path, encoding="utf-8", newline="\n") as handle:
            yield handle


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with open_text(path) as handle:
        number = 0
        try:
            for number, line in enumerate(handle, start=1):
                yield number, line.rstrip("\n").rstrip("\r")
        except UnicodeDecodeError as err:
            raise GeoNamesFormatError(f"{path}:{number + 1}: not valid UTF-8 ({err.reason})") from err
        except (zipfile.BadZipFile, EOFError, OSError) as err:
            raise GeoNamesFormatError(f"{path}:{number + 1}: the file is truncated or corrupt ({err})") from err


def read_places(path: str | Path, *, source: str | None = None,
                admin1_names: dict[str, str] | None = None) -> Iterator[Place]:
    """Yield the places of a GeoNames main-table file (or our curated file in the same layout).

    Lines starting with '#' and blank lines are skipped. A curated row with no geonameid gets the id
    "cur:<line number>"-free slug "cur:<country>:<ascii name>:<feature code>".
    """
    path = Path(path)
    source = source or path.name
    admin1_names = admin1_names or {}
    for number, line in _lines(path):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < MAIN_COLUMNS:
            raise GeoNamesFormatError(
                f"{path}:{number}: expected {MAIN_COLUMNS} tab-separated columns, found {len(cols)}"
                " (a truncated or non-GeoNames file?)"
            )
        try:
            place = _place_from_columns(cols, source, admin1_names)
        except ValueError as err:
            raise GeoNamesFormatError(f"{path}:{number}: {err}") from err
        yield place


def _place_from_columns(cols: list[str], source: str, admin1_names: dict[str, str]) -> Place:
    geonameid = int(cols[0]) if cols[0].strip() else None
    name = cols[1].strip()
    if not name:
        raise ValueError("empty name")
    lat, lon = float(cols[4]), float(cols[5])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"coordinates out of range: {lat}, {lon}")
    feature_class = cols[6].strip() or "P"
    if feature_class not in FEATURE_CLASSES:
        raise ValueError(f"unknown feature class {feature_class!r}")
    feature_code = cols[7].strip()
    country = cols[8].strip().upper()
    admin1 = cols[10].strip()
    population = int(cols[14]) if cols[14].strip() else 0
    asciiname = cols[2].strip() or name
    alternates = tuple(a.strip() for a in cols[3].split(",") if a.strip())
    if geonameid is not None:
        place_id = f"gn:{geonameid}"
    else:
        place_id = f"cur:{country or 'xx'}:{asciiname.lower().replace(' ', '-')}:{feature_code.lower()}"
    return Place(
        place_id=place_id, name=name, latitude=lat, longitude=lon, feature_class=feature_class,
        feature_code=feature_code, country_code=country, admin1_code=admin1,
        admin1_name=admin1_names.get(f"{country}.{admin1}", ""), population=population,
        source=source, geonameid=geonameid, asciiname=asciiname, alternate_names=alternates,
    )


def read_admin1_names(path: str | Path) -> dict[str, str]:
    """admin1CodesASCII.txt: "SY.13" -> "Damascus Governorate"."""
    path = Path(path)
    names: dict[str, str] = {}
    for number, line in _lines(path):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2 or "." not in cols[0]:
            raise GeoNamesFormatError(f"{path}:{number}: expected 'CC.CODE<TAB>name...'")
        names[cols[0]] = cols[1]
    return names


def read_alternate_names(path: str | Path, wanted: set[int] | None = None) -> dict[int, list[str]]:
    """alternateNamesV2.txt: geonameid -> its alternate names (links and codes left out)."""
    path = Path(path)
    names: dict[int, list[str]] = {}
    for number, line in _lines(path):
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) < 4:
            raise GeoNamesFormatError(f"{path}:{number}: expected at least 4 tab-separated columns")
        try:
            geonameid = int(cols[1])
        except ValueError as err:
            raise GeoNamesFormatError(f"{path}:{number}: geonameid is not a number") from err
        language = cols[2]
        # 'link', 'post', 'iata', 'icao', 'faac', 'abbr', 'wkdt', 'unlc' hold codes and URLs, not names.
        if language in {"link", "post", "iata", "icao", "faac", "wkdt", "unlc", "fr_1793"}:
            continue
        if wanted is None or geonameid in wanted:
            names.setdefault(geonameid, []).append(cols[3])
    return names
