"""The ingest worker: blogs added in the app are parsed, geoparsed and stored in child processes.

A session's script thread never parses an upload or a followed page: it hands the work to the
server's one `IngestWorker` and looks at the job on later reruns (queued, with its place in line;
running, with its progress; done, with the report or a one-line error). Other sessions keep scrubbing,
since the work holds neither the server's interpreter nor its memory, and they see the new entries
when the child's write commits (the store's stamp changes).

Each job runs in a child process of its own (`python -m dashboard.worker`, a fresh interpreter), at
most `settings.ingest_processes()` at a time; the others wait in line, first come first served. Not
multiprocessing's own start methods: a fork would copy the Streamlit server's threads in whatever
state they were, and "spawn" and "forkserver" import the parent's main module in each child, which
in Streamlit is the app's script (it would run the whole page). The job goes to the child pickled on
its stdin; progress and the outcome come back through a pipe of their own, so that nothing a library
prints can garble them. A child's address space is capped with RLIMIT_AS at what it has once its
libraries are loaded plus `settings.ingest_memory_bytes()`, and the whole job has a time budget
(`settings.ingest_seconds()`): a child that runs out of either is stopped, and since a blog is stored
in one transaction, the store is as it was.

A task is a module-level function (children import it by name) taking its arguments and a
`progress(fraction, message)` callback, returning a small picklable value. An `IngestError` it raises
is the job's error (its `field` kept); any other exception becomes one line.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import pickle
import resource
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from dashboard import settings
from dashboard.ingest import IngestError, one_line

Task = Callable[..., Any]
Progress = Callable[[float, str], None]

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
# How often a child may send progress: each message crosses a pipe and wakes the job's thread.
_PROGRESS_EVERY_SECONDS = 0.25


def memory_message(limit_bytes: int) -> str:
    return (f"the file needs more memory than the server allows for one blog ({limit_bytes // 2**20:,} MB, "
            "DASHBOARD_INGEST_MEMORY_MB); split it into smaller files")


def time_message(seconds: float) -> str:
    return (f"the blog took longer than the server allows for one blog ({seconds:g} s, "
            "DASHBOARD_INGEST_SECONDS); split it into smaller files")


@dataclass
class Job:
    """One piece of work and what became of it; read by sessions, written by the worker's threads."""

    id: int
    task: Task
    args: tuple
    label: str = ""
    state: str = QUEUED
    fraction: float = 0.0
    message: str = "Waiting for a free worker…"
    result: Any = None
    error: str | None = None
    field: str | None = None
    finished_at: float | None = None
    _done: threading.Event = dataclasses.field(default_factory=threading.Event, repr=False)

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has finished (True) or `timeout` seconds passed (False)."""
        return self._done.wait(timeout)


class IngestWorker:
    """The server's ingest jobs: a line of waiting jobs and at most `processes` children at a time."""

    def __init__(self, processes: int | None = None, memory_bytes: int | None = None,
                 seconds: float | None = None, keep_seconds: float = 3600.0):
        self.processes = processes or settings.ingest_processes()
        self.memory_bytes = memory_bytes or settings.ingest_memory_bytes()
        self.seconds = seconds or settings.ingest_seconds()
        self.keep_seconds = keep_seconds  # finished jobs are forgotten after this long
        self._lock = threading.Condition()
        self._line: deque[Job] = deque()
        self._jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self._closed = False
        self._threads = [threading.Thread(target=self._serve, name=f"ingest worker {n + 1}", daemon=True)
                         for n in range(self.processes)]
        for thread in self._threads:
            thread.start()

    def submit(self, task: Task, *args: object, label: str = "") -> Job:
        """Put a job in line; it runs as soon as a worker is free."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the ingest worker is shut down")
            self._forget_old()
            job = Job(next(self._ids), task, args, label=label)
            self._jobs[job.id] = job
            self._line.append(job)
            self._lock.notify()
            return job

    def job(self, job_id: int) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def position(self, job: Job) -> int:
        """1 for the next job to run, 2 for the one after...; 0 once it runs or has finished."""
        with self._lock:
            for place, waiting in enumerate(self._line, 1):
                if waiting is job:
                    return place
        return 0

    def run(self, task: Task, *args: object, label: str = "") -> Job:
        """Submit a job and wait for it (for background threads: the followers' pollers)."""
        job = self.submit(task, *args, label=label)
        job.wait()
        return job

    def shutdown(self) -> None:
        """Take no more jobs; those waiting fail, those running finish."""
        with self._lock:
            self._closed = True
            while self._line:
                self._finish(self._line.popleft(), error="the server is stopping")
            self._lock.notify_all()

    # -- the worker's threads: one per child running at a time ------------------------------------

    def _forget_old(self) -> None:
        now = time.monotonic()
        for job_id in [i for i, j in self._jobs.items()
                       if j.finished_at is not None and now - j.finished_at > self.keep_seconds]:
            del self._jobs[job_id]

    def _serve(self) -> None:
        while True:
            with self._lock:
                while not self._line and not self._closed:
                    self._lock.wait()
                if self._closed and not self._line:
                    return
                job = self._line.popleft()
                job.state, job.message = RUNNING, "Starting…"
            try:
                self._run_child(job)
            except Exception as exc:  # the worker itself failed (no fork server...): the job says so
                self._finish(job, error=f"the ingest worker failed: {type(exc).__name__}: {one_line(exc)}")

    def _run_child(self, job: Job) -> None:
        reading, writing = os.pipe()
        try:
            child = subprocess.Popen(
                [sys.executable, "-m", "dashboard.worker", str(writing)], stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL, pass_fds=(writing,), env=_child_environment(), close_fds=True)
        finally:
            os.close(writing)  # the child holds the only writing end: its exit ends the pipe
        receiving = Connection(reading, writable=False)
        deadline = time.monotonic() + self.seconds
        outcome: tuple | None = None
        try:
            assert child.stdin is not None
            try:
                child.stdin.write(pickle.dumps((self.memory_bytes, job.task, job.args)))
                child.stdin.close()
            except BrokenPipeError:
                pass  # the child is gone already: said below
            while outcome is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    child.kill()
                    outcome = ("error", time_message(self.seconds), None)
                    break
                if not receiving.poll(min(remaining, 1.0)):
                    continue
                try:
                    message = receiving.recv()
                except (EOFError, OSError):  # the child died without a word: the memory limit, or a crash
                    break
                if message[0] == "progress":
                    job.fraction, job.message = message[1], message[2]
                else:
                    outcome = message
        finally:
            receiving.close()
            try:
                child.wait(5.0)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if outcome is None:
            outcome = ("error", f"{memory_message(self.memory_bytes)} (the worker stopped with exit code "
                                f"{child.returncode})", None)
        if outcome[0] == "ok":
            self._finish(job, result=outcome[1])
        else:
            self._finish(job, error=outcome[1], error_field=outcome[2])

    def _finish(self, job: Job, *, result: Any = None, error: str | None = None,
                error_field: str | None = None) -> None:
        job.result, job.error, job.field = result, error, error_field
        job.state = FAILED if error is not None else DONE
        job.fraction, job.message = (1.0, "Done.") if error is None else (job.fraction, "Not added.")
        job.finished_at = time.monotonic()
        job._done.set()


# --------------------------------------------------------------------------------------------------
# In the child.
# --------------------------------------------------------------------------------------------------


def _child_environment() -> dict[str, str]:
    """The child's environment: the server's, with numerical libraries held to one thread (a child
    parses one blog; thread pools would only reserve address space and compete for the cores)."""
    return {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _child_main(sending: Connection, memory_bytes: int, task: Task, args: tuple) -> None:
    """Run one task under the memory cap and send ("ok", result) or ("error", message, field).

    The cap is on what the task adds to the child's address space once its libraries are loaded
    (those reserve address space they never touch, which varies from one machine to another).
    """
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    last = [0.0]

    def progress(fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - last[0] >= _PROGRESS_EVERY_SECONDS or fraction >= 1.0:
            last[0] = now
            sending.send(("progress", float(fraction), str(message)))

    try:
        outcome: tuple = ("ok", task(*args, progress=progress))
    except MemoryError:
        outcome = ("error", memory_message(memory_bytes), None)
    except IngestError as exc:
        outcome = ("error", one_line(exc), exc.field)
    except Exception as exc:
        outcome = ("error", f"unexpected {type(exc).__name__}: {one_line(exc)}", None)
    try:
        sending.send(outcome)
    except MemoryError:  # too little memory left even to say what happened: the parent says it
        pass
    finally:
        sending.close()


def _address_space() -> int:
    """This process's address space in bytes (VmSize), 0 where /proc does not say."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


# --------------------------------------------------------------------------------------------------
# Tasks.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Added:
    """What an upload job gives back: the blog's id (to show it) and the report, in one paragraph."""

    source_id: int
    report: str


def ingest_upload_task(db_path: str, data: bytes | str, filename: str, source: str, date: Any, tz: str, *,
                       progress: Progress) -> Added:
    """An uploaded file or pasted text, parsed, geoparsed and stored (in the child)."""
    from dashboard.ingest import ingest_upload, report_text
    from dashboard.store import EventStore, StoreError

    try:
        with EventStore(db_path) as store:
            report = ingest_upload(store, data, filename=filename, source=source, date=date, tz=tz, progress=progress)
    except StoreError as exc:
        raise IngestError(one_line(exc)) from exc
    return Added(report.source_id, report_text(report))


def _child_entry() -> None:
    """`python -m dashboard.worker FD`: one job from stdin, its progress and outcome to pipe FD."""
    sending = Connection(int(sys.argv[1]), readable=False)
    # What the tasks need, loaded before the memory cap is measured and set (see `_child_main`).
    import dashboard.store  # noqa: F401
    import gazetteer  # noqa: F401

    memory_bytes, task, args = pickle.loads(sys.stdin.buffer.read())
    _child_main(sending, memory_bytes, task, args)


if __name__ == "__main__":
    _child_entry()
