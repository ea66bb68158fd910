"""What a user sees at 80 and 100 columns: golden screens of the bundled data, and nothing that matters cut.

The goldens are regenerated, after a change to the dataset or to a layout, with one command:

    NKWATCH_REGENERATE_GOLDENS=1 python -m pytest -q tests/test_layout.py

The "nothing cut" tests are data-driven: whatever ids, dates, counts and addresses ``--json`` gives must appear whole,
each on one line, in the text at every width, whatever the dataset holds.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from clirun import run
from nkwatch.dates import humanize, parse_edtf

GOLDEN = Path(__file__).parent / "golden"
WIDTHS = (80, 100)
LISTINGS = {"timeline": ["timeline"], "list": ["list"], "facts": ["facts"], "search": ["search", "smartphone"],
            "stats": ["stats"], "themes": ["themes"], "countries": ["countries"], "actors": ["actors"],
            "sources": ["sources"], "show": ["show", "ningpo-13-defection"]}
NO_GOLDEN = {"sources"}
"""Screens checked only by the data-driven tests: `sources` sets a publisher beside its article's title, which
copycheck would take for a passage of the article."""


def screen(capsys, monkeypatch, width: int, *args: str) -> str:
    """What `nkwatch ARGS` shows on a terminal of this width."""
    monkeypatch.setenv("COLUMNS", str(width))
    result = run(capsys, *args)
    assert (result.code, result.err) == (0, "")
    return result.out


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(set(LISTINGS) - NO_GOLDEN))
def test_golden_screens(capsys, monkeypatch, name, width):
    out = screen(capsys, monkeypatch, width, *LISTINGS[name])
    golden = GOLDEN / f"{name}-{width}.txt"
    if os.environ.get("NKWATCH_REGENERATE_GOLDENS"):
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8"), f"regenerate with NKWATCH_REGENERATE_GOLDENS=1 ({golden})"


@pytest.mark.parametrize("width", [*WIDTHS, 160])
@pytest.mark.parametrize("name", LISTINGS)
def test_no_line_is_wider_than_the_screen_but_an_address(capsys, monkeypatch, name, width):
    for line in screen(capsys, monkeypatch, width, *LISTINGS[name]).splitlines():
        assert len(line) <= width or re.fullmatch(r"\s*https?://\S+", line), line


def whole_on_a_line(out: str, value: str) -> bool:
    """True when value appears on one line, not run into neighbouring letters, digits or an id's hyphens."""
    pattern = re.compile(rf"(?<![\w,.\-]){re.escape(value)}(?![\w,\-])")
    return any(pattern.search(line) for line in out.splitlines())


def numbers(range_: dict | None) -> list[str]:
    """The counts a range gives, as the text writes them (1,500)."""
    if not range_:
        return []
    return [f"{value:,}" for value in (range_["min"], range_["max"]) if value is not None]


def check_whole(out: str, values: list[str]) -> None:
    missing = [value for value in values if not whole_on_a_line(out, value)]
    assert not missing, f"missing or cut: {missing}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", ["timeline", "list"])
def test_every_event_id_date_and_count_is_whole(capsys, monkeypatch, command, width):
    events = json.loads(run(capsys, command, "--json").out)
    out = screen(capsys, monkeypatch, width, command, "--limit", "0")
    check_whole(out, [value for e in events for value in (e["id"], e["date_display"], *numbers(e["people"]))])


@pytest.mark.parametrize("width", WIDTHS)
def test_every_figure_id_date_and_value_is_whole(capsys, monkeypatch, width):
    figures = json.loads(run(capsys, "facts", "--json").out)
    out = screen(capsys, monkeypatch, width, "facts", "--limit", "0")
    check_whole(out, [value for f in figures
                      for value in (f["id"], humanize(parse_edtf(f["as_of"])), *numbers(f["value"]))])


@pytest.mark.parametrize("width", WIDTHS)
def test_every_search_hit_is_whole(capsys, monkeypatch, width):
    hits = json.loads(run(capsys, "search", "defection", "--json").out)
    out = screen(capsys, monkeypatch, width, "search", "defection")
    check_whole(out, [h["id"] for h in hits] + [h["date_display"] for h in hits if h["kind"] == "event"])


