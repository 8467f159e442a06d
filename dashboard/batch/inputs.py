"""What a batch ingests: files, folders, glob patterns and JSON Lines files of blogs, as tasks.

A folder is read recursively for files with a live-blog extension (hidden files and folders left
out), in name order; a pattern (`archive/2024-*/*.html`, `**` for any depth) is expanded in name
order; a `.jsonl` file holds one blog a line, `{"source", "url", "date", "tz", "format", "text"}`,
all but `text` optional. Everything else given is a live-blog file, read as `ingest FILE` reads it.

Tasks are made lazily, so that a JSON Lines archive is never held whole in memory; `count_blogs`
says beforehand how many there will be (for the progress bar).
"""

from __future__ import annotations

import glob
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from dashboard.ingest import one_line

JSONL_SUFFIX = ".jsonl"
# Files a folder is read for: the parser's formats (text, saved pages, feeds, CSV, JSON) and JSON Lines.
BLOG_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml", ".rss", ".atom", ".xml", ".csv", ".json",
                 JSONL_SUFFIX)
# A JSON Lines blog's "format", as the file extension the parser reads a format from.
FORMAT_SUFFIXES = {"text": ".txt", "txt": ".txt", "html": ".html", "rss": ".rss", "atom": ".atom",
                   "feed": ".rss", "csv": ".csv", "json": ".json"}
JSONL_FIELDS = ("source", "url", "date", "tz", "format", "text")
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class BlogTask:
    """One blog of a batch: where it is, what to call it, and what the store already holds of it.

    Either `path` (a file the worker reads) or `data` (the blog's bytes) is set; `filename` is what
    the parser names it by in messages and reads its format from. `rejected` is a message when the
    blog was refused before parsing (a bad JSON line). `stored` (the source's stored entry hashes) is
    filled in by the writer just before the task is sent, so that unchanged entries are not geoparsed.
    """

    index: int
    label: str
    source: str
    url: str | None = None
    date: Date | None = None
    tz: str | None = None
    encoding: str | None = None
    path: str | None = None
    data: bytes | None = None
    filename: str = ""
    rejected: str = ""
    reparse: bool = False
    stored: Mapping[tuple[str, int], str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Defaults:
    """The command's options, applied to every blog unless a JSON Lines blog says otherwise."""

    source: str | None = None
    url: str | None = None
    date: Date | None = None
    tz: str | None = None
    encoding: str | None = None
    reparse: bool = False


class InputError(Exception):
    """An input names nothing to read (a pattern that matches no file, an empty folder): one line."""


def blog_files(inputs: Sequence[str | Path]) -> list[Path]:
    """Every file the inputs name, in the order given (folders and patterns in name order).

    A path that does not exist and is no pattern is kept: reading it fails as that blog's error.
    """
    files: list[Path] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in BLOG_SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                raise InputError(f"{given}: no live-blog files in this folder ({', '.join(BLOG_SUFFIXES)})")
            files.extend(found)
        elif not path.exists() and _GLOB_CHARS & set(str(given)):
            matches = sorted(Path(m) for m in glob.glob(str(given), recursive=True) if Path(m).is_file())
            if not matches:
                raise InputError(f"{given}: no file matches this pattern")
            files.extend(matches)
        else:
            files.append(path)
    return files


def is_jsonl(path: Path) -> bool:
    return path.suffix.lower() == JSONL_SUFFIX


def count_blogs(files: Sequence[Path]) -> int:
    """How many blogs the files hold: one a file, one a non-blank line of a JSON Lines file."""
    total = 0
    for path in files:
        if is_jsonl(path) and path.is_file():
            try:
                with path.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            except OSError:
                total += 1  # reading it fails again later, as one blog's error
        else:
            total += 1
    return total


def blog_tasks(files: Sequence[Path], defaults: Defaults) -> Iterator[BlogTask]:
    """The batch's tasks, in input order, numbered from 0."""
    index = 0
    for path in files:
        if is_jsonl(path):
            for task in _jsonl_tasks(path, defaults, index):
                yield task
                index += 1
        else:
            yield BlogTask(index, str(path), defaults.source or path.stem, url=defaults.url, date=defaults.date,
                           tz=defaults.tz, encoding=defaults.encoding, path=str(path), filename=str(path),
                           reparse=defaults.reparse)
            index += 1


def _jsonl_tasks(path: Path, defaults: Defaults, first: int) -> Iterator[BlogTask]:
    index = first
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield BlogTask(index, str(path), "", rejected=f"{path}: cannot read it ({exc.strerror or exc})")
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            label = f"{path}:{number}"
            try:
                yield _jsonl_task(raw, label, f"{path.stem}:{number}", defaults, index)
            except ValueError as exc:
                yield BlogTask(index, label, "", rejected=f"{label}: {one_line(exc)}")
            index += 1


def _jsonl_task(raw: bytes, label: str, fallback_name: str, defaults: Defaults, index: int) -> BlogTask:
    """One line of a JSON Lines file as a task; a ValueError says what is wrong with it."""
    try:
        blog = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a JSON object ({exc})") from None
    if not isinstance(blog, dict):
        raise ValueError(f"not a JSON object with the fields {', '.join(JSONL_FIELDS)}")
    values = {}
    for name in JSONL_FIELDS:
        value = blog.get(name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{name!r} is not a string")
        values[name] = value.strip() if value is not None and name != "text" else value
    if not values["text"]:
        raise ValueError("no 'text': the blog itself is missing")
    fmt = (values["format"] or "").lower()
    if fmt and fmt not in FORMAT_SUFFIXES:
        raise ValueError(f"unknown format {values['format']!r}: use one of {', '.join(sorted(FORMAT_SUFFIXES))}")
    day = defaults.date
    if values["date"]:
        try:
            day = Date.fromisoformat(values["date"])
        except ValueError:
            raise ValueError(f"'date' is not a date (YYYY-MM-DD): {values['date']!r}") from None
    # A stated format becomes the extension the parser reads it from; without one the parser looks
    # at the text, as it does for a file with no known extension.
    return BlogTask(index, label, values["source"] or defaults.source or fallback_name,
                    url=values["url"] or defaults.url, date=day, tz=values["tz"] or defaults.tz,
                    data=values["text"].encode("utf-8", "surrogatepass"),
                    filename=label + FORMAT_SUFFIXES[fmt] if fmt else label,
                    reparse=defaults.reparse)
