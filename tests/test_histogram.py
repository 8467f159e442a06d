"""The histogram of entries over time: bin widths, counts per source, the chart's window band, and
the chart in the app (AppTest), following the slider."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest
from app_support import run_app

from dashboard.view import histogram as H

T0 = pd.Timestamp("2024-12-13T08:00:00Z")


def entries(*rows: tuple[float, str]) -> pd.DataFrame:
    """Entries at minutes after T0, with their source's name."""
    return pd.DataFrame({"time_utc": [T0 + pd.Timedelta(minutes=m) for m, _ in rows],
                         "source": [s for _, s in rows]})


@pytest.mark.parametrize(("span", "width"), [
    ("0min", "1min"), ("90min", "1min"), ("3h", "2min"), ("6h", "5min"), ("1D", "15min"),
    ("7D", "2h"), ("50D", "12h"), ("3000D", "7D")])
def test_the_bin_width_is_the_shortest_round_width_that_fits(span, width):
    assert H.bin_width(T0, T0 + pd.Timedelta(span)) == pd.Timedelta(width)


def test_counts_per_bin_and_source_aligned_on_round_times():
    frame = H.counts_frame(entries((3, "a"), (4, "a"), (7, "b"), (62, "a"), (118, "b")), max_bins=10)
    # Two hours fit ten bins of 15 minutes, starting on the quarter hour.
    assert set(frame["end"] - frame["start"]) == {pd.Timedelta("15min")}
    assert frame["start"].min() == T0 and frame["start"].max() == T0 + pd.Timedelta("105min")
    a = frame[frame["source"] == "a"].set_index("start")["count"]
    b = frame[frame["source"] == "b"].set_index("start")["count"]
    assert a[T0] == 2 and b[T0] == 1 and a[T0 + pd.Timedelta("60min")] == 1 and b[T0 + pd.Timedelta("105min")] == 1
    assert frame["count"].sum() == 5
    assert (a[T0 + pd.Timedelta("15min")], b[T0 + pd.Timedelta("30min")]) == (0, 0)  # quiet bins are kept
    assert list(dict.fromkeys(frame["source"])) == ["a", "b"]
    assert frame.loc[0, "label"] == "13 Dec 2024 08:00 – 08:15"  # another year than this one: with the year


def test_entries_without_time_are_left_out_and_no_entries_give_an_empty_frame():
    frame = H.counts_frame(pd.DataFrame({"time_utc": [T0, pd.NaT], "source": ["a", "a"]}))
    assert frame["count"].sum() == 1
    empty = H.counts_frame(pd.DataFrame({"time_utc": pd.Series([], dtype="datetime64[ns, UTC]"), "source": []}))
    assert empty.empty and list(empty.columns) == H.COLUMNS


def layers(spec: dict) -> list[dict]:
    return spec["layer"]


def test_the_chart_shades_the_window_and_colours_sources():
    frame = H.counts_frame(entries((0, "a"), (30, "b"), (60, "a")))
    window = (T0 + pd.Timedelta("10min"), T0 + pd.Timedelta("40min"))
    spec = H.chart(frame, window, {"a": "#b3261e", "b": "#1d5fa6"}).to_dict()
    shade, bars, _, names = layers(spec)
    band = spec["datasets"][shade["data"]["name"]][0]
    assert (band["start"], band["end"]) == (window[0].value // 10**6, window[1].value // 10**6)
    assert bars["encoding"]["color"]["scale"] == {"domain": ["a", "b"], "range": ["#b3261e", "#1d5fa6"]}
    assert bars["encoding"]["x"]["scale"]["type"] == "utc"
    # One lane each, named: "a" (two entries) on top.
    assert [row["source"] for row in spec["datasets"][names["data"]["name"]]] == ["a", "b"]
    assert names["mark"]["type"] == "text"
    single = H.chart(H.counts_frame(entries((0, "a"), (5, "a"))), window).to_dict()
    assert "value" in layers(single)[1]["encoding"]["color"]  # one source: one plain colour, no legend
    assert single["height"] >= 120  # tall enough to read


def test_lanes_are_the_eight_largest_blogs_and_others():
    rows = [(k, f"blog{n}") for n in range(11) for k in range(n + 1)]  # blog10 has the most entries
    frame = H.counts_frame(entries(*rows))
    lanes = list(dict.fromkeys(frame["source"]))
    assert lanes == [f"blog{n}" for n in range(10, 2, -1)] + [H.OTHERS]
    assert frame.loc[frame["source"] == H.OTHERS, "count"].sum() == 1 + 2 + 3
    lanes_drawn = H.lane_rows(frame)
    top = lanes_drawn[lanes_drawn["source"] == "blog10"]
    assert top["y0"].min() == len(lanes) - 1 and top["y1"].max() == pytest.approx(len(lanes) - 1 + H.BAR_SHARE)
    spec = H.chart(frame, (T0, T0 + pd.Timedelta("1h"))).to_dict()
    assert spec["height"] == H.LANE_HEIGHT * len(lanes)


def test_the_axis_is_24_hours_utc_with_the_year_when_needed():
    assert H.axis_format(pd.Timestamp("2023-03-04T11:00Z"), pd.Timestamp("2025-12-13T15:00Z")) == "%d %b %Y"
    assert H.axis_format(pd.Timestamp("2024-12-13T08:00Z"), pd.Timestamp("2024-12-14T08:00Z")) == "%d %b %Y %H:%M"
    now = pd.Timestamp.now(tz="UTC").floor("D")
    assert H.axis_format(now, now + pd.Timedelta("2h")) in ("%H:%M", "%d %b %Y %H:%M")  # (the first of January)
    spec = H.chart(H.counts_frame(entries((0, "a"))), (T0, T0)).to_dict()
    assert spec["layer"][1]["encoding"]["x"]["title"] == "UTC"
    axis = spec["layer"][1]["encoding"]["x"]["axis"]
    assert "%I" not in axis["format"] and axis["labelExpr"] == f"utcFormat(datum.value, '{axis['format']}')"
    assert all(layer["encoding"]["x"].get("axis") == axis for layer in spec["layer"])  # no layer brings its own


def test_the_app_shows_the_histogram_following_the_slider(small_blog_db, monkeypatch):
    at = run_app(small_blog_db, monkeypatch)
    assert not at.exception

    def datasets() -> dict[str, pd.DataFrame]:
        """The chart's data, which Streamlit ships beside the spec as Arrow tables."""
        chart = at.get("vega_lite_chart")[0].proto
        return {d.name: pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.datasets}

    def band() -> tuple[pd.Timestamp, pd.Timestamp]:
        (row,) = [frame.iloc[0] for frame in datasets().values() if str(frame["label"].iloc[0]).startswith("Window")]
        return pd.Timestamp(row["start"], unit="ms", tz="UTC"), pd.Timestamp(row["end"], unit="ms", tz="UTC")

    assert band() == (pd.Timestamp("2024-12-13T08:00Z"), pd.Timestamp("2024-12-13T11:00Z"))
    # The counts, which no step changes, travel in the spec itself: only the band is converted per step.
    (band_rows,) = datasets().values()
    assert "count" not in band_rows.columns
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    (counts,) = [pd.DataFrame(layer["data"]["values"]) for layer in spec["layer"] if "values" in layer["data"]]
    assert counts["count"].sum() == 4 and set(counts["source"]) == {"small-blog"}
    at.select_slider[0].set_range(1, 2).run()
    assert band() == (pd.Timestamp("2024-12-13T09:00Z"), pd.Timestamp("2024-12-13T10:00Z"))
