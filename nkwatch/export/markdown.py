"""Markdown: a report that stands on its own, ready to paste into a document or to render with any Markdown viewer.

The report opens with a title naming the selection, the day it was made and the dataset it came from. Events follow
under a heading per year, oldest first: each with its date in words to the precision the sources give ("late August
2016", "by 11 March 2024"), its places and countries, its summary, who asserts it and through which outlets, the
points on which its sources disagree and how the record resolves them, and its sources as numbers in brackets. The
numbered sources close the report, with full titles, publishers, authors, publication dates in words and addresses.

Only CommonMark is used (headings, paragraphs, lists, emphasis, autolinks), so the report reads the same in every
viewer and as plain text: sources are cited as ``[1]`` with the brackets escaped, not as footnotes, which plain
CommonMark would show as ``[^1]``. Data is text, never markup: characters Markdown reads (``* _ [ ] < > | ` ~ &``
and backslash, a ``#`` in a heading, and a ``#``, ``-``, ``+``, ``>`` or ``1.`` that starts a line) are
backslash-escaped, and whitespace runs become one space, so a title cannot open a link, a table cell, raw HTML or a
heading. Only a source's own words (``Claim.quoted``) are put in quotation marks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from nkwatch.models import Dataset, Event
from nkwatch.serialize import claim_text, people_text
from nkwatch.textnorm import strip_unsafe

if TYPE_CHECKING:
    from nkwatch.export.about import About

_INLINE = re.compile(r"([\\`*_\[\]<>|~&!])")
_LINE_START = re.compile(r"^[#+\->=]")
_ORDERED = re.compile(r"^(\d+)([.)])")
_SPACES = re.compile(r"\s+")
_AUTOLINK_SAFE = re.compile(r"https?://[^\s<>]+", re.IGNORECASE)

BASIS_WORDS = {"named": "Named source", "anonymous": "Unnamed source", "outlet": "The outlet's own reporting",
               "document": "Document"}
"""How each attestation basis reads in a sentence."""


def escape(text: str) -> str:
    """Text that Markdown shows as the characters it is: special characters escaped, on one line."""
    one_line = _SPACES.sub(" ", strip_unsafe(text)).strip()
    return _INLINE.sub(r"\\\1", one_line)


def escape_paragraph(text: str) -> str:
    """Like escape, and a character that would start a heading, list or quote at the line's start escaped too."""
    return _ORDERED.sub(r"\1\\\2", _LINE_START.sub(r"\\\g<0>", escape(text)))


def escape_heading(text: str) -> str:
    """Like escape, and every ``#`` escaped, so that none can close the heading early."""
    return escape(text).replace("#", "\\#")


class SourceNumbers:
    """Numbers for sources in order of first citation, and the sources they stand for."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.numbers: dict[str, int] = {}

    def mark(self, source_id: str) -> str:
        """The source's number in escaped brackets (``\\[1\\]``), numbering it when first cited."""
        number = self.numbers.setdefault(source_id, len(self.numbers) + 1)
        return f"\\[{number}\\]"

    def name(self, source_id: str) -> str:
        """The source as a claim names it, unescaped: publisher and number (``Alpha News [1]``)."""
        source = self.dataset.sources.get(source_id)
        number = self.numbers.setdefault(source_id, len(self.numbers) + 1)
        return f"{source.publisher if source else source_id} [{number}]"


def source_entry(dataset: Dataset, source_id: str) -> str:
    """One numbered source: publisher, title in quotes, author, publication date in words and its address."""
    from nkwatch.export.about import report_date

    source = dataset.sources[source_id]
    parts = [escape(source.publisher), f"“{escape(source.title)}”"]
    if source.author:
        parts.append(f"by {escape(source.author)}")
    parts.append(f"published {escape(report_date(source.published))}")
    entry = ", ".join(parts) + "."
    url = source.url
    if url and _AUTOLINK_SAFE.fullmatch(url):
        entry += f" <{url}>"
    elif url:
        entry += f" Address: {escape(url)}"
    return entry


def heading_block(about: About) -> str:
    """The report's title, the line saying when and from what it was made, and what it selects."""
    selection = escape(about.selection_text)
    return (f"# {escape_heading(about.title)}\n\n{escape(about.made_line)}\n\n"
            f"Selection: {selection}. Events are in date order, dated no more precisely than the sources allow; "
            "numbers in brackets are the sources, listed at the end.\n\n")


