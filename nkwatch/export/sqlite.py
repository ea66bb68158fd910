"""SQLite: the selection as a database that Datasette, a notebook or any SQL tool opens as it is.

One table per kind of record (events, figures, sources, actors, places, themes, countries), one link table per
many-to-many relation, each with its foreign keys declared and the order the record gives (``position``); dates as
the EDTF text plus inclusive ISO ``*_start`` / ``*_end`` days (NULL for an open end); lists of names as JSON arrays;
and ``events_fts``, an FTS5 index over the events' titles, aliases, summaries and date notes. The sources, actors,
places and themes tables hold every record of the dataset; the events and figures tables hold the selection.

Built with the standard library's sqlite3 into a file the caller gives (a temporary file beside the target, which
``export.files.atomic_path`` then publishes); ``metadata_for`` gives Datasette's ``metadata.json``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from nkwatch.countries import country_name
from nkwatch.dates import EDTFDate, humanize
from nkwatch.models import Dataset, Discrepancy, Event, Figure, Range, SourceRef
from nkwatch.serialize import number

SCHEMA = """
CREATE TABLE themes (id TEXT PRIMARY KEY, description TEXT NOT NULL, position INTEGER NOT NULL);
CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE sources (
  id TEXT PRIMARY KEY, publisher TEXT NOT NULL, title TEXT NOT NULL, author TEXT, published TEXT NOT NULL,
  published_start TEXT, published_end TEXT, url TEXT, kind TEXT NOT NULL, language TEXT NOT NULL, notes TEXT);
CREATE TABLE actors (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, aliases TEXT NOT NULL, countries TEXT NOT NULL,
  description TEXT);
CREATE TABLE places (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, aliases TEXT NOT NULL, country TEXT NOT NULL REFERENCES countries(code),
  lat REAL, lon REAL);
CREATE TABLE events (
  id TEXT PRIMARY KEY, title TEXT NOT NULL, aliases TEXT NOT NULL, date TEXT NOT NULL, date_start TEXT,
  date_end TEXT, date_display TEXT NOT NULL, approximate INTEGER NOT NULL, uncertain INTEGER NOT NULL,
  date_note TEXT, people_min NUMERIC, people_max NUMERIC, people_wording TEXT, summary TEXT NOT NULL,
  basis TEXT NOT NULL, asserted_by TEXT NOT NULL, outlets TEXT NOT NULL, corroboration TEXT NOT NULL,
  CHECK (people_min IS NOT NULL OR (people_max IS NULL AND people_wording IS NULL)),
  CHECK (people_min IS NULL OR people_max IS NOT NULL OR people_wording IS NOT NULL));
CREATE TABLE figures (
  id TEXT PRIMARY KEY, measure TEXT NOT NULL, value_min NUMERIC NOT NULL, value_max NUMERIC,
  value_wording TEXT, qualifier TEXT, unit TEXT NOT NULL, as_of TEXT NOT NULL, as_of_start TEXT, as_of_end TEXT,
  event_id TEXT REFERENCES events(id), note TEXT, basis TEXT NOT NULL, asserted_by TEXT NOT NULL,
  outlets TEXT NOT NULL, corroboration TEXT NOT NULL,
  CHECK (value_max IS NOT NULL OR value_wording IS NOT NULL));
CREATE TABLE event_sources (
  event_id TEXT NOT NULL REFERENCES events(id), source_id TEXT NOT NULL REFERENCES sources(id),
  position INTEGER NOT NULL, supports TEXT, PRIMARY KEY (event_id, position));
CREATE TABLE event_actors (
  event_id TEXT NOT NULL REFERENCES events(id), actor_id TEXT NOT NULL REFERENCES actors(id),
  position INTEGER NOT NULL, role TEXT NOT NULL, PRIMARY KEY (event_id, position));
CREATE TABLE event_places (
  event_id TEXT NOT NULL REFERENCES events(id), place_id TEXT NOT NULL REFERENCES places(id),
  position INTEGER NOT NULL, PRIMARY KEY (event_id, place_id));
CREATE TABLE event_countries (
  event_id TEXT NOT NULL REFERENCES events(id), country TEXT NOT NULL REFERENCES countries(code),
  position INTEGER NOT NULL, PRIMARY KEY (event_id, country));
CREATE TABLE event_themes (
  event_id TEXT NOT NULL REFERENCES events(id), theme_id TEXT NOT NULL REFERENCES themes(id),
  position INTEGER NOT NULL, PRIMARY KEY (event_id, theme_id));
CREATE TABLE event_related (
  event_id TEXT NOT NULL REFERENCES events(id), related_id TEXT NOT NULL, position INTEGER NOT NULL,
  PRIMARY KEY (event_id, related_id));
CREATE TABLE figure_sources (
  figure_id TEXT NOT NULL REFERENCES figures(id), source_id TEXT NOT NULL REFERENCES sources(id),
  position INTEGER NOT NULL, supports TEXT, PRIMARY KEY (figure_id, position));
