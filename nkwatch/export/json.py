"""JSON and NDJSON: the same objects as ``--json`` (``serialize.event_dict``), written one record at a time.

``json`` writes the array itself (``[``, items, ``]``) so that it never holds the whole document, and its bytes are
those of ``nkwatch timeline --json`` for the same selection; ``ndjson`` writes one compact object per line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from nkwatch.models import Dataset, Event, Figure
from nkwatch.serialize import event_dict, figure_dict
from nkwatch.textnorm import strip_unsafe_json

if TYPE_CHECKING:
    from nkwatch.export.about import About

INDENT = "  "


def _indented(value: dict) -> str:
    """One array item as ``json.dumps(array, indent=2)`` writes it: two spaces deeper than the array."""
    text = strip_unsafe_json(json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False))
    return "\n".join(INDENT + line for line in text.split("\n"))


def json_line(value: dict) -> str:
    """One compact JSON object on one line, its text held to nkwatch's policy for invisible characters (U+2028 and
    U+2029, on which some readers split lines, become newline escapes)."""
    return strip_unsafe_json(json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False))


def write_json_array(records: Iterable[dict], stream: TextIO) -> int:
    """Write dicts as an indented JSON array, one item at a time; return how many were written."""
    count = 0
    for record in records:
        stream.write(("[\n" if count == 0 else ",\n") + _indented(record))
        count += 1
    stream.write("\n]\n" if count else "[]\n")
    return count


def write_wrapped_lines(records: Iterable[dict], stream: TextIO, opening: str) -> int:
    """Write dicts one per line inside ``opening`` and ``]}`` (a GeoJSON or TimelineJS document); return the count."""
    stream.write(opening)
    count = 0
    for record in records:
        line = strip_unsafe_json(json.dumps(record, ensure_ascii=False, allow_nan=False))
        stream.write(("\n" if count == 0 else ",\n") + line)
        count += 1
    stream.write("\n]}\n" if count else "]}\n")
    return count


def write_json_lines(records: Iterable[dict], stream: TextIO) -> int:
    """Write dicts as newline-delimited JSON, one object per line; return how many were written."""
    count = 0
    for record in records:
        stream.write(json_line(record) + "\n")
        count += 1
    return count


def write_json(dataset: Dataset, events: Iterable[Event], stream: TextIO, *, about: About | None = None) -> int:
    """Write events as a JSON array of event objects; return how many were written."""
    return write_json_array((event_dict(dataset, e) for e in events), stream)


def write_ndjson(dataset: Dataset, events: Iterable[Event], stream: TextIO, *, about: About | None = None) -> int:
    """Write events as NDJSON, one event object per line; return how many were written."""
    return write_json_lines((event_dict(dataset, e) for e in events), stream)


def write_figures_json(dataset: Dataset, figures: Iterable[Figure], stream: TextIO) -> int:
    """Write figures as a JSON array of figure objects; return how many were written."""
    return write_json_array((figure_dict(dataset, f) for f in figures), stream)


def write_figures_ndjson(dataset: Dataset, figures: Iterable[Figure], stream: TextIO) -> int:
    """Write figures as NDJSON, one figure object per line; return how many were written."""
    return write_json_lines((figure_dict(dataset, f) for f in figures), stream)
