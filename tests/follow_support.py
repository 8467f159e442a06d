"""A live page that grows between polls, served on loopback, in three shapes: schema.org JSON-LD,
plain HTML entries, and an RSS feed. The story is our own (a ferry strike and a storm at sea).

Used by tests/test_follow.py, tests/test_follow_safety.py and the browser test of following a page.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Update:
    when: str  # ISO 8601 with an offset, to the second
    headline: str
    body: str

    @property
    def utc(self) -> datetime:
        return datetime.fromisoformat(self.when).astimezone(UTC)


TITLE = "Ferry strike live: sailings to the islands halted"
INTRO = "Crews walked off the ferries at dawn; the storm that followed kept even the few sailings in port."
PUBLISHED = "2025-03-04T05:45:00+02:00"

FIRST = [
    Update("2025-03-04T06:02:11+02:00", "Crews leave the ferries at dawn",
           "Several hundred seafarers left their ships in Piraeus before the first departures."),
    Update("2025-03-04T07:15:42+02:00", "No sailings to Crete this morning",
           "The morning boats to Heraklion stayed at the quay, the port authority said."),
    Update("2025-03-04T08:30:05+02:00", "Union sets out its demands",
           "Union leaders in Athens asked for higher pay and longer rest between crossings."),
]
# The second version: the second entry is corrected, and two entries are added.
SECOND = [
    FIRST[0],
    Update(FIRST[1].when, FIRST[1].headline,
           "The morning boats to Heraklion and Chania stayed at the quay, the port authority said."),
    FIRST[2],
    Update("2025-03-04T09:47:58+02:00", "Storm warning for the Aegean",
           "Forecasters warned of gale-force winds around Rhodes by the afternoon."),
    Update("2025-03-04T10:05:33+02:00", "Coastguard on alert in Thessaloniki",
           "Patrol boats in Thessaloniki were told to stay ready for the rest of the day."),
]


def jsonld_page(updates: list[Update], title: str = TITLE) -> str:
    """The page as outlets with structured data publish it: entries in JSON-LD, the HTML a shell."""
    posting = {
        "@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": title,
        "description": INTRO, "coverageStartTime": PUBLISHED,
        "liveBlogUpdate": [{"@type": "BlogPosting", "headline": u.headline, "datePublished": u.when,
                            "articleBody": f"<p>{html.escape(u.body)}</p>"} for u in reversed(updates)],
    }
    data = json.dumps(posting, ensure_ascii=False).replace("</", "<\\/")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)} | Quay News</title>"
            f"<script type='application/ld+json'>{data}</script></head><body>"
            "<nav><ul><li><a href='/europe'>Europe</a></li><li><a href='/asia'>Asia</a></li></ul></nav>"
            f"<h1>{html.escape(title)}</h1><div id='app'>Loading…</div></body></html>")


def html_page(updates: list[Update], title: str = TITLE) -> str:
    """The page as outlets without structured data render it: one article per entry, newest first."""
    articles = "".join(
        f"<article><header><time datetime='{u.when}'>{u.when[11:16]}</time><h2>{html.escape(u.headline)}</h2>"
        f"</header><p>{html.escape(u.body)}</p></article>" for u in reversed(updates))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)} | Quay News</title>"
            f"<meta property='og:site_name' content='Quay News'>"
            f"<meta property='article:published_time' content='{PUBLISHED}'></head><body>"
            "<header><div class='menu'><a href='/europe'>Europe</a> <a href='/asia'>Asia</a> "
            "<a href='/africa'>Africa</a></div></header>"
            f"<main><h1>{html.escape(title)}</h1><p>{html.escape(INTRO)}</p>{articles}</main>"
            "<footer role='contentinfo'><p>Quay News, Lisbon and Madrid</p></footer></body></html>")


def rss_feed(updates: list[Update], title: str = TITLE) -> str:
    items = "".join(
        f"<item><title>{html.escape(u.headline)}</title><pubDate>{format_datetime(datetime.fromisoformat(u.when))}"
        f"</pubDate><description>{html.escape(u.body)}</description></item>" for u in reversed(updates))
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{html.escape(title)}"
            f"</title><link>https://quay.example/live</link><description>Updates</description>{items}"
            "</channel></rss>")


SHAPES = {"jsonld": (jsonld_page, "text/html; charset=utf-8"), "html": (html_page, "text/html; charset=utf-8"),
          "rss": (rss_feed, "application/rss+xml; charset=utf-8")}


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str | None = None
    etag: bool = True  # whether the answer carries an ETag (some servers give only Last-Modified)
    last_modified: str | None = None


@dataclass
class LiveServer:
    """A loopback server whose routes a test changes between polls; it answers conditional requests."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def serve(self, path: str, text: str, content_type: str = "text/html; charset=utf-8", *, etag: bool = True,
              last_modified: str | None = None) -> None:
        self.routes[path] = Route(text.encode("utf-8"), content_type, etag=etag, last_modified=last_modified)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = Route(status=status, location=location)


@contextmanager
def live_server() -> Iterator[LiveServer]:
    state = LiveServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append((self.path, {k: v for k, v in self.headers.items()}))
            route = state.routes.get(self.path)
            if route is None:
                self.send_error(404, "Not Found")
                return
            if route.location is not None:
                self.send_response(route.status)
                self.send_header("Location", route.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            validators = {}
            if route.etag:
                validators["ETag"] = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
            if route.last_modified:
                validators["Last-Modified"] = route.last_modified
            asked = self.headers.get("If-None-Match")
            # As HTTP says: If-None-Match when sent, else If-Modified-Since (the same date: not modified).
            since = self.headers.get("If-Modified-Since")
            unchanged = (asked == validators.get("ETag") if asked is not None else
                         route.last_modified is not None and since == route.last_modified)
            if unchanged:
                self.send_response(304)
                for name, value in validators.items():
                    self.send_header(name, value)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            for name, value in validators.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
