"""Live blogs in: the entries of a live blog, whatever the outlet's format.

`parse_liveblog(data)` and `read_liveblog(path)` give a `ParsedBlog`: the page's title, the lead and
the timed entries in the order written, warnings, the stated publication time, and the blog's order.

**Inputs**, recognised from the file's extension, else from the content:

- plain text: a live-blog page copied or saved as text (one paragraph a line, as browsers copy);
- saved HTML: parsed with BeautifulSoup (stdlib ``html.parser``), never with regexes. Scripts,
  styles, forms, ``nav``, ``aside`` and hidden elements are dropped, and ``header``/``footer`` unless
  they sit inside an ``<article>`` (there they are an entry's own, holding its time and headline).
  Block elements become lines, and the same text rules apply. A line that is just a
  ``<time datetime=...>`` element (perhaps with "Posted at") is a time line at that exact instant.
  The title comes from og:title, else ``<title>``; the publication time from
  ``article:published_time``;
- CSV with columns ``time, headline, text, source, url`` (names case-insensitive, ``body`` for
  ``text``) and JSON (a list of such objects, or ``{"entries": [...]}`` with optional ``title``,
  ``published`` and ``source``), for users who bring their own data. ``time`` is ISO 8601 or any
  time-line form; the date rules below apply to times without a date.

**Text rules** (HTML goes through them too):

1. Page furniture is dropped: the short list `_FURNITURE_PATTERNS`, plus any line with no letter
   or digit. Relative stamps ("2h ago") are furniture too: they cannot be placed in time.
2. Entries start at time lines (see `dashboard.timeparse` for what a time line is). Labelled lines
   ("Updated at 16.45 BST") start entries only in a blog that has no unlabelled time lines and at
   least two of them; otherwise they are dropped (in the lead they are read for the publication
   time or the date). A date-and-time line in the lead, before the first time-only line, dates the
   blog rather than starting an entry. A time line that repeats the previous one with no text
   between (BBC-style "Posted at 15:21" then "15:21") does not start another entry.
3. Everything before the first entry is the lead: one Entry with ``is_lead=True`` whose headline is
   the page title (the first line, when it reads like a title), timed at the stated publication
   time (then ``is_timed=True``) or else at the newest entry's time (``is_timed=False``).
4. An entry's headline is its first line when that line reads like one: at most 160 characters and
   25 words, not ending in a full stop, comma, colon or ellipsis, not starting lower case or with a
   bullet, and not a photo caption. Otherwise the headline is "" and every line is body.
5. Photo captions: a line followed (within a few lines) by the same text plus a credit
   (" - AFP", " | Credit: NAME/X", ". Photograph: NAME/Agency"; compared after normalising quotes,
   dashes, case and spaces) is one `Caption(text, credit)`; so is a line repeated exactly, with no
   credit. A line with a credit marker ("Credit:", "Photograph:", "(Photo by ...)") or a short
   " - Agency" / " - NAME/Agency" tail is a caption on its own. Captions are not body text.
6. Body paragraphs are the remaining lines, joined with a blank line; a line that starts lower case
   after one that does not end a sentence is a hard-wrapped continuation and is joined with a space.
   A paragraph repeated within one entry is kept once. HTML or script in text is kept as text.

**Dates** (the day-placing rules themselves are in `timeparse.place_on_days`): a date on an entry's
time line, or a date line directly above it, dates that entry. A date line in the lead (the last
one) names the day of the first entry in reading order; failing that the `date` argument does; failing
that a "Published"/"Updated" line (or the HTML meta) shifts the run so the oldest/newest entry fits
it; failing that a date written in the title or the lead names the first entry's day; else
LiveBlogError. A year-less date takes the year that puts it nearest the first full date in the text
(else the `date` argument), so "31 December" in a blog published on 2 January 2025 is in 2024.

**Zones**: a time line's own zone; else the `tz` argument; else the zone of the nearest time line
that names one; else UTC, with one warning.

**Rejected**, each with a `LiveBlogError` naming the file: an empty file (or only white space or
furniture), a binary file, a file over `MAX_INPUT_BYTES`, text that is not valid in its encoding.
A text without any time line is kept as one untimed entry (``is_timed=False``), with a warning.
"""

from __future__ import annotations

import codecs
import csv
import inspect
import io
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, tzinfo
from datetime import date as Date
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.builder import HTMLParserTreeBuilder
from bs4.builder._htmlparser import BeautifulSoupHTMLParser
from bs4.element import CData, Comment, Declaration, Doctype, ProcessingInstruction

from dashboard import timeparse as tp
from dashboard.settings import MAX_INPUT_BYTES


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


class LiveBlogError(ValueError):
    """A live blog that cannot be read; ``str(err)`` is one line naming the file."""


@dataclass(frozen=True, slots=True)
class ParsedBlog:
    """A parsed live blog: the lead (if any) first, then the timed entries in the order written."""

    title: str
    entries: tuple[Entry, ...]
    warnings: tuple[str, ...]
    published: datetime | None
    newest_first: bool
    source_name: str = ""


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

# Captions. Markers that introduce a credit, and (only as evidence for a caption with no twin)
# names of picture agencies that appear alone after a dash.
_CREDIT_MARKERS = r"(?:photograph|photo|picture|image|illustration|footage|video|credit)s?"
_MARKER_TAIL_RE = re.compile(
    rf"(?:\s*[|–—-]\s*|\.\s+|\s+){_CREDIT_MARKERS}(?:\s+by)?\s*:\s*(?P<credit>[^:]{{1,100}})$", re.I)
_PHOTO_BY_TAIL_RE = re.compile(r"\s*\(\s*(?:photo|picture|image|video)s?\s+by\s+(?P<credit>[^()]{1,100})\)$",
                               re.I)
