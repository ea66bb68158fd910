"""The one write-aside-then-rename helper: a reader sees the old file or the whole new one, never half of one.

A file is written under a temporary name in its target's folder (``temporary_beside``), flushed and synced, then
given its name by ``publish``: with ``os.link``, which fails when the name is taken (so that nothing is ever
replaced by accident), or with ``os.replace`` when replacing was asked for. Whatever happens, the temporary file is
removed on the way out. Used for records (writer), exports and the index's first build. A write that was killed
leaves its temporary file behind; the next write in that folder removes it (``remove_abandoned_files``).
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EMLINK}
"""What os.link raises on a file system without hard links (FAT, some network shares)."""


def current_umask() -> int:
    """The process umask, read without changing it for longer than the call."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def temporary_beside(target: Path) -> Iterator[Path]:
    """A new, empty file with a private temporary name in target's folder; removed on the way out if still there.

    OSError when the folder cannot be written.
    """
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
    finally:
        temp.unlink(missing_ok=True)


@contextmanager
def synced_text(path: Path, newline: str = "") -> Iterator[TextIO]:
    """A UTF-8 text stream writing path; flushed and synced to disk when the block completes, and given the mode
    a new file would have (mkstemp makes it private)."""
    with open(path, "w", encoding="utf-8", newline=newline) as stream:
        yield stream
        stream.flush()
        os.fsync(stream.fileno())
    os.chmod(path, 0o666 & ~current_umask())


def synced_file(path: Path) -> None:
    """Flush a file a writer finished (a database) to disk and give it the mode a new file would have."""
    with open(path, "rb+") as stream:
        os.fsync(stream.fileno())
    os.chmod(path, 0o666 & ~current_umask())


def publish(temp: Path, target: Path, *, replace: bool = False) -> None:
    """Give a complete temporary file its final name; unless replace, FileExistsError when the name is taken."""
    if replace:
        os.replace(temp, target)
    else:
        try:
            os.link(temp, target)
        except FileExistsError:
            raise
        except OSError as error:
            if error.errno not in _NO_HARD_LINKS:
                raise
            # Reserve the name, failing when it is taken, then move the file onto it.
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 & ~current_umask()))
            os.replace(temp, target)
    sync_folder(target.parent)


def sync_folder(directory: Path) -> None:
    """Flush a folder's entries to disk, so that a new name survives a crash; a no-op where that is impossible."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder: its file systems keep the name without this
    try:
        os.fsync(handle)
    except OSError:
        pass  # some file systems cannot sync a folder; the file itself is already on disk
    finally:
        os.close(handle)


ABANDONED_AFTER_SECONDS = 3600
"""A temporary file of nkwatch's this old was left by a write that was killed: no write takes an hour."""
_RANDOM_PART = r"\.[a-z0-9_]{8}\.tmp"  # tempfile.mkstemp's names, as temporary_beside makes them: .NAME.XXXXXXXX.tmp
_RECORD_TEMPORARY = re.compile(r"\.[a-z0-9-]+\.ya?ml" + _RANDOM_PART)


def remove_abandoned_files(directory: Path, name: str | None = None) -> None:
    """Delete the temporary files (of the file name, or of any record file) that a killed write left in directory.

    Only regular files named as temporary_beside names them and untouched for an hour go: a write still under way
    is not that old, and checking whether its process runs would not work the same on every platform.
    """
    import time

    pattern = re.compile(re.escape(f".{name}") + _RANDOM_PART) if name else _RECORD_TEMPORARY
    too_old = time.time() - ABANDONED_AFTER_SECONDS
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.startswith(".") and pattern.fullmatch(entry.name):
                    _remove_if_older(entry, too_old)
    except OSError:
        pass  # a folder that cannot be listed: the write itself will say why


def _remove_if_older(entry: os.DirEntry, too_old: float) -> None:
    try:
        if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < too_old:
            os.unlink(entry.path)
    except OSError:
        pass  # removed meanwhile by another write, or not ours to remove
