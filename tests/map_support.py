"""The places a layer draws, put together as `static/places.js` does: a window's fields over the place's
own (where, name, area, how sure), which the page keeps once per data set."""

from __future__ import annotations

from dashboard.view import mapdata


def drawn_places(data: mapdata.MapData, payload: dict) -> list[dict]:
    """`payload["places"]` (`mapdata.layer_payload`) with each place's own fields in."""
    own = mapdata.place_fields(data)
    return [{**own[place["code"]], **place} if "code" in place else place for place in payload["places"]]
