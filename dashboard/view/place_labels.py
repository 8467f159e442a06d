"""A place's label on the map: its name, made unique within a window. A click is traced back to its
place through this label (`mapdata.clicked_place`), and the panel's picker lists places by it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd


def unique_labels(names: Sequence[str], country_codes: Sequence[str]) -> list[str]:
    """A label per place, unique within the list: the name, with the country code (then a number)
    added where two places share a name."""
    names = [clean_name(n) for n in names]
    taken = Counter(names)
    labels = [f"{n} ({cc})" if taken[n] > 1 and cc else n for n, cc in zip(names, country_codes, strict=True)]
    seen: Counter[str] = Counter()
    repeated = Counter(labels)
    out = []
    for label in labels:
        seen[label] += 1
        out.append(f"{label} #{seen[label]}" if repeated[label] > 1 else label)
    return out


def clean_name(name: object) -> str:
    """A name as a label writes it: its words, one space apart; "(unnamed place)" for none."""
    return " ".join(str(name).split()) or "(unnamed place)"


def clean_names(names: Sequence[object]) -> tuple[np.ndarray, np.ndarray]:
    """Each name as a label writes it (`clean_name`), and a code per distinct one (for `labels_of`)."""
    cleaned = [clean_name(n) for n in names]
    codes, _ = pd.factorize(pd.Series(cleaned, dtype=object))
    return np.array(cleaned, dtype=object), codes


def labels_of(cleaned: np.ndarray, name_codes: np.ndarray, country_codes: np.ndarray, rows: np.ndarray) -> list[str]:
    """`unique_labels` of these rows of a list of places (`clean_names` of all their names, and their
    country codes), working out one by one only the names the rows repeat: a window of 20,000 places
    labelled name by name took a good part of a slider step."""
    names, named = cleaned[rows], name_codes[rows]
    repeated = np.bincount(named, minlength=len(cleaned))[named] > 1 if len(named) else named.astype(bool)
    labels = names.tolist()
    if not repeated.any():
        return labels
    at = np.flatnonzero(repeated)
    countries = country_codes[rows[at]].tolist()
    own = unique_labels(names[at].tolist(), countries)
    stems = {f"{n} ({cc})" for n, cc in zip(names[at].tolist(), countries, strict=True) if cc}
    if not (stems | set(own)).isdisjoint(names[~repeated].tolist()):  # "Tripoli (LB)" named so in its own right
        return unique_labels(labels, country_codes[rows].tolist())
    for i, label in zip(at.tolist(), own, strict=True):
        labels[i] = label
    return labels
