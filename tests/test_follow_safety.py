"""The app's guard against server-side request forgery: only http and https, only public addresses
(unless the operator allows private ones), every redirect checked again, and the address checked is
the one connected to. A loopback server is made to look public with an injected resolver and
connector, so these tests never leave the machine."""

from __future__ import annotations

import socket

import pytest
from follow_support import FIRST, SHAPES, live_server

from dashboard.follow import Fetcher, FetchError, Guard, Network, UnsafeURLError, refusal
from dashboard.follow.fetch import system_connector

PUBLIC = "93.184.216.34"  # a public address; the injected connector sends it to the loopback server


class LoopbackNetwork:
    """Resolves every name to the addresses given and connects "public" addresses to loopback,
    recording what was resolved and what was connected to."""

    def __init__(self, *answers: list[str]):
        self.answers = list(answers)
        self.lookups: list[str] = []
        self.connected: list[str] = []

    def resolve(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        if host == "127.0.0.1":
            return ["127.0.0.1"]
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def connect(self, address: str, port: int, timeout: float) -> socket.socket:
        self.connected.append(address)
        return system_connector("127.0.0.1" if address == PUBLIC else address, port, timeout)

    def network(self) -> Network:
        return Network(self.resolve, self.connect)


def guarded(network: LoopbackNetwork, allow_private: bool = False) -> Fetcher:
    return Fetcher(guard=Guard(allow_private=allow_private), network=network.network())


@pytest.mark.parametrize(("address", "why"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
    ("10.1.2.3", "private"), ("192.168.0.10", "private"), ("172.16.5.4", "private"), ("fd12::1", "private"),
    ("169.254.169.254", "cloud metadata"), ("169.254.10.10", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"), ("240.0.0.1", "reserved"),
    ("100.64.0.1", "not a public address"),
])
def test_addresses_that_are_not_public_are_refused(address, why):
    assert why in (refusal(address) or "")


@pytest.mark.parametrize("address", ["8.8.8.8", PUBLIC, "2a00:1450:4001:81c::200e"])
def test_public_addresses_pass(address):
    assert refusal(address) is None


@pytest.mark.parametrize(("answer", "why"), [
    (["127.0.0.1"], "loopback"), (["10.0.0.7"], "private"), (["169.254.169.254"], "cloud metadata"),
    # One bad answer among good ones is enough: the connection may go to any of them.
    ([PUBLIC, "10.0.0.7"], "private"),
])
def test_a_host_resolving_to_a_private_address_is_refused_before_connecting(answer, why):
    network = LoopbackNetwork(answer)
    with pytest.raises(UnsafeURLError, match=f"refused: news.example resolves to .*{why}"):
        guarded(network).fetch("http://news.example/live")
    assert network.connected == []


def test_a_loopback_url_is_refused_and_allowed_when_the_operator_says_so():
    with live_server() as server:
        server.serve("/live", "<p>hello</p>")
        with pytest.raises(UnsafeURLError, match=r"127\.0\.0\.1 is a loopback address"):
            Fetcher(guard=Guard()).fetch(server.url("/live"))
        page = Fetcher(guard=Guard(allow_private=True)).fetch(server.url("/live"))
        assert page is not None and page.body == b"<p>hello</p>"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://news.example/live", "gopher://news.example/",
                                 "/etc/passwd"])
def test_only_http_and_https(url):
    network = LoopbackNetwork([PUBLIC])
    with pytest.raises(UnsafeURLError, match="only http and https"):
        guarded(network).fetch(url)
    assert network.lookups == []


def test_a_public_looking_server_is_fetched_with_its_own_host_name():
    render, content_type = SHAPES["html"]
    with live_server() as server:
        server.serve("/live", render(FIRST), content_type)
        network = LoopbackNetwork([PUBLIC])
        page = guarded(network).fetch(f"http://news.example:{server.port}/live")
        assert page is not None and b"Crews leave the ferries" in page.body
        assert server.requests[-1][1]["Host"] == f"news.example:{server.port}"
        assert network.connected == [PUBLIC]


def test_every_redirect_is_checked_again():
    with live_server() as server:
        server.serve("/inside", "<p>internal</p>")
        server.redirect("/hop", server.url("/inside"))  # to http://127.0.0.1:PORT/inside
        server.redirect("/to-file", "file:///etc/passwd")
        network = LoopbackNetwork([PUBLIC])
        with pytest.raises(UnsafeURLError, match=r"127\.0\.0\.1 is a loopback address"):
            guarded(network).fetch(f"http://news.example:{server.port}/hop")
        assert network.connected == [PUBLIC]  # the first hop only; never the loopback address
        with pytest.raises(UnsafeURLError, match="only http and https pages can be followed, not file"):
            guarded(network).fetch(f"http://news.example:{server.port}/to-file")
        # A redirect to another public-looking page is followed.
        server.serve("/page", "<p>moved here</p>")
        server.redirect("/moved", f"http://news.example:{server.port}/page", status=301)
        page = guarded(LoopbackNetwork([PUBLIC])).fetch(f"http://news.example:{server.port}/moved")
        assert page is not None and page.url.endswith("/page") and page.body == b"<p>moved here</p>"


def test_the_address_checked_is_the_address_connected_to():
    """A name that answers a public address first and loopback next (DNS rebinding) is resolved once,
    and the socket opens to the address that was checked."""
    with live_server() as server:
        server.serve("/live", "<p>hello</p>")
        network = LoopbackNetwork([PUBLIC], ["127.0.0.1"])
        page = guarded(network).fetch(f"http://rebind.example:{server.port}/live")
        assert page is not None
        assert network.lookups == ["rebind.example"] and network.connected == [PUBLIC]


def test_the_command_line_fetches_what_its_user_names():
    with live_server() as server:
        server.serve("/live", "<p>hello</p>")
        assert Fetcher().fetch(server.url("/live")) is not None
        with pytest.raises(FetchError, match="cannot fetch file"):
            Fetcher().fetch("file:///etc/passwd")  # files are followed by path, not by URL
