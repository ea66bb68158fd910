"""Dates as people type them: the documented numeric forms and plain English, and nothing that needs a guess.

Accepted: ``2016``, ``2016-08``, ``2016-08-25``, ``Aug 2016``, ``August 2016``, ``25 Aug 2016``, ``August 25, 2016``
and ``early``/``mid``/``late`` before a month (``late Aug 2016``). Refused, with the accepted forms: two-digit years
(``16-08-20``), day and month in digits both ways round (``10/12/2016``), and anything else the parser would have to
guess at. Each accepted date becomes the EDTF text nkwatch stores, so what is read is exactly what is shown.
"""

from __future__ import annotations

import re

from nkwatch.dates import MONTH_NAMES, days_in_month

ACCEPTED_FORMS = "2016, 2016-08, 2016-08-25, Aug 2016, 25 Aug 2016, August 25, 2016 or late Aug 2016"
"""The forms a filter date may take, as the error messages list them."""

_NUMERIC = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_PART = r"(?:(early|mid|late)\s+)?"
_MONTH = r"([a-z]{3,9})\.?"
_DAY_FIRST = re.compile(rf"{_PART}(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?{_MONTH},?\s+(\d{{4}})")
_MONTH_FIRST = re.compile(rf"{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})")
_PART_DAYS = {"early": (1, 10), "mid": (11, 20)}


def _month_number(word: str) -> int | None:
    """1–12 for a month's name or its first three letters or more (sept, august), else None."""
    for number, name in enumerate(MONTH_NAMES, 1):
        if name.lower().startswith(word) and len(word) >= 3:
            return number
    return None


def _edtf_day(year: int, month: int, day: int | None) -> str:
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= days_in_month(year, month):
        raise ValueError(f"{MONTH_NAMES[month - 1]} {year} has no day {day}")
    return f"{year:04d}-{month:02d}-{day:02d}"


def _part_of_month(part: str, year: int, month: int) -> str:
    first, last = _PART_DAYS.get(part, (21, days_in_month(year, month)))
    return f"{_edtf_day(year, month, first)}/{_edtf_day(year, month, last)}"


def _english(text: str) -> str | None:
    """EDTF for an English date, or None when the text is not one of the English forms."""
    lowered = " ".join(text.lower().split())
    match = _DAY_FIRST.fullmatch(lowered)
    if match:
        part, day, month_word, year = match.groups()
        month = _month_number(month_word)
        if month is None or (part and day):
            return None
        if part:
            return _part_of_month(part, int(year), month)
        return _edtf_day(int(year), month, int(day) if day else None)
    match = _MONTH_FIRST.fullmatch(lowered)
    if match:
        month_word, day, year = match.groups()
        month = _month_number(month_word)
        return None if month is None else _edtf_day(int(year), month, int(day))
    return None


def _why_refused(text: str) -> str:
    if "/" in text and re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2,4}", text):
        return "could be day or month first"
    if "/" in text or ".." in text:
        return "is an interval; give one date (use --since and --until for both ends)"
    if any(mark in text for mark in "~?%"):
        return "carries a qualifier (~ ? %), which a filter cannot honour"
    if not re.search(r"\d{4}", text) and any(_month_number(w) for w in re.findall(r"[a-z]+", text.lower())):
        return "has no year"
    if re.fullmatch(r"\d{1,2}([-./])\d{1,2}\1\d{1,2}", text) or re.search(r"(^|\D)\d{2}$", text):
        return "has a two-digit year"
    return "is not a date"


def loose_date(text: str) -> str:
    """The EDTF text for a date typed as a filter takes it (see ACCEPTED_FORMS), or ValueError saying why not."""
    value = text.strip()
    if _NUMERIC.fullmatch(value):
        from nkwatch.dates import parse_edtf

        parse_edtf(value)  # months and days in range
        return value
    try:
        edtf = _english(value)
    except ValueError as error:
        raise ValueError(f"{value!r}: {error}") from None
    if edtf is None:
        raise ValueError(f"{value!r} {_why_refused(value)}; write it as {ACCEPTED_FORMS}")
    return edtf
