"""The options shared by every command that lists events, with shell completion from the dataset."""


from typing import Annotated

import typer

from nkwatch.cli import State


def _dataset_or_none(ctx: typer.Context):
    # While completing, the global callback has not run: read --data from the root context instead.
    data = ctx.find_root().params.get("data") or State.data
    try:
        from nkwatch.cache import open_dataset

        return open_dataset(data)
    except Exception:  # completion must never fail loudly in a user's shell
        return None


def complete_country(ctx: typer.Context, incomplete: str) -> list[str]:
    """Country codes used in the dataset, for shell completion."""
    dataset = _dataset_or_none(ctx)
    codes = sorted({c for e in dataset.events.values() for c in e.countries}) if dataset else []
    return [c for c in codes if c.lower().startswith(incomplete.lower())]


def complete_theme(ctx: typer.Context, incomplete: str) -> list[str]:
    """Theme ids, for shell completion."""
    dataset = _dataset_or_none(ctx)
    return [t for t in (dataset.themes if dataset else []) if t.startswith(incomplete.lower())]


def complete_actor(ctx: typer.Context, incomplete: str) -> list[str]:
    """Actor ids, for shell completion."""
    dataset = _dataset_or_none(ctx)
    return [a for a in (dataset.actors if dataset else []) if a.startswith(incomplete.lower())]


def complete_event(ctx: typer.Context, incomplete: str) -> list[str]:
    """Event ids, for shell completion."""
    dataset = _dataset_or_none(ctx)
    return [e for e in (dataset.events if dataset else []) if e.startswith(incomplete.lower())]


Country = Annotated[list[str] | None, typer.Option(
    "--country", "-c", help="Country: ISO code, name or common name (russia, RU, RUS, DPRK). Repeat for any of.",
    autocompletion=complete_country, rich_help_panel="Filters")]
Actor = Annotated[list[str] | None, typer.Option(
    "--actor", "-a", help="Actor name or alias, spelling forgiven (Thae Yong-ho, SSD, Mokran).",
    autocompletion=complete_actor, rich_help_panel="Filters")]
Theme = Annotated[list[str] | None, typer.Option(
    "--theme", "-t", help="Theme id (defection, surveillance, …; see `nkwatch themes`).",
    autocompletion=complete_theme, rich_help_panel="Filters")]
Since = Annotated[str | None, typer.Option(
    help="Events that end on or after: 2016, 2016-08, 2016-08-25 or 'Aug 2016'.", rich_help_panel="Filters")]
Until = Annotated[str | None, typer.Option(
    help="Events that start on or before: 2016, 2016-08, 2016-08-25 or 'Aug 2016'.", rich_help_panel="Filters")]
TextFilter = Annotated[list[str] | None, typer.Option(
    "--text", help="Words that must appear in the event's text.", rich_help_panel="Filters")]
SourceFilter = Annotated[list[str] | None, typer.Option(
    "--source", "-s", help="Source id or publisher (Daily NK).", rich_help_panel="Filters")]
def _check_limit(value: int | None) -> int | None:
    if value is not None and value < 0:
        raise typer.BadParameter(f"{value} is negative; give 0 (for all) or more")
    return value


Limit = Annotated[int | None, typer.Option(
    callback=_check_limit, help="Show at most this many (0 for all; on a terminal the default is 200).",
    rich_help_panel="Filters")]
"""--limit, checked here for every command: a negative or non-numeric value is the command's own usage error."""
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
NoPager = Annotated[bool, typer.Option("--no-pager", help="Never page long output.")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Also show dates in their stored EDTF form.")]


def filters_from(dataset, country, actor, theme, since, until, text, source, limit):
    """Resolve the shared options into Filters (0 as a limit means no limit); say on stderr how a value was taken
    when it matched only approximately."""
    from nkwatch.cli.output import note
    from nkwatch.query import resolve_filters

    notes: list[str] = []
    filters = resolve_filters(dataset, country=country or (), actor=actor or (), theme=theme or (), since=since,
                              until=until, text=text or (), source=source or (), limit=limit or None, notes=notes)
    from nkwatch.textnorm import strip_unsafe

    for line in notes:
        note(strip_unsafe(f"nkwatch: {line}"))
    return filters
