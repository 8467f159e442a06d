"""The app's Blogs panel (rename, delete after a confirmation) and the page naming the blogs shown."""

from __future__ import annotations

import browser_support as B
import pytest
from app_support import run_app

from dashboard.store import EventStore
from dashboard.ui import keys
from dashboard.ui.blogs import page_title, shown_html, shown_names


@pytest.fixture
def two_blogs(tmp_path):
    db = tmp_path / "events.db"
    with EventStore(db) as store:
        B.write_blog(store, "small-blog", B.small_blog())
        B.write_blog(store, B.HOSTILE_SOURCE, [B.hostile_entry("2023-05-01T10:00:00+00:00")], B.hostile_places())
    return db


def test_the_names_of_the_blogs_shown():
    assert shown_names(["a"]) == "a"
    assert shown_names(["a", "b"]) == "a and b"
    assert shown_names(["a", "b", "c"]) == "a, b and c"
    assert shown_names(["a", "b", "c", "d", "e"]) == "a, b and 3 more"
    assert page_title(["Coast"]) == "Coast · Live-blog map" and page_title([]) == "Live-blog map"
    assert "<script>" not in shown_html([B.HOSTILE_SOURCE]) and "&lt;script&gt;" in shown_html([B.HOSTILE_SOURCE])


def test_the_page_names_the_blog_shown(two_blogs, monkeypatch):
    at = run_app(two_blogs, monkeypatch)
    shown = [h.value for h in at.html if 'class="lbm-shown"' in h.value]
    assert len(shown) == 1 and "&lt;script&gt;" in shown[0] and "<script>" not in shown[0]


def test_rename_and_delete_in_the_blogs_panel(two_blogs, monkeypatch):
    at = run_app(two_blogs, monkeypatch)
    at.selectbox(key=keys.BLOG_MANAGE_KEY).set_value("small-blog").run()
    at.text_input(key=keys.BLOG_NEW_NAME_KEY).input("Coast roads").run()
    at.button(key="blogs-rename").click().run()
    assert not at.exception
    assert any("Renamed “small-blog” to “Coast roads”" in s.value for s in at.success)
    with EventStore(two_blogs) as store:
        assert sorted(b.name for b in store.blogs()) == sorted(["Coast roads", B.HOSTILE_SOURCE])

    at.selectbox(key=keys.BLOG_MANAGE_KEY).set_value("Coast roads").run()
    assert at.button(key="blogs-delete").disabled  # not before the box is ticked
    at.checkbox(key=keys.BLOG_CONFIRM_KEY).check().run()
    at.button(key="blogs-delete").click().run()
    assert not at.exception
    assert any("Deleted “Coast roads”" in s.value for s in at.success)
    with EventStore(two_blogs) as store:
        assert [b.name for b in store.blogs()] == [B.HOSTILE_SOURCE]
        assert len(store.entries()) == 1
    shown = next(h.value for h in at.html if 'class="lbm-shown"' in h.value)
    assert "Hostile blog" in shown
