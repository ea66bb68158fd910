"""Shared fixtures: tests never read the user's environment or cache, and run the CLI in-process."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
BROKEN = FIXTURES / "broken"


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch, tmp_path):
    """No NKWATCH_DATA from the developer's shell, no colour, a private cache folder, an 80-column terminal."""
    monkeypatch.delenv("NKWATCH_DATA", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # the terminal layout, as a user sees it; piped tests set it to 0
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def nk(capsys):
    """Run nkwatch on the bundled dataset (modules that test a fixture dataset define their own ``nk``)."""
    from clirun import run

    return lambda *args: run(capsys, *args)


@pytest.fixture(scope="module")
def dataset():
    """The bundled dataset, read once per module."""
    from nkwatch.loader import load_dataset

    return load_dataset()


@pytest.fixture
def mini(tmp_path) -> Path:
    """A writable copy of the small valid fixture dataset."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def with_broken_event(dataset: Path, case: str) -> Path:
    """Drop the broken fixture file CASE into the dataset's events folder, under its own name."""
    target = dataset / "events" / f"{case}.yaml"
    shutil.copyfile(BROKEN / f"{case}.yaml", target)
    return target


def _as_on_windows() -> None:
    """With NKWATCH_TEST_NO_FORK=1: no os.fork, no os.O_DIRECTORY, and every descriptor-relative call (dir_fd=)
    raising NotImplementedError, as on Windows, so that the suite proves nkwatch needs none of them."""
    import functools
    import os

    for name in ("fork", "forkpty", "O_DIRECTORY"):
        if hasattr(os, name):
            delattr(os, name)
    for name in sorted(os.supports_dir_fd, key=lambda function: function.__name__):
        @functools.wraps(name)
        def refusing(*args, _real=name, **kwargs):
            if kwargs.get("dir_fd") is not None or kwargs.get("src_dir_fd") is not None \
                    or kwargs.get("dst_dir_fd") is not None:
                raise NotImplementedError(f"{_real.__name__}: dir_fd unavailable on this platform")
            return _real(*args, **kwargs)

        setattr(os, name.__name__, refusing)
    os.supports_dir_fd = set()
    shutil._use_fd_functions = False  # rmtree chose its descriptor-relative walk when imported, before this ran


if os.environ.get("NKWATCH_TEST_NO_FORK") == "1":
    _as_on_windows()
