"""The command line: `python -m dashboard ingest | export | info | blogs | serve`.

Each file given to `ingest` is its own transaction: a rejected file prints one `error:` line to
stderr and leaves the store as it was, the others are still stored, and the exit status is 1 if any
file failed. Exit status 2 is a usage error (argparse's own convention).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from dashboard import settings
from dashboard.export import FORMATS, export
from dashboard.ingest import IngestError, ingest_blog, load_blog
from dashboard.store import EventStore, StoreError
from gazetteer.places import DATA_ATTRIBUTION


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Live blogs in, a map of the places they name out. Entries and their places are kept "
                    "in an event store (an SQLite file) that the dashboard app reads.",
        epilog="Example: python -m dashboard ingest data/sample-liveblog.txt && "
               "python -m dashboard export --format geojson --out places.geojson",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db_help = f"the event store file (default: $DASHBOARD_DB, else {settings.default_db_path()})"

    ingest = sub.add_parser(
        "ingest", help="parse live blogs, find the places they name, and store them",
        description="Parse each live-blog file (text, saved HTML page or CSV), geoparse the entries that "
                    "are new or changed, and store them, one transaction per file. Ingesting the same "
                    "blog again changes nothing; a newer version adds its new entries and updates the "
                    "changed ones. Entries missing from a newer version are kept; given another --date or --tz "
                    "than the last time, the blog's entries are replaced and its corrections follow them.")
    ingest.add_argument("files", nargs="+", metavar="FILE", type=Path, help="live-blog files to ingest")
    ingest.add_argument("--date", type=_date, metavar="YYYY-MM-DD",
                        help="the blog's date, when the file does not say it")
    ingest.add_argument("--tz", metavar="ZONE",
                        help="time zone of times written without one (an IANA name such as Europe/London)")
    ingest.add_argument("--source", metavar="NAME",
                        help="the source's name in the store (default: the file name without extension); "
                             "with several files, each file is stored under this one name")
    ingest.add_argument("--url", metavar="URL", help="the blog's web address, kept with the source")
    ingest.add_argument("--encoding", metavar="ENC", help="the file's text encoding (default: detected)")
    ingest.add_argument("--reparse", action="store_true",
                        help="geoparse every entry again, not only new and changed ones "
                             "(after the gazetteer improved)")
    ingest.add_argument("--db", type=Path, metavar="PATH", help=db_help)

    exp = sub.add_parser(
        "export", help="write the mapped places as CSV, GeoJSON or KML",
        description="One row (feature, placemark) per entry and place, in time order. "
                    f"{DATA_ATTRIBUTION}.")
    exp.add_argument("--format", "-f", choices=FORMATS, required=True, help="the output format")
    exp.add_argument("--source", action="append", metavar="NAME",
                     help="only this source (repeat for several; default: all)")
    exp.add_argument("--out", "-o", type=Path, metavar="FILE", help="write here (default: standard output)")
    exp.add_argument("--db", type=Path, metavar="PATH", help=db_help)

    info = sub.add_parser("info", help="list the store's sources with entry counts and time ranges",
                          description="List the sources in the store: entries, places, mentions and the "
                                      "time range each covers.")
    info.add_argument("--db", type=Path, metavar="PATH", help=db_help)

    blogs = sub.add_parser(
        "blogs", help="list, rename or delete the stored blogs",
        description="Without an action: each blog's name, URL, entries, time span, the date and zone its "
                    "last ingest was given, and when that was. To re-date a blog, ingest it again with "
                    "--date or --tz: its entries are replaced.")
    blogs.add_argument("--db", type=Path, metavar="PATH", help=db_help)
    blog_actions = blogs.add_subparsers(dest="action", metavar="ACTION")
    rename = blog_actions.add_parser("rename", help="give a blog another name (its corrections follow it)")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    rename.add_argument("--db", type=Path, metavar="PATH", help=db_help, default=argparse.SUPPRESS)
    delete = blog_actions.add_parser("delete", help="delete a blog: its entries, places found and corrections")
    delete.add_argument("name", metavar="NAME")
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    delete.add_argument("--db", type=Path, metavar="PATH", help=db_help, default=argparse.SUPPRESS)

    serve = sub.add_parser(
        "serve", help="start the dashboard's web server",
        description="Start the dashboard (a Streamlit app) on ADDRESS:PORT, with its modules loaded before "
                    "the first visit. An empty store is filled with the bundled sample on the first visit. "
                    "Further Streamlit options go after --.",
        epilog="Example: python -m dashboard serve --port 8600 -- --server.headless true")
    serve.add_argument("--address", default="127.0.0.1",
                       help="the address to listen on (default: 127.0.0.1, this machine only)")
    # A string default is converted only when `serve` is used: a bad $PORT is then a usage error.
    serve.add_argument("--port", type=int, default=os.environ.get("PORT") or "8501",
                       help="the port (default: $PORT, else 8501)")
    serve.add_argument("--db", type=Path, metavar="PATH", help=db_help)
    serve.add_argument("streamlit_options", nargs="*", metavar="-- OPTION",
                       help="options for Streamlit itself, after --")
    return parser


# What to type to fix a rejected blog, by the field its error names (`IngestError.field`).
FLAG_HINTS = {"date": "give the date with --date YYYY-MM-DD", "zone": "give the zone with --tz, e.g. Europe/London",
              "encoding": "give the file's encoding with --encoding", "source": "give a name with --source"}


def _with_hint(exc: IngestError) -> str:
    hint = FLAG_HINTS.get(exc.field or "")
    return f"{exc} ({hint})" if hint else str(exc)


def _error(message: str, stderr: TextIO) -> None:
    print("error: " + " ".join(message.split()), file=stderr)


def _existing_store(path: Path | None) -> EventStore:
    """A store that must already exist: export and info never create an empty one."""
    db = path or settings.default_db_path()
    if not db.is_file():
        raise StoreError(f"no event store at {db} (ingest a live blog first)")
    return EventStore(db)


def cmd_ingest(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    db = args.db or settings.default_db_path()
    store: EventStore | None = None
    failed = 0
    try:
        for path in args.files:
            try:
                parsed = load_blog(path, date=args.date, tz=args.tz, encoding=args.encoding)
            except IngestError as exc:  # the message names the file
                failed += 1
                _error(_with_hint(exc), stderr)
                continue
            try:
                # Opened only once a file parsed: a rejected lone file must not leave a new empty store.
                store = store or EventStore(db)
                report = ingest_blog(parsed, store, source=args.source or path.stem, url=args.url,
                                     reparse=args.reparse, date=args.date, tz=args.tz)
            except IngestError as exc:
                failed += 1
                _error(f"{path}: {_with_hint(exc)}", stderr)
                continue
            except StoreError as exc:
                failed += 1
                _error(f"{path}: {exc}", stderr)
                continue
            except Exception as exc:  # a bug, not a rejection: still one line, and the next file goes on
                failed += 1
                _error(f"{path}: unexpected {type(exc).__name__}: {exc}", stderr)
                continue
            print(f"{path} -> {db}", file=stdout)
            for line in report.lines():
                print("  " + line, file=stdout)
    finally:
        if store is not None:
            store.close()
    return 1 if failed else 0


def cmd_export(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with _existing_store(args.db) as store:
        source_ids = None
        if args.source:
            source_ids = []
            for name in args.source:
                source_id = store.source_id(name)
                if source_id is None:
                    known = ", ".join(store.sources()["name"]) or "none"
                    _error(f"no source named {name!r} in the store (sources: {known})", stderr)
                    return 1
                source_ids.append(source_id)
        text = export(store, args.format, source_ids)
    if args.out is None:
        stdout.write(text)
    else:
        # newline="" keeps the text byte for byte (CSV fields may hold line breaks).
        args.out.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {args.out}", file=stderr)
    return 0


def cmd_info(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with _existing_store(args.db) as store:
        print(f"store: {store.path} (schema version {store.schema_version})", file=stdout)
        sources = store.sources()
        if sources.empty:
            print("no sources yet", file=stdout)
            return 0
        entries = store.entries()
        for source in sources.itertuples(index=False):
            times = entries.loc[entries["source_id"] == source.source_id, "time_utc"]
            summary = store.summary(source.source_id)
            span = (f"{times.min():%Y-%m-%d %H:%M} to {times.max():%Y-%m-%d %H:%M} UTC"
                    if not times.empty else "no entries")
            print(f"[{source.source_id}] {source.name}: {source.entries} entries, {span}", file=stdout)
            if source.title:
                print(f"    title: {source.title}", file=stdout)
            if source.url:
                print(f"    url: {source.url}", file=stdout)
            print(f"    {summary.places} places, {summary.mentions} mentions, "
                  f"{len(summary.unresolved)} unresolved; updated {source.updated_at:%Y-%m-%d %H:%M} UTC",
                  file=stdout)
    return 0


def blog_lines(store: EventStore) -> list[str]:
    """The `blogs` listing: one block of lines per blog."""
    from dashboard.ingest import dated_text

    lines = []
    for blog in store.blogs():
        span = (f"{blog.first:%Y-%m-%d %H:%M} to {blog.last:%Y-%m-%d %H:%M} UTC" if blog.first and blog.last
                else "no timed entries")
        lines += [f"{blog.name}: {blog.entries} entries, {span}",
                  f"    url: {blog.url or '-'}",
                  f"    date and zone given: {dated_text(blog.date_used, blog.zone_used)}; "
                  f"last ingest {blog.last_ingest_at:%Y-%m-%d %H:%M} UTC"]
    return lines


def _confirm(question: str, stdout: TextIO) -> bool:
    print(question + " [y/N] ", end="", file=stdout, flush=True)
    try:
        answer = sys.stdin.readline()
    except (OSError, ValueError):  # no input to read (closed, or detached)
        answer = ""
    return answer.strip().lower() in ("y", "yes")


def cmd_blogs(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with _existing_store(args.db) as store:
        if args.action is None:
            lines = blog_lines(store)
            print("\n".join(lines) if lines else "no blogs yet", file=stdout)
        elif args.action == "rename":
            store.rename_blog(args.old, args.new)
            print(f"renamed {args.old!r} to {' '.join(args.new.split())!r}", file=stdout)
        else:
            found = next((b for b in store.blogs() if b.name == args.name), None)
            if found is None:
                known = ", ".join(b.name for b in store.blogs()) or "none"
                _error(f"no blog named {args.name!r} in the store (blogs: {known})", stderr)
                return 1
            if not args.yes and not _confirm(f"Delete {args.name!r} and its {found.entries} entries, "
                                             "their places and corrections?", stdout):
                print("nothing deleted", file=stdout)
                return 1
            deleted = store.delete_blog(args.name)
            print(f"deleted {args.name!r}: {deleted.entries} entries, {deleted.mentions} mentions, "
                  f"{deleted.corrections} corrections", file=stdout)
    return 0


def cmd_serve(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from dashboard.serve import serve

    if args.streamlit_options and not args.streamlit_options[0].startswith("--"):
        _error(f"unexpected argument {args.streamlit_options[0]!r}: Streamlit's options go after --, "
               "as in: python -m dashboard serve -- --server.headless true", stderr)
        return 2
    if args.db is not None:
        os.environ["DASHBOARD_DB"] = str(args.db.resolve())  # how the app's script learns it
    return serve(args.address, args.port, args.streamlit_options)


COMMANDS = {"ingest": cmd_ingest, "export": cmd_export, "info": cmd_info, "blogs": cmd_blogs, "serve": cmd_serve}


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 failed, 2 usage)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args, stdout, stderr)
    except StoreError as exc:
        _error(str(exc), stderr)
        return 1
