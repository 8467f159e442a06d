"""The sidebar's filter widgets; what they do is `dashboard.view.filters`."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from dashboard.ui.keys import COUNTRY_KEY, KEYWORD_KEY, PLACE_KEY, SCORE_KEY
from dashboard.view.filters import MAX_KEYWORD_CHARS, Filters


def filter_widgets(places: Mapping[str, str], countries: Mapping[str, str]) -> Filters:
    """The filter widgets (in the sidebar), their state kept under the *_KEY session keys; the
    choices are `place_options` and `country_options` of the entries shown."""
    st.sidebar.header("Filters")
    keyword = st.sidebar.text_input("Keyword", key=KEYWORD_KEY, max_chars=MAX_KEYWORD_CHARS,
                                    help="Entries whose headline, text or captions hold every word given, as a word or "
                                         "the start of one, ignoring case and accents (tartus finds Ţarţūs).")
    if st.session_state.get(PLACE_KEY) is not None and st.session_state[PLACE_KEY] not in places:
        st.session_state[PLACE_KEY] = None  # a place no longer named (only then: a write resets the widget)
    place = st.sidebar.selectbox("Place named", options=list(places), key=PLACE_KEY,
                                 format_func=places.get, placeholder="Any place")
    if st.session_state.get(COUNTRY_KEY) is not None and st.session_state[COUNTRY_KEY] not in countries:
        st.session_state[COUNTRY_KEY] = None  # a place no longer named (only then: a write resets the widget)
    country = st.sidebar.selectbox("Country", options=list(countries), key=COUNTRY_KEY,
                                   format_func=countries.__getitem__, placeholder="Any country")
    score = st.sidebar.slider("Minimum resolution score", min_value=0.0, max_value=1.0, step=0.05, key=SCORE_KEY,
                              help="How sure the geoparser was of each place; corrected places count as 1.")
    return Filters(keyword=keyword or "", place=place, country=country, min_score=float(score or 0.0))
