"""Strict YAML reading: text stays text, and anything YAML could do behind a reader's back is refused.

The reader walks libyaml's event stream (its C parser when present) rather than constructing Python objects, so:
no YAML 1.1 retyping (every scalar comes back as the text written, and the schema decides its type), no anchors or
aliases (and so no alias bombs), no tags, no duplicate keys, no second document, bounded nesting. Each value's
position is kept so that every problem can name its file, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 12

Path_ = tuple[str | int, ...]
"""Where a value sits in a document: keys and list indexes from the root."""


@dataclass(frozen=True, slots=True)
class Scalar:
    """A scalar exactly as written, and whether it was written plain (unquoted)."""

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
    """A parsed file: its root value (dicts, lists and Scalars) and the position of every value in it."""

    root: object
    """The root value."""
    marks: dict[Path_, tuple[int, int]]
    """1-based (line, column) of each value; for a mapping entry, of its key."""


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


def read_text(path: Path) -> str:
    """Read a data file as UTF-8 text, refusing what is not a small text file."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise YamlProblem("is a folder, not a YAML file")
        if size > MAX_FILE_BYTES:
            raise YamlProblem(f"is {size / 1_000_000:.1f} MB; a record file must be under 1 MB")
        data = path.read_bytes()
    except PermissionError:
        raise YamlProblem("cannot be read: permission denied") from None
    except FileNotFoundError:
        raise YamlProblem("does not exist") from None
    except OSError as error:
        raise YamlProblem(f"cannot be read: {error.strerror or error}") from None
    return decode_text(data)


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

    builder = _Builder()
    try:
        for event in yaml.parse(text, Loader=_loader_class()):
            builder.feed(event)
    except yaml.MarkedYAMLError as error:
        raise YamlProblem(_syntax_message(error), *_position(error.problem_mark or error.context_mark)) from None
    except yaml.reader.ReaderError as error:
        # Raw control characters: one line with the file's line number, instead of libyaml's two-line message.
        line = text[: error.position].count("\n") + 1
        raise YamlProblem(f"holds the control character U+{error.character:04X}, which YAML does not allow", line) \
            from None
    except yaml.YAMLError as error:
        raise YamlProblem(f"YAML error: {error}") from None
    return Document(builder.root, builder.marks)


def _syntax_message(error) -> str:
    message = f"YAML syntax error: {error.problem or 'not valid YAML'}"
    if error.context and error.context_mark is not None:
        line, column = _position(error.context_mark)
        message += f" ({error.context} at line {line}, column {column})"
    return message


def _position(mark) -> tuple[int | None, int | None]:
    if mark is None:
        return None, None
    return mark.line + 1, mark.column + 1


class _Builder:
    """Turns a YAML event stream into values, refusing the features nkwatch does not allow."""

    def __init__(self) -> None:
        self.root: object = None
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.stack: list[tuple[object, Path_, list]] = []  # (container, its path, pending key holder)
        self.documents = 0

    def feed(self, event) -> None:
        name = type(event).__name__
        if name == "DocumentStartEvent":
            self.documents += 1
            if self.documents > 1:
                raise YamlProblem("holds more than one YAML document", *_position(event.start_mark))
        elif name == "AliasEvent":
            message = f"uses the YAML alias *{event.anchor}; aliases are not allowed"
            raise YamlProblem(message, *_position(event.start_mark))
        elif name in ("ScalarEvent", "MappingStartEvent", "SequenceStartEvent"):
            self._refuse_anchor_and_tag(event)
            self._value_start(event, name)
        elif name in ("MappingEndEvent", "SequenceEndEvent"):
            self.stack.pop()

    def _refuse_anchor_and_tag(self, event) -> None:
        if event.anchor is not None:
            message = f"uses the YAML anchor &{event.anchor}; anchors are not allowed"
            raise YamlProblem(message, *_position(event.start_mark))
        if event.tag is not None and not (event.tag == "!" and getattr(event, "implicit", (False,))[1]):
            raise YamlProblem(f"uses the YAML tag {event.tag}; tags are not allowed", *_position(event.start_mark))

    def _value_start(self, event, name: str) -> None:
        if name == "ScalarEvent":
            value: object = Scalar(event.value, event.style in (None, ""))
        elif name == "MappingStartEvent":
            value = {}
        else:
            value = []
        if self._is_pending_key(value, event):
            return
        path = self._place(value, event)
        if not isinstance(value, Scalar):
            if len(self.stack) >= MAX_DEPTH:
                raise YamlProblem(f"nests deeper than {MAX_DEPTH} levels", *_position(event.start_mark))
            self.stack.append((value, path, []))

    def _is_pending_key(self, value: object, event) -> bool:
        """In a mapping, every other node is a key: remember it and its position until its value arrives."""
        if not self.stack or not isinstance(self.stack[-1][0], dict):
            return False
        container, _path, pending = self.stack[-1]
        if pending:
            return False
        if not isinstance(value, Scalar):
            raise YamlProblem("uses a complex mapping key; keys must be plain words", *_position(event.start_mark))
        if value.text in container:
            raise YamlProblem(f"has the key {value.text!r} twice in one mapping", *_position(event.start_mark))
        pending.append((value.text, _position(event.start_mark)))
        return True

    def _place(self, value: object, event) -> Path_:
        if not self.stack:
            self.root = value
            self.marks[()] = _position(event.start_mark)
            return ()
        container, path, pending = self.stack[-1]
        if isinstance(container, dict):
            key, key_mark = pending.pop()
            container[key] = value
            self.marks[path + (key,)] = key_mark
            return path + (key,)
        container.append(value)
        self.marks[path + (len(container) - 1,)] = _position(event.start_mark)
        return path + (len(container) - 1,)
