"""Demonyms of places other than countries (`gazetteer/data/demonyms.tsv`): read, resolved, used.

"Texan" names Texas's people, "European" Europe's: a lookup of the word offers the place, and the
geoparser still drops the word as a place mention ("Kurdish fighters" names no place).
"""

from __future__ import annotations

import pytest

from gazetteer import geoparse
from gazetteer.build import DemonymTargetError, _resolve_curated_demonyms
from gazetteer.lookup import Gazetteer
from gazetteer.normalize import normalize_name
from gazetteer.places import Place
from gazetteer.sources import packages


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default()


def _place(name: str, code: str, cc: str = "", cls: str = "A", alternates: tuple[str, ...] = ()) -> Place:
    return Place(place_id=f"t:{name}:{code}:{cc}", name=name, latitude=0.0, longitude=0.0, feature_class=cls,
                 feature_code=code, country_code=cc, source="test", asciiname=name, alternate_names=alternates)


def test_the_file_gives_words_and_plurals() -> None:
    found = packages.curated_demonyms()
    assert found["Texan"].name == "Texas" and found["Texans"] is found["Texan"]
    assert "Welshs" not in found and "Scots" in found  # words ending in s, sh, ch, ese are their own plural
    assert found["European"].feature_code == "CONT" and found["European"].country_code == ""


def test_every_row_resolves_to_a_place_of_its_name_and_kind(gazetteer: Gazetteer) -> None:
    bad = []
    for word, target in packages.curated_demonyms().items():
        if normalize_name(word) == normalize_name(target.name):
            continue  # a plural that is the place's own name ("Balkan" -> "Balkans") is left a name
        place = gazetteer.demonym_place(word)
        if place is None or not _matches(place, target):
            bad.append(f"line {target.line}: {word!r} -> {place}")
    assert not bad, "\n".join(bad)


def _matches(place: Place, target: packages.DemonymTarget) -> bool:
    kind = place.feature_class if len(target.feature_code) == 1 else place.feature_code
    names = {normalize_name(n) for n in (place.name, *place.alternate_names)}
    return (kind == target.feature_code and normalize_name(target.name) in names
            and place.country_code == (target.country_code or place.country_code))


def test_a_missing_target_fails_loudly() -> None:
    places = [_place("Texas", "ADM1", "US"), _place("Europe", "CONT", cls="L")]
    wanted = {
        "Texan": packages.DemonymTarget("Texas", "ADM1", "US", 1),
        "Narnian": packages.DemonymTarget("Narnia", "RGN", "", 2),
        "Ruritanian": packages.DemonymTarget("Texas", "ADM1", "MX", 3),  # right name, wrong country
    }
    with pytest.raises(DemonymTargetError, match=r"line 2: Narnia.*line 3: Texas"):
        _resolve_curated_demonyms(places, wanted)


def test_a_place_of_that_name_beats_one_that_only_lists_it() -> None:
    places = [_place("Kurdistan Region", "RGN", "IQ", cls="L", alternates=("Kurdistan",)),
              _place("Kurdistan", "RGN", cls="L")]
    found = _resolve_curated_demonyms(places, {"Kurdish": packages.DemonymTarget("Kurdistan", "RGN", "", 1)})
    assert found == {"Kurdish": "t:Kurdistan:RGN:"}


@pytest.mark.parametrize(("word", "name", "code"), [
    ("Texan", "Texas", "ADM1"), ("Texans", "Texas", "ADM1"), ("European", "Europe", "CONT"),
    ("Kurdish", "Kurdistan", "RGN"), ("Chechen", "Chechnya", "ADM1"), ("Scottish", "Scotland", "ADM1"),
    ("Soviet", "Soviet Union", "PCLH"), ("Middle Eastern", "Middle East", "RGN"),
])
def test_a_non_country_demonym_offers_its_place(gazetteer: Gazetteer, word: str, name: str, code: str) -> None:
    found = [(p.name, p.feature_code) for p in gazetteer.candidates(word)]
    assert (name, code) in found


def test_country_demonyms_still_work_and_a_row_may_correct_one(gazetteer: Gazetteer) -> None:
    assert gazetteer.demonym_place("Syrian").country_code == "SY"
    assert gazetteer.demonym_place("Indian").country_code == "IN"  # not the British Indian Ocean Territory


def test_a_place_named_like_its_demonym_is_not_a_demonym(gazetteer: Gazetteer) -> None:
    """countryinfo lists "Gibraltar" as Gibraltar's demonym: the word must stay a place name."""
    assert gazetteer.demonym_place("Gibraltar") is None
    assert gazetteer.demonym_place("Balkans") is None  # the plural of "Balkan" is the region's own name


@pytest.mark.slow
def test_new_demonyms_name_no_place_in_text() -> None:
    text = "Kurdish fighters, Texan ranchers, Scottish voters and European diplomats met Chechen envoys."
    assert [m.text for m in geoparse(text)] == []


@pytest.mark.slow
def test_places_beside_demonyms_are_still_found() -> None:
    found = [m.text for m in geoparse("Kurdish forces entered Raqqa, and the Balkans braced for snow.")]
    assert found == ["Raqqa", "Balkans"]