@pytest.mark.parametrize("width", WIDTHS)
def test_stats_gives_every_count_beside_its_value(capsys, monkeypatch, width):
    stats = json.loads(run(capsys, "stats", "--json").out)
    lines = screen(capsys, monkeypatch, width, "stats").splitlines()
    assert f"{stats['events']} events" in lines
    for facet in ("years", "country", "theme", "source"):
        for value, count in stats[facet].items():
            label = f"({value})" if facet == "country" else value
            assert any(re.search(rf"(^|\s){re.escape(label)}\s+{count}\s", line + " ") for line in lines), value


@pytest.mark.parametrize("facet", ["themes", "countries", "actors", "sources"])
def test_every_facet_value_and_count_is_whole(capsys, monkeypatch, facet):
    rows = json.loads(run(capsys, facet, "--json").out)
    for width in WIDTHS:
        lines = screen(capsys, monkeypatch, width, facet).splitlines()
        for row in rows:
            assert any(re.match(rf"{re.escape(row['value'])}\s+{row['events']}(\s|$)", line) for line in lines)


def test_every_address_of_every_event_is_whole_on_its_own_line(capsys, monkeypatch):
    ids = [e["id"] for e in json.loads(run(capsys, "list", "--json").out)]
    for event_id in ids:
        event = json.loads(run(capsys, "show", event_id, "--json").out)
        for width in WIDTHS:
            out = screen(capsys, monkeypatch, width, "show", event_id)
            lines = {line.strip() for line in out.splitlines()}
            assert {s["url"] for s in event["sources"] if s["url"]} <= lines, event_id
            check_whole(out, [event["id"], *event["related"], *[f["id"] for f in event["figures"]],
                              *numbers(event["people"])])


def test_piped_output_is_tab_separated_with_nothing_cut(capsys, monkeypatch):
    events = json.loads(run(capsys, "list", "--json").out)
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    rows = [line.split("\t") for line in run(capsys, "list").out.splitlines()]
    assert len(rows) == len(events)
    assert {len(row) for row in rows} == {7}
    assert [(row[0], row[1], row[2]) for row in rows] == [(e["date_display"], e["id"], e["title"]) for e in events]


def test_piped_show_keeps_addresses_whole(capsys, monkeypatch):
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    out = run(capsys, "show", "ningpo-13-defection").out
    assert ("http://english.yonhapnews.co.kr/national/2016/04/10/65/0301000000AEN20160410000551315F.html"
            in out.splitlines()[-1] + "\n".join(out.splitlines()))
    assert all(not line.strip().startswith("html") for line in out.splitlines())


def test_show_cites_the_source_list_and_orders_related_events_by_date(capsys, monkeypatch):
    out = screen(capsys, monkeypatch, 80, "show", "ningpo-13-defection")
    assert "Date       5 to 7 April 2016, to the day\n" in out
    assert "EDTF" not in out
    assert "    [1] Yonhap News Agency: Seoul presented it as a voluntary group defection\n" in out
    assert ("    [2] The Hankyoreh (English edition): North Korea accused the South of\n"
            "        kidnapping the workers\n") in out
    related = json.loads(run(capsys, "show", "ningpo-13-defection", "--json").out)["related"]
    shown = [line.strip() for line in out.split("Related events")[1].split("\n\n")[0].splitlines()]
    assert sorted(related, key=shown.index) == [r for r in shown if r in related]
    verbose = screen(capsys, monkeypatch, 80, "show", "ningpo-13-defection", "--verbose")
    assert "EDTF 2016-04-05/2016-04-07: 2016-04-05 to 2016-04-07" in verbose


@pytest.mark.parametrize("query", ["smartphone", "percent", "consulate"])
def test_search_snippets_are_cut_between_words(capsys, monkeypatch, query):
    hits = json.loads(run(capsys, "search", query, "--json").out)
    words = {word for h in hits if h["kind"] == "event" for word in h["summary"].split()}
    out = screen(capsys, monkeypatch, 80, "search", query)
    for cut in re.findall(r"…(\S+)|(\S+)…", out):
        assert (cut[0] or cut[1]) in words, cut


def test_piped_stats_and_facets_are_rows_of_whole_values(capsys, monkeypatch):
    stats = json.loads(run(capsys, "stats", "--json").out)
    themes = json.loads(run(capsys, "themes", "--json").out)
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    rows = [tuple(line.split("\t")) for line in run(capsys, "stats").out.splitlines()]
    assert rows == [(facet.rstrip("s") if facet == "years" else facet, value, str(count))
                    for facet in ("years", "country", "theme", "source") for value, count in stats[facet].items()]
    assert [tuple(line.split("\t")) for line in run(capsys, "themes").out.splitlines()] == [
        (t["value"], str(t["events"]), t["name"]) for t in themes]
