"""Writing an export to a file atomically: a reader sees the old file or the whole new one, never half of one.

The export is written into a temporary file in the target's folder, flushed, synced to disk and given its name by
``nkwatch.atomic`` (the one write-aside-then-rename helper): with ``os.link``, which fails when the name is taken,
or with ``os.replace`` when overwriting was asked for. An error or an interrupt at any point removes the temporary
file and leaves the target as it was; the temporary files a killed export left are cleared by the next one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from nkwatch.atomic import publish, remove_abandoned_files, synced_file, synced_text, temporary_beside
from nkwatch.errors import UsageError
from nkwatch.writer import WriteError


def check_target(path: Path, force: bool) -> None:
    """A usage error when the file cannot be written: it exists (without force), is a folder, or has no folder."""
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name to -o")
    if path.exists() and not force:
        raise UsageError(f"{path} exists; add --force to replace it")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: the folder {path.parent} does not exist")


@contextmanager
def _written_aside(target: Path, force: bool) -> Iterator[Path]:
    """A temporary file beside target that becomes target once the block completes (a disk or permission failure
    is a data error, 1, as for add, not a usage error)."""
    check_target(target, force)
    remove_abandoned_files(target.parent, target.name)
    try:
        with temporary_beside(target) as temp:
            yield temp
            try:
                publish(temp, target, replace=force)
            except FileExistsError:
                raise UsageError(f"{target} exists; add --force to replace it") from None
    except OSError as error:
        raise WriteError(f"cannot write {target}: {error.strerror or error}; nothing was written") from None


@contextmanager
def atomic_path(target: Path, force: bool = False) -> Iterator[Path]:
    """The path of an empty temporary file beside ``target`` for a writer that needs a file name (a database);
    once the block completes, the file is synced and becomes ``target``, as with atomic_text_file."""
    with _written_aside(target, force) as temp:
        yield temp
        synced_file(temp)


@contextmanager
def atomic_text_file(target: Path, force: bool = False) -> Iterator[TextIO]:
    """A UTF-8 text stream (no newline translation) that becomes ``target`` only when the block completes."""
    with _written_aside(target, force) as temp, synced_text(temp) as stream:
        yield stream
