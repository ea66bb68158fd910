"""Every command the app registers has help with examples and a mention in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clirun import run

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def registered_commands() -> list[str]:
    """The names of every command the Typer app registers, all modules loaded."""
    import typer

    from nkwatch.cli import app
    from nkwatch.cli.commands import register

    register([])
    return list(typer.main.get_command(app).commands)


COMMANDS = registered_commands()


def test_the_app_registers_the_commands_people_use():
    assert {"timeline", "show", "search", "list", "facts", "export", "cite", "add", "validate"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(capsys, command):
    result = run(capsys, command, "--help")
    assert result.code == 0
    text = re.sub(r"\x1b\[[0-9;]*m", "", result.out)
    assert f"Usage: nkwatch {command}" in " ".join(text.split())
    assert "Examples:" in text, f"`nkwatch {command} --help` has no examples"
    assert f"nkwatch {command}" in text.split("Examples:")[1] or f"{command} " in text.split("Examples:")[1]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command):
    assert re.search(rf"(nkwatch |`){re.escape(command)}(`|\s)", README), f"README.md never mentions {command}"


def test_the_readme_stays_short_for_a_newcomer():
    assert len(README.split()) <= 2500


def test_the_readme_quick_start_matches_ci():
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install . && nkwatch validate && nkwatch timeline --no-pager' in README
    assert 'pip install -e ".[test]" && python -m pytest' in README
    assert 'pip install --quiet -e ".[test]"' in ci and "python -m pytest" in ci
