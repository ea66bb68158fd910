"""What an export holds, in words: the selection its filters made, the day it was made and the dataset it came from.

The export command builds one ``About`` from the resolved filters (``describe``) and hands it to every writer, so
that a Markdown report, an HTML page or a TimelineJS title slide can say what it shows: "North Korean workers
abroad: Russia, defection, from Aug 2016". The day made is today in UTC, or the day of ``SOURCE_DATE_EPOCH``
(seconds since 1970, the reproducible-builds convention) when that is set, so that tests and builds can fix it.
Dates are written for a reader (``report_date``): month names in full, "about" for ``~``, "(uncertain)" for ``?``.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple

from nkwatch import __version__
from nkwatch.dates import MONTHS, EDTFDate, days_in_month, humanize
from nkwatch.errors import UsageError
from nkwatch.models import Dataset

SUBJECT = "North Korean workers abroad"
"""What every export is about; the title adds the selection."""

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")
_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")


class About(NamedTuple):
    """An export's selection, the day it was made and its dataset, in words."""

    title: str
    """The subject and the selection: 'North Korean workers abroad: Russia, defection'."""
    filters: tuple[tuple[str, str], ...]
    """Each filter given, as (what it filters, its values in words): ('Countries', 'Russia or China')."""
    made: date
    """The day (UTC) the export was made."""
    dataset: str
    """The dataset it came from: 'the dataset bundled with nkwatch 0.1.0' or 'the dataset in folder mini'."""

    @property
    def made_text(self) -> str:
        """The day made, in words: '1 December 2026'."""
        return day_words(self.made)

    @property
    def selection_text(self) -> str:
        """The selection as a phrase ('events concerning Russia, tagged defection'), 'every event in the dataset'
        without filters."""
        phrases = [_SENTENCE_FORMS[name].format(value) for name, value in self.filters]
        return "events " + ", ".join(phrases) if phrases else "every event in the dataset"

    @property
    def made_line(self) -> str:
        """'Made on 1 December 2026 (UTC) with nkwatch 0.1.0 from the dataset bundled with nkwatch 0.1.0.'"""
        return f"Made on {self.made_text} (UTC) with nkwatch {__version__} from {self.dataset}."

    def as_dict(self) -> dict:
        """The description as JSON-ready data, for the pages and files that carry it."""
        return {"title": self.title, "selection": self.selection_text,
                "filters": [{"name": name, "value": value} for name, value in self.filters],
                "made": self.made.isoformat(), "made_text": self.made_text, "made_line": self.made_line,
                "dataset": self.dataset}


def made_today() -> date:
    """Today in UTC, or the day of SOURCE_DATE_EPOCH when it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime.now(UTC).date()
    try:
        return datetime.fromtimestamp(int(epoch), UTC).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970") from None


def day_words(day: date) -> str:
    """A day as a person writes it: '1 December 2026'."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def report_date(value: EDTFDate) -> str:
    """A stored date for a reader, to the precision known: 'late August 2016', 'by 11 March 2024', 'about
    January 2024', '2016 (uncertain)'."""
    words = humanize(value)
    uncertain = words.endswith("?")
    words = _MONTH.sub(lambda match: MONTH_NAMES[MONTHS.index(match.group())], words.removesuffix("?"))
    if words.startswith("c. "):
        words = "about " + words[3:]
    return words + (" (uncertain)" if uncertain else "")


def _bound_words(day: date, end: bool) -> str:
    """A --since day (end=False) or --until day (end=True) as the year, month or day it names."""
    month_end = days_in_month(day.year, day.month)
    if (day.month, day.day) == ((12, 31) if end else (1, 1)):
        return str(day.year)
    if day.day == (month_end if end else 1):
        return f"{MONTH_NAMES[day.month - 1]} {day.year}"
    return day_words(day)


def dates_words(since: date | None, until: date | None) -> str:
    """The date filter in words: '2016', 'from August 2016', 'to 2018', '2016 to March 2018'."""
    if since and until:
        first, last = _bound_words(since, False), _bound_words(until, True)
        return first if first == last else f"{first} to {last}"
    return f"from {_bound_words(since, False)}" if since else f"to {_bound_words(until, True)}"


def _any_of(values) -> str:
    values = list(values)
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def filter_words(dataset: Dataset, filters) -> tuple[tuple[str, str], ...]:
    """Each filter given, named and in words, in the order the title lists them."""
    from nkwatch.countries import country_name

    named = []
    if filters.countries:
        named.append(("Countries", _any_of(country_name(c) for c in filters.countries)))
    if filters.themes:
        named.append(("Themes", _any_of(filters.themes)))
    if filters.actors:
        named.append(("Actors", _any_of(dataset.actors[a].name if a in dataset.actors else a
                                        for a in filters.actors)))
    if filters.sources:
        named.append(("Sources", _any_of(_source_words(dataset, s) for s in filters.sources)))
    if filters.since or filters.until:
        named.append(("Dates", dates_words(filters.since, filters.until)))
    if filters.texts:
        named.append(("Text", _any_of(f"“{text}”" for text in filters.texts)))
    if filters.limit is not None:
        named.append(("Limit", f"the first {filters.limit}"))
    return tuple(named)


def _source_words(dataset: Dataset, source_id: str) -> str:
    source = dataset.sources.get(source_id)
    return source_id if source is None else f"{source.publisher} (“{source.title}”)"


_SENTENCE_FORMS = {"Countries": "concerning {}", "Themes": "tagged {}", "Actors": "involving {}",
                   "Sources": "citing {}", "Dates": "dated {}", "Text": "mentioning {}", "Limit": "{} in date order"}
_TITLE_FORMS = {"Countries": "{}", "Themes": "{}", "Actors": "involving {}", "Sources": "as told by {}",
                "Dates": "{}", "Text": "mentioning {}", "Limit": "{}"}


def title_words(filters: tuple[tuple[str, str], ...], dataset: Dataset, source_ids=()) -> str:
    """The title: the subject, then the selection ('North Korean workers abroad: Russia, defection, 2016')."""
    parts = []
    for name, value in filters:
        if name == "Sources":
            value = _any_of(dict.fromkeys(dataset.sources[s].publisher if s in dataset.sources else s
                                          for s in source_ids))
        parts.append(_TITLE_FORMS[name].format(value))
    return f"{SUBJECT}: " + ", ".join(parts) if parts else f"{SUBJECT}: a timeline"


def dataset_words(dataset: Dataset) -> str:
    """The dataset in words, without the path above its folder (a report should not carry a user's home path)."""
    from nkwatch.loader import bundled_data_path

    root = Path(dataset.root)
    try:
        bundled = root.resolve() == bundled_data_path().resolve()
    except OSError:
        bundled = False
    counts = f"{len(dataset.events)} events, {len(dataset.sources)} sources"
    if bundled:
        return f"the dataset bundled with nkwatch {__version__} ({counts})"
    return f"the dataset in folder {root.name or root} ({counts})"


def describe(dataset: Dataset, filters=None) -> About:
    """The About of an export of the events these filters select (every event without filters)."""
    from nkwatch.query import Filters

    filters = filters or Filters()
    named = filter_words(dataset, filters)
    return About(title_words(named, dataset, filters.sources), named, made_today(), dataset_words(dataset))
