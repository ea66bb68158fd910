"""Finding records by what people type: one event by name, and ranked full-text search.

``resolve_event`` takes the event a user means or says that it cannot tell; it never answers with a guess. The
first of these stages that finds anything decides:

1. the event's id;
2. its title or an alias, normalised (case, accents, hyphens);
3. every word typed (but little words like "the") found as a whole word in events' names: best when one title or
   alias holds them all, then the event's names together, then with its actors' and places' names; a query that
   is the whole name of a country or a theme stands for every event there or with it;
4. the full text, one ``search`` call per word (stemmed: "occupy" finds "occupied"), each word weighted by how
   rare it is, a word no record holds weighing half the rarest: the best event must hold at least
   MIN_TEXT_SHARE of the query's weight and two of its words (or be the only event holding a one-word query),
   one word that few events hold, and every number typed, whole; and it must score TEXT_LEAD times the next;
5. spelling: a query within a few slips of a name as a whole (``textnorm.is_misspelling``), or for one word, of
   a proper name among the words of names, or a query whose words no record holds are each within a few slips of
   exactly one word of a name, is read as that name and stages 2-3 run again.

An answer stands only when one event leads its stage; otherwise NotFoundError lists the candidates and what to try
(``nkwatch search``, ``--theme``, ``--country``, ``--actor``). The Match says how the event was found, for the
notes on stderr and ``show --json``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import NamedTuple

from nkwatch.errors import NotFoundError
from nkwatch.models import Dataset, Event, Figure
from nkwatch.textnorm import is_misspelling, normalize, words

_LITTLE_WORDS = (
    "a an and the of in on at to for from by with as is are was were be been who what when where how that this it "
    "its his her their they them he she into about after before over near all any no not"
)
STOPWORDS = frozenset(_LITTLE_WORDS.split())
"""Words a query may hold that no name needs to: "defection in London" is about London and defection."""

MIN_TEXT_SHARE = 0.6
"""A full-text answer must hold at least this share of the query's weight (rare words weigh more)."""

TEXT_LEAD = 1.3
"""... and score at least this many times the next event."""

HELD_LEAD = 0.3
"""... or hold this much more of the query's weight than any other event."""

LISTED = 10
"""Candidates listed at most when a name is ambiguous."""

_TIER_SCORE = {3: 0.9, 2: 0.8, 1: 0.7}


class Match(NamedTuple):
    """The event a name was taken to mean, and how."""

    event: Event
    """The event."""
    by: str
    """id, title, alias (exact); words (in a title or alias), names, actor, place, country, theme, text, spelling."""
    score: float
    """1.0 for an exact id, title or alias; lower the less direct the match (a share of the query's weight for
    text, the likeness of the spelling for spelling)."""
    through: str = ""
    """The name, actor, place, country, theme or corrected spelling the event was found through."""


def event_names(event: Event) -> list[str]:
    """The names an event answers to: its id, title and aliases."""
    return [event.id, event.title, *event.aliases]


def find_event(dataset: Dataset, name: str) -> Event:
    """The one event a name means, or NotFoundError (with the candidates, and what to try)."""
    return resolve_event(dataset, name).event


def resolve_event(dataset: Dataset, name: str) -> Match:
    """The one event a name means and how it was found; NotFoundError when none, or several about equally."""
    if name in dataset.events:
        return Match(dataset.events[name], "id", 1.0, name)
    key = normalize(name)
    if not key:
        raise NotFoundError("give an event id, title or alias")
    if not words(key):  # punctuation alone: every name would "hold all its words"
        raise NotFoundError(f"no event matches {name!r}", [], [f"nkwatch search {_quoted(name)}"])
    table = _name_table(dataset)
    found = _by_name(dataset, table, name, key)
    if found:
        return found
    memo = _Memo()
    found, weak = _by_text(dataset, name, memo)
    if found:
        return found
    found = _by_spelling(dataset, table, name, key, memo)
    if found:
        return found
    if weak:
        raise NotFoundError(f"no event clearly matches {name!r}", _candidate_rows(weak), _hints(dataset, name, key))
    raise NotFoundError(f"no event matches {name!r}", [], _hints(dataset, name, key))


