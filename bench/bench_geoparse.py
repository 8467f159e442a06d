"""Geoparser benchmark: start-up with the index cached, documents per second on one core, memory.

    .venv/bin/python bench/bench_geoparse.py [--runs N] [CORPUS.jsonl ...]

Without corpora it uses news-like documents of about 2,500 characters generated from our own
sample live blog. Each run is a fresh process: start-up is import, loading the index and the
first parse; then every document is parsed once (the first pass: words, places and names met for
the first time), timed both on the wall clock and in CPU seconds (the machine may be shared), then
once more (a warm pass, as in a long-running process), and the process's peak memory is read.
Start-up is timed on the wall clock and in CPU seconds too. Prints each run, the median of the
runs and the machine's load averages before and after.

    .venv/bin/python bench/bench_geoparse.py --before ../wt-base --before-cache /tmp/gzc-base [CORPUS.jsonl ...]

The same, each run of this checkout after one of another (its code on PYTHONPATH, its index in
--before-cache): a before-and-after comparison under the same load.

    .venv/bin/python bench/bench_geoparse.py --jobs 1,2 [--runs N] [--documents 2000] [CORPUS.jsonl ...]

Batch mode instead (`geoparse --jsonl IN --out OUT --jobs N`): the documents, repeated in turn up
to --documents, are geoparsed by `gazetteer.batch.write_geoparsed` in a fresh process for each
number of jobs (runs interleaved, so that other work on the machine weighs on both alike); prints
each run's wall-clock seconds after start-up and CPU seconds (the process and its workers), the
medians, the speed-up of each over the first (wall clock: it needs idle cores, so the load averages
before and after are printed beside it), and whether every run's output is the same.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def documents(paths: list[str]) -> list[str]:
    if paths:
        texts = []
        for p in paths:
            with open(p, encoding="utf-8") as handle:
                texts.extend(json.loads(line)["text"] for line in handle if line.strip())
        return texts
    text = (ROOT / "data" / "sample-liveblog.txt").read_text(encoding="utf-8")
    return [text[i:i + 2500] for i in range(0, len(text) - 2500, 500)]


def one_run(paths: list[str]) -> dict:
    """What one fresh process measures (the parent runs this in a child)."""
    started = time.perf_counter()
    from gazetteer import geoparse
    from gazetteer.geoparser import default_geoparser

    geoparse("Convoys left Qamishli for the Khmeimim air base.")
    startup = time.perf_counter() - started
    startup_cpu = time.process_time()  # (from the start of the process: the interpreter's own start-up too)
    parser = default_geoparser()
    docs = documents(paths)
    wall, cpu = time.perf_counter(), time.process_time()
    mentions = sum(len(parser.parse(d)) for d in docs)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    warm = time.process_time()
    for d in docs:
        parser.parse(d)
    warm = time.process_time() - warm
    return {
        "startup_s": round(startup, 2), "startup_cpu_s": round(startup_cpu, 2),
        "documents": len(docs), "mean_chars": round(sum(map(len, docs)) / len(docs)),
        "docs_per_s": round(len(docs) / wall, 1), "docs_per_cpu_s": round(len(docs) / cpu, 1),
        "warm_docs_per_cpu_s": round(len(docs) / warm, 1),
        "mentions": mentions, "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def one_batch(paths: list[str], jobs: int, count: int) -> dict:
    """One fresh process's batch: start-up, then `count` documents geoparsed on `jobs` processes."""
    import hashlib
    import io

    from gazetteer.batch import write_geoparsed
    from gazetteer.geoparser import default_geoparser

    default_geoparser()
    texts = documents(paths)
    docs = [(n, texts[n % len(texts)]) for n in range(count)]
    sink = io.StringIO()
    started, cpu = time.perf_counter(), _cpu_seconds()
    write_geoparsed(docs, sink, jobs)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    return {"jobs": jobs, "documents": count, "seconds": round(seconds, 2), "docs_per_s": round(count / seconds, 1),
            "cpu_s": round(cpu, 2), "docs_per_cpu_s": round(count / cpu, 1),
            "output_sha1": hashlib.sha1(sink.getvalue().encode()).hexdigest()[:12]}


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the batch's workers, once joined)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _load() -> list[float]:
    """The machine's load averages (1, 5, 15 minutes): what other work weighed on the figures."""
    return [round(x, 2) for x in os.getloadavg()]


