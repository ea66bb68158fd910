"""The YAML reader's C walk (nkwatch._yamlfast): whatever it reads, it reads exactly as the Python walk does, and
whatever the Python walk would report, it leaves to the Python walk."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from test_properties import FAST, NESTED_TEXT, mutations

from conftest import BROKEN, FIXTURES, MINI, compiled
from nkwatch.loader import bundled_data_path
from nkwatch.yamlread import MAX_DEPTH, Document, Scalar, YamlProblem, decode_text, python_parse_document

HOSTILE = Path(__file__).parent / "hostile"


def walked(text: str) -> Document | None:
    """The C walk's Document, or None when it left the text to the Python walk."""
    result = compiled("_yamlfast", "parse")(text, Scalar, MAX_DEPTH)
    return None if result is None else Document(*result)


def python_or_problem(text: str) -> Document | str:
    """The Python walk's Document, or the message of the problem it reports."""
    try:
        return python_parse_document(text)
    except YamlProblem as problem:
        return problem.message


def same_values(a: object, b: object) -> bool:
    """Equal, with the same types all the way down (a Scalar is not just any tuple) and keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_values(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_values(x, y) for x, y in zip(a, b, strict=True))
    return a == b and (not isinstance(a, tuple) or all(type(x) is type(y) for x, y in zip(a, b, strict=True)))


def assert_walks_agree(text: str) -> Document | None:
    """The property: when the C walk reads a text, the Python walk reads the same values at the same positions."""
    fast, python = walked(text), python_or_problem(text)
    if fast is not None:
        assert isinstance(python, Document), f"the C walk read what the Python walk reports: {python}"
        assert same_values(fast.root, python.root)
        assert fast.marks.keys() == python.marks.keys()
        assert all(fast.position(path) == python.position(path) for path in python.marks)
    return fast


def data_texts(*folders: Path) -> list[tuple[str, str]]:
    """(name, text) of every YAML file under the folders that decodes as text."""
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*.y*ml")):
            with contextlib.suppress(YamlProblem):
                found.append((str(path), decode_text(path.read_bytes())))
    return found


def test_every_valid_file_is_read_by_the_c_walk_as_by_the_python_walk():
    texts = data_texts(bundled_data_path(), MINI, FIXTURES / "broken")
    assert len(texts) > 60
    for name, text in texts:
        fast = assert_walks_agree(text)
        if isinstance(python_or_problem(text), Document):
            assert fast is not None, f"the C walk gave up on {name}, which reads without a problem"


@pytest.mark.parametrize("text", [
    "a: plain\nb: 'single'\nc: \"double \\u00e9\\t\"\nd: |\n  literal\n  block\ne: >\n  folded\n  block\n",
    "list:\n- one\n- [two, three]\n- {four: 4, five: ''}\n-\n- ~\n",
    "--- \nid: x  # a comment\n...\n",
    "%YAML 1.1\n---\nkey: value\n",
    "just a scalar\n",
    "- a\n- b\n",
    "# only a comment\n",
    "\u5e73\u58e4: \u00e9t\u00e9\nquote: '\u202e'\n",
    "a: ! \"quoted, with the non-specific tag, which the Python walk reads\"\n",
    "a:\n  b:\n    c: [1, {d: e}]\n",
    "'': empty key\nnull: x\n? plain explicit key\n: its value\n",
])
def test_assorted_documents_read_the_same(text):
    assert_walks_agree(text)


@pytest.mark.parametrize("text", [
    "a: &anchor 1\nb: *anchor\n",
    "a: !!str 1\n",
    "a: !custom x\n",
    "a: 1\na: 2\n",
    "? [complex, key]\n: value\n",
    "a: 1\n---\nb: 2\n",
    "a: 'unterminated\n",
    "a: b: c\n",
    "a: [1, 2\n",
    "\tkey: tab\n",
    "a: \x07\n",
    "a: !str &x [1]\n",
    "a: *nothing\n",
])
def test_whatever_the_reader_reports_is_left_to_the_python_walk(text):
    assert walked(text) is None
    assert isinstance(python_or_problem(text), str)


def test_the_deepest_nesting_allowed_is_read_and_one_deeper_is_left_to_the_python_walk():
    def nested(depth: int) -> str:
        return "[" * depth + "x" + "]" * depth + "\n"

    assert assert_walks_agree(nested(MAX_DEPTH)) is not None
    assert walked(nested(MAX_DEPTH + 1)) is None
    assert python_or_problem(nested(MAX_DEPTH + 1)) == f"nests deeper than {MAX_DEPTH} levels"


def test_text_that_is_not_utf8_encodable_is_left_to_the_python_walk():
    assert walked("a: \ud800\n") is None


def test_the_hostile_files_are_read_alike_or_left_to_the_python_walk():
    for _, text in data_texts(HOSTILE):
        assert_walks_agree(text)


def test_the_walk_refuses_what_is_not_text_or_a_tuple_type():
    parse = compiled("_yamlfast", "parse")
    with pytest.raises(TypeError):
        parse(b"a: 1", Scalar, MAX_DEPTH)
    with pytest.raises(TypeError, match="tuple subclass"):
        parse("a: 1", dict, MAX_DEPTH)


@FAST
@given(mutation=mutations())
def test_mutated_fixture_files_are_read_alike_or_left_to_the_python_walk(mutation):
    _, data = mutation
    try:
        text = decode_text(data)
    except YamlProblem:
        return
    assert_walks_agree(text)


@FAST
@given(NESTED_TEXT, st.booleans(), st.sampled_from([None, '"', "'", "|", ">"]))
def test_any_nesting_in_any_scalar_style_is_read_alike(value, flow, style):
    text = yaml.safe_dump({"root": value}, default_flow_style=flow, default_style=style, allow_unicode=True)
    assert assert_walks_agree(text) is not None


def test_a_broken_fixture_gets_the_python_walks_message_through_parse_document():
    from nkwatch.yamlread import parse_document

    text = (BROKEN / "duplicate-key.yaml").read_text()
    assert walked(text) is None
    with pytest.raises(YamlProblem, match="has the key 'title' twice in one mapping"):
        parse_document(text)
