"""Composing an entry from its lines: headline, body paragraphs and photo captions (text rules 4-6).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dashboard.liveblog.lines import BAD, TEXT, Line
from dashboard.model import Caption

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


def normalise(text: str) -> str:
    """Text for comparing captions and paragraphs: quotes, dashes, case and spaces made uniform."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES_AND_DASHES).casefold()
    return " ".join(text.split()).rstrip(" .,;:")


def is_headline(text: str) -> bool:
    """True when a line reads like a headline (text rule 4 of `dashboard.liveblog`)."""
    if not text or len(text) > _HEADLINE_MAX_CHARS or len(text.split()) > _HEADLINE_MAX_WORDS:
        return False
    core = text.rstrip("\"'”’»)]")  # a closing quote does not end a sentence
    if not core or core[-1] in ".,;:…-–—":
        return False
    if text[0].islower() or text[0] in "•*-–—·+>":
        return False
    return any(ch.isalpha() for ch in text)



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


def _items(lines: Iterable[Line]) -> list[_Item]:
    items: list[_Item] = []
    follows_text = False
    for line in lines:
        if line.kind not in (TEXT, BAD):
            follows_text = False
            continue
        if follows_text and items and _continues(items[-1].text, line.text):
            items[-1].text += " " + line.text
            items[-1].may_head = False
        else:
            items.append(_Item(line.text, line.number, line.kind == TEXT))
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


def compose(lines: Iterable[Line], take_headline: bool) -> tuple[str, str, tuple[Caption, ...]]:
    """(headline, body, captions) from an entry's lines (text rules 4 to 6 of `dashboard.liveblog`)."""
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


def joined_raw(lines: Sequence[Line]) -> str:
    """The lines as written, without blank lines at either end."""
    raws = ["\n" * (line.blank_run - 1) if line.blank_run > 1 else line.raw.rstrip() for line in lines]
    filled = [i for i, raw in enumerate(raws) if raw.strip()]
    return "\n".join(raws[filled[0]:filled[-1] + 1]) if filled else ""

