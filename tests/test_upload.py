"""Bring your own blog: an upload is parsed, geoparsed with progress and stored; every rejection is a
clear one-line message and leaves the store exactly as it was (compared with `store.dump()`)."""

from __future__ import annotations

import time
from pathlib import Path

import browser_support as B
import pytest
from app_support import UPLOAD_BLOG, run_app
from cli_support import sample_store
from streamlit.testing.v1 import AppTest
from word_geoparser import WordGeoparser

import dashboard.ingest
from dashboard.ingest import IngestError, ingest_upload, source_name
from dashboard.settings import MAX_INPUT_BYTES
from dashboard.store import EventStore
from dashboard.ui import keys
from dashboard.ui import upload as upload_ui
from dashboard.worker import IngestWorker, ingest_upload_task

SCRIPT = "<script>window.__pwned = 1</script>"
BLOG = UPLOAD_BLOG
HOSTILE_BLOG = f"""{SCRIPT} Hostile title

Saturday 14 December 2024

10:05 GMT
{SCRIPT} Convoy reaches Homs <img src=x onerror="window.__pwned=2">
Lorries reached Homs. ${{window.__pwned = 3}} [link](javascript:alert(1))
"""


@pytest.fixture
def store(tmp_path):
    with EventStore(tmp_path / "events.db") as opened:
        B.write_blog(opened, "small-blog", B.small_blog())
        yield opened


def test_an_upload_is_stored_with_progress(store):
    steps: list[tuple[float, str]] = []
    report = ingest_upload(store, BLOG.encode(), filename="my blog.txt", geoparser=WordGeoparser(),
                           progress=lambda f, m: steps.append((f, m)))
    assert report.source == "my blog" and report.added == 3  # the lead and two entries
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(steps) >= 4
    entries = store.entries([report.source_id])
    assert "Convoy reaches Homs" in entries["headline"].tolist()
    assert {"Homs", "Latakia"} <= set(store.mentions([report.source_id])["place_name"])
    # Pasted text needs a name of its own; the same blog again changes nothing.
    with pytest.raises(IngestError, match="source name"):
        source_name("  ", "")
    again = ingest_upload(store, BLOG, source="my blog", geoparser=WordGeoparser())
    assert again.added == 0 and not again.changed


@pytest.mark.parametrize(("data", "options", "words"), [
    (b"", {}, "empty"),
    (b"   \n\t ", {}, "white space"),
    (bytes(range(256)) * 64, {}, "binary"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, {}, "binary"),
    ("10:05 GMT\nCaf\u00e9 in Homs, caf".encode() + b"\xe9 in Tartus", {}, "UTF-8"),  # two encodings mixed
    (b"x" * (MAX_INPUT_BYTES + 1), {}, "limit"),
    (b"a" * (50 * 2**20), {}, "50.0 MB is over the 20 MB limit"),
    (BLOG.encode(), {"tz": SCRIPT}, "zone"),
    (HOSTILE_BLOG.encode(), {"tz": SCRIPT, "source": SCRIPT}, "zone"),
    (BLOG.encode(), {"source": " \n "}, "source name"),
])
def test_rejections_are_clear_and_change_nothing(store, data, options, words):
    before = store.dump()
    kwargs = {"filename": "upload.txt", **options} if "source" not in options else {"filename": "", **options}
    with pytest.raises(IngestError) as caught:
        ingest_upload(store, data, geoparser=WordGeoparser(), **kwargs)
    message = str(caught.value)
    assert words.lower() in message.lower() and "\n" not in message and len(message) < 400
    assert store.dump() == before


def test_the_encoding_is_detected_as_on_the_command_line(store):
    for encoding, title in (("cp1252", "Aid convoys – café stop"), ("latin-1", "Aid convoys, café stop"),
                            ("utf-16", "Aid convoys – café stop")):
        report = ingest_upload(store, BLOG.replace("Aid convoys", title).encode(encoding),
                               filename=f"convoys-{encoding}.txt", geoparser=WordGeoparser())
        assert report.added == 3
        assert [b.title for b in store.blogs() if b.name == f"convoys-{encoding}"] == [f"{title} on the move"]


def test_messages_in_the_apps_words_name_the_field(store):
    from dashboard.ui.upload import FIELD_HINTS

    undated = "10:05 GMT\nConvoy reaches Homs\nLorries arrived.\n"
    with pytest.raises(IngestError) as caught:
        ingest_upload(store, undated, source="undated", geoparser=WordGeoparser())
    assert caught.value.field == "date" and "--" not in str(caught.value)
    assert "“Date of the first entry”" in FIELD_HINTS["date"]
    with pytest.raises(IngestError) as caught:
        ingest_upload(store, BLOG, source="zoned", tz="Nowhere/Atlantis", geoparser=WordGeoparser())
    assert caught.value.field == "zone" and "--" not in str(caught.value)
    assert all("--" not in hint for hint in FIELD_HINTS.values())


