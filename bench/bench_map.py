"""Map benchmark: prints figures, asserts nothing.

    .venv/bin/python bench/bench_map.py [--entries 1000 10000 100000] [--places 400] [--steps 15]
        [--chromium PATH] [--store-cache DIR] [--repeat 3]
    .venv/bin/python bench/bench_map.py --entries 1000000 --places 20000 --skip-sample

Synthetic stores are kept in --store-cache (default /tmp/liveblog-bench-stores) between runs, keyed by
their size and places (never written again: a store of an older schema is migrated once into a copy
beside it, NAME.vN.db): a million entries take minutes to write. Their
rows go straight through the store's own write path with synthetic mentions (no geoparsing), which is
what the map reads; an ingest's speed is bench_ingest.py's and bench_batch.py's business.

For the bundled sample (ingested through the real pipeline) and for synthetic blogs of N entries
over real place names spread over a week (bench/synthetic.py, written through the store's API), each
in a fresh temporary store and a fresh Streamlit server on a loopback port, in headless Chromium:

- server start: from launching `python -m dashboard serve` to /_stcore/health answering;
- first map: from opening the page (server already answering, caches cold) until the map's places
  are drawn; then the same for a second visit (caches warm);
- slider step: focus the start handle of "Time window", press the right arrow (one entry later),
  until the map's places layer has been replaced; medians over --steps steps, the window starting
  at the whole span;
- playback step: press Play at the fastest speed and time the map's layer swaps one after another;
  the figure is the interval between two swaps less the timer's period (the work of one step);
- peak memory: the server process's peak resident set (VmHWM) after all of the above.

Goals: first map <= 3 s; a step <= 300 ms at 10,000 events, <= 1 s at 100,000; at 1,000,000 entries
over 20,000 places: first map (warm) <= 3 s, a slider step <= 500 ms, server peak memory <= 1 GB.
With --repeat N, each case runs N times (a fresh server each time) and the medians are printed last.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.server_probe import peak_rss_mb, server_pid  # noqa: E402
from bench.synthetic import write_synthetic  # noqa: E402
from dashboard.settings import SAMPLE_BLOG  # noqa: E402
from dashboard.store import SCHEMA_VERSION, EventStore  # noqa: E402
from dashboard.view import playback  # noqa: E402
from tests import browser_support as B  # noqa: E402
from tests.conftest import find_chromium  # noqa: E402

DRAWN = "() => document.querySelectorAll('.lbm-place, .marker-cluster, .lbm-area').length > 0"
START_HANDLE = 'input[aria-label="Time window — start"]'


class Received:
    """The bytes the page received over Streamlit's websocket: in all, and its largest message (what
    the server sends is what the browser must decode and render)."""

    def __init__(self, page) -> None:
        self.total = self.largest = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        size = len(payload)
        self.total += size
        self.largest = max(self.largest, size)


def first_map_seconds(browser, url: str, received: list | None = None) -> float:
    """Seconds until the map's places are drawn; `received` gets the websocket's `Received`."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.route("**/*", B.LoopbackGuard())
    if received is not None:
        received.append(Received(page))
    started = time.perf_counter()
    page.goto(url)
    frame = B.map_frame(page, timeout=900_000)
    # A cold million-entry store is read for minutes on a loaded machine: wait for it rather than fail.
    frame.wait_for_function(DRAWN, timeout=900_000)
    elapsed = time.perf_counter() - started
    page.close()
    return elapsed


def step_seconds(browser, url: str, steps: int) -> tuple[list[float], int, list[int]]:
    """Times of slider steps that changed the map, how many steps left it as it was, and the bytes
    each step's run sent over the websocket."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.route("**/*", B.LoopbackGuard())
    received = Received(page)
    page.goto(url)
    frame = B.map_frame(page)
    B.wait_idle(page, timeout=900_000)  # the first run after a cold million-entry load is long
    page.locator(START_HANDLE).focus()
    times, unchanged, sent = [], 0, []
    for _ in range(steps):
        before = B.layer_serial(frame)
        received.total = 0
        started = time.perf_counter()
        page.keyboard.press("ArrowRight")
        try:
            B.wait_for_layer_after(frame, before, timeout=15_000)
            times.append(time.perf_counter() - started)
        except Exception:
            unchanged += 1
        B.wait_idle(page, timeout=120_000)
        page.wait_for_timeout(100)
        sent.append(received.total)
    page.close()
    return times, unchanged, sent


