"""Window answers from SQLite against the in-memory arrays: prints figures, asserts nothing.

    .venv/bin/python bench/bench_window_sql.py --db /tmp/liveblog-bench-stores/synthetic-1000000-20000.db

For the store's blogs, the map's answer for a window (each place named, how many entries name it, the
latest and the newest twelve) asked of SQLite, with an index that holds each entry's places (created
on the store if missing: `mentions_by_entry_place`), and computed by `mapdata.window_places` over the
arrays the app holds. Windows: the whole span and a tenth of it. This is the measurement that keeps
windows in arrays at every size (the store keeps the entries' text instead: settings.TEXT_IN_STORE_ENTRIES).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from dashboard import corrections  # noqa: E402
from dashboard.store import EventStore  # noqa: E402
from dashboard.view import mapdata, timeline  # noqa: E402

# The distinct (entry, place) pairs of the window, ranked newest first within each place.
WINDOW_PLACES = """
WITH pairs AS (SELECT DISTINCT e.entry_id, e.source_id, e.time_utc, m.place_id
               FROM entries e INDEXED BY entries_by_time
               JOIN mentions m INDEXED BY mentions_by_entry_place ON m.entry_id = e.entry_id
               WHERE e.source_id IN ({ids}) AND e.time_utc >= ? AND e.time_utc <= ? AND m.place_id IS NOT NULL),
     ranked AS (SELECT place_id, entry_id, source_id, time_utc,
                       row_number() OVER (PARTITION BY place_id ORDER BY time_utc DESC, entry_id DESC) AS rank,
                       count(*) OVER (PARTITION BY place_id) AS count FROM pairs)
SELECT place_id, count, time_utc, source_id, entry_id FROM ranked WHERE rank <= ?
"""


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    conn = sqlite3.connect(args.db)
    seconds, _ = timed(lambda: conn.execute(
        "CREATE INDEX IF NOT EXISTS mentions_by_entry_place ON mentions(entry_id, place_id, score)"))
    print(f"index of each entry's places: {seconds:.1f} s (0 when it was there)")
    with EventStore(args.db) as store:
        ids = [int(s) for s in store.sources()["source_id"]]
        seconds, entries = timed(lambda: store.entries(ids, with_text=False))
        mentions = corrections.laid_over(store, ids, entries)
        data = mapdata.prepare(entries, mentions, ids)
    print(f"arrays: {len(data.entries):,} entries, {len(data.pair_ns):,} (entry, place) pairs, read and "
          f"prepared in {seconds:.1f} s + laying over and arranging")
    times = timeline.entry_times(data.entries)
    span = times[-1] - times[0]
    placeholders = ", ".join("?" * len(ids))
    for name, window in (("whole span", (times[0], times[-1])), ("a tenth", (times[0], times[0] + span / 10))):
        bounds = [pd.Timestamp(w).isoformat() for w in window]
        sql = sorted(timed(lambda b=bounds: conn.execute(WINDOW_PLACES.format(ids=placeholders),
                                                         [*ids, *b, mapdata.POPUP_ENTRIES]).fetchall())[0]
                     for _ in range(args.repeat))
        arrays = sorted(timed(lambda w=window: mapdata.window_places(data, w))[0] for _ in range(args.repeat))
        sql_ms, arrays_ms = sql[len(sql) // 2] * 1000, arrays[len(arrays) // 2] * 1000
        print(f"{name:10}  SQLite {sql_ms:8.0f} ms   arrays {arrays_ms:6.0f} ms   (medians of {args.repeat})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
