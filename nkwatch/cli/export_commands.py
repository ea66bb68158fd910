"""The export command: the selection `timeline` shows, written as csv, json, ndjson, markdown, ics, geojson,
timelinejs or html, to stdout or atomically to a file."""


import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from nkwatch.cli import State, say
from nkwatch.cli.commands import command
from nkwatch.cli.options import Actor, Country, Limit, Since, SourceFilter, TextFilter, Theme, Until, filters_from
from nkwatch.errors import UsageError
from nkwatch.export import ALL_FORMATS, DATABASE_WRITERS, FORMATS, figure_writer_for, format_from_extension, writer_for

ExportFormat = Enum("ExportFormat", {name: name for name in ALL_FORMATS}, type=str)
"""The --format choices: every format in the registry."""

CSV_ONLY = ("excel", "raw")


def chosen_format(format_: str | None, output: Path | None) -> str:
    """The format asked for, or the one the output file's extension names; a usage error when there is neither."""
    if format_:
        _refuse_contradiction(format_, output)
        return format_
    if output is None or str(output) == "-":
        raise UsageError(f"give --format ({', '.join(FORMATS)}) or an -o file whose extension names one")
    return format_from_extension(output)


def _refuse_contradiction(format_: str, output: Path | None) -> None:
    """A usage error when the output file's extension names another format than --format (-f csv -o y.json)."""
    from nkwatch.export import EXTENSIONS

    name = output.name.lower() if output is not None and str(output) != "-" else ""
    named = next((fmt for suffix, fmt in EXTENSIONS if name.endswith(suffix)), None)
    if named and named != format_:
        ending = next((suffix for suffix, fmt in EXTENSIONS if fmt == format_), None)
        fix = f"drop --format, or write to a file ending in {ending}" if ending else "drop --format, or rename the file"
        raise UsageError(f"--format {format_} contradicts {output.name}, whose extension means {named}; {fix}")


def check_options(name: str, excel: bool, raw: bool, figures: bool) -> None:
    """A usage error for an option that the format cannot use."""
    for option, given in zip(CSV_ONLY, (excel, raw), strict=True):
        if given and name != "csv":
            raise UsageError(f"--{option} applies to csv only, not {name}")
    if figures and name in DATABASE_WRITERS:
        raise UsageError(f"a {name} database holds the figures with the events; leave out --figures")
    if figures:
        figure_writer_for(name)


def _write(stream, dataset, filters, name: str, raw: bool, figures: bool) -> int:
    """Run the format's writer over the selection (events, or figures with --figures); return the record count."""
    options = {"raw": raw} if name == "csv" else {}
    if figures:
        from nkwatch.query import select_figures

        return figure_writer_for(name)(dataset, select_figures(dataset, filters), stream, **options)
    from nkwatch.export.about import describe
    from nkwatch.query import Selection

    return writer_for(name)(dataset, Selection(dataset, filters), stream, about=describe(dataset, filters), **options)


def _stdout():
    """Standard output as UTF-8 with no newline translation, whatever the locale says."""
    stream = sys.stdout
    if hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8", newline="")
    return stream


def _report(count: int, name: str, figures: bool, output: Path | None) -> None:
    """A line on stderr for an empty selection, or saying which file was written."""
    kind = "figures" if figures else "events"
    where = f" to {output}" if output else ""
    if count == 0:
        say(f"nkwatch: no {kind} match these filters; wrote an empty {name} file{where}")
    elif output:
        say(f"nkwatch: wrote {count} {kind[:-1] if count == 1 else kind} as {name}{where}")


