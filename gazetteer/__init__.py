"""An offline gazetteer: a place index, a geopy geocoder and a geoparser.

    from gazetteer import Gazetteer, LocalGeocoder, geoparse

Knows nothing of live blogs or Streamlit: any program can use it.
"""

from gazetteer.geocoder import LocalGeocoder
from gazetteer.lookup import Candidate, Gazetteer
from gazetteer.normalize import normalize_name
from gazetteer.places import Mention, Place

__all__ = ["Candidate", "Gazetteer", "LocalGeocoder", "Mention", "Place", "geoparse", "normalize_name"]


def geoparse(text: str, context: str | None = None) -> list[Mention]:
    """The places `text` names, resolved with the default gazetteer (see `gazetteer.geoparser`)."""
    from gazetteer.geoparser import geoparse as _geoparse

    return _geoparse(text, context=context)
