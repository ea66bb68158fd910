"""Full-text search: ranked, accent- and case-blind, Korean and word starts findable, filtered like timeline, and
the same answers with the index and without it."""

from __future__ import annotations

import pytest

from clirun import run
from nkwatch.cache import open_indexed
from nkwatch.cache.search import search_events
from nkwatch.loader import load_dataset
from nkwatch.query import resolve_filters


def _retitle(root, event: str, old: str, new: str) -> None:
    path = root / "events" / f"{event}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def ids(dataset, query: str, **given) -> list[str]:
    filters = resolve_filters(dataset, **given) if given else None
    return [event.id for event, _ in search_events(dataset, query, filters)]


@pytest.fixture(params=["index", "memory"])
def read(request):
    """Each test runs on the dataset through its index and read from the YAML alone."""
    return open_indexed if request.param == "index" else load_dataset


def test_a_match_in_the_title_ranks_above_one_in_the_summary(mini, read):
    _retitle(mini, "kim-defects", "summary: A fictional official defected.", "summary: A fictional strike call.")
    assert ids(read(mini), "strike") == ["yanji-strike", "kim-defects"]


def test_accents_and_case_do_not_matter_either_way(mini, read):
    _retitle(mini, "tomsk-walkout", "title: Acme crew walks out in Tomsk", "title: Acme crew walks out in Tómsk")
    dataset = read(mini)
    assert ids(dataset, "TOMSK") == ids(dataset, "tómsk") == ["tomsk-walkout"]


def test_a_word_start_finds_the_word(mini, read):
    assert ids(read(mini), "fiction strik") == ["yanji-strike"]
    assert ids(read(mini), "trike") == []


def test_korean_is_found_whole_and_by_its_start(read):
    dataset = read(None)
    found = ids(dataset, "백원순")
    assert found and found == ids(dataset, "백원")
    assert all("baek-won-soon" in {role.actor for role in dataset.events[event].actors} for event in found)


def test_filters_narrow_the_search_as_they_narrow_the_timeline(read):
    dataset = read(None)
    every = ids(dataset, "workers")
    russian = ids(dataset, "workers", country=["russia"], since="2016")
    assert russian and set(russian) < set(every)
    timeline = {event.id for event in dataset.events.candidates(None)
                if "RU" in event.countries and event.date.overlaps(resolve_filters(dataset, since="2016").since, None)}
    assert set(russian) <= timeline


def test_the_index_and_memory_rank_alike():
    indexed, loaded = open_indexed(None), load_dataset(None)
    for query in ("workers", "defection consulate", "ningpo", "wage", "백원순", "russia site"):
        assert ids(indexed, query) == ids(loaded, query), query


def test_the_search_command_takes_the_timeline_filters_and_a_limit(capsys):
    every = run(capsys, "search", "workers", "--limit", "0", "--json")
    russian = run(capsys, "search", "workers", "--country", "russia", "--limit", "3", "--json")
    assert every.code == russian.code == 0
    import json

    found = json.loads(russian.out)
    assert 0 < len(found) <= 3 and all("RU" in hit["countries"] for hit in found)
    assert [hit["id"] for hit in found] == [hit["id"] for hit in json.loads(every.out)
                                            if "RU" in hit.get("countries", ())][:3]


def test_a_snippet_starts_and_ends_at_word_boundaries():
    from nkwatch.render import snippet

    text = " ".join(f"word{number}" for number in range(100)) + " consulate " + " ".join(["tail"] * 60)
    cut = snippet(text, ["consulate"])
    assert cut.startswith("…word") and cut.endswith("tail…") and "consulate" in cut
    assert all(piece.startswith(("word", "consulate", "tail")) for piece in cut.strip("…").split())


def test_an_actor_renamed_after_the_index_was_built_is_found_by_its_new_name(mini):
    assert ids(open_indexed(mini), "zebracorp") == []
    path = mini / "actors" / "acme-works.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: ", "name: Zebracorp ", 1), encoding="utf-8")
    assert ids(open_indexed(mini), "zebracorp") == ids(load_dataset(mini), "zebracorp") == ["tomsk-walkout"]
