"""One exported row back into an event record: JSON objects in the export's shape, and CSV cells.

References the export expands are mapped back to ids: a JSON export's ``{"id": …, "name": …}`` to the id, a CSV
cell's names (``Tomsk; Yanji``) and sources (``publisher, title, date, url``) resolved against the dataset, exactly
and never by guesswork: a name two records share is an error that asks for the id. Problems come back as
``(field, message)``; the field is the file's (a JSON path, or a CSV column).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from nkwatch.models import Actor, Event, Place, Source

FieldProblem = tuple[str | None, str]

RECORD_FIELDS = ("id", "title", "aliases", "date", "date_note", "countries", "places", "actors", "themes",
                 "people", "summary", "sources", "attestation", "related", "discrepancies")
"""The fields of an event export that are the record's own."""
DERIVED_FIELDS = {"start": "date", "end": "date", "date_display": "date", "approximate": "date",
                  "uncertain": "date"}
"""The fields an event export derives, with the field each is derived from."""
NESTED_KEYS = {"places": ("id", {"name", "country", "lat", "lon"}), "actors": ("id", {"name"}),
               "sources": ("id", {"publisher", "title", "author", "published", "url", "kind"})}
"""For each expanded list: the key holding the id, and the keys copied from the record it names."""
ATTESTATION_KEYS = {"basis", "asserted_by", "outlets"}
ROLE_NOT_GIVEN = "not given (imported from a CSV row, which holds no roles)"
"""The role of an actor named in a CSV row for a new event: the export's CSV has no roles."""
CSV_FIELD_COLUMNS = {"people": "people_min", "people.min": "people_min", "people.max": "people_max",
                     "people.wording": "people_wording", "attestation": "basis", "attestation.basis": "basis",
                     "attestation.asserted_by": "asserted_by", "attestation.outlets": "outlets"}
SEPARATOR = "; "
PEOPLE_COLUMNS = ("people_min", "people_max", "people_wording")
"""The columns of an events CSV that hold its head count."""


class Known(NamedTuple):
    """The records a row may name, from the dataset it is imported into."""

    sources: dict[str, Source]
    """Sources by id."""
    actors: dict[str, Actor]
    """Actors by id."""
    places: dict[str, Place]
    """Places by id."""


# ---- JSON and NDJSON ---------------------------------------------------------------------------------------------


def json_record(fields: object) -> tuple[dict, list[FieldProblem]]:
    """An exported event object as a record value, with what cannot be imported from it."""
    if not isinstance(fields, dict):
        return {}, [(None, "each item must be an event object ({…})")]
    if "measure" in fields and "title" not in fields:
        return {}, [(None, "this is a figure; import reads events (an export without --figures)")]
    problems = [(key, "unknown field; an events export has " + ", ".join(RECORD_FIELDS + tuple(DERIVED_FIELDS)))
                for key in fields if key not in RECORD_FIELDS and key not in DERIVED_FIELDS]
    value = {key: fields[key] for key in RECORD_FIELDS if key in fields}
    for name, (id_key, copied) in NESTED_KEYS.items():
        if isinstance(value.get(name), list):
            value[name] = [_nested(name, i, item, id_key, copied, problems) for i, item in enumerate(value[name])]
    if isinstance(value.get("attestation"), dict):
        attestation = value["attestation"]
        problems += [(f"attestation.{key}", "unknown field") for key in attestation
                     if key not in ATTESTATION_KEYS and key != "corroboration"]
        value["attestation"] = {k: v for k, v in attestation.items() if k in ATTESTATION_KEYS}
    if isinstance(value.get("people"), dict):
        value["people"] = _json_people(value["people"])
    if isinstance(value.get("discrepancies"), list):
        value["discrepancies"] = [_json_discrepancy(d) for d in value["discrepancies"]]
    return value, problems


def _json_people(people: dict) -> object:
    """An exported head count as the record writes it: one number when min and max agree; without the words, or
    without a max where the words set no upper bound (the export writes both as null)."""
    people = dict(people)
    if "wording" in people and people["wording"] is None:
        del people["wording"]
    if people.get("wording") is not None and "max" in people and people["max"] is None:
        del people["max"]
    if people.keys() == {"min", "max"} and people["min"] == people["max"]:
        return people["min"]
    return people


