"""The one place where text becomes HTML (or a script literal): every escaping helper lives here.

Text from a live blog is data. Headlines, bodies, captions, source names and place names may hold
markup or script; whatever reaches the page, a popup or a tooltip passes through these functions,
which turn it into inert text. Anything that renders HTML with `unsafe_allow_html` or `st.html`
must be built here (Streamlit's own cleaning lets `<iframe>` through, so it is no defence).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

# Characters left as they are in a JavaScript string literal made by `js_string`; everything else is
# written as an escape, so the literal holds no quote, backtick, `$`, brace, angle bracket,
# ampersand, underscore or line break that a template literal, an HTML parser or folium's
# post-processing of the generated script (it rewrites `_name` variables and `{{ }}`) could act on.
_JS_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !\"#%()*+,-./:;=?@[]^|~")
# Schemes that become links; anything else (javascript:, data:, vbscript:, file:) stays text.
_LINK_SCHEMES = frozenset({"http", "https"})
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def text(value: object) -> str:
    """Any value as HTML text: `&`, `<`, `>`, `"` and `'` escaped; None is empty."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


def multiline(value: object) -> str:
    """Text whose line breaks show: escaped, then each newline becomes `<br>`."""
    return text(value).replace("\r\n", "\n").replace("\n", "<br>\n")


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) address fit to be a link, else None.

    Whitespace or control characters inside the address are refused rather than stripped: browsers
    ignore some of them when reading a scheme, which is how `java\\tscript:` sneaks past filters.
    """
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    if not candidate or _CONTROL.search(candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in _LINK_SCHEMES or not parts.netloc:
        return None
    return candidate


def link(label: object, url: object) -> str:
    """`label` as a link to `url` when that is an http(s) address; otherwise the label as text."""
    target = safe_url(url)
    shown = text(label) or text(target)
    if target is None:
        return shown
    return f'<a href="{text(target)}" target="_blank" rel="noopener noreferrer nofollow">{shown}</a>'


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of text to highlight: [start, end) offsets and a title shown on hover."""

    start: int
    end: int
    title: str = ""
    css_class: str = ""


def highlight(value: str, spans: Iterable[Span]) -> str:
    """`value` as HTML with each span wrapped in `<mark>`; escaping happens segment by segment.

    Offsets index the raw text, so the text is cut at the offsets first and each piece escaped on
    its own (escaping first would shift them). Spans that fall outside the text, are empty, or
    overlap an earlier span are skipped: a bad offset loses a highlight, never text.
    """
    out: list[str] = []
    cursor = 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        start, end = int(span.start), int(span.end)
        if start < cursor or start >= end or end > len(value):
            continue
        out.append(multiline(value[cursor:start]))
        title = f' title="{text(span.title)}"' if span.title else ""
        cls = f' class="{text(span.css_class)}"' if span.css_class else ""
        out.append(f"<mark{cls}{title}>{multiline(value[start:end])}</mark>")
        cursor = end
    out.append(multiline(value[cursor:]))
    return "".join(out)


def swatch(colour: str, label: object = "") -> str:
    """A small coloured disc (a #rrggbb colour; anything else is refused) followed by `label`."""
    if not _HEX_COLOUR.fullmatch(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    disc = (f'<span style="display:inline-block;width:0.8em;height:0.8em;border-radius:50%;'
            f'background:{colour};vertical-align:middle;margin-right:0.3em"></span>')
    return disc + text(label)


def table(header: Iterable[object], rows: Iterable[Iterable[object]], css_class: str = "") -> str:
    """A plain HTML table of text cells (every cell escaped)."""
    head = "".join(f"<th>{text(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{text(c)}</td>" for c in row) + "</tr>" for row in rows)
    cls = f' class="{text(css_class)}"' if css_class else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class _JsEscapes(dict):
    """str.translate table: inert characters stay, the rest become escapes (computed on first use)."""

    def __missing__(self, code: int) -> str:
        if chr(code) in _JS_SAFE:
            value = chr(code)
        elif code == 0x5C:
            value = "\\\\"
        elif code > 0xFFFF:  # outside the BMP: a surrogate pair, as JavaScript strings hold it
            high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
            value = f"\\u{high:04x}\\u{low:04x}"
        else:
            value = f"\\u{code:04x}"
        self[code] = value
        return value


_JS_ESCAPES = _JsEscapes()
# The characters that need an escape, found by one regular expression: a layer's payload is hundreds of
# kilobytes, mostly inert, where translating it character by character took most of its encoding.
_JS_UNSAFE = re.compile("[^" + "".join(sorted(re.escape(c) for c in _JS_SAFE)) + "]")


def js_string(value: str) -> str:
    """`value` as a single-quoted JavaScript string literal made only of inert characters.

    Safe wherever a script is assembled by string processing: inside a template literal, in a
    `<script>` element, or after folium/streamlit-folium rewrite the generated code.
    """
    return "'" + _JS_UNSAFE.sub(lambda m: _JS_ESCAPES[ord(m.group())], value) + "'"


def js_json(value: object) -> str:
    """A JavaScript expression that evaluates to `value` (JSON-serialisable) without running text."""
    encoded = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return f"JSON.parse({js_string(encoded)})"


# In a `<style>` element nothing is decoded, so JSON kept there (`json_style`) carries these as escapes:
# neither `</style>` nor a comment's `*/` can then end it early. In JSON they occur only inside strings.
_STYLE_JSON_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in "<>&*"}


def json_style(element_id: str, encoded_json: str) -> str:
    """A `<style>` element holding JSON text in a comment, for a script to read by the element's id
    (`textContent`, between `/*` and `*/`). Streamlit's `st.html` puts style-only HTML outside the app's
    elements, where it takes no room and stays through fragment reruns (as `static/page.css` does)."""
    return f'<style id="{text(element_id)}">/*{encoded_json.translate(_STYLE_JSON_ESCAPES)}*/</style>'
