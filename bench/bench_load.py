"""Load benchmark: N headless Chromium sessions scrubbing the "Time window" at once. Prints figures,
asserts nothing.

    .venv/bin/python bench/bench_load.py [--sessions 10] [--seconds 60] [--entries 10000] [--workers N]
                                         [--url URL] [--readers-nice N] [--chromium PATH]

Without --url it writes a synthetic blog of --entries entries (bench/synthetic.py) into a fresh
temporary store and starts `python -m dashboard serve` on a loopback port; with --url it aims at a
server already running (an nginx in front of several workers, say), whose processes it then cannot
see: CPU and memory are left out. With --workers N (2 or more) it starts `python -m dashboard serve
--workers N` and Debian's nginx (run as this user, with the configuration `serve` writes) in front of
them on loopback, as the README's set-up does; CPU is then the workers' together, and memory the peak
of the largest. Each session (its own browser context, so its own Streamlit
session; all in one headless Chromium, Debian's, never downloaded) opens the page, focuses the
slider's start handle and presses the right arrow key, waiting for the map's places layer to be
replaced (a step); every fifth turn it clicks a marker instead and waits for the panel's place picker
to name a place. Sessions start half a second apart and each runs for --seconds. With --readers-nice N
the browsers run at niceness N once the server is up: on one machine they otherwise take the server's
cores, where in a newsroom they run on the readers' own machines.

Prints: page open (until the map's places are drawn) median; step median and 95th percentile (from
the key press until the layer was replaced); the server's CPU time per step (its CPU while the
readers scrub, all of them having opened the page, divided by their steps and marker clicks);
errors (a page that did not open, a step or click with no answer within 30 s, an exception shown by
the app); the server's peak memory (VmHWM from /proc); and the readers' own CPU per step (their Chromium
and Playwright's driver): on one machine it comes out of the same cores as the server's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tests"):  # tests/: the nginx set-up of tests/test_nginx.py
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from bench.server_probe import (  # noqa: E402
    ReadersCpu,
    cpu_seconds,
    lower_readers_priority,
    peak_rss_mb,
    percentile,
    synthetic_server,
)
from tests import browser_support as B  # noqa: E402
from tests.conftest import find_chromium  # noqa: E402

START_HANDLE = 'input[aria-label="Time window — start"]'
ANSWER_MS = 30_000
OPEN_MS = 180_000
# Readers arrive this far apart, as they would, rather than all in the same instant.
STAGGER_S = 0.5
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PLACE_PICKER = 'input[aria-label="Place"]'
# A marker click in place of every CLICK_EVERY-th step.
CLICK_EVERY = 5
# The places the layer draws one by one (round markers), as the browser tests click them.
MARKER = ".lbm-place"
EXCEPTION = '[data-testid="stException"]'
# The indexes of the markers (by the selector given) whose centre lies inside the map's visible area.
VISIBLE_MARKERS = """(selector) => {
  const box = document.querySelector('.leaflet-container').getBoundingClientRect();
  return Array.from(document.querySelectorAll(selector)).flatMap((marker, index) => {
    const r = marker.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    return x > box.left + 5 && x < box.right - 5 && y > box.top + 5 && y < box.bottom - 5 ? [index] : [];
  });
}"""


@dataclass
class Session:
    """What one reader saw."""

    opened: float | None = None
    steps: list[float] = field(default_factory=list)
    clicks: int = 0
    errors: list[str] = field(default_factory=list)


async def map_frame(page):
    """The st_folium iframe once its map has drawn a places layer (as `browser_support.map_frame`)."""
    await page.locator(B.MAP_FRAME).wait_for(state="attached", timeout=OPEN_MS)
    deadline = time.monotonic() + OPEN_MS / 1000
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "streamlit_folium" in frame.url:
                try:
                    if await frame.evaluate(B._MAP_READY):
                        return frame
                except Exception:  # the frame may be navigating
                    pass
        await page.wait_for_timeout(50)
    raise TimeoutError("the map did not appear")


async def wait_idle(page) -> None:
    await page.wait_for_selector(IDLE, timeout=OPEN_MS)


async def scrub(browser, url: str, number: int, seconds: float, result: Session, start: Start) -> None:
    """One reader in a context of its own (its own Streamlit session): open the page, wait for every
    reader to have opened it, then step the slider and click markers for `seconds`."""
    await asyncio.sleep(STAGGER_S * number)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    await page.route("**/*", loopback_only)
    try:
        started = time.perf_counter()
        await page.goto(url, timeout=OPEN_MS)
        frame = await map_frame(page)
        result.opened = time.perf_counter() - started
        await wait_idle(page)
        await start.ready()
        until = time.perf_counter() + seconds
        turn = 0
        while time.perf_counter() < until:
            turn += 1
            if turn % CLICK_EVERY == 0 and await click_marker(page, frame, turn // CLICK_EVERY, result):
                continue
            await page.locator(START_HANDLE).focus()
            before = await frame.evaluate(B.LAYER_SERIAL)
            pressed = time.perf_counter()
            await page.keyboard.press("ArrowRight")
            try:
                await frame.wait_for_function(B.LAYER_AFTER, arg=before, timeout=ANSWER_MS, polling=10)
                result.steps.append(time.perf_counter() - pressed)
            except Exception:
                result.errors.append("a step got no new map layer within 30 s")
            await wait_idle(page)
            if await page.locator(EXCEPTION).count():
                result.errors.append("the app showed an exception")
                break
    except Exception as exc:  # the page never opened, or the server stopped answering
        result.errors.append(f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:160]}")
    finally:
        start.gone()
        await context.close()


@contextmanager
def _one_server(entries: int, places: int) -> Iterator[tuple[str, list[int]]]:
    with synthetic_server(entries, places) as (url, pid):
        yield url, [pid] if pid is not None else []


def total_cpu(pids: list[int]) -> float:
    """The CPU time of the server processes together (seconds)."""
    return sum(cpu_seconds(pid) for pid in pids)


class Start:
    """The scrubbing starts once every reader has opened the page (or failed to): page opens are
    measured apart, and the server's CPU per step is read over the scrubbing alone."""

    def __init__(self, readers: int, pids: list[int]) -> None:
        self.waiting = readers
        self.pids = pids
        self.cpu_at_start: float | None = None
        self.readers_cpu = ReadersCpu()  # read from the start of the scrubbing until the browser closes
        self.event = asyncio.Event()

    def gone(self) -> None:
        """A reader that failed before it was ready: the others need not wait for it."""
        if not self.event.is_set():
            self.waiting -= 1
            self._maybe_start()

    async def ready(self) -> None:
        self.waiting -= 1
        self._maybe_start()
        await self.event.wait()

    def _maybe_start(self) -> None:
        if self.waiting <= 0 and not self.event.is_set():
            self.cpu_at_start = total_cpu(self.pids) if self.pids else None
            self.readers_cpu.read()
            self.event.set()


