"""A text's lines and their kinds: blank, page furniture, time line, date line, text.

Page furniture (text rule 1) is whole lines that belong to the page, not the story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.liveblog import timeparse as tp

# ---------------------------------------------------------------------------------------------
# Page furniture: whole lines that belong to the page, not the story. Matched case-insensitively
# against the whole line. Keep the list short and general; a line with no letter or digit is
# furniture too (rules, bullets, "***").
_FURNITURE_PATTERNS = (
    r"advertisement|advert|sponsored(?: content)?",
    r"share(?: (?:this|on) [\w ]{1,20})?|copy link|link copied",
    r"key events?|show key events only|pinned(?: post)?",
    r"please turn on javascript\b.*|javascript is (?:disabled|required)\b.*",
    r"reuse this content",
    r"(?:read|listen|watch|see)(?: to)?(?: (?:the|our|this|that))?(?: full)?"
    r"(?: (?:story|article|dispatch|report|piece|interview|analysis|video|podcast|episode|thread"
    r"|statement|blog|live blog|coverage))?(?: here| more)\.?",
    r"(?:skip past|after) newsletter promotion",
    r"(?:load|show) (?:more|newer|older)(?: (?:updates|posts|entries))?|loading(?:\.{3}|…)?",
    r"[0-9]+ ?(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?) ago|just now",
)
_FURNITURE_RE = re.compile("|".join(f"(?:{p})" for p in _FURNITURE_PATTERNS), re.I)

BLANK, FURNITURE, STAMP, DATE, TEXT, BAD = "blank", "furniture", "stamp", "date", "text", "bad"


@dataclass(slots=True)
class Line:
    number: int  # 1-based, in the input (for HTML, the source line of the element)
    raw: str
    text: str
    stamp: tp.Stamp | None = None
    mark: tp.DateMark | None = None
    kind: str = ""


def text_lines(text: str) -> list[Line]:
    return [Line(n, raw, tp.clean_line(raw)) for n, raw in enumerate(re.split(r"\r\n|\r|\n", text), 1)]


def is_furniture(text: str) -> bool:
    return not any(ch.isalnum() for ch in text) or _FURNITURE_RE.fullmatch(text) is not None
