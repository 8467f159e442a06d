"""The gazetteer index: every place and the names it goes by, built once into one SQLite file.

Layout of the file:
- `places`: one row per place (GeoNames columns plus `prominence`), rowid = the place's number.
- `meta`: the build's fingerprint, and `names`: a marshal blob of every normalised name and the
  place numbers of each, most prominent first (`gazetteer.nametable`). Loading it reads a few
  blobs, where a dict of the ~1M names took a second or more to build (an Aho-Corasick automaton
  over the same names took 5 s here).
Place rows are read on demand and kept in a small cache.

The file is written next to its final path and moved into place, so a failed build leaves the
index in use untouched. It is created with the permissions the umask allows (0644 under the usual
umask), like any other file, so a group sharing a cache folder can read it.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import math
import os
import secrets
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from gazetteer.errors import DamagedIndex
from gazetteer.nametable import NameTable, pack_names
from gazetteer.normalize import normalize_name
from gazetteer.places import Place

FORMAT_VERSION = 8
MAX_PLACES_PER_NAME = 64
MAX_NAME_LENGTH = 80

_PLACE_COLUMNS = ("place_id", "geonameid", "name", "asciiname", "latitude", "longitude",
                  "feature_class", "feature_code", "country_code", "admin1_code", "admin1_name",
                  "population", "source")

# What a kind of place weighs when nothing else tells two same-named places apart, in the same
# unit as log10(population). A capital outranks a town of the same name, a country or a famous
# mountain outranks a village, a first-level region loses to its eponymous city.
_FEATURE_WEIGHT = {
    "CONT": 5.0, "PCLI": 4.0, "PCLD": 3.0, "PCLS": 3.0, "PCLF": 3.0, "TERR": 2.5, "PCLIX": 2.5,
    "RGN": 3.0, "OCN": 6.0, "SEA": 5.0, "GULF": 4.5, "STRT": 4.5, "BAY": 3.5, "LK": 3.5, "STM": 3.5,
    "MTS": 4.0, "MT": 4.0, "DSRT": 4.5, "PEN": 3.5, "ISL": 3.0, "VAL": 3.0, "PLN": 3.0,
    "PPLC": 1.5, "PPLA": 0.6, "ADM1": -0.3, "ADM2": -0.8,
    "AIRB": 3.5, "AIRF": 3.0, "NVB": 3.5, "MILB": 3.5, "PRN": 3.5, "MSQE": 3.5, "HSTS": 3.0,
    "AIRP": 0.5, "PSTB": 3.0,
}
# Rows we curated by hand are places the news names: they should beat a hamlet of the same name.
_CURATED_FLOOR = 4.3


def prominence(place: Place) -> float:
    """How prominent a place is without any context: log10(population) plus a weight for its kind."""
    weight = _FEATURE_WEIGHT.get(place.feature_code, 0.0)
    base = math.log10(place.population + 1) + weight
    if place.source == "curated":
        base = max(base, _CURATED_FLOOR + weight / 2)
    return round(base, 4)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _name_keys(place: Place) -> set[str]:
    # Our own rows' short forms ("EU") are deliberate; airport codes ("LED", "TIP") are words too often.
    own = place.source == "curated" and not place.feature_code.startswith("AIR")
    keys = set()
    for i, name in enumerate((place.name, place.asciiname, *place.alternate_names)):
        if not name or len(name) > MAX_NAME_LENGTH:
            continue
        key = normalize_name(name)
        # Codes and numbers ("SY-13", "12") are not names anyone writes for a place, and two-letter
        # alternates are mostly codes ("US" for a Russian city): short forms come from abbreviations.tsv.
        if not key or any(ch.isdigit() for ch in key) or not any(ch.isalpha() for ch in key):
            continue
        if i >= 2 and not own and (len(key) < 3 or (name.isupper() and len(name) <= 4)):
            continue  # "HTS", "SDF": airport codes filed among cities' alternate names
        keys.add(key)
    return keys


def write_index(path: Path, places: Iterable[Place], *, fingerprint: str,
                extra_names: dict[str, Sequence[str]] | None = None,
                demonyms: dict[str, str] | None = None,
                common_words: dict[str, float] | None = None,
                neighbours: dict[str, str] | None = None) -> int:
    """Write the index file atomically. `extra_names` maps a name to place_ids it also denotes;
    `demonyms` maps a people word to the place_id of its place ("Syrian" -> Syria, "Texan" -> Texas);
    `common_words` maps common English words to their Zipf frequency (kept where they name a place).

    Returns the number of places written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # Not tempfile.mkstemp: its files are 0600, and the index is meant to be shared. os.open applies the umask.
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        count = _write(tmp, places, fingerprint, extra_names or {}, demonyms or {}, common_words or {},
                       neighbours or {})
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def _write(tmp: Path, places: Iterable[Place], fingerprint: str,
           extra_names: dict[str, Sequence[str]], demonyms: dict[str, str],
           common_words: dict[str, float], neighbours: dict[str, str]) -> int:
    conn = sqlite3.connect(tmp)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute(
            "CREATE TABLE places (number INTEGER PRIMARY KEY, place_id TEXT UNIQUE, geonameid INTEGER,"
            " name TEXT, asciiname TEXT, latitude REAL, longitude REAL, feature_class TEXT,"
            " feature_code TEXT, country_code TEXT, admin1_code TEXT, admin1_name TEXT,"
            " population INTEGER, source TEXT, prominence REAL, alternate_names TEXT)"
        )
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB)")
        names: dict[str, list[tuple[float, int]]] = defaultdict(list)
        curated_short: set[str] = set()
        number_of: dict[str, int] = {}
        rows = []
        for number, place in enumerate(places, start=1):
            weight = prominence(place)
            number_of[place.place_id] = number
            rows.append((number, place.place_id, place.geonameid, place.name, place.asciiname or place.name,
                         place.latitude, place.longitude, place.feature_class, place.feature_code,
                         place.country_code, place.admin1_code, place.admin1_name, place.population,
                         place.source, weight, "|".join(place.alternate_names[:200])))
            for key in _name_keys(place):
                names[key].append((weight, number))
            if place.source == "curated" and not place.feature_code.startswith("AIR"):
                curated_short.update(normalize_name(a) for a in place.alternate_names if a.isupper() and len(a) <= 5)
        conn.executemany(f"INSERT INTO places VALUES ({','.join('?' * 16)})", rows)
        conn.execute("CREATE INDEX places_lat ON places (latitude)")
        weights = {row[0]: row[14] for row in rows}
        for name, place_ids in extra_names.items():
            key = normalize_name(name)
            for place_id in place_ids:
                number = number_of.get(place_id)
                if key and number is not None and all(n != number for _, n in names[key]):
                    names[key].append((weights[number], number))
        packed = {}
        for key, entries in names.items():
            entries.sort(key=lambda e: (-e[0], e[1]))
            numbers = tuple(n for _, n in entries[:MAX_PLACES_PER_NAME])
            packed[key] = numbers[0] if len(numbers) == 1 else numbers
        demonym_numbers = {normalize_name(word): number_of[place_id] for word, place_id in demonyms.items()
                            if place_id in number_of}
        conn.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("fingerprint", fingerprint), ("format", str(FORMAT_VERSION)),
            ("names", marshal.dumps(pack_names(packed))),
            ("demonyms", marshal.dumps(demonym_numbers)),
            ("common_words", marshal.dumps({k: v for k, v in common_words.items() if k in packed})),
            ("neighbours", marshal.dumps(neighbours)),
            ("abbreviations", marshal.dumps(sorted({normalize_name(n) for n in extra_names} | curated_short))),
        ])
        conn.commit()
        return len(rows)
    finally:
        conn.close()


