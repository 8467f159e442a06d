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
# Ships in the package (dashboard/datafiles.py lists it), so an installed copy has it too; the checkout's
# data/sample-liveblog.txt is the same text, for the README's commands.
SAMPLE_BLOG = PACKAGE_DIR / "data" / "sample-liveblog.txt"
# The largest live blog read, on the command line and in the app: the same cap as the app's upload
# limit (server.maxUploadSize, in megabytes, passed by `serve` and in .streamlit/config.toml).
MAX_INPUT_BYTES = 20 * 1024 * 1024
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
