"""What a store holds, without what depends on the order or the moment of writing: row ids and ingest
times. Two stores filled with the same blogs, in any order, on any number of workers, dump the same.

Used by tests/test_batch.py and bench/bench_batch.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# Entries and mentions are named by their source's name and their key (minute, order within it).
LOGICAL_QUERIES = {
    "sources": "SELECT name, url, title FROM sources ORDER BY name",
    "entries": """
        SELECT s.name, e.time_utc_minute, e.minute_order, e.time_utc, e.time_given, e.is_lead, e.is_timed,
               e.headline, e.body, e.captions_json, e.url, e.raw_text, e.content_hash
        FROM entries e JOIN sources s USING (source_id)
        ORDER BY s.name, e.time_utc_minute, e.minute_order""",
    "mentions": """
        SELECT s.name, e.time_utc_minute, e.minute_order, m.position, m.start, m."end", m.text, m.place_id,
               m.score, m.alternatives_json, m.event_start, m.event_end, m.event_precision, m.event_words,
               m.event_expected
        FROM mentions m JOIN entries e USING (entry_id) JOIN sources s USING (source_id)
        ORDER BY s.name, e.time_utc_minute, e.minute_order, m.position""",
    "places": "SELECT * FROM places ORDER BY place_id",
}


def logical_dump(db: Path) -> dict[str, list[tuple]]:
    """Sources, entries, mentions and places as rows of plain values, in a fixed order."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {table: conn.execute(query).fetchall() for table, query in LOGICAL_QUERIES.items()}
    finally:
        conn.close()
