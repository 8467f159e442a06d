"""Analysts' corrections and review decisions of places, and how sure each placement is.

Corrections fix one mention: another candidate, or "not a place". The store keeps each under the
mention's lasting identity (source, entry, offsets and words; see `EventStore.correct_mention`), with
who made it and when. Review decisions settle every mention of the same words at once, in one blog
(kept per entry: source, entry identity, words) or in all blogs (kept by the words alone): confirm
the place, choose another, pin a point, or "not a place"; a place the geoparser missed is added the
same way (`EventStore.decide`, `EventStore.add_mention`). Both are laid over the store's mentions
(`apply`, then `apply_decisions`; `laid_over` does both), so the map, the entries table and the
exports all read the reviewed places. The entry panel tells what was corrected and from what
(`dashboard.view.panel.notes_html`); the forms are `dashboard.ui.corrections` and `dashboard.ui.review`.

How sure a placement is has one home here: the confidence words (`confidence_words`, one threshold
`DOUBT_BELOW`) and the precision class of a place (`precision_class`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dashboard.model import REPORT_TIME, Caption, Entry
from gazetteer.places import Place, is_area_kind, is_country_code

if TYPE_CHECKING:
    from dashboard.store import EventStore

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
    # A shallow copy: pandas copies a column of it on write (copy-on-write), so `mentions` stays as it
    # is and a big store's mentions are not held twice while they are laid over.
    out = mentions.copy(deep=False)
    out["corrected_from"] = ""
    out["corrected_by"] = ""
    out["corrected_at"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns, UTC]")
    if out.empty or corrections.empty:
        return out
    out = _taking(out, {column: corrections[column] for column in PLACE_COLUMNS})
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


def _taking(mentions: pd.DataFrame, values: Mapping[str, Sequence]) -> pd.DataFrame:
    """`mentions` whose category columns (a big store's map reads repeated texts as categories) take
    `values` too: a cell set to a text that is not one of its column's categories would fail."""
    for column, new in values.items():
        if column in mentions and isinstance(mentions[column].dtype, pd.CategoricalDtype):
            given = pd.Index(pd.Series(list(new), dtype=object).dropna().astype(str).unique())
            missing = given.difference(mentions[column].cat.categories)
            if len(missing):
                mentions[column] = mentions[column].cat.add_categories(missing)
    return mentions


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
# How sure a placement is: confidence in words, and the precision of the place.
# --------------------------------------------------------------------------------------------------

# Below this confidence (the geoparser's probability that a placement is right) a marker is doubtful
# and its words go to the review queue. Chosen by eye on the geoparser's scores for now; to be chosen
# again from the geoparser's calibration (the score at which placements are right often enough).
DOUBT_BELOW = 0.6
LIKELY, CHECK, UNSCORED, REVIEWED = "likely", "check this", "not scored", "reviewed"


def confidence(score: object) -> float | None:
    """A score as a probability in [0, 1], or None when it is missing or on another scale."""
    try:
        value = float(score)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and 0.0 <= value <= 1.0 else None


def is_doubtful(score: object, reviewed: bool = False) -> bool:
    """Whether a placement needs a person's look: not reviewed, and less sure than DOUBT_BELOW."""
    value = confidence(score)
    return not reviewed and (value is None or value < DOUBT_BELOW)


def confidence_words(score: object, reviewed: bool = False) -> str:
    """"likely", "check this", "reviewed" (a person confirmed or chose it) or "not scored"."""
    if reviewed:
        return REVIEWED
    value = confidence(score)
    if value is None:
        return UNSCORED
    return LIKELY if value >= DOUBT_BELOW else CHECK


def confidence_text(score: object, reviewed: bool = False) -> str:
    """Words and number: "likely 0.82", "check this 0.41", "reviewed 0.41", "not scored"."""
    value = confidence(score)
    words = confidence_words(score, reviewed)
    return words if value is None else f"{words} {value:.2f}"


# Precision classes in the spirit of ACLED's geo-precision codes, finest first (the export's values).
SITE, TOWN, REGION, WIDE = "site", "town", "region", "country or wider"
PRECISION_LABELS = {SITE: "exact site", TOWN: "town", REGION: "district or region", WIDE: "country or wider"}
# GeoNames codes wider than a country's parts: continents, oceans and seas, large regions, territories.
_WIDER_CODES = frozenset({"CONT", "OCN", "SEA", "RGN", "TERR", "GULF"})


@lru_cache(maxsize=512)
def precision_class(feature_code: str, feature_class: str = "") -> str:
    """How precisely a place pins an event, from its GeoNames feature code (and class when known):
    SITE (a building, a crossing, a pinned point), TOWN (a populated place, a street), REGION (a district,
    province, lake, valley...) or WIDE (a country or wider)."""
    code, cls = str(feature_code or "").upper(), str(feature_class or "").upper()
    if is_country_code(code) or code in _WIDER_CODES:
        return WIDE
    # A street is as precise as a town: the geoparser places a street the gazetteer lacks at its
    # town's point, and a street the gazetteer has runs for a kilometre or more.
    if cls == "P" or code.startswith("PPL") or code == "ST":
        return TOWN
    if code.startswith("ADM") or cls in ("A", "L") or is_area_kind(cls, code):
        return REGION
    return SITE


def precision_label(feature_code: str, feature_class: str = "") -> str:
    """The precision class as the app says it: "exact site", "town", "district or region"..."""
    return PRECISION_LABELS[precision_class(feature_code, feature_class)]


def geonameid_of(place_id: object) -> int | None:
    """The GeoNames id in a place id ("gn:<geonameid>"), None for places of other sources."""
    text = str(place_id or "")
    return int(text[3:]) if text.startswith("gn:") and text[3:].isdigit() else None


def named(column: pd.Series | str, missing: bool) -> np.ndarray:
    """Where a text column (a reviewer, a corrector) names someone: not "", and `missing` where it is
    missing. A categorical column is asked once per category, not once per row: as texts, a big store's
    2.4 million mentions took the review queue and the map's markers hundreds of MB at each ask."""
    if isinstance(column, str):  # a column the mentions do not have, given as its default
        return np.asarray(column != "")
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        per_category = np.append(column.cat.categories.astype(str).to_numpy() != "", missing)
        return per_category[codes]  # code -1 (missing) reads the last
    texts = column.astype(str) if missing else column.fillna("").astype(str)
    return (texts != "").to_numpy()


def words_key(text: object) -> str:
    """The words of a mention as review groups and decisions match them: spacing and case folded."""
    return " ".join(str(text).split()).casefold()


def pinned_place(name: str, lat: float, lon: float) -> Place:
    """A point an analyst pinned on the map or typed, for a place the gazetteer lacks."""
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"({lat}, {lon}) is not a point on Earth: latitude -90..90, longitude -180..180")
    return Place(f"pin:{lat:.5f},{lon:.5f}", " ".join(name.split()) or "Pinned point", lat, lon,
                 feature_class="", feature_code="", source="pinned")


