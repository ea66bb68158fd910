"""Writing an export to a file atomically: a reader sees the old file or the whole new one, never half of one.

The export streams into a temporary file in the target's folder (``nkwatch.atomic``); once complete it is flushed,
synced to disk and given its name: with ``os.link``, which fails when the name is taken, or with ``os.replace`` when
overwriting was asked for. An error or an interrupt at any point removes the temporary file and leaves the target
as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from nkwatch.atomic import publish, synced_text, temporary_beside
from nkwatch.errors import UsageError


def check_target(path: Path, force: bool) -> None:
    """A usage error when the file cannot be written: it exists (without force), is a folder, or has no folder."""
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name to -o")
    if path.exists() and not force:
        raise UsageError(f"{path} exists; add --force to replace it")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: the folder {path.parent} does not exist")


@contextmanager
def atomic_text_file(target: Path, force: bool = False) -> Iterator[TextIO]:
    """A UTF-8 text stream (no newline translation) that becomes ``target`` only when the block completes."""
    check_target(target, force)
    try:
        with temporary_beside(target) as temp:
            with synced_text(temp) as stream:
                yield stream
            try:
                publish(temp, target, replace=force)
            except FileExistsError:
                raise UsageError(f"{target} exists; add --force to replace it") from None
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}; nothing was written") from None
