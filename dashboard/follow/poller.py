"""Following a live page: poll it, ingest what is new or changed, wait, again.

One `Follower` per page (a URL, or a file path: a file is re-read when it changed) keeps what the
next poll needs: the ETag and Last-Modified of the last page ingested (also kept with the blog in the
store, so that the first poll of a later run is conditional too), the blog's name, and how many
polls in a row failed (the wait doubles with each, up to `settings.MAX_BACKOFF_SECONDS`). A poll
goes through the ordinary ingest (`dashboard.ingest.ingest_blog`): nothing is stored twice, a
changed entry replaces the stored one, and a failed poll leaves the store as it was.

The blog's name is `source` when given; else the name of the stored blog followed from the same URL;
else the page's title (a title already used by a blog from another address gives the URL, or the
file's name, instead).

`follow` is the command line's loop; `BackgroundPoller` is the app's: one thread per page, shared by
every session through `PollerRegistry`. In the app a follower has the server's ingest worker: the
poll fetches in its own thread and hands the parse and the ingest to a worker child
(`ingest_page_task`), so a hostile page costs a child's memory and time, never the server's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from dashboard import settings
from dashboard.follow.fetch import Fetcher, FetchError
from dashboard.ingest import Geoparser, IngestError, IngestReport, ingest_blog, one_line
from dashboard.liveblog import LiveBlogError, parse_liveblog, read_liveblog
from dashboard.model import ParsedBlog
from dashboard.store import EventStore, StoreError
from dashboard.worker import IngestWorker, Progress


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one poll did: counts, or the one-line error that stopped it."""

    target: str
    source: str
    checked_at: datetime
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    not_modified: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def line(self) -> str:
        """The poll in one line, as `follow` prints it."""
        stamp = f"{self.checked_at:%Y-%m-%d %H:%M:%S} UTC"
        if self.error is not None:
            return f"{stamp} error: {self.error}"
        what = "not changed" if self.not_modified else \
            f"{self.added} new, {self.updated} updated, {self.unchanged} unchanged"
        return f"{stamp} {self.source or self.target}: {what}"


def next_delay(every: float, failures: int) -> float:
    """Seconds to the next poll: `every`, doubled for each failure in a row, up to the back-off cap."""
    if failures <= 0:
        return every
    return min(every * 2 ** min(failures, 30), max(every, settings.MAX_BACKOFF_SECONDS))


def is_url(target: str) -> bool:
    return "://" in target


@dataclass
class Follower:
    """One followed page (or file) and what its next poll needs."""

    target: str
    source: str | None = None
    fetcher: Fetcher = field(default_factory=Fetcher)
    geoparser: Geoparser | None = None
    etag: str | None = None
    last_modified: str | None = None
    file_stamp: tuple[int, int] | None = None
    name: str | None = None
    failures: int = 0
    last: PollResult | None = None
    validators_read: bool = False  # whether the store's ETag and Last-Modified for the page were looked up
    # The app's ingest worker: parse and ingest in a child process (None: in this thread).
    worker: IngestWorker | None = None

    def poll(self, store: EventStore) -> PollResult:
        """Fetch, parse and ingest once; never raises for a bad page, a bad network or a bad store."""
        now = datetime.now(UTC)
        try:
            result = self._poll(store, now)
        except (FetchError, IngestError, StoreError) as exc:
            result = PollResult(self.target, self.name or "", now, error=self._message(exc))
        except Exception as exc:  # a bug, not a bad page: still one line, and the follower goes on
            result = PollResult(self.target, self.name or "", now,
                                error=f"{self.target}: unexpected {type(exc).__name__}: {one_line(exc)}")
        self.failures = 0 if result.ok else self.failures + 1
        self.last = result
        return result

    def _message(self, exc: Exception) -> str:
        text = one_line(exc)
        return text if text.startswith(self.target) or isinstance(exc, FetchError) else f"{self.target}: {text}"

    def _poll(self, store: EventStore, now: datetime) -> PollResult:
        if is_url(self.target):
            if not self.validators_read:  # a follow in an earlier process left them with the blog
                self.validators_read = True
                followed = store.followed_page(self.target, self.source)
                if followed is not None and self.etag is None and self.last_modified is None:
                    self.name = self.name or followed[0]
                    self.etag, self.last_modified = followed[1], followed[2]
            page = self.fetcher.fetch(self.target, etag=self.etag, last_modified=self.last_modified)
            if page is None:
                return PollResult(self.target, self.name or "", now, not_modified=True)
            found = PageIn(self.target, _page_filename(page.url, page.content_type), page.body, page.charset,
                           self.source, self.name)
            stamp: tuple = (page.etag, page.last_modified)
        else:
            path = Path(self.target).expanduser()
            try:
                stat = path.stat()
            except OSError as err:
                raise FetchError(self.target, f"cannot read it ({err.strerror or err})") from None
            if self.file_stamp == (stat.st_mtime_ns, stat.st_size):
                return PollResult(self.target, self.name or "", now, not_modified=True)
            found = PageIn(self.target, self.target, None, None, self.source, self.name)
            stamp = (stat.st_mtime_ns, stat.st_size)
        if self.worker is not None:
            job = self.worker.run(ingest_page_task, str(store.path), found, label=self.target)
            if job.error is not None:
                raise IngestError(job.error, job.field)
            source, added, updated, unchanged = job.result
        else:
            report = ingest_page(found, store, self.geoparser)
            source, added, updated, unchanged = report.source, report.added, report.updated, report.unchanged
        # Remembered only once stored: a failed ingest must not turn the next poll into "not changed".
        self.name = source
        if is_url(self.target):
            self.etag, self.last_modified = stamp
            store.set_page_validators(source, *stamp)
        else:
            self.file_stamp = stamp
        return PollResult(self.target, source, now, added, updated, unchanged)


