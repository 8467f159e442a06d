"""How a marker looks: each source's hue, a place's shade by how recent it is, and its size by how many
entries name it. Plain Python, shared by the map's layer and its legend (`dashboard.view.mapdata`)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

# One hue per source, the first being the theme's red (.streamlit/config.toml).
PALETTE = ("#b3261e", "#1d5fa6", "#2e7d32", "#7b3fa0", "#c25e00", "#00838f", "#6d4c41", "#ad1457")
MIN_RADIUS_PX = 6
MAX_RADIUS_PX = 26


def source_colours(source_ids: Sequence[int]) -> dict[int, str]:
    """Each source's hue, in the order given (the first shown source gets the theme's red)."""
    return {int(sid): PALETTE[i % len(PALETTE)] for i, sid in enumerate(source_ids)}


def radii_px(counts: np.ndarray) -> np.ndarray:
    """Marker radii for places named by `counts` entries: they grow with the logarithm, capped."""
    return np.minimum(MAX_RADIUS_PX, MIN_RADIUS_PX + 4 * np.log2(np.maximum(1, counts))).astype(np.int64)


def mix(colour_a: str, colour_b: str, t: float) -> str:
    """The colour `t` of the way from a to b (both #rrggbb)."""
    t = min(1.0, max(0.0, t))
    a = [int(colour_a[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(colour_b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


# Recency is shaded in this many steps: more than the eye tells apart, and few enough that a window
# of thousands of places reuses a handful of colours instead of mixing one for each place.
RECENCY_STEPS = 50


def recency_fill(hue: str, recency: float) -> str:
    """Fill for a place whose latest entry is `recency` (0 oldest .. 1 newest) through the window."""
    return _shade(hue, round(min(1.0, max(0.0, float(recency))) * RECENCY_STEPS))


def recency_fills(hues: Sequence[str], recency: np.ndarray) -> list[str]:
    """`recency_fill` of each place, its steps worked out for all at once (a window of 20,000 places)."""
    steps = np.round(np.clip(np.nan_to_num(np.asarray(recency, dtype=float)), 0.0, 1.0) * RECENCY_STEPS)
    return [_shade(hue, step) for hue, step in zip(hues, steps.astype(np.int64).tolist(), strict=True)]


@lru_cache(maxsize=1024)
def _shade(hue: str, step: int) -> str:
    return mix("#ffffff", hue, 0.2 + 0.8 * step / RECENCY_STEPS)
