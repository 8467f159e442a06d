"""Building the index: GeoNames dumps a user downloads, atomic replacement, rebuild on change or damage,
and a cache a group can share."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import stat
import zipfile
from pathlib import Path

import pytest

from gazetteer import Gazetteer
from gazetteer.build import build_index, default_index_path, ensure_index, read_dumps_config
from gazetteer.cli import main
from gazetteer.errors import DamagedIndex
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


# -- the index cache: shared permissions, damaged files ---------------------------------------------

@pytest.fixture
def umask():
    """Set the process umask for one test, then put the old one back."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


@pytest.mark.parametrize(("mask", "file_mode", "folder_mode"), [(0o022, 0o644, 0o755), (0o002, 0o664, 0o775)])
def test_the_cache_is_readable_by_the_group_that_shares_it(tmp_path, umask, mask, file_mode, folder_mode):
    umask(mask)
    index = tmp_path / "cache" / "gazetteer" / "index.sqlite"
    _build(index, SAMPLE)
    assert stat.S_IMODE(index.stat().st_mode) == file_mode  # not 0600, which a temporary file would get
    assert stat.S_IMODE(index.parent.stat().st_mode) == folder_mode
    assert stat.S_IMODE(read_dumps_config_path(index).stat().st_mode) == file_mode
    _build(index, SAMPLE)  # replaced in place: the same rule
    assert stat.S_IMODE(index.stat().st_mode) == file_mode
    assert not list(index.parent.glob("*.tmp"))


def read_dumps_config_path(index: Path) -> Path:
    return index.with_name("gazetteer-dumps.json")


def _drop(table: str):
    def damage(path: Path) -> None:
        conn = sqlite3.connect(path)
        conn.execute(f"DROP TABLE {table}")
        conn.commit()
        conn.close()
    return damage


def _spoil_meta(key: str, value: bytes | None):
    def damage(path: Path) -> None:
        conn = sqlite3.connect(path)
        if value is None:
            conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            conn.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
        conn.commit()
        conn.close()
    return damage


DAMAGE = {
    "not SQLite": lambda path: path.write_bytes(b"this is not an index\n" * 500),
    "empty": lambda path: path.write_bytes(b""),
    "cut short": lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
    "places table missing": _drop("places"),
    "a meta row missing": _spoil_meta("names", None),
}


@pytest.mark.parametrize("how", sorted(DAMAGE))
def test_a_damaged_cache_is_built_again(tmp_path, how):
    index = tmp_path / "index.sqlite"
    _build(index, SAMPLE)
    DAMAGE[how](index)
    messages = []
    ensure_index(index, log=messages.append)
    assert any("building" in m for m in messages), messages
    assert Gazetteer(index).candidates("Tartous")[0].name == "Tartus"


@pytest.mark.parametrize("how", [*sorted(DAMAGE), "spoilt names blob"])
def test_opening_a_damaged_file_names_the_file_to_delete(tmp_path, how):
    index = tmp_path / "my index.sqlite"
    _build(index, SAMPLE)
    {**DAMAGE, "spoilt names blob": _spoil_meta("names", b"\x00not marshal")}[how](index)
    with pytest.raises(DamagedIndex) as raised:
        Gazetteer(index)
    message = str(raised.value)
    assert str(index) in message and "delete this file" in message
    assert raised.value.path == index


def test_the_default_index_is_built_again_when_damaged(tmp_path, monkeypatch):
    monkeypatch.setenv("GAZETTEER_CACHE", str(tmp_path))
    monkeypatch.setattr(Gazetteer, "_default", None)
    _build(default_index_path(), SAMPLE)
    # Damage only loading can see: the quick check passes, then Gazetteer.default() builds it again.
    _spoil_meta("names", b"\x00not marshal")(default_index_path())
    assert Gazetteer.default().candidates("Tartous")[0].name == "Tartus"
    monkeypatch.setattr(Gazetteer, "_default", None)


def test_a_damaged_cache_that_cannot_be_rebuilt_names_the_file(tmp_path, monkeypatch):
    index = tmp_path / "index.sqlite"
    _build(index, SAMPLE)
    _drop("places")(index)

    def read_only_folder(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr("gazetteer.build.build_index", read_only_folder)
    with pytest.raises(DamagedIndex, match=re.escape(str(index))) as raised:
        ensure_index(index, log=lambda _: None)
    assert "Permission denied" in str(raised.value)
