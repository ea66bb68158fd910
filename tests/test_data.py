"""Checks on the bundled dataset: sourced, every record used, dated within its sources, one record per name."""

from __future__ import annotations

import json
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from nkwatch.loader import bundled_data_path, load_dataset
from nkwatch.textnorm import normalize

DATA = bundled_data_path()
COPYCHECK = Path(__file__).resolve().parents[2] / "shared" / "tools" / "copycheck"


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATA)


def test_the_dataset_is_large_enough(dataset):
    assert len(dataset.events) >= 45
    assert len(dataset.figures) >= 30


def test_every_event_and_figure_cites_a_source_and_says_who_asserts_it(dataset):
    for record in [*dataset.events.values(), *dataset.figures.values()]:
        assert record.sources, record.id
        assert record.attestation.asserted_by.strip(), record.id


def test_every_source_actor_place_and_theme_is_used(dataset):
    events, figures = list(dataset.events.values()), list(dataset.figures.values())
    cited = {r.source for rec in [*events, *figures] for r in rec.sources}
    cited |= {c.source for rec in [*events, *figures] for d in rec.discrepancies for c in d.claims}
    assert set(dataset.sources) - cited == set()
    assert set(dataset.actors) - {a.actor for e in events for a in e.actors} == set()
    assert set(dataset.places) - {p for e in events for p in e.places} == set()
    assert set(dataset.themes) - {t for e in events for t in e.themes} == set()


def test_no_event_starts_after_its_latest_source_was_published(dataset):
    late = []
    for event in dataset.events.values():
        # An open-ended publication date ("on or after 27 April 2019") counts from its known start.
        latest = max(dataset.sources[r.source].published.end or dataset.sources[r.source].published.start
                     for r in event.sources)
        if event.date.start and event.date.start > latest:
            late.append(f"{event.id} starts {event.date.start}, sources end {latest}")
    assert late == []


def test_every_alias_leads_to_one_record(dataset):
    owners: dict[str, set[str]] = defaultdict(set)
    for event in dataset.events.values():
        for name in (event.id, event.title, *event.aliases):
            owners[normalize(name)].add(f"event:{event.id}")
    for actor in dataset.actors.values():
        for name in (actor.name, *actor.aliases):
            owners[normalize(name)].add(f"actor:{actor.id}")
    shared = {name: sorted(ids) for name, ids in owners.items()
              if len({i.split(":")[0] for i in ids}) == 1 and len(ids) > 1}
    assert shared == {}


def test_every_place_has_coordinates_and_every_placed_event_a_country(dataset):
    for place in dataset.places.values():
        assert place.lat is not None and place.lon is not None, place.id
    for event in dataset.events.values():
        for place in event.places:
            assert dataset.places[place].country in event.countries or event.countries, event.id


def test_each_data_file_names_its_schema_and_passes_it_with_a_reference_validator():
    import jsonschema
    from referencing import Registry, Resource

    schema_dir = Path(__import__("nkwatch").__file__).parent / "schema"
    store = {p.name: json.loads(p.read_text()) for p in schema_dir.glob("*.json")}
    registry = Registry().with_resources((name, Resource.from_contents(s)) for name, s in store.items())
    files = [("themes", DATA / "themes.yaml")] + [(p.parent.name, p) for p in sorted(DATA.glob("*/*.yaml"))]
    for folder, path in files:
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        kind = {"sources": "source", "actors": "actor", "places": "place", "events": "event",
                "figures": "figure", "themes": "themes"}[folder if path.name != "themes.yaml" else "themes"]
        assert first_line.startswith("# yaml-language-server: $schema=") and first_line.endswith(
            f"nkwatch/schema/{kind}.schema.json"), path
        schema = store[f"{kind}.schema.json"]
        jsonschema.Draft7Validator(schema, registry=registry).validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.mark.skipif(not COPYCHECK.exists(), reason="shared/tools/copycheck is not beside this checkout")
def test_no_passage_repeats_a_source_article():
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([str(COPYCHECK), str(root)], capture_output=True, text=True)
    assert [line for line in result.stdout.splitlines() if not line.startswith("copycheck:")] == []
