"""The read commands through the CLI against the small fixture dataset: exact events, shapes and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clirun import run


@pytest.fixture
def nk(capsys, mini):
    """Run nkwatch against the mini dataset."""
    return lambda *args: run(capsys, "--data", str(mini), *args)


def ids(result) -> list[str]:
    return [e["id"] for e in json.loads(result.out)]


def test_validate_prints_counts(nk, mini):
    result = nk("validate")
    assert result.code == 0
    assert result.out == f"valid: 4 events, 1 figure, 2 sources, 2 actors, 2 places, 3 themes ({mini})\n"


def test_validate_broken_exits_1_with_one_line_per_problem(nk, mini):
    (mini / "events" / "kim-defects.yaml").write_text("id: kim-defects\ntitle: x\ntitle: y\n")
    result = nk("validate")
    assert result.code == 1
    assert result.err.splitlines() == [
        f"{mini}/events/kim-defects.yaml:3:1: has the key 'title' twice in one mapping",
        "nkwatch: the dataset has 1 problem",
    ]
    assert "Traceback" not in result.err


def test_timeline_groups_by_year_with_human_dates(nk):
    result = nk("timeline")
    assert result.code == 0
    lines = [line for line in result.out.splitlines() if line]
    assert lines[0] == "2016"
    assert lines[1] == "7 Apr 2016      Kim Test-ho defects"
    assert lines[2] == "                kim-defects · GB, KR · 1 person · defection"
    assert "late Aug 2016   Acme crew walks out in Tomsk" in lines
    assert lines.index("2024") < lines.index("c. Jan 2024     Workers strike in Yanji")


@pytest.mark.parametrize("country", ["russia", "RU", "rus", "Russian Federation", "RUSSIA"])
def test_country_names_and_codes_select_the_same_events(nk, country):
    assert ids(nk("timeline", "--country", country, "--json")) == ["tomsk-walkout", "open-ended-arrest"]


def test_repeated_option_means_any_of(nk):
    assert ids(nk("list", "-c", "CN", "-c", "GB", "--json")) == ["kim-defects", "yanji-strike"]


def test_filters_combine(nk):
    assert ids(nk("timeline", "-c", "RU", "--theme", "arrest", "--json")) == ["open-ended-arrest"]
    assert ids(nk("timeline", "--actor", "acme", "--json")) == ["tomsk-walkout"]
    assert ids(nk("timeline", "--actor", "Kim Testho", "--json")) == ["kim-defects"]
    assert ids(nk("timeline", "--source", "Beta Blog", "--json")) == ["yanji-strike", "open-ended-arrest"]
    assert ids(nk("timeline", "--text", "unpaid wages", "--json")) == ["yanji-strike"]


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("2016-08-15", None, ["tomsk-walkout", "yanji-strike", "open-ended-arrest"]),
        ("2016-09", None, ["yanji-strike", "open-ended-arrest"]),
        (None, "2016-08-21", ["kim-defects", "tomsk-walkout", "open-ended-arrest"]),
        (None, "2016-08-20", ["kim-defects", "open-ended-arrest"]),
        # An open start ("by 11 Mar 2024") may have been any day before, so it overlaps any earlier range.
        ("Aug 2016", "Aug 2016", ["tomsk-walkout", "open-ended-arrest"]),
        ("25 August 2016", None, ["tomsk-walkout", "yanji-strike", "open-ended-arrest"]),
        ("2024-03-12", None, []),
    ],
)
def test_date_filters_match_on_overlap(nk, since, until, expected):
    args = ["timeline", "--json"] + (["--since", since] if since else []) + (["--until", until] if until else [])
    assert ids(nk(*args)) == expected


def test_unknown_country_is_a_usage_error_with_suggestions(nk):
    result = nk("timeline", "--country", "Austrlia")
    assert result.code == 2
    assert result.err == "nkwatch: unknown country 'Austrlia'\nDid you mean:\n  Australia\n  Austria\n"


def test_a_country_misspelt_one_way_only_is_taken_with_a_note(nk):
    result = nk("timeline", "--country", "rusia")
    assert result.code == 0
    assert result.err == "nkwatch: --country rusia: taken as Russia (RU), the closest spelling\n"


def test_unknown_theme_suggests(nk):
    result = nk("timeline", "--theme", "defections")
    assert (result.code, result.err) == (2, "nkwatch: unknown theme 'defections'\nDid you mean:\n  defection\n")


def test_unknown_actor_suggests(nk):
    result = nk("list", "--actor", "Nobody At All")
    assert result.code == 2
    assert result.err.startswith("nkwatch: unknown actor 'Nobody At All'")


def test_bad_date_is_a_usage_error(nk):
    result = nk("timeline", "--since", "someday")
    assert result.code == 2
    assert result.err == ("nkwatch: --since: 'someday' is not a date; write it as 2016, 2016-08, 2016-08-25, "
                          "Aug 2016, 25 Aug 2016, August 25, 2016 or late Aug 2016\n")


def test_unknown_option_is_one_clear_usage_error(nk):
    result = nk("timeline", "--contry", "RU")
    assert result.code == 2
    assert result.err.splitlines()[0].startswith("nkwatch: error: No such option: --contry")


@pytest.mark.parametrize("name", ["tomsk-walkout", "Tomsk walkout", "tomsk  WALKOUT", "Acme crew walks out in Tomsk",
                                  "tomsk walkut"])
def test_show_finds_by_id_alias_title_and_misspelling(nk, name):
    result = nk("show", name, "--json")
    assert result.code == 0
    assert json.loads(result.out)["id"] == "tomsk-walkout"


def test_show_finds_by_hangul_actor_name(nk):
    assert json.loads(nk("show", "김테스트", "--json").out)["id"] == "kim-defects"


def test_show_not_found_exits_3_and_points_to_search(nk):
    result = nk("show", "qqqzzz")
    assert result.code == 3
    assert result.err == "nkwatch: no event matches 'qqqzzz'\nTry: nkwatch search qqqzzz\n"


def test_show_json_shape(nk):
    event = json.loads(nk("show", "tomsk-walkout", "--json").out)
    assert list(event)[:6] == ["id", "title", "aliases", "date", "start", "end"]
    assert event["people"] == {"min": 6, "max": 10, "wording": None}
    assert event["countries"] == ["RU"]
    assert event["sources"][0] == {
        "id": "alpha-news", "publisher": "Alpha News", "title": "A fictional report for tests",
        "author": "Test Author", "published": "2016-10-18", "url": "https://example.org/alpha", "kind": "news",
        "supports": "the head count"}
    assert event["figures"][0]["id"] == "tomsk-wage"


def test_show_page_has_every_part(nk):
    out = nk("show", "tomsk-walkout").out
    for part in ("Acme crew walks out in Tomsk", "late August 2016, to the day", "Tomsk, Russia (56.5, 84.97)",
                 "Acme Works — employer", "6–10", "Discrepancies", "→ Kept the range.", "Related events",
                 "Workers strike in Yanji",
                 "Monthly wage at the Tomsk site: 980 USD per month", "[1] Alpha News"):
        assert part in out


def test_search_ranks_and_finds_figures(nk):
    result = json.loads(nk("search", "tomsk", "--json").out)
    assert [(h["kind"], h["id"]) for h in result] == [("event", "tomsk-walkout"), ("figure", "tomsk-wage")]


def test_facts(nk):
    facts = json.loads(nk("facts", "wage", "--json").out)
    assert [(f["id"], f["value"], f["unit"]) for f in facts] == [
        ("tomsk-wage", {"min": 980, "max": 980, "wording": None}, "USD per month")]


def test_facets_count_under_filters(nk):
    rows = json.loads(nk("countries", "--json").out)
    assert {r["value"]: r["events"] for r in rows} == {"RU": 2, "GB": 1, "KR": 1, "CN": 1}
    themes = json.loads(nk("themes", "--country", "RU", "--json").out)
    assert {r["value"]: r["events"] for r in themes} == {"defection": 1, "arrest": 1}


def test_stats(nk):
    stats = json.loads(nk("stats", "--json").out)
    assert stats["years"] == {"2016": 2, "2024": 2}
    text = nk("stats").out
    assert "Events per year" in text and "█" in text


def test_cite(nk):
    result = nk("cite", "tomsk walkout")
    assert result.out == 'Test Author. “A fictional report for tests.” Alpha News, 18 Oct 2016. https://example.org/alpha\n'


def test_piped_output_has_no_escape_codes_even_in_tables(nk):
    for command in (["timeline"], ["list"], ["show", "tomsk-walkout"], ["search", "tomsk"], ["stats"], ["facts"]):
        assert "\x1b" not in nk(*command).out


def test_limit_says_how_many_more(nk):
    out = nk("timeline", "--limit", "1").out
    assert "… and 3 more" in out


def test_empty_selection_says_so_on_stderr(nk):
    result = nk("timeline", "--since", "2030")
    assert (result.code, result.out, result.err) == (0, "", "No events match these filters.\n")


@pytest.mark.parametrize("command", ["timeline", "list", "show", "search", "facts", "actors", "countries", "themes",
                                     "sources", "stats", "cite", "validate"])
def test_every_command_help_has_examples(capsys, command):
    result = run(capsys, command, "--help")
    assert result.code == 0
    assert "Examples" in result.out
    assert result.out.count("nkwatch ") >= 2


def test_piped_into_head_ends_quietly(mini):
    import subprocess
    import sys

    command = f"{sys.executable} -m nkwatch --data {mini} timeline --limit 0 | head -1; echo \"$PIPESTATUS\""
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
    assert result.stdout == "2016\n0\n"
    assert result.stderr == ""


def test_an_export_longer_than_the_pipe_piped_into_head_exits_0_quietly(tmp_path):
    import subprocess
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from generate import generate

    generate(tmp_path / "data", 300)  # about 300 kB of CSV: head is gone long before the last line is written
    command = (f"{sys.executable} -m nkwatch --data {tmp_path / 'data'} export --format csv | head -c 3; "
               "echo \" $PIPESTATUS\"")
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=tmp_path)
    assert result.stdout == "id, 0\n"
    assert result.stderr == ""


def test_keyboard_interrupt_exits_130_without_traceback(capsys, mini, monkeypatch):
    import nkwatch.query

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(nkwatch.query, "select_events", interrupted)
    result = run(capsys, "--data", str(mini), "timeline")
    assert result.code == 130
    assert "Traceback" not in result.err


def test_other_commands_show_the_first_problems_and_validate_shows_all(capsys, mini):
    for number in range(25):
        (mini / "events" / f"broken-{number:02d}.yaml").write_text("id: [\n")
    listed = run(capsys, "--data", str(mini), "timeline")
    assert listed.code == 1
    lines = listed.err.splitlines()
    assert len(lines) == 22
    assert lines[-2] == "… and 5 more; `nkwatch validate` lists them all"
    assert lines[-1] == "nkwatch: the dataset has 25 problems"
    assert len(run(capsys, "--data", str(mini), "validate").err.splitlines()) == 26


@pytest.mark.parametrize(("words", "expected"), [
    ("timeline --country R", "RU"),
    ("show tom", "tomsk-walkout"),
    ("list --theme p", "protest"),
    ("timeline --actor acm", "acme-works"),
])
def test_shell_completion_offers_values_from_the_dataset(mini, tmp_path, words, expected):
    import os
    import subprocess
    import sys

    line = f"nkwatch --data {mini} {words}"
    env = {**os.environ, "_NKWATCH_COMPLETE": "complete_bash", "COMP_WORDS": line,
           "COMP_CWORD": str(len(line.split()) - 1), "XDG_CACHE_HOME": str(tmp_path)}
    script = "import sys; from nkwatch.cli import main; sys.argv[0] = 'nkwatch'; main()"
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert result.stdout.split() == [expected]
