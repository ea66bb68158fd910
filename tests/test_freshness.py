"""The freshness check started ahead of the imports: it agrees with the plain check, and a command that read a
stale index ahead of it runs again and prints only current data, once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nkwatch import freshness
from nkwatch.index import open_dataset

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
from generate import generate


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Path:
    """A dataset big enough that the command line checks its freshness ahead, in worker processes."""
    root = tmp_path_factory.mktemp("large") / "data"
    generate(root, 7000)
    assert os.stat(root / "events").st_size >= freshness.PREFETCH_FROM_BYTES, "too small to be checked ahead"
    return root


def nkwatch(root: Path, cache: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the installed command line in its own process, as a user would."""
    env = {**os.environ, "NKWATCH_DATA": str(root), "XDG_CACHE_HOME": str(cache), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "nkwatch", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def retitle(root: Path, number: int, title: str) -> Path:
    """Give one event a new title, changing its file's size."""
    path = root / "events" / f"event-{number:06d}.yaml"
    text = path.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("title: "))
    path.write_text(text.replace(old, f"title: {title}", 1), encoding="utf-8")
    return path


def test_the_check_started_ahead_agrees_with_the_plain_check(mini, monkeypatch):
    monkeypatch.setattr(freshness, "PREFETCH_FROM_BYTES", 0)
    freshness.start(mini)
    assert freshness.deferred(mini)
    ahead = freshness.check(mini)
    assert not freshness.deferred(mini)  # used once
    plain = freshness.check(mini)
    assert (ahead.fingerprint, ahead.buckets) == (plain.fingerprint, plain.buckets)
    assert ahead.fingerprint.count("|") == len(freshness.RECORD_FOLDERS)
    assert sum(count for count, _, _ in ahead.buckets["events"]) == len(os.listdir(mini / "events"))


def test_the_check_started_ahead_sees_a_change_made_after_the_index(mini, monkeypatch):
    open_dataset(mini)
    monkeypatch.setattr(freshness, "PREFETCH_FROM_BYTES", 0)
    before = freshness.fingerprint(mini)
    (mini / "events" / "kim-defects.yaml").write_text(
        (mini / "events" / "kim-defects.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    freshness.start(mini)
    assert freshness.fingerprint(mini) != before


def test_a_small_dataset_is_not_checked_ahead(mini):
    freshness.start(mini)
    assert not freshness.deferred(mini)


def test_help_and_completion_start_no_check(large):
    freshness.start_for_command_line(["--data", str(large), "timeline", "--help"], {})
    freshness.start_for_command_line(["timeline"], {"NKWATCH_DATA": str(large), "_NKWATCH_COMPLETE": "x"})
    assert not freshness.deferred(large)


def test_a_command_on_a_stale_index_prints_the_current_data_once(large, tmp_path):
    cache = tmp_path / "cache"
    assert nkwatch(large, cache, "validate").returncode == 0
    retitle(large, 3, "Marker title after the index was built")
    shown = nkwatch(large, cache, "show", "event-000003")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count("Marker title after the index was built") == 1
    listed = nkwatch(large, cache, "timeline", "--text", "Marker", "--limit", "0")
    assert listed.stdout.count("Marker title") == 1
    assert listed.stdout.count("\n") < 10  # one event's lines, not a stale listing followed by a fresh one


def test_an_export_of_a_stale_index_has_one_header_and_the_current_rows(large, tmp_path):
    cache = tmp_path / "cache"
    assert nkwatch(large, cache, "validate").returncode == 0
    retitle(large, 4, "Second marker for the export")
    exported = nkwatch(large, cache, "export", "--format", "csv")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.count("Second marker for the export") == 1
    assert exported.stdout.count("id,title,date,") == 1
    assert len(exported.stdout.splitlines()) == 7001  # a header and every event, once
    retitle(large, 5, "Third marker, written to a file")
    target = tmp_path / "all.csv"
    written = nkwatch(large, cache, "export", "-o", str(target))
    assert written.returncode == 0, written.stderr
    assert target.read_text(encoding="utf-8").count("Third marker, written to a file") == 1


def test_a_file_broken_after_the_index_was_built_is_reported_not_hidden(large, tmp_path):
    cache = tmp_path / "cache"
    assert nkwatch(large, cache, "validate").returncode == 0
    path = large / "events" / "event-000006.yaml"
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original.replace("title: ", "titel: ", 1), encoding="utf-8")
        shown = nkwatch(large, cache, "timeline", "--limit", "5")
        assert shown.returncode == 1
        assert shown.stdout == ""
        assert "event-000006.yaml:3" in shown.stderr
    finally:
        path.write_text(original, encoding="utf-8")


def _date_folders(root: Path, seconds_ago: float) -> None:
    """Give the dataset's record folders a modification time this long before now."""
    import time

    when = time.time() - seconds_ago
    for folder in freshness.RECORD_FOLDERS:
        if (root / folder).is_dir():
            os.utime(root / folder, (when, when))


def test_a_kept_listing_gives_the_fingerprint_listing_the_folders_gives(mini):
    _date_folders(mini, 0)
    listed = freshness.fingerprint(mini)
    assert not os.path.exists(freshness.listing_path(mini)), "folders changed just now are not kept"
    _date_folders(mini, 60)
    listed = freshness.fingerprint(mini)
    assert os.path.exists(freshness.listing_path(mini))
    assert freshness.fingerprint(mini) == listed


def test_a_file_added_beside_a_kept_listing_is_noticed(mini):
    _date_folders(mini, 60)
    before = freshness.fingerprint(mini)
    (mini / "events" / "extra.yaml").write_text("id: extra\n")
    after = freshness.fingerprint(mini)
    assert after != before
    assert after.split("|")[4].split(":")[2] == str(len(os.listdir(mini / "events")))  # the count, listed again


def test_a_listing_cut_short_is_not_used(mini):
    _date_folders(mini, 60)
    listed = freshness.fingerprint(mini)
    kept = Path(freshness.listing_path(mini))
    kept.write_bytes(kept.read_bytes().rsplit(b"\0", 1)[0])  # the last name lost
    assert freshness.fingerprint(mini) == listed