class _Names(NamedTuple):
    """An event's names, normalised: its own (id, title, aliases) and those of its actors and places."""

    event: Event
    own: list[tuple[str, str, str]]
    """(kind, name, as written): kind is id, title or alias."""
    others: list[tuple[str, str, str]]
    """(kind, display name, name): kind is actor or place."""


def _name_table(dataset: Dataset) -> list[_Names]:
    table = []
    for event in dataset.events.values():
        own = [("id", normalize(event.id), event.id), ("title", normalize(event.title), event.title)]
        own += [("alias", normalize(a), a) for a in event.aliases]
        others = [("actor", actor.name, normalize(n)) for role in event.actors
                  if (actor := dataset.actors.get(role.actor)) for n in (actor.name, *actor.aliases)]
        others += [("place", place.name, normalize(n)) for p in event.places
                   if (place := dataset.places.get(p)) for n in (place.name, *place.aliases)]
        table.append(_Names(event, own, others))
    return table


def _by_name(dataset: Dataset, table: list[_Names], name: str, key: str) -> Match | None:
    """Stages 2 and 3: the id, title or alias, normalised ("Ningpo-13-Defection"), else the words typed found in
    names."""
    exact = [(entry, kind, written) for entry in table for kind, own, written in entry.own if own == key]
    events = list({entry.event.id: entry.event for entry, *_ in exact}.values())
    if len(events) == 1:
        return Match(events[0], exact[0][1], 1.0, exact[0][2])
    if events:
        raise _ambiguous(dataset, name, key, events)
    return _by_words(dataset, table, name, key)


def _content_words(key: str) -> list[str]:
    typed = words(key)
    return [w for w in typed if w not in STOPWORDS] or typed


def _category(dataset: Dataset, key: str) -> tuple[str, str, str] | None:
    """('country', code, name) or ('theme', id, id) when the whole query names one."""
    from nkwatch import countries

    theme = _theme_named(dataset, key)
    if theme:
        return ("theme", theme, theme)
    code = countries.resolve_country(key)
    return ("country", code, countries.country_name(code)) if code else None


def _theme_named(dataset: Dataset, key: str) -> str | None:
    slug = key.replace(" ", "-")
    return next((t for t in (slug, slug.removesuffix("s")) if t in dataset.themes), None)


def _category_values(event: Event, kind: str) -> tuple[str, ...]:
    return event.countries if kind == "country" else event.themes


def _word_tier(entry: _Names, wanted: set[str]) -> tuple[int, str, str]:
    """3 when one title or alias holds every word, 2 the event's own names together, 1 with its actors' and
    places' names; 0 otherwise. With how (words, names, actor or place) and through which name."""
    for kind, own, written in entry.own:
        if kind != "id" and wanted <= set(own.split()):
            return 3, "words", "its title" if kind == "title" else f"its alias {written!r}"
    for kind, own, _ in entry.own:
        named = _entity_named(entry, wanted, set(own.split()))
        if kind != "id" and named:
            return 3, named[0], named[1]
    own_words = {w for _, own, _ in entry.own for w in own.split()}
    if wanted <= own_words:
        return 2, "names", ""
    helping = [(kind, shown, len(wanted & set(n.split()))) for kind, shown, n in entry.others]
    found = own_words.union(*(n.split() for _, _, n in entry.others))
    if wanted <= found and helping:
        kind, shown, _ = max(helping, key=lambda item: item[2])
        return 1, kind, shown
    return 0, "", ""


