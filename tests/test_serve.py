"""`python -m dashboard serve`: the app's modules are loaded before the server answers, and the
Streamlit command it runs is the app's. The browser tests run the real server through it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib

import pytest

from dashboard import serve
from dashboard.settings import MAX_INPUT_BYTES, PROJECT_ROOT


def test_preload_imports_the_apps_slow_modules_but_not_the_app_itself() -> None:
    names = serve.preload()
    assert {"pandas", "folium", "altair", "dashboard.view.mapdata", "dashboard.ui.map", "dashboard.store"} <= set(names)
    assert "dashboard.app" not in names and "dashboard.cli" not in names
    assert all(name in sys.modules for name in names)


def test_preload_needs_no_optional_extra() -> None:
    """`make run` installs the package without its `cluster` extra: without Dask the server still starts."""
    done = subprocess.run([sys.executable, "-c", "import sys; sys.modules['distributed'] = None; "
                           "from dashboard import serve; names = serve.preload(); "
                           "print(any(n.startswith(('dashboard.batch', 'dashboard.events')) for n in names))"],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_preload_leaves_the_maps_component_to_the_running_app() -> None:
    # Declared outside a running app, streamlit-folium's component is never registered: a blank map.
    done = subprocess.run([sys.executable, "-c", "import sys; from dashboard import serve; serve.preload(); "
                           "print('streamlit_folium' in sys.modules)"], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_streamlit_args_run_the_app_with_its_settings_address_port_and_extra_options() -> None:
    args = serve.streamlit_args("127.0.0.1", 8600, ["--server.headless", "false"])
    assert args[:2] == ["run", str(PROJECT_ROOT / "dashboard" / "app.py")]
    given = dict(zip(args[2::2], args[3::2], strict=True))
    for name, value in {**serve.STREAMLIT_SETTINGS, **serve.SERVED_ONLY}.items():
        assert f"--{name}" in given and args[args.index(f"--{name}") + 1] == value
    assert args[-6:] == ["--server.address", "127.0.0.1", "--server.port", "8600", "--server.headless", "false"]


def test_serve_carries_what_the_checkouts_streamlit_config_says() -> None:
    """.streamlit/config.toml is read only from the current folder: `serve` must not depend on it."""
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    in_file = {f"{section}.{name}": str(value).lower() if isinstance(value, bool) else str(value)
               for section, options in config.items() for name, value in options.items()}
    assert in_file == serve.STREAMLIT_SETTINGS
    assert int(serve.STREAMLIT_SETTINGS["server.maxUploadSize"]) * 2**20 == MAX_INPUT_BYTES
    for must in ("server.enableStaticServing", "server.enableXsrfProtection", "server.headless"):
        assert serve.STREAMLIT_SETTINGS[must] == "true"
    assert serve.STREAMLIT_SETTINGS["browser.gatherUsageStats"] == "false"
    assert serve.SERVED_ONLY == {"client.showErrorDetails": "none", "server.enableExpensiveMemoryStats": "false"}


def test_streamlit_takes_every_setting_serve_passes() -> None:
    """Each option name and value is one Streamlit knows (a renamed option would stop the server)."""
    from streamlit import config

    for name, value in {**serve.STREAMLIT_SETTINGS, **serve.SERVED_ONLY}.items():
        assert name in config._config_options_template, name
        before = config.get_option(name)
        try:
            config.set_option(name, value)  # raises on a value the option does not take
        finally:
            config.set_option(name, before)  # other tests in this process run apps


@pytest.fixture
def fake_index(monkeypatch):
    """prepare_place_index with the index's state and its building faked: returns the calls made."""
    import gazetteer.build
    from gazetteer import Gazetteer

    built: list[str] = []
    monkeypatch.setattr(Gazetteer, "default", classmethod(lambda cls: built.append("default") or time.sleep(0.3)))

    def state(current: bool) -> list[str]:
        monkeypatch.setattr(gazetteer.build, "index_is_current", lambda path=None: current)
        return built

    return state


