"""The histogram under the map: how many entries fell in each stretch of time, by source.

The bin width is a round length of time (1 minute .. 1 week) chosen so that the whole span gives at
most `MAX_BINS` bars; the counts are computed once per set of sources (`counts_frame`), and only the
shaded band of the current window changes as the slider or playback moves (`chart`). Several blogs
are drawn one lane each (the `MAX_LANES` largest, the rest together as "others"), each lane's bars
scaled to its own busiest bin, as in Forensic Architecture's TimeMap; times are UTC on a 24-hour
clock, with the year when the span needs it (`timeline.label_style`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dashboard.view.timeline import ZONE, Window, label_style, time_label

if TYPE_CHECKING:
    import altair as alt

MAX_BINS = 120
# Round bin widths, shortest first; the first that fits the span in MAX_BINS bars is used.
BIN_WIDTHS = tuple(pd.Timedelta(w) for w in (
    "1min", "2min", "5min", "10min", "15min", "30min", "1h", "2h", "3h", "6h", "12h", "1D", "2D", "7D"))
# Heights in pixels, axis included (the app fits the chart to them): tall enough to read the bars.
CHART_HEIGHT = 140
LANE_HEIGHT = 44
MAX_LANES = 8
OTHERS = "others"
OTHERS_COLOUR = "#888888"
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
    """Entries per bin and lane: start, end (UTC timestamps), source (its name, or "others"), count, label.

    Bins are aligned on multiples of the width from midnight UTC (so "14:00–14:15", never
    "14:03–14:18") and span the entries' whole range; empty bins are kept (count 0) so that a quiet
    stretch shows as a gap, not as a bar stretched over it. Lanes: the `MAX_LANES` sources with the
    most entries, largest first (ties: first seen first), then "others" for the rest.
    """
    times = entries[time_column]
    keep = times.notna()
    if not keep.any():
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            COLUMNS, ("datetime64[ns, UTC]", "datetime64[ns, UTC]", "object", "int64", "object"), strict=True)})
    times = pd.DatetimeIndex(times[keep]).tz_convert("UTC")
    lane_of, lane_names = lanes(entries.loc[keep, source_column].astype(str))
    sources = lane_of.to_numpy()
    width = bin_width(times.min(), times.max(), max_bins)
    origin = times.min().floor("D")
    step = width.value
    ns = times.as_unit("ns").asi8 - origin.value
    index = ns // step
    n_bins = int(index.max()) + 1
    frames = []
    for source in lane_names:
        counts = np.bincount(index[sources == source], minlength=n_bins)
        starts = origin + width * np.arange(n_bins)
        frames.append(pd.DataFrame({"start": starts, "end": starts + width, "source": source,
                                    "count": counts.astype("int64")}))
    frame = pd.concat(frames, ignore_index=True)
    # Empty bins at either end of the range come from alignment only: drop them.
    totals = frame.groupby("start")["count"].transform("sum")
    used = frame.loc[totals > 0, "start"]
    frame = frame[(frame["start"] >= used.min()) & (frame["start"] <= used.max())].reset_index(drop=True)
    year = label_style([times.min(), times.max()])["with_year"]
    frame["label"] = [f"{time_label(a, with_year=year)} – {time_label(b, with_date=False)}"
                      for a, b in zip(frame["start"], frame["end"], strict=True)]
    return frame


def lanes(sources: pd.Series, max_lanes: int = MAX_LANES) -> tuple[pd.Series, list[str]]:
    """Each entry's lane (its source among the `max_lanes` largest, else "others"), and the lanes in
    order: largest first (ties: first seen first), "others" last."""
    counts = sources.value_counts(sort=False)
    order = {name: k for k, name in enumerate(dict.fromkeys(sources))}
    ranked = sorted(counts.index, key=lambda name: (-counts[name], order[name]))
    kept = ranked[:max_lanes] if len(ranked) > max_lanes else ranked
    names = kept + ([OTHERS] if len(kept) < len(ranked) else [])
    return sources.where(sources.isin(set(kept)), OTHERS), names


def window_frame(window: Window) -> pd.DataFrame:
    """The window as one row (start, end, label): the shaded band."""
    start, end = (pd.Timestamp(w).tz_convert("UTC") for w in window)
    style = label_style([start, end])
    return pd.DataFrame({"start": [start], "end": [end],
                         "label": [f"Window: {time_label(start, **style)} – {time_label(end, **style)} {ZONE}"]})


def _utc_ms(values: pd.Series) -> pd.Series:
    """Milliseconds since the epoch: Vega-Lite reads them as instants, with no time-zone guessing."""
    return pd.Series(pd.DatetimeIndex(values).as_unit("ms").asi8, index=values.index)


def axis_format(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """The time axis's labels (d3 format, read in UTC), 24-hour, with the year when the span needs it."""
    style = label_style([pd.Timestamp(first), pd.Timestamp(last)])
    day = "%d %b %Y" if style["with_year"] else "%d %b"
    span = pd.Timestamp(last) - pd.Timestamp(first)
    if span > pd.Timedelta("10D"):
        return day
    return f"{day} %H:%M" if style["with_date"] else "%H:%M"


