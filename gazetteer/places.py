"""The value objects every part of the project shares: a place and a place mention.

They are small frozen dataclasses, converted to and from rows only at the edges (the index file,
the event store, exports).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# GeoNames feature codes of places that cover a wide area: the map draws them as areas, not pins,
# and the geoparser treats them as context for smaller places inside them.
AREA_FEATURE_CODES = frozenset(
    {"CONT", "RGN", "PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR", "ADM1", "ADM2", "OCN",
     "SEA", "GULF", "BAY", "MTS", "DSRT", "PLN", "VAL", "LK", "STM", "ZN", "PRSH"}
)


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer record, in GeoNames' terms.

    `place_id` is unique within an index: "gn:<geonameid>" for GeoNames rows, or the id of one of
    our own sources ("cur:...", "adm1:...", "icao:..."). `geonameid` is set only where it is known.
    """

    place_id: str
    name: str
    latitude: float
    longitude: float
    feature_class: str = "P"
    feature_code: str = "PPL"
    country_code: str = ""
    admin1_code: str = ""
    admin1_name: str = ""
    population: int = 0
    source: str = ""
    geonameid: int | None = None
    asciiname: str = ""
    alternate_names: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def point(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)

    @property
    def is_area(self) -> bool:
        """True for countries, regions, seas and the like: things with no single spot."""
        return self.feature_code in AREA_FEATURE_CODES or (self.feature_class == "A" and (
            self.feature_code.startswith("PCL") or self.feature_code.startswith("ADM")
        ))

    @property
    def address(self) -> str:
        """A readable one-line address: name, region, country code."""
        parts = [self.name]
        if self.admin1_name and self.admin1_name != self.name:
            parts.append(self.admin1_name)
        if self.country_code:
            parts.append(self.country_code)
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Mention:
    """A place named in a text: where (offsets into the original text), what and how sure.

    `alternatives` are the runner-up candidates, best first, with their scores.
    """

    start: int
    end: int
    text: str
    place: Place
    score: float
    alternatives: tuple[tuple[Place, float], ...] = ()

    def as_dict(self) -> dict:
        """The flat JSON form used by the CLI and the batch files."""
        p = self.place
        return {
            "start": self.start, "end": self.end, "text": self.text, "name": p.name,
            "lat": p.latitude, "lon": p.longitude, "country_code": p.country_code,
            "feature_code": p.feature_code, "geonameid": p.geonameid, "place_id": p.place_id,
            "score": round(self.score, 4),
        }
