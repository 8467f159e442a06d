"""Name normalisation: the one place that decides when two spellings are the same name.

The index files every name under `normalize_name(name)` and the geoparser looks text up with the
same function, so "Ţarţūs", "Tartous" and "TARTUS" all meet at one key, as do "al-Qamishli",
"Al Qāmishlī" and "Qamishli", or "Khmeimim", "Hmeimim" and "Hmeymim".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that Unicode decomposition leaves alone but a reader treats as plain Latin letters.
_LETTERS = str.maketrans({
    "ø": "o", "đ": "d", "ł": "l", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d", "ħ": "h",
    "ŧ": "t", "ŀ": "l", "ʒ": "z", "ə": "e",
})
# Apostrophes and the letters used for ayn and hamza vanish: Ma'arrat, Maʿarrat and Maarrat match.
_VANISH = re.compile(r"['’‘`´ʼʻʿʾ′]")
_NOT_WORD = re.compile(r"[^\w]+")
_DOTTED_ABBREVIATION = re.compile(r"\b(?:\w\.){2,}")

# Romanisations differ most in these spellings (Khmeimim / Hmeimim, Qamishli / Kamishli,
# Tartous / Tartus, Hmeymim / Hmeimim); folding them is cheaper and more general than listing pairs.
_TRANSLITERATION = (("kh", "h"), ("q", "k"), ("ou", "u"), ("ee", "i"), ("y", "i"))
_DOUBLE_LETTER = re.compile(r"(\w)\1+")

_ARTICLES = frozenset({"al", "el"})
# Sun-letter forms of the Arabic article assimilate to the next consonant: ar-Raqqah, as-Suwayda.
_SUN_ARTICLES = {"ad": "d", "adh": "dh", "an": "n", "ar": "r", "as": "s", "ash": "sh", "at": "t",
                 "ath": "th", "az": "z"}
# The only first words `strip_article` may drop.
ARTICLE_WORDS = _ARTICLES | frozenset(_SUN_ARTICLES)


def fold_word_uncached(word: str) -> str:
    """Fold one word: case, diacritics, apostrophes and spelling variants. Never adds spaces.

    `fold_word` is the same with a cache; callers with a cache of their own call this one."""
    if word.isascii():
        # The same steps, less those that cannot change ASCII (decomposition, the letter table).
        word = word.lower()
        if "'" in word or "`" in word:
            word = word.replace("'", "").replace("`", "")
    else:
        word = unicodedata.normalize("NFKD", word)
        word = "".join(ch for ch in word if not unicodedata.combining(ch))
        word = _VANISH.sub("", word.casefold().translate(_LETTERS))
    word = word.replace(".", "")
    for old, new in _TRANSLITERATION:
        word = word.replace(old, new)
    # Most words have no doubled letter: look before substituting.
    if any(map(str.__eq__, word, word[1:])):
        return _DOUBLE_LETTER.sub(r"\1", word)
    return word


# News repeats a small vocabulary: each distinct word is folded once (a few MB at most).
fold_word = lru_cache(maxsize=1 << 17)(fold_word_uncached)


def fold_many(words: list[str]) -> list[str]:
    """`fold_word_uncached` of each word, in order.

    Plain ASCII words (no apostrophe, backtick or line break) are folded together: joined by line
    breaks, which no step can cross or change, then lowered, stripped and transliterated a few
    times over the whole string in C, where one call per word cost more than the folding (a text's
    new words, met for the first time). Other words are folded one by one."""
    joined = "\n".join(words)
    if words and joined.isascii() and "'" not in joined and "`" not in joined and joined.count("\n") == len(words) - 1:
        return _fold_plain(joined).split("\n")
    plain = [w for w in words if w.isascii() and "'" not in w and "`" not in w and "\n" not in w]
    if not plain:
        return [fold_word_uncached(w) for w in words]
    folded = dict(zip(plain, _fold_plain("\n".join(plain)).split("\n"), strict=True))
    return [folded[w] if w in folded else fold_word_uncached(w) for w in words]


# _DOUBLE_LETTER for lower-case ASCII text: the same matches, found faster.
_DOUBLE_ASCII = re.compile(r"([a-z0-9_])\1+")


def _fold_plain(text: str) -> str:
    """`fold_word_uncached`'s steps for ASCII text without apostrophes or backticks."""
    text = text.lower().replace(".", "")
    for old, new in _TRANSLITERATION:
        text = text.replace(old, new)
    return _DOUBLE_ASCII.sub(r"\1", text)


def fold_words(text: str) -> list[str]:
    """Split a name into folded words (hyphens, slashes and punctuation separate words)."""
    text = _DOTTED_ABBREVIATION.sub(lambda m: m.group(0).replace(".", ""), text)
    return [w for w in (fold_word(part) for part in _NOT_WORD.split(_VANISH.sub("", text))) if w]


def strip_article(words: list[str]) -> list[str]:
    """Drop a leading Arabic article (al-, el-, and sun-letter forms such as ar-Raqqah)."""
    if len(words) > 1:
        first = words[0]
        if first in _ARTICLES:
            return words[1:]
        sun = _SUN_ARTICLES.get(first)
        if sun is not None and words[1].startswith(sun):
            return words[1:]
    return words


def normalize_name(name: str) -> str:
    """The key under which a name is filed: folded words without a leading article."""
    if name.isascii() and name.replace(" ", "").isalpha():
        # Letters and spaces ("Deir ez Zor", most places' names): no full stop, apostrophe or other
        # separator for `fold_words`' patterns to find, so its three passes are left out.
        return " ".join(strip_article([fold_word(w) for w in name.split()]))
    return " ".join(strip_article(fold_words(name)))
