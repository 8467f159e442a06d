"""Hostile live-blog files: each is rejected with the parser's one-line error, or read in linear time,
and a rejection leaves the store as it was."""

from __future__ import annotations

import json
import re
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from cli_support import dump, run, sample_store, use_word_geoparser

from dashboard import settings
from dashboard.liveblog import LiveBlogError, parse_liveblog
from dashboard.liveblog.html import _shorten_empty_runs
from dashboard.liveblog.lines import text_lines
from dashboard.store import EventStore

DAY = date(2031, 6, 1)
ONE_ENTRY = "<p>Regional talks</p><p>04:15 PM GMT</p><p>The meeting in Damascus closed late.</p>"


@pytest.fixture(autouse=True)
def stand_in_geoparser(monkeypatch):
    use_word_geoparser(monkeypatch)


@pytest.fixture
def store_file(tmp_path) -> Path:
    return sample_store(tmp_path / "events.db")


def assert_one_line_rejection(store_file: Path, argv: list[str], *expected: str) -> str:
    before = dump(store_file)
    code, out, err = run([*argv, "--db", str(store_file)])
    assert code == 1 and out == "", err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert len(err) < 400, err  # one readable line, whatever the file held
    for words in expected:
        assert words in err, err
    assert dump(store_file) == before
    return err


# -- encodings ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("codec", ["rot13", "rot_13", "zlib_codec", "base64", "hex", "uu_codec", "undefined",
                                   "no-such-codec", "utf-8\x00"])
def test_a_codec_that_is_not_a_text_encoding_is_an_unknown_encoding(store_file, tmp_path, codec):
    path = tmp_path / "plain.txt"
    path.write_text("Talks\n\n04:15 PM GMT\n\nNews from Damascus.\n", encoding="utf-8")
    assert_one_line_rejection(store_file, ["ingest", str(path), "--date", "2031-06-01", "--encoding", codec],
                              f"error: {path}: unknown encoding")


def test_text_encodings_still_decode():
    text = "Café talks\n\n04:15 PM GMT\n\nNews from Damascus.\n"
    for codec in ("cp1252", "latin-1", "utf-16", "utf_32", "utf-7", "mac_roman"):
        assert parse_liveblog(text.encode(codec), encoding=codec, date=DAY).title == "Café talks", codec


# -- very many empty elements ---------------------------------------------------------------------------

def test_a_page_of_a_million_line_breaks_around_one_entry_is_read(store_file, tmp_path):
    page = f"<html><body>{'<br>' * 500_000}{ONE_ENTRY}{'<br>' * 500_000}</body></html>"
    assert len(page) > 4_000_000
    # The parser is given a page of a few tags, not a million (each cost some ten microseconds).
    assert len(_shorten_empty_runs(page)) < 200
    path = tmp_path / "breaks.html"
    path.write_text(page, encoding="utf-8")
    code, out, err = run(["ingest", str(path), "--date", "2031-06-01", "--db", str(store_file)])
    assert code == 0, err
    assert "2 added" in out  # the lead (the title) and the entry
    with EventStore(store_file) as store:
        entries = store.entries()
    stored = entries[entries["source"] == "breaks"]
    assert "The meeting in Damascus closed late." in stored["body"].tolist()


@pytest.mark.parametrize("markup, lines", [
    ("<p>a</p><br><br/><BR />\n<br>\n<p>b</p>", ["a", "b"]),
    ("<p>a<span></span> <b></b>b</p>", ["a b"]),
    ("<p>a<span></span><b></b>b</p>", ["ab"]),
    ("<p>a<p></p><div></div>b</p>", ["a", "b"]),
    ("<p>a<br class=x><br class=x>b</p>", ["a", "b"]),
    ('<p>keep <img alt="x"><img alt="y"> these</p>', ["keep these"]),
])
def test_shortened_runs_give_the_same_lines(markup, lines):
    from dashboard.liveblog.html import _HTML_BUILDER, BeautifulSoup, _HtmlLines

    def read(text: str) -> list[str]:
        walker = _HtmlLines()
        walker.walk(BeautifulSoup(text, builder=_HTML_BUILDER()))
        return [line.text for line in walker.lines]

    assert read(markup) == lines
    assert read(_shorten_empty_runs(markup)) == lines


