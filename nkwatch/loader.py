"""YAML files → records: strict, collects every problem before failing, and cleans text on the way in.

A dataset is a folder holding ``themes.yaml`` and one folder per record kind (``sources/``, ``actors/``,
``places/``, ``events/``, ``figures/``) with one record per file, named after its id. Each file is read on its own
into a ``FileResult`` (its checked value, its own problems, the ids it names), which an index can cache; the results
are then put together, and every named id checked, into a ``Dataset``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from nkwatch.dates import parse_edtf
from nkwatch.errors import PROBLEMS_PER_FILE, DataError, Problem, more_problems, printable_name
from nkwatch.models import (
    Actor,
    ActorRole,
    Attestation,
    Claim,
    Dataset,
    Discrepancy,
    Event,
    EventsInMemory,
    Figure,
    Place,
    Range,
    Source,
    SourceRef,
    Theme,
)
from nkwatch.references import KIND_OF_FOLDER, country_fields, missing_message, references_of
from nkwatch.textnorm import strip_unsafe

RECORD_FOLDERS = ("sources", "actors", "places", "events", "figures")
"""The folders a dataset keeps its records in, one YAML file per record."""

DATA_SUFFIXES = (".yaml", ".yml")
"""The endings of a data file's name."""

Path_ = tuple
"""A value's position in a document: keys and list indexes from the root (as in nkwatch.yamlread)."""

SCHEMAS = {"sources": "source.schema.json", "actors": "actor.schema.json", "places": "place.schema.json",
           "events": "event.schema.json", "figures": "figure.schema.json", "themes": "themes.schema.json"}
DATE_FIELDS = {"sources": ("published",), "events": ("date",), "figures": ("as_of",)}
RANGE_FIELDS = {"events": ("people",), "figures": ("value",)}


def bundled_data_path() -> Path:
    """The dataset shipped with nkwatch: inside the installed package, or ``data/`` beside it in a checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "data"
    return installed if installed.is_dir() else package.parent / "data"


def dataset_path(explicit: str | os.PathLike | None = None) -> Path:
    """The dataset to use: the one given, else ``$NKWATCH_DATA``, else the bundled one."""
    chosen = explicit or os.environ.get("NKWATCH_DATA")
    return Path(chosen) if chosen else bundled_data_path()


@lru_cache(maxsize=4096)  # the same few fields (``actors[0].actor``) are named in file after file
def field_name(path: Path_) -> str | None:
    """A value's position as a dotted field name: ``sources[1].source``."""
    name = ""
    for part in path:
        if isinstance(part, str) and not part.isprintable():
            part = repr(part)  # a key holding control characters is named, never printed raw
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name or None


@dataclass
class FileResult:
    """One data file read on its own: its checked value, its problems, and the ids it names with their positions."""

    folder: str
    """The record kind's folder (``events``), or ``themes`` for themes.yaml."""
    path: str
    """The file, as shown in messages."""
    value: object = None
    """The schema-checked value (a dict, or the themes list), or None when the file cannot be used."""
    problems: list[Problem] = field(default_factory=list)
    """What is wrong with the file on its own."""
    references: list[tuple[str, str, str | None, int | None, int | None]] = field(default_factory=list)
    """(kind, target id, field, line, column) of each id the record names."""
    id_position: tuple[int | None, int | None] = (None, None)
    """Where the record's own id is written (line, column)."""

    @property
    def record_id(self) -> str | None:
        """The id of the record the file holds, when it could be read."""
        return self.value.get("id") if isinstance(self.value, dict) else None


def _semantic_problems(folder: str, value: dict, stem: str) -> list[tuple[Path_, str]]:
    """What a file's schema cannot say: the id matches the name, dates are real, ranges run low to high."""
    from nkwatch.countries import is_country_code

    found: list[tuple[Path_, str]] = []
    if value["id"] != stem:
        found.append((("id",), f"id {value['id']!r} must match the file name {stem!r}"))
    for name in DATE_FIELDS.get(folder, ()):
        try:
            parse_edtf(value[name])
        except ValueError as error:
            found.append(((name,), str(error)))
    for name in RANGE_FIELDS.get(folder, ()):
        span = value.get(name)
        if isinstance(span, dict) and "max" not in span and "wording" not in span:
            found.append(((name,), "give max, or the source's own words for a number it never gave (wording)"))
        elif isinstance(span, dict) and span.get("max", span["min"]) < span["min"]:
            found.append(((name,), f"max {span['max']} is below min {span['min']}"))
    for where, code in country_fields(folder, value):
        if not is_country_code(code):
            found.append((where, f"{code!r} is not an ISO 3166-1 alpha-2 country code"))
    if value["id"] in (value.get("related") or ()):
        found.append((("related",), "an event cannot be related to itself"))
    return found