async def click_marker(page, frame, turn: int, result: Session) -> bool:
    """Click a round marker (another one each turn) and wait until the panel's place picker names a
    place; False when the window shows none (a step is taken instead)."""
    markers = frame.locator(MARKER)
    # Only a marker inside the map's visible area can be clicked: one panned out of it is not on screen.
    shown = await frame.evaluate(VISIBLE_MARKERS, MARKER)
    if not shown:
        return False
    try:
        await markers.nth(shown[turn % min(len(shown), 20)]).click(timeout=ANSWER_MS, force=True)
        await page.wait_for_function(f"() => (document.querySelector('{PLACE_PICKER}') || {{}}).value",
                                     timeout=ANSWER_MS)
        await wait_idle(page)
        result.clicks += 1
    except Exception:
        result.errors.append("a marker click got no answer within 30 s")
    return True


async def loopback_only(route) -> None:
    """Requests off loopback (map tiles) are aborted, as in the browser tests: the benchmark stays offline."""
    parts = urlsplit(route.request.url)
    if parts.scheme in ("data", "blob", "about") or parts.hostname in B.LOOPBACK_HOSTS:
        await route.continue_()
    else:
        await route.abort()


def worker_pids(ports: list[int]) -> list[int]:
    """The worker processes `serve --workers` started, one per port (not `serve` itself, whose command
    line names the first port too)."""
    found = {}
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = [a.decode() for a in cmdline.read_bytes().split(b"\0")]
        except OSError:
            continue
        if args[1:4] == ["-m", "dashboard", "serve"] and "--workers" not in args and "--port" in args:
            port = int(args[args.index("--port") + 1])
            if port in ports:
                found[port] = int(cmdline.parent.name)
    return [found[port] for port in ports if port in found]


