"""The entry panel: one entry in full, its places highlighted, and how each place was resolved.

Plain functions over the store's rows (pandas Series / DataFrames) that return HTML built only
through `dashboard.view.markup`, so every piece of blog text arrives escaped.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import timedelta

import numpy as np
import pandas as pd

from dashboard import corrections as trust
from dashboard.model import REPORT_TIME, Caption, Entry
from dashboard.view import markup as H

RUNNERS_UP = 3

PANEL_CSS = """
<style>
.lbm-entry h3 { margin: 0.2rem 0 0.6rem; line-height: 1.3; }
.lbm-entry p { margin: 0 0 0.8rem; line-height: 1.55; }
.lbm-entry mark { background: #ffe08a; padding: 0 2px; border-radius: 2px; }
.lbm-entry mark.lbm-chosen { background: #f7b0a8; outline: 1px solid #b3261e; }
.lbm-meta { color: #555; font-size: 0.9rem; margin-bottom: 0.3rem; }
.lbm-caption { margin: 0 0 0.8rem; padding-left: 0.7rem; border-left: 3px solid #ddd; color: #333; }
.lbm-credit { color: #777; font-size: 0.85rem; margin-left: 0.4rem; }
.lbm-latest { list-style: none; padding: 0; margin: 0; }
.lbm-latest li { margin: 0 0 0.5rem; line-height: 1.4; }
.lbm-new { display: inline-block; margin-right: 0.3rem; padding: 0 0.35rem; border-radius: 0.6rem;
  background: #1d5fa6; color: #fff; font-size: 0.75rem; font-weight: 700; line-height: 1.3rem; }
.lbm-time { color: #b3261e; font-weight: 600; font-variant-numeric: tabular-nums; }
.lbm-resolved { border-collapse: collapse; font-size: 0.85rem; width: 100%; }
.lbm-resolved th, .lbm-resolved td { border-bottom: 1px solid #e5e5e5; padding: 3px 6px; text-align: left;
  vertical-align: top; }
.lbm-when { list-style: none; padding: 0 0 0 0.7rem; margin: 0 0 0.8rem; border-left: 3px solid #6b8fb3;
  color: #333; font-size: 0.9rem; }
.lbm-when li { margin: 0 0 0.2rem; }
</style>
"""


def entry_of(row: pd.Series) -> Entry:
    """The store's row as the shared `Entry` value object (its `text` is what mentions index)."""
    captions = tuple(Caption(str(c.get("text", "")), str(c.get("credit", "") or ""))
                     for c in (row.get("captions") or []))
    return Entry(time_utc=pd.Timestamp(row["time_utc"]).to_pydatetime(),
                 time_given=str(row.get("time_given") or ""), headline=str(row.get("headline") or ""),
                 body=str(row.get("body") or ""), captions=captions,
                 is_lead=bool(row.get("is_lead", False)), is_timed=bool(row.get("is_timed", True)),
                 url=str(row.get("url") or ""))


def text_parts(entry: Entry) -> list[tuple[str, int, str, str]] | None:
    """The pieces of `entry.text` with their offsets: (kind, start, text, credit).

    None when the pieces do not add up to `entry.text` (its joining rule changed): the caller then
    shows the text as one block, still highlighted correctly.
    """
    pieces = [("headline", entry.headline, ""), ("body", entry.body, "")]
    pieces += [("caption", c.text, c.credit) for c in entry.captions]
    parts, offset = [], 0
    for kind, value, credit in pieces:
        if not value:
            continue
        parts.append((kind, offset, value, credit))
        offset += len(value) + 2
    if "\n\n".join(p[2] for p in parts) != entry.text:
        return None
    return parts


def _spans(mentions: pd.DataFrame, start: int, end: int, chosen: str | None) -> list[H.Span]:
    spans = []
    for m in mentions.itertuples(index=False):
        if start <= m.start and m.end <= end:
            where = ", ".join(x for x in (str(m.place_name), str(m.country_code)) if x)
            when = event_text(m)
            where = f"{where} · {when}" if when else where
            is_chosen = bool(chosen) and m.place_id == chosen
            spans.append(H.Span(int(m.start) - start, int(m.end) - start, where,
                                "lbm-chosen" if is_chosen else ""))
    return spans


def time_line(row: pd.Series) -> str:
    """When the entry was written, in UTC and as the blog wrote it."""
    moment = pd.Timestamp(row["time_utc"])
    when = f"{moment.strftime('%H:%M')} UTC, {moment.strftime('%a')} {moment.day} {moment.strftime('%b %Y')}"
    notes = []
    given = str(row.get("time_given") or "")
    if given:
        notes.append(f"written “{given}”")
    if bool(row.get("is_lead", False)):
        notes.append("the blog's lead")
    if not bool(row.get("is_timed", True)):
        notes.append("no time of its own (placed by its neighbours)")
    return " · ".join([when, *notes])


def entry_html(row: pd.Series, mentions: pd.DataFrame, source: Mapping | None = None,
               chosen_place: str | None = None) -> str:
    """The entry in full: time, headline, text and captions with place names marked, the source."""
    entry = entry_of(row)
    mentions = mentions.sort_values("start", kind="stable") if not mentions.empty else mentions
    out = ['<div class="lbm-entry">', f'<div class="lbm-meta">{H.text(time_line(row))}</div>']
    parts = text_parts(entry)
    if parts is None:
        out.append(f"<p>{H.highlight(entry.text, _spans(mentions, 0, len(entry.text), chosen_place))}</p>")
    else:
        if not entry.headline:
            out.append("<h3>(no headline)</h3>")
        for kind, start, value, credit in parts:
            marked = H.highlight(value, _spans(mentions, start, start + len(value), chosen_place))
            if kind == "headline":
                out.append(f"<h3>{marked}</h3>")
            elif kind == "body":
                out.append(f"<p>{marked}</p>")
            else:
                credit_html = f'<span class="lbm-credit">{H.text(credit)}</span>' if credit else ""
                out.append(f'<p class="lbm-caption">{marked}{credit_html}</p>')
    # Credits are not part of the geoparsed text, so captions without text still show their credit.
    for caption in entry.captions:
        if not caption.text and caption.credit:
            out.append(f'<p class="lbm-caption"><span class="lbm-credit">{H.text(caption.credit)}</span></p>')
    out.append(when_html(mentions))
    out.append(f'<div class="lbm-meta">{source_line(row, source)}</div>')
    out.append("</div>")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------
# When the events the entry tells of happened, where the text dates them apart from the report.
# --------------------------------------------------------------------------------------------------

_PART_WORDS = re.compile(r"\b(morning|afternoon|evening|night|overnight|tonight)\b", re.IGNORECASE)
_PART_OF_WORD = {"overnight": "overnight", "tonight": "night"}
# An interval that starts and ends at midnight in the blog's zone is at most 14 hours from midnight
# UTC; moved half a day inwards, both ends fall on the right dates in UTC, whatever the zone.
_INWARDS = timedelta(hours=12)


def _day(moment: pd.Timestamp) -> str:
    return f"{moment.strftime('%a')} {moment.day} {moment.strftime('%b')}"


def _part_of_day(words: str, start: pd.Timestamp, end: pd.Timestamp) -> str:
    named = _PART_WORDS.search(words)
    if named:
        word = named.group(1).lower()
        return _PART_OF_WORD.get(word, word)
    hour = (start + (end - start) / 2).hour
    return "night" if hour < 5 or hour >= 21 else "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"


def when_words(start: object, end: object, precision: str, words: str = "") -> str:
    """An event's interval as the panel says it: "Sun 8 Dec, morning", "Sat 7 Dec – Sun 8 Dec",
    "Sun 8 Dec, 02:00 UTC", "December 2024". Clock times are in UTC, as the panel's other times."""
    first, last = pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC")
    middle = first + (last - first) / 2
    if precision == "minute":
        return f"{_day(first)}, {first.strftime('%H:%M')} UTC"
    if precision == "hour":
        return f"{_day(middle)}, about {middle.strftime('%H:%M')} UTC"
    if precision == "part of day":
        return f"{_day(middle)}, {_part_of_day(words, first, last)}"
    inner_first, inner_last = (first + _INWARDS, last - _INWARDS) if last - first > 2 * _INWARDS else (middle, middle)
    if precision == "month":
        if (inner_first.year, inner_first.month) == (inner_last.year, inner_last.month):
            return inner_first.strftime("%B %Y")
        return f"{inner_first.strftime('%B %Y')} – {inner_last.strftime('%B %Y')}"
    if precision == "year":
        years = sorted({inner_first.year, inner_last.year})
        return " – ".join(str(y) for y in years)
    if inner_first.date() == inner_last.date():
        return _day(inner_first)
    return f"{_day(inner_first)} – {_day(inner_last)}"


def event_text(mention: object) -> str:
    """"happened Sun 8 Dec, morning – from ‘on Sunday morning’" or "expected Tue 10 Dec – from
    ‘on Tuesday’" for a mention (a row of the mentions frame) the text dates apart from its report;
    "" for one at its report time (or read before event times were stored)."""
    precision = str(getattr(mention, "event_precision", REPORT_TIME) or REPORT_TIME)
    start = getattr(mention, "event_start", None)
    if precision == REPORT_TIME or start is None or pd.isna(start):
        return ""
    words = " ".join(str(getattr(mention, "event_words", "") or "").split())
    verb = "expected" if bool(getattr(mention, "event_expected", False)) else "happened"
    said = f" – from ‘{words}’" if words else ""
    return f"{verb} {when_words(start, getattr(mention, 'event_end', start), precision, words)}{said}"


def when_lines(mentions: pd.DataFrame) -> list[str]:
    """Plain lines, one per event time the entry gives its places, with the places it dates, in
    text order: "Homs, Tartus: happened Fri 2 May, morning – from ‘on Friday morning’"."""
    if mentions.empty or "event_precision" not in mentions:
        return []
    said: dict[str, list[str]] = {}
    for m in mentions.sort_values("start", kind="stable").itertuples(index=False):
        text = event_text(m)
        if text:
            names = said.setdefault(text, [])
            if str(m.place_name) not in names:
                names.append(str(m.place_name))
    return [f"{', '.join(names)}: {text}" for text, names in said.items()]


def when_html(mentions: pd.DataFrame) -> str:
    """The panel's list of when the entry's events happened (escaped; empty when all are at the report)."""
    lines = when_lines(mentions)
    if not lines:
        return ""
    return f'<ul class="lbm-when">{"".join(f"<li>{H.text(line)}</li>" for line in lines)}</ul>'


def source_line(row: pd.Series, source: Mapping | None) -> str:
    """"Source: name (title)", linked when the source has an http(s) address; the entry's own link."""
    name = str((source or {}).get("name") or row.get("source") or "")
    title = str((source or {}).get("title") or "")
    label = f"{name}: {title}" if title and title != name else name
    parts = [f"Source: {H.link(label, (source or {}).get('url'))}"]
    if H.safe_url(row.get("url")):
        parts.append(H.link("this entry", row.get("url")))
    return " · ".join(parts)


def _place(name: object, country: object, feature: object) -> str:
    where = ", ".join(str(x) for x in (name, country) if x)
    return f"{where} ({feature})" if feature else where


def _score(value: object) -> str:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return "" if pd.isna(number) else f"{number:.2f}"


def resolution_rows(mentions: pd.DataFrame, runners_up: int = RUNNERS_UP) -> list[list[str]]:
    """One row per mention: the words, the place chosen, its precision, where, its confidence (words
    and number), the best other candidates on the same scale. A runner-up that is the chosen place
    (as after a correction to a runner-up) is not listed again."""
    rows = []
    for m in mentions.sort_values("start", kind="stable").itertuples(index=False):
        reviewed = bool(str(getattr(m, "reviewed_by", "") or "") or str(getattr(m, "corrected_by", "") or ""))
        others = []
        for alt in list(getattr(m, "alternatives", None) or []):
            if str(alt.get("place_id") or "") == str(m.place_id) or len(others) >= runners_up:
                continue
            others.append(f"{_place(alt.get('name'), alt.get('country_code'), alt.get('feature_code'))} "
                          f"{trust.confidence_text(alt.get('score'))}".strip())
        rows.append([str(m.mention), _place(m.place_name, m.country_code, m.feature_code),
                     trust.precision_label(str(m.feature_code), "A" if bool(getattr(m, "is_area", False)) else ""),
                     f"{float(m.lat):.3f}, {float(m.lon):.3f}", trust.confidence_text(m.score, reviewed),
                     "; ".join(others) or "none"])
    return rows


def resolution_html(mentions: pd.DataFrame) -> str:
    """How each place of the entry was resolved, as a table."""
    if mentions.empty:
        return '<p class="lbm-meta">No place in this entry was placed on the map.</p>'
    return H.table(["Words", "Place", "Precision", "Lat, lon", "Confidence", "Runners-up"],
                   resolution_rows(mentions), css_class="lbm-resolved")


def counted(n: int, one: str, many: str) -> str:
    """"1 entry", "3 entries", "12,000 entries"."""
    return f"{n:,} {one if n == 1 else many}"


def place_option(label: str, count: int) -> str:
    """How a place is named in the place picker: "Homs · 4 entries" (plain text, not HTML)."""
    return f"{label} · {counted(int(count), 'entry', 'entries')}"


def entry_option(row: pd.Series) -> str:
    """How an entry is named in the entry picker: "14:05  Headline" (plain text, not HTML)."""
    headline = " ".join(str(row.get("headline") or "").split()) or "(no headline)"
    if len(headline) > 90:
        headline = headline[:89] + "…"
    return f"{pd.Timestamp(row['time_utc']).strftime('%d %b %H:%M')}  {headline}"


def places_named(entry_ids: list[int], mentions: pd.DataFrame) -> dict[int, list[str]]:
    """The distinct place names each entry names, in text order."""
    # Only the three columns read are cut out: a boolean index of the whole frame copied every column of
    # every matching mention, a tenth of a slider step for the table's 500 entries.
    rows = np.flatnonzero(np.isin(mentions["entry_id"].to_numpy(), np.asarray(entry_ids, dtype=np.int64)))
    entry = mentions["entry_id"].to_numpy()[rows]
    rows = rows[np.lexsort((mentions["start"].to_numpy()[rows], entry))]  # by entry, then text order
    places: dict[int, list[str]] = {}
    for entry_id, name in zip(mentions["entry_id"].to_numpy()[rows].tolist(),
                              mentions["place_name"].iloc[rows].tolist(), strict=True):
        listed = places.setdefault(int(entry_id), [])
        if name not in listed:
            listed.append(str(name))
    return places


# The badge of an entry that arrived since the reader last looked (a followed page grew).
NEW_BADGE = '<span class="lbm-new">new</span>'


def entries_list_html(rows: pd.DataFrame, mentions: pd.DataFrame, new_entries: Collection[int] = ()) -> str:
    """Entries as a compact list: time (UTC), headline, the places each names; `new_entries` (entry
    ids) get a "new" badge."""
    if rows.empty:
        return '<p class="lbm-meta">No entry in this window.</p>'
    places = places_named([int(i) for i in rows["entry_id"]], mentions)
    items = []
    for row in rows.itertuples(index=False):
        names = places.get(int(row.entry_id), [])
        where = f'<div class="lbm-meta">{H.text(", ".join(names))}</div>' if names else ""
        when = pd.Timestamp(row.time_utc).strftime("%d %b %H:%M")
        headline = H.text(row.headline or "(no headline)")
        badge = NEW_BADGE if int(row.entry_id) in new_entries else ""
        items.append(f'<li>{badge}<span class="lbm-time">{H.text(when)}</span> {headline}{where}</li>')
    return f'<ol class="lbm-latest">{"".join(items)}</ol>'


# --------------------------------------------------------------------------------------------------
# Corrections of the entry shown.
# --------------------------------------------------------------------------------------------------


NOTES_CSS = """
<style>
.lbm-corrections { font-size: 0.85rem; color: #555; margin: 0.2rem 0 0.6rem; padding-left: 0.7rem;
  border-left: 3px solid #b3261e; }
.lbm-corrections li { margin: 0 0 0.2rem; }
</style>
"""


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