def _theme_problems(values: list) -> list[tuple[Path_, str]]:
    seen: set[str] = set()
    found = []
    for i, theme in enumerate(values):
        if theme["id"] in seen:
            found.append(((i, "id"), f"theme {theme['id']!r} is defined twice"))
        seen.add(theme["id"])
    return found


def read_record_file(folder: str, path: str | os.PathLike, dataset: str | os.PathLike | None = None) -> FileResult:
    """Read, parse and check one data file on its own, collecting every problem it has.

    Only a regular file inside the dataset (by default the folder holding the file's folder, or holding
    themes.yaml) is read; anything else is a problem of its own (see ``yamlread.read_text``).
    """
    # Imported here, as in check_record_text: a query served from the index never reads YAML.
    from nkwatch.yamlread import YamlProblem, read_text

    shown = os.fspath(path)
    if dataset is None:
        dataset = os.path.dirname(shown) if folder == "themes" else os.path.dirname(os.path.dirname(shown))
    try:
        text = read_text(shown, dataset=dataset or os.curdir)
    except YamlProblem as error:
        return FileResult(folder, shown, problems=[Problem(shown, error.line, error.column, None, None,
                                                           error.message)])
    return check_record_text(folder, text, shown, os.path.splitext(os.path.basename(shown))[0])


def check_record_text(folder: str, text: str, shown: str, stem: str) -> FileResult:
    """Parse and check one record's YAML text on its own, as the file ``shown`` named ``stem``.yaml."""
    from nkwatch.schemacheck import Checker
    from nkwatch.yamlread import YamlProblem, parse_document

    result = FileResult(folder, shown)
    try:
        document = parse_document(text)
    except YamlProblem as error:
        result.problems.append(Problem(shown, error.line, error.column, None, None, error.message))
        return result
    checker = Checker(SCHEMAS[folder])
    value = checker.check(document.root)
    record = strip_unsafe(document.root["id"].text) if isinstance(document.root, dict) and hasattr(
        document.root.get("id"), "text") else None
    found = list(checker.problems)
    if not found:
        found = _theme_problems(value) if folder == "themes" else _semantic_problems(folder, value, stem)
    for where, message in found[:PROBLEMS_PER_FILE + 1]:
        result.problems.append(Problem(shown, *document.position(where), record, field_name(where), message))
    if len(found) > PROBLEMS_PER_FILE:
        result.problems[PROBLEMS_PER_FILE:] = [more_problems(shown, len(found) - PROBLEMS_PER_FILE)]
    if not found:
        result.value = value
        result.id_position = document.position(("id",))
        for ref in references_of(folder, value) if folder != "themes" else ():
            result.references.append((ref.kind, ref.target, field_name(ref.field), *document.position(ref.field)))
    return result


DataFile = tuple[str, str, int, int, bool]
"""One data file as listed: (folder, path, size, mtime_ns, link). The folder is the record kind's (``events``), or
``themes`` for themes.yaml; the path is the dataset folder joined with the folder and the file's name (as messages
show it); size in bytes and modification time in nanoseconds are lstat's (a link's own), -1 when the file cannot be
stat'ed (a themes.yaml that is missing); link says whether it is a symbolic link, whose target's size and time
lstat does not give. A plain tuple: at 100,000 files a NamedTuple's constructor would add a fifth to the listing's
time."""


@dataclass
class Listing:
    """A dataset's data files as listed, and the names that are never handed on to be read."""

    files: list[DataFile] = field(default_factory=list)
    """Each data file: themes.yaml first, then each kind's files (in name order unless asked otherwise). Every one
    is to be read with ``read_record_file``, even one that cannot be stat'ed: reading it says what is wrong."""
    refused: list[FileResult] = field(default_factory=list)
    """One result, holding its problem, for each data file whose name is not UTF-8 text (its path escaped), and for
    a record folder that could not be listed."""


