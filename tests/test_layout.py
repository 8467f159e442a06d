"""The tree's rules, read from the code itself: who may import what, and one home for each fact."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from dashboard import settings
from dashboard.ui import keys

ROOT = Path(__file__).resolve().parent.parent
DRAWING = {"streamlit", "streamlit_folium", "folium", "branca", "altair"}
# Modules that may draw: the app's widgets and map, the app script, and the server that hosts it.
MAY_DRAW = ("dashboard/ui/", "dashboard/app.py", "dashboard/serve.py")
# Altair draws the histogram's chart from plain data; it is imported lazily by view/histogram.chart.
LAZY_CHART = {"dashboard/view/histogram.py": {"altair"}}


def sources(*folders: str) -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
            for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))}


def imports(text: str) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def roots(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


def test_the_gazetteer_knows_nothing_of_live_blogs():
    for path, text in sources("gazetteer").items():
        assert "dashboard" not in roots(imports(text)), path


def test_only_the_ui_draws():
    for path, text in sources("dashboard").items():
        drawn = roots(imports(text)) & DRAWING
        if path.startswith(MAY_DRAW):
            continue
        assert drawn <= LAZY_CHART.get(path, set()), f"{path} imports {drawn}"


def test_the_pipeline_never_reaches_into_the_app():
    for path, text in sources("dashboard/liveblog", "dashboard/store", "dashboard/view").items():
        assert not {n for n in imports(text) if n.startswith("dashboard.ui")}, path
    for name in ("ingest", "export", "corrections", "model", "settings"):
        names = imports((ROOT / "dashboard" / f"{name}.py").read_text(encoding="utf-8"))
        assert not {n for n in names if n.startswith(("dashboard.ui", "dashboard.view"))}, name


def test_value_objects_stand_alone():
    """model.py needs neither a parser nor pandas, so the store can import Entry without bs4."""
    model = imports((ROOT / "dashboard" / "model.py").read_text(encoding="utf-8"))
    assert roots(model) <= {"__future__", "dataclasses", "datetime"}
    for path, text in sources("dashboard/store").items():
        assert not {n for n in imports(text) if n.startswith(("dashboard.liveblog", "bs4"))}, path


def occurrences(pattern: str, folders: tuple[str, ...] = ("dashboard", "gazetteer")) -> list[str]:
    return [path for path, text in sources(*folders).items() if re.search(pattern, text)]


@pytest.mark.parametrize(("fact", "pattern", "home"), [
    ("what is a country", r"startswith\(\(?\"PCL", "gazetteer/places.py"),
    ("what is an area", r"AREA_FEATURE_CODES\b", "gazetteer/places.py"),
    ("a place as a dict", r"\.latitude,?\s*[\"']lon[\"']|[\"']lat[\"']:\s*[\w.]*\.latitude", "gazetteer/places.py"),
    ("the input cap", r"MAX_INPUT_BYTES\s*=", "dashboard/settings.py"),
    ("the entry text join", r"\[(?:self|entry)\.headline,\s*(?:self|entry)\.body,\s*\*", "dashboard/model.py"),
    ("a window as rows", r"searchsorted", "dashboard/view/timeline.py"),
    ("the place data's credit", r"CC BY 4\.0|geonames\.org/\"", "gazetteer/places.py"),
])
def test_each_fact_has_one_home(fact, pattern, home):
    assert occurrences(pattern) == [home], fact


def test_session_keys_are_spelled_once():
    spelled = {value for name, value in vars(keys).items()
               if name.isupper() and isinstance(value, str) and not name.startswith("_")}
    assert len(spelled) > 15
    others = {p: t for p, t in sources("dashboard").items() if p != "dashboard/ui/keys.py"}
    for value in spelled:
        # "place" is also a column and a URL parameter: what must not be spelled is its use as a key.
        pattern = (rf"(?:key=|session_state(?:\.get\(|\[)|\.pop\(|setdefault\()\s*\"{re.escape(value)}\""
                   if value == "place" else rf"[\"']{re.escape(value)}[\"']")
        assert not [p for p, t in others.items() if re.search(pattern, t)], value


def test_the_upload_cap_matches_streamlits_setting():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 2**20 == settings.MAX_INPUT_BYTES
    assert occurrences(r"20 \* 1024 \* 1024|2\*\*20 \* 20") == ["dashboard/settings.py"]


def test_modules_stay_small_or_say_why():
    """About 500 lines at most (a little over is not worth a split), unless the module says why not."""
    for path, text in sources("dashboard", "gazetteer").items():
        if text.count("\n") > 520:
            assert "One module on purpose" in text, f"{path} has {text.count(chr(10))} lines"


def test_code_names_features_not_issue_numbers():
    hits = [p for p, t in sources("dashboard", "gazetteer", "bench", "tests").items()
            if p != "tests/test_layout.py" and re.search(r"(?i)\bissues? ?#?\d+", t)]
    assert hits == []
