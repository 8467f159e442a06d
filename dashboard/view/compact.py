"""How a big store's map holds its mentions: compact, with their whole rows read for the entries shown.

Past `settings.text_in_store_entries()` entries, `dashboard.ui.loaders` holds the mentions (laid over and
on the clock) as `compact_mentions` makes them, and `MapData.read_mentions` reads the whole rows of the
entries shown; `mentions_of` gives those whichever way the mentions are held, and `with_text` the entries
with their bodies and captions whether or not they are held without them.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from dashboard.view.mapdata import MapData

# What a big store's map holds of each mention: what windows, filters, the review queue, the table's and
# the panel's place lists read. The rest (offsets' end aside, the event times, when and from what a
# mention was corrected or reviewed) is read for the entries shown (`mentions_of`).
COMPACT_COLUMNS = ("entry_id", "source_id", "time_utc", "start", "end", "mention", "place_id", "place_name", "lat",
                   "lon", "country_code", "feature_code", "is_area", "score", "corrected_by", "reviewed_by", "decision")
# Texts that repeat (a place's name, a reviewer): held as categories, one small code a mention.
_CATEGORY_COLUMNS = ("mention", "place_id", "place_name", "country_code", "feature_code", "corrected_by",
                     "reviewed_by", "decision")


def compact_mentions(mentions: pd.DataFrame) -> pd.DataFrame:
    """`mentions` (laid over and on the clock) as a big store's map holds them: `COMPACT_COLUMNS`, ids
    and offsets in 32 bits, repeated texts as categories (2.4 million mentions: 546 MB whole, about 150 MB
    so)."""
    columns = [c for c in COMPACT_COLUMNS if c in mentions]
    out = {}
    for column in columns:
        values = mentions[column]
        if column in _CATEGORY_COLUMNS:
            values = values.astype("category")
        elif column in ("entry_id", "source_id", "start", "end"):
            values = values.astype(np.int32)
        out[column] = values
    return pd.DataFrame(out, index=mentions.index)


def mentions_of(data: MapData, entry_ids: Collection[int]) -> pd.DataFrame:
    """The whole rows of `data.mentions` of these entries (in its order): read from the store, laid over
    and on the clock as `data`'s are, when `data` holds them compact."""
    wanted = {int(i) for i in entry_ids}
    held = data.mentions[data.mentions["entry_id"].isin(wanted)]
    if data.read_mentions is None:
        return held
    whole = data.read_mentions(sorted({int(i) for i in held["entry_id"]}))
    # The rows held are the ones shown (a filter may have left some out): the whole rows of those, matched
    # by entry and offsets, in the order held.
    keys = pd.MultiIndex.from_arrays([whole["entry_id"].astype(np.int64), whole["start"].astype(np.int64),
                                      whole["place_id"].astype(str)])
    at = keys.get_indexer(pd.MultiIndex.from_arrays([held["entry_id"].astype(np.int64),
                                                     held["start"].astype(np.int64), held["place_id"].astype(str)]))
    return whole.iloc[at[at >= 0]].set_axis(held.index[at >= 0])


def with_text(data: MapData, entries: pd.DataFrame) -> pd.DataFrame:
    """Rows of `data.entries` with their bodies and captions (read from the store when `data` holds
    the entries without them), in the same order and with the same index."""
    if data.read_text is None or entries.empty:
        return entries
    full = data.read_text(entries["entry_id"].astype(int).tolist()).set_index("entry_id")
    out = entries.copy()
    for column in ("body", "captions"):
        out[column] = full[column].reindex(out["entry_id"]).to_numpy()
    return out
