"""The review queue, as data: the doubtful mentions of the chosen blogs grouped by their words, worst
first, with context lines and candidates; the decisions made (for undo); a review summary per blog.

A group is every mention of the same words (spacing and case folded: `corrections.words_key`); one
decision settles them all (`EventStore.decide`). The widgets are `dashboard.ui.review`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import corrections as trust
from dashboard.view import markup as H
from dashboard.view.panel import counted

# Groups listed in the queue at once (worst first); context lines shown for a group.
QUEUE_LIMIT = 50
CONTEXT_LINES = 3
CONTEXT_CHARS = 70


@dataclass(frozen=True)
class Group:
    """The mentions of one set of words, at least one of them doubtful."""

    words: str                      # the key (words_key)
    shown: str                      # as first written
    mentions: int
    entry_ids: tuple[int, ...]      # every entry of the chosen blogs whose mentions have these words
    place_id: str
    place_name: str
    country_code: str
    precision: str                  # precision label of the place most of them are at
    score: float                    # the least sure of them
    contexts: tuple[tuple[str, str, str], ...]  # a few lines around the words: (before, words, after)

    @property
    def label(self) -> str:
        """"“Jordan”: 4 mentions in 3 entries, placed at Jordan, JO (country or wider), check this 0.41"."""
        where = ", ".join(x for x in (self.place_name, self.country_code) if x)
        return (f"“{self.shown}”: {counted(self.mentions, 'mention', 'mentions')} in "
                f"{counted(len(self.entry_ids), 'entry', 'entries')}, placed at {where} ({self.precision}), "
                f"{trust.confidence_text(self.score)}")


def context_line(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[str, str, str]:
    """The words with some text either side, on one line: ("…convoys left", "Jordan", "for the north…")."""
    # Within the words' own paragraph (a headline, the body, a caption): never across the break.
    first = max(text.rfind("\n\n", 0, start) + 2, start - width, 0)
    stop = text.find("\n\n", end)
    last = min(len(text) if stop < 0 else stop, end + width)
    before = " ".join(text[first:start].split())
    after = " ".join(text[end:last].split())
    lead = "…" if first == start - width and first > 0 else ""
    tail = "…" if last == end + width and last < len(text) else ""
    return f"{lead}{before}", text[start:end], f"{after}{tail}"


def doubtful_groups(entries: pd.DataFrame, mentions: pd.DataFrame, limit: int = QUEUE_LIMIT,
                    with_text: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> list[Group]:
    """The groups of mentions (reviewed and corrected as laid over: `corrections.laid_over`) whose words
    have at least one doubtful placement, worst first (least sure, then most mentioned). `with_text`
    gives rows of `entries` their text when they are held without it (`compact.with_text`)."""
    if mentions.empty:
        return []
    # Worked out on codes and row numbers, never on a copy of the doubtful rows or a text per mention: so
    # a million entries' 2.4 million mentions took the first page 180 MB above what the server held.
    words_of_codes, word_of = _words_of(mentions["mention"])
    reviewed = (trust.named(mentions.get("reviewed_by", ""), missing=True)
                | trust.named(mentions.get("corrected_by", ""), missing=True))
    scores = mentions["score"].to_numpy(dtype=float)
    # Asked once per distinct score (a few hundred), not once per mention (a million in a big store).
    distinct = np.unique(scores[~np.isnan(scores)])
    doubtful_scores = distinct[np.array([trust.is_doubtful(s) for s in distinct], dtype=bool)]
    doubt = np.where(np.isnan(scores), trust.is_doubtful(None), np.isin(scores, doubtful_scores)) & ~reviewed
    rows = np.flatnonzero(doubt)  # the doubtful mentions' rows, in the mentions' order
    if not len(rows):
        return []
    worst = pd.DataFrame({"words": word_of[rows], "score": scores[rows]}).groupby("words", sort=False).agg(
        score=("score", "min"), n=("score", "size"))
    worst = worst.assign(score=worst["score"].fillna(-1.0)).sort_values(["score", "n"], ascending=[True, False])
    chosen = worst.index[:limit].to_numpy()
    own_rows = _rows_by_code(rows, word_of[rows], chosen)  # each chosen group's doubtful mentions
    picked = np.flatnonzero(np.isin(word_of, chosen))
    every_rows = _rows_by_code(picked, word_of[picked], chosen)  # and all of its mentions
    entry_ids = mentions["entry_id"]
    context_ids = {int(e) for code in chosen.tolist()
                   for e in entry_ids.iloc[own_rows[code]].drop_duplicates().head(CONTEXT_LINES)}
    shown = entries[entries["entry_id"].isin(context_ids)]
    shown = with_text(shown) if with_text is not None else shown
    texts = {int(e): trust.entry_text(row) for e, row in zip(shown["entry_id"], shown.to_dict("records"),
                                                              strict=True)}
    groups = []
    for code in chosen.tolist():
        words = words_of_codes[code]
        own = mentions.iloc[own_rows[code]]
        every = mentions.iloc[every_rows[code]]
        top = own["place_id"].value_counts().index[0]
        at = own[own["place_id"] == top].iloc[0]
        contexts = []
        for m in own.drop_duplicates("entry_id").head(CONTEXT_LINES).itertuples(index=False):
            text = texts.get(int(m.entry_id), "")
            if text:
                contexts.append(context_line(text, int(m.start), int(m.end)))
        score = own["score"].min()
        groups.append(Group(
            words=str(words), shown=str(own["mention"].iloc[0]), mentions=len(own),
            entry_ids=tuple(sorted({int(e) for e in every["entry_id"]})), place_id=str(top),
            place_name=str(at["place_name"]), country_code=str(at["country_code"]),
            precision=trust.precision_label(str(at["feature_code"]), "A" if bool(at["is_area"]) else ""),
            score=float(score) if pd.notna(score) else float("nan"), contexts=tuple(contexts)))
    return groups


def _rows_by_code(rows: np.ndarray, codes: np.ndarray, wanted: np.ndarray) -> dict[int, np.ndarray]:
    """`rows` grouped by their `codes`, for the `wanted` codes (each keeps its rows' order)."""
    groups = pd.Series(rows).groupby(codes, sort=False).indices
    return {int(code): rows[groups[code]] for code in wanted.tolist()}


def _words_of(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The distinct words of the mentions (`trust.words_key`, asked once per distinct text) and each
    mention's code into them."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, texts = column.cat.codes.to_numpy(), column.cat.categories.to_numpy(dtype=object)
        # A missing text (code -1; the store holds none) reads as the texts' own would: "nan".
        codes, texts = np.where(codes < 0, len(texts), codes), np.append(texts, np.nan)
    else:
        codes, texts = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=False)
    keys, words = pd.factorize(pd.Index([trust.words_key(text) for text in texts], dtype=object))
    return np.asarray(words, dtype=object), keys[codes]


def group_mentions(mentions: pd.DataFrame, group: Group) -> pd.DataFrame:
    """The group's mentions (their runner-ups are the group's candidates)."""
    keys = mentions["mention"].map(trust.words_key)
    return mentions[keys == group.words]


def group_html(group: Group) -> str:
    """The group's context lines, escaped, the words in bold."""
    lines = [f"<li>{H.text(before)} <b>{H.text(words)}</b> {H.text(after)}</li>"
             for before, words, after in group.contexts]
    return ('<ul class="lbm-review-context" style="font-size:0.85rem;color:#333;margin:0.2rem 0 0.5rem">'
            f"{''.join(lines)}</ul>")


# --------------------------------------------------------------------------------------------------
# Decisions made, for undo.
# --------------------------------------------------------------------------------------------------

ACTION_WORDS = {trust.CONFIRM: "confirmed", trust.CHOOSE: "placed at", trust.NOT_PLACE: "not a place",
                trust.ADD: "added at"}


def decision_batches(decisions: pd.DataFrame) -> list[tuple[str, str]]:
    """One (batch, plain-text line) per decision made, newest first: "“Jordan” not a place (this blog,
    2 entries), by Ana, 13 Dec 2024 10:00 UTC"."""
    if decisions.empty:
        return []
    out = []
    ordered = decisions.sort_values("created_at", ascending=False, kind="stable")
    for batch, rows in ordered.groupby("batch", sort=False):
        d = rows.iloc[0]
        what = ACTION_WORDS.get(str(d["action"]), str(d["action"]))
        if d["action"] in (trust.CHOOSE, trust.ADD):
            what += " " + ", ".join(x for x in (str(d["place_name"] or ""), str(d["country_code"] or "")) if x)
        scope = "all blogs" if d["scope"] == "all" else f"this blog, {counted(len(rows), 'entry', 'entries')}"
        when = pd.Timestamp(d["created_at"]).strftime("%d %b %Y %H:%M UTC")
        out.append((str(batch), f"“{d['words']}” {what} ({scope}), by {d['author']}, {when}"))
    return out


# --------------------------------------------------------------------------------------------------
# The review summary per blog.
# --------------------------------------------------------------------------------------------------

SUMMARY_COLUMNS = ("source_id", "markers", "mentions", "doubtful", "reviewed", "corrected")


def review_summary(stored: Mapping[int, int], laid: pd.DataFrame) -> pd.DataFrame:
    """Per blog: markers (distinct places shown), mentions shown, doubtful, reviewed (by a person:
    confirmed, chosen or added) and corrected (moved one by one or by a decision, or left out as not a
    place). `stored` is how many placed mentions the store holds per blog (`EventStore.summary`),
    `laid` the mentions with corrections and decisions laid over (`corrections.laid_over`)."""
    rows = []
    # Only the columns counted, and whether each score is doubtful asked once per distinct score: a big
    # store's mentions are millions of rows, and a copy of all their columns per blog weighed 400 MB.
    laid = laid[[c for c in ("source_id", "place_id", "score", "reviewed_by", "corrected_by", "decision") if c in laid]]
    doubt_at = {s: trust.is_doubtful(s) for s in laid["score"].dropna().unique()}
    low = laid["score"].map(doubt_at).fillna(trust.is_doubtful(None)).astype(bool)
    for source_id in sorted({*map(int, stored), *map(int, laid["source_id"])}):
        mine = laid[laid["source_id"] == source_id]
        blank = pd.Series("", index=mine.index)
        reviewed = pd.Series(trust.named(mine.get("reviewed_by", blank), missing=True), index=mine.index)
        moved = pd.Series(trust.named(mine.get("corrected_by", blank), missing=True), index=mine.index)
        added = int((mine.get("decision", blank) == trust.ADD).sum())
        left_out = int(stored.get(source_id, 0)) - (len(mine) - added)
        doubtful = int((low[mine.index] & ~(reviewed | moved)).sum())
        rows.append((source_id, int(mine["place_id"].nunique()), len(mine), int(doubtful),
                     int((reviewed | moved).sum()), int((moved & (mine.get("decision", blank) != trust.ADD)).sum())
                     + max(0, left_out)))
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def summary_line(row: Mapping, name: str = "") -> str:
    """"blog: 12 markers, 3 doubtful, 4 reviewed, 2 corrected" (plain text)."""
    lead = f"{name}: " if name else ""
    return (f"{lead}{counted(int(row['markers']), 'marker', 'markers')}, {int(row['doubtful']):,} doubtful, "
            f"{int(row['reviewed']):,} reviewed, {int(row['corrected']):,} corrected")
