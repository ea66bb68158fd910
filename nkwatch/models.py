"""The records nkwatch is made of: sources, actors, places, themes, events and figures.

Records are typed named tuples, immutable and far cheaper than dataclasses to define at start-up, built by the
loader from the YAML files under ``data/``; every field carries a docstring saying what it holds. References between
records are by id (a lowercase slug).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, KeysView
from typing import TYPE_CHECKING, NamedTuple, Protocol

from nkwatch.dates import EDTFDate

if TYPE_CHECKING:
    from nkwatch.query import Filters


class Source(NamedTuple):
    """An article, report or statement that a record relies on."""

    id: str
    """Slug naming the source, equal to its file name."""
    publisher: str
    """Who published it: the outlet, ministry or organisation."""
    title: str
    """Its title as published."""
    author: str | None
    """Byline, or None when the source names no author."""
    published: EDTFDate
    """When it was published, as precisely as known."""
    url: str | None
    """Where it can be read, or None when no address is known."""
    kind: str
    """news, blog, government, ngo, report, wire or other."""
    language: str
    """ISO 639-1 code of the language it is written in."""
    notes: str | None = None
    """What a reader should know about it: how its date was established, whom it relays."""


class Actor(NamedTuple):
    """A person, state body, company, NGO or outlet that takes part in events."""

    id: str
    """Slug naming the actor, equal to its file name."""
    name: str
    """The name used for display."""
    aliases: tuple[str, ...] = ()
    """Other spellings and romanisations, and the name in Hangul where certain."""
    kind: str = "person"
    """person, state-body, company, ngo, media, research, government or group."""
    countries: tuple[str, ...] = ()
    """ISO 3166-1 alpha-2 codes of the countries the actor belongs to."""
    description: str | None = None
    """One line saying who or what the actor is."""


class Place(NamedTuple):
    """A city, province or site where events happen."""

    id: str
    """Slug naming the place, equal to its file name."""
    name: str
    """The name used for display."""
    aliases: tuple[str, ...] = ()
    """Other names and spellings, including local scripts."""
    country: str = ""
    """ISO 3166-1 alpha-2 code of the country the place is in."""
    lat: float | None = None
    """Latitude in decimal degrees (city level)."""
    lon: float | None = None
    """Longitude in decimal degrees (city level)."""


class Theme(NamedTuple):
    """One term of the controlled vocabulary events are tagged with."""

    id: str
    """Slug naming the theme (defection, surveillance, …)."""
    description: str
    """One line saying what the theme covers."""


class Range(NamedTuple):
    """A count or amount known as one number or as a low–high range."""

    min: float
    """The lowest value the sources support (with ``wording``, our reading of the source's words)."""
    max: float | None
    """The highest value the sources support; equal to min when they agree; None only with ``wording``, when the
    words set no upper bound ("dozens")."""
    wording: str | None = None
    """The source's own words for a number it never gave ("dozens", "hundreds of millions"); min and max are then
    only our reading of them."""

    @property
    def exact(self) -> bool:
        """True when the sources give one number."""
        return self.wording is None and self.min == self.max


class ActorRole(NamedTuple):
    """An actor's part in an event."""

    actor: str
    """Id of the actor."""
    role: str
    """What the actor did or was in the event, in a few words."""


class SourceRef(NamedTuple):
    """A citation of a source by a record, optionally saying which claim it supports."""

    source: str
    """Id of the cited source."""
    supports: str | None = None
    """The claim or detail this source supports, or None for the record as a whole."""


class Claim(NamedTuple):
    """What one source says about a disputed point."""

    source: str
    """Id of the source making the claim."""
    says: str
    """What it says: our paraphrase, or (with ``quoted``) the source's own words."""
    quoted: bool = False
    """True when ``says`` is the source's own wording, shown in quotation marks; False for our paraphrase, which is
    never put in quotation marks."""


class Discrepancy(NamedTuple):
    """A point on which sources disagree, and which value the record uses."""

    about: str
    """The field or claim in dispute (people, date, place, name, …)."""
    claims: tuple[Claim, ...]
    """What each source says."""
    resolution: str
    """Which value the record uses, and why."""


class Attestation(NamedTuple):
    """Who asserts a record's facts, and through which outlets."""

    basis: str
    """named (a named person), anonymous (an unnamed source through an outlet), outlet or document."""
    asserted_by: str
    """Who says so: the named person, or a description of the anonymous source."""
    outlets: tuple[str, ...] = ()
    """The outlets that carried the claim, as the sources name them."""

    @property
    def corroboration(self) -> str:
        """'single outlet' or 'several outlets', from how many outlets carried the claim."""
        return "several outlets" if len(self.outlets) > 1 else "single outlet"


class Event(NamedTuple):
    """A dated event: what happened, when, where, who was involved, how many, and who says so."""

    id: str
    """Readable slug naming the event, equal to its file name."""
    title: str
    """A short headline in our own words."""
    date: EDTFDate
    """When it happened, no more precisely than the sources allow."""
    countries: tuple[str, ...]
    """ISO 3166-1 alpha-2 codes of the countries where it happened or that it concerns."""
    themes: tuple[str, ...]
    """Ids of the themes it is tagged with."""
    summary: str
    """What happened, in our own words."""
    sources: tuple[SourceRef, ...]
    """The sources it rests on, each optionally with the claim it supports."""
    attestation: Attestation
    """Who says it happened."""
    aliases: tuple[str, ...] = ()
    """Other names people use for it ("Ningbo 13")."""
    date_note: str | None = None
    """What the sources say about the date, and how it was resolved."""
    places: tuple[str, ...] = ()
    """Ids of the places where it happened."""
    actors: tuple[ActorRole, ...] = ()
    """The actors involved, each with a role."""
    people: Range | None = None
    """How many people were involved, as a range where sources differ; None when no count is given."""
    related: tuple[str, ...] = ()
    """Ids of related events."""
    discrepancies: tuple[Discrepancy, ...] = ()
    """Points on which the sources disagree."""
    origin: str | None = None
    """The file the record was read from (not part of the data)."""


class Figure(NamedTuple):
    """A quantitative claim: what it measures, its value, as of when, and who asserts it."""

    id: str
    """Slug naming the figure, equal to its file name."""
    measure: str
    """What the number measures, in our own words."""
    value: Range
    """The value, or low–high range, claimed."""
    unit: str
    """The unit of the value (USD per month, workers, percent, …)."""
    as_of: EDTFDate
    """The time the figure describes."""
    countries: tuple[str, ...]
    """ISO 3166-1 alpha-2 codes of the countries it concerns."""
    attestation: Attestation
    """Who asserts the figure."""
    sources: tuple[SourceRef, ...]
    """The sources it rests on."""
    qualifier: str | None = None
    """How the source hedges it: about, more-than, at-least, up-to, almost, fewer-than; None when exact."""
    event: str | None = None
    """Id of the event the figure belongs to, if any."""
    note: str | None = None
    """Context a reader needs, in our own words."""
    discrepancies: tuple[Discrepancy, ...] = ()
    """Points on which the sources disagree."""
    origin: str | None = None
    """The file the record was read from (not part of the data)."""


StoredEvent = tuple[dict, str | None, str | None]
"""An event as the index stores it: its checked YAML mapping, and its ISO start and end days."""


class EventStore(Protocol):
    """A dataset's events by id, in date order: what both the in-memory mapping and the index give.

    Beyond the mapping's own methods, a store says which events may pass a selection's filters (an index narrows
    them in SQL; query.py then applies every filter), may count them or give their stored values without building
    records, and ranks a full-text search.
    """

    def __getitem__(self, event_id: str) -> Event: ...
    def __iter__(self) -> Iterator[str]: ...
    def __len__(self) -> int: ...
    def __contains__(self, event_id: object) -> bool: ...
    def get(self, event_id: str, default: Event | None = None) -> Event | None:
        """The event with that id, or default."""
        ...
    def keys(self) -> KeysView[str] | Iterable[str]:
        """The ids, in date order."""
        ...
    def values(self) -> Iterable[Event]:
        """The events, in date order."""
        ...
    def items(self) -> Iterable[tuple[str, Event]]:
        """(id, event) pairs, in date order."""
        ...

    def candidates(self, filters: Filters | None) -> Iterable[Event]:
        """Events that may pass the filters (every one that does, perhaps more), in date order."""
        ...

    def count(self, filters: Filters) -> int | None:
        """How many events pass the facet and date filters, or None when only applying them can tell."""
        ...

    def stored(self, filters: Filters) -> Iterable[StoredEvent] | None:
        """The events passing the facet and date filters, at most filters.limit, as stored; None if not kept."""
        ...

    def search(self, dataset: Dataset, words: list[str], filters: Filters | None) -> Iterable[tuple[Event, float]]:
        """The events holding every search word (as a word or a word's start), with their scores, best first."""
        ...


class EventsInMemory(dict):
    """The EventStore of a dataset read from its files: a dict of events by id, in date order."""

    def candidates(self, filters: Filters | None) -> Iterable[Event]:
        """Every event: query.py applies the filters."""
        return self.values()

    def count(self, filters: Filters) -> int | None:
        """None: only applying the filters can tell."""
        return None

    def stored(self, filters: Filters) -> None:
        """None: the records are all there is."""
        return None

    def search(self, dataset: Dataset, words: list[str], filters: Filters | None) -> list[tuple[Event, float]]:
        """The same ranking as the index's, computed over the records (see nkwatch.cache.search)."""
        from nkwatch.cache.search import event_fields_of_record, ranked_in_memory

        documents = [(event, event_fields_of_record(dataset, event)) for event in self.values()]
        return sorted(ranked_in_memory(documents, words), key=lambda hit: (-hit[1], hit[0].id))


class Dataset(NamedTuple):
    """A whole dataset, every record by id."""

    root: str
    """The folder the dataset was read from."""
    sources: dict[str, Source]
    """Sources by id."""
    actors: dict[str, Actor]
    """Actors by id."""
    places: dict[str, Place]
    """Places by id."""
    themes: dict[str, Theme]
    """Themes by id, in the order of themes.yaml."""
    events: EventStore
    """Events by id, sorted by date (start, then end), then id."""
    figures: dict[str, Figure]
    """Figures by id."""

    def counts(self) -> dict[str, int]:
        """How many records of each kind the dataset holds."""
        return {
            "events": len(self.events),
            "figures": len(self.figures),
            "sources": len(self.sources),
            "actors": len(self.actors),
            "places": len(self.places),
            "themes": len(self.themes),
        }
