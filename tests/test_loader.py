"""The strict loader: the real dataset loads, and each failure mode gives its exact message with file and line."""

from __future__ import annotations

import time

import pytest

from conftest import with_broken_event
from nkwatch.errors import DataError
from nkwatch.loader import bundled_data_path, load_dataset


def problems_of(dataset_root) -> list[str]:
    """The problem lines a user would see, with the dataset folder left out."""
    with pytest.raises(DataError) as error:
        load_dataset(dataset_root)
    return [str(p).replace(f"{dataset_root}/", "") for p in error.value.problems]


def test_mini_fixture_loads_with_typed_records(mini):
    dataset = load_dataset(mini)
    walkout = dataset.events["tomsk-walkout"]
    assert (walkout.people.min, walkout.people.max) == (6, 10)
    assert walkout.date.start.isoformat() == "2016-08-21"
    assert dataset.figures["tomsk-wage"].value.min == 980
    assert list(dataset.events) == ["kim-defects", "tomsk-walkout", "yanji-strike", "open-ended-arrest"]


def test_bundled_dataset_is_valid():
    dataset = load_dataset(bundled_data_path())
    assert len(dataset.events) >= 5
    assert len(dataset.sources) >= 5


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("duplicate-key", ["events/duplicate-key.yaml:3:1: has the key 'title' twice in one mapping"]),
        ("unknown-field", ["events/unknown-field.yaml:4:1: unknown-field colour: unknown field 'colour'; valid fields "
                           "are: id, title, aliases, date, date_note, places, countries, actors, themes, people, "
                           "summary, sources, attestation, related, discrepancies"]),
        ("bad-date", ["events/bad-date.yaml:3:1: bad-date date: '2016-13-45' has month 13; months run 01 to 12"]),
        ("alias-bomb", ["events/alias-bomb.yaml:1:4: uses the YAML anchor &a; anchors are not allowed"]),
        ("missing-field", ["events/missing-field.yaml:1:1: missing-field: missing required field 'summary'"]),
        ("wrong-type", ["events/wrong-type.yaml:2:1: wrong-type title: expected text, found a list"]),
        ("end-before-start",
         ["events/end-before-start.yaml:3:1: end-before-start date: '2016-09/2016-08' ends before it starts"]),
        ("dangling-reference", [
            "events/dangling-reference.yaml:6:11: dangling-reference actors[0].actor: no actor has the id 'nobody'",
            "events/dangling-reference.yaml:8:12: dangling-reference sources[0].source: no source has the id "
            "'alpha-newz'; did you mean alpha-news?",
        ]),
        ("octal-people", ["events/octal-people.yaml:6:1: octal-people people: expected one number, or a low-high "
                          "range {min, max}, found '017'"]),
        ("id-mismatch",
         ["events/id-mismatch.yaml:1:1: another-name id: id 'another-name' must match the file name 'id-mismatch'"]),
        ("syntax-error", ["events/syntax-error.yaml:4:1: YAML syntax error: found unexpected end of stream "
                          "(while scanning a quoted scalar at line 2, column 8)"]),
        ("empty", ["events/empty.yaml: is empty"]),
        ("not-utf8", ["events/not-utf8.yaml:2: is not UTF-8 text (byte 0xe9)"]),
        ("binary", ["events/binary.yaml:1: is binary (holds NUL bytes), not YAML text"]),
        ("deep-nesting", ["events/deep-nesting.yaml:1:26: nests deeper than 12 levels"]),
        ("bad-country",
         ["events/bad-country.yaml:4:13: bad-country countries[0]: 'XX' is not an ISO 3166-1 alpha-2 country code"]),
    ],
)
def test_each_failure_mode_names_file_line_and_field(mini, case, expected):
    with_broken_event(mini, case)
    assert problems_of(mini) == expected


def test_every_problem_is_collected_before_failing(mini):
    for case in ("unknown-field", "bad-date", "missing-field"):
        with_broken_event(mini, case)
    assert len(problems_of(mini)) == 3


def test_yaml_11_retyping_keeps_text_as_written(mini):
    with_broken_event(mini, "unquoted-date")
    dataset = load_dataset(mini)
    assert dataset.events["unquoted-date"].date.text == "2016-08-25"


def test_unquoted_no_stays_the_country_code_for_norway(mini):
    (mini / "events" / "kim-defects.yaml").write_text(
        (mini / "events" / "kim-defects.yaml").read_text().replace("countries: [GB, KR]", "countries: [NO, KR]"))
    assert load_dataset(mini).events["kim-defects"].countries == ("NO", "KR")


def test_alias_bomb_is_refused_quickly(mini):
    with_broken_event(mini, "alias-bomb")
    started = time.perf_counter()
    problems_of(mini)
    assert time.perf_counter() - started < 1.0


def test_control_characters_and_bidi_overrides_are_dropped(mini):
    path = mini / "events" / "kim-defects.yaml"
    path.write_text(path.read_text().replace("title: Kim Test-ho defects",
                                             'title: "Kim\\e[2J \\u202eTest\\x07-ho defects"'))
    # The escape character goes; what followed it stays, as inert text.
    assert load_dataset(mini).events["kim-defects"].title == "Kim[2J Test-ho defects"


def test_missing_dataset_folder(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(DataError) as error:
        load_dataset(missing)
    assert str(error.value.problems[0]) == f"{missing}: dataset folder does not exist"


def test_a_folder_in_place_of_a_file(mini):
    (mini / "events" / "folder.yaml").mkdir()
    assert problems_of(mini) == ["events/folder.yaml: is a folder, not a YAML file"]


def test_a_file_too_large(mini):
    (mini / "events" / "huge.yaml").write_text("summary: " + "x" * 1_100_000)
    assert problems_of(mini) == ["events/huge.yaml: is 1.1 MB; a record file must be under 1 MB"]


def test_a_reference_to_a_broken_file_says_so(mini):
    (mini / "events" / "yanji-strike.yaml").write_text("id: yanji-strike\ntitle: [\n")
    problems = problems_of(mini)
    assert problems[-1] == ("events/tomsk-walkout.yaml:16:11: tomsk-walkout related[0]: names the event "
                            "'yanji-strike', whose file has problems of its own (listed with it)")
