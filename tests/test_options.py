"""Every command takes its options the same way: --limit, --data, choices and suggestions, help and version."""

from __future__ import annotations

import re

import pytest

from clirun import run

LIMITED = ["timeline", "list", "search achilles", "facts", "export -f json"]


@pytest.mark.parametrize("command", LIMITED)
def test_a_negative_limit_is_the_commands_own_usage_error(capsys, command):
    words = command.split()
    result = run(capsys, *words, "--limit", "-1")
    assert result.code == 2
    assert result.out == ""
    assert result.err == ("nkwatch: error: Invalid value for '--limit': -1 is negative; give 0 (for all) or more\n"
                          f"Try 'nkwatch {words[0]} --help' for help.\n")


def test_a_limit_that_is_no_number_points_to_the_commands_help(capsys):
    result = run(capsys, "timeline", "--limit", "abc")
    assert result.code == 2
    assert result.err.endswith("Try 'nkwatch timeline --help' for help.\n")


@pytest.mark.parametrize("where", ["before", "after", "after=", "env"])
def test_data_is_accepted_before_or_after_the_command(capsys, monkeypatch, mini, where):
    args = {"before": ["--data", str(mini), "list", "--json"], "after": ["list", "--json", "--data", str(mini)],
            "after=": ["list", f"--data={mini}", "--json"], "env": ["list", "--json"]}[where]
    if where == "env":
        monkeypatch.setenv("NKWATCH_DATA", str(mini))
    result = run(capsys, *args)
    assert result.code == 0
    assert '"tomsk-walkout"' in result.out


def test_a_word_after_double_dash_is_not_taken_for_data(capsys, mini):
    result = run(capsys, "--data", str(mini), "search", "--", "--data")
    assert result.code == 0
    assert result.err == "Nothing matches '--data'.\n"


def test_a_format_that_contradicts_the_files_extension_is_refused(capsys, tmp_path):
    target = tmp_path / "y.json"
    result = run(capsys, "export", "-f", "csv", "-o", str(target))
    assert result.code == 2
    assert result.err == ("nkwatch: --format csv contradicts y.json, whose extension means json; drop --format, "
                          "or write to a file ending in .csv\n")
    assert not target.exists()


def test_help_lists_reading_commands_first_then_facets_then_data(capsys):
    out = re.sub(r"\x1b\[[0-9;]*m", "", run(capsys, "--help").out)
    order = ["timeline", "show", "search", "list", "facts", "export", "cite", "themes", "stats", "init", "add",
             "validate"]
    positions = [out.index(f"│ {name} ") for name in order]
    assert positions == sorted(positions)
    assert out.index("Reading") < out.index("What there is to filter by") < out.index("Your own data")


def test_version(capsys):
    from nkwatch import __version__

    assert run(capsys, "--version").out == f"nkwatch {__version__}\n"


def test_an_unknown_theme_lists_every_theme_in_columns(capsys):
    result = run(capsys, "timeline", "--theme", "torture")
    assert result.code == 2
    lines = result.err.splitlines()
    assert lines[:2] == ["nkwatch: unknown theme 'torture'", "Valid theme values:"]
    listed = " ".join(lines[2:]).split()
    assert {"surveillance", "wage-extortion", "defection"} <= set(listed)
    assert all(len(line) <= 80 for line in lines[1:])


def test_a_long_list_of_choices_says_how_many_more_and_where(capsys):
    result = run(capsys, "timeline", "--actor", "xyzzy qqq")
    assert result.code == 2
    assert result.err.splitlines()[-1].endswith("more: nkwatch actors")


def test_a_theme_given_to_show_points_to_the_theme_filter(capsys):
    result = run(capsys, "show", "defection")
    assert result.code == 3
    assert result.err.splitlines()[-2:] == ["Try: nkwatch timeline --theme defection", "     nkwatch search defection"]


def test_a_theme_given_to_another_filter_points_to_the_theme_filter(capsys):
    result = run(capsys, "list", "--country", "defection")
    assert result.code == 2
    assert result.err == "nkwatch: unknown country 'defection'\n'defection' is a theme: use --theme defection\n"