def _json_discrepancy(discrepancy: object) -> object:
    """An exported discrepancy as the record writes it: a paraphrase (``quoted: false``, the default) unmarked."""
    if not isinstance(discrepancy, dict) or not isinstance(discrepancy.get("claims"), list):
        return discrepancy
    claims = [{k: v for k, v in claim.items() if not (k == "quoted" and v is False)} if isinstance(claim, dict)
              else claim for claim in discrepancy["claims"]]
    return {**discrepancy, "claims": claims}


def _nested(name: str, i: int, item: object, id_key: str, copied: set[str], problems: list) -> object:
    """One expanded reference as the record holds it: a place id, ``{actor, role}``, ``{source, supports}``."""
    if not isinstance(item, dict):
        return item  # a bare id, or a value the schema check names
    own = {"actors": {"role"}, "sources": {"supports"}}.get(name, set())
    problems += [(f"{name}[{i}].{key}", "unknown field") for key in item if key not in {id_key, *copied, *own}]
    if id_key not in item:
        problems.append((f"{name}[{i}]", f"needs the {id_key!r} of the {name[:-1]}"))
        return None
    if name == "places":
        return item[id_key]
    singular = name[:-1]
    reference = {singular: item[id_key]}
    reference.update({key: item[key] for key in own if key in item and item[key] is not None})
    return reference


def derived_problems(fields: dict, computed: dict) -> list[FieldProblem]:
    """Each derived value the row gives that is not what the imported record gives (computed: its export)."""
    found = []
    for key, origin in DERIVED_FIELDS.items():
        if key in fields and fields[key] != computed[key]:
            found.append((key, _disagrees(fields[key], computed[key], origin)))
    attestation = fields.get("attestation")
    if isinstance(attestation, dict) and "corroboration" in attestation:
        expected = computed["attestation"]["corroboration"]
        if attestation["corroboration"] != expected:
            found.append(("attestation.corroboration",
                          _disagrees(attestation["corroboration"], expected, "attestation.outlets")))
    for name, (id_key, copied) in NESTED_KEYS.items():
        for i, (given, made) in enumerate(zip(fields.get(name) or (), computed[name], strict=False)):
            if isinstance(given, dict):
                for key in sorted(copied & given.keys()):
                    if given[key] != made[key]:
                        origin = f"the {name[:-1]} {made[id_key]!r}"
                        found.append((f"{name}[{i}].{key}", _disagrees(given[key], made[key], origin)))
    return found


def _disagrees(given: object, expected: object, origin: str) -> str:
    return f"{given!r} is not what the dataset gives ({expected!r}); it is derived from {origin}, not imported"


# ---- CSV ---------------------------------------------------------------------------------------------------------


def unguarded(cell: str) -> str:
    """A cell without the apostrophe the CSV export puts before text a spreadsheet would run as a formula."""
    from nkwatch.export.csv import FORMULA_STARTS

    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _items(cell: str) -> list[str]:
    return cell.split(SEPARATOR) if cell else []


def csv_record(cells: dict[str, str], known: Known, existing: dict | None) -> tuple[dict, list[FieldProblem]]:
    """An exported CSV row as a record value. With the event it replaces (existing), what a CSV cannot hold
    (aliases, roles, what each source supports) and columns the file lacks are kept from it."""
    cells = {column: unguarded(cell) for column, cell in cells.items()}
    problems: list[FieldProblem] = []
    value: dict = {"id": cells["id"], "title": cells["title"], "date": cells["date"].strip(),
                   "countries": _items(cells["countries"]), "themes": _items(cells["themes"]),
                   "summary": cells["summary"]}
    optional = {"date_note": lambda c: c or None, "related": _items,
                "places": lambda c: _resolved(c, known.places, "place", "places", problems),
                "people": lambda c: _people(cells, problems),
                "discrepancies": lambda c: _discrepancies(c, known, (existing or {}).get("discrepancies"),
                                                          problems)}
    for key, read in optional.items():
        columns = PEOPLE_COLUMNS if key == "people" else (key,)
        if any(column in cells for column in columns):
            value[key] = read(cells.get(key, ""))
        elif existing is not None and key in existing:
            value[key] = existing[key]
    value["actors"] = _actors(cells, known, existing, problems)
    value["sources"] = _sources(cells["sources"], known, existing, problems)
    outlets = _items(cells["outlets"]) if "outlets" in cells else (existing or {}).get("attestation", {}).get(
        "outlets", [])
    value["attestation"] = {"basis": cells["basis"], "asserted_by": cells["asserted_by"], "outlets": outlets}
    if existing is not None and existing.get("aliases"):
        value["aliases"] = existing["aliases"]
    return value, problems


