"""The map's scripts, stylesheets and images, served by our own server so the map works offline.

Leaflet, jQuery and Leaflet.markercluster come from the installed XStatic packages; they are copied
into `dashboard/static/vendor/` (git-ignored) once, at app start. Streamlit's static serving
(`server.enableStaticServing` in .streamlit/config.toml) serves `dashboard/static/` at
`/app/static/`, beside our own small files (`places.js`, `places.css`).
"""

from __future__ import annotations

import filecmp
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from dashboard.settings import STATIC_DIR

VENDOR_DIR = STATIC_DIR / "vendor"
# Where Streamlit serves STATIC_DIR (below server.baseUrlPath).
STATIC_URL = "/app/static"


class AssetError(RuntimeError):
    """A vendored package is missing: the message names what to install."""


@dataclass(frozen=True, slots=True)
class VendorPackage:
    """Files of one XStatic package, copied to vendor/<folder>/ under their own relative paths."""

    module: str
    folder: str
    files: tuple[str, ...]


VENDOR_PACKAGES = (
    VendorPackage("xstatic.pkg.leaflet", "leaflet", (
        "leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png", "images/marker-icon.png",
        "images/marker-icon-2x.png", "images/marker-shadow.png")),
    VendorPackage("xstatic.pkg.jquery", "jquery", ("jquery.min.js",)),
    VendorPackage("xstatic.pkg.leaflet_markercluster", "markercluster", (
        "leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css")),
)


def _package_dir(module_name: str) -> Path:
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        distribution = module_name.removeprefix("xstatic.pkg.").replace("_", "-")
        raise AssetError(f"{module_name} is missing: pip install XStatic-{distribution}") from exc
    return Path(module.BASE_DIR)


def ensure_vendor(vendor_dir: Path = VENDOR_DIR) -> list[Path]:
    """Copy the vendored files into `vendor_dir` unless an identical copy is already there.

    Idempotent and cheap when up to date (one stat comparison per file). Each file is written to a
    temporary name and renamed, so a server reading the folder never sees half a file. Returns the
    files now in place.
    """
    placed = []
    for package in VENDOR_PACKAGES:
        source_dir = _package_dir(package.module)
        for relative in package.files:
            source = source_dir / relative
            if not source.is_file():
                raise AssetError(f"{package.module} has no {relative}: reinstall it")
            target = vendor_dir / package.folder / relative
            if not (target.is_file() and filecmp.cmp(source, target, shallow=True)):
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(f".{target.name}.{os.getpid()}.part")
                shutil.copy2(source, partial)
                partial.replace(target)
            placed.append(target)
    return placed


def static_url(relative: str, base_url_path: str = "") -> str:
    """The URL at which Streamlit serves `dashboard/static/<relative>`."""
    base = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    return f"{base}{STATIC_URL}/{relative}"


def map_js(base_url_path: str = "") -> list[tuple[str, str]]:
    """The map's scripts, in load order: Leaflet, clustering, our base layers and labels, our places
    layer (which also points Leaflet's default marker images at our server).

    streamlit-folium loads them one after another, so each one costs a round trip before the map
    appears: jQuery is vendored for folium plugins that need it, but nothing on our map does, so it
    is not loaded.
    """
    return [(name, static_url(path, base_url_path)) for name, path in (
        ("leaflet", "vendor/leaflet/leaflet.js"),
        ("markercluster", "vendor/markercluster/leaflet.markercluster.js"),
        ("basemap", "basemap.js"),
        ("places", "places.js"),
    )]


def page_style() -> None:
    """The page's own stylesheet (`static/page.css`: phones and touch screens), put in the page once per run.

    Style-only HTML goes to Streamlit's event container, so it takes no place among the elements.
    """
    import streamlit as st

    st.html(STATIC_DIR / "page.css")


def map_css(base_url_path: str = "") -> list[tuple[str, str]]:
    """The map's stylesheets."""
    return [(name, static_url(path, base_url_path)) for name, path in (
        ("leaflet_css", "vendor/leaflet/leaflet.css"),
        ("markercluster_css", "vendor/markercluster/MarkerCluster.css"),
        ("markercluster_default_css", "vendor/markercluster/MarkerCluster.Default.css"),
        ("basemap_css", "basemap.css"),
        ("places_css", "places.css"),
    )]
