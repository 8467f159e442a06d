"""Data files: CSV with a header and JSON, one record per entry.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from dashboard import settings
from dashboard.liveblog import timeparse as tp
from dashboard.liveblog.compose import compose
from dashboard.liveblog.lines import BLANK, FURNITURE, TEXT, Line, is_furniture, text_lines
from dashboard.liveblog.reading import Context, quoted
from dashboard.liveblog.text import Dates, no_date, zones_for
from dashboard.model import Entry, ParsedBlog

# ---------------------------------------------------------------------------------------------
# CSV and JSON

_COLUMNS = {"time": "time", "headline": "headline", "text": "text", "body": "text", "source": "source",
            "url": "url"}


@dataclass(slots=True)
class _Record:
    number: int
    where: str
    fields: dict[str, str]
    raw: str


def _first_line(text: str) -> str:
    """The first line that is not blank, found without splitting the whole (perhaps 20 MB) text."""
    return next((m.group() for m in _LINE.finditer(text) if m.group().strip()), "")


_LINE = re.compile(r"[^\r\n]+")


def csv_header(text: str) -> list[str] | None:
    first = _first_line(text)
    try:
        header = next(csv.reader([first], delimiter=_csv_delimiter(first)))
    except (csv.Error, StopIteration):
        return None
    names = [h.strip().lower() for h in header]
    if "time" in names and {"text", "body", "headline"} & set(names) and len(names) >= 2:
        return names
    return None


def _csv_delimiter(first_line: str) -> str:
    return max(",;\t", key=first_line.count)


def csv_records(text: str, ctx: Context) -> list[_Record]:
    header = csv_header(text)
    if header is None:
        raise ctx.error("CSV needs a header with a 'time' column and a 'text' (or 'body') "
                        "or 'headline' column")
    content = text.lstrip()
    skipped = text[:len(text) - len(content)].count("\n")  # blank lines above the header
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=_csv_delimiter(_first_line(content)))
    records = []
    number = skipped + 1
    try:
        next(reader)
        while True:
            number = skipped + reader.line_num + 1  # where the next row starts
            row = next(reader, None)
            if row is None:
                break
            if not any(cell.strip() for cell in row):
                continue
            ctx.tick()
            if len(records) >= settings.MAX_ENTRIES:
                raise ctx.over("entries", settings.MAX_ENTRIES)
            fields: dict[str, str] = {}
            for name, cell in zip(header, row, strict=False):
                column = _COLUMNS.get(name)
                if column and not fields.get(column):
                    fields[column] = cell
            raw = io.StringIO()
            csv.writer(raw).writerow(row)
            records.append(_Record(number, f"line {number}", fields, raw.getvalue().rstrip("\r\n")))
    except csv.Error as err:
        raise ctx.error(f"line {number}: not readable as CSV ({err})") from None
    return records


def _json_integer(digits: str) -> int | str:
    """A JSON integer as a Python int; one longer than Python converts (4,300 digits by default) is
    kept as its digits, text like any other field, instead of failing the whole file."""
    try:
        return int(digits)
    except ValueError:
        return digits


def _load_json(text: str) -> object:
    return json.loads(text, parse_int=_json_integer)


def json_document(text: str) -> tuple[list, dict] | None:
    """(items, top-level fields) when `text` is JSON in one of the accepted shapes, else None."""
    try:
        document = _load_json(text)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return None
    if isinstance(document, list):
        return document, {}
    if isinstance(document, dict):
        top = {str(k).lower(): v for k, v in document.items()}
        if isinstance(top.get("entries"), list):
            return top["entries"], top
    return None


def _json_records(text: str, ctx: Context) -> tuple[list[_Record], dict]:
    shaped = json_document(text)
    if shaped is None:
        try:
            _load_json(text)
        except json.JSONDecodeError as err:
            raise ctx.error(f"not valid JSON: {err.msg} at line {err.lineno} column {err.colno}") from None
        except RecursionError:
            raise ctx.error("not readable as JSON (nested too deeply)") from None
        raise ctx.error('JSON must be a list of entries or {"entries": [...]}')
    items, top = shaped
    if len(items) > settings.MAX_ENTRIES:
        raise ctx.over("entries", settings.MAX_ENTRIES)
    records = []
    for n, item in enumerate(items, 1):
        ctx.tick()
        if not isinstance(item, dict):
            raise ctx.error(f"entry {n}: not an object with time, headline, text")
        fields: dict[str, str] = {}
        for key, value in item.items():
            column = _COLUMNS.get(str(key).strip().lower())
            if column is None or value is None or fields.get(column):
                continue
            if column == "time" and not isinstance(value, str):
                raise ctx.error(f"entry {n}: time {quoted(value)} is not text "
                                "(give ISO 8601, e.g. 2024-12-13T15:21Z)")
            if isinstance(value, list):
                value = "\n\n".join(str(v) for v in value)
            fields[column] = value if isinstance(value, str) else str(value)
        raw = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
        records.append(_Record(n, f"entry {n}", fields, raw))
    return records, top


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def parse_records(records: list[_Record], ctx: Context, title: str = "", published: datetime | None = None,
                   source: str = "") -> ParsedBlog:
    with_text = []
    for record in records:
        if record.fields.get("headline", "").strip() or record.fields.get("text", "").strip():
            with_text.append(record)
        else:
            ctx.warn(record.number, "no headline and no text; skipped")
    records = with_text
    if not records:
        raise ctx.error("no entries with text")
    stamps = []
    for record in records:
        ctx.tick()
        value = record.fields.get("time", "").strip()
        found = tp.parse_time_value(value) if value else None
        if not isinstance(found, tp.Stamp):
            reason = found.reason if isinstance(found, tp.NotATime) else "not a time"
            raise ctx.error(f"{record.where}: time {quoted(value)} is not usable ({reason}; give ISO 8601 "
                            "such as 2024-12-13T15:21:00Z or a time such as 03:21 PM GMT)")
        stamps.append(found)
    zones = zones_for(ctx, stamps)
    lines = [Line(r.number, r.raw, r.fields.get("text", "")) for r in records]
    for line in lines:
        line.kind = TEXT
    dates = Dates(ctx, lines, [s.day for s in stamps])
    slots = []
    for stamp, zone, record in zip(stamps, zones, records, strict=True):
        day = None
        if stamp.day is not None and stamp.exact is None:
            day = dates.resolve(stamp.day, record.number, stamp.text)
        slots.append(tp.Slot(stamp.clock, zone, day, stamp.exact))
    fallback = tp.Anchor("oldest", published.date(), published) if published else None
    try:
        moments, newest_first = tp.place_on_days(slots, first_day=ctx.date, fallback=fallback)
    except tp.NoDateError:
        raise no_date(ctx) from None
    entries = []
    names = {source.strip()} - {""}
    for record, stamp, moment in zip(records, stamps, moments, strict=True):
        ctx.tick()
        body_lines = text_lines(record.fields.get("text", ""))
        for line in body_lines:
            line.kind = BLANK if not line.text else FURNITURE if is_furniture(line.text) else TEXT
        _, body, captions = compose(body_lines, take_headline=False)
        row_source = record.fields.get("source", "").strip()
        url = record.fields.get("url", "").strip() or (row_source if _is_url(row_source) else "")
        if row_source and not _is_url(row_source):
            names.add(row_source)
        headline = tp.clean_line(record.fields.get("headline", ""))
        entries.append(Entry(moment, stamp.text, headline, body, captions, is_timed=stamp.has_clock, url=url,
                             raw_text=record.raw))
    return ParsedBlog(title, tuple(entries), tuple(ctx.warnings), published, newest_first,
                      source_name=names.pop() if len(names) == 1 else "")


def parse_json(text: str, ctx: Context) -> ParsedBlog:
    records, top = _json_records(text, ctx)
    title = top.get("title") if isinstance(top.get("title"), str) else ""
    published = None
    if isinstance(top.get("published"), str):
        published = tp.parse_instant(top["published"])
        if published is not None and published.tzinfo is None:
            published = published.replace(tzinfo=ctx.tz or UTC)
        published = published.astimezone(UTC) if published else None
    source = top.get("source") if isinstance(top.get("source"), str) else ""
    return parse_records(records, ctx, tp.clean_line(title or ""), published, source or "")

