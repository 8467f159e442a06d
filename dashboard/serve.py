"""`python -m dashboard serve`: the dashboard's web server, warmed up before the first reader arrives.

`streamlit run dashboard/app.py` works as well, but then the first visit after the server starts waits
about a second while the app's script imports pandas, folium, streamlit-folium and Altair for the
first time (bench/bench_map.py, "first map, cold"). Streamlit runs the script inside this process, so
importing them here, before the server answers, means every visit finds them loaded. The gazetteer's
index is built here on the first run, so no visitor waits for it.

Streamlit reads `.streamlit/config.toml` only from the current folder and the home folder, so an
installed copy started elsewhere would run with Streamlit's defaults (no static serving: a blank map
offline; a 200 MB upload cap). `serve` passes the dashboard's settings itself (STREAMLIT_SETTINGS);
options given after `--` come later on Streamlit's command line and win.

`serve --workers N` runs N such servers, each its own process (one Streamlit process uses one core), on
consecutive loopback ports, and prints the nginx configuration (`dashboard.nginx`) that puts them behind
one address; the workers share a cookie secret, so a page's XSRF token is good on any of them.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import dashboard
from dashboard import datafiles, nginx, settings
from dashboard.ui import assets
from dashboard.view import histogram

APP = Path(__file__).with_name("app.py")
# What the app imports that is slow to import the first time (measured on a 2-core machine: pandas
# 0.34 s, folium with streamlit-folium 0.27 s, Altair 0.14 s, the dashboard's own modules 0.12 s).
# Not streamlit_folium itself: it declares its component on import, and Streamlit registers a component
# only when declared inside a running app (declared here, the map would never appear).
THIRD_PARTY = ("pandas", "altair", "folium")
# Modules that are entry points rather than the app's building blocks.
NOT_PRELOADED = {"app", "cli", "serve", "__main__",
                 # Not the app's: batch ingest (its Dask plugin needs the optional `cluster` extra) and the
                 # event-time rules (not shown by the app yet).
                 "batch", "events"}


# What the checkout's .streamlit/config.toml says, for the server `serve` runs from any folder (a test
# keeps the two in step), and what only a served copy gets: visitors see no error details (Streamlit
# still logs each error with its traceback on the server's console). Streamlit has no setting that
# turns off /_stcore/metrics; what it allows is keeping it cheap and free of user data: no object-graph
# walk a visitor can set off (enableExpensiveMemoryStats), and no per-user labels (left at its default,
# an empty server.unsafeMetricsUserAttributes). A reverse proxy should not pass /_stcore/metrics on.
STREAMLIT_SETTINGS: dict[str, str] = {
    "server.headless": "true",
    "server.enableXsrfProtection": "true",
    "server.enableCORS": "true",
    "server.maxUploadSize": str(settings.MAX_INPUT_BYTES // 2**20),  # megabytes
    # Serves dashboard/static/ at /app/static/: Leaflet and friends, so the map works offline.
    "server.enableStaticServing": "true",
    "server.runOnSave": "false",
    # No watching of source files: each new session's watcher would otherwise look up the path of every
    # module loaded (thousands, with the app's modules preloaded), about half a second of the first map.
    "server.fileWatcherType": "none",
    "browser.gatherUsageStats": "false",
    "client.toolbarMode": "minimal",
    "theme.base": "light",
    "theme.primaryColor": "#b3261e",
    "theme.font": "sans serif",
    # No full garbage collection after every run: over a 10,000-entry store it walked the cached frames'
    # object columns for ~60 ms of each slider step (bench/bench_step.py); Python's own collector still runs.
    "runner.postScriptGC": "false",
}
SERVED_ONLY: dict[str, str] = {"client.showErrorDetails": "none", "server.enableExpensiveMemoryStats": "false"}
BUILDING_INDEX = "Building the place index (first run, about 40 s)…"


def prepare_place_index(say: Callable[[str], None], every: float = 10.0) -> bool:
    """Build the gazetteer's index when it is missing (saying so, and the seconds so far every `every` s),
    so that no visitor waits for it. Returns whether it was built.

    A current index is not loaded here: the app loads it in the background once its first page has read
    the store (`loaders.warm_place_index`), so that the names it holds in memory (only the review's and
    the corrections' searches read them) do not add to the big store's load at the server's peak."""
    from gazetteer import Gazetteer
    from gazetteer.build import index_is_current

    if index_is_current():
        return False
    say(BUILDING_INDEX)
    started = time.monotonic()
    done = threading.Event()

    def tick() -> None:
        while not done.wait(every):
            say(f"  … {time.monotonic() - started:.0f} s")

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        Gazetteer.default()
    finally:
        done.set()
        ticker.join()
    say(f"Place index built in {time.monotonic() - started:.0f} s.")
    return True


def preload() -> list[str]:
    """Import the app's modules, warm up Altair's first chart and put the map's scripts in place; returns the
    modules imported."""
    names = list(THIRD_PARTY)
    for module in pkgutil.iter_modules(dashboard.__path__):
        if module.name in NOT_PRELOADED:
            continue  # never imported, not even a package's __init__ (optional extras stay optional)
        name = f"dashboard.{module.name}"
        names.append(name)
        if module.ispkg:  # the dashboard's packages are one level deep
            names += [f"{name}.{sub.name}" for sub in pkgutil.iter_modules(importlib.import_module(name).__path__)]
    for name in names:
        importlib.import_module(name)
    histogram.warm_up()
    assets.ensure_vendor()
    return names


def streamlit_args(address: str, port: int, extra: Sequence[str] = ()) -> list[str]:
    """The arguments of `streamlit run` for the app: the dashboard's settings, then `extra` (which win)."""
    options = [part for name, value in {**STREAMLIT_SETTINGS, **SERVED_ONLY}.items() for part in (f"--{name}", value)]
    return ["run", str(APP), *options, "--server.address", address, "--server.port", str(port), *extra]


def serve(address: str, port: int, extra: Sequence[str] = ()) -> int:
    """Check the data files, preload, build the place index when missing, then run Streamlit's own command
    line in this process until the server stops. A missing data file raises MissingDataFile."""
    datafiles.check_all()
    preload()
    prepare_place_index(lambda line: print(line, file=sys.stderr, flush=True))
    import click
    from streamlit.web import cli as streamlit_cli

    # Click's entry point; standalone_mode=False returns instead of exiting, so our caller decides.
    try:
        result = streamlit_cli.main(args=streamlit_args(address, port, extra), prog_name="streamlit",
                                    standalone_mode=False)
    except click.ClickException as exc:  # a Streamlit option it does not know: a usage error
        exc.show()
        return exc.exit_code
    return result if isinstance(result, int) else 0


def worker_command(address: str, port: int, extra: Sequence[str] = ()) -> list[str]:
    """The command line of one worker: this program's `serve` on one port (the store, tiles and read-only
    flag travel in the environment, as `cli.cmd_serve` set them)."""
    return [sys.executable, "-m", "dashboard", "serve", "--address", address, "--port", str(port), "--", *extra]


def serve_workers(address: str, first_port: int, workers: int, extra: Sequence[str] = (), *,
                  listen: str = "8080", conf_path: Path | None = None,
                  say: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)) -> int:
    """Run `workers` servers on `address:first_port` and the ports after it until one stops or this process is
    told to (SIGINT, SIGTERM); print the nginx configuration (or write it to `conf_path`) once they are
    started. Returns 0 after a requested stop, else the exit status of the worker that stopped first."""
    datafiles.check_all()
    # Built (first run) here, once: N workers building it at once would each spend the 40 s.
    prepare_place_index(say)
    ports = [first_port + number for number in range(workers)]
    config = nginx.nginx_config(ports, address=address, listen=listen)
    environ = dict(os.environ)
    environ.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_urlsafe(32))
    processes = [subprocess.Popen(worker_command(address, port, extra), env=environ) for port in ports]
    stopping = threading.Event()

    def stop(signum: int, frame: object) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if conf_path is not None:
            conf_path.write_text(config, encoding="utf-8")
            say(f"nginx configuration written to {conf_path}")
        else:
            print(config, flush=True)
        say(f"{workers} workers on {', '.join(f'{address}:{port}' for port in ports)}; "
            f"nginx serves them on {listen} (Ctrl-C stops them)")
        while not stopping.wait(0.5):
            ended = [process for process in processes if process.poll() is not None]
            if ended:
                say(f"a worker stopped (exit status {ended[0].returncode}); stopping the others")
                return ended[0].returncode or 1
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
