"""TimelineJS: the JSON that Knight Lab's TimelineJS reads, so that a journalist can publish a timeline in minutes.

Each event is a slide: start and end dates to the precision the data knows (year, month, day), the date as a person
writes it, the title as headline, and the summary with linked sources as text. TimelineJS shows text as HTML, so
every piece of data is HTML-escaped and only http(s) addresses become links. Slides are grouped by first theme.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from nkwatch.dates import Bound
from nkwatch.export.json import write_wrapped_lines
from nkwatch.models import Dataset, Event
from nkwatch.serialize import event_dict

if TYPE_CHECKING:
    from nkwatch.export.about import About


def date_parts(bound: Bound) -> dict:
    """A TimelineJS date object with the parts known: year, and month and day when the data has them."""
    parts = {"year": bound.year}
    if bound.month:
        parts["month"] = bound.month
    if bound.day:
        parts["day"] = bound.day
    return parts


def is_web_link(url: str | None) -> bool:
    """True for an http or https address, the only kind written as a link."""
    return bool(url) and url.lower().startswith(("http://", "https://"))


def source_html(source: dict) -> str:
    """One source as escaped HTML: publisher and title, linked when it has an http(s) address."""
    label = html.escape(f"{source['publisher']}, {source['title']} ({source['published']})")
    if not is_web_link(source["url"]):
        return label
    return f'<a href="{html.escape(source["url"], quote=True)}" rel="noopener noreferrer">{label}</a>'


def body_html(data: dict) -> str:
    """The slide text: the summary and the sources, escaped."""
    sources = "".join(f"<li>{source_html(s)}</li>" for s in data["sources"])
    return f"<p>{html.escape(data['summary'])}</p><p>Sources:</p><ul>{sources}</ul>"


def slide(dataset: Dataset, event: Event) -> dict:
    """One event as a TimelineJS slide."""
    data = event_dict(dataset, event)
    lower, upper = event.date.lower, event.date.upper
    value = {"unique_id": event.id, "start_date": date_parts(lower or upper)}
    if lower and upper and event.date.is_interval:
        value["end_date"] = date_parts(upper)
    value["display_date"] = html.escape(data["date_display"])
    value["text"] = {"headline": html.escape(data["title"]), "text": body_html(data)}
    if data["themes"]:
        value["group"] = html.escape(data["themes"][0])
    value["autolink"] = False
    return value


def write_timelinejs(dataset: Dataset, events: Iterable[Event], stream: TextIO, *, about: About | None = None) -> int:
    """Write events as TimelineJS JSON (``{"events": [...]}``), one slide per line; return how many were written."""
    return write_wrapped_lines((slide(dataset, event) for event in events), stream, '{"events": [')
