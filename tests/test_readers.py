"""Readers never wait on writers: reads go through read-only connections of their own, so neither a
writer in another process nor a write of this process waiting for that writer holds them up.

The proof is not a stopwatch: the lock wait is set to zero, so any read that asked for the write lock
(or queued behind a write that waits for it) would fail at once with "another process is writing"."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from app_support import run_app
from cli_support import run
from store_support import hold_write_lock

from dashboard import settings
from dashboard.store import EventStore, StoreBusy
from dashboard.store.readers import COMMIT_WATCHERS, ReaderPool, commit_stamp


@pytest.fixture
def writer_elsewhere(small_blog_db):
    """Another process holding the store's write lock (BEGIN IMMEDIATE, an uncommitted row) meanwhile."""
    holder = hold_write_lock(small_blog_db, 120)
    try:
        yield holder
    finally:
        holder.kill()
        holder.wait()


def test_a_second_process_holding_the_write_lock_holds_up_no_page_and_no_command(
        small_blog_db, writer_elsewhere, monkeypatch):
    monkeypatch.setattr(settings, "STORE_BUSY_SECONDS", 0.0)
    # The page: a first visit, then a reader scrubbing the window and choosing a place.
    at = run_app(small_blog_db, monkeypatch)
    assert any(caption.value.startswith("4 entries") for caption in at.caption)
    at.select_slider[0].set_range(1, 2).run()
    assert not at.exception and not at.error, (at.exception, at.error)
    assert any(caption.value.startswith("2 entries") for caption in at.caption)
    # The commands that only read.
    code, out, err = run(["info", "--db", str(small_blog_db)])
    assert code == 0 and "small-blog: 4 entries" in out and "half-written" not in out, err
    code, out, err = run(["export", "-f", "geojson", "--db", str(small_blog_db)])
    assert code == 0 and json.loads(out)["features"], err
    # A writer is told, at once, that the store is busy.
    with EventStore(small_blog_db) as store, pytest.raises(StoreBusy, match="another process is writing"):
        store.rename_blog("small-blog", "renamed")
    assert writer_elsewhere.poll() is None  # the lock was held throughout


def test_a_write_waiting_for_the_lock_holds_up_no_read_of_the_same_store(small_blog_db, writer_elsewhere,
                                                                         monkeypatch):
    monkeypatch.setattr(settings, "STORE_BUSY_SECONDS", 30.0)
    with EventStore(small_blog_db) as store:
        outcome: list[BaseException] = []

        def rename() -> None:
            try:
                store.rename_blog("small-blog", "renamed")
            except BaseException as exc:  # the StoreBusy it meets once the holder is gone or the wait is over
                outcome.append(exc)

        waiting = threading.Thread(target=rename, daemon=True)
        waiting.start()
        time.sleep(0.3)  # the rename is inside SQLite's wait for the lock, holding the store's write lock
        assert waiting.is_alive()
        assert list(store.sources()["name"]) == ["small-blog"]
        assert len(store.entries()) == 4 and len(store.mentions()) > 0
        assert store.search("Homs") and [blog.name for blog in store.blogs()] == ["small-blog"]
        assert waiting.is_alive()  # every read above answered while the write still waited
        writer_elsewhere.kill()
        writer_elsewhere.wait()
        waiting.join(timeout=40)
        assert not waiting.is_alive() and not outcome  # the rename went through once the lock was free
        assert [blog.name for blog in store.blogs()] == ["renamed"]


def test_opening_a_store_to_read_writes_nothing_and_asks_for_no_lock(small_blog_db, writer_elsewhere, monkeypatch):
    monkeypatch.setattr(settings, "STORE_BUSY_SECONDS", 0.0)
    with EventStore(small_blog_db, read_only=True) as reader, EventStore.for_reading(small_blog_db) as other:
        assert len(reader.entries()) == len(other.entries()) == 4


def test_the_pool_lends_each_connection_to_one_thread_and_opens_no_more_than_its_size(small_blog_db):
    pool = ReaderPool(Path(small_blog_db), size=2, timeout=0.0)
    seen: set[int] = set()
    inside = threading.Barrier(2)

    def read() -> None:
        with pool.borrow() as conn:
            seen.add(id(conn))
            inside.wait(timeout=10)  # both threads hold a connection at once: they must differ
            assert conn.execute("SELECT count(*) FROM entries").fetchone() == (4,)

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert len(seen) == 2
    for _ in range(5):
        with pool.borrow() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    assert pool.opened == 2
    with pool.borrow() as conn, pytest.raises(Exception, match="readonly"):
        conn.execute("CREATE TABLE sneaked (x)")
    pool.close()
    with pytest.raises(Exception, match="closed"), pool.borrow():
        pass


def test_the_commit_stamp_changes_when_a_write_commits_and_not_while_the_files_merely_change(small_blog_db, tmp_path):
    """The app's caches are keyed by it: a write's log growing page by page, or a checkpoint, must not make
    every session reload the store; a commit from another connection must."""
    stamp = commit_stamp(small_blog_db, 5.0)
    files = ("", "-wal")

    def file_times() -> list:
        found = [Path(f"{small_blog_db}{suffix}") for suffix in files]
        return [(p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None for p in found]

    writer = sqlite3.connect(small_blog_db, isolation_level=None)
    try:
        before = file_times()
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("CREATE TABLE scratch (x TEXT)")
        writer.executemany("INSERT INTO scratch VALUES (?)", [("x" * 500,)] * 5000)  # spills into the log
        assert file_times() != before
        assert commit_stamp(small_blog_db, 5.0) == stamp  # nothing committed: nothing new to read
        writer.execute("COMMIT")
        committed = commit_stamp(small_blog_db, 5.0)
        assert committed != stamp
        before = file_times()
        writer.execute("PRAGMA wal_checkpoint(PASSIVE)")  # as SQLite's automatic checkpoint after a commit
        assert file_times() != before
        assert commit_stamp(small_blog_db, 5.0) == committed
    finally:
        writer.close()
    # Past COMMIT_WATCHERS stores, the longest unasked is let go; asked again, it never gives an old stamp.
    for number in range(COMMIT_WATCHERS):
        other = tmp_path / f"other-{number}.db"
        shutil.copy(small_blog_db, other)
        assert commit_stamp(other, 5.0) is not None
    assert commit_stamp(small_blog_db, 5.0) not in (stamp, committed)
    assert commit_stamp(tmp_path / "missing.db", 5.0) is None
