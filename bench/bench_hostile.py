"""Hostile-input benchmark: prints how long the live-blog parser takes on inputs built to be slow.

    .venv/bin/python bench/bench_hostile.py [--megabytes 4]

Each family is built at about the given size (a million <br> tags around one entry at 4 MB; millions
of blank lines; empty elements; deep nesting; an entity flood; 100,000 tiny entries, whatever the
size). Prints seconds, MB/s and the outcome (entries parsed, or the parser's error). Asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.liveblog import LiveBlogError, parse_liveblog  # noqa: E402

ENTRY = "<p>10:05 BST</p><p>The quays were checked overnight.</p>"


def families(size: int) -> dict[str, tuple[str, str]]:
    """name -> (filename, content) of about `size` bytes."""
    half = size // 2
    return {
        "<br> around one entry": ("breaks.html", f"<html><body>{'<br>' * (half // 4)}{ENTRY}{'<br>' * (half // 4)}"
                                                 "</body></html>"),
        "empty <p></p><span></span>": ("empty.html", "<p></p><span></span>" * (size // 20) + ENTRY),
        "blank lines": ("blank.txt", "10:05 BST\n" + "\n" * size + "The quays were checked.\n"),
        "nested <div>": ("deep.html", "<div>" * (size // 5) + ENTRY),
        "entity flood": ("entities.html", f"<p>10:05 BST</p><p>{'&amp;' * (size // 5)}</p>"),
        "100,000 tiny entries": ("tiny.txt", "Tiny\n\n" + "".join(
            f"{(i // 60) % 24:02d}:{i % 60:02d} GMT\nWord {i}.\n" for i in range(100_000))),
        "JSON with a 5,000-digit number": ("number.json",
                                           f'[{{"time": "2031-05-31T10:40Z", "text": {"9" * 5000}}}]'),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=4.0)
    args = parser.parse_args()
    for name, (filename, content) in families(int(args.megabytes * 2**20)).items():
        began = time.perf_counter()
        try:
            outcome = f"{len(parse_liveblog(content, filename=filename, date=date(2031, 5, 31)).entries):,} entries"
        except LiveBlogError as err:
            outcome = f"rejected: {err}"
        elapsed = time.perf_counter() - began
        megabytes = len(content.encode()) / 2**20
        print(f"{name:32} {megabytes:6.1f} MB {elapsed:7.2f} s {megabytes / elapsed:8.1f} MB/s  {outcome}")


if __name__ == "__main__":
    main()
