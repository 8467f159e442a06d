"""The value objects every part of the project shares: a place and a place mention.

They are small frozen dataclasses, converted to and from rows only at the edges (the index file,
the event store, exports).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The credit every product of the place data carries (the map, the exports, the CLI's help).
DATA_NAME, DATA_URL = "GeoNames", "https://www.geonames.org/"
DATA_LICENCE, DATA_LICENCE_URL = "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"
DATA_ATTRIBUTION = f"Place data: {DATA_NAME} ({DATA_LICENCE}), {DATA_URL}"

# GeoNames feature codes of places that cover a wide area: the map draws them as areas, not pins,
# and the geoparser treats them as context for smaller places inside them.
AREA_FEATURE_CODES = frozenset(
    {"CONT", "RGN", "PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR", "ADM1", "ADM2", "OCN",
     "SEA", "GULF", "BAY", "MTS", "DSRT", "PLN", "VAL", "LK", "STM", "ZN", "PRSH"}
)


def is_country_code(feature_code: str) -> bool:
    """Whether a GeoNames feature code names a country or dependent territory (PCL, PCLI, PCLD...)."""
    return feature_code.startswith("PCL")


def is_area_kind(feature_class: str, feature_code: str) -> bool:
    """Whether a place of this kind covers a wide area (the one rule behind `Place.is_area`)."""
    return feature_code in AREA_FEATURE_CODES or (feature_class == "A" and (
        is_country_code(feature_code) or feature_code.startswith("ADM")))


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
        return is_area_kind(self.feature_class, self.feature_code)

    @property
    def is_country(self) -> bool:
        """True for countries and dependent territories (GeoNames' PCL* codes)."""
        return is_country_code(self.feature_code)

    @property
    def address(self) -> str:
        """A readable one-line address: name, region, country code."""
        parts = [self.name]
        if self.admin1_name and self.admin1_name != self.name:
            parts.append(self.admin1_name)
        if self.country_code:
            parts.append(self.country_code)
        return ", ".join(parts)

    def as_dict(self) -> dict:
        """The flat JSON form of a place (the CLI, the geocoder's `raw`, stored runner-ups)."""
        return {
            "place_id": self.place_id, "name": self.name, "lat": self.latitude, "lon": self.longitude,
            "feature_class": self.feature_class, "feature_code": self.feature_code,
            "country_code": self.country_code, "admin1_name": self.admin1_name,
            "population": self.population, "geonameid": self.geonameid,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Place:
        """The inverse of `as_dict`; keys it lacks take their defaults."""
        geonameid = data.get("geonameid")
        return cls(
            place_id=str(data.get("place_id") or ""), name=str(data.get("name") or ""),
            latitude=float(data["lat"]), longitude=float(data["lon"]),
            feature_class=str(data.get("feature_class") or ""), feature_code=str(data.get("feature_code") or ""),
            country_code=str(data.get("country_code") or ""), admin1_name=str(data.get("admin1_name") or ""),
            population=int(data.get("population") or 0),
            geonameid=int(geonameid) if geonameid not in (None, "") else None,
        )


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
