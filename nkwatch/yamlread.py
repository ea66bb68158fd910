"""Strict YAML reading: text stays text, and anything YAML could do behind a reader's back is refused.

The reader walks libyaml's event stream rather than constructing Python objects, so:
no YAML 1.1 retyping (every scalar comes back as the text written, and the schema decides its type), no anchors or
aliases (and so no alias bombs), no tags, no duplicate keys, no second document, bounded nesting. Each value's
position is kept so that every problem can name its file, line and column.

Files are read as carefully: a dataset's file is read only when it is a regular file inside the dataset (a pipe
would block, a device never end, a link could lead to a private file), and never past the size limit.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from typing import NamedTuple

from nkwatch.errors import excerpt

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 12

Path_ = tuple[str | int, ...]
"""Where a value sits in a document: keys and list indexes from the root."""


class Scalar(NamedTuple):
    """A scalar exactly as written, and whether it was written plain (unquoted).

    A named tuple rather than a dataclass: one is made for every value of every file, and a tuple is the cheapest.
    """

    text: str
    """The characters of the scalar, after YAML's own unescaping and folding."""
    plain: bool
    """True when written without quotes or block style, where null-like words mean null."""

    @property
    def is_null(self) -> bool:
        """True for a plain ``null``, ``~`` or an empty value."""
        return self.plain and self.text in ("", "~", "null", "Null", "NULL")


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed file: its root value (dicts, lists and Scalars) and where each value is."""

    root: object
    """The root value."""
    marks: dict[Path_, object]
    """Where each value starts (for a mapping entry, where its key does), 0-based: PyYAML's mark itself, which
    saves making a tuple for every value when a position is wanted for a few values of a few files."""

    def position(self, path: Path_) -> tuple[int | None, int | None]:
        """The 1-based (line, column) of the value at path, or of the nearest enclosing value that has one."""
        while path and path not in self.marks:
            path = path[:-1]
        mark = self.marks.get(path)
        if mark is None:
            return None, None
        return mark.line + 1, mark.column + 1


class YamlProblem(Exception):
    """The file could not be read as strict YAML; carries a 1-based position when one is known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _loader_class():
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


LINK_OUTSIDE = "is a link to a file outside the dataset; links outside the dataset are not followed"
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
# Where the platform has them: O_NONBLOCK so that a pipe swapped in after the kind was checked cannot make open wait
# for a writer; O_NOFOLLOW so that a file swapped for a link meanwhile is not followed.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_SIZE_LIMIT = f"a record file must be under {MAX_FILE_BYTES // 1_000_000} MB"


def read_text(path: str | os.PathLike, dataset: str | os.PathLike | None = None) -> str:
    """Read a data file as UTF-8 text, refusing what is not a small text file.

    With dataset (the dataset's folder), only a regular file inside it is read: a pipe, device, socket or folder is
    never opened, and a link is followed only when it leads to a file inside the dataset. Without it (a file the
    user names, such as ``add --from``), anything but a folder is read, pipes included. Either way no more than
    MAX_FILE_BYTES + 1 bytes are read, whatever size the file claims.
    """
    try:
        data = _read_bytes(os.fspath(path), dataset)
    except IsADirectoryError:
        raise YamlProblem("is a folder, not a YAML file") from None
    except PermissionError:
        raise YamlProblem("cannot be read: permission denied") from None
    except FileNotFoundError:
        raise YamlProblem("does not exist") from None
    except OSError as error:
        raise YamlProblem(f"cannot be read: {error.strerror or error}") from None
    return decode_text(data)


def _read_bytes(path: str, dataset: str | os.PathLike | None) -> bytes:
    if dataset is not None:
        status, flags = _dataset_file_status(path, dataset)
    else:  # the user's own file: a pipe is read as it comes, so it is opened blocking
        status, flags = os.stat(path), _OPEN_FLAGS & ~getattr(os, "O_NONBLOCK", 0)
    if stat.S_ISDIR(status.st_mode):
        raise IsADirectoryError
    if stat.S_ISREG(status.st_mode) and status.st_size > MAX_FILE_BYTES:
        raise YamlProblem(f"is {status.st_size / 1_000_000:.1f} MB; {_SIZE_LIMIT}")
    handle = os.open(path, flags)
    try:
        opened = os.fstat(handle)
        if dataset is not None and _identity(opened) != _identity(status):
            raise YamlProblem("changed while it was being read; run the command again")
        data = _read_at_most(handle, MAX_FILE_BYTES + 1)
    finally:
        os.close(handle)
    if len(data) > MAX_FILE_BYTES:
        raise YamlProblem(f"is over {MAX_FILE_BYTES // 1_000_000} MB; {_SIZE_LIMIT}")
    return data


def _identity(status: os.stat_result) -> tuple[int, int, int]:
    """Which file a status is of, and its kind: what must not change between checking a file and opening it."""
    return status.st_dev, status.st_ino, stat.S_IFMT(status.st_mode)


def _dataset_file_status(path: str, dataset: str | os.PathLike) -> tuple[os.stat_result, int]:
    """The status of a dataset file known to be a regular file (or folder) inside the dataset, and how to open it."""
    status = os.lstat(path)
    flags = _OPEN_FLAGS | _NOFOLLOW
    if stat.S_ISLNK(status.st_mode):
        flags = _OPEN_FLAGS
        if not is_inside(path, dataset):
            raise YamlProblem(LINK_OUTSIDE)
        try:
            status = os.stat(path)
        except FileNotFoundError:
            raise YamlProblem("is a link to a file that does not exist") from None
    kind = _special_kind(status.st_mode)
    if kind:
        raise YamlProblem(f"is {kind}, not a YAML file; only regular files are read")
    return status, flags


def _special_kind(mode: int) -> str | None:
    """How a file that is neither a regular file nor a folder is named, or None for those two."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def is_inside(path: str | os.PathLike, folder: str | os.PathLike) -> bool:
    """True when path, with every link on the way resolved, lies inside folder (resolved too)."""
    real, base = os.path.realpath(path), os.path.realpath(folder)
    try:
        return os.path.commonpath([real, base]) == base
    except ValueError:  # on different drives (Windows)
        return False


def _read_at_most(handle: int, limit: int) -> bytes:
    """Up to limit bytes from an open file: a device that never ends stops being read there."""
    chunks, size = [], 0
    while size < limit:
        chunk = os.read(handle, limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def decode_text(data: bytes) -> str:
    """Decode file bytes as UTF-8, naming the line of the first bad byte."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise YamlProblem("is binary (holds NUL bytes), not YAML text", line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise YamlProblem(f"is not UTF-8 text (byte 0x{data[error.start]:02x})", line) from None
    if not text.strip():
        raise YamlProblem("is empty")
    return text.removeprefix("\ufeff")


def parse_document(text: str) -> Document:
    """Parse one strict YAML document into dicts, lists and Scalars with their positions."""
    import yaml

    parser = _loader_class()(text)
    try:
        return _build(parser)
    except yaml.MarkedYAMLError as error:
        raise YamlProblem(_syntax_message(error), *_position(error.problem_mark or error.context_mark)) from None
    except yaml.reader.ReaderError as error:
        # Raw control characters: one line with the file's line number, instead of libyaml's two-line message.
        line = text[: error.position].count("\n") + 1
        raise YamlProblem(f"holds the control character U+{error.character:04X}, which YAML does not allow", line) \
            from None
    except yaml.YAMLError as error:
        raise YamlProblem(f"YAML error: {excerpt(str(error))}") from None
    finally:
        parser.dispose()


def _syntax_message(error) -> str:
    message = f"YAML syntax error: {excerpt(error.problem or 'not valid YAML')}"
    if error.context and error.context_mark is not None:
        line, column = _position(error.context_mark)
        message += f" ({error.context} at line {line}, column {column})"
    return message


def _position(mark) -> tuple[int | None, int | None]:
    if mark is None:
        return None, None
    return mark.line + 1, mark.column + 1


def _build(parser) -> Document:
    """Walk the parser's events into values, refusing the features nkwatch does not allow.

    One loop with the open container's state in local variables, because it runs for every value of every file:
    written as small methods, with a path and a position tuple for every value, it was two thirds of the time it
    took to index a file.
    """
    from yaml.events import (
        AliasEvent,
        DocumentStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
    )

    new_scalar = tuple.__new__
    get_event = parser.get_event
    root: object = None
    marks: dict[Path_, object] = {}
    outer: list[tuple] = []  # the state of each enclosing container, restored when the inner one ends
    container: object = None  # the open mapping or list; None at the top
    in_mapping = False
    path: Path_ = ()
    key: str | None = None  # in a mapping, the key waiting for its value
    key_mark = None
    documents = 0
    while True:
        event = get_event()
        kind = event.__class__
        if kind is ScalarEvent or kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                _refuse_anchor_or_tag(event)
            mark = event.start_mark
            if kind is ScalarEvent:
                value: object = new_scalar(Scalar, (event.value, not event.style))
                if in_mapping and key is None:
                    key = event.value
                    if key in container:
                        raise YamlProblem(f"has the key {excerpt(key)!r} twice in one mapping", *_position(mark))
                    key_mark = mark
                    continue
            elif in_mapping and key is None:
                raise YamlProblem("uses a complex mapping key; keys must be plain words", *_position(mark))
            else:
                value = {} if kind is MappingStartEvent else []
            if in_mapping:
                place = path + (key,)
                container[key] = value
                marks[place] = key_mark
                key = None
            elif container is not None:
                place = path + (len(container),)
                container.append(value)
                marks[place] = mark
            else:
                place = ()
                root = value
                marks[place] = mark
            if kind is not ScalarEvent:
                if len(outer) >= MAX_DEPTH:
                    raise YamlProblem(f"nests deeper than {MAX_DEPTH} levels", *_position(mark))
                outer.append((container, in_mapping, path, key, key_mark))
                container, in_mapping, path = value, kind is MappingStartEvent, place
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            container, in_mapping, path, key, key_mark = outer.pop()
        elif kind is StreamEndEvent:
            return Document(root, marks)
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise YamlProblem("holds more than one YAML document", *_position(event.start_mark))
        elif kind is AliasEvent:
            message = f"uses the YAML alias *{excerpt(event.anchor)}; aliases are not allowed"
            raise YamlProblem(message, *_position(event.start_mark))


def _refuse_anchor_or_tag(event) -> None:
    if event.anchor is not None:
        message = f"uses the YAML anchor &{excerpt(event.anchor)}; anchors are not allowed"
        raise YamlProblem(message, *_position(event.start_mark))
    implicit = event.implicit if event.__class__.__name__ == "ScalarEvent" else (False, False)
    if not (event.tag == "!" and implicit[1]):
        message = f"uses the YAML tag {excerpt(event.tag)}; tags are not allowed"
        raise YamlProblem(message, *_position(event.start_mark))
