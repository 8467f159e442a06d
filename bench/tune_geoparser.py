"""Fit the geoparser's resolution weights, or its calibrated confidence, on the development
corpora as a whole.

    .venv/bin/python bench/tune_geoparser.py ../shared/bench/*-dev.jsonl
    .venv/bin/python bench/tune_geoparser.py --calibrate ../shared/bench/*-dev.jsonl
    .venv/bin/python bench/tune_geoparser.py --misses [--examples N] ../shared/bench/*-dev.jsonl

`--misses` prints what the geoparser gets wrong on the corpora, by class: literal gold toponyms
with coordinates that are missed (not a gazetteer name, a demonym, or the reason a name was
rejected) or placed over 161 km away (the gold span longer or shorter than ours, the right place a
runner-up or not among the candidates), and false places by kind; each class with its count and a
few examples (`--examples N`, default 8).

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
from collections import Counter, defaultdict

from gazetteer import calibration
from gazetteer.evaluate import ACCURACY_KM, read_jsonl, score
from gazetteer.geoparser import Geoparser, Weights
from gazetteer.index import distance_km
from gazetteer.lookup import Gazetteer
from gazetteer.normalize import normalize_name

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
    "read_vote": [0.0, 0.1, 0.25, 0.5, 1.0],
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


def _overlapping(items: list, start: int, end: int):
    return next((i for i in items if i[0] < end and start < i[1]), None)


def miss_classes(paths: list[str], parser: Geoparser) -> tuple[Counter, dict[str, list[str]]]:
    """Each error of the parser on the corpora by class, with its examples (gold surface first)."""
    classes: Counter = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    index = parser.gazetteer.index

    def add(name: str, example: str) -> None:
        classes[name] += 1
        examples[name].append(example)

    for path in paths:
        for doc in read_jsonl(path):
            text = doc["text"]
            mentions = parser.parse(text)
            found = [(m.start, m.end, m) for m in mentions]
            names = None  # the rejections, worked out for the first miss of the document
            for t in doc["toponyms"]:
                if not t.get("literal") or t.get("lat") is None:
                    continue
                surface = text[t["start"]:t["end"]]
                hit = _overlapping(found, t["start"], t["end"])
                if hit is not None:
                    m = hit[2]
                    if distance_km(t["lat"], t["lon"], m.place.latitude, m.place.longitude) <= ACCURACY_KM:
                        continue
                    ours, theirs = m.end - m.start, t["end"] - t["start"]
                    if m.start >= t["start"] and m.end <= t["end"] and ours < theirs:
                        add("wrong place: gold span longer", f"{surface!r} (ours {m.text!r})")
                    elif m.start <= t["start"] and m.end >= t["end"] and ours > theirs:
                        add("wrong place: our span longer", f"{surface!r} (ours {m.text!r})")
                    else:
                        runner_up = any(distance_km(t["lat"], t["lon"], p.latitude, p.longitude) <= ACCURACY_KM
                                        for p, _ in m.alternatives)
                        add(f"wrong place: {'a runner-up' if runner_up else 'not among the candidates'}",
                            f"{surface!r} -> {m.place.address}")
                    continue
                names = parser.rejections(text) if names is None else names
                rejected = _overlapping(names, t["start"], t["end"])
                key = normalize_name(surface)
                if key in index.demonyms:  # (some are also places' names: "Canadian", Texas)
                    add("missed: a demonym", repr(surface))
                elif rejected is not None:
                    name = f"missed: {rejected[2] or 'named otherwise (one sense per discourse)'}"
                    add(name, f"{surface!r} (name {text[rejected[0]:rejected[1]]!r})")
                else:
                    add("missed: no gazetteer name", repr(surface))
            for start, end, m in found:
                if not any(start < t["end"] and t["start"] < end for t in doc["toponyms"]):
                    add(f"false place: {m.place.feature_code}", repr(m.text))
    return classes, examples


def misses(paths: list[str], shown: int = 8) -> None:
    classes, examples = miss_classes(paths, Geoparser(Gazetteer.default()))
    for name, count in classes.most_common():
        common = Counter(examples[name]).most_common(shown)
        print(f"{count:6}  {name}: " + "; ".join(f"{e} x{n}" if n > 1 else e for e, n in common))


def main(paths: list[str]) -> None:
    if paths and paths[0] == "--calibrate":
        calibrate(paths[1:])
        return
    if paths and paths[0] == "--misses":
        shown = 8
        if len(paths) > 2 and paths[1] == "--examples":
            shown, paths = int(paths[2]), paths[2:]
        misses(paths[1:], shown)
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