@command("export")
def export(
    format_: Annotated[ExportFormat | None, typer.Option(
        "--format", "-f", case_sensitive=False, show_default=False,
        help="Output format; taken from the -o file's extension when not given.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", dir_okay=False, help="Write to this file (atomically) instead of stdout.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the -o file if it exists.")] = False,
    excel: Annotated[bool, typer.Option("--excel", help="csv: start with the byte-order mark Excel needs.")] = False,
    raw: Annotated[bool, typer.Option("--raw", help="csv: do not neutralise cells a spreadsheet would run.")] = False,
    figures: Annotated[bool, typer.Option("--figures", help="Export the figures (csv, json, ndjson).")] = False,
    metadata: Annotated[Path | None, typer.Option(
        "--metadata", dir_okay=False, show_default=False,
        help="sqlite: write Datasette's metadata here instead of metadata.json beside the database.")] = None,
    country: Country = None, actor: Actor = None, theme: Theme = None, since: Since = None, until: Until = None,
    text: TextFilter = None, source: SourceFilter = None, limit: Limit = None,
) -> None:
    """Write the events the same filters show in `timeline` as csv, json, ndjson, markdown, ics, geojson,
    timelinejs or html (a self-contained page), to stdout or to a file.

    Examples:

      nkwatch export --format csv --country russia > ru.csv

      nkwatch export -o nk.html --since 2016

      nkwatch export --format ics --theme defection -o defections.ics --force

      nkwatch export -o nk.db    (SQLite, with metadata.json for Datasette)
    """
    from nkwatch.cache import open_dataset

    name = chosen_format(format_.value if format_ else None, output)
    check_options(name, excel, raw, figures)
    if metadata is not None and name not in DATABASE_WRITERS:
        raise UsageError(f"--metadata applies to sqlite only, not {name}")
    if name in DATABASE_WRITERS:
        _export_database(name, output, metadata, force, country, actor, theme, since, until, text, source, limit)
        return
    target = None if output is None or str(output) == "-" else output
    if target is not None:
        from nkwatch.export.files import check_target

        check_target(target, force)
    dataset = open_dataset(State.data)
    filters = filters_from(dataset, country, actor, theme, since, until, text, source, limit)
    if target is None:
        count = _export_to_stdout(dataset, filters, name, excel, raw, figures)
    else:
        from nkwatch.export.files import atomic_text_file

        with atomic_text_file(target, force) as stream:
            count = _export_to(stream, dataset, filters, name, excel, raw, figures)
    _report(count, name, figures, target)


def _export_to_stdout(dataset, filters, name: str, excel: bool, raw: bool, figures: bool) -> int:
    """Write the export to a temporary file, then copy it to stdout: an index found damaged half-way through makes
    the command run again from the YAML (see cli.main), and nothing of the first attempt must have reached stdout."""
    import shutil
    import tempfile

    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        count = _export_to(spool, dataset, filters, name, excel, raw, figures)
        spool.seek(0)
        shutil.copyfileobj(spool, _stdout(), 1 << 20)
    return count


def _export_to(stream, dataset, filters, name: str, excel: bool, raw: bool, figures: bool) -> int:
    """The byte-order mark when asked for, then the records."""
    if excel:
        stream.write("\ufeff")
    return _write(stream, dataset, filters, name, raw, figures)


def _export_database(name: str, output: Path | None, metadata: Path | None, force: bool, *filter_values) -> None:
    """Write the selection as a database file and, beside it, Datasette's metadata.json; both atomically."""
    from nkwatch import __version__
    from nkwatch.cache import open_dataset
    from nkwatch.export import database_writer_for
    from nkwatch.export.files import atomic_path, atomic_text_file, check_target
    from nkwatch.export.sqlite import metadata_for
    from nkwatch.loader import bundled_data_path
    from nkwatch.query import Selection, select_figures

    if output is None or str(output) == "-":
        raise UsageError(f"{name} writes a database file, which cannot go to stdout; give -o FILE (-o nk.db)")
    metadata = metadata or output.parent / "metadata.json"
    if metadata.absolute() == output.absolute():
        raise UsageError(f"--metadata {metadata} is the database file itself; give another name")
    check_target(output, force)
    check_target(metadata, force)
    dataset = open_dataset(State.data)
    filters = filters_from(dataset, *filter_values)
    figures = select_figures(dataset, filters._replace(limit=None))
    with atomic_path(output, force) as temp:
        count = database_writer_for(name)(dataset, Selection(dataset, filters), figures, temp)
    bundled = Path(dataset.root).resolve() == bundled_data_path().resolve()
    document = metadata_for(dataset, output.stem, bundled, __version__)
    with atomic_text_file(metadata, force) as stream:
        stream.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    _report(count, name, False, output)
    say(f"nkwatch: wrote Datasette's metadata to {metadata} (datasette {output} -m {metadata})")
