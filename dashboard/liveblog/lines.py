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
    blank_run: int = 1  # a blank line may stand for this many blank lines in a row of the input


_BREAK = re.compile(r"\r\n|\r|\n")
# A line break and the white-space-only lines after it, each with its own break; a thousand at most
# a match, as the regex engine keeps some bytes per repetition of a match.
# "\r" is a break only when no "\n" follows: backtracking must not split a "\r\n" into two breaks.
_BLANK_RUN = re.compile(r"(?:\r\n|\r(?!\n)|\n)(?:[^\S\r\n]*(?:\r\n|\r(?!\n)|\n)){1,1000}")


class TooManyLines(ValueError):
    """A text of more lines than `text_lines` was allowed (each line costs a few hundred bytes)."""

    def __init__(self, limit: int):
        super().__init__(f"more than {limit:,} lines")
        self.limit = limit


def text_lines(text: str, limit: int | None = None) -> list[Line]:
    """The text's lines, numbered from 1; a run of blank (white-space-only) lines is one blank Line.

    The rules treat one blank line as they treat many, and one Line per blank line made a file of
    four million line breaks take seconds per megabyte. With `limit`, raises TooManyLines as soon as
    the lines (blank runs counted once) outnumber it.
    """
    lines: list[Line] = []
    number, start = 1, 0
    for run in _BLANK_RUN.finditer(text):
        number = _add_lines(lines, text[start:run.start()], number, limit)
        breaks = run.group()
        blanks = breaks.count("\n") + breaks.count("\r") - breaks.count("\r\n") - 1
        lines.append(Line(number, "", "", blank_run=blanks))
        number, start = number + blanks, run.end()
    _add_lines(lines, text[start:], number, limit)
    return lines


def _add_lines(lines: list[Line], block: str, number: int, limit: int | None = None) -> int:
    """Append the lines of `block` (which holds no blank line between two breaks); the next number."""
    # Counted before splitting: the split itself would hold every line of a hostile text at once.
    if limit is not None and len(lines) + block.count("\n") + block.count("\r") - block.count("\r\n") >= limit:
        raise TooManyLines(limit)
    for raw in _BREAK.split(block):
        lines.append(Line(number, raw, tp.clean_line(raw)))
        number += 1
    return number


def is_furniture(text: str) -> bool:
    return not any(ch.isalnum() for ch in text) or _FURNITURE_RE.fullmatch(text) is not None
