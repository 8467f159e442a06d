"""Ingest benchmark: prints figures, asserts nothing.

    .venv/bin/python bench/bench_ingest.py [--entries 1000] [--seed PATH]

Measures, each into a fresh temporary store:
- start-up: importing the geoparser and its first call (the gazetteer index loads once per process);
- the seed live blog (../shared/seeds/, skipped when absent): parse, geoparse, store, after start-up;
- a generated live blog of N entries over real place names (our own generic sentences);
- a re-ingest of the same generated blog (nothing changes: hashes only);
- memory: the process's peak RSS after each step; with --trace-memory also tracemalloc's peak of
  Python allocations per step (tracemalloc slows the run several times over).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.ingest import default_geoparser, ingest_file  # noqa: E402
from dashboard.store import EventStore  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "000_d47ac0d6e77f0845.txt"

PLACES = ["Damascus", "Aleppo", "Homs", "Hama", "Idlib", "Latakia", "Tartus", "Raqqa", "Daraa", "Beirut",
          "Tripoli", "Amman", "Baghdad", "Mosul", "Erbil", "Ankara", "Istanbul", "Gaziantep", "Cairo",
          "Alexandria", "Kyiv", "Kharkiv", "Odesa", "Lviv", "Moscow", "Geneva", "Brussels", "Paris",
          "Berlin", "Vienna", "Doha", "Riyadh", "Tehran", "Jerusalem", "Gaza", "Cyprus", "Lebanon",
          "Jordan", "Turkey", "Iraq", "Egypt", "Ukraine"]
HEADLINES = ["Officials meet in {a}", "Convoy reported near {a}", "Aid arrives in {a}",
             "Talks planned between {a} and {b}", "Power cuts across {a}", "Flights from {a} resume",
             "Protest held in {a}", "Minister travels to {a}"]
SENTENCES = ["Witnesses in {a} described long queues at fuel stations.",
             "A spokesperson said further talks would take place in {b} next week.",
             "Roads between {a} and {b} were reported open again by the afternoon.",
             "Aid agencies said they had sent trucks from {a} towards {b}.",
             "Local radio in {a} reported that schools would reopen on Monday.",
             "Satellite pictures appeared to show new activity at the port of {b}.",
             "The delegation is expected to return to {a} before the weekend.",
             "Residents of {b} said the night had been quieter than the one before."]


def generate_liveblog(n: int, *, day: date = date(2031, 3, 2), seed: int = 7) -> str:
    """A text live blog of `n` timed entries, newest first, over real place names.

    The layout is the common one of text live blogs: a title, a lead, then entries that each open
    with a time line ("03:21 PM GMT"), a headline and paragraphs.
    """
    rng = random.Random(seed)
    start = datetime(day.year, day.month, day.day, 6, 0)
    lines = ["Live coverage: the regional situation, hour by hour", "",
             f"Our correspondents follow events from {rng.choice(PLACES)} and {rng.choice(PLACES)}.", ""]
    entries = []
    for i in range(n):
        moment = start + timedelta(minutes=(i * 17 * 60) // max(n, 1))  # spread over 17 hours
        a, b = rng.sample(PLACES, 2)
        body = [rng.choice(SENTENCES).format(a=a, b=b) for _ in range(rng.randint(1, 3))]
        entries.append([moment.strftime("%I:%M %p GMT"), "", rng.choice(HEADLINES).format(a=a, b=b), "",
                        *("\n".join([p, ""]) for p in body)])
    for block in reversed(entries):
        lines.extend(["", *block])
    return "\n".join(lines) + "\n"


TRACE_MEMORY = False  # set by --trace-memory: tracemalloc slows Python code several times over


def measure(label: str, step: Callable[[], Any]) -> Any:
    if TRACE_MEMORY:
        tracemalloc.start()
    began = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - began
    line = f"{label:<46} {seconds:8.2f} s"
    if TRACE_MEMORY:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        line += f"   peak Python allocations {peak / 2**20:8.1f} MiB"
    # ru_maxrss is in KiB on Linux.
    print(f"{line}   process peak RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.0f} MiB")
    return result


class TimedGeoparser:
    """Wraps the geoparser to tell its share of an ingest's time (and its first call's, which may
    analyse the whole-blog context once) from the rest (parsing, hashing, the store)."""

    def __init__(self, geoparser: Callable):
        self.geoparser = geoparser
        self.seconds = 0.0
        self.first = 0.0
        self.calls = 0

    def __call__(self, text: str, context: str | None = None) -> Any:
        began = time.perf_counter()
        try:
            return self.geoparser(text, context)
        finally:
            spent = time.perf_counter() - began
            if not self.calls:
                self.first = spent
            self.calls += 1
            self.seconds += spent

    def line(self) -> str:
        text = f"    geoparser: {self.seconds:.2f} s in {self.calls} calls (first call {self.first:.2f} s)"
        self.seconds = self.first = 0.0
        self.calls = 0
        return text


def describe(report: Any) -> str:
    return (f"    {report.added} added, {report.updated} updated, {report.unchanged} unchanged; "
            f"{report.places} places, {report.mentions} mentions, {len(report.unresolved)} unresolved")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1000, help="entries in the generated blog")
    parser.add_argument("--seed", type=Path, default=SEED, help="the seed live blog")
    parser.add_argument("--seed-date", type=date.fromisoformat, default=date(2024, 12, 13),
                        help="the seed's date (its text names none)")
    parser.add_argument("--trace-memory", action="store_true",
                        help="also measure each step's peak Python allocations (tracemalloc; much slower)")
    args = parser.parse_args(argv)
    global TRACE_MEMORY
    TRACE_MEMORY = args.trace_memory

    geoparser = TimedGeoparser(measure("start-up (import geoparser, first call)",
                                       lambda: _warm(default_geoparser())))
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if args.seed.is_file():
            with EventStore(tmp_path / "seed.db") as store:
                report = measure(f"seed ({args.seed.stat().st_size:,} bytes)",
                                 lambda: ingest_file(args.seed, store, date=args.seed_date, geoparser=geoparser))
                print(describe(report))
                print(geoparser.line())
        else:
            print(f"seed: {args.seed} is absent, skipped")
        blog = tmp_path / "generated.txt"
        blog.write_text(generate_liveblog(args.entries), encoding="utf-8")
        with EventStore(tmp_path / "generated.db") as store:
            label = f"generated, {args.entries} entries ({blog.stat().st_size:,} bytes)"
            report = measure(label, lambda: ingest_file(blog, store, date=date(2031, 3, 2), geoparser=geoparser))
            print(describe(report))
            print(geoparser.line())
            report = measure("re-ingest of the same (no change)",
                             lambda: ingest_file(blog, store, date=date(2031, 3, 2), geoparser=geoparser))
            print(describe(report))
        db_size = (tmp_path / "generated.db").stat().st_size
        print(f"store file for {args.entries} entries: {db_size / 2**20:.1f} MiB")
    return 0


def _warm(geoparser: Callable) -> Callable:
    geoparser("Warm-up text naming Damascus.", None)
    return geoparser


if __name__ == "__main__":
    sys.exit(main())