@pytest.mark.parametrize("piece", ["<br>", "<BR/>", "<hr>", "<wbr>", "<p></p>", "<span></span>", "<P> </p>\n",
                                   "<div></div><b></b>"])
def test_every_kind_of_empty_markup_is_shortened(piece):
    assert len(_shorten_empty_runs(piece * 100_000 + ONE_ENTRY)) < len(ONE_ENTRY) + 100_000 + 20


def test_shortening_keeps_source_lines_for_warnings():
    page = "<html><body>\n<br>\n<br>\n<br>\n<p>Talks</p>\n<p>10:00 GMT</p>\n<p>25:99 GMT</p>\n<p>Text</p></body></html>"
    warnings = parse_liveblog(page, filename="x.html", date=DAY).warnings
    assert any(w.startswith("line 7:") for w in warnings), warnings


def test_a_text_of_millions_of_blank_lines_is_few_lines():
    text = "Talks\n\n04:15 PM GMT\n" + "\n" * 4_000_000 + " \t\n" * 1000 + "News from Damascus.\n"
    lines = text_lines(text)
    assert len(lines) < 10_000  # not four million
    assert lines[-2].text == "News from Damascus." and lines[-2].number == 4_001_004
    parsed = parse_liveblog(text, date=DAY)
    assert [e.body for e in parsed.entries if not e.is_lead] == ["News from Damascus."]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_blank_runs_keep_the_raw_text_and_line_numbers(newline):
    text = "Talks\n\n04:15 PM GMT\n\nFirst paragraph.\n\n\n\n  \nSecond paragraph.\n".replace("\n", newline)
    entry = next(e for e in parse_liveblog(text, date=DAY).entries if not e.is_lead)
    assert entry.raw_text == "04:15 PM GMT\n\nFirst paragraph.\n\n\n\n\nSecond paragraph."
    assert [(line.number, line.text) for line in text_lines(text) if line.text] == [
        (1, "Talks"), (3, "04:15 PM GMT"), (5, "First paragraph."), (10, "Second paragraph.")]


# -- huge numbers --------------------------------------------------------------------------------------

@pytest.mark.parametrize("document", [
    '[{"time": "2031-06-01T15:21Z", "headline": "Talks", "text": %s}]',
    '[{"time": "2031-06-01T15:21Z", "headline": "Talks", "text": "In Damascus.", "votes": %s}]',
    '{"entries": [{"time": "2031-06-01T15:21Z", "text": "In Damascus."}], "title": %s}',
    '[{"time": "2031-06-01T15:21Z", "headline": %s, "text": "In Damascus."}]',
])
def test_a_number_too_long_to_convert_is_text(store_file, tmp_path, document):
    path = tmp_path / "numbers.json"
    path.write_text(document % ("9" * 5000), encoding="utf-8")
    code, out, err = run(["ingest", str(path), "--db", str(store_file)])
    assert code == 0 and "Traceback" not in err, err
    assert "1 added" in out


def test_a_number_too_long_for_a_time_is_one_short_line(store_file, tmp_path):
    path = tmp_path / "numbers.json"
    path.write_text('[{"time": %s, "headline": "Talks", "text": "In Damascus."}]' % ("7" * 5000), encoding="utf-8")
    err = assert_one_line_rejection(store_file, ["ingest", str(path)], "is not usable")
    assert re.search(r"'7+…7+' \(5,002 characters\)", err), err


def test_parser_raises_only_its_own_error_for_a_long_number():
    with pytest.raises(LiveBlogError, match="not usable"):
        parse_liveblog('{"entries": [{"time": %s, "text": "x"}]}' % ("1" * 10_000), filename="n.json")


# -- bounded work per input: shapes that would cost too much are turned away, naming the limit ---------

