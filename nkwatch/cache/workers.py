"""Reading a large first build's files in worker processes, started with spawn: the same on every platform.

Workers ignore Ctrl-C (the command handles it, once) and are stopped when the command leaves early. A worker that
fails raises its exception here; one that dies raises ``BrokenProcessPool``, an error the caller treats as an index
that cannot be built, so that the dataset is read without one.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def batches_in_workers(chunks: list[list], workers: int) -> Iterator[dict]:
    """The batches of rows of each chunk of files, in order, read by worker processes."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from nkwatch.cache.build import read_batch

    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_ignore_interrupts)
    try:
        yield from pool.map(read_batch, chunks)
    finally:
        # Left early (interrupted, or a worker failed): the chunks not started are dropped, and the workers finish
        # the one each is reading (a fraction of a second) and stop.
        pool.shutdown(wait=True, cancel_futures=True)
