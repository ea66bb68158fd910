"""Hostile and broken input through the CLI: the corpus in tests/hostile/, one case each, with its exact behaviour.

Text in data must reach the terminal as text (markup shown as characters, escape sequences and bidi overrides
dropped) even with colour forced on; broken files must give one clear line naming the file, never a traceback and
never a hang.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from clirun import run
from conftest import MINI

HOSTILE = Path(__file__).parent / "hostile"
SGR = re.compile(r"\x1b\[[0-9;]*m")
# What the data holds and must never reach the terminal as such.
FORBIDDEN = ["\x1b[2J", "\x1b]", "\x07", "\x08", "\x9b", "\x1b[5m", "\x1b[31mred", "\u202e", "\u2066", "\u200f"]
TITLE = "[bold red]X[/] [2J clear ]0;title osc 31m c1  end"


def dataset_with(tmp_path: Path, *cases: str) -> Path:
    """A copy of the mini dataset with the files of each hostile case added."""
    root = tmp_path / "data"
    shutil.copytree(MINI, root)
    for case in cases:
        shutil.copytree(HOSTILE / case, root, dirs_exist_ok=True)
    return root


@pytest.fixture
def inert(tmp_path) -> Path:
    """The mini dataset with every case whose text must load and print as text."""
    return dataset_with(tmp_path, "rich-markup", "ansi-escapes", "bidi-override")


@pytest.fixture
def colour(monkeypatch):
    """Colour forced on, as FORCE_COLOR=1 does for a user, and a wide screen so that titles do not wrap."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")


def test_hostile_text_loads(capsys, inert):
    result = run(capsys, "--data", str(inert), "validate")
    assert (result.code, result.err) == (0, "")


@pytest.mark.parametrize(("command", "expected"), [
    (["timeline"], [TITLE, "[link=https://evil.example]click[/link] :skull: [blink]Y",
                    "Bidi txet desrever and isolate and mark"]),
    (["list"], [TITLE, "[bold magenta]Markup Press[/]", "Bidi txet desrever and isolate and mark"]),
    (["search", "clear"], [TITLE]),
    (["search", "markup"], ["Markup [bold]inside[/bold] a summary, and an unclosed [/] tag."]),
    (["search", "hyperlink"], ["[31mred[0m and ]8;;https://evil.example\\a hyperlink]8;;\\ in it."]),
    (["show", "ansi-escapes"], [TITLE, "outlet: Alpha [5mNews"]),
    (["show", "rich-markup"], ["[bold]Markup[/bold] Actor — [green]role[/green]", "[reverse]alias[/]",
                               "supports: [i]the head count[/i]"]),
    (["sources"], ["[bold magenta]Markup Press[/]: [link=https://evil.example]A report[/link]"]),
    (["actors"], ["[bold]Markup[/bold] Actor"]),
    (["cite", "rich-markup"], ["[link=https://evil.example]A report[/link]"]),
])
def test_text_prints_literally_with_colour_forced(capsys, inert, colour, command, expected):
    result = run(capsys, "--data", str(inert), *command)
    assert (result.code, result.err) == (0, "")
    for sequence in FORBIDDEN:
        assert sequence not in result.out, f"{sequence!r} reached the terminal"
    shown = SGR.sub("", result.out)
    for text in expected:
        assert text in shown


def test_colour_really_was_on(capsys, inert, colour):
    assert "\x1b[1m" in run(capsys, "--data", str(inert), "timeline").out


def test_json_holds_the_cleaned_text(capsys, inert):
    import json

    result = run(capsys, "--data", str(inert), "show", "ansi-escapes", "--json")
    assert json.loads(result.out)["title"] == TITLE


BROKEN = [
    ("raw-control", ":2: holds the control character U+001B, which YAML does not allow"),
    ("alias-bomb", ":1:4: uses the YAML anchor &a; anchors are not allowed"),
    ("not-utf8", ":2: is not UTF-8 text (byte 0xe9)"),
    ("binary", ":2: is binary (holds NUL bytes), not YAML text"),
    ("empty", ": is empty"),
    ("deep-nesting", ":1:15: nests deeper than 12 levels"),
]


@pytest.mark.parametrize("command", [["validate"], ["timeline"], ["search", "x"], ["show", "kim-defects"]])
@pytest.mark.parametrize(("case", "message"), BROKEN)
def test_broken_file_gives_one_line_naming_it(capsys, tmp_path, case, message, command):
    root = dataset_with(tmp_path, case)
    result = run(capsys, "--data", str(root), *command)
    assert result.code == 1
    assert result.out == ""
    assert result.err.splitlines() == [f"{root}/events/{case}.yaml{message}", "nkwatch: the dataset has 1 problem"]


