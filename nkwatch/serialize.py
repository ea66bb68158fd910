"""Records as plain JSON-ready dicts: the stable shape of ``--json`` and of the json, ndjson and geojson exports."""

from __future__ import annotations

from nkwatch.dates import EDTFDate, humanize
from nkwatch.models import Attestation, Dataset, Discrepancy, Event, Figure, Range, Source, SourceRef


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def number(value: float) -> int | float:
    """A whole float as an int, so 13.0 is written 13."""
    return int(value) if float(value).is_integer() else value


def range_dict(value: Range | None) -> dict | None:
    """``{"min": …, "max": …, "wording": …}`` (max null when the source's words set no upper bound), or None."""
    if value is None:
        return None
    return {"min": number(value.min), "max": None if value.max is None else number(value.max), "wording": value.wording}


def date_fields(value: EDTFDate) -> dict:
    """A date's text, inclusive ISO start and end (null when open), how a person reads it, and how sure it is."""
    return {"date": value.text, "start": _iso(value.start), "end": _iso(value.end), "date_display": humanize(value),
            "approximate": value.approximate, "uncertain": value.uncertain}


def source_dict(source: Source, ref: SourceRef | None = None) -> dict:
    """A source; with a citation, the claim it supports."""
    data = {"id": source.id, "publisher": source.publisher, "title": source.title, "author": source.author,
            "published": source.published.text, "url": source.url, "kind": source.kind}
    if ref is not None:
        data["supports"] = ref.supports
    return data


def attestation_dict(value: Attestation) -> dict:
    """Who asserts a record's facts."""
    return {"basis": value.basis, "asserted_by": value.asserted_by, "outlets": list(value.outlets),
            "corroboration": value.corroboration}


def discrepancy_dict(value: Discrepancy) -> dict:
    """A disagreement between sources."""
    return {"about": value.about,
            "claims": [{"source": c.source, "says": c.says, "quoted": c.quoted} for c in value.claims],
            "resolution": value.resolution}


def _sources(dataset: Dataset, refs) -> list[dict]:
    return [source_dict(dataset.sources[r.source], r) for r in refs if r.source in dataset.sources]


def event_dict(dataset: Dataset, event: Event) -> dict:
    """An event with its references expanded, as documented in the README."""
    places = [dataset.places[p] for p in event.places if p in dataset.places]
    return {
        "id": event.id,
        "title": event.title,
        "aliases": list(event.aliases),
        **date_fields(event.date),
        "date_note": event.date_note,
        "countries": list(event.countries),
        "places": [{"id": p.id, "name": p.name, "country": p.country, "lat": p.lat, "lon": p.lon} for p in places],
        "actors": [{"id": a.actor, "name": dataset.actors[a.actor].name if a.actor in dataset.actors else a.actor,
                    "role": a.role} for a in event.actors],
        "themes": list(event.themes),
        "people": range_dict(event.people),
        "summary": event.summary,
        "sources": _sources(dataset, event.sources),
        "attestation": attestation_dict(event.attestation),
        "related": list(event.related),
        "discrepancies": [discrepancy_dict(d) for d in event.discrepancies],
    }


def figure_dict(dataset: Dataset, figure: Figure) -> dict:
    """A figure with its sources expanded."""
    as_of = date_fields(figure.as_of)
    return {
        "id": figure.id,
        "measure": figure.measure,
        "value": range_dict(figure.value),
        "qualifier": figure.qualifier,
        "unit": figure.unit,
        "as_of": as_of["date"],
        "as_of_start": as_of["start"],
        "as_of_end": as_of["end"],
        "countries": list(figure.countries),
        "attestation": attestation_dict(figure.attestation),
        "sources": _sources(dataset, figure.sources),
        "event": figure.event,
        "note": figure.note,
        "discrepancies": [discrepancy_dict(d) for d in figure.discrepancies],
    }


QUALIFIER_WORDS = {"about": "about", "more-than": "more than", "at-least": "at least", "up-to": "up to",
                   "almost": "almost", "fewer-than": "fewer than"}


def value_text(value: Range, qualifier: str | None = None) -> str:
    """A figure's value as a person writes it: 'about 3,000', '4,500–10,000', 'almost 40'; a value the source gave
    only in words keeps them, quoted, with our reading after: '“dozens” (read as at least 24)'."""
    if value.wording is None:
        return _bounds_text(value, qualifier)
    reading = _bounds_text(value, qualifier)
    if reading.casefold() == value.wording.casefold():  # "at least 40": the words are the reading
        return f"“{value.wording}”"
    return f"“{value.wording}” (read as {reading})"


def _bounds_text(value: Range, qualifier: str | None) -> str:
    low = f"{number(value.min):,}"
    if value.max is None:
        return f"at least {low}"
    text = low if value.min == value.max else f"{low}–{number(value.max):,}"
    return f"{QUALIFIER_WORDS[qualifier]} {text}" if qualifier else text


def claim_text(source_name: str, claim) -> str:
    """What one source says on a disputed point: its own words in quotation marks, a paraphrase without them."""
    return f"{source_name} says “{claim.says}”" if claim.quoted else f"{source_name}: {claim.says}"


def people_text(value: Range | None) -> str:
    """How many people, as a person writes it, or '' when unknown."""
    return "" if value is None else value_text(value)
