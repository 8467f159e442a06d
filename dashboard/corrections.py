"""Analysts' corrections of places: another candidate for a mention, or "not a place".

The store keeps each correction under the mention's lasting identity (source, entry, offsets and
words; see `EventStore.correct_mention`), with who made it and when. Here corrections are laid over
the store's mentions (`apply`), so the map, the entries table and the exports all read the corrected
places. The entry panel tells what was corrected and from what (`dashboard.view.panel.notes_html`);
the form is `dashboard.ui.corrections`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from gazetteer.places import Place, is_country_code

if TYPE_CHECKING:
    pass

# Columns of the store's mentions that describe the place; a correction replaces them.
PLACE_COLUMNS = ("place_id", "place_name", "lat", "lon", "country_code", "feature_code", "is_area")


NOT_A_PLACE = "not-a-place"


SEARCH_LIMIT = 10


def apply(mentions: pd.DataFrame, corrections: pd.DataFrame) -> pd.DataFrame:
    """The store's mentions with the corrections laid over them.

    A correction matches the mention of its entry with the same offsets and words; failing that (the
    entry was edited and its text moved), the one mention of the entry with the same words. A
    mention corrected to "not a place" is left out; one corrected to another place takes that place
    (score 1.0: a person chose it). Added columns: `corrected_from` (the geoparser's place name,
    "" when not corrected), `corrected_by`, `corrected_at`.
    """
    out = mentions.copy()
    out["corrected_from"] = ""
    out["corrected_by"] = ""
    out["corrected_at"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns, UTC]")
    if out.empty or corrections.empty:
        return out
    exact = {(int(e), int(s), int(n), str(t)): i for i, e, s, n, t in zip(
        out.index, out["entry_id"], out["start"], out["end"], out["mention"], strict=True)}
    by_words: dict[tuple[int, str], list[int]] = {}
    for i, e, t in zip(out.index, out["entry_id"], out["mention"], strict=True):
        by_words.setdefault((int(e), str(t)), []).append(i)
    dropped = []
    for c in corrections.itertuples(index=False):
        index = exact.get((int(c.entry_id), int(c.start), int(c.end), str(c.mention)))
        if index is None:
            same_words = by_words.get((int(c.entry_id), str(c.mention)), [])
            if len(same_words) != 1:
                continue  # the mention is gone, or ambiguous: the correction waits, unused
            index = same_words[0]
        if c.not_a_place:
            dropped.append(index)
            continue
        out.loc[index, "corrected_from"] = str(out.at[index, "place_name"])
        for column in PLACE_COLUMNS:
            out.at[index, column] = getattr(c, column)
        out.loc[index, "score"] = 1.0
        out.loc[index, "corrected_by"] = str(c.author)
        out.loc[index, "corrected_at"] = c.created_at
    return out.drop(index=dropped).reset_index(drop=True)


def entry_corrections(corrections: pd.DataFrame, entry_id: int) -> pd.DataFrame:
    """The corrections of one entry, in text order."""
    if corrections.empty:
        return corrections
    return corrections[corrections["entry_id"] == int(entry_id)].sort_values("start", kind="stable")


def place_from_alternative(alt: Mapping) -> Place:
    """A runner-up candidate stored with a mention (a dict) as a Place."""
    code = str(alt.get("feature_code") or "")
    # Runner-ups stored before they carried their feature class: countries and regions are class A.
    guessed_class = "A" if is_country_code(code) or code.startswith("ADM") else ""
    return Place.from_dict({"feature_class": guessed_class, **alt})


def candidate_label(place: Place) -> str:
    """How a candidate is named in the picker (plain text)."""
    where = ", ".join(x for x in (place.name, place.admin1_name, place.country_code) if x)
    kind = f" · {place.feature_code}" if place.feature_code else ""
    return f"{where}{kind} ({place.latitude:.3f}, {place.longitude:.3f})"


def candidates(mention: Mapping, search: str = "",
               lookup: Callable[[str], Sequence[Place]] | None = None) -> list[Place]:
    """The places a mention could be: its runner-ups, then what `lookup` (the gazetteer) finds for
    `search` when one is typed; the place it has now is left out, and each place comes once."""
    current = str(mention.get("place_id") or "")
    found: dict[str, Place] = {}
    for alt in list(mention.get("alternatives") or []):
        try:
            place = place_from_alternative(alt)
        except (KeyError, TypeError, ValueError):
            continue  # a malformed stored candidate is skipped, not fatal
        found.setdefault(place.place_id, place)
    words = " ".join(search.split())
    if lookup is not None and words:
        for place in lookup(words)[:SEARCH_LIMIT]:
            found.setdefault(place.place_id, place)
    found.pop(current, None)
    return [p for p in found.values() if np.isfinite(p.latitude) and np.isfinite(p.longitude)]


def gazetteer_lookup(name: str) -> list[Place]:
    """Places called `name` in the default gazetteer index (loaded on first use)."""
    from gazetteer import Gazetteer

    return Gazetteer.default().candidates(name, limit=SEARCH_LIMIT)


# --------------------------------------------------------------------------------------------------
# The form (Streamlit widgets).
# --------------------------------------------------------------------------------------------------
