"""Worker processes started from inside the app do not re-run the app script."""

from __future__ import annotations

import multiprocessing
import sys
import types
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from dashboard.processes import spawn_context


@pytest.fixture
def script_as_main(tmp_path: Path):
    """`__main__` is a script that leaves a mark when run, as Streamlit makes the app script `__main__`."""
    mark = tmp_path / "ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(mark)!r}, 'w').write('ran')\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = main
    try:
        yield mark
    finally:
        sys.modules["__main__"] = saved


def _run_one(context: multiprocessing.context.BaseContext) -> int:
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(abs, -7).result(timeout=60)


def test_a_plain_spawned_worker_re_runs_the_main_script(script_as_main: Path) -> None:
    """The hazard itself, so the test below can fail."""
    _run_one(multiprocessing.get_context("spawn"))
    assert script_as_main.exists()


def test_the_project_s_spawned_worker_does_not(script_as_main: Path) -> None:
    assert _run_one(spawn_context()) == 7
    assert not script_as_main.exists()
    assert sys.modules["__main__"].__file__.endswith("page.py")  # given back once started
