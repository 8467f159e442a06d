"""When the events a live blog tells of happened, and where things went: pure logic over entries.

- `patterns`: time expressions found in text, one compiled pattern of named families;
- `expressions`: each expression resolved to an interval with a precision;
- `clauses`: within a sentence, which expression governs each place (clauses, their tense, asides);
- `eventtime`: for each place an entry names, the time its event happened (an interval in UTC with a
  precision and the words it came from), apart from the time the entry was reported.
- `movements`: phrases of movement between two named places ("from X to Y", "left X for Y") as paths.
- `evaluate`: scores both against hand-written answer keys (`python -m dashboard evaluate-events`).
"""

from dashboard.events.eventtime import EventTime, entry_event_times
from dashboard.events.movements import Path, find_paths

__all__ = ["EventTime", "Path", "entry_event_times", "find_paths"]
