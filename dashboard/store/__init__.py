"""The event store: live-blog entries, the places they mention, in one SQLite file.

Why SQLite (the standard library's `sqlite3`): it is embedded, so there is no server to install or
run; the whole store is one file that a user can copy, back up or delete; every ingest is one
transaction, so a failure half-way leaves the store exactly as it was; and in WAL mode the app can
read the store while an ingest writes to it, each seeing a consistent snapshot.

Identity: an entry is (source, its time to the minute, its order within that minute), so a newer
version of the same blog finds the entries it already holds; the lead, whose time moves with the
blog, is keyed as the lead. Whether an entry changed is decided by a
hash of its content. Entries are never deleted by an ingest: a live blog rarely drops an entry, and an
analyst would rather keep one than lose it silently. The exception is a blog ingested again with
another date or zone for its times: its entries were keyed by times that were wrong, so the new
version replaces them (`dashboard.store.blogs`).

Value objects (`Entry`, `Place`, `Mention`) become rows here and nowhere else. The read API returns
pandas DataFrames with times as `datetime64[ns, UTC]`.
"""

from dashboard.store.blogs import BlogInfo, Deleted
from dashboard.store.event_store import EventStore, SourceSummary, WriteResult
from dashboard.store.rows import EntryKey, EntryRow, entry_rows, is_resolved
from dashboard.store.schema import SCHEMA_VERSION, StoreBusy, StoreDamaged, StoreError, StoreOutdated, StoreReadOnly

__all__ = ["SCHEMA_VERSION", "BlogInfo", "Deleted", "EntryKey", "EntryRow", "EventStore", "SourceSummary", "StoreBusy",
           "StoreDamaged", "StoreError", "StoreOutdated", "StoreReadOnly", "WriteResult", "entry_rows", "is_resolved"]
