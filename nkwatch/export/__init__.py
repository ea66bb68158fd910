"""Exports: one module per format, one writer each, and the registry that maps a format's name to its writer.

Writers are named as ``module:function`` and imported only when their format is asked for, so that an export
loads one writer and not all eight. Every writer has the signature ``write_X(dataset, events, stream, *, about=None)
-> int``: it iterates the events once, writes to the text stream as it goes (never building the whole output in
memory) and returns how many records it wrote. ``about`` (``export.about.About``, built once by the export command
from the resolved filters) names the selection, the day made and the dataset, for the formats that show them
(Markdown, HTML, TimelineJS); without it a writer describes an unfiltered export.
``--figures`` uses the writers in ``FIGURE_WRITERS``, which take figures instead of events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import import_module
from pathlib import PurePath
from typing import TextIO

from nkwatch.errors import UsageError
from nkwatch.models import Dataset, Figure

Writer = Callable[..., int]
"""``write_X(dataset, events, stream, *, about=None) -> int``."""
FigureWriter = Callable[[Dataset, Iterable[Figure], TextIO], int]

FORMATS = ("csv", "json", "ndjson", "markdown", "ics", "geojson", "timelinejs", "html")
"""Every export format, in the order help lists them."""

WRITERS: dict[str, str | Writer] = {
    "csv": "csv:write_csv",
    "json": "json:write_json",
    "ndjson": "json:write_ndjson",
    "markdown": "markdown:write_markdown",
    "ics": "ics:write_ics",
    "geojson": "geojson:write_geojson",
    "timelinejs": "timelinejs:write_timelinejs",
    "html": "html:write_html",
}
"""The writer of each format."""

DATABASE_WRITERS: dict[str, str | Callable] = {
    "sqlite": "sqlite:write_sqlite",
}
"""Formats written to a named file, never to a stream (a database), and their writers, whose signature is
``write_X(dataset, events, figures, path) -> int``."""

ALL_FORMATS = FORMATS + tuple(DATABASE_WRITERS)
"""Every format --format accepts: those written to a stream, then the database ones."""

FIGURE_WRITERS: dict[str, str | FigureWriter] = {
    "csv": "csv:write_figures_csv",
    "json": "json:write_figures_json",
    "ndjson": "json:write_figures_ndjson",
}
"""The formats that can hold figures (``--figures``), and their writers."""

# Longest suffix first, so that ``x.timeline.json`` is TimelineJS and not plain JSON.
EXTENSIONS = (
    (".timeline.json", "timelinejs"),
    (".timelinejs", "timelinejs"),
    (".geojson", "geojson"),
    (".ndjson", "ndjson"),
    (".jsonl", "ndjson"),
    (".json", "json"),
    (".csv", "csv"),
    (".markdown", "markdown"),
    (".md", "markdown"),
    (".ics", "ics"),
    (".html", "html"),
    (".htm", "html"),
)
"""File name endings and the format each one names."""

DATABASE_EXTENSIONS = ((".sqlite3", "sqlite"), (".sqlite", "sqlite"), (".db", "sqlite"))
"""File name endings that name a database format."""


def format_from_extension(path: str | PurePath) -> str:
    """The format a file name's extension names (``ru.csv`` → csv), or a UsageError listing the known endings."""
    name = PurePath(path).name.lower()
    for suffix, name_format in EXTENSIONS + DATABASE_EXTENSIONS:
        if name.endswith(suffix):
            return name_format
    endings = ", ".join(suffix for suffix, _ in EXTENSIONS + DATABASE_EXTENSIONS)
    raise UsageError(f"cannot tell the format from {str(path)!r}; give --format ({', '.join(ALL_FORMATS)}) "
                     f"or a file ending in {endings}")


def writer_for(name: str) -> Writer:
    """The writer of a format, or a UsageError naming the formats there are."""
    try:
        return _loaded(WRITERS[name])
    except KeyError:
        raise UsageError(f"unknown format {name!r}; formats: {', '.join(ALL_FORMATS)}") from None


def database_writer_for(name: str) -> Callable:
    """The writer of a database format (sqlite)."""
    return _loaded(DATABASE_WRITERS[name])


def figure_writer_for(name: str) -> FigureWriter:
    """The figures writer of a format, or a UsageError naming the formats that can hold figures."""
    try:
        return _loaded(FIGURE_WRITERS[name])
    except KeyError:
        raise UsageError(f"--figures works with {', '.join(FIGURE_WRITERS)}, not {name}") from None


def _loaded(writer: str | Callable) -> Callable:
    """The writer a ``module:function`` name points to, imported now; a function as it is."""
    if callable(writer):
        return writer
    module, function = writer.split(":")
    return getattr(import_module(f"nkwatch.export.{module}"), function)