def _entity_named(entry: _Names, wanted: set[str], own_words: set[str]) -> tuple[str, str] | None:
    """(actor or place, its name) when the words typed are one of its names and a title or alias of the event names
    it by any of them: "Koh Yong-hwan" is Koh Young-hwan, named in "Koh Young-hwan makes public …"."""
    for kind, shown, name in entry.others:
        if wanted <= set(name.split()):
            names = [n for k, s, n in entry.others if (k, s) == (kind, shown)]
            if any(set(n.split()) <= own_words for n in names):
                return kind, shown
    return None


def _by_words(dataset: Dataset, table: list[_Names], name: str, key: str) -> Match | None:
    wanted = set(_content_words(key))
    category = _category(dataset, key)
    ranked = []
    for entry in table:
        tier, how, through = _word_tier(entry, wanted)
        if category and tier < 3 and category[1] in _category_values(entry.event, category[0]):
            tier, how, through = 3, category[0], category[2]
        if tier:
            ranked.append((tier, how, through, entry.event))
    if not ranked:
        return None
    best = max(tier for tier, *_ in ranked)
    top = [item for item in ranked if item[0] == best]
    if len(top) == 1:
        tier, how, through, event = top[0]
        return Match(event, how, 0.7 if how in ("country", "theme") else _TIER_SCORE[tier], through)
    raise _ambiguous(dataset, name, key, [event for *_, event in top])


