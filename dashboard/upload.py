"""Bring your own blog: a file uploaded or text pasted in the app, ingested like `dashboard ingest`.

`ingest_upload` parses (dashboard.liveblog), geoparses and stores (dashboard.ingest) with a progress
callback. Every rejection (empty, binary, over the 20 MB cap, not UTF-8, no date, an unknown zone,
no source name...) is an IngestError with a one-line message, raised before the store's one write
transaction, so a rejected blog leaves the store exactly as it was.

`upload_form` is the group of Streamlit widgets (in the sidebar); Streamlit is imported inside it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date as Date
from pathlib import PurePath
from typing import TYPE_CHECKING

from dashboard.ingest import Geoparser, IngestError, IngestReport, default_geoparser, ingest_blog
from dashboard.liveblog import LiveBlogError, parse_liveblog
from dashboard.settings import MAX_INPUT_BYTES

if TYPE_CHECKING:
    from dashboard.model import ParsedBlog
    from dashboard.store import EventStore

Progress = Callable[[float, str], None]
# Session keys: the blog to show after the rerun that follows an upload, and the message to show.
SELECT_KEY = "upload-select"
MESSAGE_KEY = "upload-message"
MAX_SOURCE_CHARS = 200
ACCEPTED = "text, HTML, CSV or JSON"


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _no_progress(fraction: float, message: str) -> None:
    pass


def source_name(given: str, filename: str) -> str:
    """The source name: the one given, else the file's stem ("pasted text" has none: an error)."""
    name = _one_line(given)[:MAX_SOURCE_CHARS] or _one_line(PurePath(filename).stem if filename else "")
    if not name:
        raise IngestError("give the blog a source name")
    return name


def parse_upload(data: bytes | str, *, filename: str = "", date: Date | None = None, tz: str = "") -> ParsedBlog:
    """Parse an uploaded file (bytes) or pasted text; a rejection becomes an IngestError."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_INPUT_BYTES:
        size, cap = len(data) / 2**20, MAX_INPUT_BYTES / 2**20
        raise IngestError(f"{filename or 'the text'}: {size:.1f} MB is over the {cap:.0f} MB limit")
    try:
        return parse_liveblog(data, filename=filename or "pasted text", date=date, tz=_one_line(tz) or None)
    except LiveBlogError as exc:
        raise IngestError(_one_line(exc)) from exc
    except UnicodeError as exc:  # text that cannot be encoded (lone surrogates) is not a blog either
        raise IngestError(f"{filename or 'the text'}: not valid text ({_one_line(exc)})") from exc


def ingest_upload(store: EventStore, data: bytes | str, *, filename: str = "", source: str = "",
                  date: Date | None = None, tz: str = "", url: str | None = None,
                  geoparser: Geoparser | None = None, progress: Progress = _no_progress) -> IngestReport:
    """Parse, geoparse and store one uploaded blog; `progress(fraction, message)` follows the work."""
    name = source_name(source, filename)
    progress(0.02, "Reading the blog…")
    parsed = parse_upload(data, filename=filename, date=date, tz=tz)
    total = max(1, len(parsed.entries))
    progress(0.1, f"Finding places in {total} entries…")
    parse = geoparser or default_geoparser()
    done = 0

    def counted(text: str, context: str | None):
        nonlocal done
        found = parse(text, context)
        done += 1
        progress(0.1 + 0.85 * min(1.0, done / total), f"Finding places: {done} of {total} entries")
        return found

    report = ingest_blog(parsed, store, source=name, url=url, geoparser=counted)
    progress(1.0, "Stored.")
    return report


def report_text(report: IngestReport) -> str:
    """What an upload did, in one plain paragraph."""
    return " ".join(report.lines())


# --------------------------------------------------------------------------------------------------
# Widgets.
# --------------------------------------------------------------------------------------------------


def upload_form(store: EventStore, geoparser: Geoparser | None = None) -> bool:
    """The "Add a live blog" form; True when a blog was stored (the caller reruns to show it).

    Messages that quote the blog or the user's input are shown verbatim (st.code), never as markup.
    """
    import streamlit as st

    message = st.session_state.pop(MESSAGE_KEY, None)
    with st.sidebar.expander("Add a live blog", expanded=message is not None):
        if message is not None:
            kind, text = message
            (st.success if kind == "ok" else st.error)("Added to the map." if kind == "ok" else "Not added.")
            st.code(text, language=None, wrap_lines=True)
        with st.form("upload", clear_on_submit=False, border=False):
            file = st.file_uploader(f"A file ({ACCEPTED}, up to {MAX_INPUT_BYTES // 2**20} MB)", key="upload-file")
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
            st.error("Choose a file or paste a blog's text first.")
            return False
        bar = st.progress(0.0, text="Starting…")
        try:
            if file is not None:
                if file.size > MAX_INPUT_BYTES:
                    raise IngestError(f"{_one_line(file.name)}: {file.size / 2**20:.1f} MB is over the "
                                      f"{MAX_INPUT_BYTES // 2**20} MB limit")
                data, filename = file.getvalue(), _one_line(file.name)
            else:
                data, filename = pasted, ""
            report = ingest_upload(store, data, filename=filename, source=source, date=date, tz=tz or "",
                                   geoparser=geoparser, progress=lambda f, m: bar.progress(min(1.0, f), text=m))
        except IngestError as exc:
            bar.empty()
            st.error("The blog was not added; the store is unchanged.")
            st.code(str(exc), language=None, wrap_lines=True)  # verbatim: it may quote the blog
            return False
        st.session_state[MESSAGE_KEY] = ("ok", report_text(report))
        st.session_state[SELECT_KEY] = report.source_id
        return True
