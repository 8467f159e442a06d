"""Saved HTML pages: the page's block elements become lines, read by the text rules.

Parsed with BeautifulSoup (stdlib ``html.parser``), never with regexes. The page's furniture never
becomes text: navigation, site headers and footers, asides, cookie and consent banners, "related
stories" and share blocks, told by their element (``nav``, ``aside``...), their ARIA role
(navigation, banner, contentinfo, complementary...), a few class or id names, and by how much of a
block's text is links (a list of section or country links is a menu, wherever it sits).
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.builder import HTMLParserTreeBuilder
from bs4.builder._htmlparser import BeautifulSoupHTMLParser
from bs4.element import CData, Comment, Declaration, Doctype, ProcessingInstruction

from dashboard import settings
from dashboard.liveblog import timeparse as tp
from dashboard.liveblog.compose import compose
from dashboard.liveblog.lines import BLANK, FURNITURE, TEXT, Line, is_furniture
from dashboard.liveblog.reading import Context, LiveBlogError
from dashboard.liveblog.text import PageHints, parse_lines
from dashboard.model import Caption, ParsedBlog

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
# ARIA roles of page furniture: a site's menus, masthead, footer, sidebars, search and pop-ups.
_FURNITURE_ROLES = frozenset({
    "navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "toolbar",
    "dialog", "alertdialog", "tablist",
})
# Class or id names of furniture that has no element or role of its own: consent banners, "related
# stories", share and newsletter blocks, breadcrumbs. A whole name, or one of its dash-separated
# words ("cookie-banner", "related-stories", "social-share"); never applied to the page's body,
# main content or an article (body classes such as "cookies-accepted" would drop the whole page).
_FURNITURE_NAME_RE = re.compile(
    r"(?:^|[-_])(?:cookies?|consent|gdpr|breadcrumbs?|related|recommended|newsletter|most-?read|"
    r"most-?popular|trending|share|sharing)(?:$|[-_])", re.I)
_NEVER_FURNITURE = frozenset({"html", "body", "main", "article"})
# A block is a menu when it holds at least this many links and links make up this share of its text.
_MENU_LINKS = 3
_MENU_LINK_SHARE = 0.7


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
        self._elements = 0

    def handle_starttag(self, tag: str, attrs: list, handle_empty_element: bool = True) -> None:
        super().handle_starttag(tag, attrs, handle_empty_element)
        bounds: _Bounds | None = getattr(self.soup.builder, "bounds", None)
        if bounds is None:
            return
        # Checked as the tree grows, so that a hostile page is turned away before it takes the memory.
        self._elements += 1
        bounds.ctx.tick()
        if self._elements > bounds.elements:
            raise bounds.ctx.over("HTML elements for a page of this size", bounds.elements)
        if len(self.soup.tagStack) > settings.MAX_HTML_DEPTH:
            raise bounds.ctx.over("levels of nested HTML elements", settings.MAX_HTML_DEPTH,
                                  "real pages are far shallower")


@dataclass(frozen=True, slots=True)
class _Bounds:
    """What one page may cost the parser: its context (with the time budget) and its element count."""

    ctx: Context
    elements: int

    @classmethod
    def for_markup(cls, markup: str, ctx: Context) -> _Bounds:
        return cls(ctx, max(settings.MIN_HTML_ELEMENTS, len(markup) // settings.HTML_BYTES_PER_ELEMENT))


class _LinearTreeBuilder(HTMLParserTreeBuilder):
    """bs4's stdlib html.parser builder, with the parser above (bs4 lets `feed` take a parser class)."""

    bounds: _Bounds | None = None

    def feed(self, markup: object) -> None:  # type: ignore[override]
        super().feed(markup, _parser_class=_LinearHtmlParser)  # type: ignore[arg-type]


# Fall back to the plain builder if a later bs4 no longer takes a parser class.
_HTML_BUILDER = (_LinearTreeBuilder if "_parser_class" in inspect.signature(HTMLParserTreeBuilder.feed).parameters
                 else HTMLParserTreeBuilder)


# Markup that makes no text: a line break or rule, or an element with no attributes and nothing in it.
def _empty_markup(group: str) -> str:
    # Each use has its own group: a numbered backreference in the second use would name the first's.
    return rf"<(?:br|hr|wbr)\s*/?>|<(?P<{group}>[a-z][a-z0-9]*)\s*>\s*</(?P={group})\s*>"


# At most a thousand pieces a match: the regex engine keeps some bytes per repetition of a match, which
# for a million pieces in one match came to hundreds of megabytes. Two passes shorten any run the input
# cap allows (5 million <br> tags) to a few.
_EMPTY_RUN = re.compile(rf"(?:{_empty_markup('first')})(?:\s*(?:{_empty_markup('next')})){{1,1000}}",
                        re.IGNORECASE)
_LINE_BREAKING = re.compile(r"<(?:br|hr)\b|<(?:" + "|".join(sorted(_BLOCK_TAGS)) + r")\s*>", re.IGNORECASE)


def _shorten_empty_runs(markup: str) -> str:
    """Each run of two or more pieces of markup that make no text, such as a million <br> tags, as
    one <br> (or as nothing, when no piece in it breaks a line).

    Not a parse: the lines are the same either way (an empty line is dropped), but the parser and
    BeautifulSoup spend some ten microseconds on every tag, which made a 4 MB page of <br> tags take
    many seconds. The run's line breaks are kept, so that warnings still name the right source line.
    """
    def shortened(run: re.Match[str]) -> str:
        text = run.group()
        newlines = "\n" * text.count("\n")
        if _LINE_BREAKING.search(text):
            return "<br>" + newlines
        return newlines or (" " if any(ch.isspace() for ch in text) else "")

    return _EMPTY_RUN.sub(shortened, _EMPTY_RUN.sub(shortened, markup))


