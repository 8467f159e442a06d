"""Help for tests of store migrations: take a store back to before a schema version."""

from __future__ import annotations

import sqlite3


def undo_word_index(conn: sqlite3.Connection) -> None:
    """Remove schema version 3's word index and the triggers that feed it (they hang on `entries`)."""
    for trigger in ("entry_words_insert", "entry_words_delete", "entry_words_update"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DROP TABLE entry_words")


def undo_decisions(conn: sqlite3.Connection) -> None:
    """Remove the review decisions' table (a later schema version than the word index)."""
    conn.execute("DROP TABLE decisions")
