"""Filters and selection: pure functions over a Dataset's records.

A user's filter values (``russia``, ``Thaek Yong-ho``, ``Aug 2016``) are resolved once into a ``Filters`` of ids,
codes and days, with a usage error that suggests valid values when one cannot be resolved; selection then applies
the same ``Filters`` to every command, so what ``timeline`` shows is what ``export`` writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from typing import NamedTuple

from nkwatch.errors import UsageError
from nkwatch.models import Dataset, Event, Figure
from nkwatch.textnorm import normalize


class Filters(NamedTuple):
    """A resolved selection; each tuple means any of its values, and every non-empty filter must match."""

    countries: tuple[str, ...] = ()
    """ISO alpha-2 codes."""
    actors: tuple[str, ...] = ()
    """Actor ids."""
    themes: tuple[str, ...] = ()
    """Theme ids."""
    since: date | None = None
    """Keep events that end on or after this day."""
    until: date | None = None
    """Keep events that start on or before this day."""
    texts: tuple[str, ...] = ()
    """Normalised phrases, any of which must appear in the event's text."""
    sources: tuple[str, ...] = ()
    """Source ids."""
    limit: int | None = None
    """At most this many events, in date order."""


def parse_user_date(text: str, *, end: bool, option: str = "a date") -> date:
    """A --since/--until value as a day: the first day (end=False) or last day (end=True) of what it names.

    Only forms that need no guess are read (``nkwatch.loosedates``); anything else is a usage error listing them.
    """
    from nkwatch.dates import parse_edtf
    from nkwatch.loosedates import loose_date

    try:
        value = parse_edtf(loose_date(text))
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None
    return value.end if end else value.start


def closest(wanted: str, choices: Iterable[str], limit: int = 5) -> list[str]:
    """The choices nearest to a misspelling, nearest first: nkwatch's one "did you mean" helper."""
    from difflib import get_close_matches

    by_key = {normalize(c): c for c in choices}
    return [by_key[k] for k in get_close_matches(normalize(wanted), list(by_key), n=limit, cutoff=0.5)]


CHOICES_SHOWN = 24
"""A list of valid values longer than this shows its first ones and the command that lists them all."""
LISTING_COMMANDS = {"theme": "nkwatch themes", "actor": "nkwatch actors", "source": "nkwatch sources"}


def choices_text(kind: str, choices: Iterable[str], width: int = 80) -> str:
    """Valid values in columns, every one of them, or the first CHOICES_SHOWN and how to list the rest."""
    from nkwatch.layout import in_columns

    values = sorted(set(choices), key=normalize)
    shown = values[:CHOICES_SHOWN]
    lines = [f"Valid {kind} values:", *in_columns(shown, width)]
    if len(values) > len(shown):
        more = LISTING_COMMANDS.get(kind)
        lines.append(f"  … and {len(values) - len(shown)} more" + (f": {more}" if more else ""))
    return "\n".join(lines)


def _suggestions(close: Iterable[str]) -> str:
    return "Did you mean:\n" + "\n".join(f"  {c}" for c in close)


def _theme_hint(dataset: Dataset, kind: str, wanted: str) -> str:
    """A line pointing to --theme when what was given to another filter is a theme's id."""
    theme = normalize(wanted).replace(" ", "-")
    return f"\n{wanted!r} is a theme: use --theme {theme}" if kind != "theme" and theme in dataset.themes else ""


def _unknown(kind: str, wanted: str, choices: Iterable[str], dataset: Dataset | None = None) -> UsageError:
    choices = list(choices)
    close = closest(wanted, choices)
    hint = _suggestions(close) if close else choices_text(kind, choices)
    pointer = _theme_hint(dataset, kind, wanted) if dataset is not None else ""
    return UsageError(f"unknown {kind} {wanted!r}{pointer}\n{hint}")


