"""Shared fixtures: the shared material beside the project, a store holding a small blog of our own,
and Chromium for browser tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"


@pytest.fixture(autouse=True, scope="session")
def no_user_store(tmp_path_factory):
    """No test opens the user's own event store: the default store (`settings.default_db_path`) is in a
    folder of this run's, for the tests and the processes they start."""
    saved = {name: os.environ.get(name) for name in ("XDG_DATA_HOME", "DASHBOARD_DB")}
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("user-data"))
    os.environ.pop("DASHBOARD_DB", None)
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (seed, gold, corpora): tests that need it skip cleanly when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the project")
    return SHARED


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    """A store holding the bundled sample live blog (one per test module, for tests that only read it)."""
    from dashboard.ingest import ingest_file
    from dashboard.settings import SAMPLE_BLOG
    from dashboard.store import EventStore

    db = tmp_path_factory.mktemp("sample") / "events.db"
    with EventStore(db) as events:
        ingest_file(SAMPLE_BLOG, events)
    return db


@pytest.fixture(scope="module")
def sample_server(sample_db):
    """The dashboard served on `sample_db` (one per test module); yields its URL."""
    from browser_support import streamlit_server

    with streamlit_server(sample_db) as url:
        yield url


@pytest.fixture
def small_blog_db(tmp_path) -> Path:
    """A store file holding browser_support.small_blog() as "small-blog" (four entries of our own)."""
    from browser_support import small_blog, write_blog

    from dashboard.store import EventStore

    db = tmp_path / "events.db"
    with EventStore(db) as store:
        write_blog(store, "small-blog", small_blog())
    return db


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium. In CI a missing browser fails the test, so a broken install cannot hide."""
    path = find_chromium()
    if path is None:
        message = "Chromium not found (apt-get install -y chromium, or set CHROMIUM=/path)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.fail("playwright is not installed: make test installs it with the test extra")
    return path


@pytest.fixture
def browser(chromium_path):
    """A headless Chromium (Debian's), closed after the test."""
    from browser_support import launch
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright, chromium_path)
        yield browser
        browser.close()
