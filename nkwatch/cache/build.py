"""Bringing an index up to date: the per-file diff, reading what changed, and the dataset's problems.

Every run lists the dataset's files through the loader (``loader.list_data_files``) and compares each one's name,
size and modification time with what the index stored (through digests of chunks of the listing: see
``listing_digests`` and ``_chunk_differences``): a file added, removed, renamed, rewritten or touched is read again,
and nothing else. A file modified less than ``RECENT_NS`` before it was read is stored with no modification
time, so that it is read again until it has been still that long (see ``RECENT_NS``). Files are read and checked by
the loader (``read_record_file``), and the dataset's cross-file problems (ids named but missing, ids held twice) by
the loader's own checks, run again only for the files a change can affect.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from nkwatch.cache import store
from nkwatch.cache.search import event_fields, record_names
from nkwatch.errors import Problem
from nkwatch.loader import FileResult, duplicate_problems, list_data_files, read_record_file, reference_problems
from nkwatch.references import KIND_OF_FOLDER

RECENT_NS = 3_000_000_000
"""A file modified less than this long before it is read may be rewritten within the same tick of its file system's
clock (a few ms on ext4, 2 s on FAT) and keep its size and modification time: such a file is read again by later
commands until it has been still this long."""

PARALLEL_FROM = 2000
"""Files to read from which worker processes (started with spawn, as on every platform) pay for their start."""

CHUNK = 200
"""Files per batch handed to a worker process."""

FULL_CHECK_FROM = 500
"""Changed files from which every file's references are checked again rather than those a change can affect."""

BULK_FROM = 2000
"""Changed files from which dropping and making again the secondary indexes is faster than keeping them."""

Item = tuple[int, str, str, str, int, int]
"""A file to read: its number in the index, folder, relative name, path, size and modification time to store."""


def bring_up_to_date(connection: sqlite3.Connection, root: Path) -> None:
    """Make the index hold what the dataset's files hold now, reading only the files that changed."""
    base = os.fspath(root)
    started = time.time_ns()  # before any file is read: a file modified after it counts as recent
    cut = len(base) + len(os.sep)  # the loader's paths are the dataset folder joined with the relative name
    listing = list_data_files(root, in_order=False)
    # A file the listing refused (a name that is not UTF-8) is stored with the problem the listing gave it, under
    # its escaped name, and with no size or time: it is there, unchanged, for as long as the listing refuses it.
    refused = {_relative(result.path, base, cut): result for result in listing.refused}
    digests = listing_digests(listing.files, refused)
    if _stored_digests(connection) == digests and store.meta(connection, "problems") is not None:
        return  # every file's name, size and time as stored, in the same order: nothing to compare one by one
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Under the lock, since another process may have brought the index up to date meanwhile.
        found = _chunk_differences(connection, listing.files, refused, digests, cut)
        changed, removed = found if found is not None else _differences(connection, listing.files, refused, cut)
        if changed or removed or store.meta(connection, "problems") is None:
            _apply(connection, base, _listed(listing.files, refused, changed, cut), changed, removed, started)
        store.set_meta(connection, {"listing": "\n".join(_kept_digests(digests, listing.files, started))})
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _relative(path: str, base: str, cut: int) -> str:
    """A path the loader gave as its name relative to the dataset folder (a refused one is escaped as a whole)."""
    return path[cut:] if path.startswith(base) else path


LISTING_CHUNK = 1000
"""Listed files per digest: a run that finds some digests changed compares with the stored rows only the files of
those chunks (when no file was added, removed or renamed)."""

CHUNKS_COMPARED_AT_MOST = 20
"""Changed chunks up to which only their files are compared; past it, every file is."""


