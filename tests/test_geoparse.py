"""The geoparser on sentences of our own: places found, people and organisations left alone."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from gazetteer_support import km_from
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gazetteer import geoparse
from gazetteer.calibration import RECOGNITION_FEATURES, RESOLUTION_FEATURES
from gazetteer.evaluate import read_jsonl, score
from gazetteer.geoparser import Found, Geoparser, default_geoparser
from gazetteer.places import Place
from gazetteer.scene import Weights
from gazetteer.tokens import tokenize

pytestmark = pytest.mark.slow


def names(text: str, context: str | None = None) -> list[str]:
    return [m.text for m in geoparse(text, context=context)]


def test_places_in_a_news_sentence():
    text = ("Convoys left Qamishli for the Khmeimim air base on Friday, while crowds filled the "
            "Umayyad Mosque in Damascus and the streets of Aleppo, Hama and Homs.")
    assert names(text) == ["Qamishli", "Khmeimim", "Umayyad Mosque", "Damascus", "Aleppo", "Hama", "Homs"]


def test_offsets_index_the_original_text():
    text = "Troops moved from al-Qamishli — and later from Ţarţūs — to Russia’s base."
    for m in geoparse(text):
        assert text[m.start:m.end] == m.text
    assert [m.place.country_code for m in geoparse(text)] == ["SY", "SY", "RU"]


def test_people_whose_surnames_are_places_are_not_places():
    text = ("Oliver Alexander, an analyst, watched the footage. Mr Alexander said the radar had gone. "
            "Charles Lister, of the Middle East Institute, agreed; Lister said so on Friday. "
            "A fellow at the Carnegie Endowment spoke too, and later Carnegie published a note.")
    found = names(text)
    assert "Alexander" not in found
    assert "Lister" not in found
    assert "Carnegie" not in found
    assert "Middle East" not in found


def test_titles_and_speech_mark_people():
    assert names("President Hama met reporters.") == []
    assert "Damascus" in names("Damascus said nothing, but Mr Jordan did.")


def test_credits_and_organisations():
    assert "Europe" not in names("A picture from Getty Images Europe shows the crowd.")
    assert "Israel" not in names("The Times of Israel reported the move.")
    assert "Kyiv" not in names("The Kyiv Independent reported the move.")


def test_demonyms_name_no_place():
    assert names("Syrian forces and Russian officers met Israeli envoys.") == []


def test_a_place_inside_a_facility_name_is_kept():
    found = geoparse("Prisoners were freed from Damascus Central Prison overnight.")
    assert found and km_from(found[0].place, 33.5138, 36.2765) < 30


def test_hyphenated_pairs_are_two_places():
    assert names("The Russia-Ukraine war and the Syria-Turkey border.") == ["Russia", "Ukraine", "Syria", "Turkey"]


def test_context_picks_the_right_tripoli():
    blog = "Syria live: fighters from Lebanon crossed near Homs; Beirut and Damascus both reacted."
    alone = geoparse("A civilian from Tripoli was among the dead.")
    in_blog = geoparse("A civilian from Tripoli was among the dead.", context=blog)
    assert alone[0].place.country_code == "LY"
    assert in_blog[0].place.country_code == "LB"
    assert in_blog[0].alternatives  # the runner-up (Libya's Tripoli) is kept


def test_qualifier_after_a_comma():
    (springfield, _illinois) = geoparse("He grew up in Springfield, Illinois.")
    assert springfield.place.admin1_name == "Illinois"


def test_sentence_start_common_words_are_not_places():
    assert names("Split decisions were made. Reading the report took time.") == []
    assert names("She moved to Split in Croatia.") == ["Split", "Croatia"]


@pytest.mark.parametrize("text", [
    "", " ", "\x00\x01binary\xff\xfe", "İSTANBUL ﬁnance", "e\u0301\u0301\u0301 Damascus",
    "دمشق وحلب", "🙂 Tartus 🙂", "\u202eDamascus\u202c", "a" * 10_000,
])
def test_odd_input_never_crashes(text):
    for m in geoparse(text):
        assert text[m.start:m.end] == m.text


def test_five_megabytes_is_parsed_in_pieces():
    text = ("Shelling was reported near Aleppo and Idlib. " * 120_000)[:5_000_000]
    mentions = geoparse(text)
    assert len(mentions) > 200_000
    assert all(text[m.start:m.end] == m.text for m in mentions[-50:])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("Damscu Tartus al-Qmishi ,.’'\n\t İıﬁé\u0301🙂ءب")), max_size=300)
       | st.text(max_size=200))
def test_offsets_are_exact_for_any_text(text):
    for m in geoparse(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text


def test_evaluate_matches_the_shared_scorer(shared_dir, tmp_path):
    """Our `evaluate` and ../shared/scoring/score_geoparse.py give the same numbers."""
    corpus = shared_dir / "bench" / "gwn-dev.jsonl"
    gold = read_jsonl(corpus)[:40]
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("".join(json.dumps(d) + "\n" for d in gold), encoding="utf-8")
    predictions = {str(d["id"]): [m.as_dict() for m in geoparse(d["text"])] for d in gold}
    pred_path = tmp_path / "pred.jsonl"
    pred_path.write_text("".join(json.dumps({"id": k, "mentions": v}) + "\n" for k, v in predictions.items()),
                         encoding="utf-8")
    spec = importlib.util.spec_from_file_location("score_geoparse", shared_dir / "scoring" / "score_geoparse.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    theirs = module.score(str(gold_path), str(pred_path))
    ours = score(gold, predictions)
    for key in ("precision", "literal_recall", "f1", "acc161", "median_km", "end_to_end161", "resolved"):
        assert ours[key] == theirs[key], key


def test_a_title_is_no_abbreviated_state_but_a_qualifier_is():
    found = names("Ms. Lee met Dr. Patel and Col. Hart in Jackson, Ms. on Monday.")
    assert found == ["Jackson", "Ms"]  # "Jackson, Ms." is Jackson, Mississippi


def test_an_acronym_whose_letters_fold_together_is_no_short_form():
    assert names("Inmates of a CCA prison and a NATO base.") == []


def test_firms_named_like_places():
    assert names("Lawyers for Lowell & Harper filed papers, as did Marks & Spencer.") == []
    assert names("Trade between Syria & Lebanon grew.") == ["Syria", "Lebanon"]


def test_a_public_body_keeps_its_place():
    assert names("The Ohio Department of Health and the Dayton Township board met.") == ["Ohio", "Dayton"]


def test_a_surname_after_an_initial_stays_a_person():
    assert names("Officers said Dana K. Lowell was arrested; Lowell was released later.") == []


def test_a_leader_named_like_a_town_is_a_person():
    assert names("Critics of the Obama administration and its Obama-era rules spoke.") == []


def test_places_of_one_region_pick_each_other():
    text = "Storms hit Macon and Valdosta, then Athens, where the University of Georgia closed."
    athens = next(m for m in geoparse(text) if m.text == "Athens")
    assert athens.place.country_code == "US" and athens.place.admin1_name == "Georgia"


def test_the_bodies_of_a_county_keep_the_county_but_its_roads_do_not():
    found = names("The Kanawha County Commission met; crews closed Otter Tail County Road 12.")
    assert found == ["Kanawha County"]


def test_in_puts_a_surname_back_on_the_map():
    text = "Dana Lowell sang first. Later the band played in Lowell, and in Lowell’s view it went well."
    assert [m.start for m in geoparse(text)] == [text.index("in Lowell") + 3]


def test_a_county_court_or_library_keeps_its_county_and_a_city_court_its_city():
    text = ("A judge of the Marion County Circuit Court spoke at the Licking County Public Library, "
            "and the case moves to the Bridgeport Superior Court; Elm Street stays shut.")
    # (Elm Street is a street of the town the text names: see the streets' tests.)
    assert names(text) == ["Marion County", "Licking County", "Bridgeport", "Elm Street"]


def test_initials_with_full_stops_stand_for_their_place():
    found = [(m.text, m.place.name) for m in geoparse(
        "Crews from W.Va. and N.J. drove to B.C. after Ottawa asked, then on to D.C. for talks.")]
    assert [name for _, name in found] == ["West Virginia", "New Jersey", "British Columbia", "Ottawa",
                                           "Washington, D.C."]


def test_a_degree_after_a_name_is_no_state():
    assert names("Pat Quinlan, M.D., and Lee Ortiz, D.O., wrote the guidance.") == []


def test_a_union_of_countries_by_its_initials_where_a_preposition_places_it():
    assert names("Farms across the EU sold less; EU officials met in Brussels.") == ["EU", "Brussels"]


def test_counties_listed_bare_before_their_plural():
    found = geoparse("Hail fell on Swift and Wilkin counties, and Caddo, Bossier and Webster parishes "
                     "flooded. Few counties escaped.")
    assert [(m.text, m.place.name) for m in found] == [
        ("Swift", "Swift County"), ("Wilkin", "Wilkin County"), ("Caddo", "Caddo Parish"),
        ("Bossier", "Bossier Parish"), ("Webster", "Webster Parish")]


def test_a_country_or_region_before_its_own_body_stays_a_place_but_not_before_its_media():
    text = ("Engineers of the Pakistan Army and the Bank of Canada briefed the Ohio Association of "
            "Realtors; the Jamaica Observer and the Times of Israel reported it.")
    assert names(text) == ["Pakistan", "Canada", "Ohio"]


def test_a_town_stays_a_place_after_an_organisation_named_after_it():
    text = "The Spokane Gazette printed it on Monday. Spokane residents then marched."
    assert names(text) == ["Spokane"] and geoparse(text)[0].start == text.index("Spokane residents")


def test_a_towns_own_institutions_keep_the_town_but_its_firms_and_teams_do_not():
    text = ("Volunteers of the Spokane Garden Society met at the Bakersfield Youth Center, and the Modesto "
            "Rovers lost to the Tacoma Trading Company side.")
    assert names(text) == ["Spokane", "Bakersfield"]


def test_a_kind_word_joins_the_name_it_follows_or_precedes():
    text = ("Kayakers paddled the Tamworth River before rain reached the Pickering Islands and Brandon "
            "County; others camped by Lake Tamworth, sailed the Gulf of Dunmore and fished the Red River.")
    assert names(text) == ["Tamworth River", "Pickering Islands", "Brandon County", "Lake Tamworth",
                           "Gulf of Dunmore", "Red River"]


def test_a_whole_name_the_gazetteer_has_is_not_split_by_its_kind_word():
    found = geoparse("Flooding closed roads from Lake Charles to the banks of the Mississippi River.")
    assert [(m.text, m.place.feature_code) for m in found] == [("Lake Charles", "PPL"), ("Mississippi River", "STM")]


def test_a_towns_schools_by_level_and_its_patrol_keep_the_town():
    text = ("Pupils of Norfolk High School and Glen Carbon Elementary met troopers of the Kansas Highway "
            "Patrol; Franklin Avenue was closed.")
    assert names(text) == ["Norfolk", "Glen Carbon", "Kansas", "Franklin Avenue"]


def test_a_region_or_county_straight_after_a_town_is_its_qualifier_without_a_comma():
    found = geoparse("Crews drove from Tamworth New South Wales to Dayton Montgomery County; Oliver Alexander "
                     "stayed home.")
    assert [(m.text, m.place.feature_code) for m in found] == [
        ("Tamworth", "PPL"), ("New South Wales", "ADM1"), ("Dayton", "PPL"), ("Montgomery County", "ADM2")]
    assert found[0].place.country_code == "AU" and found[2].place.admin1_name == "Ohio"


def test_a_preposition_of_place_before_the_article_puts_a_common_word_on_the_map():
    assert names("Ferries docked in the Split harbour at dawn.") == ["Split"]
    assert names("Ferries docked near the Split Festival stage, and the Split crew slept.") == []
    assert names("Singers performed in the Chapel of the college.") == []


def test_a_common_word_mid_sentence_needs_place_evidence():
    assert names("Lawmakers in Congress argued while Pack 12 hiked along Route 9 past the House.") == []
    assert names("Lawmakers argued in Hope, Arkansas, and near Reading.") == ["Hope", "Arkansas", "Reading"]


def test_a_numbered_common_word_is_a_designation_even_after_a_preposition_of_place():
    assert names("The title went to the team in Section 3B, which trains on Route 9 in Reading.") == ["Reading"]


def test_rejections_give_each_gazetteer_name_and_why_it_is_no_place():
    text = "Mr Alexander flew from Reading to the Spokane Gazette offices in Spokane."
    reasons = {text[start:end]: why for start, end, why in default_geoparser().rejections(text)}
    assert reasons["Alexander"] == "person" and reasons["Spokane"] is None
    assert text.count("Spokane") == 2 and reasons.get("Reading") is None


def test_miss_classes_sort_errors_against_a_small_gold_corpus(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "tune_geoparser", Path(__file__).resolve().parent.parent / "bench" / "tune_geoparser.py")
    tune = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tune)
    text = "Mr Alexander met Canadian traders in Spokane and at Quellmoor Farm."
    toponyms = [{"start": text.index(w), "end": text.index(w) + len(w), "literal": True, "lat": lat, "lon": lon}
                for w, lat, lon in (("Alexander", 31.3, -92.4), ("Canadian", 60.1, -113.6),
                                    ("Spokane", 47.66, -117.43), ("Quellmoor Farm", 47.0, -117.0))]
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "1", "text": text, "toponyms": toponyms}) + "\n", encoding="utf-8")
    classes, examples = tune.miss_classes([str(path)], default_geoparser())
    assert classes == {"missed: person": 1, "missed: a demonym": 1, "missed: no gazetteer name": 1}
    assert examples["missed: no gazetteer name"] == ["'Quellmoor Farm'"]


def test_a_holiday_is_a_time_not_a_place():
    assert names("Shops in Reading stayed open at Christmas and over Easter for the Christmas market.") == ["Reading"]


def test_a_common_word_after_a_title_or_body_and_of_is_what_the_name_is_of():
    text = ("The Secretary of State thanked the Spokane Chamber of Commerce; Dana Tauber of Reading "
            "and the Bank of Canada agreed.")
    assert names(text) == ["Spokane", "Reading", "Canada"]


def test_a_first_level_region_named_in_the_text_picks_its_towns_even_against_namesakes():
    found = geoparse("Police in Alexandria found the car on Tuesday. Virginia troopers had searched roads "
                     "across Virginia since Monday.")
    assert [(m.text, m.place.admin1_name) for m in found] == [
        ("Alexandria", "Virginia"), ("Virginia", "Virginia"), ("Virginia", "Virginia")]


def test_a_three_letter_town_counts_after_a_preposition_of_place_or_movement():
    # Written in lower case, a three-letter word is a place only where the text puts it on a map, and
    # only a town of some size: a given name or a small hamlet after "to" stays a word.
    assert names("Pilgrims walked from Tehran to Qom over three days.") == ["Tehran", "Qom"]
    assert names("Lorry drivers waited for fuel in Van.") == ["Van"]
    assert names("The talks went on. Van drivers struck.") == []
    assert names("She gave the keys to Sam.") == []


def test_a_street_is_placed_at_the_town_the_text_names():
    found = geoparse("Firefighters in Winnipeg were sent to the 300 block of Maplewood Avenue on Sunday, "
                     "then to 12th St. North and Grange Road West.")
    streets = [m for m in found if m.place.feature_code == "ST"]
    assert [m.text for m in streets] == ["Maplewood Avenue", "12th St. North", "Grange Road West"]
    winnipeg = next(m for m in found if m.text == "Winnipeg")
    assert all(m.place.point == winnipeg.place.point and m.place.country_code == "CA" for m in streets)
    assert all(0.0 < m.score < 1.0 for m in streets)


def test_a_place_inside_a_street_name_is_the_street():
    # "Memphis" and "Victoria" name the streets here, not the cities; the street stands in the town
    # the text is about, even where a namesake far away is named nearer to it.
    found = geoparse("Two shops in Dayton, Ohio, were robbed: one on Memphis Street, one at 40 Victoria St. "
                     "near the Paris Bakery.")
    streets = [(m.text, m.place.admin1_name) for m in found if m.place.feature_code == "ST"]
    assert streets == [("Memphis Street", "Ohio"), ("Victoria St.", "Ohio")]
    assert "Memphis" not in names("Police in Dayton closed Memphis Street.")


def test_a_street_stays_in_the_documents_country_when_only_a_town_abroad_is_sure():
    # The story is about two towns of one country, neither read with confidence, and names a sure
    # town abroad just before the street: the street is in the story's country, at its town nearest
    # before it, not at the sure namesake abroad.
    text = "Crowds met in Harlow Ford, walked to Harlow Ford again and past Lisieux, then down Quarry Street."
    home = Place("t:home", "Harlow Ford", 41.0, -80.0, feature_class="P", country_code="US")
    abroad = Place("t:abroad", "Lisieux", 49.1, 0.2, feature_class="P", country_code="FR")
    seen, weighed = (0.0,) * len(RECOGNITION_FEATURES), (0.0,) * len(RESOLUTION_FEATURES)
    found = [Found(text.index(name, at), text.index(name, at) + len(name), name, 1.0, [place], seen, [weighed], [z])
             for name, at, place, z in (("Harlow Ford", 0, home, -0.5), ("Harlow Ford", 30, home, -0.5),
                                         ("Lisieux", 0, abroad, 2.0))]
    placed = default_geoparser()._place_streets(found, [], tokenize(text), text)
    street = next(f for f in placed if f.text == "Quarry Street")
    assert street.places[0].country_code == "US" and street.places[0].point == home.point


def test_no_street_without_a_town_or_inside_a_longer_name():
    assert names("Traffic on Linden Avenue was slow.") == []  # no town to place it in
    assert names("Shares fell on Wall Street, and rain fell on East St. Louis.") == ["Wall Street", "East St. Louis"]
    found = geoparse("In Boston the St. Paul choir sang; Cass County Road 12 was closed.")
    assert not [m for m in found if m.place.place_id.startswith("street:")]


def test_a_datelines_place_in_capitals_counts():
    assert names("CAIRO - Boys in red shirts trained on the pitch at dawn.") == ["CAIRO"]
    assert names("DENVER Local officials said the snow would stop by noon.") == ["DENVER"]
    assert names("LIMA, May 2 (Reuters) - Ministers agreed on the budget.") == ["LIMA"]
    # Capitals at a headline's start that are no dateline stay words.
    assert names("NICE to see the parks cleaned. Volunteers came.") == []


def test_a_magistrates_court_keeps_its_town():
    assert names("He appeared at Leeds Magistrates’ Court and later at Belfast Magistrate’s Court.") == [
        "Leeds", "Belfast"]


def test_the_centre_and_climate_patterns_are_no_places():
    assert names("The Centre told the court in Delhi that a strong El Niño or La Niña could follow.") == ["Delhi"]


def test_a_seat_of_power_that_speaks_or_has_staff_is_the_government():
    text = ("The Kremlin said talks would resume; White House aides disagreed, and the claim was denied by "
            "the Pentagon. The Pentagon's budget grew.")
    assert names(text) == []
    assert names("Reporters waited outside the White House.") == ["White House"]


def test_a_towns_offices_keep_the_town():
    text = ("The Spokane City Manager and the Tacoma Parks and Recreation director met officials of the "
            "Yakima Division of Water.")
    assert names(text) == ["Spokane", "Tacoma", "Yakima"]


def test_names_none_of_which_is_sure_settle_together_in_the_region_they_share():
    # Each of these towns has namesakes in several US states, so no one of them is sure of its state;
    # read together, they all read best in Texas, and that decides each of them.
    text = ("Volunteers from Huntsville, Livingston, Crockett and Madisonville cleared the roads of "
            "Walker County after the storm.")
    together = {m.text: m.place.admin1_name for m in geoparse(text)}
    assert together == dict.fromkeys(["Huntsville", "Livingston", "Crockett", "Madisonville", "Walker County"],
                                     "Texas")
    parser = default_geoparser()
    apart = Geoparser(parser.gazetteer, Weights(read_vote=0.0), parser.calibration)
    assert {m.place.admin1_name for m in apart.parse(text)} != {"Texas"}


def test_a_us_story_names_the_middle_east_not_a_hamlet_of_that_name():
    # Maryland has a hamlet called Middle East. A story set on the Texas coast that speaks of the
    # region means the region, however far its conventional point lies from the story's towns.
    text = ("Refiners in Houston and Port Arthur say crude prices have climbed since the fighting in the "
            "Middle East began, and truckers in Beaumont expect dearer diesel by spring.")
    found = {m.text: m.place for m in geoparse(text)}
    assert {found[town].admin1_name for town in ("Houston", "Port Arthur", "Beaumont")} == {"Texas"}
    region = found["Middle East"]
    assert not region.country_code and region.is_area
    assert km_from(region, 29.3, 42.5) < 500


def test_a_us_story_names_the_ocean_not_the_inland_towns_of_that_name():
    # Iowa and Missouri have towns called Atlantic and Pacific. A story set on the southern coast
    # that speaks of the oceans means the oceans, however far their conventional points lie from
    # the story's towns, and although "atlantic" and "pacific" are also common English words.
    text = ("Tourism in Myrtle Beach and Savannah fell as storms swept in from the Atlantic, and a cargo "
            "line rerouted its ships across the Pacific.")
    found = {m.text: m.place for m in geoparse(text)}
    assert {found[town].admin1_name for town in ("Myrtle Beach", "Savannah")} == {"South Carolina", "Georgia"}
    for ocean in ("Atlantic", "Pacific"):
        assert found[ocean].feature_code == "OCN" and not found[ocean].country_code


def test_a_first_name_the_story_puts_on_the_map_is_that_place_when_it_comes_back_bare():
    # "Warren" is a common first name and a town. Once the story says "near Warren", the town's depot
    # and the town at a sentence's start are the town too; where nothing puts it on a map, the
    # name stays a person's.
    text = ("Storms cut power near Warren overnight. Warren crews worked until dawn, and by morning the "
            "Warren depot had sent trucks to every road.")
    assert [m.start for m in geoparse(text) if m.text == "Warren"] == [
        text.index("Warren"), text.index("Warren crews"), text.index("Warren depot")]
    assert geoparse("Warren crews worked until dawn, and the Warren family thanked them.") == []
