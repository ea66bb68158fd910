"""Importing events from what ``nkwatch export`` writes: JSON, NDJSON and CSV, read back into records.

Every row becomes an event record in the dataset's own shape: the export's expanded references (a source's
publisher and title, an actor's name, a place's coordinates) are mapped back to ids, and fields the export derives
(``start``, ``date_display``, ``corroboration``, …) are not imported but must agree with the record when given, so
that an edited derived cell is never silently dropped. Then all rows are checked together against the whole
dataset, exactly as ``add`` checks one record; a single problem refuses the whole file, located as ``FILE:LINE``
(for CSV, the line the row starts on) with its field, and nothing is written. Only then is each record written,
one file each, by ``writer``.

A CSV row cannot hold an event's aliases, its actors' roles or what each source supports. With ``--update`` they
are kept from the event being replaced; a new event gets no aliases, no ``supports``, and
``importrows.ROLE_NOT_GIVEN`` as each actor's role.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from nkwatch.errors import DataError, Problem, UsageError, WriteRefused
from nkwatch.importrows import (
    Known,
    csv_column,
    csv_derived_problems,
    csv_record,
    derived_problems,
    json_field,
    json_record,
)

IMPORT_FORMATS = ("json", "ndjson", "csv")
"""The formats import reads, as export names them."""

CSV_REQUIRED = ("id", "title", "date", "countries", "themes", "summary", "sources", "basis", "asserted_by")
"""The columns an events CSV cannot do without."""


class ImportRefused(WriteRefused):
    """The file has problems, or would give the dataset some; nothing was written."""

    def __init__(self, problems: list[Problem], path: Path):
        super().__init__(problems, f"{path} was not imported")


class Row(NamedTuple):
    """One event read from the file: where it starts, and its fields as the file gives them."""

    line: int
    """The 1-based line the row (or JSON object) starts on."""
    fields: dict
    """The row's keys and values (for CSV, column names and cells)."""


class Planned(NamedTuple):
    """One record an import writes."""

    line: int
    """Where the row starts in the file."""
    value: dict
    """The checked record, in the dataset's shape."""
    replaces: Path | None
    """The file of the event it replaces (--update), or None for a new event."""
    unchanged: bool = False
    """True when it is the record it would replace, field for field: its file is left as it is."""

    @property
    def action(self) -> str:
        """add, replace or keep."""
        return "keep" if self.unchanged else "replace" if self.replaces else "add"


class ImportPlan(NamedTuple):
    """What an import writes: each record, and where."""

    path: Path
    """The file imported."""
    records: list[Planned]
    """The records, in file order."""


def import_format(path: Path, given: str | None) -> str:
    """The format asked for, or the one the file's extension names; a usage error otherwise."""
    if given:
        return given
    from nkwatch.export import format_from_extension

    try:
        name = format_from_extension(path)
    except UsageError:
        name = None
    if name not in IMPORT_FORMATS:
        raise UsageError(f"cannot tell the format of {str(path)!r}; give --format ({', '.join(IMPORT_FORMATS)}) "
                         "or a file ending in .json, .ndjson, .jsonl or .csv")
    return name


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRefused([Problem(str(path), line, None, None, None, "not UTF-8 text")], path) from None


def _json_problem(path: Path, error: json.JSONDecodeError) -> ImportRefused:
    return ImportRefused([Problem(str(path), error.lineno, error.colno, None, None, f"not JSON: {error.msg}")],
                         path)


def _json_array(path: Path, text: str) -> Iterator[Row]:
    """The objects of a JSON array with the line each starts on, read one at a time."""
    decoder, spaces = json.JSONDecoder(), re.compile(r"\s*")
    at = spaces.match(text).end()
    if not text.startswith("[", at):
        raise ImportRefused([Problem(str(path), text.count("\n", 0, at) + 1, None, None, None,
                                     "a JSON export is an array of events ([ … ])")], path)
    at = spaces.match(text, at + 1).end()
    while not text.startswith("]", at):
        try:
            item, end = decoder.raw_decode(text, at)
        except json.JSONDecodeError as error:
            raise _json_problem(path, error) from None
        yield Row(text.count("\n", 0, at) + 1, item)
        at = spaces.match(text, end).end()
        if text.startswith(",", at):
            at = spaces.match(text, at + 1).end()
        elif not text.startswith("]", at):
            raise _json_problem(path, json.JSONDecodeError("expected ',' or ']'", text, at))
    if text[spaces.match(text, at + 1).end():]:
        raise _json_problem(path, json.JSONDecodeError("extra data after the array", text, at + 1))


