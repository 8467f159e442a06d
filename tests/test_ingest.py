"""The ingest pipeline: what it geoparses, what it reports, and that a failure changes nothing."""

from __future__ import annotations

import dataclasses

import pytest
from word_geoparser import (
    ALEPPO,
    BEIRUT,
    CAIRO,
    DAMASCUS,
    HOMS,
    ISTANBUL,
    WordGeoparser,
    blog,
    entry,
    sample_entries,
)

import dashboard.store.event_store
from dashboard.ingest import IngestError, IngestReport, default_geoparser, ingest_blog
from dashboard.store import EventStore


@pytest.fixture
def store(tmp_path):
    with EventStore(tmp_path / "events.db") as opened:
        yield opened


def ingest(store, entries, geoparser=None, **kwargs) -> IngestReport:
    kwargs.setdefault("source", "test-blog")
    return ingest_blog(blog(entries), store, geoparser=geoparser or WordGeoparser(), **kwargs)


def places_of(store: EventStore, headline: str) -> list[str]:
    entries = store.entries()
    entry_id = int(entries.loc[entries["headline"] == headline, "entry_id"].iloc[0])
    mentions = store.mentions()
    return mentions.loc[mentions["entry_id"] == entry_id, "place_id"].tolist()


def test_first_ingest_reports_and_geoparses_with_the_whole_blog_as_context(store):
    geoparser = WordGeoparser()
    report = ingest(store, sample_entries(), geoparser)
    assert (report.source, report.added, report.updated, report.unchanged, report.missing) == \
        ("test-blog", 5, 0, 0, 0)
    assert report.unresolved == ["Nowhereville"]
    mentions = store.mentions()
    assert report.mentions == len(mentions) == 11
    assert report.places == mentions["place_id"].nunique() == 9
    assert report.mentions_written == 12  # the unresolved one is written too, without a place
    texts = [e.text for e in sample_entries()]
    assert [text for text, _ in geoparser.calls] == texts
    context = "\n\n".join(texts)
    assert all(ctx == context for _, ctx in geoparser.calls)


def test_reingesting_the_same_blog_changes_nothing(store):
    ingest(store, sample_entries())
    before = store.dump()
    geoparser = WordGeoparser()
    report = ingest(store, sample_entries(), geoparser)
    assert store.dump() == before
    assert geoparser.calls == []
    assert (report.added, report.updated, report.unchanged, report.missing) == (0, 0, 5, 0)
    assert not report.changed
    assert report.unresolved == ["Nowhereville"]  # still reported: it is still in the store


def test_updated_blog_adds_new_entries_and_replaces_changed_ones(store):
    ingest(store, sample_entries())
    old_ids = store.entries()["entry_id"].tolist()
    assert places_of(store, "Flights resume") == [BEIRUT.place_id, "gn:250441"]

    entries = sample_entries()
    entries[2] = dataclasses.replace(entries[2], body="Flights between Cairo and Istanbul restarted instead.")
    entries.append(entry(55, "Late news", "Shelling was heard near Homs."))
    geoparser = WordGeoparser()
    report = ingest(store, entries, geoparser)

    assert (report.added, report.updated, report.unchanged, report.missing) == (1, 1, 4, 0)
    assert [text for text, _ in geoparser.calls] == [entries[2].text, entries[5].text]
    frame = store.entries()
    assert frame["entry_id"].tolist()[:5] == old_ids  # the changed entry kept its id
    assert frame.loc[frame["entry_id"] == old_ids[2], "body"].item() == entries[2].body
    assert places_of(store, "Flights resume") == [CAIRO.place_id, ISTANBUL.place_id]
    assert places_of(store, "Late news") == [HOMS.place_id]
    # Amman is named by no entry any more: its place row went with its mention.
    place_ids = {row[0] for row in store.dump()["places"]}
    assert "gn:250441" not in place_ids and BEIRUT.place_id not in place_ids
    assert report.mentions == len(store.mentions())


def test_entries_missing_from_a_newer_version_are_kept_and_reported(store):
    ingest(store, sample_entries())
    report = ingest(store, sample_entries()[:3])
    assert (report.added, report.updated, report.unchanged, report.missing) == (0, 0, 3, 2)
    assert len(store.entries()) == 5
    assert any("not in this version" in line for line in report.lines())


def test_the_same_blog_newest_first_is_the_same_blog(store):
    ingest(store, sample_entries())
    before = store.dump()
    newest_first = blog(reversed(sample_entries()), newest_first=True)
    report = ingest_blog(newest_first, store, source="test-blog", geoparser=WordGeoparser())
    assert report.unchanged == 5
    assert store.dump() == before


class Boom(RuntimeError):
    pass


def fail_after(monkeypatch, calls: int) -> None:
    """Make the store's mention writer raise on its `calls`+1-th call, after rows were written."""
    original = dashboard.store.event_store.insert_mentions
    count = {"n": 0}

    def flaky(conn, entry_id, mentions, *event_args):
        if count["n"] == calls:
            raise Boom("disk on fire")
        count["n"] += 1
        return original(conn, entry_id, mentions, *event_args)

    monkeypatch.setattr(dashboard.store.event_store, "insert_mentions", flaky)


