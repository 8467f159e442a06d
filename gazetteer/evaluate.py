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
