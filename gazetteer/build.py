"""Building the index from its sources, and knowing when to build it again.

The default index comes from installed packages and our curated files; a user may add GeoNames dumps
(`python -m gazetteer build --geonames FILE...`). The index lives in a cache folder
(`$GAZETTEER_CACHE`, else the platform's user cache) and is rebuilt when a source changes.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from gazetteer.datafiles import INDEX_SOURCES, data_path
from gazetteer.errors import DamagedIndex
from gazetteer.index import check_index, file_signature, fingerprint_of, prominence, read_fingerprint, write_index
from gazetteer.normalize import normalize_name
from gazetteer.places import Place
from gazetteer.sources import packages
from gazetteer.sources.geonames import read_admin1_names, read_alternate_names, read_places

INDEX_FILE_NAME = "gazetteer-index.sqlite"
DUMPS_FILE_NAME = "gazetteer-dumps.json"


def _say(message: str) -> None:
    """Build messages go to stderr: a first `gazetteer geocode --json` must print only JSON on stdout."""
    print(message, file=sys.stderr, flush=True)


def cache_dir() -> Path:
    configured = os.environ.get("GAZETTEER_CACHE")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("liveblog-map"))


def default_index_path() -> Path:
    return cache_dir() / INDEX_FILE_NAME


def _dumps_config_path(index_path: Path) -> Path:
    return index_path.with_name(DUMPS_FILE_NAME)


def read_dumps_config(index_path: Path) -> dict:
    """The GeoNames dumps a user built in (kept beside the index so rebuilds keep them)."""
    path = _dumps_config_path(index_path)
    if not path.exists():
        return {"files": [], "admin1": None, "alternates": None, "with_default": True}
    return json.loads(path.read_text(encoding="utf-8"))


def source_fingerprint(config: dict) -> str:
    def signature(name: str | None) -> str | None:
        if not name:
            return None
        path = Path(name)
        if not path.exists():
            return "missing"
        stat = path.stat()
        return f"{stat.st_size}:{int(stat.st_mtime)}"

    return fingerprint_of({
        "code": _builder_code_signature(),
        "packages": packages.package_versions() if config.get("with_default", True) else {},
        "data": {name: file_signature(data_path(name)) for name in INDEX_SOURCES},
        "dumps": {name: signature(name) for name in config.get("files", [])},
        "admin1": signature(config.get("admin1")),
        "alternates": signature(config.get("alternates")),
    })


def _builder_code_signature() -> str:
    """The code that shapes the index: changing how names are folded or filed means a rebuild."""
    here = Path(__file__).resolve().parent
    files = [here / "normalize.py", here / "index.py", here / "nametable.py", here / "build.py",
             *sorted((here / "sources").glob("*.py"))]
    return "".join(file_signature(f) for f in files)


def default_places() -> Iterator[Place]:
    """The default index's places: packages first, then our curated rows."""
    yield from packages.continents()
    yield from packages.countries()
    yield from packages.cities_and_regions()
    yield from packages.airports()
    yield from read_places(data_path("curated.tsv"), source="curated")


def _merge(places: Iterator[Place]) -> list[Place]:
    """Later rows with the same place_id replace earlier ones and keep their names."""
    merged: dict[str, Place] = {}
    for place in places:
        old = merged.get(place.place_id)
        if old is not None:
            names = tuple(dict.fromkeys((*place.alternate_names, old.name, *old.alternate_names)))
            place = Place(**{**_as_kwargs(place), "alternate_names": names})
        merged[place.place_id] = place
    return list(merged.values())


def _as_kwargs(place: Place) -> dict:
    return {f: getattr(place, f) for f in place.__dataclass_fields__}


def _abbreviation_names(places: list[Place]) -> dict[str, list[str]]:
    targets = {(p.country_code, p.name): p.place_id for p in places if p.feature_code == "ADM1"}
    targets.update({(p.country_code, ""): p.place_id for p in places if p.feature_code == "PCLI"})
    names: dict[str, list[str]] = {}
    for abbreviation, country, region in packages.abbreviations():
        if (country, region) in targets:
            names.setdefault(abbreviation, []).append(targets[(country, region)])
    return names