def _connect_read_only(path: Path, **kwargs) -> sqlite3.Connection:
    # A file: URI, percent-encoded, so a cache folder whose name holds "?" or "#" still opens.
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, **kwargs)


def read_fingerprint(path: Path) -> str | None:
    """The fingerprint an index file was built with, or None when it is missing or unreadable."""
    if not path.exists():
        return None
    try:
        conn = _connect_read_only(path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def fingerprint_of(parts: dict) -> str:
    blob = json.dumps({"format": FORMAT_VERSION, **parts}, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def file_signature(path: Path) -> str:
    """Content hash of a small file (our curated data): rebuilding follows edits exactly."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.exists() else "missing"


_META_KEYS = frozenset({"fingerprint", "format", "names", "demonyms", "common_words", "neighbours", "abbreviations"})


def _checked_meta(conn: sqlite3.Connection, path: Path, *, values: bool = True) -> dict:
    """The meta table of a whole index file; raises DamagedIndex (naming `path`) for anything less.

    Cheap (no table scan): a file that is not SQLite, shorter than its header says, or missing a
    table or a meta row. SQLite itself reports most of these only on the first query that needs the
    missing pages, in the middle of a geoparse. Without `values`, only the format is read, not the blobs.
    """
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        page_count = conn.execute("PRAGMA page_count").fetchone()[0]
        if path.stat().st_size < page_size * page_count:
            raise DamagedIndex(path, f"{path.stat().st_size:,} bytes where the file says {page_size * page_count:,}")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if missing := {"places", "meta"} - tables:
            raise DamagedIndex(path, f"no {' or '.join(sorted(missing))} table")
        meta = dict(conn.execute("SELECT key, value FROM meta" if values else
                                 "SELECT key, CASE key WHEN 'format' THEN value END FROM meta"))
    except sqlite3.DatabaseError as err:
        raise DamagedIndex(path, str(err)) from err
    if "format" in meta and meta["format"] != str(FORMAT_VERSION):
        raise ValueError(f"{path}: index format {meta['format']}, expected {FORMAT_VERSION}"
                         " (built by another version: delete it, or build it again)")
    if missing := _META_KEYS - meta.keys():
        raise DamagedIndex(path, f"no {', '.join(sorted(missing))} in its meta table")
    return meta


def check_index(path: Path) -> None:
    """Raise DamagedIndex naming `path` unless it is a whole index file (see `_checked_meta`), or
    ValueError when it is one of another format."""
    try:
        conn = _connect_read_only(path)
    except sqlite3.DatabaseError as err:
        raise DamagedIndex(path, str(err)) from err
    try:
        _checked_meta(conn, Path(path), values=False)
    finally:
        conn.close()


class PlaceIndex:
    """A loaded index file: name lookups in memory, place rows read on demand.

    A damaged file raises DamagedIndex, which names the file to delete (the default index, through
    `Gazetteer.default()`, is rebuilt instead).
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.is_file():  # sqlite would open a missing file as an empty database
            raise FileNotFoundError(f"{self.path}: no gazetteer index here (python -m gazetteer build makes one)")
        try:
            self._conn = _connect_read_only(self.path, check_same_thread=False)
        except sqlite3.DatabaseError as err:
            raise DamagedIndex(self.path, str(err)) from err
        self._lock = threading.Lock()
        try:
            self._load(_checked_meta(self._conn, self.path))
        except BaseException:
            self._conn.close()
            raise
        self.place = lru_cache(maxsize=200_000)(self._read_place)

    def _load(self, meta: dict) -> None:
        try:
            self.fingerprint: str = meta["fingerprint"]
            self.names = NameTable(*marshal.loads(meta["names"]))
            self.demonyms: dict[str, int] = marshal.loads(meta["demonyms"])
            self.common_words: dict[str, float] = marshal.loads(meta["common_words"])
            # Short forms we file on purpose ("US", "Calif.", "B.C."): unlike codes that crept into
            # alternate names, these may be matched in capitals.
            self.abbreviations: frozenset[str] = frozenset(marshal.loads(meta["abbreviations"]))
            self.neighbours: dict[str, frozenset[str]] = {cc: frozenset(n for n in codes.split(",") if n)
                                                          for cc, codes in marshal.loads(meta["neighbours"]).items()}
        except (EOFError, ValueError, TypeError, AttributeError) as err:  # what marshal says of a spoilt blob
            raise DamagedIndex(self.path, f"unreadable meta data: {err}") from err

    def numbers(self, key: str) -> tuple[int, ...]:
        """Place numbers filed under a normalised name, most prominent first."""
        found = self.names.get(key)
        if found is None:
            return ()
        return (found,) if isinstance(found, int) else found

    def _read_place(self, number: int) -> tuple[Place, float]:
        with self._lock:
            row = self._conn.execute(
                f"SELECT {','.join(_PLACE_COLUMNS)}, prominence, alternate_names FROM places WHERE number = ?",
                (number,),
            ).fetchone()
        if row is None:
            raise KeyError(number)
        return _place_from_row(row), row[13]

    def places_near(self, lat: float, lon: float, radius_deg: float) -> list[tuple[Place, float]]:
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {','.join(_PLACE_COLUMNS)}, prominence, alternate_names FROM places"
                " WHERE latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?",
                (lat - radius_deg, lat + radius_deg, lon - radius_deg * 2, lon + radius_deg * 2),
            ).fetchall()
        return [(_place_from_row(r), r[13]) for r in rows]

    def __len__(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT count(*) FROM places").fetchone()[0]

    def close(self) -> None:
        self._conn.close()


def _place_from_row(row: tuple) -> Place:
    (place_id, geonameid, name, asciiname, lat, lon, fclass, fcode, cc, admin1_code, admin1_name,
     population, source, _prominence, alternates) = row
    return Place(
        place_id=place_id, geonameid=geonameid, name=name, asciiname=asciiname, latitude=lat, longitude=lon,
        feature_class=fclass, feature_code=fcode, country_code=cc, admin1_code=admin1_code,
        admin1_name=admin1_name, population=population, source=source,
        alternate_names=tuple(alternates.split("|")) if alternates else (),
    )
