"""Batch ingest: many live blogs at once, geoparsed on every core or on a Dask cluster.

    inputs (files, folders, patterns, JSON Lines)  -> tasks, in input order   (batch.inputs)
    tasks -> workers: parse, geoparse what the store lacks                    (batch.work, batch.executors)
    results -> this process: one transaction per blog, in input order         (here)

Only this process writes the store, each blog in its own transaction through the ordinary ingest
(`dashboard.ingest.ingest_blog`), so a batch stopped anywhere (Ctrl-C, a kill, a crash) leaves every
blog either stored whole or not at all. Running the same batch again goes on where it stopped: each
task carries the content hashes the store holds for its source, and a worker geoparses only the
entries whose hash is not there, so a blog already stored is parsed and hashed but never geoparsed
again, and its write changes nothing.
"""

from __future__ import annotations

import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import TextIO

from dashboard import ingest
from dashboard.batch.executors import (
    BatchError,
    InlineExecutor,
    Workers,
    available_cores,
    dask_workers,
    process_pool,
)
from dashboard.batch.inputs import BlogTask, Defaults, InputError, blog_files, blog_tasks, count_blogs
from dashboard.batch.progress import Progress, rate
from dashboard.batch.work import Prepared, prepare_blogs
from dashboard.ingest import Geoparser, IngestError, IngestReport, ingest_blog, one_line
from dashboard.store import EventStore, StoreError

__all__ = ["BatchError", "BatchResult", "Defaults", "InputError", "run_batch"]


class Stopped(BaseException):
    """A stop signal (SIGTERM) arrived: raised in the writer, like KeyboardInterrupt for Ctrl-C."""


@dataclass
class BatchResult:
    """What a batch did: blogs in all, written (changed or not), failed with their one-line reasons."""

    total: int = 0
    written: int = 0
    changed: int = 0
    entries: int = 0
    geoparsed: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    stopped: bool = False
    # How the caller tells the user to change a field a rejection names (`IngestError.field`).
    hints: Mapping[str, str] = field(default_factory=dict)

    def fail(self, message: str, error_field: str | None = None) -> None:
        """Record a blog's one-line failure, with the caller's hint for the field it names."""
        hint = self.hints.get(error_field or "")
        self.errors.append(f"{message} ({hint})" if hint else message)

    def summary(self) -> str:
        return (f"{self.total:,} blogs: {self.written:,} stored ({self.changed:,} changed), {len(self.errors):,} "
                f"failed; {self.entries:,} entries in {self.seconds:.1f} s ({rate(self.entries, self.seconds)} "
                f"entries/s), {self.geoparsed:,} geoparsed")


class LazyGeoparser:
    """The default geoparser, loaded at its first call: a batch of rejected blogs never loads the index.
    Looked up at call time, so a test's stand-in for `ingest.default_geoparser` is the one used."""

    def __init__(self) -> None:
        self._parse: Geoparser | None = None

    def __call__(self, text: str, context: str | None):
        if self._parse is None:
            self._parse = ingest.default_geoparser()
        return self._parse(text, context)


def _found_or_geoparse(prepared: Prepared, fallback: Geoparser) -> Geoparser:
    """What the writer's ingest geoparses with: the worker's mentions; the fallback only for an entry
    the worker skipped because the store held it then, and another blog of the same source changed
    it since."""
    def geoparse(text: str, context: str | None):
        found = prepared.found.get(text)
        return found if found is not None else fallback(text, context)
    return geoparse


def choose_workers(jobs: int | None, dask: str | None, total: int):
    """The context manager of the batch's workers: Dask when asked, else a pool of `jobs` processes
    (default: every core), else this process when one would do (one job, or one blog)."""
    if dask:
        return dask_workers(dask)
    jobs = min(jobs or available_cores(), max(total, 1))
    if jobs <= 1:
        return nullcontext(Workers(InlineExecutor(), 1, "this process"))
    return _pool(jobs)


