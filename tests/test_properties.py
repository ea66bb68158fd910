"""Property-based tests (Hypothesis): whatever the YAML and whatever the options, nkwatch gives a result or a clean
error, never a traceback.

The loader gets mutated copies of the fixture files, random YAML documents and random bytes: it must return a
Dataset or raise DataError. Every command gets random option and argument values through the CLI: it must exit
0, 1, 2 or 3. Each test keeps to a few seconds (``max_examples`` below).
"""

from __future__ import annotations

import csv
import io
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clirun import run
from conftest import MINI
from nkwatch.errors import DataError
from nkwatch.export.csv import csv_line, starts_formula
from nkwatch.loader import load_dataset
from nkwatch.yamlread import YamlProblem, decode_text, parse_document

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CLI = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

ORIGINALS = {p.relative_to(MINI): p.read_bytes() for p in sorted(MINI.rglob("*.yaml"))}
SNIPPETS = [b":", b": ", b"- ", b"[", b"]", b"{", b"}", b"&a ", b"*a", b"!!python/object:os.system ", b"\n", b"  ",
            b"'", b'"', b"#", b"|", b">", b"\t", b"\x00", b"\xff", b"\xc3", b"~", b"null", b"2016-13", b"? ",
            b"---\n", b"%YAML 1.1\n", b"<<: *a\n", b"\x1b[2J", b"\xe2\x80\xae", b"0o17", b"1e9", b".inf", b"yes",
            b"id: other\n", b"[" * 20]


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory) -> Path:
    """A copy of the mini dataset whose files the loader tests overwrite, one example at a time."""
    root = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(MINI, root)
    return root


def restore(root: Path) -> None:
    """Put every fixture file back as it was before the last example."""
    for name, data in ORIGINALS.items():
        (root / name).write_bytes(data)
    for extra in root.glob("events/fuzz*.yaml"):
        extra.unlink()


def loads_or_data_error(root: Path) -> None:
    """The property: loading gives a Dataset or a DataError whose problems all name a file."""
    try:
        load_dataset(root)
    except DataError as error:
        assert error.problems
        assert all(str(problem).startswith(str(root)) for problem in error.problems)
        assert all("\n" not in str(problem) for problem in error.problems)


@st.composite
def mutations(draw) -> tuple[Path, bytes]:
    """A fixture file and its bytes after a few insertions, deletions, replacements and line shuffles."""
    name = draw(st.sampled_from(sorted(ORIGINALS)))
    data = bytearray(ORIGINALS[name])
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "bytes", "lines"]))
        if kind == "insert":
            data[at:at] = draw(st.sampled_from(SNIPPETS))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 12))]
        elif kind == "replace":
            data[at:at + 1] = draw(st.sampled_from(SNIPPETS))
        elif kind == "bytes":
            data[at:at] = draw(st.binary(max_size=8))
        else:
            lines = bytes(data).split(b"\n")
            data = bytearray(b"\n".join(draw(st.permutations(lines))))
    return name, bytes(data)


@FAST
@given(mutation=mutations())
def test_loader_survives_mutated_files(fuzz_root, mutation):
    name, data = mutation
    restore(fuzz_root)
    (fuzz_root / name).write_bytes(data)
    loads_or_data_error(fuzz_root)


SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(["id", "title", "date", "countries", "themes", "summary", "sources", "attestation", "people",
                     "actors", "related", "source", "basis", "min", "max"]) | st.text(max_size=8), inner,
    max_size=5), max_leaves=25)


@FAST
@given(document=DOCUMENTS)
def test_loader_survives_random_documents(fuzz_root, document):
    restore(fuzz_root)
    (fuzz_root / "events" / "fuzz.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    loads_or_data_error(fuzz_root)


@FAST
@given(data=st.binary(max_size=300))
def test_reader_survives_random_bytes(data):
    try:
        parse_document(decode_text(data))
    except YamlProblem as problem:
        assert "\n" not in problem.message


# ---- every command, random option values ------------------------------------------------------------------------

INTERESTING = ["", " ", "-", "--", "--json", "-h", "0", "-1", "99999999999999999999", "2016", "2016-08", "2016-13",
               "2016-02-30", "Aug 2016", "../2016", "2016/..", "RU", "russia", "XX", "DPRK", "defection", "tomsk",
               "kim-defects", "Thae Yong-ho", "[bold]x[/]", "\x1b[2J", "\u202e", "x" * 300, "..", ".", "~", "csv",
               "json", "date", "people", "Ningpo 13"]
# No "/" (a random path stays inside the test's working folder), no NUL (argv cannot hold one) and no lone
# surrogates (what Python makes of non-UTF-8 bytes in argv): pytest's capture writes them strictly where a real
# stderr would not, so they are tried through real processes below.
TEXT = st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), max_size=25)
VALUES = st.sampled_from(INTERESTING) | TEXT


def command_params() -> dict[str, list]:
    """Each registered command's Click parameters, the export commands too when they are registered."""
    import typer.main

    from nkwatch.cli import app
    from nkwatch.cli.commands import register

    register([])  # every command module
    group = typer.main.get_command(app)
    return {name: list(command.params) for name, command in group.commands.items()}


COMMANDS = command_params()


