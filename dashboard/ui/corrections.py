"""The correction forms under the entry panel: correct one mention, or add a place the geoparser
missed. Each says what it will do before Save, confirms after (the reader stays on the entry), and
asks for the analyst's name up front (remembered for the session).

A save is stored by its button's callback, before the run that follows the click, so that run draws the
map and the panel from the store as it now is, once (stored during the run, after the panel was drawn,
it took a second run of the whole page, which replaced the panel's boxes under a reader using them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

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
from dashboard.ui.review import analyst_name, done, pin_point, refused, saved, say_refused
from gazetteer.places import Place

KEEP = "keep"


def _stored_by(prefix: str, what: str, write: Callable[..., Any], *args: Any, author_key: str | None = None,
               message: str = "", entry_id: int | None = None, **kwargs: Any) -> None:
    """A save button's callback: `write(*args, **kwargs)` (with the name as typed, when `author_key` is
    given) before the script runs; what the store refused is said by the form on the run after."""
    if author_key is not None:
        kwargs["author"] = str(st.session_state.get(author_key, ""))
    try:
        write(*args, **kwargs)
    except StoreError as exc:
        refused(prefix, what, str(exc))
        return
    saved(message, entry_id)


def correction_form(store: EventStore, entry_id: int, mentions: pd.DataFrame, corrections: pd.DataFrame,
                    lookup: Callable[[str], Sequence[Place]] = gazetteer_lookup) -> None:
    """Widgets to correct one entry's places."""
    ordered = mentions.sort_values("start", kind="stable").reset_index(drop=True)
    own = entry_corrections(corrections, entry_id)
    if ordered.empty and own.empty:
        return
    prefix = f"fix-{entry_id}"
    with st.expander("Correct a place", expanded=False):
        say_refused(prefix)
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
            # Kept only by a mention's first correction: "from what" stays the geoparser's choice.
            was = Place(str(mention["place_id"]), str(mention["place_name"]), float(mention["lat"]),
                        float(mention["lon"]))
            st.button("Save the correction", key=f"{prefix}-save", disabled=choice == KEEP or not author.strip(),
                      on_click=_stored_by, args=(prefix, "The correction was not saved.", store.correct_mention,
                                                 entry_id, int(mention["start"]), int(mention["end"]),
                                                 str(mention["mention"]), by_id.get(choice)),
                      kwargs={"was": was, "author_key": f"{prefix}-author", "message": "Saved. " + done(plan),
                              "entry_id": entry_id})
        if not own.empty:
            undo = st.selectbox("Corrected mention", options=list(range(len(own))), key=f"{prefix}-undo-pick",
                                format_func=lambda i: f"“{own.iloc[i]['mention']}”")
            c = own.iloc[int(undo)]
            st.button("Undo the correction", key=f"{prefix}-undo", on_click=_stored_by,
                      args=(prefix, "The correction was not undone.", store.remove_correction, entry_id,
                            int(c["start"]), int(c["end"]), str(c["mention"])),
                      kwargs={"message": f"Undone: the correction of “{c['mention']}”.", "entry_id": entry_id})


SEARCH, PIN = "search", "pin"


def add_missed_form(store: EventStore, entry: Mapping, bounds: list[list[float]] | None,
                    lookup: Callable[[str], Sequence[Place]] = gazetteer_lookup) -> None:
    """Widgets to add a place the geoparser missed in the entry."""
    entry_id = int(entry["entry_id"])
    prefix = f"add-{entry_id}"
    with st.expander("Add a place the geoparser missed", expanded=False):
        say_refused(prefix)
        st.caption("Type the words of this entry that name the place, find or pin it, and give your name.")
        words = " ".join(st.text_input("Words in this entry", key=f"{prefix}-words").split())
        if not words:
            return
        text = entry_text(entry)
        start = text.casefold().find(words.casefold())
        if start < 0:
            st.error(f"“{words}” is not in this entry's text: type the words as they are written.")
            return
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
        st.button("Add the place", key=f"{prefix}-save", disabled=place is None or not author.strip(),
                  on_click=_stored_by, args=(prefix, "The place was not added.", store.add_mention, entry_id, start,
                                             start + len(found), found, place),
                  kwargs={"author_key": f"{prefix}-author", "message": "Added. " + done(plan),
                          "entry_id": entry_id})
