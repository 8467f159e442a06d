"""`python -m gazetteer` (and the `gazetteer` script): exit 0 done, 1 failed, 2 usage error.

A small index built from the GeoNames fixture in a cache folder of the test's own keeps these fast.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from gazetteer import Gazetteer
from gazetteer.cli import _parser, main, package_version

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).parent / "fixtures" / "geonames" / "sample-geonames.txt"


def run(argv: list[str]) -> int:
    """main's exit status, whether it returns it or argparse raises SystemExit."""
    try:
        return main(argv)
    except SystemExit as done:
        return done.code


@pytest.fixture
def small_cache(tmp_path, monkeypatch):
    """The default index, in a cache folder of this test, built from the fixture alone."""
    monkeypatch.setenv("GAZETTEER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(Gazetteer, "_default", None)
    assert main(["build", "--no-default", "--geonames", str(SAMPLE)]) == 0
    yield tmp_path / "cache"
    monkeypatch.setattr(Gazetteer, "_default", None)


def test_exit_0_when_done(small_cache, tmp_path, capsys):
    assert run(["geocode", "Tartous", "--near", "34.9,35.9", "--limit", "1"]) == 0
    assert "Tartus" in capsys.readouterr().out
    assert run(["reverse", "33.5,36.3"]) == 0
    assert "Damascus" in capsys.readouterr().out
    assert run(["info"]) == 0
    assert str(small_cache) in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["geocode", "Nowhere At All"],  # nothing found
    ["geocode", "Nowhere At All", "--json"],
    ["reverse", "--", "-50,-140"],  # nothing near (the index holds four places)
    ["geoparse", "{missing}"],  # a file that is not there
    ["build", "--no-default", "--geonames", "{missing}"],
    ["build", "--no-default", "--geonames", "{unreadable}"],  # not GeoNames' layout
])
def test_exit_1_when_it_fails(small_cache, tmp_path, capsys, argv):
    (tmp_path / "unreadable.txt").write_text("this\tis not\tGeoNames\n", encoding="utf-8")
    argv = [a.format(missing=tmp_path / "missing.txt", unreadable=tmp_path / "unreadable.txt") for a in argv]
    assert run(argv) == 1
    err = capsys.readouterr().err
    assert err.strip(), "a failure says why on stderr"
    for name in ("missing.txt", "unreadable.txt"):
        assert (name in err) == any(name in a for a in argv), err


def test_exit_1_for_a_malformed_batch_line(small_cache, tmp_path, capsys):
    batch = tmp_path / "in.jsonl"
    # (The bad line first: geoparsing a good one would make the shared default geoparser, on this small index.)
    batch.write_text('not json\n{"id": 1, "text": "Convoys reached Tartus."}\n', encoding="utf-8")
    assert run(["geoparse", "--jsonl", str(batch), "--out", str(tmp_path / "out.jsonl")]) == 1
    assert "in.jsonl:1:" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    [],  # no command
    ["nonsense"],
    ["geocode"],  # no name
    ["geocode", "Tartus", "--near", "33.1"],  # a malformed point
    ["geocode", "Tartus", "--near", "north,east"],
    ["geocode", "Tartus", "--near", "95,10"],  # out of range
    ["geocode", "Tartus", "--limit", "0"],
    ["geocode", "Tartus", "--limit", "many"],
    ["reverse", "33.1;35.8"],
    ["coverage", "x.jsonl", "--limit", "-1"],
    ["build", "--admin1"],
    ["build", "--no-default"],  # nothing to build from
])
def test_exit_2_for_usage_errors(argv, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("GAZETTEER_CACHE", str(tmp_path / "cache"))  # nothing may be built
    assert run(argv) == 2
    assert "error:" in capsys.readouterr().err
    assert not (tmp_path / "cache").exists()


def test_exit_2_for_a_bad_value_found_while_running(small_cache, capsys):
    assert run(["geocode", "a" * 1000]) == 2
    assert "too long" in capsys.readouterr().err


def test_version(capsys):
    assert run(["--version"]) == 0
    assert version("liveblog-map") in capsys.readouterr().out
    assert package_version() == version("liveblog-map")


def test_version_in_a_checkout_that_is_not_installed(monkeypatch):
    import importlib.metadata

    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    assert package_version() == f"{version('liveblog-map')} (not installed)"  # read from pyproject.toml


@pytest.mark.parametrize("command", [[sys.executable, "-m", "gazetteer"],
                                     [str(Path(sys.executable).parent / "gazetteer")]])
def test_module_and_script_exit_codes(command, tmp_path):
    if not Path(command[0]).exists():
        pytest.skip("the gazetteer script is not installed beside this Python")
    done = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and version("liveblog-map") in done.stdout, done.stderr
    done = subprocess.run([*command, "geocode", "Tartus", "--near", "x"], capture_output=True, text=True,
                          timeout=120, env={"GAZETTEER_CACHE": str(tmp_path), "PATH": ""})
    assert done.returncode == 2 and "not a point" in done.stderr


def _readme_commands() -> list[str]:
    """The first word of each row of the README's table of `python -m gazetteer` commands."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("`python -m gazetteer` (also installed as `gazetteer`):", 1)[1]
    table = re.match(r"\s*((?:\|.*\n)+)", section)
    assert table, "no table after the gazetteer command line heading"
    rows = table.group(1).splitlines()[2:]  # after the header and the |---| line
    return [re.match(r"\|\s*`([a-z-]+)", row).group(1) for row in rows]


def test_the_readme_lists_every_subcommand():
    commands, = (a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    listed = _readme_commands()
    assert set(listed) == set(commands.choices), "the README's table and the parser disagree"


def test_building_the_index_says_so_on_stderr_only(tmp_path, capsys):
    """A first `geocode --json` builds the index on the way: its stdout must still be only JSON."""
    from gazetteer.build import build_index

    build_index(tmp_path / "index.sqlite", geonames_files=[SAMPLE], with_default=False)
    out, err = capsys.readouterr()
    assert out == "" and "built" in err
