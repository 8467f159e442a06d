"""Settings, paths and limits, in one place: where things live and how big an input may be.

Environment variables: `DASHBOARD_DB` (the event store).
"""

from __future__ import annotations

import os
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
# How long opening or writing the store waits for another process's write to end before saying the
# store is busy: a few seconds, so that a command or a page answers instead of hanging.
STORE_BUSY_SECONDS = 5.0


def default_db_path() -> Path:
    """The event store: $DASHBOARD_DB, else data/events.db in the project."""
    configured = os.environ.get("DASHBOARD_DB")
    return Path(configured).expanduser() if configured else DATA_DIR / "events.db"
