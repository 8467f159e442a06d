"""A small stand-in geoparser for the store, ingest, export and CLI tests.

Real GeoNames places (ids, coordinates and codes as GeoNames has them), matched by whole word, so
the tests of the event store do not wait for, or depend on, the real gazetteer. It follows the
geoparser's contract: `(text, context) -> list[Mention]`, offsets into `text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from dashboard.model import Caption, Entry, ParsedBlog
from gazetteer.places import Mention, Place


def _city(gid: int, name: str, lat: float, lon: float, cc: str, pop: int, code: str = "PPLA") -> Place:
    return Place(f"gn:{gid}", name, lat, lon, "P", code, cc, population=pop, source="test", geonameid=gid)


def _country(gid: int, name: str, lat: float, lon: float, cc: str) -> Place:
    return Place(f"gn:{gid}", name, lat, lon, "A", "PCLI", cc, source="test", geonameid=gid)


DAMASCUS = _city(170654, "Damascus", 33.5102, 36.29128, "SY", 1569394, "PPLC")
DAMASCUS_MD = _city(4352728, "Damascus", 39.28844, -77.20387, "US", 15257, "PPL")
ALEPPO = _city(170063, "Aleppo", 36.20124, 37.16117, "SY", 2098210)
TARTUS = _city(163345, "Ţarţūs", 34.88902, 35.88659, "SY", 458327)
LATAKIA = _city(173576, "Latakia", 35.53125, 35.79088, "SY", 709000)
HOMS = _city(169577, "Homs", 34.72405, 36.72559, "SY", 775404)
BEIRUT = _city(276781, "Beirut", 33.89332, 35.50157, "LB", 1916100, "PPLC")
AMMAN = _city(250441, "Amman", 31.95522, 35.94503, "JO", 1275857, "PPLC")
CAIRO = _city(360630, "Cairo", 30.06263, 31.24967, "EG", 9606916, "PPLC")
ISTANBUL = _city(745044, "Istanbul", 41.01384, 28.94966, "TR", 15701602)
MOSCOW = _city(524901, "Moscow", 55.75204, 37.61781, "RU", 10381222, "PPLC")
KYIV = _city(703448, "Kyiv", 50.45466, 30.5238, "UA", 2952301, "PPLC")
ODESA = _city(698740, "Odesa", 46.48572, 30.74383, "UA", 1010537)
SYRIA = _country(163843, "Syria", 35.0, 38.0, "SY")
LEBANON = _country(272103, "Lebanon", 33.83333, 35.83333, "LB")
UKRAINE = _country(690791, "Ukraine", 49.0, 32.0, "UA")

# Written name -> (place, runner-up candidates with their scores).
GAZETTEER: dict[str, tuple[Place, tuple[tuple[Place, float], ...]]] = {
    "Damascus": (DAMASCUS, ((DAMASCUS_MD, 0.1),)),
    "Aleppo": (ALEPPO, ()),
    "Tartus": (TARTUS, ()),
    "Latakia": (LATAKIA, ()),
    "Homs": (HOMS, ()),
    "Beirut": (BEIRUT, ()),
    "Amman": (AMMAN, ()),
    "Cairo": (CAIRO, ()),
    "Istanbul": (ISTANBUL, ()),
    "Moscow": (MOSCOW, ()),
    "Kyiv": (KYIV, ()),
    "Odesa": (ODESA, ()),
    "Syria": (SYRIA, ()),
    "Lebanon": (LEBANON, ()),
    "Ukraine": (UKRAINE, ()),
}
# A name the stand-in finds but cannot place: exercises the "unresolved" path of the ingest.
UNRESOLVED_NAME = "Nowhereville"

_WORD = re.compile(r"\b(" + "|".join(map(re.escape, [*GAZETTEER, UNRESOLVED_NAME])) + r")\b")


class WordGeoparser:
    """Finds the names of GAZETTEER by whole word; remembers every call for the tests to inspect."""

    def __init__(self, gazetteer: dict[str, tuple[Place, tuple[tuple[Place, float], ...]]] | None = None):
        self.gazetteer = GAZETTEER if gazetteer is None else gazetteer
        self.calls: list[tuple[str, str | None]] = []

    def __call__(self, text: str, context: str | None = None) -> list[Mention]:
        self.calls.append((text, context))
        found = []
        for match in _WORD.finditer(text):
            name = match.group(0)
            if name == UNRESOLVED_NAME:
                found.append(Mention(match.start(), match.end(), name, None, 0.0))  # type: ignore[arg-type]
            elif name in self.gazetteer:
                place, alternatives = self.gazetteer[name]
                found.append(Mention(match.start(), match.end(), name, place, 0.9, alternatives))
        return found


def word_geoparser(text: str, context: str | None = None) -> list[Mention]:
    return WordGeoparser()(text, context)


BASE = datetime(2031, 5, 4, 9, 0, tzinfo=UTC)


def entry(minutes: int, headline: str, body: str = "", *, captions: Sequence[Caption] = (),
          is_lead: bool = False, seconds: int = 0) -> Entry:
    """An entry `minutes` after 09:00 UTC on 4 May 2031, with the time written as a blog would."""
    moment = BASE + timedelta(minutes=minutes, seconds=seconds)
    return Entry(time_utc=moment, time_given="" if is_lead else moment.strftime("%I:%M %p GMT"),
                 headline=headline, body=body, captions=tuple(captions), is_lead=is_lead,
                 is_timed=not is_lead, raw_text=f"{headline}\n{body}")


def sample_entries() -> list[Entry]:
    """Five entries in our own words, oldest first: a lead and four timed updates."""
    return [
        entry(0, "Talks continue as convoys move north",
              "Observers in Syria describe trucks leaving Damascus before dawn.", is_lead=True),
        entry(12, "Port activity reported", "Ships were seen loading cargo at Tartus, according to "
              "satellite pictures.", captions=[Caption("A crane at the quay in Latakia", "Agency")]),
        entry(30, "Flights resume", "Commercial flights between Beirut and Amman restarted this morning."),
        entry(30, "A second update in the same minute", "Officials in Aleppo said roads were reopened."),
        entry(47, "Statement from abroad", "Diplomats in Moscow and Kyiv commented; a reporter in Damascus "
              "says the mood is calm. Damascus residents queued for bread near Nowhereville."),
    ]


def blog(entries: Iterable[Entry], *, title: str = "A test live blog", newest_first: bool = False,
         source_name: str = "test-blog", warnings: Sequence[str] = ()) -> ParsedBlog:
    """A ParsedBlog as the parser makes it, from entries built directly."""
    return ParsedBlog(title=title, entries=tuple(entries), warnings=tuple(warnings), published=None,
                      newest_first=newest_first, source_name=source_name)
