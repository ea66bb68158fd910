"""Commands that check and change datasets: validate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nkwatch.cli import State, app


@app.command()
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