def playback_seconds(browser, url: str, steps: int) -> tuple[list[float], float]:
    """Intervals between the map's layer swaps while playing at the fastest speed, and that speed's
    period (seconds)."""
    speed = min(playback.SPEEDS, key=playback.SPEEDS.__getitem__)
    period = playback.SPEEDS[speed]
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.route("**/*", B.LoopbackGuard())
    page.goto(url)
    frame = B.map_frame(page)
    B.wait_idle(page, timeout=900_000)  # the first run after a cold million-entry load is long
    box = page.get_by_label("Speed")
    box.scroll_into_view_if_needed()  # a dropdown opened while the page scrolls closes at once
    page.wait_for_timeout(300)
    box.click()
    page.get_by_role("option", name=speed, exact=False).click()
    B.wait_idle(page, timeout=900_000)  # the first run after a cold million-entry load is long
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_role("button", name="Pause", exact=True).wait_for(timeout=30_000)
    swaps = []
    count = B.layer_serial(frame)
    deadline = time.perf_counter() + 60 + steps * (period + 5)
    while len(swaps) < steps + 1 and time.perf_counter() < deadline:
        B.wait_for_layer_after(frame, count, polling=5)
        swaps.append(time.perf_counter())
        count = B.layer_serial(frame)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.close()
    # The first swap comes from pressing Play (a full rerun), not from the timer.
    return [b - a for a, b in pairwise(swaps[1:])], period


def run_case(name: str, db: Path, browser, steps: int) -> dict[str, float]:
    """One fresh server on `db`: prints its figures and returns them (seconds, ms and MB)."""
    launched = time.perf_counter()
    with B.streamlit_server(db) as url:
        server = time.perf_counter() - launched
        cold = first_map_seconds(browser, url)
        received: list[Received] = []
        warm = first_map_seconds(browser, url, received)
        print(f"  ({name}: first map cold {cold:.2f} s, warm {warm:.2f} s)", flush=True)
        times, unchanged, sent = step_seconds(browser, url, steps)
        intervals, period = playback_seconds(browser, url, min(steps, 10))
        pid = server_pid(url.rsplit(":", 1)[1])
        peak = peak_rss_mb(pid) if pid is not None else None
    print(f"{name}:")
    print(f"  server start        {server:6.2f} s")
    print(f"  first map (cold)    {cold:6.2f} s")
    print(f"  first map (warm)    {warm:6.2f} s ({received[0].total / 1000:,.0f} kB over the websocket, "
          f"the largest message {received[0].largest / 1000:,.0f} kB)")
    if times:
        ms = sorted(t * 1000 for t in times)
        note = f"; {unchanged} left the map unchanged" if unchanged else ""
        print(f"  slider step         median {statistics.median(ms):5.0f} ms, min {ms[0]:4.0f}, "
              f"max {ms[-1]:5.0f} ({len(ms)} steps{note}); median "
              f"{statistics.median(sent) / 1000:,.0f} kB over the websocket")
    else:
        print(f"  slider step         no step changed the map ({unchanged} tried)")
    if intervals:
        ms = sorted((t - period) * 1000 for t in intervals)
        print(f"  playback step       median {statistics.median(ms):5.0f} ms, min {ms[0]:4.0f}, max {ms[-1]:5.0f} "
              f"({len(ms)} steps; beyond the timer's {period:g} s)")
    else:
        print("  playback step       no step seen")
    print(f"  server peak memory  {peak:6.0f} MB" if peak is not None else "  server peak memory  unknown", flush=True)
    figures = {"server start s": server, "first map cold s": cold, "first map warm s": warm}
    if times:
        figures["slider step ms"] = statistics.median(t * 1000 for t in times)
    if intervals:
        figures["playback step ms"] = statistics.median((t - period) * 1000 for t in intervals)
    if peak is not None:
        figures["server peak MB"] = peak
    return figures


