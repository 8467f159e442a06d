"""Following a live page in the app: the sidebar's form, the pollers' status, and the live update.

The pollers run in the server, one thread per page shared by every session (`pollers()`), each
polling every $DASHBOARD_FOLLOW_EVERY seconds through the app's guard against request forgery; each
poll's parse and ingest run in the server's ingest worker (`dashboard.worker`), as uploads do.
The page learns of new entries without a reload: a fragment looks at the store's stamp every few
seconds and reruns the whole app when it changed. Then the time window moves on to take in the new
entries if it was at the end, and otherwise stays where the reader put it (`carry_window`); the map
keeps the frame it had for the chosen blogs (`kept_bounds`), so a reader's zoom survives the update.

Entries that arrive are marked "new" on their markers and in the panel's list until the reader opens them
(`new_entries`, `mark_seen`).

`carry_window`, `remember_window`, `kept_bounds`, `new_entries` and `mark_seen` take any mutable mapping
(tested with a dict).
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import settings
from dashboard.follow import BackgroundPoller, Fetcher, Follower, Guard, PollerRegistry, UnsafeURLError
from dashboard.ingest import MAX_SOURCE_CHARS, one_line
from dashboard.store import EventStore
from dashboard.ui import keys, loaders
from dashboard.ui.upload import ingest_worker
from dashboard.view import markup as H
from dashboard.view.playback import as_ns
from dashboard.view.timeline import moment_ns, span_bounds

# How often an open page looks for new entries in the store (a file's stamp: cheap).
CHECK_EVERY_SECONDS = 3.0


@st.cache_resource(show_spinner=False)
def pollers() -> PollerRegistry:
    """The server's pollers, shared by every session (stopped only from the app, or with the server)."""
    return PollerRegistry()


# --------------------------------------------------------------------------------------------------
# The window and the map's frame across an update.
# --------------------------------------------------------------------------------------------------


def remember_window(state: MutableMapping[str, Any], window_key: str, chosen: Sequence[int],
                    times: Sequence[pd.Timestamp], first: int, last: int) -> None:
    """Note the window just shown, as times, and whether it reached the newest entry."""
    state[keys.FOLLOW_WINDOW_KEY] = (tuple(chosen), window_key, int(moment_ns(times[first])),
                                     int(moment_ns(times[last])), last == len(times) - 1)


def carry_window(state: MutableMapping[str, Any], window_key: str, chosen: Sequence[int],
                 times: Sequence[pd.Timestamp]) -> tuple[int, int] | None:
    """Before the slider is drawn: when entries arrived for the same blogs (a new slider key), the new
    slider's first value, the window shown last moved on to the newest entry if it was at the end.

    None when there is nothing to carry. The caller passes it as the slider's value (not through the
    slider's state: a select_slider whose value is None takes one handle, not a range, when it reads
    the browser's next value).
    """
    last = state.get(keys.FOLLOW_WINDOW_KEY)
    if window_key in state or not last or last[0] != tuple(chosen) or last[1] == window_key or not times:
        return None
    if keys.window_by_time(last[1]) != keys.window_by_time(window_key):
        return None  # the reader switched the slider's mode: its own default applies, not a carried window
    if keys.window_happened(last[1]) != keys.window_happened(window_key):
        return None  # nor is a window carried from one clock to the other: its stops are other times
    _, _, start_ns, end_ns, at_end = last
    lo, hi = span_bounds(as_ns(times), start_ns, end_ns)
    first, final = min(lo, len(times) - 1), len(times) - 1 if at_end else hi - 1
    if final < first:
        return None
    return first, final


def kept_bounds(state: MutableMapping[str, Any], chosen: Sequence[int],
                bounds: list[list[float]] | None) -> list[list[float]] | None:
    """The map's frame: the one it had for these blogs, so that new places do not remount the map
    (and lose the reader's zoom); a new choice of blogs, or a first place, frames afresh."""
    kept = state.get(keys.FOLLOW_BOUNDS_KEY)
    if kept is not None and kept[0] == tuple(chosen) and kept[1] is not None:
        return kept[1]
    state[keys.FOLLOW_BOUNDS_KEY] = (tuple(chosen), bounds)
    return bounds


def new_entries(state: MutableMapping[str, Any], chosen: Sequence[int], entry_ids: Iterable[int]) -> frozenset[int]:
    """The entries (ids) that arrived since this session last looked at these blogs, still unseen.

    The first look at a choice of blogs sees everything; entries that appear on a later run (a followed
    page grew, or another session added entries) are new until `mark_seen` (the reader opened them)."""
    # A column of ids is read as an array: one Python int at a time took ~10 ms of every slider step at
    # 10,000 entries.
    given = entry_ids.to_numpy() if isinstance(entry_ids, pd.Series) else np.fromiter(entry_ids, dtype=np.int64)
    ids = given.astype(np.int64, copy=False)  # the loaded column itself (read-only): no copy per session
    if not (ids[1:] > ids[:-1]).all():  # one blog's ids already rise with time: sorted only when they do not
        ids = np.unique(ids)
    kept = state.get(keys.FOLLOW_SEEN_KEY)
    if kept is None or kept[0] != tuple(chosen):
        state[keys.FOLLOW_SEEN_KEY] = (tuple(chosen), ids, frozenset())
        return frozenset()
    _, known, fresh = kept
    # The same entries as last time (nearly every run): nothing arrived, without a set operation over a
    # million ids at every step.
    arrived = ids[:0] if np.array_equal(ids, known) else ids[~np.isin(ids, known, assume_unique=True)]
    still = (ids[np.isin(ids, np.fromiter(fresh, dtype=np.int64, count=len(fresh)), assume_unique=True)] if fresh
             else ids[:0])
    fresh = frozenset(int(i) for i in np.concatenate([still, arrived]))
    state[keys.FOLLOW_SEEN_KEY] = (tuple(chosen), ids, fresh)
    return fresh


