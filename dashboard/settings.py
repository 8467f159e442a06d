"""Settings, paths and limits, in one place: where things live and how big an input may be.

Environment variables: `DASHBOARD_DB` (the event store); `DASHBOARD_FOLLOW_EVERY` (seconds between
polls of a followed live page in the app) and `DASHBOARD_ALLOW_PRIVATE_URLS` (1 lets the app follow
pages on loopback and private networks); `DASHBOARD_BASEMAP` (the map's first base layer),
`DASHBOARD_TILES` and `DASHBOARD_TILES_ATTRIBUTION` (the operator's own tile server);
`DASHBOARD_READ_ONLY` (1: the app reads the store and offers no way to change it);
`DASHBOARD_TEXT_IN_STORE_ENTRIES` (past how many entries the app leaves their text in the store).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# The map's own scripts and styles, served by Streamlit at /app/static/.
STATIC_DIR = PACKAGE_DIR / "static"
# The offline basemap's data (tools/build_basemap.py writes it), served beside the scripts.
BASEMAP_DIR = STATIC_DIR / "basemap"
# Ships in the package (dashboard/datafiles.py lists it), so an installed copy has it too; the checkout's
# data/sample-liveblog.txt is the same text, for the README's commands.
SAMPLE_BLOG = PACKAGE_DIR / "data" / "sample-liveblog.txt"
# The largest live blog read, on the command line and in the app: the same cap as the app's upload
# limit (server.maxUploadSize, in megabytes, passed by `serve` and in .streamlit/config.toml).
MAX_INPUT_BYTES = 20 * 1024 * 1024
# Bounded work per input, so that one upload cannot take the server's memory or a worker's time.
# The parser gives up on an input after PARSE_SECONDS ($DASHBOARD_PARSE_SECONDS), and rejects at once
# inputs whose shape alone would cost too much: more entries than any live blog has, HTML nested deeper
# than pages are (nesting costs a parse tree node per level), more elements or lines than their size
# explains (BeautifulSoup keeps about 1 KB per element, a text line about 200 bytes, so these ratios
# keep the parser's memory near 20 MB per MB of input at worst; real pages have 60-200 bytes an element).
PARSE_SECONDS = 20.0
MAX_ENTRIES = 100_000
MAX_HTML_DEPTH = 512
HTML_BYTES_PER_ELEMENT = 48
MIN_HTML_ELEMENTS = 20_000
TEXT_BYTES_PER_LINE = 16
MIN_TEXT_LINES = 250_000


def parse_seconds() -> float:
    """The parser's time budget for one input: $DASHBOARD_PARSE_SECONDS, else 20 (a bad value: 20)."""
    return _positive_env("DASHBOARD_PARSE_SECONDS", PARSE_SECONDS)


# The app's ingest worker (dashboard.worker): how many blogs are parsed and stored at once (each in a
# child process; others wait in line), the address space one blog's ingest may add to the child's
# (loading the place index takes about 200 MB of it, reading a 20 MB blog at most about 400 MB), and how
# long one blog may take in all.
INGEST_PROCESSES = 2
INGEST_MEMORY_MB = 1024
INGEST_SECONDS = 300.0


def ingest_processes() -> int:
    """Blogs ingested at once by the app: $DASHBOARD_INGEST_PROCESSES, else 2."""
    return max(1, int(_positive_env("DASHBOARD_INGEST_PROCESSES", INGEST_PROCESSES)))


def ingest_memory_bytes() -> int:
    """What one ingest may add to its child's address space: $DASHBOARD_INGEST_MEMORY_MB megabytes, else 1,024."""
    return int(_positive_env("DASHBOARD_INGEST_MEMORY_MB", INGEST_MEMORY_MB) * 2**20)


def ingest_seconds() -> float:
    """How long one blog's ingest in the app may take in all: $DASHBOARD_INGEST_SECONDS, else 300."""
    return _positive_env("DASHBOARD_INGEST_SECONDS", INGEST_SECONDS)


def _flag_env(name: str) -> bool:
    """Whether $name is set to 1, true or yes."""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


