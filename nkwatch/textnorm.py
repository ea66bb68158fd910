"""How names are compared: Unicode NFKC, case folded, accents dropped, hyphens, spaces and punctuation folded."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_.,;:/'’‘\"“”()\[\]]+")
_WORD = re.compile(r"\w+")


def normalize(text: str) -> str:
    """A comparison key: ``Ningbo-13`` and ``ningbo 13`` both give ``ningbo 13``; Hangul is kept."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


def words(text: str) -> list[str]:
    """The normalised words of a text, for search."""
    return _WORD.findall(normalize(text))
