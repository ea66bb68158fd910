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
    if text.isascii():  # NFKC and accent stripping change no ASCII text, and casefold is lower: the common case
        return _SEPARATORS.sub(" ", text.lower()).strip()
    folded = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


def words(text: str) -> list[str]:
    """The normalised words of a text, for search."""
    return _WORD.findall(normalize(text))
