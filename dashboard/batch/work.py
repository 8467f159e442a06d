"""The part of a batch that runs in workers (processes of a pool, or Dask workers): read, parse and
geoparse one blog. Nothing here touches the store: the writer (the parent, or the Dask client)
stores what comes back, one blog a transaction.

The geoparser and its index are loaded once per worker process (`worker_geoparser`, called by the
pool's initializer or the Dask worker plugin), never once per blog.
"""

from __future__ import annotations

import signal
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dashboard import ingest
from dashboard.batch.inputs import BlogTask
from dashboard.ingest import Geoparser, IngestError, blog_context, load_blog, one_line
from dashboard.liveblog import LiveBlogError, parse_liveblog
from dashboard.store import entry_rows

if TYPE_CHECKING:
    from dashboard.model import ParsedBlog
    from gazetteer.places import Mention


@dataclass(frozen=True, slots=True)
class Prepared:
    """A blog ready to be written: its parsed entries and the mentions found in those that needed it
    (by entry text), or the one-line reason it was rejected."""

    index: int
    label: str
    parsed: ParsedBlog | None = None
    found: dict[str, list[Mention]] = field(default_factory=dict)
    geoparsed: int = 0
    error: str = ""
    error_field: str | None = None  # what the user can change (`IngestError.field`): the CLI says how

    @property
    def entries(self) -> int:
        return len(self.parsed.entries) if self.parsed is not None else 0


_geoparser: Geoparser | None = None
_geoparser_lock = threading.Lock()


def worker_geoparser() -> Geoparser:
    """This process's geoparser, its index loaded by a first call: once per worker, whatever the tasks."""
    global _geoparser
    with _geoparser_lock:
        if _geoparser is None:
            parse = ingest.default_geoparser()
            parse("Warm-up in Paris.", None)  # the index loads on the first call: load it now, not in a task
            _geoparser = parse
        return _geoparser


def start_pool_worker() -> None:
    """A pool worker's initializer: Ctrl-C is the parent's to handle (it stops the pool), and the
    geoparser is loaded before the first task."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker_geoparser()


def parse_task(task: BlogTask) -> ParsedBlog:
    """The task's blog, parsed; a rejection is an IngestError naming the blog."""
    if task.path is not None:
        return load_blog(task.path, date=task.date, tz=task.tz, encoding=task.encoding)
    try:
        return parse_liveblog(task.data or b"", filename=task.filename or task.label, date=task.date, tz=task.tz,
                              encoding=task.encoding)
    except LiveBlogError as exc:
        raise IngestError(one_line(exc)) from exc
    except UnicodeError as exc:  # text that cannot be encoded (lone surrogates from a JSON escape)
        raise IngestError(f"{task.label}: not valid text ({one_line(exc)})") from exc


def prepare_blog(task: BlogTask, geoparser: Geoparser | None = None) -> Prepared:
    """Parse the task's blog and geoparse its entries that the store does not hold as they are.

    Never raises for a bad blog: the reason comes back as `error`, so one blog cannot stop a batch.
    `geoparser` defaults to this worker's (loaded once).
    """
    if task.rejected:
        return Prepared(task.index, task.label, error=task.rejected)
    try:
        parsed = parse_task(task)
    except IngestError as exc:  # the parser's messages name the blog
        return Prepared(task.index, task.label, error=one_line(exc), error_field=exc.field)
    except Exception as exc:  # a bug, not a rejection: still one line, and the batch goes on
        return Prepared(task.index, task.label, error=f"{task.label}: unexpected {type(exc).__name__}: {one_line(exc)}")
    try:
        rows = entry_rows(list(parsed.entries), newest_first=parsed.newest_first)
    except ValueError as exc:
        return Prepared(task.index, task.label, error=f"{task.label}: {one_line(exc)}")
    todo = [row for row in rows if task.reparse or task.stored.get(row.key) != row.content_hash]
    found: dict[str, list[Mention]] = {}
    if todo:
        parse = geoparser or worker_geoparser()
        context = blog_context(parsed.entries)
        for row in todo:
            text = row.entry.text
            if text in found:
                continue
            try:
                found[text] = list(parse(text, context))
            except Exception as exc:
                return Prepared(task.index, task.label,
                                error=f"{task.label}: the geoparser failed on the entry at "
                                      f"{row.entry.time_given or row.time_utc}: {one_line(exc)}")
    return Prepared(task.index, task.label, parsed, found, geoparsed=len(found))


def prepare_blogs(tasks: list[BlogTask], geoparser: Geoparser | None = None) -> list[Prepared]:
    """`prepare_blog` for a few blogs in one task: a cluster's per-task cost (scheduling, messages) is
    paid once for them all."""
    return [prepare_blog(task, geoparser) for task in tasks]
