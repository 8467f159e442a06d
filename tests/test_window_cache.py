"""What a slider step reuses: the window's layer script, legend and histogram, built once and shared by
every session (dashboard.ui.loaders), and drawn the same as when each run built them."""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pandas as pd

from dashboard.store import EventStore
from dashboard.ui import loaders, sized_cache
from dashboard.ui import map as map_ui
from dashboard.view import filters, histogram, mapdata, paths


def _opened(db):
    path, stamp = str(db), loaders.store_stamp(db)
    with EventStore(db) as store:
        source_ids = tuple(int(s) for s in store.sources()["source_id"])
    times, _, _ = loaders.load_stops(path, stamp, source_ids, False)
    return path, stamp, source_ids, times


def test_a_windows_layer_is_built_once_and_each_session_gets_its_own_group(small_blog_db):
    path, stamp, source_ids, times = _opened(small_blog_db)
    chosen = filters.Filters()
    first = loaders.load_layer_script(path, stamp, source_ids, chosen, (times[0], times[-1]))
    again = loaders.load_layer_script(path, stamp, source_ids, chosen, (times[0], times[-1]))
    later = loaders.load_layer_script(path, stamp, source_ids, chosen, (times[2], times[-1]))
    assert first is again  # shared, not rebuilt
    assert later != first
    data = loaders.load_filtered(path, stamp, source_ids, chosen)
    places = mapdata.window_places(data, (times[0], times[-1]))
    moves = paths.window_paths(paths.laid_over(loaders.load_paths(path, stamp, source_ids), data.mentions),
                               (times[0], times[-1]))
    assert first == map_ui.layer_script(map_ui.places_payload(data, mapdata.for_drawing(places), paths=moves))
    # st_folium adds the group to the session's own map: two sessions never hold the same group.
    one = loaders.load_layer(path, stamp, source_ids, chosen, (times[0], times[-1]))
    two = loaders.load_layer(path, stamp, source_ids, chosen, (times[0], times[-1]))
    assert one is not two


def test_one_data_set_is_loaded_however_a_loader_is_called(small_blog_db, monkeypatch):
    """A cached loader's default arguments count as given: the filter options (which leave the clock to
    its default) read the page's data set, not a second copy of the store."""
    path, stamp, source_ids, _ = _opened(small_blog_db)
    loaded = loaders.load_map_data(path, stamp, source_ids, False)
    reads: list[int] = []
    entries = EventStore.entries
    monkeypatch.setattr(EventStore, "entries", lambda self, *a, **k: reads.append(1) or entries(self, *a, **k))
    assert loaders.load_map_data(path, stamp, source_ids) is loaded
    assert loaders.load_map_data(path, stamp, source_ids, happened=False) is loaded
    places, _ = loaders.load_filter_options(path, stamp, source_ids)
    assert loaders.load_filtered(path, stamp, source_ids, filters.Filters()) is loaders.load_filtered(
        path, stamp, source_ids, filters.Filters(), False)
    assert reads == [] and set(places) == set(loaded[0].mentions["place_id"].astype(str))


def test_the_ring_of_a_chosen_entry_is_drawn_on_the_shared_layer(small_blog_db):
    path, stamp, source_ids, times = _opened(small_blog_db)
    chosen = filters.Filters()
    data = loaders.load_filtered(path, stamp, source_ids, chosen)
    entry_id = int(data.entries["entry_id"].iloc[1])
    plain = loaders.load_layer(path, stamp, source_ids, chosen, (times[0], times[-1]))
    ringed = loaders.load_layer(path, stamp, source_ids, chosen, (times[0], times[-1]), ring=entry_id)
    assert len(ringed._children) > len(plain._children) == 1


