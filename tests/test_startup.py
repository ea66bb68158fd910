"""Start-up stays lazy: a command imports only what it uses (timings belong in bench/, not here)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import MINI

# Runs `python -m nkwatch` and writes sys.modules on exit (-X importtime misses importlib.import_module).
RUN_AND_LIST_MODULES = """
import atexit, os, runpy, sys
atexit.register(lambda: open(os.environ["MODULES_FILE"], "w").write("\\n".join(sys.modules)))
sys.argv = ["nkwatch", *sys.argv[1:]]
runpy.run_module("nkwatch", run_name="__main__", alter_sys=True)
"""


def imported_modules(*args: str, cache) -> set[str]:
    """The modules a whole `python -m nkwatch --data MINI ARGS` process has imported when it exits."""
    listing = cache / "modules.txt"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "NO_COLOR": "1", "MODULES_FILE": str(listing)}
    result = subprocess.run([sys.executable, "-c", RUN_AND_LIST_MODULES, "--data", str(MINI), *args],
                            capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    return set(listing.read_text().split("\n"))


HEAVY = {"yaml", "rapidfuzz", "dateutil", "nkwatch.export.html", "nkwatch.export.csv", "nkwatch.schemacheck",
         "nkwatch.lookup", "rich.markdown", "rich.traceback"}


@pytest.mark.parametrize(("args", "allowed"), [
    (["timeline"], set()),
    (["show", "tomsk-walkout"], {"nkwatch.lookup"}),
    (["list", "--country", "RU"], set()),
    (["export", "--format", "csv"], {"nkwatch.export.csv"}),
    (["--help"], set()),
    (["show", "--help"], set()),
])
def test_a_command_on_an_indexed_dataset_imports_only_what_it_uses(tmp_path, args, allowed):
    imported_modules("validate", cache=tmp_path)  # builds the index, which does read YAML
    assert imported_modules(*args, cache=tmp_path) & HEAVY == allowed


PIPED_LISTINGS = [["timeline", "--country", "RU"], ["list"], ["search", "walkout"], ["facts", "wage"], ["stats"],
                  ["actors"], ["cite", "tomsk-walkout"], ["export", "--format", "csv"], ["validate"]]


@pytest.mark.parametrize("args", PIPED_LISTINGS, ids=" ".join)
def test_a_piped_listing_never_imports_rich(tmp_path, monkeypatch, args):
    monkeypatch.delenv("TTY_COMPATIBLE")
    imported_modules("validate", cache=tmp_path)
    assert not {name for name in imported_modules(*args, cache=tmp_path) if name.split(".")[0] == "rich"}


def test_a_piped_event_page_never_imports_richs_console(tmp_path, monkeypatch):
    monkeypatch.delenv("TTY_COMPATIBLE")
    monkeypatch.delenv("COLUMNS")  # as shells leave it (unexported): with it, Rich reads it
    imported_modules("validate", cache=tmp_path)
    assert "rich.console" not in imported_modules("show", "tomsk-walkout", cache=tmp_path)


def test_the_terminal_layout_does_import_rich(tmp_path):
    assert os.environ["TTY_COMPATIBLE"] == "1"  # conftest's: the terminal layout in a pipe
    imported_modules("validate", cache=tmp_path)
    assert "rich.text" in imported_modules("timeline", cache=tmp_path)


LIST_COMMANDS = """
import sys
from nkwatch.cli import app, main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(",".join(info.name for info in app.registered_commands), file=sys.stderr)
"""


@pytest.mark.parametrize(("args", "handed"), [
    (["timeline"], "timeline"), (["show", "tomsk-walkout"], "show"), (["stats"], "stats"),
    (["timelin"], "19 commands"), (["--help"], "19 commands"),
])
def test_typer_is_handed_only_the_command_that_runs(tmp_path, args, handed):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-c", LIST_COMMANDS, "--data", str(MINI), *args],
                            capture_output=True, text=True, env=env, check=False)
    names = result.stderr.strip().splitlines()[-1].split(",")
    assert (names[0] if len(names) == 1 else f"{len(names)} commands") == handed


def test_a_misspelt_name_loads_the_fuzzy_matcher(tmp_path):
    imported_modules("validate", cache=tmp_path)
    assert "rapidfuzz" in imported_modules("show", "tomsk walkot", cache=tmp_path)


@pytest.mark.parametrize(("arguments", "expected"), [
    ([], True), (["--help"], True), (["show", "-h"], True), (["timeline"], False),
    (["search", "--", "--help"], False),
])
def test_help_is_recognised_before_typer_sees_the_command_line(arguments, expected):
    from nkwatch.cli.helpscreen import wants_help

    assert wants_help(arguments) is expected


# In a fresh interpreter: this one's sys.modules may already hold what the test is about.
LOAD_HELP_RENDERER = """
import sys
from nkwatch.cli import helpscreen
helpscreen._UNUSED = {"rich.markdown": (), "rich.traceback": ("Traceback",)} if sys.argv[1] == "refused" else \
    helpscreen._UNUSED
