"""Full-text search over events: one set of rules, run by SQLite's FTS5 from the index or in memory without one.

Text is normalised once, when an event is indexed (``search_words``: NFKC, case folded, accents dropped, split
into words of letters and digits, so Hangul stays whole), and each query word matches the words it begins
(``consul`` finds *consulate*, ``백원순`` finds *백원순은*); every query word must match. Hits are ranked by BM25
over six weighted fields, the weights those of a match in a title, alias, actor, place, summary or date note.
The in-memory ranking computes the same BM25 as FTS5 does, so that a dataset read without an index ranks alike.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice

from nkwatch.textnorm import normalize

FIELDS = ("title", "aliases", "actors", "places", "summary", "date_note")
WEIGHTS = (5.0, 4.0, 3.0, 3.0, 1.0, 0.5)
"""How much a match counts in each field, in FIELDS order."""

SEARCH_TABLES = (
    "CREATE VIRTUAL TABLE event_words USING fts5(" + ", ".join(FIELDS) +
    ", tokenize = 'unicode61 remove_diacritics 0', detail = column)"
)
"""The word index: one row per event (its rowid the event file's number), each field its normalised words."""

_WORD = re.compile(r"[^\W_]+")
_K1, _B = 1.2, 0.75  # FTS5's BM25 parameters


def search_words(text: str) -> str:
    """The words of a text as the search index holds them: normalised, separated by single spaces."""
    return " ".join(_WORD.findall(normalize(text)))


def query_words(query: str) -> list[str]:
    """The normalised words of a query, each once, in order."""
    return list(dict.fromkeys(_WORD.findall(normalize(query))))


def event_fields(event_value: Mapping, names: Mapping[str, str]) -> tuple[str, ...]:
    """An event's searchable fields, in FIELDS order, from its stored value; names maps an actor's or place's id
    to its names' search words (a missing one is left out)."""
    actors = " ".join(names.get(a["actor"], "") for a in event_value.get("actors") or ())
    places = " ".join(names.get(p, "") for p in event_value.get("places") or ())
    return (search_words(event_value["title"]), search_words(" ".join(event_value.get("aliases") or ())),
            " ".join(actors.split()), " ".join(places.split()), search_words(event_value["summary"]),
            search_words(event_value.get("date_note") or ""))


def record_names(name: str, aliases: Iterable[str]) -> str:
    """The search words of an actor's or place's names."""
    return search_words(" ".join([name, *aliases]))


def fts_query(words: list[str]) -> str:
    """An FTS5 query in which every word must begin a word of the event."""
    return " AND ".join(f'"{word}"*' for word in words)


def indexed_hits(connection: sqlite3.Connection, words: list[str], where: str, params: list,
                 ) -> Iterator[tuple[int, float]]:
    """(event file number, score) of every event matching every word and the SQL filter, best first; the score
    is FTS5's BM25 negated, so that higher is better."""
    weights = ", ".join(str(weight) for weight in WEIGHTS)
    filtered = f" AND w.rowid IN (SELECT e.file FROM events e{where})" if where else ""
    rows = connection.execute(
        f"SELECT w.rowid, bm25(event_words, {weights}) AS rank, e.id FROM event_words w JOIN events e "
        f"ON e.file = w.rowid WHERE event_words MATCH ?{filtered} ORDER BY rank, e.id",
        [fts_query(words), *params])
    for file, rank, _ in rows:
        yield file, -rank


def ranked_in_memory(documents: list[tuple[object, tuple[str, ...]]], words: list[str],
                     ) -> list[tuple[object, float]]:
    """BM25 as FTS5 computes it, over documents given as (key, fields in FIELDS order): the keys of those matching
    every word with their scores, best first (ties in the order given)."""
    count = len(documents)
    if not count or not words:
        return []
    tokens = [[field.split() for field in fields] for _, fields in documents]
    lengths = [sum(len(field) for field in fields) for fields in tokens]
    average = sum(lengths) / count
    hits_per_word = []
    for word in words:
        hits_per_word.append([[sum(token.startswith(word) for token in field) for field in fields]
                              for fields in tokens])
    scores = []
    for position, (key, _) in enumerate(documents):
        if not all(any(per_document[position]) for per_document in hits_per_word):
            continue
        score = 0.0
        for per_document in hits_per_word:
            matching = sum(1 for counts in per_document if any(counts))
            idf = math.log((count - matching + 0.5) / (matching + 0.5))
            idf = idf if idf > 0 else 1e-6
            frequency = sum(w * c for w, c in zip(WEIGHTS, per_document[position], strict=True))
            score += idf * frequency * (_K1 + 1) / (frequency + _K1 * (1 - _B + _B * lengths[position] / average))
        scores.append((key, score))
    return sorted(scores, key=lambda pair: -pair[1])


def event_fields_of_record(dataset, event) -> tuple[str, ...]:
    """event_fields from a built Event and its dataset's actors and places: the same words."""
    names = {}
    for role in event.actors:
        actor = dataset.actors.get(role.actor)
        if actor is not None:
            names[actor.id] = record_names(actor.name, actor.aliases)
    for place_id in event.places:
        place = dataset.places.get(place_id)
        if place is not None:
            names[place.id] = record_names(place.name, place.aliases)
    value = {"title": event.title, "aliases": event.aliases, "summary": event.summary, "date_note": event.date_note,
             "actors": [{"actor": role.actor} for role in event.actors], "places": event.places}
    return event_fields(value, names)


def search_events(dataset, query: str, filters=None) -> list[tuple[object, float]]:
    """The events of the dataset holding every word of query (as a word or a word's start) and passing the filters
    (``query.Filters``, its limit included), as (event, score) pairs, best first; higher scores are better.

    The same ranking with or without an index: FTS5's BM25 from the index, the same BM25 computed in memory
    otherwise. This is the public search function; ``lookup.search`` and the ``search`` command call it.
    """
    from nkwatch.query import event_matches

    words = query_words(query)
    if not words:
        return []
    ranked = iter(dataset.events.search(dataset, words, filters))
    if filters is None:
        return list(ranked)
    matching = ((event, score) for event, score in ranked if event_matches(dataset, event, filters))
    return list(matching if filters.limit is None else islice(matching, filters.limit))
