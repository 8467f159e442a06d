"""A bounded fuzz test of the live-blog parser: random and mutated inputs of every format, hostile
shapes (deep nesting, entity floods, very many empty elements, huge numbers, codecs that are not text
encodings), each parsed within a time limit, and nothing raised but `LiveBlogError`.

The whole run has a fixed time budget: once it is spent, the remaining examples are skipped, so the
test takes about the same time on any machine. Examples are derandomised (the same every run) and
nothing is written to a Hypothesis database.
"""

from __future__ import annotations

import codecs
import json
import time
import tracemalloc
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.liveblog import LiveBlogError, parse_liveblog
from dashboard.model import ParsedBlog

# Hypothesis warns that a failing example's repr is large: the hostile inputs are large on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

BUDGET_SECONDS = 15.0
# A limit that grows linearly with the input, far above the parser's linear cost (some 3-4 s per MB of
# markup on a busy 2-core machine), so that only work growing faster than the input can exceed it.
BASE_SECONDS, SECONDS_PER_MB = 3.0, 20.0
DAY = date(2031, 6, 1)

# Seed pages in our own words, one per format, for the mutations to start from.
TEXT_PAGE = """Harbour reopening: live

Boats are expected back in the harbour at Latakia today.

Saturday 31 May 2031

11:40 BST
Ferries leave on time
The first two ferries left for Cyprus on schedule. - Photo: PORT/Agency
The first two ferries left for Cyprus on schedule.

10:05 BST
Port authority statement
The authority said the quays were checked overnight and found safe.
"""
HTML_PAGE = """<!doctype html><html><head><title>Harbour reopening | News</title>
<meta property="og:title" content="Harbour reopening"><meta property="article:published_time"
content="2031-05-31T09:00:00Z"></head><body><article><header><time datetime="2031-05-31T10:40:00Z">11:40
</time><h2>Ferries leave on time</h2></header><p>The first two ferries left for Cyprus.</p><figure><img
alt="A ferry at the quay"><figcaption>A ferry at the quay - Agency</figcaption></figure></article><article>
<p>10:05 BST</p><h2>Port statement</h2><p>The quays were checked &amp; found safe.</p></article></body></html>
"""
JSON_PAGE = json.dumps({"title": "Harbour reopening", "published": "2031-05-31T09:00:00Z", "entries": [
    {"time": "2031-05-31T10:40:00Z", "headline": "Ferries leave", "text": "Two ferries left for Cyprus."},
    {"time": "10:05 BST", "headline": "Port statement", "text": ["Quays checked.", "Found safe."]}]})
CSV_PAGE = ("time,headline,text,source,url\n2031-05-31T10:40Z,Ferries leave,\"Two ferries left, on time.\","
            "Desk,https://news.example/1\n10:05 BST,Port statement,Quays checked.,Desk,\n")
SEEDS = {"page.txt": TEXT_PAGE, "page.html": HTML_PAGE, "page.json": JSON_PAGE, "page.csv": CSV_PAGE}

NON_TEXT_CODECS = ["rot13", "zlib_codec", "base64_codec", "hex_codec", "bz2_codec", "uu_codec", "quopri_codec",
                   "undefined", "no-such-codec", ""]
TEXT_CODECS = ["utf-8", "utf-16", "utf-32", "cp1252", "latin-1", "utf-7", "idna", "punycode", "shift_jis",
               "unicode_escape", "raw_unicode_escape"]


