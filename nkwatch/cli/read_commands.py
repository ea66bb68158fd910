"""Commands that read the dataset: timeline, list, show, search, facts, the facets, stats and cite."""


from enum import Enum
from typing import Annotated

import typer

from nkwatch.citeformats import CITE_FORMATS
from nkwatch.cli import current_dataset
from nkwatch.cli.commands import command
from nkwatch.cli.options import (
    Actor,
    Country,
    Json,
    Limit,
    NoPager,
    Since,
    SourceFilter,
    TextFilter,
    Theme,
    Until,
    Verbose,
    complete_event,
    filters_from,
)
from nkwatch.cli.output import (
    DEFAULT_DISPLAY_LIMIT,
    layout_width,
    listing,
    note,
    print_line,
    print_text,
    rendered,
    show,
    show_json,
    terminal_width,
)
from nkwatch.errors import UsageError


def _named_event(dataset, name: str):
    """The event a name means, and how it matched; when not by its id, title or alias, a note on stderr says how."""
    from nkwatch.lookup import resolve_event

    match = resolve_event(dataset, name)
    how = _how_matched(match)
    if how:
        from nkwatch.cli import record_line
        from nkwatch.textnorm import strip_unsafe

        event = match.event
        note(strip_unsafe(f"nkwatch: {name!r} names no event exactly; {how}:"))
        note(strip_unsafe(record_line(event.id, str(event.date), event.title)))
    return match


def _how_matched(match) -> str | None:
    """How a match was found, in words, or None when it was the event's own id, title or alias."""
    return {
        "words": f"taken from the words of {match.through}",
        "names": "taken from the words of its names",
        "actor": f"taken from its actor {match.through}",
        "place": f"taken from its place {match.through}",
        "country": f"the one event in {match.through}",
        "theme": f"the one event with theme {match.through}",
        "text": f"found in its full text (score {match.score:.2f})",
        "spelling": f"read as {match.through!r}",
    }.get(match.by)


def _display_limit(limit: int | None, as_json: bool) -> int | None:
    """JSON and piped rows get the whole selection unless --limit is given; the terminal stops at a default."""
    if limit is not None:
        return limit or None
    return None if as_json or terminal_width() is None else DEFAULT_DISPLAY_LIMIT


def _select(country, actor, theme, since, until, text, source, limit, as_json):
    from nkwatch.query import count_events, select_events

    dataset = current_dataset()
    filters = filters_from(dataset, country, actor, theme, since, until, text, source, None)
    cap = _display_limit(limit, as_json)
    events = select_events(dataset, filters._replace(limit=cap))
    total = count_events(dataset, filters) if cap is not None and len(events) == cap else len(events)
    return dataset, events, total


def _events_out(dataset, events, total, renderable, as_json: bool, no_pager: bool) -> None:
    if as_json:
        from nkwatch.serialize import event_dict

        show_json([event_dict(dataset, e) for e in events])
        return
    if not events:
        note("No events match these filters.")
        return
    renderable = renderable()
    if len(events) < total and terminal_width():
        from rich.console import Group

        from nkwatch.render import more_line

        renderable = Group(renderable, more_line(len(events), total))
    elif len(events) < total:
        note(f"nkwatch: {total - len(events)} more not shown; use --limit 0 for all")
    show(renderable, pager=not no_pager)


@command("timeline")
def timeline(country: Country = None, actor: Actor = None, theme: Theme = None, since: Since = None,
             until: Until = None, text: TextFilter = None, source: SourceFilter = None, limit: Limit = None,
             json: Json = False, no_pager: NoPager = False) -> None:
    """The events as a timeline, grouped by year.

    Examples:

      nkwatch timeline --country russia

      nkwatch timeline --theme defection --since 2016 --until 2016

      nkwatch timeline --actor "Thae Yong-ho" --json
    """
    from nkwatch.rows import event_rows

    dataset, events, total = _select(country, actor, theme, since, until, text, source, limit, json)
    _events_out(dataset, events, total, lambda: listing(rendered("timeline", events),
                                                        lambda: event_rows(dataset, events)), json, no_pager)


@command("list")
def list_events(country: Country = None, actor: Actor = None, theme: Theme = None, since: Since = None,
                until: Until = None, text: TextFilter = None, source: SourceFilter = None, limit: Limit = None,
                sort: Annotated[str, typer.Option(help="date, title, id, people or country.")] = "date",
                json: Json = False, no_pager: NoPager = False) -> None:
    """The events as a table: id, date, title, countries, themes, people, sources.

    Examples:

      nkwatch list --theme protest

      nkwatch list --country CN --sort people

      nkwatch list --source "Daily NK" --json
    """
    from nkwatch.query import sort_events
    from nkwatch.rows import event_rows

    dataset, events, total = _select(country, actor, theme, since, until, text, source, 0, json)
    cap = _display_limit(limit, json)
    events = sort_events(events, sort)[:cap] if cap else sort_events(events, sort)
    _events_out(dataset, events, total, lambda: listing(rendered("event_table", dataset, events),
                                                        lambda: event_rows(dataset, events)), json, no_pager)


