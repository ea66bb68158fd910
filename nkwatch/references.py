"""What a record refers to: the ids it names, where it names them, and the check that each one exists.

References are collected per file (so that an index can cache them with the file) and resolved against the
whole dataset's ids afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

# Record kinds by folder, and the singular a message uses.
KIND_OF_FOLDER = {"sources": "source", "actors": "actor", "places": "place", "events": "event", "figures": "figure",
                  "themes": "theme"}


class Reference(NamedTuple):
    """One id named by a record, and the field that names it."""

    kind: str
    """The kind of record named: source, actor, place, theme or event."""
    target: str
    """The id named."""
    field: tuple
    """The field path in the naming record (``("sources", 0, "source")``)."""


def _each(kind: str, ids, field: str) -> Iterator[Reference]:
    for i, target in enumerate(ids or ()):
        yield Reference(kind, target, (field, i))


def _source_refs(value: dict) -> Iterator[Reference]:
    for i, ref in enumerate(value.get("sources") or ()):
        yield Reference("source", ref["source"], ("sources", i, "source"))
    for i, discrepancy in enumerate(value.get("discrepancies") or ()):
        for j, claim in enumerate(discrepancy["claims"]):
            yield Reference("source", claim["source"], ("discrepancies", i, "claims", j, "source"))


def references_of(folder: str, value: dict) -> list[Reference]:
    """Every id a checked record names."""
    if folder == "events":
        refs = [*_each("place", value.get("places"), "places"), *_each("theme", value.get("themes"), "themes"),
                *_each("event", value.get("related"), "related")]
        actors = enumerate(value.get("actors") or ())
        refs += [Reference("actor", a["actor"], ("actors", i, "actor")) for i, a in actors]
        return refs + list(_source_refs(value))
    if folder == "figures":
        refs = list(_source_refs(value))
        return refs + ([Reference("event", value["event"], ("event",))] if value.get("event") else [])
    return []


def country_fields(folder: str, value: dict) -> Iterator[tuple[tuple, str]]:
    """Every country code a checked record holds, with its field path."""
    if folder == "places":
        yield ("country",), value["country"]
    for i, code in enumerate(value.get("countries") or ()):
        yield ("countries", i), code


def missing_message(ref: Reference, known: set[str] | list[str], broken: set[str] = frozenset()) -> str:
    """'no source has the id …; did you mean …?', or, when the record's file exists but is invalid, that."""
    from difflib import get_close_matches

    if ref.target in broken:
        return f"names the {ref.kind} {ref.target!r}, whose file has problems of its own (listed with it)"
    close = get_close_matches(ref.target, list(known), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"no {ref.kind} has the id {ref.target!r}{hint}"
