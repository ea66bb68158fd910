"""Text from data files: one policy for the characters a reader cannot see, and how names are compared.

The policy (``strip_unsafe``), applied where text comes in (the schema check cleans every value as it is read) and
again where it goes out (the terminal, stderr, and each export's text function), so that text from an index built
before the policy, or from a file name, is held to it too:

- Control characters (C0, DEL, C1) but tab and newline are removed: a terminal would act on them.
- Format characters (Unicode category Cf) are removed: zero-width spaces and joiners (U+200B–U+200D, U+2060),
  the byte-order mark (U+FEFF), soft hyphens, bidirectional embeddings, overrides, isolates and marks (U+202A–U+202E,
  U+2066–U+2069, U+200E, U+200F, U+061C), tag characters. They hide or reorder text; the text reads the same without.
- The Hangul fillers (U+115F, U+1160, U+3164, U+FFA0), letters that show as nothing, are removed too.
- The line and paragraph separators U+2028 and U+2029 become a newline: they are line breaks, and written as
  themselves they break JavaScript strings and split lines where a reader sees none.

Nothing is made visible instead: the cleaned text is what every output carries, terminal, JSON, CSV, Markdown, HTML,
ICS and TimelineJS alike, and the CSV formula guard looks past the removed characters, so ``\\u200b=1+1`` is seen
as the formula it would be. File names and keys in messages are not cleaned but escaped (``errors.printable_name``),
so that the file can be found.
"""

from __future__ import annotations

import re
import unicodedata

# The characters the policy removes, listed for speed; ``_still_unsafe`` catches format characters of a Unicode
# version newer than this list.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")
_LINE_BREAKS = re.compile("[\u2028\u2029]")
_REMOVED_CATEGORIES = frozenset(("Cc", "Cf"))
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_.,;:/'’‘\"“”()\[\]]+")
_WORD = re.compile(r"\w+")


def strip_unsafe(text: str) -> str:
    """Text held to the policy above: control, format and invisible characters removed, U+2028/U+2029 as newlines."""
    text = _LINE_BREAKS.sub("\n", _UNSAFE.sub("", text))
    if _still_unsafe(text):
        text = "".join(c for c in text if c in "\t\n" or unicodedata.category(c) not in _REMOVED_CATEGORIES)
    return text


def strip_unsafe_json(text: str) -> str:
    """JSON text (as json.dumps writes it, which escapes C0 controls itself) held to the same policy: the removed
    characters gone, U+2028/U+2029 (only ever inside strings) written as the newline escape."""
    return _LINE_BREAKS.sub(r"\\n", _UNSAFE.sub("", text))


def _still_unsafe(text: str) -> bool:
    """Whether text may hold a character of the policy the list missed (only unprintable ones can be)."""
    if text.isprintable():
        return False
    return not text.replace("\n", "").replace("\t", "").replace(" ", "").isprintable() and any(
        unicodedata.category(c) in _REMOVED_CATEGORIES for c in text if c not in "\t\n")


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