@dataclass(frozen=True, slots=True)
class PageIn:
    """A page fetched (or a file that changed) for parsing and ingest: all a worker child needs.

    `data` is the page's body; None for a file, read where it is parsed. `source` is the name given to
    the follower, `name` the one its blog has from earlier polls."""

    target: str
    filename: str
    data: bytes | None
    encoding: str | None
    source: str | None
    name: str | None


def ingest_page(page: PageIn, store: EventStore, geoparser: Geoparser | None = None) -> IngestReport:
    """Parse a followed page and ingest it under its name (see the module's docstring for the name)."""
    if page.data is None:
        parsed = _parse(page.target, lambda: read_liveblog(Path(page.target).expanduser(), filename=page.target))
    else:
        body = page.data
        parsed = _parse(page.target, lambda: parse_liveblog(body, filename=page.filename, encoding=page.encoding))
    name = page.source or page.name or _name_from(store, parsed, page.target)
    return ingest_blog(parsed, store, source=name, url=page.target if is_url(page.target) else None,
                       geoparser=geoparser)


def ingest_page_task(db_path: str, page: PageIn, *, progress: Progress) -> tuple[str, int, int, int]:
    """`ingest_page` in a worker child: (blog name, added, updated, unchanged); errors as IngestError."""
    try:
        with EventStore(db_path) as store:
            report = ingest_page(page, store)
    except (FetchError, StoreError) as exc:
        raise IngestError(one_line(exc)) from exc
    return report.source, report.added, report.updated, report.unchanged


def _parse(target: str, parse: Callable[[], ParsedBlog]) -> ParsedBlog:
    try:
        parsed = parse()
    except LiveBlogError as exc:
        raise FetchError(target, f"not a live blog ({_after_name(exc)})") from None
    if not any(entry.is_timed and not entry.is_lead for entry in parsed.entries):
        raise FetchError(target, "not a live blog (no timed entries found)")
    return parsed


def _name_from(store: EventStore, parsed: ParsedBlog, target: str) -> str:
    """A followed blog's name when none was given or found before: the stored blog of the same URL,
    else the page's title, else the URL (or the file's name)."""
    sources = store.sources()
    if is_url(target):
        followed = sources[sources["url"] == target]
        if len(followed):
            return str(followed["name"].iloc[0])
    title = one_line(parsed.title or "")[:200]
    # A title already used by a blog from another address names that blog, not this one.
    elsewhere = sources[(sources["name"] == title) & (sources["url"].fillna("") != "")
                        & (sources["url"] != target)]
    if title and elsewhere.empty:
        return title
    return target if is_url(target) else Path(target).stem


def _after_name(exc: Exception) -> str:
    """A LiveBlogError's text without the input's name (the caller names the URL already)."""
    text = one_line(exc)
    head, sep, rest = text.partition(": ")
    return rest if sep and ("/" in head or "." in head or head == "input") else text


