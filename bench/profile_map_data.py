"""Where the app's time and memory go on a big store, stage by stage, without a browser: prints figures.

    .venv/bin/python bench/profile_map_data.py STORE [--copy-to DIR] [--app]

Each stage of what the app reads and works out for its first map (`dashboard.ui.loaders` and the page's
per-run work) is run in turn, with the wall time it took and the process's resident memory after it and
at its peak so far (/proc/self/status: VmRSS, VmHWM):

  entries, mentions, corrections laid over (with the clock), prepare, the slider's stops, the filter
  options, the first window's places (whole span), the drawing, the layer payload, the review queue
  and its summary, the table's first page, the panel (latest entries, and one place's entry).

With --app, the page itself then runs twice under Streamlit's AppTest (the caches filled by the first
run, as for a second visitor) and the second run is profiled: the functions of this project that took
the most time, i.e. what a warm first map still works out per session.

STORE is opened read-only; with --copy-to (a folder) a copy is made there once, migrated to this
program's schema and opened instead, so that a cached benchmark store is never touched.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def memory_mb() -> tuple[float, float]:
    """(resident now, peak resident) of this process, in MB."""
    now = peak = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            now = int(line.split()[1]) / 1024
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    return now, peak


def stage(name: str, work: Callable[[], Any]) -> Any:
    """Run one stage and print its time and the memory after it."""
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    now, peak = memory_mb()
    print(f"  {name:<34} {elapsed:8.2f} s   rss {now:7.0f} MB   peak {peak:7.0f} MB", flush=True)
    return result


def frame_mb(frame: Any) -> float:
    return float(frame.memory_usage(deep=True).sum()) / 2**20


def profile_stages(db: Path) -> None:
    import numpy as np

    from dashboard import corrections, settings
    from dashboard.store import EventStore
    from dashboard.ui import loaders
    from dashboard.ui import map as map_ui
    from dashboard.view import clock, compact, entries_table, filters, mapdata, panel, review, timeline

    store = EventStore(db, read_only=True)
    sources = store.sources()
    source_ids = tuple(int(s) for s in sources["source_id"])
    big = int(sources["entries"].sum()) > settings.text_in_store_entries()
    print(f"{db}: {int(sources['entries'].sum()):,} entries in {len(source_ids)} blogs "
          f"({'text left in the store' if big else 'text in memory'})")
    print(f"  {'stage':<34} {'time':>10}   {'memory after':>16}   {'peak so far':>15}")
    stage("(start)", lambda: None)
    held: dict[str, Any] = {}  # what a stage read, dropped as soon as the next stages no longer need it
    if big:  # as `loaders.load_map_data` holds a big store: the mentions compact, read without their events
        held["entries"] = stage("entries", lambda: store.entries(list(source_ids), with_text=False))
        held["raw"] = stage("mentions (without event times)", lambda: store.mentions(list(source_ids), events=False,
                                                                                  categories=True))
    else:
        held["entries"] = stage("entries", lambda: store.entries(list(source_ids)))
        held["raw"] = stage("mentions", lambda: store.mentions(list(source_ids)))
    raw = held["raw"]
    print(f"    (mentions as read: {len(raw):,} rows, {len(raw.columns)} columns, {frame_mb(raw):.0f} MB)")
    del raw
    held["laid"] = stage("corrections laid over", lambda: corrections.laid_over(
        store, list(source_ids), held["entries"], mentions=held.pop("raw")))
    held["mentions"] = stage("on the clock", lambda: clock.on_clock(held.pop("laid"), False))
    if big:
        held["mentions"] = stage("compact", lambda: compact.compact_mentions(held["mentions"]))
    print(f"    (entries {frame_mb(held['entries']):.0f} MB; mentions as held: {len(held['mentions']):,} rows, "
          f"{len(held['mentions'].columns)} columns, {frame_mb(held['mentions']):.0f} MB)")
    names = dict(zip(sources["source_id"], sources["name"], strict=True))
    data = stage("prepare", lambda: mapdata.prepare(
        held.pop("entries"), held.pop("mentions"), source_ids, {s: names[s] for s in source_ids},
        read_text=store.entries_by_id if big else None,
        read_mentions=partial(loaders._mentions_of, store, source_ids, False) if big else None))
    pairs_mb = sum(a.nbytes for a in (data.pair_ns, data.pair_place, data.pair_entry, data.pair_source)) / 2**20
    print(f"    (pair arrays {pairs_mb:.0f} MB for {len(data.pair_ns):,} pairs; places {len(data.places):,})")
    times, grain = stage("slider stops", lambda: timeline.slider_stops(
        timeline.entry_times(clock.clock_events(data.entries, data.mentions, False))))
    stage("filter options", lambda: (filters.place_options(data.mentions), filters.country_options(data.mentions)))
    window = timeline.window_between(times, 0, len(times) - 1, grain)
    places = stage("window places (whole span)", lambda: mapdata.window_places(data, window))
    rows = stage("window entry rows", lambda: mapdata.window_entry_rows(data, window))
    drawing = stage("drawing", lambda: mapdata.for_drawing(places))
    stage("layer payload (first: per-data columns)", lambda: map_ui.places_payload(data, drawing, frozenset()))
    stage("layer payload (again)", lambda: map_ui.places_payload(data, drawing, frozenset()))
    stage("review queue", lambda: review.doubtful_groups(data.entries, data.mentions,
                                                         with_text=lambda r: compact.with_text(data, r)))
    counts = {int(s): store.summary(int(s)).mentions for s in source_ids}
    stage("review summary", lambda: review.review_summary(counts, data.mentions))
    stage("table first page (first: per-data texts)", lambda: entries_table.table_frame(data, rows))
    stage("table first page (again)", lambda: entries_table.table_frame(data, rows))
    latest = data.entries.iloc[rows[::-1][:30]]
    stage("panel: latest entries", lambda: panel.entries_list_html(latest, data.mentions))
    code = int(places["code"].iloc[0])

    def one_place() -> str:
        row = mapdata.window_entry_rows(data, window, code)[-1]
        entry = compact.with_text(data, data.entries.iloc[[row]]).iloc[0]
        shown = store.with_runner_ups(compact.mentions_of(data, [int(entry["entry_id"])]))
        return panel.entry_html(entry, shown, None) + panel.resolution_html(shown)

    stage("panel: one place's entry", one_place)
    steps = np.linspace(0, len(times) - 2, 5).astype(int)
    for first in steps[1:]:
        w = timeline.window_between(times, int(first), len(times) - 1, grain)
        stage(f"a window from stop {int(first):,}", lambda w=w: mapdata.for_drawing(mapdata.window_places(data, w)))
    store.close()


def profile_app(db: Path, top: int) -> None:
    """The page twice under AppTest; the second (warm) run profiled."""
    from streamlit.testing.v1 import AppTest

    os.environ["DASHBOARD_DB"] = str(db)
    app = str(ROOT / "dashboard" / "app.py")
    profiler = cProfile.Profile()
    for label in ("cold", "warm"):
        at = AppTest.from_file(app, default_timeout=3600)
        started = time.perf_counter()
        if label == "warm":
            # AppTest runs the page in a thread of its own: the profiler is switched on in that thread.
            threading.setprofile(lambda *_: profiler.enable())
        at.run()
        threading.setprofile(None)  # type: ignore[arg-type]
        now, peak = memory_mb()
        print(f"app run ({label}): {time.perf_counter() - started:.2f} s, rss {now:.0f} MB, peak {peak:.0f} MB"
              f"{', exception: ' + str(at.exception) if at.exception else ''}", flush=True)
    print_profile("warm run", profiler, top)
    # A slider step: the start handle one stop on, as the arrow key moves it (a fragment rerun).
    slider = next(s for s in at.select_slider if s.label == "Time window")
    first, last = slider.value
    profiler = cProfile.Profile()
    for step in range(1, 3):
        started = time.perf_counter()
        threading.setprofile(lambda *_: profiler.enable())
        slider.set_value((first + step, last)).run()
        threading.setprofile(None)  # type: ignore[arg-type]
        now, peak = memory_mb()
        print(f"slider step {step}: {time.perf_counter() - started:.2f} s, rss {now:.0f} MB, peak {peak:.0f} MB"
              f"{', exception: ' + str(at.exception) if at.exception else ''}", flush=True)
        slider = next(s for s in at.select_slider if s.label == "Time window")
    print_profile("two slider steps", profiler, top)


def print_profile(name: str, profiler: cProfile.Profile, top: int) -> None:
    stats = pstats.Stats(profiler)
    print(f"{name}, this project's functions by cumulative time (top {top}):")
    rows = [(func, stat) for func, stat in stats.stats.items() if "/dashboard/" in func[0] or "/gazetteer/" in func[0]]
    rows.sort(key=lambda item: item[1][3], reverse=True)
    for (file, line, fname), (_, calls, _, cumulative, _) in rows[:top]:
        print(f"  {cumulative:7.2f} s  {calls:6d} calls  {Path(file).relative_to(ROOT)}:{line} {fname}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--copy-to", type=Path, default=None,
                        help="copy the store into this folder once, open the copy")
    parser.add_argument("--app", action="store_true", help="also profile a warm run of the page (AppTest)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-stages", action="store_true", help="only the page (with --app)")
    args = parser.parse_args(argv)
    db = args.store
    if args.copy_to is not None:
        args.copy_to.mkdir(parents=True, exist_ok=True)
        copy = args.copy_to / db.name
        if not copy.exists():
            shutil.copyfile(db, copy.with_name(copy.name + ".copying"))
            copy.with_name(copy.name + ".copying").replace(copy)
        db = copy
        from dashboard.store import EventStore

        started = time.perf_counter()
        with EventStore(db):  # the copy is brought to this program's schema (the original stays as it is)
            pass
        print(f"{db} opened to write (migrated when older): {time.perf_counter() - started:.1f} s")
    if not args.no_stages:
        profile_stages(db)
    if args.app:
        profile_app(db, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
