"""Registers every command module on the app; each command imports what it uses only when it runs."""

from nkwatch.cli import add_commands, data_commands, facet_commands, read_commands  # noqa: F401
