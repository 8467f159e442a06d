"""The timeline's clock: places at the time they were reported, or at the time their events happened.

On the "happened" clock a mention whose text dates its event ("on Friday morning", "two days ago")
stands at the middle of that interval: the markers, the slider's stops and the histogram follow it.
An interval longer than a week ("in 2011", "since March") dates the event too loosely for the
timeline: such a mention, like one the text does not date, stays at its report time. The entries
keep their report times (the table and the panel say when each was reported), and a marker whose
entries were all reported after the window says so ("reported Sun 15:21").
"""

from __future__ import annotations

import pandas as pd

from dashboard.model import REPORT_TIME

REPORTED, HAPPENED = "reported", "happened"
CLOCKS = (REPORTED, HAPPENED)
# The longest interval that still places an event on the timeline.
PLACEABLE = pd.Timedelta(days=7)


def on_clock(mentions: pd.DataFrame, happened: bool) -> pd.DataFrame:
    """The mentions with `time_utc` on the chosen clock, sorted by it; `reported_utc` keeps the time
    each was reported (on the "reported" clock, the same)."""
    out = mentions.assign(reported_utc=mentions["time_utc"])
    if not happened or out.empty or "event_start" not in out:
        return out
    span = out["event_end"] - out["event_start"]
    dated = (out["event_precision"] != REPORT_TIME) & out["event_start"].notna() & (span <= PLACEABLE)
    out.loc[dated, "time_utc"] = (out["event_start"] + span / 2)[dated]
    return out.sort_values(["time_utc", "entry_id", "position"], kind="stable", ignore_index=True)


def clock_events(entries: pd.DataFrame, mentions: pd.DataFrame, happened: bool) -> pd.DataFrame:
    """What the slider's stops and the histogram count, with `time_utc` and `source`: the entries on the
    "reported" clock; on the "happened" clock each distinct time an entry gives its places (an entry
    naming no place counts at its report time)."""
    if not happened:
        return entries
    sources = entries.set_index("entry_id")["source"]
    timed = mentions[["entry_id", "time_utc"]].drop_duplicates()
    unnamed = entries.loc[~entries["entry_id"].isin(timed["entry_id"]), ["entry_id", "time_utc"]]
    events = pd.concat([timed, unnamed], ignore_index=True)
    events["source"] = sources.reindex(events["entry_id"]).to_numpy()
    return events.sort_values(["time_utc", "entry_id"], kind="stable", ignore_index=True)


def reported_note(reported: pd.Timestamp) -> str:
    """ "reported Fri 15:21": said of a marker whose event the window shows before it was reported."""
    return f"reported {reported.strftime('%a %H:%M')}"
