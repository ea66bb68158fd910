"""Markdown: a dated list ready to paste into a report, each event citing its sources as footnotes (``[^1]``).

Data is text, never markup: characters Markdown reads (``* _ [ ] < > | ` ~ &`` and backslash, and a ``#``, ``-``,
``+``, ``>`` or ``1.`` that starts a line) are backslash-escaped, and whitespace runs become one space, so a title
cannot open a link, a table cell, raw HTML or a heading. Each source gets one footnote number, in order of first
citation; the footnotes follow the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO

from nkwatch.models import Dataset, Event
from nkwatch.serialize import event_dict, people_text
from nkwatch.textnorm import strip_unsafe

_INLINE = re.compile(r"([\\`*_\[\]<>|~&!])")
_LINE_START = re.compile(r"^[#+\->=]")
_ORDERED = re.compile(r"^(\d+)([.)])")
_SPACES = re.compile(r"\s+")
_AUTOLINK_SAFE = re.compile(r"https?://[^\s<>]+", re.IGNORECASE)


def escape(text: str) -> str:
    """Text that Markdown shows as the characters it is: special characters escaped, on one line."""
    one_line = _SPACES.sub(" ", strip_unsafe(text)).strip()
    return _INLINE.sub(r"\\\1", one_line)


def escape_paragraph(text: str) -> str:
    """Like escape, and a character that would start a heading, list or quote at the line's start escaped too."""
    return _ORDERED.sub(r"\1\\\2", _LINE_START.sub(r"\\\g<0>", escape(text)))


def footnote_text(source: dict) -> str:
    """A source as a footnote: publisher, title in quotes, publication date, and its address as an autolink."""
    parts = [escape(source["publisher"]), f"“{escape(source['title'])}”", escape(source["published"])]
    url = source["url"]
    if url and _AUTOLINK_SAFE.fullmatch(url):
        parts.append(f"<{url}>")
    elif url:
        parts.append(escape(url))
    return ", ".join(parts)


def event_item(data: dict, notes: str, people: str) -> str:
    """One event as a list item: date, title, places and countries, head count, footnote marks, then its summary."""
    from nkwatch.countries import country_name

    where = [p["name"] for p in data["places"]] + [country_name(c) for c in data["countries"]]
    count = f"{people} {'person' if people == '1' else 'people'}" if people else ""
    details = "; ".join(filter(None, [", ".join(where), count]))
    line = f"- **{escape(data['date_display'])}** — {escape(data['title'])}"
    line += f" ({escape(details)})" if details else ""
    return f"{line}{notes}\n\n  {escape_paragraph(data['summary'])}\n\n"


def _marks(data: dict, numbers: dict[str, tuple[int, dict]]) -> str:
    """Footnote marks for an event's sources, numbering sources not seen before."""
    marks = []
    for source in data["sources"]:
        if source["id"] not in numbers:
            numbers[source["id"]] = (len(numbers) + 1, source)
        marks.append(f"[^{numbers[source['id']][0]}]")
    return "".join(dict.fromkeys(marks))


def write_markdown(dataset: Dataset, events: Iterable[Event], stream: TextIO) -> int:
    """Write events as a Markdown dated list with footnoted sources; return how many were written."""
    stream.write("# Events\n\n")
    numbers: dict[str, tuple[int, dict]] = {}
    count = 0
    for event in events:
        data = event_dict(dataset, event)
        stream.write(event_item(data, _marks(data, numbers), people_text(event.people)))
        count += 1
    if not count:
        stream.write("No events match.\n")
    for number, source in numbers.values():
        stream.write(f"[^{number}]: {footnote_text(source)}\n")
    return count
