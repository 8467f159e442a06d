"""Event-time and movement benchmark: the cost they add to an ingest. Prints figures, asserts nothing.

    .venv/bin/python bench/bench_events.py [--entries 1000] [--seed PATH]

For the bundled sample, the seed (when present) and a generated blog of N entries (bench_ingest's
generator, whose sentences carry expressions such as "next week" and "on Monday"), measures:
- geoparsing each entry (what an ingest already pays), once, outside the timed steps;
- event times and paths for every entry, from the entries and their mentions (the added cost).
Compare the added seconds with bench/bench_ingest.py's figure for the same blog.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import SEED, generate_liveblog  # noqa: E402

from dashboard.events import entry_event_times, find_paths  # noqa: E402
from dashboard.events.evaluate import blog_zone  # noqa: E402
from dashboard.ingest import default_geoparser, load_blog  # noqa: E402


def measure(label: str, path: Path, day: date, geoparser) -> None:
    parsed = load_blog(path, date=day)
    zone = blog_zone(parsed, None)
    context = "\n\n".join(e.text for e in parsed.entries)
    began = time.perf_counter()
    mentions = [geoparser(e.text, context) for e in parsed.entries]
    geoparse_s = time.perf_counter() - began
    began = time.perf_counter()
    timed = paths = 0
    for entry, found in zip(parsed.entries, mentions, strict=True):
        times = entry_event_times(entry, found, zone)
        timed += sum(not t.is_report_time for t in times)
        paths += len(find_paths(entry.text, found))
    added = time.perf_counter() - began
    n = len(parsed.entries)
    print(f"{label:<40} {n:5d} entries  geoparse {geoparse_s:7.2f} s  "
          f"event times + paths {added:6.3f} s ({added / n * 1000:.2f} ms/entry, "
          f"{added / geoparse_s:.1%} of geoparsing)  {timed} timed mentions, {paths} paths")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--seed", type=Path, default=SEED)
    args = parser.parse_args(argv)
    geoparser = default_geoparser()
    geoparser("Warm-up text naming Damascus.", None)
    import tempfile

    measure("sample (first)", ROOT / "data" / "sample-liveblog.txt", date(2024, 12, 13),
            geoparser)
    measure("sample (again)", ROOT / "data" / "sample-liveblog.txt", date(2024, 12, 13), geoparser)
    if args.seed.is_file():
        measure("seed", args.seed, date(2024, 12, 13), geoparser)
    else:
        print(f"seed: {args.seed} is absent, skipped")
    with tempfile.TemporaryDirectory() as tmp:
        blog = Path(tmp) / "generated.txt"
        blog.write_text(generate_liveblog(args.entries), encoding="utf-8")
        measure(f"generated, {args.entries} entries", blog, date(2031, 3, 2), geoparser)
    return 0


if __name__ == "__main__":
    sys.exit(main())
