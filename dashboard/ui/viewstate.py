"""Shareable views: the blogs, time window, filters, chosen place and entry in the page's URL.

A link holds query parameters; opening it in a fresh page restores that view. Reading is forgiving:
a parameter that is malformed, or names something the store does not hold (any more), falls back to
its default with a notice, never an error page. Names are used where they last (a blog's source
name, a place id, times); the entry is the store's entry id, checked against what is shown.

    blog=NAME (repeatable)   from=ISO-TIME  to=ISO-TIME   q=WORDS  in=PLACE_ID  country=CC
    min_score=0.5            place=PLACE_ID entry=ENTRY_ID
    zoom=7  center=34.80,36.70  layer=offline|osm|satellite|paper|custom
    by=time (the slider moves by time; by entry is the default)   upto=1 (cumulative)
    clock=happened (the timeline follows when events happened; reported is the default)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.settings import BASEMAPS
from dashboard.ui import table
from dashboard.ui.keys import (
    BLOGS_KEY,
    CLOCK_KEY,
    COUNTRY_KEY,
    CUMULATIVE_KEY,
    KEYWORD_KEY,
    LINK_KEY,
    MAP_FIRST_VIEW_KEY,
    MAP_LAYER_KEY,
    MAP_LINK_VIEW_KEY,
    MAP_MOVED_KEY,
    PLACE_KEY,
    PLACE_PICKER_KEY,
    RING_KEY,
    SCORE_KEY,
    SLIDER_MODE_KEY,
    URL_PARAMS,
)
from dashboard.view.clock import CLOCKS, HAPPENED, REPORTED
from dashboard.view.filters import MAX_KEYWORD_CHARS, Filters
from dashboard.view.mapdata import MAP_MAX_ZOOM
from dashboard.view.playback import as_ns
from dashboard.view.timeline import moment_ns, span_bounds

MAX_PARAM_CHARS = 300
# The slider's modes, as its radio shows them.
BY_ENTRY, BY_TIME = "by entry", "by time"
_COUNTRY = re.compile(r"[A-Za-z]{2}")


@dataclass(frozen=True)
class View:
    """A view of the dashboard, as a link describes it; empty fields are the default view's."""

    blogs: tuple[str, ...] = ()
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    filters: Filters = field(default_factory=Filters)
    place: str | None = None
    entry: int | None = None
    by_time: bool = False
    cumulative: bool = False
    happened: bool = False
    zoom: int | None = None
    center: tuple[float, float] | None = None
    layer: str | None = None


MIN_ZOOM = 2
# Strict forms, ASCII digits only: pandas alone would also take "now", "today" and digits of other
# scripts, and times it cannot hold in nanoseconds, which fail later, far from the link.
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?",
                       re.ASCII | re.IGNORECASE)
_ENTRY_ID = re.compile(r"[0-9]{1,18}")


class OutOfRange(ValueError):
    """A well-formed time that the dashboard cannot hold (outside 1677-2262)."""


def _time(value: str) -> pd.Timestamp:
    if not _ISO_TIME.fullmatch(value):
        raise ValueError("not a time")
    moment = pd.Timestamp(value)
    if pd.isna(moment):
        raise ValueError("not a time")
    try:
        moment = moment.as_unit("ns")
    except (OverflowError, ValueError):  # pandas' OutOfBoundsDatetime is a ValueError
        raise OutOfRange(value) from None
    return moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")


def time_param(moment: pd.Timestamp) -> str:
    """A time as the link writes it: 2024-12-13T08:00Z (seconds only when there are some)."""
    moment = pd.Timestamp(moment).tz_convert("UTC")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ" if moment.second else "%Y-%m-%dT%H:%MZ")