def listing_digests(rows: list, refused: dict) -> list[str]:
    """A digest of each run of LISTING_CHUNK listed files (folder, path, size, modification time, whether a link),
    in the listing's order, then one of the names the listing refused.

    An equal digest means the same files with the same sizes and times (BLAKE2b: no two lists share one in
    practice); names are part of it, so it cannot miss a rename the way sums of sizes and times could. The bytes
    are marshal's (version 2, which writes every value out, never a reference to an earlier one): three times
    faster than formatting 100,000 lines of text. Another Python's marshal format only makes every digest differ.
    """
    chunks = [rows[start:start + LISTING_CHUNK] for start in range(0, len(rows), LISTING_CHUNK)]
    return [_digest(chunk) for chunk in chunks] + [_digest(list(refused))]


def _digest(values: list) -> str:
    import hashlib
    import marshal

    return hashlib.blake2b(marshal.dumps(values, 2), digest_size=32).hexdigest()


def _stored_digests(connection: sqlite3.Connection) -> list[str]:
    return (store.meta(connection, "listing") or "").split("\n")


def _kept_digests(digests: list[str], rows: list, started: int) -> list[str]:
    """The digests to store: none (``-``) for a chunk holding a link (whose target lstat does not see) or a file
    modified within RECENT_NS of this run, so that the next run compares that chunk's files again."""
    kept = list(digests)
    for position, (_, _, _, mtime_ns, link) in enumerate(rows):
        if _untrusted(mtime_ns, link, started):
            kept[position // LISTING_CHUNK] = "-"
    return kept


def _untrusted(mtime_ns: int, link: bool, started: int) -> bool:
    """Whether a file may change without its size and time showing it: a link (whose target lstat does not see), or
    a file modified within RECENT_NS of the run's start."""
    return link or started - RECENT_NS < mtime_ns < started + RECENT_NS


def _chunk_differences(connection: sqlite3.Connection, rows: list, refused: dict, digests: list[str], cut: int,
                       ) -> tuple[list[str], list[str]] | None:
    """The changed files, found by comparing with the stored rows only the files of the chunks whose digest
    changed; None when that cannot tell (too many chunks changed, or a file was added, removed or renamed).

    Why that suffices: an unchanged chunk holds the very files, sizes and times stored at the last update. If every
    name in the changed chunks is stored too, the names listed are a subset of the stored ones, and the same number
    of them means the same set: nothing was added, removed or renamed, and only the changed chunks' files can differ.
    """
    stored = _stored_digests(connection)
    if len(stored) != len(digests) or stored[-1] != digests[-1]:
        return None
    chunks = [number for number, (now, then) in enumerate(zip(digests[:-1], stored[:-1], strict=True)) if now != then]
    if len(chunks) > CHUNKS_COMPARED_AT_MOST:
        return None
    candidates = {row[1][cut:]: row for number in chunks
                  for row in rows[number * LISTING_CHUNK:(number + 1) * LISTING_CHUNK]}
    known = {name: (size, mtime) for name, size, mtime in _rows_named(connection, "size, mtime_ns", list(candidates))}
    count = connection.execute("SELECT count(*) FROM files").fetchone()[0]
    if len(known) < len(candidates) or count != len(rows) + len(refused):
        return None
    return sorted(name for name, row in candidates.items() if known[name] != (row[2], row[3])), []


def _rows_named(connection: sqlite3.Connection, columns: str, names: list[str]) -> list[tuple]:
    """The given columns (the name first) of the files table's rows for the names, in batches of 500 names."""
    found = []
    for start in range(0, len(names), 500):
        chunk = names[start:start + 500]
        found += connection.execute(
            f"SELECT name, {columns} FROM files WHERE name IN ({', '.join('?' * len(chunk))})", chunk).fetchall()
    return found


def _differences(connection: sqlite3.Connection, rows: list, refused: dict, cut: int) -> tuple[list[str], list[str]]:
    """The names of the files that are new or differ from the stored ones, and of those no longer there, comparing
    every file listed (name, size, modification time) with every stored one."""
    current = {(path[cut:], size, mtime) for _, path, size, mtime, _ in rows}
    current.update((name, -1, -1) for name in refused)
    stored = set(connection.execute("SELECT name, size, mtime_ns FROM files"))
    changed = {name for name, _, _ in current - stored}
    gone = {name for name, _, _ in stored - current}
    return sorted(changed), sorted(gone - changed)


def _listed(rows: list, refused: dict, names: list[str], cut: int) -> dict:
    """The listing's row (or, for a refused name, its result) of each of the names."""
    wanted = set(names)
    listed: dict = {name: result for name, result in refused.items() if name in wanted}
    listed.update((name, row) for row in rows if (name := row[1][cut:]) in wanted)
    return listed


def _apply(connection: sqlite3.Connection, base: str, listed: dict, changed: list[str], removed: list[str],
           started: int) -> None:
    """Replace the rows of the changed and removed files, then check the references a change can affect. A file
    not to be trusted to keep its size and time until it changes (see RECENT_NS; a link, whose target lstat does
    not see, never is) is stored with no modification time, so that the next run reads it again."""
    had_problems = store.meta(connection, "problems") != "0"
    replaced = dict(_rows_named(connection, "file", changed + removed))
    targets = _targets_of(connection, list(replaced.values()))
    store.forget(connection, list(replaced.values()))
    first = connection.execute("SELECT coalesce(max(file), 0) + 1 FROM files").fetchone()[0]
    items, refused = [], []
    for number, name in enumerate(changed, first):
        entry = listed[name]
        if isinstance(entry, FileResult):  # refused by the listing: stored with its problem, never read
            refused.append((number, name, entry))
            continue
        folder, path, size, mtime_ns, link = entry
        items.append((number, folder, name, path, size, -1 if _untrusted(mtime_ns, link, started) else mtime_ns))
    bulk = len(items) >= BULK_FROM
    if bulk:
        for name in store.SECONDARY:
            connection.execute(f"DROP INDEX IF EXISTS {name}")
    _store_refused(connection, refused)
    _read_and_store(connection, items)
    if bulk:
        connection.execute(f"PRAGMA threads={os.cpu_count() or 1}")  # sorts for the indexes on every core
        for name, columns in store.SECONDARY.items():
            connection.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {columns}")
    numbers = [item[0] for item in items] + [number for number, _, _ in refused]
    targets |= _targets_of(connection, numbers)
    _index_words(connection, numbers, targets)
    full = len(items) + len(removed) >= FULL_CHECK_FROM
    _check_references(connection, base, None if full else _affected(connection, numbers, targets))
    store.set_meta(connection, {"problems": "1" if _any_problems(connection, had_problems, targets) else "0"})


def _store_refused(connection: sqlite3.Connection, refused: list[tuple[int, str, FileResult]]) -> None:
    """Store the results the listing made for the files it refused, as they are."""
    batch = store.new_batch()
    for number, name, result in refused:
        store.add_file_rows(batch, number, name, -1, -1, result)
    store.store(connection, batch, {})


def _targets_of(connection: sqlite3.Connection, files: list[int]) -> set[tuple[str, str]]:
    """The (kind, id) pairs the files define or, by their file names, would: what references to them depend on."""
    found: set[tuple[str, str]] = set()
    for start in range(0, len(files), 500):
        chunk = files[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(connection.execute(f"SELECT kind, id FROM ids WHERE file IN ({marks})", chunk).fetchall())
        for folder, name in connection.execute(f"SELECT folder, name FROM files WHERE file IN ({marks})", chunk):
            if folder != "themes":
                found.add((KIND_OF_FOLDER[folder], os.path.splitext(os.path.basename(name))[0]))
    return found


def _read_and_store(connection: sqlite3.Connection, items: list[Item]) -> None:
    """Read the files and store their rows; the small records' files first, so that events find their names."""
    from nkwatch.cache.progress import with_progress

    events = [item for item in items if item[1] == "events"]
    others = [item for item in items if item[1] != "events"]
    for batch in _batches(others):
        store.store(connection, batch, {})
    names = _names(connection)
    for batch in with_progress(_batches(events), len(events)):
        store.store(connection, batch, names)


def _batches(items: list[Item]) -> Iterator[store.Batch]:
    chunks = [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]
    workers = min(os.cpu_count() or 1, 4)
    if len(items) < PARALLEL_FROM or workers < 2:
        yield from map(read_batch, chunks)
        return
    from nkwatch.cache.workers import batches_in_workers

    yield from batches_in_workers(chunks, workers)


def read_batch(items: list[Item]) -> store.Batch:
    """Read and check a group of files, and return their rows (run in worker processes too)."""
    batch = store.new_batch()
    for number, folder, name, path, size, mtime in items:
        store.add_file_rows(batch, number, name, size, mtime, read_record_file(folder, path))
    return batch


def _index_words(connection: sqlite3.Connection, numbers: list[int], targets: set[tuple[str, str]]) -> None:
    """Make again the search rows of the events naming an actor or place that changed (those of the events read
    were made with them)."""
    files = _linking(connection, {t for t in targets if t[0] in ("actor", "place")}) - set(numbers)
    if not files:
        return
    names = _names(connection)
    connection.executemany("DELETE FROM event_words WHERE rowid = ?", [(file,) for file in files])
    rows = []
    for file, text in _event_values(connection, files):
        rows.append((file, *event_fields(json.loads(text), names)))
        if len(rows) >= 1000:
            connection.executemany(store.INSERTS["words"], rows)
            rows = []
    connection.executemany(store.INSERTS["words"], rows)


def _names(connection: sqlite3.Connection) -> dict[str, str]:
    """Each actor's and place's id: the search words of its names."""
    names = {}
    for text in connection.execute("SELECT value FROM files WHERE folder IN ('actors', 'places') "
                                   "AND value IS NOT NULL"):
        value = json.loads(text[0])
        names[value["id"]] = record_names(value["name"], value.get("aliases") or ())
    return names


def _event_values(connection: sqlite3.Connection, files: set[int]) -> Iterator[tuple[int, str]]:
    if len(files) > 5000:
        for file, text in connection.execute("SELECT file, value FROM events"):
            if file in files:
                yield file, text
        return
    ordered = sorted(files)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        yield from connection.execute(
            f"SELECT file, value FROM events WHERE file IN ({', '.join('?' * len(chunk))})", chunk).fetchall()


def _linking(connection: sqlite3.Connection, targets: set[tuple[str, str]]) -> set[int]:
    """The files naming any of the (kind, id) targets."""
    found: set[int] = set()
    for kind, target in targets:
        found.update(file for (file,) in connection.execute(
            "SELECT file FROM links WHERE kind = ? AND target = ?", (kind, target)))
    return found


def _affected(connection: sqlite3.Connection, numbers: list[int], targets: set[tuple[str, str]]) -> set[int]:
    """The files whose reference problems a change can have changed: those read, those naming an id that may have
    appeared or vanished, and those with missing references (whose suggestions depend on every id)."""
    found = set(numbers) | _linking(connection, targets)
    found.update(file for (file,) in connection.execute("SELECT file FROM files WHERE ref_problems IS NOT NULL"))
    return found


def _check_references(connection: sqlite3.Connection, base: str, files: set[int] | None) -> None:
    """Check the references of the given files (every file when None) with the loader's check, and store the
    problems found. For a few files, only the ids they name are looked up, unless one is missing: its message
    suggests near ids and says whether the file of the id is broken, which takes every id of its kind."""
    if files is None:
        connection.execute("UPDATE files SET ref_problems = NULL WHERE ref_problems IS NOT NULL")
        results: Iterable = _results_with_references(connection, base, None)
        ids = _known_ids(connection, None)
    else:
        connection.executemany("UPDATE files SET ref_problems = NULL WHERE file = ?", [(f,) for f in files])
        results = list(_results_with_references(connection, base, files))
        named = {(kind, target) for _, result in results for kind, target, *_ in result.references}
        ids = _known_ids(connection, named)
        missing = {kind for kind, target in named if target not in ids[kind]}
        if not missing:
            return
        ids.update(_known_ids(connection, None, missing))
    broken: dict[str, set[str]] = {kind: set() for kind in KIND_OF_FOLDER.values()}
    for folder, name in connection.execute("SELECT folder, name FROM files WHERE problems IS NOT NULL "
                                           "AND folder != 'themes'"):
        broken[KIND_OF_FOLDER[folder]].add(os.path.splitext(os.path.basename(name))[0])
    updates = []
    for file, result in results:
        problems = reference_problems(result, ids, broken)
        if problems:
            updates.append((encoded_problems(file, problems), file))
    connection.executemany("UPDATE files SET ref_problems = ? WHERE file = ?", updates)


def _known_ids(connection: sqlite3.Connection, among: set[tuple[str, str]] | None,
               kinds: set[str] | None = None) -> dict[str, set[str]]:
    """The ids records hold, by kind: only those among the given (kind, id) pairs, or every id (of the given kinds,
    or of all)."""
    ids: dict[str, set[str]] = {kind: set() for kind in KIND_OF_FOLDER.values()}
    if among is None:
        for kind, record in connection.execute("SELECT kind, id FROM ids"):
            if kinds is None or kind in kinds:
                ids[kind].add(record)
        return {kind: ids[kind] for kind in kinds} if kinds is not None else ids
    for kind, record in among:
        if connection.execute("SELECT 1 FROM ids WHERE kind = ? AND id = ?", (kind, record)).fetchone():
            ids[kind].add(record)
    return ids


def _results_with_references(connection: sqlite3.Connection, base: str, files: set[int] | None,
                             ) -> Iterator[tuple[int, FileResult]]:
    """Each file's references as the loader's FileResult holds them (the part its reference check reads)."""
    query = ("SELECT l.file, f.folder, f.name, f.record, l.kind, l.target, l.field, l.line, l.col FROM links l "
             "JOIN files f ON f.file = l.file WHERE l.kind != 'country'")
    if files is None:
        rows: Iterator = connection.execute(query + " ORDER BY l.file, l.rowid")
    else:
        rows = (row for file in sorted(files) for row in connection.execute(
            query + " AND l.file = ? ORDER BY l.rowid", (file,)))
    current, result = None, None
    for file, folder, name, record, *reference in rows:
        if file != current:
            if result is not None:
                yield current, result
            current = file
            result = FileResult(folder, os.path.join(base, name), value={"id": record})
        result.references.append(tuple(reference))
    if result is not None:
        yield current, result


def encoded_problems(file: int, problems: list[Problem]) -> str:
    """Reference problems as stored: their fields but the path (the file's), with a checksum of the file number."""
    text = json.dumps([[p.line, p.column, p.record, p.field, p.message] for p in problems], ensure_ascii=False)
    return f"{store.checksum(text, file)}:{text}"


def _any_problems(connection: sqlite3.Connection, had_problems: bool, targets: set[tuple[str, str]]) -> bool:
    """Whether the dataset has any problem: a file's own or reference problems, or an id held twice. When it had
    none before this update, an id can be held twice only if it is among the targets (the ids the files read or
    removed define), so only those are counted."""
    for column in ("problems", "ref_problems"):  # one at a time, so that each is read from its partial index
        if connection.execute(f"SELECT 1 FROM files WHERE {column} IS NOT NULL LIMIT 1").fetchone():
            return True
    if had_problems:
        return bool(duplicates(connection, ""))
    return any(connection.execute("SELECT count(*) FROM ids WHERE kind = ? AND id = ?", pair).fetchone()[0] > 1
               for pair in targets if pair[0] != "theme")


def duplicates(connection: sqlite3.Connection, base: str) -> list[Problem]:
    """The loader's problem for each record whose id another file already holds."""
    rows = connection.execute(
        "SELECT i.kind, i.id, f.name, i.line, i.col FROM ids i JOIN files f ON f.file = i.file WHERE i.kind != "
        "'theme' AND (i.kind, i.id) IN (SELECT kind, id FROM ids WHERE kind != 'theme' GROUP BY kind, id "
        "HAVING count(*) > 1)").fetchall()
    return duplicate_problems((kind, record, os.path.join(base, name), line, column)
                              for kind, record, name, line, column in rows)
