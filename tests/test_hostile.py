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
    ("tag-on-mapping", ":10:14: uses the YAML tag !; tags are not allowed"),
    ("tag-on-list", ":5:12: uses the YAML tag !; tags are not allowed"),
    ("huge-integer", ":7:1: huge-integer people: is a number of 5000 digits; at most 15 are allowed before the point"),
    ("huge-decimal", ":7:1: huge-decimal people: is a number of 400 digits; at most 15 are allowed before the point"),
    ("year-zero", ":4:1: year-zero date: '0000' has year 0000; years run 0001 to 9999"),
    ("non-ascii-digits", ":4:1: non-ascii-digits date: '2016-0\u0668' is not valid: expected EDTF subset: YYYY, "
                         "YYYY-MM, YYYY-MM-DD, optional ~ or ?, intervals A/B, ../B, A/..; write digits as 0-9"),
    ("date-newline", ":4:1: date-newline date: '2016\\n' is not valid: expected EDTF subset: YYYY, YYYY-MM, "
                     "YYYY-MM-DD, optional ~ or ?, intervals A/B, ../B, A/.."),
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


EVENT = """id: {id}
title: A crafted event
date: "2016-09"
countries: [RU]
themes: [defection]
people: 1
summary: A crafted event.
sources:
  - {{source: alpha-news}}
attestation: {{basis: outlet, asserted_by: Alpha News}}
"""


def crafted_event(root: Path, record: str, **fields: str) -> Path:
    """An event file in the dataset at root, with the given fields written (as YAML) in place of the usual ones."""
    lines = [line for line in EVENT.format(id=record).splitlines() if line.partition(":")[0] not in fields]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    path = root / "events" / f"{record}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


NOT_ASCII = "; write digits as 0-9"
DIGITS = "expected EDTF subset: YYYY, YYYY-MM, YYYY-MM-DD, optional ~ or ?, intervals A/B, ../B, A/.."


@pytest.mark.parametrize(("fields", "message"), [
    ({"date": '"\u0662\u0660\u0661\u0666"'}, f"date: '\u0662\u0660\u0661\u0666' is not valid: {DIGITS}{NOT_ASCII}"),
    ({"date": '"\uff12\uff10\uff11\uff16"'}, f"date: '\uff12\uff10\uff11\uff16' is not valid: {DIGITS}{NOT_ASCII}"),
    ({"date": "|\n  2016-09"}, f"date: '2016-09\\n' is not valid: {DIGITS}"),
    ({"date": '"0000-01"'}, "date: '0000-01' has year 0000; years run 0001 to 9999"),
    ({"date": '"0000/2016"'}, "date: '0000' has year 0000; years run 0001 to 9999"),
    ({"date": '"../0000"'}, "date: '0000' has year 0000; years run 0001 to 9999"),
    ({"id": '"crafted\\n"'}, "id: 'crafted\\n' is not valid: expected A lowercase id: letters, digits and single "
                            "hyphens"),
    ({"countries": '["RU\\n"]'}, "countries[0]: 'RU\\n' is not valid: expected ISO 3166-1 alpha-2 code"),
    ({"people": "1234567890123456"}, "people: is a number of 16 digits; at most 15 are allowed before the point"),
    ({"people": "{min: 1, max: " + "9" * 5000 + "}"},
     "people.max: is a number of 5000 digits; at most 15 are allowed before the point"),
    ({"people": "-" + "9" * 400 + ".0"}, "people: is a number of 400 digits; at most 15 are allowed before the point"),
    ({"themes": "!!seq [defection]"}, "uses the YAML tag tag:yaml.org,2002:seq; tags are not allowed"),
    ({"attestation": "!x {basis: outlet, asserted_by: A}"}, "uses the YAML tag !x; tags are not allowed"),
])
def test_other_values_of_the_same_kinds_are_refused_at_their_line(capsys, tmp_path, fields, message):
    root = dataset_with(tmp_path)
    path = crafted_event(root, "crafted", **fields)
    result = run(capsys, "--data", str(root), "validate")
    assert result.code == 1
    line, = [line for line in result.err.splitlines() if line.startswith(str(path))]
    assert re.sub(r"^[^ ]*:[0-9]+:[0-9]+: (crafted(\\x0a)? )?", "", line) == message
    assert result.err.splitlines()[-1] == "nkwatch: the dataset has 1 problem"


