"""`python -m dashboard follow`: a live page served on loopback grows between polls; each poll stores
exactly the page's entries (nothing twice, an edited entry replaced, times exact to the second)."""

from __future__ import annotations

import io
import socket
import threading

import pytest
from follow_support import FIRST, SECOND, SHAPES, TITLE, live_server
from word_geoparser import WordGeoparser

import dashboard.ingest
from dashboard.cli import main
from dashboard.follow import Fetcher, Follower, Network, follow, next_delay
from dashboard.store import EventStore


@pytest.fixture(autouse=True)
def word_geoparser(monkeypatch):
    """The follower ingests through the default geoparser: these tests give it the small stand-in."""
    geoparser = WordGeoparser()
    monkeypatch.setattr(dashboard.ingest, "default_geoparser", lambda: geoparser)
    return geoparser


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def stored(db, name: str = TITLE):
    with EventStore(db) as store:
        sources = store.sources()
        source = sources[sources["name"] == name]
        assert len(source) == 1, sources
        entries = store.entries([int(source["source_id"].iloc[0])])
    return source.iloc[0], entries[~entries["is_lead"]].sort_values("time_utc")


@pytest.mark.parametrize("shape", list(SHAPES))
def test_following_a_growing_page_twice_stores_exactly_the_second_version(shape, tmp_path):
    render, content_type = SHAPES[shape]
    db = tmp_path / "events.db"
    with live_server() as server:
        url = server.url("/live")
        server.serve("/live", render(FIRST), content_type)
        code, out, err = run("follow", url, "--once", "--db", str(db))
        assert (code, err) == (0, "")
        lead = 0 if shape == "rss" else 1  # a feed has no lead
        assert f"{TITLE}: {3 + lead} new, 0 updated, 0 unchanged" in out and out.count("\n") == 1

        server.serve("/live", render(SECOND), content_type)
        code, out, err = run("follow", url, "--once", "--db", str(db))
        assert (code, err) == (0, "")
        assert f"{TITLE}: 2 new, 1 updated, {2 + lead} unchanged" in out

        # The agent says who it is, on every request.
        assert all(headers["User-Agent"].startswith("liveblog-map/") for _, headers in server.requests)

    source, entries = stored(db)
    assert source["url"] == url  # named after the page's title, its address kept
    assert list(entries["time_utc"].dt.strftime("%Y-%m-%dT%H:%M:%S")) == [
        u.utc.strftime("%Y-%m-%dT%H:%M:%S") for u in SECOND]
    assert str(entries["time_utc"].dt.tz) == "UTC"
    assert list(entries["headline"]) == [u.headline for u in SECOND]
    assert list(entries["body"]) == [u.body for u in SECOND]  # the corrected body replaced the first


def test_an_unchanged_page_is_not_fetched_again_and_not_stored_again(tmp_path):
    render, content_type = SHAPES["html"]
    with live_server() as server, EventStore(tmp_path / "events.db") as store:
        server.serve("/live", render(FIRST), content_type)
        follower = Follower(server.url("/live"))
        first, second = follower.poll(store), follower.poll(store)
        assert first.ok and first.added == 4
        assert second.ok and second.not_modified and "not changed" in second.line()
        assert server.requests[1][1].get("If-None-Match") == follower.etag
        server.serve("/live", render(SECOND), content_type)
        third = follower.poll(store)
        assert (third.added, third.updated) == (2, 1)


@pytest.mark.parametrize("validator", ["ETag", "Last-Modified"])
def test_follow_once_run_again_asks_whether_the_page_changed(validator, tmp_path):
    """The validators are kept with the blog in the store: a second process's poll is conditional too."""
    render, content_type = SHAPES["jsonld"]
    db = tmp_path / "events.db"
    modified = "Tue, 04 Mar 2025 06:30:05 GMT"
    with live_server() as server:
        url = server.url("/live")
        server.serve("/live", render(FIRST), content_type, etag=validator == "ETag",
                     last_modified=modified if validator == "Last-Modified" else None)
        code, out, err = run("follow", url, "--once", "--db", str(db))
        assert (code, err) == (0, "") and f"{TITLE}: 4 new" in out, out
        with EventStore(db) as store:
            before = store.dump()
        code, out, err = run("follow", url, "--once", "--db", str(db))
        assert (code, err) == (0, "") and out.rstrip().endswith(f"{TITLE}: not changed"), out
        first, second = (headers for _, headers in server.requests[-2:])
        if validator == "ETag":
            assert "If-None-Match" not in first and second["If-None-Match"].startswith('"')
        else:
            assert "If-Modified-Since" not in first and second["If-Modified-Since"] == modified
        with EventStore(db) as store:
            assert store.dump() == before  # nothing written but the check

        # A deleted blog takes its validators with it: the next follow fetches the page whole.
        assert run("blogs", "delete", TITLE, "--yes", "--db", str(db))[0] == 0
        code, out, _ = run("follow", url, "--once", "--db", str(db))
        assert code == 0 and f"{TITLE}: 4 new" in out
        assert not {"If-None-Match", "If-Modified-Since"} & set(server.requests[-1][1])