def test_alias_bomb_is_refused_in_well_under_a_second(capsys, tmp_path):
    root = dataset_with(tmp_path, "alias-bomb")
    started = time.perf_counter()
    result = run(capsys, "--data", str(root), "validate")
    assert result.code == 1
    assert time.perf_counter() - started < 0.5


def _one_problem(capsys, root: Path, line: str) -> None:
    for command in (["validate"], ["timeline"]):
        result = run(capsys, "--data", str(root), *command)
        assert (result.code, result.out) == (1, "")
        assert result.err.splitlines() == [line, "nkwatch: the dataset has 1 problem"]


def test_fifty_megabyte_file_is_refused_without_reading_it(capsys, tmp_path):
    root = dataset_with(tmp_path)
    huge = root / "events" / "huge.yaml"
    with huge.open("wb") as stream:
        chunk = b"title: " + b"x" * 1017 + b"\n"
        for _ in range(50_000_000 // len(chunk)):
            stream.write(chunk)
        stream.write(b"y" * (50_000_000 % len(chunk)))
    started = time.perf_counter()
    _one_problem(capsys, root, f"{huge}: is 50.0 MB; a record file must be under 1 MB")
    assert time.perf_counter() - started < 2


def test_folder_in_place_of_a_file(capsys, tmp_path):
    root = dataset_with(tmp_path)
    (root / "events" / "folder.yaml").mkdir()
    _one_problem(capsys, root, f"{root}/events/folder.yaml: is a folder, not a YAML file")


def test_folder_in_place_of_themes_yaml(capsys, tmp_path):
    root = dataset_with(tmp_path)
    (root / "themes.yaml").unlink()
    (root / "themes.yaml").mkdir()
    result = run(capsys, "--data", str(root), "validate")
    assert result.code == 1
    assert f"{root}/themes.yaml: is a folder, not a YAML file" in result.err.splitlines()
    assert "Traceback" not in result.err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode, so chmod 000 blocks nothing")
def test_unreadable_file(capsys, tmp_path):
    root = dataset_with(tmp_path)
    locked = root / "events" / "kim-defects.yaml"
    locked.chmod(0)
    try:
        _one_problem(capsys, root, f"{locked}: cannot be read: permission denied")
    finally:
        locked.chmod(0o644)


def test_unreadable_file_simulated(capsys, tmp_path, monkeypatch):
    root = dataset_with(tmp_path)
    locked = root / "events" / "kim-defects.yaml"
    real_open = os.open

    def guarded_open(path, *args, **kwargs):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)
    _one_problem(capsys, root, f"{locked}: cannot be read: permission denied")


def test_missing_dataset_folder(capsys, tmp_path):
    missing = tmp_path / "nowhere"
    _one_problem(capsys, missing, f"{missing}: dataset folder does not exist")
    record = tmp_path / "new.yaml"
    record.write_text("id: new\n")
    result = run(capsys, "--data", str(missing), "add", "--from", str(record))
    assert result.code == 1
    assert result.err.splitlines()[0] == f"{missing}: dataset folder does not exist"
    assert not missing.exists()


def test_dataset_path_that_is_a_file(capsys, tmp_path):
    path = tmp_path / "file.yaml"
    path.write_text("a: b\n")
    result = run(capsys, "--data", str(path), "timeline")
    assert result.code == 1
    assert result.err.splitlines()[0] == f"{path}: dataset folder is a file, not a dataset folder"


def test_escape_sequence_in_a_file_name_stays_inert(capsys, tmp_path):
    root = dataset_with(tmp_path)
    shutil.copyfile(root / "events" / "kim-defects.yaml", root / "events" / "x\x1b]0;pwned\x07.yaml")
    result = run(capsys, "--data", str(root), "validate")
    assert result.code == 1
    assert "\x1b" not in result.err and "\x07" not in result.err


def test_control_characters_in_keys_and_ids_are_named_not_printed(capsys, tmp_path):
    root = dataset_with(tmp_path, "control-in-keys")
    result = run(capsys, "--data", str(root), "validate")
    lines = result.err.splitlines()
    assert result.code == 1
    assert "\x1b" not in result.err and "\x07" not in result.err
    assert lines[1].startswith(f"{root}/events/control-in-keys.yaml:3:1: control-in-keys]0;pwned 'colour\\x1b[2J': "
                               "unknown field 'colour\\x1b[2J'; valid fields are: id, title")
    assert lines[-1] == "nkwatch: the dataset has 9 problems"


def test_dataset_name_the_system_refuses(capsys, tmp_path):
    too_long = tmp_path / ("x" * 300)
    result = run(capsys, "--data", str(too_long), "timeline")
    assert result.code == 1
    assert result.err.splitlines()[0] == f"{too_long}: dataset folder cannot be opened: File name too long"
