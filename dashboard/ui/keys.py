"""Every session-state key and URL parameter of the app, in one place.

Widgets keep their state in `st.session_state` under these keys; the view logic that reads or seeds
that state (playback, the link, the entries table) takes any mutable mapping and these names, so it
is tested with a plain dict.
"""

from __future__ import annotations

# The blog picker.
BLOGS_KEY = "blog-picker"
# The sidebar's filters (a link restores them: dashboard.ui.viewstate).
KEYWORD_KEY, PLACE_KEY, COUNTRY_KEY, SCORE_KEY = "filter-q", "filter-place", "filter-country", "filter-score"
# The map: the widget's key, and the last click acted on (st_folium returns it on every rerun).
MAP_KEY = "map"
HANDLED_CLICK_KEY = "handled_click"
# The panel's place picker, and its entry picker for one place (`entry_picker_key`).
PLACE_PICKER_KEY = "place"
# The entries table: the selection acted on last, the entry ringed on the map, the page shown.
HANDLED_KEY = "table-handled"
RING_KEY = "table-entry"
PAGE_KEY = "table-page"
# The timeline: the slider moves by entry or by time; cumulative shows everything up to the window's end.
SLIDER_MODE_KEY = "slider-mode"
CUMULATIVE_KEY = "timeline-cumulative"
# Playback's controls.
PLAYING = "playback-playing"
STEP_KEY = "playback-step"
SPEED_KEY = "playback-speed"
LOOP_KEY = "playback-loop"
SPAN_KEY = "playback-span"
# Set by the full script run just before it calls the timer fragment: that call must not step.
FULL_RUN = "playback-full-run"
# Upload: the blog to show after the rerun that follows an upload, and the message to show.
UPLOAD_SELECT_KEY = "upload-select"
UPLOAD_MESSAGE_KEY = "upload-message"
# The Blogs panel: the blog chosen there, its new name, the delete confirmation, the message to show.
BLOG_MANAGE_KEY = "blogs-manage"
BLOG_NEW_NAME_KEY = "blogs-new-name"
BLOG_CONFIRM_KEY = "blogs-confirm-delete"
BLOG_MESSAGE_KEY = "blogs-message"
# The browser tab's title last set (it names the blogs shown).
PAGE_TITLE_KEY = "page-title"
# The correction form: the analyst's name, kept for the session.
CORRECTION_AUTHOR_KEY = "correction-author"
# Set on a session's first run, once the link's view has been read.
LINK_KEY = "link-view"
# The link's parameters: blog (repeatable), from, to, q, in, country, min_score, place, entry, by
# (the slider's mode), upto (cumulative).
URL_PARAMS = ("blog", "from", "to", "q", "in", "country", "min_score", "place", "entry", "by", "upto")


def entry_picker_key(place_id: str) -> str:
    """The session key of the panel's entry picker for a place."""
    return f"entry-{place_id}"


def window_key(source_ids: tuple[int, ...] | list[int], stops: int, by_time: bool = False) -> str:
    """The time slider's key: a new set of blogs (or of stops, or another mode) starts a new slider."""
    return f"window-{'-'.join(map(str, source_ids))}-{stops}{'-time' if by_time else ''}"
