"""An index in SQLite, in the user's cache folder, so that queries never parse YAML.

Each data file's checked value, problems and references are kept with the file's size and modification time;
opening the index re-reads only the files that changed, appeared or went away. Events get columns and facet rows
for filtering and sorting in SQL, and the dataset's ``events`` become a lazy mapping that builds records only for
the rows a query returns. Two processes building at once take turns (SQLite's write lock); an interrupted build
rolls back and leaves the last good index.
"""

from __future__ import annotations

import glob
import json
import marshal
import os
import signal
import sqlite3
import weakref
from collections.abc import Iterator, Mapping
from itertools import islice
from pathlib import Path

from nkwatch import freshness
from nkwatch.dates import parse_edtf
from nkwatch.errors import DataError, Problem
from nkwatch.loader import (
    BUILDERS,
    RECORD_FOLDERS,
    FileResult,
    build_event,
    build_themes,
    check_root,
    dataset_path,
    duplicate_problems,
    missing_message,
    read_record_file,
)
from nkwatch.models import Dataset, Event

FORMAT_VERSION = "7"
PARALLEL_FROM = 500  # files to read before it pays to start worker processes
PROGRESS_AFTER = 1.0  # seconds of reading after which a progress bar is shown

BULK_FROM = 1000  # changed files from which dropping and rebuilding the secondary indexes is faster
_SECONDARY = {
    "files_folder": "files(folder, bucket)", "links_file": "links(file)",
    "links_target": "links(kind, target, facet, file)", "ids_file": "ids(file)",
    "events_order": "events(sort_start, sort_end, id)",
}
# Files are numbered (files.file) and every other table names its file by that number: an integer key keeps rows
# and indexes small and joins cheap. Values are kept as marshal data, which Python reads several times faster than
# JSON; an event's value sits in its events row, so that a query reads events alone. links holds what each file
# names: the ids it refers to (kind, target, and where: field, line, col) and, for events, the country codes; facet
# is 1 for the values the --country, --theme, --actor and --source filters look at.
_TABLES = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files(file INTEGER PRIMARY KEY, path TEXT UNIQUE, folder TEXT, bucket INTEGER,
    size INTEGER, mtime_ns INTEGER, record TEXT, value BLOB, problems TEXT);
CREATE TABLE IF NOT EXISTS links(file INTEGER, kind TEXT, target TEXT, field TEXT, line INTEGER, col INTEGER,
    facet INTEGER);
CREATE TABLE IF NOT EXISTS ids(kind TEXT, id TEXT, file INTEGER, line INTEGER, col INTEGER,
    PRIMARY KEY(kind, id, file));
CREATE TABLE IF NOT EXISTS events(file INTEGER PRIMARY KEY, id TEXT UNIQUE, path TEXT, sort_start TEXT,
    sort_end TEXT, start TEXT, end_ TEXT, value BLOB);
""" + ";".join(f"CREATE INDEX IF NOT EXISTS {name} ON {columns}" for name, columns in _SECONDARY.items())
FACET_FIELDS = ("countries", "themes", "actors", "sources")
"""The event fields whose values are facets (a source named only in a discrepancy is not one of the event's)."""


def index_file(root: Path) -> Path:
    """The index of one dataset folder, in the cache folder, named after its absolute path."""
    return Path(freshness.index_path(root))


Scanned = dict
"""Data files found on disk: path -> (folder, bucket, size, modification time); size -1 for a missing themes.yaml."""


def scan(root: Path, only: set[tuple[str, int]] | None = None) -> Scanned:
    """Every data file (themes.yaml and each kind's *.yaml), or with only, themes.yaml and the files of those
    (folder, bucket) pairs."""
    themes = root / "themes.yaml"
    stat = _stat_or_none(themes)
    found = {str(themes): ("themes", 0, stat.st_size, stat.st_mtime_ns) if stat else ("themes", 0, -1, -1)}
    for folder, listing in zip(RECORD_FOLDERS, freshness.listings(str(root)), strict=True):
        if listing is not None:
            found.update(_stat_folder(os.path.join(root, folder), folder, listing, only))
    return found


def _stat_folder(directory: str, folder: str, listing: freshness.Listing, only: set | None) -> Scanned:
    handle, groups = listing
    found = {}
    try:
        for bucket, names in enumerate(groups):
            if only is not None and (folder, bucket) not in only:
                continue
            for name in names:
                try:
                    stat = os.stat(name, dir_fd=handle)
                except FileNotFoundError:
                    continue  # removed since the folder was listed
                found[os.path.join(directory, name)] = (folder, bucket, stat.st_size, stat.st_mtime_ns)
    finally:
        os.close(handle)
    return found


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


class _Connection(sqlite3.Connection):
    """A connection to an index; a subclass only so that it can be tracked by weak reference (see close_connections)."""


_open_connections: weakref.WeakSet = weakref.WeakSet()


def close_connections() -> None:
    """Close every index connection still open: for a process that ends without Python's teardown, which would."""
    for connection in list(_open_connections):
        connection.close()


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=120, isolation_level=None, factory=_Connection)
    _open_connections.add(connection)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    version = _meta(connection, "version") if _has_meta(connection) else None
    if version != FORMAT_VERSION:
        _reset(connection)
    return connection


