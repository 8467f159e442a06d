"""The sidebar's "Blogs" panel: each stored blog, renamed or deleted (with a confirmation).

The same as `python -m dashboard blogs`; the work is `EventStore.rename_blog` and `delete_blog`. The
page's title names the blogs shown (`page_title`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from dashboard.ingest import MAX_SOURCE_CHARS
from dashboard.store import BlogInfo, EventStore, StoreError
from dashboard.ui.keys import BLOG_CONFIRM_KEY, BLOG_MANAGE_KEY, BLOG_MESSAGE_KEY, BLOG_NEW_NAME_KEY, PAGE_TITLE_KEY
from dashboard.view import markup

APP_NAME = "Live-blog map"


def shown_names(names: Sequence[str], most: int = 3) -> str:
    """The blogs shown, in words: "A", "A and B", "A, B and C", "A, B and 2 more"."""
    names = list(names)
    if len(names) > most:
        return f"{', '.join(names[:most - 1])} and {len(names) - most + 1} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}" if names else ""


def page_title(names: Sequence[str]) -> str:
    """The browser tab's title: the blogs shown, then the app's name."""
    shown = shown_names(names)
    return f"{shown} · {APP_NAME}" if shown else APP_NAME


def name_page(names: Sequence[str]) -> None:
    """The browser tab's title names the blogs shown; set only when it changes (each setting is a
    message to the page, which closes an open dropdown)."""
    title = page_title(names)
    if st.session_state.get(PAGE_TITLE_KEY) != title:
        st.session_state[PAGE_TITLE_KEY] = title
        st.set_page_config(page_title=title)


def shown_html(names: Sequence[str]) -> str:
    """The line under the page's heading that names the blogs shown (escaped: names are anyone's text)."""
    return (f'<p class="lbm-shown" style="font-size:1.25rem;margin:-0.5rem 0 0">'
            f"{markup.text(shown_names(names, most=8))}</p>")


def blog_line(blog: BlogInfo) -> str:
    span = (f"{blog.first:%d %b %Y} – {blog.last:%d %b %Y}" if blog.first and blog.last else "no timed entries")
    return f"{blog.entries:,} entries, {span}"


def blogs_panel(store: EventStore, blogs: Sequence[BlogInfo]) -> bool:
    """The panel; True when a blog was renamed or deleted (the caller reruns to show the store as it is)."""
    message = st.session_state.pop(BLOG_MESSAGE_KEY, None)
    with st.sidebar.expander("Blogs", expanded=message is not None):
        if message is not None:
            (st.success if message[0] == "ok" else st.error)(message[1])
        if not blogs:
            st.caption("No blog is stored yet.")
            return False
        by_name = {b.name: b for b in blogs}
        if st.session_state.get(BLOG_MANAGE_KEY) not in by_name:
            st.session_state[BLOG_MANAGE_KEY] = blogs[0].name
        name = st.selectbox("Blog", options=list(by_name), key=BLOG_MANAGE_KEY)
        chosen = by_name[name]
        st.caption(blog_line(chosen) + (f" · {chosen.url}" if chosen.url else ""))
        new = st.text_input("New name", key=BLOG_NEW_NAME_KEY, max_chars=MAX_SOURCE_CHARS, placeholder=name)
        if st.button("Rename", key="blogs-rename", disabled=not (new or "").strip()):
            return _done(lambda: store.rename_blog(name, new), f"Renamed “{name}” to “{' '.join(new.split())}”.",
                         clear=BLOG_NEW_NAME_KEY)
        sure = st.checkbox(f"Yes, delete “{name}” with its {chosen.entries:,} entries and their corrections",
                           key=BLOG_CONFIRM_KEY)
        if st.button("Delete", key="blogs-delete", type="primary", disabled=not sure,
                     help="Tick the box above first: deleting cannot be undone."):
            return _done(lambda: store.delete_blog(name), f"Deleted “{name}”.", clear=BLOG_CONFIRM_KEY)
    return False


def _done(action: Callable[[], object], success: str, clear: str) -> bool:
    try:
        action()
    except StoreError as exc:
        st.error(f"Nothing was changed: {exc}")
        return False
    st.session_state[BLOG_MESSAGE_KEY] = ("ok", success)
    st.session_state.pop(clear, None)
    return True
