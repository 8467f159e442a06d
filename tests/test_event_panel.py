"""The entry panel says when the events it tells of happened, where the text dates them apart from the
report: "happened Fri 2 May, morning – from ‘on Friday morning’", "expected …" for coming ones."""

from __future__ import annotations

import pandas as pd
import pytest
from word_geoparser import WordGeoparser, blog, entry

from dashboard.ingest import ingest_blog
from dashboard.store import EventStore
from dashboard.view import panel

# 4 May 2031, the entry's day, is a Sunday.
CONVOY = entry(60, "Convoy update", "Trucks left Homs on Friday morning and reached Tartus. Ministers will "
                                    "meet in Cairo on Tuesday. Crowds gathered in Aleppo.")
T = pd.Timestamp


@pytest.fixture
def stored(tmp_path):
    with EventStore(tmp_path / "events.db") as store:
        ingest_blog(blog([CONVOY]), store, source="test-blog", geoparser=WordGeoparser())
        yield store.entries().iloc[0], store.mentions()


def test_the_panel_says_when_events_happened_and_which_are_expected(stored):
    row, mentions = stored
    assert panel.when_lines(mentions) == [
        "Homs, Ţarţūs: happened Fri 2 May, morning – from ‘on Friday morning’",
        "Cairo: expected Tue 6 May – from ‘on Tuesday’",
    ]
    out = panel.entry_html(row, mentions)
    assert '<ul class="lbm-when">' in out and "happened Fri 2 May, morning" in out
    # A place at its report time gets no line; its highlight's title names only the place.
    assert "Aleppo:" not in out and 'title="Aleppo, SY"' in out
    assert 'title="Homs, SY · happened Fri 2 May, morning – from ‘on Friday morning’"' in out


def test_an_entry_all_at_its_report_time_has_no_list(tmp_path):
    with EventStore(tmp_path / "events.db") as store:
        ingest_blog(blog([entry(5, "Calm", "Crowds gathered in Aleppo.")]), store, source="b",
                    geoparser=WordGeoparser())
        assert panel.when_html(store.mentions()) == ""
        assert "lbm-when" not in panel.entry_html(store.entries().iloc[0], store.mentions())


def test_what_reaches_the_panel_is_escaped():
    mentions = pd.DataFrame([{"start": 0, "place_name": "<b>Homs</b>", "event_start": T("2031-05-02T06:00Z"),
                              "event_end": T("2031-05-02T11:59:59Z"), "event_precision": "part of day",
                              "event_words": "on Friday <script>morning", "event_expected": False}])
    out = panel.when_html(mentions)
    assert "<b>" not in out and "<script>" not in out and "&lt;b&gt;Homs&lt;/b&gt;" in out


@pytest.mark.parametrize(("start", "end", "precision", "words", "said"), [
    # Intervals as the rules give them for a blog in Damascus (UTC+3) or New York (UTC-5): the dates said
    # are the blog's own whatever the zone.
    ("2024-12-08T03:00Z", "2024-12-08T08:59:59Z", "part of day", "on Sunday morning", "Sun 8 Dec, morning"),
    ("2024-12-07T18:00Z", "2024-12-08T02:59:59Z", "part of day", "overnight", "Sat 7 Dec, overnight"),
    ("2024-12-07T21:00Z", "2024-12-08T20:59:59Z", "day", "on Sunday", "Sun 8 Dec"),
    ("2024-12-08T05:00Z", "2024-12-09T04:59:59Z", "day", "on Sunday", "Sun 8 Dec"),
    ("2024-12-06T21:00Z", "2024-12-08T20:59:59Z", "day", "over the past two days", "Sat 7 Dec – Sun 8 Dec"),
    ("2024-12-02T05:00Z", "2024-12-09T04:59:59Z", "week", "last week", "Mon 2 Dec – Sun 8 Dec"),
    ("2024-11-30T21:00Z", "2024-12-31T20:59:59Z", "month", "in December", "December 2024"),
    ("2011-01-01T00:00Z", "2024-12-31T23:59:59Z", "year", "since 2011", "2011 – 2024"),
    ("2024-12-08T02:00Z", "2024-12-08T02:00Z", "minute", "at 2am", "Sun 8 Dec, 02:00 UTC"),
    ("2024-12-08T01:30Z", "2024-12-08T02:30Z", "hour", "two hours ago", "Sun 8 Dec, about 02:00 UTC"),
])
def test_when_words_follow_the_precision(start, end, precision, words, said):
    assert panel.when_words(T(start), T(end), precision, words) == said
