"""Checks on the bundled dataset: sourced, every record used, dated within its sources, one record per name; vague
numbers kept in the sources' words, quoted claims verbatim, titles whole, and the attributions issue 20 fixed."""

from __future__ import annotations

import json
import re
import subprocess
from collections import defaultdict
from datetime import date
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


SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_FILES = {"ofk-2016-10-18": "000_ebb19b6df9d2559f.txt",
              "dailynk-2021-12-controls": "001_9111519e43d072ad.txt",
              "dailynk-2016-10-mokran": "002_bc89290fc8069b4f.txt",
              "guardian-tz-2017-04-23": "003_1fc16767be493f7d.txt",
              "joongang-2024-03-13": "004_43cfacf0052f1332.txt"}
"""The dataset's source records for the five articles, and the stored article each one is."""
QUOTE_MARKS = "\"'“”‘’「」«»"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout")


def _plain(text: str) -> str:
    """Text compared as a reader would: one kind of quotation mark, single spaces, no case."""
    for curly, straight in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(curly, straight)
    return " ".join(text.split()).casefold()


def _seed_text(source_id: str) -> str | None:
    name = SEED_FILES.get(source_id)
    return _plain((SEEDS / name).read_text(encoding="utf-8")) if name and SEEDS.is_dir() else None


def _claims(dataset):
    for record in [*dataset.events.values(), *dataset.figures.values()]:
        for disagreement in record.discrepancies:
            for claim in disagreement.claims:
                yield record.id, claim


def _counts(dataset):
    """Every head count and figure value, with the record it belongs to."""
    yield from ((e, e.people) for e in dataset.events.values() if e.people is not None)
    yield from ((f, f.value) for f in dataset.figures.values())


VAGUE_COUNTS = {
    ("figure", "labour-export-earnings"): "hundreds of millions", ("figure", "china-workers-thousands"): "thousands",
    ("figure", "dandong-work-refusal-workers"): "dozens", ("event", "dandong-work-refusal-2024"): "dozens",
    ("figure", "hyesan-interpreter-age"): "in his 20s", ("event", "defectors-shelter-russia"): "some 40",
    ("event", "worker-deaths-abroad-2016"): "at least 40",
}
"""Counts the sources give only in words (or, for a head count, with a bound no number can carry), and the words
each record must keep."""


def test_counts_the_sources_give_only_in_words_keep_those_words(dataset):
    kept = {(kind, rid): records[rid].people.wording if kind == "event" else records[rid].value.wording
            for kind, rid in VAGUE_COUNTS
            for records in [dataset.events if kind == "event" else dataset.figures]}
    assert kept == VAGUE_COUNTS


def test_a_number_read_from_words_is_marked_as_our_reading(dataset):
    unmarked = [f.id for f in dataset.figures.values() if f.value.wording is None
                and any(phrase in (f.note or "") for phrase in ("our reading", "the least that word", "our floor"))]
    assert unmarked == []


@needs_seeds
def test_kept_wording_is_the_sources_own(dataset):
    def words_of(record) -> str:
        own = [getattr(record, "note", None), getattr(record, "summary", None), getattr(record, "date_note", None),
               *(ref.supports for ref in record.sources)]
        for ref in record.sources:
            source = dataset.sources[ref.source]
            own += [_seed_text(ref.source), source.title, source.notes]
        return _plain(" ".join(text for text in own if text))

    invented = [(record.id, value.wording) for record, value in _counts(dataset)
                if value.wording and _plain(value.wording) not in words_of(record)]
    assert invented == []


def test_an_open_reading_has_words_and_a_closed_one_a_sensible_range(dataset):
    for record, value in _counts(dataset):
        assert value.max is not None or value.wording, record.id
        assert value.max is None or value.max >= value.min, record.id


@needs_seeds
def test_a_quoted_claim_is_the_articles_words_exactly(dataset):
    wrong = [(rid, c.source, c.says) for rid, c in _claims(dataset)
             if c.quoted and c.source in SEED_FILES and _plain(c.says) not in _seed_text(c.source)]
    assert wrong == []


def test_a_quoted_claim_holds_only_the_words_and_is_short(dataset):
    for rid, claim in _claims(dataset):
        if claim.quoted:
            assert claim.says[0] not in QUOTE_MARKS and claim.says[-1] not in QUOTE_MARKS, (rid, claim.says)
            assert len(claim.says.split()) < 8, (rid, claim.says)


