"""Dates with honest precision: the subset of EDTF nkwatch stores, and how a person reads them.

Supported forms: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, each optionally followed by ``~`` (approximate), ``?``
(uncertain) or ``%`` (both); intervals ``A/B``; open ends ``../B`` and ``A/..``. Each date yields inclusive
earliest and latest days (``start``, ``end``; None for an open end).
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from nkwatch.errors import excerpt

# ASCII digits only, matched whole (fullmatch): Python's \d would take Arabic-Indic or full-width digits for a date
# that no EDTF reader accepts.
_SINGLE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([~?%])?")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DATE_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD (each may end in ~ or ?), A/B, ../B or A/.."


class Bound(NamedTuple):
    """One side of a date: a year, month or day, with its qualifiers."""

    year: int
    """The year."""
    month: int | None
    """The month (1–12), or None when only the year is known."""
    day: int | None
    """The day of the month, or None when not known."""
    approximate: bool = False
    """True for ``~``: about this time."""
    uncertain: bool = False
    """True for ``?``: the source is not sure."""

    @property
    def first_day(self) -> date:
        """The earliest day this bound covers."""
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> date:
        """The latest day this bound covers."""
        month = self.month or 12
        return date(self.year, month, self.day or days_in_month(self.year, month))

    @property
    def precision(self) -> str:
        """'year', 'month' or 'day'."""
        return "day" if self.day else "month" if self.month else "year"


class EDTFDate(NamedTuple):
    """A stored date: its text as written and the inclusive range of days it covers."""

    text: str
    """The date as written in the data (EDTF)."""
    lower: Bound | None
    """The first bound (the only one for a single date); None for an open start."""
    upper: Bound | None
    """The second bound of an interval (the same as lower for a single date); None for an open end."""

    @property
    def start(self) -> date | None:
        """The earliest day the date may be, or None when open."""
        return self.lower.first_day if self.lower else None

    @property
    def end(self) -> date | None:
        """The latest day the date may be, or None when open."""
        return self.upper.last_day if self.upper else None

    @property
    def is_interval(self) -> bool:
        """True for ``A/B`` and open-ended forms."""
        return "/" in self.text

    @property
    def approximate(self) -> bool:
        """True when either bound is marked ``~``."""
        return any(b.approximate for b in (self.lower, self.upper) if b)

    @property
    def uncertain(self) -> bool:
        """True when either bound is marked ``?``."""
        return any(b.uncertain for b in (self.lower, self.upper) if b)

    @property
    def precision(self) -> str:
        """The coarsest precision of the bounds: 'day', 'month', 'year' or 'interval'."""
        if self.is_interval:
            return "interval"
        return self.lower.precision if self.lower else "year"

    def sort_key(self) -> tuple[date, date]:
        """Order by start, then end; an open start sorts at its end (the one day known), an open end last."""
        start = self.start or self.end or date.min
        return (start, self.end or date.max)

    def overlaps(self, since: date | None, until: date | None) -> bool:
        """True when any day of this date falls between since and until (inclusive, None = unbounded)."""
        starts_before_until = until is None or self.start is None or self.start <= until
        ends_after_since = since is None or self.end is None or self.end >= since
        return starts_before_until and ends_after_since

    def __str__(self) -> str:
        return self.text


def days_in_month(year: int, month: int) -> int:
    """How many days a month has (calendar.monthrange works out the weekday too, and is 4 times slower)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def parse_bound(text: str) -> Bound:
    """Parse one single date (``2016``, ``2016-08``, ``2016-08-25``, with ``~``/``?``) or raise ValueError."""
    match = _SINGLE.fullmatch(text)
    if not match:
        raise ValueError(f"{excerpt(text)!r} is not a date; use {DATE_FORMS}")
    year, month, day, qualifier = match.groups()
    if year == "0000":  # the one four-digit year Python's dates, and so every export, cannot hold
        raise ValueError(f"{text!r} has year 0000; years run 0001 to 9999")
    bound = Bound(int(year), int(month) if month else None, int(day) if day else None,
                  qualifier == "~" or qualifier == "%", qualifier == "?" or qualifier == "%")
    if bound.month is not None and not 1 <= bound.month <= 12:
        raise ValueError(f"{text!r} has month {month}; months run 01 to 12")
    if bound.day is not None:
        last = days_in_month(bound.year, bound.month)
        if not 1 <= bound.day <= last:
            raise ValueError(f"{text!r} has day {day}; {MONTHS[bound.month - 1]} {year} has days 01 to {last}")
    return bound


def parse_edtf(text: str) -> EDTFDate:
    """Parse a stored date in nkwatch's EDTF subset, written exactly (no spaces or line break around it), or raise
    ValueError saying what is valid."""
    if "/" not in text:
        bound = parse_bound(text)
        return EDTFDate(text, bound, bound)
    left, _, right = text.partition("/")
    if left == ".." and right == "..":
        raise ValueError(f"{excerpt(text)!r} is open at both ends; give at least one date")
    lower = None if left == ".." else parse_bound(left)
    upper = None if right == ".." else parse_bound(right)
    if lower and upper and upper.last_day < lower.first_day:
        raise ValueError(f"{text!r} ends before it starts")
    return EDTFDate(text, lower, upper)


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")


