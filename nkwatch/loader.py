"""YAML files → records: strict, collects every problem before failing, and cleans text on the way in.

A dataset is a folder holding ``themes.yaml`` and one folder per record kind (``sources/``, ``actors/``,
``places/``, ``events/``, ``figures/``) with one record per file, named after its id.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from nkwatch.dates import EDTFDate, parse_edtf
from nkwatch.errors import DataError, Problem
from nkwatch.models import (
    Actor,
    ActorRole,
    Attestation,
    Claim,
    Dataset,
    Discrepancy,
    Event,
    Figure,
    Place,
    Range,
    Source,
    SourceRef,
    Theme,
)
from nkwatch.schemacheck import Checker
from nkwatch.yamlread import Document, Path_, YamlProblem, parse_document, read_text

RECORD_FOLDERS = ("sources", "actors", "places", "events", "figures")
SCHEMAS = {"sources": "source.schema.json", "actors": "actor.schema.json", "places": "place.schema.json",
           "events": "event.schema.json", "figures": "figure.schema.json", "themes": "themes.schema.json"}


def bundled_data_path() -> Path:
    """The dataset shipped with nkwatch: inside the installed package, or ``data/`` beside it in a checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "data"
    return installed if installed.is_dir() else package.parent / "data"


def dataset_path(explicit: str | os.PathLike | None = None) -> Path:
    """The dataset to use: the one given, else ``$NKWATCH_DATA``, else the bundled one."""
    chosen = explicit or os.environ.get("NKWATCH_DATA")
    return Path(chosen) if chosen else bundled_data_path()


def field_name(path: Path_) -> str | None:
    """A value's position as a dotted field name: ``sources[1].source``."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name or None


class _Collector:
    """Gathers problems with their file positions while records are built."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.documents: dict[tuple[str, str], tuple[Path, Document]] = {}

    def at_record(self, folder: str, record: str, field: Path_, message: str) -> None:
        """Record a problem found after loading, at the field of a record read earlier."""
        path, document = self.documents[(folder, record)]
        self.add(path, document, record, field, message)

    def file_problem(self, path: Path, error: YamlProblem) -> None:
        self.problems.append(Problem(self._shown(path), error.line, error.column, None, None, error.message))

    def add(self, path: Path, document: Document, record: str | None, field: Path_, message: str) -> None:
        line, column = self._mark(document, field)
        self.problems.append(Problem(self._shown(path), line, column, record, field_name(field), message))

    def _mark(self, document: Document, field: Path_) -> tuple[int | None, int | None]:
        while field and field not in document.marks:
            field = field[:-1]
        return document.marks.get(field, (None, None))

    def _shown(self, path: Path) -> str:
        return str(path)


def _read(path: Path, schema: str, collector: _Collector) -> tuple[Document, object] | None:
    """Read, parse and schema-check one file; None (with problems recorded) when it cannot be used."""
    try:
        document = parse_document(read_text(path))
    except YamlProblem as error:
        collector.file_problem(path, error)
        return None
    checker = Checker(schema)
    value = checker.check(document.root)
    record = _record_id(document.root, path)
    for field, message in checker.problems:
        collector.add(path, document, record, field, message)
    return (document, value) if not checker.problems else None


def _record_id(root: object, path: Path) -> str:
    if isinstance(root, dict) and hasattr(root.get("id"), "text"):
        return root["id"].text
    return path.stem


class _Builder:
    """Builds typed records from schema-checked values, reporting what the schema cannot check."""

    def __init__(self, path: Path, document: Document, record: str, collector: _Collector):
        self.path, self.document, self.record, self.collector = path, document, record, collector

    def fail(self, field: Path_, message: str) -> None:
        self.collector.add(self.path, self.document, self.record, field, message)

    def date(self, value: str, field: Path_) -> EDTFDate | None:
        try:
            return parse_edtf(value)
        except ValueError as error:
            self.fail(field, str(error))
            return None

    def range(self, value: object, field: Path_) -> Range | None:
        if value is None:
            return None
        low, high = (value["min"], value["max"]) if isinstance(value, dict) else (value, value)
        if high < low:
            self.fail(field, f"max {high} is below min {low}")
        return Range(low, high)


def _tuple(value: Iterable | None) -> tuple:
    return tuple(value or ())


def _source_refs(values: list[dict]) -> tuple[SourceRef, ...]:
    return tuple(SourceRef(v["source"], v.get("supports")) for v in values)


def _attestation(value: dict) -> Attestation:
    return Attestation(value["basis"], value["asserted_by"], _tuple(value.get("outlets")))


def _discrepancies(values: list[dict] | None) -> tuple[Discrepancy, ...]:
    return tuple(
        Discrepancy(v["about"], tuple(Claim(c["source"], c["says"]) for c in v["claims"]), v["resolution"])
        for v in values or ()
    )