@command("show")
def show_event(name: Annotated[str, typer.Argument(help="Event id, title, alias, or words of its names or text; "
                                                        "spelling forgiven.",
                                                   autocompletion=complete_event)],
               json: Json = False, no_pager: NoPager = False, verbose: Verbose = False) -> None:
    """Everything about one event: date and how sure, places, actors, people, summary, disputes, sources.

    Examples:

      nkwatch show ningpo

      nkwatch show "Thaek Yong-ho"

      nkwatch show mokran-group-defection --json
    """
    dataset = current_dataset()
    match = _named_event(dataset, name)
    event = match.event
    figures = [f for f in dataset.figures.values() if f.event == event.id]
    if json:
        from nkwatch.serialize import event_dict, figure_dict

        show_json({**event_dict(dataset, event), "figures": [figure_dict(dataset, f) for f in figures],
                   "match": {"by": match.by, "score": match.score}})
        return
    from nkwatch.render import event_page

    show(event_page(dataset, event, figures, layout_width(), verbose), pager=not no_pager)


@command("search")
def search(query: Annotated[str, typer.Argument(help="Words to look for; every word must match.")],
           country: Country = None, actor: Actor = None, theme: Theme = None, since: Since = None,
           until: Until = None, text: TextFilter = None, source: SourceFilter = None, limit: Limit = None,
           json: Json = False, no_pager: NoPager = False) -> None:
    """Ranked full-text search over events (titles, aliases, summaries, actors, places) and figures.

    A word matches the words it begins (consul finds consulate); accents and case do not matter. With a filter,
    only events are searched.

    Examples:

      nkwatch search smartphone

      nkwatch search "loyalty fund" --country russia

      nkwatch search achilles --json
    """
    from nkwatch.lookup import search as run_search

    dataset = current_dataset()
    filters = filters_from(dataset, country, actor, theme, since, until, text, source, None)
    hits = run_search(dataset, query, _display_limit(limit, json), filters)
    if json:
        from nkwatch.serialize import event_dict, figure_dict

        show_json([{"kind": h.kind, "score": h.score, **(event_dict(dataset, h.record) if h.kind == "event"
                                                         else figure_dict(dataset, h.record))} for h in hits])
        return
    if not hits:
        note(f"Nothing matches {query!r}.")
        return
    from nkwatch.rows import search_rows

    show(listing(rendered("search_results", hits), lambda: search_rows(hits)), pager=not no_pager)


@command("facts")
def facts(query: Annotated[str | None, typer.Argument(help="Words the figure must mention.")] = None,
          country: Country = None, actor: Actor = None, theme: Theme = None, since: Since = None,
          until: Until = None, source: SourceFilter = None, limit: Limit = None, json: Json = False,
          no_pager: NoPager = False) -> None:
    """The figures: what, value or range, unit, as of, country, who asserted it, source.

    Examples:

      nkwatch facts wage

      nkwatch facts --country russia

      nkwatch facts "loyalty fund" --json
    """
    from nkwatch.query import select_figures

    dataset = current_dataset()
    filters = filters_from(dataset, country, actor, theme, since, until, [query] if query else None, source,
                           _display_limit(limit, json))
    figures = select_figures(dataset, filters)
    if json:
        from nkwatch.serialize import figure_dict

        show_json([figure_dict(dataset, f) for f in figures])
        return
    if not figures:
        note("No figures match.")
        return
    from nkwatch.rows import figure_rows

    show(listing(rendered("figure_table", dataset, figures), lambda: figure_rows(dataset, figures)),
         pager=not no_pager)


CiteFormat = Enum("CiteFormat", {name: name for name in CITE_FORMATS}, type=str)
"""The cite --format choices."""


@command("cite")
def cite(name: Annotated[str | None, typer.Argument(
             help=("Event id, title, alias, or words of its names or text; leave out to cite the sources of the "
                   "events the filters select."),
             autocompletion=complete_event, show_default=False)] = None,
         format_: Annotated[CiteFormat, typer.Option(
             "--format", "-f", case_sensitive=False,
             help="text (citation lines), bibtex, ris or csl-json (for reference managers).")] = CiteFormat.text,
         country: Country = None, actor: Actor = None, theme: Theme = None, since: Since = None,
         until: Until = None, text: TextFilter = None, source: SourceFilter = None, json: Json = False) -> None:
    """The sources of an event, or of a selection, as citations: lines to paste into a report, or BibTeX, RIS or
    CSL-JSON for a reference manager. Each source once, in the order first cited; keys are source ids.

    Examples:

      nkwatch cite ningpo

      nkwatch cite ningpo --format bibtex

      nkwatch cite --country russia --format ris > russia.ris
    """
    from nkwatch.citeformats import WRITERS, cited_sources

    chosen = format_.value
    if json and chosen != "text":
        raise UsageError(f"--json prints the text citations as JSON; leave it out with --format {chosen}")
    dataset = current_dataset()
    given = (country, actor, theme, since, until, text, source)
    if name is not None and any(option for option in given):
        raise UsageError("give an event name or filters, not both")
    if name is None and not any(option for option in given):
        raise UsageError("give an event name (nkwatch cite ningpo) or filters (nkwatch cite --country russia)")
    if name is not None:
        events = [_named_event(dataset, name).event]
    else:
        from nkwatch.query import select_events

        events = select_events(dataset, filters_from(dataset, country, actor, theme, since, until, text, source, None))
        if not events:
            note("No events match these filters.")
            return
    sources = cited_sources(dataset, events)
    if chosen != "text":
        print_text(WRITERS[chosen](sources))
        return
    from nkwatch.citeformats import citation_line

    if json:
        from nkwatch.serialize import source_dict

        show_json([{**source_dict(s), "citation": citation_line(s)} for s in sources])
        return
    for cited in sources:
        print_line(citation_line(cited))
