"""Gazetteer benchmark: build time, load time, memory while loading, lookups per second.

    .venv/bin/python bench/bench_gazetteer.py            # builds into a fresh temporary cache
    .venv/bin/python bench/bench_gazetteer.py --reuse    # measures the cache in use, no build

Each step runs in a child process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap

STEP = textwrap.dedent("""
    import json, resource, sys, time
    step = sys.argv[1]
    started = time.perf_counter()
    if step == "build":
        from gazetteer.build import build_index, default_index_path
        build_index(default_index_path(), log=lambda _: None)
        print(json.dumps({"build_s": round(time.perf_counter() - started, 1)}))
    else:
        from gazetteer.build import default_index_path
        from gazetteer.index import PlaceIndex
        from gazetteer.lookup import Gazetteer
        index = PlaceIndex(default_index_path())
        load_s = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        gazetteer = Gazetteer(index)
        queries = ["Damascus", "Tartus", "Khmeimim", "Tripoli", "Kharkiv", "Springfield", "Paris",
                   "al-Qamishli", "Mount Hermon", "Nowhere Special", "Aleppo", "Gaza City"]
        for q in queries:  # warm the place cache as a long-running app would be
            gazetteer.candidates(q)
        n = 0
        t = time.perf_counter()
        while time.perf_counter() - t < 2.0:
            for q in queries:
                gazetteer.candidates(q)
            n += len(queries)
        rate = n / (time.perf_counter() - t)
        print(json.dumps({"load_s": round(load_s, 2), "peak_mb_after_load": round(peak_mb),
                          "names": len(index.names), "places": len(index),
                          "lookups_per_s": round(rate)}))
""")


def run(step: str, env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", STEP, step], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="measure the cache in use instead of a fresh build")
    args = parser.parse_args()
    env = dict(os.environ)
    results: dict = {}
    with tempfile.TemporaryDirectory() as cache:
        if not args.reuse:
            env["GAZETTEER_CACHE"] = cache
            results.update(run("build", env))
        results.update(run("load", env))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