def list_data_files(root: Path, *, in_order: bool = True) -> Listing:
    """Every data file of a dataset (see ``Listing``), with its size and modification time; the record folders
    are as check_root has found them. The one listing of a dataset's files: the loader and the index both read
    what it gives."""
    base = os.fspath(root)
    listing = Listing([_listed("themes", os.path.join(base, "themes.yaml"))])
    for folder in RECORD_FOLDERS:
        directory = os.path.join(base, folder)
        try:
            files = _folder_files(folder, directory, listing.refused)
        except FileNotFoundError:
            continue
        except OSError as error:  # changed since check_root looked
            listing.refused.append(_refused(folder, directory, _unusable_folder(folder, error)))
            continue
        listing.files += sorted(files) if in_order else files  # by path, the folder being the same
    return listing


def _folder_files(folder: str, directory: str, refused: list[FileResult]) -> list[DataFile]:
    """A record folder's data files; those whose names are not UTF-8 go to refused, each with its problem."""
    found: list[DataFile] = []
    add = found.append
    with os.scandir(directory) as entries:
        for entry in entries:
            name = entry.name
            if not (name.endswith(DATA_SUFFIXES) and name.rfind(".") > 0):  # as splitext: not a bare ".yaml"
                continue
            if not name.isascii() and (byte := _first_bad_byte(name)) is not None:
                message = f"the file name is not UTF-8 text (byte 0x{byte:02x}); rename the file after its record's id"
                refused.append(_refused(folder, printable_name(entry.path), message))
                continue
            try:
                status = entry.stat(follow_symlinks=False)
            except OSError:  # gone since it was listed, or not to be stat'ed: reading it reports the problem
                add((folder, entry.path, -1, -1, False))
            else:
                add((folder, entry.path, status.st_size, status.st_mtime_ns, status.st_mode & _TYPE == stat.S_IFLNK))
    return found


_TYPE = 0o170000
"""The file-type bits of st_mode (S_IFMT), compared inline: stat.S_ISLNK's call costs 15 ms at 100,000 files."""


def _listed(folder: str, path: str) -> DataFile:
    try:
        status = os.lstat(path)
    except OSError:
        return (folder, path, -1, -1, False)
    return (folder, path, status.st_size, status.st_mtime_ns, stat.S_ISLNK(status.st_mode))


def _refused(folder: str, shown: str, message: str) -> FileResult:
    return FileResult(folder, shown, problems=[Problem(shown, None, None, None, None, message)])


def _first_bad_byte(name: str) -> int | None:
    """The first byte of a file name that is not UTF-8 (Python keeps it as a lone surrogate), or None."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError as error:
        return name.encode("utf-8", "surrogateescape")[len(name[: error.start].encode("utf-8", "surrogateescape"))]
    return None


def check_root(root: Path) -> None:
    """Raise DataError when the dataset folder is missing or not a folder, or a record folder cannot be used: a file
    where the folder belongs, a folder that cannot be read, a link leading out of the dataset or to nothing."""
    try:
        if root.is_dir():
            problems = [problem for folder in RECORD_FOLDERS if (problem := _folder_problem(root, folder))]
            if not problems:
                return
            raise DataError(problems)
        what = "is a file, not a dataset folder" if root.exists() else "does not exist"
    except OSError as error:  # a name the system refuses: too long, say
        what = f"cannot be opened: {error.strerror or error}"
    raise DataError([Problem(str(root), None, None, None, None, f"dataset folder {what}")])


def _folder_problem(root: Path, folder: str) -> Problem | None:
    """What makes a record folder unusable, or None when it is a readable folder inside the dataset (or absent)."""
    from nkwatch.yamlread import is_inside

    directory = root / folder
    try:
        status = os.lstat(directory)
        if stat.S_ISLNK(status.st_mode):
            if not is_inside(directory, root):
                return _folder(directory, "is a link to a folder outside the dataset; links outside the dataset are "
                                          "not followed")
            status = os.stat(directory)
        if not stat.S_ISDIR(status.st_mode):
            return _folder(directory, f"is a file where the folder of {folder} records belongs; a dataset keeps its "
                                      f"{folder} in a folder of that name")
        with os.scandir(directory):
            pass
    except FileNotFoundError:
        if os.path.lexists(directory):
            return _folder(directory, "is a link to a folder that does not exist")
        return None  # a dataset without records of this kind
    except OSError as error:
        return _folder(directory, _unusable_folder(folder, error))
    return None


def _folder(directory: Path, message: str) -> Problem:
    return Problem(str(directory), None, None, None, None, message)


def _unusable_folder(folder: str, error: OSError) -> str:
    if isinstance(error, PermissionError):
        return f"cannot be read: permission denied, so its {folder} cannot be checked"
    if isinstance(error, NotADirectoryError):
        return f"is a file where the folder of {folder} records belongs"
    return f"cannot be read: {error.strerror or error}"


def duplicate_problems(ids: Iterable[tuple[str, str, str, int | None, int | None]]) -> list[Problem]:
    """A problem for each file whose record's id another file already holds (``x.yaml`` beside ``x.yml``), given
    each record's (kind, id, file, line, column); the first file in name order keeps the id."""
    first: dict[tuple[str, str], str] = {}
    found = []
    for kind, record, path, line, column in sorted(ids, key=lambda entry: entry[2]):
        holder = first.setdefault((kind, record), path)
        if holder != path:
            message = f"{kind} id {record!r} is already taken by {holder}; keep one of the two files"
            found.append(Problem(path, line, column, record, "id", message))
    return found