helpscreen.load_help_renderer()
import typer.rich_utils as rich_utils
print(rich_utils.Markdown.__module__, "rich.markdown" in sys.modules, "rich.traceback" in sys.modules)
"""


@pytest.mark.parametrize(("case", "printed"), [
    ("standing in", "nkwatch.cli.helpscreen False False"),
    ("refused", "rich.markdown True True"),  # a placeholder asked for a name it lacks: the ordinary import
])
def test_the_help_renderer_loads_without_markdown_or_falls_back_to_the_ordinary_import(case, printed):
    result = subprocess.run([sys.executable, "-c", LOAD_HELP_RENDERER, case], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split("\n")[0] == printed


def test_a_stand_in_makes_the_real_thing_when_called():
    from rich.markdown import Markdown

    from nkwatch.cli.helpscreen import _stand_in

    assert isinstance(_stand_in("rich.markdown", "Markdown")("*hi*"), Markdown)


# A handler registered during the run, and a print left unflushed in the buffer, as a fast exit could lose them.
RUN_WITH_EXIT_HANDLER = """
import atexit, runpy, sys
atexit.register(lambda: print("exit handler ran", file=sys.stderr))
sys.argv = ["nkwatch", *sys.argv[1:]]
runpy.run_module("nkwatch", run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize(("args", "code"), [(["timeline"], 0), (["show", "no-such-event"], 3), (["--bogus"], 2)])
def test_the_quick_exit_keeps_the_exit_code_the_output_the_handlers_and_closes_the_index(tmp_path, args, code):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-c", RUN_WITH_EXIT_HANDLER, "--data", str(MINI), *args],
                            capture_output=True, text=True, env=env, check=False)
    assert result.returncode == code
    assert result.stderr.splitlines()[-1] == "exit handler ran"
    assert (result.stdout != "") == (code == 0)
    left = sorted(p.name for p in (tmp_path / "nkwatch").iterdir()) if (tmp_path / "nkwatch").exists() else []
    assert not [name for name in left if name.endswith(("-wal", "-shm"))], "the index was left open"


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.05, 0.1, 0.2, 0.4])
def test_ctrl_c_at_any_moment_exits_130_with_no_traceback(tmp_path, delay):
    """Ctrl-C during the interpreter's start, the imports, the first build or the output: one line at most."""
    import signal
    import time

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "nkwatch", "--data", str(MINI), "validate"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    import re

    if "Traceback" in err and ("nkwatch" not in err or re.search(r'__main__\.py", line 1[01], in <module>', err)):
        # "Failed to import the site module", runpy, or __main__.py's first two lines, importing os and signal
        pytest.skip("the signal came while Python itself was starting, before any of nkwatch's code ran")
    # 130 from nkwatch; -SIGINT when the signal came before Python could handle it (a shell shows 130 for both);
    # 0 when the command had already finished.
    assert process.returncode in (130, -signal.SIGINT, 0), err
    assert "Traceback" not in err and len(err.splitlines()) <= 1, err


def test_command_modules_give_typer_annotations_it_need_not_evaluate():
    from pathlib import Path

    import nkwatch.cli
    from nkwatch.cli.commands import COMMAND_MODULES

    folder = Path(nkwatch.cli.__file__).parent
    for module in sorted({*COMMAND_MODULES.values(), "__init__", "options"}):
        assert "from __future__ import annotations" not in (folder / f"{module}.py").read_text(), module