def _has_meta(connection: sqlite3.Connection) -> bool:
    return bool(connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone())


def _meta(connection: sqlite3.Connection, key: str) -> str | None:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _reset(connection: sqlite3.Connection) -> None:
    connection.execute("BEGIN IMMEDIATE")
    for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        connection.execute(f"DROP TABLE IF EXISTS {name}")
    for statement in _TABLES.split(";"):
        if statement.strip():
            connection.execute(statement)
    connection.execute("INSERT INTO meta VALUES ('version', ?)", (FORMAT_VERSION,))
    connection.execute("COMMIT")


def _stale(connection: sqlite3.Connection, current: Scanned, only: set[tuple[str, int]] | None,
           ) -> tuple[list[str], list[str], list[str]]:
    """The files that changed or appeared, those that went away, and those the index holds an old version of;
    with only, among themes.yaml and the files of those (folder, bucket) pairs."""
    stored = {path: (size, mtime) for path, size, mtime in _stored_files(connection, only)}
    changed = [p for p, (*_, size, mtime) in current.items() if stored.get(p) != (size, mtime)]
    removed = [p for p in stored if p not in current]
    replaced = [p for p in changed if p in stored]
    return changed, removed, replaced


def _stored_files(connection: sqlite3.Connection, only: set[tuple[str, int]] | None) -> list[tuple[str, int, int]]:
    if only is None:
        return connection.execute("SELECT path, size, mtime_ns FROM files").fetchall()
    rows = connection.execute("SELECT path, size, mtime_ns FROM files WHERE folder = 'themes'").fetchall()
    for folder in RECORD_FOLDERS:
        buckets = [bucket for kind, bucket in only if kind == folder]
        if buckets:
            rows += connection.execute(f"SELECT path, size, mtime_ns FROM files WHERE folder = ? AND bucket IN "
                                       f"({', '.join('?' * len(buckets))})", [folder, *buckets]).fetchall()
    return rows


def _changed_buckets(connection: sqlite3.Connection, check: freshness.Check | None) -> set[tuple[str, int]] | None:
    """The (folder, bucket) pairs whose sums differ from those of the check the index was last brought up to date
    with; None when either is unknown, and every file must be compared."""
    stored = _meta(connection, "buckets")
    if check is None or not stored:
        return None
    then = json.loads(stored)
    every = range(freshness.BUCKETS)
    changed = set()
    for folder in RECORD_FOLDERS:
        now_sums, then_sums = check.buckets.get(folder), then.get(folder)
        if now_sums is None and then_sums is None:
            continue
        if now_sums is None or then_sums is None or len(then_sums) != len(every):  # the folder came or went
            changed.update((folder, bucket) for bucket in every)
        else:
            changed.update((folder, b) for b in every if now_sums[b] != then_sums[b])
    return changed


Batch = dict
"""What a group of files contributes to the index: the rows of each table (files, links, ids, events)."""

CHUNK = 256  # files per batch handed to a worker process: big enough that sending and storing it costs little

Item = tuple[int, str, int, str, int, int]
"""A file to read: its number in the index, folder, bucket, path, size and modification time."""