def batch_main(args: argparse.Namespace) -> None:
    jobs = [int(j) for j in args.jobs.split(",")]
    load_before = _load()
    runs: dict[int, list[dict]] = {j: [] for j in jobs}
    for _ in range(max(1, args.runs)):
        for j in jobs:
            out = subprocess.run([sys.executable, __file__, "--one-batch", str(j), "--documents", str(args.documents),
                                  *args.paths], capture_output=True, text=True, check=True).stdout
            runs[j].append(json.loads(out.strip().splitlines()[-1]))
            print(json.dumps(runs[j][-1]), file=sys.stderr)
    medians = {j: statistics.median(r["seconds"] for r in rs) for j, rs in runs.items()}
    cpu = {j: statistics.median(r["cpu_s"] for r in rs) for j, rs in runs.items()}
    first = jobs[0]
    print(json.dumps({
        "runs": args.runs, "documents": args.documents, "load_before": load_before, "load_after": _load(),
        **{f"median_s_jobs{j}": m for j, m in medians.items()},
        **{f"speedup_jobs{j}": round(medians[first] / m, 2) for j, m in medians.items() if j != first},
        **{f"median_cpu_s_jobs{j}": c for j, c in cpu.items()},
        "same_output": len({r["output_sha1"] for rs in runs.values() for r in rs}) == 1,
    }))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes to run (default 5)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", metavar="N,M", help="batch mode: the numbers of jobs to compare, e.g. 1,2")
    parser.add_argument("--documents", type=int, default=2000, help="batch mode: documents (default 2000)")
    parser.add_argument("--one-batch", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--before", metavar="CHECKOUT", help="another checkout (e.g. a worktree of main) whose runs "
                        "alternate with this one's")
    parser.add_argument("--before-cache", metavar="DIR", help="GAZETTEER_CACHE for --before's runs (default: the "
                        "platform's cache; give another folder when the two index formats differ)")
    parser.add_argument("paths", nargs="*", metavar="CORPUS.jsonl")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one_run(args.paths)))
        return
    if args.one_batch:
        print(json.dumps(one_batch(args.paths, args.one_batch, args.documents)))
        return
    if args.jobs:
        batch_main(args)
        return
    checkouts = {"this": (ROOT, os.environ.get("GAZETTEER_CACHE"))}
    if args.before:
        # The other checkout's runs alternate with this one's, so that other work on the machine
        # weighs on both alike. Its own cache: an index of another format would be rebuilt in turn.
        checkouts = {"before": (Path(args.before).resolve(), args.before_cache), **checkouts}
    paths = [str(Path(p).resolve()) for p in args.paths]
    runs: dict[str, list[dict]] = {name: [] for name in checkouts}
    load_before = _load()
    for _ in range(max(1, args.runs)):
        for name, (checkout, cache) in checkouts.items():
            env = {k: v for k, v in os.environ.items() if k != "GAZETTEER_CACHE"}
            if cache:
                env["GAZETTEER_CACHE"] = cache
            env["PYTHONPATH"] = str(checkout)
            out = subprocess.run([sys.executable, __file__, "--one", *paths], capture_output=True, text=True,
                                 check=True, cwd=checkout, env=env).stdout
            runs[name].append({"code": name, "load": _load()[0], **json.loads(out.strip().splitlines()[-1])})
            print(json.dumps(runs[name][-1]), file=sys.stderr)
    for name, rs in runs.items():
        median = {key: statistics.median(r[key] for r in rs)
                  for key in ("startup_s", "startup_cpu_s", "docs_per_s", "docs_per_cpu_s", "warm_docs_per_cpu_s",
                              "peak_mb") if all(key in r for r in rs)}
        print(json.dumps({"code": name, "runs": len(rs), "documents": rs[0]["documents"],
                          "mean_chars": rs[0]["mean_chars"], "mentions": rs[0]["mentions"],
                          "load_before": load_before, "load_after": _load(),
                          **{f"median_{k}": v for k, v in median.items()}}))

if __name__ == "__main__":
    main(sys.argv[1:])
