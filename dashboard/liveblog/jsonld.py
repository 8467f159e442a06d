"""schema.org `LiveBlogPosting` in a page's JSON-LD: the entries with their exact times.

Outlets that publish a live page's entries as structured data put them in a
``<script type="application/ld+json">`` block: a `LiveBlogPosting` (alone, in a list, or in an
``@graph``) whose ``liveBlogUpdate`` lists `BlogPosting` items with ``headline``, ``datePublished``,
``dateModified``, ``articleBody`` (text or HTML) and ``url`` or ``@id``.

Each item's time is its ``datePublished`` (else ``dateCreated``, else ``dateModified``) with its own
offset, so no date or zone needs to be given. The page's HTML entries stand in where the structured
data falls short: when an item has no usable time (or no offset and no zone was given), the whole
page is read from its HTML instead; when an item has no body, or a shortened one, the HTML entry at
the same minute gives the full text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

from bs4 import BeautifulSoup

from dashboard.liveblog import timeparse as tp
from dashboard.liveblog.compose import normalise
from dashboard.liveblog.html import fragment_body, page_hints, parse_soup
from dashboard.liveblog.reading import Context, LiveBlogError
from dashboard.model import Entry, ParsedBlog

# How deep a JSON-LD document is searched for the posting (pages nest it in @graph, mainEntity...).
_MAX_DEPTH = 8
_ELLIPSES = ("…", "...")


def _types(node: dict) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).rsplit("/", 1)[-1] for k in kinds if k}


def _nodes(value: object, depth: int = 0) -> Iterator[dict]:
    """Every object in a JSON-LD value: the value itself, list members, @graph and nested objects."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            yield from _nodes(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        for key, inner in value.items():
            if key != "liveBlogUpdate" and isinstance(inner, (dict, list)):
                yield from _nodes(inner, depth + 1)


def live_postings(soup: BeautifulSoup) -> list[dict]:
    """The page's `LiveBlogPosting` objects, in page order (a block that is not valid JSON is skipped)."""
    found = []
    for script in soup.find_all("script"):
        if str(script.get("type") or "").split(";")[0].strip().lower() != "application/ld+json":
            continue
        text = script.string or script.get_text() or ""
        # Some pages wrap the JSON in an HTML comment or CDATA section for old browsers.
        text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
        text = text.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            continue
        found.extend(node for node in _nodes(document) if "LiveBlogPosting" in _types(node))
    return found


def _text(value: object) -> str:
    """A JSON-LD text value: a string, or the first string of a list, or an object's @value."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, (str, dict))), "")
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name") or ""
    return value if isinstance(value, str) else ""


def _instant(value: object, ctx: Context) -> datetime | None:
    moment = tp.parse_instant(_text(value)) if _text(value) else None
    if moment is None:
        return None
    if moment.tzinfo is None:
        if ctx.tz is None:
            return None  # a time without an offset is not exact: the page's own rendering decides
        moment = moment.replace(tzinfo=ctx.tz)
    return moment.astimezone(UTC)


def _url(item: dict) -> str:
    for key in ("url", "@id"):
        value = _text(item.get(key))
        if value.startswith(("http://", "https://")):
            return value
    return ""


def _shortened(short: str, full: str) -> bool:
    """Whether `short` is empty or the start of `full` (an outlet's trimmed copy of the entry)."""
    cut = normalise(short)
    for ellipsis in _ELLIPSES:
        cut = cut.removesuffix(ellipsis).rstrip()
    return len(normalise(full)) > len(cut) and normalise(full).startswith(cut)


def _updates(posting: dict) -> list[dict]:
    updates = posting.get("liveBlogUpdate")
    if isinstance(updates, dict):
        updates = [updates]
    return [u for u in updates if isinstance(u, dict)] if isinstance(updates, list) else []


def parse_posting(posting: dict, soup: BeautifulSoup, ctx: Context) -> ParsedBlog:
    """A page with a `LiveBlogPosting`: its updates as entries, the HTML standing in where they fall short."""
    updates = _updates(posting)
    moments = [_instant(u.get("datePublished") or u.get("dateCreated") or u.get("dateModified"), ctx)
               for u in updates]
    if not updates or any(moment is None for moment in moments):
        return parse_soup(soup, ctx)  # no exact times in the structured data: the page's text has them
    hints = page_hints(soup, ctx)
    html_entries: dict[str, list[Entry]] = {}
    try:
        for entry in parse_soup(soup, ctx).entries:
            if not entry.is_lead:
                html_entries.setdefault(entry.time_utc.strftime("%Y-%m-%dT%H:%M"), []).append(entry)
    except LiveBlogError:
        pass  # the structured data is the whole of the blog

    entries = []
    for number, (item, moment) in enumerate(zip(updates, moments, strict=True), 1):
        assert moment is not None
        raw_body = _text(item.get("articleBody") or item.get("text") or item.get("description"))
        body, captions = fragment_body(raw_body) if raw_body else ("", ())
        headline = tp.clean_line(_text(item.get("headline") or item.get("name")))
        same_minute = html_entries.get(moment.strftime("%Y-%m-%dT%H:%M"), [])
        fuller = next((e for e in same_minute if _shortened(body, e.body)), None)
        if fuller is not None:
            same_minute.remove(fuller)
            body, captions = fuller.body, captions or fuller.captions
            headline = headline or fuller.headline
        if not (headline or body):
            ctx.warn(0, f"update {number} has no headline and no text; skipped")
            continue
        given = _text(item.get("datePublished") or item.get("dateCreated") or item.get("dateModified"))
        entries.append(Entry(moment, given, headline, body, captions, url=_url(item),
                             raw_text=raw_body or headline))
    if not entries:
        raise ctx.error("the page's LiveBlogPosting has no updates with text")

    title = tp.clean_line(_text(posting.get("headline") or posting.get("name"))) or hints.title
    published = (_instant(posting.get("coverageStartTime"), ctx) or _instant(posting.get("datePublished"), ctx)
                 or hints.published)
    lead_text = _text(posting.get("description") or posting.get("abstract"))
    lead_body, lead_captions = fragment_body(lead_text) if lead_text else ("", ())
    newest_first = entries[0].time_utc > entries[-1].time_utc
    if title or lead_body:
        lead = Entry(published or max(e.time_utc for e in entries), "", title, lead_body, lead_captions,
                     is_lead=True, is_timed=published is not None, url=_url(posting), raw_text=lead_text)
        entries.insert(0, lead)
    return ParsedBlog(title, tuple(entries), tuple(ctx.warnings), published, newest_first)