def parse_point(text: str) -> tuple[float, float]:
    """"33.51, 36.29" (or "33.51 36.29") as (lat, lon); ValueError with a one-line reason."""
    parts = text.replace(",", " ").split()
    if len(parts) != 2:
        raise ValueError("type the latitude and longitude as two numbers, e.g. 33.51, 36.29")
    lat, lon = float(parts[0]), float(parts[1])
    pinned_place("", lat, lon)  # checks the range
    return lat, lon


def entry_text(row: Mapping) -> str:
    """The geoparsed text of a stored entry (what mention offsets index), from an entries row."""
    captions = tuple(Caption(str(c.get("text", "")), str(c.get("credit", "") or ""))
                     for c in (row.get("captions") or []) if isinstance(c, Mapping))
    return Entry(time_utc=datetime.now(UTC), time_given="", headline=str(row.get("headline") or ""),
                 body=str(row.get("body") or ""), captions=captions).text


# --------------------------------------------------------------------------------------------------
# Review decisions laid over the mentions.
# --------------------------------------------------------------------------------------------------

CONFIRM, CHOOSE, NOT_PLACE, ADD = "confirm", "place", "not-a-place", "add"
ACTIONS = (CONFIRM, CHOOSE, NOT_PLACE, ADD)


def _place_values(d: Mapping) -> dict:
    area = is_area_kind(str(d.get("feature_class") or ""), str(d.get("feature_code") or ""))
    return {"place_id": d["place_id"], "place_name": d["place_name"], "lat": float(d["lat"]),
            "lon": float(d["lon"]), "country_code": d["country_code"], "feature_code": d["feature_code"],
            "is_area": bool(area)}


