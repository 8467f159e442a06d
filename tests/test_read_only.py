"""Serving readers only (`serve --read-only`, DASHBOARD_READ_ONLY=1): the store opened with SQLite's
mode=ro, no control that would change it, and every write path refused with StoreReadOnly."""

from __future__ import annotations

import hashlib
import shutil
import stat
from pathlib import Path

import browser_support as B
import pytest
from app_support import run_app

from dashboard import settings
from dashboard.store import EventStore, StoreReadOnly
from dashboard.store.rows import entry_rows
from dashboard.ui import keys, loaders
from gazetteer.places import Place

# What only an editor's page has: the sidebar's forms and panels, and the entry panel's and review
# queue's expanders (the review queue's title counts its groups, so it is matched by its start).
EDITING_EXPANDERS = ("Add a live blog", "Follow a live page", "Blogs", "Correct a place",
                     "Add a place the geoparser missed", "Review doubtful places")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def read_only_copy(small_blog_db, tmp_path) -> Path:
    """A copy of the small blog's store with mode 0444, as an operator would publish it."""
    copy = tmp_path / "published" / "events.db"
    copy.parent.mkdir()
    with EventStore(small_blog_db):  # closed: its write-ahead log is checkpointed into the file
        pass
    shutil.copyfile(small_blog_db, copy)
    copy.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return copy


def expander_labels(at) -> list[str]:
    return [expander.label for expander in at.expander]


def open_an_entry(at) -> None:
    """Choose a place in the panel, so that an entry (and, for an editor, its correction forms) shows."""
    at.selectbox(key=keys.PLACE_PICKER_KEY).select_index(0).run()
    assert not at.exception, at.exception


def test_an_editors_page_has_the_editing_controls(small_blog_db, monkeypatch):
    monkeypatch.delenv("DASHBOARD_READ_ONLY", raising=False)
    at = run_app(small_blog_db, monkeypatch)
    open_an_entry(at)
    labels = expander_labels(at)
    for wanted in EDITING_EXPANDERS:
        assert any(label.startswith(wanted) for label in labels), (wanted, labels)


def test_a_read_only_page_shows_the_map_and_no_control_that_changes_the_store(read_only_copy, monkeypatch):
    before = digest(read_only_copy)
    monkeypatch.setenv("DASHBOARD_READ_ONLY", "1")
    at = run_app(read_only_copy, monkeypatch)
    open_an_entry(at)
    labels = expander_labels(at)
    for unwanted in EDITING_EXPANDERS:
        assert not any(label.startswith(unwanted) for label in labels), (unwanted, labels)
    assert not at.get("file_uploader") and not at.text_area
    assert not [button for button in at.button if button.label in ("Rename", "Delete", "Stop following")]
    assert any(caption.value.startswith("4 entries") for caption in at.caption)  # the window: the whole blog
    assert digest(read_only_copy) == before


def test_a_read_only_page_on_an_empty_store_says_so_and_adds_nothing(tmp_path, monkeypatch):
    db = tmp_path / "events.db"
    EventStore(db).close()
    before = digest(db)
    monkeypatch.setenv("DASHBOARD_READ_ONLY", "1")
    at = run_app(db, monkeypatch)
    assert [info.value for info in at.info] == ["The event store holds no live blog yet."]
    assert digest(db) == before


def test_the_app_opens_the_store_read_only_when_told(read_only_copy, monkeypatch):
    monkeypatch.setenv("DASHBOARD_READ_ONLY", "1")
    assert settings.read_only()
    assert loaders.open_store(str(read_only_copy)).read_only
    monkeypatch.setenv("DASHBOARD_READ_ONLY", "0")
    assert not settings.read_only()


def test_every_write_path_of_a_read_only_store_is_refused(read_only_copy):
    before = digest(read_only_copy)
    place = Place("gn:1", "Damascus", 33.5, 36.3, "P", "PPLC", "SY")
    with EventStore(read_only_copy, read_only=True) as store:
        entry_id = int(store.entries()["entry_id"].iloc[0])
        rows = entry_rows(B.small_blog()[:1])
        writes = {
            "write_blog": lambda: store.write_blog(source="new", title="", url=None, rows=rows,
                                                   mentions={rows[0].key: []}),
            "rename_blog": lambda: store.rename_blog("small-blog", "renamed"),
            "delete_blog": lambda: store.delete_blog("small-blog"),
            "correct_mention": lambda: store.correct_mention(entry_id, 0, 8, "Damascus", place, author="reader"),
            "remove_correction": lambda: store.remove_correction(entry_id, 0, 8, "Damascus"),
            "decide": lambda: store.decide("Damascus", "not-a-place", None, author="reader", entry_ids=[entry_id]),
            "add_mention": lambda: store.add_mention(entry_id, 0, 8, "Damascus", place, author="reader"),
            "undo": lambda: store.undo("any-batch"),
        }
        for name, write in writes.items():
            with pytest.raises(StoreReadOnly, match="open read-only"):
                write()
            assert digest(read_only_copy) == before, name
        assert [blog.name for blog in store.blogs()] == ["small-blog"]


@pytest.mark.browser
def test_a_read_only_server_shows_a_reader_the_map_and_the_entries_and_nothing_to_edit(read_only_copy, browser):
    before = digest(read_only_copy)
    with B.streamlit_server(read_only_copy, serve_args=["--read-only"]) as url:
        page, frame, guard, dialogs = B.open_app(browser, url)
        with B.screenshot_on_failure(page, "read-only"):
            assert sum(B.layer_places(frame).values()) > 0
            # A reader picks a place and reads its entries, as on any server.
            box = page.locator('input[aria-label="Place"]')
            box.click()
            box.press_sequentially("Homs")
            page.get_by_role("option").filter(has_text="Homs").first.click()
            B.wait_idle(page)
            page.get_by_text("Quiet morning in Homs").first.wait_for()
            shown = page.locator('[data-testid="stApp"]').inner_text()
            for unwanted in EDITING_EXPANDERS:
                assert unwanted not in shown, unwanted
            assert page.locator('input[type="file"]').count() == 0
            assert page.get_by_role("button", name="Rename").count() == 0
            assert guard.outside == [] and dialogs == []
    assert digest(read_only_copy) == before
