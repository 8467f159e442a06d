"""Live blogs in: the entries of a live blog, whatever the outlet's format.

(The parser itself arrives with issue "Live blogs in"; this module's value objects are shared.)
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
