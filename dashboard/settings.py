"""Where things live: the store file, the bundled sample, the upload size cap."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
SAMPLE_BLOG = DATA_DIR / "sample-liveblog.txt"
# The same cap as the app's upload limit in .streamlit/config.toml (server.maxUploadSize).
MAX_INPUT_BYTES = 20 * 1024 * 1024


def default_db_path() -> Path:
    """The event store: $DASHBOARD_DB, else data/events.db in the project."""
    configured = os.environ.get("DASHBOARD_DB")
    return Path(configured).expanduser() if configured else DATA_DIR / "events.db"
