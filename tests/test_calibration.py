"""The calibrated confidence: its model file, its fit, and (on the shared corpora) whether it holds."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from gazetteer import calibration
from gazetteer.calibration import FEATURES, Calibration, Recognition, Resolution, features
from gazetteer.places import Place

DAMASCUS = Place("gn:170654", "Damascus", 33.51, 36.29, "P", "PPLC", "SY", population=1_569_394)
RECOGNITION = Recognition(sentence_start=False, located=True, qualified=False, common=0.0, words=1, upper=False,
                          rescued=False, given_name=False, joined=False, article=False, short=False, repeats=2)
RESOLUTION = Resolution(place=DAMASCUS, rank=0, margin=3.0, candidates=4, prominence=7.7, primary=True, share=0.6,
                        hinted=False, qualifier=False, near_km=120.0, km_to_chosen=0.0, rival_share=0.0,
                        top_share=0.6, region_share=0.0, region_rival=0.0)


def test_the_committed_model_knows_every_feature_and_only_those():
    model = Calibration.load()
    for name in calibration.MODELS:
        assert set(model.weights[name]) == set(FEATURES)
    vector = features(RECOGNITION, RESOLUTION)
    assert len(vector) == len(FEATURES)
    assert 0.5 < model.probability("marker", vector) < 1.0  # a capital after "in", well ahead


def test_save_and_load_give_the_same_probabilities(tmp_path):
    rng = random.Random(1)
    model = Calibration({m: {name: rng.uniform(-1, 1) for name in FEATURES} for m in calibration.MODELS})
    path = tmp_path / "calibration.tsv"
    model.save(path, note="a test")
    again = Calibration.load(path)
    vector = features(RECOGNITION, RESOLUTION)
    for name in calibration.MODELS:
        assert again.probability(name, vector) == pytest.approx(model.probability(name, vector), abs=1e-5)


def test_a_damaged_model_file_is_a_clear_error(tmp_path):
    path = tmp_path / "calibration.tsv"
    path.write_text("model\tfeature\tweight\nmarker\tno_such_feature\t1.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no_such_feature"):
        Calibration.load(path)
    path.write_text("marker\tbias\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":1:"):
        Calibration.load(path)


def test_probabilities_stay_finite_far_out():
    model = Calibration({"marker": {"bias": 800.0}, "alternative": {"bias": -800.0}})
    vector = features(RECOGNITION, RESOLUTION)
    assert model.probability("marker", vector) == 1.0
    assert model.probability("alternative", vector) == 0.0


def test_the_fit_finds_a_known_model():
    rng = random.Random(5)
    truth = [-1.0, 2.0, -0.5]
    vectors, labels = [], []
    for _ in range(20_000):
        x = [1.0, rng.gauss(0, 1), rng.uniform(0, 4)]
        p = 1 / (1 + math.exp(-sum(w * v for w, v in zip(truth, x, strict=True))))
        vectors.append(x)
        labels.append(rng.random() < p)
    fitted = calibration.fit_logistic(vectors, labels, l2=0.01)
    assert fitted == pytest.approx(truth, abs=0.15)


def test_reliability_of_a_calibrated_and_of_an_overconfident_score():
    rng = random.Random(9)
    probabilities = [rng.random() for _ in range(20_000)]
    rights = [rng.random() < p for p in probabilities]
    error, table = calibration.reliability(probabilities, rights)
    assert error < 0.02 and len(table) == 10 and sum(row["n"] for row in table) == 20_000
    error, _ = calibration.reliability([min(1.0, p + 0.3) for p in probabilities], rights)
    assert error > 0.2


def test_a_marker_is_right_within_161_km_of_an_overlapping_toponym():
    toponyms = [{"start": 10, "end": 18, "lat": 33.5, "lon": 36.3}, {"start": 30, "end": 36, "lat": None, "lon": None}]
    assert calibration.is_right(DAMASCUS, 10, 18, toponyms) is True
    assert calibration.is_right(DAMASCUS, 0, 5, toponyms) is False  # not a gold toponym
    assert calibration.is_right(DAMASCUS, 30, 36, toponyms) is None  # no coordinates to judge by
    far = Place("x", "Damascus", 39.29, -77.20, country_code="US")
    assert calibration.is_right(far, 10, 18, toponyms) is False


@pytest.mark.slow
def test_mentions_carry_the_models_probabilities():
    from gazetteer.geoparser import default_geoparser

    parser = default_geoparser()
    text = "Convoys left Qamishli for Tartus, and later reached Springfield, Illinois. Tartus was quiet."
    mentions = parser.parse(text)
    assert [m.text for m in mentions] == ["Qamishli", "Tartus", "Springfield", "Illinois", "Tartus"]
    for m, found in zip(mentions, parser.evidence(text), strict=True):
        vectors = found.vectors
        assert m.score == round(parser.calibration.probability("marker", vectors[0]), 4)
        assert [p for _, p in m.alternatives] == [round(parser.calibration.probability("alternative", v), 4)
                                                  for v in vectors[1:]]
        assert 0.0 <= m.score <= 1.0


@pytest.mark.slow
def test_held_out_scores_mean_what_they_say(shared_dir):
    """By 5-fold cross-validation over the development corpora: markers scored 0.9 or more are
    right at least 85% of the time, those scored 0.5 or less at most half the time, and the
    expected calibration error of each corpus is at most 0.05."""
    from gazetteer.evaluate import cross_validate
    from gazetteer.geoparser import default_geoparser

    paths = [shared_dir / "bench" / f"{name}-dev.jsonl" for name in ("gwn", "lgl", "trnews")]
    if not all(p.is_file() for p in paths):
        pytest.skip("the development corpora are not in ../shared/bench")
    report = cross_validate(paths, default_geoparser().evidence, folds=5)
    markers = report["all"]["marker"]
    assert markers["high"]["n"] > 500 and markers["high"]["right"] >= 0.85, markers
    assert markers["low"]["n"] > 100 and markers["low"]["right"] <= 0.5, markers
    for name, result in report.items():
        assert result["marker"]["ece"] <= 0.05, (name, result["marker"])


def test_folds_are_the_same_wherever_the_corpora_sit():
    from gazetteer.calibration import folds_of

    def by_document(corpus: str) -> dict[str, int]:
        return {doc: fold for (_, doc), fold in folds_of({corpus: docs}, 5).items()}

    docs = [{"id": str(i)} for i in range(40)]
    here = by_document("/work/shared/bench/news-dev.jsonl")
    assert here == by_document("../shared/bench/news-dev.jsonl")
    assert sorted(Counter(here.values()).values()) == [8] * 5  # spread evenly
    assert by_document("other-dev.jsonl") != here  # each corpus its own order


def test_each_corpus_weighs_the_same_in_the_fit_whatever_its_size():
    # A large corpus whose markers are right nine times in ten and a small one where they are right
    # half the time: with nothing else to tell them apart, the fitted probability is the mean of
    # the two rates, not the large corpus's.
    bias_only = tuple(1.0 if name == "bias" else 0.0 for name in FEATURES)
    rows = [calibration.Row("large", str(i), model, bias_only, i % 10 != 0)
            for i in range(2000) for model in calibration.MODELS]
    rows += [calibration.Row("small", str(i), model, bias_only, i % 2 == 0)
             for i in range(100) for model in calibration.MODELS]
    model = calibration.fit(rows)
    assert model.probability("marker", bias_only) == pytest.approx(0.7, abs=0.01)
