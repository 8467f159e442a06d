"""Batch geoparsing: `python -m gazetteer geoparse --jsonl IN --out OUT --jobs N`."""

from __future__ import annotations

import json

import pytest

from gazetteer.batch import read_documents
from gazetteer.cli import main

pytestmark = pytest.mark.slow

TEXTS = [
    "Convoys left Qamishli for the Khmeimim air base on Friday.",
    "Shelling was reported near Aleppo and Idlib\u2028overnight, and later in Hama.",  # a line separator inside
    "Talks in Vienna and Geneva went on; Mr Alexander said little.",
    "",
    "Flooding closed roads between Leeds and York.",
]


def write_batch(path, count=40):
    lines = [json.dumps({"id": i, "text": TEXTS[i % len(TEXTS)] + f" Report {i}."}, ensure_ascii=False)
             for i in range(count)]
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")


def test_several_jobs_write_what_one_job_writes(tmp_path):
    source = tmp_path / "in.jsonl"
    write_batch(source)
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.jsonl"
        assert main(["geoparse", "--jsonl", str(source), "--out", str(out), "--jobs", jobs]) == 0
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    rows = [json.loads(line) for line in outputs[0].splitlines()]
    assert [r["id"] for r in rows] == list(range(40))
    assert [m["text"] for m in rows[1]["mentions"]] == ["Aleppo", "Idlib", "Hama"]


def test_spawned_workers_write_what_forked_ones_write(tmp_path, monkeypatch):
    # Where processes cannot fork, workers are spawned and sent their texts instead of inheriting them.
    import multiprocessing

    source = tmp_path / "in.jsonl"
    write_batch(source, 24)
    outputs = []
    for methods in (["fork", "spawn"], ["spawn"]):
        monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda methods=methods: methods)
        out = tmp_path / f"out-{len(methods)}.jsonl"
        assert main(["geoparse", "--jsonl", str(source), "--out", str(out), "--jobs", "2"]) == 0
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1] and len(outputs[0].splitlines()) == 24


def test_a_bad_line_is_named_and_nothing_is_written(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "In Paris."}\n{"id": 2}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["geoparse", "--jsonl", str(source), "--out", str(out)]) == 1  # a failure, not a usage error
    assert f"{source}:2" in capsys.readouterr().err
    assert not out.exists()


def test_lines_end_only_at_newlines(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": "one\u2028two\u0085three"}, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    assert read_documents(source) == [("a", "one\u2028two\u0085three")]


def test_negative_jobs_are_refused(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    write_batch(source, 2)
    with pytest.raises(SystemExit) as usage:  # argparse's own usage error
        main(["geoparse", "--jsonl", str(source), "--jobs", "-1"])
    assert usage.value.code == 2
    assert "--jobs" in capsys.readouterr().err
