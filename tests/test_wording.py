"""Numbers a source gave only in words keep those words, and paraphrased claims never wear quotation marks."""

from __future__ import annotations

import csv
import io
import json

import pytest

from clirun import run
from nkwatch.models import Range
from nkwatch.serialize import value_text

VAGUE_FIGURE = """\
id: yanji-crowd
measure: Workers at the Yanji strike
value: {min: 24, wording: dozens}
unit: workers
as_of: "2016"
countries: [CN]
attestation: {basis: outlet, asserted_by: Alpha News, outlets: [Alpha News]}
sources:
  - {source: alpha-news}
discrepancies:
  - about: count
    claims:
      - {source: alpha-news, says: dozens of workers, quoted: true}
      - {source: beta-blog, says: about thirty workers}
    resolution: Kept the words.
"""


@pytest.fixture
def nk(capsys, mini):
    """The mini dataset with one figure given only in words."""
    (mini / "figures" / "yanji-crowd.yaml").write_text(VAGUE_FIGURE, encoding="utf-8")
    return lambda *args: run(capsys, "--data", str(mini), *args)


def test_json_keeps_the_wording_and_leaves_the_upper_bound_open(nk):
    facts = json.loads(nk("facts", "yanji", "--json").out)
    assert facts[0]["value"] == {"min": 24, "max": None, "wording": "dozens"}
    assert facts[0]["discrepancies"][0]["claims"] == [
        {"source": "alpha-news", "says": "dozens of workers", "quoted": True},
        {"source": "beta-blog", "says": "about thirty workers", "quoted": False}]


def test_facts_shows_the_words_and_marks_the_number_as_a_reading(nk, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    out = nk("facts", "yanji").out
    assert "“dozens” (read as at least 24)" in " ".join(out.split())


def test_csv_carries_the_wording_and_quotes_only_the_sources_own_words(nk):
    rows = list(csv.DictReader(io.StringIO(nk("export", "--figures", "-f", "csv").out, newline="")))
    row = next(r for r in rows if r["id"] == "yanji-crowd")
    assert (row["value_min"], row["value_max"], row["value_wording"]) == ("24", "", "dozens")
    assert row["discrepancies"] == ("count: alpha-news says “dozens of workers”; beta-blog: about thirty workers"
                                    " → Kept the words.")


def test_max_is_required_when_there_is_no_wording(nk, mini):
    (mini / "figures" / "yanji-crowd.yaml").write_text(
        VAGUE_FIGURE.replace("{min: 24, wording: dozens}", "{min: 24}"), encoding="utf-8")
    result = nk("validate")
    assert result.code == 1
    assert "yanji-crowd.yaml:3:1: yanji-crowd value: give max, or the source's own words for a number it never gave" \
        " (wording)\n" in result.err


@pytest.mark.parametrize(("value", "qualifier", "shown"), [
    (Range(24, None, "dozens"), None, "“dozens” (read as at least 24)"),
    (Range(40, 40, "some 40"), None, "“some 40” (read as 40)"),
    (Range(40, None, "at least 40"), None, "“at least 40”"),
    (Range(20, 29, "in his 20s"), None, "“in his 20s” (read as 20–29)"),
    (Range(200_000_000, None, "hundreds of millions"), "at-least",
     "“hundreds of millions” (read as at least 200,000,000)"),
    (Range(3000, 3000), "about", "about 3,000"),
])
def test_a_value_in_words_shows_the_words_then_our_reading_only_when_it_adds_something(value, qualifier, shown):
    assert value_text(value, qualifier) == shown
