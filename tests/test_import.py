"""`nkwatch import`: what export writes comes back as the same records; one bad row refuses the whole file, with its
line and field, and nothing is written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from exporthelp import HOSTILE_TITLES, hostile_dataset

from nkwatch import writer
from nkwatch.importrows import ROLE_NOT_GIVEN


@pytest.fixture
def copy(nk, tmp_path) -> Path:
    """A copy of the bundled dataset, made with `nkwatch init`."""
    root = tmp_path / "data"
    assert nk("init", str(root)).code == 0
    return root


def exported(nk, root: Path, *args: str) -> str:
    """What `export` writes to stdout for the dataset at root."""
    result = nk("--data", str(root), "export", *args)
    assert result.code == 0, result.err
    return result.out


def event_files(root: Path) -> dict[str, bytes]:
    """Every event file of a dataset, by name, with its bytes."""
    return {path.name: path.read_bytes() for path in sorted((root / "events").iterdir())}


def delete_events(root: Path, ids) -> None:
    """Remove the files of these events."""
    for record_id in ids:
        (root / "events" / f"{record_id}.yaml").unlink()


@pytest.mark.parametrize("name", ["ndjson", "csv", "json"])
def test_export_delete_import_export_gives_the_same_file(nk, copy, tmp_path, name):
    before = exported(nk, copy, "-f", name)
    csv_before = exported(nk, copy, "-f", "csv")
    (tmp_path / f"all.{name}").write_text(before, encoding="utf-8", newline="")
    ids = sorted(path.stem for path in (copy / "events").iterdir())
    delete_events(copy, ids)
    result = nk("--data", str(copy), "import", str(tmp_path / f"all.{name}"))
    assert result.code == 0, result.err
    assert sorted(line.split()[2] for line in result.out.splitlines()) == ids  # "added event ID (FILE)", each once
    assert exported(nk, copy, "-f", name) == before
    assert exported(nk, copy, "-f", "csv") == csv_before
    assert nk("--data", str(copy), "validate").code == 0


def test_a_csv_row_names_no_roles_and_says_so(nk, copy, tmp_path):
    text = exported(nk, copy, "-f", "csv", "--text", "Baek Won-soon")
    (tmp_path / "ru.csv").write_text(text, newline="")
    delete_events(copy, [row["id"] for row in csv.DictReader(io.StringIO(text, newline=""))])
    assert nk("--data", str(copy), "import", str(tmp_path / "ru.csv")).code == 0
    shown = json.loads(nk("--data", str(copy), "show", "baek-won-soon-detained", "--json").out)
    assert [a["role"] for a in shown["actors"]] == [ROLE_NOT_GIVEN, ROLE_NOT_GIVEN]


def test_update_from_csv_keeps_what_a_csv_cannot_hold(nk, copy, tmp_path):
    before = exported(nk, copy, "-f", "ndjson")
    (tmp_path / "all.csv").write_text(exported(nk, copy, "-f", "csv"), newline="")
    kept = event_files(copy)
    result = nk("--data", str(copy), "import", str(tmp_path / "all.csv"), "--update")
    assert result.code == 0, result.err
    assert {line.split(" event ")[0] for line in result.out.splitlines()} == {"unchanged"}
    assert event_files(copy) == kept  # aliases, roles and supports kept: no record changed, no file rewritten
    assert exported(nk, copy, "-f", "ndjson") == before


def test_update_replaces_an_edited_event_and_only_that_one(nk, mini, tmp_path):
    text = exported(nk, mini, "-f", "csv").replace("Late August.", "Late August by the report.")
    (tmp_path / "edited.csv").write_text(text, newline="")
    kept = event_files(mini)
    result = nk("--data", str(mini), "import", str(tmp_path / "edited.csv"), "--update", "--dry-run")
    assert result.out == ("unchanged event kim-defects (line 2)\nwould replace event tomsk-walkout (line 3)\n"
                          "unchanged event yanji-strike (line 4)\nunchanged event open-ended-arrest (line 5)\n")
    result = nk("--data", str(mini), "import", str(tmp_path / "edited.csv"), "--update")
    assert result.code == 0, result.err
    assert result.out.splitlines()[1] == f"replaced event tomsk-walkout ({mini / 'events' / 'tomsk-walkout.yaml'})"
    changed = {name for name, data in event_files(mini).items() if kept[name] != data}
    assert changed == {"tomsk-walkout.yaml"}
    shown = json.loads(nk("--data", str(mini), "show", "tomsk-walkout", "--json").out)
    assert shown["date_note"] == "Late August by the report."
    assert [a["role"] for a in shown["actors"]] != [ROLE_NOT_GIVEN]  # the role is kept from the record replaced


def test_a_csv_with_one_bad_row_is_refused_whole_with_its_line(nk, copy, tmp_path):
    rows = list(csv.reader(io.StringIO(exported(nk, copy, "-f", "csv", "--country", "russia"), newline="")))
    bad = rows[3]
    bad[2] = "2016-13"  # the date column
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    line = text[: text.index(f"\r\n{bad[0]},")].count("\n") + 2
    target = tmp_path / "ru.csv"
    target.write_text(text, encoding="utf-8", newline="")
    delete_events(copy, [row[0] for row in rows[1:]])
    kept = event_files(copy)
    result = nk("--data", str(copy), "import", str(target))
    assert (result.code, result.out) == (1, "")
    assert result.err == (f"{target}:{line}: {bad[0]} date: '2016-13' has month 13; months run 01 to 12\n"
                          f"nkwatch: {target} was not imported: 1 problem; nothing was written\n")
    assert event_files(copy) == kept


def test_every_problem_of_every_row_is_listed_with_its_line_and_column(nk, mini, tmp_path):
    text = exported(nk, mini, "-f", "csv")
    text = text.replace(",Tomsk,Acme Works,", ",Atlantis,Acme Works,").replace(",CN,Yanji,", ",CN,Yanji,Nobody")
    delete_events(mini, ["tomsk-walkout", "yanji-strike", "kim-defects", "open-ended-arrest"])
    target = tmp_path / "mini.csv"
    target.write_text(text, encoding="utf-8", newline="")
    result = nk("--data", str(mini), "import", str(target))
    assert result.code == 1
    assert result.err == (
        f"{target}:3: tomsk-walkout places: no place has the id or name 'Atlantis'\n"
        f"{target}:4: yanji-strike actors: no actor has the id or name 'Nobody'\n"
        f"nkwatch: {target} was not imported: 2 problems; nothing was written\n")
    assert list((mini / "events").iterdir()) == []


def test_a_name_two_records_share_is_an_error_that_asks_for_the_id(nk, mini, tmp_path):
    (mini / "places" / "tomsk-oblast.yaml").write_text(
        "id: tomsk-oblast\nname: Tomsk\ncountry: RU\nlat: 57.0\nlon: 84.0\n", encoding="utf-8")
    text = exported(nk, mini, "-f", "csv", "--text", "tomsk walkout")
    delete_events(mini, ["tomsk-walkout"])
    (tmp_path / "t.csv").write_text(text, newline="")
    result = nk("--data", str(mini), "import", str(tmp_path / "t.csv"))
    assert result.err.splitlines()[0] == (f"{tmp_path / 't.csv'}:2: tomsk-walkout places: 'Tomsk' names 2 places "
                                          "(tomsk, tomsk-oblast); give the id")
    text = text.replace(",Tomsk,", ",tomsk-oblast,")
    (tmp_path / "t.csv").write_text(text, newline="")
    assert nk("--data", str(mini), "import", str(tmp_path / "t.csv")).code == 0
    assert json.loads(nk("--data", str(mini), "show", "tomsk-walkout", "--json").out)["places"][0]["id"] == \
        "tomsk-oblast"


def test_an_existing_id_is_a_problem_unless_update(nk, mini, tmp_path):
    target = tmp_path / "all.ndjson"
    target.write_text(exported(nk, mini, "-f", "ndjson"), encoding="utf-8")
    result = nk("--data", str(mini), "import", str(target))
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"{target}:1: kim-defects id: event 'kim-defects' exists already ({mini / 'events' / 'kim-defects.yaml'}); "
        "give --update to replace it")
    assert result.err.splitlines()[-1] == f"nkwatch: {target} was not imported: 4 problems; nothing was written"


def test_dry_run_says_what_would_be_written_and_writes_nothing(nk, mini, tmp_path):
    target = tmp_path / "all.ndjson"
    target.write_text(exported(nk, mini, "-f", "ndjson"), encoding="utf-8")
    delete_events(mini, ["yanji-strike"])
    kept = event_files(mini)
    result = nk("--data", str(mini), "import", str(target), "--update", "--dry-run")
    assert result.code == 0
    assert result.out == ("unchanged event kim-defects (line 1)\nunchanged event tomsk-walkout (line 2)\n"
                          "would add event yanji-strike (line 3)\nunchanged event open-ended-arrest (line 4)\n")
    assert result.err == "nkwatch: dry run: 4 events checked; nothing was written\n"
    assert event_files(mini) == kept


def test_an_unknown_field_is_refused(nk, mini, tmp_path):
    rows = [json.loads(line) for line in exported(nk, mini, "-f", "ndjson").splitlines()]
    delete_events(mini, [row["id"] for row in rows])
    rows[0]["colour"] = "red"
    rows[1]["actors"][0]["rank"] = "first"
    target = tmp_path / "edited.ndjson"
    target.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    result = nk("--data", str(mini), "import", str(target))
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0] == (f"{target}:1: kim-defects colour: unknown field; an events export has id, title, aliases, "
                        "date, date_note, countries, places, actors, themes, people, summary, sources, attestation, "
                        "related, discrepancies, start, end, date_display, approximate, uncertain")
    assert lines[1:] == [f"{target}:2: tomsk-walkout actors[0].rank: unknown field",
                         f"nkwatch: {target} was not imported: 2 problems; nothing was written"]


def test_an_edited_derived_field_is_refused_not_dropped(nk, mini, tmp_path):
    rows = [json.loads(line) for line in exported(nk, mini, "-f", "ndjson").splitlines()]
    delete_events(mini, [row["id"] for row in rows])
    rows[1]["start"] = "2016-08-01"
    rows[2]["places"][0]["name"] = "Yanjі"
    target = tmp_path / "edited.ndjson"
    target.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    result = nk("--data", str(mini), "import", str(target))
    assert result.code == 1
    assert result.err.splitlines() == [
        f"{target}:2: tomsk-walkout start: '2016-08-01' is not what the dataset gives ('2016-08-21'); it is derived "
        "from date, not imported",
        f"{target}:3: yanji-strike places[0].name: 'Yanjі' is not what the dataset gives ('Yanji'); it is derived "
        "from the place 'yanji', not imported",
        f"nkwatch: {target} was not imported: 2 problems; nothing was written"]
    assert list((mini / "events").iterdir()) == []


def test_a_row_given_twice_is_a_problem(nk, mini, tmp_path):
    line = exported(nk, mini, "-f", "ndjson", "--text", "helper")
    delete_events(mini, ["open-ended-arrest"])
    (tmp_path / "twice.ndjson").write_text(line + line, encoding="utf-8")
    result = nk("--data", str(mini), "import", str(tmp_path / "twice.ndjson"))
    assert result.err.splitlines()[0] == (f"{tmp_path / 'twice.ndjson'}:2: open-ended-arrest id: event "
                                          "'open-ended-arrest' is also on line 1")


def test_the_formula_guard_is_undone(nk, tmp_path):
    root = hostile_dataset(tmp_path)
    text = exported(nk, root, "-f", "csv", "--text", "hyperlink")
    assert "'=HYPERLINK" in text
    delete_events(root, ["hostile-formula"])
    (tmp_path / "h.csv").write_text(text, encoding="utf-8", newline="")
    assert nk("--data", str(root), "import", str(tmp_path / "h.csv")).code == 0
    shown = json.loads(nk("--data", str(root), "show", "hostile-formula", "--json").out)
    assert shown["title"] == HOSTILE_TITLES["hostile-formula"]
    assert exported(nk, root, "-f", "csv", "--text", "hyperlink") == text


def test_a_figures_export_is_not_events(nk, mini, tmp_path):
    target = tmp_path / "figures.ndjson"
    target.write_text(exported(nk, mini, "-f", "ndjson", "--figures"), encoding="utf-8")
    result = nk("--data", str(mini), "import", str(target))
    assert result.err.splitlines()[0] == (f"{target}:1: this is a figure; import reads events (an export without "
                                          "--figures)")


@pytest.mark.parametrize(("content", "message"), [
    ("[\n  {\"id\": 1,\n", "{target}:3:1: not JSON: Expecting property name enclosed in double quotes"),
    ("{\"id\": \"x\"}\n", "{target}:1: a JSON export is an array of events ([ … ])"),
])
def test_a_file_that_is_not_an_export_says_where(nk, mini, tmp_path, content, message):
    target = tmp_path / "bad.json"
    target.write_text(content, encoding="utf-8")
    result = nk("--data", str(mini), "import", str(target))
    assert result.code == 1
    assert result.err.splitlines()[0] == message.format(target=target)


def test_a_csv_with_an_unknown_column_is_refused_at_its_header(nk, mini, tmp_path):
    target = tmp_path / "x.csv"
    target.write_text(exported(nk, mini, "-f", "csv").replace("discrepancies", "notes", 1), newline="")
    result = nk("--data", str(mini), "import", str(target))
    assert result.err.splitlines()[0].startswith(f"{target}:1: unknown column 'notes'; an events CSV has the "
                                                 "columns id, title, date,")


@pytest.mark.parametrize(("args", "message"), [
    (["import", "x.csv"], "nkwatch: no dataset chosen, and the bundled one is never written to; run `nkwatch "
                          "init DIR` to start a copy of your own, then `nkwatch --data DIR add` (or set "
                          "NKWATCH_DATA=DIR)\n"),
    (["--data", "{mini}", "import", "nope.csv"], "nkwatch: nope.csv: no such file\n"),
    (["--data", "{mini}", "import", "notes.txt"], "nkwatch: cannot tell the format of 'notes.txt'; give --format "
                                                  "(json, ndjson, csv) or a file ending in .json, .ndjson, .jsonl "
                                                  "or .csv\n"),
])
def test_import_usage_errors(nk, mini, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = nk(*[arg.format(mini=mini) for arg in args])
    assert (result.code, result.out, result.err) == (2, "", message)


def test_an_import_that_fails_half_way_leaves_the_dataset_as_it_was(nk, mini, tmp_path, monkeypatch):
    rows = [json.loads(line) for line in exported(nk, mini, "-f", "ndjson").splitlines()]
    for row in rows:
        row["summary"] += " Edited."
    target = tmp_path / "all.ndjson"
    target.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    delete_events(mini, ["yanji-strike"])  # the third row is added, the others replace their events
    kept = event_files(mini)
    replaced = []
    original = writer.replace_record

    def failing(*args):
        replaced.append(args)
        if len(replaced) == 3:
            raise writer.WriteError("cannot write to events: disk full; nothing was written")
        return original(*args)

    monkeypatch.setattr(writer, "replace_record", failing)
    result = nk("--data", str(mini), "import", str(target), "--update")
    assert (result.code, result.out) == (1, "")
    assert result.err == "nkwatch: cannot write to events: disk full; nothing was written\n"
    assert event_files(mini) == kept


def test_a_colleagues_spreadsheet_with_ids_and_only_the_needed_columns_comes_in(nk, mini, tmp_path):
    target = tmp_path / "colleague.csv"
    target.write_text(
        "id,title,date,countries,places,actors,themes,summary,sources,basis,asserted_by\r\n"
        "tomsk-second-walkout,A second crew walks out in Tomsk,2016-09,RU,tomsk,acme-works,defection,"
        "A fictional second walkout.,\"alpha-news; Beta Blog, A second fictional report, 2024-03\",outlet,"
        "Alpha News\r\n", encoding="utf-8", newline="")
    result = nk("--data", str(mini), "import", str(target))
    assert (result.code, result.err) == (0, "")
    assert result.out == f"added event tomsk-second-walkout ({mini / 'events' / 'tomsk-second-walkout.yaml'})\n"
    shown = json.loads(nk("--data", str(mini), "show", "tomsk-second-walkout", "--json").out)
    assert [s["id"] for s in shown["sources"]] == ["alpha-news", "beta-blog"]
    assert [p["id"] for p in shown["places"]] == ["tomsk"]
    assert shown["actors"] == [{"id": "acme-works", "name": "Acme Works", "role": ROLE_NOT_GIVEN}]
    assert nk("--data", str(mini), "validate").code == 0


def test_an_excel_csv_with_its_byte_order_mark_comes_back(nk, mini, tmp_path):
    before = exported(nk, mini, "-f", "csv")
    (tmp_path / "excel.csv").write_text(exported(nk, mini, "-f", "csv", "--excel"), encoding="utf-8", newline="")
    delete_events(mini, [path.stem for path in (mini / "events").iterdir()])
    assert nk("--data", str(mini), "import", str(tmp_path / "excel.csv")).code == 0
    assert exported(nk, mini, "-f", "csv") == before


WORDED = ("dandong-work-refusal-2024", "hyesan-customs-interpreter-defection")
"""Bundled events with a count given only in words (Dandong) and a claim in its source's own words (Hyesan)."""


