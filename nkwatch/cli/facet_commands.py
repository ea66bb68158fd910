"""Commands that show what there is to filter by: actors, countries, themes, sources, and stats."""


from nkwatch.cli import current_dataset
from nkwatch.cli.commands import command
from nkwatch.cli.options import (
    Actor,
    Country,
    Json,
    NoPager,
    Since,
    SourceFilter,
    TextFilter,
    Theme,
    Until,
    filters_from,
)
from nkwatch.cli.output import listing, note, rendered, show, show_json


def _facet(facet: str, title: str, country, actor, theme, since, until, text, source, as_json, no_pager) -> None:
    from nkwatch.query import facet_counts, select_events

    dataset = current_dataset()
    events = select_events(dataset, filters_from(dataset, country, actor, theme, since, until, text, source, None))
    rows = [(value, facet_label(dataset, facet, value), count) for value, count in facet_counts(dataset, events, facet)]
    if as_json:
        show_json([{"value": v, "name": label, "events": n} for v, label, n in rows])
        return
    show(listing(rendered("facet_table", f"{title} ({len(events)} events)", rows),
                 lambda: [(value, count, label) for value, label, count in rows]), pager=not no_pager)


def facet_label(dataset, facet: str, value: str) -> str:
    """The display name of a facet value: a country's name, an actor's name, a source's publisher."""
    if facet == "country":
        from nkwatch.countries import country_name

        return country_name(value)
    if facet == "actor":
        return dataset.actors[value].name
    if facet == "source":
        source = dataset.sources[value]
        return f"{source.publisher}: {source.title}"
    if facet == "theme":
        return dataset.themes[value].description
    return value


@command("actors")
def actors(country: Country = None, actor: Actor = None, theme: Theme = None, since: Since = None,
           until: Until = None, text: TextFilter = None, source: SourceFilter = None, json: Json = False,
           no_pager: NoPager = False) -> None:
    """Each actor with how many events it has under the current filters.

    Examples:

      nkwatch actors

      nkwatch actors --country russia
    """
    _facet("actor", "Actors", country, actor, theme, since, until, text, source, json, no_pager)


@command("countries")
def countries(country: Country = None, actor: Actor = None, theme: Theme = None, since: Since = None,
              until: Until = None, text: TextFilter = None, source: SourceFilter = None, json: Json = False,
              no_pager: NoPager = False) -> None:
    """Each country with how many events it has under the current filters.

    Examples:

      nkwatch countries

      nkwatch countries --theme defection
    """
    _facet("country", "Countries", country, actor, theme, since, until, text, source, json, no_pager)


@command("themes")
def themes(country: Country = None, actor: Actor = None, theme: Theme = None, since: Since = None,
           until: Until = None, text: TextFilter = None, source: SourceFilter = None, json: Json = False,
           no_pager: NoPager = False) -> None:
    """Each theme with how many events it has under the current filters.

    Examples:

      nkwatch themes

      nkwatch themes --country CN --since 2024
    """
    _facet("theme", "Themes", country, actor, theme, since, until, text, source, json, no_pager)


@command("sources")
def sources(country: Country = None, actor: Actor = None, theme: Theme = None, since: Since = None,
            until: Until = None, text: TextFilter = None, source: SourceFilter = None, json: Json = False,
            no_pager: NoPager = False) -> None:
    """Each source with how many events cite it under the current filters.

    Examples:

      nkwatch sources

      nkwatch sources --country russia --json
    """
    _facet("source", "Sources", country, actor, theme, since, until, text, source, json, no_pager)


@command("stats")
def stats(country: Country = None, actor: Actor = None, theme: Theme = None, since: Since = None,
          until: Until = None, text: TextFilter = None, source: SourceFilter = None, json: Json = False,
          no_pager: NoPager = False) -> None:
    """Events per year as a bar chart, and counts by country, theme and source.

    Examples:

      nkwatch stats

      nkwatch stats --theme defection
    """
    from nkwatch.query import facet_counts, select_events

    dataset = current_dataset()
    events = select_events(dataset, filters_from(dataset, country, actor, theme, since, until, text, source, None))
    years = sorted(facet_counts(dataset, events, "year"))
    by = {facet: facet_counts(dataset, events, facet) for facet in ("country", "theme", "source")}
    if json:
        show_json({"events": len(events), "years": dict(years), **{f: dict(c) for f, c in by.items()}})
        return
    if not events:
        note("No events match these filters.")
        return

    sections = [("year", years), *by.items()]
    labelled = [(facet, [(stats_label(dataset, facet, v), n) for v, n in counts]) for facet, counts in sections]
    show(listing(lambda width: _stats_view(len(events), labelled, width),
                 lambda: [(facet, value, n) for facet, counts in sections for value, n in counts]), pager=not no_pager)


STATS_TITLES = {"year": "Events per year", "country": "By country", "theme": "By theme", "source": "By source"}


def _stats_view(total: int, sections, width: int):
    from rich.text import Text

    from nkwatch.layout import joined
    from nkwatch.render import bar_chart

    parts = [Text(f"{total} events", style="bold")]
    for facet, counts in sections:
        parts += [Text(""), bar_chart(STATS_TITLES[facet], counts, width)]
    return joined(parts)


def stats_label(dataset, facet: str, value: str) -> str:
    """How stats names a value: a country by name and code, a theme or source by its id (as --json keys them)."""
    if facet == "country":
        return f"{facet_label(dataset, facet, value)} ({value})"
    return value
