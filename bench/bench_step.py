"""Slider-step benchmark: the server's CPU time per step of the "Time window". Prints figures, asserts nothing.

    .venv/bin/python bench/bench_step.py [--entries 10000] [--steps 30] [--warmup 3] [--chromium PATH]

Writes a synthetic blog of N entries (bench/synthetic.py) into a fresh temporary store, starts
`python -m dashboard serve` on a loopback port, opens the page in one headless Chromium (Debian's,
never downloaded) and moves the slider's start handle one stop at a time with the arrow key. Each
step lasts from the key press until the map's places layer has been replaced and the server is idle
again (with a short settle for the reruns a step sets off); the server's CPU time over that span is
read from /proc/PID/stat (user + system, every thread; the kernel counts it in 10 ms ticks, so the
mean over many steps is the figure to quote). The first --warmup steps are left out: they fill caches.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.server_probe import cpu_seconds, peak_rss_mb, percentile, synthetic_server  # noqa: E402
from tests import browser_support as B  # noqa: E402
from tests.conftest import find_chromium  # noqa: E402

START_HANDLE = 'input[aria-label="Time window — start"]'
# After the layer swap and an idle script: long enough for the rerun st_folium's reply sets off to start.
SETTLE_MS = 250


def one_step(page, frame, pid: int) -> tuple[float, float, bool]:
    """Press the right arrow on the focused handle: (wall seconds until the layer swapped, server CPU
    seconds until the page settled, whether the layer swapped)."""
    before = B.layer_serial(frame)
    cpu_before = cpu_seconds(pid)
    started = time.perf_counter()
    page.keyboard.press("ArrowRight")
    swapped = True
    try:
        B.wait_for_layer_after(frame, before, polling=10)
    except Exception:  # the step left the map as it was (or took too long): counted apart
        swapped = False
    wall = time.perf_counter() - started
    B.wait_idle(page)
    page.wait_for_timeout(SETTLE_MS)
    B.wait_idle(page)
    return wall, cpu_seconds(pid) - cpu_before, swapped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000, help="entries of the synthetic blog")
    parser.add_argument("--places", type=int, default=400, help="distinct cities the entries name")
    parser.add_argument("--steps", type=int, default=30, help="steps measured")
    parser.add_argument("--warmup", type=int, default=3, help="steps taken first and not counted")
    parser.add_argument("--chromium", default=None, help="Chromium's path (default: found as the tests find it)")
    args = parser.parse_args(argv)
    chromium = args.chromium or find_chromium()
    if chromium is None:
        print("Chromium not found (apt-get install -y chromium, or --chromium PATH)")
        return 1
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = B.launch(playwright, chromium)
        with synthetic_server(args.entries, args.places) as (url, pid):
            if pid is None:
                print("the server's process was not found in /proc")
                return 1
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", B.LoopbackGuard())
            opened = time.perf_counter()
            page.goto(url)
            frame = B.map_frame(page)
            B.wait_idle(page)
            print(f"page open: {time.perf_counter() - opened:.2f} s")
            page.locator(START_HANDLE).focus()
            walls, cpus, unchanged = [], [], 0
            for number in range(args.warmup + args.steps):
                wall, cpu, swapped = one_step(page, frame, pid)
                if number < args.warmup:
                    continue
                cpus.append(cpu)
                if swapped:
                    walls.append(wall)
                else:
                    unchanged += 1
            peak = peak_rss_mb(pid)
            page.close()
        browser.close()
    ms = [c * 1000 for c in cpus]
    print(f"server CPU per step: mean {statistics.fmean(ms):.0f} ms, median {statistics.median(ms):.0f} ms, "
          f"95th percentile {percentile(ms, 0.95):.0f} ms ({len(ms)} steps after {args.warmup} warm-up; "
          f"{args.entries:,} entries)")
    if walls:
        wall_ms = [w * 1000 for w in walls]
        print(f"step until the map swapped: median {statistics.median(wall_ms):.0f} ms, "
              f"95th percentile {percentile(wall_ms, 0.95):.0f} ms")
    if unchanged:
        print(f"{unchanged} steps left the map unchanged")
    print(f"server peak memory: {peak:.0f} MB" if peak is not None else "server peak memory: unknown")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
