"""The command line: `python -m dashboard ingest | follow | export | info | blogs | serve | evaluate-events`.

Exit status: 0 done, 1 failed (a rejected file, no store, a missing data file, a file that cannot be
written), 2 usage error (argparse's own, and Streamlit's for options after `serve --`); the same as
`python -m gazetteer`. Each file given to `ingest` is its own transaction: a rejected file prints one
`error:` line to stderr and leaves the store as it was, the others are still stored, and the exit
status is 1 if any file failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from dashboard import corrections, settings
from dashboard.datafiles import MissingDataFile
from dashboard.export import ALL_FORMATS, BINARY_FORMATS, WHAT, export, export_binary
from dashboard.ingest import IngestError
from dashboard.store import EventStore, StoreError
from dashboard.view import review
from gazetteer.cli import package_version
from gazetteer.places import DATA_ATTRIBUTION

DONE, FAILED, USAGE = 0, 1, 2


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"not a positive number of seconds: {text!r}")
    return value


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Live blogs in, a map of the places they name out. Entries and their places are kept "
                    "in an event store (an SQLite file) that the dashboard app reads.",
        epilog="Example: python -m dashboard ingest data/sample-liveblog.txt && "
               "python -m dashboard export --format geojson --out places.geojson",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s (liveblog-map) {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db_help = ("the event store file (default: $DASHBOARD_DB, else events.db in the user data folder, "
               f"here {settings.user_data_db_path()})")

    ingest = sub.add_parser(
        "ingest", help="parse live blogs, find the places they name, and store them",
        description="Parse each live-blog file (text, saved HTML page or CSV), geoparse the entries that "
                    "are new or changed, and store them, one transaction per file. Ingesting the same "
                    "blog again changes nothing; a newer version adds its new entries and updates the "
                    "changed ones. Entries missing from a newer version are kept; given another --date or --tz "
                    "than the last time, the blog's entries are replaced and its corrections follow them. "
                    "Folders, patterns and JSON Lines files (.jsonl, one blog a line) make a batch, geoparsed "
                    "on every core; a batch stopped midway goes on where it stopped when run again.")
    ingest.add_argument("files", nargs="+", metavar="FILE", type=Path,
                        help="live-blog files, folders of them, patterns (quoted: 'archive/**/*.html') "
                             "or JSON Lines files of blogs ({\"source\", \"url\", \"date\", \"tz\", "
                             "\"format\", \"text\"} a line)")
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
    ingest.add_argument("--jobs", "-j", type=_count, metavar="N",
                        help="geoparse on N processes (default: every core; 1: in this process)")
    ingest.add_argument("--dask", metavar="ADDRESS",
                        help="geoparse on a Dask cluster: its scheduler (tcp://HOST:8786), or local:N for N "
                             "worker processes on this machine; needs the cluster extra")

    follow = sub.add_parser(
        "follow", help="follow live pages as they are written: poll, ingest what is new or changed",
        description="Fetch each live page (a URL or a file), ingest its new and changed entries, print one "
                    "line per poll, and poll again every SECONDS until stopped (Ctrl-C). Pages with "
                    "schema.org LiveBlogPosting data, RSS and Atom feeds, and plain live-blog pages are read. "
                    "Exit status with --once: 0 when every poll worked, 1 when one failed.")
    follow.add_argument("targets", nargs="+", metavar="URL", help="live pages to follow (URLs or files)")
    follow.add_argument("--every", type=_seconds, metavar="SECONDS",
                        help="seconds between polls of each page (default: $DASHBOARD_FOLLOW_EVERY, else 60)")
    follow.add_argument("--once", action="store_true", help="poll each page once and exit")
    follow.add_argument("--source", metavar="NAME",
                        help="the blog's name in the store (default: the page's title); one page only")
    follow.add_argument("--db", type=Path, metavar="PATH", help=db_help)

    exp = sub.add_parser(
        "export", help="write the mapped places as CSV, GeoJSON, KML or Parquet",
        description="One row (feature, placemark) per entry and place, in time order. "
                    f"{DATA_ATTRIBUTION}.")
    exp.add_argument("--format", "-f", choices=ALL_FORMATS, required=True,
                     help="the output format (parquet: typed columns, to a file given with --out)")
    exp.add_argument("--what", choices=WHAT, default="places",
                     help="places (default: one row per entry and place), corrections (every correction and "
                          "review decision, \"not a place\" included, with who and when) or paths (the movements "
                          "the entries tell of: lines from one place to another)")
    exp.add_argument("--source", action="append", metavar="NAME",
                     help="only this source (repeat for several; default: all)")
    exp.add_argument("--out", "-o", type=Path, metavar="FILE", help="write here (default: standard output)")
    exp.add_argument("--db", type=Path, metavar="PATH", help=db_help)

    info = sub.add_parser("info", help="list the store's sources with entry counts and time ranges",
                          description="List the sources in the store: entries, places, mentions and the "
                                      "time range each covers.")
    info.add_argument("--db", type=Path, metavar="PATH", help=db_help)
    info.add_argument("--check", action="store_true",
                      help="also check the whole file for damage (SQLite's quick_check); exit 1 if damaged")

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
        description="Start the dashboard (a Streamlit app) on ADDRESS:PORT, from any folder: its modules and "
                    "the place index are loaded (the index built on the first run, about 40 s) before the "
                    "server answers, and it passes its own Streamlit settings (static serving of the map's "
                    f"scripts, the {settings.MAX_INPUT_BYTES // 2**20} MB upload cap, XSRF protection, "
                    "headless, the theme, no usage statistics, no error details for visitors). An empty "
                    "store is filled with the bundled "
                    "sample on the first visit. Further Streamlit options go after -- and win.",
        epilog="Example: python -m dashboard serve --port 8600 -- --server.headless true")
    serve.add_argument("--address", default="127.0.0.1",
                       help="the address to listen on (default: 127.0.0.1, this machine only)")
    # A string default is converted only when `serve` is used: a bad $PORT is then a usage error.
    serve.add_argument("--port", type=int, default=os.environ.get("PORT") or "8501",
                       help="the port (default: $PORT, else 8501)")
    serve.add_argument("--db", type=Path, metavar="PATH", help=db_help)
    serve.add_argument("--tiles", metavar="URL",
                       help="your own tile server, an XYZ template such as https://tiles.example.org/{z}/{x}/{y}.png "
                            "(default: $DASHBOARD_TILES); the map then opens on it")
    serve.add_argument("--tiles-attribution", metavar="TEXT",
                       help="the credit shown under your tiles (default: $DASHBOARD_TILES_ATTRIBUTION)")
    serve.add_argument("--read-only", action="store_true",
                       help="serve readers only: the store is opened read-only, and no upload, follow, blog, "
                            "review or correction control is shown (default: $DASHBOARD_READ_ONLY)")
    serve.add_argument("--workers", type=_count, default=1, metavar="N",
                       help="run N server processes on PORT, PORT+1, ... and print the nginx configuration "
                            "that serves them on one address, each browser kept on one worker (default: 1)")
    serve.add_argument("--nginx-conf", type=Path, metavar="PATH",
                       help="write the nginx configuration to PATH instead of printing it")
    serve.add_argument("--nginx-listen", default="8080", metavar="[ADDRESS:]PORT",
                       help="where nginx listens, in the configuration (default: 8080)")
    serve.add_argument("streamlit_options", nargs="*", metavar="-- OPTION",
                       help="options for Streamlit itself, after --")
    _add_evaluate_events(sub)
    return parser


def _add_evaluate_events(sub: argparse._SubParsersAction) -> None:
    evaluate = sub.add_parser(
        "evaluate-events", help="score event times and paths against answer keys",
        description="Parse and geoparse a live blog, find when each named place's event happened and the "
                    "movements between places, and score them against an answer key: the share of timed "
                    "pairs right, the share of report-time pairs moved, and paths' precision and recall. "
                    "Nothing is stored.")
    evaluate.add_argument("key", type=Path, metavar="KEY",
                          help="the event-times key (CSV); its paths key is the same name with -paths for -times")
    evaluate.add_argument("blog", type=Path, metavar="BLOG_FILE", help="the live blog the key was written for")
    evaluate.add_argument("--paths", type=Path, metavar="PATHS_KEY", help="the paths key, if named otherwise")
    evaluate.add_argument("--date", type=_date, metavar="YYYY-MM-DD",
                          help="the blog's date, when the file does not say it")
    evaluate.add_argument("--tz", metavar="ZONE", help="time zone of times written without one")
    evaluate.add_argument("--details", action="store_true", help="also list every miss")


def cmd_evaluate_events(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from dashboard.events.evaluate import KeyError_, evaluate

    try:
        score = evaluate(args.key, args.blog, day=args.date, tz=args.tz, path_key=args.paths)
    except (KeyError_, IngestError, ValueError) as exc:
        _error(str(exc), stderr)
        return 1
    for line in score.lines(details=args.details):
        print(line, file=stdout)
    return 0


# What to type to fix a rejected blog, by the field its error names (`IngestError.field`).
FLAG_HINTS = {"date": "give the date with --date YYYY-MM-DD", "zone": "give the zone with --tz, e.g. Europe/London",
              "encoding": "give the file's encoding with --encoding", "source": "give a name with --source"}


def _error(message: str, stderr: TextIO) -> None:
    print("error: " + " ".join(message.split()), file=stderr)


def _existing_store(path: Path | None) -> EventStore:
    """A store that must already exist, opened read-only: export and info never create an empty one,
    never wait for a writer, and work on a read-only file."""
    db = path or settings.default_db_path()
    if not db.is_file():
        raise StoreError(f"no event store at {db} (ingest a live blog first)")
    return EventStore.for_reading(db)


def _store_to_write(db: Path) -> EventStore:
    """The store opened to write, after a check of the whole file: nothing is written into a damaged one."""
    store = EventStore(db)
    try:
        store.check()
    except StoreError:
        store.close()
        raise
    return store


def cmd_ingest(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from dashboard import batch

    db = args.db or settings.default_db_path()
    defaults = batch.Defaults(source=args.source, url=args.url, date=args.date, tz=args.tz, encoding=args.encoding,
                              reparse=args.reparse)
    try:
        result = batch.run_batch(args.files, defaults, open_store=lambda: _store_to_write(db),
                                 store_exists=db.exists(), db_name=str(db), jobs=args.jobs, dask=args.dask,
                                 out=stdout, err=stderr, hints=FLAG_HINTS)
    except (batch.InputError, batch.BatchError) as exc:
        _error(str(exc), stderr)
        return 1
    for message in result.errors:
        _error(message, stderr)
    if result.total > 1:
        print(result.summary(), file=stdout)
    if result.stopped:
        _error(f"stopped after {result.written + len(result.errors)} of {result.total} blogs; every blog "
               "written so far is stored whole: run the same command again to go on", stderr)
        return 1
    return 1 if result.errors else 0


def cmd_export(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if args.format in BINARY_FORMATS and args.out is None:
        _error(f"--format {args.format} writes a binary file: give it with --out FILE", stderr)
        return USAGE
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
        if args.format in BINARY_FORMATS:
            data = export_binary(store, args.format, source_ids, what=args.what)
            args.out.write_bytes(data)
            print(f"wrote {args.out}", file=stderr)
            return 0
        text = export(store, args.format, source_ids, what=args.what)
    if args.out is None:
        stdout.write(text)
    else:
        # newline="" keeps the text byte for byte (CSV fields may hold line breaks).
        args.out.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {args.out}", file=stderr)
    return 0


def cmd_info(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    # Everything is read before anything is printed: a store that fails half-way gives one error line.
    lines: list[str] = []
    with _existing_store(args.db) as store:
        lines.append(f"store: {store.path} (schema version {store.schema_version})")
        if args.check:
            store.check()
            lines.append("check: ok (SQLite quick_check found no damage)")
        sources = store.sources()
        entries = store.entries()
        reviewed = review.review_summary(store.placed_mention_counts(sources["source_id"].tolist()),
                                         corrections.laid_over(store, None, entries)).set_index("source_id")
        if sources.empty:
            lines.append("no sources yet")
        for source in sources.itertuples(index=False):
            times = entries.loc[entries["source_id"] == source.source_id, "time_utc"]
            summary = store.summary(source.source_id)
            span = (f"{times.min():%Y-%m-%d %H:%M} to {times.max():%Y-%m-%d %H:%M} UTC"
                    if not times.empty else "no entries")
            lines.append(f"[{source.source_id}] {source.name}: {source.entries} entries, {span}")
            if source.title:
                lines.append(f"    title: {source.title}")
            if source.url:
                lines.append(f"    url: {source.url}")
            lines.append(f"    {summary.places} places, {summary.mentions} mentions, "
                         f"{len(summary.unresolved)} unresolved; updated {source.updated_at:%Y-%m-%d %H:%M} UTC")
            if source.source_id in reviewed.index:
                lines.append(f"    review: {review.summary_line(reviewed.loc[source.source_id])}")
    print("\n".join(lines), file=stdout)
    return 0


def cmd_follow(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from dashboard.follow import Follower, follow

    if args.source and len(args.targets) > 1:
        _error("--source names one blog: follow one page with it, or leave it out", stderr)
        return 2
    with EventStore(args.db or settings.default_db_path()) as store:
        followers = [Follower(target, source=args.source) for target in args.targets]
        try:
            return follow(followers, store, every=args.every or settings.follow_every(), once=args.once, out=stdout)
        except KeyboardInterrupt:
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
    db = args.db or settings.default_db_path()
    if args.action is not None and not db.is_file():
        raise StoreError(f"no event store at {db} (ingest a live blog first)")
    # Listing only reads; renaming and deleting write, into a store that passes its check.
    with _existing_store(db) if args.action is None else _store_to_write(db) as store:
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
                  f"{deleted.corrections} corrections, {deleted.decisions} review decisions", file=stdout)
    return 0


def cmd_serve(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from dashboard.serve import serve

    if args.streamlit_options and not args.streamlit_options[0].startswith("--"):
        _error(f"unexpected argument {args.streamlit_options[0]!r}: Streamlit's options go after --, "
               "as in: python -m dashboard serve -- --server.headless true", stderr)
        return 2
    if args.db is not None:
        os.environ["DASHBOARD_DB"] = str(args.db.resolve())  # how the app's script learns it
    if args.tiles is not None:
        os.environ["DASHBOARD_TILES"] = args.tiles  # read by dashboard.settings.tile_settings
    if args.tiles_attribution is not None:
        os.environ["DASHBOARD_TILES_ATTRIBUTION"] = args.tiles_attribution
    if args.read_only:
        os.environ["DASHBOARD_READ_ONLY"] = "1"  # read by dashboard.settings.read_only, in every worker
    if args.workers > 1 or args.nginx_conf is not None:
        from dashboard.serve import serve_workers

        return serve_workers(args.address, args.port, args.workers, args.streamlit_options,
                             listen=args.nginx_listen, conf_path=args.nginx_conf)
    return serve(args.address, args.port, args.streamlit_options)


COMMANDS = {"ingest": cmd_ingest, "follow": cmd_follow, "export": cmd_export, "info": cmd_info, "blogs": cmd_blogs,
            "serve": cmd_serve, "evaluate-events": cmd_evaluate_events}


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 failed, 2 usage)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args, stdout, stderr)
    except (StoreError, MissingDataFile, OSError) as exc:  # OSError: an --out that cannot be written
        _error(str(exc), stderr)
        return FAILED