def mark_seen(state: MutableMapping[str, Any], entry_ids: Iterable[int] | None = None) -> bool:
    """The reader has seen these entries (None: all of them): they are no longer marked new. True when
    one of them was."""
    kept = state.get(keys.FOLLOW_SEEN_KEY)
    if kept is None or not kept[2]:
        return False
    seen = kept[2] & (kept[2] if entry_ids is None else {int(i) for i in entry_ids})
    if seen:
        state[keys.FOLLOW_SEEN_KEY] = (kept[0], kept[1], kept[2] - seen)
    return bool(seen)


# --------------------------------------------------------------------------------------------------
# Widgets.
# --------------------------------------------------------------------------------------------------


def status_line(poller: BackgroundPoller) -> str:
    last = poller.last
    if last is None:
        return "checking…"
    when = f"last checked {last.checked_at:%H:%M:%S} UTC"
    if last.error is not None:
        return f"{when}: failed ({last.error})"
    if last.not_modified:
        return f"{when}: no change"
    return f"{when}: {last.added} new, {last.updated} updated"


def follow_form(store: EventStore, db_path: Path) -> bool:
    """The sidebar's "Follow a live page": a URL and a name, then the followed pages with Stop buttons.

    The page is polled once at once, so a refusal or a page that is no live blog is said here and
    nothing is followed; then its poller takes over. True when the store changed (the caller reruns;
    the blog followed is chosen through UPLOAD_SELECT_KEY, like an uploaded one).
    """
    registry = pollers()
    running = registry.pollers(db_path)
    with st.sidebar.expander("Follow a live page", expanded=bool(running)):
        with st.form("follow", clear_on_submit=True, border=False):
            url = st.text_input("Address of the live page", key=keys.FOLLOW_URL_KEY,
                                placeholder="https://…", max_chars=2000)
            name = st.text_input("Name", key=keys.FOLLOW_NAME_KEY, max_chars=MAX_SOURCE_CHARS,
                                 placeholder="the page's title")
            submitted = st.form_submit_button("Follow")
        if submitted and (url or "").strip():
            target = one_line(url)
            guard = Guard(allow_private=settings.allow_private_urls())
            try:
                guard.check_scheme(target)
            except UnsafeURLError as exc:
                st.error("That page cannot be followed.")
                st.code(str(exc), language=None, wrap_lines=True)  # verbatim: it quotes the user's input
            else:
                if registry.running(db_path, target):
                    st.info("That page is followed already.")
                    return False
                # Parsed and ingested in the server's ingest worker, like an upload; here and in its poller.
                follower = Follower(target, source=one_line(name) or None, fetcher=Fetcher(guard=guard),
                                    worker=ingest_worker())
                with st.spinner("Reading the page…"):
                    result = follower.poll(store)
                if not result.ok:
                    st.error("That page cannot be followed.")
                    st.code(result.error or "", language=None, wrap_lines=True)  # verbatim: other people's text
                    return False
                registry.start(db_path, follower, settings.follow_every(), polled=True)
                st.session_state[keys.UPLOAD_SELECT_KEY] = store.source_id(result.source)
                return True
        for number, poller in enumerate(running):
            st.code(poller.target, language=None, wrap_lines=True)  # verbatim: a URL is the user's text
            if st.button("Stop following", key=keys.follow_stop_key(number)):
                registry.stop(db_path, poller.target)
                st.rerun()
    return False


def new_entries_note(fresh: frozenset[int]) -> None:
    """Under the panel's list: how many entries are marked new, and a button that marks them seen."""
    if not fresh:
        return
    st.caption(f"{len(fresh):,} {'entry' if len(fresh) == 1 else 'entries'} arrived since you last looked, "
               "marked new on the map and here until you open them.")
    st.button("Mark all as seen", key="follow-mark-seen", on_click=mark_seen, args=(st.session_state,))


def live_updates(db_path: Path, stamp: tuple) -> None:
    """In the sidebar: each followed page's status, refreshed every few seconds, and a rerun of the
    whole app when the store changed (new entries to show). Nothing runs while no page is followed."""
    if not pollers().pollers(db_path):
        return

    @st.fragment(run_every=CHECK_EVERY_SECONDS)
    def check() -> None:  # in the sidebar: its lines come and go without moving the map
        for poller in pollers().pollers(db_path):
            failed = poller.last is not None and not poller.last.ok
            text = f"Following {poller.follower.name or poller.target}: {status_line(poller)}"
            # Escaped: the name, the address and the error are other people's text.
            st.html(f'<p class="lbm-follow-status" style="margin:0;font-size:0.85rem;'
                    f'color:{"#b00020" if failed else "#555"}">{H.text(text)}</p>')
        if loaders.store_stamp(db_path) != stamp:
            st.rerun(scope="app")

    with st.sidebar:
        check()