class DemonymTargetError(ValueError):
    """Rows of demonyms.tsv whose place is not in the index: the message lists every one."""


def _demonym_places(places: list[Place], *, with_curated: bool = True) -> dict[str, str]:
    """Demonym -> place_id: countries from countryinfo, then our demonyms.tsv, which wins for a word.

    A word that is its place's own name ("Gibraltar", "Djibouti" in countryinfo) is left out: it names
    the place, and the geoparser drops demonyms as place mentions.
    """
    by_id = {p.place_id: p for p in places}
    countries = {p.country_code: p.place_id for p in places if p.feature_code == "PCLI"}
    found = {word: countries[iso2] for word, iso2 in packages.demonyms().items() if iso2 in countries}
    if with_curated:
        found.update(_resolve_curated_demonyms(places, packages.curated_demonyms()))
    return {word: place_id for word, place_id in found.items()
            if normalize_name(word) not in _own_name_keys(by_id[place_id])}


def _own_name_keys(place: Place) -> set[str]:
    return {normalize_name(place.name), normalize_name(place.asciiname or place.name)}


def _resolve_curated_demonyms(places: list[Place],
                              wanted: dict[str, packages.DemonymTarget]) -> dict[str, str]:
    """Each curated demonym's place_id; raises DemonymTargetError naming every row not found."""
    keys = {normalize_name(t.name) for t in wanted.values()}
    # (is an alternate name, place) per target name: a place's own name beats an alternate one.
    kinds = {t.feature_code for t in wanted.values()}
    named: dict[str, list[tuple[bool, Place]]] = defaultdict(list)
    for place in places:
        if place.feature_code not in kinds and place.feature_class not in kinds:
            continue  # (folding every city's alternate names would cost seconds)
        own = _own_name_keys(place)
        for key in keys & (own | {normalize_name(a) for a in place.alternate_names}):
            named[key].append((key not in own, place))
    resolved: dict[packages.DemonymTarget, str] = {}
    missing = []
    for target in sorted(set(wanted.values()), key=lambda t: t.line):
        fits = [(alternate, -prominence(p), p.place_id) for alternate, p in named[normalize_name(target.name)]
                if _fits(p, target)]
        if fits:
            resolved[target] = min(fits)[2]  # the most prominent place of that name and kind
        else:
            missing.append(f"line {target.line}: {target.name} ({target.feature_code}, {target.country_code or '-'})")
    if missing:
        raise DemonymTargetError(f"{data_path('demonyms.tsv')}: no place in the index for: " + "; ".join(missing))
    return {word: resolved[target] for word, target in wanted.items()}


def _fits(place: Place, target: packages.DemonymTarget) -> bool:
    kind = place.feature_class if len(target.feature_code) == 1 else place.feature_code
    return kind == target.feature_code and (not target.country_code or place.country_code == target.country_code)


def build_index(index_path: Path | None = None, *, geonames_files: Sequence[str | Path] = (),
                admin1_file: str | Path | None = None, alternates_file: str | Path | None = None,
                with_default: bool = True, log=_say) -> Path:
    """Build (or rebuild) the index file. Dump files are remembered for later rebuilds."""
    index_path = index_path or default_index_path()
    config = {
        "files": [str(Path(f).resolve()) for f in geonames_files],
        "admin1": str(Path(admin1_file).resolve()) if admin1_file else None,
        "alternates": str(Path(alternates_file).resolve()) if alternates_file else None,
        "with_default": with_default,
    }
    if not config["files"] and not with_default:
        raise ValueError("nothing to build: give GeoNames files or keep the default sources")
    started = time.perf_counter()
    places: list[Place] = []
    if with_default:
        places.extend(default_places())
    if config["files"]:
        places.extend(_dump_places(config))
    merged = _merge(iter(places))
    count = write_index(index_path, merged, fingerprint=source_fingerprint(config),
                        extra_names=_abbreviation_names(merged),
                        demonyms=_demonym_places(merged, with_curated=with_default),
                        common_words=common_english_words(), neighbours=packages.country_neighbours())
    _dumps_config_path(index_path).write_text(json.dumps(config, indent=1), encoding="utf-8")
    log(f"built {index_path} with {count:,} places in {time.perf_counter() - started:.1f} s")
    return index_path


