"""Writing an export to a file atomically: a reader sees the old file or the whole new one, never half of one.

The export streams into a temporary file in the target's folder; once complete it is flushed, synced to disk and
given its name: with ``os.link``, which fails when the name is taken, or with ``os.replace`` when overwriting was
asked for. An error or an interrupt at any point removes the temporary file and leaves the target as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from nkwatch.errors import UsageError
from nkwatch.writer import WriteError, current_umask, remove_abandoned_files, sync_folder


def check_target(path: Path, force: bool) -> None:
    """A usage error when the file cannot be written: it exists (without force), is a folder, or has no folder."""
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name to -o")
    if path.exists() and not force:
        raise UsageError(f"{path} exists; add --force to replace it")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: the folder {path.parent} does not exist")


def _publish(temp: Path, target: Path, force: bool) -> None:
    if force:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)
    except FileExistsError:
        raise UsageError(f"{target} exists; add --force to replace it") from None
    except OSError:  # no hard links on this filesystem: reserve the name, then replace the empty file
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 & ~current_umask()))
        os.replace(temp, target)


@contextmanager
def atomic_path(target: Path, force: bool = False) -> Iterator[Path]:
    """The path of an empty temporary file beside ``target`` for a writer that needs a file name (a database);
    once the block completes, the file is synced and becomes ``target``, as with atomic_text_file."""
    check_target(target, force)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        with open(temp, "rb+") as stream:
            os.fsync(stream.fileno())
        os.chmod(temp, 0o666 & ~current_umask())
        _publish(temp, target, force)
        sync_folder(target.parent)
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}; nothing was written") from None
    finally:
        temp.unlink(missing_ok=True)


@contextmanager
def atomic_text_file(target: Path, force: bool = False) -> Iterator[TextIO]:
    """A UTF-8 text stream (no newline translation) that becomes ``target`` only when the block completes."""
    check_target(target, force)
    remove_abandoned_files(target.parent, target.name)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:  # a disk or permission failure is a data error (1), as for add, not a usage error
        raise WriteError(f"cannot write {target}: {error.strerror or error}; nothing was written") from None
    temp = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o666 & ~current_umask())
        _publish(temp, target, force)
        sync_folder(target.parent)
    except OSError as error:
        raise WriteError(f"cannot write {target}: {error.strerror or error}; nothing was written") from None
    finally:
        temp.unlink(missing_ok=True)
