"""The app's logic through Streamlit's AppTest: the store is opened (or filled with the sample), the
time window decides the entries and places, choosing a place selects its entries, several blogs
can be shown together, and blog text reaches the page only as escaped text.

In AppTest the st_folium component is an UnknownElement returning its default value, so map clicks
are proven in tests/test_browser.py; here a place is chosen with the picker beside the map.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import browser_support as B
import pytest
from app_support import APP, run_app
from streamlit.testing.v1 import AppTest

from dashboard.settings import SAMPLE_BLOG
from dashboard.store import EventStore

DAMASCUS, HOMS, TARTUS, SYRIA = (B.PLACES[n].place_id for n in ("Damascus", "Homs", "Tartus", "Syria"))


@pytest.fixture
def small_store(tmp_path) -> Path:
    db = tmp_path / "events.db"
    with EventStore(db) as store:
        B.write_blog(store, "small-blog", B.small_blog(), title="A small blog", url="https://example.org/blog")
    return db


def window_caption(at: AppTest) -> tuple[int, int]:
    caption = next(c.value for c in at.caption if re.search(r" places? between ", c.value))
    entries, places = re.match(r"(\d+) entr(?:y|ies) and (\d+) places?", caption).groups()
    return int(entries), int(places)


def panel_html(at: AppTest) -> str:
    """The entry panel's HTML (the entry, or the latest entries), without the resolution table."""
    return "\n".join(h.value for h in at.html
                     if '<div class="lbm-entry">' in h.value or '<ol class="lbm-latest">' in h.value)


def panel_text(at: AppTest) -> str:
    """What the panel reads as, tags removed."""
    return html.unescape(re.sub(r"<[^>]*>", "", panel_html(at)))


def test_app_fills_an_empty_store_with_the_sample(tmp_path, monkeypatch):
    db = tmp_path / "empty.db"
    at = run_app(db, monkeypatch, timeout=600)
    with EventStore(db) as store:
        assert list(store.sources()["name"]) == [SAMPLE_BLOG.stem]
        entries, mentions = store.entries(), store.mentions()
    assert len(entries) > 0 and len(mentions) > 0
    assert window_caption(at) == (len(entries), mentions["place_id"].nunique())
    slider = at.select_slider[0]
    assert slider.label == "Time window"
    assert slider.value == (0, entries["time_utc"].nunique() - 1)
    assert at.title[0].value == "Live-blog map"


def test_the_window_decides_the_entries_and_places(small_store, monkeypatch):
    at = run_app(small_store, monkeypatch)
    assert window_caption(at) == (4, 4)
    assert sorted(at.selectbox(key="place").options) == sorted(["Damascus · 2 entries", "Homs · 2 entries",
                                                                "Tartus · 1 entry", "Syria · 2 entries"])
    at.select_slider[0].set_range(2, 3).run()
    assert window_caption(at) == (2, 3)
    assert sorted(at.selectbox(key="place").options) == ["Homs · 1 entry", "Syria · 2 entries",
                                                         "Tartus · 1 entry"]
    latest = panel_text(at)
    assert "Quiet morning in Homs" in latest and "Ships leave Tartus" in latest
    assert "Bakeries in Damascus" not in latest
    at.select_slider[0].set_range(0, 0).run()
    assert window_caption(at) == (1, 1)
    assert at.selectbox(key="place").options == ["Damascus · 1 entry"]


