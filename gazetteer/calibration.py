"""A calibrated confidence: the probability that a place marker is right.

A marker is right when the words it covers name a real place (overlap a gold toponym) and it
stands within 161 km of that place. `Mention.score` is that probability for the chosen place; each
runner-up in `Mention.alternatives` carries the probability that it would have been right instead.

Both come from a logistic regression over evidence the geoparser already weighs: how the name was
recognised (capitals at a sentence's start, a preposition of place before it, a common English
word, a name said again...) and how its place was chosen (the margin to the runner-up, how many
places share the name, prominence, the document's countries, hints, distance to the document's
other places, the kind of place). One model scores the chosen places, another the runner-ups.

The coefficients live in `data/calibration.tsv`, fitted on the development corpora as a whole:

    .venv/bin/python bench/tune_geoparser.py --calibrate ../shared/bench/*-dev.jsonl

and `python -m gazetteer evaluate --cv 5 FILES` measures them by cross-validation over documents.
Fitting needs numpy (installed with pandas); using the coefficients needs nothing.
"""

from __future__ import annotations

import math
import operator
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from gazetteer.datafiles import DATA_DIR, data_path
from gazetteer.index import distance_km
from gazetteer.places import Place

ACCURACY_KM = 161.0
# Where `save` writes by default; `load` reads the registered file (gazetteer/datafiles.py).
DEFAULT_PATH = DATA_DIR / "calibration.tsv"
MODELS = ("marker", "alternative")
# Fewer, broader features generalise better; L2 keeps rare ones from learning single documents.
L2 = 2.0

_AREA_KINDS = {"CONT": "continent", "RGN": "region", "ADM1": "region", "ADM2": "region"}


class Recognition(NamedTuple):
    """How a span was recognised as a place name."""

    sentence_start: bool  # its first word opens a sentence (a capital proves little there)
    located: bool  # a preposition of place before it ("in X")
    qualified: bool  # a qualifier after it ("X, Texas")
    common: float  # Zipf frequency when it is also a common English word, else 0
    words: int  # words in the name
    upper: bool  # written in capitals ("US", "UAE")
    rescued: bool  # rejected alone, kept because the document uses it as a place elsewhere
    given_name: bool  # also a common first name
    joined: bool  # a capitalised word joined before or after ("Damascus Central Prison")
    article: bool  # "the X"
    short: bool  # four letters or fewer
    repeats: int  # times the document names it
    street: bool = False  # a street's name, placed at a town the document names ("Royal Street")


class Resolution(NamedTuple):
    """One candidate place for a span, as the document weighed it."""

    place: Place
    rank: int  # 0 for the chosen place, 1.. for runner-ups
    margin: float  # chosen: lead over the runner-up; runner-up: lag behind the chosen place
    candidates: int  # places that share the name
    prominence: float
    primary: bool  # the text uses the place's own name
    share: float  # share of the document's sure places in its country
    hinted: bool  # a kind hint fits it ("X air base")
    qualifier: bool  # "X, Region" fits it
    near_km: float | None  # distance to the nearest sure place of the document (None: none, or a wide area)
    km_to_chosen: float  # 0 for the chosen place
    rival_share: float  # the largest share of the document's sure places in another candidate's country
    top_share: float  # the largest share of the document's sure places in one country
    region_share: float  # share of the document's sure places in its first-level region
    region_rival: float  # the largest such share of another candidate's region


RECOGNITION_FEATURES = (
    "bias", "sentence_start", "located", "qualified", "common", "common_any", "multiword", "upper",
    "rescued", "given_name", "joined", "article", "short", "repeats", "street",
)
RESOLUTION_FEATURES = (
    "margin", "margin_sigmoid", "single_candidate", "candidates", "prominence", "primary", "share",
    "country_present", "hinted", "qualifier_fits", "near", "no_spots",
    "country", "region", "continent", "other_area", "populated", "facility", "curated", "population",
    "runner_up_rank", "near_chosen", "km_to_chosen", "rival_share", "share_lead", "top_share",
    "region_share", "region_rival",
)
FEATURES = RECOGNITION_FEATURES + RESOLUTION_FEATURES


def recognition_features(rec: Recognition) -> tuple[float, ...]:
    """The first part of a feature vector (RECOGNITION_FEATURES): the same for all of a span's candidates."""
    return (
        1.0, float(rec.sentence_start), float(rec.located), float(rec.qualified), float(rec.common),
        float(rec.common > 0), float(rec.words > 1), float(rec.upper), float(rec.rescued),
        float(rec.given_name), float(rec.joined), float(rec.article), float(rec.short),
        math.log(rec.repeats) if rec.repeats > 1 else 0.0, float(rec.street),
    )