def test_a_paraphrase_is_never_wrapped_in_quotation_marks(dataset):
    wrapped = [(rid, c.says) for rid, c in _claims(dataset)
               if not c.quoted and c.says[0] in QUOTE_MARKS and c.says[-1] in QUOTE_MARKS]
    assert wrapped == []


def test_claims_known_to_be_verbatim_are_marked_quoted(dataset):
    quoted = {(rid, c.source) for rid, c in _claims(dataset) if c.quoted}
    assert {("thae-yong-ho-defection", "guardian-tz-2017-04-23"), ("thae-yong-ho-defection", "ofk-2016-10-18"),
            ("baek-won-soon-arrest-reported", "joongang-2024-03-13"),
            ("jilin-protest-workers", "sankei-2024-01-18-koh-report")} <= quoted


@needs_seeds
def test_a_title_is_cut_only_where_the_full_one_would_repeat_an_article(dataset):
    """A full headline of one of the five articles would be a run copycheck forbids; any other title is whole."""
    headlines = {sid: (SEEDS / name).read_text(encoding="utf-8").splitlines()[0] for sid, name in SEED_FILES.items()}
    for source in dataset.sources.values():
        if source.title.rstrip().endswith(("…", "...")):
            start = source.title.rstrip().rstrip(".…").rstrip()
            assert source.id in headlines and _plain(headlines[source.id]).startswith(_plain(start)), source.id
            assert "cut short" in (source.notes or ""), source.id


def test_attributions_follow_what_each_source_says(dataset):
    figures, events = dataset.figures, dataset.events
    for pay in ("mokran-monthly-wage", "mokran-wage-confiscated"):
        assert figures[pay].attestation.basis == "outlet"
        assert "government" not in figures[pay].attestation.asserted_by
    assert "QA" not in figures["overseas-paycheck-range"].countries
    assert figures["overseas-paycheck-range"].event is None
    assert events["consulate-defection-requests-2016"].countries == ("KR",)
    rise = events["labour-exports-rise-since-2011"].attestation
    assert rise.basis == "outlet" and rise.asserted_by.startswith("The Guardian (Tanzania), in its own words")
    assert "before" not in events["mokran-earlier-defection"].title.casefold()
    for name in ("jilin-protest-workers", "jilin-protest-duration"):
        assert not figures[name].attestation.asserted_by.startswith("Koh"), name


def test_no_record_says_the_chosun_ilbo_reported_that_the_workers_knew(dataset):
    said = re.compile(r"(as does the Chosun Ilbo|KBS and the Chosun Ilbo[^.;]* say )")
    texts = [(e.id, e.summary) for e in dataset.events.values()]
    texts += [(e.id, ref.supports or "") for e in dataset.events.values() for ref in e.sources]
    assert [rid for rid, text in texts if said.search(text)] == []


def test_the_disagreements_the_outside_reports_raise_are_recorded(dataset):
    def sources_of(record) -> set[str]:
        return {c.source for d in record.discrepancies for c in d.claims}

    events, figures = dataset.events, dataset.figures
    assert events["hyesan-customs-interpreter-defection"].date.text == "2016-08-20~"
    assert "donga-cn-2016-10-13-interpreters" in sources_of(figures["hyesan-interpreter-age"])
    assert "kyodo-2009-12-23-amur" in sources_of(figures["overseas-group-defections-2016"])
    assert "sankei-2024-01-18-koh-report" in sources_of(events["koh-young-hwan-jilin-allegation"])
    assert "sankei-2024-01-18-koh-report" in sources_of(figures["jilin-protest-workers"])


def test_chu_kyong_chols_return_spans_every_account_and_no_more(dataset):
    event = dataset.events["chu-kyong-chol-repatriation"]
    assert (event.date.start, event.date.end) == (date(2017, 11, 7), date(2018, 11, 7))


def test_head_counts_the_reports_give(dataset):
    events, figures = dataset.events, dataset.figures
    assert events["thae-yong-ho-defection"].people == (4, 4, None)
    assert events["dandong-work-refusal-2024"].people == (24, None, "dozens")
    deaths = figures["jilin-manager-deaths"]
    assert (deaths.value, deaths.unit, deaths.event) == ((1, 1, None), "deaths", "jilin-managers-hostage")
    assert events["jilin-managers-hostage"].people is None  # no report says how many were held
