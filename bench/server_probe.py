"""What a benchmark reads of a running dashboard server: its process, CPU time and peak memory (/proc).

Shared by bench/bench_step.py, bench/bench_load.py and bench/bench_map.py. Linux only: everything
comes from /proc.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def server_pid(port: int | str) -> int | None:
    """The `python -m dashboard serve` process listening on `port` (its command line names the port)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if args[1:4] == [b"-m", b"dashboard", b"serve"] and str(port).encode() in args:
            return int(cmdline.parent.name)
    return None


@contextmanager
def synthetic_server(entries: int, places: int) -> Iterator[tuple[str, int | None]]:
    """A fresh synthetic store (`bench.synthetic`) and a dashboard server on it: (its URL, its process id)."""
    from bench.synthetic import write_synthetic
    from dashboard.store import EventStore
    from tests import browser_support as B

    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        db = Path(tmp) / "synthetic.db"
        with EventStore(db) as store:
            result = write_synthetic(store, entries, places=places)
        print(f"store: {result.added:,} entries, {result.mentions_written:,} mentions, {places} cities")
        with B.streamlit_server(db) as url:
            yield url, server_pid(url.rsplit(":", 1)[1])


def lower_readers_priority(niceness: int, who: str = "readers' browsers") -> None:
    """Run this process, and the browsers it starts from now on, at `niceness` (the server keeps its own;
    a niceness is only ever raised).

    On one machine the readers' browsers take the server's cores; in a newsroom they run on the readers'
    own machines. A niceness of 10 or so lets the server go first, which is closer to that; 0 leaves the
    two to share. Call it after the server has started, before the browsers are launched.
    """
    now = os.nice(0)
    if niceness > now:
        os.nice(niceness - now)
        print(f"{who} at niceness {niceness}, the server at its own", flush=True)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of the process, all its threads, so far (seconds)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
    fields = stat[stat.rindex(")") + 2:].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / CLOCK_TICKS


class ReadersCpu:
    """The CPU time of this process's Chromium processes and Playwright's driver: the readers' side of a
    benchmark, which on one machine shares the cores with the server. A page's renderer ends when its
    session closes and takes its count with it, so the processes are read again and again (`read`), and
    each one's last reading counts; the first reading is the baseline."""

    def __init__(self) -> None:
        self.baseline: dict[int, float] | None = None
        self.last: dict[int, float] = {}

    def read(self) -> None:
        parents, programs, used = {}, {}, {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
                program = (stat.parent / "cmdline").read_bytes().split(b"\0", 1)[0]
            except OSError:  # gone since
                continue
            pid, fields = int(stat.parent.name), text[text.rindex(")") + 2:].split()  # as in cpu_seconds
            parents[pid] = int(fields[1])
            programs[pid] = Path(program.decode(errors="replace")).name
            used[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        ours = os.getpid()

        def from_here(pid: int) -> bool:
            while pid > 1:
                if pid == ours:
                    return True
                pid = parents.get(pid, 0)
            return False

        readings = {pid: used[pid] for pid, name in programs.items()
                    if pid != ours and ("chrom" in name or name == "node") and from_here(pid)}
        if self.baseline is None:
            self.baseline = readings
        self.last.update(readings)

    def seconds(self) -> float:
        """CPU seconds since the first reading."""
        return sum(last - (self.baseline or {}).get(pid, 0.0) for pid, last in self.last.items())


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank; values need not be sorted)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]
