"""End to end on the seed live blog: parse, geoparse, store, export CSV, score against the answer key.

The seed and its key live in ../shared (someone else's text: read at run time, never copied); the
test skips cleanly without them.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
from datetime import date

import pytest

from dashboard.export import export
from dashboard.ingest import IngestError, default_geoparser, ingest_file
from dashboard.store import EventStore

SEED = "seeds/000_d47ac0d6e77f0845.txt"
# The seed's text names no date (its README says 13 December 2024): a user gives it with --date.
SEED_DATE = date(2024, 12, 13)


@pytest.fixture(scope="module")
def scorer(shared_dir):
    path = shared_dir / "scoring" / "score_seed.py"
    if not path.is_file():
        pytest.skip("score_seed.py is not in ../shared")
    spec = importlib.util.spec_from_file_location("score_seed", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


@pytest.mark.slow
def test_seed_places(shared_dir, scorer, tmp_path):
    seed = shared_dir / SEED
    if not seed.is_file():
        pytest.skip(f"{SEED} is not in ../shared")
    try:
        geoparser = default_geoparser()
    except IngestError as exc:
        pytest.skip(f"the geoparser is not there: {exc}")

    with EventStore(tmp_path / "events.db") as store:
        report = ingest_file(seed, store, date=SEED_DATE, geoparser=geoparser)
        assert report.added > 30
        exported = tmp_path / "seed.csv"
        exported.write_text(export(store, "csv"), encoding="utf-8", newline="")

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        recall, precision, people = scorer(str(shared_dir / "gold" / "seed-places.csv"),
                                           str(shared_dir / "gold" / "seed-not-places.txt"), str(exported))
    details = json.loads(printed.getvalue())
    print(details)
    assert people == 0, details
    assert recall >= 0.95, details
    assert precision >= 0.95, details
