"""Running the dashboard script under Streamlit's AppTest, the one way every app test does it."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")

# A small live blog in our own words, as a user would upload or paste it.
UPLOAD_BLOG = """Aid convoys on the move

Saturday 14 December 2024

10:05 GMT
Convoy reaches Homs
Aid lorries arrived in Homs this morning after a long drive from Damascus.

11:30 GMT
Harbour busy again
Fishing boats returned to the harbour in Latakia, and ferries were expected at Tartus.
"""


def run_app(db: Path, monkeypatch, timeout: float = 60, **params: str | list[str]) -> AppTest:
    """The app on the store `db`, opened with these URL query parameters, after its first run."""
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=timeout)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at