def lane_rows(counts: pd.DataFrame) -> pd.DataFrame:
    """The bars of one lane per source, the first lane on top: each bar from its lane's base (y0) to
    y1, scaled to the lane's busiest bin, up to `BAR_SHARE` of the lane (the rest holds its name)."""
    names = list(dict.fromkeys(counts["source"]))
    base = {name: len(names) - 1 - k for k, name in enumerate(names)}
    peak = counts.groupby("source")["count"].transform("max").clip(lower=1)
    y0 = counts["source"].map(base).astype(float)
    return counts.assign(y0=y0, y1=y0 + BAR_SHARE * counts["count"] / peak)


BAR_SHARE = 0.7


def chart(counts: pd.DataFrame, window: Window, colours: Mapping[str, str] | None = None,
          height: int | None = None) -> alt.LayerChart:
    """Bars of entries over time, with the window as a shaded band behind them: one source as plain
    bars with a count axis; several one lane each, named. Times are UTC, as everywhere in the app."""
    # Imported here, not at the top: Altair takes half a second to import, and the map, drawn
    # earlier in the script, should not wait for it on a session's first page.
    import altair as alt

    data = counts.assign(start=_utc_ms(counts["start"]), end=_utc_ms(counts["end"]))
    band = window_frame(window)
    band = band.assign(start=_utc_ms(band["start"]), end=_utc_ms(band["end"]))
    sources: Sequence[str] = list(dict.fromkeys(data["source"]))
    first, last = (counts["start"].min(), counts["end"].max()) if len(counts) else window
    # Every layer states the same axis: Vega-Lite draws a layered chart's axis from its first layer.
    # The labels are written by an expression: the app's chart theme keeps Vega's own time labels
    # (month names, a 12-hour clock) whatever `format` says.
    axis = alt.Axis(format=axis_format(first, last), formatType="utc",
                    labelExpr=f"utcFormat(datum.value, '{axis_format(first, last)}')", labelOverlap=True,
                    tickCount=8, titleFontWeight="normal")
    x = alt.X("start:T", title=ZONE, scale=alt.Scale(type="utc"), axis=axis)
    tooltip = [alt.Tooltip("label:N", title=ZONE), alt.Tooltip("source:N", title="source"),
               alt.Tooltip("count:Q", title="entries")]
    layers = []
    if len(sources) > 1:
        data = lane_rows(data)
        palette = {**(colours or {}), OTHERS: OTHERS_COLOUR}
        scale = alt.Scale(domain=list(sources), range=[palette.get(s, OTHERS_COLOUR) for s in sources])
        y = alt.Y("y1:Q", title=None, axis=None, scale=alt.Scale(domain=[0, len(sources)]))
        bars = alt.Chart(data).mark_rect().encode(x=x, x2="end:T", y=y, y2="y0:Q",
                                                  color=alt.Color("source:N", legend=None, scale=scale),
                                                  tooltip=tooltip)
        names = pd.DataFrame({"source": sources, "at": float(data["start"].min()),
                              "y": [len(sources) - k - 0.12 for k in range(len(sources))]})
        layers.append(alt.Chart(names).mark_text(align="left", baseline="top", dx=2, fontSize=11).encode(
            x=alt.X("at:T", title=ZONE, scale=alt.Scale(type="utc"), axis=axis),
            y=alt.Y("y:Q", scale=alt.Scale(domain=[0, len(sources)]), axis=None),
            text="source:N", color=alt.Color("source:N", legend=None, scale=scale)))
        height = height or max(CHART_HEIGHT, LANE_HEIGHT * len(sources))
    else:
        data["y1"], data["y0"] = data["count"], 0
        y = alt.Y("y1:Q", title="entries", axis=alt.Axis(tickCount=2, format="d", titleFontWeight="normal"))
        bars = alt.Chart(data).mark_rect().encode(x=x, x2="end:T", y=y, y2="y0:Q", color=alt.value("#555555"),
                                                  tooltip=tooltip)
        height = height or CHART_HEIGHT
    shade = alt.Chart(band).mark_rect(color=WINDOW_COLOUR, opacity=0.15).encode(
        x=alt.X("start:T", title=ZONE, scale=alt.Scale(type="utc"), axis=axis), x2="end:T",
        tooltip=alt.Tooltip("label:N", title=None))
    edges = alt.Chart(band).transform_fold(["start", "end"], as_=["edge", "at"]).mark_rule(
        color=WINDOW_COLOUR, strokeWidth=1.5).encode(x=alt.X("at:T", title=ZONE, scale=alt.Scale(type="utc"),
                                                             axis=axis))
    # SVG: a few hundred shapes draw as fast as on a canvas, and the lanes' names stay text a reader
    # (or a screen reader) can select.
    return alt.layer(shade, bars, edges, *layers).properties(height=height,
                                                             usermeta={"embedOptions": {"renderer": "svg"}})


def warm_up() -> None:
    """Build and serialise a one-bar chart: Altair's first chart and spec set up its schema classes and
    type checks (a few hundred milliseconds) that the first visitor of a fresh server would wait for."""
    moment = pd.Timestamp("2000-01-01", tz="UTC")
    chart(counts_frame(pd.DataFrame({"time_utc": [moment], "source": ["a"]})), (moment, moment)).to_dict()
