"""Shared by the export tests: a dataset of hostile titles, and a parser per format that reads the titles back."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from pathlib import Path

from conftest import MINI

HOSTILE_TITLES = {
    "hostile-formula": '=HYPERLINK("http://x")',
    "hostile-plus": "+1",
    "hostile-fullwidth": "＝1",
    "hostile-script": "<script>alert(1)</script>",
    "hostile-close": "</script>",
    "hostile-markup": "[bold]x[/]",
}
HOSTILE_SUMMARY = "</script><script>alert(2)</script> <!-- a | b & c, d; e\\f # [link](http://evil) *star*"
HOSTILE_URL = 'https://example.org/a"><script>alert(4)</script>'
KOREAN = "해외 노동자 파견 " * 20


def hostile_dataset(tmp_path: Path) -> Path:
    """The mini dataset plus one event per hostile title (dated May 2016), a hostile source and a long Korean text."""
    root = tmp_path / "hostile"
    shutil.copytree(MINI, root)
    (root / "sources" / "evil-press.yaml").write_text(
        f"id: evil-press\npublisher: {json.dumps('Evil | Press <b>')}\n"
        f"title: {json.dumps('<img src=x onerror=alert(3)>')}\nauthor: null\npublished: \"2016-05\"\n"
        f"url: {json.dumps(HOSTILE_URL)}\nkind: blog\nlanguage: en\n",
        encoding="utf-8")
    for day, (event_id, title) in enumerate(HOSTILE_TITLES.items(), start=1):
        (root / "events" / f"{event_id}.yaml").write_text(
            f"id: {event_id}\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: \"2016-05-{day:02d}\"\n"
            f"countries: [RU]\nthemes: [protest]\nsummary: {json.dumps(HOSTILE_SUMMARY + ' ' + KOREAN)}\n"
            "sources:\n  - {source: evil-press}\nattestation: {basis: outlet, asserted_by: Evil Press}\n",
            encoding="utf-8")
    return root


def csv_titles(text: str) -> list[str]:
    """Titles from a CSV export."""
    return [row["title"] for row in csv.DictReader(io.StringIO(text, newline=""))]


def json_titles(text: str) -> list[str]:
    """Titles from a JSON export."""
    return [event["title"] for event in json.loads(text)]


def ndjson_titles(text: str) -> list[str]:
    """Titles from an NDJSON export, one object per line."""
    return [json.loads(line)["title"] for line in text.splitlines() if line]


def markdown_titles(text: str) -> list[str]:
    """Titles from a Markdown report: each event's heading (level 3), backslash escapes undone."""
    return [re.sub(r"\\(.)", r"\1", line[4:]) for line in text.splitlines() if line.startswith("### ")]


_OPEN_DATE = re.compile(r" \((?:from|by) [^()]+\)$")


def ics_titles(text: str) -> list[str]:
    """Titles (SUMMARY) from an iCalendar export, read by the icalendar package, without the "(from …)" or
    "(by …)" that an open date adds."""
    import icalendar

    calendar = icalendar.Calendar.from_ical(text)
    return [_OPEN_DATE.sub("", str(event["SUMMARY"])) for event in calendar.walk("VEVENT")]


def geojson_titles(text: str) -> list[str]:
    """Titles from a GeoJSON export."""
    return [feature["properties"]["title"] for feature in json.loads(text)["features"]]


def timelinejs_titles(text: str) -> list[str]:
    """Titles from a TimelineJS export, HTML escaping undone."""
    return [html.unescape(slide["text"]["headline"]) for slide in json.loads(text)["events"]]


def html_events(text: str) -> list[dict]:
    """The events in an HTML page's JSON data block."""
    block = re.search(r'<script type="application/json" id="nk-events">(.*?)</script>', text, re.DOTALL)
    return json.loads(block.group(1))


def html_titles(text: str) -> list[str]:
    """Titles from an HTML export's data block."""
    return [event["title"] for event in html_events(text)]


PARSERS = {"csv": csv_titles, "json": json_titles, "ndjson": ndjson_titles, "markdown": markdown_titles,
           "ics": ics_titles, "geojson": geojson_titles, "timelinejs": timelinejs_titles, "html": html_titles}
"""A real parser per format, each returning the exported titles in order."""