def csv_derived_problems(cells: dict[str, str], event: Event) -> list[FieldProblem]:
    """The start and end cells, when given, must be the days the date gives."""
    found = []
    for column, day in (("start", event.date.start), ("end", event.date.end)):
        given, expected = cells.get(column, ""), day.isoformat() if day else ""
        if given and given != expected:
            found.append((column, _disagrees(given, expected, "date")))
    return found


def _people(cells: dict[str, str], problems: list) -> object:
    """The head count of people_min, people_max and people_wording: people_max may be empty only with the words,
    which set no upper bound then; neither may be given without people_min."""
    low, high, words = (cells.get(column, "") for column in PEOPLE_COLUMNS)
    if not low:
        if high or words:
            problems.append(("people_min", f"give people_min with {'people_max' if high else 'people_wording'}, "
                                           "or leave all three empty"))
        return None
    if not high and not words:
        problems.append(("people_max", "give people_max (the same as people_min for one number), or "
                                       "people_wording when the source gave the count only in words"))
        return None
    numbers = []
    for column, cell in (("people_min", low), ("people_max", high)):
        try:
            numbers.append(None if not cell else float(cell) if re.search(r"[.eE]", cell) else int(cell))
        except ValueError:
            problems.append((column, f"{cell!r} is not a number"))
            return None
    if not words:
        return numbers[0] if numbers[0] == numbers[1] else {"min": numbers[0], "max": numbers[1]}
    return {"min": numbers[0], **({} if numbers[1] is None else {"max": numbers[1]}), "wording": words}


def _name_index(records: Iterable) -> dict[str, set[str]]:
    """Each id, name and alias (as written) mapped to the ids of the records it names."""
    index: dict[str, set[str]] = {}
    for record in records:
        for name in (record.id, record.name, *getattr(record, "aliases", ())):
            index.setdefault(name, set()).add(record.id)
    return index


def _resolved(cell: str, records: dict, kind: str, column: str, problems: list) -> list[str]:
    """The ids a cell of names (or ids) names; an unknown or shared name is a problem."""
    index, ids = _name_index(records.values()), []
    for name in _items(cell):
        if name in records:
            ids.append(name)
            continue
        found = sorted(index.get(name, ()))
        if len(found) == 1:
            ids.append(found[0])
        elif found:
            problems.append((column, f"{name!r} names {len(found)} {kind}s ({', '.join(found)}); give the id"))
        else:
            problems.append((column, f"no {kind} has the id or name {name!r}"))
    return ids


def _actors(cells: dict[str, str], known: Known, existing: dict | None, problems: list) -> list[dict]:
    if "actors" not in cells:
        return list((existing or {}).get("actors") or [])
    roles = {a["actor"]: a["role"] for a in (existing or {}).get("actors") or ()}
    ids = _resolved(cells["actors"], known.actors, "actor", "actors", problems)
    return [{"actor": i, "role": roles.get(i, ROLE_NOT_GIVEN)} for i in ids]


def source_cells(known: Known) -> dict[str, set[str]]:
    """Each source as the CSV export writes it (``publisher, title, date, url``), mapped to the ids it may be."""
    from nkwatch.export.csv import sources_cell
    from nkwatch.serialize import source_dict

    cells: dict[str, set[str]] = {}
    for source in known.sources.values():
        cells.setdefault(sources_cell([source_dict(source)]), set()).add(source.id)
    return cells


