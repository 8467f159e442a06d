"""Fit the geoparser's resolution weights, or its calibrated confidence, on the development
corpora as a whole.

    .venv/bin/python bench/tune_geoparser.py ../shared/bench/*-dev.jsonl
    .venv/bin/python bench/tune_geoparser.py --calibrate ../shared/bench/*-dev.jsonl

`--calibrate` fits the two logistic models of `gazetteer.calibration` on every marker and runner-up
of all the corpora together and writes their coefficients to gazetteer/data/calibration.tsv
(`python -m gazetteer evaluate --cv 5 FILES` measures them by cross-validation).

A coordinate search over the few `Weights` fields: each is tried at a handful of values and kept
where the mean end-to-end score (literal toponyms found and placed within 161 km) over all corpora
is best. Documents are never looked at one by one, and the search space is small on purpose.
Prints the weights to paste into `gazetteer.geoparser.Weights` and the scores before and after.
"""

from __future__ import annotations

import dataclasses
import json
import sys

from gazetteer import calibration
from gazetteer.evaluate import read_jsonl, score
from gazetteer.geoparser import Geoparser, Weights
from gazetteer.lookup import Gazetteer

GRID = {
    "primary_name": [0.0, 0.5, 1.0, 1.5, 2.0],
    "country_present": [0.0, 0.5, 1.0, 1.5],
    "country_share": [0.0, 1.0, 2.0, 3.0, 4.0],
    "neighbour_share": [0.0, 0.5, 1.0, 2.0],
    "region_share": [0.0, 2.0, 4.0, 8.0, 12.0],
    "feature_hint": [1.0, 2.0, 3.0, 4.0],
    "qualifier": [2.0, 3.5, 5.0, 7.0],
    "distance": [0.0, 0.6, 1.2, 1.8, 2.4],
    "confident_margin": [0.5, 1.0, 1.5, 2.0],
}


def mean_end_to_end(corpora: list[list[dict]], weights: Weights, gazetteer: Gazetteer) -> float:
    parser = Geoparser(gazetteer, weights)
    results = []
    for docs in corpora:
        predictions = {str(d["id"]): [m.as_dict() for m in parser.parse(d["text"])] for d in docs}
        results.append(score(docs, predictions)["end_to_end161"])
    return sum(results) / len(results)


def calibrate(paths: list[str]) -> None:
    parser = Geoparser(Gazetteer.default(), calibration=calibration.Calibration({}))
    rows = [row for p in paths for row in calibration.collect(parser.evidence, read_jsonl(p), p)]
    fitted = calibration.fit(rows)
    judged = [r for r in rows if r.right is not None]
    counts = {m: sum(r.model == m for r in judged) for m in calibration.MODELS}
    note = (f"Fitted on {len(paths)} corpora: {counts['marker']} markers and {counts['alternative']} runner-ups "
            f"with a judgement (L2 {calibration.L2}).")
    fitted.save(calibration.DEFAULT_PATH, note)
    print(json.dumps({"written": str(calibration.DEFAULT_PATH), **counts}))


def main(paths: list[str]) -> None:
    if paths and paths[0] == "--calibrate":
        calibrate(paths[1:])
        return
    corpora = [read_jsonl(p) for p in paths]
    gazetteer = Gazetteer.default()
    best = Weights()
    best_score = start = mean_end_to_end(corpora, best, gazetteer)
    for _ in range(2):
        for name, values in GRID.items():
            for value in values:
                trial = dataclasses.replace(best, **{name: value})
                result = mean_end_to_end(corpora, trial, gazetteer)
                if result > best_score + 1e-9:
                    best, best_score = trial, result
                    print(f"{name}={value}: {result:.4f}", file=sys.stderr)
    print(json.dumps({"start": round(start, 4), "best": round(best_score, 4), "weights": dataclasses.asdict(best)}))


if __name__ == "__main__":
    main(sys.argv[1:])
