"""`python -m gazetteer`: build the index, geocode names, geoparse text, evaluate on a corpus.

Exit status: 0 done, 1 failed (nothing found, a file that cannot be read, a damaged index),
2 usage error (argparse's own, and values such as a malformed --near).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from gazetteer import errors
from gazetteer.errors import DamagedIndex

DONE, FAILED, USAGE = 0, 1, 2


class UsageError(Exception):
    """A combination of options that cannot work (exit 2, like argparse's own errors)."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return USAGE
    except (ValueError, OSError, DamagedIndex) as err:  # (GeoNamesFormatError and MissingDataFile among them)
        print(f"error: {err}", file=sys.stderr)
        return USAGE if _bad_query(err) else FAILED


def _bad_query(err: BaseException) -> bool:
    """Whether `err` is an `InvalidQuery` (a usage error). That class is made on first use (it needs
    geopy, which geoparsing does not import): where it was never made, nothing raised one."""
    invalid_query = vars(errors).get("InvalidQuery")
    return invalid_query is not None and isinstance(err, invalid_query)


def package_version() -> str:
    """The installed liveblog-map's version; in a checkout that is not installed, pyproject's."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("liveblog-map")
    except PackageNotFoundError:
        import tomllib

        try:
            with open(Path(__file__).resolve().parent.parent / "pyproject.toml", "rb") as handle:
                return tomllib.load(handle)["project"]["version"] + " (not installed)"
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown (not installed)"


def _point(text: str) -> tuple[float, float]:
    """LAT,LON as an argparse type: a malformed or out-of-range point is a usage error."""
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a point: {text!r} (expected LAT,LON such as 33.1,35.8)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise argparse.ArgumentTypeError(f"coordinates out of range: {text!r}")
    return lat, lon


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1, not {text!r}")
    return number


def _jobs(text: str) -> int:
    """--jobs as an argparse type: 0 (one per core) or more; anything else is a usage error."""
    try:
        number = int(text)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"--jobs must be 0 (one per core) or more, not {text!r}")
    return number


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gazetteer", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s (liveblog-map) {package_version()}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="build the index (default sources, plus GeoNames dumps)")
    build.add_argument("--geonames", nargs="+", default=[], metavar="FILE",
                       help="GeoNames main-table files: allCountries.txt, XX.txt, cities500.txt (.zip too)")
    build.add_argument("--admin1", metavar="FILE", help="admin1CodesASCII.txt, for region names")
    build.add_argument("--alternates", metavar="FILE", help="alternateNamesV2.txt (.zip too)")
    build.add_argument("--no-default", action="store_true", help="only the GeoNames files, not the default")
    build.set_defaults(run=_build)

    geocode = commands.add_parser("geocode", help="places called NAME, best first")
    geocode.add_argument("name")
    geocode.add_argument("--country", help="ISO country code(s), comma-separated")
    geocode.add_argument("--near", metavar="LAT,LON", type=_point, help="prefer places near this point")
    geocode.add_argument("--limit", type=_positive, default=5)
    geocode.add_argument("--json", action="store_true")
    geocode.set_defaults(run=_geocode)

    reverse = commands.add_parser("reverse", help="the nearest populated place to LAT,LON")
    reverse.add_argument("point", metavar="LAT,LON", type=_point)
    reverse.add_argument("--json", action="store_true")
    reverse.set_defaults(run=_reverse)

    geoparse = commands.add_parser("geoparse", help="the places a text names")
    geoparse.add_argument("file", nargs="?", default="-", help="a text file, or - for standard input")
    geoparse.add_argument("--json", action="store_true", help="JSON output")
    geoparse.add_argument("--context", metavar="FILE", help="the surrounding document, for context")
    geoparse.add_argument("--jsonl", metavar="IN", help='batch: lines of {"id": ..., "text": ...}')
    geoparse.add_argument("--out", metavar="OUT", help="batch output file (JSONL)")
    geoparse.add_argument("--jobs", type=_jobs, default=1, metavar="N",
                          help="batch: N worker processes (0: one per core); the output is the same")
    geoparse.set_defaults(run=_geoparse)

    evaluate = commands.add_parser("evaluate", help="score the geoparser on gold JSONL corpora")
    evaluate.add_argument("files", nargs="+", metavar="FILE.jsonl")
    evaluate.add_argument("--cv", type=_positive, metavar="K",
                          help="calibrate the confidence by K-fold cross-validation over documents and report "
                               "its calibration error per file")
    evaluate.set_defaults(run=_evaluate)

    coverage = commands.add_parser("coverage", help="share of gold toponyms among the top candidates")
    coverage.add_argument("files", nargs="+", metavar="FILE.jsonl")
    coverage.add_argument("--limit", type=_positive, default=10)
    coverage.set_defaults(run=_coverage)

    info = commands.add_parser("info", help="where the index is and what it holds")
    info.set_defaults(run=_info)
    return parser


def _build(args: argparse.Namespace) -> int:
    from gazetteer.build import build_index

    if args.no_default and not args.geonames:
        raise UsageError("build --no-default needs --geonames FILE...: there is nothing else to build from")
    build_index(geonames_files=args.geonames, admin1_file=args.admin1, alternates_file=args.alternates,
                with_default=not args.no_default, log=lambda msg: print(msg, file=sys.stderr))
    return 0


def _geocode(args: argparse.Namespace) -> int:
    from gazetteer.lookup import Gazetteer

    country = args.country.split(",") if args.country else None
    found = Gazetteer.default().scored_candidates(args.name, country=country, near=args.near, limit=args.limit)
    if args.json:
        print(json.dumps([{**c.place.as_dict(), "score": c.score} for c in found], ensure_ascii=False))
    if not found:  # (on stderr: with --json, stdout stays the JSON list)
        print(f"no place called {args.name!r}", file=sys.stderr)
    for c in found if not args.json else ():
        p = c.place
        print(f"{p.latitude:9.4f} {p.longitude:10.4f}  {p.feature_code:<5} {p.address}  [{p.place_id}, {c.score:.2f}]")
    return 0 if found else 1


def _reverse(args: argparse.Namespace) -> int:
    from gazetteer.lookup import Gazetteer

    place = Gazetteer.default().reverse(*args.point)
    if place is None:
        print(f"no place near {args.point[0]}, {args.point[1]}", file=sys.stderr)
        return FAILED
    print(json.dumps(place.as_dict(), ensure_ascii=False) if args.json else place.address)
    return 0


def _read_text(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    return Path(name).read_text(encoding="utf-8")


def _geoparse(args: argparse.Namespace) -> int:
    from gazetteer.geoparser import geoparse

    if args.jsonl:
        return _geoparse_batch(Path(args.jsonl), Path(args.out) if args.out else None, args.jobs)
    text = _read_text(args.file)
    context = _read_text(args.context) if args.context else None
    mentions = geoparse(text, context=context)
    if args.json:
        print(json.dumps([m.as_dict() for m in mentions], ensure_ascii=False))
    else:
        for m in mentions:
            p = m.place
            print(f"{m.start:>6}-{m.end:<6} {m.text!r:<28} {p.latitude:8.4f} {p.longitude:9.4f} "
                  f"{p.feature_code:<5} {p.address} ({m.score:.2f})")
    return 0


def _geoparse_batch(path: Path, out: Path | None, jobs: int = 1) -> int:
    from gazetteer.batch import default_jobs, read_documents, write_geoparsed

    documents = read_documents(path)  # a bad line is reported before anything is written
    sink = open(out, "w", encoding="utf-8") if out else sys.stdout  # noqa: SIM115 - closed below
    try:
        write_geoparsed(documents, sink, jobs or default_jobs(), _progress(len(documents)))
    finally:
        if out:
            sink.close()
    return 0


def _progress(total: int):
    """A progress bar on a terminal (tqdm would do, but this is all we need)."""
    if not sys.stderr.isatty() or total < 2:
        return lambda done: None
    started = time.perf_counter()

    def show(done: int | None) -> None:
        if done is None:
            sys.stderr.write("\n")
            return
        width = 30
        filled = int(width * done / total)
        rate = done / max(time.perf_counter() - started, 1e-9)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:.0f} docs/s)")
        sys.stderr.flush()

    return show


def _evaluate(args: argparse.Namespace) -> int:
    from gazetteer.evaluate import evaluate
    from gazetteer.geoparser import default_geoparser

    parser = default_geoparser()
    if args.cv is not None:
        from gazetteer.evaluate import cross_validate, format_cross_validation

        print(format_cross_validation(cross_validate(args.files, parser.evidence, args.cv), args.cv))
        return 0
    for name in args.files:
        result = evaluate(name, lambda text: parser.parse(text))
        print(json.dumps({"file": name, **result}))
    return 0


def _coverage(args: argparse.Namespace) -> int:
    from gazetteer.evaluate import coverage
    from gazetteer.lookup import Gazetteer

    gazetteer = Gazetteer.default()
    for name in args.files:
        result = coverage(name, lambda surface: gazetteer.candidates(surface, limit=args.limit), args.limit)
        print(json.dumps({"file": name, **result}))
    return 0


def _info(args: argparse.Namespace) -> int:
    from gazetteer.build import default_index_path, read_dumps_config
    from gazetteer.lookup import Gazetteer

    gazetteer = Gazetteer.default()
    path = default_index_path()
    print(json.dumps({"index": str(path), "places": len(gazetteer.index), "names": len(gazetteer.index.names),
                      "size_mb": round(path.stat().st_size / 1e6, 1), "dumps": read_dumps_config(path)["files"]}))
    return 0
