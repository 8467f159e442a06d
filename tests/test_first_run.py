"""The first visit to an empty store says what it is doing: building the place index (when it is
missing), and only then reading the sample live blog."""

from __future__ import annotations

import contextlib

import streamlit
from app_support import run_app

import dashboard.ui.loaders
from dashboard.store import EventStore
from gazetteer import Gazetteer


def test_the_index_is_built_under_its_own_message_before_the_sample_is_read(tmp_path, monkeypatch):
    said: list[str] = []  # spinner messages, "+" on entering and "-" on leaving
    open_spinners: list[str] = []
    first_load: list[list[str]] = []
    real_spinner, real_default = streamlit.spinner, Gazetteer.default.__func__

    @contextlib.contextmanager
    def spinner(text: str = "", **kwargs):
        said.append("+" + text)
        open_spinners.append(text)
        with real_spinner(text, **kwargs):
            yield
        open_spinners.pop()
        said.append("-" + text)

    def default(cls):
        if not first_load:
            first_load.append(list(open_spinners))
        return real_default(cls)

    monkeypatch.setattr(streamlit, "spinner", spinner)
    monkeypatch.setattr(Gazetteer, "default", classmethod(default))
    monkeypatch.setattr(Gazetteer, "_default", None)  # so this visit loads it, as a first one does
    monkeypatch.setattr(dashboard.ui.loaders, "index_is_current", lambda: False)  # as on a fresh machine

    db = tmp_path / "events.db"
    run_app(db, monkeypatch, timeout=600)
    building = "Building the place index (first run, about 40 s)…"
    assert first_load == [[building]], "the index is loaded under the building message alone"
    sample = next(text[1:] for text in said if "sample" in text)
    assert said.index("-" + building) < said.index("+" + sample)
    with EventStore(db) as store:
        assert len(store.entries()) > 0


def test_with_the_index_in_place_the_first_visit_never_says_building(tmp_path, monkeypatch):
    said: list[str] = []
    real_spinner = streamlit.spinner

    def spinner(text: str = "", **kwargs):
        said.append(text)
        return real_spinner(text, **kwargs)

    monkeypatch.setattr(streamlit, "spinner", spinner)
    monkeypatch.setattr(dashboard.ui.loaders, "index_is_current", lambda: True)
    run_app(tmp_path / "events.db", monkeypatch, timeout=600)
    assert not [text for text in said if "place index" in text]
    assert [text for text in said if "sample" in text]
