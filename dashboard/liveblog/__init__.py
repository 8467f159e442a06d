"""Live blogs in: the entries of a live blog, whatever the outlet's format.

`parse_liveblog(data)` and `read_liveblog(path)` give a `ParsedBlog`: the page's title, the lead and
the timed entries in the order written, warnings, the stated publication time, and the blog's order.

**Inputs**, recognised from the file's extension, else from the content:

- plain text: a live-blog page copied or saved as text (one paragraph a line, as browsers copy);
- a page with schema.org ``LiveBlogPosting`` JSON-LD (`dashboard.liveblog.jsonld`): its updates
  are the entries, at their exact times with their offsets (no date or zone needed); the page's HTML
  entries stand in where the structured data has no times or shortened bodies;
- RSS 2.0 and Atom feeds (`dashboard.liveblog.feed`), one entry per item at its stated time;
- saved HTML: parsed with BeautifulSoup (stdlib ``html.parser``), never with regexes. Scripts,
  styles, forms, ``nav``, ``aside`` and hidden elements are dropped, and ``header``/``footer`` unless
  they sit inside an ``<article>`` (there they are an entry's own, holding its time and headline);
  so are blocks with a furniture ARIA role (navigation, banner, contentinfo, complementary...),
  consent banners, "related stories" and share blocks, and link-dense blocks (menus of sections or
  countries), so that they never become entries or the lead.
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
2. Entries start at time lines (see `dashboard.liveblog.timeparse` for what a time line is). Labelled lines
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
furniture), a binary file, a file over the
input cap (`dashboard.settings.MAX_INPUT_BYTES`), text that is not valid in its encoding.
A text without any time line is kept as one untimed entry (``is_timed=False``), with a warning.
"""

from __future__ import annotations

import os
from datetime import date as Date
from datetime import datetime, tzinfo
from pathlib import Path

from dashboard import settings
from dashboard.liveblog import timeparse as tp
from dashboard.liveblog.feed import looks_like_feed, parse_feed
from dashboard.liveblog.html import parse_soup, read_soup
from dashboard.liveblog.jsonld import live_postings, parse_posting
from dashboard.liveblog.lines import TooManyLines, text_lines
from dashboard.liveblog.reading import Context, LiveBlogError, blog_error, check_encoding, decode, too_big
from dashboard.liveblog.records import csv_header, csv_records, json_document, parse_json, parse_records
from dashboard.liveblog.text import PageHints, parse_lines
from dashboard.model import ParsedBlog

__all__ = ["LiveBlogError", "parse_liveblog", "read_liveblog"]


# ---------------------------------------------------------------------------------------------
# The public functions

_HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
_FEED_EXTENSIONS = (".rss", ".atom")


def _sniff(text: str, filename: str) -> str:
    """'html', 'feed', 'csv', 'json' or 'text': the extension decides when it names one of the first
    four (an .xml file is a feed when it reads as one)."""
    suffix = Path(filename).suffix.lower()
    if suffix in _HTML_EXTENSIONS:
        return "html"
    if suffix in _FEED_EXTENSIONS:
        return "feed"
    if suffix in (".csv", ".json"):
        return suffix[1:]
    head = text.lstrip()[:2048].lower()
    if head.startswith(("<?xml", "<rss", "<feed", "<!--")) and looks_like_feed(head):
        return "feed"
    if head.startswith(("<!doctype html", "<html")) or (
            head.startswith("<") and any(tag in head for tag in ("<body", "<head", "<article", "<main"))):
        return "html"
    if head[:1] in "[{" and head and json_document(text) is not None:
        return "json"
    if csv_header(text) is not None:
        return "csv"
    return "text"


def parse_liveblog(data: bytes | str, *, filename: str = "", date: Date | None = None,
                   tz: str | tzinfo | None = None, encoding: str | None = None) -> ParsedBlog:
    """Parse a live blog given as bytes or text (see this module's docstring for the rules).

    `filename` names the input in messages and, by its extension, may say its format; `date` is the
    day of the first entry in reading order when the text has no date line; `tz` (an IANA name such as
    "Europe/London", an abbreviation or a tzinfo) is the zone of times that name none; `encoding` is the
    bytes' encoding when it is not UTF-8. Raises LiveBlogError, with one line naming the input.
    """
    name = filename or "input"
    check_encoding(encoding, name)
    if isinstance(date, datetime):
        date = date.date()
    try:
        zone = tz if isinstance(tz, tzinfo) else tp.zone_from_name(tz) if tz else None
    except ValueError as err:
        raise blog_error(name, str(err), "zone") from None
    ctx = Context(name, date, zone)
    text = decode(data, ctx, encoding)
    kind = _sniff(text, filename)
    try:
        parsed = _parse_kind(kind, text, ctx)
    except OverflowError:
        raise ctx.error("a date is out of range") from None
    except TooManyLines as err:
        raise ctx.over("lines for a text of this size", err.limit) from None
    # Feeds and structured data are counted here, once parsed: their parsers hold one small object
    # per item, so the count is not what costs memory there.
    if sum(not entry.is_lead for entry in parsed.entries) > settings.MAX_ENTRIES:
        raise ctx.over("entries", settings.MAX_ENTRIES)
    return parsed


def _parse_kind(kind: str, text: str, ctx: Context) -> ParsedBlog:
    if kind == "html":
        return _parse_page(text, ctx)
    if kind == "feed":
        return parse_feed(text, ctx)
    if kind == "csv":
        return parse_records(csv_records(text, ctx), ctx)
    if kind == "json":
        return parse_json(text, ctx)
    limit = max(settings.MIN_TEXT_LINES, len(text) // settings.TEXT_BYTES_PER_LINE)
    return parse_lines(text_lines(text, limit), ctx, PageHints())


def _parse_page(markup: str, ctx: Context) -> ParsedBlog:
    """A web page: its LiveBlogPosting when it has one, else the entries its HTML shows."""
    soup = read_soup(markup, ctx)
    postings = live_postings(soup)
    if postings:
        # The posting with the most updates: a page may also describe related live pages.
        return parse_posting(max(postings, key=_update_count), soup, ctx)
    return parse_soup(soup, ctx)


def _update_count(posting: dict) -> int:
    updates = posting.get("liveBlogUpdate")
    return len(updates) if isinstance(updates, list) else int(isinstance(updates, dict))


def read_liveblog(path: str | os.PathLike[str], **keywords: object) -> ParsedBlog:
    """Read a live-blog file, checking its size against settings.MAX_INPUT_BYTES before reading it all.

    Takes the keywords of `parse_liveblog`; `filename` defaults to the file's name.
    """
    file = Path(path)
    name = str(keywords.pop("filename", "") or file.name)
    try:
        size = file.stat().st_size
        if size > settings.MAX_INPUT_BYTES:
            raise too_big(name, size)
        with file.open("rb") as handle:
            data = handle.read(settings.MAX_INPUT_BYTES + 1)
    except OSError as err:
        raise blog_error(name, f"cannot read it ({err.strerror or err})") from None
    return parse_liveblog(data, filename=name, **keywords)  # type: ignore[arg-type]
