"""The Parquet export: the CSV export's rows and columns, typed, read back with pandas and pyarrow."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pyarrow.parquet as pq
import pytest
from word_geoparser import DAMASCUS, WordGeoparser, blog, entry, sample_entries

from dashboard.cli import main
from dashboard.export import (
    ATTRIBUTION,
    COLUMNS,
    CORRECTION_COLUMNS,
    export,
    export_binary,
    export_rows,
    to_parquet,
)
from dashboard.ingest import ingest_blog
from dashboard.store import EventStore

NASTY = 'Quotes "a", commas, a break\nand \r carriage, <b>markup</b>, =SUM(A1), 🚀 Ünïcödé'


@pytest.fixture
def store(tmp_path):
    with EventStore(tmp_path / "events.db") as opened:
        ingest_blog(blog(sample_entries()), store=opened, source="test-blog", url="https://news.example/live",
                    geoparser=WordGeoparser())
        yield opened


def read(data: bytes) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(data))


def test_the_rows_and_columns_of_the_csv_export_typed(store):
    frame = read(export_binary(store, "parquet"))
    rows = list(csv.DictReader(io.StringIO(export(store, "csv"), newline="")))
    assert tuple(frame.columns) == COLUMNS
    assert len(frame) == len(rows) == len(export_rows(store)) == 10
    assert str(frame["time"].dtype) == "datetime64[us, UTC]"
    assert frame["lat"].dtype == "float64" and frame["lon"].dtype == "float64" and frame["score"].dtype == "float64"
    assert frame["is_lead"].dtype == "bool"
    assert str(frame["entry_id"].dtype) == "Int64" and str(frame["geonameid"].dtype) == "Int64"
    # Cell by cell, the same values as the CSV's text.
    for typed, text in zip(frame.to_dict("records"), rows, strict=True):
        assert typed["time"].isoformat() == text["time"]
        assert str(typed["entry_id"]) == text["entry_id"] and str(typed["geonameid"]) == text["geonameid"]
        assert repr(typed["lat"]) == text["lat"] and repr(typed["lon"]) == text["lon"]
        assert ("true" if typed["is_lead"] else "false") == text["is_lead"]
        for column in ("source", "url", "headline", "mention", "place", "country_code", "place_precision", "text"):
            assert typed[column] == text[column], column
        assert pd.isna(typed["reviewed_at"]) and text["reviewed_at"] == ""
        assert typed["event_start"].isoformat() == text["event_start"]
        assert typed["event_end"].isoformat() == text["event_end"]
        assert typed["event_precision"] == text["event_precision"] and typed["event_words"] == text["event_words"]
        assert ("true" if typed["event_expected"] else "false") == text["event_expected"]
    assert str(frame["event_start"].dtype) == str(frame["event_end"].dtype) == "datetime64[us, UTC]"
    assert frame["event_expected"].dtype == "bool"
    damascus = frame[frame["place"] == "Damascus"].iloc[0]
    assert (damascus["lat"], damascus["lon"], damascus["geonameid"]) == (DAMASCUS.latitude, DAMASCUS.longitude,
                                                                         DAMASCUS.geonameid)


def test_text_is_kept_as_it_came_in(tmp_path):
    with EventStore(tmp_path / "events.db") as opened:
        ingest_blog(blog([entry(5, "Odd text from Damascus", NASTY)]), opened, source="odd",
                    geoparser=WordGeoparser())
        frame = read(export_binary(opened, "parquet"))
    # No spreadsheet guard here: Parquet is data, not a sheet a click runs.
    assert frame["text"].tolist() == [f"Odd text from Damascus\n\n{NASTY}"]


def test_corrections_have_null_places_and_timestamps(store):
    mentions = store.mentions()
    first = mentions.iloc[0]
    store.correct_mention(int(first["entry_id"]), int(first["start"]), int(first["end"]), str(first["mention"]),
                          None, author="Analyst A")
    frame = read(export_binary(store, "parquet", what="corrections"))
    assert tuple(frame.columns) == CORRECTION_COLUMNS
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["decision"] == "not-a-place" and row["corrected_by"] == "Analyst A"
    assert pd.isna(row["lat"]) and pd.isna(row["geonameid"])
    assert str(frame["corrected_at"].dtype) == "datetime64[us, UTC]" and not pd.isna(row["corrected_at"])


def test_an_empty_export_is_a_valid_typed_file():
    table = pq.read_table(io.BytesIO(to_parquet([])))
    assert table.num_rows == 0 and tuple(table.column_names) == COLUMNS
    assert str(table.schema.field("time").type) == "timestamp[us, tz=UTC]"
    assert str(table.schema.field("lat").type) == "double"
    assert table.schema.metadata[b"attribution"].decode() == ATTRIBUTION


def test_the_command_needs_a_file(store, tmp_path):
    db = str(store.path)
    out, err = io.StringIO(), io.StringIO()
    assert main(["export", "--format", "parquet", "--db", db], stdout=out, stderr=err) == 2
    assert out.getvalue() == ""
    assert err.getvalue() == "error: --format parquet writes a binary file: give it with --out FILE\n"

    target = tmp_path / "places.parquet"
    assert main(["export", "--format", "parquet", "--db", db, "--out", str(target)], stdout=out, stderr=err) == 0
    assert len(pd.read_parquet(target)) == 10