def file_rows(item: Item, batch: Batch) -> None:
    """Read and check one file and add the rows the index stores to batch."""
    file, folder, bucket, path, size, mtime = item
    result = read_record_file(folder, path)
    problems = [[p.line, p.column, p.record, p.field, p.message] for p in result.problems]
    value = result.value
    stored = marshal.dumps(value) if value is not None and folder != "events" else None
    batch["files"].append((file, path, folder, bucket, size, mtime, result.record_id, stored,
                           json.dumps(problems, ensure_ascii=False) if problems else None))
    facets = folder == "events"
    batch["links"] += [(file, kind, target, field, line, column, facets and field.startswith(_FACET_PREFIXES))
                       for kind, target, field, line, column in result.references]
    batch["ids"] += [(kind, record, file, *result.id_position) for kind, record in _ids_of(result)]
    if facets and value is not None:
        batch["events"].append(_event_row(file, path, value))
        batch["links"] += [(file, "country", code, None, None, None, True) for code in value["countries"]]


_FACET_PREFIXES = tuple(f"{name}[" for name in FACET_FIELDS)


def batch_rows(items: list[Item]) -> Batch:
    """The rows of a group of files, table by table (run in worker processes)."""
    batch: Batch = {table: [] for table in _INSERTS}
    for item in items:
        file_rows(item, batch)
    return batch


def _read_many(items: list[Item]) -> Iterator[Batch]:
    """Rows for many files in batches, from worker processes when there are enough files to pay for starting them."""
    # Smaller batches for fewer files, so that the workers finish together rather than one waiting on the other.
    size = max(16, min(CHUNK, len(items) // (8 * (os.cpu_count() or 1))))
    chunks = [items[start:start + size] for start in range(0, len(items), size)]
    if len(items) < PARALLEL_FROM or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        yield from map(batch_rows, chunks)
        return
    yield from _batches_from_workers(chunks, os.cpu_count())


def _batches_from_workers(chunks: list[list[Item]], workers: int) -> Iterator[Batch]:
    """The chunks' batches, in the order they come, from worker processes forked here, each reading every
    workers-th chunk.

    Plain forks and pipes rather than multiprocessing's pool, which took 30 to 40 ms to import and start: a tenth
    of a first build at 1,000 events. A worker that fails sends its exception, which is raised here; one that dies
    without a word (killed, out of memory) raises ChildProcessError, an OSError, so that the dataset is read
    without an index rather than left half-read.
    """
    import select

    workers_by_pipe: dict[int, int] = {}  # read end of each worker's pipe: its process id
    ready = select.poll()  # not select.select, which cannot wait on a descriptor numbered 1024 or more
    try:
        for share in range(workers):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_end)
                _work(chunks[share::workers], write_end)
            os.close(write_end)
            workers_by_pipe[read_end] = pid
            ready.register(read_end, select.POLLIN)
        while workers_by_pipe:
            for pipe, _ in ready.poll():
                message = _receive(pipe)
                if message is None:
                    ready.unregister(pipe)
                    os.close(pipe)
                    _reap(workers_by_pipe.pop(pipe))
                else:
                    yield message
    finally:
        for pipe, pid in workers_by_pipe.items():  # left early: interrupted, or another worker failed
            os.close(pipe)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _work(chunks: list[list[Item]], pipe: int) -> None:
    """In a worker process: send each chunk's batch down the pipe, or the exception that stopped it; then exit."""
    status = 1
    try:
        with open(pipe, "wb") as stream:
            try:
                for chunk in chunks:
                    _send(stream, b"B", marshal.dumps(batch_rows(chunk)))
            except Exception as error:
                _send(stream, b"E", _pickled(error))
                raise
        status = 0
    finally:
        os._exit(status)  # no clean-up of what the parent process owns: its buffers, its database connection


def _send(stream, kind: bytes, data: bytes) -> None:
    stream.write(kind + len(data).to_bytes(8, "little") + data)


def _receive(pipe: int) -> Batch | None:
    """The next batch from a worker's pipe; None at its end. Raises the exception the worker sent."""
    head = _read_exactly(pipe, 9)
    size = int.from_bytes(head[1:], "little")
    data = _read_exactly(pipe, size) if len(head) == 9 else b""
    if len(data) < size or len(head) < 9:  # the end, or a worker that died while sending (see _reap)
        return None
    if head[:1] == b"E":
        import pickle

        raise pickle.loads(data)
    return marshal.loads(data)


def _read_exactly(pipe: int, size: int) -> bytes:
    """size bytes from the pipe, or fewer when it ends first. Unbuffered, so that poll() sees every byte not yet
    read: a buffered reader could hold a whole message that poll() would then wait on."""
    parts, wanted = [], size
    while wanted:
        part = os.read(pipe, min(wanted, 1 << 20))
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def _pickled(error: Exception) -> bytes:
    import pickle

    try:
        return pickle.dumps(error)
    except Exception:  # an exception that cannot be pickled still says what it was
        return pickle.dumps(RuntimeError(repr(error)))


def _reap(pid: int) -> None:
    """Wait for a worker that has closed its pipe; raise ChildProcessError when it did not finish its work."""
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
        raise ChildProcessError(f"a worker process reading the dataset {how}")


def _with_progress(batches: Iterator[Batch], total: int) -> Iterator[Batch]:
    """Pass the batches on; on a terminal, once reading has taken over PROGRESS_AFTER seconds, show a progress bar
    on stderr (stdout may be the answer being written)."""
    import sys
    import time

    if not sys.stderr.isatty():
        yield from batches
        return
    started, done, progress = time.monotonic(), 0, None
    try:
        for batch in batches:
            done += len(batch["files"])
            if progress is None and time.monotonic() - started > PROGRESS_AFTER:
                progress = _progress_bar(sys.stderr)
                task = progress.add_task("Indexing the dataset", total=total)
            if progress is not None:
                progress.update(task, completed=done)
            yield batch
    finally:
        if progress is not None:
            progress.stop()


def _progress_bar(stream):
    from rich.console import Console
    from rich.progress import Progress

    progress = Progress(console=Console(file=stream), transient=True)
    progress.start()
    return progress


_INSERTS = {
    "files": "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "links": "INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?)",
    "ids": "INSERT OR IGNORE INTO ids VALUES (?, ?, ?, ?, ?)",
    "events": "INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
}


