"""The value objects of the events side: a live blog's entries as parsed, shared by every module.

Small frozen dataclasses with no behaviour beyond their own fields (the gazetteer's `Place` and
`Mention` are their counterparts for places). They are turned into rows only at the store's edge
(`dashboard.store.rows`); the frames the store returns are described by the column lists below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Caption:
    """A photo or video caption, kept once, with its credit ("AFP", "Reuters", "NAME/X")."""

    text: str
    credit: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a live blog. `time_utc` is timezone-aware UTC; `time_given` is as written."""

    time_utc: datetime
    time_given: str
    headline: str
    body: str
    captions: tuple[Caption, ...] = ()
    is_lead: bool = False
    is_timed: bool = True
    url: str = ""
    raw_text: str = field(default="", repr=False)

    @property
    def text(self) -> str:
        """The text that is geoparsed, and that mention offsets index: headline, body, captions.

        Credits are left out: they name agencies and photographers, not places.
        """
        parts = [self.headline, self.body, *(c.text for c in self.captions)]
        return "\n\n".join(p for p in parts if p)



@dataclass(frozen=True, slots=True)
class ParsedBlog:
    """A parsed live blog: the lead (if any) first, then the timed entries in the order written."""

    title: str
    entries: tuple[Entry, ...]
    warnings: tuple[str, ...]
    published: datetime | None
    newest_first: bool
    source_name: str = ""



# The frames `EventStore` returns, column by column (times are `datetime64[ns, UTC]`).
SOURCE_COLUMNS = ("source_id", "name", "url", "title", "ingested_at", "updated_at", "entries")
ENTRY_COLUMNS = ("entry_id", "source_id", "source", "time_utc", "time_given", "is_lead", "is_timed", "headline",
                 "body",
                 "captions",  # a list of {"text", "credit"}
                 "url")
# When a mention's event happened (dashboard.events): UTC times, a precision ("report": at the entry's
# time, which both times then equal), the words it was read from, and whether it was still to come.
EVENT_COLUMNS = ("event_start", "event_end", "event_precision", "event_words", "event_expected")
REPORT_TIME = "report"  # the event precision of a mention at its entry's time (dashboard.events says so too)
MENTION_COLUMNS = ("entry_id", "source_id", "time_utc",
                   "position",  # the mention's order within its entry
                   "start", "end",  # offsets into `Entry.text`
                   "mention",  # the words as written
                   "place_id", "place_name", "lat", "lon", "country_code", "feature_code",
                   "is_area",  # gazetteer.places.is_area_kind
                   "score", *EVENT_COLUMNS)
# Movements between two places an entry names: each end is one of its mentions (offsets and words).
PATH_COLUMNS = ("entry_id", "source_id", "time_utc", "position", "from_start", "from_end", "from_mention",
                "from_place_id", "to_start", "to_end", "to_mention", "to_place_id", "words")
CORRECTION_COLUMNS = ("entry_id", "source_id", "start", "end", "mention", "not_a_place", "place_id", "place_name",
                      "lat", "lon", "country_code", "feature_code", "is_area", "was_place_id", "was_name", "author",
                      "created_at")
