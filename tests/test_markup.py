"""Text becomes HTML only through dashboard.view.markup, inert: escaping, links, highlights, script literals,
and the entry panel built on them."""

from __future__ import annotations

import html as stdlib_html
import json
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.model import Entry
from dashboard.view import markup as H
from dashboard.view import panel

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<iframe src=javascript:alert(1)></iframe>",
    "${alert(1)}",
    "`${alert(1)}`",
    "\\`; alert(1); `",
    "</mark><b>bold</b>",
    '" onmouseover="alert(1)',
]


def strip_tags(markup: str) -> str:
    return stdlib_html.unescape(re.sub(r"<[^>]*>", "", markup))


@pytest.mark.parametrize("payload", HOSTILE)
def test_text_leaves_no_markup(payload):
    out = H.text(payload)
    assert "<" not in out and ">" not in out and '"' not in out
    assert stdlib_html.unescape(out) == payload


def test_multiline_keeps_line_breaks_as_br():
    assert H.multiline("a <b>\nc") == "a &lt;b&gt;<br>\nc"


@pytest.mark.parametrize("url", [
    "https://example.org/a?b=1", "http://example.org", "HTTPS://EXAMPLE.ORG/x",
])
def test_safe_url_accepts_web_addresses(url):
    assert H.safe_url(url) == url


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "java\nscript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
    "file:///etc/passwd", "//evil.example/x", "http:evil", "", None, 42, "https://exa mple.org",
])
def test_safe_url_refuses_everything_else(url):
    assert H.safe_url(url) is None


def test_link_only_for_http_urls():
    assert H.link("<b>x</b>", "javascript:alert(1)") == "&lt;b&gt;x&lt;/b&gt;"
    made = H.link("Blog", 'https://example.org/?q="><script>')
    assert made.startswith('<a href="https://example.org/?q=&quot;&gt;&lt;script&gt;"')
    assert 'rel="noopener noreferrer nofollow"' in made and made.endswith(">Blog</a>")


def test_highlight_marks_offsets_and_escapes_each_piece():
    value = "<b>Homs</b> and Hama"
    out = H.highlight(value, [H.Span(3, 7, "Homs, SY"), H.Span(16, 20, 'Hama "x"', "lbm-chosen")])
    assert out == ('&lt;b&gt;<mark title="Homs, SY">Homs</mark>&lt;/b&gt; and '
                   '<mark class="lbm-chosen" title="Hama &quot;x&quot;">Hama</mark>')
    assert strip_tags(out) == value


def test_highlight_skips_bad_spans_but_loses_no_text():
    value = "Damascus, Homs"
    out = H.highlight(value, [H.Span(0, 8), H.Span(4, 12), H.Span(10, 99), H.Span(5, 5), H.Span(-1, 3)])
    assert out.count("<mark>") == 1
    assert strip_tags(out) == value


@given(st.text(), st.lists(st.tuples(st.integers(-5, 60), st.integers(-5, 60)), max_size=6))
def test_highlight_never_loses_text_nor_lets_markup_through(value, spans):
    out = H.highlight(value, [H.Span(a, b, value) for a, b in spans])
    assert strip_tags(out.replace("<br>\n", "\n")) == value.replace("\r\n", "\n")
    assert re.sub(r'</?mark( title="[^"<>]*")?>|<br>', "", out).count("<") == 0


def decode_js_string(literal: str) -> str:
    """Read a literal made by js_string: single quotes around \\uXXXX and \\\\ escapes only."""
    assert literal[0] == literal[-1] == "'"
    return json.loads('"' + literal[1:-1].replace('"', '\\"') + '"')


@given(st.text())
def test_js_string_round_trips_and_holds_only_inert_characters(value):
    literal = H.js_string(value)
    assert decode_js_string(literal) == value
    body = literal[1:-1]
    assert not set(body) & set("'`${}<>&_\n\r\u2028\u2029")
    # Every backslash starts an escape: \\ or \uXXXX.
    assert re.fullmatch(r"(?:[^\\]|\\\\|\\u[0-9a-f]{4})*", body)


def test_js_json_holds_hostile_strings_as_data():
    payload = {"name": HOSTILE, "n": 3}
    expression = H.js_json(payload)
    assert expression.startswith("JSON.parse('") and expression.endswith("')")
    assert json.loads(decode_js_string(expression[len("JSON.parse("):-1])) == payload
    for dangerous in ("<script", "${", "`", "</"):
        assert dangerous not in expression


def test_swatch_takes_only_hex_colours():
    assert "background:#b3261e" in H.swatch("#b3261e", "<x>")
    assert H.swatch("#b3261e", "<x>").endswith("&lt;x&gt;")
    with pytest.raises(ValueError):
        H.swatch("red;background:url(javascript:alert(1))")


def test_table_escapes_cells():
    out = H.table(["<th>"], [["<td>", 1]])
    assert "<td>&lt;td&gt;</td>" in out and "<th>&lt;th&gt;</th>" in out


# -- the entry panel --------------------------------------------------------------------------------

def entry_row(headline: str, body: str, captions=(), url: str = "", source: str = "Blog") -> pd.Series:
    return pd.Series({
        "entry_id": 7, "source_id": 1, "source": source,
        "time_utc": pd.Timestamp("2024-12-13 14:05", tz="UTC"),
        "time_given": "2.05pm GMT", "is_lead": False, "is_timed": True, "headline": headline, "body": body,
        "captions": [dict(c) for c in captions], "url": url,
    })


