"""Writing to the terminal: plain text when piped, colour when not (unless NO_COLOR), a pager for long output."""

from __future__ import annotations

import json
import os
import sys

from nkwatch.cli import State
from nkwatch.freshness import settle

DEFAULT_DISPLAY_LIMIT = 200
"""Terminal listings stop here unless --limit says otherwise: Rich takes about 0.4 ms a row."""


def make_console(file=None):
    """A Console that never reads markup or emoji in data; 80 columns when piped unless COLUMNS says otherwise."""
    from rich.console import Console

    stream = file or sys.stdout
    width = None
    if not stream.isatty() and "COLUMNS" not in os.environ:
        width = 80
    return Console(file=stream, width=width, markup=False, emoji=False, highlight=False, soft_wrap=False)


def show(renderable, *, pager: bool = True) -> None:
    """Print a renderable; on a terminal, page it when it is taller than the screen."""
    console = make_console()
    with console.capture() as capture:
        console.print(renderable)
    # Rich pads table cells to the full width; pasted into a report, trailing blanks are noise.
    text = "\n".join(line.rstrip() for line in capture.get().split("\n"))
    settle()
    paging = pager and State.pager and console.is_terminal and sys.stdin.isatty()
    if not paging or text.count("\n") < console.height:
        sys.stdout.write(text)
        return
    import pydoc

    os.environ.setdefault("LESS", "-FRX")
    pydoc.pager(text)


def show_json(value) -> None:
    """Print a JSON document: UTF-8, two-space indent, keys in the documented order."""
    from nkwatch.textnorm import strip_unsafe_json

    text = strip_unsafe_json(json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)) + "\n"
    settle()
    sys.stdout.write(text)


def print_line(text: str) -> None:
    """Print one line of plain text on stdout."""
    settle()
    print(text)


def note(message: str) -> None:
    """A line for the person at the terminal, on stderr so that it never mixes with data."""
    settle()
    print(message, file=sys.stderr)