class _Wording(NamedTuple):
    """How dates are written: short for listings ('5–7 Apr 2016'), long for an event's page ('5 to 7 April 2016')."""

    months: tuple[str, ...]
    dash: str
    """Between two days or months that share the rest."""
    between: str
    """Between two whole bounds."""
    approximate: str
    uncertain: str


SHORT = _Wording(MONTHS, "–", " – ", "c. {}", "{}?")
LONG = _Wording(MONTH_NAMES, " to ", " to ", "about {}", "{} (uncertain)")


def year_words(year: int) -> str:
    """A year that cannot be misread: years below 1000 say 'AD' so that 99 is never taken for 1999."""
    if year >= 1000:
        return str(year)
    return f"AD {year}" if year > 0 else f"{1 - year} BC"


def _bound_words(bound: Bound, style: _Wording = SHORT) -> str:
    year = year_words(bound.year)
    if bound.day:
        return f"{bound.day} {style.months[bound.month - 1]} {year}"
    if bound.month:
        return f"{style.months[bound.month - 1]} {year}"
    return year


def _qualified(words: str, approximate: bool, uncertain: bool, style: _Wording) -> str:
    if approximate:
        words = style.approximate.format(words)
    return style.uncertain.format(words) if uncertain else words


def _bound_qualified(bound: Bound, style: _Wording) -> str:
    return _qualified(_bound_words(bound, style), bound.approximate, bound.uncertain, style)


def _part_of_month(lower: Bound, upper: Bound, style: _Wording) -> str | None:
    """'early Aug 2016' and the like, for day intervals that cover a conventional part of one month."""
    if not (lower.day and upper.day) or (lower.year, lower.month) != (upper.year, upper.month):
        return None
    month = f"{style.months[lower.month - 1]} {year_words(lower.year)}"
    part = PARTS_OF_MONTH.get((lower.day, upper.day)) or (
        "late" if (lower.day, upper.day) in ((21, days_in_month(lower.year, lower.month)),
                                             (20, days_in_month(lower.year, lower.month))) else None)
    return f"{part} {month}" if part else None


PARTS_OF_MONTH = {(1, 10): "early", (11, 20): "mid", (1, 15): "first half of"}
"""Day spans of one month that have a name; 'late' runs from the 21st (or 20th) to the month's last day."""


def _interval_words(lower: Bound, upper: Bound, style: _Wording) -> str:
    part = _part_of_month(lower, upper, style)
    if part:
        return part
    same_year = lower.year == upper.year and lower.precision == upper.precision
    months = style.months
    if same_year and lower.precision == "month":
        return f"{months[lower.month - 1]}{style.dash}{months[upper.month - 1]} {year_words(lower.year)}"
    if same_year and lower.precision == "day":
        if lower.month == upper.month:
            return f"{lower.day}{style.dash}{upper.day} {months[lower.month - 1]} {year_words(lower.year)}"
        return (f"{lower.day} {months[lower.month - 1]}{style.between}{upper.day} {months[upper.month - 1]} "
                f"{year_words(lower.year)}")
    return _whole_bounds(lower, upper, style)


def _whole_bounds(lower: Bound, upper: Bound, style: _Wording) -> str:
    return f"{_bound_words(lower, style)}{style.between}{_bound_words(upper, style)}"


def humanize(value: EDTFDate, style: _Wording = SHORT) -> str:
    """The date as a person writes it, saying exactly what the EDTF says: '6 Apr 2016', 'late Aug 2016',
    'c. Jan 2024', 'Jan–Mar 2024', '2016 – c. 2017' (a qualifier stays on the end it qualifies)."""
    lower, upper = value.lower, value.upper
    if lower is None:
        return f"by {_bound_qualified(upper, style)}"
    if upper is None:
        return f"from {_bound_qualified(lower, style)}"
    if lower == upper:
        return _bound_qualified(lower, style)
    qualifiers = {(lower.approximate, lower.uncertain), (upper.approximate, upper.uncertain)}
    if qualifiers == {(False, False)}:
        return _interval_words(lower, upper, style)
    if len(qualifiers) == 1 and SHORT.between not in _interval_words(lower, upper, SHORT):
        # One span written as one ('c. Jan–Mar 2024'): a qualifier in front reads as qualifying the whole.
        return _qualified(_interval_words(lower, upper, style), lower.approximate, lower.uncertain, style)
    return f"{_bound_qualified(lower, style)}{style.between}{_bound_qualified(upper, style)}"


def date_in_words(value: EDTFDate) -> str:
    """The date written out for an event's page: '5 to 7 April 2016', 'about January 2024'."""
    return humanize(value, LONG)


def precision_words(value: EDTFDate) -> str:
    """How precisely the date is known, in words: 'to the day', 'to the month at the start, to the day at the end'."""
    known = [b for b in (value.lower, value.upper) if b]
    if value.lower and value.upper and value.lower.precision != value.upper.precision:
        return f"to the {value.lower.precision} at the start, to the {value.upper.precision} at the end"
    words = f"to the {known[0].precision}"
    if value.lower is None:
        return f"{words}; no earliest day known"
    return f"{words}; no latest day known" if value.upper is None else words


def as_of_words(value: EDTFDate) -> str:
    """When a figure held, as a phrase: 'as of 9 May 2021', 'by 9 May 2021', 'from Dec 2021 on'."""
    words = humanize(value)
    if value.lower is None:
        return words
    return f"{words} on" if value.upper is None else f"as of {words}"
