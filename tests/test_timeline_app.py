"""The timeline in the app (AppTest): three blogs from different years, the years in the slider's
labels and the caption, the slider by time, the cumulative switch, and both in the link."""

from __future__ import annotations

import re
from pathlib import Path

import browser_support as B
import pandas as pd
import pytest
from app_support import run_app

from dashboard.store import EventStore
from dashboard.ui import keys
from dashboard.ui.viewstate import BY_TIME


def years_blogs() -> dict[str, list[B.Entry]]:
    """Three short blogs of our own, in 2023, 2024 and 2025."""
    return {
        "spring-2023": [B.entry("2023-03-04T11:18:00+00:00", "Market reopens in Homs", "Stalls in Homs opened."),
                        B.entry("2023-03-04T15:00:00+00:00", "Rain in Damascus", "Heavy rain fell on Damascus.")],
        "summer-2024": [B.entry("2024-07-01T09:00:00+00:00", "Port quiet", "Few ships called at Tartus.")],
        "winter-2025": [B.entry("2025-12-13T08:00:00+00:00", "Snow on the hills", "Snow fell east of Homs."),
                        B.entry("2025-12-13T15:30:00+00:00", "Roads cleared", "Ploughs reached Damascus.")],
    }


@pytest.fixture
def years_db(tmp_path) -> Path:
    db = tmp_path / "events.db"
    with EventStore(db) as store:
        for name, entries in years_blogs().items():
            B.write_blog(store, name, entries)
    return db


def caption(at) -> str:
    return next(c.value for c in at.caption if re.search(r" places? (between|up to) ", c.value))


def all_three(at):
    ids = list(at.multiselect[0].options)
    at.multiselect[0].set_value(ids).run()
    return at


def test_three_years_show_their_years_in_the_slider_and_caption(years_db, monkeypatch):
    at = all_three(run_app(years_db, monkeypatch))
    slider = at.select_slider[0]
    labels = list(slider.options)  # AppTest gives them as the slider shows them
    assert labels == ["4 Mar 2023 11:18", "4 Mar 2023 15:00", "1 Jul 2024 09:00", "13 Dec 2025 08:00",
                      "13 Dec 2025 15:30"]
    assert "between 4 Mar 2023 11:18 and 13 Dec 2025 15:30 UTC" in caption(at)
    slider.set_range(1, 3).run()
    assert caption(at).startswith("3 entries") and "between 4 Mar 2023 15:00 and 13 Dec 2025 08:00 UTC" in caption(at)


def test_by_time_and_cumulative_follow_the_link_and_agree_with_the_caption(years_db, monkeypatch):
    at = all_three(run_app(years_db, monkeypatch))
    at.radio(key=keys.SLIDER_MODE_KEY).set_value(BY_TIME).run()
    slider = at.select_slider[0]
    assert len(slider.options) > 100  # a stop every week over almost three years, entries or not
    _, last = slider.value
    assert caption(at).startswith("5 entries")
    end_label = slider.options[last]
    assert f"and {end_label} UTC (stops of 1 week, the last one whole)" in caption(at)
    at.select_slider[0].set_range(0, 10).run()
    assert caption(at).startswith("2 entries")
    at.toggle(key=keys.CUMULATIVE_KEY).set_value(True).run()
    assert "up to " in caption(at) and caption(at).startswith("2 entries")
    assert (at.query_params["by"], at.query_params["upto"]) == ("time", "1")

    again = run_app(years_db, monkeypatch, blog=list(years_blogs()), by="time", upto="1")
    assert again.radio(key=keys.SLIDER_MODE_KEY).value == BY_TIME
    assert again.toggle(key=keys.CUMULATIVE_KEY).value is True
    assert "up to " in caption(again)


def test_downloads_are_named_after_the_blog_and_the_window(years_db, monkeypatch):
    from dashboard.view.entries_table import file_stem

    T = pd.Timestamp
    assert file_stem(["Harbour towns: live!"], (T("2024-12-13T08:00Z"), T("2024-12-13T11:30Z"))) == \
        "harbour-towns-live_2024-12-13T0800-1130"
    assert file_stem(["Ţarţūs", "b", "c"], (T("2023-03-04T11:18Z"), T("2025-12-13T15:30Z"))) == \
        "tartus_and_2_more_2023-03-04T1118-2025-12-13T1530"
    assert file_stem(["<script>"], (T("2024-12-13T08:00Z"), T("2024-12-13T08:00Z"))) == "script_2024-12-13T0800-0800"
    # The name is not in what AppTest sees of a button built on click: the call is watched instead.
    import streamlit

    named, button = [], streamlit.download_button
    monkeypatch.setattr(streamlit, "download_button", lambda *a, **k: named.append(k["file_name"]) or button(*a, **k))
    run_app(years_db, monkeypatch)
    # The places downloads after the blog and the window; the review's corrections after the blog.
    assert sorted(named) == sorted([f"winter-2025_2025-12-13T0800-1530.{f}" for f in ("csv", "geojson", "kml")]
                                   + ["winter-2025_corrections.csv"])