def test_html_nested_deeper_than_pages_are_is_rejected_naming_the_limit(store_file, tmp_path):
    page = "<div>" * 2_000 + ONE_ENTRY  # few elements for its size, but 2,000 levels deep
    with pytest.raises(LiveBlogError, match=r"^deep\.html: more than the limit of 512 levels of nested HTML"):
        parse_liveblog(page, filename="deep.html", date=DAY)
    assert parse_liveblog("<div>" * 500 + ONE_ENTRY, filename="deep.html", date=DAY).entries
    path = tmp_path / "deep.html"
    path.write_text(page, encoding="utf-8")
    assert_one_line_rejection(store_file, ["ingest", str(path), "--date", "2031-06-01"], "levels of nested HTML")


@pytest.mark.parametrize("piece", ["<b>x</b>", "<div>"])
def test_a_page_of_a_million_tiny_elements_is_rejected_in_small_memory(piece):
    page = "<html><body>" + piece * 1_000_000 + ONE_ENTRY + "</body></html>"
    tracemalloc.start()
    try:
        with pytest.raises(LiveBlogError, match=r"more than the limit of [\d,]+ HTML elements"):
            parse_liveblog(page, filename="flat.html", date=DAY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * len(page), f"peak {peak / 2**20:.0f} MB for a {len(page) / 2**20:.1f} MB page"


def test_the_parser_counts_the_elements_the_quick_count_lets_through(monkeypatch):
    # Fewer "<" than twice the budget, more elements than the budget: the parser's own count decides.
    monkeypatch.setattr(settings, "MIN_HTML_ELEMENTS", 100)
    page = "<html><body>" + "<p>Quays were checked.</p>" * 150 + ONE_ENTRY + "</body></html>"
    with pytest.raises(LiveBlogError, match="limit of 100 HTML elements"):
        parse_liveblog(page, filename="many.html", date=DAY)
    parse_liveblog(page.replace("<p>Quays were checked.</p>" * 150, ""), filename="few.html", date=DAY)


def blog_of(count: int, suffix: str) -> str:
    times = [f"2031-06-01T{i // 60:02d}:{i % 60:02d}Z" for i in range(count)]
    if suffix == "csv":
        return "time,text\n" + "".join(f"{t},Word {i}.\n" for i, t in enumerate(times))
    if suffix == "json":
        return json.dumps([{"time": t, "text": f"Word {i}."} for i, t in enumerate(times)])
    return "Many\n\n" + "".join(f"{t[11:16]} GMT\nWord {i}.\n" for i, t in enumerate(times))


@pytest.mark.parametrize("suffix", ["csv", "json", "txt"])
def test_more_entries_than_the_limit_is_rejected_naming_it(store_file, tmp_path, monkeypatch, suffix):
    monkeypatch.setattr(settings, "MAX_ENTRIES", 50)
    with pytest.raises(LiveBlogError, match="more than the limit of 50 entries"):
        parse_liveblog(blog_of(51, suffix), filename=f"many.{suffix}", date=DAY)
    assert sum(not e.is_lead for e in parse_liveblog(blog_of(50, suffix), filename=f"many.{suffix}",
                                                     date=DAY).entries) == 50
    path = tmp_path / f"many.{suffix}"
    path.write_text(blog_of(51, suffix), encoding="utf-8")
    assert_one_line_rejection(store_file, ["ingest", str(path), "--date", "2031-06-01"], "limit of 50 entries")


def test_a_text_of_more_lines_than_its_size_explains_is_rejected_before_splitting():
    text = "10:05 BST\n" + "a\n" * 300_000
    with pytest.raises(LiveBlogError, match=r"more than the limit of 250,000 lines"):
        parse_liveblog(text, filename="lines.txt", date=DAY)


def test_an_input_over_the_time_budget_is_rejected_naming_the_setting(monkeypatch):
    text = "Tiny\n\n" + "".join(f"{(i // 60) % 24:02d}:{i % 60:02d} GMT\nWord {i}.\n" for i in range(20_000))
    monkeypatch.setenv("DASHBOARD_PARSE_SECONDS", "0.001")
    with pytest.raises(LiveBlogError, match=r"longer than the 0\.001 s limit .*DASHBOARD_PARSE_SECONDS"):
        parse_liveblog(text, filename="slow.txt", date=DAY)
    monkeypatch.setenv("DASHBOARD_PARSE_SECONDS", "60")
    assert len(parse_liveblog(text, filename="slow.txt", date=DAY).entries) == 20_001
