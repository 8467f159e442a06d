"""Batch ingest: folders, patterns and JSON Lines files of blogs; progress; failures reported at the end;
resuming after a stop; the same store on one process, a pool of processes and a Dask LocalCluster."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_support import logical_dump
from word_geoparser import WordGeoparser

import dashboard.ingest
from dashboard.cli import main

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT / "bench"))
import synthetic  # noqa: E402

# Two short day-blogs in our own words: a date line in the lead, times in GMT, newest first.
PORT_BLOG = """\
Coastal towns live: the day in brief

Sunday 4 May 2031

Reporters follow the ports and the roads to them.

04:10 PM GMT

Ferries leave on time

The morning ferry from Beirut reached Latakia without delay.

11:30 AM GMT

Road works finish

Crews near Aleppo finished repairs on the main road.
"""
TALKS_BLOG = """\
Talks live: second day

Monday 5 May 2031

The delegations are back at the table.

02:00 PM GMT

A short break

Envoys from Cairo and Amman left the room for consultations.

10:00 AM GMT

Talks resume

Both sides met again in Damascus this morning.
"""


def run(argv: list[str], err: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), err or io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def word_geoparser(monkeypatch) -> WordGeoparser:
    """In-process batches (--jobs 1) use the small stand-in; pools and Dask load the real geoparser."""
    geoparser = WordGeoparser()
    monkeypatch.setattr(dashboard.ingest, "default_geoparser", lambda: geoparser)
    return geoparser


def jsonl_line(text: str, **fields: str) -> str:
    return json.dumps({**fields, "text": text}) + "\n"


@pytest.fixture
def archive(tmp_path) -> Path:
    """A folder with two text blogs (one in a subfolder) and a JSON Lines file of two blogs."""
    folder = tmp_path / "archive"
    (folder / "may").mkdir(parents=True)
    (folder / "ports.txt").write_text(PORT_BLOG, encoding="utf-8")
    (folder / "may" / "talks.txt").write_text(TALKS_BLOG, encoding="utf-8")
    (folder / ".hidden.txt").write_text("not a blog", encoding="utf-8")
    records = [
        {"source": "port-feed", "url": "https://news.example/ports", "format": "csv", "tz": "Europe/London",
         "date": "2031-06-02", "text": "time,headline,text\n09:15,Ships wait,Crews in Tartus waited for the tide.\n"},
        {"text": TALKS_BLOG.replace("second day", "third day").replace("Damascus", "Homs")},
    ]
    (folder / "more.jsonl").write_text("".join(jsonl_line(**r) for r in records), encoding="utf-8")
    return folder


def test_a_folder_makes_a_batch_of_its_files_and_jsonl_lines(archive, tmp_path, word_geoparser):
    db = tmp_path / "events.db"
    code, out, err = run(["ingest", str(archive), "--db", str(db), "--jobs", "1"])
    assert code == 0, err
    assert "4 blogs: 4 stored (4 changed), 0 failed" in out
    dump = logical_dump(db)
    # Files by their stem, a JSON Lines blog by its "source", else by the file's stem and line number.
    assert [s[0] for s in dump["sources"]] == ["more:2", "port-feed", "ports", "talks"]
    assert ("port-feed", "https://news.example/ports", "") in dump["sources"]
    port_feed = [e for e in dump["entries"] if e[0] == "port-feed"]
    assert [(e[3], e[7]) for e in port_feed] == [("2031-06-02T08:15:00+00:00", "Ships wait")]  # BST, its tz
    places = {m[6] for m in dump["mentions"]}
    assert {"Beirut", "Latakia", "Aleppo", "Cairo", "Amman", "Damascus", "Homs", "Tartus"} <= places
    # Not a terminal: one plain progress line a blog, then nothing else.
    lines = err.splitlines()
    assert len(lines) == 4 and lines[0].startswith("[1/4] ") and "entries/s" in lines[0]


def test_patterns_and_files_mix_and_keep_their_order(archive, tmp_path, word_geoparser):
    db = tmp_path / "events.db"
    code, out, err = run(["ingest", str(archive / "**" / "*.txt"), str(archive / "more.jsonl"),
                          "--db", str(db), "--jobs", "1"])
    assert code == 0, err
    reports = [line.split(" -> ")[0] for line in out.splitlines() if " -> " in line]
    assert reports == [str(archive / "may" / "talks.txt"), str(archive / "ports.txt"),
                       f"{archive / 'more.jsonl'}:1", f"{archive / 'more.jsonl'}:2"]


def test_a_rejected_blog_is_reported_at_the_end_and_the_others_are_stored(archive, tmp_path, word_geoparser):
    db = tmp_path / "events.db"
    (archive / "empty.txt").write_bytes(b"")
    with (archive / "more.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
        handle.write(jsonl_line(PORT_BLOG, date="4 May"))
        handle.write(jsonl_line(PORT_BLOG, format="docx"))
        handle.write(json.dumps({"source": "no text"}) + "\n")
    code, out, err = run(["ingest", str(archive), "--db", str(db), "--jobs", "1"])
    assert code == 1
    assert "9 blogs: 4 stored (4 changed), 5 failed" in out
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert err.splitlines()[-5:] == errors  # after the progress lines, at the end
    jsonl = archive / "more.jsonl"
    assert errors == [
        f"error: {archive / 'empty.txt'}: the file is empty",
        f"error: {jsonl}:3: not a JSON object (Expecting property name enclosed in double quotes: line 1 column 2 "
        "(char 1))",
        f"error: {jsonl}:4: 'date' is not a date (YYYY-MM-DD): '4 May'",
        f"error: {jsonl}:5: unknown format 'docx': use one of atom, csv, feed, html, json, rss, text, txt",
        f"error: {jsonl}:6: no 'text': the blog itself is missing",
    ]
    assert len(logical_dump(db)["sources"]) == 4


def test_running_a_batch_again_geoparses_nothing_and_changes_nothing(archive, tmp_path, word_geoparser):
    db = tmp_path / "events.db"
    assert run(["ingest", str(archive), "--db", str(db), "--jobs", "1"])[0] == 0
    first_calls, before = len(word_geoparser.calls), logical_dump(db)
    assert first_calls > 0
    code, out, _ = run(["ingest", str(archive), "--db", str(db), "--jobs", "1"])
    assert code == 0
    assert "4 blogs: 4 stored (0 changed), 0 failed" in out and "0 geoparsed" in out
    assert len(word_geoparser.calls) == first_calls
    assert logical_dump(db) == before


def test_a_changed_blog_in_a_batch_geoparses_only_its_changed_entries(archive, tmp_path, word_geoparser):
    db = tmp_path / "events.db"
    assert run(["ingest", str(archive), "--db", str(db), "--jobs", "1"])[0] == 0
    word_geoparser.calls.clear()
    ports = archive / "ports.txt"
    ports.write_text(PORT_BLOG.replace("finished repairs", "finished late repairs"), encoding="utf-8")
    code, out, _ = run(["ingest", str(archive), "--db", str(db), "--jobs", "1"])
    assert code == 0 and "4 stored (1 changed)" in out
    assert [text for text, _ in word_geoparser.calls] == ["Road works finish\n\nCrews near Aleppo finished late "
                                                          "repairs on the main road."]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_progress_is_one_bar_redrawn(archive, tmp_path, word_geoparser):
    err = Terminal()
    code, _, text = run(["ingest", str(archive), "--db", str(tmp_path / "events.db"), "--jobs", "1"], err)
    assert code == 0
    assert text.count("\n") == 1 and text.endswith("\n")
    last = text.rstrip("\n").split("\r")[-1]
    assert last.startswith("[########################] 4/4 blogs, ") and "entries/s" in last


@pytest.mark.parametrize(("given", "message"), [
    ("nothing-*.txt", "no file matches this pattern"),
    ("empty-folder", "no live-blog files in this folder"),
])
def test_inputs_that_name_nothing_are_one_line(tmp_path, word_geoparser, given, message):
    (tmp_path / "empty-folder").mkdir()
    code, out, err = run(["ingest", str(tmp_path / given), "--db", str(tmp_path / "events.db")])
    assert code == 1 and out == ""
    assert err == f"error: {tmp_path / given}: {message}" + (
        " (.txt, .text, .html, .htm, .xhtml, .rss, .atom, .xml, .csv, .json, .jsonl)\n" if "folder" in message
        else "\n")
    assert not (tmp_path / "events.db").exists()


@pytest.mark.parametrize("option", [["--jobs", "0"], ["--jobs", "two"], ["--dask", "local:zero"]])
def test_bad_worker_options_are_refused(tmp_path, word_geoparser, capsys, option):
    blog = tmp_path / "talks.txt"
    blog.write_text(TALKS_BLOG, encoding="utf-8")
    if option[0] == "--jobs":
        with pytest.raises(SystemExit) as exit_:
            main(["ingest", str(blog), *option])
        assert exit_.value.code == 2
    else:
        code, _, err = run(["ingest", str(blog), "--db", str(tmp_path / "events.db"), *option])
        assert code == 1 and err == "error: --dask local:zero: give local:N with N a number of workers, as in local:2\n"


# -- real workers: the real geoparser in a pool and on Dask ------------------------------------------------

@pytest.fixture(scope="module")
def synthetic_blogs(tmp_path_factory) -> Path:
    """Sixteen synthetic text blogs and a JSON Lines file of three more (about 350 entries)."""
    folder = tmp_path_factory.mktemp("synthetic")
    files = synthetic.write_blog_files(folder / "blogs", 16, seed=5)
    lines = [jsonl_line(path.read_text(encoding="utf-8"), source=f"line-{path.stem}")
             for path in synthetic.write_blog_files(folder / "for-jsonl", 3, seed=6)]
    (folder / "blogs" / "more.jsonl").write_text("".join(lines), encoding="utf-8")
    assert len(files) == 16
    return folder / "blogs"


@pytest.fixture(scope="module")
def clean_run(synthetic_blogs, tmp_path_factory) -> dict[str, list[tuple]]:
    """The store one uninterrupted in-process run (--jobs 1) makes of the synthetic blogs."""
    db = tmp_path_factory.mktemp("clean") / "events.db"
    code, out, err = run(["ingest", str(synthetic_blogs), "--db", str(db), "--jobs", "1"])
    assert code == 0, err
    assert "19 blogs: 19 stored (19 changed), 0 failed" in out
    return logical_dump(db)


@pytest.mark.slow
@pytest.mark.parametrize("workers", [["--jobs", "2"], ["--dask", "local:2"]])
def test_a_pool_and_dask_store_what_one_process_stores(synthetic_blogs, clean_run, tmp_path, workers):
    db = tmp_path / "events.db"
    code, out, err = run(["ingest", str(synthetic_blogs), "--db", str(db), *workers])
    assert code == 0, err
    assert "19 blogs: 19 stored (19 changed), 0 failed" in out
    dump = logical_dump(db)
    assert len(dump["entries"]) > 300 and len(dump["mentions"]) > 300 and len(dump["places"]) > 50
    assert dump == clean_run


def blogs_done(line: bytes) -> int:
    """The count in a plain progress line, "[12/19] path: ..."."""
    return int(line.split(b"/", 1)[0].lstrip(b"[")) if line.startswith(b"[") else 0


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_a_batch_stopped_midway_and_run_again_stores_what_one_run_stores(synthetic_blogs, clean_run, tmp_path,
                                                                        how):
    db = tmp_path / "events.db"
    argv = [sys.executable, "-m", "dashboard", "ingest", str(synthetic_blogs), "--db", str(db), "--jobs", "2"]
    # Its own process group: SIGKILL leaves the pool's workers behind, and the test must end them too.
    process = subprocess.Popen(argv, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        done = 0
        assert process.stderr is not None
        while done < 5:
            line = process.stderr.readline()
            assert line, "the batch ended before it could be stopped"
            done = max(done, blogs_done(line))
        if how == signal.SIGTERM:
            process.send_signal(how)  # the writer alone: it stops its workers itself
        else:
            os.killpg(process.pid, how)
        rest = process.stderr.read().decode()
        code = process.wait(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert code != 0
    if how == signal.SIGTERM:
        assert "stopped after " in rest and "run the same command again to go on" in rest
    partial = logical_dump(db)
    stored = len(partial["sources"])
    assert 5 <= stored < 19, "stopped midway"
    time.sleep(0.5)  # a killed pool's workers exit once they see their parent gone

    code, out, err = run(["ingest", str(synthetic_blogs), "--db", str(db), "--jobs", "2"])
    assert code == 0, err
    assert f"19 blogs: 19 stored ({19 - stored} changed), 0 failed" in out
    # The blogs stored before the stop were parsed again, not geoparsed again.
    geoparsed = int(out.rsplit(" geoparsed", 1)[0].rsplit(", ", 1)[1].replace(",", ""))
    assert geoparsed == len(clean_run["entries"]) - len(partial["entries"])
    assert logical_dump(db) == clean_run


# -- the pieces: what travels to a cluster, and a plan made against an older store -------------------------

def test_a_blog_sent_as_bytes_parses_and_fails_as_the_file_does(tmp_path, word_geoparser, monkeypatch):
    from dashboard import settings
    from dashboard.batch.executors import with_bytes
    from dashboard.batch.inputs import Defaults, blog_tasks
    from dashboard.batch.work import prepare_blog

    good = tmp_path / "talks.txt"
    good.write_text(TALKS_BLOG, encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text(TALKS_BLOG * 40, encoding="utf-8")
    tasks = list(blog_tasks([good, tmp_path / "missing.txt", big], Defaults()))
    monkeypatch.setattr(settings, "MAX_INPUT_BYTES", len(TALKS_BLOG) * 2)
    by_path = [prepare_blog(task, word_geoparser) for task in tasks]
    shipped = [with_bytes(task) for task in tasks]
    assert shipped[0].path is None and shipped[0].data == good.read_bytes()
    by_bytes = [prepare_blog(task, word_geoparser) for task in shipped]
    assert [p.error for p in by_bytes] == [p.error for p in by_path]
    assert by_path[0].error == "" and "missing.txt: cannot read it" in by_path[1].error
    assert "limit" in by_path[2].error
    assert by_bytes[0].parsed == by_path[0].parsed and by_bytes[0].found == by_path[0].found


def test_an_entry_planned_as_stored_but_changed_since_is_geoparsed_by_the_writer(tmp_path, word_geoparser):
    from dataclasses import replace

    from dashboard.batch import _found_or_geoparse
    from dashboard.batch.inputs import Defaults, blog_tasks
    from dashboard.batch.work import parse_task, prepare_blog
    from dashboard.ingest import ingest_blog
    from dashboard.store import EventStore, entry_rows

    path = tmp_path / "talks.txt"
    path.write_text(TALKS_BLOG, encoding="utf-8")
    (task,) = blog_tasks([path], Defaults())
    parsed = parse_task(task)
    rows = entry_rows(list(parsed.entries), newest_first=parsed.newest_first)
    # The plan says one entry is stored as it is; the store (another blog of the same name written
    # in between, say) holds nothing.
    planned = prepare_blog(replace(task, stored={rows[0].key: rows[0].content_hash}), word_geoparser)
    assert len(planned.found) == len(rows) - 1
    word_geoparser.calls.clear()
    with EventStore(tmp_path / "events.db") as store:
        report = ingest_blog(planned.parsed, store, source="talks",
                             geoparser=_found_or_geoparse(planned, word_geoparser))
    assert report.added == len(rows)
    assert [text for text, _ in word_geoparser.calls] == [rows[0].entry.text]
