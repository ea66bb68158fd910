"""Listings as rows of whole values: what piped output prints, one tab-separated line a record, and what the
terminal's tables lay out. Nothing here imports Rich, so a piped command never loads it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from nkwatch.dates import humanize
from nkwatch.models import Dataset, Event, Figure
from nkwatch.serialize import people_text, value_text
from nkwatch.textnorm import strip_unsafe

_BREAKS = str.maketrans({"\t": " ", "\n": " ", "\r": " ", "\v": " ", "\f": " "})


def clean(value: object) -> str:
    """A value as one line of inert text: no control characters, no line breaks or tabs (blanks instead)."""
    return strip_unsafe(str(value)).translate(_BREAKS)


def tsv(rows: Iterable[Sequence[object]]) -> str:
    """Rows for scripts: tab-separated, one a line, every value whole on one line (no tab inside a value)."""
    return "".join("\t".join(clean(cell) for cell in row) + "\n" for row in rows)


def publishers(dataset: Dataset, refs) -> str:
    """The publishers of the cited sources, each once, in citation order, separated by semicolons."""
    return "; ".join(dict.fromkeys(dataset.sources[r.source].publisher for r in refs if r.source in dataset.sources))


def event_rows(dataset: Dataset, events: list[Event]) -> list[list[str]]:
    """The listing's values, whole: date, id, title, countries, people, themes, sources (publishers)."""
    return [[humanize(e.date), e.id, e.title, ", ".join(e.countries), people_text(e.people), ", ".join(e.themes),
             publishers(dataset, e.sources)] for e in events]


def search_rows(hits) -> list[list[str]]:
    """Search hits for scripts: kind, id, date (or as-of), title (or measure), score."""
    return [[h.kind, h.record.id, humanize(h.record.date) if h.kind == "event" else humanize(h.record.as_of),
             h.record.title if h.kind == "event" else h.record.measure, f"{h.score:g}"] for h in hits]


def figure_rows(dataset: Dataset, figures: list[Figure]) -> list[list[str]]:
    """The figures' values, whole: id, value, unit, as of, countries, what, who asserts it, sources."""
    return [[f.id, value_text(f.value, f.qualifier), f.unit, humanize(f.as_of), ", ".join(f.countries), f.measure,
             f"{f.attestation.basis}: {f.attestation.asserted_by}", publishers(dataset, f.sources)]
            for f in figures]