def _stem(word: str) -> str:
    """A word start that finds the word's other forms in a word-start search: occupy → occup (occupied)."""
    if len(word) < 5 or not word.isascii() or not word.isalpha():
        return word
    for suffix in ("ies", "ied", "ing", "ed", "es", "s", "y", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


_NUMBER = re.compile(r"\d{1,3}(?:[,.]\d{3})+|\d+")


def _text_terms(name: str) -> list[str]:
    """The query's terms for full-text search: numbers whole ("2,000"), other words stemmed, little words dropped."""
    numbers = [normalize(n) for n in _NUMBER.findall(name)]
    rest = _content_words(normalize(_NUMBER.sub(" ", name)))
    return list(dict.fromkeys([*numbers, *(w if _country_word(w) else _stem(w) for w in rest if w)]))


def _country_word(word: str) -> str | None:
    """The code of the country a word names ("france"), codes and initialisms aside ("us" is a word too)."""
    from nkwatch import countries

    return countries.resolve_country(word) if len(word) >= 4 and word.isalpha() else None


class _Memo:
    """What one lookup's stages share: search's hits by term, and events' texts as normalised."""

    def __init__(self) -> None:
        self.hits: dict[str, dict[str, bool]] = {}
        self.described: dict[str, str] = {}


def _term_hits(dataset: Dataset, term: str, memo: _Memo) -> dict[str, bool]:
    """The events holding a term, each with whether its title holds it."""
    if term not in memo.hits:
        memo.hits[term] = _search_events(dataset, term, memo)
    return memo.hits[term]


def _search_events(dataset: Dataset, term: str, memo: _Memo) -> dict[str, bool]:
    """The one place the lookup calls full-text search, to find the events holding a word that begins with the
    term ("occup" → occupied; tests/test_lookup.py pins this), with no limit. Each is checked here: a number must
    appear whole ("2 000", not 2 and 000, nor 140 for 14); a word found only in the date note (how the date was
    sourced: "Hankyoreh 14 Apr") does not count. A country's name also finds the events listing that country."""
    pattern = re.compile(rf"(?<!\w){re.escape(term)}" + (r"(?!\w)" if term[0].isdigit() else ""))
    found = {}
    for hit in search(dataset, term):
        if hit.kind == "event":
            event = hit.record
            if pattern.search(normalize(event.title)):
                found[event.id] = True
            elif pattern.search(_described(dataset, event, memo)):
                found[event.id] = False
    code = _country_word(term)
    if code:  # an event is about the countries it lists, named in its text or not
        found.update({e.id: found.get(e.id, False) for e in dataset.events.values() if code in e.countries})
    return found


def _described(dataset: Dataset, event: Event, memo: _Memo) -> str:
    """An event's aliases, summary, actors' and places' names, normalised: its text but for title and date note."""
    if event.id not in memo.described:
        memo.described[event.id] = _text_but_title(dataset, event)
    return memo.described[event.id]


def _text_but_title(dataset: Dataset, event: Event) -> str:
    parts = [*event.aliases, event.summary]
    parts += [n for role in event.actors if (actor := dataset.actors.get(role.actor))
              for n in (actor.name, *actor.aliases)]
    parts += [n for p in event.places if (place := dataset.places.get(p)) for n in (place.name, *place.aliases)]
    return normalize(" ".join(parts))


class _TextScore(NamedTuple):
    rank: float
    """The share of the query's weight the event holds, a word (not a number) in its title counting double."""
    held: float
    """The share of the query's weight the event holds."""
    terms: int
    """How many of the query's terms it holds."""
    facts: bool
    """Whether it holds every number and country typed: they are facts, and an event without one is not the one
    meant ("Ningpo 14", "workers Russia beaten")."""
    distinctive: bool
    """Whether it holds a distinctive term: one that at most one event in 15 holds (3 in a small dataset)."""
    event: Event


def _text_scores(dataset: Dataset, name: str, memo: _Memo) -> list[_TextScore]:
    """Every event holding a term of the query, best first."""
    terms = _text_terms(name)
    total = len(dataset.events) or 1
    held: dict[str, list[float]] = {}
    rank: dict[str, float] = {}
    counted: dict[str, set[str]] = {}
    distinctive: set[str] = set()
    weight_sum = 0.0
    for term in terms:
        hits = _term_hits(dataset, term, memo)
        if hits and len(hits) <= max(3, total // 15):
            distinctive |= set(hits)
        # Rare words weigh more; a word no record holds (perhaps a synonym) weighs half the rarest, but still
        # weighs: "death spiral" is not an event about death.
        weight = math.log(1 + total / len(hits)) if hits else math.log(1 + total) / 2
        weight_sum += weight
        for event_id, in_title in hits.items():
            held.setdefault(event_id, []).append(weight)
            # A word in the event's headline counts double; a number is a fact, not a headline ("$100-150").
            headline = in_title and not term[0].isdigit()
            rank[event_id] = rank.get(event_id, 0.0) + weight * (2.0 if headline else 1.0)
            counted.setdefault(event_id, set()).add(term)
    facts = {t for t in terms if t[0].isdigit() or _country_word(t)}
    scored = [_TextScore(rank[i] / weight_sum, sum(held[i]) / weight_sum, len(counted[i]), facts <= counted[i],
                         i in distinctive, dataset.events[i]) for i in held]
    scored.sort(key=lambda item: -item.rank)
    return scored


def _by_text(dataset: Dataset, name: str, memo: _Memo) -> tuple[Match | None, list[Event]]:
    """Stage 4: the one event whose text clearly holds the query; else the events holding half of it, if any."""
    scored = _text_scores(dataset, name, memo)
    several = len(_text_terms(name)) > 1
    weak = [s.event for s in scored if s.held >= 0.5 and (s.terms >= 2 or not several)]
    best = _text_leader(scored)
    if best is None or not best.facts or not best.distinctive or best.held < MIN_TEXT_SHARE:
        return None, weak
    if (best.terms >= 2) if several else len(scored) == 1:
        return Match(best.event, "text", round(best.held, 2), name), weak
    return None, weak


def _text_leader(scored: list[_TextScore]) -> _TextScore | None:
    """The event that clearly leads: by rank (TEXT_LEAD times the next), or by holding HELD_LEAD more of the
    query's weight than any other (all of "security guidance officers" against a title with two of them)."""
    if not scored:
        return None
    if len(scored) == 1 or scored[0].rank >= TEXT_LEAD * scored[1].rank:
        return scored[0]
    by_held = sorted(scored, key=lambda s: -s.held)
    return by_held[0] if by_held[0].held - by_held[1].held >= HELD_LEAD else None


def _spellings(dataset: Dataset, table: list[_Names], key: str) -> list[str]:
    """The names that the query misspells as a whole, or for one word typed, the proper names among the words of
    names ("Mokrn" → Mokran; "defecton" is no name), fewest slips away."""
    names = {n for entry in table for _, n, _ in entry.own} | {n for entry in table for *_, n in entry.others}
    close = [n for n in names if n != key and is_misspelling(key, n)]
    if not close and " " not in key:
        close = [w for w in _proper_words(dataset) if w != key and is_misspelling(key, w)]
    return _closest_only(key, close)


def _written_names(dataset: Dataset) -> list[str]:
    """Every title and alias of an event, and every name and alias of an actor or place, as written."""
    names = [n for e in dataset.events.values() for n in (e.title, *e.aliases)]
    names += [n for a in dataset.actors.values() for n in (a.name, *a.aliases)]
    return names + [n for p in dataset.places.values() for n in (p.name, *p.aliases)]


def _proper_words(dataset: Dataset) -> set[str]:
    """The words of names written with a capital (or in a script without case), of four letters or more,
    normalised: the words a misspelling of a name can aim at."""
    return {normalize(w) for n in _written_names(dataset) for w in re.findall(r"\w+", n)
            if len(w) >= 4 and not w[0].islower() and not w.isdigit()}


def _closest_only(key: str, names: list[str]) -> list[str]:
    """The names fewest slips away ("thae yong ho" before "thae young ho" for "thea yong ho")."""
    from rapidfuzz.distance import OSA

    distances = {n: OSA.distance(key, n) for n in names}
    return sorted(n for n in names if distances[n] == min(distances.values()))


def _corrected_words(dataset: Dataset, table: list[_Names], key: str, memo: _Memo) -> str | None:
    """The query with each word that no name or text holds replaced by the one name word it misspells."""
    name_words = {w for entry in table for _, n, _ in entry.own for w in n.split()}
    name_words |= {w for entry in table for *_, n in entry.others for w in n.split()}
    out, changed = [], False
    for word in key.split():
        if word in name_words or word in STOPWORDS or _term_hits(dataset, _stem(word), memo):
            out.append(word)
            continue
        # Any word of a name will do here: the other words typed must still be found in the same event's names.
        close = _closest_only(word, [w for w in name_words if len(w) >= 4 and is_misspelling(word, w)])
        if len(close) != 1:
            return None
        out.append(close[0])
        changed = True
    return " ".join(out) if changed else None


def _by_spelling(dataset: Dataset, table: list[_Names], name: str, key: str,
                 memo: _Memo) -> Match | None:
    """Stage 5: the query read as the name it misspells, then found by stages 2-3."""
    readings = _spellings(dataset, table, key)
    if not readings and " " in key:
        corrected = _corrected_words(dataset, table, key, memo)
        readings = [corrected] if corrected else []
    found: dict[str, tuple[Event, str]] = {}
    ambiguous: list[Event] = []
    for reading in readings:
        try:
            match = _by_name(dataset, table, name, reading)
        except NotFoundError as error:
            ambiguous += [dataset.events[row[0]] for row in error.candidates]
            continue
        if match:
            found.setdefault(match.event.id, (match.event, reading))
    if len(found) == 1 and not ambiguous:
        event, reading = next(iter(found.values()))
        return Match(event, "spelling", _likeness(key, reading), _as_written(dataset, reading))
    events = list({e.id: e for e in [*(e for e, _ in found.values()), *ambiguous]}.values())
    if events and len(readings) == 1:
        raise _ambiguous(dataset, name, readings[0], events, _as_written(dataset, readings[0]))
    if events:
        raise _ambiguous(dataset, name, key, events)
    return None


def _as_written(dataset: Dataset, reading: str) -> str:
    """A normalised name (or word of a name) as the dataset writes it: "thae yong ho" → "Thae Yong-ho"."""
    names = _written_names(dataset)
    for name in names:
        if normalize(name) == reading:
            return name
    for name in names:
        for word in re.findall(r"[\w'’-]+", name):
            if normalize(word) == reading:
                return word
    if " " in reading:  # the query with its words corrected: each word as written ("Mokran smartphones")
        return " ".join(_as_written(dataset, word) for word in reading.split())
    return reading


def _likeness(typed: str, name: str) -> float:
    from rapidfuzz.distance import OSA

    return round(1 - OSA.normalized_distance(typed, name), 2)


def _candidate_rows(events: Iterable[Event]) -> list[tuple[str, str, str]]:
    return [(e.id, str(e.date), e.title) for e in events]


def _quoted(text: str) -> str:
    """The text as one shell argument, in double quotes when it needs them (they work in every shell)."""
    if re.fullmatch(r"[\w.,:@%+=/-]+", text):
        return text
    return '"' + text.replace('"', '\\"') + '"'


def _hints(dataset: Dataset, name: str, key: str) -> list[str]:
    """What to try instead: the theme, country or actor the query names, and full-text search."""
    category = _category(dataset, key)
    hints = [f"nkwatch timeline --{category[0]} {category[1]}"] if category else []
    hints += [f"nkwatch timeline --actor {a.id}" for a in dataset.actors.values()
              if key in {normalize(n) for n in (a.name, *a.aliases)}]
    return [*hints, f"nkwatch search {_quoted(name)}"]


def _ambiguous(dataset: Dataset, name: str, key: str, events: list[Event], reading: str = "") -> NotFoundError:
    """Several events match: list them, and say how the query was read when it was a misspelling."""
    read = f" (read as {reading!r})" if reading else ""
    return NotFoundError(f"{name!r}{read} matches {len(events)} events equally well; give one of their ids",
                         _candidate_rows(events), _hints(dataset, reading or name, key))


class Hit(NamedTuple):
    """One search result: an event or a figure, its score, and the words that matched."""

    kind: str
    """'event' or 'figure'."""
    record: Event | Figure
    """The record found."""
    score: float
    """Higher is better."""
    terms: tuple[str, ...]
    """The query words, for highlighting."""


def _field_score(terms: list[str], fields: dict[str, str], weights) -> tuple[float, int]:
    """Weighted score, and how many query words matched somewhere (a word matches a word it begins)."""
    score, matched = 0.0, 0
    for term in terms:
        pattern = re.compile(rf"\b{re.escape(term)}", re.IGNORECASE)
        found = [w for name, w in weights if pattern.search(normalize(fields[name]))]
        matched += bool(found)
        score += sum(found)
    return score, matched


def search(dataset: Dataset, query: str, limit: int | None = None, filters=None) -> list[Hit]:
    """Events and figures containing every query word (as a word or word start), best first: events ranked by
    ``nkwatch.cache.search.search_events`` (narrowed by filters, a ``query.Filters``, when given), then figures."""
    from nkwatch.cache.search import query_words, search_events

    terms = tuple(query_words(query))
    if not terms:
        return []
    # Events come before figures, so at most limit events are wanted.
    narrowed = filters._replace(limit=limit) if filters is not None else None
    hits = [Hit("event", event, score, terms) for event, score in search_events(dataset, query, narrowed)]
    if filters is None or not (filters.countries or filters.actors or filters.themes or filters.sources
                               or filters.since or filters.until or filters.texts):
        hits += _figure_hits(dataset, list(terms))
    return hits if limit is None else hits[:limit]


def _figure_hits(dataset: Dataset, terms: list[str]) -> list[Hit]:
    hits = []
    for figure in dataset.figures.values():
        fields = {"measure": figure.measure, "unit": figure.unit, "note": figure.note or ""}
        score, matched = _field_score(terms, fields, (("measure", 4.0), ("unit", 1.0), ("note", 1.0)))
        if matched == len(terms):
            hits.append(Hit("figure", figure, score, tuple(terms)))
    hits.sort(key=lambda h: (-h.score, h.record.id))
    return hits
