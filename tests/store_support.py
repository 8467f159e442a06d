"""Help for tests of store migrations: take a store back to before a schema version."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path


def undo_word_index(conn: sqlite3.Connection) -> None:
    """Remove schema version 3's word index and the triggers that feed it (they hang on `entries`)."""
    for trigger in ("entry_words_insert", "entry_words_delete", "entry_words_update"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DROP TABLE entry_words")


def undo_decisions(conn: sqlite3.Connection) -> None:
    """Remove the review decisions' table (a later schema version than the word index)."""
    conn.execute("DROP TABLE decisions")


def undo_blog_dates(conn: sqlite3.Connection) -> None:
    """Remove the date and zone each blog was ingested with (the version after the decisions)."""
    for column in ("date_used", "zone_used"):
        conn.execute(f"ALTER TABLE sources DROP COLUMN {column}")


def undo_page_validators(conn: sqlite3.Connection) -> None:
    """Remove the ETag and Last-Modified kept with each followed blog (the version after the blog dates)."""
    for column in ("page_etag", "page_last_modified"):
        conn.execute(f"ALTER TABLE sources DROP COLUMN {column}")



def undo_event_times(conn: sqlite3.Connection) -> None:
    """Remove when each mention's event happened (the version after the page validators)."""
    for column in ("event_start", "event_end", "event_precision", "event_words", "event_expected"):
        conn.execute(f"ALTER TABLE mentions DROP COLUMN {column}")


def undo_paths(conn: sqlite3.Connection) -> None:
    """Remove the movements' table (the version after the event times)."""
    conn.execute("DROP TABLE paths")


# What each schema version added, undone: version -> its undo.
UNDO = {3: undo_word_index, 4: undo_decisions, 5: undo_blog_dates, 6: undo_page_validators, 7: undo_event_times,
        8: undo_paths}


def back_to_version(conn: sqlite3.Connection, version: int) -> None:
    """Take a current store back to schema `version`, newest change first, and say so in user_version."""
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    for step in range(current, version, -1):
        UNDO[step](conn)
    conn.execute(f"PRAGMA user_version = {int(version)}")


_HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO sources (name, ingested_at, updated_at) VALUES ('half-written', 'x', 'x')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def hold_write_lock(db: Path, seconds: float) -> subprocess.Popen:
    """Another process that takes the store's write lock (BEGIN IMMEDIATE, an uncommitted row) and holds it
    for `seconds`; returned once it holds it. The caller kills it or waits for it."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(db), str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder
