"""Whether the index is still fresh: a summary of every data file's size and modification time.

Every command that reads the dataset through its index first checks this summary, and on a large dataset stat'ing
each file is most of a warm query's time. So ``nkwatch`` starts the check before it imports Typer and Rich
(``start_for_command_line``), in forked processes that each stat a share of the files, and ``check`` takes their
result when it is for the same folder. Only the standard library's ``os`` is imported here (``re``, ``zlib``
and ``time`` where used), so that starting the check costs next to nothing.

Each folder's files fall into BUCKETS buckets by a checksum of their name, and the check sums each bucket as well
as the folder: when the fingerprint has changed, the index compares only the files of the buckets whose sums changed
(about 1,600 files of a hundred thousand after one edit) rather than stat'ing every file again.
"""

from __future__ import annotations

import os

RECORD_FOLDERS = ("sources", "actors", "places", "events", "figures")
"""The folders a dataset keeps its records in, one YAML file per record."""

DATA_SUFFIXES = (".yaml", ".yml")

PREFETCH_FROM_BYTES = 256 * 1024
"""An events folder at least this big (about 6,000 entries on ext4) is checked ahead, in worker processes."""

PREFETCH_WORKERS = 2

_prefetched: dict[str, tuple[int, list[int]]] = {}  # dataset folder -> (first worker's pid, a pipe per worker)


BUCKETS = 64
"""How many buckets each folder's files are summed in, by a checksum of their name (see ``_grouped``)."""

Sums = list  # [count, sum of sizes, sum of modification times] of one bucket's files


class Check:
    """What one freshness check saw: the fingerprint, and each record folder's sums bucket by bucket."""

    __slots__ = ("buckets", "fingerprint")

    def __init__(self, fingerprint: str, buckets: dict[str, list[Sums]]):
        self.fingerprint = fingerprint
        self.buckets = buckets


def fingerprint(root: os.PathLike | str) -> str | None:
    """A summary of the data files that changes whenever one is added, removed, renamed, resized or touched.

    Each record folder contributes its own modification time (which a rename, addition or removal changes), its
    count of files and the sums of their sizes and modification times; ``None`` when a file vanished mid-way.
    """
    found = check(root)
    return found.fingerprint if found else None


def check(root: os.PathLike | str) -> Check | None:
    """The fingerprint with each bucket's sums; ``None`` when a file vanished mid-way. The result of a check
    started ahead for this folder is used once; otherwise the files are stat'ed here."""
    root = os.path.abspath(root)
    if root in _confirmed_stale:
        return _confirmed_stale.pop(root)
    workers = _prefetched.pop(root, None)
    shares = _collect(*workers) if workers else None
    try:
        return _combine(root, shares or [_summaries(root)])
    except FileNotFoundError:
        return None


def _summaries(root: str, share: int = 0, shares: int = 1) -> list[tuple[int, list[Sums]] | None]:
    """For each record folder, its mtime and each bucket's sums over one share of its files."""
    return [None if listing is None else _summary(listing, share, shares) for listing in listings(root)]


Listing = tuple  # (an open folder's descriptor, its data files' names bucket by bucket: BUCKETS lists)


