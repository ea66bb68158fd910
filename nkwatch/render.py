"""What the terminal shows: timeline, listings, an event's page, search hits, figures, facets and stats.

Renderers take records and a width and return Rich ``Text`` built from plain strings (never markup), laid out by
``nkwatch.layout``: dates, ids, counts and addresses are whole, titles and summaries wrap at words. Listings have a
``*_rows`` twin that gives the same values whole for tab-separated output when stdout is not a terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.text import Text

from nkwatch.dates import as_of_words, date_in_words, humanize, precision_words
from nkwatch.layout import Column, hanging, joined, table, wrap
from nkwatch.models import Dataset, Event, Figure
from nkwatch.rows import clean, event_rows, figure_rows, publishers
from nkwatch.serialize import claim_text, people_text, value_text
from nkwatch.textnorm import strip_unsafe


def plain(text: object) -> Text:
    """Data as inert Rich text: no markup is read and no control character survives."""
    return Text(strip_unsafe(str(text)))


def country_names(codes: Iterable[str]) -> str:
    """Country codes as the names people use, comma-separated."""
    from nkwatch.countries import country_name

    return ", ".join(country_name(c) for c in codes)


def _people(event: Event) -> str:
    if not event.people:
        return ""
    single = event.people.exact and event.people.min == 1 and event.people.wording is None
    return f"{people_text(event.people)} {'person' if single else 'people'}"


def _meta(event: Event, *extra: str) -> str:
    parts = [event.id, ", ".join(event.countries), _people(event), ", ".join(event.themes), *extra]
    return " · ".join(p for p in parts if p)


def _stacked_event(event: Event, width: int, date_width: int, extra: str = "") -> list[Text]:
    """One event as a block: its date in a column of its own when there is room, else on a line above."""
    if date_width + 2 + 30 > width:  # no room for a date column beside a readable title
        lines = [Text(humanize(event.date), "cyan")]
        lines += [line for line in hanging("  ", event.title, width, 2, "bold")]
        lines += hanging("  ", _meta(event, extra), width, 2, "dim")
        return lines
    indent = date_width + 2
    lines = hanging(f"{humanize(event.date):<{date_width}}  ", event.title, width, indent, "bold")
    lines[0].stylize("cyan", 0, date_width)
    lines += hanging(" " * indent, _meta(event, extra), width, indent, "dim")
    return lines


def timeline(events: list[Event], width: int = 80) -> Text:
    """Events grouped by year: date as a person says it, title, then id, countries, people and themes."""
    date_width = max((len(humanize(e.date)) for e in events), default=0)
    lines: list[Text] = []
    year = None
    for event in events:
        event_year = event.date.sort_key()[0].year
        if event_year != year:
            if lines:
                lines.append(Text(""))
            year = event_year
            lines.append(Text(str(year), "bold underline"))
        lines += _stacked_event(event, width, date_width)
    return joined(lines)


EVENT_COLUMNS = (Column("date", fixed=True, style="cyan"), Column("id", fixed=True, style="cyan"),
                 Column("title", min_width=24), Column("countries", min_width=10),
                 Column("people", fixed=True, right=True), Column("themes", min_width=14),
                 Column("sources", min_width=14))


def event_table(dataset: Dataset, events: list[Event], width: int = 80) -> Text:
    """The events as a table when every date and id fits whole beside a readable title; else one block each."""
    laid = table(EVENT_COLUMNS, event_rows(dataset, events), width)
    if laid is not None:
        return joined(laid)
    date_width = max((len(humanize(e.date)) for e in events), default=0)
    lines: list[Text] = []
    for event in events:
        if lines:
            lines.append(Text(""))
        lines += _stacked_event(event, width, date_width, publishers(dataset, event.sources))
    return joined(lines)


def more_line(shown: int, total: int) -> Text | None:
    """'… and N more (use --limit)' when the display was cut short."""
    if total <= shown:
        return None
    return Text(f"… and {total - shown} more; use --limit 0 to show all, or narrow the filters", style="dim")


LABEL_WIDTH = 11
"""The width of the field names on an event's page (``Date note``) and the gap after them."""


def _field(label: str, values: Iterable[str], width: int) -> list[Text]:
    """A labelled field: each value wrapped with a hanging indent under the first."""
    lines: list[Text] = []
    for value in values:
        if not value:
            continue
        first = f"{label:<{LABEL_WIDTH}}" if not lines else " " * LABEL_WIDTH
        lines += hanging(first, value, width, LABEL_WIDTH)
        lines[-len(wrap(value, max(width - LABEL_WIDTH, 20)))].stylize("bold", 0, len(label))
    return lines


def date_line(event: Event, verbose: bool = False) -> list[str]:
    """The date in words with how precisely it is known; with verbose, its EDTF form and the days it spans."""
    lines = [f"{date_in_words(event.date)}, {precision_words(event.date)}"]
    if verbose:
        start, end = event.date.start, event.date.end
        lines.append(f"EDTF {event.date.text}: {start or 'open'} to {end or 'open'}")
    return lines


