"""Fetching a live page politely and, for the app, safely.

Polite: a conditional request (If-None-Match / If-Modified-Since from the last answer), the
project's own User-Agent, a timeout, the input cap on the body, and errors that name the URL and
what went wrong (DNS, connection, HTTP status, size).

Safe (server-side request forgery), when a `Guard` is given, as the app does: only http and https;
every address a host name resolves to must be public (not loopback, private, link-local, shared,
multicast, reserved or a cloud metadata address) unless private addresses are allowed; redirects are
followed by hand, each hop checked again; and the address checked is the address connected to: the
name is resolved once, the socket opens to that address, and the Host header and TLS server name
stay the host's, so a second DNS answer can never slip a private address in. The resolver and the
connector are injectable, so tests can make a loopback server look public (and count the lookups).
The command line fetches without a guard: it may fetch whatever its user names.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from dashboard import settings

Resolver = Callable[[str, int], Sequence[str]]
Connector = Callable[[str, int, float], socket.socket]

MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Cloud metadata services: named, though the address rules below refuse them all already.
METADATA_ADDRESSES = frozenset({"169.254.169.254", "fd00:ec2::254", "100.100.100.200"})


class FetchError(Exception):
    """A page that could not be fetched; ``str(err)`` is one line: "URL: what went wrong"."""

    def __init__(self, url: str, problem: str):
        super().__init__(" ".join(f"{url}: {problem}".split()))
        self.url, self.problem = url, problem


class UnsafeURLError(FetchError):
    """A URL the app refuses to fetch (scheme, or an address that is not public)."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system's resolver gives for `host`, in its order, each once."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def system_connector(address: str, port: int, timeout: float) -> socket.socket:
    return socket.create_connection((address, port), timeout=timeout)


def refusal(address: str) -> str | None:
    """Why an address may not be fetched from the app, or None for a public one."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if str(ip) in METADATA_ADDRESSES:
        return f"{ip} is a cloud metadata address"
    # The most specific reason first: Python counts loopback, link-local and reserved as private too.
    for kind, test in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                       ("multicast", ip.is_multicast), ("unspecified", ip.is_unspecified),
                       ("reserved", ip.is_reserved), ("private", ip.is_private)):
        if test:
            return f"{ip} is a {kind} address"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return None


@dataclass(frozen=True)
class Guard:
    """The app's rules for what may be fetched; `allow_private` lifts the address rule only."""

    allow_private: bool = False

    def check_scheme(self, url: str) -> None:
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise UnsafeURLError(url, f"only http and https pages can be followed, not {scheme or 'a bare path'}")

    def check_addresses(self, url: str, host: str, addresses: Sequence[str]) -> None:
        if self.allow_private:
            return
        for address in addresses:
            reason = refusal(address)
            if reason is not None:
                raise UnsafeURLError(url, f"refused: {host} resolves to {reason} "
                                          "(set DASHBOARD_ALLOW_PRIVATE_URLS=1 to allow it)")


@dataclass(frozen=True)
class Network:
    """How names are resolved and sockets opened (injectable for tests)."""

    resolve: Resolver = system_resolver
    connect: Connector = system_connector


@dataclass(frozen=True)
class Page:
    """A fetched page: the final URL (after redirects), the body, and what the next request sends back."""

    url: str
    body: bytes
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetcher:
    guard: Guard | None = None
    network: Network = field(default_factory=Network)
    timeout: float = settings.FETCH_TIMEOUT_SECONDS
    max_bytes: int = settings.MAX_INPUT_BYTES

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Page | None:
        """The page at `url`, or None when the server says it has not changed since `etag`/`last_modified`."""
        headers = {"User-Agent": settings.user_agent(), "Accept-Encoding": "identity",
                   "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
                             "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            response, connection = self._request(current, headers)
            try:
                if response.status in _REDIRECTS:
                    location = response.getheader("Location")
                    if not location:
                        raise FetchError(current, f"HTTP {response.status} redirect without a Location")
                    current = urljoin(current, location.strip())
                    continue
                if response.status == 304:
                    return None
                if response.status != 200:
                    raise FetchError(current, f"HTTP {response.status} {response.reason}".strip())
                body = self._read(current, response)
                return Page(current, body, response.getheader("Content-Type") or "",
                            response.headers.get_content_charset(), response.getheader("ETag"),
                            response.getheader("Last-Modified"))
            finally:
                connection.close()
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def _request(self, url: str, headers: dict[str, str]
                 ) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if self.guard is not None:
            self.guard.check_scheme(url)
        elif scheme not in ("http", "https"):
            raise FetchError(url, f"cannot fetch {scheme or 'a bare path'}: give an http or https URL or a file")
        try:
            host, port = parts.hostname, parts.port or (443 if scheme == "https" else 80)
        except ValueError as err:
            raise FetchError(url, f"not a valid URL ({err})") from None
        if not host:
            raise FetchError(url, "the URL has no host")
        try:
            addresses = list(self.network.resolve(host, port))
        except (socket.gaierror, UnicodeError) as err:
            raise FetchError(url, f"DNS lookup of {host} failed ({getattr(err, 'strerror', None) or err})") from None
        if not addresses:
            raise FetchError(url, f"DNS lookup of {host} gave no address")
        if self.guard is not None:
            self.guard.check_addresses(url, host, addresses)
        kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        connection = kind(host, port, addresses, self.network.connect, self.timeout)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        try:
            connection.request("GET", path, headers=headers)
            return connection.getresponse(), connection
        except TimeoutError:
            connection.close()
            raise FetchError(url, f"no answer within {self.timeout:g} s") from None
        except ssl.SSLError as err:
            connection.close()
            raise FetchError(url, f"TLS failed ({err.reason or err})") from None
        except (OSError, http.client.HTTPException) as err:
            connection.close()
            raise FetchError(url, f"connection failed ({getattr(err, 'strerror', None) or err})") from None

    def _read(self, url: str, response: http.client.HTTPResponse) -> bytes:
        cap = self.max_bytes
        declared = response.getheader("Content-Length")
        if declared and declared.strip().isdigit() and int(declared) > cap:
            raise FetchError(url, f"the page is {int(declared) / 2**20:.1f} MB, over the {cap / 2**20:.1f} MB limit")
        try:
            body = response.read(cap + 1)
        except (OSError, http.client.HTTPException) as err:
            raise FetchError(url, f"the connection broke while reading ({err})") from None
        if len(body) > cap:
            raise FetchError(url, f"the page is over the {cap / 2**20:.1f} MB limit")
        return body


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to addresses resolved (and checked) beforehand; Host stays the name."""

    def __init__(self, host: str, port: int, addresses: Sequence[str], connector: Connector, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._addresses, self._connector = list(addresses), connector

    def _open(self) -> socket.socket:
        failure: OSError | None = None
        for address in self._addresses:
            try:
                return self._connector(address, self.port, self.timeout)
            except OSError as err:
                failure = err
        raise failure or OSError("no address to connect to")

    def connect(self) -> None:
        self.sock = self._open()


class _PinnedHTTPS(_PinnedHTTP):
    """The same over TLS: the certificate is checked against the host name (SNI kept)."""

    default_port = http.client.HTTPS_PORT

    def connect(self) -> None:
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self._open(), server_hostname=self.host)
