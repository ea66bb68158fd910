"""Writing to the terminal: plain text when piped, colour when not (unless NO_COLOR), a pager for long output."""

from __future__ import annotations

import json
import os
import sys

from nkwatch.cli import State

DEFAULT_DISPLAY_LIMIT = 200
"""Terminal listings stop here unless --limit says otherwise: Rich takes about 0.4 ms a row."""


def make_console(file=None):
    """A Console that never reads markup or emoji in data; 80 columns when piped unless COLUMNS says otherwise;
    no styles under NO_COLOR."""
    from rich.console import Console

    stream = file or sys.stdout
    width = None
    if not stream.isatty() and "COLUMNS" not in os.environ:
        width = 80
    # NO_COLOR means no styling at all, bold and dim included: output reads the same as in a pipe.
    plain = {"color_system": None} if os.environ.get("NO_COLOR") else {}
    return Console(file=stream, width=width, markup=False, emoji=False, highlight=False, soft_wrap=False, **plain)


def terminal_width() -> int | None:
    """The width to lay text out for on a terminal, or None when stdout is piped (scripts get tab-separated rows).

    Rich decides what a terminal is, so TTY_COMPATIBLE=1 (or FORCE_COLOR) asks for the terminal layout in a pipe.
    Rich is asked only when one of those is set or stdout is a terminal: otherwise its answer is always "piped", and
    a piped command need not import it.
    """
    if not (sys.stdout.isatty() or os.environ.get("TTY_COMPATIBLE") or "FORCE_COLOR" in os.environ):
        return None
    console = make_console()
    return console.width if console.is_terminal else None


def rendered(name: str, *args):
    """The terminal layout ``nkwatch.render.NAME(*args, width)``, as a function of the width; Rich is imported only
    if it is called."""
    import importlib

    return lambda width: getattr(importlib.import_module("nkwatch.render"), name)(*args, width)


def listing(render_terminal, render_rows):
    """A terminal layout at the screen's width, or tab-separated rows with every value whole when piped."""
    from nkwatch.rows import tsv

    width = terminal_width()
    return tsv(render_rows()) if width is None else render_terminal(width)


def layout_width() -> int:
    """The width text is fitted to: the terminal's, or COLUMNS (80 when unset) when piped."""
    width = terminal_width()
    if width is None and "COLUMNS" not in os.environ:
        return 80  # as make_console sets it, without importing Rich's console for it
    return width or make_console().width


def show(renderable, *, pager: bool = True) -> None:
    """Print a renderable (or a string of tab-separated rows); on a terminal, page it when taller than the screen.

    The renderers have fitted every line to the width already, so Rich wraps nothing (``soft_wrap``): an address
    longer than the screen stays one line, for the terminal to wrap and a copy to paste whole.
    """
    if isinstance(renderable, str):  # tab-separated rows, written as they are (Rich would expand the tabs)
        sys.stdout.write(renderable)
        return
    from rich.text import Text

    if isinstance(renderable, Text) and terminal_width() is None:
        # Piped, laid-out text is printed as its lines are, without styles: what the console would print.
        sys.stdout.write("\n".join(line.rstrip() for line in renderable.plain.split("\n")) + "\n")
        return
    console = make_console()
    with console.capture() as capture:
        console.print(renderable, soft_wrap=True)
    # Rich pads table cells to the full width; pasted into a report, trailing blanks are noise.
    text = "\n".join(line.rstrip() for line in capture.get().split("\n"))
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
    sys.stdout.write(text)


def print_line(text: str) -> None:
    """Print one line of plain text on stdout."""
    print(text)


def print_text(text: str) -> None:
    """Print a document (BibTeX, RIS, …) on stdout as it is: UTF-8, no newline translation."""
    stream = sys.stdout
    if hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8", newline="")
    stream.write(text)


def note(message: str) -> None:
    """A line for the person at the terminal, on stderr so that it never mixes with data."""
    print(message, file=sys.stderr)
