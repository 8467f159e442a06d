"""The review queue's widgets: doubtful words grouped, one action settling a group, undo, the
corrections download; and the pieces the correction forms share (the analyst's name, a pin on a map).

What the queue holds is decided in `dashboard.view.review`; decisions are written by
`EventStore.decide` / `add_mention` and laid over the mentions by `dashboard.corrections`.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping, MutableMapping, Sequence

import pandas as pd
import streamlit as st

from dashboard import corrections as trust
from dashboard import export
from dashboard.store import EventStore, StoreError
from dashboard.ui import keys, table
from dashboard.ui import map as map_ui
from dashboard.view import review
from dashboard.view.compact import with_text
from dashboard.view.entries_table import blogs_stem
from dashboard.view.mapdata import MapData, map_bounds
from dashboard.view.timeline import Window
from gazetteer.places import Place

CONFIRM, CHOOSE, PIN, NOT_PLACE = trust.CONFIRM, trust.CHOOSE, "pin", trust.NOT_PLACE
THIS_BLOG, ALL_BLOGS = "blog", "all"


NOT_SAVED = "The decision was not saved."


def analyst_name(widget_key: str) -> str:
    """The "Your name" field of a form, filled with the name given earlier in the session."""
    if widget_key not in st.session_state:
        st.session_state[widget_key] = st.session_state.get(keys.ANALYST_KEY, "")
    name = st.text_input("Your name", key=widget_key, max_chars=200, placeholder="required",
                         help="Required: every correction and decision is kept with who made it and when.")
    if name.strip():
        st.session_state[keys.ANALYST_KEY] = name
    return name


def show_saved_message() -> None:
    """What the last save did, once (it was set just before the rerun that follows a save)."""
    message = st.session_state.pop(keys.SAVED_MESSAGE_KEY, None)
    if message:
        st.success(message)


def done(plan: str) -> str:
    """A plan ("Will move ...") said as done ("Move ..." becomes the message's second sentence)."""
    rest = plan.replace("Will ", "", 1)
    return rest[:1].upper() + rest[1:]


def follow_entry(state: MutableMapping, data: MapData, entry_id: int, window: Window) -> None:
    """Keep the reader on the entry just corrected: on the place they read it under when the entry
    still names that place, else under the first place it names."""
    current = state.get(keys.PLACE_PICKER_KEY)
    rows = data.entries.index[data.entries["entry_id"] == int(entry_id)]
    named = set(data.mentions.loc[data.mentions["entry_id"] == int(entry_id), "place_id"])
    if current in named and len(rows):
        state[keys.entry_picker_key(current)] = int(rows[0])
        return
    table.select_entry(state, data, int(entry_id), window)


def saved(message: str, entry_id: int | None = None) -> None:
    """Remember what a save did (and the entry to keep showing) for the rerun that follows it."""
    st.session_state[keys.SAVED_MESSAGE_KEY] = message
    if entry_id is not None:
        st.session_state[keys.FOLLOW_ENTRY_KEY] = int(entry_id)


def refused(form: str, what: str, why: str) -> None:
    """A save's callback was refused by the store: `form` says `what` (and the store's words) on the next run."""
    st.session_state[keys.FORM_ERROR_KEY] = (form, what, why)


def say_refused(form: str) -> None:
    """What the store refused of this form's last save, once."""
    error = st.session_state.get(keys.FORM_ERROR_KEY)
    if error is not None and error[0] == form:
        del st.session_state[keys.FORM_ERROR_KEY]
        st.error(error[1])
        st.code(error[2], language=None, wrap_lines=True)  # verbatim: it may quote the blog


def pin_point(prefix: str, bounds: list[list[float]] | None, name: str) -> Place | None:
    """A point clicked on a small map, or typed as "lat, lon" (typed wins); None until there is one."""
    # Imported here, not at the top: streamlit_folium declares its component on import, which only
    # counts inside a running app, and `dashboard.serve` preloads this module before there is one.
    from streamlit_folium import st_folium

    map_key, text_key = keys.pin_keys(prefix)
    st.caption("Click the map where the place is, or type its coordinates.")
    base = map_ui.base_map(bounds, base_url_path=st.get_option("server.baseUrlPath") or "")
    returned = st_folium(base, key=map_key, returned_objects=["last_clicked"], height=320,
                         use_container_width=True)
    typed = st.text_input("Coordinates (latitude, longitude)", key=text_key, placeholder="33.51, 36.29")
    try:
        if typed.strip():
            lat, lon = trust.parse_point(typed)
        else:
            clicked = (returned or {}).get("last_clicked") or {}
            if clicked.get("lat") is None or clicked.get("lng") is None:
                return None
            lat, lon = float(clicked["lat"]), float(clicked["lng"])
        place = trust.pinned_place(name, lat, lon)
    except ValueError as exc:
        st.error(f"Not a point: {exc}")
        return None
    st.caption(f"Pinned at {place.latitude:.5f}, {place.longitude:.5f}.")
    return place


def _candidates(store: EventStore, mentions: pd.DataFrame, group: review.Group, search: str,
                lookup: Callable[[str], Sequence[Place]]) -> list[Place]:
    own = store.with_runner_ups(review.group_mentions(mentions, group).head(50))
    alternatives = [alt for alts in own["alternatives"] for alt in alts]
    merged = {"place_id": group.place_id, "alternatives": alternatives}
    try:
        return trust.candidates(merged, search, lookup)
    except Exception as exc:  # the gazetteer index may be missing: the runner-ups still serve
        st.warning(f"The gazetteer could not be searched: {' '.join(str(exc).split())}")
        return trust.candidates(merged)


def _plan(action: str, group: review.Group, place: Place | None, everywhere: bool) -> str:
    where = ("in every blog, now and later" if everywhere
             else f"in {review.counted(len(group.entry_ids), 'entry', 'entries')} of the chosen blogs")
    if action == CONFIRM:
        return f"Will mark every “{group.shown}” {where} as {group.place_name}, reviewed."
    if action == NOT_PLACE:
        return f"Will take every “{group.shown}” {where} off the map: not a place."
    if place is None:
        return "Choose or pin the place first."
    return f"Will place every “{group.shown}” {where} at {place.name} ({place.latitude:.4f}, {place.longitude:.4f})."


# The queue of each prepared set of entries (read-only, shared by the sessions), worked out once: at every
# rerun it would cost a pass over every mention (a second a step for a million entries).
_QUEUES: weakref.WeakKeyDictionary[MapData, list[review.Group]] = weakref.WeakKeyDictionary()


# One session works a queue or summary out at a time: another that asks meanwhile (a reader opening the page
# while the first run still works) waits for it rather than working it out beside it, which for a million
# entries took the server twice the queue's memory.
_WORKING = threading.Lock()


def _doubtful_groups(data: MapData) -> list[review.Group]:
    groups = _QUEUES.get(data)
    if groups is None:
        with _WORKING:
            groups = _QUEUES.get(data)
            if groups is None:
                groups = _QUEUES[data] = review.doubtful_groups(data.entries, data.mentions,
                                                                with_text=lambda rows: with_text(data, rows))
    return groups


_SUMMARIES: weakref.WeakKeyDictionary[MapData, tuple[dict, pd.DataFrame]] = weakref.WeakKeyDictionary()


def _summary(data: MapData, mention_counts: Mapping[int, int]) -> pd.DataFrame:
    """The summary per blog, worked out once per prepared set of entries and stored counts."""
    known = _SUMMARIES.get(data)
    if known is None or known[0] != dict(mention_counts):
        with _WORKING:
            known = _SUMMARIES.get(data)
            if known is None or known[0] != dict(mention_counts):
                known = _SUMMARIES[data] = (dict(mention_counts), review.review_summary(mention_counts,
                                                                                        data.mentions))
    return known[1]


def _apply(store: EventStore, group: review.Group, action: str, place: Place | None, everywhere: bool,
           plan: str) -> None:
    """The "Apply the decision" button's callback: the decision the page showed (`plan`) is stored before
    the script runs, so the run that follows draws the map, the panel and the queue from the store as
    it now is, once. Stored while the script ran, after the map and the panel were drawn from the store
    as it was, it took a second run of the whole page, which replaced the panel's boxes under a reader
    already using them (an open list closed)."""
    # The name as typed: a name changed and the button clicked at once arrive together, the name first.
    author = str(st.session_state.get(keys.REVIEW_AUTHOR_KEY, ""))
    if not author.strip():
        refused("review", NOT_SAVED, "Your name is required.")
        return
    st.session_state[keys.ANALYST_KEY] = author
    stored = CHOOSE if action == PIN else action
    was = Place(group.place_id, group.place_name, 0.0, 0.0)
    try:
        store.decide(group.shown, stored, place, author=author, entry_ids=group.entry_ids, everywhere=everywhere,
                     was=was)
    except StoreError as exc:
        refused("review", NOT_SAVED, str(exc))
        return
    saved("Done. " + done(plan))
    st.session_state.pop(keys.REVIEW_GROUP_KEY, None)


def _undo(store: EventStore, batch: str, line: str) -> None:
    """An "Undo" button's callback: before the script runs, as `_apply`."""
    try:
        store.undo(batch)
    except StoreError as exc:
        refused("review", NOT_SAVED, str(exc))
        return
    saved(f"Undone: {line}")


def _want_queue(state: MutableMapping) -> None:
    state[keys.REVIEW_WANTED_KEY] = True


def review_queue(store: EventStore, data: MapData, source_ids: Sequence[int], names: Mapping[int, str],
                 mention_counts: Callable[[], Mapping[int, int]], decisions: pd.DataFrame,
                 lookup: Callable[[str], Sequence[Place]] = trust.gazetteer_lookup) -> None:
    """The review section: the summary per blog, the queue, one action per group, undo, the download.
    Decisions and undos are stored by the buttons' callbacks, before the run that draws their effect.

    The queue and the summary (`mention_counts()`, the store's placed mentions per blog) are worked out
    once a session asks for them ("Find the doubtful places"), or shown at once when another session has
    worked them out for these entries: at a million entries they are a second of the server's work,
    which every page opened after a write paid, and held the next reader's map back."""
    groups = _QUEUES.get(data)
    if groups is None and st.session_state.get(keys.REVIEW_WANTED_KEY):
        groups = _doubtful_groups(data)
    title = ("Review doubtful places" if groups is None else
             f"Review doubtful places ({review.counted(len(groups), 'group', 'groups')} to check)")
    with st.expander(title, expanded=False):
        if groups is None:
            st.caption("The places the geoparser was not sure of, grouped by their words, worked out when "
                       "asked for (a big store takes a moment).")
            st.button("Find the doubtful places", key=keys.REVIEW_FIND_KEY, on_click=_want_queue,
                      args=(st.session_state,))
        else:
            _queue(store, data, names, groups, mention_counts(), lookup)
        say_refused("review")
        made = review.decision_batches(decisions)
        if made:
            st.markdown("**Decisions made** (newest first)")
            for batch, line in made[:30]:
                text_column, button_column = st.columns([5, 1])
                text_column.caption(line)
                button_column.button("Undo", key=keys.undo_key(batch), on_click=_undo, args=(store, batch, line))
        st.download_button("Download corrections CSV",
                           data=lambda: export.export(store, "csv", list(source_ids), what="corrections"),
                           file_name=f"{blogs_stem([names[i] for i in source_ids])}_corrections.csv",
                           mime="text/csv", key="download-corrections",
                           on_click="ignore")


def _queue(store: EventStore, data: MapData, names: Mapping[int, str], groups: list[review.Group],
           mention_counts: Mapping[int, int], lookup: Callable[[str], Sequence[Place]]) -> None:
    """The summary per blog and the queue: a group chosen, its decision, the button that applies it."""
    summary = _summary(data, mention_counts)
    for row in summary.to_dict("records"):
        st.caption(review.summary_line(row, names.get(int(row["source_id"]), "")))
    if not groups:
        st.caption("Nothing doubtful in the chosen blogs.")
    else:
        st.caption(f"Words whose place the geoparser is less than {trust.DOUBT_BELOW:.0%} sure of, "
                   "least sure first. One decision settles every mention of the words.")
        if st.session_state.get(keys.REVIEW_GROUP_KEY) not in range(len(groups)):
            st.session_state.pop(keys.REVIEW_GROUP_KEY, None)
        index = st.selectbox("Doubtful words", options=list(range(len(groups))), key=keys.REVIEW_GROUP_KEY,
                             format_func=lambda i: groups[i].label)
        group = groups[int(index)]
        st.html(review.group_html(group))
        action = st.radio("Decision", options=[CONFIRM, CHOOSE, PIN, NOT_PLACE], key=keys.REVIEW_ACTION_KEY,
                          horizontal=True, format_func={
                              CONFIRM: f"Confirm {group.place_name}", CHOOSE: "Another candidate",
                              PIN: "Pin on the map", NOT_PLACE: "Not a place"}.__getitem__)
        place = None
        if action == CHOOSE:
            search = st.text_input("Search the gazetteer", key=keys.REVIEW_SEARCH_KEY, placeholder=group.shown)
            options = {p.place_id: p for p in _candidates(store, data.mentions, group, search, lookup)}
            if options:
                chosen = st.selectbox("Place instead", options=list(options), key=keys.REVIEW_CHOICE_KEY,
                                      format_func=lambda pid: trust.candidate_label(options[pid]))
                place = options.get(chosen)
            else:
                st.caption("No other candidate: search the gazetteer, or pin the place on the map.")
        elif action == PIN:
            place = pin_point("review", map_bounds(data), group.shown)
        scope = st.radio("Apply to", options=[THIS_BLOG, ALL_BLOGS], key=keys.REVIEW_SCOPE_KEY, horizontal=True,
                         format_func={THIS_BLOG: "The chosen blogs", ALL_BLOGS: "All blogs"}.__getitem__)
        author = analyst_name(keys.REVIEW_AUTHOR_KEY)
        plan = _plan(action, group, place, scope == ALL_BLOGS)
        st.caption(plan)
        ready = bool(author.strip()) and (action in (CONFIRM, NOT_PLACE) or place is not None)
        st.button("Apply the decision", key=keys.REVIEW_APPLY_KEY, disabled=not ready, type="primary",
                  on_click=_apply, args=(store, group, action, place, scope == ALL_BLOGS, plan))
