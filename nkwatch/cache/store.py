"""The index's tables, and the rows a data file gives them.

Files are numbered (``files.file``) and every other table names its file by that number. A file's row keeps its
relative name, size and modification time (what the freshness diff compares), its record id, its checked value as
JSON, its own problems and its reference problems (those found against the other files). ``links`` holds the ids
each file names (with where: field, line, column) and, for events, their country codes; ``facet`` is 1 for the
values the --country, --theme, --actor and --source filters look at. ``ids`` holds the ids each file defines.
``events`` keeps each event's sort keys, ISO start and end days, and value, so that a query reads events alone.

Every stored value carries a CRC-32 of itself and the columns that say what it is: a value that does not match
raises ``CacheDamaged`` rather than giving a wrong answer.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

from nkwatch.cache import CacheDamaged
from nkwatch.dates import parse_edtf
from nkwatch.loader import FileResult
from nkwatch.references import KIND_OF_FOLDER

FORMAT_VERSION = "9"
"""Bumped whenever what a row holds or which indexes there are changes (9: indexes of files by folder and of the
files with problems; 8: the loader's listing, refused names stored, links re-read; 7: a range's wording and a
claim's quoted), so that an index of an older format is rebuilt."""

SECONDARY = {
    "links_file": "links(file)", "links_target": "links(kind, target, facet, file)", "ids_file": "ids(file)",
    "ids_id": "ids(kind, id)", "events_id": "events(id)", "events_order": "events(sort_start, sort_end, id)",
    "files_folder": "files(folder)", "files_problems": "files(file) WHERE problems IS NOT NULL",
    "files_ref_problems": "files(file) WHERE ref_problems IS NOT NULL",
}
"""Indexes dropped during a large rebuild and made again after, which is faster than keeping them up to date."""

TABLES = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files(file INTEGER PRIMARY KEY, name TEXT UNIQUE, folder TEXT, size INTEGER, mtime_ns INTEGER,
    record TEXT, id_line INTEGER, id_col INTEGER, value TEXT, problems TEXT, ref_problems TEXT, checksum INTEGER);
CREATE TABLE links(file INTEGER, kind TEXT, target TEXT, field TEXT, line INTEGER, col INTEGER, facet INTEGER);
CREATE TABLE ids(kind TEXT, id TEXT, file INTEGER, line INTEGER, col INTEGER, PRIMARY KEY(kind, id, file));
CREATE TABLE events(file INTEGER PRIMARY KEY, id TEXT, name TEXT, sort_start TEXT, sort_end TEXT, start TEXT,
    end_ TEXT, value TEXT, checksum INTEGER)
"""

FACET_FIELDS = ("countries", "themes", "actors", "sources")
"""The event fields whose values are facets (a source named only in a discrepancy is not one of the event's)."""
_FACET_PREFIXES = tuple(f"{name}[" for name in FACET_FIELDS)

INSERTS = {
    "files": "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
    "links": "INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?)",
    "ids": "INSERT OR IGNORE INTO ids VALUES (?, ?, ?, ?, ?)",
    "events": "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "words": "INSERT INTO event_words(rowid, title, aliases, actors, places, summary, date_note) "
             "VALUES (?, ?, ?, ?, ?, ?, ?)",
}


def connect(location: Path) -> sqlite3.Connection:
    """A connection to an existing or new index, in autocommit mode (transactions are begun explicitly)."""
    connection = sqlite3.connect(location, timeout=120, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def meta(connection: sqlite3.Connection, key: str) -> str | None:
    """A value of the meta table, or None."""
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(connection: sqlite3.Connection, values: dict[str, str]) -> None:
    """Store meta values (inside the caller's transaction)."""
    connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(values.items()))


def current_format(connection: sqlite3.Connection) -> bool:
    """Whether the index was made by this version's format."""
    has_meta = connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone()
    return bool(has_meta) and meta(connection, "version") == FORMAT_VERSION


def reset(connection: sqlite3.Connection) -> None:
    """Drop whatever the file holds and create this version's empty tables."""
    from nkwatch.cache.search import SEARCH_TABLES

    connection.execute("BEGIN IMMEDIATE")
    for name, kind in connection.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') "
                                         "AND name NOT LIKE 'sqlite_%'").fetchall():
        connection.execute(f"DROP {kind.upper()} IF EXISTS \"{name}\"")
    for statement in (TABLES + ";" + SEARCH_TABLES).split(";"):
        if statement.strip():
            connection.execute(statement)
    for name, columns in SECONDARY.items():
        connection.execute(f"CREATE INDEX {name} ON {columns}")
    set_meta(connection, {"version": FORMAT_VERSION})
    connection.execute("COMMIT")


def checksum(*parts: object) -> int:
    """The CRC-32 a stored value is kept with: of its text and the columns that identify it."""
    text = "\0".join("" if part is None else str(part) for part in parts)
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def decoded(text: str | None, *identity: object, stored_checksum: object) -> object:
    """A stored JSON value, after checking its checksum; CacheDamaged when either is wrong."""
    if not isinstance(text, str) or stored_checksum != checksum(text, *identity):
        raise CacheDamaged("a stored value does not match its checksum")
    try:
        return json.loads(text)
    except ValueError:
        raise CacheDamaged("a stored value is not JSON") from None


def _encoded(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


Batch = dict
"""What a group of files contributes to the index: the rows of each table (files, links, ids, events, words)."""


def new_batch() -> Batch:
    """An empty batch."""
    return {table: [] for table in INSERTS}


def add_file_rows(batch: Batch, file: int, name: str, size: int, mtime_ns: int, result: FileResult) -> None:
    """Add the rows of one read data file to batch (see the module docstring); the search row waits for names."""
    folder, value = result.folder, result.value
    problems = [[p.line, p.column, p.record, p.field, p.message] for p in result.problems]
    # An event's value is kept in its events row alone, so that the files table stays narrow for the diff.
    text = _encoded(value) if value is not None and folder != "events" else None
    own = _encoded(problems) if problems else None
    line, column = result.id_position
    batch["files"].append((file, name, folder, size, mtime_ns, result.record_id, line, column, text, own,
                           checksum(text, own, name, folder, result.record_id)))
    facets = folder == "events"
    batch["links"] += [(file, kind, target, field, line, column, facets and field.startswith(_FACET_PREFIXES))
                       for kind, target, field, line, column in result.references]
    batch["ids"] += [(kind, record, file, *result.id_position) for kind, record in _ids_of(result)]
    if facets and value is not None:
        batch["events"].append(_event_row(file, name, value))
        batch["words"].append((file, *own_words(value)))
        batch["links"] += [(file, "country", code, None, None, None, True) for code in value["countries"]]


def own_words(value: dict) -> tuple:
    """An event's search fields but its actors' and places' names, with the ids of those (see with_names)."""
    from nkwatch.cache.search import search_words

    return (search_words(value["title"]), search_words(" ".join(value.get("aliases") or ())),
            [a["actor"] for a in value.get("actors") or ()], list(value.get("places") or ()),
            search_words(value["summary"]), search_words(value.get("date_note") or ""))


def with_names(row: tuple, names: dict[str, str]) -> tuple:
    """A search row from own_words, its actor and place ids replaced by the search words of their names."""
    file, title, aliases, actors, places, summary, date_note = row
    return (file, title, aliases, " ".join(names[a] for a in actors if a in names),
            " ".join(names[p] for p in places if p in names), summary, date_note)


def _ids_of(result: FileResult) -> list[tuple[str, str]]:
    if result.value is None:
        return []
    if result.folder == "themes":
        return [("theme", theme["id"]) for theme in result.value]
    return [(KIND_OF_FOLDER[result.folder], result.record_id)]


def _event_row(file: int, name: str, value: dict) -> tuple:
    """An event's row: its dates for filtering and sorting, and its value."""
    date = parse_edtf(value["date"])
    sort_start, sort_end = (day.isoformat() for day in date.sort_key())
    start, end = (day.isoformat() if day else None for day in (date.start, date.end))
    text = _encoded(value)
    return (file, value["id"], name, sort_start, sort_end, start, end, text,
            checksum(text, value["id"], name, sort_start, sort_end, start, end))


def event_checksum_ok(row: tuple) -> bool:
    """Whether an events row (id, name, sort_start, sort_end, start, end_, value, checksum) is as written."""
    record, name, sort_start, sort_end, start, end, text, stored = row
    return stored == checksum(text, record, name, sort_start, sort_end, start, end)


def store(connection: sqlite3.Connection, batch: Batch, names: dict[str, str]) -> None:
    """Insert a batch's rows (inside the caller's transaction); names: each actor's and place's name words."""
    batch["words"] = [with_names(row, names) for row in batch["words"]]
    for table, statement in INSERTS.items():
        if batch[table]:
            connection.executemany(statement, batch[table])


def forget(connection: sqlite3.Connection, files: list[int]) -> None:
    """Delete every row of the given files (inside the caller's transaction)."""
    rows = [(file,) for file in files]
    for table in ("files", "links", "ids", "events"):
        connection.executemany(f"DELETE FROM {table} WHERE file = ?", rows)
    connection.executemany("DELETE FROM event_words WHERE rowid = ?", rows)