_DASH_SEPARATOR_RE = re.compile(r"\s+[|–—-]\s+")
_AGENCY_WORDS = frozenset({
    "afp", "ap", "reuters", "getty", "epa", "efe", "shutterstock", "pa", "anadolu", "xinhua", "alamy",
    "bloomberg", "sipa", "rex", "upi", "maxar", "tass", "nurphoto", "sopa", "handout", "ani",
})
# Where a credit may begin in a line that repeats an earlier one with a credit appended.
_TWIN_SPLIT_RE = re.compile(rf"\s*[|–—/·•-]\s*|\.\s+|\s+\(|,\s+|\s+(?={_CREDIT_MARKERS}\b)", re.I)
_MARKER_HEAD_RE = re.compile(rf"^{_CREDIT_MARKERS}(?:\s+by)?\s*:?\s*", re.I)
# Lower-case words that may sit inside a credit ("Jane Doe for Example News", "via Getty Images").
_CREDIT_CONNECTORS = frozenset({"for", "via", "and", "of", "the", "de", "da", "al", "el", "van", "von",
                                "der", "le", "la", "y", "bin", "ibn"})
_TWIN_LOOKBACK = 8

_QUOTES_AND_DASHES = str.maketrans({
    "‘": "'", "’": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "″": '"', "«": '"', "»": '"',
    "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-",
})

_HEADLINE_MAX_CHARS = 160
_HEADLINE_MAX_WORDS = 25
_SENTENCE_END = ".!?:;\"”’)]…"

# How much of the start of a file is sampled to tell text from binary, and the share of control
# characters beyond which it is binary.
_BINARY_SAMPLE = 65536
_BINARY_RATIO = 0.10
_CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 32), 127])
_CONTROL_CHARS = frozenset(chr(b) for b in _CONTROL_BYTES)
_WANTED = "give a live blog as text, HTML, CSV or JSON"

_BLANK, _FURNITURE, _STAMP, _DATE, _TEXT, _BAD = "blank", "furniture", "stamp", "date", "text", "bad"


