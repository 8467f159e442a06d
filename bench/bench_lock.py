"""Readers while a writer holds the store: prints figures, asserts nothing.

    .venv/bin/python bench/bench_lock.py [--events 10000] [--hold 45] [--steps 20]

A synthetic blog of --events entries (bench/synthetic.py) in a fresh store; the app's script under
Streamlit's AppTest (the server's own script run, without a browser) scrubs the "Time window" one stop
at a time, each step a rerun, timed from the change to the end of the rerun:

1. unloaded: --steps steps;
2. locked: another process takes the store's write lock (BEGIN IMMEDIATE, an uncommitted row) and holds
   it --hold seconds, while a write of this process (a blog renamed, as the app's upload or Blogs panel
   would write) waits for that lock the whole time; the session keeps stepping until the lock is let go,
   and `info` and `export` (the command line, new processes) are timed once each meanwhile.

Prints the step median, 95th percentile and slowest of each phase, the number of steps, and the two
commands' times. Goal: steps while locked within 2x of unloaded; the commands answer within seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.server_probe import percentile  # noqa: E402
from bench.synthetic import write_synthetic  # noqa: E402
from dashboard.store import EventStore, StoreBusy, StoreError  # noqa: E402
from tests.store_support import hold_write_lock  # noqa: E402

APP = ROOT / "dashboard" / "app.py"


def line(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"{name:<9} steps {len(ms):>3}  median {statistics.median(ms):7.0f} ms  "
            f"95th {percentile(ms, 0.95):7.0f} ms  slowest {max(ms):7.0f} ms")


class Scrubber:
    """One session of the app, stepping its window's start one stop forward (back to the start at the end)."""

    def __init__(self, db: Path):
        from streamlit.testing.v1 import AppTest

        self.at = AppTest.from_file(str(APP), default_timeout=600)
        self.at.run()
        if self.at.exception:
            raise SystemExit(f"the app failed: {self.at.exception}")
        slider = self.at.select_slider[0]
        self.stops = len(slider.options)
        self.first = 0

    def step(self) -> float:
        self.first = (self.first + 1) % (self.stops - 1)
        started = time.perf_counter()
        self.at.select_slider[0].set_range(self.first, self.stops - 1).run()
        took = time.perf_counter() - started
        if self.at.exception or self.at.error:
            raise SystemExit(f"the step failed: {self.at.exception or [e.value for e in self.at.error]}")
        return took


def command_seconds(argv: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "dashboard", *argv], capture_output=True, cwd=ROOT)
    return time.perf_counter() - started, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--hold", type=float, default=45.0, help="seconds the other process holds the lock")
    parser.add_argument("--steps", type=int, default=20, help="steps of the unloaded phase")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-lock-") as folder:
        db = Path(folder) / "events.db"
        with EventStore(db) as store:
            write_synthetic(store, args.events)
        os.environ["DASHBOARD_DB"] = str(db)
        scrubber = Scrubber(db)
        print(f"{args.events:,} entries, {scrubber.stops} stops; first run done", flush=True)
        scrubber.step()  # caches warm
        unloaded = [scrubber.step() for _ in range(args.steps)]
        print(line("unloaded", unloaded), flush=True)

        holder = hold_write_lock(db, args.hold)
        held_from = time.perf_counter()
        # This process's own write waits for the lock as long as it is held, as an upload would: each try
        # waits settings.STORE_BUSY_SECONDS inside SQLite, holding the store's write connection.
        writer_outcome: list[str] = []
        commands: dict[str, tuple[float, int]] = {}

        def write() -> None:
            from dashboard.ui import loaders

            while True:
                try:
                    loaders.open_store(str(db)).rename_blog("synthetic", "synthetic, renamed")
                except StoreError as exc:
                    if isinstance(exc, StoreBusy) or holder.poll() is None:
                        continue  # still locked: try again, as a user would
                    writer_outcome.append(f"failed after {time.perf_counter() - held_from:.1f} s: {exc}")
                    return
                writer_outcome.append(f"done after {time.perf_counter() - held_from:.1f} s")
                return

        def read_commands() -> None:
            commands["info"] = command_seconds(["info", "--db", str(db)])
            commands["export"] = command_seconds(["export", "-f", "csv", "--db", str(db),
                                                  "--out", str(Path(folder) / "out.csv")])

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        reader = threading.Thread(target=read_commands, daemon=True)
        reader.start()
        locked = []
        while holder.poll() is None:
            locked.append(scrubber.step())
        writer.join()
        reader.join()
        print(line("locked", locked), flush=True)
        timed = ", ".join(f"{name} {took:.2f} s (exit {code})" for name, (took, code) in commands.items())
        print(f"while locked: {timed}"
              f"; the waiting write: {writer_outcome[0] if writer_outcome else 'still waiting'}")
        ratio = percentile(locked, 0.95) / percentile(unloaded, 0.95)
        print(f"95th percentile, locked / unloaded: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