class Resolved(NamedTuple):
    """A filter value resolved: what it stands for, and how it was matched when not exactly, for a note on stderr."""

    values: tuple[str, ...]
    """Actor ids, or one country code."""
    note: str | None = None
    """``--actor Kim: taken as Kim Jong-un (kim-jong-un)``, or None for an exact match."""


def resolve_country(dataset: Dataset, text: str) -> str:
    """An ISO alpha-2 code from a code, name or common name; a usage error with suggestions otherwise."""
    return match_country(dataset, text).values[0]


def match_country(dataset: Dataset, text: str) -> Resolved:
    """A country code from a code or name, or from the one country name the text misspells (with a note)."""
    from nkwatch import countries
    from nkwatch.textnorm import is_misspelling

    code = countries.resolve_country(text)
    if code:
        return Resolved((code,))
    suggestions = countries.suggest_countries(text)
    misspelt = [name for name in suggestions if is_misspelling(normalize(text), normalize(name))]
    if len(misspelt) == 1:
        code = countries.resolve_country(misspelt[0]) or ""
        return Resolved((code,), f"--country {text}: taken as {misspelt[0]} ({code}), the closest spelling")
    hint = "\n" + _suggestions(suggestions) if suggestions else ""
    raise UsageError(f"unknown country {text!r}{_theme_hint(dataset, 'country', text)}{hint}")


def resolve_theme(dataset: Dataset, text: str) -> str:
    """A theme id from its id in any case, or a usage error naming the closest themes."""
    key = normalize(text).replace(" ", "-")
    if key in dataset.themes:
        return key
    raise _unknown("theme", text, dataset.themes)


def actor_names(dataset: Dataset) -> dict[str, set[str]]:
    """Every normalised name and alias (and id) of every actor, mapped to the actor ids it names."""
    names: dict[str, set[str]] = {}
    for actor in dataset.actors.values():
        for name in (actor.id, actor.name, *actor.aliases):
            names.setdefault(normalize(name), set()).add(actor.id)
    return names


def resolve_actor(dataset: Dataset, text: str) -> tuple[str, ...]:
    """Actor ids for a name or alias, forgiving of spelling; a usage error when nothing or several are close."""
    return match_actor(dataset, text).values


def match_actor(dataset: Dataset, text: str) -> Resolved:
    """Actor ids for a name or alias; else the one actor whose names hold every word typed, or whose name the text
    misspells, with a note saying which was taken. Several such actors are a usage error naming them."""
    names = actor_names(dataset)
    key = normalize(text)
    exact = names.get(key)
    if exact:
        return Resolved(tuple(sorted(exact)))
    chosen = _actors_by_words(dataset, key)
    how = ""
    if not chosen:
        chosen, how = _actors_by_spelling(dataset, key), ", the closest spelling"
    if len(chosen) == 1:
        actor = chosen[0]
        return Resolved((actor.id,), f"--actor {text}: taken as {actor.name} ({actor.id}){how}")
    if chosen:
        listed = "".join(f"\n  {a.id}  {a.name}" for a in chosen)
        raise UsageError(f"--actor {text} could be any of {len(chosen)} actors; give one of their ids:{listed}")
    raise _unknown("actor", text, [a.name for a in dataset.actors.values()], dataset)


def _actor_keys(actor) -> list[str]:
    return [normalize(n) for n in (actor.id, actor.name, *actor.aliases)]


def _actors_by_words(dataset: Dataset, key: str) -> list:
    """The actors one of whose names holds every word typed, as whole words ("Kim" in "Kim Jong-un")."""
    wanted = set(key.split())
    return [a for a in dataset.actors.values() if wanted and any(wanted <= set(n.split()) for n in _actor_keys(a))]


def _actors_by_spelling(dataset: Dataset, key: str) -> list:
    """The actors a name of which the text misspells, taken as a whole (or, for one word, a word of a name)."""
    from nkwatch.textnorm import is_misspelling

    def misspelt(name: str) -> bool:
        pieces = [name] if " " in key else [name, *(w for w in name.split() if len(w) >= 4)]
        return any(is_misspelling(key, piece) for piece in pieces)

    return [a for a in dataset.actors.values() if any(misspelt(n) for n in _actor_keys(a))]


