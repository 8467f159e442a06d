"""The dashboard's own data files: one registry, shipped in the package, each required."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dashboard import datafiles, settings
from dashboard.cli import main
from dashboard.datafiles import MissingDataFile

PROJECT_ROOT = settings.PROJECT_ROOT


def test_the_registry_is_the_data_and_static_folders():
    on_disk = {f"{folder}/{p.name}" for folder in ("data", "static", "static/basemap")
               for p in (settings.PACKAGE_DIR / folder).iterdir() if p.is_file()}
    assert set(datafiles.DATA_FILES) == on_disk  # (static/vendor/ is copied in at start, not shipped)
    assert datafiles.check_all() == [settings.PACKAGE_DIR / name for name in datafiles.DATA_FILES]


def test_the_sample_blog_is_the_registered_one():
    assert datafiles.sample_blog() == settings.SAMPLE_BLOG
    assert settings.SAMPLE_BLOG.is_relative_to(settings.PACKAGE_DIR)


def test_the_checkouts_sample_is_the_packaged_one():
    """data/sample-liveblog.txt stays for the README's commands: the same bytes as the one that ships."""
    checkout = PROJECT_ROOT / "data" / "sample-liveblog.txt"
    assert checkout.read_bytes() == settings.SAMPLE_BLOG.read_bytes()


@pytest.fixture
def package_without(tmp_path, monkeypatch):
    """A copy of the package's data files, less the one named; the registry reads the copy."""
    folder = tmp_path / "dashboard"
    for name in datafiles.DATA_FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(settings.PACKAGE_DIR / name, folder / name)
    monkeypatch.setattr(datafiles, "PACKAGE_DIR", folder)

    def remove(name: str, empty: bool = False) -> Path:
        path = folder / name
        if empty:
            path.write_bytes(b"")
        else:
            path.unlink()
        return path

    return remove



@pytest.mark.parametrize("name", sorted(datafiles.DATA_FILES))
def test_a_missing_data_file_is_an_error_naming_it(package_without, name):
    path = package_without(name)
    with pytest.raises(MissingDataFile, match=rf"{re.escape(name)} is missing.*{re.escape(str(path))}") as raised:
        datafiles.check_all()
    assert raised.value.name == name and isinstance(raised.value, FileNotFoundError)


def test_an_empty_data_file_is_an_error_naming_it(package_without):
    package_without("static/places.js", empty=True)
    with pytest.raises(MissingDataFile, match=r"static/places\.js is empty"):
        datafiles.data_path("static/places.js")


def test_an_unregistered_name_is_refused():
    with pytest.raises(KeyError, match="not one of the dashboard's data files"):
        datafiles.data_path("../pyproject.toml")


def test_serve_without_a_data_file_fails_naming_it_before_starting(package_without, capsys):
    package_without("data/sample-liveblog.txt")
    assert main(["serve", "--port", "1"]) == 1  # port 1: were it to start, it could not listen
    err = capsys.readouterr().err
    assert err.startswith("error: the dashboard's data file data/sample-liveblog.txt is missing")
    assert err.count("\n") == 1
