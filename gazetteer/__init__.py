"""An offline gazetteer: a place index, a geopy geocoder and a geoparser.

    from gazetteer import Gazetteer, LocalGeocoder, geoparse

Knows nothing of live blogs or Streamlit: any program can use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gazetteer.lookup import Candidate, Gazetteer
from gazetteer.normalize import normalize_name
from gazetteer.places import Mention, Place

if TYPE_CHECKING:
    from gazetteer.geocoder import LocalGeocoder

__all__ = ["Candidate", "Gazetteer", "LocalGeocoder", "Mention", "Place", "geoparse", "normalize_name"]


def __getattr__(name: str) -> object:
    # The geocoder is imported on first use: it brings in geopy, and geopy brings requests and urllib3
    # (about 0.4 s), which geoparsing never needs.
    if name == "LocalGeocoder":
        from gazetteer.geocoder import LocalGeocoder

        return LocalGeocoder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def geoparse(text: str, context: str | None = None) -> list[Mention]:
    """The places `text` names, resolved with the default gazetteer (see `gazetteer.geoparser`)."""
    from gazetteer.geoparser import geoparse as _geoparse

    return _geoparse(text, context=context)
