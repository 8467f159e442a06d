"""Analysts' corrections of places: another candidate for a mention, or "not a place".

The store keeps each correction under the mention's lasting identity (source, entry, offsets and
words; see `EventStore.correct_mention`), with who made it and when. Here corrections are laid over
the store's mentions (`apply`), so the map, the entries table and the exports all read the corrected
places; and the entry panel is told what was corrected and from what (`notes_html`).

The correction form (`correction_form`) is a small group of Streamlit widgets; Streamlit is imported
inside it, so the CLI's exports can use `apply` without loading Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dashboard import markup as H
from gazetteer.places import Place

if TYPE_CHECKING:
    from dashboard.store import EventStore

# Columns of the store's mentions that describe the place; a correction replaces them.
PLACE_COLUMNS = ("place_id", "place_name", "lat", "lon", "country_code", "feature_code", "is_area")
NOT_A_PLACE = "not-a-place"
SEARCH_LIMIT = 10

NOTES_CSS = """
<style>
.lbm-corrections { font-size: 0.85rem; color: #555; margin: 0.2rem 0 0.6rem; padding-left: 0.7rem;
  border-left: 3px solid #b3261e; }
.lbm-corrections li { margin: 0 0 0.2rem; }
</style>
"""


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


def _when(moment: object) -> str:
    stamp = pd.Timestamp(moment)
    return "" if pd.isna(stamp) else f"{stamp.day} {stamp.strftime('%b %Y %H:%M')} UTC"


def note_lines(corrections: pd.DataFrame) -> list[str]:
    """Plain sentences: what was corrected, from what, to what, by whom and when."""
    lines = []
    for c in corrections.itertuples(index=False):
        was = f"{c.was_name}" if c.was_name else "an unknown place"
        if c.not_a_place:
            change = f"“{c.mention}” is not a place (it was placed at {was})"
        else:
            where = ", ".join(x for x in (str(c.place_name), str(c.country_code)) if x)
            change = f"“{c.mention}” corrected from {was} to {where}"
        lines.append(f"{change}, by {c.author}, {_when(c.created_at)}.")
    return lines


def notes_html(corrections: pd.DataFrame) -> str:
    """The entry panel's note on corrected places (escaped; empty when nothing was corrected)."""
    lines = note_lines(corrections)
    if not lines:
        return ""
    items = "".join(f"<li>{H.text(line)}</li>" for line in lines)
    return f'{NOTES_CSS}<div class="lbm-corrections">Corrected by hand:<ul>{items}</ul></div>'


def place_from_alternative(alt: Mapping) -> Place:
    """A runner-up candidate stored with a mention (a dict) as a Place."""
    code = str(alt.get("feature_code") or "")
    feature_class = "A" if code.startswith(("PCL", "ADM")) else ""
    return Place(str(alt["place_id"]), str(alt.get("name") or ""), float(alt["lat"]), float(alt["lon"]),
                 feature_class=feature_class, feature_code=code, country_code=str(alt.get("country_code") or ""))


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


def correction_form(store: EventStore, entry_id: int, mentions: pd.DataFrame, corrections: pd.DataFrame,
                    lookup: Callable[[str], Sequence[Place]] = gazetteer_lookup) -> bool:
    """Widgets to correct one entry's places; True when the store was changed (the caller reruns)."""
    import streamlit as st

    from dashboard.store import StoreError

    ordered = mentions.sort_values("start", kind="stable").reset_index(drop=True)
    own = entry_corrections(corrections, entry_id)
    if ordered.empty and own.empty:
        return False
    prefix = f"fix-{entry_id}"
    with st.expander("Correct a place", expanded=False):
        changed = False
        if not ordered.empty:
            labels = [f"“{m.mention}” at {m.place_name} ({m.country_code})" for m in ordered.itertuples()]
            pick = st.selectbox("Mention", options=list(range(len(ordered))), key=f"{prefix}-mention",
                                format_func=labels.__getitem__)
            mention = ordered.iloc[int(pick)].to_dict()
            search = st.text_input("Search the gazetteer", key=f"{prefix}-search",
                                   placeholder=str(mention["mention"]),
                                   help="A name to look up when the right place is not among the candidates.")
            try:
                options = candidates(mention, search, lookup)
            except Exception as exc:  # the gazetteer index may be missing: the runner-ups still serve
                st.warning(f"The gazetteer could not be searched: {' '.join(str(exc).split())}")
                options = candidates(mention)
            by_id = {p.place_id: p for p in options}
            choice = st.selectbox("Place instead", options=[NOT_A_PLACE, *by_id], key=f"{prefix}-choice",
                                  format_func=lambda pid: "Not a place" if pid == NOT_A_PLACE
                                  else candidate_label(by_id[pid]))
            author = st.text_input("Your name", key="correction-author", max_chars=200)
            if st.button("Save the correction", key=f"{prefix}-save"):
                # Kept only by a mention's first correction: "from what" stays the geoparser's choice.
                was = Place(str(mention["place_id"]), str(mention["place_name"]), float(mention["lat"]),
                            float(mention["lon"]))
                try:
                    store.correct_mention(entry_id, int(mention["start"]), int(mention["end"]),
                                          str(mention["mention"]), by_id.get(choice), author=author, was=was)
                    changed = True
                except StoreError as exc:
                    st.error("The correction was not saved.")
                    st.code(str(exc), language=None, wrap_lines=True)  # verbatim: it may quote the blog
        if not own.empty:
            undo = st.selectbox("Corrected mention", options=list(range(len(own))), key=f"{prefix}-undo-pick",
                                format_func=lambda i: f"“{own.iloc[i]['mention']}”")
            if st.button("Undo the correction", key=f"{prefix}-undo"):
                c = own.iloc[int(undo)]
                store.remove_correction(entry_id, int(c["start"]), int(c["end"]), str(c["mention"]))
                changed = True
        return changed