def normalise(text: str) -> str:
    """Text for comparing captions and paragraphs: quotes, dashes, case and spaces made uniform."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES_AND_DASHES).casefold()
    return " ".join(text.split()).rstrip(" .,;:")


def is_headline(text: str) -> bool:
    """True when a line reads like a headline (rule 4 of the module docstring)."""
    if not text or len(text) > _HEADLINE_MAX_CHARS or len(text.split()) > _HEADLINE_MAX_WORDS:
        return False
    core = text.rstrip("\"'”’»)]")  # a closing quote does not end a sentence
    if not core or core[-1] in ".,;:…-–—":
        return False
    if text[0].islower() or text[0] in "•*-–—·+>":
        return False
    return any(ch.isalpha() for ch in text)


# ---------------------------------------------------------------------------------------------
# Reading and decoding


@dataclass(slots=True)
class _Context:
    name: str
    date: Date | None
    tz: tzinfo | None
    warnings: list[str] = field(default_factory=list)

    def error(self, message: str) -> LiveBlogError:
        return _error(self.name, message)

    def warn(self, number: int, message: str) -> None:
        self.warnings.append(f"line {number}: {message}" if number else message)


def _error(name: str, message: str) -> LiveBlogError:
    """A LiveBlogError whose text is one line: "NAME: what is wrong (what to do)"."""
    return LiveBlogError(" ".join(f"{name}: {message}".split()))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _too_big(name: str, size: int) -> LiveBlogError:
    return _error(name, f"{_megabytes(size)} is over the {_megabytes(MAX_INPUT_BYTES)} limit")


def _decode(data: bytes | str, ctx: _Context, encoding: str | None) -> str:
    if len(data) > MAX_INPUT_BYTES:
        raise _too_big(ctx.name, len(data))
    text = data if isinstance(data, str) else _decode_bytes(bytes(data), ctx, encoding)
    # Checked on the text, so that a declared encoding (UTF-16, UTF-32) is judged after decoding.
    controls = sum(ch in _CONTROL_CHARS for ch in text[:_BINARY_SAMPLE])
    if "\x00" in text or controls > _BINARY_RATIO * min(len(text), _BINARY_SAMPLE):
        raise ctx.error(f"looks binary, not text (NUL or control characters); {_WANTED}")
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ctx.error("the file is empty" if not text else "the file holds only white space")
    return text


# Byte-order marks that name an encoding; UTF-32's come first, since UTF-16 LE's is a prefix of one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _decode_bytes(data: bytes, ctx: _Context, encoding: str | None) -> str:
    if encoding is None:
        encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is None:
        # Binary files are told apart before decoding: their first bad byte would otherwise be
        # reported as a UTF-8 problem.
        sample = data[:_BINARY_SAMPLE]
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
        if b"\x00" in data or controls > _BINARY_RATIO * len(sample):
            raise ctx.error(f"looks binary, not text (NUL or control bytes); {_WANTED}")
        offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        try:
            return data[offset:].decode("utf-8")
        except UnicodeDecodeError as err:
            raise ctx.error(f"not valid UTF-8 at byte {err.start + offset} (use --encoding)") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise ctx.error(f"not valid {encoding} at byte {err.start} (check --encoding)") from None


def _check_encoding(encoding: str | None, name: str) -> None:
    if encoding is None:
        return
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise _error(name, f"unknown encoding {encoding!r}") from None


# ---------------------------------------------------------------------------------------------
# Lines and their kinds


@dataclass(slots=True)
class _Line:
    number: int  # 1-based, in the input (for HTML, the source line of the element)
    raw: str
    text: str
    stamp: tp.Stamp | None = None
    mark: tp.DateMark | None = None
    kind: str = ""


def _text_lines(text: str) -> list[_Line]:
    return [_Line(n, raw, tp.clean_line(raw)) for n, raw in enumerate(re.split(r"\r\n|\r|\n", text), 1)]


def _is_furniture(text: str) -> bool:
    return not any(ch.isalnum() for ch in text) or _FURNITURE_RE.fullmatch(text) is not None


def _classify(lines: Sequence[_Line], ctx: _Context) -> None:
    for line in lines:
        if line.stamp is not None:
            line.kind = _STAMP
        elif line.mark is not None:
            line.kind = _DATE
        elif not line.text:
            line.kind = _BLANK
        elif _is_furniture(line.text):
            line.kind = _FURNITURE
        else:
            found = tp.match_time_line(line.text)
            if found is None:
                found = tp.match_date_line(line.text)
            if isinstance(found, tp.Stamp):
                line.kind, line.stamp = _STAMP, found
            elif isinstance(found, tp.DateMark):
                line.kind, line.mark = _DATE, found
            elif isinstance(found, tp.NotATime):
                line.kind = _BAD
                ctx.warn(line.number, f"{line.text!r} looks like a time or date but is not one "
                                      f"({found.reason}); kept as text")
            else:
                line.kind = _TEXT


def _choose_starters(lines: Sequence[_Line]) -> list[int]:
    """Indexes of the time lines that start entries (rule 2 of the module docstring)."""
    stamps = {i: line.stamp for i, line in enumerate(lines) if line.kind == _STAMP and line.stamp is not None}
    plain = [i for i, stamp in stamps.items() if stamp.kind == "plain"]
    if plain:
        time_only = [i for i in plain if stamps[i].day is None]
        first_time_only = time_only[0] if time_only else -1
        chosen = [i for i in plain if i >= first_time_only or stamps[i].day is None]
    else:
        labelled = [i for i, stamp in stamps.items() if not stamp.is_page_level]
        kinds = [stamps[i].kind for i in labelled]
        best = max(set(kinds), key=kinds.count) if kinds else None
        chosen = [i for i in labelled if stamps[i].kind == best]
        if len(chosen) < 2:  # one labelled line is the page's own stamp, not a run of entries
            chosen = []
    starters: list[int] = []
    for i in chosen:
        if starters and _repeats(lines, starters[-1], i):
            continue
        starters.append(i)
    return starters


def _repeats(lines: Sequence[_Line], earlier: int, later: int) -> bool:
    a, b = lines[earlier].stamp, lines[later].stamp
    assert a is not None and b is not None
    nothing_between = all(line.kind in (_BLANK, _FURNITURE) for line in lines[earlier + 1:later])
    same = (a.clock, a.zone_text, a.day, a.exact) == (b.clock, b.zone_text, b.day, b.exact)
    return nothing_between and same


# ---------------------------------------------------------------------------------------------
# Composing an entry: headline, body paragraphs, captions


@dataclass(slots=True)
class _Item:
    text: str
    number: int
    may_head: bool
    caption: bool = False
    credit: str = ""
    key: str = ""


def _continues(previous: str, line: str) -> bool:
    return previous[-1] not in _SENTENCE_END and line[:1].islower()


def _short_credit(credit: str) -> bool:
    return 0 < len(credit) <= 100 and len(credit.split()) <= 10


def _names_a_credit(credit: str) -> bool:
    """True when a tail with no credit marker reads like a name ("Delil Souleiman/AFP", "Getty Images
    Europe", "Heidi Pett for The Telegraph") rather than the rest of a sentence ("officials said")."""
    words = credit.split()
    if not 0 < len(words) <= 8 or credit[-1] in ".!?;:,":
        return False
    return "/" in credit or "@" in credit or all(
        not w[0].islower() or w in _CREDIT_CONNECTORS for w in words)


def _clean_credit(credit: str) -> str:
    credit = _MARKER_HEAD_RE.sub("", credit.strip()).strip()
    if credit.endswith(")") and "(" not in credit:
        credit = credit[:-1]
    return credit.rstrip(" .").strip()


def _twin_split(line: str, earlier_key: str) -> tuple[str, str] | None:
    """(caption, credit) when `line` is the earlier line (normalised) plus a credit."""
    key = normalise(line)
    if not earlier_key or not key.startswith(earlier_key) or len(key) == len(earlier_key):
        return None
    for match in _TWIN_SPLIT_RE.finditer(line):
        if match.start() == 0 or normalise(line[:match.start()]) != earlier_key:
            continue
        tail = line[match.end():].strip()
        credit = _clean_credit(tail)
        marked = _MARKER_HEAD_RE.match(tail) is not None and tail != credit
        if _short_credit(credit) and (marked or _names_a_credit(credit)):
            return line[:match.start()].strip(), credit
    return None


def _credited(line: str) -> tuple[str, str] | None:
    """(caption, credit) for a caption line that carries its own credit and has no twin."""
    for pattern in (_MARKER_TAIL_RE, _PHOTO_BY_TAIL_RE):
        match = pattern.search(line)
        if match and len(line[:match.start()].split()) >= 2:
            credit = _clean_credit(match["credit"])
            if _short_credit(credit):
                return line[:match.start()].strip(), credit
    separators = list(_DASH_SEPARATOR_RE.finditer(line))
    if separators and len(line[:separators[-1].start()].split()) >= 3:
        last = separators[-1]
        credit = line[last.end():].strip()
        words = {w.casefold() for w in re.split(r"[^\w]+", credit) if w}
        if len(credit.split()) <= 6 and _names_a_credit(credit) and ("/" in credit or words & _AGENCY_WORDS):
            return line[:last.start()].strip(), credit
    return None


def _items(lines: Iterable[_Line]) -> list[_Item]:
    items: list[_Item] = []
    follows_text = False
    for line in lines:
        if line.kind not in (_TEXT, _BAD):
            follows_text = False
            continue
        if follows_text and items and _continues(items[-1].text, line.text):
            items[-1].text += " " + line.text
            items[-1].may_head = False
        else:
            items.append(_Item(line.text, line.number, line.kind == _TEXT))
        follows_text = True
    return items


def _find_captions(items: list[_Item]) -> list[_Item]:
    out: list[_Item] = []
    for item in items:
        item.key = normalise(item.text)
        twin = None
        for earlier in reversed(out[-_TWIN_LOOKBACK:]):
            if not (earlier.caption and earlier.credit):
                split = _twin_split(item.text, earlier.key)
                if split:
                    twin = earlier, split
                    break
        if twin:
            earlier, (text, credit) = twin
            earlier.text, earlier.caption, earlier.credit, earlier.key = text, True, credit, normalise(text)
            continue
        if out and out[-1].key == item.key:
            out[-1].caption = True  # the same line twice in a row: an image's alt text and caption
            continue
        single = _credited(item.text)
        if single:
            item.text, item.credit = single
            item.caption, item.key = True, normalise(single[0])
        out.append(item)
    # A paragraph repeated within the entry is kept once (a caption beats a paragraph).
    kept: dict[str, _Item] = {}
    for item in out:
        first = kept.get(item.key)
        if first is None:
            kept[item.key] = item
        elif item.caption and not first.caption:
            first.caption, first.credit, first.text = True, item.credit, item.text
    return list(kept.values())


def _compose(lines: Iterable[_Line], take_headline: bool) -> tuple[str, str, tuple[Caption, ...]]:
    """(headline, body, captions) from an entry's lines (rules 4 to 6 of the module docstring)."""
    raw_items = _items(lines)
    first_line = raw_items[0] if raw_items else None
    items = _find_captions(raw_items)
    headline = ""
    if (take_headline and items and items[0] is first_line and not items[0].caption and items[0].may_head
            and is_headline(items[0].text)):
        headline = items.pop(0).text
    body = "\n\n".join(item.text for item in items if not item.caption)
    captions = tuple(Caption(item.text, item.credit) for item in items if item.caption)
    return headline, body, captions


def _raw(lines: Sequence[_Line]) -> str:
    """The lines as written, without blank lines at either end."""
    raws = [line.raw.rstrip() for line in lines]
    filled = [i for i, raw in enumerate(raws) if raw.strip()]
    return "\n".join(raws[filled[0]:filled[-1] + 1]) if filled else ""


# ---------------------------------------------------------------------------------------------
# From lines to a parsed blog


@dataclass(slots=True)
class _PageHints:
    """What a page's markup states about itself (HTML meta), or a data file's header."""

    title: str = ""
    published: datetime | None = None
    updated: datetime | None = None


class _Dates:
    """Turns partial dates into calendar dates, taking missing years from the text or the caller."""

    def __init__(self, ctx: _Context, lines: Sequence[_Line], known: Iterable[tp.PartialDate | None]):
        self._ctx, self._lines, self._known = ctx, lines, list(known)
        self._reference: Date | None = None
        self._searched = False

    def _year_reference(self) -> Date | None:
        if not self._searched:
            self._searched = True
            full = next((d for d in self._known if d is not None and d.year is not None), None)
            if full is None:
                full = next((d for line in self._lines if line.kind in (_TEXT, _BAD)
                             for d in tp.find_dates(line.text) if d.year is not None), None)
            self._reference = full.resolve(None) if full else self._ctx.date
        return self._reference

    def resolve(self, partial: tp.PartialDate, number: int, text: str) -> Date:
        try:
            day = partial.resolve(None if partial.year is not None else self._year_reference())
        except ValueError:
            raise self._ctx.error(f"line {number}: {text!r} gives no year and neither does the rest of "
                                  "the text (give the date, e.g. --date 2024-12-13)") from None
        problem = partial.weekday_problem(day)
        if problem:
            self._ctx.warn(number, f"{problem}; the date is kept as written")
        return day


def _no_date(ctx: _Context) -> LiveBlogError:
    return ctx.error("no date for the entries: no date line, no date given and none found in the text "
                     "(give one, e.g. --date 2024-12-13)")


def _zones_for(ctx: _Context, stamps: Sequence[tp.Stamp]) -> list[tzinfo]:
    zones, fell_back = tp.fill_zones([s.zone for s in stamps], ctx.tz)
    if fell_back:
        ctx.warn(0, "the times name no time zone and none was given: read as UTC "
                    "(give one, e.g. --tz Europe/London)")
    return zones


@dataclass(slots=True)
class _Layout:
    """Where things are in a text: entry starts, the lead's metadata, date lines above entries."""

    starters: list[int]
    lead_meta: list[_Line]
    date_above: dict[int, _Line]
    lead_end: int


def _layout(lines: list[_Line]) -> _Layout:
    """Date lines: in the lead they date the blog; directly above an entry they date that entry;
    elsewhere they are text. Time lines that start no entry are lead metadata, or else dropped."""
    starters = _choose_starters(lines)
    starter_set = set(starters)
    first = starters[0] if starters else len(lines)
    lead_meta: list[_Line] = []
    date_above: dict[int, _Line] = {}
    for i, line in enumerate(lines):
        if line.kind == _DATE:
            if i < first:
                lead_meta.append(line)
                continue
            following = next((j for j in range(i + 1, len(lines))
                              if lines[j].kind not in (_BLANK, _FURNITURE)), None)
            if following in starter_set and following not in date_above:
                date_above[following] = line
            elif not line.mark or not line.mark.label:
                line.kind = _TEXT
        elif line.kind == _STAMP and i not in starter_set and i < first:
            lead_meta.append(line)
    return _Layout(starters, lead_meta, date_above, first)


@dataclass(slots=True)
class _Anchors:
    first_day: Date | None = None
    published: datetime | None = None
    fallbacks: list[tp.Anchor] = field(default_factory=list)


def _lead_anchors(layout: _Layout, hints: _PageHints, dates: _Dates, zone_of: dict[int, tzinfo],
                  ctx: _Context) -> _Anchors:
    """What the lead says about the calendar: an unlabelled date (or date and time) names the first
    entry's day; "Published"/"Updated" lines give the publication time and weaker hints."""
    found = _Anchors(published=hints.published)
    if hints.published is not None:
        found.fallbacks.append(tp.Anchor("oldest", hints.published.date(), hints.published))
    for line in layout.lead_meta:
        stamp, mark = line.stamp, line.mark
        partial = stamp.day if stamp else mark.day if mark else None
        instant = None
        if stamp is not None and stamp.has_clock and (partial is not None or stamp.exact is not None):
            instant = stamp.exact or tp.local_instant(dates.resolve(partial, line.number, stamp.text),
                                                      stamp.clock, zone_of[id(line)])
        if instant is not None:
            day = instant.astimezone(zone_of[id(line)]).date()
        elif partial is not None:
            day = dates.resolve(partial, line.number, line.text)
        else:
            continue  # a time with no date ("Updated at 16.45") says nothing about the calendar
        kind = tp.label_kind(stamp.label if stamp else mark.label if mark else "")
        if kind == "plain":
            found.first_day = day
        elif kind == "published":
            if instant is not None and found.published is None:
                found.published = instant
            found.fallbacks.append(tp.Anchor("oldest", day, instant))
        else:
            found.fallbacks.append(tp.Anchor("newest", day, instant))
    if hints.updated is not None:
        found.fallbacks.append(tp.Anchor("newest", hints.updated.date(), hints.updated))
    if found.first_day is None:
        found.first_day = ctx.date
    return found


def _title_and_lead(lines: list[_Line], layout: _Layout, hints: _PageHints) -> tuple[str, list[_Line]]:
    """The page title (the hint, else the first line when it reads like a title) and the lead's lines."""
    lead_lines = [line for line in lines[:layout.lead_end] if line.kind in (_TEXT, _BAD, _BLANK, _FURNITURE)]
    title = hints.title
    head = next((line for line in lead_lines if line.kind in (_TEXT, _BAD)), None)
    if head is not None:
        if not title and head.kind == _TEXT and is_headline(head.text):
            title = head.text
            lead_lines.remove(head)
        elif title and _same_title(head.text, title):
            lead_lines.remove(head)
    return title, lead_lines


def _parse_lines(lines: list[_Line], ctx: _Context, hints: _PageHints) -> ParsedBlog:
    _classify(lines, ctx)
    if not any(line.kind in (_TEXT, _BAD) for line in lines):
        raise ctx.error("no text: nothing but page furniture and time lines")
    layout = _layout(lines)
    starters, date_above = layout.starters, layout.date_above
    position = {id(line): i for i, line in enumerate(lines)}
    if starters:
        layout.lead_end = min([starters[0], *(position[id(line)] for line in date_above.values())])

    stamped = sorted([*(line for line in layout.lead_meta if line.stamp), *(lines[i] for i in starters)],
                     key=lambda line: position[id(line)])
    zones = _zones_for(ctx, [line.stamp for line in stamped if line.stamp is not None])
    zone_of = {id(line): zone for line, zone in zip(stamped, zones, strict=True)}
    known = [line.stamp.day if line.stamp else line.mark.day if line.mark else None
             for line in [*layout.lead_meta, *(lines[i] for i in starters), *date_above.values()]]
    dates = _Dates(ctx, lines, known)
    anchors = _lead_anchors(layout, hints, dates, zone_of, ctx)
    title, lead_lines = _title_and_lead(lines, layout, hints)
    lead_text = [line.text for line in lead_lines if line.kind in (_TEXT, _BAD)][:50]
    text_dates = [d for text in (title, *lead_text) for d in tp.find_dates(text) if d.year is not None]
    if text_dates:
        anchors.fallbacks.append(tp.Anchor("first", text_dates[0].resolve(None)))
    fallback = anchors.fallbacks[0] if anchors.fallbacks else None

    if not starters:
        return _untimed(lines, ctx, title, anchors.published, anchors.first_day, fallback)

    slots = []
    for index in starters:
        stamp = lines[index].stamp
        assert stamp is not None
        own, own_line = stamp.day, lines[index]
        if own is None and index in date_above:
            own_line = date_above[index]
            own = own_line.mark.day if own_line.mark else None
        day = dates.resolve(own, own_line.number, own_line.text) if own and stamp.exact is None else None
        slots.append(tp.Slot(stamp.clock, zone_of[id(lines[index])], day, stamp.exact))
    try:
        moments, newest_first = tp.place_on_days(slots, first_day=anchors.first_day, fallback=fallback)
    except tp.NoDateError:
        raise _no_date(ctx) from None

    region_starts = [position[id(date_above[i])] if i in date_above else i for i in starters]
    entries: list[Entry] = []
    for k, index in enumerate(starters):
        end = region_starts[k + 1] if k + 1 < len(starters) else len(lines)
        headline, body, captions = _compose(lines[index + 1:end], take_headline=True)
        stamp = lines[index].stamp
        assert stamp is not None
        entries.append(Entry(moments[k], stamp.text, headline, body, captions, is_timed=stamp.has_clock,
                             raw_text=_raw(lines[region_starts[k]:end])))

    _, lead_body, lead_captions = _compose(lead_lines, take_headline=False)
    published = anchors.published
    if title or lead_body or lead_captions:
        given = ""
        if published is not None and hints.published is None:
            given = next((line.stamp.text for line in layout.lead_meta
                          if line.stamp and line.stamp.kind == "published"), "")
        lead = Entry(published if published is not None else max(moments), given, title, lead_body,
                     lead_captions, is_lead=True, is_timed=published is not None,
                     raw_text=_raw(lines[:layout.lead_end]))
        entries.insert(0, lead)
    return ParsedBlog(title, tuple(entries), tuple(ctx.warnings), published, newest_first)


def _same_title(line: str, title: str) -> bool:
    a, b = normalise(line), normalise(title)
    return bool(a) and (a == b or b.startswith(a + " |") or b.startswith(a + " -"))


def _untimed(lines: list[_Line], ctx: _Context, title: str, published: datetime | None,
             first_day: Date | None, fallback: tp.Anchor | None) -> ParsedBlog:
    """A text with no time line: one untimed entry, at the publication time or 00:00 on its date."""
    if published is not None:
        moment = published
    else:
        day = first_day or (fallback.day if fallback else None)
        if day is None:
            raise _no_date(ctx)
        moment = tp.local_instant(day, time(0, 0), ctx.tz or UTC)
    headline, body, captions = _compose(lines, take_headline=True)
    ctx.warn(0, "no time lines: the whole text is kept as one untimed entry")
    entry = Entry(moment, "", headline, body, captions, is_timed=False, raw_text=_raw(lines))
    return ParsedBlog(title or headline, (entry,), tuple(ctx.warnings), published, True)


# ---------------------------------------------------------------------------------------------
# HTML

_DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "nav", "aside", "form", "button", "svg", "iframe",
    "object", "embed", "select", "option", "textarea", "input", "head", "canvas", "audio", "video",
    "dialog", "menu",
})
_FRAME_TAGS = frozenset({"header", "footer"})
_BLOCK_TAGS = frozenset({
    "address", "article", "blockquote", "body", "caption", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html",
    "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
})
_SKIPPED_STRINGS = (Comment, CData, Declaration, Doctype, ProcessingInstruction)


