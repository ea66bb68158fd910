"""TimelineJS: the JSON that Knight Lab's TimelineJS reads, so that a journalist can publish a timeline in minutes.

A title slide says what the timeline shows (the selection), when it was made and from which dataset. Each event is
a slide: start and end dates to the precision the data knows (year, month, day), the date as a person writes it, the
title as headline, and as text the summary, the head count, who says so, the points on which the sources disagree
(quotation marks only around a source's own words) and the linked sources. TimelineJS shows text as HTML, so every
piece of data is HTML-escaped and only http(s) addresses become links.

Slides carry no ``group``: TimelineJS gives each group a row of its own, and a row per theme (fourteen on the bundled
data) took more than half the timeline's height and made slides overflow; without groups it stacks markers in only
as many rows as overlapping dates need.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple, TextIO

from nkwatch.dates import Bound, parse_edtf
from nkwatch.export.json import write_wrapped_lines
from nkwatch.models import Dataset, Event
from nkwatch.serialize import claim_text, event_dict, people_text

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
    from nkwatch.export.about import report_date

    published = report_date(parse_edtf(source["published"]))
    label = html.escape(f"{source['publisher']}, “{source['title']}” ({published})")
    if not is_web_link(source["url"]):
        return label
    return f'<a href="{html.escape(source["url"], quote=True)}" rel="noopener noreferrer">{label}</a>'


def _fact(label: str, value: str) -> str:
    return f"<p><b>{label}:</b> {html.escape(value)}</p>" if value else ""


def disagreements_html(data: dict, names: dict[str, str]) -> str:
    """The points on which the sources disagree, each with what every source says (named by publisher) and the
    resolution, escaped."""
    items = []
    for discrepancy in data["discrepancies"]:
        claims = "; ".join(claim_text(names.get(c["source"], c["source"]), _Claim(c["says"], c["quoted"]))
                           for c in discrepancy["claims"])
        items.append(f"<li>{html.escape(discrepancy['about'])}: {html.escape(claims)}. "
                     f"{html.escape(discrepancy['resolution'])}</li>")
    return f"<p><b>Where sources disagree:</b></p><ul>{''.join(items)}</ul>" if items else ""


class _Claim(NamedTuple):
    says: str
    quoted: bool


def body_html(data: dict, people: str, names: dict[str, str]) -> str:
    """The slide text: the summary, head count, who says so, disagreements and sources, escaped."""
    attestation = data["attestation"]
    said = attestation["asserted_by"] + (f" (via {', '.join(attestation['outlets'])})" if attestation["outlets"]
                                         else "")
    sources = "".join(f"<li>{source_html(s)}</li>" for s in data["sources"])
    return (f"<p>{html.escape(data['summary'])}</p>{_fact('People', people)}{_fact('Who says so', said)}"
            f"{disagreements_html(data, names)}<p>Sources:</p><ul>{sources}</ul>")


def publishers(dataset: Dataset, event: Event) -> dict[str, str]:
    """The publisher of each source the event's disagreements cite, by source id."""
    cited = {claim.source for discrepancy in event.discrepancies for claim in discrepancy.claims}
    return {s: dataset.sources[s].publisher for s in cited if s in dataset.sources}


def title_slide(about: About) -> dict:
    """The title slide: the selection as headline, and when and from what the timeline was made."""
    text = (f"<p>{html.escape(about.selection_text[0].upper() + about.selection_text[1:])}.</p>"
            f"<p>{html.escape(about.made_line)}</p>"
            "<p>Dates are no more precise than the sources allow; each slide cites its sources.</p>")
    return {"text": {"headline": html.escape(about.title), "text": text}}


def slide(dataset: Dataset, event: Event) -> dict:
    """One event as a TimelineJS slide."""
    data = event_dict(dataset, event)
    lower, upper = event.date.lower, event.date.upper
    value = {"unique_id": event.id, "start_date": date_parts(lower or upper)}
    if lower and upper and event.date.is_interval:
        value["end_date"] = date_parts(upper)
    value["display_date"] = html.escape(data["date_display"])
    text = body_html(data, people_text(event.people), publishers(dataset, event))
    value["text"] = {"headline": html.escape(data["title"]), "text": text}
    value["autolink"] = False
    return value


def write_timelinejs(dataset: Dataset, events: Iterable[Event], stream: TextIO, *, about: About | None = None) -> int:
    """Write events as TimelineJS JSON (``{"title": {...}, "events": [...]}``), one slide per line; return how many
    were written."""
    from nkwatch.export.about import describe

    opening = '{"title": ' + json.dumps(title_slide(about or describe(dataset)), ensure_ascii=False) + ', "events": ['
    return write_wrapped_lines((slide(dataset, event) for event in events), stream, opening)