def apply_decisions(mentions: pd.DataFrame, decisions: pd.DataFrame, entries: pd.DataFrame) -> pd.DataFrame:
    """The mentions (after `apply`) with the review decisions laid over them.

    A mention takes the decision made for its words in its entry's blog, else the one made for its
    words in all blogs; a mention corrected one by one keeps its correction. "confirm" keeps the
    place and marks it reviewed; "place" moves it (score 1.0: a person chose it); "not a place"
    leaves it out. Added mentions ("add") become mentions of their entry. Added columns:
    `reviewed_by`, `reviewed_at` ("" / NaT when not reviewed), `decision` (the action, or "").
    """
    out = mentions.copy(deep=False)  # copy-on-write, as in `apply`
    if "corrected_by" not in out:
        out = apply(out, pd.DataFrame())
    out["reviewed_by"] = ""
    out["reviewed_at"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns, UTC]")
    out["decision"] = ""
    if decisions is None or decisions.empty:
        return out
    records = decisions.to_dict("records")
    in_blog = {(int(d["entry_id"]), str(d["words"])): d for d in records if d["scope"] == "blog" and d["action"] != ADD}
    everywhere = {str(d["words"]): d for d in records if d["scope"] == "all" and d["action"] != ADD}
    if not out.empty and (in_blog or everywhere):
        chosen = [_place_values(d) for d in [*in_blog.values(), *everywhere.values()] if d["action"] == CHOOSE]
        out = _taking(out, {column: [v[column] for v in chosen] for column in PLACE_COLUMNS})
        keys = {m: words_key(m) for m in out["mention"].unique()}
        dropped: list[int] = []
        for index, entry_id, mention, corrected in zip(out.index, out["entry_id"], out["mention"],
                                                       out["corrected_by"], strict=True):
            if corrected:
                continue  # a one-by-one correction is the more specific decision
            words = keys[mention]
            d = in_blog.get((int(entry_id), words)) or everywhere.get(words)
            if d is None:
                continue
            if d["action"] == NOT_PLACE:
                dropped.append(index)
                continue
            if d["action"] == CHOOSE:
                out.at[index, "corrected_from"] = str(out.at[index, "place_name"])
                for column, value in _place_values(d).items():
                    out.at[index, column] = value
                out.at[index, "score"] = 1.0
                out.at[index, "corrected_by"] = d["author"]
                out.at[index, "corrected_at"] = d["created_at"]
            out.at[index, "reviewed_by"] = d["author"]
            out.at[index, "reviewed_at"] = d["created_at"]
            out.at[index, "decision"] = d["action"]
        out = out.drop(index=dropped)
    added = _added_mentions([d for d in records if d["action"] == ADD], out, entries)
    if not added.empty:
        out = pd.concat([out, added[out.columns]], ignore_index=True)
        out = out.sort_values(["time_utc", "entry_id", "start"], kind="stable")
    return out.reset_index(drop=True)


