"""A text's words as tokens: one split of the text, a cached folded key per word, whole `Token`s
built only around names (the geoparser asks for few of them)."""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from gazetteer import wordlists
from gazetteer.normalize import fold_many, fold_word_uncached

# A word: an abbreviation with full stops ("U.S."), or letters and digits with inner apostrophes.
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_][^\W_]*(?:['’ʼ][^\W_]+)*")


POSSESSIVE = re.compile(r"['’ʼ]s$", re.IGNORECASE)


APOSTROPHES = frozenset("'’ʼ")


# _TOKEN with its alternatives' common first character taken out (a quarter faster), captured so
# that splitting by it keeps the words: the same words (a test compares them).
_SPLIT = re.compile(r"([^\W_](?:(?<!\d)\.(?:[^\W\d_]\.)+|[^\W_]*(?:['’ʼ][^\W_]+)*))")


_FIRST = operator.itemgetter(0)


SENTENCE_END = re.compile(r"[.!?:;\n\"“”‘(\[•·|—]\s*$")


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str
    key: str
    capitalised: bool
    sentence_start: bool
    gap: str  # the text between the previous token and this one


class Tokens(Sequence[Token]):
    """The words of a text, as `Token`s built only when asked for.

    One split of the text by the word pattern gives every word and the gap before it; each word's
    folded key comes from a cache of words seen before (news repeats a small vocabulary). All of it
    runs in a few passes of C code. The name matcher reads `keys` and the accessors below; a whole
    `Token` (its sentence start) is built only for the few words around a name.
    """

    __slots__ = ("_built", "_offsets", "_parts", "_raw", "_text", "capitalised", "is_capitalised", "keys")

    def __init__(self, text: str):
        self._text = text
        # [gap, word, gap, word, ..., tail]: word i is parts[2i + 1], the text before it parts[2i].
        self._parts: list[str] = _SPLIT.split(text)
        self._raw: list[str] = self._parts[1::2]
        # offsets[2i] is where word i starts, offsets[2i + 1] where its match ends.
        self._offsets: list[int] = list(itertools.accumulate(map(len, self._parts)))
        try:
            self.keys: list[str] = list(map(_folded.__getitem__, self._raw))
        except KeyError:  # words not met before: folded together into the gaps they leave
            self.keys = list(map(_folded.get, self._raw))
            _fold_new(self._raw, self.keys)
        self._built: list[Token | None] | None = None  # made on the first whole token asked for
        upper = list(map(str.isupper, map(_FIRST, self._raw)))
        # Positions of the words that start with a capital, in order.
        self.capitalised: list[int] = list(itertools.compress(range(len(upper)), upper))
        # Whether word i starts with a capital: the rules ask tens of times per name, and a bound
        # list lookup runs no Python frame.
        self.is_capitalised: Callable[[int], bool] = upper.__getitem__

    def __len__(self) -> int:
        return len(self._raw)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self._raw)))]
        if i < 0:
            i += len(self._raw)
        if self._built is None:
            self._built = [None] * len(self._raw)
        token = self._built[i]
        if token is None:
            token = self._built[i] = self._build(i)
        return token

    def __iter__(self):
        return (self[i] for i in range(len(self._raw)))

    def start(self, i: int) -> int:
        return self._offsets[2 * i]

    def word(self, i: int) -> str:
        """The i-th word without a possessive ending ("Syria’s" -> "Syria")."""
        word = self._raw[i]
        # (The test of `without_possessive` first: most words have no apostrophe, and the cache
        # would keep each word met once.)
        return without_possessive(word) if len(word) > 3 and word[-2] in APOSTROPHES else word

    def end(self, i: int) -> int:
        """Where the i-th word ends (before any possessive ending)."""
        word = self._raw[i]
        if len(word) > 3 and word[-2] in APOSTROPHES:
            return self._offsets[2 * i] + len(without_possessive(word))
        return self._offsets[2 * i + 1]

    def gap(self, i: int) -> str:
        """`tokens[i].gap` without building the token: from the end of the previous word."""
        if not i:
            return self._parts[0]
        previous = self._raw[i - 1]
        if len(previous) > 3 and previous[-2] in APOSTROPHES:
            return self._text[self.end(i - 1):self._offsets[2 * i]]
        return self._parts[2 * i]

    def sentence_start(self, i: int) -> bool:
        """Whether the i-th word starts a sentence (or the text)."""
        if i == 0:
            return True
        # The gap after the previous match (a sentence may end after "Syria’s.") tells.
        gap = self._parts[2 * i]
        return bool(SENTENCE_END.search(gap)) or ends_sentence(self.word(i - 1), self.keys[i - 1], gap)

    def _build(self, i: int) -> Token:
        start = self._offsets[2 * i]
        word = self.word(i)
        # Token.gap runs from the end of the previous word, so "’s " separates two names.
        return Token(start, start + len(word), word, self.keys[i], word[0].isupper(), self.sentence_start(i),
                     self.gap(i))


@lru_cache(maxsize=1 << 16)
def without_possessive(word: str) -> str:
    """"Syria’s" -> "Syria"; short words ("it’s") stay whole."""
    if len(word) > 3 and word[-2] in APOSTROPHES:
        possessive = POSSESSIVE.search(word)
        if possessive:
            return word[:-len(possessive.group())]
    return word


@lru_cache(maxsize=1 << 17)
def token_key(word: str) -> str:
    """A word's key, without a possessive ending ("Syria’s" -> "syria")."""
    if len(word) > 3 and word[-2] in APOSTROPHES:
        word = without_possessive(word)
    return fold_word_uncached(word)


# Each word seen and its key (`token_key`): a plain dict read in C, faster than the LRU cache's
# bookkeeping for the few hundred words of every text. Past _FOLDED_LIMIT words it starts again.
_folded: dict[str, str] = {}
_FOLDED_LIMIT = 1 << 17


def _fold_new(words: list[str], keys: list[str | None]) -> None:
    """Fill in `keys` (`_folded`'s key of each of `words`, None for a word not met before) and file
    the new words' keys: they are folded together (`fold_many`), those with a possessive ending one
    by one. The gaps are found without reading `_folded` again: on a first pass, where most texts
    have new words, a second lookup of every word cost more than folding the new ones."""
    gaps = list(itertools.compress(range(len(keys)), map(operator.is_, keys, itertools.repeat(None))))
    new = list(dict.fromkeys([words[i] for i in gaps]))
    if len(_folded) + len(new) > _FOLDED_LIMIT:
        _folded.clear()
    joined = "".join(new)
    if "'" in joined or "’" in joined or "ʼ" in joined:  # (APOSTROPHES)
        plain = [w for w in new if not (len(w) > 3 and w[-2] in APOSTROPHES)]
        _folded.update(zip(plain, fold_many(plain), strict=True))
        _folded.update((w, token_key.__wrapped__(w)) for w in new if w not in _folded)
    else:
        _folded.update(zip(new, fold_many(new), strict=True))
    for i in gaps:
        keys[i] = _folded[words[i]]


def tokenize(text: str) -> Tokens:
    return Tokens(text)


def ends_sentence(previous_text: str, previous_key: str, gap: str) -> bool:
    # "... in Syria. The" ends a sentence; "Mr. Smith" and "U.S. forces" do not.
    return gap.startswith(".") and previous_key not in wordlists.TITLES and "." not in previous_text
