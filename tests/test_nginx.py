"""`serve --workers 2` behind the nginx configuration it writes, with Debian's nginx started as this user
(its prefix, pid, logs and temporary files in a temporary folder) on loopback: sessions land on both
workers, each browser stays on its own, the security headers hold and the page works under them (no
Content-Security-Policy violation in Chromium), and /_stcore/metrics is not served from outside.
Also: a visitor of `serve` sees no error details when the app fails.

Like the browser tests, these need a program from Debian (nginx): without it they skip, except in CI
(`CI=true`), where they fail, so a broken install cannot hide."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import browser_support as B
import pytest

from dashboard import nginx
from dashboard.store import EventStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Each request's worker, sticky cookie, status, path and request id, to see who served what.
LOG_FORMAT = "'$upstream_addr \"$cookie_lbm_worker\" $status $request_id $uri'"
LOG_LINE = re.compile(r'^(?P<upstream>\S+) "(?P<cookie>[^"]*)" (?P<status>\d+) (?P<request_id>\S+) (?P<uri>\S+)$')
# Chromium reports each Content-Security-Policy violation in the frame where it happens; every frame
# of the page (the map's iframe too) logs it to the console, where the test collects it.
REPORT_CSP = ("document.addEventListener('securitypolicyviolation', e => console.log("
              "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile))")


@pytest.fixture(scope="module")
def nginx_program() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if found is None:
        message = "nginx not found (apt-get install -y nginx)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def two_free_ports() -> int:
    """A port P with P and P + 1 free on loopback."""
    for _ in range(50):
        port = B.free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free ports")


def wait_for(url: str, timeout: float, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def main_config(folder: Path, site: Path) -> str:
    """nginx's main file around the site configuration, every path in `folder`."""
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                             "scgi"))
    # Run as root (a container), nginx would hand its workers to `nobody`, who cannot use these folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}daemon off;
