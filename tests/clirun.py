"""Run the nkwatch command line in-process, as a user would, and capture what it prints."""

from __future__ import annotations

from dataclasses import dataclass

from nkwatch.cli import main


@dataclass
class Result:
    """What one run printed and how it exited."""

    code: int
    out: str
    err: str


def run(capsys, *args: str) -> Result:
    """Run `nkwatch ARGS` and return its exit code, stdout and stderr."""
    capsys.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