@pytest.mark.parametrize(("route", "content", "problem"), [
    ("/missing", None, "HTTP 404 Not Found"),
    ("/plain", "<html><body><p>Opening hours of the ferry office in Piraeus.</p></body></html>",
     "not a live blog (no date for the entries"),
    ("/binary", "\x00\x01\x02 binary", "not a live blog (looks binary"),
])
def test_a_failed_poll_names_the_url_and_the_problem_and_exits_1(tmp_path, route, content, problem):
    db = tmp_path / "events.db"
    with live_server() as server:
        if content is not None:
            server.serve(route, content)
        code, out, err = run("follow", server.url(route), "--once", "--db", str(db))
    assert code == 1 and err == ""
    assert f"error: {server.url(route)}: {problem}" in out
    with EventStore(db) as store:
        assert store.is_empty()


def test_a_dns_failure_is_named(tmp_path):
    def no_such_host(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with EventStore(tmp_path / "events.db") as store:
        result = Follower("http://ferry-news.invalid/live", fetcher=Fetcher(network=Network(no_such_host))).poll(store)
    assert result.error == ("http://ferry-news.invalid/live: DNS lookup of ferry-news.invalid failed "
                            "(Name or service not known)")


def test_a_page_over_the_cap_is_refused(tmp_path):
    render, content_type = SHAPES["html"]
    with live_server() as server, EventStore(tmp_path / "events.db") as store:
        server.serve("/live", render(FIRST), content_type)
        result = Follower(server.url("/live"), fetcher=Fetcher(max_bytes=1000)).poll(store)
        assert "over the 0.0 MB limit" in (result.error or "") and store.is_empty()


def test_source_name_and_several_pages(tmp_path):
    db = tmp_path / "events.db"
    with live_server() as server:
        server.serve("/a", SHAPES["jsonld"][0](FIRST, title="Strike day one"))
        server.serve("/b", SHAPES["html"][0](FIRST, title="Strike day two"))
        code, out, _ = run("follow", server.url("/a"), server.url("/b"), "--once", "--db", str(db))
        assert code == 0 and "Strike day one: 4 new" in out and "Strike day two: 4 new" in out
        code, out, _ = run("follow", server.url("/a"), "--once", "--source", "ferries", "--db", str(db))
        assert code == 0 and "ferries: 4 new" in out


def test_following_a_file(tmp_path):
    page = tmp_path / "saved.html"
    page.write_text(SHAPES["html"][0](FIRST), encoding="utf-8")
    db = tmp_path / "events.db"
    assert "4 new" in run("follow", str(page), "--once", "--db", str(db))[1]
    page.write_text(SHAPES["html"][0](SECOND), encoding="utf-8")
    assert "2 new, 1 updated" in run("follow", str(page), "--once", "--db", str(db))[1]
    assert list(stored(db)[1]["body"]) == [u.body for u in SECOND]


@pytest.mark.parametrize("argv", [["follow", "http://a.example/", "http://b.example/", "--source", "x", "--once"],
                                  ["follow", "http://a.example/", "--every", "0"],
                                  ["follow", "http://a.example/", "--every", "soon"]])
def test_usage_errors_exit_2(argv, tmp_path, capsys):
    with pytest.raises(SystemExit) as raised:
        code = main([*argv, "--db", str(tmp_path / "e.db")])
        raise SystemExit(code)
    assert raised.value.code == 2


def test_back_off_doubles_after_each_failure_up_to_the_cap():
    assert [next_delay(60, n) for n in range(4)] == [60, 120, 240, 480]
    assert next_delay(60, 40) == 3600 and next_delay(7200, 3) == 7200


def test_the_loop_polls_until_stopped(tmp_path):
    render, content_type = SHAPES["html"]
    out = io.StringIO()
    with live_server() as server, EventStore(tmp_path / "events.db") as store:
        server.serve("/live", render(FIRST), content_type)
        stop = threading.Event()
        follower = Follower(server.url("/live"))

        class Lines(io.StringIO):
            def write(self, text: str) -> int:
                if out.getvalue().count("\n") >= 2:
                    stop.set()
                return out.write(text)

        assert follow([follower], store, every=0.05, once=False, out=Lines(), stop=stop) == 0
    lines = out.getvalue().splitlines()
    assert "4 new" in lines[0] and "not changed" in lines[1]
