"""The command line: Typer wiring only. Options in, library calls, rendering or export out, errors to exit codes.

Every error a user can cause is turned into one line on stderr and a documented exit code here, in ``main``:
0 success, 1 data error, 2 usage error, 3 not found, 130 interrupted.
"""


import errno
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from nkwatch import __version__
from nkwatch.cache import CacheDamaged
from nkwatch.errors import EXIT_DATA, EXIT_INTERRUPTED, EXIT_USAGE, DataError, NkwatchError, NotFoundError


class _HelpOrderedGroup(TyperGroup):
    """The command group, listing its commands in the help screen's order (commands.HELP_PANELS)."""

    def list_commands(self, ctx) -> list[str]:
        """The commands' names, reading commands first, then the facets, then those for one's own data."""
        from nkwatch.cli.commands import help_position

        return sorted(super().list_commands(ctx), key=help_position)


app = typer.Typer(
    name="nkwatch",
    cls=_HelpOrderedGroup,
    help="A timeline and fact-lookup tool about North Korean workers sent abroad.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class State:
    """Options that apply to every command."""

    data: Path | None = None
    pager: bool = True


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nkwatch {__version__}")
        raise typer.Exit()


@app.callback()
def global_options(
    data: Annotated[
        Path | None,
        typer.Option("--data", envvar="NKWATCH_DATA",
                     help="Dataset folder to use instead of the bundled one; may also come after the command."),
    ] = None,
    no_pager: Annotated[bool, typer.Option("--no-pager", help="Never page long output.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """nkwatch: what happened, when, where, who was involved, how many, and who says so.

    Examples:

      nkwatch timeline --country russia

      nkwatch show "Ningpo 13"

      nkwatch export --format csv --country RU -o ru.csv
    """
    State.data = data
    State.pager = not no_pager


def current_dataset():
    """The dataset the command line names (or the bundled one), through its index."""
    from nkwatch.cache import open_dataset

    return open_dataset(State.data)


def say(line: str) -> None:
    """Print a line to stderr with nothing a terminal would act on (paths and values come from users and data)."""
    from nkwatch.textnorm import strip_unsafe

    print(strip_unsafe(line), file=sys.stderr)


def error_line(message: str) -> None:
    """Print one error line to stderr, as plain text."""
    say(f"nkwatch: {message}")


CANDIDATES_SHOWN = 10
"""A name that could mean several records lists this many of them, best first."""


def stderr_width() -> int:
    """The width notes on stderr are laid out for: the terminal's, COLUMNS when set, else 80."""
    import shutil

    if "COLUMNS" in os.environ or not sys.stderr.isatty():
        return int(os.environ.get("COLUMNS", "80")) if os.environ.get("COLUMNS", "80").isdigit() else 80
    return shutil.get_terminal_size((80, 24)).columns


def record_line(record_id: str, date: str, title: str, width: int | None = None) -> str:
    """One record as a line: id and date whole, the title cut at a word (with …) to fit the width."""
    head = f"  {record_id}  {date}  "
    room = (width or stderr_width()) - len(head)
    if len(title) <= room:
        return head + title
    if room < 12:  # no room worth using: the title on its own line under the id
        return head.rstrip() + "\n    " + _cut(title, (width or stderr_width()) - 4)
    return head + _cut(title, room)


def _cut(text: str, room: int) -> str:
    if len(text) <= room:
        return text
    cut = text[: room - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def not_found_details(error: NotFoundError) -> None:
    """The candidates of a name that matched no single record, one a line, and what to try."""
    for record_id, date, title in error.candidates[:CANDIDATES_SHOWN]:
        say(record_line(record_id, date, title))
    if len(error.candidates) > CANDIDATES_SHOWN:
        say(f"  … and {len(error.candidates) - CANDIDATES_SHOWN} more")
    for number, hint in enumerate(error.hints):
        say(("Try: " if number == 0 else "     ") + hint)


PROBLEMS_SHOWN = 20
"""Commands other than validate list this many of a broken dataset's problems; validate lists them all."""


def report(error: NkwatchError, all_problems: bool = True) -> int:
    """Print a domain error for a person and return its exit code."""
    if isinstance(error, DataError):
        shown = error.problems if all_problems else error.problems[:PROBLEMS_SHOWN]
        for problem in shown:
            say(str(problem))
        if len(shown) < len(error.problems):
            say(f"… and {len(error.problems) - len(shown)} more; `nkwatch validate` lists them all")
        error_line(str(error))
    elif isinstance(error, NotFoundError):
        error_line(str(error))
        not_found_details(error)
    else:
        error_line(str(error))
    return error.exit_code


def _not_text(arguments: list[str]) -> int | None:
    """The 1-based position of the first argument that is not valid UTF-8 (Python keeps such bytes as surrogates)."""
    for position, argument in enumerate(arguments, 1):
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            return position
    return None


def _click_exception_class() -> type:
    # Typer vendors Click; find its ClickException without importing a private module by name.
    return next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def _command_path(context) -> str:
    """'nkwatch timeline' for an error in timeline's options, 'nkwatch' for one before any command."""
    names = []
    while context is not None and context.parent is not None:
        names.insert(0, context.info_name)
        context = context.parent
    return " ".join(["nkwatch", *names])


def _quiet_broken_pipe() -> int:
    # The reader went away (`nkwatch timeline | head -1`): stop quietly, as Unix tools do.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


_OUTPUT_FAILURES = {getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO") if hasattr(errno, name)}
"""Why writing the output can fail once it has started: a full disk or quota, a file too big, a device error."""


def _output_failed(error: OSError) -> int:
    # `nkwatch export > /dev/full`: one line, exit 1 as for any write that fails; stdout is dropped so that the
    # interpreter's own flush at exit does not fail again with a traceback.
    error_line(f"cannot write the output: {error.strerror or error}")
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_DATA


def _run(arguments: list[str]) -> int | None:
    """Run one command line; every error a user can cause becomes its message and exit code."""
    click_exception = _click_exception_class()
    try:
        code = app(args=arguments, prog_name="nkwatch", standalone_mode=False)
    except NkwatchError as error:
        from nkwatch.cli.commands import requested_command

        code = report(error, all_problems=requested_command(arguments) in ("validate", "import"))
    except click_exception as error:
        error_line(f"error: {error.format_message()}")
        say(f"Try '{_command_path(getattr(error, 'ctx', None))} --help' for help.")
        code = getattr(error, "exit_code", EXIT_USAGE)
    except (typer.Abort, KeyboardInterrupt):
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        code = _quiet_broken_pipe()
    except OSError as error:
        if error.errno not in _OUTPUT_FAILURES:
            raise
        code = _output_failed(error)
    except SystemExit as error:
        # Typer turns a broken pipe inside a command into exit status 1 and its own SystemExit.
        if not isinstance(error.__context__, BrokenPipeError):
            raise
        code = _quiet_broken_pipe()
    return code


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``nkwatch`` command."""
    from nkwatch.cli.commands import register
    from nkwatch.cli.helpscreen import load_help_renderer, wants_help

    arguments = sys.argv[1:] if argv is None else argv
    bad = _not_text(arguments)
    if bad:
        error_line(f"argument {bad} is not UTF-8 text")
        sys.exit(EXIT_USAGE)
    completing = any(name.endswith("_COMPLETE") for name in os.environ)
    if not completing:
        from nkwatch.cli.commands import hoist_global_options

        arguments = hoist_global_options(arguments)
    register([] if completing else arguments)
    if wants_help(arguments):
        load_help_renderer()
    try:
        code = _run(arguments)
    except CacheDamaged:
        # The index turned out damaged while the command read it, before anything was written: discard it and run
        # the command again from the YAML (the next command builds a new index).
        from nkwatch.cache import reading_the_yaml

        with reading_the_yaml(State.data):
            code = _run(arguments)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = _quiet_broken_pipe()
    except OSError as error:
        if error.errno not in _OUTPUT_FAILURES:
            raise
        code = _output_failed(error)
    sys.exit(code if isinstance(code, int) else 0)