def _ndjson(path: Path, text: str) -> Iterator[Row]:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                yield Row(number, json.loads(line))
            except json.JSONDecodeError as error:
                raise ImportRefused([Problem(str(path), number, error.colno, None, None,
                                             f"not JSON: {error.msg}")], path) from None


def _csv_rows(path: Path, text: str) -> Iterator[Row]:
    """Each CSV row as a dict of its cells, with the line it starts on; the header is checked first."""
    from nkwatch.export.csv import EVENT_COLUMNS

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return
        unknown = [name for name in header if name not in EVENT_COLUMNS]
        missing = [name for name in CSV_REQUIRED if name not in header]
        if unknown or missing or len(set(header)) < len(header):
            raise ImportRefused([Problem(str(path), 1, None, None, None, _header_message(unknown, missing))], path)
        start = reader.line_num + 1
        for cells in reader:
            if any(cells):
                yield Row(start, dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False)))
                if len(cells) > len(header):
                    raise ImportRefused([Problem(str(path), start, None, None, None,
                                                 f"{len(cells)} cells under {len(header)} columns")], path)
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportRefused([Problem(str(path), reader.line_num, None, None, None, f"not CSV: {error}")],
                            path) from None


def _header_message(unknown: list[str], missing: list[str]) -> str:
    if unknown:
        from nkwatch.export.csv import EVENT_COLUMNS

        noun = "column" if len(unknown) == 1 else "columns"
        return (f"unknown {noun} {', '.join(map(repr, unknown))}; an events CSV has the columns "
                f"{', '.join(EVENT_COLUMNS)}")
    if missing:
        noun = "column" if len(missing) == 1 else "columns"
        return f"missing {noun} {', '.join(map(repr, missing))}; an events CSV needs {', '.join(CSV_REQUIRED)}"
    return "a column is named twice"


def read_rows(path: Path, name: str) -> list[Row]:
    """Every row of the file, parsed as the format named; a syntax problem refuses the file."""
    text = _text(path)
    rows = {"json": _json_array, "ndjson": _ndjson, "csv": _csv_rows}[name](path, text)
    return list(rows)


def _known(results: list) -> Known:
    """The sources, actors and places of the dataset's usable files."""
    from nkwatch.loader import BUILDERS

    records: dict[str, dict] = {"sources": {}, "actors": {}, "places": {}}
    for result in results:
        if result.folder in records and result.value is not None:
            records[result.folder][result.record_id] = BUILDERS[result.folder](result.value)
    return Known(records["sources"], records["actors"], records["places"])


def _shown_field(name: str, field: str | None) -> str | None:
    return csv_column(field) if name == "csv" else json_field(field)


class _Rows:
    """The rows of one import and what is wrong with them, each problem located at its row's line."""

    def __init__(self, path: Path, name: str):
        self.path, self.name, self.problems = path, name, []

    def problem(self, row: Row, record: str | None, field: str | None, message: str) -> None:
        """Note a problem of the row's, given the file's field name."""
        self.problems.append(Problem(str(self.path), row.line, None, record, field, message))

    def record_problem(self, row: Row, problem: Problem) -> None:
        """Note a problem the loader found in the row's record, named by the record's field."""
        self.problem(row, problem.record, _shown_field(self.name, problem.field), problem.message)


def _row_id(value: dict) -> str | None:
    record_id = value.get("id")
    return record_id if isinstance(record_id, str) and record_id else None


class _Target(NamedTuple):
    """The dataset an import goes into, as the rows are checked against it."""

    root: Path
    """The dataset folder."""
    results: list
    """Every data file, read and checked on its own."""
    known: Known
    """The records a row may name."""
    files: dict[str, Path]
    """The file of each event, by the id its name gives."""
    existing: dict[str, dict]
    """The checked value of each event, by id."""
    update: bool
    """Whether rows may replace events that exist."""


def _target(root: Path, update: bool) -> _Target:
    from nkwatch.loader import read_dataset_files

    results = read_dataset_files(root)  # the files whose names the listing refused too, with their problems
    files = {Path(r.path).stem: Path(r.path) for r in results if r.folder == "events"}
    existing = {r.record_id: r.value for r in results if r.folder == "events" and r.value is not None}
    return _Target(root, results, _known(results), files, existing, update)


