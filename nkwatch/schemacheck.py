"""Check strict-YAML values against nkwatch's JSON Schemas, and turn them into typed Python values.

The schemas under ``nkwatch/schema/`` are the one description of each record's structure: editors use them as you
type, and the loader uses them here. This module implements the part of JSON Schema draft-07 those files use
(type, properties, required, additionalProperties, items, enum, pattern, min/maxLength, minItems, uniqueItems,
minimum, maximum, anyOf, $ref), deciding each scalar's type from the schema rather than from YAML's guesses.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable
from functools import cache
from importlib import resources

from nkwatch.errors import excerpt
from nkwatch.textnorm import strip_unsafe
from nkwatch.yamlread import Path_, Scalar

MAX_DIGITS = 15
"""Whole numbers and the whole part of decimals have at most this many digits: every such integer is exact in JSON
readers that hold numbers as doubles (JavaScript's), and no decimal can overflow to infinity."""
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
_ANY: dict = {"_types": []}
_TYPE_WORDS = {"string": "text", "number": "a number", "integer": "a whole number", "object": "a mapping",
               "array": "a list", "null": "null", "boolean": "true or false"}


@cache
def load_schema(name: str) -> dict:
    """The schema file ``nkwatch/schema/NAME`` as a dict."""
    return json.loads(resources.files("nkwatch.schema").joinpath(name).read_text(encoding="utf-8"))


def clean_text(text: str) -> str:
    """Text held to nkwatch's policy for invisible characters (``textnorm.strip_unsafe``), normalised to NFC."""
    if text.isascii() and text.isprintable():  # holds none of them: the usual case
        return text
    return unicodedata.normalize("NFC", strip_unsafe(text))


def describe(value: object) -> str:
    """How a value found in a file is named in a message."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Scalar) and value.is_null:
        return "nothing (null)"
    return repr(excerpt(value.text if isinstance(value, Scalar) else str(value)))


def _follow(schema: dict, base: str) -> tuple[dict, str]:
    """The schema a ``$ref`` points to, and the file it is in."""
    while "$ref" in schema:
        target, _, pointer = schema["$ref"].partition("#")
        base = target or base
        schema = load_schema(base)
        for part in pointer.strip("/").split("/") if pointer.strip("/") else []:
            schema = schema[part]
    return schema, base


def _prepare(schema: dict, base: str) -> dict:
    """A copy of a schema with every $ref replaced by its target and each node's types listed once."""
    schema, base = _follow(schema, base)
    node = dict(schema)
    types = schema.get("type", [])
    node["_types"] = [types] if isinstance(types, str) else types
    if "properties" in schema:
        node["properties"] = {k: _prepare(v, base) for k, v in schema["properties"].items()}
    if "items" in schema:
        node["items"] = _prepare(schema["items"], base)
    if "anyOf" in schema:
        node["anyOf"] = [_prepare(option, base) for option in schema["anyOf"]]
    if "pattern" in schema:
        node["_pattern"] = re.compile(python_pattern(schema["pattern"]))
    return node


def python_pattern(pattern: str) -> str:
    """A JSON Schema (ECMA-262) pattern as Python means the same: ``$`` ends the text, as it does in ECMA-262,
    rather than also matching before a final newline (Python's ``$`` takes ``"2016\\n"`` for a year)."""
    out, in_class, escaped = [], False, False
    for character in pattern:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == "[":
            in_class = True
        elif character == "]":
            in_class = False
        elif character == "$" and not in_class:
            character = r"\Z"
        out.append(character)
    return "".join(out)


@cache
def prepared_schema(name: str) -> dict:
    """The schema file NAME, with references resolved, ready for checking many documents."""
    return _prepare(load_schema(name), name)


class Checker:
    """Validates one document against one schema, collecting (path, message) problems."""

    def __init__(self, schema_name: str):
        self.schema_name = schema_name
        self.problems: list[tuple[Path_, str]] = []

    def check(self, value: object) -> object:
        """Return the typed value; problems are left in ``self.problems``."""
        return compiled_schema(self.schema_name)(value, (), self.problems)


Check = Callable[[object, Path_, list], object]
"""A compiled schema node: (value, its path, the problems list to add to) → the typed value."""


@cache
def compiled_schema(name: str) -> Check:
    """The schema file NAME as one function that checks a value and returns it typed.

    Each schema node becomes a closure with its choices made once (which keywords apply, the messages' fixed
    parts), rather than looked up again for every value of every file: checking an index's worth of files spent
    most of its time asking each node which keywords it has.
    """
    return _compile(prepared_schema(name))


def _compile(schema: dict) -> Check:
    if "anyOf" in schema:
        return _compile_any_of(schema)
    if "enum" in schema:
        return _compile_enum(schema["enum"])
    types = schema["_types"]
    if types == ["string"]:
        return _compile_text(schema)
    check_object = _compile_object(schema) if "object" in types else None
    check_array = _compile_array(schema) if "array" in types else None
    check_scalar = _compile_scalar(schema, types)
    expected = _expected(types)

    def check(value, path, problems):
        kind = value.__class__
        if kind is dict and check_object:
            return check_object(value, path, problems)
        if kind is list and check_array:
            return check_array(value, path, problems)
        if kind is Scalar:
            return check_scalar(value, path, problems)
        problems.append((path, f"expected {expected}, found {describe(value)}"))
        return None

    return check


def _expected(types: list[str]) -> str:
    return " or ".join(_TYPE_WORDS.get(t, t) for t in types) or "a value"


def _compile_text(schema: dict) -> Check:
    """A node that holds text and nothing else, the most common kind, checked in one step."""
    check_string = _compile_string(schema)

    def check(value, path, problems):
        if value.__class__ is Scalar:
            return check_string(clean_text(value.text), path, problems)
        problems.append((path, f"expected text, found {describe(value)}"))
        return None

    return check


def _compile_any_of(schema: dict) -> Check:
    options = [_compile(option) for option in schema["anyOf"]]
    wanted = schema.get("description", "a valid value")
    wanted = wanted[0].lower() + wanted[1:]

    def check(value, path, problems):
        trials = []
        for option in options:
            trial: list = []
            result = option(value, path, trial)
            if not trial:
                return result
            trials.append(trial)
        # One option took the value's type and refused it (a number of 5,000 digits): its reason says more.
        specific = [trial for trial in trials if not trial[0][1].startswith("expected ")]
        if len(specific) == 1:
            problems.extend(specific[0])
        else:
            problems.append((path, f"expected {wanted}, found {describe(value)}"))
        return None

    return check


def _compile_enum(allowed: list) -> Check:
    null_allowed = None in allowed
    words = frozenset(a for a in allowed if isinstance(a, str))
    choices = ", ".join(str(a) for a in allowed if a is not None)

    def check(value, path, problems):
        if value.__class__ is Scalar:
            if null_allowed and value.is_null:
                return None
            if value.text in words:
                return value.text
        problems.append((path, f"{describe(value)} is not one of: {choices}"))
        return None

    return check


def _compile_object(schema: dict) -> Check:
    properties = {key: _compile(node) for key, node in schema.get("properties", {}).items()}
    closed = schema.get("additionalProperties") is False
    valid = ", ".join(properties)
    required = schema.get("required", [])
    check_any = _compile(_ANY)

    def check(value, path, problems):
        result = {}
        for key, item in value.items():
            check_item = properties.get(key)
            if check_item is None:
                if closed:
                    problems.append((path + (key,), f"unknown field {excerpt(key)!r}; valid fields are: {valid}"))
                    continue
                check_item = check_any
            result[key] = check_item(item, path + (key,), problems)
        for key in required:
            if key not in value:
                problems.append((path, f"missing required field {key!r}"))
        return result

    return check


def _compile_array(schema: dict) -> Check:
    check_item = _compile(schema.get("items", _ANY))
    least = schema.get("minItems", 0)
    unique = schema.get("uniqueItems", False)

    def check(value, path, problems):
        items = [check_item(item, path + (i,), problems) for i, item in enumerate(value)]
        if len(items) < least:
            problems.append((path, f"needs at least {least} item(s)"))
        if unique:
            seen = set()
            for i, item in enumerate(items):
                key = item if isinstance(item, str) else json.dumps(item, sort_keys=True, default=str)
                if key in seen:
                    problems.append((path + (i,), f"{excerpt(str(item))!r} is listed twice"))
                seen.add(key)
        return items

    return check


_BOOLEANS = {"true": True, "false": False}
"""The only spellings of a boolean: YAML 1.1's yes/no/on/off are refused rather than guessed."""


def _compile_scalar(schema: dict, types: list[str]) -> Check:
    nullable = "null" in types
    numeric = "number" in types or "integer" in types
    boolean = "boolean" in types
    textual = "string" in types
    check_number = _compile_bounds(schema)
    check_string = _compile_string(schema)
    expected = _expected(types)

    def check(value, path, problems):
        if nullable and value.is_null:
            return None
        if boolean and value.plain and value.text in _BOOLEANS:
            return _BOOLEANS[value.text]
        if numeric:
            if value.plain and _DECIMAL.fullmatch(value.text):
                return _number(value.text, path, problems, check_number)
            if not textual:
                problems.append((path, f"expected a number written in plain decimal digits, found {describe(value)}"))
                return None
        if textual:
            return check_string(clean_text(value.text), path, problems)
        problems.append((path, f"expected {expected}, found {describe(value)}"))
        return None

    return check


def _number(text: str, path: Path_, problems: list, check_number: Check) -> int | float | None:
    """A number written in plain decimal digits, refused when it has more than MAX_DIGITS before the point (Python
    would refuse to read a longer whole number, and a longer decimal can become infinity)."""
    digits = len(text.lstrip("-").partition(".")[0])
    if digits > MAX_DIGITS:
        problems.append((path, f"is a number of {digits} digits; at most {MAX_DIGITS} are allowed before the point"))
        return None
    number = float(text) if "." in text else int(text)
    if not math.isfinite(number):
        problems.append((path, f"{excerpt(text)!r} is too large a number"))
        return None
    return check_number(number, path, problems)


def _digits_hint(text: str) -> str:
    """What to say of a value holding digits of another script (``٢٠١٦``), which look right and match nothing."""
    return "; write digits as 0-9" if any(c.isdigit() and not c.isascii() for c in text) else ""


def _compile_bounds(schema: dict) -> Check:
    low, high = schema.get("minimum"), schema.get("maximum")

    def check(number, path, problems):
        if low is not None and number < low:
            problems.append((path, f"{number} is below the minimum {low}"))
        if high is not None and number > high:
            problems.append((path, f"{number} is above the maximum {high}"))
        return number

    return check


def _compile_string(schema: dict) -> Check:
    shortest, longest = schema.get("minLength", 0), schema.get("maxLength", 10**9)
    pattern = schema.get("_pattern")
    hint = schema.get("description", f"the pattern {pattern.pattern}") if pattern else ""

    def check(text, path, problems):
        if len(text) < shortest:
            problems.append((path, "must not be empty"))
        if len(text) > longest:
            problems.append((path, f"is {len(text)} characters long; at most {longest} are allowed"))
        if pattern and not pattern.search(text):
            problems.append((path, f"{excerpt(text)!r} is not valid: expected {hint}{_digits_hint(text)}"))
        return text

    return check
