"""CSV: one row per event (or per figure), RFC 4180 quoting, with cells a spreadsheet would run neutralised.

A spreadsheet opening a CSV guesses its separator: LibreOffice's import dialog ticks tab, comma and semicolon by
default, and Excel takes the list separator of the user's locale (``;`` across much of Europe). So every cell that
holds a comma, a semicolon, a tab, a double quote or a line break is quoted (its double quotes doubled), whatever
separator the reader picks: list cells joined with ``; `` stay one cell, and a tab inside a cell cannot split it
into a second cell that starts a live formula. Other cells are written bare, as RFC 4180 allows.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, or a full-width ``＝＋－＠``, is
read by Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(…)`` can leak data or run commands), and so
is one that starts so behind invisible characters (``\\u200b=1+1``); such a cell gets a leading apostrophe, which
spreadsheets show as text. ``raw=True`` writes cells as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, NamedTuple, TextIO

from nkwatch.models import Dataset, Event, Figure, Range
from nkwatch.serialize import claim_text, discrepancy_dict, figure_dict, number, source_dict
from nkwatch.textnorm import strip_unsafe

if TYPE_CHECKING:
    from nkwatch.export.about import About

EVENT_COLUMNS = ("id", "title", "date", "start", "end", "date_note", "countries", "places", "actors", "themes",
                 "people_min", "people_max", "people_wording", "summary", "sources", "basis", "asserted_by", "outlets",
                 "related", "discrepancies")
"""The columns of an events CSV, in order: the first fourteen as issue 5 fixed them, then who asserts the event."""

FIGURE_COLUMNS = ("id", "measure", "value_min", "value_max", "value_wording", "qualifier", "unit", "as_of",
                  "as_of_start", "as_of_end", "countries", "event", "note", "basis", "asserted_by", "outlets",
                  "sources", "discrepancies")
"""The columns of a figures CSV, in order."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""First characters that make a spreadsheet read a cell as a formula."""

LIST_SEPARATOR = "; "

_HARMLESS_FIRST = frozenset(map(chr, range(0x20, 0x7F))) - set(FORMULA_STARTS)
"""Visible ASCII first characters no spreadsheet reads as a formula: csv_line asks starts_formula only about cells
starting otherwise (calling it for every cell was half of csv_line's time: 95 against 44 ms for 10,000 rows)."""


def starts_formula(cell: str) -> bool:
    """True when a spreadsheet may run the cell: it starts with a formula character, or does once the characters
    nkwatch's text policy removes (zero-width and other invisible ones, see nkwatch.textnorm) are taken away."""
    if cell.startswith(FORMULA_STARTS):
        return True
    first = cell[:1]
    if not first or " " <= first <= "~" or strip_unsafe(first):  # the usual case: a visible first character
        return False
    return strip_unsafe(cell).startswith(FORMULA_STARTS)


def joined(values: Iterable[str]) -> str:
    """List items in one cell, separated by ``; ``."""
    return LIST_SEPARATOR.join(values)


def sources_cell(sources: list[dict]) -> str:
    """Each source as ``publisher, title, date, url`` (url left out when unknown), separated by ``; ``."""
    parts = ([s["publisher"], s["title"], s["published"]] + ([s["url"]] if s["url"] else []) for s in sources)
    return joined(", ".join(part) for part in parts)


def discrepancies_cell(discrepancies: list[dict]) -> str:
    """Each disagreement as ``about: source says …; source says … → resolution``, separated by `` | ``."""
    return " | ".join(
        f"{d['about']}: " + joined(claim_text(c["source"], _Said(c["says"], c.get("quoted", False)))
                                   for c in d["claims"])
        + (f" → {d['resolution']}" if d["resolution"] else "")
        for d in discrepancies)


class _Said(NamedTuple):
    says: str
    quoted: bool


def attestation_cells(attestation: dict) -> list[str]:
    """Who asserts the record: basis, asserted_by and the outlets, as three cells."""
    return [attestation["basis"], attestation["asserted_by"], joined(attestation["outlets"])]


def _blank(value: object) -> object:
    return "" if value is None else value


def event_row(dataset: Dataset, event: Event, source_cells: dict[str, str]) -> list[object]:
    """An event as the cells of one CSV row, in EVENT_COLUMNS order; the cells of each source are kept in
    source_cells, since a selection cites the same few sources again and again.

    Built from the record itself rather than ``serialize.event_dict``, which would build and throw away a dict of
    every field for each of thousands of rows; tests hold the two to the same values.
    """
    date, people, attestation = event.date, event.people, event.attestation
    return [event.id, event.title, date.text, _iso(date.start), _iso(date.end), _blank(event.date_note),
            joined(event.countries), joined(_names(dataset.places, event.places)),
            joined(_names(dataset.actors, (a.actor for a in event.actors))), joined(event.themes),
            *people_cells(people), event.summary,
            joined(_source_cell(dataset, ref.source, source_cells) for ref in event.sources if ref.source in
                   dataset.sources),
            attestation.basis, attestation.asserted_by, joined(attestation.outlets), joined(event.related),
            discrepancies_cell([discrepancy_dict(d) for d in event.discrepancies])]


