"""The SQLite index: used by every command, re-reads only what changed, and agrees with the YAML loader."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clirun import run
from conftest import MINI
from nkwatch.cache import open_indexed, progress
from nkwatch.cache.location import index_path as index_file
from nkwatch.errors import DataError
from nkwatch.loader import load_dataset


def stored_paths(root) -> set[str]:
    with sqlite3.connect(index_file(root)) as connection:
        return {os.path.basename(p) for (p,) in connection.execute("SELECT name FROM files")}


def test_commands_build_and_use_the_index(capsys, mini):
    assert run(capsys, "--data", str(mini), "timeline").code == 0
    assert {"tomsk-walkout.yaml", "themes.yaml", "alpha-news.yaml"} <= stored_paths(mini)


def test_indexed_dataset_matches_the_loader(mini):
    indexed, loaded = open_indexed(mini), load_dataset(mini)
    assert list(indexed.events) == list(loaded.events)
    assert [indexed.events[i] for i in indexed.events] == list(loaded.events.values())
    assert indexed.sources == loaded.sources and indexed.figures == loaded.figures


def test_a_changed_file_is_read_again(capsys, mini):
    open_indexed(mini)
    path = mini / "events" / "kim-defects.yaml"
    path.write_text(path.read_text().replace("Kim Test-ho defects", "Kim Test-ho defects again"))
    out = json.loads(run(capsys, "--data", str(mini), "show", "kim-defects", "--json").out)
    assert out["title"] == "Kim Test-ho defects again"


def test_a_renamed_file_with_the_same_size_and_time_is_noticed(capsys, mini):
    open_indexed(mini)
    events = mini / "events"
    os.rename(events / "kim-defects.yaml", events / "kim-defects-renamed.yaml")  # keeps size and mtime
    result = run(capsys, "--data", str(mini), "timeline")
    assert result.code == 1
    assert result.err.splitlines()[0] == (f"{events}/kim-defects-renamed.yaml:1:1: kim-defects id: id 'kim-defects' "
                                          "must match the file name 'kim-defects-renamed'")


def test_an_edit_that_keeps_the_size_is_noticed(capsys, mini):
    open_indexed(mini)
    path = mini / "events" / "kim-defects.yaml"
    text = path.read_text()
    path.write_text(text.replace("Kim Test-ho defects", "Kim Test-ho DEFECTS"))
    assert len(path.read_text()) == len(text)
    assert json.loads(run(capsys, "--data", str(mini), "show", "kim-defects", "--json").out)["title"] == (
        "Kim Test-ho DEFECTS")


def test_a_removed_file_leaves_dangling_references(mini):
    open_indexed(mini)
    (mini / "events" / "yanji-strike.yaml").unlink()
    try:
        open_indexed(mini)
    except DataError as error:
        problems = [str(p) for p in error.problems]
    assert problems == [f"{mini}/events/tomsk-walkout.yaml:16:11: tomsk-walkout related[0]: no event has the id "
                        "'yanji-strike'"]


def _problems(read, root) -> list[str]:
    """The problems that read (open_indexed or load_dataset) reports for the dataset at root."""
    try:
        read(root)
    except DataError as error:
        return [str(p) for p in error.problems]
    return []


def test_problems_stay_right_through_a_series_of_small_changes(mini):
    """After each change the index reports what a full read of the YAML reports, no more and no fewer."""
    actor, event = mini / "actors" / "acme-works.yaml", mini / "events" / "tomsk-walkout.yaml"
    actor_text, event_text = actor.read_text(), event.read_text()
    changes = [
        lambda: actor.unlink(),                                           # a referenced record vanishes
        lambda: event.write_text(event_text.replace("yanji-strike", "yanji-strikes")),  # a new dangling reference
        lambda: actor.write_text(actor_text),                             # the record comes back
        lambda: actor.write_text(actor_text.replace("name:", "nme:")),    # its file breaks
        lambda: event.write_text(event_text),                             # the other reference is fixed
        lambda: actor.write_text(actor_text),                             # and the file is repaired
    ]
    seen = [_problems(open_indexed, mini)]
    for change in changes:
        change()
        seen.append(_problems(open_indexed, mini))
        assert seen[-1] == _problems(load_dataset, mini)
    assert seen[0] == seen[-1] == []
    assert all(seen[1:-1]), "every intermediate state has problems"


def test_a_broken_file_fails_every_time_not_only_the_first(mini):
    (mini / "events" / "kim-defects.yaml").write_text("id: [\n")
    for _ in range(2):
        try:
            open_indexed(mini)
            raise AssertionError("expected a DataError")
        except DataError as error:
            assert len(error.problems) == 1


def test_a_damaged_index_is_rebuilt(capsys, mini):
    open_indexed(mini)
    index_file(mini).write_bytes(b"not a database at all" * 100)
    assert run(capsys, "--data", str(mini), "list", "--json").code == 0


def test_two_processes_building_at_once_agree(mini):
    command = [sys.executable, "-m", "nkwatch", "--data", str(mini), "list", "--json"]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, env=os.environ.copy()) for _ in range(4)]
    outputs = [p.communicate()[0] for p in processes]
    assert all(p.returncode == 0 for p in processes)
    assert len({o for o in outputs}) == 1


def test_a_reference_to_a_broken_file_says_so_through_the_index(capsys, mini):
    (mini / "events" / "yanji-strike.yaml").write_text("id: yanji-strike\ntitle: [\n")
    result = run(capsys, "--data", str(mini), "validate")
    assert result.err.splitlines()[-2] == (
        f"{mini}/events/tomsk-walkout.yaml:16:11: tomsk-walkout related[0]: names the event 'yanji-strike', "
        "whose file has problems of its own (listed with it)")


def test_an_interrupted_first_build_leaves_nothing_behind(mini, monkeypatch):
    from nkwatch.cache import store

    def interrupted(*arguments):
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "store", interrupted)
    try:
        open_indexed(mini)
        raise AssertionError("expected KeyboardInterrupt")
    except KeyboardInterrupt:
        pass
    assert list(index_file(mini).parent.iterdir()) == []


def test_two_files_with_one_id_are_a_problem_not_a_silent_choice(capsys, mini):
    events = mini / "events"
    (events / "kim-defects.yml").write_text((events / "kim-defects.yaml").read_text())
    expected = (f"{events}/kim-defects.yml:1:1: kim-defects id: event id 'kim-defects' is already taken by "
                f"{events}/kim-defects.yaml; keep one of the two files")
    result = run(capsys, "--data", str(mini), "validate")
    assert (result.code, result.err.splitlines()) == (1, [expected, "nkwatch: the dataset has 1 problem"])
    try:
        load_dataset(mini)
        raise AssertionError("expected a DataError")
    except DataError as error:
        assert [str(problem) for problem in error.problems] == [expected]


def test_an_id_held_twice_after_an_update_of_a_valid_index_is_found_and_its_end_too(capsys, mini):
    # With no problem before the update, only the ids the files just read define are counted for duplicates.
    events = mini / "events"
    assert run(capsys, "--data", str(mini), "validate").code == 0
    (events / "kim-defects.yml").write_text((events / "kim-defects.yaml").read_text())
    result = run(capsys, "--data", str(mini), "validate")
    assert (result.code, result.err.splitlines()[-1]) == (1, "nkwatch: the dataset has 1 problem")
    assert "is already taken by" in result.err
    (events / "kim-defects.yml").unlink()
    assert run(capsys, "--data", str(mini), "validate").code == 0


class _Terminal(io.StringIO):
    """A stderr that says it is a terminal, and keeps what was written to it."""

    def isatty(self) -> bool:
        return True


def _slow_batches(count: int, pause: float):
    for _ in range(count):
        time.sleep(pause)
        yield {"files": [None] * 10}


@pytest.mark.parametrize(("after", "shown"), [(0.05, True), (60.0, False)])
def test_a_progress_bar_appears_on_stderr_only_once_reading_takes_longer_than_a_moment(monkeypatch, after, shown):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(progress, "PROGRESS_AFTER", after)
    batches = list(progress.with_progress(_slow_batches(8, 0.02), 80))
    assert len(batches) == 8
    assert ("Indexing the dataset" in terminal.getvalue()) is shown


def test_a_folder_that_appears_is_read_in_full(mini):
    open_indexed(mini)
    figures = mini / "figures"
    moved = mini.parent / "figures-aside"
    figures.rename(moved)
    assert open_indexed(mini).figures == {}
    moved.rename(figures)
    assert open_indexed(mini).figures == load_dataset(mini).figures != {}


EDITS = st.lists(st.tuples(st.sampled_from(["append", "restore", "remove", "rename", "copy"]),
                           st.integers(min_value=0, max_value=10)), min_size=1, max_size=8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_after_any_series_of_edits_the_index_reports_what_the_files_hold(tmp_path_factory, edits):
    """Whatever is edited, removed, renamed or added, and in whichever bucket, the index agrees with a full read."""
    root = tmp_path_factory.mktemp("edits") / "data"
    shutil.copytree(MINI, root)
    originals = {path: path.read_bytes() for path in sorted(root.glob("*/*.yaml"))}
    tick = time.time_ns() - 10**12
    open_indexed(root)
    for step, (edit, number) in enumerate(edits):
        path = list(originals)[number % len(originals)]
        target = _edit(path, edit, step, originals[path])
        if target is not None and target.exists():
            tick += 10**9  # a second apart, as edits by hand are: the file system's clock may tick more coarsely
            os.utime(target, ns=(tick, tick))
        assert _problems(open_indexed, root) == _problems(load_dataset, root)
        if not _problems(load_dataset, root):
            indexed, loaded = open_indexed(root), load_dataset(root)
            assert [indexed.events[i] for i in indexed.events] == list(loaded.events.values())
            assert (indexed.sources, indexed.actors, indexed.figures) == (loaded.sources, loaded.actors, loaded.figures)


def _edit(path, edit: str, step: int, original: bytes):
    """Make one edit to the file at path; the file whose time the edit set, if any."""
    if edit == "append" and path.exists():
        path.write_bytes(path.read_bytes() + f"# edit {step}\n".encode())
    elif edit == "restore":
        path.write_bytes(original)
    elif edit == "remove":
        path.unlink(missing_ok=True)
    elif edit == "rename" and path.exists():
        target = path.with_name(f"renamed-{step}.yaml")
        path.rename(target)
        return target
    elif edit == "copy" and path.exists():
        target = path.with_name(f"{path.stem}-copy-{step}.yaml")
        target.write_bytes(path.read_bytes())
        return target
    return path


@pytest.mark.parametrize("given", [
    {}, {"country": ["russia"]}, {"country": ["russia", "china"]}, {"theme": ["defection"]},
    {"country": ["china"], "theme": ["repatriation"]}, {"country": ["russia"], "since": "2017"},
    {"source": ["joongang-2024-03-13"]}, {"actor": ["ningpo"]}, {"country": ["china"], "text": ["ningpo"]},
])
def test_the_count_of_a_selection_is_its_length(given):
    from nkwatch.query import count_events, resolve_filters, select_events

    dataset = open_indexed(None)
    filters = resolve_filters(dataset, **given)
    assert count_events(dataset, filters) == len(select_events(dataset, filters)) > 0


def test_an_edit_within_one_tick_of_the_clock_after_the_file_was_read_is_noticed(mini):
    """A file system's clock ticks coarsely (every few ms on ext4, 2 s on FAT): a file rewritten at the same size
    soon after the index read it can keep its modification time. The index reads such a file again until it has
    been still for a while."""
    path = mini / "events" / "kim-defects.yaml"
    text = path.read_text()
    path.write_text(text)  # modified just now, as by an editor or a script a moment before the command
    open_indexed(mini)
    stamp = path.stat().st_mtime_ns
    path.write_text(text.replace("Kim Test-ho defects", "Kim Test-ho DEFECTS"))  # the same size
    os.utime(path, ns=(stamp, stamp))  # and the clock has not ticked since
    assert open_indexed(mini).events["kim-defects"].title == "Kim Test-ho DEFECTS"