CREATE TABLE figure_countries (
  figure_id TEXT NOT NULL REFERENCES figures(id), country TEXT NOT NULL REFERENCES countries(code),
  position INTEGER NOT NULL, PRIMARY KEY (figure_id, country));
CREATE TABLE discrepancies (
  id INTEGER PRIMARY KEY, event_id TEXT REFERENCES events(id), figure_id TEXT REFERENCES figures(id),
  position INTEGER NOT NULL, about TEXT NOT NULL, resolution TEXT NOT NULL);
CREATE TABLE discrepancy_claims (
  discrepancy_id INTEGER NOT NULL REFERENCES discrepancies(id), source_id TEXT NOT NULL REFERENCES sources(id),
  position INTEGER NOT NULL, says TEXT NOT NULL, quoted INTEGER NOT NULL CHECK (quoted IN (0, 1)),
  PRIMARY KEY (discrepancy_id, position));
CREATE INDEX event_sources_source ON event_sources(source_id);
CREATE INDEX event_actors_actor ON event_actors(actor_id);
CREATE INDEX event_places_place ON event_places(place_id);
CREATE INDEX event_countries_country ON event_countries(country);
CREATE INDEX event_themes_theme ON event_themes(theme_id);
CREATE INDEX figure_sources_source ON figure_sources(source_id);
CREATE VIRTUAL TABLE events_fts USING fts5(title, aliases, summary, date_note, content='events');
"""
# event_related.related_id names an event that may lie outside the selection, so it has no foreign key.
# A count given only in words ("dozens") may set no upper bound: *_max is then NULL and *_wording holds the words;
# the CHECKs keep a NULL *_max from ever meaning anything else.

TABLES = ("events", "figures", "sources", "actors", "places", "themes", "countries", "event_sources",
          "event_actors", "event_places", "event_countries", "event_themes", "event_related", "figure_sources",
          "figure_countries", "discrepancies", "discrepancy_claims")
"""Every ordinary table, in the order the documentation lists them."""


def _names(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _day(edtf: EDTFDate, end: bool) -> str | None:
    day = edtf.end if end else edtf.start
    return day.isoformat() if day else None


def _insert(db: sqlite3.Connection, table: str, rows: Iterable[tuple]) -> None:
    rows = list(rows)
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def _reference_tables(db: sqlite3.Connection, dataset: Dataset) -> None:
    """Every theme, source, actor and place, and every country any record names."""
    _insert(db, "themes", ((t.id, t.description, i) for i, t in enumerate(dataset.themes.values())))
    _insert(db, "sources", ((s.id, s.publisher, s.title, s.author, s.published.text, _day(s.published, False),
                             _day(s.published, True), s.url, s.kind, s.language, s.notes)
                            for s in dataset.sources.values()))
    _insert(db, "actors", ((a.id, a.name, a.kind, _names(a.aliases), _names(a.countries), a.description)
                           for a in dataset.actors.values()))
    _insert(db, "places", ((p.id, p.name, _names(p.aliases), p.country, p.lat, p.lon)
                           for p in dataset.places.values()))


def _countries(db: sqlite3.Connection, codes: set[str]) -> None:
    _insert(db, "countries", ((code, country_name(code)) for code in sorted(codes)))


def _refs(owner: str, refs: Iterable[SourceRef]) -> list[tuple]:
    return [(owner, ref.source, i, ref.supports) for i, ref in enumerate(refs)]


def _discrepancies(db: sqlite3.Connection, event_id: str | None, figure_id: str | None,
                   discrepancies: Iterable[Discrepancy]) -> None:
    for i, discrepancy in enumerate(discrepancies):
        cursor = db.execute("INSERT INTO discrepancies (event_id, figure_id, position, about, resolution) "
                            "VALUES (?, ?, ?, ?, ?)", (event_id, figure_id, i, discrepancy.about,
                                                       discrepancy.resolution))
        _insert(db, "discrepancy_claims", ((cursor.lastrowid, c.source, j, c.says, int(c.quoted))
                                           for j, c in enumerate(discrepancy.claims)))


def _range_cells(value: Range | None) -> tuple:
    """A count's min, max and wording columns: max NULL when the source's words set no upper bound."""
    if value is None:
        return (None, None, None)
    return (number(value.min), None if value.max is None else number(value.max), value.wording)


def _event(db: sqlite3.Connection, event: Event) -> None:
    date, people, attestation = event.date, event.people, event.attestation
    _insert(db, "events", [(event.id, event.title, _names(event.aliases), date.text, _day(date, False),
                            _day(date, True), humanize(date), int(date.approximate), int(date.uncertain),
                            event.date_note, *_range_cells(people), event.summary, attestation.basis,
                            attestation.asserted_by, _names(attestation.outlets), attestation.corroboration)])
    _insert(db, "event_sources", _refs(event.id, event.sources))
    _insert(db, "event_actors", ((event.id, a.actor, i, a.role) for i, a in enumerate(event.actors)))
    _insert(db, "event_places", ((event.id, p, i) for i, p in enumerate(event.places)))
    _insert(db, "event_countries", ((event.id, c, i) for i, c in enumerate(event.countries)))
    _insert(db, "event_themes", ((event.id, t, i) for i, t in enumerate(event.themes)))
    _insert(db, "event_related", ((event.id, r, i) for i, r in enumerate(event.related)))
    _discrepancies(db, event.id, None, event.discrepancies)


def _figure(db: sqlite3.Connection, figure: Figure) -> None:
    as_of, attestation = figure.as_of, figure.attestation
    _insert(db, "figures", [(figure.id, figure.measure, *_range_cells(figure.value), figure.qualifier, figure.unit,
                             as_of.text, _day(as_of, False), _day(as_of, True), figure.event, figure.note,
                             attestation.basis, attestation.asserted_by, _names(attestation.outlets),
                             attestation.corroboration)])
    _insert(db, "figure_sources", _refs(figure.id, figure.sources))
    _insert(db, "figure_countries", ((figure.id, c, i) for i, c in enumerate(figure.countries)))
    _discrepancies(db, None, figure.id, figure.discrepancies)


def write_sqlite(dataset: Dataset, events: Iterable[Event], figures: Iterable[Figure], path: Path) -> int:
    """Write the dataset's reference records, the events and those figures whose event is among them (or that
    have none) as a new SQLite database at path (an empty or absent file); return how many events were written."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        # The file is a temporary one until it is complete and synced by the caller: no journal is needed.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("BEGIN")  # executescript would commit at once: the statements run one by one inside it
        for statement in SCHEMA.split(";\n"):
            if statement.strip():
                db.execute(statement)
        _reference_tables(db, dataset)
        written, codes = set(), {p.country for p in dataset.places.values()}
        for event in events:
            _event(db, event)
            written.add(event.id)
            codes.update(event.countries)
        for figure in figures:
            if figure.event is None or figure.event in written:
                _figure(db, figure)
                codes.update(figure.countries)
        _countries(db, codes)
        db.execute("INSERT INTO events_fts (rowid, title, aliases, summary, date_note) "
                   "SELECT rowid, title, aliases, summary, date_note FROM events")
        db.execute("COMMIT")
    finally:
        db.close()
    return len(written)


