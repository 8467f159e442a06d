"""Scoring a geoparser against a gold corpus: the definitions of `../shared/scoring/score_geoparse.py`.

Detection: a predicted mention is right when it overlaps any gold toponym (metonymic and demonym
uses are not held against a system); recall is over literal toponyms. Resolution: over matched gold
toponyms with coordinates, the share within 161 km and the median error. End to end: the share of
literal gold toponyms with coordinates found and placed within 161 km.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from gazetteer.index import distance_km
from gazetteer.places import Mention

ACCURACY_KM = 161.0


def read_jsonl(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _overlaps(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def score(gold: Iterable[dict], predictions: dict[str, list[dict]]) -> dict:
    """Score predicted mentions ({doc id: [{"start","end","lat","lon"}]}) against gold documents."""
    tp = fp = literal_total = literal_found = e2e_total = e2e_ok = 0
    errors: list[float] = []
    docs = 0
    for doc in gold:
        docs += 1
        mentions = [m for m in predictions.get(str(doc["id"]), [])
                    if m.get("lat") is not None and m.get("lon") is not None]
        toponyms = doc["toponyms"]
        for m in mentions:
            if any(_overlaps(m, t) for t in toponyms):
                tp += 1
            else:
                fp += 1
        for t in toponyms:
            hit = next((m for m in mentions if _overlaps(m, t)), None)
            if t.get("literal"):
                literal_total += 1
                literal_found += hit is not None
            if t.get("lat") is None:
                continue
            error = distance_km(t["lat"], t["lon"], hit["lat"], hit["lon"]) if hit else None
            if error is not None:
                errors.append(error)
            if t.get("literal"):
                e2e_total += 1
                e2e_ok += error is not None and error <= ACCURACY_KM
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = literal_found / literal_total if literal_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    errors.sort()
    return {
        "docs": docs, "precision": round(precision, 3), "literal_recall": round(recall, 3), "f1": round(f1, 3),
        "resolved": len(errors),
        "acc161": round(sum(e <= ACCURACY_KM for e in errors) / len(errors), 3) if errors else 0.0,
        "median_km": round(errors[len(errors) // 2], 1) if errors else None,
        "end_to_end161": round(e2e_ok / e2e_total, 3) if e2e_total else 0.0,
    }


def evaluate(path: str | Path, parse: Callable[[str], list[Mention]]) -> dict:
    """Geoparse every document of a gold JSONL file and score the result, with documents per second."""
    gold = read_jsonl(path)
    started = time.perf_counter()
    predictions = {str(doc["id"]): [m.as_dict() for m in parse(doc["text"])] for doc in gold}
    elapsed = time.perf_counter() - started
    result = score(gold, predictions)
    result["docs_per_second"] = round(len(gold) / elapsed, 1) if elapsed else None
    return result


def coverage(path: str | Path, candidates: Callable[[str], list], limit: int = 10) -> dict:
    """Share of literal gold toponyms with coordinates whose place is among the first `limit`
    candidates for their surface form (within 161 km)."""
    total = found = 0
    for doc in read_jsonl(path):
        for t in doc["toponyms"]:
            if not t.get("literal") or t.get("lat") is None:
                continue
            total += 1
            places = candidates(t.get("surface") or doc["text"][t["start"]:t["end"]])[:limit]
            found += any(distance_km(t["lat"], t["lon"], p.latitude, p.longitude) <= ACCURACY_KM
                         for p in places)
    return {"toponyms": total, "covered": found, "share": round(found / total, 3) if total else 0.0}


def cross_validate(paths: list[str | Path], evidence: Callable[[str], list], folds: int = 5,
                   seed: int = 0) -> dict[str, dict]:
    """Score the geoparser on gold files with its confidence calibrated by cross-validation over
    documents: the calibration is fitted on the other folds of all files together and applied to
    each fold in turn. `evidence` is `Geoparser.evidence`. Per file (and "all"): P/R/F1/e2e as
    `score` gives them, and the expected calibration error with its reliability table for the
    chosen places ("markers") and for the runner-ups."""
    from gazetteer import calibration

    if folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, not {folds}")
    corpora = {str(p): read_jsonl(p) for p in paths}
    found = {(name, str(d["id"])): evidence(d["text"]) for name, docs in corpora.items() for d in docs}
    fold_of = calibration.folds_of(corpora, folds, seed)
    rows: dict[tuple[str, str], list[tuple[str, tuple, bool | None]]] = {}
    for name, docs in corpora.items():
        for d in docs:
            key = (name, str(d["id"]))
            rows[key] = [(calibration.MODELS[rank > 0], vector,
                          calibration.is_right(place, f.start, f.end, d["toponyms"]))
                         for f in found[key] for rank, (place, vector) in enumerate(zip(f.places, f.vectors,
                                                                                          strict=True))]
    held_out: dict[tuple[str, str], list[float]] = {}
    for k in range(folds):
        training = [calibration.Row(key[0], key[1], model, vector, right)
                    for key, doc_rows in rows.items() if fold_of[key] != k for model, vector, right in doc_rows]
        model = calibration.fit(training)
        for key, doc_rows in rows.items():
            if fold_of[key] == k:
                held_out[key] = [model.probability(m, vector) for m, vector, _ in doc_rows]
    report = {}
    for name in [*corpora, "all"]:
        keys = [k for k in rows if name in ("all", k[0])]
        gold = [d for n, docs in corpora.items() if name in ("all", n) for d in docs]
        predictions = {}
        for key in keys:
            probabilities = iter(held_out[key])
            mentions = []
            for f in found[key]:
                p = [next(probabilities) for _ in f.places]
                place = f.places[0]
                mentions.append({"start": f.start, "end": f.end, **place.as_dict(), "score": p[0]})
            predictions[key[1] if name != "all" else f"{key[0]}\t{key[1]}"] = mentions
        if name == "all":
            gold = [{**d, "id": f"{n}\t{d['id']}"} for n, docs in corpora.items() for d in docs]
        result = score(gold, predictions)
        for model in calibration.MODELS:
            pairs = [(p, right) for key in keys for (m, _, right), p in zip(rows[key], held_out[key], strict=True)
                     if m == model and right is not None]
            error, table = calibration.reliability([p for p, _ in pairs], [r for _, r in pairs])
            unjudged = sum(1 for key in keys for m, _, right in rows[key] if m == model and right is None)
            high = [right for p, right in pairs if p >= 0.9]
            low = [right for p, right in pairs if p <= 0.5]
            result[model] = {"n": len(pairs), "unjudged": unjudged, "ece": error, "table": table,
                             "high": {"n": len(high), "right": round(sum(high) / len(high), 3) if high else None},
                             "low": {"n": len(low), "right": round(sum(low) / len(low), 3) if low else None}}
        report[name] = result
    return report


def format_cross_validation(report: dict[str, dict], folds: int) -> str:
    """`cross_validate`'s report as text: a summary and a reliability table per file."""
    lines = []
    for name, r in report.items():
        lines.append(f"{name}: {r['docs']} documents, confidence calibrated by {folds}-fold cross-validation")
        lines.append(f"  precision {r['precision']:.3f}  recall {r['literal_recall']:.3f}  F1 {r['f1']:.3f}  "
                     f"acc@161km {r['acc161']:.3f}  end-to-end {r['end_to_end161']:.3f}")
        for model, label in (("marker", "markers"), ("alternative", "runner-ups")):
            m = r[model]
            lines.append(f"  {label}: {m['n']} judged ({m['unjudged']} without gold coordinates), "
                         f"ECE {m['ece']:.3f}; scored >= 0.9: {m['high']['n']}, right {m['high']['right']}; "
                         f"scored <= 0.5: {m['low']['n']}, right {m['low']['right']}")
        lines.append("    score      markers  mean score  right")
        for row in r["marker"]["table"]:
            if row["n"]:
                lines.append(f"    {row['bin']:<9} {row['n']:>8}  {row['mean_p']:>10.3f}  {row['right']:>5.3f}")
            else:
                lines.append(f"    {row['bin']:<9} {0:>8}")
        lines.append(json.dumps({"file": name, **{k: v for k, v in r.items() if k not in ("marker", "alternative")},
                                 "ece_markers": r["marker"]["ece"], "ece_runner_ups": r["alternative"]["ece"]}))
    return "\n".join(lines)
