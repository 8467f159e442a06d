"""The correction form: a small group of Streamlit widgets under the entry panel."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from dashboard.corrections import NOT_A_PLACE, candidate_label, candidates, entry_corrections, gazetteer_lookup
from dashboard.store import EventStore, StoreError
from dashboard.ui.keys import CORRECTION_AUTHOR_KEY
from gazetteer.places import Place


def correction_form(store: EventStore, entry_id: int, mentions: pd.DataFrame, corrections: pd.DataFrame,
                    lookup: Callable[[str], Sequence[Place]] = gazetteer_lookup) -> bool:
    """Widgets to correct one entry's places; True when the store was changed (the caller reruns)."""
    ordered = mentions.sort_values("start", kind="stable").reset_index(drop=True)
    own = entry_corrections(corrections, entry_id)
    if ordered.empty and own.empty:
        return False
    prefix = f"fix-{entry_id}"
    with st.expander("Correct a place", expanded=False):
        changed = False
        if not ordered.empty:
            labels = [f"“{m.mention}” at {m.place_name} ({m.country_code})" for m in ordered.itertuples()]
            pick = st.selectbox("Mention", options=list(range(len(ordered))), key=f"{prefix}-mention",
                                format_func=labels.__getitem__)
            mention = ordered.iloc[int(pick)].to_dict()
            search = st.text_input("Search the gazetteer", key=f"{prefix}-search",
                                   placeholder=str(mention["mention"]),
                                   help="A name to look up when the right place is not among the candidates.")
            try:
                options = candidates(mention, search, lookup)
            except Exception as exc:  # the gazetteer index may be missing: the runner-ups still serve
                st.warning(f"The gazetteer could not be searched: {' '.join(str(exc).split())}")
                options = candidates(mention)
            by_id = {p.place_id: p for p in options}
            choice = st.selectbox("Place instead", options=[NOT_A_PLACE, *by_id], key=f"{prefix}-choice",
                                  format_func=lambda pid: "Not a place" if pid == NOT_A_PLACE
                                  else candidate_label(by_id[pid]))
            author = st.text_input("Your name", key=CORRECTION_AUTHOR_KEY, max_chars=200)
            if st.button("Save the correction", key=f"{prefix}-save"):
                # Kept only by a mention's first correction: "from what" stays the geoparser's choice.
                was = Place(str(mention["place_id"]), str(mention["place_name"]), float(mention["lat"]),
                            float(mention["lon"]))
                try:
                    store.correct_mention(entry_id, int(mention["start"]), int(mention["end"]),
                                          str(mention["mention"]), by_id.get(choice), author=author, was=was)
                    changed = True
                except StoreError as exc:
                    st.error("The correction was not saved.")
                    st.code(str(exc), language=None, wrap_lines=True)  # verbatim: it may quote the blog
        if not own.empty:
            undo = st.selectbox("Corrected mention", options=list(range(len(own))), key=f"{prefix}-undo-pick",
                                format_func=lambda i: f"“{own.iloc[i]['mention']}”")
            if st.button("Undo the correction", key=f"{prefix}-undo"):
                c = own.iloc[int(undo)]
                store.remove_correction(entry_id, int(c["start"]), int(c["end"]), str(c["mention"]))
                changed = True
        return changed