def _store(connection: sqlite3.Connection, batch: Batch) -> None:
    for table, statement in _INSERTS.items():
        connection.executemany(statement, batch[table])


def _ids_of(result: FileResult) -> list[tuple[str, str]]:
    from nkwatch.references import KIND_OF_FOLDER

    if result.value is None:
        return []
    if result.folder == "themes":
        return [("theme", t["id"]) for t in result.value]
    return [(KIND_OF_FOLDER[result.folder], result.record_id)]


def _event_row(file: int, path: str, value: dict) -> tuple:
    """An event's row: its dates for filtering and sorting, and its value (read from the value, not a built Event)."""
    date = parse_edtf(value["date"])
    sort_start, sort_end = date.sort_key()
    iso = [d.isoformat() if d else None for d in (date.start, date.end)]
    return (file, value["id"], path, sort_start.isoformat(), sort_end.isoformat(), *iso, marshal.dumps(value))


def _forget(connection: sqlite3.Connection, paths: list[str]) -> None:
    for path in paths:
        row = connection.execute("SELECT file FROM files WHERE path = ?", (path,)).fetchone()
        if row:
            for table in ("files", "links", "ids", "events"):
                connection.execute(f"DELETE FROM {table} WHERE file = ?", row)


RECENT_NS = freshness.SETTLED_NS
"""A file modified less than this long before it is read may be rewritten within the same tick of its file system's
clock (a few ms on ext4, 2 s on FAT) and keep its modification time: such a file is read again by later commands
until it has been still this long."""