def _row_value(target: _Target, report: _Rows, row: Row, seen: dict[str, int]) -> dict | None:
    """The record a row gives, or None when it has problems of its own (noted in report)."""
    record_id = row.fields.get("id") if isinstance(row.fields, dict) else None
    kept = target.existing.get(record_id) if target.update else None
    value, found = csv_record(row.fields, target.known, kept) if report.name == "csv" else json_record(row.fields)
    record_id = _row_id(value)
    for field, message in found:
        report.problem(row, record_id, field, message)
    if record_id in seen:
        report.problem(row, record_id, "id", f"event {record_id!r} is also on line {seen[record_id]}")
    elif record_id in target.files and not target.update:
        report.problem(row, record_id, "id", f"event {record_id!r} exists already ({target.files[record_id]}); "
                                             "give --update to replace it")
    if record_id:
        seen.setdefault(record_id, row.line)
    return None if found else value


def _candidate(target: _Target, report: _Rows, index: int, row: Row, value: dict):
    """The row's record checked on its own as the loader checks a file (named by a marker for its row)."""
    from nkwatch.loader import check_record_text
    from nkwatch.writer import dump_record

    text = dump_record("events", value, target.root)
    candidate = check_record_text("events", text, f"{_ROW_MARK}{index}", _row_id(value) or "")
    for problem in candidate.problems:
        report.record_problem(row, problem)
    return candidate


_ROW_MARK = "\0row"  # the "file" of a row's record while it is checked: no real path starts with a NUL


def plan_import(root: Path, path: Path, name: str | None = None, update: bool = False) -> ImportPlan:
    """Read the file and check every row, together, against the whole dataset at root, writing nothing; return
    what writing would do, or raise ImportRefused listing every problem with its line and field."""
    from nkwatch.loader import check_root
    from nkwatch.writer import refuse_bundled

    refuse_bundled(root)
    check_root(root)
    report = _Rows(path, import_format(path, name))
    rows = read_rows(path, report.name)
    target, seen, candidates = _target(root, update), {}, []
    for index, row in enumerate(rows):
        value = _row_value(target, report, row, seen)
        if value is not None:
            candidates.append((row, _candidate(target, report, index, row, value)))
    if report.problems:
        raise ImportRefused(report.problems, path)
    dataset = _checked_together(target, report, rows, [c for _, c in candidates])
    _check_derived(report, dataset, candidates)
    if report.problems:
        raise ImportRefused(report.problems, path)
    return ImportPlan(path, [Planned(row.line, c.value, target.files.get(c.record_id),
                                     target.existing.get(c.record_id) == c.value) for row, c in candidates])


def _checked_together(target: _Target, report: _Rows, rows: list[Row], candidates: list):
    """The dataset with every row's record in it (in place of the events they replace), or the problems that
    gives, each located at its row."""
    from nkwatch.loader import assemble

    replaced = {target.files[c.record_id] for c in candidates if c.record_id in target.files}
    kept = [r for r in target.results if Path(r.path) not in replaced]
    try:
        return assemble(target.root, [*kept, *candidates])
    except DataError as error:
        for problem in error.problems:
            if problem.path.startswith(_ROW_MARK):
                report.record_problem(rows[int(problem.path[len(_ROW_MARK):])], problem)
            else:
                report.problems.append(problem)  # the dataset's own: an import into it is refused, as an add is
        raise ImportRefused(report.problems, report.path) from None


def _check_derived(report: _Rows, dataset, candidates: list) -> None:
    """Each derived value a row gives must be what its imported record gives."""
    from nkwatch.serialize import event_dict

    for row, candidate in candidates:
        event = dataset.events[candidate.record_id]
        if report.name == "csv":
            found = csv_derived_problems(row.fields, event)
        else:
            found = derived_problems(row.fields, event_dict(dataset, event))
        for field, message in found:
            report.problem(row, event.id, field, message)


def write_plan(root: Path, plan: ImportPlan) -> list[Path]:
    """Write every planned record, one file each, atomically; if one cannot be written, undo those written
    before it, so that the dataset is left as it was. Return the files written."""
    from nkwatch.writer import replace_record, write_record

    undo: list[tuple[Path, bytes | None]] = []
    try:
        for record in plan.records:
            if record.unchanged:
                continue
            if record.replaces is None:
                undo.append((write_record(root, "events", record.value), None))
            else:
                undo.append((record.replaces, record.replaces.read_bytes()))
                target = replace_record(root, "events", record.value, record.replaces)
                if target != record.replaces:
                    undo.append((target, None))
    except BaseException:
        _undo(undo)
        raise
    return [path for path, before in undo if before is None or path.exists()]


def _undo(written: list[tuple[Path, bytes | None]]) -> None:
    """Remove the files an interrupted import wrote and put back those it replaced."""
    from nkwatch.atomic import publish
    from nkwatch.writer import temporary_file

    for path, before in reversed(written):
        if before is None:
            path.unlink(missing_ok=True)
        else:
            with temporary_file(path.parent, path.name, before.decode("utf-8")) as temp:
                publish(temp, path, replace=True)
