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
# The box that narrows the "Place named" filter's choices when there are too many to list.
PLACE_SEARCH_KEY = "filter-place-search"
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
# The timeline's clock: places at the time they were reported, or when their events happened.
CLOCK_KEY = "timeline-clock"
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
# The session's upload waiting in the ingest worker (its job number), looked at on each rerun.
UPLOAD_JOB_KEY = "upload-job"
# The Blogs panel: the blog chosen there, its new name, the delete confirmation, the message to show.
BLOG_MANAGE_KEY = "blogs-manage"
BLOG_NEW_NAME_KEY = "blogs-new-name"
BLOG_CONFIRM_KEY = "blogs-confirm-delete"
BLOG_MESSAGE_KEY = "blogs-message"
# The browser tab's title last set (it names the blogs shown).
PAGE_TITLE_KEY = "page-title"
# The correction form: the analyst's name, kept for the session.
CORRECTION_AUTHOR_KEY = "correction-author"
# Following a live page: the form's fields, the window shown last (carried over when entries arrive)
# and the map's frame for the chosen blogs (kept, so the reader's zoom survives new places).
FOLLOW_URL_KEY = "follow-url"
FOLLOW_NAME_KEY = "follow-name"
FOLLOW_WINDOW_KEY = "follow-window"
FOLLOW_BOUNDS_KEY = "follow-bounds"
# The entries this session has had in view for the chosen blogs, and those that arrived since (marked "new"
# until the reader opens them or marks them seen).
FOLLOW_SEEN_KEY = "follow-seen"
# The analyst's name, kept for the session and copied into each form's own name field.
ANALYST_KEY = "analyst-name"
# What the last saved correction or decision did (shown once, after the rerun), and the entry to
# show again after it (the reader stays on the entry they corrected).
SAVED_MESSAGE_KEY = "saved-message"
FOLLOW_ENTRY_KEY = "follow-entry"
# The review queue: the group chosen, the action, the scope, the search, the pin, the name field.
REVIEW_GROUP_KEY = "review-group"
REVIEW_ACTION_KEY = "review-action"
REVIEW_SCOPE_KEY = "review-scope"
REVIEW_SEARCH_KEY = "review-search"
REVIEW_CHOICE_KEY = "review-choice"
REVIEW_AUTHOR_KEY = "review-author"
REVIEW_APPLY_KEY = "review-apply"
# The session has asked for the review queue ("Find the doubtful places"), and the button that asks.
REVIEW_WANTED_KEY = "review-wanted"
REVIEW_FIND_KEY = "review-find"
# What the store refused of a form's last save, for the run after its button's callback to show:
# (the form, what was not done, the store's words).
FORM_ERROR_KEY = "form-error"
# Set on a session's first run, once the link's view has been read.
LINK_KEY = "link-view"
# The map's view: the link's zoom, centre and base layer (kept for the session, so the base map does not
# change), the first view the map reported, and the reader's own once they moved it or chose a layer.
MAP_LINK_VIEW_KEY = "map-link-view"
MAP_FIRST_VIEW_KEY = "map-first-view"
MAP_MOVED_KEY = "map-moved"
MAP_LAYER_KEY = "map-layer"
# The link's parameters: blog (repeatable), from, to, q, in, country, min_score, place, entry; the
# map's zoom, center (LAT,LON) and layer (a base layer's name); by (the slider's mode), upto (cumulative),
# clock (happened: the timeline follows when events happened).
URL_PARAMS = ("blog", "from", "to", "q", "in", "country", "min_score", "place", "entry", "zoom", "center", "layer",
              "by", "upto", "clock")


def entry_picker_key(place_id: str) -> str:
    """The session key of the panel's entry picker for a place."""
    return f"entry-{place_id}"


def follow_stop_key(number: int) -> str:
    """The key of the Stop button of the number-th followed page."""
    return f"follow-stop-{number}"


def window_key(source_ids: tuple[int, ...] | list[int], stops: int, by_time: bool = False,
               happened: bool = False) -> str:
    """The time slider's key: a new set of blogs (or of stops, or another mode or clock) starts a new slider."""
    clock = "-happened" if happened else ""
    return f"window-{'-'.join(map(str, source_ids))}-{stops}{clock}{'-time' if by_time else ''}"


def window_by_time(key: str) -> bool:
    """Whether a time slider's key (`window_key`) is of a slider that moves by time."""
    return key.endswith("-time")


def window_happened(key: str) -> bool:
    """Whether a time slider's key (`window_key`) is of a slider on the "happened" clock."""
    return "-happened" in key


def undo_key(batch: str) -> str:
    """The undo button of one review decision."""
    return f"undo-{batch}"


def pin_keys(prefix: str) -> tuple[str, str]:
    """The pin map and the typed coordinates of a form (`prefix`: the form's own prefix)."""
    return f"{prefix}-pin-map", f"{prefix}-pin-text"
