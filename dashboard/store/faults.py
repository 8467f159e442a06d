"""What went wrong with a store file, named in one line a user can act on.

SQLite reports a locked store, a full disk, a failing disk, a read-only file, a file that is not a
database and a damaged one with different result codes; each becomes its own `StoreError` here,
and each says whether the store was changed (it never is: every write is one transaction).
A store file is also looked at before SQLite opens it: its header says how long it should be, so a
file cut short is caught before a query happens to reach its missing pages.
"""

from __future__ import annotations

import resource
import sqlite3
import struct
import threading
from pathlib import Path

from dashboard.store.schema import StoreBusy, StoreDamaged, StoreError, StoreReadOnly

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100
RESTORE = "restore a copy or export what is readable"


def damaged(path: Path, detail: str) -> StoreDamaged:
    return StoreDamaged(f"the store {path} is damaged: {detail}; {RESTORE}")


def busy(path: Path) -> StoreBusy:
    return StoreBusy(f"another process is writing to the store {path}; try again")


def _file_size_limited() -> bool:
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return soft != resource.RLIM_INFINITY


def store_fault(exc: sqlite3.Error | OSError, path: Path) -> StoreError:
    """The StoreError that names what `exc` (raised while using the store at `path`) means."""
    if isinstance(exc, OSError):
        return StoreError(f"cannot open the store {path}: {exc.strerror or exc}")
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    name = getattr(exc, "sqlite_errorname", "") or type(exc).__name__
    unchanged = "it was not changed"
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return busy(path)
    if primary == sqlite3.SQLITE_FULL:
        return StoreError(f"the disk is full: the store {path} could not be written ({unchanged}); "
                          "free some space and try again")
    if primary == sqlite3.SQLITE_IOERR:
        if _file_size_limited() and name in ("SQLITE_IOERR_WRITE", "SQLITE_IOERR_TRUNCATE"):
            # Past RLIMIT_FSIZE a write fails with EFBIG, which SQLite reports as an I/O error.
            return StoreError(f"the store {path} would grow past this process's file size limit "
                              f"(ulimit -f) ({unchanged}); raise the limit or write elsewhere")
        return StoreError(f"an I/O error on the store {path} ({name}): the disk or the file system failed "
                          f"({unchanged}); check them and try again")
    if primary == sqlite3.SQLITE_READONLY:
        return StoreReadOnly(f"the store {path} is read-only: its file (or folder) cannot be written by this "
                          "user; reading it still works")
    if primary == sqlite3.SQLITE_NOTADB:
        return StoreError(f"{path} is not an event store: it is not an SQLite database")
    if primary == sqlite3.SQLITE_CORRUPT:
        return damaged(path, str(exc))
    if primary in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH):
        return StoreError(f"cannot open the store {path}: {exc}")
    return StoreError(f"the store {path} failed: {exc} ({name})")


def check_header(path: Path) -> None:
    """Raise the StoreError that fits when the file at `path` is not an intact SQLite file.

    An empty file is fine (a new store). The header's page count is trusted only when SQLite marked
    it current (its "version-valid-for" number equals the change counter) and no write is under way.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(HEADER_BYTES)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise store_fault(exc, path) from exc
    if size == 0:
        return
    if not header.startswith(SQLITE_MAGIC):
        raise StoreError(f"{path} is not an event store: it has no SQLite header (another kind of file, or a "
                         f"store damaged at its start: {RESTORE})")
    if len(header) < HEADER_BYTES:
        raise damaged(path, f"the file is only {size} bytes, shorter than a header")
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    change_counter, page_count = struct.unpack(">II", header[24:32])
    (valid_for,) = struct.unpack(">I", header[92:96])
    if page_size < 512 or page_size & (page_size - 1):
        raise damaged(path, f"its header gives an impossible page size ({page_size})")
    if valid_for == change_counter and page_count and size < page_count * page_size and not _writing(path):
        raise damaged(path, f"the file is {size:,} bytes, shorter than the {page_count * page_size:,} its "
                            "header gives (cut short)")


def _writing(path: Path) -> bool:
    """A write-ahead log or rollback journal with content: the file may be mid-checkpoint or
    mid-transaction, when its header can run ahead of its length."""
    for suffix in ("-wal", "-journal"):
        try:
            if path.with_name(path.name + suffix).stat().st_size > 0:
                return True
        except OSError:
            continue
    return False


# This process's open stores, per file: see `open_checked`.
_OPEN_HERE: dict[str, int] = {}
_OPEN_HERE_LOCK = threading.Lock()


def _opened_here(key: str, change: int) -> int:
    """Count this process's open stores per file; returns how many were open before the change."""
    with _OPEN_HERE_LOCK:
        before = _OPEN_HERE.get(key, 0)
        if before + change > 0:
            _OPEN_HERE[key] = before + change
        else:
            _OPEN_HERE.pop(key, None)
        return before


def open_checked(path: Path) -> str:
    """Count one more open store on `path` and return its key for `closed`; the file's header is read
    (`check_header`) only while this process has no connection to it. Closing any handle on a file drops
    every POSIX lock the process holds there, SQLite's too, and another process writing (an ingest worker,
    the command line) could then checkpoint and delete the write-ahead log under the open connections,
    which damages the store."""
    key = str(path.resolve())
    if not _opened_here(key, +1):
        try:
            check_header(path)
        except BaseException:
            _opened_here(key, -1)
            raise
    return key


def closed(key: str) -> None:
    """A store opened with `open_checked` is closed."""
    _opened_here(key, -1)