def stored_row(dataset: Dataset, value: dict, start: str | None, end: str | None, source_cells: dict[str, str],
               ) -> list[object]:
    """The cells event_row gives, from an event's stored value (its checked YAML mapping, as the index keeps it)
    and its ISO start and end days, without building the record: on an export of thousands of rows that halves
    the time. Each field is read as ``loader.build_event`` reads it; tests hold the two to the same cells."""
    people, attestation = value.get("people"), value["attestation"]
    if people.__class__ is dict:
        people = people_cells(Range(people["min"], people.get("max"), people.get("wording")))
    else:
        people = ("", "", "") if people is None else (number(people), number(people), "")
    sources = (ref["source"] for ref in value["sources"])
    return [value["id"], value["title"], value["date"].strip(), start or "", end or "", _blank(value.get("date_note")),
            joined(value["countries"]), joined(_names(dataset.places, value.get("places") or ())),
            joined(_names(dataset.actors, (a["actor"] for a in value.get("actors") or ()))), joined(value["themes"]),
            *people, value["summary"].strip(),
            joined(_source_cell(dataset, source, source_cells) for source in sources if source in dataset.sources),
            attestation["basis"], attestation["asserted_by"], joined(attestation.get("outlets") or ()),
            joined(value.get("related") or ()), discrepancies_cell(value.get("discrepancies") or ())]


def people_cells(people: Range | None) -> tuple[object, object, object]:
    """A head count's people_min, people_max and people_wording cells (blank where unknown)."""
    if people is None:
        return ("", "", "")
    high = "" if people.max is None else number(people.max)
    return (number(people.min), high, _blank(people.wording))


def _iso(day) -> str:
    return day.isoformat() if day else ""


def _names(records: dict, ids) -> list[str]:
    return [records[i].name if i in records else i for i in ids]


def _source_cell(dataset: Dataset, source_id: str, cells: dict[str, str]) -> str:
    cell = cells.get(source_id)
    if cell is None:
        cell = cells[source_id] = sources_cell([source_dict(dataset.sources[source_id])])
    return cell


def figure_row(data: dict) -> list[object]:
    """A figure dict (``serialize.figure_dict``) as the cells of one CSV row, in FIGURE_COLUMNS order."""
    value = data["value"]
    return [data["id"], data["measure"], value["min"], _blank(value["max"]), _blank(value["wording"]),
            _blank(data["qualifier"]),
            data["unit"], data["as_of"], _blank(data["as_of_start"]), _blank(data["as_of_end"]),
            joined(data["countries"]), _blank(data["event"]), _blank(data["note"]),
            *attestation_cells(data["attestation"]), sources_cell(data["sources"]),
            discrepancies_cell(data["discrepancies"])]


def csv_line(cells: Iterable[object], raw: bool = False) -> str:
    """One CSV record with CRLF line ends: None as an empty cell, a cell holding a comma, a semicolon, a tab, a
    double quote or a line break quoted, with its quotes doubled. Unless raw, text cells a spreadsheet would run
    are neutralised first.

    Built here rather than by csv.writer, which copies each character in a loop of its own: on exports of
    thousands of rows with long summaries it took most of the time, and str.replace and a few substring tests
    per cell (each a C scan) are about three times faster. Tests hold it to the csv module's reading.
    """
    parts = []
    for cell in cells:
        if cell.__class__ is not str:
            cell = "" if cell is None else str(cell)
        elif not raw and cell and cell[0] not in _HARMLESS_FIRST and starts_formula(cell):
            cell = "'" + cell
        if "," in cell or ";" in cell or '"' in cell or "\t" in cell or "\n" in cell or "\r" in cell:
            cell = '"' + cell.replace('"', '""') + '"'
        parts.append(cell)
    return ",".join(parts) + "\r\n"


def _write_rows(header: Iterable[str], rows: Iterable[list[object]], stream: TextIO, raw: bool) -> int:
    write, line = stream.write, partial(csv_line, raw=raw)
    write(csv_line(list(header), raw=True))
    count = 0
    for row in rows:
        write(line(row))
        count += 1
    return count


def write_csv(dataset: Dataset, events: Iterable[Event], stream: TextIO, *, raw: bool = False,
              about: About | None = None) -> int:
    """Write events as CSV, one row each under a header row; return how many rows were written. From a
    ``query.Selection`` that an index can give as stored values, the rows are made from those."""
    source_cells: dict[str, str] = {}
    from nkwatch.query import Selection

    values = events.stored() if isinstance(events, Selection) else None
    if values is not None:
        rows = (stored_row(dataset, value, start, end, source_cells) for value, start, end in values)
    else:
        rows = (event_row(dataset, event, source_cells) for event in events)
    return _write_rows(EVENT_COLUMNS, rows, stream, raw)


def write_figures_csv(dataset: Dataset, figures: Iterable[Figure], stream: TextIO, *, raw: bool = False) -> int:
    """Write figures as CSV, one row each under a header row; return how many rows were written."""
    rows = (figure_row(figure_dict(dataset, figure)) for figure in figures)
    return _write_rows(FIGURE_COLUMNS, rows, stream, raw)