def mentions_for(row: pd.Series, names: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Mentions of each name in the row's text (offsets into Entry.text), as the store returns them."""
    text = panel.entry_of(row).text
    records = []
    for word, (place_id, place_name) in names.items():
        start = text.find(word)
        while start >= 0:
            records.append({"entry_id": 7, "start": start, "end": start + len(word), "mention": word,
                            "place_id": place_id, "place_name": place_name, "lat": 34.7, "lon": 36.7,
                            "country_code": "SY", "feature_code": "PPLA", "score": 0.83,
                            "alternatives": [{"name": "Homs Lake", "country_code": "SY", "feature_code": "LK",
                                              "score": 0.2, "lat": 34.6, "lon": 36.5, "place_id": "gn:1"}]})
            start = text.find(word, start + len(word))
    return pd.DataFrame(records)


def test_entry_panel_shows_hostile_text_as_text_and_marks_places():
    captions = [{"text": "<iframe src=javascript:alert(1)></iframe> Homs at night",
                 "credit": "<b onmouseover=alert(1)>AFP</b>"}]
    row = entry_row("<script>alert(1)</script> Homs",
                    'Seen in Homs <img src=x onerror="alert(1)"> ${alert(1)}', captions,
                    url="javascript:alert(1)", source="<i>Blog</i>")
    mentions = mentions_for(row, {"Homs": ("gn:169577", "Homs")})
    out = panel.entry_html(row, mentions, {"name": "<i>Blog</i>", "title": "", "url": "javascript:alert(2)"},
                           chosen_place="gn:169577")
    for raw in ("<script", "<img", "<iframe", "<b ", "<i>", "<a ", "href"):
        assert raw not in out
    for shown in ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;",
                  "${alert(1)}", "&lt;b onmouseover=alert(1)&gt;AFP&lt;/b&gt;", "&lt;i&gt;Blog&lt;/i&gt;"):
        assert shown in out
    # Homs is marked in the headline, the body and the caption, as the chosen place.
    assert out.count('<mark class="lbm-chosen" title="Homs, SY">Homs</mark>') == 3
    assert "2.05pm GMT" in out and "14:05 UTC" in out


def test_text_parts_follow_entry_text():
    row = entry_row("Head", "Body", [{"text": "Cap", "credit": "X"}, {"text": "", "credit": "Y"}])
    entry = panel.entry_of(row)
    parts = panel.text_parts(entry)
    assert [(kind, start, value) for kind, start, value, _ in parts] == [
        ("headline", 0, "Head"), ("body", 6, "Body"), ("caption", 12, "Cap")]
    for _, start, value, _ in parts:
        assert entry.text[start:start + len(value)] == value


def test_entry_without_headline_still_lines_up():
    row = entry_row("", "Homs and Hama")
    mentions = mentions_for(row, {"Hama": ("gn:2", "Hama")})
    out = panel.entry_html(row, mentions)
    assert '<mark title="Hama, SY">Hama</mark>' in out and "(no headline)" in out


def test_source_line_links_only_http():
    row = entry_row("h", "b", url="https://example.org/live#1")
    out = panel.source_line(row, {"name": "Blog", "title": "Live: day 5", "url": "https://example.org/live"})
    assert '<a href="https://example.org/live"' in out and "Blog: Live: day 5" in out
    assert '<a href="https://example.org/live#1"' in out
    assert "<a" not in panel.source_line(entry_row("h", "b", url="data:x"), {"name": "B", "url": "ftp://x"})


def test_resolution_rows_tell_score_and_runners_up():
    row = entry_row("Homs", "")
    rows = panel.resolution_rows(mentions_for(row, {"Homs": ("gn:169577", "Homs")}))
    assert rows == [["Homs", "Homs, SY (PPLA)", "town", "34.700, 36.700", "likely 0.83",
                     "Homs Lake, SY (LK) check this 0.20"]]
    # A runner-up that is the chosen place (after a correction) is not repeated; a raw score beyond
    # 0..1 is not a probability and is not shown as one.
    corrected = mentions_for(row, {"Homs": ("gn:1", "Homs Lake")})
    corrected.at[0, "alternatives"] = [*corrected.at[0, "alternatives"],
                                       {"name": "Homs", "country_code": "SY", "feature_code": "PPLA",
                                        "score": 10.06, "lat": 34.7, "lon": 36.7, "place_id": "gn:169577"}]
    assert panel.resolution_rows(corrected)[0][-1] == "Homs, SY (PPLA) not scored"
    assert "No place" in panel.resolution_html(pd.DataFrame(columns=["start"]))


def test_entries_list_escapes_headlines_and_places():
    row = entry_row("<script>x</script>", "Homs")
    out = panel.entries_list_html(pd.DataFrame([row]), mentions_for(row, {"Homs": ("gn:1", "<b>Homs</b>")}))
    assert "<script" not in out and "&lt;script&gt;x&lt;/script&gt;" in out
    assert "&lt;b&gt;Homs&lt;/b&gt;" in out


def test_entry_option_is_plain_text():
    assert panel.entry_option(entry_row("  A\\nlong   headline ", "")) == "13 Dec 14:05  A\\nlong headline"


def test_entry_of_matches_the_shared_value_object():
    row = entry_row("Head", "Body", [{"text": "Cap", "credit": "X"}])
    assert isinstance(panel.entry_of(row), Entry)
    assert panel.entry_of(row).text == "Head\n\nBody\n\nCap"