def rows_of(text: str, name: str, ids) -> str:
    """Only the rows of an export (in its format) that are these events."""
    if name == "ndjson":
        return "".join(line + "\n" for line in text.splitlines() if json.loads(line)["id"] in ids)
    if name == "json":
        return json.dumps([e for e in json.loads(text) if e["id"] in ids], ensure_ascii=False, indent=2)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([rows[0], *(r for r in rows[1:] if r[0] in ids)])
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["ndjson", "json", "csv"])
def test_a_count_in_words_and_a_quoted_claim_come_back_as_they_were(nk, copy, tmp_path, name):
    shown = {i: json.loads(nk("--data", str(copy), "show", i, "--json").out) for i in WORDED}
    assert shown[WORDED[0]]["people"] == {"min": 24, "max": None, "wording": "dozens"}
    assert [c["quoted"] for c in shown[WORDED[1]]["discrepancies"][0]["claims"]] == [False, True]
    target = tmp_path / f"worded.{name}"
    target.write_text(rows_of(exported(nk, copy, "-f", name), name, WORDED), encoding="utf-8", newline="")
    delete_events(copy, WORDED)
    result = nk("--data", str(copy), "import", str(target))
    assert (result.code, len(result.out.splitlines())) == (0, 2), result.err
    for record_id in WORDED:
        again = json.loads(nk("--data", str(copy), "show", record_id, "--json").out)
        assert (again["people"], again["discrepancies"]) == (shown[record_id]["people"],
                                                             shown[record_id]["discrepancies"])
    written = (copy / "events" / f"{WORDED[0]}.yaml").read_text(encoding="utf-8")
    assert "people: {min: 24, wording: dozens}\n" in written  # no max: the words set no upper bound
    assert "quoted: false" not in (copy / "events" / f"{WORDED[1]}.yaml").read_text(encoding="utf-8")
    result = nk("--data", str(copy), "import", str(target), "--update", "--dry-run")
    assert sorted(line.split(" (")[0] for line in result.out.splitlines()) == [f"unchanged event {i}"
                                                                                for i in sorted(WORDED)]


