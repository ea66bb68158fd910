"""Which module defines each command, so that a run imports only the module of the command it runs and hands
Typer only that command (Typer reads the parameters of every command it holds before running one, about 6 ms each).

``--help``, a mistyped command, or shell completion of command names take them all.

The command modules (and ``cli/__init__``, ``cli/options``) do not use ``from __future__ import annotations``: Typer
evaluates every string annotation twice (``inspect.signature`` and ``get_type_hints``), which doubled the time it
takes to read the commands' parameters (31 against 14 ms for all 19, ``tests/test_startup.py`` keeps it so).
"""

from __future__ import annotations

import importlib

COMMAND_MODULES = {
    "timeline": "read_commands", "list": "read_commands", "show": "read_commands", "search": "read_commands",
    "facts": "read_commands", "cite": "read_commands",
    "actors": "facet_commands", "countries": "facet_commands", "themes": "facet_commands",
    "sources": "facet_commands", "stats": "facet_commands",
    "validate": "data_commands", "import": "data_commands",
    "init": "add_commands", "add": "add_commands", "add-source": "add_commands", "add-place": "add_commands",
    "add-actor": "add_commands",
    "export": "export_commands",
}
HELP_PANELS = {
    "Reading": ("timeline", "show", "search", "list", "facts", "export", "cite"),
    "What there is to filter by": ("themes", "countries", "actors", "sources", "stats"),
    "Your own data": ("init", "add", "add-source", "add-place", "add-actor", "import", "validate"),
}
"""How `nkwatch --help` groups the commands, in this order; a command not named here comes last."""
HELP_ORDER = [name for names in HELP_PANELS.values() for name in names]
GLOBAL_OPTIONS_WITH_VALUE = {"--data"}
_DEFINED: dict[str, tuple] = {}
"""Every command its module has defined: name -> (function, options for ``app.command``)."""
_JOINED: set[str] = set()
"""The commands handed to the app so far in this process."""


def command(name: str, **options):
    """Define the command NAME (a decorator); ``register`` hands it to the app when a run needs it."""

    def define(function):
        _DEFINED[name] = (function, options)
        return function

    return define


def requested_command(argv: list[str]) -> str | None:
    """The command named on the command line, skipping global options and their values."""
    at = _command_position(argv)
    return None if at is None else argv[at]


def _command_position(argv: list[str]) -> int | None:
    skip = False
    for position, word in enumerate(argv):
        if skip:
            skip = False
        elif word in GLOBAL_OPTIONS_WITH_VALUE:
            skip = True
        elif not word.startswith("-"):
            return position
    return None


def hoist_global_options(argv: list[str]) -> list[str]:
    """The command line with ``--data DIR`` moved before the command, so that it is accepted after it too
    (``nkwatch timeline --data DIR``); words after ``--`` are left alone."""
    at = _command_position(argv)
    if at is None:
        return argv
    end = argv.index("--") if "--" in argv[at:] else len(argv)
    head, tail, rest = argv[:at + 1], [], argv[end:]
    moved: list[str] = []
    words = argv[at + 1:end]
    skip = False
    for position, word in enumerate(words):
        if skip:
            skip = False
        elif word in GLOBAL_OPTIONS_WITH_VALUE and position + 1 < len(words):
            moved += [word, words[position + 1]]
            skip = True
        elif word.startswith("--data="):
            moved.append(word)
        else:
            tail.append(word)
    return moved + head + tail + rest


def register(argv: list[str]) -> None:
    """Hand the app the requested command, or every command when none (or an unknown one) is named."""
    from nkwatch.cli import app

    named = requested_command(argv)
    names = [named] if named in COMMAND_MODULES else list(COMMAND_MODULES)
    for module in sorted({COMMAND_MODULES[name] for name in names}):
        try:
            importlib.import_module(f"nkwatch.cli.{module}")
        except ModuleNotFoundError as error:
            if error.name != f"nkwatch.cli.{module}":
                raise
    for name in names:
        if name in _DEFINED and name not in _JOINED:
            function, options = _DEFINED[name]
            app.command(name, rich_help_panel=panel(name), **options)(function)
            _JOINED.add(name)


def help_position(name: str) -> int:
    """Where `nkwatch --help` lists a command: HELP_PANELS' order, then any other command."""
    return HELP_ORDER.index(name) if name in HELP_ORDER else len(HELP_ORDER)


def panel(name: str) -> str | None:
    """The --help panel a command is listed under."""
    return next((title for title, names in HELP_PANELS.items() if name in names), None)
