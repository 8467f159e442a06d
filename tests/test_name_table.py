"""The index's names: bytes in buckets of their hash, searched by bisection behind a Bloom filter, read like a
dict."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gazetteer import nametable
from gazetteer.errors import DamagedIndex
from gazetteer.index import PlaceIndex, write_index
from gazetteer.nametable import NameTable, pack_names
from gazetteer.normalize import normalize_name
from gazetteer.places import Place


def table_of(names: dict[str, int | tuple[int, ...]]) -> NameTable:
    return NameTable.of(names)


# Keys as the index files them: folded words, no line breaks (a lone surrogate can come from a text).
_KEY = st.text(st.characters(blacklist_categories=("Cc",)), min_size=1, max_size=12).filter(lambda k: "\n" not in k)
_NUMBERS = st.one_of(st.integers(1, 10**6), st.tuples(st.integers(1, 10**6), st.integers(1, 10**6)))


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_KEY, _NUMBERS, max_size=40), st.lists(_KEY, max_size=40))
def test_a_name_table_answers_as_a_dict_of_the_same_names(names, asked):
    table = table_of(names)
    assert len(table) == len(names) and sorted(table) == sorted(names)
    for key in [*asked, *names, *asked]:  # each asked twice: from the search, then as remembered
        assert table.get(key) == names.get(key)
        assert (key in table) == (key in names)
        if key in names:
            assert table[key] == names[key]
        else:
            with pytest.raises(KeyError):
                table[key]


def test_a_key_whose_bit_is_clear_is_no_name_without_a_search(monkeypatch):
    table = table_of({"tartus": 1, "tartus governorate": (2, 3)})
    searched = []
    real_find = NameTable.find
    monkeypatch.setattr(NameTable, "find", lambda self, encoded: searched.append(encoded) or real_find(self, encoded))
    assert table.get("tartus") == 1 and searched == [b"tartus"]
    assert table.get("tartus governorate") == (2, 3)
    # Some key is no name and its bit is clear: it is answered without a search.
    missing = next(k for k in (f"word{i}" for i in range(100)) if not _bit(table, k))
    assert table.get(missing) is None and searched == [b"tartus", b"tartus governorate"]


def _bit(table: NameTable, key: str) -> bool:
    h = nametable._name_hash(key.encode())
    return bool(table._asked._bits[h >> 3] >> (h & 7) & 1)


def test_the_keys_asked_for_are_forgotten_past_the_limit(monkeypatch):
    table = table_of({"aleppo": 5})
    monkeypatch.setattr(type(table._asked), "LIMIT", 3)
    for key in ("a", "b", "c", "d", "aleppo"):
        table.get(key)
    assert len(table._asked) <= 3 and table.get("aleppo") == 5 and table.get("d") is None


def test_an_index_file_files_every_name_of_its_places(tmp_path):
    places = [
        Place("gn:170654", "Damascus", 33.51, 36.29, "P", "PPLC", "SY", population=1_569_394,
              alternate_names=("Dimashq", "Damas")),
        Place("gn:163345", "Ţarţūs", 34.89, 35.89, "P", "PPLA", "SY", population=458_327, asciiname="Tartus"),
    ]
    path = tmp_path / "index.sqlite"
    write_index(path, places, fingerprint="test")
    loaded = PlaceIndex(path)
    try:
        for name in ("Damascus", "Dimashq", "Damas", "Ţarţūs", "Tartous"):
            assert loaded.numbers(normalize_name(name)), name
        assert loaded.numbers("homs") == () and "homs" not in loaded.names
        assert len(loaded.names) == len(set(loaded.names))
    finally:
        loaded.close()


def test_names_and_numbers_that_do_not_match_are_a_damaged_index(tmp_path):
    import marshal
    import sqlite3

    path = tmp_path / "index.sqlite"
    write_index(path, [Place("gn:1", "Hama", 35.1, 36.7, "P", "PPLA", "SY")], fingerprint="test")
    conn = sqlite3.connect(path)
    text, starts, numbers, more, bits, buckets, prefix_bits = pack_names({"hama": 1, "homs": 2})
    spoilt = (text, starts, numbers[:4], more, bits, buckets, prefix_bits)  # a number short
    conn.execute("UPDATE meta SET value = ? WHERE key = 'names'", (marshal.dumps(spoilt),))
    conn.commit()
    conn.close()
    with pytest.raises(DamagedIndex):
        PlaceIndex(path)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.lists(st.sampled_from(["new", "south", "wales", "port", "said", "al", "n"]), min_size=1,
                                max_size=4).map(" ".join), _NUMBERS, max_size=12),
       st.lists(st.sampled_from(["new", "south", "wales", "port", "said", "al", "n", "x"]), max_size=4).map(" ".join))
def test_look_says_whether_a_longer_name_may_begin_with_the_words(names, asked):
    table = table_of(names)
    for key in [asked, *names]:
        found, longer = table.look(key)
        assert found == names.get(key)
        if any(name.startswith(key + " ") for name in names):
            assert longer, key  # never wrong that way: the matcher stops where it is False


def test_a_key_that_begins_no_name_is_said_to_begin_none():
    table = table_of({"new south wales": 1, "newport": 2})
    assert table.look("new") == (None, True) and table.look("new south") == (None, True)
    assert table.look("new south wales")[0] == 1 and table.look("newport")[0] == 2
    # Some key begins no name and its bit is clear: a run of capitalised words stops there.
    assert any(table.look(f"word{i}") == (None, False) for i in range(100))
