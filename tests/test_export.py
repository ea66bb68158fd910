"""`nkwatch export`: every format parsed back with a real parser and compared with the selection; hostile text;
the -o file (atomic, --force, format from the extension); empty selections."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from exporthelp import HOSTILE_SUMMARY, HOSTILE_TITLES, HOSTILE_URL, PARSERS, hostile_dataset, html_events

from clirun import run
from conftest import MINI
from nkwatch.cli.export_commands import ExportFormat
from nkwatch.errors import UsageError
from nkwatch.export import DATABASE_WRITERS, EXTENSIONS, FIGURE_WRITERS, FORMATS, WRITERS, format_from_extension
from nkwatch.export.csv import EVENT_COLUMNS, FORMULA_STARTS, csv_line, discrepancies_cell
from nkwatch.export.files import atomic_text_file
from nkwatch.export.ics import fold

MINI_TITLES = ["Kim Test-ho defects", "Acme crew walks out in Tomsk", "Workers strike in Yanji", "A helper is held"]


@pytest.fixture
def nk(capsys, mini):
    """Run nkwatch against the mini dataset."""
    return lambda *args: run(capsys, "--data", str(mini), *args)


@pytest.fixture
def hostile(capsys, tmp_path):
    """Run nkwatch against the mini dataset plus events with hostile titles."""
    root = hostile_dataset(tmp_path)
    return lambda *args: run(capsys, "--data", str(root), *args)


@pytest.fixture
def out(tmp_path):
    """An empty folder for output files."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_every_format_is_wired():
    assert tuple(WRITERS) == FORMATS
    assert tuple(member.value for member in ExportFormat) == FORMATS + tuple(DATABASE_WRITERS)  # tested apart
    assert set(PARSERS) == set(FORMATS), "a new format needs a parser in tests/exporthelp.py"
    assert set(FIGURE_WRITERS) <= set(FORMATS)
    assert {name for _, name in EXTENSIONS} == set(FORMATS)


@pytest.mark.parametrize("name", FORMATS)
def test_every_writer_takes_the_description_of_its_selection(name, made):
    from nkwatch.export import writer_for
    from nkwatch.export.about import describe
    from nkwatch.loader import load_dataset
    from nkwatch.query import Filters, iter_events

    dataset = load_dataset(MINI)
    filters = Filters(countries=("CN",))
    written = io.StringIO()
    assert writer_for(name)(dataset, iter_events(dataset, filters), written, about=describe(dataset, filters)) == 1
    assert PARSERS[name](written.getvalue()) == ["Workers strike in Yanji"]
    if name in ("markdown", "html", "timelinejs", "geojson"):
        assert "North Korean workers abroad: China" in written.getvalue()
        assert "2 December 2025" in written.getvalue()


@pytest.mark.parametrize("name", FORMATS)
def test_each_format_parses_back_to_the_selection(nk, name):
    everything = nk("export", "--format", name)
    assert (everything.code, everything.err) == (0, "")
    assert PARSERS[name](everything.out) == MINI_TITLES
    russia = nk("export", "--format", name, "--country", "russia")
    assert PARSERS[name](russia.out) == ["Acme crew walks out in Tomsk", "A helper is held"]


@pytest.mark.parametrize("name", FORMATS)
def test_empty_selection_gives_a_valid_empty_file_and_a_note(nk, name):
    result = nk("export", "--format", name, "--text", "no such words anywhere")
    assert result.code == 0
    assert result.err == f"nkwatch: no events match these filters; wrote an empty {name} file\n"
    assert PARSERS[name](result.out) == []


@pytest.mark.parametrize("name", FORMATS)
def test_the_same_filters_select_what_timeline_shows(nk, name):
    filters = ["--theme", "defection", "--since", "2016-08"]
    shown = [e["title"] for e in json.loads(nk("timeline", *filters, "--json").out)]
    assert shown == ["Acme crew walks out in Tomsk"]
    assert PARSERS[name](nk("export", "-f", name, *filters).out) == shown


# CSV


def test_csv_columns_and_one_row_exactly(nk):
    result = nk("export", "--format", "csv", "--text", "tomsk")
    assert result.out.startswith(",".join(EVENT_COLUMNS) + "\r\n")
    rows = list(csv.reader(io.StringIO(result.out, newline="")))
    assert rows == [list(EVENT_COLUMNS), [
        "tomsk-walkout", "Acme crew walks out in Tomsk", "2016-08-21/2016-08-31", "2016-08-21", "2016-08-31",
        "Late August.", "RU", "Tomsk", "Acme Works", "defection", "6", "10", "", "A fictional crew left its site.",
        "Alpha News, A fictional report for tests, 2016-10-18, https://example.org/alpha",
        "anonymous", "a source", "Alpha News", "yanji-strike", "people: alpha-news: six to ten → Kept the range."]]


