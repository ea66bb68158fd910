"""How names are compared: Unicode NFKC, case folded, accents dropped, hyphens, spaces and punctuation folded."""

from __future__ import annotations

import re
import unicodedata

# Control characters (but tab and newline) and the bidirectional formatting characters that reorder text.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_.,;:/'’‘\"“”()\[\]]+")
_WORD = re.compile(r"\w+")


def strip_unsafe(text: str) -> str:
    """Text without control characters (but tab and newline) or bidirectional overrides: inert in a terminal."""
    return _UNSAFE.sub("", text)


def normalize(text: str) -> str:
    """A comparison key: ``Ningbo-13`` and ``ningbo 13`` both give ``ningbo 13``; Hangul is kept."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


def words(text: str) -> list[str]:
    """The normalised words of a text, for search."""
    return _WORD.findall(normalize(text))


def _edits_allowed(word: str) -> int:
    """How many typing slips a word of this length can carry and still name the same thing."""
    if len(word) <= 3:
        return 0
    return 1 if len(word) <= 8 else 2


def _word_misspelt(typed: str, word: str) -> bool:
    from rapidfuzz.distance import OSA

    if typed == word:
        return True
    if typed.isdigit() or word.isdigit():
        return False  # a different number is a different thing, never a slip
    if len(word) in (3, 4):  # short: only two swapped letters ("thea", "kho") are a slip; one changed is another word
        return sorted(typed) == sorted(word) and OSA.distance(typed, word) == 1
    return OSA.distance(typed, word) <= _edits_allowed(word)


def is_misspelling(typed: str, name: str) -> bool:
    """True when a normalised text is a slip of the keyboard away from a normalised name, taken as a whole.

    Word by word when both have as many words, each within a length-aware edit distance (two letters swapped in a
    word of three or four, one slip up to eight letters, two beyond), so that ``kangsong`` is not ``kaesong`` and
    ``kim jong il`` is not ``kim jong un``; otherwise the words run together must be equal but for one slip
    (``thaek yongho``). Numbers never differ.
    """
    typed_words, name_words = typed.split(), name.split()
    if [w for w in typed_words if w.isdigit()] != [w for w in name_words if w.isdigit()]:
        return False
    if len(typed_words) == len(name_words):
        return all(_word_misspelt(a, b) for a, b in zip(typed_words, name_words, strict=True))
    from rapidfuzz.distance import OSA

    joined, target = "".join(typed_words), "".join(name_words)
    return joined == target or (len(target) >= 5 and OSA.distance(joined, target) <= 1)