def _update(connection: sqlite3.Connection, root: Path) -> None:
    """Bring the index up to date with the files on disk, reading only what changed."""
    import time

    started = time.time_ns()  # before any file is read: a file modified after it counts as recent
    check = freshness.check(root)  # taken before the scan: a file changed meanwhile makes the next check differ
    if check is not None and _meta(connection, "fingerprint") == check.fingerprint:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        only = _changed_buckets(connection, check)  # read under the lock: another process may have done it meanwhile
        current = scan(root, only)
        changed, removed, replaced = _stale(connection, current, only)
        touched = changed + removed
        small = len(touched) < BULK_FROM
        ids_before = _ids_in(connection, replaced + removed) if small else set()
        _forget(connection, replaced + removed)
        first = connection.execute("SELECT coalesce(max(file), 0) + 1 FROM files").fetchone()[0]
        items = [(number, *current[path][:2], path, *current[path][2:]) for number, path in enumerate(changed, first)]
        if not small:
            for name in _SECONDARY:
                connection.execute(f"DROP INDEX IF EXISTS {name}")
        for batch in _with_progress(_read_many(items), len(items)):
            _store(connection, batch)
        if not small:
            connection.execute(f"PRAGMA threads={os.cpu_count() or 1}")  # sorts for the indexes on every core
            for name, columns in _SECONDARY.items():
                connection.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {columns}")
        recent = [path for path in changed if started - RECENT_NS < current[path][3] < started + RECENT_NS]
        _mark_unsettled(connection, recent)
        appeared_or_vanished = ids_before ^ _ids_in(connection, touched) if small else None
        dangling = _dangling_after(connection, touched, appeared_or_vanished)
        problems = [[p.path, p.line, p.column, p.record, p.field, p.message] for p in _problems(connection, dangling)]
        settled = check is not None and not recent
        connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [
            ("problems", json.dumps(problems)), ("dangling", json.dumps(dangling)),
            ("fingerprint", check.fingerprint if settled else ""),
            ("buckets", json.dumps(_buckets_to_keep(check, [current[path] for path in recent])) if check else "")])
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _mark_unsettled(connection: sqlite3.Connection, paths: list[str]) -> None:
    """Store no modification time for files read soon after they were modified, so that the next check reads them
    again (see RECENT_NS)."""
    connection.executemany("UPDATE files SET mtime_ns = -1 WHERE path = ?", [(path,) for path in paths])


def _buckets_to_keep(check: freshness.Check, recent: list[tuple]) -> dict[str, list]:
    """The check's bucket sums, with those of recently modified files' buckets left unknown so that the next check
    compares them again."""
    kept = {folder: list(sums) for folder, sums in check.buckets.items()}
    for folder, bucket, *_ in recent:
        if folder in kept:
            kept[folder][bucket] = None
    return kept


_DANGLING = ("SELECT f.path, r.rowid, r.kind, r.target, r.field, r.line, r.col FROM links r "
             "JOIN files f ON f.file = r.file WHERE r.kind != 'country' "
             "AND NOT EXISTS (SELECT 1 FROM ids i WHERE i.kind = r.kind AND i.id = r.target)")
_TARGETS_FOR_PARTIAL = 50  # ids appearing or vanishing beyond which checking every reference again is as quick


def _ids_in(connection: sqlite3.Connection, paths: list[str]) -> set[tuple[str, str]]:
    """The (kind, id) pairs that the files at paths define."""
    found = set()
    for start in range(0, len(paths), 500):
        chunk = paths[start:start + 500]
        found.update(connection.execute(
            "SELECT i.kind, i.id FROM ids i JOIN files f ON f.file = i.file "
            f"WHERE f.path IN ({', '.join('?' * len(chunk))})", chunk).fetchall())
    return found


def _dangling_after(connection: sqlite3.Connection, touched: list[str], appeared_or_vanished: set | None) -> list:
    """Every reference to a missing record, as [path, rowid, kind, target, field, line, column], in file order.

    After a small change only the touched files' references and those naming an id that appeared or vanished can
    have changed, so the previous list is kept for the rest; otherwise (appeared_or_vanished None after a large
    change) every reference is checked again.
    """
    previous = _meta(connection, "dangling")
    if previous is None or appeared_or_vanished is None or len(appeared_or_vanished) > _TARGETS_FOR_PARTIAL:
        return sorted(list(row) for row in connection.execute(_DANGLING))
    touched_paths = set(touched)
    rows = {(r[0], r[1]): r for r in json.loads(previous)
            if r[0] not in touched_paths and (r[2], r[3]) not in appeared_or_vanished}
    for start in range(0, len(touched), 500):
        chunk = touched[start:start + 500]
        rows.update(((r[0], r[1]), list(r)) for r in connection.execute(
            f"{_DANGLING} AND f.path IN ({', '.join('?' * len(chunk))})", chunk))
    for kind, target in appeared_or_vanished:
        rows.update(((r[0], r[1]), list(r)) for r in connection.execute(
            f"{_DANGLING} AND r.kind = ? AND r.target = ?", (kind, target)))
    return sorted(rows.values())


