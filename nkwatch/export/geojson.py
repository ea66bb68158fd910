"""GeoJSON (RFC 7946): a FeatureCollection with one Feature per event, its properties the ``--json`` object.

The geometry is a Point at the event's first place that has coordinates, ``[longitude, latitude]`` in that order
as the RFC requires; an event without such a place has a null geometry, so that it is still in the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from nkwatch.export.json import write_wrapped_lines
from nkwatch.models import Dataset, Event
from nkwatch.serialize import event_dict

if TYPE_CHECKING:
    from nkwatch.export.about import About


def geometry(data: dict) -> dict | None:
    """A Point at the first place with coordinates ([lon, lat]), or None when the event has none."""
    place = next((p for p in data["places"] if p["lat"] is not None and p["lon"] is not None), None)
    return None if place is None else {"type": "Point", "coordinates": [place["lon"], place["lat"]]}


def feature(dataset: Dataset, event: Event) -> dict:
    """One event as a GeoJSON Feature."""
    data = event_dict(dataset, event)
    return {"type": "Feature", "id": event.id, "geometry": geometry(data), "properties": data}


def write_geojson(dataset: Dataset, events: Iterable[Event], stream: TextIO, *, about: About | None = None) -> int:
    """Write events as a GeoJSON FeatureCollection, one feature per line; return how many were written."""
    opening = '{"type": "FeatureCollection", "features": ['
    return write_wrapped_lines((feature(dataset, event) for event in events), stream, opening)