TABLE_DESCRIPTIONS = {
    "events": "One row per event: what happened, when (EDTF text, ISO start and end days), how many people, "
              "who asserts it. Lists of names are JSON arrays.",
    "figures": "Quantitative claims: value or low–high range (or the source's words and our reading of them), "
               "unit, as of when, who asserts it.",
    "sources": "The articles, reports and statements records rely on.",
    "actors": "People, state bodies, companies, NGOs and outlets that take part in events.",
    "places": "Cities, provinces and sites, with coordinates at city level.",
    "themes": "The controlled vocabulary events are tagged with.",
    "countries": "ISO 3166-1 alpha-2 codes named by the records, with the names people use.",
    "event_sources": "Which sources each event rests on, and what each one supports.",
    "event_actors": "The actors of each event, with the role each played.",
    "event_places": "Where each event happened.",
    "event_countries": "The countries each event happened in or concerns.",
    "event_themes": "The themes each event is tagged with.",
    "event_related": "Related events (the related event may lie outside this export's selection).",
    "figure_sources": "Which sources each figure rests on.",
    "figure_countries": "The countries each figure concerns.",
    "discrepancies": "Points on which sources disagree about an event or a figure, and which value the record uses.",
    "discrepancy_claims": "What each source says about a disputed point: its own words (quoted = 1) or our "
                          "paraphrase (quoted = 0).",
}
LABEL_COLUMNS = {"events": "title", "figures": "measure", "sources": "title", "actors": "name", "places": "name",
                 "themes": "description", "countries": "name"}


def metadata_for(dataset: Dataset, database: str, bundled: bool, version: str) -> dict:
    """Datasette's metadata.json for the database file named database: title, description, source and licence
    (the licence only for nkwatch's bundled dataset, whose licence is known), and each table's description."""
    counts = dataset.counts()
    tables = {name: {"description": TABLE_DESCRIPTIONS[name], **({"label_column": LABEL_COLUMNS[name]}
                                                                 if name in LABEL_COLUMNS else {})}
              for name in TABLES}
    tables["events"]["fts_table"] = "events_fts"
    tables["events"]["fts_pk"] = "rowid"
    metadata = {
        "title": "nkwatch: North Korean workers sent abroad",
        "description": ("Events and figures about North Korean workers sent abroad (defections, surveillance, "
                        "forced repatriation, wage extortion, sanctions), each with its sources. Exported by "
                        f"nkwatch {version} from a dataset of {counts['events']} events, {counts['figures']} "
                        f"figures and {counts['sources']} sources."),
        "source": "nkwatch bundled dataset" if bundled else "an nkwatch dataset",
        "databases": {database: {"tables": tables}},
    }
    if bundled:
        metadata["license"] = "MIT"
    return metadata