def _added_mentions(adds: list[dict], mentions: pd.DataFrame, entries: pd.DataFrame) -> pd.DataFrame:
    """Mentions an analyst added, where their words still are in their entry and no mention is there."""
    if not adds or entries.empty:
        return pd.DataFrame()
    by_id = entries.set_index("entry_id")
    taken = set(zip(mentions["entry_id"].astype(int), mentions["start"].astype(int), strict=True))
    rows = []
    for d in adds:
        entry_id = int(d["entry_id"])
        if entry_id not in by_id.index:
            continue
        entry = by_id.loc[entry_id]
        text = entry_text(entry)
        start, end = int(d["start"]), int(d["end"])
        if words_key(text[start:end]) != d["words"]:
            # The entry was edited: the words moved. Found again by their first occurrence.
            found = text.casefold().find(str(d["words"]))
            if found < 0:
                continue
            start, end = found, found + len(str(d["words"]))
        if (entry_id, start) in taken:
            continue
        rows.append({"entry_id": entry_id, "source_id": int(entry["source_id"]), "time_utc": entry["time_utc"],
                     "position": 100_000 + len(rows), "start": start, "end": end, "mention": text[start:end],
                     **_place_values(d), "score": 1.0, "corrected_from": "", "corrected_by": d["author"],
                     "corrected_at": d["created_at"], "reviewed_by": d["author"], "reviewed_at": d["created_at"],
                     "decision": ADD,
                     # An added place happened when its entry reported it: the rules that date events
                     # run at ingest, over the geoparser's mentions.
                     "event_start": entry["time_utc"], "event_end": entry["time_utc"], "event_precision": REPORT_TIME,
                     "event_words": "", "event_expected": False})
    frame = pd.DataFrame(rows)
    if not frame.empty:
        for column in ("corrected_at", "reviewed_at", "time_utc", "event_start", "event_end"):
            frame[column] = pd.to_datetime(frame[column], utc=True).astype("datetime64[ns, UTC]")
    return frame


def laid_over(store: EventStore, source_ids: Sequence[int] | None = None,
              entries: pd.DataFrame | None = None, mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The store's mentions of the sources (or `mentions`, some of them as the store gives them) with
    every correction and review decision applied."""
    if entries is None:
        entries = store.entries(source_ids)
    if mentions is None:
        mentions = store.mentions(source_ids)
    mentions = apply(mentions, store.corrections(source_ids))
    return apply_decisions(mentions, store.decisions(source_ids), entries)


# --------------------------------------------------------------------------------------------------
# Movements laid over the mentions: a path's ends follow their mentions' corrections and filters.
# --------------------------------------------------------------------------------------------------

PATH_END_COLUMNS = ("place_id", "place_name", "lat", "lon", "country_code")
LAID_PATH_COLUMNS = ("entry_id", "source_id", "time_utc", "position", "words",
                     *(f"from_{c}" for c in PATH_END_COLUMNS), *(f"to_{c}" for c in PATH_END_COLUMNS))


def paths_laid_over(paths: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """The paths (`EventStore.paths`) whose two ends are among `mentions` (corrected, and filtered as
    the map's are), with the places those ends have there; sorted by time, entry and position. A path
    whose end is "not a place", or filtered out, is left out; so is one whose ends became one place.
    A path is at the time of its origin's mention: its entry's, or on the timeline's "happened" clock
    (`dashboard.view.clock`) when the movement happened."""
    if paths.empty or mentions.empty:
        return pd.DataFrame(columns=list(LAID_PATH_COLUMNS))
    ends = mentions[["entry_id", "start", "time_utc", *PATH_END_COLUMNS]].drop_duplicates(["entry_id", "start"])
    out = paths[["entry_id", "source_id", "position", "words", "from_start", "to_start"]]
    for side in ("from", "to"):
        renamed = ends.rename(columns={"start": f"{side}_start", "time_utc": f"{side}_time",
                                       **{c: f"{side}_{c}" for c in PATH_END_COLUMNS}})
        out = out.merge(renamed, on=["entry_id", f"{side}_start"], how="inner")
    out = out[out["from_place_id"] != out["to_place_id"]].rename(columns={"from_time": "time_utc"})
    return out.sort_values(["time_utc", "entry_id", "position"], kind="stable", ignore_index=True)[
        list(LAID_PATH_COLUMNS)]
