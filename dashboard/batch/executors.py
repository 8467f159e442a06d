"""Where a batch's blogs are parsed and geoparsed: in this process, in a pool of processes on this
machine, or on a Dask cluster. Each is a `concurrent.futures.Executor` the writer submits
`prepare_blog` tasks to, with how many tasks it keeps in flight.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from dashboard.batch.inputs import BlogTask
from dashboard.batch.work import start_pool_worker
from dashboard.processes import main_script_hidden, spawn_context

# Tasks kept in flight per worker: enough that a worker never waits for the writer, few enough that
# results waiting to be written in input order stay small.
TASKS_PER_WORKER = 2
# Blogs per Dask task. A Dask task costs milliseconds of scheduling and messages, on a loaded client
# whose writer holds the GIL much longer: one blog a task (about 50 ms of geoparsing) left the workers
# idle half the time (2,000 blogs: twice the pool's time); eight a task make it negligible.
BLOGS_PER_DASK_TASK = 8
# Blogs per task of a pool on this machine: each task's result comes back pickled through a pipe, and a
# geoparser grown faster left the writer and the pool's machinery a larger share of a batch.
BLOGS_PER_POOL_TASK = 8
LOCAL_PREFIX = "local:"
# Dask's own bookkeeping, turned down for the LocalCluster a batch starts (a real cluster keeps its
# operator's settings): the statistical profiler sampling every worker's stack every 10 ms, the event
# loops' 20 ms watchdog, the memory and system monitors. Idle, they took 1.7 s of CPU in 20 s on two
# workers, 0.26 s without; under load the profiler's stack walks cost more.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
}


class BatchError(Exception):
    """The batch cannot run at all (Dask missing or unreachable, a bad --dask address): one line."""


@dataclass(frozen=True, slots=True)
class Workers:
    """An executor, how many tasks to keep in flight on it, how many blogs a task, and how a blog must
    travel to it."""

    executor: Executor
    in_flight: int
    describe: str
    blogs_per_task: int = 1
    # A cluster's workers may be on other machines: tasks carry the blog's bytes, not its path.
    ship: Callable[[BlogTask], BlogTask] = lambda task: task


class InlineExecutor(Executor):
    """Runs each task at once in this process: `--jobs 1`, or a batch of one blog (no pool to start)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
            if not isinstance(exc, Exception):  # Ctrl-C, a stop signal: not a task's failure
                raise
        return future


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def build_place_index_first() -> None:
    """Build the place index here when it is missing or stale, before workers on this machine start:
    they would otherwise each build the same file at once. Loading it is left to the workers."""
    from gazetteer.build import ensure_index, index_is_current

    if not index_is_current():
        ensure_index()


def process_pool(jobs: int) -> Workers:
    """`jobs` worker processes, each loading the geoparser once (the initializer) before its first task.

    Started with "spawn": a forked child would inherit the writer's open store connection and threads
    (and `spawn_context` keeps the child from re-running the app script when started from the app).
    """
    build_place_index_first()
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=spawn_context(),
                               initializer=start_pool_worker)
    return Workers(pool, TASKS_PER_WORKER * jobs, f"{jobs} processes", blogs_per_task=BLOGS_PER_POOL_TASK)


def with_bytes(task: BlogTask) -> BlogTask:
    """The task with the blog's bytes instead of its path, read here with the parser's own checks."""
    from dashboard import settings
    from dashboard.liveblog.reading import blog_error, too_big

    if task.path is None or task.rejected:
        return task
    try:
        size = os.stat(task.path).st_size
        if size > settings.MAX_INPUT_BYTES:
            return replace(task, rejected=str(too_big(task.filename, size)))
        with open(task.path, "rb") as handle:
            data = handle.read(settings.MAX_INPUT_BYTES + 1)
    except OSError as err:
        return replace(task, rejected=str(blog_error(task.filename, f"cannot read it ({err.strerror or err})")))
    return replace(task, path=None, data=data)


@contextmanager
def dask_workers(address: str) -> Iterator[Workers]:
    """A Dask client on `address` (tcp://SCHEDULER:8786), or on a LocalCluster of N worker processes
    for "local:N" (one thread each, no dashboard, on the loopback address only)."""
    try:
        import dask
        import distributed  # noqa: F401
    except ImportError:
        raise BatchError("Dask is not installed: pip install 'liveblog-map[cluster]'") from None
    local = address.startswith(LOCAL_PREFIX)
    with dask.config.set(LOCAL_CLUSTER_CONFIG if local else {}), _dask_client(address) as workers:
        yield workers


@contextmanager
def _dask_client(address: str) -> Iterator[Workers]:
    from distributed import Client, LocalCluster

    cluster = None
    if address.startswith(LOCAL_PREFIX):
        count = address.removeprefix(LOCAL_PREFIX)
        if not count.isdigit() or int(count) < 1:
            raise BatchError(f"--dask {address}: give local:N with N a number of workers, as in local:2")
        build_place_index_first()
        with main_script_hidden():  # its worker processes are spawned while it starts
            cluster = LocalCluster(n_workers=int(count), threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None, silence_logs=logging.ERROR)
    try:
        try:
            client = Client(cluster if cluster is not None else address, timeout="20s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise BatchError(f"cannot reach the Dask scheduler at {address}: {' '.join(str(exc).split())}") from exc
        try:
            from dashboard.batch.cluster_plugin import GeoparserPlugin

            client.register_plugin(GeoparserPlugin(), name="liveblog-map-geoparser")
            threads = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()) or 1
            yield Workers(client.get_executor(pure=False), 2 * threads, f"Dask at {address}, {threads} worker threads",
                          blogs_per_task=BLOGS_PER_DASK_TASK, ship=with_bytes)
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()