def parse(params: Mapping[str, Sequence[str] | str]) -> tuple[View, list[str]]:
    """A link's parameters (each a list of values, as `st.query_params.get_all` gives) as a View,
    with a notice for each one that could not be read (and is left at its default)."""
    notices: list[str] = []

    def values(name: str) -> list[str]:
        raw = params.get(name) or []
        raw = [raw] if isinstance(raw, str) else list(raw)
        return [" ".join(str(v).split())[:MAX_PARAM_CHARS] for v in raw if str(v).strip()]

    def one(name: str) -> str | None:
        found = values(name)
        return found[-1] if found else None

    def bad(name: str, value: str, why: str) -> None:
        notices.append(f"The link's {name}={value!r} {why}; using the default instead.")

    start = end = None
    for name in ("from", "to"):
        value = one(name)
        if value is None:
            continue
        try:
            moment = _time(value)
        except OutOfRange:
            bad(name, value, f"is outside the times the dashboard can show ({pd.Timestamp.min.year + 1} to "
                             f"{pd.Timestamp.max.year - 1})")
            continue
        except (ValueError, TypeError, OverflowError):
            bad(name, value, "is not a time (give it as 2024-12-13T08:00Z)")
            continue
        start, end = (moment, end) if name == "from" else (start, moment)
    if start is not None and end is not None and start > end:
        bad("from", time_param(start), "is after its 'to'")
        start = end = None
    keyword = one("q") or ""
    if len(keyword) > MAX_KEYWORD_CHARS:
        keyword = keyword[:MAX_KEYWORD_CHARS]
    country = one("country")
    if country is not None and not _COUNTRY.fullmatch(country):
        bad("country", country, "is not a two-letter country code")
        country = None
    min_score = 0.0
    if (raw := one("min_score")) is not None:
        try:
            min_score = float(raw)
            if not math.isfinite(min_score) or not 0.0 <= min_score <= 1.0:
                raise ValueError
        except ValueError:
            bad("min_score", raw, "is not a number between 0 and 1")
            min_score = 0.0
    entry = None
    if (raw := one("entry")) is not None:
        if _ENTRY_ID.fullmatch(raw):
            entry = int(raw)
        else:
            bad("entry", raw, "is not an entry number")
    zoom = center = None
    if (raw := one("zoom")) is not None:
        if raw.isascii() and raw.isdigit() and MIN_ZOOM <= int(raw) <= MAP_MAX_ZOOM:
            zoom = int(raw)
        else:
            bad("zoom", raw, f"is not a zoom level from {MIN_ZOOM} to {MAP_MAX_ZOOM}")
    if (raw := one("center")) is not None:
        try:
            lat, lon = (float(part) for part in raw.split(","))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
            center = (lat, lon)
        except ValueError:
            bad("center", raw, "is not a point (LAT,LON)")
    if (zoom is None) != (center is None):  # a view needs both
        zoom = center = None
    layer = one("layer")
    if layer is not None and layer not in BASEMAPS:
        bad("layer", layer, f"is not one of {', '.join(BASEMAPS)}")
        layer = None
    by_time = False
    if (raw := one("by")) is not None:
        if raw in ("time", "entry"):
            by_time = raw == "time"
        else:
            bad("by", raw, "is neither 'time' nor 'entry'")
    cumulative = False
    if (raw := one("upto")) is not None:
        if raw in ("0", "1"):
            cumulative = raw == "1"
        else:
            bad("upto", raw, "is neither 1 nor 0")
    happened = False
    if (raw := one("clock")) is not None:
        if raw in CLOCKS:
            happened = raw == HAPPENED
        else:
            bad("clock", raw, f"is neither '{HAPPENED}' nor '{REPORTED}'")
    view = View(blogs=tuple(dict.fromkeys(values("blog"))), start=start, end=end,
                filters=Filters(keyword=keyword, place=one("in"), country=country, min_score=min_score),
                place=one("place"), entry=entry, zoom=zoom, center=center, layer=layer, by_time=by_time,
                cumulative=cumulative, happened=happened)
    return view, notices


def to_params(view: View) -> dict[str, str | list[str]]:
    """The view as query parameters; defaults are left out, so the default view's link is bare."""
    params: dict[str, str | list[str]] = {}
    if view.blogs:
        params["blog"] = list(view.blogs)
    if view.start is not None:
        params["from"] = time_param(view.start)
    if view.end is not None:
        params["to"] = time_param(view.end)
    f = view.filters
    if f.keyword:
        params["q"] = f.keyword
    if f.place:
        params["in"] = f.place
    if f.country:
        params["country"] = f.country
    if f.min_score > 0:
        params["min_score"] = f"{f.min_score:g}"
    if view.place:
        params["place"] = view.place
    if view.entry is not None:
        params["entry"] = str(view.entry)
    if view.zoom is not None and view.center is not None:
        params["zoom"] = str(view.zoom)
        params["center"] = f"{view.center[0]:.4f},{view.center[1]:.4f}"
    if view.layer:
        params["layer"] = view.layer
    if view.by_time:
        params["by"] = "time"
    if view.cumulative:
        params["upto"] = "1"
    if view.happened:
        params["clock"] = HAPPENED
    return params