def hostile_shapes() -> st.SearchStrategy[tuple[str, bytes | str]]:
    """(filename, content) of the hostile families, at sizes a test can afford (up to some 300 KB)."""
    count = st.integers(min_value=1, max_value=30_000)
    entry = "<p>10:05 BST</p><p>The quays were checked.</p>"
    return st.one_of(
        count.map(lambda n: ("deep.html", "<div>" * n + entry)),
        count.map(lambda n: ("deep.html", "<b><i>" * n + entry + "</i></b>" * n)),
        count.map(lambda n: ("deep.json", "[" * n + "]" * n)),
        count.map(lambda n: ("deep.json", '{"entries":' * n + "[]" + "}" * n)),
        count.map(lambda n: ("entities.html", f"<p>10:05 BST</p><p>{'&amp;' * n}</p>")),
        count.map(lambda n: ("entities.html", f"<p>10:05 BST</p><p>{'&#x1F600;&#0;&#xD800;&nosuch;' * (n // 4)}</p>")),
        count.map(lambda n: ("breaks.html", "<br>" * n + entry + "<br/>" * n)),
        count.map(lambda n: ("empty.html", "<p></p><span></span>" * n + entry)),
        count.map(lambda n: ("images.html", '<img src="x">' * n + entry)),
        count.map(lambda n: ("blank.txt", "10:05 BST\n" + "\n \t\r" * n + "Quays checked.\n")),
        count.map(lambda n: ("zero-width.txt", "10:05 BST\n" + "\u200b\n" * n + "Quays checked.\n")),
        count.map(lambda n: ("cr.txt", "Title\r\r10:05 BST\rQuays checked.\r" * (n // 20 + 1))),
        st.integers(1, 20_000).map(lambda n: ("number.json", f'[{{"time": "2031-05-31T10:40Z", "text": {"9" * n}}}]')),
        st.integers(1, 20_000).map(lambda n: ("number.json", f'[{{"time": {"9" * n}, "text": "x"}}]')),
        st.integers(1, 400).map(lambda n: ("float.json", f'[{{"time": "2031-05-31T10:40Z", "text": 1e{n * 1000}}}]')),
        st.integers(1, 20_000).map(lambda n: ("time.txt", f"{'1' * n}:05 BST\nQuays checked.\n")),
    )


def mutated_seed() -> st.SearchStrategy[tuple[str, bytes | str]]:
    """A seed page cut short, spliced with random bytes, or with a slice repeated."""
    def mutate(draw: st.DrawFn) -> tuple[str, bytes]:
        name = draw(st.sampled_from(sorted(SEEDS)))
        data = bytearray(SEEDS[name].encode())
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(data)))
            how = draw(st.sampled_from(["cut", "insert", "repeat", "flip"]))
            if how == "cut":
                del data[at:]
            elif how == "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=40))
            elif how == "repeat":
                end = draw(st.integers(at, min(len(data), at + 200)))
                data[at:at] = data[at:end] * draw(st.integers(1, 500))
            elif data:
                index = min(at, len(data) - 1)
                data[index] ^= draw(st.integers(1, 255))
        return draw(st.sampled_from([name, "", "page.txt", "page.html"])), bytes(data)
    return st.composite(mutate)()


inputs = st.one_of(
    st.tuples(st.sampled_from(["", "x.txt", "x.html", "x.json", "x.csv"]), st.binary(max_size=2048)),
    st.tuples(st.sampled_from(["", "x.txt", "x.html"]), st.text(max_size=2048)),
    mutated_seed(),
    hostile_shapes(),
)
encodings = st.one_of(st.none(), st.none(), st.sampled_from(NON_TEXT_CODECS + TEXT_CODECS))

_started: list[float] = []


def parse_within_limits(data: bytes | str, filename: str, encoding: str | None, tz: str | None) -> None:
    began = time.perf_counter()
    try:
        parsed = parse_liveblog(data, filename=filename, date=DAY, tz=tz, encoding=encoding)
    except LiveBlogError as err:
        message = str(err)
        assert "\n" not in message and len(message) < 2000, message[:300]
    else:
        assert isinstance(parsed, ParsedBlog) and parsed.entries
    elapsed = time.perf_counter() - began
    limit = BASE_SECONDS + SECONDS_PER_MB * len(data) / 2**20
    assert elapsed < limit, f"{filename} ({len(data):,} long) took {elapsed:.1f} s"


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=inputs, encoding=encodings, tz=st.sampled_from([None, "Europe/London", "../../etc/passwd", "GMT+99"]))
def test_the_parser_raises_only_its_own_error_within_time(case, encoding, tz):
    if not _started:
        _started.append(time.monotonic())
    if time.monotonic() - _started[0] > BUDGET_SECONDS:
        return  # the budget is spent: the remaining examples pass untried
    filename, data = case
    parse_within_limits(data, filename, encoding, tz)


def test_a_hundred_thousand_tiny_entries_within_time():
    text = "Tiny entries\n\n" + "".join(f"{(i // 60) % 24:02d}:{i % 60:02d} GMT\nWord {i}.\n" for i in range(100_000))
    began = time.perf_counter()
    parsed = parse_liveblog(text, filename="tiny.txt", date=DAY)
    elapsed = time.perf_counter() - began
    assert len(parsed.entries) == 100_001
    assert elapsed < BASE_SECONDS + SECONDS_PER_MB * len(text) / 2**20, f"{elapsed:.1f} s"


@pytest.mark.parametrize("family", ["<br>", "<p></p>", "\n"])
def test_four_megabytes_of_empty_elements_in_linear_memory(family):
    body = family * (4_000_000 // len(family))
    page = f"<html><body>{body}<p>10:05 BST</p><p>Quays checked.</p></body></html>" if "<" in family \
        else f"10:05 BST\n{body}Quays checked.\n"
    tracemalloc.start()
    try:
        parsed = parse_liveblog(page, filename="empty.html" if "<" in family else "empty.txt", date=DAY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [e.body for e in parsed.entries if not e.is_lead] == ["Quays checked."]
    assert peak < 20 * len(page), f"peak {peak / 2**20:.0f} MB for a {len(page) / 2**20:.1f} MB page"


def test_every_codec_family_is_covered():
    """The fuzz lists hold real codecs of both kinds (a renamed codec would quietly weaken the test)."""
    for name in NON_TEXT_CODECS[:7]:
        with pytest.raises(LookupError):
            b"a".decode(name)
        codecs.lookup(name)
    for name in TEXT_CODECS:
        assert codecs.lookup(name)