def known_ids(results: Iterable[FileResult]) -> dict[str, set[str]]:
    """The ids of every usable record, by kind (source, actor, place, theme, event, figure)."""
    ids: dict[str, set[str]] = {kind: set() for kind in KIND_OF_FOLDER.values()}
    for result in results:
        if result.folder == "themes" and result.value:
            ids["theme"].update(t["id"] for t in result.value)
        elif result.value:
            ids[KIND_OF_FOLDER[result.folder]].add(result.record_id)
    return ids


def broken_ids(results: Iterable[FileResult]) -> dict[str, set[str]]:
    """The ids (file names) of records whose files exist but could not be used, by kind."""
    broken: dict[str, set[str]] = {kind: set() for kind in KIND_OF_FOLDER.values()}
    for result in results:
        if result.value is None and result.folder != "themes":
            broken[KIND_OF_FOLDER[result.folder]].add(Path(result.path).stem)
    return broken


def reference_problems(result: FileResult, ids: dict[str, set[str]], broken: dict[str, set[str]]) -> list[Problem]:
    """A problem for each id the file names that no record has."""
    from nkwatch.references import Reference

    found = []
    for kind, target, name, line, column in result.references:
        if target not in ids[kind]:
            message = missing_message(Reference(kind, target, ()), ids[kind], broken[kind])
            found.append(Problem(result.path, line, column, result.record_id, name, message))
    return found


def _tuple(value: Iterable | None) -> tuple:
    return tuple(value or ())


def _range(value) -> Range | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return Range(value["min"], value.get("max"), value.get("wording"))
    return Range(value, value)


def _source_refs(values: list[dict]) -> tuple[SourceRef, ...]:
    return tuple(SourceRef(v["source"], v.get("supports")) for v in values)


def _attestation(value: dict) -> Attestation:
    return Attestation(value["basis"], value["asserted_by"], _tuple(value.get("outlets")))


def _discrepancies(values: list[dict] | None) -> tuple[Discrepancy, ...]:
    return tuple(Discrepancy(v["about"], tuple(_claim(c) for c in v["claims"]), v["resolution"]) for v in values or ())


def _claim(value: dict) -> Claim:
    return Claim(value["source"], value["says"], value.get("quoted", False))


def build_source(v: dict, origin: str | None = None) -> Source:
    """A Source from a checked mapping."""
    return Source(v["id"], v["publisher"], v["title"], v.get("author"), parse_edtf(v["published"]), v.get("url"),
                  v["kind"], v["language"], v.get("notes"))


def build_actor(v: dict, origin: str | None = None) -> Actor:
    """An Actor from a checked mapping."""
    return Actor(v["id"], v["name"], _tuple(v.get("aliases")), v["kind"], _tuple(v.get("countries")),
                 v.get("description"))


def build_place(v: dict, origin: str | None = None) -> Place:
    """A Place from a checked mapping."""
    return Place(v["id"], v["name"], _tuple(v.get("aliases")), v["country"], v.get("lat"), v.get("lon"))


