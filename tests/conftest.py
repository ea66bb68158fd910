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


def compiled(module: str, name: str):
    """A function of one of nkwatch's C extensions; the test skips when it was not built, and fails instead where CI
    sets NKWATCH_REQUIRE_EXTENSION, so that a build that silently lost it is seen."""
    from nkwatch.speedups import compiled as found

    function = found(module, name)
    if function is None:
        if os.environ.get("NKWATCH_REQUIRE_EXTENSION"):
            pytest.fail(f"nkwatch.{module} was not built (is there a C compiler, and libyaml-dev?)")
        pytest.skip(f"nkwatch.{module} was not built")
    return function


def compiled_bucket_sums():
    """The C extension's stat loop (see compiled)."""
    return compiled("_statsums", "bucket_sums")


@pytest.fixture(params=["compiled", "python"])
def stat_loop(request, monkeypatch):
    """Run the test once with each way of summing the files' stats: the C extension and the Python loop."""
    from nkwatch import freshness

    loop = compiled_bucket_sums() if request.param == "compiled" else freshness.python_bucket_sums
    monkeypatch.setattr(freshness, "_bucket_sums", loop)
    return loop


@pytest.fixture(params=["compiled", "python"])
def yaml_walk(request, monkeypatch):
    """Run the test once with each walk of the YAML reader: the C one (which leaves whatever it would have to
    report to the Python one) and the Python one alone."""
    from nkwatch import yamlread

    walk = compiled("_yamlfast", "parse") if request.param == "compiled" else False
    monkeypatch.setattr(yamlread, "_compiled_walk", walk)
    return walk


@pytest.fixture(params=["compiled", "python"])
def csv_lines(request, monkeypatch):
    """Run the test once with each maker of CSV lines: the C extension and the Python function."""
    from nkwatch.export import csv as csv_export

    maker = compiled("_csvline", "csv_line") if request.param == "compiled" else False
    monkeypatch.setattr(csv_export, "_compiled_csv_line", maker)
    return maker
