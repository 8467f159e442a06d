"""The gazetteer's own data files: one registry, all shipped in the wheel (the dashboard's too), all required."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dashboard import datafiles as dashboard_datafiles
from gazetteer import calibration, datafiles, wordlists
from gazetteer.build import build_index, source_fingerprint
from gazetteer.cli import main
from gazetteer.errors import MissingDataFile
from gazetteer.sources import packages
from gazetteer.sources.geonames import read_places

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).parent / "fixtures" / "geonames" / "sample-geonames.txt"

# Each registered file, and a call that reads it the way the package does.
READERS = {
    "abbreviations.tsv": packages.abbreviations,
    "calibration.tsv": calibration.Calibration.load,
    "country_points.tsv": packages.country_points,
    "curated.tsv": lambda: list(read_places(datafiles.data_path("curated.tsv"), source="curated")),
    "demonyms.tsv": packages.curated_demonyms,
    "given_names.txt": wordlists._given_names,
    "region_points.tsv": packages.region_points,
}


def test_the_registry_is_the_data_folder():
    on_disk = {p.name for p in datafiles.DATA_DIR.iterdir() if p.is_file()}
    assert set(datafiles.DATA_FILES) == on_disk
    assert set(READERS) == on_disk
    assert set(datafiles.INDEX_SOURCES) <= on_disk


@pytest.fixture
def data_without(tmp_path, monkeypatch):
    """A copy of the data folder in use, less the files named: returns a function taking those names."""
    folder = tmp_path / "data"
    shutil.copytree(datafiles.DATA_DIR, folder)
    monkeypatch.setattr(datafiles, "DATA_DIR", folder)

    def remove(*names: str) -> Path:
        for name in names:
            (folder / name).unlink()
        return folder

    return remove


@pytest.mark.parametrize("name", sorted(datafiles.DATA_FILES))
def test_a_missing_data_file_is_an_error_naming_it(data_without, name):
    folder = data_without(name)
    with pytest.raises(MissingDataFile, match=rf"{re.escape(name)}.*{re.escape(str(folder / name))}"):
        datafiles.data_path(name)
    with pytest.raises(MissingDataFile, match=re.escape(name)) as raised:
        READERS[name]()
    assert raised.value.name == name and isinstance(raised.value, FileNotFoundError)


def test_a_data_file_with_only_comments_is_an_error(data_without):
    folder = data_without()
    (folder / "given_names.txt").write_text("# nothing here yet\n\n", encoding="utf-8")
    with pytest.raises(MissingDataFile, match=r"given_names\.txt has no data lines"):
        wordlists._given_names()


def test_an_unregistered_name_is_refused():
    with pytest.raises(KeyError, match="not one of the gazetteer's data files"):
        datafiles.data_path("../pyproject.toml")


def test_building_without_a_data_file_fails_naming_it(data_without, tmp_path, monkeypatch, capsys):
    data_without("abbreviations.tsv")
    with pytest.raises(MissingDataFile, match=r"abbreviations\.tsv"):
        source_fingerprint({})  # which ensure_index compares before anything else
    index = tmp_path / "cache" / "index.sqlite"
    with pytest.raises(MissingDataFile, match=r"abbreviations\.tsv"):
        build_index(index, geonames_files=[SAMPLE], with_default=False, log=lambda _: None)
    assert not index.exists()
    monkeypatch.setenv("GAZETTEER_CACHE", str(tmp_path / "cache"))
    assert main(["build", "--no-default", "--geonames", str(SAMPLE)]) == 1
    assert "abbreviations.tsv" in capsys.readouterr().err


@pytest.mark.slow
def test_the_wheel_holds_every_data_file(tmp_path):
    """Built from a copy of the sources (so no build/ folder lands in the checkout), with no network."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT_ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "vendor")
    for package in ("gazetteer", "dashboard"):
        shutil.copytree(PROJECT_ROOT / package, source / package, ignore=ignore)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
                           "--no-index", "-q", "-w", str(tmp_path / "dist")],
                          cwd=source, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    wheel, = (tmp_path / "dist").glob("liveblog_map-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = ({f"gazetteer/data/{name}" for name in datafiles.DATA_FILES}
               | {f"dashboard/{name}" for name in dashboard_datafiles.DATA_FILES}) - names
    assert not missing, f"not in {wheel.name}: {sorted(missing)}"
    assert {"gazetteer/datafiles.py", "dashboard/datafiles.py", "dashboard/app.py"} <= names
