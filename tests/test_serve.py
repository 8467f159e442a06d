"""`python -m dashboard serve`: the app's modules are loaded before the server answers, and the
Streamlit command it runs is the app's. The browser tests run the real server through it."""

from __future__ import annotations

import subprocess
import sys

from dashboard import serve
from dashboard.settings import PROJECT_ROOT


def test_preload_imports_the_apps_slow_modules_but_not_the_app_itself() -> None:
    names = serve.preload()
    assert {"pandas", "folium", "altair", "dashboard.mapview", "dashboard.store"} <= set(names)
    assert "dashboard.app" not in names and "dashboard.cli" not in names
    # Declaring the map's component outside a running app would leave it unregistered (a blank map).
    assert "streamlit_folium" not in names
    assert all(name in sys.modules for name in names)


def test_streamlit_args_run_the_app_with_address_port_and_extra_options() -> None:
    args = serve.streamlit_args("127.0.0.1", 8600, ["--server.headless", "true"])
    assert args[:2] == ["run", str(PROJECT_ROOT / "dashboard" / "app.py")]
    assert args[2:] == ["--server.address", "127.0.0.1", "--server.port", "8600", "--server.headless", "true"]


def test_serve_help_names_its_options() -> None:
    done = subprocess.run([sys.executable, "-m", "dashboard", "serve", "--help"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "--port" in done.stdout and "--address" in done.stdout and "Streamlit" in done.stdout


def test_serve_rejects_a_port_that_is_not_a_number() -> None:
    done = subprocess.run([sys.executable, "-m", "dashboard", "serve", "--port", "eighty"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "invalid int value" in done.stderr
