"""A progress bar for a long build: on stderr, on a terminal, once reading has taken longer than a moment."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

PROGRESS_AFTER = 1.0
"""Seconds of reading after which a progress bar is shown."""


def with_progress(batches: Iterator[dict], total: int) -> Iterator[dict]:
    """Pass the batches on; on a terminal, once reading has taken over PROGRESS_AFTER seconds, show a progress bar
    on stderr (stdout may be the answer being written)."""
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