def _problems(connection: sqlite3.Connection, dangling: list[list]) -> list[Problem]:
    """Every file's own problems, then every dangling reference, in file order."""
    found = []
    order = " ".join(f"WHEN '{folder}' THEN {rank}" for rank, folder in enumerate(("themes", *RECORD_FOLDERS)))
    for path, problems in connection.execute("SELECT path, problems FROM files WHERE problems IS NOT NULL "
                                             f"ORDER BY CASE folder {order} END, path"):
        found += [Problem(path, *p) for p in json.loads(problems)]
    found += duplicate_problems(connection.execute(
        "SELECT i.kind, i.id, f.path, i.line, i.col FROM ids i JOIN files f ON f.file = i.file WHERE i.kind != 'theme' "
        "AND (i.kind, i.id) IN (SELECT kind, id FROM ids GROUP BY kind, id HAVING count(*) > 1)"))
    if not dangling:
        return found
    from nkwatch.references import KIND_OF_FOLDER, Reference

    broken: dict[str, set[str]] = {kind: set() for kind in KIND_OF_FOLDER.values()}
    # A file with problems of its own is one whose value could not be used.
    for path, folder in connection.execute("SELECT path, folder FROM files "
                                           "WHERE problems IS NOT NULL AND folder != 'themes'"):
        broken[KIND_OF_FOLDER[folder]].add(Path(path).stem)
    known: dict[str, list[str]] = {}
    for path, _, kind, target, name, line, column in dangling:
        if kind not in known:
            known[kind] = [i for (i,) in connection.execute("SELECT id FROM ids WHERE kind = ?", (kind,))]
        record = connection.execute("SELECT record FROM files WHERE path = ?", (path,)).fetchone()[0]
        message = missing_message(Reference(kind, target, ()), known[kind], broken[kind])
        found.append(Problem(path, line, column, record, name, message))
    return found


