"""`python -m dashboard serve`: the app's modules are loaded before the server answers, and the
Streamlit command it runs is the app's. The browser tests run the real server through it."""

from __future__ import annotations

import os
import subprocess
import sys

from dashboard import serve
from dashboard.settings import PROJECT_ROOT


def test_preload_imports_the_apps_slow_modules_but_not_the_app_itself() -> None:
    names = serve.preload()
    assert {"pandas", "folium", "altair", "dashboard.view.mapdata", "dashboard.ui.map", "dashboard.store"} <= set(names)
    assert "dashboard.app" not in names and "dashboard.cli" not in names
    assert all(name in sys.modules for name in names)


def test_preload_leaves_the_maps_component_to_the_running_app() -> None:
    # Declared outside a running app, streamlit-folium's component is never registered: a blank map.
    done = subprocess.run([sys.executable, "-c", "import sys; from dashboard import serve; serve.preload(); "
                           "print('streamlit_folium' in sys.modules)"], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_streamlit_args_run_the_app_with_address_port_and_extra_options() -> None:
    args = serve.streamlit_args("127.0.0.1", 8600, ["--server.headless", "true"])
    assert args[:2] == ["run", str(PROJECT_ROOT / "dashboard" / "app.py")]
    assert args[2:] == ["--server.address", "127.0.0.1", "--server.port", "8600", "--server.headless", "true"]


def test_serve_help_names_its_options() -> None:
    done = subprocess.run([sys.executable, "-m", "dashboard", "serve", "--help"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "--port" in done.stdout and "--address" in done.stdout and "Streamlit" in done.stdout


def serve_command(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", "serve", *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120, env=env)


def test_serve_rejects_a_port_that_is_not_a_number() -> None:
    done = serve_command("--port", "eighty")
    assert done.returncode == 2 and "invalid int value" in done.stderr
    # A bad $PORT troubles `serve` only, as a usage error, never the other commands.
    env = {**os.environ, "PORT": "abc"}
    done = serve_command(env=env)
    assert done.returncode == 2 and "invalid int value" in done.stderr
    done = subprocess.run([sys.executable, "-m", "dashboard", "--help"], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=60, env=env)
    assert done.returncode == 0


def test_serve_wants_streamlits_options_after_a_double_dash() -> None:
    done = serve_command("events.db")
    assert done.returncode == 2 and "go after --" in done.stderr
    done = serve_command("--port", "1", "--", "--no.such.option", "x")
    assert done.returncode == 2 and "no.such.option" in done.stderr and "Traceback" not in done.stderr
