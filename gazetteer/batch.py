"""Geoparse a JSONL file of documents, in one process or several, with the same output either way.

Input: one JSON object a line with "id" and "text". Output: one line per document, in input order,
`{"id": ..., "mentions": [Mention.as_dict(), ...]}`. With `jobs` > 1 the documents are shared out to
that many worker processes; on Linux they are forked after the gazetteer is loaded, so they share
its memory and start at once.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

CHUNK_DOCUMENTS = 8  # the fewest documents worth a worker of their own
MAX_TASK_DOCUMENTS = 64  # the most documents in one task (a worker's share is cut into 8 tasks or more)


def read_documents(path: Path) -> list[tuple[object, str]]:
    """(id, text) of every document, or a ValueError naming the first bad line.

    Lines end at "\\n" only: a text may hold U+2028 or other characters that `str.splitlines` takes
    for line ends."""
    documents = []
    with open(path, encoding="utf-8", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                text = doc["text"]
            except (json.JSONDecodeError, KeyError, TypeError) as err:
                raise ValueError(f"{path}:{number}: expected a JSON object with 'id' and 'text' ({err})") from err
            documents.append((doc.get("id"), str(text)))
    return documents


def _line(document: tuple[object, str]) -> str:
    from gazetteer.geoparser import default_geoparser

    doc_id, text = document
    mentions = [m.as_dict() for m in default_geoparser().parse(text)]
    return json.dumps({"id": doc_id, "mentions": mentions}, ensure_ascii=False) + "\n"


# In a forked worker, the documents of its batch: it inherits the list (a fork copies the process,
# the pool's arguments with it, unpickled), so a task names a range of it instead of carrying texts.
_inherited: list[tuple[object, str]] = []


def _inherit(documents: list[tuple[object, str]]) -> None:
    global _inherited
    _inherited = documents


def _lines(chunk: range | list[tuple[object, str]]) -> list[str]:
    """A worker's task: the output lines of a range of the inherited documents, or of documents sent."""
    documents = _inherited[chunk.start:chunk.stop] if isinstance(chunk, range) else chunk
    return list(map(_line, documents))


def geoparse_lines(documents: list[tuple[object, str]], jobs: int = 1) -> Iterator[str]:
    """The output lines, in input order."""
    if jobs < 1:
        raise ValueError(f"--jobs must be at least 1, not {jobs}")
    jobs = min(jobs, max(1, len(documents) // CHUNK_DOCUMENTS))
    if jobs == 1:
        yield from map(_line, documents)
        return
    from gazetteer.geoparser import default_geoparser

    # Tasks large enough that passing them costs little, small enough that the workers end together.
    size = max(1, min(MAX_TASK_DOCUMENTS, len(documents) // (8 * jobs)))
    starts = range(0, len(documents), size)
    chunks: list[range] | list[list[tuple[object, str]]]
    forked = "fork" in multiprocessing.get_all_start_methods()
    if forked:
        default_geoparser()  # loaded once here; forked workers share it
        chunks = [range(i, min(i + size, len(documents))) for i in starts]
        # What is loaded now goes to the collector's permanent generation: a worker's collections
        # then never walk (and so never copy, page by page) the memory it shares with this process.
        gc.freeze()
    else:
        # A spawned worker loads the gazetteer once, on its first document, and is sent its texts.
        chunks = [documents[i:i + size] for i in starts]
    try:
        if forked:
            pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_inherit, initargs=(documents,))
        else:
            pool = multiprocessing.get_context("spawn").Pool(jobs)
        with pool:
            for lines in pool.imap(_lines, chunks):
                yield from lines
    finally:
        if forked:
            gc.unfreeze()


def write_geoparsed(documents: list[tuple[object, str]], sink: TextIO, jobs: int = 1,
                    progress: Callable[[int | None], None] | None = None) -> int:
    """Geoparse `documents` (from `read_documents`) into `sink`; returns how many were written."""
    done = 0
    try:
        for line in geoparse_lines(documents, jobs):
            sink.write(line)
            done += 1
            if progress:
                progress(done)
    finally:
        if progress:
            progress(None)
    return done


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1