def resolve_source(dataset: Dataset, text: str) -> tuple[str, ...]:
    """Source ids for a source id or a publisher name (every source of that publisher)."""
    if text in dataset.sources:
        return (text,)
    key = normalize(text)
    matches = tuple(s.id for s in dataset.sources.values() if key in normalize(s.publisher))
    if matches:
        return matches
    raise _unknown("source", text, [*dataset.sources, *{s.publisher for s in dataset.sources.values()}], dataset)


def resolve_filters(
    dataset: Dataset,
    *,
    country: Sequence[str] = (),
    actor: Sequence[str] = (),
    theme: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
    text: Sequence[str] = (),
    source: Sequence[str] = (),
    limit: int | None = None,
    notes: list[str] | None = None,
) -> Filters:
    """Resolve what a user typed into Filters, or raise UsageError naming the value that is not valid; how a value
    was matched when not exactly (``--actor Kim: taken as …``) is appended to ``notes`` when it is given."""
    if limit is not None and limit < 0:
        raise UsageError("--limit must be 0 or more")
    countries = [match_country(dataset, c) for c in country]
    actors = [match_actor(dataset, name) for name in actor]
    if notes is not None:
        notes += [r.note for r in (*countries, *actors) if r.note]
    filters = Filters(
        countries=tuple(dict.fromkeys(r.values[0] for r in countries)),
        actors=tuple(dict.fromkeys(a for r in actors for a in r.values)),
        themes=tuple(dict.fromkeys(resolve_theme(dataset, t) for t in theme)),
        since=parse_user_date(since, end=False, option="--since") if since else None,
        until=parse_user_date(until, end=True, option="--until") if until else None,
        texts=tuple(normalize(t) for t in text if normalize(t)),
        sources=tuple(dict.fromkeys(s for name in source for s in resolve_source(dataset, name))),
        limit=limit,
    )
    if filters.since and filters.until and filters.until < filters.since:
        raise UsageError(f"--until {until} is before --since {since}")
    return filters


def event_text(dataset: Dataset, event: Event) -> str:
    """Everything a text filter looks through: title, aliases, summary, date note, actors and places."""
    parts = [event.id, event.title, *event.aliases, event.summary, event.date_note or ""]
    parts += [name for a in event.actors if a.actor in dataset.actors
              for name in (dataset.actors[a.actor].name, *dataset.actors[a.actor].aliases)]
    parts += [name for p in event.places if p in dataset.places
              for name in (dataset.places[p].name, *dataset.places[p].aliases)]
    return normalize(" ".join(parts))


def event_matches(dataset: Dataset, event: Event, filters: Filters) -> bool:
    """True when the event passes every filter."""
    if filters.countries and not set(filters.countries) & set(event.countries):
        return False
    if filters.themes and not set(filters.themes) & set(event.themes):
        return False
    if filters.actors and not set(filters.actors) & {a.actor for a in event.actors}:
        return False
    if filters.sources and not set(filters.sources) & {s.source for s in event.sources}:
        return False
    if (filters.since or filters.until) and not event.date.overlaps(filters.since, filters.until):
        return False
    if filters.texts:
        haystack = f" {event_text(dataset, event)} "
        return any(f" {phrase} " in haystack or phrase in haystack for phrase in filters.texts)
    return True


def _candidates(dataset: Dataset, filters: Filters) -> Iterable[Event]:
    """Events in date order, narrowed first by the dataset's event store (an index does it in SQL)."""
    return dataset.events.candidates(filters)


def iter_events(dataset: Dataset, filters: Filters) -> Iterator[Event]:
    """The events that pass the filters, in date order, one at a time (for streaming exports)."""
    matching = (e for e in _candidates(dataset, filters) if event_matches(dataset, e, filters))
    return matching if filters.limit is None else islice(matching, filters.limit)