def _positive_env(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


# How long opening or writing the store waits for another process's write to end before saying the
# store is busy: a few seconds, so that a command or a page answers instead of hanging.
STORE_BUSY_SECONDS = 5.0
# Read-only connections each process keeps to its store (dashboard.store.readers): reads never queue
# behind a write, and a handful is as many as Python's one running thread can use.
STORE_READERS = 4
# The folder name under the platform's user data folder (~/.local/share/liveblog-map on Linux).
APP_NAME = "liveblog-map"


def default_db_path() -> Path:
    """The event store: $DASHBOARD_DB, else events.db in the platform's user data folder.

    Not a path inside the package: an installed copy's folder may be read-only or shared, and a
    reinstall would lose the store. `make run` passes the checkout's data/events.db with --db.
    """
    configured = os.environ.get("DASHBOARD_DB")
    return Path(configured).expanduser() if configured else user_data_db_path()


def user_data_db_path() -> Path:
    """events.db in the platform's user data folder ($XDG_DATA_HOME/liveblog-map on Linux)."""
    import platformdirs

    return platformdirs.user_data_path(APP_NAME) / "events.db"


# Following live pages: how often a page is polled unless told otherwise, how long one request may
# take, and the longest wait after repeated failures (the back-off doubles up to it).
FOLLOW_EVERY_SECONDS = 60.0
FETCH_TIMEOUT_SECONDS = 20.0
MAX_BACKOFF_SECONDS = 3600.0


def follow_every() -> float:
    """Seconds between polls of a followed page: $DASHBOARD_FOLLOW_EVERY, else 60 (a bad value: 60)."""
    return _positive_env("DASHBOARD_FOLLOW_EVERY", FOLLOW_EVERY_SECONDS)


def allow_private_urls() -> bool:
    """Whether the app may follow pages on loopback, private or link-local addresses
    ($DASHBOARD_ALLOW_PRIVATE_URLS=1: for a newsroom's own network, or tests)."""
    return _flag_env("DASHBOARD_ALLOW_PRIVATE_URLS")


def read_only() -> bool:
    """Whether the app serves readers only ($DASHBOARD_READ_ONLY=1, set by `serve --read-only`): the store
    is opened with SQLite's mode=ro and no upload, follow, blog, review or correction control is shown."""
    return _flag_env("DASHBOARD_READ_ONLY")


def user_agent() -> str:
    """What the follower calls itself to the sites it polls: the project's name and version."""
    try:
        version = metadata.version("liveblog-map")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"liveblog-map/{version} (+follows live pages; polite polling)"
# Past this many entries in the chosen blogs, the app keeps in memory only what a window is computed from
# (times, places, scores: the arrays of `dashboard.view.mapdata`) and reads the entries' bodies and
# captions from the store for what it shows (the entry read, the review's lines, a download). The
# bodies are most of the weight: 100,000 entries held 433-577 MB at the server's peak with them
# (bench/bench_map.py), so twice that would near the 1 GB a server should stay under; below this size
# holding them costs little and saves a query per entry read.
TEXT_IN_STORE_ENTRIES = 100_000


# Up to this many entries in the chosen blogs (after the filters), what no window changes (each entry's
# popup line, time and headline, about 80 bytes; each place's position, name and confidence) is sent
# to the page once per data set and kept there, and a window's map layer refers to it by row: the
# entries' lines were most of the layer a slider step sent. Past it, that once-sent part would
# outweigh many steps' layers, so each layer carries the lines and fields it shows.
PAGE_KEPT_ENTRIES = 50_000


# The sidebar's "Place named" select lists at most this many places; past it a "Find a place" box
# narrows them by name. A select of all 20,000 places of a big store was the first page's biggest
# message (about 318 kB) and a long render in the browser, and no one scrolls such a list.
PLACE_FILTER_OPTIONS = 200


# What every window cache of a server (a window's places, its layer script, its legend: the work of a
# slider step, shared by every reader) may weigh in all, in MB. A window of a few hundred places weighs
# a few hundred kB and the count (dashboard.ui.loaders.WINDOW_CACHE_ENTRIES) bounds it first; one of
# 20,000 places weighs several MB, and without this 256 of them would take gigabytes.
WINDOW_CACHE_MB = 160


def window_cache_bytes() -> int:
    """$DASHBOARD_WINDOW_CACHE_MB (MB), else WINDOW_CACHE_MB, in bytes (a bad value: the default)."""
    return int(_positive_env("DASHBOARD_WINDOW_CACHE_MB", WINDOW_CACHE_MB) * 2**20)


def text_in_store_entries() -> int:
    """$DASHBOARD_TEXT_IN_STORE_ENTRIES (0: always read the text from the store), else TEXT_IN_STORE_ENTRIES."""
    try:
        value = int(os.environ.get("DASHBOARD_TEXT_IN_STORE_ENTRIES", "") or TEXT_IN_STORE_ENTRIES)
    except ValueError:
        return TEXT_IN_STORE_ENTRIES
    return max(0, value)


# The base layers a reader can choose; the first is the offline basemap, drawn from BASEMAP_DIR.
BASEMAPS = ("offline", "osm", "satellite", "paper", "custom")


@dataclass(frozen=True)
class TileSettings:
    """The map's base layer settings: the layer shown first, the operator's tiles, and what was wrong."""

    basemap: str = "osm"
    tiles: str | None = None
    attribution: str = ""
    problems: tuple[str, ...] = ()


def tile_settings(environ: dict[str, str] | None = None) -> TileSettings:
    """$DASHBOARD_BASEMAP, $DASHBOARD_TILES (an XYZ template) and $DASHBOARD_TILES_ATTRIBUTION.

    A value that cannot be used is left out, with a one-line reason in `problems`.
    """
    env = os.environ if environ is None else environ
    problems = []
    tiles = (env.get("DASHBOARD_TILES") or "").strip() or None
    if tiles is not None and not (tiles.startswith(("http://", "https://", "/"))
                                  and all(part in tiles for part in ("{z}", "{x}", "{y}"))):
        problems.append(f"DASHBOARD_TILES={tiles!r} is not an XYZ template (http(s)://.../{{z}}/{{x}}/{{y}}.png); "
                        "leaving it out.")
        tiles = None
    attribution = " ".join((env.get("DASHBOARD_TILES_ATTRIBUTION") or "").split())
    basemap = (env.get("DASHBOARD_BASEMAP") or "").strip().lower() or ("custom" if tiles else "osm")
    if basemap not in BASEMAPS or (basemap == "custom" and not tiles):
        problems.append(f"DASHBOARD_BASEMAP={basemap!r} is not one of {', '.join(BASEMAPS)}"
                        + (" (custom needs DASHBOARD_TILES)" if basemap == "custom" else "") + "; using osm.")
        basemap = "osm"
    return TileSettings(basemap=basemap, tiles=tiles, attribution=attribution, problems=tuple(problems))
