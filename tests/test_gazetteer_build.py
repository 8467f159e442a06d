"""Building the index: GeoNames dumps a user downloads, atomic replacement, rebuild on change."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from gazetteer import Gazetteer
from gazetteer.build import build_index, ensure_index, read_dumps_config
from gazetteer.cli import main
from gazetteer.index import PlaceIndex, read_fingerprint
from gazetteer.sources.geonames import GeoNamesFormatError, read_places

FIXTURES = Path(__file__).parent / "fixtures" / "geonames"
SAMPLE = FIXTURES / "sample-geonames.txt"


def _build(index: Path, *files: Path, **kwargs) -> Gazetteer:
    build_index(index, geonames_files=files, with_default=False, log=lambda _: None, **kwargs)
    return Gazetteer(index)


def test_a_geonames_file_becomes_an_index(tmp_path):
    gazetteer = _build(tmp_path / "index.sqlite", SAMPLE, admin1_file=FIXTURES / "admin1CodesASCII.txt",
                       alternates_file=FIXTURES / "alternateNamesV2.txt")
    damascus = gazetteer.candidates("Dimashq")[0]
    assert (damascus.geonameid, damascus.feature_code, damascus.admin1_name) == (170654, "PPLC", "Dimashq")
    assert gazetteer.candidates("Tartous")[0].name == "Tartus"
    assert gazetteer.candidates("Inventia")[0].name == "Invented Hollow"  # from alternateNamesV2
    assert not gazetteer.candidates("https://example.org/x")
    assert gazetteer.candidates("Testmount Peak")[0].feature_code == "MT"


def test_zipped_dumps_are_read(tmp_path):
    archive = tmp_path / "XX.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(SAMPLE, "XX.txt")
        z.writestr("readme.txt", "not data")
    gazetteer = _build(tmp_path / "index.sqlite", archive)
    assert gazetteer.candidates("Damascus")[0].geonameid == 170654


@pytest.mark.parametrize(("damage", "line"), [
    (lambda text: text.rsplit("\t", 12)[0], 4),  # a download cut off in the last row
    (lambda text: text.replace("34.88902", "north"), 2),  # a latitude that is not a number
    (lambda text: text.replace("\tP\tPPLC", "\tQ\tPPLC"), 1),  # an unknown feature class
])
def test_a_corrupt_file_names_file_and_line_and_keeps_the_old_index(tmp_path, damage, line):
    index = tmp_path / "index.sqlite"
    _build(index, SAMPLE)
    before = index.read_bytes()
    broken = tmp_path / "broken.txt"
    broken.write_text(damage(SAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(GeoNamesFormatError, match=rf"broken.txt:{line}:"):
        build_index(index, geonames_files=[broken], with_default=False, log=lambda _: None)
    assert index.read_bytes() == before
    assert not list(tmp_path.glob("*.tmp"))


def test_not_utf8_is_reported_with_its_line(tmp_path):
    broken = tmp_path / "latin1.txt"
    broken.write_bytes(SAMPLE.read_bytes() + b"9\tBad\tBad\t\t1\t1\tP\tPPL\tFR\t\t\t\t\t\t0\t\t\t\t\n"
                       + b"\xff\xfe\n")
    with pytest.raises(GeoNamesFormatError, match=r"latin1\.txt"):
        list(read_places(broken))


def test_truncated_zip_is_an_error(tmp_path):
    archive = tmp_path / "cut.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(SAMPLE, "XX.txt")
    archive.write_bytes(archive.read_bytes()[:-30])
    with pytest.raises(GeoNamesFormatError, match=r"cut\.zip"):
        list(read_places(archive))


def test_rebuilt_when_a_dump_changes(tmp_path):
    index = tmp_path / "index.sqlite"
    dump = tmp_path / "dump.txt"
    shutil.copy(SAMPLE, dump)
    _build(index, dump)
    first = read_fingerprint(index)
    assert read_dumps_config(index)["files"] == [str(dump.resolve())]
    ensure_index(index, log=lambda _: None)
    assert read_fingerprint(index) == first  # nothing changed: no rebuild
    with open(dump, "a", encoding="utf-8") as handle:
        handle.write("999003\tNewplace\tNewplace\t\t10.0\t10.0\tP\tPPL\tNG\t\t\t\t\t\t50\t\t\t\t2024-01-01\n")
    ensure_index(index, log=lambda _: None)
    assert read_fingerprint(index) != first
    assert Gazetteer(PlaceIndex(index)).candidates("Newplace")


def test_cli_build_and_geocode(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GAZETTEER_CACHE", str(tmp_path))
    monkeypatch.setattr(Gazetteer, "_default", None)
    assert main(["build", "--no-default", "--geonames", str(SAMPLE)]) == 0
    assert main(["geocode", "Tartous", "--json"]) == 0
    assert '"name": "Tartus"' in capsys.readouterr().out
    assert main(["build", "--no-default", "--geonames", str(tmp_path / "missing.txt")]) == 1
    assert "missing.txt" in capsys.readouterr().err
    monkeypatch.setattr(Gazetteer, "_default", None)
