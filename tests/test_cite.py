"""cite --format bibtex, ris and csl-json: every entry parsed back by a reader of the format, at its real precision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nkwatch.citeformats import bibtex_entry, bibtex_escape, csl_item, ris_date, ris_entry
from nkwatch.dates import parse_edtf
from nkwatch.models import Source

CSL_SCHEMA = Path(__file__).parent / "schemas" / "csl-data.json"
EVERY_SOURCE = ("--since", "1000")  # a selection of every event, so every cited source


def source(**changes) -> Source:
    """A source record to cite, with the fields given changed."""
    fields = {"id": "x-2016", "publisher": "Daily NK", "title": "A title", "author": None,
              "published": parse_edtf("2016-08"), "url": "https://example.org/a?b=1&c=50%", "kind": "news",
              "language": "en"}
    return Source(**{**fields, **changes})


def cited_ids(dataset) -> list[str]:
    """The ids of every source the bundled events cite, in the order first cited."""
    ids = dict.fromkeys(ref.source for event in dataset.events.values() for ref in event.sources)
    return list(ids)


def test_csl_json_of_every_source_is_valid_against_the_csl_data_schema(nk, dataset):
    import jsonschema

    result = nk("cite", *EVERY_SOURCE, "--format", "csl-json")
    assert result.code == 0, result.err
    items = json.loads(result.out)
    jsonschema.validate(items, json.loads(CSL_SCHEMA.read_text(encoding="utf-8")))
    assert [item["id"] for item in items] == cited_ids(dataset)


def test_csl_json_keeps_a_month_a_month_and_marks_circa(nk):
    items = {item["id"]: item for item in json.loads(nk("cite", *EVERY_SOURCE, "-f", "csl-json").out)}
    assert items["dailynk-2021-05-loyalty-funds-hike"]["issued"] == {"date-parts": [[2021, 5]], "circa": True}
    assert items["dailynk-2016-10-mokran"]["issued"] == {"date-parts": [[2016, 10, 12], [2016, 10, 18]]}
    assert items["ofk-2016-10-18"]["author"] == [{"literal": "Joshua Stanton"}]
    assert items["ofk-2016-10-18"]["type"] == "post-weblog"
    assert items["ofk-2016-10-18"]["container-title"] == "One Free Korea"
    assert items["treasury-2017-01-11-hr-designations"]["type"] == "document"
    assert items["treasury-2017-01-11-hr-designations"]["publisher"] == "U.S. Department of the Treasury"


def test_csl_json_writes_date_parts_on_one_line_and_never_touches_text():
    from nkwatch.citeformats import write_csl_json

    text = write_csl_json([source(title="Report [ 1, 2 ]", published=parse_edtf("2016-08-25"))])
    assert '"date-parts": [\n        [2016, 8, 25]\n      ]' in text
    assert json.loads(text)[0]["title"] == "Report [ 1, 2 ]"


def test_a_list_of_names_is_several_authors_and_a_name_is_never_split():
    three = csl_item(source(author="Chung Yeong-gyo, Park Hyun-ju and Lim Jeong-won"))
    assert three["author"] == [{"literal": "Chung Yeong-gyo"}, {"literal": "Park Hyun-ju"},
                               {"literal": "Lim Jeong-won"}]
    assert csl_item(source(author="주성하 (Joo Sung-ha)"))["author"] == [{"literal": "주성하 (Joo Sung-ha)"}]


def test_bibtex_of_every_source_parses_back_with_its_keys_fields_and_dates(nk, dataset):
    import bibtexparser

    result = nk("cite", *EVERY_SOURCE, "--format", "bibtex")
    assert result.code == 0, result.err
    library = bibtexparser.parse_string(result.out)
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == cited_ids(dataset)
    entries = {entry.key: entry.fields_dict for entry in library.entries}
    loyalty = entries["dailynk-2021-05-loyalty-funds-hike"]
    assert (loyalty["date"].value, loyalty["year"].value, loyalty["month"].value) == ("2021-05~", "2021", "5")
    types = {entry.key: entry.entry_type for entry in library.entries}
    assert types["apjjf-2016-03-15-kaesong"] == "techreport"
    assert entries["apjjf-2016-03-15-kaesong"]["institution"].value == "The Asia-Pacific Journal: Japan Focus"
    assert types["ofk-2016-10-18"] == "online"
    assert entries["ofk-2016-10-18"]["author"].value == "{Joshua Stanton}"
    interval = entries["dailynk-2016-10-mokran"]
    assert interval["date"].value == "2016-10-12/2016-10-18" and interval["month"].value == "10"


def test_bibtex_escapes_every_special_character_and_a_latex_reader_gets_the_text_back():
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    title = r"Wages & 30% cuts: $5 #1 a_b {x} ~ ^ \ end"
    assert bibtex_escape(title) == (r"Wages \& 30\% cuts: \$5 \#1 a\_b \{x\} \textasciitilde{} "
                                    r"\textasciicircum{} \textbackslash{} end")
    entry = bibtex_entry(source(title=title, author="Kim & Lee", published=parse_edtf("2017-11/2018-11")))
    library = bibtexparser.parse_string(entry, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    fields = library.entries[0].fields_dict
    # pylatexenc reads \textasciicircum as U+02C6, the modifier letter; LaTeX prints it as ^
    assert fields["title"].value == title.replace("^", "\u02c6")
    assert "year" not in fields and "month" not in fields  # an interval over two years has neither
    raw = bibtexparser.parse_string(entry).entries[0].fields_dict
    assert raw["url"].value == "https://example.org/a?b=1&c=50%"  # verbatim, as biblatex reads a url


def test_ris_of_every_source_parses_back_with_rispy(nk, dataset):
    import rispy

    result = nk("cite", *EVERY_SOURCE, "--format", "ris")
    assert result.code == 0, result.err
    records = rispy.loads(result.out)
    assert [r["id"] for r in records] == cited_ids(dataset)
    by_id = {r["id"]: r for r in records}
    loyalty = by_id["dailynk-2021-05-loyalty-funds-hike"]
    assert loyalty["type_of_reference"] == "NEWS"
    assert loyalty["date"] == "2021/05//c. May 2021"
    assert loyalty["year"] == "2021"
    assert by_id["ofk-2016-10-18"]["authors"] == ["Joshua Stanton"]
    assert by_id["ofk-2016-10-18"]["type_of_reference"] == "BLOG"
    assert by_id["treasury-2017-01-11-hr-designations"]["type_of_reference"] == "GOVDOC"


def test_ris_dates_say_only_what_is_known():
    assert ris_date(parse_edtf("2016-04-10")) == "2016/04/10/"
    assert ris_date(parse_edtf("2016-10-12/2016-10-18")) == "2016/10//12–18 Oct 2016"
    assert ris_date(parse_edtf("2017-11/2018-11")) == "///Nov 2017 – Nov 2018"
    assert "PY  -" not in ris_entry(source(published=parse_edtf("2017-11/2018-11")))


def test_a_line_break_in_a_value_never_ends_an_ris_tag():
    text = ris_entry(source(title="Two\nlines"))
    assert "TI  - Two lines\n" in text


def test_one_event_cites_its_sources_once_each_in_every_format(nk):
    text = nk("cite", "ningpo-13-defection")
    bibtex = nk("cite", "ningpo-13-defection", "--format", "bibtex")
    assert text.code == bibtex.code == 0
    cited = {s["id"] for s in json.loads(nk("show", "ningpo-13-defection", "--json").out)["sources"]}
    assert bibtex.out.count("\n@") + 1 == len(text.out.splitlines()) == len(cited) >= 5


def test_the_sources_of_a_selection_are_each_cited_once(nk, dataset):
    import rispy

    records = rispy.loads(nk("cite", "--country", "russia", "--format", "ris").out)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)) > 5
    assert "themoscowtimes-2024-03-11-baek" in ids


@pytest.mark.parametrize(("args", "message"), [
    (["cite"], "nkwatch: give an event name (nkwatch cite ningpo) or filters (nkwatch cite --country russia)\n"),
    (["cite", "ningpo", "--country", "RU"], "nkwatch: give an event name or filters, not both\n"),
    (["cite", "ningpo", "--json", "--format", "ris"],
     "nkwatch: --json prints the text citations as JSON; leave it out with --format ris\n"),
])
def test_cite_usage_errors_say_what_to_give(nk, args, message):
    result = nk(*args)
    assert (result.code, result.out, result.err) == (2, "", message)


def test_a_selection_with_no_events_says_so(nk):
    result = nk("cite", "--text", "no such words anywhere", "--format", "bibtex")
    assert (result.code, result.out, result.err) == (0, "", "No events match these filters.\n")
