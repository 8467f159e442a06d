"""The package's own data files (gazetteer/data/): one list of them, and one way to read them.

Every file listed here ships in the wheel (pyproject.toml's package-data) and is required: a missing
or empty one raises `MissingDataFile` naming it. A quietly empty word list or table would change
results without a word, which is worse than not starting.
"""

from __future__ import annotations

from pathlib import Path

from gazetteer.errors import MissingDataFile

DATA_DIR = Path(__file__).resolve().parent / "data"

# name -> what it holds. Tests check that this list and the folder agree, and that the wheel has them all.
DATA_FILES: dict[str, str] = {
    "abbreviations.tsv": "short forms of countries and regions (Calif., UK)",
    "calibration.tsv": "the calibrated confidence's coefficients (bench/tune_geoparser.py --calibrate)",
    "country_points.tsv": "GeoNames' conventional point of each country",
    "curated.tsv": "places the news names that the PyPI packages lack, in GeoNames' columns",
    "demonyms.tsv": "people words of places other than countries (Texan -> Texas)",
    "given_names.txt": "common given names: the capitalised word after one is a surname",
    "region_points.tsv": "conventional centres of large first-level regions",
}
# The files the index is built from: a change to one of them means a rebuild.
INDEX_SOURCES = ("abbreviations.tsv", "country_points.tsv", "curated.tsv", "demonyms.tsv", "region_points.tsv")


def data_path(name: str) -> Path:
    """The path of a registered data file; raises MissingDataFile naming it when it is not there."""
    if name not in DATA_FILES:
        raise KeyError(f"{name!r} is not one of the gazetteer's data files ({', '.join(DATA_FILES)})")
    path = DATA_DIR / name
    if not path.is_file():
        raise MissingDataFile(name, path)
    return path


def read_data_text(name: str) -> str:
    """The text of a registered data file; one with no data lines (only blanks and # comments) is an error."""
    path = data_path(name)
    text = path.read_text(encoding="utf-8")
    if not any(line.strip() and not line.startswith("#") for line in text.splitlines()):
        raise MissingDataFile(name, path, why="has no data lines")
    return text


def data_lines(name: str) -> list[tuple[int, str]]:
    """(line number, line without its newline) for each data line of a registered file."""
    return [(number, line) for number, line in enumerate(read_data_text(name).splitlines(), start=1)
            if line.strip() and not line.startswith("#")]
