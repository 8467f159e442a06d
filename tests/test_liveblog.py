"""Live blogs in: dashboard/liveblog/ on the seed, the sample, our own fixtures and bad inputs."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import settings as dashboard_settings
from dashboard.liveblog import LiveBlogError, parse_liveblog, read_liveblog
from dashboard.liveblog.compose import normalise
from dashboard.model import Caption, Entry, ParsedBlog
from dashboard.settings import MAX_INPUT_BYTES, SAMPLE_BLOG

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "liveblogs"
SEED = Path("seeds") / "000_d47ac0d6e77f0845.txt"
FRIDAY = date(2024, 12, 13)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def timed(blog: ParsedBlog) -> list[Entry]:
    return [e for e in blog.entries if not e.is_lead]


def assert_nothing_doubled(entry: Entry) -> None:
    keys = [normalise(p) for p in entry.body.split("\n\n") if p] + [normalise(c.text) for c in entry.captions]
    assert len(keys) == len(set(keys)), entry


# ---------------------------------------------------------------------------------------------
# The seed (someone else's text, read at run time)


@pytest.fixture(scope="module")
def seed_path(shared_dir: Path) -> Path:
    path = shared_dir / SEED
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="module")
def seed_blog(seed_path: Path) -> ParsedBlog:
    return read_liveblog(seed_path, date=FRIDAY)


def test_seed_lead_and_31_timed_entries(seed_blog, seed_path):
    lead, *entries = seed_blog.entries
    assert lead.is_lead and not any(e.is_lead for e in entries)
    first_line = seed_path.read_text(encoding="utf-8").splitlines()[0].strip()
    assert seed_blog.title == lead.headline == first_line
    assert len(entries) == 31
    assert entries[0].time_utc == at("2024-12-13T15:21") and entries[-1].time_utc == at("2024-12-13T07:46")
    assert all(e.time_utc.date() == FRIDAY and e.is_timed for e in entries)
    assert seed_blog.newest_first
    assert [e.time_utc for e in entries] == sorted((e.time_utc for e in entries), reverse=True)
    assert lead.time_utc == entries[0].time_utc  # no stated publication time: the newest entry's
    assert seed_blog.published is None and seed_blog.warnings == ()
    assert entries[0].time_given == "03:21 PM GMT"


def test_seed_headlines_are_the_short_line_after_each_time_line(seed_blog, seed_path):
    lines = [line.strip() for line in seed_path.read_text(encoding="utf-8").splitlines()]
    checked = 0
    position = 0
    for entry in timed(seed_blog):
        position = lines.index(entry.time_given, position) + 1
        following = next(line for line in lines[position:] if line)
        if following.endswith("."):
            assert entry.headline == "", entry.time_given
            checked += 1
        elif len(following) <= 100 and lines[lines.index(following, position) + 1] != following:
            assert entry.headline == following, entry.time_given
            checked += 1
    assert checked >= 28


def test_seed_captions_kept_once_with_credits_out_of_the_text(seed_blog):
    captions = [c for e in seed_blog.entries for c in e.captions]
    assert len(captions) >= 25
    assert sum(1 for c in captions if c.credit) >= 20
    for entry in seed_blog.entries:
        assert_nothing_doubled(entry)
        for caption in entry.captions:
            assert not normalise(caption.text).endswith(normalise(caption.credit)) or not caption.credit
            if caption.credit:
                assert f"- {caption.credit}" not in entry.text
                assert f"Credit: {caption.credit}" not in entry.text
            assert caption.text not in entry.body


@pytest.mark.parametrize(("encoded", "named"), [
    ("Cafés reopen – “at last”\n\n10:00 GMT\nÉté\nThe café opened.\n".encode("cp1252"), "Windows-1252"),
    # 0x81 is not a Windows-1252 character: such a file is Latin-1 (its control characters kept).
    ("Cafés reopen\n\n10:00 GMT\nÉté\nThe café\x81 opened.\n".encode("latin-1"), "Latin-1"),
    ("Cafés reopen\n\n10:00 GMT\nÉté\nThe café opened.\n".encode("utf-16"), None),
])
def test_text_that_is_not_utf8_is_detected(encoded, named):
    blog = parse_liveblog(encoded, filename="menu.txt", date=FRIDAY)
    assert timed(blog)[0].headline == "Été" and "café" in timed(blog)[0].body
    assert blog.title.startswith("Cafés reopen")
    said = [w for w in blog.warnings if "not UTF-8" in w]
    assert [w.split(" (")[0] for w in said] == ([f"not UTF-8: read as {named}"] if named else [])


def test_messages_name_the_field_not_a_flag():
    undated = "Harbour\n\n10:00 GMT\nBoats\nBoats left at dawn.\n"
    with pytest.raises(LiveBlogError) as caught:
        parse_liveblog(undated, filename="harbour.txt")
    assert caught.value.field == "date" and "--" not in str(caught.value)
    with pytest.raises(LiveBlogError) as caught:
        parse_liveblog(undated, filename="harbour.txt", date=FRIDAY, tz="Mars/Olympus")
    assert caught.value.field == "zone" and "--" not in str(caught.value)
    bare = "Harbour\n\n10:00\nBoats\nBoats left at dawn.\n"
    assert all("--" not in w for w in parse_liveblog(bare, date=FRIDAY).warnings)


def test_seed_furniture_dropped(seed_blog):
    for entry in seed_blog.entries:
        for furniture in ("ADVERTISEMENT", "Listen here.", "Read the full dispatch here."):
            assert furniture not in entry.text
    assert "ADVERTISEMENT" in seed_blog.entries[0].raw_text  # raw text keeps the lines as written


def test_seed_without_a_date_is_a_clear_error(seed_path):
    with pytest.raises(LiveBlogError, match=r"^000_d47ac0d6e77f0845\.txt: no date "):
        read_liveblog(seed_path)


# ---------------------------------------------------------------------------------------------
# The bundled sample


def test_sample_blog():
    blog = read_liveblog(SAMPLE_BLOG)
    lead, *entries = blog.entries
    assert lead.is_lead and lead.headline == blog.title
    assert 22 <= len(entries) <= 30
    assert blog.newest_first and blog.warnings == ()
    assert entries[0].time_utc == at("2024-12-13T15:30") and entries[-1].time_utc == at("2024-12-13T07:30")
    assert all(e.headline for e in entries)
    assert sum(1 for e in blog.entries for c in e.captions if c.credit) >= 8
    for entry in blog.entries:
        assert "ADVERTISEMENT" not in entry.text
        assert_nothing_doubled(entry)


def ten_word_runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[\w']+", text.replace("’", "'").lower())
    return {tuple(words[i:i + 10]) for i in range(len(words) - 9)}


def test_sample_shares_no_ten_word_run_with_the_seed(seed_path):
    shared = ten_word_runs(SAMPLE_BLOG.read_text(encoding="utf-8")) & ten_word_runs(
        seed_path.read_text(encoding="utf-8"))
    assert not shared


# ---------------------------------------------------------------------------------------------
# Our own live blogs


def test_guardian_style():
    blog = read_liveblog(FIXTURES / "guardian-style.txt")
    lead, *entries = blog.entries
    assert blog.title.startswith("Ferry strike live")
    assert lead.body.startswith("Unions and operators meet")  # the standfirst
    assert [e.time_utc for e in entries] == [at("2024-09-14T17:40"), at("2024-09-14T16:55"),
                                             at("2024-09-14T15:32")]
    assert [e.time_given for e in entries] == ["18.40 BST", "17.55 BST", "16.32 BST"]
    assert entries[0].headline == "Talks adjourned until Sunday"
    assert entries[2].headline == ""  # a long first line that ends with a full stop is body
    texts = "\n".join(e.text for e in blog.entries)
    for furniture in ("Updated at", "Key event", "Share", "JavaScript", "Reuse this content", "18.52"):
        assert furniture not in texts
    assert entries[1].captions == (
        Caption("A queue of lorries stands on the hard shoulder near the port",
                "Sam Example/Example Agency"),)
    assert "Photograph" not in entries[1].text


def test_newest_first_across_midnight():
    blog = read_liveblog(FIXTURES / "newest-first-midnight.txt")
    assert blog.newest_first
    assert [e.time_utc for e in timed(blog)] == [at("2024-12-14T00:40"), at("2024-12-13T23:55"),
                                                  at("2024-12-13T23:10")]


def test_oldest_first_across_midnight():
    blog = read_liveblog(FIXTURES / "oldest-first-midnight.txt")
    assert not blog.newest_first
    assert [e.time_utc.isoformat()[:16] for e in timed(blog)] == [
        "2024-12-13T22:30", "2024-12-13T23:15", "2024-12-14T00:05", "2024-12-14T01:20"]
    assert blog.entries[0].time_utc == at("2024-12-14T01:20")  # the lead: the newest entry's time


def test_date_lines_directly_above_entries_and_the_tz_argument():
    blog = read_liveblog(FIXTURES / "day-headings.txt", tz="Europe/London")
    assert blog.warnings == ()
    assert [e.time_utc.isoformat()[:16] for e in timed(blog)] == [
        "2024-12-13T21:00", "2024-12-13T23:40", "2024-12-14T09:15", "2024-12-14T11:30"]
    assert not any("December" in e.text for e in blog.entries)
    summer = parse_liveblog("Fete\n\n14:00\nStalls open\n\n15:30\nBand plays", date=date(2024, 7, 6),
                            tz="Europe/London")
    assert [e.time_utc for e in timed(summer)] == [at("2024-07-06T13:00"), at("2024-07-06T14:30")]


def test_bare_times_without_a_zone_are_utc_with_one_warning():
    blog = read_liveblog(FIXTURES / "day-headings.txt")
    assert timed(blog)[0].time_utc == at("2024-12-13T21:00")
    assert len(blog.warnings) == 1 and "UTC" in blog.warnings[0]


def test_us_style_eastern_time():
    blog = read_liveblog(FIXTURES / "us-style.txt")
    entries = timed(blog)
    assert [e.time_given for e in entries] == ["3:21 p.m. ET", "2:05 p.m. ET", "11:48 a.m. ET"]
    assert [e.time_utc for e in entries] == [at("2024-12-13T20:21"), at("2024-12-13T19:05"),
                                             at("2024-12-13T16:48")]
    assert entries[1].headline == 'Mayor calls the strike "avoidable"'
    assert "Updated" not in entries[0].text


def test_year_less_date_line_takes_the_year_from_the_text():
    text = ("Flood watch, published 2 January 2025\n\n31 December\n\n"
            "23:30 GMT\nRiver rising\n\n22:00 GMT\nFirst warnings")
    blog = parse_liveblog(text)
    assert [e.time_utc for e in timed(blog)] == [at("2024-12-31T23:30"), at("2024-12-31T22:00")]
    given_year = parse_liveblog("Watch\n\n13 December\n\n10:00 GMT\nStart", date=date(2024, 11, 1))
    assert given_year.entries[1].time_utc == at("2024-12-13T10:00")
    with pytest.raises(LiveBlogError, match="no year"):
        parse_liveblog("Watch\n\n13 December\n\n10:00 GMT\nStart")


def test_date_argument_names_the_first_entry_in_reading_order():
    text = "Count\n\n00:40 GMT\nLast box\n\n23:55 GMT\nRecount"
    blog = parse_liveblog(text, date=date(2024, 12, 14))
    assert [e.time_utc for e in timed(blog)] == [at("2024-12-14T00:40"), at("2024-12-13T23:55")]


def test_published_line_gives_the_publication_time_and_anchors_the_oldest_entry():
    text = ("Count night\nPublished 13 December 2024 22:00 GMT\n\n"
            "00:40 GMT\nLast box\n\n23:55 GMT\nRecount\n\n22:10 GMT\nDoors shut")
    blog = parse_liveblog(text)
    assert blog.published == at("2024-12-13T22:00")
    assert blog.entries[0].is_lead and blog.entries[0].time_utc == at("2024-12-13T22:00")
    assert blog.entries[0].is_timed
    assert [e.time_utc.day for e in timed(blog)] == [14, 13, 13]
    assert "Published" not in blog.entries[0].text


def test_time_inside_a_sentence_does_not_start_an_entry():
    text = ("Strike day\n\n10:00 GMT\nPickets gather\nThe first pickets arrived at 06:00 GMT.\n"
            "Talks are set for 15:00 GMT today.\n\n09:00 GMT\nGates shut")
    blog = parse_liveblog(text, date=FRIDAY)
    assert len(timed(blog)) == 2
    assert "Talks are set for 15:00 GMT today." in timed(blog)[0].body


def test_repeated_posted_at_line_does_not_start_an_entry():
    text = ("Markets\n\nPosted at 15:21\n15:21\nShares fall\nPrices dropped at the open.\n\n"
            "Posted at 14:02\n14:02\nTrading quiet")
    blog = parse_liveblog(text, date=FRIDAY, tz="UTC")
    assert [e.headline for e in timed(blog)] == ["Shares fall", "Trading quiet"]


def test_impossible_times_stay_as_text_with_a_warning():
    blog = read_liveblog(FIXTURES / "impossible-times.txt")
    entries = timed(blog)
    assert len(entries) == 2
    assert "25:61 PM GMT" in entries[0].body and entries[1].headline == ""
    assert "13:05 PM" in entries[1].body
    assert any(w.startswith("line 11:") and "25:61 PM GMT" in w for w in blog.warnings)
    assert any(w.startswith("line 17:") and "13:05 PM" in w for w in blog.warnings)


def test_no_time_lines_gives_one_untimed_entry_and_a_warning():
    blog = read_liveblog(FIXTURES / "no-times.txt")
    (entry,) = blog.entries
    assert not entry.is_timed and not entry.is_lead
    assert entry.time_utc == at("2024-12-13T00:00")  # the date written in the title
    assert entry.headline.startswith("Council report")
    assert "ADVERTISEMENT" not in entry.text and "public meeting" in entry.body
    assert any("untimed" in w for w in blog.warnings)


def test_captions_general_rules():
    text = "\n".join([
        "Gallery", "", "10:00 GMT", "In pictures: the harbour",
        "Boats sit in the 'old' harbour at dawn",
        "Boats sit in the ‘old’ harbour at dawn | Credit: Harbour Watch/X",
        "A crane lifts a container onto the quay",
        "A crane lifts a container onto the quay – Jo Bloggs/Example Photos",
        "Gulls over the breakwater",
        "Gulls over the breakwater",
        "Clip shows waves over the wall | Credit: someone/X",
        "Divers check the hull (Photo by Sam Lee/Example Images)",
        "Harbour staff said the port would reopen on Monday - officials hope sooner.",
    ])
    entry = timed(parse_liveblog(text, date=FRIDAY))[0]
    assert entry.headline == "In pictures: the harbour"
    assert entry.captions == (
        Caption("Boats sit in the ‘old’ harbour at dawn", "Harbour Watch/X"),
        Caption("A crane lifts a container onto the quay", "Jo Bloggs/Example Photos"),
        Caption("Gulls over the breakwater", ""),
        Caption("Clip shows waves over the wall", "someone/X"),
        Caption("Divers check the hull", "Sam Lee/Example Images"),
    )
    assert entry.body == "Harbour staff said the port would reopen on Monday - officials hope sooner."
    assert "X" not in entry.text.split()


def test_hard_wrapped_paragraphs_are_joined():
    text = ("Wrapped\n\n10:00 GMT\nRoad closed\nThe road was closed after a\n"
            "lorry overturned near the bridge.\n\nPolice said it would reopen soon.")
    entry = timed(parse_liveblog(text, date=FRIDAY))[0]
    assert entry.body == ("The road was closed after a lorry overturned near the bridge.\n\n"
                          "Police said it would reopen soon.")


def test_raw_text_keeps_lines_as_written():
    blog = read_liveblog(FIXTURES / "guardian-style.txt")
    first = timed(blog)[0]
    assert first.raw_text.startswith("18.40 BST\nTalks adjourned until Sunday")
    assert "Updated at 18.52 BST" in first.raw_text


def test_html_page():
    blog = read_liveblog(FIXTURES / "page.html")
    lead, *entries = blog.entries
    assert blog.title == "Dam repair live: engineers race to finish before the rain"
    assert blog.published == at("2024-12-13T07:05")
    assert lead.is_lead and lead.time_utc == blog.published and lead.headline == blog.title
    assert lead.body == "Crews have worked through the night on the spillway of the reservoir above the town."
    assert [e.time_utc for e in entries] == [at("2024-12-13T15:21"), at("2024-12-13T12:02"),
                                             at("2024-12-13T09:40")]
    # The time comes from <time datetime>; a relative "3h ago" is not kept as the time given.
    assert [e.time_given for e in entries] == ["2024-12-13T15:21:00Z", "13:02", "09:40 GMT"]
    assert entries[0].headline == "Spillway gates tested"
    assert '<script>alert("hello")</script>' in entries[0].body and "<b>bold claims</b>" in entries[0].body
    assert entries[0].captions == (
        Caption("Engineers stand on the walkway above the spillway", "Example Agency"),)
    assert entries[1].headline == "Rain expected by evening" and "6pm" in entries[1].body
    everything = "\n".join(e.text for e in blog.entries)
    for dropped in ("this must not appear", "analytics", "font-family", "Most read", "Copyright", "Home",
                    "ADVERTISEMENT", "Share"):
        assert dropped not in everything
    assert blog.newest_first


def test_html_recognised_from_content_and_script_text_kept():
    page = ("<html><body><article><p><time datetime='2024-12-13T10:00:00Z'>10:00</time></p>"
            "<p>&lt;img src=x onerror=alert(1)&gt; was posted in a comment.</p></article></body></html>")
    blog = parse_liveblog(page.encode())
    assert timed(blog)[0].body == "<img src=x onerror=alert(1)> was posted in a comment."


def test_csv():
    blog = read_liveblog(FIXTURES / "entries.csv")
    entries = blog.entries
    assert [e.time_utc for e in entries] == [at("2024-12-13T15:21"), at("2024-12-13T15:05"),
                                             at("2024-12-13T14:40")]
    assert entries[0].headline == "Road reopened after landslide"
    assert entries[0].body == (
        "Crews cleared the last of the debris from the mountain road, officials said.\n\n"
        "Traffic is moving in both directions.")
    assert entries[0].url == "https://news.example.org/valley/landslide-road" and entries[1].url == ""
    assert entries[2].captions == (Caption("A volunteer serves soup in the school hall", "Example Agency"),)
    assert blog.source_name == "Example Valley News" and blog.newest_first


def test_csv_with_a_bad_time_names_the_line():
    with pytest.raises(LiveBlogError, match=r"^x\.csv: line 3: time 'soon'"):
        parse_liveblog("time,text\n2024-12-13T10:00Z,One\nsoon,Two\n", filename="x.csv")
    with pytest.raises(LiveBlogError, match="header"):
        parse_liveblog("when,what\n10:00,x\n", filename="x.csv")


def test_json():
    blog = read_liveblog(FIXTURES / "entries.json")
    assert blog.title == "Harbour fire: updates" and blog.source_name == "Example Coast Radio"
    assert [e.time_utc for e in blog.entries] == [at("2024-12-13T08:15"), at("2024-12-13T09:40"),
                                                  at("2024-12-13T11:05")]
    assert not blog.newest_first
    assert blog.entries[1].body == ("Residents were told to keep windows closed.\n\n"
                                    "Schools in the old town kept pupils indoors at break.")
    assert "<b>by noon</b> &" in blog.entries[2].body
    assert json.loads(blog.entries[0].raw_text)["url"] == blog.entries[0].url


def test_json_list_from_content_and_bad_json():
    rows = [{"time": "10:00 GMT", "headline": "A", "text": "x", "source": "https://example.org/a"},
            {"time": "09:00 GMT", "headline": "B", "text": "y"}]
    blog = parse_liveblog(json.dumps(rows), date=FRIDAY)
    assert [e.headline for e in blog.entries] == ["A", "B"] and blog.entries[0].url == "https://example.org/a"
    with pytest.raises(LiveBlogError, match=r"^y\.json: not valid JSON"):
        parse_liveblog("[{", filename="y.json")


# ---------------------------------------------------------------------------------------------
# Bad inputs


def test_empty_inputs(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(LiveBlogError, match=r"^empty\.txt: the file is empty$"):
        read_liveblog(empty)
    with pytest.raises(LiveBlogError, match="white space"):
        parse_liveblog(" \n\t\n", filename="blank.txt")
    with pytest.raises(LiveBlogError, match="furniture"):
        parse_liveblog("ADVERTISEMENT\n\nShare\n\n***\nKey events\n", filename="ads.txt")


def test_binary_inputs(tmp_path):
    png = tmp_path / "picture.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(LiveBlogError, match=r"^picture\.txt: looks binary"):
        read_liveblog(png)
    with pytest.raises(LiveBlogError, match="binary"):
        parse_liveblog(bytes([1, 2, 3, 4, 5, 6, 65]) * 100)


def test_over_the_cap_is_refused_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_INPUT_BYTES + 1)  # sparse: costs no disk, and reading it would say "binary"
    with pytest.raises(LiveBlogError, match=r"^big\.txt: 20\.0 MB is over the 20\.0 MB limit$"):
        read_liveblog(big)
    monkeypatch.setattr(dashboard_settings, "MAX_INPUT_BYTES", 100)
    with pytest.raises(LiveBlogError, match="over the"):
        parse_liveblog(b"a" * 101, filename="small.txt")
    with pytest.raises(LiveBlogError, match="over the"):
        parse_liveblog("a" * 101)


def test_invalid_utf8_names_the_byte_offset():
    data = "Café news\n\n10:00 GMT\nOpening\n".encode() + b"The caf\xe9 opened."
    offset = data.index(b"\xe9")
    # "Café" reads as UTF-8 and the later byte does not: a damaged file, not another encoding.
    expected = rf"^menu\.txt: not valid UTF-8 at byte {offset}, though other characters in it are$"
    with pytest.raises(LiveBlogError, match=expected) as caught:
        parse_liveblog(data, filename="menu.txt", date=FRIDAY)
    assert caught.value.field == "encoding"
    blog = parse_liveblog(data, filename="menu.txt", date=FRIDAY, encoding="cp1252")
    assert timed(blog)[0].body == "The café opened."
    with pytest.raises(LiveBlogError, match="unknown encoding"):
        parse_liveblog(data, encoding="no-such-codec")


def test_byte_order_marks_are_fine():
    text = "News\n\n10:00 GMT\nOpening\n"
    assert parse_liveblog(b"\xef\xbb\xbf" + text.encode(), date=FRIDAY).title == "News"
    assert parse_liveblog(text.encode("utf-16"), date=FRIDAY).title == "News"


def test_unreadable_path_and_bad_zone(tmp_path):
    with pytest.raises(LiveBlogError, match=r"^missing\.txt: cannot read it"):
        read_liveblog(tmp_path / "missing.txt")
    with pytest.raises(LiveBlogError, match="unknown time zone"):
        parse_liveblog("News\n10:00\nx", tz="Nowhere/Special", date=FRIDAY)


# ---------------------------------------------------------------------------------------------
# Whatever comes in: a ParsedBlog or a LiveBlogError, never anything else

FRAGMENTS = ["03:21 PM GMT", "15.21 BST", "16:00", "3:21 p.m. ET", "Posted at 00:10", "Updated at 16.45 BST",
             "Friday 13 December 2024", "13 December", "Dec 31", "2024-12-13T15:21:00Z", "25:61 PM GMT",
             "ADVERTISEMENT", "Key events", "", "", "A short headline", "A sentence that ends.",
             "Caption line",
             "Caption line - AFP", "Caption | Credit: x/X", "<html>", "<time datetime='2024-12-13'>",
             "time,text", "[", "{", "•", "Published 13 Dec 2024 07:30 GMT", "Sat 10 Sep 2022 18.58 BST"]
lines_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=40).map("\n".join)


@given(data=st.one_of(st.text(max_size=400), lines_text, st.binary(max_size=400)),
       filename=st.sampled_from(["", "x.txt", "x.html", "x.csv", "x.json"]),
       day=st.one_of(st.none(), st.dates()),
       tz=st.sampled_from([None, "Europe/London", "ET", "Bad/Zone"]))
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_input_parses_or_raises_liveblog_error(data, filename, day, tz):
    try:
        blog = parse_liveblog(data, filename=filename, date=day, tz=tz)
    except LiveBlogError as err:
        assert "\n" not in str(err) and str(err).startswith(f"{filename or 'input'}: ")
    else:
        assert isinstance(blog, ParsedBlog) and blog.entries
        assert all(e.time_utc.tzinfo is not None and e.time_utc.utcoffset().total_seconds() == 0
                   for e in blog.entries)


def test_tz_may_be_a_tzinfo():
    blog = parse_liveblog("Fete\n\n14:00\nStalls open", date=date(2024, 7, 6), tz=ZoneInfo("Europe/London"))
    assert timed(blog)[0].time_utc == at("2024-07-06T13:00")


def test_declared_wide_encodings_are_decoded_before_the_binary_check():
    text = "News\n\n10:00 GMT\nOpening\n"
    assert parse_liveblog(text.encode("utf-32"), date=FRIDAY).title == "News"
    assert parse_liveblog(text.encode("utf-16-le"), date=FRIDAY, encoding="utf-16-le").title == "News"
    with pytest.raises(LiveBlogError, match="binary"):
        parse_liveblog(text.encode("utf-16-le"), date=FRIDAY)  # NUL bytes and no word of its encoding


def test_csv_rows_are_numbered_by_the_line_they_start_on():
    text = '\n\ntime;text\n2024-12-13T10:00Z;"one\nparagraph more"\n;\nnever;x\n'
    with pytest.raises(LiveBlogError, match=r"^input: line 7: time 'never'"):
        parse_liveblog(text)
    blog = parse_liveblog(text.replace("never", "2024-12-13T09:00Z"))
    assert blog.entries[0].body == "one paragraph more"  # a lower-case line continues the one above
    assert blog.entries[0].raw_text == '2024-12-13T10:00Z,"one\nparagraph more"'


def test_sentences_that_extend_a_line_are_not_captions():
    text = "\n".join([
        "Vote", "", "10:00 GMT", "Polls open",
        "Crowds gathered",
        "Crowds gathered, officials said on Friday",
        "The minister said the vote would go ahead - a move criticised by the AP",
        "Queues form at a polling station - Eastern district - AFP",
    ])
    entry = timed(parse_liveblog(text, date=FRIDAY))[0]
    assert entry.body.split("\n\n") == [
        "Crowds gathered", "Crowds gathered, officials said on Friday",
        "The minister said the vote would go ahead - a move criticised by the AP"]
    assert entry.captions == (Caption("Queues form at a polling station - Eastern district", "AFP"),)


def test_a_badge_is_never_the_title_and_key_event_summaries_never_the_lead():
    page = """Live
Harbour towns reopen after the storm
Boats are back in the water along the coast, and the ferry timetable is running again.
Key events
3h ago
Ferry leaves Latakia for the first time in a week
45 min ago Cranes restart at Tartus
10:00 GMT
Ferry leaves Latakia
The first ferry in a week left Latakia at ten.
11:30 GMT
Cranes restart
Cranes at Tartus were working again by midday.
"""
    blog = parse_liveblog(page, filename="harbour.txt", date=FRIDAY)
    assert blog.title == "Harbour towns reopen after the storm"
    lead = blog.entries[0]
    assert lead.is_lead and lead.body == "Boats are back in the water along the coast, and the ferry timetable is " \
                                         "running again."
    assert "ago" not in lead.text and "first time in a week" not in lead.text and "Cranes restart" not in lead.text
    assert [e.headline for e in timed(blog)] == ["Ferry leaves Latakia", "Cranes restart"]