# --------------------------------------------------------------------------------------------------
# Resolving a link against what the store holds.
# --------------------------------------------------------------------------------------------------


def source_ids(view: View, names: Mapping[int, str], notices: list[str]) -> list[int] | None:
    """The ids of the link's blogs; None (the default) when it names none or none is stored."""
    if not view.blogs:
        return None
    by_name = {name: sid for sid, name in names.items()}
    found = [by_name[name] for name in view.blogs if name in by_name]
    missing = [name for name in view.blogs if name not in by_name]
    if missing:
        notices.append(f"The link names blogs this store does not hold ({', '.join(missing)}); "
                       + ("showing the others." if found else "showing the default blog instead."))
    return found or None


def window_value(view: View | None, times: Sequence[pd.Timestamp], notices: list[str]) -> tuple[int, int]:
    """The slider's (first, last) stops for the link's window; the whole span by default.

    A window that holds no entry time falls back to the whole span with a notice.
    """
    full = (0, len(times) - 1)
    if view is None or (view.start is None and view.end is None) or not len(times):
        return full
    lo, hi = span_bounds(as_ns(times), np.iinfo(np.int64).min if view.start is None else moment_ns(view.start),
                         np.iinfo(np.int64).max if view.end is None else moment_ns(view.end))
    if lo >= hi:
        notices.append("The link's time window holds no entry of these blogs; showing the whole span.")
        return full
    return lo, hi - 1


def seed_filters(state: MutableMapping, view: View, place_ids: Sequence[str], countries: Sequence[str],
                 notices: list[str]) -> None:
    """Put the link's filters into the filter widgets' session state (before they are drawn)."""
    f = view.filters
    state[KEYWORD_KEY] = f.keyword
    if f.place and f.place not in place_ids:
        notices.append(f"The link filters on a place these blogs do not name ({f.place}); showing every place.")
    state[PLACE_KEY] = f.place if f.place in place_ids else None
    if f.country and f.country not in countries:
        notices.append(f"The link filters on a country these blogs do not name ({f.country}); "
                       "showing every country.")
    state[COUNTRY_KEY] = f.country if f.country in countries else None
    state[SCORE_KEY] = f.min_score


def seed_timeline(state: MutableMapping, view: View | None) -> None:
    """Put the link's slider mode, cumulative switch and clock into their widgets' state (before they are drawn)."""
    if view is not None:
        state[SLIDER_MODE_KEY] = BY_TIME if view.by_time else BY_ENTRY
        state[CUMULATIVE_KEY] = view.cumulative
        state[CLOCK_KEY] = HAPPENED if view.happened else REPORTED


def first_run_view(state: MutableMapping, query: object) -> tuple[View | None, list[str]]:
    """The link's view on the first run of a session (None afterwards), with its notices.

    `query` is `st.query_params` (anything with `keys()` and `get_all(name)`).
    """
    if state.get(LINK_KEY):
        return None, []
    state[LINK_KEY] = True
    params = {name: query.get_all(name) for name in query if name in URL_PARAMS}  # type: ignore[attr-defined]
    view, notices = parse(params)
    return view, notices


MapView = tuple[int, tuple[float, float]]


def link_map_view(state: MutableMapping, view: View | None) -> tuple[MapView | None, str | None]:
    """The link's zoom and centre (when it gives both) and base layer, kept for the whole session: the
    base map is built from them on every run, so that it never changes (a change remounts the map)."""
    if view is not None:
        state[MAP_LINK_VIEW_KEY] = ((view.zoom, view.center) if view.zoom is not None and view.center else None,
                                    view.layer)
    return state.get(MAP_LINK_VIEW_KEY, (None, None))