SPREADSHEET_HEAD = ("id,title,date,countries,places,themes,people_min,people_max,people_wording,summary,sources,"
                    "basis,asserted_by,discrepancies\r\n")


def spreadsheet_row(people: str, discrepancies: str = "") -> str:
    """One new event in a colleague's spreadsheet, with its three people cells (comma-separated) given."""
    return (f"yanji-sit-in,Workers sit in at a Yanji plant,2016-09,CN,yanji,protest,{people},A fictional sit-in.,"
            f"alpha-news,outlet,Alpha News,{discrepancies}\r\n")


def test_a_csv_row_with_people_wording_and_no_people_max_is_a_count_in_words(nk, mini, tmp_path):
    target = tmp_path / "sit-in.csv"
    cell = '"count: alpha-news says “dozens of workers”; beta-blog: about thirty, by its count → Kept the words."'
    target.write_text(SPREADSHEET_HEAD + spreadsheet_row("24,,dozens", cell), encoding="utf-8", newline="")
    result = nk("--data", str(mini), "import", str(target))
    assert (result.code, result.err) == (0, "")
    shown = json.loads(nk("--data", str(mini), "show", "yanji-sit-in", "--json").out)
    assert shown["people"] == {"min": 24, "max": None, "wording": "dozens"}
    assert shown["discrepancies"] == [{"about": "count", "claims": [
        {"source": "alpha-news", "says": "dozens of workers", "quoted": True},
        {"source": "beta-blog", "says": "about thirty, by its count", "quoted": False}],
        "resolution": "Kept the words."}]
    row = next(r for r in csv.DictReader(io.StringIO(exported(nk, mini, "-f", "csv"), newline=""))
               if r["id"] == "yanji-sit-in")
    assert (row["people_min"], row["people_max"], row["people_wording"]) == ("24", "", "dozens")
    assert f'"{row["discrepancies"]}"' == cell
    assert nk("--data", str(mini), "validate").code == 0


