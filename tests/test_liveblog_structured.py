"""Structured live pages: schema.org LiveBlogPosting JSON-LD, RSS and Atom feeds, and the page
furniture (menus, banners, footers, related stories) that must never become entries or the lead."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from dashboard.liveblog import LiveBlogError, parse_liveblog, read_liveblog
from dashboard.model import Caption

FIXTURES = Path(__file__).parent / "fixtures" / "liveblogs"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def timed(blog):
    return [e for e in blog.entries if not e.is_lead]


def test_jsonld_object_gives_exact_times_without_a_date():
    blog = read_liveblog(FIXTURES / "jsonld-object.html")
    lead, *entries = blog.entries
    assert blog.title == "Island fires live: crews hold the line near Lindos"
    assert lead.is_lead and lead.headline == blog.title and lead.is_timed
    assert lead.body == "Firefighters on Rhodes spent a second night protecting villages on the south-east coast."
    assert lead.time_utc == blog.published == utc("2025-07-22T03:00:00")
    # Offsets kept to the second, whatever the page renders (here, nothing but "Rendered by script").
    assert [e.time_utc for e in entries] == [utc("2025-07-22T06:14:37"), utc("2025-07-22T04:48:05"),
                                             utc("2025-07-22T03:02:10")]
    assert entries[0].time_given == "2025-07-22T09:14:37+03:00"
    assert entries[0].headline == "Water bombers return at first light"
    assert entries[0].body == "Two aircraft from Athens resumed drops over the ridge above Lindos."
    assert entries[0].captions == (Caption("A water bomber over the ridge", "Harbour Agency"),)
    assert entries[0].url == "https://harbour-post.example/live/island-fires#update-3"
    assert entries[1].url == "https://harbour-post.example/live/island-fires#update-2"
    assert blog.newest_first
    assert "Rendered by script" not in "\n".join(e.text for e in blog.entries)


def test_jsonld_list_with_a_single_update_and_a_type_list():
    blog = read_liveblog(FIXTURES / "jsonld-list.html")
    lead, entry = blog.entries
    assert lead.is_lead and lead.headline == "Island fires live" and lead.time_utc == utc("2025-07-22T05:30:00")
    assert entry.time_utc == utc("2025-07-22T05:05:59")
    assert entry.body.startswith("Police turned cars back")


def test_jsonld_graph_takes_full_bodies_from_the_html():
    blog = read_liveblog(FIXTURES / "jsonld-graph.html")
    lead, *entries = blog.entries
    assert lead.headline == "Harbour strike live: dockers walk out in Piraeus"
    assert [e.time_utc for e in entries] == [utc("2025-03-04T09:30:45"), utc("2025-03-04T06:15:00")]
    # The structured body was cut short with an ellipsis; the page's own entry has all of it.
    assert entries[0].body == ("Talks began at the shipping ministry shortly before half past eleven, with the "
                               "port of Thessaloniki watching closely.\n\nNeither side spoke to reporters on the "
                               "way in.")
    # No body at all in the structured data: the page's entry at that minute gives it.
    assert entries[1].headline == "Container cranes stand still"
    assert entries[1].body == "No ship was unloaded at the container terminal in Piraeus during the morning shift."


def test_jsonld_without_times_falls_back_to_the_pages_entries():
    page = """<html><head><title>Quake live | Desk</title><script type="application/ld+json">
      {"@type": "LiveBlogPosting", "headline": "Quake live",
       "liveBlogUpdate": [{"@type": "BlogPosting", "headline": "Aftershock felt", "articleBody": "Short."}]}
    </script></head><body><main>
      <article><p><time datetime="2025-01-05T14:03:12+01:00">14:03</time></p>
        <h2>Aftershock felt</h2><p>Residents of Izmir felt a second tremor in the afternoon.</p></article>
    </main></body></html>"""
    blog = parse_liveblog(page, filename="quake.html")
    (entry,) = timed(blog)
    assert entry.time_utc == utc("2025-01-05T13:03:12")
    assert entry.body == "Residents of Izmir felt a second tremor in the afternoon."


def test_jsonld_that_is_not_json_is_ignored():
    page = """<html><head><script type="application/ld+json">{"@type": "LiveBlogPosting",</script></head>
      <body><article><p><time datetime="2025-01-05T14:03:00Z">14:03</time></p><p>Text of our own.</p>
      </article></body></html>"""
    assert timed(parse_liveblog(page))[0].body == "Text of our own."


@pytest.mark.parametrize("name", ["updates.rss", "updates.atom"])
def test_feeds(name):
    blog = read_liveblog(FIXTURES / name)
    assert blog.title == "Harbour strike: live updates"
    assert not any(e.is_lead for e in blog.entries)
    first, second = blog.entries
    assert first.time_utc == utc("2025-03-04T08:02:31") and second.time_utc == utc("2025-03-04T07:12:09")
    assert first.headline == "Ferries to Crete cancelled"
    # content:encoded wins over the short description; HTML bodies are read as text.
    assert first.body == "Evening sailings from Piraeus to Heraklion will not leave, the operator said."
    assert second.body == "Several hundred workers stood outside the gate in Piraeus before dawn."
    assert first.url == "https://harbour-post.example/live/strike#u2"
    assert blog.newest_first


def test_an_rss_item_without_a_date_is_skipped_with_a_warning():
    blog = read_liveblog(FIXTURES / "updates.rss")
    assert any("item 3 has no usable time" in w for w in blog.warnings)


def test_a_feed_is_recognised_from_its_content():
    text = (FIXTURES / "updates.atom").read_text(encoding="utf-8")
    assert len(parse_liveblog(text.encode(), filename="https://x.example/live").entries) == 2


def test_entity_declarations_in_a_feed_are_refused():
    bomb = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            '<rss version="2.0"><channel><title>&b;</title><item><title>x</title>'
            '<pubDate>Tue, 04 Mar 2025 10:02:31 GMT</pubDate></item></channel></rss>')
    with pytest.raises(LiveBlogError, match=r"bomb\.rss: not a readable feed"):
        parse_liveblog(bomb, filename="bomb.rss")


def test_navigation_banners_and_footers_give_no_entry_and_no_lead_place():
    blog = read_liveblog(FIXTURES / "furniture.html")
    lead, *entries = blog.entries
    assert lead.headline == "Border crossing live: lorries queue at Kapitan Andreevo"
    assert lead.body == "Drivers waiting to leave Bulgaria for Turkey describe a night in their cabs."
    assert [e.time_utc for e in entries] == [utc("2025-02-10T09:41:27"), utc("2025-02-10T07:05:00")]
    assert entries[0].body == "The queue now stretches back past Svilengrad, a driver from Plovdiv told us."
    assert entries[1].body.startswith("Customs officers")
    furniture_places = ["Vienna", "Lisbon", "Brussels", "Africa", "Asia", "Europe", "Brazil", "Canada", "Mexico",
                        "Kenya", "Peru", "Chile", "Japan", "Nairobi", "Lima", "Oslo", "Madrid", "Rome", "Dublin",
                        "Warsaw", "Helsinki"]
    text = "\n".join(e.text for e in blog.entries)
    assert [name for name in furniture_places if name in text] == []
    for furniture in ("Related stories", "Accept all", "cookies"):
        assert furniture not in text
    # And so the geoparser is never shown them: every place it finds is one the story names.
    from gazetteer import geoparse

    found = {m.text for e in blog.entries for m in geoparse(e.text, text) if m.place is not None}
    assert {"Bulgaria", "Svilengrad"} <= found and not found & set(furniture_places)


def test_a_headline_link_and_a_permalink_time_are_not_a_menu():
    page = """<html><body><main>
      <article><p><a href="#p2"><time datetime="2025-02-10T10:00:00Z">10:00</time></a></p>
        <h2><a href="/story">Queue shortens at the crossing</a></h2><p>Lorries moved again near Edirne.</p></article>
      <article><p><a href="#p1"><time datetime="2025-02-10T09:00:00Z">09:00</time></a></p>
        <p>First update of the day.</p></article>
    </main></body></html>"""
    entries = timed(parse_liveblog(page, filename="p.html"))
    assert [e.headline for e in entries] == ["Queue shortens at the crossing", ""]
    assert entries[0].body == "Lorries moved again near Edirne."
