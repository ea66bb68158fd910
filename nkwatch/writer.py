"""Adding records to a dataset without ever losing or half-writing one.

A new record is checked against the whole dataset first, then written as YAML in the dataset's own format: into a
temporary file in the target folder, flushed and synced to disk, then published under its id with ``os.link``,
which fails when the name is taken. Two people adding the same id at once cannot both succeed, a reader never
sees a half-written file, and an error or an interrupt at any point leaves the dataset as it was.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nkwatch.atomic import publish, remove_abandoned_files, synced_text, temporary_beside
from nkwatch.errors import DataError, NkwatchError, Problem, UsageError, WriteRefused

SCHEMA_LINE = "# yaml-language-server: $schema={reference}"
RELATIVE_SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(?:\.\./)+nkwatch/schema/([a-z]+\.schema\.json)$")
DATE_FIELDS = {"published", "date", "as_of"}
SINGULAR = {"sources": "source", "actors": "actor", "places": "place", "events": "event", "figures": "figure"}


class WriteError(NkwatchError):
    """A record could not be written (its id is taken, the folder is read-only); nothing was written."""


class RecordRefused(WriteRefused):
    """The new record, or the dataset it would join, has problems; nothing was written."""

    def __init__(self, problems: list[Problem], kind: str):
        super().__init__(problems, f"the {kind} was not added")


class _Quoted(str):
    """Text always written in double quotes (dates, so that no YAML reader takes them for anything else)."""


def _dumper():
    import yaml

    class Dumper(yaml.SafeDumper):  # the pure-Python dumper: libyaml's would ignore the indentation below
        def increase_indent(self, flow: bool = False, indentless: bool = False):
            return super().increase_indent(flow, False)

    def quoted(dumper, text):
        return dumper.represent_scalar("tag:yaml.org,2002:str", str(text), style='"')

    def text(dumper, value):
        style = "|" if "\n" in value.strip("\n") else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    def number(dumper, value):
        written = repr(value) if "e" not in repr(value) else format(value, "f")
        return dumper.represent_scalar("tag:yaml.org,2002:float", written)

    Dumper.add_representer(_Quoted, quoted)
    Dumper.add_representer(str, text)
    Dumper.add_representer(float, number)
    return Dumper


def _ordered(value: object, properties: dict | None) -> object:
    """The value with mapping keys in the schema's order, dates marked for quoting and empty optionals dropped."""
    if isinstance(value, list):
        return [_ordered(item, None) for item in value]
    if not isinstance(value, dict):
        return value
    order = list(properties or {}) + [key for key in value if key not in (properties or {})]
    result = {}
    for key in order:
        if key not in value or (value[key] in (None, [], "") and key not in ("author", "url", "qualifier")):
            continue
        item = value[key]
        result[key] = _Quoted(item) if key in DATE_FIELDS and isinstance(item, str) else _ordered(item, None)
    return result


def schema_reference(root: Path | None, name: str) -> str:
    """How a file in the dataset at root names its schema so that an editor finds it: a path relative to the file
    inside nkwatch's own checkout (``data/`` beside ``nkwatch/``), elsewhere the installed schema's file URI."""
    if root is not None and (root.absolute().parent / "nkwatch" / "schema" / name).is_file():
        return f"../../nkwatch/schema/{name}"
    return (Path(__file__).parent / "schema" / name).as_uri()


def dump_record(folder: str, value: dict, root: Path | None = None) -> str:
    """A record as YAML text in the dataset's format: the schema line first, fields in schema order, dates quoted."""
    import yaml

    from nkwatch.loader import SCHEMAS
    from nkwatch.schemacheck import load_schema

    schema_name = SCHEMAS[folder]
    body = yaml.dump(_ordered(value, load_schema(schema_name).get("properties")), Dumper=_dumper(),
                     sort_keys=False, allow_unicode=True, default_flow_style=None, width=110)
    return SCHEMA_LINE.format(reference=schema_reference(root, schema_name)) + "\n" + body