def build_source(v: dict, b: _Builder) -> Source | None:
    """A Source from a checked mapping."""
    published = b.date(v["published"], ("published",))
    return Source(v["id"], v["publisher"], v["title"], v.get("author"), published, v.get("url"), v["kind"],
                  v["language"], v.get("notes")) if published else None


def build_actor(v: dict, b: _Builder) -> Actor:
    """An Actor from a checked mapping."""
    return Actor(v["id"], v["name"], _tuple(v.get("aliases")), v["kind"], _tuple(v.get("countries")),
                 v.get("description"))


def build_place(v: dict, b: _Builder) -> Place:
    """A Place from a checked mapping."""
    return Place(v["id"], v["name"], _tuple(v.get("aliases")), v["country"], v.get("lat"), v.get("lon"))


def build_event(v: dict, b: _Builder) -> Event | None:
    """An Event from a checked mapping."""
    when = b.date(v["date"], ("date",))
    people = b.range(v.get("people"), ("people",))
    if when is None:
        return None
    return Event(
        id=v["id"], title=v["title"], date=when, countries=_tuple(v["countries"]), themes=_tuple(v["themes"]),
        summary=v["summary"].strip(), sources=_source_refs(v["sources"]), attestation=_attestation(v["attestation"]),
        aliases=_tuple(v.get("aliases")), date_note=v.get("date_note"), places=_tuple(v.get("places")),
        actors=tuple(ActorRole(a["actor"], a["role"]) for a in v.get("actors") or ()), people=people,
        related=_tuple(v.get("related")), discrepancies=_discrepancies(v.get("discrepancies")),
        origin=str(b.path),
    )


def build_figure(v: dict, b: _Builder) -> Figure | None:
    """A Figure from a checked mapping."""
    as_of = b.date(v["as_of"], ("as_of",))
    value = b.range(v["value"], ("value",))
    if as_of is None or value is None:
        return None
    return Figure(
        id=v["id"], measure=v["measure"], value=value, unit=v["unit"], as_of=as_of, countries=_tuple(v["countries"]),
        attestation=_attestation(v["attestation"]), sources=_source_refs(v["sources"]),
        qualifier=v.get("qualifier"), event=v.get("event"), note=v.get("note"),
        discrepancies=_discrepancies(v.get("discrepancies")), origin=str(b.path),
    )


BUILDERS: dict[str, Callable] = {"sources": build_source, "actors": build_actor, "places": build_place,
                                 "events": build_event, "figures": build_figure}


def record_files(root: Path, folder: str) -> list[Path]:
    """The YAML files of one record kind, in name order."""
    directory = root / folder
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml"))


def _load_folder(root: Path, folder: str, collector: _Collector) -> dict:
    records = {}
    for path in record_files(root, folder):
        read = _read(path, SCHEMAS[folder], collector)
        if read is None:
            continue
        document, value = read
        builder = _Builder(path, document, value["id"], collector)
        if value["id"] != path.stem:
            builder.fail(("id",), f"id {value['id']!r} must match the file name {path.stem!r}")
            continue
        record = BUILDERS[folder](value, builder)
        if record is not None:
            records[record.id] = record
            collector.documents[(folder, record.id)] = (path, document)
    return records


def _load_themes(root: Path, collector: _Collector) -> dict[str, Theme]:
    path = root / "themes.yaml"
    read = _read(path, SCHEMAS["themes"], collector)
    if read is None:
        return {}
    document, values = read
    themes: dict[str, Theme] = {}
    for i, value in enumerate(values):
        if value["id"] in themes:
            collector.add(path, document, value["id"], (i, "id"), f"theme {value['id']!r} is defined twice")
        themes[value["id"]] = Theme(value["id"], value["description"])
    return themes


def load_dataset(path: str | os.PathLike | None = None) -> Dataset:
    """Load and validate the dataset at path (or the default one); raise DataError listing every problem."""
    root = dataset_path(path)
    if not root.is_dir():
        what = "is a file, not a dataset folder" if root.exists() else "does not exist"
        raise DataError([Problem(str(root), None, None, None, None, f"dataset folder {what}")])
    collector = _Collector(root)
    themes = _load_themes(root, collector)
    records = {folder: _load_folder(root, folder, collector) for folder in RECORD_FOLDERS}
    events = dict(sorted(records["events"].items(), key=lambda item: (item[1].date.sort_key(), item[0])))
    dataset = Dataset(str(root), records["sources"], records["actors"], records["places"], themes, events,
                      records["figures"])
    from nkwatch.references import check_references

    for folder, record, field, message in check_references(dataset):
        collector.at_record(folder, record, field, message)
    if collector.problems:
        raise DataError(collector.problems)
    return dataset
