"""The sidebar's filter widgets, each clearable with one click, and "Reset view"; what the filters do
is `dashboard.view.filters`."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

import streamlit as st

from dashboard.settings import PLACE_FILTER_OPTIONS
from dashboard.ui.keys import (
    COUNTRY_KEY,
    KEYWORD_KEY,
    PLACE_KEY,
    PLACE_PICKER_KEY,
    PLACE_SEARCH_KEY,
    RING_KEY,
    SCORE_KEY,
)
from dashboard.view.filters import MAX_KEYWORD_CHARS, Filters, matching_places

# Each filter's value when cleared: what "any" is.
CLEARED: dict[str, Any] = {KEYWORD_KEY: "", PLACE_SEARCH_KEY: "", PLACE_KEY: None, COUNTRY_KEY: None,
                           SCORE_KEY: 0.0}


def clear(state: MutableMapping[str, Any], key: str) -> None:
    """A clear button's callback: the filter (or the panel's place) back to "any"."""
    state[key] = CLEARED.get(key)


def reset_view(state: MutableMapping[str, Any], window_key: str) -> None:
    """"Reset view": every filter cleared, no place chosen in the panel, the whole time window."""
    for key in CLEARED:
        clear(state, key)
    state[PLACE_PICKER_KEY] = None
    state.pop(RING_KEY, None)
    state.pop(window_key, None)  # the slider starts again at its default: the whole span


def clear_button(container: Any, key: str, what: str) -> None:
    """A one-click ✕ (an icon) that clears the widget under `key` (disabled while it is already clear)."""
    container.button("", icon=":material/close:", key=f"clear-{key}", help=f"Clear: {what}", on_click=clear,
                     args=(st.session_state, key), disabled=st.session_state.get(key) in (None, "", 0.0))


def filter_widgets(places: Mapping[str, str], countries: Mapping[str, str], window_key: str = "") -> Filters:
    """The filter widgets (in the sidebar), their state kept under the *_KEY session keys; the
    choices are `place_options` and `country_options` of the entries shown."""
    st.sidebar.header("Filters")
    st.sidebar.button("Reset view", key="reset-view", on_click=reset_view, args=(st.session_state, window_key),
                      help="Clear every filter and the place chosen, and show the whole time window.")
    column, clear_column = st.sidebar.columns([6, 1], vertical_alignment="bottom")
    keyword = column.text_input("Keyword", key=KEYWORD_KEY, max_chars=MAX_KEYWORD_CHARS,
                                help="Entries whose headline, text or captions hold every word given, as a word or "
                                     "the start of one, ignoring case and accents (tartus finds Ţarţūs).")
    clear_button(clear_column, KEYWORD_KEY, "any keyword")
    if st.session_state.get(PLACE_KEY) is not None and st.session_state[PLACE_KEY] not in places:
        st.session_state[PLACE_KEY] = None  # a place no longer named (only then: a write resets the widget)
    column, clear_column = st.sidebar.columns([6, 1], vertical_alignment="bottom")
    listed, matched = places, len(places)
    if len(places) > PLACE_FILTER_OPTIONS:
        # Too many to list (each is sent to the page and drawn there): a search box narrows them.
        query = column.text_input("Find a place", key=PLACE_SEARCH_KEY, max_chars=MAX_KEYWORD_CHARS,
                                  placeholder=f"Search {len(places):,} places",
                                  help="Lists the places whose name has words starting with each word "
                                       "typed, ignoring case and accents.")
        clear_button(clear_column, PLACE_SEARCH_KEY, "the place search")
        listed, matched = matching_places(places, query or "", PLACE_FILTER_OPTIONS, st.session_state.get(PLACE_KEY))
        column, clear_column = st.sidebar.columns([6, 1], vertical_alignment="bottom")
    place = column.selectbox("Place named", options=list(listed), key=PLACE_KEY,
                             format_func=places.get, placeholder="Any place")
    clear_button(clear_column, PLACE_KEY, "any place")
    if matched > PLACE_FILTER_OPTIONS:
        st.sidebar.caption(f"The first {PLACE_FILTER_OPTIONS:,} of {matched:,} places are listed: "
                           "type in Find a place to list the others.")
    if st.session_state.get(COUNTRY_KEY) is not None and st.session_state[COUNTRY_KEY] not in countries:
        st.session_state[COUNTRY_KEY] = None  # a place no longer named (only then: a write resets the widget)
    column, clear_column = st.sidebar.columns([6, 1], vertical_alignment="bottom")
    country = column.selectbox("Country", options=list(countries), key=COUNTRY_KEY,
                               format_func=countries.__getitem__, placeholder="Any country")
    clear_button(clear_column, COUNTRY_KEY, "any country")
    score = st.sidebar.slider("Minimum resolution score", min_value=0.0, max_value=1.0, step=0.05, key=SCORE_KEY,
                              help="How sure the geoparser was of each place; corrected places count as 1.")
    return Filters(keyword=keyword or "", place=place, country=country, min_score=float(score or 0.0))
