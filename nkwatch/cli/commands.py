"""Which module defines each command, so that a run imports only the module of the command it runs.

``--help``, a mistyped command, or shell completion of command names import them all.
"""

from __future__ import annotations

import importlib

COMMAND_MODULES = {
    "timeline": "read_commands", "list": "read_commands", "show": "read_commands", "search": "read_commands",
    "facts": "read_commands", "cite": "read_commands",
    "actors": "facet_commands", "countries": "facet_commands", "themes": "facet_commands",
    "sources": "facet_commands", "stats": "facet_commands",
    "validate": "data_commands",
    "init": "add_commands", "add": "add_commands", "add-source": "add_commands",
    "export": "export_commands",
}
GLOBAL_OPTIONS_WITH_VALUE = {"--data"}


def requested_command(argv: list[str]) -> str | None:
    """The command named on the command line, skipping global options and their values."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in GLOBAL_OPTIONS_WITH_VALUE:
            skip = True
        elif not word.startswith("-"):
            return word
    return None


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
