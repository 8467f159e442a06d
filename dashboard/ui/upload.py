"""Bring your own blog: the sidebar's form for a file uploaded or text pasted in the app.

The ingest itself is `dashboard.ingest.ingest_upload`, like `python -m dashboard ingest`.
"""

from __future__ import annotations

import streamlit as st

from dashboard import settings
from dashboard.ingest import MAX_SOURCE_CHARS, Geoparser, IngestError, ingest_upload, one_line, report_text
from dashboard.store import EventStore
from dashboard.ui.keys import UPLOAD_MESSAGE_KEY, UPLOAD_SELECT_KEY

ACCEPTED = "text, HTML, CSV or JSON"
# What to change in the form to fix a rejected blog, by the field its error names (`IngestError.field`).
FIELD_HINTS = {
    "date": "Fill in “Date of the first entry” and add it again.",
    "zone": "Check “Time zone of times without one”: a name such as Europe/London, or leave it empty.",
    "encoding": "Save the file as UTF-8 (most editors offer it under “Save as”) and add it again.",
    "source": "Fill in “Source name”.",
}


def upload_form(store: EventStore, geoparser: Geoparser | None = None) -> bool:
    """The "Add a live blog" form; True when a blog was stored (the caller reruns to show it).

    Messages that quote the blog or the user's input are shown verbatim (st.code), never as markup.
    """
    message = st.session_state.pop(UPLOAD_MESSAGE_KEY, None)
    with st.sidebar.expander("Add a live blog", expanded=message is not None):
        if message is not None:
            kind, text = message
            (st.success if kind == "ok" else st.error)("Added to the map." if kind == "ok" else "Not added.")
            st.code(text, language=None, wrap_lines=True)
        with st.form("upload", clear_on_submit=False, border=False):
            cap_mb = settings.MAX_INPUT_BYTES // 2**20
            file = st.file_uploader(f"A file ({ACCEPTED}, up to {cap_mb} MB)", key="upload-file")
            pasted = st.text_area("…or paste the blog's text", key="upload-text", height=120)
            date = st.date_input("Date of the first entry (if the text gives none)", value=None, key="upload-date",
                                 format="YYYY-MM-DD")
            tz = st.text_input("Time zone of times without one", key="upload-tz", placeholder="Europe/London",
                               max_chars=64)
            source = st.text_input("Source name", key="upload-source", max_chars=MAX_SOURCE_CHARS,
                                   placeholder="the file's name")
            submitted = st.form_submit_button("Add to the map")
        if not submitted:
            return False
        if file is None and not (pasted or "").strip():
            # A file over the limit never reaches the server: the browser refuses it, saying so under the box.
            st.error(f"Choose a file or paste a blog's text first. A file over {cap_mb} MB is refused as soon as "
                     "it is chosen: the box above then shows it in red, and nothing is sent.")
            return False
        bar = st.progress(0.0, text="Starting…")
        try:
            if file is not None:
                if file.size > settings.MAX_INPUT_BYTES:
                    raise IngestError(f"{one_line(file.name)}: {file.size / 2**20:.1f} MB is over the "
                                      f"{settings.MAX_INPUT_BYTES // 2**20} MB limit")
                data, filename = file.getvalue(), one_line(file.name)
            else:
                data, filename = pasted, ""
            report = ingest_upload(store, data, filename=filename, source=source, date=date, tz=tz or "",
                                   geoparser=geoparser, progress=lambda f, m: bar.progress(min(1.0, f), text=m))
        except IngestError as exc:
            bar.empty()
            st.error("The blog was not added; the store is unchanged.")
            st.code(str(exc), language=None, wrap_lines=True)  # verbatim: it may quote the blog
            if exc.field in FIELD_HINTS:
                st.info(FIELD_HINTS[exc.field])
            return False
        st.session_state[UPLOAD_MESSAGE_KEY] = ("ok", report_text(report))
        st.session_state[UPLOAD_SELECT_KEY] = report.source_id
        return True