def test_csv_open_date_and_missing_values_are_empty_cells(nk):
    rows = list(csv.DictReader(io.StringIO(nk("export", "-f", "csv", "--text", "helper").out, newline="")))
    assert [(r["start"], r["end"], r["people_min"], r["places"], r["sources"]) for r in rows] == [
        ("", "2024-03-11", "", "", "Beta Blog, A second fictional report, 2024-03")]


def test_csv_neutralises_formulas_in_hostile_titles(hostile):
    rows = list(csv.DictReader(io.StringIO(hostile("export", "-f", "csv", "--source", "evil-press").out, newline="")))
    titles = {row["id"]: row["title"] for row in rows}
    assert titles["hostile-formula"] == "'" + HOSTILE_TITLES["hostile-formula"]
    assert titles["hostile-plus"] == "'+1"
    assert titles["hostile-fullwidth"] == "'＝1"
    assert titles["hostile-script"] == "<script>alert(1)</script>"
    assert titles["hostile-markup"] == "[bold]x[/]"
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row.values())


def test_csv_raw_writes_cells_as_they_are(hostile):
    rows = csv.DictReader(io.StringIO(hostile("export", "-f", "csv", "--raw", "--text", "hyperlink").out, newline=""))
    assert [row["title"] for row in rows] == ['=HYPERLINK("http://x")']


@pytest.mark.parametrize("cell", ["=1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "＝1", "＋1", "－1", "＠x"])
def test_a_csv_line_prefixes_every_formula_start(cell):
    assert next(csv.reader([csv_line([cell, "b"])])) == ["'" + cell, "b"]
    assert next(csv.reader([csv_line([cell, "b"], raw=True)])) == [cell, "b"]


@pytest.mark.parametrize("cell", ["a=1", "1+1", " =1", "'=1", "", 5, -5])
def test_a_csv_line_leaves_other_cells_alone(cell):
    assert next(csv.reader([csv_line([cell, "b"])])) == [str(cell), "b"]


@pytest.mark.parametrize(("cells", "line"), [
    (["a; b", "c\td", "e,f", 'g"h', "i\nj", "plain"], '"a; b","c\td","e,f","g""h","i\nj",plain\r\n'),
    (["\t=1+1", "Ā;"], '"\'\t=1+1","Ā;"\r\n'),
])
def test_a_csv_line_quotes_every_cell_holding_a_separator_a_spreadsheet_may_guess(cells, line):
    assert csv_line(cells) == line


def test_csv_excel_starts_with_a_byte_order_mark(nk, out):
    target = out / "ru.csv"
    assert nk("export", "--excel", "--country", "RU", "-o", str(target)).code == 0
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,title,")
    assert [r["id"] for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))] == [
        "tomsk-walkout", "open-ended-arrest"]


def test_figures_as_csv_and_json(nk):
    rows = list(csv.DictReader(io.StringIO(nk("export", "-f", "csv", "--figures").out, newline="")))
    columns = ("id", "value_min", "unit", "as_of", "event", "basis", "asserted_by")
    assert [tuple(r[c] for c in columns) for r in rows] == [
        ("tomsk-wage", "980", "USD per month", "2016", "tomsk-walkout", "anonymous", "a source")]
    assert json.loads(nk("export", "-f", "json", "--figures").out) == json.loads(nk("facts", "--json").out)


@pytest.mark.parametrize(("args", "message"), [
    (["-f", "ics", "--figures"], "--figures works with csv, json, ndjson, not ics"),
    (["-f", "json", "--excel"], "--excel applies to csv only, not json"),
    (["-f", "html", "--raw"], "--raw applies to csv only, not html"),
    ([], "give --format (csv, json, ndjson, markdown, ics, geojson, timelinejs, html) or an -o file whose "
         "extension names one"),
    (["-f", "csv", "--country", "atlantis"], "unknown country 'atlantis'"),
])
def test_bad_options_are_usage_errors(nk, args, message):
    result = nk("export", *args)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"nkwatch: {message}")
    assert len(result.err.splitlines()) == 1


# JSON and NDJSON


def test_json_is_byte_for_byte_what_timeline_json_prints(nk):
    assert nk("export", "-f", "json").out == nk("timeline", "--json").out
    assert nk("export", "-f", "json", "--text", "nothing at all").out == "[]\n"


def test_ndjson_lines_are_the_json_objects(nk):
    lines = nk("export", "-f", "ndjson").out.split("\n")
    assert lines[-1] == "" and len(lines) == 5
    assert [json.loads(line) for line in lines[:-1]] == json.loads(nk("export", "-f", "json").out)


# iCalendar


