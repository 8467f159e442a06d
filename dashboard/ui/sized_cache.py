"""A least-recently-used cache bounded by what its values weigh as well as by their number.

The window caches (`dashboard.ui.loaders`) keep what each slider step worked out, for every reader who
steps over the same stops. Their size is a few hundred kilobytes a window for a few hundred places,
but a few MB at 20,000 places: a count alone that suits the one bounds nothing for the other, so the
values are weighed (`weigh`) and the oldest go once the total passes the budget.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import numpy as np
import pandas as pd

V = TypeVar("V")

# Past this many items a sequence or an object column is weighed from a sample: weighing every one of
# 20,000 places' lists would cost a step what the cache saves it. (256 took a slider step 2-3 ms for
# one window's popup lists; a sample of 64 of them is as near.)
SAMPLE_ITEMS = 64


def weigh(value: object) -> int:
    """About how many bytes `value` holds: frames, arrays, strings, sequences, dicts and dataclasses of
    them, counted once each (an array view counts its own slice, not the whole array it views; a frame
    held twice, as a window's places are by its drawing, counts once)."""
    return _weigh(value, set())


def _weigh(value: object, seen: set[int]) -> int:
    if isinstance(value, str | bytes):
        return sys.getsizeof(value)
    if isinstance(value, np.ndarray):
        own = sys.getsizeof(value)  # an array that owns its data counts it here
        if value.base is not None:
            own += value.nbytes
        if value.dtype == object:
            own += _items(value.ravel().tolist() if value.size <= SAMPLE_ITEMS else value.ravel()[:SAMPLE_ITEMS]
                          .tolist(), value.size, seen)
        return own
    if id(value) in seen:  # containers only: a string or an array view counts wherever it is held
        return 0
    seen.add(id(value))
    if isinstance(value, pd.DataFrame | pd.Series):
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        total = int(frame.memory_usage(index=True, deep=False).sum())
        for column in [name for name, dtype in frame.dtypes.items() if pd.api.types.is_object_dtype(dtype)]:
            values = frame[column].to_numpy()
            total += _items(values[:SAMPLE_ITEMS].tolist(), len(values), seen)
        return total
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        return sys.getsizeof(value) + _items(items[:SAMPLE_ITEMS], len(items), seen)
    if isinstance(value, dict):
        keys, values = list(value), list(value.values())
        return (sys.getsizeof(value) + _items(keys[:SAMPLE_ITEMS], len(keys), seen)
                + _items(values[:SAMPLE_ITEMS], len(values), seen))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sys.getsizeof(value) + sum(_weigh(getattr(value, f.name), seen) for f in dataclasses.fields(value))
    return sys.getsizeof(value)


def _items(sample: list, count: int, seen: set[int]) -> int:
    """What `count` items weigh, from a sample of them."""
    if not sample:
        return 0
    return int(sum(_weigh(item, seen) for item in sample) * count / len(sample))


class SizedCache(Generic[V]):
    """Values by key, the least recently used dropped past `max_entries` or past `max_bytes` in all.

    Thread-safe; a value is made outside the lock, so two threads asking for the same new key at once
    may both make it (the same value either way, and the second is kept). A value heavier than the
    whole budget is handed back without being kept.
    """

    def __init__(self, max_entries: int, max_bytes: int, weigher: Callable[[object], int] = weigh):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._weigh = weigher
        self._values: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
                return found[0]
        value = make()
        size = self._weigh(value)
        with self._lock:
            if size > self.max_bytes:
                return value
            old = self._values.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._values[key] = (value, size)
            self._bytes += size
            while self._values and (len(self._values) > self.max_entries or self._bytes > self.max_bytes):
                _, (_, dropped) = self._values.popitem(last=False)
                self._bytes -= dropped
        return value

    @property
    def bytes(self) -> int:
        """What the kept values weigh, as weighed when they were kept."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._values)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._bytes = 0