def _heading(text: str) -> list[Text]:
    return [Text(""), Text(text, "bold")]


def event_page(dataset: Dataset, event: Event, figures: list[Figure], width: int = 80,
               verbose: bool = False) -> Text:
    """Everything about one event: date and how sure, places, actors, people, summary, disputes, sources."""
    places = [dataset.places[p] for p in event.places if p in dataset.places]
    actors = [(dataset.actors.get(a.actor), a.role) for a in event.actors]
    lines = hanging("", event.title, width, 0, "bold") + [Text(event.id, "cyan")]
    for label, values in (
        ("Date", date_line(event, verbose)),
        ("Date note", [event.date_note or ""]),
        ("Places", [f"{p.name}, {country_names([p.country])}" + (f" ({p.lat}, {p.lon})" if p.lat else "")
                    for p in places]),
        ("Countries", [country_names(event.countries)]),
        ("Actors", [f"{a.name if a else '?'} — {role}" for a, role in actors]),
        ("People", [people_text(event.people)]),
        ("Themes", [", ".join(event.themes)]),
        ("Attested", [f"{event.attestation.basis}: {event.attestation.asserted_by}"
                      + (f" ({event.attestation.corroboration}: {', '.join(event.attestation.outlets)})"
                         if event.attestation.outlets else "")]),
        ("Aliases", ["; ".join(event.aliases)]),
    ):
        lines += _field(label, values, width)
    lines += _heading("Summary") + hanging("  ", event.summary, width, 2)
    lines += _discrepancy_block(dataset, event, width)
    lines += _related_block(dataset, event, width)
    lines += _figure_block(figures, width)
    lines += _heading("Sources") + source_block(dataset, event.sources, width)
    return joined(lines)


def source_numbers(refs) -> dict[str, int]:
    """Each cited source id with its number in the source list, [1] first."""
    numbers: dict[str, int] = {}
    for ref in refs:
        numbers.setdefault(ref.source, len(numbers) + 1)
    return numbers


def _claimant(dataset: Dataset, numbers: dict[str, int], source_id: str) -> str:
    source = dataset.sources.get(source_id)
    name = source.publisher if source else source_id
    return f"[{numbers[source_id]}] {name}" if source_id in numbers else name


def _discrepancy_block(dataset: Dataset, event: Event, width: int) -> list[Text]:
    if not event.discrepancies:
        return []
    numbers = source_numbers(event.sources)
    lines = _heading("Discrepancies")
    for d in event.discrepancies:
        lines += hanging("  ", f"{d.about}:", width, 2)
        for claim in d.claims:
            claimant = _claimant(dataset, numbers, claim.source)
            lines += hanging("    ", claim_text(claimant, claim), width, 4 + len(claimant.split(" ")[0]) + 1)
        lines += hanging("    → ", d.resolution, width, 6)
    return lines


def _related_block(dataset: Dataset, event: Event, width: int) -> list[Text]:
    related = sorted((dataset.events[r] for r in event.related if r in dataset.events),
                     key=lambda r: (r.date.sort_key(), r.id))
    if not related:
        return []
    lines = _heading("Related events")
    for r in related:
        lines += hanging(f"  {humanize(r.date)} — ", r.title, width, 4)
        lines.append(Text(f"    {r.id}", "cyan"))
    return lines


def figure_words(figure: Figure) -> str:
    """A figure as a phrase: 'about 3,000 workers, as of 2016'."""
    return f"{value_text(figure.value, figure.qualifier)} {figure.unit}, {as_of_words(figure.as_of)}"


def _figure_block(figures: list[Figure], width: int) -> list[Text]:
    if not figures:
        return []
    lines = _heading("Figures")
    for f in figures:
        lines += hanging("  ", f"{f.measure}: {figure_words(f)}", width, 4)
        lines.append(Text(f"    {f.id}", "cyan"))
    return lines


def source_block(dataset: Dataset, refs, width: int) -> list[Text]:
    """The numbered sources: publisher, title, date and what each supports, wrapped; each address whole on its own
    line, for the terminal to wrap if it must (a copied address then pastes whole)."""
    lines: list[Text] = []
    for number, line, url in _numbered_sources(dataset, refs):
        lines += hanging(f"  [{number}] ", line, width, 6)
        lines.append(Text(f"      {url}" if url else "      (no address known)", "blue" if url else "dim"))
    return lines


def _numbered_sources(dataset: Dataset, refs) -> list[tuple[int, str, str | None]]:
    numbered = []
    for i, ref in enumerate(refs, 1):
        source = dataset.sources.get(ref.source)
        if source is None:
            continue
        line = f"{source.publisher}, \u201c{source.title}\u201d, {humanize(source.published)}"
        if ref.supports:
            line += f" — supports: {ref.supports}"
        numbered.append((i, line, clean(source.url) if source.url else None))
    return numbered


