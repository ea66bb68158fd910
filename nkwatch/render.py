"""Rich renderables for the terminal: timeline, tables, an event's page, search hits, charts.

Renderers return renderables and never print. Every piece of data goes in as a ``Text`` built from plain strings,
never as markup, so a title holding ``[bold]`` or an escape sequence is shown as the characters it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from nkwatch.dates import humanize
from nkwatch.models import Dataset, Event, Figure
from nkwatch.serialize import claim_text, people_text, value_text
from nkwatch.textnorm import strip_unsafe


def plain(text: object) -> Text:
    """Data as inert Rich text: no markup is read and no control character survives."""
    return Text(strip_unsafe(str(text)))


def country_names(codes: Iterable[str]) -> str:
    """Country codes as the names people use, comma-separated."""
    from nkwatch.countries import country_name

    return ", ".join(country_name(c) for c in codes)


def _meta_line(event: Event) -> Text:
    parts = [country_names(event.countries)]
    if event.people:
        single = event.people.exact and event.people.min == 1
        parts.append(f"{people_text(event.people)} {'person' if single else 'people'}")
    parts.append(", ".join(event.themes))
    return Text(" · ".join(p for p in parts if p), style="dim")


def timeline(events: list[Event]) -> RenderableType:
    """Events grouped by year: date as a person says it, title, and a line of countries, people and themes."""
    blocks: list[RenderableType] = []
    year = grid = None
    for event in events:
        event_year = event.date.sort_key()[0].year
        if event_year != year:
            year = event_year
            gap = "\n" if blocks else ""
            blocks.append(Text(f"{gap}{year}", style="bold underline"))
            grid = Table.grid(padding=(0, 2))  # one per year: Rich lays out a table at a time, so fewer is faster
            grid.add_column(width=15, no_wrap=True, style="cyan")
            grid.add_column(ratio=1)
            blocks.append(grid)
        body = plain(event.title)
        body.stylize("bold")
        body.append("\n")
        body.append_text(_meta_line(event))
        grid.add_row(plain(humanize(event.date)), body)
    return Group(*blocks)


def event_table(dataset: Dataset, events: list[Event], width: int = 80) -> RenderableType:
    """The events as a table: date, title with its id beneath, countries, people, themes, and (when the
    screen is wide enough, 100 columns or more) sources."""
    from rich import box

    with_sources = width >= 100
    table = Table(header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
    for name in ("date", "event (id)", "countries", "people", "themes", "sources")[: 6 if with_sources else 5]:
        table.add_column(name, no_wrap=name == "date", justify="right" if name == "people" else "left",
                         min_width=18 if name == "event (id)" else None)
    for event in events:
        title = plain(event.title)
        title.append("\n" + event.id, style="dim cyan")
        row = [plain(humanize(event.date)), title, plain(", ".join(event.countries)), plain(people_text(event.people)),
               plain(", ".join(event.themes))]
        if with_sources:
            row.append(plain("; ".join(sorted({dataset.sources[s.source].publisher for s in event.sources
                                               if s.source in dataset.sources}))))
        table.add_row(*row)
    return table


def more_line(shown: int, total: int) -> Text | None:
    """'… and N more (use --limit)' when the display was cut short."""
    if total <= shown:
        return None
    return Text(f"… and {total - shown} more; use --limit 0 to show all, or narrow the filters", style="dim")


def _field_grid(rows: list[tuple[str, Text]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    for label, value in rows:
        if value.plain:
            grid.add_row(label, value)
    return grid


def _date_text(event: Event) -> Text:
    sureness = [word for word, flag in (("approximate", event.date.approximate), ("uncertain", event.date.uncertain))
                if flag]
    start, end = event.date.start, event.date.end
    span = f"{start or 'open'} to {end or 'open'}" if start != end else str(start)
    text = plain(humanize(event.date))
    text.append(f"  (EDTF {event.date.text}; {span}; precision: {event.date.precision}"
                f"{'; ' + ', '.join(sureness) if sureness else ''})", style="dim")
    return text


def _lines(items: Iterable[str]) -> Text:
    return plain("\n".join(items))


def event_page(dataset: Dataset, event: Event, figures: list[Figure]) -> RenderableType:
    """Everything about one event: date and how sure, places, actors, people, summary, disputes, sources."""
    places = [dataset.places[p] for p in event.places if p in dataset.places]
    actors = [(dataset.actors.get(a.actor), a.role) for a in event.actors]
    rows = [
        ("Date", _date_text(event)),
        ("Date note", plain(event.date_note or "")),
        ("Places", _lines(f"{p.name}, {country_names([p.country])}" + (f" ({p.lat}, {p.lon})" if p.lat else "")
                          for p in places)),
        ("Countries", plain(country_names(event.countries))),
        ("Actors", _lines(f"{a.name if a else '?'} — {role}" for a, role in actors)),
        ("People", plain(people_text(event.people))),
        ("Themes", plain(", ".join(event.themes))),
        ("Attested", plain(f"{event.attestation.basis}: {event.attestation.asserted_by}"
                           + (f" ({event.attestation.corroboration}: {', '.join(event.attestation.outlets)})"
                              if event.attestation.outlets else ""))),
        ("Aliases", plain("; ".join(event.aliases))),
    ]
    parts: list[RenderableType] = [plain(event.title), Text(event.id, style="dim cyan"), _field_grid(rows),
                                   Text("\nSummary", style="bold"), Padding(plain(event.summary), (0, 2))]
    parts[0].stylize("bold")
    parts += _discrepancy_block(event.discrepancies)
    parts += _related_block(dataset, event)
    parts += _figure_block(figures)
    parts.append(Text("\nSources", style="bold"))
    parts.append(Padding(_lines(source_lines(dataset, event.sources)), (0, 2)))
    return Group(*parts)


def _discrepancy_block(discrepancies) -> list[RenderableType]:
    if not discrepancies:
        return []
    lines = []
    for d in discrepancies:
        lines.append(f"{d.about}:")
        lines += [f"  {claim_text(c.source, c)}" for c in d.claims]
        lines.append(f"  → {d.resolution}")
    return [Text("\nDiscrepancies", style="bold"), Padding(_lines(lines), (0, 2))]


def _related_block(dataset: Dataset, event: Event) -> list[RenderableType]:
    related = [dataset.events[r] for r in event.related if r in dataset.events]
    if not related:
        return []
    return [Text("\nRelated events", style="bold"),
            Padding(_lines(f"{humanize(r.date)} — {r.title} ({r.id})" for r in related), (0, 2))]


def _figure_block(figures: list[Figure]) -> list[RenderableType]:
    if not figures:
        return []
    return [Text("\nFigures", style="bold"),
            Padding(_lines(f"{f.measure}: {value_text(f.value, f.qualifier)} {f.unit} (as of {humanize(f.as_of)})"
                           for f in figures), (0, 2))]


def source_lines(dataset: Dataset, refs) -> list[str]:
    """One numbered line per cited source: publisher, title, date, address, and what it supports."""
    lines = []
    for i, ref in enumerate(refs, 1):
        source = dataset.sources.get(ref.source)
        if source is None:
            continue
        line = f"[{i}] {source.publisher}, \u201c{source.title}\u201d, {humanize(source.published)}"
        line += f", {source.url}" if source.url else " (no address known)"
        if ref.supports:
            line += f" — supports: {ref.supports}"
        lines.append(line)
    return lines


def citation(dataset: Dataset, source_id: str) -> str:
    """A citation line ready to paste: Author. "Title." Publisher, date. URL."""
    source = dataset.sources[source_id]
    parts = [f"{source.author}." if source.author else "", f"\u201c{source.title}.\u201d",
             f"{source.publisher}, {humanize(source.published)}."]
    if source.url:
        parts.append(f"{source.url}")
    return " ".join(p for p in parts if p)


def highlighted(text: str, terms: Iterable[str]) -> Text:
    """Plain text with every word starting with a search term highlighted."""
    result = plain(text)
    for term in terms:
        result.highlight_regex(re.compile(rf"\b{re.escape(term)}\w*", re.IGNORECASE), "bold reverse")
    return result


def snippet(text: str, terms: Iterable[str], width: int = 160) -> str:
    """The part of a long text around the first matching term."""
    lowered = text.lower()
    positions = [lowered.find(t) for t in terms if lowered.find(t) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    piece = text[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def search_results(hits) -> RenderableType:
    """Search hits, best first, with the matching words highlighted."""
    blocks: list[RenderableType] = []
    for hit in hits:
        record = hit.record
        if hit.kind == "event":
            head = Text.assemble((f"{humanize(record.date)}  ", "cyan"), highlighted(record.title, hit.terms))
            body = highlighted(snippet(record.summary, hit.terms), hit.terms)
        else:
            head = Text.assemble(("figure  ", "magenta"), highlighted(record.measure, hit.terms))
            body = plain(f"{value_text(record.value, record.qualifier)} {record.unit}, as of {humanize(record.as_of)}")
        body.stylize("dim")
        blocks.append(Group(head, Padding(body, (0, 0, 0, 2)), Text(f"  {record.id}", style="dim cyan")))
    return Group(*blocks)


def figure_table(dataset: Dataset, figures: list[Figure]) -> RenderableType:
    """The figures: what, value, unit, as of, countries, who asserts it, source."""
    table = Table(header_style="bold")
    for name, options in (("what", {"ratio": 3}), ("value", {"justify": "right"}), ("unit", {}), ("as of", {}),
                          ("countries", {}), ("asserted by", {"ratio": 2}), ("source", {})):
        table.add_column(name, **options)
    for f in figures:
        publishers = "; ".join(dict.fromkeys(dataset.sources[s.source].publisher for s in f.sources
                                             if s.source in dataset.sources))
        table.add_row(plain(f.measure), plain(value_text(f.value, f.qualifier)), plain(f.unit),
                      plain(humanize(f.as_of)), plain(", ".join(f.countries)),
                      plain(f"{f.attestation.basis}: {f.attestation.asserted_by}"), plain(publishers))
    return table


def facet_table(title: str, rows: list[tuple[str, str, int]]) -> RenderableType:
    """A facet: each value, its label and how many events carry it."""
    table = Table(header_style="bold", title=title, title_justify="left")
    table.add_column("value", style="cyan")
    table.add_column("name")
    table.add_column("events", justify="right")
    for value, label, count in rows:
        table.add_row(plain(value), plain(label), str(count))
    return table


def bar_chart(title: str, counts: list[tuple[str, int]], width: int = 40) -> RenderableType:
    """A horizontal bar per label, scaled to the largest count."""
    top = max((c for _, c in counts), default=0) or 1
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(justify="right")
    table.add_column()
    for label, count in counts:
        table.add_row(plain(label), str(count), Text("█" * max(1, round(count / top * width)), style="green"))
    return Group(Text(title, style="bold"), table)