def _page_filename(url: str, content_type: str) -> str:
    """A name for the fetched page whose extension tells the parser its format when the URL does not."""
    kind = content_type.split(";")[0].strip().lower()
    path = urlsplit(url).path
    if kind in ("text/html", "application/xhtml+xml"):
        return url if path.lower().endswith((".html", ".htm")) else url.rstrip("/") + "#.html"
    if kind in ("application/rss+xml", "application/atom+xml"):
        return url + "#.rss"
    return url


# --------------------------------------------------------------------------------------------------
# The command line's loop.
# --------------------------------------------------------------------------------------------------


def follow(followers: Sequence[Follower], store: EventStore, *, every: float, once: bool, out: TextIO,
           stop: threading.Event | None = None) -> int:
    """Poll each follower once (`once`: then 0 when every poll worked, else 1), or keep polling each
    on its own schedule until `stop` is set (then 0). One line per poll to `out`."""
    if once:
        results = [f.poll(store) for f in followers]
        for result in results:
            print(result.line(), file=out, flush=True)
        return 0 if all(r.ok for r in results) else 1
    stop = stop or threading.Event()
    due = {id(f): time.monotonic() for f in followers}
    while not stop.is_set():
        follower = min(followers, key=lambda f: due[id(f)])
        if stop.wait(max(0.0, due[id(follower)] - time.monotonic())):
            break
        print(follower.poll(store).line(), file=out, flush=True)
        due[id(follower)] = time.monotonic() + next_delay(every, follower.failures)
    return 0


# --------------------------------------------------------------------------------------------------
# The app's pollers: one thread per page, shared by every session.
# --------------------------------------------------------------------------------------------------


class BackgroundPoller:
    """Polls one page every `every` seconds (with back-off) in a daemon thread until stopped."""

    def __init__(self, follower: Follower, db_path: Path, every: float, *, polled: bool = False):
        """`polled`: the follower has just polled (the app's form does, to answer at once): wait first."""
        self.follower, self.db_path, self.every, self._polled = follower, Path(db_path), every, polled
        self.started_at = datetime.now(UTC)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"follow {follower.target}", daemon=True)

    @property
    def target(self) -> str:
        return self.follower.target

    @property
    def last(self) -> PollResult | None:
        return self.follower.last

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def start(self) -> BackgroundPoller:
        self._thread.start()
        return self

    def stop(self, wait: float = 0.0) -> None:
        self._stop.set()
        if wait and self._thread.is_alive():
            self._thread.join(wait)

    def _run(self) -> None:
        try:
            store = EventStore(self.db_path)
        except StoreError as exc:
            self.follower.last = PollResult(self.target, "", datetime.now(UTC), error=one_line(exc))
            return
        with store:
            if self._polled and self._stop.wait(next_delay(self.every, self.follower.failures)):
                return
            while not self._stop.is_set():
                self.follower.poll(store)
                if self._stop.wait(next_delay(self.every, self.follower.failures)):
                    break


class PollerRegistry:
    """The server's pollers by (store, URL): following a page twice shares one poller."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pollers: dict[tuple[str, str], BackgroundPoller] = {}

    def start(self, db_path: Path, follower: Follower, every: float, *, polled: bool = False) -> BackgroundPoller:
        """Poll `follower`'s page in the background, unless a poller of that page runs already."""
        key = (str(Path(db_path).resolve()), follower.target)
        with self._lock:
            running = self._pollers.get(key)
            if running is not None and running.running:
                return running
            poller = self._pollers[key] = BackgroundPoller(follower, db_path, every, polled=polled).start()
            return poller

    def running(self, db_path: Path, target: str) -> bool:
        poller = self._pollers.get((str(Path(db_path).resolve()), target))
        return poller is not None and poller.running

    def stop(self, db_path: Path, target: str) -> bool:
        with self._lock:
            poller = self._pollers.pop((str(Path(db_path).resolve()), target), None)
        if poller is None:
            return False
        poller.stop()
        return True

    def pollers(self, db_path: Path) -> list[BackgroundPoller]:
        """This store's pollers, in the order they were started."""
        key = str(Path(db_path).resolve())
        with self._lock:
            return [p for (db, _), p in self._pollers.items() if db == key]

    def stop_all(self) -> None:
        with self._lock:
            pollers, self._pollers = list(self._pollers.values()), {}
        for poller in pollers:
            poller.stop(wait=5.0)
