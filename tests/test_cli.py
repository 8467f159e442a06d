"""The command line, in process through `dashboard.cli.main`, and once as `python -m dashboard`."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cli_support import dump, run, sample_store, use_word_geoparser
from word_geoparser import WordGeoparser, blog, sample_entries

import dashboard.ingest
from dashboard.cli import main
from dashboard.ingest import ingest_blog
from dashboard.store import SCHEMA_VERSION, EventStore

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# A short live blog in the common text layout, in our own words: title, lead, then timed entries,
# newest first. Times are written in GMT; the date comes from --date.
BLOG = """\
Regional talks: live updates

Delegations are gathering in Damascus for a second day of talks, with observers from Lebanon.

04:15 PM GMT

Talks end without a statement

The meeting in Damascus closed late in the afternoon. Officials said a further round may be held in Amman.


03:40 PM GMT

Roads reopen in the north

Traffic moved again on the road from Aleppo towards the coast near Latakia, drivers said.


02:05 PM GMT

Delegations arrive

Envoys from Beirut and Cairo reached the venue shortly after lunch.
"""


@pytest.fixture(autouse=True)
def word_geoparser(monkeypatch):
    return use_word_geoparser(monkeypatch)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "events.db"


@pytest.fixture
def filled(db) -> Path:
    return sample_store(db, url="https://news.example/live")


# -- help --------------------------------------------------------------------------------------------

def test_python_m_dashboard_help():
    done = subprocess.run([sys.executable, "-m", "dashboard", "--help"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for command in ("ingest", "export", "info"):
        assert command in done.stdout


@pytest.mark.parametrize("command", ["ingest", "export", "info"])
def test_subcommand_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "--db" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys):
    for argv in ([], ["export"], ["export", "--format", "xlsx"], ["ingest"], ["ingest", "x", "--date", "13/12"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2, argv


# -- export and info ---------------------------------------------------------------------------------

def test_export_csv_to_stdout(filled):
    code, out, err = run(["export", "--format", "csv", "--db", str(filled)])
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 10 and rows[0]["source"] == "sample"


def test_export_each_format_to_a_file(filled, tmp_path):
    for fmt in ("csv", "geojson", "kml"):
        out_file = tmp_path / f"places.{fmt}"
        code, out, err = run(["export", "--format", fmt, "--db", str(filled), "--out", str(out_file)])
        assert code == 0 and out == "" and str(out_file) in err
        text = out_file.read_text(encoding="utf-8")
        if fmt == "csv":
            assert len(list(csv.DictReader(io.StringIO(text)))) == 10
        elif fmt == "geojson":
            assert len(json.loads(text)["features"]) == 10
        else:
            assert len(ET.fromstring(text).findall(".//{http://www.opengis.net/kml/2.2}Placemark")) == 10


def test_export_by_source(filled):
    with EventStore(filled) as store:
        ingest_blog(blog(sample_entries()[:2]), store, source="other", geoparser=WordGeoparser())
    code, out, _ = run(["export", "-f", "csv", "--db", str(filled), "--source", "other"])
    assert code == 0 and {r["source"] for r in csv.DictReader(io.StringIO(out))} == {"other"}
    code, out, _ = run(["export", "-f", "csv", "--db", str(filled), "--source", "other", "--source", "sample"])
    assert {r["source"] for r in csv.DictReader(io.StringIO(out))} == {"other", "sample"}
    code, out, err = run(["export", "-f", "csv", "--db", str(filled), "--source", "nope"])
    assert code == 1 and out == "" and err.startswith("error: no source named 'nope'")


def test_export_and_info_never_create_a_store(db):
    for argv in (["export", "--format", "csv"], ["info"]):
        code, out, err = run([*argv, "--db", str(db)])
        assert code == 1 and out == ""
        assert err == f"error: no event store at {db} (ingest a live blog first)\n"
    assert not db.exists()


def test_export_uses_the_default_store(filled, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(filled))
    code, out, _ = run(["export", "--format", "geojson"])
    assert code == 0 and len(json.loads(out)["features"]) == 10


def test_info(filled):
    code, out, err = run(["info", "--db", str(filled)])
    assert code == 0, err
    assert f"store: {filled} (schema version {SCHEMA_VERSION})" in out
    assert "[1] sample: 5 entries, 2031-05-04 09:00 to 2031-05-04 09:47 UTC" in out
    assert "title: A test live blog" in out and "url: https://news.example/live" in out
    assert "9 places, 11 mentions, 1 unresolved" in out


def test_info_on_an_empty_store(db):
    EventStore(db).close()
    code, out, _ = run(["info", "--db", str(db)])
    assert code == 0 and "no sources yet" in out


def test_a_store_that_is_not_ours_is_one_error_line(tmp_path):
    other = tmp_path / "other.db"
    other.write_bytes(b"not a database at all" * 50)
    code, out, err = run(["info", "--db", str(other)])
    assert code == 1 and out == "" and err.startswith("error: ") and err.count("\n") == 1


# -- ingest ------------------------------------------------------------------------------------------

def write_blog(tmp_path: Path, text: str = BLOG, name: str = "talks.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ingest_prints_what_it_stored(db, tmp_path, word_geoparser):
    path = write_blog(tmp_path)
    code, out, err = run(["ingest", str(path), "--date", "2031-06-01", "--db", str(db),
                          "--url", "https://news.example/talks"])
    assert code == 0, err
    assert f"{path} -> {db}" in out
    assert "source 'talks' (id 1): 4 added, 0 updated, 0 unchanged entries" in out
    with EventStore(db) as store:
        entries = store.entries()
        assert len(entries) == 4
        assert entries["time_utc"].iloc[-1].isoformat() == "2031-06-01T16:15:00+00:00"
        assert store.sources()["url"].tolist() == ["https://news.example/talks"]
        places = set(store.mentions()["place_name"])
    assert {"Damascus", "Amman", "Aleppo", "Latakia", "Beirut", "Cairo", "Lebanon"} <= places
    assert len(word_geoparser.calls) == 4

    before = dump(db)
    code, out, _ = run(["ingest", str(path), "--date", "2031-06-01", "--db", str(db)])
    assert code == 0 and "0 added, 0 updated, 4 unchanged entries" in out
    assert dump(db) == before


def test_ingest_an_updated_blog(db, tmp_path):
    path = write_blog(tmp_path)
    assert run(["ingest", str(path), "--date", "2031-06-01", "--db", str(db)])[0] == 0
    newer = BLOG.replace("\n04:15 PM GMT\n", "\n04:50 PM GMT\n\nStatement issued\n\n"
                         "A short statement was read out in Beirut.\n\n\n04:15 PM GMT\n", 1)
    newer = newer.replace("further round may be held in Amman", "further round will be held in Cairo")
    write_blog(tmp_path, newer)
    code, out, err = run(["ingest", str(path), "--date", "2031-06-01", "--db", str(db)])
    assert code == 0, err
    # Updated: the changed entry, and the lead, whose time is the newest entry's and so moved.
    assert "1 added, 2 updated, 2 unchanged entries" in out
    with EventStore(db) as store:
        entries = store.entries()
        mentions = store.mentions()
    changed = entries.loc[entries["headline"] == "Talks end without a statement", "entry_id"].item()
    assert mentions.loc[mentions["entry_id"] == changed, "place_name"].tolist() == ["Damascus", "Cairo"]
    lead = entries.loc[entries["is_lead"]]
    assert lead["time_utc"].item().isoformat() == "2031-06-01T16:50:00+00:00"
    assert len(entries) == 5


@pytest.mark.parametrize("content, why", [
    (b"", "empty"),
    (b"\x00\x01\x02\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary"),
    (b"Regional talks\n\n04:15 PM GMT\n\nNews from Damascus\n\xff\xfe bad \xc3\x28 bytes\n",
     "invalid UTF-8"),
])
def test_rejected_files_leave_the_store_untouched(filled, tmp_path, content, why):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    before = dump(filled)
    code, out, err = run(["ingest", str(bad), "--date", "2031-06-01", "--db", str(filled), "--encoding",
                          "utf-8"] if why == "invalid UTF-8" else ["ingest", str(bad), "--db", str(filled)])
    assert code != 0, why
    assert out == ""
    assert err.startswith(f"error: {bad}: ") and err.count("\n") == 1, err
    assert dump(filled) == before


def test_a_file_over_the_cap_is_rejected_unread(filled, tmp_path, monkeypatch):
    import dashboard.settings

    path = write_blog(tmp_path)
    monkeypatch.setattr(dashboard.settings, "MAX_INPUT_BYTES", 100)
    before = dump(filled)
    code, out, err = run(["ingest", str(path), "--date", "2031-06-01", "--db", str(filled)])
    assert code == 1 and out == ""
    assert err.startswith(f"error: {path}: ") and "limit" in err and err.count("\n") == 1
    assert dump(filled) == before


def test_a_rejected_lone_file_creates_no_store(db, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, _, err = run(["ingest", str(empty), "--db", str(db)])
    assert code == 1 and err.startswith("error: ")
    assert not db.exists()


def test_several_files_each_its_own_transaction(db, tmp_path):
    good = write_blog(tmp_path)
    missing = tmp_path / "missing.txt"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, out, err = run(["ingest", str(missing), str(good), str(empty), "--date", "2031-06-01", "--db", str(db),
                          "--jobs", "1"])
    assert code == 1
    assert err.count("error: ") == 2 and str(missing) in err and str(empty) in err
    assert "4 added" in out
    with EventStore(db) as store:
        assert store.sources()["name"].tolist() == ["talks"]


def test_html_in_a_blog_is_stored_and_exported_as_text(db, tmp_path):
    text = BLOG.replace("Talks end without a statement", "Talks end <script>alert('x')</script> & <b>go</b>")
    path = write_blog(tmp_path, text)
    assert run(["ingest", str(path), "--date", "2031-06-01", "--db", str(db)])[0] == 0
    with EventStore(db) as store:
        assert "Talks end <script>alert('x')</script> & <b>go</b>" in store.entries()["headline"].tolist()
    code, out, _ = run(["export", "--format", "csv", "--db", str(db)])
    assert code == 0
    headlines = {r["headline"] for r in csv.DictReader(io.StringIO(out))}
    assert "Talks end <script>alert('x')</script> & <b>go</b>" in headlines


def test_a_geoparser_failure_is_one_error_line_and_changes_nothing(filled, tmp_path, monkeypatch):
    def broken(text, context):
        if "Damascus" in text:
            raise MemoryError("index too large")
        return []

    monkeypatch.setattr(dashboard.ingest, "default_geoparser", lambda: broken)
    before = dump(filled)
    code, _, err = run(["ingest", str(write_blog(tmp_path)), "--date", "2031-06-01", "--db", str(filled)])
    assert code == 1 and "geoparser failed" in err and err.count("\n") == 1
    assert dump(filled) == before


def test_the_command_line_adds_its_flag_to_a_message_that_names_a_field(db, tmp_path):
    undated = tmp_path / "undated.txt"
    undated.write_text("Harbour\n\n10:00 GMT\nBoats\nBoats left Latakia at dawn.\n", encoding="utf-8")
    code, _, err = run(["ingest", str(undated), "--db", str(db)])
    assert code == 1 and err.rstrip().endswith("(give the date with --date YYYY-MM-DD)")
    code, _, err = run(["ingest", str(undated), "--date", "2031-06-01", "--tz", "Mars/Olympus", "--db", str(db)])
    assert code == 1 and err.rstrip().endswith("(give the zone with --tz, e.g. Europe/London)")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Café news\n\n10:00 GMT\nÉté\nThe café in Latakia opened.\n".encode("latin-1"))
    code, out, err = run(["ingest", str(latin), "--date", "2031-06-01", "--db", str(db)])
    assert code == 0, err
    assert "warning: not UTF-8: read as Windows-1252" in out