def test_ics_all_day_events_with_exclusive_ends(nk):
    import icalendar

    raw = nk("export", "-f", "ics").out
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")}
    spans = {uid: (e["DTSTART"].dt, e["DTEND"].dt) for uid, e in events.items()}
    assert spans == {
        "kim-defects@nkwatch": (date(2016, 4, 7), date(2016, 4, 8)),
        "tomsk-walkout@nkwatch": (date(2016, 8, 21), date(2016, 9, 1)),
        "yanji-strike@nkwatch": (date(2024, 1, 1), date(2024, 2, 1)),
        "open-ended-arrest@nkwatch": (date(2024, 3, 11), date(2024, 3, 12)),
    }
    assert "DTSTART;VALUE=DATE:20160821\r\n" in raw
    assert events["tomsk-walkout@nkwatch"]["DTSTAMP"].to_ical() == b"20161018T000000Z"
    assert events["tomsk-walkout@nkwatch"]["LOCATION"] == "Tomsk"
    assert events["tomsk-walkout@nkwatch"]["GEO"].to_ical() == "56.5;84.97"


OPEN_EVENTS = {"exports-grow": "2011-12/..", "held-by-month": "../2016-10", "began-on-a-day": "2022-02-24/..",
               "by-a-year": "../2017"}


def test_ics_open_dates_span_the_part_known_and_say_from_or_by(tmp_path, capsys):
    import icalendar

    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    for event_id, when in OPEN_EVENTS.items():
        (root / "events" / f"{event_id}.yaml").write_text(
            f"id: {event_id}\ntitle: Open {event_id}\ndate: \"{when}\"\ncountries: [RU]\nthemes: [arrest]\n"
            "summary: A fictional open date.\nsources:\n  - {source: beta-blog}\n"
            "attestation: {basis: outlet, asserted_by: Beta Blog}\n", encoding="utf-8")
    raw = run(capsys, "--data", str(root), "export", "-f", "ics", "--text", "a fictional open date").out
    events = {str(e["UID"]).removesuffix("@nkwatch"): e for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")}
    assert {uid: (str(e["SUMMARY"]), e["DTSTART"].dt, e["DTEND"].dt) for uid, e in events.items()} == {
        "exports-grow": ("Open exports-grow (from December 2011)", date(2011, 12, 1), date(2012, 1, 1)),
        "held-by-month": ("Open held-by-month (by October 2016)", date(2016, 10, 1), date(2016, 11, 1)),
        "began-on-a-day": ("Open began-on-a-day (from 24 February 2022)", date(2022, 2, 24), date(2022, 2, 25)),
        "by-a-year": ("Open by-a-year (by 2017)", date(2017, 1, 1), date(2018, 1, 1)),
    }
    assert str(events["exports-grow"]["DESCRIPTION"]).startswith(
        "When: from Dec 2011\nThe sources give when it began, not when it ended; the calendar shows the month it "
        "began.\n\nA fictional open date.")
    assert "the calendar shows that year." in str(events["by-a-year"]["DESCRIPTION"])


def test_ics_closed_dates_keep_their_plain_titles(nk):
    import icalendar

    events = icalendar.Calendar.from_ical(nk("export", "-f", "ics").out).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [*MINI_TITLES[:3], "A helper is held (by 11 March 2024)"]


def test_ics_lines_end_in_crlf_fold_at_75_octets_and_do_not_depend_on_the_clock(hostile):
    raw = hostile("export", "-f", "ics").out
    assert raw.endswith("END:VCALENDAR\r\n") and "\n" not in raw.replace("\r\n", "")
    lines = raw.encode("utf-8").split(b"\r\n")
    assert max(len(line) for line in lines) == 75  # the long Korean summary is folded, to the octet
    for line in lines:
        line.decode("utf-8")  # a character split between two lines would not decode
    assert hostile("export", "-f", "ics").out == raw


def test_ics_text_escaping_round_trips(hostile):
    import icalendar

    raw = hostile("export", "-f", "ics", "--source", "evil-press")
    events = icalendar.Calendar.from_ical(raw.out).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == list(HOSTILE_TITLES.values())
    assert HOSTILE_SUMMARY in str(events[0]["DESCRIPTION"]).replace("\n", " ")
    assert "a | b & c\\, d\\; e\\\\f" in raw.out.replace("\r\n ", "")


def test_fold_keeps_short_lines_and_splits_long_ones():
    assert fold("SUMMARY:x") == "SUMMARY:x\r\n"
    folded = fold("X:" + "가" * 40)
    assert [len(line.encode()) for line in folded.split("\r\n")[:-1]] == [74, 49]
    assert folded.replace("\r\n ", "") == "X:" + "가" * 40 + "\r\n"


# GeoJSON


def test_geojson_puts_every_event_on_the_map_lon_first(nk):
    collection = json.loads(nk("export", "-f", "geojson").out)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert [f["type"] for f in features] == ["Feature"] * 4
    assert {f["id"]: (f["geometry"], f["properties"]["precision"], f["properties"]["point_names"])
            for f in features} == {
        "kim-defects": ({"type": "MultiPoint", "coordinates": [[-2, 54], [127.5, 37]]}, "country",
                        ["United Kingdom", "South Korea"]),
        "tomsk-walkout": ({"type": "Point", "coordinates": [84.97, 56.5]}, "place", ["Tomsk"]),
        "yanji-strike": ({"type": "Point", "coordinates": [129.5, 42.9]}, "place", ["Yanji"]),
        "open-ended-arrest": ({"type": "Point", "coordinates": [100, 60]}, "country", ["Russia"])}
    exported = [{k: v for k, v in f["properties"].items() if k not in ("precision", "point_names")} for f in features]
    assert exported == json.loads(nk("export", "-f", "json").out)


def test_geojson_names_its_selection_in_a_foreign_member(nk, made):
    about = json.loads(nk("export", "-f", "geojson", "--country", "china").out)["nkwatch"]
    assert about == {
        "title": "North Korean workers abroad: China", "selection": "events concerning China",
        "filters": [{"name": "Countries", "value": "China"}], "made": "2025-12-02", "made_text": "2 December 2025",
        "made_line": "Made on 2 December 2025 (UTC) with nkwatch 0.1.0 from the dataset in folder mini (4 events, 2 "
                     "sources).", "dataset": "the dataset in folder mini (4 events, 2 sources)"}


def positions(geometry: dict) -> list[list[float]]:
    """Every [lon, lat] of a Point or MultiPoint."""
    return [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]


def test_geojson_of_the_bundled_data_draws_every_event_at_all_its_places(capsys):
    from nkwatch.cache import open_dataset

    dataset = open_dataset(None)
    features = json.loads(run(capsys, "export", "-f", "geojson").out)["features"]
    assert len(features) == len(dataset.events)
    for feature in features:
        event, geometry, properties = dataset.events[feature["id"]], feature["geometry"], feature["properties"]
        assert event.countries and geometry is not None, f"{event.id} has countries but no geometry"
        assert geometry["type"] in ("Point", "MultiPoint")
        located = [dataset.places[p] for p in event.places if dataset.places[p].lat is not None]
        if located:
            assert properties["precision"] == "place"
            assert positions(geometry) == [[p.lon, p.lat] for p in located]
        else:
            assert properties["precision"] == "country"
            assert len(positions(geometry)) == len(event.countries)
        assert len(properties["point_names"]) == len(positions(geometry))
        for lon, lat in positions(geometry):
            assert -180 <= lon <= 180 and -90 <= lat <= 90
    with_geometry = [f for f in features if f["geometry"]]
    assert len(with_geometry) >= 0.9 * len(features)
    several = {f["id"]: f["properties"]["point_names"] for f in features if f["properties"]["precision"] == "place"
               and f["geometry"]["type"] == "MultiPoint"}
    assert several["baek-won-soon-transferred-moscow"] == ["Vladivostok", "Moscow"]
    assert several["thae-yong-ho-defection"] == ["London", "Seoul"]


def test_every_country_point_is_a_country_code_inside_the_globe():
    from nkwatch.countries import all_codes
    from nkwatch.export.geojson import country_points

    points = country_points()
    assert set(points) <= set(all_codes()) and len(points) >= 240
    assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in points.values())
    assert points["KP"] == [127, 40] and points["RU"] == [100, 60]


