"""The histogram above the time slider: how many entries fell in each stretch of time, by source.

The bin width is a round length of time (1 minute .. 1 week) chosen so that the whole span gives at
most `MAX_BINS` bars; the counts are computed once per set of sources (`counts_frame`), and only the
shaded band of the current window changes as the slider or playback moves (`chart`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dashboard.view.timeline import Window, time_label

if TYPE_CHECKING:
    import altair as alt

MAX_BINS = 120
# Round bin widths, shortest first; the first that fits the span in MAX_BINS bars is used.
BIN_WIDTHS = tuple(pd.Timedelta(w) for w in (
    "1min", "2min", "5min", "10min", "15min", "30min", "1h", "2h", "3h", "6h", "12h", "1D", "2D", "7D"))
CHART_HEIGHT = 80
WINDOW_COLOUR = "#b3261e"
COLUMNS = ["start", "end", "source", "count", "label"]


def bin_width(first: pd.Timestamp, last: pd.Timestamp, max_bins: int = MAX_BINS) -> pd.Timedelta:
    """The shortest round width that covers first..last in fewer than `max_bins` bins
    (a week at most; aligning bins on round times may add one)."""
    if max_bins < 1:
        raise ValueError("max_bins must be at least 1")
    span = pd.Timestamp(last) - pd.Timestamp(first)
    for width in BIN_WIDTHS:
        if span < width * max_bins:
            return width
    return BIN_WIDTHS[-1]


def counts_frame(entries: pd.DataFrame, max_bins: int = MAX_BINS, time_column: str = "time_utc",
                 source_column: str = "source") -> pd.DataFrame:
    """Entries per bin and source: start, end (UTC timestamps), source (its name), count, label.

    Bins are aligned on multiples of the width from midnight UTC (so "14:00–14:15", never
    "14:03–14:18") and span the entries' whole range; empty bins are kept (count 0) so that a quiet
    stretch shows as a gap, not as a bar stretched over it. Sources keep their first-seen order.
    """
    times = entries[time_column]
    keep = times.notna()
    if not keep.any():
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            COLUMNS, ("datetime64[ns, UTC]", "datetime64[ns, UTC]", "object", "int64", "object"), strict=True)})
    times = pd.DatetimeIndex(times[keep]).tz_convert("UTC")
    sources = entries.loc[keep, source_column].astype(str).to_numpy()
    width = bin_width(times.min(), times.max(), max_bins)
    origin = times.min().floor("D")
    step = width.value
    ns = times.as_unit("ns").asi8 - origin.value
    index = ns // step
    n_bins = int(index.max()) + 1
    frames = []
    for source in dict.fromkeys(sources):
        counts = np.bincount(index[sources == source], minlength=n_bins)
        starts = origin + width * np.arange(n_bins)
        frames.append(pd.DataFrame({"start": starts, "end": starts + width, "source": source,
                                    "count": counts.astype("int64")}))
    frame = pd.concat(frames, ignore_index=True)
    # Empty bins at either end of the range come from alignment only: drop them.
    totals = frame.groupby("start")["count"].transform("sum")
    used = frame.loc[totals > 0, "start"]
    frame = frame[(frame["start"] >= used.min()) & (frame["start"] <= used.max())].reset_index(drop=True)
    frame["label"] = [f"{time_label(a)} – {time_label(b, with_date=False)}"
                      for a, b in zip(frame["start"], frame["end"], strict=True)]
    return frame


def window_frame(window: Window) -> pd.DataFrame:
    """The window as one row (start, end, label): the shaded band."""
    start, end = (pd.Timestamp(w).tz_convert("UTC") for w in window)
    return pd.DataFrame({"start": [start], "end": [end],
                         "label": [f"Window: {time_label(start)} – {time_label(end)} UTC"]})


def _utc_ms(values: pd.Series) -> pd.Series:
    """Milliseconds since the epoch: Vega-Lite reads them as instants, with no time-zone guessing."""
    return pd.Series(pd.DatetimeIndex(values).as_unit("ms").asi8, index=values.index)


def chart(counts: pd.DataFrame, window: Window, colours: Mapping[str, str] | None = None,
          height: int = CHART_HEIGHT) -> alt.LayerChart:
    """Bars of entries over time (stacked and coloured by source when there are several), with the
    window as a shaded band behind them. Times are shown in UTC, as everywhere in the dashboard."""
    # Imported here, not at the top: Altair takes half a second to import, and the map, drawn
    # earlier in the script, should not wait for it on a session's first page.
    import altair as alt

    data = counts.assign(start=_utc_ms(counts["start"]), end=_utc_ms(counts["end"]))
    # Stacked by hand (sources in their order): a bar spanning start..end is a rectangle from y0 to y1.
    data["y1"] = data.groupby("start", sort=False)["count"].cumsum()
    data["y0"] = data["y1"] - data["count"]
    band = window_frame(window)
    band = band.assign(start=_utc_ms(band["start"]), end=_utc_ms(band["end"]))
    sources: Sequence[str] = list(dict.fromkeys(data["source"]))
    x = alt.X("start:T", title=None, scale=alt.Scale(type="utc"),
              axis=alt.Axis(format="%d %b %H:%M", formatType="utc", labelOverlap=True, tickCount=8))
    y = alt.Y("y1:Q", title="entries", axis=alt.Axis(tickCount=2, format="d", titleFontWeight="normal"))
    if len(sources) > 1:
        scale = (alt.Scale(domain=list(sources), range=[colours.get(s, "#888888") for s in sources])
                 if colours else alt.Undefined)
        colour = alt.Color("source:N", title=None, legend=alt.Legend(orient="top"), scale=scale)
    else:
        colour = alt.value("#555555")
    bars = alt.Chart(data).mark_rect().encode(
        x=x, x2="end:T", y=y, y2="y0:Q", color=colour,
        tooltip=[alt.Tooltip("label:N", title="UTC"), alt.Tooltip("source:N", title="source"),
                 alt.Tooltip("count:Q", title="entries")])
    shade = alt.Chart(band).mark_rect(color=WINDOW_COLOUR, opacity=0.15).encode(
        x=alt.X("start:T", scale=alt.Scale(type="utc")), x2="end:T", tooltip=alt.Tooltip("label:N", title=None))
    edges = alt.Chart(band).transform_fold(["start", "end"], as_=["edge", "at"]).mark_rule(
        color=WINDOW_COLOUR, strokeWidth=1.5).encode(x=alt.X("at:T", scale=alt.Scale(type="utc")))
    return alt.layer(shade, bars, edges).properties(height=height)