def declared_id(text: str) -> str | None:
    """The id a record's YAML text declares, or None when it cannot be read."""
    from nkwatch.yamlread import YamlProblem, parse_document

    try:
        root = parse_document(text).root
    except YamlProblem:
        return None
    node = root.get("id") if isinstance(root, dict) else None
    return getattr(node, "text", None)


def target_path(root: Path, folder: str, record_id: str) -> Path:
    """Where a record with this id lives in the dataset."""
    return root / folder / f"{record_id}.yaml"


def _taken(folder: str, record_id: str, existing: Path) -> WriteError:
    return WriteError(f"{SINGULAR[folder]} {record_id!r} exists already ({existing}); nothing was written")


def refuse_taken_id(root: Path, folder: str, record_id: str) -> None:
    """Raise WriteError when a record of this kind already has the id."""
    for suffix in (".yaml", ".yml"):
        existing = root / folder / f"{record_id}{suffix}"
        if existing.exists():
            raise _taken(folder, record_id, existing)


def check_record(root: Path, folder: str, text: str, shown: str) -> dict:
    """Check a new record's YAML text against the dataset at root; return its checked value or raise."""
    from nkwatch.loader import check_candidate

    record_id = declared_id(text)
    if record_id:
        refuse_taken_id(root, folder, record_id)
    try:
        return check_candidate(root, folder, text, shown, record_id or Path(shown).stem)
    except DataError as error:
        if record_id:
            refuse_taken_id(root, folder, record_id)  # taken meanwhile by another add: say so, as above
        raise RecordRefused(error.problems, SINGULAR[folder]) from None


def _writable_folder(root: Path, folder: str) -> Path:
    directory = root / folder
    refuse_links(root, directory)
    try:
        directory.mkdir(exist_ok=True)
    except OSError as error:
        raise _write_error(directory, error) from None
    remove_abandoned_files(directory)
    return directory


def refuse_links(root: Path, directory: Path) -> None:
    """Raise WriteError when a folder to write in is a link, or lies outside the dataset at root once links are
    resolved: nkwatch writes only inside the dataset, never through a link someone placed there."""
    from nkwatch.yamlread import is_inside

    if directory.is_symlink() or not is_inside(directory, root):
        raise WriteError(f"cannot write to {directory}: it is a link, and nkwatch writes only into folders inside "
                         "the dataset; nothing was written")


def _write_error(where: Path, error: OSError) -> WriteError:
    if isinstance(error, PermissionError) or error.errno == errno.EROFS:
        return WriteError(f"cannot write to {where}: the dataset folder is read-only; nothing was written")
    return WriteError(f"cannot write to {where}: {error.strerror or error}; nothing was written")


@contextmanager
def temporary_file(directory: Path, name: str, text: str) -> Iterator[Path]:
    """A file holding text, synced to disk, in directory; removed on the way out whatever happens."""
    try:
        with temporary_beside(directory / name) as temp:
            with synced_text(temp, newline="\n") as stream:
                stream.write(text)
            yield temp
    except OSError as error:
        raise _write_error(directory, error) from None


def write_record(root: Path, folder: str, value: dict) -> Path:
    """Write a checked record into the dataset atomically, never replacing a file; return its path."""
    record_id = value["id"]
    refuse_taken_id(root, folder, record_id)
    text = dump_record(folder, value, root)
    directory = _writable_folder(root, folder)
    target = target_path(root, folder, record_id)
    with temporary_file(directory, target.name, text) as temp:
        _recheck(folder, temp, target, value)
        try:
            publish(temp, target)
        except FileExistsError:
            raise _taken(folder, record_id, target) from None
    return target


def replace_record(root: Path, folder: str, value: dict, existing: Path) -> Path:
    """Write a checked record in place of the file of the record it replaces (``import --update``), atomically:
    a reader sees the old file or the new one; return the new file's path."""
    text = dump_record(folder, value, root)
    directory = _writable_folder(root, folder)
    target = target_path(root, folder, value["id"])
    with temporary_file(directory, target.name, text) as temp:
        _recheck(folder, temp, target, value)
        publish(temp, target, replace=True)
    if existing != target:  # an x.yml replaced: the record now lives in x.yaml
        existing.unlink()
    return target


