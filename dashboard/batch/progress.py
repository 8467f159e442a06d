"""A batch's progress on stderr: a bar redrawn in place on a terminal, a plain line per blog otherwise
(a log file or a pipe gets no carriage returns). A lone blog shows nothing: its report says it all."""

from __future__ import annotations

import time
from typing import TextIO

BAR_WIDTH = 24
# A terminal is redrawn at most this often: printing is not free, and the eye cannot follow faster.
REDRAW_SECONDS = 0.2


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}" if seconds > 0 else "-"


class Progress:
    """Counts blogs and entries as they are written, and shows them on `stream`."""

    def __init__(self, stream: TextIO, total: int, *, clock=time.monotonic):
        self.stream = stream
        self.total = total
        self.clock = clock
        self.started = clock()
        self.blogs = self.entries = self.failed = 0
        self.on_terminal = _is_terminal(stream)
        self.shown = total > 1
        self._drawn_at = float("-inf")

    @property
    def seconds(self) -> float:
        return self.clock() - self.started

    def blog_done(self, label: str, entries: int, outcome: str, *, failed: bool = False) -> None:
        self.blogs += 1
        self.entries += entries
        self.failed += failed
        if not self.shown:
            return
        if self.on_terminal:
            if self.blogs == self.total or self.clock() - self._drawn_at >= REDRAW_SECONDS:
                self._draw()
        else:
            print(f"[{self.blogs}/{self.total}] {label}: {outcome}; {self.entries:,} entries, "
                  f"{rate(self.entries, self.seconds)} entries/s", file=self.stream, flush=True)

    def _draw(self) -> None:
        self._drawn_at = self.clock()
        done = self.blogs / self.total if self.total else 1.0
        filled = round(done * BAR_WIDTH)
        failed = f", {self.failed} failed" if self.failed else ""
        line = (f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.blogs:,}/{self.total:,} blogs, "
                f"{self.entries:,} entries, {rate(self.entries, self.seconds)} entries/s{failed}")
        self.stream.write(line + "\x1b[K")  # clear what a longer earlier line left
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line, so that what follows starts on its own."""
        if self.shown and self.on_terminal and self.blogs:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