def consecutive_free_ports(count: int) -> list[int]:
    """`count` consecutive ports free on loopback (`serve --workers` takes the first and those after it)."""
    for _ in range(100):
        first = B.free_port()
        try:
            for port in range(first + 1, first + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return list(range(first, first + count))
    raise RuntimeError(f"no {count} consecutive free ports")


@contextmanager
def synthetic_workers(entries: int, places: int, workers: int) -> Iterator[tuple[str, list[int]]]:
    """A fresh synthetic store served by `serve --workers` behind nginx on loopback: (nginx's URL, the
    workers' process ids). Stops nginx, then `serve` (which stops its workers), on exit."""
    import tempfile

    from test_nginx import main_config, wait_for

    from bench.synthetic import write_synthetic
    from dashboard.store import EventStore

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp:
        folder = Path(tmp)
        db = folder / "synthetic.db"
        with EventStore(db) as store:
            result = write_synthetic(store, entries, places=places)
        print(f"store: {result.added:,} entries, {result.mentions_written:,} mentions, {places} cities; "
              f"{workers} workers behind nginx")
        ports = consecutive_free_ports(workers)
        first = ports[0]
        listen = B.free_port()
        site, log = folder / "liveblog-map.conf", folder / "serve.log"
        with log.open("wb") as out:
            serving = subprocess.Popen(
                [sys.executable, "-m", "dashboard", "serve", "--workers", str(workers), "--port", str(first),
                 "--nginx-conf", str(site), "--nginx-listen", f"127.0.0.1:{listen}", "--",
                 "--server.headless", "true", "--browser.gatherUsageStats", "false",
                 "--server.fileWatcherType", "none"],
                env={**os.environ, "DASHBOARD_DB": str(db)}, stdout=out, stderr=subprocess.STDOUT)
        proxy = None
        try:
            for port in ports:
                wait_for(f"http://127.0.0.1:{port}/_stcore/health", 180, serving, log)
            (folder / "nginx.conf").write_text(main_config(folder, site))
            with (folder / "nginx.out").open("wb") as out:
                proxy = subprocess.Popen([nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"),
                                          "-e", str(folder / "error.log")], stdout=out, stderr=subprocess.STDOUT)
            url = f"http://127.0.0.1:{listen}"
            wait_for(f"{url}/_stcore/health", 20, proxy, folder / "error.log")
            yield url, worker_pids(ports)
        finally:
            if proxy is not None:
                proxy.send_signal(signal.SIGQUIT)  # nginx's graceful stop
                proxy.wait(timeout=20)
            serving.send_signal(signal.SIGTERM)
            serving.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10, help="readers at once")
    parser.add_argument("--seconds", type=float, default=60, help="how long each reader scrubs")
    parser.add_argument("--entries", type=int, default=10_000, help="entries of the synthetic blog")
    parser.add_argument("--places", type=int, default=400, help="distinct cities the entries name")
    parser.add_argument("--workers", type=int, default=1,
                        help="server processes behind nginx (serve --workers N); 1: one server, no nginx")
    parser.add_argument("--url", help="a server already running (no store is written, no server started)")
    parser.add_argument("--readers-nice", type=int, default=0, metavar="N",
                        help="run the readers' browsers at niceness N (server first, as with browsers on other "
                             "machines); default 0: they share the cores")
    parser.add_argument("--chromium", default=None, help="Chromium's path (default: found as the tests find it)")
    args = parser.parse_args(argv)
    chromium = args.chromium or find_chromium()
    if chromium is None:
        print("Chromium not found (apt-get install -y chromium, or --chromium PATH)")
        return 1
    if args.url:
        server = nullcontext((args.url, []))
    elif args.workers > 1:
        server = synthetic_workers(args.entries, args.places, args.workers)
    else:
        server = _one_server(args.entries, args.places)
    with server as (url, pids):
        results = [Session() for _ in range(args.sessions)]
        start = Start(args.sessions, pids)
        lower_readers_priority(args.readers_nice)
        started = time.perf_counter()
        asyncio.run(readers(chromium, url, args.seconds, results, start))
        elapsed = time.perf_counter() - started
        cpu = total_cpu(pids) - start.cpu_at_start if pids and start.cpu_at_start is not None else None
        peaks = [p for p in map(peak_rss_mb, pids) if p is not None]
        peak = max(peaks) if peaks else None
    report(args, results, elapsed, cpu, peak, start.readers_cpu.seconds())
    return 0


