"""The dashboard's own data files: one list of them, each shipped in the wheel and required.

The sample live blog (filled into an empty store on the first visit) and the map's own script and
style (served beside Leaflet at /app/static/). pyproject.toml's package-data ships them, a test checks
the wheel against this list, and a missing one is an error naming it, never a blank map or an empty
first page.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.settings import PACKAGE_DIR

# Path below dashboard/ -> what it holds. Tests check this list against the folders and the wheel.
DATA_FILES: dict[str, str] = {
    "data/sample-liveblog.txt": "the sample live blog, read into an empty store on the first visit",
    "static/places.js": "the map's own layer: markers, popups, rings (Leaflet plugin of ours)",
    "static/places.css": "the map's own styles",
    "static/basemap.js": "the offline basemap, the base-layer choice and the label placer",
    "static/basemap.css": "the offline basemap's styles and notices",
    "static/page.css": "the page's styles on phones and touch screens (slider handles, rows of controls)",
    "static/basemap/world.json": "land, coastlines, countries and their names (Natural Earth), cities, seas",
    "static/basemap/regions.json": "first-level region borders (Natural Earth), drawn when zoomed in",
    "static/basemap/README.md": "where the offline basemap's data comes from, and its licences",
}


class MissingDataFile(FileNotFoundError):
    """One of the dashboard's own data files is missing or empty: the install is broken."""

    def __init__(self, name: str, path: Path, why: str = "is missing"):
        super().__init__(f"the dashboard's data file {name} {why} (looked for {path}); "
                         "reinstall the package (pip install --force-reinstall liveblog-map)")
        self.name, self.path = name, path


def data_path(name: str, package_dir: Path | None = None) -> Path:
    """The path of a registered data file; raises MissingDataFile naming it when it is absent or empty."""
    if name not in DATA_FILES:
        raise KeyError(f"{name!r} is not one of the dashboard's data files ({', '.join(DATA_FILES)})")
    path = (package_dir or PACKAGE_DIR) / name
    if not path.is_file():
        raise MissingDataFile(name, path)
    if path.stat().st_size == 0:
        raise MissingDataFile(name, path, why="is empty")
    return path


def check_all(package_dir: Path | None = None) -> list[Path]:
    """Every registered file's path; the first missing or empty one raises MissingDataFile."""
    return [data_path(name, package_dir) for name in DATA_FILES]


def sample_blog() -> Path:
    """The sample live blog that ships in the package."""
    return data_path("data/sample-liveblog.txt")
