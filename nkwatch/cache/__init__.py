"""The index: a cache of the checked dataset in SQLite, so that queries never parse YAML.

``open_dataset`` is what commands call: the dataset through its index, brought up to date first (see
``nkwatch.cache.build``), or read from the YAML when no index can be kept or the one there is damaged. The index is
only ever a cache: deleting it is always safe.

The package, one job a module: ``location`` (where an index lives), ``store`` (its tables and the rows a file
gives them), ``build`` (the per-file diff, reading what changed, the dataset's problems), ``workers`` (a large
build's worker processes), ``progress`` (its progress bar), ``records`` (reading records back) and ``search``
(full-text search). This module imports none of them until a dataset is opened.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

INDEX_FAILURES: tuple[type[BaseException], ...] = ()
"""What reading or writing an index can raise when it is damaged or cannot be kept (set on first use)."""

_avoid_index = False  # set after a damaged index was found mid-command: the rerun reads the YAML


class CacheDamaged(Exception):
    """The index holds something it could not have written: it is to be discarded, and the command run again."""


def open_indexed(path: str | os.PathLike | None = None):
    """The dataset at path (or the default one) through its index, brought up to date; DataError when invalid."""
    from nkwatch.cache.build import bring_up_to_date
    from nkwatch.cache.location import index_path
    from nkwatch.cache.records import IndexedEvents, problems_of, small_records
    from nkwatch.cache.store import connect, current_format, meta, reset
    from nkwatch.errors import DataError
    from nkwatch.loader import check_root, dataset_path
    from nkwatch.models import Dataset

    root = dataset_path(path)
    check_root(root)
    location = index_path(root)
    if not location.exists():
        _build_first(location, root)
    connection = connect(location)
    try:
        if not current_format(connection):
            reset(connection)
        bring_up_to_date(connection, root)
        base = os.fspath(root)
        if meta(connection, "problems") != "0":
            raise DataError(problems_of(connection, base))
        small = small_records(connection, base)
    except BaseException:
        connection.close()
        raise
    return Dataset(str(root), small["sources"], small["actors"], small["places"], small["themes"],
                   IndexedEvents(connection, base), small["figures"])


def _build_first(location, root) -> None:
    """Build a dataset's first index in a file of its own, and give it the index's name once it is complete.

    A first build then writes each page once, with no syncing and its rollback journal in memory. The finished
    file is linked to the index's name, never renamed over an index another process may have open: if another
    build got there first, that one is kept. An interrupted build leaves nothing behind.
    """
    import sqlite3

    from nkwatch.atomic import publish, remove_abandoned_files, temporary_beside
    from nkwatch.cache.build import bring_up_to_date
    from nkwatch.cache.store import reset

    location.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned_files(location.parent, location.name)
    with temporary_beside(location) as building:
        connection = sqlite3.connect(building, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=MEMORY")
            connection.execute("PRAGMA synchronous=OFF")
            reset(connection)
            bring_up_to_date(connection, root)
            connection.execute("PRAGMA journal_mode=WAL")
        finally:
            connection.close()
        with contextlib.suppress(FileExistsError):  # built by another process meanwhile: that one is kept
            publish(building, location)


def _failures() -> tuple[type[BaseException], ...]:
    global INDEX_FAILURES
    if not INDEX_FAILURES:
        import sqlite3
        from concurrent.futures.process import BrokenProcessPool

        INDEX_FAILURES = (sqlite3.Error, CacheDamaged, OSError, ValueError, TypeError, KeyError, IndexError,
                          BrokenProcessPool)
    return INDEX_FAILURES


def open_dataset(path: str | os.PathLike | None = None):
    """The dataset through its index; when the index is damaged, discarded and built once more; read from the
    YAML when no index can be kept (no writable cache folder) or that fails too."""
    from nkwatch.errors import NkwatchError

    if not _avoid_index:
        for attempt in range(2):
            try:
                return open_indexed(path)
            except NkwatchError:
                raise
            except _failures():
                if attempt == 0:
                    discard_index(path)
    from nkwatch.loader import load_dataset

    return load_dataset(path)


def discard_index(path: str | os.PathLike | None = None) -> None:
    """Delete the index of the dataset at path (or the default one); nothing when it cannot be deleted."""
    from nkwatch.cache.location import discard, index_path
    from nkwatch.loader import dataset_path

    with contextlib.suppress(OSError):
        discard(index_path(dataset_path(path)))


@contextlib.contextmanager
def reading_the_yaml(path: str | os.PathLike | None = None) -> Iterator[None]:
    """Discard the damaged index of the dataset at path, and read the YAML inside the block (a command's rerun)."""
    global _avoid_index
    discard_index(path)
    _avoid_index = True
    try:
        yield
    finally:
        _avoid_index = False
