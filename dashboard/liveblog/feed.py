"""RSS 2.0 and Atom feeds of live updates: one entry per item, at its stated time.

RSS items give ``title``, ``link``, ``description`` (or the fuller ``content:encoded``) and
``pubDate`` (RFC 822, with its zone); Atom entries give ``title``, ``link``, ``summary`` or
``content`` and ``published`` (else ``updated``, ISO 8601). Bodies may be HTML: they are read by the
page rules (`dashboard.liveblog.html.fragment_lines`). An item without a usable time is skipped with
a warning. The feed's own title names the blog; a feed has no lead (its description is the site's).

Parsed with defusedxml: a feed comes from the network, and entity declarations (the "billion
laughs") or external entities are refused rather than expanded.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from dashboard.liveblog import timeparse as tp
from dashboard.liveblog.html import fragment_body
from dashboard.liveblog.reading import Context
from dashboard.model import Entry, ParsedBlog

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DUBLIN_CORE = "{http://purl.org/dc/elements/1.1/}"


def looks_like_feed(head: str) -> bool:
    """Whether the start of a text is an RSS or Atom document (after an XML declaration or comments)."""
    lowered = head.lower()
    return "<rss" in lowered or ("<feed" in lowered and "http://www.w3.org/2005/atom" in lowered)


def _text(element: Element | None) -> str:
    return "".join(element.itertext()) if element is not None else ""


def _instant(value: str, ctx: Context) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    moment = tp.parse_instant(value)
    if moment is None:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ctx.tz or UTC)
    return moment.astimezone(UTC)


def _atom_link(entry: Element) -> str:
    for link in entry.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link.get("href"))
    return ""


def _items(root: Element) -> tuple[str, list[tuple[str, str, str, str, str]]]:
    """(feed title, [(time, headline, body markup, link, raw)]) of an RSS or Atom document."""
    if root.tag == f"{ATOM}feed":
        items = []
        for entry in root.findall(f"{ATOM}entry"):
            content = entry.find(f"{ATOM}content")
            body = _text(content) if content is not None else _text(entry.find(f"{ATOM}summary"))
            when = _text(entry.find(f"{ATOM}published")) or _text(entry.find(f"{ATOM}updated"))
            items.append((when, _text(entry.find(f"{ATOM}title")), body, _atom_link(entry), body))
        return _text(root.find(f"{ATOM}title")), items
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        return "", []
    items = []
    for item in channel.findall("item"):
        body = _text(item.find(f"{CONTENT}encoded")) or _text(item.find("description"))
        when = _text(item.find("pubDate")) or _text(item.find(f"{DUBLIN_CORE}date"))
        link = _text(item.find("link")).strip()
        items.append((when, _text(item.find("title")), body, link, body))
    return _text(channel.find("title")), items


def parse_feed(text: str, ctx: Context) -> ParsedBlog:
    try:
        root = fromstring(text.encode("utf-8"))
    except (ParseError, DefusedXmlException) as err:
        raise ctx.error(f"not a readable feed ({' '.join(str(err).split())})") from None
    title, items = _items(root)
    if not items:
        raise ctx.error("not an RSS or Atom feed with items")
    entries = []
    for number, (when, headline, markup, link, raw) in enumerate(items, 1):
        moment = _instant(when, ctx)
        if moment is None:
            ctx.warn(0, f"item {number} has no usable time ({when.strip()!r}); skipped")
            continue
        body, captions = fragment_body(markup) if markup.strip() else ("", ())
        headline = tp.clean_line(headline)
        if not (headline or body):
            ctx.warn(0, f"item {number} has no title and no text; skipped")
            continue
        url = link if link.startswith(("http://", "https://")) else ""
        entries.append(Entry(moment, when.strip(), headline, body, captions, url=url, raw_text=raw or headline))
    if not entries:
        raise ctx.error("the feed has no items with a time and text")
    newest_first = entries[0].time_utc > entries[-1].time_utc
    return ParsedBlog(tp.clean_line(title), tuple(entries), tuple(ctx.warnings), None, newest_first)
