"""Shared fixtures: tests never read the user's environment or cache, and run the CLI in-process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
BROKEN = FIXTURES / "broken"


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch, tmp_path):
    """No NKWATCH_DATA from the developer's shell, no colour, a private cache folder, 80 columns."""
    monkeypatch.delenv("NKWATCH_DATA", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


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
