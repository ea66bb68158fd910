"""HTML: one self-contained page (inline styles and script, no network) with a filterable vertical timeline.

The events go into a ``<script type="application/json">`` block, written one at a time, with ``<``, ``>`` and ``&``
escaped as ``\\u003c`` and the like so that no data can close the block or open a comment; the page's script reads
that block and builds the timeline with ``textContent`` only, so data is never parsed as HTML. A Content Security
Policy allows the page's own style and script (by hash) and nothing else: no request can leave the page.

The header names the selection and the day the page was made (HTML-escaped into the page, so it shows without
script too). On the page, filters for country, theme, actor, source, years and text narrow the timeline further and
are kept in the address (``#country=RU&text=tomsk``), so that a link opens the same view and a reload keeps it; the
text filter's matches are marked. Printed or saved as PDF, every event is open and the filters are hidden.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, NamedTuple, TextIO

from nkwatch import __version__
from nkwatch.models import Dataset, Event
from nkwatch.serialize import event_dict
from nkwatch.textnorm import strip_unsafe_json

if TYPE_CHECKING:
    from nkwatch.export.about import About

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


def page_facts(dataset: Dataset, countries: set[str], themes: set[str], about: About | None = None) -> dict:
    """What the page needs besides the events: the names of the countries and the themes they use, and what the
    page shows (its selection, the day made, its dataset)."""
    from nkwatch.countries import country_name

    facts = {"countries": {code: country_name(code) for code in sorted(countries)},
             "themes": {t: dataset.themes[t].description for t in sorted(themes) if t in dataset.themes}}
    if about is not None:
        facts["about"] = about.as_dict()
    return facts


def page_head(head: str, about: About) -> str:
    """The page's head and header with its title, the day made and the selection filled in, HTML-escaped; in one
    pass, so that a value holding a placeholder's name stays as it is."""
    values = {"TITLE": about.title, "MADE": about.made_line, "SELECTION": about.selection_text}
    return _HEAD_PLACEHOLDER.sub(lambda match: html.escape(values[match.group(1)]), head)


_HEAD_PLACEHOLDER = re.compile("@@(TITLE|MADE|SELECTION)@@")


def write_html(dataset: Dataset, events: Iterable[Event], stream: TextIO, *, about: About | None = None) -> int:
    """Write events as a self-contained HTML timeline page; return how many were written."""
    from nkwatch.export.about import describe

    about = about or describe(dataset)
    page = template()
    stream.write(page_head(page.head, about) + "[")
    count, countries, themes = 0, set(), set()
    for event in events:
        stream.write(("\n" if count == 0 else ",\n") + script_safe_json(event_dict(dataset, event)))
        countries.update(event.countries)
        themes.update(event.themes)
        count += 1
    stream.write("]" + page.middle + script_safe_json(page_facts(dataset, countries, themes, about)) + page.tail)
    return count
