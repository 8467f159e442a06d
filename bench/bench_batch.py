"""Batch-ingest benchmark: prints figures, asserts nothing.

    .venv/bin/python bench/bench_batch.py [--blogs 2000] [--dir DIR] [--runs jobs1,jobs2,dask2,again] [--repeat N]

Writes N synthetic text live blogs (bench/synthetic.py --blogs), then ingests the folder into a fresh
store with `python -m dashboard ingest DIR`, once per configuration:
- jobs1: --jobs 1 (in one process, as a single ingest always ran);
- jobs2: --jobs 2 (a pool of two processes, the writer in the parent);
- dask2: --dask local:2 (a Dask LocalCluster of two worker processes, the writer in the client);
- again: --jobs 2 over jobs2's full store (a resumed batch with nothing left: parse and hash only).
For each: wall seconds, CPU seconds of the whole process tree (user + system, workers included),
entries per second, and the machine's load average before and after (a loaded machine makes the
ratios unfair: compare CPU seconds too). With --repeat N the runs go round N times, interleaved, and
the ratios use each configuration's fastest run (the one least slowed by other work on the machine).
Then whether the stores hold the same entries, mentions and places (tests/batch_support.logical_dump:
no row ids, no ingest times).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from batch_support import logical_dump  # noqa: E402
from synthetic import write_blog_files  # noqa: E402

RUNS = {
    "jobs1": ["--jobs", "1"],
    "jobs2": ["--jobs", "2"],
    "dask2": ["--dask", "local:2"],
    "again": ["--jobs", "2"],
}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ingest(folder: Path, db: Path, options: list[str]) -> tuple[float, float, str]:
    """Wall and CPU seconds of one batch ingest, and its summary line."""
    argv = [sys.executable, "-m", "dashboard", "ingest", str(folder), "--db", str(db), *options]
    cpu, started = children_cpu(), time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-2000:]}")
    summary = done.stdout.strip().splitlines()[-1]
    return wall, children_cpu() - cpu, summary


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blogs", type=int, default=2000)
    parser.add_argument("--dir", type=Path, help="a folder for the blogs and stores (default: a temporary one)")
    parser.add_argument("--runs", default=",".join(RUNS), help=f"which runs, in order (default {','.join(RUNS)})")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="go round the runs this many times (default 1)")
    args = parser.parse_args(argv)
    runs = args.runs.split(",")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as temporary:
        base = args.dir or Path(temporary)
        folder = base / f"blogs-{args.blogs}-{args.seed}"
        if not folder.is_dir():
            started = time.perf_counter()
            write_blog_files(folder, args.blogs, seed=args.seed)
            print(f"wrote {args.blogs} blogs into {folder} in {time.perf_counter() - started:.1f} s")
        print(f"cores: {os.cpu_count()}; place index cache: {os.environ.get('GAZETTEER_CACHE', '(default)')}")
        walls: dict[str, list[float]] = {}
        dumps = {}
        for run in runs * args.repeat:
            db = base / f"{'jobs2' if run == 'again' else run}.db"
            if run != "again":
                for leftover in base.glob(f"{run}.db*"):
                    leftover.unlink()
            before = load()
            wall, cpu, summary = ingest(folder, db, RUNS[run])
            walls.setdefault(run, []).append(wall)
            print(f"{run:6} {' '.join(RUNS[run]):16} wall {wall:7.1f} s  cpu {cpu:7.1f} s  "
                  f"load {before} -> {load()}\n       {summary}")
            if run != "again":
                dumps[run] = logical_dump(db)
        best = {run: min(times) for run, times in walls.items()}
        if args.repeat > 1:
            print("fastest runs: " + ", ".join(f"{run} {wall:.1f} s" for run, wall in best.items()))
        if "jobs1" in best and "jobs2" in best:
            print(f"jobs2 speed-up over jobs1: {best['jobs1'] / best['jobs2']:.2f}x (wanted >= 1.7x)")
        if "jobs2" in best and "dask2" in best:
            print(f"dask2 against jobs2: {best['dask2'] / best['jobs2'] - 1:+.0%} wall time (wanted within 15%)")
        if len(dumps) > 1:
            first, *others = dumps.values()
            same = all(other == first for other in others)
            counts = ", ".join(f"{len(rows):,} {table}" for table, rows in first.items())
            print(f"same store contents ({', '.join(dumps)}): {'yes' if same else 'NO'} ({counts})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