async def watch_readers_cpu(start: Start) -> None:
    """Read the readers' CPU twice a second once the scrubbing has started (`ReadersCpu`)."""
    await start.event.wait()
    while True:
        start.readers_cpu.read()
        await asyncio.sleep(0.5)


async def readers(chromium: str, url: str, seconds: float, results: list[Session], start: Start) -> None:
    """Every reader at once, in one headless Chromium (a context each)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, headless=True, args=B.CHROMIUM_ARGS)
        watching = asyncio.create_task(watch_readers_cpu(start))
        try:
            await asyncio.gather(*(scrub(browser, url, number, seconds, result, start)
                                   for number, result in enumerate(results)))
        finally:
            watching.cancel()
            await browser.close()


def report(args: argparse.Namespace, results: list[Session], elapsed: float, cpu: float | None,
           peak: float | None, readers_cpu: float = 0.0) -> None:
    opened = [r.opened for r in results if r.opened is not None]
    steps = [s * 1000 for r in results for s in r.steps]
    clicks = sum(r.clicks for r in results)
    errors = [e for r in results for e in r.errors]
    behind = f", {args.workers} workers behind nginx" if args.workers > 1 and not args.url else ""
    print(f"{args.sessions} sessions, {args.seconds:g} s each ({elapsed:.0f} s in all){behind}")
    print(f"  page open          median {statistics.median(opened):6.2f} s ({len(opened)} opened)"
          if opened else "  page open          none opened")
    if steps:
        print(f"  slider step        median {statistics.median(steps):6.0f} ms, 95th percentile "
              f"{percentile(steps, 0.95):6.0f} ms ({len(steps)} steps, {clicks} marker clicks)")
    else:
        print("  slider step        none")
    if cpu is not None and steps:
        print(f"  server CPU         {cpu:.1f} s while scrubbing, {1000 * cpu / (len(steps) + clicks):.0f} ms "
              "per step or click")
    if steps:
        per_step = 1000 * readers_cpu / (len(steps) + clicks)
        print(f"  readers' CPU       {readers_cpu:.1f} s while scrubbing, {per_step:.0f} ms per step or click "
              "(their Chromium and Playwright's driver, on the same cores)")
    print(f"  errors             {len(errors)}" + (f": {sorted(set(errors))}" if errors else ""))
    print(f"  server peak memory {peak:6.0f} MB" if peak is not None else "  server peak memory unknown (--url)")


if __name__ == "__main__":
    raise SystemExit(main())