class Selection:
    """The events that pass the filters, in date order: iterating gives them one at a time, as iter_events does.

    ``stored()`` gives the same events as the index stores them (value, ISO start, ISO end) when the index can
    select them without building records, that is when there is no text filter; otherwise None. A writer that can
    work from stored values (CSV) then skips building a record per row, which is half of a large export's time.
    """

    def __init__(self, dataset: Dataset, filters: Filters):
        self.dataset, self.filters = dataset, filters

    def __iter__(self) -> Iterator[Event]:
        return iter_events(self.dataset, self.filters)

    def stored(self) -> Iterator[tuple[dict, str | None, str | None]] | None:
        """The selection as stored values with their ISO start and end days, or None when it must be built."""
        return None if self.filters.texts else self.dataset.events.stored(self.filters)


def select_events(dataset: Dataset, filters: Filters) -> list[Event]:
    """The events that pass the filters, in date order, at most filters.limit of them."""
    return list(iter_events(dataset, filters))


def count_events(dataset: Dataset, filters: Filters) -> int:
    """How many events pass the filters, ignoring the limit."""
    counted = None if filters.texts else dataset.events.count(filters)
    if counted is not None:
        return counted
    return sum(1 for e in _candidates(dataset, filters) if event_matches(dataset, e, filters))


SORT_KEYS = ("date", "title", "id", "people", "country")


def sort_events(events: list[Event], key: str) -> list[Event]:
    """Events ordered by date (the default), title, id, people (most first) or first country."""
    if key == "date":
        return events
    if key == "title":
        return sorted(events, key=lambda e: normalize(e.title))
    if key == "id":
        return sorted(events, key=lambda e: e.id)
    if key == "people":
        return sorted(events, key=lambda e: -(e.people.max if e.people and e.people.max is not None
                                               else e.people.min if e.people else -1))
    if key == "country":
        return sorted(events, key=lambda e: e.countries[0] if e.countries else "")
    raise UsageError(f"unknown sort key {key!r}; valid keys: {', '.join(SORT_KEYS)}")


def figure_matches(dataset: Dataset, figure: Figure, filters: Filters) -> bool:
    """True when a figure passes the filters that apply to figures (country, source, dates, text)."""
    if filters.countries and not set(filters.countries) & set(figure.countries):
        return False
    if filters.sources and not set(filters.sources) & {s.source for s in figure.sources}:
        return False
    if (filters.since or filters.until) and not figure.as_of.overlaps(filters.since, filters.until):
        return False
    if filters.themes or filters.actors:
        event = dataset.events.get(figure.event or "")
        if event is None or not event_matches(dataset, event, Filters(themes=filters.themes, actors=filters.actors)):
            return False
    if filters.texts:
        haystack = normalize(" ".join([figure.id, figure.measure, figure.unit, figure.note or ""]))
        return any(phrase in haystack for phrase in filters.texts)
    return True


def select_figures(dataset: Dataset, filters: Filters) -> list[Figure]:
    """The figures that pass the filters, ordered by as-of date then id."""
    chosen = [f for f in dataset.figures.values() if figure_matches(dataset, f, filters)]
    chosen.sort(key=lambda f: (f.as_of.sort_key(), f.id))
    return chosen if filters.limit is None else chosen[: filters.limit]


def facet_counts(dataset: Dataset, events: Iterable[Event], facet: str) -> list[tuple[str, int]]:
    """How many of the events carry each value of a facet: country, theme, actor, source or year."""
    counter: Counter[str] = Counter()
    for event in events:
        counter.update(set(_facet_values(event, facet)))
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def _facet_values(event: Event, facet: str) -> Iterable[str]:
    if facet == "country":
        return event.countries
    if facet == "theme":
        return event.themes
    if facet == "actor":
        return [a.actor for a in event.actors]
    if facet == "source":
        return [s.source for s in event.sources]
    if facet == "year":
        return [str(event.date.sort_key()[0].year)]
    raise ValueError(f"unknown facet {facet!r}")