def resolution_features(res: Resolution) -> tuple[float, ...]:
    """The second part (RESOLUTION_FEATURES): one candidate as its document weighed it."""
    (place, rank, margin, candidates, prominence, primary, share, hinted, qualifier, near_km, km_to_chosen,
     rival_share, top_share, region_share, region_rival) = res
    margin = max(-10.0, min(10.0, margin))
    return (
        min(abs(margin), 6.0), 1.0 / (1.0 + math.exp(-margin)), 1.0 if candidates == 1 else 0.0,
        math.log(candidates), max(-2.0, min(12.0, prominence)), 1.0 if primary else 0.0, float(share),
        1.0 if share > 0 else 0.0, 1.0 if hinted else 0.0, 1.0 if qualifier else 0.0,
        math.log10(1 + near_km / 50.0) if near_km is not None else 0.0, 1.0 if near_km is None else 0.0,
        *_kind_features(place),
        float(rank), 1.0 if rank > 0 and km_to_chosen <= ACCURACY_KM else 0.0,
        math.log10(1 + km_to_chosen / 50.0), float(rival_share), float(share - rival_share),
        float(top_share), float(region_share), float(region_rival),
    )


_KINDS: dict[str, tuple[float, ...]] = {}


def _kind_features(place: Place) -> tuple[float, ...]:
    """What kind of place it is (country, region, continent, other area, populated, facility,
    curated) and its log10 population: the same wherever it is named, so worked out once."""
    found = _KINDS.get(place.place_id)
    if found is None:
        kind = _AREA_KINDS.get(place.feature_code)
        is_country = place.is_country
        found = (
            float(is_country), float(kind == "region"), float(kind == "continent"),
            float(place.is_area and not is_country and kind is None), float(place.feature_class == "P"),
            float(place.feature_class == "S"), float(place.source == "curated"), math.log10(place.population + 1),
        )
        if len(_KINDS) >= 200_000:
            _KINDS.clear()
        _KINDS[place.place_id] = found
    return found


def features(rec: Recognition, res: Resolution) -> tuple[float, ...]:
    """The whole feature vector, in the order of FEATURES."""
    return recognition_features(rec) + resolution_features(res)


class Calibration:
    """Coefficients of the two logistic models, by feature name."""

    def __init__(self, weights: dict[str, dict[str, float]]):
        self.weights = weights
        self._vectors = {}
        for model in MODELS:
            given = weights.get(model, {})
            unknown = set(given) - set(FEATURES)
            if unknown:
                raise ValueError(f"calibration: unknown features for {model}: {sorted(unknown)}")
            self._vectors[model] = tuple(float(given.get(name, 0.0)) for name in FEATURES)
        cut = len(RECOGNITION_FEATURES)
        self._recognition = {m: v[:cut] for m, v in self._vectors.items()}
        self._resolution = {m: v[cut:] for m, v in self._vectors.items()}

    def probability(self, model: str, vector: Sequence[float]) -> float:
        """The model's probability for a whole feature vector (FEATURES)."""
        return sigmoid(sum(map(operator.mul, self._vectors[model], vector)))

    def recognition_logit(self, model: str, vector: Sequence[float]) -> float:
        """The part of the model's log-odds that a RECOGNITION_FEATURES vector gives; the
        probability is `sigmoid` of it plus `resolution_logit` (the geoparser keeps each part
        for all the candidates, and all the mentions, that share it)."""
        return sum(map(operator.mul, self._recognition[model], vector))

    def resolution_logit(self, model: str, vector: Sequence[float]) -> float:
        return sum(map(operator.mul, self._resolution[model], vector))


    @classmethod
    def load(cls, path: Path | None = None) -> Calibration:
        path = path or data_path("calibration.tsv")
        weights: dict[str, dict[str, float]] = {m: {} for m in MODELS}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3 or parts[0] not in weights or parts[0] == "model":
                if parts[0] == "model":
                    continue
                raise ValueError(f"{path}:{number}: expected 'model<TAB>feature<TAB>weight'")
            weights[parts[0]][parts[1]] = float(parts[2])
        return cls(weights)

    def save(self, path: Path = DEFAULT_PATH, note: str = "") -> None:
        lines = ["# Calibrated confidence: logistic coefficients per feature (gazetteer/calibration.py).",
                 "# Reproduce: .venv/bin/python bench/tune_geoparser.py --calibrate ../shared/bench/*-dev.jsonl"]
        lines += [f"# {line}" for line in note.splitlines() if line]
        lines.append("model\tfeature\tweight")
        for model in MODELS:
            lines += [f"{model}\t{name}\t{self.weights[model].get(name, 0.0):.6g}" for name in FEATURES]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


_default: Calibration | None = None


def default_calibration() -> Calibration:
    global _default
    if _default is None:
        _default = Calibration.load()
    return _default


# -- fitting --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Row:
    """One candidate of one marker in a gold document, with whether it would be right."""

    corpus: str
    doc: str
    model: str  # "marker" or "alternative"
    vector: tuple[float, ...]
    right: bool | None  # None: the gold toponym it overlaps has no coordinates


