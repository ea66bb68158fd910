"""Which module defines each command, so that a run imports (and Typer inspects) only the command it runs.

``--help``, a mistyped command, or shell completion of command names import them all.
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
    """Import the module of the requested command, or every command module when none is named."""
    command = requested_command(argv)
    wanted = {COMMAND_MODULES[command]} if command in COMMAND_MODULES else set(COMMAND_MODULES.values())
    for module in sorted(wanted):
        try:
            importlib.import_module(f"nkwatch.cli.{module}")
        except ModuleNotFoundError as error:
            if error.name != f"nkwatch.cli.{module}":
                raise
    from nkwatch.cli import app

    _every_command.extend(info for info in app.registered_commands if info not in _every_command)
    # Typer inspects the signature of every registered command on each run: the one asked for is enough. (A process
    # that runs several command lines, as the tests do, gets the others back on its next run.)
    app.registered_commands = sorted(
        (info for info in _every_command if command not in COMMAND_MODULES or _command_name(info) == command),
        key=_help_position)
    for info in app.registered_commands:
        info.rich_help_panel = info.rich_help_panel or _panel(_command_name(info))


def _help_position(info) -> int:
    name = _command_name(info)
    return HELP_ORDER.index(name) if name in HELP_ORDER else len(HELP_ORDER)


def _panel(name: str) -> str | None:
    return next((panel for panel, names in HELP_PANELS.items() if name in names), None)


_every_command: list = []  # every command registered so far, in order


def _command_name(info) -> str:
    """The name Typer gives a registered command: its own, or its function's with dashes for underscores."""
    return info.name or info.callback.__name__.lower().replace("_", "-")
