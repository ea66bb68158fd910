"""HTML: one self-contained page (inline styles and script, no network) with a filterable vertical timeline.

The events go into a ``<script type="application/json">`` block, written one at a time, with ``<``, ``>`` and ``&``
escaped as ``\\u003c`` and the like so that no data can close the block or open a comment; the page's script reads
that block and builds the timeline with ``textContent`` only, so data is never parsed as HTML. A Content Security
Policy allows the page's own style and script (by hash) and nothing else: no request can leave the page.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import NamedTuple, TextIO

from nkwatch import __version__
from nkwatch.models import Dataset, Event
from nkwatch.serialize import event_dict
from nkwatch.textnorm import strip_unsafe_json

_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")


class Template(NamedTuple):
    """The page split around its two data blocks."""

    head: str
    """Everything before the events array."""
    middle: str
    """Between the events array and the page's facts (country names, themes)."""
    tail: str
    """Everything after the facts."""


def script_safe_json(value: object) -> str:
    """JSON that can sit inside a ``<script>`` element: ``<``, ``>``, ``&``, U+2028 and U+2029 escaped."""
    text = strip_unsafe_json(json.dumps(value, ensure_ascii=False, allow_nan=False))
    return _SCRIPT_UNSAFE_RE.sub(lambda match: _SCRIPT_UNSAFE[match.group()], text)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(page: str) -> str:
    """A policy that lets only this page's inline style and script run, by hash, and forbids every request."""
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL).group(1)
    script = re.search(r"<script>(.*?)</script>", page, re.DOTALL).group(1)
    return (f"default-src 'none'; style-src {_sha256(style)}; script-src {_sha256(script)}; img-src data:; "
            "base-uri 'none'; form-action 'none'")


@lru_cache(maxsize=1)
def template() -> Template:
    """The page template shipped with the package, with its policy and version filled in."""
    page = resources.files("nkwatch.export").joinpath("template.html").read_text(encoding="utf-8")
    page = page.replace("@@CSP@@", content_security_policy(page)).replace("@@VERSION@@", __version__)
    head, rest = page.split("@@EVENTS@@")
    middle, tail = rest.split("@@META@@")
    return Template(head, middle, tail)


def page_facts(dataset: Dataset, countries: set[str], themes: set[str]) -> dict:
    """What the page needs besides the events: the names of the countries and the themes they use."""
    from nkwatch.countries import country_name

    return {"countries": {code: country_name(code) for code in sorted(countries)},
            "themes": {t: dataset.themes[t].description for t in sorted(themes) if t in dataset.themes}}


def write_html(dataset: Dataset, events: Iterable[Event], stream: TextIO) -> int:
    """Write events as a self-contained HTML timeline page; return how many were written."""
    page = template()
    stream.write(page.head + "[")
    count, countries, themes = 0, set(), set()
    for event in events:
        stream.write(("\n" if count == 0 else ",\n") + script_safe_json(event_dict(dataset, event)))
        countries.update(event.countries)
        themes.update(event.themes)
        count += 1
    stream.write("]" + page.middle + script_safe_json(page_facts(dataset, countries, themes)) + page.tail)
    return count