class _CountedList(list):
    """A list with constant-time `in`, for bs4's html.parser builder.

    The builder remembers every void element it closed (<img>, <br>, <meta>...) in a list that it
    scans at each end tag, and nothing empties it while parsing: on a page with many images that is
    quadratic (measured here: 4 MB of blocks took 6.8 s, 8 MB 23 s). Same contents, counted lookups.
    """

    def __init__(self) -> None:
        super().__init__()
        self._counts: Counter[object] = Counter()

    def append(self, item: object) -> None:
        super().append(item)
        self._counts[item] += 1

    def remove(self, item: object) -> None:
        super().remove(item)
        self._counts[item] -= 1

    def __contains__(self, item: object) -> bool:
        return self._counts[item] > 0


class _LinearHtmlParser(BeautifulSoupHTMLParser):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.already_closed_empty_element = _CountedList()


class _LinearTreeBuilder(HTMLParserTreeBuilder):
    """bs4's stdlib html.parser builder, with the parser above (bs4 lets `feed` take a parser class)."""

    def feed(self, markup: object) -> None:  # type: ignore[override]
        super().feed(markup, _parser_class=_LinearHtmlParser)  # type: ignore[arg-type]


# Fall back to the plain builder if a later bs4 no longer takes a parser class.
_HTML_BUILDER = (_LinearTreeBuilder if "_parser_class" in inspect.signature(HTMLParserTreeBuilder.feed).parameters
                 else HTMLParserTreeBuilder)


