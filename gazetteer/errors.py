"""The gazetteer's own errors, in one place.

Bad queries are geopy's `GeocoderQueryError`, as any geopy geocoder raises them, and still
`ValueError`, which is what callers of this package caught before.
"""

from __future__ import annotations

from pathlib import Path


def __getattr__(name: str) -> type:
    # `InvalidQuery` and `InvalidPoint` are made on first use: their base class is geopy's, and
    # importing geopy brings requests and urllib3 (about 0.4 s of start-up) that geoparsing never needs.
    if name in ("InvalidQuery", "InvalidPoint"):
        _define_query_errors()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _define_query_errors() -> None:
    from geopy.exc import GeocoderQueryError

    class InvalidQuery(GeocoderQueryError, ValueError):
        """A query the gazetteer cannot answer as given: empty, too long, or a parameter of the wrong kind."""

    class InvalidPoint(InvalidQuery):
        """A point that is not one: unreadable, or a latitude or longitude out of range."""

    for cls in (InvalidQuery, InvalidPoint):
        cls.__module__, cls.__qualname__ = __name__, cls.__name__
    globals().update(InvalidQuery=InvalidQuery, InvalidPoint=InvalidPoint)


class MissingDataFile(FileNotFoundError):
    """One of the package's own data files (gazetteer/data/) is missing or empty: the install is broken."""

    def __init__(self, name: str, path: Path, why: str = "is missing"):
        super().__init__(f"the gazetteer's data file {name} {why} (looked for {path}); "
                         "reinstall the package (pip install --force-reinstall liveblog-map)")
        self.name, self.path = name, path


class DamagedIndex(Exception):
    """An index file that is not a whole gazetteer index (not SQLite, cut short, tables missing)."""

    def __init__(self, path: Path, why: str):
        super().__init__(f"{path}: the gazetteer index is damaged ({why}); delete this file and the "
                         "index is built again on next use")
        self.path, self.why = path, why
