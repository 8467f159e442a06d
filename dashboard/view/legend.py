"""The legend under the map: what the marks mean, each source's colour, and the window's areas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import corrections as trust
from dashboard.view import markup as H
from dashboard.view.mapdata import Drawing, MapData
from dashboard.view.shades import PALETTE, recency_fill


def area_summary(places: pd.DataFrame) -> list[tuple[str, int]]:
    """The areas named in the window, most named first: (name, entries)."""
    # Two columns cut, not the whole frame (its popup lists included): a twentieth of a slider step.
    rows = np.flatnonzero(places["is_area"].to_numpy(dtype=bool))
    return [(str(n), int(c)) for n, c in zip(places["name"].iloc[rows].tolist(), places["count"].iloc[rows].tolist(),
                                             strict=True)]


def legend_html(data: MapData, drawing: Drawing) -> str:
    """What the marks mean, each source's colour, and the areas named in the window (as a list too,
    so that nobody reads a country as a spot)."""
    hue = next(iter(data.source_colours.values()), PALETTE[0])
    lines = [f"{H.swatch(recency_fill(hue, 0.0))}{H.swatch(recency_fill(hue, 0.5))}{H.swatch(hue)}"
             "earlier to later in the window; size: how many entries name the place; "
             "numbered discs: clusters of places (click to zoom in); a dashed ring: a doubtful place "
             f"(confidence under {trust.DOUBT_BELOW:.2f}, see the review queue); a tick: reviewed by a person."]
    if len(data.source_colours) > 1:
        lines.append(" &nbsp; ".join(H.swatch(colour, data.source_names.get(sid, str(sid)))
                                     for sid, colour in data.source_colours.items()))
    areas = area_summary(drawing.places)
    if drawing.summed_up:  # #5f6b7a: the grey of .lbm-cell-tile in static/places.css
        lines.append(f"{H.swatch('#5f6b7a')}grey numbered tiles: {drawing.summed_up:,} less named places summed up by "
                     f"{drawing.cell_deg:g}° grid cell (the {len(drawing.places) - len(areas):,} most named are "
                     "drawn one by one; narrow the window or filter to see them all).")
    if areas:
        named = ", ".join(f"{H.text(name)} ({count})" for name, count in areas)
        lines.append(f"Areas, drawn as faint circles rather than points: {named}.")
    body = "".join(f"<div>{line}</div>" for line in lines)
    return f'<div class="lbm-legend" style="font-size:0.85rem;color:#444;line-height:1.6">{body}</div>'