def _recheck(folder: str, temp: Path, target: Path, value: dict) -> None:
    """Read the written file back through the loader: what lands in the dataset must be what was checked."""
    from nkwatch.loader import check_record_text
    from nkwatch.yamlread import read_text

    result = check_record_text(folder, read_text(temp), str(target), target.stem)
    if result.problems:
        raise RecordRefused(result.problems, SINGULAR[folder])
    if result.value != value:
        raise WriteError(f"{target.name} would not read back as entered; nothing was written")


def add_record_text(root: Path, folder: str, text: str, shown: str) -> Path:
    """Check a new record's YAML text against the dataset, then write it; return the new file's path."""
    refuse_bundled(root)
    return write_record(root, folder, check_record(root, folder, text, shown))


def add_record_file(root: Path, folder: str, path: Path) -> Path:
    """Add the one record held in a YAML file; problems name that file and its lines."""
    from nkwatch.yamlread import YamlProblem, read_text

    refuse_bundled(root)
    if not _exists(path, "--from "):
        raise UsageError(f"--from {path}: no such file")
    try:
        text = read_text(path)
    except YamlProblem as error:
        raise RecordRefused([Problem(str(path), error.line, error.column, None, None, error.message)],
                            SINGULAR[folder]) from None
    return add_record_text(root, folder, text, str(path))


def _exists(path: Path, label: str = "") -> bool:
    """Whether path exists; a name the system refuses (too long, say) is a usage error."""
    try:
        return path.exists()
    except OSError as error:
        raise UsageError(f"{label}{path}: {error.strerror or error}") from None


def is_bundled(root: Path) -> bool:
    """True for a folder inside the installed nkwatch package, such as its bundled dataset: never written to."""
    return root.resolve().is_relative_to(Path(__file__).resolve().parent)


def refuse_bundled(root: Path) -> None:
    """Raise UsageError for the bundled dataset: adds go to a dataset of one's own."""
    if is_bundled(root):
        raise UsageError(f"{root} is inside the installed nkwatch package, whose dataset is never written to; run "
                         "`nkwatch init DIR` to start a copy of your own, then `nkwatch --data DIR add`")


def init_dataset(target: Path) -> Path:
    """Copy the bundled dataset to target (absent or an empty folder), all at once: a partial copy is never left."""
    from nkwatch.loader import bundled_data_path

    refuse_bundled(target)
    if _exists(target) and (not target.is_dir() or any(target.iterdir())):
        what = "is not empty" if target.is_dir() else "is a file"
        raise UsageError(f"{target} {what}; nkwatch init needs a new or empty folder")
    parent = target.absolute().parent
    if not parent.is_dir():
        raise UsageError(f"{parent} does not exist; create it first")
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    except OSError as error:
        raise _write_error(parent, error) from None
    try:
        _copy_dataset(bundled_data_path(), staging / "data")
        os.replace(staging / "data", target)
    except OSError as error:
        raise _write_error(target, error) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _copy_dataset(source: Path, destination: Path) -> None:
    from nkwatch.loader import RECORD_FOLDERS

    destination.mkdir()
    if (source / "README.md").is_file():
        shutil.copyfile(source / "README.md", destination / "README.md")
    if (source / "themes.yaml").is_file():
        _copy_with_schema_uri(source / "themes.yaml", destination / "themes.yaml")
    for folder in RECORD_FOLDERS:
        (destination / folder).mkdir()
        if (source / folder).is_dir():
            for path in sorted((source / folder).glob("*.yaml")):
                _copy_with_schema_uri(path, destination / folder / path.name)


def _copy_with_schema_uri(source: Path, destination: Path) -> None:
    """Copy a data file, pointing its schema line at the installed schema (the relative path would not resolve)."""
    text = source.read_bytes().decode("utf-8")
    first, newline, rest = text.partition("\n")
    match = RELATIVE_SCHEMA_LINE.match(first)
    if match:
        text = SCHEMA_LINE.format(reference=schema_reference(None, match.group(1))) + newline + rest
    destination.write_bytes(text.encode("utf-8"))
