"""Reading records out of an index: the small records whole, events lazily, one row at a time.

``IndexedEvents`` is the index's EventStore (see ``nkwatch.models``): it filters and sorts in SQL and builds a
record only for each row a query returns. A row whose checksum does not match raises ``CacheDamaged``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice

from nkwatch.cache import CacheDamaged
from nkwatch.cache.store import checksum, decoded, event_checksum_ok
from nkwatch.loader import BUILDERS, build_event, build_themes
from nkwatch.models import Dataset, Event, StoredEvent

_EVENT_COLUMNS = "e.id, e.name, e.sort_start, e.sort_end, e.start, e.end_, e.value, e.checksum"


class IndexedEvents(Mapping):
    """The events of an indexed dataset, by id, in date order; records are built only when asked for."""

    def __init__(self, connection: sqlite3.Connection, base: str):
        self.connection, self.base = connection, base

    def _rows(self, sql: str, params: Iterable = ()) -> Iterator[tuple]:
        """The rows of a query; CacheDamaged when SQLite finds the file damaged, at once or half-way through."""
        try:
            yield from self.connection.execute(sql, tuple(params))
        except sqlite3.Error as error:
            raise CacheDamaged(str(error)) from None

    def _one(self, sql: str, params: Iterable = ()) -> tuple | None:
        return next(self._rows(sql, params), None)

    def _event(self, row: tuple) -> Event:
        return build_event(self._value(row), os.path.join(self.base, row[1]))

    @staticmethod
    def _value(row: tuple) -> dict:
        if not event_checksum_ok(row):
            raise CacheDamaged("an event's row does not match its checksum")
        try:
            return json.loads(row[6])
        except ValueError:
            raise CacheDamaged("an event's value is not JSON") from None

    def __getitem__(self, event_id: str) -> Event:
        row = self._one(f"SELECT {_EVENT_COLUMNS} FROM events e WHERE e.id = ? ORDER BY e.file LIMIT 1", (event_id,))
        if row is None:
            raise KeyError(event_id)
        return self._event(row)

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._rows("SELECT id FROM events ORDER BY sort_start, sort_end, id"))

    def __len__(self) -> int:
        return self._one("SELECT count(*) FROM events")[0]

    def __contains__(self, event_id: object) -> bool:
        return self._one("SELECT 1 FROM events WHERE id = ?", (event_id,)) is not None

    def values(self) -> Iterator[Event]:  # type: ignore[override]
        """Every event, in date order, built one at a time."""
        return self.candidates(None)

    def items(self) -> Iterator[tuple[str, Event]]:  # type: ignore[override]
        """(id, event) pairs, in date order, built one at a time."""
        return ((event.id, event) for event in self.candidates(None))

    def candidates(self, filters) -> Iterator[Event]:
        """Events that pass the filters SQL can apply (facets and dates), in date order, built one at a time."""
        for row in self._in_order(filters):
            yield self._event(row)

    def stored(self, filters) -> Iterable[StoredEvent]:
        """The events that pass the facet and date filters, at most filters.limit of them, in date order, as their
        stored values with their ISO start and end days: for a writer that needs no records (see query.Selection)."""
        rows = ((self._value(row), row[4], row[5]) for row in self._in_order(filters))
        return rows if filters is None or filters.limit is None else islice(rows, filters.limit)

    def _in_order(self, filters) -> Iterator[tuple]:
        where, params = sql_filter(filters)
        # With a limit, walk events in date order and stop early; without one, SQLite's own plan (a sort) is faster.
        order = " INDEXED BY events_order" if filters is not None and filters.limit else ""
        return self._rows(
            f"SELECT {_EVENT_COLUMNS} FROM events e{order}{where} ORDER BY e.sort_start, e.sort_end, e.id", params)

    def count(self, filters) -> int:
        """How many events pass the facet and date filters."""
        where, params = sql_filter(filters)
        return self._one(f"SELECT count(*) FROM events e{where}", params)[0]

    def search(self, dataset: Dataset, words: list[str], filters) -> Iterator[tuple[Event, float]]:
        """The events holding every word, ranked by FTS5's BM25, narrowed by the facet and date filters in SQL;
        records are built as the caller takes them (a command printing 50 builds about 50)."""
        from nkwatch.cache.search import indexed_hits

        where, params = sql_filter(filters)
        try:
            hits = list(indexed_hits(self.connection, words, where, params))
        except sqlite3.Error as error:
            raise CacheDamaged(str(error)) from None
        for start in range(0, len(hits), 100):
            chunk = hits[start:start + 100]
            rows = {row[0]: row[1:] for row in self._rows(
                f"SELECT e.file, {_EVENT_COLUMNS} FROM events e WHERE e.file IN ({', '.join('?' * len(chunk))})",
                [file for file, _ in chunk])}
            yield from ((self._event(rows[file]), score) for file, score in chunk if file in rows)


def _facet_filters(filters) -> list[tuple[str, tuple[str, ...]]]:
    """The facet filters given: (links kind, the values any of which an event must have)."""
    if filters is None:
        return []
    given = (("country", filters.countries), ("theme", filters.themes), ("actor", filters.actors),
             ("source", filters.sources))
    return [(facet, values) for facet, values in given if values]


def sql_filter(filters) -> tuple[str, list]:
    """The WHERE clause (over events e) applying the facet and date filters, and its parameters."""
    clauses, params = [], []
    if filters is not None:
        for facet, values in _facet_filters(filters):
            marks = ", ".join("?" * len(values))
            clauses.append(f"e.file IN (SELECT file FROM links WHERE kind = ? AND target IN ({marks}) AND facet = 1)")
            params += [facet, *values]
        if filters.since:
            clauses.append("(e.end_ IS NULL OR e.end_ >= ?)")
            params.append(filters.since.isoformat())
        if filters.until:
            clauses.append("(e.start IS NULL OR e.start <= ?)")
            params.append(filters.until.isoformat())
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def small_records(connection: sqlite3.Connection, base: str) -> dict[str, dict]:
    """The sources, actors, places, figures (each by id) and themes of an index, built."""
    records: dict[str, dict] = {folder: {} for folder in ("sources", "actors", "places", "figures", "themes")}
    for folder, name, record, text, problems, stored in connection.execute(
            "SELECT folder, name, record, value, problems, checksum FROM files WHERE value IS NOT NULL AND folder IN "
            "('themes', 'sources', 'actors', 'places', 'figures') ORDER BY name"):
        value = decoded(text, problems, name, folder, record, stored_checksum=stored)
        if folder == "themes":
            records["themes"] = build_themes(value)
        else:
            built = BUILDERS[folder](value, os.path.join(base, name))
            records[folder][built.id] = built
    return records


def problems_of(connection: sqlite3.Connection, base: str) -> list:
    """Every problem of the dataset, in the loader's order: each file's own, the duplicate ids, then each file's
    reference problems (files in the loader's listing order)."""
    from nkwatch.cache.build import duplicates
    from nkwatch.errors import Problem
    from nkwatch.loader import RECORD_FOLDERS

    rank = {folder: position for position, folder in enumerate(("themes", *RECORD_FOLDERS))}
    rows = connection.execute("SELECT file, name, folder, record, value, problems, ref_problems, checksum FROM files "
                              "WHERE problems IS NOT NULL OR ref_problems IS NOT NULL").fetchall()
    rows.sort(key=lambda row: (rank.get(row[2], len(rank)), os.path.join(base, row[1])))
    own, references = [], []
    for file, name, folder, record, value, problems, ref_problems, stored in rows:
        path = os.path.join(base, name)
        if problems is not None:
            if stored != checksum(value, problems, name, folder, record):
                raise CacheDamaged("a file's problems do not match their checksum")
            own += [Problem(path, *fields) for fields in _problem_fields(problems)]
        if ref_problems is not None:
            crc, _, text = ref_problems.partition(":")
            if crc != str(checksum(text, file)):
                raise CacheDamaged("a file's reference problems do not match their checksum")
            references += [Problem(path, *fields) for fields in _problem_fields(text)]
    return own + duplicates(connection, base) + references


def _problem_fields(text: str) -> list[list]:
    try:
        found = json.loads(text)
    except ValueError:
        raise CacheDamaged("stored problems are not JSON") from None
    if not isinstance(found, list) or not all(isinstance(fields, list) and len(fields) == 5 for fields in found):
        raise CacheDamaged("stored problems have an odd shape")
    return found
