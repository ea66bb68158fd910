"""Citations: a line to paste into a report, and the formats reference managers read: BibTeX (biblatex fields),
RIS and CSL-JSON.

Each entry is built from a source record only, keyed by the source id, and says no more than the record knows: a
date known to the month stays a month (CSL ``date-parts`` of two parts, RIS ``YYYY/MM//``, biblatex's EDTF
``date``), ``~`` becomes ``circa``, an interval keeps both ends, and no accessed date is written, since the records
hold none. Names are written as given (CSL ``literal``, BibTeX in double braces), never split into family and
given names: Korean names put the family name first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import NamedTuple

from nkwatch.dates import Bound, EDTFDate, humanize
from nkwatch.models import Dataset, Event, Source

CITE_FORMATS = ("text", "bibtex", "ris", "csl-json")
"""Every citation format, in the order help lists them."""


def citation_line(source: Source) -> str:
    """A citation line ready to paste: Author. “Title.” Publisher, date. URL."""
    parts = [f"{source.author}." if source.author else "", f"\u201c{source.title}.\u201d",
             f"{source.publisher}, {humanize(source.published)}."]
    if source.url:
        parts.append(source.url)
    return " ".join(p for p in parts if p)


class EntryType(NamedTuple):
    """How one kind of source is typed in each format, and which field names the outlet."""

    csl: str
    """CSL item type."""
    bibtex: str
    """BibTeX (biblatex) entry type."""
    ris: str
    """RIS reference type (TY)."""
    outlet_field: str
    """Where the publisher goes: ``container`` (a newspaper or blog) or ``publisher`` (who issued it)."""


ENTRY_TYPES = {
    "news": EntryType("article-newspaper", "article", "NEWS", "container"),
    "wire": EntryType("article-newspaper", "article", "NEWS", "container"),
    "blog": EntryType("post-weblog", "online", "BLOG", "container"),
    "report": EntryType("report", "techreport", "RPRT", "publisher"),
    "ngo": EntryType("report", "techreport", "RPRT", "publisher"),
    "government": EntryType("document", "misc", "GOVDOC", "publisher"),
    "other": EntryType("document", "misc", "GEN", "publisher"),
}
"""The entry type of each source ``kind``: news article, blog post, report or statement."""

BIBTEX_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                   "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
"""Characters BibTeX and LaTeX would act on, and how each is written as text."""


def cited_sources(dataset: Dataset, events: Iterable[Event]) -> list[Source]:
    """The sources the events cite, each once, in the order first cited (events in date order, then record order)."""
    ids = dict.fromkeys(ref.source for event in events for ref in event.sources)
    return [dataset.sources[i] for i in ids if i in dataset.sources]


def authors(source: Source) -> list[str]:
    """The byline as a list of names: ``A, B and C`` is three people; any other byline is one name."""
    if not source.author:
        return []
    head, separator, last = source.author.rpartition(" and ")
    if not separator:
        return [source.author]
    return [name.strip() for name in head.split(", ")] + [last.strip()]


def _parts(bound: Bound) -> list[int]:
    return [part for part in (bound.year, bound.month, bound.day) if part is not None]


def csl_date(value: EDTFDate) -> dict:
    """A CSL date: ``date-parts`` at the date's precision (both ends of an interval), ``circa`` when approximate;
    an open-ended date, which ``date-parts`` cannot hold, as a ``literal``."""
    if value.lower is None or value.upper is None:
        return {"literal": humanize(value)}
    ends = [value.lower] if value.lower is value.upper else [value.lower, value.upper]
    date = {"date-parts": [_parts(bound) for bound in ends]}
    if value.approximate:
        date["circa"] = True
    return date


def _uncertain_note(value: EDTFDate) -> str | None:
    return f"Publication date uncertain ({value.text})." if value.uncertain else None


def _note(source: Source) -> str | None:
    """What a reader should know: the record's notes and, since no format can say it, an uncertain date."""
    parts = [part for part in (_uncertain_note(source.published), source.notes) if part]
    return " ".join(parts) or None


def csl_item(source: Source) -> dict:
    """One source as a CSL-JSON item."""
    kind = ENTRY_TYPES[source.kind]
    item: dict = {"id": source.id, "type": kind.csl, "title": source.title}
    if source.author:
        item["author"] = [{"literal": name} for name in authors(source)]
    item["container-title" if kind.outlet_field == "container" else "publisher"] = source.publisher
    item["issued"] = csl_date(source.published)
    if source.url:
        item["URL"] = source.url
    item["language"] = source.language
    note = _note(source)
    if note:
        item["annote"] = note
    return item


# An array of numbers as json.dumps(indent=2) writes it, one number a line; JSON text cannot hold a raw line break,
# so this never matches inside a string.
_NUMBERS = re.compile(r"\[\n\s*(\d+(?:,\n\s*\d+)*)\n\s*\]")


