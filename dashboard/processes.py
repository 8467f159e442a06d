"""Worker processes that start cleanly from inside the Streamlit server.

A "spawn" child re-runs its parent's `__main__` script before it does any work. Inside Streamlit
(and its `AppTest`), `sys.modules["__main__"]` is the app script itself, so a plain spawned worker
would run the whole dashboard again, outside any session, and fail or write to the store. The
context here hides the app script while a worker starts: the child begins from a bare interpreter
and imports only what its task needs.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.context import SpawnContext, SpawnProcess

_swap_lock = threading.RLock()


@contextmanager
def main_script_hidden() -> Iterator[None]:
    """While inside, processes spawned here (ours, or a Dask LocalCluster's) start without re-running
    the main script: `__main__` is a bare module with no file."""
    with _swap_lock:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if main is not None:
                sys.modules["__main__"] = main


class _ScriptFreeProcess(SpawnProcess):
    """A spawned process whose child does not re-run the parent's main script."""

    def start(self) -> None:
        with main_script_hidden():
            super().start()


class _ScriptFreeContext(SpawnContext):
    Process = _ScriptFreeProcess


def spawn_context() -> multiprocessing.context.BaseContext:
    """The "spawn" start method, safe to use from the app, its tests and the command line alike."""
    return _ScriptFreeContext()