def test_a_valid_number_of_fifteen_digits_loads(capsys, tmp_path):
    root = dataset_with(tmp_path)
    crafted_event(root, "crafted", people="999999999999999")
    assert run(capsys, "--data", str(root), "validate").code == 0


def test_a_huge_value_is_quoted_as_a_short_excerpt(capsys, tmp_path):
    root = dataset_with(tmp_path)
    path = crafted_event(root, "crafted", date='"' + "2" * 990_000 + '"')
    result = run(capsys, "--data", str(root), "validate")
    assert result.err.splitlines() == [f"{path}:10:1: crafted date: '{'2' * 79}…' is not valid: {DIGITS}",
                                       "nkwatch: the dataset has 1 problem"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"k" * 1000: "v"}, f"unknown field '{'k' * 79}…'; valid fields are: "),
    ({"title": "&" + "a" * 900_000 + " x"}, f"uses the YAML anchor &{'a' * 79}…; anchors are not allowed"),
    ({"title": "!" + "t" * 900_000 + " x"}, f"uses the YAML tag !{'t' * 78}…; tags are not allowed"),
    ({"countries": "[" + "X" * 900_000 + "]"}, f"'{'X' * 79}…' is not valid: expected ISO 3166-1 alpha-2 code"),
])
def test_no_message_repeats_a_huge_key_or_value(capsys, tmp_path, fields, message):
    root = dataset_with(tmp_path)
    crafted_event(root, "crafted", **fields)
    result = run(capsys, "--data", str(root), "validate")
    assert result.code == 1
    assert message in result.err
    assert max(len(line) for line in result.err.splitlines()) < 600


def test_a_file_of_fifty_thousand_problems_lists_ten_and_counts_the_rest(capsys, tmp_path):
    root = dataset_with(tmp_path)
    path = crafted_event(root, "crafted", **{f"k{i}": "v" for i in range(50_000)})
    result = run(capsys, "--data", str(root), "validate")
    lines = result.err.splitlines()
    assert result.code == 1
    assert len(lines) == 12
    assert lines[0].startswith(f"{path}:11:1: crafted k0: unknown field 'k0'; valid fields are: id, title")
    assert lines[9].startswith(f"{path}:20:1: crafted k9: unknown field 'k9'")
    assert lines[10:] == [f"{path}: … and 49990 more problems in this file", "nkwatch: the dataset has 50000 problems"]


def test_dangling_references_count_towards_the_cap_of_their_file(capsys, tmp_path):
    root = dataset_with(tmp_path)
    path = crafted_event(root, "crafted", related="[" + ", ".join(f"gone-{i}" for i in range(500)) + "]")
    result = run(capsys, "--data", str(root), "validate")
    lines = result.err.splitlines()
    assert result.code == 1
    assert lines[-2:] == [f"{path}: … and 490 more problems in this file", "nkwatch: the dataset has 500 problems"]
    assert len(lines) == 12


INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u3164", "\u2028", "\u2029"]
EXPORTS = ["json", "ndjson", "csv", "markdown", "ics", "geojson", "timelinejs", "html"]


@pytest.fixture
def invisible(tmp_path) -> Path:
    """The mini dataset with the case of zero-width and other invisible characters."""
    return dataset_with(tmp_path, "invisible-characters")


@pytest.mark.parametrize("command", [["show", "invisible-characters"], ["timeline"], ["list"], ["search", "zero"],
                                     ["show", "invisible-characters", "--json"]]
                         + [["export", "--format", name] for name in EXPORTS])
