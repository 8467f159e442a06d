"""`python -m dashboard serve`: the dashboard's web server, warmed up before the first reader arrives.

`streamlit run dashboard/app.py` works as well, but then the first visit after the server starts waits
about a second while the app's script imports pandas, folium, streamlit-folium and Altair for the
first time (bench/bench_map.py, "first map, cold"). Streamlit runs the script inside this process, so
importing them here, before the server answers, means every visit finds them loaded.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence
from pathlib import Path

import dashboard
from dashboard.ui import assets

APP = Path(__file__).with_name("app.py")
# What the app imports that is slow to import the first time (measured on a 2-core machine: pandas
# 0.34 s, folium with streamlit-folium 0.27 s, Altair 0.14 s, the dashboard's own modules 0.12 s).
# Not streamlit_folium itself: it declares its component on import, and Streamlit registers a component
# only when declared inside a running app (declared here, the map would never appear).
THIRD_PARTY = ("pandas", "altair", "folium")
# Modules that are entry points rather than the app's building blocks.
NOT_PRELOADED = {"app", "cli", "serve", "__main__"}


def preload() -> list[str]:
    """Import the app's modules and put the map's scripts in place; returns the modules imported."""
    names = [*THIRD_PARTY, *(m.name for m in pkgutil.walk_packages(dashboard.__path__, "dashboard.")
                             if m.name.removeprefix("dashboard.") not in NOT_PRELOADED)]
    for name in names:
        importlib.import_module(name)
    assets.ensure_vendor()
    return names


def streamlit_args(address: str, port: int, extra: Sequence[str] = ()) -> list[str]:
    """The arguments of `streamlit run` for the app; `extra` are further Streamlit options."""
    return ["run", str(APP), "--server.address", address, "--server.port", str(port), *extra]


def serve(address: str, port: int, extra: Sequence[str] = ()) -> int:
    """Preload, then run Streamlit's own command line in this process until the server stops."""
    preload()
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
