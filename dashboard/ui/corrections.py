"""The correction forms under the entry panel: correct one mention, or add a place the geoparser
missed. Each says what it will do before Save, confirms after (the reader stays on the entry), and
asks for the analyst's name up front (remembered for the session)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd
import streamlit as st

from dashboard.corrections import (
    NOT_A_PLACE,
    candidate_label,
    candidates,
    entry_corrections,
    entry_text,
    gazetteer_lookup,
)
from dashboard.store import EventStore, StoreError
from dashboard.ui.review import analyst_name, done, pin_point, saved
from gazetteer.places import Place

KEEP = "keep"


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
            st.caption("Choose the words, then the place they name (or “Not a place”), and give your name.")
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
            here = f"{mention['place_name']} ({mention['country_code']})"
            # The place it has now comes first: nothing changes until another is chosen.
            choice = st.selectbox("Place instead", options=[KEEP, *by_id, NOT_A_PLACE], key=f"{prefix}-choice",
                                  format_func=lambda pid: f"{here}, as now" if pid == KEEP
                                  else "Not a place" if pid == NOT_A_PLACE else candidate_label(by_id[pid]))
            author = analyst_name(f"{prefix}-author")
            words = f"“{mention['mention']}”"
            if choice == KEEP:
                plan = "Choose another place, or “Not a place”, to correct it."
            elif choice == NOT_A_PLACE:
                plan = f"Will take {words} in this entry off the map: not a place."
            else:
                plan = f"Will move {words} in this entry from {here} to {candidate_label(by_id[choice])}."
            st.caption(plan + ("" if author.strip() else " Your name is required to save."))
            if st.button("Save the correction", key=f"{prefix}-save",
                         disabled=choice == KEEP or not author.strip()):
                # Kept only by a mention's first correction: "from what" stays the geoparser's choice.
                was = Place(str(mention["place_id"]), str(mention["place_name"]), float(mention["lat"]),
                            float(mention["lon"]))
                try:
                    store.correct_mention(entry_id, int(mention["start"]), int(mention["end"]),
                                          str(mention["mention"]), by_id.get(choice), author=author, was=was)
                    saved("Saved. " + done(plan), entry_id)
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
                saved(f"Undone: the correction of “{c['mention']}”.", entry_id)
                changed = True
        return changed


SEARCH, PIN = "search", "pin"


def add_missed_form(store: EventStore, entry: Mapping, bounds: list[list[float]] | None,
                    lookup: Callable[[str], Sequence[Place]] = gazetteer_lookup) -> bool:
    """Widgets to add a place the geoparser missed in the entry; True when the store was changed."""
    entry_id = int(entry["entry_id"])
    prefix = f"add-{entry_id}"
    with st.expander("Add a place the geoparser missed", expanded=False):
        st.caption("Type the words of this entry that name the place, find or pin it, and give your name.")
        words = " ".join(st.text_input("Words in this entry", key=f"{prefix}-words").split())
        if not words:
            return False
        text = entry_text(entry)
        start = text.casefold().find(words.casefold())
        if start < 0:
            st.error(f"“{words}” is not in this entry's text: type the words as they are written.")
            return False
        found = text[start:start + len(words)]
        how = st.radio("Place it by", options=[SEARCH, PIN], key=f"{prefix}-how", horizontal=True,
                       format_func={SEARCH: "Searching the gazetteer", PIN: "Pinning it on the map"}.__getitem__)
        place = None
        if how == SEARCH:
            search = st.text_input("Search the gazetteer", key=f"{prefix}-search", placeholder=found)
            try:
                options = {p.place_id: p for p in lookup(" ".join((search or found).split()))}
            except Exception as exc:  # the gazetteer index may be missing: pinning still works
                st.warning(f"The gazetteer could not be searched: {' '.join(str(exc).split())}")
                options = {}
            if options:
                chosen = st.selectbox("Place", options=list(options), key=f"{prefix}-choice",
                                      format_func=lambda pid: candidate_label(options[pid]))
                place = options.get(chosen)
            else:
                st.caption("The gazetteer has no place of that name: pin it on the map instead.")
        else:
            place = pin_point(prefix, bounds, found)
        author = analyst_name(f"{prefix}-author")
        plan = (f"Will add “{found}” in this entry at {place.name} ({place.latitude:.4f}, {place.longitude:.4f})."
                if place is not None else "Find or pin the place first.")
        st.caption(plan + ("" if author.strip() else " Your name is required to save."))
        if st.button("Add the place", key=f"{prefix}-save", disabled=place is None or not author.strip()):
            try:
                store.add_mention(entry_id, start, start + len(found), found, place, author=author)
            except StoreError as exc:
                st.error("The place was not added.")
                st.code(str(exc), language=None, wrap_lines=True)  # verbatim: it may quote the blog
                return False
            saved("Added. " + done(plan), entry_id)
            return True
    return False
