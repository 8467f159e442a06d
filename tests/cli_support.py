"""Help for tests of `python -m dashboard`: run it in-process, give it the stand-in geoparser, and
write or read a store the way its commands see it."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from word_geoparser import WordGeoparser, blog, sample_entries

import dashboard.ingest
from dashboard.cli import main
from dashboard.ingest import ingest_blog
from dashboard.store import EventStore


def run(argv: list[str], answer: str = "") -> tuple[int, str, str]:
    """main's exit status, standard output and error; `answer` is what the user types at a prompt."""
    out, err = io.StringIO(), io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.StringIO(answer)
    try:
        code = main(argv, stdout=out, stderr=err)
    finally:
        sys.stdin = stdin
    return code, out.getvalue(), err.getvalue()


def use_word_geoparser(monkeypatch) -> WordGeoparser:
    """The CLI uses the default geoparser: give it the small stand-in (one instance, returned)."""
    geoparser = WordGeoparser()
    monkeypatch.setattr(dashboard.ingest, "default_geoparser", lambda: geoparser)
    return geoparser


def sample_store(db: Path, **keywords: object) -> Path:
    """A store at `db` holding the sample entries, written through the library (no parser needed),
    and closed (its write-ahead log checkpointed into the file)."""
    with EventStore(db) as store:
        ingest_blog(blog(sample_entries()), store, source="sample", geoparser=WordGeoparser(), **keywords)
    return db


def dump(db: Path) -> dict:
    with EventStore(db) as store:
        return store.dump()
