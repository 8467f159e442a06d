"""The zone of a place's country, for "local time" ("at 2am local time" is read where the place is), from
the IANA zone.tab that the tzdata package ships."""

from __future__ import annotations

import math
import re
from datetime import tzinfo
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo


@cache
def _country_zones() -> dict[str, list[tuple[float, float, str, bool]]]:
    """Country code -> [(lat, lon, zone, covers most of the country)] from the IANA zone.tab that the
    tzdata package ships (its comment says "most of Ukraine", "Eastern (most areas)")."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    zones: dict[str, list[tuple[float, float, str, bool]]] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        code, coords, name = fields[:3]
        main = len(fields) > 3 and bool(re.search(r"\bmost\b", fields[3], re.IGNORECASE))
        match = re.fullmatch(r"([+-]\d{4,6})([+-]\d{5,7})", coords)
        if not match:
            continue
        zones.setdefault(code, []).append((_degrees(match.group(1), 2), _degrees(match.group(2), 3), name, main))
    return zones


def _degrees(text: str, width: int) -> float:
    sign = -1 if text[0] == "-" else 1
    digits = text[1:]
    value = int(digits[:width]) + int(digits[width:width + 2]) / 60
    if len(digits) > width + 2:
        value += int(digits[width + 2:]) / 3600
    return sign * value


def zone_named(name: str) -> tzinfo | None:
    """The IANA zone named after a city ("Moscow" -> Europe/Moscow, "New York" -> America/New_York)."""
    wanted = "_".join(name.split()).casefold()
    for options in _country_zones().values():
        for _, _, zone, _ in options:
            if zone.rsplit("/", 1)[-1].casefold() == wanted:
                return ZoneInfo(zone)
    return None


def place_zone(country_code: str, lat: float | None = None, lon: float | None = None) -> tzinfo | None:
    """The zone of a country; for a country with several, the one whose principal city is nearest the
    place, except that a zone covering most of the country wins unless another's city is much nearer.

    zone.tab gives one point per zone, its principal city; a zone over most of a country reaches far
    from its city, so a place near a small zone's city may still lie in the large one (Odesa is nearer
    Simferopol than Kyiv, yet keeps Kyiv's clock)."""
    options = _country_zones().get((country_code or "").upper())
    if not options:
        return None
    if lat is None or lon is None or len(options) == 1:
        return ZoneInfo(next((o for o in options if o[3]), options[0])[2])

    def distance(o: tuple[float, float, str, bool]) -> float:
        return math.hypot(o[0] - lat, (o[1] - lon) * math.cos(math.radians(lat)))

    best = min(options, key=distance)
    mains = [o for o in options if o[3]]
    if mains and not best[3]:
        main = min(mains, key=distance)
        if distance(main) < _MUCH_NEARER * distance(best):
            best = main
    return ZoneInfo(best[2])


# How much nearer a small zone's city must be than the main zone's to take a place from it.
_MUCH_NEARER = 2.0


