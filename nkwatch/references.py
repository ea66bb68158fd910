"""Cross-record checks: every id a record names must exist, and every country code must be a real one."""

from __future__ import annotations

from collections.abc import Iterator

from nkwatch.models import Dataset, Discrepancy, SourceRef

Found = tuple[str, str, tuple, str]
"""A problem: (record folder, record id, field path, message)."""


def _missing(kind: str, wanted: str, known: dict) -> str:
    from difflib import get_close_matches

    close = get_close_matches(wanted, list(known), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"no {kind} has the id {wanted!r}{hint}"


def _check_ids(folder: str, record: str, field: str, ids, kind: str, known: dict) -> Iterator[Found]:
    for i, wanted in enumerate(ids):
        if wanted not in known:
            yield folder, record, (field, i), _missing(kind, wanted, known)


def _check_countries(folder: str, record: str, field: str, codes) -> Iterator[Found]:
    from nkwatch.countries import is_country_code

    for i, code in enumerate(codes):
        if not is_country_code(code):
            yield folder, record, (field, i), f"{code!r} is not an ISO 3166-1 alpha-2 country code"


def _check_sources(folder: str, record: str, refs: tuple[SourceRef, ...], discrepancies: tuple[Discrepancy, ...],
                   dataset: Dataset) -> Iterator[Found]:
    for i, ref in enumerate(refs):
        if ref.source not in dataset.sources:
            yield folder, record, ("sources", i, "source"), _missing("source", ref.source, dataset.sources)
    for i, discrepancy in enumerate(discrepancies):
        for j, claim in enumerate(discrepancy.claims):
            if claim.source not in dataset.sources:
                field = ("discrepancies", i, "claims", j, "source")
                yield folder, record, field, _missing("source", claim.source, dataset.sources)


def check_references(dataset: Dataset) -> Iterator[Found]:
    """Every dangling reference and invalid country code in the dataset."""
    for actor in dataset.actors.values():
        yield from _check_countries("actors", actor.id, "countries", actor.countries)
    for place in dataset.places.values():
        if not _valid_country(place.country):
            yield "places", place.id, ("country",), f"{place.country!r} is not an ISO 3166-1 alpha-2 country code"
    for event in dataset.events.values():
        yield from _check_event(event, dataset)
    for figure in dataset.figures.values():
        yield from _check_countries("figures", figure.id, "countries", figure.countries)
        yield from _check_sources("figures", figure.id, figure.sources, figure.discrepancies, dataset)
        if figure.event and figure.event not in dataset.events:
            yield "figures", figure.id, ("event",), _missing("event", figure.event, dataset.events)


def _valid_country(code: str) -> bool:
    from nkwatch.countries import is_country_code

    return is_country_code(code)


def _check_event(event, dataset: Dataset) -> Iterator[Found]:
    yield from _check_countries("events", event.id, "countries", event.countries)
    yield from _check_ids("events", event.id, "places", event.places, "place", dataset.places)
    yield from _check_ids("events", event.id, "themes", event.themes, "theme", dataset.themes)
    yield from _check_ids("events", event.id, "related", event.related, "event", dataset.events)
    for i, role in enumerate(event.actors):
        if role.actor not in dataset.actors:
            yield "events", event.id, ("actors", i, "actor"), _missing("actor", role.actor, dataset.actors)
    if event.id in event.related:
        yield "events", event.id, ("related",), "an event cannot be related to itself"
    yield from _check_sources("events", event.id, event.sources, event.discrepancies, dataset)