def build_event(v: dict, origin: str | None = None) -> Event:
    """An Event from a checked mapping."""
    return Event(
        id=v["id"], title=v["title"], date=parse_edtf(v["date"]), countries=_tuple(v["countries"]),
        themes=_tuple(v["themes"]), summary=v["summary"].strip(), sources=_source_refs(v["sources"]),
        attestation=_attestation(v["attestation"]), aliases=_tuple(v.get("aliases")), date_note=v.get("date_note"),
        places=_tuple(v.get("places")), actors=tuple(ActorRole(a["actor"], a["role"]) for a in v.get("actors") or ()),
        people=_range(v.get("people")), related=_tuple(v.get("related")),
        discrepancies=_discrepancies(v.get("discrepancies")), origin=origin,
    )


def build_figure(v: dict, origin: str | None = None) -> Figure:
    """A Figure from a checked mapping."""
    return Figure(
        id=v["id"], measure=v["measure"], value=_range(v["value"]), unit=v["unit"], as_of=parse_edtf(v["as_of"]),
        countries=_tuple(v["countries"]), attestation=_attestation(v["attestation"]),
        sources=_source_refs(v["sources"]), qualifier=v.get("qualifier"), event=v.get("event"), note=v.get("note"),
        discrepancies=_discrepancies(v.get("discrepancies")), origin=origin,
    )


BUILDERS = {"sources": build_source, "actors": build_actor, "places": build_place, "events": build_event,
            "figures": build_figure}


def build_themes(values: list[dict]) -> dict[str, Theme]:
    """Themes by id, in file order."""
    return {v["id"]: Theme(v["id"], v["description"]) for v in values}


def assemble(root: Path, results: list[FileResult]) -> Dataset:
    """Put checked files together into a Dataset, or raise DataError with every problem found."""
    ids = known_ids(results)
    problems = [p for r in results for p in r.problems]
    problems += duplicate_problems((KIND_OF_FOLDER[r.folder], r.record_id, r.path, *r.id_position) for r in results
                                   if r.value is not None and r.folder != "themes")
    broken = broken_ids(results)
    problems += [p for r in results for p in reference_problems(r, ids, broken)]
    if problems:
        raise DataError(problems)
    records: dict[str, dict] = {folder: {} for folder in RECORD_FOLDERS}
    themes: dict[str, Theme] = {}
    for result in results:
        if result.folder == "themes":
            themes = build_themes(result.value)
        else:
            record = BUILDERS[result.folder](result.value, result.path)
            records[result.folder][record.id] = record
    events = EventsInMemory(sorted(records["events"].items(), key=lambda item: (item[1].date.sort_key(), item[0])))
    return Dataset(str(root), records["sources"], records["actors"], records["places"], themes, events,
                   records["figures"])


def load_dataset(path: str | os.PathLike | None = None) -> Dataset:
    """Load and validate the dataset at path (or the default one); raise DataError listing every problem."""
    root = dataset_path(path)
    check_root(root)
    return assemble(root, read_dataset_files(root))


def read_dataset_files(root: Path) -> list[FileResult]:
    """Every data file of the dataset at root, each read and checked on its own, in listing order: themes.yaml,
    then each kind's files by path, those whose names cannot be read among them with their problems (the order in
    which the index lists problems too)."""
    listing = list_data_files(root)
    results = [read_record_file(folder, path, root) for folder, path, *_ in listing.files]
    if not listing.refused:
        return results
    rank = {folder: position for position, folder in enumerate(("themes", *RECORD_FOLDERS))}
    return sorted([*results, *listing.refused], key=lambda result: (rank[result.folder], result.path))


def check_candidate(root: Path, folder: str, text: str, shown: str, stem: str) -> dict:
    """Check a new record, given as YAML text, in the context of the dataset at root without writing anything.

    The record is checked on its own (as the file ``shown``, whose id must be ``stem``), then every id it names is
    looked up among the dataset's records and its own. Return its checked value, or raise DataError listing every
    problem, the dataset's own included.
    """
    check_root(root)
    candidate = check_record_text(folder, text, shown, stem)
    assemble(root, [*read_dataset_files(root), candidate])
    return candidate.value