def _sources(cell: str, known: Known, existing: dict | None, problems: list) -> list[dict]:
    """The sources a cell names, each by id or as the export writes it, ``; ``-separated; the longest written
    form that matches is taken, since a title may itself hold ``; ``."""
    supports = {s["source"]: s.get("supports") for s in (existing or {}).get("sources") or ()}
    forms = source_cells(known)
    forms.update({i: {i} for i in known.sources})
    refs, at = [], 0
    while at < len(cell):
        match = max((form for form in forms if cell.startswith(form, at)
                     and (at + len(form) == len(cell) or cell.startswith(SEPARATOR, at + len(form)))),
                    key=len, default=None)
        if match is None:
            end = cell.find(SEPARATOR, at)
            piece = cell[at:] if end < 0 else cell[at:end]
            problems.append(("sources", f"{piece!r} is neither a source id nor a source as the export writes it "
                                        "(publisher, title, date, url)"))
            return refs
        if len(forms[match]) > 1:
            problems.append(("sources", f"{match!r} may be any of {len(forms[match])} sources "
                                        f"({', '.join(sorted(forms[match]))}); give the id"))
            return refs
        source = next(iter(forms[match]))
        refs.append({"source": source, **({"supports": supports[source]} if supports.get(source) else {})})
        at += len(match) + len(SEPARATOR)
    return refs


def _discrepancies(cell: str, known: Known, existing: list[dict] | None, problems: list) -> list[dict]:
    """``about: a says “…”; b: … → resolution``, separated by `` | ``, read back (a source's own words quoted,
    a paraphrase after a colon); what does not read back to the same cell is a problem, never a guess. The event
    being replaced keeps its own discrepancies when they give the same cell."""
    from nkwatch.export.csv import discrepancies_cell

    if not cell:
        return []
    if existing and discrepancies_cell(existing) == cell:
        return existing
    ids = "|".join(re.escape(i) for i in sorted(known.sources, key=len, reverse=True))
    claim_start = rf"(?:{ids})(?: says “|: )"
    parsed = []
    for part in cell.split(" | "):
        head = re.match(rf"(.*?): (?={claim_start})", part, re.DOTALL)
        claims_text, arrow, resolution = part[head.end():].rpartition(" → ") if head else ("", "", "")
        if not head or not arrow:
            break
        claims = [_claim(claim, ids) for claim in re.split(rf"; (?={claim_start})", claims_text)]
        parsed.append({"about": head.group(1), "claims": claims, "resolution": resolution})
    if not ids or discrepancies_cell(parsed) != cell:
        problems.append(("discrepancies", "cannot be read back: write each as 'about: SOURCE-ID says “the "
                                          "source's words”; SOURCE-ID: our paraphrase → resolution', separated "
                                          "by ' | '"))
        return []
    return parsed


def _claim(text: str, ids: str) -> dict:
    """One claim of a discrepancies cell: ``source says “…”`` (the source's words) or ``source: …``."""
    quoted = re.fullmatch(rf"({ids}) says “(.*)”", text, re.DOTALL)
    if quoted:
        return {"source": quoted.group(1), "says": quoted.group(2), "quoted": True}
    source, _, says = text.partition(": ")
    return {"source": source, "says": says}


def csv_column(field: str | None) -> str | None:
    """The CSV column a record field lives in (``sources[1].source`` → ``sources``)."""
    if field is None:
        return None
    if field in CSV_FIELD_COLUMNS:
        return CSV_FIELD_COLUMNS[field]
    top = re.split(r"[.\[]", field, maxsplit=1)[0]
    return CSV_FIELD_COLUMNS.get(top, top)


def json_field(field: str | None) -> str | None:
    """The export's name for a record field: ``sources[1].source`` is ``sources[1].id`` in an export."""
    if field is None:
        return None
    field = re.sub(r"^(sources|actors)\[(\d+)\]\.(source|actor)$", r"\1[\2].id", field)
    return re.sub(r"^places\[(\d+)\]$", r"places[\1].id", field)
