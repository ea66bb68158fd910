"""Event lookup: the evaluation set's precision and recall, and the exact messages a user sees at 80 columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from nkwatch.errors import NotFoundError
from nkwatch.loader import load_dataset
from nkwatch.lookup import resolve_event
from nkwatch.textnorm import is_misspelling

EVAL = Path(__file__).parent / "lookup_eval.yaml"
RECALL_FLOOR = 0.85
"""Recall on the evaluation set may not fall below this; precision must be 100%."""


@pytest.fixture(scope="module")
def bundled():
    """The bundled dataset, read once."""
    return load_dataset()


def lookups() -> list[dict]:
    """The evaluation set: what a reader of the five articles would type, and the event it must take or none."""
    return yaml.safe_load(EVAL.read_text(encoding="utf-8"))


def taken(dataset, query: str) -> str:
    """The event id a lookup answers, or 'none' when it refuses."""
    try:
        return resolve_event(dataset, query).event.id
    except NotFoundError:
        return "none"


def test_the_evaluation_set_is_big_enough_and_names_real_events(bundled):
    rows = lookups()
    assert len(rows) >= 80
    assert len({row["query"] for row in rows}) == len(rows)
    assert {row["expect"] for row in rows} - {"none"} <= set(bundled.events)
    assert {row["kind"] for row in rows} == {"name", "alias", "romanisation", "hangul", "typo", "description",
                                             "place", "person", "number", "none"}


def test_no_lookup_of_the_evaluation_set_takes_a_wrong_event_and_recall_is_printed(bundled, capsys):
    rows = lookups()
    answers = {row["query"]: taken(bundled, row["query"]) for row in rows}
    wrong = [(row["query"], answers[row["query"]], row["expect"]) for row in rows
             if answers[row["query"]] not in (row["expect"], "none")
             or (row["expect"] == "none" and answers[row["query"]] != "none")]
    assert wrong == []
    meant = [row for row in rows if row["expect"] != "none"]
    found = sum(answers[row["query"]] == row["expect"] for row in meant)
    answered = sum(answer != "none" for answer in answers.values())
    by_kind = {}
    for row in meant:
        hit, total = by_kind.get(row["kind"], (0, 0))
        by_kind[row["kind"]] = (hit + (answers[row["query"]] == row["expect"]), total + 1)
    with capsys.disabled():
        print(f"\nlookup evaluation: {len(rows)} lookups, {answered} answered, precision 100%, "
              f"recall {found}/{len(meant)} = {found / len(meant):.0%}")
        print("  by kind: " + ", ".join(f"{kind} {hit}/{total}" for kind, (hit, total) in sorted(by_kind.items())))
    assert found / len(meant) >= RECALL_FLOOR


@pytest.mark.parametrize(("typed", "name", "same"), [
    ("mokrn", "mokran", True),
    ("thea yong ho", "thae yong ho", True),
    ("thaek yongho", "thaek yong ho", True),
    ("vladivostock", "vladivostok", True),
    ("kangsong", "kaesong", False),
    ("kim jong il", "kim jong un", False),
    ("ningpo 14", "ningpo 13", False),
    ("park", "pork", False),
])
def test_a_misspelling_is_told_from_another_name(typed, name, same):
    assert is_misspelling(typed, name) is same


def test_show_a_theme_word_lists_candidates_and_points_to_the_theme(nk):
    result = nk("show", "defection")
    assert result.code == 3
    lines = result.err.splitlines()
    assert lines[0] == "nkwatch: 'defection' matches 20 events equally well; give one of their ids"
    assert lines[1] == "  amur-workers-defection-2009  2009-09-14~  Twelve North Koreans from Russia's…"
    assert lines[2] == "  missionary-expelled-russia-2013  2013  Russia expels a South Korean…"
    assert lines[11:] == ["  … and 10 more", "Try: nkwatch timeline --theme defection", "     nkwatch search defection"]
    assert max(len(line) for line in lines[1:]) <= 80


def test_show_a_country_with_several_events_points_to_the_country(nk):
    result = nk("show", "Russia")
    assert result.code == 3
    assert result.err.splitlines()[-2:] == ["Try: nkwatch timeline --country RU", "     nkwatch search Russia"]


def test_show_a_country_with_one_event_takes_it_and_says_so(nk):
    result = nk("show", "Kuwait", "--json")
    assert result.code == 0
    assert result.err == ("nkwatch: 'Kuwait' names no event exactly; the one event in Kuwait:\n"
                          "  worker-deaths-abroad-2016  2016-01/2016-09-20  At least 40 North Korean…\n")
    document = json.loads(result.out)
    assert document["id"] == "worker-deaths-abroad-2016"
    assert document["match"] == {"by": "country", "score": 0.7}


def test_show_gibberish_lists_nothing_and_points_to_search(nk):
    result = nk("show", "xyzzy qwerty")
    assert result.code == 3
    assert result.err == "nkwatch: no event matches 'xyzzy qwerty'\nTry: nkwatch search \"xyzzy qwerty\"\n"


@pytest.mark.parametrize("name", ["Kangsong", "Kangsong Company", "death spiral"])
def test_a_name_that_only_looks_like_one_takes_nothing(nk, name):
    result = nk("show", name)
    assert result.code == 3
    assert result.out == ""
    assert result.err.startswith(f"nkwatch: no event matches {name!r}\n")


def test_show_a_description_finds_the_event_through_its_text(nk):
    result = nk("show", "Omicron rotation freeze", "--json")
    assert result.code == 0
    assert result.err == ("nkwatch: 'Omicron rotation freeze' names no event exactly; found in its full text "
                          "(score 0.78):\n"
                          "  russia-political-lecture-2021  2021-12-04  Political lecture orders tighter…\n")
    assert json.loads(result.out)["match"] == {"by": "text", "score": 0.78}


def test_show_a_misspelt_name_says_how_it_was_read(nk):
    result = nk("show", "Mokrn smartphones", "--json")
    assert result.code == 0
    assert result.err == ("nkwatch: 'Mokrn smartphones' names no event exactly; read as 'Mokran smartphones':\n"
                          "  dailynk-mokran-source-contact  2016-10-12  Daily NK reaches an earlier…\n")
    assert json.loads(result.out)["match"]["by"] == "spelling"


@pytest.mark.parametrize(("name", "by"), [("ningpo-13-defection", "id"), ("Ningbo 13", "alias"),
                                          ("Typhoon Lionrock rains flood the Tumen River valley in North Hamgyong",
                                           "title")])
def test_show_json_says_an_exact_match_and_no_note(nk, name, by):
    result = nk("show", name, "--json")
    assert result.code == 0
    assert result.err == ""
    assert json.loads(result.out)["match"] == {"by": by, "score": 1.0}


def test_a_name_of_two_events_lists_both_and_takes_neither(nk):
    result = nk("cite", "Helong")
    assert result.code == 3
    assert result.out == ""
    assert result.err.splitlines()[:3] == [
        "nkwatch: 'Helong' matches 2 events equally well; give one of their ids",
        "  jilin-managers-hostage  2024-01-11/2024-01-14  Protesting workers in Helong…",
        "  jilin-protests-2024  2024-01-11/2024-01-14  About 2,000 North Korean workers…",
    ]


def test_candidates_keep_ids_and_dates_whole_when_the_terminal_is_narrow(nk, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    result = nk("show", "Helong")
    assert result.err.splitlines()[1:5] == [
        "  jilin-managers-hostage  2024-01-11/2024-01-14",
        "    Protesting workers in Helong hold…",
        "  jilin-protests-2024  2024-01-11/2024-01-14",
        "    About 2,000 North Korean workers…",
    ]


def test_an_actor_filter_taken_from_a_word_says_which_actor(nk):
    result = nk("timeline", "--actor", "Kim", "--json")
    assert result.code == 0
    assert result.err == "nkwatch: --actor Kim: taken as Kim Jong-un (kim-jong-un)\n"
    assert "kim-putin-vostochny-meeting" in [e["id"] for e in json.loads(result.out)]


def test_an_actor_filter_taken_from_a_misspelling_says_so(nk):
    result = nk("list", "--actor", "Thea Yong-ho", "--json")
    assert result.code == 0
    assert result.err == "nkwatch: --actor Thea Yong-ho: taken as Thae Yong-ho (thae-yong-ho), the closest spelling\n"


def test_an_actor_filter_matching_several_actors_is_a_usage_error_naming_them(nk):
    result = nk("timeline", "--actor", "Ministry")
    assert result.code == 2
    assert result.out == ""
    assert result.err == ("nkwatch: --actor Ministry could be any of 2 actors; give one of their ids:\n"
                          "  ministry-of-unification  Ministry of Unification\n"
                          "  mss  Ministry of State Security\n")


@pytest.mark.parametrize("name", ["Thae Yong-ho", "SSD", "thae-yong-ho", "태영호"])
def test_an_actor_filter_given_exactly_says_nothing(nk, name):
    result = nk("timeline", "--actor", name, "--json")
    assert result.code == 0
    assert result.err == ""


def test_a_country_filter_taken_from_a_misspelling_says_so(nk):
    result = nk("timeline", "--country", "Kuwiat", "--json")
    assert result.code == 0
    assert result.err == "nkwatch: --country Kuwiat: taken as Kuwait (KW), the closest spelling\n"
    assert [e["id"] for e in json.loads(result.out)] == ["worker-deaths-abroad-2016"]
    assert nk("timeline", "--country", "Kuwait", "--json").err == ""


def test_search_gives_the_lookup_what_it_relies_on(bundled):
    """The lookup reads descriptions through the public search: every event holding a word that begins with the
    term, events and figures alike, with no limit. If search stops doing that, this fails."""
    from nkwatch.lookup import search

    def found(term):
        return {h.record.id for h in search(bundled, term) if h.kind == "event"}

    assert found("occup") == {"jilin-protests-2024", "jilin-managers-hostage", "koh-young-hwan-jilin-allegation"}
    assert found("omicron") == {"russia-political-lecture-2021"}
    assert "qatar-worker-account" in found("qatar")
    assert len(found("workers")) > 30


def test_candidates_use_the_room_of_a_wider_terminal(nk, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    lines = nk("show", "Helong").err.splitlines()
    assert lines[1:3] == [
        "  jilin-managers-hostage  2024-01-11/2024-01-14  Protesting workers in Helong hold North Korean…",
        "  jilin-protests-2024  2024-01-11/2024-01-14  About 2,000 North Korean workers occupy factories in…",
    ]
    assert max(len(line) for line in lines) <= 100


def test_punctuation_alone_matches_nothing(nk):
    result = nk("show", "???")
    assert (result.code, result.err) == (3, "nkwatch: no event matches '???'\nTry: nkwatch search \"???\"\n")


def test_match_actor_says_how_a_value_was_taken(bundled):
    from nkwatch.query import Resolved, match_actor

    assert match_actor(bundled, "SSD") == Resolved(("mss",))
    assert match_actor(bundled, "Park") == Resolved(("park-geun-hye",), "--actor Park: taken as Park Geun-hye "
                                                                         "(park-geun-hye)")
    assert match_actor(bundled, "Mokrn").note == "--actor Mokrn: taken as Mokran (mokran), the closest spelling"


def test_match_actor_refuses_a_look_alike(bundled):
    from nkwatch.errors import UsageError
    from nkwatch.query import match_actor

    with pytest.raises(UsageError, match="unknown actor 'Kangsong'"):
        match_actor(bundled, "Kangsong")


def test_match_country_takes_only_a_misspelling_of_one_country(bundled):
    from nkwatch.errors import UsageError
    from nkwatch.query import Resolved, match_country

    assert match_country(bundled, "Qatar") == Resolved(("QA",))
    assert match_country(bundled, "Quatar").values == ("QA",)
    with pytest.raises(UsageError, match="Did you mean:\n  Australia\n  Austria"):
        match_country(bundled, "Austrlia")


def test_a_misspelling_of_a_name_several_events_share_lists_them_as_read(nk):
    result = nk("show", "Mokrn")
    assert result.code == 3
    lines = result.err.splitlines()
    assert lines[0] == "nkwatch: 'Mokrn' (read as 'Mokran') matches 4 events equally well; give one of their ids"
    assert [line.split()[0] for line in lines[1:5]] == ["mokran-earlier-defection", "mokran-group-defection",
                                                          "mokran-managers-recalled", "dailynk-mokran-source-contact"]
    assert lines[5:] == ["Try: nkwatch timeline --actor mokran", "     nkwatch search Mokran"]


def test_an_actor_named_by_several_events_points_to_the_actor_filter(nk):
    result = nk("show", "Kim Jong-un")
    assert result.code == 3
    assert result.err.splitlines()[-2:] == ["Try: nkwatch timeline --actor kim-jong-un",
                                            "     nkwatch search \"Kim Jong-un\""]
