"""export --format sqlite: a database opened and queried as a user would (counts, joins, full-text search), its
foreign keys holding, Datasette's metadata beside it, and the file written atomically."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from nkwatch import export


@pytest.fixture
def out(tmp_path) -> Path:
    """An empty folder for the database."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def exported(nk, out: Path, *args: str) -> sqlite3.Connection:
    """Export the bundled dataset to out/nk.db (with the filters given) and open it."""
    target = out / "nk.db"
    result = nk("export", "-o", str(target), *args)
    assert result.code == 0, result.err
    return sqlite3.connect(target)


def count(db: sqlite3.Connection, table: str) -> int:
    """How many rows a table holds."""
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_every_record_is_in_its_table_and_every_link_in_its_link_table(nk, out, dataset):
    db = exported(nk, out)
    for table, expected in dataset.counts().items():
        assert count(db, table) == expected, table
    events = dataset.events.values()
    assert count(db, "event_sources") == sum(len(e.sources) for e in events)
    assert count(db, "event_actors") == sum(len(e.actors) for e in events)
    assert count(db, "event_places") == sum(len(e.places) for e in events)
    assert count(db, "event_countries") == sum(len(e.countries) for e in events)
    assert count(db, "event_themes") == sum(len(e.themes) for e in events)
    assert count(db, "figure_sources") == sum(len(f.sources) for f in dataset.figures.values())


def test_a_join_names_the_publishers_of_an_event_and_what_each_supports(nk, out):
    db = exported(nk, out)
    rows = db.execute("""
        SELECT s.publisher, es.supports FROM events e
        JOIN event_sources es ON es.event_id = e.id JOIN sources s ON s.id = es.source_id
        WHERE e.id = 'baek-won-soon-detained' ORDER BY es.position""").fetchall()
    assert [publisher for publisher, _ in rows] == ["Korea JoongAng Daily", "The Korea Herald", "The Moscow Times",
                                                    "UPI"]
    assert rows[1][1] == "arrest by the FSB in Vladivostok in late January"
    roles = db.execute("SELECT a.name, ea.role FROM event_actors ea JOIN actors a ON a.id = ea.actor_id "
                       "WHERE ea.event_id = 'baek-won-soon-detained' ORDER BY ea.position").fetchall()
    assert roles[1][1] == "made the arrest"


def test_a_full_text_match_finds_the_event(nk, out):
    db = exported(nk, out)
    found = db.execute("SELECT e.id FROM events_fts JOIN events e ON e.rowid = events_fts.rowid "
                       "WHERE events_fts MATCH 'smartphones' ORDER BY e.id").fetchall()
    assert found == [("dailynk-mokran-source-contact",), ("mokran-earlier-defection",), ("mokran-group-defection",)]


def test_dates_keep_their_precision_as_edtf_text_and_iso_days(nk, out):
    db = exported(nk, out)
    row = db.execute("SELECT date, date_start, date_end, date_display, approximate FROM events "
                     "WHERE id = 'baek-won-soon-detained'").fetchone()
    assert row == ("2024-01", "2024-01-01", "2024-01-31", "Jan 2024", 0)
    source = db.execute("SELECT published, published_start, published_end FROM sources "
                        "WHERE id = 'dailynk-2021-05-loyalty-funds-hike'").fetchone()
    assert source == ("2021-05~", "2021-05-01", "2021-05-31")


def test_a_count_given_in_words_keeps_them_and_leaves_max_null_where_they_set_no_bound(nk, out):
    db = exported(nk, out)
    assert db.execute("SELECT people_min, people_max, people_wording FROM events "
                      "WHERE id = 'dandong-work-refusal-2024'").fetchone() == (24, None, "dozens")
    assert db.execute("SELECT people_min, people_max, people_wording FROM events "
                      "WHERE id = 'baek-won-soon-detained'").fetchone() == (1, 1, None)
    assert db.execute("SELECT people_min, people_max, people_wording FROM events "
                      "WHERE id = 'covid-border-closure'").fetchone() == (None, None, None)
    values = db.execute("SELECT id, value_min, value_max, value_wording FROM figures WHERE id IN "
                        "('dandong-work-refusal-workers', 'hyesan-interpreter-age') ORDER BY id").fetchall()
    assert values == [("dandong-work-refusal-workers", 24, None, "dozens"),
                      ("hyesan-interpreter-age", 20, 29, "in his 20s")]
    assert db.execute("SELECT count(*) FROM figures WHERE value_max IS NULL AND value_wording IS NULL").fetchone() \
        == (0,)


def test_a_null_max_without_words_is_refused_by_the_schema(nk, out):
    db = exported(nk, out)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        db.execute("UPDATE figures SET value_wording = NULL WHERE id = 'dandong-work-refusal-workers'")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        db.execute("UPDATE events SET people_wording = NULL WHERE id = 'dandong-work-refusal-2024'")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        db.execute("UPDATE events SET people_min = NULL WHERE id = 'dandong-work-refusal-2024'")


def test_each_claim_says_whether_it_quotes_its_source(nk, out):
    db = exported(nk, out)
    claims = db.execute("""
        SELECT c.source_id, c.says, c.quoted FROM discrepancy_claims c
        JOIN discrepancies d ON d.id = c.discrepancy_id
        WHERE d.event_id = 'hyesan-customs-interpreter-defection' OR d.figure_id = 'dandong-work-refusal-workers'
        ORDER BY d.event_id IS NULL, c.position""").fetchall()
    assert claims == [("ofk-2016-10-18", "the blog gives only the month, August", 0),
                      ("donga-cn-2016-10-13-interpreters", "8月20日前后", 1),
                      ("joongang-2024-03-13", "Dozens", 1), ("yonhap-2024-02-29-dandong", "scores of", 1)]


