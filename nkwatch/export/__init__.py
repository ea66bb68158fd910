"""Exports: one module per format, one writer each, and the registry that maps a format's name to its writer.

Every writer has the signature ``write_X(dataset, events, stream) -> int``: it iterates the events once, writes to
the text stream as it goes (never building the whole output in memory) and returns how many records it wrote.
``--figures`` uses the writers in ``FIGURE_WRITERS``, which take figures instead of events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import TextIO

from nkwatch.errors import UsageError
from nkwatch.export.csv import write_csv, write_figures_csv
from nkwatch.export.geojson import write_geojson
from nkwatch.export.html import write_html
from nkwatch.export.ics import write_ics
from nkwatch.export.json import write_figures_json, write_figures_ndjson, write_json, write_ndjson
from nkwatch.export.markdown import write_markdown
from nkwatch.export.timelinejs import write_timelinejs
from nkwatch.models import Dataset, Event, Figure

Writer = Callable[[Dataset, Iterable[Event], TextIO], int]
FigureWriter = Callable[[Dataset, Iterable[Figure], TextIO], int]

FORMATS = ("csv", "json", "ndjson", "markdown", "ics", "geojson", "timelinejs", "html")
"""Every export format, in the order help lists them."""

WRITERS: dict[str, Writer] = {
    "csv": write_csv,
    "json": write_json,
    "ndjson": write_ndjson,
    "markdown": write_markdown,
    "ics": write_ics,
    "geojson": write_geojson,
    "timelinejs": write_timelinejs,
    "html": write_html,
}
"""The writer of each format."""

FIGURE_WRITERS: dict[str, FigureWriter] = {
    "csv": write_figures_csv,
    "json": write_figures_json,
    "ndjson": write_figures_ndjson,
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


def format_from_extension(path: str | PurePath) -> str:
    """The format a file name's extension names (``ru.csv`` → csv), or a UsageError listing the known endings."""
    name = PurePath(path).name.lower()
    for suffix, name_format in EXTENSIONS:
        if name.endswith(suffix):
            return name_format
    endings = ", ".join(suffix for suffix, _ in EXTENSIONS)
    raise UsageError(f"cannot tell the format from {str(path)!r}; give --format ({', '.join(FORMATS)}) "
                     f"or a file ending in {endings}")


def writer_for(name: str) -> Writer:
    """The writer of a format, or a UsageError naming the formats there are."""
    try:
        return WRITERS[name]
    except KeyError:
        raise UsageError(f"unknown format {name!r}; formats: {', '.join(FORMATS)}") from None


def figure_writer_for(name: str) -> FigureWriter:
    """The figures writer of a format, or a UsageError naming the formats that can hold figures."""
    try:
        return FIGURE_WRITERS[name]
    except KeyError:
        raise UsageError(f"--figures works with {', '.join(FIGURE_WRITERS)}, not {name}") from None