def _dump_places(config: dict) -> Iterator[Place]:
    admin1 = read_admin1_names(config["admin1"]) if config.get("admin1") else {}
    dump_places = [p for name in config["files"] for p in read_places(name, source="geonames",
                                                                      admin1_names=admin1)]
    if config.get("alternates"):
        wanted = {p.geonameid for p in dump_places if p.geonameid is not None}
        extra = read_alternate_names(config["alternates"], wanted)
        dump_places = [
            Place(**{**_as_kwargs(p), "alternate_names": tuple(dict.fromkeys(
                (*p.alternate_names, *extra.get(p.geonameid or -1, ()))))})
            for p in dump_places
        ]
    yield from dump_places


# A lower-case word at least this frequent (Zipf scale: 3 is once per million words) is common.
COMMON_WORD_ZIPF = 3.0


@lru_cache(maxsize=1)
def common_english_words() -> dict[str, float]:
    """Lower-case English dictionary words (Webster's, via english-words) with their frequency.

    A place whose name is also one of these ("Split", "Reading", "Hope") needs more evidence than a
    capital letter. Proper nouns are capitalised in the dictionary, so "Paris" is not among them.
    """
    from english_words import get_english_words_set
    from wordfreq import zipf_frequency

    common: dict[str, float] = {}
    for word in get_english_words_set(["web2"], lower=False, alpha=True):
        if not word.islower() or len(word) < 3:
            continue
        # The dictionary lists "marine", not "marines": plurals are as common as words.
        for form in (word, word + "s", word + "es"):
            frequency = zipf_frequency(form, "en")
            if frequency >= COMMON_WORD_ZIPF:
                key = normalize_name(form)
                common[key] = max(common.get(key, 0.0), frequency)
    if not common:  # a broken english-words or wordfreq install: the index would take every word for a place
        raise RuntimeError("no common English words: english-words or wordfreq gave none (reinstall them)")
    return common


def index_is_current(index_path: Path | None = None) -> bool:
    """Whether the index file is there and built from today's sources: if not, the next use builds it.

    Cheap (the sources' signatures and one read of the file's fingerprint), so a caller can say "building
    the index" before a long first use rather than after.
    """
    index_path = index_path or default_index_path()
    return read_fingerprint(index_path) == source_fingerprint(read_dumps_config(index_path))


def ensure_index(index_path: Path | None = None, log=_say, *, rebuild: bool = False) -> Path:
    """The index file, built or rebuilt first when it is missing, damaged or its sources changed.

    The file is treated as a cache: whatever is at `index_path` may be replaced. Opening a file directly
    (`PlaceIndex(path)`) never rebuilds; a damaged one raises DamagedIndex naming it. `rebuild` builds
    it again whatever its state.
    """
    index_path = index_path or default_index_path()
    config = read_dumps_config(index_path)
    fresh = not rebuild and index_is_current(index_path)
    damage = None
    if fresh:
        try:
            check_index(index_path)
        except DamagedIndex as err:  # a cache file cut short or half-copied: ours to build again
            log(f"{index_path}: damaged ({err.why}), building it again")
            fresh, damage = False, err
    if not fresh:
        log(f"building the gazetteer index at {index_path} (once; about a minute)...")
        try:
            build_index(index_path, geonames_files=config.get("files", []), admin1_file=config.get("admin1"),
                        alternates_file=config.get("alternates"),
                        with_default=config.get("with_default", True), log=log)
        except OSError as err:
            if damage is None:
                raise
            # A shared cache folder this user may not write to: the owner must delete the file.
            raise DamagedIndex(index_path, f"{damage.why}; building it again failed: {err}") from err
    return index_path
