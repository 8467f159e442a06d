"""The index's names: every normalised name and the place numbers filed under it, as a few blobs
the index file stores (`pack_names`) and a table that reads them like a dict (`NameTable`).

Kept apart from `gazetteer.index` (the file) because how names are found is its own matter: one
UTF-8 blob in buckets of the names' hash, searched by bisection behind two Bloom filters (names, and
the first words of longer names), with each key asked for remembered.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Callable, Iterator

# A bit for each name's hash (`pack_names`): 2 MB, set for about one key in twenty that is no name.
_NAME_BITS = 1 << 24
# A bit for each hash of the first words of a longer name ("new", "new south" of "new south wales"):
# 1 MB, set for about one key in twenty-five that begins none.
_PREFIX_BITS = 1 << 23


def _name_hash(encoded: bytes) -> int:
    return zlib.crc32(encoded) & (_NAME_BITS - 1)


def _encoded(key: str) -> bytes:
    # (UTF-8 sorts as the code points do; a lone surrogate from a text is encoded, not an error.)
    return key.encode("utf-8", "surrogatepass")


# Names are grouped by the top bits of their crc32 (which the Bloom filters, reading its low bits,
# do not use): 131,072 buckets of about 7 names each, where buckets by first letters held up to
# 23,000 ("sa", "ma") and a search read a dozen names.
_BUCKET_BITS = 17
_BUCKETS = 1 << _BUCKET_BITS
_BUCKET_SHIFT = 32 - _BUCKET_BITS


def pack_names(names: dict[str, int | tuple[int, ...]]) -> tuple[bytes, bytes, bytes, list[tuple[int, ...]], bytes,
                                                                 bytes, bytes]:
    """What `NameTable` is made of, as the index file stores it: the names encoded and joined, in
    the buckets of their hash (`_BUCKET_BITS`) and sorted within each; where each starts (an array
    of n + 1 offsets); the place number of each, or -(j + 1) for the j-th of the tuples of names of
    several places; those tuples; a one-hash Bloom filter; where the names of each bucket start, so
    that a search bisects only its few; and a one-hash Bloom filter of the first words of longer
    names (`NameTable.look`)."""
    order = sorted((zlib.crc32(e) >> _BUCKET_SHIFT, e, k) for k, e in ((k, _encoded(k)) for k in names))
    keys = [k for _, _, k in order]
    encoded = [e for _, e, _ in order]
    starts = array("I", [0])
    for e in encoded:
        starts.append(starts[-1] + len(e))
    buckets = array("I", [0] * (_BUCKETS + 1))
    for bucket, _, _ in order:
        buckets[bucket + 1] += 1
    for b in range(_BUCKETS):
        buckets[b + 1] += buckets[b]
    numbers, more = array("i"), []
    for k in keys:
        value = names[k]
        if isinstance(value, int):
            numbers.append(value)
        else:
            more.append(tuple(value))
            numbers.append(-len(more))
    bits = bytearray(_NAME_BITS // 8)
    for e in encoded:
        h = _name_hash(e)
        bits[h >> 3] |= 1 << (h & 7)
    prefix_bits = bytearray(_PREFIX_BITS // 8)
    for e in encoded:
        # Every run of first words of a name of several: "new", "new south" of "new south wales".
        space = e.find(b" ")
        while space > 0:
            h = _name_hash(e[:space]) & (_PREFIX_BITS - 1)
            prefix_bits[h >> 3] |= 1 << (h & 7)
            space = e.find(b" ", space + 1)
    return (b"".join(encoded), starts.tobytes(), numbers.tobytes(), more, bytes(bits), buckets.tobytes(),
            bytes(prefix_bits))


class NameTable:
    """Normalised names to their place numbers (one number, or a tuple of them, most prominent first),
    read like a dict: `get(key)` (None for no name), `key in table`, `table[key]`, `len(table)`.

    The names are one run of bytes with an array of where each starts, in buckets of their hash and
    sorted within each, searched by bisection within a bucket (`pack_names`); each key asked for is
    remembered in a dict, so that `get` is a dict lookup for the words a text repeats. Loading this
    reads a few blobs (viewed, not copied) where a dict of ~1M names took a
    second or more to build, holds no object per name (about 20 MB where the dict took over 100),
    and a process forked after loading reads it without writing to it: no page of it is copied.
    Most keys asked for are no name (a capitalised word, two words together): a Bloom filter
    answers most of those without the search.

    `look(key)` answers (what `get` would, whether a longer name may begin with the key's words):
    the name matcher stops adding words to a run of capitalised words ("Prime Minister Boris ...")
    where no name goes on, which a second Bloom filter tells.
    """

    __slots__ = ("_asked", "_buckets", "_looked", "_more", "_numbers", "_starts", "_text", "get", "look")

    def __init__(self, text: bytes, starts: bytes, numbers: bytes, more: list, bits: bytes, buckets: bytes,
                 prefix_bits: bytes):
        self._text = text
        # Views of the blobs as numbers, not copies: nothing to copy at start-up, and memory read
        # as it is stored.
        self._starts, self._numbers, self._buckets = (memoryview(starts).cast("I"), memoryview(numbers).cast("i"),
                                                      memoryview(buckets).cast("I"))
        self._more: list[tuple[int, ...]] = more
        if not (isinstance(text, bytes) and isinstance(more, list) and len(self._starts) == len(self._numbers) + 1
                and self._starts[-1] == len(text) and len(self._buckets) == _BUCKETS + 1
                and self._buckets[-1] == len(self._numbers)):
            raise ValueError("the names and their place numbers do not match")
        if not isinstance(bits, bytes) or len(bits) != _NAME_BITS // 8:
            raise ValueError("the names' Bloom filter is not whole")
        if not isinstance(prefix_bits, bytes) or len(prefix_bits) != _PREFIX_BITS // 8:
            raise ValueError("the Bloom filter of the names' first words is not whole")
        self._asked = _AskedNames(self, bits)
        # The bound lookup of the remembered keys: no Python frame once a key was asked for.
        self.get: Callable[[str], int | tuple[int, ...] | None] = self._asked.__getitem__
        self._looked = _LookedNames(self, bits, prefix_bits)
        self.look: Callable[[str], tuple[int | tuple[int, ...] | None, bool]] = self._looked.__getitem__

    @classmethod
    def of(cls, names: dict[str, int | tuple[int, ...]]) -> NameTable:
        return cls(*pack_names(names))

    def find(self, encoded: bytes) -> int | tuple[int, ...] | None:
        """The place numbers of an encoded key, by bisection in its bucket (`get` remembers what
        this finds)."""
        text, starts = self._text, self._starts
        bucket = zlib.crc32(encoded) >> _BUCKET_SHIFT
        lo, hi = self._buckets[bucket], self._buckets[bucket + 1]
        end = hi
        while lo < hi:
            mid = (lo + hi) // 2
            if text[starts[mid]:starts[mid + 1]] < encoded:
                lo = mid + 1
            else:
                hi = mid
        if lo == end or text[starts[lo]:starts[lo + 1]] != encoded:
            return None
        number = self._numbers[lo]
        return number if number > 0 else self._more[-number - 1]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, key: str) -> int | tuple[int, ...]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __len__(self) -> int:
        return len(self._numbers)

    def __iter__(self) -> Iterator[str]:
        text, starts = self._text, self._starts
        return (text[starts[i]:starts[i + 1]].decode("utf-8", "surrogatepass") for i in range(len(self)))


class _AskedNames(dict):
    """The keys asked for so far and what they found (None for no name); a key not yet asked for
    is looked up in the table, unless the Bloom filter says it is no name."""

    __slots__ = ("_bits", "_table")

    # Enough for the names and capitalised words of a long batch (about 30 MB at most); past it the
    # dict starts again.
    LIMIT = 1 << 18

    def __init__(self, table: NameTable, bits: bytes):
        super().__init__()
        self._table, self._bits = table, bits

    def __missing__(self, key: str) -> int | tuple[int, ...] | None:
        # (`_encoded` and `_name_hash` written out: most keys end here, and are no name.)
        encoded = key.encode("utf-8", "surrogatepass")
        h = zlib.crc32(encoded) & (_NAME_BITS - 1)
        found = self._table.find(encoded) if self._bits[h >> 3] >> (h & 7) & 1 else None
        if len(self) >= self.LIMIT:
            self.clear()
        self[key] = found
        return found


_NO_NAME, _NO_NAME_LONGER = (None, False), (None, True)


class _LookedNames(dict):
    """What `NameTable.look` answered for each key so far: (its place numbers or None, whether a
    longer name may begin with its words). The second is never False for a key that begins one
    (a Bloom filter: sometimes True for one that begins none)."""

    __slots__ = ("_bits", "_prefix_bits", "_table")

    LIMIT = _AskedNames.LIMIT

    def __init__(self, table: NameTable, bits: bytes, prefix_bits: bytes):
        super().__init__()
        self._table, self._bits, self._prefix_bits = table, bits, prefix_bits

    def __missing__(self, key: str) -> tuple[int | tuple[int, ...] | None, bool]:
        encoded = key.encode("utf-8", "surrogatepass")
        h = zlib.crc32(encoded) & (_NAME_BITS - 1)
        found = self._table.find(encoded) if self._bits[h >> 3] >> (h & 7) & 1 else None
        h &= _PREFIX_BITS - 1
        longer = self._prefix_bits[h >> 3] >> (h & 7) & 1
        # (Most keys are no name: they share two answers rather than each holding its own.)
        answer = (found, bool(longer)) if found is not None else _NO_NAME_LONGER if longer else _NO_NAME
        if len(self) >= self.LIMIT:
            self.clear()
        self[key] = answer
        return answer
