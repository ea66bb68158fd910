"""GeoJSON (RFC 7946): a FeatureCollection with one Feature per event, so that every event can go on a map.

An event is drawn at all its places that have coordinates: a Point for one, a MultiPoint for several (so Baek's
transfer shows at Vladivostok and at Moscow, one feature with the event's id). An event without such a place is
drawn at a representative point of each of its countries, from the public-domain table ``country_points.json``
(its source is named in the file and in docs/exports.md), so that a map can show it at country level. Positions are
``[longitude, latitude]`` as the RFC requires. Only an event with neither gets a null geometry, and stays in the file.

The properties are the ``--json`` object, plus two that say what the points are: ``precision`` is ``"place"`` (a
city or site the sources name), ``"country"`` (a country's representative point, not where it happened) or null
(no geometry), so that a map can style them apart; ``point_names`` names each point, in the order of the positions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, TextIO

from nkwatch.export.json import write_wrapped_lines
from nkwatch.models import Dataset, Event
from nkwatch.serialize import event_dict

if TYPE_CHECKING:
    from nkwatch.export.about import About


@lru_cache(maxsize=1)
def country_points() -> dict[str, list[float]]:
    """Each ISO alpha-2 code's representative point, ``[longitude, latitude]``, from the shipped table."""
    text = resources.files("nkwatch.export").joinpath("country_points.json").read_text(encoding="utf-8")
    return json.loads(text)["points"]


def place_points(data: dict) -> list[tuple[str, list[float]]]:
    """The event's places that have coordinates, as (name, [lon, lat])."""
    return [(p["name"], [p["lon"], p["lat"]]) for p in data["places"] if p["lat"] is not None and p["lon"] is not None]


def country_level_points(data: dict) -> list[tuple[str, list[float]]]:
    """The representative point of each of the event's countries that the table has, as (name, [lon, lat])."""
    from nkwatch.countries import country_name

    table = country_points()
    return [(country_name(code), table[code]) for code in data["countries"] if code in table]


def located(data: dict) -> tuple[str | None, list[tuple[str, list[float]]]]:
    """How precise the event's points are ('place', 'country' or None) and the points, named."""
    places = place_points(data)
    if places:
        return "place", places
    countries = country_level_points(data)
    return ("country", countries) if countries else (None, [])


def geometry(points: list[tuple[str, list[float]]]) -> dict | None:
    """A Point for one position, a MultiPoint for several, None for none."""
    if not points:
        return None
    if len(points) == 1:
        return {"type": "Point", "coordinates": points[0][1]}
    return {"type": "MultiPoint", "coordinates": [position for _, position in points]}


def feature(dataset: Dataset, event: Event) -> dict:
    """One event as a GeoJSON Feature, at all its places or else at its countries."""
    data = event_dict(dataset, event)
    precision, points = located(data)
    properties = {**data, "precision": precision, "point_names": [name for name, _ in points]}
    return {"type": "Feature", "id": event.id, "geometry": geometry(points), "properties": properties}


def write_geojson(dataset: Dataset, events: Iterable[Event], stream: TextIO, *, about: About | None = None) -> int:
    """Write events as a GeoJSON FeatureCollection, one feature per line; return how many were written. The
    collection names its selection, the day made and the dataset in a foreign member, ``nkwatch`` (RFC 7946 §6.1)."""
    from nkwatch.export.about import describe

    about_json = json.dumps((about or describe(dataset)).as_dict(), ensure_ascii=False)
    opening = '{"type": "FeatureCollection", "nkwatch": ' + about_json + ', "features": ['
    return write_wrapped_lines((feature(dataset, event) for event in events), stream, opening)
