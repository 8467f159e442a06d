"""Settings, paths and limits, in one place: where things live and how big an input may be.

Environment variables: `DASHBOARD_DB` (the event store), `DASHBOARD_FOLLOW_EVERY` (seconds between
polls of a followed live page in the app) and `DASHBOARD_ALLOW_PRIVATE_URLS` (1 lets the app follow
pages on loopback and private networks).
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# The map's own scripts and styles, served by Streamlit at /app/static/.
STATIC_DIR = PACKAGE_DIR / "static"
DATA_DIR = PROJECT_ROOT / "data"
SAMPLE_BLOG = DATA_DIR / "sample-liveblog.txt"
# The largest live blog read, on the command line and in the app: the same cap as the app's upload
# limit in .streamlit/config.toml (server.maxUploadSize, in megabytes; a test keeps the two equal).
MAX_INPUT_BYTES = 20 * 1024 * 1024


def default_db_path() -> Path:
    """The event store: $DASHBOARD_DB, else data/events.db in the project."""
    configured = os.environ.get("DASHBOARD_DB")
    return Path(configured).expanduser() if configured else DATA_DIR / "events.db"


# Following live pages: how often a page is polled unless told otherwise, how long one request may
# take, and the longest wait after repeated failures (the back-off doubles up to it).
FOLLOW_EVERY_SECONDS = 60.0
FETCH_TIMEOUT_SECONDS = 20.0
MAX_BACKOFF_SECONDS = 3600.0


def follow_every() -> float:
    """Seconds between polls of a followed page: $DASHBOARD_FOLLOW_EVERY, else 60 (a bad value: 60)."""
    try:
        every = float(os.environ.get("DASHBOARD_FOLLOW_EVERY", "") or FOLLOW_EVERY_SECONDS)
    except ValueError:
        return FOLLOW_EVERY_SECONDS
    return every if every > 0 else FOLLOW_EVERY_SECONDS


def allow_private_urls() -> bool:
    """Whether the app may follow pages on loopback, private or link-local addresses
    ($DASHBOARD_ALLOW_PRIVATE_URLS=1: for a newsroom's own network, or tests)."""
    return os.environ.get("DASHBOARD_ALLOW_PRIVATE_URLS", "").strip().lower() in ("1", "true", "yes")


def user_agent() -> str:
    """What the follower calls itself to the sites it polls: the project's name and version."""
    try:
        version = metadata.version("liveblog-map")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"liveblog-map/{version} (+follows live pages; polite polling)"