def write_csl_json(sources: Iterable[Source]) -> str:
    """The sources as a CSL-JSON array, two-space indented, each date's parts on one line."""
    text = json.dumps([csl_item(source) for source in sources], ensure_ascii=False, indent=2)
    return _NUMBERS.sub(lambda match: "[" + ", ".join(match.group(1).replace(",", " ").split()) + "]", text) + "\n"


def bibtex_escape(text: str) -> str:
    """Text with every character BibTeX or LaTeX would act on written as text; line breaks become spaces."""
    escaped = "".join(BIBTEX_SPECIALS.get(character, character) for character in text)
    return " ".join(escaped.split())


def _bibtex_url(url: str) -> str:
    """A URL as biblatex reads it (verbatim): only braces, which would end the field, are percent-encoded."""
    return url.replace("{", "%7B").replace("}", "%7D")


def _same(value: EDTFDate, part: str) -> int | None:
    """The year (or month) when the whole date lies within one, else None: an interval over two years has no year."""
    lower, upper = value.lower, value.upper
    if lower is None or upper is None:
        return None
    if part == "year":
        return lower.year if lower.year == upper.year else None
    same = lower.year == upper.year and lower.month == upper.month
    return lower.month if same else None


def bibtex_fields(source: Source) -> list[tuple[str, str]]:
    """The fields of one BibTeX entry, in order, with their values already written as BibTeX."""
    kind = ENTRY_TYPES[source.kind]
    outlet = {"article": "journal", "online": "organization", "techreport": "institution"}.get(kind.bibtex, "publisher")
    fields = [("title", "{" + bibtex_escape(source.title) + "}")]
    if source.author:
        fields.append(("author", " and ".join("{" + bibtex_escape(name) + "}" for name in authors(source))))
    fields.append((outlet, bibtex_escape(source.publisher)))
    fields.append(("date", source.published.text))  # EDTF, which biblatex reads as it is
    year, month = _same(source.published, "year"), _same(source.published, "month")
    if year:
        fields.append(("year", str(year)))
    if month:
        fields.append(("month", str(month)))
    if source.url:
        fields.append(("url", _bibtex_url(source.url)))
    fields.append(("language", source.language))
    note = _note(source)
    if note:
        fields.append(("annotation", bibtex_escape(note)))
    return fields


def bibtex_entry(source: Source) -> str:
    """One source as a BibTeX entry keyed by its id; every value in braces."""
    kind = ENTRY_TYPES[source.kind]
    lines = [f"  {name} = {{{value}}}" for name, value in bibtex_fields(source)]
    return f"@{kind.bibtex}{{{source.id},\n" + ",\n".join(lines) + "\n}\n"


def write_bibtex(sources: Iterable[Source]) -> str:
    """The sources as BibTeX entries, a blank line between them."""
    return "\n".join(bibtex_entry(source) for source in sources)


def ris_date(value: EDTFDate) -> str:
    """An RIS DA value, ``YYYY/MM/DD/other``: the parts the whole date shares, and in the last part how a person
    reads the date when that says more (an interval, ``c.``, ``?``)."""
    lower, upper = value.lower, value.upper
    if lower is not None and lower is upper:
        parts = [f"{lower.year:04d}", f"{lower.month:02d}" if lower.month else "", f"{lower.day:02d}" if lower.day
                 else ""]
    else:
        year, month = _same(value, "year"), _same(value, "month")
        parts = [f"{year:04d}" if year else "", f"{month:02d}" if month else "", ""]
    plain = lower is not None and lower is upper and not (value.approximate or value.uncertain)
    return "/".join([*parts, "" if plain else humanize(value)])


def _ris_text(text: str) -> str:
    """A value on one RIS line: line breaks, which would end the tag, become spaces."""
    return " ".join(text.split())


def ris_entry(source: Source) -> str:
    """One source as an RIS record, from ``TY`` to ``ER``."""
    kind = ENTRY_TYPES[source.kind]
    tags = [("TY", kind.ris), ("ID", source.id), ("TI", source.title)]
    tags += [("AU", name) for name in authors(source)]
    tags.append(("T2" if kind.outlet_field == "container" else "PB", source.publisher))
    year = _same(source.published, "year")
    if year:
        tags.append(("PY", f"{year:04d}"))
    tags.append(("DA", ris_date(source.published)))
    if source.url:
        tags.append(("UR", source.url))
    tags.append(("LA", source.language))
    note = _note(source)
    if note:
        tags.append(("N1", note))
    return "".join(f"{tag}  - {_ris_text(value)}\n" for tag, value in tags) + "ER  - \n"


def write_ris(sources: Iterable[Source]) -> str:
    """The sources as RIS records, a blank line between them."""
    return "\n".join(ris_entry(source) for source in sources)


WRITERS = {"bibtex": write_bibtex, "ris": write_ris, "csl-json": write_csl_json}
"""The writer of each citation format other than text, which the CLI prints line by line."""