def reader_map_view(state: MutableMapping, returned: Mapping | None) -> tuple[MapView | None, str | None]:
    """The map's view and base layer to put in the link: the reader's once they moved the map or chose a
    layer, else the link's; None before either (the default view's link stays bare).

    `returned` is what st_folium returned: `zoom`, `center` ({lat, lng}) and `selected_layers` (where
    static/basemap.js reports the base layer the reader chose).
    """
    returned = returned or {}
    zoom, center = returned.get("zoom"), returned.get("center")
    if isinstance(zoom, int | float) and isinstance(center, Mapping) and "lat" in center and "lng" in center:
        seen: MapView = (int(zoom), (round(float(center["lat"]), 4), round(float(center["lng"]), 4)))
        first = state.setdefault(MAP_FIRST_VIEW_KEY, seen)
        if seen != first:
            state[MAP_MOVED_KEY] = seen
    for layer in returned.get("selected_layers") or []:
        if isinstance(layer, Mapping) and layer.get("url") == "basemap" and layer.get("name") in BASEMAPS:
            state[MAP_LAYER_KEY] = layer["name"]
    link_view, link_layer = state.get(MAP_LINK_VIEW_KEY, (None, None))
    return state.get(MAP_MOVED_KEY) or link_view, state.get(MAP_LAYER_KEY) or link_layer


def write_url(query: object, view: View) -> None:
    """Put the view in the page's URL (only when it changed: each write is a message to the browser)."""
    params = to_params(view)
    current = {name: query.get_all(name) for name in query}  # type: ignore[attr-defined]
    wanted = {name: value if isinstance(value, list) else [value] for name, value in params.items()}
    if current != wanted:
        query.from_dict(params)  # type: ignore[attr-defined]


def select_from_link(state: MutableMapping, view: View, data: object, place_ids: Sequence[str], window: object,
                     notices: list[str]) -> None:
    """Choose the link's entry (or else its place) in the panel, before the panel is drawn.

    `data` is the shown `MapData`, `place_ids` the places in the window.
    """
    if view.entry is not None:
        if table.select_entry(state, data, view.entry, window):  # type: ignore[arg-type]
            state[RING_KEY] = view.entry
            return
        notices.append(f"The link's entry {view.entry} is not among the entries shown; none is selected.")
    if view.place:
        if view.place in place_ids:
            state[PLACE_PICKER_KEY] = view.place
        else:
            notices.append(f"The link's place ({view.place}) is not on the map in this window; none is selected.")


def unnamed_blogs_notice(view: View, shown: Sequence[str]) -> list[str]:
    """What a link that names no blog (no `blog=`) opens: the store's newest blog, which another
    ingest may change, so the page says which one it is. Nothing for a bare link (the default view)."""
    if view.blogs or view == View() or not shown:
        return []
    return [f"This link names no blog, so it opens the newest one: {', '.join(shown)}."]


def blog_picker(names: Mapping[int, str], newest: int, view: View | None, notices: list[str],
                select: int | None = None) -> list[int]:
    """The blogs to show: the picker (when there are several), its first value from the link, else
    the newest blog; `select` (a blog just uploaded) replaces the choice."""
    import streamlit as st

    current = st.session_state.get(BLOGS_KEY)
    wanted = current
    if select in names:
        wanted = [select]
    elif current is None or view is not None:
        wanted = (source_ids(view, names, notices) if view else None) or [newest]
    wanted = [i for i in wanted if i in names]
    if view is not None and select not in names:
        notices.extend(unnamed_blogs_notice(view, [names[i] for i in wanted]))
    # Written only when it changes: writing a widget's state resets it in the browser (an open
    # dropdown would close).
    if wanted != current:
        st.session_state[BLOGS_KEY] = wanted
    # The picker's place is there from the start, empty while there is one blog: a picker appearing
    # above the map when another visitor adds a second blog would remount the map (the reader's zoom lost).
    slot = st.empty()
    if len(names) < 2:
        return wanted or [newest]
    return slot.multiselect("Live blogs", options=list(names), key=BLOGS_KEY, format_func=names.__getitem__,
                          help="Several blogs are drawn together, each in its own colour.")
