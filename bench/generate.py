"""Synthetic datasets in nkwatch's on-disk format, for the benchmark: realistic sizes, about a tenth in Russia."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

COUNTRIES = ["CN", "RU", "MN", "QA", "KW", "AE", "PL", "MY", "NG", "GQ", "ET", "VN", "LA", "KH", "NP", "SN"]
THEMES = ["defection", "surveillance", "repatriation", "wage-extortion", "protest", "arrest", "sanctions", "death",
          "labour-conditions", "labour-export"]
WORDS = ("workers", "site", "company", "wages", "quota", "loyalty", "fund", "minder", "consulate",
         "dormitory", "defected", "repatriated", "security", "agents", "construction", "logging", "factory",
         "seafood", "sewing", "protest", "strike", "arrested", "detained", "report", "source", "outlet",
         "official", "ministry", "border", "province", "city", "month", "year", "team", "leader", "manager",
         "interpreter", "embassy")


SEARCHED_WORD = "smelting"
"""A word in the summary of exactly one event in ten (and nowhere else), for the search benchmark."""


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _date(rng: random.Random) -> str:
    year, month = rng.randint(2000, 2024), rng.randint(1, 12)
    form = rng.random()
    if form < 0.4:
        return f"{year}-{month:02d}-{rng.randint(1, 28):02d}"
    if form < 0.8:
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-01/{year}-{month:02d}-20"


def _country(rng: random.Random) -> str:
    # About a tenth of events are in Russia, as in the brief.
    return "RU" if rng.random() < 0.1 else rng.choice([c for c in COUNTRIES if c != "RU"])


def synthetic_event(rng: random.Random, number: int) -> dict:
    """One event with field sizes like the real ones: a 60-word summary, two sources, two actors."""
    country = _country(rng)
    low = rng.randint(1, 50)
    return {
        "id": f"event-{number:06d}",
        "title": _sentence(rng, 7)[:-1],
        "aliases": [_sentence(rng, 3)[:-1]],
        "date": _date(rng),
        "date_note": _sentence(rng, 12),
        "places": [f"place-{country.lower()}-{rng.randint(0, 4)}"],
        "countries": [country],
        "actors": [{"actor": f"actor-{rng.randint(0, 199):03d}", "role": _sentence(rng, 3)[:-1]} for _ in range(2)],
        "themes": sorted(set(rng.sample(THEMES, 2))),
        "people": {"min": low, "max": low + rng.randint(0, 20)},
        "summary": _sentence(rng, 60) + (f" {SEARCHED_WORD.capitalize()} work." if number % 10 == 3 else ""),
        "sources": [{"source": f"source-{rng.randint(0, 49):02d}", "supports": _sentence(rng, 5)} for _ in range(2)],
        "attestation": {"basis": "anonymous", "asserted_by": _sentence(rng, 5), "outlets": ["Outlet A", "Outlet B"]},
    }


def _yaml(value: dict, schema: str) -> str:
    import yaml

    header = f"# yaml-language-server: $schema=../../nkwatch/schema/{schema}.schema.json\n"
    return header + yaml.dump(value, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=100)


def _write_small_records(root: Path) -> None:
    for folder in ("sources", "actors", "places", "events", "figures"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "themes.yaml").write_text(_yaml_list([{"id": t, "description": f"Theme {t}."} for t in THEMES]))
    for i in range(50):
        source = {"id": f"source-{i:02d}", "publisher": f"Outlet {i}", "title": f"Report number {i}",
                  "author": None, "published": "2024-03-13", "url": f"https://example.org/{i}", "kind": "news",
                  "language": "en"}
        (root / "sources" / f"source-{i:02d}.yaml").write_text(_yaml(source, "source"))
    for i in range(200):
        actor = {"id": f"actor-{i:03d}", "name": f"Actor {i}", "aliases": [f"A{i}"], "kind": "person",
                 "countries": ["KP"]}
        (root / "actors" / f"actor-{i:03d}.yaml").write_text(_yaml(actor, "actor"))
    for country in COUNTRIES:
        for i in range(5):
            place_id = f"place-{country.lower()}-{i}"
            place = {"id": place_id, "name": f"City {i} of {country}", "country": country, "lat": 40.0 + i,
                     "lon": 100.0 + i}
            (root / "places" / f"{place_id}.yaml").write_text(_yaml(place, "place"))


def _yaml_list(values: list) -> str:
    import yaml

    return "# yaml-language-server: $schema=../nkwatch/schema/themes.schema.json\n" + yaml.safe_dump(values)


def generate(root: Path, count: int, seed: int = 7) -> Path:
    """Write a dataset of COUNT events at ROOT (replacing what is there) and the same events as ROOT.json."""
    if root.exists():
        shutil.rmtree(root)
    _write_small_records(root)
    rng = random.Random(seed)
    json_path = root.with_suffix(".json")
    with json_path.open("w", encoding="utf-8") as out:
        out.write("[")
        for number in range(count):
            event = synthetic_event(rng, number)
            (root / "events" / f"{event['id']}.yaml").write_text(_yaml(event, "event"), encoding="utf-8")
            out.write(("," if number else "") + json.dumps(event, ensure_ascii=False))
        out.write("]\n")
    return json_path