def print_medians(name: str, runs: list[dict[str, float]]) -> None:
    print(f"{name}: medians of {len(runs)} runs")
    for key in runs[0]:
        values = sorted(run[key] for run in runs if key in run)
        print(f"  {key:<20} {statistics.median(values):8.2f}   (runs: {', '.join(f'{v:.2f}' for v in values)})")


def cached_store(cache: Path, entries: int, places: int) -> Path:
    """A synthetic store of `entries` over `places` cities, built once into `cache` and reused."""
    cache.mkdir(parents=True, exist_ok=True)
    db = cache / f"synthetic-{entries}-{places}.db"
    if db.exists():
        return current_copy(db)
    building = db.with_name(db.name + ".building")
    for stale in cache.glob(building.name + "*"):
        stale.unlink()
    started = time.perf_counter()
    with EventStore(building) as store:
        result = write_synthetic(store, entries, places=places)
    building.replace(db)
    print(f"built {db}: {result.added} entries, {result.mentions_written} mentions "
          f"({time.perf_counter() - started:.0f} s)", flush=True)
    return db


def current_copy(db: Path) -> Path:
    """`db` when it has this program's schema, else a migrated copy of it kept beside it
    (NAME.vN.db), made once: a cached store is never written, so a branch with an older or newer
    schema can still use it."""
    import sqlite3

    # immutable: read as a plain file, without the -wal and -shm files a read-only opening still makes.
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()
    if version == SCHEMA_VERSION:
        return db
    migrated = db.with_name(f"{db.stem}.v{SCHEMA_VERSION}.db")
    if not migrated.exists():
        started = time.perf_counter()
        building = migrated.with_name(migrated.name + ".building")
        shutil.copyfile(db, building)
        with EventStore(building):  # migrates the copy
            pass
        building.replace(migrated)
        print(f"migrated a copy of {db.name} from schema {version} to {SCHEMA_VERSION}: {migrated} "
              f"({time.perf_counter() - started:.0f} s)", flush=True)
    return migrated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", "--events", dest="events", type=int, nargs="+",
                        default=[1_000, 10_000, 100_000], help="entries of each synthetic blog")
    parser.add_argument("--store-cache", type=Path, default=Path(tempfile.gettempdir()) / "liveblog-bench-stores",
                        help="where synthetic stores are kept between runs")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each case (medians printed)")
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--chromium", default=None,
                        help="Chromium's path (default: found as the tests find it)")
    parser.add_argument("--places", type=int, default=400,
                        help="distinct cities the synthetic entries name (default 400; more than the map "
                             "draws one by one shows its aggregated markers)")
    parser.add_argument("--skip-sample", action="store_true")
    args = parser.parse_args(argv)
    chromium = args.chromium or find_chromium()
    if chromium is None:
        print("Chromium not found (apt-get install -y chromium, or --chromium PATH)")
        return 1
    from playwright.sync_api import sync_playwright

    from dashboard.ingest import ingest_file

    with tempfile.TemporaryDirectory(prefix="bench-map-") as tmp, sync_playwright() as playwright:
        browser = B.launch(playwright, chromium)
        if not args.skip_sample:
            db = Path(tmp) / "sample.db"
            started = time.perf_counter()
            with EventStore(db) as store:
                report = ingest_file(SAMPLE_BLOG, store)
            print(f"sample ingested: {report.added} entries, {report.places} places "
                  f"({time.perf_counter() - started:.1f} s, gazetteer load included)")
            run_case(f"sample ({report.added} entries)", db, browser, min(args.steps, report.added - 1))
        for events in args.events:
            cached = cached_store(args.store_cache, events, args.places)
            name = f"synthetic ({events} entries, {args.places} cities, one week)"
            runs = []
            for _ in range(args.repeat):
                # A copy per run: the server may write the store (a migration), and the cache stays as built.
                db = Path(tmp) / cached.name
                shutil.copyfile(cached, db)
                runs.append(run_case(name, db, browser, args.steps))
                db.unlink()
            if args.repeat > 1:
                print_medians(name, runs)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
