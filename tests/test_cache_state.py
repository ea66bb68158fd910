"""The index never gives a stale or wrong answer: whatever happens to the files or to the index itself, what a
command prints through the index is what it prints from an empty cache."""

from __future__ import annotations

import gc
import itertools
import os
import random
import shutil

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from clirun import run
from conftest import MINI
from nkwatch.cache import build, open_dataset
from nkwatch.cache.location import index_path
from nkwatch.loader import load_dataset

COMMANDS = (("validate",), ("export", "--format", "json"), ("show", "kim-defects", "--json"))


def answers(capsys, root, cache) -> list[tuple[int, str, str]]:
    """What each of COMMANDS prints on the dataset at root, with the given cache folder."""
    os.environ["XDG_CACHE_HOME"] = str(cache)
    found = []
    for command in COMMANDS:
        result = run(capsys, "--data", str(root), *command)
        found.append((result.code, result.out, result.err))
    return found


@pytest.mark.parametrize("listing_chunk", [build.LISTING_CHUNK, 2], ids=["one-chunk", "chunks-of-two"])
def test_after_any_series_of_changes_the_index_answers_as_an_empty_cache_does(capsys, tmp_path, monkeypatch,
                                                                              listing_chunk):
    """Adds, edits of the same size and not, renames, deletions, touches and copies, in any order; with chunks of
    two files, the comparison of only the changed chunks' files is taken whenever at most three chunks changed."""
    monkeypatch.setattr(build, "LISTING_CHUNK", listing_chunk)
    monkeypatch.setattr(build, "CHUNKS_COMPARED_AT_MOST", 3 if listing_chunk == 2 else build.CHUNKS_COMPARED_AT_MOST)
    compared = []
    chunk_differences = build._chunk_differences
    monkeypatch.setattr(build, "_chunk_differences", lambda *args: compared.append(chunk_differences(*args))
                        or compared[-1])

    runs = itertools.count()

    class Changes(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.base = tmp_path / f"run-{next(runs)}"
            self.root = self.base / "data"
            shutil.copytree(MINI, self.root)
            self.tick = 1_700_000_000 * 10**9  # long ago: only the diff, not the clock-tick rule, sees the edits
            self.fresh = 0
            for path in self.root.rglob("*.yaml"):
                self._stamp(path)
            answers(capsys, self.root, self.base / "kept")

        def _stamp(self, path) -> None:
            self.tick += 10**9  # a second apart, as edits by hand are
            os.utime(path, ns=(self.tick, self.tick))

        def _file(self, number: int):
            files = sorted(self.root.glob("*/*.y*ml"))
            return files[number % len(files)] if files else None

        @rule(number=st.integers(0, 50))
        def edit_keeping_the_size(self, number):
            path = self._file(number)
            if path is not None:
                text = path.read_text(encoding="utf-8")
                path.write_text(text.replace("title: ", "title: X", 1).replace("\n\n", "\n", 1)
                                if "\n\n" in text else text.swapcase(), encoding="utf-8")
                self._stamp(path)

        @rule(number=st.integers(0, 50))
        def edit_changing_the_size(self, number):
            path = self._file(number)
            if path is not None:
                path.write_text(path.read_text(encoding="utf-8") + "# an edit\n", encoding="utf-8")
                self._stamp(path)

        @rule(number=st.integers(0, 50), suffix=st.sampled_from(["-2", "s", ".yml", "-renamed"]))
        def rename(self, number, suffix):
            path = self._file(number)
            if path is not None:  # a rename keeps the size and the modification time
                target = path.with_suffix(".yml") if suffix == ".yml" else path.with_name(path.stem + suffix + ".yaml")
                if not target.exists():
                    path.rename(target)

        @rule(number=st.integers(0, 50))
        def delete(self, number):
            path = self._file(number)
            if path is not None:
                path.unlink()

        @rule(number=st.integers(0, 50))
        def touch(self, number):
            path = self._file(number)
            if path is not None:
                self._stamp(path)

        @rule(number=st.integers(0, 50))
        def copy(self, number):
            path = self._file(number)
            if path is not None:
                target = path.with_name(f"{path.stem}-copy.yaml")
                shutil.copyfile(path, target)
                self._stamp(target)

        @rule(number=st.integers(0, 50))
        def restore(self, number):
            originals = sorted(MINI.glob("*/*.yaml"))
            original = originals[number % len(originals)]
            target = self.root / original.parent.name / original.name
            shutil.copyfile(original, target)
            self._stamp(target)

        @invariant()
        def the_index_answers_as_an_empty_cache(self):
            self.fresh += 1
            expected = answers(capsys, self.root, self.base / f"empty-{self.fresh}")
            assert answers(capsys, self.root, self.base / "kept") == expected

    run_state_machine_as_test(Changes, settings=settings(
        max_examples=8, stateful_step_count=6, deadline=None, suppress_health_check=list(HealthCheck)))
    assert any(found is not None and found[0] for found in compared)  # the chunk comparison found edits itself


def _damaged_copy(pristine: bytes, rng: random.Random) -> bytes:
    data = bytearray(pristine)
    for _ in range(rng.randint(1, 4)):
        offset = rng.randrange(len(data))
        size = min(rng.randint(1, 16), len(data) - offset)
        data[offset:offset + size] = rng.randbytes(size)
    return bytes(data)


@pytest.mark.parametrize("trial", range(20))
def test_an_index_damaged_anywhere_gives_the_same_answer_and_no_traceback(capsys, mini, tmp_path, trial):
    cache = tmp_path / "cache"
    expected = answers(capsys, mini, cache)
    gc.collect()  # the in-process runs' connections closed, their log folded into the index file
    location = index_path(mini)
    pristine = location.read_bytes()
    rng = random.Random(trial)
    for _ in range(3):
        for suffix in ("-wal", "-shm"):
            location.with_name(location.name + suffix).unlink(missing_ok=True)
        location.write_bytes(_damaged_copy(pristine, rng))
        assert answers(capsys, mini, cache) == expected
        gc.collect()


def test_a_truncated_index_is_rebuilt(capsys, mini, tmp_path):
    cache = tmp_path / "cache"
    expected = answers(capsys, mini, cache)
    gc.collect()
    location = index_path(mini)
    location.write_bytes(location.read_bytes()[:5000])
    assert answers(capsys, mini, cache) == expected


def test_a_read_only_cache_folder_answers_from_the_yaml(capsys, mini, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    cache = tmp_path / "cache"
    expected = answers(capsys, mini, cache)
    folder = index_path(mini).parent
    gc.collect()
    retitled = mini / "events" / "kim-defects.yaml"
    retitled.write_text(retitled.read_text().replace("title: ", "title: Now ", 1))
    folder.chmod(0o500)
    try:
        after = answers(capsys, mini, cache)
    finally:
        folder.chmod(0o700)
    assert after != expected and after == answers(capsys, mini, tmp_path / "fresh")


def test_an_unwritable_cache_answers_from_the_yaml(capsys, mini, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    expected = answers(capsys, mini, tmp_path / "cache")
    assert answers(capsys, mini, blocker) == expected


def test_worker_processes_started_with_spawn_build_what_one_process_builds(mini, monkeypatch):
    monkeypatch.setattr(build, "PARALLEL_FROM", 1)
    monkeypatch.setattr(build, "CHUNK", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    dataset = open_dataset(mini)
    loaded = load_dataset(mini)
    assert [dataset.events[i] for i in dataset.events] == list(loaded.events.values())
    assert (dataset.sources, dataset.actors, dataset.figures) == (loaded.sources, loaded.actors, loaded.figures)


@pytest.mark.skipif(os.environ.get("NKWATCH_TEST_NO_FORK") != "1", reason="only with NKWATCH_TEST_NO_FORK=1")
def test_the_switch_removes_fork_and_descriptor_relative_calls():
    assert not hasattr(os, "fork") and not hasattr(os, "O_DIRECTORY")
    with pytest.raises(NotImplementedError):
        os.stat("x", dir_fd=0)
