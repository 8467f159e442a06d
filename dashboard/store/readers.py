"""Read-only connections to a store, a few kept open and lent to one thread at a time.

A store opened to write holds one connection, and a write holds it (and its Python lock) while SQLite
waits for another process's write lock. Reads that went through that connection waited too: one upload
stalled every reader. Reads go through these connections instead, each opened with SQLite's `mode=ro`:
in WAL mode a reader sees the last committed state and never waits for a writer, and a read-only
connection can never write, migrate or take a lock by mistake.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def read_only_uri(path: Path) -> str:
    """The URI SQLite opens `path` with, read-only (the file's name escaped, whatever it holds)."""
    return f"{path.resolve().as_uri()}?mode=ro"


def connect_read_only(path: Path, timeout: float) -> sqlite3.Connection:
    """One read-only connection; usable from any thread, one thread at a time."""
    conn = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None, check_same_thread=False,
                           timeout=timeout)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class ReaderPool:
    """Up to `size` read-only connections to the store at `path`, opened when first needed.

    `borrow()` lends one to the calling thread; a thread that finds all `size` lent waits for one to come
    back (a read takes milliseconds to a second, never a writer's time). More readers than cores would
    not read faster: Python runs one thread at a time, and SQLite reads are quick.
    """

    def __init__(self, path: Path, size: int, timeout: float):
        if size < 1:
            raise ValueError(f"a pool needs at least one connection, not {size}")
        self.path = path
        self.size = size
        self._timeout = timeout
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[sqlite3.Connection] = []
        self._opened: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        self._closed = False

    @contextmanager
    def borrow(self) -> Iterator[sqlite3.Connection]:
        with self._slots:
            with self._guard:
                if self._closed:
                    raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                conn = connect_read_only(self.path, self._timeout)
                with self._guard:
                    self._opened.append(conn)
            try:
                yield conn
            finally:
                if conn.in_transaction:  # a cursor left half-read keeps its snapshot open: end it
                    conn.execute("ROLLBACK")
                with self._guard:
                    self._idle.append(conn)

    @property
    def opened(self) -> int:
        """How many connections have been opened so far (at most `size`)."""
        return len(self._opened)

    def close(self) -> None:
        """Close every connection; a connection lent at the moment is closed too (its read then fails)."""
        with self._guard:
            self._closed = True
            opened, self._opened, self._idle = self._opened, [], []
        for conn in opened:
            conn.close()


# --------------------------------------------------------------------------------------------------
# What changes when a write commits, and only then.
# --------------------------------------------------------------------------------------------------

# Stores whose commits are watched at once in one process (the app serves one; tests open many).
COMMIT_WATCHERS = 8
_watchers: dict[tuple[str, int, int], tuple[int, sqlite3.Connection]] = {}
_watcher_serials = itertools.count()
_watchers_guard = threading.Lock()


def commit_stamp(path: Path, timeout: float) -> tuple[int, int] | None:
    """A value that changes when a write to the store at `path` commits, from any process, and only then
    (None when there is no file): SQLite's `data_version` as one read-only connection kept for the file
    sees it, with that connection's serial (a connection opened again counts afresh).

    The file's time and size, and its write-ahead log's, changed dozens of times while one blog was
    written (the log grows page by page before the commit) and again at each checkpoint, with nothing
    new to read: every change made every open session reload the store."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key = (str(path.resolve()), stat.st_dev, stat.st_ino)  # a file put in another's place is watched afresh
    with _watchers_guard:
        watcher = _watchers.pop(key, None)
        if watcher is None:
            watcher = next(_watcher_serials), connect_read_only(path, timeout)
            while len(_watchers) >= COMMIT_WATCHERS:  # the longest unasked goes
                _watchers.pop(next(iter(_watchers)))[1].close()
        _watchers[key] = watcher  # the most recently asked last
        serial, conn = watcher
        return serial, int(conn.execute("PRAGMA data_version").fetchone()[0])