class IndexedEvents(Mapping):
    """The events of an indexed dataset, by id, in date order; records are built only when asked for."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    def __getitem__(self, event_id: str) -> Event:
        row = self.connection.execute("SELECT value, path FROM events WHERE id = ?", (event_id,)).fetchone()
        if row is None:
            raise KeyError(event_id)
        return build_event(marshal.loads(row[0]), row[1])

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self.connection.execute("SELECT id FROM events ORDER BY sort_start, sort_end, id"))

    def __len__(self) -> int:
        return self.connection.execute("SELECT count(*) FROM events").fetchone()[0]

    def __contains__(self, event_id: object) -> bool:
        return bool(self.connection.execute("SELECT 1 FROM events WHERE id = ?", (event_id,)).fetchone())

    def values(self) -> Iterator[Event]:  # type: ignore[override]
        return self.candidates(None)

    def candidates(self, filters) -> Iterator[Event]:
        """Events that pass the filters SQL can apply (facets and dates), in date order, built one at a time."""
        for value, path in self._in_order("e.value, e.path", filters):
            yield build_event(marshal.loads(value), path)

    def stored(self, filters) -> Iterator[tuple[dict, str | None, str | None]]:
        """The events that pass the facet and date filters, at most filters.limit of them, in date order, as their
        stored values with their ISO start and end days: for a writer that needs no records (see query.Selection)."""
        rows = ((marshal.loads(value), start, end) for value, start, end in self._in_order("e.value, e.start, e.end_",
                                                                                             filters))
        return rows if filters is None or filters.limit is None else islice(rows, filters.limit)

    def _in_order(self, columns: str, filters) -> sqlite3.Cursor:
        where, params = _where(filters)
        # With a limit, walk events in date order and stop early; without one, SQLite's own plan (a sort) is faster.
        order = " INDEXED BY events_order" if filters is not None and filters.limit else ""
        return self.connection.execute(
            f"SELECT {columns} FROM events e{order}{where} ORDER BY e.sort_start, e.sort_end, e.id", params)

    def count(self, filters) -> int:
        """How many events pass the facet and date filters."""
        facets = _facet_filters(filters)
        if len(facets) == 1 and not filters.since and not filters.until:
            # One facet alone is counted in its index, without reading the (wide) events rows: in a dataset without
            # problems, which is the only kind queried, every event file's facet rows belong to an event.
            facet, values = facets[0]
            return self.connection.execute(
                "SELECT count(DISTINCT file) FROM links WHERE kind = ? AND facet = 1 "
                f"AND target IN ({', '.join('?' * len(values))})", [facet, *values]).fetchone()[0]
        where, params = _where(filters)
        return self.connection.execute(f"SELECT count(*) FROM events e{where}", params).fetchone()[0]


def _facet_filters(filters) -> list[tuple[str, tuple[str, ...]]]:
    """The facet filters given: (links kind, the values any of which an event must have)."""
    if filters is None:
        return []
    given = (("country", filters.countries), ("theme", filters.themes), ("actor", filters.actors),
             ("source", filters.sources))
    return [(facet, values) for facet, values in given if values]


def _where(filters) -> tuple[str, list]:
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


def _small_records(connection: sqlite3.Connection) -> dict[str, dict]:
    records: dict[str, dict] = {folder: {} for folder in ("sources", "actors", "places", "figures", "themes")}
    for folder, value, path in connection.execute(
            "SELECT folder, value, path FROM files WHERE value IS NOT NULL AND folder IN "
            "('themes', 'sources', 'actors', 'places', 'figures') ORDER BY path"):
        if folder == "themes":
            records["themes"] = build_themes(marshal.loads(value))
        else:
            record = BUILDERS[folder](marshal.loads(value), path)
            records[folder][record.id] = record
    return records


def open_indexed(path: str | os.PathLike | None = None, *, defer_check: bool = False) -> Dataset:
    """The dataset at path (or the default one) through its index, brought up to date; DataError when invalid.

    With defer_check, when a freshness check started ahead is still under way (``freshness.start``), the index is
    read as it is, in one snapshot, and the command confirms it with ``freshness.settle`` before writing anything.
    """
    root = dataset_path(path)
    check_root(root)
    location = index_file(root)
    if not location.exists():
        _build_first(location, root)
    connection = _connect(location)
    if not (defer_check and freshness.deferred(root) and _read_as_stored(connection, root)):
        _update(connection, root)
    problems = json.loads(_meta(connection, "problems") or "[]")
    if problems:
        raise DataError([Problem(*p) for p in problems])
    small = _small_records(connection)
    return Dataset(str(root), small["sources"], small["actors"], small["places"], small["themes"],
                   IndexedEvents(connection), small["figures"])


def _build_first(location: Path, root: Path) -> None:
    """Build a dataset's first index in a file of its own, and give it the index's name once it is complete.

    A first build then writes each page once, with no syncing and its rollback journal in memory, rather than into
    the write-ahead log and from there into the database. The finished file is linked to the index's name, never
    renamed over an index that another process may have open: if another build got there first, that one is kept.
    """
    location.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(location)
    building = location.with_name(f"{location.name}.building-{os.getpid()}")
    building.unlink(missing_ok=True)
    try:
        connection = sqlite3.connect(building, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=MEMORY")
            connection.execute("PRAGMA synchronous=OFF")
            _reset(connection)
            _update(connection, root)
            connection.execute("PRAGMA journal_mode=WAL")
        finally:
            connection.close()
        _publish(building, location)
    finally:
        building.unlink(missing_ok=True)


def _publish(building: Path, location: Path) -> None:
    try:
        os.link(building, location)
    except FileExistsError:
        pass  # built by another process meanwhile
    except OSError:  # a file system without hard links
        if not location.exists():
            os.replace(building, location)


def _remove_abandoned_builds(location: Path) -> None:
    """Delete the files of first builds whose process is gone (killed before it could clean up)."""
    for leftover in location.parent.glob(f"{glob.escape(location.name)}.building-*"):
        pid = leftover.name.rpartition("-")[2]
        if pid.isdigit() and not _running(int(pid)):
            leftover.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but is someone else's
        return True
    return True


def _read_as_stored(connection: sqlite3.Connection, root: Path) -> bool:
    """Start reading the index as it is, to be confirmed before output; False when it was never built."""
    connection.execute("BEGIN")  # every later read sees the snapshot the stored fingerprint belongs to
    stored = _meta(connection, "fingerprint")
    if not stored:
        connection.execute("COMMIT")
        return False
    freshness.expect(root, stored, connection.close)
    return True


def open_dataset(path: str | os.PathLike | None = None, *, defer_check: bool = False) -> Dataset:
    """The dataset through its index; read straight from YAML when no index can be kept (no writable cache)."""
    try:
        return open_indexed(path, defer_check=defer_check)
    except sqlite3.DatabaseError:
        # A damaged index is only a cache: start it again.
        index_file(dataset_path(path)).unlink(missing_ok=True)
        try:
            return open_indexed(path)
        except (OSError, sqlite3.Error):
            pass
    except OSError:
        pass
    from nkwatch.loader import load_dataset

    return load_dataset(path)
