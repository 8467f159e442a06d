"""Geoparser benchmark: start-up with the index cached, documents per second on one core, memory.

    .venv/bin/python bench/bench_geoparse.py [CORPUS.jsonl ...]

Without corpora it uses news-like documents of about 2,500 characters generated from our own
sample live blog. Start-up is measured in a fresh process: import, load the index, first parse.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STARTUP = textwrap.dedent("""
    import json, time
    started = time.perf_counter()
    from gazetteer import geoparse
    geoparse("Convoys left Qamishli for the Khmeimim air base.")
    print(json.dumps({"startup_s": round(time.perf_counter() - started, 2)}))
""")


def documents(paths: list[str]) -> list[str]:
    if paths:
        return [json.loads(line)["text"] for p in paths for line in open(p, encoding="utf-8") if line.strip()]
    text = (ROOT / "data" / "sample-liveblog.txt").read_text(encoding="utf-8")
    return [text[i:i + 2500] for i in range(0, len(text) - 2500, 500)]


def main(paths: list[str]) -> None:
    startup = json.loads(subprocess.run([sys.executable, "-c", STARTUP], capture_output=True, text=True,
                                        check=True).stdout.strip().splitlines()[-1])
    from gazetteer.geoparser import default_geoparser

    parser = default_geoparser()
    docs = documents(paths)
    parser.parse(docs[0])
    started = time.perf_counter()
    mentions = sum(len(parser.parse(d)) for d in docs)
    elapsed = time.perf_counter() - started
    print(json.dumps({
        **startup, "documents": len(docs), "mean_chars": round(sum(map(len, docs)) / len(docs)),
        "docs_per_s": round(len(docs) / elapsed, 1), "mentions": mentions,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
