"""The ingest worker: blogs parsed, geoparsed and stored in child processes, in line, within a memory
cap and a time budget; a job that runs out of either says so in one line and leaves the store as it was."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from app_support import UPLOAD_BLOG
from cli_support import dump, sample_store

from dashboard.follow import Follower
from dashboard.store import EventStore
from dashboard.worker import DONE, FAILED, QUEUED, IngestWorker, ingest_upload_task


@pytest.fixture
def store_file(tmp_path) -> Path:
    return sample_store(tmp_path / "events.db")


def upload(worker: IngestWorker, db: Path, text: str | bytes, filename: str = "convoys.txt"):
    return worker.submit(ingest_upload_task, str(db), text, filename, "", None, "", label=filename)


def test_the_worker_ingests_a_blog_and_the_store_has_it(store_file):
    worker = IngestWorker(processes=1)
    job = upload(worker, store_file, UPLOAD_BLOG.encode())
    assert job.wait(300)
    assert job.state == DONE, job.error
    assert "source 'convoys'" in job.result.report and "3 added" in job.result.report  # the lead and two entries
    with EventStore(store_file) as store:
        assert store.source_id("convoys") == job.result.source_id
        bodies = store.entries([job.result.source_id])["body"].tolist()
    assert any("Latakia" in body for body in bodies)


def test_a_rejected_blog_is_one_line_with_its_field_and_changes_nothing(store_file):
    before = dump(store_file)
    undated = UPLOAD_BLOG.replace("Saturday 14 December 2024\n", "")
    job = upload(IngestWorker(processes=1), store_file, undated)
    assert job.wait(300)
    assert job.state == FAILED and job.field == "date" and "\n" not in (job.error or "")
    assert dump(store_file) == before


def test_a_blog_over_the_memory_limit_is_rejected_and_the_store_is_unchanged(store_file):
    before = dump(store_file)
    # 40 MB is less than loading the place index takes: the child cannot finish.
    job = upload(IngestWorker(processes=1, memory_bytes=40 * 2**20), store_file, UPLOAD_BLOG)
    assert job.wait(300)
    assert job.state == FAILED
    assert job.error is not None and job.error.startswith("the file needs more memory than the server allows")
    assert "40 MB" in job.error and "\n" not in job.error
    assert dump(store_file) == before


def test_a_blog_over_the_time_budget_is_stopped_and_the_store_is_unchanged(store_file):
    before = dump(store_file)
    began = time.monotonic()
    job = upload(IngestWorker(processes=1, seconds=0.5), store_file, UPLOAD_BLOG)
    assert job.wait(60)
    assert time.monotonic() - began < 30
    assert job.state == FAILED and job.error is not None
    assert job.error.startswith("the blog took longer than the server allows for one blog (0.5 s")
    assert dump(store_file) == before


def test_jobs_wait_in_line_and_say_their_place(store_file):
    worker = IngestWorker(processes=1)
    jobs = [upload(worker, store_file, UPLOAD_BLOG, f"blog-{n}.txt") for n in range(3)]
    places = [worker.position(job) for job in jobs]
    # The first may have left the line already; the others wait behind it in the order given.
    assert places[2] == places[1] + 1 and places[1] >= 1 and jobs[2].state == QUEUED
    for job in jobs:
        assert job.wait(300) and job.state == DONE, job.error
    assert [worker.position(job) for job in jobs] == [0, 0, 0]
    with EventStore(store_file) as store:
        assert {f"blog-{n}" for n in range(3)} <= set(store.sources()["name"])


def test_a_followed_page_is_parsed_and_stored_by_the_worker(store_file, tmp_path):
    page = tmp_path / "ferry-live.txt"
    page.write_text(UPLOAD_BLOG, encoding="utf-8")
    worker = IngestWorker(processes=1)
    follower = Follower(str(page), worker=worker)
    with EventStore(store_file) as store:
        result = follower.poll(store)
        assert result.ok, result.error
        assert (result.added, result.source) == (3, "Aid convoys on the move")
        assert store.source_id("Aid convoys on the move") is not None
        again = follower.poll(store)
    assert again.not_modified


def test_a_followed_page_over_the_memory_limit_is_a_failed_poll(store_file, tmp_path):
    page = tmp_path / "ferry-live.txt"
    page.write_text(UPLOAD_BLOG, encoding="utf-8")
    before = dump(store_file)
    follower = Follower(str(page), worker=IngestWorker(processes=1, memory_bytes=40 * 2**20))
    with EventStore(store_file) as store:
        result = follower.poll(store)
    assert not result.ok and "needs more memory than the server allows" in (result.error or "")
    assert result.error.startswith(str(page))
    assert dump(store_file) == before
