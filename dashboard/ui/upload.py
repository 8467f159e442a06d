"""Bring your own blog: the sidebar's form for a file uploaded or text pasted in the app.

The ingest runs in the server's ingest worker (`dashboard.worker`), in a child process, never in the
session's script thread: the form hands the blog over and a fragment looks at the job every second,
saying its place in line ("queued: 2nd in line") or its progress; when the job ends it reruns the
whole app, which then shows the blog (or the one-line error). Other sessions go on meanwhile.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import settings
from dashboard.ingest import MAX_SOURCE_CHARS, IngestError, one_line
from dashboard.ui.keys import UPLOAD_JOB_KEY, UPLOAD_MESSAGE_KEY, UPLOAD_SELECT_KEY
from dashboard.worker import FAILED, QUEUED, IngestWorker, Job, ingest_upload_task

ACCEPTED = "text, HTML, CSV or JSON"
# What to change in the form to fix a rejected blog, by the field its error names (`IngestError.field`).
FIELD_HINTS = {
    "date": "Fill in “Date of the first entry” and add it again.",
    "zone": "Check “Time zone of times without one”: a name such as Europe/London, or leave it empty.",
    "encoding": "Save the file as UTF-8 (most editors offer it under “Save as”) and add it again.",
    "source": "Fill in “Source name”.",
}
# How often the uploading session looks at its job.
CHECK_EVERY_SECONDS = 1.0


@st.cache_resource(show_spinner=False)
def ingest_worker() -> IngestWorker:
    """The server's ingest worker, shared by every session (uploads and followed pages)."""
    return IngestWorker()


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def job_status(worker: IngestWorker, job: Job) -> str:
    """The job in a few words: its place in line, or its progress."""
    if job.state == QUEUED:
        place = worker.position(job)
        return f"Queued: {ordinal(place)} in line." if place else "Starting…"
    return job.message


def show_message(message: tuple) -> None:
    """The outcome of the session's last upload: ("ok", report) or ("error", message, field)."""
    kind, text, *rest = message
    if kind == "ok":
        st.success("Added to the map.")
        st.code(text, language=None, wrap_lines=True)
        return
    st.error("The blog was not added; the store is unchanged.")
    st.code(text, language=None, wrap_lines=True)  # verbatim: it may quote the blog
    if rest and rest[0] in FIELD_HINTS:
        st.info(FIELD_HINTS[rest[0]])


def upload_form(db_path: Path) -> bool:
    """The "Add a live blog" form; it hands the blog to the ingest worker and follows the job.

    Returns False: when the job ends, its fragment reruns the app itself (the blog is then chosen
    through UPLOAD_SELECT_KEY). Messages that quote the blog or the user's input are shown verbatim
    (st.code), never as markup.
    """
    message = st.session_state.pop(UPLOAD_MESSAGE_KEY, None)
    waiting = st.session_state.get(UPLOAD_JOB_KEY)
    with st.sidebar.expander("Add a live blog", expanded=message is not None or waiting is not None):
        if message is not None:
            show_message(message)
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
            submitted = st.form_submit_button("Add to the map", disabled=waiting is not None)
        if submitted and waiting is None:
            _submit(db_path, file, pasted, date, tz, source)
        if st.session_state.get(UPLOAD_JOB_KEY) is not None:
            _follow_job()
    return False


def _submit(db_path: Path, file: object, pasted: str | None, date: object, tz: str | None, source: str | None) -> None:
    cap_mb = settings.MAX_INPUT_BYTES // 2**20
    if file is None and not (pasted or "").strip():
        # A file over the limit never reaches the server: the browser refuses it, saying so under the box.
        st.error(f"Choose a file or paste a blog's text first. A file over {cap_mb} MB is refused as soon as "
                 "it is chosen: the box above then shows it in red, and nothing is sent.")
        return
    try:
        if file is not None:
            size, name = file.size, one_line(file.name)  # type: ignore[attr-defined]
            if size > settings.MAX_INPUT_BYTES:
                raise IngestError(f"{name}: {size / 2**20:.1f} MB is over the {cap_mb} MB limit")
            data, filename = file.getvalue(), name  # type: ignore[attr-defined]
        else:
            data, filename = pasted or "", ""
    except IngestError as exc:
        show_message(("error", str(exc), exc.field))
        return
    job = ingest_worker().submit(ingest_upload_task, str(db_path), data, filename, source or "", date, tz or "",
                                 label=filename or "pasted text")
    st.session_state[UPLOAD_JOB_KEY] = job.id


def _follow_job() -> None:
    @st.fragment(run_every=CHECK_EVERY_SECONDS)
    def check() -> None:
        worker = ingest_worker()
        job = worker.job(st.session_state.get(UPLOAD_JOB_KEY, -1))
        if job is None:  # forgotten (the server restarted): nothing to wait for
            st.session_state.pop(UPLOAD_JOB_KEY, None)
            return
        if not job.finished:
            st.progress(min(1.0, job.fraction), text=job_status(worker, job))
            return
        st.session_state.pop(UPLOAD_JOB_KEY, None)
        if job.state == FAILED:
            st.session_state[UPLOAD_MESSAGE_KEY] = ("error", job.error or "", job.field)
        else:
            st.session_state[UPLOAD_MESSAGE_KEY] = ("ok", job.result.report)
            st.session_state[UPLOAD_SELECT_KEY] = job.result.source_id
        st.rerun(scope="app")

    check()
