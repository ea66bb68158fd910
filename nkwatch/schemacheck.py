"""Check strict-YAML values against nkwatch's JSON Schemas, and turn them into typed Python values.

The schemas under ``nkwatch/schema/`` are the one description of each record's structure: editors use them as you
type, and the loader uses them here. This module implements the part of JSON Schema draft-07 those files use
(type, properties, required, additionalProperties, items, enum, pattern, min/maxLength, minItems, uniqueItems,
minimum, maximum, anyOf, $ref), deciding each scalar's type from the schema rather than from YAML's guesses.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib import resources

from nkwatch.textnorm import strip_unsafe
from nkwatch.yamlread import Path_, Scalar

_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
_ANY: dict = {"_types": []}
_TYPE_WORDS = {"string": "text", "number": "a number", "integer": "a whole number", "object": "a mapping",
               "array": "a list", "null": "null", "boolean": "true or false"}


@cache
def load_schema(name: str) -> dict:
    """The schema file ``nkwatch/schema/NAME`` as a dict."""
    return json.loads(resources.files("nkwatch.schema").joinpath(name).read_text(encoding="utf-8"))


def clean_text(text: str) -> str:
    """Drop control characters and bidirectional overrides, and normalise to NFC."""
    return unicodedata.normalize("NFC", strip_unsafe(text))


def describe(value: object) -> str:
    """How a value found in a file is named in a message."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Scalar) and value.is_null:
        return "nothing (null)"
    return repr(value.text if isinstance(value, Scalar) else value)


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
        node["_pattern"] = re.compile(schema["pattern"])
    return node


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
        return self._check(value, prepared_schema(self.schema_name), self.schema_name, ())

    def _fail(self, path: Path_, message: str) -> None:
        self.problems.append((path, message))

    def _check(self, value: object, schema: dict, base: str, path: Path_) -> object:
        if "anyOf" in schema:
            return self._check_any_of(value, schema, base, path)
        if "enum" in schema:
            return self._check_enum(value, schema["enum"], path)
        types = schema["_types"]
        if isinstance(value, dict) and "object" in types:
            return self._check_object(value, schema, base, path)
        if isinstance(value, list) and "array" in types:
            return self._check_array(value, schema, base, path)
        if isinstance(value, Scalar):
            return self._check_scalar(value, schema, types, path)
        self._fail(path, f"expected {self._expected(types)}, found {describe(value)}")
        return None

    def _expected(self, types: list[str]) -> str:
        return " or ".join(_TYPE_WORDS.get(t, t) for t in types) or "a value"

    def _check_any_of(self, value: object, schema: dict, base: str, path: Path_) -> object:
        for option in schema["anyOf"]:
            trial = Checker(self.schema_name)
            result = trial._check(value, option, base, path)
            if not trial.problems:
                return result
        wanted = schema.get("description", "a valid value")
        self._fail(path, f"expected {wanted[0].lower() + wanted[1:]}, found {describe(value)}")
        return None

    def _check_enum(self, value: object, allowed: list, path: Path_) -> object:
        if isinstance(value, Scalar):
            if value.is_null and None in allowed:
                return None
            if value.text in allowed:
                return value.text
        choices = ", ".join(str(a) for a in allowed if a is not None)
        self._fail(path, f"{describe(value)} is not one of: {choices}")
        return None

    def _check_object(self, value: dict, schema: dict, base: str, path: Path_) -> dict:
        properties = schema.get("properties", {})
        result = {}
        for key, item in value.items():
            if key not in properties and schema.get("additionalProperties") is False:
                self._fail(path + (key,), f"unknown field {key!r}; valid fields are: {', '.join(properties)}")
                continue
            result[key] = self._check(item, properties.get(key, _ANY), base, path + (key,))
        for key in schema.get("required", []):
            if key not in value:
                self._fail(path, f"missing required field {key!r}")
        return result

    def _check_array(self, value: list, schema: dict, base: str, path: Path_) -> list:
        items = [self._check(item, schema.get("items", _ANY), base, path + (i,)) for i, item in enumerate(value)]
        if len(items) < schema.get("minItems", 0):
            self._fail(path, f"needs at least {schema['minItems']} item(s)")
        if schema.get("uniqueItems"):
            seen = set()
            for i, item in enumerate(items):
                key = item if isinstance(item, str) else json.dumps(item, sort_keys=True, default=str)
                if key in seen:
                    self._fail(path + (i,), f"{item!r} is listed twice")
                seen.add(key)
        return items

    def _check_scalar(self, value: Scalar, schema: dict, types: list[str], path: Path_) -> object:
        if value.is_null and "null" in types:
            return None
        if "number" in types or "integer" in types:
            if value.plain and _DECIMAL.fullmatch(value.text):
                return self._check_bounds(float(value.text) if "." in value.text else int(value.text), schema, path)
            if "string" not in types:
                self._fail(path, f"expected a number written in plain decimal digits, found {describe(value)}")
                return None
        if "string" in types:
            return self._check_string(clean_text(value.text), schema, path)
        self._fail(path, f"expected {self._expected(types)}, found {describe(value)}")
        return None

    def _check_bounds(self, number: float, schema: dict, path: Path_) -> float:
        if "minimum" in schema and number < schema["minimum"]:
            self._fail(path, f"{number} is below the minimum {schema['minimum']}")
        if "maximum" in schema and number > schema["maximum"]:
            self._fail(path, f"{number} is above the maximum {schema['maximum']}")
        return number

    def _check_string(self, text: str, schema: dict, path: Path_) -> str:
        if len(text) < schema.get("minLength", 0):
            self._fail(path, "must not be empty")
        if len(text) > schema.get("maxLength", 10**9):
            self._fail(path, f"is {len(text)} characters long; at most {schema['maxLength']} are allowed")
        pattern = schema.get("_pattern")
        if pattern and not pattern.search(text):
            hint = schema.get("description", f"the pattern {pattern.pattern}")
            self._fail(path, f"{text!r} is not valid: expected {hint}")
        return text