@contextmanager
def _pool(jobs: int) -> Iterator[Workers]:
    workers = process_pool(jobs)
    try:
        yield workers
    except BaseException:
        # Stopped or failed: tasks not started are dropped; the running ones end in a moment.
        workers.executor.shutdown(wait=False, cancel_futures=True)
        raise
    workers.executor.shutdown(wait=True)


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM raises Stopped in the writer, so the blog being written is rolled back and the workers
    are shut down, as for Ctrl-C. Only the main thread may set a signal handler."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Stopped

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_batch(inputs: Sequence[str | Path], defaults: Defaults, *, open_store: Callable[[], EventStore],
              store_exists: bool, db_name: str, jobs: int | None = None, dask: str | None = None,
              out: TextIO, err: TextIO, hints: Mapping[str, str] | None = None) -> BatchResult:
    """Ingest every blog the inputs name; each blog's report goes to `out`, progress to `err`.

    `open_store` opens the store to write; it is called once the first blog is ready (a lone rejected
    blog leaves no empty store behind), or at once when `store_exists` (its hashes are needed to skip
    stored entries). Raises InputError or BatchError before anything is written, StoreError when the
    store cannot be opened; a blog's own failure is in `errors`, and the batch goes on.
    """
    files = blog_files(inputs)
    result = BatchResult(total=count_blogs(files), hints=dict(hints or {}))
    progress = Progress(err, result.total)
    fallback = LazyGeoparser()
    store: EventStore | None = open_store() if store_exists else None
    try:
        with stop_on_sigterm(), choose_workers(jobs, dask, result.total) as workers:
            store = _write_all(blog_tasks(files, defaults), workers, store, open_store, fallback, result,
                               progress, db_name, out)
    except (KeyboardInterrupt, Stopped):
        result.stopped = True
    finally:
        progress.close()
        result.seconds = progress.seconds
        if store is not None:
            store.close()
    return result


def _write_all(tasks: Iterator[BlogTask], workers: Workers, store: EventStore | None,
               open_store: Callable[[], EventStore], fallback: Geoparser, result: BatchResult,
               progress: Progress, db_name: str, out: TextIO) -> EventStore | None:
    """Submit tasks, keeping `workers.in_flight` of them running, and write the results in input order."""
    inline = isinstance(workers.executor, InlineExecutor)
    pending: deque[tuple[list[BlogTask], Future]] = deque()

    def submit_more() -> None:
        while len(pending) < workers.in_flight:
            chunk = []
            for task in islice(tasks, workers.blogs_per_task):
                if not task.rejected and store is not None:
                    # Read now, not when the batch started: an earlier blog may have stored this source.
                    task = replace(task, stored=store.stored_hashes(task.source))
                chunk.append(workers.ship(task))
            if not chunk:
                return
            if inline:
                pending.append((chunk, workers.executor.submit(prepare_blogs, chunk, fallback)))
            else:
                pending.append((chunk, workers.executor.submit(prepare_blogs, chunk)))

    submit_more()
    while pending:
        chunk, future = pending.popleft()
        try:
            prepared_blogs = future.result()
        except Exception as exc:  # the worker died (out of memory, killed) or the cluster lost it
            prepared_blogs = [Prepared(task.index, task.label,
                                       error=f"{task.label}: the worker processing it stopped: "
                                             f"{type(exc).__name__}: {one_line(exc)}") for task in chunk]
        for task, prepared in zip(chunk, prepared_blogs, strict=True):
            if not prepared.error and store is None:
                store = open_store()  # a StoreError here stops the batch: every blog would fail alike
            report = _write(prepared, task, store, fallback, result)
            if report is None:
                progress.blog_done(task.label, 0, "failed", failed=True)
            else:
                print(f"{task.label} -> {db_name}", file=out)
                for line in report.lines():
                    print("  " + line, file=out)
                progress.blog_done(task.label, prepared.entries,
                                   f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged")
        submit_more()
    return store


def _write(prepared: Prepared, task: BlogTask, store: EventStore | None, fallback: Geoparser,
           result: BatchResult) -> IngestReport | None:
    """One blog's transaction; a failure is recorded and leaves the store as it was."""
    if prepared.error or store is None or prepared.parsed is None:
        result.fail(prepared.error or f"{task.label}: nothing was parsed", prepared.error_field)
        return None
    try:
        # The date and zone go to the store too: given others than last time, they re-date the blog.
        report = ingest_blog(prepared.parsed, store, source=task.source, url=task.url,
                             geoparser=_found_or_geoparse(prepared, fallback), reparse=task.reparse,
                             date=task.date, tz=task.tz)
    except IngestError as exc:
        result.fail(f"{task.label}: {one_line(exc)}", exc.field)
        return None
    except StoreError as exc:
        result.errors.append(f"{task.label}: {one_line(exc)}")
        return None
    except Exception as exc:  # a bug, not a rejection: still one line, and the next blog goes on
        result.errors.append(f"{task.label}: unexpected {type(exc).__name__}: {one_line(exc)}")
        return None
    result.written += 1
    result.changed += report.changed
    result.entries += prepared.entries
    result.geoparsed += prepared.geoparsed
    return report