def test_an_event_in_a_country_without_a_point_has_no_geometry_and_no_precision(tmp_path, capsys):
    import shutil

    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    arrest = root / "events" / "open-ended-arrest.yaml"
    arrest.write_text(arrest.read_text().replace("countries: [RU]", "countries: [AX]"))
    features = json.loads(run(capsys, "--data", str(root), "export", "-f", "geojson", "--text", "helper").out)
    assert [(f["geometry"], f["properties"]["precision"], f["properties"]["point_names"]) for f in features[
        "features"]] == [(None, None, [])]


# TimelineJS


def test_timelinejs_dates_to_the_precision_known(nk):
    slides = {s["unique_id"]: s for s in json.loads(nk("export", "-f", "timelinejs").out)["events"]}
    assert slides["tomsk-walkout"]["start_date"] == {"year": 2016, "month": 8, "day": 21}
    assert slides["tomsk-walkout"]["end_date"] == {"year": 2016, "month": 8, "day": 31}
    assert slides["yanji-strike"]["start_date"] == {"year": 2024, "month": 1}
    assert "end_date" not in slides["yanji-strike"] and "end_date" not in slides["open-ended-arrest"]
    assert slides["open-ended-arrest"]["start_date"] == {"year": 2024, "month": 3, "day": 11}
    assert slides["yanji-strike"]["display_date"] == "c. Jan 2024"
    assert not any("group" in s for s in slides.values()), "a row per group crowds the timeline"