def test_serve_builds_a_missing_place_index_saying_so_with_progress(fake_index) -> None:
    calls = fake_index(False)
    said: list[str] = []
    assert serve.prepare_place_index(said.append, every=0.1) is True
    assert calls == ["default"]
    assert said[0] == serve.BUILDING_INDEX
    assert any(line.strip().startswith("…") and line.endswith(" s") for line in said[1:-1]), said
    assert said[-1].startswith("Place index built in ")


def test_serve_leaves_a_current_place_index_to_the_app_without_a_word(fake_index) -> None:
    calls = fake_index(True)
    said: list[str] = []
    assert serve.prepare_place_index(said.append) is False
    assert calls == [] and said == []


def test_the_app_loads_a_built_place_index_once_in_the_background(fake_index, monkeypatch) -> None:
    from dashboard.ui import loaders

    loaders._place_index_loader.clear()
    calls = fake_index(True)
    monkeypatch.setattr(loaders, "index_is_current", lambda path=None: False)
    loaders.warm_place_index()  # not built: the first search builds it, as without `serve`
    assert calls == []
    loaders._place_index_loader.clear()  # another server
    monkeypatch.setattr(loaders, "index_is_current", lambda path=None: True)
    try:
        started = time.monotonic()
        loaders.warm_place_index()
        loaders.warm_place_index()  # every page calls it: one load per server
        assert time.monotonic() - started < 0.25  # the page does not wait for it
        loaders._place_index_loader().join(timeout=10)
        assert calls == ["default"]
    finally:
        loaders._place_index_loader.clear()


def test_serve_help_names_its_options() -> None:
    done = subprocess.run([sys.executable, "-m", "dashboard", "serve", "--help"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "--port" in done.stdout and "--address" in done.stdout and "Streamlit" in done.stdout
    for option in ("--read-only", "--workers", "--nginx-conf", "--nginx-listen"):
        assert option in done.stdout, option


def test_serve_wants_a_positive_number_of_workers() -> None:
    for bad in ("0", "-2", "two", "²"):
        done = serve_command("--workers", bad)
        assert done.returncode == 2 and "--workers" in done.stderr and "Traceback" not in done.stderr, bad


def test_the_nginx_configuration_names_each_worker_and_keeps_a_browser_on_one() -> None:
    from dashboard import nginx

    config = nginx.nginx_config([8601, 8602, 8603], listen="127.0.0.1:8080")
    assert [line.split()[1] for line in config.splitlines() if line.strip().startswith("server 127")] == [
        "127.0.0.1:8601;", "127.0.0.1:8602;", "127.0.0.1:8603;"]
    assert "hash $lbm_sticky consistent;" in config and "ip_hash" not in config
    assert "listen 127.0.0.1:8080;" in config
    assert "proxy_set_header Upgrade $http_upgrade;" in config and "location ^~ /_stcore/metrics" in config
    for name, value in nginx.SECURITY_HEADERS:
        assert f'add_header {name} "{value}" always;' in config
    # Never cut off an upload the app accepts.
    assert f"client_max_body_size {nginx.BODY_LIMIT_MB}m;" in config
    assert nginx.BODY_LIMIT_MB * 2**20 > MAX_INPUT_BYTES
    with pytest.raises(ValueError):
        nginx.nginx_config([])


def test_workers_bound_to_every_interface_are_reached_on_loopback() -> None:
    from dashboard import nginx

    for every in ("0.0.0.0", "::"):
        config = nginx.nginx_config([8601, 8602], address=every)
        servers = [line.split()[1] for line in config.splitlines() if line.strip().startswith("server ")
                   and ":" in line and "{" not in line]
        assert servers == ["127.0.0.1:8601;", "127.0.0.1:8602;"], every
    assert "server 10.0.0.5:8601;" in nginx.nginx_config([8601], address="10.0.0.5")


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
