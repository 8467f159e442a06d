"""The frame: the app page renders its title, slider, map and panel on a store that has entries."""

from __future__ import annotations

from app_support import run_app


def test_app_page_renders_on_a_filled_store(small_blog_db, monkeypatch):
    at = run_app(small_blog_db, monkeypatch)
    assert not at.exception
    assert at.title[0].value == "Live-blog map"
    assert at.select_slider[0].label == "Time window"
    assert at.selectbox(key="place").label == "Place"
    assert not at.multiselect  # one blog: no blog picker
    # The map: the st_folium component, an unknown element to AppTest, named by its component.
    components = at.get("component_instance")
    assert len(components) == 1 and components[0].proto.component_name == "streamlit_folium.st_folium"