def test_choosing_a_place_selects_its_entries(small_store, monkeypatch):
    at = run_app(small_store, monkeypatch)
    at.selectbox(key="place").select(DAMASCUS).run()
    entry_picker = at.selectbox(key=f"entry-{DAMASCUS}")
    assert entry_picker.options == ["13 Dec 09:00  Road to Homs open again",
                                    "13 Dec 08:00  Bakeries in Damascus open early"]
    shown = panel_text(at)
    assert "Road to Homs open again" in shown and "Bakeries" not in shown
    assert '<mark class="lbm-chosen" title="Damascus, SY">Damascus</mark>' in panel_html(at)
    assert "Agency photo" in shown  # the caption's credit
    entry_picker.select_index(1).run()
    shown = panel_text(at)
    assert "Bakeries in Damascus open early" in shown and "Road to Homs" not in shown
    # A place named by one entry needs no entry picker; its entry links to its own page.
    at.selectbox(key="place").select(TARTUS).run()
    assert not [s for s in at.selectbox if s.key and s.key.startswith("entry-") and s.key.endswith(TARTUS)]
    assert "Ships leave Tartus" in panel_text(at)
    assert '<a href="https://example.org/blog#10"' in panel_html(at)
    assert "Homs Lake" in "\n".join(h.value for h in at.html)  # the runner-up candidate


def test_a_place_outside_the_window_is_unselected(small_store, monkeypatch):
    at = run_app(small_store, monkeypatch)
    at.selectbox(key="place").select(TARTUS).run()
    at.select_slider[0].set_range(0, 1).run()
    assert at.selectbox(key="place").value is None
    at.selectbox(key="place").select(HOMS).run()
    at.select_slider[0].set_range(1, 3).run()
    assert at.selectbox(key="place").value == HOMS
    assert at.selectbox(key=f"entry-{HOMS}").options[0] == "13 Dec 11:00  Quiet morning in Homs"


def test_hostile_text_reaches_the_page_escaped(tmp_path, monkeypatch):
    db = tmp_path / "hostile.db"
    with EventStore(db) as store:
        B.write_blog(store, "small-blog", [*B.small_blog(), B.hostile_entry("2024-12-13T10:30:00+00:00")],
                     places={**B.PLACES, **B.hostile_places()})
    at = run_app(db, monkeypatch)
    at.selectbox(key="place").select(B.HOSTILE_PLACE.place_id).run()
    shown = "\n".join(h.value for h in at.html)
    for raw in ("<script", "<img", "<iframe", "<b ", 'href="javascript'):
        assert raw not in shown
    assert "&lt;script&gt;window.__pwned = &quot;headline&quot;&lt;/script&gt;" in shown
    assert "${window.__pwned = &quot;template&quot;}" in shown
    assert "href" not in panel_html(at).split("Source:")[0]
    # The picker shows the hostile place's label as text; the legend escapes nothing it need not.
    assert at.selectbox(key="place").value == B.HOSTILE_PLACE.place_id


def test_several_blogs_open_on_the_newest_and_show_together(tmp_path, monkeypatch):
    db = tmp_path / "two.db"
    with EventStore(db) as store:
        B.write_blog(store, B.HOSTILE_SOURCE, [B.hostile_entry("2024-12-12T18:00:00+00:00")],
                     places=B.hostile_places())
        B.write_blog(store, "small-blog", B.small_blog())
        ids = dict(zip(store.sources()["name"], store.sources()["source_id"], strict=True))
    at = run_app(db, monkeypatch)
    picker = at.multiselect[0]
    assert picker.label == "Live blogs" and picker.value == [ids["small-blog"]]
    assert set(picker.options) == {"small-blog", B.HOSTILE_SOURCE}
    assert window_caption(at) == (4, 4)
    picker.select(ids[B.HOSTILE_SOURCE]).run()
    assert window_caption(at) == (5, 5)
    legend = "\n".join(h.value for h in at.html if "lbm-legend" in h.value)
    assert "&lt;script&gt;window.__pwned=&quot;source&quot;&lt;/script&gt;" in legend
    assert "<script" not in legend
    at.multiselect[0].unselect(ids["small-blog"]).unselect(ids[B.HOSTILE_SOURCE]).run()
    assert any("Choose a live blog" in i.value for i in at.info)


def test_a_store_that_cannot_be_opened_is_reported(tmp_path, monkeypatch):
    db = tmp_path / "not-a-store.db"
    db.write_bytes(b"<script>alert(1)</script> this is not an SQLite file" * 100)
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "could not be opened" in at.error[0].value
    assert str(db) in at.code[0].value
    assert db.read_bytes().startswith(b"<script>")  # nothing was written over it
