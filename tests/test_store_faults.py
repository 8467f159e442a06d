"""Faults of the store file, each named in one line with exit status 1 and the store untouched: a
writer holding the lock, a read-only file, a file cut short or with a zeroed page, a full disk."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from cli_support import dump, run, sample_store, use_word_geoparser
from word_geoparser import WordGeoparser, blog, sample_entries

from dashboard import settings
from dashboard.ingest import IngestError, ingest_blog
from dashboard.store import EventStore, StoreBusy, StoreDamaged, StoreError, StoreReadOnly
from dashboard.store.faults import store_fault

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
NEW_BLOG = "Talks\n\n04:15 PM GMT\n\nThe meeting in Damascus closed late.\n"


@pytest.fixture(autouse=True)
def stand_in_geoparser(monkeypatch):
    use_word_geoparser(monkeypatch)


@pytest.fixture
def store_file(tmp_path) -> Path:
    return sample_store(tmp_path / "events.db")


@pytest.fixture
def new_blog(tmp_path) -> Path:
    path = tmp_path / "talks.txt"
    path.write_text(NEW_BLOG, encoding="utf-8")
    return path


def one_error_line(code: int, out: str, err: str, *words: str) -> None:
    assert code == 1, (out, err)
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err


def commands(db: Path, blog_file: Path) -> dict[str, list[str]]:
    return {"info": ["info", "--db", str(db)], "export": ["export", "-f", "geojson", "--db", str(db)],
            "ingest": ["ingest", str(blog_file), "--date", "2031-06-01", "--db", str(db)]}


# -- a writer holding the lock ---------------------------------------------------------------------------

def test_a_held_write_lock_lets_readers_answer_and_makes_a_writer_say_busy(store_file, new_blog, monkeypatch):
    assert 1 <= settings.STORE_BUSY_SECONDS <= 10  # a bounded wait of a few seconds
    monkeypatch.setattr(settings, "STORE_BUSY_SECONDS", 0.5)
    before = dump(store_file)
    other = sqlite3.connect(store_file, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO sources (name, ingested_at, updated_at) VALUES ('half-written', 'x', 'x')")
    try:
        for name in ("info", "export"):
            started = time.monotonic()
            code, out, err = run(commands(store_file, new_blog)[name])
            assert code == 0 and out, (name, err)
            assert time.monotonic() - started < 5, name  # no wait for the writer at all
            assert "half-written" not in out
        code, out, err = run(commands(store_file, new_blog)["ingest"])
        one_error_line(code, out, err, "another process is writing to the store", "try again")
        with pytest.raises(IngestError, match="another process is writing to the store"), \
                EventStore(store_file) as store:
            ingest_blog(blog(sample_entries()[:1]), store, source="other", geoparser=WordGeoparser())
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert dump(store_file) == before


# -- a read-only file --------------------------------------------------------------------------------------

def test_a_read_only_store_file_is_read_by_info_and_export(store_file, new_blog):
    before = dump(store_file)
    store_file.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        code, out, err = run(["info", "--check", "--db", str(store_file)])
        assert code == 0 and "sample: 5 entries" in out and "check: ok" in out, err
        code, out, err = run(commands(store_file, new_blog)["export"])
        assert code == 0 and len(json.loads(out)["features"]) == 10, err
        if os.geteuid() != 0:  # root writes to a read-only file all the same
            code, out, err = run(commands(store_file, new_blog)["ingest"])
            one_error_line(code, out, err, "is read-only")
    finally:
        store_file.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert dump(store_file) == before


def test_reading_opens_with_mode_ro_and_writes_nothing(store_file):
    with EventStore(store_file, read_only=True) as reader:
        assert len(reader.entries()) == 5
        with pytest.raises(StoreError, match="read-only"):
            reader.correct_mention(1, 0, 4, "Damascus", None, author="tester")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader._conn.execute("CREATE TABLE sneaked (x)")


# -- damaged files -----------------------------------------------------------------------------------------

def page_of(db: Path, table: str) -> tuple[int, int]:
    """The page size and the root page number of `table`."""
    conn = sqlite3.connect(db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    return page_size, root


def zero_page(db: Path, number: int, page_size: int) -> None:
    with db.open("r+b") as handle:
        handle.seek((number - 1) * page_size)
        handle.write(bytes(page_size))


@pytest.mark.parametrize("command", ["info", "export", "ingest"])
def test_a_zeroed_page_is_named_damage(store_file, new_blog, command):
    page_size, root = page_of(store_file, "entries")
    zero_page(store_file, root, page_size)
    damaged_bytes = store_file.read_bytes()
    code, out, err = run(commands(store_file, new_blog)[command])
    one_error_line(code, out, err, "is damaged", "restore a copy or export what is readable")
    assert out == ""
    assert store_file.read_bytes() == damaged_bytes


def test_damage_no_query_reaches_is_found_by_the_check(store_file, new_blog):
    page_size, root = page_of(store_file, "mentions_by_place")  # an index that info never reads
    zero_page(store_file, root, page_size)
    code, out, err = run(["info", "--db", str(store_file)])
    assert code == 0, err
    code, out, err = run(["info", "--check", "--db", str(store_file)])
    one_error_line(code, out, err, "is damaged: quick_check found")
    before = store_file.read_bytes()
    code, out, err = run(commands(store_file, new_blog)["ingest"])
    one_error_line(code, out, err, "is damaged")
    assert store_file.read_bytes() == before


def test_a_zeroed_first_page_is_not_a_store(store_file, new_blog):
    zero_page(store_file, 1, page_of(store_file, "entries")[0])
    for name, argv in commands(store_file, new_blog).items():
        code, out, err = run(argv)
        one_error_line(code, out, err, "is not an event store", "no SQLite header")
        assert name and out == ""


@pytest.mark.parametrize("command", ["info", "export", "ingest"])
def test_a_file_cut_short_is_named_damage(store_file, new_blog, command):
    content = store_file.read_bytes()
    store_file.write_bytes(content[: len(content) // 2 + 100])
    code, out, err = run(commands(store_file, new_blog)[command])
    one_error_line(code, out, err, "is damaged", "cut short")
    assert len(store_file.read_bytes()) == len(content) // 2 + 100


def test_a_newer_schema_is_named_for_every_command(store_file, new_blog):
    conn = sqlite3.connect(store_file)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    for argv in commands(store_file, new_blog).values():
        one_error_line(*run(argv), "newer than this program's", "upgrade the program")


def test_an_older_schema_is_migrated_once_by_a_reader(store_file):
    from store_support import back_to_version

    conn = sqlite3.connect(store_file, isolation_level=None)
    back_to_version(conn, 2)
    conn.close()
    code, out, err = run(["info", "--db", str(store_file)])
    assert code == 0 and "schema version" in out, err
    with EventStore(store_file, read_only=True) as reader:
        assert reader.search("Damascus")


# -- full disk, size limits, I/O errors --------------------------------------------------------------------

INGEST_UNDER_LIMIT = textwrap.dedent("""
    import json, resource, signal, sys
    sys.path.insert(0, {tests!r})
    import dashboard.ingest
    from word_geoparser import WordGeoparser
    from dashboard.cli import main
    from dashboard.store import EventStore
    import io
    dashboard.ingest.default_geoparser = WordGeoparser
    db, blog_file, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
    with EventStore(db, read_only=True) as store:
        before = store.dump()
    if limit:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    out, err = io.StringIO(), io.StringIO()
    code = main(["ingest", blog_file, "--date", "2031-06-01", "--db", db], stdout=out, stderr=err)
    resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
    with EventStore(db, read_only=True) as store:
        same = store.dump() == before
    print(json.dumps({{"code": code, "out": out.getvalue(), "err": err.getvalue(), "same": same}}))
