"""`python -m dashboard` in the gazetteer CLI's style: exit 0 done, 1 failed, 2 usage error; `--version`;
a `--help` the README's table agrees with; the store found by --db, $DASHBOARD_DB, the user data folder."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from word_geoparser import WordGeoparser, blog, sample_entries

from dashboard import settings
from dashboard.cli import build_parser, main
from dashboard.ingest import ingest_blog
from dashboard.store import EventStore

PROJECT_ROOT = settings.PROJECT_ROOT


def run(argv: list[str]) -> int:
    """main's exit status, whether it returns it or argparse raises SystemExit."""
    try:
        return main(argv)
    except SystemExit as done:
        return done.code


@pytest.fixture
def filled(tmp_path) -> Path:
    db = tmp_path / "events.db"
    with EventStore(db) as store:
        ingest_blog(blog(sample_entries()), store, source="sample", geoparser=WordGeoparser())
    return db


def test_exit_0_when_done(filled, tmp_path, capsys):
    assert run(["info", "--db", str(filled)]) == 0
    assert "sample" in capsys.readouterr().out
    assert run(["export", "--format", "csv", "--db", str(filled), "--out", str(tmp_path / "out.csv")]) == 0
    exported = (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert exported.startswith("entry_id,") and "Damascus" in exported


@pytest.mark.parametrize("argv", [
    ["info", "--db", "{missing}"],  # no store there
    ["export", "--format", "csv", "--db", "{missing}"],
    ["export", "--format", "csv", "--db", "{filled}", "--source", "no such blog"],
    ["export", "--format", "csv", "--db", "{filled}", "--out", "{folder}"],  # an output that cannot be written
    ["ingest", "{missing}", "--db", "{filled}"],  # a file that is not there
])
def test_exit_1_when_it_fails(filled, tmp_path, capsys, argv):
    argv = [a.format(missing=tmp_path / "missing.db", filled=filled, folder=tmp_path) for a in argv]
    assert run(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err


@pytest.mark.parametrize("argv", [
    [],  # no command
    ["nonsense"],
    ["info", "--no-such-option"],
    ["export"],  # --format is required
    ["export", "--format", "xlsx"],
    ["ingest", "blog.txt", "--date", "13/12/2024"],
    ["serve", "--port", "eighty"],
    ["serve", "stray-argument"],  # Streamlit's options go after --
])
def test_exit_2_for_usage_errors(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "events.db"))
    assert run(argv) == 2
    assert "error:" in capsys.readouterr().err
    assert not (tmp_path / "events.db").exists()


def test_version(capsys):
    assert run(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"python -m dashboard (liveblog-map) {version('liveblog-map')}"


@pytest.mark.parametrize("command", [[sys.executable, "-m", "dashboard"],
                                     [str(Path(sys.executable).parent / "liveblog-map")]])
def test_module_and_script_exit_codes(command, tmp_path):
    if not Path(command[0]).exists():
        pytest.skip("the liveblog-map script is not installed beside this Python")
    done = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0 and version("liveblog-map") in done.stdout, done.stderr
    done = subprocess.run([*command, "info", "--db", str(tmp_path / "none.db")], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 1 and "no event store" in done.stderr
    done = subprocess.run([*command, "info", "--bogus"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 2 and "--bogus" in done.stderr


# -- where the store is ------------------------------------------------------------------------------

def test_the_store_is_db_else_the_environment_else_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DASHBOARD_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert settings.default_db_path() == tmp_path / "xdg" / "liveblog-map" / "events.db"
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "env.db"))
    assert settings.default_db_path() == tmp_path / "env.db"


def test_ingest_without_db_writes_to_the_user_data_folder(tmp_path, monkeypatch, capsys):
    """The folder is made on first use: a fresh account has no ~/.local/share/liveblog-map yet."""
    import dashboard.ingest

    monkeypatch.setattr(dashboard.ingest, "default_geoparser", WordGeoparser)
    monkeypatch.delenv("DASHBOARD_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    blog_file = tmp_path / "blog.txt"
    blog_file.write_text("Friday 13 December 2024\n\n09:00 GMT\n\nShips left Tartus at dawn.\n", encoding="utf-8")
    assert run(["ingest", str(blog_file)]) == 0, capsys.readouterr().err
    assert (tmp_path / "xdg" / "liveblog-map" / "events.db").is_file()
    assert run(["info"]) == 0
    assert str(tmp_path / "xdg" / "liveblog-map" / "events.db") in capsys.readouterr().out


def test_help_says_where_the_store_is(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert run(["info", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split()).replace("- ", "-")  # argparse wraps at hyphens
    assert "$DASHBOARD_DB" in text and "user data folder" in text
    assert str(tmp_path / "xdg" / "liveblog-map" / "events.db") in text


def test_make_run_passes_the_checkouts_store():
    text = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"dashboard serve .*--db \$\$\{DASHBOARD_DB:-data/events\.db\}", text)


# -- the README's table ------------------------------------------------------------------------------

def _readme_rows() -> dict[str, set[str]]:
    """The README's `python -m dashboard` table: command -> the long options its row names."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("`python -m dashboard` (also installed as `liveblog-map`):", 1)[1]
    table = re.match(r"\s*((?:\|.*\n)+)", section)
    assert table, "no table after the dashboard command line heading"
    rows = {}
    for row in table.group(1).splitlines()[2:]:  # after the header and the |---| line
        usage = re.match(r"\|\s*`([^`]+)`", row).group(1)
        rows[usage.split()[0]] = set(re.findall(r"--[a-z][a-z-]*", usage))
    return rows


def _parser_commands() -> dict[str, set[str]]:
    commands, = (a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {name: {o for action in sub._actions for o in action.option_strings if o.startswith("--")} - {"--help"}
            for name, sub in commands.choices.items()}


def test_the_readme_lists_every_subcommand_and_option():
    readme, parser = _readme_rows(), _parser_commands()
    assert set(readme) == set(parser), "the README's table and the parser disagree on the commands"
    for command, options in parser.items():
        assert readme[command] == options, f"{command}: README {sorted(readme[command])}, parser {sorted(options)}"


def test_the_readme_describes_version_and_exit_codes():
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("`python -m dashboard` (also installed as `liveblog-map`):", 1)[1]
    section = section.split("`python -m gazetteer`", 1)[0]
    assert "`--version`" in section
    assert "0 when done, 1 when it failed" in section and "2 for a" in section