def test_a_fault_in_the_middle_of_a_first_ingest_leaves_the_store_untouched(store, monkeypatch):
    before = store.dump()
    fail_after(monkeypatch, 3)
    with pytest.raises(Boom):
        ingest(store, sample_entries())
    assert store.dump() == before
    monkeypatch.undo()
    assert ingest(store, sample_entries()).added == 5  # and the store still works


def test_a_fault_in_the_middle_of_an_update_leaves_the_store_untouched(store, monkeypatch):
    ingest(store, sample_entries())
    before = store.dump()
    entries = sample_entries()
    entries[1] = dataclasses.replace(entries[1], headline="Port activity reported, corrected")
    entries += [entry(70 + i, f"Update {i}", "Crowds gathered in Aleppo.") for i in range(4)]
    fail_after(monkeypatch, 2)
    with pytest.raises(Boom):
        ingest(store, entries)
    assert store.dump() == before


def test_a_failing_geoparser_stops_the_ingest_before_any_write(store):
    ingest(store, sample_entries()[:2])
    before = store.dump()

    def broken(text, context):
        if "Aleppo" in text:
            raise KeyError("index missing")
        return WordGeoparser()(text, context)

    with pytest.raises(IngestError, match="geoparser failed on the entry at 09:30 AM GMT"):
        ingest(store, sample_entries(), broken)
    assert store.dump() == before


def test_html_and_script_survive_as_text(store):
    text = "<script>alert(1)</script> crowds in <b>Aleppo</b> & ${x}"
    ingest(store, [entry(1, "<h1>Headline</h1>", text)])
    frame = store.entries()
    assert frame["headline"].item() == "<h1>Headline</h1>" and frame["body"].item() == text
    assert store.mentions()["place_id"].tolist() == [ALEPPO.place_id]


def test_reparse_replaces_the_places_of_unchanged_entries_when_they_differ(store):
    ingest(store, sample_entries())
    before = store.dump()
    same = ingest(store, sample_entries(), reparse=True)
    assert (same.unchanged, same.remapped) == (5, 0)
    assert store.dump() == before  # the same places found again: nothing rewritten

    # A "newer gazetteer" that places Damascus in Homs: the entries naming Damascus are remapped.
    from word_geoparser import GAZETTEER
    moved = {**GAZETTEER, "Damascus": (HOMS, ())}
    report = ingest(store, sample_entries(), WordGeoparser(moved), reparse=True)
    assert (report.added, report.updated, report.unchanged, report.remapped) == (0, 0, 5, 2)
    assert DAMASCUS.place_id not in set(store.mentions()["place_id"])
    assert DAMASCUS.place_id not in {row[0] for row in store.dump()["places"]}


def test_source_name_comes_from_the_blog_when_not_given(store):
    report = ingest_blog(blog(sample_entries(), source_name="from-parser"), store, geoparser=WordGeoparser())
    assert report.source == "from-parser"
    with pytest.raises(IngestError, match="no source name"):
        ingest_blog(blog(sample_entries(), source_name=""), store, geoparser=WordGeoparser())


def test_a_blog_without_entries_is_refused(store):
    with pytest.raises(IngestError, match="no entries"):
        ingest(store, [])
    assert store.is_empty()


def test_warnings_are_passed_on(store):
    report = ingest_blog(blog(sample_entries(), warnings=["two entries had no time,\n kept in order"]),
                         store, source="s", geoparser=WordGeoparser())
    assert report.warnings == ["two entries had no time, kept in order"]
    assert "  warning: two entries had no time, kept in order" in report.lines()


def test_report_lines(store):
    lines = ingest(store, sample_entries()).lines()
    assert lines[0].startswith("source 'test-blog' (id 1): 5 added, 0 updated, 0 unchanged")
    assert any("9 places, 11 mentions" in line for line in lines)
    assert any("not resolved to a place: Nowhereville" in line for line in lines)


# -- with the real geoparser -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_geoparser():
    try:
        return default_geoparser()
    except IngestError:
        pytest.skip("gazetteer.geoparse is not there yet")


@pytest.mark.slow  # the first use of the gazetteer in a fresh environment builds its index
def test_the_default_geoparser_is_the_gazetteers(store, real_geoparser):
    report = ingest_blog(blog(sample_entries()), store, source="real")
    assert report.added == 5
    placed = dict(zip(store.mentions()["mention"], store.mentions()["place_id"], strict=False))
    assert placed["Damascus"] == DAMASCUS.place_id
    assert placed["Aleppo"] == ALEPPO.place_id
    before = store.dump()
    again = ingest_blog(blog(sample_entries()), store, source="real")
    assert again.unchanged == 5 and store.dump() == before
    remapped = ingest_blog(blog(sample_entries()), store, source="real", reparse=True)
    assert remapped.remapped == 0 and store.dump() == before  # the geoparser is deterministic
