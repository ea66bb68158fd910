"""Dates in words say exactly what the EDTF says; filter dates are read only when nothing must be guessed."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from clirun import run
from nkwatch.dates import as_of_words, date_in_words, humanize, parse_edtf, precision_words
from nkwatch.errors import UsageError
from nkwatch.query import parse_user_date


@pytest.mark.parametrize(("text", "words"), [
    ("2016/2017~", "2016 – c. 2017"),
    ("2016?/2017", "2016? – 2017"),
    ("2016~/2017~", "c. 2016 – c. 2017"),
    ("2016-02-10~/2016-10-18~", "c. 10 Feb 2016 – c. 18 Oct 2016"),
    ("2024-01~/2024-03~", "c. Jan–Mar 2024"),
    ("0099-05", "May AD 99"),
    ("0999", "AD 999"),
    ("2016-08/2016-08", "Aug 2016"),
    ("2016-08-05/2016-08-05", "5 Aug 2016"),
    ("2016-02-10/2016-10-18", "10 Feb – 18 Oct 2016"),
    ("2015-11/2016-02", "Nov 2015 – Feb 2016"),
    ("../2016~", "by c. 2016"),
    ("2016%", "c. 2016?"),
])
def test_words_say_what_the_edtf_says(text, words):
    assert humanize(parse_edtf(text)) == words


def test_an_event_page_writes_the_date_out_with_its_precision():
    value = parse_edtf("2016-04-05/2016-04-07")
    assert f"{date_in_words(value)}, {precision_words(value)}" == "5 to 7 April 2016, to the day"
    assert date_in_words(parse_edtf("2016/2017~")) == "2016 to about 2017"
    assert precision_words(parse_edtf("2016-07/2016-10-17")) == "to the month at the start, to the day at the end"


@pytest.mark.parametrize(("text", "words"), [
    ("2021-05-09", "as of 9 May 2021"), ("../2021-05-09", "by 9 May 2021"), ("2021-12/..", "from Dec 2021 on")])
def test_figures_say_when_they_held_without_doubled_words(text, words):
    assert as_of_words(parse_edtf(text)) == words


@pytest.mark.parametrize(("text", "first", "last"), [
    ("2016", date(2016, 1, 1), date(2016, 12, 31)),
    ("Aug 2016", date(2016, 8, 1), date(2016, 8, 31)),
    ("25 August 2016", date(2016, 8, 25), date(2016, 8, 25)),
    ("August 25, 2016", date(2016, 8, 25), date(2016, 8, 25)),
    ("late Aug 2016", date(2016, 8, 21), date(2016, 8, 31)),
    ("sept 2016", date(2016, 9, 1), date(2016, 9, 30)),
])
def test_filter_dates_in_the_documented_forms_and_plain_english(text, first, last):
    assert (parse_user_date(text, end=False), parse_user_date(text, end=True)) == (first, last)


@pytest.mark.parametrize(("text", "why"), [
    ("16-08-20", "has a two-digit year"),
    ("10/12/2016", "could be day or month first"),
    ("2016-08-20/2016-08-31", "is an interval"),
    ("2016-08~", "carries a qualifier"),
    ("early 2016", "is not a date"),
])
def test_filter_dates_that_need_a_guess_are_refused(text, why):
    with pytest.raises(UsageError, match=why):
        parse_user_date(text, end=False, option="--since")


def test_a_refused_filter_date_lists_the_forms_and_exits_2(capsys):
    result = run(capsys, "timeline", "--since", "10/12/2016")
    assert result.code == 2
    assert result.err == ("nkwatch: --since: '10/12/2016' could be day or month first; write it as 2016, 2016-08, "
                          "2016-08-25, Aug 2016, 25 Aug 2016, August 25, 2016 or late Aug 2016\n")


def _bound_text(year, month, day, qualifier):
    text = f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if month and day else "")
    return text + qualifier


BOUNDS = st.tuples(st.integers(1, 2100), st.none() | st.integers(1, 12), st.none() | st.integers(1, 28),
                   st.sampled_from(["", "~", "?", "%"]))


@given(BOUNDS, BOUNDS)
def test_words_never_double_a_month_and_keep_each_qualifier_on_its_end(lower, upper):
    text = f"{_bound_text(*lower)}/{_bound_text(*upper)}"
    try:
        value = parse_edtf(text)
    except ValueError:
        assume(False)
    words = humanize(value)
    assert not re.search(r"\b([A-Z][a-z]{2})–\1\b", words), words
    if any(b.year < 1000 for b in (value.lower, value.upper)):
        assert "AD " in words or "BC" in words, words
    marks = [(b.approximate, b.uncertain) for b in (value.lower, value.upper)]
    if marks[0] != marks[1]:
        assert words.count("c. ") == sum(a for a, _ in marks), words
        assert words.count("?") == sum(u for _, u in marks), words
