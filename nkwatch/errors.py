"""Domain errors, raised deep in the library and turned into a message and an exit code by the CLI alone."""

from __future__ import annotations

import re
from typing import NamedTuple

EXCERPT_CHARACTERS = 80
"""A message quotes at most this much of a value from a file: enough to find it, never a file's worth of text."""

MESSAGE_CHARACTERS = 500
"""The longest message a problem prints."""

PROBLEMS_PER_FILE = 10
"""At most this many problems are listed for one file; a count stands for the rest."""

_MORE = re.compile(r"… and ([0-9]+) more problems? in this file")

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_INTERRUPTED = 130


def excerpt(text: str, limit: int = EXCERPT_CHARACTERS) -> str:
    """The text, or its first limit characters ended by ``…`` when it is longer: a value quoted in a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def printable_name(text: str) -> str:
    """A file name or key as a message shows it: a character a terminal would act on, or one that is not text (a
    byte of a name that is not UTF-8), written as an escape such as ``\\x1b`` or ``\\xe9``."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in text)


def _escape(character: str) -> str:
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, kept by Python as a lone surrogate
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class Problem(NamedTuple):
    """One thing wrong with a data file, located as precisely as it can be."""

    path: str
    """The file, relative to the dataset folder where possible."""
    line: int | None
    """1-based line, or None when the problem is the file as a whole."""
    column: int | None
    """1-based column, or None."""
    record: str | None
    """The id of the record concerned, when known."""
    field: str | None
    """The field concerned, as a dotted path (``sources[1].source``), when there is one."""
    message: str
    """What is wrong and what would be valid."""

    def __str__(self) -> str:
        where = printable_name(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        subject = " ".join(excerpt(printable_name(part)) for part in (self.record, self.field) if part)
        # Every value a message quotes is an excerpt already; this bounds a message that forgot to.
        return f"{where}: {subject + ': ' if subject else ''}{excerpt(self.message, MESSAGE_CHARACTERS)}"


class NkwatchError(Exception):
    """Base of every error nkwatch reports to a user; carries the exit code."""

    exit_code = EXIT_DATA


class DataError(NkwatchError):
    """The dataset is invalid; holds every problem found."""

    exit_code = EXIT_DATA

    def __init__(self, problems: list[Problem]):
        self.problems = capped_per_file(problems)
        total = sum(problem_weight(problem) for problem in self.problems)
        noun = "problem" if total == 1 else "problems"
        super().__init__(f"the dataset has {total} {noun}")


class WriteRefused(DataError):
    """A record or file would give the dataset problems, so nothing was written; holds every problem found."""

    def __init__(self, problems: list[Problem], refused: str):
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        NkwatchError.__init__(self, f"{refused}: {len(problems)} {noun}; nothing was written")


class UsageError(NkwatchError):
    """An option or argument a user gave is not valid."""

    exit_code = EXIT_USAGE


class NotFoundError(NkwatchError):
    """A name did not match one record; carries the candidates, best first, and what to try instead."""

    exit_code = EXIT_NOT_FOUND

    def __init__(self, message: str, candidates: list[tuple[str, str, str]] | None = None,
                 hints: list[str] | None = None):
        self.candidates = list(candidates or [])
        """(id, date, title) of each record the name might mean."""
        self.hints = list(hints or [])
        """Command lines worth trying instead."""
        super().__init__(message)


def more_problems(path: str, count: int) -> Problem:
    """The line standing for a file's problems past PROBLEMS_PER_FILE."""
    noun = "problem" if count == 1 else "problems"
    return Problem(path, None, None, None, None, f"… and {count} more {noun} in this file")


def problem_weight(problem: Problem) -> int:
    """How many problems one listed problem stands for: the count of a ``… and N more`` line, else one."""
    match = _MORE.fullmatch(problem.message) if problem.line is None else None
    return int(match.group(1)) if match else 1


def capped_per_file(problems: list[Problem], limit: int = PROBLEMS_PER_FILE) -> list[Problem]:
    """The problems in their order, but at most limit for one file; a ``… and N more`` line, where the first one
    left out was, stands for the rest (one file of unknown keys must not print eighty thousand lines)."""
    shown: dict[str, int] = {}
    hidden: dict[str, int] = {}
    slot: dict[str, int] = {}
    kept: list[Problem] = []
    for problem in problems:
        weight = problem_weight(problem)
        if weight == 1 and shown.get(problem.path, 0) < limit:
            shown[problem.path] = shown.get(problem.path, 0) + 1
            kept.append(problem)
            continue
        if problem.path not in slot:
            slot[problem.path] = len(kept)
            kept.append(problem)
        hidden[problem.path] = hidden.get(problem.path, 0) + weight
    for path, where in slot.items():
        kept[where] = more_problems(path, hidden[path])
    return kept