worker_processes 1;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 256; }}
http {{
    log_format worker {LOG_FORMAT};
    access_log {folder / 'access.log'} worker;
{temp}
    include {site};
}}
"""


class Served:
    def __init__(self, url: str, ports: list[int], folder: Path):
        self.url, self.ports, self.folder = url, ports, folder

    def log(self) -> list[dict[str, str]]:
        lines = (self.folder / "access.log").read_text().splitlines()
        return [m.groupdict() for m in map(LOG_LINE.match, lines) if m]

    def worker_of(self, **match: str) -> set[str]:
        """The workers that served the requests matching `match` (nginx logs a request once it has ended,
        a moment after the client has read it: asked again for a few seconds while none is logged)."""
        deadline = time.monotonic() + 5
        while True:
            found = {row["upstream"] for row in self.log() if all(row[k] == v for k, v in match.items())}
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@pytest.fixture(scope="module")
def served(nginx_program, tmp_path_factory):
    folder = tmp_path_factory.mktemp("nginx")
    db = folder / "events.db"
    with EventStore(db) as store:
        B.write_blog(store, "small-blog", B.small_blog())
    first, listen = two_free_ports(), B.free_port()
    site = folder / "liveblog-map.conf"
    serve_log = folder / "serve.log"
    env = {**os.environ, "DASHBOARD_DB": str(db)}
    with serve_log.open("wb") as out:
        workers = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "serve", "--workers", "2", "--port", str(first),
             "--nginx-conf", str(site), "--nginx-listen", f"127.0.0.1:{listen}",
             "--", "--server.fileWatcherType", "none"], env=env, stdout=out, stderr=subprocess.STDOUT)
    proxy = None
    try:
        for port in (first, first + 1):
            wait_for(f"http://127.0.0.1:{port}/_stcore/health", 180, workers, serve_log)
        (folder / "nginx.conf").write_text(main_config(folder, site))
        command = [nginx_program, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        with (folder / "nginx.out").open("wb") as out:
            proxy = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{listen}"
        wait_for(f"{url}/_stcore/health", 20, proxy, folder / "error.log")
        yield Served(url, [first, first + 1], folder)
    finally:
        if proxy is not None:
            proxy.send_signal(signal.SIGQUIT)  # nginx's graceful stop
            proxy.wait(timeout=20)
        workers.send_signal(signal.SIGTERM)
        assert workers.wait(timeout=60) == 0, serve_log.read_text(errors="replace")[-3000:]
    for port in (first, first + 1):  # stopping serve stopped its workers
        with socket.socket() as probe, pytest.raises(OSError):
            probe.connect(("127.0.0.1", port))


def fetch(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], list[str]]:
    """The status, headers (the last of each name) and every Set-Cookie of a GET."""
    request = urllib.request.Request(url, headers={"Cookie": f"{nginx.STICKY_COOKIE}={cookie}"} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            response.read()
            return response.status, dict(response.headers.items()), response.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.headers.get_all("Set-Cookie") or []


def test_the_page_and_every_answer_carry_the_security_headers(served):
    for path, status in (("/", 200), ("/app/static/places.js", 200), ("/_stcore/metrics", 404)):
        code, headers, _ = fetch(served.url + path)
        assert code == status, path
        for name, value in nginx.SECURITY_HEADERS:
            assert headers.get(name) == value, (path, name)
    assert "frame-ancestors 'self'" in nginx.CONTENT_SECURITY_POLICY
    # Scripts keep their type under nosniff (else Chromium would refuse to run them).
    assert fetch(served.url + "/app/static/vendor/leaflet/leaflet.js")[1]["Content-Type"].startswith(
        ("application/javascript", "text/javascript"))


def test_the_metrics_are_for_the_server_only(served):
    assert fetch(served.url + "/_stcore/metrics")[0] == 404
    assert fetch(served.url + "/_stcore//metrics")[0] == 404 and fetch(served.url + "/_stcore/%6detrics")[0] == 404
    assert fetch(f"http://127.0.0.1:{served.ports[0]}/_stcore/metrics")[0] == 200  # still there, on loopback


def test_a_first_visit_gets_a_cookie_that_keeps_it_on_its_worker(served):
    code, _, cookies = fetch(served.url + "/")
    cookies = [c for c in cookies if c.startswith(f"{nginx.STICKY_COOKIE}=")]
    assert code == 200 and len(cookies) == 1
    value = re.fullmatch(rf"{nginx.STICKY_COOKIE}=(\w+); Path=/; HttpOnly; SameSite=Lax", cookies[0]).group(1)
    first_worker = served.worker_of(request_id=value)
    assert len(first_worker) == 1, (value, (served.folder / "access.log").read_text()[-2000:])
    for path in ("/", "/_stcore/health", "/app/static/places.css"):
        code, _, again = fetch(served.url + path, cookie=value)
        assert code == 200 and not [c for c in again if c.startswith(f"{nginx.STICKY_COOKIE}=")]  # set once
    assert served.worker_of(cookie=value) == first_worker


def cookie_per_worker(served) -> dict[str, str]:
    """A cookie value that nginx sends to each worker, found by asking with made-up values."""
    found: dict[str, str] = {}
    for number in range(200):
        value = f"probe{number}"
        fetch(served.url + "/_stcore/health", cookie=value)
        (worker,) = served.worker_of(cookie=value)
        found.setdefault(worker, value)
        if len(found) == 2:
            return found
    raise AssertionError(f"every probe went to {set(found)}")


def test_sessions_through_nginx_are_served_by_both_workers_and_stay_on_their_own(served, browser):
    chosen = cookie_per_worker(served)
    assert set(chosen) == {f"127.0.0.1:{port}" for port in served.ports}
    violations: list[str] = []
    sessions: dict[str, str] = {}  # cookie -> the worker it should be on
    for worker, value in [*chosen.items(), ("fresh", "")]:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        if value:
            context.add_cookies([{"name": nginx.STICKY_COOKIE, "value": value, "url": served.url}])
        context.add_init_script(REPORT_CSP)
        page = context.new_page()
        page.on("console", lambda message: "CSP violation" in message.text and violations.append(message.text))
        page.route("**/*", B.LoopbackGuard())
        page.goto(served.url + "/")
        frame = B.map_frame(page)
        B.wait_idle(page)
        assert frame.evaluate("() => document.querySelectorAll('.lbm-place, .lbm-area').length") > 0
        page.get_by_text("4 entries and 4 places").wait_for()  # the caption the server drew for this session
        if not value:  # the fresh browser: the cookie nginx gave it decides its worker
            value = next(c["value"] for c in context.cookies() if c["name"] == nginx.STICKY_COOKIE)
            (worker,) = served.worker_of(request_id=value)
        sessions[value] = worker
        context.close()  # its websocket ends: nginx logs a websocket when it closes
    assert violations == []
    for value, worker in sessions.items():
        assert served.worker_of(cookie=value, uri="/_stcore/stream", status="101") == {worker}, value
        assert served.worker_of(cookie=value) == {worker}, value  # every request of that browser
    assert set(sessions.values()) >= {f"127.0.0.1:{port}" for port in served.ports}


def test_a_visitor_sees_no_error_details_when_the_app_fails(browser, tmp_path):
    """A store whose blog table lacks a column: the app's read fails past its own error handling."""
    db = tmp_path / "events.db"
    with EventStore(db) as store:
        B.write_blog(store, "small-blog", B.small_blog())
    with sqlite3.connect(db) as conn:
        conn.execute("ALTER TABLE sources DROP COLUMN title")
    with B.streamlit_server(db) as url:
        page = browser.new_page()
        page.route("**/*", B.LoopbackGuard())
        page.goto(url)
        page.locator('[data-testid="stException"]').wait_for(timeout=60_000)
        B.wait_idle(page)
        shown = page.locator('[data-testid="stApp"]').inner_text()
    assert "Traceback" not in shown and 'File "' not in shown and str(tmp_path) not in shown, shown
    assert "no such column" not in shown and "title" not in shown, shown