def where_line(dataset: Dataset, event: Event) -> str:
    """The date in words, then the places and countries, on the line under the event's heading."""
    from nkwatch.countries import country_name
    from nkwatch.export.about import report_date

    where = [dataset.places[p].name for p in event.places if p in dataset.places]
    where += [country_name(c) for c in event.countries]
    date = report_date(event.date)
    return f"**{escape(date[0].upper() + date[1:])}**" + (f" · {escape(', '.join(where))}" if where else "")


def who_says(event: Event) -> str:
    """On what basis the event is asserted, by whom, and which outlets carried it."""
    attestation = event.attestation
    words = f"{BASIS_WORDS.get(attestation.basis, attestation.basis)}: {attestation.asserted_by}"
    if attestation.outlets:
        words += f"; carried by {', '.join(attestation.outlets)}"
    return escape(words)


def disagreement_lines(event: Event, numbers: SourceNumbers) -> list[str]:
    """One list item per point on which the sources disagree: what each says, and the record's resolution."""
    lines = []
    for discrepancy in event.discrepancies:
        claims = "; ".join(escape(claim_text(numbers.name(c.source), c)) for c in discrepancy.claims)
        resolution = f" Resolution: {escape(discrepancy.resolution)}" if discrepancy.resolution else ""
        lines.append(f"- **Where sources disagree** on {escape(discrepancy.about)}: {claims}.{resolution}")
    return lines


def fact_lines(dataset: Dataset, event: Event, numbers: SourceNumbers) -> list[str]:
    """The event's facts as list items: date note, people, who took part, themes, who says so, disagreements,
    related events and sources."""
    from nkwatch.export.about import report_date

    lines = []
    if event.date_note:
        lines.append(f"- **Date:** {escape(event.date_note)}")
    if event.people is not None:
        lines.append(f"- **People:** {escape(people_text(event.people))}")
    if event.actors:
        actors = "; ".join(f"{dataset.actors[a.actor].name if a.actor in dataset.actors else a.actor} ({a.role})"
                           for a in event.actors)
        lines.append(f"- **Involved:** {escape(actors)}")
    lines.append(f"- **Themes:** {escape(', '.join(event.themes))}")
    lines.append(f"- **Who says so:** {who_says(event)}")
    lines += disagreement_lines(event, numbers)
    related = [f"{dataset.events[r].title} ({report_date(dataset.events[r].date)})" for r in event.related
               if r in dataset.events]
    if related:
        lines.append(f"- **Related:** {escape('; '.join(related))}")
    cited = [numbers.mark(ref.source) + (f" ({escape(ref.supports)})" if ref.supports else "")
             for ref in event.sources if ref.source in dataset.sources]
    lines.append(f"- **Sources:** {', '.join(cited)}")
    return lines


def event_block(dataset: Dataset, event: Event, numbers: SourceNumbers) -> str:
    """One event: its title as a heading, its date and places, its summary and its facts."""
    facts = "\n".join(fact_lines(dataset, event, numbers))
    return (f"### {escape_heading(event.title)}\n\n{where_line(dataset, event)}\n\n"
            f"{escape_paragraph(event.summary)}\n\n{facts}\n\n")


def _year(event: Event) -> int:
    """The year an event is filed under: its first year, or its last when it is open at the start."""
    return (event.date.lower or event.date.upper).year


def write_markdown(dataset: Dataset, events: Iterable[Event], stream: TextIO, *, about: About | None = None) -> int:
    """Write events as a Markdown report with numbered sources; return how many were written."""
    from nkwatch.export.about import describe

    stream.write(heading_block(about or describe(dataset)))
    numbers = SourceNumbers(dataset)
    count, year = 0, None
    for event in events:
        if _year(event) != year:
            year = _year(event)
            stream.write(f"## {year}\n\n")
        stream.write(event_block(dataset, event, numbers))
        count += 1
    if not count:
        stream.write("No events match these filters.\n")
        return 0
    stream.write("## Sources\n\n")
    for source_id, number in numbers.numbers.items():
        if source_id in dataset.sources:
            stream.write(f"{number}. {source_entry(dataset, source_id)}\n")
    return count