@st.composite
def invocations(draw) -> list[str]:
    """A command line: one command with a random subset of its options and random values for each."""
    name = draw(st.sampled_from(sorted(COMMANDS)))
    args = [name]
    for param in COMMANDS[name]:
        if not draw(st.booleans()):
            continue
        if param.param_type_name == "argument":
            args.append(draw(VALUES))
        elif getattr(param, "is_flag", False):
            args.append(param.opts[0])
        else:
            for _ in range(draw(st.integers(1, 2)) if param.multiple else 1):
                args += [draw(st.sampled_from(param.opts)), draw(VALUES)]
    if draw(st.integers(0, 9)) == 0:
        args.insert(draw(st.integers(1, len(args))), draw(VALUES))
    return args


@pytest.fixture
def workdir(tmp_path, monkeypatch, mini) -> Path:
    """A working folder of the test's own (files a command writes land there) and empty standard input."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    return work


@CLI
@given(args=invocations())
def test_every_command_gives_a_result_or_a_clean_error(capsys, workdir, mini, args):
    result = run(capsys, "--data", str(mini), *args)
    assert result.code in (0, 1, 2, 3), (args, result.err)
    assert "Traceback" not in result.err


@CLI
@given(data=VALUES, args=invocations())
def test_any_dataset_option_gives_a_result_or_a_clean_error(capsys, workdir, data, args):
    result = run(capsys, "--data", data, *args)
    assert result.code in (0, 1, 2, 3), (data, args, result.err)
    assert "Traceback" not in result.err


@pytest.mark.parametrize("args", [
    ["--data", "\udcff", "timeline"],
    ["timeline", "--text", "\udcff"],
    ["search", "\udcff"],
    ["timeline", "--country", "\udcff"],
    ["show", "\udcff"],
])
def test_non_utf8_arguments_through_a_real_process(tmp_path, mini, args):
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("NKWATCH_DATA", "FORCE_COLOR")}
    env.update(NO_COLOR="1", XDG_CACHE_HOME=str(tmp_path / "cache"))
    argv = [os.fsencode(a) for a in ["--data", str(mini), *args]]
    result = subprocess.run([sys.executable.encode(), b"-m", b"nkwatch", *argv], capture_output=True, env=env,
                            cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith(b"nkwatch: argument ") and result.stderr.endswith(b" is not UTF-8 text\n")


def _paths(value, path=()):
    """Every path in a nested value, the root's () included."""
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield from _paths(item, (*path, key))


def _texts(value):
    """A parsed value with each Scalar replaced by its text."""
    if isinstance(value, dict):
        return {key: _texts(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_texts(item) for item in value]
    return value.text


# Text YAML can hold as written: no control characters or line separators (YAML reads U+0085 as a line break).
YAML_TEXT = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85\ufeff")
NESTED_TEXT = st.recursive(
    st.text(YAML_TEXT, max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(YAML_TEXT, min_size=1, max_size=6), inner,
                                                                max_size=4),
    max_leaves=20)


@FAST
@given(value=NESTED_TEXT, flow=st.booleans())
def test_any_nesting_of_mappings_lists_and_text_reads_back_as_written(value, flow):
    document = parse_document(yaml.safe_dump({"root": value}, default_flow_style=flow, allow_unicode=True))
    assert _texts(document.root) == {"root": value}
    assert set(document.marks) == set(_paths({"root": value}))


@FAST
@given(st.text())
def test_the_printable_text_shortcut_cleans_text_as_the_full_rules_do(text):
    import unicodedata

    from nkwatch.schemacheck import clean_text
    from nkwatch.textnorm import strip_unsafe

    assert clean_text(text) == unicodedata.normalize("NFC", strip_unsafe(text))


CELLS = st.lists(st.one_of(st.text(), st.none(), st.integers(), st.floats(allow_nan=False)), min_size=2)
SEPARATORS_QUOTED = (",", ";", "\t", "\r", "\n", '"')  # every separator a spreadsheet may guess, and line breaks


def expected_line(texts: list[str]) -> str:
    """A CSV record as RFC 4180 writes it, with every cell holding a separator a spreadsheet may guess quoted."""
    quoted = ['"' + t.replace('"', '""') + '"' if any(c in t for c in SEPARATORS_QUOTED) else t for t in texts]
    return ",".join(quoted) + "\r\n"


@FAST
@given(cells=CELLS)
def test_a_csv_line_reads_back_with_the_csv_module_and_quotes_every_separator(cells):
    texts = ["" if c is None else str(c) for c in cells]
    line = csv_line(cells, raw=True)
    assert next(csv.reader(io.StringIO(line, newline=""))) == texts
    assert line == expected_line(texts)


@FAST
@given(cells=CELLS)
def test_a_csv_line_neutralises_exactly_the_text_cells_starting_a_formula(cells):
    texts = ["'" + c if isinstance(c, str) and starts_formula(c) else "" if c is None else str(c)
             for c in cells]
    assert csv_line(cells) == expected_line(texts)


def test_the_quick_first_character_check_agrees_with_starts_formula_for_every_first_character():
    # csv_line skips starts_formula for cells starting with harmless visible ASCII: that shortcut must never differ.
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        for cell in (chr(code), chr(code) + "=1", chr(code) + "\u200b"):
            guarded = "'" + cell if starts_formula(cell) else cell
            assert csv_line([cell]) == csv_line([guarded], raw=True), repr(cell)
