"""Commands that check and change datasets: validate, and import (events from an export file)."""


from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from nkwatch.cli import State
from nkwatch.cli.commands import command
from nkwatch.importer import IMPORT_FORMATS


@command("validate")
def validate(
    path: Annotated[Path | None, typer.Argument(
        help="Dataset folder; default: --data, $NKWATCH_DATA or the bundled one.")] = None,
) -> None:
    """Check a dataset and print its counts; exit 1 with one line per problem when it is invalid.

    Examples:

      nkwatch validate

      nkwatch validate ./my-data

      NKWATCH_DATA=./my-data nkwatch validate
    """
    from nkwatch.cache import open_dataset

    dataset = open_dataset(path or State.data)
    counts = ", ".join(f"{n} {kind if n != 1 else kind[:-1]}" for kind, n in dataset.counts().items())
    typer.echo(f"valid: {counts} ({dataset.root})")


VERBS = {"add": "added", "replace": "replaced", "keep": "unchanged"}
DRY_RUN_VERBS = {"add": "would add", "replace": "would replace", "keep": "unchanged"}

ImportFormat = Enum("ImportFormat", {name: name for name in IMPORT_FORMATS}, type=str)
"""The import --format choices."""


@command("import")
def import_file(
    path: Annotated[Path, typer.Argument(help="A file written by `nkwatch export` (json, ndjson or csv).",
                                         dir_okay=False, show_default=False)],
    format_: Annotated[ImportFormat | None, typer.Option(
        "--format", "-f", case_sensitive=False, show_default=False,
        help="json, ndjson or csv; taken from the file's extension when not given.")] = None,
    update: Annotated[bool, typer.Option("--update", help="Replace events that exist (else an existing id is a "
                                                          "problem).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check everything and say what would be written; "
                                                            "write nothing.")] = False,
) -> None:
    """Add (or with --update replace) the events of an export file. Every row is checked against the whole dataset
    first; any problem refuses the whole file, nothing written. Goes to --data or NKWATCH_DATA, never the bundled
    dataset.

    Examples:

      nkwatch --data ./my-data import colleague.csv --dry-run

      nkwatch --data ./my-data import russia.ndjson

      nkwatch --data ./my-data import edited.csv --update
    """
    from nkwatch.cli.add_commands import _dataset_root
    from nkwatch.importer import plan_import, write_plan

    root = _dataset_root()
    plan = plan_import(root, path, format_.value if format_ else None, update)
    if not plan.records:
        typer.echo(f"nkwatch: {path} holds no events; nothing was written", err=True)
        return
    if dry_run:
        for record in plan.records:
            typer.echo(f"{DRY_RUN_VERBS[record.action]} event {record.value['id']} (line {record.line})")
        typer.echo(f"nkwatch: dry run: {_events(len(plan.records))} checked; nothing was written", err=True)
        return
    write_plan(root, plan)
    for record in plan.records:
        typer.echo(f"{VERBS[record.action]} event {record.value['id']} "
                   f"({record.replaces or root / 'events' / (record.value['id'] + '.yaml')})")


def _events(count: int) -> str:
    return f"{count} event" if count == 1 else f"{count} events"
