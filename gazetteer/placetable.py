"""Every place of an index in memory, in compact columns: candidates are read without SQLite.

The geoparser weighs up to 24 candidates for each name it finds; reading each from SQLite cost
about 30 µs, more than the rest of the work on a candidate. The columns are what a `Place` holds
except its alternate names (which only the index build needs): about 40 MB for 280,000 places.
A place's numbers (point, prominence, population, GeoNames id, kind) are one packed row, read by
one call: a first pass builds thousands of places met for the first time, and a column each cost
a trip to memory each.

They are read once from the index into a side file next to it (`<index>.places`, a marshal blob
tagged with the index file's fingerprint, size and time) and loaded from there afterwards in a few
hundredths of a second. Where the side file cannot be written (a read-only cache), the columns are read from the
index at every start instead.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import stat
import struct
import tempfile
from array import array
from pathlib import Path

from gazetteer.index import PlaceIndex
from gazetteer.places import Place

TABLE_VERSION = 2
SUFFIX = ".places"

# latitude, longitude, prominence, population, GeoNames id (0 for none), kind (`_kinds`), flags
# (_OWN_ID: a place_id other than "gn:<id>", in `_place_id`; _OWN_ASCII: an asciiname other than
# the name, in `_asciiname`), padded to 48 bytes.
_ROW = struct.Struct("<dddqqIB3x")
_OWN_ID, _OWN_ASCII = 1, 2

_COLUMNS = ("number", "place_id", "geonameid", "name", "asciiname", "latitude", "longitude", "feature_class",
            "feature_code", "country_code", "admin1_code", "admin1_name", "population", "source", "prominence")


class PlaceTable:
    """Place numbers to (Place, prominence), as `PlaceIndex.place` gives them, from memory."""

    def __init__(self, index: PlaceIndex):
        tag = _tag(index)
        path = side_file(index.path)
        data = _load(path, tag)
        if data is None:
            data = _read_columns(index.path, tag)
            _save(path, data, index.path)
        self._size = data["size"]
        self._name: list[str] = data["name"]
        self._asciiname: dict[int, str] = data["asciiname"]
        self._place_id: dict[int, str] = data["place_id"]
        self._kinds: list[tuple[str, str, str, str, str, str]] = data["kinds"]
        self._rows: bytes = data["rows"]
        # (Also a column of its own: the rules ask a name's best prominence without its place.)
        self._prominence = memoryview(data["prominence"]).cast("d")
        self._cache: dict[int, tuple[Place, float]] = {}

    def __len__(self) -> int:
        return self._size

    def prominence(self, number: int) -> float:
        if not 0 < number <= self._size:
            raise KeyError(number)
        return self._prominence[number]

    def place(self, number: int) -> tuple[Place, float]:
        """The place numbered `number` (without its alternate names) and its prominence."""
        found = self._cache.get(number)
        if found is not None:
            return found
        if not 0 < number <= self._size:
            raise KeyError(number)
        latitude, longitude, prominence, population, geonameid, kind, flags = _ROW.unpack_from(
            self._rows, number * _ROW.size)
        fclass, fcode, cc, admin1_code, admin1_name, source = self._kinds[kind]
        geonameid = geonameid or None
        name = self._name[number]
        # (Positional, in the order of Place's fields: a first pass builds thousands, and keywords
        # cost a third of the call.)
        place = Place(
            (self._place_id[number] if flags & _OWN_ID else "") or f"gn:{geonameid}", name, latitude, longitude,
            fclass, fcode, cc, admin1_code, admin1_name, population, source, geonameid,
            self._asciiname[number] if flags & _OWN_ASCII else name,
        )
        found = (place, prominence)
        # (No lock: a dict's item is set whole under the GIL, and two threads that both clear a
        # full cache only lose what they would have read again.)
        if len(self._cache) >= 300_000:
            self._cache.clear()
        self._cache[number] = found
        return found


def side_file(index_path: Path) -> Path:
    return index_path.with_name(index_path.name + SUFFIX)


def _tag(index: PlaceIndex) -> str:
    """Which index file the columns come from: a rebuilt index, even of the same sources, is new."""
    info = index.path.stat()
    return f"{index.fingerprint}:{info.st_size}:{info.st_mtime_ns}"


def _read_columns(index_path: Path, tag: str) -> dict:
    """One pass over the index's places table. Number 0 is unused: numbers start at 1."""
    conn = sqlite3.connect(f"file:{index_path}?mode=ro", uri=True)
    try:
        size = conn.execute("SELECT max(number) FROM places").fetchone()[0] or 0
        names = [""] * (size + 1)
        asciinames: dict[int, str] = {}
        place_ids: dict[int, str] = {}
        kinds: dict[tuple, int] = {}
        rows = bytearray(_ROW.size * (size + 1))
        prominence = array("d", bytes(8 * (size + 1)))
        for row in conn.execute(f"SELECT {','.join(_COLUMNS)} FROM places"):
            (number, place_id, geonameid, name, asciiname, lat, lon, fclass, fcode, cc, admin1_code,
             admin1_name, pop, source, weight) = row
            names[number] = name
            flags = 0
            if asciiname != name:
                asciinames[number] = asciiname
                flags |= _OWN_ASCII
            if geonameid is None or place_id != f"gn:{geonameid}":
                place_ids[number] = place_id
                flags |= _OWN_ID
            kind = kinds.setdefault((fclass, fcode, cc, admin1_code, admin1_name, source), len(kinds))
            _ROW.pack_into(rows, number * _ROW.size, lat, lon, weight, pop or 0, geonameid or 0, kind, flags)
            prominence[number] = weight
    finally:
        conn.close()
    return {
        "version": TABLE_VERSION, "tag": tag, "size": size, "name": names, "asciiname": asciinames,
        "place_id": place_ids, "kinds": list(kinds), "rows": bytes(rows), "prominence": prominence.tobytes(),
    }


def _load(path: Path, tag: str) -> dict | None:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("version") != TABLE_VERSION or data.get("tag") != tag:
        return None
    try:
        whole = (len(data["rows"]) == _ROW.size * (data["size"] + 1)
                 and len(data["prominence"]) == 8 * (data["size"] + 1))
    except (KeyError, TypeError):
        whole = False
    return data if whole else None  # (a side file cut short is read again from the index)


def _save(path: Path, data: dict, index_path: Path) -> None:
    """Write the side file atomically, readable by whoever may read the index. A cache we may not
    write to only costs start-up time."""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            marshal.dump(data, handle)
        os.chmod(tmp_name, stat.S_IMODE(index_path.stat().st_mode))
        os.replace(tmp_name, path)
    except OSError:
        Path(tmp_name).unlink(missing_ok=True)