def test_timelinejs_opens_with_a_title_slide_naming_the_selection(nk, made):
    document = json.loads(nk("export", "-f", "timelinejs", "--theme", "defection").out)
    assert document["title"] == {"text": {
        "headline": "North Korean workers abroad: defection",
        "text": "<p>Events tagged defection.</p><p>Made on 2 December 2025 (UTC) with nkwatch 0.1.0 from the dataset "
                "in folder mini (4 events, 2 sources).</p><p>Dates are no more precise than the sources allow; each "
                "slide cites its sources.</p>"}}
    assert json.loads(nk("export", "-f", "timelinejs", "--text", "nothing at all").out)["events"] == []


def test_timelinejs_slides_say_who_says_so_and_where_sources_disagree(nk):
    slides = {s["unique_id"]: s for s in json.loads(nk("export", "-f", "timelinejs").out)["events"]}
    assert slides["tomsk-walkout"]["text"]["text"] == (
        "<p>A fictional crew left its site.</p><p><b>People:</b> 6–10</p><p><b>Who says so:</b> a source (via Alpha "
        "News)</p><p><b>Where sources disagree:</b></p><ul><li>people: Alpha News: six to ten. Kept the range.</li>"
        "</ul><p>Sources:</p><ul><li><a href=\"https://example.org/alpha\" rel=\"noopener noreferrer\">Alpha News, "
        "“A fictional report for tests” (18 October 2016)</a></li></ul>")


class TagCollector(HTMLParser):
    """Collects the tags and attributes of an HTML fragment."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_timelinejs_text_is_escaped_html(hostile):
    slides = json.loads(hostile("export", "-f", "timelinejs", "--source", "evil-press").out)["events"]
    assert [s["text"]["headline"] for s in slides] == [html.escape(t) for t in HOSTILE_TITLES.values()]
    parser = TagCollector()
    for slide in slides:
        parser.feed(slide["text"]["headline"] + slide["text"]["text"])
    assert {tag for tag, _ in parser.tags} == {"p", "ul", "li", "a", "b"}
    assert {attrs["href"] for tag, attrs in parser.tags if tag == "a"} == {HOSTILE_URL}


# Markdown


GOLDEN = Path(__file__).parent / "golden"
MADE = "1764633600"  # 2 December 2025, 00:00 UTC


@pytest.fixture
def made(monkeypatch):
    """Fix the day exports say they were made."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", MADE)


def test_markdown_report_is_the_golden_text(nk, made):
    """The whole report on the mini dataset. After a deliberate change, regenerate it with
    ``SOURCE_DATE_EPOCH=1764633600 nkwatch --data tests/fixtures/mini export -f markdown --since 2016``."""
    assert nk("export", "-f", "markdown", "--since", "2016").out == (GOLDEN / "markdown-mini.md").read_text("utf-8")


def test_markdown_title_names_the_selection_and_the_day_made(nk, made):
    lines = nk("export", "-f", "markdown", "--country", "russia", "--theme", "arrest").out.split("\n")
    assert lines[:5] == [
        "# North Korean workers abroad: Russia, arrest", "",
        "Made on 2 December 2025 (UTC) with nkwatch 0.1.0 from the dataset in folder mini (4 events, 2 sources).", "",
        "Selection: events concerning Russia, tagged arrest. Events are in date order, dated no more precisely than "
        "the sources allow; numbers in brackets are the sources, listed at the end."]


