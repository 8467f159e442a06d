"""Filters over the entries and places shown: keyword, place, country, minimum resolution score.

They combine with each other and with the time window (the window is applied afterwards, by the
map's own slicing). The source filter is the blog picker: the app loads only the chosen sources.

Two kinds of filter:
- on entries: the keyword (every word given must appear in the headline, body or a caption, as a
  word or the start of one, ignoring case and accents), looked up in the store's word index
  (`EventStore.search`), one query at any size of store;
- on places: the place, the country and the minimum score keep the mentions that pass; an entry
  stays only while one of its places does.
The map, the entries table and the downloads are all built from what `apply` returns.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas as pd

from gazetteer.normalize import fold_words
from gazetteer.places import is_country_code

MAX_KEYWORD_CHARS = 200


@dataclass(frozen=True, slots=True)
class Filters:
    """What the analyst asked for. Empty / None / 0.0 means "no filter"."""

    keyword: str = ""
    place: str | None = None      # a place_id
    country: str | None = None    # an ISO 3166 alpha-2 code
    min_score: float = 0.0        # 0..1

    def __post_init__(self) -> None:
        object.__setattr__(self, "keyword", " ".join(str(self.keyword or "").split())[:MAX_KEYWORD_CHARS])
        object.__setattr__(self, "country", (self.country or "").strip().upper() or None)
        object.__setattr__(self, "place", (self.place or "").strip() or None)
        score = float(self.min_score or 0.0)
        if not math.isfinite(score) or not 0.0 <= score <= 1.0:
            raise ValueError(f"the minimum score must be between 0 and 1, not {self.min_score!r}")
        object.__setattr__(self, "min_score", score)

    @property
    def active(self) -> bool:
        return bool(self.keyword or self.place or self.country or self.min_score > 0)

    @property
    def on_places(self) -> bool:
        return bool(self.place or self.country or self.min_score > 0)


def keep_mentions(mentions: pd.DataFrame, filters: Filters) -> pd.Series:
    """Which mentions pass the place filters (a boolean Series over `mentions`)."""
    keep = pd.Series(True, index=mentions.index)
    if filters.place:
        keep &= mentions["place_id"] == filters.place
    if filters.country:
        keep &= mentions["country_code"].fillna("").str.upper() == filters.country
    if filters.min_score > 0:
        keep &= mentions["score"].fillna(-1.0) >= filters.min_score
    return keep


def apply(entries: pd.DataFrame, mentions: pd.DataFrame, filters: Filters,
          keyword_matches: Collection[int] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The entries and mentions that pass the filters (order kept). The keyword is looked up in the
    store's word index: `keyword_matches` is what `EventStore.search(filters.keyword)` found."""
    if not filters.active:
        return entries, mentions
    keep_entries = pd.Series(True, index=entries.index)
    if filters.keyword:
        if keyword_matches is None:
            raise ValueError("a keyword filter needs the entries the store's search found")
        keep_entries &= entries["entry_id"].isin(keyword_matches)
    mentions = mentions[mentions["entry_id"].isin(entries.loc[keep_entries, "entry_id"])]
    if filters.on_places:
        mentions = mentions[keep_mentions(mentions, filters)]
        keep_entries &= entries["entry_id"].isin(mentions["entry_id"])
    return entries[keep_entries], mentions


def place_options(mentions: pd.DataFrame) -> dict[str, str]:
    """place_id -> "Name (CC)" for every place named, sorted by name."""
    places = mentions.drop_duplicates("place_id")
    labels = {str(pid): f"{name} ({cc})" if cc else str(name)
              for pid, name, cc in zip(places["place_id"], places["place_name"], places["country_code"], strict=True)}
    return dict(sorted(labels.items(), key=lambda item: item[1].casefold()))


def matching_places(places: Mapping[str, str], query: str, limit: int,
                    chosen: str | None = None) -> tuple[dict[str, str], int]:
    """At most `limit` of `places` (place_id -> label, in their order) whose label holds each word of
    `query` as the start of one of its words, folded as place names are (case, accents, spellings);
    the chosen place is always among them, so that a filter set by a link or before a search stays
    listed. Also how many matched in all (an empty query matches every place)."""
    wanted = fold_words(query or "")
    if not wanted:  # the common case, at every rerun: no label is folded
        found, total = dict(itertools.islice(places.items(), limit)), len(places)
    else:
        found, total = {}, 0
        for place_id, label in places.items():
            words = fold_words(label)
            if all(any(word.startswith(w) for word in words) for w in wanted):
                total += 1
                if len(found) < limit:
                    found[place_id] = label
    if chosen is not None and chosen in places and chosen not in found:
        found[chosen] = places[chosen]
    return found, total


def country_options(mentions: pd.DataFrame) -> dict[str, str]:
    """ISO code -> "Syria (SY)" (the country's own name when a mention names the country), sorted."""
    # Each distinct code and kind asked once, not a text made per mention: a million entries' 2.4
    # million mentions made 200 MB of strings here, at the top of the server's first load.
    codes = sorted({str(c).upper() for c in pd.unique(mentions["country_code"].dropna()) if str(c)})
    kinds = mentions["feature_code"]
    named = mentions.loc[kinds.isin([k for k in pd.unique(kinds.dropna()) if is_country_code(str(k))]),
                         ["country_code", "place_name"]]
    names = dict(zip(named["country_code"].astype(str).str.upper(), named["place_name"].astype(str), strict=True))
    return {code: f"{names[code]} ({code})" if code in names else code for code in codes}
