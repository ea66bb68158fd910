"""Where a dataset's index lives: one SQLite file per dataset folder, in the user's cache folder."""

from __future__ import annotations

import contextlib
import os
import re
import zlib
from pathlib import Path


def cache_folder() -> Path:
    """Where indexes live: ``$XDG_CACHE_HOME/nkwatch``, else ``~/.cache/nkwatch``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nkwatch"


def index_path(root: str | os.PathLike) -> Path:
    """The index of one dataset folder, named after its absolute path (readable, with a checksum)."""
    absolute = os.path.realpath(root)
    readable = re.sub(r"[^A-Za-z0-9]+", "-", absolute).strip("-")[-80:]
    checksum = zlib.crc32(absolute.encode("utf-8", "surrogateescape"))
    return cache_folder() / f"{readable}-{checksum:08x}.sqlite"


def discard(location: Path) -> None:
    """Delete an index and its journal files; an index is only a cache."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{location}{suffix}")