def test_markdown_from_the_bundled_dataset_says_so_and_shows_every_disagreement(capsys, made):
    from nkwatch.cache import open_dataset
    from nkwatch.query import Filters, select_events

    out = run(capsys, "export", "-f", "markdown", "--country", "russia").out
    assert out.startswith("# North Korean workers abroad: Russia\n\nMade on 2 December 2025 (UTC) with nkwatch "
                          "0.1.0 from the dataset bundled with nkwatch 0.1.0 (")
    events = select_events(open_dataset(None), Filters(countries=("RU",)))
    assert out.count("\n### ") == len(events) >= 20
    assert out.count("- **Who says so:** ") == len(events)
    disagreements = sum(len(e.discrepancies) for e in events)
    assert out.count("- **Where sources disagree** on ") == disagreements >= 10
    dates = [line for line in out.split("\n") if line.startswith("**")]
    assert len(dates) == len(events)
    assert [line for line in dates if re.search(r"\d{4}-\d{2}|[/~?]|\.\.", line)] == [], "a date left in EDTF"
    assert not re.search(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b", "".join(dates))


def rendered(text: str) -> str:
    """Markdown rendered as HTML by a CommonMark renderer."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").render(text)


class Elements(HTMLParser):
    """The text of each element of an HTML fragment, by tag, and every tag with its attributes."""

    def __init__(self, fragment: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.texts: dict[str, list[str]] = {}
        self.open: list[str] = []
        self.feed(fragment)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.open.append(tag)
        self.texts.setdefault(tag, []).append("")

    def handle_endtag(self, tag):
        if tag in self.open:
            self.open.remove(tag)

    def handle_data(self, data):
        for tag in set(self.open):
            self.texts[tag][-1] += data


def test_markdown_renders_as_headings_lists_and_links(nk, made):
    page = Elements(rendered(nk("export", "-f", "markdown", "--since", "2016").out))
    assert page.texts["h1"] == ["North Korean workers abroad: from 2016"]
    assert page.texts["h2"] == ["2016", "2024", "Sources"]
    assert page.texts["h3"] == MINI_TITLES
    assert {tag for tag, _ in page.tags} == {"h1", "h2", "h3", "p", "strong", "ul", "li", "ol", "a"}
    assert [attrs["href"] for tag, attrs in page.tags if tag == "a"] == ["https://example.org/alpha"]
    sources = page.texts["ol"][0].strip().split("\n")
    assert sources == ["Alpha News, “A fictional report for tests”, by Test Author, published 18 October 2016. "
                       "https://example.org/alpha", "Beta Blog, “A second fictional report”, published March 2024."]
    items = page.texts["li"]
    assert "Sources: [1] (the head count)" in items
    assert "Where sources disagree on people: Alpha News [1]: six to ten. Resolution: Kept the range." in items
    text = "".join(page.texts["p"] + items)
    assert not set("*_`<>") & set(text) and "[^" not in text and "\\" not in text


def unescaped_markup(text: str) -> list[str]:
    """Characters Markdown would read as markup that are not backslash-escaped."""
    return [c for i, c in enumerate(text) if c in "<>|[]*_`~&!" and (i == 0 or text[i - 1] != "\\")]


def test_markdown_escapes_markup_pipes_and_html(hostile):
    out = hostile("export", "-f", "markdown", "--source", "evil-press").out
    assert "### \\[bold\\]x\\[/\\]\n" in out
    assert "### \\<script\\>alert(1)\\</script\\>\n" in out
    assert "\\<\\!-- a \\| b \\& c, d; e\\\\f # \\[link\\](http://evil) \\*star\\*" in out
    # Take away the markup the export itself writes; what is left is data, and none of it may read as markup.
    data = re.sub(r"^(#+ |- \*\*[A-Za-z ]+:?\*\*:? ?|\*\*|\d+\. )", "", out, flags=re.MULTILINE)
    data = re.sub(r"\*\*( · |$)", r"\1", data, flags=re.MULTILINE)
    data = re.sub(r" <https://[^ >]+>$", "", data, flags=re.MULTILINE)
    assert unescaped_markup(data) == []


def test_hostile_markdown_renders_as_the_characters_it_is(hostile):
    page = Elements(rendered(hostile("export", "-f", "markdown", "--source", "evil-press").out))
    assert page.texts["h3"] == list(HOSTILE_TITLES.values())
    assert {tag for tag, _ in page.tags} <= {"h1", "h2", "h3", "p", "strong", "ul", "li", "ol", "a"}
    assert all(attrs["href"].startswith("https://") for tag, attrs in page.tags if tag == "a")
    assert page.texts["h1"] == ["North Korean workers abroad: as told by Evil | Press <b>"]
    assert HOSTILE_SUMMARY in page.texts["p"][3]


# HTML


def test_html_data_cannot_close_its_script_block(hostile):
    page = hostile("export", "-f", "html").out
    assert page.count("<script") == 3 and page.count("</script>") == 3
    events = html_events(page)
    assert [e["title"] for e in events][1:7] == list(HOSTILE_TITLES.values())
    assert events == json.loads(hostile("export", "-f", "json").out)
    block = page.split('id="nk-events">')[1].split("</script>")[0]
    assert not set("<>&") & set(block) and "\\u003c/script\\u003e" in block


def test_html_header_names_the_selection_escaped_and_in_one_pass(mini, capsys, made):
    alpha = mini / "sources" / "alpha-news.yaml"
    alpha.write_text(alpha.read_text().replace("publisher: Alpha News", "publisher: <i>@@MADE@@</i>"))
    page = run(capsys, "--data", str(mini), "export", "-f", "html", "--source", "alpha-news").out
    title = "North Korean workers abroad: as told by &lt;i&gt;@@MADE@@&lt;/i&gt;"
    assert f"<title>{title}</title>" in page and f'<h1 id="title">{title}</h1>' in page
    assert ('<p class="sub" id="made">Made on 2 December 2025 (UTC) with nkwatch 0.1.0 from the dataset in folder '
            "mini (4 events, 2 sources).</p>") in page
    assert "Selection: events citing &lt;i&gt;@@MADE@@&lt;/i&gt; (“A fictional report for tests”)." in page


def test_html_is_self_contained_and_locked_down(nk):
    page = nk("export", "-f", "html").out
    head = page.split("<body>")[0]
    policy = head.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
    assert policy.startswith("default-src 'none'; style-src 'sha256-") and "unsafe" not in policy
    template = page.split('id="nk-events">')[0] + page.split('id="nk-meta">')[1]
    for reference in ("src=", "<link", "@import", "url(", "http://", "https://", "innerHTML", "eval("):
        assert reference not in template, reference


# The -o file


def test_output_file_takes_its_format_from_the_extension(nk, out):
    for suffix, name in EXTENSIONS:
        target = out / f"out{suffix}"
        result = nk("export", "-o", str(target))
        assert (result.code, result.out) == (0, "")
        assert result.err == f"nkwatch: wrote 4 events as {name} to {target}\n"
        assert PARSERS[name](target.read_text(encoding="utf-8")) == MINI_TITLES
        assert format_from_extension(target) == name


def test_output_refuses_to_replace_a_file_without_force(nk, out):
    target = out / "ru.csv"
    target.write_text("keep me\n")
    result = nk("export", "-o", str(target))
    assert (result.code, result.out, result.err) == (2, "", f"nkwatch: {target} exists; add --force to replace it\n")
    assert target.read_text() == "keep me\n"
    assert nk("export", "-o", str(target), "--force").code == 0
    assert csv_ids(target.read_text()) == ["kim-defects", "tomsk-walkout", "yanji-strike", "open-ended-arrest"]
    assert os.listdir(out) == ["ru.csv"]


def csv_ids(text: str) -> list[str]:
    return [row["id"] for row in csv.DictReader(io.StringIO(text, newline=""))]


def test_an_interrupted_export_leaves_the_old_file_and_no_temporary_file(nk, out, monkeypatch):
    import nkwatch.export as export

    def interrupted(dataset, events, stream, **options):
        stream.write("half a file")
        raise KeyboardInterrupt

    monkeypatch.setitem(export.WRITERS, "csv", interrupted)
    target = out / "ru.csv"
    target.write_text("old\n")
    assert nk("export", "-o", str(target), "--force").code == 130
    assert target.read_text() == "old\n"
    assert os.listdir(out) == ["ru.csv"]


def test_the_file_is_synced_to_disk_before_it_gets_its_name(out, monkeypatch):
    import nkwatch.atomic as files

    calls = []
    real_fsync, real_link = os.fsync, os.link
    monkeypatch.setattr(files.os, "fsync", lambda fd: (calls.append(("fsync", os.readlink(f"/proc/self/fd/{fd}"))),
                                                         real_fsync(fd)))
    monkeypatch.setattr(files.os, "link", lambda src, dst: (calls.append(("link", str(src))), real_link(src, dst)))
    with atomic_text_file(out / "ru.csv") as stream:
        stream.write("x\n")
    temp = calls[0][1]
    assert calls == [("fsync", temp), ("link", temp), ("fsync", str(out))]
    assert temp.startswith(str(out / ".ru.csv."))


def test_a_file_that_appears_while_exporting_is_not_replaced_without_force(out):
    target = out / "ru.csv"
    with pytest.raises(UsageError, match="exists; add --force to replace it"), atomic_text_file(target) as stream:
        stream.write("mine\n")
        target.write_text("someone else's\n")
    assert target.read_text() == "someone else's\n"
    assert os.listdir(out) == ["ru.csv"]


@pytest.mark.parametrize(("name", "message"), [
    ("notes.txt", "cannot tell the format from '{target}'; give --format"),
    ("missing/ru.csv", "cannot write {target}: the folder {parent} does not exist"),
])
def test_output_path_problems_are_usage_errors(nk, out, name, message):
    target = out / name
    result = nk("export", "-o", str(target))
    assert result.code == 2
    assert result.err.startswith("nkwatch: " + message.format(target=target, parent=target.parent))
    assert os.listdir(out) == []


def test_format_option_wins_over_the_extension(nk, out):
    target = out / "events.txt"
    assert nk("export", "-f", "ndjson", "-o", str(target)).code == 0
    assert len(target.read_text().splitlines()) == 4


def test_csv_rows_hold_the_same_values_as_the_json_objects_on_the_real_dataset(capsys):
    """The CSV writer builds rows from the records directly; they must agree with the documented JSON shape."""
    from clirun import run

    objects = json.loads(run(capsys, "export", "-f", "json").out)
    rows = list(csv.DictReader(io.StringIO(run(capsys, "export", "-f", "csv", "--raw").out, newline="")))
    assert len(rows) == len(objects) >= 45
    for row, data in zip(rows, objects, strict=True):
        people = data["people"] or {}
        assert row == {
            "id": data["id"], "title": data["title"], "date": data["date"], "start": data["start"] or "",
            "end": data["end"] or "", "date_note": data["date_note"] or "", "countries": "; ".join(data["countries"]),
            "places": "; ".join(p["name"] for p in data["places"]),
            "actors": "; ".join(a["name"] for a in data["actors"]), "themes": "; ".join(data["themes"]),
            "people_min": str(people.get("min", "")), "people_max": str(people.get("max") or ""),
            "people_wording": people.get("wording") or "",
            "summary": data["summary"],
            "sources": "; ".join(", ".join(filter(None, [s["publisher"], s["title"], s["published"], s["url"]]))
                                 for s in data["sources"]),
            "basis": data["attestation"]["basis"], "asserted_by": data["attestation"]["asserted_by"],
            "outlets": "; ".join(data["attestation"]["outlets"]), "related": "; ".join(data["related"]),
            "discrepancies": discrepancies_cell(data["discrepancies"]),
        }


def _synthetic(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from generate import generate

    generate(tmp_path / "synthetic", 300)
    return tmp_path / "synthetic"


@pytest.mark.parametrize("dataset", ["bundled", "mini", "hostile", "synthetic"])
def test_csv_rows_from_stored_values_are_the_rows_from_records(tmp_path, dataset):
    """Every event's CSV row made from the value the index stores is the row made from its built record."""
    from nkwatch.cache import open_indexed
    from nkwatch.export.csv import event_row, stored_row

    root = {"bundled": lambda: None, "mini": lambda: MINI, "hostile": lambda: hostile_dataset(tmp_path),
            "synthetic": lambda: _synthetic(tmp_path)}[dataset]()
    indexed = open_indexed(root)
    rows = list(indexed.events.stored(None))
    assert len(rows) == len(indexed.events) > 0
    from_records, from_values = {}, {}
    for value, start, end in rows:
        from_records[value["id"]] = event_row(indexed, indexed.events[value["id"]], {})
        from_values[value["id"]] = stored_row(indexed, value, start, end, {})
    assert from_values == from_records


@pytest.mark.parametrize("args", [(), ("--country", "russia"), ("--since", "2016", "--limit", "3"),
                                  ("--theme", "defection", "--limit", "0"), ("--text", "ningpo"), ("--raw",)])
def test_a_csv_export_from_stored_values_is_the_export_from_records(capsys, monkeypatch, args):
    exported = run(capsys, "export", "-f", "csv", *args)
    monkeypatch.setattr("nkwatch.query.Selection.stored", lambda self: None)  # records, one by one
    assert run(capsys, "export", "-f", "csv", *args).out == exported.out
    assert exported.out.count("\r\n") > (1 if "--limit" not in args else 0)


# Words and quotes


def test_every_report_shows_a_number_given_in_words_and_quotes_only_a_sources_own_words(capsys, mini):
    walkout = mini / "events" / "tomsk-walkout.yaml"
    walkout.write_text(walkout.read_text().replace("people: {min: 6, max: 10}", "people: {min: 24, wording: dozens}")
                       .replace("- {source: alpha-news, says: six to ten}",
                                "- {source: alpha-news, says: dozens of them, quoted: true}\n"
                                "      - {source: beta-blog, says: about thirty}"), encoding="utf-8")
    exported = {name: run(capsys, "--data", str(mini), "export", "-f", name, "--text", "tomsk").out
                for name in ("markdown", "timelinejs", "ics", "csv")}
    assert "- **People:** “dozens” (read as at least 24)\n" in exported["markdown"]
    assert ("- **Where sources disagree** on people: Alpha News \\[1\\] says “dozens of them”; Beta Blog \\[2\\]: "
            "about thirty. Resolution: Kept the range.") in exported["markdown"]
    slide = json.loads(exported["timelinejs"])["events"][0]["text"]["text"]
    assert "<b>People:</b> “dozens” (read as at least 24)" in slide
    assert "people: Alpha News says “dozens of them”; Beta Blog: about thirty. Kept the range." in slide
    assert "People: “dozens” (read as at least 24)" in exported["ics"].replace("\r\n ", "")
    row = next(csv.DictReader(io.StringIO(exported["csv"], newline="")))
    assert (row["people_min"], row["people_max"], row["people_wording"]) == ("24", "", "dozens")
    assert row["discrepancies"] == ("people: alpha-news says “dozens of them”; beta-blog: about thirty → Kept the "
                                    "range.")
