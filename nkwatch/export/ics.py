"""iCalendar (RFC 5545): one all-day VEVENT per event, so that a timeline can be laid over a calendar.

All-day dates (``DTSTART;VALUE=DATE``) with an exclusive ``DTEND`` (the day after the last day). An event open at
one end keeps its openness: it spans the part that is known, the whole of its one bound ("from December 2011" covers
December 2011, "by 18 October 2016" that day), and its summary says "from …" or "by …" after the title, so that no
calendar shows a bare day or month the sources do not give as the event's date. Lines end in CRLF and are folded at
75 octets without splitting a UTF-8 character; TEXT values escape backslash, semicolon, comma and newline. ``UID``
is ``<event id>@nkwatch`` and ``DTSTAMP`` comes from the data (the latest publication day of the event's sources),
never from the clock, so the output is reproducible.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, TextIO

from nkwatch import __version__
from nkwatch.models import Dataset, Event
from nkwatch.serialize import event_dict, people_text
from nkwatch.textnorm import strip_unsafe

if TYPE_CHECKING:
    from nkwatch.export.about import About

LINE_OCTETS = 75
CRLF = "\r\n"
_NOT_IN_URI = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newlines escaped, control characters dropped."""
    clean = strip_unsafe(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return clean.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded into CRLF-separated pieces of at most 75 octets, each after the first led by a space."""
    pieces: list[str] = []
    current, size, limit = [], 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces) + CRLF


def _day(value: date) -> str:
    # Written out rather than with strftime, which gives year 1 as "1", not "0001", on some platforms.
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def day_span(event: Event) -> tuple[date, date | None]:
    """The first day and the exclusive end (the day after the last) of an event; for an event open at one end, the
    whole of the bound it has (its year, month or day). The end is None when the last day is 31 Dec 9999, the last
    day a date can name."""
    lower, upper = event.date.lower, event.date.upper
    known = lower or upper
    first = lower.first_day if lower else known.first_day
    last = upper.last_day if upper else known.last_day
    return first, (last + timedelta(days=1) if last < date.max else None)


def end_line(first: date, after: date | None) -> str:
    """DTEND, or where the day after the event cannot be written (after 9999-12-31), DURATION in days."""
    if after is not None:
        return f"DTEND;VALUE=DATE:{_day(after)}"
    return f"DURATION:P{(date.max - first).days + 1}D"


def is_open(event: Event) -> bool:
    """True when the sources give only one end of the event's date."""
    return event.date.lower is None or event.date.upper is None


def summary(event: Event) -> str:
    """The title, and for an open date what is known of it: 'Exports grow (from December 2011)'."""
    if not is_open(event):
        return event.title
    from nkwatch.export.about import report_date

    return f"{event.title} ({report_date(event.date)})"


def stamp(dataset: Dataset, event: Event) -> str:
    """DTSTAMP from the data: midnight UTC of the latest day the event's sources were published (or its first day)."""
    days = [d for ref in event.sources if ref.source in dataset.sources
            for d in (dataset.sources[ref.source].published.end, dataset.sources[ref.source].published.start) if d]
    return _day(max(days) if days else day_span(event)[0]) + "T000000Z"


def openness_note(event: Event) -> str | None:
    """For an open date, a line saying what the calendar entry spans and why."""
    lower, upper = event.date.lower, event.date.upper
    if lower is None:
        return f"The sources say only that it happened by then; the calendar shows that {upper.precision}."
    if upper is None:
        return f"The sources give when it began, not when it ended; the calendar shows the {lower.precision} it began."
    return None


def description(data: dict, people: str, note: str | None = None) -> str:
    """The event's date as a person reads it, summary, head count, date note and sources, as plain text lines."""
    lines = [f"When: {data['date_display']}", *([note] if note else []), "", data["summary"]]
    if people:
        lines.append(f"People: {people}")
    if data["date_note"]:
        lines.append(f"Date: {data['date_note']}")
    lines += ["", "Sources:"]
    lines += [f"- {s['publisher']}, {s['title']}, {s['published']}" + (f", {s['url']}" if s["url"] else "")
              for s in data["sources"]]
    return "\n".join(lines)


def _first_link(data: dict) -> str | None:
    """The first http(s) source address, with any whitespace or control character removed."""
    url = next((s["url"] for s in data["sources"] if (s["url"] or "").startswith(("http://", "https://"))), None)
    return _NOT_IN_URI.sub("", url) if url else None


def event_lines(dataset: Dataset, event: Event) -> Iterator[str]:
    """The unfolded content lines of one VEVENT."""
    data = event_dict(dataset, event)
    first, after = day_span(event)
    yield "BEGIN:VEVENT"
    yield f"UID:{event.id}@nkwatch"
    yield f"DTSTAMP:{stamp(dataset, event)}"
    yield f"DTSTART;VALUE=DATE:{_day(first)}"
    yield end_line(first, after)
    yield f"SUMMARY:{escape_text(summary(event))}"
    yield f"DESCRIPTION:{escape_text(description(data, people_text(event.people), openness_note(event)))}"
    if data["places"]:
        yield f"LOCATION:{escape_text('; '.join(p['name'] for p in data['places']))}"
    located = next((p for p in data["places"] if p["lat"] is not None and p["lon"] is not None), None)
    if located:
        yield f"GEO:{located['lat']};{located['lon']}"
    if data["themes"]:
        yield "CATEGORIES:" + ",".join(escape_text(t) for t in data["themes"])
    link = _first_link(data)
    if link:
        yield f"URL;VALUE=URI:{link}"
    yield "END:VEVENT"


HEADER = ("BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//nkwatch//nkwatch {__version__}//EN", "CALSCALE:GREGORIAN",
          "X-WR-CALNAME:nkwatch")


def write_ics(dataset: Dataset, events: Iterable[Event], stream: TextIO, *, about: About | None = None) -> int:
    """Write events as an iCalendar file of all-day events; return how many were written."""
    for line in HEADER:
        stream.write(fold(line))
    count = 0
    for event in events:
        for line in event_lines(dataset, event):
            stream.write(fold(line))
        count += 1
    stream.write(fold("END:VCALENDAR"))
    return count