def test_no_output_carries_an_invisible_character(capsys, invisible, command):
    result = run(capsys, "--data", str(invisible), *command)
    assert (result.code, result.err) == (0, "")
    assert "zerowidth" in result.out
    for character in INVISIBLE:
        assert character not in result.out, f"U+{ord(character):04X} reached the output of {command}"


def test_what_the_terminal_shows_of_invisible_characters(capsys, invisible):
    result = run(capsys, "--data", str(invisible), "show", "invisible-characters")
    lines = result.out.splitlines()
    assert lines[0] == "=1+1 zerowidth joined word joiner soft filler"
    assert "Attested   outlet: -2+3 Alpha" in lines
    assert lines[6] == "Aliases    @SUM(A1); line separator paragraph"  # a one-line field: the breaks read as spaces
    assert lines[9] == "  Hidden text on a new line."  # summaries are rewrapped: a line break reads as a space


def test_no_csv_cell_hides_a_formula_behind_an_invisible_character(capsys, invisible):
    import csv

    rows = list(csv.DictReader(run(capsys, "--data", str(invisible), "export", "--format", "csv").out.splitlines()))
    row, = [row for row in rows if row["id"] == "invisible-characters"]
    assert row["title"] == "'=1+1 zerowidth joined word joiner soft filler"
    assert row["asserted_by"] == "'-2+3 Alpha"


@pytest.mark.parametrize("cell", ["\u200b=1+1", "\ufeff@SUM(A1)", "\u2060\u200d-2+3", "\x01=1", "\u3164+1"])
def test_the_csv_guard_looks_past_invisible_characters(cell):
    from nkwatch.export.csv import csv_line

    assert csv_line([cell, "b"]) == f"'{cell},b\r\n"
    assert csv_line([cell, "b"], raw=True) == f"{cell},b\r\n"


def test_json_exports_carry_the_cleaned_text(capsys, invisible):
    import json

    events = json.loads(run(capsys, "--data", str(invisible), "export", "--format", "json").out)
    event, = [e for e in events if e["id"] == "invisible-characters"]
    assert event["title"] == "=1+1 zerowidth joined word joiner soft filler"
    assert event["aliases"] == ["@SUM(A1)", "line\nseparator\nparagraph"]
    assert event["summary"] == "Hidden text\non a new line."


@pytest.mark.parametrize(("date", "ics"), [
    ("0001-01-01", ["DTSTART;VALUE=DATE:00010101", "DTEND;VALUE=DATE:00010102"]),
    ("../0001", ["DTSTART;VALUE=DATE:00010101", "DTEND;VALUE=DATE:00020101"]),  # open: the whole known year
    ("9999-12-31", ["DTSTART;VALUE=DATE:99991231", "DURATION:P1D"]),
    ("9999-12", ["DTSTART;VALUE=DATE:99991201", "DURATION:P31D"]),
    ("9999/..", ["DTSTART;VALUE=DATE:99990101", "DURATION:P365D"]),
    ("../9999-12-31", ["DTSTART;VALUE=DATE:99991231", "DURATION:P1D"]),
])
def test_every_export_handles_the_first_and_last_years(capsys, tmp_path, date, ics):
    root = dataset_with(tmp_path)
    crafted_event(root, "crafted", date=f'"{date}"')
    for name in EXPORTS:
        result = run(capsys, "--data", str(root), "export", "--format", name)
        assert (result.code, result.err) == (0, ""), name
    calendar = run(capsys, "--data", str(root), "export", "--format", "ics").out.split("\r\n")
    begin = calendar.index("UID:crafted@nkwatch")
    assert calendar[begin + 2:begin + 4] == ics
    for command in (["timeline"], ["show", "crafted"], ["stats"], ["timeline", "--since", "0001", "--json"]):
        assert run(capsys, "--data", str(root), *command).code == 0
