"""Domain errors, raised deep in the library and turned into a message and an exit code by the CLI alone."""

from __future__ import annotations

from typing import NamedTuple

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_INTERRUPTED = 130


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
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        subject = " ".join(part for part in (self.record, self.field) if part)
        return f"{where}: {subject + ': ' if subject else ''}{self.message}"


class NkwatchError(Exception):
    """Base of every error nkwatch reports to a user; carries the exit code."""

    exit_code = EXIT_DATA


class DataError(NkwatchError):
    """The dataset is invalid; holds every problem found."""

    exit_code = EXIT_DATA

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"the dataset has {len(problems)} {noun}")


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
