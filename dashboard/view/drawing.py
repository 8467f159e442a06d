"""How a window's places go on the map (`dashboard.view.mapdata.window_places`): the most named one by
one, the rest summed up by grid cell past `MAX_POINT_MARKERS` points."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# Past this many points in a window, only the most named are drawn one by one and the others are summed
# up by grid cell: a marker costs the browser time on every step (bench/bench_map.py --places).
MAX_POINT_MARKERS = 1_000
# Grid cells (degrees) tried from fine to coarse until the summed-up places fill at most MAX_CELLS.
CELL_SIZES_DEG = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
MAX_CELLS = 300
CELL_TOP_PLACES = 8


@dataclass(frozen=True)
class Drawing:
    """How a window's places go on the map: `places` one by one (every area, and the most named
    points), `cells` the other points summed up by grid cell (empty while there are few)."""

    places: pd.DataFrame
    cells: pd.DataFrame
    cell_deg: float = 0.0

    @property
    def summed_up(self) -> int:
        return int(self.cells["places"].sum()) if not self.cells.empty else 0


def for_drawing(places: pd.DataFrame, max_points: int = MAX_POINT_MARKERS, max_cells: int = MAX_CELLS
                ) -> Drawing:
    """Split `window_places` (biggest first) into what is drawn one by one and what by grid cell.

    Cell columns: lat, lon (the mean of its places, weighted by entries), places, count (entries
    naming them, summed per place), top (the most named: [name, count] pairs, at most CELL_TOP_PLACES).
    """
    cell_columns = ["lat", "lon", "places", "count", "top"]
    points = places[~places["is_area"].astype(bool)]
    if len(points) <= max_points:
        return Drawing(places, pd.DataFrame(columns=cell_columns))
    rest = points.iloc[max_points:]
    drawn = places.drop(index=rest.index)
    for size in CELL_SIZES_DEG:
        cell = (np.floor(rest["lat"].to_numpy(float) / size).astype(np.int64) * 100_000
                + np.floor(rest["lon"].to_numpy(float) / size).astype(np.int64))
        if len(np.unique(cell)) <= max_cells:
            break
    weight = rest["count"].to_numpy(float)
    # Cells numbered in the order they first appear, as a groupby would keep them, and summed by
    # bincount: pandas' groupby took a tenth of a step at 20,000 places.
    _, first, inverse = np.unique(cell, return_index=True, return_inverse=True)
    appearance = np.empty(len(first), dtype=np.int64)
    appearance[np.argsort(first, kind="stable")] = np.arange(len(first))
    group = appearance[inverse.ravel()]
    count = np.bincount(group, weights=weight)
    lat = np.bincount(group, weights=rest["lat"].to_numpy(float) * weight) / count
    lon = np.bincount(group, weights=rest["lon"].to_numpy(float) * weight) / count
    # `rest` is biggest first, so each cell's first rows are its most named places.
    by_group = np.argsort(group, kind="stable")
    starts = np.r_[0, np.cumsum(np.bincount(group))[:-1]]
    rank = np.empty(len(group), dtype=np.int64)
    rank[by_group] = np.arange(len(group)) - starts[group[by_group]]
    tops: list[list] = [[] for _ in range(len(first))]
    head = np.flatnonzero(rank < CELL_TOP_PLACES)
    for g, name, n in zip(group[head].tolist(), rest["label"].to_numpy()[head].tolist(),
                          rest["count"].to_numpy()[head].tolist(), strict=True):
        tops[g].append([str(name), int(n)])
    cells = pd.DataFrame({"lat": lat, "lon": lon, "places": np.bincount(group).astype(int),
                          "count": count.astype(int), "top": tops})
    return Drawing(drawn, cells.sort_values("count", ascending=False, ignore_index=True), size)