class _HtmlLines:
    """Turns a parsed page into lines: one per block element, <br> breaks a line."""

    def __init__(self) -> None:
        self.lines: list[_Line] = []
        self._parts: list[str] = []
        self._number = 0
        self._times: list[list] = []  # [first part, end part or None, datetime attribute]

    def add(self, text: str, number: int) -> None:
        if not self._parts:
            self._number = number
        self._parts.append(text)

    def open_time(self, attribute: str, number: int) -> None:
        if not self._parts:
            self._number = number
        self._times.append([len(self._parts), None, attribute])

    def close_time(self) -> None:
        if self._times and self._times[-1][1] is None:
            self._times[-1][1] = len(self._parts)

    def flush(self) -> None:
        text = tp.clean_line("".join(self._parts))
        stamp, mark = None, None
        closed = [t for t in self._times if t[1] is not None]
        if len(closed) == 1:
            start, end, attribute = closed[0]
            shown = tp.clean_line("".join(self._parts[start:end]))
            label, rest = tp.split_label(tp.clean_line("".join(self._parts[:start] + self._parts[end:])))
            if not rest.strip(" :,;|·•–—-"):
                # What the page shows, unless it is relative ("3h ago") or empty: then the attribute.
                legible = bool(shown) and (tp.match_time_line(shown) or tp.match_date_line(shown)) is not None
                readable = shown if legible else attribute
                stamp, mark = _stamp_from_attribute(attribute, readable, label)
                text = text or attribute
        if text:
            self.lines.append(_Line(self._number, text, text, stamp=stamp, mark=mark))
        self._parts, self._times = [], []

    def walk(self, root: Tag) -> None:
        stack: list[tuple[object, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if isinstance(node, Tag) and leaving:
                if node.name == "time":
                    self.close_time()
                if node.name in _BLOCK_TAGS:
                    self.flush()
                continue
            if isinstance(node, NavigableString):
                if not isinstance(node, _SKIPPED_STRINGS):
                    parent = node.parent
                    self.add(str(node), getattr(parent, "sourceline", None) or 0)
                continue
            if not isinstance(node, Tag) or _hidden(node):
                continue
            name = node.name
            if name in _DROP_TAGS or (name in _FRAME_TAGS and node.find_parent("article") is None):
                continue
            if name == "br":
                self.flush()
                continue
            if name == "img":
                alt = tp.clean_line(str(node.get("alt") or ""))
                if alt and node.find_parent("figure") is not None:
                    self.flush()
                    self.add(alt, node.sourceline or 0)
                    self.flush()
                continue
            if name in _BLOCK_TAGS:
                self.flush()
            if name == "time" and node.get("datetime"):
                self.open_time(str(node.get("datetime")), node.sourceline or 0)
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
        self.flush()


def _hidden(tag: Tag) -> bool:
    style = str(tag.get("style") or "").replace(" ", "").lower()
    return tag.has_attr("hidden") or str(tag.get("aria-hidden") or "").lower() == "true" or \
        "display:none" in style


def _stamp_from_attribute(attribute: str, shown: str,
                          label: str) -> tuple[tp.Stamp | None, tp.DateMark | None]:
    found = tp.parse_time_value(attribute)
    if not isinstance(found, tp.Stamp) or found.day is None:
        return None, None
    if not found.has_clock:
        return None, tp.DateMark(shown, found.day, label)
    return replace(found, text=shown, label=label), None


def _metadata(soup: BeautifulSoup) -> dict[str, str]:
    """The page's <meta> values by property, name or itemprop (first one wins), found in one pass."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        content = tp.clean_line(str(tag.get("content") or ""))
        for attribute in ("property", "name", "itemprop"):
            key = str(tag.get(attribute) or "").strip().lower()
            if key and content:
                found.setdefault(key, content)
    return found


def _meta_instant(meta: dict[str, str], ctx: _Context, *keys: str) -> datetime | None:
    value = next((meta[key] for key in keys if key in meta), "")
    moment = tp.parse_instant(value) if value else None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ctx.tz or UTC)
    return moment.astimezone(UTC)


def _html_title(soup: BeautifulSoup, meta: dict[str, str]) -> str:
    title = meta.get("og:title") or meta.get("twitter:title") or ""
    if not title and soup.title is not None:
        title = tp.clean_line(soup.title.get_text())
    site = meta.get("og:site_name", "")
    if site:
        for separator in (" | ", " - ", " – ", " — "):
            if title.endswith(separator + site):
                title = title[: -len(separator + site)]
    return title


def _parse_html(markup: str, ctx: _Context) -> ParsedBlog:
    try:
        soup = BeautifulSoup(markup, builder=_HTML_BUILDER())
    except Exception as err:  # bs4 raises ParserRejectedMarkup and others on hostile markup
        raise ctx.error(f"not readable as HTML ({err})") from None
    meta = _metadata(soup)
    hints = _PageHints(
        title=_html_title(soup, meta),
        published=_meta_instant(meta, ctx, "article:published_time", "datepublished"),
        updated=_meta_instant(meta, ctx, "article:modified_time", "datemodified"),
    )
    walker = _HtmlLines()
    walker.walk(soup)
    if not walker.lines:
        raise ctx.error("the page holds no text")
    return _parse_lines(walker.lines, ctx, hints)


# ---------------------------------------------------------------------------------------------
# CSV and JSON

_COLUMNS = {"time": "time", "headline": "headline", "text": "text", "body": "text", "source": "source",
            "url": "url"}


@dataclass(slots=True)
class _Record:
    number: int
    where: str
    fields: dict[str, str]
    raw: str


def _csv_header(text: str) -> list[str] | None:
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        header = next(csv.reader([first], delimiter=_csv_delimiter(first)))
    except (csv.Error, StopIteration):
        return None
    names = [h.strip().lower() for h in header]
    if "time" in names and {"text", "body", "headline"} & set(names) and len(names) >= 2:
        return names
    return None


def _csv_delimiter(first_line: str) -> str:
    return max(",;\t", key=first_line.count)


def _csv_records(text: str, ctx: _Context) -> list[_Record]:
    header = _csv_header(text)
    if header is None:
        raise ctx.error("CSV needs a header with a 'time' column and a 'text' (or 'body') "
                        "or 'headline' column")
    content = text.lstrip()
    skipped = text[:len(text) - len(content)].count("\n")  # blank lines above the header
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=_csv_delimiter(content.splitlines()[0]))
    records = []
    number = skipped + 1
    try:
        next(reader)
        while True:
            number = skipped + reader.line_num + 1  # where the next row starts
            row = next(reader, None)
            if row is None:
                break
            if not any(cell.strip() for cell in row):
                continue
            fields: dict[str, str] = {}
            for name, cell in zip(header, row, strict=False):
                column = _COLUMNS.get(name)
                if column and not fields.get(column):
                    fields[column] = cell
            raw = io.StringIO()
            csv.writer(raw).writerow(row)
            records.append(_Record(number, f"line {number}", fields, raw.getvalue().rstrip("\r\n")))
    except csv.Error as err:
        raise ctx.error(f"line {number}: not readable as CSV ({err})") from None
    return records


def _json_document(text: str) -> tuple[list, dict] | None:
    """(items, top-level fields) when `text` is JSON in one of the accepted shapes, else None."""
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    if isinstance(document, list):
        return document, {}
    if isinstance(document, dict):
        top = {str(k).lower(): v for k, v in document.items()}
        if isinstance(top.get("entries"), list):
            return top["entries"], top
    return None


def _json_records(text: str, ctx: _Context) -> tuple[list[_Record], dict]:
    shaped = _json_document(text)
    if shaped is None:
        try:
            json.loads(text)
        except json.JSONDecodeError as err:
            raise ctx.error(f"not valid JSON: {err.msg} at line {err.lineno} column {err.colno}") from None
        except RecursionError:
            raise ctx.error("not readable as JSON (nested too deeply)") from None
        raise ctx.error('JSON must be a list of entries or {"entries": [...]}')
    items, top = shaped
    records = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ctx.error(f"entry {n}: not an object with time, headline, text")
        fields: dict[str, str] = {}
        for key, value in item.items():
            column = _COLUMNS.get(str(key).strip().lower())
            if column is None or value is None or fields.get(column):
                continue
            if column == "time" and not isinstance(value, str):
                raise ctx.error(f"entry {n}: time {value!r} is not text "
                                "(give ISO 8601, e.g. 2024-12-13T15:21Z)")
            if isinstance(value, list):
                value = "\n\n".join(str(v) for v in value)
            fields[column] = value if isinstance(value, str) else str(value)
        raw = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
        records.append(_Record(n, f"entry {n}", fields, raw))
    return records, top


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _parse_records(records: list[_Record], ctx: _Context, title: str = "", published: datetime | None = None,
                   source: str = "") -> ParsedBlog:
    with_text = []
    for record in records:
        if record.fields.get("headline", "").strip() or record.fields.get("text", "").strip():
            with_text.append(record)
        else:
            ctx.warn(record.number, "no headline and no text; skipped")
    records = with_text
    if not records:
        raise ctx.error("no entries with text")
    stamps = []
    for record in records:
        value = record.fields.get("time", "").strip()
        found = tp.parse_time_value(value) if value else None
        if not isinstance(found, tp.Stamp):
            reason = found.reason if isinstance(found, tp.NotATime) else "not a time"
            raise ctx.error(f"{record.where}: time {value!r} is not usable ({reason}; give ISO 8601 "
                            "such as 2024-12-13T15:21:00Z or a time such as 03:21 PM GMT)")
        stamps.append(found)
    zones = _zones_for(ctx, stamps)
    lines = [_Line(r.number, r.raw, r.fields.get("text", "")) for r in records]
    for line in lines:
        line.kind = _TEXT
    dates = _Dates(ctx, lines, [s.day for s in stamps])
    slots = []
    for stamp, zone, record in zip(stamps, zones, records, strict=True):
        day = None
        if stamp.day is not None and stamp.exact is None:
            day = dates.resolve(stamp.day, record.number, stamp.text)
        slots.append(tp.Slot(stamp.clock, zone, day, stamp.exact))
    fallback = tp.Anchor("oldest", published.date(), published) if published else None
    try:
        moments, newest_first = tp.place_on_days(slots, first_day=ctx.date, fallback=fallback)
    except tp.NoDateError:
        raise _no_date(ctx) from None
    entries = []
    names = {source.strip()} - {""}
    for record, stamp, moment in zip(records, stamps, moments, strict=True):
        text_lines = _text_lines(record.fields.get("text", ""))
        for line in text_lines:
            line.kind = _BLANK if not line.text else _FURNITURE if _is_furniture(line.text) else _TEXT
        _, body, captions = _compose(text_lines, take_headline=False)
        row_source = record.fields.get("source", "").strip()
        url = record.fields.get("url", "").strip() or (row_source if _is_url(row_source) else "")
        if row_source and not _is_url(row_source):
            names.add(row_source)
        headline = tp.clean_line(record.fields.get("headline", ""))
        entries.append(Entry(moment, stamp.text, headline, body, captions, is_timed=stamp.has_clock, url=url,
                             raw_text=record.raw))
    return ParsedBlog(title, tuple(entries), tuple(ctx.warnings), published, newest_first,
                      source_name=names.pop() if len(names) == 1 else "")


def _parse_json(text: str, ctx: _Context) -> ParsedBlog:
    records, top = _json_records(text, ctx)
    title = top.get("title") if isinstance(top.get("title"), str) else ""
    published = None
    if isinstance(top.get("published"), str):
        published = tp.parse_instant(top["published"])
        if published is not None and published.tzinfo is None:
            published = published.replace(tzinfo=ctx.tz or UTC)
        published = published.astimezone(UTC) if published else None
    source = top.get("source") if isinstance(top.get("source"), str) else ""
    return _parse_records(records, ctx, tp.clean_line(title or ""), published, source or "")


# ---------------------------------------------------------------------------------------------
# The public functions

_HTML_EXTENSIONS = (".html", ".htm", ".xhtml")


def _sniff(text: str, filename: str) -> str:
    """'html', 'csv', 'json' or 'text': the extension decides when it names one of the first three."""
    suffix = Path(filename).suffix.lower()
    if suffix in _HTML_EXTENSIONS:
        return "html"
    if suffix in (".csv", ".json"):
        return suffix[1:]
    head = text.lstrip()[:2048].lower()
    if head.startswith(("<!doctype html", "<html")) or (
            head.startswith("<") and any(tag in head for tag in ("<body", "<head", "<article", "<main"))):
        return "html"
    if head[:1] in "[{" and head and _json_document(text) is not None:
        return "json"
    if _csv_header(text) is not None:
        return "csv"
    return "text"


def parse_liveblog(data: bytes | str, *, filename: str = "", date: Date | None = None,
                   tz: str | tzinfo | None = None, encoding: str | None = None) -> ParsedBlog:
    """Parse a live blog given as bytes or text (see the module docstring for the rules).

    `filename` names the input in messages and, by its extension, may say its format; `date` is the
    day of the first entry in reading order when the text has no date line; `tz` (an IANA name such as
    "Europe/London", an abbreviation or a tzinfo) is the zone of times that name none; `encoding` is the
    bytes' encoding when it is not UTF-8. Raises LiveBlogError, with one line naming the input.
    """
    name = filename or "input"
    _check_encoding(encoding, name)
    if isinstance(date, datetime):
        date = date.date()
    try:
        zone = tz if isinstance(tz, tzinfo) else tp.zone_from_name(tz) if tz else None
    except ValueError as err:
        raise _error(name, str(err)) from None
    ctx = _Context(name, date, zone)
    text = _decode(data, ctx, encoding)
    kind = _sniff(text, filename)
    try:
        if kind == "html":
            return _parse_html(text, ctx)
        if kind == "csv":
            return _parse_records(_csv_records(text, ctx), ctx)
        if kind == "json":
            return _parse_json(text, ctx)
        return _parse_lines(_text_lines(text), ctx, _PageHints())
    except OverflowError:
        raise ctx.error("a date is out of range") from None


def read_liveblog(path: str | os.PathLike[str], **keywords: object) -> ParsedBlog:
    """Read a live-blog file, checking its size against MAX_INPUT_BYTES before reading it all.

    Takes the keywords of `parse_liveblog`; `filename` defaults to the file's name.
    """
    file = Path(path)
    name = str(keywords.pop("filename", "") or file.name)
    try:
        size = file.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise _too_big(name, size)
        with file.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as err:
        raise _error(name, f"cannot read it ({err.strerror or err})") from None
    return parse_liveblog(data, filename=name, **keywords)  # type: ignore[arg-type]