def test_a_failing_geoparser_changes_nothing(store):
    before = store.dump()

    def broken(text, context):
        raise RuntimeError("index missing")

    with pytest.raises(IngestError, match="index missing"):
        ingest_upload(store, BLOG.encode(), filename="b.txt", geoparser=broken)
    assert store.dump() == before


# -- through the app --------------------------------------------------------------------------------

def open_app(db: Path, monkeypatch) -> AppTest:
    return run_app(db, monkeypatch, timeout=600)


def submit(at: AppTest) -> AppTest:
    """Press "Add to the map", then wait for the worker's job as the page does."""
    next(b for b in at.button if b.label == "Add to the map").click().run()
    assert not at.exception, at.exception
    return wait_for_upload(at)


def wait_for_upload(at: AppTest, timeout: float = 300) -> AppTest:
    """Rerun, as the page's fragment does every second, until the session's upload job has ended."""
    deadline = time.monotonic() + timeout
    while keys.UPLOAD_JOB_KEY in at.session_state:
        assert time.monotonic() < deadline, "the upload did not finish"
        time.sleep(0.2)
        at.run()
        assert not at.exception, at.exception
    return at


def test_app_upload_is_shown(store, monkeypatch):
    at = open_app(store.path, monkeypatch)
    at.file_uploader(key="upload-file").upload("aid-convoys.txt", BLOG.encode(), "text/plain")
    submit(at)
    assert any(s.value == "Added to the map." for s in at.success)
    assert at.multiselect[0].value == [int(store.sources()["source_id"].iloc[0])]
    assert store.sources()["name"].iloc[0] == "aid-convoys"
    caption = next(c.value for c in at.caption if " between " in c.value)
    assert caption.startswith("2 entries")  # the two timed entries name places; the lead names none
    assert any(o.startswith("Latakia") for o in at.selectbox(key="place").options)


def test_app_hostile_uploads_change_nothing(store, monkeypatch):
    at = open_app(store.path, monkeypatch)
    before = store.dump()
    cases = [("hostile.txt", HOSTILE_BLOG.encode(), SCRIPT), ("big.txt", b"a" * (50 * 2**20), ""),
             ("photo.txt", bytes(range(256)) * 64, "")]
    for filename, data, zone in cases:
        at.file_uploader(key="upload-file").upload(filename, data, "text/plain")
        at.text_input(key="upload-tz").input(zone)
        at.text_input(key="upload-source").input(SCRIPT if zone else "")
        submit(at)
        assert [e.value for e in at.error] == ["The blog was not added; the store is unchanged."], filename
        message = at.code[-1].value
        assert filename in message or "zone" in message
        assert store.dump() == before
    # A hostile blog that is otherwise fine is stored as text and shown escaped.
    at.text_input(key="upload-tz").input("Europe/London")
    at.file_uploader(key="upload-file").upload("hostile.txt", HOSTILE_BLOG.encode(), "text/plain")
    submit(at)
    assert not at.error
    page = "\n".join(h.value for h in at.html)
    assert "<script" not in page and "<img" not in page and "&lt;script&gt;" in page


def test_app_upload_is_parsed_and_stored_in_the_worker_not_the_page(store, monkeypatch):
    def in_the_page(*args, **kwargs):
        raise AssertionError("the page's own process ingested the upload")

    at = open_app(store.path, monkeypatch)
    # The worker's child is a fresh interpreter: these stand-ins do not reach it, only this process.
    monkeypatch.setattr(dashboard.ingest, "ingest_upload", in_the_page)
    monkeypatch.setattr(dashboard.ingest, "ingest_blog", in_the_page)
    at.file_uploader(key="upload-file").upload("aid-convoys.txt", BLOG.encode(), "text/plain")
    next(b for b in at.button if b.label == "Add to the map").click().run()
    assert keys.UPLOAD_JOB_KEY in at.session_state  # handed over: the page shows the job, not a result
    assert not at.success and not at.error
    at.run()
    # While the job is under way the form takes no other blog (the job may just have ended).
    assert next(b for b in at.button if b.label == "Add to the map").disabled or any(
        s.value == "Added to the map." for s in at.success)
    wait_for_upload(at)
    assert any(s.value == "Added to the map." for s in at.success)
    assert "aid-convoys" in set(store.sources()["name"])


def test_a_queued_upload_says_its_place_in_line(tmp_path):
    db = sample_store(tmp_path / "events.db")
    worker = IngestWorker(processes=1)
    jobs = [worker.submit(ingest_upload_task, str(db), BLOG, f"blog-{n}.txt", "", None, "") for n in range(3)]
    place = worker.position(jobs[2])
    assert upload_ui.job_status(worker, jobs[2]) == f"Queued: {upload_ui.ordinal(place)} in line."
    assert [upload_ui.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]
    for job in jobs:
        job.wait(300)
