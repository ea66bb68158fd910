"""Finding records by what people type: one event by name, and ranked full-text search.

``find_event`` goes exact id, then normalised title or alias, then fuzzy matching, and never returns the wrong
event silently: nothing close is a NotFoundError with suggestions, a tie between events says so, and
``resolve_event`` tells the commands when the event was only the closest match, so that they can name it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from nkwatch.errors import NotFoundError
from nkwatch.models import Dataset, Event, Figure
from nkwatch.textnorm import normalize

FUZZY_CUTOFF = 72.0
TIE_MARGIN = 0.5


def event_names(event: Event) -> list[str]:
    """The names an event answers to: its id, title and aliases."""
    return [event.id, event.title, *event.aliases]


def find_event(dataset: Dataset, name: str) -> Event:
    """The one event a name means, or NotFoundError (with suggestions, or the tied candidates)."""
    return resolve_event(dataset, name)[0]


def resolve_event(dataset: Dataset, name: str) -> tuple[Event, bool]:
    """The one event a name means, and whether only fuzzy matching found it (so that a command can say which event
    it chose: ``cite`` prints sources alone); NotFoundError as find_event."""
    if name in dataset.events:
        return dataset.events[name], False
    key = normalize(name)
    if not key:
        raise NotFoundError("give an event id, title or alias")
    exact = [e for e in dataset.events.values() if key in {normalize(n) for n in event_names(e)}]
    if len(exact) == 1:
        return exact[0], False
    if len(exact) > 1:
        raise _ambiguous(name, exact)
    return _fuzzy_event(dataset, key, name), True


def _ambiguous(name: str, events: list[Event]) -> NotFoundError:
    return NotFoundError(f"{name!r} matches {len(events)} events equally well; give one of their ids",
                         [f"{e.id} ({e.title})" for e in events[:5]])


def _coverage(key: str, names: list[str]) -> float:
    """The share of the query's words that begin a word of the event's names ("tumen flood" in "Tumen River floods")."""
    query = key.split()
    found = " " + " ".join(names) + " "
    return sum(f" {word}" in found for word in query) / len(query)


def _score(key: str, event: Event, actor_names: list[str]) -> float:
    from rapidfuzz import fuzz

    names = [normalize(n) for n in event_names(event)]
    best = max(fuzz.WRatio(key, n) for n in names)
    # A query made of an actor's name finds that actor's events, a little below a match on the event's own names.
    actor_best = max((fuzz.WRatio(key, n) for n in actor_names), default=0.0) - 5
    # Fuzzy ratios flatter partial overlaps; an event whose names hold every word typed should win over one with some.
    prefix = 5 if any(n.startswith(key) for n in names) else 0  # "jilin protest" → "Jilin protests 2024"
    return max(best, actor_best) + 10 * _coverage(key, names) + prefix


def _fuzzy_event(dataset: Dataset, key: str, name: str) -> Event:
    scored = sorted(
        ((_score(key, e, _actor_names(dataset, e)), e) for e in dataset.events.values()),
        key=lambda pair: -pair[0],
    )
    close = [(s, e) for s, e in scored if s >= FUZZY_CUTOFF]
    if not close:
        raise NotFoundError(f"no event matches {name!r}", [f"{e.id} ({e.title})" for _, e in scored[:5]])
    top = close[0][0]
    tied = [e for s, e in close if top - s <= TIE_MARGIN]
    if len(tied) > 1:
        raise _ambiguous(name, tied)
    return close[0][1]


def _actor_names(dataset: Dataset, event: Event) -> list[str]:
    names = []
    for role in event.actors:
        actor = dataset.actors.get(role.actor)
        if actor and actor.kind == "person":
            names += [normalize(n) for n in (actor.name, *actor.aliases)]
    return names


class Hit(NamedTuple):
    """One search result: an event or a figure, its score, and the words that matched."""

    kind: str
    """'event' or 'figure'."""
    record: Event | Figure
    """The record found."""
    score: float
    """Higher is better."""
    terms: tuple[str, ...]
    """The query words, for highlighting."""


def _field_score(terms: list[str], fields: dict[str, str], weights) -> tuple[float, int]:
    """Weighted score, and how many query words matched somewhere (a word matches a word it begins)."""
    score, matched = 0.0, 0
    for term in terms:
        pattern = re.compile(rf"\b{re.escape(term)}", re.IGNORECASE)
        found = [w for name, w in weights if pattern.search(normalize(fields[name]))]
        matched += bool(found)
        score += sum(found)
    return score, matched


def search(dataset: Dataset, query: str, limit: int | None = None, filters=None) -> list[Hit]:
    """Events and figures containing every query word (as a word or word start), best first: events ranked by
    ``nkwatch.cache.search.search_events`` (narrowed by filters, a ``query.Filters``, when given), then figures."""
    from nkwatch.cache.search import query_words, search_events

    terms = tuple(query_words(query))
    if not terms:
        return []
    # Events come before figures, so at most limit events are wanted.
    narrowed = filters._replace(limit=limit) if filters is not None else None
    hits = [Hit("event", event, score, terms) for event, score in search_events(dataset, query, narrowed)]
    if filters is None or not (filters.countries or filters.actors or filters.themes or filters.sources
                               or filters.since or filters.until or filters.texts):
        hits += _figure_hits(dataset, list(terms))
    return hits if limit is None else hits[:limit]


def _figure_hits(dataset: Dataset, terms: list[str]) -> list[Hit]:
    hits = []
    for figure in dataset.figures.values():
        fields = {"measure": figure.measure, "unit": figure.unit, "note": figure.note or ""}
        score, matched = _field_score(terms, fields, (("measure", 4.0), ("unit", 1.0), ("note", 1.0)))
        if matched == len(terms):
            hits.append(Hit("figure", figure, score, tuple(terms)))
    hits.sort(key=lambda h: (-h.score, h.record.id))
    return hits
