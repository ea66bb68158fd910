"""Filters, lookup and search as plain functions over the fixture dataset."""

from __future__ import annotations

from datetime import date

import pytest

from nkwatch.errors import NotFoundError, UsageError
from nkwatch.loader import load_dataset
from nkwatch.lookup import find_event, search
from nkwatch.query import Filters, facet_counts, parse_user_date, resolve_filters, select_events, sort_events


@pytest.fixture
def data(mini):
    return load_dataset(mini)


@pytest.mark.parametrize(("text", "end", "day"), [
    ("2016", False, date(2016, 1, 1)), ("2016", True, date(2016, 12, 31)),
    ("2016-02", True, date(2016, 2, 29)), ("2016-08-25", False, date(2016, 8, 25)),
    ("Aug 2016", False, date(2016, 8, 1)), ("Aug 2016", True, date(2016, 8, 31)),
    ("25 August 2016", True, date(2016, 8, 25)), ("August 25, 2016", False, date(2016, 8, 25)),
])
def test_user_dates_cover_what_they_name(text, end, day):
    assert parse_user_date(text, end=end) == day


def test_a_date_without_a_year_is_refused_not_filled_from_today():
    with pytest.raises(UsageError, match="has no year"):
        parse_user_date("August", end=False)


def test_resolve_filters_turns_names_into_codes_and_ids(data):
    filters = resolve_filters(data, country=["Russian Federation", "rus"], actor=["Acme"], theme=["DEFECTION"],
                              source=["Alpha News"], since="2016", until="Aug 2016")
    assert filters == Filters(countries=("RU",), actors=("acme-works",), themes=("defection",),
                              since=date(2016, 1, 1), until=date(2016, 8, 31), sources=("alpha-news",))


def test_until_before_since_is_a_usage_error(data):
    with pytest.raises(UsageError, match="--until 2015 is before --since 2016"):
        resolve_filters(data, since="2016", until="2015")


def test_select_and_sort(data):
    events = select_events(data, Filters(countries=("RU",)))
    assert [e.id for e in events] == ["tomsk-walkout", "open-ended-arrest"]
    assert [e.id for e in sort_events(list(data.events.values()), "people")][:2] == ["yanji-strike", "tomsk-walkout"]
    with pytest.raises(UsageError, match="unknown sort key 'size'"):
        sort_events([], "size")


def test_facets_count_each_event_once(data):
    assert dict(facet_counts(data, data.events.values(), "theme")) == {"defection": 2, "protest": 1, "arrest": 1}


def test_find_event_never_picks_one_of_a_tie(mini):
    for name, alias in (("kim-defects", "Twin"), ("yanji-strike", "twin")):
        path = mini / "events" / f"{name}.yaml"
        path.write_text(path.read_text().replace("\ndate:", f"\naliases: [{alias}]\ndate:"))
    with pytest.raises(NotFoundError) as error:
        find_event(load_dataset(mini), "TWIN")
    assert str(error.value) == "'TWIN' matches 2 events equally well; give one of their ids"
    assert [row[0] for row in error.value.candidates] == ["kim-defects", "yanji-strike"]


def test_find_event_with_nothing_close_lists_nothing_unrelated(data):
    with pytest.raises(NotFoundError) as error:
        find_event(data, "qqqzzz")
    assert str(error.value) == "no event matches 'qqqzzz'"
    assert error.value.candidates == []
    assert error.value.hints == ["nkwatch search qqqzzz"]


def test_find_event_exact_title_beats_fuzzy(data):
    assert find_event(data, "WORKERS STRIKE IN YANJI").id == "yanji-strike"


def test_search_requires_every_word_and_ranks_title_over_summary(data):
    hits = search(data, "strike")
    assert [h.record.id for h in hits] == ["yanji-strike"]
    assert search(data, "strike tomsk") == []