def source_lines(dataset: Dataset, refs) -> list[str]:
    """One numbered line per cited source: publisher, title, date, address, and what it supports."""
    return [f"[{n}] {line}" + (f", {url}" if url else " (no address known)")
            for n, line, url in _numbered_sources(dataset, refs)]


def highlighted(text: str, terms: Iterable[str]) -> Text:
    """Plain text with every word starting with a search term highlighted."""
    result = plain(text)
    for term in terms:
        result.highlight_regex(re.compile(rf"\b{re.escape(term)}\w*", re.IGNORECASE), "bold reverse")
    return result


def snippet(text: str, terms: Iterable[str], width: int = 160) -> str:
    """About width characters of a long text around the first matching term, cut only between words (made only
    for the rows printed)."""
    text = clean(text)
    lowered = text.lower()
    positions = [lowered.find(t) for t in terms if lowered.find(t) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    if start:
        start = text.rfind(" ", 0, start) + 1  # back to the start of the word the cut fell in
    end = len(text)
    if start + width < len(text):
        space = text.rfind(" ", start, start + width)
        end = space if space > start else len(text)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _highlighted_lines(first: str, text: str, terms, width: int, indent: int, style: str = "") -> list[Text]:
    lines = hanging(first, text, width, indent, style)
    for line in lines:
        for term in terms:
            line.highlight_regex(re.compile(rf"\b{re.escape(term)}\w*", re.IGNORECASE), "bold reverse")
    return lines


def search_results(hits, width: int = 80) -> Text:
    """Search hits, best first: date and title, a snippet cut between words, and the id whole."""
    lines: list[Text] = []
    for hit in hits:
        record = hit.record
        if lines:
            lines.append(Text(""))
        if hit.kind == "event":
            lines += _highlighted_lines(f"{humanize(record.date)}  ", record.title, hit.terms, width, 2, "bold")
            body = snippet(record.summary, hit.terms)
        else:
            lines += _highlighted_lines("figure  ", record.measure, hit.terms, width, 2, "bold")
            body = figure_words(record)
        lines += _highlighted_lines("  ", body, hit.terms, width, 2, "dim")
        lines.append(Text(f"  {record.id}", "cyan"))
    return joined(lines)


FIGURE_COLUMNS = (Column("id", fixed=True, style="cyan"), Column("value", fixed=True, right=True),
                  Column("unit", min_width=10), Column("as of", fixed=True), Column("countries", min_width=9),
                  Column("what", min_width=30), Column("asserted by", min_width=24), Column("sources", min_width=16))
"""Narrower than this, the figures read better as one block each than as a table of tall rows."""


def figure_table(dataset: Dataset, figures: list[Figure], width: int = 80) -> Text:
    """The figures as a table when it fits; else one block each: what, value and when, who says so."""
    laid = table(FIGURE_COLUMNS, figure_rows(dataset, figures), width)
    if laid is not None:
        return joined(laid)
    lines: list[Text] = []
    for f in figures:
        if lines:
            lines.append(Text(""))
        lines += hanging("", f.measure, width, 2, "bold")
        lines += hanging("  ", f"{figure_words(f)} · {', '.join(f.countries)}", width, 2)
        lines += hanging("  ", f"{f.attestation.basis}: {f.attestation.asserted_by} · "
                         f"{publishers(dataset, f.sources)}", width, 2, "dim")
        lines.append(Text(f"  {f.id}", "cyan"))
    return joined(lines)


FACET_COLUMNS = (Column("value", fixed=True, style="cyan"), Column("events", fixed=True, right=True),
                 Column("name", min_width=20))


def facet_table(title: str, rows: list[tuple[str, str, int]], width: int = 80) -> Text:
    """A facet: each value whole, how many events carry it, and its name wrapped beside (or beneath) them."""
    values = [[value, str(count), label] for value, label, count in rows]
    laid = table(FACET_COLUMNS, values, width)
    if laid is None:
        laid = []
        for value, count, label in values:
            laid.append(Text.assemble((value, "cyan"), f"  {count}"))
            laid += hanging("  ", label, width, 2, "dim")
    return joined([Text(title, "bold"), *laid])


def bar_chart(title: str, counts: list[tuple[str, int]], width: int = 80) -> Text:
    """A bar per label, scaled to the largest count, label and count whole; the bar takes what room is left."""
    label_width = max((len(clean(label)) for label, _ in counts), default=0)
    count_width = max((len(str(c)) for _, c in counts), default=1)
    room = min(40, width - label_width - count_width - 2)
    top = max((c for _, c in counts), default=0) or 1
    lines = [Text(title, "bold")]
    for label, count in counts:
        if room < 10:  # no room for a bar beside a whole label: the label on a line of its own
            lines.append(Text(clean(label)))
            lines.append(Text.assemble(f"  {count:>{count_width}} ", ("█" * max(1, round(count / top * 20)), "green")))
        else:
            lines.append(Text.assemble(f"{clean(label):<{label_width}} {count:>{count_width}} ",
                                       ("█" * max(1, round(count / top * room)), "green")))
    return joined(lines)