class _HtmlLines:
    """Turns a parsed page into lines: one per block element, <br> breaks a line."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
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
            self.lines.append(Line(self._number, text, text, stamp=stamp, mark=mark))
        self._parts, self._times = [], []

    def walk(self, root: Tag) -> None:
        menus = _link_dense(root)
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
            if name in _DROP_TAGS or (name in _FRAME_TAGS and node.find_parent("article") is None) or \
                    id(node) in menus or _furniture(node):
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


def _furniture(tag: Tag) -> bool:
    """A page-furniture block by its ARIA role or its class or id names (see the module's docstring)."""
    roles = str(tag.get("role") or "").lower().split()
    if any(role in _FURNITURE_ROLES for role in roles):
        return True
    if tag.name in _NEVER_FURNITURE:
        return False
    classes = tag.get("class") or []
    names = [*(classes if isinstance(classes, list) else str(classes).split()), str(tag.get("id") or "")]
    return any(_FURNITURE_NAME_RE.search(name) for name in names if name)


def _link_dense(root: Tag) -> set[int]:
    """The ids of the blocks that are menus: mostly links, and several of them (one pass, post-order).

    A time inside a permalink or a headline that is a link stays: it takes several links to make a menu.
    """
    totals: dict[int, tuple[int, int, int]] = {}  # id -> (text length, link text length, links)
    dense: set[int] = set()
    stack: list[tuple[Tag, bool]] = [(root, False)]
    while stack:
        tag, leaving = stack.pop()
        if not leaving:
            stack.append((tag, True))
            stack.extend((child, False) for child in tag.contents if isinstance(child, Tag))
            continue
        text = links = count = 0
        for child in tag.contents:
            if isinstance(child, Tag):
                child_text, child_links, child_count = totals.pop(id(child), (0, 0, 0))
                text, links, count = text + child_text, links + child_links, count + child_count
            elif isinstance(child, NavigableString) and not isinstance(child, _SKIPPED_STRINGS):
                text += len(child.strip())
        if tag.name == "a" and tag.get("href") is not None:
            links, count = text, count + 1
        if tag.name in (_DROP_TAGS - {"nav", "aside", "menu"}):
            text = links = count = 0  # scripts and styles are not shown: they weigh nothing
        totals[id(tag)] = (text, links, count)
        if (tag.name in _BLOCK_TAGS and tag.name not in _NEVER_FURNITURE and count >= _MENU_LINKS
                and text and links >= _MENU_LINK_SHARE * text):
            dense.add(id(tag))
    return dense


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


def _meta_instant(meta: dict[str, str], ctx: Context, *keys: str) -> datetime | None:
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


def read_soup(markup: str, ctx: Context) -> BeautifulSoup:
    """The page parsed; hostile markup that bs4 rejects is a LiveBlogError naming the input."""
    shortened = _shorten_empty_runs(markup)
    bounds = _Bounds.for_markup(shortened, ctx)
    # Start tags counted before parsing (every "<" not of an end tag: never fewer than the elements),
    # so that a page of millions of tiny elements is turned away in a fraction of a second; the parser
    # counts the real elements as it goes.
    if shortened.count("<") - shortened.count("</") > 2 * bounds.elements:
        raise ctx.over("HTML elements for a page of this size", bounds.elements)
    builder = _HTML_BUILDER()
    builder.bounds = bounds
    try:
        return BeautifulSoup(shortened, builder=builder)
    except LiveBlogError:
        raise
    except Exception as err:  # bs4 raises ParserRejectedMarkup and others on hostile markup
        raise ctx.error(f"not readable as HTML ({err})") from None


def page_hints(soup: BeautifulSoup, ctx: Context) -> PageHints:
    """The page's title and stated publication and update times, from its <title> and <meta>."""
    meta = _metadata(soup)
    return PageHints(
        title=_html_title(soup, meta),
        published=_meta_instant(meta, ctx, "article:published_time", "datepublished"),
        updated=_meta_instant(meta, ctx, "article:modified_time", "datemodified"),
    )


def fragment_lines(markup: str) -> list[Line]:
    """An entry's body given as HTML (in JSON-LD or a feed) as lines, by the page rules.

    Text without markup comes back as its own lines; a string that merely contains "<" is parsed
    like any page, which keeps "a < b" as text.
    """
    walker = _HtmlLines()
    try:
        walker.walk(BeautifulSoup(_shorten_empty_runs(markup), builder=_HTML_BUILDER()))
    except Exception:  # hostile markup in one body: keep its text as written
        return [Line(0, markup, tp.clean_line(markup))]
    return walker.lines


def fragment_body(markup: str) -> tuple[str, tuple[Caption, ...]]:
    """An entry's body given as HTML (in JSON-LD or a feed) as (body, captions), by the text rules."""
    lines = fragment_lines(markup)
    for line in lines:
        line.kind = BLANK if not line.text else FURNITURE if is_furniture(line.text) else TEXT
    _, body, captions = compose(lines, take_headline=False)
    return body, captions


def parse_soup(soup: BeautifulSoup, ctx: Context) -> ParsedBlog:
    """The page's entries from its visible text (block elements as lines), furniture left out."""
    hints = page_hints(soup, ctx)
    walker = _HtmlLines()
    walker.walk(soup)
    if not walker.lines:
        raise ctx.error("the page holds no text")
    return parse_lines(walker.lines, ctx, hints)
