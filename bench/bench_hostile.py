"""Hostile-input benchmark: prints how long the live-blog parser takes on inputs built to be slow.

    .venv/bin/python bench/bench_hostile.py [--megabytes 4]
    .venv/bin/python bench/bench_hostile.py --cli [--megabytes 19]

Each family is built at about the given size (a million <br> tags around one entry at 4 MB; millions
of blank lines; empty elements; deep nesting; an entity flood; 100,000 tiny entries, whatever the
size). Prints seconds, MB/s and the outcome (entries parsed, or the parser's error). Asserts nothing.

`--cli` runs the whole command line instead, `python -m dashboard ingest FILE` into a fresh store, one
process per input, on a page of <br> tags and a CSV of tiny entries of the given size and a page of
nested <div> elements (4 MB unless --megabytes is smaller): wall seconds, the process's peak RSS
(its own, from wait4), and the command's last line.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
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


def cli_families(size: int) -> dict[str, tuple[str, str]]:
    """The inputs of --cli: name -> (filename, content)."""
    rows, length, i = ["time,text"], 0, 0
    while length < size:
        row = f"2031-05-31T{(i // 60) % 24:02d}:{i % 60:02d}Z,w{i}"
        rows.append(row)
        length, i = length + len(row) + 1, i + 1
    return {
        "<br> around one entry": families(size)["<br> around one entry"],
        f"CSV of {i:,} tiny entries": ("tiny.csv", "\n".join(rows) + "\n"),
        "nested <div>": families(min(size, 4 * 2**20))["nested <div>"],
    }


def run_cli(size: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as folder:
        for name, (filename, content) in cli_families(size).items():
            path = Path(folder) / filename
            path.write_text(content, encoding="utf-8")
            store = Path(folder) / f"{path.stem}.db"
            began = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-m", "dashboard", "ingest", str(path), "--date", "2031-05-31", "--db", str(store)],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            assert process.stdout is not None
            output = process.stdout.read()
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - began
            process.returncode = os.waitstatus_to_exitcode(status)
            last = (output.strip().splitlines() or [""])[-1].strip()
            megabytes = path.stat().st_size / 2**20
            print(f"{name:32} {megabytes:6.1f} MB {elapsed:7.2f} s  peak RSS {usage.ru_maxrss / 1024:7.0f} MB  "
                  f"exit {process.returncode}  {last[:160]}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=None, help="input size (default 4, with --cli 19)")
    parser.add_argument("--cli", action="store_true", help="run `python -m dashboard ingest` on each input")
    args = parser.parse_args()
    if args.cli:
        run_cli(int((args.megabytes or 19.0) * 2**20))
        return
    args.megabytes = args.megabytes or 4.0
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