def test_foreign_keys_are_declared_and_hold(nk, out):
    db = exported(nk, out, "--country", "russia")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    targets = {row[2] for row in db.execute("PRAGMA foreign_key_list(event_sources)")}
    assert targets == {"events", "sources"}
    assert {row[2] for row in db.execute("PRAGMA foreign_key_list(figures)")} == {"events"}


def test_a_selection_holds_its_events_and_only_figures_that_can_point_at_them(nk, out):
    shown = [e["id"] for e in json.loads(nk("timeline", "--country", "russia", "--json").out)]
    db = exported(nk, out, "--country", "russia")
    assert [row[0] for row in db.execute("SELECT id FROM events ORDER BY rowid")] == shown
    assert db.execute("SELECT count(*) FROM figures WHERE event_id IS NOT NULL AND event_id NOT IN "
                      "(SELECT id FROM events)").fetchone() == (0,)
    assert count(db, "figures") > 0


def test_the_metadata_beside_the_database_is_what_datasette_reads(nk, out, dataset):
    exported(nk, out)
    metadata = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["title"] == "nkwatch: North Korean workers sent abroad"
    assert metadata["license"] == "MIT"
    assert f"{len(dataset.events)} events" in metadata["description"]
    tables = metadata["databases"]["nk"]["tables"]
    assert tables["events"]["fts_table"] == "events_fts"
    assert tables["event_actors"]["description"] == "The actors of each event, with the role each played."


def test_the_export_says_what_it_wrote(nk, out):
    target = out / "nk.db"
    result = nk("export", "-o", str(target), "--country", "russia")
    count = len(json.loads(nk("timeline", "--country", "russia", "--json").out))
    assert (result.code, result.out) == (0, "")
    assert result.err == (f"nkwatch: wrote {count} events as sqlite to {target}\n"
                          f"nkwatch: wrote Datasette's metadata to {out / 'metadata.json'} "
                          f"(datasette {target} -m {out / 'metadata.json'})\n")


def test_metadata_goes_where_it_is_asked(nk, out):
    elsewhere = out / "nk-meta.json"
    assert nk("export", "-f", "sqlite", "-o", str(out / "nk.db"), "--metadata", str(elsewhere)).code == 0
    assert json.loads(elsewhere.read_text(encoding="utf-8"))["databases"]["nk"]
    assert not (out / "metadata.json").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["export", "-f", "sqlite"], "nkwatch: sqlite writes a database file, which cannot go to stdout; give -o FILE "
                                 "(-o nk.db)\n"),
    (["export", "-f", "sqlite", "-o", "-"], "nkwatch: sqlite writes a database file, which cannot go to stdout; "
                                            "give -o FILE (-o nk.db)\n"),
    (["export", "-f", "csv", "--metadata", "m.json"], "nkwatch: --metadata applies to sqlite only, not csv\n"),
    (["export", "-o", "nk.db", "--raw"], "nkwatch: --raw applies to csv only, not sqlite\n"),
    (["export", "-o", "nk.db", "--figures"], "nkwatch: a sqlite database holds the figures with the events; leave "
                                             "out --figures\n"),
])
def test_usage_errors_say_what_to_do(nk, out, monkeypatch, args, message):
    monkeypatch.chdir(out)
    result = nk(*args)
    assert (result.code, result.out, result.err) == (2, "", message)
    assert list(out.iterdir()) == []


def test_an_existing_database_or_metadata_file_is_replaced_only_with_force(nk, out):
    target = out / "nk.db"
    (out / "metadata.json").write_text("keep me\n")
    result = nk("export", "-o", str(target))
    assert (result.code, result.err) == (2, f"nkwatch: {out / 'metadata.json'} exists; add --force to replace it\n")
    assert not target.exists() and (out / "metadata.json").read_text() == "keep me\n"
    assert nk("export", "-o", str(target), "--force").code == 0
    assert count(sqlite3.connect(target), "events") > 0
    assert sorted(p.name for p in out.iterdir()) == ["metadata.json", "nk.db"]


def test_an_interrupted_export_leaves_no_file_behind(nk, out, monkeypatch):
    def interrupted(dataset, events, figures, path):
        sqlite3.connect(path).execute("CREATE TABLE half (x)")
        raise KeyboardInterrupt

    monkeypatch.setitem(export.DATABASE_WRITERS, "sqlite", interrupted)
    result = nk("export", "-o", str(out / "nk.db"))
    assert result.code == 130
    assert list(out.iterdir()) == []


def test_datasette_serves_the_database_with_its_metadata(nk, out):
    datasette_app = pytest.importorskip("datasette.app")
    import asyncio

    exported(nk, out)
    metadata = json.loads((out / "metadata.json").read_text(encoding="utf-8"))

    async def search() -> list[str]:
        datasette = datasette_app.Datasette([str(out / "nk.db")], metadata=metadata)
        response = await datasette.client.get("/nk/events.json?_search=smartphones&_shape=array")
        assert response.status_code == 200
        return [row["id"] for row in response.json()]

    assert sorted(asyncio.run(search())) == ["dailynk-mokran-source-contact", "mokran-earlier-defection",
                                             "mokran-group-defection"]