def is_right(place: Place, start: int, end: int, toponyms: Iterable[dict]) -> bool | None:
    """Right when the span overlaps a gold toponym within 161 km of `place`; None when the
    overlapped toponyms have no coordinates to judge by."""
    overlapped = [t for t in toponyms if start < t["end"] and t["start"] < end]
    if not overlapped:
        return False
    located = [t for t in overlapped if t.get("lat") is not None and t.get("lon") is not None]
    if not located:
        return None
    return any(distance_km(t["lat"], t["lon"], place.latitude, place.longitude) <= ACCURACY_KM for t in located)


def collect(evidence: Callable[[str], list], docs: Iterable[dict], corpus: str) -> list[Row]:
    """Rows for every marker and runner-up the geoparser gives on gold documents. `evidence` is
    `Geoparser.evidence` (its `Found` items: places, chosen first, and their feature vectors)."""
    rows = []
    for doc in docs:
        doc_id = str(doc["id"])
        for found in evidence(doc["text"]):
            for rank, (place, vector) in enumerate(zip(found.places, found.vectors, strict=True)):
                rows.append(Row(corpus, doc_id, MODELS[rank > 0], vector,
                                is_right(place, found.start, found.end, doc["toponyms"])))
    return rows


def fit(rows: Iterable[Row], l2: float = L2) -> Calibration:
    """Both models from labelled rows of one or more corpora.

    Each corpus weighs the same, whatever its size: corpora differ in genre (local news names more
    ambiguous places), and news of a genre nobody fitted on is as likely to be like the smallest
    as like the largest. Weighed by the square root of their sizes, the largest (local news) set
    the scores of international news too low: markers scored 0.55-0.85 there were right 10-15
    points more often than their score said."""
    rows = [r for r in rows if r.right is not None]
    weights = {}
    for model in MODELS:
        chosen = [r for r in rows if r.model == model]
        if not chosen:
            raise ValueError(f"no {model} rows to fit")
        sizes = Counter(r.corpus for r in chosen)
        corpus_weight = {c: 1.0 / n for c, n in sizes.items()}
        mean = sum(corpus_weight[r.corpus] for r in chosen) / len(chosen)
        coefficients = fit_logistic([r.vector for r in chosen], [r.right for r in chosen], l2,
                                    [corpus_weight[r.corpus] / mean for r in chosen])
        weights[model] = dict(zip(FEATURES, coefficients, strict=True))
    return Calibration(weights)


def fit_logistic(vectors: Sequence[Sequence[float]], labels: Sequence[bool], l2: float = L2,
                 sample_weights: Sequence[float] | None = None, iterations: int = 50) -> list[float]:
    """L2-regularised logistic regression by Newton's method on standardised features (the first
    feature is the constant 1 and is not penalised); coefficients for the raw features."""
    import numpy as np

    x = np.asarray(vectors, dtype=float)
    y = np.asarray(labels, dtype=float)
    sw = np.ones(len(y)) if sample_weights is None else np.asarray(sample_weights, dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    mean[0], scale[0] = 0.0, 1.0
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    w = np.zeros(z.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
        gradient = z.T @ (sw * (p - y)) + penalty * w
        hessian = (z * (sw * p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    raw = w / scale
    raw[0] = w[0] - float(np.sum(w[1:] * mean[1:] / scale[1:]))
    return [float(v) for v in raw]


def folds_of(docs_by_corpus: dict[str, list[dict]], folds: int, seed: int = 0) -> dict[tuple[str, str], int]:
    """A fold for every document: each corpus spread evenly over the folds, in a shuffled order.

    The order is seeded by the corpus file's name, not its path, so that the folds (and every figure
    measured on them) are the same wherever the corpora and the checkout sit."""
    assignment = {}
    for corpus, docs in docs_by_corpus.items():
        order = list(range(len(docs)))
        random.Random(f"{seed}:{Path(corpus).name}").shuffle(order)
        for position, index in enumerate(order):
            assignment[(corpus, str(docs[index]["id"]))] = position % folds
    return assignment


def reliability(probabilities: Sequence[float], rights: Sequence[bool], bins: int = 10) -> tuple[float, list[dict]]:
    """Expected calibration error over equal-width bins, and the table behind it."""
    table = []
    total = len(probabilities)
    error = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [(p, r) for p, r in zip(probabilities, rights, strict=True)
                  if low <= p < high or (b == bins - 1 and p == 1.0)]
        if not inside:
            table.append({"bin": f"{low:.1f}-{high:.1f}", "n": 0, "mean_p": None, "right": None})
            continue
        mean_p = sum(p for p, _ in inside) / len(inside)
        rate = sum(r for _, r in inside) / len(inside)
        error += len(inside) / total * abs(mean_p - rate)
        table.append({"bin": f"{low:.1f}-{high:.1f}", "n": len(inside), "mean_p": round(mean_p, 3),
                      "right": round(rate, 3)})
    return (round(error, 4) if total else 0.0), table
