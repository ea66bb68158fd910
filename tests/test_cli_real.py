"""The commands a new user would type, against the bundled dataset (no --data): the answers the issues promise."""

from __future__ import annotations

import json
import re

import pytest

COMMANDS = ["timeline", "list", "show", "search", "facts", "cite", "actors", "countries", "themes", "sources",
            "stats", "validate", "export", "init", "add", "add-source", "import"]


def event_ids(result) -> list[str]:
    assert result.code == 0, result.err
    return [e["id"] for e in json.loads(result.out)]


def test_the_russian_timeline_is_the_same_however_russia_is_named(nk):
    russian = event_ids(nk("timeline", "--country", "russia", "--json"))
    assert {"mokran-group-defection", "baek-won-soon-detained", "kim-putin-vostochny-meeting"} <= set(russian)
    for name in ["RU", "RUS", "Russian Federation", "ru"]:
        assert event_ids(nk("timeline", "--country", name, "--json")) == russian


def test_the_russian_timeline_as_text_names_mokran_and_baek(nk):
    result = nk("timeline", "--country", "russia")
    assert result.code == 0
    assert "Mokran" in result.out and "Baek Won-soon" in result.out
    assert "\x1b" not in result.out
    assert max(len(line) for line in result.out.splitlines()) <= 80


@pytest.mark.parametrize(("name", "event"), [
    ("Thaek Yong-ho", "thae-yong-ho-defection"),
    ("Thae Yong-ho", "thae-yong-ho-defection"),
    ("ningpo", "ningpo-13-defection"),
    ("Ningbo 13", "ningpo-13-defection"),
    ("mokran defection", "mokran-group-defection"),
    ("백원순", "baek-won-soon-detained"),
    ("Paris student", "paris-student-abduction-attempt"),
])
def test_show_finds_an_event_by_the_names_people_type(nk, name, event):
    result = nk("show", name, "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["id"] == event


def test_show_nonsense_exits_3_with_suggestions(nk):
    result = nk("show", "qqqzzz")
    assert result.code == 3
    assert result.err.startswith("nkwatch: no event matches 'qqqzzz'")


def test_search_smartphone_finds_the_mokran_account(nk):
    result = nk("search", "smartphone", "--json")
    assert result.code == 0
    assert "mokran-earlier-defection" in [hit["id"] for hit in json.loads(result.out)]


def test_every_figure_is_listed_with_who_asserted_it(nk):
    figures = json.loads(nk("facts", "--json").out)
    assert len(figures) >= 30
    assert all(f["attestation"]["asserted_by"] and f["sources"] for f in figures)


def test_cite_gives_paste_ready_lines_with_addresses(nk):
    result = nk("cite", "ningpo")
    assert result.code == 0
    assert re.search(r"https?://\S+", result.out)


def test_the_csv_export_of_russia_has_one_row_per_russian_event(nk):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(nk("export", "--format", "csv", "--country", "russia").out, newline="")))
    assert [row["id"] for row in rows] == event_ids(nk("timeline", "--country", "russia", "--json"))


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_shows_examples(nk, command):
    result = nk(command, "--help")
    assert result.code == 0
    examples = result.out.split("Examples", 1)[1].split("╭", 1)[0]
    assert len([line for line in examples.splitlines() if "nkwatch " in line]) >= 2


def test_stats_and_facet_commands_run_on_the_real_data(nk):
    for command in ["stats", "actors", "countries", "themes", "sources"]:
        result = nk(command)
        assert result.code == 0, (command, result.err)
        assert result.out.strip()


def test_cite_of_a_name_matched_only_approximately_says_which_event_it_cites(nk):
    result = nk("cite", "Thea Yong-ho")
    assert result.code == 0
    assert result.err == ("nkwatch: 'Thea Yong-ho' names no event exactly; read as 'Thae Yong-ho':\n"
                          "  thae-yong-ho-defection  2016-07/2016-08-17  Thae Yong-ho, deputy ambassador…\n")
    assert "https://" in result.out


def test_cite_of_a_name_with_another_number_takes_nothing(nk):
    result = nk("cite", "Ningpo 99")
    assert result.code == 3
    assert result.out == ""


@pytest.mark.parametrize("name", ["ningpo-13-defection", "Ningbo 13", "ningpo 13"])
def test_an_id_title_or_alias_is_taken_without_a_note(nk, name):
    result = nk("show", name, "--json")
    assert result.code == 0
    assert result.err == ""
