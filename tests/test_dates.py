"""Every supported date form's start and end, its human form, and the errors for invalid dates."""

from datetime import date

import pytest

from nkwatch.dates import humanize, parse_edtf

FORMS = "YYYY, YYYY-MM, YYYY-MM-DD (each may end in ~ or ?), A/B, ../B or A/.."


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2016", date(2016, 1, 1), date(2016, 12, 31)),
        ("2016-08", date(2016, 8, 1), date(2016, 8, 31)),
        ("2016-02", date(2016, 2, 1), date(2016, 2, 29)),
        ("2016-08-25", date(2016, 8, 25), date(2016, 8, 25)),
        ("2016-08~", date(2016, 8, 1), date(2016, 8, 31)),
        ("2016-08?", date(2016, 8, 1), date(2016, 8, 31)),
        ("2016-08-20/2016-08-31", date(2016, 8, 20), date(2016, 8, 31)),
        ("2024-01/2024-03", date(2024, 1, 1), date(2024, 3, 31)),
        ("2016/2017-06", date(2016, 1, 1), date(2017, 6, 30)),
        ("../2016-10-12", None, date(2016, 10, 12)),
        ("2021-12/..", date(2021, 12, 1), None),
    ],
)
def test_each_form_gives_inclusive_start_and_end(text, start, end):
    parsed = parse_edtf(text)
    assert (parsed.start, parsed.end) == (start, end)


def test_qualifiers_are_kept():
    assert parse_edtf("2016-08~").approximate and not parse_edtf("2016-08~").uncertain
    assert parse_edtf("2016-08?").uncertain and not parse_edtf("2016-08?").approximate
    both = parse_edtf("2016%")
    assert both.approximate and both.uncertain


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2016-13", "'2016-13' has month 13; months run 01 to 12"),
        ("2016-13-45", "'2016-13-45' has month 13; months run 01 to 12"),
        ("2015-02-29", "'2015-02-29' has day 29; Feb 2015 has days 01 to 28"),
        ("2016-09/2016-08", "'2016-09/2016-08' ends before it starts"),
        ("../..", "'../..' is open at both ends; give at least one date"),
        ("Aug 2016", f"'Aug 2016' is not a date; use {FORMS}"),
        ("16-08", f"'16-08' is not a date; use {FORMS}"),
    ],
)
def test_invalid_dates_say_what_is_wrong(text, message):
    with pytest.raises(ValueError) as error:
        parse_edtf(text)
    assert str(error.value) == message


def test_overlap_matches_any_shared_day():
    august = parse_edtf("2016-08")
    assert august.overlaps(date(2016, 8, 15), None)
    assert august.overlaps(None, date(2016, 8, 1))
    assert not august.overlaps(date(2016, 9, 1), None)
    assert not august.overlaps(None, date(2016, 7, 31))
    assert parse_edtf("../2016-10-12").overlaps(None, date(1990, 1, 1))
    assert not parse_edtf("../2016-10-12").overlaps(date(2016, 10, 13), None)


def test_sorting_by_start_then_end():
    texts = ["2016-08-25", "2016", "2016-08", "../2016-01-15", "2016-08-01", "2016-08/.."]
    ordered = sorted(texts, key=lambda t: parse_edtf(t).sort_key())
    assert ordered == ["2016", "../2016-01-15", "2016-08-01", "2016-08", "2016-08/..", "2016-08-25"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2016-04-06", "6 Apr 2016"),
        ("2016-08-21/2016-08-31", "late Aug 2016"),
        ("2016-08-20/2016-08-31", "late Aug 2016"),
        ("2016-08-01/2016-08-10", "early Aug 2016"),
        ("2016-08-11/2016-08-20", "mid Aug 2016"),
        ("2024-01~", "c. Jan 2024"),
        ("2024-01/2024-03", "Jan–Mar 2024"),
        ("2016-10-12/2016-10-18", "12–18 Oct 2016"),
        ("2016-08?", "Aug 2016?"),
        ("../2016-10-12", "by 12 Oct 2016"),
        ("2021-12/..", "from Dec 2021"),
        ("2014", "2014"),
        ("2013/2016", "2013 – 2016"),
    ],
)
def test_humanized_dates(text, words):
    assert humanize(parse_edtf(text)) == words


def test_days_in_month_agrees_with_the_calendar_module():
    import calendar

    from nkwatch.dates import days_in_month

    assert all(days_in_month(year, month) == calendar.monthrange(year, month)[1]
               for year in range(1, 3000) for month in range(1, 13))
