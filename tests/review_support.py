"""A blog of our own in which one name is wrongly placed at a low score, written through the store's
own write path: the review tests (unit, AppTest and Chromium) start from it."""

from __future__ import annotations

import browser_support as B

from dashboard.model import Caption
from dashboard.store import EventStore, WriteResult, entry_rows
from gazetteer.places import Mention, Place

JORDAN = Place("gn:248816", "Jordan", 31.0, 36.0, "A", "PCLI", "JO")
PLACES = {**B.PLACES, "Jordan": JORDAN}


def doubtful_blog() -> list:
    """Three entries; a person called Jordan is taken for the country in two of them."""
    return [
        B.entry("2024-12-13T08:00:00+00:00", "Talks in Damascus", "Jordan Peters said talks in Damascus went on."),
        B.entry("2024-12-13T09:00:00+00:00", "More from Homs", "Jordan said the road to Homs was open."),
        B.entry("2024-12-13T10:00:00+00:00", "Ships leave Tartus", "Two ships left Tartus, near Baniyas.",
                [Caption("The harbour at =SUM(A1)", "")]),
    ]


def write_doubtful(store: EventStore, source: str = "doubt-blog") -> WriteResult:
    rows = entry_rows(doubtful_blog())
    mentions = {}
    for row in rows:
        found = B.find_mentions(row.entry.text, PLACES)
        # Jordan is placed at the country with a low score, the rest surely.
        mentions[row.key] = [Mention(m.start, m.end, m.text, m.place, 0.41 if m.text == "Jordan" else 0.9,
                                     m.alternatives) for m in found]
    return store.write_blog(source=source, title="", url=None, rows=rows, mentions=mentions)