""")


def long_blog(tmp_path: Path) -> Path:
    """A blog whose write needs far more than a few pages."""
    lines = ["Long talks", ""]
    for minute in range(59, 0, -1):
        lines += [f"10:{minute:02d} GMT", "", f"Update {minute}: delegates from Damascus and Beirut spoke. " * 20, ""]
    path = tmp_path / "long.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def ingest_in_subprocess(command: list[str]) -> dict:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_file_size_limit_reached_mid_write_is_named_and_changes_nothing(store_file, tmp_path):
    script = INGEST_UNDER_LIMIT.format(tests=str(TESTS))
    # Room for the shared-memory index (32 KB), not for the write-ahead log of this blog.
    result = ingest_in_subprocess([sys.executable, "-c", script, str(store_file), str(long_blog(tmp_path)),
                                   str(40_000)])
    one_error_line(result["code"], result["out"], result["err"], "file size limit", "not changed")
    assert result["same"]


def unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    done = subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=30)
    return done.returncode == 0


@pytest.mark.skipif(not unshare_works(), reason="no user namespaces here to mount a small file system in")
def test_a_full_disk_is_named_and_changes_nothing(store_file, tmp_path):
    """A real full disk: a tmpfs just larger than the store, in a private mount namespace."""
    disk = tmp_path / "disk"
    disk.mkdir()
    size_kb = (store_file.stat().st_size + 48 * 1024) // 1024
    script = INGEST_UNDER_LIMIT.format(tests=str(TESTS))
    shell = (f"mount -t tmpfs -o size={size_kb}k tmpfs {disk} && cp {store_file} {disk}/events.db && "
             f"{sys.executable} -c \"$0\" {disk}/events.db {long_blog(tmp_path)} 0")
    result = ingest_in_subprocess(["unshare", "-rm", "sh", "-c", shell, script])
    one_error_line(result["code"], result["out"], result["err"], "the disk is full", "not changed")
    assert result["same"]


def error_with(code: int, name: str, message: str) -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError(message)
    exc.sqlite_errorcode, exc.sqlite_errorname = code, name
    return exc


@pytest.mark.parametrize("code, name, words, kind", [
    (5, "SQLITE_BUSY", "another process is writing to the store", StoreBusy),
    (13, "SQLITE_FULL", "the disk is full", StoreError),
    (266, "SQLITE_IOERR_READ", "an I/O error on the store", StoreError),
    (8, "SQLITE_READONLY", "is read-only", StoreReadOnly),
    (26, "SQLITE_NOTADB", "is not an event store", StoreError),
    (11, "SQLITE_CORRUPT", "is damaged", StoreDamaged),
])
def test_each_sqlite_fault_has_its_own_message(code, name, words, kind):
    fault = store_fault(error_with(code, name, "low-level text"), Path("/data/events.db"))
    assert type(fault) is kind
    assert words in str(fault) and "/data/events.db" in str(fault) and "\n" not in str(fault)
