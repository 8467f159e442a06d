"""First map of two checkouts side by side: prints figures, asserts nothing.

    .venv/bin/python bench/compare_first_map.py --before /path/to/old-checkout [--after .] [--rounds 8]

For each checkout, the bundled sample is ingested by that checkout's own code into a temporary store.
Then, round after round, a fresh `python -m dashboard serve` of each checkout in turn (alternating, so
that both see the same machine) is timed as `bench_map.py` times it: the first map with the server's
caches cold, then a second visit (warm), in headless Chromium with every request off loopback refused;
with the server's CPU seconds over each visit and its peak memory. Medians of the rounds come last.

Each checkout runs with this interpreter (its packages) and its own code on PYTHONPATH; give each its own
place index with GAZETTEER_CACHE when their gazetteer data differ (`--before-cache`), or each server
start of the other would rebuild the shared one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_map import first_map_seconds  # noqa: E402
from bench.server_probe import cpu_seconds, peak_rss_mb, server_pid  # noqa: E402
from tests import browser_support as B  # noqa: E402
from tests.conftest import find_chromium  # noqa: E402

SAMPLES = ("dashboard/data/sample-liveblog.txt", "data/sample-liveblog.txt")  # where checkouts keep it


def environment(checkout: Path, cache: Path | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    if cache is not None:
        env["GAZETTEER_CACHE"] = str(cache)
    return env


def ingest_sample(checkout: Path, db: Path, env: dict[str, str]) -> None:
    sample = next(checkout / path for path in SAMPLES if (checkout / path).exists())
    subprocess.run([sys.executable, "-m", "dashboard", "ingest", str(sample), "--db", str(db)], cwd=checkout,
                   env=env, check=True, stdout=subprocess.DEVNULL)


def one_round(browser, checkout: Path, db: Path, env: dict[str, str], port: int) -> tuple[float, ...]:
    """(cold s, warm s, server CPU s cold, server CPU s warm, peak MB) of a fresh server."""
    server = subprocess.Popen([sys.executable, "-m", "dashboard", "serve", "--address", "127.0.0.1", "--port",
                               str(port), "--db", str(db)], cwd=checkout, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"{checkout}: the server did not answer") from None
                time.sleep(0.2)
        pid = server_pid(port)
        before = cpu_seconds(pid)
        cold = first_map_seconds(browser, url)
        middle = cpu_seconds(pid)
        warm = first_map_seconds(browser, url)
        after = cpu_seconds(pid)
        return cold, warm, middle - before, after - middle, peak_rss_mb(pid) or float("nan")
    finally:
        server.terminate()
        server.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="the checkout to compare against")
    parser.add_argument("--after", type=Path, default=ROOT, help="the checkout measured (default: this one)")
    parser.add_argument("--before-cache", type=Path, default=None, help="GAZETTEER_CACHE for --before")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--chromium", default=None)
    args = parser.parse_args(argv)
    chromium = args.chromium or find_chromium()
    if chromium is None:
        print("Chromium not found (apt-get install -y chromium, or --chromium PATH)")
        return 1
    from playwright.sync_api import sync_playwright

    cases = {"before": (args.before.resolve(), environment(args.before.resolve(), args.before_cache)),
             "after": (args.after.resolve(), environment(args.after.resolve(), None))}
    figures: dict[str, list[tuple[float, ...]]] = {name: [] for name in cases}
    with tempfile.TemporaryDirectory(prefix="compare-first-map-") as tmp, sync_playwright() as playwright:
        stores = {name: Path(tmp) / f"{name}.db" for name in cases}
        for name, (checkout, env) in cases.items():
            ingest_sample(checkout, stores[name], env)
        browser = B.launch(playwright, chromium)
        for number in range(args.rounds):
            for name, (checkout, env) in cases.items():
                row = one_round(browser, checkout, stores[name], env, B.free_port())
                figures[name].append(row)
                print(f"round {number + 1} {name:6s}: cold {row[0]:.2f} s, warm {row[1]:.2f} s, server CPU "
                      f"{row[2]:.2f} / {row[3]:.2f} s, peak {row[4]:.0f} MB, load {os.getloadavg()[0]:.1f}",
                      flush=True)
        browser.close()
    for name, rows in figures.items():
        cold, warm, cpu_cold, cpu_warm, peak = (statistics.median(column) for column in zip(*rows, strict=True))
        print(f"{name} ({cases[name][0]}), medians of {len(rows)}: first map cold {cold:.2f} s, warm {warm:.2f} s; "
              f"server CPU {cpu_cold:.2f} / {cpu_warm:.2f} s; peak {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