def listings(root: str) -> list[Listing | None]:
    """Each record folder, opened, with the names of its data files by bucket; None for a folder that is not there.
    The caller closes the folders.

    Listing a folder of a hundred thousand files takes about 40 ms, a quarter of a check; so the names are kept in
    a listing file in the cache folder and used again while the folder's modification time (which adding, removing
    or renaming a file changes) is the one they were listed at.
    """
    kept_at = listing_path(root)
    kept = _read_listing(kept_at)
    found, listed = [], {}
    for folder in RECORD_FOLDERS:
        try:
            handle = os.open(os.path.join(root, folder), os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            found.append(None)
            continue
        try:
            mtime = os.fstat(handle).st_mtime_ns
            mtime_then, groups = kept.get(folder, (None, None))
            if mtime_then != mtime:
                groups = _grouped(name for name in os.listdir(handle) if name.endswith(DATA_SUFFIXES))
        except OSError:
            os.close(handle)
            raise
        listed[folder] = (mtime, groups)
        found.append((handle, groups))
    if listed != kept:
        _keep_listing(kept_at, listed)
    return found


def _grouped(names) -> list[list[str]]:
    """File names by bucket: a name's bucket is the CRC-32 of its bytes modulo BUCKETS, the same in every process
    and on every run (Python's own string hash is not)."""
    import zlib

    crc32 = zlib.crc32
    groups: list[list[str]] = [[] for _ in range(BUCKETS)]
    for name in names:
        groups[crc32(name.encode("utf-8", "surrogateescape")) % BUCKETS].append(name)
    return groups


LISTING_VERSION = f"nkwatch-listing-2-{BUCKETS}"
SETTLED_NS = 3_000_000_000
"""A folder modified less than this long ago is not kept: a change within the same tick of its file system's clock
(2 s on FAT) would leave its modification time as it was."""


def cache_folder() -> str:
    """Where indexes live: ``$XDG_CACHE_HOME/nkwatch``, else ``~/.cache/nkwatch``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "nkwatch")


def index_path(root: os.PathLike | str) -> str:
    """The index of one dataset folder, named after its absolute path (readable, with a checksum)."""
    import re
    import zlib

    absolute = os.path.realpath(root)
    readable = re.sub(r"[^A-Za-z0-9]+", "-", absolute).strip("-")[-80:]
    return os.path.join(cache_folder(), f"{readable}-{zlib.crc32(absolute.encode()):08x}.sqlite")


def listing_path(root: os.PathLike | str) -> str:
    """Where the names of a dataset's files are kept, beside its index."""
    return index_path(root) + ".listing"


def _read_listing(path: str) -> dict[str, tuple[int, list[list[str]]]]:
    """The kept listing: each folder's modification time and file names by bucket; empty when there is none or it
    is odd."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as file:
            fields = file.read().split("\0")
        if fields[0] != LISTING_VERSION:
            return {}
        kept, at = {}, 1
        while at < len(fields):
            folder, mtime, counts = fields[at], int(fields[at + 1]), [int(c) for c in fields[at + 2].split(",")]
            at += 3
            groups = []
            for count in counts:
                groups.append(fields[at:at + count])
                at += count
            if len(counts) != BUCKETS or at > len(fields):  # cut short: a listing missing files hides their edits
                return {}
            kept[folder] = (mtime, groups)
        return kept
    except (OSError, ValueError, IndexError):
        return {}


def _keep_listing(path: str, listed: dict[str, tuple[int, list[list[str]]]]) -> None:
    """Write the listing for the next check, when every folder has been still long enough (see SETTLED_NS)."""
    import time

    if any(time.time_ns() - mtime < SETTLED_NS for mtime, _ in listed.values()):
        return
    fields = [LISTING_VERSION]
    for folder, (mtime, groups) in listed.items():
        fields += [folder, str(mtime), ",".join(str(len(group)) for group in groups)]
        for group in groups:
            fields += group
    partial = f"{path}.{os.getpid()}"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(partial, "w", encoding="utf-8", errors="surrogateescape") as file:
            file.write("\0".join(fields))
        os.replace(partial, path)
    except OSError:  # no writable cache: the next check lists the folders again
        import contextlib

        with contextlib.suppress(OSError):
            os.unlink(partial)


def _summary(listing: Listing, share: int, shares: int) -> tuple[int, list[Sums]]:
    """One folder's mtime and each bucket's sums over every shares-th of its files from share on; the folder is
    closed after."""
    handle, groups = listing
    try:
        return os.fstat(handle).st_mtime_ns, bucket_sums()(handle, groups, share, shares)
    finally:
        os.close(handle)


def bucket_sums():
    """The function that sums each bucket's files."""
    return python_bucket_sums


def python_bucket_sums(folder: int, groups: list[list[str]], share: int, shares: int) -> list[Sums]:
    """Each bucket's sums over every shares-th of its names from share on, stat'ed relative to the open folder."""
    return [_stat_sums(folder, group[share::shares]) for group in groups]


def _stat_sums(folder: int, names: list[str]) -> Sums:
    """How many files, and the sums of their sizes and modification times, stat'ed relative to the open folder."""
    size = mtime = 0
    for name in names:
        stat = os.stat(name, dir_fd=folder)
        size += stat.st_size
        mtime += stat.st_mtime_ns
    return [len(names), size, mtime]


def _combine(root: str, shares: list[list]) -> Check | None:
    """The check from each share's folder summaries; None when the shares saw a folder change meanwhile."""
    try:
        stat = os.stat(os.path.join(root, "themes.yaml"))
        parts = [f"themes:{stat.st_size}:{stat.st_mtime_ns}"]
    except FileNotFoundError:
        parts = ["themes:-"]
    buckets = {}
    for index, folder in enumerate(RECORD_FOLDERS):
        summaries = [share[index] for share in shares]
        if any(s is None for s in summaries):
            if any(s is not None for s in summaries):
                return None
            parts.append(f"{folder}:-")
            continue
        if len({mtime for mtime, _ in summaries}) > 1:
            return None
        each_share = [sums for _, sums in summaries]
        sums = [[sum(column) for column in zip(*bucket, strict=True)] for bucket in zip(*each_share, strict=True)]
        buckets[folder] = sums
        count, size, mtime = (sum(s[i] for s in sums) for i in (0, 1, 2))
        parts.append(f"{folder}:{summaries[0][0]}:{count}:{size}:{mtime}")
    return Check("|".join(parts), buckets)


def start(root: os.PathLike | str) -> None:
    """Start checking the dataset at root in forked worker processes, when it is large enough to pay for them.

    The first worker lists the folders and then forks the second, so that the folders are listed once; each
    stats every other file of the listing and writes its summaries to its own pipe.
    """
    root = os.path.abspath(root)
    if not hasattr(os, "fork") or (os.cpu_count() or 1) < 2 or root in _prefetched:
        return
    try:
        if os.stat(os.path.join(root, "events")).st_size < PREFETCH_FROM_BYTES:
            return
    except OSError:
        return
    pipes = [os.pipe() for _ in range(PREFETCH_WORKERS)]
    try:
        pid = os.fork()
    except OSError:  # no process to spare: the command checks the files itself
        pid = None
    if pid == 0:
        _run_workers(root, pipes)
    for reader, writer in pipes:
        os.close(writer)
        if pid is None:
            os.close(reader)
    if pid is not None:
        _prefetched[root] = (pid, [reader for reader, _ in pipes])


def _run_workers(root: str, pipes: list[tuple[int, int]]) -> None:
    """In the first worker: list the folders, fork the others, and report this worker's share."""
    try:
        for reader, _ in pipes:
            os.close(reader)
        found = listings(root)
        children = []
        for share in range(1, len(pipes)):
            child = os.fork()
            if child == 0:
                _report(pipes[share][1], found, share)
            children.append(child)
        for _, writer in pipes[1:]:
            os.close(writer)
        _report(pipes[0][1], found, 0, wait_for=children)
    finally:
        os._exit(0)  # a worker never returns into the command line, nor runs its exit handlers


def _report(pipe: int, found: list, share: int, wait_for: list[int] | None = None) -> None:
    """Write one share's summaries to pipe, a line per folder: ``-`` when absent, else the folder's mtime and each
    bucket's ``count,size,mtimes``, separated by spaces."""
    try:
        summaries = [None if listing is None else _summary(listing, share, PREFETCH_WORKERS) for listing in found]
        lines = ["-" if s is None else " ".join([str(s[0]), *(",".join(map(str, sums)) for sums in s[1])])
                 for s in summaries]
        os.write(pipe, "\n".join(lines).encode())
        os.close(pipe)
        for child in wait_for or ():
            os.waitpid(child, 0)
    finally:
        os._exit(0)


def _collect(first_worker: int, readers: list[int]) -> list[list] | None:
    """Each worker's folder summaries, once they have all finished; None when one of them failed."""
    shares: list[list] | None = []
    for reader in readers:
        with os.fdopen(reader, "rb") as pipe:
            text = pipe.read().decode()
        summaries = [_parse_summary(line) for line in text.split("\n")]
        if len(summaries) != len(RECORD_FOLDERS) or any(s is False for s in summaries):
            shares = None
        elif shares is not None:
            shares.append(summaries)
    os.waitpid(first_worker, 0)  # the first worker waits for the others
    return shares


def _parse_summary(line: str) -> tuple[int, list[Sums]] | bool | None:
    """A folder's summary as _report writes it; None for an absent folder, False for a line cut short."""
    if line == "-":
        return None
    fields = line.split(" ")
    if len(fields) != BUCKETS + 1:
        return False
    try:
        return int(fields[0]), [[int(n) for n in field.split(",")] for field in fields[1:]]
    except ValueError:
        return False


def start_for_command_line(arguments: list[str], environ: dict[str, str]) -> None:
    """Start checking the dataset a command line names (``--data`` or ``$NKWATCH_DATA``) ahead of the imports.

    Help, version and shell completion read no dataset, so they start nothing; neither does the bundled dataset,
    which is small.
    """
    if "_NKWATCH_COMPLETE" in environ or any(a in ("-h", "--help", "--version") for a in arguments):
        return
    root = environ.get("NKWATCH_DATA")
    for position, argument in enumerate(arguments):
        if argument == "--data" and position + 1 < len(arguments):
            root = arguments[position + 1]
        elif argument.startswith("--data="):
            root = argument.removeprefix("--data=")
    if root:
        start(root)


class StaleIndex(Exception):
    """The index a command read from turned out to be older than the data files: the command must run again."""


_expected: dict[str, tuple[str | None, object]] = {}  # dataset folder -> (fingerprint read from, what to call)
_confirmed_stale: dict[str, Check | None] = {}  # dataset folder -> the check that settle made, for the rerun


def deferred(root: os.PathLike | str) -> bool:
    """Whether a check started ahead is under way for root, so that a command may read first and confirm later."""
    return os.path.abspath(root) in _prefetched


def expect(root: os.PathLike | str, stored: str | None, on_stale) -> None:
    """Note that a command read the index of root as of the stored fingerprint; ``settle`` confirms it.

    on_stale is called (to close the index) before StaleIndex is raised.
    """
    _expected[os.path.abspath(root)] = (stored, on_stale)


def unsettled() -> bool:
    """Whether something read from an index is still waiting for ``settle`` to confirm it."""
    return bool(_expected)


def settle() -> None:
    """Confirm that what was read is current, before anything is written out; StaleIndex when it is not."""
    while _expected:
        root, (stored, on_stale) = _expected.popitem()
        current = check(root)
        if stored is None or current is None or current.fingerprint != stored:
            _confirmed_stale[root] = current  # taken before the rerun reads the files, so the index can keep it
            on_stale()
            raise StaleIndex(root)