def test_the_histogram_for_a_window_is_the_chart_drawn_for_it(small_blog_db):
    path, stamp, source_ids, times = _opened(small_blog_db)
    window = (times[1], times[2])
    shared = loaders.load_histogram(path, stamp, source_ids, False, window)
    _, counts, colours = loaders.load_timeline(path, stamp, source_ids, False)
    drawn = histogram.chart(counts, window, colours).to_dict()

    def parts(spec: dict) -> tuple:
        """Each layer as drawn, its rows read wherever they are (a named dataset or the layer itself),
        the window's band apart."""
        band = spec["layer"][0]["data"]["name"]
        layers = [{**layer, "data": "BAND" if layer["data"].get("name") == band else
                   layer["data"].get("values", spec["datasets"].get(layer["data"].get("name")))}
                  for layer in spec["layer"]]
        layout = {k: v for k, v in spec.items() if k not in ("datasets", "config", "layer")}
        return json.dumps([layout, layers], sort_keys=True), spec["datasets"][band]

    assert parts(shared) == parts(drawn)
    # Only the band goes to Streamlit as a dataset to convert on a step; the counts are in their layer.
    assert list(shared["datasets"]) == [shared["layer"][0]["data"]["name"]]
    assert sum(row["count"] for row in shared["layer"][1]["data"]["values"]) == len(loaders.load_map_data(
        path, stamp, source_ids)[0].entries)
    # Another window shades another band and leaves the shared spec as it was.
    other = loaders.load_histogram(path, stamp, source_ids, False, (times[0], times[-1]))
    assert parts(other)[1] != parts(shared)[1]
    assert parts(loaders.load_histogram(path, stamp, source_ids, False, window)) == parts(shared)


def test_the_window_caches_keep_what_their_budget_holds_and_drop_the_oldest_first(small_blog_db, monkeypatch):
    path, stamp, source_ids, times = _opened(small_blog_db)
    chosen = filters.Filters()
    windows = [(times[i], times[-1]) for i in range(3)]
    kept = loaders.window_cache()
    kept.clear()
    monkeypatch.setattr(kept, "max_bytes", 10**9)
    first = [loaders.load_window(path, stamp, source_ids, chosen, w) for w in windows]
    assert all(loaders.load_window(path, stamp, source_ids, chosen, w) is made
               for w, made in zip(windows, first, strict=True))
    # A budget that holds two of them: the least recently used goes, the two others stay.
    sizes = [sized_cache.weigh(f) for f in first]
    monkeypatch.setattr(kept, "max_bytes", sizes[1] + sizes[2] + 1)
    kept.clear()
    again = [loaders.load_window(path, stamp, source_ids, chosen, w) for w in windows]
    assert kept.bytes <= kept.max_bytes and len(kept) == 2
    assert loaders.load_window(path, stamp, source_ids, chosen, windows[2]) is again[2]
    assert loaders.load_window(path, stamp, source_ids, chosen, windows[1]) is again[1]
    assert loaders.load_window(path, stamp, source_ids, chosen, windows[0]) is not again[0]  # dropped, made again
    kept.clear()


def test_a_sized_cache_drops_least_recently_used_by_count_and_by_weight():
    cache = sized_cache.SizedCache(max_entries=3, max_bytes=950, weigher=len)
    made = []

    def value(text: str):
        return lambda: made.append(text) or text

    for key in "abc":
        cache.get(key, value(key * 100))
    cache.get("a", value("never"))  # kept: not made again, and now the newest
    cache.get("d", value("d" * 100))  # a fourth: the least recently used (b) goes
    assert made == ["a" * 100, "b" * 100, "c" * 100, "d" * 100] and len(cache) == 3
    cache.get("b", value("b" * 100))
    assert made[-1] == "b" * 100  # made again
    cache.get("e", value("e" * 900))  # over the weight: the oldest go until it fits
    assert cache.bytes == 900 and len(cache) == 1
    assert cache.get("huge", value("h" * 2000)) == "h" * 2000  # heavier than the budget: handed back, not kept
    assert len(cache) == 1 and cache.bytes == 900


def test_a_window_of_many_places_is_weighed_near_what_it_holds():
    rng = np.random.default_rng(1)
    flat = rng.integers(0, 10**6, 12 * 20_000)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    places = pd.DataFrame({"label": [f"Place number {i} of the window" for i in range(20_000)],
                           "count": np.arange(20_000), "listed": [flat[i * 12:(i + 1) * 12] for i in range(20_000)]})
    held = tracemalloc.get_traced_memory()[0] - before + flat.nbytes
    tracemalloc.stop()
    assert 0.7 * held < sized_cache.weigh(places) < 1.5 * held