@pytest.mark.parametrize(("people", "message"), [
    (",30,", "people_min: give people_min with people_max, or leave all three empty"),
    (",,dozens", "people_min: give people_min with people_wording, or leave all three empty"),
    ("24,,", "people_max: give people_max (the same as people_min for one number), or people_wording when the "
             "source gave the count only in words"),
])
def test_a_csv_count_without_its_min_or_its_bound_is_refused(nk, mini, tmp_path, people, message):
    target = tmp_path / "sit-in.csv"
    target.write_text(SPREADSHEET_HEAD + spreadsheet_row(people), encoding="utf-8", newline="")
    result = nk("--data", str(mini), "import", str(target))
    assert (result.code, result.out) == (1, "")
    assert result.err == (f"{target}:2: yanji-sit-in {message}\n"
                          f"nkwatch: {target} was not imported: 1 problem; nothing was written\n")
    assert not (mini / "events" / "yanji-sit-in.yaml").exists()


def test_a_discrepancies_cell_in_neither_form_is_refused(nk, mini, tmp_path):
    target = tmp_path / "sit-in.csv"
    target.write_text(SPREADSHEET_HEAD + spreadsheet_row("24,30,", "count: alpha-news says dozens → Kept."),
                      encoding="utf-8", newline="")
    result = nk("--data", str(mini), "import", str(target))
    assert result.err.splitlines()[0] == (
        f"{target}:2: yanji-sit-in discrepancies: cannot be read back: write each as 'about: SOURCE-ID says “the "
        "source's words”; SOURCE-ID: our paraphrase → resolution', separated by ' | '")
